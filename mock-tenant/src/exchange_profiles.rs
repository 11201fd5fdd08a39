//! Custom Token Exchange profiles, as Auth0's Management API spells them
//! (`/api/v2/token-exchange-profiles`): a `subject_token_type` mapped to the
//! `custom-token-exchange` Action that decides who the subject token stands for.

use serde::{Deserialize, Serialize};

/// A Custom Token Exchange profile in the tenant file.
///
/// ```
/// let profile: mock_tenant::TokenExchangeProfile = serde_json::from_str(r#"{
///     "name": "legacy", "subject_token_type": "urn:acme:legacy-token",
///     "action_id": "exchange-legacy", "type": "custom_authentication"}"#).unwrap();
/// assert_eq!(profile.subject_token_type, "urn:acme:legacy-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenExchangeProfile {
    /// Its id (Auth0's look like `tep_...`; optional here).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Its name.
    pub name: String,
    /// The `subject_token_type` a request names to use it: `https://...` or `urn:...`, not in
    /// Auth0's or Okta's namespaces.
    pub subject_token_type: String,
    /// The `custom-token-exchange` Action it runs, by `id` or `name`.
    pub action_id: String,
    /// `custom_authentication`, the one type Auth0 has.
    #[serde(default = "custom_authentication", rename = "type")]
    pub kind: String,
}

fn custom_authentication() -> String {
    "custom_authentication".into()
}

/// Prefixes Auth0 keeps for itself and Okta.
const RESERVED: &[&str] = &[
    "http://auth0.com",
    "https://auth0.com",
    "http://okta.com",
    "https://okta.com",
    "urn:ietf",
    "urn:auth0",
    "urn:okta",
];

impl TokenExchangeProfile {
    /// What is wrong with it in `config`, if anything.
    pub(crate) fn problem(&self, config: &crate::TenantConfig) -> Option<String> {
        let kind = &self.subject_token_type;
        if !(kind.starts_with("https://") || kind.starts_with("urn:")) {
            return Some(format!(
                "subject_token_type {kind:?} must start with https:// or urn:"
            ));
        }
        if RESERVED
            .iter()
            .any(|p| kind.to_ascii_lowercase().starts_with(p))
        {
            return Some(format!(
                "subject_token_type {kind:?} is in a namespace Auth0 reserves"
            ));
        }
        if self.kind != "custom_authentication" {
            return Some(format!(
                "type {:?}: the only type is custom_authentication",
                self.kind
            ));
        }
        if config
            .token_exchange_profiles
            .iter()
            .filter(|p| p.subject_token_type == *kind)
            .count()
            > 1
        {
            return Some(format!("two profiles for subject_token_type {kind:?}"));
        }
        match config.exchange_action(&self.action_id) {
            Some(_) => None,
            None => Some(format!(
                "action_id {:?} names no custom-token-exchange Action (by id or name)",
                self.action_id
            )),
        }
    }
}
