//! The `sample-api` binary as a user meets it: `--version`, `--help`, an argument it does not
//! take, and a missing setting, each with its exit code.

use std::process::{Command, Output};

fn sample_api(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sample-api"))
        .args(args)
        .env_remove("AUTH0_DOMAIN")
        .env_remove("AUTH0_AUDIENCE")
        .env_remove("API_IDENTIFIER")
        .output()
        .expect("run sample-api")
}

#[test]
fn version_help_and_bad_input_answer_without_starting() {
    let out = sample_api(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("sample-api {}", env!("CARGO_PKG_VERSION"))
    );
    let out = sample_api(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in [
        "AUTH0_DOMAIN",
        "AUTH0_AUDIENCE",
        "JWKS_COOLDOWN_SECS",
        "AUTH0_DPOP",
    ] {
        assert!(help.contains(setting), "{help}");
    }
    assert!(help.contains("Exit codes"), "{help}");
    let out = sample_api(&["--port", "3010"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("environment variables"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sample_api(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AUTH0_DOMAIN"));
}
