//! What single-page apps need from the tenant: CORS on the endpoints browsers call (preflights,
//! allowed and disallowed origins, the headers Auth0 sends) and `response_mode=web_message`
//! (success, error, an origin that is not an Allowed Web Origin). The browser itself is in
//! `tests/interop/test_spa.py`, with auth0-spa-js.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mock_tenant::MockTenant;
use reqwest::Method;
use serde_json::{Value, json};

const SPA: &str = "quickstart-spa";
/// The default SPA client's origin: its callback, Allowed Origin and Allowed Web Origin.
const APP: &str = "http://localhost:3000";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// What auth0-spa-js sends in `Auth0-Client`: base64 of its name and version.
const AUTH0_CLIENT: &str = "eyJuYW1lIjoiYXV0aDAtc3BhLWpzIiwidmVyc2lvbiI6IjIuMjguMyJ9";

use crate::browser;

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

async fn preflight(tenant: &MockTenant, path: &str, origin: &str) -> reqwest::Response {
    browser(tenant)
        .request(Method::OPTIONS, format!("{}{path}", tenant.url()))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "auth0-client,content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_preflight_passes_with_the_origin_echoed_and_the_sdks_headers_allowed() {
    let tenant = MockTenant::start().await;
    // The preflight carries no body, so no client: every origin passes it, as on Auth0.
    for origin in [APP, "https://elsewhere.example"] {
        let res = preflight(&tenant, "/oauth/token", origin).await;
        assert_eq!(res.status(), 204, "{origin}");
        assert_eq!(header(&res, "access-control-allow-origin"), Some(origin));
        assert_eq!(
            header(&res, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(header(&res, "access-control-allow-methods"), Some("POST"));
        assert_eq!(
            header(&res, "access-control-allow-headers"),
            Some("auth0-client,content-type")
        );
        assert_eq!(header(&res, "access-control-max-age"), Some("86400"));
        assert!(header(&res, "vary").unwrap().contains("Origin"));
    }
    let res = preflight(&tenant, "/userinfo", APP).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header(&res, "access-control-allow-methods"),
        Some("GET, POST")
    );
}

#[tokio::test]
async fn navigations_unknown_paths_and_null_origins_get_no_cors() {
    let tenant = MockTenant::start().await;
    let res = preflight(&tenant, "/authorize", APP).await;
    assert_eq!(res.status(), 405);
    assert_eq!(header(&res, "allow"), Some("GET"));
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    let res = preflight(&tenant, "/nope", APP).await;
    assert_eq!(res.status(), 404);
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    let res = preflight(&tenant, "/oauth/token", "null").await;
    assert_eq!(res.status(), 405);
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    // Not a preflight: OPTIONS without Access-Control-Request-Method.
    let res = browser(&tenant)
        .request(Method::OPTIONS, format!("{}/oauth/token", tenant.url()))
        .header("origin", APP)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    // Without an Origin, an answer has no CORS headers at all.
    let res = browser(&tenant)
        .get(format!("{}/.well-known/jwks.json", tenant.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn public_documents_allow_any_origin_without_credentials() {
    let tenant = MockTenant::start().await;
    for path in [
        "/.well-known/jwks.json",
        "/.well-known/openid-configuration",
    ] {
        let res = browser(&tenant)
            .get(format!("{}{path}", tenant.url()))
            .header("origin", "https://elsewhere.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(header(&res, "access-control-allow-origin"), Some("*"));
        assert_eq!(header(&res, "access-control-allow-credentials"), None);
    }
}

#[tokio::test]
async fn the_control_api_echoes_any_origin_without_credentials() {
    let tenant = MockTenant::start().await;
    let res = browser(&tenant)
        .request(Method::OPTIONS, format!("{}/_mock/config", tenant.url()))
        .header("origin", "http://localhost:8123")
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        header(&res, "access-control-allow-origin"),
        Some("http://localhost:8123")
    );
    assert_eq!(
        header(&res, "access-control-allow-methods"),
        Some("GET, PUT")
    );
    assert_eq!(header(&res, "access-control-allow-credentials"), None);
    let res = browser(&tenant)
        .get(format!("{}/_mock/config", tenant.url()))
        .header("origin", "http://localhost:8123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "access-control-allow-origin"),
        Some("http://localhost:8123")
    );
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        VERIFIER.as_bytes(),
    ))
}

/// auth0-spa-js's `/authorize` parameters, with `auth0Client`, for `response_mode`.
fn spa_params(mode: &str, prompt: Option<&str>) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("client_id", SPA.to_owned()),
        ("redirect_uri", APP.to_owned()),
        ("response_type", "code".into()),
        ("response_mode", mode.to_owned()),
        ("scope", "openid profile email offline_access".into()),
        ("audience", fixtures::QUICKSTART_AUDIENCE.into()),
        ("state", "c3RhdGU<&>".into()),
        ("nonce", "bm9uY2U".into()),
        ("code_challenge", challenge()),
        ("code_challenge_method", "S256".into()),
        ("auth0Client", AUTH0_CLIENT.into()),
        ("login_hint", "bob@example.com".into()),
    ];
    if let Some(prompt) = prompt {
        params.push(("prompt", prompt.to_owned()));
    }
    params
}

async fn authorize(
    client: &reqwest::Client,
    tenant: &MockTenant,
    params: &[(&str, String)],
) -> reqwest::Response {
    client
        .get(format!("{}/authorize", tenant.url()))
        .query(params)
        .send()
        .await
        .unwrap()
}

/// The target origin and message of a `web_message` page, read back from its script.
fn posted(page: &str) -> (String, Value) {
    let after = |marker: &str| {
        let start = page.find(marker).expect(marker) + marker.len();
        let end = start + page[start..].find(";var ").expect("the next statement");
        serde_json::from_str::<Value>(&page[start..end]).expect("JSON in the script")
    };
    let origin = after("var targetOrigin=");
    (
        origin.as_str().unwrap().to_owned(),
        after("var authorizationResponse="),
    )
}

/// Redeems `code` the way auth0-spa-js does: JSON body, `Auth0-Client`, from `origin`.
async fn redeem(tenant: &MockTenant, code: &str, origin: &str) -> reqwest::Response {
    browser(tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .header("origin", origin)
        .header("auth0-client", AUTH0_CLIENT)
        .json(&json!({
            "client_id": SPA,
            "code_verifier": VERIFIER,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": APP,
        }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn web_message_posts_the_code_to_the_apps_origin_and_the_code_redeems_from_it() {
    let tenant = MockTenant::start().await;
    let client = browser(&tenant);
    let res = authorize(&client, &tenant, &spa_params("web_message", None)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), Some("no-store"));
    let cookie = header(&res, "set-cookie").unwrap().to_owned();
    // The iframe of silent auth is cross-site (http app, https tenant): SameSite=None; Secure.
    assert!(cookie.contains("; Secure; SameSite=None"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let page = res.text().await.unwrap();
    assert!(!page.contains("<&>"), "the state is escaped in the script");
    let (origin, message) = posted(&page);
    assert_eq!(origin, APP);
    assert_eq!(message["type"], "authorization_response");
    assert_eq!(message["response"]["state"], "c3RhdGU<&>");
    let code = message["response"]["code"].as_str().unwrap().to_owned();

    let res = redeem(&tenant, &code, APP).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(APP));
    assert_eq!(
        header(&res, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        header(&res, "access-control-expose-headers"),
        Some("WWW-Authenticate, DPoP-Nonce")
    );
    let body: Value = res.json().await.unwrap();
    assert!(body["refresh_token"].is_string(), "{body}");

    // Silent auth: the SSO cookie answers prompt=none with a new code, the same way.
    let res = client
        .get(format!("{}/authorize", tenant.url()))
        .query(&spa_params("web_message", Some("none")))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    let (_, message) = posted(&res.text().await.unwrap());
    assert!(message["response"]["code"].is_string(), "{message}");
}

#[tokio::test]
async fn web_message_posts_errors_the_same_way() {
    let tenant = MockTenant::start().await;
    // No session: prompt=none is answered login_required, by postMessage, with the state.
    let res = authorize(
        &browser(&tenant),
        &tenant,
        &spa_params("web_message", Some("none")),
    )
    .await;
    assert_eq!(res.status(), 200);
    let (origin, message) = posted(&res.text().await.unwrap());
    assert_eq!(origin, APP);
    assert_eq!(
        message,
        json!({"type": "authorization_response", "response": {
            "error": "login_required",
            "error_description": "Login required",
            "state": "c3RhdGU<&>",
        }})
    );
    // Any other error after the client is known comes back the same way.
    let mut params = spa_params("web_message", None);
    params.retain(|(k, _)| *k != "code_challenge");
    let (_, message) = posted(
        &authorize(&browser(&tenant), &tenant, &params)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(message["response"]["error"], "invalid_request");
}

#[tokio::test]
async fn web_message_to_an_origin_that_is_not_an_allowed_web_origin_is_an_error_page() {
    let tenant = MockTenant::start().await;
    // The callback is registered, its origin is not an Allowed Web Origin.
    let mut config = tenant.config();
    let spa = config
        .clients
        .iter_mut()
        .find(|c| c.client_id == SPA)
        .unwrap();
    spa.callbacks.push("http://localhost:4000".into());
    tenant.set_config(config);
    let mut params = spa_params("web_message", Some("none"));
    params[1].1 = "http://localhost:4000".into();
    let res = authorize(&browser(&tenant), &tenant, &params).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(!page.contains("postMessage"), "nothing is posted");
    assert!(
        page.contains("does not have a registered origin") && page.contains("web_origins"),
        "{page}"
    );
}

#[tokio::test]
async fn a_disallowed_origin_cannot_redeem_or_refresh_and_can_read_why() {
    let tenant = MockTenant::start().await;
    let client = browser(&tenant);
    let res = authorize(&client, &tenant, &spa_params("web_message", None)).await;
    let (_, message) = posted(&res.text().await.unwrap());
    let code = message["response"]["code"].as_str().unwrap().to_owned();
    for origin in ["http://localhost:3001", "https://localhost:3000", "null"] {
        let res = redeem(&tenant, &code, origin).await;
        assert_eq!(res.status(), 401, "{origin}");
        let echoed = (origin != "null").then_some(origin);
        assert_eq!(header(&res, "access-control-allow-origin"), echoed);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body,
            json!({"error": "access_denied", "error_description": "Unauthorized"})
        );
    }
    // The refusals did not spend the code: the allowed origin still redeems it.
    let res = redeem(&tenant, &code, APP).await;
    assert_eq!(res.status(), 200);
    let refresh = res.json::<Value>().await.unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh_from = |origin: &'static str| {
        browser(&tenant)
            .post(format!("{}/oauth/token", tenant.url()))
            .header("origin", origin)
            .json(
                &json!({"client_id": SPA, "grant_type": "refresh_token", "refresh_token": refresh}),
            )
            .send()
    };
    assert_eq!(
        refresh_from("http://evil.example").await.unwrap().status(),
        401
    );
    let res = refresh_from(APP).await.unwrap();
    assert_eq!(res.status(), 200);
    // Revocation checks the origin too.
    let res = browser(&tenant)
        .post(format!("{}/oauth/revoke", tenant.url()))
        .header("origin", "http://evil.example")
        .json(&json!({"client_id": SPA, "token": "whatever", "token_type_hint": "refresh_token"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
