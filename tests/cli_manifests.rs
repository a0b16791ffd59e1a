//! `wukong-net check` on the manifests KubeVirt users write (tests/fixtures/manifests/): every
//! kind it knows gets the policy's rules, the files of one run are one set (a VM's NAD may be
//! in another file), and findings inside embedded documents point into the file.

#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{wukong_net, Run};
use serde_json::Value;
use std::path::PathBuf;

fn manifest(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/manifests")
        .join(name)
        .display()
        .to_string()
}

/// `check --format json` over the fixtures: the run, and each file's diagnostics.
fn check(names: &[&str]) -> (Run, Vec<Vec<Value>>) {
    let paths: Vec<String> = names.iter().map(|n| manifest(n)).collect();
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let o = wukong_net(&args, b"");
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), names.len());
    let diags = files
        .iter()
        .map(|f| f["diagnostics"].as_array().unwrap().clone())
        .collect();
    (o, diags)
}

#[track_caller]
fn exit(o: &Run, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}\n{}", o.stdout, o.stderr);
}

/// (code, severity, line, column) of each diagnostic.
fn found(diags: &[Value]) -> Vec<(String, String, u64, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn has(diags: &[Value], code: &str, severity: &str, line: u64, column: u64) -> bool {
    found(diags).contains(&(code.into(), severity.into(), line, column))
}

#[test]
fn a_vm_with_unpinned_macs_fails_as_at_admission() {
    let (o, files) = check(&["vm-unpinned-mac.yaml"]);
    exit(&o, 1);
    let d = &files[0];
    // The two errors `admit` rejects it with, each at its MAC inside the networkData block.
    assert!(has(d, "mac-not-pinned", "error", 36, 31), "{:?}", found(d));
    assert!(has(d, "mac-not-pinned", "error", 40, 31), "{:?}", found(d));
    // A finding about the networkData as a whole stands at its first key, not at the `|`.
    assert!(
        has(d, "pod-interface-unconfigured", "warning", 32, 13),
        "{:?}",
        found(d)
    );
    // Its NAD is not among the checked files: only information.
    assert!(has(d, "nad-not-found", "info", 27, 24), "{:?}", found(d));
    assert_eq!(d.iter().filter(|d| d["severity"] == "error").count(), 2);
}

#[test]
fn a_vm_and_its_nads_are_checked_as_one_set() {
    let (o, files) = check(&["vm-and-nads.yaml"]);
    exit(&o, 1);
    let d = &files[0];
    assert!(
        has(d, "bridge-binding-on-macvlan", "error", 49, 21),
        "{:?}",
        found(d)
    );
    assert!(
        has(d, "dhcp-on-ipam-nad", "error", 67, 24),
        "{:?}",
        found(d)
    );
    // All three NADs resolve, `default/shared` in `default`.
    assert!(
        !found(d).iter().any(|f| f.0 == "nad-not-found"),
        "{:?}",
        found(d)
    );
}

#[test]
fn files_of_one_run_are_one_set() {
    let (o, files) = check(&["nncp-and-nad.yaml", "pair-a.yaml", "pair-b.yaml"]);
    exit(&o, 1);
    // The NAD bridge no policy creates; the folded `>-` config points at its own line.
    assert!(
        has(&files[0], "bridge-without-policy", "warning", 33, 15),
        "{:?}",
        found(&files[0])
    );
    assert!(
        !found(&files[0]).iter().any(|f| f.2 == 23),
        "br-data is created: {:?}",
        found(&files[0])
    );
    // The second VM is told about each clash with the first, in the other file.
    let b = &files[2];
    assert!(has(b, "duplicate-mac", "error", 15, 25), "{:?}", found(b));
    assert!(
        has(b, "single-address-nad-shared", "error", 18, 31),
        "{:?}",
        found(b)
    );
    assert!(
        has(b, "duplicate-address", "error", 27, 29),
        "{:?}",
        found(b)
    );
    let mac = b.iter().find(|d| d["code"] == "duplicate-mac").unwrap();
    assert!(
        mac["message"]
            .as_str()
            .unwrap()
            .contains("VirtualMachine lab/a (in "),
        "{mac}"
    );
    // The first VM has no clash of its own.
    assert!(
        !found(&files[1]).iter().any(|f| f.1 == "error"),
        "{:?}",
        found(&files[1])
    );
    // Checked alone, pair-b has none of them: its NAD is then only not among the files.
    let (o, files) = check(&["pair-b.yaml"]);
    exit(&o, 0);
    assert_eq!(
        found(&files[0])
            .iter()
            .map(|f| f.0.as_str())
            .collect::<Vec<_>>(),
        ["nad-not-found"]
    );
}

#[test]
fn a_pool_template_is_checked_where_it_stands() {
    let (o, files) = check(&["vm-pool.yaml"]);
    exit(&o, 1);
    let d = &files[0];
    assert!(
        has(d, "masquerade-on-multus", "error", 24, 29),
        "{:?}",
        found(d)
    );
    assert_eq!(
        d[0]["path"],
        "spec.virtualMachineTemplate.spec.template.spec.domain.devices.interfaces[0].masquerade"
    );
}

#[test]
fn lists_and_admission_reviews_are_opened() {
    let (o, files) = check(&["list.yaml", "admission-review.yaml"]);
    exit(&o, 1);
    // The dhcp IPAM inside the NAD's single-quoted JSON, at its column.
    assert!(
        has(&files[0], "dhcp-ipam", "error", 10, 90),
        "{:?}",
        found(&files[0])
    );
    assert_eq!(files[0][0]["path"], "items[0].spec.config.ipam.type");
    // A JSON syntax error in a block-scalar config: where the comma is missing.
    assert!(
        has(&files[0], "cni-config-invalid", "error", 19, 9),
        "{:?}",
        found(&files[0])
    );
    assert_eq!(files[0][1]["path"], "items[1].spec.config");
    // network: in the VMI's userData, inside request.object: at its key in the block.
    assert!(
        has(&files[1], "network-in-user-data", "error", 26, 13),
        "{:?}",
        found(&files[1])
    );
    assert_eq!(
        files[1][0]["path"],
        "request.object.spec.volumes[0].cloudInitNoCloud.userData.network"
    );
}

#[test]
fn other_kinds_are_skipped_at_info_level() {
    let (o, files) = check(&["unknown-kind.yaml"]);
    exit(&o, 0);
    assert_eq!(
        found(&files[0]),
        [("not-a-wukong".to_string(), "info".to_string(), 2, 1)]
    );
    // The human summary counts no warning for it.
    let o = wukong_net(["check", &manifest("unknown-kind.yaml")], b"");
    exit(&o, 0);
    assert!(o.stdout.contains("0 errors, 0 warnings"), "{}", o.stdout);
}
