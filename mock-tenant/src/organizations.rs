//! Organizations, as Auth0's Management API spells them: an `org_...` id, a lowercase name, a
//! display name, metadata, members and enabled connections; and how a client may use them
//! (`organization_usage`, `organization_require_behavior`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An organization in the tenant file.
///
/// ```
/// let org: mock_tenant::Organization = serde_json::from_str(r#"{"id": "org_acme0000000000",
///     "name": "acme", "display_name": "Acme", "members": ["alice@example.com"],
///     "enabled_connections": [{"connection_id": "Username-Password-Authentication"}]}"#).unwrap();
/// assert_eq!(org.name, "acme");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Its id, `org_` and 16 letters or digits as Auth0 makes them: the `org_id` of its tokens.
    pub id: String,
    /// Its name: lowercase letters, digits, `-` and `_` (the `org_name` of its tokens).
    pub name: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// Metadata (string values), `event.organization.metadata` in Actions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Its members, by user id or email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// The connections its members may log in with; none listed: every connection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enabled_connections: Vec<EnabledConnection>,
    /// The client grants associated with it (Organizations for M2M), by grant `id` or by
    /// `client_id`: those clients may get tokens for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_grants: Vec<String>,
}

/// A client's default organization for `client_credentials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultOrganization {
    /// The organization's id.
    pub organization_id: String,
    /// The flows it applies to: `client_credentials`.
    #[serde(default)]
    pub flows: Vec<String>,
}

/// A connection enabled for an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnabledConnection {
    /// The connection, by name here (`Username-Password-Authentication`).
    pub connection_id: String,
    /// A user of this connection who logs in to the organization becomes a member.
    #[serde(default)]
    pub assign_membership_on_login: bool,
}

/// Whether a client's logins may or must name an organization.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationUsage {
    /// Individuals only: an `organization` is refused (Auth0's default).
    #[default]
    Deny,
    /// With or without an organization.
    Allow,
    /// Only members of an organization.
    Require,
}

/// What the login does when a client requires an organization and none was named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationRequireBehavior {
    /// No prompt: the login fails (Auth0's default).
    #[default]
    NoPrompt,
    /// The login page asks for the organization first.
    PreLoginPrompt,
    /// The login page asks for the organization (the mock asks on the same page).
    PostLoginPrompt,
}

impl Organization {
    /// Whether `user` may log in to it: a member, or a user of an enabled connection that
    /// assigns membership on login; and its connection enabled (when any are listed).
    pub fn admits(&self, user: &crate::User) -> bool {
        let connection = self
            .enabled_connections
            .iter()
            .find(|c| c.connection_id == user.connection);
        if !self.enabled_connections.is_empty() && connection.is_none() {
            return false;
        }
        let member = self
            .members
            .iter()
            .any(|m| *m == user.user_id || m.eq_ignore_ascii_case(&user.email));
        member || connection.is_some_and(|c| c.assign_membership_on_login)
    }

    /// Whether `grant` is associated with it, or may name any organization.
    pub fn allows_grant(&self, grant: &crate::ClientGrant) -> bool {
        grant.allow_any_organization
            || self
                .client_grants
                .iter()
                .any(|g| (!grant.id.is_empty() && *g == grant.id) || *g == grant.client_id)
    }

    /// What is wrong with it among `others`, if anything.
    pub(crate) fn problem(&self, config: &crate::TenantConfig) -> Option<String> {
        if !self.id.starts_with("org_") || self.id.len() < 5 {
            return Some(format!("id {:?} must start with org_", self.id));
        }
        if self.name.is_empty()
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Some(format!(
                "name {:?} must be lowercase letters, digits, - and _",
                self.name
            ));
        }
        let same = |o: &&Organization| o.id == self.id || o.name == self.name;
        if config.organizations.iter().filter(same).count() > 1 {
            return Some(format!("duplicate organization id or name {:?}", self.name));
        }
        if let Some(m) = self.members.iter().find(|m| config.user(m).is_none()) {
            return Some(format!("member {m:?} is not a user of the tenant"));
        }
        self.client_grants
            .iter()
            .find(|g| {
                !config
                    .client_grants
                    .iter()
                    .any(|cg| (!cg.id.is_empty() && cg.id == **g) || cg.client_id == **g)
            })
            .map(|g| {
                format!("client_grants names {g:?}, which is no client grant's id or client_id")
            })
    }
}
