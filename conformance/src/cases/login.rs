//! The tenant's own real tokens, from real logins: what a front end holds, sent to the API.

use crate::case::{Case, Category, Expect, LoginTokens, Policy, Recipe, Severity, Threat};

/// One kind of login token; sent to `/api/private`, refused by a correct API, signed (or
/// encrypted) by the tenant, for an audience that is not the API's.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    category: Category,
    severity: Severity,
    /// The catalogue row.
    source: &'static str,
    about: &'static str,
    tokens: LoginTokens,
    why: &'static str,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "id-token-login", category: Category::Type, severity: Severity::High, source: "id-token", spec: "RFC 8725 §2.8, §3.9", about: "real ID tokens of the tenant's own front ends: a login to each of its login clients", tokens: LoginTokens::IdTokens, why: "their audience is a client of the tenant, never the API: an API that accepts its own front end's ID tokens skips its audience check (RFC 8725 §2.8)" },
    Row { id: "jwe-userinfo-login", category: Category::Fmt, severity: Severity::Medium, source: "jwe", spec: "RFC 7516; RFC 8725 §2.8", about: "the access token of a login without an audience: Auth0's JWE (`alg: dir`, `enc: A256GCM`, five parts), good only for /userinfo", tokens: LoginTokens::Userinfo, why: "what a front end holds when it forgot the audience: the API cannot read it and it is not for the API, so 401 `invalid_token`, never a 5xx" },
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
        recipe: Recipe::Login(row.tokens),
        expect: Expect::Invalid,
        threat: Threat::Issuer,
        policy: Some(Policy::Audience),
        knob: None,
        post: None,
        why: row.why,
    })
}
