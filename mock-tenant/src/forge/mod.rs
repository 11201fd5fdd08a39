//! The token forge: a builder for the tenant's valid token in which each method changes one
//! thing, plus named defects (see [`defects`]) that apply one recipe each.

mod attacker;
mod defects;
mod dpop;
mod encodings;
mod rows;

pub use attacker::AttackerHost;
pub use defects::{
    Answer, Check, Defect, DefectId, INJECTED_HEADER, PASSWD_MARKER, SCRIPT_MARKER, defects,
    find_defect,
};
pub use dpop::{
    DpopAnswer, DpopDefect, DpopDefectId, DpopKey, DpopProof, ProofForger, dpop_defects,
    find_dpop_defect,
};
pub(crate) use encodings::PublicKeyEncoding;
pub use rows::{Forger, Row};

use crate::b64;
use crate::keys::SigningKey;
use crate::state::State;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512, RSA_PSS_SHA256, RSA_PSS_SHA384, RSA_PSS_SHA512, RsaEncoding,
};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Map, Value, json};
use std::sync::{Arc, OnceLock};

/// An RSA key the forge can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaKey {
    /// The tenant's current signing key.
    Tenant,
    /// A second tenant's key (`fixtures`: `test-only-rsa2048-other-tenant.pem`).
    OtherTenant,
    /// An attacker's key (`fixtures`: `test-only-rsa2048-attacker.pem`).
    Attacker,
    /// The key the `enc_key` JWKS fault publishes with `"use":"enc"`.
    Enc,
}

/// How the signature part is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// RSASSA-PKCS1-v1_5 with SHA-256, 384 or 512 (`bits`), as RS256/RS384/RS512 do.
    Rsa {
        /// Which key.
        key: RsaKey,
        /// 256, 384 or 512.
        bits: u16,
    },
    /// RSASSA-PSS with SHA-256, 384 or 512, as PS256/PS384/PS512 do.
    RsaPss {
        /// Which key.
        key: RsaKey,
        /// 256, 384 or 512.
        bits: u16,
    },
    /// HMAC with SHA-256, 384 or 512 and this secret, as HS256/HS384/HS512 do.
    Hmac {
        /// 256, 384 or 512.
        bits: u16,
        /// The secret.
        secret: Vec<u8>,
    },
    /// ECDSA P-256 (ES256) with the attacker's EC key (`fixtures`: `test-only-ec-p256.pem`).
    Es256Attacker,
    /// No signature at all: the token ends with `.`.
    Empty,
}

/// One key of the tenant's JWKS.
#[derive(Debug, Clone)]
pub struct PublishedKey {
    /// Its `kid`.
    pub kid: String,
    /// `current` (signs), `next` (published ahead of a rotation) or `previous`.
    pub status: &'static str,
    /// The JWK as the JWKS serves it.
    pub jwk: Value,
    /// The public key as a PEM `PUBLIC KEY`.
    pub public_pem: String,
}

impl Signer {
    /// Whether the signature takes fresh randomness each time: ECDSA's nonce and RSA-PSS's salt
    /// (aws-lc-rs offers no deterministic variant).
    pub fn is_randomized(&self) -> bool {
        matches!(self, Self::RsaPss { .. } | Self::Es256Attacker)
    }
}

/// The state of a tenant with this issuer, the quickstart tenant and the TEST-ONLY fixture keys.
fn offline_state(issuer: &str) -> State {
    State::new(
        issuer.to_owned(),
        crate::TenantConfig::quickstart(),
        crate::KeySource::Fixtures,
        crate::store::Store::memory(),
    )
}

/// Rewrites the finished compact token (for defects that break the serialization itself).
type Finish = Arc<dyn Fn(String) -> String + Send + Sync>;

/// A payload encoding other than UTF-8, with its byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf32Le,
}

/// A token for the tenant. Valid by default; each method changes exactly one thing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let tenant = mock_tenant::MockTenant::start().await;
/// let valid = tenant.token().scope("read:messages").sign();
/// let expired = tenant.token().expired(3600).sign();
/// let forged = tenant.token().defect("alg-none").sign();
/// assert_eq!(valid.split('.').count(), 3);
/// assert_ne!(valid, expired);
/// assert!(forged.ends_with('.'));
/// # }
/// ```
#[derive(Clone)]
#[must_use = "a token builder does nothing until `sign`"]
pub struct TokenBuilder {
    state: Arc<State>,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signer: Signer,
    raw_header: Option<Vec<u8>>,
    raw_payload: Option<Vec<u8>>,
    /// Encode the payload's JSON in UTF-16LE or UTF-32LE with a byte order mark, after the
    /// scope rename.
    wide_payload: Option<Wide>,
    raw_signature: Option<Vec<u8>>,
    attacker: String,
    finish: Vec<Finish>,
    scope_name: Option<String>,
    /// Whether a recipe drew fresh randomness (a JWE's key and IV): see [`TokenBuilder::is_randomized`].
    randomized: bool,
}

/// `payload` with `read:messages` written as `scope` (JSON-escaped) and `READ:MESSAGES` as its
/// upper case.
fn rename_scope(payload: &[u8], scope: &str) -> Vec<u8> {
    // Deliberately broken UTF-8 (the json-bad defects) stays as it is.
    let Ok(text) = std::str::from_utf8(payload) else {
        return payload.to_vec();
    };
    let escaped = serde_json::to_string(scope).expect("a string serializes");
    let escaped = &escaped[1..escaped.len() - 1];
    text.replace("read:messages", escaped)
        .replace("READ:MESSAGES", &escaped.to_uppercase())
        .into_bytes()
}

impl std::fmt::Debug for TokenBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenBuilder")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

/// The client the forge's tokens are issued to (`azp`, and `sub` with `@clients`).
pub const FORGE_CLIENT_ID: &str = "mock-tenant-forge";

/// Where header URLs of `jku`/`x5u` defects point unless the caller names a host: a name that
/// never resolves, so an API that follows it fails rather than reaching anyone.
pub const DEFAULT_ATTACKER: &str = "https://attacker.invalid";

impl TokenBuilder {
    pub(crate) fn new(state: Arc<State>) -> Self {
        let now = state.now();
        let key = state.signing_key();
        let (audience, lifetime) = state.read(|s| {
            s.config
                .apis
                .first()
                .map(|a| (a.identifier.clone(), a.token_lifetime))
                .unwrap_or_else(|| (fixtures::QUICKSTART_AUDIENCE.to_owned(), 86_400))
        });
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": key.kid});
        // The valid token: what client_credentials issues the forge's client.
        let claims = crate::claims::AccessToken {
            subject: crate::claims::Subject::Client,
            issuer: &state.issuer,
            audience: json!(audience),
            issued_at: now,
            lifetime,
            client_id: FORGE_CLIENT_ID,
            scope: "read:messages",
            permissions: None,
            jkt: None,
            organization: None,
        }
        .claims();
        Self {
            state,
            header: object(header),
            claims,
            signer: Signer::Rsa {
                key: RsaKey::Tenant,
                bits: 256,
            },
            raw_header: None,
            raw_payload: None,
            wide_payload: None,
            raw_signature: None,
            attacker: DEFAULT_ATTACKER.to_owned(),
            finish: Vec::new(),
            scope_name: None,
            randomized: false,
        }
    }

    /// A builder for tokens of a tenant with this issuer and the TEST-ONLY fixture keys, without
    /// running one (what `mock-tenant mint` uses): such tokens verify against any running tenant
    /// that has the same issuer and fixtures.
    pub fn offline(issuer: &str) -> Self {
        Self::new(Arc::new(offline_state(issuer)))
    }

    /// [`TokenBuilder::offline`] with the clock standing still at `now` (UNIX seconds): the
    /// same arguments give the same token, byte for byte, unless it draws randomness
    /// ([`TokenBuilder::is_randomized`]).
    pub fn offline_at(issuer: &str, now: i64) -> Self {
        Self::new(Arc::new(offline_state(issuer).frozen_at(now)))
    }

    /// The tenant's published keys, in the JWKS's order (current, next, previous).
    pub fn published_keys(&self) -> Vec<PublishedKey> {
        self.state.read(|s| {
            let mut keys = vec![(s.keys.current(), "current"), (s.keys.next(), "next")];
            if let Some(previous) = s.keys.previous() {
                keys.push((previous, "previous"));
            }
            keys.into_iter()
                .map(|(key, status)| PublishedKey {
                    kid: key.kid.clone(),
                    status,
                    jwk: key.jwk().clone(),
                    public_pem: key.public_pem(),
                })
                .collect()
        })
    }

    /// Whether this token differs from one signing to the next: its signature draws fresh
    /// randomness (ECDSA, RSA-PSS), or its recipe does (a JWE's key and IV).
    pub fn is_randomized(&self) -> bool {
        self.randomized || (self.raw_signature.is_none() && self.signer.is_randomized())
    }

    /// Marks the token as drawing fresh randomness in its recipe.
    pub(crate) fn randomized(mut self) -> Self {
        self.randomized = true;
        self
    }

    /// Sets a claim (any JSON value).
    pub fn claim(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.claims.insert(name.to_owned(), value.into());
        self
    }

    /// Binds the token to a DPoP key: `cnf: {"jkt": <its thumbprint>}` (RFC 9449 §6).
    pub fn dpop_bound(self, key: &DpopKey) -> Self {
        self.claim("cnf", json!({"jkt": key.thumbprint()}))
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets the space-separated `scope` claim.
    pub fn scope(self, scope: &str) -> Self {
        self.claim("scope", scope)
    }

    /// Sets Auth0 RBAC's `permissions` array.
    pub fn permissions<S: AsRef<str>>(self, permissions: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<Value> = permissions.into_iter().map(|p| json!(p.as_ref())).collect();
        self.claim("permissions", list)
    }

    /// Sets `aud` (a string, an array, or any JSON value).
    pub fn audience(self, audience: impl Into<Value>) -> Self {
        self.claim("aud", audience)
    }

    /// Sets `iss`.
    pub fn issuer(self, issuer: &str) -> Self {
        self.claim("iss", issuer)
    }

    /// Sets `sub`.
    pub fn subject(self, subject: &str) -> Self {
        self.claim("sub", subject)
    }

    /// Sets `iat` to this Unix time.
    pub fn issued_at(self, unix: i64) -> Self {
        self.claim("iat", unix)
    }

    /// Sets `exp` to this Unix time.
    pub fn expires_at(self, unix: i64) -> Self {
        self.claim("exp", unix)
    }

    /// Sets `nbf` to this Unix time.
    pub fn not_before(self, unix: i64) -> Self {
        self.claim("nbf", unix)
    }

    /// Sets `exp` to `seconds` before the tenant's now.
    pub fn expired(self, seconds: i64) -> Self {
        let now = self.state.now();
        self.expires_at(now - seconds)
    }

    /// Sets a JOSE header field (any JSON value).
    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.header.insert(name.to_owned(), value.into());
        self
    }

    /// Removes a JOSE header field.
    pub fn without_header(mut self, name: &str) -> Self {
        self.header.remove(name);
        self
    }

    /// Sets the header's `kid`.
    pub fn kid(self, kid: &str) -> Self {
        self.header("kid", kid)
    }

    /// Sets the header's `typ`.
    pub fn typ(self, typ: &str) -> Self {
        self.header("typ", typ)
    }

    /// Sets the header's `alg` (the signature is still made by the [`Signer`]).
    pub fn alg(self, alg: &str) -> Self {
        self.header("alg", alg)
    }

    /// Chooses how the signature is made (key and algorithm), leaving the header alone.
    pub fn signer(mut self, signer: Signer) -> Self {
        self.signer = signer;
        self
    }

    /// Uses these exact bytes as the header (before base64url), instead of the header fields.
    pub fn raw_header(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.raw_header = Some(bytes.into());
        self
    }

    /// Encodes the payload's JSON in UTF-16LE with a byte order mark (RFC 8259 wants UTF-8).
    pub fn utf16_payload(mut self) -> Self {
        self.wide_payload = Some(Wide::Utf16Le);
        self
    }

    /// Encodes the payload's JSON in UTF-32LE with a byte order mark (RFC 8259 wants UTF-8).
    pub fn utf32_payload(mut self) -> Self {
        self.wide_payload = Some(Wide::Utf32Le);
        self
    }

    /// Uses these exact bytes as the payload (before base64url), instead of the claims.
    pub fn raw_payload(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.raw_payload = Some(bytes.into());
        self
    }

    /// Writes `scope` wherever the token says `read:messages` (and its upper case where it says
    /// `READ:MESSAGES`), defects included, for an API whose scoped endpoint needs another scope.
    /// Applied to the final payload bytes when signing.
    pub fn scope_name(mut self, scope: &str) -> Self {
        self.scope_name = Some(scope.to_owned());
        self
    }

    /// Uses these exact bytes as the signature (before base64url), instead of signing.
    pub fn raw_signature(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.raw_signature = Some(bytes.into());
        self
    }

    /// The base URL (`https://host:port`) that `jku`, `x5u` and callback defects point at.
    pub fn attacker(mut self, base_url: &str) -> Self {
        self.attacker = base_url.trim_end_matches('/').to_owned();
        self
    }

    /// Applies the named defect. Panics with the list of names if there is none by that name.
    pub fn defect(self, name: &str) -> Self {
        match self.try_defect(name) {
            Ok(builder) => builder,
            Err(e) => panic!("{e}"),
        }
    }

    /// Applies the named defect, or says there is none by that name.
    pub fn try_defect(self, name: &str) -> Result<Self, crate::Error> {
        Ok(self.with(name.parse()?))
    }

    /// Applies this defect.
    pub fn with(self, defect: DefectId) -> Self {
        (defect.defect().recipe)(self)
    }

    /// Sets (or, for `null`, removes) each claim and header field, as `POST /_mock/token` and
    /// `mock-tenant mint --claim` take them.
    pub fn overrides(mut self, claims: &Map<String, Value>, header: &Map<String, Value>) -> Self {
        for (name, value) in claims {
            self = match value {
                Value::Null => self.without_claim(name),
                v => self.claim(name, v.clone()),
            };
        }
        for (name, value) in header {
            self = match value {
                Value::Null => self.without_header(name),
                v => self.header(name, v.clone()),
            };
        }
        self
    }

    /// Rewrites the finished token (for defects that break the serialization itself).
    pub(crate) fn finish(mut self, f: impl Fn(String) -> String + Send + Sync + 'static) -> Self {
        self.finish.push(Arc::new(f));
        self
    }

    /// The claims as they stand.
    pub(crate) fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The tenant's now.
    pub(crate) fn now(&self) -> i64 {
        self.state.now()
    }

    pub(crate) fn issuer_str(&self) -> &str {
        &self.state.issuer
    }

    pub(crate) fn attacker_url(&self) -> &str {
        &self.attacker
    }

    pub(crate) fn next_kid(&self) -> String {
        self.state.read(|s| s.keys.next().kid.clone())
    }

    pub(crate) fn tenant_key(&self) -> Arc<SigningKey> {
        self.state.signing_key()
    }

    /// A client secret of the tenant, for the weak-HMAC defect.
    pub(crate) fn some_client_secret(&self) -> String {
        self.state.read(|s| {
            s.config
                .clients
                .first()
                .map_or_else(|| "secret".to_owned(), |c| c.client_secret.clone())
        })
    }

    /// The compact token.
    pub fn sign(&self) -> String {
        let header = self
            .raw_header
            .clone()
            .unwrap_or_else(|| Value::Object(self.header.clone()).to_string().into_bytes());
        let mut payload = self
            .raw_payload
            .clone()
            .unwrap_or_else(|| Value::Object(self.claims.clone()).to_string().into_bytes());
        if let Some(scope) = &self.scope_name {
            payload = rename_scope(&payload, scope);
        }
        if let Some(wide) = self.wide_payload {
            let text = String::from_utf8_lossy(&payload).into_owned();
            payload = match wide {
                Wide::Utf16Le => [0xff, 0xfe]
                    .into_iter()
                    .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect(),
                Wide::Utf32Le => [0xff, 0xfe, 0, 0]
                    .into_iter()
                    .chain(text.chars().flat_map(|c| u32::from(c).to_le_bytes()))
                    .collect(),
            };
        }
        let input = format!("{}.{}", b64::url(header), b64::url(payload));
        let signature = match &self.raw_signature {
            Some(raw) => raw.clone(),
            None => self.signature(input.as_bytes()),
        };
        let mut token = format!("{input}.{}", b64::url(signature));
        for f in &self.finish {
            token = f(token);
        }
        token
    }

    fn signature(&self, input: &[u8]) -> Vec<u8> {
        match &self.signer {
            Signer::Empty => Vec::new(),
            Signer::Rsa { key, bits } => {
                let scheme: &'static dyn RsaEncoding = match bits {
                    384 => &RSA_PKCS1_SHA384,
                    512 => &RSA_PKCS1_SHA512,
                    _ => &RSA_PKCS1_SHA256,
                };
                self.rsa_key(*key).sign_with(scheme, input)
            }
            Signer::RsaPss { key, bits } => {
                let scheme: &'static dyn RsaEncoding = match bits {
                    384 => &RSA_PSS_SHA384,
                    512 => &RSA_PSS_SHA512,
                    _ => &RSA_PSS_SHA256,
                };
                self.rsa_key(*key).sign_with(scheme, input)
            }
            Signer::Hmac { bits, secret } => {
                let algorithm = match bits {
                    384 => aws_lc_rs::hmac::HMAC_SHA384,
                    512 => aws_lc_rs::hmac::HMAC_SHA512,
                    _ => aws_lc_rs::hmac::HMAC_SHA256,
                };
                let key = aws_lc_rs::hmac::Key::new(algorithm, secret);
                aws_lc_rs::hmac::sign(&key, input).as_ref().to_vec()
            }
            Signer::Es256Attacker => attacker_ec()
                .sign(&SystemRandom::new(), input)
                .expect("ECDSA signing")
                .as_ref()
                .to_vec(),
        }
    }

    fn rsa_key(&self, key: RsaKey) -> Arc<SigningKey> {
        match key {
            RsaKey::Tenant => self.state.signing_key(),
            RsaKey::OtherTenant => other_tenant_key().clone(),
            RsaKey::Attacker => attacker_key().clone(),
            RsaKey::Enc => enc_key().clone(),
        }
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The second tenant's key, with its own `kid` and `x5c` (CN `other-tenant.example.com`).
pub(crate) fn other_tenant_key() -> &'static Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        Arc::new(
            SigningKey::from_pem(
                fixtures::keys::TEST_ONLY_OTHER_TENANT_RSA2048,
                None,
                "other-tenant.example.com",
            )
            .expect("fixture key"),
        )
    })
}

/// The attacker's RSA key (`x5c` CN `attacker.invalid`).
pub(crate) fn attacker_key() -> &'static Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        Arc::new(
            SigningKey::from_pem(
                fixtures::keys::TEST_ONLY_ATTACKER_RSA2048,
                None,
                "attacker.invalid",
            )
            .expect("fixture key"),
        )
    })
}

/// The key published with `"use":"enc"` by the `enc_key` fault, under that fault's `kid`.
pub(crate) fn enc_key() -> &'static Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        let kid = crate::BadKey::Enc.jwk()["kid"].as_str().map(str::to_owned);
        Arc::new(
            SigningKey::from_pem(
                fixtures::keys::TEST_ONLY_ENC_RSA2048,
                kid,
                "attacker.invalid",
            )
            .expect("fixture key"),
        )
    })
}

/// The attacker's EC P-256 key.
pub(crate) fn attacker_ec() -> &'static EcdsaKeyPair {
    static KEY: OnceLock<EcdsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| {
        let der = PrivatePkcs8KeyDer::from_pem_slice(fixtures::keys::TEST_ONLY_EC_P256.as_bytes())
            .expect("fixture EC key is PKCS#8 PEM");
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.secret_pkcs8_der())
            .expect("fixture EC key loads")
    })
}
