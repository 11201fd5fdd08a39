//! Claim templates: the declarative claims of a user's or a client's `claims` in the tenant
//! file, for teams who want claims without an Action. A string that is one placeholder,
//! `"{{user.app_metadata.roles}}"`, becomes the value there (any JSON); placeholders inside a
//! longer string are written into it (`"tier-{{client.metadata.tier}}"`). A claim whose one
//! placeholder finds nothing is left out; inside a string it reads as empty. The names are the
//! Actions' `event.user` (with `roles`) and `event.client`.

use crate::config::{Client, TenantConfig};
use crate::users::User;
use serde_json::{Map, Value, json};

/// What placeholders can name: `user` and `client`.
fn context(config: &TenantConfig, user: Option<&User>, client: Option<&Client>) -> Value {
    let mut context = Map::new();
    if let Some(user) = user {
        let mut value = crate::actions::event::user_json(user);
        let roles: Vec<&str> = config.roles_of(user).map(|r| r.name.as_str()).collect();
        value["roles"] = json!(roles);
        context.insert("user".into(), value);
    }
    if let Some(client) = client {
        context.insert("client".into(), crate::actions::event::client_json(client));
    }
    Value::Object(context)
}

/// The value at a dotted path (`user.app_metadata.roles`, `user.identities.0.provider`).
fn lookup<'a>(context: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(context, |value, part| match value {
            Value::Object(map) => map.get(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
}

/// The one placeholder `text` is, if it is nothing else.
fn sole_placeholder(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then(|| inner.trim())
}

/// `value` with its placeholders filled from `context`; `None` when it is one placeholder that
/// finds nothing.
pub(crate) fn render(value: &Value, context: &Value) -> Option<Value> {
    match value {
        Value::String(text) => {
            if let Some(path) = sole_placeholder(text) {
                return lookup(context, path).filter(|v| !v.is_null()).cloned();
            }
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(start) = rest.find("{{") {
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                out.push_str(&rest[..start]);
                let path = rest[start + 2..start + len].trim();
                match lookup(context, path) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Null) | None => {}
                    Some(other) => out.push_str(&other.to_string()),
                }
                rest = &rest[start + len + 2..];
            }
            out.push_str(rest);
            Some(Value::String(out))
        }
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|v| render(v, context).unwrap_or(Value::Null))
                .collect(),
        )),
        Value::Object(map) => Some(Value::Object(
            map.iter()
                .filter_map(|(k, v)| render(v, context).map(|v| (k.clone(), v)))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

impl TenantConfig {
    /// Writes `user`'s and then `client`'s claims into `claims`, their templates filled; a claim
    /// whose template finds nothing is taken out.
    pub(crate) fn render_claims(
        &self,
        claims: &mut Map<String, Value>,
        user: Option<&User>,
        client: Option<&Client>,
    ) {
        let sources: Vec<&Map<String, Value>> = user
            .map(|u| &u.claims)
            .into_iter()
            .chain(client.map(|c| &c.claims))
            .filter(|c| !c.is_empty())
            .collect();
        // Most tokens have no declarative claims: no context to build on the token path.
        if sources.is_empty() {
            return;
        }
        let context = context(self, user, client);
        for templates in sources {
            for (name, template) in templates {
                match render(template, &context) {
                    Some(value) => claims.insert(name.clone(), value),
                    None => claims.remove(name),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sole_placeholder_keeps_its_json_and_others_are_written_into_the_string() {
        let context = json!({"user": {"app_metadata": {"roles": ["admin"], "n": 3},
                                      "identities": [{"provider": "auth0"}]},
                             "client": {"metadata": {"tier": "gold"}}});
        let cases = [
            (json!("{{user.app_metadata.roles}}"), Some(json!(["admin"]))),
            (json!("{{ user.app_metadata.n }}"), Some(json!(3))),
            (
                json!("tier-{{client.metadata.tier}}/{{user.app_metadata.n}}"),
                Some(json!("tier-gold/3")),
            ),
            (
                json!("{{user.identities.0.provider}}"),
                Some(json!("auth0")),
            ),
            (json!("{{user.app_metadata.missing}}"), None),
            (json!("x{{user.missing}}y"), Some(json!("xy"))),
            (
                json!({"a": "{{client.metadata.tier}}", "b": "{{nothing}}"}),
                Some(json!({"a": "gold"})),
            ),
            (json!("no {{ end"), Some(json!("no {{ end"))),
            (json!(7), Some(json!(7))),
        ];
        for (template, want) in cases {
            assert_eq!(render(&template, &context), want, "{template}");
        }
    }
}
