//! The CLI as a user drives it: exit statuses, formats, and hostile input. Each run has a hang
//! guard (a run still going after 20 s is killed and fails the test); speed itself is measured
//! in `cargo bench` (benches/render.rs, group `hostile`), not here.

// The CLI runner (and the real programs' runners, unused here).
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{status, wukong_net, Run};
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Runs the CLI with `stdin` piped in; a hang fails the test.
fn run(args: &[&str], stdin: &[u8]) -> Run {
    wukong_net(args, stdin)
}

fn check_json(input: &[u8]) -> (Run, Vec<Value>) {
    let o = run(&["check", "-", "--format", "json"], input);
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    let diags = v[0]["diagnostics"].as_array().unwrap().clone();
    (o, diags)
}

#[test]
fn help_and_version() {
    let o = run(&["--help"], b"");
    status(&o, 0);
    assert!(o.stdout.contains("render") && o.stdout.contains("check"));
    let o = run(&["--version"], b"");
    status(&o, 0);
    assert_eq!(
        o.stdout.trim(),
        format!("wukong-net {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    status(&run(&["render", "--format", "xml", "-"], b""), 2);
    status(&run(&["frobnicate"], b""), 2);
    status(&run(&["check"], b""), 2);
    let o = run(&["check", "/nonexistent/spec.yaml"], b"");
    status(&o, 2);
    assert!(
        o.stderr.contains("cannot read /nonexistent/spec.yaml"),
        "{}",
        o.stderr
    );
}

#[test]
fn render_yaml_stream_of_the_seed() {
    let o = run(&["render", &fixture("seed-dhcp.yaml")], b"");
    status(&o, 0);
    let docs = wukong_net::source::parse(&o.stdout).documents;
    let kinds: Vec<&str> = docs
        .iter()
        .map(|d| d.value["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "NetworkAttachmentDefinition",
            "VirtualMachine",
            "NodeNetworkConfigurationPolicy"
        ]
    );
    assert!(
        o.stderr.is_empty(),
        "the seed renders without a warning: {}",
        o.stderr
    );
}

#[test]
fn render_only_networkdata_is_bare_network_config() {
    let o = run(
        &["render", "-", "--only", "networkdata"],
        std::fs::read(fixture("seed-dhcp.yaml")).unwrap().as_slice(),
    );
    status(&o, 0);
    let docs = wukong_net::source::parse(&o.stdout).documents;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].value["network"]["version"], 2);
    assert_eq!(docs[0].value["network"]["ethernets"]["eth1"]["dhcp4"], true);
}

#[test]
fn render_json_has_the_documented_shape() {
    let o = run(
        &["render", &fixture("seed-static.yaml"), "--format", "json"],
        b"",
    );
    status(&o, 0);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "networkData",
            "userData",
            "secret",
            "networkAttachmentDefinitions",
            "virtualMachine",
            "nodeNetworkConfigurationPolicies",
            "diagnostics"
        ]
    );
    assert_eq!(v["userData"], "#cloud-config\n{}\n");
    assert_eq!(v["secret"], Value::Null);
    assert!(v["networkData"]
        .as_str()
        .unwrap()
        .contains("192.168.0.200/24"));
    let o = run(
        &[
            "render",
            &fixture("seed-static.yaml"),
            "--format",
            "json",
            "--only",
            "nad",
        ],
        b"",
    );
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["networkAttachmentDefinitions", "diagnostics"]);
}

/// `--only userdata` prints the userData as cloud-init reads a file: it starts with
/// `#cloud-config` (no `---`), and several Wukongs are separated by `---`.
#[test]
fn render_only_userdata_starts_with_the_cloud_config_header() {
    let o = run(
        &[
            "render",
            &fixture("boot-disk-registry.yaml"),
            "--only",
            "userdata",
        ],
        b"",
    );
    status(&o, 0);
    assert!(
        o.stdout
            .starts_with("#cloud-config\nuser:\n  name: alice\n"),
        "{}",
        o.stdout
    );
    let two = format!(
        "{}\n---\n{}",
        std::fs::read_to_string(fixture("boot-disk-registry.yaml")).unwrap(),
        std::fs::read_to_string(fixture("plaintext-password.yaml")).unwrap()
    );
    let o = run(&["render", "-", "--only", "userdata"], two.as_bytes());
    status(&o, 0);
    let parts: Vec<&str> = o.stdout.split("---\n").collect();
    assert_eq!(parts.len(), 2, "{}", o.stdout);
    assert!(
        parts.iter().all(|p| p.starts_with("#cloud-config\n")),
        "{}",
        o.stdout
    );
    // The plaintext password is what the user asked to see.
    assert!(parts[1].contains("plain_text_passwd"), "{}", parts[1]);
}

/// `--only secret`: one Secret with a plaintext password; nothing, and a note, without one.
#[test]
fn render_only_secret() {
    let o = run(
        &[
            "render",
            &fixture("plaintext-password.yaml"),
            "--only",
            "secret",
        ],
        b"",
    );
    status(&o, 0);
    let docs = wukong_net::source::parse(&o.stdout).documents;
    assert_eq!(docs.len(), 1, "{}", o.stdout);
    assert_eq!(docs[0].value["kind"], "Secret");
    assert_eq!(docs[0].value["metadata"]["name"], "lab-user-userdata");
    assert!(docs[0].value["stringData"]["userdata"]
        .as_str()
        .unwrap()
        .starts_with("#cloud-config\n"));
    let o = run(
        &["render", &fixture("seed-dhcp.yaml"), "--only", "secret"],
        b"",
    );
    status(&o, 0);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("no Secret to print"), "{}", o.stderr);
}

/// What `kubectl apply -f -` needs of the stream: every document has apiVersion, kind and
/// metadata.name, a namespace exactly when its kind is namespaced, and each Wukong's objects
/// come Secret, NADs, VM, NMState policies, so what the VM names exists before it.
#[test]
fn the_render_stream_is_in_apply_order() {
    let mut input = String::new();
    for f in [
        "plaintext-password.yaml",
        "seed-static.yaml",
        "boot-disk-registry.yaml",
        "gpu-ha.yaml",
    ] {
        input.push_str(&std::fs::read_to_string(fixture(f)).unwrap());
        input.push_str("\n---\n");
    }
    let o = run(&["render", "-"], input.as_bytes());
    status(&o, 0);
    let docs = wukong_net::source::parse(&o.stdout).documents;
    assert!(docs.len() >= 8, "{}", o.stdout);
    let rank = |k: &str| match k {
        "Secret" => 0,
        "NetworkAttachmentDefinition" => 1,
        "VirtualMachine" => 2,
        "NodeNetworkConfigurationPolicy" => 3,
        other => panic!("unexpected kind {other}"),
    };
    let rendered_nads: Vec<&str> = docs
        .iter()
        .filter(|d| d.value["kind"] == "NetworkAttachmentDefinition")
        .map(|d| d.value["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(!rendered_nads.is_empty());
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut last = 0;
    let mut secrets = 0;
    for d in &docs {
        let v = &d.value;
        assert!(v["apiVersion"].is_string(), "{v}");
        let kind = v["kind"].as_str().unwrap();
        let name = v["metadata"]["name"].as_str().unwrap().to_string();
        assert!(!name.is_empty());
        let namespaced = kind != "NodeNetworkConfigurationPolicy";
        assert_eq!(
            v["metadata"]["namespace"].is_string(),
            namespaced,
            "{kind} {name}"
        );
        let r = rank(kind);
        if r < last {
            // A new Wukong's objects begin with a rank lower than the last one's VM or NNCP.
            assert!(last >= 2, "{kind} {name} after rank {last}");
        }
        last = r;
        if kind == "Secret" {
            secrets += 1;
        }
        if kind == "VirtualMachine" {
            let t = &v["spec"]["template"]["spec"];
            for vol in t["volumes"].as_array().unwrap() {
                if let Some(s) = vol["cloudInitNoCloud"]["secretRef"]["name"].as_str() {
                    assert!(
                        seen.contains(&("Secret".into(), s.into())),
                        "{name}: Secret {s} not before it"
                    );
                }
            }
            for net in t["networks"].as_array().unwrap() {
                if let Some(n) = net["multus"]["networkName"].as_str() {
                    // NADs wukong-net renders come before the VM; others (nadName) exist already.
                    if rendered_nads.contains(&n) {
                        assert!(
                            seen.contains(&("NetworkAttachmentDefinition".into(), n.into())),
                            "{name}: NAD {n} not before it"
                        );
                    }
                }
            }
        }
        seen.push((kind.to_string(), name));
    }
    assert_eq!(secrets, 1);
}

#[test]
fn errors_render_nothing_and_exit_1() {
    let spec = std::fs::read_to_string(fixture("seed-dhcp.yaml"))
        .unwrap()
        .replace(
            "mode: dhcp  #",
            "mode: dhcp\n        address: 10.0.0.5/24  #",
        );
    let o = run(&["render", "-"], spec.as_bytes());
    status(&o, 1);
    assert!(o.stdout.is_empty());
    let err = &o.stderr;
    assert!(err.contains("error[dhcp-with-address]"), "{err}");
    assert!(
        err.contains("address: 10.0.0.5/24"),
        "the snippet shows the line: {err}"
    );
    assert!(err.contains("nothing rendered"), "{err}");
    let o = run(&["render", "-", "--format", "json"], spec.as_bytes());
    status(&o, 1);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["virtualMachine"].is_null());
    assert_eq!(v["diagnostics"][0]["code"], "dhcp-with-address");
}

#[test]
fn check_human_shows_a_located_snippet() {
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1, uid: u}\nspec:\n  networks:\n  - name: ext\n    physicalInterface: ens192\n    vlanId: 5000\n    ipConfig: {mode: dhcp}\n  osImage: ubuntu:22.04\n";
    let o = run(&["check", "-"], spec.as_bytes());
    status(&o, 1);
    let out = &o.stdout;
    assert!(
        out.contains("error[vlan-out-of-range]: VLAN id 5000 is outside 1-4094"),
        "{out}"
    );
    assert!(out.contains("--> <stdin>:8:13"), "{out}");
    assert!(out.contains("8 |     vlanId: 5000"), "{out}");
    assert!(out.contains("  |             ^^^^"), "{out}");
    assert!(out.contains("= hint:"), "{out}");
    assert!(out.contains("1 file checked: 1 error, 0 warnings"), "{out}");
}

#[test]
fn check_json_lists_files() {
    let o = run(
        &[
            "check",
            &fixture("seed-dhcp.yaml"),
            &fixture("seed-static.yaml"),
            "--format",
            "json",
        ],
        b"",
    );
    status(&o, 0);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert!(v[0]["file"].as_str().unwrap().ends_with("seed-dhcp.yaml"));
    assert_eq!(v[0]["diagnostics"], serde_json::json!([]));
}

#[test]
fn warnings_alone_exit_0() {
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1, uid: u}\nspec:\n  networks:\n  - name: ext\n    nadName: existing\n    ipConfig: {mode: dhcp}\n    ipconfig: {}\n  osImage: ubuntu:22.04\n";
    let (o, diags) = check_json(spec.as_bytes());
    status(&o, 0);
    assert_eq!(diags[0]["code"], "unknown-field");
    assert_eq!(diags[0]["hint"], "did you mean `ipConfig`?");
    assert_eq!(diags[0]["line"], 9);
}

#[test]
fn not_yaml_is_a_located_syntax_error() {
    let (o, diags) = check_json(b"apiVersion: v1\nspec: [unclosed\n  networks: {\n");
    status(&o, 1);
    assert_eq!(diags[0]["code"], "yaml-syntax");
    assert!(diags[0]["line"].as_u64().unwrap() >= 2);
}

#[test]
fn wrong_types_are_located() {
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1}\nspec:\n  networks:\n  - name: ext\n    primary: [1]\n";
    let (o, diags) = check_json(spec.as_bytes());
    status(&o, 1);
    let d = diags.iter().find(|d| d["code"] == "wrong-type").unwrap();
    assert_eq!(d["path"], "spec.networks[0].primary");
    assert_eq!(d["line"], 7);
}

#[test]
fn vm_fields_are_checked_and_located() {
    // The fields issue 13 renders: each broken value is an error at its line and column.
    let spec = concat!(
        "apiVersion: vm.novasphere.dev/v1alpha1\n",
        "kind: Wukong\n",
        "metadata: {name: vm1, uid: u}\n",
        "spec:\n",
        "  memory: 4GB\n",
        "  osImage: Ubuntu:22.04\n",
        "  sshKeySecret: My_Keys\n",
        "  disks:\n",
        "  - name: root\n",
        "    size: 80 Gi\n",
        "    storageClassName: standard\n",
        "    boot: true\n",
        "    image: s3://bucket/disk.img\n",
        "  gpus:\n",
        "  - {name: gpu0, deviceName: tesla}\n",
    );
    let o = run(&["check", "-"], spec.as_bytes());
    status(&o, 1);
    let out = &o.stdout;
    assert!(
        out.contains("error[invalid-image-reference]: image `Ubuntu:22.04` is not a valid image reference: the repository name must be lowercase"),
        "{out}"
    );
    assert!(out.contains("--> <stdin>:6:12"), "{out}");
    assert!(out.contains("6 |   osImage: Ubuntu:22.04"), "{out}");
    assert!(out.contains("  |            ^^^^^^^^^^^^"), "{out}");
    assert!(
        out.contains("1 file checked: 6 errors, 0 warnings"),
        "{out}"
    );

    let (o, diags) = check_json(spec.as_bytes());
    status(&o, 1);
    let at = |code: &str| {
        let d = diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {diags:#?}"));
        assert_eq!(d["severity"], "error", "{d}");
        assert!(d["hint"].is_string(), "{d}");
        (
            d["path"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
        )
    };
    assert_eq!(
        at("invalid-secret-name"),
        ("spec.sshKeySecret".into(), 7, 17)
    );
    assert_eq!(
        at("unsupported-image-scheme"),
        ("spec.disks[0].image".into(), 13, 12)
    );
    assert_eq!(
        at("invalid-gpu-device-name"),
        ("spec.gpus[0].deviceName".into(), 15, 30)
    );
    let sizes: Vec<(&str, u64)> = diags
        .iter()
        .filter(|d| d["code"] == "invalid-quantity")
        .map(|d| (d["path"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(sizes, [("spec.memory", 5), ("spec.disks[0].size", 10)]);
}

#[test]
fn binary_garbage_is_not_utf8() {
    let mut bytes = b"apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80));
    let (o, diags) = check_json(&bytes);
    status(&o, 1);
    assert_eq!(diags[0]["code"], "not-utf8");
    assert_eq!(diags[0]["line"], 3);
    // Control characters that are valid UTF-8 are a YAML error, not a crash.
    let (o, diags) = check_json(b"a: \x00\x01\x02\nb: [\x7f\n");
    status(&o, 1);
    assert_eq!(diags[0]["code"], "yaml-syntax");
}

#[test]
fn a_file_past_the_stream_size_limit_is_refused_with_a_diagnostic() {
    // `check` reads a file under the stream limits (16 MiB): 20 MB is refused, exactly the
    // limit parses.
    let limit = wukong_net::limits::Limits::STREAM.input_bytes;
    let big = "# padding\n".repeat(2_000_000);
    let (o, diags) = check_json(big.as_bytes());
    status(&o, 1);
    assert_eq!(diags[0]["code"], "input-too-large");
    let inside = "#".repeat(limit - 1) + "\n";
    let (o, diags) = check_json(inside.as_bytes());
    status(&o, 0);
    assert!(diags.is_empty());
}

#[test]
fn alias_bombs_are_stopped() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names: Vec<char> = ('a'..='i').collect();
    for w in names.windows(2) {
        let (p, c) = (w[0], w[1]);
        bomb.push_str(&format!(
            "{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    let (o, diags) = check_json(bomb.as_bytes());
    status(&o, 1);
    assert_eq!(diags[0]["code"], "too-many-nodes");
}

#[test]
fn deep_nesting_is_stopped() {
    for deep in [
        "[".repeat(100_000),
        "a:\n".to_string() + &"{b: ".repeat(50_000),
        "- ".repeat(50_000),
    ] {
        let (o, diags) = check_json(deep.as_bytes());
        status(&o, 1);
        let code = diags[0]["code"].as_str().unwrap();
        assert!(code == "too-deep" || code == "yaml-syntax", "{code}");
    }
}

#[test]
fn names_carrying_yaml_never_inject() {
    // A name with a newline and YAML syntax is refused, and nothing is rendered from it.
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1, uid: u}\nspec:\n  networks:\n  - name: \"ext\\n    dhcp4: false\\nevil: 1\"\n    bridgeName: \"br0\\nx: y\"\n    physicalInterface: ens192\n    ipConfig: {mode: dhcp}\n";
    let o = run(&["render", "-"], spec.as_bytes());
    status(&o, 1);
    assert!(o.stdout.is_empty());
    let (_, diags) = check_json(spec.as_bytes());
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"invalid-network-name"), "{codes:?}");
    assert!(codes.contains(&"invalid-interface-name"), "{codes:?}");
}

#[test]
fn other_kinds_are_skipped_at_info_level() {
    let (o, diags) = check_json(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    status(&o, 0);
    assert_eq!(diags[0]["code"], "not-a-wukong");
    assert_eq!(diags[0]["severity"], "info");
    let (o, diags) = check_json(b"- just\n- a list\n");
    status(&o, 1);
    assert_eq!(diags[0]["code"], "not-an-object");
}

#[test]
fn multi_document_streams_render_every_wukong() {
    let a = std::fs::read_to_string(fixture("seed-dhcp.yaml")).unwrap();
    let b = std::fs::read_to_string(fixture("seed-static.yaml")).unwrap();
    let o = run(
        &["render", "-", "--format", "json"],
        format!("{a}---\n{b}").as_bytes(),
    );
    status(&o, 0);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(
        v[1]["virtualMachine"]["metadata"]["name"],
        "ubuntu-static-vm"
    );
}

/// `explain` takes a code's former name (codes merged into another keep working) and says
/// where the code is emitted.
#[test]
fn explain_reads_former_names_and_names_the_emitters() {
    let o = run(&["explain", "mac-used-twice"], b"");
    status(&o, 0);
    let text = &o.stdout;
    assert!(text.starts_with("duplicate-mac (error): "), "{text}");
    assert!(text.contains("Formerly also `mac-used-twice`"), "{text}");
    assert!(
        text.contains("emitted by: ") && text.contains("checks/link.rs: check"),
        "{text}"
    );
}
