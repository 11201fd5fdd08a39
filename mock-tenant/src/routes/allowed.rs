//! Which methods each path answers. warp alone answers 405 to every path it does not know (some
//! route rejected the method before the path), so the last route of the chain answers instead:
//! 404 for a path the tenant does not serve, 405 with `Allow` for a known path asked with another
//! method, and nothing (the other rejections stand) otherwise.

use super::oauth::{ErrorCode, error_body};
use super::reply;
use http::{HeaderValue, Method, StatusCode, header};
use warp::Filter;
use warp::path::FullPath;
use warp::reply::Response;

/// The methods `path` answers (an `Allow` value), or `None` for a path the tenant does not serve.
pub(crate) fn methods(path: &str) -> Option<&'static str> {
    // One leading slash: `//.well-known/jwks.json` has an empty first segment, as for warp's
    // routes, and is not a path the tenant serves.
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    Some(match segments.as_slice() {
        ["authorize"] | ["v2" | "oidc", "logout"] => "GET",
        [
            ".well-known",
            "openid-configuration" | "oauth-authorization-server" | "jwks.json",
        ] => "GET",
        ["u", "login"] | ["oauth", "token" | "revoke"] => "POST",
        ["userinfo"] => "GET, POST",
        ["_mock", "config" | "state"] => "GET, PUT",
        ["_mock", "keys"] | ["_mock", "ca.pem" | "defects"] => "GET",
        ["_mock", "keys", "rotate"] | ["_mock", "reset" | "token"] => "POST",
        ["_mock", "keys", _] => "DELETE",
        ["_mock", "keys", _, "rebind"] => "POST",
        ["_mock", "jwks", "fault"] => "GET, POST, DELETE",
        ["_mock", "stats"] => "GET, DELETE",
        ["_mock", "clock"] => "GET, POST",
        ["_mock", "discovery"] => "GET, PUT, DELETE",
        ["_mock", "dpop"] => "GET, PUT",
        ["_mock", "dpop", "nonce", "rotate"] | ["_mock", "dpop", "proof"] => "POST",
        ["_mock", "dpop", "defects"] => "GET",
        _ => return None,
    })
}

/// The chain's last route: 404 for unknown paths, 405 with `Allow` for a method a known path
/// does not answer; rejects otherwise, so body and length errors keep their own answers.
pub(crate) fn route() -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::path::full()
        .and(warp::method())
        .and_then(|path: FullPath, method: Method| async move {
            let Some(allowed) = methods(path.as_str()) else {
                return Ok(reply::json(
                    StatusCode::NOT_FOUND,
                    &error_body(ErrorCode::NotFound, "Not Found"),
                ));
            };
            if allowed.split(", ").any(|m| m == method.as_str()) {
                return Err(warp::reject::not_found());
            }
            let mut res = reply::json(
                StatusCode::METHOD_NOT_ALLOWED,
                &error_body(ErrorCode::InvalidRequest, "Method Not Allowed"),
            );
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
            Ok(res)
        })
}

#[cfg(test)]
mod tests {
    use super::methods;

    #[test]
    fn known_paths_have_their_methods_and_others_none() {
        assert_eq!(methods("/oauth/token"), Some("POST"));
        assert_eq!(methods("/.well-known/jwks.json"), Some("GET"));
        assert_eq!(methods("/_mock/keys/some-kid"), Some("DELETE"));
        assert_eq!(methods("/_mock/keys/some-kid/rebind"), Some("POST"));
        assert_eq!(methods("/.well-known/other"), None);
        assert_eq!(methods("/oauth/token/"), None);
        assert_eq!(methods("//.well-known/jwks.json"), None);
        assert_eq!(methods("//oauth/token"), None);
        assert_eq!(methods("/nope"), None);
        assert_eq!(methods("/"), None);
    }
}
