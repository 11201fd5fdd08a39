//! How the test API finds its keys (configured, from discovery, trusting what it should not)
//! and checks signatures with them.

use super::tokens::*;
use super::{Api, Flaw};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use serde_json::Value;
use std::time::{Duration, Instant};

impl Api {
    /// The JWKS URL: configured, or read from discovery (checked or not, by the flaws).
    pub(super) async fn jwks_uri(&self) -> Option<String> {
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
    pub(super) async fn discovery(&self) -> Option<(String, String)> {
        let url = format!("{}.well-known/openid-configuration", self.issuer);
        let doc: Value = self.http.get(url).send().await.ok()?.json().await.ok()?;
        Some((
            doc["jwks_uri"].as_str()?.to_owned(),
            doc["issuer"].as_str()?.to_owned(),
        ))
    }

    /// The key set, by the flaws' caching rules; `None` when it cannot be fetched.
    /// The key set an issuer's discovery document names, fetched now.
    pub(super) async fn keys_of_issuer(&self, issuer: &str) -> Option<JwkSet> {
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

    pub(super) async fn keys(&self, token: &str) -> Option<JwkSet> {
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
                Some(mut set) => {
                    if let Some(k) = kid.as_ref().filter(|k| set.find(k).is_none()) {
                        self.missing.lock().unwrap().insert(k.clone());
                    }
                    if let (true, Some((old, _))) = (self.has(Flaw::KeepsRemovedKeys), &*cache) {
                        // Every key held, then the fetched ones under kids not held yet.
                        let mut keys = old.keys.clone();
                        keys.extend(set.keys.into_iter().filter(|n| {
                            old.keys.iter().all(|k| k.common.key_id != n.common.key_id)
                        }));
                        set = JwkSet { keys };
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

/// Whether the RS256 signature verifies with the tenant key its `kid` names.
pub(super) fn signed_by_tenant(jwks: &JwkSet, token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    header_of(token)
        .and_then(|h| h["kid"].as_str().map(str::to_owned))
        .and_then(|kid| jwks.find(&kid).cloned())
        .is_some_and(|jwk| parts.len() == 3 && rs256_verifies(&jwk, &parts))
}

/// Whether the compact token's `parts` carry a valid RS256 signature by `jwk`.
pub(super) fn rs256_verifies(jwk: &jsonwebtoken::jwk::Jwk, parts: &[&str]) -> bool {
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
pub(super) fn hmac_with_alg_less_jwk(jwks: &JwkSet, token: &str) -> bool {
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
pub(super) fn header_secret_verifies(token: &str) -> bool {
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
