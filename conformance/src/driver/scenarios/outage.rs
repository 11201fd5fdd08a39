//! The JWKS down or slow: the API fails closed, recovers, and keeps serving.

use super::{bearer, recover, unknown_kid_token, until_fetched};
use crate::case::{Case, Endpoint, Expect};
use crate::driver::Ctx;
use crate::driver::judge::judge;
use crate::report::Outcome;
use crate::verdict::{Verdict, classify};
use mock_tenant::JwksFault;
use std::time::{Duration, Instant};

/// `jwks-down-cold`: the JWKS answers 503 before the API ever fetched it; then it comes back.
pub(super) async fn down_cold(ctx: &mut Ctx<'_>, case: &Case, t0: &str) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    if ctx.tenant.jwks_fetches().await? > ctx.fetches_at_start {
        let note = recover(ctx, t0)
            .await
            .map_or(String::new(), |n| format!("; {n}"));
        return Ok(Outcome::new(
            case,
            Verdict::NotApplicable,
            format!("not applicable: the API fetched the keys before this case{note}"),
            vec![],
        ));
    }
    ctx.tenant
        .set_fault(&JwksFault::Status { status: 503 })
        .await?;
    let exchange = ctx.send(private, &bearer(t0)).await;
    ctx.tenant.clear_fault().await?;
    let mut outcome = judge(ctx, case, case.expect, vec![exchange], t0);
    // The API may wait out its cooldown before it retries: give it that long to recover.
    if let Some(note) = recover(ctx, t0).await {
        outcome.verdict = outcome.verdict.max(Verdict::FailRobustness);
        outcome.note = note;
    }
    Ok(outcome)
}

/// `jwks-down-warm`: the JWKS answers 503 after the API cached it.
pub(super) async fn down_warm(ctx: &mut Ctx<'_>, case: &Case, t0: &str) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    let warm = ctx.send(private, &bearer(t0)).await;
    ctx.tenant
        .set_fault(&JwksFault::Status { status: 503 })
        .await?;
    let cached = ctx.send(private, &bearer(t0)).await;
    // An unknown kid makes the API try the JWKS, which is down (once its cooldown allows).
    let unknown = unknown_kid_token(ctx, 0);
    let refused = until_fetched(ctx, &unknown).await?;
    ctx.tenant.clear_fault().await?;
    let mut outcome = judge(ctx, case, case.expect, vec![warm, cached], t0);
    let (v, note) = classify(
        Expect::FailClosed,
        case.if_accepted(ctx.profile),
        &refused,
        ctx.profile,
    );
    outcome.exchanges.push(refused);
    if v > outcome.verdict {
        outcome.verdict = v;
        outcome.note = format!("unknown kid while the JWKS is down: {note}");
    }
    Ok(outcome)
}

/// `jwks-slow`: the JWKS answers after the suite's timeout.
pub(super) async fn slow(ctx: &mut Ctx<'_>, case: &Case, _t0: &str) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    // Longer than the suite waits for an answer, after the API's cooldown allows a fetch.
    let delay = Duration::from_secs(ctx.profile.timeout_secs.max(2) + 2);
    ctx.tenant
        .set_fault(&JwksFault::Delay {
            ms: delay.as_millis() as u64,
        })
        .await?;
    let token = unknown_kid_token(ctx, 1);
    let auth = bearer(&token);
    // Retry until the API actually asks the slow JWKS (its cooldown may hold it back).
    let deadline = Instant::now() + ctx.cooldown();
    let before = ctx.tenant.jwks_fetches().await?;
    let (slow, public) = loop {
        let started = Instant::now();
        let (slow, public) = tokio::join!(ctx.send(private, &auth), async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            ctx.send(Endpoint::Public, &[]).await
        });
        ctx.waited += started.elapsed();
        if ctx.tenant.jwks_fetches().await? > before || Instant::now() >= deadline {
            break (slow, public);
        }
        ctx.wait(Duration::from_millis(500)).await;
    };
    ctx.tenant.clear_fault().await?;
    let mut outcome = judge(ctx, case, case.expect, vec![slow], &token);
    if public.status != Some(200) || public.elapsed_ms > 2000 {
        outcome.verdict = outcome.verdict.max(Verdict::FailRobustness);
        outcome.note = format!(
            "the public endpoint starved while the JWKS was slow ({} ms)",
            public.elapsed_ms
        );
    }
    outcome.exchanges.push(public);
    Ok(outcome)
}
