//! The one driver: fires every case at the API, turns every answer (or failure to answer) into an
//! outcome on its row, and always finishes. It saves the tenant's state first and puts it back
//! after every stateful case and at the end; after a stateful case it checks that the valid
//! token still passes, and marks what follows as contaminated if it does not.

mod dpop;
mod issuers;
mod judge;
mod progress;
mod scenarios;
mod send;

pub use judge::KID_DELAY_MS;
pub use progress::{Observer, RunEvent};
pub use scenarios::MAX_TTL_WAIT_SECS;

use crate::case::{Case, Recipe};
use crate::profile::Profile;
use crate::report::{Outcome, Report};
use crate::tenant::Tenant;
use crate::verdict::Verdict;
use judge::{judge, post_check, responses};
use mock_tenant::AttackerHost;
use progress::Position;
use std::time::{Duration, Instant};

/// What the suite runs against.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API's base URL, e.g. `http://127.0.0.1:3010`.
    pub api: String,
    /// The mock tenant the API trusts.
    pub tenant: Tenant,
}

struct Ctx<'a> {
    http: reqwest::Client,
    api: String,
    tenant: &'a Tenant,
    profile: &'a Profile,
    attacker: AttackerHost,
    /// The tenant's issuer.
    issuer: String,
    /// JWKS fetches the tenant had counted when the run started.
    fetches_at_start: u64,
    /// Time spent in declared waits (rotation cooldown, cache lifetime, slow JWKS).
    waited: Duration,
    /// Told where the run is.
    observer: Observer<'a>,
    /// The case running now.
    position: Position,
    /// The key the suite's DPoP proofs are signed with (the fixture key).
    dpop_key: mock_tenant::DpopKey,
    /// The DPoP nonce the API demanded last, if it demands them (RFC 9449 §9).
    api_nonce: std::sync::Mutex<Option<String>>,
}

/// Runs `cases` against `target` and reports every outcome, telling `observer` where it is.
/// Never panics on what the API does.
pub async fn run_cases(
    target: &Target,
    profile: &Profile,
    cases: &[Case],
    observer: Observer<'_>,
) -> Report {
    let started = Instant::now();
    let started_at = crate::report::now_rfc3339();
    let http = reqwest::Client::builder()
        .timeout(profile.timeout())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        // A new connection per request: a connection the API broke on one case must not fail
        // the next case's request.
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client with default TLS");
    let dpop_key = mock_tenant::DpopKey::fixture();
    let mut tenant = target.tenant.for_scope(&profile.scope);
    if profile.dpop == crate::profile::Dpop::Required {
        tenant = tenant.bound_to(Some(&dpop_key.thumbprint()));
    }
    let saved = tenant.state().await;
    let mut ctx = Ctx {
        http,
        api: target.api.trim_end_matches('/').to_owned(),
        tenant: &tenant,
        profile,
        attacker: AttackerHost::start(None).await,
        issuer: tenant.issuer().await.unwrap_or_default(),
        fetches_at_start: tenant.jwks_fetches().await.unwrap_or(0),
        waited: Duration::ZERO,
        observer,
        position: Position::default(),
        dpop_key,
        api_nonce: std::sync::Mutex::new(None),
    };
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(cases.len());
    let mut contaminated_by: Option<String> = None;
    let total = cases.len();
    for (index, case) in cases.iter().enumerate() {
        let case_started = Instant::now();
        ctx.position = Position {
            index,
            total,
            id: case.id.clone(),
        };
        observer(RunEvent::Started {
            index,
            total,
            id: &case.id,
        });
        if let Recipe::Responses(check) = case.recipe {
            outcomes.push(responses(case, check, &outcomes, profile));
            finished(&ctx, &outcomes, case_started);
            continue;
        }
        let hits_before = attacker_hits(&ctx.attacker);
        let mut outcome = match run_case(&mut ctx, case).await {
            Ok(outcome) => outcome,
            Err(setup) => Outcome::new(
                case,
                Verdict::FailRobustness,
                format!("setup failed: {setup}"),
                vec![],
            ),
        };
        let hits = attacker_hits(&ctx.attacker) - hits_before;
        if hits > 0 {
            outcome.verdict = Verdict::FailRobustness;
            outcome.note = format!(
                "the API contacted the attacker's host ({hits} connection(s) and request(s)); {}",
                outcome.note
            );
        }
        outcome.contaminated_by.clone_from(&contaminated_by);
        if matches!(case.recipe, Recipe::Jwks(_)) {
            if let Ok(state) = &saved {
                let _ = ctx.tenant.put_state(state).await;
            }
            if contaminated_by.is_none() && !still_valid(&mut ctx).await {
                contaminated_by = Some(case.id.clone());
            }
        }
        outcomes.push(outcome);
        finished(&ctx, &outcomes, case_started);
    }
    match &saved {
        Ok(state) => {
            let _ = ctx.tenant.put_state(state).await;
        }
        Err(_) => {
            let _ = ctx.tenant.clear_fault().await;
        }
    }
    Report {
        format_version: crate::report::REPORT_FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at,
        target: target.api.clone(),
        profile: profile.name.clone(),
        outcomes,
        wall_ms: started.elapsed().as_millis() as u64,
        waited_ms: ctx.waited.as_millis() as u64,
        contaminated_by,
    }
}

/// Tells the observer about the outcome just pushed.
fn finished(ctx: &Ctx<'_>, outcomes: &[Outcome], started: Instant) {
    if let Some(outcome) = outcomes.last() {
        (ctx.observer)(RunEvent::Finished {
            index: ctx.position.index,
            total: ctx.position.total,
            outcome,
            took: started.elapsed(),
        });
    }
}

/// Whether the valid token passes again after a stateful case, within the longer of the
/// declared cooldown and cache lifetime (capped like every wait): an API may keep a key set it
/// fetched during the case until its cache expires.
async fn still_valid(ctx: &mut Ctx<'_>) -> bool {
    let Ok(t0) = ctx.tenant.valid().await else {
        return false;
    };
    let ttl = Duration::from_secs(ctx.profile.jwks_ttl_secs.min(MAX_TTL_WAIT_SECS));
    let within = ctx.cooldown().max(ttl) + Duration::from_secs(2);
    scenarios::until_accepted_within(ctx, &t0, within)
        .await
        .status
        == Some(200)
}

/// Under `--dpop required`, why a token a correct API accepts cannot be sent: the defect
/// rewrote the payload and the binding (`cnf.jkt`) is not in it, so a correct API refuses it
/// for that. `None` when the case can run.
fn unbindable(ctx: &Ctx<'_>, token: &str, expect: crate::case::Expect) -> Option<String> {
    use crate::case::Expect;
    if ctx.profile.dpop != crate::profile::Dpop::Required
        || !matches!(
            expect,
            Expect::Ok
                | Expect::Tolerated
                | Expect::Discouraged
                | Expect::Scope
                | Expect::HeaderOnly
        )
    {
        return None;
    }
    let bound = crate::tenant::claims_of(token)
        .is_some_and(|c| c.pointer("/cnf/jkt").and_then(|j| j.as_str()).is_some());
    (!bound).then(|| {
        "not run under --dpop required: the defect rewrites the payload, which then carries no \
         cnf.jkt, so a correct API refuses it as unbound"
            .to_owned()
    })
}

/// Connections plus requests: a kept-alive connection carries later requests without a new one.
fn attacker_hits(attacker: &AttackerHost) -> u64 {
    attacker.connections() + attacker.requests().len() as u64
}

async fn run_case(ctx: &mut Ctx<'_>, case: &Case) -> Result<Outcome, String> {
    let expect = case.expectation(ctx.profile);
    if !case.applies(ctx.profile) {
        return Ok(Outcome::new(
            case,
            Verdict::NotApplicable,
            "not run: a DPoP case, and the profile does not use DPoP (--dpop optional|required)"
                .into(),
            vec![],
        ));
    }
    let mut outcome = match case.recipe {
        Recipe::Headers { endpoint, values } => {
            let t0 = ctx.tenant.valid().await?;
            let exchange = ctx.send(endpoint, &values(&t0)).await;
            judge(ctx, case, expect, vec![exchange], &t0)
        }
        Recipe::RawHeaders { endpoint, values } => {
            let Some(authority) = crate::raw::plain_http_authority(&ctx.api) else {
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    "not run: raw requests are sent to plain-HTTP APIs only".into(),
                    vec![],
                ));
            };
            let t0 = ctx.tenant.valid().await?;
            let path = ctx.path(endpoint).to_owned();
            let exchange =
                crate::raw::send(&authority, &path, &values(&t0), ctx.profile.timeout()).await;
            judge(ctx, case, expect, vec![exchange], &t0)
        }
        Recipe::Token { endpoint, defect } => {
            let token = ctx.tenant.mint(defect, Some(&ctx.attacker.url())).await?;
            if let Some(why) = unbindable(ctx, &token, expect) {
                return Ok(Outcome::new(case, Verdict::NotApplicable, why, vec![]));
            }
            let exchange = ctx.send(endpoint, &[format!("Bearer {token}")]).await;
            judge(ctx, case, expect, vec![exchange], &token)
        }
        Recipe::Login(which) => {
            let tokens = ctx.tenant.login_tokens(which).await?;
            if tokens.is_empty() {
                return Ok(Outcome::new(
                    case,
                    Verdict::NotApplicable,
                    "not run: the tenant has no login client with a callback or no user (or, for \
                     the /userinfo token, a default audience)"
                        .into(),
                    vec![],
                ));
            }
            // The worst answer over the tokens, named by the token that got it.
            let mut outcome = Outcome::new(case, Verdict::Pass, String::new(), vec![]);
            let mut worst: Option<(&str, String)> = None;
            for (label, token) in &tokens {
                let exchange = ctx
                    .send(crate::case::Endpoint::Private, &[format!("Bearer {token}")])
                    .await;
                let judged = judge(ctx, case, expect, vec![exchange], token);
                if worst.is_none() || judged.verdict > outcome.verdict {
                    outcome.verdict = judged.verdict;
                    worst = Some((label, judged.note));
                }
                outcome.exchanges.extend(judged.exchanges);
            }
            let (label, note) = worst.unwrap_or_default();
            outcome.note =
                if outcome.verdict.is_failure() || outcome.verdict >= Verdict::WarnConformance {
                    format!("{label}: {note}")
                } else {
                    let labels: Vec<&str> = tokens.iter().map(|(l, _)| l.as_str()).collect();
                    format!(
                        "{} tokens ({}), each {note}",
                        tokens.len(),
                        labels.join("; ")
                    )
                };
            outcome
        }
        Recipe::Transport(transport) => {
            let t0 = ctx.tenant.valid().await?;
            let exchange = ctx.send_transport(transport, &t0).await;
            judge(ctx, case, expect, vec![exchange], &t0)
        }
        Recipe::Jwks(op) => scenarios::jwks(ctx, case, op).await?,
        Recipe::Dpop(which) => dpop::run(ctx, case, expect, which).await?,
        Recipe::Issuer(which) => issuers::run(ctx, case, expect, which).await?,
        Recipe::Responses(check) => Outcome::new(
            case,
            Verdict::NotApplicable,
            format!("{check:?} is checked over a whole run"),
            vec![],
        ),
    };
    post_check(case, &mut outcome);
    Ok(outcome)
}
