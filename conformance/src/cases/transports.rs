//! The valid token carried another way than the `Authorization` header (RFC 6750 §2.2, §2.3).

use crate::case::{Case, Category, Expect, Knob, PostCheck, Recipe, Severity, Threat, Transport};

/// One way to carry the valid token; `HDR`, low severity, sent by its holder.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    transport: Transport,
    expect: Expect,
    knob: Option<Knob>,
    post: Option<PostCheck>,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "alt-transport-query", spec: "RFC 6750 §2.3", source: "alt-transport", about: "T0 as `?access_token=` and no header (RFC 6750 §2.3)", transport: Transport::Query, expect: Expect::HeaderOnly, knob: Some(Knob::QueryOrBody), post: None },
    Row { id: "alt-transport-form", spec: "RFC 6750 §2.2", source: "alt-transport", about: "T0 in a POST form body and no header (RFC 6750 §2.2)", transport: Transport::Form, expect: Expect::HeaderOnly, knob: Some(Knob::QueryOrBody), post: Some(PostCheck::NeedsPostRoute) },
    Row { id: "alt-transport-cookie", spec: "RFC 6750 §2 (three methods, no cookie)", source: "alt-transport", about: "T0 in a cookie and no header", transport: Transport::Cookie, expect: Expect::HeaderOnly, knob: None, post: None },
    Row { id: "two-methods", spec: "RFC 6750 §2 (one method per request), §3.1", source: "two-methods", about: "T0 in the header and in `?access_token=` (RFC 6750 §2: one method only)", transport: Transport::HeaderAndQuery, expect: Expect::Tolerated, knob: Some(Knob::TwoMethods), post: None },
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
        recipe: Recipe::Transport(row.transport),
        expect: row.expect,
        threat: Threat::Client,
        policy: None,
        knob: row.knob,
        post: row.post,
        why: "the valid token carried another way: RFC 6750 §5.3 discourages tokens outside the header, so a 2xx is a warning",
    })
}
