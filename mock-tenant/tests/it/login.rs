//! The login journey: `/authorize` (auto-login, login page, SSO, prompt, response modes, PKCE),
//! the code, refresh and password grants, `/userinfo`, logout and revoke, with Auth0's statuses
//! and bodies for every refusal.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mock_tenant::MockTenant;
use serde_json::{Value, json};
use std::collections::HashMap;

pub(crate) const WEB: &str = "quickstart-web";
pub(crate) const WEB_SECRET: &str = "test-only-secret-web";
const CALLBACK: &str = "http://localhost:5000/callback";
pub(crate) const ALICE: &str = "auth0|65f0c0ffee0000000000a11c";
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

use crate::browser;

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// The standard authorize parameters for the web client, Alice auto-logged in by login_hint.
pub(crate) fn authorize_params() -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", WEB.into()),
        ("redirect_uri", CALLBACK.into()),
        (
            "scope",
            "openid profile email offline_access read:messages".into(),
        ),
        ("audience", fixtures::QUICKSTART_AUDIENCE.into()),
        ("state", "st-123".into()),
        ("nonce", "n-456".into()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
        ("login_hint", "alice@example.com".into()),
    ]
}

/// The query of a redirect's `Location`, asserting it goes to `CALLBACK`.
pub(crate) fn callback_query(res: &reqwest::Response) -> HashMap<String, String> {
    assert_eq!(res.status(), 302, "expected a redirect");
    let location = res.headers()["location"].to_str().unwrap();
    let (base, query) = location.split_once('?').expect("a query");
    assert_eq!(base, CALLBACK);
    url_pairs(query)
}

fn url_pairs(query: &str) -> HashMap<String, String> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

pub(crate) async fn authorize(tenant: &MockTenant, params: &[(&str, String)]) -> reqwest::Response {
    browser(tenant)
        .get(format!("{}/authorize", tenant.url()))
        .query(params)
        .send()
        .await
        .unwrap()
}

/// A code for Alice, logged in at once by `login_hint`.
async fn code(tenant: &MockTenant) -> String {
    let res = authorize(tenant, &authorize_params()).await;
    let query = callback_query(&res);
    assert_eq!(query["state"], "st-123");
    query["code"].clone()
}

pub(crate) async fn exchange(tenant: &MockTenant, form: &[(&str, &str)]) -> (u16, Value) {
    let res = browser(tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .basic_auth(WEB, Some(WEB_SECRET))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert_eq!(res.headers()["content-type"], "application/json");
    (status, res.json().await.unwrap())
}

pub(crate) async fn redeem(tenant: &MockTenant, code: &str, verifier: &str) -> (u16, Value) {
    exchange(
        tenant,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// The refresh_token grant of the web client.
pub(crate) async fn refresh(tenant: &MockTenant, refresh_token: &str) -> (u16, Value) {
    exchange(
        tenant,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

pub(crate) fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn refused(description: &str) -> Value {
    json!({"error": "invalid_grant", "error_description": description})
}

#[tokio::test]
async fn code_flow_with_pkce_gives_auth0_shaped_tokens_verified_by_the_jwks() {
    let tenant = MockTenant::start().await;
    let code = code(&tenant).await;
    let (status, body) = redeem(&tenant, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "refresh_token",
            "id_token",
            "scope",
            "expires_in",
            "token_type"
        ]
    );
    assert_eq!(
        body["scope"],
        "openid profile email offline_access read:messages"
    );
    assert_eq!(body["expires_in"], 86400);

    let id = crate::verify_for(&tenant, body["id_token"].as_str().unwrap(), WEB)
        .await
        .expect("the ID token verifies");
    assert_eq!(id["sub"], ALICE);
    assert_eq!(id["aud"], WEB);
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["name"], "Alice Test");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["https://quickstarts/roles"], json!(["reader", "writer"]));
    assert_eq!(id["sid"].as_str().unwrap().len(), 32);
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        36000
    );
    let first_keys: Vec<_> = id.as_object().unwrap().keys().take(2).cloned().collect();
    assert_eq!(
        first_keys,
        ["given_name", "family_name"],
        "profile claims first"
    );

    let at = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .expect("the access token verifies");
    let userinfo_aud = format!("{}userinfo", tenant.issuer());
    assert_eq!(
        at["aud"],
        json!([fixtures::QUICKSTART_AUDIENCE, userinfo_aud])
    );
    assert_eq!(at["azp"], WEB);
    assert!(at.get("gty").is_none(), "user tokens have no gty");

    // /userinfo with that access token.
    let res = browser(&tenant)
        .get(format!("{}/userinfo", tenant.url()))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["sub"], ALICE);
    assert_eq!(profile["nickname"], "alice");
    assert_eq!(profile["email"], "alice@example.com");
}

#[tokio::test]
async fn each_refusal_of_a_code_is_auth0s_403() {
    let tenant = MockTenant::start().await;
    // Wrong PKCE verifier (the code is spent by the attempt, as a code is tried once).
    let (status, body) = redeem(&tenant, &code(&tenant).await, &"x".repeat(43)).await;
    assert_eq!(
        (status, body),
        (403, refused("Failed to verify code verifier"))
    );
    // No verifier at all for a code with a challenge.
    let c = code(&tenant).await;
    let (status, body) = exchange(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_eq!(
        (status, body),
        (403, refused("Failed to verify code verifier"))
    );
    // Replayed code.
    let c = code(&tenant).await;
    assert_eq!(redeem(&tenant, &c, VERIFIER).await.0, 200);
    let (status, body) = redeem(&tenant, &c, VERIFIER).await;
    assert_eq!((status, body), (403, refused("Invalid authorization code")));
    // Wrong redirect_uri.
    let c = code(&tenant).await;
    let (status, body) = exchange(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", "http://127.0.0.1:5000/callback"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, body),
        (
            403,
            refused("The redirect_uri does not match the one sent to /authorize")
        )
    );
    // Expired code: the tenant's clock moves past its 60 s.
    let c = code(&tenant).await;
    tenant.set_clock_offset(61);
    let (status, body) = redeem(&tenant, &c, VERIFIER).await;
    assert_eq!((status, body), (403, refused("Invalid authorization code")));
    tenant.set_clock_offset(0);
    // A forged or truncated code.
    let (status, body) = redeem(&tenant, "not-a-code", VERIFIER).await;
    assert_eq!((status, body), (403, refused("Invalid authorization code")));
    // Another client's code: refused even with the right verifier.
    let c = code(&tenant).await;
    let res = browser(&tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "quickstart-spa"),
            ("code", &c),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        refused("Invalid authorization code")
    );
}

#[tokio::test]
async fn rotated_refresh_tokens_work_once_and_reuse_revokes_the_family() {
    let tenant = MockTenant::start().await;
    let (_, first) = redeem(&tenant, &code(&tenant).await, VERIFIER).await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |rt: String| {
        let tenant = &tenant;
        async move {
            exchange(
                tenant,
                &[("grant_type", "refresh_token"), ("refresh_token", &rt)],
            )
            .await
        }
    };
    let (status, second) = refresh(rt1.clone()).await;
    assert_eq!(status, 200, "{second}");
    let rt2 = second["refresh_token"]
        .as_str()
        .expect("rotation returns a new one")
        .to_owned();
    assert_ne!(rt1, rt2);
    let id = claims(second["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], ALICE);
    assert!(id.get("nonce").is_none(), "no nonce after a refresh");

    // Reusing the rotated-out token is refused, and revokes rt2 with it.
    assert_eq!(
        refresh(rt1).await,
        (403, refused("Unknown or invalid refresh token."))
    );
    assert_eq!(
        refresh(rt2).await,
        (403, refused("Unknown or invalid refresh token."))
    );
    assert_eq!(
        refresh("garbage".into()).await,
        (403, refused("Unknown or invalid refresh token."))
    );
}

#[tokio::test]
async fn revoke_ends_a_refresh_token_family() {
    let tenant = MockTenant::start().await;
    let (_, body) = redeem(&tenant, &code(&tenant).await, VERIFIER).await;
    let rt = body["refresh_token"].as_str().unwrap();
    let res = browser(&tenant)
        .post(format!("{}/oauth/revoke", tenant.url()))
        .json(&json!({"client_id": WEB, "client_secret": WEB_SECRET, "token": rt}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "");
    let (status, body) = exchange(
        &tenant,
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
    )
    .await;
    assert_eq!(
        (status, body),
        (403, refused("Unknown or invalid refresh token."))
    );
}

#[tokio::test]
async fn password_grants_check_the_password_and_the_realm() {
    let tenant = MockTenant::start().await;
    let (status, body) = exchange(
        &tenant,
        &[
            ("grant_type", "password"),
            ("username", "bob@example.com"),
            ("password", "test-only-password-bob"),
            ("scope", "openid email"),
            ("audience", fixtures::QUICKSTART_AUDIENCE),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["email"],
        "bob@example.com"
    );
    assert!(
        body.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    let (status, body) = exchange(
        &tenant,
        &[
            (
                "grant_type",
                "http://auth0.com/oauth/grant-type/password-realm",
            ),
            ("username", "bob@example.com"),
            ("password", "test-only-password-bob"),
            ("realm", "Username-Password-Authentication"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for (username, password) in [("bob@example.com", "wrong"), ("nobody@example.com", "x")] {
        let (status, body) = exchange(
            &tenant,
            &[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
            ],
        )
        .await;
        assert_eq!((status, body), (403, refused("Wrong email or password.")));
    }
    // An M2M client has no password grant.
    let res = browser(&tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "quickstart-m2m-read"),
            ("client_secret", "test-only-secret-m2m-read"),
            ("username", "bob@example.com"),
            ("password", "test-only-password-bob"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "Grant type 'password' not allowed for the client."
    );
}

#[tokio::test]
async fn a_bad_client_or_redirect_uri_gets_a_page_and_other_errors_go_back_with_state() {
    let tenant = MockTenant::start().await;
    let mut params = authorize_params();
    params[1].1 = "no-such-client".into();
    let res = authorize(&tenant, &params).await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Unknown client: no-such-client")
    );

    let mut params = authorize_params();
    params[2].1 = "https://evil.example/callback".into();
    let res = authorize(&tenant, &params).await;
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    assert!(res.text().await.unwrap().contains("Callback URL mismatch"));

    let mut params = authorize_params();
    params[4].1 = "https://unknown/api".into();
    let query = callback_query(&authorize(&tenant, &params).await);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(
        query["error_description"],
        "Service not found: https://unknown/api"
    );
    assert_eq!(query["state"], "st-123");

    let mut params = authorize_params();
    params[0].1 = "token".into();
    let query = callback_query(&authorize(&tenant, &params).await);
    assert_eq!(query["error"], "unsupported_response_type");

    let mut params = authorize_params();
    params.push(("prompt", "none".into()));
    let query = callback_query(&authorize(&tenant, &params).await);
    assert_eq!(
        (query["error"].as_str(), query["error_description"].as_str()),
        ("login_required", "Login required")
    );
}

/// The `auth0` cookie from a response.
fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("auth0="))
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_login_page_lists_users_and_takes_a_custom_subject_then_sso_and_logout() {
    let tenant = MockTenant::start().await;
    let mut params = authorize_params();
    params.pop(); // no login_hint: the page
    let res = authorize(&tenant, &params).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    for user in ["alice@example.com", "bob@example.com", "carol@example.com"] {
        assert!(page.contains(user), "{user} listed");
    }
    assert!(page.contains("anyone can log in as anyone"));
    let tx = page
        .split("name=\"tx\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();

    // A subject nobody configured.
    let res = browser(&tenant)
        .post(format!("{}/u/login", tenant.url()))
        .form(&[
            ("tx", tx),
            ("sub", "auth0|custom-42"),
            ("email", "c42@example.com"),
        ])
        .send()
        .await
        .unwrap();
    let query = callback_query(&res);
    let cookie = session_cookie(&res);
    let (status, body) = redeem(&tenant, &query["code"], VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    let res = browser(&tenant)
        .get(format!("{}/userinfo", tenant.url()))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["sub"], "auth0|custom-42");
    assert_eq!(profile["email"], "c42@example.com");

    // SSO: prompt=none with the session cookie gets a code silently, for the same user.
    let mut silent = params.clone();
    silent.push(("prompt", "none".into()));
    let res = browser(&tenant)
        .get(format!("{}/authorize", tenant.url()))
        .query(&silent)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let code = callback_query(&res)["code"].clone();
    let (_, body) = redeem(&tenant, &code, VERIFIER).await;
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["sub"],
        "auth0|custom-42"
    );

    // Logout ends the session: the cookie no longer logs in silently.
    let res = browser(&tenant)
        .get(format!("{}/v2/logout", tenant.url()))
        .query(&[("client_id", WEB), ("returnTo", "http://localhost:5000")])
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "http://localhost:5000");
    let res = browser(&tenant)
        .get(format!("{}/authorize", tenant.url()))
        .query(&silent)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(callback_query(&res)["error"], "login_required");
}

#[tokio::test]
async fn form_post_answers_with_a_self_posting_form() {
    let tenant = MockTenant::start().await;
    let mut params = authorize_params();
    params.push(("response_mode", "form_post".into()));
    let res = authorize(&tenant, &params).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains(&format!("action=\"{CALLBACK}\"")));
    assert!(page.contains("name=\"code\""));
    assert!(page.contains("name=\"state\" value=\"st-123\""));
}

#[tokio::test]
async fn logout_urls_follow_the_allowed_list_with_auth0s_texts() {
    let tenant = MockTenant::start().await;
    let get = |path: String| {
        let b = browser(&tenant);
        async move { b.get(path).send().await.unwrap() }
    };
    let res = get(format!(
        "{}/v2/logout?client_id={WEB}&returnTo=https://evil.example",
        tenant.url()
    ))
    .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains(
        "The &quot;returnTo&quot; querystring parameter &quot;https://evil.example&quot; is not \
         defined as a valid URL in &quot;Allowed Logout URLs&quot;."
    ));
    let res = get(format!("{}/v2/logout?client_id={WEB}", tenant.url())).await;
    assert_eq!(res.headers()["location"], "http://localhost:5000");
    let res = get(format!("{}/v2/logout", tenant.url())).await;
    assert_eq!(
        (res.status().as_u16(), res.text().await.unwrap()),
        (200, "OK".into())
    );

    let (_, body) = redeem(&tenant, &code(&tenant).await, VERIFIER).await;
    let hint = body["id_token"].as_str().unwrap();
    let res = get(format!(
        "{}/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri=http://localhost:5000&state=s1",
        tenant.url()
    ))
    .await;
    assert_eq!(res.headers()["location"], "http://localhost:5000?state=s1");
    let res = get(format!(
        "{}/oidc/logout?id_token_hint={hint}&post_logout_redirect_uri=https://evil.example",
        tenant.url()
    ))
    .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("post_logout_redirect_uri")
    );
}

#[tokio::test]
async fn userinfo_refuses_bad_tokens_with_auth0s_plain_text_401() {
    let tenant = MockTenant::start().await;
    let m2m = crate::token_for(&tenant, "quickstart-m2m-read").await;
    for (token, reason) in [
        (Some("garbage"), "Malformed token"),
        (Some(m2m.as_str()), "Invalid token audience"),
        (None, "Missing or malformed Authorization header"),
    ] {
        let mut req = browser(&tenant).get(format!("{}/userinfo", tenant.url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.headers()["www-authenticate"],
            format!(
                "Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"{reason}\""
            )
            .as_str()
        );
        assert_eq!(res.text().await.unwrap(), "Unauthorized");
    }
}

/// A login without an audience: the access token of the answer.
async fn userinfo_only_token(tenant: &MockTenant) -> String {
    let mut params = authorize_params();
    params.retain(|(k, _)| *k != "audience");
    let code = callback_query(&authorize(tenant, &params).await)["code"].clone();
    let (status, body) = redeem(tenant, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn userinfo_status(tenant: &MockTenant, token: &str) -> (u16, String) {
    let res = browser(tenant)
        .get(format!("{}/userinfo", tenant.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn without_an_audience_the_access_token_is_auth0s_jwe_which_only_userinfo_reads() {
    let tenant = MockTenant::start().await;
    let token = userinfo_only_token(&tenant).await;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 5, "a JWE: {token}");
    assert_eq!(parts[1], "", "alg dir: no encrypted key");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        json!({"alg": "dir", "enc": "A256GCM", "iss": tenant.issuer()})
    );
    let (status, body) = userinfo_status(&tenant, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["sub"], ALICE);
    assert!(
        crate::verify(&tenant, &token).await.is_err(),
        "no API can verify it"
    );
    // One changed byte of the ciphertext: refused, Auth0's plain-text 401.
    let mut tampered: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
    let flipped = if tampered[3].starts_with('A') {
        "B"
    } else {
        "A"
    };
    tampered[3].replace_range(0..1, flipped);
    let (status, body) = userinfo_status(&tenant, &tampered.join(".")).await;
    assert_eq!((status, body.as_str()), (401, "Unauthorized"));
    // Another tenant's JWE is not ours.
    let other = MockTenant::builder().random_keys().start().await;
    let foreign = userinfo_only_token(&other).await;
    assert_eq!(userinfo_status(&tenant, &foreign).await.0, 401);
}

#[tokio::test]
async fn userinfo_tokens_jwt_keeps_the_signed_shape_for_tests_that_need_it() {
    let tenant = MockTenant::start().await;
    let mut config = tenant.config();
    config.userinfo_tokens = mock_tenant::UserinfoTokens::Jwt;
    tenant.set_config(config);
    let token = userinfo_only_token(&tenant).await;
    let claims = crate::verify_for(&tenant, &token, &format!("{}userinfo", tenant.issuer()))
        .await
        .expect("a JWT for /userinfo");
    assert_eq!(claims["sub"], ALICE);
    assert_eq!(userinfo_status(&tenant, &token).await.0, 200);
    // The tenant file says so too, and GET /_mock/config shows it.
    let served: Value =
        crate::json_of(browser(&tenant).get(format!("{}/_mock/config", tenant.url()))).await;
    assert_eq!(served["userinfo_tokens"], "jwt");
    let parsed = mock_tenant::TenantConfig::from_json(&served.to_string()).unwrap();
    assert_eq!(parsed.userinfo_tokens, mock_tenant::UserinfoTokens::Jwt);
}

/// A user grant at a custom domain issues that domain's tokens (access and ID token), and
/// `/userinfo` takes them; the canonical host still issues its own.
#[tokio::test]
async fn a_login_on_a_custom_domain_issues_that_domains_tokens() {
    let tenant = MockTenant::builder()
        .custom_domain("127.0.0.1")
        .start()
        .await;
    let custom = format!("https://127.0.0.1:{}/", tenant.addr().port());
    let form = [
        ("grant_type", "password"),
        ("username", "bob@example.com"),
        ("password", "test-only-password-bob"),
        ("scope", "openid email"),
        ("audience", fixtures::QUICKSTART_AUDIENCE),
    ];
    let res = browser(&tenant)
        .post(format!("{custom}oauth/token"))
        .basic_auth(WEB, Some(WEB_SECRET))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["iss"], custom.as_str());
    assert_eq!(
        claims(access)["aud"],
        json!([fixtures::QUICKSTART_AUDIENCE, format!("{custom}userinfo")])
    );
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["iss"],
        custom.as_str()
    );
    let profile = browser(&tenant)
        .get(format!("{custom}userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 200);
    let (status, body) = exchange(&tenant, &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["iss"],
        tenant.issuer()
    );
}
