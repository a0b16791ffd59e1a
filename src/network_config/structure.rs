//! Structure: the `network:` wrapper, `version`, the device sections, and the references
//! between devices (bond and bridge members, VLAN and tunnel links, VRF members, veth peers).

use super::schema::{self, Section};
use super::{netplan_bool, Device, DeviceRef, Lint, Root};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn invalid(path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::NetworkDataInvalid, path, message)
}

const SHAPE_HINT: &str = "write `network: {version: 2, ethernets: {eth0: {dhcp4: true}}}`";

/// Finds the config mapping: under `network:`, or the document itself (the bare form).
pub fn root<'a>(lint: &mut Lint<'a>) -> Option<Root<'a>> {
    let doc = lint.doc;
    let Value::Object(top) = &doc.value else {
        lint.push(invalid("", "the network-config is not a mapping").with_hint(SHAPE_HINT));
        return None;
    };
    match top.get("network") {
        Some(Value::Object(inner)) => {
            // netplan reads only `network:` at the top of its files and refuses anything else.
            for key in top.keys().filter(|k| *k != "network") {
                lint.push(
                    Diagnostic::new(
                        Code::UnknownKey,
                        join_key("", key),
                        format!(
                            "unknown top-level key `{}` beside `network`: netplan refuses it",
                            key.escape_debug()
                        ),
                    )
                    .with_hint("keep only `network:` at the top of a network-config")
                    .at_key(),
                );
            }
            Some(Root {
                config: inner,
                prefix: "network",
            })
        }
        Some(_) => {
            lint.push(invalid("network", "`network` must be a mapping").with_hint(SHAPE_HINT));
            None
        }
        None => Some(Root {
            config: top,
            prefix: "",
        }),
    }
}

/// `version` must be 2. Returns false when it is not (the config is then not read as v2).
pub fn version(lint: &mut Lint<'_>, root: &Root<'_>) -> bool {
    let path = root.path("version");
    match root.config.get("version") {
        None => {
            lint.push(
                invalid(&path, "the network-config has no `version`: cloud-init refuses it (\"No valid network_state object created\"), whichever renderer the guest uses")
                    .with_hint("add `version: 2`"),
            );
            false
        }
        Some(v) => {
            let text = lint.scalar(&path, v).map(|s| s.text).unwrap_or_default();
            if text == "2" {
                true
            } else {
                lint.push(
                    invalid(&path, format!("`version: {}` is not Netplan v2: only version 2 is checked, and netplan reads nothing else", text.escape_debug()))
                        .with_hint("write the config in Netplan v2 form: `version: 2` with `ethernets`"),
                );
                false
            }
        }
    }
}

/// Every device definition, for the cross-device checks (sections and entries of the wrong
/// shape are reported by the walk and skipped here).
pub fn devices<'a>(root: &Root<'a>) -> Vec<DeviceRef<'a>> {
    let mut out = Vec::new();
    for (key, value) in root.config {
        let (Some(section), Value::Object(entries)) = (schema::section(key), value) else {
            continue;
        };
        let section_path = root.path(key);
        for (id, entry) in entries {
            let Value::Object(map) = entry else { continue };
            let path = join_key(&section_path, id);
            out.push(DeviceRef {
                device: device(section, id, &path, map),
                section,
                value: map,
            });
        }
    }
    out
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => netplan_bool(s) == Some(true),
        _ => false,
    }
}

fn device(section: &'static Section, id: &str, path: &str, map: &Map<String, Value>) -> Device {
    let matcher = map.get("match").and_then(Value::as_object);
    let addresses = map
        .get("addresses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| match a {
            Value::String(s) => Some(s.clone()),
            // The mapping form: `- "10.0.0.5/24": {label: x}`.
            Value::Object(m) if m.len() == 1 => m.keys().next().cloned(),
            _ => None,
        })
        .collect();
    Device {
        section: section.key,
        id: id.to_string(),
        path: path.to_string(),
        match_mac: matcher
            .and_then(|m| m.get("macaddress"))
            .and_then(Value::as_str)
            .map(str::to_string),
        match_name: text(matcher.and_then(|m| m.get("name"))),
        has_match: matcher.is_some(),
        set_name: text(map.get("set-name")),
        dhcp4: flag(map.get("dhcp4")),
        dhcp6: flag(map.get("dhcp6")),
        addresses,
    }
}

/// A reference from one device to another by netplan ID.
struct Reference {
    path: String,
    name: String,
    /// The key that holds it, for the message.
    what: &'static str,
    /// Membership in a bond or bridge (one parent at most).
    member_of: Option<String>,
}

/// References must name a device defined in this file; an interface joins at most one bond or
/// bridge; an ID is defined once. netplan refuses each of these; cloud-init makes up a device
/// for an unknown member and says nothing.
pub fn references(lint: &mut Lint<'_>, root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    let mut defined: HashMap<&str, &DeviceRef<'_>> = HashMap::new();
    for d in devices {
        if let Some(first) = defined.get(d.device.id.as_str()) {
            lint.push(
                Diagnostic::new(
                    Code::DuplicateDeviceId,
                    &d.device.path,
                    format!("`{}` is already defined in `{}`: netplan refuses a second definition of one ID", d.device.id, first.section.key),
                )
                .with_hint("give each device its own ID (the key under ethernets/bonds/...)")
                .at_key(),
            );
        } else {
            defined.insert(&d.device.id, d);
        }
    }
    // Open vSwitch patch ports are defined by the global `openvswitch.ports` pairs.
    let mut patch_ports: Vec<String> = Vec::new();
    if let Some(ports) = root
        .config
        .get("openvswitch")
        .and_then(|o| o.get("ports"))
        .and_then(Value::as_array)
    {
        for pair in ports.iter().filter_map(Value::as_array) {
            patch_ports.extend(pair.iter().filter_map(|p| text(Some(p))));
        }
    }
    let mut refs: Vec<Reference> = Vec::new();
    for d in devices {
        let base = &d.device.path;
        if let Some(Value::Array(items)) = d.value.get("interfaces") {
            let member = matches!(d.section.key, "bonds" | "bridges").then(|| d.device.id.clone());
            for (i, item) in items.iter().enumerate() {
                if let Some(name) = text(Some(item)) {
                    refs.push(Reference {
                        path: join_index(&join_key(base, "interfaces"), i),
                        name,
                        what: "interfaces",
                        member_of: member.clone(),
                    });
                }
            }
        }
        for key in ["link", "peer"] {
            if let Some(name) = text(d.value.get(key)) {
                refs.push(Reference {
                    path: join_key(base, key),
                    name,
                    what: if key == "link" { "link" } else { "peer" },
                    member_of: None,
                });
            }
        }
        if let Some(name) = d
            .value
            .get("parameters")
            .and_then(|p| p.get("primary"))
            .and_then(|p| text(Some(p)))
        {
            refs.push(Reference {
                path: join_key(&join_key(base, "parameters"), "primary"),
                name,
                what: "parameters.primary",
                member_of: None,
            });
        }
    }
    let mut parent_of: HashMap<String, String> = HashMap::new();
    for r in refs {
        if !defined.contains_key(r.name.as_str()) && !patch_ports.contains(&r.name) {
            // Sorted: a HashMap's order differs per run, and so would the hint on a tie
            // (found by fuzzing).
            let mut known: Vec<&str> = defined.keys().copied().collect();
            known.sort_unstable();
            let hint = match crate::suggest::closest(&r.name, &known) {
                Some(s) => format!(
                    "did you mean `{s}`? Otherwise define `{}` (e.g. under `ethernets`)",
                    r.name
                ),
                None => format!(
                    "define `{}` in this file (e.g. under `ethernets`), or remove it from `{}`",
                    r.name, r.what
                ),
            };
            lint.push(
                Diagnostic::new(
                    Code::UndefinedDevice,
                    &r.path,
                    format!("`{}` names `{}`, which no device in this network-config defines: netplan refuses the file (cloud-init silently invents an unconfigured device)", r.what, r.name.escape_debug()),
                )
                .with_hint(hint),
            );
            continue;
        }
        if let Some(parent) = r.member_of {
            if let Some(first) = parent_of.get(&r.name) {
                if *first != parent {
                    lint.push(
                        Diagnostic::new(
                            Code::InterfaceInTwoParents,
                            &r.path,
                            format!("`{}` is already a member of `{first}`: an interface joins one bond or bridge at most, and netplan refuses the file", r.name),
                        )
                        .with_hint(format!("remove `{}` from one of `{first}` and `{parent}`", r.name)),
                    );
                }
            } else {
                parent_of.insert(r.name, parent);
            }
        }
    }
    required(lint, devices);
}

/// Keys netplan requires of some device types.
fn required(lint: &mut Lint<'_>, devices: &[DeviceRef<'_>]) {
    for d in devices {
        let mode = d.value.get("mode").and_then(Value::as_str);
        let needs: &[(&str, &str)] = match (d.section.key, mode) {
            ("vlans", _) => &[
                ("id", "the VLAN ID, 0-4094"),
                ("link", "the ID of the device the VLAN sits on"),
            ],
            ("tunnels", None) => &[("mode", "the tunnel mode, e.g. `gre` or `wireguard`")],
            ("tunnels", Some("wireguard")) => {
                &[("key", "the private key"), ("peers", "at least one peer")]
            }
            ("tunnels", Some("vxlan")) => &[("id", "the VXLAN network identifier (VNI)")],
            ("tunnels", Some(_)) => &[
                ("local", "the local endpoint's address"),
                ("remote", "the remote endpoint's address"),
            ],
            ("vrfs", _) => &[("table", "the routing table number")],
            ("virtual-ethernets", _) => &[("peer", "the ID of the other end")],
            ("wifis", _) => &[("access-points", "the networks to join, by SSID")],
            _ => &[],
        };
        for (key, what) in needs {
            // `keys` is netplan's other spelling of a tunnel's `key`.
            if d.value.contains_key(*key) || (*key == "key" && d.value.contains_key("keys")) {
                continue;
            }
            lint.push(missing(
                &d.device.path,
                &format!("{} `{}`", singular(d.section.key), d.device.id),
                key,
                what,
            ));
        }
        if let Some(Value::Array(peers)) = d.value.get("peers") {
            for (i, peer) in peers.iter().enumerate() {
                if peer.get("keys").and_then(|k| k.get("public")).is_none() {
                    lint.push(missing(
                        &join_index(&join_key(&d.device.path, "peers"), i),
                        "a WireGuard peer",
                        "keys.public",
                        "the peer's public key",
                    ));
                }
            }
        }
        if let Some(Value::Array(routes)) = d.value.get("routes") {
            for (i, route) in routes.iter().enumerate() {
                if route.is_object() && route.get("to").is_none() {
                    lint.push(missing(
                        &join_index(&join_key(&d.device.path, "routes"), i),
                        "a route",
                        "to",
                        "the destination, e.g. 0.0.0.0/0",
                    ));
                }
            }
        }
    }
}

fn missing(path: &str, what: &str, key: &str, meaning: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingField,
        path,
        format!("{what} has no `{key}`: netplan refuses it"),
    )
    .with_hint(format!("add `{key}`: {meaning}"))
    .at_key()
}

/// `ethernets` -> `ethernet`, for messages.
pub fn singular(section: &str) -> &str {
    match section {
        "ethernets" => "ethernet",
        "bonds" => "bond",
        "bridges" => "bridge",
        "vlans" => "VLAN",
        "wifis" => "wifi",
        "tunnels" => "tunnel",
        "vrfs" => "VRF",
        "modems" => "modem",
        "nm-devices" => "nm-device",
        "dummy-devices" => "dummy device",
        "virtual-ethernets" => "virtual ethernet",
        other => other,
    }
}
