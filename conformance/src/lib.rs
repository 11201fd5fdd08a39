//! The conformance suite: fires good and deliberately bad tokens from the mock tenant at any API
//! that claims to implement Auth0's API quickstart (`/api/public`, `/api/private`,
//! `/api/private-scoped` with `read:messages`) and reports, case by case, what it accepts that
//! it must refuse, what it refuses that it must accept, and how it answers.
//!
//! ```no_run
//! # #[tokio::main] async fn main() {
//! // The tenant and the reference API, embedded; every case of the catalogue.
//! let report = conformance::run_embedded(&conformance::Profile::default()).await.unwrap();
//! assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
//! # }
//! ```

mod case;
mod cases;
mod catalogue;
pub mod cli;
mod driver;
mod exec;
mod expect;
mod html;
mod isolation;
mod junit;
mod profile;
mod raw;
mod report;
mod snapshots;
mod tenant;
mod verdict;

pub use case::{
    Case, Category, DpopCase, Endpoint, Expect, IssuerCase, JwksOp, Knob, LoginTokens, Policy,
    PostCheck, Recipe, ResponseCheck, Severity, Threat, Transport,
};
pub use cases::{cases, cases_for};
pub use catalogue::cases_markdown;
pub use driver::{KID_DELAY_MS, MAX_TTL_WAIT_SECS, Observer, RunEvent, Target};
pub use exec::{Exec, ExecOptions};
pub use expect::{ExpectCheck, Expected, Findings};
pub use html::to_html;
pub use isolation::{ApiStarter, ExecStarter, Isolation, RunningApi, SampleApiStarter, Starting};
pub use junit::to_junit;
pub use profile::{Dpop, NamedProfile, Profile, ScopeSource, Transports};
pub use report::{Outcome, REPORT_FORMAT_VERSION, Report};
pub use snapshots::{SnapshotCheck, check as check_snapshots};
pub use tenant::Tenant;
pub use verdict::{Exchange, Verdict, classify};

use mock_tenant::MockTenant;

/// What can go wrong when the suite starts its own tenant and reference API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The embedded tenant did not start.
    #[error("the embedded tenant did not start: {0}")]
    Tenant(#[from] mock_tenant::Error),
    /// The reference API did not start.
    #[error("the reference API did not start: {0}")]
    Api(#[from] sample_api::Error),
    /// No profile has this name.
    #[error("unknown profile {name:?}: one of {known}")]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
    /// A profile file could not be read or used.
    #[error("profile {}: {reason}", path.display())]
    ProfileFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// The message, for the command line.
impl From<Error> for String {
    fn from(error: Error) -> Self {
        error.to_string()
    }
}

/// The custom domain the embedded tenant also answers on (a second issuer,
/// `https://127.0.0.1:PORT/`, sharing the keys), for the custom-domain cases.
pub const CUSTOM_DOMAIN: &str = "127.0.0.1";

/// Runs every case that applies to `profile` ([`cases_for`]) against `target`.
pub async fn run(target: &Target, profile: &Profile) -> Report {
    run_cases(target, profile, &cases_for(profile)).await
}

/// Runs these cases only (for tests and for `--only`).
pub async fn run_cases(target: &Target, profile: &Profile, cases: &[Case]) -> Report {
    run_cases_observed(target, profile, cases, &|_| {}).await
}

/// [`run_cases`], telling `observer` as each case starts, waits and ends (the command line's
/// progress display).
pub async fn run_cases_observed(
    target: &Target,
    profile: &Profile,
    cases: &[Case],
    observer: Observer<'_>,
) -> Report {
    driver::run_cases(target, profile, cases, observer).await
}

/// The embedded tenant's [`Tenant`] handle.
pub fn tenant_of(tenant: &MockTenant) -> Tenant {
    Tenant::new(&tenant.url(), tenant.ca_pem()).expect("the embedded tenant's CA is valid PEM")
}

/// Starts the embedded tenant and the reference `sample-api` (JWKS cooldown 2 s, key sets kept
/// at most 3 s, declared in the profile) and runs every case: the README's main job. The
/// stateful JWKS scenarios each get a fresh tenant and `sample-api` of their own ([`Isolation`]).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let report = conformance::run_embedded(&conformance::Profile::default()).await?;
/// assert_eq!(report.failed(), 0);
/// # Ok(()) }
/// ```
pub async fn run_embedded(profile: &Profile) -> Result<Report, Error> {
    run_embedded_cases(profile, &cases_for(profile)).await
}

/// [`run_embedded`] with these cases only.
pub async fn run_embedded_cases(profile: &Profile, cases: &[Case]) -> Result<Report, Error> {
    run_embedded_observed(profile, cases, &|_| {}).await
}

/// [`run_embedded_cases`], telling `observer` where the run is.
pub async fn run_embedded_observed(
    profile: &Profile,
    cases: &[Case],
    observer: Observer<'_>,
) -> Result<Report, Error> {
    let builder = MockTenant::builder().custom_domain(CUSTOM_DOMAIN);
    let tenant = builder.clone().try_start().await?;
    let api = start_sample_api_for(&tenant, profile).await?;
    let profile = Profile {
        jwks_cooldown_secs: 2,
        jwks_ttl_secs: 3,
        ..profile.clone()
    };
    let starter = SampleApiStarter {
        profile: profile.clone(),
    };
    let target =
        Target::new(api.url(), tenant_of(&tenant)).isolated(Isolation::new(builder, starter));
    let report = run_cases_observed(&target, &profile, cases, observer).await;
    api.shutdown().await;
    Ok(report)
}

/// `sample-api` configured for `tenant`, on a free port.
pub async fn start_sample_api(
    tenant: &MockTenant,
) -> Result<sample_api::SampleApi, sample_api::Error> {
    start_sample_api_for(tenant, &Profile::default()).await
}

/// [`start_sample_api`] with the DPoP mode the profile declares (`AUTH0_DPOP`).
pub async fn start_sample_api_for(
    tenant: &MockTenant,
    profile: &Profile,
) -> Result<sample_api::SampleApi, sample_api::Error> {
    let mut vars: std::collections::HashMap<String, String> = tenant.env().into_iter().collect();
    let dpop = match profile.dpop {
        Dpop::Off => "off",
        Dpop::Optional => "allowed",
        Dpop::Required => "required",
    };
    vars.insert("AUTH0_DPOP".into(), dpop.into());
    vars.insert("PORT".into(), "0".into());
    vars.insert("JWKS_COOLDOWN_SECS".into(), "2".into());
    vars.insert("JWKS_MAX_TTL_SECS".into(), "3".into());
    sample_api::SampleApi::start(sample_api::Settings::from_vars(&vars)?).await
}
