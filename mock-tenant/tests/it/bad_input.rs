use super::*;
use mock_tenant::TenantConfig;
use proptest::prelude::*;

/// Sends a raw request to the token endpoint; returns status and body.
async fn post(
    tenant: &MockTenant,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String) {
    let mut req = client(tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("answered");
    (res.status().as_u16(), res.text().await.unwrap())
}

fn assert_shaped_4xx(case: &str, status: u16, body: &str) {
    assert!(
        (400..500).contains(&status),
        "{case}: status {status}: {body}"
    );
    let json: Value =
        serde_json::from_str(body).unwrap_or_else(|_| panic!("{case}: not JSON: {body}"));
    assert!(
        json["error"].is_string() && json["error_description"].is_string(),
        "{case}: {body}"
    );
}

#[tokio::test]
async fn malformed_token_requests_get_shaped_4xx() {
    let tenant = MockTenant::start().await;
    let form = Some("application/x-www-form-urlencoded");
    let json = Some("application/json");
    // (case, content type, extra headers, body)
    type Case<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, &'a str)>, Vec<u8>);
    let cases: Vec<Case> = vec![
        ("invalid JSON", json, vec![], b"{\"grant_type\":".to_vec()),
        ("JSON array", json, vec![], b"[1,2]".to_vec()),
        (
            "JSON number param",
            json,
            vec![],
            br#"{"grant_type":7}"#.to_vec(),
        ),
        (
            "text/plain",
            Some("text/plain"),
            vec![],
            b"grant_type=client_credentials".to_vec(),
        ),
        (
            "no content type",
            None,
            vec![],
            b"grant_type=client_credentials".to_vec(),
        ),
        ("empty body", form, vec![], vec![]),
        ("binary garbage", form, vec![], vec![0xff, 0xfe, 0x00, 0x80]),
        (
            "broken basic: not base64",
            form,
            vec![("authorization", "Basic !!!")],
            b"grant_type=client_credentials".to_vec(),
        ),
        (
            "broken basic: no colon",
            form,
            vec![("authorization", "Basic Zm9v")],
            b"grant_type=client_credentials".to_vec(),
        ),
        (
            "broken basic: empty",
            form,
            vec![("authorization", "Basic")],
            b"grant_type=client_credentials".to_vec(),
        ),
        (
            "other scheme",
            form,
            vec![("authorization", "Bearer abc")],
            b"grant_type=client_credentials".to_vec(),
        ),
        ("oversized", form, vec![], vec![b'a'; 200 * 1024]),
    ];
    for (case, content_type, headers, body) in cases {
        let (status, body) = post(&tenant, content_type, &headers, body).await;
        assert_shaped_4xx(case, status, &body);
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_get_shaped_4xx() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    for (method, path) in [
        ("GET", "/nope"),
        ("GET", "/oauth/token"),
        ("DELETE", "/.well-known/jwks.json"),
        ("POST", "/_mock/jwks/fault"),
        ("POST", "/_mock/clock"),
    ] {
        let res = c
            .request(method.parse().unwrap(), format!("{}{path}", tenant.url()))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert_shaped_4xx(
            &format!("{method} {path}"),
            status,
            &res.text().await.unwrap(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any form body, made of the token endpoint's own parameter names and arbitrary values,
    /// gets a 200 or an Auth0-shaped 4xx: never a 5xx, a hang or a dropped connection.
    #[test]
    fn token_endpoint_never_fails_on_arbitrary_form_bodies(
        pairs in proptest::collection::vec(
            (
                prop_oneof![
                    Just("grant_type".to_owned()), Just("client_id".to_owned()),
                    Just("client_secret".to_owned()), Just("audience".to_owned()),
                    Just("scope".to_owned()), "[a-z_%&=]{0,12}",
                ],
                prop_oneof![
                    Just("client_credentials".to_owned()), Just("quickstart-m2m-read".to_owned()),
                    Just("test-only-secret-m2m-read".to_owned()), Just(fixtures::QUICKSTART_AUDIENCE.to_owned()),
                    Just("read:messages".to_owned()), any::<String>(),
                ],
            ),
            0..8,
        ),
        raw_suffix in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let tenant = shared_tenant().await;
            let mut body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish()
                .into_bytes();
            body.extend(raw_suffix);
            let (status, text) = post(tenant, Some("application/x-www-form-urlencoded"), &[], body).await;
            if status != 200 {
                assert_shaped_4xx("proptest", status, &text);
            }
        });
    }
}

/// A JSON value built from the keys the tenant file and the forge's `POST /_mock/token` use, so
/// the generator reaches past the first type check.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("apis".to_owned()),
        Just("clients".to_owned()),
        Just("users".to_owned()),
        Just("client_grants".to_owned()),
        Just("identifier".to_owned()),
        Just("scopes".to_owned()),
        Just("client_id".to_owned()),
        Just("grant_types".to_owned()),
        Just("callbacks".to_owned()),
        Just("email".to_owned()),
        Just("defect".to_owned()),
        Just("claims".to_owned()),
        Just("header".to_owned()),
        Just("attacker".to_owned()),
        Just("scope_name".to_owned()),
        Just("dpop_bound".to_owned()),
        Just("dpop_jkt".to_owned()),
        Just("exp".to_owned()),
        Just("kid".to_owned()),
        Just("alg".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("alg-none".to_owned()),
            Just("client_credentials".to_owned()),
            Just("https://quickstarts/api".to_owned()),
            Just("none".to_owned()),
            Just("http://127.0.0.1:1/".to_owned()),
            "[ -~]{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any JSON as a tenant file is read or refused with a message, never a panic.
    #[test]
    fn a_tenant_file_of_any_shape_is_read_or_refused(doc in json_value()) {
        if let Err(e) = TenantConfig::from_json(&doc.to_string()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any JSON body to the forge (`POST /_mock/token`) gets a token or an Auth0-shaped 4xx:
    /// never a 5xx, a hang or a dropped connection.
    #[test]
    fn the_forge_never_fails_on_arbitrary_json(doc in json_value()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let tenant = shared_tenant().await;
            let res = client(tenant)
                .post(format!("{}/_mock/token", tenant.url()))
                .header("content-type", "application/json")
                .body(doc.to_string())
                .send()
                .await
                .expect("an answer");
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            if status != 200 {
                assert_shaped_4xx("forge proptest", status, &text);
            }
        });
    }
}

/// One tenant for all proptest cases, on its own runtime thread so it outlives each case's runtime.
async fn shared_tenant() -> &'static MockTenant {
    static TENANT: std::sync::OnceLock<MockTenant> = std::sync::OnceLock::new();
    if let Some(t) = TENANT.get() {
        return t;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let _ = tx.send(MockTenant::start().await);
            std::future::pending::<()>().await;
        });
    });
    TENANT.get_or_init(|| rx.recv().unwrap())
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_with_allow() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let base = tenant.url();
    for path in [
        "/nope",
        "/oauth/token/",
        "/.well-known/other",
        "/api/private",
    ] {
        let res = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "not_found", "{path}");
    }
    for (method, path, allow) in [
        (reqwest::Method::GET, "/oauth/token", "POST"),
        (reqwest::Method::DELETE, "/userinfo", "GET, POST"),
        (reqwest::Method::POST, "/.well-known/jwks.json", "GET"),
        (reqwest::Method::PUT, "/_mock/keys/some-kid", "DELETE"),
    ] {
        let res = c
            .request(method.clone(), format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
    // A known path and method with a bad body keeps its own answer.
    let res = c
        .post(format!("{base}/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x".repeat(2 * 1024 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

/// A body over a route's limit is 413 on every route that reads one (it used to be a 405 from
/// a sibling route), and a small chunked body, without `Content-Length`, is read (it used to
/// be a 405 too).
#[tokio::test]
async fn oversized_bodies_are_413_and_chunked_ones_are_read() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let big = vec![b'a'; 4 * 1024 * 1024 + 1]; // past every route's limit, the saved state's included
    for (method, path) in [
        ("POST", "/u/login"),
        ("POST", "/_mock/token"),
        ("POST", "/_mock/clock"),
        ("PUT", "/_mock/config"),
        ("PUT", "/_mock/discovery"),
        ("POST", "/_mock/jwks/fault"),
        ("PUT", "/_mock/dpop"),
        ("PUT", "/_mock/state"),
    ] {
        let res = c
            .request(method.parse().unwrap(), format!("{}{path}", tenant.url()))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 413, "{method} {path}: {body}");
        assert_shaped_4xx(&format!("{method} {path}"), status, &body);
    }
    // The same over HTTP/2: a 413 on the stream, not a stream error.
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
    let h2 = reqwest::Client::builder()
        .tls_certs_only([ca])
        .http2_prior_knowledge()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let res = h2
        .post(format!("{}/u/login", tenant.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.version(), reqwest::Version::HTTP_2);
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert_eq!(status, 413, "HTTP/2 POST /u/login: {body}");
    assert_shaped_4xx("HTTP/2 POST /u/login", status, &body);
    // Chunked, over plain HTTP on a socket: what a client that streams its body sends.
    let plain = MockTenant::builder().http().start().await;
    let config = serde_json::to_string(&mock_tenant::TenantConfig::quickstart()).unwrap();
    let request = format!(
        "PUT /_mock/config HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{config}\r\n0\r\n\r\n",
        plain.domain(),
        config.len()
    );
    let answer = tokio::time::timeout(Duration::from_secs(10), async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut socket = tokio::net::TcpStream::connect(plain.addr()).await.unwrap();
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        socket.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("answered within 10 s");
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
}

/// Distinct junk paths count under their own names only up to a cap, long ones never: the
/// counters (and `/_mock/stats`) stay bounded however many paths a client invents.
#[tokio::test]
async fn junk_paths_count_under_one_key_past_the_cap() {
    let tenant = MockTenant::start().await;
    let c = client(&tenant);
    let base = tenant.url();
    let extra = 40;
    for i in 0..mock_tenant::MAX_COUNTED_PATHS + extra {
        let res = c.get(format!("{base}/junk-{i}")).send().await.unwrap();
        assert_eq!(res.status(), 404);
    }
    let long = format!(
        "{base}/{}",
        "x".repeat(mock_tenant::MAX_COUNTED_PATH_LEN + 1)
    );
    assert_eq!(c.get(long).send().await.unwrap().status(), 404);
    let stats = tenant.stats();
    assert_eq!(stats.requests.len(), mock_tenant::MAX_COUNTED_PATHS + 1);
    // Paths counted before the junk (the client's own requests, if any) take places too.
    assert!(
        stats.get(mock_tenant::OTHER_PATHS) > extra as u64,
        "{stats:?}"
    );
}

/// A doubled slash is a path the tenant does not serve (404, not a sibling route's 405), and an
/// absolute-form request line (`POST http://host/oauth/token`, what a proxy-minded client
/// sends) is served like its path.
#[tokio::test]
async fn double_slash_paths_are_404_and_absolute_form_requests_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tenant = MockTenant::builder().http().start().await;
    let host = tenant.domain();
    for (request, status) in [
        (
            format!("GET //.well-known/jwks.json HTTP/1.1\r\nHost: {host}\r\n"),
            "404",
        ),
        (
            format!("POST //oauth/token HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n"),
            "404",
        ),
        (
            format!("GET http://{host}/.well-known/jwks.json HTTP/1.1\r\nHost: {host}\r\n"),
            "200",
        ),
        (
            format!(
                "POST http://{host}/oauth/token HTTP/1.1\r\nHost: {host}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n"
            ),
            "400",
        ),
    ] {
        let answer = tokio::time::timeout(Duration::from_secs(10), async {
            let mut socket = tokio::net::TcpStream::connect(tenant.addr()).await.unwrap();
            socket
                .write_all(format!("{request}Connection: close\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut answer = Vec::new();
            socket.read_to_end(&mut answer).await.unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        })
        .await
        .expect("answered within 10 s");
        let line = request.lines().next().unwrap();
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{line}: {answer}"
        );
        if status != "200" {
            let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
            assert_shaped_4xx(line, status.parse().unwrap(), body);
        }
    }
}
