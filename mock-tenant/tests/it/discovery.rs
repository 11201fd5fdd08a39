use super::*;

#[tokio::test]
async fn discovery_document_matches_auth0s_fields_order_and_values() {
    let tenant = MockTenant::start().await;
    let res = client(&tenant)
        .get(format!("{}/.well-known/openid-configuration", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let doc: Value = res.json().await.unwrap();
    assert_eq!(
        doc["issuer"],
        format!("https://localhost:{}/", tenant.addr().port())
    );
    assert_eq!(doc["jwks_uri"], tenant.jwks_uri());
    insta::assert_json_snapshot!("openid_configuration", redact_port(&tenant, &doc));
}

#[tokio::test]
async fn oauth_authorization_server_serves_the_same_document() {
    let tenant = MockTenant::start().await;
    let get = |path: &'static str| {
        let (c, url) = (client(&tenant), tenant.url());
        async move {
            c.get(format!("{url}{path}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        get("/.well-known/openid-configuration").await,
        get("/.well-known/oauth-authorization-server").await
    );
}

#[tokio::test]
async fn custom_issuer_is_used_exactly_in_discovery_and_tokens() {
    let tenant = MockTenant::builder()
        .issuer("https://tenant.example.com/")
        .start()
        .await;
    let doc: Value =
        json_of(client(&tenant).get(format!("{}/.well-known/openid-configuration", tenant.url())))
            .await;
    assert_eq!(doc["issuer"], "https://tenant.example.com/");
    assert_eq!(
        doc["token_endpoint"],
        "https://tenant.example.com/oauth/token"
    );
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .unwrap()
        .claims;
    assert_eq!(claims["iss"], "https://tenant.example.com/");
}
