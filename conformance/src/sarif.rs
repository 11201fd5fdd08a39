//! SARIF 2.1.0 for code scanning: one result per finding (a failure or a warning), each naming
//! its case as the rule, with the case's severity, spec section and advisories, and the request
//! that showed it.

use crate::case::Severity;
use crate::report::{Outcome, Report};
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    Sarif, Tool, ToolComponent, WebRequest, WebResponse,
};
use std::collections::BTreeMap;

/// Where the SARIF 2.1.0 schema lives; written as the log's `$schema`.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The report as a SARIF 2.1.0 log (JSON). `artifact` is the file the findings are attached to
/// (GitHub code scanning shows a result only with a file in the repository: the API's OpenAPI
/// document, say); without it, results carry only a logical location, the operation or the path.
pub fn to_sarif(report: &Report, artifact: Option<&str>) -> String {
    let findings: Vec<&Outcome> = report
        .outcomes
        .iter()
        .filter(|o| {
            (o.verdict.is_failure() || o.verdict.is_warning()) && o.contaminated_by.is_none()
        })
        .collect();
    // One rule per case, in the order of first appearance.
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for o in findings {
        let rule = rule_id(o);
        let rule_index = *index.entry(rule.clone()).or_insert_with(|| {
            rules.push(descriptor(&rule, o));
            rules.len() - 1
        });
        results.push(result(o, rule, rule_index, artifact, &report.target));
    }
    let driver = ToolComponent::builder()
        .name("auth0-offline conformance")
        .version(report.tool_version.clone())
        .semantic_version(report.tool_version.clone())
        .information_uri("https://github.com/auth0-offline/auth0-offline")
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([
                    ("target".to_owned(), json!(report.target)),
                    ("profile".to_owned(), json!(report.profile)),
                    ("summary".to_owned(), json!(report.summary_line())),
                ]))
                .build(),
        )
        .build();
    let log = Sarif::builder()
        .schema(SARIF_SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

/// The case id; for a route check the check alone (`route: scope write:orders missing`), so
/// that the same check on several operations is one rule with several results.
fn rule_id(o: &Outcome) -> String {
    match &o.operation {
        Some(op) => {
            o.id.strip_prefix(&format!("{op} :: "))
                .map_or_else(|| o.id.clone(), |check| format!("route: {check}"))
        }
        None => o.id.clone(),
    }
}

/// GitHub's `security-severity` (0.1–10: low below 4, medium below 7, high below 9).
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn descriptor(rule: &str, o: &Outcome) -> ReportingDescriptor {
    let mut properties = BTreeMap::from([
        ("severity".to_owned(), json!(o.severity)),
        ("category".to_owned(), json!(o.category)),
        ("threat".to_owned(), json!(o.threat)),
        ("spec".to_owned(), json!(o.spec)),
    ]);
    if let Some(score) = security_severity(o.severity) {
        properties.insert("security-severity".to_owned(), json!(score));
    }
    if !o.advisories.is_empty() {
        properties.insert(
            "advisories".to_owned(),
            json!(
                o.advisories
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
            ),
        );
    }
    let about = match &o.operation {
        // A route check's `about` names its operation; the rule is the check on any operation.
        Some(_) => rule.trim_start_matches("route: ").to_owned(),
        None => o.about.clone(),
    };
    let mut help = format!("{about}\n\nSource: {}", o.spec);
    for a in &o.advisories {
        help.push_str(&format!("\nAdvisory: {a}"));
    }
    ReportingDescriptor::builder()
        .id(rule)
        .short_description(MultiformatMessageString::builder().text(about).build())
        .help(MultiformatMessageString::builder().text(help).build())
        .help_uri(
            "https://github.com/auth0-offline/auth0-offline/blob/main/docs/cases.md".to_owned(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec!["security".to_owned(), o.category.to_string()])
                .additional_properties(properties)
                .build(),
        )
        .build()
}

fn result(
    o: &Outcome,
    rule: String,
    rule_index: usize,
    artifact: Option<&str>,
    target: &str,
) -> SarifResult {
    let level = if o.verdict.is_failure() {
        ResultLevel::Error
    } else {
        ResultLevel::Warning
    };
    let place = o.operation.clone().unwrap_or_else(|| {
        o.exchanges
            .first()
            .map(|e| request_line(&e.request).join(" "))
            .unwrap_or_else(|| target.to_owned())
    });
    let mut location = Location::builder()
        .logical_locations(vec![
            LogicalLocation::builder()
                .name(place.clone())
                .fully_qualified_name(format!("{target} {place}"))
                .kind("resource")
                .build(),
        ])
        .build();
    if let Some(uri) = artifact {
        location.physical_location = Some(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri.to_owned()).build())
                .build(),
        );
    }
    let mut properties = BTreeMap::from([
        ("case".to_owned(), json!(o.id)),
        ("verdict".to_owned(), json!(o.verdict.label())),
        ("severity".to_owned(), json!(o.severity)),
        ("spec".to_owned(), json!(o.spec)),
    ]);
    if !o.advisories.is_empty() {
        properties.insert(
            "advisories".to_owned(),
            Value::from(o.advisories.iter().map(|a| a.id).collect::<Vec<_>>()),
        );
    }
    let mut result = SarifResult::builder()
        .rule_id(rule)
        .rule_index(rule_index as i64)
        .level(level)
        .message(
            Message::builder()
                .text(format!("{}: {}: {}", o.id, o.verdict.label(), o.note))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            "caseAndPlace/v1".to_owned(),
            format!("{}|{place}", o.id),
        )]))
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    // The last exchange is the one the verdict rests on.
    if let Some(e) = o.exchanges.last() {
        let [method, path] = request_line(&e.request);
        result.web_request = Some(
            WebRequest::builder()
                .method(method)
                .target(format!("{}{path}", target.trim_end_matches('/')))
                .build(),
        );
        let mut response = WebResponse::builder().build();
        match e.status {
            Some(status) => response.status_code = Some(i64::from(status)),
            None => response.no_response_received = Some(true),
        }
        result.web_response = Some(response);
    }
    result
}

/// The method and path of an exchange's request line (`GET /api/private Authorization: ...`).
fn request_line(request: &str) -> [String; 2] {
    let mut words = request.split_whitespace();
    let method = words.next().unwrap_or("GET").to_owned();
    let path = words.next().unwrap_or("/").to_owned();
    [method, path]
}
