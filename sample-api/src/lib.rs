//! The reference API: Auth0's API quickstart (`GET /api/public`, `/api/private`,
//! `/api/private-scoped` with `read:messages`) written the way it should be, in Rust with warp.
//!
//! It knows only what any Auth0 consumer knows: `AUTH0_DOMAIN` and `AUTH0_AUDIENCE`. It validates
//! access tokens as RFC 8725 and RFC 9068 ask, keeps the tenant's keys in a cache that survives
//! rotation, outages and `kid` floods, and answers every refusal per RFC 6750.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::collections::HashMap;
//! let vars: HashMap<String, String> = [
//!     ("AUTH0_DOMAIN", "localhost:8443"),
//!     ("AUTH0_AUDIENCE", "https://quickstarts/api"),
//!     ("PORT", "0"),
//! ]
//! .map(|(k, v)| (k.to_owned(), v.to_owned()))
//! .into();
//! let api = sample_api::SampleApi::start(sample_api::Settings::from_vars(&vars).unwrap())
//!     .await
//!     .unwrap();
//! assert!(api.url().starts_with("http://127.0.0.1:"));
//! # }
//! ```

mod bearer;
mod dpop;
mod dpop_mode;
mod error;
mod errors;
mod jwks;
mod reply;
mod routes;
mod server;
mod settings;
mod validate;

pub use dpop_mode::DpopMode;
pub use error::Error;
pub use routes::{DELETE_SCOPE, OPENAPI, REQUIRED_SCOPE, WRITE_SCOPE};
pub use server::SampleApi;
pub use settings::{ScopeSource, Settings};
