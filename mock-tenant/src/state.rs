//! The tenant's shared, mutable state: configuration, keys, JWKS fault, clock offset and request
//! counters. Locks are never held across an `.await` or while signing.

use crate::Issuer;
use crate::config::TenantConfig;
use crate::faults::JwksFault;
use crate::keys::{KeySet, KeySource, SigningKey};
use crate::seal::Sealer;
use crate::store::Store;
use bytes::Bytes;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// Everything a running tenant serves from.
#[derive(Debug)]
pub(crate) struct State {
    /// `https://localhost:PORT/`, with the trailing slash.
    pub(crate) issuer: String,
    initial: (TenantConfig, KeySet),
    inner: RwLock<Inner>,
    stats: Mutex<BTreeMap<String, u64>>,
    /// Seals codes, refresh tokens, login transactions and sessions.
    pub(crate) sealer: Sealer,
    /// Encrypts and reads the opaque `/userinfo` access tokens.
    pub(crate) dir_key: crate::jwe::DirKey,
    /// What several processes of this tenant share.
    pub(crate) store: Store,
    /// The version of the shared control state this process has loaded or published.
    pub(crate) shared_version: Mutex<String>,
    /// The CA certificate (PEM) clients must trust, served at `GET /_mock/ca.pem`; unset over
    /// plain HTTP.
    pub(crate) ca_pem: std::sync::OnceLock<String>,
    /// A clock that stands still at this instant (UNIX seconds), for reproducible tokens
    /// (`mock-tenant vectors`); the wall clock when unset.
    frozen_at: Option<i64>,
    /// The counts of the rate limits' current windows.
    pub(crate) rate_windows: crate::rate_limits::Windows,
}

/// The part that control operations change.
#[derive(Debug, Clone)]
pub(crate) struct Inner {
    /// Shared so a token request reads it without copying.
    pub(crate) config: Arc<TenantConfig>,
    pub(crate) keys: KeySet,
    /// The JWKS body for the published keys, rendered once per change.
    pub(crate) jwks: Bytes,
    pub(crate) fault: Option<JwksFault>,
    /// Seconds added to the wall clock for every minted `iat`/`exp`.
    pub(crate) clock_offset: i64,
    /// The nonce DPoP proofs must carry, when the tenant demands one.
    pub(crate) dpop_nonce: Option<String>,
    /// Fields that replace (or, when `null`, remove) fields of the discovery document.
    pub(crate) discovery: serde_json::Map<String, serde_json::Value>,
}

impl Inner {
    fn new(config: TenantConfig, keys: KeySet) -> Self {
        let mut inner = Self {
            config: Arc::new(config),
            keys,
            jwks: Bytes::new(),
            fault: None,
            clock_offset: 0,
            dpop_nonce: None,
            discovery: serde_json::Map::new(),
        };
        inner.render_jwks();
        inner
    }

    pub(crate) fn render_jwks(&mut self) {
        self.jwks = json!({ "keys": self.keys.published() }).to_string().into();
    }
}

impl State {
    pub(crate) fn new(issuer: String, config: TenantConfig, keys: KeySource, store: Store) -> Self {
        // The CN of the `x5c` certificates: `localhost` from `https://localhost:8443/`.
        let keys = KeySet::new(keys, Issuer::new(issuer.as_str()).host());
        let sealer = Sealer::new(&issuer, &keys.current().kid);
        let dir_key = crate::jwe::DirKey::new(&issuer, &keys.current().kid);
        Self {
            issuer,
            initial: (config.clone(), keys.clone()),
            inner: RwLock::new(Inner::new(config, keys)),
            stats: Mutex::new(BTreeMap::new()),
            sealer,
            dir_key,
            store,
            shared_version: Mutex::new(String::new()),
            ca_pem: std::sync::OnceLock::new(),
            frozen_at: None,
            rate_windows: crate::rate_limits::Windows::default(),
        }
    }

    /// The same state with its clock standing still at `now` (UNIX seconds).
    pub(crate) fn frozen_at(mut self, now: i64) -> Self {
        self.frozen_at = Some(now);
        self
    }

    /// Reads the state under the lock; `f` must not block.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        f(&self.inner.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Changes the state; the JWKS body is re-rendered afterwards.
    pub(crate) fn update<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let out = f(&mut inner);
        inner.render_jwks();
        out
    }

    /// The key that signs tokens now.
    pub(crate) fn signing_key(&self) -> Arc<SigningKey> {
        self.read(|s| s.keys.current().clone())
    }

    /// The issuer a request with this `Host` header talks to: a custom domain's
    /// (`https://DOMAIN:PORT/`) when the host is one of them on the tenant's port, else the
    /// tenant's own.
    pub(crate) fn issuer_for(&self, host: Option<&str>) -> String {
        let Some(host) = host.map(str::to_ascii_lowercase) else {
            return self.issuer.clone();
        };
        self.read(|s| s.config.custom_issuers(&self.issuer))
            .into_iter()
            .find(|issuer| Issuer::new(issuer.as_str()).domain() == host)
            .unwrap_or_else(|| self.issuer.clone())
    }

    /// The tenant's issuers: its own, then one per custom domain.
    pub(crate) fn issuers(&self) -> Vec<String> {
        std::iter::once(self.issuer.clone())
            .chain(self.read(|s| s.config.custom_issuers(&self.issuer)))
            .collect()
    }

    /// Unix time as the tenant sees it: the wall clock plus the configured offset.
    pub(crate) fn now(&self) -> i64 {
        self.frozen_at
            .unwrap_or_else(wall_clock)
            .saturating_add(self.read(|s| s.clock_offset))
    }

    /// Back to the configuration and keys the tenant started with; no fault, no offset, no counts.
    pub(crate) fn reset(&self) {
        let (config, keys) = self.initial.clone();
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Inner::new(config, keys);
        self.clear_stats();
        self.rate_windows.clear();
        self.store.clear_local();
    }

    /// Counts one request to `path`. Past [`MAX_COUNTED_PATHS`] distinct paths, or for a path
    /// longer than [`MAX_COUNTED_PATH_LEN`], the request counts under [`OTHER_PATHS`]: junk paths
    /// cannot grow the table (or `/_mock/stats`) without bound.
    pub(crate) fn count(&self, path: &str) {
        let mut stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = stats.get_mut(path) {
            *n += 1;
            return;
        }
        let key = if path.len() > MAX_COUNTED_PATH_LEN || stats.len() >= MAX_COUNTED_PATHS {
            OTHER_PATHS
        } else {
            path
        };
        *stats.entry(key.to_owned()).or_insert(0) += 1;
    }

    /// Requests per path since start or the last reset.
    pub(crate) fn stats(&self) -> BTreeMap<String, u64> {
        self.stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn clear_stats(&self) {
        self.stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Distinct paths counted one by one; the rest count under [`OTHER_PATHS`].
pub const MAX_COUNTED_PATHS: usize = 256;
/// Longest path counted under its own name.
pub const MAX_COUNTED_PATH_LEN: usize = 256;
/// The key of `/_mock/stats` that counts every other path.
pub const OTHER_PATHS: &str = "(other paths)";

/// Unix time by the wall clock.
fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The latest instant the tenant's clock may show: 9999-12-31T23:59:59Z, the last second every
/// date library can write, with a day's token lifetime still a NumericDate.
const LATEST: i64 = 253_402_300_799;

/// Refuses a clock offset that puts the tenant's clock before 1970 or after year 9999: its
/// tokens' `iat` and `exp` would leave the range of a NumericDate (or overflow).
pub(crate) fn check_clock_offset(offset: i64) -> Result<(), String> {
    match wall_clock().checked_add(offset) {
        Some(now) if (0..=LATEST).contains(&now) => Ok(()),
        _ => Err(format!(
            "offset_secs {offset} puts the tenant's clock outside 1970-01-01..9999-12-31: its \
             tokens' iat and exp would not be NumericDates"
        )),
    }
}
