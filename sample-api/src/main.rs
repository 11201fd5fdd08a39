//! `sample-api`: the reference quickstart API. Configure with `AUTH0_DOMAIN`, `AUTH0_AUDIENCE`
//! (or `API_IDENTIFIER`), `PORT` (default 3010) and, for a local tenant, `SSL_CERT_FILE`.

use std::process::ExitCode;

/// `--help`: every setting is an environment variable.
const HELP: &str = "\
sample-api: Auth0's API quickstart done right (/api/public, /api/private, /api/private-scoped
with read:messages). Configured by environment variables only:

  AUTH0_DOMAIN         host[:port] of the tenant; issuer https://{domain}/ (required)
  AUTH0_AUDIENCE       the API identifier tokens must carry in aud (or API_IDENTIFIER; required)
  PORT, HOST           where to listen [default: 3010, 127.0.0.1]
  SSL_CERT_FILE        extra CA certificates to trust (a mock tenant's)
  AUTH0_SCOPE_SOURCE   scope | scope+permissions [default: scope]
  AUTH0_LEEWAY_SECS    clock skew allowed on exp, nbf, iat [default: 5]
  JWKS_COOLDOWN_SECS   least time between two fetches for unknown kids [default: 10]
  JWKS_TIMEOUT_MS      JWKS fetch timeout [default: 5000]
  JWKS_MAX_TTL_SECS    longest key-set lifetime [default: 3600]
  AUTH0_DPOP           off | allowed | required [default: off]
  AUTH0_DPOP_URL       the public base URL DPoP proofs' htu must name

Exit codes: 0 stopped by Ctrl-C, 2 a bad setting or the port is taken.
Documentation: https://github.com/auth0-offline/auth0-offline (README, \"The reference API\").
";

#[tokio::main]
async fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("--version" | "-V") => {
            println!("sample-api {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!(
                "sample-api: unexpected argument {other:?}: it is configured by environment \
                 variables (see --help)"
            );
            return ExitCode::from(2);
        }
    }
    let settings = match sample_api::Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sample-api: {e}");
            return ExitCode::from(2);
        }
    };
    let api = match sample_api::SampleApi::start(settings).await {
        Ok(api) => api,
        Err(e) => {
            eprintln!("sample-api: {e}");
            return ExitCode::from(2);
        }
    };
    println!("sample-api listening on {}", api.url());
    let _ = tokio::signal::ctrl_c().await;
    api.shutdown().await;
    ExitCode::SUCCESS
}
