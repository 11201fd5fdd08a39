//! The embedded pair of the README's main job: a mock tenant in this process, and the reference
//! `sample-api` configured for it through its typed [`sample_api::Settings`].

use crate::{Dpop, Profile, Tenant};
use mock_tenant::MockTenant;
use std::time::Duration;

/// The custom domain the embedded tenant also answers on (a second issuer,
/// `https://127.0.0.1:PORT/`, sharing the keys), for the custom-domain cases.
pub const CUSTOM_DOMAIN: &str = "127.0.0.1";

/// The JWKS refetch cooldown the embedded demo gives `sample-api` and declares, unless told
/// another (`--jwks-cooldown`): short, so that the rotation cases take seconds.
pub const EMBEDDED_JWKS_COOLDOWN_SECS: u64 = 2;

/// The longest the embedded demo's `sample-api` keeps a key set, unless told another
/// (`--jwks-ttl`).
pub const EMBEDDED_JWKS_TTL_SECS: u64 = 3;

impl Tenant {
    /// The handle of a tenant running in this process.
    pub fn of(tenant: &MockTenant) -> Result<Self, mock_tenant::Error> {
        Self::new(&tenant.url(), tenant.ca_pem())
    }
}

impl Profile {
    /// This profile with the embedded demo's short JWKS cooldown and cache lifetime
    /// ([`EMBEDDED_JWKS_COOLDOWN_SECS`], [`EMBEDDED_JWKS_TTL_SECS`]).
    pub fn with_embedded_jwks(self) -> Self {
        Self {
            jwks_cooldown_secs: EMBEDDED_JWKS_COOLDOWN_SECS,
            jwks_ttl_secs: EMBEDDED_JWKS_TTL_SECS,
            ..self
        }
    }
}

/// `sample-api` for `tenant`, on a free port, as `profile` declares it: its DPoP mode, its JWKS
/// refetch cooldown and its cache lifetime, so what the run expects is what the API does.
pub async fn start_sample_api(
    tenant: &MockTenant,
    profile: &Profile,
) -> Result<sample_api::SampleApi, sample_api::Error> {
    let vars = tenant.env().into_iter().collect();
    let mut settings = sample_api::Settings::from_vars(&vars)?;
    settings.port = 0;
    settings.dpop = match profile.dpop {
        Dpop::Off => sample_api::DpopMode::Off,
        Dpop::Optional => sample_api::DpopMode::Allowed,
        Dpop::Required => sample_api::DpopMode::Required,
    };
    settings.jwks_cooldown = Duration::from_secs(profile.jwks_cooldown_secs);
    settings.jwks_max_ttl = Duration::from_secs(profile.jwks_ttl_secs);
    sample_api::SampleApi::start(settings).await
}
