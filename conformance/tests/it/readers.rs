//! The readers of what users hand the suite (a profile file, an OpenAPI document, a routes
//! table), fed arbitrary input: each reads it or refuses it with a message that names the
//! place, never a panic (issue 31's property tests). JSON values are built from the keys these
//! formats use, so the generator reaches past the first type check.

use conformance::Profile;
use conformance::routes::{from_openapi, from_table};
use proptest::prelude::*;
use serde_json::Value;

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("openapi".to_owned()),
        Just("paths".to_owned()),
        Just("security".to_owned()),
        Just("components".to_owned()),
        Just("securitySchemes".to_owned()),
        Just("get".to_owned()),
        Just("post".to_owned()),
        Just("parameters".to_owned()),
        Just("requestBody".to_owned()),
        Just("/orders/{id}".to_owned()),
        Just("$ref".to_owned()),
        Just("extends".to_owned()),
        Just("leeway_secs".to_owned()),
        Just("dpop".to_owned()),
        Just("method".to_owned()),
        Just("path".to_owned()),
        Just("scopes".to_owned()),
        "[a-z_/{}$]{1,8}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("3.1.0".to_owned()),
            Just("#/components/schemas/x".to_owned()),
            Just("read:orders".to_owned()),
            Just("GET".to_owned()),
            Just("pyjwt".to_owned()),
            "[ -~]{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_openapi_document_of_any_shape_is_read_or_refused_by_name(doc in json()) {
        if let Err(e) = from_openapi(&doc.to_string(), "spec.json") {
            prop_assert!(e.to_string().starts_with("spec.json"), "{e}");
        }
    }

    #[test]
    fn openapi_text_of_any_bytes_is_read_or_refused_by_name(text in "\\PC{0,200}") {
        if let Err(e) = from_openapi(&text, "spec.yaml") {
            prop_assert!(e.to_string().starts_with("spec.yaml"), "{e}");
        }
    }

    #[test]
    fn a_routes_table_of_any_shape_is_read_or_refused_by_name(doc in json()) {
        if let Err(e) = from_table(&doc.to_string(), "routes.json") {
            prop_assert!(e.to_string().starts_with("routes.json"), "{e}");
        }
    }

    #[test]
    fn a_profile_file_of_any_shape_is_read_or_refused_by_name(doc in json()) {
        let path = std::env::temp_dir().join(format!(
            "conformance-profile-prop-{}-{:?}.json",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, doc.to_string()).unwrap();
        let read = Profile::from_file(&path);
        let _ = std::fs::remove_file(&path);
        if let Err(e) = read {
            prop_assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
    }
}
