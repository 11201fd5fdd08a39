//! The router, written once: the binary, the embedded tenant and the tests all serve
//! [`routes`]. Every rejection is answered in one place, [`recover`], in Auth0's error shape.

mod allowed;
mod authorize;
mod body;
mod client_auth;
mod control;
mod cors;
mod discovery;
mod forge;
mod grants;
mod html;
mod jwks;
mod logout;
pub(crate) mod oauth;
pub(crate) mod reply;
mod revoke;
mod token;
mod userinfo;

use crate::state::State;
use http::StatusCode;
use oauth::ErrorCode;
use std::convert::Infallible;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

pub(crate) use discovery::document as discovery_document;

/// The address a request came from (the TCP peer), put in the request's extensions by the
/// server: Actions see it in `event.request.ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Peer(pub(crate) std::net::IpAddr);

impl Peer {
    /// The address as text, `127.0.0.1` when unknown (a request served without a socket).
    pub(crate) fn text(peer: Option<Self>) -> String {
        peer.map_or_else(|| "127.0.0.1".to_owned(), |p| p.0.to_string())
    }
}
pub use forge::defects_json;
pub use html::escape_markup;

/// Query or form parameters; the first occurrence of a name wins.
pub(crate) type Params = std::collections::HashMap<String, String>;

/// Parses `a=1&b=2` (a query string or a form body).
pub(crate) fn params_of(text: &str) -> Params {
    let mut params = Params::new();
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        params
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    params
}

/// A parameter, with empty treated as absent.
pub(crate) fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// Every route of the tenant, with rejections turned into responses and CORS where browsers
/// call ([`cors`]).
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    cors::wrap(plain_routes(state))
}

/// Every route, without CORS.
fn plain_routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    discovery::routes(state.clone())
        .or(jwks::route(state.clone()))
        .unify()
        .or(token::route(state.clone()))
        .unify()
        .or(authorize::routes(state.clone()))
        .unify()
        .or(userinfo::route(state.clone()))
        .unify()
        .or(logout::routes(state.clone()))
        .unify()
        .or(revoke::route(state.clone()))
        .unify()
        .or(forge::routes(state.clone()))
        .unify()
        .or(control::routes(state))
        .unify()
        .or(allowed::route())
        .unify()
        .recover(recover)
        .unify()
}

/// Maps warp's own rejections (unknown path, wrong method, oversized or unreadable body) to
/// `{"error","error_description"}` with the matching 4xx status. Never a 500.
async fn recover(rejection: warp::Rejection) -> Result<Response, Infallible> {
    use warp::reject::{LengthRequired, MethodNotAllowed, PayloadTooLarge};
    // A body refused by its own route wins over a sibling route's method: that route matched.
    let too_large = rejection.find::<PayloadTooLarge>().is_some()
        || rejection.find::<body::BodyError>() == Some(&body::BodyError::TooLarge);
    let (status, error, description) = if too_large {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidRequest,
            "Request entity too large",
        )
    } else if rejection.find::<body::BodyError>().is_some() {
        (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            "Bad request body",
        )
    } else if rejection.find::<LengthRequired>().is_some() {
        (
            StatusCode::LENGTH_REQUIRED,
            ErrorCode::InvalidRequest,
            "Content-Length required",
        )
    } else if rejection.is_not_found() {
        (StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not Found")
    } else if rejection.find::<MethodNotAllowed>().is_some() {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidRequest,
            "Method Not Allowed",
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            "Bad Request",
        )
    };
    Ok(reply::json(status, &oauth::error_body(error, description)))
}
