//! The stateful scenarios on fresh pairs: each starts a tenant and an API of its own through
//! the run's [`Isolation`], runs on them alone, and stops them. `jwks-junk` starts one pair per
//! junk body, so that no body waits for the API's cooldown after the one before.

use super::progress::Position;
use super::{Ctx, Observer, RunEvent, minting, run_one, scenarios};
use crate::case::{Case, JwksOp, Recipe};
use crate::isolation::{Isolation, RunningApi};
use crate::profile::Profile;
use crate::report::Outcome;
use crate::verdict::Verdict;
use mock_tenant::{JunkBody, MockTenant};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Runs `case` (a JWKS scenario) on fresh pairs: its outcome, and its declared waits.
pub(super) async fn run(
    iso: &Isolation,
    gate: &Semaphore,
    profile: &Profile,
    case: &Case,
    (index, total): (usize, usize),
    observer: Observer<'_>,
) -> (Outcome, Duration) {
    observer(RunEvent::Started {
        index,
        total,
        id: &case.id,
    });
    let parts: Vec<Vec<JunkBody>> = if matches!(case.recipe, Recipe::Jwks(JwksOp::Junk)) {
        JunkBody::ALL.iter().map(|body| vec![*body]).collect()
    } else {
        vec![JunkBody::ALL.to_vec()]
    };
    let position = || Position {
        index,
        total,
        id: case.id.clone(),
    };
    let results = futures_util::future::join_all(
        parts
            .into_iter()
            .map(|junk| one(iso, gate, profile, case, position(), observer, junk)),
    )
    .await;
    merge(results)
}

/// The worst of the parts' outcomes, with every part's exchanges, and the longest wait.
fn merge(results: Vec<(Outcome, Duration)>) -> (Outcome, Duration) {
    let waited = results.iter().map(|(_, w)| *w).max().unwrap_or_default();
    let mut parts = results.into_iter().map(|(o, _)| o);
    let Some(mut merged) = parts.next() else {
        unreachable!("a scenario runs on one pair at least")
    };
    for part in parts {
        if part.verdict > merged.verdict {
            merged.verdict = part.verdict;
            merged.note = part.note;
        }
        merged.exchanges.extend(part.exchanges);
    }
    (merged, waited)
}

/// One fresh pair for `case`, serving these junk bodies.
async fn one(
    iso: &Isolation,
    gate: &Semaphore,
    profile: &Profile,
    case: &Case,
    position: Position,
    observer: Observer<'_>,
    junk: Vec<JunkBody>,
) -> (Outcome, Duration) {
    // A discovery document the API reads at start must already be the altered one.
    let discovery = matches!(case.recipe, Recipe::Jwks(JwksOp::DiscoveryIssuerMismatch))
        .then(scenarios::foreign_discovery);
    let pair = {
        let _permit = gate.acquire().await;
        start(iso, discovery.as_ref()).await
    };
    let (tenant, api) = match pair {
        Ok(pair) => pair,
        Err(e) if discovery.is_some() => {
            let note = format!(
                "the API did not start while discovery named another issuer, so it trusted \
                 nothing from it: {e}"
            );
            return (
                Outcome::new(case, Verdict::PassTolerated, note, vec![]),
                Duration::ZERO,
            );
        }
        Err(e) => {
            let note = format!(
                "setup failed: a fresh tenant and API for this scenario did not start (run with \
                 --no-isolation to run the scenarios on the one API): {e}"
            );
            return (
                Outcome::new(case, Verdict::FailRobustness, note, vec![]),
                Duration::ZERO,
            );
        }
    };
    let dpop_key = mock_tenant::forge::DpopKey::fixture();
    let handle = match crate::Tenant::of(&tenant) {
        Ok(handle) => minting(&handle, profile, &dpop_key),
        Err(e) => {
            let note = format!("setup failed: the fresh tenant cannot be driven: {e}");
            return (
                Outcome::new(case, Verdict::FailRobustness, note, vec![]),
                Duration::ZERO,
            );
        }
    };
    let issuer = Some(tenant.issuer());
    let mut ctx = Ctx::new(&api.url, &handle, profile, observer, dpop_key, issuer).await;
    ctx.position = position;
    ctx.junk = junk;
    let outcome = run_one(&mut ctx, case).await;
    let waited = ctx.waited;
    // The API first: it may still be fetching from its tenant.
    drop(ctx);
    drop(api);
    drop(tenant);
    (outcome, waited)
}

/// A fresh tenant, with `discovery` fields set if given, and the API configured for it.
async fn start(
    iso: &Isolation,
    discovery: Option<&serde_json::Value>,
) -> Result<(MockTenant, RunningApi), String> {
    let tenant = iso
        .tenant
        .clone()
        .try_start()
        .await
        .map_err(|e| e.to_string())?;
    if let Some(fields) = discovery {
        crate::Tenant::of(&tenant)?
            .set_discovery(fields.clone())
            .await?;
    }
    let api = iso.api.start(&tenant).await?;
    Ok((tenant, api))
}
