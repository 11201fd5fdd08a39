//! DPoP (RFC 9449) for the flawed test API: with no DPoP flaw it checks what a resource server
//! must (one proof, `typ`, ES256, a public P-256 `jwk` that verifies it, `htm`, `htu` against
//! its own URL, `iat`, `jti` once, `ath`, `cnf.jkt`); each flaw skips or loosens one check.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Mutex;
use warp::http::HeaderMap;

/// What the flawed API does with DPoP, and how it gets it wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DpopFlaw {
    /// Bearer and DPoP (not a flaw: a mode).
    Optional,
    /// DPoP only (not a flaw: a mode).
    Required,
    /// Takes `Authorization: DPoP` like Bearer: no proof is looked at.
    ProofNotChecked,
    /// Never compares `ath` with the token.
    AthIgnored,
    /// Compares only the path of `htu`, not scheme, host and port.
    HtuLoose,
    /// Never compares the proof key with the token's `cnf.jkt`.
    JktIgnored,
    /// Builds its URL from the `Host` header, unchecked.
    HtuFromHost,
    /// Builds its URL from `X-Forwarded-Host` and `X-Forwarded-Proto` when they are sent.
    HtuFromForwarded,
    /// A bound token sent as Bearer is taken as a bearer token.
    BearerDowngrade,
    /// Under `Required`, still takes unbound Bearer tokens.
    RequiredNotEnforced,
    /// Keeps no `jti`s: a replayed proof passes.
    NoReplayCache,
    /// Compares `htu` whole, query and fragment included.
    HtuExact,
    /// Demands nonces (not a flaw: a mode): every answer carries `DPoP-Nonce`, and a proof
    /// without it is refused with `use_dpop_nonce`.
    Nonces,
    /// With `Nonces`: a proof with any nonce passes.
    NonceNotChecked,
    /// With `Nonces`: a proof without a nonce passes.
    NonceOptional,
}

/// The nonce the flawed API demands.
pub const NONCE: &str = "flawed-api-nonce-1";

/// How a DPoP request came out: the Bearer-style token to verify next, or a refusal.
pub enum Outcome {
    /// Verify this token as usual.
    Token(String),
    /// Refuse: status and challenge.
    Refuse(u16, String),
}

/// The proof checks of one API.
pub struct Dpop {
    pub flaws: HashSet<DpopFlaw>,
    /// The API's own base URL (`http://127.0.0.1:PORT`).
    pub base_url: String,
    pub seen: Mutex<HashSet<String>>,
}

const CHALLENGE: &str = "DPoP algs=\"ES256\"";

fn refuse(status: u16, error: &str) -> Outcome {
    Outcome::Refuse(status, format!("{CHALLENGE}, error=\"{error}\""))
}

impl Dpop {
    /// Whether every answer carries `DPoP-Nonce`.
    pub fn nonces(&self) -> bool {
        self.has(DpopFlaw::Nonces)
    }

    pub fn enabled(&self) -> bool {
        self.has(DpopFlaw::Optional) || self.has(DpopFlaw::Required)
    }

    fn has(&self, flaw: DpopFlaw) -> bool {
        self.flaws.contains(&flaw)
    }

    /// Checks the single `Authorization` value and its proof for a GET to `path`.
    pub fn check(&self, value: &str, headers: &HeaderMap, path: &str) -> Outcome {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        let token = token.trim_start_matches(' ');
        let bound = jkt_of(token).is_some();
        if scheme.eq_ignore_ascii_case("bearer") {
            if bound && !self.has(DpopFlaw::BearerDowngrade) {
                return refuse(401, "invalid_token");
            }
            if self.has(DpopFlaw::Required) && !self.has(DpopFlaw::RequiredNotEnforced) {
                return Outcome::Refuse(401, CHALLENGE.into());
            }
            return Outcome::Token(token.to_owned());
        }
        if !scheme.eq_ignore_ascii_case("dpop") {
            return Outcome::Refuse(401, CHALLENGE.into());
        }
        if self.has(DpopFlaw::ProofNotChecked) {
            return Outcome::Token(token.to_owned());
        }
        match self.proof_key(token, headers, path) {
            Err(why) => refuse(401, why),
            Ok(thumbprint) => {
                if !self.has(DpopFlaw::JktIgnored) && jkt_of(token) != Some(thumbprint) {
                    return refuse(401, "invalid_token");
                }
                Outcome::Token(token.to_owned())
            }
        }
    }

    /// The thumbprint of the key of a valid proof for this request.
    fn proof_key(&self, token: &str, headers: &HeaderMap, path: &str) -> Result<String, &str> {
        let bad = "invalid_dpop_proof";
        let mut values = headers.get_all("dpop").iter();
        let proof = values.next().and_then(|v| v.to_str().ok()).ok_or(bad)?;
        if values.next().is_some() {
            return Err("invalid_request");
        }
        let header: Value = proof
            .split('.')
            .next()
            .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or(bad)?;
        let jwk_json = &header["jwk"];
        if header["typ"] != "dpop+jwt" || header["alg"] != "ES256" || jwk_json.get("d").is_some() {
            return Err(bad);
        }
        let jwk: Jwk = serde_json::from_value(jwk_json.clone()).map_err(|_| bad)?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| bad)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<Value>(proof, &key, &validation)
            .map_err(|_| bad)?
            .claims;
        if claims["htm"] != "GET" {
            return Err(bad);
        }
        let htu = claims["htu"].as_str().unwrap_or("");
        let own = format!("{}{path}", self.base_url_for(headers));
        let same = if self.has(DpopFlaw::HtuLoose) {
            path_of(htu) == path_of(&own)
        } else if self.has(DpopFlaw::HtuExact) {
            htu.eq_ignore_ascii_case(&own)
        } else {
            bare(htu) == bare(&own)
        };
        if !same {
            return Err(bad);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let iat = claims["iat"].as_i64().ok_or(bad)?;
        if iat < now - 300 || iat > now + 60 {
            return Err(bad);
        }
        if !self.has(DpopFlaw::AthIgnored) && claims["ath"] != sha256(token).as_str() {
            return Err(bad);
        }
        if self.has(DpopFlaw::Nonces) {
            match claims["nonce"].as_str() {
                None if !self.has(DpopFlaw::NonceOptional) => return Err("use_dpop_nonce"),
                Some(n) if n != NONCE && !self.has(DpopFlaw::NonceNotChecked) => {
                    return Err("use_dpop_nonce");
                }
                _ => {}
            }
        }
        let jti = claims["jti"]
            .as_str()
            .filter(|j| !j.is_empty())
            .ok_or(bad)?;
        if !self.has(DpopFlaw::NoReplayCache) && !self.seen.lock().unwrap().insert(jti.to_owned()) {
            return Err(bad);
        }
        thumbprint(jwk_json).ok_or(bad)
    }

    /// The URL the API believes it has: its own, unless a flaw takes it from the request.
    fn base_url_for(&self, headers: &HeaderMap) -> String {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        if self.has(DpopFlaw::HtuFromForwarded)
            && let Some(host) = header("x-forwarded-host")
        {
            return format!("{}://{host}", header("x-forwarded-proto").unwrap_or("http"));
        }
        if self.has(DpopFlaw::HtuFromHost)
            && let Some(host) = header("host")
        {
            return format!("http://{host}");
        }
        self.base_url.clone()
    }
}

/// The token's `cnf.jkt`, unverified.
fn jkt_of(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.pointer("/cnf/jkt")?.as_str().map(str::to_owned)
}

fn sha256(text: &str) -> String {
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    URL_SAFE_NO_PAD.encode(hash.as_ref())
}

/// RFC 7638 for a P-256 key.
fn thumbprint(jwk: &Value) -> Option<String> {
    Some(sha256(&format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str()?,
        jwk["y"].as_str()?
    )))
}

/// A URL without query and fragment.
fn bare(url: &str) -> String {
    url.split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A URL's path, without query and fragment.
fn path_of(url: &str) -> String {
    let url = bare(url);
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    rest.find('/').map_or("/".into(), |i| rest[i..].to_owned())
}
