//! What a connection may cost the tenant (issue 31): a slowloris and an idle socket are closed,
//! a request followed by the client's FIN is answered, past the connection cap new clients wait
//! instead of the process running out of descriptors, and a stop drains the requests in flight.
//! Over plain HTTP on raw sockets: the limits sit under TLS, on the socket itself.

use mock_tenant::{JwksFault, Limits, MockTenant};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A plain-HTTP tenant with these limits.
async fn tenant(limits: Limits) -> MockTenant {
    MockTenant::builder().http().limits(limits).start().await
}

/// Whether the server closes `socket` (end of stream or reset) within `limit`; what it sent.
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

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n")
}

#[tokio::test]
async fn a_slowloris_and_an_idle_socket_are_closed() {
    let tenant = tenant(Limits {
        header_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
        ..Limits::default()
    })
    .await;
    // Headers that never end.
    let mut slow = TcpStream::connect(tenant.addr()).await.unwrap();
    slow.write_all(b"GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nX-A: ")
        .await
        .unwrap();
    // Nothing at all.
    let mut idle = TcpStream::connect(tenant.addr()).await.unwrap();
    // Idle after one answered request (keep-alive).
    let mut kept = TcpStream::connect(tenant.addr()).await.unwrap();
    kept.write_all(get("/.well-known/jwks.json").as_bytes())
        .await
        .unwrap();
    for (what, socket) in [
        ("slowloris", &mut slow),
        ("idle", &mut idle),
        ("kept alive", &mut kept),
    ] {
        assert!(
            closed_within(socket, Duration::from_secs(15))
                .await
                .is_some(),
            "{what}: still open after 15 s"
        );
    }
    // The tenant still answers.
    let mut fresh = TcpStream::connect(tenant.addr()).await.unwrap();
    fresh
        .write_all(get("/.well-known/jwks.json").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    fresh.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
}

#[tokio::test]
async fn a_request_followed_by_the_clients_fin_is_answered() {
    let tenant = tenant(Limits::default()).await;
    for i in 0..20 {
        let mut socket = TcpStream::connect(tenant.addr()).await.unwrap();
        socket
            .write_all(get("/.well-known/openid-configuration").as_bytes())
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
        assert!(answer.contains("jwks_uri"), "request {i}: {answer:?}");
    }
}

#[tokio::test]
async fn past_the_connection_cap_new_clients_wait_until_one_closes() {
    let tenant = tenant(Limits {
        max_connections: 2,
        ..Limits::default()
    })
    .await;
    let first = TcpStream::connect(tenant.addr()).await.unwrap();
    let _second = TcpStream::connect(tenant.addr()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The third is queued by the kernel, not served.
    let mut third = TcpStream::connect(tenant.addr()).await.unwrap();
    third
        .write_all(get("/.well-known/jwks.json").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    let early = tokio::time::timeout(Duration::from_millis(700), third.read_exact(&mut head)).await;
    assert!(early.is_err(), "answered past the cap of 2");
    drop(first);
    tokio::time::timeout(Duration::from_secs(10), third.read_exact(&mut head))
        .await
        .expect("answered once a connection closed")
        .unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
}

#[tokio::test]
async fn a_stop_answers_the_requests_in_flight_then_refuses_new_ones() {
    let tenant = tenant(Limits::default()).await;
    tenant.set_jwks_fault(JwksFault::Delay { ms: 1500 });
    let addr = tenant.addr();
    let in_flight = tokio::spawn(async move {
        let mut socket = TcpStream::connect(addr).await.unwrap();
        socket
            .write_all(get("/.well-known/jwks.json").as_bytes())
            .await
            .unwrap();
        closed_within(&mut socket, Duration::from_secs(15)).await
    });
    // Stop once the request is in the tenant's hands (counted as it arrives, answered 1.5 s later).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while tenant.stats().jwks_fetches() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the request never arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tenant.shutdown().await;
    let answer = in_flight.await.unwrap().expect("closed within 15 s");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    assert!(answer.contains("\"keys\""), "{answer:?}");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still accepting after the stop"
    );
}
