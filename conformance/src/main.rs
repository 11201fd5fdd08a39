//! `conformance`: see `conformance --help`.

fn main() -> std::process::ExitCode {
    conformance::cli::run()
}
