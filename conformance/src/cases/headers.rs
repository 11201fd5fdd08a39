//! Request shapes: the `Authorization` header and its variants, as an HTTP library sends them.

use super::request_why;
use crate::case::{Case, Category, Endpoint, Expect, Knob, Recipe, Severity, Threat};
use Category::{Dos, Hdr, Scope};
use Severity::{Critical, Info, Medium};

/// One request shape.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    category: Category,
    severity: Severity,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    endpoint: Endpoint,
    /// The `Authorization` header values, given the valid token.
    values: fn(&str) -> Vec<String>,
    expect: Expect,
    threat: Threat,
    knob: Option<Knob>,
}

#[rustfmt::skip] // one row per line reads as the table it is
const ROWS: &[Row] = &[
    Row { id: "hdr-absent", category: Hdr, severity: Critical, source: "hdr-absent", spec: "RFC 6750 §3", about: "no Authorization header", endpoint: Endpoint::Private, values: |_| vec![], expect: Expect::Challenge, threat: Threat::Anyone, knob: None },
    Row { id: "hdr-absent-scoped", category: Hdr, severity: Critical, source: "hdr-absent", spec: "RFC 6750 §3", about: "no Authorization header on the scoped endpoint", endpoint: Endpoint::Scoped, values: |_| vec![], expect: Expect::Challenge, threat: Threat::Anyone, knob: None },
    Row { id: "public-open", category: Hdr, severity: Info, source: "public-open", spec: "Auth0 API quickstart (public route)", about: "/api/public with no token", endpoint: Endpoint::Public, values: |_| vec![], expect: Expect::Ok, threat: Threat::Anyone, knob: None },
    Row { id: "public-open-garbage", category: Hdr, severity: Info, source: "public-open", spec: "RFC 6750 §3.1", about: "/api/public with `Bearer garbage`: a public endpoint ignores tokens (a 401 is allowed by RFC 6750 §3.1, and reported: frameworks that authenticate before they authorize, Django REST framework among them, answer so)", endpoint: Endpoint::Public, values: |_| vec!["Bearer garbage".into()], expect: Expect::Preferred, threat: Threat::Anyone, knob: None },
    Row { id: "valid", category: Hdr, severity: Critical, source: "baseline", spec: "RFC 6750 §2.1; RFC 9068 §4", about: "the valid token (T0)", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {t}")], expect: Expect::Ok, threat: Threat::Client, knob: None },
    Row { id: "valid-scoped", category: Scope, severity: Critical, source: "baseline", spec: "RFC 6750 §2.1; RFC 9068 §4", about: "the valid token with read:messages on the scoped endpoint", endpoint: Endpoint::Scoped, values: |t| vec![format!("Bearer {t}")], expect: Expect::Ok, threat: Threat::Client, knob: None },
    Row { id: "scheme-case-lower", category: Hdr, severity: Info, source: "scheme-case", spec: "RFC 9110 §11.1 (schemes are case-insensitive)", about: "`bearer T0`: schemes are case-insensitive (RFC 9110 §11.1)", endpoint: Endpoint::Private, values: |t| vec![format!("bearer {t}")], expect: Expect::Ok, threat: Threat::Client, knob: None },
    Row { id: "scheme-case-upper", category: Hdr, severity: Info, source: "scheme-case", spec: "RFC 9110 §11.1 (schemes are case-insensitive)", about: "`BEARER T0`", endpoint: Endpoint::Private, values: |t| vec![format!("BEARER {t}")], expect: Expect::Ok, threat: Threat::Client, knob: None },
    Row { id: "scheme-case-mixed", category: Hdr, severity: Info, source: "scheme-case", spec: "RFC 9110 §11.1 (schemes are case-insensitive)", about: "`bEaReR T0`", endpoint: Endpoint::Private, values: |t| vec![format!("bEaReR {t}")], expect: Expect::Ok, threat: Threat::Client, knob: None },
    Row { id: "scheme-other-basic", category: Hdr, severity: Critical, source: "scheme-other", spec: "RFC 6750 §3", about: "`Basic dXNlcjpwYXNz`", endpoint: Endpoint::Private, values: |_| vec!["Basic dXNlcjpwYXNz".into()], expect: Expect::Challenge, threat: Threat::Anyone, knob: None },
    Row { id: "scheme-other-token", category: Hdr, severity: Critical, source: "scheme-other", spec: "RFC 6750 §3", about: "`Token T0`", endpoint: Endpoint::Private, values: |t| vec![format!("Token {t}")], expect: Expect::Challenge, threat: Threat::Client, knob: None },
    Row { id: "scheme-other-jwt", category: Hdr, severity: Critical, source: "scheme-other", spec: "RFC 6750 §3", about: "`JWT T0`", endpoint: Endpoint::Private, values: |t| vec![format!("JWT {t}")], expect: Expect::Challenge, threat: Threat::Client, knob: None },
    Row { id: "scheme-other-dpop", category: Hdr, severity: Critical, source: "scheme-other", spec: "RFC 9449 §7.1", about: "`DPoP T0` with no proof", endpoint: Endpoint::Private, values: |t| vec![format!("DPoP {t}")], expect: Expect::Challenge, threat: Threat::Client, knob: Some(Knob::DpopScheme) },
    Row { id: "bearer-empty", category: Hdr, severity: Critical, source: "bearer-empty", spec: "RFC 6750 §2.1 (b64token), §3.1", about: "`Bearer`", endpoint: Endpoint::Private, values: |_| vec!["Bearer".into()], expect: Expect::Malformed, threat: Threat::Anyone, knob: None },
    Row { id: "bearer-empty-space", category: Hdr, severity: Critical, source: "bearer-empty", spec: "RFC 6750 §2.1 (b64token), §3.1", about: "`Bearer ` (trailing space)", endpoint: Endpoint::Private, values: |_| vec!["Bearer ".into()], expect: Expect::Malformed, threat: Threat::Anyone, knob: None },
    Row { id: "bearer-extra-words", category: Hdr, severity: Critical, source: "bearer-extra", spec: "RFC 6750 §2.1, §3.1", about: "`Bearer invalidToken abc`", endpoint: Endpoint::Private, values: |_| vec!["Bearer invalidToken abc".into()], expect: Expect::Malformed, threat: Threat::Anyone, knob: None },
    Row { id: "bearer-extra-after-token", category: Hdr, severity: Critical, source: "bearer-extra", spec: "RFC 6750 §2.1, §3.1", about: "`Bearer T0 x`", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {t} x")], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "ws-variants-two-spaces", category: Hdr, severity: Info, source: "ws-variants", spec: "RFC 6750 §2.1 (`\"Bearer\" 1*SP b64token`)", about: "`Bearer  T0` (RFC 6750 allows 1*SP)", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer  {t}")], expect: Expect::Tolerated, threat: Threat::Client, knob: None },
    Row { id: "ws-variants-tab", category: Hdr, severity: Info, source: "ws-variants", spec: "RFC 6750 §2.1 (SP, not HTAB)", about: "`Bearer<TAB>T0`", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer\t{t}")], expect: Expect::Tolerated, threat: Threat::Client, knob: None },
    Row { id: "not-b64token-bang", category: Hdr, severity: Critical, source: "not-b64token", spec: "RFC 6750 §2.1 (b64token), §3.1", about: "T0 with `!` inserted (not a b64token)", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {}!{}", &t[..20], &t[20..])], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "not-b64token-comma", category: Hdr, severity: Critical, source: "not-b64token", spec: "RFC 6750 §2.1 (b64token), §3.1", about: "T0 with `,` inserted", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {}{}{}", &t[..20], ',', &t[20..])], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "not-b64token-quoted", category: Hdr, severity: Critical, source: "not-b64token", spec: "RFC 6750 §2.1 (b64token), §3.1", about: "T0 in double quotes", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer \"{t}\"")], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "multi-authz-valid-first", category: Hdr, severity: Medium, source: "multi-authz", spec: "RFC 9110 §5.3 (Authorization is not a list)", about: "two Authorization headers: T0, then garbage", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {t}"), "Bearer garbage".into()], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "multi-authz-valid-last", category: Hdr, severity: Medium, source: "multi-authz", spec: "RFC 9110 §5.3 (Authorization is not a list)", about: "two Authorization headers: garbage, then T0", endpoint: Endpoint::Private, values: |t| vec!["Bearer garbage".into(), format!("Bearer {t}")], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "multi-authz-one-header", category: Hdr, severity: Medium, source: "multi-authz", spec: "RFC 6750 §2.1; RFC 9110 §5.3", about: "`Bearer T0, Bearer x` in one header", endpoint: Endpoint::Private, values: |t| vec![format!("Bearer {t}, Bearer x")], expect: Expect::Malformed, threat: Threat::Client, knob: None },
    Row { id: "oversize-16k", category: Dos, severity: Medium, source: "oversize", spec: "RFC 6585 §5 (431)", about: "a 16 KiB Authorization header", endpoint: Endpoint::Private, values: |_| vec![format!("Bearer {}", "a".repeat(16 * 1024))], expect: Expect::ClientError, threat: Threat::Anyone, knob: None },
    Row { id: "oversize-64k", category: Dos, severity: Medium, source: "oversize", spec: "RFC 6585 §5 (431)", about: "a 64 KiB Authorization header", endpoint: Endpoint::Private, values: |_| vec![format!("Bearer {}", "a".repeat(64 * 1024))], expect: Expect::ClientError, threat: Threat::Anyone, knob: None },
];

/// The family's cases, in table order.
pub(super) fn cases() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: row.category,
        severity: row.severity,
        source: row.source,
        about: row.about.to_owned(),
        recipe: Recipe::Headers {
            endpoint: row.endpoint,
            values: row.values,
        },
        expect: row.expect,
        threat: row.threat,
        policy: None,
        knob: row.knob,
        post: None,
        why: request_why(row.threat, row.expect),
    })
}
