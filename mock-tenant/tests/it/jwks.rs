use super::*;
use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

#[tokio::test]
async fn jwks_has_auth0s_shape_with_current_and_next_keys() {
    let tenant = MockTenant::start().await;
    let res = client(&tenant).get(tenant.jwks_uri()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let jwks: Value = res.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        let fields: Vec<&str> = key
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(fields, ["kty", "use", "n", "e", "kid", "x5t", "x5c", "alg"]);
        assert_eq!(key["kid"].as_str().unwrap().len(), 21);
    }
    // Fixture keys and a fixed certificate recipe: the whole set is deterministic.
    insta::assert_json_snapshot!("jwks", jwks);
}

#[tokio::test]
async fn x5t_is_the_sha1_of_the_x5c_certificate_whose_key_is_the_jwk() {
    let tenant = MockTenant::start().await;
    let jwks: Value = json_of(client(&tenant).get(tenant.jwks_uri())).await;
    for key in jwks["keys"].as_array().unwrap() {
        let der = STANDARD.decode(key["x5c"][0].as_str().unwrap()).unwrap();
        let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
        assert_eq!(key["x5t"], URL_SAFE_NO_PAD.encode(sha1));
        // The certificate embeds the same modulus as `n`.
        let n = URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap();
        assert!(der.windows(n.len()).any(|w| w == n.as_slice()));
    }
}

#[tokio::test]
async fn tenants_with_the_same_fixtures_verify_each_others_tokens() {
    let minted_by = MockTenant::start().await;
    let other = MockTenant::start().await;
    let token = token_for(&minted_by, "quickstart-m2m-read").await;
    let kid = jsonwebtoken::decode_header(&token).unwrap().kid.unwrap();
    assert!(fetch_jwks(&other).await.find(&kid).is_some());
}

#[tokio::test]
async fn random_keys_are_unknown_to_a_fixture_tenant() {
    let random = MockTenant::builder().random_keys().start().await;
    let fixture = MockTenant::start().await;
    let token = token_for(&random, "quickstart-m2m-read").await;
    assert!(verify(&random, &token).await.is_ok());
    let kid = jsonwebtoken::decode_header(&token).unwrap().kid.unwrap();
    assert!(fetch_jwks(&fixture).await.find(&kid).is_none());
}
