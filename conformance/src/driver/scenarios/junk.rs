//! The JWKS serving junk, or keys no signature may use.

use super::{bearer, unknown_kid_token, until_fetched};
use crate::case::{Case, Endpoint};
use crate::driver::Ctx;
use crate::driver::judge::judge;
use crate::report::Outcome;
use mock_tenant::forge::{RsaKey, Signer, TokenBuilder};
use mock_tenant::{BadKey, JwksFault};

/// `jwks-junk`: the JWKS serves each junk body in turn.
pub(super) async fn junk(ctx: &mut Ctx<'_>, case: &Case, t0: &str) -> Result<Outcome, String> {
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
    Ok(judge(ctx, case, case.expect, exchanges, t0))
}

/// `jwks-poisoned`: keys for encryption or of another type are published and sign tokens.
pub(super) async fn poisoned_key(
    ctx: &mut Ctx<'_>,
    case: &Case,
    t0: &str,
) -> Result<Outcome, String> {
    let private = Endpoint::Private;
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
    Ok(judge(ctx, case, case.expect, exchanges, t0))
}
