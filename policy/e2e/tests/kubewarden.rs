// Tests print what they measure and what they skip.
#![allow(clippy::print_stderr)]
//! The built policy in Kubewarden's own runtime: `kwctl` (annotate, run with recorded host
//! sessions, scaffold) and `policy-server` (a real server on 127.0.0.1 fed AdmissionReviews),
//! over the case table every other runner uses (policy/test_data/cases.json).
//!
//! Needs kwctl and policy-server on PATH (scripts/setup.sh) and a built policy/policy.wasm
//! (`make policy`). Without the tools each test says so and returns; with CI=true it fails.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wukong_net_policy_e2e::cases::{cases, ValidateCase};
use wukong_net_policy_e2e::kubewarden::{
    annotated_policy, kwctl_run, policy_dir, require, response_codes, run, PolicyServer,
    ServedPolicy, TempDir,
};
use wukong_net_policy_e2e::{fixture, session, test_data};

fn codes(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn check(what: &str, case: &ValidateCase, response: &Value) {
    let (errors, warnings) = response_codes(response);
    assert_eq!(
        response["allowed"],
        json!(case.accepted),
        "{what}: {}: {response:#}",
        case.name
    );
    assert_eq!(errors, case.errors, "{what}: {}: {response:#}", case.name);
    assert_eq!(
        warnings, case.warnings,
        "{what}: {}: {response:#}",
        case.name
    );
    if !case.accepted {
        assert_eq!(
            response["status"]["code"],
            json!(400),
            "{what}: {}",
            case.name
        );
    }
    // A repair comes back as a JSONPatch; nothing else ever carries one.
    assert_eq!(
        !response["patch"].is_null(),
        case.mutated,
        "{what}: {}: {response:#}",
        case.name
    );
    assert_eq!(
        response["patchType"].as_str(),
        case.mutated.then_some("JSONPatch"),
        "{what}: {}",
        case.name
    );
}

#[test]
fn kwctl_annotate_finds_every_host_capability_declared() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let dir = TempDir::new("annotate").unwrap();
    let (_, out) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    // kwctl 1.35+ scans the module for host calls and warns about undeclared ones.
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !text.contains("not declared in metadata") && !text.contains("WARN"),
            "kwctl annotate warned:\n{text}"
        );
    }
    // The check is real: without hostCapabilities in the metadata, kwctl does warn.
    let metadata = std::fs::read_to_string(policy_dir().join("metadata.yml")).unwrap();
    let without: String = metadata
        .split("\nhostCapabilities:\n  - kubernetes/get_resource\n")
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(without, metadata, "metadata.yml declares hostCapabilities");
    let stripped = dir.path().join("metadata-without-capabilities.yml");
    std::fs::write(&stripped, without).unwrap();
    let out = wukong_net_policy_e2e::kubewarden::annotate(
        &kwctl,
        &wukong_net_policy_e2e::wasm_path(),
        &stripped,
        &dir.path().join("x.wasm"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("kubernetes/get_resource"),
        "kwctl annotate did not notice the undeclared capability: {out:?}"
    );
}

#[test]
fn kwctl_run_gives_every_case_its_verdict() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let dir = TempDir::new("kwctl-run").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let all = cases().unwrap_or_else(|e| panic!("{e}"));
    let mut sessions = 0;
    for case in &all.validate {
        let context_aware = case.settings.get("contextAware") == Some(&json!(true));
        assert_eq!(
            context_aware && case.request.starts_with("vm"),
            case.session.is_some(),
            "{}: every context-aware VM case names the host session that answers it",
            case.name
        );
        let session = case
            .session
            .as_deref()
            .map(session::path)
            .map(PathBuf::from);
        sessions += usize::from(session.is_some());
        let response = kwctl_run(
            &kwctl,
            &module,
            &test_data().join(&case.request),
            &case.settings,
            session.as_deref(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        check("kwctl run", case, &response);
    }
    assert!(
        sessions >= 5,
        "the context-aware cases ran with their sessions"
    );
}

#[test]
fn kwctl_scaffold_manifest_keeps_context_aware_resources() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let dir = TempDir::new("scaffold").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let metadata = yaml(&std::fs::read_to_string(policy_dir().join("metadata.yml")).unwrap());
    let scaffold = |extra: &[&str]| {
        let out = run(std::process::Command::new(&kwctl)
            .args(["scaffold", "manifest", "--type", "ClusterAdmissionPolicy"])
            .args(extra)
            .arg(format!("file://{}", module.display())))
        .unwrap();
        assert_eq!(out.status, Some(0), "{out:?}");
        yaml(&out.stdout)
    };
    let manifest = scaffold(&["--allow-context-aware"]);
    assert_eq!(manifest["kind"], json!("ClusterAdmissionPolicy"));
    assert_eq!(manifest["spec"]["rules"], metadata["rules"]);
    assert_eq!(manifest["spec"]["mutating"], json!(true));
    assert_eq!(
        manifest["spec"]["contextAwareResources"],
        metadata["contextAwareResources"]
    );
    // What the README warns about: without the flag the lookups' grant is dropped.
    let bare = scaffold(&[]);
    assert!(
        bare["spec"]["contextAwareResources"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{bare:#}"
    );
}

#[test]
fn artifacthub_pkg_is_what_kwctl_generates() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let out = run(std::process::Command::new(&kwctl)
        .args(["scaffold", "artifacthub"])
        .arg("--metadata-path")
        .arg(policy_dir().join("metadata.yml"))
        .arg("--questions-path")
        .arg(policy_dir().join("questions-ui.yml")))
    .unwrap();
    assert_eq!(out.status, Some(0), "kwctl scaffold artifacthub: {out:?}");
    let committed = std::fs::read_to_string(policy_dir().join("artifacthub-pkg.yml")).unwrap();
    let without_stamp = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("createdAt:") && !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    };
    assert_eq!(
        without_stamp(&committed),
        without_stamp(&out.stdout),
        "policy/artifacthub-pkg.yml differs from `kwctl scaffold artifacthub`: run `make policy-artifacthub`"
    );
}

fn yaml(text: &str) -> Value {
    let stream = wukong_net::source::parse(text);
    assert!(
        stream.diagnostics.is_empty(),
        "{:?}\n{text}",
        stream.diagnostics
    );
    stream
        .documents
        .into_iter()
        .next()
        .map(|d| d.value)
        .unwrap_or(Value::Null)
}

/// One policy per distinct settings of the case table, served together; the id of each case.
fn served(module: &Path) -> (Vec<ServedPolicy>, Vec<(ValidateCase, String)>) {
    let all = cases().unwrap();
    let mut policies: Vec<ServedPolicy> = Vec::new();
    let mut routed = Vec::new();
    for case in all.validate {
        let id = match policies.iter().find(|p| p.settings == case.settings) {
            Some(p) => p.id.clone(),
            None => {
                let id = format!("wukong-net-{}", policies.len());
                policies.push(ServedPolicy {
                    id: id.clone(),
                    module: module.to_path_buf(),
                    settings: case.settings.clone(),
                    context_aware: case.settings.get("contextAware") == Some(&json!(true)),
                    // As the README says: a policy with `mutate: true` is deployed mutating.
                    mutating: case.settings.get("mutate") == Some(&json!(true)),
                });
                id
            }
        };
        routed.push((case, id));
    }
    (policies, routed)
}

/// What a context-aware case must answer when the lookup itself fails: policy-server runs here
/// without an API server, so the host answers every lookup with an error, which the policy
/// reports as `nad-lookup-failed`: a warning that admits by default, an error with
/// `lookupFailure: reject` (the case's fixtures have no other finding: the case table's
/// non-context-aware twin of each says so).
fn without_cluster(case: &ValidateCase) -> ValidateCase {
    let reject = case.settings.get("lookupFailure") == Some(&json!("reject"));
    let failed = codes(&["nad-lookup-failed"]);
    ValidateCase {
        name: format!("{} (no API server)", case.name),
        request: case.request.clone(),
        settings: case.settings.clone(),
        accepted: !reject,
        errors: if reject {
            failed.clone()
        } else {
            BTreeSet::new()
        },
        // A repair does not depend on the lookup: its warnings stay.
        warnings: if reject {
            BTreeSet::new()
        } else if case.mutated {
            failed.union(&case.warnings).cloned().collect()
        } else {
            failed
        },
        session: None,
        mutated: case.mutated && !reject,
    }
}

#[test]
fn policy_server_gives_every_case_its_verdict() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let Some(binary) = require("policy-server") else {
        return;
    };
    let dir = TempDir::new("policy-server-cases").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let (policies, routed) = served(&module);
    let server = PolicyServer::start(&binary, &policies, 2).unwrap_or_else(|e| panic!("{e}"));
    for (case, id) in &routed {
        let request = fixture(&case.request).unwrap_or_else(|e| panic!("{e}"));
        let response = server
            .validate(id, &request)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", case.name, server.log()));
        let expected = if case.session.is_some() {
            without_cluster(case)
        } else {
            case.clone()
        };
        check("policy-server", &expected, &response);
    }
}

#[test]
fn policy_server_stays_responsive_under_hostile_requests() {
    let Some(kwctl) = require("kwctl") else {
        return;
    };
    let Some(binary) = require("policy-server") else {
        return;
    };
    let dir = TempDir::new("policy-server-hostile").unwrap();
    let (module, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let policy = ServedPolicy {
        id: "wukong-net".into(),
        module,
        settings: json!({}),
        context_aware: false,
        mutating: false,
    };
    let server = Arc::new(
        PolicyServer::start(&binary, std::slice::from_ref(&policy), 2)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let hostile = wukong_net_policy_e2e::hostile::requests();
    for (name, request) in &hostile {
        assert!(
            request.to_string().len() <= 16 * 1024,
            "{name} is within 16 KB"
        );
    }
    let good = fixture("vm-good.json").unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let served_hostile = Arc::new(AtomicUsize::new(0));
    // Three clients repeating the hostile mix, as in the report that found the glob bomb.
    let attackers: Vec<_> = (0..3)
        .map(|i| {
            let (server, stop, count, hostile) = (
                server.clone(),
                stop.clone(),
                served_hostile.clone(),
                hostile.clone(),
            );
            std::thread::spawn(move || {
                let mut n = i;
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let (name, request) = &hostile[n % hostile.len()];
                    let response = server
                        .validate("wukong-net", request)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert_ne!(
                        response["status"]["code"],
                        json!(500),
                        "{name}: the policy ran out of time: {response:#}"
                    );
                    count.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for _ in 0..300 {
        let start = Instant::now();
        let response = server.validate("wukong-net", &good).unwrap();
        slowest = slowest.max(start.elapsed());
        assert_eq!(response["allowed"], json!(true), "{response:#}");
    }
    stop.store(true, Ordering::Relaxed);
    for a in attackers {
        a.join().expect("an attacker thread failed");
    }
    assert!(
        served_hostile.load(Ordering::Relaxed) >= hostile.len(),
        "every hostile request was answered"
    );
    eprintln!(
        "hostile mix: {} hostile requests answered, slowest good request {slowest:?}",
        served_hostile.load(Ordering::Relaxed)
    );
}
