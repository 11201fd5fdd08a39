//! Organizations (`--organization`): an API that serves one organization passes every case
//! with the organization in every token; each way of comparing `org_id` loosely fails exactly
//! its case; without the knob the cases do not run.

use crate::flawed::{Flaw, ORG};
use crate::{failing, ids, profile, run_flawed_on};
use conformance::{Case, Category, Profile, Report, Verdict};
use mock_tenant::{Organization, TenantConfig};
use std::collections::BTreeSet;

/// The Organizations cases, proven able to fail here.
pub(crate) const CASES: &[&str] = &[
    "org-expected",
    "org-other",
    "org-missing",
    "org-name-as-id",
    "org-id-case",
];

fn serving_the_organization() -> Profile {
    Profile {
        organization: Some(ORG.0.into()),
        ..profile()
    }
}

/// The selected cases against the flawed API on a tenant that has [`ORG`].
async fn run(flaws: &[Flaw], profile: &Profile, only: impl Fn(&Case) -> bool) -> Report {
    let mut config = TenantConfig::quickstart();
    config.organizations.push(Organization {
        id: ORG.0.into(),
        name: ORG.1.into(),
        display_name: "Acme (tests)".into(),
        metadata: Default::default(),
        members: vec!["alice@example.com".into()],
        enabled_connections: vec![],
        client_grants: vec![],
    });
    run_flawed_on(config, flaws, profile, only).await
}

fn stateless(case: &Case) -> bool {
    case.category != Category::Jwks
}

#[tokio::test]
async fn an_api_serving_one_organization_passes_every_case_with_it_in_every_token() {
    let report = run(
        &[Flaw::ServesOrganization],
        &serving_the_organization(),
        stateless,
    )
    .await;
    assert_eq!(
        failing(&report),
        BTreeSet::new(),
        "{}",
        report.to_text(false, false)
    );
    for id in CASES {
        let outcome = report.outcomes.iter().find(|o| o.id == *id).unwrap();
        assert_eq!(outcome.verdict, Verdict::Pass, "{id}: {}", outcome.note);
    }
}

#[tokio::test]
async fn each_loose_organization_check_fails_exactly_its_case() {
    let org = serving_the_organization();
    let with = |flaw: Flaw| vec![Flaw::ServesOrganization, flaw];
    let table: Vec<(Vec<Flaw>, BTreeSet<String>)> = vec![
        (
            vec![],
            ids(&["org-other", "org-missing", "org-name-as-id", "org-id-case"]),
        ),
        (with(Flaw::OrgOptional), ids(&["org-missing"])),
        (with(Flaw::OrgNameOrId), ids(&["org-name-as-id"])),
        (with(Flaw::OrgCaseless), ids(&["org-id-case"])),
        // Suite tokens carry no org_name, as Auth0's without the tenant setting: refused all.
        (with(Flaw::OrgByName), ids(&["org-expected", "valid"])),
    ];
    let only = |c: &Case| c.category == Category::Org || c.id == "valid";
    let mut problems = Vec::new();
    for (flaws, expected) in table {
        let got = failing(&run(&flaws, &org, only).await);
        if got != expected {
            problems.push(format!("{flaws:?}: failing {got:?}, expected {expected:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn another_organizations_token_accepted_is_fail_unsafe_and_without_the_knob_nothing_runs() {
    let report = run(&[], &serving_the_organization(), |c| {
        c.category == Category::Org
    })
    .await;
    let verdict = |id: &str| report.outcomes.iter().find(|o| o.id == id).unwrap().verdict;
    assert_eq!(verdict("org-other"), Verdict::FailUnsafe);
    assert_eq!(
        verdict("org-name-as-id"),
        Verdict::FailUnsafe,
        "policy: org_id"
    );
    let report = run(&[], &profile(), |c| c.category == Category::Org).await;
    assert_eq!(report.outcomes.len(), CASES.len());
    for outcome in &report.outcomes {
        assert_eq!(outcome.verdict, Verdict::NotApplicable, "{}", outcome.id);
        assert!(outcome.note.contains("--organization"), "{}", outcome.note);
    }
    assert!(
        conformance::cases_for(&profile())
            .iter()
            .all(|c| c.category != Category::Org)
    );
}
