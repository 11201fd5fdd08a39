//! The one driver: fires every case at the API, turns every answer (or failure to answer) into an
//! outcome on its row, and always finishes.

use crate::case::{Case, Endpoint, Expect, JwksOp, Recipe, ResponseCheck, Transport};
use crate::profile::Profile;
use crate::report::{Outcome, Report};
use crate::tenant::Tenant;
use crate::verdict::{Exchange, Verdict, classify, leak};
use mock_tenant::{AttackerHost, BadKey, JunkBody, JwksFault, RsaKey, Signer, TokenBuilder};
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
    /// Time spent in declared waits (rotation cooldown, cache lifetime, slow JWKS).
    waited: Duration,
    /// JWKS fetches made while the suite held the JWKS down: the API got no keys from them.
    failed_fetches: u64,
    /// Shows progress on stderr when it is a terminal.
    progress: Option<Progress>,
}

/// A one-line progress display: which case, how far, and what the run is waiting for.
struct Progress {
    done: usize,
    total: usize,
    case: String,
}

impl Progress {
    fn show(&self, waiting: Option<Duration>) {
        let bar_width = 30;
        let filled = bar_width * self.done / self.total.max(1);
        let bar = format!("{}{}", "#".repeat(filled), ".".repeat(bar_width - filled));
        let wait = waiting.map_or(String::new(), |w| {
            format!(" waiting {:.1} s", w.as_secs_f64())
        });
        eprint!(
            "\r\x1b[2K[{bar}] {}/{} {}{wait}",
            self.done, self.total, self.case
        );
    }
}

/// Runs `cases` against `target` and reports every outcome. Never panics on what the API does.
pub async fn run_cases(target: &Target, profile: &Profile, cases: &[Case]) -> Report {
    let started = Instant::now();
    let http = reqwest::Client::builder()
        .timeout(profile.timeout())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("an HTTP client with default TLS");
    let tenant = target.tenant.for_scope(&profile.scope);
    let mut ctx = Ctx {
        http,
        api: target.api.trim_end_matches('/').to_owned(),
        tenant: &tenant,
        profile,
        attacker: AttackerHost::start(None).await,
        waited: Duration::ZERO,
        failed_fetches: 0,
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| Progress {
            done: 0,
            total: cases.len(),
            case: String::new(),
        }),
    };
    let mut outcomes = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        if let Some(p) = &mut ctx.progress {
            p.done = i;
            p.case.clone_from(&case.id);
            p.show(None);
        }
        if let Recipe::Responses(check) = case.recipe {
            outcomes.push(responses(case, check, &outcomes, profile));
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
        outcomes.push(outcome);
    }
    if ctx.progress.is_some() {
        eprint!("\r\x1b[2K");
    }
    let _ = ctx.tenant.clear_fault().await;
    Report {
        target: target.api.clone(),
        profile: profile.name.clone(),
        outcomes,
        wall_ms: started.elapsed().as_millis() as u64,
        waited_ms: ctx.waited.as_millis() as u64,
    }
}

/// Connections plus requests: a kept-alive connection carries later requests without a new one.
fn attacker_hits(attacker: &AttackerHost) -> u64 {
    attacker.connections() + attacker.requests().len() as u64
}

async fn run_case(ctx: &mut Ctx<'_>, case: &Case) -> Result<Outcome, String> {
    match case.recipe {
        Recipe::Headers { endpoint, values } => {
            let t0 = ctx.tenant.mint("", None).await?;
            let exchange = ctx.send(endpoint, &values(&t0)).await;
            Ok(judge(ctx, case, case.expect, vec![exchange], &t0))
        }
        Recipe::RawHeaders { endpoint, values } => {
            let Some(authority) = crate::raw::plain_http_authority(&ctx.api) else {
                return Ok(Outcome::new(
                    case,
                    Verdict::PassTolerated,
                    "not run: raw requests are sent to plain-HTTP APIs only".into(),
                    vec![],
                ));
            };
            let t0 = ctx.tenant.mint("", None).await?;
            let path = ctx.path(endpoint).to_owned();
            let exchange =
                crate::raw::send(&authority, &path, &values(&t0), ctx.profile.timeout()).await;
            Ok(judge(ctx, case, case.expect, vec![exchange], &t0))
        }
        Recipe::Token { endpoint, defect } => {
            let token = ctx.tenant.mint(defect, Some(&ctx.attacker.url())).await?;
            let exchange = ctx.send(endpoint, &[format!("Bearer {token}")]).await;
            let mut outcome = judge(
                ctx,
                case,
                expectation(case, ctx.profile),
                vec![exchange],
                &token,
            );
            delayed_by_kid(case, &mut outcome);
            Ok(outcome)
        }
        Recipe::Transport(transport) => {
            let t0 = ctx.tenant.mint("", None).await?;
            let exchange = ctx.send_transport(transport, &t0).await;
            Ok(judge(
                ctx,
                case,
                expectation(case, ctx.profile),
                vec![exchange],
                &t0,
            ))
        }
        Recipe::Jwks(op) => jwks(ctx, case, op).await,
        Recipe::Responses(check) => Ok(Outcome::new(
            case,
            Verdict::PassTolerated,
            format!("{check:?} is checked over a whole run"),
            vec![],
        )),
    }
}

/// resp-challenge and resp-leak: one verdict over every answer of the run so far, with the
/// first offending exchange as evidence.
fn responses(case: &Case, check: ResponseCheck, done: &[Outcome], profile: &Profile) -> Outcome {
    let answers = done
        .iter()
        .flat_map(|o| o.exchanges.iter().map(move |e| (o.id.as_str(), e)));
    match check {
        ResponseCheck::Challenge => {
            let refusals: Vec<_> = answers
                .filter(|(_, e)| matches!(e.status, Some(401 | 403)))
                .collect();
            let bare: Vec<_> = refusals
                .iter()
                .filter(|(_, e)| {
                    !e.challenge
                        .as_deref()
                        .is_some_and(|c| c.to_ascii_lowercase().starts_with("bearer"))
                })
                .collect();
            let Some((first, evidence)) = bare.first() else {
                return Outcome::new(
                    case,
                    Verdict::Pass,
                    format!(
                        "all {} 401/403 answers carry a Bearer challenge",
                        refusals.len()
                    ),
                    vec![],
                );
            };
            let verdict = if profile.require_challenge {
                Verdict::WarnConformance
            } else {
                Verdict::PassTolerated
            };
            Outcome::new(
                case,
                verdict,
                format!(
                    "{} of {} 401/403 answers lack `WWW-Authenticate: Bearer` (first: {first}){}",
                    bare.len(),
                    refusals.len(),
                    if profile.require_challenge {
                        String::new()
                    } else {
                        format!("; tolerated by {}", profile.name)
                    }
                ),
                vec![(*evidence).clone()],
            )
        }
        ResponseCheck::Leak => {
            let mut leaks = answers.filter_map(|(id, e)| leak(e, "").map(|why| (id, e, why)));
            match leaks.next() {
                None => Outcome::new(
                    case,
                    Verdict::Pass,
                    "no refusal leaks internals".into(),
                    vec![],
                ),
                Some((id, evidence, why)) => Outcome::new(
                    case,
                    Verdict::WarnConformance,
                    format!("{why} (first: {id}; {} more)", leaks.count()),
                    vec![evidence.clone()],
                ),
            }
        }
    }
}

/// An answer to a `sleep` in the `kid` slower than this means the `kid` reached a shell or a
/// database: the injection ran, whatever the status.
pub const KID_DELAY_MS: u64 = 2_500;

/// The timing half of kid-sqli and kid-cmdi: their `kid`s sleep 5 or 10 s if executed.
fn delayed_by_kid(case: &Case, outcome: &mut Outcome) {
    if !matches!(case.source, "kid-sqli" | "kid-cmdi") {
        return;
    }
    let Some(slow) = outcome
        .exchanges
        .iter()
        .find(|e| e.status.is_some() && e.elapsed_ms >= KID_DELAY_MS)
    else {
        return;
    };
    outcome.verdict = Verdict::FailUnsafe;
    outcome.note = format!(
        "answered after {} ms: the `kid` looks executed (an injected sleep)",
        slow.elapsed_ms
    );
}

/// What the profile's knobs make of a case's expectation: leeway, `exp` required, scope source
/// and transports.
fn expectation(case: &Case, profile: &Profile) -> Expect {
    use crate::profile::{ScopeSource, Transports};
    match (case.source, profile.scope_source, profile.transports) {
        ("exp-absent", ..) if !profile.exp_required => return Expect::Discouraged,
        ("perm-claim", ScopeSource::ScopeAndPermissions, _) => return Expect::Ok,
        ("scp-claim", ScopeSource::ScopeAndScp, _) => return Expect::Ok,
        ("perm-claim" | "scp-claim", ..) => return Expect::Scope,
        ("alt-transport", _, Transports::HeaderQueryBody) if case.id != "alt-transport-cookie" => {
            return Expect::Ok;
        }
        ("two-methods", _, Transports::HeaderQueryBody) => return Expect::Discouraged,
        _ => {}
    }
    let within = case
        .id
        .strip_prefix("exp-past-")
        .and_then(|n| n.strip_suffix('s'))
        .and_then(|n| n.parse::<u64>().ok())
        .is_some_and(|n| n <= profile.leeway_secs.min(60));
    if within {
        Expect::Tolerated
    } else {
        case.expect
    }
}

/// The worst verdict over the exchanges, each also checked for leaks.
fn judge(
    ctx: &Ctx<'_>,
    case: &Case,
    expect: Expect,
    exchanges: Vec<Exchange>,
    token: &str,
) -> Outcome {
    let mut worst = (Verdict::Pass, String::new());
    for exchange in &exchanges {
        let mut verdict = classify(expect, exchange, ctx.profile);
        if let Some(reason) = leak(exchange, token)
            && verdict.0 < Verdict::WarnConformance
        {
            verdict = (Verdict::WarnConformance, reason);
        }
        if verdict.0 > worst.0 || worst.1.is_empty() {
            worst = verdict;
        }
    }
    Outcome::new(case, worst.0, worst.1, exchanges)
}

impl Ctx<'_> {
    fn path(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::Public => &self.profile.public_path,
            Endpoint::Private => &self.profile.private_path,
            Endpoint::Scoped => &self.profile.scoped_path,
        }
    }

    /// Sends one GET with these `Authorization` values; any failure becomes data.
    async fn send(&self, endpoint: Endpoint, authorization: &[String]) -> Exchange {
        let path = self.path(endpoint);
        let request = self.http.get(format!("{}{path}", self.api));
        self.send_built(request, &format!("GET {path}"), authorization)
            .await
    }

    /// Sends the valid token another way than (or besides) the header.
    async fn send_transport(&self, transport: Transport, token: &str) -> Exchange {
        let path = self.path(Endpoint::Private).to_owned();
        let url = format!("{}{path}", self.api);
        let query = format!("access_token={token}");
        let (request, shown, auth) = match transport {
            Transport::Query => (
                self.http.get(format!("{url}?{query}")),
                format!("GET {path}?access_token=T0"),
                vec![],
            ),
            Transport::Form => (
                self.http
                    .post(&url)
                    .header(
                        http::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(query),
                format!("POST {path} (form access_token=T0)"),
                vec![],
            ),
            Transport::Cookie => (
                self.http.get(&url).header(http::header::COOKIE, query),
                format!("GET {path} Cookie: access_token=T0"),
                vec![],
            ),
            Transport::HeaderAndQuery => (
                self.http.get(format!("{url}?{query}")),
                format!("GET {path}?access_token=T0"),
                vec![format!("Bearer {token}")],
            ),
        };
        self.send_built(request, &shown, &auth).await
    }

    async fn send_built(
        &self,
        mut request: reqwest::RequestBuilder,
        line: &str,
        authorization: &[String],
    ) -> Exchange {
        let path = line;
        let mut shown = Vec::new();
        for value in authorization {
            match http::HeaderValue::from_str(value) {
                Ok(v) => request = request.header(http::header::AUTHORIZATION, v),
                Err(_) => {
                    return Exchange {
                        request: path.to_owned(),
                        error: Some("the header value cannot be sent".into()),
                        ..Exchange::default()
                    };
                }
            }
            shown.push(shorten(value));
        }
        let request_text = if shown.is_empty() {
            path.to_owned()
        } else {
            format!("{path} Authorization: {}", shown.join(" | "))
        };
        let started = Instant::now();
        match request.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                let header = |name| {
                    res.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let challenge = header(http::header::WWW_AUTHENTICATE);
                let content_type = header(http::header::CONTENT_TYPE);
                let body = res.text().await.unwrap_or_default();
                Exchange {
                    request: request_text,
                    status: Some(status),
                    challenge,
                    content_type,
                    body: body.chars().take(2048).collect(),
                    elapsed_ms: started.elapsed().as_millis() as u64,
                    error: None,
                }
            }
            Err(e) => Exchange {
                request: request_text,
                elapsed_ms: started.elapsed().as_millis() as u64,
                error: Some(if e.is_timeout() {
                    format!("no answer within {} s", self.profile.timeout_secs)
                } else {
                    format!("connection failed: {e}")
                }),
                ..Exchange::default()
            },
        }
    }

    async fn wait(&mut self, d: Duration) {
        tokio::time::sleep(d).await;
        self.waited += d;
        if let Some(p) = &self.progress {
            p.show(Some(self.waited));
        }
    }
}

fn shorten(value: &str) -> String {
    if value.len() <= 60 {
        value.to_owned()
    } else {
        format!(
            "{}…{} ({} bytes)",
            &value[..40],
            &value[value.len() - 12..],
            value.len()
        )
    }
}

/// Sends `token` until the API fetches the JWKS (seen in the tenant's counter) or its declared
/// cooldown has passed, and returns the last answer: the API is given every chance to use the
/// key set as it stands, without waiting longer than needed.
async fn until_fetched(ctx: &mut Ctx<'_>, token: &str) -> Result<Exchange, String> {
    let before = ctx.tenant.jwks_fetches().await?;
    let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_cooldown_secs);
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

/// Waits (a declared wait, bounded by the cooldown) until T0 passes again after a JWKS outage.
async fn recover(ctx: &mut Ctx<'_>, t0: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_cooldown_secs + 2);
    loop {
        let exchange = ctx.send(Endpoint::Private, &[format!("Bearer {t0}")]).await;
        if exchange.status == Some(200) {
            return None;
        }
        if Instant::now() >= deadline {
            return Some(format!(
                "the valid token still fails {} s after the JWKS came back ({:?})",
                ctx.profile.jwks_cooldown_secs + 2,
                exchange.status
            ));
        }
        ctx.wait(Duration::from_millis(250)).await;
    }
}

/// A token the tenant signs under a `kid` the API has never seen, so it must fetch the keys.
async fn unknown_kid_token(ctx: &Ctx<'_>, n: usize) -> Result<String, String> {
    ctx.tenant
        .mint_with(serde_json::json!({"header": {"kid": format!("conformance-unknown-{n}-{}", std::process::id())}}))
        .await
}

async fn jwks(ctx: &mut Ctx<'_>, case: &Case, op: JwksOp) -> Result<Outcome, String> {
    let t0 = ctx.tenant.mint("", None).await?;
    let bearer = |t: &str| vec![format!("Bearer {t}")];
    let private = Endpoint::Private;
    let outcome = match op {
        JwksOp::DiscoveryForeignJwks => {
            const DISCOVERY: &str = "/.well-known/openid-configuration";
            let before = ctx.tenant.requests(DISCOVERY).await?;
            let fetches = ctx.tenant.jwks_fetches().await?;
            let foreign = format!("{}/.well-known/jwks.json", ctx.attacker.url());
            ctx.tenant
                .set_discovery(serde_json::json!({ "jwks_uri": foreign }))
                .await?;
            // The tenant's own JWKS is down meanwhile, so an API that looks there gets no keys
            // and jwks-down-cold still finds it cold.
            ctx.tenant
                .set_fault(&JwksFault::Status { status: 503 })
                .await?;
            let forged = ctx.tenant.mint("kid-unknown-attacker-jwks", None).await?;
            let exchange = ctx.send(private, &bearer(&forged)).await;
            let read = ctx.tenant.requests(DISCOVERY).await? > before;
            ctx.tenant.clear_fault().await?;
            ctx.tenant.set_discovery(serde_json::json!({})).await?;
            ctx.failed_fetches += ctx.tenant.jwks_fetches().await? - fetches;
            let accepted = exchange.status.is_some_and(|s| (200..300).contains(&s));
            if !read && !accepted {
                return Ok(Outcome::new(
                    case,
                    Verdict::PassTolerated,
                    "not applicable: the API did not read the discovery document (it is configured \
                     with its JWKS URL)"
                        .into(),
                    vec![exchange],
                ));
            }
            // No recovery check here: sending T0 would warm the key cache that jwks-down-cold
            // needs cold. That case checks that T0 works again, and says why if it does not.
            judge(ctx, case, Expect::FailClosed, vec![exchange], &forged)
        }
        JwksOp::DownCold => {
            if ctx.tenant.jwks_fetches().await? > ctx.failed_fetches {
                return Ok(Outcome::new(
                    case,
                    Verdict::PassTolerated,
                    "not applicable: the API had already fetched the keys before the run".into(),
                    vec![],
                ));
            }
            ctx.tenant
                .set_fault(&JwksFault::Status { status: 503 })
                .await?;
            let exchange = ctx.send(private, &bearer(&t0)).await;
            ctx.tenant.clear_fault().await?;
            let mut outcome = judge(ctx, case, Expect::FailClosed, vec![exchange], &t0);
            // The API may wait out its cooldown before it retries: give it that long to recover.
            if let Some(note) = recover(ctx, &t0).await {
                outcome.verdict = outcome.verdict.max(Verdict::FailRobustness);
                outcome.note = format!(
                    "{note} (if it read the poisoned discovery document of disc-mismatch, it may \
                     still be using it)"
                );
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
            let unknown = unknown_kid_token(ctx, 0).await?;
            let refused = until_fetched(ctx, &unknown).await?;
            ctx.tenant.clear_fault().await?;
            let mut outcome = judge(ctx, case, Expect::Ok, vec![warm, cached], &t0);
            let (v, note) = classify(Expect::FailClosed, &refused, ctx.profile);
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
            let token = unknown_kid_token(ctx, 1).await?;
            let auth = bearer(&token);
            // Retry until the API actually asks the slow JWKS (its cooldown may hold it back).
            let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_cooldown_secs);
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
            let mut outcome = judge(ctx, case, Expect::FailClosed, vec![slow], &token);
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
            let bodies = [
                JunkBody::Html,
                JunkBody::InvalidJson,
                JunkBody::Empty,
                JunkBody::KeysNotArray,
                JunkBody::KeyMissingFields,
                JunkBody::OctKey,
            ];
            for (i, body) in bodies.into_iter().enumerate() {
                ctx.tenant.set_fault(&JwksFault::Junk { body }).await?;
                let token = unknown_kid_token(ctx, 10 + i).await?;
                let mut exchange = ctx.send(private, &bearer(&token)).await;
                exchange.request = format!("[JWKS: {body:?}] {}", exchange.request);
                exchanges.push(exchange);
            }
            ctx.tenant.clear_fault().await?;
            judge(ctx, case, Expect::FailClosed, exchanges, &t0)
        }
        JwksOp::PoisonedKey => {
            let issuer = ctx.tenant.issuer().await?;
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
            let mut exchanges = Vec::new();
            for (key, token) in [(BadKey::Enc, enc), (BadKey::Ec, ec)] {
                ctx.tenant.set_fault(&JwksFault::ExtraKey { key }).await?;
                // The new kid makes the API fetch the poisoned set (once its cooldown allows).
                let mut exchange = until_fetched(ctx, &token).await?;
                exchange.request = format!("[JWKS + {key:?} key] {}", exchange.request);
                exchanges.push(exchange);
            }
            ctx.tenant.clear_fault().await?;
            judge(ctx, case, Expect::Invalid, exchanges, &t0)
        }
        JwksOp::Storm => {
            let before = ctx.tenant.jwks_fetches().await?;
            let started = Instant::now();
            let mut exchanges = Vec::new();
            for i in 0..100 {
                let token = unknown_kid_token(ctx, 100 + i).await?;
                exchanges.push(ctx.send(private, &bearer(&token)).await);
                exchanges.push(ctx.send(private, &bearer("garbage")).await);
            }
            let fetches = ctx.tenant.jwks_fetches().await? - before;
            // One fetch per declared cooldown window, and one more for the window in progress.
            let cooldown = ctx.profile.jwks_cooldown_secs.max(1);
            let allowed = 1 + started.elapsed().as_secs() / cooldown;
            let mut outcome = judge(ctx, case, Expect::ClientError, exchanges, &t0);
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
            ctx.tenant.rotate().await?;
            ctx.tenant.rotate().await?;
            let token = ctx.tenant.mint("", None).await?;
            let deadline = Instant::now() + Duration::from_secs(ctx.profile.jwks_cooldown_secs + 2);
            loop {
                let exchange = ctx.send(private, &bearer(&token)).await;
                if exchange.status == Some(200) || Instant::now() >= deadline {
                    break judge(ctx, case, Expect::Ok, vec![exchange], &token);
                }
                ctx.wait(Duration::from_millis(500)).await;
            }
        }
        JwksOp::RotateRemove => {
            let token = ctx.tenant.mint("", None).await?;
            let first = ctx.send(private, &bearer(&token)).await;
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
            let fresh = ctx.tenant.mint("", None).await?;
            let after = ctx.send(private, &bearer(&fresh)).await;
            let mut outcome = judge(ctx, case, Expect::Invalid, vec![last], &token);
            for (exchange, what) in [
                (first, "before the re-binding"),
                (after, "a fresh token after it"),
            ] {
                let (v, note) = classify(Expect::Ok, &exchange, ctx.profile);
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
