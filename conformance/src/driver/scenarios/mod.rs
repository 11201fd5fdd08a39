//! The JWKS scenarios: each changes the tenant's key set or its JWKS answer, watches what the
//! API does, and leaves the fault cleared (the runner puts the rest of the state back). One
//! function per scenario, in the files below; what a scenario needs before it starts (a
//! declared cooldown short enough to wait out, an API that already holds a key set) is a
//! method of its [`JwksOp`].

mod discovery;
mod junk;
mod outage;
mod rotation;
mod storm;

use super::Ctx;
use crate::case::{Case, Endpoint, JwksOp};
use crate::report::Outcome;
use crate::verdict::{Exchange, Verdict};
use mock_tenant::forge::{RsaKey, Signer, TokenBuilder};
use rotation::Gone;
use std::time::{Duration, Instant};

/// Sends `token` until the API fetches the JWKS (seen in the tenant's counter) or the longer of
/// its declared cooldown and cache lifetime has passed (an API that refetches only when its
/// cache expires fetches then), and returns the last answer: the API is given every chance to
/// use the key set as it stands, without waiting longer than needed.
pub(super) async fn until_fetched(ctx: &mut Ctx<'_>, token: &str) -> Result<Exchange, String> {
    let before = ctx.tenant.jwks_fetches().await?;
    let ttl = Duration::from_secs(ctx.profile.jwks_ttl_secs.min(MAX_TTL_WAIT_SECS));
    let deadline = Instant::now() + ctx.cooldown().max(ttl) + Duration::from_secs(2);
    loop {
        let exchange = ctx
            .send(Endpoint::Private, &[format!("Bearer {token}")])
            .await;
        if ctx.tenant.jwks_fetches().await? > before || Instant::now() >= deadline {
            return Ok(exchange);
        }
        ctx.wait(Duration::from_millis(500)).await;
    }
}

/// Sends `token` until the API accepts it or `within` has passed, and returns the last answer.
pub(super) async fn until_accepted_within(
    ctx: &mut Ctx<'_>,
    token: &str,
    within: Duration,
) -> Exchange {
    let deadline = Instant::now() + within;
    loop {
        let exchange = ctx
            .send(Endpoint::Private, &[format!("Bearer {token}")])
            .await;
        if exchange.status == Some(200) || Instant::now() >= deadline {
            return exchange;
        }
        ctx.wait(Duration::from_millis(250)).await;
    }
}

/// [`until_accepted_within`] the declared cooldown and 2 s.
pub(super) async fn until_accepted(ctx: &mut Ctx<'_>, token: &str) -> Exchange {
    let within = ctx.cooldown() + Duration::from_secs(2);
    until_accepted_within(ctx, token, within).await
}

/// The longest declared wait a run sits out: the cooldown or cache lifetime beyond which
/// `rot-add` and `rot-remove` are not run, and the cap on every other wait for a refetch.
pub const MAX_TTL_WAIT_SECS: u64 = 60;

/// Waits (a declared wait, bounded by the cooldown) until T0 passes again after a JWKS outage.
pub(super) async fn recover(ctx: &mut Ctx<'_>, t0: &str) -> Option<String> {
    let exchange = until_accepted(ctx, t0).await;
    (exchange.status != Some(200)).then(|| {
        format!(
            "the valid token still fails {} s after the JWKS came back ({:?})",
            ctx.cooldown().as_secs() + 2,
            exchange.status
        )
    })
}

/// `not run` for a scenario whose declared wait (`what`, `secs`) is longer than a run waits.
pub(super) fn wait_too_long(case: &Case, what: &str, flag: &str, secs: u64) -> Option<Outcome> {
    (secs > MAX_TTL_WAIT_SECS).then(|| {
        Outcome::new(
            case,
            Verdict::NotApplicable,
            format!(
                "not run: the declared {what} ({secs} s) is longer than a run waits \
                 ({MAX_TTL_WAIT_SECS} s); declare a shorter one with {flag} to run it"
            ),
            vec![],
        )
    })
}

/// The discovery fields of `disc-mismatch`: another issuer than the tenant's.
pub(super) fn foreign_discovery() -> serde_json::Value {
    serde_json::json!({ "issuer": "https://other-tenant.example.com/" })
}

/// A token under a `kid` the API has never seen, signed by a key the tenant does not publish:
/// a kid-aware API must fetch the keys to refuse it, and an API that tries every trusted key
/// refuses it too. Accepting it is accepting a forgery.
pub(super) fn unknown_kid_token(ctx: &Ctx<'_>, n: usize) -> String {
    TokenBuilder::offline(&ctx.issuer)
        .kid(&format!("conformance-unknown-{n}-{}", std::process::id()))
        .signer(Signer::Rsa {
            key: RsaKey::Attacker,
            bits: 256,
        })
        .sign()
}

/// Two rotations, then the valid token: signed by a key the API has never seen (the first
/// rotation only promotes the published next key).
pub(super) async fn new_key_token(ctx: &mut Ctx<'_>) -> Result<String, String> {
    ctx.tenant.rotate().await?;
    ctx.tenant.rotate().await?;
    ctx.tenant.valid().await
}

/// `Authorization` values carrying `token` as a bearer token.
fn bearer(token: &str) -> Vec<String> {
    vec![format!("Bearer {token}")]
}

/// Runs the scenario `op` of `case`.
pub(super) async fn jwks(ctx: &mut Ctx<'_>, case: &Case, op: JwksOp) -> Result<Outcome, String> {
    if op.waits_for_new_key()
        && let Some(outcome) = wait_too_long(
            case,
            "cooldown",
            "--jwks-cooldown",
            ctx.profile.jwks_cooldown_secs,
        )
    {
        return Ok(outcome);
    }
    let t0 = ctx.tenant.valid().await?;
    if ctx.fresh && op.warms_up() {
        // These test refetches on new kids, as a run on one pair does after the token cases
        // warmed the API: a fresh API must hold a key set first (and the storm's budget counts
        // refetches, not the first fill of an empty cache).
        ctx.send(Endpoint::Private, &bearer(&t0)).await;
    }
    match op {
        JwksOp::DiscoveryIssuerMismatch => discovery::issuer_mismatch(ctx, case, &t0).await,
        JwksOp::DownCold => outage::down_cold(ctx, case, &t0).await,
        JwksOp::DownWarm => outage::down_warm(ctx, case, &t0).await,
        JwksOp::Slow => outage::slow(ctx, case, &t0).await,
        JwksOp::Junk => junk::junk(ctx, case, &t0).await,
        JwksOp::PoisonedKey => junk::poisoned_key(ctx, case, &t0).await,
        JwksOp::Storm => storm::storm(ctx, case, &t0).await,
        JwksOp::RotateAdd => rotation::rotate_add(ctx, case, &t0).await,
        JwksOp::OddKeys => rotation::odd_keys(ctx, case, &t0).await,
        JwksOp::RotateLag => rotation::rotate_lag(ctx, case, &t0).await,
        JwksOp::NoAlg => rotation::no_alg(ctx, case, &t0).await,
        JwksOp::RotateRemove => rotation::key_gone(ctx, case, Gone::Rebound).await,
        JwksOp::RotateRevoke => rotation::key_gone(ctx, case, Gone::Revoked).await,
    }
}
