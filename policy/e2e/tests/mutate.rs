// Tests print what they measure and what they skip.
#![allow(clippy::print_stderr)]
//! The mutating mode (`mutate: true`) in Kubewarden's own runtime, on every fixture with a safe
//! fix: the policy test data, the manifests of tests/fixtures/manifests, tests/data/fixes and
//! the real-manifest corpus tests/data/kubevirt-manifests (each VirtualMachine,
//! VirtualMachineInstance and NAD in them for which `check` offers a safe fix, sent as a
//! CREATE).
//!
//! For each: `kwctl run` and policy-server answer with a JSONPatch; applying it (with
//! json-patch, what policy-server computes it with) gives the object the core's fixes intended;
//! that object is admitted unchanged when sent again (a fixed point), passes `check` (the
//! strict KubeVirt schema and every rule) without an error, and its networkData reads in
//! libyaml (PyYAML's CSafeLoader) as the core reads the intended one, every MAC a string.
//! And a policy-server whose policy is not allowed to mutate rejects every repaired request.

use base64::Engine as _;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use wukong_net::admission::{AdmissionRequest, Target};
use wukong_net_policy_e2e::kubewarden::{
    annotated_policy, kwctl_run, require, PolicyServer, ServedPolicy, TempDir,
};
use wukong_net_policy_e2e::test_data;

/// One object with a safe fix, as the request the API server would send.
struct Fixable {
    what: String,
    request: Value,
}

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Whether `check` offers a safe fix for the object (alone, as admission sees it).
fn has_safe_fix(object: &Value) -> bool {
    let text = serde_json::to_string_pretty(object).unwrap_or_default();
    wukong_net::manifest::check(&text)
        .diagnostics
        .iter()
        .any(|d| d.fixes.iter().any(|f| f.safe))
}

fn is_policy_target(object: &Value) -> bool {
    Target::of(&AdmissionRequest::create(object.clone()).kind).is_some()
}

/// Every object of the repository's fixtures the policy is asked about and has a safe fix for.
fn fixable() -> Vec<Fixable> {
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(test_data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    for path in names {
        let request: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let object = &request["object"];
        if object.is_object()
            && request["operation"] == json!("CREATE")
            && is_policy_target(object)
            && has_safe_fix(object)
        {
            out.push(Fixable {
                what: format!("policy/test_data/{}", file_name(&path)),
                request,
            });
        }
    }
    for dir in [
        "tests/fixtures/manifests",
        "tests/data/fixes",
        "tests/data/kubevirt-manifests",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            })
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let stream = wukong_net::source::parse(&text);
            let mut objects = Vec::new();
            for doc in stream.documents {
                // A List's items are created one by one: the policy sees each.
                match doc.value.get("items").and_then(Value::as_array) {
                    Some(items) if doc.value["kind"] == json!("List") => {
                        objects.extend(items.iter().cloned())
                    }
                    _ => objects.push(doc.value),
                }
            }
            for (i, object) in objects.into_iter().enumerate() {
                if is_policy_target(&object) && has_safe_fix(&object) {
                    out.push(Fixable {
                        what: format!("{dir}/{} #{i}", file_name(&path)),
                        request: create(object),
                    });
                }
            }
        }
    }
    out
}

/// A CREATE of `object` as the API server sends it (kwctl and policy-server read every field
/// Kubernetes requires).
fn create(object: Value) -> Value {
    let gvk = AdmissionRequest::create(object.clone()).kind;
    let resource = match gvk.kind.as_str() {
        "NetworkAttachmentDefinition" => "network-attachment-definitions".to_string(),
        other => format!("{}s", other.to_ascii_lowercase()),
    };
    let resource = json!({"group": gvk.group, "version": gvk.version, "resource": resource});
    let kind = json!({"group": gvk.group, "version": gvk.version, "kind": gvk.kind});
    let meta = |k: &str| object["metadata"][k].as_str().unwrap_or("").to_string();
    let namespace = match meta("namespace") {
        n if n.is_empty() => "default".to_string(),
        n => n,
    };
    json!({
        "uid": "00000000-0000-4000-8000-000000000012",
        "kind": kind, "resource": resource, "requestKind": kind, "requestResource": resource,
        "name": meta("name"), "namespace": namespace, "operation": "CREATE",
        "userInfo": {"username": "alice", "uid": "a1", "groups": ["system:authenticated"]},
        "object": object, "oldObject": null, "dryRun": false,
        "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}
    })
}

/// The same request with the repaired object.
fn with_object(request: &Value, object: Value) -> Value {
    let mut again = request.clone();
    again["object"] = object;
    again
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The AdmissionResponse's JSONPatch applied to the request's object.
fn patched(what: &str, request: &Value, response: &Value) -> Value {
    assert_eq!(
        response["patchType"],
        json!("JSONPatch"),
        "{what}: {response:#}"
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(response["patch"].as_str().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{what}: patch not base64: {e}"));
    let patch: json_patch::Patch =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{what}: not a JSONPatch: {e}"));
    let mut object = request["object"].clone();
    json_patch::patch(&mut object, &patch).unwrap_or_else(|e| panic!("{what}: {e}"));
    object
}

/// The networkData strings of a VM or VMI (template or not).
fn network_data(object: &Value) -> Vec<String> {
    let spec = object
        .pointer("/spec/template/spec")
        .or_else(|| object.get("spec"));
    let volumes = spec
        .and_then(|s| s.get("volumes"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    volumes
        .iter()
        .filter_map(|v| {
            ["cloudInitNoCloud", "cloudInitConfigDrive"]
                .iter()
                .find_map(|k| v.get(k)?.get("networkData")?.as_str())
                .map(str::to_string)
        })
        .collect()
}

/// libyaml's reading (PyYAML's CSafeLoader, the project's reference reader) of YAML texts.
fn libyaml(texts: &[String]) -> Vec<Value> {
    let script = "import json, sys, yaml\nfor t in json.load(sys.stdin):\n    print(json.dumps(yaml.load(t, Loader=yaml.CSafeLoader)))\n";
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with PyYAML (the reference YAML reader)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(texts).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python3: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn macs_are_strings(v: &Value, what: &str) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "macaddress" {
                    assert!(v.is_string(), "{what}: macaddress {v} is not a string");
                }
                macs_are_strings(v, what);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| macs_are_strings(v, what)),
        _ => {}
    }
}

/// What every repaired object must be: what the fixes intended, clean under `check`, and with
/// networkData libyaml reads as the core reads the intended one.
fn check_repaired(what: &str, request: &Value, mutated: &Value) {
    let intended = wukong_net::fix::fix_object(&request["object"], false)
        .fixed
        .unwrap_or_else(|| panic!("{what}: the core repairs nothing"));
    assert_eq!(mutated, &intended, "{what}: the patch is not the fix");
    let text = serde_json::to_string_pretty(mutated).unwrap();
    let errors: Vec<String> = wukong_net::manifest::check(&text)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {} [{}]", d.path, d.message, d.code))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: the repaired object fails check (KubeVirt's schema, the rules): {errors:#?}"
    );
    let data = network_data(mutated);
    for (read, text) in libyaml(&data).iter().zip(&data) {
        let ours = wukong_net::source::parse(text)
            .documents
            .into_iter()
            .next()
            .map(|d| d.value)
            .unwrap_or(Value::Null);
        assert_eq!(
            read, &ours,
            "{what}: libyaml reads the repaired networkData otherwise"
        );
        macs_are_strings(read, what);
    }
}

fn allowed(what: &str, response: &Value) {
    assert_eq!(response["allowed"], json!(true), "{what}: {response:#}");
}

#[test]
fn kwctl_repairs_every_fixture_with_a_safe_fix_into_a_fixed_point() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let all = fixable();
    // The data has the kinds of repair the mode is for: a NAD's ipam, a VM's MAC, quoting.
    for known in [
        "policy/test_data/nad-missing-ipam.json",
        "policy/test_data/nad-dhcp-ipam.json",
        "policy/test_data/vm-mac-not-pinned.json",
        "policy/test_data/vm-unquoted-mac.json",
        "tests/data/fixes/vm-mac-not-pinned.yaml #0",
    ] {
        assert!(
            all.iter().any(|f| f.what == known),
            "{known} has a safe fix"
        );
    }
    let dir = TempDir::new("kwctl-mutate").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let settings = json!({"mutate": true});
    let mut vms = 0;
    for (i, f) in all.iter().enumerate() {
        let path = dir.path().join(format!("request-{i}.json"));
        std::fs::write(&path, f.request.to_string()).unwrap();
        let response = kwctl_run(&kwctl, &module, &path, &settings, None)
            .unwrap_or_else(|e| panic!("{}: {e}", f.what));
        allowed(&f.what, &response);
        let warnings = response["warnings"].as_array().cloned().unwrap_or_default();
        assert!(
            warnings
                .iter()
                .any(|w| w.as_str().is_some_and(|w| w.contains(": repaired: "))),
            "{}: no warning names the repair: {response:#}",
            f.what
        );
        let mutated = patched(&f.what, &f.request, &response);
        check_repaired(&f.what, &f.request, &mutated);
        vms += usize::from(!network_data(&mutated).is_empty());
        // A fixed point: the repaired object is admitted as it is.
        let again = with_object(&f.request, mutated);
        std::fs::write(&path, again.to_string()).unwrap();
        let response = kwctl_run(&kwctl, &module, &path, &settings, None)
            .unwrap_or_else(|e| panic!("{}: {e}", f.what));
        allowed(&f.what, &response);
        assert!(
            response["patch"].is_null(),
            "{}: the repaired object is repaired again: {response:#}",
            f.what
        );
        // And without `mutate` the policy never returns a patch.
        let path = dir.path().join(format!("request-{i}.json"));
        std::fs::write(&path, f.request.to_string()).unwrap();
        let response = kwctl_run(&kwctl, &module, &path, &json!({}), None)
            .unwrap_or_else(|e| panic!("{}: {e}", f.what));
        assert!(response["patch"].is_null(), "{}: {response:#}", f.what);
    }
    assert!(vms >= 3, "VMs with networkData among the repaired");
    eprintln!(
        "kwctl: {} fixtures repaired, {vms} with networkData",
        all.len()
    );
}

#[test]
fn policy_server_repairs_when_mutating_and_rejects_repairs_when_not() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let Some(binary) = require("policy-server") else {
        return;
    };
    let dir = TempDir::new("policy-server-mutate").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let served = |id: &str, mutating: bool| ServedPolicy {
        id: id.into(),
        module: module.clone(),
        settings: json!({"mutate": true}),
        context_aware: false,
        mutating,
    };
    let server = PolicyServer::start(
        &binary,
        &[served("repair", true), served("repair-not-allowed", false)],
        2,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let all = fixable();
    assert!(!all.is_empty());
    for f in &all {
        eprintln!("repairing {}", f.what);
    }
    for f in &all {
        let response = server
            .validate("repair", &f.request)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", f.what, server.log()));
        allowed(&f.what, &response);
        let mutated = patched(&f.what, &f.request, &response);
        check_repaired(&f.what, &f.request, &mutated);
        let again = with_object(&f.request, mutated);
        let response = server.validate("repair", &again).unwrap();
        allowed(&f.what, &response);
        assert!(response["patch"].is_null(), "{}: {response:#}", f.what);
        // Deployed without `mutating: true`: policy-server refuses the repair, and with it the
        // request.
        let response = server.validate("repair-not-allowed", &f.request).unwrap();
        assert_eq!(
            response["allowed"],
            json!(false),
            "{}: {response:#}",
            f.what
        );
        assert!(response["patch"].is_null(), "{}: {response:#}", f.what);
        assert!(
            response["status"]["message"].as_str().is_some_and(|m| m.contains(
                "Request rejected by policy repair-not-allowed. The policy attempted to mutate the request, but it is currently configured to not allow mutations."
            )),
            "{}: {response:#}",
            f.what
        );
        // The repaired object itself needs no mutation, so that policy admits it.
        let response = server.validate("repair-not-allowed", &again).unwrap();
        allowed(&f.what, &response);
    }
    // A request with nothing to repair passes a policy that may not mutate.
    let good = wukong_net_policy_e2e::fixture("vm-good.json").unwrap();
    allowed(
        "vm-good",
        &server.validate("repair-not-allowed", &good).unwrap(),
    );
    eprintln!("policy-server: {} fixtures repaired", all.len());
}
