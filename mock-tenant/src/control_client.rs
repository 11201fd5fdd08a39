//! [`ControlClient`]: the `/_mock/` control API of a running tenant, over HTTP, on the same
//! types the tenant answers with. The conformance suite drives tenants through it; so can any
//! test that talks to a tenant in another process or container.

use crate::{Error, JwksFault, KeysSummary, Stats, TenantConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What `POST /_mock/token` takes. Every field is optional: the default mints the valid token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MintRequest {
    /// A defect name from `GET /_mock/defects`, applied after the overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defect: Option<String>,
    /// Claims to set; `null` removes one.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub claims: Map<String, Value>,
    /// Header fields to set; `null` removes one.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub header: Map<String, Value>,
    /// Base URL the `jku`/`x5u` defects point at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attacker: Option<String>,
    /// The scope the target API needs, written wherever the token says `read:messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_name: Option<String>,
    /// Bind the token to the fixture DPoP key (`cnf.jkt`), as `POST /_mock/dpop/proof` signs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dpop_bound: bool,
    /// Bind the token to this key thumbprint instead (another key's `jkt`, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_jkt: Option<String>,
}

impl MintRequest {
    /// The token with this defect.
    pub fn defect(name: &str) -> Self {
        Self {
            defect: Some(name.to_owned()),
            ..Self::default()
        }
    }
}

/// A running tenant's control API, by URL.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tenant = mock_tenant::MockTenant::start().await;
/// let control = mock_tenant::ControlClient::new(&tenant.url(), tenant.ca_pem())?;
/// let token = control.mint(&mock_tenant::MintRequest::defect("alg-none")).await?;
/// assert!(token.ends_with('.'));
/// let rotated = control.rotate_keys().await?;
/// assert_eq!(rotated.current, control.keys().await?.current);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ControlClient {
    url: String,
    http: reqwest::Client,
    control_token: Option<String>,
}

/// The URL and whether a control token is set; never the token.
impl std::fmt::Debug for ControlClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlClient")
            .field("url", &self.url)
            .field(
                "control_token",
                &self.control_token.as_ref().map(|_| "(set)"),
            )
            .finish_non_exhaustive()
    }
}

impl ControlClient {
    /// The tenant at `url` (`https://localhost:PORT`), trusting `ca_pem` if given; every call
    /// gives up after 10 s.
    pub fn new(url: &str, ca_pem: Option<&str>) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10));
        if let Some(pem) = ca_pem {
            let ca = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::Tls(format!("the tenant's CA is not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(ca);
        }
        let http = builder.build().map_err(|e| Error::Tls(e.to_string()))?;
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            http,
            control_token: None,
        })
    }

    /// Sends `token` as the tenant's control token (`X-Mock-Control-Token`) on every call:
    /// a tenant started with `--control-token` refuses control calls without it.
    #[must_use]
    pub fn with_control_token(mut self, token: impl Into<String>) -> Self {
        self.control_token = Some(token.into());
        self
    }

    /// The tenant's base URL, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The HTTP client, trusting the tenant's CA (for the tenant's own endpoints).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Value, Error> {
        let mut request = self
            .http
            .request(method, format!("{}/_mock/{path}", self.url));
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request, path).await
    }

    /// Sends a control request with the control token; its JSON answer (`null` when empty).
    async fn send(&self, mut request: reqwest::RequestBuilder, path: &str) -> Result<Value, Error> {
        if let Some(token) = &self.control_token {
            request = request.header(crate::CONTROL_TOKEN_HEADER, token);
        }
        let res = request.send().await.map_err(|e| {
            Error::Control(format!("the tenant at {} did not answer: {e}", self.url))
        })?;
        let status = res.status();
        let text = res
            .text()
            .await
            .map_err(|e| Error::Control(e.to_string()))?;
        if !status.is_success() {
            return Err(Error::Control(format!(
                "the tenant answered {status} to {path}: {text}"
            )));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn typed<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<T, Error> {
        let value = self.call(method, path, None::<&Value>).await?;
        serde_json::from_value(value)
            .map_err(|e| Error::Control(format!("the tenant's answer to {path}: {e}")))
    }

    /// A token (`POST /_mock/token`).
    pub async fn mint(&self, request: &MintRequest) -> Result<String, Error> {
        let answer = self
            .call(reqwest::Method::POST, "token", Some(request))
            .await?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::Control("the tenant minted no token".into()))
    }

    /// Requests per path (`GET /_mock/stats`).
    pub async fn stats(&self) -> Result<Stats, Error> {
        self.typed(reqwest::Method::GET, "stats").await
    }

    /// The kids (`GET /_mock/keys`).
    pub async fn keys(&self) -> Result<KeysSummary, Error> {
        self.typed(reqwest::Method::GET, "keys").await
    }

    /// Rotates the keys (`POST /_mock/keys/rotate`).
    pub async fn rotate_keys(&self) -> Result<KeysSummary, Error> {
        self.typed(reqwest::Method::POST, "keys/rotate").await
    }

    /// Re-binds `kid` to a new key (`POST /_mock/keys/KID/rebind`).
    pub async fn rebind_kid(&self, kid: &str) -> Result<(), Error> {
        self.call(
            reqwest::Method::POST,
            &format!("keys/{kid}/rebind"),
            None::<&Value>,
        )
        .await
        .map(drop)
    }

    /// Removes the key of `kid` from the key set (`DELETE /_mock/keys/KID`): what Auth0's
    /// "revoke signing key" does after a leak.
    pub async fn remove_kid(&self, kid: &str) -> Result<(), Error> {
        self.call(
            reqwest::Method::DELETE,
            &format!("keys/{kid}"),
            None::<&Value>,
        )
        .await
        .map(drop)
    }

    /// Breaks the JWKS on purpose (`POST /_mock/jwks/fault`).
    pub async fn set_jwks_fault(&self, fault: &JwksFault) -> Result<(), Error> {
        self.call(reqwest::Method::POST, "jwks/fault", Some(fault))
            .await
            .map(drop)
    }

    /// Serves the JWKS normally again (`DELETE /_mock/jwks/fault`).
    pub async fn clear_jwks_fault(&self) -> Result<(), Error> {
        self.call(reqwest::Method::DELETE, "jwks/fault", None::<&Value>)
            .await
            .map(drop)
    }

    /// Replaces discovery fields (`PUT /_mock/discovery`); `{}` restores the real document.
    pub async fn set_discovery(&self, fields: &Value) -> Result<(), Error> {
        self.call(reqwest::Method::PUT, "discovery", Some(fields))
            .await
            .map(drop)
    }

    /// Makes `code` the only Action of `trigger` (`PUT /_mock/actions/{trigger}`); a syntax
    /// error shows when the Action runs, as Auth0 shows it.
    pub async fn set_action(&self, trigger: crate::Trigger, code: &str) -> Result<(), Error> {
        let path = format!("actions/{trigger}");
        let request = self
            .http
            .put(format!("{}/_mock/{path}", self.url))
            .header(reqwest::header::CONTENT_TYPE, "application/javascript")
            .body(code.to_owned());
        self.send(request, &path).await.map(drop)
    }

    /// Removes the Actions of `trigger` (`DELETE /_mock/actions/{trigger}`).
    pub async fn delete_actions(&self, trigger: crate::Trigger) -> Result<(), Error> {
        self.call(
            reqwest::Method::DELETE,
            &format!("actions/{trigger}"),
            None::<&Value>,
        )
        .await
        .map(drop)
    }

    /// Merges `patch` (RFC 7396) into the user with this id or email (`PATCH
    /// /_mock/users/{id}`): its `app_metadata`, `roles`, `claims`... The user as it is now.
    pub async fn patch_user(&self, id: &str, patch: &Value) -> Result<crate::User, Error> {
        let value = self
            .call(
                reqwest::Method::PATCH,
                &format!("users/{}", path_segment(id)),
                Some(patch),
            )
            .await?;
        serde_json::from_value(value)
            .map_err(|e| Error::Control(format!("the tenant's answer to a user patch: {e}")))
    }

    /// Merges `patch` (RFC 7396) into client `id` (`PATCH /_mock/clients/{id}`): its
    /// `client_metadata`, `claims`... The client as it is now.
    pub async fn patch_client(&self, id: &str, patch: &Value) -> Result<crate::Client, Error> {
        let value = self
            .call(
                reqwest::Method::PATCH,
                &format!("clients/{}", path_segment(id)),
                Some(patch),
            )
            .await?;
        serde_json::from_value(value)
            .map_err(|e| Error::Control(format!("the tenant's answer to a client patch: {e}")))
    }

    /// The tenant data (`GET /_mock/config`).
    pub async fn config(&self) -> Result<TenantConfig, Error> {
        self.typed(reqwest::Method::GET, "config").await
    }

    /// Everything the control API can change (`GET /_mock/state`), to put back later.
    pub async fn state(&self) -> Result<Value, Error> {
        self.call(reqwest::Method::GET, "state", None::<&Value>)
            .await
    }

    /// Puts a state from [`state`](Self::state) back (`PUT /_mock/state`).
    pub async fn put_state(&self, state: &Value) -> Result<(), Error> {
        self.call(reqwest::Method::PUT, "state", Some(state))
            .await
            .map(drop)
    }

    /// The issuer, from the discovery document.
    pub async fn issuer(&self) -> Result<String, Error> {
        let doc: Value = self
            .http
            .get(format!("{}/.well-known/openid-configuration", self.url))
            .send()
            .await
            .map_err(|e| Error::Control(e.to_string()))?
            .json()
            .await
            .map_err(|e| Error::Control(e.to_string()))?;
        doc["issuer"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::Control("the discovery document names no issuer".into()))
    }

    /// The key set as the tenant serves it now (this request counts as a JWKS fetch).
    pub async fn jwks_body(&self) -> Result<String, Error> {
        self.http
            .get(format!("{}/.well-known/jwks.json", self.url))
            .send()
            .await
            .map_err(|e| Error::Control(e.to_string()))?
            .text()
            .await
            .map_err(|e| Error::Control(e.to_string()))
    }
}

/// `id` escaped for one path segment (`auth0|123` is `auth0%7C123`).
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' | b'+' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
