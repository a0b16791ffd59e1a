//! The inputs just inside and just outside every limit of `src/limits.rs`, built once here and
//! used by each build's test: the CLI (tests/limits.rs) and the policy in wapc + wasmtime
//! (policy/e2e/tests/limits.rs); the JS package's test (bindings/wasm/tests/js/limits.test.mjs)
//! builds the same objects. Each case is a Wukong (or, for the document count, a stream of
//! them) whose only problem, outside, is the one limit.

use serde_json::{json, Value};
use wukong_net::limits::{
    MAX_ALIAS_NODES, MAX_DEPTH, MAX_DOCUMENTS, MAX_INPUT_BYTES, MAX_NETWORKS, MAX_NODES,
};

pub struct Case {
    /// e.g. "nesting depth 64 (inside)".
    pub name: String,
    /// The input as one Wukong object; `None` for the document count, which only a stream has.
    pub object: Option<Value>,
    /// The input as text: the object's compact JSON, or the stream.
    pub text: String,
    /// The diagnostic code expected outside the limit; `None` inside (no error at all).
    pub refused_with: Option<&'static str>,
}

/// A valid Wukong whose metadata carries `pad` (metadata keeps fields it does not know).
pub fn wukong(pad: Value, networks: usize) -> Value {
    let networks: Vec<Value> = (0..networks)
        .map(|i| {
            json!({"name": format!("n{i}"), "bridgeName": format!("br{i}"), "physicalInterface": format!("ens{i}"),
                   "ipConfig": {"mode": "dhcp"}})
        })
        .collect();
    json!({
        "apiVersion": "vm.novasphere.dev/v1alpha1",
        "kind": "Wukong",
        "metadata": {"name": "vm1", "namespace": "lab", "uid": "0d8c4a5e-1111-2222-3333-444455556666", "pad": pad},
        "spec": {"cpu": 1, "memory": "1Gi", "networks": networks},
    })
}

/// Nodes as the parser counts them: every scalar, mapping, sequence and mapping key.
pub fn nodes(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.len() + map.values().map(nodes).sum::<usize>(),
        _ => 1,
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON")
}

fn nested(levels: usize) -> Value {
    (0..levels).fold(json!([]), |inner, _| json!([inner]))
}

fn case(limit: String, inside: bool, object: Value, code: &'static str) -> Case {
    Case {
        name: format!("{limit} ({})", if inside { "inside" } else { "outside" }),
        text: compact(&object),
        object: Some(object),
        refused_with: (!inside).then_some(code),
    }
}

pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for inside in [true, false] {
        let extra = usize::from(!inside);

        // Input size: the compact JSON is exactly the limit, or one byte more.
        let base = compact(&wukong(json!(""), 1)).len();
        let object = wukong(json!("a".repeat(MAX_INPUT_BYTES + extra - base)), 1);
        out.push(case(
            format!("input size {} bytes", MAX_INPUT_BYTES + extra),
            inside,
            object,
            "input-too-large",
        ));

        // Nesting depth: the Wukong (1), its metadata (2), then `pad`'s nested lists.
        let object = wukong(nested(MAX_DEPTH + extra - 3), 1);
        out.push(case(
            format!("nesting depth {}", MAX_DEPTH + extra),
            inside,
            object,
            "too-deep",
        ));

        // Nodes: `pad` is a list of zeros filling up to the limit.
        let base = nodes(&wukong(json!([]), 1));
        let object = wukong(Value::Array(vec![json!(0); MAX_NODES + extra - base]), 1);
        out.push(case(
            format!("{} nodes", MAX_NODES + extra),
            inside,
            object,
            "too-many-nodes",
        ));

        // Networks per Wukong.
        let object = wukong(json!(""), MAX_NETWORKS + extra);
        out.push(case(
            format!("{} networks", MAX_NETWORKS + extra),
            inside,
            object,
            "too-many-networks",
        ));

        // Nodes copied by aliases: YAML (JSON has none), `pad` holding that many aliases of
        // one anchored scalar, each a one-node copy.
        let aliases = vec!["*c"; MAX_ALIAS_NODES + extra].join(", ");
        out.push(Case {
            name: format!(
                "{} alias-expanded nodes, YAML ({})",
                MAX_ALIAS_NODES + extra,
                if inside { "inside" } else { "outside" }
            ),
            object: None,
            text: format!(
                "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm1\n  namespace: lab\n  uid: 0d8c4a5e-1111-2222-3333-444455556666\n  anchor: &c x\n  pad: [{aliases}]\nspec:\n  cpu: 1\n  memory: 1Gi\n  networks:\n  - {{name: n0, bridgeName: br0, physicalInterface: ens0, ipConfig: {{mode: dhcp}}}}\n"
            ),
            refused_with: (!inside).then_some("too-many-nodes"),
        });

        // Documents per stream.
        let one = compact(&wukong(json!(""), 1));
        out.push(Case {
            name: format!(
                "{} documents ({})",
                MAX_DOCUMENTS + extra,
                if inside { "inside" } else { "outside" }
            ),
            object: None,
            text: vec![one; MAX_DOCUMENTS + extra].join("\n---\n"),
            refused_with: (!inside).then_some("too-many-documents"),
        });
    }
    out
}

/// The same cases, checked to be what they say: the right size, depth and count.
pub fn self_check(cases: &[Case]) {
    for c in cases {
        let extra = usize::from(c.refused_with.is_some());
        if c.name.starts_with("input size") {
            assert_eq!(c.text.len(), MAX_INPUT_BYTES + extra, "{}", c.name);
        }
        if c.name.starts_with("nesting depth") {
            fn depth(v: &Value) -> usize {
                match v {
                    Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
                    Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
                    _ => 0,
                }
            }
            assert_eq!(
                depth(c.object.as_ref().expect("object")),
                MAX_DEPTH + extra,
                "{}",
                c.name
            );
        }
        if c.name.ends_with("nodes (inside)") || c.name.ends_with("nodes (outside)") {
            assert_eq!(
                nodes(c.object.as_ref().expect("object")),
                MAX_NODES + extra,
                "{}",
                c.name
            );
        }
    }
}
