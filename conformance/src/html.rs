//! One self-contained HTML page: verdicts by category and severity, then every case with its
//! requests and the API's answers. No scripts, no external resources.

use crate::report::Report;
use crate::verdict::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write;

use mock_tenant::escape_markup as escape;

fn class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::PassTolerated => "tolerated",
        Verdict::NotApplicable => "na",
        Verdict::WarnConformance | Verdict::WarnStrict => "warn",
        _ => "fail",
    }
}

/// The report as an HTML page.
pub fn to_html(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Conformance: {}</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:80em}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}}\
         .pass{{background:#e6f4ea}}.tolerated{{background:#e8f0fe}}.na{{color:#666}}.warn{{background:#fef7e0}}.fail{{background:#fce8e6;font-weight:bold}}\
         pre{{white-space:pre-wrap;margin:0;font-size:.85em}}</style></head><body>",
        escape(&report.target)
    );
    let _ = write!(
        out,
        "<h1>Conformance of {}</h1><p>Profile <b>{}</b>. <b>{}</b>. {:.1} s, of which {:.1} s declared waits.</p>",
        escape(&report.target),
        escape(&report.profile),
        report.summary_line(),
        report.wall_ms as f64 / 1000.0,
        report.waited_ms as f64 / 1000.0
    );
    // Verdicts by category and by severity.
    for (title, key) in [("category", 0), ("severity", 1)] {
        let mut table: BTreeMap<String, BTreeMap<Verdict, usize>> = BTreeMap::new();
        for o in &report.outcomes {
            let k = if key == 0 {
                o.category.to_string()
            } else {
                format!("{:?}", o.severity)
            };
            *table.entry(k).or_default().entry(o.verdict).or_default() += 1;
        }
        let _ = write!(out, "<h2>By {title}</h2><table><tr><th>{title}</th>");
        let verdicts = [
            Verdict::Pass,
            Verdict::PassTolerated,
            Verdict::NotApplicable,
            Verdict::WarnConformance,
            Verdict::WarnStrict,
            Verdict::FailStrict,
            Verdict::FailRobustness,
            Verdict::FailFunctional,
            Verdict::FailUnsafe,
        ];
        for v in verdicts {
            let _ = write!(out, "<th class=\"{}\">{}</th>", class(v), v.label());
        }
        out.push_str("</tr>");
        for (k, counts) in table {
            let _ = write!(out, "<tr><td>{k}</td>");
            for v in verdicts {
                let n = counts.get(&v).copied().unwrap_or(0);
                let _ = write!(
                    out,
                    "<td>{}</td>",
                    if n == 0 { String::new() } else { n.to_string() }
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
    }
    routes_matrix(report, &mut out);
    out.push_str("<h2>Cases</h2><table><tr><th>verdict</th><th>case</th><th>category</th><th>severity</th><th>what was sent</th><th>the answer</th></tr>");
    let mut sorted: Vec<_> = report.outcomes.iter().collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.verdict));
    for o in sorted {
        let exchanges = o
            .exchanges
            .iter()
            .map(|e| {
                let answer = match (e.status, &e.error) {
                    (Some(s), _) => {
                        format!("{s} {}\n{}", e.challenge.as_deref().unwrap_or(""), e.body)
                    }
                    (None, Some(err)) => err.clone(),
                    _ => String::new(),
                };
                (escape(&e.request), escape(&answer))
            })
            .collect::<Vec<_>>();
        let _ = write!(
            out,
            "<tr class=\"{}\"><td>{}<br><small>{}</small></td><td><b>{}</b><br><small>{}</small></td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td></tr>",
            class(o.verdict),
            o.verdict.label(),
            escape(&o.note),
            escape(&o.id),
            escape(&o.about),
            o.category,
            o.severity,
            exchanges
                .iter()
                .map(|(r, _)| format!("<pre>{r}</pre>"))
                .collect::<String>(),
            exchanges
                .iter()
                .map(|(_, a)| format!("<pre>{a}</pre>"))
                .collect::<String>(),
        );
    }
    out.push_str("</table></body></html>\n");
    out
}

/// The route audit as a matrix: one row per operation, one column per check, each cell the
/// verdict (its note on hover).
fn routes_matrix(report: &Report, out: &mut String) {
    let routed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.operation.is_some())
        .collect();
    if routed.is_empty() {
        return;
    }
    let check = |id: &str| id.split(" :: ").nth(1).unwrap_or("").to_owned();
    // Columns in the order the checks were first run; scope checks keep their scope's name.
    let mut columns: Vec<String> = Vec::new();
    let mut operations: Vec<&str> = Vec::new();
    for o in &routed {
        let c = check(&o.id);
        if !columns.contains(&c) {
            columns.push(c);
        }
        let op = o.operation.as_deref().unwrap_or("");
        if !operations.contains(&op) {
            operations.push(op);
        }
    }
    let _ = write!(
        out,
        "<h2>Routes</h2><p>{}</p><table><tr><th>operation</th>",
        escape(crate::ROUTE_RULE)
    );
    for c in &columns {
        let _ = write!(out, "<th><small>{}</small></th>", escape(c));
    }
    out.push_str("</tr>");
    for op in operations {
        let _ = write!(out, "<tr><td><b>{}</b></td>", escape(op));
        for c in &columns {
            match routed
                .iter()
                .find(|o| o.operation.as_deref() == Some(op) && check(&o.id) == *c)
            {
                Some(o) => {
                    let _ = write!(
                        out,
                        "<td class=\"{}\" title=\"{}\">{}</td>",
                        class(o.verdict),
                        escape(&o.note),
                        o.verdict.label()
                    );
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}
