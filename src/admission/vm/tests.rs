//! The VM rules on sample VirtualMachines.

use super::super::{NoLookup, Resources};
use super::*;
use crate::admission::base64::decode_base64;
use crate::diagnostic::Severity;
use serde_json::json;

const POD_MAC: &str = "02:00:00:00:00:01";
const EXT_MAC: &str = "02:00:00:00:00:02";

fn vm(interfaces: Value, networks: Value, volumes: Value) -> Value {
    json!({
        "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
        "metadata": {"name": "vm1", "namespace": "lab"},
        "spec": {"template": {"spec": {
            "domain": {"devices": {"interfaces": interfaces}},
            "networks": networks, "volumes": volumes
        }}}
    })
}

fn good_interfaces() -> Value {
    json!([
        {"name": "default", "masquerade": {}, "macAddress": POD_MAC},
        {"name": "external", "bridge": {}, "macAddress": EXT_MAC}
    ])
}

fn networks() -> Value {
    json!([{"name": "default", "pod": {}}, {"name": "external", "multus": {"networkName": "ext-nad"}}])
}

fn nd(text: &str) -> Value {
    json!([{"name": "cloudinitdisk", "cloudInitNoCloud": {"networkData": text}}])
}

const GOOD_ND: &str = "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      set-name: eth0\n      dhcp4: true\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:02\"}\n      set-name: eth1\n      dhcp4: true\n";

fn run(object: &Value, settings: &Settings, lookup: &mut dyn ResourceLookup) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let vm = VmObject {
        object,
        is_instance: false,
        namespace: "lab",
    };
    check(vm, settings, lookup, &mut out);
    out
}

fn codes(object: &Value) -> Vec<(Code, String)> {
    run(object, &Settings::default(), &mut NoLookup)
        .into_iter()
        .map(|d| (d.code, d.path))
        .collect()
}

const ND: &str = "spec.template.spec.volumes[0].cloudInitNoCloud.networkData";

/// Found by fuzzing: a finding at a quoted key of the embedded document's root got a
/// path with `.[` in it.
#[test]
fn findings_at_quoted_root_keys_keep_a_well_formed_path() {
    let text = format!("{GOOD_ND}\"net work\": 1\n");
    let found = codes(&vm(good_interfaces(), networks(), nd(&text)));
    let path = format!("{ND}[\"net work\"]");
    assert!(found.iter().any(|(_, p)| *p == path), "{found:?}");
    assert!(found.iter().all(|(_, p)| !p.contains(".[")), "{found:?}");
}

#[test]
fn a_well_wired_vm_passes() {
    assert!(codes(&vm(good_interfaces(), networks(), nd(GOOD_ND))).is_empty());
    // No networkData at all: nothing to check but the bindings.
    assert!(codes(&vm(good_interfaces(), networks(), json!([]))).is_empty());
    // A VMI has its spec at the top.
    let mut out = Vec::new();
    let vmi = json!({"spec": {"domain": {"devices": {"interfaces": good_interfaces()}}, "networks": networks(), "volumes": nd(GOOD_ND)}});
    let vm = VmObject {
        object: &vmi,
        is_instance: true,
        namespace: "lab",
    };
    check(vm, &Settings::default(), &mut NoLookup, &mut out);
    assert!(out.is_empty(), "{out:#?}");
}

#[test]
fn network_in_user_data() {
    let vols = json!([{"name": "c", "cloudInitNoCloud": {"userData": "#cloud-config\nuser: x\nnetwork:\n  version: 2\n"}}]);
    let ds = run(
        &vm(good_interfaces(), networks(), vols),
        &Settings::default(),
        &mut NoLookup,
    );
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(ds[0].code, Code::NetworkInUserData);
    assert_eq!(
        ds[0].path,
        "spec.template.spec.volumes[0].cloudInitNoCloud.userData.network"
    );
    assert!(
        ds[0].message.contains("userData line 3"),
        "{}",
        ds[0].message
    );
    // Base64 user-data is decoded; scripts are not cloud-config.
    let b64 = json!([{"name": "c", "cloudInitNoCloud": {"userDataBase64": "bmV0d29yazoge3ZlcnNpb246IDJ9Cg=="}}]);
    assert_eq!(
        codes(&vm(good_interfaces(), networks(), b64))[0].0,
        Code::NetworkInUserData
    );
    let script =
        json!([{"name": "c", "cloudInitNoCloud": {"userData": "#!/bin/sh\nnetwork: x\n"}}]);
    assert!(codes(&vm(good_interfaces(), networks(), script)).is_empty());
    let clean = json!([{"name": "c", "cloudInitNoCloud": {"userData": "#cloud-config\npackages: [vim]\n"}}]);
    assert!(codes(&vm(good_interfaces(), networks(), clean)).is_empty());
}

#[test]
fn network_data_must_parse_as_v2() {
    let ds = codes(&vm(
        good_interfaces(),
        networks(),
        nd("network: {version: 1, config: []}\n"),
    ));
    assert_eq!(
        ds,
        vec![(Code::NetworkDataInvalid, format!("{ND}.network.version"))]
    );
    let ds = run(
        &vm(
            good_interfaces(),
            networks(),
            nd("network:\n  version: 2\n  ethernets: [\n"),
        ),
        &Settings::default(),
        &mut NoLookup,
    );
    assert_eq!(ds[0].code, Code::YamlSyntax);
    assert_eq!(ds[0].path, ND);
    assert!(
        ds[0].message.contains("networkData line"),
        "{}",
        ds[0].message
    );
    assert_eq!(ds[0].line, 0, "inner lines are not the object's");
    let bad64 = json!([{"name": "c", "cloudInitNoCloud": {"networkDataBase64": "not base64!"}}]);
    assert_eq!(
        codes(&vm(good_interfaces(), networks(), bad64))[0].0,
        Code::NetworkDataInvalid
    );
    let good64 =
        json!([{"name": "c", "cloudInitConfigDrive": {"networkDataBase64": encode(GOOD_ND)}}]);
    assert!(codes(&vm(good_interfaces(), networks(), good64)).is_empty());
}

#[test]
fn mac_matches_must_be_pinned() {
    let unpinned = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}}]);
    let ds = run(
        &vm(unpinned.clone(), networks(), nd(GOOD_ND)),
        &Settings::default(),
        &mut NoLookup,
    );
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        (ds[0].code, ds[0].severity),
        (Code::MacNotPinned, Severity::Error)
    );
    assert_eq!(
        ds[0].path,
        format!("{ND}.network.ethernets.eth1.match.macaddress")
    );
    assert!(ds[0].hint.as_deref().unwrap_or("").contains(EXT_MAC));
    let relaxed = Settings {
        require_pinned_macs: false,
        ..Settings::default()
    };
    let ds = run(
        &vm(unpinned, networks(), nd(GOOD_ND)),
        &relaxed,
        &mut NoLookup,
    );
    assert_eq!(
        (ds[0].code, ds[0].severity),
        (Code::MacNotPinned, Severity::Warning)
    );
    // A MAC written in another case is the same MAC.
    let lower = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}, "macAddress": "02:00:00:00:00:ab"}]);
    let upper = GOOD_ND.replace("02:00:00:00:00:02", "02:00:00:00:00:AB");
    assert!(codes(&vm(lower, networks(), nd(&upper))).is_empty());
    let malformed = GOOD_ND.replace("02:00:00:00:00:02", "02-00-00-00-00-02");
    assert_eq!(
        codes(&vm(good_interfaces(), networks(), nd(&malformed)))[0].0,
        Code::InvalidMac
    );
}

#[test]
fn unquoted_mac_in_network_data() {
    let ifaces = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}, "macAddress": "52:54:00:12:34:56"}]);
    let text = GOOD_ND.replace("\"02:00:00:00:00:02\"", "52:54:00:12:34:56");
    let ds = codes(&vm(ifaces.clone(), networks(), nd(&text)));
    assert_eq!(
        ds,
        vec![(
            Code::UnquotedMac,
            format!("{ND}.network.ethernets.eth1.match.macaddress")
        )]
    );
    let quoted = GOOD_ND.replace("02:00:00:00:00:02", "52:54:00:12:34:56");
    assert!(codes(&vm(ifaces, networks(), nd(&quoted))).is_empty());
}

#[test]
fn masquerade_only_on_the_pod_network() {
    let ifaces = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "masquerade": {}, "macAddress": EXT_MAC}]);
    let ds = codes(&vm(ifaces, networks(), nd(GOOD_ND)));
    assert_eq!(
        ds,
        vec![(
            Code::MasqueradeOnMultus,
            "spec.template.spec.domain.devices.interfaces[1].masquerade".to_string()
        )]
    );
}

#[test]
fn pod_interface_left_unconfigured_warns() {
    let only_ext = "network:\n  version: 2\n  ethernets:\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:02\"}\n      dhcp4: true\n";
    let ds = run(
        &vm(good_interfaces(), networks(), nd(only_ext)),
        &Settings::default(),
        &mut NoLookup,
    );
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        (ds[0].code, ds[0].severity, ds[0].path.as_str()),
        (Code::PodInterfaceUnconfigured, Severity::Warning, ND)
    );
    // Unpinned pod NIC configured by name, or by a glob, is fine.
    let ifaces = json!([{"name": "default", "masquerade": {}}, {"name": "external", "bridge": {}, "macAddress": EXT_MAC}]);
    let by_name = format!("{only_ext}    eth0: {{dhcp4: true}}\n");
    assert!(codes(&vm(ifaces.clone(), networks(), nd(&by_name))).is_empty());
    let by_glob =
        format!("{only_ext}    pod:\n      match: {{name: \"enp1*\"}}\n      dhcp4: true\n");
    assert!(codes(&vm(ifaces.clone(), networks(), nd(&by_glob))).is_empty());
    // Named, but configured with nothing.
    let empty = format!("{only_ext}    eth0: {{dhcp4: false}}\n");
    assert_eq!(
        codes(&vm(ifaces, networks(), nd(&empty)))[0].0,
        Code::PodInterfaceUnconfigured
    );
    // No pod network (a primary Multus network): nothing to warn about.
    let multus_only =
        json!([{"name": "external", "multus": {"networkName": "ext-nad", "default": true}}]);
    let ifaces = json!([{"name": "external", "bridge": {}, "macAddress": EXT_MAC}]);
    assert!(codes(&vm(ifaces, multus_only, nd(only_ext))).is_empty());
}

#[test]
fn static_addresses_obey_the_setting() {
    let text = GOOD_ND.replace(
        "      dhcp4: true\n",
        "      addresses: [192.168.0.10/24]\n",
    );
    assert!(codes(&vm(good_interfaces(), networks(), nd(&text))).is_empty());
    let no_static = Settings {
        allow_static_ip: false,
        ..Settings::default()
    };
    let ds = run(
        &vm(good_interfaces(), networks(), nd(&text)),
        &no_static,
        &mut NoLookup,
    );
    assert!(
        ds.iter().all(|d| d.code == Code::StaticIpNotAllowed) && ds.len() == 2,
        "{ds:#?}"
    );
}

fn nad(name: &str, config: &str) -> Value {
    json!({"apiVersion": NAD_API_VERSION, "kind": NAD_KIND, "metadata": {"name": name, "namespace": "lab"}, "spec": {"config": config}})
}

#[test]
fn context_aware_lookups() {
    let aware = Settings {
        context_aware: true,
        ..Settings::default()
    };
    let object = vm(good_interfaces(), networks(), nd(GOOD_ND));
    // Missing NAD.
    let ds = run(&object, &aware, &mut Resources::new(vec![]));
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        (ds[0].code, ds[0].path.as_str()),
        (
            Code::NadNotFound,
            "spec.template.spec.networks[1].multus.networkName"
        )
    );
    assert!(ds[0].message.contains("lab/ext-nad"), "{}", ds[0].message);
    // L2-only NAD: fine.
    let mut l2 = Resources::new(vec![nad(
        "ext-nad",
        r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{}}"#,
    )]);
    assert!(run(&object, &aware, &mut l2).is_empty());
    // IPAM NAD under a DHCP NIC.
    let ipam = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24"}}"#;
    let ds = run(
        &object,
        &aware,
        &mut Resources::new(vec![nad("ext-nad", ipam)]),
    );
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        (ds[0].code, ds[0].path.as_str()),
        (
            Code::DhcpOnIpamNad,
            format!("{ND}.network.ethernets.eth1.dhcp4").as_str()
        )
    );
    // The same NAD under a static NIC is what the generator makes for static networks.
    let stat = GOOD_ND.replace(
        "      set-name: eth1\n      dhcp4: true\n",
        "      set-name: eth1\n      addresses: [10.0.0.5/24]\n",
    );
    assert!(run(
        &vm(good_interfaces(), networks(), nd(&stat)),
        &aware,
        &mut Resources::new(vec![nad("ext-nad", ipam)])
    )
    .is_empty());
    // Per family: an IPv6-only host-local range (the generator's NAD for `mode: dhcp` with
    // `ipv6.mode: static`) leaves DHCPv4 alone; a dual-stack one does not.
    let v6_only = r#"{"cniVersion":"0.4.0","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","ranges":[[{"subnet":"2001:db8::/64","rangeStart":"2001:db8::5","rangeEnd":"2001:db8::5"}]]}}"#;
    assert!(run(
        &object,
        &aware,
        &mut Resources::new(vec![nad("ext-nad", v6_only)])
    )
    .is_empty());
    let dual = r#"{"cniVersion":"0.4.0","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"2001:db8::/64"}]]}}"#;
    let ds = run(
        &object,
        &aware,
        &mut Resources::new(vec![nad("ext-nad", dual)]),
    );
    assert_eq!(
        ds.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::DhcpOnIpamNad],
        "{ds:#?}"
    );
    // Another namespace, named explicitly.
    let other_ns = json!([{"name": "default", "pod": {}}, {"name": "external", "multus": {"networkName": "net/ext-nad"}}]);
    let ds = run(
        &vm(good_interfaces(), other_ns, nd(GOOD_ND)),
        &aware,
        &mut l2,
    );
    assert!(ds[0].message.contains("net/ext-nad"), "{ds:#?}");
    // Off by default: no lookups at all.
    struct Panics;
    impl ResourceLookup for Panics {
        fn get(&mut self, _: &str, _: &str, _: &str, _: &str) -> Result<Option<Value>, String> {
            Err("must not be called".into())
        }
    }
    assert!(run(&object, &Settings::default(), &mut Panics).is_empty());
    let ds = run(&object, &aware, &mut Panics);
    assert_eq!(
        (ds[0].code, ds[0].severity),
        (Code::NadLookupFailed, Severity::Warning)
    );
    // Fail closed when asked: the same failure is an error.
    let closed = Settings {
        lookup_failure: crate::admission::settings::LookupFailure::Reject,
        ..aware.clone()
    };
    let ds = run(&object, &closed, &mut Panics);
    assert_eq!(
        (ds[0].code, ds[0].severity),
        (Code::NadLookupFailed, Severity::Error)
    );
    // A missing NAD is not a lookup failure under either setting.
    let ds = run(&object, &closed, &mut Resources::new(vec![]));
    assert_eq!(ds[0].code, Code::NadNotFound, "{ds:#?}");
}

fn encode(text: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_round_trips() {
    for s in ["", "a", "ab", "abc", "network: {version: 2}\n", "é"] {
        assert_eq!(decode_base64(&encode(s)).unwrap(), s.as_bytes(), "{s}");
    }
    assert_eq!(decode_base64("YWJj\nZA=="), Some(b"abcd".to_vec()));
    assert_eq!(decode_base64("YQ==YQ"), None);
    assert_eq!(decode_base64("!!!!"), None);
}
