//! The `event` each trigger's Actions get, built from the tenant's data in the shapes Auth0
//! documents (`docs/actions.md` lists the fields).

use crate::config::{Api, Client, TenantConfig};
use crate::users::User;
use serde_json::{Map, Value, json};

/// The request that started the flow: `event.request`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    /// The caller's IP address.
    pub(crate) ip: String,
    /// The host name it was sent to (no port).
    pub(crate) hostname: String,
    /// `GET` or `POST`.
    pub(crate) method: &'static str,
    /// The query parameters (`/authorize`'s).
    pub(crate) query: Map<String, Value>,
    /// The body's parameters (the token endpoint's), secrets left out.
    pub(crate) body: Map<String, Value>,
    /// `User-Agent`.
    pub(crate) user_agent: String,
}

impl Request {
    /// The request of `headers` from `ip`; the host name without its port.
    pub(crate) fn new(method: &'static str, headers: &http::HeaderMap, ip: String) -> Self {
        let header = |name: http::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let host = header(http::header::HOST);
        let hostname = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
            _ => host,
        };
        Self {
            ip,
            hostname: hostname.trim_matches(['[', ']']).to_owned(),
            method,
            query: Map::new(),
            body: Map::new(),
            user_agent: header(http::header::USER_AGENT),
        }
    }

    /// With these parameters as its query (`GET`) or body (`POST`); client secrets and
    /// assertions are left out, as Auth0 leaves them out.
    pub(crate) fn with_params<'a>(
        mut self,
        params: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> Self {
        let hidden = [
            "client_secret",
            "client_assertion",
            "password",
            "subject_token",
            "code_verifier",
        ];
        let map: Map<String, Value> = params
            .into_iter()
            .filter(|(k, _)| !hidden.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        if self.method == "GET" {
            self.query = map;
        } else {
            self.body = map;
        }
        self
    }

    /// `event.request`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "ip": self.ip,
            "hostname": self.hostname,
            "method": self.method,
            "query": self.query,
            "body": self.body,
            "user_agent": self.user_agent,
            "language": "en",
            "geoip": {},
        })
    }
}

/// What a login asked for: `event.transaction` of `post-login`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction<'a> {
    /// `oidc-basic-profile` (the code flow) or `oauth2-resource-owner` (password grants).
    pub(crate) protocol: &'a str,
    /// The scopes asked for.
    pub(crate) requested_scope: &'a str,
    /// `redirect_uri`, for the code flow.
    pub(crate) redirect_uri: Option<&'a str>,
    /// `state`, for the code flow.
    pub(crate) state: Option<&'a str>,
}

/// `event.tenant.id`: the first label of the issuer's host (`localhost`).
pub(crate) fn tenant(issuer: &str) -> Value {
    let host = crate::config::origin_of(issuer)
        .and_then(|o| o.split_once("://").map(|(_, h)| h.to_owned()))
        .unwrap_or_default();
    let id = host.split([':', '.']).next().unwrap_or("").to_owned();
    json!({ "id": id })
}

/// `event.client`.
pub(crate) fn client_json(client: &Client) -> Value {
    json!({
        "client_id": client.client_id,
        "name": client.name,
        "metadata": client.client_metadata,
    })
}

/// `event.user`: the profile, metadata and one identity in the user's connection.
pub(crate) fn user_json(user: &User) -> Value {
    let (provider, id) = user
        .user_id
        .split_once('|')
        .unwrap_or(("auth0", user.user_id.as_str()));
    let mut value = json!({
        "user_id": user.user_id,
        "email": user.email,
        "email_verified": user.email_verified,
        "name": user.name,
        "nickname": user.nickname,
        "picture": user.picture,
        "updated_at": user.updated_at,
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "identities": [{
            "connection": user.connection,
            "provider": provider,
            "user_id": id,
            "isSocial": !matches!(provider, "auth0" | "email" | "sms"),
        }],
    });
    if let Some(given) = &user.given_name {
        value["given_name"] = json!(given);
    }
    if let Some(family) = &user.family_name {
        value["family_name"] = json!(family);
    }
    value
}

/// Who logs in to what: the parts of a `post-login` event the tenant holds.
pub(crate) struct Login<'a> {
    /// The tenant.
    pub(crate) config: &'a TenantConfig,
    /// The client the login is for.
    pub(crate) client: &'a Client,
    /// The user.
    pub(crate) user: &'a User,
    /// The API asked for, if any.
    pub(crate) api: Option<&'a Api>,
    /// The organization logged in to, if any.
    pub(crate) organization: Option<&'a crate::Organization>,
}

/// The `post-login` event.
pub(crate) fn post_login(
    login: &Login<'_>,
    request: &Request,
    transaction: &Transaction<'_>,
    issuer: &str,
) -> Value {
    let Login {
        config,
        client,
        user,
        api,
        organization,
    } = *login;
    let roles: Vec<&str> = config.roles_of(user).map(|r| r.name.as_str()).collect();
    let mut tx = json!({
        "protocol": transaction.protocol,
        "requested_scopes": transaction.requested_scope.split_whitespace().collect::<Vec<_>>(),
        "locale": "en",
        "ui_locales": [],
        "acr_values": [],
    });
    if let Some(uri) = transaction.redirect_uri {
        tx["redirect_uri"] = json!(uri);
        tx["response_type"] = json!(["code"]);
    }
    if let Some(state) = transaction.state {
        tx["state"] = json!(state);
    }
    let mut event = json!({
        "transaction": tx,
        "user": user_json(user),
        "client": client_json(client),
        "connection": {
            "name": user.connection,
            "strategy": if user.connection == crate::users::DEFAULT_CONNECTION { "auth0" } else { "custom" },
            "metadata": {},
        },
        "authorization": { "roles": roles },
        "request": request.to_json(),
        "tenant": tenant(issuer),
        "secrets": {},
        "stats": { "logins_count": 1 },
    });
    if let Some(api) = api {
        event["resource_server"] = json!({ "identifier": api.identifier });
    }
    if let Some(org) = organization {
        event["organization"] = organization_json(org);
    }
    event
}

/// The `credentials-exchange` event.
pub(crate) fn credentials_exchange(
    client: &Client,
    api: &Api,
    organization: Option<&crate::Organization>,
    scopes: &[&str],
    request: &Request,
    issuer: &str,
) -> Value {
    let mut event = json!({
        "transaction": { "requested_scopes": scopes },
        "client": client_json(client),
        "resource_server": { "identifier": api.identifier },
        "request": request.to_json(),
        "tenant": tenant(issuer),
        "secrets": {},
        "accessToken": { "customClaims": {}, "scope": scopes },
    });
    if let Some(org) = organization {
        event["organization"] = organization_json(org);
    }
    event
}

/// `event.organization`.
fn organization_json(org: &crate::Organization) -> Value {
    json!({
        "id": org.id,
        "name": org.name,
        "display_name": org.display_name,
        "metadata": org.metadata,
    })
}
