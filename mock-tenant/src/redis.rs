//! The shared store's Redis connection: the `redis` crate's `ConnectionManager`, which reads
//! `redis://` and `rediss://` URLs (with `user:password@` and a db) and reconnects by itself
//! after Redis went away. A command that failed is never sent again: a `SET NX` that timed out
//! may have been applied, and sending it twice would turn a code that was just redeemed into
//! "already used". The caller answers 503 `temporarily_unavailable` instead.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// How long one command may wait for its answer.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Reconnection attempts after a lost connection before a command fails: few and quick, so that
/// while Redis is away requests fail fast (503) and the next one tries again.
const RECONNECT_RETRIES: usize = 2;

/// A connection to one Redis server, shared by every request of the process.
pub(crate) struct Redis {
    /// `host:port` (never the credentials), for error messages.
    addr: String,
    conn: ConnectionManager,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis").field("addr", &self.addr).finish()
    }
}

impl Redis {
    /// Reads the URL; the connection opens on the first command ([`ping`](Self::ping) at start).
    pub(crate) fn new(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| {
            format!(
                "Redis URL {}: {e} (expected redis://[user:password@]host[:port][/db] or rediss://…)",
                redact(url)
            )
        })?;
        let addr = client.get_connection_info().addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_number_of_retries(RECONNECT_RETRIES)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("Redis {addr}: {e}"))?;
        Ok(Self { addr, conn })
    }

    /// Checks the server answers (at start, so a wrong URL or password fails loudly).
    pub(crate) async fn ping(&self) -> Result<(), String> {
        self.query::<String>(&redis::cmd("PING")).await.map(|_| ())
    }

    /// `SET key value NX PX ttl`: true when this call set it.
    pub(crate) async fn set_nx(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, String> {
        let reply: Option<String> = self
            .query(
                redis::cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl)),
            )
            .await?;
        Ok(reply.is_some())
    }

    /// `SET key value [PX ttl]`.
    pub(crate) async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), String> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(key).arg(value);
        if let Some(ttl) = ttl {
            cmd.arg("PX").arg(millis(ttl));
        }
        self.query::<()>(&cmd).await
    }

    /// `GET key`.
    pub(crate) async fn get(&self, key: &str) -> Result<Option<String>, String> {
        self.query(redis::cmd("GET").arg(key)).await
    }

    /// Deletes every key that starts with `prefix` (SCAN, then DEL in batches).
    pub(crate) async fn delete_prefix(&self, prefix: &str) -> Result<(), String> {
        let pattern = format!("{prefix}*");
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = self
                .query(
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(500),
                )
                .await?;
            if !keys.is_empty() {
                self.query::<()>(redis::cmd("DEL").arg(&keys)).await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, String> {
        // A clone shares the one multiplexed connection and its reconnection.
        let mut conn = self.conn.clone();
        cmd.query_async(&mut conn)
            .await
            .map_err(|e| format!("Redis {}: {e}", self.addr))
    }
}

/// A TTL in whole milliseconds, at least one (`PX 0` is an error).
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The URL with its password replaced, for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Redis, redact};

    #[tokio::test]
    async fn urls_default_the_port_and_take_credentials_and_tls() {
        assert_eq!(
            Redis::new("redis://127.0.0.1/2").unwrap().addr,
            "127.0.0.1:6379"
        );
        assert_eq!(
            Redis::new("redis://user:secret@127.0.0.1:6380")
                .unwrap()
                .addr,
            "127.0.0.1:6380"
        );
        assert!(Redis::new("rediss://cache.example:6380/0").is_ok());
        let err = Redis::new("http://user:secret@x").unwrap_err();
        assert!(err.contains("redis://"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        let shown = format!("{:?}", Redis::new("redis://user:secret@127.0.0.1").unwrap());
        assert!(!shown.contains("secret"), "{shown}");
        assert_eq!(redact("redis://u:p@h:1/0"), "redis://u:***@h:1/0");
    }
}
