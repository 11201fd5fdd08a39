//! Every case, as one table: the request-shape and JWKS rows written here, and one row per named
//! defect of the forge (whose table says what each breaks and what a correct API answers).

use crate::case::{
    Case, Category, Endpoint, Expect, JwksOp, Recipe, ResponseCheck, Severity, Transport,
};
use mock_tenant::{Verdict, defects};

use Category::*;
use Severity::*;

/// A request-shape row: (id, category, severity, catalogue row, about, endpoint, header values, expect).
type Row = (
    &'static str,
    Category,
    Severity,
    &'static str,
    &'static str,
    Endpoint,
    fn(&str) -> Vec<String>,
    Expect,
);

#[rustfmt::skip] // one row per line reads as the table it is
const REQUESTS: &[Row] = &[
    ("hdr-absent", Hdr, Critical, "hdr-absent", "no Authorization header", Endpoint::Private, |_| vec![], Expect::Challenge),
    ("hdr-absent-scoped", Hdr, Critical, "hdr-absent", "no Authorization header on the scoped endpoint", Endpoint::Scoped, |_| vec![], Expect::Challenge),
    ("public-open", Hdr, Info, "public-open", "/api/public with no token", Endpoint::Public, |_| vec![], Expect::Ok),
    ("public-open-garbage", Hdr, Info, "public-open", "/api/public with `Bearer garbage`: a public endpoint ignores tokens", Endpoint::Public, |_| vec!["Bearer garbage".into()], Expect::Ok),
    ("valid", Hdr, Critical, "baseline", "the valid token (T0)", Endpoint::Private, |t| vec![format!("Bearer {t}")], Expect::Ok),
    ("valid-scoped", Scope, Critical, "baseline", "the valid token with read:messages on the scoped endpoint", Endpoint::Scoped, |t| vec![format!("Bearer {t}")], Expect::Ok),
    ("scheme-case-lower", Hdr, Info, "scheme-case", "`bearer T0`: schemes are case-insensitive (RFC 9110 §11.1)", Endpoint::Private, |t| vec![format!("bearer {t}")], Expect::Ok),
    ("scheme-case-upper", Hdr, Info, "scheme-case", "`BEARER T0`", Endpoint::Private, |t| vec![format!("BEARER {t}")], Expect::Ok),
    ("scheme-case-mixed", Hdr, Info, "scheme-case", "`bEaReR T0`", Endpoint::Private, |t| vec![format!("bEaReR {t}")], Expect::Ok),
    ("scheme-other-basic", Hdr, Critical, "scheme-other", "`Basic dXNlcjpwYXNz`", Endpoint::Private, |_| vec!["Basic dXNlcjpwYXNz".into()], Expect::Challenge),
    ("scheme-other-token", Hdr, Critical, "scheme-other", "`Token T0`", Endpoint::Private, |t| vec![format!("Token {t}")], Expect::Challenge),
    ("scheme-other-jwt", Hdr, Critical, "scheme-other", "`JWT T0`", Endpoint::Private, |t| vec![format!("JWT {t}")], Expect::Challenge),
    ("scheme-other-dpop", Hdr, Critical, "scheme-other", "`DPoP T0` with no proof", Endpoint::Private, |t| vec![format!("DPoP {t}")], Expect::Challenge),
    ("bearer-empty", Hdr, Critical, "bearer-empty", "`Bearer`", Endpoint::Private, |_| vec!["Bearer".into()], Expect::Malformed),
    ("bearer-empty-space", Hdr, Critical, "bearer-empty", "`Bearer ` (trailing space)", Endpoint::Private, |_| vec!["Bearer ".into()], Expect::Malformed),
    ("bearer-extra-words", Hdr, Critical, "bearer-extra", "`Bearer invalidToken abc`", Endpoint::Private, |_| vec!["Bearer invalidToken abc".into()], Expect::Malformed),
    ("bearer-extra-after-token", Hdr, Critical, "bearer-extra", "`Bearer T0 x`", Endpoint::Private, |t| vec![format!("Bearer {t} x")], Expect::Malformed),
    ("ws-variants-two-spaces", Hdr, Info, "ws-variants", "`Bearer  T0` (RFC 6750 allows 1*SP)", Endpoint::Private, |t| vec![format!("Bearer  {t}")], Expect::Tolerated),
    ("ws-variants-tab", Hdr, Info, "ws-variants", "`Bearer<TAB>T0`", Endpoint::Private, |t| vec![format!("Bearer\t{t}")], Expect::Tolerated),
    ("not-b64token-bang", Hdr, Critical, "not-b64token", "T0 with `!` inserted (not a b64token)", Endpoint::Private, |t| vec![format!("Bearer {}!{}", &t[..20], &t[20..])], Expect::Malformed),
    ("not-b64token-comma", Hdr, Critical, "not-b64token", "T0 with `,` inserted", Endpoint::Private, |t| vec![format!("Bearer {}{}{}", &t[..20], ',', &t[20..])], Expect::Malformed),
    ("not-b64token-quoted", Hdr, Critical, "not-b64token", "T0 in double quotes", Endpoint::Private, |t| vec![format!("Bearer \"{t}\"")], Expect::Malformed),
    ("multi-authz-valid-first", Hdr, Medium, "multi-authz", "two Authorization headers: T0, then garbage", Endpoint::Private, |t| vec![format!("Bearer {t}"), "Bearer garbage".into()], Expect::Malformed),
    ("multi-authz-valid-last", Hdr, Medium, "multi-authz", "two Authorization headers: garbage, then T0", Endpoint::Private, |t| vec!["Bearer garbage".into(), format!("Bearer {t}")], Expect::Malformed),
    ("multi-authz-one-header", Hdr, Medium, "multi-authz", "`Bearer T0, Bearer x` in one header", Endpoint::Private, |t| vec![format!("Bearer {t}, Bearer x")], Expect::Malformed),
    ("oversize-16k", Dos, Medium, "oversize", "a 16 KiB Authorization header", Endpoint::Private, |_| vec![format!("Bearer {}", "a".repeat(16 * 1024))], Expect::ClientError),
    ("oversize-64k", Dos, Medium, "oversize", "a 64 KiB Authorization header", Endpoint::Private, |_| vec![format!("Bearer {}", "a".repeat(64 * 1024))], Expect::ClientError),
];

/// A raw row: (id, about, header values given T0, expect).
type RawRow = (&'static str, &'static str, fn(&str) -> Vec<Vec<u8>>, Expect);

/// Rows with bytes no HTTP library sends. A form feed before a valid token is odd but not an
/// attack: accepting it is reported, not failed.
#[rustfmt::skip]
const RAW: &[RawRow] = &[
    ("ws-exotic-vt", "an Authorization value that is only a vertical tab (0x0B)", |_| vec![b"\x0b".to_vec()], Expect::Malformed),
    ("ws-exotic-ff", "`Bearer<FF>T0`: a form feed (0x0C) where the space goes", |t| vec![[b"Bearer\x0c".as_slice(), t.as_bytes()].concat()], Expect::Discouraged),
];

#[rustfmt::skip]
const TRANSPORTS: &[(&str, &str, Transport, Expect)] = &[
    ("alt-transport-query", "T0 as `?access_token=` and no header (RFC 6750 §2.3)", Transport::Query, Expect::HeaderOnly),
    ("alt-transport-form", "T0 in a POST form body and no header (RFC 6750 §2.2)", Transport::Form, Expect::HeaderOnly),
    ("alt-transport-cookie", "T0 in a cookie and no header", Transport::Cookie, Expect::HeaderOnly),
    ("two-methods", "T0 in the header and in `?access_token=` (RFC 6750 §2: one method only)", Transport::HeaderAndQuery, Expect::Tolerated),
];

#[rustfmt::skip]
const JWKS: &[(&str, Severity, &str, &str, JwksOp, Expect)] = &[
    ("disc-mismatch", Medium, "disc-mismatch", "before the API's first look, discovery's `jwks_uri` points at the attacker's host: never used (applies to APIs that read discovery)", JwksOp::DiscoveryForeignJwks, Expect::FailClosed),
    ("jwks-down-cold", Critical, "jwks-down-cold", "the JWKS answers 503 before the API's first fetch: fail closed", JwksOp::DownCold, Expect::FailClosed),
    ("jwks-down-warm", Medium, "jwks-down-warm", "the JWKS answers 503 after the API cached it: T0 still passes", JwksOp::DownWarm, Expect::Ok),
    ("jwks-slow", Medium, "jwks-slow", "the JWKS answers after 10 s: the API gives up within its own timeout, 401 or 503", JwksOp::Slow, Expect::FailClosed),
    ("jwks-junk", Medium, "jwks-junk", "the JWKS serves junk (HTML, bad JSON, no keys, an oct key): never 2xx, never 5xx", JwksOp::Junk, Expect::FailClosed),
    ("jwks-poisoned", High, "jwks-junk", "`use: enc` and EC keys published and signing tokens: never used", JwksOp::PoisonedKey, Expect::Invalid),
    ("jwks-storm", Medium, "jwks-storm", "100 random kids and 100 garbage tokens: at most one JWKS fetch", JwksOp::Storm, Expect::ClientError),
    ("rot-add", High, "rot-add", "a key the API never saw signs (two rotations): accepted within the declared cooldown", JwksOp::RotateAdd, Expect::Ok),
    ("rot-remove", Medium, "rot-remove", "the signing kid is re-bound to a new key: the old token is refused within the cache TTL", JwksOp::RotateRemove, Expect::Invalid),
];

/// Category and severity of each token row of the catalogue.
#[rustfmt::skip]
const TOKEN_ROWS: &[(&str, Category, Severity)] = &[
    ("sig-broken", Sig, Critical), ("sig-strip", Sig, Critical), ("tamper", Sig, Critical),
    ("sig-noncanon", Sig, Info), ("b64-garbage", Sig, Critical), ("sig-huge", Dos, Medium),
    ("alg-none", Alg, Critical), ("hs-pubkey", Alg, Critical), ("hs-blank", Alg, Critical),
    ("hs-weak", Alg, Critical), ("es-psychic", Alg, Critical), ("es-attacker", Alg, Critical),
    ("alg-swap-legit", Alg, Low), ("alg-garbage", Alg, Low), ("jws-json", Fmt, Critical),
    ("kid-unknown", Kid, Critical), ("kid-absent", Kid, Low), ("kid-type", Kid, Low),
    ("kid-path", Kid, Critical), ("kid-sqli", Kid, Critical), ("kid-cmdi", Kid, Critical),
    ("jwk-embed", Key, Critical), ("jku-attacker", Key, Critical), ("jku-lookalike", Key, Critical),
    ("x5-attacker", Key, Critical), ("hdr-urls-ignored", Key, Medium), ("other-tenant", Key, Critical),
    ("exp-past", Time, Medium), ("exp-absent", Time, High), ("exp-type", Time, Medium),
    ("nbf-future", Time, Medium), ("iat-odd", Time, Low), ("aud-wrong", Aud, High),
    ("aud-array", Aud, High), ("aud-empty", Aud, High), ("aud-near", Aud, High),
    ("iss-wrong", Iss, High), ("iss-near", Iss, Medium), ("id-token", Type, High),
    ("typ-at", Type, Medium), ("typ-other", Type, Medium), ("cty-nested", Fmt, Medium),
    ("jwe", Fmt, Medium), ("crit", Fmt, High), ("json-dup", Fmt, Medium), ("json-bad", Fmt, Low),
    ("many-dots", Dos, Medium), ("oversize", Dos, Medium), ("scope-missing", Scope, High),
    ("scope-other", Scope, High), ("scope-multi", Scope, High), ("scope-substr", Scope, High),
    ("scope-sep", Scope, Medium), ("scope-type", Scope, Low), ("perm-claim", Scope, Medium),
    ("scp-claim", Scope, Medium), ("cnf-bearer", Bind, Medium),
];

/// Every case, in the order the runner fires them.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // The cold cases must come before anything makes the API read discovery or the keys.
    let (cold, warm): (Vec<_>, Vec<_>) = JWKS
        .iter()
        .partition(|j| matches!(j.4, JwksOp::DiscoveryForeignJwks | JwksOp::DownCold));
    // disc-mismatch first: it sends no valid token, so the key cache stays cold for the next.
    for &(id, severity, source, about, op, expect) in cold {
        cases.push(jwks_case(id, severity, source, about, op, expect));
    }
    for (id, category, severity, source, about, endpoint, values, expect) in REQUESTS {
        cases.push(Case {
            id: (*id).to_owned(),
            category: *category,
            severity: *severity,
            source,
            about: (*about).to_owned(),
            recipe: Recipe::Headers {
                endpoint: *endpoint,
                values: *values,
            },
            expect: *expect,
        });
    }
    for (id, about, values, expect) in RAW {
        cases.push(Case {
            id: (*id).to_owned(),
            category: Hdr,
            severity: Low,
            source: "ws-exotic",
            about: (*about).to_owned(),
            recipe: Recipe::RawHeaders {
                endpoint: Endpoint::Private,
                values: *values,
            },
            expect: *expect,
        });
    }
    for (id, about, transport, expect) in TRANSPORTS {
        cases.push(Case {
            id: (*id).to_owned(),
            category: Hdr,
            severity: Low,
            source: if *transport == Transport::HeaderAndQuery {
                "two-methods"
            } else {
                "alt-transport"
            },
            about: (*about).to_owned(),
            recipe: Recipe::Transport(*transport),
            expect: *expect,
        });
    }
    for defect in defects() {
        let (category, severity) = TOKEN_ROWS
            .iter()
            .find(|r| r.0 == defect.row)
            .map_or((Fmt, Medium), |r| (r.1, r.2));
        let scope_case = category == Scope || defect.verdict == Verdict::InsufficientScope;
        let endpoint = if scope_case {
            Endpoint::Scoped
        } else {
            Endpoint::Private
        };
        let expect = match defect.verdict {
            Verdict::Refuse => Expect::Invalid,
            Verdict::InsufficientScope => Expect::Scope,
            Verdict::Accept => Expect::Ok,
            Verdict::Tolerated => Expect::Tolerated,
        };
        cases.push(Case {
            id: defect.name.to_owned(),
            category,
            severity,
            source: defect.row,
            about: defect.about.to_owned(),
            recipe: Recipe::Token {
                endpoint,
                defect: defect.name,
            },
            expect,
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
            defect: "",
        },
        expect: Expect::Ok,
    });
    for &(id, severity, source, about, op, expect) in warm {
        cases.push(jwks_case(id, severity, source, about, op, expect));
    }
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
    ] {
        cases.push(Case {
            id: id.to_owned(),
            category: Resp,
            severity,
            source: id,
            about: about.to_owned(),
            recipe: Recipe::Responses(check),
            expect: Expect::Tolerated,
        });
    }
    cases
}

fn jwks_case(
    id: &str,
    severity: Severity,
    source: &'static str,
    about: &str,
    op: JwksOp,
    expect: Expect,
) -> Case {
    Case {
        id: id.to_owned(),
        category: Jwks,
        severity,
        source,
        about: about.to_owned(),
        recipe: Recipe::Jwks(op),
        expect,
    }
}
