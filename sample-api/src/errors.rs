//! Every refusal, answered in one place per RFC 6750 §3: the status, the `WWW-Authenticate`
//! challenge and a JSON body in the quickstart's `{"code","description"}` shape. Descriptions are
//! fixed texts: nothing from the token or the key set is echoed back.

use http::{HeaderValue, StatusCode, header};
use serde_json::json;
use warp::reply::Response;

/// The realm in every challenge.
const REALM: &str = "api";

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Denial {
    /// No credentials for the Bearer scheme: 401 with a bare challenge (RFC 6750 §3.1).
    Missing,
    /// A malformed request (two Authorization headers, an empty or ill-formed token): 400.
    InvalidRequest(&'static str),
    /// The token cannot be trusted: 401 `invalid_token`.
    InvalidToken(&'static str),
    /// The DPoP proof is missing or wrong: 401 `invalid_dpop_proof` (RFC 9449 §7.1).
    InvalidDpopProof(&'static str),
    /// The token lacks a scope: 403 `insufficient_scope` naming it.
    InsufficientScope(&'static str),
    /// The tenant's keys cannot be fetched and none is cached: 503, fail closed.
    KeysUnavailable,
}

impl Denial {
    pub(crate) fn invalid_token(description: &'static str) -> Self {
        Self::InvalidToken(description)
    }

    /// The response for this refusal under a DPoP mode: with DPoP on, 401s also carry a `DPoP`
    /// challenge naming the algorithms (RFC 9449 §7.1), and under `required` only that one.
    pub(crate) fn into_response_for(self, mode: crate::dpop_mode::DpopMode) -> Response {
        use crate::dpop_mode::DpopMode;
        let dpop_error = match &self {
            Self::InvalidDpopProof(d) => Some(("invalid_dpop_proof", *d)),
            Self::InvalidToken(d) if mode == DpopMode::Required => Some(("invalid_token", *d)),
            _ => None,
        };
        let required = mode == DpopMode::Required;
        let mut res = match self {
            // The body and status of an invalid token; the challenge is DPoP's.
            Self::InvalidDpopProof(d) => Self::InvalidToken(d).into_response(),
            other => other.into_response(),
        };
        if mode == DpopMode::Off || res.status() != StatusCode::UNAUTHORIZED {
            return res;
        }
        let dpop = match dpop_error {
            Some((error, d)) => format!(
                "DPoP error=\"{error}\", error_description=\"{d}\", algs=\"{}\"",
                crate::dpop_mode::ALGS
            ),
            None => format!("DPoP algs=\"{}\"", crate::dpop_mode::ALGS),
        };
        let headers = res.headers_mut();
        if required || dpop_error.is_some() {
            headers.remove(header::WWW_AUTHENTICATE);
        }
        if let Ok(value) = HeaderValue::from_str(&dpop) {
            headers.append(header::WWW_AUTHENTICATE, value);
        }
        res
    }

    /// The response for this refusal.
    pub(crate) fn into_response(self) -> Response {
        let (status, challenge, code, description) = match self {
            Self::Missing => (
                StatusCode::UNAUTHORIZED,
                Some(format!("Bearer realm=\"{REALM}\"")),
                "authorization_header_missing",
                "Authorization header is expected",
            ),
            Self::InvalidRequest(d) => (
                StatusCode::BAD_REQUEST,
                Some(challenge("invalid_request", d, None)),
                "invalid_header",
                d,
            ),
            Self::InvalidToken(d) | Self::InvalidDpopProof(d) => (
                StatusCode::UNAUTHORIZED,
                Some(challenge("invalid_token", d, None)),
                "invalid_token",
                d,
            ),
            Self::InsufficientScope(scope) => (
                StatusCode::FORBIDDEN,
                Some(challenge(
                    "insufficient_scope",
                    "Insufficient scope",
                    Some(scope),
                )),
                "insufficient_scope",
                "You don't have access to this resource",
            ),
            Self::KeysUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "temporarily_unavailable",
                "Tokens cannot be validated right now",
            ),
        };
        let mut res =
            crate::reply::json(status, &json!({"code": code, "description": description}));
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

fn challenge(error: &str, description: &str, scope: Option<&str>) -> String {
    let mut value =
        format!("Bearer realm=\"{REALM}\", error=\"{error}\", error_description=\"{description}\"");
    if let Some(scope) = scope {
        value.push_str(&format!(", scope=\"{scope}\""));
    }
    value
}
