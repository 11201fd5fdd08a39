//! The little state that processes of one tenant must share: used authorization codes, used
//! and revoked refresh tokens, ended sessions, custom users' profiles and the control state. In
//! memory by default; in Redis when the tenant is given a Redis URL, so several processes behind
//! a load balancer act as one tenant.

use crate::redis::Redis;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Where shared state lives.
#[derive(Debug)]
pub(crate) enum Store {
    /// This process only.
    Memory(Mutex<HashMap<String, (String, Option<Instant>)>>),
    /// A Redis server, shared by every process given its URL.
    Redis(Redis),
}

impl Store {
    pub(crate) fn memory() -> Self {
        Self::Memory(Mutex::new(HashMap::new()))
    }

    /// Sets `key` if it is not set; true when this call set it. The atomic step of replay
    /// protection: of two processes redeeming one code, exactly one gets true.
    pub(crate) async fn insert_once(&self, key: &str, ttl: Duration) -> Result<bool, String> {
        match self {
            Self::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                map.retain(|_, (_, expires)| expires.is_none_or(|e| e > now));
                if map.contains_key(key) {
                    return Ok(false);
                }
                map.insert(key.to_owned(), ("1".to_owned(), Some(now + ttl)));
                Ok(true)
            }
            Self::Redis(redis) => {
                let ms = ttl.as_millis().max(1).to_string();
                let reply = redis
                    .command(&["SET", &prefixed(key), "1", "NX", "PX", &ms])
                    .await?;
                Ok(reply.is_some())
            }
        }
    }

    /// Sets `key` to `value`, forever when `ttl` is `None`.
    pub(crate) async fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), String> {
        match self {
            Self::Memory(map) => {
                let expires = ttl.map(|t| Instant::now() + t);
                map.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.to_owned(), (value.to_owned(), expires));
                Ok(())
            }
            Self::Redis(redis) => {
                let key = prefixed(key);
                match ttl {
                    Some(t) => {
                        let ms = t.as_millis().max(1).to_string();
                        redis.command(&["SET", &key, value, "PX", &ms]).await?
                    }
                    None => redis.command(&["SET", &key, value]).await?,
                };
                Ok(())
            }
        }
    }

    /// The value of `key`, if set and not expired.
    pub(crate) async fn get(&self, key: &str) -> Result<Option<String>, String> {
        match self {
            Self::Memory(map) => {
                let map = map.lock().unwrap_or_else(PoisonError::into_inner);
                Ok(map
                    .get(key)
                    .filter(|(_, e)| e.is_none_or(|e| e > Instant::now()))
                    .map(|(v, _)| v.clone()))
            }
            Self::Redis(redis) => redis.command(&["GET", &prefixed(key)]).await,
        }
    }

    /// Forgets what this process holds; a Redis store is left alone (see [`clear`](Self::clear)).
    pub(crate) fn clear_local(&self) {
        if let Self::Memory(map) = self {
            map.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// Forgets everything (the control API's reset).
    pub(crate) async fn clear(&self) -> Result<(), String> {
        match self {
            Self::Memory(map) => {
                map.lock().unwrap_or_else(PoisonError::into_inner).clear();
                Ok(())
            }
            Self::Redis(redis) => redis.delete_prefix(PREFIX).await,
        }
    }
}

/// Every key the tenant writes to Redis starts with this.
const PREFIX: &str = "mock-tenant:";

fn prefixed(key: &str) -> String {
    format!("{PREFIX}{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn insert_once_is_true_once_until_it_expires() {
        let store = Store::memory();
        let ttl = Duration::from_millis(50);
        assert_eq!(store.insert_once("code:a", ttl).await, Ok(true));
        assert_eq!(store.insert_once("code:a", ttl).await, Ok(false));
        assert_eq!(store.insert_once("code:b", ttl).await, Ok(true));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(store.insert_once("code:a", ttl).await, Ok(true));
        store.put("k", "v", None).await.unwrap();
        assert_eq!(store.get("k").await, Ok(Some("v".into())));
        store.clear().await.unwrap();
        assert_eq!(store.get("k").await, Ok(None));
    }
}
