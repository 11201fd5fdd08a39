//! Rate limits on demand: a client over its limit on `/oauth/token` gets Auth0's 429 with the
//! `x-ratelimit-*` headers, every answer under it carries them, other clients are untouched,
//! and a limit changes at run time with the configuration.

use crate::{now, token_response};
use mock_tenant::{MockTenant, RateLimit, TenantConfig};
use serde_json::{Value, json};

const READ_ID: &str = "quickstart-m2m-read";
const READ_SECRET: &str = "test-only-secret-m2m-read";

fn limited(limit: u32, window_secs: u64) -> TenantConfig {
    let mut config = TenantConfig::quickstart();
    config.rate_limits = vec![RateLimit {
        endpoint: "/oauth/token".into(),
        client_id: Some(READ_ID.into()),
        limit,
        window_secs,
    }];
    config
}

async fn ask(tenant: &MockTenant, id: &str, secret: &str) -> reqwest::Response {
    token_response(
        tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("audience", fixtures::QUICKSTART_AUDIENCE),
        ],
    )
    .await
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn over_its_limit_a_client_gets_auth0s_429_and_the_headers_say_when_to_retry() {
    let tenant = MockTenant::builder().tenant(limited(2, 3600)).start().await;
    for remaining in ["1", "0"] {
        let res = ask(&tenant, READ_ID, READ_SECRET).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "x-ratelimit-limit").as_deref(), Some("2"));
        assert_eq!(
            header(&res, "x-ratelimit-remaining").as_deref(),
            Some(remaining)
        );
    }
    let res = ask(&tenant, READ_ID, READ_SECRET).await;
    assert_eq!(res.status(), 429);
    let reset: i64 = header(&res, "x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset > now() && reset <= now() + 3600, "{reset}");
    assert_eq!(header(&res, "x-ratelimit-remaining").as_deref(), Some("0"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "too_many_requests", "error_description": "Global limit has been reached"})
    );
    // Another client is not limited, and carries no rate headers.
    let other = ask(
        &tenant,
        "quickstart-m2m-read-write",
        "test-only-secret-m2m-read-write",
    )
    .await;
    assert_eq!(other.status(), 200);
    assert!(header(&other, "x-ratelimit-limit").is_none());
    // A wrong secret is refused before it is counted: the 401 says nothing of limits.
    let wrong = ask(&tenant, READ_ID, "guess").await;
    assert_eq!(wrong.status(), 401);
    // At run time: the limit lifted with the configuration, the client gets tokens again.
    tenant.set_config(TenantConfig::quickstart());
    assert_eq!(ask(&tenant, READ_ID, READ_SECRET).await.status(), 200);
}

#[tokio::test]
async fn a_window_ends_and_the_client_may_ask_again() {
    let tenant = MockTenant::builder().tenant(limited(1, 1)).start().await;
    let mut refused = None;
    // One request per 1 s window: the second in the same window is refused (retried a few
    // times in case the first two fell on either side of a window's edge).
    for _ in 0..5 {
        assert_eq!(ask(&tenant, READ_ID, READ_SECRET).await.status(), 200);
        let res = ask(&tenant, READ_ID, READ_SECRET).await;
        if res.status() == 429 {
            refused = header(&res, "x-ratelimit-reset");
            break;
        }
    }
    let reset: i64 = refused.expect("a 429 within 5 tries").parse().unwrap();
    while now() < reset {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ask(&tenant, READ_ID, READ_SECRET).await.status(), 200);
}

#[test]
fn a_limit_the_tenant_cannot_apply_is_named_with_its_place() {
    let problem = |limit: Value| {
        let mut doc = serde_json::to_value(TenantConfig::quickstart()).unwrap();
        doc["rate_limits"] = json!([limit]);
        TenantConfig::from_json(&doc.to_string())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let userinfo = problem(json!({"endpoint": "/userinfo", "limit": 1, "window_secs": 1}));
    assert!(
        userinfo.contains("rate_limits[0]: endpoint \"/userinfo\" cannot be limited"),
        "{userinfo}"
    );
    let zero = problem(json!({"endpoint": "/oauth/token", "limit": 0, "window_secs": 1}));
    assert!(zero.contains("at least 1"), "{zero}");
    let nobody = problem(
        json!({"endpoint": "/oauth/token", "client_id": "nobody", "limit": 1, "window_secs": 1}),
    );
    assert!(nobody.contains("no client \"nobody\""), "{nobody}");
}
