//! `--routes FILE`: the operations of an API without an OpenAPI document, as a JSON array.
//!
//! ```json
//! [
//!   {"method": "GET", "path": "/health", "public": true},
//!   {"method": "GET", "path": "/orders/{id}", "scopes": ["read:orders"], "params": {"id": "42"}},
//!   {"method": "PUT", "path": "/orders/{id}", "any_of": [["write:orders"], ["admin"]],
//!    "body": {"item": "book"}},
//!   {"method": "GET", "path": "/feed", "optional": true, "scopes": ["read:orders"]}
//! ]
//! ```
//!
//! `scopes` are all needed; `any_of` lists alternatives; `public` needs no token; `optional`
//! lets anonymous calls in too. `params` fills the path (a parameter not given is `1`),
//! `query` is appended as it is, `body` is sent as JSON.

use super::{Access, Operation, RoutesError, encode_segment};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    method: String,
    path: String,
    #[serde(default)]
    public: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    any_of: Option<Vec<Vec<String>>>,
    #[serde(default)]
    params: BTreeMap<String, String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    tags: Vec<String>,
}

/// The operations of a routes table; `origin` names it in errors.
pub fn from_table(text: &str, origin: &str) -> Result<Vec<Operation>, RoutesError> {
    let rows: Vec<Row> = serde_json::from_str(text).map_err(|e| {
        RoutesError::new(
            origin,
            &format!("line {} column {}", e.line(), e.column()),
            e.to_string(),
        )
    })?;
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let place = format!("route {}", i + 1);
            let err = |what: &str| RoutesError::new(origin, &place, what);
            let method = row.method.to_ascii_uppercase();
            if !matches!(
                method.as_str(),
                "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"
            ) {
                return Err(err(&format!("unknown method {:?}", row.method)));
            }
            if !row.path.starts_with('/') {
                return Err(err("a path starts with /"));
            }
            let sets = match (row.scopes, row.any_of) {
                (Some(_), Some(_)) => return Err(err("give `scopes` or `any_of`, not both")),
                (Some(all), None) => vec![all],
                (None, Some(any)) => any,
                (None, None) => vec![vec![]],
            };
            let access = match (row.public, row.optional) {
                (true, true) => return Err(err("a route is `public` or `optional`, not both")),
                (true, false) => Access::Public,
                (false, true) => Access::Optional(sets),
                (false, false) => Access::Required(sets),
            };
            let mut target = String::new();
            for segment in row.path.split('/').skip(1) {
                target.push('/');
                match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => target.push_str(&encode_segment(
                        row.params.get(name).map_or("1", String::as_str),
                    )),
                    None => target.push_str(segment),
                }
            }
            if let Some(query) = row.query {
                target = format!("{target}?{}", query.trim_start_matches('?'));
            }
            Ok(Operation {
                method,
                template: row.path,
                target,
                body: row.body,
                access,
                tags: row.tags,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_table_reads_as_written() {
        let text = r#"[
          {"method": "GET", "path": "/health", "public": true},
          {"method": "get", "path": "/orders/{id}", "scopes": ["read:orders"], "params": {"id": "a b"}},
          {"method": "PUT", "path": "/orders/{id}", "any_of": [["write:orders"], ["admin"]], "body": {"item": "book"}},
          {"method": "GET", "path": "/feed", "optional": true, "scopes": ["read:orders"], "query": "?limit=1"}
        ]"#;
        let ops = from_table(text, "routes.json").unwrap();
        assert_eq!(ops[0].access, Access::Public);
        assert_eq!(ops[1].label(), "GET /orders/{id}");
        assert_eq!(ops[1].target, "/orders/a%20b");
        assert_eq!(ops[2].target, "/orders/1");
        assert_eq!(ops[2].scopes_needed_by_all(), Vec::<String>::new());
        assert_eq!(ops[3].target, "/feed?limit=1");
        assert!(matches!(ops[3].access, Access::Optional(_)));
    }

    #[test]
    fn a_bad_row_names_its_place() {
        let err = from_table(
            r#"[{"method": "GET", "path": "/a"}, {"method": "FETCH", "path": "/b"}]"#,
            "r.json",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.json at route 2: unknown method \"FETCH\""
        );
        let err = from_table(
            r#"[{"method": "GET", "path": "/a", "scope": ["x"]}]"#,
            "r.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `scope`"), "{err}");
    }
}
