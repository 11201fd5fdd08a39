//! The `post-login` Actions of a login, run before its code or tokens are issued: their scopes
//! are applied to the grant and their claims kept in it, so refreshed tokens carry them too.

use super::Grant;
use crate::actions::{self, Effects, Metadata, Stop, Trigger, event};
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

/// Runs the tenant's `post-login` Actions on `grant`; nothing when it has none. The metadata
/// they set is saved on the tenant's user (a deny keeps it too, as Auth0 does) and in the
/// grant's copy, so this login's tokens see it.
pub(crate) async fn run(
    state: &crate::state::State,
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
    let ran = actions::run(
        &config.actions,
        &config.action_limits,
        Trigger::PostLogin,
        event,
    )
    .await;
    let metadata = match &ran {
        Ok(effects) => Some(&effects.metadata),
        Err(Stop::Denied(_, metadata)) => Some(metadata),
        Err(_) => None,
    };
    if let Some(metadata) = metadata.filter(|m| !m.is_empty()) {
        save(state, grant, metadata).await;
    }
    let effects = ran?;
    grant.scope = effects.scope(&grant.scope);
    grant.actions = Effects {
        id_token_claims: effects.id_token_claims,
        access_token_claims: effects.access_token_claims,
        ..Effects::default()
    };
    Ok(())
}

/// Saves what the Actions set on the user's metadata, in the tenant (shared with the other
/// processes of a Redis tenant) and in the grant's copy of the user.
async fn save(state: &crate::state::State, grant: &mut Grant, metadata: &Metadata) {
    let patch = metadata.patch();
    match state.patch_user(&grant.user.user_id, &patch) {
        Ok(Some(user)) => {
            grant.user.app_metadata = user.app_metadata;
            grant.user.user_metadata = user.user_metadata;
            if let Err(e) = state.publish().await {
                eprintln!("mock-tenant: could not share an Action's metadata change: {e}");
            }
        }
        Ok(None) => eprintln!(
            "mock-tenant: the metadata an Action set on {} is not kept: the user is not in the \
             tenant file (a subject typed on the login page)",
            grant.user.user_id
        ),
        Err(e) => eprintln!(
            "mock-tenant: the metadata an Action set on {} is not kept: {e}",
            grant.user.user_id
        ),
    }
}
