//! What a flow's Actions did: claims and scopes for the tokens, metadata for the user.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What the Actions of a flow did to its tokens, kept in the grant so refreshed tokens carry it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Effects {
    /// Claims for the ID token.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub(crate) id_token_claims: Map<String, Value>,
    /// Claims for the access token.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub(crate) access_token_claims: Map<String, Value>,
    /// Scopes added to the access token, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) add_scopes: Vec<String>,
    /// Scopes taken out of the access token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) remove_scopes: Vec<String>,
    /// Custom Token Exchange: the user the subject token stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_id: Option<String>,
    /// `api.user.setAppMetadata` and `setUserMetadata`: saved on the user, not in the grant.
    #[serde(skip)]
    pub(crate) metadata: Metadata,
}

/// Metadata an Action set on the user (`null` removes a key), as a merge patch of the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Metadata {
    /// `app_metadata` changes.
    pub(crate) app_metadata: Map<String, Value>,
    /// `user_metadata` changes.
    pub(crate) user_metadata: Map<String, Value>,
}

impl Metadata {
    /// No change.
    pub(crate) fn is_empty(&self) -> bool {
        self.app_metadata.is_empty() && self.user_metadata.is_empty()
    }

    /// The merge patch (RFC 7396) of the user these changes make.
    pub(crate) fn patch(&self) -> Value {
        serde_json::json!({"app_metadata": self.app_metadata, "user_metadata": self.user_metadata})
    }
}

impl Effects {
    /// Whether no Action changed anything.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `scope` with the Actions' additions and removals, in order, each scope once.
    pub(crate) fn scope(&self, scope: &str) -> String {
        let mut scopes: Vec<&str> = Vec::new();
        for s in scope
            .split_whitespace()
            .chain(self.add_scopes.iter().map(String::as_str))
        {
            if !scopes.contains(&s) && !self.remove_scopes.iter().any(|r| r == s) {
                scopes.push(s);
            }
        }
        scopes.join(" ")
    }

    /// `claims` with `extra` first, as Auth0 orders an Action's claims; an Action's claim
    /// replaces one of the same name (a tenant file's static claim).
    pub(crate) fn claims_first(
        extra: &Map<String, Value>,
        claims: Map<String, Value>,
    ) -> Map<String, Value> {
        let mut all = extra.clone();
        for (name, value) in claims {
            all.entry(name).or_insert(value);
        }
        all
    }
}
