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
  HEADER_READ_TIMEOUT_SECS  close a connection whose request headers take longer [default: 30]
  IDLE_TIMEOUT_SECS    close a connection idle this long with no request in flight [default: 120]
  MAX_CONNECTIONS      most connections at once [default: the open-files limit less 64]
  DRAIN_TIMEOUT_SECS   on Ctrl-C or SIGTERM, wait this long for requests in flight [default: 5]

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 a bad setting or the port is taken.
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
    shutdown_signal().await;
    api.shutdown().await;
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM (what CI runners, container runtimes and `kill` send).
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
