//! The route audit: every operation gets the tokens anyone could send (refused with 401), for
//! each scope every alternative needs a valid token holding every other scope the API defines
//! (403), the scope upper-cased and with a suffix (403), and exactly its scopes (let through).
//! An answer is judged on authorization only: 401 or 403 is refused, any other answer below
//! 500 let through (a 400, 404 or 422 came after authentication), a 5xx a robustness failure.

use super::{Ctx, finished, minting};
use crate::case::{Category, Expect, Severity, Threat};
use crate::profile::{Profile, ScopeSource};
use crate::report::Outcome;
use crate::routes::{Access, Operation, all_scopes};
use crate::verdict::{Exchange, Verdict};
use crate::{Observer, RunEvent, Target};
use mock_tenant::MintRequest;
use mock_tenant::forge::DefectId;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Instant;

/// The rule every route outcome is judged by, said once in the report.
pub const ROUTE_RULE: &str = "routes are judged on authorization only: 401 or 403 is refused; any other answer below 500 is let through (400, 404 and 422 come after authentication); a 5xx fails robustness";

/// What the audit may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditOptions {
    /// Send unsafe operations (POST, PUT, PATCH, DELETE) one request that may pass: exactly
    /// their scopes (`--no-mutate` turns it off; the audit is meant for a test instance).
    pub mutate: bool,
    /// Run the catalogue on operations of the routes ([`crate::routes::aim`]) instead of the
    /// profile's paths: true when no path was given.
    pub aim: bool,
}

impl Default for AuditOptions {
    fn default() -> Self {
        Self {
            mutate: true,
            aim: false,
        }
    }
}

/// What a correct API does with a check's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// 401: the token proves nothing (or there is none).
    Refused,
    /// 403: a valid token short of a scope (401 is tolerated).
    Forbidden,
    /// Not refused: a good token, or a public operation.
    LetThrough,
    /// Refused, or answered as the anonymous request is: a bad token on an operation that
    /// allows anonymous calls must never get more than anonymity.
    NoMoreThanAnonymous,
}

/// The token a check sends.
#[derive(Debug, Clone)]
enum Token {
    None,
    Raw(&'static str),
    Minted {
        defect: Option<DefectId>,
        scopes: Vec<String>,
    },
}

/// One check on one operation.
struct Check {
    name: String,
    token: Token,
    want: Want,
    /// The request may change state if it passes.
    may_mutate: bool,
}

/// The tokens anyone could make, each carrying every scope the API defines.
const FORGED: &[(&str, DefectId)] = &[
    ("expired token", DefectId::ExpPast),
    ("token for another audience", DefectId::AudWrong),
    ("unsigned token (alg none)", DefectId::AlgNone),
    (
        "token signed by a key the tenant never had",
        DefectId::OtherTenantKeyUnderKid,
    ),
];

/// The checks of one operation.
fn checks(op: &Operation, every: &BTreeSet<String>) -> Vec<Check> {
    let all: Vec<String> = every.iter().cloned().collect();
    let check = |name: &str, token: Token, want: Want| Check {
        name: name.to_owned(),
        token,
        want,
        may_mutate: false,
    };
    let mut out = Vec::new();
    match &op.access {
        Access::Unsupported(_) => {}
        Access::Public => out.extend(open(op, all.clone())),
        Access::Optional(_) => {
            out.extend(open(op, op.least_scopes()));
            out.extend(forged(&all, Want::NoMoreThanAnonymous).into_iter().skip(1));
        }
        Access::Required(_) => {
            out.extend(forged(&all, Want::Refused));
            let least = op.least_scopes();
            for scope in op.scopes_needed_by_all() {
                let others: Vec<String> = all.iter().filter(|s| **s != scope).cloned().collect();
                out.push(check(
                    &format!("scope {scope} missing"),
                    Token::Minted {
                        defect: None,
                        scopes: others,
                    },
                    Want::Forbidden,
                ));
                let with = |variant: String| -> Vec<String> {
                    least
                        .iter()
                        .map(|s| {
                            if *s == scope {
                                variant.clone()
                            } else {
                                s.clone()
                            }
                        })
                        .collect()
                };
                let upper = scope.to_uppercase();
                if upper != scope {
                    out.push(check(
                        &format!("scope {scope} upper-cased"),
                        Token::Minted {
                            defect: None,
                            scopes: with(upper),
                        },
                        Want::Forbidden,
                    ));
                }
                out.push(check(
                    &format!("scope {scope} with a suffix"),
                    Token::Minted {
                        defect: None,
                        scopes: with(format!("{scope}_extended")),
                    },
                    Want::Forbidden,
                ));
            }
            out.push(Check {
                may_mutate: op.is_unsafe(),
                ..check(
                    "exactly its scopes",
                    Token::Minted {
                        defect: None,
                        scopes: least,
                    },
                    Want::LetThrough,
                )
            });
        }
    }
    out
}

/// The requests anyone could send: none, `garbage`, and each forged token carrying `scopes`.
fn forged(scopes: &[String], want: Want) -> Vec<Check> {
    let check = |name: &str, token| Check {
        name: name.to_owned(),
        token,
        want,
        may_mutate: false,
    };
    let mut out = vec![
        check("no token", Token::None),
        check("garbage token", Token::Raw("garbage")),
    ];
    out.extend(FORGED.iter().map(|(name, defect)| {
        check(
            name,
            Token::Minted {
                defect: Some(*defect),
                scopes: scopes.to_vec(),
            },
        )
    }));
    out
}

/// The two requests an open operation must let through: none, and a valid token with
/// `scopes`; both may change state on an unsafe method.
fn open(op: &Operation, scopes: Vec<String>) -> [Check; 2] {
    let let_through = |name: &str, token| Check {
        name: name.to_owned(),
        token,
        want: Want::LetThrough,
        may_mutate: op.is_unsafe(),
    };
    [
        let_through("no token", Token::None),
        let_through(
            "valid token",
            Token::Minted {
                defect: None,
                scopes,
            },
        ),
    ]
}

/// Audits `operations` against `target`: one outcome per operation and check, in order.
pub async fn audit(
    target: &Target,
    profile: &Profile,
    operations: &[Operation],
    options: AuditOptions,
    observer: Observer<'_>,
) -> Vec<Outcome> {
    let dpop_key = mock_tenant::forge::DpopKey::fixture();
    let tenant = minting(&target.tenant, profile, &dpop_key);
    let ctx = Ctx::new(&target.api, &tenant, profile, observer, dpop_key, None).await;
    let every = all_scopes(operations);
    let plans: Vec<(usize, Vec<Check>)> = operations
        .iter()
        .enumerate()
        .map(|(i, op)| (i, checks(op, &every)))
        .collect();
    let total = plans.iter().map(|(_, c)| c.len().max(1)).sum();
    let mut index = 0;
    let mut outcomes = Vec::new();
    for (i, plan) in plans {
        let op = &operations[i];
        if let Access::Unsupported(why) = &op.access {
            let outcome = outcome(
                op,
                "not audited",
                Want::LetThrough,
                Verdict::NotApplicable,
                format!("{why}: the suite mints bearer tokens only"),
                vec![],
            );
            finished(observer, index, total, &outcome, Instant::now());
            outcomes.push(outcome);
            index += 1;
            continue;
        }
        let mut anonymous: Option<Exchange> = None;
        let mut valid: Option<Exchange> = None;
        let mut done: Vec<(Outcome, Instant, usize)> = Vec::new();
        for check in plan {
            let started = Instant::now();
            let id = format!("{} :: {}", op.label(), check.name);
            observer(RunEvent::Started {
                index,
                total,
                id: &id,
            });
            let result = if check.may_mutate && !options.mutate {
                outcome(
                    op,
                    &check.name,
                    check.want,
                    Verdict::NotApplicable,
                    "not sent under --no-mutate: it could change the API's data".into(),
                    vec![],
                )
            } else {
                match token(&ctx, &check.token, profile).await {
                    Err(e) => outcome(
                        op,
                        &check.name,
                        check.want,
                        Verdict::FailRobustness,
                        format!("the tenant could not mint the token: {e}"),
                        vec![],
                    ),
                    Ok(authorization) => {
                        let exchange = ctx
                            .send_operation(
                                &op.method,
                                &op.target,
                                op.body.as_ref(),
                                &authorization,
                            )
                            .await;
                        if check.name == "no token" {
                            anonymous = Some(exchange.clone());
                        }
                        if check.name == "valid token" {
                            valid = Some(exchange.clone());
                        }
                        let (verdict, note) = judge(
                            op,
                            check.want,
                            &exchange,
                            profile,
                            anonymous.as_ref(),
                            valid.as_ref(),
                        );
                        outcome(op, &check.name, check.want, verdict, note, vec![exchange])
                    }
                }
            };
            done.push((result, started, index));
            index += 1;
        }
        missing_operation(&mut done);
        for (outcome, started, at) in done {
            finished(observer, at, total, &outcome, started);
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// An operation that answered every request the same 404 or 405 is not there: each of its
/// checks is spec drift (a warning), not a token let through.
fn missing_operation(done: &mut [(Outcome, Instant, usize)]) {
    let statuses: BTreeSet<Option<u16>> = done
        .iter()
        .flat_map(|(o, ..)| o.exchanges.iter().map(|e| e.status))
        .collect();
    let gone = match statuses.iter().collect::<Vec<_>>().as_slice() {
        [Some(status)] if matches!(status, 404 | 405) => *status,
        _ => return,
    };
    for (outcome, ..) in done.iter_mut().filter(|(o, ..)| !o.exchanges.is_empty()) {
        outcome.verdict = Verdict::WarnConformance;
        outcome.note = format!("{gone} to every request: the operation is not there (spec drift)");
    }
}

/// The `Authorization` values of a check's token.
async fn token(ctx: &Ctx<'_>, token: &Token, profile: &Profile) -> Result<Vec<String>, String> {
    Ok(match token {
        Token::None => vec![],
        Token::Raw(value) => vec![format!("Bearer {value}")],
        Token::Minted { defect, scopes } => {
            let mut claims = serde_json::Map::new();
            claims.insert("scope".into(), Value::String(scopes.join(" ")));
            if profile.scope_source == ScopeSource::ScopeAndPermissions {
                claims.insert("permissions".into(), json!(scopes));
            }
            let minted = ctx
                .tenant
                .mint_with(MintRequest {
                    defect: defect.map(|d| d.name().to_owned()),
                    claims,
                    ..MintRequest::default()
                })
                .await?;
            vec![format!("Bearer {minted}")]
        }
    })
}

/// The verdict of one answer, and why.
fn judge(
    op: &Operation,
    want: Want,
    exchange: &Exchange,
    profile: &Profile,
    anonymous: Option<&Exchange>,
    valid: Option<&Exchange>,
) -> (Verdict, String) {
    let Some(status) = exchange.status else {
        let error = exchange.error.as_deref().unwrap_or("no answer");
        return (Verdict::FailRobustness, format!("no answer: {error}"));
    };
    if status >= 500 {
        return (Verdict::FailRobustness, format!("{status}: a server error"));
    }
    let refused = matches!(status, 401 | 403);
    let declared = match op.access {
        Access::Public => "the document declares it public",
        _ => "the document declares these scopes enough",
    };
    match want {
        Want::Refused if status == 401 => (Verdict::Pass, "401".into()),
        Want::Refused if status == 403 => (
            Verdict::WarnConformance,
            "403 where 401 is right: the token proves nothing (RFC 6750 §3.1)".into(),
        ),
        Want::Refused => (
            Verdict::FailUnsafe,
            format!("{status}: let through without a valid token"),
        ),
        Want::Forbidden if status == 403 => (Verdict::Pass, "403".into()),
        Want::Forbidden if status == 401 && profile.require_challenge => (
            Verdict::WarnConformance,
            "401 where 403 insufficient_scope is right".into(),
        ),
        Want::Forbidden if status == 401 => (
            Verdict::PassTolerated,
            "401 for a missing scope (legacy)".into(),
        ),
        Want::Forbidden => (
            Verdict::FailUnsafe,
            format!("{status}: let through without the scope"),
        ),
        Want::LetThrough if refused => (
            Verdict::FailFunctional,
            format!("{status}: refused although {declared} (spec drift, or a wrong check)"),
        ),
        // Not there at all: the request without a token got the same 404 or 405 (a guarded
        // route that exists answers it 401).
        Want::LetThrough
            if matches!(status, 404 | 405)
                && !matches!(op.access, Access::Public)
                && anonymous.is_some_and(|a| a.status == Some(status)) =>
        {
            (
                Verdict::WarnConformance,
                format!(
                    "{status} with and without a token: the operation is not there (spec drift)"
                ),
            )
        }
        Want::LetThrough if matches!(status, 400 | 404 | 405 | 422) => (
            Verdict::Pass,
            format!("{status}: let through, answered after authentication"),
        ),
        Want::LetThrough => (Verdict::Pass, format!("{status}")),
        Want::NoMoreThanAnonymous if refused => {
            (Verdict::Pass, format!("{status}: refused (RFC 6750 §3.1)"))
        }
        Want::NoMoreThanAnonymous => {
            let same = |other: Option<&Exchange>| {
                other.is_some_and(|o| o.status == exchange.status && o.body == exchange.body)
            };
            if same(valid) && !same(anonymous) {
                (
                    Verdict::FailUnsafe,
                    format!("{status}: answered as the valid token is, not as an anonymous call"),
                )
            } else {
                (
                    Verdict::Pass,
                    format!("{status}: treated as an anonymous call"),
                )
            }
        }
    }
}

fn outcome(
    op: &Operation,
    check: &str,
    want: Want,
    verdict: Verdict,
    note: String,
    exchanges: Vec<Exchange>,
) -> Outcome {
    // The spec: OWASP API Security Top 10 2023 for authentication (API2) and function-level
    // authorization (API5); the document's own security requirement for what must pass.
    let (severity, expect, threat, spec) = match want {
        Want::Refused => (
            Severity::Critical,
            Expect::Invalid,
            Threat::Anyone,
            "OWASP API2:2023",
        ),
        Want::Forbidden => (
            Severity::High,
            Expect::Scope,
            Threat::Client,
            "OWASP API5:2023",
        ),
        Want::LetThrough => (
            Severity::Medium,
            Expect::Ok,
            Threat::Client,
            "OpenAPI 3.1 §4.8.30",
        ),
        Want::NoMoreThanAnonymous => (
            Severity::High,
            Expect::Tolerated,
            Threat::Anyone,
            "RFC 6750 §3.1",
        ),
    };
    Outcome {
        id: format!("{} :: {check}", op.label()),
        category: Category::Route,
        severity,
        source: "route".into(),
        spec: spec.into(),
        about: format!("{} to {}", check, op.label()),
        expect,
        threat,
        verdict,
        note,
        exchanges,
        contaminated_by: None,
        advisories: vec![],
        operation: Some(op.label()),
    }
}
