//! Values that parse but cannot work: a gateway no address of the NIC reaches, an MTU the
//! kernel refuses, a MAC claimed twice, DHCP and static addresses fighting on one NIC.

use super::scalars::{parse_net, valid_mac};
use super::{netplan_bool, DeviceRef, Lint, Root};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{IPV6_MTUS, MTUS, NETPLAN_VLAN_IDS, VXLAN_VNIS};
use crate::source::{join_index, join_key};
use ipnet::IpNet;
use serde_json::Value;
use std::collections::HashMap;
use std::net::IpAddr;

pub fn check(lint: &mut Lint<'_>, _root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    for d in devices {
        gateways(lint, d);
        mtu(lint, d);
        ids(lint, d);
        route_shapes(lint, d);
        dhcp_and_static(lint, d);
    }
    macs(lint, devices);
}

pub(super) fn bool_at(d: &DeviceRef<'_>, key: &str) -> Option<bool> {
    match d.value.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => netplan_bool(s),
        _ => None,
    }
}

/// The NIC's static networks.
fn networks(d: &DeviceRef<'_>) -> Vec<IpNet> {
    d.device
        .addresses
        .iter()
        .filter_map(|a| match parse_net(a)? {
            (ip, Some(prefix)) => IpNet::new(ip, prefix).ok(),
            _ => None,
        })
        .collect()
}

/// Whether a next hop can be reached on this NIC: inside one of its subnets, IPv6 link-local,
/// or in a family the NIC learns its subnet for by DHCP or router advertisements (unknown here,
/// so given the benefit of the doubt).
fn reachable(d: &DeviceRef<'_>, nets: &[IpNet], via: IpAddr) -> bool {
    if nets.iter().any(|n| n.contains(&via)) {
        return true;
    }
    match via {
        IpAddr::V4(_) => d.device.dhcp4,
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xffc0) == 0xfe80
                || d.device.dhcp6
                || bool_at(d, "accept-ra") == Some(true)
        }
    }
}

fn gateways(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    // VRF routes leave through their member interfaces, not the VRF itself.
    if d.section.key == "vrfs" {
        return;
    }
    let nets = networks(d);
    let base = &d.device.path;
    for key in ["gateway4", "gateway6"] {
        let Some(via) = d
            .value
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<IpAddr>().ok())
        else {
            continue;
        };
        // A gateway of the wrong family is reported as not an address of that family.
        if via.is_ipv4() != (key == "gateway4") {
            continue;
        }
        if !reachable(d, &nets, via) {
            lint.push(unreachable(&join_key(base, key), key, via, d, &nets, false));
        }
    }
    let Some(Value::Array(routes)) = d.value.get("routes") else {
        return;
    };
    for (i, route) in routes.iter().enumerate() {
        let Value::Object(r) = route else { continue };
        let Some(via) = r
            .get("via")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<IpAddr>().ok())
        else {
            continue;
        };
        let on_link = match r.get("on-link") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => netplan_bool(s) == Some(true),
            _ => false,
        };
        let special = r
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "unicast")
            || r.get("scope")
                .and_then(Value::as_str)
                .is_some_and(|s| s != "global");
        if on_link || special || reachable(d, &nets, via) {
            continue;
        }
        let path = join_key(&join_index(&join_key(base, "routes"), i), "via");
        lint.push(unreachable(&path, "via", via, d, &nets, true));
    }
}

fn unreachable(
    path: &str,
    key: &str,
    via: IpAddr,
    d: &DeviceRef<'_>,
    nets: &[IpNet],
    route: bool,
) -> Diagnostic {
    let same_family: Vec<String> = nets
        .iter()
        .filter(|n| n.addr().is_ipv4() == via.is_ipv4())
        .map(|n| n.to_string())
        .collect();
    let has = if same_family.is_empty() {
        format!(
            "`{}` has no {} address",
            d.device.id,
            if via.is_ipv4() { "IPv4" } else { "IPv6" }
        )
    } else {
        format!(
            "no address of `{}` ({}) contains it",
            d.device.id,
            same_family.join(", ")
        )
    };
    let hint = if route {
        "use a gateway inside the NIC's subnet, add the address that reaches it, or set `on-link: true` if the gateway really is on the link"
    } else {
        "use a gateway inside the NIC's subnet, or add the address that reaches it"
    };
    Diagnostic::new(
        Code::RouteViaUnreachable,
        path,
        format!("`{key}: {via}` cannot be reached from this NIC: {has}, so the kernel refuses the route and the guest has no way out through it"),
    )
    .with_hint(hint)
}

fn uint_at(d: &DeviceRef<'_>, key: &str) -> Option<(u64, String)> {
    let v = d.value.get(key)?;
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    Some((text.parse().ok()?, text))
}

fn mtu(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    for (key, range) in [("mtu", MTUS), ("ipv6-mtu", IPV6_MTUS)] {
        let Some((n, _)) = uint_at(d, key) else {
            continue;
        };
        let (min, max) = (range.start(), range.end());
        if !i64::try_from(n).is_ok_and(|n| range.contains(&n)) {
            lint.push(
                Diagnostic::new(
                    Code::MtuOutOfRange,
                    join_key(&d.device.path, key),
                    format!("`{key}: {n}` is outside {min}-{max}: the kernel refuses it (netplan and cloud-init pass it on unchecked)"),
                )
                .with_hint(format!("use a {key} between {min} and {max}, 1500 for plain Ethernet or 9000 for jumbo frames")),
            );
        }
    }
}

/// VLAN IDs and VXLAN network identifiers (their ranges: `crate::limits`).
fn ids(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let is_vxlan = d.value.get("mode").and_then(Value::as_str) == Some("vxlan");
    let (range, what, code) = match d.section.key {
        "vlans" => (NETPLAN_VLAN_IDS, "a VLAN ID", Code::VlanOutOfRange),
        "tunnels" if is_vxlan => (VXLAN_VNIS, "a VXLAN network identifier", Code::InvalidValue),
        _ => return,
    };
    let Some((n, _)) = uint_at(d, "id") else {
        return;
    };
    if !i64::try_from(n).is_ok_and(|n| range.contains(&n)) {
        lint.push(
            Diagnostic::new(
                code,
                join_key(&d.device.path, "id"),
                format!(
                    "`id: {n}` is not {what} ({}-{}): netplan refuses it",
                    range.start(),
                    range.end()
                ),
            )
            .with_hint(format!(
                "use {what} between {} and {}",
                range.start(),
                range.end()
            )),
        );
    }
}

/// Route ends of one family, and a gateway for global unicast routes (netplan's checks).
fn route_shapes(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let Some(Value::Array(routes)) = d.value.get("routes") else {
        return;
    };
    for (i, route) in routes.iter().enumerate() {
        let Value::Object(r) = route else { continue };
        let path = join_index(&join_key(&d.device.path, "routes"), i);
        let to = r.get("to").and_then(Value::as_str);
        let via = r
            .get("via")
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<IpAddr>().ok());
        let to_family = to.and_then(parse_net).map(|(a, _)| a.is_ipv4());
        if let (Some(v4), Some(via)) = (to_family, via) {
            if v4 != via.is_ipv4() {
                lint.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        join_key(&path, "via"),
                        format!("the route to {} goes via {via}, an address of the other IP family: netplan refuses it", to.unwrap_or_default()),
                    )
                    .with_hint("route IPv4 destinations via an IPv4 gateway and IPv6 ones via an IPv6 gateway"),
                );
            }
        }
        let global = r.get("scope").and_then(Value::as_str) == Some("global");
        let unicast = r
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "unicast");
        if global && unicast && r.get("via").is_none() {
            lint.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    join_key(&path, "scope"),
                    "a global unicast route needs a `via`: netplan refuses it without one",
                )
                .with_hint("add `via: <gateway>`, or drop `scope: global` for a route on the link"),
            );
        }
    }
}

fn dhcp_and_static(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let nets = networks(d);
    for (key, on, v4) in [
        ("dhcp4", d.device.dhcp4, true),
        ("dhcp6", d.device.dhcp6, false),
    ] {
        let statics: Vec<String> = nets
            .iter()
            .filter(|n| n.addr().is_ipv4() == v4)
            .map(|n| n.to_string())
            .collect();
        if on && !statics.is_empty() {
            lint.push(
                Diagnostic::new(
                    Code::DhcpWithStaticAddress,
                    join_key(&d.device.path, key),
                    format!("`{}` runs {key} and also has the static address{} {}: the NIC ends up with both, and which one traffic leaves from depends on the DHCP server", d.device.id, if statics.len() == 1 { "" } else { "es" }, statics.join(", ")),
                )
                .with_hint(format!("choose one: drop `{key}: true`, or drop the static addresses")),
            );
        }
    }
}

/// A MAC matched by two entries makes the second one dead (or fight the first); a MAC set on
/// two devices puts two NICs on one link address.
fn macs(lint: &mut Lint<'_>, devices: &[DeviceRef<'_>]) {
    let mut matched: HashMap<String, &str> = HashMap::new();
    let mut set: HashMap<String, &str> = HashMap::new();
    for d in devices {
        if let Some(m) = d.device.match_mac.as_deref().filter(|m| valid_mac(m)) {
            let path = join_key(&join_key(&d.device.path, "match"), "macaddress");
            if let Some(first) = matched.get(&m.to_ascii_lowercase()) {
                lint.push(
                    Diagnostic::new(Code::DuplicateMac, &path, format!("`{}` matches {m}, which `{first}` matches already: one NIC, two definitions", d.device.id))
                        .with_hint("merge the two entries, or fix the MAC of one of them"),
                );
            } else {
                matched.insert(m.to_ascii_lowercase(), &d.device.id);
            }
        }
        if let Some(m) = d
            .value
            .get("macaddress")
            .and_then(Value::as_str)
            .filter(|m| valid_mac(m))
        {
            let path = join_key(&d.device.path, "macaddress");
            if let Some(first) = set.get(&m.to_ascii_lowercase()) {
                lint.push(
                    Diagnostic::new(Code::DuplicateMac, &path, format!("`{}` sets the MAC {m}, which `{first}` sets already: two interfaces with one link address", d.device.id))
                        .with_hint("give each interface its own MAC, or leave `macaddress` out"),
                );
            } else {
                set.insert(m.to_ascii_lowercase(), &d.device.id);
            }
        }
    }
}
