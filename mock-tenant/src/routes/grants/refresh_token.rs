//! `refresh_token`: a refresh token of a login, with rotation and reuse detection as Auth0
//! does them (reusing a rotated token revokes its whole family), bound to its DPoP key.

use super::GrantRequest;
use crate::config::Client;
use crate::login::{Grant, ROTATING_REFRESH_LIFETIME, has_scope, purpose, tokens};
use crate::routes::oauth::{OAuthError, access_denied, first_use, required, store_failed};
use crate::seal::random_id;
use crate::state::State;
use serde_json::Value;
use std::time::Duration;

/// A new refresh token of `family` for `grant`: a rotating family keeps its first lifetime.
pub(super) fn issue(state: &State, client: &Client, grant: &Grant, family: String) -> String {
    let exp = match (&grant.family, client.rotate_refresh_tokens) {
        // The lifetime of a rotating family does not extend when tokens rotate.
        (Some(_), true) => grant.exp,
        (None, true) => state.now() + ROTATING_REFRESH_LIFETIME,
        (_, false) => 0,
    };
    let rt = Grant {
        jti: random_id(16),
        family: Some(family),
        exp,
        nonce: None,
        redirect_uri: None,
        challenge: None,
        ..grant.clone()
    };
    state.sealer.seal(purpose::REFRESH, &rt)
}

/// The next tokens of a refresh token's family.
pub(super) async fn grant(request: &GrantRequest<'_>) -> Result<Value, OAuthError> {
    let GrantRequest {
        state,
        config,
        client,
        params,
        jkt,
        issuer,
        ..
    } = request;
    let invalid = || OAuthError::invalid_grant("Unknown or invalid refresh token.");
    let token = required(params, "refresh_token")?;
    let mut grant: Grant = state
        .sealer
        .open(purpose::REFRESH, token)
        .ok_or_else(invalid)?;
    let family = grant.family.clone().ok_or_else(invalid)?;
    if grant.client_id != client.client_id || (grant.exp != 0 && grant.exp < state.now()) {
        return Err(invalid());
    }
    // A refresh token issued under DPoP works only with a proof of the same key.
    match (&grant.jkt, &jkt) {
        (Some(bound), Some(proof)) if bound != proof => {
            return Err(OAuthError::invalid_proof(
                "The DPoP proof is signed by another key than the refresh token is bound to",
            ));
        }
        (Some(_), None) => {
            return Err(OAuthError::invalid_proof(
                "The refresh token is bound to a DPoP key: send a DPoP proof",
            ));
        }
        (None, proof) => grant.jkt.clone_from(proof),
        _ => {}
    }
    let revoked = format!("revoked-family:{family}");
    if state
        .store
        .get(&revoked)
        .await
        .map_err(store_failed)?
        .is_some()
    {
        return Err(invalid());
    }
    let next = if client.rotate_refresh_tokens {
        let key = format!("used-refresh:{}", grant.jti);
        let lifetime = Duration::from_secs(ROTATING_REFRESH_LIFETIME as u64);
        let first = first_use(state, &key, lifetime).await?;
        if !first {
            // Reuse of a rotated token: Auth0 revokes the whole family.
            state
                .store
                .put(&revoked, "reused", None)
                .await
                .map_err(store_failed)?;
            return Err(invalid());
        }
        Some(issue(state, client, &grant, family))
    } else {
        None
    };
    if let Some(asked) = params.get("scope").filter(|s| !s.is_empty()) {
        // Narrowing only: scopes the refresh token was not granted are dropped, not added.
        grant.scope = asked
            .split_whitespace()
            .filter(|s| has_scope(&grant.scope, s))
            .collect::<Vec<_>>()
            .join(" ");
    }
    if let Some(aud) = params.get("audience").filter(|a| !a.is_empty())
        && grant.audience.as_deref() != Some(aud.as_str())
    {
        return Err(access_denied(&format!(
            "The refresh token was not issued for audience {aud}"
        )));
    }
    Ok(tokens::response(
        state,
        config,
        &grant,
        next.as_deref(),
        issuer,
    ))
}
