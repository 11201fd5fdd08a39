//! `sample-api`: the reference quickstart API. Configure with `AUTH0_DOMAIN`, `AUTH0_AUDIENCE`
//! (or `API_IDENTIFIER`), `PORT` (default 3010) and, for a local tenant, `SSL_CERT_FILE`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
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
