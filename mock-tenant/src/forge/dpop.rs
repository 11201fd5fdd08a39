//! DPoP proofs from the forge (RFC 9449 §4): a builder whose every method changes one thing,
//! and named proof defects, each breaking one check an API (or the tenant) must make. The key
//! is a client's: the TEST-ONLY fixture P-256 key, or a fresh one.

use crate::b64;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// A client's DPoP key pair (P-256, ES256).
#[derive(Clone)]
pub struct DpopKey {
    pair: Arc<EcdsaKeyPair>,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DpopKey({})", self.thumbprint())
    }
}

impl DpopKey {
    /// The TEST-ONLY fixture key (`fixtures/keys/test-only-ec-p256-dpop.pem`): the same
    /// thumbprint on every machine, so snapshots stay stable.
    pub fn fixture() -> Self {
        let der =
            PrivatePkcs8KeyDer::from_pem_slice(fixtures::keys::TEST_ONLY_DPOP_EC_P256.as_bytes())
                .expect("the fixture DPoP key is PKCS#8 PEM");
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.secret_pkcs8_der())
                .expect("the fixture DPoP key is a P-256 key");
        Self {
            pair: Arc::new(pair),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .expect("generating a P-256 key");
        Self {
            pair: Arc::new(pair),
        }
    }

    /// The public JWK: `kty`, `crv`, `x`, `y`.
    pub fn jwk(&self) -> Value {
        let point = self.pair.public_key().as_ref(); // 0x04 || x || y
        json!({"kty": "EC", "crv": "P-256", "x": b64::url(&point[1..33]), "y": b64::url(&point[33..65])})
    }

    /// The RFC 7638 thumbprint: what a token bound to this key carries in `cnf.jkt`.
    pub fn thumbprint(&self) -> String {
        crate::dpop::thumbprint(&self.jwk()).expect("a P-256 JWK has a thumbprint")
    }

    fn sign(&self, input: &[u8]) -> Vec<u8> {
        self.pair
            .sign(&SystemRandom::new(), input)
            .expect("signing with a P-256 key")
            .as_ref()
            .to_vec()
    }
}

/// A DPoP proof under construction: valid for `htm` and `htu` until a method changes it.
///
/// ```
/// use mock_tenant::forge::{DpopKey, DpopProof};
/// let key = DpopKey::fixture();
/// let proof = DpopProof::new(&key, "GET", "https://api.example/api/private")
///     .ath("the-access-token")
///     .sign();
/// assert_eq!(proof.split('.').count(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct DpopProof {
    key: DpopKey,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    /// Signs with this key instead (the header still names `key`).
    signer: Option<DpopKey>,
    /// The whole proof, replaced after signing.
    finish: Option<fn(String) -> String>,
}

impl DpopProof {
    /// A valid proof for a request: `typ: dpop+jwt`, `alg: ES256`, the key's public `jwk`, a
    /// fresh `jti`, `htm`, `htu` (without query or fragment, as RFC 9449 §4.2 asks) and `iat`
    /// now.
    pub fn new(key: &DpopKey, htm: &str, htu: &str) -> Self {
        let mut header = Map::new();
        header.insert("typ".into(), json!("dpop+jwt"));
        header.insert("alg".into(), json!("ES256"));
        header.insert("jwk".into(), key.jwk());
        let mut claims = Map::new();
        claims.insert("jti".into(), json!(random_jti()));
        claims.insert("htm".into(), json!(htm));
        let htu = htu.split(['?', '#']).next().unwrap_or(htu);
        claims.insert("htu".into(), json!(htu));
        claims.insert("iat".into(), json!(now()));
        Self {
            key: key.clone(),
            header,
            claims,
            signer: None,
            finish: None,
        }
    }

    /// `htm`: the request's method.
    pub fn htm(self, method: &str) -> Self {
        self.claim("htm", method)
    }

    /// `htu`: the request's URL, kept exactly as given (a query or fragment too).
    pub fn htu(self, url: &str) -> Self {
        self.claim("htu", url)
    }

    /// `ath`: the hash of the access token this proof goes with (at a resource server).
    pub fn ath(self, access_token: &str) -> Self {
        let hash = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, access_token.as_bytes());
        self.claim("ath", b64::url(hash.as_ref()))
    }

    /// `nonce`, the server's.
    pub fn nonce(self, nonce: &str) -> Self {
        self.claim("nonce", nonce)
    }

    /// Sets a claim (`null` writes JSON null; see [`without_claim`](Self::without_claim)).
    pub fn claim(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.claims.insert(name.to_owned(), value.into());
        self
    }

    /// Removes a claim.
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets a header field.
    pub fn header(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.header.insert(name.to_owned(), value.into());
        self
    }

    /// Removes a header field.
    pub fn without_header(mut self, name: &str) -> Self {
        self.header.remove(name);
        self
    }

    /// Signs with `other` while the header keeps naming this proof's key.
    pub fn signed_by(mut self, other: &DpopKey) -> Self {
        self.signer = Some(other.clone());
        self
    }

    /// Applies the named proof defect ([`dpop_defects`]); panics on an unknown name.
    pub fn defect(self, name: &str) -> Self {
        let defect = find_dpop_defect(name).unwrap_or_else(|| panic!("no DPoP defect {name:?}"));
        (defect.recipe)(self)
    }

    /// Applies this proof defect.
    pub fn with(self, defect: DpopDefectId) -> Self {
        (defect.defect().recipe)(self)
    }

    /// The proof, `header.payload.signature`.
    pub fn sign(&self) -> String {
        let input = format!(
            "{}.{}",
            b64::url(Value::Object(self.header.clone()).to_string()),
            b64::url(Value::Object(self.claims.clone()).to_string())
        );
        let signature = self
            .signer
            .as_ref()
            .unwrap_or(&self.key)
            .sign(input.as_bytes());
        let proof = format!("{input}.{}", b64::url(signature));
        match self.finish {
            Some(f) => f(proof),
            None => proof,
        }
    }

    fn htu_text(&self) -> String {
        self.claims["htu"].as_str().unwrap_or("").to_owned()
    }

    fn finish(mut self, f: fn(String) -> String) -> Self {
        self.finish = Some(f);
        self
    }
}

/// What a correct verifier answers to a proof defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DpopAnswer {
    /// Refused: 401 `invalid_dpop_proof` (an API) or 400 (the tenant).
    Refuse,
    /// A legal variant: accepted.
    Accept,
}

/// Who could send a proof with this defect along with a stolen bound token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofForger {
    /// Anyone who captured the token and one proof: the proof is replayed for another request,
    /// time or token, or made without the key.
    Anyone,
    /// Only the holder of the private key: a proof it signed, odd in form.
    KeyHolder,
}

/// One named DPoP proof defect.
#[derive(Clone, Copy)]
pub struct DpopDefect {
    /// The defect as a type.
    pub id: DpopDefectId,
    /// The name, starting with `dpop-`.
    pub name: &'static str,
    /// Who could send it.
    pub forger: ProofForger,
    /// One line: what it is.
    pub about: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What a correct verifier answers.
    pub answer: DpopAnswer,
    recipe: fn(DpopProof) -> DpopProof,
}

impl std::fmt::Debug for DpopDefect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopDefect")
            .field("name", &self.name)
            .field("answer", &self.answer)
            .finish_non_exhaustive()
    }
}

/// Every DPoP proof defect. Those that need a request of their own (a replayed `jti`, two
/// `DPoP` headers, a bound token sent as `Bearer`, a stale nonce) are the suite's to send.
pub fn dpop_defects() -> &'static [DpopDefect] {
    DPOP_DEFECTS
}

/// The DPoP proof defect with this name.
pub fn find_dpop_defect(name: &str) -> Option<&'static DpopDefect> {
    DPOP_DEFECTS.iter().find(|d| d.name == name)
}

use DpopAnswer::{Accept, Refuse};

/// `htu` with its host, port or scheme changed, or with a query.
fn moved(p: DpopProof, f: fn(&str) -> String) -> DpopProof {
    let htu = f(&p.htu_text());
    p.claim("htu", htu)
}

/// One row: `dpop_defect!(Variant, "name", who can make it, answer, "source", "about", recipe)`.
macro_rules! dpop_defect {
    ($id:ident, $name:literal, $forger:ident, $answer:expr, $source:literal, $about:literal, $recipe:expr) => {
        DpopDefect {
            id: DpopDefectId::$id,
            name: $name,
            forger: ProofForger::$forger,
            about: $about,
            source: $source,
            answer: $answer,
            recipe: $recipe,
        }
    };
}

/// The table: generates [`DpopDefectId`], one variant per row in the same order, and the rows.
macro_rules! dpop_defects {
    ($(dpop_defect!($id:ident, $name:literal, $($rest:tt)*)),* $(,)?) => {
        /// A DPoP proof defect as a type: one variant per row of the table, in its order. Its
        /// name (`dpop-alg-none`) is what the `/_mock/` wire and the reports carry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DpopDefectId {
            $(
                #[doc = concat!("`", $name, "`.")]
                $id,
            )*
        }

        impl DpopDefectId {
            /// Every proof defect, in table order.
            pub const ALL: &'static [DpopDefectId] = &[$(DpopDefectId::$id),*];

            /// The defect's name, e.g. `dpop-alg-none`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(DpopDefectId::$id => $name,)*
                }
            }

            /// The defect's row of the table.
            pub fn defect(self) -> &'static DpopDefect {
                &DPOP_DEFECTS[self as usize]
            }
        }

        /// Serialized as its name, as the `/_mock/` wire and the reports spell it.
        impl serde::Serialize for DpopDefectId {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl std::fmt::Display for DpopDefectId {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        static DPOP_DEFECTS: &[DpopDefect] = &[$(dpop_defect!($id, $name, $($rest)*)),*];
    };
}

dpop_defects! {
    dpop_defect!(DpopTypMissing, "dpop-typ-missing", KeyHolder, Refuse, "RFC 9449 §4.3 (2)", "no `typ` in the proof header", |p| p.without_header("typ")),
    dpop_defect!(DpopTypJwt, "dpop-typ-jwt", KeyHolder, Refuse, "RFC 9449 §4.3 (2)", "`typ: JWT` instead of `dpop+jwt`", |p| p.header("typ", "JWT")),
    dpop_defect!(DpopAlgNone, "dpop-alg-none", Anyone, Refuse, "RFC 9449 §4.3 (4)", "`alg: none` and no signature", |p| p.header("alg", "none").finish(|t| format!("{}.", &t[..t.rfind('.').unwrap_or(t.len())]))),
    dpop_defect!(DpopAlgHs256, "dpop-alg-hs256", Anyone, Refuse, "RFC 9449 §4.3 (4)", "`alg: HS256`: a symmetric algorithm", |p| p.header("alg", "HS256")),
    dpop_defect!(DpopAlgEs512, "dpop-alg-es512", KeyHolder, Refuse, "RFC 9449 §4.3 (4)", "`alg: ES512`: an algorithm the key and the allow-list do not have", |p| p.header("alg", "ES512")),
    dpop_defect!(DpopJwkPrivate, "dpop-jwk-private", KeyHolder, Refuse, "RFC 9449 §4.3 (5)", "the `jwk` carries the private `d`", |p| { let mut jwk = p.key.jwk(); jwk["d"] = json!(b64::url([7u8; 32])); p.header("jwk", jwk) }),
    dpop_defect!(DpopJwkMismatch, "dpop-jwk-mismatch", Anyone, Refuse, "RFC 9449 §4.3 (6)", "signed by another key than the `jwk` names", |p| p.signed_by(&DpopKey::generate())),
    dpop_defect!(DpopJwkMissing, "dpop-jwk-missing", Anyone, Refuse, "RFC 9449 §4.2", "no `jwk` in the header", |p| p.without_header("jwk")),
    dpop_defect!(DpopHtmMismatch, "dpop-htm-mismatch", Anyone, Refuse, "RFC 9449 §4.3 (8)", "`htm` names another method", |p| { let other = if p.claims["htm"] == "GET" { "POST" } else { "GET" }; p.claim("htm", other) }),
    dpop_defect!(DpopHtuPath, "dpop-htu-path", Anyone, Refuse, "RFC 9449 §4.3 (9)", "`htu` names another path", |p| moved(p, |u| format!("{u}-other"))),
    dpop_defect!(DpopHtuHost, "dpop-htu-host", Anyone, Refuse, "RFC 9449 §4.3 (9)", "`htu` names another host", |p| moved(p, |u| { let (scheme, rest) = u.split_once("://").unwrap_or(("https", u)); let path = rest.find('/').map_or("", |i| &rest[i..]); format!("{scheme}://evil.example{path}") })),
    dpop_defect!(DpopHtuPort, "dpop-htu-port", Anyone, Refuse, "RFC 9449 §4.3 (9)", "`htu` names another port", |p| moved(p, |u| { let (scheme, rest) = u.split_once("://").unwrap_or(("https", u)); let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len())); let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h); format!("{scheme}://{host}:1{path}") })),
    dpop_defect!(DpopHtuScheme, "dpop-htu-scheme", Anyone, Refuse, "RFC 9449 §4.3 (9)", "`htu` over the other scheme (http for https)", |p| moved(p, |u| if let Some(rest) = u.strip_prefix("https://") { format!("http://{rest}") } else { u.replacen("http://", "https://", 1) })),
    dpop_defect!(DpopHtuQuery, "dpop-htu-query", KeyHolder, Accept, "RFC 9449 §4.3 (9)", "`htu` with a query: ignored when comparing, so still valid", |p| moved(p, |u| format!("{u}?page=1"))),
    dpop_defect!(DpopHtuFragment, "dpop-htu-fragment", KeyHolder, Accept, "RFC 9449 §4.3 (9)", "`htu` with a fragment: ignored when comparing, so still valid", |p| moved(p, |u| format!("{u}#top"))),
    dpop_defect!(DpopIatOld, "dpop-iat-old", Anyone, Refuse, "RFC 9449 §4.3 (11)", "`iat` an hour ago", |p| p.claim("iat", now() - 3600)),
    dpop_defect!(DpopIatFuture, "dpop-iat-future", Anyone, Refuse, "RFC 9449 §4.3 (11)", "`iat` an hour ahead", |p| p.claim("iat", now() + 3600)),
    dpop_defect!(DpopIatString, "dpop-iat-string", KeyHolder, Refuse, "RFC 9449 §4.2; RFC 7519 §2", "`iat` as a string", |p| p.claim("iat", now().to_string())),
    dpop_defect!(DpopJtiMissing, "dpop-jti-missing", KeyHolder, Refuse, "RFC 9449 §4.2", "no `jti`", |p| p.without_claim("jti")),
    dpop_defect!(DpopAthMissing, "dpop-ath-missing", KeyHolder, Refuse, "RFC 9449 §4.3 (12)", "no `ath` at a resource", |p| p.without_claim("ath")),
    dpop_defect!(DpopAthWrong, "dpop-ath-wrong", Anyone, Refuse, "RFC 9449 §4.3 (12)", "`ath` of another access token", |p| p.ath("another-access-token")),
    dpop_defect!(DpopNotJwt, "dpop-not-jwt", Anyone, Refuse, "RFC 9449 §4.3 (1)", "a proof that is not a JWT", |p| p.finish(|_| "not-a-jwt".to_owned())),
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn random_jti() -> String {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system random source works");
    b64::url(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dpop::{Refusal, Request, check};

    fn request<'a>(url: &'a str, token: Option<&'a str>) -> Request<'a> {
        Request {
            method: "GET",
            url,
            now: now(),
            nonce: None,
            access_token: token,
        }
    }

    /// The tenant's own proof check is the correct verifier here: every defect gets the
    /// answer it declares, and the valid proof passes with the key's thumbprint.
    #[test]
    fn each_defect_gets_its_declared_answer_from_a_correct_check() {
        let key = DpopKey::fixture();
        let url = "https://api.example:8443/api/private";
        let valid = DpopProof::new(&key, "GET", url).ath("token");
        let proof = check(&valid.sign(), &request(url, Some("token"))).unwrap();
        assert_eq!(proof.jkt, key.thumbprint());
        for defect in dpop_defects() {
            let signed = valid.clone().defect(defect.name).sign();
            let got = check(&signed, &request(url, Some("token")));
            match defect.answer {
                DpopAnswer::Accept => assert!(got.is_ok(), "{}: {got:?}", defect.name),
                DpopAnswer::Refuse => assert!(
                    matches!(got, Err(Refusal::Invalid(_))),
                    "{}: {got:?}",
                    defect.name
                ),
            }
        }
    }

    #[test]
    fn the_fixture_key_is_stable_and_a_fresh_one_differs() {
        assert_eq!(
            DpopKey::fixture().thumbprint(),
            DpopKey::fixture().thumbprint()
        );
        assert_ne!(
            DpopKey::generate().thumbprint(),
            DpopKey::fixture().thumbprint()
        );
        for (i, defect) in dpop_defects().iter().enumerate() {
            assert_eq!(defect.id as usize, i, "{}", defect.name);
            assert_eq!(defect.id.name(), defect.name);
        }
        let names: std::collections::BTreeSet<_> = dpop_defects().iter().map(|d| d.name).collect();
        assert_eq!(names.len(), dpop_defects().len(), "unique names");
        assert!(names.iter().all(|n| n.starts_with("dpop-")));
    }
}
