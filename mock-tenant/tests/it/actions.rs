//! Actions over HTTPS: `post-login` claims in the ID and access tokens (kept on refresh), roles
//! and metadata in `event`, a deny or a throw at the callback and at the password grant;
//! `credentials-exchange` claims per client and Auth0's answers to a deny or a failure; Actions
//! changed at run time (HTTP, `ControlClient`, the tenant file's `code_file`); and a runaway
//! Action, which never stops the tenant serving others.

use crate::login::{
    ALICE, VERIFIER, authorize, authorize_params, callback_query, claims, exchange, redeem, refresh,
};
use crate::{client, json_of, token_response};
use mock_tenant::{Action, ControlClient, MockTenant, Role, RolePermission, TenantConfig, Trigger};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROLES_ACTION: &str = r#"
// Auth0's documented example: roles into tokens, plus metadata into the ID token.
exports.onExecutePostLogin = async (event, api) => {
  const namespace = "https://my-app.example.com";
  if (event.authorization) {
    api.idToken.setCustomClaim(`${namespace}/roles`, event.authorization.roles);
    api.accessToken.setCustomClaim(`${namespace}/roles`, event.authorization.roles);
  }
  api.idToken.setCustomClaim(`${namespace}/plan`, event.user.app_metadata.plan);
  api.idToken.setCustomClaim(`${namespace}/color`, event.user.user_metadata.color);
  api.accessToken.setCustomClaim(`${namespace}/seen`, {
    ip: event.request.ip,
    hostname: event.request.hostname,
    audience: event.resource_server.identifier,
    client: event.client.client_id,
    state: event.request.query.state,
    protocol: event.transaction.protocol,
    identity: event.user.identities[0].provider,
    tenant: event.tenant.id,
  });
  api.accessToken.setCustomClaim("sub", "someone-else");
};
"#;

const DENY_BY_DOMAIN: &str = r#"
// Auth0's documented example: deny by email domain.
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email && event.user.email.endsWith("@example.com")) {
    api.access.deny(`Access to ${event.client.name} is not allowed.`);
  }
};
"#;

const M2M_CLAIMS: &str = r#"
// M2M claims per client, from the client's metadata; one client denied.
exports.onExecuteCredentialsExchange = async (event, api) => {
  if (event.client.client_id === "quickstart-m2m-none") {
    api.access.deny("invalid_request", "This client may not get tokens.");
    return;
  }
  api.accessToken.setCustomClaim("https://my-api.example.com/tier", event.client.metadata.tier ?? "free");
  api.accessToken.setCustomClaim("https://my-api.example.com/request-ip", event.request.ip);
  api.accessToken.setCustomClaim("https://my-api.example.com/scopes", event.transaction.requested_scopes);
};
"#;

/// The quickstart with RBAC on, an `admin` role giving `write:messages`, and Alice an admin
/// with metadata.
fn with_roles() -> TenantConfig {
    let mut config = TenantConfig::quickstart();
    config.apis[0].rbac = true;
    config.roles = vec![Role {
        id: "rol_admin0000000000".into(),
        name: "admin".into(),
        description: String::new(),
        permissions: vec![RolePermission {
            resource_server_identifier: fixtures::QUICKSTART_AUDIENCE.into(),
            permission_name: "write:messages".into(),
        }],
    }];
    let alice = config
        .users
        .iter_mut()
        .find(|u| u.user_id == ALICE)
        .unwrap();
    alice.roles = vec!["admin".into()];
    alice.permissions.clear();
    alice.app_metadata = json!({"plan": "gold"}).as_object().unwrap().clone();
    alice.user_metadata = json!({"color": "teal"}).as_object().unwrap().clone();
    config
}

fn with_action(mut config: TenantConfig, trigger: Trigger, code: &str) -> TenantConfig {
    config.actions.push(Action::new(trigger, code));
    config
}

async fn m2m(tenant: &MockTenant, client_id: &str) -> reqwest::Response {
    crate::m2m_response(tenant, client_id, &[]).await
}

async fn m2m_claims(tenant: &MockTenant, client_id: &str) -> Value {
    let res = m2m(tenant, client_id).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    crate::verify(tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_post_login_action_puts_roles_and_metadata_in_both_tokens_and_refresh_keeps_them() {
    let config = with_action(with_roles(), Trigger::PostLogin, ROLES_ACTION);
    let tenant = MockTenant::builder().tenant(config).start().await;
    let mut params = authorize_params();
    params.retain(|(k, _)| *k != "scope");
    params.push((
        "scope",
        "openid offline_access read:messages write:messages".into(),
    ));
    let code = callback_query(&authorize(&tenant, &params).await)["code"].clone();
    let (status, body) = redeem(&tenant, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");

    let access = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    let ns = "https://my-app.example.com";
    assert_eq!(access[format!("{ns}/roles")], json!(["admin"]));
    assert_eq!(access["sub"], ALICE, "a restricted claim is dropped");
    // The role gives write:messages under RBAC; Alice has no permission of her own.
    assert_eq!(access["scope"], "openid offline_access write:messages");
    assert_eq!(access["permissions"], json!(["write:messages"]));
    let seen = &access[format!("{ns}/seen")];
    assert_eq!(seen["ip"], "127.0.0.1");
    assert_eq!(seen["hostname"], "localhost");
    assert_eq!(seen["audience"], fixtures::QUICKSTART_AUDIENCE);
    assert_eq!(seen["client"], "quickstart-web");
    assert_eq!(seen["state"], "st-123");
    assert_eq!(seen["protocol"], "oidc-basic-profile");
    assert_eq!(seen["identity"], "auth0");
    assert_eq!(seen["tenant"], "localhost");

    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id[format!("{ns}/roles")], json!(["admin"]));
    assert_eq!(id[format!("{ns}/plan")], "gold");
    assert_eq!(id[format!("{ns}/color")], "teal");
    assert_eq!(id["nonce"], "n-456");

    let (status, refreshed) = refresh(&tenant, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{refreshed}");
    let access = claims(refreshed["access_token"].as_str().unwrap());
    assert_eq!(access[format!("{ns}/roles")], json!(["admin"]));
}

#[tokio::test]
async fn a_denying_action_sends_access_denied_to_the_callback_and_the_password_grant_403() {
    let config = with_action(
        TenantConfig::quickstart(),
        Trigger::PostLogin,
        DENY_BY_DOMAIN,
    );
    let tenant = MockTenant::builder().tenant(config).start().await;
    let res = authorize(&tenant, &authorize_params()).await;
    assert!(res.headers().get("set-cookie").is_none(), "no session");
    let query = callback_query(&res);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(
        query["error_description"],
        "Access to Quickstart Web App is not allowed."
    );
    assert_eq!(query["state"], "st-123");
    assert!(!query.contains_key("code"));

    let (status, body) = exchange(
        &tenant,
        &[
            ("grant_type", "password"),
            ("username", "alice@example.com"),
            ("password", "test-only-password-alice"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"error": "access_denied", "error_description": "Access to Quickstart Web App is not allowed."})
    );
}

#[tokio::test]
async fn a_throwing_action_ends_the_login_with_its_message() {
    let code = "exports.onExecutePostLogin = async (event) => { event.user.nothing.here; };";
    let config = with_action(TenantConfig::quickstart(), Trigger::PostLogin, code);
    let tenant = MockTenant::builder().tenant(config).start().await;
    let query = callback_query(&authorize(&tenant, &authorize_params()).await);
    assert_eq!(query["error"], "access_denied");
    assert!(
        query["error_description"].starts_with("TypeError: "),
        "{query:?}"
    );
}

#[tokio::test]
async fn credentials_exchange_adds_claims_per_client_and_denies_with_auth0s_400() {
    let mut config = with_action(
        TenantConfig::quickstart(),
        Trigger::CredentialsExchange,
        M2M_CLAIMS,
    );
    let both = crate::client_mut(&mut config, "quickstart-m2m-read-write");
    both.client_metadata.insert("tier".into(), "gold".into());
    let tenant = MockTenant::builder().tenant(config).start().await;

    let claims = m2m_claims(&tenant, "quickstart-m2m-read-write").await;
    let keys: Vec<&String> = claims.as_object().unwrap().keys().collect();
    assert_eq!(
        keys[0], "https://my-api.example.com/tier",
        "custom claims first"
    );
    assert_eq!(claims["https://my-api.example.com/tier"], "gold");
    assert_eq!(claims["https://my-api.example.com/request-ip"], "127.0.0.1");
    assert_eq!(
        claims["https://my-api.example.com/scopes"],
        json!(["read:messages", "write:messages"])
    );
    assert_eq!(claims["sub"], "quickstart-m2m-read-write@clients");
    let read = m2m_claims(&tenant, "quickstart-m2m-read").await;
    assert_eq!(read["https://my-api.example.com/tier"], "free");

    let res = m2m(&tenant, "quickstart-m2m-none").await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "invalid_request", "error_description": "This client may not get tokens."})
    );
}

#[tokio::test]
async fn actions_change_at_run_time_over_http_and_with_the_control_client() {
    let tenant = MockTenant::builder().start().await;
    let url = format!("{}/_mock/actions/credentials-exchange", tenant.url());
    let res = client(&tenant)
        .put(&url)
        .header("content-type", "application/javascript")
        .body(M2M_CLAIMS)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let listed = json_of(client(&tenant).get(format!("{}/_mock/actions", tenant.url()))).await;
    assert_eq!(listed[0]["trigger"], "credentials-exchange");
    let claims = m2m_claims(&tenant, "quickstart-m2m-read").await;
    assert_eq!(claims["https://my-api.example.com/tier"], "free");

    let res = client(&tenant).delete(&url).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let claims = m2m_claims(&tenant, "quickstart-m2m-read").await;
    assert!(claims.get("https://my-api.example.com/tier").is_none());

    let bad = client(&tenant)
        .put(format!("{}/_mock/actions/pre-login", tenant.url()))
        .body("exports.x = 1;")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("one of post-login, credentials-exchange, custom-token-exchange"),
        "{body}"
    );
    let empty = client(&tenant).put(&url).body("  ").send().await.unwrap();
    assert_eq!(empty.status(), 400);

    let control = ControlClient::new(&tenant.url(), tenant.ca_pem()).unwrap();
    control
        .set_action(Trigger::PostLogin, DENY_BY_DOMAIN)
        .await
        .unwrap();
    let query = callback_query(&authorize(&tenant, &authorize_params()).await);
    assert_eq!(query["error"], "access_denied");
    control.delete_actions(Trigger::PostLogin).await.unwrap();
    let query = callback_query(&authorize(&tenant, &authorize_params()).await);
    assert!(query.contains_key("code"), "{query:?}");
}

#[tokio::test]
async fn a_tenant_file_reads_code_file_beside_it_and_refuses_one_sent_over_http() {
    let dir = std::env::temp_dir().join(format!("mock-tenant-actions-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(dir.join("actions/m2m.js"), M2M_CLAIMS).unwrap();
    let mut file: Value = serde_json::from_str(fixtures::DEFAULT_TENANT_JSON).unwrap();
    file["actions"] = json!([{"trigger": "credentials-exchange", "code_file": "actions/m2m.js"}]);
    let path = dir.join("tenant.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let config = TenantConfig::from_file(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    let config = config.unwrap();
    assert_eq!(config.actions[0].code, M2M_CLAIMS);
    assert_eq!(config.actions[0].name, "actions/m2m.js");

    let err = TenantConfig::from_json(&file.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "actions[0]: code_file actions/m2m.js is read only from a tenant file on disk"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_runaway_action_gets_auth0s_500_and_never_stops_the_tenant_serving_others() {
    let code = r#"
      exports.onExecuteCredentialsExchange = async (event, api) => {
        const wants = event.client.metadata.misbehave;
        if (wants === "loop") for (;;) {}
        if (wants === "memory") { const all = []; for (;;) all.push(new Array(4096).fill(1)); }
        if (wants === "throw") throw new Error("boom");
        api.accessToken.setCustomClaim("https://x/ok", true);
      };"#;
    let mut config = with_action(
        TenantConfig::quickstart(),
        Trigger::CredentialsExchange,
        code,
    );
    config.action_limits.timeout_ms = 2_000;
    config.action_limits.memory_mb = 16;
    for (id, how) in [
        ("quickstart-m2m-none", "loop"),
        ("quickstart-m2m-write", "memory"),
        ("quickstart-m2m-read-write", "throw"),
    ] {
        let client = crate::client_mut(&mut config, id);
        client
            .client_metadata
            .insert("misbehave".into(), how.into());
    }
    let tenant = MockTenant::builder().tenant(config).start().await;

    let started = Instant::now();
    let (looping, served) = tokio::join!(m2m(&tenant, "quickstart-m2m-none"), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let claims = m2m_claims(&tenant, "quickstart-m2m-read").await;
        (claims, started.elapsed())
    });
    let (claims, served_after) = served;
    assert_eq!(claims["https://x/ok"], true);
    let looped_for = started.elapsed();
    assert!(
        served_after < looped_for,
        "served after {served_after:?}, the loop ended after {looped_for:?}"
    );
    assert!(looped_for >= Duration::from_millis(2_000), "{looped_for:?}");
    let unknown = json!({"error": "server_error", "error_description": "Unknown error occurred."});
    assert_eq!(looping.status(), 500);
    assert_eq!(looping.json::<Value>().await.unwrap(), unknown);

    for id in ["quickstart-m2m-write", "quickstart-m2m-read-write"] {
        let res = m2m(&tenant, id).await;
        assert_eq!(res.status(), 500, "{id}");
        assert_eq!(res.json::<Value>().await.unwrap(), unknown);
    }
    let claims = m2m_claims(&tenant, "quickstart-m2m-read").await;
    assert_eq!(claims["https://x/ok"], true);
}

/// "An exchange that looks the subject token up": a legacy token names a user, anything else is
/// rejected; `boom` throws.
const EXCHANGE: &str = r#"
exports.onExecuteCustomTokenExchange = async (event, api) => {
  const legacy = { "legacy-alice": "auth0|65f0c0ffee0000000000a11c", "legacy-ghost": "auth0|nobody" };
  const token = event.transaction.subject_token;
  if (token === "boom") throw new Error("the legacy directory is down");
  if (token === "none") return;
  const user = legacy[token];
  if (!user) {
    api.access.rejectInvalidSubjectToken("Invalid subject_token");
    return;
  }
  api.authentication.setUserById(user);
};
"#;

const LEGACY: &str = "urn:acme:legacy-token";

fn with_exchange() -> TenantConfig {
    let mut config = TenantConfig::quickstart();
    let mut action = Action::new(Trigger::CustomTokenExchange, EXCHANGE);
    action.name = "exchange-legacy".into();
    config.actions.push(action);
    config.actions.push(Action::new(
        Trigger::PostLogin,
        "exports.onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim('https://x/via', [event.transaction.protocol, event.transaction.requested_scopes]); };",
    ));
    config.token_exchange_profiles = vec![mock_tenant::TokenExchangeProfile {
        id: "tep_legacy".into(),
        name: "legacy".into(),
        subject_token_type: LEGACY.into(),
        action_id: "exchange-legacy".into(),
        kind: "custom_authentication".into(),
    }];
    let web = crate::client_mut(&mut config, "quickstart-web");
    web.grant_types.push(mock_tenant::GrantType::TokenExchange);
    config
}

async fn exchange_token(tenant: &MockTenant, subject_token: &str, kind: &str) -> (u16, Value) {
    exchange(
        tenant,
        &[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("subject_token", subject_token),
            ("subject_token_type", kind),
            ("audience", fixtures::QUICKSTART_AUDIENCE),
            ("scope", "openid read:messages"),
        ],
    )
    .await
}

#[tokio::test]
async fn custom_token_exchange_runs_the_profiles_action_then_post_login() {
    let tenant = MockTenant::builder().tenant(with_exchange()).start().await;
    let (status, body) = exchange_token(&tenant, "legacy-alice", LEGACY).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(body["token_type"], "Bearer");
    let access = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(access["sub"], ALICE);
    assert_eq!(access["scope"], "openid read:messages");
    assert_eq!(
        access["https://x/via"],
        json!(["oauth2-token-exchange", ["openid", "read:messages"]])
    );
    assert_eq!(claims(body["id_token"].as_str().unwrap())["sub"], ALICE);

    let invalid = |d: &str| json!({"error": "invalid_request", "error_description": d});
    assert_eq!(
        exchange_token(&tenant, "forged", LEGACY).await,
        (400, invalid("Invalid subject_token"))
    );
    assert_eq!(
        exchange_token(&tenant, "legacy-alice", "urn:acme:other").await,
        (
            400,
            invalid("Invalid subject_token_type and requested_token_type combination.")
        )
    );
    assert_eq!(
        exchange_token(&tenant, "legacy-ghost", LEGACY).await,
        (400, invalid("The user auth0|nobody does not exist."))
    );
    let unknown = json!({"error": "server_error", "error_description": "Unknown error occurred."});
    assert_eq!(
        exchange_token(&tenant, "boom", LEGACY).await,
        (500, unknown.clone())
    );
    assert_eq!(
        exchange_token(&tenant, "none", LEGACY).await,
        (500, unknown)
    );

    // A client without the grant type gets Auth0's 403, and the profile's Action cannot go.
    let res = token_response(
        &tenant,
        &[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("client_id", "quickstart-m2m-read"),
            ("client_secret", "test-only-secret-m2m-read"),
            ("subject_token", "legacy-alice"),
            ("subject_token_type", LEGACY),
        ],
    )
    .await;
    assert_eq!(res.status(), 403);
    let res = client(&tenant)
        .delete(format!(
            "{}/_mock/actions/custom-token-exchange",
            tenant.url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("token_exchange_profiles[0]: action_id"),
        "{body}"
    );
}

#[tokio::test]
async fn claim_templates_fill_from_user_and_client_and_patches_change_them_without_a_restart() {
    let mut config = with_roles();
    let alice = config
        .users
        .iter_mut()
        .find(|u| u.user_id == ALICE)
        .unwrap();
    alice.claims = json!({
        "https://app.example/roles": "{{user.roles}}",
        "https://app.example/plan": "plan-{{user.app_metadata.plan}}",
        "https://app.example/missing": "{{user.app_metadata.missing}}",
    })
    .as_object()
    .unwrap()
    .clone();
    for client in &mut config.clients {
        client.claims = json!({"https://app.example/tier": "{{client.metadata.tier}}"})
            .as_object()
            .unwrap()
            .clone();
    }
    let read = crate::client_mut(&mut config, "quickstart-m2m-read");
    read.client_metadata.insert("tier".into(), "silver".into());
    let tenant = MockTenant::builder().tenant(config).start().await;

    let m2m = m2m_claims(&tenant, "quickstart-m2m-read").await;
    assert_eq!(m2m["https://app.example/tier"], "silver");
    assert!(m2m.get("https://app.example/roles").is_none());

    let code = callback_query(&authorize(&tenant, &authorize_params()).await)["code"].clone();
    let (status, body) = redeem(&tenant, &code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["https://app.example/roles"], json!(["admin"]));
    assert_eq!(id["https://app.example/plan"], "plan-gold");
    assert!(id.get("https://app.example/missing").is_none(), "{id}");
    assert!(
        id.get("https://app.example/tier").is_none(),
        "the web app has no tier"
    );
    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["https://app.example/plan"], "plan-gold");
    let userinfo = json_of(
        client(&tenant)
            .get(format!("{}/userinfo", tenant.url()))
            .bearer_auth(body["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(userinfo["https://app.example/plan"], "plan-gold");

    // At run time: over HTTP (the id escaped), with the control client, and with the CLI.
    let res = client(&tenant)
        .patch(format!(
            "{}/_mock/users/auth0%7C65f0c0ffee0000000000a11c",
            tenant.url()
        ))
        .json(&json!({"app_metadata": {"plan": "platinum"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["app_metadata"], json!({"plan": "platinum"}));
    assert_eq!(
        patched["user_metadata"],
        json!({"color": "teal"}),
        "merged, not replaced"
    );
    let (_, body) = exchange(
        &tenant,
        &[
            ("grant_type", "password"),
            ("username", "alice@example.com"),
            ("password", "test-only-password-alice"),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["https://app.example/plan"],
        "plan-platinum"
    );

    let control = ControlClient::new(&tenant.url(), tenant.ca_pem()).unwrap();
    let client_now = control
        .patch_client(
            "quickstart-m2m-read",
            &json!({"client_metadata": {"tier": "gold"}}),
        )
        .await
        .unwrap();
    assert_eq!(client_now.client_metadata["tier"], "gold");
    assert_eq!(
        m2m_claims(&tenant, "quickstart-m2m-read").await["https://app.example/tier"],
        "gold"
    );
    let user_now = control
        .patch_user(ALICE, &json!({"roles": null}))
        .await
        .unwrap();
    assert!(user_now.roles.is_empty());

    let out = tokio::task::spawn_blocking({
        let url = tenant.url();
        let ca = tenant.ca_pem().unwrap().to_owned();
        move || {
            let path = std::env::temp_dir()
                .join(format!("mock-tenant-patch-ca-{}.pem", std::process::id()));
            std::fs::write(&path, ca).unwrap();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_mock-tenant"))
                .args([
                    "patch",
                    "client",
                    "quickstart-m2m-read",
                    r#"{"client_metadata":{"tier":"bronze"}}"#,
                ])
                .args(["--url", &url, "--ca", path.to_str().unwrap()])
                .output()
                .unwrap();
            std::fs::remove_file(&path).unwrap();
            out
        }
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["client_metadata"]["tier"], "bronze");
    assert_eq!(
        m2m_claims(&tenant, "quickstart-m2m-read").await["https://app.example/tier"],
        "bronze"
    );

    // Refusals: no such user, a typo, an id change, a roles entry the tenant lacks.
    let patch = |path: &str, body: Value| {
        client(&tenant)
            .patch(format!("{}/_mock/{path}", tenant.url()))
            .json(&body)
            .send()
    };
    assert_eq!(
        patch("users/nobody", json!({})).await.unwrap().status(),
        404
    );
    for (path, body, says) in [
        (
            "users/alice@example.com",
            json!({"app_metdata": {}}),
            "unknown field `app_metdata`",
        ),
        (
            "users/alice@example.com",
            json!({"user_id": "auth0|x"}),
            "user_id cannot be changed",
        ),
        (
            "users/alice@example.com",
            json!({"roles": ["root"]}),
            "has role \"root\", which is not in roles",
        ),
        (
            "clients/quickstart-web",
            json!({"callbacks": "x"}),
            "invalid type",
        ),
    ] {
        let res = patch(path, body).await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        let answer: Value = res.json().await.unwrap();
        assert!(
            answer["error_description"].as_str().unwrap().contains(says),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn api_user_metadata_is_saved_on_the_user_seen_by_later_actions_and_kept_after_a_deny() {
    let counter = r#"
      exports.onExecutePostLogin = async (event, api) => {
        const logins = (event.user.app_metadata.logins || 0) + 1;
        api.user.setAppMetadata("logins", logins).user.setUserMetadata("color", undefined);
        api.user.setAppMetadata("last_client", event.client.client_id);
      };"#;
    let reader = r#"
      exports.onExecutePostLogin = async (event, api) => {
        api.idToken.setCustomClaim("https://x/seen", [event.user.app_metadata.logins, event.user.user_metadata.color ?? null]);
        if (event.user.app_metadata.logins >= 3) api.access.deny("three is enough");
      };"#;
    let mut config = with_roles();
    config
        .actions
        .push(Action::new(Trigger::PostLogin, counter));
    config.actions.push(Action::new(Trigger::PostLogin, reader));
    let alice = config
        .users
        .iter_mut()
        .find(|u| u.user_id == ALICE)
        .unwrap();
    alice.claims = json!({"https://x/logins": "{{user.app_metadata.logins}}"})
        .as_object()
        .unwrap()
        .clone();
    let tenant = MockTenant::builder().tenant(config).start().await;
    for logins in [1, 2] {
        let code = callback_query(&authorize(&tenant, &authorize_params()).await)["code"].clone();
        let (status, body) = redeem(&tenant, &code, VERIFIER).await;
        assert_eq!(status, 200, "{body}");
        let id = claims(body["id_token"].as_str().unwrap());
        assert_eq!(
            id["https://x/seen"],
            json!([logins, null]),
            "the later Action saw it"
        );
        assert_eq!(
            id["https://x/logins"], logins,
            "this login's templates saw it"
        );
    }
    let saved = tenant.config().user(ALICE).unwrap().clone();
    assert_eq!(
        Value::Object(saved.app_metadata.clone()),
        json!({"plan": "gold", "logins": 2, "last_client": "quickstart-web"})
    );
    assert!(saved.user_metadata.is_empty(), "undefined removed the key");
    // The third login is denied, and its count is kept all the same.
    let query = callback_query(&authorize(&tenant, &authorize_params()).await);
    assert_eq!(query["error_description"], "three is enough");
    assert_eq!(
        tenant.config().user(ALICE).unwrap().app_metadata["logins"],
        3
    );
}
