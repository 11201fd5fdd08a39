//! Auth0's Custom Token Exchange (`urn:ietf:params:oauth:grant-type:token-exchange`): the
//! `subject_token_type` picks a profile, the profile's `custom-token-exchange` Action decides
//! which user the subject token stands for (`api.authentication.setUserById`) or rejects it,
//! then the `post-login` Actions run (`event.transaction.protocol` `oauth2-token-exchange`) and
//! the user's tokens are issued as a login's.

use super::GrantRequest;
use crate::actions::{self, Stop, Trigger, event};
use crate::login::{Grant, find_user};
use crate::routes::oauth::{OAuthError, required};
use serde_json::json;
use std::slice;

/// The token type Auth0 says it issued.
pub(super) const ISSUED_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// The login the subject token stands for, once the Actions said so.
pub(super) async fn grant(request: &GrantRequest<'_>) -> Result<Grant, OAuthError> {
    let GrantRequest {
        config,
        client,
        params,
        issuer,
        caller,
        ..
    } = request;
    let subject_token = required(params, "subject_token")?;
    let subject_token_type = required(params, "subject_token_type")?;
    let profile = config
        .token_exchange_profiles
        .iter()
        .find(|p| p.subject_token_type == subject_token_type)
        .ok_or_else(|| {
            OAuthError::invalid_request(
                "Invalid subject_token_type and requested_token_type combination.",
            )
        })?;
    let action = config
        .exchange_action(&profile.action_id)
        .ok_or_else(|| OAuthError::invalid_request("The token exchange profile has no Action"))?;
    let (_, api) = super::requested_api(request)?;
    let requested = super::requested_scope(request);
    let event = json!({
        "transaction": {
            "subject_token": subject_token,
            "subject_token_type": subject_token_type,
            "requested_scopes": requested.split_whitespace().collect::<Vec<_>>(),
            "requested_token_type": params.get("requested_token_type"),
        },
        "client": event::client_json(client),
        "request": caller.to_json(),
        "resource_server": api.map(|a| json!({"identifier": a.identifier})),
        "tenant": event::tenant(issuer),
        "secrets": {},
    });
    let stopped = |stop| super::action_stopped(Trigger::CustomTokenExchange, stop);
    let effects = actions::run(
        slice::from_ref(action),
        &config.action_limits,
        Trigger::CustomTokenExchange,
        event,
    )
    .await
    .map_err(stopped)?;
    let Some(user_id) = effects.user_id else {
        eprintln!(
            "mock-tenant: Action {:?} (custom-token-exchange) set no user: call \
             api.authentication.setUserById",
            action.name
        );
        return Err(stopped(Stop::Failed {
            error: actions::ActionError::new("the Action set no user"),
        }));
    };
    let user = find_user(config, &user_id).ok_or_else(|| {
        OAuthError::invalid_request(&format!("The user {user_id} does not exist."))
    })?;
    super::direct_login(request, user, "oauth2-token-exchange").await
}
