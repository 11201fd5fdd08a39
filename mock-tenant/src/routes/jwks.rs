//! `GET /.well-known/jwks.json`: the published keys, or the configured fault.

use super::reply;
use crate::faults::JwksFault;
use crate::state::State;
use http::{HeaderValue, StatusCode, header};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use warp::Filter;
use warp::reply::Response;

/// What Auth0 sends with its JWKS (unverified against a live tenant; APIs may honour it).
const CACHE_CONTROL: &str = "public, max-age=15, stale-while-revalidate=15, stale-if-error=86400";

/// GET /.well-known/jwks.json
pub(crate) fn route(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::get()
        .and(warp::path!(".well-known" / "jwks.json"))
        .then(move || serve(state.clone()))
}

async fn serve(state: Arc<State>) -> Response {
    let (fault, jwks, current_kid) = state.read(|s| {
        (
            s.fault.clone(),
            s.jwks.clone(),
            s.keys.current().kid.clone(),
        )
    });
    match fault {
        None => keys(jwks),
        Some(JwksFault::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            keys(jwks)
        }
        Some(JwksFault::Status { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let reason = status.canonical_reason().unwrap_or("Error");
            reply::json(
                status,
                &json!({"statusCode": status.as_u16(), "error": reason,
                                        "message": reason}),
            )
        }
        Some(JwksFault::Junk { body }) => {
            let (content_type, text) = body.render(&current_kid);
            reply::body(StatusCode::OK, content_type, text)
        }
        Some(JwksFault::ExtraKey { key }) => with_keys(&jwks, vec![key.jwk()]),
        Some(JwksFault::ExtraKeys { keys }) => {
            with_keys(&jwks, keys.iter().map(|k| k.jwk()).collect())
        }
        Some(JwksFault::OddKeys) => with_keys(&jwks, crate::faults::odd_keys()),
        Some(JwksFault::NoAlg) => {
            let mut set: serde_json::Value =
                serde_json::from_slice(&jwks).expect("the rendered JWKS is JSON");
            for key in set["keys"].as_array_mut().into_iter().flatten() {
                if let Some(key) = key.as_object_mut() {
                    key.remove("alg");
                }
            }
            keys(set.to_string().into())
        }
        Some(JwksFault::Body { body }) => keys(body.into()),
        // Dropping happens before routing, in the server; a test filter without a socket gets 503.
        Some(JwksFault::Drop) => reply::body(StatusCode::SERVICE_UNAVAILABLE, reply::JSON_UTF8, ""),
    }
}

/// The rendered key set with `extra` appended.
fn with_keys(jwks: &[u8], extra: Vec<serde_json::Value>) -> Response {
    let mut set: serde_json::Value =
        serde_json::from_slice(jwks).expect("the rendered JWKS is JSON");
    if let Some(keys) = set["keys"].as_array_mut() {
        keys.extend(extra);
    }
    keys(set.to_string().into())
}

fn keys(body: bytes::Bytes) -> Response {
    let mut res = reply::body(StatusCode::OK, reply::JSON_UTF8, body);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    res
}
