//! A test-only quickstart API with switchable flaws. With no flaw it validates as a correct API
//! must; each flaw skips one check, adds a needless one, or mishandles its keys, the way real
//! APIs do. It exists to show that every conformance case fails when its flaw is present.

use crate::flawed_dpop::{Dpop, DpopFlaw, Outcome as DpopOutcome};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, PublicKeyUse};
use mock_tenant::Check;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use warp::Filter;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;

/// One way to get it wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flaw {
    /// Accepts a token that fails this check.
    Skip(Check),
    /// A request without credentials for Bearer gets through.
    NoTokenNeeded,
    /// `bearer` (lower case) is not recognised.
    CaseSensitiveScheme,
    /// With two Authorization headers, the first wins.
    FirstHeaderWins,
    /// With two Authorization headers, the last wins.
    LastHeaderWins,
    /// Anything it cannot parse is a 500.
    CrashOnGarbage,
    /// The public endpoint wants a token.
    PublicNeedsToken,
    /// `aud` must be a string.
    AudStringOnly,
    /// `scope` must be exactly `read:messages`.
    ScopeWholeString,
    /// `typ` must be exactly `JWT`.
    TypMustBeJwt,
    /// `exp` must be an integer.
    IntegerExpOnly,
    /// Tokens issued more than a day ago are refused.
    IatMaxAge,
    /// Tokens over 4 KiB are refused.
    SmallTokens,
    /// When the keys cannot be fetched, let the request through.
    FailOpen,
    /// When the keys cannot be fetched, answer 500.
    KeysError500,
    /// Fetches the JWKS on every request.
    NoCache,
    /// Fetches the JWKS once and never again.
    StaticKeys,
    /// Uses any key in the set (EC, `use: enc`, weak).
    AnyKey,
    /// Fetches the `jku` header's URL.
    FollowJku,
    /// Waits for the JWKS as long as it takes.
    NoTimeout,
    /// After 50 refused tokens, refuses everything.
    Lockout,
    /// Every refusal (401, 403, 400) is answered with a 500.
    ErrorsAre500,
    /// Configured with another API's audience.
    WrongAudience,
    /// The public endpoint validates a token when one is sent.
    PublicParsesToken,
    /// Tokens living longer than a day are refused.
    MaxLifetime,
    /// Any failed JWKS fetch is a 500, even with keys in the cache.
    FetchErrors500,
    /// Refusals carry no `WWW-Authenticate` header.
    NoChallenge,
    /// Refusals carry a Python stack trace in their body.
    Traceback,
    /// A `kid` with `sleep` in it reaches a shell or a database: the answer takes 3 s.
    ExecutesKid,
    /// The scoped endpoint needs `read:data`, not `read:messages` (not a flaw: another API).
    NeedsReadData,
    /// Finds the JWKS through discovery and refuses a document whose `issuer` is not the one
    /// it was configured with (not a flaw: OIDC Discovery §4.3).
    ReadsDiscovery,
    /// Reads discovery on every request and takes the `issuer` it names as the expected one
    /// (trusts a document whose issuer differs).
    FollowsDiscovery,
    /// Reads discovery once, at start, and takes the `issuer` it names as the expected one for
    /// good (what an SDK that caches the document does, trusting a document whose issuer
    /// differs).
    FollowsDiscoveryAtStart,
    /// A key set it cannot parse replaces the cached one, for an hour: after `jwks-junk`, the
    /// valid token is refused (the state a stateful case leaves behind in the API).
    KeepsBrokenKeys,
    /// A 500 on one odd but harmless request shape.
    CrashOn(Trigger),
    /// Checks `iss` with Python's `in` on strings: any substring of the issuer passes
    /// (PyJWT 2.10.0, CVE-2024-53861).
    IssuerSubstring,
    /// Takes an `iss` array that holds the issuer (fast-jwt before nearform/fast-jwt#552).
    IssuerInArray,
    /// Accepts a JSON array as the payload and skips every claim check, since no claim is
    /// `in` an array (fast-jwt before nearform/fast-jwt#639).
    ArrayPayload,
    /// Compares `aud` as a C string, up to the first NUL (CWE-158).
    CStringClaims,
    /// Verifies HS256 with a secret found in the token's own header, an `oct` key in `jwk`
    /// (a secret lookup fed by header data: CVE-2025-65945, GHSA-869p-cjfg-cm3x).
    SecretFromHeader,
    /// Takes `aud` = one of the tenant's client ids as its own: the API accepts the ID tokens
    /// of its own front end (the SPA that calls it).
    AcceptsClientIds,
    /// Refuses the whole key set when one key has a `kty` or `use` it does not know (`AKP`,
    /// a custom `use`), the way a parser that validates every member against a closed list does.
    StrictKeySet,
    /// Remembers a `kid` its last fetch did not have and never fetches for it again.
    NegativeCacheForever,
    /// When the key set's JWK has no `alg`, takes the token's: HS256 verified with the key's
    /// modulus as the secret (the fallback of GHSA-f67f-6cw9-8mq4, Hono).
    AlgFromHeader,
    /// Reads flattened JWS JSON and lets its unprotected `header` override the protected one,
    /// `alg: none` included (GHSA-jc38-x7x8-2xc8; authlib/authlib#337).
    JwsJsonUnprotected,
    /// A DPoP mode, or a DPoP flaw ([`DpopFlaw`]).
    Dpop(DpopFlaw),
    /// Trusts every issuer the tenant answers as (Multiple Custom Domains with an allow-list;
    /// not a flaw).
    TrustsCustomDomains,
    /// Multiple Custom Domains without an allow-list: fetches the discovery document of the
    /// token's own `iss` and verifies with the keys it names.
    FollowsIss,
    /// Takes the issuer it trusts from the request's `Host` (a resolver fed by the request),
    /// then does as [`Flaw::FollowsIss`] for it.
    IssuerFromHost,
    /// Decrypts JWEs with its encryption key (the TEST-ONLY fixture key) and trusts an unsigned
    /// token inside (pac4j-jwt's `JwtAuthenticator`: CVE-2026-29000, GHSA-pm7g-w2cf-q238).
    TrustsJweInner,
}

/// What a [`Flaw::CrashOn`] API trips on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Two spaces after `Bearer` (`value.split(' ')[1]` is empty).
    DoubleSpace,
    /// A token in the query string next to the header.
    QueryToken,
    /// A `cnf` claim (a half-done DPoP check).
    Cnf,
    /// A JSON member twice in the header or payload (a strict parser raising).
    DuplicateKeys,
    /// A token over 32 KiB.
    HugeToken,
    /// `exp` within 5 s before now (a leeway computed with the wrong sign).
    ExpNow,
    /// `nbf` within 10 s after now.
    NbfSoon,
}

/// The top-level member names of a JSON object, duplicates kept (serde_json's maps drop them).
struct TopKeys(Vec<String>);

impl<'de> serde::Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Names)
    }
}

impl Trigger {
    /// Whether this request trips it.
    fn trips(self, values: &[&str], query: &str) -> bool {
        let token = values
            .first()
            .and_then(|v| v.split_once(' '))
            .map_or("", |(_, t)| t.trim());
        let claims = part(token, 1).unwrap_or(Value::Null);
        let time = |name: &str| claims[name].as_f64();
        match self {
            Self::DoubleSpace => values.iter().any(|v| v.contains("  ")),
            Self::QueryToken => !values.is_empty() && query.contains("access_token="),
            Self::Cnf => claims["cnf"].is_object(),
            Self::DuplicateKeys => token.split('.').take(2).any(|segment| {
                let keys = URL_SAFE_NO_PAD
                    .decode(segment)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<TopKeys>(&b).ok())
                    .map_or(Vec::new(), |k| k.0);
                keys.iter().collect::<HashSet<_>>().len() < keys.len()
            }),
            Self::HugeToken => token.len() > 32 * 1024,
            Self::ExpNow => time("exp").is_some_and(|e| e <= now() && e >= now() - 5.0),
            Self::NbfSoon => time("nbf").is_some_and(|n| n > now() && n <= now() + 10.0),
        }
    }
}

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
        if !problems.is_empty() {
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
        reply(StatusCode::OK, None)
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

    /// The JWKS URL: configured, or read from discovery (checked or not, by the flaws).
    async fn jwks_uri(&self) -> Option<String> {
        if !self.has(Flaw::ReadsDiscovery) && !self.has(Flaw::FollowsDiscovery) {
            return Some(self.jwks_uri.clone());
        }
        let (uri, issuer) = self.discovery().await?;
        if self.has(Flaw::ReadsDiscovery) && issuer != self.issuer {
            return None;
        }
        Some(uri)
    }

    /// `jwks_uri` and `issuer` from the tenant's discovery document.
    async fn discovery(&self) -> Option<(String, String)> {
        let url = format!("{}.well-known/openid-configuration", self.issuer);
        let doc: Value = self.http.get(url).send().await.ok()?.json().await.ok()?;
        Some((
            doc["jwks_uri"].as_str()?.to_owned(),
            doc["issuer"].as_str()?.to_owned(),
        ))
    }

    /// The key set, by the flaws' caching rules; `None` when it cannot be fetched.
    /// The key set an issuer's discovery document names, fetched now.
    async fn keys_of_issuer(&self, issuer: &str) -> Option<JwkSet> {
        let get = |url: String| async move {
            let res = self
                .http
                .get(url)
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .ok()?;
            res.json::<Value>().await.ok()
        };
        let doc = get(format!("{issuer}.well-known/openid-configuration")).await?;
        let set = get(doc["jwks_uri"].as_str()?.to_owned()).await?;
        serde_json::from_value(set).ok()
    }

    async fn keys(&self, token: &str) -> Option<JwkSet> {
        let mut cache = self.keys.lock().await;
        let kid = header_of(token).and_then(|h| h["kid"].as_str().map(str::to_owned));
        let given_up = self.has(Flaw::NegativeCacheForever)
            && kid
                .as_ref()
                .is_some_and(|k| self.missing.lock().unwrap().contains(k));
        let fresh = match &*cache {
            None => false,
            Some(_) if given_up => true,
            Some(_) if self.has(Flaw::StaticKeys) => true,
            Some(_) if self.has(Flaw::NoCache) => false,
            Some((set, at)) => {
                let known = kid.as_deref().is_none_or(|k| set.find(k).is_some());
                at.elapsed() < Duration::from_secs(2)
                    && (known || at.elapsed() < Duration::from_secs(1))
            }
        };
        if !fresh {
            let fetched = async {
                let uri = self.jwks_uri().await?;
                let res = self.http.get(&uri).send().await.ok()?;
                if !res.status().is_success() {
                    return None;
                }
                let body = res.bytes().await.ok()?;
                // Key by key, skipping what does not parse, as a correct API does.
                let set: Value = serde_json::from_slice(&body).ok()?;
                let keys = set["keys"].as_array()?;
                let known = |k: &Value| {
                    ["RSA", "EC", "oct", "OKP"].contains(&k["kty"].as_str().unwrap_or(""))
                        && (k.get("use").is_none() || k["use"] == "sig" || k["use"] == "enc")
                };
                if self.has(Flaw::StrictKeySet) && !keys.iter().all(known) {
                    return None;
                }
                Some(JwkSet {
                    keys: keys
                        .iter()
                        .filter_map(|k| serde_json::from_value(k.clone()).ok())
                        .collect(),
                })
            }
            .await;
            match fetched {
                Some(set) => {
                    if let Some(k) = kid.as_ref().filter(|k| set.find(k).is_none()) {
                        self.missing.lock().unwrap().insert(k.clone());
                    }
                    *cache = Some((set, Instant::now()));
                }
                None if self.has(Flaw::FetchErrors500) => return None,
                None if self.has(Flaw::KeepsBrokenKeys) => {
                    let later = Instant::now() + Duration::from_secs(3600);
                    *cache = Some((JwkSet { keys: vec![] }, later));
                }
                None if cache.is_some() && !self.has(Flaw::NoCache) => {} // stale if error
                None => return None,
            }
        }
        cache.as_ref().map(|(set, _)| set.clone())
    }
}

fn part(token: &str, i: usize) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(token.split('.').nth(i)?).ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

fn header_of(token: &str) -> Option<Value> {
    part(token, 0)
}

/// Part `i` as any JSON value, objects or not.
fn part_any(token: &str, i: usize) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(token.split('.').nth(i)?).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok()
}

/// Whether the RS256 signature verifies with the tenant key its `kid` names.
fn signed_by_tenant(jwks: &JwkSet, token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    header_of(token)
        .and_then(|h| h["kid"].as_str().map(str::to_owned))
        .and_then(|kid| jwks.find(&kid).cloned())
        .is_some_and(|jwk| parts.len() == 3 && rs256_verifies(&jwk, &parts))
}

/// Whether the compact token's `parts` carry a valid RS256 signature by `jwk`.
fn rs256_verifies(jwk: &jsonwebtoken::jwk::Jwk, parts: &[&str]) -> bool {
    jsonwebtoken::DecodingKey::from_jwk(jwk).is_ok_and(|key| {
        let message = format!("{}.{}", parts[0], parts[1]);
        jsonwebtoken::crypto::verify(
            parts[2],
            message.as_bytes(),
            &key,
            jsonwebtoken::Algorithm::RS256,
        )
        .unwrap_or(false)
    })
}

/// Whether an HS256 token verifies with the modulus of the JWK its `kid` names, when that JWK
/// has no `alg`.
fn hmac_with_alg_less_jwk(jwks: &JwkSet, token: &str) -> bool {
    let Some(header) = header_of(token) else {
        return false;
    };
    let Some(jwk) = header["kid"].as_str().and_then(|k| jwks.find(k)) else {
        return false;
    };
    let (AlgorithmParameters::RSA(rsa), None) = (&jwk.algorithm, &jwk.common.key_algorithm) else {
        return false;
    };
    let Ok(modulus) = URL_SAFE_NO_PAD.decode(&rsa.n) else {
        return false;
    };
    let parts: Vec<&str> = token.split('.').collect();
    header["alg"] == "HS256"
        && parts.len() == 3
        && jsonwebtoken::crypto::verify(
            parts[2],
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &jsonwebtoken::DecodingKey::from_secret(&modulus),
            jsonwebtoken::Algorithm::HS256,
        )
        .unwrap_or(false)
}

/// Whether an HS256 token verifies with the `oct` key in its own `jwk` header.
fn header_secret_verifies(token: &str) -> bool {
    let Some(header) = header_of(token) else {
        return false;
    };
    let Some(secret) = header["jwk"]["k"]
        .as_str()
        .and_then(|k| URL_SAFE_NO_PAD.decode(k).ok())
    else {
        return false;
    };
    let parts: Vec<&str> = token.split('.').collect();
    header["alg"] == "HS256"
        && header["jwk"]["kty"] == "oct"
        && parts.len() == 3
        && jsonwebtoken::crypto::verify(
            parts[2],
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &jsonwebtoken::DecodingKey::from_secret(&secret),
            jsonwebtoken::Algorithm::HS256,
        )
        .unwrap_or(false)
}

/// Flattened JWS JSON as a compact token, and whether its merged header (the unprotected one
/// winning) says `alg: none`.
fn flattened(text: &str) -> Option<(String, bool)> {
    let jws: Value = serde_json::from_str(text).ok()?;
    let protected = jws["protected"].as_str()?;
    let mut merged = part(&format!("{protected}."), 0)?;
    if let (Some(merged), Some(extra)) = (merged.as_object_mut(), jws["header"].as_object()) {
        merged.extend(extra.clone());
    }
    let compact = format!(
        "{protected}.{}.{}",
        jws["payload"].as_str()?,
        jws["signature"].as_str().unwrap_or("")
    );
    Some((compact, merged["alg"] == "none"))
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// Everything a correct API finds wrong with `token` (the same rules as the forge's tests).
fn problems(
    jwks: &JwkSet,
    issuer: &str,
    token: &str,
    any_key: bool,
    scope: &str,
) -> BTreeSet<Check> {
    use Check::*;
    let mut found = BTreeSet::new();
    let parts: Vec<&str> = token.split('.').collect();
    let (Some(header), Some(claims), true) = (header_of(token), part(token, 1), parts.len() == 3)
    else {
        return BTreeSet::from([Format]);
    };
    if URL_SAFE_NO_PAD.decode(parts[2]).is_err() {
        return BTreeSet::from([Format]);
    }
    let alg_ok = header["alg"] == "RS256";
    if !alg_ok {
        found.insert(Algorithm);
    }
    if header.get("crit").is_some() {
        found.insert(Header);
    }
    if let Some(typ) = header.get("typ") {
        let typ = typ.as_str().unwrap_or("").to_ascii_lowercase();
        if !matches!(
            typ.strip_prefix("application/").unwrap_or(&typ),
            "jwt" | "at+jwt"
        ) {
            found.insert(Header);
        }
    }
    let usable = |jwk: &&jsonwebtoken::jwk::Jwk| {
        any_key
            || (matches!(jwk.algorithm, AlgorithmParameters::RSA(_))
                && matches!(
                    jwk.common.public_key_use,
                    None | Some(PublicKeyUse::Signature)
                ))
    };
    let jwk = header["kid"]
        .as_str()
        .filter(|k| !k.is_empty())
        .and_then(|k| jwks.find(k))
        .filter(usable);
    match jwk {
        None => {
            found.insert(Key);
        }
        Some(jwk) if alg_ok => {
            if !rs256_verifies(jwk, &parts) {
                found.insert(Signature);
            }
        }
        Some(_) => {}
    }
    let now = now();
    let leeway = 5.0;
    if !claims["exp"].as_f64().is_some_and(|exp| now < exp + leeway) {
        found.insert(Expiry);
    }
    if claims
        .get("nbf")
        .is_some_and(|nbf| !nbf.as_f64().is_some_and(|t| t <= now + leeway))
    {
        found.insert(NotBefore);
    }
    if claims
        .get("iat")
        .is_some_and(|iat| !iat.as_f64().is_some_and(|t| t <= now + leeway))
    {
        found.insert(IssuedAt);
    }
    if claims["iss"] != issuer {
        found.insert(Issuer);
    }
    let aud = fixtures::QUICKSTART_AUDIENCE;
    let aud_ok = match &claims["aud"] {
        Value::String(a) => a == aud,
        Value::Array(list) => list.iter().any(|a| a == aud),
        _ => false,
    };
    if !aud_ok {
        found.insert(Audience);
    }
    if !claims["scope"]
        .as_str()
        .is_some_and(|s| s.split(' ').any(|s| s == scope))
    {
        found.insert(Scope);
    }
    found
}
