//! `POST /_mock/token` mints any token by defect name with claim and header overrides;
//! `GET /_mock/defects` lists the defects. The same names as the Rust builder and the CLI.

use super::oauth::{ErrorCode, error_body};
use super::reply;
use crate::control_client::MintRequest;
use crate::forge::{DpopKey, DpopProof, TokenBuilder, defects, dpop_defects, find_dpop_defect};
use crate::state::State;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// What `POST /_mock/dpop/proof` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProofRequest {
    htm: String,
    htu: String,
    /// The access token the request carries: its hash becomes `ath`.
    access_token: Option<String>,
    nonce: Option<String>,
    /// A DPoP defect name from `GET /_mock/dpop/defects`.
    defect: Option<String>,
    /// Sign with a fresh random key instead of the fixture key.
    #[serde(default)]
    fresh_key: bool,
}

/// POST /_mock/token and GET /_mock/defects
pub(crate) fn routes(
    state: Arc<State>,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let mint = warp::post()
        .and(warp::path!("_mock" / "token"))
        .and(super::body::at_most(256 * 1024))
        .map(move |body: bytes::Bytes| {
            let request: MintRequest = if body.is_empty() {
                MintRequest::default()
            } else {
                match serde_json::from_slice(&body) {
                    Ok(r) => r,
                    Err(e) => return bad_request(&e.to_string()),
                }
            };
            match mint(TokenBuilder::new(state.clone()), &request) {
                Ok(token) => reply::json(StatusCode::OK, &json!({ "token": token })),
                Err(e) => bad_request(&e),
            }
        });
    let list = warp::get()
        .and(warp::path!("_mock" / "defects"))
        .map(|| reply::json(StatusCode::OK, &defects_json()));
    let proof = warp::post()
        .and(warp::path!("_mock" / "dpop" / "proof"))
        .and(super::body::at_most(64 * 1024))
        .map(|body: bytes::Bytes| {
            let request: ProofRequest = match serde_json::from_slice(&body) {
                Ok(r) => r,
                Err(e) => return bad_request(&e.to_string()),
            };
            let key = if request.fresh_key {
                DpopKey::generate()
            } else {
                DpopKey::fixture()
            };
            let mut proof = DpopProof::new(&key, &request.htm, &request.htu);
            if let Some(token) = &request.access_token {
                proof = proof.ath(token);
            }
            if let Some(nonce) = &request.nonce {
                proof = proof.nonce(nonce);
            }
            if let Some(name) = &request.defect {
                if find_dpop_defect(name).is_none() {
                    return bad_request(&format!("no DPoP defect {name:?}"));
                }
                proof = proof.defect(name);
            }
            reply::json(
                StatusCode::OK,
                &json!({"proof": proof.sign(), "jkt": key.thumbprint()}),
            )
        });
    let dpop_list = warp::get()
        .and(warp::path!("_mock" / "dpop" / "defects"))
        .map(|| {
            let list: Vec<Value> = dpop_defects()
                .iter()
                .map(|d| json!({"name": d.name, "about": d.about, "source": d.source, "answer": d.answer}))
                .collect();
            reply::json(StatusCode::OK, &list)
        });
    mint.or(list)
        .unify()
        .or(proof)
        .unify()
        .or(dpop_list)
        .unify()
}

fn mint(mut builder: TokenBuilder, request: &MintRequest) -> Result<String, String> {
    if let Some(url) = &request.attacker {
        builder = builder.attacker(url);
    }
    builder = builder.overrides(&request.claims, &request.header);
    if let Some(name) = &request.defect {
        builder = builder.try_defect(name)?;
    }
    if let Some(scope) = &request.scope_name {
        builder = builder.scope_name(scope);
    }
    if request.dpop_bound {
        builder = builder.dpop_bound(&DpopKey::fixture());
    }
    if let Some(jkt) = &request.dpop_jkt {
        builder = builder.claim("cnf", json!({ "jkt": jkt }));
    }
    Ok(builder.sign())
}

/// The defect table as JSON.
pub fn defects_json() -> Value {
    defects()
        .iter()
        .map(|d| {
            json!({"name": d.name, "row": d.row.as_str(), "forger": d.forger, "about": d.about,
                   "source": d.source, "answer": d.answer, "breaks": d.breaks})
        })
        .collect()
}

fn bad_request(description: &str) -> Response {
    reply::json(
        StatusCode::BAD_REQUEST,
        &error_body(ErrorCode::InvalidRequest, description),
    )
}
