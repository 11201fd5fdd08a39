use super::*;

/// What a request must get back.
struct Expect {
    status: u16,
    /// A substring the `WWW-Authenticate` challenge must contain (`None`: no challenge at all).
    challenge: Option<&'static str>,
}

const OK: Expect = Expect {
    status: 200,
    challenge: None,
};
const BARE: Expect = Expect {
    status: 401,
    challenge: Some("Bearer realm=\"api\""),
};
const INVALID_TOKEN: Expect = Expect {
    status: 401,
    challenge: Some("error=\"invalid_token\""),
};
const INVALID_REQUEST: Expect = Expect {
    status: 400,
    challenge: Some("error=\"invalid_request\""),
};
const SCOPE: Expect = Expect {
    status: 403,
    challenge: Some(
        "error=\"insufficient_scope\", error_description=\"Insufficient scope\", scope=\"read:messages\"",
    ),
};

/// Builds the `Authorization` values of a case from the tenant.
type Auth = fn(&MockTenant) -> Vec<String>;

fn bearer(token: String) -> Vec<String> {
    vec![format!("Bearer {token}")]
}

/// A token signed by the tenant's key, with `change` applied to the valid claims.
fn changed(tenant: &MockTenant, change: impl FnOnce(&mut Value)) -> Vec<String> {
    let (key, kid) = tenant_key(tenant);
    let mut c = claims(tenant);
    change(&mut c);
    bearer(sign(
        &json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
        &c,
        &key,
    ))
}

/// A token signed by the tenant's key under `header`.
fn with_header(tenant: &MockTenant, header: Value) -> Vec<String> {
    let (key, _) = tenant_key(tenant);
    bearer(sign(&header, &claims(tenant), &key))
}

struct Case {
    name: &'static str,
    path: &'static str,
    auth: Auth,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "public, no token",
            path: "/api/public",
            auth: |_| vec![],
            expect: OK,
        },
        Case {
            name: "private, no token",
            path: "/api/private",
            auth: |_| vec![],
            expect: BARE,
        },
        Case {
            name: "scoped, no token",
            path: "/api/private-scoped",
            auth: |_| vec![],
            expect: BARE,
        },
        Case {
            name: "valid token",
            path: "/api/private",
            auth: |t| changed(t, |_| {}),
            expect: OK,
        },
        Case {
            name: "valid token with scope",
            path: "/api/private-scoped",
            auth: |t| changed(t, |_| {}),
            expect: OK,
        },
        Case {
            name: "lowercase scheme",
            path: "/api/private",
            auth: |t| vec![changed(t, |_| {})[0].replacen("Bearer", "bearer", 1)],
            expect: OK,
        },
        Case {
            name: "other scheme",
            path: "/api/private",
            auth: |_| vec!["Basic YTpi".into()],
            expect: BARE,
        },
        Case {
            name: "empty bearer",
            path: "/api/private",
            auth: |_| vec!["Bearer ".into()],
            expect: INVALID_REQUEST,
        },
        Case {
            name: "two headers",
            path: "/api/private",
            auth: |t| [changed(t, |_| {}), changed(t, |_| {})].concat(),
            expect: INVALID_REQUEST,
        },
        Case {
            name: "token with a space",
            path: "/api/private",
            auth: |_| vec!["Bearer a b".into()],
            expect: INVALID_REQUEST,
        },
        Case {
            name: "garbage token",
            path: "/api/private",
            auth: |_| bearer("garbage".into()),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "thousands of dots",
            path: "/api/private",
            auth: |_| bearer(".".repeat(5000)),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "tampered payload",
            path: "/api/private",
            auth: |t| {
                let token = changed(t, |_| {})[0].clone();
                let parts: Vec<&str> = token.split('.').collect();
                let forged = claims(t)
                    .to_string()
                    .replace("read:messages", "read:messages admin");
                use base64::Engine;
                let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged);
                vec![format!("{}.{forged}.{}", parts[0], parts[2])]
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "alg none",
            path: "/api/private",
            auth: |t| {
                let kid = t.keys().current;
                let token = sign(
                    &json!({"alg": "RS256", "kid": kid}),
                    &claims(t),
                    &tenant_key(t).0,
                );
                let parts: Vec<&str> = token.split('.').collect();
                use base64::Engine;
                let none = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(json!({"alg": "none", "kid": kid}).to_string());
                bearer(format!("{none}.{}.", parts[1]))
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "HS256 under the tenant's kid",
            path: "/api/private",
            auth: |t| {
                let secret = t.config().clients[0].client_secret.clone().into_bytes();
                bearer(sign(
                    &json!({"alg": "HS256", "typ": "JWT", "kid": t.keys().current}),
                    &claims(t),
                    &Key::Hmac(secret),
                ))
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "other tenant's key under our kid",
            path: "/api/private",
            auth: |t| {
                bearer(sign(
                    &json!({"alg": "RS256", "typ": "JWT", "kid": t.keys().current}),
                    &claims(t),
                    &Key::Rsa(fixtures::keys::TEST_ONLY_OTHER_TENANT_RSA2048),
                ))
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "expired",
            path: "/api/private",
            auth: |t| changed(t, |c| c["exp"] = json!(now() - 60)),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "no exp",
            path: "/api/private",
            auth: |t| {
                changed(t, |c| {
                    c.as_object_mut().unwrap().remove("exp");
                })
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "string exp",
            path: "/api/private",
            auth: |t| changed(t, |c| c["exp"] = json!("9999999999")),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "nbf in the future",
            path: "/api/private",
            auth: |t| changed(t, |c| c["nbf"] = json!(now() + 120)),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "iat in the future",
            path: "/api/private",
            auth: |t| changed(t, |c| c["iat"] = json!(now() + 120)),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "exp within leeway",
            path: "/api/private",
            auth: |t| changed(t, |c| c["exp"] = json!(now() - 2)),
            expect: OK,
        },
        Case {
            name: "wrong audience",
            path: "/api/private",
            auth: |t| changed(t, |c| c["aud"] = json!("https://other/api")),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "audience array with ours",
            path: "/api/private",
            auth: |t| changed(t, |c| c["aud"] = json!([AUD, "https://x/userinfo"])),
            expect: OK,
        },
        Case {
            name: "no audience",
            path: "/api/private",
            auth: |t| {
                changed(t, |c| {
                    c.as_object_mut().unwrap().remove("aud");
                })
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "issuer without trailing slash",
            path: "/api/private",
            auth: |t| changed(t, |c| c["iss"] = json!(t.issuer().trim_end_matches('/'))),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "issuer over http",
            path: "/api/private",
            auth: |t| changed(t, |c| c["iss"] = json!(t.issuer().replace("https", "http"))),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "unknown kid",
            path: "/api/private",
            auth: |t| {
                with_header(
                    t,
                    json!({"alg": "RS256", "typ": "JWT", "kid": "no-such-kid"}),
                )
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "no kid",
            path: "/api/private",
            auth: |t| with_header(t, json!({"alg": "RS256", "typ": "JWT"})),
            expect: INVALID_TOKEN,
        },
        Case {
            name: "unknown crit",
            path: "/api/private",
            auth: |t| {
                with_header(
                    t,
                    json!({"alg": "RS256", "kid": t.keys().current, "crit": ["exp"], "exp": 1}),
                )
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "typ at+jwt",
            path: "/api/private",
            auth: |t| {
                with_header(
                    t,
                    json!({"alg": "RS256", "typ": "at+jwt", "kid": t.keys().current}),
                )
            },
            expect: OK,
        },
        Case {
            name: "typ logout+jwt",
            path: "/api/private",
            auth: |t| {
                with_header(
                    t,
                    json!({"alg": "RS256", "typ": "logout+jwt", "kid": t.keys().current}),
                )
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "jku to an attacker, other key",
            path: "/api/private",
            auth: |t| {
                let header = json!({"alg": "RS256", "kid": "attacker", "jku": "https://127.0.0.1:9/jwks.json"});
                bearer(sign(
                    &header,
                    &claims(t),
                    &Key::Rsa(fixtures::keys::TEST_ONLY_OTHER_TENANT_RSA2048),
                ))
            },
            expect: INVALID_TOKEN,
        },
        Case {
            name: "no scope",
            path: "/api/private-scoped",
            auth: |t| {
                changed(t, |c| {
                    c.as_object_mut().unwrap().remove("scope");
                })
            },
            expect: SCOPE,
        },
        Case {
            name: "scope in upper case",
            path: "/api/private-scoped",
            auth: |t| changed(t, |c| c["scope"] = json!("READ:MESSAGES")),
            expect: SCOPE,
        },
        Case {
            name: "scope prefix",
            path: "/api/private-scoped",
            auth: |t| changed(t, |c| c["scope"] = json!("read:messages2 read")),
            expect: SCOPE,
        },
        Case {
            name: "scope among others",
            path: "/api/private-scoped",
            auth: |t| changed(t, |c| c["scope"] = json!("write:messages read:messages")),
            expect: OK,
        },
        Case {
            name: "permissions only, scope source = scope",
            path: "/api/private-scoped",
            auth: |t| {
                changed(t, |c| {
                    c.as_object_mut().unwrap().remove("scope");
                    c["permissions"] = json!(["read:messages"]);
                })
            },
            expect: SCOPE,
        },
        Case {
            name: "no scope is fine on /api/private",
            path: "/api/private",
            auth: |t| {
                changed(t, |c| {
                    c.as_object_mut().unwrap().remove("scope");
                })
            },
            expect: OK,
        },
    ]
}

#[tokio::test]
async fn every_request_gets_the_rfc_6750_answer() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    let mut failures = Vec::new();
    for case in cases() {
        let auth = (case.auth)(&tenant);
        let auth: Vec<&str> = auth.iter().map(String::as_str).collect();
        let (status, challenge, body) = get(&api, case.path, &auth).await;
        let challenge_ok = match (case.expect.challenge, &challenge) {
            (None, None) => true,
            (Some(want), Some(got)) => got.contains(want),
            _ => false,
        };
        if status != case.expect.status || !challenge_ok {
            failures.push(format!("{}: got {status} {challenge:?} {body}", case.name));
        }
        if status != 200 {
            let text = body.to_string();
            if !body["code"].is_string() || text.contains("eyJ") || text.contains("BEGIN") {
                failures.push(format!("{}: body not in shape or leaks: {text}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn tokens_from_the_tenant_open_the_endpoints_their_scopes_allow() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    let read = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-read").await);
    let none = format!("Bearer {}", token_for(&tenant, "quickstart-m2m-none").await);
    let (status, _, body) = get(&api, "/api/private-scoped", &[&read]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["message"],
        "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this."
    );
    assert_eq!(get(&api, "/api/private", &[&none]).await.0, 200);
    assert_eq!(get(&api, "/api/private-scoped", &[&none]).await.0, 403);
}

#[tokio::test]
async fn rbac_permissions_count_when_configured() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[("AUTH0_SCOPE_SOURCE", "scope+permissions")]).await;
    let auth = changed(&tenant, |c| {
        c.as_object_mut().unwrap().remove("scope");
        c["permissions"] = json!(["read:messages"]);
    });
    assert_eq!(get(&api, "/api/private-scoped", &[&auth[0]]).await.0, 200);
}

#[tokio::test]
async fn cors_headers_come_with_answers_and_errors_and_preflights() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    for path in ["/api/public", "/api/private"] {
        let res = http()
            .get(format!("{}{path}", api.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["access-control-allow-origin"], "*", "{path}");
    }
    let res = http()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/private", api.url()),
        )
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(
        res.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("Authorization")
    );
}

#[tokio::test]
async fn exotic_requests_get_4xx_never_5xx() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    for size in [20_000, 70_000, 1 << 20] {
        let huge = format!("Bearer {}", "a".repeat(size));
        let res = http()
            .get(format!("{}/api/private", api.url()))
            .header("authorization", huge)
            .send()
            .await;
        // Past hyper's header limit the server may answer 431 or close the connection; never 5xx.
        if let Ok(res) = res {
            assert!(
                res.status().is_client_error(),
                "{size}-byte token: {}",
                res.status()
            );
        }
    }
    assert_eq!(
        get(&api, "/api/public", &[]).await.0,
        200,
        "still up after huge headers"
    );
    let res = http()
        .get(format!("{}/api/private", api.url()))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // An unknown path is 404 (it was 405: the OPTIONS route refused the method first); a
    // known path with another method is 405.
    for (method, path, status) in [
        ("GET", "/nope", 404),
        ("POST", "/nope", 404),
        ("POST", "/api/private", 405),
        ("DELETE", "/api/public", 405),
    ] {
        let res = http()
            .request(method.parse().unwrap(), format!("{}{path}", api.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{method} {path}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["code"].is_string(), "{method} {path}: {body}");
    }
}

/// The messages: a scope per method, nothing stored; the scope of one method opens no other.
#[tokio::test]
async fn each_messages_operation_needs_its_own_scope() {
    let tenant = MockTenant::start().await;
    let api = api_for(&tenant, &[]).await;
    let with = |scope: &str| changed(&tenant, |c| c["scope"] = json!(scope)).remove(0);
    let send = |method: &str, path: &str, auth: String| {
        http()
            .request(method.parse().unwrap(), format!("{}{path}", api.url()))
            .header("authorization", auth)
            .json(&json!({"text": "hello"}))
            .send()
    };
    for (method, path, scope, ok) in [
        ("GET", "/api/messages", "read:messages", 200),
        ("POST", "/api/messages", "write:messages", 201),
        ("DELETE", "/api/messages/1", "delete:messages", 204),
    ] {
        let res = send(method, path, with(scope)).await.unwrap();
        assert_eq!(res.status(), ok, "{method} {path} with {scope}");
        let others = ["read:messages", "write:messages", "delete:messages"]
            .into_iter()
            .filter(|s| *s != scope)
            .collect::<Vec<_>>()
            .join(" ");
        let res = send(method, path, with(&others)).await.unwrap();
        assert_eq!(res.status(), 403, "{method} {path} with {others}");
        let challenge = res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            challenge.contains(&format!("scope=\"{scope}\"")),
            "{challenge}"
        );
    }
    let res = http()
        .put(format!("{}/api/messages", api.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    // The document it serves is the one the crate carries.
    let doc = http()
        .get(format!("{}/openapi.json", api.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(doc, sample_api::OPENAPI);
}
