//! Which interface is a port of which controller (Linux and OVS bridges, bonds, VRFs): a port in two
//! controllers or twice in one, an IP on a port, an address on a VLAN over a bridge port.

use super::bridge::port_names;
use super::fields::{flag, port_list, wrong_type};
use super::Iface;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use serde_json::Value;
use std::collections::BTreeMap;

/// One place a controller lists a port.
struct Membership<'a> {
    controller: &'a str,
    controller_kind: &'a str,
    path: String,
}

pub(super) fn check(ifaces: &[Iface], out: &mut Vec<Diagnostic>) {
    let mut by_port: BTreeMap<&str, Vec<Membership>> = BTreeMap::new();
    for iface in ifaces.iter().filter(|i| i.is_up()) {
        let Some(kind) = iface.kind else { continue };
        for (path, port) in members(iface, kind, out) {
            // OVS lists its own internal interface under the bridge's name.
            if kind == "ovs-bridge" && port == iface.name {
                continue;
            }
            by_port.entry(port).or_default().push(Membership {
                controller: iface.name,
                controller_kind: kind,
                path,
            });
        }
    }
    for (port, places) in &by_port {
        let Some((first, rest)) = places.split_first() else {
            continue;
        };
        for again in rest {
            if again.controller == first.controller {
                out.push(
                    Diagnostic::new(
                        Code::DuplicatePort,
                        &again.path,
                        format!(
                            "`{}` is listed twice as a port of `{}`: nmstate refuses it",
                            port.escape_debug(),
                            first.controller.escape_debug()
                        ),
                    )
                    .with_hint("list each port once"),
                );
            } else {
                out.push(
                    Diagnostic::new(Code::InterfaceInTwoParents, &again.path, format!("`{}` is a port of both `{}` and `{}`: an interface has one controller, and nmstate refuses it", port.escape_debug(), first.controller.escape_debug(), again.controller.escape_debug()))
                        .with_hint("give each bridge its own NIC, or make one a VLAN interface over the NIC and enslave that"),
                );
            }
        }
    }
    for iface in ifaces.iter().filter(|i| i.is_up()) {
        let Some(place) = by_port.get(iface.name).and_then(|p| p.first()) else {
            continue;
        };
        // nmstate lets OVS internal interfaces and VRF ports hold addresses.
        if iface.kind == Some("ovs-interface") || place.controller_kind == "vrf" {
            continue;
        }
        for family in ["ipv4", "ipv6"] {
            if flag(iface.entry.get(family), "enabled") == Some(true) {
                out.push(
                    Diagnostic::new(Code::PortHasIp, join_key(&join_key(&iface.path, family), "enabled"), format!("`{}` is a port of `{}` and has {family} enabled: a port carries no address, and nmstate refuses it", iface.name.escape_debug(), place.controller.escape_debug()))
                        .with_hint(format!("write {family}: {{enabled: false}} on the port and put the node's address on the bridge `{}`", place.controller.escape_debug())),
                );
            }
        }
    }
    vlans_over_ports(ifaces, &by_port, out);
}

/// The ports a controller lists, with the path of each name. A bond's or VRF's list of names
/// is read here, so its shape is reported here.
fn members<'a>(
    iface: &'a Iface<'a>,
    kind: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, &'a str)> {
    match kind {
        "linux-bridge" => port_names(iface),
        "ovs-bridge" => {
            let mut found = port_names(iface);
            // An OVS bond is a port whose own ports are the NICs.
            let bridge = iface.entry.get("bridge").and_then(Value::as_object);
            if let Some((key, Value::Array(list))) = bridge.and_then(port_list) {
                let base = join_key(&join_key(&iface.path, "bridge"), key);
                for (i, p) in list.iter().enumerate() {
                    let lag = p.get("link-aggregation").and_then(Value::as_object);
                    if let Some((lag_key, Value::Array(nics))) = lag.and_then(port_list) {
                        let lag_path = join_key(
                            &join_key(&join_index(&base, i), "link-aggregation"),
                            lag_key,
                        );
                        for (j, nic) in nics.iter().enumerate() {
                            if let Some(name) = nic.get("name").and_then(Value::as_str) {
                                found.push((join_key(&join_index(&lag_path, j), "name"), name));
                            }
                        }
                    }
                }
            }
            found
        }
        "bond" | "vrf" => {
            let section = if kind == "bond" {
                "link-aggregation"
            } else {
                "vrf"
            };
            let base = join_key(&iface.path, section);
            let mut found = Vec::new();
            // nmstate reads both `port` and its newer spelling `ports`.
            for key in ["port", "ports"] {
                let list_path = join_key(&base, key);
                match iface.entry.get(section).and_then(|l| l.get(key)) {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(list)) => {
                        for (i, p) in list.iter().enumerate() {
                            let path = join_index(&list_path, i);
                            match p.as_str() {
                                Some(name) => found.push((path, name)),
                                None => out.push(wrong_type(
                                    &path,
                                    p,
                                    "a string",
                                    "write the port's name, e.g. - eth1",
                                )),
                            }
                        }
                    }
                    Some(other) => out.push(wrong_type(
                        &list_path,
                        other,
                        "a list",
                        "write port: [eth1, eth2]",
                    )),
                }
            }
            found
        }
        _ => Vec::new(),
    }
}

/// A VLAN interface with an address over a NIC that is also a bridge port: the bridge takes
/// the NIC's frames first, so whether the VLAN still sees its own depends on the NIC's VLAN
/// offload (it works on some NICs, not on others).
fn vlans_over_ports(
    ifaces: &[Iface],
    by_port: &BTreeMap<&str, Vec<Membership>>,
    out: &mut Vec<Diagnostic>,
) {
    for iface in ifaces
        .iter()
        .filter(|i| i.is_up() && i.kind == Some("vlan"))
    {
        let Some(base) = iface
            .entry
            .get("vlan")
            .and_then(|v| v.get("base-iface"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(place) = by_port.get(base).and_then(|p| p.first()) else {
            continue;
        };
        let has_ip = ["ipv4", "ipv6"]
            .iter()
            .any(|f| flag(iface.entry.get(*f), "enabled") == Some(true));
        if has_ip {
            out.push(
                Diagnostic::new(Code::VlanOverBridgePort, join_key(&join_key(&iface.path, "vlan"), "base-iface"), format!("VLAN `{}` carries an address over `{}`, which is also a port of `{}`: the bridge takes the NIC's frames, and the VLAN receives its own only where the NIC strips VLAN tags in hardware", iface.name.escape_debug(), base.escape_debug(), place.controller.escape_debug()))
                    .with_hint(if place.controller_kind == "ovs-bridge" {
                        "make the address an ovs-interface port of the bridge with a VLAN tag (access mode)"
                    } else {
                        "make the VLAN over the bridge instead (base-iface: the bridge), with VLAN filtering letting its tag through"
                    }),
            );
        }
    }
}
