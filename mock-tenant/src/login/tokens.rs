//! What a user's grant turns into at the token endpoint: the access token, the ID token and the
//! response body, with Auth0's claims, audiences, lifetimes and key order.

use super::{Grant, ID_TOKEN_LIFETIME, USERINFO_TOKEN_LIFETIME, has_scope};
use crate::actions::Effects;
use crate::claims::{AccessToken, Subject};
use crate::config::{TenantConfig, UserinfoTokens};
use crate::jwt;
use crate::state::State;
use serde_json::{Map, Value, json};

/// The token response for `grant`, with `refresh_token` when one is given.
pub(crate) fn response(
    state: &State,
    config: &TenantConfig,
    grant: &Grant,
    refresh_token: Option<&str>,
    issuer: &str,
) -> Value {
    let now = state.now();
    let key = state.signing_key();
    let (access, expires_in) = access_token(config, grant, now, issuer);
    let userinfo_only = grant
        .audience
        .as_deref()
        .and_then(|a| config.api(a))
        .is_none();
    let access = if userinfo_only && config.userinfo_tokens == UserinfoTokens::Jwe {
        state.dir_key.seal(issuer, &access)
    } else {
        jwt::sign(&key, &access)
    };
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access));
    if let Some(rt) = refresh_token {
        body.insert("refresh_token".into(), json!(rt));
    }
    if has_scope(&grant.scope, "openid") {
        body.insert(
            "id_token".into(),
            json!(jwt::sign(&key, &id_token(config, grant, now, issuer))),
        );
    }
    if !grant.scope.is_empty() {
        body.insert("scope".into(), json!(grant.scope));
    }
    body.insert("expires_in".into(), json!(expires_in));
    let token_type = if grant.jkt.is_some() {
        "DPoP"
    } else {
        "Bearer"
    };
    body.insert("token_type".into(), json!(token_type));
    Value::Object(body)
}

/// A user access token's claims: `aud` is the API, plus `ISS/userinfo` when `openid` was
/// granted (an array, as Auth0 sends); without an audience, a token for `/userinfo` alone,
/// which [`response`] encrypts as Auth0 does unless the tenant asks for JWTs.
fn access_token(config: &TenantConfig, grant: &Grant, now: i64, issuer: &str) -> (Value, u64) {
    let userinfo = format!("{issuer}userinfo");
    let api = grant.audience.as_deref().and_then(|a| config.api(a));
    let (aud, lifetime) = match api {
        Some(api) if has_scope(&grant.scope, "openid") => {
            (json!([api.identifier, userinfo]), api.token_lifetime)
        }
        Some(api) => (json!(api.identifier), api.token_lifetime),
        None => (json!(userinfo), USERINFO_TOKEN_LIFETIME),
    };
    let permissions = api
        .filter(|a| a.rbac)
        .map(|api| config.permissions_of(&grant.user, &api.identifier));
    let mut user_claims = grant.user.claims.clone();
    config.render_claims(
        &mut user_claims,
        Some(&grant.user),
        config.client(&grant.client_id),
    );
    let user_claims = Effects::claims_first(&grant.actions.access_token_claims, user_claims);
    let claims = AccessToken {
        subject: Subject::User {
            user_id: &grant.user.user_id,
            claims: &user_claims,
        },
        issuer,
        audience: aud,
        issued_at: now,
        lifetime,
        client_id: &grant.client_id,
        scope: &grant.scope,
        permissions,
        jkt: grant.jkt.as_deref(),
        organization: grant.organization.as_ref(),
    }
    .claims();
    (Value::Object(claims), lifetime)
}

/// An ID token: profile claims by scope first, then `iss`, `aud` (the client id), `iat`,
/// `exp` (10 h), `sub`, `sid`, and `nonce` when one was sent to `/authorize`.
fn id_token(config: &TenantConfig, grant: &Grant, now: i64, issuer: &str) -> Value {
    let mut claims = grant.user.profile_claims(&grant.scope);
    config.render_claims(
        &mut claims,
        Some(&grant.user),
        config.client(&grant.client_id),
    );
    claims.insert("iss".into(), json!(issuer));
    claims.insert("aud".into(), json!(grant.client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + ID_TOKEN_LIFETIME));
    claims.insert("sub".into(), json!(grant.user.user_id));
    claims.insert("sid".into(), json!(grant.sid));
    if let Some(nonce) = &grant.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    super::OrgRef::add_to(grant.organization.as_ref(), &mut claims);
    Value::Object(Effects::claims_first(
        &grant.actions.id_token_claims,
        claims,
    ))
}
