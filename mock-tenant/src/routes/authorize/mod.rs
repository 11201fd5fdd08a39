//! `GET /authorize` and the login page it shows (`POST /u/login`): the code flow with `state`,
//! `nonce`, PKCE, `response_mode` query, fragment, form_post and web_message, `prompt`,
//! `login_hint`, an SSO session cookie, and auto-login for tests. Errors go back to a valid `redirect_uri` as Auth0
//! sends them; a bad client or `redirect_uri` gets an error page, never a redirect.

mod organizations;

use super::html::{self, escape};
use super::{Params, param as get, params_of as parse};
use crate::actions::{Stop, event};
use crate::config::TenantConfig;
use crate::login::{
    Authorization, CODE_LIFETIME, Grant, ResponseMode, SESSION_COOKIE, Session,
    TRANSACTION_LIFETIME, find_user, granted_scope, post_login, purpose, session_in,
};
use crate::seal::random_id;
use crate::state::State;
use crate::users::User;
use http::{HeaderValue, StatusCode, header};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// GET /authorize and POST /u/login
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let st = state.clone();
    let authorize = warp::get()
        .and(warp::path!("authorize"))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::header::optional::<String>("cookie"))
        .and(caller())
        .then(
            move |query: String, cookie: Option<String>, caller: Caller| {
                let state = st.clone();
                async move {
                    let params = parse(&query);
                    authorize(&state, &params, cookie.as_deref(), &caller).await
                }
            },
        );
    let login = warp::post()
        .and(warp::path!("u" / "login"))
        .and(super::body::at_most(16 * 1024))
        .and(caller())
        .then(move |body: bytes::Bytes, caller: Caller| {
            let state = state.clone();
            async move { login(&state, &parse(&String::from_utf8_lossy(&body)), &caller).await }
        });
    authorize.or(login).unify()
}

async fn authorize(
    state: &State,
    params: &Params,
    cookie: Option<&str>,
    caller: &Caller,
) -> Response {
    let config = state.read(|s| s.config.clone());
    let auth = match check(state, &config, params) {
        Ok(auth) => auth,
        Err(Failure::Page(res)) => return *res,
        Err(Failure::Redirect(auth, error, description)) => {
            return redirect(
                &auth,
                &[("error", &error), ("error_description", &description)],
            );
        }
    };
    let session = session(state, cookie).await;
    let prompt = get(params, "prompt").unwrap_or("");
    if organizations::asks(&config, &auth) {
        if prompt.split_whitespace().any(|p| p == "none") {
            return redirect(
                &auth,
                &[
                    ("error", "interaction_required"),
                    ("error_description", organizations::REQUIRED),
                ],
            );
        }
        return login_page(state, &config, &auth, None);
    }
    if prompt.split_whitespace().any(|p| p == "none") {
        return match session {
            Some(s) => complete(state, &config, auth, s.user.clone(), Some(s), caller).await,
            None => redirect(
                &auth,
                &[
                    ("error", "login_required"),
                    ("error_description", "Login required"),
                ],
            ),
        };
    }
    let forced = prompt.split_whitespace().any(|p| p == "login");
    if let (Some(s), false) = (&session, forced) {
        return complete(
            state,
            &config,
            auth,
            s.user.clone(),
            session.clone(),
            caller,
        )
        .await;
    }
    let auto = auth
        .login_hint
        .as_deref()
        .and_then(|hint| find_user(&config, hint))
        .or_else(|| find_user(&config, config.auto_login.as_deref()?));
    match auto {
        Some(user) => complete(state, &config, auth, user, None, caller).await,
        None => login_page(state, &config, &auth, None),
    }
}

/// Who is logging in: the browser's headers and address, for the `post-login` Actions.
type Caller = (http::HeaderMap, Option<super::Peer>);

fn caller() -> impl Filter<Extract = (Caller,), Error = warp::Rejection> + Clone {
    warp::header::headers_cloned()
        .and(warp::host::optional())
        .and(warp::ext::optional::<super::Peer>())
        .map(
            |mut headers: http::HeaderMap, host: Option<warp::host::Authority>, peer| {
                // HTTP/2 names the host in `:authority`, not in a Host header.
                if let Some(host) = host.filter(|_| !headers.contains_key(header::HOST))
                    && let Ok(value) = HeaderValue::from_str(host.as_str())
                {
                    headers.insert(header::HOST, value);
                }
                (headers, peer)
            },
        )
}

/// Why an `/authorize` request stops: a page (bad client or `redirect_uri`) or a redirect with
/// an error.
enum Failure {
    Page(Box<Response>),
    Redirect(Box<Authorization>, String, String),
}

fn check(state: &State, config: &TenantConfig, params: &Params) -> Result<Authorization, Failure> {
    let page = |description: String| {
        Failure::Page(Box::new(html::error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &description,
        )))
    };
    let client_id = get(params, "client_id")
        .ok_or_else(|| page("Missing required parameter: client_id".into()))?;
    let client = config
        .client(client_id)
        .ok_or_else(|| page(format!("Unknown client: {client_id}")))?;
    let redirect_uri = match get(params, "redirect_uri") {
        Some(uri) if client.callbacks.iter().any(|c| c == uri) => uri.to_owned(),
        Some(uri) => {
            return Err(Failure::Page(Box::new(html::error_page(
                StatusCode::BAD_REQUEST,
                "Callback URL mismatch",
                &format!(
                    "The provided redirect_uri is not in the list of allowed callback URLs: {uri}. \
                     Add it to the client's \"callbacks\" in the tenant file."
                ),
            ))));
        }
        None => client.callbacks.first().cloned().ok_or_else(|| {
            page(format!(
                "Missing required parameter: redirect_uri (client {client_id} has no callbacks)"
            ))
        })?,
    };
    let mode = match get(params, "response_mode") {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some("web_message") => {
            // The answer is posted to this origin's window, so it must be an Allowed Web Origin.
            let origin = crate::config::origin_of(&redirect_uri);
            if !origin
                .as_deref()
                .is_some_and(|o| client.allows_web_origin(o))
            {
                return Err(page(format!(
                    "The specified redirect_uri '{redirect_uri}' does not have a registered \
                     origin. Add {} to the client's \"web_origins\" in the tenant file.",
                    origin.as_deref().unwrap_or("its origin")
                )));
            }
            ResponseMode::WebMessage
        }
        Some(other) => {
            return Err(page(format!("Unsupported response_mode: {other}")));
        }
    };
    let mut auth = Authorization {
        client_id: client_id.to_owned(),
        redirect_uri,
        mode,
        scope: get(params, "scope").unwrap_or("openid").to_owned(),
        audience: get(params, "audience").map(str::to_owned),
        state: get(params, "state").map(str::to_owned),
        nonce: get(params, "nonce").map(str::to_owned),
        challenge: None,
        login_hint: get(params, "login_hint").map(str::to_owned),
        organization: None,
        exp: state.now() + TRANSACTION_LIFETIME,
    };
    let fail = |auth: &Authorization, error: &str, description: String| {
        Failure::Redirect(Box::new(auth.clone()), error.to_owned(), description)
    };
    match get(params, "response_type") {
        None => {
            return Err(fail(
                &auth,
                "invalid_request",
                "Missing required parameter: response_type".into(),
            ));
        }
        Some("code") => {}
        Some(other) => {
            return Err(fail(
                &auth,
                "unsupported_response_type",
                format!("Unsupported response type: {other} (the mock tenant does the code flow)"),
            ));
        }
    }
    if !client
        .grant_types
        .contains(&crate::GrantType::AuthorizationCode)
    {
        return Err(fail(
            &auth,
            "unauthorized_client",
            "Grant type 'authorization_code' not allowed for the client.".into(),
        ));
    }
    match (
        get(params, "code_challenge"),
        get(params, "code_challenge_method"),
    ) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(fail(
                &auth,
                "invalid_request",
                "Missing required parameter: code_challenge".into(),
            ));
        }
        (Some(challenge), method) => {
            // RFC 7636 §4.3: no method means plain.
            let method = method.unwrap_or("plain");
            if method != "S256" && method != "plain" {
                return Err(fail(
                    &auth,
                    "invalid_request",
                    format!("Unsupported code_challenge_method: {method}"),
                ));
            }
            if method == "S256"
                && (challenge.len() != 43 || crate::b64::decode_url(challenge).is_none())
            {
                return Err(fail(
                    &auth,
                    "invalid_request",
                    "code_challenge must be a base64url SHA-256 (43 characters) with S256".into(),
                ));
            }
            auth.challenge = Some((challenge.to_owned(), method.to_owned()));
        }
    }
    if client.is_public() && auth.challenge.is_none() {
        return Err(fail(
            &auth,
            "invalid_request",
            "Parameter 'code_challenge' is required for a public client".into(),
        ));
    }
    let audience = auth
        .audience
        .clone()
        .or_else(|| config.default_audience.clone());
    if let Some(aud) = &audience
        && config.api(aud).is_none()
    {
        return Err(fail(
            &auth,
            "access_denied",
            format!("Service not found: {aud}"),
        ));
    }
    auth.audience = audience;
    auth.organization = organizations::requested(config, client, params)
        .map_err(|description| fail(&auth, "invalid_request", description))?;
    Ok(auth)
}

/// The session in the `auth0` cookie, unless it was sealed by another tenant or logged out.
async fn session(state: &State, cookie: Option<&str>) -> Option<Session> {
    let session = session_in(&state.sealer, cookie)?;
    match state.store.get(&format!("ended-sid:{}", session.sid)).await {
        Ok(None) => Some(session),
        _ => None,
    }
}

/// Issues the code for `user` and sends it back, with the SSO cookie; unless a `post-login`
/// Action denies the login or fails, which goes back as `access_denied` with its reason.
async fn complete(
    state: &State,
    config: &TenantConfig,
    auth: Authorization,
    user: User,
    session: Option<Session>,
    caller: &Caller,
) -> Response {
    let now = state.now();
    // Actions see the user as the tenant has it now, not as the session cookie saved it.
    let user = find_user(config, &user.user_id).unwrap_or(user);
    let session = session.unwrap_or_else(|| Session {
        sid: random_id(24),
        auth_time: now,
        user: user.clone(),
    });
    let Some(client) = config.client(&auth.client_id) else {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unknown client: {}", auth.client_id),
        );
    };
    let api = auth.audience.as_deref().and_then(|a| config.api(a));
    if config.user(&user.user_id).is_none() {
        // Custom subjects live only in their sealed grants; /userinfo finds them here.
        let profile = serde_json::to_string(&user).expect("serializing a user");
        if let Err(e) = state
            .store
            .put(&format!("user:{}", user.user_id), &profile, None)
            .await
        {
            return html::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                &e,
            );
        }
    }
    let organization = match organizations::membership(config, &auth, &user) {
        Ok(organization) => organization,
        Err((error, description)) => {
            return redirect(
                &auth,
                &[("error", error), ("error_description", &description)],
            );
        }
    };
    let mut grant = Grant {
        jti: random_id(16),
        client_id: auth.client_id.clone(),
        scope: granted_scope(config, &auth.scope, client, api, &user),
        user,
        audience: auth.audience.clone(),
        sid: session.sid.clone(),
        auth_time: session.auth_time,
        nonce: auth.nonce.clone(),
        redirect_uri: Some(auth.redirect_uri.clone()),
        challenge: auth.challenge.clone(),
        family: None,
        jkt: None,
        exp: now + CODE_LIFETIME,
        organization,
        actions: Default::default(),
    };
    let (headers, peer) = caller;
    // What `post-login` Actions see of the request; nothing to build without Actions.
    let request = if config.actions.is_empty() {
        event::Request::default()
    } else {
        event::Request::new("GET", headers, super::Peer::text(*peer))
            .with_params(auth.query().iter().map(|(k, v)| (k, v)))
    };
    let login = post_login::Login {
        request: &request,
        transaction: event::Transaction {
            protocol: "oidc-basic-profile",
            requested_scope: &auth.scope,
            redirect_uri: Some(&auth.redirect_uri),
            state: auth.state.as_deref(),
        },
        issuer: &state.issuer,
    };
    if let Err(stop) = post_login::run(state, config, client, &mut grant, &login).await {
        let reason = match stop {
            Stop::Denied(denial, _) => denial.reason,
            Stop::InvalidSubjectToken(reason) => reason,
            Stop::Failed { error, .. } => error.message,
        };
        return redirect(
            &auth,
            &[("error", "access_denied"), ("error_description", &reason)],
        );
    }
    let code = state.sealer.seal(purpose::CODE, &grant);
    let mut res = redirect(&auth, &[("code", &code)]);
    let secure = if state.issuer.starts_with("https:") {
        "; Secure; SameSite=None"
    } else {
        "; SameSite=Lax"
    };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly{secure}",
        state.sealer.seal(purpose::SESSION, &session)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

/// Sends `fields` (plus `state`) to the client's `redirect_uri` in its response mode.
fn redirect(auth: &Authorization, fields: &[(&str, &str)]) -> Response {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    if let Some(state) = &auth.state {
        all.push(("state", state));
    }
    match auth.mode {
        ResponseMode::FormPost => return html::form_post(&auth.redirect_uri, &all),
        ResponseMode::WebMessage => {
            let origin = crate::config::origin_of(&auth.redirect_uri).unwrap_or_default();
            return html::web_message(&origin, &all);
        }
        ResponseMode::Query | ResponseMode::Fragment => {}
    }
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish()
        .replace('+', "%20");
    let separator = match auth.mode {
        ResponseMode::Fragment => "#",
        _ if auth.redirect_uri.contains('?') => "&",
        _ => "?",
    };
    let location = format!("{}{separator}{encoded}", auth.redirect_uri);
    super::reply::found(&location).unwrap_or_else(|| {
        html::error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The redirect_uri is not a valid header value",
        )
    })
}

/// The login page: one button per user, and a form for any other subject.
fn login_page(
    state: &State,
    config: &TenantConfig,
    auth: &Authorization,
    problem: Option<&str>,
) -> Response {
    let tx = escape(&state.sealer.seal(purpose::TRANSACTION, auth));
    let client = config
        .client(&auth.client_id)
        .map_or(auth.client_id.as_str(), |c| {
            if c.name.is_empty() {
                &c.client_id
            } else {
                &c.name
            }
        });
    let mut body = format!(
        "<h1>Log in</h1><p>to continue to <b>{}</b></p>\
         <p class=\"warn\">Mock Auth0 tenant for tests: anyone can log in as anyone, no password \
         asked.</p>",
        escape(client)
    );
    if let Some(problem) = problem {
        body.push_str(&format!(
            "<p class=\"warn\" id=\"problem\">{}</p>",
            escape(problem)
        ));
    }
    // A client that requires an organization gets it asked for in both forms.
    let org_field = if organizations::asks(config, auth) {
        organizations::FIELD
    } else {
        ""
    };
    body.push_str("<form method=\"post\" action=\"/u/login\">");
    body.push_str(&format!(
        "<input type=\"hidden\" name=\"tx\" value=\"{tx}\">{org_field}"
    ));
    for user in &config.users {
        body.push_str(&format!(
            "<button type=\"submit\" name=\"user\" value=\"{}\" data-email=\"{}\">{}<br>\
             <small>{} &middot; {}</small></button>",
            escape(&user.user_id),
            escape(&user.email),
            escape(&user.name),
            escape(&user.email),
            escape(&user.user_id)
        ));
    }
    let hint = auth.login_hint.as_deref().unwrap_or("");
    body.push_str(&format!(
        "</form><h2>Or another subject</h2><form method=\"post\" action=\"/u/login\">\
         <input type=\"hidden\" name=\"tx\" value=\"{tx}\">{org_field}\
         <label>Subject (<code>sub</code>)<input name=\"sub\" placeholder=\"auth0|custom-user\" \
         required></label><label>Email (optional)<input name=\"email\" type=\"email\" \
         value=\"{}\"></label><button type=\"submit\" id=\"custom\">Log in as this subject\
         </button></form>",
        escape(hint)
    ));
    html::page(StatusCode::OK, "Log in | mock Auth0 tenant", &body)
}

/// POST /u/login: the person picked a user (or typed a subject) on the login page.
async fn login(state: &State, params: &Params, caller: &Caller) -> Response {
    let expired = || {
        html::error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "You may have pressed the back button, refreshed during login, opened too many login \
             dialogs, or there is some issue with cookies, since we couldn't find your session. \
             Try logging in again from the application and if the problem persists please \
             contact the administrator.",
        )
    };
    let Some(auth) = get(params, "tx")
        .and_then(|tx| state.sealer.open::<Authorization>(purpose::TRANSACTION, tx))
    else {
        return expired();
    };
    if auth.exp < state.now() {
        return expired();
    }
    let config = state.read(|s| s.config.clone());
    let mut auth = auth;
    if let Err(problem) = organizations::from_form(&config, &mut auth, params) {
        return login_page(state, &config, &auth, Some(&problem));
    }
    if organizations::asks(&config, &auth) {
        return login_page(
            state,
            &config,
            &auth,
            Some("This application requires an organization: name one."),
        );
    }
    let user = match (get(params, "user"), get(params, "sub")) {
        (Some(id), _) => find_user(&config, id),
        (None, Some(sub)) => Some(
            find_user(&config, sub)
                .unwrap_or_else(|| User::custom(sub.trim(), get(params, "email"))),
        ),
        (None, None) => None,
    };
    match user {
        Some(user) => complete(state, &config, auth, user, None, caller).await,
        None => login_page(
            state,
            &config,
            &auth,
            Some("Pick a user or type a subject."),
        ),
    }
}
