//! NMState NodeNetworkConfigurationPolicies (`nmstate.io/v1`, `v1beta1`, `v1alpha1`) as users
//! write them: what nmstate refuses (wrong shapes, unknown keys where its schema is closed, a
//! port in two controllers, an IP on a bridge port, VLAN filtering it rejects) and what breaks
//! the path of a VM's DHCP through a Linux bridge (docs/dhcp-path.md): STP delaying forwarding,
//! the same static address on every node, settings nmstate silently drops.
//!
//! The policy's own fields (`nodeSelector`, `capture`, `maxUnavailable`,
//! `desiredStateTemplate`) are read as kubernetes-nmstate's CRD defines them; a policy with a
//! `desiredStateTemplate` and no `desiredState` has no state here to check.
//!
//! Paths are relative to the object: `spec.desiredState.interfaces[0].bridge.port[1].vlan.tag`.
//!
//! Out of scope, since they need the node's current state: a port that the policy does not
//! define (nmstate takes the node's existing NIC, the usual case), and a port that is the
//! node's default-route NIC (enslaving it moves the node's own address and route to the bridge;
//! only the node knows which NIC that is). In templated policies (`spec.capture`), values that
//! are templates (`"{{ capture.gw... }}"`) are filled in on each node and not checked.

mod bridge;
mod fields;
mod ip;
mod ports;
mod vlan;

use crate::checks::is_interface_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use fields::{missing, wrong_type};
use serde_json::{Map, Value};

/// Interface types nmstate 2.2 knows (its `InterfaceType`); any other is an error.
const KNOWN_TYPES: &[&str] = &[
    "bond",
    "linux-bridge",
    "dummy",
    "ethernet",
    "hsr",
    "ip-tunnel",
    "loopback",
    "mac-vlan",
    "mac-vtap",
    "ovs-bridge",
    "ovs-interface",
    "veth",
    "vlan",
    "vrf",
    "vxlan",
    "infiniband",
    "tun",
    "macsec",
    "ipsec",
    "xfrm",
    "ipvlan",
    "unknown",
];

/// Sections that belong to one interface type: without `type`, nmstate takes the interface
/// for an existing one (an ethernet) and refuses them.
const TYPE_SECTIONS: &[&str] = &[
    "bridge",
    "link-aggregation",
    "vlan",
    "vxlan",
    "mac-vlan",
    "mac-vtap",
    "vrf",
    "veth",
    "infiniband",
    "macsec",
    "hsr",
    "ipvlan",
    "ip-tunnel",
    "libreswan",
];

/// Keys every interface takes (nmstate's `BaseInterface`), beside its type's section.
const BASE_KEYS: &[&str] = &[
    "name",
    "profile-name",
    "description",
    "type",
    "driver",
    "state",
    "identifier",
    "mac-address",
    "permanent-mac-address",
    "pci-address",
    "mtu",
    "min-mtu",
    "max-mtu",
    "wait-ip",
    "ipv4",
    "ipv6",
    "mptcp",
    "controller",
    "accept-all-mac-addresses",
    "copy-mac-from",
    "ovs-db",
    "802.1x",
    "lldp",
    "ethtool",
    "dispatch",
    "alt-names",
];

const ETHERNET_KEYS: &[&str] = &["ethernet", "veth"];

/// The sections of each type (nmstate's `*Interface` structs); a key outside these and
/// [`BASE_KEYS`] makes nmstate refuse the state.
fn type_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "bond" => &["link-aggregation"],
        "linux-bridge" | "ovs-bridge" => &["bridge"],
        "ethernet" | "veth" => ETHERNET_KEYS,
        "hsr" => &["hsr"],
        "infiniband" => &["infiniband"],
        "ip-tunnel" => &["ip-tunnel"],
        "ipsec" => &["libreswan"],
        "ipvlan" => &["ipvlan"],
        "mac-vlan" => &["mac-vlan"],
        "mac-vtap" => &["mac-vtap"],
        "macsec" => &["macsec"],
        "ovs-interface" => &["patch", "dpdk"],
        "vlan" => &["vlan"],
        "vrf" => &["vrf"],
        "vxlan" => &["vxlan"],
        "dummy" | "loopback" | "tun" | "xfrm" => &[],
        _ => return None,
    })
}

const STATES: &[&str] = &["up", "down", "absent", "unknown", "ignore"];

/// One entry of `desiredState.interfaces` that has a name, as the cross-interface rules
/// need it.
pub(crate) struct Iface<'a> {
    pub path: String,
    pub name: &'a str,
    pub kind: Option<&'a str>,
    pub entry: &'a Map<String, Value>,
}

impl Iface<'_> {
    /// `absent` and `down` interfaces are being removed or kept down: nmstate does not check
    /// their settings against their controller.
    pub fn is_up(&self) -> bool {
        !matches!(
            self.entry.get("state").and_then(Value::as_str),
            Some("absent" | "down")
        )
    }
}

/// Checks a NodeNetworkConfigurationPolicy object.
pub fn check_nncp(object: &Value, out: &mut Vec<Diagnostic>) {
    let spec = match object.get("spec") {
        None => {
            out.push(missing(
                "spec",
                "the policy has no spec",
                "add spec.desiredState with the interfaces nmstate should configure",
            ));
            return;
        }
        Some(Value::Object(m)) => m,
        Some(other) => {
            out.push(wrong_type(
                "spec",
                other,
                "a mapping",
                "write spec: {desiredState: {interfaces: [...]}}",
            ));
            return;
        }
    };
    check_spec_fields(spec, out);
    let state_path = "spec.desiredState";
    let state = match spec.get("desiredState") {
        // A template is rendered by the handler; there is no state here to check.
        None if spec.contains_key("desiredStateTemplate") => return,
        None => {
            out.push(missing(
                state_path,
                "the policy has no desiredState: it configures nothing",
                "add desiredState: {interfaces: [...]} with the bridge and its port",
            ));
            return;
        }
        Some(Value::Object(m)) => m,
        Some(other) => {
            out.push(wrong_type(
                state_path,
                other,
                "a mapping",
                "write desiredState: {interfaces: [...]}",
            ));
            return;
        }
    };
    let list_path = join_key(state_path, "interfaces");
    let list = match state.get("interfaces") {
        // A state of routes or DNS only is valid.
        None => return,
        Some(Value::Array(l)) => l,
        Some(other) => {
            out.push(wrong_type(
                &list_path,
                other,
                "a list",
                "write interfaces: [{name: br1, type: linux-bridge, ...}]",
            ));
            return;
        }
    };
    let mut ifaces = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let path = join_index(&list_path, i);
        if let Some(iface) = interface(entry, path, out) {
            ifaces.push(iface);
        }
    }
    for iface in &ifaces {
        ip::check_families(iface, out);
        match iface.kind {
            Some("linux-bridge") => bridge::check_linux_bridge(iface, out),
            Some("ovs-bridge") => bridge::check_ovs_bridge(iface, out),
            Some("vlan") => vlan::check_vlan_interface(iface, out),
            _ => {}
        }
    }
    ports::check(&ifaces, out);
    ip::check_static_scope(spec, &ifaces, out);
}

/// The fields of kubernetes-nmstate's `NodeNetworkConfigurationPolicySpec`.
const SPEC_FIELDS: &[&str] = &[
    "nodeSelector",
    "capture",
    "desiredState",
    "desiredStateTemplate",
    "maxUnavailable",
];

/// The policy's own fields, as the API server reads them (desiredState is nmstate's).
fn check_spec_fields(spec: &Map<String, Value>, out: &mut Vec<Diagnostic>) {
    for key in spec.keys().filter(|k| !SPEC_FIELDS.contains(&k.as_str())) {
        let hint = match crate::suggest::closest(key, SPEC_FIELDS) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("a policy's spec has: {}", SPEC_FIELDS.join(", ")),
        };
        out.push(
            Diagnostic::new(
                Code::UnknownField,
                join_key("spec", key),
                format!(
                    "NodeNetworkConfigurationPolicy has no field spec.{}",
                    key.escape_debug()
                ),
            )
            .with_hint(hint)
            .at_key(),
        );
    }
    match spec.get("nodeSelector") {
        None | Some(Value::Null) => {}
        Some(Value::Object(labels)) => {
            for (label, value) in labels.iter().filter(|(_, v)| !v.is_string()) {
                out.push(wrong_type(
                    &join_key("spec.nodeSelector", label),
                    value,
                    "a string (a label value)",
                    "quote it: node-role.kubernetes.io/worker: \"\"",
                ));
            }
        }
        Some(other) => out.push(wrong_type(
            "spec.nodeSelector",
            other,
            "a mapping of labels",
            "write nodeSelector: {kubernetes.io/hostname: node01}",
        )),
    }
}

/// Reads one interface entry: its name, type, state and MTU.
fn interface<'a>(entry: &'a Value, path: String, out: &mut Vec<Diagnostic>) -> Option<Iface<'a>> {
    let Value::Object(m) = entry else {
        out.push(wrong_type(
            &path,
            entry,
            "a mapping",
            "write - {name: br1, type: linux-bridge, state: up}",
        ));
        return None;
    };
    let kind = check_type(m, &path, out);
    // Without a type (or `unknown`), nmstate takes an existing interface for an ethernet; a
    // type's section there is reported by `check_type`.
    let sections = match (m.get("type"), kind) {
        (None | Some(Value::Null), _) => Some([TYPE_SECTIONS, ETHERNET_KEYS].concat()),
        (_, Some("unknown")) => Some(ETHERNET_KEYS.to_vec()),
        (_, Some(k)) => type_keys(k).map(<[&str]>::to_vec),
        (_, None) => None, // An unknown type is reported; its keys cannot be judged.
    };
    if let Some(sections) = sections {
        let known: Vec<&str> = BASE_KEYS.iter().chain(&sections).copied().collect();
        fields::unknown_keys(m, &path, &known, out);
    }
    if let Some(state) = m.get("state") {
        let state_path = join_key(&path, "state");
        match state.as_str() {
            Some(s) if STATES.contains(&s) => {}
            Some(s) => out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    &state_path,
                    format!("nmstate knows no interface state `{}`", s.escape_debug()),
                )
                .with_hint("write state: up (or down, absent)"),
            ),
            None => out.push(wrong_type(
                &state_path,
                state,
                "a string",
                "write state: up",
            )),
        }
    }
    if let Some(mtu) = m.get("mtu") {
        check_mtu(mtu, &join_key(&path, "mtu"), out);
    }
    let name_path = join_key(&path, "name");
    let name = match m.get("name") {
        None => {
            out.push(missing(
                &path,
                "an interface without a name",
                "add name: the interface name on the node, e.g. br1",
            ));
            return None;
        }
        Some(Value::String(n)) => n.as_str(),
        Some(other) => {
            out.push(wrong_type(&name_path, other, "a string", "write name: br1"));
            return None;
        }
    };
    if !is_interface_name(name) && !fields::is_template(&Value::String(name.to_string())) {
        out.push(
            Diagnostic::new(Code::InvalidInterfaceName, &name_path, format!("`{}` is not a valid Linux interface name: the kernel refuses it", name.escape_debug()))
                .with_hint("use 1-15 bytes without '/', ':', whitespace or control characters, e.g. br-external"),
        );
    }
    Some(Iface {
        path,
        name,
        kind,
        entry: m,
    })
}

fn check_type<'a>(
    m: &'a Map<String, Value>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a str> {
    let type_path = join_key(path, "type");
    // nmstate reads `type: null` as no type.
    match m.get("type") {
        None | Some(Value::Null) => {
            if let Some(section) = TYPE_SECTIONS.iter().find(|s| m.contains_key(**s)) {
                out.push(
                    missing(path, format!("an interface with a `{section}` section but no type: nmstate takes it for an existing ethernet and refuses `{section}`"), "add its type, e.g. type: linux-bridge"),
                );
            }
            None
        }
        Some(Value::String(t)) if KNOWN_TYPES.contains(&t.as_str()) => Some(t.as_str()),
        Some(Value::String(t)) => {
            let hint = match crate::suggest::closest(t, KNOWN_TYPES) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use linux-bridge, ethernet, vlan, bond, ovs-bridge or ovs-interface"
                    .to_string(),
            };
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    &type_path,
                    format!(
                        "nmstate knows no interface type `{}`: it cannot create the interface",
                        t.escape_debug()
                    ),
                )
                .with_hint(hint),
            );
            None
        }
        Some(other) => {
            out.push(wrong_type(
                &type_path,
                other,
                "a string",
                "write type: linux-bridge",
            ));
            None
        }
    }
}

/// nmstate reads an MTU as an unsigned integer or a string of digits.
fn check_mtu(mtu: &Value, path: &str, out: &mut Vec<Diagnostic>) {
    if fields::is_template(mtu) {
        return;
    }
    let Some(value) = fields::integer(mtu) else {
        out.push(wrong_type(path, mtu, "an integer", "write mtu: 1500"));
        return;
    };
    let range = crate::limits::MTUS;
    if !range.contains(&value) {
        out.push(
            Diagnostic::new(
                Code::MtuOutOfRange,
                path,
                format!(
                    "MTU {mtu} is outside {}-{}: the kernel refuses it",
                    range.start(),
                    range.end()
                ),
            )
            .with_hint("use the physical network's MTU, usually 1500 (9000 with jumbo frames)"),
        );
    }
}

#[cfg(test)]
mod tests;
