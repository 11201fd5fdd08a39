//! Request shapes with bytes no HTTP library sends (control characters in the header), written
//! on a plain TCP connection. A form feed before a valid token is odd but not an attack:
//! accepting it is reported, not failed.

use super::request_why;
use crate::case::{Case, Category, Endpoint, Expect, Recipe, Severity, Threat};

/// One raw request shape, sent to `/api/private`; `HDR`, low severity.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    /// The raw `Authorization` header values, given the valid token.
    values: fn(&str) -> Vec<Vec<u8>>,
    expect: Expect,
    threat: Threat,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "ws-exotic-vt", spec: "RFC 9110 §5.5 (field values)", source: "ws-exotic", about: "an Authorization value that is only a vertical tab (0x0B)", values: |_| vec![b"\x0b".to_vec()], expect: Expect::Malformed, threat: Threat::Anyone },
    Row { id: "ws-exotic-ff", spec: "RFC 9110 §5.5 (field values)", source: "ws-exotic", about: "`Bearer<FF>T0`: a form feed (0x0C) where the space goes", values: |t| vec![[b"Bearer\x0c".as_slice(), t.as_bytes()].concat()], expect: Expect::Discouraged, threat: Threat::Client },
    Row { id: "nul-after-token", spec: "RFC 9110 §5.5 (NUL in a field value)", source: "nul-bytes", about: "`Bearer T0<NUL>`: a NUL after the last segment (RFC 9110 §5.5: reject, or read it as a space)", values: |t| vec![[b"Bearer ".as_slice(), t.as_bytes(), b"\x00"].concat()], expect: Expect::Discouraged, threat: Threat::Client },
    Row { id: "nul-inside-token", spec: "RFC 9110 §5.5 (NUL in a field value)", source: "nul-bytes", about: "T0 with a NUL after its header segment: a C string ends there", values: |t| { let (header, rest) = t.split_at(t.find('.').unwrap_or(t.len())); vec![[b"Bearer ".as_slice(), header.as_bytes(), b"\x00", rest.as_bytes()].concat()] }, expect: Expect::Discouraged, threat: Threat::Client },
];

/// The family's cases, in table order.
pub(super) fn cases() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Hdr,
        severity: Severity::Low,
        source: row.source,
        about: row.about.to_owned(),
        recipe: Recipe::RawHeaders {
            endpoint: Endpoint::Private,
            values: row.values,
        },
        expect: row.expect,
        threat: row.threat,
        policy: None,
        knob: None,
        post: None,
        why: request_why(row.threat, row.expect),
    })
}
