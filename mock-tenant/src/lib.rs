//! A mock Auth0 tenant on localhost that real Auth0 clients trust: discovery, JWKS,
//! `/oauth/token`, and the login journey (`/authorize` with a login page, code, refresh and password
//! grants, ID tokens, `/userinfo`, logout, revoke) over HTTPS, with a control API to rotate keys,
//! break the JWKS on purpose and count fetches. Several processes can act as one tenant through
//! Redis ([`MockTenantBuilder::redis`]).
//!
//! **It mints valid tokens for anyone who asks, with public TEST-ONLY keys. Test use only.**
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use mock_tenant::{JwksFault, MockTenant};
//!
//! let tenant = MockTenant::start().await; // https://localhost:PORT, random port
//! println!("export AUTH0_DOMAIN={}", tenant.domain());
//! println!("export SSL_CERT_FILE={}", tenant.ca_path().unwrap().display());
//! tenant.set_jwks_fault(JwksFault::Status { status: 503 });
//! assert_eq!(tenant.stats().jwks_fetches(), 0);
//! # }
//! ```
//!
//! The same operations are served over HTTP under `/_mock/` (see `docs/control-api.md`), and
//! the `mock-tenant` binary runs the same router from the command line.

mod actions;
mod b64;
mod claims;
mod client_keys;
mod config;
mod control;
mod control_client;
mod dpop;
mod env;
mod error;
mod exchange_profiles;
mod faults;
mod files;
pub mod forge;
mod grant_type;
mod issuer;
mod jwe;
mod jwt;
mod keys;
mod login;
mod organizations;
mod rate_limits;
mod redis;
mod roles;
mod routes;
mod seal;
mod server;
mod shared;
mod state;
mod store;
mod templates;
mod tenant;
mod tls;
mod users;

pub use actions::{Action, ActionLimits, Trigger};
pub use client_keys::{
    CLIENT_ASSERTION_ALGS, CLIENT_ASSERTION_TYPE, ClientAuthenticationMethods, Credential,
    MAX_ASSERTION_LIFETIME_SECS, PrivateKeyJwt,
};
pub use config::{Api, Client, ClientGrant, TenantConfig, UserinfoTokens, origin_of};
pub use control::{KeysSummary, Stats};
pub use control_client::{ControlClient, MintRequest};
pub use error::Error;
pub use exchange_profiles::TokenExchangeProfile;
pub use faults::{BadKey, JunkBody, JwksFault, odd_keys};
pub use files::write_atomic;
pub use grant_type::{GrantType, UnknownGrantType};
pub use issuer::Issuer;
pub use keys::KeySource;
pub use organizations::{
    DefaultOrganization, EnabledConnection, Organization, OrganizationRequireBehavior,
    OrganizationUsage,
};
pub use rate_limits::{RATE_LIMITED_ENDPOINTS, RateLimit};
pub use roles::{Role, RolePermission};
pub use routes::{defects_json, escape_markup};
pub use serve_guard::Limits;
pub use server::CONTROL_TOKEN_HEADER;
pub use state::{MAX_COUNTED_PATH_LEN, MAX_COUNTED_PATHS, OTHER_PATHS};
pub use tenant::{MockTenant, MockTenantBuilder};
pub use tls::CertificateAuthority;
pub use users::{DEFAULT_CONNECTION, User};

/// The discovery document a tenant with this issuer serves, for comparison in tests.
pub fn discovery_document(issuer: &str) -> serde_json::Value {
    routes::discovery_document(issuer)
}
