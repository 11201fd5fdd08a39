//! The two base64 flavours JOSE uses: base64url without padding (tokens, JWK numbers, `x5t`) and
//! standard base64 with padding (`x5c`, RFC 7517 §4.7).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// Base64url without padding.
pub(crate) fn url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Standard base64 with padding.
pub(crate) fn standard(bytes: impl AsRef<[u8]>) -> String {
    STANDARD.encode(bytes)
}

/// Decodes base64url without padding.
pub(crate) fn decode_url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes standard base64 (with padding), as in HTTP Basic credentials.
pub(crate) fn decode_standard(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}
