//! The opaque access tokens Auth0 issues when a login names no audience: a JWE with `alg: dir`,
//! `enc: A256GCM` and the tenant's `iss` in its header, five parts with an empty encrypted key,
//! good only at `/userinfo`. Only the tenant can read one; here the key is derived, like the
//! sealer's, from public test data, so every process of the tenant reads the others' tokens.

use crate::b64;
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde_json::{Value, json};

/// The tenant's content-encryption key for `/userinfo` tokens.
pub(crate) struct DirKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for DirKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DirKey")
    }
}

impl DirKey {
    /// The key every process of the tenant derives alike from its issuer and first key id.
    pub(crate) fn new(issuer: &str, first_kid: &str) -> Self {
        let seed = format!("auth0-offline userinfo jwe v1\n{issuer}\n{first_kid}");
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed.as_bytes());
        let key = UnboundKey::new(&AES_256_GCM, digest.as_ref()).expect("a 256-bit AES key");
        Self {
            key: LessSafeKey::new(key),
        }
    }

    /// `claims` encrypted: `header..iv.ciphertext.tag`, the header's base64url as the AAD
    /// (RFC 7516 §5.1).
    pub(crate) fn seal(&self, issuer: &str, claims: &Value) -> String {
        let header = b64::url(json!({"alg": "dir", "enc": "A256GCM", "iss": issuer}).to_string());
        let data = serde_json::to_vec(claims).expect("serializing claims");
        format!("{header}..{}", encrypt(&self.key, &header, data))
    }

    /// The claims of a token this tenant sealed; `None` for anything else.
    pub(crate) fn open(&self, token: &str) -> Option<Value> {
        let parts: Vec<&str> = token.split('.').collect();
        let [header, "", iv, ciphertext, tag] = parts.as_slice() else {
            return None;
        };
        let fields: Value = serde_json::from_slice(&b64::decode_url(header)?).ok()?;
        if fields["alg"] != "dir" || fields["enc"] != "A256GCM" {
            return None;
        }
        let iv: [u8; NONCE_LEN] = b64::decode_url(iv)?.try_into().ok()?;
        let mut data = b64::decode_url(ciphertext)?;
        data.extend(b64::decode_url(tag)?);
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(iv),
                Aad::from(header.as_bytes()),
                &mut data,
            )
            .ok()?;
        serde_json::from_slice(plain).ok()
    }
}

fn random_iv() -> [u8; NONCE_LEN] {
    use aws_lc_rs::rand::SecureRandom;
    let mut iv = [0u8; NONCE_LEN];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut iv)
        .expect("the system random source works");
    iv
}

/// `plaintext` as a JWE to the TEST-ONLY encryption key of `fixtures` (the key an API that
/// takes encrypted tokens would decrypt with): `RSA-OAEP-256` wraps a random A256GCM key
/// (RFC 7516 compact serialization, `cty: JWT`), the way an attacker who knows the API's public
/// key builds one (CVE-2026-29000: pac4j-jwt accepted an unsigned JWT inside).
pub(crate) fn seal_to_enc_key(kid: &str, plaintext: &[u8]) -> String {
    use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPublicEncryptingKey, PrivateDecryptingKey};
    use rustls_pki_types::pem::PemObject;
    let der = rustls_pki_types::PrivatePkcs8KeyDer::from_pem_slice(
        fixtures::keys::TEST_ONLY_ENC_RSA2048.as_bytes(),
    )
    .expect("the fixture encryption key is PKCS#8 PEM");
    let private = PrivateDecryptingKey::from_pkcs8(der.secret_pkcs8_der())
        .expect("the fixture encryption key is RSA");
    let public = OaepPublicEncryptingKey::new(private.public_key()).expect("an RSA public key");
    let mut cek = [0u8; 32];
    aws_lc_rs::rand::fill(&mut cek).expect("the system random source works");
    let mut wrapped = vec![0u8; public.ciphertext_size()];
    let wrapped = public
        .encrypt(&OAEP_SHA256_MGF1SHA256, &cek, &mut wrapped, None)
        .expect("RSA-OAEP wraps 32 bytes")
        .to_vec();
    let header = b64::url(
        json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid, "cty": "JWT"}).to_string(),
    );
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).expect("a 32-byte key"));
    let sealed = encrypt(&key, &header, plaintext.to_vec());
    format!("{header}.{}.{sealed}", b64::url(wrapped))
}

/// `data` under A256GCM with a fresh IV and the header's base64url as the AAD (RFC 7516 §5.1):
/// `iv.ciphertext.tag`, each base64url.
fn encrypt(key: &LessSafeKey, header: &str, mut data: Vec<u8>) -> String {
    let iv = random_iv();
    let tag = key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(iv),
            Aad::from(header.as_bytes()),
            &mut data,
        )
        .expect("AES-GCM encrypts any length a token has");
    format!(
        "{}.{}.{}",
        b64::url(iv),
        b64::url(data),
        b64::url(tag.as_ref())
    )
}

#[cfg(test)]
mod tests {
    use super::DirKey;
    use serde_json::json;

    #[test]
    fn opens_its_own_tokens_only_and_looks_like_auth0s() {
        let key = DirKey::new("https://localhost:1/", "kid");
        let token = key.seal("https://localhost:1/", &json!({"sub": "auth0|x"}));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[1], "", "no encrypted key with alg dir");
        let header: serde_json::Value =
            serde_json::from_slice(&crate::b64::decode_url(parts[0]).unwrap()).unwrap();
        assert_eq!(
            header,
            json!({"alg": "dir", "enc": "A256GCM", "iss": "https://localhost:1/"})
        );
        assert_eq!(key.open(&token), Some(json!({"sub": "auth0|x"})));
        let other = DirKey::new("https://localhost:2/", "kid");
        assert_eq!(other.open(&token), None);
        let mut tampered = token.clone();
        tampered.push('A');
        assert_eq!(key.open(&tampered), None);
        assert_eq!(key.open("a.b.c"), None);
        assert_eq!(key.open("...."), None);
    }
}
