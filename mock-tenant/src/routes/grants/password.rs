//! `password` (Resource Owner Password) and Auth0's `password-realm`, which names the
//! connection the user must belong to.

use super::GrantRequest;
use crate::actions::{Trigger, event};
use crate::login::{Grant, find_user, granted_scope, post_login};
use crate::routes::oauth::{OAuthError, access_denied, required};
use crate::seal::random_id;

/// The login the username and password stand for, after the tenant's `post-login` Actions.
pub(super) async fn grant(request: &GrantRequest<'_>, realm: bool) -> Result<Grant, OAuthError> {
    let GrantRequest {
        state,
        config,
        client,
        params,
        issuer,
        caller,
        ..
    } = request;
    let username = required(params, "username")?;
    let password = required(params, "password")?;
    let wrong = || OAuthError::invalid_grant("Wrong email or password.");
    let user = config.user(username).ok_or_else(wrong)?;
    if realm {
        let realm = required(params, "realm")?;
        if config.users.iter().all(|u| u.connection != realm) {
            return Err(OAuthError::invalid_request(&format!(
                "connection {realm} is not enabled for the client or does not exist"
            )));
        }
        if user.connection != realm {
            return Err(wrong());
        }
    }
    let matches = user.password.as_deref().is_some_and(|p| {
        p.len() == password.len()
            && p.bytes()
                .zip(password.bytes())
                .fold(0, |a, (x, y)| a | (x ^ y))
                == 0
    });
    if !matches {
        return Err(wrong());
    }
    let audience = params
        .get("audience")
        .filter(|a| !a.is_empty())
        .cloned()
        .or_else(|| config.default_audience.clone());
    let api = match &audience {
        Some(aud) => Some(
            config
                .api(aud)
                .ok_or_else(|| access_denied(&format!("Service not found: {aud}")))?,
        ),
        None => None,
    };
    let user = find_user(config, &user.user_id).ok_or_else(wrong)?;
    let requested = params
        .get("scope")
        .filter(|s| !s.is_empty())
        .map_or("openid", String::as_str);
    let mut grant = Grant {
        jti: random_id(16),
        client_id: client.client_id.clone(),
        scope: granted_scope(config, requested, client, api, &user),
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
    let login = post_login::Login {
        request: caller,
        transaction: event::Transaction {
            protocol: "oauth2-resource-owner",
            requested_scope: requested,
            redirect_uri: None,
            state: None,
        },
        issuer,
    };
    post_login::run(config, client, &mut grant, &login)
        .await
        .map_err(|stop| super::action_stopped(Trigger::PostLogin, stop))?;
    Ok(grant)
}
