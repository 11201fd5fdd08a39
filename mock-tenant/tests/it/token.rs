use super::*;
use mock_tenant::TenantConfig;
use serde_json::json;

const AUD: &str = fixtures::QUICKSTART_AUDIENCE;

#[tokio::test]
async fn client_credentials_token_carries_auth0s_claims_and_verifies() {
    let tenant = MockTenant::start().await;
    let res = token_response(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "quickstart-m2m-read"),
            ("client_secret", "test-only-secret-m2m-read"),
            ("audience", AUD),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        ["access_token", "scope", "expires_in", "token_type"]
    );
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["token_type"], "Bearer");

    let token = body["access_token"].as_str().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        header,
        json!({"alg": "RS256", "typ": "JWT", "kid": tenant.keys().current})
    );
    let claims = verify(&tenant, token)
        .await
        .expect("verifies against the JWKS");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        86400
    );
    insta::assert_json_snapshot!("client_credentials_claims", redact_port(&tenant, &claims), {
        ".iat" => "[iat]", ".exp" => "[exp]",
    });
}

#[tokio::test]
async fn scope_is_omitted_when_the_grant_has_none() {
    let tenant = MockTenant::start().await;
    let token = token_for(&tenant, "quickstart-m2m-none").await;
    let claims = verify(&tenant, &token).await.unwrap();
    let fields: Vec<&str> = claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields, ["iss", "sub", "aud", "iat", "exp", "azp", "gty"]);
}

#[tokio::test]
async fn json_body_and_basic_authentication_are_accepted() {
    let tenant = MockTenant::start().await;
    let res = client(&tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .basic_auth("quickstart-m2m-write", Some("test-only-secret-m2m-write"))
        .json(&json!({"grant_type": "client_credentials", "audience": AUD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scope"], "write:messages");
    let claims = verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["sub"], "quickstart-m2m-write@clients");
}

#[tokio::test]
async fn requested_scope_narrows_the_granted_scopes() {
    let tenant = MockTenant::start().await;
    let res = token_response(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "quickstart-m2m-read-write"),
            ("client_secret", "test-only-secret-m2m-read-write"),
            ("audience", AUD),
            ("scope", "write:messages"),
        ],
    )
    .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["scope"], "write:messages");
}

#[tokio::test]
async fn rbac_api_adds_permissions_and_lifetime_follows_the_api() {
    let mut config = TenantConfig::quickstart();
    config.apis[0].rbac = true;
    config.apis[0].token_lifetime = 600;
    let tenant = MockTenant::builder().tenant(config).start().await;
    let token = token_for(&tenant, "quickstart-m2m-read-write").await;
    let claims = verify(&tenant, &token).await.unwrap();
    assert_eq!(
        claims["permissions"],
        json!(["read:messages", "write:messages"])
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
}

#[tokio::test]
async fn default_audience_is_used_when_none_is_sent() {
    let mut config = TenantConfig::quickstart();
    config.default_audience = Some(AUD.into());
    let tenant = MockTenant::builder().tenant(config).start().await;
    let res = token_response(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "quickstart-m2m-read"),
            ("client_secret", "test-only-secret-m2m-read"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
}

/// One row per failure: the form sent, the status and the exact body Auth0 answers with.
struct ErrorCase {
    name: &'static str,
    form: &'static [(&'static str, &'static str)],
    status: u16,
    body: &'static str,
}

const CC: (&str, &str) = ("grant_type", "client_credentials");
const READ_ID: (&str, &str) = ("client_id", "quickstart-m2m-read");
const READ_SECRET: (&str, &str) = ("client_secret", "test-only-secret-m2m-read");
const API: (&str, &str) = ("audience", AUD);

const ERROR_CASES: &[ErrorCase] = &[
    ErrorCase {
        name: "missing grant_type",
        form: &[READ_ID, READ_SECRET, API],
        status: 400,
        body: r#"{"error":"invalid_request","error_description":"Missing required parameter: grant_type"}"#,
    },
    ErrorCase {
        name: "unknown grant",
        form: &[("grant_type", "magic"), READ_ID, READ_SECRET, API],
        status: 400,
        body: r#"{"error":"unsupported_grant_type","error_description":"Unsupported grant type: magic"}"#,
    },
    ErrorCase {
        name: "grant not implemented yet",
        form: &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            READ_ID,
            READ_SECRET,
        ],
        status: 400,
        body: r#"{"error":"unsupported_grant_type","error_description":"Unsupported grant type: urn:ietf:params:oauth:grant-type:device_code (not implemented by the mock tenant yet)"}"#,
    },
    ErrorCase {
        name: "user grant not enabled on an M2M client",
        form: &[
            ("grant_type", "password"),
            READ_ID,
            READ_SECRET,
            ("username", "bob@example.com"),
            ("password", "test-only-password-bob"),
        ],
        status: 403,
        body: r#"{"error":"unauthorized_client","error_description":"Grant type 'password' not allowed for the client.","error_uri":"https://auth0.com/docs/clients/client-grant-types"}"#,
    },
    ErrorCase {
        name: "unknown client",
        form: &[CC, ("client_id", "nobody"), READ_SECRET, API],
        status: 401,
        body: r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    },
    ErrorCase {
        name: "wrong secret",
        form: &[CC, READ_ID, ("client_secret", "wrong"), API],
        status: 401,
        body: r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    },
    ErrorCase {
        name: "missing secret",
        form: &[CC, READ_ID, API],
        status: 401,
        body: r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    },
    ErrorCase {
        name: "no credentials at all",
        form: &[CC, API],
        status: 401,
        body: r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    },
    ErrorCase {
        name: "unknown audience",
        form: &[CC, READ_ID, READ_SECRET, ("audience", "https://nope/api")],
        status: 403,
        body: r#"{"error":"access_denied","error_description":"Service not found: https://nope/api"}"#,
    },
    ErrorCase {
        name: "no audience and no default",
        form: &[CC, READ_ID, READ_SECRET],
        status: 403,
        body: r#"{"error":"access_denied","error_description":"No audience parameter was provided, and no default audience has been configured"}"#,
    },
    ErrorCase {
        name: "scope not granted",
        form: &[
            CC,
            READ_ID,
            READ_SECRET,
            API,
            ("scope", "read:messages write:messages"),
        ],
        status: 403,
        body: r#"{"error":"access_denied","error_description":"Client has not been granted scopes: write:messages"}"#,
    },
    ErrorCase {
        name: "private_key_jwt, an assertion that is no JWT",
        form: &[
            CC,
            ("client_assertion", "x"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            API,
        ],
        status: 401,
        body: r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
    },
];

#[tokio::test]
async fn every_token_error_has_auth0s_status_and_body() {
    let tenant = MockTenant::start().await;
    let mut failures = Vec::new();
    for case in ERROR_CASES {
        let res = token_response(&tenant, case.form).await;
        let status = res.status().as_u16();
        let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        let body = res.text().await.unwrap();
        if status != case.status || body != case.body || content_type != "application/json" {
            failures.push(format!("{}: got {status} {content_type} {body}", case.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn client_without_a_grant_for_the_api_is_refused_with_auth0s_text() {
    let mut config = TenantConfig::quickstart();
    config
        .client_grants
        .retain(|g| g.client_id != "quickstart-m2m-read");
    let tenant = MockTenant::builder().tenant(config).start().await;
    let res = token_response(&tenant, &[CC, READ_ID, READ_SECRET, API]).await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "access_denied");
    assert_eq!(
        body["error_description"],
        "Client \"quickstart-m2m-read\" is not authorized to access resource server \
         \"https://quickstarts/api\". You need to create a \"client-grant\" associated to this API."
    );
}

#[tokio::test]
async fn client_without_the_grant_type_gets_unauthorized_client() {
    let mut config = TenantConfig::quickstart();
    config.clients[1].grant_types.clear();
    let tenant = MockTenant::builder().tenant(config).start().await;
    let res = token_response(&tenant, &[CC, READ_ID, READ_SECRET, API]).await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "error": "unauthorized_client",
            "error_description": "Grant type 'client_credentials' not allowed for the client.",
            "error_uri": "https://auth0.com/docs/clients/client-grant-types",
        })
    );
}

#[tokio::test]
async fn basic_and_post_credentials_that_disagree_are_refused() {
    let tenant = MockTenant::start().await;
    let res = client(&tenant)
        .post(format!("{}/oauth/token", tenant.url()))
        .basic_auth("quickstart-m2m-write", Some("test-only-secret-m2m-write"))
        .form(&[CC, READ_ID, READ_SECRET, API])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
