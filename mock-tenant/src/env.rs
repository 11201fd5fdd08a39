//! What the tenant tells its user at start: the environment to export, and the loud warning.

use crate::{Issuer, TenantConfig};
use std::net::SocketAddr;
use std::path::Path;

/// What a running tenant exposes to the API under test.
pub(crate) struct Exposed<'a> {
    /// The tenant's issuer, then one per custom domain.
    pub(crate) issuers: &'a [String],
    /// Where its key set is.
    pub(crate) jwks_uri: String,
    /// Its APIs and clients.
    pub(crate) config: &'a TenantConfig,
    /// Its CA file, when it serves HTTPS.
    pub(crate) ca_path: Option<&'a Path>,
}

/// The environment for an API under test and its tests, in the order printed.
pub(crate) fn vars(tenant: &Exposed<'_>) -> Vec<(String, String)> {
    let config = tenant.config;
    let issuer = Issuer::new(tenant.issuers.first().map_or("", String::as_str));
    let mut vars = vec![
        ("AUTH0_DOMAIN".to_owned(), issuer.domain().to_owned()),
        ("AUTH0_ISSUER".into(), issuer.to_string()),
        ("AUTH0_JWKS_URI".into(), tenant.jwks_uri.clone()),
    ];
    // Custom domains, as `AUTH0_DOMAIN` spells a domain (`host:port`), comma-separated.
    let custom: Vec<String> = tenant
        .issuers
        .iter()
        .skip(1)
        .map(|i| Issuer::new(i.as_str()).domain().to_owned())
        .collect();
    if !custom.is_empty() {
        vars.push(("AUTH0_CUSTOM_DOMAINS".into(), custom.join(",")));
    }
    if let Some(api) = config.apis.first() {
        vars.push(("AUTH0_AUDIENCE".into(), api.identifier.clone()));
        vars.push(("API_IDENTIFIER".into(), api.identifier.clone()));
    }
    if let Some(path) = tenant.ca_path {
        let path = path.display().to_string();
        for name in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
            vars.push((name.into(), path.clone()));
        }
    }
    // The client granted the most scopes is the default pair; every client gets its own pair.
    let best = config.clients.iter().max_by_key(|c| {
        config
            .client_grants
            .iter()
            .filter(|g| g.client_id == c.client_id)
            .map(|g| g.scope.len())
            .sum::<usize>()
    });
    if let Some(client) = best {
        vars.push(("AUTH0_CLIENT_ID".into(), client.client_id.clone()));
        vars.push(("AUTH0_CLIENT_SECRET".into(), client.client_secret.clone()));
    }
    for client in &config.clients {
        let slug: String = client
            .client_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        vars.push((
            format!("MOCK_TENANT_CLIENT_{slug}_ID"),
            client.client_id.clone(),
        ));
        vars.push((
            format!("MOCK_TENANT_CLIENT_{slug}_SECRET"),
            client.client_secret.clone(),
        ));
    }
    vars
}

/// The warning for a tenant reachable from other machines.
pub(crate) fn exposed_warning(addr: SocketAddr) -> String {
    let bar = "!".repeat(78);
    format!(
        "{bar}\n!! WARNING: mock-tenant is listening on {addr}, not only on loopback.\n\
         !! It mints VALID TOKENS FOR ANYONE who can reach it, with public TEST-ONLY keys.\n\
         !! Never expose it to a network you do not control.\n{bar}"
    )
}
