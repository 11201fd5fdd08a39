//! DPoP proofs (RFC 9449) as the tenant checks them at `/oauth/token` and `/userinfo`: a JWT
//! with `typ: dpop+jwt`, `alg: ES256` (what the discovery document advertises, and Auth0's
//! choice) and the public P-256 key in `jwk`, signed by that key, whose `htm` and `htu` name the
//! request, whose `iat` is recent, whose `jti` is new, with the tenant's `nonce` when it demands
//! one and, at a resource, `ath` = the hash of the access token. The key's RFC 7638 thumbprint
//! is what a bound token's `cnf.jkt` holds.

use crate::b64;
use serde_json::Value;

/// How old a proof's `iat` may be, in seconds.
pub(crate) const MAX_AGE: i64 = 300;
/// How far in the future a proof's `iat` may be (clock skew), in seconds.
pub(crate) const MAX_SKEW: i64 = 60;

/// A proof that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proof {
    /// The RFC 7638 thumbprint of its key: the `cnf.jkt` of a token bound to it.
    pub(crate) jkt: String,
    /// Its `jti`, for the replay check.
    pub(crate) jti: String,
}

/// Why a proof is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `invalid_dpop_proof`, with the reason.
    Invalid(String),
    /// `use_dpop_nonce`: the tenant demands a nonce and the proof has another or none.
    Nonce,
}

fn invalid(why: &str) -> Refusal {
    Refusal::Invalid(why.to_owned())
}

/// What the request the proof came with was.
pub(crate) struct Request<'a> {
    /// `POST`, `GET`.
    pub(crate) method: &'a str,
    /// The URL the proof must name, without query or fragment.
    pub(crate) url: &'a str,
    /// Unix time now.
    pub(crate) now: i64,
    /// The nonce the tenant demands, if it demands one.
    pub(crate) nonce: Option<&'a str>,
    /// At a resource: the access token, whose hash `ath` must be.
    pub(crate) access_token: Option<&'a str>,
}

/// Checks `proof` against `request`; the replay check on `jti` is the caller's (it needs the
/// store).
pub(crate) fn check(proof: &str, request: &Request<'_>) -> Result<Proof, Refusal> {
    let parts: Vec<&str> = proof.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(invalid("The DPoP proof is not a JWT"));
    };
    let json = |part: &str| -> Option<Value> {
        serde_json::from_slice::<Value>(&b64::decode_url(part)?)
            .ok()
            .filter(Value::is_object)
    };
    let header = json(header).ok_or_else(|| invalid("The DPoP proof header is not JSON"))?;
    let claims = json(payload).ok_or_else(|| invalid("The DPoP proof payload is not JSON"))?;
    if header["typ"] != "dpop+jwt" {
        return Err(invalid("The DPoP proof typ must be dpop+jwt"));
    }
    if header["alg"] != "ES256" {
        return Err(invalid("The DPoP proof alg must be ES256"));
    }
    let jwk = &header["jwk"];
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|private| jwk.get(*private).is_some())
    {
        return Err(invalid("The DPoP proof jwk must not contain a private key"));
    }
    let point = p256_point(jwk).ok_or_else(|| invalid("The DPoP proof jwk is not a P-256 key"))?;
    let signature =
        b64::decode_url(signature).ok_or_else(|| invalid("The DPoP proof signature is invalid"))?;
    let message = format!("{}.{}", parts[0], parts[1]);
    aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
        point,
    )
    .verify(message.as_bytes(), &signature)
    .map_err(|_| invalid("The DPoP proof signature is invalid"))?;
    let jti = claims["jti"]
        .as_str()
        .filter(|j| !j.is_empty())
        .ok_or_else(|| invalid("The DPoP proof has no jti"))?;
    if claims["htm"] != request.method {
        return Err(invalid(
            "The DPoP proof htm does not match the request method",
        ));
    }
    let htu = claims["htu"]
        .as_str()
        .ok_or_else(|| invalid("The DPoP proof has no htu"))?;
    if !same_url(htu, request.url) {
        return Err(invalid("The DPoP proof htu does not match the request URL"));
    }
    let iat = claims["iat"]
        .as_i64()
        .ok_or_else(|| invalid("The DPoP proof iat must be a number"))?;
    if iat < request.now - MAX_AGE || iat > request.now + MAX_SKEW {
        return Err(invalid(
            "The DPoP proof iat is outside the acceptable window",
        ));
    }
    if let Some(nonce) = request.nonce
        && claims["nonce"] != nonce
    {
        return Err(Refusal::Nonce);
    }
    if let Some(token) = request.access_token {
        let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
        if claims["ath"] != b64::url(hash.as_ref()).as_str() {
            return Err(invalid(
                "The DPoP proof ath does not match the access token",
            ));
        }
    }
    Ok(Proof {
        jkt: thumbprint(jwk).ok_or_else(|| invalid("The DPoP proof jwk is not a P-256 key"))?,
        jti: jti.to_owned(),
    })
}

/// `04 || x || y` of a public P-256 JWK.
fn p256_point(jwk: &Value) -> Option<Vec<u8>> {
    if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
        return None;
    }
    let x = b64::decode_url(jwk["x"].as_str()?)?;
    let y = b64::decode_url(jwk["y"].as_str()?)?;
    (x.len() == 32 && y.len() == 32).then(|| [&[4u8][..], &x, &y].concat())
}

/// The RFC 7638 thumbprint of a public P-256 JWK: base64url SHA-256 of its required members in
/// lexicographic order, no whitespace.
pub(crate) fn thumbprint(jwk: &Value) -> Option<String> {
    p256_point(jwk)?;
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str()?,
        jwk["y"].as_str()?
    );
    let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes());
    Some(b64::url(hash.as_ref()))
}

/// `htu` names `url`: the same scheme, host and path, the query and fragment ignored (RFC 9449
/// §4.3), scheme and host compared without case.
fn same_url(htu: &str, url: &str) -> bool {
    let bare = |u: &str| {
        let u = u.split(['?', '#']).next().unwrap_or("");
        let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = if path.is_empty() { "/" } else { path };
        format!(
            "{}://{}{path}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        )
    };
    bare(htu) == bare(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_ignores_query_fragment_and_case_of_scheme_and_host_only() {
        let url = "https://localhost:8443/oauth/token";
        assert!(same_url("https://localhost:8443/oauth/token?x=1#f", url));
        assert!(same_url("HTTPS://LOCALHOST:8443/oauth/token", url));
        assert!(!same_url("https://localhost:8443/oauth/Token", url));
        assert!(!same_url("https://localhost:8444/oauth/token", url));
        assert!(!same_url("http://localhost:8443/oauth/token", url));
        assert!(!same_url("https://evil.example/oauth/token", url));
    }

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // RFC 7638 §3.1 is for RSA; this P-256 key and thumbprint are RFC 9449 §6.1's example.
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256",
            "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"
        });
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
        );
        assert_eq!(thumbprint(&serde_json::json!({"kty": "RSA"})), None);
    }
}
