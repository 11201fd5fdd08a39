//! Control operations, shared by the Rust handle and the `/_mock/` HTTP API so both do exactly
//! the same thing.

use crate::config::TenantConfig;
use crate::faults::JwksFault;
use crate::state::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which kids the tenant holds, as `GET /_mock/keys` and `POST /_mock/keys/rotate` report them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysSummary {
    /// The kid that signs tokens now.
    pub current: String,
    /// The kid that becomes current at the next rotation.
    pub next: String,
    /// The kid that was current before the last rotation, if any.
    pub previous: Option<String>,
    /// The kids in the JWKS, in order.
    pub published: Vec<String>,
}

/// Requests per path, as `GET /_mock/stats` reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Requests per path since start or the last reset; `/_mock/` paths are not counted.
    pub requests: BTreeMap<String, u64>,
}

impl Stats {
    /// Requests to `path` (0 when none).
    pub fn get(&self, path: &str) -> u64 {
        self.requests.get(path).copied().unwrap_or(0)
    }

    /// Requests to `/.well-known/jwks.json`: how often APIs fetched the keys.
    pub fn jwks_fetches(&self) -> u64 {
        self.get("/.well-known/jwks.json")
    }
}

impl State {
    pub(crate) fn config(&self) -> TenantConfig {
        self.read(|s| TenantConfig::clone(&s.config))
    }

    pub(crate) fn set_config(&self, mut config: TenantConfig) -> Result<(), String> {
        config
            .users
            .iter_mut()
            .for_each(crate::users::User::fill_defaults);
        config.check()?;
        self.update(|s| s.config = std::sync::Arc::new(config));
        Ok(())
    }

    /// Applies a JSON merge patch (RFC 7396) to the user with this id or email: the user as it
    /// is now, `None` if there is none, or why the patch does not hold.
    pub(crate) fn patch_user(
        &self,
        id: &str,
        patch: &serde_json::Value,
    ) -> Result<Option<crate::User>, String> {
        let mut config = self.config();
        let Some(user) = config.user(id).cloned() else {
            return Ok(None);
        };
        let patched: crate::User = patched(&user, patch, "user_id")?;
        let user_id = patched.user_id.clone();
        for u in config
            .users
            .iter_mut()
            .filter(|u| u.user_id == user.user_id)
        {
            *u = patched.clone();
        }
        self.set_config(config)?;
        Ok(self.config().user(&user_id).cloned())
    }

    /// Applies a JSON merge patch (RFC 7396) to the client `id`: the client as it is now,
    /// `None` if there is none, or why the patch does not hold.
    pub(crate) fn patch_client(
        &self,
        id: &str,
        patch: &serde_json::Value,
    ) -> Result<Option<crate::Client>, String> {
        let mut config = self.config();
        let Some(client) = config.client(id).cloned() else {
            return Ok(None);
        };
        let patched: crate::Client = patched(&client, patch, "client_id")?;
        for c in config.clients.iter_mut().filter(|c| c.client_id == id) {
            *c = patched.clone();
        }
        self.set_config(config)?;
        Ok(self.config().client(id).cloned())
    }

    /// Makes `action` the only Action of its trigger.
    pub(crate) fn set_action(&self, action: crate::actions::Action) -> Result<(), String> {
        let mut config = self.config();
        config.actions.retain(|a| a.trigger != action.trigger);
        config.actions.push(action);
        self.set_config(config)
    }

    /// Removes every Action of `trigger`; refused while a token exchange profile names one.
    pub(crate) fn remove_actions(&self, trigger: crate::actions::Trigger) -> Result<(), String> {
        let mut config = self.config();
        config.actions.retain(|a| a.trigger != trigger);
        self.set_config(config)
    }

    pub(crate) fn keys_summary(&self) -> KeysSummary {
        self.read(|s| KeysSummary {
            current: s.keys.current().kid.clone(),
            next: s.keys.next().kid.clone(),
            previous: s.keys.previous().map(|k| k.kid.clone()),
            published: s
                .keys
                .published()
                .iter()
                .filter_map(|k| k["kid"].as_str().map(str::to_owned))
                .collect(),
        })
    }

    pub(crate) fn rotate_keys(&self) -> KeysSummary {
        self.update(|s| s.keys.rotate());
        self.keys_summary()
    }

    pub(crate) fn remove_kid(&self, kid: &str) -> bool {
        self.update(|s| s.keys.remove(kid))
    }

    pub(crate) fn rebind_kid(&self, kid: &str) -> bool {
        self.update(|s| s.keys.rebind(kid))
    }

    pub(crate) fn jwks_fault(&self) -> Option<JwksFault> {
        self.read(|s| s.fault.clone())
    }

    pub(crate) fn set_jwks_fault(&self, fault: Option<JwksFault>) -> Result<(), String> {
        if let Some(f) = &fault {
            f.check()?;
        }
        self.update(|s| s.fault = fault);
        Ok(())
    }

    pub(crate) fn clock_offset(&self) -> i64 {
        self.read(|s| s.clock_offset)
    }

    pub(crate) fn set_clock_offset(&self, seconds: i64) {
        self.update(|s| s.clock_offset = seconds);
    }

    pub(crate) fn dpop_nonce(&self) -> Option<String> {
        self.read(|s| s.dpop_nonce.clone())
    }

    /// Demands a nonce in DPoP proofs (a fresh one if none was demanded), or stops.
    pub(crate) fn require_dpop_nonce(&self, required: bool) -> Option<String> {
        self.update(|s| {
            s.dpop_nonce = match (required, s.dpop_nonce.take()) {
                (false, _) => None,
                (true, Some(nonce)) => Some(nonce),
                (true, None) => Some(crate::seal::random_id(16)),
            };
            s.dpop_nonce.clone()
        })
    }

    /// A new nonce, demanded from now on: proofs with the old one get `use_dpop_nonce`.
    pub(crate) fn rotate_dpop_nonce(&self) -> String {
        let nonce = crate::seal::random_id(16);
        self.update(|s| s.dpop_nonce = Some(nonce.clone()));
        nonce
    }

    pub(crate) fn discovery_overrides(&self) -> serde_json::Map<String, serde_json::Value> {
        self.read(|s| s.discovery.clone())
    }

    pub(crate) fn set_discovery_overrides(
        &self,
        fields: serde_json::Map<String, serde_json::Value>,
    ) {
        self.update(|s| s.discovery = fields);
    }

    pub(crate) fn request_stats(&self) -> Stats {
        Stats {
            requests: self.stats(),
        }
    }
}

/// `row` with `patch` merged in (RFC 7396: `null` removes a field, objects merge, anything else
/// replaces), read back as its type; its `id_field` may not change.
fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    row: &T,
    patch: &serde_json::Value,
    id_field: &str,
) -> Result<T, String> {
    if !patch.is_object() {
        return Err("the body must be a JSON object (a merge patch)".into());
    }
    if patch.get(id_field).is_some() {
        return Err(format!("{id_field} cannot be changed"));
    }
    let mut value = serde_json::to_value(row).map_err(|e| e.to_string())?;
    merge(&mut value, patch);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// RFC 7396's MergePatch.
fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    let serde_json::Value::Object(fields) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(map) = target {
        for (name, value) in fields {
            if value.is_null() {
                map.remove(name);
            } else {
                merge(
                    map.entry(name.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396s_examples() {
        let cases = [
            (r#"{"a":"b"}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (r#"{"a":"b"}"#, r#"{"a":null}"#, r#"{}"#),
            (r#"{"a":"b","b":"c"}"#, r#"{"a":null}"#, r#"{"b":"c"}"#),
            (r#"{"a":["b"]}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (
                r#"{"a":{"b":"c"}}"#,
                r#"{"a":{"b":"d","c":null}}"#,
                r#"{"a":{"b":"d"}}"#,
            ),
            (r#"{"a":[{"b":"c"}]}"#, r#"{"a":[1]}"#, r#"{"a":[1]}"#),
            (r#"{"e":null}"#, r#"{"a":1}"#, r#"{"e":null,"a":1}"#),
            (r#"[1,2]"#, r#"{"a":"b","c":null}"#, r#"{"a":"b"}"#),
            (
                r#"{}"#,
                r#"{"a":{"bb":{"ccc":null}}}"#,
                r#"{"a":{"bb":{}}}"#,
            ),
        ];
        for (target, patch, want) in cases {
            let mut target: serde_json::Value = serde_json::from_str(target).unwrap();
            merge(&mut target, &serde_json::from_str(patch).unwrap());
            assert_eq!(
                target,
                serde_json::from_str::<serde_json::Value>(want).unwrap(),
                "{patch}"
            );
        }
    }
}
