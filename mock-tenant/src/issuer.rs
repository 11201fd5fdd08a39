//! An issuer URL (`https://localhost:8443/`) that keeps its exact text, since `iss` is compared
//! byte for byte, and knows its parts: the one place an issuer is taken apart.

/// An issuer, as the tenant's tokens carry it in `iss`.
///
/// ```
/// let issuer = mock_tenant::Issuer::new("https://localhost:8443/");
/// assert_eq!(issuer.as_str(), "https://localhost:8443/");
/// assert_eq!(issuer.domain(), "localhost:8443");
/// assert_eq!(issuer.host(), "localhost");
/// assert_eq!(issuer.port(), Some(8443));
/// assert_eq!(issuer.for_domain("127.0.0.1").as_str(), "https://127.0.0.1:8443/");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issuer(String);

impl Issuer {
    /// The issuer with this exact text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The exact text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `https` (or whatever precedes `://`; `https` when nothing does).
    pub fn scheme(&self) -> &str {
        self.0
            .split_once("://")
            .map_or("https", |(scheme, _)| scheme)
    }

    /// Everything after `://`.
    fn rest(&self) -> &str {
        self.0
            .split_once("://")
            .map_or(self.0.as_str(), |(_, rest)| rest)
    }

    /// `host[:port]`.
    pub fn authority(&self) -> &str {
        let rest = self.rest();
        rest.split('/').next().unwrap_or(rest)
    }

    /// The host, without port or IPv6 brackets: `localhost`, `::1`.
    pub fn host(&self) -> &str {
        let authority = self.authority();
        match authority.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => authority,
        }
        .trim_matches(['[', ']'])
    }

    /// The port, when the issuer names one.
    pub fn port(&self) -> Option<u16> {
        let (_, port) = self.authority().rsplit_once(':')?;
        port.parse().ok()
    }

    /// What Auth0 calls the domain and `AUTH0_DOMAIN` holds: the issuer without its scheme and
    /// trailing slash (`localhost:8443`), so that `https://{domain}/` is the issuer again.
    pub fn domain(&self) -> &str {
        self.rest().trim_end_matches('/')
    }

    /// The issuer of a custom domain of this one: the same scheme and port, the domain's host
    /// (lower-cased), the root path.
    pub fn for_domain(&self, domain: &str) -> Issuer {
        let port = self.port().map_or(String::new(), |p| format!(":{p}"));
        Issuer(format!(
            "{}://{}{port}/",
            self.scheme(),
            domain.to_ascii_lowercase()
        ))
    }
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Issuer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Issuer> for String {
    fn from(issuer: Issuer) -> Self {
        issuer.0
    }
}

#[cfg(test)]
mod tests {
    use super::Issuer;

    #[test]
    fn a_custom_domain_keeps_the_scheme_and_port() {
        let local = Issuer::new("https://localhost:8443/");
        assert_eq!(
            local.for_domain("127.0.0.1").as_str(),
            "https://127.0.0.1:8443/"
        );
        let remote = Issuer::new("https://tenant.example.com/");
        assert_eq!(
            remote.for_domain("Auth.Example.Test").as_str(),
            "https://auth.example.test/"
        );
    }

    #[test]
    fn the_parts_of_an_issuer() {
        let cases = [
            (
                "https://localhost:8443/",
                "localhost",
                Some(8443),
                "localhost:8443",
            ),
            (
                "https://tenant.example.com/",
                "tenant.example.com",
                None,
                "tenant.example.com",
            ),
            ("http://[::1]:80/", "::1", Some(80), "[::1]:80"),
            (
                "https://tenant.example.com/base/",
                "tenant.example.com",
                None,
                "tenant.example.com/base",
            ),
        ];
        for (text, host, port, domain) in cases {
            let issuer = Issuer::new(text);
            assert_eq!(issuer.host(), host, "{text}");
            assert_eq!(issuer.port(), port, "{text}");
            assert_eq!(issuer.domain(), domain, "{text}");
            assert_eq!(issuer.to_string(), text);
        }
    }
}
