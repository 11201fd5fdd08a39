//! `mock-tenant`: see `mock-tenant --help`. The command line is this binary's own (behind the
//! default `cli` feature), so the library carries no argument parser.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
