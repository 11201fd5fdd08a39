//! JWE decryption for the flawed test API's [`Flaw::TrustsJweInner`](crate::flawed::Flaw):
//! RSA-OAEP-256 with the TEST-ONLY encryption key of `fixtures`, then A256GCM (RFC 7516).

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The plaintext of a compact JWE to the fixture encryption key; `None` for anything else.
pub fn open(token: &str) -> Option<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, wrapped, iv, ciphertext, tag] = parts.as_slice() else {
        return None;
    };
    let pem = fixtures::keys::TEST_ONLY_ENC_RSA2048;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body).ok()?;
    let key = OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(&der).ok()?).ok()?;
    let wrapped = URL_SAFE_NO_PAD.decode(wrapped).ok()?;
    let mut cek = vec![0u8; key.min_output_size()];
    let cek = key
        .decrypt(&OAEP_SHA256_MGF1SHA256, &wrapped, &mut cek, None)
        .ok()?
        .to_vec();
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).ok()?);
    let iv: [u8; 12] = URL_SAFE_NO_PAD.decode(iv).ok()?.try_into().ok()?;
    let mut data = URL_SAFE_NO_PAD.decode(ciphertext).ok()?;
    data.extend(URL_SAFE_NO_PAD.decode(tag).ok()?);
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key(iv),
            Aad::from(header.as_bytes()),
            &mut data,
        )
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}
