//! Node side: which networks wukong-net can build, and whether their bridge and NIC names are
//! real Linux interface names that one NIC never serves twice.

use super::{is_interface_name, net_path};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{NetworkType, Wukong};
use std::collections::HashMap;

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    // physical NIC -> (bridge, network index) of its first use.
    let mut enslaved: HashMap<&str, (String, usize)> = HashMap::new();
    for (i, net) in w.spec.networks.iter().enumerate() {
        let base = net_path(i);
        if net.is_pod_network() {
            for (field, set) in [
                ("bridgeName", net.bridge_name.is_some()),
                ("physicalInterface", net.physical_interface.is_some()),
                ("nadName", net.nad_name.is_some()),
                ("vlanId", net.vlan_id.is_some()),
            ] {
                if set {
                    out.push(ignored(
                        &base,
                        field,
                        "the pod network `default` uses the cluster's pod network",
                    ));
                }
            }
            continue;
        }
        let has_nad = net.nad_name.as_deref().is_some_and(|n| !n.is_empty());
        match net.effective_type() {
            NetworkType::Macvlan | NetworkType::Sriov if !has_nad => {
                let t = net.effective_type().as_str();
                out.push(
                    Diagnostic::new(
                        Code::UnsupportedNetworkType,
                        format!("{base}.type"),
                        format!("wukong-net cannot create a NAD for `type: {t}`"),
                    )
                    .with_hint(format!("create the {t} NetworkAttachmentDefinition yourself and name it in `nadName`, or use `type: bridge`")),
                );
                continue;
            }
            NetworkType::Ovs if !has_nad => out.push(
                Diagnostic::new(
                    Code::OvsAsLinuxBridge,
                    format!("{base}.type"),
                    "`type: ovs` is rendered as a Linux bridge, as the original operator does",
                )
                .with_hint("write `type: bridge` to say so, or name an OVS NAD in `nadName`"),
            ),
            _ => {}
        }
        if has_nad {
            for (field, set) in [
                ("bridgeName", net.bridge_name.is_some()),
                ("physicalInterface", net.physical_interface.is_some()),
                ("vlanId", net.vlan_id.is_some()),
            ] {
                if set {
                    out.push(ignored(
                        &base,
                        field,
                        "the existing NAD named in `nadName` decides it",
                    ));
                }
            }
            continue;
        }

        // An operator-made bridge.
        let bridge = net.bridge();
        let bridge_ok = if is_interface_name(&bridge) {
            true
        } else {
            let (path, what) = if net.bridge_name.is_some() {
                (
                    format!("{base}.bridgeName"),
                    format!("bridge name `{}`", bridge.escape_debug()),
                )
            } else {
                (
                    format!("{base}.name"),
                    format!("the default bridge name `{}`", bridge.escape_debug()),
                )
            };
            out.push(
                Diagnostic::new(Code::InvalidInterfaceName, path, format!("{what} is not a valid Linux interface name"))
                    .with_hint("use 1-15 bytes without '/', ':', whitespace or control characters; set `bridgeName` explicitly, e.g. br-external"),
            );
            false
        };
        match net.physical_interface.as_deref() {
            None | Some("") => out.push(
                Diagnostic::new(
                    Code::MissingPhysicalInterface,
                    base.clone(),
                    format!("network `{}` needs a node bridge, but names no physicalInterface to enslave to it", net.name),
                )
                .with_hint("add `physicalInterface: ens192` (the node NIC cabled to the network with the DHCP server), or `nadName` to use an existing NAD"),
            ),
            Some(nic) if !is_interface_name(nic) => out.push(
                Diagnostic::new(
                    Code::InvalidInterfaceName,
                    format!("{base}.physicalInterface"),
                    format!("`{}` is not a valid Linux interface name", nic.escape_debug()),
                )
                .with_hint("use the node NIC's name as `ip link` shows it: 1-15 bytes without '/', ':' or whitespace"),
            ),
            Some(nic) if bridge_ok => match enslaved.get(nic) {
                Some((other, first)) if *other != bridge => out.push(
                    Diagnostic::new(
                        Code::NicInTwoBridges,
                        format!("{base}.physicalInterface"),
                        format!("{nic} is already enslaved to {other} by spec.networks[{first}]; a NIC can be a port of one bridge only"),
                    )
                    .with_hint(format!("use bridgeName: {other} here too, or another physical NIC")),
                ),
                Some(_) => {}
                None => {
                    enslaved.insert(nic, (bridge, i));
                }
            },
            Some(_) => {}
        }
    }
}

fn ignored(base: &str, field: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::IgnoredField,
        format!("{base}.{field}"),
        format!("`{field}` has no effect here: {why}"),
    )
    .with_hint(format!("remove `{field}`"))
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    const DHCP: &str = "    ipConfig: {mode: dhcp}\n";

    #[test]
    fn interface_names() {
        expect(&with_networks(&format!("  - name: ext\n    bridgeName: br-external-too-long\n    physicalInterface: ens192\n{DHCP}")), Code::InvalidInterfaceName, "spec.networks[0].bridgeName", 12);
        expect(
            &with_networks(&format!(
                "  - name: ext\n    physicalInterface: \"ens 192\"\n{DHCP}"
            )),
            Code::InvalidInterfaceName,
            "spec.networks[0].physicalInterface",
            12,
        );
        expect(
            &with_networks(&format!(
                "  - name: ext\n    physicalInterface: eth0:1\n{DHCP}"
            )),
            Code::InvalidInterfaceName,
            "spec.networks[0].physicalInterface",
            12,
        );
        // The default br-<name> must fit too.
        expect(
            &with_networks(&format!(
                "  - name: external-network\n    physicalInterface: ens192\n{DHCP}"
            )),
            Code::InvalidInterfaceName,
            "spec.networks[0].name",
            11,
        );
        clean_of(
            &with_networks(&format!(
                "  - name: ext\n    bridgeName: br-external\n    physicalInterface: ens192\n{DHCP}"
            )),
            Code::InvalidInterfaceName,
        );
    }

    #[test]
    fn operator_made_bridge_needs_a_nic() {
        expect(
            &with_networks(&format!("  - name: ext\n{DHCP}")),
            Code::MissingPhysicalInterface,
            "spec.networks[0]",
            11,
        );
        clean_of(
            &with_networks(&format!("  - name: ext\n    nadName: existing\n{DHCP}")),
            Code::MissingPhysicalInterface,
        );
    }

    #[test]
    fn one_nic_one_bridge() {
        let y = with_networks(&format!("  - name: a\n    bridgeName: br-a\n    physicalInterface: ens192\n{DHCP}  - name: b\n    bridgeName: br-b\n    physicalInterface: ens192\n{DHCP}"));
        expect(
            &y,
            Code::NicInTwoBridges,
            "spec.networks[1].physicalInterface",
            17,
        );
        let same = with_networks(&format!("  - name: a\n    bridgeName: br-a\n    physicalInterface: ens192\n{DHCP}  - name: b\n    bridgeName: br-a\n    physicalInterface: ens192\n{DHCP}"));
        clean_of(&same, Code::NicInTwoBridges);
    }

    #[test]
    fn network_types() {
        expect(
            &with_networks(&format!("  - name: ext\n    type: sriov\n{DHCP}")),
            Code::UnsupportedNetworkType,
            "spec.networks[0].type",
            12,
        );
        clean_of(
            &with_networks(&format!(
                "  - name: ext\n    type: sriov\n    nadName: sriov-net\n{DHCP}"
            )),
            Code::UnsupportedNetworkType,
        );
        expect(
            &with_networks(&format!(
                "  - name: ext\n    type: ovs\n    physicalInterface: ens192\n{DHCP}"
            )),
            Code::OvsAsLinuxBridge,
            "spec.networks[0].type",
            12,
        );
    }

    #[test]
    fn ignored_fields() {
        expect(
            &with_networks(&format!(
                "  - name: ext\n    nadName: existing\n    vlanId: 5\n{DHCP}"
            )),
            Code::IgnoredField,
            "spec.networks[0].vlanId",
            13,
        );
        expect(
            &with_networks("  - name: default\n    bridgeName: br0\n"),
            Code::IgnoredField,
            "spec.networks[0].bridgeName",
            12,
        );
    }
}
