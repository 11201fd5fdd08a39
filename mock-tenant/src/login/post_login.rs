//! The `post-login` Actions of a login, run before its code or tokens are issued: their scopes
//! are applied to the grant and their claims kept in it, so refreshed tokens carry them too.

use super::Grant;
use crate::actions::{self, Effects, Stop, Trigger, event};
use crate::config::{Client, TenantConfig};

/// How the login came: `event.request` and `event.transaction`.
pub(crate) struct Login<'a> {
    /// The request (the `/authorize` query, or the password grant's body).
    pub(crate) request: &'a event::Request,
    /// What the login asked for.
    pub(crate) transaction: event::Transaction<'a>,
    /// The tenant's issuer.
    pub(crate) issuer: &'a str,
}

/// Runs the tenant's `post-login` Actions on `grant`; nothing when it has none.
pub(crate) async fn run(
    config: &TenantConfig,
    client: &Client,
    grant: &mut Grant,
    login: &Login<'_>,
) -> Result<(), Stop> {
    if config.actions_for(Trigger::PostLogin).next().is_none() {
        return Ok(());
    }
    let api = grant.audience.as_deref().and_then(|a| config.api(a));
    let organization = grant
        .organization
        .as_ref()
        .and_then(|o| config.organization(&o.id));
    let who = event::Login {
        config,
        client,
        user: &grant.user,
        api,
        organization,
    };
    let event = event::post_login(&who, login.request, &login.transaction, login.issuer);
    let effects = actions::run(
        &config.actions,
        &config.action_limits,
        Trigger::PostLogin,
        event,
    )
    .await?;
    grant.scope = effects.scope(&grant.scope);
    grant.actions = Effects {
        id_token_claims: effects.id_token_claims,
        access_token_claims: effects.access_token_claims,
        ..Effects::default()
    };
    Ok(())
}
