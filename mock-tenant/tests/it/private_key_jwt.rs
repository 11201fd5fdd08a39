//! `private_key_jwt`: a client registers a public key (as Auth0's Management API spells it)
//! and authenticates with a `client_assertion` it signs; every wrong assertion, a replayed one,
//! and a secret from such a client get Auth0's 401.

use crate::{client, json_of, now, token_response};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mock_tenant::{Client, ClientGrant, MockTenant, TenantConfig};
use serde_json::{Value, json};

const CLIENT: &str = "quickstart-m2m-pkjwt";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The quickstart tenant plus a client whose only credential is the TEST-ONLY key's public
/// half, with a grant on the quickstart API.
fn config() -> TenantConfig {
    let mut config = TenantConfig::quickstart();
    let client: Client = serde_json::from_value(json!({
        "name": "M2M with a key",
        "client_id": CLIENT,
        "grant_types": ["client_credentials"],
        "client_authentication_methods": {"private_key_jwt": {"credentials": [{
            "credential_type": "public_key",
            "name": "test key",
            "pem": fixtures::keys::TEST_ONLY_CLIENT_ASSERTION_RSA2048_PUBLIC,
            "alg": "RS256",
        }]}},
    }))
    .expect("a client");
    config.clients.push(client);
    let grant: ClientGrant = serde_json::from_value(json!({
        "client_id": CLIENT,
        "audience": fixtures::QUICKSTART_AUDIENCE,
        "scope": ["read:messages"],
    }))
    .expect("a grant");
    config.client_grants.push(grant);
    config
}

/// An assertion as Auth0's SDKs build one, with `change` applied to its claims.
fn assertion(tenant: &MockTenant, change: impl FnOnce(&mut Value)) -> String {
    assertion_with(
        tenant,
        Algorithm::RS256,
        fixtures::keys::TEST_ONLY_CLIENT_ASSERTION_RSA2048,
        change,
    )
}

fn assertion_with(
    tenant: &MockTenant,
    alg: Algorithm,
    private_pem: &str,
    change: impl FnOnce(&mut Value),
) -> String {
    let mut claims = json!({
        "iss": CLIENT,
        "sub": CLIENT,
        "aud": tenant.issuer(),
        "iat": now(),
        "exp": now() + 60,
        "jti": format!("jti-{}-{}", now(), rand_suffix()),
    });
    change(&mut claims);
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("an RSA key");
    jsonwebtoken::encode(&Header::new(alg), &claims, &key).expect("signed")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn send(tenant: &MockTenant, assertion: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion),
        ("audience", fixtures::QUICKSTART_AUDIENCE),
    ];
    form.extend_from_slice(extra);
    let res = token_response(tenant, &form).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Form fields sent beside the assertion.
type Extra = Vec<(&'static str, &'static str)>;

fn unauthorized() -> (u16, Value) {
    (
        401,
        json!({"error": "access_denied", "error_description": "Unauthorized"}),
    )
}

#[tokio::test]
async fn a_signed_assertion_gets_a_token_once_and_its_replay_is_refused() {
    let tenant = MockTenant::builder().tenant(config()).start().await;
    let signed = assertion(&tenant, |_| {});
    let (status, body) = send(&tenant, &signed, &[]).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().expect("a token");
    let claims = crate::verify(&tenant, token).await.expect("a valid token");
    assert_eq!(claims["azp"], CLIENT);
    assert_eq!(claims["scope"], "read:messages");
    // The same assertion again: its jti was used.
    assert_eq!(send(&tenant, &signed, &[]).await, unauthorized());
    // With the client id beside it, as some SDKs send it: fine when it matches.
    let again = assertion(&tenant, |_| {});
    assert_eq!(send(&tenant, &again, &[("client_id", CLIENT)]).await.0, 200);
}

#[tokio::test]
async fn each_wrong_assertion_gets_auth0s_401() {
    let tenant = MockTenant::builder().tenant(config()).start().await;
    let issuer = tenant.issuer().to_owned();
    let attacker = fixtures::keys::TEST_ONLY_ATTACKER_RSA2048;
    let cases: Vec<(&str, String, Extra)> = vec![
        (
            "another key",
            assertion_with(&tenant, Algorithm::RS256, attacker, |_| {}),
            vec![],
        ),
        (
            "RS384, the credential says RS256",
            assertion_with(
                &tenant,
                Algorithm::RS384,
                fixtures::keys::TEST_ONLY_CLIENT_ASSERTION_RSA2048,
                |_| {},
            ),
            vec![],
        ),
        (
            "iss another client",
            assertion(&tenant, |c| c["iss"] = json!("quickstart-m2m-read")),
            vec![],
        ),
        (
            "sub another client",
            assertion(&tenant, |c| c["sub"] = json!("quickstart-m2m-read")),
            vec![],
        ),
        (
            "aud another tenant",
            assertion(&tenant, |c| c["aud"] = json!("https://other.example.com/")),
            vec![],
        ),
        (
            "aud without the slash",
            assertion(&tenant, |c| c["aud"] = json!(issuer.trim_end_matches('/'))),
            vec![],
        ),
        (
            "expired",
            assertion(&tenant, |c| c["exp"] = json!(now() - 60)),
            vec![],
        ),
        (
            "lives 10 minutes",
            assertion(&tenant, |c| c["exp"] = json!(now() + 600)),
            vec![],
        ),
        (
            "no exp",
            assertion(&tenant, |c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
            vec![],
        ),
        (
            "no jti",
            assertion(&tenant, |c| {
                c.as_object_mut().unwrap().remove("jti");
            }),
            vec![],
        ),
        (
            "nbf ahead",
            assertion(&tenant, |c| c["nbf"] = json!(now() + 120)),
            vec![],
        ),
        (
            "client_id another client",
            assertion(&tenant, |_| {}),
            vec![("client_id", "quickstart-m2m-read")],
        ),
        (
            "a secret beside it",
            assertion(&tenant, |_| {}),
            vec![("client_secret", "x")],
        ),
        ("not a JWT", "not-a-jwt".to_owned(), vec![]),
    ];
    for (what, signed, extra) in cases {
        assert_eq!(
            send(&tenant, &signed, &extra).await,
            unauthorized(),
            "{what}"
        );
    }
    // The wrong assertion type.
    let res = token_response(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:example:other"),
            ("client_assertion", &assertion(&tenant, |_| {})),
            ("audience", fixtures::QUICKSTART_AUDIENCE),
        ],
    )
    .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_client_with_a_key_cannot_use_a_secret_and_a_client_without_one_cannot_assert() {
    let mut config = config();
    // Give the key client a secret too: a client with private_key_jwt must still use its key.
    config
        .clients
        .iter_mut()
        .find(|c| c.client_id == CLIENT)
        .unwrap()
        .client_secret = "test-only-secret".into();
    let tenant = MockTenant::builder().tenant(config).start().await;
    let res = token_response(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT),
            ("client_secret", "test-only-secret"),
            ("audience", fixtures::QUICKSTART_AUDIENCE),
        ],
    )
    .await;
    assert_eq!(res.status(), 401);
    // A secret client that sends an assertion (signed by some key) is refused too.
    let signed = assertion(&tenant, |c| {
        c["iss"] = json!("quickstart-m2m-read");
        c["sub"] = json!("quickstart-m2m-read");
    });
    assert_eq!(send(&tenant, &signed, &[]).await, unauthorized());
    // Discovery says so.
    let discovery =
        json_of(client(&tenant).get(format!("{}/.well-known/openid-configuration", tenant.url())))
            .await;
    assert!(
        discovery["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("private_key_jwt"))
    );
}

#[test]
fn a_bad_credential_in_a_tenant_file_is_named_with_its_place() {
    let with = |credential: Value| {
        let mut doc = serde_json::to_value(config()).unwrap();
        let clients = doc["clients"].as_array_mut().unwrap();
        let last = clients.last_mut().unwrap();
        last["client_authentication_methods"]["private_key_jwt"]["credentials"][0] = credential;
        TenantConfig::from_json(&doc.to_string())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let pem = fixtures::keys::TEST_ONLY_CLIENT_ASSERTION_RSA2048_PUBLIC;
    let place = "client \"quickstart-m2m-pkjwt\": client_authentication_methods.private_key_jwt.credentials[0]";
    let garbage = with(json!({"pem": "not a key"}));
    assert!(
        garbage.contains(place) && garbage.contains("not a PEM public key"),
        "{garbage}"
    );
    let private = with(json!({"pem": fixtures::keys::TEST_ONLY_CLIENT_ASSERTION_RSA2048}));
    assert!(private.contains("not a PUBLIC KEY"), "{private}");
    let es256 = with(json!({"pem": pem, "alg": "ES256"}));
    assert!(
        es256.contains("alg \"ES256\" is none of RS256, RS384, PS256"),
        "{es256}"
    );
    let other = with(json!({"pem": pem, "credential_type": "cert_subject_dn"}));
    assert!(other.contains("is not public_key"), "{other}");
    let unknown = with(json!({"pem": pem, "colour": "red"}));
    assert!(unknown.contains("colour"), "{unknown}");
}
