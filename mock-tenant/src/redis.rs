//! A minimal Redis client (RESP2 over one TCP connection): the handful of commands the shared
//! store needs, with a timeout on each and one reconnect after a broken connection.

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// How long one command may take, connecting included.
const TIMEOUT: Duration = Duration::from_secs(3);

/// A connection to one Redis server, from a `redis://host:port[/db]` URL.
#[derive(Debug)]
pub(crate) struct Redis {
    addr: String,
    db: Option<String>,
    conn: Mutex<Option<BufStream<TcpStream>>>,
}

/// One RESP reply, reduced to what the store reads.
#[derive(Debug)]
enum Reply {
    Nil,
    Text(String),
    Int(i64),
    Array(Vec<Reply>),
}

impl Redis {
    /// Parses the URL; the connection opens on the first command.
    pub(crate) fn new(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("redis://")
            .ok_or_else(|| format!("Redis URL {url:?} must start with redis://"))?;
        let (authority, db) = match rest.split_once('/') {
            Some((a, db)) if !db.is_empty() => (a, Some(db.to_owned())),
            Some((a, _)) => (a, None),
            None => (rest, None),
        };
        if authority.contains('@') {
            return Err("Redis URLs with credentials are not supported".into());
        }
        let addr = if authority.contains(':') {
            authority.to_owned()
        } else {
            format!("{authority}:6379")
        };
        Ok(Self {
            addr,
            db,
            conn: Mutex::new(None),
        })
    }

    /// Checks the server answers (at start, so a wrong URL fails loudly).
    pub(crate) async fn ping(&self) -> Result<(), String> {
        self.command(&["PING"]).await.map(|_| ())
    }

    /// Runs one command; `Some(text)` for a string or integer reply, `None` for nil.
    pub(crate) async fn command(&self, args: &[&str]) -> Result<Option<String>, String> {
        match self.run(args).await? {
            Reply::Nil => Ok(None),
            Reply::Text(t) => Ok(Some(t)),
            Reply::Int(n) => Ok(Some(n.to_string())),
            Reply::Array(_) => Ok(Some(String::new())),
        }
    }

    /// Deletes every key that starts with `prefix`.
    pub(crate) async fn delete_prefix(&self, prefix: &str) -> Result<(), String> {
        let pattern = format!("{prefix}*");
        let mut cursor = "0".to_owned();
        loop {
            let Reply::Array(parts) = self
                .run(&["SCAN", &cursor, "MATCH", &pattern, "COUNT", "500"])
                .await?
            else {
                return Err("unexpected SCAN reply".into());
            };
            let mut parts = parts.into_iter();
            let (Some(Reply::Text(next)), Some(Reply::Array(keys))) = (parts.next(), parts.next())
            else {
                return Err("unexpected SCAN reply".into());
            };
            let keys: Vec<String> = keys
                .into_iter()
                .filter_map(|k| match k {
                    Reply::Text(t) => Some(t),
                    _ => None,
                })
                .collect();
            if !keys.is_empty() {
                let mut args = vec!["DEL"];
                args.extend(keys.iter().map(String::as_str));
                self.run(&args).await?;
            }
            if next == "0" {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn run(&self, args: &[&str]) -> Result<Reply, String> {
        let mut conn = self.conn.lock().await;
        // A connection that failed mid-command is dropped and reopened, once.
        for attempt in 0..2 {
            if conn.is_none() {
                *conn = Some(self.connect().await?);
            }
            let stream = conn.as_mut().expect("connected above");
            match tokio::time::timeout(TIMEOUT, exchange(stream, args)).await {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(e)) if e.starts_with("ERR") || e.starts_with("WRONGTYPE") => {
                    return Err(format!("Redis {}: {e}", self.addr));
                }
                Ok(Err(e)) if attempt == 1 => return Err(format!("Redis {}: {e}", self.addr)),
                Err(_) if attempt == 1 => {
                    *conn = None;
                    return Err(format!("Redis {}: no answer in {TIMEOUT:?}", self.addr));
                }
                _ => *conn = None,
            }
        }
        unreachable!("the second attempt returns")
    }

    async fn connect(&self) -> Result<BufStream<TcpStream>, String> {
        let stream = tokio::time::timeout(TIMEOUT, TcpStream::connect(&self.addr))
            .await
            .map_err(|_| format!("Redis {}: connect timed out", self.addr))?
            .map_err(|e| format!("Redis {}: {e}", self.addr))?;
        let _ = stream.set_nodelay(true);
        let mut stream = BufStream::new(stream);
        if let Some(db) = &self.db {
            exchange(&mut stream, &["SELECT", db])
                .await
                .map_err(|e| format!("Redis {}: SELECT {db}: {e}", self.addr))?;
        }
        Ok(stream)
    }
}

async fn exchange(stream: &mut BufStream<TcpStream>, args: &[&str]) -> Result<Reply, String> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    stream.write_all(&out).await.map_err(|e| e.to_string())?;
    stream.flush().await.map_err(|e| e.to_string())?;
    read_reply(stream).await
}

fn read_reply(
    stream: &mut BufStream<TcpStream>,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Reply, String>> + Send + '_>> {
    Box::pin(async move {
        let mut line = String::new();
        let n = stream
            .read_line(&mut line)
            .await
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        let (kind, rest) = line.split_at(line.len().min(1));
        let number = || {
            rest.parse::<i64>()
                .map_err(|_| format!("bad reply {line:?}"))
        };
        match kind {
            "+" => Ok(Reply::Text(rest.to_owned())),
            "-" => Err(rest.to_owned()),
            ":" => Ok(Reply::Int(number()?)),
            "$" => {
                let len = number()?;
                if len < 0 {
                    return Ok(Reply::Nil);
                }
                let mut buf = vec![0u8; len as usize + 2];
                stream
                    .read_exact(&mut buf)
                    .await
                    .map_err(|e| e.to_string())?;
                buf.truncate(len as usize);
                String::from_utf8(buf)
                    .map(Reply::Text)
                    .map_err(|_| "non-UTF-8 reply".to_owned())
            }
            "*" => {
                let len = number()?;
                if len < 0 {
                    return Ok(Reply::Nil);
                }
                let mut items = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    items.push(read_reply(stream).await?);
                }
                Ok(Reply::Array(items))
            }
            _ => Err(format!("bad reply {line:?}")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Redis;

    #[test]
    fn urls_default_the_port_and_keep_the_db() {
        let r = Redis::new("redis://127.0.0.1/2").unwrap();
        assert_eq!(
            (r.addr.as_str(), r.db.as_deref()),
            ("127.0.0.1:6379", Some("2"))
        );
        assert!(Redis::new("http://x").is_err());
        assert!(Redis::new("redis://u:p@x").is_err());
    }
}
