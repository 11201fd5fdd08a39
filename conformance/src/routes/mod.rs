//! The routes of a real API: its operations, read from its OpenAPI document ([`from_openapi`])
//! or from a small routes table ([`from_table`]), each with the access the document declares.
//! The route audit (`Run::routes`) sends every operation tokens only the issuer can mint:
//! valid ones short of exactly one scope, and the forgeries anyone can make.

mod aim;
mod fill;
mod openapi;
mod table;

pub use aim::{Aimed, aim};
pub use openapi::from_openapi;
pub use table::from_table;

use serde::Serialize;
use std::collections::BTreeSet;

/// One operation: a method on a path template, the request that reaches its handler with a
/// good token, and the access its document declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operation {
    /// `GET`, `POST`, ... (upper case).
    pub method: String,
    /// The path template as the document writes it: `/v1/orders/{orderId}`.
    pub template: String,
    /// The path with its parameters filled (percent-encoded) and its required query string:
    /// `/v1/orders/1?limit=10`.
    pub target: String,
    /// A JSON body that the handler accepts, for operations that take one.
    pub body: Option<serde_json::Value>,
    /// Who may call it.
    pub access: Access,
    /// The document's tags, for `--tag`.
    pub tags: Vec<String>,
}

/// Who may call an operation, as its document's `security` says (the operation's own, or the
/// document's when it has none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "any_of")]
pub enum Access {
    /// `security: []` (or no security anywhere): anyone, no token needed.
    Public,
    /// `{}` among the alternatives: anonymous calls are allowed, and a token with any of these
    /// scope sets gets more.
    Optional(Vec<Vec<String>>),
    /// A token is needed, holding every scope of at least one of these sets (the scopes of one
    /// requirement are all needed; requirements are alternatives).
    Required(Vec<Vec<String>>),
    /// Only schemes the suite cannot mint for (an API key, HTTP basic): not audited.
    Unsupported(String),
}

impl Operation {
    /// `GET /v1/orders/{orderId}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Whether a request may change state (POST, PUT, PATCH, DELETE): it gets the requests
    /// that must be refused, and one with exactly its scopes unless `--no-mutate`.
    pub fn is_unsafe(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }

    /// The scopes every alternative needs: a token without one of them gets in nowhere.
    pub fn scopes_needed_by_all(&self) -> Vec<String> {
        let sets = match &self.access {
            Access::Required(sets) | Access::Optional(sets) => sets,
            _ => return Vec::new(),
        };
        let Some((first, rest)) = sets.split_first() else {
            return Vec::new();
        };
        first
            .iter()
            .filter(|s| rest.iter().all(|set| set.contains(s)))
            .cloned()
            .collect()
    }

    /// The smallest set of scopes that lets a token in (the first of the smallest).
    pub fn least_scopes(&self) -> Vec<String> {
        match &self.access {
            Access::Required(sets) | Access::Optional(sets) => sets
                .iter()
                .min_by_key(|set| set.len())
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// Every scope the operations name, sorted: what "every other scope the API defines" means.
pub fn all_scopes(operations: &[Operation]) -> BTreeSet<String> {
    operations
        .iter()
        .flat_map(|op| match &op.access {
            Access::Required(sets) | Access::Optional(sets) => sets.concat(),
            _ => Vec::new(),
        })
        .collect()
}

/// Which operations to audit: path globs (`/v1/orders/*`, `*` within one segment, `**` across
/// segments), tags and methods; an empty list lets every operation through.
#[derive(Debug, Clone, Default)]
pub struct RouteFilter {
    /// Globs over the path template.
    pub paths: Vec<String>,
    /// Tags, any of which must be on the operation.
    pub tags: Vec<String>,
    /// Methods, case-insensitive.
    pub methods: Vec<String>,
}

impl RouteFilter {
    /// Whether the operation passes the filter.
    pub fn matches(&self, op: &Operation) -> bool {
        (self.paths.is_empty() || self.paths.iter().any(|g| glob(g, &op.template)))
            && (self.tags.is_empty() || self.tags.iter().any(|t| op.tags.contains(t)))
            && (self.methods.is_empty()
                || self
                    .methods
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&op.method)))
    }
}

/// `*` matches within a segment, `**` any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..])),
            [b'*', rest @ ..] => (0..=t.len())
                .take_while(|i| *i == 0 || t[i - 1] != b'/')
                .any(|i| go(rest, &t[i..])),
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// A routes source that cannot be used: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {what}")]
pub struct RoutesError {
    /// The file or URL, and the place in it (`paths./orders.get.security`).
    pub origin: String,
    /// What is wrong.
    pub what: String,
}

impl RoutesError {
    pub(crate) fn new(origin: &str, place: &str, what: impl Into<String>) -> Self {
        let origin = if place.is_empty() {
            origin.to_owned()
        } else {
            format!("{origin} at {place}")
        };
        Self {
            origin,
            what: what.into(),
        }
    }
}

/// Percent-encodes a path parameter's value (RFC 3986 unreserved characters kept).
pub(crate) fn encode_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A JSON value as a path or query parameter: strings as they are, others as JSON text.
pub(crate) fn as_parameter(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(as_parameter).collect::<Vec<_>>().join(",")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_and_across_segments() {
        assert!(glob("/v1/orders/*", "/v1/orders/{id}"));
        assert!(!glob("/v1/*", "/v1/orders/{id}"));
        assert!(glob("/v1/**", "/v1/orders/{id}"));
        assert!(glob("/health", "/health"));
        assert!(!glob("/health", "/healthz"));
    }

    #[test]
    fn a_scope_every_alternative_needs_is_the_one_a_missing_scope_check_can_use() {
        let op = Operation {
            method: "GET".into(),
            template: "/x".into(),
            target: "/x".into(),
            body: None,
            access: Access::Required(vec![
                vec!["read:x".into(), "admin".into()],
                vec!["read:x".into(), "audit".into()],
            ]),
            tags: vec![],
        };
        assert_eq!(op.scopes_needed_by_all(), ["read:x"]);
        assert_eq!(op.least_scopes(), ["read:x", "admin"]);
    }
}
