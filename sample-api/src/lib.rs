//! The reference API: Auth0's API quickstart written as it should be, in Rust with warp.
//!
//! Not built yet: this crate is a placeholder in the workspace until the sample-API issue lands.
