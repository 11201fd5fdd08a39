//! [`SampleApi`]: the API running on a socket, stopped on drop.

use crate::jwks::JwksCache;
use crate::settings::Settings;
use crate::validate::Validator;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

/// The reference API, running.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), sample_api::Error> {
/// let api = sample_api::SampleApi::start(sample_api::Settings::from_env()?).await?;
/// println!("listening on {}", api.url());
/// # Ok(()) }
/// ```
#[must_use = "the API stops when its handle is dropped"]
#[derive(Debug)]
pub struct SampleApi {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl SampleApi {
    /// Binds `settings.host:settings.port` (0 for any free port) and serves the API.
    pub async fn start(settings: Settings) -> Result<Self, crate::Error> {
        use crate::Error;
        let mut client = reqwest::Client::builder()
            .timeout(settings.jwks_timeout)
            .connect_timeout(settings.jwks_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &settings.extra_ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| {
                Error::Client(format!("SSL_CERT_FILE holds no usable certificate: {e}"))
            })?;
            for cert in certs {
                client = client.add_root_certificate(cert);
            }
        }
        let client = client
            .build()
            .map_err(|e| Error::Client(format!("HTTP client: {e}")))?;
        let jwks = JwksCache::new(
            settings.jwks_uri.clone(),
            client,
            settings.jwks_cooldown,
            settings.jwks_max_ttl,
        );
        let bind_error = |source| Error::Bind {
            addr: format!("{}:{}", settings.host, settings.port),
            source,
        };
        let listener = tokio::net::TcpListener::bind((settings.host, settings.port))
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let base_url = settings
            .dpop_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let validator = Arc::new(Validator::new(&settings, jwks, &base_url));
        let (tx, rx) = oneshot::channel::<()>();
        let router = warp::service(crate::routes::routes(validator));
        let server = tokio::spawn(serve_guard::serve(
            listener,
            settings.limits,
            "sample-api",
            async {
                let _ = rx.await;
            },
            move |conn| {
                let router = router.clone();
                async move {
                    let service = hyper::service::service_fn(move |req| {
                        let mut router = router.clone();
                        async move { tower_service::Service::call(&mut router, req).await }
                    });
                    conn.server.serve(conn.stream, service).await;
                }
            },
        ));
        Ok(Self {
            addr,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the server to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for SampleApi {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
