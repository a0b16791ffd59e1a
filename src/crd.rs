//! The Wukong CustomResourceDefinition, generated from the model so that the API the cluster
//! accepts and the API wukong-net reads cannot drift apart. `config/crd/` holds its output.

use crate::model::Wukong;
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

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
/// `nullable`, `default` or `definitions` (everything is inlined); enums as one string enum
/// without the `null` that schemars adds for optional fields (the API server prunes nulls of
/// non-nullable fields anyway); no unsigned-integer formats; no boolean `additionalProperties`
/// (Kubernetes forbids it next to `properties`).
fn structural(v: &mut Value) {
    let Value::Object(m) = v else { return };
    for k in [
        "$schema",
        "title",
        "nullable",
        "default",
        "definitions",
        "$defs",
        "examples",
    ] {
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
    if let Some(Value::Array(values)) = m.get_mut("enum") {
        values.retain(|e| !e.is_null());
    }
    if matches!(
        m.get("format").and_then(Value::as_str),
        Some("uint16" | "uint32")
    ) {
        m.remove("format");
    }
    if m.get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        m.remove("required");
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for p in props.values_mut() {
            structural(p);
        }
    }
    if let Some(items) = m.get_mut("items") {
        structural(items);
    }
    match m.get_mut("additionalProperties") {
        Some(Value::Bool(_)) => {
            m.remove("additionalProperties");
        }
        Some(ap) => structural(ap),
        None => {}
    }
}
