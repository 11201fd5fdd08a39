//! Custom domains (a second issuer of the tenant, sharing its keys): a correct API configured
//! for one issuer refuses the other; one that allow-lists both accepts it, but not with a
//! foreign key; and no API fetches anything from an issuer it did not choose.

use crate::flawed::Flaw;
use crate::{failing, ids, profile, run_flawed_with};
use conformance::{Case, Profile, Verdict};
use mock_tenant::forge::Check;
use std::collections::BTreeSet;

/// The custom-domain cases, proven able to fail here.
pub(crate) const CASES: &[&str] = &[
    "iss-custom-domain",
    "iss-custom-domain-foreign-key",
    "iss-host-spoof",
];

fn issuer_cases(case: &Case) -> bool {
    case.id.starts_with("iss-") || case.id == "valid"
}

fn with_custom_domains() -> Profile {
    Profile {
        custom_domains: true,
        ..profile()
    }
}

#[tokio::test]
async fn an_api_that_allow_lists_the_custom_domain_passes_every_issuer_case() {
    let report = run_flawed_with(
        &[Flaw::TrustsCustomDomains],
        &with_custom_domains(),
        issuer_cases,
    )
    .await;
    assert_eq!(
        failing(&report),
        BTreeSet::new(),
        "{}",
        report.to_text(false, false)
    );
    let custom = report
        .outcomes
        .iter()
        .find(|o| o.id == "iss-custom-domain")
        .unwrap();
    assert_eq!(custom.verdict, Verdict::Pass, "{}", custom.note);
}

#[tokio::test]
async fn each_issuer_flaw_fails_exactly_its_cases() {
    let table: Vec<(Vec<Flaw>, Profile, BTreeSet<String>)> = vec![
        // Trusting the custom domain without saying so skips the API's issuer policy.
        (
            vec![Flaw::TrustsCustomDomains],
            profile(),
            ids(&["iss-custom-domain"]),
        ),
        // An API configured for one issuer, told it allow-lists both: a valid token refused.
        (vec![], with_custom_domains(), ids(&["iss-custom-domain"])),
        // Following any `iss` also takes the tenant's other domain and its own issuer in upper
        // case (the host is case-insensitive when fetched) or with a zero-width space (IDNA
        // mapping drops it when the URL is parsed): no allow-list, no exact match.
        (
            vec![Flaw::FollowsIss],
            profile(),
            ids(&[
                "iss-wrong-attacker-host",
                "iss-host-spoof",
                "iss-custom-domain",
                "iss-near-upper",
                "iss-near-zero-width",
            ]),
        ),
        (
            vec![Flaw::IssuerFromHost],
            profile(),
            ids(&["iss-host-spoof"]),
        ),
    ];
    let mut problems = Vec::new();
    for (flaws, profile, expected) in table {
        let report = run_flawed_with(&flaws, &profile, issuer_cases).await;
        if failing(&report) != expected {
            problems.push(format!(
                "{flaws:?} (custom_domains {}): fails {:?}, expected {expected:?}",
                profile.custom_domains,
                failing(&report)
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn an_allowed_issuer_with_a_foreign_key_fails_where_signatures_are_skipped() {
    let report = run_flawed_with(
        &[Flaw::TrustsCustomDomains, Flaw::Skip(Check::Signature)],
        &with_custom_domains(),
        |c| c.id == "iss-custom-domain-foreign-key",
    )
    .await;
    assert_eq!(
        report.outcomes[0].verdict,
        Verdict::FailUnsafe,
        "{}",
        report.outcomes[0].note
    );
}

#[tokio::test]
async fn following_the_tokens_issuer_contacts_the_attacker_and_is_caught() {
    let report = run_flawed_with(&[Flaw::FollowsIss], &profile(), |c| {
        c.id == "iss-wrong-attacker-host"
    })
    .await;
    let outcome = &report.outcomes[0];
    assert!(outcome.verdict.is_failure(), "{outcome:?}");
    assert!(outcome.note.contains("attacker's host"), "{}", outcome.note);
}
