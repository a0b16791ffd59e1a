use super::*;

fn codes(r: &Report) -> Vec<(&'static str, Severity)> {
    r.diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect()
}

const VM_UNPINNED: &str = "apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: vm1, namespace: lab}
spec:
  template:
    spec:
      domain:
        devices:
          interfaces:
          - {name: ext, bridge: {}}
      networks:
      - name: ext
        multus: {networkName: br-ext}
      volumes:
      - name: ci
        cloudInitNoCloud:
          networkData: |
            version: 2
            ethernets:
              id0:
                match: {macaddress: \"02:00:00:00:00:01\"}
                dhcp4: true
";

#[test]
fn a_vm_gets_the_policy_rules_located_inside_network_data() {
    let r = check(VM_UNPINNED);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MacNotPinned)
        .expect("mac-not-pinned");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.path,
        "spec.template.spec.volumes[0].cloudInitNoCloud.networkData.ethernets.id0.match.macaddress"
    );
    // Line 21 of the file, where the MAC stands inside the block scalar.
    assert_eq!((d.line, d.column), (21, 37));
    assert_eq!(
        &VM_UNPINNED[d.span.start..d.span.end],
        "\"02:00:00:00:00:01\""
    );
    // The NAD is not in the set: information only.
    assert!(codes(&r).contains(&("nad-not-found", Severity::Info)));
}

#[test]
fn other_kinds_are_skipped_at_info_level() {
    let r = check("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    assert_eq!(codes(&r), vec![("not-a-wukong", Severity::Info)]);
    assert!(r.diagnostics[0].message.contains("Service (v1)"));
}

#[test]
fn lists_and_reviews_are_opened() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- {}\n",
        serde_json::to_string(&source::parse(VM_UNPINNED).documents[0].value).unwrap()
    );
    let r = check(&list);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MacNotPinned)
        .unwrap();
    assert!(d.path.starts_with("items[0].spec.template"), "{}", d.path);
    assert_eq!(d.line, 4);

    let review = format!(
        "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  operation: CREATE\n  object: {}\n",
        serde_json::to_string(&source::parse(VM_UNPINNED).documents[0].value).unwrap()
    );
    let r = check(&review);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MacNotPinned)
        .unwrap();
    assert!(d.path.starts_with("request.object.spec"), "{}", d.path);
}

const NAD_MACVLAN: &str = "apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: br-ext, namespace: lab}
spec:
  config: '{\"cniVersion\": \"0.3.1\", \"type\": \"macvlan\", \"master\": \"eth0\",
    \"ipam\": {\"type\": \"static\", \"addresses\": [{\"address\": \"10.0.0.5/24\"}]}}'
";

#[test]
fn a_set_resolves_nads_and_finds_conflicts() {
    let vm2 = VM_UNPINNED.replace("name: vm1", "name: vm2");
    let reports = check_set(&[
        ("vm1.yaml", VM_UNPINNED),
        ("nad.yaml", NAD_MACVLAN),
        ("vm2.yaml", &vm2),
    ]);
    // Found in the set: no nad-not-found; the macvlan NAD with bridge binding is an error.
    assert!(!codes(&reports[0]).iter().any(|c| c.0 == "nad-not-found"));
    assert!(codes(&reports[0]).contains(&("bridge-binding-on-macvlan", Severity::Error)));
    // The single-address NAD: the second VM is told, naming the first and its file.
    let shared = reports[2]
        .diagnostics
        .iter()
        .find(|d| d.code == Code::SingleAddressNadShared)
        .expect("single-address-nad-shared");
    assert!(
        shared
            .message
            .contains("VirtualMachine lab/vm1 (in vm1.yaml)"),
        "{}",
        shared.message
    );
    assert_eq!(shared.line, 13);
    assert!(!codes(&reports[0])
        .iter()
        .any(|c| c.0 == "single-address-nad-shared"));
}

/// A dual-stack NAD pinning one address per family (as the generator makes for a dual-stack
/// static network) is as unshareable as a single-stack one.
#[test]
fn a_dual_stack_single_address_nad_is_not_shared() {
    let nad = "apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: br-ext, namespace: lab}
spec:
  config: '{\"cniVersion\": \"0.4.0\", \"type\": \"bridge\", \"bridge\": \"br-ext\",
    \"ipam\": {\"type\": \"host-local\", \"ranges\": [
      [{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": \"10.0.0.5\", \"rangeEnd\": \"10.0.0.5\"}],
      [{\"subnet\": \"2001:db8::/64\", \"rangeStart\": \"2001:db8::5\", \"rangeEnd\": \"2001:db8::5\"}]]}}'
";
    let vm2 = VM_UNPINNED.replace("name: vm1", "name: vm2");
    let reports = check_set(&[
        ("vm1.yaml", VM_UNPINNED),
        ("nad.yaml", nad),
        ("vm2.yaml", &vm2),
    ]);
    let shared = reports[2]
        .diagnostics
        .iter()
        .find(|d| d.code == Code::SingleAddressNadShared)
        .expect("single-address-nad-shared");
    assert!(
        shared.message.contains("10.0.0.5, 2001:db8::5"),
        "{}",
        shared.message
    );
}

#[test]
fn a_pool_template_is_checked_with_paths_from_the_pool() {
    let pool = "apiVersion: pool.kubevirt.io/v1alpha1
kind: VirtualMachinePool
metadata: {name: p, namespace: lab}
spec:
  virtualMachineTemplate:
    spec:
      template:
        spec:
          domain:
            devices:
              interfaces:
              - {name: ext, masquerade: {}}
          networks:
          - name: ext
            multus: {networkName: br-ext}
";
    let r = check(pool);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MasqueradeOnMultus)
        .unwrap();
    assert_eq!(
        d.path,
        "spec.virtualMachineTemplate.spec.template.spec.domain.devices.interfaces[0].masquerade"
    );
    assert_eq!(d.line, 12);
}

const PINNED: &str = "apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: vm1, namespace: lab}
spec:
  template:
    spec:
      domain:
        devices:
          interfaces:
          - {name: default, masquerade: {}, macAddress: \"02:00:00:00:00:07\"}
      networks:
      - {name: default, pod: {}}
";

#[test]
fn a_vm_and_the_instance_it_runs_are_one_machine() {
    // `kubectl get vm,vmi -o yaml`: the VMI repeats the VM's MAC without a clash.
    let vmi = "apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {name: vm1, namespace: lab}
spec:
  domain:
    devices:
      interfaces:
      - {name: default, masquerade: {}, macAddress: \"02:00:00:00:00:07\"}
  networks:
  - {name: default, pod: {}}
";
    let reports = check_set(&[("vm.yaml", PINNED), ("vmi.yaml", vmi)]);
    assert!(
        reports.iter().all(|r| r.diagnostics.is_empty()),
        "{:?}",
        reports[1].diagnostics
    );
    // Another VM with the same MAC clashes.
    let other = PINNED.replace("name: vm1", "name: vm2");
    let reports = check_set(&[("vm.yaml", PINNED), ("vm2.yaml", &other)]);
    assert!(reports[0].diagnostics.is_empty());
    assert_eq!(codes(&reports[1]), vec![("duplicate-mac", Severity::Error)]);
}

#[test]
fn nad_bridges_are_compared_only_with_policies_in_the_set() {
    let nad = "apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata: {name: n}
spec:
  config: '{\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", \"bridge\": \"br-a\", \"ipam\": {}}'
";
    assert!(check(nad).diagnostics.is_empty());
    let policy = |state: &str| {
        format!(
            "apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata: {{name: p}}
spec:
  desiredState:
    interfaces:
    - {{name: br-a, type: linux-bridge, state: {state}}}
"
        )
    };
    let up = policy("up");
    let reports = check_set(&[("nad.yaml", nad), ("nncp.yaml", &up)]);
    assert!(reports.iter().all(|r| r.diagnostics.is_empty()));
    // A policy that removes the bridge creates none.
    let absent = policy("absent");
    let reports = check_set(&[("nad.yaml", nad), ("nncp.yaml", &absent)]);
    assert_eq!(
        codes(&reports[0]),
        vec![("bridge-without-policy", Severity::Warning)]
    );
    assert_eq!(reports[0].diagnostics[0].line, 5);
}

#[test]
fn findings_in_a_template_of_a_replica_set_and_fragments() {
    // A fragment without apiVersion and kind, shaped as a VM: checked as one.
    let fragment = "spec:
  template:
    spec:
      domain:
        devices:
          interfaces:
          - {name: ext, masquerade: {}}
      networks:
      - {name: ext, multus: {networkName: n}}
";
    let r = check(fragment);
    assert!(
        codes(&r).contains(&("masquerade-on-multus", Severity::Error)),
        "{:?}",
        codes(&r)
    );
    let rs = "apiVersion: kubevirt.io/v1
kind: VirtualMachineInstanceReplicaSet
metadata: {name: rs}
spec:
  template:
    spec:
      domain:
        devices:
          interfaces:
          - {name: ext, masquerade: {}}
      networks:
      - {name: ext, multus: {networkName: n}}
";
    let r = check(rs);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MasqueradeOnMultus)
        .unwrap();
    assert_eq!(
        d.path,
        "spec.template.spec.domain.devices.interfaces[0].masquerade"
    );
    assert_eq!(d.line, 10);
}

#[test]
fn findings_in_base64_network_data_point_at_the_field() {
    // `base64 -w0` of: version: 2, ethernets: {id0: {match: {macaddress: "02:00:00:00:00:01"},
    // dhcp4: true}} (block style).
    let encoded = "dmVyc2lvbjogMgpldGhlcm5ldHM6CiAgaWQwOgogICAgbWF0Y2g6IHttYWNhZGRyZXNzOiAiMDI6MDA6MDA6MDA6MDA6MDEifQogICAgZGhjcDQ6IHRydWUK";
    let text = format!(
        "apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {{name: v}}
spec:
  domain:
    devices:
      interfaces:
      - {{name: ext, bridge: {{}}}}
  networks:
  - {{name: ext, multus: {{networkName: n}}}}
  volumes:
  - name: ci
    cloudInitNoCloud:
      networkDataBase64: {encoded}
"
    );
    let r = check(&text);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::MacNotPinned)
        .unwrap();
    assert_eq!(
        d.path,
        "spec.volumes[0].cloudInitNoCloud.networkDataBase64.ethernets.id0.match.macaddress"
    );
    // The encoded text has no lines of its own: the finding stands at the field's value.
    assert_eq!((d.line, d.column), (14, 26));
    assert_eq!(&text[d.span.start..d.span.end], encoded);
}

/// A hand-written dual-stack VM: the picture shows both families as networkData states them.
#[test]
fn a_vm_nic_shows_each_family_networkdata_gives_it() {
    let vm = VM_UNPINNED
        .replace("- {name: ext, bridge: {}}", "- {name: ext, bridge: {}, macAddress: \"02:00:00:00:00:01\"}")
        .replace(
            "                dhcp4: true\n",
            "                dhcp4: false\n                dhcp6: true\n                accept-ra: true\n                addresses: [10.0.0.5/24]\n",
        );
    let r = check(&vm);
    let nic = &r.vm_topologies[0].networks[0];
    let show = |s: &Option<crate::topology::IpSource>| {
        s.as_ref().map(|s| (s.source.clone(), s.address.clone()))
    };
    assert_eq!(
        show(&nic.ipv4),
        Some(("static".to_string(), Some("10.0.0.5/24".to_string())))
    );
    assert_eq!(show(&nic.ipv6), Some(("dhcp".to_string(), None)));
}

/// The documents of a stream as the items of one `kind: List`.
fn as_list(stream: &str) -> String {
    let items: Vec<String> = stream
        .split("\n---\n")
        .map(|doc| {
            let lines: Vec<&str> = doc.lines().filter(|l| !l.starts_with('#')).collect();
            format!("- {}", lines.join("\n  "))
        })
        .collect();
    format!("apiVersion: v1\nkind: List\nitems:\n{}\n", items.join("\n"))
}

#[test]
fn each_vm_nic_is_drawn_from_the_nads_of_the_set() {
    let r = check(include_str!(
        "../../tests/fixtures/manifests/vm-and-nads.yaml"
    ));
    assert_eq!(r.vm_topologies.len(), 1);
    let t = &r.vm_topologies[0];
    assert_eq!(t.wukong, "VirtualMachine lab/app");
    assert_eq!(t.kind, "VirtualMachine");
    // Findings under these paths are about the NIC (the previewer outlines its boxes).
    assert_eq!(
        t.networks[0].paths,
        [
            "spec.template.spec.domain.devices.interfaces[0]",
            "spec.template.spec.networks[0]",
            "spec.template.spec.volumes[0].cloudInitNoCloud.networkData.ethernets.ext"
        ]
    );
    let row = |i: usize| {
        let n = &t.networks[i];
        (
            n.guest_nic.as_str(),
            n.mac.as_str(),
            n.kind.as_str(),
            n.nad.as_deref(),
            n.bridge.as_deref(),
            n.physical_interface.as_deref(),
            n.mode.as_deref(),
        )
    };
    assert_eq!(
        row(0),
        (
            "eth0",
            "02:00:00:00:00:10",
            "bridge",
            Some("lab/ext-static"),
            Some("br-ext"),
            None,
            Some("dhcp")
        )
    );
    assert_eq!(
        row(1),
        (
            "eth1",
            "(MAC by KubeVirt)",
            "macvlan",
            Some("lab/macvlan-net"),
            None,
            Some("eth1"),
            None
        )
    );
    assert_eq!(row(2).3, Some("default/shared"));
    // What networkData says per family: DHCPv4 on eth0; IPv6 unknown (no dhcp6, no address).
    let source = |s: &Option<crate::topology::IpSource>| s.as_ref().map(|s| s.source.clone());
    assert_eq!(source(&t.networks[0].ipv4).as_deref(), Some("dhcp"));
    assert_eq!(source(&t.networks[0].ipv6), None);
    assert_eq!(source(&t.networks[1].ipv4), None, "no networkData entry");

    // In a List, the paths start where the VM stands, as its diagnostics' paths do.
    let list = check(&as_list(include_str!(
        "../../tests/fixtures/manifests/vm-and-nads.yaml"
    )));
    let nic = &list.vm_topologies[0].networks[1];
    let finding = list
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BridgeBindingOnMacvlan)
        .unwrap();
    assert_eq!(
        nic.paths[0],
        "items[3].spec.template.spec.domain.devices.interfaces[1]"
    );
    assert!(finding.path.starts_with(&nic.paths[0]), "{}", finding.path);
    assert_eq!(row(2).4, Some("br-shared"));

    // With an NMState policy in the set, the bridge's port is the physical NIC.
    let policy = "apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata: {name: p}
spec:
  desiredState:
    interfaces:
    - {name: br-ext, type: linux-bridge, state: up, bridge: {port: [{name: ens5}]}}
";
    let reports = check_set(&[
        (
            "vm.yaml",
            include_str!("../../tests/fixtures/manifests/vm-and-nads.yaml"),
        ),
        ("nncp.yaml", policy),
    ]);
    assert_eq!(
        reports[0].vm_topologies[0].networks[0]
            .physical_interface
            .as_deref(),
        Some("ens5")
    );
    assert!(reports[1].vm_topologies.is_empty());
}
