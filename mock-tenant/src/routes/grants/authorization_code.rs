//! `authorization_code`: the code of a login, single use and short-lived, with its
//! `redirect_uri` and PKCE verifier checked.

use super::GrantRequest;
use crate::login::{CODE_LIFETIME, Grant, purpose};
use crate::routes::oauth::{OAuthError, first_use, required};
use std::time::Duration;

/// The login the code stands for.
pub(super) async fn grant(request: &GrantRequest<'_>) -> Result<Grant, OAuthError> {
    let GrantRequest {
        state,
        client,
        params,
        ..
    } = request;
    let invalid_code = || OAuthError::invalid_grant("Invalid authorization code");
    let code = required(params, "code")?;
    let grant: Grant = state
        .sealer
        .open(purpose::CODE, code)
        .ok_or_else(invalid_code)?;
    if grant.client_id != client.client_id || grant.exp < state.now() {
        return Err(invalid_code());
    }
    // Single use, checked (and spent) before anything else can fail: a code is tried once.
    let key = format!("code:{}", grant.jti);
    let first = first_use(
        state,
        &key,
        Duration::from_secs(2 * CODE_LIFETIME as u64 + 60),
    )
    .await?;
    if !first {
        return Err(invalid_code());
    }
    if grant.redirect_uri.as_deref() != params.get("redirect_uri").map(String::as_str) {
        return Err(OAuthError::invalid_grant(
            "The redirect_uri does not match the one sent to /authorize",
        ));
    }
    let verifier = params.get("code_verifier").map(String::as_str);
    let verified = match (&grant.challenge, verifier) {
        (None, None) => true,
        (Some((challenge, method)), Some(verifier)) => {
            let computed = if method == "S256" {
                crate::b64::url(aws_lc_rs::digest::digest(
                    &aws_lc_rs::digest::SHA256,
                    verifier.as_bytes(),
                ))
            } else {
                verifier.to_owned()
            };
            (43..=128).contains(&verifier.len()) && computed == *challenge
        }
        _ => false,
    };
    if !verified {
        return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
    }
    Ok(grant)
}
