//! The DPoP profile: sample-api passes every case under `--dpop optional` and `required`; the
//! flawed test API's DPoP flaws each fail exactly their cases; every DPoP case can fail.

use crate::flawed::Flaw;
use crate::flawed_dpop::DpopFlaw;
use crate::{failing, ids, profile, run_flawed_with};
use conformance::{Case, Dpop, Profile, Recipe, ResponseCheck, Verdict, cases};
use std::collections::BTreeSet;

fn is_dpop(case: &Case) -> bool {
    matches!(
        case.recipe,
        Recipe::Dpop(_) | Recipe::Responses(ResponseCheck::DpopChallenge)
    )
}

/// Every DPoP case, by id.
pub(crate) fn dpop_case_ids() -> BTreeSet<String> {
    cases().into_iter().filter(is_dpop).map(|c| c.id).collect()
}

fn under(dpop: Dpop) -> Profile {
    Profile { dpop, ..profile() }
}

/// The cases a correct verifier refuses and one that skips the proof accepts.
fn refused_proof_defects() -> BTreeSet<String> {
    mock_tenant::forge::dpop_defects()
        .iter()
        .filter(|d| d.answer == mock_tenant::forge::DpopAnswer::Refuse)
        .map(|d| d.name.to_owned())
        .collect()
}

fn warned(report: &conformance::Report) -> BTreeSet<String> {
    report
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::WarnConformance)
        .map(|o| o.id.clone())
        .collect()
}

#[tokio::test]
async fn sample_api_passes_every_case_with_dpop_optional_and_required() {
    for dpop in [Dpop::Optional, Dpop::Required] {
        let profile = Profile {
            dpop,
            ..Profile::default()
        };
        let report = conformance::Run::new(&profile.clone().with_embedded_jwks())
            .embedded()
            .await
            .unwrap();
        let text = report.to_text(false, false);
        assert_eq!(report.failed(), 0, "{dpop:?}: {text}");
        assert_eq!(report.warned(), 0, "{dpop:?}: {text}");
        let dpop_cases = report.outcomes.iter().filter(|o| o.id.starts_with("dpop-"));
        assert!(dpop_cases.clone().count() > 30, "{dpop:?}: {text}");
        // sample-api demands no DPoP nonce: only the nonce cases do not apply.
        let not_run: BTreeSet<String> = dpop_cases
            .filter(|o| o.verdict == Verdict::NotApplicable)
            .map(|o| o.id.clone())
            .collect();
        assert_eq!(
            not_run,
            ids(&["dpop-nonce-missing", "dpop-nonce-stale"]),
            "{dpop:?}: {text}"
        );
    }
}

#[tokio::test]
async fn without_a_dpop_profile_the_dpop_cases_do_not_run() {
    let chosen = conformance::cases_for(&Profile::default());
    assert!(chosen.iter().all(|c| !is_dpop(c)));
    // The Organizations cases need a profile that names an organization.
    let orgs = crate::organizations::CASES.len();
    assert_eq!(chosen.len() + dpop_case_ids().len() + orgs, cases().len());
}

#[tokio::test]
async fn the_flawless_test_api_passes_every_case_under_dpop() {
    for (modes, dpop) in [
        (vec![DpopFlaw::Optional], Dpop::Optional),
        (vec![DpopFlaw::Required], Dpop::Required),
        (vec![DpopFlaw::Required, DpopFlaw::Nonces], Dpop::Required),
    ] {
        let flaws: Vec<Flaw> = modes.iter().map(|m| Flaw::Dpop(*m)).collect();
        let report = run_flawed_with(&flaws, &under(dpop), |c| !crate::is_jwks(c)).await;
        if modes.contains(&DpopFlaw::Nonces) {
            // The nonce cases ran: the API demanded one.
            for id in ["dpop-nonce-missing", "dpop-nonce-stale"] {
                let o = report.outcomes.iter().find(|o| o.id == id).unwrap();
                assert_eq!(o.verdict, Verdict::Pass, "{id}: {}", o.note);
            }
        }
        let text = report.to_text(false, false);
        assert_eq!(failing(&report), BTreeSet::new(), "{dpop:?}: {text}");
        assert_eq!(warned(&report), BTreeSet::new(), "{dpop:?}: {text}");
    }
}

/// (mode, flaw, profile's DPoP mode, the cases that fail, the cases that warn).
type FlawRow = (DpopFlaw, DpopFlaw, Dpop, BTreeSet<String>, BTreeSet<String>);

#[tokio::test]
async fn each_dpop_flaw_fails_exactly_its_cases() {
    let skip_proof: BTreeSet<String> = refused_proof_defects()
        .into_iter()
        .chain(ids(&[
            "dpop-proof-absent",
            "dpop-key-other",
            "dpop-two-proofs",
            "dpop-unbound",
            "dpop-host-injection",
        ]))
        .collect();
    use DpopFlaw::*;
    #[rustfmt::skip]
    let table: Vec<FlawRow> = vec![
        (Optional, ProofNotChecked, Dpop::Optional, skip_proof, ids(&["dpop-replay", "dpop-host-spoof", "dpop-forwarded-host"])),
        (Optional, AthIgnored, Dpop::Optional, ids(&["dpop-ath-missing", "dpop-ath-wrong"]), ids(&[])),
        (Optional, HtuLoose, Dpop::Optional, ids(&["dpop-htu-host", "dpop-htu-port", "dpop-htu-scheme"]), ids(&["dpop-host-spoof", "dpop-forwarded-host"])),
        (Optional, HtuExact, Dpop::Optional, ids(&["dpop-htu-query", "dpop-htu-fragment"]), ids(&[])),
        (Optional, JktIgnored, Dpop::Optional, ids(&["dpop-key-other", "dpop-unbound"]), ids(&[])),
        (Required, JktIgnored, Dpop::Required, ids(&["dpop-key-other", "dpop-unbound"]), ids(&[])),
        (Optional, HtuFromHost, Dpop::Optional, ids(&["dpop-host-injection"]), ids(&["dpop-host-spoof"])),
        (Optional, HtuFromForwarded, Dpop::Optional, ids(&[]), ids(&["dpop-forwarded-host"])),
        (Optional, BearerDowngrade, Dpop::Optional, ids(&["dpop-bearer-downgrade"]), ids(&[])),
        (Required, RequiredNotEnforced, Dpop::Required, ids(&["dpop-bearer-unbound"]), ids(&[])),
        (Optional, NoReplayCache, Dpop::Optional, ids(&[]), ids(&["dpop-replay"])),
        (Nonces, NonceNotChecked, Dpop::Optional, ids(&["dpop-nonce-stale"]), ids(&[])),
        (Nonces, NonceOptional, Dpop::Optional, ids(&["dpop-nonce-missing"]), ids(&[])),
    ];
    let mut problems = Vec::new();
    for (mode, flaw, dpop, fails, warns) in table {
        let mut flaws = vec![Flaw::Dpop(mode), Flaw::Dpop(flaw)];
        if mode == Nonces {
            flaws.push(Flaw::Dpop(Optional));
        }
        let report = run_flawed_with(&flaws, &under(dpop), is_dpop).await;
        if failing(&report) != fails {
            problems.push(format!(
                "{flaw:?}: fails {:?}, expected {fails:?}",
                failing(&report)
            ));
        }
        if warned(&report) != warns {
            problems.push(format!(
                "{flaw:?}: warns {:?}, expected {warns:?}",
                warned(&report)
            ));
        }
        if flaw == JktIgnored {
            let unbound = report
                .outcomes
                .iter()
                .find(|o| o.id == "dpop-unbound")
                .unwrap();
            let expected = match dpop {
                Dpop::Required => Verdict::FailUnsafe,
                _ => Verdict::WarnStrict,
            };
            if unbound.verdict != expected {
                problems.push(format!("{dpop:?}: dpop-unbound is {:?}", unbound.verdict));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn every_dpop_case_can_fail() {
    let mut covered = BTreeSet::new();
    // The valid DPoP request fails on an API configured for another audience.
    let report = run_flawed_with(
        &[Flaw::Dpop(DpopFlaw::Optional), Flaw::WrongAudience],
        &under(Dpop::Optional),
        is_dpop,
    )
    .await;
    assert!(failing(&report).contains("dpop-valid"));
    covered.extend(failing(&report));
    // Refusals without a challenge: resp-challenge-dpop warns.
    let report = run_flawed_with(
        &[Flaw::Dpop(DpopFlaw::Optional), Flaw::NoChallenge],
        &under(Dpop::Optional),
        is_dpop,
    )
    .await;
    assert!(warned(&report).contains("resp-challenge-dpop"));
    covered.extend(warned(&report));
    for flaw in [
        DpopFlaw::ProofNotChecked,
        DpopFlaw::AthIgnored,
        DpopFlaw::HtuLoose,
        DpopFlaw::HtuExact,
        DpopFlaw::JktIgnored,
        DpopFlaw::HtuFromHost,
        DpopFlaw::HtuFromForwarded,
        DpopFlaw::BearerDowngrade,
        DpopFlaw::NoReplayCache,
        DpopFlaw::NonceNotChecked,
        DpopFlaw::NonceOptional,
    ] {
        let report = run_flawed_with(
            &[
                Flaw::Dpop(DpopFlaw::Optional),
                Flaw::Dpop(DpopFlaw::Nonces),
                Flaw::Dpop(flaw),
            ],
            &under(Dpop::Optional),
            is_dpop,
        )
        .await;
        covered.extend(failing(&report));
        covered.extend(warned(&report));
    }
    let report = run_flawed_with(
        &[
            Flaw::Dpop(DpopFlaw::Required),
            Flaw::Dpop(DpopFlaw::RequiredNotEnforced),
        ],
        &under(Dpop::Required),
        is_dpop,
    )
    .await;
    covered.extend(failing(&report));
    let uncovered: BTreeSet<_> = dpop_case_ids().difference(&covered).cloned().collect();
    assert_eq!(uncovered, BTreeSet::new(), "DPoP cases no flaw makes fail");
}
