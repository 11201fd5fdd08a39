//! Unknown kids in numbers: the API must not fetch the keys once per request.

use super::{bearer, unknown_kid_token};
use crate::case::{Case, Endpoint};
use crate::driver::Ctx;
use crate::driver::judge::judge;
use crate::report::Outcome;
use crate::verdict::Verdict;
use std::time::Instant;

/// Fetches a bounded fetcher may spend at once before its cooldown applies: a token bucket's
/// burst (jwks-rsa allows 10 a minute; some clients 5, then one per 12 s). A storm is fetches
/// that grow with the bad requests (100 unknown kids, 100 fetches), not a timing formula.
const BURST: u64 = 10;

/// `jwks-storm`: 100 unknown kids and 100 garbage tokens, counting the fetches.
pub(super) async fn storm(ctx: &mut Ctx<'_>, case: &Case, t0: &str) -> Result<Outcome, String> {
    let private = Endpoint::Private;
    let before = ctx.tenant.jwks_fetches().await?;
    let started = Instant::now();
    let mut exchanges = Vec::new();
    for i in 0..100 {
        let token = unknown_kid_token(ctx, 100 + i);
        exchanges.push(ctx.send(private, &bearer(&token)).await);
        exchanges.push(ctx.send(private, &bearer("garbage")).await);
    }
    let fetches = ctx.tenant.jwks_fetches().await? - before;
    // A burst, then one fetch per declared cooldown window.
    let cooldown = ctx.profile.jwks_cooldown_secs.max(1);
    let allowed = BURST + started.elapsed().as_secs() / cooldown;
    let mut outcome = judge(ctx, case, case.expect, exchanges, t0);
    outcome.exchanges.truncate(4); // the rest look the same
    if fetches > allowed && outcome.verdict < Verdict::FailRobustness {
        outcome.verdict = Verdict::FailRobustness;
        outcome.note = format!(
            "{fetches} JWKS fetches for 100 unknown kids and 100 garbage tokens: a fetch storm \
             (a bounded fetcher makes at most {allowed}: a burst of {BURST}, then one per {cooldown} s)"
        );
    } else if !outcome.verdict.is_failure() {
        outcome.note = format!("{fetches} JWKS fetch(es) for 200 bad tokens");
    }
    Ok(outcome)
}
