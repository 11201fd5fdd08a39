//! Signing keys and the key set the tenant publishes: previous (after a rotation), current, next.
//!
//! Each key signs with a cached aws-lc-rs key pair (no re-parsing per token) and carries its public
//! JWK in Auth0's shape and key order: `kty, use, n, e, kid, x5t, x5c, alg`, where `x5c` is a
//! self-signed certificate whose CN is the tenant host, as Auth0 publishes.

use crate::b64;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaEncoding, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// One RSA-2048 signing key with its `kid` and published JWK.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    pair: RsaKeyPair,
    jwk: Value,
    /// The public modulus and exponent, big-endian.
    pub(crate) n: Vec<u8>,
    pub(crate) e: Vec<u8>,
    /// The self-signed certificate published in `x5c`, DER.
    pub(crate) cert_der: Vec<u8>,
    /// The private key, PKCS#8 DER: what another process of the tenant loads it from.
    pkcs8: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

impl SigningKey {
    /// Loads a PKCS#8 PEM key; the `kid` is derived from the public key unless given.
    pub(crate) fn from_pem(pem: &str, kid: Option<String>, host: &str) -> Result<Self, String> {
        let der = PrivatePkcs8KeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| format!("not a PKCS#8 PEM private key: {e}"))?;
        Self::from_pkcs8(der.secret_pkcs8_der().to_vec(), kid, host)
    }

    /// A fresh random RSA-2048 key (about 60 ms, with long tails).
    pub(crate) fn generate(kid: Option<String>, host: &str) -> Self {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA-2048 key generation");
        let der = pair.as_der().expect("PKCS#8 export").as_ref().to_vec();
        Self::from_pkcs8(der, kid, host).expect("a generated key loads")
    }

    fn from_pkcs8(pkcs8_der: Vec<u8>, kid: Option<String>, host: &str) -> Result<Self, String> {
        let pair = RsaKeyPair::from_pkcs8(&pkcs8_der).map_err(|e| format!("bad RSA key: {e}"))?;
        let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let kid = kid.unwrap_or_else(|| rsa_kid(&public.n, &public.e));
        let cert = crate::tls::jwk_certificate(&pkcs8_der, host)?;
        let pkcs8 = pkcs8_der.clone();
        let (n, e) = (public.n.clone(), public.e.clone());
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "n": b64::url(&public.n),
            "e": b64::url(&public.e),
            "kid": kid,
            "x5t": b64::url(aws_lc_rs::digest::digest(
                &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
                &cert
            )),
            "x5c": [b64::standard(&cert)],
            "alg": "RS256",
        });
        Ok(Self {
            kid,
            pair,
            jwk,
            n,
            e,
            cert_der: cert,
            pkcs8,
        })
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `input`.
    pub(crate) fn sign(&self, input: &[u8]) -> Vec<u8> {
        self.sign_with(&RSA_PKCS1_SHA256, input)
    }

    /// Signature of `input` with any RSA scheme (RS384, PS256, ...), for forged tokens.
    pub(crate) fn sign_with(&self, scheme: &'static dyn RsaEncoding, input: &[u8]) -> Vec<u8> {
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(scheme, &SystemRandom::new(), input, &mut sig)
            .expect("RSA signing with a valid key");
        sig
    }

    /// The public key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    pub(crate) fn public_pem(&self) -> String {
        rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls_pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.as_slice()),
            &rcgen::PKCS_RSA_SHA256,
        )
        .map(|pair| pair.public_key_pem())
        .unwrap_or_default()
    }

    /// The public JWK as published in the JWKS.
    pub(crate) fn jwk(&self) -> &Value {
        &self.jwk
    }
}

/// A stable, Auth0-looking `kid` for an RSA key: see [`thumbprint_kid`].
pub(crate) fn rsa_kid(n: &[u8], e: &[u8]) -> String {
    thumbprint_kid(&format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        b64::url(e),
        b64::url(n)
    ))
}

/// The first 21 characters (Auth0's `kid` length) of the RFC 7638 thumbprint of a key's
/// canonical JSON.
pub(crate) fn thumbprint_kid(canonical_jwk: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical_jwk.as_bytes());
    b64::url(digest)[..21].to_owned()
}

/// Where the tenant's keys come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeySource {
    /// The TEST-ONLY keys in `fixtures/`: tokens verify across processes and runs.
    #[default]
    Fixtures,
    /// A fresh random key set, unknown to anyone else.
    Random,
}

/// The keys a tenant signs with and publishes.
#[derive(Debug, Clone)]
pub(crate) struct KeySet {
    host: String,
    previous: Option<Arc<SigningKey>>,
    current: Arc<SigningKey>,
    next: Arc<SigningKey>,
    /// Fixture keys still to be used as `next` by rotations; after them, keys are random.
    upcoming: VecDeque<&'static str>,
    /// Kids removed from the JWKS (the tenant may still sign with them).
    removed: HashSet<String>,
}

/// A key set as data, private keys included, for the processes that share one tenant.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct KeySetSnapshot {
    /// `(kid, base64url PKCS#8)` of previous, current and next.
    previous: Option<(String, String)>,
    current: (String, String),
    next: (String, String),
    /// How many fixture keys rotations still take before random ones.
    upcoming: usize,
    removed: Vec<String>,
}

impl KeySet {
    /// This key set as data.
    pub(crate) fn snapshot(&self) -> KeySetSnapshot {
        let pair = |k: &Arc<SigningKey>| (k.kid.clone(), b64::url(&k.pkcs8));
        let mut removed: Vec<String> = self.removed.iter().cloned().collect();
        removed.sort();
        KeySetSnapshot {
            previous: self.previous.as_ref().map(pair),
            current: pair(&self.current),
            next: pair(&self.next),
            upcoming: self.upcoming.len(),
            removed,
        }
    }

    /// The key set a snapshot describes; keys already loaded are reused, not parsed again.
    pub(crate) fn restore(&self, snap: &KeySetSnapshot) -> Result<Self, String> {
        let load = |(kid, der): &(String, String)| -> Result<Arc<SigningKey>, String> {
            if let Some(k) = self.find(kid).filter(|k| b64::url(&k.pkcs8) == *der) {
                return Ok(k.clone());
            }
            let der = b64::decode_url(der).ok_or("bad key in the shared key set")?;
            SigningKey::from_pkcs8(der, Some(kid.clone()), &self.host).map(Arc::new)
        };
        let fixtures = fixtures::keys::TEST_ONLY_SIGNING_KEYS;
        Ok(Self {
            host: self.host.clone(),
            previous: snap.previous.as_ref().map(load).transpose()?,
            current: load(&snap.current)?,
            next: load(&snap.next)?,
            upcoming: fixtures[fixtures.len() - snap.upcoming.min(fixtures.len())..]
                .iter()
                .copied()
                .collect(),
            removed: snap.removed.iter().cloned().collect(),
        })
    }

    pub(crate) fn new(source: KeySource, host: &str) -> Self {
        let key = |pem| Arc::new(SigningKey::from_pem(pem, None, host).expect("fixture key"));
        let [first, second, third] = fixtures::keys::TEST_ONLY_SIGNING_KEYS;
        match source {
            KeySource::Fixtures => Self {
                host: host.to_owned(),
                previous: None,
                current: key(first),
                next: key(second),
                upcoming: VecDeque::from([third]),
                removed: HashSet::new(),
            },
            KeySource::Random => Self {
                host: host.to_owned(),
                previous: None,
                current: Arc::new(SigningKey::generate(None, host)),
                next: Arc::new(SigningKey::generate(None, host)),
                upcoming: VecDeque::new(),
                removed: HashSet::new(),
            },
        }
    }

    pub(crate) fn current(&self) -> &Arc<SigningKey> {
        &self.current
    }

    pub(crate) fn next(&self) -> &Arc<SigningKey> {
        &self.next
    }

    pub(crate) fn previous(&self) -> Option<&Arc<SigningKey>> {
        self.previous.as_ref()
    }

    fn all(&self) -> impl Iterator<Item = &Arc<SigningKey>> {
        [
            Some(&self.current),
            Some(&self.next),
            self.previous.as_ref(),
        ]
        .into_iter()
        .flatten()
    }

    /// Finds a key by `kid`, published or not.
    pub(crate) fn find(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.all().find(|k| k.kid == kid)
    }

    /// Finds a key by `kid` among those the JWKS publishes.
    pub(crate) fn find_published(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.find(kid).filter(|k| !self.removed.contains(&k.kid))
    }

    /// Next becomes current, current becomes previous (still published, as Auth0 keeps it until
    /// revoked), the old previous is dropped and a new next appears.
    pub(crate) fn rotate(&mut self) {
        let new_next = match self.upcoming.pop_front() {
            Some(pem) => SigningKey::from_pem(pem, None, &self.host).expect("fixture key"),
            None => SigningKey::generate(None, &self.host),
        };
        let old_current = std::mem::replace(&mut self.current, self.next.clone());
        self.previous = Some(old_current);
        self.next = Arc::new(new_next);
    }

    /// Stops publishing `kid`. Returns false when no key has that kid.
    pub(crate) fn remove(&mut self, kid: &str) -> bool {
        let known = self.find(kid).is_some();
        if known {
            self.removed.insert(kid.to_owned());
        }
        known
    }

    /// Binds `kid` to a fresh random key: tokens signed before no longer verify.
    /// Returns false when no key has that kid.
    pub(crate) fn rebind(&mut self, kid: &str) -> bool {
        let fresh = Arc::new(SigningKey::generate(Some(kid.to_owned()), &self.host));
        let slots = [
            Some(&mut self.current),
            Some(&mut self.next),
            self.previous.as_mut(),
        ];
        for slot in slots.into_iter().flatten() {
            if slot.kid == kid {
                *slot = fresh;
                return true;
            }
        }
        false
    }

    /// The published JWKs: current, next, then previous, minus removed kids.
    pub(crate) fn published(&self) -> Vec<Value> {
        self.all()
            .filter(|k| !self.removed.contains(&k.kid))
            .map(|k| k.jwk().clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_kids_are_stable_and_look_like_auth0s() {
        let a = KeySet::new(KeySource::Fixtures, "localhost");
        let b = KeySet::new(KeySource::Fixtures, "localhost:1");
        assert_eq!(a.current().kid, b.current().kid);
        assert_eq!(a.current().kid.len(), 21);
        assert_ne!(a.current().kid, a.next.kid);
    }

    #[test]
    fn rotation_promotes_next_and_keeps_previous_published() {
        let mut keys = KeySet::new(KeySource::Fixtures, "localhost");
        let (old_current, old_next) = (keys.current.kid.clone(), keys.next.kid.clone());
        keys.rotate();
        assert_eq!(keys.current.kid, old_next);
        let kids: Vec<_> = keys.published().iter().map(|k| k["kid"].clone()).collect();
        assert_eq!(kids.len(), 3);
        assert!(kids.contains(&json!(old_current)));
    }

    #[test]
    fn rebinding_keeps_the_kid_but_changes_the_modulus() {
        let mut keys = KeySet::new(KeySource::Fixtures, "localhost");
        let kid = keys.current.kid.clone();
        let n_before = keys.current.jwk()["n"].clone();
        assert!(keys.rebind(&kid));
        assert_eq!(keys.current.kid, kid);
        assert_ne!(keys.current.jwk()["n"], n_before);
        assert!(!keys.rebind("no-such-kid"));
    }
}
