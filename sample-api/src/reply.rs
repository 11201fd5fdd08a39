//! The API's JSON answers.

use http::{HeaderValue, StatusCode, header};
use warp::reply::Response;

/// A JSON response.
pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut res = Response::new(value.to_string().into());
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}
