//! `password` (Resource Owner Password) and Auth0's `password-realm`, which names the
//! connection the user must belong to.

use super::GrantRequest;
use crate::login::{Grant, find_user};
use crate::routes::oauth::{OAuthError, required};

/// The login the username and password stand for, after the tenant's `post-login` Actions.
pub(super) async fn grant(request: &GrantRequest<'_>, realm: bool) -> Result<Grant, OAuthError> {
    let GrantRequest { config, params, .. } = request;
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
    let user = find_user(config, &user.user_id).ok_or_else(wrong)?;
    super::direct_login(request, user, "oauth2-resource-owner").await
}
