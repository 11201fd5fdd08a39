//! The conformance suite: fires good and deliberately bad tokens from the mock tenant at any API
//! that claims to implement Auth0's API quickstart (`/api/public`, `/api/private`,
//! `/api/private-scoped` with `read:messages`) and reports, case by case, what it accepts that
//! it must refuse, what it refuses that it must accept, and how it answers.
//!
//! ```no_run
//! # #[tokio::main] async fn main() {
//! // The tenant and the reference API, embedded; every case of the catalogue.
//! let profile = conformance::Profile::default().with_embedded_jwks();
//! let report = conformance::Run::new(&profile).embedded().await.unwrap();
//! assert_eq!(report.failed(), 0, "{}", report.to_text(false, false));
//! # }
//! ```

mod advisories;
mod case;
mod cases;
mod catalogue;
mod driver;
mod embedded;
mod error;
mod exec;
mod expect;
mod html;
mod isolation;
mod junit;
mod markdown;
mod profile;
mod raw;
mod report;
pub mod routes;
mod run;
mod sarif;
mod snapshots;
mod tenant;
mod vectors;
mod verdict;

pub use advisories::{ADVISORIES, Advisory};
pub use case::{
    Case, Category, DpopCase, Endpoint, Expect, IssuerCase, JwksOp, Knob, LoginTokens, OrgCase,
    Policy, PostCheck, Recipe, ResponseCheck, Severity, Threat, Transport,
};
pub use cases::{cases, cases_for};
pub use catalogue::cases_markdown;
pub use driver::audit::{AuditOptions, ROUTE_RULE};
pub use driver::stability::PROBES;
pub use driver::{KID_DELAY_MS, MAX_TTL_WAIT_SECS, Observer, RunEvent, Target};
pub use embedded::{
    CUSTOM_DOMAIN, EMBEDDED_JWKS_COOLDOWN_SECS, EMBEDDED_JWKS_TTL_SECS, start_sample_api,
};
pub use error::Error;
pub use exec::{Exec, ExecOptions};
pub use expect::{ExpectCheck, Expected, Findings};
pub use html::to_html;
pub use isolation::{ApiStarter, ExecStarter, Isolation, RunningApi, SampleApiStarter, Starting};
pub use junit::to_junit;
pub use markdown::to_markdown;
pub use profile::{Dpop, NamedProfile, Profile, ScopeSource, Transports};
pub use report::{Outcome, REPORT_FORMAT_VERSION, Report};
pub use run::Run;
pub use sarif::{SARIF_SCHEMA, to_sarif};
pub use snapshots::{SnapshotCheck, check as check_snapshots};
pub use tenant::Tenant;
pub use vectors::{Expectation, VECTORS_FORMAT_VERSION, VECTORS_NOW, VectorPack, vector_pack};
pub use verdict::{Exchange, Verdict, classify};
