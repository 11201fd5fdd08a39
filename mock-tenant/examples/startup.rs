//! Benchmark: time from "start" to the first 200 on the discovery document, over HTTPS, with the
//! CA, the `localhost` certificate, the keys and their `x5c` certificates all made at start.
//!
//! `cargo run --release -p mock-tenant --example startup [-- RUNS [BINARY]]`
//!
//! Measures the embedded tenant (`MockTenant::start`) and, when given the path of a built
//! `mock-tenant` binary, a fresh process (spawn, wait for `--env-out`, first request).

use mock_tenant::MockTenant;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let binary = args.next();

    let mut embedded = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let tenant = MockTenant::start().await;
        first_200(&tenant.url(), tenant.ca_pem().expect("HTTPS")).await;
        embedded.push(started.elapsed());
        tenant.shutdown().await;
    }
    report(
        "embedded MockTenant::start -> first 200 (HTTPS discovery)",
        &mut embedded,
    );

    if let Some(binary) = binary {
        let mut process = Vec::new();
        let dir = std::env::temp_dir().join(format!("mock-tenant-startup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for i in 0..runs {
            let env_out = dir.join(format!("{i}.env"));
            let ca_out = dir.join(format!("{i}-ca.pem"));
            let started = Instant::now();
            let mut child = std::process::Command::new(&binary)
                .args(["--port", "0", "--env-out"])
                .arg(&env_out)
                .arg("--ca-out")
                .arg(&ca_out)
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn mock-tenant");
            let env = loop {
                match std::fs::read_to_string(&env_out) {
                    Ok(text) if text.ends_with('\n') => break text,
                    _ => tokio::time::sleep(Duration::from_micros(200)).await,
                }
            };
            let domain = env
                .lines()
                .find_map(|l| l.strip_prefix("AUTH0_DOMAIN="))
                .expect("AUTH0_DOMAIN");
            let ca = std::fs::read_to_string(&ca_out).expect("CA file");
            first_200(&format!("https://{domain}"), &ca).await;
            process.push(started.elapsed());
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&dir);
        report("process spawn -> first 200 (HTTPS discovery)", &mut process);
    }
}

async fn first_200(url: &str, ca_pem: &str) {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA");
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .build()
        .expect("client");
    let res = client
        .get(format!("{url}/.well-known/openid-configuration"))
        .send()
        .await
        .expect("discovery");
    assert_eq!(res.status(), 200);
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        ms(pick(0.5)),
        ms(pick(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}
