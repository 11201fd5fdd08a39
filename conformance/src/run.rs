//! A run of the suite: which cases, under which profile, watched by whom, against which API.

use crate::driver::audit::AuditOptions;
use crate::embedded::{CUSTOM_DOMAIN, start_sample_api};
use crate::routes::Operation;
use crate::{Case, Error, Isolation, Observer, Profile, Report, SampleApiStarter, Target, Tenant};
use mock_tenant::MockTenant;

/// A run, built then started against a target or the embedded pair.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use conformance::{Profile, Run};
/// // The README's main job: every case against the embedded tenant and sample-api.
/// let report = Run::new(&Profile::default().with_embedded_jwks()).embedded().await?;
/// assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
/// // A few cases against an API that is already running.
/// # let target: conformance::Target = todo!();
/// let cases = conformance::cases_for(&Profile::default());
/// let report = Run::new(&Profile::default())
///     .cases(&cases[..3])
///     .against(&target)
///     .await;
/// # Ok(()) }
/// ```
pub struct Run<'a> {
    profile: Profile,
    cases: Option<Vec<Case>>,
    observer: Observer<'a>,
    routes: Vec<Operation>,
    audit: AuditOptions,
}

impl Run<'static> {
    /// Every case that applies to `profile` ([`crate::cases_for`]), unobserved.
    pub fn new(profile: &Profile) -> Self {
        Self {
            profile: profile.clone(),
            cases: None,
            observer: &|_| {},
            routes: Vec::new(),
            audit: AuditOptions::default(),
        }
    }
}

impl<'a> Run<'a> {
    /// Only these cases (for tests and `--only`).
    pub fn cases(self, cases: &[Case]) -> Self {
        Self {
            cases: Some(cases.to_vec()),
            ..self
        }
    }

    /// Also audits these operations (from [`crate::routes::from_openapi`] or
    /// [`crate::routes::from_table`]), each with the checks of the route audit, after the cases.
    pub fn routes(self, routes: &[Operation], options: AuditOptions) -> Self {
        Self {
            routes: routes.to_vec(),
            audit: options,
            ..self
        }
    }

    /// Tells `observer` as each case starts, waits and ends (the command line's progress).
    pub fn observed<'b>(self, observer: Observer<'b>) -> Run<'b> {
        Run {
            profile: self.profile,
            cases: self.cases,
            observer,
            routes: self.routes,
            audit: self.audit,
        }
    }

    /// Runs against an API and tenant that are already running: the route audit first, if
    /// there are routes, then the cases (on the operations the audit found open, under
    /// [`AuditOptions::aim`]).
    pub async fn against(self, target: &Target) -> Report {
        let started = std::time::Instant::now();
        if let Some(why) = crate::driver::stability::unsteady(target, &self.profile).await {
            let mut report =
                crate::driver::run_cases(target, &self.profile, &[], self.observer).await;
            report.unsteady = Some(why);
            return report;
        }
        let mut profile = self.profile;
        let mut cases = self.cases.unwrap_or_else(|| crate::cases_for(&profile));
        let mut routed = Vec::new();
        let mut aimed = None;
        if !self.routes.is_empty() {
            routed = crate::driver::audit::audit(
                target,
                &profile,
                &self.routes,
                self.audit,
                self.observer,
            )
            .await;
            if self.audit.aim && !cases.is_empty() {
                let open = |op: &Operation| {
                    let id = format!("{} :: exactly its scopes", op.label());
                    routed.iter().any(|o| {
                        o.id == id
                            && o.exchanges
                                .iter()
                                .any(|e| e.status.is_some_and(|s| (200..300).contains(&s)))
                    })
                };
                let found = crate::routes::aim(&mut profile, &self.routes, open);
                cases.retain(|c| found.keeps(c));
                aimed = Some(found.describe(&profile));
            }
        }
        let mut report = crate::driver::run_cases(target, &profile, &cases, self.observer).await;
        for o in &routed {
            if let Some(op) = &o.operation {
                *report.requests_per_operation.entry(op.clone()).or_default() += o.exchanges.len();
            }
        }
        report.outcomes.extend(routed);
        report.catalogue_on = aimed;
        // The audit's time too.
        report.wall_ms = started.elapsed().as_millis() as u64;
        report
    }

    /// Starts the embedded tenant and the reference `sample-api`, configured as the profile
    /// declares ([`crate::start_sample_api`]: its cooldown and cache lifetime too, so
    /// nothing is overridden behind the profile's back), and runs. The stateful JWKS scenarios
    /// each get a fresh tenant and `sample-api` of their own ([`Isolation`]).
    pub async fn embedded(self) -> Result<Report, Error> {
        let builder = MockTenant::builder().custom_domain(CUSTOM_DOMAIN);
        let tenant = builder.clone().try_start().await?;
        let api = start_sample_api(&tenant, &self.profile).await?;
        let handle = Tenant::of(&tenant)?;
        let starter = SampleApiStarter {
            profile: self.profile.clone(),
        };
        let target = Target::new(api.url(), handle).isolated(Isolation::new(builder, starter));
        let report = self.against(&target).await;
        api.shutdown().await;
        Ok(report)
    }
}
