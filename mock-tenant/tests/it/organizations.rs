//! Organizations: a login into one (by id, by name when the tenant allows names, through the
//! login page's prompt) gets `org_id` (and `org_name`) in both tokens, kept on refresh and seen
//! by Actions; Auth0's errors for a non-member, an unknown organization, a client that may not
//! or must name one; and Organizations for M2M on `client_credentials`.

use crate::browser;
use crate::login::{ALICE, VERIFIER, authorize, authorize_params, claims, redeem, refresh};
use mock_tenant::{
    Action, EnabledConnection, MockTenant, Organization, OrganizationRequireBehavior,
    OrganizationUsage, TenantConfig, Trigger,
};
use serde_json::{Value, json};
use std::collections::HashMap;

const ACME: &str = "org_acme000000000001";
const GLOBEX: &str = "org_globex0000000002";
const CALLBACK: &str = "http://localhost:5000/callback";

/// Acme (Alice a member), Globex (membership by its connection on login), and Initech (only
/// another connection): the web app allows organizations.
fn with_orgs() -> TenantConfig {
    let mut config = TenantConfig::quickstart();
    config.organizations = vec![
        Organization {
            id: ACME.into(),
            name: "acme".into(),
            display_name: "Acme Inc".into(),
            metadata: [("plan".to_owned(), "gold".to_owned())].into(),
            members: vec!["alice@example.com".into()],
            enabled_connections: vec![],
            client_grants: vec!["quickstart-m2m-read".into()],
        },
        Organization {
            id: GLOBEX.into(),
            name: "globex".into(),
            display_name: String::new(),
            metadata: Default::default(),
            members: vec![],
            enabled_connections: vec![EnabledConnection {
                connection_id: mock_tenant::DEFAULT_CONNECTION.into(),
                assign_membership_on_login: true,
            }],
            client_grants: vec![],
        },
        Organization {
            id: "org_initech000000003".into(),
            name: "initech".into(),
            display_name: String::new(),
            metadata: Default::default(),
            members: vec!["alice@example.com".into()],
            enabled_connections: vec![EnabledConnection {
                connection_id: "initech-sso".into(),
                assign_membership_on_login: false,
            }],
            client_grants: vec![],
        },
    ];
    let web = crate::client_mut(&mut config, "quickstart-web");
    web.organization_usage = OrganizationUsage::Allow;
    config
}

/// The callback's query for a login of `user` asking for `organization`.
async fn login(
    tenant: &MockTenant,
    organization: Option<&str>,
    user: &str,
) -> HashMap<String, String> {
    let mut params = authorize_params();
    params.retain(|(k, _)| *k != "login_hint");
    params.push(("login_hint", user.into()));
    if let Some(org) = organization {
        params.push(("organization", org.into()));
    }
    callback(&authorize(tenant, &params).await)
}

fn callback(res: &reqwest::Response) -> HashMap<String, String> {
    assert_eq!(res.status(), 302, "expected a redirect");
    let location = res.headers()["location"].to_str().unwrap();
    let (base, query) = location.split_once('?').expect("a query");
    assert_eq!(base, CALLBACK);
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

async fn tokens(tenant: &MockTenant, query: &HashMap<String, String>) -> Value {
    let code = query
        .get("code")
        .unwrap_or_else(|| panic!("no code: {query:?}"));
    let (status, body) = redeem(tenant, code, VERIFIER).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn error(query: &HashMap<String, String>) -> (&str, &str) {
    (query["error"].as_str(), query["error_description"].as_str())
}

#[tokio::test]
async fn a_login_into_an_organization_puts_org_id_in_both_tokens_and_refresh_keeps_it() {
    let mut config = with_orgs();
    config.actions.push(Action::new(
        Trigger::PostLogin,
        "exports.onExecutePostLogin = async (event, api) => { if (event.organization) api.idToken.setCustomClaim('https://x/org', [event.organization.display_name, event.organization.metadata.plan]); };",
    ));
    let tenant = MockTenant::builder().tenant(config).start().await;
    let body = tokens(
        &tenant,
        &login(&tenant, Some(ACME), "alice@example.com").await,
    )
    .await;
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["org_id"], ACME);
    assert!(
        id.get("org_name").is_none(),
        "names only with the tenant setting"
    );
    assert_eq!(id["https://x/org"], json!(["Acme Inc", "gold"]));
    let access = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(access["org_id"], ACME);
    let keys: Vec<&String> = access.as_object().unwrap().keys().collect();
    let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert_eq!(
        at("org_id"),
        at("azp") + 1,
        "Auth0's order: ..., azp, org_id: {keys:?}"
    );

    let (status, refreshed) = refresh(&tenant, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(
        claims(refreshed["access_token"].as_str().unwrap())["org_id"],
        ACME
    );

    // Without an organization, the same client logs in as an individual.
    let body = tokens(&tenant, &login(&tenant, None, "alice@example.com").await).await;
    assert!(
        claims(body["access_token"].as_str().unwrap())
            .get("org_id")
            .is_none()
    );
}

#[tokio::test]
async fn auth0s_errors_for_non_members_unknown_organizations_and_names_without_the_setting() {
    let tenant = MockTenant::builder().tenant(with_orgs()).start().await;
    let bob_id = tenant
        .config()
        .user("bob@example.com")
        .unwrap()
        .user_id
        .clone();
    let query = login(&tenant, Some(ACME), "bob@example.com").await;
    let not_part = format!("user {bob_id} is not part of the {ACME} organization");
    assert_eq!(error(&query), ("access_denied", not_part.as_str()));
    assert_eq!(query["state"], "st-123");
    // Globex gives membership to its connection's users on login; Initech has another connection.
    let body = tokens(
        &tenant,
        &login(&tenant, Some(GLOBEX), "bob@example.com").await,
    )
    .await;
    assert_eq!(claims(body["id_token"].as_str().unwrap())["org_id"], GLOBEX);
    let query = login(&tenant, Some("org_initech000000003"), "alice@example.com").await;
    assert_eq!(query["error"], "access_denied");
    let query = login(&tenant, Some("org_nope"), "alice@example.com").await;
    assert_eq!(
        error(&query),
        (
            "invalid_request",
            "parameter organization is invalid: org_nope"
        )
    );
    let query = login(&tenant, Some("acme"), "alice@example.com").await;
    assert_eq!(
        error(&query),
        (
            "invalid_request",
            "authorization request parameter organization must be an organization id"
        )
    );
    // A client that denies organizations (Auth0's default).
    let mut params = authorize_params();
    params.retain(|(k, _)| {
        *k != "client_id" && *k != "redirect_uri" && *k != "scope" && *k != "audience"
    });
    params.extend([
        ("client_id", "quickstart-spa".to_owned()),
        ("redirect_uri", "http://localhost:3000".to_owned()),
        ("scope", "openid".to_owned()),
        ("organization", ACME.to_owned()),
    ]);
    let res = authorize(&tenant, &params).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("error=invalid_request")
            && location
                .contains("parameter%20organization%20is%20not%20allowed%20for%20this%20client"),
        "{location}"
    );
}

#[tokio::test]
async fn with_names_allowed_a_name_logs_in_and_tokens_carry_org_name() {
    let mut config = with_orgs();
    config.organization_names = true;
    let tenant = MockTenant::builder().tenant(config).start().await;
    let body = tokens(
        &tenant,
        &login(&tenant, Some("ACME"), "alice@example.com").await,
    )
    .await;
    for token in ["id_token", "access_token"] {
        let c = claims(body[token].as_str().unwrap());
        assert_eq!(
            (c["org_id"].as_str(), c["org_name"].as_str()),
            (Some(ACME), Some("acme")),
            "{token}"
        );
    }
}

#[tokio::test]
async fn a_client_that_requires_an_organization_fails_without_a_prompt_or_asks_on_the_login_page() {
    let mut config = with_orgs();
    let web = crate::client_mut(&mut config, "quickstart-web");
    web.organization_usage = OrganizationUsage::Require;
    let tenant = MockTenant::builder().tenant(config.clone()).start().await;
    let query = login(&tenant, None, "alice@example.com").await;
    assert_eq!(
        error(&query),
        (
            "invalid_request",
            "parameter organization is required for this client"
        )
    );
    drop(tenant);

    let web = crate::client_mut(&mut config, "quickstart-web");
    web.organization_require_behavior = OrganizationRequireBehavior::PreLoginPrompt;
    let tenant = MockTenant::builder().tenant(config).start().await;
    // The login hint would log Alice in at once; the organization must be asked first.
    let page = authorize(&tenant, &authorize_params()).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"organization\""), "{html}");
    let tx = html
        .split("name=\"tx\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let res = browser(&tenant)
        .post(format!("{}/u/login", tenant.url()))
        .form(&[("tx", tx.as_str()), ("user", ALICE), ("organization", ACME)])
        .send()
        .await
        .unwrap();
    let body = tokens(&tenant, &callback(&res)).await;
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["org_id"],
        ACME
    );
}

async fn m2m(tenant: &MockTenant, client: &str, organization: Option<&str>) -> (u16, Value) {
    let extra: Vec<(&str, &str)> = organization
        .map(|o| ("organization", o))
        .into_iter()
        .collect();
    let res = crate::m2m_response(tenant, client, &extra).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn organizations_for_m2m_follow_the_client_grants_usage_and_associations() {
    let mut config = with_orgs();
    for grant in &mut config.client_grants {
        match grant.client_id.as_str() {
            "quickstart-m2m-read" => grant.organization_usage = OrganizationUsage::Allow,
            "quickstart-m2m-write" => grant.organization_usage = OrganizationUsage::Require,
            "quickstart-m2m-read-write" => {
                grant.organization_usage = OrganizationUsage::Require;
                grant.allow_any_organization = true;
            }
            _ => {}
        }
    }
    let write = crate::client_mut(&mut config, "quickstart-m2m-write");
    write.default_organization = Some(mock_tenant::DefaultOrganization {
        organization_id: GLOBEX.into(),
        flows: vec!["client_credentials".into()],
    });
    let tenant = MockTenant::builder().tenant(config).start().await;

    let (status, body) = m2m(&tenant, "quickstart-m2m-read", Some(ACME)).await;
    assert_eq!(status, 200, "{body}");
    let token = crate::verify(&tenant, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(token["org_id"], ACME);
    assert_eq!(token["gty"], "client-credentials");
    let (status, body) = m2m(&tenant, "quickstart-m2m-read", None).await;
    assert_eq!(status, 200, "allow: none is fine");
    assert!(
        crate::verify(&tenant, body["access_token"].as_str().unwrap())
            .await
            .unwrap()
            .get("org_id")
            .is_none()
    );
    // Not associated with Globex; any organization for read-write.
    let (status, body) = m2m(&tenant, "quickstart-m2m-read", Some(GLOBEX)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("access_denied")),
        "{body}"
    );
    let (status, body) = m2m(&tenant, "quickstart-m2m-read-write", Some(GLOBEX)).await;
    assert_eq!(status, 200, "{body}");
    // Required: the client's default organization, or an error.
    let (status, body) = m2m(&tenant, "quickstart-m2m-write", None).await;
    assert_eq!(
        status, 403,
        "the default organization is not associated with the grant: {body}"
    );
    let (status, body) = m2m(&tenant, "quickstart-m2m-read-write", None).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "invalid_request", "error_description": "parameter organization is required for this client grant"})
        )
    );
    let (status, body) = m2m(&tenant, "quickstart-m2m-none", Some(ACME)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "invalid_request", "error_description": "parameter organization is not allowed for this client grant"})
        )
    );
    let (status, body) = m2m(&tenant, "quickstart-m2m-read", Some("org_nope")).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("parameter organization is invalid: org_nope"))
    );
}
