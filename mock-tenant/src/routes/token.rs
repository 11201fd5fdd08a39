//! `POST /oauth/token`: reads the request, authenticates the client, checks its DPoP proof and
//! hands the grant to [`super::grants`]. Form and JSON bodies; `client_secret_post` and
//! `client_secret_basic`.

use super::client_auth::authenticate_client;
use super::grants::{self, GrantRequest};
use super::oauth::{
    ErrorCode, OAuthError, first_use, host_of, oauth_post, parse_body, required, unauthorized,
};
use super::reply;
use crate::GrantType;
use crate::state::State;
use http::{HeaderMap, StatusCode};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// POST /oauth/token
pub(crate) fn route(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    oauth_post(
        warp::path!("oauth" / "token"),
        state,
        |state, headers, peer, body| async move { token(&state, &headers, peer, &body).await },
    )
}

async fn token(
    state: &State,
    headers: &HeaderMap,
    peer: Option<super::Peer>,
    body: &[u8],
) -> Result<Response, OAuthError> {
    let params = parse_body(headers, body)?;
    let name = required(&params, "grant_type")?;
    let grant_type: GrantType = name.parse().map_err(|_| grants::unsupported(name))?;
    grants::supported(grant_type)?;
    let config = state.read(|s| s.config.clone());
    let issuer = state.issuer_for(host_of(headers));
    let client_id = authenticate_client(state, &config, headers, &params, &issuer).await?;
    let client = config.client(&client_id).ok_or_else(unauthorized)?;
    // The tenant file's rate limits count every authenticated request.
    let quota =
        state
            .rate_windows
            .take(&config.rate_limits, "/oauth/token", &client_id, state.now());
    if let Some(quota) = quota.filter(|q| q.exceeded) {
        return Err(OAuthError::rate_limited(&quota));
    }
    // What Actions see of the request; nothing to build for a tenant without Actions.
    let caller = if config.actions.is_empty() {
        crate::actions::event::Request::default()
    } else {
        crate::actions::event::Request::new("POST", headers, super::Peer::text(peer))
            .with_params(&params)
    };
    let call = Call {
        params: &params,
        headers,
        issuer: &issuer,
        caller: &caller,
    };
    let issued = issue(state, &config, client, grant_type, &call).await;
    let rate_headers = quota.map(|q| q.headers().to_vec()).unwrap_or_default();
    match issued {
        Ok(mut response) => {
            for (name, value) in rate_headers {
                if let Ok(value) = http::HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
            Ok(response)
        }
        Err(error) => Err(error.with_headers(rate_headers)),
    }
}

/// A token request as the grants get it.
struct Call<'a> {
    params: &'a super::oauth::Params,
    headers: &'a HeaderMap,
    issuer: &'a str,
    caller: &'a crate::actions::event::Request,
}

/// The grant, for an authenticated client within its limits.
async fn issue(
    state: &State,
    config: &crate::config::TenantConfig,
    client: &crate::config::Client,
    grant_type: GrantType,
    call: &Call<'_>,
) -> Result<Response, OAuthError> {
    let Call {
        params,
        headers,
        issuer,
        caller,
    } = *call;
    let proof = dpop_proof(state, headers, "POST", "oauth/token", None).await?;
    if client.require_proof_of_possession && proof.is_none() {
        return Err(OAuthError::invalid_request(
            "This client requires a DPoP proof (header DPoP) with every token request",
        ));
    }
    allowed(client, grant_type)?;
    let request = GrantRequest {
        state,
        config,
        client,
        params,
        jkt: proof.map(|p| p.jkt),
        issuer,
        caller,
    };
    let body = grants::grant(grant_type, &request).await?;
    Ok(reply::no_store(reply::body(
        StatusCode::OK,
        reply::JSON,
        body.to_string(),
    )))
}

/// The request's DPoP proof, checked (RFC 9449 §4.3) and its `jti` spent; `None` without a
/// `DPoP` header. `path` is the endpoint's, under the issuer.
pub(crate) async fn dpop_proof(
    state: &State,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    access_token: Option<&str>,
) -> Result<Option<crate::dpop::Proof>, OAuthError> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(OAuthError::invalid_proof("Only one DPoP proof may be sent"));
    }
    let proof = value
        .to_str()
        .map_err(|_| OAuthError::invalid_proof("The DPoP proof is not a JWT"))?;
    let nonce = state.read(|s| s.dpop_nonce.clone());
    let url = format!("{}{path}", state.issuer_for(host_of(headers)));
    let request = crate::dpop::Request {
        method,
        url: &url,
        now: state.now(),
        nonce: nonce.as_deref(),
        access_token,
    };
    let proof = crate::dpop::check(proof, &request).map_err(|refusal| match refusal {
        crate::dpop::Refusal::Invalid(why) => OAuthError::invalid_proof(&why),
        crate::dpop::Refusal::Nonce => OAuthError::use_nonce(nonce.clone()),
    })?;
    let lifetime = (crate::dpop::MAX_AGE + crate::dpop::MAX_SKEW) as u64;
    let key = format!("dpop-jti:{}", proof.jti);
    let first = first_use(state, &key, std::time::Duration::from_secs(lifetime)).await?;
    if !first {
        return Err(OAuthError::invalid_proof(
            "The DPoP proof jti was already used",
        ));
    }
    Ok(Some(proof))
}

/// Auth0's 403 `unauthorized_client` when the grant type is not enabled on the client.
pub(crate) fn allowed(
    client: &crate::config::Client,
    grant_type: GrantType,
) -> Result<(), OAuthError> {
    if client.grant_types.contains(&grant_type) {
        return Ok(());
    }
    // Auth0 adds error_uri to this one error.
    Err(OAuthError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::UnauthorizedClient,
        &format!("Grant type '{grant_type}' not allowed for the client."),
    )
    .with_uri("https://auth0.com/docs/clients/client-grant-types"))
}
