//! The profile's knobs, the timing check on `kid` injections, the response checks over a whole
//! run, and the raw-byte header cases: each shown to change or fail exactly what it should.

use crate::flawed::Flaw;
use crate::profile;
use crate::{run_cases, tenant_of};
use conformance::{Case, Profile, Report, ScopeSource, Target, Transports, Verdict, cases};
use mock_tenant::MockTenant;
use mock_tenant::forge::Check;
use std::collections::BTreeMap;

async fn run(flaws: &[Flaw], profile: &Profile, only: impl Fn(&Case) -> bool) -> Report {
    crate::run_flawed_with(flaws, profile, only).await
}

fn verdicts(report: &Report) -> BTreeMap<String, Verdict> {
    report
        .outcomes
        .iter()
        .map(|o| (o.id.clone(), o.verdict))
        .collect()
}

fn expect(list: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
    list.iter().map(|(id, v)| ((*id).to_owned(), *v)).collect()
}

#[tokio::test]
async fn transports_decide_what_query_form_and_two_methods_expect() {
    let only = |c: &Case| matches!(c.source, "alt-transport" | "two-methods");
    let header_only = run(&[], &profile(), only).await;
    assert_eq!(
        verdicts(&header_only),
        expect(&[
            ("alt-transport-query", Verdict::Pass),
            ("alt-transport-form", Verdict::Pass),
            ("alt-transport-cookie", Verdict::Pass),
            ("two-methods", Verdict::Pass),
        ])
    );
    let query_api = Profile {
        transports: Transports::HeaderQueryBody,
        ..profile()
    };
    // The test API reads the header only: under a query-and-body profile that is a refusal of
    // valid requests, and answering two methods at once is reported.
    let report = run(&[], &query_api, only).await;
    assert_eq!(
        verdicts(&report),
        expect(&[
            ("alt-transport-query", Verdict::FailFunctional),
            ("alt-transport-form", Verdict::FailFunctional),
            ("alt-transport-cookie", Verdict::Pass),
            ("two-methods", Verdict::WarnConformance),
        ])
    );
}

#[tokio::test]
async fn the_scope_source_decides_whether_permissions_or_scp_grant_the_scope() {
    let only = |c: &Case| matches!(c.source, "perm-claim" | "scp-claim");
    let scope_only = run(&[], &profile(), only).await;
    assert_eq!(
        verdicts(&scope_only),
        expect(&[("perm-claim", Verdict::Pass), ("scp-claim", Verdict::Pass)])
    );
    let rbac = Profile {
        scope_source: ScopeSource::ScopeAndPermissions,
        ..profile()
    };
    assert_eq!(
        verdicts(&run(&[], &rbac, only).await),
        expect(&[
            ("perm-claim", Verdict::FailFunctional),
            ("scp-claim", Verdict::Pass)
        ])
    );
    let scp = Profile {
        scope_source: ScopeSource::ScopeAndScp,
        ..profile()
    };
    assert_eq!(
        verdicts(&run(&[], &scp, only).await),
        expect(&[
            ("perm-claim", Verdict::Pass),
            ("scp-claim", Verdict::FailFunctional)
        ])
    );
    // An API that ignores scopes lets both through: unsafe under the scope-only profile.
    let report = run(&[Flaw::Skip(Check::Scope)], &profile(), only).await;
    assert_eq!(
        verdicts(&report),
        expect(&[
            ("perm-claim", Verdict::FailUnsafe),
            ("scp-claim", Verdict::FailUnsafe)
        ])
    );
}

#[tokio::test]
async fn a_missing_exp_is_warn_strict_unless_declared_required_or_strict() {
    let only = |c: &Case| c.source == "exp-absent";
    let flaw = [Flaw::Skip(Check::Expiry)];
    // Only the tenant can sign a token without `exp`, and Auth0 never does.
    let report = run(&flaw, &profile(), only).await;
    assert_eq!(
        verdicts(&report),
        expect(&[("exp-absent", Verdict::WarnStrict)])
    );
    let declared = Profile {
        exp_required: true,
        ..profile()
    };
    let report = run(&flaw, &declared, only).await;
    assert_eq!(
        verdicts(&report),
        expect(&[("exp-absent", Verdict::FailUnsafe)])
    );
    let strict = Profile {
        strict: true,
        ..profile()
    };
    let report = run(&flaw, &strict, only).await;
    assert_eq!(
        verdicts(&report),
        expect(&[("exp-absent", Verdict::FailStrict)])
    );
    let outcome = report.outcome("exp-absent").unwrap();
    assert!(outcome.note.starts_with("--strict: "), "{}", outcome.note);
    assert!(report.is_failure());
}

#[tokio::test]
async fn a_kid_that_makes_the_api_sleep_is_an_executed_injection() {
    let only = |c: &Case| matches!(c.source, "kid-sqli" | "kid-cmdi");
    let report = run(&[Flaw::ExecutesKid], &profile(), only).await;
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.verdict.is_failure())
        .collect();
    let ids: Vec<&str> = failed.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["kid-sqli-sleep", "kid-cmdi-sleep", "kid-cmdi-subshell"]
    );
    for o in failed {
        assert_eq!(o.verdict, Verdict::FailUnsafe);
        assert!(o.note.contains("executed"), "{}", o.note);
    }
    let clean = run(&[], &profile(), only).await;
    assert_eq!(clean.failed(), 0, "{}", clean.to_text(false, false));
}

#[tokio::test]
async fn response_checks_look_at_every_answer_of_the_run() {
    let only = |c: &Case| {
        c.id.starts_with("hdr-absent") || c.id == "alg-none" || c.source.starts_with("resp-")
    };
    let strict = Profile {
        require_challenge: true,
        ..profile()
    };
    let clean = run(&[], &strict, only).await;
    assert_eq!(
        clean.outcome("resp-challenge").unwrap().verdict,
        Verdict::Pass
    );
    assert_eq!(clean.outcome("resp-leak").unwrap().verdict, Verdict::Pass);

    let bare = run(&[Flaw::NoChallenge], &strict, only).await;
    let o = bare.outcome("resp-challenge").unwrap();
    assert_eq!(o.verdict, Verdict::WarnConformance, "{}", o.note);
    assert!(
        o.note.starts_with("3 of 3 401/403 answers lack"),
        "{}",
        o.note
    );
    assert_eq!(o.exchanges.len(), 1, "the first offender is the evidence");
    let tolerated = run(&[Flaw::NoChallenge], &profile(), only).await;
    assert_eq!(
        tolerated.outcome("resp-challenge").unwrap().verdict,
        Verdict::PassTolerated
    );

    let leaky = run(&[Flaw::Traceback], &profile(), only).await;
    let o = leaky.outcome("resp-leak").unwrap();
    assert_eq!(o.verdict, Verdict::WarnConformance);
    assert!(o.note.contains("Traceback"), "{}", o.note);
}

/// A server that answers 500 when an Authorization header holds a VT or FF byte (as the Flask
/// samples were seen to), else 401: raw bytes, since no HTTP library would parse them.
async fn crashing_on_control_bytes() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let crash = request.split(|b| *b == b'\n').any(|line| {
                    line.to_ascii_lowercase().starts_with(b"authorization:")
                        && line.iter().any(|b| matches!(*b, 0x0b | 0x0c | 0x00))
                });
                let answer: &[u8] = if crash {
                    b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                } else {
                    b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                };
                let _ = stream.write_all(answer).await;
            });
        }
    });
    (url, task)
}

#[tokio::test]
async fn control_bytes_in_the_header_are_sent_raw_and_a_crash_on_them_fails() {
    let only = |c: &Case| matches!(c.recipe, conformance::Recipe::RawHeaders { .. });
    let tenant = MockTenant::start().await;
    let (url, server) = crashing_on_control_bytes().await;
    let selected: Vec<Case> = cases().into_iter().filter(only).collect();
    let target = Target::new(url, tenant_of(&tenant));
    let report = run_cases(&target, &profile(), &selected).await;
    server.abort();
    assert_eq!(
        verdicts(&report),
        expect(&[
            ("ws-exotic-vt", Verdict::FailRobustness),
            ("ws-exotic-ff", Verdict::FailRobustness),
            ("nul-after-token", Verdict::FailRobustness),
            ("nul-inside-token", Verdict::FailRobustness),
        ])
    );
    assert!(report.outcomes[1].exchanges[0].request.contains("\\x0c"));
    // A server whose HTTP parser refuses them (hyper, under the test API) passes.
    let clean = run(&[], &profile(), only).await;
    assert_eq!(clean.failed(), 0, "{}", clean.to_text(false, false));
    // Over HTTPS the raw cases are not run, and say so.
    let target = Target::new("https://localhost:1", tenant_of(&tenant));
    let report = run_cases(
        &target,
        &profile(),
        &cases().into_iter().filter(only).collect::<Vec<_>>(),
    )
    .await;
    assert!(
        report
            .outcomes
            .iter()
            .all(|o| o.verdict == Verdict::NotApplicable && o.note.starts_with("not run"))
    );
}

#[tokio::test]
async fn the_scope_knob_writes_the_apis_scope_into_every_token() {
    let only = |c: &Case| c.category == conformance::Category::Scope;
    let needs_read_data = [Flaw::NeedsReadData];
    // Told nothing, the suite sends read:messages: every valid scoped request is refused.
    let untold = run(&needs_read_data, &profile(), only).await;
    let refused: Vec<_> = untold
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::FailFunctional)
        .map(|o| o.id.as_str())
        .collect();
    assert!(refused.contains(&"valid-scoped"), "{refused:?}");
    assert!(refused.contains(&"scope-multi"), "{refused:?}");
    // Told the scope, every scope case holds as it does for read:messages.
    let told = Profile {
        scope: "read:data".into(),
        ..profile()
    };
    let report = run(&needs_read_data, &told, only).await;
    assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
    assert_eq!(report.warned(), 0, "{}", report.to_text(false, false));
    assert!(report.outcomes.len() > 15);
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_not_trusted() {
    let only = |c: &Case| c.id == "disc-mismatch";
    // Configured with its JWKS URL, the API never reads discovery: not applicable.
    let configured = run(&[], &profile(), only).await;
    let o = configured.outcome("disc-mismatch").unwrap();
    assert_eq!(o.verdict, Verdict::NotApplicable, "{}", o.note);
    // Reading discovery and refusing a document with another issuer passes.
    let careful = run(&[Flaw::ReadsDiscovery], &profile(), only).await;
    let o = careful.outcome("disc-mismatch").unwrap();
    assert_eq!(o.verdict, Verdict::Pass, "{}", o.note);
    // Taking the document's issuer accepts a token of that issuer: only whoever serves the
    // tenant's domain can publish such a document, so it is `warn strict`, not a failure.
    let trusting = run(&[Flaw::FollowsDiscovery], &profile(), only).await;
    let o = trusting.outcome("disc-mismatch").unwrap();
    assert_eq!(o.verdict, Verdict::WarnStrict, "{}", o.note);
    assert_eq!(trusting.failed(), 0);
}

/// A stateful case that breaks the API for the cases after it: the runner notices (the valid
/// token no longer passes), marks every later result `contaminated by` it, does not count them
/// as failures, says so first in the report, and exits non-zero.
#[tokio::test]
async fn a_case_that_breaks_the_api_contaminates_what_follows() {
    let only = |c: &Case| matches!(c.id.as_str(), "jwks-junk" | "rot-add" | "jwks-storm");
    let report = run(&[Flaw::KeepsBrokenKeys], &profile(), only).await;
    assert_eq!(report.contaminated_by.as_deref(), Some("jwks-junk"));
    let later: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.contaminated_by.is_some())
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(
        later,
        ["jwks-storm", "rot-add"],
        "{}",
        report.to_text(false, false)
    );
    assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
    assert!(report.is_failure());
    let text = report.to_text(false, true);
    assert!(
        text.lines()
            .nth(2)
            .unwrap_or("")
            .starts_with("CONTAMINATED: after jwks-junk"),
        "{text}"
    );
    assert!(text.contains("[contaminated by jwks-junk]"), "{text}");
}
