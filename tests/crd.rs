//! The Wukong CRD we ship (config/crd/) is generated from the Rust model, equals the original
//! operator's CRD plus exactly `networks[].macAddress` and `networks[].mtu`, and every Wukong the
//! original accepts is accepted by ours and loads in wukong-net.
//!
//! The original is `tests/data/schemas/wukong-crd-original.yaml` (provenance in
//! tests/data/README.md). Documents are validated with the `jsonschema` crate against `openAPIV3Schema`
//! using Draft 4, the dialect OpenAPI 3.0 schemas are built on.
#![cfg(feature = "schema")]
// Tests print what they skip and why.
#![allow(clippy::print_stderr)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use wukong_net::{crd::wukong_crd, emit, source, Code};

const CRD_FILE: &str = "config/crd/wukongs.vm.novasphere.dev.yaml";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One YAML document, read with the project's own YAML 1.2 parser.
fn parse_one(text: &str, what: &str) -> Value {
    let mut stream = source::parse(text);
    assert!(
        stream.diagnostics.is_empty(),
        "{what} does not parse: {:?}",
        stream.diagnostics
    );
    assert_eq!(stream.documents.len(), 1, "{what}: expected one document");
    stream.documents.remove(0).value
}

fn original_crd() -> Value {
    let path = manifest_dir().join("tests/data/schemas/wukong-crd-original.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the original Wukong CRD is missing at {} ({e}): it is part of the repository \
             (tests/data/README.md)",
            path.display()
        )
    });
    parse_one(&text, "the original CRD")
}

fn schema_of(crd: &Value) -> &Value {
    &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft4::new(schema).unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// (a) drift

#[test]
fn committed_crd_is_what_the_model_generates() {
    let committed = read(&manifest_dir().join(CRD_FILE));
    let generated = emit::to_yaml(&wukong_crd());
    assert!(
        committed == generated,
        "{CRD_FILE} is stale: regenerate it with `cargo run -q -- crd > {CRD_FILE}` (make crd)"
    );
    // And the file reads back (YAML 1.2) as exactly the generated object: no string such as
    // "True" or "False" in the Condition status enum turned into a boolean.
    let diff = first_difference("", &parse_one(&committed, CRD_FILE), &wukong_crd());
    assert!(
        diff.is_none(),
        "{CRD_FILE} reads back differently: {diff:?}"
    );
}

/// kubectl reads manifests with a YAML 1.1 parser; PyYAML is one. It must see the same object.
#[test]
fn committed_crd_reads_back_identically_in_yaml_1_1() {
    let script = "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(manifest_dir().join(CRD_FILE))
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        other => {
            let why = format!("python3 with PyYAML did not run: {other:?}");
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
            eprintln!("skipping the YAML 1.1 read-back: {why} (apt-get install python3-yaml)");
            return;
        }
    };
    let seen: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("PyYAML output: {e}"));
    let diff = first_difference("", &seen, &wukong_crd());
    assert!(
        diff.is_none(),
        "PyYAML reads {CRD_FILE} differently: {diff:?}"
    );
}

/// Where two values first differ, for short failure messages.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            first_difference(
                &format!("{path}.{k}"),
                x.get(k).unwrap_or(&Value::Null),
                y.get(k).unwrap_or(&Value::Null),
            )
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(&format!("{path}[{i}]"), p, q)),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

// ---------------------------------------------------------------------------------------------
// (b) structure

/// Compares the original schema node `o` with ours `n` at `path`: every keyword of the original
/// (descriptions aside) must be in ours with the same value; ours may not add keywords; new
/// properties are collected in `added` (and not descended into).
fn compare(path: &str, o: &Value, n: &Value, added: &mut Vec<String>, problems: &mut Vec<String>) {
    let (Some(o), Some(n)) = (o.as_object(), n.as_object()) else {
        problems.push(format!("{path}: not a schema object"));
        return;
    };
    for (k, ov) in o {
        let at = format!("{path}: `{k}`");
        match (k.as_str(), n.get(k)) {
            ("description", _) => {}
            (_, None) => problems.push(format!("{at} missing (original: {ov})")),
            ("properties", Some(nv)) => {
                let (Some(op), Some(np)) = (ov.as_object(), nv.as_object()) else {
                    problems.push(format!("{at} is not a mapping"));
                    continue;
                };
                for (name, osub) in op {
                    match np.get(name) {
                        Some(nsub) => {
                            compare(&format!("{path}.{name}"), osub, nsub, added, problems)
                        }
                        None => problems.push(format!("{path}.{name}: property missing")),
                    }
                }
                added.extend(
                    np.keys()
                        .filter(|name| !op.contains_key(*name))
                        .map(|name| format!("{path}.{name}")),
                );
            }
            ("items", Some(nv)) => compare(&format!("{path}[]"), ov, nv, added, problems),
            ("additionalProperties", Some(nv)) if ov.is_object() => {
                compare(&format!("{path}{{*}}"), ov, nv, added, problems)
            }
            (_, Some(nv)) if nv != ov => problems.push(format!("{at} is {nv}, original {ov}")),
            _ => {}
        }
    }
    for k in n
        .keys()
        .filter(|k| *k != "description" && !o.contains_key(*k))
    {
        problems.push(format!("{path}: extra `{k}` = {}", n[k]));
    }
}

fn compare_schemas(original: &Value, ours: &Value) -> (Vec<String>, Vec<String>) {
    let (mut added, mut problems) = (Vec::new(), Vec::new());
    compare("", original, ours, &mut added, &mut problems);
    (added, problems)
}

#[test]
fn crd_is_the_original_plus_mac_address_mtu_and_ipv6() {
    let original = original_crd();
    let ours = wukong_crd();
    let (added, problems) = compare_schemas(schema_of(&original), schema_of(&ours));
    // The one change to an original field, additive: IPv4 `mode: disabled` for IPv6-only NICs
    // (issue 14). Every value the original accepts is still accepted.
    let widened = r#".spec.networks[].ipConfig.mode: `enum` is ["static","dhcp","disabled"], original ["static","dhcp"]"#;
    assert_eq!(
        problems,
        [widened],
        "our CRD differs from the original:\n{}",
        problems.join("\n")
    );
    assert_eq!(
        added,
        [
            ".spec.networks[].ipConfig.ipv6",
            ".spec.networks[].macAddress",
            ".spec.networks[].mtu"
        ]
    );
    let ip = &schema_of(&ours)["properties"]["spec"]["properties"]["networks"]["items"]
        ["properties"]["ipConfig"]["properties"];
    assert_eq!(
        ip["ipv6"]["properties"]["mode"]["enum"],
        json!(["slaac", "dhcp", "static", "disabled"])
    );
    assert_eq!(ip["ipv6"]["required"], json!(["mode"]));

    let net =
        &schema_of(&ours)["properties"]["spec"]["properties"]["networks"]["items"]["properties"];
    assert_eq!(net["mtu"]["type"], "integer");
    assert_eq!(net["mtu"]["minimum"], 68);
    assert_eq!(net["mtu"]["maximum"], 65535);
    assert_eq!(net["macAddress"]["type"], "string");
    let mac = validator(&net["macAddress"]);
    for good in ["02:00:00:00:00:01", "52:54:00:AB:cd:EF"] {
        assert!(
            mac.is_valid(&json!(good)),
            "{good} should match the MAC pattern"
        );
    }
    for bad in [
        "02-00-00-00-00-01",
        "02:00:00:00:00",
        "02:00:00:00:00:01:02",
        "0g:00:00:00:00:01",
        "+2:00:00:00:00:01",
        "",
    ] {
        assert!(
            !mac.is_valid(&json!(bad)),
            "{bad:?} should not match the MAC pattern"
        );
    }

    // Everything around the schema: same group, names, scope, version flags and subresources.
    for key in ["group", "names", "scope"] {
        assert_eq!(ours["spec"][key], original["spec"][key], "spec.{key}");
    }
    let (ov, nv) = (
        &original["spec"]["versions"][0],
        &ours["spec"]["versions"][0],
    );
    for key in ["name", "served", "storage", "subresources"] {
        assert_eq!(nv[key], ov[key], "spec.versions[0].{key}");
    }
    assert_eq!(ours["spec"]["versions"].as_array().map(Vec::len), Some(1));
    assert_eq!(nv["subresources"], json!({"status": {}}));
    assert_eq!(ours["metadata"]["name"], original["metadata"]["name"]);
    assert_eq!(ours["apiVersion"], "apiextensions.k8s.io/v1");
    assert_eq!(ours["kind"], "CustomResourceDefinition");
}

/// The comparison itself catches each kind of difference it claims to.
#[test]
fn schema_comparison_catches_differences() {
    let original = original_crd();
    let base = schema_of(&original).clone();
    type Edit = (&'static str, fn(&mut Value));
    let edits: [Edit; 8] = [
        ("dropped enum value", |s| {
            s["properties"]["spec"]["properties"]["networks"]["items"]["properties"]["type"]
                ["enum"] = json!(["bridge", "macvlan", "sriov"])
        }),
        ("changed pattern", |s| {
            s["properties"]["spec"]["properties"]["memory"]["pattern"] = json!("^.*$")
        }),
        ("changed bound", |s| {
            s["properties"]["spec"]["properties"]["cpu"]["maximum"] = json!(128)
        }),
        ("dropped required", |s| {
            s["properties"]["spec"]["required"] = json!(["cpu"]);
        }),
        ("changed type", |s| {
            s["properties"]["status"]["properties"]["nodeName"]["type"] = json!("integer")
        }),
        ("dropped property", |s| {
            if let Some(p) = s["properties"]["spec"]["properties"].as_object_mut() {
                p.remove("gpus");
            }
        }),
        ("dropped list-map extension", |s| {
            if let Some(c) = s["properties"]["status"]["properties"]["conditions"].as_object_mut() {
                c.remove("x-kubernetes-list-type");
            }
        }),
        ("extra keyword", |s| {
            s["properties"]["spec"]["properties"]["osImage"]["minLength"] = json!(1)
        }),
    ];
    for (what, edit) in edits {
        let mut changed = base.clone();
        edit(&mut changed);
        let (_, problems) = compare_schemas(&base, &changed);
        assert!(!problems.is_empty(), "the comparison missed a {what}");
    }
    let mut with_prop = base.clone();
    with_prop["properties"]["spec"]["properties"]["extra"] = json!({"type": "string"});
    let (added, problems) = compare_schemas(&base, &with_prop);
    assert!(problems.is_empty());
    assert_eq!(added, [".spec.extra"]);
}

/// The schema keywords Kubernetes accepts in a CRD (JSONSchemaProps), less the ones a
/// structural schema may not use at the places we generate.
const K8S_KEYWORDS: &[&str] = &[
    "description",
    "type",
    "format",
    "title",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "enum",
    "maxProperties",
    "minProperties",
    "required",
    "items",
    "properties",
    "additionalProperties",
    "nullable",
    "example",
];

fn check_structural(path: &str, s: &Value, problems: &mut Vec<String>) {
    let Some(m) = s.as_object() else {
        problems.push(format!("{path}: not an object"));
        return;
    };
    for k in m.keys() {
        if !K8S_KEYWORDS.contains(&k.as_str()) && !k.starts_with("x-kubernetes-") {
            problems.push(format!(
                "{path}: keyword `{k}` is not allowed in a structural schema"
            ));
        }
    }
    let preserve = m.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
    match m.get("type").and_then(Value::as_str) {
        Some("object" | "array" | "string" | "integer" | "number" | "boolean") => {}
        _ if preserve => {}
        other => problems.push(format!("{path}: needs a single type, has {other:?}")),
    }
    if m.contains_key("properties") && m.contains_key("additionalProperties") {
        problems.push(format!(
            "{path}: properties and additionalProperties are mutually exclusive"
        ));
    }
    if let Some(values) = m.get("enum").and_then(Value::as_array) {
        let ty = m.get("type").and_then(Value::as_str);
        for v in values {
            let ok = matches!(
                (ty, v),
                (Some("string"), Value::String(_)) | (Some("integer"), Value::Number(_))
            );
            if !ok {
                problems.push(format!(
                    "{path}: enum value {v} does not have the node's type {ty:?}"
                ));
            }
        }
    }
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            check_structural(&format!("{path}.{name}"), sub, problems);
        }
    }
    if let Some(items) = m.get("items") {
        check_structural(&format!("{path}[]"), items, problems);
    }
    if let Some(ap) = m.get("additionalProperties").filter(|v| v.is_object()) {
        check_structural(&format!("{path}{{*}}"), ap, problems);
    }
}

#[test]
fn crd_schema_is_structural() {
    let ours = wukong_crd();
    let mut problems = Vec::new();
    check_structural("", schema_of(&ours), &mut problems);
    assert!(
        problems.is_empty(),
        "not a structural schema:\n{}",
        problems.join("\n")
    );
    // The same walk finds the faults it looks for.
    let mut bad = schema_of(&ours).clone();
    bad["properties"]["spec"]["properties"]["cpu"] =
        json!({"$ref": "#/definitions/x", "nullable": true});
    bad["properties"]["status"]["properties"]["phase"]["enum"] = json!(["Running", null]);
    let mut found = Vec::new();
    check_structural("", &bad, &mut found);
    assert_eq!(found.len(), 3, "{found:#?}");
}

// ---------------------------------------------------------------------------------------------
// (c) acceptance

/// What the API server validates: it prunes null-valued fields of non-nullable schemas (none of
/// ours is nullable) before validating, so `osImage: ~` is accepted as if absent.
fn api_server_view(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), api_server_view(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(api_server_view).collect()),
        other => other.clone(),
    }
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// The loader codes that mean "this document does not fit the model".
const LOAD_FAILURES: [Code; 3] = [Code::WrongType, Code::MissingField, Code::InvalidIpMode];

/// For each document of a file: its API-server view, and the loader's failures located in it.
fn documents_with_load_failures(text: &str) -> Vec<(Value, Vec<String>)> {
    let stream = source::parse(text);
    assert!(
        stream.diagnostics.is_empty(),
        "does not parse: {:?}",
        stream.diagnostics
    );
    let report = wukong_net::check(text);
    let starts: Vec<usize> = stream
        .documents
        .iter()
        .map(|d| d.spans.root.start)
        .collect();
    stream
        .documents
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let end = starts.get(i + 1).copied().unwrap_or(usize::MAX);
            let failures = report
                .diagnostics
                .iter()
                .filter(|d| {
                    LOAD_FAILURES.contains(&d.code)
                        && d.span.start >= starts[i]
                        && d.span.start < end
                })
                .map(|d| format!("{} at {} (line {}): {}", d.code, d.path, d.line, d.message))
                .collect();
            (api_server_view(&doc.value), failures)
        })
        .collect()
}

#[test]
fn every_wukong_the_original_accepts_ours_accepts_and_loads() {
    let original = validator(schema_of(&original_crd()));
    let ours = validator(schema_of(&wukong_crd()));
    let dir = manifest_dir().join("tests");
    let crd_fixtures = yaml_files(&dir.join("crd_fixtures"));
    let fixtures = yaml_files(&dir.join("fixtures"));
    assert!(
        crd_fixtures.len() >= 5,
        "tests/crd_fixtures holds too few documents"
    );

    let (mut accepted, mut not_accepted) = (0, Vec::new());
    for file in crd_fixtures.iter().chain(&fixtures) {
        let name = file
            .strip_prefix(&dir)
            .unwrap_or(file)
            .display()
            .to_string();
        let is_crd_fixture = crd_fixtures.contains(file);
        for (i, (doc, failures)) in documents_with_load_failures(&read(file))
            .into_iter()
            .enumerate()
        {
            let original_errors = errors(&original, &doc);
            if !original_errors.is_empty() {
                // Every CRD fixture is meant to be valid, so none is silently skipped.
                assert!(
                    !is_crd_fixture,
                    "{name} doc {i}: the original CRD rejects it: {original_errors:#?}"
                );
                not_accepted.push(format!("{name} doc {i}: {}", original_errors.join("; ")));
                continue;
            }
            accepted += 1;
            let ours_errors = errors(&ours, &doc);
            assert!(
                ours_errors.is_empty(),
                "{name} doc {i}: the original accepts it, ours rejects it: {ours_errors:#?}"
            );
            assert!(
                failures.is_empty(),
                "{name} doc {i}: both CRDs accept it, wukong-net cannot load it: {failures:#?}"
            );
        }
    }
    for n in &not_accepted {
        eprintln!("not accepted by the original CRD, so not compared: {n}");
    }
    assert!(
        accepted >= crd_fixtures.len(),
        "only {accepted} documents were compared"
    );
}

/// Documents the original CRD rejects are rejected by ours too (the same strictness), and
/// wukong-net reports an error for them, so the acceptance above is not vacuous.
#[test]
fn what_the_original_rejects_ours_rejects() {
    let original = validator(schema_of(&original_crd()));
    let ours = validator(schema_of(&wukong_crd()));
    let base = parse_one(
        &read(&manifest_dir().join("tests/crd_fixtures/minimal.yaml")),
        "minimal.yaml",
    );
    // The last field: whether wukong-net itself must refuse it (it does not check the CPU count,
    // which the VM renders as it is; it does check the memory, a Kubernetes quantity).
    let cases: [(&str, Value, bool); 14] = [
        ("spec missing", json!(null), true),
        ("cpu missing", json!({"memory": "1Gi"}), false),
        ("memory missing", json!({"cpu": 1}), false),
        ("cpu above 64", json!({"cpu": 65, "memory": "1Gi"}), false),
        ("cpu a string", json!({"cpu": "2", "memory": "1Gi"}), true),
        (
            "memory with a bad unit",
            json!({"cpu": 1, "memory": "4GB"}),
            true,
        ),
        (
            "network without a name",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"type": "bridge"}]}),
            true,
        ),
        (
            "network name not a DNS label",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "Eth0"}]}),
            true,
        ),
        (
            "unknown network type",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "type": "vxlan"}]}),
            true,
        ),
        (
            "vlanId 0",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "vlanId": 0}]}),
            true,
        ),
        (
            "vlanId 4095",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "vlanId": 4095}]}),
            true,
        ),
        (
            "ipConfig without mode",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "ipConfig": {"address": "10.0.0.2/24"}}]}),
            true,
        ),
        (
            "mode auto",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "ipConfig": {"mode": "auto"}}]}),
            true,
        ),
        (
            "primary a string",
            json!({"cpu": 1, "memory": "1Gi", "networks": [{"name": "a", "primary": "yes"}]}),
            true,
        ),
    ];
    for (what, spec, wukong_net_refuses) in cases {
        let mut doc = base.clone();
        match spec {
            Value::Null => {
                if let Some(m) = doc.as_object_mut() {
                    m.remove("spec");
                }
            }
            spec => doc["spec"] = spec,
        }
        assert!(
            !original.is_valid(&doc),
            "{what}: the original should reject it"
        );
        assert!(
            !ours.is_valid(&doc),
            "{what}: ours accepts what the original rejects"
        );
        if wukong_net_refuses {
            let report = wukong_net::check(&emit::to_yaml(&doc));
            assert!(
                report.has_errors(),
                "{what}: wukong-net accepts it: {:?}",
                report.diagnostics
            );
        }
    }

    // The status is checked too (a status subresource update goes through the same schema).
    let mut doc = parse_one(
        &read(&manifest_dir().join("tests/crd_fixtures/with-status.yaml")),
        "with-status.yaml",
    );
    doc["status"]["conditions"][0]["status"] = json!("true");
    assert!(
        !original.is_valid(&doc) && !ours.is_valid(&doc),
        "condition status `true` (lowercase)"
    );
}

/// Our two additions: what the original drops (unknown field), ours validates with the same
/// bounds wukong-net checks.
#[test]
fn additions_are_validated_like_wukong_net_checks_them() {
    let original = validator(schema_of(&original_crd()));
    let ours = validator(schema_of(&wukong_crd()));
    let base = parse_one(
        &read(&manifest_dir().join("tests/crd_fixtures/minimal.yaml")),
        "minimal.yaml",
    );
    let network = |extra: Value| {
        let mut n = json!({"name": "lan", "bridgeName": "br-lan", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp"}});
        if let (Some(n), Some(e)) = (n.as_object_mut(), extra.as_object()) {
            n.extend(e.clone());
        }
        let mut doc = base.clone();
        doc["spec"]["networks"] = json!([n]);
        doc
    };
    for (extra, ok) in [
        (json!({"mtu": 68}), true),
        (json!({"mtu": 65535}), true),
        (json!({"mtu": 67}), false),
        (json!({"mtu": 65536}), false),
        (json!({"mtu": "1500"}), false),
        (json!({"macAddress": "02:00:00:00:00:01"}), true),
        (json!({"macAddress": "02-00-00-00-00-01"}), false),
        (json!({"macAddress": "02:00:00:00:01"}), false),
        (json!({"macAddress": 2}), false),
    ] {
        let doc = network(extra.clone());
        assert!(
            original.is_valid(&doc),
            "{extra}: the original prunes unknown fields, so accepts"
        );
        assert_eq!(ours.is_valid(&doc), ok, "{extra}: our CRD");
        let report = wukong_net::check(&emit::to_yaml(&doc));
        assert_eq!(
            !report.has_errors(),
            ok,
            "{extra}: wukong-net: {:?}",
            report.diagnostics
        );
    }
}
