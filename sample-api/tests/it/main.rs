//! The sample API against an embedded mock tenant over HTTPS.
//!
//! - `answers`: every endpoint and every RFC 6750 answer, as one table of requests.
//! - `dpop`: DPoP proofs and bound tokens under `AUTH0_DPOP=allowed` and `required`.
//! - `keys`: rotation, JWKS faults, and the fetch bound on a flood of random `kid`s.
//! - `connections`: slowloris, idle and half-closed connections.
//! - `cli`: the binary's `--version`, `--help` and a bad setting.

mod answers;
mod cli;
mod connections;
mod dpop;
mod keys;

use jsonwebtoken::{Algorithm, EncodingKey};
use mock_tenant::MockTenant;
use sample_api::{SampleApi, Settings};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The quickstart API identifier.
pub const AUD: &str = fixtures::QUICKSTART_AUDIENCE;

/// Starts the API for `tenant`, with extra settings (e.g. `JWKS_COOLDOWN_SECS`).
pub async fn api_for(tenant: &MockTenant, extra: &[(&str, &str)]) -> SampleApi {
    let mut vars: std::collections::HashMap<String, String> = [
        ("AUTH0_DOMAIN", tenant.domain()),
        ("AUTH0_AUDIENCE", AUD.to_owned()),
        ("PORT", "0".to_owned()),
        (
            "SSL_CERT_FILE",
            tenant.ca_path().unwrap().display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    SampleApi::start(Settings::from_vars(&vars).unwrap())
        .await
        .unwrap()
}

/// A plain HTTP client with a bounded timeout.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

/// A client_credentials token from the tenant.
pub async fn token_for(tenant: &MockTenant, client_id: &str) -> String {
    let secret = tenant
        .config()
        .client(client_id)
        .unwrap()
        .client_secret
        .clone();
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .build()
        .unwrap();
    let body: Value = client
        .post(format!("{}/oauth/token", tenant.url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", &secret),
            ("audience", AUD),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Unix time now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Claims of a valid client_credentials token for `tenant`, to change one thing in.
pub fn claims(tenant: &MockTenant) -> Value {
    json!({
        "iss": tenant.issuer(), "sub": "test@clients", "aud": AUD,
        "iat": now(), "exp": now() + 3600, "azp": "test", "scope": "read:messages",
        "gty": "client-credentials",
    })
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs any header and claims with a TEST-ONLY fixture key (RS256) or an HMAC secret.
pub fn sign(header: &Value, claims: &Value, key: &Key) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let (key, alg) = match key {
        Key::Rsa(pem) => (
            EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            Algorithm::RS256,
        ),
        Key::Hmac(secret) => (EncodingKey::from_secret(secret), Algorithm::HS256),
    };
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, alg).unwrap();
    format!("{input}.{signature}")
}

/// A signing key for [`sign`].
pub enum Key {
    /// PKCS#8 PEM RSA key.
    Rsa(&'static str),
    /// HMAC secret.
    Hmac(Vec<u8>),
}

/// The tenant's current signing key (the first fixture key) and its kid.
pub fn tenant_key(tenant: &MockTenant) -> (Key, String) {
    (
        Key::Rsa(fixtures::keys::TEST_ONLY_SIGNING_KEYS[0]),
        tenant.keys().current,
    )
}

/// GETs `path` with these `Authorization` header values; returns status, challenge and body.
pub async fn get(api: &SampleApi, path: &str, auth: &[&str]) -> (u16, Option<String>, Value) {
    let mut req = http().get(format!("{}{path}", api.url()));
    for value in auth {
        req = req.header("authorization", *value);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let challenge = res
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = res.json().await.unwrap_or(Value::Null);
    (status, challenge, body)
}
