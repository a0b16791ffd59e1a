//! The admission decision end to end: requests of every kind, settings, payloads and texts.

use super::*;
use crate::diagnostic::Severity;
use serde_json::json;

fn wukong(networks: Value) -> Value {
    json!({
        "apiVersion": "vm.novasphere.dev/v1alpha1", "kind": "Wukong",
        "metadata": {"name": "vm1", "namespace": "lab", "uid": "0d8c4a5e-1111-2222-3333-444455556666"},
        "spec": {"cpu": 2, "memory": "4Gi", "osImage": "ubuntu:22.04", "networks": networks}
    })
}

fn good_networks() -> Value {
    json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp"}}])
}

fn request(op: &str, object: Value) -> AdmissionRequest {
    AdmissionRequest {
        operation: op.to_string(),
        ..AdmissionRequest::create(object)
    }
}

fn check(r: &AdmissionRequest, s: &Settings) -> Verdict {
    validate(r, s, &mut NoLookup)
}

#[test]
fn accepts_a_good_wukong_and_rejects_a_bad_one() {
    let v = check(
        &request("CREATE", wukong(good_networks())),
        &Settings::default(),
    );
    assert!(v.accepted, "{v:#?}");
    assert_eq!((v.message.as_deref(), v.code), (None, None));
    let bad = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "static", "address": "10.0.0.5"}}]);
    let v = check(&request("CREATE", wukong(bad)), &Settings::default());
    assert!(!v.accepted);
    assert_eq!(v.code, Some(400));
    let m = v.message.unwrap();
    assert!(
        m.starts_with(
            "Wukong lab/vm1 rejected by wukong-net, 1 error: spec.networks[0].ipConfig.address:"
        ),
        "{m}"
    );
    assert!(
        m.contains("[address-not-cidr]") && m.contains("hint: add the prefix length"),
        "{m}"
    );
}

#[test]
fn warnings_come_back_as_admission_warnings() {
    let nets = json!([{"name": "external", "type": "ovs", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp"}}]);
    let v = check(&request("UPDATE", wukong(nets)), &Settings::default());
    assert!(v.accepted);
    assert_eq!(v.warnings.len(), 1, "{v:#?}");
    assert!(
        v.warnings[0].starts_with("spec.networks[0].type: ")
            && v.warnings[0].ends_with("[ovs-as-linux-bridge]"),
        "{}",
        v.warnings[0]
    );
}

#[test]
fn treat_as_warnings_demotes_errors() {
    let nets = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "vlanId": 5000, "ipConfig": {"mode": "dhcp"}}]);
    let r = request("CREATE", wukong(nets));
    assert!(!check(&r, &Settings::default()).accepted);
    let lenient = Settings {
        treat_as_warnings: vec![Code::VlanOutOfRange],
        ..Settings::default()
    };
    let v = check(&r, &lenient);
    assert!(v.accepted, "{v:#?}");
    assert_eq!(v.diagnostics[0].severity, Severity::Warning);
    assert!(v.warnings[0].contains("[vlan-out-of-range]"));
}

#[test]
fn wukong_settings() {
    let r = request("CREATE", wukong(good_networks()));
    let v = check(
        &r,
        &Settings {
            allowed_bridges: vec!["br-lab".into()],
            ..Settings::default()
        },
    );
    assert_eq!(v.diagnostics[0].code, Code::BridgeNotAllowed);
    assert_eq!(v.diagnostics[0].path, "spec.networks[0].bridgeName");
    assert!(
        check(
            &r,
            &Settings {
                allowed_bridges: vec!["br-ext".into()],
                ..Settings::default()
            }
        )
        .accepted
    );
    let v = check(
        &r,
        &Settings {
            allowed_physical_interfaces: vec!["ens224".into()],
            ..Settings::default()
        },
    );
    assert_eq!(v.diagnostics[0].code, Code::PhysicalInterfaceNotAllowed);
    assert!(
        check(
            &r,
            &Settings {
                allowed_physical_interfaces: vec!["ens192".into()],
                ..Settings::default()
            }
        )
        .accepted
    );
    let stat = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "static", "address": "10.0.0.5/24"}}]);
    let r = request("CREATE", wukong(stat));
    assert!(check(&r, &Settings::default()).accepted);
    let v = check(
        &r,
        &Settings {
            allow_static_ip: false,
            ..Settings::default()
        },
    );
    assert_eq!(
        (v.diagnostics[0].code, v.diagnostics[0].path.as_str()),
        (Code::StaticIpNotAllowed, "spec.networks[0].ipConfig.mode")
    );
    // A static IPv6 address beside DHCPv4 is static too.
    let v6 = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp", "ipv6": {"mode": "static", "address": "2001:db8::5/64"}}}]);
    let r = request("CREATE", wukong(v6));
    assert!(check(&r, &Settings::default()).accepted);
    let v = check(
        &r,
        &Settings {
            allow_static_ip: false,
            ..Settings::default()
        },
    );
    assert_eq!(
        v.diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect::<Vec<_>>(),
        [(
            Code::StaticIpNotAllowed,
            "spec.networks[0].ipConfig.ipv6.mode"
        )]
    );
}

#[test]
fn other_kinds_delete_and_metadata_updates_pass() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": "not even valid"}});
    assert!(check(&request("CREATE", pod), &Settings::default())
        .diagnostics
        .is_empty());
    let bad = wukong(json!([{"name": "BAD NAME"}]));
    assert!(!check(&request("CREATE", bad.clone()), &Settings::default()).accepted);
    assert!(check(&request("DELETE", bad.clone()), &Settings::default()).accepted);
    let mut update = request("UPDATE", bad.clone());
    update.old_object = bad.clone();
    assert!(
        check(&update, &Settings::default()).accepted,
        "metadata-only update"
    );
    update.old_object = wukong(good_networks());
    assert!(
        !check(&update, &Settings::default()).accepted,
        "spec changed"
    );
    let mut deleting = bad.clone();
    deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    update.object = deleting;
    assert!(
        check(&update, &Settings::default()).accepted,
        "being deleted"
    );
}

#[test]
fn malformed_requests_are_rejected_clearly() {
    let v = check(
        &request("PATCH", wukong(good_networks())),
        &Settings::default(),
    );
    assert_eq!(v.diagnostics[0].code, Code::MalformedRequest);
    assert!(v.message.unwrap().contains("operation `PATCH`"));
    let mut r = request("CREATE", wukong(good_networks()));
    r.object = json!("text");
    let v = check(&r, &Settings::default());
    assert!(
        !v.accepted
            && v.message
                .unwrap()
                .contains("must be a mapping, not a string")
    );
    let v = check(
        &AdmissionRequest {
            operation: "CREATE".into(),
            ..AdmissionRequest::default()
        },
        &Settings::default(),
    );
    assert!(!v.accepted && v.diagnostics[0].path == "kind");
    // A Wukong whose fields have the wrong type is an object the core cannot read.
    let v = check(
        &request("CREATE", wukong(json!("eth0"))),
        &Settings::default(),
    );
    assert_eq!(v.diagnostics[0].code, Code::WrongType);
    assert!(!v.accepted);
}

#[test]
fn payloads() {
    let payload = json!({"settings": {}, "request": {"uid": "1", "kind": {"group": "vm.novasphere.dev", "version": "v1alpha1", "kind": "Wukong"}, "operation": "CREATE", "namespace": "lab", "object": wukong(good_networks())}});
    assert!(validate_payload(payload.to_string().as_bytes(), &mut NoLookup).accepted);
    for (bad, says) in [
        (b"{not json".to_vec(), "not JSON"),
        (b"{}".to_vec(), "no `request`"),
        (
            json!({"settings": {"allowStatic": true}, "request": {}})
                .to_string()
                .into_bytes(),
            "invalid policy settings: unknown setting `allowStatic`",
        ),
        (
            json!({"request": {"kind": "Wukong"}})
                .to_string()
                .into_bytes(),
            "with an AdmissionRequest: invalid type",
        ),
        (
            json!({"settings": {}, "request": null})
                .to_string()
                .into_bytes(),
            "no `request`",
        ),
        (vec![0xff, 0xfe], "not JSON"),
    ] {
        let v = validate_payload(&bad, &mut NoLookup);
        assert!(!v.accepted);
        assert!(
            v.message.as_deref().unwrap_or("").contains(says),
            "{says}: {v:#?}"
        );
    }
}

#[test]
fn documents_are_located() {
    let review = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  uid: x\n  kind: {group: vm.novasphere.dev, version: v1alpha1, kind: Wukong}\n  operation: CREATE\n  object:\n    apiVersion: vm.novasphere.dev/v1alpha1\n    kind: Wukong\n    metadata: {name: vm1, namespace: lab}\n    spec:\n      networks:\n      - name: ext\n        bridgeName: br-ext\n        physicalInterface: ens192\n        ipConfig: {mode: dhcp}\n        vlanId: 9999\n";
    let v = validate_document(review, None, &mut NoLookup);
    assert!(!v.accepted);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.code == Code::VlanOutOfRange)
        .unwrap();
    assert_eq!((d.line, d.path.as_str()), (17, "spec.networks[0].vlanId"));
    // A bare object is a CREATE; the settings argument wins.
    let bare = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1}\nspec:\n  networks:\n  - name: ext\n    bridgeName: br-ext\n    physicalInterface: ens192\n    ipConfig: {mode: dhcp}\n";
    assert!(validate_document(bare, None, &mut NoLookup).accepted);
    let s = Settings {
        allowed_bridges: vec!["br0".into()],
        ..Settings::default()
    };
    let v = validate_document(bare, Some(&s), &mut NoLookup);
    let d = v
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BridgeNotAllowed)
        .unwrap();
    assert_eq!((d.line, d.column), (7, 17));
    assert!(!v.accepted);
    let v = validate_document("a: [", None, &mut NoLookup);
    assert_eq!(v.diagnostics[0].code, Code::YamlSyntax);
    assert!(!v.accepted);
}

/// A pasted set: each object the policy is asked about gets its own answer, located in the
/// whole text; kinds it is not registered for (NMState policies, Namespaces) get none.
#[test]
fn each_document_of_a_set_gets_its_answer() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: net, namespace: lab}\nspec:\n  config: '{\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", \"bridge\": \"br1\"}'\n---\napiVersion: kubevirt.io/v1\nkind: VirtualMachineInstance\nmetadata: {name: vmi}\nspec:\n  domain:\n    devices:\n      interfaces:\n      - {name: sec, bridge: {}}\n  networks:\n  - {name: sec, multus: {networkName: lab/net}}\n  volumes:\n  - name: ci\n    cloudInitNoCloud:\n      networkData: |\n        version: 2\n        ethernets:\n          id0:\n            match: {macaddress: \"02:00:00:00:00:01\"}\n            dhcp4: true\n";
    let answers = validate_documents(text, &Settings::default(), &mut NoLookup);
    let whats: Vec<&str> = answers.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        whats,
        [
            "NetworkAttachmentDefinition lab/net",
            "VirtualMachineInstance default/vmi"
        ]
    );
    assert!(answers[0].1.accepted, "{:?}", answers[0].1);
    let vmi = &answers[1].1;
    assert!(!vmi.accepted);
    let d = vmi
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MacNotPinned)
        .unwrap();
    // Inside the networkData block of the third document.
    assert_eq!((d.line, d.column), (28, 33));
    // The first document alone is what validate_document answers.
    let text_vmi_first = text.split("---\n").last().unwrap();
    assert_eq!(
        validate_documents(text_vmi_first, &Settings::default(), &mut NoLookup)[0].1,
        validate_document(text_vmi_first, None, &mut NoLookup)
    );
    // A VMI of a served older version is sent to the policy as v1, and checked.
    let alpha = text_vmi_first.replace("kubevirt.io/v1", "kubevirt.io/v1alpha3");
    let answers = validate_documents(&alpha, &Settings::default(), &mut NoLookup);
    assert_eq!(answers[0].0, "VirtualMachineInstance default/vmi");
    let v1 = validate_document(text_vmi_first, None, &mut NoLookup);
    assert!(!answers[0].1.accepted);
    // The same answer; the apiVersion six bytes longer moves the byte offsets only.
    assert_eq!(answers[0].1.message, v1.message);
    let at = |v: &Verdict| -> Vec<_> {
        v.diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect()
    };
    assert_eq!(at(&answers[0].1), at(&v1));
    let broken = validate_documents("a: [", &Settings::default(), &mut NoLookup);
    assert_eq!(broken[0].0, "the text");
    assert_eq!(broken[0].1.diagnostics[0].code, Code::YamlSyntax);
}

/// Found by fuzzing: the early rejections of a text were not located (line 0).
#[test]
fn early_rejections_of_a_text_are_located() {
    let v = validate_document("", None, &mut NoLookup);
    assert_eq!(
        (
            v.diagnostics[0].code,
            v.diagnostics[0].line,
            v.diagnostics[0].column
        ),
        (Code::MalformedRequest, 1, 1)
    );
    let text = "request: {}\nsettings:\n  allowStatic: true\n";
    let v = validate_document(text, None, &mut NoLookup);
    let d = &v.diagnostics[0];
    assert_eq!(
        (d.code, d.path.as_str(), d.line),
        (Code::MalformedRequest, "settings", 3),
        "{d:?}"
    );
}

/// What wukong-net renders must pass its own policy: every fixture's NADs and VM, with
/// the NADs answering the context-aware lookups.
#[test]
fn rendered_manifests_pass_the_policy() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut rendered = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let report = crate::render(&std::fs::read_to_string(&path).unwrap());
        // A spec that renders with a warning (ipv6-only-slaac.yaml) may carry it into its
        // manifests, under the same code; nothing else may warn.
        let spec_warnings: Vec<Code> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Warning)
            .map(|d| d.code)
            .collect();
        let clean = |v: &crate::admission::Verdict| {
            v.accepted
                && v.diagnostics
                    .iter()
                    .filter(|d| d.severity == crate::Severity::Warning)
                    .all(|d| spec_warnings.contains(&d.code))
        };
        let aware = Settings {
            context_aware: true,
            ..Settings::default()
        };
        for m in &report.manifests {
            let nads: Vec<Value> = m
                .network_attachment_definitions
                .iter()
                .map(|n| serde_json::to_value(n).unwrap())
                .collect();
            let vm = serde_json::to_value(&m.virtual_machine).unwrap();
            for object in nads.iter().chain([&vm]) {
                let v = validate(
                    &AdmissionRequest::create(object.clone()),
                    &Settings::default(),
                    &mut NoLookup,
                );
                assert!(clean(&v), "{}: {v:#?}", path.display());
            }
            // Networks naming an existing NAD (nadName) have none rendered; give them one.
            let mut cluster = nads.clone();
            for net in vm["spec"]["template"]["spec"]["networks"]
                .as_array()
                .unwrap()
            {
                if let Some(name) = net["multus"]["networkName"].as_str() {
                    cluster.push(json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": name, "namespace": vm["metadata"]["namespace"]}, "spec": {"config": "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\",\"bridge\":\"br0\",\"ipam\":{}}"}}));
                }
            }
            let mut lookup = Resources::new(cluster);
            let v = validate(&AdmissionRequest::create(vm.clone()), &aware, &mut lookup);
            let static_on_ipam = v.diagnostics.iter().all(|d| d.code != Code::DhcpOnIpamNad);
            assert!(v.accepted && static_on_ipam, "{}: {v:#?}", path.display());
            rendered += 1;
        }
    }
    assert!(rendered >= 2, "the seed fixtures render");
}

#[test]
fn resources_look_up_by_identity() {
    let (mut r, diags) = Resources::from_text("apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: a, namespace: lab}\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: a}\n");
    assert!(diags.is_empty());
    assert!(r
        .get(
            "k8s.cni.cncf.io/v1",
            "NetworkAttachmentDefinition",
            "lab",
            "a"
        )
        .unwrap()
        .is_some());
    assert!(r
        .get(
            "k8s.cni.cncf.io/v1",
            "NetworkAttachmentDefinition",
            "default",
            "a"
        )
        .unwrap()
        .is_some());
    assert!(r
        .get(
            "k8s.cni.cncf.io/v1",
            "NetworkAttachmentDefinition",
            "other",
            "a"
        )
        .unwrap()
        .is_none());
    assert!(r
        .get("v1", "NetworkAttachmentDefinition", "lab", "a")
        .unwrap()
        .is_none());
    let (mut list, _) = Resources::from_text("[{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]\n---\n{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}]}\n");
    assert!(list
        .get("v1", "ConfigMap", "default", "a")
        .unwrap()
        .is_some());
    assert!(list
        .get("v1", "ConfigMap", "default", "b")
        .unwrap()
        .is_some());
}

#[test]
fn a_config_drive_may_carry_openstack_network_data() {
    // cloud-init's ConfigDrive source reads OpenStack network_data.json; it is not netplan, so
    // it is named as not checked instead of drawing netplan errors. The same JSON on a NoCloud
    // volume is a network-config that does not parse.
    let openstack = r#"{"links":[{"id":"enp2s0","type":"phy","ethernet_mac_address":"02:26:19:00:00:30"}],"networks":[],"services":[]}"#;
    let vmi = |source: &str| {
        json!({
            "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
            "metadata": {"name": "vmi1", "namespace": "lab"},
            "spec": {
                "domain": {"devices": {"interfaces": [{"name": "default", "masquerade": {}}]}},
                "networks": [{"name": "default", "pod": {}}],
                "volumes": [{"name": "ci", source: {"networkData": openstack}}]
            }
        })
    };
    let v = check(
        &request("CREATE", vmi("cloudInitConfigDrive")),
        &Settings::default(),
    );
    assert!(v.accepted, "{v:#?}");
    let codes: Vec<Code> = v.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::NetworkDataNotChecked], "{v:#?}");
    assert_eq!(
        v.diagnostics[0].path,
        "spec.volumes[0].cloudInitConfigDrive.networkData"
    );
    let v = check(
        &request("CREATE", vmi("cloudInitNoCloud")),
        &Settings::default(),
    );
    assert!(!v.accepted, "{v:#?}");
    assert!(!v
        .diagnostics
        .iter()
        .any(|d| d.code == Code::NetworkDataNotChecked));
}
