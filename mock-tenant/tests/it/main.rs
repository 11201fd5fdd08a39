//! The mock tenant's integration tests: one binary, real sockets on loopback, real TLS.
//!
//! - `discovery`: the discovery documents, snapshotted.
//! - `forge`: every named defect breaks exactly what it declares; the builder, HTTP and offline minting.
//! - `jwks`: the key set, snapshotted, and how it verifies tokens.
//! - `token`: `/oauth/token`, success and every Auth0 error, as one table.
//! - `control`: rotation, kid removal and re-binding, JWKS faults, stats, clock, reset; Rust and HTTP.
//! - `cli`: `mock-tenant mint` and `mock-tenant defects`.
//! - `bad_input`: malformed requests of every kind get a shaped 4xx, never a 5xx (with a proptest).
//! - `lifecycle`: binding, plain HTTP, stopping on drop.
//! - `login`: `/authorize`, the login page, code/refresh/password grants, userinfo, logout, revoke.
//! - `dpop`: DPoP proofs at the token endpoint and `/userinfo`, bound tokens, nonces.
//! - `spa`: CORS on the endpoints browsers call, and `response_mode=web_message`.
//! - `organizations`: logins into organizations, their errors, Organizations for M2M.
//! - `actions`: Actions at login and client_credentials, at run time, and runaway ones.

mod actions;
mod bad_input;
mod cli;
mod connections;
mod control;
mod discovery;
mod dpop;
mod forge;
mod jwks;
mod lifecycle;
mod login;
mod organizations;
mod private_key_jwt;
mod rate_limits;
mod spa;
mod token;

use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};
use mock_tenant::MockTenant;
use serde_json::Value;
use std::time::Duration;

/// An HTTP client that trusts only the tenant's CA.
pub fn client(tenant: &MockTenant) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().expect("HTTPS tenant").as_bytes())
        .expect("CA PEM");
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// Like a browser: trusting only the tenant's CA, and not following redirects, so a test can
/// read each `Location` itself.
pub fn browser(tenant: &MockTenant) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The client `id` of `config`, to change.
pub fn client_mut<'a>(
    config: &'a mut mock_tenant::TenantConfig,
    id: &str,
) -> &'a mut mock_tenant::Client {
    config
        .clients
        .iter_mut()
        .find(|c| c.client_id == id)
        .unwrap_or_else(|| panic!("no client {id} in the tenant"))
}

/// Sends a request and reads its JSON answer.
pub async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a JSON body")
}

/// The wall clock, in UNIX seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Requests a client_credentials token with `params` added to the form.
pub async fn token_response(tenant: &MockTenant, params: &[(&str, &str)]) -> reqwest::Response {
    client(tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .form(params)
        .send()
        .await
        .expect("token request")
}

/// A client_credentials request of `client_id` (secret from the tenant's config) for the
/// quickstart API, with `extra` parameters.
pub async fn m2m_response(
    tenant: &MockTenant,
    client_id: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let secret = tenant
        .config()
        .client(client_id)
        .expect("client in tenant")
        .client_secret
        .clone();
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret.as_str()),
        ("audience", fixtures::QUICKSTART_AUDIENCE),
    ];
    form.extend_from_slice(extra);
    token_response(tenant, &form).await
}

/// A client_credentials token for `client_id` (secret from the tenant's config) and the quickstart API.
pub async fn token_for(tenant: &MockTenant, client_id: &str) -> String {
    let res = m2m_response(tenant, client_id, &[]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Fetches the tenant's JWKS over HTTPS.
pub async fn fetch_jwks(tenant: &MockTenant) -> JwkSet {
    client(tenant)
        .get(format!("{}/.well-known/jwks.json", tenant.url()))
        .send()
        .await
        .expect("JWKS request")
        .json()
        .await
        .expect("JWKS JSON")
}

/// Verifies `token` as a correct API would (RS256 only, kid from the JWKS, exact issuer and
/// audience, exp required, no leeway) and returns its claims.
pub async fn verify(tenant: &MockTenant, token: &str) -> Result<Value, String> {
    verify_for(tenant, token, fixtures::QUICKSTART_AUDIENCE).await
}

/// [`verify`] for another audience (a client id, for ID tokens).
pub async fn verify_for(tenant: &MockTenant, token: &str, audience: &str) -> Result<Value, String> {
    // jsonwebtoken ignores `crit`; a correct API refuses any extension it does not implement.
    let raw_header = token.split('.').next().unwrap_or_default();
    let raw_header: Value = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        raw_header,
    )
    .ok()
    .and_then(|b| serde_json::from_slice(&b).ok())
    .ok_or("header is not base64url JSON")?;
    if raw_header.get("crit").is_some() {
        return Err("crit: unsupported extension".into());
    }
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.ok_or("no kid")?;
    let jwks = fetch_jwks(tenant).await;
    let jwk = jwks
        .find(&kid)
        .ok_or_else(|| format!("kid {kid} not in JWKS"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[tenant.issuer()]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    validation.validate_nbf = true;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())?;
    // jsonwebtoken accepts an `iss` array holding the issuer; `iss` is one StringOrURI.
    if !claims["iss"].is_string() {
        return Err("iss is not a string".into());
    }
    Ok(claims)
}

/// `text` with this tenant's `localhost:PORT` replaced by `TENANT`, for stable snapshots.
pub fn redact_port(tenant: &MockTenant, value: &Value) -> Value {
    let text = value.to_string().replace(&tenant.domain(), "TENANT");
    serde_json::from_str(&text).expect("still JSON")
}
