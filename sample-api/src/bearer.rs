//! Reading the bearer token from the `Authorization` header (RFC 6750 §2.1), the only transport
//! this API accepts, as the quickstart does.

use crate::errors::Denial;
use http::{HeaderMap, header};

/// The bearer token, or the refusal: no header (or another scheme) is [`Denial::Missing`];
/// anything ill-formed is [`Denial::InvalidRequest`].
#[cfg(test)]
fn token(headers: &HeaderMap) -> Result<String, Denial> {
    credentials(headers, false).map(|(_, token)| token)
}

/// The token and whether it came with the `DPoP` scheme (accepted only when `dpop` is on), or
/// the refusal, as for the bearer token alone.
pub(crate) fn credentials(headers: &HeaderMap, dpop: bool) -> Result<(bool, String), Denial> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(Denial::Missing);
    };
    if values.next().is_some() {
        return Err(Denial::InvalidRequest(
            "Send exactly one Authorization header",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| Denial::InvalidRequest("The Authorization header is not ASCII"))?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let is_dpop = dpop && scheme.eq_ignore_ascii_case("dpop");
    if !scheme.eq_ignore_ascii_case("bearer") && !is_dpop {
        // Credentials for another scheme are no credentials for this one.
        return Err(Denial::Missing);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(Denial::InvalidRequest(
            "The Authorization header has no token",
        ));
    }
    if !is_b64token(token) {
        return Err(Denial::InvalidRequest(
            "The Authorization header must be 'Bearer <token>'",
        ));
    }
    Ok((is_dpop, token.to_owned()))
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(
                header::AUTHORIZATION,
                http::HeaderValue::from_bytes(v).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn authorization_headers_are_read_per_rfc_6750() {
        assert_eq!(token(&with(&[])), Err(Denial::Missing));
        assert_eq!(token(&with(&[b"Basic YTpi"])), Err(Denial::Missing));
        assert_eq!(token(&with(&[b"bearer a.b.c"])), Ok("a.b.c".into()));
        assert_eq!(token(&with(&[b"Bearer  a.b.c"])), Ok("a.b.c".into()));
        for bad in [
            &b"Bearer"[..],
            b"Bearer ",
            b"Bearer a b",
            b"Bearer a,b",
            b"Bearer \xff",
        ] {
            assert!(
                matches!(token(&with(&[bad])), Err(Denial::InvalidRequest(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            token(&with(&[b"Bearer a", b"Bearer b"])),
            Err(Denial::InvalidRequest(_))
        ));
    }
}
