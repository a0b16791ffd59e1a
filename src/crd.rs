//! The Wukong CustomResourceDefinition, generated from the model so that the API the cluster
//! accepts and the API wukong-net reads cannot drift apart. `config/crd/` holds its output.

use crate::model::Wukong;
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

/// The CRD as a JSON value (serialize it as YAML for `kubectl apply`).
pub fn wukong_crd() -> Value {
    let settings = SchemaSettings::openapi3().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let schema = settings.into_generator().into_root_schema_for::<Wukong>();
    let mut root = schema.to_value();
    structural(&mut root);
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": "wukongs.vm.novasphere.dev",
            "annotations": {"wukong-net.novasphere.dev/generated-by": "wukong-net crd"}
        },
        "spec": {
            "group": "vm.novasphere.dev",
            "names": {"kind": "Wukong", "listKind": "WukongList", "plural": "wukongs", "singular": "wukong"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1alpha1",
                "schema": {"openAPIV3Schema": root},
                "served": true,
                "storage": true,
                "subresources": {"status": {}}
            }]
        }
    })
}

/// Rewrites schemars' output into a Kubernetes structural schema: no `$schema`, `title`,
/// `nullable`, `default` or `definitions`; enums of one-type strings; every object typed.
fn structural(v: &mut Value) {
    let Value::Object(m) = v else { return };
    for k in ["$schema", "title", "nullable", "default", "definitions", "$defs", "examples"] {
        m.remove(k);
    }
    // `oneOf` of single-value enums (documented enum variants) -> one string enum.
    if let Some(Value::Array(alts)) = m.remove("oneOf") {
        let mut values = Vec::new();
        for a in &alts {
            if let Some(Value::Array(e)) = a.get("enum") {
                values.extend(e.iter().cloned());
            } else if let Some(c) = a.get("const") {
                values.push(c.clone());
            }
        }
        m.insert("type".into(), json!("string"));
        m.insert("enum".into(), Value::Array(values));
    }
    if m.get("format").and_then(Value::as_str) == Some("uint32") || m.get("format").and_then(Value::as_str) == Some("uint16") {
        m.remove("format");
    }
    if let Some(Value::Array(req)) = m.get("required") {
        if req.is_empty() {
            m.remove("required");
        }
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for p in props.values_mut() {
            structural(p);
        }
    }
    if let Some(items) = m.get_mut("items") {
        structural(items);
    }
    if let Some(ap) = m.get_mut("additionalProperties") {
        if ap.is_boolean() {
            let drop = ap == &Value::Bool(true) || ap == &Value::Bool(false);
            if drop {
                m.remove("additionalProperties");
            }
        } else {
            structural(ap);
        }
    }
    let _ = Map::<String, Value>::new;
}
