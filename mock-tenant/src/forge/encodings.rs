//! The tenant's public key in every encoding an HS256 key-confusion attack tries as the HMAC
//! secret (CVE-2016-10555 and its descendants).

use crate::b64;
use crate::keys::SigningKey;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::PublicKeyComponents;

/// Which encoding of the public key becomes the HMAC secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicKeyEncoding {
    /// SubjectPublicKeyInfo PEM, `-----BEGIN PUBLIC KEY-----`, ending in a newline.
    SpkiPem,
    /// The same without the final newline.
    SpkiPemNoNewline,
    /// The same with leading whitespace (CVE-2026-34950).
    SpkiPemLeadingSpace,
    /// PKCS#1 PEM, `-----BEGIN RSA PUBLIC KEY-----` (CVE-2017-11424).
    Pkcs1Pem,
    /// SubjectPublicKeyInfo DER bytes.
    SpkiDer,
    /// OpenSSH `ssh-rsa AAAA...`.
    Ssh,
    /// The JWK as JSON text.
    JwkJson,
    /// The raw modulus bytes.
    Modulus,
    /// The `x5c` certificate as PEM.
    CertificatePem,
}

impl PublicKeyEncoding {
    /// The secret bytes for `key`.
    pub(crate) fn encode(self, key: &SigningKey) -> Vec<u8> {
        let spki = || {
            let components = PublicKeyComponents {
                n: key.n.as_slice(),
                e: key.e.as_slice(),
            };
            components
                .as_der()
                .expect("SPKI encoding of a valid RSA key")
                .as_ref()
                .to_vec()
        };
        match self {
            Self::SpkiPem => pem("PUBLIC KEY", &spki()).into_bytes(),
            Self::SpkiPemNoNewline => pem("PUBLIC KEY", &spki()).trim_end().as_bytes().to_vec(),
            Self::SpkiPemLeadingSpace => format!("  {}", pem("PUBLIC KEY", &spki())).into_bytes(),
            Self::Pkcs1Pem => pem("RSA PUBLIC KEY", &pkcs1_der(&key.n, &key.e)).into_bytes(),
            Self::SpkiDer => spki(),
            Self::Ssh => {
                let mut blob = Vec::new();
                for part in [b"ssh-rsa".as_slice(), &mpint(&key.e), &mpint(&key.n)] {
                    blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
                    blob.extend_from_slice(part);
                }
                format!("ssh-rsa {}", b64::standard(blob)).into_bytes()
            }
            Self::JwkJson => key.jwk().to_string().into_bytes(),
            Self::Modulus => key.n.clone(),
            Self::CertificatePem => pem("CERTIFICATE", &key.cert_der).into_bytes(),
        }
    }
}

/// PEM with 64-character lines and a final newline.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let body = b64::standard(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A non-negative integer as SSH and DER want it: a leading zero when the high bit is set.
fn mpint(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(bytes);
    out
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` (RFC 8017 A.1.1).
fn pkcs1_der(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for int in [mpint(n), mpint(e)] {
        body.push(0x02);
        body.extend(der_len(int.len()));
        body.extend(int);
    }
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

fn der_len(len: usize) -> Vec<u8> {
    match len {
        0..=0x7f => vec![len as u8],
        0x80..=0xff => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeySet, KeySource};

    #[test]
    fn encodings_are_distinct_and_pems_parse_back_to_the_key() {
        let keys = KeySet::new(KeySource::Fixtures, "localhost");
        let key = keys.current();
        let all = [
            PublicKeyEncoding::SpkiPem,
            PublicKeyEncoding::SpkiPemNoNewline,
            PublicKeyEncoding::SpkiPemLeadingSpace,
            PublicKeyEncoding::Pkcs1Pem,
            PublicKeyEncoding::SpkiDer,
            PublicKeyEncoding::Ssh,
            PublicKeyEncoding::JwkJson,
            PublicKeyEncoding::Modulus,
            PublicKeyEncoding::CertificatePem,
        ];
        let secrets: std::collections::HashSet<Vec<u8>> =
            all.iter().map(|e| e.encode(key)).collect();
        assert_eq!(secrets.len(), all.len());
        let spki = String::from_utf8(PublicKeyEncoding::SpkiPem.encode(key)).unwrap();
        let parsed = jsonwebtoken::DecodingKey::from_rsa_pem(spki.as_bytes());
        assert!(parsed.is_ok());
        let pkcs1 = String::from_utf8(PublicKeyEncoding::Pkcs1Pem.encode(key)).unwrap();
        assert!(jsonwebtoken::DecodingKey::from_rsa_pem(pkcs1.as_bytes()).is_ok());
    }
}
