//! The conformance suite's proof.
//!
//! - `sample_api_passes_every_case`: the reference API passes the whole catalogue.
//! - `flawed`: a test-only API with switchable flaws; each flaw makes exactly its cases fail,
//!   and every case fails under some flaw.
//! - `knobs`: profile knobs, kid-injection timing, whole-run response checks, raw-byte headers.
//! - `isolation`: the stateful scenarios on fresh tenant-and-API pairs, in parallel.

mod cli;
mod custom_domains;
mod dpop;
mod flawed;
mod flawed_dpop;
mod flawed_jwe;
mod isolation;
mod knobs;
mod organizations;
mod readers;
mod routes;

use conformance::{Case, Profile, Recipe, Report, Run, Target, Tenant, Verdict, cases};
use flawed::{Flaw, FlawedApi, Trigger};
use mock_tenant::MockTenant;
use mock_tenant::forge::{Check, Row, TokenBuilder, defects};
use std::collections::BTreeSet;

/// The handle of a tenant this test started.
pub(crate) fn tenant_of(tenant: &MockTenant) -> Tenant {
    Tenant::of(tenant).expect("the embedded tenant's CA is valid PEM")
}

/// These cases against `target`.
pub(crate) async fn run_cases(target: &Target, profile: &Profile, cases: &[Case]) -> Report {
    Run::new(profile).cases(cases).against(target).await
}

/// Request-shape cases the header parser refuses before any token is read.
const MALFORMED_HEADERS: &[&str] = &[
    "bearer-empty",
    "bearer-empty-space",
    "bearer-extra-words",
    "bearer-extra-after-token",
    "not-b64token-bang",
    "not-b64token-comma",
    "not-b64token-quoted",
    "multi-authz-valid-first",
    "multi-authz-valid-last",
    "multi-authz-one-header",
];

/// The default profile with short waits, for tests.
pub(crate) fn profile() -> Profile {
    Profile {
        jwks_cooldown_secs: 1,
        jwks_ttl_secs: 2,
        timeout_secs: 4,
        ..Profile::default()
    }
}

async fn run_flawed(flaws: &[Flaw], only: impl Fn(&Case) -> bool) -> Report {
    run_flawed_with(flaws, &profile(), only).await
}

/// The selected cases against the test API with these flaws, under `profile`.
pub(crate) async fn run_flawed_with(
    flaws: &[Flaw],
    profile: &Profile,
    only: impl Fn(&Case) -> bool,
) -> Report {
    run_flawed_on(
        mock_tenant::TenantConfig::quickstart(),
        flaws,
        profile,
        only,
    )
    .await
}

/// [`run_flawed_with`] on a tenant serving `config` (and the custom domain).
pub(crate) async fn run_flawed_on(
    config: mock_tenant::TenantConfig,
    flaws: &[Flaw],
    profile: &Profile,
    only: impl Fn(&Case) -> bool,
) -> Report {
    let tenant = MockTenant::builder()
        .custom_domain(conformance::CUSTOM_DOMAIN)
        .tenant(config)
        .start()
        .await;
    let api = FlawedApi::start(&tenant, flaws).await;
    let selected: Vec<Case> = cases().into_iter().filter(|c| only(c)).collect();
    let target = Target::new(api.url(), tenant_of(&tenant));
    run_cases(&target, profile, &selected).await
}

/// [`run_flawed_with`], the stateful scenarios each on a fresh tenant and flawed API.
pub(crate) async fn run_flawed_isolated(
    flaws: &[Flaw],
    profile: &Profile,
    only: impl Fn(&Case) -> bool,
) -> Report {
    let builder = MockTenant::builder().custom_domain(conformance::CUSTOM_DOMAIN);
    let tenant = builder.clone().start().await;
    let api = FlawedApi::start(&tenant, flaws).await;
    let selected: Vec<Case> = cases().into_iter().filter(|c| only(c)).collect();
    let starter = isolation::FlawedStarter(flaws.to_vec());
    let target = Target::new(api.url(), tenant_of(&tenant))
        .isolated(conformance::Isolation::new(builder, starter));
    run_cases(&target, profile, &selected).await
}

/// The cases a flaw shows in: a failure, or `warn strict` (a tenant-signed oddity or an odd
/// request shape of the valid token, accepted).
pub(crate) fn failing(report: &Report) -> BTreeSet<String> {
    report
        .outcomes
        .iter()
        // A case whose refusal is only reported (`Expect::Preferred`) is as bad as it gets
        // when it warns.
        .filter(|o| {
            o.verdict.is_failure()
                || o.verdict == Verdict::WarnStrict
                || (o.expect == conformance::Expect::Preferred
                    && o.verdict == Verdict::WarnConformance)
        })
        .map(|o| o.id.clone())
        .collect()
}

pub(crate) fn is_jwks(case: &Case) -> bool {
    matches!(case.recipe, Recipe::Jwks(_))
}

/// Whether the forge's token for `defect` is a b64token (else the header parser refuses it).
fn b64token(defect: &str) -> bool {
    let token = TokenBuilder::offline("https://localhost:8443/")
        .defect(defect)
        .sign();
    !token.is_empty()
        && token
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// Token cases a verifier that skips `skipped` lets through.
fn accepted_when_skipping(skipped: &[Check]) -> BTreeSet<String> {
    defects()
        .iter()
        .filter(|d| {
            matches!(
                d.answer,
                mock_tenant::forge::Answer::Refuse | mock_tenant::forge::Answer::InsufficientScope
            ) || matches!(d.row, Row::PermClaim | Row::ScpClaim) // 403 under the scope-only profile
        })
        // Refused defects go to /api/private, which needs no scope.
        .filter(|d| {
            d.breaks.iter().all(|c| {
                skipped.contains(c)
                    || (*c == Check::Scope && d.answer == mock_tenant::forge::Answer::Refuse)
            })
        })
        .filter(|d| b64token(d.name))
        .map(|d| d.name.to_owned())
        .collect()
}

/// The cases that send a valid token (or a benign variant) and must get a 200.
fn valid_requests() -> BTreeSet<String> {
    conformance::cases_for(&Profile::default())
        .into_iter()
        .filter(|c| {
            matches!(
                c.expect,
                conformance::Expect::Ok | conformance::Expect::Preferred
            ) && !c.id.starts_with("public-open")
                && !is_jwks(c)
        })
        .map(|c| c.id)
        .collect()
}

pub(crate) fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn sample_api_passes_every_case() {
    let report = conformance::Run::new(&Profile::default().with_embedded_jwks())
        .embedded()
        .await
        .unwrap();
    assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
    assert_eq!(report.warned(), 0, "{}", report.to_text(false, false));
    assert_eq!(
        report.outcomes.len(),
        conformance::cases_for(&Profile::default()).len()
    );
    assert!(report.outcomes.len() > 200);
}

#[tokio::test]
async fn the_flawless_test_api_passes_every_case() {
    let report = run_flawed(&[], |_| true).await;
    assert_eq!(
        failing(&report),
        BTreeSet::new(),
        "{}",
        report.to_text(false, false)
    );
}

/// Each distinct set of checks the forge's defects break, skipped together, lets exactly those
/// defects through.
#[tokio::test]
async fn skipping_a_check_fails_exactly_the_cases_that_test_it() {
    let mut sets: BTreeSet<Vec<Check>> = defects().iter().map(|d| d.breaks.to_vec()).collect();
    sets.retain(|s| !s.is_empty());
    let mut problems = Vec::new();
    for skipped in sets {
        let flaws: Vec<Flaw> = skipped.iter().map(|c| Flaw::Skip(*c)).collect();
        let report = run_flawed(&flaws, |c| !is_jwks(c)).await;
        let mut expected = accepted_when_skipping(&skipped);
        if skipped.contains(&Check::Audience) {
            // The tenant's real ID tokens: their audience is a client.
            expected.insert("id-token-login".to_owned());
        }
        if skipped.contains(&Check::Format) {
            // The tenant's JWE for /userinfo: five parts.
            expected.insert("jwe-userinfo-login".to_owned());
        }
        if skipped.contains(&Check::Issuer) {
            // The tenant's custom domain: another issuer.
            expected.insert("iss-custom-domain".to_owned());
            if skipped.contains(&Check::Signature) {
                // Its token signed by a key that is not the tenant's, under the tenant's kid.
                expected.insert("iss-custom-domain-foreign-key".to_owned());
            }
            if skipped.contains(&Check::Key) {
                // iss-wrong-attacker-host's token, with a spoofed Host.
                expected.insert("iss-host-spoof".to_owned());
            }
        }
        if skipped == [Check::Format] {
            // Oversized headers are a token of `a`s: not three parts.
            expected.extend(["oversize-16k".to_owned(), "oversize-64k".to_owned()]);
        }
        let got = failing(&report);
        if got != expected {
            problems.push(format!(
                "skipping {skipped:?}: unexpected failures {:?}, missing failures {:?}",
                got.difference(&expected).collect::<Vec<_>>(),
                expected.difference(&got).collect::<Vec<_>>()
            ));
        }
        // What accepting means follows the threat model: anyone's forgery or a skipped
        // policy is FAIL unsafe, a tenant-signed oddity is warn strict.
        for case in cases().into_iter().filter(|c| expected.contains(&c.id)) {
            let verdict = report.outcome(&case.id).map(|o| o.verdict);
            let want = case.if_accepted(&profile());
            if verdict != Some(want) {
                problems.push(format!(
                    "{} under {skipped:?}: {verdict:?}, expected {want:?}",
                    case.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The other flaws, each with the cases it must fail: one table, proven by
/// [`every_other_flaw_fails_exactly_its_cases`] and counted by [`every_case_can_fail`].
fn other_flaws() -> Vec<(Flaw, BTreeSet<String>)> {
    let crash: BTreeSet<String> = defects()
        .iter()
        .filter(|d| d.breaks.contains(&Check::Format) || !b64token(d.name))
        .map(|d| d.name.to_owned())
        .chain(MALFORMED_HEADERS.iter().map(|s| (*s).to_owned()))
        .chain(["oversize-16k".to_owned(), "oversize-64k".to_owned()])
        .chain(["jwe-userinfo-login".to_owned()])
        .collect();
    vec![
        (
            Flaw::NoTokenNeeded,
            ids(&[
                "hdr-absent",
                "hdr-absent-scoped",
                "scheme-other-basic",
                "scheme-other-token",
                "scheme-other-jwt",
                "scheme-other-dpop",
            ]),
        ),
        (
            Flaw::CaseSensitiveScheme,
            ids(&[
                "scheme-case-lower",
                "scheme-case-upper",
                "scheme-case-mixed",
            ]),
        ),
        (Flaw::FirstHeaderWins, ids(&["multi-authz-valid-first"])),
        (Flaw::LastHeaderWins, ids(&["multi-authz-valid-last"])),
        (Flaw::CrashOnGarbage, crash),
        (Flaw::PublicNeedsToken, ids(&["public-open"])),
        (
            Flaw::AudStringOnly,
            ids(&["aud-array", "aud-array-other-first"]),
        ),
        (Flaw::ScopeWholeString, ids(&["scope-multi"])),
        (
            Flaw::TypMustBeJwt,
            ids(&[
                "typ-at-jwt",
                "typ-at-application",
                "typ-at-upper",
                "typ-other-absent",
            ]),
        ),
        (Flaw::IntegerExpOnly, ids(&["exp-type-float"])),
        (Flaw::IatMaxAge, ids(&["iat-odd-ancient"])),
        (Flaw::SmallTokens, ids(&["oversize-claim-6k"])),
        (Flaw::PublicParsesToken, ids(&["public-open-garbage"])),
        (Flaw::MaxLifetime, ids(&["iat-odd-long-lived"])),
        (Flaw::WrongAudience, valid_requests()),
        // Each modelled on its advisory (the flaw's doc names it).
        (
            Flaw::IssuerSubstring,
            ids(&["iss-near-no-slash", "iss-near-substring", "iss-near-empty"]),
        ),
        (Flaw::Pbes2Rounds, ids(&["jwe-p2c-bomb"])),
        (
            Flaw::ExecutesClaims,
            ids(&["claim-sqli-sub", "claim-sqli-custom"]),
        ),
        (
            Flaw::ReflectsClaims,
            ids(&["claim-inject-crlf", "claim-inject-html"]),
        ),
        (Flaw::ReadsFileBySub, ids(&["claim-inject-traversal"])),
        // python_jwt < 3.3.4 (CVE-2022-39227): the polyglot's unsigned claims are read.
        (
            Flaw::PolyglotClaims,
            ids(&[
                "jws-polyglot-scope",
                "jws-polyglot-compact",
                "jws-polyglot-exp",
            ]),
        ),
        // fast-jwt < 5.0.6 (CVE-2025-30144): any element of an `iss` array may match.
        (
            Flaw::IssuerInArray,
            ids(&[
                "iss-array",
                "iss-wrong-array-attacker-first",
                "iss-wrong-array-attacker-last",
            ]),
        ),
        (
            Flaw::ArrayPayload,
            ids(&["json-bad-payload-array", "json-bad-payload-array-claims"]),
        ),
        (Flaw::CStringClaims, ids(&["aud-near-nul"])),
        (Flaw::SecretFromHeader, ids(&["jwk-embed-oct"])),
        // pac4j-jwt (CVE-2026-29000, GHSA-pm7g-w2cf-q238): an unsigned token inside a JWE.
        (Flaw::TrustsJweInner, ids(&["jwe-none-inside"])),
        // The forged `id-token` names a client the tenant does not have: only real logins catch it.
        (Flaw::AcceptsClientIds, ids(&["id-token-login"])),
        (
            Flaw::JwsJsonUnprotected,
            ids(&[
                "jws-json-flattened",
                "jws-json-unprotected-alg",
                "jws-json-unprotected-override",
            ]),
        ),
    ]
}

/// The flaws that follow URLs in token headers or lock out after refused tokens, each with the
/// cases it must fail.
fn header_url_and_lockout_flaws() -> Vec<(Flaw, BTreeSet<String>)> {
    vec![
        (
            Flaw::FollowJku,
            ids(&[
                "jku-attacker",
                "jku-lookalike-userinfo",
                "jku-lookalike-query",
                "hdr-urls-ignored",
            ]),
        ),
        (Flaw::Lockout, ids(&["persistence"])),
    ]
}

#[tokio::test]
async fn every_other_flaw_fails_exactly_its_cases() {
    let table = other_flaws();
    let mut problems = Vec::new();
    for (flaw, expected) in table {
        let report = run_flawed(&[flaw], |c| !is_jwks(c)).await;
        let got = failing(&report);
        if got != expected {
            problems.push(format!(
                "{flaw:?}: unexpected failures {:?}, missing failures {:?}",
                got.difference(&expected).collect::<Vec<_>>(),
                expected.difference(&got).collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Cases where either answer is acceptable fail only on a 5xx or a hang of their own: each
/// with the crash that shows it, and the catalogue rows a crash on that shape may also hit.
const CRASHES: &[(Trigger, &str, &[&str])] = &[
    (
        Trigger::DoubleSpace,
        "ws-variants-two-spaces",
        // The polyglot's first member name starts with two spaces, as the advisory's does.
        &["ws-variants", "jws-polyglot"],
    ),
    (Trigger::QueryToken, "two-methods", &["two-methods"]),
    (Trigger::Cnf, "cnf-bearer", &["cnf-bearer"]),
    (
        Trigger::DuplicateKeys,
        "json-dup-scope-last-read",
        &["json-dup"],
    ),
    (
        Trigger::DuplicateKeys,
        "json-dup-alg-last-rs256",
        &["json-dup"],
    ),
    (
        Trigger::HugeToken,
        "oversize-claim-64k",
        &["oversize", "sig-huge", "claim-huge"],
    ),
    (
        Trigger::HugeToken,
        "oversize-header-256k",
        &["oversize", "sig-huge", "claim-huge"],
    ),
    (
        Trigger::HugeToken,
        "claim-huge-sub",
        &["oversize", "sig-huge", "claim-huge"],
    ),
    (
        Trigger::SubNotString,
        "claim-sub-type-number",
        &["claim-sub-type"],
    ),
    (
        Trigger::SubNotString,
        "claim-sub-type-object",
        &["claim-sub-type"],
    ),
    (
        Trigger::SubNotString,
        "claim-sub-type-array",
        &["claim-sub-type"],
    ),
    (
        Trigger::SubNotString,
        "claim-sub-type-null",
        &["claim-sub-type"],
    ),
    (
        Trigger::OrgIdNotString,
        "claim-org-id-type-number",
        &["claim-org-id-type"],
    ),
    (
        Trigger::OrgIdNotString,
        "claim-org-id-type-array",
        &["claim-org-id-type"],
    ),
    (
        Trigger::OrgIdNotString,
        "claim-org-id-type-object",
        &["claim-org-id-type"],
    ),
    (Trigger::ExpNow, "exp-past-1s", &["exp-past"]),
    (Trigger::ExpNow, "exp-past-now", &["exp-past"]),
    (Trigger::NbfSoon, "nbf-future-3s", &["nbf-future"]),
    (Trigger::FarExp, "exp-type-year-10000", &["exp-type"]),
    (Trigger::FarExp, "exp-type-2-pow-53", &["exp-type"]),
    (Trigger::FarExp, "exp-type-2-pow-63", &["exp-type"]),
];

#[tokio::test]
async fn a_crash_on_a_tolerated_shape_fails_its_case() {
    let mut problems = Vec::new();
    let triggers: BTreeSet<String> = CRASHES.iter().map(|c| format!("{:?}", c.0)).collect();
    for name in triggers {
        let trigger = CRASHES
            .iter()
            .find(|c| format!("{:?}", c.0) == name)
            .unwrap()
            .0;
        let report = run_flawed(&[Flaw::CrashOn(trigger)], |c| !is_jwks(c)).await;
        let got = failing(&report);
        for (t, id, rows) in CRASHES.iter().filter(|c| c.0 == trigger) {
            if !got.contains(*id) {
                problems.push(format!("{t:?}: {id} did not fail"));
            }
            for o in report.outcomes.iter().filter(|o| got.contains(&o.id)) {
                if !rows.contains(&o.source.as_str()) {
                    problems.push(format!("{t:?}: {} ({}) failed too", o.id, o.source));
                }
                if o.verdict != Verdict::FailRobustness {
                    problems.push(format!("{t:?}: {} is {:?}", o.id, o.verdict));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every case fails under some flaw: the union of the expectations the other tests prove.
#[tokio::test]
async fn every_case_can_fail() {
    let report = run_flawed(&[Flaw::ErrorsAre500], |c| !is_jwks(c)).await;
    let mut covered = failing(&report);
    let mut sets: BTreeSet<Vec<Check>> = defects().iter().map(|d| d.breaks.to_vec()).collect();
    sets.retain(|s| !s.is_empty());
    for skipped in sets {
        covered.extend(accepted_when_skipping(&skipped));
    }
    covered.extend(valid_requests());
    for (_, expected) in other_flaws()
        .into_iter()
        .chain(key_handling_flaws())
        .chain(header_url_and_lockout_flaws())
    {
        covered.extend(expected);
    }
    // Proven in `knobs`: raw control bytes crash a server
    // (`control_bytes_in_the_header_are_sent_raw_and_a_crash_on_them_fails`), whole-run
    // response checks warn (`response_checks_look_at_every_answer_of_the_run`), a discovery
    // reader trusts another issuer (`a_discovery_document_naming_another_issuer_is_not_trusted`).
    covered.extend(ids(&[
        "ws-exotic-vt",
        "ws-exotic-ff",
        "nul-after-token",
        "nul-inside-token",
        "resp-challenge",
        "resp-leak",
        "disc-mismatch",
    ]));
    // Proven in `dpop`: each DPoP case under a DPoP flaw of its own; in `custom_domains`, the
    // custom-domain cases.
    covered.extend(dpop::dpop_case_ids());
    covered.extend(ids(custom_domains::CASES));
    covered.extend(ids(organizations::CASES));
    let all: BTreeSet<String> = cases().into_iter().map(|c| c.id).collect();
    covered.extend(CRASHES.iter().map(|c| c.1.to_owned()));
    let uncovered: BTreeSet<String> = all.difference(&covered).cloned().collect();
    assert_eq!(uncovered, BTreeSet::new(), "cases no flaw makes fail");
}

#[tokio::test]
async fn key_handling_flaws_fail_the_jwks_cases() {
    let mut problems = Vec::new();
    for (flaw, expected) in key_handling_flaws() {
        let report = run_flawed(&[flaw], is_jwks).await;
        let got = failing(&report);
        if got != expected {
            problems.push(format!("{flaw:?}: failing {got:?}, expected {expected:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Each key-handling flaw and the JWKS scenarios it fails, on one pair or on fresh ones.
pub(crate) fn key_handling_flaws() -> Vec<(Flaw, BTreeSet<String>)> {
    vec![
        (Flaw::FailOpen, ids(&["jwks-down-cold"])),
        (Flaw::KeysError500, ids(&["jwks-down-cold"])),
        (Flaw::NoCache, ids(&["jwks-down-warm", "jwks-storm"])),
        (
            Flaw::StaticKeys,
            ids(&["rot-add", "jwks-odd-keys", "rot-lag", "jwks-no-alg"]),
        ),
        // Never fetching again, StaticKeys leaves rot-remove unjudged (n/a); merging what it
        // fetches, this one still trusts the old key after a refetch.
        (Flaw::KeepsRemovedKeys, ids(&["rot-remove", "rot-revoke"])),
        (Flaw::StrictKeySet, ids(&["jwks-odd-keys"])),
        (Flaw::NegativeCacheForever, ids(&["rot-lag"])),
        (Flaw::AlgFromHeader, ids(&["jwks-no-alg"])),
        (Flaw::AnyKey, ids(&["jwks-poisoned"])),
        (
            Flaw::FetchErrors500,
            ids(&["jwks-down-warm", "jwks-slow", "jwks-junk", "jwks-down-cold"]),
        ),
        (Flaw::NoTimeout, ids(&["jwks-slow"])),
    ]
}

#[tokio::test]
async fn following_header_urls_and_locking_out_are_caught() {
    for (flaw, expected) in header_url_and_lockout_flaws() {
        let report = run_flawed(&[flaw], |c| !is_jwks(c)).await;
        let got = failing(&report);
        assert!(
            got.is_superset(&expected),
            "{flaw:?}: {}",
            report.to_text(false, false)
        );
        if flaw == Flaw::FollowJku {
            assert_eq!(got, expected, "{}", report.to_text(false, false));
            for id in ["jku-attacker", "hdr-urls-ignored"] {
                let o = report.outcome(id).unwrap();
                assert_eq!(o.verdict, Verdict::FailRobustness);
                assert!(o.note.contains("attacker"), "{}", o.note);
            }
        }
    }
}

#[tokio::test]
async fn snapshots_record_answers_and_report_every_change_with_a_diff() {
    let dir = std::env::temp_dir().join(format!("conformance-snapshots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let only: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.id.starts_with("hdr-absent") || c.id == "alg-none")
        .collect();
    let report = conformance::Run::new(&Profile::default().with_embedded_jwks())
        .cases(&only)
        .embedded()
        .await
        .unwrap();
    let first = conformance::check_snapshots(&report, &dir, false).unwrap();
    assert_eq!((first.new.len(), first.changed.len()), (3, 0));
    let second = conformance::check_snapshots(&report, &dir, false).unwrap();
    assert_eq!((second.unchanged, second.changed.len()), (3, 0));

    let file = dir.join("alg-none.snap");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("status: 401", "status: 200")).unwrap();
    let third = conformance::check_snapshots(&report, &dir, false).unwrap();
    assert_eq!(third.changed.len(), 1);
    assert_eq!(third.changed[0].0, "alg-none");
    assert!(
        third.changed[0].1.contains("-status: 200") && third.changed[0].1.contains("+status: 401")
    );

    // A case renamed or removed leaves its file behind: reported, and removed by --update.
    std::fs::write(
        dir.join("renamed-case.snap"),
        "---\nexpression: renamed-case\n---\n",
    )
    .unwrap();
    let fourth = conformance::check_snapshots(&report, &dir, false).unwrap();
    assert_eq!(fourth.stale, ["renamed-case.snap"]);
    assert!(dir.join("renamed-case.snap").exists());

    conformance::check_snapshots(&report, &dir, true).unwrap();
    let last = conformance::check_snapshots(&report, &dir, false).unwrap();
    assert_eq!((last.changed.len(), last.stale.len()), (0, 0));
    assert!(!dir.join("renamed-case.snap").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// docs/cases.md is the table, generated: who could send each case, what accepting it means,
/// and why. `UPDATE_DOCS=1` rewrites it.
#[test]
fn docs_cases_md_is_generated_from_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cases.md");
    let generated = conformance::cases_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/cases.md is stale: UPDATE_DOCS=1 cargo test -p auth0-offline-conformance --test it cases_md"
    );
    for case in cases() {
        assert!(!case.why.is_empty(), "{} has no reason", case.id);
    }
}

/// Stateful cases cannot change another case's verdict, and a run leaves the tenant as it
/// found it: the whole suite twice against the same API and tenant, forwards and backwards,
/// gives the same verdicts (but for the cases that need a cold key cache or a whole run).
#[tokio::test]
async fn two_runs_in_two_orders_give_the_same_verdicts() {
    let tenant = MockTenant::start().await;
    let api = conformance::start_sample_api(&tenant, &Profile::default().with_embedded_jwks())
        .await
        .unwrap();
    let target = Target::new(api.url(), tenant_of(&tenant));
    let profile = Profile {
        jwks_cooldown_secs: 2,
        jwks_ttl_secs: 3,
        ..Profile::default()
    };
    let keys_before = tenant.keys();
    let mut selected: Vec<Case> = cases()
        .into_iter()
        .filter(|c| !matches!(c.recipe, Recipe::Responses(_)))
        .collect();
    let forwards = run_cases(&target, &profile, &selected).await;
    selected.reverse();
    let backwards = run_cases(&target, &profile, &selected).await;
    api.shutdown().await;
    assert_eq!(
        tenant.keys(),
        keys_before,
        "the runs left the key set changed"
    );
    let verdicts = |r: &Report| -> Vec<(String, Verdict)> {
        let mut v: Vec<_> = r
            .outcomes
            .iter()
            .filter(|o| o.id != "jwks-down-cold") // cold only before anything warmed the cache
            .map(|o| (o.id.clone(), o.verdict))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        backwards.contaminated_by,
        None,
        "{}",
        backwards.to_text(false, false)
    );
    assert_eq!(
        verdicts(&forwards),
        verdicts(&backwards),
        "{}\n{}",
        forwards.to_text(false, false),
        backwards.to_text(false, false)
    );
}
