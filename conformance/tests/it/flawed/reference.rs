//! What a correct API finds wrong with a token: the same rules as the forge's own tests.

use super::keys::*;
use super::tokens::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, PublicKeyUse};
use mock_tenant::forge::Check;
use serde_json::Value;
use std::collections::BTreeSet;

/// Everything a correct API finds wrong with `token` (the same rules as the forge's tests).
pub(super) fn problems(
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
