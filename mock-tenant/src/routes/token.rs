//! `POST /oauth/token`: the `client_credentials` grant with Auth0's checks, claims, statuses and
//! error bodies, and the user grants of [`super::grants`]. Form and JSON bodies;
//! `client_secret_post` and `client_secret_basic`.

use super::reply;
use crate::b64;
use crate::config::TenantConfig;
use crate::jwt;
use crate::state::State;
use bytes::Buf;
use futures_util::StreamExt;
use http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// Bodies larger than this are refused with 413 before they are parsed.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// The password-realm grant's name.
pub(crate) const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";

/// Grants Auth0 knows that the mock does not: they answer `unsupported_grant_type`, saying so.
const KNOWN_GRANTS: &[&str] = &[
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "http://auth0.com/oauth/grant-type/passwordless/otp",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-recovery-code",
    "urn:openid:params:grant-type:ciba",
];

/// POST /oauth/token
pub(crate) fn route(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    oauth_post(
        warp::path!("oauth" / "token"),
        state,
        |state, headers, body| async move { token(&state, &headers, &body).await },
    )
}

/// A `POST` endpoint taking an OAuth body (form or JSON, at most [`MAX_BODY`] bytes), answered
/// by `handler` or with its error in Auth0's shape.
pub(crate) fn oauth_post<H, F>(
    path: impl Filter<Extract = (), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    state: Arc<State>,
    handler: H,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone
where
    H: Fn(Arc<State>, HeaderMap, Vec<u8>) -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<Response, OAuthError>> + Send,
{
    warp::post()
        .and(path)
        .and(warp::header::headers_cloned())
        .and(warp::host::optional())
        .and(warp::body::stream())
        .then(
            move |mut headers: HeaderMap, host: Option<warp::host::Authority>, body| {
                // HTTP/2 names the host in `:authority`, not in a Host header: one place to read.
                if let Some(host) = host.filter(|_| !headers.contains_key(http::header::HOST))
                    && let Ok(value) = http::HeaderValue::from_str(host.as_str())
                {
                    headers.insert(http::header::HOST, value);
                }
                let (state, handler) = (state.clone(), handler.clone());
                async move {
                    let result = match read_body(body).await {
                        Ok(bytes) => handler(state, headers, bytes).await,
                        Err(e) => Err(e),
                    };
                    result.unwrap_or_else(OAuthError::into_response)
                }
            },
        )
}

/// Collects the body, refusing more than [`MAX_BODY`] bytes whatever `Content-Length` says.
async fn read_body(
    body: impl futures_util::Stream<Item = Result<impl Buf, warp::Error>>,
) -> Result<Vec<u8>, OAuthError> {
    futures_util::pin_mut!(body);
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.map_err(|_| {
            OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Bad request body",
            )
        })?;
        if bytes.len() + chunk.remaining() > MAX_BODY {
            return Err(OAuthError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "Request entity too large",
            ));
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            let n = part.len();
            bytes.extend_from_slice(part);
            chunk.advance(n);
        }
    }
    Ok(bytes)
}

/// The request's parameters, from a form or a JSON object.
pub(crate) type Params = HashMap<String, String>;

async fn token(state: &State, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let params = parse_body(headers, body)?;
    let grant_type = required(&params, "grant_type")?;
    let user_grant = matches!(
        grant_type,
        "authorization_code" | "refresh_token" | "password" | PASSWORD_REALM
    );
    if grant_type != "client_credentials" && !user_grant {
        let description = if KNOWN_GRANTS.contains(&grant_type) {
            format!("Unsupported grant type: {grant_type} (not implemented by the mock tenant yet)")
        } else {
            format!("Unsupported grant type: {grant_type}")
        };
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &description,
        ));
    }
    if params.contains_key("client_assertion") {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "private_key_jwt (client_assertion) is not supported by the mock tenant",
        ));
    }
    let config = state.read(|s| s.config.clone());
    let client_id = authenticate(&config, headers, &params)?;
    let client = config.client(&client_id).ok_or_else(unauthorized)?;
    let proof = dpop_proof(state, headers, "POST", "oauth/token", None).await?;
    if client.require_proof_of_possession && proof.is_none() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This client requires a DPoP proof (header DPoP) with every token request",
        ));
    }
    let jkt = proof.map(|p| p.jkt);
    if user_grant {
        allowed(client, grant_type)?;
        let issuer = state.issuer_for(host_of(headers));
        let body =
            super::grants::grant(state, &config, client, grant_type, &params, jkt, &issuer).await?;
        return Ok(reply::no_store(reply::body(
            StatusCode::OK,
            reply::JSON,
            body.to_string(),
        )));
    }
    let issuer = state.issuer_for(host_of(headers));
    client_credentials(state, &config, &client_id, &params, jkt.as_deref(), &issuer)
}

/// The request's `Host` header.
pub(crate) fn host_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
}

/// The request's DPoP proof, checked (RFC 9449 §4.3) and its `jti` spent; `None` without a
/// `DPoP` header. `path` is the endpoint's, under the issuer.
pub(crate) async fn dpop_proof(
    state: &State,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    access_token: Option<&str>,
) -> Result<Option<crate::dpop::Proof>, OAuthError> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(OAuthError::invalid_proof("Only one DPoP proof may be sent"));
    }
    let proof = value
        .to_str()
        .map_err(|_| OAuthError::invalid_proof("The DPoP proof is not a JWT"))?;
    let nonce = state.read(|s| s.dpop_nonce.clone());
    let url = format!("{}{path}", state.issuer_for(host_of(headers)));
    let request = crate::dpop::Request {
        method,
        url: &url,
        now: state.now(),
        nonce: nonce.as_deref(),
        access_token,
    };
    let proof = crate::dpop::check(proof, &request).map_err(|refusal| match refusal {
        crate::dpop::Refusal::Invalid(why) => OAuthError::invalid_proof(&why),
        crate::dpop::Refusal::Nonce => OAuthError {
            dpop_nonce: nonce.clone(),
            ..OAuthError::new(
                StatusCode::BAD_REQUEST,
                "use_dpop_nonce",
                "Authorization server requires nonce in DPoP proof",
            )
        },
    })?;
    let lifetime = (crate::dpop::MAX_AGE + crate::dpop::MAX_SKEW) as u64;
    let first = state
        .store
        .insert_once(
            &format!("dpop-jti:{}", proof.jti),
            std::time::Duration::from_secs(lifetime),
        )
        .await
        .map_err(store_failed)?;
    if !first {
        return Err(OAuthError::invalid_proof(
            "The DPoP proof jti was already used",
        ));
    }
    Ok(Some(proof))
}

/// Auth0's 403 `unauthorized_client` when the grant type is not enabled on the client.
pub(crate) fn allowed(client: &crate::config::Client, grant_type: &str) -> Result<(), OAuthError> {
    if client.grant_types.iter().any(|g| g == grant_type) {
        return Ok(());
    }
    Err(OAuthError {
        // Auth0 adds error_uri to this one error.
        error_uri: Some("https://auth0.com/docs/clients/client-grant-types"),
        ..OAuthError::new(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            &format!("Grant type '{grant_type}' not allowed for the client."),
        )
    })
}

fn client_credentials(
    state: &State,
    config: &TenantConfig,
    client_id: &str,
    params: &Params,
    jkt: Option<&str>,
    issuer: &str,
) -> Result<Response, OAuthError> {
    let client = config.client(client_id).ok_or_else(unauthorized)?;
    allowed(client, "client_credentials")?;
    let audience = match params.get("audience").filter(|a| !a.is_empty()) {
        Some(aud) => aud.as_str(),
        None => config.default_audience.as_deref().ok_or_else(|| {
            access_denied(
                "No audience parameter was provided, and no default audience has been configured",
            )
        })?,
    };
    let api = config
        .api(audience)
        .ok_or_else(|| access_denied(&format!("Service not found: {audience}")))?;
    let grant = config.grant(client_id, audience).ok_or_else(|| {
        access_denied(&format!(
            "Client \"{client_id}\" is not authorized to access resource server \"{audience}\". \
             You need to create a \"client-grant\" associated to this API."
        ))
    })?;
    let scopes: Vec<&str> = match params.get("scope") {
        None => grant.scope.iter().map(String::as_str).collect(),
        Some(requested) => {
            let requested: Vec<&str> = requested.split_whitespace().collect();
            let missing: Vec<&str> = requested
                .iter()
                .copied()
                .filter(|s| !grant.scope.iter().any(|g| g == s))
                .collect();
            if !missing.is_empty() {
                return Err(access_denied(&format!(
                    "Client has not been granted scopes: {}",
                    missing.join(", ")
                )));
            }
            grant
                .scope
                .iter()
                .map(String::as_str)
                .filter(|g| requested.contains(g))
                .collect()
        }
    };

    let now = state.now();
    let scope = scopes.join(" ");
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("sub".into(), json!(format!("{client_id}@clients")));
    claims.insert("aud".into(), json!(audience));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + api.token_lifetime as i64));
    claims.insert("azp".into(), json!(client_id));
    if !scope.is_empty() {
        claims.insert("scope".into(), json!(scope));
    }
    claims.insert("gty".into(), json!("client-credentials"));
    if api.rbac {
        claims.insert("permissions".into(), json!(scopes));
    }
    if let Some(jkt) = jkt {
        claims.insert("cnf".into(), json!({"jkt": jkt}));
    }
    let access_token = jwt::sign(&state.signing_key(), &Value::Object(claims));

    let mut body = Map::new();
    body.insert("access_token".into(), json!(access_token));
    if !scope.is_empty() {
        body.insert("scope".into(), json!(scope));
    }
    body.insert("expires_in".into(), json!(api.token_lifetime));
    body.insert(
        "token_type".into(),
        json!(if jkt.is_some() { "DPoP" } else { "Bearer" }),
    );
    let text = Value::Object(body).to_string();
    Ok(reply::no_store(reply::body(
        StatusCode::OK,
        reply::JSON,
        text,
    )))
}

/// Parses a form or JSON body; any other content type is refused with a clear message.
pub(crate) fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Params, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let bad = |description: &str| {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    };
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let mut params = Params::new();
            for (k, v) in form_urlencoded::parse(body) {
                // The first occurrence wins, like most OAuth servers.
                params
                    .entry(k.into_owned())
                    .or_insert_with(|| v.into_owned());
            }
            Ok(params)
        }
        "application/json" => {
            let value: Value =
                serde_json::from_slice(body).map_err(|_| bad("Invalid JSON in request body"))?;
            let Value::Object(object) = value else {
                return Err(bad("The request body must be a JSON object"));
            };
            object
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    _ => Err(bad(&format!("Parameter {k} must be a string"))),
                })
                .collect()
        }
        "" if body.is_empty() => Ok(Params::new()),
        _ => Err(bad(&format!(
            "Unsupported content type {content_type:?}: send application/x-www-form-urlencoded or application/json"
        ))),
    }
}

pub(crate) fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Missing required parameter: {name}"),
            )
        })
}

/// `client_secret_basic` or `client_secret_post`; returns the authenticated client id.
/// Every failure is Auth0's 401 `access_denied` / `Unauthorized`, which does not say why.
pub(crate) fn authenticate(
    config: &TenantConfig,
    headers: &HeaderMap,
    params: &Params,
) -> Result<String, OAuthError> {
    let basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(parse_basic(value.as_bytes()).ok_or_else(unauthorized)?),
    };
    let posted = params
        .get("client_id")
        .map(|id| (id.clone(), params.get("client_secret").cloned()));
    let (client_id, secret) = match (basic, posted) {
        (Some((id, secret)), None) => (id, Some(secret)),
        (Some((id, secret)), Some((posted_id, posted_secret))) => {
            // Both methods at once (RFC 6749 §2.3 says MUST NOT); accept only if they agree.
            if posted_id != id || posted_secret.is_some_and(|s| s != secret) {
                return Err(unauthorized());
            }
            (id, Some(secret))
        }
        (None, Some(posted)) => posted,
        (None, None) => return Err(unauthorized()),
    };
    let client = config.client(&client_id).ok_or_else(unauthorized)?;
    // Browser code may call for a client only from one of its origins; Auth0 refuses the others
    // with the same 401 as bad credentials (see docs/login-flows.md, "Single-page apps").
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|origin| client.allows_cors_origin(origin))
    {
        return Err(unauthorized());
    }
    if client.is_public() {
        // A public client has no secret to check; its grants must prove themselves (PKCE).
        return match secret.filter(|s| !s.is_empty()) {
            None => Ok(client_id),
            Some(_) => Err(unauthorized()),
        };
    }
    let given = secret.ok_or_else(unauthorized)?;
    if !constant_time_eq(given.as_bytes(), client.client_secret.as_bytes()) {
        return Err(unauthorized());
    }
    Ok(client_id)
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(value: &[u8]) -> Option<(String, String)> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(b64::decode_standard(credentials.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let id = unescape(id);
    (!id.is_empty()).then(|| (id, unescape(secret)))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An OAuth error as Auth0's token endpoint sends it.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
    error_uri: Option<&'static str>,
    /// `DPoP-Nonce` to send with a `use_dpop_nonce` refusal.
    dpop_nonce: Option<String>,
}

impl OAuthError {
    pub(crate) fn new(status: StatusCode, error: &'static str, description: &str) -> Self {
        Self {
            status,
            error,
            description: description.to_owned(),
            error_uri: None,
            dpop_nonce: None,
        }
    }

    /// The `error_description`.
    pub(crate) fn description(&self) -> &str {
        &self.description
    }

    /// 400 `invalid_dpop_proof`.
    pub(crate) fn invalid_proof(description: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
    }

    /// `{"error","error_description"[,"error_uri"]}`, `application/json`, not cacheable.
    pub(crate) fn into_response(self) -> Response {
        let mut body = json!({"error": self.error, "error_description": self.description});
        if let Some(uri) = self.error_uri {
            body["error_uri"] = json!(uri);
        }
        let mut res = reply::no_store(reply::body(self.status, reply::JSON, body.to_string()));
        if let Some(value) = self
            .dpop_nonce
            .and_then(|n| http::HeaderValue::from_str(&n).ok())
        {
            res.headers_mut().insert("dpop-nonce", value);
        }
        res
    }
}

pub(crate) fn unauthorized() -> OAuthError {
    OAuthError::new(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized")
}

/// 503 `temporarily_unavailable` when the shared store (Redis) fails.
pub(crate) fn store_failed(e: String) -> OAuthError {
    OAuthError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        &format!("The mock tenant's shared store failed: {e}"),
    )
}

pub(crate) fn access_denied(description: &str) -> OAuthError {
    OAuthError::new(StatusCode::FORBIDDEN, "access_denied", description)
}

#[cfg(test)]
mod tests {
    use super::parse_basic;

    #[test]
    fn basic_credentials_are_url_decoded() {
        let header = format!("Basic {}", crate::b64::standard("my%3Aid:s%2Bcret"));
        assert_eq!(
            parse_basic(header.as_bytes()),
            Some(("my:id".into(), "s+cret".into()))
        );
    }

    #[test]
    fn broken_basic_headers_are_refused() {
        for bad in [
            "Basic",
            "Basic !!!",
            "Bearer abc",
            "Basic Zm9v",
            "Basic OnNlY3JldA==",
        ] {
            assert_eq!(parse_basic(bad.as_bytes()), None, "{bad}");
        }
    }
}
