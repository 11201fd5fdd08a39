//! `GET`/`POST /userinfo`: the profile for a user access token, by its scope, and Auth0's
//! plain-text 401 with `WWW-Authenticate: Bearer realm="Users"` for a bad one.

use super::reply;
use crate::jwt;
use crate::login::has_scope;
use crate::state::State;
use crate::users::User;
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// GET and POST /userinfo
pub(crate) fn route(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    warp::get()
        .or(warp::post())
        .unify()
        .and(warp::path!("userinfo"))
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .then(move |method: http::Method, headers: http::HeaderMap| {
            let state = state.clone();
            async move {
                match userinfo(&state, &method, &headers).await {
                    Ok(body) => reply::json(StatusCode::OK, &body),
                    Err(description) => unauthorized(description),
                }
            }
        })
}

async fn userinfo(
    state: &State,
    method: &http::Method,
    headers: &http::HeaderMap,
) -> Result<Value, String> {
    let (scheme, token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|a| a.to_str().ok())
        .and_then(|a| a.split_once(' '))
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop")
        })
        .map(|(scheme, t)| (scheme.to_ascii_lowercase(), t.trim()))
        .ok_or("Missing or malformed Authorization header")?;
    // `Authorization: DPoP` needs a proof for this request and this token (RFC 9449 §7).
    let proof = if scheme == "dpop" {
        let proof =
            super::token::dpop_proof(state, headers, method.as_str(), "userinfo", Some(token))
                .await
                .map_err(|e| e.description().to_owned())?;
        Some(proof.ok_or("A DPoP-bound request needs a DPoP proof")?)
    } else {
        None
    };
    // Five parts: the opaque token of a login without an audience, which only we can read.
    let claims = if token.split('.').count() == 5 {
        match state.dir_key.open(token) {
            Some(Value::Object(claims)) => claims,
            _ => return Err("Invalid token".into()),
        }
    } else {
        state.read(|s| jwt::verify(&s.keys, token))?
    };
    let bound = claims
        .get("cnf")
        .and_then(|cnf| cnf.get("jkt"))
        .and_then(Value::as_str);
    match (bound, proof) {
        (None, None) => {}
        (Some(jkt), Some(proof)) if proof.jkt == jkt => {}
        (Some(_), None) => return Err("The access token is bound to a DPoP key".into()),
        _ => return Err("The DPoP proof does not match the access token's key".into()),
    }
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if !state.issuers().iter().any(|i| i == iss) {
        return Err("Invalid token issuer".into());
    }
    // The token's own issuer (one of the tenant's, checked above) names its /userinfo.
    let userinfo = format!("{iss}userinfo");
    let audience_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == userinfo,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(&userinfo)),
        _ => false,
    };
    if !audience_ok {
        return Err("Invalid token audience".into());
    }
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= state.now())
    {
        return Err("The token has expired".into());
    }
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .ok_or("Invalid token")?;
    let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    let config = state.read(|s| s.config.clone());
    let user = match config.user(sub).filter(|u| u.user_id == sub) {
        Some(user) => Some(user.clone()),
        None => state
            .store
            .get(&format!("user:{sub}"))
            .await
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str::<User>(&json).ok()),
    };
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(sub));
    if let Some(user) = user {
        let mut profile = user.profile_claims(scope);
        let client = claims
            .get("azp")
            .and_then(Value::as_str)
            .and_then(|id| config.client(id));
        config.render_claims(&mut profile, Some(&user), client);
        body.extend(profile);
    }
    if !has_scope(scope, "openid") {
        return Err("Insufficient scope: the token was not issued with openid".into());
    }
    Ok(Value::Object(body))
}

/// Auth0's 401: plain text `Unauthorized` and the reason in `WWW-Authenticate`.
fn unauthorized(description: String) -> Response {
    let mut res = reply::body(
        StatusCode::UNAUTHORIZED,
        "text/plain; charset=utf-8",
        "Unauthorized",
    );
    let challenge = format!(
        "Bearer realm=\"Users\", error=\"invalid_token\", error_description=\"{description}\""
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    res
}
