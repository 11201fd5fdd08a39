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

#[tokio::test]
async fn the_control_api_poisons_the_discovery_document_until_cleared() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let doc_url = format!("{}/.well-known/openid-configuration", tenant.url());
    let control = format!("{}/_mock/discovery", tenant.url());
    let res = c
        .put(&control)
        .json(&serde_json::json!({"jwks_uri": "https://attacker.test/jwks.json", "userinfo_endpoint": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let doc: Value = json_of(c.get(&doc_url)).await;
    assert_eq!(doc["jwks_uri"], "https://attacker.test/jwks.json");
    assert!(
        doc.get("userinfo_endpoint").is_none(),
        "null removes a field"
    );
    assert_eq!(doc["issuer"], tenant.issuer(), "the rest is untouched");
    let overrides: Value = json_of(c.get(&control)).await;
    assert_eq!(overrides["jwks_uri"], "https://attacker.test/jwks.json");

    let res = c.put(&control).body("[1]").send().await.unwrap();
    assert_eq!(res.status(), 400);

    assert_eq!(c.delete(&control).send().await.unwrap().status(), 204);
    let doc: Value = json_of(c.get(&doc_url)).await;
    assert_eq!(doc, mock_tenant::discovery_document(tenant.issuer()));

    // The Rust handle does the same, and reset clears it.
    let mut fields = serde_json::Map::new();
    fields.insert("issuer".into(), "https://evil.test/".into());
    tenant.set_discovery_overrides(fields);
    let doc: Value = json_of(c.get(&doc_url)).await;
    assert_eq!(doc["issuer"], "https://evil.test/");
    tenant.reset();
    let doc: Value = json_of(c.get(&doc_url)).await;
    assert_eq!(doc["issuer"], tenant.issuer());
}
