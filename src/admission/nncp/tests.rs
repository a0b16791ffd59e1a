//! The NNCP rules on sample policies.

use super::*;
use crate::diagnostic::Severity;

/// A policy around `interfaces` (YAML list entries indented by four), with `extra_spec` lines
/// (indented by two) before desiredState.
fn policy(extra_spec: &str, interfaces: &str) -> Value {
    let text = format!(
        "apiVersion: nmstate.io/v1\nkind: NodeNetworkConfigurationPolicy\nmetadata:\n  name: p\nspec:\n{extra_spec}  desiredState:\n    interfaces:\n{interfaces}"
    );
    let mut stream = crate::source::parse(&text);
    assert!(
        stream.diagnostics.is_empty(),
        "{:#?}\n{text}",
        stream.diagnostics
    );
    stream.documents.remove(0).value
}

fn run(object: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_nncp(object, &mut out);
    out
}

fn codes(object: &Value) -> Vec<(Code, String)> {
    run(object).into_iter().map(|d| (d.code, d.path)).collect()
}

/// Exactly one finding, with `code` at `path`, a hint and the code's severity.
#[track_caller]
fn one(object: &Value, code: Code, path: &str) {
    let ds = run(object);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!((ds[0].code, ds[0].path.as_str()), (code, path), "{ds:#?}");
    assert!(ds[0].hint.is_some(), "{ds:#?}");
}

/// A Linux bridge br1 over eth1 with STP off and DHCP on the bridge, plus `port_extra` lines
/// (indented by eight, under the port) and `more` interfaces.
fn bridge(port_extra: &str, more: &str) -> Value {
    policy(
        "",
        &format!(
            "    - name: br1\n      type: linux-bridge\n      state: up\n      ipv4: {{enabled: true, dhcp: true}}\n      bridge:\n        options: {{stp: {{enabled: false}}}}\n        port:\n        - name: eth1\n{port_extra}{more}"
        ),
    )
}

#[test]
fn generated_policies_pass() {
    let fixtures = [
        include_str!("../../../tests/fixtures/seed-dhcp.yaml"),
        include_str!("../../../tests/fixtures/vlan.yaml"),
        include_str!("../../../tests/fixtures/mtu.yaml"),
        include_str!("../../../tests/fixtures/seed-static.yaml"),
        include_str!("../../../tests/fixtures/mixed-static-dhcp.yaml"),
    ];
    let mut seen = 0;
    for text in fixtures {
        let report = crate::render(text);
        assert!(!report.has_errors(), "{:#?}", report.diagnostics);
        for m in &report.manifests {
            for p in &m.node_network_configuration_policies {
                let object = serde_json::to_value(p).unwrap_or_default();
                assert!(
                    codes(&object).is_empty(),
                    "{:?}\n{object:#}",
                    codes(&object)
                );
                seen += 1;
            }
        }
    }
    // The VLAN and MTU fixtures each make a policy, so the trunk port and the MTU were checked.
    assert!(seen >= 3, "only {seen} generated policies");
}

#[test]
fn the_plain_bridge_passes() {
    assert!(
        codes(&bridge("", "")).is_empty(),
        "{:?}",
        codes(&bridge("", ""))
    );
}

#[test]
fn spec_and_desired_state_must_be_there_and_mappings() {
    let mut out = Vec::new();
    check_nncp(
        &serde_json::json!({"kind": "NodeNetworkConfigurationPolicy"}),
        &mut out,
    );
    assert_eq!(
        (out[0].code, out[0].path.as_str()),
        (Code::MissingField, "spec")
    );
    one(
        &serde_json::json!({"spec": {}}),
        Code::MissingField,
        "spec.desiredState",
    );
    one(
        &serde_json::json!({"spec": {"desiredState": "br1"}}),
        Code::WrongType,
        "spec.desiredState",
    );
    one(
        &serde_json::json!({"spec": {"desiredState": {"interfaces": {"name": "br1"}}}}),
        Code::WrongType,
        "spec.desiredState.interfaces",
    );
    // Routes or DNS only: no interfaces, nothing to say.
    assert!(codes(&serde_json::json!({"spec": {"desiredState": {"dns-resolver": {}}}})).is_empty());
}

#[test]
fn interfaces_need_a_name_and_a_known_type() {
    one(
        &policy("", "    - eth1\n"),
        Code::WrongType,
        "spec.desiredState.interfaces[0]",
    );
    one(
        &policy("", "    - type: ethernet\n      state: up\n"),
        Code::MissingField,
        "spec.desiredState.interfaces[0]",
    );
    one(
        &policy("", "    - name: [eth1]\n"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].name",
    );
    one(
        &policy("", "    - name: br-very-long-name\n      type: dummy\n"),
        Code::InvalidInterfaceName,
        "spec.desiredState.interfaces[0].name",
    );
    one(
        &policy("", "    - name: br1\n      type: linux-brigde\n"),
        Code::InvalidValue,
        "spec.desiredState.interfaces[0].type",
    );
    let d = &run(&policy("", "    - name: br1\n      type: linux-brigde\n"))[0];
    assert_eq!(d.hint.as_deref(), Some("did you mean `linux-bridge`?"));
    one(
        &policy("", "    - name: eth1\n      state: upp\n"),
        Code::InvalidValue,
        "spec.desiredState.interfaces[0].state",
    );
    // Without a type, an existing NIC is meant: fine, unless a type's section is there.
    assert!(codes(&policy("", "    - name: eth1\n      state: up\n")).is_empty());
    one(
        &policy("", "    - name: br1\n      bridge:\n        port: []\n"),
        Code::MissingField,
        "spec.desiredState.interfaces[0]",
    );
}

#[test]
fn mtu_in_range() {
    let with = |mtu: &str| {
        policy(
            "",
            &format!("    - name: eth1\n      type: ethernet\n      mtu: {mtu}\n"),
        )
    };
    assert!(codes(&with("9000")).is_empty());
    assert!(
        codes(&with("\"1500\"")).is_empty(),
        "nmstate reads a string of digits"
    );
    one(
        &with("10"),
        Code::MtuOutOfRange,
        "spec.desiredState.interfaces[0].mtu",
    );
    one(
        &with("70000"),
        Code::MtuOutOfRange,
        "spec.desiredState.interfaces[0].mtu",
    );
    one(
        &with("-1"),
        Code::MtuOutOfRange,
        "spec.desiredState.interfaces[0].mtu",
    );
    one(
        &with("jumbo"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].mtu",
    );
}

#[test]
fn stp_on_or_unset_is_a_warning() {
    let on = policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: true}}\n        port: [{name: eth1}]\n");
    one(
        &on,
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge.options.stp.enabled",
    );
    assert_eq!(run(&on)[0].severity, Severity::Warning);
    let unset = policy(
        "",
        "    - name: br1\n      type: linux-bridge\n      bridge:\n        port: [{name: eth1}]\n",
    );
    one(
        &unset,
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge",
    );
    // A bridge being removed has no STP to worry about.
    let absent = policy("", "    - name: br1\n      type: linux-bridge\n      state: absent\n      bridge:\n        port: [{name: eth1}]\n");
    assert!(codes(&absent).is_empty());
    // A Linux bridge's stp is a mapping (OVS takes a boolean).
    let boolean = policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: false}\n        port: [{name: eth1}]\n");
    // Only the shape is reported: an unreadable stp is not also "unset".
    one(
        &boolean,
        Code::WrongType,
        "spec.desiredState.interfaces[0].bridge.options.stp",
    );
    let typo = policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enable: false}}\n        port: [{name: eth1}]\n");
    one(
        &typo,
        Code::UnknownKey,
        "spec.desiredState.interfaces[0].bridge.options.stp.enable",
    );
    // Timers without `enabled` leave STP at NetworkManager's default.
    let timers = policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {forward-delay: 4}}\n        port: [{name: eth1}]\n");
    one(
        &timers,
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge",
    );
    let ovs = policy("", "    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        options: {stp: true}\n        port: [{name: eth1}]\n");
    one(
        &ovs,
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge.options.stp",
    );
    let ovs_off = policy("", "    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        options: {stp: false}\n        port: [{name: eth1}]\n");
    assert!(codes(&ovs_off).is_empty());
}

#[test]
fn ports_are_mappings_with_known_keys() {
    let p = "spec.desiredState.interfaces[0].bridge.port";
    one(&policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}}\n        port: [eth1]\n"), Code::WrongType, &format!("{p}[0]"));
    one(&policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}}\n        port: [{stp-priority: 32}]\n"), Code::MissingField, &format!("{p}[0]"));
    one(
        &bridge("          stp-cost: 100\n", ""),
        Code::UnknownKey,
        &format!("{p}[0].stp-cost"),
    );
    // The 2020 tutorial's per-port STP options are nmstate's.
    assert!(codes(&bridge("          stp-hairpin-mode: false\n          stp-path-cost: 100\n          stp-priority: 32\n", "")).is_empty());
}

#[test]
fn a_port_in_two_controllers_or_twice() {
    let two = bridge("", "    - name: br2\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}}\n        port: [{name: eth1}]\n");
    one(
        &two,
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].bridge.port[0].name",
    );
    let bond = bridge("", "    - name: bond0\n      type: bond\n      link-aggregation: {mode: active-backup, port: [eth1, eth2]}\n");
    one(
        &bond,
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].link-aggregation.port[0]",
    );
    let ovs_bond = bridge("", "    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        port:\n        - name: bond1\n          link-aggregation: {mode: active-backup, port: [{name: eth2}, {name: eth1}]}\n");
    one(
        &ovs_bond,
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].bridge.port[0].link-aggregation.port[1].name",
    );
    one(
        &bridge("        - name: eth1\n", ""),
        Code::DuplicatePort,
        "spec.desiredState.interfaces[0].bridge.port[1].name",
    );
    // A bridge being removed lets its port go to another.
    let moved = policy("", "    - name: br0\n      type: linux-bridge\n      state: absent\n      bridge:\n        port: [{name: eth1}]\n    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}}\n        port: [{name: eth1}]\n");
    assert!(codes(&moved).is_empty(), "{:?}", codes(&moved));
}

#[test]
fn a_port_carries_no_address() {
    let port = |ip: &str| {
        bridge(
            "",
            &format!("    - name: eth1\n      type: ethernet\n      state: up\n      {ip}\n"),
        )
    };
    one(
        &port("ipv4: {enabled: true, dhcp: true}"),
        Code::PortHasIp,
        "spec.desiredState.interfaces[1].ipv4.enabled",
    );
    one(
        &port("ipv6: {enabled: true, autoconf: true, dhcp: true}"),
        Code::PortHasIp,
        "spec.desiredState.interfaces[1].ipv6.enabled",
    );
    assert!(codes(&port("ipv4: {enabled: false}")).is_empty());
    // The internal interface of an OVS bridge is where its address goes.
    let ovs = policy("", "    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        port: [{name: eth1}, {name: ovs0}]\n    - name: ovs0\n      type: ovs-interface\n      ipv4: {enabled: true, dhcp: true}\n");
    assert!(codes(&ovs).is_empty(), "{:?}", codes(&ovs));
}

#[test]
fn an_ovs_bridge_takes_no_ip_and_no_mtu() {
    let ovs = |extra: &str| {
        policy("", &format!("    - name: br-ex\n      type: ovs-bridge\n{extra}      bridge:\n        port: [{{name: eth1}}]\n"))
    };
    one(
        &ovs("      ipv4: {enabled: true, dhcp: true}\n"),
        Code::IgnoredField,
        "spec.desiredState.interfaces[0].ipv4.enabled",
    );
    one(
        &ovs("      ipv6: {enabled: true, dhcp: true, autoconf: true}\n"),
        Code::IgnoredField,
        "spec.desiredState.interfaces[0].ipv6.enabled",
    );
    one(
        &ovs("      mtu: 9000\n"),
        Code::IgnoredField,
        "spec.desiredState.interfaces[0].mtu",
    );
    assert!(codes(&ovs("      ipv4: {enabled: false}\n")).is_empty());
    assert_eq!(
        run(&ovs("      mtu: 9000\n"))[0].severity,
        Severity::Warning
    );
}

#[test]
fn vlan_filtering() {
    let p = "spec.desiredState.interfaces[0].bridge.port[0].vlan";
    let vlan = |v: &str| bridge(&format!("          vlan: {v}\n"), "");
    // What wukong-net generates for a tagged network.
    assert!(codes(&vlan(
        "{mode: trunk, enable-native: true, tag: 1, trunk-tags: [{id: 100}]}"
    ))
    .is_empty());
    assert!(codes(&vlan(
        "{mode: trunk, trunk-tags: [{id-range: {min: 100, max: 199}}, {id: \"300\"}]}"
    ))
    .is_empty());
    assert!(codes(&vlan("{mode: access, tag: 100}")).is_empty());
    one(
        &vlan("{mode: trunk, trunk-tags: [{id: 4095}]}"),
        Code::VlanOutOfRange,
        &format!("{p}.trunk-tags[0].id"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{id: 0}]}"),
        Code::VlanOutOfRange,
        &format!("{p}.trunk-tags[0].id"),
    );
    one(
        &vlan("{mode: access, tag: 5000}"),
        Code::VlanOutOfRange,
        &format!("{p}.tag"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{id-range: {min: 200, max: 100}}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.trunk-tags[0].id-range"),
    );
    // nmstate reads `id` and drops the rest of the entry.
    one(
        &vlan("{mode: trunk, trunk-tags: [{id: 5, id-range: {min: 100, max: 200}}]}"),
        Code::IgnoredField,
        &format!("{p}.trunk-tags[0].id-range"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{vid: 5}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.trunk-tags[0]"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{id-range: {min: 100, max: 200}}, {id: 150}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.trunk-tags[1]"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{id: 7}, {id: \"7\"}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.trunk-tags[1]"),
    );
    assert!(codes(&vlan(
        "{mode: trunk, trunk-tags: [{id: 99}, {id-range: {min: 100, max: 200}}, {id: 201}]}"
    ))
    .is_empty());
    one(&vlan("{mode: trunk}"), Code::BridgeVlanInvalid, p);
    one(
        &vlan("{mode: trunk, tag: 1, trunk-tags: [{id: 5}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.tag"),
    );
    one(
        &vlan("{mode: access, tag: 100, trunk-tags: [{id: 5}]}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.trunk-tags"),
    );
    one(
        &vlan("{mode: access, tag: 100, enable-native: true}"),
        Code::BridgeVlanInvalid,
        &format!("{p}.enable-native"),
    );
    one(
        &vlan("{mode: trunc, trunk-tags: [{id: 5}]}"),
        Code::InvalidValue,
        &format!("{p}.mode"),
    );
    one(
        &vlan("{mode: trunk, tags: [{id: 5}], trunk-tags: [{id: 5}]}"),
        Code::UnknownKey,
        &format!("{p}.tags"),
    );
    one(
        &vlan("{mode: trunk, trunk-tags: [{id: ten}]}"),
        Code::WrongType,
        &format!("{p}.trunk-tags[0].id"),
    );
}

#[test]
fn ip_settings() {
    let ip = |v4: &str| {
        policy(
            "",
            &format!("    - name: eth1\n      type: ethernet\n      ipv4: {v4}\n"),
        )
    };
    one(
        &ip("{enabled: false, dhcp: true}"),
        Code::IgnoredField,
        "spec.desiredState.interfaces[0].ipv4.dhcp",
    );
    one(
        &ip("{enabled: yes-please}"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].ipv4.enabled",
    );
    let single = "  nodeSelector: {kubernetes.io/hostname: node01}\n";
    let addr = |a: &str| {
        policy(single, &format!("    - name: eth1\n      type: ethernet\n      ipv4: {{enabled: true, address: [{a}]}}\n"))
    };
    assert!(codes(&addr("{ip: 192.0.2.10, prefix-length: 24}")).is_empty());
    one(
        &addr("{ip: 192.0.2.300, prefix-length: 24}"),
        Code::AddressNotCidr,
        "spec.desiredState.interfaces[0].ipv4.address[0].ip",
    );
    one(
        &addr("{ip: 192.0.2.10, prefix-length: 33}"),
        Code::AddressNotCidr,
        "spec.desiredState.interfaces[0].ipv4.address[0].prefix-length",
    );
    one(
        &addr("{ip: \"2001:db8::1\", prefix-length: 24}"),
        Code::AddressNotCidr,
        "spec.desiredState.interfaces[0].ipv4.address[0].ip",
    );
    let both = policy(single, "    - name: eth1\n      type: ethernet\n      ipv4: {enabled: true, dhcp: true, address: [{ip: 192.0.2.10, prefix-length: 24}]}\n");
    one(
        &both,
        Code::DhcpWithStaticAddress,
        "spec.desiredState.interfaces[0].ipv4.address",
    );
}

#[test]
fn a_static_address_needs_a_single_node_selector() {
    let iface = "    - name: br1\n      type: linux-bridge\n      ipv4:\n        enabled: true\n        address: [{ip: 192.0.2.10, prefix-length: 24}]\n      bridge:\n        options: {stp: {enabled: false}}\n        port: [{name: eth1}]\n";
    let path = "spec.desiredState.interfaces[0].ipv4.address";
    one(&policy("", iface), Code::StaticIpOnManyNodes, path);
    one(
        &policy(
            "  nodeSelector: {node-role.kubernetes.io/worker: \"\"}\n",
            iface,
        ),
        Code::StaticIpOnManyNodes,
        path,
    );
    assert_eq!(run(&policy("", iface))[0].severity, Severity::Warning);
    assert!(codes(&policy(
        "  nodeSelector: {kubernetes.io/hostname: node01}\n",
        iface
    ))
    .is_empty());
}

#[test]
fn a_vlan_with_an_address_over_a_bridge_port() {
    let vlan = "    - name: eth1.5\n      type: vlan\n      vlan: {base-iface: eth1, id: 5}\n      ipv4: {enabled: true, dhcp: true}\n";
    one(
        &bridge("", vlan),
        Code::VlanOverBridgePort,
        "spec.desiredState.interfaces[1].vlan.base-iface",
    );
    // Over another NIC, or without an address, it is an ordinary VLAN.
    assert!(codes(&bridge(
        "",
        &vlan.replace("base-iface: eth1", "base-iface: eth2")
    ))
    .is_empty());
    assert!(codes(&bridge(
        "",
        &vlan.replace("enabled: true, dhcp: true", "enabled: false")
    ))
    .is_empty());
}

#[test]
fn captured_values_are_not_checked() {
    // kubernetes-nmstate's documented way to enslave the default-gateway NIC and keep its
    // address: templates filled in on each node.
    let spec = "  capture:\n    gw: routes.running.destination==\"0.0.0.0/0\"\n    gw-nic: interfaces.name==capture.gw.routes.running.0.next-hop-interface\n";
    let ifaces = "    - name: br1\n      type: linux-bridge\n      mtu: \"{{ capture.gw-nic.interfaces.0.mtu }}\"\n      ipv4:\n        enabled: true\n        address: \"{{ capture.gw-nic.interfaces.0.ipv4.address }}\"\n      bridge:\n        options: {stp: {enabled: false}}\n        port:\n        - name: \"{{ capture.gw.routes.running.0.next-hop-interface }}\"\n          vlan: {mode: access, tag: \"{{ capture.vid }}\"}\n    - name: eth9\n      type: ethernet\n      ipv4:\n        enabled: true\n        address: [{ip: \"{{ capture.a }}\", prefix-length: \"{{ capture.p }}\"}]\n";
    let object = policy(spec, ifaces);
    // A captured address is each node's own, not one address for all of them.
    assert!(codes(&object).is_empty(), "{:?}", codes(&object));
    // A template-free address entry without `ip` is still reported.
    let no_ip = policy("  nodeSelector: {kubernetes.io/hostname: n1}\n", "    - name: eth9\n      type: ethernet\n      ipv4: {enabled: true, address: [{prefix-length: 24}]}\n");
    one(
        &no_ip,
        Code::AddressNotCidr,
        "spec.desiredState.interfaces[0].ipv4.address[0].ip",
    );
}

#[test]
fn keys_nmstate_does_not_know() {
    let p = "spec.desiredState.interfaces[0]";
    let ports = policy("", "    - name: br1\n      type: linux-bridge\n      ports: [eth1]\n      bridge:\n        options: {stp: {enabled: false}}\n");
    one(&ports, Code::UnknownKey, &format!("{p}.ports"));
    let v4 = |ip: &str| {
        policy(
            "  nodeSelector: {kubernetes.io/hostname: n1}\n",
            &format!("    - name: eth1\n      type: ethernet\n      ipv4: {ip}\n"),
        )
    };
    one(
        &v4("{enabled: true, dhcp4: true}"),
        Code::UnknownKey,
        &format!("{p}.ipv4.dhcp4"),
    );
    one(&v4("{enabled: true, address: [{ip: 192.0.2.1, prefix-length: 24, netmask: 255.255.255.0}]}"), Code::UnknownKey, &format!("{p}.ipv4.address[0].netmask"));
    // The section of another type is unknown too; without a type, or `unknown`, nmstate
    // reads an ethernet.
    one(
        &policy(
            "",
            "    - name: eth1\n      type: ethernet\n      vlan: {base-iface: eth0, id: 5}\n",
        ),
        Code::UnknownKey,
        &format!("{p}.vlan"),
    );
    one(
        &policy(
            "",
            "    - name: eth1\n      type: unknown\n      anything: 1\n",
        ),
        Code::UnknownKey,
        &format!("{p}.anything"),
    );
    assert_eq!(
        codes(&policy(
            "",
            "    - name: eth1\n      bridge: {}\n      anything: 1\n"
        )),
        vec![
            (Code::MissingField, p.to_string()),
            (Code::UnknownKey, format!("{p}.anything"))
        ]
    );
    assert!(codes(&policy(
        "",
        "    - name: eth1\n      ethernet: {speed: 1000}\n"
    ))
    .is_empty());
}

#[test]
fn booleans_as_nmstate_reads_them() {
    // nmstate takes 1/0 and yes/no/on/off/y/n (any case) wherever it takes a boolean.
    let ip = |v4: &str| {
        policy(
            "",
            &format!("    - name: eth1\n      type: ethernet\n      ipv4: {v4}\n"),
        )
    };
    assert!(codes(&ip("{enabled: 1, dhcp: \"Yes\"}")).is_empty());
    one(
        &ip("{enabled: \"off\", dhcp: on}"),
        Code::IgnoredField,
        "spec.desiredState.interfaces[0].ipv4.dhcp",
    );
    one(
        &ip("{enabled: 2}"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].ipv4.enabled",
    );
    // A port's IP switched on with `yes` is still an IP on a port.
    let port = bridge(
        "",
        "    - name: eth1\n      type: ethernet\n      ipv4: {enabled: \"yes\", dhcp: true}\n",
    );
    one(
        &port,
        Code::PortHasIp,
        "spec.desiredState.interfaces[1].ipv4.enabled",
    );
    let stp = |v: &str| {
        policy("", &format!("    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {{stp: {{enabled: {v}}}}}\n        port: [{{name: eth1}}]\n"))
    };
    assert!(codes(&stp("\"no\"")).is_empty());
    one(
        &stp("1"),
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge.options.stp.enabled",
    );
    let native = bridge(
        "          vlan: {mode: access, tag: 5, enable-native: \"y\"}\n",
        "",
    );
    one(
        &native,
        Code::BridgeVlanInvalid,
        "spec.desiredState.interfaces[0].bridge.port[0].vlan.enable-native",
    );
    let bad = bridge(
        "          vlan: {mode: trunk, enable-native: maybe, trunk-tags: [{id: 5}]}\n",
        "",
    );
    one(
        &bad,
        Code::WrongType,
        "spec.desiredState.interfaces[0].bridge.port[0].vlan.enable-native",
    );
}

#[test]
fn an_ovs_bridge_reads_any_quoted_stp_as_on() {
    let ovs = |v: &str| {
        policy("", &format!("    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        options: {{stp: {v}}}\n        port: [{{name: eth1}}]\n"))
    };
    one(
        &ovs("\"false\""),
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge.options.stp",
    );
    assert!(run(&ovs("\"false\""))[0].message.contains("even \"false\""));
    one(
        &ovs("{enabled: true}"),
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge.options.stp",
    );
    assert!(codes(&ovs("{enabled: false}")).is_empty());
}

#[test]
fn a_vlan_interface_needs_its_nic_and_tag() {
    let vlan = |section: &str| {
        policy(
            "",
            &format!("    - name: eth1.5\n      type: vlan\n      vlan: {section}\n"),
        )
    };
    let p = "spec.desiredState.interfaces[0].vlan";
    assert!(codes(&vlan("{base-iface: eth1, id: 5}")).is_empty());
    assert!(
        codes(&vlan("{base-iface: eth1, id: \"0\"}")).is_empty(),
        "the kernel takes VLAN 0"
    );
    one(
        &vlan("{base-iface: eth1, id: 4095}"),
        Code::VlanOutOfRange,
        &format!("{p}.id"),
    );
    one(
        &vlan("{base-iface: eth1, id: -1}"),
        Code::VlanOutOfRange,
        &format!("{p}.id"),
    );
    one(
        &vlan("{base-iface: eth1, id: ten}"),
        Code::WrongType,
        &format!("{p}.id"),
    );
    one(&vlan("{base-iface: eth1}"), Code::MissingField, p);
    one(&vlan("{id: 5}"), Code::MissingField, p);
    one(&vlan("eth1"), Code::WrongType, p);
}

#[test]
fn bond_and_vrf_ports() {
    let vrf = "    - name: vrf0\n      type: vrf\n      vrf: {route-table-id: 100, port: [eth1]}\n";
    one(
        &bridge("", vrf),
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].vrf.port[0]",
    );
    // A VRF's port keeps its address.
    let with_ip = policy("", &format!("{vrf}    - name: eth1\n      type: ethernet\n      ipv4: {{enabled: true, dhcp: true}}\n"));
    assert!(codes(&with_ip).is_empty(), "{:?}", codes(&with_ip));
    let bond = |ports: &str| {
        policy("", &format!("    - name: bond0\n      type: bond\n      link-aggregation: {{mode: active-backup, ports: {ports}}}\n"))
    };
    assert!(codes(&bond("[eth1, eth2]")).is_empty());
    one(
        &bond("[eth1, {name: eth2}]"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].link-aggregation.ports[1]",
    );
    one(
        &bond("eth1"),
        Code::WrongType,
        "spec.desiredState.interfaces[0].link-aggregation.ports",
    );
    // `type: null` is no type.
    assert!(codes(&policy("", "    - name: eth1\n      type: null\n")).is_empty());
}

#[test]
fn null_is_absent_and_ports_is_port() {
    // nmstate reads null as a missing section: a null stp leaves STP at its default (on).
    let null_stp = policy("", "    - name: br1\n      type: linux-bridge\n      ipv4: null\n      bridge:\n        options: {stp: null}\n        port: [{name: eth1, vlan: null}]\n");
    one(
        &null_stp,
        Code::StpEnabled,
        "spec.desiredState.interfaces[0].bridge",
    );
    // `ports` is nmstate's alias of `port`, for bridges and OVS bonds alike.
    let two = bridge("", "    - name: br2\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}}\n        ports: [{name: eth1}]\n");
    one(
        &two,
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].bridge.ports[0].name",
    );
    let ovs = bridge("", "    - name: br-ex\n      type: ovs-bridge\n      bridge:\n        ports:\n        - name: bond1\n          link-aggregation: {mode: active-backup, ports: [{name: eth1}, {name: eth2}]}\n");
    one(
        &ovs,
        Code::InterfaceInTwoParents,
        "spec.desiredState.interfaces[1].bridge.ports[0].link-aggregation.ports[0].name",
    );
    let typo = bridge("", "")
        .to_string()
        .replace("\"options\"", "\"option\"");
    let typo: Value = serde_json::from_str(&typo).unwrap_or_default();
    assert!(codes(&typo).contains(&(
        Code::UnknownKey,
        "spec.desiredState.interfaces[0].bridge.option".into()
    )));
    let opt = policy("", "    - name: br1\n      type: linux-bridge\n      bridge:\n        options: {stp: {enabled: false}, mac-aging-time: 300}\n        port: [{name: eth1}]\n");
    one(
        &opt,
        Code::UnknownKey,
        "spec.desiredState.interfaces[0].bridge.options.mac-aging-time",
    );
}

#[test]
fn the_policys_own_fields() {
    let spec = |extra: &str| policy(extra, "    - name: eth1\n      type: ethernet\n");
    assert!(codes(&spec(
        "  maxUnavailable: 3\n  nodeSelector: {node-role.kubernetes.io/worker: \"\"}\n"
    ))
    .is_empty());
    let typo = spec("  nodeSelectors: {kubernetes.io/hostname: n1}\n");
    one(&typo, Code::UnknownField, "spec.nodeSelectors");
    assert_eq!(
        run(&typo)[0].hint.as_deref(),
        Some("did you mean `nodeSelector`?")
    );
    one(
        &spec("  nodeSelector: {node-role.kubernetes.io/worker: true}\n"),
        Code::WrongType,
        "spec.nodeSelector[\"node-role.kubernetes.io/worker\"]",
    );
    // A template instead of a state: nothing to check here.
    let template = serde_json::json!({"spec": {"desiredStateTemplate": {"interfaces": []}}});
    assert!(codes(&template).is_empty());
}
