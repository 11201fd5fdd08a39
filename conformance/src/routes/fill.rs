//! A value a handler accepts, from a schema: its `example`, `examples`, `default`, `const` or
//! first `enum` value, else a minimal instance (required properties only, one array item).

use oas3::Spec;
use oas3::spec::{ObjectSchema, Schema, SchemaType, SchemaTypeSet};
use serde_json::{Map, Value, json};

/// How deep a schema is followed before giving up on it (recursive schemas end in `null`).
const DEPTH: usize = 8;

/// A value of `schema`, its refs followed in `spec`.
pub(super) fn instance(schema: &Schema, spec: &Spec) -> Value {
    value(schema, spec, 0)
}

fn value(schema: &Schema, spec: &Spec, depth: usize) -> Value {
    if depth > DEPTH {
        return Value::Null;
    }
    match schema.resolve(spec) {
        Ok(Schema::Object(object)) => match object.as_ref() {
            oas3::spec::ObjectOrReference::Object(o) => object_value(o, spec, depth),
            oas3::spec::ObjectOrReference::Ref { .. } => Value::Null,
        },
        Ok(Schema::Boolean(_)) | Err(_) => Value::Null,
    }
}

fn object_value(o: &ObjectSchema, spec: &Spec, depth: usize) -> Value {
    if let Some(v) = o
        .example
        .clone()
        .or_else(|| o.examples.first().cloned())
        .or_else(|| o.default.clone())
        .or_else(|| o.const_value.clone())
        .or_else(|| o.enum_values.first().cloned())
    {
        return v;
    }
    if !o.all_of.is_empty() {
        let mut merged = Map::new();
        for part in &o.all_of {
            if let Value::Object(fields) = value(part, spec, depth + 1) {
                merged.extend(fields);
            }
        }
        if let Value::Object(own) = properties(o, spec, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    if let Some(first) = o.one_of.first().or_else(|| o.any_of.first()) {
        return value(first, spec, depth + 1);
    }
    let kind = match &o.schema_type {
        Some(SchemaTypeSet::Single(t)) => Some(*t),
        Some(SchemaTypeSet::Multiple(ts)) => ts.iter().copied().find(|t| *t != SchemaType::Null),
        None if !o.properties.is_empty() => Some(SchemaType::Object),
        None if o.items.is_some() => Some(SchemaType::Array),
        None => None,
    };
    match kind {
        Some(SchemaType::Object) => properties(o, spec, depth),
        Some(SchemaType::Array) => {
            let item = o
                .items
                .as_deref()
                .map_or(Value::Null, |s| value(s, spec, depth + 1));
            let count = o.min_items.unwrap_or(1).max(1) as usize;
            Value::Array(vec![item; count.min(4)])
        }
        Some(SchemaType::String) => json!(string(o)),
        Some(SchemaType::Integer) => json!(number(o).round() as i64),
        Some(SchemaType::Number) => json!(number(o)),
        Some(SchemaType::Boolean) => json!(true),
        Some(SchemaType::Null) | None => Value::Null,
    }
}

/// The required properties (every property when none is marked required, so a PATCH with an
/// open schema still sends something).
fn properties(o: &ObjectSchema, spec: &Spec, depth: usize) -> Value {
    let mut out = Map::new();
    for (name, schema) in &o.properties {
        if o.required.is_empty() || o.required.contains(name) {
            out.insert(name.clone(), value(schema, spec, depth + 1));
        }
    }
    Value::Object(out)
}

fn string(o: &ObjectSchema) -> String {
    let by_format = match o.format.as_deref() {
        Some("uuid") => Some("00000000-0000-4000-8000-000000000001"),
        Some("date-time") => Some("2026-01-01T00:00:00Z"),
        Some("date") => Some("2026-01-01"),
        Some("email") => Some("user@example.com"),
        Some("uri" | "url") => Some("https://example.com/"),
        Some("ipv4") => Some("127.0.0.1"),
        _ => None,
    };
    if let Some(s) = by_format {
        return s.to_owned();
    }
    let min = o.min_length.unwrap_or(1).max(1) as usize;
    "a".repeat(min.min(64))
}

fn number(o: &ObjectSchema) -> f64 {
    let min = o.minimum.as_ref().and_then(serde_json::Number::as_f64);
    let exclusive = o
        .exclusive_minimum
        .as_ref()
        .and_then(serde_json::Number::as_f64);
    match (min, exclusive) {
        (_, Some(e)) => e + 1.0,
        (Some(m), None) => m.max(1.0).min(
            o.maximum
                .as_ref()
                .and_then(serde_json::Number::as_f64)
                .unwrap_or(f64::MAX),
        ),
        (None, None) => 1.0,
    }
}
