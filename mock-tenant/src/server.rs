//! The accept loop: TLS (or plain TCP), then hyper serving the one warp router. Written here
//! because warp 0.4 has no TLS and keeps its acceptor trait private.
//!
//! Around routing: the shared control state is loaded first (with a Redis store), every request
//! outside `/_mock/` is counted per path, a JWKS request under the `drop` fault closes the
//! connection without an answer, and a `/_mock/` change is published for other processes.

use crate::faults::JwksFault;
use crate::routes;
use crate::routes::oauth::{ErrorCode, error_body, store_failure};
use crate::state::State;
use hyper::body::Incoming;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

/// A TLS handshake that takes longer than this is abandoned.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the JWKS `drop` fault")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// The header that carries the control token
/// ([`MockTenantBuilder::control_token`](crate::MockTenantBuilder::control_token)) on every
/// `/_mock/` request.
pub const CONTROL_TOKEN_HEADER: &str = "x-mock-control-token";

/// Whether a `/_mock/` request may go on: always without a control token; with one, when it
/// carries it, or asks for the CA certificate (public: clients fetch it to trust the tenant) or
/// is a CORS preflight (which carries no custom header).
fn control_allowed(req: &http::Request<Incoming>, token: Option<&str>) -> bool {
    let Some(token) = token else { return true };
    if req.method() == http::Method::OPTIONS
        || (req.method() == http::Method::GET && req.uri().path() == "/_mock/ca.pem")
    {
        return true;
    }
    req.headers()
        .get(CONTROL_TOKEN_HEADER)
        .is_some_and(|sent| same_bytes(sent.as_bytes(), token.as_bytes()))
}

/// Compares without stopping at the first difference (the token is a secret).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 401 to a `/_mock/` request without the control token.
fn control_refused() -> warp::reply::Response {
    routes::reply::json(
        http::StatusCode::UNAUTHORIZED,
        &error_body(
            ErrorCode::AccessDenied,
            &format!(
                "this tenant's control API needs its control token in the {CONTROL_TOKEN_HEADER} \
                 header (mock-tenant --control-token, MOCK_TENANT_CONTROL_TOKEN)"
            ),
        ),
    )
}

/// 503 when the shared store (Redis) fails: the tenant cannot know the shared state.
fn unavailable(reason: &str) -> warp::reply::Response {
    routes::reply::json(
        http::StatusCode::SERVICE_UNAVAILABLE,
        &error_body(ErrorCode::TemporarilyUnavailable, &store_failure(reason)),
    )
}

/// Serves `state` on `listener` until `shutdown` completes, within `limits` (timeouts, the
/// connection cap, the drain of requests in flight on stop).
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    state: Arc<State>,
    limits: serve_guard::Limits,
    control_token: Option<Arc<str>>,
    shutdown: impl Future<Output = ()>,
) {
    let router = warp::service(routes::routes(state.clone()));
    let acceptor = tls.map(TlsAcceptor::from);
    serve_guard::serve(listener, limits, "mock-tenant", shutdown, move |conn| {
        let (router, state, acceptor) = (router.clone(), state.clone(), acceptor.clone());
        let control_token = control_token.clone();
        async move {
            let peer = conn
                .stream
                .get_ref()
                .peer_addr()
                .ok()
                .map(|a| routes::Peer(a.ip()));
            let service = hyper::service::service_fn(move |mut req: http::Request<Incoming>| {
                let (mut router, state) = (router.clone(), state.clone());
                if let Some(peer) = peer {
                    req.extensions_mut().insert(peer);
                }
                let control_token = control_token.clone();
                async move {
                    let path = req.uri().path().to_owned();
                    let control = path.starts_with("/_mock/");
                    if control && !control_allowed(&req, control_token.as_deref()) {
                        return Ok(control_refused());
                    }
                    let change = control && req.method() != http::Method::GET;
                    if let Err(e) = state.sync().await {
                        return Ok(unavailable(&e));
                    }
                    if !control {
                        state.count(&path);
                    }
                    if path == "/.well-known/jwks.json"
                        && state.jwks_fault() == Some(JwksFault::Drop)
                    {
                        return Err(DroppedOnPurpose);
                    }
                    let Ok(res) = router.call(req).await;
                    if change && let Err(e) = state.publish().await {
                        return Ok(unavailable(&e));
                    }
                    Ok(res)
                }
            });
            let serve_guard::Connection { stream, server } = conn;
            match acceptor {
                None => server.serve(stream, service).await,
                Some(acceptor) => {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    server.serve(stream, service).await;
                }
            }
        }
    })
    .await;
}
