//! Key rotation: new keys accepted within the cooldown, removed ones refused within the cache
//! lifetime, whatever else the key set holds.

use super::{bearer, new_key_token, until_accepted, until_fetched, wait_too_long};
use crate::case::{Case, Endpoint, Expect, JwksOp};
use crate::driver::Ctx;
use crate::driver::judge::judge;
use crate::report::Outcome;
use crate::verdict::{Verdict, classify};
use mock_tenant::JwksFault;
use mock_tenant::forge::DefectId;
use std::time::{Duration, Instant};

/// `rot-add`: a key the API never saw signs.
pub(super) async fn rotate_add(
    ctx: &mut Ctx<'_>,
    case: &Case,
    _t0: &str,
) -> Result<Outcome, String> {
    let token = new_key_token(ctx).await?;
    let exchange = until_accepted(ctx, &token).await;
    Ok(judge(ctx, case, case.expect, vec![exchange], &token))
}

/// `jwks-odd-keys`: a new key, in a key set that also holds keys the API cannot use.
pub(super) async fn odd_keys(ctx: &mut Ctx<'_>, case: &Case, _t0: &str) -> Result<Outcome, String> {
    new_key_served(ctx, case, JwksOp::OddKeys).await
}

/// `rot-lag`: a new key, whose key set the API's next fetch gets stale once.
pub(super) async fn rotate_lag(
    ctx: &mut Ctx<'_>,
    case: &Case,
    _t0: &str,
) -> Result<Outcome, String> {
    new_key_served(ctx, case, JwksOp::RotateLag).await
}

/// A new key signs, and the key set is served as `op` says: with odd keys, or stale once.
async fn new_key_served(ctx: &mut Ctx<'_>, case: &Case, op: JwksOp) -> Result<Outcome, String> {
    let before = ctx.tenant.jwks_body().await?;
    let token = new_key_token(ctx).await?;
    let mut exchanges = Vec::new();
    if op == JwksOp::OddKeys {
        ctx.tenant.set_fault(&JwksFault::OddKeys).await?;
    } else {
        // The stale set answers the API's next fetch, and only that one.
        ctx.tenant
            .set_fault(&JwksFault::Body { body: before })
            .await?;
        exchanges.push(until_fetched(ctx, &token).await?);
        ctx.tenant.clear_fault().await?;
    }
    exchanges.push(until_accepted(ctx, &token).await);
    ctx.tenant.clear_fault().await?;
    let mut outcome = judge(
        ctx,
        case,
        case.expect,
        exchanges.split_off(exchanges.len() - 1),
        &token,
    );
    outcome.exchanges.splice(0..0, exchanges);
    Ok(outcome)
}

/// `jwks-no-alg`: a new key in a key set without `alg`; HS256 tokens keyed with it.
pub(super) async fn no_alg(ctx: &mut Ctx<'_>, case: &Case, _t0: &str) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    let token = new_key_token(ctx).await?;
    ctx.tenant.set_fault(&JwksFault::NoAlg).await?;
    let accepted = until_accepted(ctx, &token).await;
    let mut outcome = judge(ctx, case, Expect::Ok, vec![accepted], &token);
    // The same kid, HMAC keyed with its public key: each must be refused.
    for defect in [
        DefectId::HsPubkeyModulus,
        DefectId::HsPubkeyPem,
        DefectId::HsPubkeyJwk,
    ] {
        let forged = ctx.tenant.mint(Some(defect), None).await?;
        let exchange = ctx.send(private, &bearer(&forged)).await;
        let (v, note) = classify(Expect::Invalid, Verdict::FailUnsafe, &exchange, ctx.profile);
        if v > outcome.verdict {
            outcome.verdict = v;
            outcome.note = format!("{defect} under a JWK without alg: {note}");
        }
        outcome.exchanges.push(exchange);
    }
    ctx.tenant.clear_fault().await?;
    Ok(outcome)
}

/// How a key the API holds goes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gone {
    /// `rot-remove`: its kid is re-bound to a new key (the new token keeps the kid).
    Rebound,
    /// `rot-revoke`: the tenant rotates and drops it from the key set (the new token has a
    /// kid of its own).
    Revoked,
}

/// `rot-remove`, `rot-revoke`: the signing key goes; its old token must be refused once the API
/// fetched the key set again, and a fresh token accepted.
pub(super) async fn key_gone(ctx: &mut Ctx<'_>, case: &Case, how: Gone) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    let ttl = ctx.profile.jwks_ttl_secs;
    if let Some(outcome) = wait_too_long(case, "JWKS cache lifetime", "--jwks-ttl", ttl) {
        return Ok(outcome);
    }
    // Three rotations sign with a random key: a kid no earlier run has seen, so the
    // re-binding below cannot spoil a kid the tenant signs with after the run.
    for _ in 0..3 {
        ctx.tenant.rotate().await?;
    }
    let token = ctx.tenant.valid().await?;
    let deadline = Instant::now() + ctx.cooldown() + Duration::from_secs(2);
    let first = loop {
        let exchange = ctx.send(private, &bearer(&token)).await;
        if exchange.status == Some(200) || Instant::now() >= deadline {
            break exchange;
        }
        ctx.wait(Duration::from_millis(500)).await;
    };
    if first.status != Some(200) {
        // Never holding the key, the API cannot show what it does when it goes: `rot-add`
        // judges the refusal; a 5xx still fails here.
        let (verdict, note) = classify(Expect::Ok, Verdict::FailUnsafe, &first, ctx.profile);
        let (verdict, note) = match verdict {
            Verdict::FailFunctional => (
                Verdict::NotApplicable,
                format!(
                    "the API never accepted the rotated key's token, so its going cannot be \
                     seen (rot-add judges that): {note}"
                ),
            ),
            other => (other, format!("before the re-binding: {note}")),
        };
        return Ok(Outcome::new(case, verdict, note, vec![first]));
    }
    let kid = ctx.tenant.current_kid().await?;
    let fetches = ctx.tenant.jwks_fetches().await?;
    match how {
        Gone::Rebound => ctx.tenant.rebind(&kid).await?,
        Gone::Revoked => {
            ctx.tenant.rotate().await?;
            ctx.tenant.remove(&kid).await?;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_ttl_secs + 2);
    // After the API's first fetch since the re-binding, a moment for it to swap its cache.
    let mut refetched: Option<Instant> = None;
    let last = loop {
        let exchange = ctx.send(private, &bearer(&token)).await;
        if refetched.is_none() && ctx.tenant.jwks_fetches().await? > fetches {
            refetched = Some(Instant::now() + Duration::from_secs(2));
        }
        let settled = refetched.is_some_and(|t| Instant::now() >= t);
        if exchange.status != Some(200)
            || (Instant::now() >= deadline && refetched.is_none())
            || settled
        {
            break exchange;
        }
        ctx.wait(Duration::from_millis(500)).await;
    };
    let still_accepted = last.status == Some(200);
    // The old key still cached, unseen: the new one cannot be asked for either.
    let unseen = still_accepted && refetched.is_none();
    let mut checks = Vec::new();
    if !unseen {
        let fresh = ctx.tenant.valid().await?;
        checks.push((until_accepted(ctx, &fresh).await, "a fresh token after it"));
    }
    let mut outcome = judge(ctx, case, case.expect, vec![last], &token);
    if unseen {
        // Not seen: the API kept its key set for the whole wait, as a cache may.
        outcome.verdict = Verdict::NotApplicable;
        outcome.note = format!(
            "no JWKS fetch within {} s of the key going, so the old key was still cached: not \
             judged (a cache that outlives the declared lifetime is documented behaviour; declare \
             it with --jwks-ttl, up to 60 s, to wait for the refetch)",
            ctx.profile.jwks_ttl_secs + 2
        );
    } else if still_accepted {
        outcome.note = format!(
            "the API fetched the key set again after the key went and still accepts it: {}",
            outcome.note
        );
    }
    outcome.exchanges.insert(0, first);
    for (exchange, what) in checks {
        let (v, note) = classify(Expect::Ok, Verdict::FailUnsafe, &exchange, ctx.profile);
        if v > outcome.verdict {
            outcome.verdict = v;
            outcome.note = format!("{what}: {note}");
        }
        outcome.exchanges.push(exchange);
    }
    Ok(outcome)
}
