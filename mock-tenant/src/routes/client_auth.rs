//! Client authentication at the token and revocation endpoints: `client_secret_basic`,
//! `client_secret_post`, `private_key_jwt` (a `client_assertion`), or none for a public client
//! (which proves itself with PKCE).

use super::oauth::{OAuthError, Params, first_use, unauthorized};
use crate::b64;
use crate::client_keys::{self, CLIENT_ASSERTION_TYPE};
use crate::config::TenantConfig;
use crate::state::State;
use http::{HeaderMap, header};

/// Authenticates the request's client by whichever method it uses; returns its id. Every
/// failure is Auth0's 401 `access_denied` / `Unauthorized`, which does not say why: the
/// tenant's log does (`mock-tenant: client authentication refused: ...`).
pub(crate) async fn authenticate_client(
    state: &State,
    config: &TenantConfig,
    headers: &HeaderMap,
    params: &Params,
    issuer: &str,
) -> Result<String, OAuthError> {
    let refused = |why: String| {
        eprintln!("mock-tenant: client authentication refused: {why}");
        unauthorized()
    };
    let Some(assertion) = params.get("client_assertion") else {
        let client_id = authenticate(config, headers, params)?;
        if config
            .client(&client_id)
            .is_some_and(|c| c.assertion_credentials().is_some())
        {
            return Err(refused(format!(
                "client {client_id:?} has private_key_jwt credentials: it must send a \
                 client_assertion, not a secret"
            )));
        }
        return Ok(client_id);
    };
    if params.get("client_assertion_type").map(String::as_str) != Some(CLIENT_ASSERTION_TYPE) {
        return Err(refused(format!(
            "client_assertion_type must be {CLIENT_ASSERTION_TYPE}"
        )));
    }
    if headers.contains_key(header::AUTHORIZATION) || params.contains_key("client_secret") {
        return Err(refused(
            "a client_assertion and a secret at once (RFC 6749 §2.3: one method)".into(),
        ));
    }
    let client_id = client_keys::claimed_client(assertion).map_err(refused)?;
    if params.get("client_id").is_some_and(|id| *id != client_id) {
        return Err(refused(format!(
            "client_id differs from the assertion's iss {client_id:?}"
        )));
    }
    let client = config
        .client(&client_id)
        .ok_or_else(|| refused(format!("no client {client_id:?}")))?;
    let credentials = client.assertion_credentials().ok_or_else(|| {
        refused(format!(
            "client {client_id:?} has no private_key_jwt credentials"
        ))
    })?;
    let checked = client_keys::check(assertion, &client_id, credentials, issuer, state.now())
        .map_err(refused)?;
    // Single use: the `jti` is remembered until the assertion expires.
    let ttl = u64::try_from(checked.exp - state.now()).unwrap_or(0).max(1) + 10;
    let key = format!("client-assertion:{client_id}:{}", checked.jti);
    let first = first_use(state, &key, std::time::Duration::from_secs(ttl)).await?;
    if !first {
        return Err(refused(format!(
            "the client_assertion's jti {:?} was used before",
            checked.jti
        )));
    }
    Ok(checked.client_id)
}

/// `client_secret_basic` or `client_secret_post`; returns the authenticated client id.
/// Every failure is Auth0's 401 `access_denied` / `Unauthorized`, which does not say why.
fn authenticate(
    config: &TenantConfig,
    headers: &HeaderMap,
    params: &Params,
) -> Result<String, OAuthError> {
    let basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(parse_basic(value.as_bytes()).ok_or_else(unauthorized)?),
    };
    let posted = params
        .get("client_id")
        .map(|id| (id.clone(), params.get("client_secret").cloned()));
    let (client_id, secret) = match (basic, posted) {
        (Some((id, secret)), None) => (id, Some(secret)),
        (Some((id, secret)), Some((posted_id, posted_secret))) => {
            // Both methods at once (RFC 6749 §2.3 says MUST NOT); accept only if they agree.
            if posted_id != id || posted_secret.is_some_and(|s| s != secret) {
                return Err(unauthorized());
            }
            (id, Some(secret))
        }
        (None, Some(posted)) => posted,
        (None, None) => return Err(unauthorized()),
    };
    let client = config.client(&client_id).ok_or_else(unauthorized)?;
    // Browser code may call for a client only from one of its origins; Auth0 refuses the others
    // with the same 401 as bad credentials (see docs/login-flows.md, "Single-page apps").
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|origin| client.allows_cors_origin(origin))
    {
        return Err(unauthorized());
    }
    if client.is_public() {
        // A public client has no secret to check; its grants must prove themselves (PKCE).
        return match secret.filter(|s| !s.is_empty()) {
            None => Ok(client_id),
            Some(_) => Err(unauthorized()),
        };
    }
    let given = secret.ok_or_else(unauthorized)?;
    if !constant_time_eq(given.as_bytes(), client.client_secret.as_bytes()) {
        return Err(unauthorized());
    }
    Ok(client_id)
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(value: &[u8]) -> Option<(String, String)> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(b64::decode_standard(credentials.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let id = unescape(id);
    (!id.is_empty()).then(|| (id, unescape(secret)))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::parse_basic;

    #[test]
    fn basic_credentials_are_url_decoded() {
        let header = format!("Basic {}", crate::b64::standard("my%3Aid:s%2Bcret"));
        assert_eq!(
            parse_basic(header.as_bytes()),
            Some(("my:id".into(), "s+cret".into()))
        );
    }

    #[test]
    fn broken_basic_headers_are_refused() {
        for bad in [
            "Basic",
            "Basic !!!",
            "Bearer abc",
            "Basic Zm9v",
            "Basic OnNlY3JldA==",
        ] {
            assert_eq!(parse_basic(bad.as_bytes()), None, "{bad}");
        }
    }
}
