//! The suite's hold on the mock tenant: minting, faults, rotation and fetch counts, all through
//! its `/_mock/` HTTP API, so an embedded tenant and one running elsewhere are driven alike.

use mock_tenant::JwksFault;
use serde_json::{Value, json};

/// A running mock tenant, by URL.
#[derive(Debug, Clone)]
pub struct Tenant {
    url: String,
    http: reqwest::Client,
    /// The scope the API's scoped endpoint needs, when not `read:messages`: the forge writes it
    /// wherever its tokens say `read:messages`.
    scope: Option<String>,
}

/// The scope the forge's tokens are written for.
const DEFAULT_SCOPE: &str = "read:messages";

impl Tenant {
    /// The tenant at `url` (`https://localhost:PORT`), trusting `ca_pem` if given.
    pub fn new(url: &str, ca_pem: Option<&str>) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10));
        if let Some(pem) = ca_pem {
            let ca = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| format!("the tenant's CA is not a PEM certificate: {e}"))?;
            builder = builder.add_root_certificate(ca);
        }
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            http: builder.build().map_err(|e| e.to_string())?,
            scope: None,
        })
    }

    /// The tenant's base URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method, format!("{}/_mock/{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let res = request
            .send()
            .await
            .map_err(|e| format!("the tenant at {} did not answer: {e}", self.url))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("the tenant answered {status} to {path}: {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A token by defect name (`None`: the valid token, see [`valid`](Self::valid)).
    pub(crate) async fn mint(
        &self,
        defect: Option<&str>,
        attacker: Option<&str>,
    ) -> Result<String, String> {
        let mut body = json!({});
        if let Some(defect) = defect {
            body["defect"] = json!(defect);
        }
        if let Some(url) = attacker {
            body["attacker"] = json!(url);
        }
        self.mint_with(body).await
    }

    /// T0, the valid token: signed by the current key, with the scope.
    pub(crate) async fn valid(&self) -> Result<String, String> {
        self.mint(None, None).await
    }

    /// The same tenant, minting tokens for an API whose scoped endpoint needs `scope`.
    pub(crate) fn for_scope(&self, scope: &str) -> Self {
        Self {
            scope: (scope != DEFAULT_SCOPE).then(|| scope.to_owned()),
            ..self.clone()
        }
    }

    /// A token from a full `POST /_mock/token` body.
    pub(crate) async fn mint_with(&self, mut body: Value) -> Result<String, String> {
        if let Some(scope) = &self.scope {
            body["scope_name"] = json!(scope);
        }
        let answer = self
            .call(reqwest::Method::POST, "token", Some(body))
            .await?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "the tenant minted no token".into())
    }

    pub(crate) async fn set_fault(&self, fault: &JwksFault) -> Result<(), String> {
        let body = serde_json::to_value(fault).map_err(|e| e.to_string())?;
        self.call(reqwest::Method::POST, "jwks/fault", Some(body))
            .await
            .map(drop)
    }

    pub(crate) async fn clear_fault(&self) -> Result<(), String> {
        self.call(reqwest::Method::DELETE, "jwks/fault", None)
            .await
            .map(drop)
    }

    /// How often the JWKS was requested.
    pub async fn jwks_fetches(&self) -> Result<u64, String> {
        self.requests("/.well-known/jwks.json").await
    }

    /// How many requests the tenant has seen for `path`.
    pub(crate) async fn requests(&self, path: &str) -> Result<u64, String> {
        let stats = self.call(reqwest::Method::GET, "stats", None).await?;
        Ok(stats["requests"][path].as_u64().unwrap_or(0))
    }

    /// Replaces discovery fields (`PUT /_mock/discovery`); `{}` restores the real document.
    pub(crate) async fn set_discovery(&self, fields: Value) -> Result<(), String> {
        self.call(reqwest::Method::PUT, "discovery", Some(fields))
            .await
            .map(drop)
    }

    /// Everything the control API can change (`GET /_mock/state`), to put back later.
    pub async fn state(&self) -> Result<Value, String> {
        self.call(reqwest::Method::GET, "state", None).await
    }

    /// Puts a state from [`state`](Self::state) back (`PUT /_mock/state`).
    pub async fn put_state(&self, state: &Value) -> Result<(), String> {
        self.call(reqwest::Method::PUT, "state", Some(state.clone()))
            .await
            .map(drop)
    }

    pub(crate) async fn rotate(&self) -> Result<(), String> {
        self.call(reqwest::Method::POST, "keys/rotate", None)
            .await
            .map(drop)
    }

    pub(crate) async fn current_kid(&self) -> Result<String, String> {
        let keys = self.call(reqwest::Method::GET, "keys", None).await?;
        keys["current"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "no current kid".into())
    }

    pub(crate) async fn rebind(&self, kid: &str) -> Result<(), String> {
        self.call(reqwest::Method::POST, &format!("keys/{kid}/rebind"), None)
            .await
            .map(drop)
    }

    /// The issuer, from the discovery document.
    pub(crate) async fn issuer(&self) -> Result<String, String> {
        let doc: Value = self
            .http
            .get(format!("{}/.well-known/openid-configuration", self.url))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        doc["issuer"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "no issuer".into())
    }
}
