//! The login journey's data: an `/authorize` request once checked, the SSO session, and the
//! grant that authorization codes and refresh tokens carry, sealed (see [`crate::seal`]).

pub(crate) mod post_login;
pub(crate) mod tokens;

use crate::config::{Api, Client, TenantConfig};
use crate::users::User;
use serde::{Deserialize, Serialize};

/// How long an authorization code can be redeemed, in seconds.
pub(crate) const CODE_LIFETIME: i64 = 60;
/// How long a login page may stay open before its transaction expires (Auth0: one hour).
pub(crate) const TRANSACTION_LIFETIME: i64 = 3600;
/// ID-token lifetime (Auth0's default, 10 hours).
pub(crate) const ID_TOKEN_LIFETIME: i64 = 36_000;
/// The lifetime of access tokens good only for `/userinfo` in the code flow.
pub(crate) const USERINFO_TOKEN_LIFETIME: u64 = 86_400;
/// Rotating refresh tokens' absolute lifetime (Auth0's default, 30 days).
pub(crate) const ROTATING_REFRESH_LIFETIME: i64 = 2_592_000;

/// The scopes OpenID Connect defines; an API's own scopes are the rest.
pub(crate) const OIDC_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// Sealed purposes, one per kind of value.
pub(crate) mod purpose {
    pub(crate) const TRANSACTION: &str = "tx";
    pub(crate) const SESSION: &str = "session";
    pub(crate) const CODE: &str = "code";
    pub(crate) const REFRESH: &str = "refresh";
}

/// How the authorization response travels back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
    FormPost,
    /// `postMessage` to the opener or parent window (the hidden iframe of silent auth).
    WebMessage,
}

/// A checked `/authorize` request, waiting for a user: sealed into the login page's form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Authorization {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) mode: ResponseMode,
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) nonce: Option<String>,
    /// `(code_challenge, method)`.
    pub(crate) challenge: Option<(String, String)>,
    pub(crate) login_hint: Option<String>,
    /// The organization's id, when the login is into one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organization: Option<String>,
    pub(crate) exp: i64,
}

impl Authorization {
    /// The `/authorize` parameters it was made from, as Actions see them in
    /// `event.request.query`.
    pub(crate) fn query(&self) -> Vec<(String, String)> {
        let mode = match self.mode {
            ResponseMode::Query => "query",
            ResponseMode::Fragment => "fragment",
            ResponseMode::FormPost => "form_post",
            ResponseMode::WebMessage => "web_message",
        };
        let mut query = vec![
            ("client_id".to_owned(), self.client_id.clone()),
            ("redirect_uri".to_owned(), self.redirect_uri.clone()),
            ("response_type".to_owned(), "code".to_owned()),
            ("response_mode".to_owned(), mode.to_owned()),
            ("scope".to_owned(), self.scope.clone()),
        ];
        let optional = [
            ("audience", &self.audience),
            ("state", &self.state),
            ("nonce", &self.nonce),
            ("login_hint", &self.login_hint),
            ("organization", &self.organization),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                query.push((name.to_owned(), value.clone()));
            }
        }
        query
    }
}

/// The SSO session a login leaves in the `auth0` cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) sid: String,
    pub(crate) auth_time: i64,
    pub(crate) user: User,
}

/// What a code or refresh token stands for: a user's consent for a client, scope and audience.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Grant {
    /// Unique per code or refresh token: the key of its replay protection.
    pub(crate) jti: String,
    pub(crate) client_id: String,
    pub(crate) user: User,
    /// The granted scope, space-separated.
    pub(crate) scope: String,
    pub(crate) audience: Option<String>,
    pub(crate) sid: String,
    pub(crate) auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nonce: Option<String>,
    /// Codes: the `redirect_uri` the code was sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) redirect_uri: Option<String>,
    /// Codes: `(code_challenge, method)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) challenge: Option<(String, String)>,
    /// Refresh tokens: the family a rotation chain shares, revoked as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) family: Option<String>,
    /// The thumbprint of the DPoP key the tokens are bound to (`cnf.jkt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) jkt: Option<String>,
    /// Unix time after which it is refused; 0 for never.
    pub(crate) exp: i64,
    /// The organization the login was into: `org_id` and `org_name` in its tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organization: Option<OrgRef>,
    /// What the `post-login` Actions added to the tokens (claims, scopes applied already).
    #[serde(default, skip_serializing_if = "crate::actions::Effects::is_empty")]
    pub(crate) actions: crate::actions::Effects,
}

/// The organization a grant is in, as its tokens name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OrgRef {
    /// `org_id`.
    pub(crate) id: String,
    /// `org_name`, when the tenant puts names in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
}

impl OrgRef {
    /// The reference to `org`, with its name when `config` puts names in tokens
    /// (`allow_organization_name_in_authentication_api`).
    pub(crate) fn of(org: &crate::Organization, config: &TenantConfig) -> Self {
        Self {
            id: org.id.clone(),
            name: config.organization_names.then(|| org.name.clone()),
        }
    }

    /// Adds `org_id` (and `org_name`) to `claims`.
    pub(crate) fn add_to(
        org: Option<&Self>,
        claims: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        if let Some(org) = org {
            claims.insert("org_id".into(), serde_json::json!(org.id));
            if let Some(name) = &org.name {
                claims.insert("org_name".into(), serde_json::json!(name));
            }
        }
    }
}

/// The scope a user gets: the OIDC scopes asked for (`offline_access` only if the client may
/// refresh) and the API's scopes asked for, which with RBAC are limited to the user's
/// permissions (its own and its roles').
pub(crate) fn granted_scope(
    config: &TenantConfig,
    requested: &str,
    client: &Client,
    api: Option<&Api>,
    user: &User,
) -> String {
    let permissions = api.map_or_else(Vec::new, |api| config.permissions_of(user, &api.identifier));
    let may_refresh = client.grant_types.contains(&crate::GrantType::RefreshToken);
    let mut granted: Vec<&str> = Vec::new();
    for s in requested.split_whitespace() {
        if granted.contains(&s) {
            continue;
        }
        let keep = if OIDC_SCOPES.contains(&s) {
            s != "offline_access" || may_refresh
        } else {
            api.is_some_and(|api| {
                api.permissions.iter().any(|p| p == s)
                    && (!api.rbac || permissions.iter().any(|p| p == s))
            })
        };
        if keep {
            granted.push(s);
        }
    }
    granted.join(" ")
}

/// The user a name on the login page or a `login_hint` stands for.
pub(crate) fn find_user(config: &TenantConfig, who: &str) -> Option<User> {
    config.user(who).cloned().map(|mut u| {
        u.password = None;
        u
    })
}

/// The session sealed in the `auth0` cookie of a `Cookie` header, if any (ended or not).
pub(crate) fn session_in(sealer: &crate::seal::Sealer, cookie: Option<&str>) -> Option<Session> {
    let value = cookie?
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)?
        .1;
    sealer.open(purpose::SESSION, value)
}

/// The SSO cookie's name (Auth0's).
pub(crate) const SESSION_COOKIE: &str = "auth0";

/// Whether `scope` holds `name` as a whole word.
pub(crate) fn has_scope(scope: &str, name: &str) -> bool {
    scope.split_whitespace().any(|s| s == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rbac_limits_api_scopes_and_offline_access_needs_the_refresh_grant() {
        let mut config = TenantConfig::quickstart();
        config.apis[0].rbac = true;
        let web = config.client("quickstart-web").unwrap();
        let bob = config.user("bob@example.com").unwrap();
        let asked = "openid profile offline_access read:messages write:messages bogus";
        assert_eq!(
            granted_scope(&config, asked, web, Some(&config.apis[0]), bob),
            "openid profile offline_access read:messages"
        );
        let m2m = config.client("quickstart-m2m-read").unwrap();
        assert_eq!(
            granted_scope(&config, asked, m2m, None, bob),
            "openid profile"
        );
    }
}
