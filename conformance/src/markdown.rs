//! The findings as a Markdown table: a CI job summary (`$GITHUB_STEP_SUMMARY`), a merge-request
//! comment.

use crate::report::Report;
use std::fmt::Write;

/// The report's findings (failures and warnings; every case with `all`) as Markdown: a heading,
/// the summary line, the rule the route audit judges by, and one table row per case.
pub fn to_markdown(report: &Report, all: bool) -> String {
    let mut out = format!(
        "### Conformance of {} (profile {})\n\n**{}**\n\n",
        cell(&report.target),
        cell(&report.profile),
        report.summary_line()
    );
    if let Some(why) = &report.unsteady {
        let _ = writeln!(
            out,
            "The run stopped before its first case: {}\n",
            cell(why)
        );
    }
    let rows: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| all || o.verdict.is_failure() || o.verdict.is_warning())
        .collect();
    if rows.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| Case | Verdict | Severity | Why | Source |\n|---|---|---|---|---|\n");
    for o in rows {
        let mut source = o.spec.clone();
        for a in o.advisories.iter().filter(|a| !o.spec.contains(a.id)) {
            let _ = write!(source, "; {a}");
        }
        let verdict = match &o.contaminated_by {
            Some(case) => format!("{} (contaminated by {case})", o.verdict.label()),
            None => o.verdict.label().to_owned(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {:?} | {} | {} |",
            o.id.replace('`', "'"),
            cell(&verdict),
            o.severity,
            cell(&o.note),
            cell(&source)
        );
    }
    out
}

/// Text that stays inside one table cell: no line breaks, no column bars, no raw HTML.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace(['\r', '\n'], " ")
}
