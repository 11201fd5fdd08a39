//! A test-only quickstart API with switchable flaws. With no flaw it validates as a correct API
//! must; each flaw skips one check, adds a needless one, or mishandles its keys, the way real
//! APIs do. It exists to show that every conformance case fails when its flaw is present.
//!
//! `flaws.rs` names the flaws, `keys.rs` is how the API finds and uses keys, `tokens.rs` reads
//! tokens, `reference.rs` is what a correct API finds wrong with one; this file serves it.

mod flaws;
mod keys;
mod reference;
mod tokens;

pub use flaws::{Flaw, ORG, Trigger};
use keys::{header_secret_verifies, hmac_with_alg_less_jwk, signed_by_tenant};
use reference::problems;
use tokens::*;

use crate::flawed_dpop::{Dpop, Outcome as DpopOutcome};
use jsonwebtoken::jwk::JwkSet;
use mock_tenant::forge::Check;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use warp::Filter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;

struct Api {
    flaws: HashSet<Flaw>,
    /// The tenant's client ids, for [`Flaw::AcceptsClientIds`].
    client_ids: Vec<String>,
    issuer: String,
    /// The issuer discovery named at start, for [`Flaw::FollowsDiscoveryAtStart`].
    issuer_at_start: Option<String>,
    /// Every issuer of the tenant, for [`Flaw::TrustsCustomDomains`].
    issuers: Vec<String>,
    /// The API's own `host:port`, for [`Flaw::IssuerFromHost`].
    own_host: String,
    jwks_uri: String,
    http: reqwest::Client,
    keys: tokio::sync::Mutex<Option<(JwkSet, Instant)>>,
    /// Kids a fetch did not have, for [`Flaw::NegativeCacheForever`].
    missing: Mutex<HashSet<String>>,
    refused: Mutex<u32>,
    dpop: Dpop,
}

/// The flawed API, running; stops when dropped.
pub struct FlawedApi {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl FlawedApi {
    pub async fn start(tenant: &mock_tenant::MockTenant, flaws: &[Flaw]) -> Self {
        let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
        let mut http = reqwest::Client::builder()
            .add_root_certificate(ca)
            .no_proxy();
        if !flaws.contains(&Flaw::NoTimeout) {
            http = http.timeout(Duration::from_secs(2));
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let dpop = Dpop {
            flaws: flaws
                .iter()
                .filter_map(|f| match f {
                    Flaw::Dpop(d) => Some(*d),
                    _ => None,
                })
                .collect(),
            base_url: format!("http://{addr}"),
            seen: Mutex::new(HashSet::new()),
        };
        let http = http.build().unwrap();
        let issuer_at_start = if flaws.contains(&Flaw::FollowsDiscoveryAtStart) {
            let url = format!("{}.well-known/openid-configuration", tenant.issuer());
            let doc: Value = http.get(url).send().await.unwrap().json().await.unwrap();
            doc["issuer"].as_str().map(str::to_owned)
        } else {
            None
        };
        let api = Arc::new(Api {
            issuer_at_start,
            dpop,
            flaws: flaws.iter().copied().collect(),
            client_ids: tenant
                .config()
                .clients
                .into_iter()
                .map(|c| c.client_id)
                .collect(),
            issuer: tenant.issuer().to_owned(),
            issuers: tenant.issuers(),
            own_host: addr.to_string(),
            jwks_uri: format!("{}/.well-known/jwks.json", tenant.url()),
            http,
            keys: tokio::sync::Mutex::new(None),
            missing: Mutex::new(HashSet::new()),
            refused: Mutex::new(0),
        });
        let routes = warp::path!("api" / String)
            .and(warp::header::headers_cloned())
            .and(warp::query::raw().or(warp::any().map(String::new)).unify())
            .then(move |path: String, headers: HeaderMap, query: String| {
                let api = api.clone();
                async move { api.answer_with_nonce(&path, &headers, &query).await }
            });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(
            warp::serve(routes)
                .incoming(listener)
                .graceful(async {
                    let _ = rx.await;
                })
                .run(),
        );
        Self { addr, _stop: tx }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn reply(status: StatusCode, challenge: Option<&str>) -> Response {
    let mut res = Response::new(json!({"code": status.as_u16()}).to_string().into());
    *res.status_mut() = status;
    if let Some(c) = challenge {
        res.headers_mut()
            .insert("www-authenticate", c.parse().unwrap());
    }
    res
}

impl Api {
    fn has(&self, flaw: Flaw) -> bool {
        self.flaws.contains(&flaw)
    }

    async fn answer(&self, path: &str, headers: &HeaderMap, query: &str) -> Response {
        let values: Vec<&str> = headers
            .get_all("authorization")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if self
            .flaws
            .iter()
            .any(|f| matches!(f, Flaw::CrashOn(t) if t.trips(&values, query)))
        {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, None);
        }
        if path == "public" {
            if self.has(Flaw::PublicParsesToken) && !values.is_empty() {
                return self.authorize(&values, false, None).await;
            }
            return if self.has(Flaw::PublicNeedsToken) && values.is_empty() {
                reply(StatusCode::UNAUTHORIZED, Some("Bearer"))
            } else {
                reply(StatusCode::OK, None)
            };
        }
        let scoped = match path {
            "private" => false,
            "private-scoped" => true,
            _ => return reply(StatusCode::NOT_FOUND, None),
        };
        if self.has(Flaw::Lockout) && *self.refused.lock().unwrap() >= 50 {
            return reply(
                StatusCode::UNAUTHORIZED,
                Some("Bearer error=\"invalid_token\""),
            );
        }
        let mut dpop_request = false;
        let converted: String;
        let mut values = values;
        if let [value] = values.as_slice()
            && self.dpop.enabled()
        {
            dpop_request = value
                .get(..5)
                .is_some_and(|s| s.eq_ignore_ascii_case("dpop "))
                || headers.contains_key("dpop");
            match self.dpop.check(value, headers, &format!("/api/{path}")) {
                DpopOutcome::Refuse(status, challenge) => {
                    let status = StatusCode::from_u16(status).unwrap();
                    return self.disclose(reply(status, Some(&challenge)));
                }
                DpopOutcome::Token(token) => {
                    converted = format!("Bearer {token}");
                    values = vec![converted.as_str()];
                }
            }
        }
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .filter(|h| *h != self.own_host);
        let mut res = self.authorize(&values, scoped, host).await;
        if dpop_request && res.status() == StatusCode::UNAUTHORIZED {
            // The refusal of a DPoP request names DPoP and its algorithms (RFC 9449 §7.1).
            let bearer = res
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let params = bearer.strip_prefix("Bearer").unwrap_or("").trim_start();
            let challenge = if params.is_empty() {
                "DPoP algs=\"ES256\"".to_owned()
            } else {
                format!("DPoP algs=\"ES256\", {params}")
            };
            res.headers_mut()
                .insert("www-authenticate", challenge.parse().unwrap());
        }
        if res.status() == StatusCode::UNAUTHORIZED {
            *self.refused.lock().unwrap() += 1;
        }
        if self.has(Flaw::ErrorsAre500) && res.status().is_client_error() {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, None);
        }
        self.disclose(res)
    }

    /// Every answer, with the nonce an API that demands them hands out.
    async fn answer_with_nonce(&self, path: &str, headers: &HeaderMap, query: &str) -> Response {
        let mut res = self.answer(path, headers, query).await;
        if self.dpop.nonces() {
            res.headers_mut()
                .insert("dpop-nonce", crate::flawed_dpop::NONCE.parse().unwrap());
        }
        res
    }

    /// The response-level flaws: no challenge, a stack trace in the body.
    fn disclose(&self, mut res: Response) -> Response {
        if !res.status().is_client_error() {
            return res;
        }
        if self.has(Flaw::NoChallenge) {
            res.headers_mut().remove("www-authenticate");
        }
        if self.has(Flaw::Traceback) {
            *res.body_mut() = "Traceback (most recent call last):\n  File \"/app/server.py\", \
                line 42, in requires_auth\njwt.exceptions.DecodeError"
                .into();
        }
        res
    }

    async fn authorize(&self, values: &[&str], scoped: bool, host: Option<&str>) -> Response {
        let bare = || reply(StatusCode::UNAUTHORIZED, Some("Bearer realm=\"api\""));
        let value = match values {
            [] if self.has(Flaw::NoTokenNeeded) => return reply(StatusCode::OK, None),
            [] => return bare(),
            [one] => *one,
            [first, ..] if self.has(Flaw::FirstHeaderWins) => *first,
            [.., last] if self.has(Flaw::LastHeaderWins) => *last,
            _ => return self.malformed(),
        };
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        let bearer = if self.has(Flaw::CaseSensitiveScheme) {
            scheme == "Bearer"
        } else {
            scheme.eq_ignore_ascii_case("bearer")
        };
        if !bearer {
            return if self.has(Flaw::NoTokenNeeded) {
                reply(StatusCode::OK, None)
            } else {
                bare()
            };
        }
        let token = token.trim_start_matches(' ');
        let read;
        let mut polyglot = false;
        let token = match self
            .has(Flaw::PolyglotClaims)
            .then(|| flattened(token).zip(token.split('.').nth(1)))
            .flatten()
        {
            // The signature of the JSON, the claims of the text: `protected.claims.signature`,
            // its signature checked over the JSON's own payload below.
            Some(((signed, _), claims)) => {
                let keys = self.keys(&signed).await;
                polyglot = keys.is_some_and(|k| signed_by_tenant(&k, &signed));
                let parts: Vec<&str> = signed.split('.').collect();
                read = format!("{}.{claims}.{}", parts[0], parts[2]);
                read.as_str()
            }
            None => token,
        };
        let compact;
        let mut unprotected_none = false;
        let token = match self
            .has(Flaw::JwsJsonUnprotected)
            .then(|| flattened(token))
            .flatten()
        {
            Some((text, none)) => {
                (compact, unprotected_none) = (text, none);
                compact.as_str()
            }
            None => token,
        };
        let b64token = !token.is_empty()
            && token
                .trim_end_matches('=')
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
        if !b64token {
            return self.malformed();
        }
        if self.has(Flaw::SmallTokens) && token.len() > 4096 {
            return reply(
                StatusCode::UNAUTHORIZED,
                Some("Bearer error=\"invalid_token\""),
            );
        }
        if self.has(Flaw::Pbes2Rounds)
            && header_of(token).is_some_and(|h| h["p2c"].as_u64().is_some_and(|n| n > 1_000_000))
        {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        if self.has(Flaw::ExecutesKid)
            && header_of(token)
                .and_then(|h| h["kid"].as_str().map(str::to_ascii_lowercase))
                .is_some_and(|kid| kid.contains("sleep"))
        {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        if self.has(Flaw::FollowJku)
            && let Some(jku) = header_of(token).and_then(|h| h["jku"].as_str().map(str::to_owned))
        {
            let _ = self
                .http
                .get(jku)
                .timeout(Duration::from_secs(1))
                .send()
                .await;
        }
        let keys = match self.keys(token).await {
            Some(keys) => keys,
            None if self.has(Flaw::FailOpen) => return reply(StatusCode::OK, None),
            None if self.has(Flaw::KeysError500) || self.has(Flaw::FetchErrors500) => {
                return reply(StatusCode::INTERNAL_SERVER_ERROR, None);
            }
            None => return reply(StatusCode::SERVICE_UNAVAILABLE, None),
        };
        let scope = if self.has(Flaw::NeedsReadData) {
            "read:data"
        } else {
            "read:messages"
        };
        let issuer = match self.has(Flaw::FollowsDiscovery) {
            true => self.discovery().await.map(|d| d.1),
            false => self.issuer_at_start.clone(),
        };
        let mut issuer = issuer.unwrap_or_else(|| self.issuer.clone());
        let mut keys = keys;
        let token_iss = part(token, 1).and_then(|c| c["iss"].as_str().map(str::to_owned));
        if self.has(Flaw::TrustsCustomDomains)
            && let Some(iss) = token_iss.as_ref().filter(|i| self.issuers.contains(i))
        {
            issuer.clone_from(iss);
        }
        let from_host = host.and_then(|h| {
            token_iss
                .clone()
                .filter(|i| *i == format!("http://{h}/") || *i == format!("https://{h}/"))
        });
        let followed = match () {
            _ if self.has(Flaw::FollowsIss) => token_iss.clone(),
            _ if self.has(Flaw::IssuerFromHost) => from_host,
            _ => None,
        };
        if let Some(iss) = followed
            && let Some(found) = self.keys_of_issuer(&iss).await
        {
            (keys, issuer) = (found, iss);
        }
        if self.has(Flaw::TrustsJweInner)
            && let Some(inner) = crate::flawed_jwe::open(token)
            && header_of(&inner).is_some_and(|h| h["alg"] == "none")
            && part(&inner, 1).is_some_and(|c| c["iss"] == issuer.as_str())
        {
            return reply(StatusCode::OK, None);
        }
        if self.has(Flaw::ArrayPayload)
            && part_any(token, 1).is_some_and(|p| p.is_array())
            && signed_by_tenant(&keys, token)
        {
            return reply(StatusCode::OK, None);
        }
        let mut problems = problems(&keys, &issuer, token, self.has(Flaw::AnyKey), scope);
        if polyglot {
            problems.remove(&Check::Signature);
        }
        self.strictness(token, &mut problems);
        self.leniency(token, &issuer, unprotected_none, &mut problems);
        if self.has(Flaw::AlgFromHeader) && hmac_with_alg_less_jwk(&keys, token) {
            problems.remove(&Check::Algorithm);
        }
        if problems.contains(&Check::Format) && self.has(Flaw::CrashOnGarbage) {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, None);
        }
        problems.retain(|c| !self.has(Flaw::Skip(*c)));
        let scope_missing = problems.remove(&Check::Scope);
        if !problems.is_empty() || !self.organization_ok(token) {
            return reply(
                StatusCode::UNAUTHORIZED,
                Some("Bearer error=\"invalid_token\""),
            );
        }
        if scoped && scope_missing {
            return reply(
                StatusCode::FORBIDDEN,
                Some("Bearer error=\"insufficient_scope\", scope=\"read:messages\""),
            );
        }
        self.use_claims(token).await
    }

    /// The answer to a valid token, after what the claim flaws do with its claims.
    async fn use_claims(&self, token: &str) -> Response {
        let claims = part(token, 1).unwrap_or(Value::Null);
        let sub = claims["sub"].as_str().unwrap_or_default();
        if self.has(Flaw::ExecutesClaims)
            && claims.as_object().is_some_and(|c| {
                c.values()
                    .filter_map(Value::as_str)
                    .any(|v| v.to_ascii_lowercase().contains("sleep"))
            })
        {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        if self.has(Flaw::ReadsFileBySub)
            && let Ok(profile) = std::fs::read_to_string(std::env::temp_dir().join(sub))
        {
            return Response::new(profile.into());
        }
        let mut res = reply(StatusCode::OK, None);
        if self.has(Flaw::ReflectsClaims) {
            // What a client parses from `X-User: <sub>` written raw: the CRLF ends the line.
            let mut lines = sub.split("\r\n");
            let user = lines.next().unwrap_or_default();
            if user.len() <= 1024
                && let Ok(value) = user.parse()
            {
                res.headers_mut().insert("x-user", value);
            }
            for line in lines {
                if let Some((name, value)) = line.split_once(": ")
                    && let (Ok(name), Ok(value)) = (
                        warp::http::HeaderName::from_bytes(name.as_bytes()),
                        value.parse(),
                    )
                {
                    res.headers_mut().insert(name, value);
                }
            }
            if let Some(name) = claims["https://example.com/name"].as_str() {
                *res.body_mut() = format!("<p>Hello {name}</p>").into();
                res.headers_mut()
                    .insert("content-type", "text/html".parse().unwrap());
            }
        }
        res
    }

    fn malformed(&self) -> Response {
        if self.has(Flaw::CrashOnGarbage) {
            reply(StatusCode::INTERNAL_SERVER_ERROR, None)
        } else {
            reply(
                StatusCode::BAD_REQUEST,
                Some("Bearer error=\"invalid_request\""),
            )
        }
    }

    /// The needless checks some flaws add.
    fn strictness(&self, token: &str, problems: &mut BTreeSet<Check>) {
        let (Some(header), Some(claims)) = (header_of(token), part(token, 1)) else {
            return;
        };
        if self.has(Flaw::AudStringOnly) && !claims["aud"].is_string() {
            problems.insert(Check::Audience);
        }
        if self.has(Flaw::ScopeWholeString) && claims["scope"] != "read:messages" {
            problems.insert(Check::Scope);
        }
        if self.has(Flaw::TypMustBeJwt) && header["typ"] != "JWT" {
            problems.insert(Check::Header);
        }
        if self.has(Flaw::IntegerExpOnly) && !claims["exp"].is_i64() {
            problems.insert(Check::Expiry);
        }
        if self.has(Flaw::IatMaxAge)
            && claims["iat"]
                .as_f64()
                .is_some_and(|iat| iat < now() - 86_400.0)
        {
            problems.insert(Check::IssuedAt);
        }
        if self.has(Flaw::MaxLifetime)
            && claims["exp"]
                .as_f64()
                .is_some_and(|exp| exp > now() + 2.0 * 86_400.0)
        {
            problems.insert(Check::Expiry);
        }
        if self.has(Flaw::WrongAudience) {
            problems.insert(Check::Audience);
        }
    }

    /// Whether the token's organization is the one the API serves, as its `Org` flaws compare
    /// it; any token when it serves none.
    fn organization_ok(&self, token: &str) -> bool {
        if !self.has(Flaw::ServesOrganization) {
            return true;
        }
        let claims = part(token, 1).unwrap_or(Value::Null);
        let (id, name) = ORG;
        if self.has(Flaw::OrgByName) {
            return claims["org_name"] == name;
        }
        match claims["org_id"].as_str() {
            None => self.has(Flaw::OrgOptional) && claims.get("org_id").is_none(),
            Some(org) => {
                org == id
                    || (self.has(Flaw::OrgNameOrId) && org == name)
                    || (self.has(Flaw::OrgCaseless) && org.eq_ignore_ascii_case(id))
            }
        }
    }

    /// The checks some flaws let pass that a correct API makes.
    fn leniency(
        &self,
        token: &str,
        issuer: &str,
        unprotected_none: bool,
        problems: &mut BTreeSet<Check>,
    ) {
        let claims = part(token, 1).unwrap_or(Value::Null);
        let iss = &claims["iss"];
        if (self.has(Flaw::IssuerSubstring) && iss.as_str().is_some_and(|i| issuer.contains(i)))
            || (self.has(Flaw::IssuerInArray)
                && iss
                    .as_array()
                    .is_some_and(|list| list.iter().any(|i| i == issuer)))
        {
            problems.remove(&Check::Issuer);
        }
        let c_string = |v: &Value| {
            v.as_str()
                .map(|s| s.split('\0').next().unwrap_or("").to_owned())
        };
        if self.has(Flaw::CStringClaims)
            && c_string(&claims["aud"]).as_deref() == Some(fixtures::QUICKSTART_AUDIENCE)
        {
            problems.remove(&Check::Audience);
        }
        let own_client = |a: &Value| self.client_ids.iter().any(|id| a == id.as_str());
        let aud = &claims["aud"];
        if self.has(Flaw::AcceptsClientIds)
            && (own_client(aud) || aud.as_array().is_some_and(|l| l.iter().any(own_client)))
        {
            problems.remove(&Check::Audience);
        }
        if self.has(Flaw::SecretFromHeader) && header_secret_verifies(token) {
            problems.remove(&Check::Algorithm);
            problems.remove(&Check::Key);
        }
        if unprotected_none {
            problems.remove(&Check::Algorithm);
            problems.remove(&Check::Signature);
        }
    }
}
