//! Sealed values: JSON, base64url, and an HMAC-SHA256 tag over a purpose and the payload.
//!
//! Authorization codes, refresh tokens, login transactions and the SSO cookie carry their own
//! state this way, so any process of the same tenant (same issuer, same starting keys) can read
//! them: nothing but replay protection has to be shared. The key is derived from public test data,
//! so a sealed value is tamper-evident against accidents, not secret: the tenant is for tests.

use crate::b64;
use aws_lc_rs::hmac;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Seals and opens values for one tenant.
pub(crate) struct Sealer {
    key: hmac::Key,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer")
    }
}

impl Sealer {
    /// A sealer every process of the tenant derives alike from its issuer and first key id.
    pub(crate) fn new(issuer: &str, first_kid: &str) -> Self {
        let seed = format!("auth0-offline seal v1\n{issuer}\n{first_kid}");
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed.as_bytes());
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, digest.as_ref()),
        }
    }

    /// `payload.tag`, both base64url; `purpose` keeps a refresh token from passing as a code.
    pub(crate) fn seal(&self, purpose: &str, value: &impl Serialize) -> String {
        let payload = b64::url(serde_json::to_vec(value).expect("serializing a sealed value"));
        let tag = hmac::sign(&self.key, format!("{purpose}.{payload}").as_bytes());
        format!("{payload}.{}", b64::url(tag.as_ref()))
    }

    /// The value, if `sealed` was sealed by this tenant for `purpose` and parses as `T`.
    pub(crate) fn open<T: DeserializeOwned>(&self, purpose: &str, sealed: &str) -> Option<T> {
        let (payload, tag) = sealed.split_once('.')?;
        let tag = b64::decode_url(tag)?;
        hmac::verify(&self.key, format!("{purpose}.{payload}").as_bytes(), &tag).ok()?;
        serde_json::from_slice(&b64::decode_url(payload)?).ok()
    }
}

/// A random base64url id of `bytes` random bytes.
pub(crate) fn random_id(bytes: usize) -> String {
    use aws_lc_rs::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut buf)
        .expect("the system random source works");
    b64::url(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_what_it_sealed_for_the_same_purpose_only() {
        let sealer = Sealer::new("https://localhost:1/", "kid");
        let sealed = sealer.seal("code", &vec![1, 2, 3]);
        assert_eq!(
            sealer.open::<Vec<i32>>("code", &sealed),
            Some(vec![1, 2, 3])
        );
        assert_eq!(sealer.open::<Vec<i32>>("refresh", &sealed), None);
        let other = Sealer::new("https://localhost:2/", "kid");
        assert_eq!(other.open::<Vec<i32>>("code", &sealed), None);
        let mut tampered = sealed.clone();
        tampered.replace_range(0..1, if sealed.starts_with('W') { "X" } else { "W" });
        assert_eq!(sealer.open::<Vec<i32>>("code", &tampered), None);
        assert_eq!(sealer.open::<Vec<i32>>("code", "garbage"), None);
        assert_eq!(random_id(32).len(), 43);
    }
}
