//! `POST /oauth/revoke`: revokes a refresh token and its whole rotation family; 200 with an
//! empty body, as Auth0 answers, also for a token it does not know (RFC 7009 §2.2).

use super::client_auth::authenticate_client;
use super::oauth::{OAuthError, oauth_post, parse_body, required, store_failed};
use super::reply;
use crate::login::{Grant, purpose};
use crate::state::State;
use http::{HeaderMap, StatusCode};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// POST /oauth/revoke
pub(crate) fn route(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    oauth_post(
        warp::path!("oauth" / "revoke"),
        state,
        |state, headers, _peer, body| async move { revoke(&state, &headers, &body).await },
    )
}

async fn revoke(state: &State, headers: &HeaderMap, body: &[u8]) -> Result<Response, OAuthError> {
    let params = parse_body(headers, body)?;
    let config = state.read(|s| s.config.clone());
    let issuer = state.issuer_for(super::oauth::host_of(headers));
    let client_id = authenticate_client(state, &config, headers, &params, &issuer).await?;
    let token = required(&params, "token")?;
    if let Some(grant) = state.sealer.open::<Grant>(purpose::REFRESH, token)
        && let Some(family) = &grant.family
    {
        if grant.client_id != client_id {
            return Err(OAuthError::invalid_request(
                "The refresh token was issued to another client",
            ));
        }
        state
            .store
            .put(&format!("revoked-family:{family}"), "revoked", None)
            .await
            .map_err(store_failed)?;
    }
    Ok(reply::body(StatusCode::OK, "text/plain; charset=utf-8", ""))
}
