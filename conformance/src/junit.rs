//! JUnit XML for CI: one test case per conformance case; failures and warnings as such.

use crate::report::Report;
use crate::verdict::Verdict;
use std::fmt::Write;

use mock_tenant::escape_markup as escape;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::verdict::Exchange;

    fn report(verdict: Verdict, note: &str, body: &str) -> Report {
        let case = &crate::cases()[0];
        let exchange = Exchange {
            request: "GET /api/private".into(),
            status: Some(500),
            body: body.into(),
            ..Exchange::default()
        };
        Report {
            catalogue_on: None,
            requests_per_operation: Default::default(),
            unsteady: None,
            format_version: crate::REPORT_FORMAT_VERSION,
            tool_version: "0.0.0".into(),
            started_at: "2026-12-03T23:55:00Z".into(),
            target: "http://127.0.0.1:1".into(),
            profile: "auth0-quickstart".into(),
            outcomes: vec![Outcome::new(case, verdict, note.into(), vec![exchange])],
            wall_ms: 1500,
            waited_ms: 0,
            contaminated_by: None,
            isolated: false,
        }
    }

    #[test]
    fn whatever_the_api_answered_the_document_stays_well_formed() {
        let xml = to_junit(&report(
            Verdict::FailRobustness,
            "it's <b>\"bad\"</b> & \u{b}",
            "trace\u{0}\u{1b}[31m</failure><x a='1'>",
        ));
        assert!(
            !xml.chars()
                .any(|c| c < ' ' && !matches!(c, '\n' | '\t' | '\r'))
        );
        assert!(
            xml.contains("it&#39;s &lt;b&gt;&quot;bad&quot;&lt;/b&gt; &amp; \u{FFFD}"),
            "{xml}"
        );
        assert_eq!(xml.matches("</failure>").count(), 1, "{xml}");
        assert!(!xml.contains("<x a="), "{xml}");
        assert!(xml.contains("timestamp=\"2026-12-03T23:55:00\""), "{xml}");
    }

    #[test]
    fn not_applicable_is_skipped_and_counted() {
        let xml = to_junit(&report(
            Verdict::NotApplicable,
            "not run: no POST route",
            "",
        ));
        assert!(xml.contains("skipped=\"1\""), "{xml}");
        assert!(
            xml.contains("<skipped message=\"not run: no POST route\"/>"),
            "{xml}"
        );
        assert!(!xml.contains("<failure"), "{xml}");
    }
}
