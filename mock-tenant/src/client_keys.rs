//! `private_key_jwt` client authentication (RFC 7523 §2.2; Auth0's "Private Key JWT"): the
//! public keys a client registers, as Auth0's Management API spells them
//! (`client_authentication_methods.private_key_jwt.credentials[]` with `credential_type`,
//! `pem`, `alg`), and the check of a `client_assertion`.

use crate::b64;
use rustls_pki_types::pem::{PemObject, SectionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The algorithms Auth0 accepts for a client's credential (its discovery's
/// `token_endpoint_auth_signing_alg_values_supported`).
pub const CLIENT_ASSERTION_ALGS: &[&str] = &["RS256", "RS384", "PS256"];

/// Auth0 takes assertions that live at most 5 minutes (`exp` no later than now + 300 s).
pub const MAX_ASSERTION_LIFETIME_SECS: i64 = 300;

/// How far a clock may be off: an `exp` just past, or an `nbf` just ahead, still passes.
const SKEW_SECS: i64 = 5;

/// A client's ways to authenticate besides its secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientAuthenticationMethods {
    /// `private_key_jwt`: the client signs a `client_assertion` with one of these keys. A
    /// client that has it must use it: its secret, if any, is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_jwt: Option<PrivateKeyJwt>,
}

/// The public keys of `private_key_jwt`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateKeyJwt {
    /// One or more keys (two during a key rotation).
    pub credentials: Vec<Credential>,
}

/// One public key of a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// `public_key`, the only type Auth0 has for it.
    #[serde(default = "public_key")]
    pub credential_type: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The RSA public key as PEM `PUBLIC KEY` (SPKI, what `openssl pkey -pubout` writes).
    pub pem: String,
    /// The algorithm its assertions are signed with: `RS256`, `RS384` or `PS256`.
    #[serde(default = "rs256")]
    pub alg: String,
    /// The `kid` an assertion may name to pick this key; without one, any key with the
    /// assertion's `alg` is tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
}

fn public_key() -> String {
    "public_key".into()
}

fn rs256() -> String {
    "RS256".into()
}

impl Credential {
    /// The first thing wrong with the credential, for the tenant file's check.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.credential_type != "public_key" {
            return Some(format!(
                "credential_type {:?} is not public_key",
                self.credential_type
            ));
        }
        if !CLIENT_ASSERTION_ALGS.contains(&self.alg.as_str()) {
            return Some(format!(
                "alg {:?} is none of {}",
                self.alg,
                CLIENT_ASSERTION_ALGS.join(", ")
            ));
        }
        self.public_key_der().err()
    }

    /// The key as SPKI DER, checked to be an RSA key aws-lc-rs takes.
    fn public_key_der(&self) -> Result<Vec<u8>, String> {
        let (kind, der) = <(SectionKind, Vec<u8>)>::from_pem_slice(self.pem.as_bytes())
            .map_err(|e| format!("pem is not a PEM public key: {e}"))?;
        if kind != SectionKind::PublicKey {
            return Err(format!("pem holds a {kind:?}, not a PUBLIC KEY"));
        }
        aws_lc_rs::rsa::PublicKey::from_der(&der)
            .map_err(|e| format!("pem is not an RSA public key: {e}"))?;
        Ok(der)
    }

    fn verifies(&self, alg: &str, message: &[u8], signature: &[u8]) -> bool {
        use aws_lc_rs::signature as sig;
        let algorithm: &dyn sig::VerificationAlgorithm = match alg {
            "RS256" => &sig::RSA_PKCS1_2048_8192_SHA256,
            "RS384" => &sig::RSA_PKCS1_2048_8192_SHA384,
            "PS256" => &sig::RSA_PSS_2048_8192_SHA256,
            _ => return false,
        };
        self.public_key_der().is_ok_and(|der| {
            sig::UnparsedPublicKey::new(algorithm, der)
                .verify(message, signature)
                .is_ok()
        })
    }
}

/// A `client_assertion` that passed: whose it is, and what the replay check needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assertion {
    /// The client (`iss` = `sub`).
    pub(crate) client_id: String,
    /// Its `jti`, used once.
    pub(crate) jti: String,
    /// Its `exp`: the `jti` is remembered until then.
    pub(crate) exp: i64,
}

/// The client named by an assertion, before its signature is checked: `iss`, which must
/// equal `sub`.
pub(crate) fn claimed_client(assertion: &str) -> Result<String, String> {
    let claims = parts(assertion)?.claims;
    let iss = claims["iss"].as_str().unwrap_or_default();
    if iss.is_empty() || claims["sub"] != iss {
        return Err("iss and sub must both be the client id".into());
    }
    Ok(iss.to_owned())
}

/// Checks an assertion of this client against its credentials, for a tenant with this
/// issuer, at `now`: signature, `iss` = `sub` = the client, `aud` = the issuer, `exp` present
/// and at most [`MAX_ASSERTION_LIFETIME_SECS`] ahead, `nbf` if present, a `jti`. Returns why
/// not; the replay check on `jti` is the caller's (it needs the store).
pub(crate) fn check(
    assertion: &str,
    client_id: &str,
    credentials: &[Credential],
    issuer: &str,
    now: i64,
) -> Result<Assertion, String> {
    let Jws {
        header,
        claims,
        signing_input,
        signature,
    } = parts(assertion)?;
    let alg = header["alg"].as_str().unwrap_or_default();
    if !CLIENT_ASSERTION_ALGS.contains(&alg) {
        return Err(format!(
            "alg {alg:?} is none of {}",
            CLIENT_ASSERTION_ALGS.join(", ")
        ));
    }
    let kid = header["kid"].as_str();
    let verified = credentials
        .iter()
        .filter(|c| c.alg == alg)
        .filter(|c| kid.is_none() || c.kid.is_none() || c.kid.as_deref() == kid)
        .any(|c| c.verifies(alg, signing_input.as_bytes(), &signature));
    if !verified {
        return Err(format!(
            "the signature verifies with none of the client's {alg} credentials"
        ));
    }
    if claims["iss"] != client_id || claims["sub"] != client_id {
        return Err("iss and sub must both be the client id".into());
    }
    let audience_ok = match &claims["aud"] {
        Value::String(aud) => aud == issuer,
        Value::Array(auds) => auds.iter().any(|a| a == issuer),
        _ => false,
    };
    if !audience_ok {
        return Err(format!("aud must be the tenant's URL, {issuer}"));
    }
    let exp = claims["exp"].as_i64().ok_or("exp must be a number")?;
    if exp <= now - SKEW_SECS {
        return Err("the assertion has expired".into());
    }
    if exp > now + MAX_ASSERTION_LIFETIME_SECS + SKEW_SECS {
        return Err(format!(
            "exp is more than {MAX_ASSERTION_LIFETIME_SECS} s ahead: the assertion lives too long"
        ));
    }
    if let Some(nbf) = claims.get("nbf") {
        let nbf = nbf.as_i64().ok_or("nbf must be a number")?;
        if nbf > now + SKEW_SECS {
            return Err("the assertion is not valid yet (nbf)".into());
        }
    }
    let jti = claims["jti"]
        .as_str()
        .filter(|j| !j.is_empty())
        .ok_or("the assertion has no jti")?;
    Ok(Assertion {
        client_id: client_id.to_owned(),
        jti: jti.to_owned(),
        exp,
    })
}

/// A compact JWS taken apart.
struct Jws {
    header: Value,
    claims: Value,
    /// `header.payload`, as signed.
    signing_input: String,
    signature: Vec<u8>,
}

/// The parts of a compact JWS whose header and payload are JSON objects.
fn parts(assertion: &str) -> Result<Jws, String> {
    let pieces: Vec<&str> = assertion.split('.').collect();
    let [header, payload, signature] = pieces.as_slice() else {
        return Err("the client_assertion is not a JWT".into());
    };
    let json = |part: &str| -> Option<Value> {
        serde_json::from_slice::<Value>(&b64::decode_url(part)?)
            .ok()
            .filter(Value::is_object)
    };
    Ok(Jws {
        header: json(header).ok_or("the client_assertion header is not JSON")?,
        claims: json(payload).ok_or("the client_assertion payload is not JSON")?,
        signing_input: format!("{header}.{payload}"),
        signature: b64::decode_url(signature).ok_or("the signature is not base64url")?,
    })
}
