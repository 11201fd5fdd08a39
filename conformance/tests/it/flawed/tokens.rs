//! Reading a token's parts, leniently where a flaw is lenient.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

pub(super) fn part(token: &str, i: usize) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(token.split('.').nth(i)?).ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

pub(super) fn header_of(token: &str) -> Option<Value> {
    part(token, 0)
}

/// Part `i` as any JSON value, objects or not.
pub(super) fn part_any(token: &str, i: usize) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(token.split('.').nth(i)?).ok()?;
    serde_json::from_slice::<Value>(&bytes).ok()
}

/// Flattened JWS JSON as a compact token, and whether its merged header (the unprotected one
/// winning) says `alg: none`.
pub(super) fn flattened(text: &str) -> Option<(String, bool)> {
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

pub(super) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}
