//! CORS as Auth0 answers it, so browser code (auth0-spa-js under auth0-react, -vue, -angular)
//! can call the tenant from another origin. Three policies, by path:
//! - the public documents (`/.well-known/...`): `Access-Control-Allow-Origin: *`, no credentials;
//! - `/oauth/token`, `/oauth/revoke`, `/userinfo`: the caller's origin echoed, with credentials.
//!   The preflight cannot know the client (the body is not sent), so every origin passes it;
//!   the token and revocation endpoints then refuse a client's call from an origin the client
//!   does not allow ([`crate::config::Client::allows_cors_origin`]) with a 401 the page can read;
//! - the control API (`/_mock/...`): the caller's origin echoed, without credentials, so a
//!   browser test can drive the tenant.
//!
//! Other paths (`/authorize`, `/u/login`, logout) are navigations and get no CORS headers; a
//! preflight to them gets the 405 of any other `OPTIONS`. `Origin: null` (sandboxed frames,
//! `file:` pages) is never echoed.

use super::allowed;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use std::convert::Infallible;
use warp::Filter;
use warp::path::FullPath;
use warp::reply::Response;

/// How long a browser may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "86400";
/// Response headers browser code may read besides the safelisted ones.
const EXPOSED: &str = "WWW-Authenticate, DPoP-Nonce";

/// Which CORS answer a path gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// Public documents: any origin, no credentials.
    Public,
    /// Token, revocation and userinfo: the origin echoed, credentials allowed.
    Credentialed,
    /// The control API: the origin echoed, no credentials.
    Control,
}

fn policy(path: &str) -> Option<Policy> {
    allowed::methods(path)?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [".well-known", _] => Some(Policy::Public),
        ["oauth", "token" | "revoke"] | ["userinfo"] => Some(Policy::Credentialed),
        ["_mock", ..] => Some(Policy::Control),
        _ => None,
    }
}

/// The `Origin` a CORS answer may name: present, valid and not `null`.
fn origin(headers: &HeaderMap) -> Option<&HeaderValue> {
    headers.get(header::ORIGIN).filter(|o| echoable(o))
}

/// An origin that may be echoed: not empty and not `null` (sandboxed frames, `file:` pages).
fn echoable(origin: &HeaderValue) -> bool {
    !origin.as_bytes().is_empty() && origin.as_bytes() != b"null"
}

/// Adds the policy's `Access-Control-Allow-*` headers for `origin` to `headers`.
fn allow(headers: &mut HeaderMap, policy: Policy, origin: &HeaderValue) {
    let echo = match policy {
        Policy::Public => {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            return;
        }
        Policy::Credentialed => {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
            origin
        }
        Policy::Control => origin,
    };
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, echo.clone());
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) on
/// a path with a policy; `None` for any other request.
fn preflight(path: &str, headers: &HeaderMap) -> Option<Response> {
    let policy = policy(path)?;
    let origin = origin(headers)?;
    headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
    let mut res = super::reply::no_content();
    let out = res.headers_mut();
    allow(out, policy, origin);
    let methods = allowed::methods(path)?;
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    if let Some(requested) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        // Any header may be sent: the tenant reads only what it knows.
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(PREFLIGHT_MAX_AGE),
    );
    out.append(
        header::VARY,
        HeaderValue::from_static("Access-Control-Request-Method, Access-Control-Request-Headers"),
    );
    *res.status_mut() = StatusCode::NO_CONTENT;
    Some(res)
}

/// `routes` with CORS: preflights answered before them, CORS headers added to their answers.
pub(crate) fn wrap(
    routes: impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let preflight = warp::options()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and_then(|path: FullPath, headers: HeaderMap| async move {
            preflight(path.as_str(), &headers).ok_or_else(warp::reject::not_found)
        });
    // Only the Origin header is read (no copy of the whole map on every request), and the path's
    // policy only when there is an origin to answer.
    let origin = warp::header::optional::<HeaderValue>("origin")
        .or(warp::any().map(|| None))
        .unify();
    let answered = warp::path::full()
        .and(warp::method())
        .and(origin)
        .and(routes)
        .map(
            |path: FullPath, method: Method, origin: Option<HeaderValue>, mut res: Response| {
                let Some(origin) = origin.filter(echoable) else {
                    return res;
                };
                if method == Method::OPTIONS
                    || res
                        .headers()
                        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                {
                    return res;
                }
                if let Some(policy) = policy(path.as_str()) {
                    let headers = res.headers_mut();
                    allow(headers, policy, &origin);
                    if policy == Policy::Credentialed {
                        headers.insert(
                            header::ACCESS_CONTROL_EXPOSE_HEADERS,
                            HeaderValue::from_static(EXPOSED),
                        );
                    }
                }
                res
            },
        );
    preflight.or(answered).unify()
}

#[cfg(test)]
mod tests {
    use super::{Policy, policy};

    #[test]
    fn each_path_has_the_policy_of_its_callers() {
        assert_eq!(policy("/.well-known/jwks.json"), Some(Policy::Public));
        assert_eq!(
            policy("/.well-known/openid-configuration"),
            Some(Policy::Public)
        );
        assert_eq!(policy("/oauth/token"), Some(Policy::Credentialed));
        assert_eq!(policy("/oauth/revoke"), Some(Policy::Credentialed));
        assert_eq!(policy("/userinfo"), Some(Policy::Credentialed));
        assert_eq!(policy("/_mock/keys/abc/rebind"), Some(Policy::Control));
        assert_eq!(policy("/authorize"), None);
        assert_eq!(policy("/v2/logout"), None);
        assert_eq!(policy("/.well-known/other"), None);
        assert_eq!(policy("/_mock/nope"), None);
    }
}
