//! Response builders shared by the routes: Auth0's content types and error shapes in one place.

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

/// Auth0's content type everywhere but the token endpoint.
pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";
/// The token endpoint's content type: Auth0 sends no charset there.
pub(crate) const JSON: &str = "application/json";

/// A response with this status, content type and body.
pub(crate) fn body(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response {
    let mut res = Response::new(body.into().into());
    *res.status_mut() = status;
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

/// A JSON value, `application/json; charset=utf-8`.
pub(crate) fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let text = serde_json::to_vec(value).expect("serializing a JSON value");
    body(status, JSON_UTF8, text)
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, as RFC 6749 §5.1 asks of token responses.
pub(crate) fn no_store(mut res: Response) -> Response {
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

/// 302 to `location`, with Express-style text; `None` when `location` cannot be a header.
pub(crate) fn found(location: &str) -> Option<Response> {
    let value = HeaderValue::from_str(location).ok()?;
    let mut res = body(
        StatusCode::FOUND,
        "text/plain; charset=utf-8",
        format!("Found. Redirecting to {location}"),
    );
    res.headers_mut().insert(header::LOCATION, value);
    Some(res)
}

/// 204 No Content, for control operations.
pub(crate) fn no_content() -> Response {
    let mut res = Response::new(Bytes::new().into());
    *res.status_mut() = StatusCode::NO_CONTENT;
    res
}
