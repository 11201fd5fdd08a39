//! What a connection may cost the API (issue 31): a slowloris is closed after the header-read
//! timeout, a request followed by the client's FIN is answered, and a stop answers the request
//! in flight. On raw sockets.

use crate::api_for;
use mock_tenant::MockTenant;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server sent before closing `socket`, if it closed it within `limit`.
async fn closed_within(socket: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut answer = Vec::new();
    tokio::time::timeout(limit, async {
        let mut chunk = [0u8; 4096];
        loop {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn slowloris_idle_and_half_closed_connections() {
    let tenant = MockTenant::start().await;
    let api = api_for(
        &tenant,
        &[
            ("HEADER_READ_TIMEOUT_SECS", "1"),
            ("IDLE_TIMEOUT_SECS", "2"),
        ],
    )
    .await;
    let addr = api.url().trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /api/public HTTP/1.1\r\nHost: localhost\r\nX-A: ")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    for (what, socket) in [("slowloris", &mut slow), ("idle", &mut idle)] {
        assert!(
            closed_within(socket, Duration::from_secs(15))
                .await
                .is_some(),
            "{what}: still open after 15 s"
        );
    }
    for i in 0..20 {
        let mut socket = TcpStream::connect(&addr).await.unwrap();
        socket
            .write_all(b"GET /api/public HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        socket.shutdown().await.unwrap();
        let answer = closed_within(&mut socket, Duration::from_secs(10))
            .await
            .expect("answered and closed within 10 s");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "request {i}: {answer:?}"
        );
    }
}

#[tokio::test]
async fn a_bad_limit_is_refused_with_its_name() {
    let tenant = MockTenant::start().await;
    let vars = [
        ("AUTH0_DOMAIN".to_owned(), tenant.domain()),
        ("AUTH0_AUDIENCE".to_owned(), crate::AUD.to_owned()),
        ("IDLE_TIMEOUT_SECS".to_owned(), "0".to_owned()),
    ]
    .into_iter()
    .collect();
    let err = sample_api::Settings::from_vars(&vars)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("IDLE_TIMEOUT_SECS must be at least 1"),
        "{err}"
    );
}
