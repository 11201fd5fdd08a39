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
            Self::Redis(redis) => redis.set_nx(&prefixed(key), "1", ttl).await,
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
            Self::Redis(redis) => redis.set(&prefixed(key), value, ttl).await,
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
            Self::Redis(redis) => redis.get(&prefixed(key)).await,
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

    /// A fake Redis that applies every `SET … NX` at once but answers the first one for a key
    /// only after `stall`: the reply is lost to a timeout although the write happened.
    async fn stalling_redis(stall: Duration) -> String {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}", listener.local_addr().unwrap());
        let set = std::sync::Arc::new(Mutex::new(std::collections::HashSet::<String>::new()));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let set = set.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut read = BufReader::new(read);
                    loop {
                        // One RESP array of bulk strings per command.
                        let mut line = String::new();
                        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let n: usize = line.trim()[1..].parse().unwrap();
                        let mut args = Vec::new();
                        for _ in 0..n {
                            line.clear();
                            read.read_line(&mut line).await.unwrap();
                            let len: usize = line.trim()[1..].parse().unwrap();
                            let mut buf = vec![0; len + 2];
                            read.read_exact(&mut buf).await.unwrap();
                            args.push(String::from_utf8_lossy(&buf[..len]).into_owned());
                        }
                        let reply: &[u8] = match args[0].to_ascii_uppercase().as_str() {
                            "SET" if args.iter().any(|a| a.eq_ignore_ascii_case("nx")) => {
                                let fresh = set.lock().unwrap().insert(args[1].clone());
                                if fresh {
                                    tokio::time::sleep(stall).await;
                                    b"+OK\r\n"
                                } else {
                                    b"$-1\r\n"
                                }
                            }
                            "PING" => b"+PONG\r\n",
                            "GET" => b"$-1\r\n",
                            _ => b"+OK\r\n",
                        };
                        if write.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        url
    }

    #[tokio::test]
    async fn a_set_nx_whose_reply_timed_out_is_an_error_never_a_second_try() {
        // Past the 3 s response timeout, and short enough for the next command to be answered.
        let url = stalling_redis(Duration::from_secs(4)).await;
        let store = Store::Redis(Redis::new(&url).unwrap());
        store.get("warm-up").await.unwrap();
        // Sent again, the SET NX would find its own first write and say "already used".
        let first = store.insert_once("code:a", Duration::from_secs(60)).await;
        assert!(first.is_err(), "{first:?}");
        // The connection survives the timeout: the next command is answered once the stall ends.
        assert_eq!(store.get("k").await, Ok(None));
    }
}
