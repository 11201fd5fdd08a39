//! The one driver: fires every case at the API, turns every answer (or failure to answer) into an
//! outcome on its row, and always finishes. It saves the tenant's state first and puts it back
//! after every stateful case and at the end; after a stateful case it checks that the valid
//! token still passes, and marks what follows as contaminated if it does not.

pub(crate) mod audit;
mod dpop;
mod issuers;
mod judge;
mod organizations;
mod progress;
mod sandbox;
mod scenarios;
mod send;
pub(crate) mod stability;

pub use judge::KID_DELAY_MS;
pub use progress::{Observer, RunEvent};
pub use scenarios::MAX_TTL_WAIT_SECS;

use crate::case::{Case, Recipe};
use crate::isolation::Isolation;
use crate::profile::Profile;
use crate::report::{Outcome, Report};
use crate::tenant::Tenant;
use crate::verdict::Verdict;
use judge::{judge, post_check, responses};
use mock_tenant::JunkBody;
use mock_tenant::forge::AttackerHost;
use progress::Position;
use std::time::{Duration, Instant};

/// What the suite runs against.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API's base URL, e.g. `http://127.0.0.1:3010`.
    pub api: String,
    /// The mock tenant the API trusts.
    pub tenant: Tenant,
    /// Fresh tenant-and-API pairs for the stateful JWKS scenarios, run in parallel with the
    /// rest ([`Isolation`]); `None`: they run one after another on `api` and `tenant`, which the
    /// runner puts back after each.
    pub isolation: Option<Isolation>,
}

impl Target {
    /// `api` trusting `tenant`, every case on that one pair.
    pub fn new(api: impl Into<String>, tenant: Tenant) -> Self {
        Self {
            api: api.into(),
            tenant,
            isolation: None,
        }
    }

    /// The same target, running the stateful scenarios on fresh pairs from `isolation`.
    pub fn isolated(mut self, isolation: Isolation) -> Self {
        self.isolation = Some(isolation);
        self
    }

    /// Whether `case` runs on a fresh pair of its own.
    fn isolates(&self, case: &Case) -> bool {
        self.isolation.is_some() && matches!(case.recipe, Recipe::Jwks(_))
    }
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
    dpop_key: mock_tenant::forge::DpopKey,
    /// The DPoP nonce the API demanded last, if it demands them (RFC 9449 §9).
    api_nonce: std::sync::Mutex<Option<String>>,
    /// Whether the tenant and the API were started for this one scenario: nothing ran on them
    /// before it, and nothing will after.
    fresh: bool,
    /// The bodies `jwks-junk` serves here (all of them, or one per fresh pair).
    junk: Vec<JunkBody>,
}

/// The suite's HTTP client: no redirects, no proxy, and a new connection per request (a
/// connection the API broke on one case must not fail the next case's request).
fn http_client(profile: &Profile) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(profile.timeout())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client with default TLS")
}

/// The tenant handle the cases mint with: the profile's scope, and under `--dpop required`
/// every token bound to the suite's key.
fn minting(tenant: &Tenant, profile: &Profile, dpop_key: &mock_tenant::forge::DpopKey) -> Tenant {
    let tenant = tenant
        .for_scope(&profile.scope)
        .in_organization(profile.organization.as_deref());
    if profile.dpop == crate::profile::Dpop::Required {
        tenant.bound_to(Some(&dpop_key.thumbprint()))
    } else {
        tenant
    }
}

impl<'a> Ctx<'a> {
    /// The context of a run on `api` and `tenant` (minted for with [`minting`] and `dpop_key`);
    /// `fresh`: the issuer of a pair started for one scenario.
    async fn new(
        api: &str,
        tenant: &'a Tenant,
        profile: &'a Profile,
        observer: Observer<'a>,
        dpop_key: mock_tenant::forge::DpopKey,
        fresh: Option<&str>,
    ) -> Ctx<'a> {
        // A fresh pair's issuer is known without reading discovery, which must count only the
        // API's reads (`disc-mismatch`).
        let issuer = match fresh {
            Some(issuer) => issuer.to_owned(),
            None => tenant.issuer().await.unwrap_or_default(),
        };
        Ctx {
            http: http_client(profile),
            api: api.trim_end_matches('/').to_owned(),
            tenant,
            profile,
            attacker: AttackerHost::start(None).await,
            issuer,
            fetches_at_start: tenant.jwks_fetches().await.unwrap_or(0),
            waited: Duration::ZERO,
            observer,
            position: Position::default(),
            dpop_key,
            api_nonce: std::sync::Mutex::new(None),
            fresh: fresh.is_some(),
            junk: JunkBody::ALL.to_vec(),
        }
    }

    /// Tells the observer that case `index` starts here.
    fn start_case(&mut self, index: usize, total: usize, case: &Case) {
        self.position = Position {
            index,
            total,
            id: case.id.clone(),
        };
        (self.observer)(RunEvent::Started {
            index,
            total,
            id: &case.id,
        });
    }
}

/// Runs `cases` against `target` and reports every outcome, telling `observer` where it is.
/// Never panics on what the API does.
///
/// With [`Target::isolation`], the stateful JWKS scenarios run in parallel, each on a fresh
/// tenant and API, while the other cases run in order on the target's own pair.
pub async fn run_cases(
    target: &Target,
    profile: &Profile,
    cases: &[Case],
    observer: Observer<'_>,
) -> Report {
    let started = Instant::now();
    let started_at = crate::report::now_rfc3339();
    let dpop_key = mock_tenant::forge::DpopKey::fixture();
    let tenant = minting(&target.tenant, profile, &dpop_key);
    let saved = tenant.state().await;
    let mut ctx = Ctx::new(&target.api, &tenant, profile, observer, dpop_key, None).await;
    let total = cases.len();
    let shared = async {
        let mut outcomes: Vec<(usize, Outcome)> = Vec::with_capacity(cases.len());
        let mut contaminated_by: Option<String> = None;
        for (index, case) in cases.iter().enumerate() {
            if target.isolates(case) || matches!(case.recipe, Recipe::Responses(_)) {
                continue;
            }
            let case_started = Instant::now();
            ctx.start_case(index, total, case);
            let mut outcome = settle(profile, run_one(&mut ctx, case).await);
            outcome.contaminated_by.clone_from(&contaminated_by);
            if matches!(case.recipe, Recipe::Jwks(_)) {
                if let Ok(state) = &saved {
                    let _ = ctx.tenant.put_state(state).await;
                }
                if contaminated_by.is_none() && !still_valid(&mut ctx).await {
                    contaminated_by = Some(case.id.clone());
                }
            }
            finished(observer, index, total, &outcome, case_started);
            outcomes.push((index, outcome));
        }
        (outcomes, contaminated_by, ctx.waited)
    };
    let gate = tokio::sync::Semaphore::new(
        target
            .isolation
            .as_ref()
            .map_or(1, |iso| iso.starts_at_once),
    );
    let isolated = futures_util::future::join_all(
        cases
            .iter()
            .enumerate()
            .filter(|(_, case)| target.isolates(case))
            .filter_map(|(index, case)| {
                let iso = target.isolation.as_ref()?;
                let gate = &gate;
                Some(async move {
                    let case_started = Instant::now();
                    let (outcome, waited) =
                        sandbox::run(iso, gate, profile, case, (index, total), observer).await;
                    let outcome = settle(profile, outcome);
                    finished(observer, index, total, &outcome, case_started);
                    (index, outcome, waited)
                })
            }),
    );
    let ((shared, contaminated_by, mut waited), isolated) = tokio::join!(shared, isolated);
    let mut slots: Vec<Option<Outcome>> = vec![None; total];
    for (index, outcome) in shared {
        slots[index] = Some(outcome);
    }
    for (index, outcome, w) in isolated {
        slots[index] = Some(outcome);
        // The pairs wait side by side: the run waited as long as its longest chain of waits.
        waited = waited.max(w);
    }
    // The checks over every answer, once every other case has answered.
    for (index, case) in cases.iter().enumerate() {
        if let Recipe::Responses(check) = case.recipe {
            let case_started = Instant::now();
            observer(RunEvent::Started {
                index,
                total,
                id: &case.id,
            });
            let outcome = settle(
                profile,
                responses(case, check, slots.iter().flatten(), profile),
            );
            finished(observer, index, total, &outcome, case_started);
            slots[index] = Some(outcome);
        }
    }
    match &saved {
        Ok(state) => {
            let _ = tenant.put_state(state).await;
        }
        Err(_) => {
            let _ = tenant.clear_fault().await;
        }
    }
    Report {
        format_version: crate::report::REPORT_FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at,
        target: target.api.clone(),
        profile: profile.name.clone(),
        outcomes: slots.into_iter().flatten().collect(),
        wall_ms: started.elapsed().as_millis() as u64,
        waited_ms: waited.as_millis() as u64,
        contaminated_by,
        isolated: target.isolation.is_some(),
        catalogue_on: None,
        requests_per_operation: Default::default(),
        unsteady: None,
    }
}

/// One case on `ctx`'s pair: its outcome, a set-up failure as a robustness failure, and any
/// contact with the attacker's host as one too.
async fn run_one(ctx: &mut Ctx<'_>, case: &Case) -> Outcome {
    let hits_before = attacker_hits(&ctx.attacker);
    let mut outcome = match run_case(ctx, case).await {
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
    outcome
}

/// Tells the observer that case `index` has its outcome.
fn finished(
    observer: Observer<'_>,
    index: usize,
    total: usize,
    outcome: &Outcome,
    started: Instant,
) {
    observer(RunEvent::Finished {
        index,
        total,
        outcome,
        took: started.elapsed(),
    });
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

/// The last word on an outcome: under `--strict`, a `warn strict` fails as `FAIL strict`;
/// an accepted token names the advisories whose behaviour that is.
fn settle(profile: &Profile, mut outcome: Outcome) -> Outcome {
    if profile.strict && outcome.verdict == Verdict::WarnStrict {
        outcome.verdict = Verdict::FailStrict;
        outcome.note = format!("--strict: {}", outcome.note);
    }
    // The advisories' behaviour is accepting the token: a refusal in another shape, or a 5xx,
    // is not it.
    if matches!(
        outcome.verdict,
        Verdict::FailUnsafe | Verdict::WarnStrict | Verdict::FailStrict
    ) && !outcome.advisories.is_empty()
    {
        let named: Vec<String> = outcome.advisories.iter().map(|a| a.to_string()).collect();
        outcome.note = format!("{} [as {}]", outcome.note, named.join(", "));
    }
    outcome
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
                | Expect::Preferred
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
        let why = if matches!(case.recipe, Recipe::Organization(_)) {
            "not run: an Organizations case, and the profile names no organization \
             (--organization)"
        } else {
            "not run: a DPoP case, and the profile does not use DPoP (--dpop optional|required)"
        };
        return Ok(Outcome::new(
            case,
            Verdict::NotApplicable,
            why.into(),
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
            let auth = [format!("Bearer {token}")];
            let mut exchanges = vec![ctx.send(endpoint, &auth).await];
            if matches!(
                case.post,
                Some(
                    crate::case::PostCheck::SlowMeansExecuted
                        | crate::case::PostCheck::SlowMeansWork
                )
            ) && exchanges[0].elapsed_ms >= KID_DELAY_MS
            {
                // Once more: a busy machine is slow once, an injected sleep every time.
                exchanges.push(ctx.send(endpoint, &auth).await);
            }
            judge(ctx, case, expect, exchanges, &token)
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
        Recipe::Organization(which) => organizations::run(ctx, case, expect, which).await?,
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
