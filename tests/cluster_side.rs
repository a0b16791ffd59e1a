//! The node and cluster side, read by the real consumers' own parsers:
//! - every generated NodeNetworkConfigurationPolicy `desiredState` by the nmstate library (the
//!   code the NMState operator runs), down to the NetworkManager keyfiles it would write;
//! - every generated VirtualMachine against KubeVirt's published OpenAPI schema with unknown
//!   fields as errors, as `kubectl apply --validate=strict` against a cluster would.
//!
//! Inputs: every fixture in tests/fixtures/. The KubeVirt schema is read from
//! `tests/data/schemas/kubevirt-swagger.json` (provenance in tests/data/README.md).

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
    let dir = manifest_dir().join("tests/fixtures");
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
    let path = manifest_dir().join("tests/data/schemas/kubevirt-swagger.json");
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
        definitions.get("v1.VirtualMachine").is_some(),
        "no v1.VirtualMachine in {}",
        path.display()
    );
    if let Some(defs) = definitions.as_object_mut() {
        defs.values_mut().for_each(close_objects);
    }
    let schema =
        json!({"definitions": definitions, "allOf": [{"$ref": "#/definitions/v1.VirtualMachine"}]});
    jsonschema::draft4::new(&schema)
        .unwrap_or_else(|e| panic!("the KubeVirt schema does not compile: {e}"))
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
    for (fixture, rendered) in rendered_fixtures() {
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
    assert!(vms >= 2, "only {vms} VirtualMachines were checked");
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
            "/volumes/0/cloudInitNoCloud",
            |vm| {
                let src = &mut vm["spec"]["template"]["spec"]["volumes"][0]["cloudInitNoCloud"];
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
