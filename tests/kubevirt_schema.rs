//! Real consumer: `kubevirt_schema::check` agrees with KubeVirt's OpenAPI schema as a real JSON
//! Schema validator (the `jsonschema` crate) reads it, on every VirtualMachine and
//! VirtualMachineInstance of the corpus (`tests/data/kubevirt-manifests/vm-*.yaml`) and on
//! mutations of the valid ones, also wrapped in a VirtualMachinePool or a
//! VirtualMachineInstanceReplicaSet: every node's type changed, unknown keys added (exhaustively
//! and by proptest). Agreement means the same findings at the same JSON paths: unknown fields where
//! the validator says `additionalProperties`, wrong types where it says `type`.
//!
//! The swagger (`tests/data/schemas/kubevirt-swagger.json`) becomes a Draft 4 schema the way the
//! API server's strict field validation reads KubeVirt's CRDs (see
//! tests/kubevirt_schema_generated.rs for where each rule comes from): every typed object is
//! closed (`additionalProperties: false`, also those without properties); `v1.Clock` and
//! embedded ObjectMeta keep unknown keys; Quantity, IntOrString and the probes' ports are an
//! integer or a string; FieldsV1 is free-form; null is accepted everywhere (the API server
//! prunes null fields); enums, formats and `required` are left out (not what this check is for).

#![allow(clippy::unwrap_used)]

use jsonschema::error::ValidationErrorKind;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use wukong_net::json_path::{JsonPath, Segment};
use wukong_net::{kubevirt_schema, Code, Diagnostic};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const EMBEDDED_META: &str = "ObjectMeta.embedded";
const KIND_DEFS: [(&str, &str); 4] = [
    ("VirtualMachine", "v1.VirtualMachine"),
    ("VirtualMachineInstance", "v1.VirtualMachineInstance"),
    ("VirtualMachinePool", "v1beta1.VirtualMachinePool"),
    (
        "VirtualMachineInstanceReplicaSet",
        "v1.VirtualMachineInstanceReplicaSet",
    ),
];

/// One schema position (not a property name) in the API server's terms; `open` keeps unknown
/// keys of this object.
fn convert(schema: &mut Value, open: bool, root_metadata: bool) {
    let Some(m) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::String(r)) = m.get("$ref") {
        if r == &format!("#/definitions/{META}") && !root_metadata {
            m.insert(
                "$ref".into(),
                json!(format!("#/definitions/{EMBEDDED_META}")),
            );
        }
        return;
    }
    let int_or_string = m.get("format") == Some(&json!("int-or-string"))
        || m.get("type") == Some(&json!(["string", "number"]));
    m.retain(|k, _| {
        matches!(
            k.as_str(),
            "type" | "properties" | "items" | "additionalProperties"
        )
    });
    let mut types: Vec<Value> = match m.get("type") {
        Some(Value::Array(ts)) => ts.clone(),
        Some(t) => vec![t.clone()],
        None => vec![],
    };
    if int_or_string {
        types = vec![json!("integer"), json!("string")];
    }
    let is_object = types.contains(&json!("object")) || m.contains_key("properties");
    if !types.is_empty() && !types.contains(&json!("null")) {
        types.push(json!("null"));
    }
    if !types.is_empty() {
        m.insert("type".into(), Value::Array(types));
    }
    if is_object && !m.contains_key("additionalProperties") {
        m.insert("additionalProperties".into(), Value::Bool(open));
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for p in props.values_mut() {
            convert(p, false, false);
        }
    }
    if let Some(items) = m.get_mut("items") {
        convert(items, false, false);
    }
    if let Some(ap @ Value::Object(_)) = m.get_mut("additionalProperties") {
        convert(ap, false, false);
    }
}

fn validators() -> &'static Vec<(&'static str, jsonschema::Validator)> {
    static V: OnceLock<Vec<(&'static str, jsonschema::Validator)>> = OnceLock::new();
    V.get_or_init(|| {
        let path = root().join("tests/data/schemas/kubevirt-swagger.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let swagger: Value = serde_json::from_str(&text).unwrap();
        let mut defs = swagger["definitions"].as_object().unwrap().clone();
        let mut embedded = defs[META].clone();
        let kinds: Vec<&str> = KIND_DEFS.iter().map(|(_, d)| *d).collect();
        for (name, def) in defs.iter_mut() {
            convert(def, name == "v1.Clock", false);
            if kinds.contains(&name.as_str()) {
                // The kind's own metadata is ObjectMeta, decoded strictly.
                def["properties"]["metadata"] = json!({"$ref": format!("#/definitions/{META}")});
            }
        }
        convert(&mut embedded, true, false);
        defs.insert(EMBEDDED_META.into(), embedded);
        let int_or_string = json!({"type": ["integer", "string", "null"]});
        defs.insert(
            "k8s.io.apimachinery.pkg.api.resource.Quantity".into(),
            int_or_string.clone(),
        );
        defs.insert(
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString".into(),
            int_or_string,
        );
        defs.insert("k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1".into(), json!({}));
        let defs = Value::Object(defs);
        KIND_DEFS
            .iter()
            .map(|(kind, def)| {
                let schema = json!({"definitions": defs, "allOf": [{"$ref": format!("#/definitions/{def}")}]});
                let v = jsonschema::draft4::options()
                    .should_validate_formats(false)
                    .build(&schema)
                    .unwrap_or_else(|e| panic!("{kind}: the schema does not compile: {e}"));
                (*kind, v)
            })
            .collect()
    })
}

/// A finding as both sides can say it: JSON pointer and what is wrong.
type Finding = (String, &'static str);

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn reference(kind: &str, object: &Value) -> BTreeSet<Finding> {
    let (_, v) = validators().iter().find(|(k, _)| *k == kind).unwrap();
    let mut out = BTreeSet::new();
    for e in v.iter_errors(object) {
        let at = e.instance_path().as_str().to_string();
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    out.insert((format!("{at}/{}", pointer_escape(key)), "unknown"));
                }
            }
            // `additionalProperties: false` on an object without properties is compiled to a
            // check that the object is empty, reported once at the object: every key is unknown.
            ValidationErrorKind::FalseSchema => {
                let keys = object.pointer(&at).and_then(Value::as_object).unwrap();
                for key in keys.keys() {
                    out.insert((format!("{at}/{}", pointer_escape(key)), "unknown"));
                }
            }
            ValidationErrorKind::Type { .. } => {
                out.insert((at, "type"));
            }
            other => {
                out.insert((format!("{at}: {other:?}"), "other"));
            }
        }
    }
    out
}

fn ours(kind: &str, object: &Value) -> (BTreeSet<Finding>, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    kubevirt_schema::check(kind, object, &mut ds);
    let findings = ds
        .iter()
        .map(|d| {
            let pointer: String = JsonPath::parse(&d.path)
                .segments()
                .iter()
                .map(|s| match s {
                    Segment::Key(k) => format!("/{}", pointer_escape(k)),
                    Segment::Index(i) => format!("/{i}"),
                })
                .collect();
            let what = match d.code {
                Code::UnknownField => "unknown",
                Code::WrongType => "type",
                _ => "other",
            };
            assert!(d.is_error(), "{d:?}");
            (pointer, what)
        })
        .collect();
    (findings, ds)
}

fn assert_agree(what: &str, kind: &str, object: &Value) -> BTreeSet<Finding> {
    let want = reference(kind, object);
    let (got, ds) = ours(kind, object);
    assert_eq!(
        got, want,
        "{what} ({kind}): ours (left) and KubeVirt's schema (right) disagree\n{ds:#?}"
    );
    want
}

/// The kind a corpus document is checked as: its own, or for fragments without one (and the old
/// user guide's `kind: VM`), the one its shape shows.
fn kind_of(doc: &Value) -> Option<&'static str> {
    let kind = doc.get("kind").and_then(Value::as_str);
    if let Some((k, _)) = KIND_DEFS.iter().find(|(k, _)| Some(*k) == kind) {
        return Some(k);
    }
    if kind.is_some() && kind != Some("VM") {
        return None;
    }
    let spec = doc.get("spec")?;
    if spec.get("template").is_some() {
        Some("VirtualMachine")
    } else if spec.get("domain").is_some() {
        Some("VirtualMachineInstance")
    } else {
        None
    }
}

struct CorpusDoc {
    file: String,
    kind: &'static str,
    value: Value,
}

/// Every VM and VMI document of the corpus, with the files libyaml refuses left out (the README's
/// `libyaml` column says which; Kubernetes cannot read them either).
fn corpus() -> &'static Vec<CorpusDoc> {
    static C: OnceLock<Vec<CorpusDoc>> = OnceLock::new();
    C.get_or_init(|| {
        let dir = root().join("tests/data/kubevirt-manifests");
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_else(|e| {
            panic!(
                "the KubeVirt manifest corpus is missing at {} ({e}): it is part of the repository",
                dir.display()
            )
        });
        let refused: BTreeSet<String> = readme
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells.len() > 3 && cells[2] == "error")
                    .then(|| cells[1].trim_matches('`').to_string())
            })
            .collect();
        assert!(
            refused.iter().any(|n| n.starts_with("vm-")),
            "no VM file marked `error` in the README's libyaml column: was the table read?"
        );
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("vm-") && n.ends_with(".yaml"))
            .collect();
        names.sort();
        assert!(
            names.len() >= 35,
            "only {} vm-*.yaml files in {}",
            names.len(),
            dir.display()
        );
        let mut docs = Vec::new();
        for name in names {
            if refused.contains(&name) {
                continue;
            }
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let stream = wukong_net::source::parse(&text);
            assert!(
                !wukong_net::has_errors(&stream.diagnostics),
                "{name}: libyaml reads it, the reader refuses it: {:?}",
                stream.diagnostics
            );
            for doc in stream.documents {
                if let Some(kind) = kind_of(&doc.value) {
                    docs.push(CorpusDoc {
                        file: name.clone(),
                        kind,
                        value: doc.value,
                    });
                }
            }
        }
        docs
    })
}

/// The corpus documents without findings, and each wrapped in the kind that templates it (a
/// VirtualMachine's spec in a VirtualMachinePool, a VMI's in a VirtualMachineInstanceReplicaSet;
/// the corpus has neither): the starting points of the mutations.
fn valid() -> &'static Vec<CorpusDoc> {
    static V: OnceLock<Vec<CorpusDoc>> = OnceLock::new();
    V.get_or_init(|| {
        let mut out = Vec::new();
        for d in corpus()
            .iter()
            .filter(|d| reference(d.kind, &d.value).is_empty())
        {
            let spec = d.value.get("spec").cloned().unwrap_or(json!({}));
            let (kind, wrapped) = match d.kind {
                "VirtualMachine" => (
                    "VirtualMachinePool",
                    json!({"apiVersion": "pool.kubevirt.io/v1beta1", "kind": "VirtualMachinePool",
                           "metadata": {"name": "pool"},
                           "spec": {"replicas": 2, "virtualMachineTemplate": {"metadata": {}, "spec": spec}}}),
                ),
                _ => (
                    "VirtualMachineInstanceReplicaSet",
                    json!({"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstanceReplicaSet",
                           "metadata": {"name": "rs"},
                           "spec": {"replicas": 2, "template": {"metadata": {"labels": {"a": "b"}}, "spec": spec}}}),
                ),
            };
            out.push(CorpusDoc {
                file: d.file.clone(),
                kind: d.kind,
                value: d.value.clone(),
            });
            out.push(CorpusDoc {
                file: format!("{} in a {kind}", d.file),
                kind,
                value: wrapped,
            });
        }
        out
    })
}

#[test]
fn every_corpus_vm_gets_the_verdict_of_kubevirts_schema() {
    let mut flagged = BTreeSet::new();
    for d in corpus() {
        let found = assert_agree(&d.file, d.kind, &d.value);
        if !found.is_empty() {
            flagged.insert(d.file.clone());
        }
    }
    assert!(corpus().len() >= 35, "only {} documents", corpus().len());
    assert!(
        valid().len() >= 25,
        "only {} valid documents",
        valid().len()
    );
    // The files whose README entry lists a misplaced or removed field: `bus` beside `disk`,
    // `interfaces` without `devices`, `registryDisk` and `disks[].volumeName` (removed APIs).
    // The other VMs and VMIs, valid against the schema, get no finding.
    let expected: BTreeSet<String> = [
        "vm-blog2018-multus-ovs.yaml",
        "vm-ug-startup-configdrive-netdata.yaml",
        "vm-ug-startup-netcfg-v1-clear.yaml",
        "vm-ug-startup-netcfg-v1-secret.yaml",
        "vm-ugold-masquerade-ipv6-netdata.yaml",
    ]
    .map(String::from)
    .into();
    assert_eq!(flagged, expected);
    for (file, pointer) in [
        (
            "vm-ugold-masquerade-ipv6-netdata.yaml",
            "/spec/domain/devices/disks/0/bus",
        ),
        (
            "vm-ug-startup-configdrive-netdata.yaml",
            "/spec/domain/interfaces",
        ),
    ] {
        let d = corpus().iter().find(|d| d.file == file).unwrap();
        let (found, _) = ours(d.kind, &d.value);
        assert!(
            found.contains(&(pointer.to_string(), "unknown")),
            "{file}: no unknown field at {pointer}: {found:?}"
        );
    }
}

/// Every node of every valid document, as a JSON pointer.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{}", pointer_escape(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn replacements() -> [Value; 6] {
    [
        json!("text"),
        json!(7),
        json!(true),
        json!(["x"]),
        json!({"k": "v"}),
        json!(1.5),
    ]
}

#[test]
fn every_node_of_a_valid_vm_with_another_type_gets_the_same_verdict() {
    let mut mutations = 0;
    for d in valid() {
        let mut at = Vec::new();
        pointers(&d.value, String::new(), &mut at);
        for p in at.iter().filter(|p| !p.is_empty()) {
            for r in replacements() {
                let mut m = d.value.clone();
                *m.pointer_mut(p).unwrap() = r.clone();
                assert_agree(&format!("{} with {p} = {r}", d.file), d.kind, &m);
                mutations += 1;
            }
        }
    }
    assert!(mutations > 1000, "only {mutations} mutations");
}

#[test]
fn an_unknown_key_in_every_mapping_of_a_valid_vm_gets_the_same_verdict() {
    let mut flagged = 0;
    for d in valid() {
        let mut at = Vec::new();
        pointers(&d.value, String::new(), &mut at);
        for p in &at {
            let mut m = d.value.clone();
            let Some(Value::Object(obj)) = m.pointer_mut(p) else {
                continue;
            };
            obj.insert("macaddress".into(), json!("02:00:00:00:00:01"));
            if !assert_agree(&format!("{} with {p}/macaddress", d.file), d.kind, &m).is_empty() {
                flagged += 1;
            }
        }
    }
    assert!(flagged > 200, "only {flagged} mappings flagged");
}

/// Random edits of a valid document: several at once, unknown keys of any name (known names
/// too), values of any type.
#[derive(Debug, Clone)]
enum Edit {
    Insert {
        node: usize,
        key: String,
        value: Value,
    },
    Replace {
        node: usize,
        value: Value,
    },
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        Just(json!(0.25)),
        "[a-z0-9:]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "name",
            "mac",
            "macAddress",
            "bus",
            "disk",
            "volumes",
            "interfaces",
            "spec",
            "devices",
            "labels",
            "utc",
            "port",
            "guest",
            "memory",
            "bridge",
            "masquerade",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z./~]{1,10}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), key(), any_value()).prop_map(|(node, key, value)| Edit::Insert {
            node,
            key,
            value
        }),
        (any::<usize>(), any_value()).prop_map(|(node, value)| Edit::Replace { node, value }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_edits_of_a_valid_vm_get_the_same_verdict(
        doc in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let docs = valid();
        let d = &docs[doc.index(docs.len())];
        let mut m = d.value.clone();
        for e in &edits {
            let mut at = Vec::new();
            pointers(&m, String::new(), &mut at);
            match e {
                Edit::Insert { node, key, value } => {
                    let objects: Vec<&String> = at
                        .iter()
                        .filter(|p| m.pointer(p).is_some_and(Value::is_object))
                        .collect();
                    // The root itself may have been replaced by a scalar.
                    if objects.is_empty() {
                        continue;
                    }
                    let p = objects[node % objects.len()].clone();
                    if let Some(Value::Object(o)) = m.pointer_mut(&p) {
                        o.insert(key.clone(), value.clone());
                    }
                }
                Edit::Replace { node, value } => {
                    let p = at[node % at.len()].clone();
                    if let Some(slot) = m.pointer_mut(&p) {
                        *slot = value.clone();
                    }
                }
            }
        }
        let want = reference(d.kind, &m);
        let (got, ds) = ours(d.kind, &m);
        prop_assert_eq!(got, want, "{} after {:?}: {:#?}", d.file, edits, ds);
    }
}
