//! [`MockTenant`], the running tenant, and [`MockTenantBuilder`], which starts one.

use crate::config::TenantConfig;
use crate::control::{KeysSummary, Stats};
use crate::faults::JwksFault;
use crate::forge::{AttackerHost, TokenBuilder};
use crate::keys::KeySource;
use crate::redis::Redis;
use crate::state::State;
use crate::store::Store;
use crate::tls::CertificateAuthority;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::oneshot;

/// A running mock Auth0 tenant. **It mints valid tokens for anyone who asks: test use only.**
///
/// Serves HTTPS on `https://localhost:PORT` with a certificate from its own CA (see
/// [`ca_path`](Self::ca_path)). Stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let tenant = mock_tenant::MockTenant::start().await;
/// assert!(tenant.issuer().starts_with("https://localhost:"));
/// assert!(tenant.issuer().ends_with('/'));
/// let summary = tenant.rotate_keys();
/// assert_eq!(summary.published.len(), 3);
/// # }
/// ```
#[must_use = "the tenant stops when its handle is dropped"]
#[derive(Debug)]
pub struct MockTenant {
    state: Arc<State>,
    addr: SocketAddr,
    ca: Option<CertificateAuthority>,
    ca_path: Option<PathBuf>,
    remove_ca_file: bool,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// Options for [`MockTenant`]; start with [`MockTenant::builder`].
#[derive(Debug, Clone, Default)]
pub struct MockTenantBuilder {
    bind: Option<IpAddr>,
    port: u16,
    http: bool,
    issuer: Option<String>,
    tenant: Option<TenantConfig>,
    keys: KeySource,
    ca: Option<CertificateAuthority>,
    ca_out: Option<PathBuf>,
    redis: Option<String>,
    custom_domains: Vec<String>,
    limits: serve_guard::Limits,
    control_token: Option<String>,
}

impl MockTenantBuilder {
    /// The port to listen on; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to bind; 127.0.0.1 by default. Anything but loopback prints a loud warning.
    pub fn bind(mut self, addr: IpAddr) -> Self {
        self.bind = Some(addr);
        self
    }

    /// Serve plain HTTP instead of HTTPS (the Auth0 SDKs and quickstarts refuse it).
    pub fn http(mut self) -> Self {
        self.http = true;
        self
    }

    /// Require this token in the `X-Mock-Control-Token` header of every `/_mock/` request
    /// (but `GET /_mock/ca.pem`): the control API mints tokens and replaces keys, so a tenant
    /// reachable from other machines needs it.
    /// [`ControlClient::with_control_token`](crate::ControlClient::with_control_token) sends it.
    pub fn control_token(mut self, token: impl Into<String>) -> Self {
        self.control_token = Some(token.into());
        self
    }

    /// What a connection may cost the tenant: header-read and idle timeouts, the connection
    /// cap, the drain on stop ([`Limits::default`](crate::Limits) by default).
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Use this issuer instead of `https://localhost:PORT/` (for a custom domain). It is used
    /// exactly as given: Auth0 issuers end with `/`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Also answer as the issuer `https://DOMAIN:PORT/` to requests whose `Host` is `domain`
    /// (an Auth0 custom domain; with several, Multiple Custom Domains): its own discovery
    /// document and tokens, the same keys. `127.0.0.1` works without DNS;
    /// the TLS certificate names every custom domain.
    pub fn custom_domain(mut self, domain: impl Into<String>) -> Self {
        self.custom_domains.push(domain.into());
        self
    }

    /// Serve this tenant instead of the quickstart tenant from `fixtures/`.
    pub fn tenant(mut self, tenant: TenantConfig) -> Self {
        self.tenant = Some(tenant);
        self
    }

    /// Sign with a fresh random key set instead of the TEST-ONLY fixture keys.
    pub fn random_keys(mut self) -> Self {
        self.keys = KeySource::Random;
        self
    }

    /// Use this CA instead of generating one.
    pub fn ca(mut self, ca: CertificateAuthority) -> Self {
        self.ca = Some(ca);
        self
    }

    /// Write the CA certificate here (kept after the tenant stops) instead of a temporary file
    /// that is removed when it stops.
    pub fn ca_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_out = Some(path.into());
        self
    }

    /// Share used codes, refresh-token state, ended sessions and control changes through the
    /// Redis server at `url` (`redis://[user:password@]host[:port][/db]`, or `rediss://` for
    /// TLS with the system's roots), so several tenant processes behind a
    /// load balancer act as one tenant. They must share the issuer (see
    /// [`issuer`](Self::issuer)) and the keys.
    pub fn redis(mut self, url: impl Into<String>) -> Self {
        self.redis = Some(url.into());
        self
    }

    /// Starts the tenant. Panics with the reason if it cannot (for tests; see
    /// [`try_start`](Self::try_start)).
    pub async fn start(self) -> MockTenant {
        match self.try_start().await {
            Ok(tenant) => tenant,
            Err(e) => panic!("mock tenant failed to start: {e}"),
        }
    }

    /// Starts the tenant: binds first, so its URL works the moment this returns. The error is
    /// typed ([`crate::Error`]), so `?` goes into any error type:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tenant = mock_tenant::MockTenant::builder().try_start().await?;
    /// let token = tenant.token().try_defect("alg-none")?.sign();
    /// # assert!(token.ends_with('.'));
    /// # Ok(()) }
    /// ```
    pub async fn try_start(self) -> Result<MockTenant, crate::Error> {
        let ip = self.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let bind_error = |source| crate::Error::Bind {
            addr: format!("{ip}:{}", self.port),
            source,
        };
        let listener = tokio::net::TcpListener::bind((ip, self.port))
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        if !ip.is_loopback() {
            eprintln!("{}", crate::env::exposed_warning(addr));
        }
        let scheme = if self.http { "http" } else { "https" };
        let issuer = self
            .issuer
            .unwrap_or_else(|| format!("{scheme}://localhost:{}/", addr.port()));
        let mut tenant = self.tenant.unwrap_or_else(TenantConfig::quickstart);
        for domain in self.custom_domains {
            if !tenant.custom_domains.contains(&domain) {
                tenant.custom_domains.push(domain);
            }
        }
        for domain in &tenant.custom_domains {
            if domain.is_empty() || domain.contains(['/', ':', '?', '#', '@', ' ']) {
                return Err(crate::Error::Config(format!(
                    "custom domain {domain:?}: a host name or IPv4 address only (no scheme, port or path)"
                )));
            }
        }
        let custom_domains = tenant.custom_domains.clone();
        let store = match &self.redis {
            None => Store::memory(),
            Some(url) => {
                let redis = Redis::new(url).map_err(crate::Error::Config)?;
                redis.ping().await.map_err(crate::Error::Store)?;
                Store::Redis(redis)
            }
        };
        let state = Arc::new(State::new(issuer, tenant, self.keys, store));

        let (tls, ca, ca_path, remove_ca_file) = if self.http {
            (None, None, None, false)
        } else {
            let ca = self.ca.unwrap_or_else(CertificateAuthority::generate);
            let mut hosts = vec![crate::Issuer::new(state.issuer.as_str()).host().to_owned()];
            hosts.extend(custom_domains.iter().cloned());
            let config = ca.server_config(&hosts).map_err(crate::Error::Tls)?;
            let (path, remove) = match self.ca_out {
                Some(path) => (path, false),
                None => (
                    std::env::temp_dir().join(format!(
                        "mock-tenant-{}-{}-ca.pem",
                        std::process::id(),
                        addr.port()
                    )),
                    true,
                ),
            };
            crate::files::write_atomic(&path, ca.cert_pem())
                .map_err(|e| crate::Error::Tls(format!("the CA: {e}")))?;
            let _ = state.ca_pem.set(ca.cert_pem().to_owned());
            (Some(Arc::new(config)), Some(ca), Some(path), remove)
        };

        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(crate::server::serve(
            listener,
            tls,
            state.clone(),
            self.limits,
            self.control_token.map(Arc::from),
            async {
                let _ = rx.await;
            },
        ));
        Ok(MockTenant {
            state,
            addr,
            ca,
            ca_path,
            remove_ca_file,
            shutdown: Some(tx),
            server: Some(server),
        })
    }
}

impl MockTenant {
    /// Starts the quickstart tenant over HTTPS on a random port, with the fixture keys.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Options: port, bind address, plain HTTP, issuer, tenant data, keys, CA.
    pub fn builder() -> MockTenantBuilder {
        MockTenantBuilder::default()
    }

    /// The issuer, `https://localhost:PORT/`, with Auth0's trailing slash.
    pub fn issuer(&self) -> &str {
        &self.state.issuer
    }

    /// Every issuer the tenant answers as: its own, then one per custom domain
    /// ([`MockTenantBuilder::custom_domain`]).
    pub fn issuers(&self) -> Vec<String> {
        self.state.issuers()
    }

    /// The base URL without a trailing slash, `https://localhost:PORT`, for building paths.
    pub fn url(&self) -> String {
        let scheme = if self.ca.is_some() { "https" } else { "http" };
        format!("{scheme}://localhost:{}", self.addr.port())
    }

    /// What a user exports as `AUTH0_DOMAIN`: the issuer's host and port, `localhost:PORT` unless
    /// an issuer was given (`https://tenant:8443/` gives `tenant:8443`), so an API that builds
    /// `https://{AUTH0_DOMAIN}/` gets the issuer back.
    pub fn domain(&self) -> String {
        crate::Issuer::new(self.issuer()).domain().to_owned()
    }

    /// The socket address the tenant listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The JWKS URL, as discovery announces it.
    pub fn jwks_uri(&self) -> String {
        format!("{}.well-known/jwks.json", self.issuer())
    }

    /// The CA certificate (PEM) that signs the TLS certificate; `None` over plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca.as_ref().map(CertificateAuthority::cert_pem)
    }

    /// The file holding [`ca_pem`](Self::ca_pem), for `SSL_CERT_FILE` or `NODE_EXTRA_CA_CERTS`.
    pub fn ca_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }

    /// The environment a user exports for their API and tests, in order.
    pub fn env(&self) -> Vec<(String, String)> {
        let (issuers, config) = (self.issuers(), self.config());
        crate::env::vars(&crate::env::Exposed {
            issuers: &issuers,
            jwks_uri: self.jwks_uri(),
            config: &config,
            ca_path: self.ca_path(),
        })
    }

    /// A token for this tenant, valid until a method changes one thing (see [`TokenBuilder`]).
    pub fn token(&self) -> TokenBuilder {
        TokenBuilder::new(self.state.clone())
    }

    /// A valid DPoP proof of `key` for this tenant's token endpoint (`POST`, `ISSUER/oauth/token`);
    /// `.htm(..)`, `.htu(..)` and `.ath(..)` aim it at another request.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let tenant = mock_tenant::MockTenant::start().await;
    /// let key = mock_tenant::forge::DpopKey::fixture();
    /// let proof = tenant.dpop_proof(&key).sign();
    /// let bound = tenant.token().dpop_bound(&key).sign();
    /// # assert!(!proof.is_empty() && !bound.is_empty());
    /// # }
    /// ```
    pub fn dpop_proof(&self, key: &crate::forge::DpopKey) -> crate::forge::DpopProof {
        crate::forge::DpopProof::new(key, "POST", &format!("{}oauth/token", self.issuer()))
    }

    /// Starts an attacker's host for `jku`/`x5u` defects, with a certificate from this tenant's
    /// CA (plain HTTP for a plain-HTTP tenant).
    pub async fn attacker_host(&self) -> AttackerHost {
        AttackerHost::start(self.ca.as_ref()).await
    }

    /// The tenant's APIs, clients and grants, secrets included.
    pub fn config(&self) -> TenantConfig {
        self.state.config()
    }

    /// Replaces the tenant's APIs, clients and grants. Panics if they are inconsistent.
    pub fn set_config(&self, config: TenantConfig) {
        if let Err(e) = self.state.set_config(config) {
            panic!("invalid tenant config: {e}");
        }
        self.publish();
    }

    /// Makes `code` the only Action of `trigger`, as `PUT /_mock/actions/{trigger}` does.
    pub fn set_action(&self, trigger: crate::Trigger, code: &str) {
        if let Err(e) = self
            .state
            .set_action(crate::Action::new(trigger, code.to_owned()))
        {
            panic!("invalid Action: {e}");
        }
        self.publish();
    }

    /// Removes the Actions of `trigger`, as `DELETE /_mock/actions/{trigger}` does. Panics if a
    /// token exchange profile names one of them.
    pub fn delete_actions(&self, trigger: crate::Trigger) {
        if let Err(e) = self.state.remove_actions(trigger) {
            panic!("cannot remove the {trigger} Actions: {e}");
        }
        self.publish();
    }

    /// Which kids are current, next, previous and published.
    pub fn keys(&self) -> KeysSummary {
        self.state.keys_summary()
    }

    /// Rotates the signing keys: next becomes current, current stays published as previous,
    /// and a new next appears.
    pub fn rotate_keys(&self) -> KeysSummary {
        let summary = self.state.rotate_keys();
        self.publish();
        summary
    }

    /// Stops publishing `kid` in the JWKS. Panics if no key has it.
    pub fn remove_kid(&self, kid: &str) {
        assert!(self.state.remove_kid(kid), "no key has kid {kid:?}");
        self.publish();
    }

    /// Binds `kid` to a new random key, so tokens signed before no longer verify. Panics if no
    /// key has it.
    pub fn rebind_kid(&self, kid: &str) {
        assert!(self.state.rebind_kid(kid), "no key has kid {kid:?}");
        self.publish();
    }

    /// Makes the JWKS endpoint misbehave until [`clear_jwks_fault`](Self::clear_jwks_fault).
    /// Panics on an invalid fault (a status outside 400..=599, a delay over 10 minutes).
    pub fn set_jwks_fault(&self, fault: JwksFault) {
        if let Err(e) = self.state.set_jwks_fault(Some(fault)) {
            panic!("invalid JWKS fault: {e}");
        }
        self.publish();
    }

    /// The JWKS endpoint answers normally again.
    pub fn clear_jwks_fault(&self) {
        let _ = self.state.set_jwks_fault(None);
        self.publish();
    }

    /// Replaces fields of the discovery document (a `null` value removes the field), to test
    /// what an API does with a poisoned one: another `issuer`, a `jwks_uri` on a foreign host.
    pub fn set_discovery_overrides(&self, fields: serde_json::Map<String, serde_json::Value>) {
        self.state.set_discovery_overrides(fields);
        self.publish();
    }

    /// Serves the real discovery document again.
    pub fn clear_discovery_overrides(&self) {
        self.state.set_discovery_overrides(serde_json::Map::new());
        self.publish();
    }

    /// Requests per path since start or the last reset.
    pub fn stats(&self) -> Stats {
        self.state.request_stats()
    }

    /// Zeroes the request counters.
    pub fn clear_stats(&self) {
        self.state.clear_stats();
    }

    /// Shifts the tenant's clock (the `iat` and `exp` it mints) by `seconds`, negative for past.
    /// Panics when that puts the clock before 1970 or after year 9999 (`POST /_mock/clock`
    /// answers 400 instead).
    pub fn set_clock_offset(&self, seconds: i64) {
        if let Err(e) = crate::state::check_clock_offset(seconds) {
            panic!("{e}");
        }
        self.state.set_clock_offset(seconds);
        self.publish();
    }

    /// The nonce DPoP proofs must carry, or `None` when the tenant demands none (the default).
    pub fn dpop_nonce(&self) -> Option<String> {
        self.state.dpop_nonce()
    }

    /// Demands a nonce in DPoP proofs (a fresh one if none was demanded), or stops; the nonce
    /// now demanded. A proof without it gets `use_dpop_nonce` and the nonce in `DPoP-Nonce`.
    pub fn require_dpop_nonce(&self, required: bool) -> Option<String> {
        let nonce = self.state.require_dpop_nonce(required);
        self.publish();
        nonce
    }

    /// A new nonce, demanded from now on: proofs with the old one get `use_dpop_nonce`.
    pub fn rotate_dpop_nonce(&self) -> String {
        let nonce = self.state.rotate_dpop_nonce();
        self.publish();
        nonce
    }

    /// Back to how the tenant started: config, keys, no fault, no clock offset, no counts, no
    /// DPoP nonce.
    pub fn reset(&self) {
        self.state.reset();
        self.publish();
    }

    /// With a Redis store, publishes a change made through this handle to the other processes,
    /// in the background (the HTTP control API publishes before it answers).
    fn publish(&self) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let state = self.state.clone();
            runtime.spawn(async move {
                if let Err(e) = state.publish().await {
                    eprintln!("mock-tenant: could not share a control change: {e}");
                }
            });
        }
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for MockTenant {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let (true, Some(path)) = (self.remove_ca_file, &self.ca_path) {
            let _ = std::fs::remove_file(path);
        }
    }
}
