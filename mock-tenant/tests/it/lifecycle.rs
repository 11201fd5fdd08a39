use super::*;

#[tokio::test]
async fn url_works_the_moment_start_returns_and_dies_with_the_handle() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let url = format!("{}/.well-known/jwks.json", tenant.url());
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    let ca_path = tenant.ca_path().unwrap().to_owned();
    assert!(ca_path.exists());
    drop(tenant);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert!(
        fresh.get(&url).send().await.is_err(),
        "server still answering after drop"
    );
    assert!(!ca_path.exists(), "temporary CA file left behind");
}

#[tokio::test]
async fn plain_http_on_request_with_an_http_issuer() {
    let tenant = MockTenant::builder().http().start().await;
    assert!(tenant.issuer().starts_with("http://localhost:"));
    assert!(tenant.ca_pem().is_none());
    let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", tenant.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], tenant.issuer());
}

#[tokio::test]
async fn binds_loopback_by_default_and_the_port_is_its_own() {
    let a = MockTenant::start().await;
    let b = MockTenant::start().await;
    assert!(a.addr().ip().is_loopback());
    assert_ne!(a.addr().port(), b.addr().port());
    let taken = MockTenant::builder()
        .port(a.addr().port())
        .try_start()
        .await;
    // A typed error: `?` into any error type, the io::Error kept as its source.
    let err = taken.unwrap_err();
    assert!(matches!(err, mock_tenant::Error::Bind { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot listen"), "{err}");
    let source = std::error::Error::source(&err).expect("the bind error's cause");
    assert!(source.downcast_ref::<std::io::Error>().is_some());
}

#[tokio::test]
async fn env_names_what_an_api_and_its_tests_need() {
    let tenant = MockTenant::start().await;
    let env: std::collections::HashMap<_, _> = tenant.env().into_iter().collect();
    assert_eq!(env["AUTH0_DOMAIN"], tenant.domain());
    assert_eq!(env["AUTH0_AUDIENCE"], fixtures::QUICKSTART_AUDIENCE);
    assert_eq!(env["API_IDENTIFIER"], fixtures::QUICKSTART_AUDIENCE);
    let ca = tenant.ca_path().unwrap().display().to_string();
    for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
        assert_eq!(env[name], ca);
    }
    assert_eq!(env["AUTH0_CLIENT_ID"], "quickstart-m2m-read-write");
    assert_eq!(
        env["MOCK_TENANT_CLIENT_QUICKSTART_M2M_NONE_SECRET"],
        "test-only-secret-m2m-none"
    );
}
