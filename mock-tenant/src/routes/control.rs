//! The `/_mock/` control API: the same operations as the Rust handle, over HTTP, so tests in any
//! language can drive the tenant. Documented in `docs/control-api.md`.

use super::oauth::{ErrorCode, error_body};
use super::reply;
use crate::actions::Trigger;
use crate::config::TenantConfig;
use crate::faults::JwksFault;
use crate::state::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// Control bodies are small; anything larger is refused.
const MAX_BODY: u64 = 256 * 1024;
/// A saved state carries the tenant file and three private keys.
const MAX_STATE_BODY: u64 = 4 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Clock {
    offset_secs: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dpop {
    require_nonce: bool,
}

/// Every `/_mock/` route.
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let s = move || {
        let state = state.clone();
        warp::any().map(move || state.clone())
    };
    let json_body = || super::body::at_most(MAX_BODY as usize);

    // GET /_mock/config
    let get_config = warp::get()
        .and(warp::path!("_mock" / "config"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.config()));
    // PUT /_mock/config
    let put_config = warp::put()
        .and(warp::path!("_mock" / "config"))
        .and(s())
        .and(json_body())
        .map(|st: Arc<State>, body: bytes::Bytes| {
            let config = std::str::from_utf8(&body)
                .map_err(|e| e.to_string())
                .and_then(|json| TenantConfig::from_json(json).map_err(String::from));
            match config.and_then(|c| st.set_config(c)) {
                Ok(()) => reply::no_content(),
                Err(e) => bad_request(&e),
            }
        });
    // GET /_mock/actions, PUT and DELETE /_mock/actions/{trigger}
    let get_actions = warp::get()
        .and(warp::path!("_mock" / "actions"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.config().actions));
    let put_action = warp::put()
        .and(warp::path!("_mock" / "actions" / String))
        .and(s())
        .and(json_body())
        .map(|trigger: String, st: Arc<State>, body: bytes::Bytes| {
            let code = match std::str::from_utf8(&body) {
                Ok(code) if !code.trim().is_empty() => code.to_owned(),
                _ => return bad_request("the body must be the Action's JavaScript source (UTF-8)"),
            };
            match trigger.parse::<Trigger>() {
                Ok(trigger) => match st.set_action(crate::actions::Action::new(trigger, code)) {
                    Ok(()) => reply::no_content(),
                    Err(e) => bad_request(&e),
                },
                Err(e) => not_found(&e),
            }
        });
    let delete_action = warp::delete()
        .and(warp::path!("_mock" / "actions" / String))
        .and(s())
        .map(
            |trigger: String, st: Arc<State>| match trigger.parse::<Trigger>() {
                Ok(trigger) => match st.remove_actions(trigger) {
                    Ok(()) => reply::no_content(),
                    Err(e) => bad_request(&e),
                },
                Err(e) => not_found(&e),
            },
        );
    // PATCH /_mock/users/{id} and /_mock/clients/{id}: JSON merge patches
    let patch_user = warp::patch()
        .and(warp::path!("_mock" / "users" / String))
        .and(s())
        .and(json_body())
        .map(|id: String, st: Arc<State>, body: bytes::Bytes| {
            let id = percent_decoded(&id);
            match serde_json::from_slice(&body).map_err(|e| e.to_string()) {
                Ok(patch) => patch_reply(st.patch_user(&id, &patch), "user", &id),
                Err(e) => bad_request(&e),
            }
        });
    let patch_client = warp::patch()
        .and(warp::path!("_mock" / "clients" / String))
        .and(s())
        .and(json_body())
        .map(|id: String, st: Arc<State>, body: bytes::Bytes| {
            let id = percent_decoded(&id);
            match serde_json::from_slice(&body).map_err(|e| e.to_string()) {
                Ok(patch) => patch_reply(st.patch_client(&id, &patch), "client", &id),
                Err(e) => bad_request(&e),
            }
        });
    // GET /_mock/keys
    let get_keys = warp::get()
        .and(warp::path!("_mock" / "keys"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.keys_summary()));
    // POST /_mock/keys/rotate
    let rotate = warp::post()
        .and(warp::path!("_mock" / "keys" / "rotate"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.rotate_keys()));
    // DELETE /_mock/keys/{kid}
    let remove = warp::delete()
        .and(warp::path!("_mock" / "keys" / String))
        .and(s())
        .map(|kid: String, st: Arc<State>| found(st.remove_kid(&kid), &kid, &st));
    // POST /_mock/keys/{kid}/rebind
    let rebind = warp::post()
        .and(warp::path!("_mock" / "keys" / String / "rebind"))
        .and(s())
        .map(|kid: String, st: Arc<State>| found(st.rebind_kid(&kid), &kid, &st));
    // GET /_mock/jwks/fault
    let get_fault = warp::get()
        .and(warp::path!("_mock" / "jwks" / "fault"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.jwks_fault()));
    // POST /_mock/jwks/fault
    let set_fault = warp::post()
        .and(warp::path!("_mock" / "jwks" / "fault"))
        .and(s())
        .and(json_body())
        .map(|st: Arc<State>, body: bytes::Bytes| {
            let fault = serde_json::from_slice::<JwksFault>(&body).map_err(|e| e.to_string());
            match fault.and_then(|f| st.set_jwks_fault(Some(f))) {
                Ok(()) => reply::no_content(),
                Err(e) => bad_request(&e),
            }
        });
    // DELETE /_mock/jwks/fault
    let clear_fault = warp::delete()
        .and(warp::path!("_mock" / "jwks" / "fault"))
        .and(s())
        .map(|st: Arc<State>| {
            let _ = st.set_jwks_fault(None);
            reply::no_content()
        });
    // GET /_mock/stats
    let get_stats = warp::get()
        .and(warp::path!("_mock" / "stats"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.request_stats()));
    // DELETE /_mock/stats
    let clear_stats = warp::delete()
        .and(warp::path!("_mock" / "stats"))
        .and(s())
        .map(|st: Arc<State>| {
            st.clear_stats();
            reply::no_content()
        });
    // GET /_mock/clock
    let get_clock = warp::get()
        .and(warp::path!("_mock" / "clock"))
        .and(s())
        .map(|st: Arc<State>| {
            reply::json(
                StatusCode::OK,
                &json!({"offset_secs": st.clock_offset(), "now": st.now()}),
            )
        });
    // POST /_mock/clock
    let set_clock = warp::post()
        .and(warp::path!("_mock" / "clock"))
        .and(s())
        .and(json_body())
        .map(
            |st: Arc<State>, body: bytes::Bytes| match serde_json::from_slice::<Clock>(&body) {
                Ok(clock) => match crate::state::check_clock_offset(clock.offset_secs) {
                    Ok(()) => {
                        st.set_clock_offset(clock.offset_secs);
                        reply::no_content()
                    }
                    Err(e) => bad_request(&e),
                },
                Err(e) => bad_request(&e.to_string()),
            },
        );
    // GET and PUT /_mock/dpop, POST /_mock/dpop/nonce/rotate
    let get_dpop = warp::get()
        .and(warp::path!("_mock" / "dpop"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &json!({"nonce": st.dpop_nonce()})));
    let put_dpop = warp::put()
        .and(warp::path!("_mock" / "dpop"))
        .and(s())
        .and(json_body())
        .map(
            |st: Arc<State>, body: bytes::Bytes| match serde_json::from_slice::<Dpop>(&body) {
                Ok(dpop) => reply::json(
                    StatusCode::OK,
                    &json!({"nonce": st.require_dpop_nonce(dpop.require_nonce)}),
                ),
                Err(e) => bad_request(&e.to_string()),
            },
        );
    let rotate_nonce = warp::post()
        .and(warp::path!("_mock" / "dpop" / "nonce" / "rotate"))
        .and(s())
        .map(|st: Arc<State>| {
            reply::json(StatusCode::OK, &json!({"nonce": st.rotate_dpop_nonce()}))
        });
    // GET, PUT and DELETE /_mock/discovery
    let get_discovery = warp::get()
        .and(warp::path!("_mock" / "discovery"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.discovery_overrides()));
    let put_discovery = warp::put()
        .and(warp::path!("_mock" / "discovery"))
        .and(s())
        .and(json_body())
        .map(|st: Arc<State>, body: bytes::Bytes| {
            match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(serde_json::Value::Object(fields)) => {
                    st.set_discovery_overrides(fields);
                    reply::no_content()
                }
                _ => bad_request("the body must be a JSON object of discovery fields"),
            }
        });
    let delete_discovery = warp::delete()
        .and(warp::path!("_mock" / "discovery"))
        .and(s())
        .map(|st: Arc<State>| {
            st.set_discovery_overrides(serde_json::Map::new());
            reply::no_content()
        });
    // GET and PUT /_mock/state: everything the control API can change, to save and put back.
    let get_state = warp::get()
        .and(warp::path!("_mock" / "state"))
        .and(s())
        .map(|st: Arc<State>| reply::json(StatusCode::OK, &st.control_state()));
    let put_state = warp::put()
        .and(warp::path!("_mock" / "state"))
        .and(s())
        .and(super::body::at_most(MAX_STATE_BODY as usize))
        .map(|st: Arc<State>, body: bytes::Bytes| {
            let snap = serde_json::from_slice(&body).map_err(|e| e.to_string());
            match snap.and_then(|snap| st.restore_control(snap)) {
                Ok(()) => reply::no_content(),
                Err(e) => bad_request(&format!("not a state from GET /_mock/state: {e}")),
            }
        });
    // GET /_mock/ca.pem: what a client in another container trusts, without a shared volume.
    let ca_pem = warp::get()
        .and(warp::path!("_mock" / "ca.pem"))
        .and(s())
        .map(|st: Arc<State>| match st.ca_pem.get() {
            Some(pem) => reply::body(StatusCode::OK, "application/x-pem-file", pem.clone()),
            None => reply::json(
                StatusCode::NOT_FOUND,
                &error_body(
                    ErrorCode::NotFound,
                    "this tenant serves plain HTTP: it has no CA",
                ),
            ),
        });
    // POST /_mock/reset
    let reset = warp::post()
        .and(warp::path!("_mock" / "reset"))
        .and(s())
        .then(|st: Arc<State>| async move {
            st.reset();
            // Used codes, refresh-token families and ended sessions, in Redis too.
            match st.store.clear().await {
                Ok(()) => reply::no_content(),
                Err(e) => reply::json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &error_body(ErrorCode::TemporarilyUnavailable, &e),
                ),
            }
        });

    // Boxed in groups: one long chain of `or`s makes a type that takes rustc minutes.
    let config = get_config
        .or(put_config)
        .unify()
        .or(get_discovery)
        .unify()
        .or(put_discovery)
        .unify()
        .or(delete_discovery)
        .unify()
        .or(get_dpop)
        .unify()
        .or(put_dpop)
        .unify()
        .or(rotate_nonce)
        .unify()
        .boxed();
    let actions = get_actions
        .or(put_action)
        .unify()
        .or(delete_action)
        .unify()
        .or(patch_user)
        .unify()
        .or(patch_client)
        .unify()
        .boxed();
    let keys = get_keys
        .or(rotate)
        .unify()
        .or(rebind)
        .unify()
        .or(remove)
        .unify()
        .or(get_fault)
        .unify()
        .or(set_fault)
        .unify()
        .or(clear_fault)
        .unify()
        .boxed();
    let rest = get_stats
        .or(clear_stats)
        .unify()
        .or(get_clock)
        .unify()
        .or(set_clock)
        .unify()
        .or(reset)
        .unify()
        .or(get_state)
        .unify()
        .or(put_state)
        .unify()
        .or(ca_pem)
        .unify()
        .boxed();
    config
        .or(keys)
        .unify()
        .or(rest)
        .unify()
        .or(actions)
        .unify()
        .boxed()
}

fn found(ok: bool, kid: &str, state: &State) -> Response {
    if ok {
        reply::json(StatusCode::OK, &state.keys_summary())
    } else {
        reply::json(
            StatusCode::NOT_FOUND,
            &error_body(ErrorCode::NotFound, &format!("No key has kid {kid:?}")),
        )
    }
}

/// 200 with the patched row, 404 when there is none, 400 when the patch does not hold.
fn patch_reply<T: serde::Serialize>(
    result: Result<Option<T>, String>,
    kind: &str,
    id: &str,
) -> Response {
    match result {
        Ok(Some(row)) => reply::json(StatusCode::OK, &row),
        Ok(None) => not_found(&format!("No {kind} {id:?}")),
        Err(e) => bad_request(&format!("{kind} {id:?}: {e}")),
    }
}

/// A path segment with its `%XX` escapes decoded (`auth0%7C123` is `auth0|123`); `+` stays.
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn not_found(description: &str) -> Response {
    reply::json(
        StatusCode::NOT_FOUND,
        &error_body(ErrorCode::NotFound, description),
    )
}

fn bad_request(description: &str) -> Response {
    reply::json(
        StatusCode::BAD_REQUEST,
        &error_body(ErrorCode::InvalidRequest, description),
    )
}
