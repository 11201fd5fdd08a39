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

/// A custom domain is a second issuer on the same port: its own discovery document, its own
/// `client_credentials` tokens, the same keys; the canonical host is unchanged.
#[tokio::test]
async fn a_custom_domain_is_a_second_issuer_sharing_the_keys() {
    let tenant = MockTenant::builder()
        .custom_domain("127.0.0.1")
        .start()
        .await;
    let port = tenant.addr().port();
    let custom = format!("https://127.0.0.1:{port}/");
    assert_eq!(
        tenant.issuers(),
        vec![tenant.issuer().to_owned(), custom.clone()]
    );
    let http = crate::client(&tenant);
    let doc = crate::json_of(http.get(format!("{custom}.well-known/openid-configuration"))).await;
    assert_eq!(doc["issuer"], custom.as_str());
    assert_eq!(doc["jwks_uri"], format!("{custom}.well-known/jwks.json"));
    assert_eq!(doc["token_endpoint"], format!("{custom}oauth/token"));
    let canonical =
        crate::json_of(http.get(format!("{}/.well-known/openid-configuration", tenant.url())))
            .await;
    assert_eq!(canonical["issuer"], tenant.issuer());
    // The same key set on both hosts.
    let keys = |base: String| {
        let http = http.clone();
        async move { crate::json_of(http.get(format!("{base}.well-known/jwks.json"))).await }
    };
    assert_eq!(
        keys(custom.clone()).await,
        keys(tenant.issuer().to_owned()).await
    );
    // A token asked for on the custom domain names it; it verifies with the shared keys.
    let client = &tenant.config().clients[0];
    let body: Value = crate::json_of(http.post(format!("{custom}oauth/token")).form(&[
        ("grant_type", "client_credentials"),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.as_str()),
        ("audience", fixtures::QUICKSTART_AUDIENCE),
    ]))
    .await;
    let token = body["access_token"].as_str().expect("a token");
    // Signed by the key the shared set publishes.
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    let jwks = crate::fetch_jwks(&tenant).await;
    let jwk = jwks
        .find(&kid)
        .expect("the token's kid is in the shared key set");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[custom.as_str()]);
    validation.set_audience(&[fixtures::QUICKSTART_AUDIENCE]);
    jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap(),
        &validation,
    )
    .expect("verifies as the custom domain's token");
    let payload: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').nth(1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["iss"], custom.as_str());
}

#[tokio::test]
async fn a_custom_domain_with_a_scheme_or_port_is_refused_at_start() {
    for bad in ["https://auth.example.test", "127.0.0.1:9", "a/b", ""] {
        let err = MockTenant::builder()
            .custom_domain(bad)
            .try_start()
            .await
            .unwrap_err();
        assert!(
            matches!(err, mock_tenant::Error::Config(_)),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains("custom domain"), "{bad}: {err}");
    }
}
