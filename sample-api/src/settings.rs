//! Configuration, read like the quickstart reads it: `AUTH0_DOMAIN`, `AUTH0_AUDIENCE` (or its
//! quickstart name `API_IDENTIFIER`), `PORT`; plus the extra CAs in `SSL_CERT_FILE`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// Where the scopes of a token are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeSource {
    /// The space-separated `scope` claim only (the quickstart's behaviour; the default).
    Scope,
    /// `scope`, or else Auth0 RBAC's `permissions` array.
    ScopeOrPermissions,
}

/// Everything the API needs to know, validated at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `https://{AUTH0_DOMAIN}/`: the exact issuer tokens must carry.
    pub issuer: String,
    /// `https://{AUTH0_DOMAIN}/.well-known/jwks.json`.
    pub jwks_uri: String,
    /// The API identifier tokens must be issued for.
    pub audience: String,
    /// Address to listen on (`HOST`, default 127.0.0.1).
    pub host: IpAddr,
    /// Port to listen on (`PORT`, default 3010 as in the quickstart).
    pub port: u16,
    /// Extra trusted CA certificates, PEM (from the file named by `SSL_CERT_FILE`).
    pub extra_ca_pem: Option<String>,
    /// Where scopes come from (`AUTH0_SCOPE_SOURCE` = `scope` or `scope+permissions`).
    pub scope_source: ScopeSource,
    /// Clock skew tolerated on `exp`, `nbf` and `iat` (`AUTH0_LEEWAY_SECS`, default 5).
    pub leeway: Duration,
    /// Minimum time between two JWKS fetches caused by unknown `kid`s (`JWKS_COOLDOWN_SECS`,
    /// default 10).
    pub jwks_cooldown: Duration,
    /// Longest wait for the JWKS endpoint (`JWKS_TIMEOUT_MS`, default 5000).
    pub jwks_timeout: Duration,
    /// Longest time a fetched key set is used before it is refetched, whatever `Cache-Control`
    /// says (`JWKS_MAX_TTL_SECS`, default 3600; `Cache-Control: max-age` is honoured below it).
    pub jwks_max_ttl: Duration,
    /// DPoP (`AUTH0_DPOP` = `off`, the default, `allowed` or `required`).
    pub dpop: crate::dpop_mode::DpopMode,
    /// The API's public base URL, which DPoP proofs' `htu` must name (`AUTH0_DPOP_URL`; by
    /// default `http://` and the address the API listens on). Never taken from `Host`.
    pub dpop_url: Option<String>,
    /// What a connection may cost the API: `HEADER_READ_TIMEOUT_SECS` (default 30),
    /// `IDLE_TIMEOUT_SECS` (120), `MAX_CONNECTIONS` (the open-files limit less 64) and
    /// `DRAIN_TIMEOUT_SECS` (5, how long Ctrl-C or SIGTERM waits for requests in flight).
    pub limits: serve_guard::Limits,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, crate::Error> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads settings from a map of variables, with the same rules as [`from_env`](Self::from_env).
    ///
    /// ```
    /// let vars = [("AUTH0_DOMAIN", "localhost:8443"), ("API_IDENTIFIER", "https://quickstarts/api")]
    ///     .map(|(k, v)| (k.to_owned(), v.to_owned()))
    ///     .into();
    /// let settings = sample_api::Settings::from_vars(&vars).unwrap();
    /// assert_eq!(settings.issuer, "https://localhost:8443/");
    /// assert_eq!(settings.port, 3010);
    /// ```
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, crate::Error> {
        Self::parse(vars).map_err(crate::Error::Settings)
    }

    fn parse(vars: &HashMap<String, String>) -> Result<Self, String> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let domain = get("AUTH0_DOMAIN")
            .ok_or("AUTH0_DOMAIN is not set (e.g. your-tenant.us.auth0.com or localhost:8443)")?;
        check_domain(domain)?;
        let audience = get("AUTH0_AUDIENCE")
            .or_else(|| get("API_IDENTIFIER"))
            .ok_or(
                "AUTH0_AUDIENCE (or API_IDENTIFIER) is not set: the identifier of your Auth0 API",
            )?
            .to_owned();
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| format!("{name} must be a whole number, got {v:?}"))
            })
        };
        let port =
            u16::try_from(number("PORT", 3010)?).map_err(|_| "PORT must be at most 65535")?;
        let host = match get("HOST") {
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(h) => h
                .parse()
                .map_err(|_| format!("HOST must be an IP address, got {h:?}"))?,
        };
        let extra_ca_pem = match get("SSL_CERT_FILE") {
            None => None,
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("SSL_CERT_FILE={path}: cannot read it: {e}"))?,
            ),
        };
        let scope_source = match get("AUTH0_SCOPE_SOURCE").unwrap_or("scope") {
            "scope" => ScopeSource::Scope,
            "scope+permissions" => ScopeSource::ScopeOrPermissions,
            other => {
                return Err(format!(
                    "AUTH0_SCOPE_SOURCE must be \"scope\" or \"scope+permissions\", got {other:?}"
                ));
            }
        };
        let dpop = match get("AUTH0_DPOP").unwrap_or("off") {
            "off" => crate::dpop_mode::DpopMode::Off,
            "allowed" => crate::dpop_mode::DpopMode::Allowed,
            "required" => crate::dpop_mode::DpopMode::Required,
            other => {
                return Err(format!(
                    "AUTH0_DPOP must be \"off\", \"allowed\" or \"required\", got {other:?}"
                ));
            }
        };
        let defaults = serve_guard::Limits::default();
        let positive = |name: &str, default: u64| match number(name, default)? {
            0 => Err(format!("{name} must be at least 1")),
            n => Ok(n),
        };
        let limits = serve_guard::Limits {
            header_read_timeout: Duration::from_secs(positive("HEADER_READ_TIMEOUT_SECS", 30)?),
            idle_timeout: Duration::from_secs(positive("IDLE_TIMEOUT_SECS", 120)?),
            max_connections: usize::try_from(positive(
                "MAX_CONNECTIONS",
                defaults.max_connections as u64,
            )?)
            .unwrap_or(usize::MAX),
            drain: Duration::from_secs(number("DRAIN_TIMEOUT_SECS", 5)?),
        };
        Ok(Self {
            limits,
            dpop,
            dpop_url: get("AUTH0_DPOP_URL").map(str::to_owned),
            issuer: format!("https://{domain}/"),
            jwks_uri: format!("https://{domain}/.well-known/jwks.json"),
            audience,
            host,
            port,
            extra_ca_pem,
            scope_source,
            leeway: Duration::from_secs(number("AUTH0_LEEWAY_SECS", 5)?),
            jwks_cooldown: Duration::from_secs(number("JWKS_COOLDOWN_SECS", 10)?),
            jwks_timeout: Duration::from_millis(number("JWKS_TIMEOUT_MS", 5000)?),
            jwks_max_ttl: Duration::from_secs(number("JWKS_MAX_TTL_SECS", 3600)?),
        })
    }
}

/// `host[:port]`, nothing else: no scheme, path, user info or trailing slash.
fn check_domain(domain: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "AUTH0_DOMAIN={domain:?} {why}: give only host[:port], e.g. your-tenant.us.auth0.com"
        ))
    };
    if domain.contains("://") {
        return bad("has a scheme");
    }
    if domain.contains(['/', '?', '#', '@', ' ']) {
        return bad("has a path, query, user info or spaces");
    }
    let (host, port) = match domain.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (domain, None),
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return bad("is not a host name");
    }
    if let Some(p) = port
        && p.parse::<u16>().map_or(true, |p| p == 0)
    {
        return bad("has an invalid port");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let parsed = Settings::from_vars(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        // Every refusal is a settings error that names the variable.
        parsed.map_err(|e| match e {
            crate::Error::Settings(message) => message,
            other => panic!("not a settings error: {other:?}"),
        })
    }

    #[test]
    fn missing_or_malformed_settings_are_explained() {
        let aud = ("AUTH0_AUDIENCE", "https://quickstarts/api");
        for (vars, expected) in [
            (vec![aud], "AUTH0_DOMAIN is not set"),
            (
                vec![("AUTH0_DOMAIN", "x.auth0.com")],
                "AUTH0_AUDIENCE (or API_IDENTIFIER)",
            ),
            (
                vec![("AUTH0_DOMAIN", "https://x.auth0.com"), aud],
                "has a scheme",
            ),
            (vec![("AUTH0_DOMAIN", "x.auth0.com/"), aud], "has a path"),
            (
                vec![("AUTH0_DOMAIN", "x.auth0.com:99999"), aud],
                "invalid port",
            ),
            (
                vec![("AUTH0_DOMAIN", "x.auth0.com"), aud, ("PORT", "http")],
                "PORT must be",
            ),
            (
                vec![
                    ("AUTH0_DOMAIN", "x.auth0.com"),
                    aud,
                    ("SSL_CERT_FILE", "/no/such"),
                ],
                "cannot read",
            ),
        ] {
            let err = settings(&vars).unwrap_err();
            assert!(err.contains(expected), "{vars:?}: {err}");
        }
    }

    #[test]
    fn audience_prefers_auth0_audience_over_api_identifier() {
        let s = settings(&[
            ("AUTH0_DOMAIN", "x.auth0.com"),
            ("AUTH0_AUDIENCE", "a"),
            ("API_IDENTIFIER", "b"),
        ])
        .unwrap();
        assert_eq!(s.audience, "a");
        assert_eq!(s.jwks_uri, "https://x.auth0.com/.well-known/jwks.json");
    }
}
