//! `GET /.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`: the
//! fields, values and key order of a real 2025 Auth0 tenant, unless the control API replaced
//! some (`PUT /_mock/discovery`).

use super::reply;
use crate::state::State;
use http::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// GET /.well-known/openid-configuration, and the same document at
/// /.well-known/oauth-authorization-server (RFC 8414).
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let body = bytes::Bytes::from(document(&state.issuer).to_string());
    let oidc = warp::path!(".well-known" / "openid-configuration");
    let oauth = warp::path!(".well-known" / "oauth-authorization-server");
    warp::get()
        .and(oidc.or(oauth).unify())
        .and(warp::host::optional())
        .map(move |host: Option<warp::host::Authority>| {
            // The Host header (HTTP/1.1) or `:authority` (HTTP/2).
            let issuer = state.issuer_for(host.as_ref().map(warp::host::Authority::as_str));
            let overrides = state.read(|s| s.discovery.clone());
            if overrides.is_empty() && issuer == state.issuer {
                return reply::body(StatusCode::OK, reply::JSON_UTF8, body.clone());
            }
            // A custom domain's own document, or one changed on purpose through the control API
            // (a poisoned document).
            let mut doc = document(&issuer);
            if let Value::Object(fields) = &mut doc {
                for (k, v) in overrides {
                    if v.is_null() {
                        fields.remove(&k);
                    } else {
                        fields.insert(k, v);
                    }
                }
            }
            reply::body(StatusCode::OK, reply::JSON_UTF8, doc.to_string())
        })
}

/// The discovery document for `issuer` (which ends in `/`).
pub(crate) fn document(issuer: &str) -> Value {
    let base = issuer.trim_end_matches('/');
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "device_authorization_endpoint": format!("{base}/oauth/device/code"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "mfa_challenge_endpoint": format!("{base}/mfa/challenge"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "registration_endpoint": format!("{base}/oidc/register"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name",
            "family_name", "nickname", "email", "email_verified", "picture", "created_at",
            "identities", "phone", "address"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token",
            "token id_token", "code token id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post",
            "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp",
            "family_name", "given_name", "iat", "identities", "iss", "name", "nickname",
            "phone_number", "picture", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "backchannel_authentication_endpoint": format!("{base}/bc-authorize"),
        "backchannel_token_delivery_modes_supported": ["poll"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "end_session_endpoint": format!("{base}/oidc/logout"),
        "global_token_revocation_endpoint":
            format!("{base}/oauth/global-token-revocation/connection/{{connectionName}}"),
        "global_token_revocation_endpoint_auth_methods_supported": ["global-token-revocation+jwt"],
        "dpop_signing_alg_values_supported": ["ES256"],
    })
}
