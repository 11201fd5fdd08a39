//! Before any case: is the API steady? Its public path, asked up to [`PROBES`] times without
//! credentials, must give the same kind of answer every time (the public path: a request with
//! a token would make the API fetch the key set, and `jwks-down-cold` needs it not to have). An API that answers some of those requests and drops,
//! resets or 5xxs others (a crash loop, a flaky proxy) would have every stateful case wait out
//! its cooldowns for nothing and blame cases that are not at fault: the run stops at once, with
//! the evidence.

use super::{Ctx, minting};
use crate::case::Endpoint;
use crate::profile::Profile;
use crate::verdict::Exchange;

/// Requests to the public path before the run.
pub const PROBES: usize = 10;

/// Why the run cannot be trusted, when the answers are mixed: some answered below 500, some
/// not answered or 5xx. `None` when they agree (all answered, or none: a run
/// on an API that never answers reports that case by case).
pub(crate) async fn unsteady(target: &super::Target, profile: &Profile) -> Option<String> {
    let dpop_key = mock_tenant::forge::DpopKey::fixture();
    let tenant = minting(&target.tenant, profile, &dpop_key);
    let ctx = Ctx::new(&target.api, &tenant, profile, &|_| {}, dpop_key, None).await;
    let (mut answered, mut broken): (usize, Vec<Exchange>) = (0, Vec::new());
    for _ in 0..PROBES {
        let exchange = ctx.send(Endpoint::Public, &[]).await;
        match exchange.status {
            Some(status) if status < 500 => answered += 1,
            _ => broken.push(exchange),
        }
        if answered > 0 && !broken.is_empty() {
            break;
        }
    }
    let first = broken.first().filter(|_| answered > 0)?;
    let what = match (&first.error, first.status) {
        (Some(error), _) => error.clone(),
        (None, Some(status)) => format!("{status}"),
        (None, None) => "no answer".to_owned(),
    };
    Some(format!(
        "the API is unsteady: of {} requests to {}, {answered} got an \
         answer and {} did not ({what}). Every case would be judged on chance and every JWKS \
         scenario would wait out its cooldowns for nothing, so the run stops here: fix the API \
         (or what is in front of it) and run again",
        answered + broken.len(),
        profile.public_path,
        broken.len(),
    ))
}
