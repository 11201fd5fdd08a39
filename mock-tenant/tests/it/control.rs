use super::*;
use mock_tenant::{BadKey, JunkBody, JwksFault, TenantConfig};
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn rotation_signs_with_the_old_next_key_and_keeps_old_tokens_valid() {
    let tenant = MockTenant::start().await;
    let before = token_for(&tenant, "quickstart-m2m-read").await;
    let old = tenant.keys();
    let new = tenant.rotate_keys();
    assert_eq!(new.current, old.next);
    assert_eq!(new.previous.as_deref(), Some(old.current.as_str()));
    assert_eq!(new.published.len(), 3);

    let after = token_for(&tenant, "quickstart-m2m-read").await;
    assert_eq!(
        jsonwebtoken::decode_header(&after).unwrap().kid.unwrap(),
        old.next
    );
    assert!(verify(&tenant, &after).await.is_ok());
    assert!(
        verify(&tenant, &before).await.is_ok(),
        "previous key stays published"
    );
}

#[tokio::test]
async fn removing_a_kid_makes_its_tokens_unverifiable() {
    let tenant = MockTenant::start().await;
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    tenant.remove_kid(&tenant.keys().current);
    let err = verify(&tenant, &token).await.unwrap_err();
    assert!(err.contains("not in JWKS"), "{err}");
}

#[tokio::test]
async fn rebinding_a_kid_breaks_the_signature_of_old_tokens() {
    let tenant = MockTenant::start().await;
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    tenant.rebind_kid(&tenant.keys().current);
    let err = verify(&tenant, &token).await.unwrap_err();
    assert!(err.contains("InvalidSignature"), "{err}");
    let fresh = token_for(&tenant, "quickstart-m2m-read").await;
    assert!(verify(&tenant, &fresh).await.is_ok());
}

#[tokio::test]
async fn jwks_status_fault_answers_that_status_until_cleared() {
    let tenant = MockTenant::start().await;
    tenant.set_jwks_fault(JwksFault::Status { status: 503 });
    let res = client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
    assert_eq!(res.status(), 503);
    tenant.clear_jwks_fault();
    let res = client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn jwks_drop_fault_closes_the_connection_without_an_answer() {
    let tenant = MockTenant::start().await;
    tenant.set_jwks_fault(JwksFault::Drop);
    let err = client(&tenant)
        .get(tenant.jwks_uri())
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    // Other endpoints keep working, and the attempt was counted.
    let res = client(&tenant)
        .get(format!("{}/.well-known/openid-configuration", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(tenant.stats().jwks_fetches() >= 1);
}

#[tokio::test]
async fn jwks_delay_fault_delays_the_answer() {
    let tenant = MockTenant::start().await;
    tenant.set_jwks_fault(JwksFault::Delay { ms: 300 });
    let started = Instant::now();
    let res = client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn every_junk_body_is_served_with_200_and_is_not_a_usable_key_set() {
    let tenant = MockTenant::start().await;
    let kid = tenant.keys().current;
    for body in JunkBody::ALL {
        tenant.set_jwks_fault(JwksFault::Junk { body });
        let res = client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
        assert_eq!(res.status(), 200, "{body:?}");
        let text = res.text().await.unwrap();
        // A verifier that parses it finds no RSA key for the tenant's kid.
        let usable = serde_json::from_str::<jsonwebtoken::jwk::JwkSet>(&text)
            .ok()
            .and_then(|set| set.find(&kid).cloned())
            .is_some_and(|jwk| {
                jsonwebtoken::DecodingKey::from_jwk(&jwk).is_ok()
                    && matches!(
                        jwk.algorithm,
                        jsonwebtoken::jwk::AlgorithmParameters::RSA(_)
                    )
            });
        assert!(!usable, "{body:?} served a usable RSA key: {text}");
    }
}

#[tokio::test]
async fn extra_key_faults_publish_the_bad_key_beside_the_real_ones() {
    let tenant = MockTenant::start().await;
    for (key, check) in [
        (BadKey::WeakRsa, ("kty", "RSA")),
        (BadKey::Enc, ("use", "enc")),
        (BadKey::Ec, ("kty", "EC")),
        (BadKey::RsaExponentOne, ("e", "AQ")),
    ] {
        tenant.set_jwks_fault(JwksFault::ExtraKey { key });
        let jwks: Value = json_of(client(&tenant).get(tenant.jwks_uri())).await;
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 3, "{key:?}");
        assert_eq!(keys[2], key.jwk());
        assert_eq!(keys[2][check.0], check.1, "{key:?}");
    }
    // The real token still verifies while a bad key is published.
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    assert!(verify(&tenant, &token).await.is_ok());
}

#[tokio::test]
async fn stats_count_requests_per_path_but_not_control_calls() {
    let tenant = MockTenant::start().await;
    for _ in 0..3 {
        fetch_jwks(&tenant).await;
    }
    token_for(&tenant, "quickstart-m2m-read").await;
    let c = client(&tenant);
    c.get(format!("{}/_mock/stats", tenant.url()))
        .send()
        .await
        .unwrap();
    let stats = tenant.stats();
    assert_eq!(stats.jwks_fetches(), 3);
    assert_eq!(stats.get("/oauth/token"), 1);
    assert_eq!(stats.requests.len(), 2, "{stats:?}");
    let over_http: Value = json_of(c.get(format!("{}/_mock/stats", tenant.url()))).await;
    assert_eq!(over_http["requests"]["/.well-known/jwks.json"], 3);
}

#[tokio::test]
async fn clock_offset_moves_iat_and_exp() {
    let tenant = MockTenant::start().await;
    tenant.set_clock_offset(-100_000);
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    let err = verify(&tenant, &token).await.unwrap_err();
    assert!(err.contains("ExpiredSignature"), "{err}");
}

#[tokio::test]
async fn reset_restores_keys_config_faults_clock_and_stats() {
    let tenant = MockTenant::start().await;
    let start = tenant.keys();
    tenant.rotate_keys();
    tenant.set_jwks_fault(JwksFault::Status { status: 500 });
    tenant.set_clock_offset(-100_000);
    let mut config = TenantConfig::quickstart();
    config.clients.truncate(1);
    config.client_grants.truncate(1);
    tenant.set_config(config);
    client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
    tenant.reset();
    assert_eq!(tenant.keys(), start);
    assert_eq!(tenant.config(), TenantConfig::quickstart());
    assert_eq!(tenant.stats().requests.len(), 0);
    let token = token_for(&tenant, "quickstart-m2m-read").await;
    assert!(verify(&tenant, &token).await.is_ok());
}

/// The HTTP control API does what the Rust handle does.
#[tokio::test]
async fn control_api_over_http_drives_the_same_operations() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let url = |path: &str| format!("{}/_mock/{path}", tenant.url());

    let config: Value = json_of(c.get(url("config"))).await;
    assert_eq!(
        config["clients"][1]["client_secret"],
        "test-only-secret-m2m-read"
    );

    let before = tenant.keys();
    let rotated: Value = json_of(c.post(url("keys/rotate"))).await;
    assert_eq!(rotated["current"], before.next);

    let kid = tenant.keys().current;
    assert_eq!(
        c.post(url(&format!("keys/{kid}/rebind")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        c.delete(url(&format!("keys/{kid}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(!tenant.keys().published.contains(&kid));
    assert_eq!(
        c.delete(url("keys/unknown-kid"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let res = c
        .post(url("jwks/fault"))
        .json(&json!({"kind": "junk", "body": "html"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        c.get(url("jwks/fault"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
        json!({"kind": "junk", "body": "html"})
    );
    let res = c
        .post(url("jwks/fault"))
        .json(&json!({"kind": "status", "status": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a 200 'fault' is refused");
    assert_eq!(
        c.delete(url("jwks/fault")).send().await.unwrap().status(),
        204
    );
    assert_eq!(tenant.stats().jwks_fetches(), 0);

    let res = c
        .post(url("clock"))
        .json(&json!({"offset_secs": -60}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let clock: Value = json_of(c.get(url("clock"))).await;
    assert_eq!(clock["offset_secs"], -60);
    // An offset that leaves the NumericDate range (i64::MAX once overflowed into the past) is
    // a 400 naming the range, and the clock stays where it was.
    for offset in [i64::MAX, i64::MIN, -4_000_000_000, 300_000_000_000] {
        let res = c
            .post(url("clock"))
            .json(&json!({ "offset_secs": offset }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{offset}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("outside 1970-01-01..9999-12-31"),
            "{body}"
        );
    }
    let clock: Value = json_of(c.get(url("clock"))).await;
    assert_eq!(clock["offset_secs"], -60);
    assert!(clock["now"].as_i64().unwrap() > 1_700_000_000);

    let mut narrowed = TenantConfig::quickstart();
    narrowed.clients.truncate(1);
    narrowed.client_grants.truncate(1);
    let res = c.put(url("config")).json(&narrowed).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(tenant.config(), narrowed);
    let res = c
        .put(url("config"))
        .body(r#"{"users":[{"email":"no-user-id@example.com"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    assert_eq!(c.post(url("reset")).send().await.unwrap().status(), 204);
    assert_eq!(tenant.config(), TenantConfig::quickstart());
    assert_eq!(tenant.keys().published.len(), 2);
}

/// `GET /_mock/state` and `PUT /_mock/state` save and put back everything the control API
/// changes: keys (re-bound ones included), fault, clock and discovery; garbage is a 400.
#[tokio::test]
async fn a_saved_state_puts_keys_faults_clock_and_discovery_back() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let url = |path: &str| format!("{}/_mock/{path}", tenant.url());
    let token = tenant.token().sign();
    let saved: Value = json_of(c.get(url("state"))).await;
    let start = tenant.keys();

    tenant.rotate_keys();
    tenant.rotate_keys();
    let kid = start.current.clone();
    c.post(url(&format!("keys/{kid}/rebind")))
        .send()
        .await
        .unwrap();
    tenant.set_jwks_fault(JwksFault::Status { status: 503 });
    tenant.set_clock_offset(-100_000);
    c.put(url("discovery"))
        .json(&json!({"issuer": "https://elsewhere.example/"}))
        .send()
        .await
        .unwrap();
    assert_ne!(tenant.keys(), start);

    let put = c.put(url("state")).json(&saved).send().await.unwrap();
    assert_eq!(put.status(), 204);
    assert_eq!(tenant.keys(), start);
    let fault: Value = json_of(c.get(url("jwks/fault"))).await;
    assert_eq!(fault, Value::Null);
    let doc: Value =
        json_of(c.get(format!("{}/.well-known/openid-configuration", tenant.url()))).await;
    assert_eq!(doc["issuer"], tenant.issuer());
    let clock: Value = json_of(c.get(url("clock"))).await;
    assert_eq!(clock["offset_secs"], 0);
    // The key material is the saved one too: a token signed before verifies again.
    assert!(verify(&tenant, &token).await.is_ok());

    let bad = c
        .put(url("state"))
        .json(&json!({"keys": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

/// The control client drives a tenant over HTTPS on the tenant's own types: what the
/// conformance suite uses, and what a test of another process or container can use.
#[tokio::test]
async fn the_control_client_speaks_the_whole_control_api_on_typed_values() {
    use mock_tenant::{ControlClient, JwksFault, MintRequest};
    let tenant = MockTenant::start().await;
    let control = ControlClient::new(&tenant.url(), tenant.ca_pem()).unwrap();
    let valid = control.mint(&MintRequest::default()).await.unwrap();
    assert!(crate::verify(&tenant, &valid).await.is_ok());
    let unknown = control
        .mint(&MintRequest::defect("no-such-defect"))
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, mock_tenant::Error::Control(_)),
        "{unknown:?}"
    );
    assert!(unknown.to_string().contains("400"), "{unknown}");
    assert_eq!(control.config().await.unwrap(), tenant.config());
    assert_eq!(control.issuer().await.unwrap(), tenant.issuer());
    let before = control.state().await.unwrap();
    let keys = control.keys().await.unwrap();
    let rotated = control.rotate_keys().await.unwrap();
    assert_eq!(rotated.current, keys.next);
    control
        .set_jwks_fault(&JwksFault::Status { status: 503 })
        .await
        .unwrap();
    let fetches = control.stats().await.unwrap().jwks_fetches();
    let _ = control.jwks_body().await.unwrap();
    assert_eq!(control.stats().await.unwrap().jwks_fetches(), fetches + 1);
    control.clear_jwks_fault().await.unwrap();
    control.put_state(&before).await.unwrap();
    assert_eq!(control.keys().await.unwrap(), keys, "the state put back");
    // A tenant whose CA is not trusted is an error, not a hang.
    let stranger = ControlClient::new(&tenant.url(), None).unwrap();
    assert!(stranger.stats().await.is_err());
}

/// With a control token, every `/_mock/` call needs it (the CA certificate and CORS preflights
/// excepted), is refused with a shaped 401 without it, and `ControlClient` sends it.
#[tokio::test]
async fn a_control_token_guards_the_control_api() {
    let tenant = MockTenant::builder()
        .control_token("guard-test-token")
        .start()
        .await;
    let c = client(&tenant);
    let keys = format!("{}/_mock/keys", tenant.url());
    for token in [None, Some("wrong"), Some("guard-test-token-longer")] {
        let mut req = c.get(&keys);
        if let Some(t) = token {
            req = req.header(mock_tenant::CONTROL_TOKEN_HEADER, t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{token:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "access_denied");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains("x-mock-control-token"),
            "{body}"
        );
    }
    let res = c
        .get(&keys)
        .header(mock_tenant::CONTROL_TOKEN_HEADER, "guard-test-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let ca = c
        .get(format!("{}/_mock/ca.pem", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(ca.status(), 200);
    let preflight = c
        .request(reqwest::Method::OPTIONS, &keys)
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-mock-control-token")
        .send()
        .await
        .unwrap();
    assert_ne!(preflight.status(), 401);
    // The public endpoints stay public.
    let jwks = c
        .get(format!("{}/.well-known/jwks.json", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(jwks.status(), 200);
    let ca_pem = tenant.ca_pem().unwrap();
    let without = mock_tenant::ControlClient::new(&tenant.url(), Some(ca_pem)).unwrap();
    let err = without.keys().await.unwrap_err().to_string();
    assert!(err.contains("401"), "{err}");
    let with = without.with_control_token("guard-test-token");
    assert!(!with.keys().await.unwrap().current.is_empty());
}
