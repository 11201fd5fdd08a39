//! `mock-tenant`: see `mock-tenant --help`.

fn main() -> std::process::ExitCode {
    mock_tenant::cli::run()
}
