//! JWKS faults: what `/.well-known/jwks.json` does instead of answering normally, so a suite can
//! check that an API fails closed when its key source is down, slow, garbage or poisoned.

use crate::b64;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A fault the JWKS endpoint serves until cleared.
///
/// Set with [`MockTenant::set_jwks_fault`](crate::MockTenant::set_jwks_fault) or
/// `POST /_mock/jwks/fault` with this type as JSON, for example `{"kind":"status","status":503}`,
/// `{"kind":"drop"}`, `{"kind":"delay","ms":3000}`, `{"kind":"junk","body":"html"}` or
/// `{"kind":"extra_key","key":"weak_rsa"}`, `{"kind":"extra_keys","keys":["enc","ec"]}`,
/// `{"kind":"odd_keys"}`, `{"kind":"no_alg"}` or
/// `{"kind":"body","body":"{\"keys\":[]}"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JwksFault {
    /// Answer with this HTTP status (for example 503) and a short JSON error body.
    Status {
        /// The status code; must be 400..=599.
        status: u16,
    },
    /// Close the connection without answering.
    Drop,
    /// Answer normally, after this many milliseconds.
    Delay {
        /// The delay.
        ms: u64,
    },
    /// Answer 200 with a body that is not a usable key set.
    Junk {
        /// Which body.
        body: JunkBody,
    },
    /// Publish the real keys plus one key an API must never verify with.
    ExtraKey {
        /// Which key.
        key: BadKey,
    },
    /// Publish the real keys plus several keys an API must never verify with, in one set.
    ExtraKeys {
        /// Which keys.
        keys: Vec<BadKey>,
    },
    /// Publish the real keys plus keys a correct API skips without failing: an `AKP`
    /// (ML-DSA-44) key, a `kty` nobody defines, and an RSA key with a `use` of its own
    /// ([`odd_keys`]).
    OddKeys,
    /// Publish the real keys without their `alg` member (it is optional, RFC 7517 §4.4): the
    /// verifier must then take the algorithm from its own configuration, never the token.
    NoAlg,
    /// Answer 200 with exactly this JSON text (at most 1 MiB): a stale key set, say.
    Body {
        /// The body.
        body: String,
    },
}

/// The keys [`JwksFault::OddKeys`] adds: each with its own `kid`, none usable for RS256.
pub fn odd_keys() -> Vec<Value> {
    let (n, e) = rsa_components(fixtures::keys::TEST_ONLY_ENC_RSA2048_PUBLIC);
    let mut custom_use = rsa_jwk("x-test-only-custom-use", &n, &e);
    custom_use["kid"] = json!("test-only-custom-use");
    vec![
        json!({"kty": "AKP", "alg": "ML-DSA-44", "use": "sig", "kid": "test-only-ml-dsa-44",
               "pub": b64::url(vec![0x42u8; 1312])}),
        json!({"kty": "X-TEST-ONLY", "use": "sig", "kid": "test-only-unknown-kty", "k1": "AQAB"}),
        custom_use,
    ]
}

/// Bodies of [`JwksFault::Junk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JunkBody {
    /// An HTML error page, `text/html`.
    Html,
    /// Truncated JSON.
    InvalidJson,
    /// An empty body.
    Empty,
    /// `{"keys":"x"}`.
    KeysNotArray,
    /// The current `kid`, but without `n` and `e`.
    KeyMissingFields,
    /// A symmetric `oct` key under the current `kid` (bait for HS256 key confusion).
    OctKey,
}

impl JunkBody {
    /// Every junk body, in the order above.
    pub const ALL: [JunkBody; 6] = [
        Self::Html,
        Self::InvalidJson,
        Self::Empty,
        Self::KeysNotArray,
        Self::KeyMissingFields,
        Self::OctKey,
    ];
}

/// Keys of [`JwksFault::ExtraKey`]. Each has its own `kid` (its RFC 7638 thumbprint, cut to 21
/// characters) and is the TEST-ONLY fixture key of the same role, so a forged token can be signed
/// with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadKey {
    /// RSA-1024: too short for RS256 (RFC 7518 §3.3).
    WeakRsa,
    /// RSA-2048 marked `"use":"enc"`: never for signatures (RFC 7517 §4.2).
    Enc,
    /// An EC P-256 key (`alg: ES256`): the wrong key type for an RS256-only API.
    Ec,
    /// RSA with public exponent 1, under which any "signature" equal to the padded digest verifies.
    RsaExponentOne,
}

impl JwksFault {
    /// Checks values a request could get wrong.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            Self::Status { status } if !(400..=599).contains(status) => {
                Err(format!("status must be 400..=599, got {status}"))
            }
            Self::Delay { ms } if *ms > 600_000 => Err("delay is capped at 600000 ms".into()),
            Self::Body { body } if body.len() > 1024 * 1024 => {
                Err("a body is capped at 1 MiB".into())
            }
            _ => Ok(()),
        }
    }
}

impl JunkBody {
    /// The content type and body served, given the current `kid`.
    pub(crate) fn render(self, current_kid: &str) -> (&'static str, String) {
        const JSON: &str = "application/json; charset=utf-8";
        match self {
            Self::Html => (
                "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>Error</title></head>\
                 <body><h1>Something went wrong</h1></body></html>"
                    .into(),
            ),
            Self::InvalidJson => (JSON, r#"{"keys":[{"kty":"RSA","use":"sig","n":"#.into()),
            Self::Empty => (JSON, String::new()),
            Self::KeysNotArray => (JSON, r#"{"keys":"x"}"#.into()),
            Self::KeyMissingFields => (
                JSON,
                json!({"keys": [{"kty": "RSA", "use": "sig", "kid": current_kid, "alg": "RS256"}]})
                    .to_string(),
            ),
            Self::OctKey => (
                JSON,
                json!({"keys": [{
                    "kty": "oct", "use": "sig", "kid": current_kid, "alg": "HS256",
                    "k": b64::url("test-only-hmac-secret-from-a-poisoned-jwks"),
                }]})
                .to_string(),
            ),
        }
    }
}

impl BadKey {
    /// The public JWK published for this key.
    pub fn jwk(self) -> Value {
        use fixtures::keys::*;
        match self {
            Self::WeakRsa => {
                let (n, e) = rsa_components(TEST_ONLY_WEAK_RSA1024_PUBLIC);
                rsa_jwk("sig", &n, &e)
            }
            Self::Enc => {
                let (n, e) = rsa_components(TEST_ONLY_ENC_RSA2048_PUBLIC);
                rsa_jwk("enc", &n, &e)
            }
            Self::RsaExponentOne => {
                let (n, _) = rsa_components(TEST_ONLY_ENC_RSA2048_PUBLIC);
                rsa_jwk("sig", &n, &[1])
            }
            Self::Ec => {
                let der = PrivatePkcs8KeyDer::from_pem_slice(TEST_ONLY_EC_P256.as_bytes())
                    .expect("fixture EC key is PKCS#8 PEM");
                let pair = EcdsaKeyPair::from_pkcs8(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    der.secret_pkcs8_der(),
                )
                .expect("fixture EC key loads");
                let point = pair.public_key().as_ref(); // 0x04 || x || y
                let (x, y) = (b64::url(&point[1..33]), b64::url(&point[33..65]));
                let kid = crate::keys::thumbprint_kid(&format!(
                    r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#
                ));
                json!({"kty": "EC", "use": "sig", "crv": "P-256", "x": x, "y": y,
                       "kid": kid, "alg": "ES256"})
            }
        }
    }
}

/// `n` and `e` of a fixture key kept as data (base64url), as bytes.
fn rsa_components((n, e): (&str, &str)) -> (Vec<u8>, Vec<u8>) {
    use base64::Engine;
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    (
        url.decode(n).expect("fixture n is base64url"),
        url.decode(e).expect("fixture e is base64url"),
    )
}

fn rsa_jwk(use_: &str, n: &[u8], e: &[u8]) -> Value {
    json!({"kty": "RSA", "use": use_, "n": b64::url(n), "e": b64::url(e),
           "kid": crate::keys::rsa_kid(n, e), "alg": "RS256"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_json_reads_as_documented() {
        let f: JwksFault = serde_json::from_str(r#"{"kind":"status","status":503}"#).unwrap();
        assert_eq!(f, JwksFault::Status { status: 503 });
        let f: JwksFault =
            serde_json::from_str(r#"{"kind":"extra_key","key":"weak_rsa"}"#).unwrap();
        assert_eq!(
            f,
            JwksFault::ExtraKey {
                key: BadKey::WeakRsa
            }
        );
        assert!(JwksFault::Status { status: 200 }.check().is_err());
    }

    #[test]
    fn weak_key_is_1024_bits_and_e1_key_has_exponent_one() {
        let weak = BadKey::WeakRsa.jwk();
        let n = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            weak["n"].as_str().unwrap(),
        )
        .unwrap();
        assert_eq!(n.len() * 8, 1024);
        assert_eq!(BadKey::RsaExponentOne.jwk()["e"], "AQ");
        assert_eq!(BadKey::Enc.jwk()["use"], "enc");
        assert_eq!(BadKey::Ec.jwk()["crv"], "P-256");
    }
}
