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
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
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

/// 503 when the shared store (Redis) fails: the tenant cannot know the shared state.
fn unavailable(reason: &str) -> warp::reply::Response {
    routes::reply::json(
        http::StatusCode::SERVICE_UNAVAILABLE,
        &error_body(ErrorCode::TemporarilyUnavailable, &store_failure(reason)),
    )
}

/// Serves `state` on `listener` until `shutdown` completes; then every connection is closed.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) {
    let router = warp::service(routes::routes(state.clone()));
    let acceptor = tls.map(TlsAcceptor::from);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (router, state, acceptor) = (router.clone(), state.clone(), acceptor.clone());
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
                        let (mut router, state) = (router.clone(), state.clone());
                        async move {
                            let path = req.uri().path().to_owned();
                            let control = path.starts_with("/_mock/");
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
                    let builder = auto::Builder::new(TokioExecutor::new());
                    // Errors here are the client's (reset, bad TLS, garbage): nothing to report.
                    match acceptor {
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                        }
                        Some(acceptor) => {
                            let Ok(Ok(stream)) =
                                tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                            else {
                                return;
                            };
                            let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        }
    }
}
