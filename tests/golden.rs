//! Golden tests: every fixture (the seed's DHCP and static examples first) and the CRD fixture
//! that sets every field render to the reviewed manifests in tests/golden/. `BLESS=1 cargo test --test golden` rewrites them after a deliberate change;
//! review the diff before committing.

use std::path::{Path, PathBuf};
use wukong_net::render::manifests_yaml;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn golden(fixture: &str) {
    golden_of("tests/fixtures", fixture);
}

fn golden_of(dir: &str, fixture: &str) {
    let input = std::fs::read_to_string(root().join(dir).join(fixture)).unwrap();
    let report = wukong_net::render(&input);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let got = manifests_yaml(&report.manifests, None);
    let path: PathBuf = root().join("tests/golden").join(fixture);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} missing: run BLESS=1 cargo test --test golden",
            path.display()
        )
    });
    assert_eq!(
        got,
        want,
        "{} changed; if deliberate, BLESS=1 and review the diff",
        rel(&path)
    );
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

#[test]
fn seed_dhcp_example() {
    golden("seed-dhcp.yaml");
}

#[test]
fn seed_static_example() {
    golden("seed-static.yaml");
}

#[test]
fn every_field_example() {
    golden_of("tests/crd_fixtures", "every-field.yaml");
}

/// The seed's VM boots: the containerdisk of its osImage is the first disk with bootOrder 1,
/// it is started (runStrategy Always, never `running`), its memory is requested, and cloud-init
/// gets userData (it reads the network-config only with one).
#[test]
fn seed_dhcp_boots() {
    let input = std::fs::read_to_string(root().join("tests/fixtures/seed-dhcp.yaml")).unwrap();
    let m = &wukong_net::render(&input).manifests[0];
    let vm = serde_json::to_value(&m.virtual_machine).unwrap();
    assert_eq!(vm["spec"]["runStrategy"], "Always");
    assert!(vm["spec"].get("running").is_none());
    let t = &vm["spec"]["template"]["spec"];
    assert_eq!(
        t["domain"]["devices"]["disks"][0],
        serde_json::json!({"name": "containerdisk", "bootOrder": 1, "disk": {"bus": "virtio"}})
    );
    assert_eq!(
        t["volumes"][0],
        serde_json::json!({"name": "containerdisk", "containerDisk": {"image": "quay.io/containerdisks/ubuntu:22.04"}})
    );
    assert_eq!(t["domain"]["resources"]["requests"]["memory"], "4Gi");
    assert_eq!(t["domain"]["memory"]["guest"], "4Gi");
    assert_eq!(
        t["volumes"][1]["cloudInitNoCloud"]["userData"],
        "#cloud-config\n{}\n"
    );
    assert!(m.secret.is_none());
}

/// every-field.yaml: each field it sets lands where the README's mapping table says.
#[test]
fn every_field_semantics() {
    let input =
        std::fs::read_to_string(root().join("tests/crd_fixtures/every-field.yaml")).unwrap();
    let m = &wukong_net::render(&input).manifests[0];
    let vm = serde_json::to_value(&m.virtual_machine).unwrap();
    assert_eq!(vm["spec"]["runStrategy"], "RerunOnFailure");
    let dvs = &vm["spec"]["dataVolumeTemplates"];
    assert_eq!(dvs[0]["metadata"]["name"], "everything-rootdisk");
    assert_eq!(
        dvs[0]["spec"]["source"]["registry"]["url"],
        "docker://docker.io/library/ubuntu:22.04"
    );
    assert_eq!(
        dvs[0]["spec"]["storage"]["resources"]["requests"]["storage"],
        "80Gi"
    );
    assert_eq!(dvs[0]["spec"]["storage"]["storageClassName"], "standard");
    assert_eq!(dvs[1]["spec"]["source"], serde_json::json!({"blank": {}}));
    let t = &vm["spec"]["template"]["spec"];
    assert_eq!(t["domain"]["cpu"]["cores"], 4);
    assert_eq!(t["domain"]["devices"]["disks"][0]["bootOrder"], 1);
    assert_eq!(t["domain"]["devices"]["disks"][1]["name"], "data");
    assert!(t["domain"]["devices"]["disks"][1]
        .get("bootOrder")
        .is_none());
    assert_eq!(
        t["domain"]["devices"]["gpus"],
        serde_json::json!([{"name": "gpu0", "deviceName": "nvidia.com/gpu"}])
    );
    assert_eq!(t["evictionStrategy"], "None");
    assert_eq!(
        t["accessCredentials"][0]["sshPublicKey"],
        serde_json::json!({"source": {"secret": {"secretName": "demo-ssh-keys"}}, "propagationMethod": {"noCloud": {}}})
    );
    assert_eq!(t["nodeSelector"]["disktype"], "ssd");
    assert_eq!(t["tolerations"][1]["tolerationSeconds"], 300);
    assert_eq!(
        vm["spec"]["template"]["metadata"]["labels"]["vm.novasphere.dev/anti-affinity"],
        "true"
    );
    let term =
        &t["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(
        term["podAffinityTerm"]["topologyKey"],
        "kubernetes.io/hostname"
    );
    // The hash wins over the plaintext password, which is rendered nowhere.
    assert!(
        m.user_data.contains("passwd: $6$rounds=4096$salt$hash"),
        "{}",
        m.user_data
    );
    assert!(!m.user_data.contains("changeme"));
    assert!(m.secret.is_none());
}

/// A plaintext password travels only in the Secret, which the VM references.
#[test]
fn plaintext_password_goes_into_the_secret() {
    let input =
        std::fs::read_to_string(root().join("tests/fixtures/plaintext-password.yaml")).unwrap();
    let report = wukong_net::render(&input);
    let m = &report.manifests[0];
    let secret = m.secret.as_ref().expect("no Secret");
    assert_eq!(secret.metadata.name, "lab-user-userdata");
    assert!(
        secret.string_data["userdata"].contains("plain_text_passwd: 'yes'")
            || secret.string_data["userdata"].contains("plain_text_passwd: \"yes\""),
        "{}",
        secret.string_data["userdata"]
    );
    let vm = wukong_net::emit::to_yaml(&m.virtual_machine);
    assert!(
        !vm.contains("plain_text_passwd") && !vm.contains("userData"),
        "{vm}"
    );
    assert!(
        vm.contains("secretRef:\n            name: lab-user-userdata"),
        "{vm}"
    );
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code.as_str() == "plaintext-password"));
}

/// Every Wukong fixture has a reviewed rendering, so a change to the generator shows in some
/// golden file: in particular, specs without the newer optional blocks (`ipConfig.ipv6`) render
/// byte for byte as before those blocks existed.
#[test]
fn every_fixture_renders_as_its_golden_file() {
    let mut fixtures: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The Wukong fixtures; subfolders hold other kinds.
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "{fixtures:?}");
    for fixture in fixtures {
        golden(&fixture);
    }
}

/// What the seed's design note promises, asserted on the structure rather than the text.
#[test]
fn seed_dhcp_semantics() {
    let input = std::fs::read_to_string(root().join("tests/fixtures/seed-dhcp.yaml")).unwrap();
    let m = &wukong_net::render(&input).manifests[0];
    let nd = serde_yaml_reader(&m.network_data);
    let eth1 = &nd["network"]["ethernets"]["eth1"];
    assert_eq!(eth1["dhcp4"], true);
    assert_eq!(eth1["dhcp6"], false);
    assert_eq!(eth1["set-name"], "eth1");
    // The pod network is DHCP too, on eth0.
    assert_eq!(nd["network"]["ethernets"]["eth0"]["dhcp4"], true);
    // The netplan match names the MAC the KubeVirt interface pins.
    let vm = serde_json::to_value(&m.virtual_machine).unwrap();
    let ifaces = &vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"];
    assert_eq!(ifaces[1]["name"], "external");
    assert_eq!(ifaces[1]["macAddress"], eth1["match"]["macaddress"]);
    assert!(ifaces[1].get("bridge").is_some());
    assert!(ifaces[0].get("masquerade").is_some());
    // networkData rides in cloudInitNoCloud.networkData, never in userData.
    let vol = &vm["spec"]["template"]["spec"]["volumes"][1]["cloudInitNoCloud"];
    assert_eq!(vol["networkData"], m.network_data.as_str());
    assert!(!vol["userData"].as_str().unwrap().contains("network"));
    // The NAD: bridge plugin, L2 only (no IPAM type), no pod-side interface config.
    let cfg: serde_json::Value =
        serde_json::from_str(&m.network_attachment_definitions[0].spec.config).unwrap();
    assert_eq!(cfg["type"], "bridge");
    assert_eq!(cfg["bridge"], "br-external");
    assert_eq!(cfg["ipam"], serde_json::json!({}));
    assert_eq!(cfg["disableContainerInterface"], true);
    assert_eq!(cfg["name"], "ubuntu-dhcp-external-nad");
}

#[test]
fn seed_static_semantics() {
    let input = std::fs::read_to_string(root().join("tests/fixtures/seed-static.yaml")).unwrap();
    let m = &wukong_net::render(&input).manifests[0];
    let nd = serde_yaml_reader(&m.network_data);
    let eth1 = &nd["network"]["ethernets"]["eth1"];
    assert_eq!(eth1["dhcp4"], false);
    assert_eq!(eth1["addresses"][0], "192.168.0.200/24");
    assert_eq!(eth1["routes"][0]["to"], "0.0.0.0/0");
    assert_eq!(eth1["routes"][0]["via"], "192.168.0.1");
    assert_eq!(
        eth1["nameservers"]["addresses"],
        serde_json::json!(["192.168.0.1", "8.8.8.8"])
    );
    let cfg: serde_json::Value =
        serde_json::from_str(&m.network_attachment_definitions[0].spec.config).unwrap();
    let range = &cfg["ipam"]["ranges"][0][0];
    assert_eq!(cfg["ipam"]["type"], "host-local");
    assert_eq!(range["subnet"], "192.168.0.0/24");
    assert_eq!(range["rangeStart"], "192.168.0.200");
    assert_eq!(range["rangeEnd"], "192.168.0.200");
    assert_eq!(
        cfg["ipam"]["routes"][0],
        serde_json::json!({"dst": "0.0.0.0/0", "gw": "192.168.0.1"})
    );
    // The bridge plugin refuses IPAM together with disableContainerInterface.
    assert!(cfg.get("disableContainerInterface").is_none());
}

/// Reads YAML back with the project's own YAML 1.2 reader.
fn serde_yaml_reader(text: &str) -> serde_json::Value {
    let s = wukong_net::source::parse(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    s.documents.into_iter().next().unwrap().value
}
