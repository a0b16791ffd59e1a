//! The previewer's picture of a KubeVirt VM's NICs, in the shape it draws for a Wukong
//! ([`Topology`]): per interface its binding, the NAD of the checked set it uses (plugin, node
//! bridge, VLAN, MTU, and the physical NIC a macvlan names or an NMState policy of the set puts
//! in the bridge), and what networkData gives the guest. Nothing is guessed: what the set does
//! not say stays empty.

use super::cross_refs::plugins;
use super::{Kind, Object};
use crate::admission::cni;
use crate::admission::vm::{NicFacts, VmFacts};
use crate::json_path::JsonPath;
use crate::topology::{IpSource, NetworkPath, Topology};
use serde_json::Value;
use std::collections::HashMap;

/// One picture per VM, VMI or template of the set, in input order.
pub(super) fn of_set(objects: &[Object<'_>]) -> Vec<(usize, Topology)> {
    let nads: HashMap<(&str, &str), &Value> = objects
        .iter()
        .filter(|o| o.kind == Kind::NetworkAttachmentDefinition)
        .map(|o| ((o.namespace.as_str(), o.name.as_str()), o.value))
        .collect();
    let ports = bridge_ports(objects);
    objects
        .iter()
        .filter_map(|o| Some((o.file, of_vm(o, o.facts.as_ref()?, &nads, &ports))))
        .collect()
}

fn of_vm(
    o: &Object<'_>,
    facts: &VmFacts,
    nads: &HashMap<(&str, &str), &Value>,
    ports: &HashMap<String, String>,
) -> Topology {
    let networks = facts
        .nics
        .iter()
        .enumerate()
        .map(|(index, nic)| {
            let nad = nic
                .nad
                .as_ref()
                .and_then(|(ns, name, _)| nads.get(&(ns.as_str(), name.as_str())));
            let plugin = nad
                .and_then(|n| plugins(n).into_iter().next())
                .map(|(_, p)| p);
            let field = |k: &str| plugin.as_ref().and_then(|p| p.get(k));
            let text = |k: &str| field(k).and_then(Value::as_str).map(str::to_string);
            let plugin_type = text("type");
            let bridge = match plugin_type.as_deref() {
                Some("bridge") => {
                    Some(text("bridge").unwrap_or_else(|| cni::DEFAULT_BRIDGE.into()))
                }
                Some("ovs") => text("bridge"),
                _ => None,
            };
            let physical_interface = match plugin_type.as_deref() {
                Some("macvlan" | "ipvlan") => text("master"),
                Some("host-device") => text("device"),
                _ => bridge.as_ref().and_then(|b| ports.get(b).cloned()),
            };
            let kind = if nic.pod {
                "pod".to_string()
            } else {
                plugin_type.unwrap_or_else(|| "multus".to_string())
            };
            NetworkPath {
                network: nic.name.clone(),
                spec_index: index,
                paths: nic_paths(&o.base, nic),
                guest_nic: nic.guest_name.clone(),
                mac: nic
                    .mac
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "(MAC by KubeVirt)".into()),
                binding: nic.binding.unwrap_or("bridge").to_string(),
                kind,
                nad: nic.nad.as_ref().map(|(ns, name, _)| format!("{ns}/{name}")),
                generated: false,
                bridge,
                physical_interface,
                vlan_id: field("vlan").and_then(Value::as_i64),
                mtu: field("mtu").and_then(Value::as_i64),
                mode: nic.mode.map(str::to_string),
                address: nic.addresses.first().cloned(),
                gateway: None,
                dns_servers: Vec::new(),
                ipv4: family_source(nic, false),
                ipv6: family_source(nic, true),
            }
        })
        .collect();
    Topology {
        boot_disk: None,
        wukong: o.describe(),
        kind: o.kind.kubevirt_name().unwrap_or_default().to_string(),
        networks,
    }
}

/// One family's source as networkData states it: DHCP, or its first static address of that
/// family. IPv4 is `off` when networkData configures the NIC without either; IPv6 stays unknown
/// then (SLAAC depends on `accept-ra` and the guest's defaults, which the facts do not hold).
fn family_source(nic: &NicFacts, v6: bool) -> Option<IpSource> {
    if nic.entries.is_empty() {
        return None;
    }
    let dhcp = if v6 { nic.dhcp6 } else { nic.dhcp4 };
    let address = nic
        .addresses
        .iter()
        .find(|a| a.contains(':') == v6)
        .cloned();
    let source = match (dhcp, &address) {
        (true, _) => "dhcp",
        (false, Some(_)) => "static",
        (false, None) if v6 => return None,
        (false, None) => "off",
    };
    Some(IpSource {
        source: source.to_string(),
        address: address.filter(|_| !dhcp),
        gateway: None,
    })
}

/// The interface entry, for a Multus NIC its `networks[]` entry (the path of `networkName`
/// without its last two keys), and the networkData entries that configure it; from the root
/// of the document, as diagnostic paths are (`items[3].spec...` in a List).
fn nic_paths(base: &JsonPath, nic: &NicFacts) -> Vec<String> {
    let mut paths = vec![nic.path.as_str()];
    if let Some((_, _, name_path)) = &nic.nad {
        paths.extend(name_path.strip_suffix(".multus.networkName"));
    }
    paths.extend(nic.entries.iter().map(String::as_str));
    paths
        .into_iter()
        .map(|p| base.clone().join(&JsonPath::parse(p)).to_string())
        .collect()
}

/// The first port NMState policies of the set put in each bridge they create.
fn bridge_ports(objects: &[Object<'_>]) -> HashMap<String, String> {
    let mut ports = HashMap::new();
    for o in objects
        .iter()
        .filter(|o| o.kind == Kind::NodeNetworkConfigurationPolicy)
    {
        let interfaces = o
            .value
            .pointer("/spec/desiredState/interfaces")
            .and_then(Value::as_array);
        for iface in interfaces.into_iter().flatten() {
            let name = iface.get("name").and_then(Value::as_str);
            let port = iface.pointer("/bridge/port/0/name").and_then(Value::as_str);
            if let (Some(name), Some(port)) = (name, port) {
                ports
                    .entry(name.to_string())
                    .or_insert_with(|| port.to_string());
            }
        }
    }
    ports
}
