//! Conformance suite for APIs that implement Auth0's API quickstart (`/api/public`,
//! `/api/private`, `/api/private-scoped`): fires good and deliberately bad tokens from the mock
//! tenant at an API and reports, case by case, what it gets wrong.
//!
//! Not built yet: this crate is a placeholder in the workspace until the conformance issue lands.
