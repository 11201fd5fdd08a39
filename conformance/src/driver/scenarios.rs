//! The JWKS scenarios: each changes the tenant's key set or its JWKS answer, watches what the
//! API does, and leaves the fault cleared (the runner puts the rest of the state back).

use super::Ctx;
use super::judge::judge;
use crate::case::{Case, Endpoint, Expect, JwksOp};
use crate::report::Outcome;
use crate::verdict::{Exchange, Verdict, classify};
use mock_tenant::{BadKey, DefectId, JwksFault, RsaKey, Signer, TokenBuilder};
use std::time::{Duration, Instant};

/// Sends `token` until the API fetches the JWKS (seen in the tenant's counter) or the longer of
/// its declared cooldown and cache lifetime has passed (an API that refetches only when its
/// cache expires fetches then), and returns the last answer: the API is given every chance to
/// use the key set as it stands, without waiting longer than needed.
async fn until_fetched(ctx: &mut Ctx<'_>, token: &str) -> Result<Exchange, String> {
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
async fn until_accepted(ctx: &mut Ctx<'_>, token: &str) -> Exchange {
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
fn wait_too_long(case: &Case, what: &str, flag: &str, secs: u64) -> Option<Outcome> {
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
fn unknown_kid_token(ctx: &Ctx<'_>, n: usize) -> String {
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
async fn new_key_token(ctx: &mut Ctx<'_>) -> Result<String, String> {
    ctx.tenant.rotate().await?;
    ctx.tenant.rotate().await?;
    ctx.tenant.valid().await
}

pub(super) async fn jwks(ctx: &mut Ctx<'_>, case: &Case, op: JwksOp) -> Result<Outcome, String> {
    // The scenarios that wait for the API to fetch a new key give it its declared cooldown.
    if matches!(
        op,
        JwksOp::RotateAdd | JwksOp::OddKeys | JwksOp::RotateLag | JwksOp::NoAlg
    ) && let Some(outcome) = wait_too_long(
        case,
        "cooldown",
        "--jwks-cooldown",
        ctx.profile.jwks_cooldown_secs,
    ) {
        return Ok(outcome);
    }
    let t0 = ctx.tenant.valid().await?;
    let bearer = |t: &str| vec![format!("Bearer {t}")];
    let private = Endpoint::Private;
    if ctx.fresh
        && matches!(
            op,
            JwksOp::RotateAdd | JwksOp::OddKeys | JwksOp::NoAlg | JwksOp::Storm
        )
    {
        // These test refetches on new kids, as a run on one pair does after the token cases
        // warmed the API: a fresh API must hold a key set first (and the storm's budget counts
        // refetches, not the first fill of an empty cache).
        ctx.send(private, &bearer(&t0)).await;
    }
    let outcome = match op {
        JwksOp::DiscoveryIssuerMismatch => {
            const DISCOVERY: &str = "/.well-known/openid-configuration";
            // On a fresh pair the document was altered before the API started, so an API that
            // reads it once at start reads the altered one: every read counts.
            let before = if ctx.fresh {
                0
            } else {
                ctx.tenant.requests(DISCOVERY).await?
            };
            ctx.tenant.set_discovery(foreign_discovery()).await?;
            // Signed by the tenant, issued by the issuer the altered document names.
            let token = ctx
                .tenant
                .mint(Some(DefectId::IssWrongOtherTenant), None)
                .await?;
            let exchange = ctx.send(private, &bearer(&token)).await;
            let read = ctx.tenant.requests(DISCOVERY).await? > before;
            ctx.tenant.set_discovery(serde_json::json!({})).await?;
            if !read {
                let why = if ctx.fresh {
                    "not applicable: the API never read the discovery document (it is configured \
                     with its JWKS URL)"
                } else {
                    "not applicable: the API did not read the discovery document during the case \
                     (it is configured with its JWKS URL, or it keeps the document it read earlier)"
                };
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    why.into(),
                    vec![exchange],
                ));
            }
            judge(ctx, case, case.expect, vec![exchange], &token)
        }
        JwksOp::DownCold => {
            if ctx.tenant.jwks_fetches().await? > ctx.fetches_at_start {
                let note = recover(ctx, &t0)
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
            let exchange = ctx.send(private, &bearer(&t0)).await;
            ctx.tenant.clear_fault().await?;
            let mut outcome = judge(ctx, case, case.expect, vec![exchange], &t0);
            // The API may wait out its cooldown before it retries: give it that long to recover.
            if let Some(note) = recover(ctx, &t0).await {
                outcome.verdict = outcome.verdict.max(Verdict::FailRobustness);
                outcome.note = note;
            }
            outcome
        }
        JwksOp::DownWarm => {
            let warm = ctx.send(private, &bearer(&t0)).await;
            ctx.tenant
                .set_fault(&JwksFault::Status { status: 503 })
                .await?;
            let cached = ctx.send(private, &bearer(&t0)).await;
            // An unknown kid makes the API try the JWKS, which is down (once its cooldown allows).
            let unknown = unknown_kid_token(ctx, 0);
            let refused = until_fetched(ctx, &unknown).await?;
            ctx.tenant.clear_fault().await?;
            let mut outcome = judge(ctx, case, case.expect, vec![warm, cached], &t0);
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
            outcome
        }
        JwksOp::Slow => {
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
            outcome
        }
        JwksOp::Junk => {
            let mut exchanges = Vec::new();
            for (i, body) in ctx.junk.clone().into_iter().enumerate() {
                ctx.tenant.set_fault(&JwksFault::Junk { body }).await?;
                let token = unknown_kid_token(ctx, 10 + i);
                // Until the API asks the JWKS (once its cooldown allows): else it never sees junk.
                let mut exchange = until_fetched(ctx, &token).await?;
                exchange.request = format!("[JWKS: {body:?}] {}", exchange.request);
                exchanges.push(exchange);
            }
            ctx.tenant.clear_fault().await?;
            judge(ctx, case, case.expect, exchanges, &t0)
        }
        JwksOp::PoisonedKey => {
            let issuer = ctx.issuer.clone();
            let enc_kid = BadKey::Enc.jwk()["kid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let ec_kid = BadKey::Ec.jwk()["kid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let enc = TokenBuilder::offline(&issuer)
                .kid(&enc_kid)
                .signer(Signer::Rsa {
                    key: RsaKey::Enc,
                    bits: 256,
                })
                .sign();
            let ec = TokenBuilder::offline(&issuer)
                .kid(&ec_kid)
                .alg("ES256")
                .signer(Signer::Es256Attacker)
                .sign();
            // Both keys in one set: one fetch window, not two. The first new kid makes the API
            // fetch it (once its cooldown allows); the second kid is then in its cache.
            let keys = vec![BadKey::Enc, BadKey::Ec];
            ctx.tenant.set_fault(&JwksFault::ExtraKeys { keys }).await?;
            let mut first = until_fetched(ctx, &enc).await?;
            first.request = format!("[JWKS + Enc and Ec keys] {}", first.request);
            let mut second = ctx.send(private, &bearer(&ec)).await;
            second.request = format!("[JWKS + Enc and Ec keys] {}", second.request);
            let exchanges = vec![first, second];
            ctx.tenant.clear_fault().await?;
            judge(ctx, case, case.expect, exchanges, &t0)
        }
        JwksOp::Storm => {
            let before = ctx.tenant.jwks_fetches().await?;
            let started = Instant::now();
            let mut exchanges = Vec::new();
            for i in 0..100 {
                let token = unknown_kid_token(ctx, 100 + i);
                exchanges.push(ctx.send(private, &bearer(&token)).await);
                exchanges.push(ctx.send(private, &bearer("garbage")).await);
            }
            let fetches = ctx.tenant.jwks_fetches().await? - before;
            // One fetch per declared cooldown window, and one more for the window in progress.
            let cooldown = ctx.profile.jwks_cooldown_secs.max(1);
            let allowed = 1 + started.elapsed().as_secs() / cooldown;
            let mut outcome = judge(ctx, case, case.expect, exchanges, &t0);
            outcome.exchanges.truncate(4); // the rest look the same
            if fetches > allowed && outcome.verdict < Verdict::FailRobustness {
                outcome.verdict = Verdict::FailRobustness;
                outcome.note = format!(
                    "{fetches} JWKS fetches for 200 bad tokens (a fetch storm; at most {allowed} allowed)"
                );
            } else if !outcome.verdict.is_failure() {
                outcome.note = format!("{fetches} JWKS fetch(es) for 200 bad tokens");
            }
            outcome
        }
        JwksOp::RotateAdd => {
            let token = new_key_token(ctx).await?;
            let exchange = until_accepted(ctx, &token).await;
            judge(ctx, case, case.expect, vec![exchange], &token)
        }
        JwksOp::OddKeys | JwksOp::RotateLag => {
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
            outcome
        }
        JwksOp::NoAlg => {
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
                let (v, note) =
                    classify(Expect::Invalid, Verdict::FailUnsafe, &exchange, ctx.profile);
                if v > outcome.verdict {
                    outcome.verdict = v;
                    outcome.note = format!("{defect} under a JWK without alg: {note}");
                }
                outcome.exchanges.push(exchange);
            }
            ctx.tenant.clear_fault().await?;
            outcome
        }
        JwksOp::RotateRemove => {
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
            let kid = ctx.tenant.current_kid().await?;
            ctx.tenant.rebind(&kid).await?;
            let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_ttl_secs + 2);
            let last = loop {
                let exchange = ctx.send(private, &bearer(&token)).await;
                if exchange.status != Some(200) || Instant::now() >= deadline {
                    break exchange;
                }
                ctx.wait(Duration::from_millis(500)).await;
            };
            let fresh = ctx.tenant.valid().await?;
            let after = until_accepted(ctx, &fresh).await;
            let mut outcome = judge(ctx, case, case.expect, vec![last], &token);
            for (exchange, what) in [
                (first, "before the re-binding"),
                (after, "a fresh token after it"),
            ] {
                let (v, note) = classify(Expect::Ok, Verdict::FailUnsafe, &exchange, ctx.profile);
                if v > outcome.verdict {
                    outcome.verdict = v;
                    outcome.note = format!("{what}: {note}");
                }
                outcome.exchanges.push(exchange);
            }
            outcome
        }
    };
    Ok(outcome)
}
