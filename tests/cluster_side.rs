//! The node and cluster side, read by the real consumers' own parsers:
//! - every generated NodeNetworkConfigurationPolicy `desiredState` by the nmstate library (the
//!   code the NMState operator runs), down to the NetworkManager keyfiles it would write;
//! - every generated VirtualMachine against KubeVirt's published OpenAPI schema with unknown
//!   fields as errors, as `kubectl apply --validate=strict` against a cluster would.
//!
//! - every `dataVolumeTemplates` entry against CDI's own DataVolume schema (closed the same way);
//! - every rendered Secret against the rules of the Kubernetes API (neither swagger defines it).
//!
//! Inputs: every fixture in tests/fixtures/ (and, for the VM side, tests/crd_fixtures/). The
//! schemas are read from `tests/data/schemas/kubevirt-swagger.json` and `cdi-swagger.json`
//! (provenance in tests/data/README.md).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wukong_net::model::{Network, Wukong};
use wukong_net::{emit, names, Manifests};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every fixture, rendered. None of tests/fixtures is meant to be invalid.
fn rendered_fixtures() -> Vec<(String, Vec<(Wukong, Manifests)>)> {
    rendered_dir("tests/fixtures")
}

/// A fixture of `all_rendered` by its file name (the two folders share no name).
fn fixture_path(name: &str) -> PathBuf {
    let found: Vec<PathBuf> = ["tests/fixtures", "tests/crd_fixtures"]
        .iter()
        .map(|dir| manifest_dir().join(dir).join(name))
        .filter(|p| p.exists())
        .collect();
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found.into_iter().next().unwrap()
}

/// The fixtures and the CRD fixtures (every-field.yaml sets every field of the API).
fn all_rendered() -> Vec<(String, Vec<(Wukong, Manifests)>)> {
    let mut all = rendered_fixtures();
    all.extend(rendered_dir("tests/crd_fixtures"));
    all
}

fn rendered_dir(dir: &str) -> Vec<(String, Vec<(Wukong, Manifests)>)> {
    let dir = manifest_dir().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report = wukong_net::render(&read(&path));
            let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{name} does not render: {errors:#?}");
            assert_eq!(report.wukongs.len(), report.manifests.len(), "{name}");
            (
                name,
                report.wukongs.into_iter().zip(report.manifests).collect(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// nmstate

/// A NetworkManager keyfile: section -> key -> value.
type Keyfile = BTreeMap<String, BTreeMap<String, String>>;

fn parse_keyfile(text: &str) -> Keyfile {
    let mut out = Keyfile::new();
    let mut section = String::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            out.entry(section.clone()).or_default();
        } else if let Some((k, v)) = line.split_once('=') {
            out.entry(section.clone())
                .or_default()
                .insert(k.to_string(), v.to_string());
        } else {
            panic!("not a keyfile line: {line:?}\n{text}");
        }
    }
    out
}

fn get<'a>(kf: &'a Keyfile, section: &str, key: &str) -> Option<&'a str> {
    kf.get(section).and_then(|s| s.get(key)).map(String::as_str)
}

/// What nmstate makes of a desiredState: its keyfiles by file name, or nmstate's error.
fn nmstate_keyfiles(desired_state_yaml: &str) -> Result<BTreeMap<String, Keyfile>, String> {
    let state =
        nmstate::NetworkState::new_from_yaml(desired_state_yaml).map_err(|e| e.to_string())?;
    let mut conf = state.gen_conf().map_err(|e| e.to_string())?;
    let files = conf
        .remove("NetworkManager")
        .ok_or("gen_conf wrote no NetworkManager config")?;
    Ok(files
        .into_iter()
        .map(|(name, text)| (name, parse_keyfile(&text)))
        .collect())
}

/// The network an NNCP was made for.
fn network_of<'a>(w: &'a Wukong, nncp_name: &str) -> &'a Network {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    w.spec
        .networks
        .iter()
        .find(|n| names::nncp(owner, &n.name) == nncp_name)
        .unwrap_or_else(|| panic!("no network for the policy {nncp_name}"))
}

#[test]
fn every_nncp_desired_state_becomes_networkmanager_keyfiles_in_nmstate() {
    let (mut policies, mut with_vlan, mut with_mtu, mut v6_policies) = (0, 0, 0, 0);
    for (fixture, rendered) in rendered_fixtures() {
        for (w, m) in &rendered {
            // One policy per operator-made bridge.
            let owner = w.metadata.name.as_deref().unwrap_or("");
            let mut expected: Vec<String> = w
                .spec
                .networks
                .iter()
                .filter(|n| n.makes_nad())
                .map(|n| names::nncp(owner, &n.name))
                .collect();
            let mut made: Vec<String> = m
                .node_network_configuration_policies
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect();
            expected.sort();
            made.sort();
            assert_eq!(made, expected, "{fixture}: policies");

            for nncp in &m.node_network_configuration_policies {
                let at = format!("{fixture}: {}", nncp.metadata.name);
                let net = network_of(w, &nncp.metadata.name);
                let bridge = net.bridge();
                let nic = net.physical_interface.clone().unwrap_or_default();
                let yaml = emit::to_yaml(&nncp.spec.desired_state);
                let files = nmstate_keyfiles(&yaml)
                    .unwrap_or_else(|e| panic!("{at}: nmstate refuses it: {e}\n{yaml}"));
                policies += 1;

                assert_eq!(files.len(), 2, "{at}: {:?}", files.keys());
                let br = files
                    .get(&format!("{bridge}.nmconnection"))
                    .unwrap_or_else(|| panic!("{at}: no keyfile for {bridge}: {:?}", files.keys()));
                assert_eq!(get(br, "connection", "type"), Some("bridge"), "{at}");
                assert_eq!(
                    get(br, "connection", "interface-name"),
                    Some(bridge.as_str()),
                    "{at}"
                );
                assert_eq!(get(br, "bridge", "stp"), Some("false"), "{at}");
                assert_eq!(
                    get(br, "ipv4", "method"),
                    Some("auto"),
                    "{at}: the node's own address by DHCP"
                );
                // Networks with an `ipv6` block: no IPv6 on the bridge (RAs and DHCPv6 for the
                // guests cross it anyway); without one, nothing is said, as before.
                let v6_aware = net.ip_config.as_ref().is_some_and(|ip| ip.ipv6.is_some());
                if v6_aware {
                    assert_eq!(get(br, "ipv6", "method"), Some("disabled"), "{at}");
                    v6_policies += 1;
                }

                let port = files
                    .get(&format!("{nic}.nmconnection"))
                    .unwrap_or_else(|| panic!("{at}: no keyfile for {nic}: {:?}", files.keys()));
                assert_eq!(
                    get(port, "connection", "interface-name"),
                    Some(nic.as_str()),
                    "{at}"
                );
                let controller =
                    get(port, "connection", "controller").or(get(port, "connection", "master"));
                assert_eq!(
                    controller,
                    Some(bridge.as_str()),
                    "{at}: the NIC is the bridge's port"
                );
                let port_type =
                    get(port, "connection", "port-type").or(get(port, "connection", "slave-type"));
                assert_eq!(port_type, Some("bridge"), "{at}");
                assert!(
                    port.get("ipv4")
                        .is_none_or(|s| s.get("method").is_none_or(|m| m == "disabled")),
                    "{at}: the port has no IP"
                );

                match net.vlan_id {
                    Some(id) => {
                        with_vlan += 1;
                        assert_eq!(get(br, "bridge", "vlan-filtering"), Some("true"), "{at}");
                        // The uplink carries the tag (trunk), and untagged traffic stays on the
                        // native VLAN 1 so the node's own DHCP on the bridge keeps working.
                        let want = if id == 1 {
                            "1".to_string()
                        } else {
                            format!("1 pvid untagged,{id}")
                        };
                        assert_eq!(
                            get(port, "bridge-port", "vlans"),
                            Some(want.as_str()),
                            "{at}"
                        );
                    }
                    None => {
                        assert_eq!(get(br, "bridge", "vlan-filtering"), Some("false"), "{at}");
                        assert_eq!(get(port, "bridge-port", "vlans"), None, "{at}");
                    }
                }
                let mtu = net.mtu.map(|m| m.to_string());
                if mtu.is_some() {
                    with_mtu += 1;
                }
                assert_eq!(
                    get(br, "ethernet", "mtu"),
                    mtu.as_deref(),
                    "{at}: bridge MTU"
                );
                assert_eq!(
                    get(port, "ethernet", "mtu"),
                    mtu.as_deref(),
                    "{at}: port MTU"
                );
            }
        }
    }
    assert!(policies >= 2, "only {policies} policies were checked");
    assert!(
        with_vlan >= 1,
        "no fixture in tests/fixtures has a vlanId: the VLAN form is unproven"
    );
    assert!(
        with_mtu >= 1,
        "no fixture in tests/fixtures has an mtu: the MTU form is unproven"
    );
    assert!(
        v6_policies >= 1,
        "no fixture in tests/fixtures has an ipv6 block: the IPv6 form is unproven"
    );
}

fn seed_desired_state(fixture: &str) -> String {
    let report = wukong_net::render(&read(&manifest_dir().join("tests/fixtures").join(fixture)));
    let nncp = report
        .manifests
        .first()
        .and_then(|m| m.node_network_configuration_policies.first())
        .unwrap_or_else(|| panic!("{fixture} renders no policy: {:?}", report.diagnostics));
    emit::to_yaml(&nncp.spec.desired_state)
}

/// nmstate parses strictly: a misspelt key or a wrong value is an error, so its acceptance of
/// what we generate means something.
#[test]
fn nmstate_refuses_misspelt_keys_and_wrong_values() {
    let dhcp = seed_desired_state("seed-dhcp.yaml");
    let vlan = seed_desired_state("vlan.yaml");
    assert!(nmstate_keyfiles(&dhcp).is_ok() && nmstate_keyfiles(&vlan).is_ok());
    for (base, from, to) in [
        (&dhcp, "stp:", "stpp:"),
        (&dhcp, "type: linux-bridge", "type: linux-bridgeX"),
        (&dhcp, "enabled: false", "enabled: nope"),
        (&dhcp, "options:", "option:"),
        (&vlan, "trunk-tags:", "trunk_tags:"),
        (&vlan, "mode: trunk", "mode: trunc"),
        (&vlan, "- id: 100", "- id: tenant"),
    ] {
        assert!(
            base.contains(from),
            "the generated desiredState has no `{from}`:\n{base}"
        );
        let broken = base.replacen(from, to, 1);
        let result = nmstate_keyfiles(&broken);
        assert!(result.is_err(), "nmstate accepted `{to}`:\n{broken}");
    }
    // The error names the offending key, as the operator would report it.
    let err = nmstate_keyfiles(&dhcp.replacen("stp:", "stpp:", 1))
        .err()
        .unwrap_or_default();
    assert!(err.contains("stpp"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// KubeVirt

/// Closes every object schema that lists its properties (unknown fields become errors, as with
/// `kubectl apply --validate=strict`), walking only schema positions.
fn close_objects(schema: &mut Value) {
    let Some(m) = schema.as_object_mut() else {
        return;
    };
    if m.contains_key("properties") && !m.contains_key("additionalProperties") {
        m.insert("additionalProperties".into(), Value::Bool(false));
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        props.values_mut().for_each(close_objects);
    }
    match m.get_mut("items") {
        Some(Value::Array(items)) => items.iter_mut().for_each(close_objects),
        Some(items) => close_objects(items),
        None => {}
    }
    if let Some(ap @ Value::Object(_)) = m.get_mut("additionalProperties") {
        close_objects(ap);
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = m.get_mut(k) {
            subs.iter_mut().for_each(close_objects);
        }
    }
    if let Some(not) = m.get_mut("not") {
        close_objects(not);
    }
}

/// KubeVirt's swagger definitions as one JSON Schema (Draft 4, what OpenAPI 2.0 builds on) whose
/// root is `v1.VirtualMachine` and whose `#/definitions/...` references resolve.
fn kubevirt_vm_validator() -> jsonschema::Validator {
    swagger_validator("kubevirt-swagger.json", "v1.VirtualMachine")
}

/// One definition of a swagger file in tests/data/schemas/ as a closed JSON Schema.
fn swagger_validator(file: &str, root: &str) -> jsonschema::Validator {
    let path = manifest_dir().join("tests/data/schemas").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "KubeVirt's OpenAPI spec is missing at {} ({e}): it is part of the repository \
             (tests/data/README.md)",
            path.display()
        )
    });
    let swagger: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut definitions = swagger["definitions"].clone();
    assert!(
        definitions.get(root).is_some(),
        "no {root} in {}",
        path.display()
    );
    if let Some(defs) = definitions.as_object_mut() {
        defs.values_mut().for_each(close_objects);
    }
    let schema =
        json!({"definitions": definitions, "allOf": [{"$ref": format!("#/definitions/{root}")}]});
    jsonschema::draft4::new(&schema)
        .unwrap_or_else(|e| panic!("the schema of {file} does not compile: {e}"))
}

fn vm_errors(v: &jsonschema::Validator, vm: &Value) -> Vec<String> {
    v.iter_errors(vm)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_virtual_machine_is_valid_against_kubevirts_schema() {
    let validator = kubevirt_vm_validator();
    let mut vms = 0;
    for (fixture, rendered) in all_rendered() {
        for (_, m) in &rendered {
            let vm = serde_json::to_value(&m.virtual_machine)
                .unwrap_or_else(|e| panic!("{fixture}: {e}"));
            let errors = vm_errors(&validator, &vm);
            assert!(
                errors.is_empty(),
                "{fixture}: KubeVirt's schema rejects the VirtualMachine: {errors:#?}\n{vm:#}"
            );
            vms += 1;
        }
    }
    assert!(vms >= 20, "only {vms} VirtualMachines were checked");
}

/// The validator rejects what a strict API server would, so its acceptance means something.
#[test]
fn kubevirt_schema_rejects_misspelt_fields_and_wrong_types() {
    let validator = kubevirt_vm_validator();
    let report = wukong_net::render(&read(&manifest_dir().join("tests/fixtures/seed-dhcp.yaml")));
    let vm = report
        .manifests
        .first()
        .map(|m| serde_json::to_value(&m.virtual_machine))
        .unwrap_or_else(|| panic!("seed-dhcp renders nothing: {:?}", report.diagnostics))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(validator.is_valid(&vm));

    let spec = "/spec/template/spec";
    type Case = (&'static str, &'static str, fn(&mut Value));
    let cases: [Case; 7] = [
        (
            "macaddress instead of macAddress",
            "/domain/devices/interfaces/1",
            |vm| {
                let iface =
                    &mut vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"][1];
                if let Some(m) = iface.as_object_mut() {
                    let mac = m.remove("macAddress").unwrap_or_default();
                    m.insert("macaddress".into(), mac);
                }
            },
        ),
        (
            "networkdata instead of networkData",
            "/volumes/1/cloudInitNoCloud",
            |vm| {
                let src = &mut vm["spec"]["template"]["spec"]["volumes"][1]["cloudInitNoCloud"];
                if let Some(m) = src.as_object_mut() {
                    let data = m.remove("networkData").unwrap_or_default();
                    m.insert("networkdata".into(), data);
                }
            },
        ),
        ("cores as a string", "/domain/cpu/cores", |vm| {
            vm["spec"]["template"]["spec"]["domain"]["cpu"]["cores"] = json!("2")
        }),
        (
            "macAddress as a number",
            "/domain/devices/interfaces/0/macAddress",
            |vm| {
                vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"][0]["macAddress"] =
                    json!(41135085296_i64)
            },
        ),
        (
            "multus default as a string",
            "/networks/1/multus/default",
            |vm| vm["spec"]["template"]["spec"]["networks"][1]["multus"]["default"] = json!("true"),
        ),
        ("multus without networkName", "/networks/1/multus", |vm| {
            vm["spec"]["template"]["spec"]["networks"][1]["multus"] = json!({})
        }),
        (
            "interfaces not a list",
            "/domain/devices/interfaces",
            |vm| {
                vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"] =
                    json!({"name": "default"})
            },
        ),
    ];
    for (what, at, edit) in cases {
        let mut broken = vm.clone();
        edit(&mut broken);
        assert_ne!(broken, vm, "{what}: the edit changed nothing");
        let errors: Vec<(String, String)> = validator
            .iter_errors(&broken)
            .map(|e| (e.instance_path().to_string(), e.to_string()))
            .collect();
        assert!(!errors.is_empty(), "{what}: the KubeVirt schema accepts it");
        let want = format!("{spec}{at}");
        assert!(
            errors.iter().any(|(p, _)| *p == want),
            "{what}: no error at {want}: {errors:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Disks, cloud-init sources and Secrets

/// Every `dataVolumeTemplates` entry as CDI would create it, checked against CDI's own schema
/// (KubeVirt's embedded DataVolumeSpec is checked with the VM above: both must accept it).
#[test]
fn every_data_volume_template_is_valid_against_cdi() {
    let cdi = swagger_validator("cdi-swagger.json", "v1beta1.DataVolume");
    let (mut templates, mut registry, mut http, mut blank) = (0, 0, 0, 0);
    for (fixture, rendered) in all_rendered() {
        for (_, m) in &rendered {
            let vm = serde_json::to_value(&m.virtual_machine).unwrap();
            let Some(list) = vm["spec"]["dataVolumeTemplates"].as_array() else {
                continue;
            };
            let volumes = vm["spec"]["template"]["spec"]["volumes"]
                .as_array()
                .unwrap();
            for t in list {
                let mut dv = t.clone();
                dv["apiVersion"] = json!("cdi.kubevirt.io/v1beta1");
                dv["kind"] = json!("DataVolume");
                let errors = vm_errors(&cdi, &dv);
                assert!(
                    errors.is_empty(),
                    "{fixture}: CDI's schema rejects {dv:#}: {errors:#?}"
                );
                // KubeVirt refuses a template no volume references.
                let name = &t["metadata"]["name"];
                assert!(
                    volumes.iter().any(|v| v["dataVolume"]["name"] == *name),
                    "{fixture}: the template {name} is not referenced by a volume"
                );
                let source = &t["spec"]["source"];
                assert_eq!(
                    source.as_object().map(|o| o.len()),
                    Some(1),
                    "{fixture}: {source}"
                );
                if let Some(url) = source["registry"]["url"].as_str() {
                    registry += 1;
                    assert!(
                        url.starts_with("docker://") || url.starts_with("oci-archive://"),
                        "{fixture}: CDI needs the scheme: {url}"
                    );
                } else if let Some(url) = source["http"]["url"].as_str() {
                    http += 1;
                    assert!(
                        url.starts_with("http://") || url.starts_with("https://"),
                        "{url}"
                    );
                } else {
                    blank += 1;
                    assert_eq!(source["blank"], json!({}), "{fixture}");
                }
                templates += 1;
            }
        }
    }
    assert!(
        templates >= 5 && registry >= 2 && http >= 1 && blank >= 2,
        "too few templates: {templates} ({registry} registry, {http} http, {blank} blank)"
    );
}

/// The VM's disks: bootOrder unique, one boot disk first, and each disk has its volume.
#[test]
fn boot_orders_are_unique_and_every_disk_has_a_volume() {
    let mut booting = 0;
    for (fixture, rendered) in all_rendered() {
        for (w, m) in &rendered {
            let vm = serde_json::to_value(&m.virtual_machine).unwrap();
            let spec = &vm["spec"]["template"]["spec"];
            let disks = spec["domain"]["devices"]["disks"].as_array().unwrap();
            let volumes = spec["volumes"].as_array().unwrap();
            let disk_names: Vec<&Value> = disks.iter().map(|d| &d["name"]).collect();
            let volume_names: Vec<&Value> = volumes.iter().map(|v| &v["name"]).collect();
            assert_eq!(disk_names, volume_names, "{fixture}");
            let orders: Vec<i64> = disks
                .iter()
                .filter_map(|d| d["bootOrder"].as_i64())
                .collect();
            let mut unique = orders.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), orders.len(), "{fixture}: {orders:?}");
            let boots =
                w.spec.disks.iter().any(|d| d.boot == Some(true)) || w.spec.os_image.is_some();
            if boots {
                booting += 1;
                assert_eq!(
                    disks[0]["bootOrder"], 1,
                    "{fixture}: the boot disk comes first"
                );
            } else {
                assert!(orders.is_empty(), "{fixture}: {orders:?}");
            }
        }
    }
    assert!(booting >= 5, "only {booting} fixtures boot");
}

/// KubeVirt's admission: exactly one userData source, at most one networkData source, inline
/// userData at most 2048 bytes.
#[test]
fn cloud_init_sources_are_what_kubevirt_admits() {
    let mut from_secret = 0;
    for (fixture, rendered) in all_rendered() {
        for (_, m) in &rendered {
            let vm = serde_json::to_value(&m.virtual_machine).unwrap();
            let volumes = vm["spec"]["template"]["spec"]["volumes"]
                .as_array()
                .unwrap();
            let sources: Vec<&Value> = volumes
                .iter()
                .filter_map(|v| v.get("cloudInitNoCloud"))
                .collect();
            assert_eq!(sources.len(), 1, "{fixture}");
            let src = sources[0].as_object().unwrap();
            let user = ["userData", "userDataBase64", "secretRef"];
            let network = ["networkData", "networkDataBase64", "networkDataSecretRef"];
            assert_eq!(
                user.iter().filter(|k| src.contains_key(**k)).count(),
                1,
                "{fixture}"
            );
            assert!(
                network.iter().filter(|k| src.contains_key(**k)).count() <= 1,
                "{fixture}"
            );
            if let Some(text) = src.get("userData").and_then(Value::as_str) {
                assert!(text.len() <= 2048, "{fixture}: {} bytes inline", text.len());
            } else {
                from_secret += 1;
                assert!(m.secret.is_some(), "{fixture}: secretRef without a Secret");
            }
        }
    }
    assert!(
        from_secret >= 1,
        "no fixture takes its userData from a Secret"
    );
}

/// A Secret is valid as the Kubernetes API validates one (no swagger file here defines it):
/// v1 Secret, Opaque, a DNS-1123 subdomain name in the Wukong's namespace, data keys of
/// `[-._a-zA-Z0-9]+`, and the one key KubeVirt reads (`userdata`), named by the VM.
#[test]
fn every_secret_is_a_valid_secret_the_vm_names() {
    let key_ok = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    };
    let subdomain = |s: &str| {
        s.len() <= 253
            && s.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            })
    };
    let mut secrets = 0;
    for (fixture, rendered) in all_rendered() {
        for (w, m) in &rendered {
            let Some(secret) = &m.secret else { continue };
            secrets += 1;
            let v = serde_json::to_value(secret).unwrap();
            assert_eq!(v["apiVersion"], "v1", "{fixture}");
            assert_eq!(v["kind"], "Secret", "{fixture}");
            assert_eq!(v["type"], "Opaque", "{fixture}");
            let name = v["metadata"]["name"].as_str().unwrap();
            assert!(subdomain(name), "{fixture}: {name}");
            assert_eq!(
                v["metadata"]["namespace"],
                json!(w.metadata.namespace),
                "{fixture}"
            );
            let keys: Vec<&String> = v["stringData"].as_object().unwrap().keys().collect();
            assert_eq!(keys, ["userdata"], "{fixture}");
            assert!(keys.iter().all(|k| key_ok(k)));
            assert!(v.get("data").is_none(), "{fixture}");
            let vm = serde_json::to_value(&m.virtual_machine).unwrap();
            let refs: Vec<&Value> = vm["spec"]["template"]["spec"]["volumes"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v["cloudInitNoCloud"].get("secretRef"))
                .collect();
            assert_eq!(refs, [&json!({"name": name})], "{fixture}");
            // The password is in the Secret and nowhere in the VM.
            if let Some(p) = w
                .spec
                .cloud_init_user
                .as_ref()
                .and_then(|u| u.password.as_ref())
            {
                assert!(
                    secret.string_data["userdata"].contains(p.as_str()),
                    "{fixture}"
                );
                assert!(
                    !emit::to_yaml(&m.virtual_machine).contains("plain_text_passwd"),
                    "{fixture}"
                );
            }
        }
    }
    assert!(secrets >= 1, "no fixture renders a Secret");
}

/// The schemas refuse misspelt keys of the new parts, so their acceptance means something.
#[test]
fn the_schemas_reject_misspelt_disk_and_credential_fields() {
    let kubevirt = kubevirt_vm_validator();
    let cdi = swagger_validator("cdi-swagger.json", "v1beta1.DataVolume");
    let report = wukong_net::render(&read(
        &manifest_dir().join("tests/fixtures/boot-disk-registry.yaml"),
    ));
    let vm = serde_json::to_value(&report.manifests[0].virtual_machine).unwrap();
    assert!(kubevirt.is_valid(&vm));
    let mut dv = vm["spec"]["dataVolumeTemplates"][0].clone();
    dv["apiVersion"] = json!("cdi.kubevirt.io/v1beta1");
    dv["kind"] = json!("DataVolume");
    assert!(cdi.is_valid(&dv));

    let rename = |v: &mut Value, from: &str, to: &str| {
        let m = v.as_object_mut().unwrap();
        let x = m.remove(from).unwrap_or_else(|| panic!("no {from}"));
        m.insert(to.into(), x);
    };
    let mut broken = dv.clone();
    rename(&mut broken["spec"]["source"]["registry"], "url", "URL");
    assert!(!cdi.is_valid(&broken), "CDI accepts registry.URL");
    let mut broken = dv.clone();
    rename(
        &mut broken["spec"]["storage"]["resources"],
        "requests",
        "request",
    );
    assert!(!cdi.is_valid(&broken), "CDI accepts resources.request");

    let mut broken = vm.clone();
    rename(
        &mut broken["spec"]["template"]["spec"]["domain"]["devices"]["disks"][0],
        "bootOrder",
        "bootorder",
    );
    assert!(!kubevirt.is_valid(&broken), "KubeVirt accepts bootorder");
    let mut broken = vm.clone();
    rename(
        &mut broken["spec"]["template"]["spec"]["accessCredentials"][0]["sshPublicKey"]
            ["propagationMethod"],
        "noCloud",
        "nocloud",
    );
    assert!(
        !kubevirt.is_valid(&broken),
        "KubeVirt accepts propagationMethod.nocloud"
    );
    let mut broken = vm.clone();
    rename(
        &mut broken["spec"]["dataVolumeTemplates"][0]["spec"]["source"]["registry"],
        "url",
        "URL",
    );
    assert!(
        !kubevirt.is_valid(&broken),
        "KubeVirt accepts registry.URL in a template"
    );
}

/// What `render` writes passes `check` (the strict KubeVirt schema, the admission rules for VMs,
/// NADs and NMState policies, the references between them) with no error and no warning but
/// those the spec itself drew (ipv6-only-slaac.yaml is rendered as asked, with the warning).
#[test]
fn rendered_manifests_pass_check_without_findings() {
    let mut streams = 0;
    for (fixture, rendered) in all_rendered() {
        let spec_warnings: Vec<_> = wukong_net::render(&read(&fixture_path(&fixture)))
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .collect();
        let manifests: Vec<Manifests> = rendered.into_iter().map(|(_, m)| m).collect();
        let stream = wukong_net::render::manifests_yaml(&manifests, None);
        let report = wukong_net::check(&stream);
        let findings: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity >= wukong_net::Severity::Warning)
            .filter(|d| !spec_warnings.contains(&d.code))
            .collect();
        assert!(
            findings.is_empty(),
            "{fixture}: check finds {findings:#?}\n{stream}"
        );
        streams += 1;
    }
    assert!(streams >= 15, "only {streams} streams checked");
}
