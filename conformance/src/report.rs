//! The report: one outcome per case, and the readable terminal table grouped by category.

use crate::case::{Case, Category, Expect, Severity, Threat};
use crate::verdict::{Exchange, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What happened to one case.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The case id.
    pub id: String,
    /// Its category.
    pub category: Category,
    /// Its severity.
    pub severity: Severity,
    /// Its catalogue row.
    pub source: String,
    /// The standard's section or the advisory the case comes from ([`Case::spec`]); `-` where
    /// the case is the suite's own.
    pub spec: String,
    /// What was sent and why.
    pub about: String,
    /// What a correct API answers.
    pub expect: Expect,
    /// Who could send it.
    pub threat: Threat,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub note: String,
    /// The requests and answers.
    pub exchanges: Vec<Exchange>,
    /// The stateful case after which the valid token stopped passing, if this case ran after
    /// it: its verdict is not to be trusted, and it does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contaminated_by: Option<String>,
    /// The published advisories whose behaviour the case reproduces ([`Case::advisories`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<crate::Advisory>,
    /// The operation of the route audit (`GET /v1/orders/{id}`), for its outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

impl Outcome {
    pub(crate) fn new(
        case: &Case,
        verdict: Verdict,
        note: String,
        exchanges: Vec<Exchange>,
    ) -> Self {
        Self {
            id: case.id.clone(),
            category: case.category,
            severity: case.severity,
            source: case.source.to_owned(),
            spec: case.spec.to_owned(),
            about: case.about.clone(),
            expect: case.expect,
            threat: case.threat,
            verdict,
            note,
            exchanges,
            contaminated_by: None,
            advisories: case.advisories(),
            operation: None,
        }
    }
}

/// The version of the JSON report's shape: bumped when a field changes meaning or goes away.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`REPORT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The conformance version that ran.
    pub tool_version: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// The API's URL.
    pub target: String,
    /// The profile's name.
    pub profile: String,
    /// One per case, in the order run.
    pub outcomes: Vec<Outcome>,
    /// Wall time of the run, in milliseconds.
    pub wall_ms: u64,
    /// Of which declared waits (rotation cooldown, cache lifetime, slow JWKS): their sum on one
    /// pair; under isolation, where pairs wait side by side, the longest chain on any one pair.
    pub waited_ms: u64,
    /// The stateful case after which the valid token no longer passed: every later outcome is
    /// contaminated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contaminated_by: Option<String>,
    /// Whether the stateful JWKS scenarios ran each on a fresh tenant and API of its own, in
    /// parallel with the other cases ([`Isolation`](crate::Isolation)); then `waited_ms` is the
    /// longest chain of waits on any one pair.
    pub isolated: bool,
    /// Where the catalogue ran when the route audit chose its paths
    /// ([`crate::routes::Aimed::describe`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue_on: Option<String>,
    /// The route audit's requests per operation (`GET /v1/orders/{id}`: 11), so that its
    /// linear growth shows; empty without an audit.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub requests_per_operation: BTreeMap<String, usize>,
    /// Why the run stopped before its first case: the API answered its public path only some of
    /// the time ([`PROBES`](crate::PROBES) requests). The report then has no outcomes, and the
    /// command line exits 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsteady: Option<String>,
}

/// Now, as RFC 3339 in UTC, to the second.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Report {
    /// Cases that did not fail (warnings included).
    pub fn passed(&self) -> usize {
        self.outcomes.len() - self.failed()
    }

    /// Cases that failed (contaminated outcomes are not counted: they are not trusted).
    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict.is_failure() && o.contaminated_by.is_none())
            .count()
    }

    /// Whether the run should exit non-zero: a failure, or a contaminated run (its later
    /// verdicts cannot be trusted).
    pub fn is_failure(&self) -> bool {
        self.failed() > 0 || self.contaminated_by.is_some()
    }

    /// Cases not run or not applicable, and contaminated ones: JUnit's `skipped`.
    pub fn skipped(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::NotApplicable || o.contaminated_by.is_some())
            .count()
    }

    /// Cases with a conformance warning.
    pub fn warned(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::WarnConformance | Verdict::WarnStrict))
            .count()
    }

    /// The outcome of a case by id.
    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == id)
    }

    /// Counts per verdict.
    pub fn counts(&self) -> BTreeMap<Verdict, usize> {
        let mut counts = BTreeMap::new();
        for o in &self.outcomes {
            *counts.entry(o.verdict).or_default() += 1;
        }
        counts
    }

    /// The closing line, `N passed, N failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// The terminal table, grouped by category; failures and warnings first in each group
    /// unless `all` is set, in which case every case is listed.
    pub fn to_text(&self, color: bool, all: bool) -> String {
        let paint = |verdict: Verdict, text: &str| -> String {
            if !color {
                return text.to_owned();
            }
            let code = match verdict {
                Verdict::Pass => "32",
                Verdict::PassTolerated => "36",
                Verdict::NotApplicable => "2",
                Verdict::WarnConformance | Verdict::WarnStrict => "33",
                _ => "1;31",
            };
            format!("\x1b[{code}m{text}\x1b[0m")
        };
        let mut out = format!("conformance: {} (profile {})\n", self.target, self.profile);
        if let Some(on) = &self.catalogue_on {
            let _ = writeln!(out, "{on}");
        }
        if let Some(case) = &self.contaminated_by {
            let later = self
                .outcomes
                .iter()
                .filter(|o| o.contaminated_by.is_some())
                .count();
            let _ = writeln!(
                out,
                "\nCONTAMINATED: after {case}, the valid token no longer passed within the declared \
                 cooldown, even with the tenant's state put back. The {later} results after it are \
                 marked `contaminated by {case}` and are not failures; run {case} alone \
                 (--only {case}) or declare the API's cooldown and cache lifetime."
            );
        }
        let mut groups: BTreeMap<Category, Vec<&Outcome>> = BTreeMap::new();
        for o in &self.outcomes {
            groups.entry(o.category).or_default().push(o);
        }
        for (category, outcomes) in groups {
            let bad = outcomes
                .iter()
                .filter(|o| o.verdict >= Verdict::WarnConformance)
                .count();
            let _ = writeln!(
                out,
                "\n{category} ({} cases, {bad} not passing)",
                outcomes.len()
            );
            if category == Category::Route {
                let _ = writeln!(out, "  ({})", crate::ROUTE_RULE);
                let counts = self.requests_per_operation.values();
                if let (Some(least), Some(most)) = (counts.clone().min(), counts.clone().max()) {
                    let _ = writeln!(
                        out,
                        "  ({} operations, {} requests: {least} to {most} per operation)",
                        self.requests_per_operation.len(),
                        counts.sum::<usize>()
                    );
                }
            }
            for o in outcomes {
                if !all && o.verdict < Verdict::WarnConformance {
                    continue;
                }
                let label = paint(o.verdict, &format!("{:<17}", o.verdict.label()));
                let note = match &o.contaminated_by {
                    Some(case) => format!("[contaminated by {case}] {}", o.note),
                    None => o.note.clone(),
                };
                let _ = writeln!(out, "  {label} {:<34} {:?}  {note}", o.id, o.severity);
            }
        }
        let counts = self
            .counts()
            .iter()
            .map(|(v, n)| format!("{n} {}", v.label()))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "\n{counts}\n{} s wall time, of which {} s declared waits\n{}",
            self.wall_ms as f64 / 1000.0,
            self.waited_ms as f64 / 1000.0,
            self.summary_line()
        );
        out
    }
}
