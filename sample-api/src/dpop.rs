//! DPoP at the resource server (RFC 9449 §7), behind `AUTH0_DPOP=allowed|required`: the proof in
//! the `DPoP` header is checked (`typ: dpop+jwt`, `alg: ES256` only, a public P-256 `jwk` that
//! verifies it, `htm` and `htu` naming this request against the API's own configured URL, never
//! the `Host` header, `iat` recent, `jti` not seen before, `ath` the hash of the token) and the
//! token's `cnf.jkt` must be the proof key's thumbprint.

use crate::dpop_mode::ALGS;
use crate::errors::Denial;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// How old a proof may be, in seconds (plus the leeway).
const MAX_AGE: i64 = 300;
/// Proof `jti`s remembered; the memory is emptied when it is full.
const REPLAY_CAPACITY: usize = 10_000;

/// Checks proofs for one API.
pub(crate) struct Proofs {
    /// The API's own base URL, which `htu` must name (scheme, host, port).
    base_url: String,
    leeway: i64,
    /// `jti` → the time after which it may be forgotten.
    seen: Mutex<HashMap<String, i64>>,
}

impl Proofs {
    pub(crate) fn new(base_url: &str, leeway: i64) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            leeway,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the request's proof for `token`, bound to `jkt`, and spends its `jti`.
    pub(crate) fn check(
        &self,
        headers: &HeaderMap,
        method: &str,
        path: &str,
        token: &str,
        jkt: Option<&str>,
    ) -> Result<(), Denial> {
        let bad = Denial::InvalidDpopProof;
        let mut values = headers.get_all("dpop").iter();
        let proof = values
            .next()
            .ok_or(bad("A DPoP-bound request needs a DPoP proof"))?;
        if values.next().is_some() {
            return Err(bad("Send exactly one DPoP proof"));
        }
        let proof = proof
            .to_str()
            .map_err(|_| bad("The DPoP proof is not a JWT"))?;
        let raw_header = proof
            .split('.')
            .next()
            .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
            .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
            .ok_or(bad("The DPoP proof is not a JWT"))?;
        if raw_header["typ"] != "dpop+jwt" {
            return Err(bad("The DPoP proof typ must be dpop+jwt"));
        }
        if raw_header["alg"] != ALGS {
            return Err(bad("The DPoP proof alg is not allowed"));
        }
        let jwk_json = &raw_header["jwk"];
        if jwk_json.get("d").is_some() || jwk_json["kty"] != "EC" || jwk_json["crv"] != "P-256" {
            return Err(bad("The DPoP proof jwk must be a public P-256 key"));
        }
        let jwk: Jwk = serde_json::from_value(jwk_json.clone())
            .map_err(|_| bad("The DPoP proof jwk must be a public P-256 key"))?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| bad("The DPoP proof jwk is unusable"))?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<Value>(proof, &key, &validation)
            .map_err(|_| bad("The DPoP proof signature is invalid"))?
            .claims;
        if claims["htm"] != method {
            return Err(bad("The DPoP proof htm does not match the request"));
        }
        let htu = claims["htu"].as_str().unwrap_or("");
        if bare(htu) != bare(&format!("{}{path}", self.base_url)) {
            return Err(bad("The DPoP proof htu does not match the request"));
        }
        let now = now();
        let iat = claims["iat"]
            .as_i64()
            .ok_or(bad("The DPoP proof iat must be a number"))?;
        if iat < now - MAX_AGE - self.leeway || iat > now + self.leeway {
            return Err(bad("The DPoP proof iat is not recent"));
        }
        let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
        if claims["ath"] != URL_SAFE_NO_PAD.encode(hash.as_ref()).as_str() {
            return Err(bad("The DPoP proof ath does not match the access token"));
        }
        let thumbprint = thumbprint(jwk_json).ok_or(bad("The DPoP proof jwk is unusable"))?;
        if jkt != Some(thumbprint.as_str()) {
            return Err(Denial::InvalidToken(
                "The access token is not bound to the DPoP proof's key",
            ));
        }
        let jti = claims["jti"]
            .as_str()
            .filter(|j| !j.is_empty())
            .ok_or(bad("The DPoP proof has no jti"))?;
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, until| *until > now);
        if seen.len() >= REPLAY_CAPACITY {
            seen.clear();
        }
        if seen
            .insert(jti.to_owned(), now + MAX_AGE + 2 * self.leeway)
            .is_some()
        {
            return Err(bad("The DPoP proof was already used"));
        }
        Ok(())
    }
}

/// The RFC 7638 thumbprint of a public P-256 JWK.
fn thumbprint(jwk: &Value) -> Option<String> {
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str()?,
        jwk["y"].as_str()?
    );
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(hash.as_ref()))
}

/// A URL without query or fragment, scheme and host in lower case (RFC 9449 §4.3).
fn bare(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or("");
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase(),
        if path.is_empty() { "/" } else { path }
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::bare;

    #[test]
    fn htu_comparison_ignores_query_fragment_and_case_of_scheme_and_host() {
        assert_eq!(
            bare("HTTP://Api.Example:80/api/private?x#y"),
            bare("http://api.example:80/api/private")
        );
        assert_ne!(
            bare("http://api.example:81/api/private"),
            bare("http://api.example:80/api/private")
        );
        assert_ne!(
            bare("http://api.example/api/Private"),
            bare("http://api.example/api/private")
        );
    }
}
