//! What both servers of the workspace (mock-tenant and sample-api) do with a connection before
//! their routes see it, so that a hostile or careless client cannot hold them:
//!
//! - [`Limits`]: how long a request's headers may take, how long a connection may sit idle, how
//!   many connections may be open at once, how long a stop waits for requests in flight;
//! - [`serve`]: the accept loop that keeps to them, says so once when the connection cap is
//!   reached, and drains on stop;
//! - [`Idle`]: the stream wrapper that closes a connection with no bytes either way for the idle
//!   timeout while no request is in flight (a slowloris, or a socket left open after its TLS
//!   handshake);
//! - [`Server::serve`]: hyper's HTTP/1 and HTTP/2 with those timeouts, answering a request
//!   whose client half-closed its side after sending it.

mod idle;
mod limits;

pub use idle::Idle;
pub use limits::Limits;

use hyper::body::{Body, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One accepted connection, handed to the server's own code: its stream, to wrap in TLS or
/// not, and the [`Server`] that serves HTTP on it.
pub struct Connection {
    /// The socket, idle-timed.
    pub stream: Idle<TcpStream>,
    /// What serves HTTP on the stream.
    pub server: Server,
}

/// hyper's HTTP/1.1 and HTTP/2 for one connection, with the [`Limits`], watched by the drain.
pub struct Server {
    busy: Arc<AtomicUsize>,
    watcher: Watcher,
    builder: auto::Builder<TokioExecutor>,
}

impl Server {
    /// Serves HTTP/1.1 or HTTP/2 on `io` (the connection's stream, or TLS over it) with
    /// `service` until the client closes, a timeout ends it, or the server drains.
    pub async fn serve<I, S, B>(self, io: I, service: S)
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
        S: hyper::service::Service<http::Request<Incoming>, Response = http::Response<B>>
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let service = Busy {
            inner: service,
            busy: self.busy,
        };
        let conn = self
            .builder
            .serve_connection(TokioIo::new(io), service)
            .into_owned();
        // Errors here are the client's (reset, bad TLS, garbage, a timeout): nothing to report.
        let _ = self.watcher.watch(conn).await;
    }
}

/// Counts a connection's requests in flight, so that [`Idle`] does not close a connection whose
/// handler is still working.
struct Busy<S> {
    inner: S,
    busy: Arc<AtomicUsize>,
}

/// Decrements the in-flight count when the handler's future ends or is dropped.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<S, R> hyper::service::Service<R> for Busy<S>
where
    S: hyper::service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn call(&self, req: R) -> Self::Future {
        self.busy.fetch_add(1, Ordering::Relaxed);
        let guard = InFlight(self.busy.clone());
        let future = self.inner.call(req);
        Box::pin(async move {
            let answer = future.await;
            drop(guard);
            answer
        })
    }
}

/// hyper's server for one connection: HTTP/1.1 with the header-read timeout and half-closed
/// requests answered (a client may `shutdown(SHUT_WR)` after a complete request), HTTP/2 with
/// hyper's defaults, both on tokio's timer.
fn builder(limits: &Limits) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .half_close(true);
    builder.http2().timer(TokioTimer::new());
    builder
}

/// Accepts connections on `listener` until `shutdown` completes, each handed to `serve_one`,
/// at most [`Limits::max_connections`] at once (past it, new clients wait in the listen queue,
/// and `name` says so on stderr once per episode). On shutdown it stops accepting, lets the
/// requests in flight finish for up to [`Limits::drain`], then closes every connection.
pub async fn serve<F, Fut>(
    listener: TcpListener,
    limits: Limits,
    name: &'static str,
    shutdown: impl Future<Output = ()>,
    serve_one: F,
) where
    F: Fn(Connection) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let builder = builder(&limits);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut capped = false;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept(), if connections.len() < limits.max_connections => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let busy = Arc::new(AtomicUsize::new(0));
                connections.spawn(serve_one(Connection {
                    stream: Idle::new(stream, limits.idle_timeout, busy.clone()),
                    server: Server {
                        busy,
                        watcher: graceful.watcher(),
                        builder: builder.clone(),
                    },
                }));
            }
        }
        let full = connections.len() >= limits.max_connections;
        if full && !capped {
            eprintln!(
                "{name}: {} connections open, the cap (max connections): new clients wait until \
                 one closes (idle ones close after {} s)",
                limits.max_connections,
                limits.idle_timeout.as_secs()
            );
        }
        capped = full;
    }
    drop(listener);
    let _ = tokio::time::timeout(limits.drain, graceful.shutdown()).await;
    connections.shutdown().await;
}
