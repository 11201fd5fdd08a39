//! `GET /v2/logout` and `GET /oidc/logout`: end the SSO session and send the browser to an
//! Allowed Logout URL, with Auth0's rules and error texts.

use super::html;
use super::reply;
use super::{Params, param as get, params_of as parse};
use crate::config::TenantConfig;
use crate::jwt;
use crate::login::session_in;
use crate::state::State;
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// GET /v2/logout and GET /oidc/logout
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    let cookie = warp::header::optional::<String>("cookie");
    let st = state.clone();
    let v2 = warp::get()
        .and(warp::path!("v2" / "logout"))
        .and(query)
        .and(cookie)
        .then(move |query: String, cookie: Option<String>| {
            let state = st.clone();
            async move {
                let res = v2_logout(&state, &parse(&query));
                end_session(&state, cookie.as_deref(), res).await
            }
        });
    let oidc = warp::get()
        .and(warp::path!("oidc" / "logout"))
        .and(query)
        .and(cookie)
        .then(move |query: String, cookie: Option<String>| {
            let state = state.clone();
            async move {
                let res = oidc_logout(&state, &parse(&query));
                end_session(&state, cookie.as_deref(), res).await
            }
        });
    v2.or(oidc).unify()
}

/// On success (a redirect or the logged-out page), ends the session in the cookie everywhere
/// and clears the cookie.
async fn end_session(state: &State, cookie: Option<&str>, mut res: Response) -> Response {
    if res.status().is_client_error() {
        return res;
    }
    if let Some(session) = session_in(&state.sealer, cookie) {
        let key = format!("ended-sid:{}", session.sid);
        if let Err(e) = state.store.put(&key, "1", None).await {
            return html::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                &e,
            );
        }
    }
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("auth0=; Path=/; Max-Age=0; HttpOnly"),
    );
    res
}

fn found(location: &str) -> Response {
    reply::found(location).unwrap_or_else(|| bad("The logout URL is not a valid header value"))
}

fn bad(description: &str) -> Response {
    html::error_page(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn logged_out() -> Response {
    reply::body(StatusCode::OK, "text/plain; charset=utf-8", "OK")
}

fn not_allowed(parameter: &str, url: &str) -> Response {
    bad(&format!(
        "The \"{parameter}\" querystring parameter \"{url}\" is not defined as a valid URL in \
         \"Allowed Logout URLs\". To add a new URL, add it to \"allowed_logout_urls\" in the \
         tenant file."
    ))
}

fn v2_logout(state: &State, params: &Params) -> Response {
    let config = state.read(|s| s.config.clone());
    let return_to = get(params, "returnTo");
    let allowed = match get(params, "client_id") {
        Some(id) => match config.client(id) {
            Some(client) => &client.allowed_logout_urls,
            None => return bad(&format!("Unknown client: {id}")),
        },
        None => &config.allowed_logout_urls,
    };
    match return_to {
        Some(url) if allowed.iter().any(|a| a == url) => found(url),
        Some(url) => not_allowed("returnTo", url),
        None if get(params, "client_id").is_some() => match allowed.first() {
            Some(first) => found(first),
            None => logged_out(),
        },
        None => logged_out(),
    }
}

fn oidc_logout(state: &State, params: &Params) -> Response {
    let config: Arc<TenantConfig> = state.read(|s| s.config.clone());
    let hint_client = match get(params, "id_token_hint") {
        Some(token) => match state.read(|s| jwt::verify(&s.keys, token)) {
            Ok(claims)
                if claims
                    .get("iss")
                    .and_then(Value::as_str)
                    .is_some_and(|iss| state.issuers().iter().any(|i| i == iss)) =>
            {
                claims.get("aud").and_then(Value::as_str).map(str::to_owned)
            }
            _ => return bad("The id_token_hint is invalid"),
        },
        None => None,
    };
    let client_id = match (get(params, "client_id"), hint_client.as_deref()) {
        (Some(a), Some(b)) if a != b => {
            return bad("The client_id does not match the id_token_hint's audience");
        }
        (Some(id), _) | (None, Some(id)) => Some(id),
        (None, None) => None,
    };
    let Some(url) = get(params, "post_logout_redirect_uri") else {
        return logged_out();
    };
    let Some(client) = client_id.and_then(|id| config.client(id)) else {
        return bad("post_logout_redirect_uri needs a client: send client_id or id_token_hint");
    };
    if !client.allowed_logout_urls.iter().any(|a| a == url) {
        return not_allowed("post_logout_redirect_uri", url);
    }
    match get(params, "state") {
        Some(st) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            let encoded: String = form_urlencoded::byte_serialize(st.as_bytes()).collect();
            found(&format!("{url}{separator}state={encoded}"))
        }
        None => found(url),
    }
}
