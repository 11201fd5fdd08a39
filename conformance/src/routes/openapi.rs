//! Operations from an OpenAPI 3.0 or 3.1 document, JSON or YAML: the `oas3` crate reads the
//! structure and follows `$ref`s; `security` is read from the document as written, since an
//! operation's `security: []` (public) and no `security` (the document's applies) differ.

use super::fill::instance;
use super::{Access, Operation, RoutesError, as_parameter, encode_segment};
use oas3::Spec;
use oas3::spec::{Parameter, ParameterIn};
use serde_json::Value;

/// The operations of an OpenAPI document; `origin` (its file or URL) names it in errors.
pub fn from_openapi(text: &str, origin: &str) -> Result<Vec<Operation>, RoutesError> {
    let raw: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            RoutesError::new(
                origin,
                &format!("line {} column {}", e.line(), e.column()),
                format!("not JSON: {e}"),
            )
        })?
    } else {
        yaml_serde::from_str(text)
            .map_err(|e| RoutesError::new(origin, "", format!("not YAML: {e}")))?
    };
    let version = raw["openapi"].as_str().unwrap_or_default();
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        let what = match raw["swagger"].as_str() {
            Some(v) => format!("Swagger {v}: convert it to OpenAPI 3 first"),
            None => format!("openapi: {version:?} (3.0.x or 3.1.x is read)"),
        };
        return Err(RoutesError::new(origin, "openapi", what));
    }
    let spec: Spec = serde_json::from_value(raw.clone())
        .map_err(|e| RoutesError::new(origin, "", format!("not an OpenAPI document: {e}")))?;
    let schemes = &raw["components"]["securitySchemes"];
    let mut operations = Vec::new();
    for (path, method, op) in spec.operations() {
        let place = format!("paths.{path}.{}", method.as_str().to_ascii_lowercase());
        let err = |what: String| RoutesError::new(origin, &place, what);
        let item = spec.paths.as_ref().and_then(|p| p.get(&path));
        // Path-level parameters, overridden by the operation's of the same name and place.
        let mut parameters: Vec<Parameter> = Vec::new();
        for p in item.map(|i| i.parameters.as_slice()).unwrap_or_default() {
            parameters.push(
                p.resolve(&spec)
                    .map_err(|e| err(format!("a parameter: {e}")))?,
            );
        }
        for p in op
            .parameters(&spec)
            .map_err(|e| err(format!("a parameter: {e}")))?
        {
            parameters.retain(|q| !(q.name == p.name && q.location == p.location));
            parameters.push(p);
        }
        let mut target = path.clone();
        let mut query = Vec::new();
        for p in &parameters {
            let value = as_parameter(&parameter_value(p, &spec));
            match p.location {
                ParameterIn::Path => {
                    target = target.replace(&format!("{{{}}}", p.name), &encode_segment(&value));
                }
                ParameterIn::Query if p.required == Some(true) => {
                    query.push(format!(
                        "{}={}",
                        encode_segment(&p.name),
                        encode_segment(&value)
                    ));
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            target = format!("{target}?{}", query.join("&"));
        }
        let body = match op.request_body(&spec) {
            Ok(Some(body)) => body
                .content
                .iter()
                .find(|(kind, _)| kind.starts_with("application/json") || kind.contains("+json"))
                .map(|(_, media)| {
                    media
                        .examples(&spec)
                        .values()
                        .find_map(|e| e.value.clone())
                        .or_else(|| {
                            media
                                .schema(&spec)
                                .ok()
                                .flatten()
                                .map(|s| instance(&s, &spec))
                        })
                        .unwrap_or(Value::Object(Default::default()))
                }),
            Ok(None) => None,
            Err(e) => return Err(err(format!("the request body: {e}"))),
        };
        let method_key = method.as_str().to_ascii_lowercase();
        let security = raw["paths"][&path][&method_key]
            .get("security")
            .or_else(|| raw.get("security"));
        let access = access(security, schemes).map_err(|what| {
            let place = if raw["paths"][&path][&method_key].get("security").is_some() {
                format!("{place}.security")
            } else {
                "security".to_owned()
            };
            RoutesError::new(origin, &place, what)
        })?;
        operations.push(Operation {
            method: method.as_str().to_owned(),
            template: path.clone(),
            target,
            body,
            access,
            tags: op.tags.clone(),
        });
    }
    Ok(operations)
}

/// A parameter's `example`, first of its `examples`, or a value of its schema.
fn parameter_value(p: &Parameter, spec: &Spec) -> Value {
    if let Some(v) = &p.example {
        return v.clone();
    }
    if let Some(v) = p
        .examples
        .values()
        .find_map(|e| e.resolve(spec).ok().and_then(|e| e.value))
    {
        return v;
    }
    p.schema
        .as_ref()
        .map_or(Value::String("1".into()), |s| match instance(s, spec) {
            Value::Null => Value::String("1".into()),
            v => v,
        })
}

/// The access a `security` value grants, given the document's security schemes: bearer
/// schemes are `oauth2`, `openIdConnect` and `http` with scheme `bearer`.
fn access(security: Option<&Value>, schemes: &Value) -> Result<Access, String> {
    let Some(security) = security else {
        return Ok(Access::Public);
    };
    let requirements = security
        .as_array()
        .ok_or("`security` must be an array of requirement objects")?;
    if requirements.is_empty() {
        return Ok(Access::Public);
    }
    let mut anonymous = false;
    let mut sets = Vec::new();
    let mut other = Vec::new();
    for requirement in requirements {
        let fields = requirement
            .as_object()
            .ok_or("a security requirement must be an object")?;
        if fields.is_empty() {
            anonymous = true;
            continue;
        }
        let mut scopes = Vec::new();
        let mut usable = true;
        for (name, listed) in fields {
            let scheme = &schemes[name];
            if scheme.is_null() {
                return Err(format!(
                    "the security scheme {name:?} is not in components.securitySchemes"
                ));
            }
            let bearer = match scheme["type"].as_str() {
                Some("oauth2" | "openIdConnect") => true,
                Some("http") => scheme["scheme"]
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("bearer")),
                _ => false,
            };
            if !bearer {
                usable = false;
                other.push(name.clone());
                continue;
            }
            for scope in listed
                .as_array()
                .ok_or_else(|| format!("the scopes of {name:?} must be an array"))?
            {
                let scope = scope
                    .as_str()
                    .ok_or_else(|| format!("a scope of {name:?} is not a string"))?;
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
        }
        if usable {
            sets.push(scopes);
        }
    }
    Ok(match (anonymous, sets.is_empty()) {
        (true, _) => Access::Optional(sets),
        (false, false) => Access::Required(sets),
        (false, true) => Access::Unsupported(format!(
            "only schemes no bearer token satisfies: {}",
            other.join(", ")
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML_30: &str = r#"
openapi: 3.0.3
info: {title: orders, version: "1"}
security:
  - auth0: [read:orders]
components:
  securitySchemes:
    auth0:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://tenant.example/oauth/token
          scopes: {read:orders: read, write:orders: write, admin: all}
    key: {type: apiKey, in: header, name: X-Key}
  parameters:
    OrderId:
      name: orderId
      in: path
      required: true
      schema: {$ref: '#/components/schemas/Id'}
  schemas:
    Id: {type: string, format: uuid}
    Order:
      type: object
      required: [item, quantity]
      properties:
        item: {type: string, example: book}
        quantity: {type: integer, minimum: 1}
        note: {type: string}
paths:
  /health:
    get:
      security: []
      responses: {'200': {description: ok}}
  /orders/{orderId}:
    parameters:
      - $ref: '#/components/parameters/OrderId'
    get:
      parameters:
        - {name: fields, in: query, required: true, schema: {type: string, default: id}}
      responses: {'200': {description: ok}}
    put:
      security:
        - auth0: [write:orders, admin]
        - auth0: [write:orders]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses: {'200': {description: ok}}
  /feed:
    get:
      security: [{}, {auth0: [read:orders]}]
      responses: {'200': {description: ok}}
  /keys:
    get:
      security: [{key: []}]
      responses: {'200': {description: ok}}
"#;

    fn op<'a>(ops: &'a [Operation], label: &str) -> &'a Operation {
        ops.iter().find(|o| o.label() == label).unwrap()
    }

    #[test]
    fn a_30_yaml_document_gives_each_operation_its_access_and_request() {
        let ops = from_openapi(YAML_30, "orders.yaml").unwrap();
        assert_eq!(ops.len(), 5);
        assert_eq!(op(&ops, "GET /health").access, Access::Public);
        let get = op(&ops, "GET /orders/{orderId}");
        assert_eq!(
            get.access,
            Access::Required(vec![vec!["read:orders".into()]])
        );
        // A path-level parameter through two $refs, and a required query parameter's default.
        assert_eq!(
            get.target,
            "/orders/00000000-0000-4000-8000-000000000001?fields=id"
        );
        let put = op(&ops, "PUT /orders/{orderId}");
        assert_eq!(
            put.access,
            Access::Required(vec![
                vec!["write:orders".into(), "admin".into()],
                vec!["write:orders".into()]
            ])
        );
        assert_eq!(put.scopes_needed_by_all(), ["write:orders"]);
        assert_eq!(
            put.body,
            Some(serde_json::json!({"item": "book", "quantity": 1}))
        );
        assert_eq!(
            op(&ops, "GET /feed").access,
            Access::Optional(vec![vec!["read:orders".into()]])
        );
        assert!(matches!(
            op(&ops, "GET /keys").access,
            Access::Unsupported(_)
        ));
    }

    #[test]
    fn a_31_json_document_with_bearer_http_and_type_arrays() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "Bearer"}}},
            "paths": {"/items/{id}": {"delete": {
                "security": [{"bearer": ["delete:items"]}],
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": ["integer", "null"], "minimum": 7}}],
                "responses": {"204": {"description": "gone"}}
            }}}
        });
        let ops = from_openapi(&doc.to_string(), "api.json").unwrap();
        assert_eq!(ops[0].target, "/items/7");
        assert_eq!(
            ops[0].access,
            Access::Required(vec![vec!["delete:items".into()]])
        );
        assert!(ops[0].is_unsafe());
    }

    #[test]
    fn an_unusable_document_is_an_error_naming_the_place() {
        let err = from_openapi("{\"swagger\": \"2.0\"}", "old.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "old.json at openapi: Swagger 2.0: convert it to OpenAPI 3 first"
        );
        let err = from_openapi("{\"openapi\": ", "cut.json").unwrap_err();
        assert!(
            err.to_string().starts_with("cut.json at line 1 column"),
            "{err}"
        );
        let doc = YAML_30.replace("- auth0: [write:orders]\n", "- nope: [write:orders]\n");
        let err = from_openapi(&doc, "orders.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "orders.yaml at paths./orders/{orderId}.put.security: the security scheme \"nope\" is not in components.securitySchemes"
        );
    }
}
