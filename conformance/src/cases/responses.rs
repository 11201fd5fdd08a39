//! Checks of the run as a whole: the valid token after every attack, and properties of every
//! answer the run collected.

use crate::case::{Case, Category, Endpoint, Expect, Recipe, ResponseCheck, Severity, Threat};

/// T0 again after every token attack.
pub(super) fn persistence() -> Case {
    Case {
        id: "persistence".into(),
        category: Category::Resp,
        severity: Severity::High,
        source: "persistence",
        spec: "RFC 6750 §2.1 (the valid token, after the attacks)",
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
    }
}

/// One check over every answer; its id is its catalogue row. Reported as a warning, never a
/// failure.
struct Row {
    id: &'static str,
    /// The standard's section, or the advisory, the case comes from.
    spec: &'static str,
    severity: Severity,
    about: &'static str,
    check: ResponseCheck,
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { id: "resp-challenge", spec: "RFC 6750 §3, §3.1", severity: Severity::Low, about: "every 401 and 403 of the run carries `WWW-Authenticate: Bearer`", check: ResponseCheck::Challenge },
    Row { id: "resp-leak", spec: "OWASP ASVS 4.0.3 §7.4.1 (generic error messages)", severity: Severity::Medium, about: "no refusal of the run shows a stack trace, key material or the token it got", check: ResponseCheck::Leak },
    Row { id: "resp-challenge-dpop", spec: "RFC 9449 §7.1", severity: Severity::Low, about: "every 401 to a DPoP request of the run carries `WWW-Authenticate: DPoP` with `algs` (RFC 9449 §7.1)", check: ResponseCheck::DpopChallenge },
];

/// The checks over every answer, in table order.
pub(super) fn checks() -> impl Iterator<Item = Case> {
    ROWS.iter().map(|row| Case {
        id: row.id.to_owned(),
        spec: row.spec,
        category: Category::Resp,
        severity: row.severity,
        source: row.id,
        about: row.about.to_owned(),
        recipe: Recipe::Responses(row.check),
        expect: Expect::Tolerated,
        threat: Threat::Client,
        policy: None,
        knob: None,
        post: None,
        why: "a property of every answer: reported as a warning, never a failure",
    })
}
