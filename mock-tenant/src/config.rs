//! The tenant as data: APIs, clients, client grants and users, loaded from the documented tenant file
//! (`docs/tenant-file.md`) or built in Rust. `GET /_mock/config` serves this same shape.

use crate::GrantType;
use crate::users::User;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Everything a tenant knows about its APIs and applications.
///
/// ```
/// let tenant = mock_tenant::TenantConfig::quickstart();
/// assert_eq!(tenant.apis[0].identifier, "https://quickstarts/api");
/// assert_eq!(tenant.clients.len(), 6);
/// assert_eq!(tenant.users.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    /// APIs (Auth0 "resource servers") that tokens can be issued for.
    #[serde(default)]
    pub apis: Vec<Api>,
    /// Applications that can ask for tokens.
    #[serde(default)]
    pub clients: Vec<Client>,
    /// Which client may get tokens for which API, with which scopes.
    #[serde(default)]
    pub client_grants: Vec<ClientGrant>,
    /// Audience used when a token request names none (Auth0's tenant "Default Audience").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_audience: Option<String>,
    /// People who can log in through `/authorize` and the password grants.
    #[serde(default)]
    pub users: Vec<User>,
    /// Log this user (an id or email) in at once at `/authorize`, without the login page: for
    /// tests that follow redirects without a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_login: Option<String>,
    /// The tenant's Allowed Logout URLs, used by `/v2/logout` when no `client_id` is given.
    #[serde(default)]
    pub allowed_logout_urls: Vec<String>,
    /// The shape of access tokens issued without an audience (good only for `/userinfo`):
    /// Auth0's JWE (the default) or a signed JWT.
    #[serde(default, skip_serializing_if = "UserinfoTokens::is_default")]
    pub userinfo_tokens: UserinfoTokens,
    /// More host names the tenant answers on, each its own issuer (Auth0 custom domains and
    /// Multiple Custom Domains): a request whose `Host` names one gets a discovery document and
    /// tokens whose issuer is `https://HOST:PORT/` (the tenant's scheme and port), with the same
    /// key set. Host names only (`127.0.0.1`, `auth.example.test`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_domains: Vec<String>,
    /// Rate limits on demand: `[{"endpoint": "/oauth/token", "client_id": "...", "limit": 5,
    /// "window_secs": 60}]` (without `client_id`, each client counts apart). Over a limit the
    /// answer is Auth0's 429 with its `x-ratelimit-*` headers. Change them at run time with
    /// `PUT /_mock/config`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<crate::rate_limits::RateLimit>,
    /// Roles, as Auth0's Management API spells them: `{"id": "rol_...", "name": "admin",
    /// "permissions": [{"resource_server_identifier": API, "permission_name": SCOPE}]}`. Users
    /// name theirs in `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<crate::roles::Role>,
    /// Actions: JavaScript run at `post-login`, `credentials-exchange` and
    /// `custom-token-exchange`, in this order within each trigger (`docs/actions.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<crate::actions::Action>,
    /// Organizations, as Auth0's Management API spells them: `{"id": "org_...", "name": "acme",
    /// "display_name", "metadata", "members": [user ids or emails], "enabled_connections":
    /// [{"connection_id": CONNECTION, "assign_membership_on_login": false}]}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<crate::Organization>,
    /// Auth0's tenant setting `allow_organization_name_in_authentication_api`: `organization`
    /// may name an organization by name, and tokens carry `org_name` beside `org_id`.
    #[serde(
        default,
        rename = "allow_organization_name_in_authentication_api",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub organization_names: bool,
    /// Custom Token Exchange profiles: `{"name", "subject_token_type": "urn:acme:legacy",
    /// "action_id": ACTION, "type": "custom_authentication"}`, each run by the
    /// `custom-token-exchange` Action it names (by id or name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_exchange_profiles: Vec<crate::TokenExchangeProfile>,
    /// How long and how much memory each Action run may take.
    #[serde(
        default,
        skip_serializing_if = "crate::actions::ActionLimits::is_default"
    )]
    pub action_limits: crate::actions::ActionLimits,
}

/// What an access token issued without an audience looks like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserinfoTokens {
    /// As Auth0 issues them: a JWE (`alg: dir`, `enc: A256GCM`) only the tenant can read.
    #[default]
    Jwe,
    /// A JWT signed by the tenant with `aud` = `ISSUER/userinfo`, as the mock issued before.
    Jwt,
}

impl UserinfoTokens {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// An API registered in the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The identifier, which is the `aud` of its tokens.
    pub identifier: String,
    /// A display name.
    #[serde(default)]
    pub name: String,
    /// The permissions (scopes) the API defines.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// RBAC with "Add Permissions in the Access Token": tokens carry a `permissions` array.
    #[serde(default)]
    pub rbac: bool,
    /// Access-token lifetime in seconds (`exp - iat`, and `expires_in`).
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime: u64,
}

/// An application (Auth0 "client").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// A display name.
    #[serde(default)]
    pub name: String,
    /// The client id.
    pub client_id: String,
    /// The client secret (test data: served by `GET /_mock/config`); empty for a public client.
    #[serde(default)]
    pub client_secret: String,
    /// Grant types enabled for this client, such as `client_credentials`; a name that is none
    /// of Auth0's is refused when the tenant file is read.
    #[serde(default)]
    pub grant_types: Vec<GrantType>,
    /// Allowed callback URLs (used by the login flow).
    #[serde(default)]
    pub callbacks: Vec<String>,
    /// Allowed logout URLs.
    #[serde(default)]
    pub allowed_logout_urls: Vec<String>,
    /// Allowed Origins (CORS): origins (`scheme://host[:port]`, no path) whose browser code may
    /// call `/oauth/token` and `/oauth/revoke` for this client. The origins of `callbacks` and
    /// `web_origins` are allowed too, as Auth0 allows them.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Allowed Web Origins: origins that may get `/authorize` answers by `postMessage`
    /// (`response_mode=web_message`, the hidden iframe of silent authentication).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// "Require Token Sender-Constraining": token requests without a DPoP proof are refused.
    #[serde(default)]
    pub require_proof_of_possession: bool,
    /// Refresh Token Rotation: each refresh returns a new refresh token and the used one stops
    /// working; reusing it revokes the whole family, as Auth0 does.
    #[serde(default)]
    pub rotate_refresh_tokens: bool,
    /// Other ways to authenticate, as Auth0's Management API spells them:
    /// `{"private_key_jwt": {"credentials": [{"credential_type": "public_key", "pem": "...",
    /// "alg": "RS256"}]}}`. A client with `private_key_jwt` must send a `client_assertion`
    /// signed by one of its keys; its secret is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_authentication_methods: Option<crate::client_keys::ClientAuthenticationMethods>,
    /// Claims added to every access token issued to this client (machine-to-machine and its
    /// users' logins) and to its logins' ID tokens; templates like `"{{client.metadata.tier}}"`
    /// or `"{{user.app_metadata.roles}}"` are filled in (`docs/actions.md`).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// Whether its logins may (`allow`) or must (`require`) name an organization; `deny` (the
    /// default) refuses one.
    #[serde(default, skip_serializing_if = "is_default")]
    pub organization_usage: crate::OrganizationUsage,
    /// With `require`, what a login without an organization gets: `no_prompt` (an error, the
    /// default), or `pre_login_prompt` / `post_login_prompt` (the login page asks).
    #[serde(default, skip_serializing_if = "is_default")]
    pub organization_require_behavior: crate::OrganizationRequireBehavior,
    /// The organization a `client_credentials` request gets when its grant requires one and it
    /// names none: `{"organization_id": "org_...", "flows": ["client_credentials"]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_organization: Option<crate::organizations::DefaultOrganization>,
    /// Auth0's `client_metadata`: string values Actions see in `event.client.metadata`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub client_metadata: BTreeMap<String, String>,
}

impl Client {
    /// The public keys of its `private_key_jwt`, when it has any: then it must use them.
    pub fn assertion_credentials(&self) -> Option<&[crate::client_keys::Credential]> {
        self.client_authentication_methods
            .as_ref()?
            .private_key_jwt
            .as_ref()
            .map(|p| p.credentials.as_slice())
            .filter(|c| !c.is_empty())
    }

    /// A public client (SPA, native): no secret, authenticates with PKCE alone.
    pub fn is_public(&self) -> bool {
        self.client_secret.is_empty()
    }

    /// Whether browser code on `origin` may call the token and revocation endpoints for this
    /// client: one of `allowed_origins` or `web_origins`, or the origin of one of `callbacks`.
    ///
    /// ```
    /// let tenant = mock_tenant::TenantConfig::quickstart();
    /// let spa = tenant.client("quickstart-spa").unwrap();
    /// assert!(spa.allows_cors_origin("http://localhost:3000"));
    /// assert!(!spa.allows_cors_origin("http://localhost:3001"));
    /// ```
    pub fn allows_cors_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.allowed_origins
            .iter()
            .chain(&self.web_origins)
            .any(|o| o.trim_end_matches('/') == origin)
            || self
                .callbacks
                .iter()
                .any(|c| origin_of(c).as_deref() == Some(origin))
    }

    /// Whether `origin` is one of `web_origins`, so `response_mode=web_message` may answer it.
    pub fn allows_web_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.web_origins
            .iter()
            .any(|o| o.trim_end_matches('/') == origin)
    }
}

/// The origin (`scheme://host[:port]`, as browsers send it in `Origin`) of an absolute URL, or
/// `None` when it has none.
///
/// ```
/// use mock_tenant::origin_of;
/// assert_eq!(origin_of("http://localhost:3000/callback?x=1").as_deref(), Some("http://localhost:3000"));
/// assert_eq!(origin_of("https://app.example/").as_deref(), Some("https://app.example"));
/// assert_eq!(origin_of("/relative"), None);
/// ```
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    if host.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

/// Whether `text` is an origin alone: `scheme://host[:port]`, with no path, query or fragment.
fn is_origin(text: &str) -> bool {
    origin_of(text).is_some_and(|o| o.eq_ignore_ascii_case(text.trim_end_matches('/')))
}

/// Permission for a client to get tokens for an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientGrant {
    /// Its id (Auth0's look like `cgr_...`), which an organization's `client_grants` may name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The client granted access.
    pub client_id: String,
    /// The API identifier.
    pub audience: String,
    /// The scopes granted; may be empty.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Organizations for M2M: whether a `client_credentials` request may (`allow`) or must
    /// (`require`) name an organization; `deny` (the default) refuses one.
    #[serde(default, skip_serializing_if = "is_default")]
    pub organization_usage: crate::OrganizationUsage,
    /// Any organization may be named; otherwise only those that list this grant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_any_organization: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn default_token_lifetime() -> u64 {
    86_400
}

impl TenantConfig {
    /// The default tenant from `fixtures/`: the quickstart API, four M2M clients granted none,
    /// `read:messages`, `write:messages` and both, a regular web app (`quickstart-web`), a
    /// public SPA (`quickstart-spa`) and three users (alice, bob, carol at example.com).
    pub fn quickstart() -> Self {
        Self::from_json(fixtures::DEFAULT_TENANT_JSON)
            .expect("the default tenant shipped in fixtures/ is valid")
    }

    /// Parses and checks a tenant file's JSON. Actions must carry their `code`: a `code_file`
    /// is read only by [`from_file`](Self::from_file).
    pub fn from_json(json: &str) -> Result<Self, crate::Error> {
        Self::parse(json, None)
    }

    /// Parses, reads the Actions' code files (relative to `folder`, when the JSON came from a
    /// file) and checks.
    fn parse(json: &str, folder: Option<&Path>) -> Result<Self, crate::Error> {
        let mut config: Self =
            serde_json::from_str(json).map_err(|e| crate::Error::Config(e.to_string()))?;
        config.users.iter_mut().for_each(User::fill_defaults);
        for (i, action) in config.actions.iter_mut().enumerate() {
            let Some(file) = action.code_file.take() else {
                continue;
            };
            let Some(folder) = folder else {
                return Err(crate::Error::Config(format!(
                    "actions[{i}]: code_file {} is read only from a tenant file on disk; send the \
                     source in code",
                    file.display()
                )));
            };
            let path = folder.join(&file);
            action.code = std::fs::read_to_string(&path).map_err(|e| {
                crate::Error::Config(format!(
                    "actions[{i}]: cannot read code_file {}: {e}",
                    path.display()
                ))
            })?;
            if action.name.is_empty() {
                action.name = file.display().to_string();
            }
        }
        config.check()?;
        Ok(config)
    }

    /// The issuers of the custom domains for a tenant whose own issuer is `issuer`: the same
    /// scheme and port, the domain's host (`https://localhost:8443/` and `127.0.0.1` give
    /// `https://127.0.0.1:8443/`).
    pub fn custom_issuers(&self, issuer: &str) -> Vec<String> {
        self.custom_domains
            .iter()
            .map(|d| crate::Issuer::new(issuer).for_domain(d).into())
            .collect()
    }

    /// Reads a tenant file.
    pub fn from_file(path: &Path) -> Result<Self, crate::Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            crate::Error::Config(format!("cannot read tenant file {}: {e}", path.display()))
        })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, Some(folder)).map_err(|e| {
            crate::Error::Config(format!("invalid tenant file {}: {e}", path.display()))
        })
    }

    /// Finds an API by identifier.
    pub fn api(&self, identifier: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.identifier == identifier)
    }

    /// Finds a client by id.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// The roles `user` has, by name or id, in the tenant's order.
    pub fn roles_of<'a>(&'a self, user: &'a User) -> impl Iterator<Item = &'a crate::roles::Role> {
        self.roles
            .iter()
            .filter(|r| user.roles.iter().any(|n| *n == r.name || *n == r.id))
    }

    /// The permissions `user` has on API `audience`: its own, then its roles', each once.
    pub fn permissions_of(&self, user: &User, audience: &str) -> Vec<String> {
        let mut all: Vec<String> = user.permissions.get(audience).cloned().unwrap_or_default();
        for role in self.roles_of(user) {
            for p in role
                .permissions
                .iter()
                .filter(|p| p.resource_server_identifier == audience)
            {
                if !all.contains(&p.permission_name) {
                    all.push(p.permission_name.clone());
                }
            }
        }
        all
    }

    /// The Actions bound to `trigger`, in order.
    pub fn actions_for(
        &self,
        trigger: crate::actions::Trigger,
    ) -> impl Iterator<Item = &crate::actions::Action> {
        self.actions.iter().filter(move |a| a.trigger == trigger)
    }

    /// The organization whose id is `id_or_name`, or whose name it is (names compare without
    /// case, as Auth0 stores them lowercase).
    pub fn organization(&self, id_or_name: &str) -> Option<&crate::Organization> {
        self.organizations
            .iter()
            .find(|o| o.id == id_or_name)
            .or_else(|| {
                self.organizations
                    .iter()
                    .find(|o| o.name.eq_ignore_ascii_case(id_or_name))
            })
    }

    /// The `custom-token-exchange` Action whose id or name is `id`.
    pub fn exchange_action(&self, id: &str) -> Option<&crate::actions::Action> {
        self.actions_for(crate::actions::Trigger::CustomTokenExchange)
            .find(|a| (!a.id.is_empty() && a.id == id) || a.name == id)
    }

    /// Finds the grant of `client_id` for `audience`.
    pub fn grant(&self, client_id: &str, audience: &str) -> Option<&ClientGrant> {
        self.client_grants
            .iter()
            .find(|g| g.client_id == client_id && g.audience == audience)
    }

    /// Finds a user by id or email.
    pub fn user(&self, id_or_email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.user_id == id_or_email)
            .or_else(|| {
                self.users
                    .iter()
                    .find(|u| u.email.eq_ignore_ascii_case(id_or_email))
            })
    }

    /// Checks that ids are unique and that grants name existing clients, APIs and permissions.
    pub fn check(&self) -> Result<(), crate::Error> {
        self.problem().map_err(crate::Error::Config)
    }

    /// The first thing [`check`](Self::check) finds wrong.
    fn problem(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for api in &self.apis {
            if !seen.insert(api.identifier.as_str()) {
                return Err(format!("duplicate API identifier {:?}", api.identifier));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for client in &self.clients {
            if client.client_id.is_empty() || !seen.insert(client.client_id.as_str()) {
                return Err(format!(
                    "empty or duplicate client_id {:?}",
                    client.client_id
                ));
            }
        }
        for client in &self.clients {
            if let Some(bad) = client
                .allowed_origins
                .iter()
                .chain(&client.web_origins)
                .find(|o| !is_origin(o))
            {
                return Err(format!(
                    "client {:?}: {bad:?} is not an origin (scheme://host[:port], no path)",
                    client.client_id
                ));
            }
        }
        for client in &self.clients {
            let methods = client.client_authentication_methods.as_ref();
            if let Some(keys) = methods.and_then(|m| m.private_key_jwt.as_ref()) {
                if keys.credentials.is_empty() {
                    return Err(format!(
                        "client {:?}: client_authentication_methods.private_key_jwt has no credentials",
                        client.client_id
                    ));
                }
                for (i, credential) in keys.credentials.iter().enumerate() {
                    if let Some(problem) = credential.problem() {
                        return Err(format!(
                            "client {:?}: client_authentication_methods.private_key_jwt.credentials[{i}]: {problem}",
                            client.client_id
                        ));
                    }
                }
            }
        }
        for grant in &self.client_grants {
            if self.client(&grant.client_id).is_none() {
                return Err(format!(
                    "client grant names unknown client {:?}",
                    grant.client_id
                ));
            }
            let Some(api) = self.api(&grant.audience) else {
                return Err(format!(
                    "client grant names unknown API {:?}",
                    grant.audience
                ));
            };
            if let Some(p) = grant.scope.iter().find(|p| !api.permissions.contains(p)) {
                return Err(format!(
                    "client grant for {:?} gives {p:?}, which API {:?} does not define",
                    grant.client_id, api.identifier
                ));
            }
        }
        for (i, limit) in self.rate_limits.iter().enumerate() {
            if let Some(problem) = limit.problem() {
                return Err(format!("rate_limits[{i}]: {problem}"));
            }
            if let Some(client) = &limit.client_id
                && self.client(client).is_none()
            {
                return Err(format!("rate_limits[{i}]: no client {client:?}"));
            }
        }
        if let Some(aud) = &self.default_audience
            && self.api(aud).is_none()
        {
            return Err(format!("default_audience {aud:?} names no API"));
        }
        let mut seen = std::collections::HashSet::new();
        for user in &self.users {
            if user.user_id.is_empty() || !seen.insert(user.user_id.as_str()) {
                return Err(format!("empty or duplicate user_id {:?}", user.user_id));
            }
            if let Some(api) = user.permissions.keys().find(|a| self.api(a).is_none()) {
                return Err(format!(
                    "user {:?} has permissions for unknown API {api:?}",
                    user.user_id
                ));
            }
        }
        for (i, role) in self.roles.iter().enumerate() {
            if let Some(problem) = role.problem(self) {
                return Err(format!("roles[{i}]: {problem}"));
            }
        }
        for user in &self.users {
            if let Some(role) = user
                .roles
                .iter()
                .find(|n| !self.roles.iter().any(|r| r.name == **n || r.id == **n))
            {
                return Err(format!(
                    "user {:?} has role {role:?}, which is not in roles",
                    user.user_id
                ));
            }
        }
        for (i, action) in self.actions.iter().enumerate() {
            if action.code.trim().is_empty() {
                return Err(format!("actions[{i}] ({}): no code", action.trigger));
            }
        }
        for (i, org) in self.organizations.iter().enumerate() {
            if let Some(problem) = org.problem(self) {
                return Err(format!("organizations[{i}]: {problem}"));
            }
        }
        for (i, profile) in self.token_exchange_profiles.iter().enumerate() {
            if let Some(problem) = profile.problem(self) {
                return Err(format!("token_exchange_profiles[{i}]: {problem}"));
            }
        }
        if let Some(problem) = self.action_limits.problem() {
            return Err(format!("action_limits: {problem}"));
        }
        if let Some(who) = &self.auto_login
            && self.user(who).is_none()
        {
            return Err(format!("auto_login {who:?} names no user"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tenant_grants_none_read_write_and_both() {
        let t = TenantConfig::quickstart();
        let scopes: Vec<_> = t.client_grants.iter().map(|g| g.scope.join(" ")).collect();
        assert_eq!(
            scopes,
            [
                "",
                "read:messages",
                "write:messages",
                "read:messages write:messages"
            ]
        );
    }

    #[test]
    fn rejects_grant_of_undefined_permission() {
        let mut t = TenantConfig::quickstart();
        t.client_grants[0].scope = vec!["delete:everything".into()];
        let err = t.check().unwrap_err().to_string();
        assert!(err.contains("delete:everything"), "{err}");
    }

    #[test]
    fn origins_must_be_origins_and_callbacks_count_as_cors_origins() {
        let mut t = TenantConfig::quickstart();
        let spa = t
            .clients
            .iter_mut()
            .find(|c| c.client_id == "quickstart-spa")
            .unwrap();
        spa.web_origins.push("http://localhost:4000/app".into());
        let err = t.check().unwrap_err().to_string();
        assert!(err.contains("http://localhost:4000/app"), "{err}");

        let web = TenantConfig::quickstart()
            .client("quickstart-web")
            .unwrap()
            .clone();
        assert!(web.allowed_origins.is_empty() && web.web_origins.is_empty());
        assert!(web.allows_cors_origin("http://127.0.0.1:5000"));
        assert!(!web.allows_web_origin("http://127.0.0.1:5000"));
        assert!(!web.allows_cors_origin("http://127.0.0.1:5001"));
        assert!(!web.allows_cors_origin("null"));
    }

    #[test]
    fn rejects_unknown_fields_so_typos_surface() {
        let err = TenantConfig::from_json(r#"{"apis":[],"clientz":[]}"#).unwrap_err();
        assert!(matches!(err, crate::Error::Config(_)), "{err:?}");
        assert!(err.to_string().contains("clientz"), "{err}");
    }

    #[test]
    fn a_misspelt_grant_type_names_the_place_and_the_known_ones() {
        let file = r#"{"clients":[{"client_id":"m2m","client_secret":"s","grant_types":["client_credential"]}]}"#;
        let err = TenantConfig::from_json(file).unwrap_err().to_string();
        assert!(
            err.contains("unknown grant type \"client_credential\": one of client_credentials,"),
            "{err}"
        );
        assert!(err.contains("line 1 column"), "{err}");
        let file = file.replace("client_credential\"", "client_credentials\"");
        let ok = TenantConfig::from_json(&file).unwrap();
        assert_eq!(ok.clients[0].grant_types, [GrantType::ClientCredentials]);
    }
}
