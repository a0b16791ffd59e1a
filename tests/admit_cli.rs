//! `wukong-net admit`: the policy's answer from the command line, for the same fixtures the
//! policy is tested on (policy/test_data/).

// The CLI runner (and the real programs' runners, unused here).
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::wukong_net;
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/test_data");

/// `wukong-net admit ARGS` with `stdin` (none: empty); its exit code, JSON output and stderr.
fn admit(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let out = wukong_net(
        ["admit"].iter().chain(args),
        stdin.unwrap_or_default().as_bytes(),
    );
    let json = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, out.stderr)
}

fn codes(v: &Value) -> Vec<&str> {
    v["diagnostics"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["code"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn a_bare_wukong_is_checked_as_a_create() {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed-dhcp.yaml");
    let (code, v, _) = admit(&[seed], None);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["accepted"], Value::Bool(true));
}

#[test]
fn a_rejected_request_exits_1_with_located_diagnostics() {
    let (code, v, _) = admit(&[&format!("{DATA}/vm-mac-not-pinned.json")], None);
    assert_eq!(code, 1);
    assert_eq!(v["accepted"], Value::Bool(false));
    assert_eq!(v["code"], Value::from(400));
    assert_eq!(
        codes(&v),
        [
            "mac-not-pinned",
            "mac-not-pinned",
            "pod-interface-unconfigured"
        ]
    );
    // Located at the networkData string of the request file.
    assert!(
        v["diagnostics"][0]["line"].as_u64().is_some_and(|l| l > 50),
        "{v:#}"
    );
}

#[test]
fn settings_and_cluster_files_drive_context_aware_checks() {
    let vm = format!("{DATA}/vm-dhcp-on-ipam-nad.json");
    let cluster = format!("{DATA}/cluster.json");
    let (code, v, _) = admit(
        &["--settings", "-", "--cluster", &cluster, &vm],
        Some("contextAware: true\n"),
    );
    // `--settings -` reads stdin; the request comes from its file.
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(codes(&v), ["dhcp-on-ipam-nad"]);
    let (code, v, _) = admit(&[&vm], None);
    assert_eq!(code, 0, "not context-aware by default: {v:#}");
}

#[test]
fn bad_settings_are_a_usage_error() {
    let (code, _, err) = admit(
        &["--settings", "-", &format!("{DATA}/nad-l2.json")],
        Some("allowStaticIP: false\n"),
    );
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `allowStaticIp`?"), "{err}");
}

#[test]
fn an_admission_review_on_stdin() {
    let request: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DATA}/nad-dhcp-ipam.json")).expect("fixture"),
    )
    .expect("json");
    let review = serde_json::json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request});
    let (code, v, _) = admit(&[], Some(&review.to_string()));
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(codes(&v), ["dhcp-ipam"]);
}

#[test]
fn findings_inside_network_data_point_where_they_stand() {
    let vm = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/manifests/vm-unpinned-mac.yaml"
    );
    let (code, v, _) = admit(&[vm], None);
    assert_eq!(code, 1, "{v:#}");
    let at = |i: usize| {
        let d = &v["diagnostics"][i];
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64())
    };
    // Each MAC inside the networkData block, as `check` locates it; the path stays the
    // policy's, relative to the object.
    assert_eq!(at(0), (Some("mac-not-pinned"), Some(36), Some(31)));
    assert_eq!(at(1), (Some("mac-not-pinned"), Some(40), Some(31)));
    assert_eq!(
        v["diagnostics"][0]["path"],
        "spec.template.spec.volumes[0].cloudInitNoCloud.networkData.ethernets.pod.match.macaddress"
    );
}

/// With `mutate: true` the CLI answers as the mutating policy: the repaired object, admitted,
/// a warning per repair; without it, the usual rejection and no object.
#[test]
fn mutate_admits_the_repaired_object() {
    let settings = std::env::temp_dir().join(format!("admit-mutate-{}.yaml", std::process::id()));
    std::fs::write(&settings, "mutate: true\n").unwrap();
    let request = format!("{DATA}/vm-mac-not-pinned.json");
    let (code, v, _) = admit(&["--settings", settings.to_str().unwrap(), &request], None);
    let _ = std::fs::remove_file(&settings);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["accepted"], Value::Bool(true));
    let interfaces =
        &v["mutatedObject"]["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"];
    assert_eq!(interfaces[0]["macAddress"], "02:5a:00:00:00:01", "{v:#}");
    assert_eq!(interfaces[1]["macAddress"], "02:5a:00:00:00:02", "{v:#}");
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(warnings.len(), 2, "{v:#}");
    assert!(
        warnings
            .iter()
            .all(|w| w.contains(": repaired: pin macAddress") && w.ends_with("[mac-not-pinned]")),
        "{warnings:?}"
    );
    let (code, v, _) = admit(&[&request], None);
    assert_eq!(code, 1);
    assert!(v.get("mutatedObject").is_none(), "{v:#}");
}
