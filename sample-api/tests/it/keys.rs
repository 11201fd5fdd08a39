use super::*;
use mock_tenant::{JunkBody, JwksFault};
use std::time::Instant;

fn valid(tenant: &MockTenant) -> String {
    let (key, kid) = tenant_key(tenant);
    format!(
        "Bearer {}",
        sign(
            &json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
            &claims(tenant),
            &key
        )
    )
}

#[tokio::test]
async fn keys_are_fetched_once_for_many_concurrent_requests() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    let auth = valid(&tenant);
    let auth = [auth.as_str()];
    let requests = (0..20).map(|_| get(&api, "/api/private", &auth));
    for (status, _, _) in futures_util::future::join_all(requests).await {
        assert_eq!(status, 200);
    }
    assert_eq!(tenant.stats().jwks_fetches(), 1);
}

#[tokio::test]
async fn rotation_is_picked_up_without_a_restart() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_COOLDOWN_SECS", "0")]).await;
    let first = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-read").await);
    assert_eq!(get(&api, "/api/private", &[&first]).await.0, 200);
    // The next key was published before it signed anything: no refetch needed.
    tenant.rotate_keys();
    let second = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-read").await);
    assert_eq!(get(&api, "/api/private", &[&second]).await.0, 200);
    assert_eq!(tenant.stats().jwks_fetches(), 1);
    // Two rotations in a row: the signing key is new to the API, which refetches once.
    tenant.rotate_keys();
    let third = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-read").await);
    assert_eq!(get(&api, "/api/private", &[&third]).await.0, 200);
    assert_eq!(
        get(&api, "/api/private", &[&second]).await.0,
        200,
        "previous key still published"
    );
    assert_eq!(tenant.stats().jwks_fetches(), 2);
}

#[tokio::test]
async fn a_flood_of_random_kids_costs_at_most_one_fetch_per_cooldown() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_COOLDOWN_SECS", "60")]).await;
    assert_eq!(get(&api, "/api/private", &[&valid(&tenant)]).await.0, 200);
    let (key, _) = tenant_key(&tenant);
    for i in 0..100 {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": format!("random-{i}")});
        let auth = format!("Bearer {}", sign(&header, &claims(&tenant), &key));
        assert_eq!(get(&api, "/api/private", &[&auth]).await.0, 401);
        assert_eq!(get(&api, "/api/private", &["Bearer garbage"]).await.0, 401);
    }
    // The first request fetched; the first unknown kid may fetch once more; then the cooldown holds.
    assert!(tenant.stats().jwks_fetches() <= 2, "{:?}", tenant.stats());
}

#[tokio::test]
async fn garbage_tokens_never_cost_a_fetch() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    for token in ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "...."] {
        assert_eq!(
            get(&api, "/api/private", &[&format!("Bearer {token}")])
                .await
                .0,
            401
        );
    }
    assert_eq!(tenant.stats().jwks_fetches(), 0);
}

#[tokio::test]
async fn a_removed_kid_is_refused_once_the_keys_are_refetched() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_COOLDOWN_SECS", "0")]).await;
    let old = valid(&tenant);
    tenant.rebind_kid(&tenant.keys().current);
    // Fresh cache: the rebound key is fetched at the first request, and the old signature fails.
    assert_eq!(get(&api, "/api/private", &[&old]).await.0, 401);
}

#[tokio::test]
async fn jwks_down_before_the_first_fetch_fails_closed() {
    for fault in [JwksFault::Status { status: 503 }, JwksFault::Drop] {
        let tenant = MockTenant::start().await;
        tenant.set_jwks_fault(fault.clone());
        let api = api_for(&tenant, &[]).await;
        let (status, _, body) = get(&api, "/api/private", &[&valid(&tenant)]).await;
        assert_eq!(status, 503, "{fault:?}: {body}");
    }
}

#[tokio::test]
async fn jwks_down_after_the_cache_is_warm_keeps_serving_from_cache() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_COOLDOWN_SECS", "0")]).await;
    let auth = valid(&tenant);
    assert_eq!(get(&api, "/api/private", &[&auth]).await.0, 200);
    tenant.set_jwks_fault(JwksFault::Status { status: 503 });
    assert_eq!(get(&api, "/api/private", &[&auth]).await.0, 200);
    let unknown = format!(
        "Bearer {}",
        sign(
            &json!({"alg": "RS256", "kid": "other"}),
            &claims(&tenant),
            &tenant_key(&tenant).0
        )
    );
    assert_eq!(get(&api, "/api/private", &[&unknown]).await.0, 401);
}

#[tokio::test]
async fn a_slow_jwks_is_abandoned_after_the_timeout() {
    let tenant = MockTenant::start().await;
    tenant.set_jwks_fault(JwksFault::Delay { ms: 5_000 });
    let api = api_for(&tenant, &[("JWKS_TIMEOUT_MS", "300")]).await;
    let started = Instant::now();
    let (status, _, _) = get(&api, "/api/private", &[&valid(&tenant)]).await;
    assert_eq!(status, 503);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The public endpoint is not starved meanwhile.
    assert_eq!(get(&api, "/api/public", &[]).await.0, 200);
}

#[tokio::test]
async fn junk_key_sets_never_let_a_token_through_nor_cause_a_500() {
    for body in JunkBody::ALL {
        let tenant = MockTenant::start().await;
        tenant.set_jwks_fault(JwksFault::Junk { body });
        let api = api_for(&tenant, &[]).await;
        let (status, _, _) = get(&api, "/api/private", &[&valid(&tenant)]).await;
        assert!(status == 401 || status == 503, "{body:?}: {status}");
        // HS256 signed with the oct key's secret, under the current kid: the classic confusion.
        let hs = sign(
            &json!({"alg": "HS256", "kid": tenant.keys().current}),
            &claims(&tenant),
            &Key::Hmac(b"test-only-hmac-secret-from-a-poisoned-jwks".to_vec()),
        );
        let (status, _, _) = get(&api, "/api/private", &[&format!("Bearer {hs}")]).await;
        assert_eq!(status, 401, "{body:?}");
    }
}

#[tokio::test]
async fn a_rebound_kid_is_refused_once_the_cached_keys_expire() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_MAX_TTL_SECS", "1")]).await;
    let old = valid(&tenant);
    assert_eq!(get(&api, "/api/private", &[&old]).await.0, 200);
    assert_eq!(
        get(&api, "/api/private", &[&old]).await.0,
        200,
        "remembered"
    );
    tenant.rebind_kid(&tenant.keys().current);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(get(&api, "/api/private", &[&old]).await.0, 401);
    let fresh = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-read").await);
    assert_eq!(get(&api, "/api/private", &[&fresh]).await.0, 200);
}

#[tokio::test]
async fn a_remembered_token_is_still_refused_once_it_expires() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("AUTH0_LEEWAY_SECS", "0")]).await;
    let (key, kid) = tenant_key(&tenant);
    let mut c = claims(&tenant);
    c["exp"] = json!(now() + 2);
    let auth = format!(
        "Bearer {}",
        sign(&json!({"alg": "RS256", "kid": kid}), &c, &key)
    );
    assert_eq!(get(&api, "/api/private", &[&auth]).await.0, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(get(&api, "/api/private", &[&auth]).await.0, 401);
}

/// A token whose signature is exactly `signature`, under `header`.
fn with_signature(header: &Value, claims: &Value, signature: &[u8]) -> String {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes()),
        b64(signature)
    )
}

#[tokio::test]
async fn poisoned_keys_in_the_jwks_never_verify_a_token() {
    use mock_tenant::BadKey;
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("JWKS_COOLDOWN_SECS", "0")]).await;
    let c = claims(&tenant);

    // `use: enc` key, signing a proper RS256 token with its private half.
    tenant.set_jwks_fault(JwksFault::ExtraKey { key: BadKey::Enc });
    let kid = BadKey::Enc.jwk()["kid"].as_str().unwrap().to_owned();
    let enc = sign(
        &json!({"alg": "RS256", "kid": kid}),
        &c,
        &Key::Rsa(fixtures::keys::TEST_ONLY_ENC_RSA2048),
    );
    assert_eq!(
        get(&api, "/api/private", &[&format!("Bearer {enc}")])
            .await
            .0,
        401
    );

    // EC key with a genuine ES256 signature.
    tenant.set_jwks_fault(JwksFault::ExtraKey { key: BadKey::Ec });
    let kid = BadKey::Ec.jwk()["kid"].as_str().unwrap().to_owned();
    let header = json!({"alg": "ES256", "kid": kid});
    let unsigned = with_signature(&header, &c, &[]);
    let input = unsigned.trim_end_matches('.');
    let ec_key =
        jsonwebtoken::EncodingKey::from_ec_pem(fixtures::keys::TEST_ONLY_EC_P256.as_bytes())
            .unwrap();
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &ec_key, Algorithm::ES256).unwrap();
    assert_eq!(
        get(&api, "/api/private", &[&format!("Bearer {input}.{sig}")])
            .await
            .0,
        401
    );

    // e = 1: the "signature" is the PKCS#1 v1.5 encoding of the digest itself, which such a key
    // would accept.
    tenant.set_jwks_fault(JwksFault::ExtraKey {
        key: BadKey::RsaExponentOne,
    });
    let kid = BadKey::RsaExponentOne.jwk()["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    let header = json!({"alg": "RS256", "kid": kid});
    let unsigned = with_signature(&header, &c, &[]);
    let input = unsigned.trim_end_matches('.');
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes());
    let prefix: &[u8] = &[
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let mut em = vec![0x00, 0x01];
    em.resize(256 - prefix.len() - 32 - 1, 0xff);
    em.push(0x00);
    em.extend_from_slice(prefix);
    em.extend_from_slice(digest.as_ref());
    assert_eq!(em.len(), 256);
    let forged = with_signature(&header, &c, &em);
    assert_eq!(
        get(&api, "/api/private", &[&format!("Bearer {forged}")])
            .await
            .0,
        401
    );

    // Meanwhile the real key works.
    assert_eq!(get(&api, "/api/private", &[&valid(&tenant)]).await.0, 200);
}
