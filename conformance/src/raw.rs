//! Requests no HTTP library will send: header values with control characters (VT, FF), written
//! byte for byte on a plain TCP connection. Only for `http://` APIs; over HTTPS the case says it
//! was not run.

use crate::verdict::Exchange;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most of an answer that is read.
const MAX_ANSWER: usize = 64 * 1024;

/// `host:port` of an `http://` base URL; `None` for anything else.
pub(crate) fn plain_http_authority(api: &str) -> Option<String> {
    let rest = api.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    if authority.is_empty() {
        return None;
    }
    Some(
        if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        },
    )
}

/// Sends `GET path` with these raw `Authorization` values and reads the answer.
pub(crate) async fn send(
    authority: &str,
    path: &str,
    values: &[Vec<u8>],
    timeout: Duration,
) -> Exchange {
    let shown = values
        .iter()
        .map(|v| v.escape_ascii().to_string())
        .collect::<Vec<_>>()
        .join(" | ");
    let request_line = format!("GET {path} Authorization: {shown} (raw bytes)");
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, exchange(authority, path, values)).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let fail = |error: String| Exchange {
        request: request_line.clone(),
        elapsed_ms,
        error: Some(error),
        ..Exchange::default()
    };
    let bytes = match result {
        Err(_) => return fail(format!("no answer within {} s", timeout.as_secs())),
        Ok(Err(e)) => return fail(format!("connection failed: {e}")),
        Ok(Ok(bytes)) => bytes,
    };
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok());
    let Some(status) = status else {
        return fail("the answer is not HTTP".into());
    };
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    Exchange {
        request: request_line,
        status: Some(status),
        challenge: header("www-authenticate"),
        content_type: header("content-type"),
        body: body.chars().take(2048).collect(),
        elapsed_ms,
        error: None,
    }
}

async fn exchange(authority: &str, path: &str, values: &[Vec<u8>]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(authority).await?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    for value in values {
        request.extend_from_slice(b"Authorization: ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    stream.write_all(&request).await?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 || answer.len() >= MAX_ANSWER {
            return Ok(answer);
        }
        answer.extend_from_slice(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::plain_http_authority;

    #[test]
    fn only_plain_http_urls_have_an_authority() {
        assert_eq!(
            plain_http_authority("http://127.0.0.1:3010").as_deref(),
            Some("127.0.0.1:3010")
        );
        assert_eq!(
            plain_http_authority("http://api.test/x").as_deref(),
            Some("api.test:80")
        );
        assert_eq!(plain_http_authority("https://localhost:3010"), None);
    }
}
