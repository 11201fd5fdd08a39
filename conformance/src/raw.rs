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
    let Some(answer) = parse(&bytes) else {
        return fail("the answer is not HTTP".into());
    };
    Exchange {
        request: request_line,
        status: Some(answer.status),
        challenge: answer.header("www-authenticate"),
        content_type: answer.header("content-type"),
        body: String::from_utf8_lossy(&answer.body)
            .chars()
            .take(2048)
            .collect(),
        elapsed_ms,
        error: None,
        dpop: false,
        nonce: None,
        header_names: answer.headers.iter().map(|(k, _)| k.clone()).collect(),
        header_bytes: values.iter().map(Vec::len).sum(),
    }
}

/// An HTTP/1.1 answer read off the socket.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    /// The body, de-chunked, and cut at `Content-Length` when there is one.
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// Parses the head with httparse and decodes a chunked body; `None` when it is not HTTP.
fn parse(bytes: &[u8]) -> Option<Answer> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head_len) = response.parse(bytes).ok()? else {
        return None;
    };
    let status = response.code?;
    let headers: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).trim().to_owned();
            (h.name.to_owned(), value)
        })
        .collect();
    let mut answer = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &bytes[head_len..];
    let chunked = answer
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    answer.body = if chunked {
        dechunk(rest)
    } else if let Some(len) = answer
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        rest[..len.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    Some(answer)
}

/// The data of a chunked body, as far as it is complete (an answer cut at [`MAX_ANSWER`] keeps
/// what arrived).
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(httparse::Status::Complete((start, size))) = httparse::parse_chunk_size(rest) {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if size == 0 {
            break;
        }
        let data = &rest[start..];
        let take = size.min(data.len());
        body.extend_from_slice(&data[..take]);
        if take < size || data.len() < size + 2 {
            break;
        }
        rest = &data[size + 2..];
    }
    body
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
    use super::{parse, plain_http_authority};

    #[test]
    fn chunked_bodies_are_decoded_and_sizes_stay_out_of_the_body() {
        let raw =
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\n\
            Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n\
            7\r\n{\"error\r\n9\r\n\":\"nope\"}\r\n0\r\n\r\n";
        let answer = parse(raw).unwrap();
        assert_eq!(answer.status, 401);
        assert_eq!(answer.body, br#"{"error":"nope"}"#);
        assert_eq!(
            answer.header("www-authenticate").as_deref(),
            Some("Bearer error=\"invalid_token\"")
        );
        assert_eq!(
            answer.header("content-type").as_deref(),
            Some("application/json")
        );
    }

    #[test]
    fn content_length_cuts_the_body_and_garbage_is_not_http() {
        let answer =
            parse(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nokEXTRA").unwrap();
        assert_eq!((answer.status, answer.body.as_slice()), (400, &b"ok"[..]));
        assert!(parse(b"SSH-2.0-OpenSSH_9.2\r\n").is_none());
        // A chunked body cut short keeps what arrived.
        let cut = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc").unwrap();
        assert_eq!(cut.body, b"abc");
    }

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
