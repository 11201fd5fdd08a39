//! The stateful JWKS scenarios on fresh tenant-and-API pairs ([`conformance::Isolation`]): they
//! find the same flaws as on one pair, cannot spoil the cases after them, reach an API that
//! reads discovery once at start, and leave the run's own tenant as it was.

use crate::flawed::{Flaw, FlawedApi};
use crate::tenant_of;
use crate::{failing, is_jwks, key_handling_flaws, profile, run_flawed_isolated, run_flawed_with};
use conformance::{ApiStarter, Case, Profile, Report, RunningApi, Starting, Target, Verdict};
use mock_tenant::MockTenant;

/// Starts the flawed API with these flaws for each fresh tenant.
pub(crate) struct FlawedStarter(pub(crate) Vec<Flaw>);

impl ApiStarter for FlawedStarter {
    fn start<'a>(&'a self, tenant: &'a MockTenant) -> Starting<'a> {
        Box::pin(async move {
            let api = FlawedApi::start(tenant, &self.0).await;
            Ok(RunningApi::new(api.url(), api))
        })
    }
}

// Two worker threads, as the command line has on these machines: a dozen tenants and APIs on
// one thread starve each other's timed answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_handling_flaws_fail_the_jwks_cases_on_fresh_pairs() {
    let mut problems = Vec::new();
    for (flaw, mut expected) in key_handling_flaws() {
        if matches!(flaw, Flaw::FailOpen | Flaw::KeysError500) {
            // On a fresh pair a slow or junk key set leaves the API with no key at all, which
            // is what these flaws answer wrongly (on one pair it still held the earlier set).
            expected.extend(crate::ids(&["jwks-slow", "jwks-junk"]));
        }
        let report = run_flawed_isolated(&[flaw], &profile(), is_jwks).await;
        assert!(report.isolated);
        let got = failing(&report);
        if got != expected {
            problems.push(format!(
                "{flaw:?}: failing {got:?}, expected {expected:?}\n{}",
                report.to_text(false, false)
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The flaw that contaminates a run on one pair (a junk key set kept for an hour) stays on the
/// fresh pair of `jwks-junk`: the token cases and the other scenarios keep their verdicts, and
/// the run's own tenant sees none of the scenarios' rotations, faults or fetches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_that_breaks_its_api_spoils_nothing_on_fresh_pairs() {
    let only = |c: &Case| {
        matches!(
            c.id.as_str(),
            "jwks-junk" | "rot-add" | "jwks-storm" | "rot-remove" | "valid" | "valid-scoped"
        ) || c.id.starts_with("alg-none")
    };
    let builder = MockTenant::builder().custom_domain(conformance::CUSTOM_DOMAIN);
    let tenant = builder.clone().start().await;
    let api = FlawedApi::start(&tenant, &[Flaw::KeepsBrokenKeys]).await;
    let keys_before = tenant.keys();
    let selected: Vec<Case> = conformance::cases().into_iter().filter(only).collect();
    let target = Target::new(api.url(), tenant_of(&tenant)).isolated(conformance::Isolation::new(
        builder,
        FlawedStarter(vec![Flaw::KeepsBrokenKeys]),
    ));
    let report = crate::run_cases(&target, &profile(), &selected).await;
    let text = report.to_text(false, true);
    assert_eq!(report.contaminated_by, None, "{text}");
    assert!(
        report.outcomes.iter().all(|o| o.contaminated_by.is_none()),
        "{text}"
    );
    assert_eq!(report.failed(), 0, "{text}");
    assert_eq!(report.outcomes.len(), selected.len());
    let ids: Vec<&str> = report.outcomes.iter().map(|o| o.id.as_str()).collect();
    let order: Vec<&str> = selected.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, order, "outcomes in the catalogue's order");
    for id in ["rot-add", "rot-remove", "valid"] {
        assert_eq!(report.outcome(id).unwrap().verdict, Verdict::Pass, "{text}");
    }
    // On one pair the same selection is contaminated by jwks-junk.
    let shared = run_flawed_with(&[Flaw::KeepsBrokenKeys], &profile(), only).await;
    assert_eq!(shared.contaminated_by.as_deref(), Some("jwks-junk"));
    // The run's own tenant: never rotated, its JWKS fetched only by the run's own API.
    assert_eq!(tenant.keys(), keys_before);
    assert!(tenant.stats().jwks_fetches() <= 2, "{:?}", tenant.stats());
}

/// An API that reads discovery once, at start (as SDKs that cache the document do), is out of
/// `disc-mismatch`'s reach on one pair; a fresh pair whose document is altered before the API
/// starts reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_read_at_start_is_tested_on_a_fresh_pair() {
    let only = |c: &Case| c.id == "disc-mismatch";
    let verdict = |r: &Report| r.outcome("disc-mismatch").unwrap().verdict;
    let trusting = [Flaw::FollowsDiscoveryAtStart];
    let shared = run_flawed_with(&trusting, &profile(), only).await;
    assert_eq!(verdict(&shared), Verdict::NotApplicable);
    let fresh = run_flawed_isolated(&trusting, &profile(), only).await;
    let note = &fresh.outcome("disc-mismatch").unwrap().note;
    assert_eq!(verdict(&fresh), Verdict::WarnStrict, "{note}");
    let careful = run_flawed_isolated(&[Flaw::ReadsDiscovery], &profile(), only).await;
    assert_eq!(verdict(&careful), Verdict::Pass);
    let configured = run_flawed_isolated(&[], &profile(), only).await;
    let o = configured.outcome("disc-mismatch").unwrap();
    assert_eq!(o.verdict, Verdict::NotApplicable);
    assert!(o.note.contains("never read"), "{}", o.note);
}

/// On fresh pairs as on one: two runs of the catalogue in two orders against the same API and
/// tenant give the same verdicts (`jwks-down-cold` included: its pair is always cold), and
/// leave the tenant's keys as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_isolated_runs_in_two_orders_give_the_same_verdicts() {
    let builder = MockTenant::builder().custom_domain(conformance::CUSTOM_DOMAIN);
    let tenant = builder.clone().start().await;
    let api = conformance::start_sample_api(&tenant, &Profile::default().with_embedded_jwks())
        .await
        .unwrap();
    let profile = conformance::Profile {
        jwks_cooldown_secs: 2,
        jwks_ttl_secs: 3,
        ..conformance::Profile::default()
    };
    let starter = conformance::SampleApiStarter {
        profile: profile.clone(),
    };
    let target = Target::new(api.url(), tenant_of(&tenant))
        .isolated(conformance::Isolation::new(builder, starter));
    let keys_before = tenant.keys();
    let mut selected: Vec<Case> = conformance::cases()
        .into_iter()
        .filter(|c| !matches!(c.recipe, conformance::Recipe::Responses(_)))
        .collect();
    let forwards = crate::run_cases(&target, &profile, &selected).await;
    selected.reverse();
    let backwards = crate::run_cases(&target, &profile, &selected).await;
    assert_eq!(tenant.keys(), keys_before, "the runs changed the key set");
    let verdicts = |r: &Report| -> Vec<(String, Verdict)> {
        let mut v: Vec<_> = r
            .outcomes
            .iter()
            .map(|o| (o.id.clone(), o.verdict))
            .collect();
        v.sort();
        v
    };
    assert_eq!(forwards.failed(), 0, "{}", forwards.to_text(false, false));
    assert_eq!(verdicts(&forwards), verdicts(&backwards));
}
