//! The generator of `src/kubevirt_schema/generated.rs`, and the test that keeps it equal to what
//! KubeVirt's OpenAPI document (`tests/data/schemas/kubevirt-swagger.json`) says. After updating
//! the swagger, `BLESS=1 cargo test --test kubevirt_schema_generated` rewrites the file.
//!
//! Why a committed file and not a build script: the library's builds (CLI, policy, npm wasm) then
//! read no test data, need no build-time JSON parser and stay a plain `cargo build`; the test
//! fails the moment the two drift apart.
//!
//! What is kept, for every definition reachable from the four kinds: property names and the type
//! of each (no descriptions, enums, formats or defaults). The API server's treatment of the
//! swagger's types, read from KubeVirt's CRD validation schemas at the same commit
//! (`pkg/virt-operator/resource/generate/components/validations_generated.go`):
//! * `resource.Quantity`, `intstr.IntOrString` and the probes' `port` (`[string, number]`) are
//!   `x-kubernetes-int-or-string`: an integer or a string;
//! * `metav1.Time`, `Duration` are strings; `metav1.FieldsV1` (managedFields) is free-form;
//! * an object without properties (`bridge: {}`) is closed: strict validation refuses any key;
//! * `domain.clock` (`v1.Clock`) is `x-kubernetes-preserve-unknown-fields`: its fields are typed,
//!   other keys are kept;
//! * `metadata` at a kind's root is `metav1.ObjectMeta`, decoded strictly by the API server;
//!   embedded `metadata` (templates, dataVolumeTemplates) is preserve-unknown-fields in the CRD,
//!   so only the types of ObjectMeta's own fields are checked there (KubeVirt's admission webhook
//!   decodes the whole object with `json.Unmarshal`, pkg/util/webhooks/webhooks.go, and refuses
//!   a wrong type).
//!
//! With these rules, the swagger's definitions have exactly the fields and types of the CRDs'
//! schemas for the four kinds (compared when this was written: only the conditions' timestamps
//! differ, nullable in the swagger, and a null is accepted everywhere anyway).

use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

const KINDS: [(&str, &str); 4] = [
    ("VirtualMachine", "v1.VirtualMachine"),
    ("VirtualMachineInstance", "v1.VirtualMachineInstance"),
    ("VirtualMachinePool", "v1beta1.VirtualMachinePool"),
    (
        "VirtualMachineInstanceReplicaSet",
        "v1.VirtualMachineInstanceReplicaSet",
    ),
];
const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
/// The embedded ObjectMeta: same fields, unknown keys kept.
const EMBEDDED_META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta (embedded)";
const INT_OR_STRING: [&str; 2] = [
    "k8s.io.apimachinery.pkg.api.resource.Quantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
];
const FREE_FORM: [&str; 1] = ["k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"];
/// Definitions KubeVirt's CRDs mark x-kubernetes-preserve-unknown-fields (the swagger cannot).
const PRESERVE_UNKNOWN: [&str; 2] = ["v1.Clock", EMBEDDED_META];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Generator<'a> {
    definitions: &'a serde_json::Map<String, Value>,
    /// Definition name -> index, in the order they were first reached.
    index: BTreeMap<String, usize>,
    order: Vec<String>,
    queue: VecDeque<String>,
}

impl Generator<'_> {
    fn def_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        let i = self.order.len();
        self.index.insert(name.to_string(), i);
        self.order.push(name.to_string());
        self.queue.push_back(name.to_string());
        i
    }

    fn definition(&self, name: &str) -> &Value {
        let name = if name == EMBEDDED_META { META } else { name };
        self.definitions
            .get(name)
            .unwrap_or_else(|| panic!("the swagger has no definition `{name}`"))
    }

    /// The type code of one schema position (see src/kubevirt_schema/mod.rs for the grammar).
    fn type_code(&mut self, schema: &Value, at_root_metadata: bool, at: &str) -> String {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/definitions/")
                .unwrap_or_else(|| panic!("{at}: unexpected $ref {reference}"));
            if INT_OR_STRING.contains(&name) {
                return "q".into();
            }
            if FREE_FORM.contains(&name) {
                return "*".into();
            }
            if name == META {
                let which = if at_root_metadata {
                    META
                } else {
                    EMBEDDED_META
                };
                return self.def_index(which).to_string();
            }
            let target = self.definition(name).clone();
            if is_object(&target) {
                return self.def_index(name).to_string();
            }
            return self.type_code(&target, false, name);
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => panic!("{at}: a schema without type or $ref: {schema}"),
        };
        let format = schema.get("format").and_then(Value::as_str);
        match types.as_slice() {
            ["string"] if format == Some("int-or-string") => "q".into(),
            ["string"] | ["string", "null"] => "s".into(),
            // The probes' port: x-kubernetes-int-or-string in the CRD.
            ["string", "number"] => "q".into(),
            ["integer"] => "i".into(),
            ["number"] => "n".into(),
            ["boolean"] => "b".into(),
            ["string", "integer", "number"] => "q".into(),
            ["array"] => {
                let items = schema
                    .get("items")
                    .unwrap_or_else(|| panic!("{at}: an array without items"));
                format!("[{}", self.type_code(items, false, at))
            }
            ["object"] => match schema.get("additionalProperties") {
                Some(ap @ Value::Object(_)) => format!("{{{}", self.type_code(ap, false, at)),
                None if schema.get("properties").is_none() => {
                    panic!("{at}: an inline object without properties")
                }
                _ => panic!("{at}: an inline object with properties: {schema}"),
            },
            _ => panic!("{at}: unexpected type {types:?}"),
        }
    }

    /// One definition as `name type name type ...`, `~` first when unknown keys are kept.
    fn line(&mut self, name: &str) -> String {
        let def = self.definition(name).clone();
        let is_kind = KINDS.iter().any(|(_, d)| *d == name);
        let mut tokens = Vec::new();
        if PRESERVE_UNKNOWN.contains(&name) {
            tokens.push("~".to_string());
        }
        if let Some(Value::Object(props)) = def.get("properties") {
            for (key, schema) in props {
                assert!(
                    !key.is_empty() && !key.contains(char::is_whitespace) && key != "~",
                    "{name}: property `{key}` cannot be written in the compact form"
                );
                let code = self.type_code(schema, is_kind && key == "metadata", name);
                tokens.push(key.clone());
                tokens.push(code);
            }
        }
        tokens.join(" ")
    }
}

fn is_object(schema: &Value) -> bool {
    schema.get("properties").is_some()
        || (schema.get("type").and_then(Value::as_str) == Some("object")
            && schema.get("additionalProperties").is_none())
}

/// The text of src/kubevirt_schema/generated.rs for this swagger document.
fn generate(swagger: &Value) -> String {
    let definitions = swagger["definitions"]
        .as_object()
        .expect("the swagger has no definitions");
    let mut g = Generator {
        definitions,
        index: BTreeMap::new(),
        order: Vec::new(),
        queue: VecDeque::new(),
    };
    for (_, def) in KINDS {
        g.def_index(def);
    }
    let mut lines = BTreeMap::new();
    while let Some(name) = g.queue.pop_front() {
        let line = g.line(&name);
        lines.insert(g.index[&name], (name, line));
    }
    let mut out = String::from(
        "// @generated by tests/kubevirt_schema_generated.rs from tests/data/schemas/kubevirt-swagger.json:\n\
         // do not edit. `BLESS=1 cargo test --test kubevirt_schema_generated` rewrites it.\n\n\
         /// The kinds checked, with the index of their definition in [`DEFS`].\n\
         pub(super) const KINDS: [(&str, usize); 4] = [\n",
    );
    for (kind, def) in KINDS {
        out.push_str(&format!("    ({kind:?}, {}),\n", g.index[def]));
    }
    out.push_str(
        "];\n\n/// Every definition reachable from the kinds, one per entry (the swagger's name in the comment).\n\
         pub(super) static DEFS: [&str; ",
    );
    out.push_str(&format!("{}] = [\n", lines.len()));
    for (i, (name, line)) in lines.values().enumerate() {
        out.push_str(&format!("    // {i}: {name}\n    {line:?},\n"));
    }
    out.push_str("];\n");
    out
}

#[test]
fn generated_schema_matches_kubevirts_swagger() {
    let swagger_path = root().join("tests/data/schemas/kubevirt-swagger.json");
    let text = std::fs::read_to_string(&swagger_path)
        .unwrap_or_else(|e| panic!("{}: {e}", swagger_path.display()));
    let swagger: Value = serde_json::from_str(&text).expect("the swagger is JSON");
    let want = generate(&swagger);
    let path = root().join("src/kubevirt_schema/generated.rs");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what the swagger gives: BLESS=1 cargo test --test kubevirt_schema_generated, then review the diff",
        path.display()
    );
}
