//! The claims of every access token the tenant issues, in one place: the grants' tokens and the
//! forge's valid token are built here, in Auth0's claim order for each kind of token.

use serde_json::{Map, Value, json};

/// Who an access token was issued to, which decides its subject and claim order.
pub(crate) enum Subject<'a> {
    /// A client for itself (`client_credentials`): `sub` is `CLIENT@clients`, `gty` is
    /// `client-credentials`, and an empty scope is left out.
    Client,
    /// A user of a login: the user's own claims come first, and `scope` is always there.
    User {
        /// The user id (`sub`).
        user_id: &'a str,
        /// The user's custom claims (namespaced, from the tenant file).
        claims: &'a Map<String, Value>,
    },
}

/// An access token's content.
pub(crate) struct AccessToken<'a> {
    /// Who it was issued to.
    pub(crate) subject: Subject<'a>,
    /// `iss`.
    pub(crate) issuer: &'a str,
    /// `aud`: a string, or an array (an API and `/userinfo`).
    pub(crate) audience: Value,
    /// `iat`.
    pub(crate) issued_at: i64,
    /// `exp - iat`, in seconds.
    pub(crate) lifetime: u64,
    /// `azp`: the client it was issued to.
    pub(crate) client_id: &'a str,
    /// `scope`, space-separated.
    pub(crate) scope: &'a str,
    /// `permissions`, under RBAC.
    pub(crate) permissions: Option<Vec<String>>,
    /// The DPoP key thumbprint it is bound to (`cnf.jkt`).
    pub(crate) jkt: Option<&'a str>,
    /// The organization it was issued in (`org_id`, `org_name`).
    pub(crate) organization: Option<&'a crate::login::OrgRef>,
}

impl AccessToken<'_> {
    /// The claims, in Auth0's order.
    pub(crate) fn claims(&self) -> Map<String, Value> {
        let mut claims = match &self.subject {
            Subject::Client => Map::new(),
            Subject::User { claims, .. } => (*claims).clone(),
        };
        let sub = match &self.subject {
            Subject::Client => format!("{}@clients", self.client_id),
            Subject::User { user_id, .. } => (*user_id).to_owned(),
        };
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("sub".into(), json!(sub));
        claims.insert("aud".into(), self.audience.clone());
        claims.insert("iat".into(), json!(self.issued_at));
        claims.insert("exp".into(), json!(self.issued_at + self.lifetime as i64));
        match self.subject {
            Subject::Client => {
                claims.insert("azp".into(), json!(self.client_id));
                if !self.scope.is_empty() {
                    claims.insert("scope".into(), json!(self.scope));
                }
                crate::login::OrgRef::add_to(self.organization, &mut claims);
                claims.insert("gty".into(), json!("client-credentials"));
            }
            Subject::User { .. } => {
                claims.insert("scope".into(), json!(self.scope));
                claims.insert("azp".into(), json!(self.client_id));
                crate::login::OrgRef::add_to(self.organization, &mut claims);
            }
        }
        if let Some(permissions) = &self.permissions {
            claims.insert("permissions".into(), json!(permissions));
        }
        if let Some(jkt) = self.jkt {
            claims.insert("cnf".into(), json!({"jkt": jkt}));
        }
        claims
    }
}
