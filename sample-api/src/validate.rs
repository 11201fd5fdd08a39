//! Access-token validation as RFC 8725 and RFC 9068 ask: RS256 only (never taken from the
//! token), `kid` looked up in the tenant's JWKS, exact issuer, audience as string or array, `exp`
//! required, `nbf`/`iat` honoured with the configured leeway, unknown `crit` refused, and header
//! URLs (`jku`, `x5u`, `jwk`, `x5c`) never followed or trusted.

use crate::errors::Denial;
use crate::jwks::{JwksCache, KeyError};
use crate::settings::{ScopeSource, Settings};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation, errors::ErrorKind};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// Tokens longer than this are refused before any parsing (Auth0's are under 2 KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Verified tokens remembered; the memory is emptied when it is full.
const VERIFIED_CAPACITY: usize = 4096;

/// Validates tokens for one API.
pub(crate) struct Validator {
    jwks: JwksCache,
    validation: Validation,
    leeway_secs: u64,
    scope_source: ScopeSource,
    /// Tokens whose signature and claims checked out, by their exact text, with the key-set
    /// generation they were checked under. A hit skips the RSA verification (the same bytes
    /// verify the same way under the same keys) but never the time checks; a refetched key set
    /// (rotation, removal) invalidates every entry.
    verified: RwLock<HashMap<Arc<str>, Remembered>>,
    /// What the API does with DPoP.
    pub(crate) dpop: crate::DpopMode,
    /// DPoP proof checks, against the API's own URL.
    pub(crate) proofs: crate::dpop::Proofs,
}

/// A verified token's key-set generation and claims.
type Remembered = (u64, Arc<Claims>);

/// The claims of a valid token.
#[derive(Debug, Clone)]
pub(crate) struct Claims(pub(crate) Value);

impl Validator {
    /// A validator for `settings`, whose DPoP proofs must name `base_url`.
    pub(crate) fn new(settings: &Settings, jwks: JwksCache, base_url: &str) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.algorithms = vec![Algorithm::RS256];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        // Times are checked by `check_times`, on every request, cached or not.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Self {
            jwks,
            validation,
            leeway_secs: settings.leeway.as_secs(),
            scope_source: settings.scope_source,
            verified: RwLock::new(HashMap::new()),
            dpop: settings.dpop,
            proofs: crate::dpop::Proofs::new(base_url, settings.leeway.as_secs() as i64),
        }
    }

    /// The claims of `token`, or why it is refused.
    pub(crate) async fn validate(&self, token: &str) -> Result<Arc<Claims>, Denial> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Denial::invalid_token("The token is too large"));
        }
        let remembered = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        // Only while the key set is fresh: an expired one must be refetched first, in case
        // the key was removed or re-bound.
        if let Some((generation, claims)) = remembered
            && Some(generation) == self.jwks.fresh_generation()
        {
            self.check_times(&claims.0)?;
            return Ok(claims);
        }
        let kid = check_header(token)?;
        // Read before the lookup: if the lookup refetches, the entry is merely stale, never wrong.
        let generation = self.jwks.generation();
        let key = self.jwks.key(&kid).await.map_err(|e| match e {
            KeyError::Unknown => Denial::invalid_token("The token was signed by an unknown key"),
            KeyError::Unavailable => Denial::KeysUnavailable,
        })?;
        let data = jsonwebtoken::decode::<Value>(token, &key, &self.validation).map_err(|e| {
            Denial::invalid_token(match e.kind() {
                ErrorKind::InvalidAudience => "The token is not for this API",
                ErrorKind::InvalidIssuer => "The token has the wrong issuer",
                ErrorKind::MissingRequiredClaim(_) => "The token lacks a required claim",
                ErrorKind::InvalidSignature => "The token signature is invalid",
                _ => "The token is malformed",
            })
        })?;
        if !data.claims.is_object() {
            return Err(Denial::invalid_token("The token is malformed"));
        }
        // jsonwebtoken accepts an `iss` array that holds the issuer; `iss` is one StringOrURI
        // (RFC 7519 §4.1.1), and a membership check is how fast-jwt#552 went wrong.
        if !data.claims["iss"].is_string() {
            return Err(Denial::invalid_token("The token has the wrong issuer"));
        }
        self.check_times(&data.claims)?;
        let claims = Arc::new(Claims(data.claims));
        let mut verified = self
            .verified
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if verified.len() >= VERIFIED_CAPACITY {
            verified.clear();
        }
        verified.insert(token.into(), (generation, claims.clone()));
        Ok(claims)
    }

    /// `exp` required and numeric; `exp`, `nbf` and `iat` honoured with the leeway
    /// (RFC 7519 §4.1.4–4.1.6).
    fn check_times(&self, claims: &Value) -> Result<(), Denial> {
        let now = now() as f64;
        let leeway = self.leeway_secs as f64;
        let number = |name: &str| match claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| Denial::invalid_token("The token is malformed")),
        };
        let exp = number("exp")?
            .ok_or_else(|| Denial::invalid_token("The token lacks a required claim"))?;
        if now >= exp + leeway {
            return Err(Denial::invalid_token("The token has expired"));
        }
        if number("nbf")?.is_some_and(|nbf| nbf > now + leeway) {
            return Err(Denial::invalid_token("The token is not valid yet"));
        }
        if number("iat")?.is_some_and(|iat| iat > now + leeway) {
            return Err(Denial::invalid_token("The token was issued in the future"));
        }
        Ok(())
    }

    /// Whether `claims` grant `scope` (exact, case-sensitive tokens).
    pub(crate) fn has_scope(&self, claims: &Claims, scope: &str) -> bool {
        let from_scope = claims.0.get("scope").and_then(Value::as_str);
        if let Some(scopes) = from_scope {
            return scopes.split(' ').any(|s| s == scope);
        }
        self.scope_source == ScopeSource::ScopeOrPermissions
            && claims
                .0
                .get("permissions")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|s| s.as_str() == Some(scope)))
    }
}

/// Checks the JOSE header before any key is fetched, so garbage never costs a JWKS request.
/// Returns the `kid`.
fn check_header(token: &str) -> Result<String, Denial> {
    let malformed = || Denial::invalid_token("The token is malformed");
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed());
    };
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed())?;
    let header: Value = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
    let header = header.as_object().ok_or_else(malformed)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(Denial::invalid_token("The token must be signed with RS256"));
    }
    // We implement no JWS extension, so any `crit` must be refused (RFC 7515 §4.1.11).
    if header.contains_key("crit") {
        return Err(Denial::invalid_token(
            "The token uses an unsupported extension",
        ));
    }
    if let Some(typ) = header.get("typ") {
        let typ = typ.as_str().map(str::to_ascii_lowercase);
        let typ = typ
            .as_deref()
            .map(|t| t.strip_prefix("application/").unwrap_or(t));
        if !matches!(typ, Some("jwt" | "at+jwt")) {
            return Err(Denial::invalid_token("The token is not an access token"));
        }
    }
    match header.get("kid").and_then(Value::as_str) {
        Some(kid) if !kid.is_empty() && kid.len() <= 256 => Ok(kid.to_owned()),
        _ => Err(Denial::invalid_token("The token has no usable key id")),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
