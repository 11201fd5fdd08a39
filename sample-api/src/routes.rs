//! The three quickstart endpoints, the messages (a scope per method, for the route audit),
//! the OpenAPI document, CORS as the quickstart does it (any origin, on errors too), and one
//! `recover` for everything warp rejects.

use crate::bearer;
use crate::dpop_mode::DpopMode;
use crate::errors::Denial;
use crate::reply::json;
use crate::validate::Validator;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use warp::Filter;
use warp::reply::Response;

/// The scope `/api/private-scoped` and `GET /api/messages` require.
pub const REQUIRED_SCOPE: &str = "read:messages";
/// The scope `POST /api/messages` requires.
pub const WRITE_SCOPE: &str = "write:messages";
/// The scope `DELETE /api/messages/{id}` requires.
pub const DELETE_SCOPE: &str = "delete:messages";

/// The API's OpenAPI 3.1 document, served at `GET /openapi.json`: what `conformance
/// --openapi` audits route by route.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Every route of the API, CORS included; rejections become JSON 4xx answers.
pub(crate) fn routes(
    validator: Arc<Validator>,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let v = move || {
        let validator = validator.clone();
        warp::any().map(move || validator.clone())
    };
    // GET /api/public
    let public = warp::path!("api" / "public").and(warp::get()).map(|| {
        message("Hello from a public endpoint! You don't need to be authenticated to see this.")
    });
    // GET /api/private
    let private = warp::path!("api" / "private")
        .and(warp::get())
        .and(protected(
            v(),
            None,
            StatusCode::OK,
            "Hello from a private endpoint! You need to be authenticated to see this.",
        ));
    // GET /api/private-scoped
    let scoped = warp::path!("api" / "private-scoped")
        .and(warp::get())
        .and(protected(
        v(),
        Some(REQUIRED_SCOPE),
        StatusCode::OK,
        "Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.",
    ));
    // The messages, for the route audit: a scope per method. Nothing is stored and a POST's
    // body is not read: a request leaves the API as it found it.
    let list = warp::path!("api" / "messages")
        .and(warp::get())
        .and(protected(
            v(),
            Some(REQUIRED_SCOPE),
            StatusCode::OK,
            "The messages.",
        ));
    let create = warp::path!("api" / "messages")
        .and(warp::post())
        .and(protected(
            v(),
            Some(WRITE_SCOPE),
            StatusCode::CREATED,
            "Created.",
        ));
    let delete = warp::path!("api" / "messages" / u64)
        .map(drop)
        .untuple_one()
        .and(warp::delete())
        .and(protected(
            v(),
            Some(DELETE_SCOPE),
            StatusCode::NO_CONTENT,
            "",
        ));
    // GET /openapi.json
    let document = warp::path!("openapi.json").and(warp::get()).map(|| {
        let mut res = Response::new(OPENAPI.into());
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    });
    // OPTIONS on any path; another method is not refused here (a `warp::options()` would
    // answer GET /nope with 405 instead of 404), only by the routes that have the path.
    let preflight = warp::method()
        .and_then(|method: http::Method| async move {
            if method == http::Method::OPTIONS {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
        .map(|| {
            let mut res = Response::new(bytes::Bytes::new().into());
            *res.status_mut() = StatusCode::NO_CONTENT;
            let h = res.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("Authorization, Content-Type, DPoP"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
            res
        });
    // Path first, then method: an unknown path is 404 whatever the method.
    let api = public
        .or(private)
        .unify()
        .or(scoped)
        .unify()
        .or(list)
        .unify()
        .or(create)
        .unify()
        .or(delete)
        .unify()
        .or(document)
        .unify();
    preflight.or(api).unify().recover(recover).unify().map(cors)
}

/// An endpoint that answers `text` to a valid token (with `scope`, if given) and the RFC 6750
/// refusal otherwise.
fn protected(
    validator: impl Filter<Extract = (Arc<Validator>,), Error = Infallible>
    + Clone
    + Send
    + Sync
    + 'static,
    scope: Option<&'static str>,
    status: StatusCode,
    text: &'static str,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and(validator)
        .then(
            move |method: http::Method,
                  path: warp::path::FullPath,
                  headers: HeaderMap,
                  v: Arc<Validator>| async move {
                match authorize(&v, &headers, method.as_str(), path.as_str(), scope).await {
                    Ok(()) if status == StatusCode::NO_CONTENT => {
                        let mut res = Response::new(bytes::Bytes::new().into());
                        *res.status_mut() = status;
                        res
                    }
                    Ok(()) => json(status, &json!({ "message": text })),
                    Err(denial) => denial.into_response_for(v.dpop),
                }
            },
        )
}

/// Validates the token (and its DPoP proof, with DPoP on) and, if asked, the scope.
async fn authorize(
    v: &Validator,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    scope: Option<&'static str>,
) -> Result<(), Denial> {
    let (dpop_scheme, token) = bearer::credentials(headers, v.dpop != DpopMode::Off)?;
    if v.dpop == DpopMode::Required && !dpop_scheme {
        return Err(Denial::Missing);
    }
    let claims = v.validate(&token).await?;
    let jkt = claims
        .0
        .get("cnf")
        .and_then(|cnf| cnf.get("jkt"))
        .and_then(serde_json::Value::as_str);
    match (v.dpop, dpop_scheme) {
        (DpopMode::Off, _) => {}
        (_, true) => v.proofs.check(headers, method, path, &token, jkt)?,
        // RFC 9449 §7.2: a bound token is no bearer token.
        (_, false) if jkt.is_some() => {
            return Err(Denial::InvalidToken(
                "A DPoP-bound token must come with the DPoP scheme and a proof",
            ));
        }
        (_, false) => {}
    }
    match scope {
        Some(scope) if !v.has_scope(&claims, scope) => Err(Denial::InsufficientScope(scope)),
        _ => Ok(()),
    }
}

fn message(text: &str) -> Response {
    json(StatusCode::OK, &json!({ "message": text }))
}

/// Any origin may call, and may read the challenge: what `flask_cors.CORS(app)` does.
fn cors(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("WWW-Authenticate, DPoP-Nonce"),
    );
    res
}

async fn recover(rejection: warp::Rejection) -> Result<Response, Infallible> {
    let (status, code) = if rejection.is_not_found() {
        (StatusCode::NOT_FOUND, "not_found")
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    } else {
        (StatusCode::BAD_REQUEST, "bad_request")
    };
    let description = status.canonical_reason().unwrap_or("Error");
    Ok(json(
        status,
        &json!({"code": code, "description": description}),
    ))
}
