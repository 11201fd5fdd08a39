//! The route audit against an orders API with route-level flaws: each flaw fails exactly its
//! operation's checks, and the correct API fails none. The API verifies tokens as a correct
//! one does (RS256 by `kid` from the tenant's key set, `iss`, `aud`, `exp`), then checks
//! scopes per route, as the flaw says.

use conformance::routes::{Operation, from_openapi};
use conformance::{AuditOptions, Run, Target, Verdict};
use http::{HeaderMap, Method, StatusCode};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mock_tenant::MockTenant;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use warp::Filter;
use warp::http::Response;

/// The orders API's document: a public health check, a scope per operation, one operation
/// needing two scopes, one where a token is optional.
const SPEC: &str = r#"
openapi: 3.0.3
info: {title: orders, version: "1"}
security: [{auth0: [read:orders]}]
components:
  securitySchemes:
    auth0:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://tenant.example/oauth/token
          scopes: {read:orders: r, write:orders: w, delete:orders: d, admin: a}
paths:
  /health:
    get: {security: [], responses: {'200': {description: up}}}
  /orders:
    post:
      security: [{auth0: [write:orders, admin]}]
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [item], properties: {item: {type: string}}}
      responses: {'201': {description: made}}
  /orders/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer, example: 7}}]
    get: {responses: {'200': {description: one}}}
    put:
      security: [{auth0: [write:orders]}]
      responses: {'200': {description: changed}}
    delete:
      security: [{auth0: [delete:orders]}]
      responses: {'204': {description: gone}}
  /feed:
    get:
      security: [{}, {auth0: [read:orders]}]
      responses: {'200': {description: public or all}}
"#;

/// A route-level flaw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RouteFlaw {
    /// `GET /orders/{id}` forgot its auth middleware.
    NoAuthOnGet,
    /// `PUT /orders/{id}` checks the read scope instead of the write scope.
    ReadScopeOnPut,
    /// `DELETE /orders/{id}` takes any valid token.
    AnyTokenOnDelete,
    /// `POST /orders` takes either of its two scopes.
    OneOfTwoOnPost,
    /// Scopes compared by prefix (`startsWith`).
    ScopePrefix,
    /// Scopes compared ignoring case.
    ScopeCaseInsensitive,
    /// `GET /health` demands a token although the document says public (spec drift).
    TokenOnHealth,
    /// `GET /feed` reads the token's claims without verifying it.
    FeedDecodesUnverified,
}

struct OrdersApi {
    keys: JwkSet,
    issuer: String,
    audience: String,
    flaw: Option<RouteFlaw>,
}

impl OrdersApi {
    /// The claims of a token that verifies, or `None`.
    fn verified(&self, headers: &HeaderMap) -> Option<Value> {
        let token = bearer(headers)?;
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let key = DecodingKey::from_jwk(self.keys.find(&kid)?).ok()?;
        let mut v = Validation::new(Algorithm::RS256);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(&[&self.audience]);
        jsonwebtoken::decode::<Value>(token, &key, &v)
            .ok()
            .map(|d| d.claims)
    }

    fn has(&self, claims: &Value, needed: &str) -> bool {
        claims["scope"]
            .as_str()
            .unwrap_or("")
            .split(' ')
            .any(|s| match self.flaw {
                Some(RouteFlaw::ScopePrefix) => s.starts_with(needed),
                Some(RouteFlaw::ScopeCaseInsensitive) => s.eq_ignore_ascii_case(needed),
                _ => s == needed,
            })
    }

    /// 401 without a verified token, 403 without every scope (any one, when `any`).
    fn guard(&self, headers: &HeaderMap, scopes: &[&str], any: bool) -> Result<(), u16> {
        let claims = self.verified(headers).ok_or(401u16)?;
        let ok = if any {
            scopes.iter().any(|s| self.has(&claims, s))
        } else {
            scopes.iter().all(|s| self.has(&claims, s))
        };
        if ok { Ok(()) } else { Err(403) }
    }

    fn answer(&self, method: &Method, path: &str, headers: &HeaderMap) -> (u16, Value) {
        use RouteFlaw::*;
        let flaw = self.flaw;
        let done = |r: Result<(), u16>, ok: u16| match r {
            Ok(()) => (ok, json!({"ok": true})),
            Err(status) => (status, json!({"error": status})),
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method.as_str(), segments.as_slice()) {
            ("GET", ["health"]) if flaw == Some(TokenOnHealth) => {
                done(self.verified(headers).map(drop).ok_or(401), 200)
            }
            ("GET", ["health"]) => (200, json!({"up": true})),
            ("POST", ["orders"]) => {
                let any = flaw == Some(OneOfTwoOnPost);
                done(self.guard(headers, &["write:orders", "admin"], any), 201)
            }
            ("GET", ["orders", id]) if id.parse::<u64>().is_ok() => {
                if flaw == Some(NoAuthOnGet) {
                    return (200, json!({"id": id}));
                }
                done(self.guard(headers, &["read:orders"], false), 200)
            }
            ("PUT", ["orders", _]) => {
                let scope = if flaw == Some(ReadScopeOnPut) {
                    "read:orders"
                } else {
                    "write:orders"
                };
                done(self.guard(headers, &[scope], false), 200)
            }
            ("DELETE", ["orders", _]) => {
                let scopes: &[&str] = if flaw == Some(AnyTokenOnDelete) {
                    &[]
                } else {
                    &["delete:orders"]
                };
                done(self.guard(headers, scopes, false), 204)
            }
            ("GET", ["feed"]) => {
                let claims = if flaw == Some(FeedDecodesUnverified) {
                    bearer(headers).and_then(unverified_claims)
                } else {
                    match (bearer(headers), self.verified(headers)) {
                        (Some(_), None) => return (401, json!({"error": 401})),
                        (_, claims) => claims,
                    }
                };
                match claims {
                    Some(c) if self.has(&c, "read:orders") => (200, json!({"items": "all"})),
                    _ => (200, json!({"items": "public"})),
                }
            }
            ("GET" | "PUT" | "DELETE" | "POST", ["orders", ..] | ["health"] | ["feed"]) => {
                (405, json!({"error": 405}))
            }
            _ => (404, json!({"error": 404})),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn unverified_claims(token: &str) -> Option<Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Serves the orders API with `flaw` on a loopback port until the sender is dropped.
async fn start(
    tenant: &MockTenant,
    flaw: Option<RouteFlaw>,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let ca = reqwest::Certificate::from_pem(tenant.ca_pem().unwrap().as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(ca)
        .no_proxy()
        .build()
        .unwrap();
    let keys: JwkSet = http
        .get(tenant.jwks_uri())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let valid = tenant.token().sign();
    let audience = unverified_claims(&valid).unwrap()["aud"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = Arc::new(OrdersApi {
        keys,
        issuer: tenant.issuer().to_owned(),
        audience,
        flaw,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let routes = warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .map(
            move |method: Method, path: warp::path::FullPath, headers: HeaderMap| {
                let (status, body) = api.answer(&method, path.as_str(), &headers);
                let mut res = Response::new(body.to_string());
                *res.status_mut() = StatusCode::from_u16(status).unwrap();
                res
            },
        );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        warp::serve(routes)
            .incoming(listener)
            .graceful(async {
                let _ = rx.await;
            })
            .run(),
    );
    (url, tx)
}

fn operations() -> Vec<Operation> {
    from_openapi(SPEC, "orders.yaml").unwrap()
}

/// The route outcomes of an audit of the orders API with `flaw`.
async fn audit(flaw: Option<RouteFlaw>, options: AuditOptions) -> conformance::Report {
    let tenant = MockTenant::start().await;
    let (url, _stop) = start(&tenant, flaw).await;
    let target = Target::new(url, crate::tenant_of(&tenant));
    Run::new(&crate::profile())
        .cases(&[])
        .routes(&operations(), options)
        .against(&target)
        .await
}

fn failing(report: &conformance::Report) -> BTreeSet<String> {
    report
        .outcomes
        .iter()
        .filter(|o| o.verdict.is_failure())
        .map(|o| o.id.clone())
        .collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn the_correct_orders_api_passes_every_check_of_every_operation() {
    let report = audit(None, AuditOptions::default()).await;
    let text = report.to_text(false, true);
    assert_eq!(failing(&report), BTreeSet::new(), "{text}");
    assert!(
        report
            .outcomes
            .iter()
            .all(|o| o.verdict <= Verdict::PassTolerated),
        "{text}"
    );
    // Six operations; a required one gets 6 forged or missing tokens, 3 checks per scope
    // every alternative needs, and exactly its scopes.
    let of = |label: &str| {
        report
            .outcomes
            .iter()
            .filter(|o| o.operation.as_deref() == Some(label))
            .count()
    };
    assert_eq!(of("GET /orders/{id}"), 6 + 3 + 1, "{text}");
    assert_eq!(of("POST /orders"), 6 + 6 + 1, "{text}");
    assert_eq!(of("GET /health"), 2, "{text}");
    assert_eq!(of("GET /feed"), 2 + 5, "{text}");
    assert!(text.contains(conformance::ROUTE_RULE), "{text}");
    // Requests per operation, summed from its outcomes: the audit's linear growth, visible.
    assert_eq!(report.requests_per_operation.len(), 6, "{text}");
    for (op, count) in &report.requests_per_operation {
        let sent: usize = report
            .outcomes
            .iter()
            .filter(|o| o.operation.as_deref() == Some(op.as_str()))
            .map(|o| o.exchanges.len())
            .sum();
        assert_eq!(*count, sent, "{op}");
    }
    assert!(text.contains("(6 operations, "), "{text}");
    // The HTML report's matrix: a row per operation, a column per check.
    let html = conformance::to_html(&report);
    let matrix = &html[html.find("<h2>Routes</h2>").expect("a routes matrix")..];
    assert!(
        matrix.contains("<td><b>GET /orders/{id}</b></td>"),
        "{matrix}"
    );
    assert!(matrix.contains("<th><small>scope read:orders missing</small></th>"));
    assert_eq!(matrix.matches("<tr><td><b>").count(), 6);
    let put = report
        .outcome("PUT /orders/{id} :: scope write:orders missing")
        .unwrap();
    assert_eq!(
        put.exchanges[0]
            .request
            .split(' ')
            .take(2)
            .collect::<Vec<_>>(),
        ["PUT", "/orders/7"]
    );
}

#[tokio::test]
async fn each_route_flaw_fails_exactly_its_operations_checks() {
    use RouteFlaw::*;
    let forged = |op: &str| -> Vec<String> {
        [
            "no token",
            "garbage token",
            "expired token",
            "token for another audience",
            "unsigned token (alg none)",
            "token signed by a key the tenant never had",
        ]
        .iter()
        .map(|c| format!("{op} :: {c}"))
        .collect()
    };
    let scoped = |op: &str, scope: &str| -> Vec<String> {
        ["missing", "upper-cased", "with a suffix"]
            .iter()
            .map(|c| format!("{op} :: scope {scope} {c}"))
            .collect()
    };
    let get = "GET /orders/{id}";
    let post = "POST /orders";
    let table: Vec<(RouteFlaw, BTreeSet<String>)> = vec![
        (
            NoAuthOnGet,
            forged(get)
                .into_iter()
                .chain(scoped(get, "read:orders"))
                .collect(),
        ),
        (
            ReadScopeOnPut,
            ids(&[
                "PUT /orders/{id} :: scope write:orders missing",
                "PUT /orders/{id} :: exactly its scopes",
            ]),
        ),
        (
            AnyTokenOnDelete,
            scoped("DELETE /orders/{id}", "delete:orders")
                .into_iter()
                .collect(),
        ),
        (
            OneOfTwoOnPost,
            scoped(post, "write:orders")
                .into_iter()
                .chain(scoped(post, "admin"))
                .collect(),
        ),
        (
            ScopePrefix,
            ids(&[
                "GET /orders/{id} :: scope read:orders with a suffix",
                "PUT /orders/{id} :: scope write:orders with a suffix",
                "DELETE /orders/{id} :: scope delete:orders with a suffix",
                "POST /orders :: scope write:orders with a suffix",
                "POST /orders :: scope admin with a suffix",
            ]),
        ),
        (
            ScopeCaseInsensitive,
            ids(&[
                "GET /orders/{id} :: scope read:orders upper-cased",
                "PUT /orders/{id} :: scope write:orders upper-cased",
                "DELETE /orders/{id} :: scope delete:orders upper-cased",
                "POST /orders :: scope write:orders upper-cased",
                "POST /orders :: scope admin upper-cased",
            ]),
        ),
        (TokenOnHealth, ids(&["GET /health :: no token"])),
        (
            FeedDecodesUnverified,
            ids(&[
                "GET /feed :: expired token",
                "GET /feed :: token for another audience",
                "GET /feed :: unsigned token (alg none)",
                "GET /feed :: token signed by a key the tenant never had",
            ]),
        ),
    ];
    let mut problems = Vec::new();
    for (flaw, expected) in table {
        let report = audit(Some(flaw), AuditOptions::default()).await;
        let got = failing(&report);
        if got != expected {
            problems.push(format!(
                "{flaw:?}: unexpected {:?}, missing {:?}",
                got.difference(&expected).collect::<Vec<_>>(),
                expected.difference(&got).collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn no_mutate_sends_unsafe_operations_only_requests_that_must_be_refused() {
    let options = AuditOptions {
        mutate: false,
        ..AuditOptions::default()
    };
    let report = audit(None, options).await;
    for label in ["POST /orders", "PUT /orders/{id}", "DELETE /orders/{id}"] {
        let o = report
            .outcome(&format!("{label} :: exactly its scopes"))
            .unwrap();
        assert_eq!(o.verdict, Verdict::NotApplicable, "{label}");
        assert!(o.exchanges.is_empty());
    }
    assert_eq!(
        report
            .outcome("GET /orders/{id} :: exactly its scopes")
            .unwrap()
            .verdict,
        Verdict::Pass
    );
}

#[tokio::test]
async fn an_operation_the_api_lacks_is_spec_drift_not_a_token_let_through() {
    let tenant = MockTenant::start().await;
    let (url, _stop) = start(&tenant, None).await;
    let spec = SPEC.replace(
        "  /feed:",
        "  /refunds/{id}:\n    get: {responses: {'200': {description: r}}}\n  /feed:",
    );
    let ops = from_openapi(&spec, "orders.yaml").unwrap();
    let target = Target::new(url, crate::tenant_of(&tenant));
    let report = Run::new(&crate::profile())
        .cases(&[])
        .routes(&ops, AuditOptions::default())
        .against(&target)
        .await;
    let text = report.to_text(false, true);
    assert_eq!(report.failed(), 0, "{text}");
    let refunds: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.operation.as_deref() == Some("GET /refunds/{id}"))
        .collect();
    assert_eq!(refunds.len(), 10, "{text}");
    for o in refunds {
        assert_eq!(o.verdict, Verdict::WarnConformance, "{text}");
        assert!(o.note.contains("not there (spec drift)"), "{}", o.note);
    }
}

/// With `aim`, the catalogue runs on the operations the audit found open: the public GET, and
/// a GET one scope opens that answered 2xx (here `GET /orders/{id}`, the only one).
#[tokio::test]
async fn aimed_the_catalogue_runs_on_operations_the_audit_found_open() {
    let tenant = MockTenant::start().await;
    let (url, _stop) = start(&tenant, None).await;
    let target = Target::new(url, crate::tenant_of(&tenant));
    let only: Vec<conformance::Case> = conformance::cases()
        .into_iter()
        .filter(|c| {
            ["valid", "valid-scoped", "public-open", "scope-missing"].contains(&c.id.as_str())
        })
        .collect();
    let options = AuditOptions {
        aim: true,
        ..AuditOptions::default()
    };
    let report = Run::new(&crate::profile())
        .cases(&only)
        .routes(&operations(), options)
        .against(&target)
        .await;
    let text = report.to_text(false, true);
    assert_eq!(report.failed(), 0, "{text}");
    assert_eq!(
        report.catalogue_on.as_deref(),
        Some("the catalogue ran on GET /orders/{id} (/orders/7, scope read:orders)"),
        "{text}"
    );
    for id in ["valid", "valid-scoped", "public-open", "scope-missing"] {
        let o = report.outcome(id).unwrap();
        // The test API sends no challenge with its 403: tolerated by the quickstart profile.
        assert!(o.verdict <= Verdict::PassTolerated, "{text}");
    }
    assert_eq!(
        report.outcome("valid").unwrap().exchanges[0]
            .request
            .split(' ')
            .nth(1),
        Some("/orders/7")
    );
}

#[tokio::test]
async fn sarif_and_markdown_carry_each_finding_with_its_rule_request_and_answer() {
    let report = audit(Some(RouteFlaw::ReadScopeOnPut), AuditOptions::default()).await;
    let sarif: Value =
        serde_json::from_str(&conformance::to_sarif(&report, Some("orders.yaml"))).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    // Exactly the failures and warnings, nothing that passed.
    let findings = report
        .outcomes
        .iter()
        .filter(|o| o.verdict.is_failure() || o.verdict.is_warning())
        .count();
    assert_eq!(results.len(), findings, "{sarif:#}");
    let put = results
        .iter()
        .find(|r| r["properties"]["case"] == "PUT /orders/{id} :: scope write:orders missing")
        .expect("the PUT finding");
    assert_eq!(put["level"], "error");
    assert_eq!(put["ruleId"], "route: scope write:orders missing");
    assert_eq!(put["webRequest"]["method"], "PUT");
    assert!(
        put["webRequest"]["target"]
            .as_str()
            .unwrap()
            .ends_with("/orders/7"),
        "{put:#}"
    );
    assert_eq!(put["webResponse"]["statusCode"], 200);
    let location = &put["locations"][0];
    assert_eq!(location["logicalLocations"][0]["name"], "PUT /orders/{id}");
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "orders.yaml"
    );
    let rule = &run["tool"]["driver"]["rules"][put["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], put["ruleId"]);
    assert_eq!(rule["properties"]["spec"], "OWASP API5:2023");
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    // The Markdown summary: one row per finding, the case id in code.
    let markdown = conformance::to_markdown(&report, false);
    assert!(markdown.contains(&report.summary_line()), "{markdown}");
    assert!(
        markdown.contains(
            "| `PUT /orders/{id} :: scope write:orders missing` | FAIL unsafe | High | 200"
        ),
        "{markdown}"
    );
    assert_eq!(markdown.matches("\n| `").count(), findings, "{markdown}");
}
