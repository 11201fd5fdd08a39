//! JUnit XML for CI: one test case per conformance case; failures and warnings as such.

use crate::report::Report;
use crate::verdict::Verdict;
use std::fmt::Write;

fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The report as a JUnit XML document.
pub fn to_junit(report: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"conformance\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
        report.outcomes.len(),
        report.failed(),
        report.wall_ms as f64 / 1000.0
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" timestamp=\"{}\" time=\"{:.3}\">",
        escape(&format!("{} ({})", report.target, report.profile)),
        report.outcomes.len(),
        report.failed(),
        report.skipped(),
        // JUnit's timestamp is ISO 8601 without a zone.
        escape(report.started_at.trim_end_matches('Z')),
        report.wall_ms as f64 / 1000.0
    );
    for o in &report.outcomes {
        let time: u64 = o.exchanges.iter().map(|e| e.elapsed_ms).sum();
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            o.category,
            escape(&o.id),
            time as f64 / 1000.0
        );
        let detail = o
            .exchanges
            .iter()
            .map(|e| format!("{} -> {:?} {}", e.request, e.status, e.body))
            .collect::<Vec<_>>()
            .join("\n");
        if o.verdict.is_failure() && o.contaminated_by.is_none() {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}: {}\" type=\"{}\">{}</failure>\n    </testcase>",
                o.verdict.label(),
                escape(&o.note),
                o.verdict.label(),
                escape(&format!("{}\n{detail}", o.about))
            );
        } else if o.verdict == Verdict::NotApplicable {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                escape(&o.note)
            );
        } else if let Some(case) = &o.contaminated_by {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"contaminated by {}: {}\"/>\n    </testcase>",
                escape(case),
                escape(&o.note)
            );
        } else if matches!(o.verdict, Verdict::WarnConformance | Verdict::WarnStrict) {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                escape(&format!("{}: {}\n{detail}", o.verdict.label(), o.note))
            );
        } else {
            out.push_str("/>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
