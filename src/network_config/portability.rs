//! What one consumer accepts and another refuses or ignores. Every message names the consumer
//! and says why: cloud-init 22.4's own renderers (sysconfig, networkd, eni; read from its
//! network_state.py and networkd.py, and checked with `cloud-init devel net-convert`), and
//! netplan (0.106 for the oldest release, or a guest without Open vSwitch).

use super::fields::OLD_NETPLAN;
use super::scalars::parse_net;
use super::schema;
use super::{DeviceRef, Lint, Root};
use crate::diagnostic::{Code, Diagnostic};
use crate::fix::{Fix, PatchOp};
use crate::json_path::JsonPath;
use crate::source::{join_index, join_key};
use serde_json::Value;

/// cloud-init's own renderers, in messages.
const CLOUD_INIT: &str = "cloud-init 22.4's own renderers (sysconfig, networkd, eni)";
const ONLY_NETPLAN: &str = "only guests where netplan renders (Ubuntu) accept it";

/// Bond parameters cloud-init has a v1 name for (NET_CONFIG_TO_V2["bond"], plus the
/// `gratuitious-arp` spelling it normalises); any other raises KeyError.
const CLOUD_INIT_BOND_PARAMETERS: &[&str] = &[
    "mode",
    "lacp-rate",
    "mii-monitor-interval",
    "min-links",
    "transmit-hash-policy",
    "ad-select",
    "arp-interval",
    "arp-validate",
    "up-delay",
    "down-delay",
    "fail-over-mac-policy",
    "gratuitous-arp",
    "gratuitious-arp",
    "primary",
    "primary-reselect-policy",
];

/// Bridge parameters cloud-init has a v1 name for (NET_CONFIG_TO_V2["bridge"]).
const CLOUD_INIT_BRIDGE_PARAMETERS: &[&str] = &[
    "ageing-time",
    "priority",
    "forward-delay",
    "hello-time",
    "max-age",
    "path-cost",
    "port-priority",
    "stp",
];

pub fn check(lint: &mut Lint<'_>, root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    sections(lint, root, devices);
    for d in devices {
        routes(lint, d);
        gateways(lint, d);
        router_advertisements(lint, d);
        set_name(lint, d);
        if d.section.cloud_init {
            members(lint, d);
            parameters(lint, d);
            address_options(lint, d);
        }
    }
    openvswitch(lint, root, devices);
}

fn refuses(path: &str, what: &str, why: &str, hint: &str) -> Diagnostic {
    Diagnostic::new(
        Code::CloudInitRefuses,
        path,
        format!("{CLOUD_INIT} refuse {what}: {why}; {ONLY_NETPLAN}"),
    )
    .with_hint(hint)
}

/// Sections cloud-init has no handler for, and the ones it has but cannot render.
fn sections(lint: &mut Lint<'_>, root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    for (key, value) in root.config {
        let path = root.path(key);
        if key == "openvswitch" {
            lint.push(
                refuses(
                    &path,
                    "a global `openvswitch` section",
                    "\"No handler found for command 'openvswitch'\"",
                    "configure Open vSwitch in the image, not in network-config",
                )
                .at_key(),
            );
            continue;
        }
        let Some(section) = schema::section(key) else {
            continue;
        };
        if key == "wifis" {
            wifis(lint, &path, value);
        } else if !section.cloud_init {
            lint.push(
                refuses(
                    &path,
                    &format!("`{key}`"),
                    &format!("they have no handler for it (\"No handler found for command '{key}'\"); cloud-init's v2 subset is ethernets, bonds, bridges and vlans"),
                    "keep this config for netplan guests only, or create these devices in the image",
                )
                .at_key(),
            );
        } else if let Value::Object(entries) = value {
            if entries.get("renderer").is_some_and(|r| !r.is_object()) {
                lint.push(
                    refuses(
                        &join_key(&path, "renderer"),
                        &format!("a `renderer` inside `{key}`"),
                        "they read every key of the section as a device (\"'str' object has no attribute 'get'\")",
                        "set `renderer` at the top of the config or on each device instead",
                    )
                    .at_key(),
                );
            }
        }
    }
    // networkd.py looks devices up in the config's `ethernets` and fails when there is none.
    let creates = devices
        .iter()
        .any(|d| matches!(d.section.key, "bonds" | "bridges" | "vlans"));
    if creates && !root.config.contains_key("ethernets") {
        let first = devices
            .iter()
            .find(|d| matches!(d.section.key, "bonds" | "bridges" | "vlans"));
        let path = first.map(|d| d.device.path.clone()).unwrap_or_default();
        lint.push(
            Diagnostic::new(
                Code::CloudInitRefuses,
                path,
                "cloud-init 22.4's networkd renderer refuses bonds, bridges or VLANs in a config without an `ethernets` section (KeyError: 'ethernets'); netplan and cloud-init's sysconfig renderer accept it",
            )
            .with_hint("add the member NICs under `ethernets` (an empty `ethernets: {}` is enough)")
            .at_key(),
        );
    }
}

fn wifis(lint: &mut Lint<'_>, path: &str, value: &Value) {
    let with_dns: Vec<String> = value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, w)| w.get("nameservers").is_some())
        .map(|(id, _)| join_key(&join_key(path, id), "nameservers"))
        .collect();
    if with_dns.is_empty() {
        lint.push(
            Diagnostic::new(
                Code::CloudInitIgnores,
                path,
                format!("{CLOUD_INIT} ignore `wifis` (\"Wifi configuration is only available to distros with netplan rendering support\"): the wifi stays unconfigured unless netplan renders"),
            )
            .with_hint("keep wifis for netplan guests only")
            .at_key(),
        );
    }
    for p in with_dns {
        lint.push(
            refuses(
                &p,
                "`nameservers` on a wifi",
                "they never create the wifi device, then fail to attach its DNS (KeyError)",
                "keep wifis for netplan guests only, or drop their nameservers",
            )
            .at_key(),
        );
    }
}

fn routes(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    if !d.section.cloud_init {
        return;
    }
    let Some(Value::Array(routes)) = d.value.get("routes") else {
        return;
    };
    // cloud-init hangs the routes on the NIC's first subnet, and drops them without one.
    let has_subnet = d.device.configures_address();
    for (i, r) in routes.iter().enumerate() {
        let rpath = join_index(&join_key(&d.device.path, "routes"), i);
        if has_subnet && r.is_object() && r.get("via").is_none() {
            lint.push(
                Diagnostic::new(
                    Code::CloudInitRefuses,
                    &rpath,
                    "cloud-init 22.4's sysconfig renderer refuses a route without `via` (KeyError: 'gateway'); netplan and cloud-init's networkd renderer accept it",
                )
                .with_hint("give the route a `via`, or keep it for netplan and networkd guests only"),
            );
        }
        let to = r.get("to").and_then(Value::as_str);
        let via = r.get("via").and_then(Value::as_str).unwrap_or("<gateway>");
        let v6 = via.contains(':');
        if to == Some("default") {
            let hint = if v6 {
                format!("write `gateway6: \"{via}\"` on the device: cloud-init 22.4 renders `to: ::/0` as ::/64, and gateway6 works in every reader")
            } else {
                "write `to: 0.0.0.0/0`, which netplan and cloud-init both read".to_string()
            };
            lint.push(
                Diagnostic::new(
                    Code::RouteToDefault,
                    join_key(&rpath, "to"),
                    format!("`to: default` is refused by {CLOUD_INIT}: \"Address default is not a valid ip address\"; {ONLY_NETPLAN}"),
                )
                .with_hint(hint)
                .with_fix_list(default_route_fixes(d, routes.len(), i, r)),
            );
        } else if to
            .and_then(parse_net)
            .is_some_and(|(a, p)| a.is_ipv6() && p == Some(0))
        {
            lint.push(
                Diagnostic::new(
                    Code::Ipv6DefaultRoute,
                    join_key(&rpath, "to"),
                    format!("{CLOUD_INIT} write `to: ::/0` as a route to ::/64 (their prefix 0 is lost; fixed in cloud-init 23.1): the guest gets no IPv6 default route wherever they render"),
                )
                .with_hint(format!("write `gateway6: \"{via}\"` on the device instead: netplan and cloud-init 22.4 both render it as the default route"))
                .with_fix_list(default_route_fixes(d, routes.len(), i, r)),
            );
        }
    }
}

/// `accept-ra` as cloud-init 22.4 renders it (run with `cloud-init devel net-convert`, design
/// of issue 14 §1.2): its networkd renderer writes IPv6AcceptRA only when DHCP is ipv6 or yes
/// (networkd.py:206-210), and an IPv6-only SLAAC NIC gets `iface ... inet manual` without
/// `auto` from eni (never brought up) and no IPV6INIT from sysconfig.
fn router_advertisements(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    if !d.section.cloud_init {
        return;
    }
    let Some(accept_ra) = super::values::bool_at(d, "accept-ra") else {
        return;
    };
    let path = join_key(&d.device.path, "accept-ra");
    if accept_ra && !d.device.configures_address() {
        lint.push(
            Diagnostic::new(
                Code::Ipv6OnlySlaac,
                &path,
                "`accept-ra: true` is this NIC's only configuration (SLAAC alone): cloud-init 22.4's eni renderer writes `iface ... inet manual` without `auto`, so the NIC is never brought up, and its sysconfig renderer writes no IPV6INIT; only netplan and networkd guests configure it",
            )
            .with_hint("add `dhcp6: true` (DHCPv6, which every renderer brings up), or keep an IPv4 configuration on this NIC")
            .at_key(),
        );
    } else if !d.device.dhcp6 && matches!(d.value.get("dhcp6"), None | Some(Value::Bool(false))) {
        // A quoted dhcp6 ("false") is on for cloud-init, which then keeps accept-ra; that
        // trap is yaml11-boolean's.
        lint.push(
            Diagnostic::new(
                Code::AcceptRaDroppedByNetworkd,
                &path,
                format!("cloud-init 22.4's networkd renderer writes `accept-ra` only with `dhcp6: true` (networkd.py:206-210): networkd-rendered guests drop `accept-ra: {accept_ra}` and keep systemd's default (RAs accepted unless the link forwards)"),
            )
            .with_hint("nothing to change for netplan, sysconfig and eni guests; on networkd guests set IPv6AcceptRA in the image if the default is wrong")
            .at_key(),
        );
    }
    if accept_ra {
        for (i, a) in d.device.addresses.iter().enumerate() {
            let Some((ip, Some(prefix))) = parse_net(a) else {
                continue;
            };
            if ip.is_ipv6() && prefix != 64 && !is_link_local(ip) {
                lint.push(
                    Diagnostic::new(
                        Code::SlaacPrefixNot64,
                        join_index(&join_key(&d.device.path, "addresses"), i),
                        format!("`{a}` beside `accept-ra: true`: SLAAC forms addresses only from /64 prefixes, so a router advertising this /{prefix} gives the NIC no SLAAC address (the static address itself is fine)"),
                    )
                    .with_hint("if the segment's prefix is a /64, write the address with /64; otherwise expect no SLAAC address on it"),
                );
            }
        }
    }
}

fn is_link_local(ip: std::net::IpAddr) -> bool {
    matches!(ip, std::net::IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

fn gateways(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    if let Some(via) = d.value.get("gateway4").and_then(Value::as_str) {
        lint.push(
            Diagnostic::new(
                Code::GatewayDeprecated,
                join_key(&d.device.path, "gateway4"),
                "`gateway4` is deprecated: netplan warns about it and may drop it; a default route says the same",
            )
            .with_hint(format!("write `routes: [{{to: 0.0.0.0/0, via: {via}}}]` (not `to: default`, which cloud-init's own renderers refuse)"))
            .at_key()
            .with_fix_list(gateway4_fixes(d, via)),
        );
    }
    if d.value.get("gateway6").is_some() && d.section.cloud_init {
        lint.push(
            Diagnostic::new(
                Code::Gateway6Deprecated,
                join_key(&d.device.path, "gateway6"),
                "`gateway6` is deprecated by netplan, but keep it while guests run cloud-init 22.4: its own renderers write the replacement, a `to: ::/0` route, as a route to ::/64 (fixed in cloud-init 23.1)",
            )
            .with_hint("switch to `routes: [{to: \"::/0\", via: ...}]` once every guest has cloud-init 23.1 or netplan")
            .at_key(),
        );
    }
}

/// `to: default` rewritten as the core recommends: `to: 0.0.0.0/0` for an IPv4 gateway;
/// for an IPv6 one (and for `to: ::/0`), the route (only `to` and `via`) replaced by
/// `gateway6`.
fn default_route_fixes(d: &DeviceRef<'_>, count: usize, i: usize, route: &Value) -> Vec<Fix> {
    let device = JsonPath::parse(&d.device.path);
    let Some(via) = route.get("via").and_then(Value::as_str) else {
        return Vec::new();
    };
    let rpath = device.clone().key("routes").index(i);
    let Ok(gateway) = via.parse::<std::net::IpAddr>() else {
        return Vec::new();
    };
    if gateway.is_ipv4() {
        return vec![Fix::safe(
            "write `to: 0.0.0.0/0`",
            vec![PatchOp::replace(
                &rpath.key("to"),
                Value::String("0.0.0.0/0".to_string()),
            )],
        )];
    }
    let only_to_via = route.as_object().is_some_and(|m| m.len() == 2);
    if !only_to_via || d.value.get("gateway6").is_some() {
        return Vec::new();
    }
    let drop = if count == 1 {
        PatchOp::remove(&device.clone().key("routes"))
    } else {
        PatchOp::remove(&rpath)
    };
    vec![Fix::safe(
        format!("replace the route with `gateway6: \"{via}\"`"),
        vec![
            drop,
            PatchOp::add(&device.key("gateway6"), Value::String(via.to_string())),
        ],
    )]
}

/// `gateway4: X` as the route netplan prefers, `{to: 0.0.0.0/0, via: X}`, unless the device
/// has a default route already.
fn gateway4_fixes(d: &DeviceRef<'_>, via: &str) -> Vec<Fix> {
    if via.parse::<std::net::Ipv4Addr>().is_err() {
        return Vec::new();
    }
    let device = JsonPath::parse(&d.device.path);
    let route = serde_json::json!({"to": "0.0.0.0/0", "via": via});
    let add = match d.value.get("routes") {
        None => PatchOp::add(&device.clone().key("routes"), Value::Array(vec![route])),
        Some(Value::Array(rs)) => {
            let default = rs.iter().any(|r| {
                matches!(
                    r.get("to").and_then(Value::as_str),
                    Some("default" | "0.0.0.0/0" | "0/0")
                )
            });
            if default {
                return Vec::new();
            }
            PatchOp::add(&device.clone().key("routes").key("-"), route)
        }
        Some(_) => return Vec::new(),
    };
    vec![Fix::safe(
        format!("replace `gateway4` with a route to 0.0.0.0/0 via {via}"),
        vec![PatchOp::remove(&device.key("gateway4")), add],
    )]
}

fn set_name(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let Some(name) = &d.device.set_name else {
        return;
    };
    if !d.section.physical {
        return;
    }
    let path = join_key(&d.device.path, "set-name");
    if !d.device.has_match {
        lint.push(
            Diagnostic::new(
                Code::SetNameWithoutMatch,
                &path,
                format!("`set-name: {name}` without `match`: netplan refuses it (\"'set-name:' requires 'match:' properties\")"),
            )
            .with_hint("add `match: {macaddress: \"...\"}` with the NIC's MAC, or drop set-name and use the name as the ID")
            .at_key(),
        );
    } else if d.device.match_mac.is_none() {
        lint.push(
            Diagnostic::new(
                Code::SetNameWithoutMac,
                &path,
                format!("`set-name: {name}` matched without `macaddress`: cloud-init renames interfaces only by MAC (its udev rule needs one), so the NIC keeps its old name wherever cloud-init renders"),
            )
            .with_hint("match the NIC by `macaddress` (quoted) to rename it")
            .at_key(),
        );
    }
}

/// Bonds and bridges without a member list: cloud-init iterates over it unconditionally.
fn members(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    if matches!(d.section.key, "bonds" | "bridges")
        && !d.value.get("interfaces").is_some_and(Value::is_array)
    {
        lint.push(
            refuses(
                &d.device.path,
                &format!(
                    "a {} without `interfaces`",
                    &d.section.key[..d.section.key.len() - 1]
                ),
                "they iterate over the member list (\"'NoneType' object is not iterable\")",
                "add `interfaces: [...]` (an empty list is allowed)",
            )
            .at_key(),
        );
    }
}

fn parameters(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let known = match d.section.key {
        "bonds" => CLOUD_INIT_BOND_PARAMETERS,
        "bridges" => CLOUD_INIT_BRIDGE_PARAMETERS,
        _ => return,
    };
    let Some(Value::Object(params)) = d.value.get("parameters") else {
        return;
    };
    let ppath = join_key(&d.device.path, "parameters");
    for key in params.keys().filter(|k| !known.contains(&k.as_str())) {
        if schema::BOND_PARAMETERS
            .iter()
            .chain(schema::BRIDGE_PARAMETERS)
            .all(|f| f.key != key)
        {
            continue; // unknown to netplan too: reported as such
        }
        lint.push(
            refuses(
                &join_key(&ppath, key),
                &format!(
                    "the {} parameter `{key}`",
                    &d.section.key[..d.section.key.len() - 1]
                ),
                &format!("they have no name for it in their own format (KeyError: '{key}')"),
                "leave it out for guests without netplan, or set it in the image",
            )
            .at_key(),
        );
    }
}

/// `addresses` entries in mapping form (`- 10.0.0.5/24: {label: x}`).
fn address_options(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let Some(Value::Array(items)) = d.value.get("addresses") else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if item.is_object() {
            lint.push(refuses(
                &join_index(&join_key(&d.device.path, "addresses"), i),
                "an address with options (`lifetime`, `label`)",
                "they expect each address as text (\"is not a valid ip address\")",
                "write the address as plain text, e.g. `- 10.0.0.5/24`",
            ));
        }
    }
}

/// netplan refuses Open vSwitch settings unless ovs-vsctl is installed; the two OVS bond modes
/// count as such settings.
fn openvswitch(lint: &mut Lint<'_>, root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    let mut places: Vec<String> = Vec::new();
    if root.config.contains_key("openvswitch") {
        places.push(root.path("openvswitch"));
    }
    for d in devices {
        if d.value.contains_key("openvswitch") {
            places.push(join_key(&d.device.path, "openvswitch"));
        }
        let mode = d
            .value
            .get("parameters")
            .and_then(|p| p.get("mode"))
            .and_then(Value::as_str);
        if d.section.key == "bonds" && matches!(mode, Some("balance-tcp" | "balance-slb")) {
            places.push(join_key(&join_key(&d.device.path, "parameters"), "mode"));
        }
    }
    for p in places {
        lint.push(
            Diagnostic::new(
                Code::NeedsOpenvswitch,
                p,
                format!("netplan refuses Open vSwitch settings unless Open vSwitch is installed in the guest (\"The 'ovs-vsctl' tool is required\"), as {OLD_NETPLAN} does here; cloud-init's own renderers cannot create OVS devices"),
            )
            .with_hint("install openvswitch-switch in the image, or use a Linux bond/bridge")
            .at_key(),
        );
    }
}
