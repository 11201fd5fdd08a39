//! Control changes shared between processes of one tenant: with a Redis store, a change made
//! through `/_mock/` on one process (config, keys, JWKS fault, clock) is published as a
//! snapshot, and every process loads the newest snapshot before it answers a request.

use crate::config::TenantConfig;
use crate::faults::JwksFault;
use crate::keys::KeySetSnapshot;
use crate::seal::random_id;
use crate::state::State;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::sync::PoisonError;

const VERSION: &str = "control:version";
const SNAPSHOT: &str = "control:state";

/// The control state as data: what `GET /_mock/state` returns and `PUT /_mock/state` puts back.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Snapshot {
    config: TenantConfig,
    keys: KeySetSnapshot,
    fault: Option<JwksFault>,
    clock_offset: i64,
    #[serde(default)]
    discovery: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    dpop_nonce: Option<String>,
}

impl State {
    /// Loads the newest published control state, if another process changed it. One Redis
    /// round trip per request; nothing at all with the memory store.
    pub(crate) async fn sync(&self) -> Result<(), String> {
        if !matches!(self.store, Store::Redis(_)) {
            return Ok(());
        }
        let Some(version) = self.store.get(VERSION).await? else {
            return Ok(());
        };
        if *self
            .shared_version
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            == version
        {
            return Ok(());
        }
        let Some(text) = self.store.get(SNAPSHOT).await? else {
            return Ok(());
        };
        let snap: Snapshot =
            serde_json::from_str(&text).map_err(|e| format!("bad shared control state: {e}"))?;
        self.restore_control(snap)?;
        *self
            .shared_version
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = version;
        Ok(())
    }

    /// The control state: config, keys (private parts included), JWKS fault, clock offset,
    /// discovery overrides and the DPoP nonce.
    pub(crate) fn control_state(&self) -> Snapshot {
        self.read(|s| Snapshot {
            config: TenantConfig::clone(&s.config),
            keys: s.keys.snapshot(),
            fault: s.fault.clone(),
            clock_offset: s.clock_offset,
            discovery: s.discovery.clone(),
            dpop_nonce: s.dpop_nonce.clone(),
        })
    }

    /// Puts a control state back, as [`control_state`](Self::control_state) returned it.
    pub(crate) fn restore_control(&self, snap: Snapshot) -> Result<(), String> {
        snap.config.check()?;
        crate::state::check_clock_offset(snap.clock_offset)?;
        let keys = self.read(|s| s.keys.restore(&snap.keys))?;
        self.update(|s| {
            s.config = std::sync::Arc::new(snap.config);
            s.keys = keys;
            s.fault = snap.fault;
            s.clock_offset = snap.clock_offset;
            s.discovery = snap.discovery;
            s.dpop_nonce = snap.dpop_nonce;
        });
        Ok(())
    }

    /// Publishes this process's control state for the others (after a `/_mock/` change).
    pub(crate) async fn publish(&self) -> Result<(), String> {
        if !matches!(self.store, Store::Redis(_)) {
            return Ok(());
        }
        let snap = self.control_state();
        let text = serde_json::to_string(&snap).map_err(|e| e.to_string())?;
        let version = random_id(12);
        self.store.put(SNAPSHOT, &text, None).await?;
        self.store.put(VERSION, &version, None).await?;
        *self
            .shared_version
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = version;
        Ok(())
    }
}
