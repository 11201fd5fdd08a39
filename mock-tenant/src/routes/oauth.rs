//! The OAuth plumbing every OAuth endpoint shares: reading a form or JSON body of bounded
//! size, its parameters, and the one error type and body (`{"error","error_description"}`)
//! in Auth0's shape.

use super::reply;
use crate::state::State;
use http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// Bodies larger than this are refused with 413 before they are parsed.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// A `POST` endpoint taking an OAuth body (form or JSON, at most [`MAX_BODY`] bytes), answered
/// by `handler` or with its error in Auth0's shape.
pub(crate) fn oauth_post<H, F>(
    path: impl Filter<Extract = (), Error = warp::Rejection> + Clone + Send + Sync + 'static,
    state: Arc<State>,
    handler: H,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone
where
    H: Fn(Arc<State>, HeaderMap, Option<super::Peer>, Vec<u8>) -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<Response, OAuthError>> + Send,
{
    warp::post()
        .and(path)
        .and(warp::header::headers_cloned())
        .and(warp::host::optional())
        .and(warp::ext::optional::<super::Peer>())
        .and(warp::body::stream())
        .then(
            move |mut headers: HeaderMap,
                  host: Option<warp::host::Authority>,
                  peer: Option<super::Peer>,
                  body| {
                // HTTP/2 names the host in `:authority`, not in a Host header: one place to read.
                if let Some(host) = host.filter(|_| !headers.contains_key(http::header::HOST))
                    && let Ok(value) = http::HeaderValue::from_str(host.as_str())
                {
                    headers.insert(http::header::HOST, value);
                }
                let (state, handler) = (state.clone(), handler.clone());
                async move {
                    let result = match read_body(body).await {
                        Ok(bytes) => handler(state, headers, peer, bytes).await,
                        Err(e) => Err(e),
                    };
                    result.unwrap_or_else(OAuthError::into_response)
                }
            },
        )
}

/// Collects the body, refusing more than [`MAX_BODY`] bytes whatever `Content-Length` says.
async fn read_body(
    body: impl futures_util::Stream<Item = Result<impl bytes::Buf, warp::Error>>,
) -> Result<Vec<u8>, OAuthError> {
    super::body::collect(body, MAX_BODY)
        .await
        .map_err(|e| match e {
            super::body::BodyError::TooLarge => OAuthError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::InvalidRequest,
                "Request entity too large",
            ),
            super::body::BodyError::Unreadable => OAuthError::invalid_request("Bad request body"),
        })
}

/// The request's parameters, from a form or a JSON object.
pub(crate) type Params = HashMap<String, String>;

/// The request's `Host` header.
pub(crate) fn host_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
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
    let bad = |description: &str| OAuthError::invalid_request(description);
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
        .ok_or_else(|| OAuthError::invalid_request(&format!("Missing required parameter: {name}")))
}

/// An OAuth error code, as Auth0's endpoints spell it in `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// `invalid_request`: a parameter or the body is missing or malformed.
    InvalidRequest,
    /// `invalid_grant`: a code, refresh token or password that does not hold.
    InvalidGrant,
    /// `unauthorized_client`: the grant type is not enabled on the client.
    UnauthorizedClient,
    /// `access_denied`: bad client credentials, or no grant for the audience or scope.
    AccessDenied,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_dpop_proof` (RFC 9449 §5).
    InvalidDpopProof,
    /// `use_dpop_nonce` (RFC 9449 §8).
    UseDpopNonce,
    /// `temporarily_unavailable`: the shared store failed.
    TemporarilyUnavailable,
    /// `not_found`: no such path or key.
    NotFound,
    /// `too_many_requests`: over a rate limit.
    TooManyRequests,
    /// `server_error`: an Action failed.
    ServerError,
}

impl ErrorCode {
    /// The code on the wire.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidDpopProof => "invalid_dpop_proof",
            Self::UseDpopNonce => "use_dpop_nonce",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::NotFound => "not_found",
            Self::TooManyRequests => "too_many_requests",
            Self::ServerError => "server_error",
        }
    }
}

/// The one error body of every endpoint: `{"error","error_description"}`.
pub(crate) fn error_body(code: ErrorCode, description: &str) -> Value {
    json!({"error": code.as_str(), "error_description": description})
}

/// An OAuth error as Auth0's token endpoint sends it.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    code: ErrorCode,
    description: String,
    error_uri: Option<&'static str>,
    /// `DPoP-Nonce` to send with a `use_dpop_nonce` refusal.
    dpop_nonce: Option<String>,
    /// More headers (`x-ratelimit-*`).
    headers: Vec<(&'static str, String)>,
    /// An `error` an Action chose (`api.access.deny(code, reason)`), sent instead of `code`.
    action_code: Option<String>,
}

impl OAuthError {
    pub(crate) fn new(status: StatusCode, code: ErrorCode, description: &str) -> Self {
        Self {
            status,
            code,
            description: description.to_owned(),
            error_uri: None,
            dpop_nonce: None,
            headers: Vec::new(),
            action_code: None,
        }
    }

    /// 400 with the `error` an Action chose and its reason.
    pub(crate) fn from_action(code: &str, reason: &str) -> Self {
        Self {
            action_code: Some(code.to_owned()),
            ..Self::invalid_request(reason)
        }
    }

    /// The same error with these headers too.
    pub(crate) fn with_headers(mut self, headers: Vec<(&'static str, String)>) -> Self {
        self.headers.extend(headers);
        self
    }

    /// Auth0's 429 over a rate limit, with the `x-ratelimit-*` headers.
    pub(crate) fn rate_limited(quota: &crate::rate_limits::Quota) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            "Global limit has been reached",
        );
        error.headers = quota.headers().to_vec();
        error
    }

    /// 400 `invalid_request`.
    pub(crate) fn invalid_request(description: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            description,
        )
    }

    /// 403 `invalid_grant`, as Auth0 answers a code, refresh token or password that fails.
    pub(crate) fn invalid_grant(description: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::InvalidGrant, description)
    }

    /// 400 `invalid_dpop_proof`.
    pub(crate) fn invalid_proof(description: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidDpopProof,
            description,
        )
    }

    /// 400 `use_dpop_nonce`, with the nonce to use in `DPoP-Nonce`.
    pub(crate) fn use_nonce(nonce: Option<String>) -> Self {
        Self {
            dpop_nonce: nonce,
            ..Self::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::UseDpopNonce,
                "Authorization server requires nonce in DPoP proof",
            )
        }
    }

    /// With `error_uri` (Auth0 adds it to `unauthorized_client`).
    pub(crate) fn with_uri(self, uri: &'static str) -> Self {
        Self {
            error_uri: Some(uri),
            ..self
        }
    }

    /// The `error_description`.
    pub(crate) fn description(&self) -> &str {
        &self.description
    }

    /// `{"error","error_description"[,"error_uri"]}`, `application/json`, not cacheable.
    pub(crate) fn into_response(self) -> Response {
        let mut body = error_body(self.code, &self.description);
        if let Some(code) = self.action_code {
            body["error"] = json!(code);
        }
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
        for (name, value) in self.headers {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                res.headers_mut().insert(name, value);
            }
        }
        res
    }
}

/// 401 `access_denied` / `Unauthorized`: Auth0's answer to bad client credentials, which does
/// not say why.
pub(crate) fn unauthorized() -> OAuthError {
    OAuthError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::AccessDenied,
        "Unauthorized",
    )
}

/// Marks `key` used for `ttl`: true the first time, false ever after while it lasts (codes,
/// rotated refresh tokens, DPoP proofs' and client assertions' `jti`s); 503 when the shared
/// store fails.
pub(crate) async fn first_use(
    state: &crate::state::State,
    key: &str,
    ttl: std::time::Duration,
) -> Result<bool, OAuthError> {
    state
        .store
        .insert_once(key, ttl)
        .await
        .map_err(store_failed)
}

/// 503 `temporarily_unavailable` when the shared store (Redis) fails.
pub(crate) fn store_failed(e: String) -> OAuthError {
    OAuthError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::TemporarilyUnavailable,
        &store_failure(&e),
    )
}

/// What a failed shared store is called in every answer.
pub(crate) fn store_failure(reason: &str) -> String {
    format!("The mock tenant's shared store failed: {reason}")
}

/// 403 `access_denied`.
pub(crate) fn access_denied(description: &str) -> OAuthError {
    OAuthError::new(StatusCode::FORBIDDEN, ErrorCode::AccessDenied, description)
}
