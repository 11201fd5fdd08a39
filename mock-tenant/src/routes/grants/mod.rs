//! The grants of `POST /oauth/token`, one file each. Which one answers a grant type is one
//! exhaustive match ([`grant`]), so a new [`GrantType`] cannot compile until it is given a
//! file here or declared unsupported. `docs/login-flows.md` has the user grants' flows.

mod authorization_code;
mod client_credentials;
mod password;
mod refresh_token;
mod token_exchange;

use super::oauth::{ErrorCode, OAuthError, Params, access_denied};
use crate::GrantType;
use crate::actions::{Stop, Trigger};
use crate::config::{Client, TenantConfig};
use crate::login::{Grant, has_scope, tokens};
use crate::seal::random_id;
use crate::state::State;
use http::StatusCode;
use serde_json::Value;

/// Everything a grant gets: the tenant, the authenticated client and the request.
pub(crate) struct GrantRequest<'a> {
    /// The tenant's state.
    pub(crate) state: &'a State,
    /// The tenant's configuration when the request came.
    pub(crate) config: &'a TenantConfig,
    /// The authenticated client, which has the grant type enabled.
    pub(crate) client: &'a Client,
    /// The request's parameters.
    pub(crate) params: &'a Params,
    /// The thumbprint of the request's DPoP key, if it sent a proof: the tokens are bound to it.
    pub(crate) jkt: Option<String>,
    /// The issuer the request was made to (the tenant's, or a custom domain's).
    pub(crate) issuer: &'a str,
    /// The request as Actions see it (`event.request`).
    pub(crate) caller: &'a crate::actions::event::Request,
}

/// 400 `unsupported_grant_type` for a grant type the tenant does not serve, before anything
/// else is checked (as Auth0 answers a grant it does not know).
pub(crate) fn supported(grant_type: GrantType) -> Result<(), OAuthError> {
    use GrantType::*;
    match grant_type {
        ClientCredentials | AuthorizationCode | RefreshToken | Password | PasswordRealm
        | TokenExchange => Ok(()),
        // Not a token request at all: answered as any name the endpoint does not know.
        Implicit => Err(unsupported(grant_type.as_str())),
        DeviceCode | PasswordlessOtp | MfaOtp | MfaOob | MfaRecoveryCode | Ciba => {
            Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::UnsupportedGrantType,
                &format!(
                    "Unsupported grant type: {grant_type} (not implemented by the mock tenant yet)"
                ),
            ))
        }
    }
}

/// The token endpoint's answer when a trigger's Actions stop a grant. A login's (`post-login`)
/// ends in 403 `access_denied` with the reason or the error's message, as Auth0's login does;
/// elsewhere a denial is 400 with the Action's code, and an Action that fails is Auth0's 500
/// `server_error` (the tenant's log has the stack).
pub(crate) fn action_stopped(trigger: Trigger, stop: Stop) -> OAuthError {
    match (trigger, stop) {
        (Trigger::PostLogin, Stop::Denied(denial, _)) => access_denied(&denial.reason),
        (Trigger::PostLogin, Stop::Failed { error, .. }) => access_denied(&error.message),
        (_, Stop::Denied(denial, _)) => OAuthError::from_action(&denial.code, &denial.reason),
        (_, Stop::InvalidSubjectToken(reason)) => OAuthError::invalid_request(&reason),
        (_, Stop::Failed { .. }) => OAuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServerError,
            "Unknown error occurred.",
        ),
    }
}

/// 400 `unsupported_grant_type` for a name that is no grant type.
pub(crate) fn unsupported(name: &str) -> OAuthError {
    OAuthError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::UnsupportedGrantType,
        &format!("Unsupported grant type: {name}"),
    )
}

/// The response body of a grant the tenant serves ([`supported`]).
pub(crate) async fn grant(
    grant_type: GrantType,
    request: &GrantRequest<'_>,
) -> Result<Value, OAuthError> {
    use GrantType::*;
    let login = match grant_type {
        ClientCredentials => return client_credentials::grant(request).await,
        RefreshToken => return refresh_token::grant(request).await,
        AuthorizationCode => authorization_code::grant(request).await?,
        Password => password::grant(request, false).await?,
        PasswordRealm => password::grant(request, true).await?,
        TokenExchange => {
            let grant = token_exchange::grant(request).await?;
            let mut body = login_tokens(request, grant);
            body["issued_token_type"] = serde_json::json!(token_exchange::ISSUED_TOKEN_TYPE);
            return Ok(body);
        }
        Implicit | DeviceCode | PasswordlessOtp | MfaOtp | MfaOob | MfaRecoveryCode | Ciba => {
            return Err(unsupported(grant_type.as_str()));
        }
    };
    Ok(login_tokens(request, login))
}

/// The API a user grant asks for: its `audience`, or the tenant's default; 403 `Service not
/// found` for one the tenant does not have.
fn requested_api<'a>(
    request: &GrantRequest<'a>,
) -> Result<(Option<String>, Option<&'a crate::config::Api>), OAuthError> {
    let audience = request
        .params
        .get("audience")
        .filter(|a| !a.is_empty())
        .cloned()
        .or_else(|| request.config.default_audience.clone());
    let api = match &audience {
        Some(aud) => Some(
            request
                .config
                .api(aud)
                .ok_or_else(|| access_denied(&format!("Service not found: {aud}")))?,
        ),
        None => None,
    };
    Ok((audience, api))
}

/// The scope a user grant asks for (`openid` when it names none).
fn requested_scope<'a>(request: &GrantRequest<'a>) -> &'a str {
    request
        .params
        .get("scope")
        .filter(|s| !s.is_empty())
        .map_or("openid", String::as_str)
}

/// A login at the token endpoint itself (password grants, token exchange): `user`'s grant for
/// the API and scope asked, after the tenant's `post-login` Actions (`protocol` is
/// `event.transaction.protocol`).
async fn direct_login(
    request: &GrantRequest<'_>,
    user: crate::users::User,
    protocol: &str,
) -> Result<Grant, OAuthError> {
    let GrantRequest {
        state,
        config,
        client,
        issuer,
        caller,
        ..
    } = request;
    let (audience, api) = requested_api(request)?;
    let requested = requested_scope(request);
    let mut grant = Grant {
        jti: random_id(16),
        client_id: client.client_id.clone(),
        scope: crate::login::granted_scope(config, requested, client, api, &user),
        user,
        audience,
        sid: random_id(24),
        auth_time: state.now(),
        nonce: None,
        redirect_uri: None,
        challenge: None,
        family: None,
        jkt: None,
        exp: 0,
        organization: None,
        actions: Default::default(),
    };
    let login = crate::login::post_login::Login {
        request: caller,
        transaction: crate::actions::event::Transaction {
            protocol,
            requested_scope: requested,
            redirect_uri: None,
            state: None,
        },
        issuer,
    };
    crate::login::post_login::run(state, config, client, &mut grant, &login)
        .await
        .map_err(|stop| action_stopped(Trigger::PostLogin, stop))?;
    Ok(grant)
}

/// The tokens of a new login: the access token, the ID token with `openid`, and a new refresh
/// token family with `offline_access`; bound to the proof's key, the refresh token too (RFC
/// 9449 §5).
fn login_tokens(request: &GrantRequest<'_>, mut grant: Grant) -> Value {
    grant.jkt.clone_from(&request.jkt);
    let refresh_token = if has_scope(&grant.scope, "offline_access") {
        Some(refresh_token::issue(
            request.state,
            request.client,
            &grant,
            random_id(16),
        ))
    } else {
        None
    };
    tokens::response(
        request.state,
        request.config,
        &grant,
        refresh_token.as_deref(),
        request.issuer,
    )
}
