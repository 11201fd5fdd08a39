//! The attacker's host: serves the attacker's JWKS and certificate for `jku`/`x5u` defects and
//! counts every connection and request it receives, so a suite can tell that an API followed a
//! header URL (it must never).

use super::attacker_key;
use super::encodings::pem;
use crate::tls::CertificateAuthority;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::json;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

#[derive(Default)]
struct Hits {
    connections: AtomicU64,
    requests: Mutex<Vec<String>>,
}

/// A listener on 127.0.0.1 standing for the attacker's server. Stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let tenant = mock_tenant::MockTenant::start().await;
/// let attacker = tenant.attacker_host().await;
/// let token = tenant.token().attacker(&attacker.url()).defect("jku-attacker").sign();
/// // ... send `token` to the API under test, then:
/// assert_eq!(attacker.connections(), 0, "the API followed the jku header");
/// # drop(token);
/// # }
/// ```
#[must_use = "the attacker host stops when its handle is dropped"]
pub struct AttackerHost {
    addr: SocketAddr,
    https: bool,
    hits: Arc<Hits>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for AttackerHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttackerHost")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl AttackerHost {
    /// Starts the host on a free port: HTTPS with a certificate from `ca` (so an API that
    /// trusts the tenant's CA would complete the fetch: the worst case), or plain HTTP.
    pub async fn start(ca: Option<&CertificateAuthority>) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("binding the attacker host on 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let tls = ca.map(|ca| {
            let config = ca
                .server_config(&["localhost".to_owned()])
                .expect("attacker certificate");
            tokio_rustls::TlsAcceptor::from(Arc::new(config))
        });
        let hits = Arc::new(Hits::default());
        let (tx, mut rx) = oneshot::channel::<()>();
        let https = tls.is_some();
        let base: Arc<str> = Self::base_url(addr, https).into();
        let served = hits.clone();
        tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    _ = &mut rx => break,
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        served.connections.fetch_add(1, Ordering::SeqCst);
                        let (hits, tls, base) = (served.clone(), tls.clone(), base.clone());
                        connections.spawn(async move {
                            let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
                                let (hits, base) = (hits.clone(), base.clone());
                                async move { Ok::<_, Infallible>(answer(&hits, &base, req.uri())) }
                            });
                            let builder = auto::Builder::new(TokioExecutor::new());
                            match tls {
                                None => {
                                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                                }
                                Some(tls) => {
                                    if let Ok(stream) = tls.accept(stream).await {
                                        let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                                    }
                                }
                            }
                        });
                    }
                }
            }
        });
        Self {
            addr,
            https,
            hits,
            shutdown: Some(tx),
        }
    }

    /// `https://localhost:PORT` (or `http://127.0.0.1:PORT`), for [`TokenBuilder::attacker`](super::TokenBuilder::attacker).
    pub fn url(&self) -> String {
        Self::base_url(self.addr, self.https)
    }

    fn base_url(addr: SocketAddr, https: bool) -> String {
        if https {
            format!("https://localhost:{}", addr.port())
        } else {
            format!("http://127.0.0.1:{}", addr.port())
        }
    }

    /// TCP connections accepted so far (a TLS handshake that fails still counts).
    pub fn connections(&self) -> u64 {
        self.hits.connections.load(Ordering::SeqCst)
    }

    /// The paths (with queries) of the HTTP requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.hits
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for AttackerHost {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Answers every path with the attacker's key set, but for its certificate and a discovery
/// document naming itself as the issuer (for an API that follows a token's `iss`).
fn answer(hits: &Hits, base: &str, uri: &http::Uri) -> http::Response<Full<Bytes>> {
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    hits.requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path);
    let (content_type, body) = match uri.path() {
        "/cert.pem" => (
            "application/x-pem-file",
            pem("CERTIFICATE", &attacker_key().cert_der),
        ),
        "/.well-known/openid-configuration" => (
            "application/json",
            json!({
                "issuer": format!("{base}/"),
                "jwks_uri": format!("{base}/.well-known/jwks.json"),
            })
            .to_string(),
        ),
        _ => (
            "application/json",
            json!({ "keys": [attacker_key().jwk()] }).to_string(),
        ),
    };
    let mut res = http::Response::new(Full::new(Bytes::from(body)));
    res.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    res
}
