//! Roles, as Auth0's Management API spells them: a name, an id like `rol_...`, and permissions on
//! APIs. Users name theirs; Actions see them in `event.authorization.roles`, and under RBAC
//! their permissions join the user's own.

use serde::{Deserialize, Serialize};

/// A role in the tenant file.
///
/// ```
/// let role: mock_tenant::Role = serde_json::from_str(r#"{"id": "rol_admin", "name": "admin",
///     "permissions": [{"resource_server_identifier": "https://quickstarts/api",
///                      "permission_name": "write:messages"}]}"#).unwrap();
/// assert_eq!(role.permissions[0].permission_name, "write:messages");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The role's id (Auth0's look like `rol_0123456789abcdef`).
    pub id: String,
    /// The role's name: what `event.authorization.roles` lists.
    pub name: String,
    /// A description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The permissions the role gives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<RolePermission>,
}

/// One permission of a role: a scope of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolePermission {
    /// The API's identifier.
    pub resource_server_identifier: String,
    /// The permission (scope) on it.
    pub permission_name: String,
}

impl Role {
    /// What is wrong with this role in `config`, if anything.
    pub(crate) fn problem(&self, config: &crate::TenantConfig) -> Option<String> {
        if self.id.is_empty() || self.name.is_empty() {
            return Some("a role needs an id and a name".into());
        }
        if config
            .roles
            .iter()
            .filter(|r| r.id == self.id || r.name == self.name)
            .count()
            > 1
        {
            return Some(format!("duplicate role id or name {:?}", self.name));
        }
        self.permissions
            .iter()
            .find_map(|p| match config.api(&p.resource_server_identifier) {
                None => Some(format!(
                    "role {:?} names unknown API {:?}",
                    self.name, p.resource_server_identifier
                )),
                Some(api) if !api.permissions.contains(&p.permission_name) => Some(format!(
                    "role {:?} gives {:?}, which API {:?} does not define",
                    self.name, p.permission_name, api.identifier
                )),
                Some(_) => None,
            })
    }
}
