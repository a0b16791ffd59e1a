//! One bridge on its own: its STP, its ports' keys and VLAN filtering (Linux bridges), and
//! the settings nmstate drops from an OVS bridge.

use super::fields::{
    boolean, flag, integer, is_template, missing, port_list, unknown_keys, wrong_type,
};
use super::Iface;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::BRIDGE_VLAN_IDS;
use crate::source::{join_index, join_key};
use serde_json::{Map, Value};

const LINUX_BRIDGE_KEYS: &[&str] = &["allow-extra-ports", "options", "port", "ports"];
const LINUX_OPTION_KEYS: &[&str] = &[
    "gc-timer",
    "group-addr",
    "group-forward-mask",
    "group-fwd-mask",
    "hash-max",
    "hello-timer",
    "mac-ageing-time",
    "multicast-last-member-count",
    "multicast-last-member-interval",
    "multicast-membership-interval",
    "multicast-querier",
    "multicast-querier-interval",
    "multicast-query-interval",
    "multicast-query-response-interval",
    "multicast-query-use-ifaddr",
    "multicast-router",
    "multicast-snooping",
    "multicast-startup-query-count",
    "multicast-startup-query-interval",
    "stp",
    "vlan-protocol",
    "vlan-default-pvid",
];
const LINUX_STP_KEYS: &[&str] = &[
    "enabled",
    "forward-delay",
    "hello-time",
    "max-age",
    "priority",
];
const LINUX_PORT_KEYS: &[&str] = &[
    "name",
    "stp-hairpin-mode",
    "stp-path-cost",
    "stp-priority",
    "vlan",
];
const PORT_VLAN_KEYS: &[&str] = &["enable-native", "mode", "tag", "trunk-tags"];

/// The ports of a bridge section with their paths; problems with the list are reported by the
/// bridge checks, so this only yields what is readable.
pub(super) fn port_names<'a>(iface: &'a Iface<'a>) -> Vec<(String, &'a str)> {
    let section = iface.entry.get("bridge").and_then(Value::as_object);
    let Some((key, Value::Array(list))) = section.and_then(port_list) else {
        return Vec::new();
    };
    let base = join_key(&join_key(&iface.path, "bridge"), key);
    list.iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let name = p.get("name")?.as_str()?;
            Some((join_key(&join_index(&base, i), "name"), name))
        })
        .collect()
}

pub(super) fn check_linux_bridge(iface: &Iface, out: &mut Vec<Diagnostic>) {
    let Some(section) = bridge_section(iface, out) else {
        return;
    };
    let path = join_key(&iface.path, "bridge");
    unknown_keys(section, &path, LINUX_BRIDGE_KEYS, out);
    let stp_on = match section.get("options") {
        None | Some(Value::Null) => None,
        Some(Value::Object(options)) => {
            unknown_keys(options, &join_key(&path, "options"), LINUX_OPTION_KEYS, out);
            linux_stp(options, &join_key(&path, "options"), out)
        }
        Some(other) => {
            out.push(wrong_type(
                &join_key(&path, "options"),
                other,
                "a mapping",
                "write options: {stp: {enabled: false}}",
            ));
            return;
        }
    };
    if iface.is_up() {
        let stp_path = join_key(&join_key(&path, "options"), "stp");
        match stp_on {
            Some(true) => out.push(stp_warning(
                iface.name,
                &join_key(&stp_path, "enabled"),
                "turns STP on",
            )),
            // A written but unreadable stp is reported as such; a second finding would be noise.
            None if !stp_unreadable(section) => out.push(stp_warning(
                iface.name,
                &path,
                "leaves STP unset, and NetworkManager creates bridges with STP on",
            )),
            None | Some(false) => {}
        }
    }
    for (port_path, port) in ports(section, &path, out) {
        unknown_keys(port, &port_path, LINUX_PORT_KEYS, out);
        if let Some(vlan) = port.get("vlan").filter(|v| !v.is_null()) {
            port_vlan(vlan, &join_key(&port_path, "vlan"), out);
        }
    }
}

pub(super) fn check_ovs_bridge(iface: &Iface, out: &mut Vec<Diagnostic>) {
    for family in ["ipv4", "ipv6"] {
        if flag(iface.entry.get(family), "enabled") == Some(true) {
            out.push(
                Diagnostic::new(Code::IgnoredField, join_key(&join_key(&iface.path, family), "enabled"), format!("an OVS bridge takes no IP address: nmstate drops the {family} settings of `{}`", iface.name.escape_debug()))
                    .with_hint(format!("put the address on an ovs-interface port of the bridge (type: ovs-interface, listed in bridge.port) and write {family}: {{enabled: false}} here")),
            );
        }
    }
    if iface.entry.contains_key("mtu") {
        out.push(
            Diagnostic::new(
                Code::IgnoredField,
                join_key(&iface.path, "mtu"),
                format!(
                    "an OVS bridge has no MTU of its own: nmstate drops the mtu of `{}`",
                    iface.name.escape_debug()
                ),
            )
            .with_hint("set the MTU on the bridge's ports and ovs-interfaces"),
        );
    }
    let Some(section) = bridge_section(iface, out) else {
        return;
    };
    let path = join_key(&iface.path, "bridge");
    // OVS writes `stp` as a boolean or as {enabled: ...}; it is off by default. nmstate 2.2
    // reads any quoted stp word as on, "false" included.
    let stp = section.get("options").and_then(|o| o.get("stp"));
    let what = match stp {
        Some(Value::Bool(true)) => Some("turns STP on"),
        Some(Value::String(w)) if boolean(stp.unwrap_or(&Value::Null)).is_some() => {
            Some(if w.eq_ignore_ascii_case("true") {
                "turns STP on"
            } else {
                "turns STP on (nmstate reads any quoted stp value as on, even \"false\")"
            })
        }
        Some(Value::Object(_)) if flag(stp, "enabled") == Some(true) => Some("turns STP on"),
        _ => None,
    };
    if let Some(what) = what.filter(|_| iface.is_up()) {
        out.push(stp_warning(
            iface.name,
            &join_key(&join_key(&path, "options"), "stp"),
            what,
        ));
    }
    // Port names are checked by `ports`; OVS ports carry more keys than Linux ones.
    let _ = ports(section, &path, out);
}

fn bridge_section<'a>(
    iface: &'a Iface,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a Map<String, Value>> {
    match iface.entry.get("bridge") {
        // nmstate reads null as absent.
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m),
        Some(other) => {
            out.push(wrong_type(
                &join_key(&iface.path, "bridge"),
                other,
                "a mapping",
                "write bridge: {options: {...}, port: [{name: eth1}]}",
            ));
            None
        }
    }
}

/// The port entries that are mappings with a name, with their paths.
fn ports<'a>(
    section: &'a Map<String, Value>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, &'a Map<String, Value>)> {
    let Some((key, list)) = port_list(section) else {
        return Vec::new();
    };
    let list_path = join_key(path, key);
    let list = match list {
        Value::Array(l) => l,
        other => {
            out.push(wrong_type(
                &list_path,
                other,
                "a list",
                "write port: [{name: eth1}]",
            ));
            return Vec::new();
        }
    };
    let mut found = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let port_path = join_index(&list_path, i);
        match p {
            Value::Object(m) if m.get("name").is_some_and(Value::is_string) => {
                found.push((port_path, m))
            }
            Value::Object(m) => match m.get("name") {
                None => out.push(missing(
                    &port_path,
                    "a bridge port without a name",
                    "write - name: eth1 (the NIC to enslave)",
                )),
                Some(other) => out.push(wrong_type(
                    &join_key(&port_path, "name"),
                    other,
                    "a string",
                    "write - name: eth1",
                )),
            },
            other => out.push(wrong_type(
                &port_path,
                other,
                "a mapping",
                "write - name: eth1 (not a bare name)",
            )),
        }
    }
    found
}

/// A Linux bridge's `options.stp`: whether it is on, when it says.
fn linux_stp(options: &Map<String, Value>, path: &str, out: &mut Vec<Diagnostic>) -> Option<bool> {
    let stp_path = join_key(path, "stp");
    match options.get("stp").filter(|s| !s.is_null())? {
        Value::Object(stp) => {
            unknown_keys(stp, &stp_path, LINUX_STP_KEYS, out);
            let enabled = stp.get("enabled")?;
            match boolean(enabled) {
                Some(b) => Some(b),
                None => {
                    let other = enabled;
                    out.push(wrong_type(
                        &join_key(&stp_path, "enabled"),
                        other,
                        "a boolean",
                        "write enabled: false",
                    ));
                    None
                }
            }
        }
        other => {
            out.push(wrong_type(
                &stp_path,
                other,
                "a mapping (a Linux bridge's stp is not a boolean)",
                "write stp: {enabled: false}",
            ));
            None
        }
    }
}

/// Whether `options.stp` is written but cannot be read (its shape is reported instead).
fn stp_unreadable(section: &Map<String, Value>) -> bool {
    section
        .get("options")
        .and_then(|o| o.get("stp"))
        .filter(|stp| !stp.is_null())
        .is_some_and(|stp| {
            stp.as_object().is_none_or(|m| {
                m.get("enabled").is_some_and(|e| boolean(e).is_none())
                    || m.keys().any(|k| !LINUX_STP_KEYS.contains(&k.as_str()))
            })
        })
}

fn stp_warning(bridge: &str, path: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::StpEnabled,
        path,
        format!(
            "bridge `{}` {what}, so each new port (a VM's) forwards nothing for about 30 seconds: a guest's DHCP request in that time goes unanswered",
            bridge.escape_debug()
        ),
    )
    .with_hint("write options: {stp: {enabled: false}} (a VM bridge on an edge uplink needs no STP)")
}

/// `bridge.port[].vlan`: VLAN filtering on a Linux bridge port.
fn port_vlan(vlan: &Value, path: &str, out: &mut Vec<Diagnostic>) {
    let Value::Object(v) = vlan else {
        out.push(wrong_type(
            path,
            vlan,
            "a mapping",
            "write vlan: {mode: trunk, trunk-tags: [{id: 100}]}",
        ));
        return;
    };
    unknown_keys(v, path, PORT_VLAN_KEYS, out);
    let mode_path = join_key(path, "mode");
    let mode = match v.get("mode") {
        // nmstate reads null as no mode.
        None | Some(Value::Null) => None,
        Some(Value::String(m)) if m == "trunk" || m == "access" => Some(m.as_str()),
        Some(Value::String(m)) => {
            out.push(
                Diagnostic::new(Code::InvalidValue, &mode_path, format!("VLAN mode `{}` is neither trunk nor access", m.escape_debug()))
                    .with_hint("write mode: trunk (tagged VLANs in trunk-tags) or mode: access (one untagged VLAN in tag)"),
            );
            None
        }
        Some(other) => {
            out.push(wrong_type(
                &mode_path,
                other,
                "a string",
                "write mode: trunk",
            ));
            None
        }
    };
    let tag_path = join_key(path, "tag");
    if let Some(tag) = v.get("tag") {
        vlan_id(tag, &tag_path, out);
    }
    let tags_path = join_key(path, "trunk-tags");
    let has_trunk_tags = match v.get("trunk-tags") {
        None => false,
        Some(Value::Array(tags)) => {
            let mut read = Vec::new();
            for (i, t) in tags.iter().enumerate() {
                let tag_path = join_index(&tags_path, i);
                if let Some(ids) = trunk_tag(t, &tag_path, out) {
                    read.push((tag_path, ids));
                }
            }
            overlaps(&read, out);
            !tags.is_empty()
        }
        Some(other) => {
            out.push(wrong_type(
                &tags_path,
                other,
                "a list",
                "write trunk-tags: [{id: 100}, {id-range: {min: 200, max: 299}}]",
            ));
            true
        }
    };
    let native_path = join_key(path, "enable-native");
    let native = match v.get("enable-native") {
        None => false,
        Some(n) => boolean(n).unwrap_or_else(|| {
            out.push(wrong_type(
                &native_path,
                n,
                "a boolean",
                "write enable-native: true",
            ));
            false
        }),
    };
    let invalid = |p: &str, msg: &str, hint: &str| {
        Diagnostic::new(Code::BridgeVlanInvalid, p, msg).with_hint(hint)
    };
    match mode {
        Some("trunk") => {
            if !v.contains_key("trunk-tags") {
                out.push(invalid(
                    path,
                    "a trunk port without trunk-tags: nmstate refuses it",
                    "list the tagged VLANs: trunk-tags: [{id: 100}]",
                ));
            }
            if v.contains_key("tag") && !native {
                out.push(invalid(
                    &tag_path,
                    "`tag` on a trunk port without enable-native: true: nmstate refuses it",
                    "add enable-native: true (untagged frames go to `tag`), or remove tag",
                ));
            }
        }
        Some("access") => {
            if has_trunk_tags {
                out.push(invalid(
                    &tags_path,
                    "trunk-tags on an access port: nmstate refuses it",
                    "use mode: trunk for tagged VLANs, or keep only tag on an access port",
                ));
            }
            if native {
                out.push(invalid(
                    &native_path,
                    "enable-native: true on an access port: nmstate refuses it",
                    "remove enable-native (it belongs to trunk ports)",
                ));
            }
        }
        _ => {}
    }
}

/// One `trunk-tags` entry: `{id: N}` or `{id-range: {min: A, max: B}}`. nmstate reads `id`
/// first and ignores the entry's other keys. Yields the ids it covers when they are readable.
fn trunk_tag(t: &Value, path: &str, out: &mut Vec<Diagnostic>) -> Option<(i64, i64)> {
    let hint = "write {id: 100} or {id-range: {min: 200, max: 299}}";
    let Value::Object(m) = t else {
        out.push(wrong_type(path, t, "a mapping", hint));
        return None;
    };
    let used = if m.contains_key("id") {
        "id"
    } else {
        "id-range"
    };
    for key in m.keys().filter(|k| k.as_str() != used) {
        if m.contains_key(used) {
            out.push(
                Diagnostic::new(Code::IgnoredField, join_key(path, key), format!("nmstate reads this trunk tag's `{used}` and ignores `{}`", key.escape_debug()))
                    .with_hint("write each VLAN or range as its own entry: - {id: 100} - {id-range: {min: 200, max: 299}}")
                    .at_key(),
            );
        }
    }
    if let Some(id) = m.get("id") {
        let id = vlan_id(id, &join_key(path, "id"), out)?;
        return Some((id, id));
    }
    let Some(range) = m.get("id-range") else {
        out.push(
            Diagnostic::new(
                Code::BridgeVlanInvalid,
                path,
                "a trunk tag without `id` or `id-range`: nmstate refuses it",
            )
            .with_hint(hint),
        );
        return None;
    };
    let range_path = join_key(path, "id-range");
    let Value::Object(r) = range else {
        out.push(wrong_type(&range_path, range, "a mapping", hint));
        return None;
    };
    unknown_keys(r, &range_path, &["min", "max"], out);
    let (Some(min), Some(max)) = (r.get("min"), r.get("max")) else {
        out.push(missing(
            &range_path,
            "an id-range needs both min and max",
            hint,
        ));
        return None;
    };
    let lo = vlan_id(min, &join_key(&range_path, "min"), out);
    let hi = vlan_id(max, &join_key(&range_path, "max"), out);
    let (lo, hi) = (lo?, hi?);
    if lo > hi {
        out.push(
            Diagnostic::new(
                Code::BridgeVlanInvalid,
                &range_path,
                format!("the range {lo}-{hi} is reversed: NetworkManager refuses it"),
            )
            .with_hint(format!("write min: {hi}, max: {lo}")),
        );
        return None;
    }
    Some((lo, hi))
}

/// nmstate refuses trunk tags that cover one VLAN twice.
fn overlaps(tags: &[(String, (i64, i64))], out: &mut Vec<Diagnostic>) {
    for (i, (path, (lo, hi))) in tags.iter().enumerate() {
        if let Some((_, (a, b))) = tags[..i].iter().find(|(_, (a, b))| lo <= b && a <= hi) {
            let earlier = if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            };
            out.push(
                Diagnostic::new(
                    Code::BridgeVlanInvalid,
                    path,
                    format!(
                        "this trunk tag overlaps an earlier one ({earlier}): nmstate refuses it"
                    ),
                )
                .with_hint("list each VLAN once: merge the overlapping entries"),
            );
        }
    }
}

/// A Linux bridge VLAN id; the id when it is readable and in range.
fn vlan_id(v: &Value, path: &str, out: &mut Vec<Diagnostic>) -> Option<i64> {
    if is_template(v) {
        return None;
    }
    let Some(id) = integer(v) else {
        out.push(wrong_type(
            path,
            v,
            "an integer",
            "write the 802.1Q tag, e.g. 100",
        ));
        return None;
    };
    if BRIDGE_VLAN_IDS.contains(&id) {
        return Some(id);
    }
    out.push(
        Diagnostic::new(
            Code::VlanOutOfRange,
            path,
            format!(
                "VLAN id {v} is outside {}-{}: the kernel's bridge refuses it",
                BRIDGE_VLAN_IDS.start(),
                BRIDGE_VLAN_IDS.end()
            ),
        )
        .with_hint("use the 802.1Q tag of the network (1-4094)"),
    );
    None
}
