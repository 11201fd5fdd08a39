//! The tenant's users and the profile claims Auth0 derives from them, by scope.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The database connection Auth0 creates in every tenant; `realm` of the password-realm grant.
pub const DEFAULT_CONNECTION: &str = "Username-Password-Authentication";

/// A person who can log in. TEST data: passwords are plain text on purpose.
///
/// ```
/// let tenant = mock_tenant::TenantConfig::quickstart();
/// let alice = tenant.user("alice@example.com").unwrap();
/// assert!(alice.user_id.starts_with("auth0|"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Auth0's user id and the `sub` of its tokens, such as `auth0|65f0c0ffee0000000000a11c`.
    pub user_id: String,
    /// Email address; also what the password grants take as `username`.
    pub email: String,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// Full name (Auth0 uses the email when there is none).
    #[serde(default)]
    pub name: String,
    /// Nickname (Auth0 uses the part of the email before `@` when there is none).
    #[serde(default)]
    pub nickname: String,
    /// Picture URL.
    #[serde(default)]
    pub picture: String,
    /// Given name, sent with the `profile` scope when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name, sent with the `profile` scope when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// `updated_at`, ISO 8601 with milliseconds and `Z`.
    #[serde(default = "default_updated_at")]
    pub updated_at: String,
    /// The password for the `password` and `password-realm` grants; none: those grants refuse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The connection (realm) the user belongs to.
    #[serde(default = "default_connection")]
    pub connection: String,
    /// Extra claims (namespaced, like an Auth0 Action adds) put in ID tokens, access tokens and
    /// `/userinfo`; templates like `"{{user.app_metadata.roles}}"` are filled in when a token is
    /// issued (`docs/actions.md`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub claims: Map<String, Value>,
    /// RBAC permissions per API identifier: with `rbac` on the API, the scopes the user may get.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<String, Vec<String>>,
    /// The roles assigned to the user, by name or id (the tenant's `roles`): Actions see them
    /// in `event.authorization.roles`, and with RBAC their permissions join the user's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// `app_metadata`, as Actions see it in `event.user.app_metadata`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub app_metadata: Map<String, Value>,
    /// `user_metadata`, as Actions see it in `event.user.user_metadata`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub user_metadata: Map<String, Value>,
}

fn default_updated_at() -> String {
    "2026-01-01T00:00:00.000Z".to_owned()
}

fn default_connection() -> String {
    DEFAULT_CONNECTION.to_owned()
}

impl User {
    /// A user known only by its subject, typed on the login page: the profile is made up from it.
    pub fn custom(sub: &str, email: Option<&str>) -> Self {
        let email = email
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}@example.com", slug(sub)));
        let mut user = Self {
            user_id: sub.to_owned(),
            email,
            email_verified: true,
            name: String::new(),
            nickname: String::new(),
            picture: String::new(),
            given_name: None,
            family_name: None,
            updated_at: default_updated_at(),
            password: None,
            connection: default_connection(),
            claims: Map::new(),
            permissions: BTreeMap::new(),
            roles: Vec::new(),
            app_metadata: Map::new(),
            user_metadata: Map::new(),
        };
        user.fill_defaults();
        user
    }

    /// Auth0's defaults for a database user: `name` is the email, `nickname` its local part,
    /// `picture` a gravatar-style URL.
    pub(crate) fn fill_defaults(&mut self) {
        if self.name.is_empty() {
            self.name = self.email.clone();
        }
        if self.nickname.is_empty() {
            self.nickname = self.email.split('@').next().unwrap_or("").to_owned();
        }
        if self.picture.is_empty() {
            let letters: String = self.nickname.chars().take(2).collect();
            self.picture = format!(
                "https://s.gravatar.com/avatar/{}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F{}.png",
                crate::b64::url(self.email.as_bytes()),
                letters.to_lowercase()
            );
        }
    }

    /// The profile claims Auth0 puts in an ID token or `/userinfo` for `scope`, in Auth0's
    /// order: profile claims first, then email, then the custom claims. `sub` is not included.
    pub fn profile_claims(&self, scope: &str) -> Map<String, Value> {
        let scopes: Vec<&str> = scope.split_whitespace().collect();
        let mut claims = Map::new();
        if scopes.contains(&"profile") {
            if let Some(given) = &self.given_name {
                claims.insert("given_name".into(), json!(given));
            }
            if let Some(family) = &self.family_name {
                claims.insert("family_name".into(), json!(family));
            }
            claims.insert("nickname".into(), json!(self.nickname));
            claims.insert("name".into(), json!(self.name));
            claims.insert("picture".into(), json!(self.picture));
            claims.insert("updated_at".into(), json!(self.updated_at));
        }
        if scopes.contains(&"email") {
            claims.insert("email".into(), json!(self.email));
            claims.insert("email_verified".into(), json!(self.email_verified));
        }
        for (k, v) in &self.claims {
            claims.insert(k.clone(), v.clone());
        }
        claims
    }
}

/// `auth0|alice` -> `auth0-alice`: something an email's local part can hold.
fn slug(sub: &str) -> String {
    sub.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_claims_follow_the_scope() {
        let user = User::custom("auth0|x", Some("x@example.com"));
        assert!(user.profile_claims("openid").is_empty());
        let email: Vec<_> = user.profile_claims("openid email").into_iter().collect();
        assert_eq!(email[0], ("email".into(), json!("x@example.com")));
        let profile = user.profile_claims("openid profile");
        assert_eq!(profile["name"], "x@example.com");
        assert_eq!(profile["nickname"], "x");
        assert!(!profile.contains_key("email"));
    }
}
