//! Every case, as one table: the request-shape and JWKS rows written here, and one row per named
//! defect of the forge (whose table says what each breaks and what a correct API answers).

use crate::case::{
    Case, Category, DpopCase, Endpoint, Expect, IssuerCase, JwksOp, Knob, LoginTokens, Policy,
    PostCheck, Recipe, ResponseCheck, Severity, Threat, Transport,
};
use crate::profile::Profile;
use mock_tenant::{Answer, Defect, DpopAnswer, Forger, Row, TokenBuilder, defects, dpop_defects};

use Category::*;
use Severity::*;

/// A request-shape row: (id, category, severity, catalogue row, about, endpoint, header values,
/// expect, who could send it).
type RequestRow = (
    &'static str,
    Category,
    Severity,
    &'static str,
    &'static str,
    Endpoint,
    fn(&str) -> Vec<String>,
    Expect,
    Threat,
);

#[rustfmt::skip] // one row per line reads as the table it is
const REQUESTS: &[RequestRow] = &[
    ("hdr-absent", Hdr, Critical, "hdr-absent", "no Authorization header", Endpoint::Private, |_| vec![], Expect::Challenge, Threat::Anyone),
    ("hdr-absent-scoped", Hdr, Critical, "hdr-absent", "no Authorization header on the scoped endpoint", Endpoint::Scoped, |_| vec![], Expect::Challenge, Threat::Anyone),
    ("public-open", Hdr, Info, "public-open", "/api/public with no token", Endpoint::Public, |_| vec![], Expect::Ok, Threat::Anyone),
    ("public-open-garbage", Hdr, Info, "public-open", "/api/public with `Bearer garbage`: a public endpoint ignores tokens", Endpoint::Public, |_| vec!["Bearer garbage".into()], Expect::Ok, Threat::Anyone),
    ("valid", Hdr, Critical, "baseline", "the valid token (T0)", Endpoint::Private, |t| vec![format!("Bearer {t}")], Expect::Ok, Threat::Client),
    ("valid-scoped", Scope, Critical, "baseline", "the valid token with read:messages on the scoped endpoint", Endpoint::Scoped, |t| vec![format!("Bearer {t}")], Expect::Ok, Threat::Client),
    ("scheme-case-lower", Hdr, Info, "scheme-case", "`bearer T0`: schemes are case-insensitive (RFC 9110 §11.1)", Endpoint::Private, |t| vec![format!("bearer {t}")], Expect::Ok, Threat::Client),
    ("scheme-case-upper", Hdr, Info, "scheme-case", "`BEARER T0`", Endpoint::Private, |t| vec![format!("BEARER {t}")], Expect::Ok, Threat::Client),
    ("scheme-case-mixed", Hdr, Info, "scheme-case", "`bEaReR T0`", Endpoint::Private, |t| vec![format!("bEaReR {t}")], Expect::Ok, Threat::Client),
    ("scheme-other-basic", Hdr, Critical, "scheme-other", "`Basic dXNlcjpwYXNz`", Endpoint::Private, |_| vec!["Basic dXNlcjpwYXNz".into()], Expect::Challenge, Threat::Anyone),
    ("scheme-other-token", Hdr, Critical, "scheme-other", "`Token T0`", Endpoint::Private, |t| vec![format!("Token {t}")], Expect::Challenge, Threat::Client),
    ("scheme-other-jwt", Hdr, Critical, "scheme-other", "`JWT T0`", Endpoint::Private, |t| vec![format!("JWT {t}")], Expect::Challenge, Threat::Client),
    ("scheme-other-dpop", Hdr, Critical, "scheme-other", "`DPoP T0` with no proof", Endpoint::Private, |t| vec![format!("DPoP {t}")], Expect::Challenge, Threat::Client),
    ("bearer-empty", Hdr, Critical, "bearer-empty", "`Bearer`", Endpoint::Private, |_| vec!["Bearer".into()], Expect::Malformed, Threat::Anyone),
    ("bearer-empty-space", Hdr, Critical, "bearer-empty", "`Bearer ` (trailing space)", Endpoint::Private, |_| vec!["Bearer ".into()], Expect::Malformed, Threat::Anyone),
    ("bearer-extra-words", Hdr, Critical, "bearer-extra", "`Bearer invalidToken abc`", Endpoint::Private, |_| vec!["Bearer invalidToken abc".into()], Expect::Malformed, Threat::Anyone),
    ("bearer-extra-after-token", Hdr, Critical, "bearer-extra", "`Bearer T0 x`", Endpoint::Private, |t| vec![format!("Bearer {t} x")], Expect::Malformed, Threat::Client),
    ("ws-variants-two-spaces", Hdr, Info, "ws-variants", "`Bearer  T0` (RFC 6750 allows 1*SP)", Endpoint::Private, |t| vec![format!("Bearer  {t}")], Expect::Tolerated, Threat::Client),
    ("ws-variants-tab", Hdr, Info, "ws-variants", "`Bearer<TAB>T0`", Endpoint::Private, |t| vec![format!("Bearer\t{t}")], Expect::Tolerated, Threat::Client),
    ("not-b64token-bang", Hdr, Critical, "not-b64token", "T0 with `!` inserted (not a b64token)", Endpoint::Private, |t| vec![format!("Bearer {}!{}", &t[..20], &t[20..])], Expect::Malformed, Threat::Client),
    ("not-b64token-comma", Hdr, Critical, "not-b64token", "T0 with `,` inserted", Endpoint::Private, |t| vec![format!("Bearer {}{}{}", &t[..20], ',', &t[20..])], Expect::Malformed, Threat::Client),
    ("not-b64token-quoted", Hdr, Critical, "not-b64token", "T0 in double quotes", Endpoint::Private, |t| vec![format!("Bearer \"{t}\"")], Expect::Malformed, Threat::Client),
    ("multi-authz-valid-first", Hdr, Medium, "multi-authz", "two Authorization headers: T0, then garbage", Endpoint::Private, |t| vec![format!("Bearer {t}"), "Bearer garbage".into()], Expect::Malformed, Threat::Client),
    ("multi-authz-valid-last", Hdr, Medium, "multi-authz", "two Authorization headers: garbage, then T0", Endpoint::Private, |t| vec!["Bearer garbage".into(), format!("Bearer {t}")], Expect::Malformed, Threat::Client),
    ("multi-authz-one-header", Hdr, Medium, "multi-authz", "`Bearer T0, Bearer x` in one header", Endpoint::Private, |t| vec![format!("Bearer {t}, Bearer x")], Expect::Malformed, Threat::Client),
    ("oversize-16k", Dos, Medium, "oversize", "a 16 KiB Authorization header", Endpoint::Private, |_| vec![format!("Bearer {}", "a".repeat(16 * 1024))], Expect::ClientError, Threat::Anyone),
    ("oversize-64k", Dos, Medium, "oversize", "a 64 KiB Authorization header", Endpoint::Private, |_| vec![format!("Bearer {}", "a".repeat(64 * 1024))], Expect::ClientError, Threat::Anyone),
];

/// A raw row: (id, catalogue row, about, header values given T0, expect, who could send it).
type RawRow = (
    &'static str,
    &'static str,
    &'static str,
    fn(&str) -> Vec<Vec<u8>>,
    Expect,
    Threat,
);

/// Rows with bytes no HTTP library sends. A form feed before a valid token is odd but not an
/// attack: accepting it is reported, not failed.
#[rustfmt::skip]
const RAW: &[RawRow] = &[
    ("ws-exotic-vt", "ws-exotic", "an Authorization value that is only a vertical tab (0x0B)", |_| vec![b"\x0b".to_vec()], Expect::Malformed, Threat::Anyone),
    ("ws-exotic-ff", "ws-exotic", "`Bearer<FF>T0`: a form feed (0x0C) where the space goes", |t| vec![[b"Bearer\x0c".as_slice(), t.as_bytes()].concat()], Expect::Discouraged, Threat::Client),
    ("nul-after-token", "nul-bytes", "`Bearer T0<NUL>`: a NUL after the last segment (RFC 9110 §5.5: reject, or read it as a space)", |t| vec![[b"Bearer ".as_slice(), t.as_bytes(), b"\x00"].concat()], Expect::Discouraged, Threat::Client),
    ("nul-inside-token", "nul-bytes", "T0 with a NUL after its header segment: a C string ends there", |t| { let (header, rest) = t.split_at(t.find('.').unwrap_or(t.len())); vec![[b"Bearer ".as_slice(), header.as_bytes(), b"\x00", rest.as_bytes()].concat()] }, Expect::Discouraged, Threat::Client),
];

#[rustfmt::skip]
const TRANSPORTS: &[(&str, &str, Transport, Expect)] = &[
    ("alt-transport-query", "T0 as `?access_token=` and no header (RFC 6750 §2.3)", Transport::Query, Expect::HeaderOnly),
    ("alt-transport-form", "T0 in a POST form body and no header (RFC 6750 §2.2)", Transport::Form, Expect::HeaderOnly),
    ("alt-transport-cookie", "T0 in a cookie and no header", Transport::Cookie, Expect::HeaderOnly),
    ("two-methods", "T0 in the header and in `?access_token=` (RFC 6750 §2: one method only)", Transport::HeaderAndQuery, Expect::Tolerated),
];

/// A JWKS row: (id, severity, catalogue row, about, scenario, who could send its tokens). The
/// scenario owns its expectation ([`JwksOp::expect`]).
type JwksRow = (
    &'static str,
    Severity,
    &'static str,
    &'static str,
    JwksOp,
    Threat,
);

#[rustfmt::skip]
const JWKS: &[JwksRow] = &[
    ("jwks-down-cold", Critical, "jwks-down-cold", "the JWKS answers 503 before the API's first fetch: fail closed, then recover", JwksOp::DownCold, Threat::Client),
    ("jwks-down-warm", Medium, "jwks-down-warm", "the JWKS answers 503 after the API cached it: T0 still passes, a forged token under a new kid does not", JwksOp::DownWarm, Threat::Anyone),
    ("jwks-slow", Medium, "jwks-slow", "the JWKS answers after 10 s: the API gives up within its own timeout, 401 or 503", JwksOp::Slow, Threat::Anyone),
    ("jwks-junk", Medium, "jwks-junk", "the JWKS serves junk (HTML, bad JSON, no keys, an oct key): never 2xx, never 5xx", JwksOp::Junk, Threat::Anyone),
    ("jwks-poisoned", High, "jwks-junk", "`use: enc` and EC keys published and signing tokens: never used", JwksOp::PoisonedKey, Threat::Issuer),
    ("jwks-storm", Medium, "jwks-storm", "100 random kids and 100 garbage tokens: at most one JWKS fetch per declared cooldown", JwksOp::Storm, Threat::Anyone),
    ("rot-add", High, "rot-add", "a key the API never saw signs (two rotations): accepted within the declared cooldown", JwksOp::RotateAdd, Threat::Issuer),
    ("jwks-odd-keys", Medium, "jwks-odd-keys", "two rotations, and the key set also holds an `AKP` (ML-DSA-44) key, a made-up `kty` and an RSA key with a custom `use`: the new key is still accepted within the declared cooldown", JwksOp::OddKeys, Threat::Issuer),
    ("jwks-no-alg", High, "jwks-no-alg", "two rotations, and the key set's keys carry no `alg`: the new key's RS256 token is accepted, HS256 tokens keyed with its public key (modulus, PEM, JWK text) are refused", JwksOp::NoAlg, Threat::Anyone),
    ("rot-lag", Medium, "rot-lag", "two rotations, but the API's next fetch gets the key set from before them: after its declared cooldown it fetches again and accepts the new key", JwksOp::RotateLag, Threat::Issuer),
    ("rot-remove", Medium, "rot-remove", "a kid new to this run is re-bound to a new key: the old token is refused within the declared cache lifetime", JwksOp::RotateRemove, Threat::Anyone),
    ("disc-mismatch", Medium, "disc-mismatch", "discovery names another issuer (OIDC Discovery §4.3) and a tenant-signed token carries it: the document must not be trusted", JwksOp::DiscoveryIssuerMismatch, Threat::Issuer),
];

/// A custom-domain row: (id, severity, about, what is sent, who could send it, the policy a
/// 2xx skips, the knob, why).
type IssuerRow = (
    &'static str,
    Severity,
    &'static str,
    IssuerCase,
    Threat,
    Option<Policy>,
    Option<Knob>,
    &'static str,
);

#[rustfmt::skip]
const CUSTOM_DOMAINS: &[IssuerRow] = &[
    ("iss-custom-domain", High, "a token of the tenant's custom domain (`iss` = `https://127.0.0.1:PORT/`, an issuer the tenant answers as too, same keys), signed by the tenant", IssuerCase::CustomDomain, Threat::Issuer, Some(Policy::Issuer), Some(Knob::CustomDomains), "Auth0 tenants answer on a custom domain and the canonical one, each its own issuer: an API configured for one must refuse the other (policy: iss) unless it allow-lists both (`--custom-domains`: Multiple Custom Domains, auth0-api-python `domains`), and then accept it"),
    ("iss-custom-domain-foreign-key", Critical, "a token of the tenant's custom domain signed by a key that is not the tenant's, under the tenant's `kid`", IssuerCase::CustomDomainForeignKey, Threat::Anyone, None, None, "an allowed issuer does not make any signature good: the keys are the tenant's, whichever of its domains the token names"),
    ("iss-host-spoof", Critical, "`iss-wrong-attacker-host`'s token (the attacker's issuer and key) with `Host` naming the attacker's host", IssuerCase::HostSpoof, Threat::Anyone, None, None, "an API that derives the issuer it trusts from the request's `Host` trusts whoever sends the request: it fetches the attacker's discovery and keys (the attacker host must see no request)"),
];

/// A DPoP row: (id, severity, catalogue row, about, what is sent, expect, who could send it,
/// why).
type DpopRow = (
    &'static str,
    Severity,
    &'static str,
    &'static str,
    DpopCase,
    Expect,
    Threat,
    &'static str,
);

/// Why a stolen token with a proof that breaks this rule is a stranger getting in.
const CAPTURED: &str = "whoever stole the bound token (and saw one proof, for another request or time) can send this: accepting it voids the binding DPoP exists for (RFC 9449 §11.1)";

#[rustfmt::skip]
const DPOP: &[DpopRow] = &[
    ("dpop-valid", Critical, "dpop", "the bound token (`cnf.jkt` of the suite's key) as `Authorization: DPoP`, with a fresh proof", DpopCase::Valid, Expect::Ok, Threat::Client, "the valid DPoP request: a refusal breaks every DPoP client"),
    ("dpop-proof-absent", Critical, "dpop", "the bound token as `Authorization: DPoP`, no `DPoP` header", DpopCase::NoProof, Expect::Malformed, Threat::Anyone, "a bound token without a proof is what a thief holds: RFC 9449 §7.1 needs the proof"),
    ("dpop-bearer-downgrade", Critical, "dpop", "the bound token as `Authorization: Bearer`, no proof", DpopCase::BearerDowngrade, Expect::Malformed, Threat::Anyone, "a bound token sent as a bearer token carries no proof: accepting it lets a thief in (RFC 9449 §7.2)"),
    ("dpop-key-other", Critical, "dpop", "a token bound to another key (`cnf.jkt`), with a valid proof of the suite's key", DpopCase::OtherKey, Expect::Invalid, Threat::Anyone, "a thief proves possession of their own key: the proof key must be the token's `cnf.jkt` (RFC 9449 §7.1)"),
    ("dpop-two-proofs", Low, "dpop", "two valid proofs in two `DPoP` headers", DpopCase::TwoProofs, Expect::Malformed, Threat::Client, "RFC 9449 §4.3 (1): one `DPoP` header; only the key holder can make two valid proofs, so accepting is `warn strict`"),
    ("dpop-replay", Medium, "dpop", "the same valid proof twice: the second answer is judged", DpopCase::Replay, Expect::Discouraged, Threat::Anyone, "RFC 9449 §11.1 leaves the replay cache to the server, and neither Auth0 SDK keeps one: a replay accepted within the proof's lifetime is a warning"),
    ("dpop-unbound", Medium, "dpop", "an unbound token (no `cnf`) as `Authorization: DPoP`, with a valid proof", DpopCase::Unbound, Expect::Invalid, Threat::Client, "the DPoP scheme is for bound tokens (RFC 9449 §7.1); under `required` an unbound token skips the binding the API demands, under `optional` its holder could send it as Bearer anyway (`warn strict`)"),
    ("dpop-bearer-unbound", High, "dpop", "an unbound token as `Authorization: Bearer`", DpopCase::BearerUnbound, Expect::Malformed, Threat::Client, "under `required` a bearer token skips the binding the API demands; under `optional` it is the plain valid request"),
    ("dpop-host-injection", High, "dpop", "a proof for `/admin` on the API, replayed to `/api/private` with `Host: <authority>/admin#`: the URL a server builds from Host ends in a fragment", DpopCase::HostInjection, Expect::Malformed, Threat::Anyone, "a Host header with a path in it moves `htu` to another path (express-oauth2-jwt-bearer 1.9.1 fixed it): a proof captured for another endpoint is accepted here"),
    ("dpop-host-spoof", Medium, "dpop", "a proof for `evil.example`, replayed with `Host: evil.example`", DpopCase::HostSpoof, Expect::Discouraged, Threat::Anyone, "RFC 9110 §7.1 builds the target URI from Host, so a server that does is within the letter; one that pins its public URL refuses proofs captured at another server: a 2xx is a warning"),
    ("dpop-forwarded-host", Medium, "dpop", "a proof for `https://evil.example`, replayed with `X-Forwarded-Host: evil.example` and `X-Forwarded-Proto: https` to an API with no proxy in front", DpopCase::ForwardedHost, Expect::Discouraged, Threat::Anyone, "forwarded headers are for a proxy the API trusts; with none in front, anyone sets them: a 2xx is a warning (a proxy setup may make it right)"),
    ("dpop-nonce-missing", High, "dpop-nonce", "to an API that demands DPoP nonces: a valid proof without the nonce (n/a when it demanded none)", DpopCase::NonceMissing, Expect::Malformed, Threat::Anyone, "an API that demands nonces does so to stop proofs made in advance by whoever once held the key (RFC 9449 §9, §11.2): a proof without the nonce must be refused, `use_dpop_nonce`"),
    ("dpop-nonce-stale", High, "dpop-nonce", "to an API that demands DPoP nonces: a valid proof with a nonce it never issued", DpopCase::NonceStale, Expect::Malformed, Threat::Anyone, "a nonce the API never issued (or one it has retired) proves nothing about when the proof was made (RFC 9449 §9)"),
];

/// Who could send a proof with this defect: a thief replaying a proof made for another
/// request, time or token (or making one without the key), or only the key holder.
fn dpop_defect_threat(name: &str) -> (Threat, Severity, &'static str) {
    const HOLDER: &str =
        "a proof only the key holder can sign, odd in form: accepting it is `warn strict`";
    match name {
        "dpop-typ-missing" | "dpop-typ-jwt" | "dpop-alg-es512" | "dpop-jwk-private"
        | "dpop-iat-string" | "dpop-jti-missing" | "dpop-ath-missing" => {
            (Threat::Client, Low, HOLDER)
        }
        "dpop-htu-query" | "dpop-htu-fragment" => (
            Threat::Client,
            Low,
            "RFC 9449 §4.3 (9): `htu` is compared without its query and fragment, so this proof is valid",
        ),
        _ => (Threat::Anyone, Critical, CAPTURED),
    }
}

/// Category, severity, the policy a 2xx would skip, the post-check and why, for each token row.
/// Who could make the token is the forge's column ([`mock_tenant::Forger`]); the time rows
/// decide their policy from the token itself ([`time_policy`]).
fn token_row(
    row: Row,
) -> (
    Category,
    Severity,
    Option<Policy>,
    Option<PostCheck>,
    &'static str,
) {
    use Row::*;
    const FORGED: &str =
        "anyone can make it without the tenant's key: accepting it lets a stranger in";
    const ODD: &str = "signed by the tenant's own key: only the issuer can make it, so accepting it is `warn strict`; refusing is best";
    match row {
        SigBroken | SigStrip | Tamper | B64Garbage => (Sig, Critical, None, None, FORGED),
        SigNoncanon => (
            Sig,
            Info,
            None,
            None,
            "the tenant's signature bytes in another base64 form: only a holder of a tenant-signed token can make it",
        ),
        SigHuge => (Dos, Medium, None, None, FORGED),
        AlgNone | HsPubkey | HsBlank | HsWeak | EsPsychic | EsAttacker => {
            (Alg, Critical, None, None, FORGED)
        }
        AlgSwapLegit => (
            Alg,
            Low,
            None,
            None,
            "signed by the tenant's key under another RS/PS algorithm: outside the allow-list, but only the issuer can make it",
        ),
        AlgGarbage => (
            Alg,
            Low,
            None,
            None,
            "a garbled `alg` over the tenant's RS256 signature: only the issuer can make it; a 5xx is still a failure",
        ),
        KidUnknown | KidPath => (Kid, Critical, None, None, FORGED),
        KidAbsent | KidType => (
            Kid,
            Low,
            None,
            None,
            "the tenant's signature under a missing or strange `kid`: an API that tries every trusted key may accept it",
        ),
        KidSqli | KidCmdi => (
            Kid,
            Critical,
            None,
            Some(PostCheck::SlowMeansExecuted),
            "an injection in `kid`: it shows in behaviour (the answer waits for the injected sleep, or the attacker's host is contacted), not in the status of a tenant-signed token",
        ),
        OtherTenant | JwkEmbed | JkuAttacker | JkuLookalike | X5Attacker => {
            (Key, Critical, None, None, FORGED)
        }
        HdrUrlsIgnored => (
            Key,
            Medium,
            None,
            None,
            "a valid token carrying URLs at the attacker: the attacker's host must see no request",
        ),
        ExpPast | ExpAbsent | ExpType => (
            Time,
            Medium,
            None,
            None,
            "an `exp` the API must enforce when it can be read as a past instant (CVE-2026-25537 treated unparsable dates as absent); odd forms of a future instant are only the issuer's oddity",
        ),
        NbfFuture => (
            Time,
            Medium,
            None,
            None,
            "an `nbf` in the future must be enforced, whatever its form",
        ),
        IatOdd => (Time, Low, None, None, ODD),
        AudWrong | AudEmpty | AudNear => (
            Aud,
            High,
            Some(Policy::Audience),
            None,
            "the API owns its audience check: a token for another audience is refused whoever signed it",
        ),
        AudArray => (
            Aud,
            High,
            Some(Policy::Audience),
            None,
            "`aud` as an array that names the API is valid",
        ),
        IssWrong | IssNear => (
            Iss,
            High,
            Some(Policy::Issuer),
            None,
            "the API owns its issuer check (RFC 8725 §3.8)",
        ),
        IssArray => (
            Iss,
            Low,
            None,
            None,
            "`iss` as an array holding the tenant's issuer, signed by the tenant: only the issuer can make it, and no other issuer gets in through it, so accepting it is `warn strict`",
        ),
        IdToken => (
            Type,
            High,
            Some(Policy::Audience),
            None,
            "an ID token's audience is a client, not the API (RFC 8725 §2.8)",
        ),
        TypAt | TypOther => (Type, Medium, None, None, ODD),
        CtyNested | Crit | JsonDup | JsonBad => (Fmt, Low, None, None, ODD),
        JwsJson => (
            Fmt,
            Low,
            None,
            None,
            "the tenant's token re-serialized as JWS JSON: only a holder of the token can make it",
        ),
        Jwe => (
            Fmt,
            Medium,
            None,
            None,
            "anyone can encrypt to a public key: a JWE is no proof of the issuer",
        ),
        Oversize => (
            Dos,
            Medium,
            None,
            None,
            "a large but valid token: any 4xx or a 2xx, never a 5xx",
        ),
        ManyDots => (Dos, Medium, None, None, FORGED),
        ScopeMissing | ScopeOther | ScopeMulti | ScopeSubstr | ScopeSep | ScopeType | PermClaim
        | ScpClaim => (
            Scope,
            High,
            Some(Policy::Scope),
            None,
            "the API owns its scope check: a scope it cannot find exactly, space-separated in `scope`, is not granted",
        ),
        CnfBearer => (
            Bind,
            Medium,
            None,
            None,
            "a sender-constrained token as a bearer token: the profile decides",
        ),
    }
}

/// Unix time now.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A NumericDate read leniently: a number, or a string that parses as one. What a verifier that
/// coerces types would see.
fn lenient_instant(value: Option<&serde_json::Value>) -> Option<f64> {
    match value? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The policy and knob of a time row, from the defect's own token: if a lenient reading of
/// `exp` is a past instant (or of `nbf` a future one), accepting skipped a check the API owns;
/// if `exp` cannot be read at all, it counts as absent (policy under `exp_required`); an odd
/// form of a future `exp` is only the issuer's oddity.
fn time_policy(defect: &Defect) -> (Option<Policy>, Option<Knob>) {
    let token = TokenBuilder::offline("https://time-policy.invalid/")
        .defect(defect.name)
        .sign();
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok());
    let Some(claims) = claims else {
        return (None, None); // not JSON a parser reads (`1e400`): an oddity
    };
    let now = now();
    if let Some(nbf) = lenient_instant(claims.get("nbf"))
        && nbf > now
    {
        return (Some(Policy::NotBefore), None);
    }
    match lenient_instant(claims.get("exp")) {
        None => (Some(Policy::Expiry), Some(Knob::ExpRequired)),
        Some(exp) if exp <= now => (
            Some(Policy::Expiry),
            Some(Knob::Leeway {
                late_secs: (now - exp) as u64,
            }),
        ),
        Some(_) => (None, None),
    }
}

/// The cases that run under `profile`: every case, less the DPoP ones when the profile does
/// not use DPoP.
pub fn cases_for(profile: &Profile) -> Vec<Case> {
    cases().into_iter().filter(|c| c.applies(profile)).collect()
}

/// Every case, in the order a run on one pair fires them (`--no-isolation`): jwks-down-cold
/// before anything warms the API's key cache; the stateless cases; then the stateful JWKS
/// scenarios (the runner puts the tenant's state back after each and checks that T0 still
/// passes); disc-mismatch after them, where a document the API caches cannot reach another
/// case; the checks over every answer last. With isolation the JWKS scenarios run on fresh
/// pairs alongside, and the report keeps this order.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (cold, warm): (Vec<_>, Vec<_>) = JWKS.iter().partition(|j| j.4 == JwksOp::DownCold);
    let (last, warm): (Vec<_>, Vec<_>) = warm
        .into_iter()
        .partition(|j: &&JwksRow| j.4 == JwksOp::DiscoveryIssuerMismatch);
    cases.extend(cold.into_iter().map(jwks_case));
    for &(id, category, severity, source, about, endpoint, values, expect, threat) in REQUESTS {
        cases.push(Case {
            id: id.to_owned(),
            category,
            severity,
            source,
            about: about.to_owned(),
            recipe: Recipe::Headers { endpoint, values },
            expect,
            threat,
            policy: None,
            knob: (id == "scheme-other-dpop").then_some(Knob::DpopScheme),
            post: None,
            why: request_why(threat, expect),
        });
    }
    for &(id, source, about, values, expect, threat) in RAW {
        cases.push(Case {
            id: id.to_owned(),
            category: Hdr,
            severity: Low,
            source,
            about: about.to_owned(),
            recipe: Recipe::RawHeaders {
                endpoint: Endpoint::Private,
                values,
            },
            expect,
            threat,
            policy: None,
            knob: None,
            post: None,
            why: request_why(threat, expect),
        });
    }
    for &(id, about, transport, expect) in TRANSPORTS {
        let (source, knob, post) = match transport {
            Transport::HeaderAndQuery => ("two-methods", Some(Knob::TwoMethods), None),
            Transport::Query => ("alt-transport", Some(Knob::QueryOrBody), None),
            Transport::Form => (
                "alt-transport",
                Some(Knob::QueryOrBody),
                Some(PostCheck::NeedsPostRoute),
            ),
            Transport::Cookie => ("alt-transport", None, None),
        };
        cases.push(Case {
            id: id.to_owned(),
            category: Hdr,
            severity: Low,
            source,
            about: about.to_owned(),
            recipe: Recipe::Transport(transport),
            expect,
            threat: Threat::Client,
            policy: None,
            knob,
            post,
            why: "the valid token carried another way: RFC 6750 §5.3 discourages tokens outside the header, so a 2xx is a warning",
        });
    }
    for defect in defects() {
        cases.push(token_case(defect));
    }
    for &(id, severity, source, about, which, expect, threat, why) in DPOP {
        let knob = match which {
            DpopCase::Unbound => Some(Knob::DpopRequired {
                optional: Expect::Invalid,
            }),
            DpopCase::BearerUnbound => Some(Knob::DpopRequired {
                optional: Expect::Ok,
            }),
            _ => None,
        };
        cases.push(Case {
            id: id.to_owned(),
            category: Bind,
            severity,
            source,
            about: about.to_owned(),
            recipe: Recipe::Dpop(which),
            expect,
            threat,
            policy: knob.map(|_| Policy::SenderConstraint),
            knob,
            post: None,
            why,
        });
    }
    for defect in dpop_defects() {
        let (threat, severity, why) = dpop_defect_threat(defect.name);
        cases.push(Case {
            id: defect.name.to_owned(),
            category: Bind,
            severity,
            source: "dpop-proof",
            about: format!(
                "the bound token with a proof: {} ({})",
                defect.about, defect.source
            ),
            recipe: Recipe::Dpop(DpopCase::Proof(defect.name)),
            expect: match defect.answer {
                DpopAnswer::Refuse => Expect::Invalid,
                DpopAnswer::Accept => Expect::Ok,
            },
            threat,
            policy: None,
            knob: None,
            post: None,
            why,
        });
    }
    cases.push(Case {
        id: "id-token-login".into(),
        category: Type,
        severity: High,
        source: "id-token",
        about: "real ID tokens of the tenant's own front ends: a login to each of its login clients".into(),
        recipe: Recipe::Login(LoginTokens::IdTokens),
        expect: Expect::Invalid,
        threat: Threat::Issuer,
        policy: Some(Policy::Audience),
        knob: None,
        post: None,
        why: "their audience is a client of the tenant, never the API: an API that accepts its own front end's ID tokens skips its audience check (RFC 8725 §2.8)",
    });
    cases.push(Case {
        id: "jwe-userinfo-login".into(),
        category: Fmt,
        severity: Medium,
        source: "jwe",
        about: "the access token of a login without an audience: Auth0's JWE (`alg: dir`, `enc: A256GCM`, five parts), good only for /userinfo".into(),
        recipe: Recipe::Login(LoginTokens::Userinfo),
        expect: Expect::Invalid,
        threat: Threat::Issuer,
        policy: Some(Policy::Audience),
        knob: None,
        post: None,
        why: "what a front end holds when it forgot the audience: the API cannot read it and it is not for the API, so 401 `invalid_token`, never a 5xx",
    });
    for &(id, severity, about, which, threat, policy, knob, why) in CUSTOM_DOMAINS {
        cases.push(Case {
            id: id.to_owned(),
            category: Iss,
            severity,
            source: "custom-domain",
            about: about.to_owned(),
            recipe: Recipe::Issuer(which),
            expect: Expect::Invalid,
            threat,
            policy,
            knob,
            post: None,
            why,
        });
    }
    cases.push(Case {
        id: "persistence".into(),
        category: Resp,
        severity: High,
        source: "persistence",
        about: "T0 again after every token attack: no lockout, crash or poisoned cache".into(),
        recipe: Recipe::Token {
            endpoint: Endpoint::Scoped,
            defect: None,
        },
        expect: Expect::Ok,
        threat: Threat::Client,
        policy: None,
        knob: None,
        post: None,
        why: "the valid token after every attack: a refusal means an earlier case broke the API",
    });
    cases.extend(warm.into_iter().map(jwks_case));
    cases.extend(last.into_iter().map(jwks_case));
    // Last: they look at every answer above.
    for (id, severity, about, check) in [
        (
            "resp-challenge",
            Low,
            "every 401 and 403 of the run carries `WWW-Authenticate: Bearer`",
            ResponseCheck::Challenge,
        ),
        (
            "resp-leak",
            Medium,
            "no refusal of the run shows a stack trace, key material or the token it got",
            ResponseCheck::Leak,
        ),
        (
            "resp-challenge-dpop",
            Low,
            "every 401 to a DPoP request of the run carries `WWW-Authenticate: DPoP` with `algs` (RFC 9449 §7.1)",
            ResponseCheck::DpopChallenge,
        ),
    ] {
        cases.push(Case {
            id: id.to_owned(),
            category: Resp,
            severity,
            source: id,
            about: about.to_owned(),
            recipe: Recipe::Responses(check),
            expect: Expect::Tolerated,
            threat: Threat::Client,
            policy: None,
            knob: None,
            post: None,
            why: "a property of every answer: reported as a warning, never a failure",
        });
    }
    cases
}

fn jwks_case(row: &JwksRow) -> Case {
    let &(id, severity, source, about, op, threat) = row;
    Case {
        id: id.to_owned(),
        category: Jwks,
        severity,
        source,
        about: about.to_owned(),
        recipe: Recipe::Jwks(op),
        expect: op.expect(),
        threat,
        policy: None,
        knob: None,
        post: None,
        why: op.why(),
    }
}

/// Why a request-shape row has its verdicts.
fn request_why(threat: Threat, expect: Expect) -> &'static str {
    match (threat, expect) {
        (_, Expect::Ok | Expect::Tolerated) => {
            "a legal request: it must not be refused (or either answer is fine)"
        }
        (Threat::Anyone, _) => {
            "no valid token in it: anyone can send it, so a 2xx lets a stranger in"
        }
        _ => {
            "it carries the valid token in an odd shape: only its holder can send it, so a 2xx is `warn strict`"
        }
    }
}

/// A forge defect as a case.
fn token_case(defect: &Defect) -> Case {
    let (category, severity, mut policy, post, why) = token_row(defect.row);
    let mut knob = None;
    if category == Time {
        (policy, knob) = time_policy(defect);
    }
    match defect.row {
        Row::PermClaim => knob = Some(Knob::PermissionsClaim),
        Row::ScpClaim => knob = Some(Knob::ScpClaim),
        _ => {}
    }
    let mut why = why;
    if EQUIVALENT_ISSUER.contains(&defect.name) {
        policy = None;
        why = "the tenant's own issuer spelled as an equivalent URI (host case, RFC 3986 §6.2.2.1; the empty path, §6.2.3): RFC 7519 §2 wants an exact comparison, but only the tenant signs it and no other issuer gets in, so accepting is `warn strict` (express-oauth2-jwt-bearer's Multiple Custom Domains mode normalizes issuers so)";
    }
    let endpoint = if category == Scope || defect.answer == Answer::InsufficientScope {
        Endpoint::Scoped
    } else {
        Endpoint::Private
    };
    Case {
        id: defect.name.to_owned(),
        category,
        severity,
        source: defect.row.as_str(),
        about: defect.about.to_owned(),
        recipe: Recipe::Token {
            endpoint,
            defect: Some(defect.name),
        },
        expect: match defect.answer {
            Answer::Refuse => Expect::Invalid,
            Answer::InsufficientScope => Expect::Scope,
            Answer::Accept => Expect::Ok,
            Answer::Tolerated => Expect::Tolerated,
        },
        threat: match defect.forger {
            Forger::Anyone => Threat::Anyone,
            Forger::Issuer => Threat::Issuer,
        },
        policy,
        knob,
        post,
        why: if defect.forger == Forger::Anyone && defect.row.forger() != Forger::Anyone {
            FORGED_VARIANT
        } else {
            why
        },
    }
}

/// `iss` rows that name the tenant's own issuer as an equivalent URI: no policy skipped.
const EQUIVALENT_ISSUER: &[&str] = &["iss-near-no-slash", "iss-near-upper"];

/// Why a defect that anyone can make sits in a row of tenant-signed oddities.
const FORGED_VARIANT: &str =
    "this variant is signed with a key the attacker chose: accepting it lets a stranger in";
