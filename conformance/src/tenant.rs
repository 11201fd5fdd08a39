//! The suite's hold on the mock tenant: minting, faults, rotation and fetch counts, all through
//! its `/_mock/` HTTP API ([`mock_tenant::ControlClient`], the one owner of that protocol), so an
//! embedded tenant and one running elsewhere are driven alike.

use mock_tenant::forge::DefectId;
use mock_tenant::{ControlClient, JwksFault, MintRequest};
use serde_json::Value;

/// A running mock tenant, by URL.
#[derive(Debug, Clone)]
pub struct Tenant {
    control: ControlClient,
    /// Like the control client, but never following redirects: `/authorize` answers with one.
    login_http: reqwest::Client,
    /// The scope the API's scoped endpoint needs, when not `read:messages`: the forge writes it
    /// wherever its tokens say `read:messages`.
    scope: Option<String>,
    /// The DPoP key thumbprint the forge binds every token to (`cnf.jkt`), under a DPoP
    /// profile.
    jkt: Option<String>,
    /// The organization every token carries in `org_id`, under `--organization`.
    organization: Option<String>,
}

/// The scope the forge's tokens are written for.
const DEFAULT_SCOPE: &str = "read:messages";

impl Tenant {
    /// The tenant at `url` (`https://localhost:PORT`), trusting `ca_pem` if given.
    pub fn new(url: &str, ca_pem: Option<&str>) -> Result<Self, mock_tenant::Error> {
        let control = ControlClient::new(url, ca_pem)?;
        let mut login = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = ca_pem {
            let ca = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                mock_tenant::Error::Tls(format!("the tenant's CA is not a PEM certificate: {e}"))
            })?;
            login = login.add_root_certificate(ca);
        }
        Ok(Self {
            control,
            login_http: login
                .build()
                .map_err(|e| mock_tenant::Error::Tls(e.to_string()))?,
            scope: None,
            jkt: None,
            organization: None,
        })
    }

    /// The tenant's base URL.
    pub fn url(&self) -> &str {
        self.control.url()
    }

    /// Sends `token` as the tenant's control token on every control call (a tenant started
    /// with `mock-tenant --control-token`).
    #[must_use]
    pub fn with_control_token(mut self, token: &str) -> Self {
        self.control = self.control.with_control_token(token);
        self
    }

    /// The control client underneath.
    pub fn control(&self) -> &ControlClient {
        &self.control
    }

    /// A token with this defect (`None`: the valid token, see [`valid`](Self::valid)).
    pub(crate) async fn mint(
        &self,
        defect: Option<DefectId>,
        attacker: Option<&str>,
    ) -> Result<String, String> {
        self.mint_with(MintRequest {
            defect: defect.map(|d| d.name().to_owned()),
            attacker: attacker.map(str::to_owned),
            ..MintRequest::default()
        })
        .await
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

    /// The same tenant, binding every token it mints to the DPoP key with this thumbprint
    /// (`None`: unbound tokens).
    pub(crate) fn bound_to(&self, jkt: Option<&str>) -> Self {
        Self {
            jkt: jkt.map(str::to_owned),
            ..self.clone()
        }
    }

    /// The same tenant, putting `org_id` = `organization` in every token it mints (unless a
    /// request sets `org_id` itself).
    pub(crate) fn in_organization(&self, organization: Option<&str>) -> Self {
        Self {
            organization: organization.map(str::to_owned),
            ..self.clone()
        }
    }

    /// The name of the tenant's organization with this id, when its configuration has one.
    pub(crate) async fn organization_name(&self, id: &str) -> Result<Option<String>, String> {
        let config = self.control.config().await?;
        Ok(config
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone()))
    }

    /// A token from a full request, with this handle's scope, binding and organization.
    pub(crate) async fn mint_with(&self, mut request: MintRequest) -> Result<String, String> {
        if let Some(org) = &self.organization {
            request
                .claims
                .entry("org_id")
                .or_insert_with(|| serde_json::json!(org));
        }
        if let Some(scope) = &self.scope {
            request.scope_name = Some(scope.clone());
        }
        if request.dpop_jkt.is_none() {
            request.dpop_jkt.clone_from(&self.jkt);
        }
        Ok(self.control.mint(&request).await?)
    }

    pub(crate) async fn set_fault(&self, fault: &JwksFault) -> Result<(), String> {
        Ok(self.control.set_jwks_fault(fault).await?)
    }

    pub(crate) async fn clear_fault(&self) -> Result<(), String> {
        Ok(self.control.clear_jwks_fault().await?)
    }

    /// The key set as the tenant serves it now (this request counts as a JWKS fetch).
    pub(crate) async fn jwks_body(&self) -> Result<String, String> {
        Ok(self.control.jwks_body().await?)
    }

    /// How often the JWKS was requested.
    pub async fn jwks_fetches(&self) -> Result<u64, mock_tenant::Error> {
        Ok(self.control.stats().await?.jwks_fetches())
    }

    /// How many requests the tenant has seen for `path`.
    pub(crate) async fn requests(&self, path: &str) -> Result<u64, String> {
        Ok(self.control.stats().await?.get(path))
    }

    /// Replaces discovery fields (`PUT /_mock/discovery`); `{}` restores the real document.
    pub(crate) async fn set_discovery(&self, fields: Value) -> Result<(), String> {
        Ok(self.control.set_discovery(&fields).await?)
    }

    /// Everything the control API can change (`GET /_mock/state`), to put back later.
    pub async fn state(&self) -> Result<Value, mock_tenant::Error> {
        self.control.state().await
    }

    /// Puts a state from [`state`](Self::state) back (`PUT /_mock/state`).
    pub async fn put_state(&self, state: &Value) -> Result<(), mock_tenant::Error> {
        self.control.put_state(state).await
    }

    pub(crate) async fn rotate(&self) -> Result<(), String> {
        Ok(self.control.rotate_keys().await.map(drop)?)
    }

    pub(crate) async fn current_kid(&self) -> Result<String, String> {
        Ok(self.control.keys().await?.current)
    }

    pub(crate) async fn rebind(&self, kid: &str) -> Result<(), String> {
        Ok(self.control.rebind_kid(kid).await?)
    }

    pub(crate) async fn remove(&self, kid: &str) -> Result<(), String> {
        Ok(self.control.remove_kid(kid).await?)
    }

    /// Real tokens of the tenant's own front ends, labelled, from logins as the tenant's first
    /// user (auto-login by `login_hint`, PKCE) to each client with the `authorization_code`
    /// grant and a callback: their ID tokens, or once the access token of a login without an
    /// audience (none when the tenant has a default audience, which makes it an API token).
    pub(crate) async fn login_tokens(
        &self,
        which: crate::case::LoginTokens,
    ) -> Result<Vec<(String, String)>, String> {
        use crate::case::LoginTokens;
        let config = self.control.config().await?;
        let Some(user) = config.users.first().map(|u| u.user_id.as_str()) else {
            return Ok(vec![]);
        };
        let userinfo = format!("{}userinfo", self.issuer().await?);
        let mut tokens = Vec::new();
        for client in &config.clients {
            let logs_in = client
                .grant_types
                .contains(&mock_tenant::GrantType::AuthorizationCode);
            let (id, Some(callback), true) = (
                client.client_id.as_str(),
                client.callbacks.first().map(String::as_str),
                logs_in,
            ) else {
                continue;
            };
            let secret = client.client_secret.as_str();
            let body = self.log_in(id, secret, callback, user).await?;
            match which {
                LoginTokens::IdTokens => {
                    if let Some(id_token) = body["id_token"].as_str() {
                        tokens.push((format!("the ID token of {id}"), id_token.to_owned()));
                    }
                }
                LoginTokens::Userinfo => {
                    let access = body["access_token"].as_str().unwrap_or("");
                    let jwe = access.split('.').count() == 5;
                    if jwe || claims_of(access).is_some_and(|c| c["aud"] == userinfo.as_str()) {
                        let shape = if jwe { "a JWE" } else { "a JWT" };
                        tokens.push((
                            format!("the /userinfo access token of a login to {id} ({shape})"),
                            access.to_owned(),
                        ));
                    }
                    break;
                }
            }
        }
        Ok(tokens)
    }

    /// One login through `/authorize` and the code's redemption; the token response.
    async fn log_in(
        &self,
        client_id: &str,
        secret: &str,
        callback: &str,
        user: &str,
    ) -> Result<Value, String> {
        // PKCE with `plain`: the tenant requires a challenge of public clients.
        const VERIFIER: &str = "conformance-login-0123456789-abcdefghijklmnopqrstuv";
        let res = self
            .login_http
            .get(format!("{}/authorize", self.url()))
            .query(&[
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", callback),
                ("scope", "openid profile email"),
                ("state", "conformance"),
                ("nonce", "conformance-nonce"),
                ("code_challenge", VERIFIER),
                ("code_challenge_method", "plain"),
                ("login_hint", user),
            ])
            .send()
            .await
            .map_err(|e| format!("the tenant did not answer /authorize: {e}"))?;
        let code = res
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| reqwest::Url::parse(l).ok())
            .and_then(|l| {
                l.query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned())
            })
            .ok_or_else(|| {
                format!(
                    "logging in to {client_id} gave no code ({} from /authorize)",
                    res.status()
                )
            })?;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", &code),
            ("redirect_uri", callback),
            ("code_verifier", VERIFIER),
        ];
        if !secret.is_empty() {
            form.push(("client_secret", secret));
        }
        let res = self
            .control
            .http()
            .post(format!("{}/oauth/token", self.url()))
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("the tenant did not answer /oauth/token: {e}"))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("redeeming {client_id}'s code: {status} {body}"));
        }
        Ok(body)
    }

    /// The tenant's custom-domain issuers (`custom_domains` of its configuration, on its own
    /// scheme and port).
    pub(crate) async fn custom_issuers(&self) -> Result<Vec<String>, String> {
        let config = self.control.config().await?;
        Ok(config.custom_issuers(&self.issuer().await?))
    }

    /// The issuer, from the discovery document.
    pub(crate) async fn issuer(&self) -> Result<String, String> {
        Ok(self.control.issuer().await?)
    }
}

/// A JWT's claims, unverified.
pub(crate) fn claims_of(token: &str) -> Option<Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}
