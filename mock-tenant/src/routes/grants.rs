//! The user grants of `POST /oauth/token`: `authorization_code` (single use, short-lived,
//! `redirect_uri` and PKCE verified), `refresh_token` (rotation and reuse detection as Auth0
//! does them), `password` and `password-realm`.

use super::token::{OAuthError, PASSWORD_REALM, Params, access_denied, required, store_failed};
use crate::config::{Client, TenantConfig};
use crate::login::{
    CODE_LIFETIME, Grant, ROTATING_REFRESH_LIFETIME, find_user, granted_scope, has_scope, purpose,
    tokens,
};
use crate::seal::random_id;
use crate::state::State;
use http::StatusCode;
use serde_json::Value;
use std::time::Duration;

/// The response body of a user grant.
pub(crate) async fn grant(
    state: &State,
    config: &TenantConfig,
    client: &Client,
    grant_type: &str,
    params: &Params,
    jkt: Option<String>,
    issuer: &str,
) -> Result<Value, OAuthError> {
    let mut grant = match grant_type {
        "authorization_code" => authorization_code(state, client, params).await?,
        "refresh_token" => return refresh(state, config, client, params, jkt, issuer).await,
        _ => password(state, config, client, grant_type, params)?,
    };
    // Bound to the proof's key: the access token, and the refresh token (RFC 9449 §5).
    grant.jkt = jkt;
    let refresh_token = if has_scope(&grant.scope, "offline_access") {
        Some(new_refresh_token(state, client, &grant, random_id(16)))
    } else {
        None
    };
    Ok(tokens::response(
        state,
        config,
        &grant,
        refresh_token.as_deref(),
        issuer,
    ))
}

fn invalid_grant(description: &str) -> OAuthError {
    OAuthError::new(StatusCode::FORBIDDEN, "invalid_grant", description)
}

async fn authorization_code(
    state: &State,
    client: &Client,
    params: &Params,
) -> Result<Grant, OAuthError> {
    let invalid_code = || invalid_grant("Invalid authorization code");
    let code = required(params, "code")?;
    let grant: Grant = state
        .sealer
        .open(purpose::CODE, code)
        .ok_or_else(invalid_code)?;
    if grant.client_id != client.client_id || grant.exp < state.now() {
        return Err(invalid_code());
    }
    // Single use, checked (and spent) before anything else can fail: a code is tried once.
    let first = state
        .store
        .insert_once(
            &format!("code:{}", grant.jti),
            Duration::from_secs(2 * CODE_LIFETIME as u64 + 60),
        )
        .await
        .map_err(store_failed)?;
    if !first {
        return Err(invalid_code());
    }
    if grant.redirect_uri.as_deref() != params.get("redirect_uri").map(String::as_str) {
        return Err(invalid_grant(
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
        return Err(invalid_grant("Failed to verify code verifier"));
    }
    Ok(grant)
}

fn new_refresh_token(state: &State, client: &Client, grant: &Grant, family: String) -> String {
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

async fn refresh(
    state: &State,
    config: &TenantConfig,
    client: &Client,
    params: &Params,
    jkt: Option<String>,
    issuer: &str,
) -> Result<Value, OAuthError> {
    let invalid = || invalid_grant("Unknown or invalid refresh token.");
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
        let first = state
            .store
            .insert_once(
                &format!("used-refresh:{}", grant.jti),
                Duration::from_secs(ROTATING_REFRESH_LIFETIME as u64),
            )
            .await
            .map_err(store_failed)?;
        if !first {
            // Reuse of a rotated token: Auth0 revokes the whole family.
            state
                .store
                .put(&revoked, "reused", None)
                .await
                .map_err(store_failed)?;
            return Err(invalid());
        }
        Some(new_refresh_token(state, client, &grant, family))
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

fn password(
    state: &State,
    config: &TenantConfig,
    client: &Client,
    grant_type: &str,
    params: &Params,
) -> Result<Grant, OAuthError> {
    let username = required(params, "username")?;
    let password = required(params, "password")?;
    let wrong = || invalid_grant("Wrong email or password.");
    let user = config.user(username).ok_or_else(wrong)?;
    if grant_type == PASSWORD_REALM {
        let realm = required(params, "realm")?;
        if config.users.iter().all(|u| u.connection != realm) {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("connection {realm} is not enabled for the client or does not exist"),
            ));
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
    Ok(Grant {
        jti: random_id(16),
        client_id: client.client_id.clone(),
        scope: granted_scope(requested, client, api, &user),
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
    })
}
