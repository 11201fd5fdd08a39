use super::*;
use std::process::Command;

fn mock_tenant(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .args(args)
        .output()
        .expect("run mock-tenant")
}

#[tokio::test]
async fn mint_prints_a_token_that_verifies_against_a_tenant_with_the_same_issuer() {
    let tenant = MockTenant::start().await;
    let out = mock_tenant(&[
        "mint",
        "--issuer",
        tenant.issuer(),
        "--scope",
        "read:messages write:messages",
        "--claim",
        "sub=alice@clients",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let claims = verify(&tenant, token.trim())
        .await
        .expect("offline token verifies");
    assert_eq!(claims["sub"], "alice@clients");
    assert_eq!(claims["scope"], "read:messages write:messages");
}

#[test]
fn mint_applies_a_defect_and_refuses_unknown_names_with_exit_code_2() {
    let out = mock_tenant(&["mint", "--defect", "alg-none"]);
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    let header = token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "none");
    assert!(token.trim().ends_with('.'));

    let out = mock_tenant(&["mint", "--defect", "no-such-defect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mock-tenant defects"));
}

#[test]
fn defects_lists_every_name_as_text_and_json() {
    let out = mock_tenant(&["defects"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        mock_tenant::forge::defects().len() + mock_tenant::forge::dpop_defects().len()
    );
    assert!(text.lines().any(|l| l.starts_with("hs-pubkey-pem ")));
    assert!(text.lines().any(|l| l.starts_with("dpop-htu-port ")));
    let out = mock_tenant(&["defects", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        mock_tenant::forge::defects().len()
    );
}

/// The container image's entrypoint, run without a container engine (none runs on these
/// machines): every interface from the environment, an issuer named after the compose service,
/// the loud warning, and the CA served at `/_mock/ca.pem` for other containers to trust.
#[tokio::test]
async fn the_container_entrypoint_binds_all_interfaces_loudly_and_serves_its_ca() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("mt-entrypoint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env_file = dir.join("tenant.env");
    let issuer = format!("https://tenant:{port}/");
    /// Stops the tenant even when an assertion fails first.
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Stop(
        Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
            .args(["--issuer", &issuer])
            .env("MOCK_TENANT_BIND", "0.0.0.0")
            .env("MOCK_TENANT_PORT", port.to_string())
            .env("MOCK_TENANT_ENV_OUT", &env_file)
            .env("MOCK_TENANT_CONTROL_TOKEN", "entrypoint-test-token")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !env_file.exists() && std::time::Instant::now() < deadline {
        assert!(child.0.try_wait().unwrap().is_none(), "mock-tenant exited");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The service name resolves to this machine, as compose's DNS does for the container.
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let ca_url = format!("https://tenant:{port}/_mock/ca.pem");
    let insecure = reqwest::Client::builder()
        .resolve("tenant", addr)
        .no_proxy()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let res = insecure.get(&ca_url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/x-pem-file");
    let pem = res.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    // Trusting that CA alone, the tenant answers under its service name.
    let trusting = reqwest::Client::builder()
        .resolve("tenant", addr)
        .no_proxy()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let discovery =
        json_of(trusting.get(format!("{issuer}.well-known/openid-configuration"))).await;
    assert_eq!(discovery["issuer"], issuer);
    // Reachable from the network, its control API wants the token.
    let keys = format!("{issuer}_mock/keys");
    assert_eq!(trusting.get(&keys).send().await.unwrap().status(), 401);
    let res = trusting
        .get(&keys)
        .header(mock_tenant::CONTROL_TOKEN_HEADER, "entrypoint-test-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let env_text = std::fs::read_to_string(&env_file).unwrap();
    assert!(
        env_text.contains(&format!("AUTH0_DOMAIN=tenant:{port}")),
        "{env_text}"
    );
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.0.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("WARNING: mock-tenant is listening on 0.0.0.0"),
        "{err}"
    );
    assert!(err.contains("VALID TOKENS FOR ANYONE"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bind_beyond_loopback_needs_a_control_token_or_insecure_control() {
    let out = Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
        .args(["--bind", "0.0.0.0", "--port", "0"])
        .env_remove("MOCK_TENANT_CONTROL_TOKEN")
        .env_remove("MOCK_TENANT_INSECURE_CONTROL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--bind 0.0.0.0 reaches beyond this machine"),
        "{err}"
    );
    assert!(
        err.contains("--control-token") && err.contains("--insecure-control"),
        "{err}"
    );
}

#[tokio::test]
async fn ca_pem_is_the_embedded_tenants_ca_and_a_plain_http_tenant_has_none() {
    let tenant = MockTenant::start().await;
    let res = client(&tenant)
        .get(format!("{}/_mock/ca.pem", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), tenant.ca_pem().unwrap());
    let plain = MockTenant::builder().http().start().await;
    let res = reqwest::Client::new()
        .get(format!("{}/_mock/ca.pem", plain.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}
