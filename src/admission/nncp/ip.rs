//! `ipv4`/`ipv6` of each interface, and static addresses in a policy that reaches many nodes.

use super::fields::{boolean, integer, is_template, unknown_keys, wrong_type};
use super::Iface;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use serde_json::{Map, Value};
use std::net::IpAddr;

/// The keys of `ipv4`/`ipv6` (nmstate's `InterfaceIp`) and of an address entry.
const IP_KEYS: &[&str] = &[
    "enabled",
    "dhcp",
    "autoconf",
    "dhcp-client-id",
    "dhcp-duid",
    "address",
    "auto-dns",
    "auto-gateway",
    "auto-routes",
    "auto-route-table-id",
    "auto-route-metric",
    "addr-gen-mode",
    "allow-extra-address",
    "token",
    "dhcp-send-hostname",
    "dhcp-custom-hostname",
    "forwarding",
    "prefix-route-metric",
];
const ADDRESS_KEYS: &[&str] = &[
    "ip",
    "prefix-length",
    "mptcp-flags",
    "valid-life-time",
    "valid-left",
    "valid-lft",
    "preferred-life-time",
    "preferred-left",
    "preferred-lft",
];

/// The label that names one node; a selector on it is the usual way to scope a static address.
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

pub(super) fn check_families(iface: &Iface, out: &mut Vec<Diagnostic>) {
    for (family, max_prefix) in [("ipv4", 32), ("ipv6", 128)] {
        let path = join_key(&iface.path, family);
        match iface.entry.get(family) {
            // nmstate reads null as absent.
            None | Some(Value::Null) => {}
            Some(Value::Object(ip)) => check_family(ip, family, max_prefix, &path, out),
            Some(other) => out.push(wrong_type(
                &path,
                other,
                "a mapping",
                &format!("write {family}: {{enabled: true, dhcp: true}}"),
            )),
        }
    }
}

fn check_family(
    ip: &Map<String, Value>,
    family: &str,
    max_prefix: i64,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    unknown_keys(ip, path, IP_KEYS, out);
    for key in ["enabled", "dhcp", "autoconf"] {
        if let Some(v) = ip.get(key).filter(|v| boolean(v).is_none()) {
            out.push(wrong_type(
                &join_key(path, key),
                v,
                "a boolean",
                &format!("write {key}: true or {key}: false"),
            ));
        }
    }
    let dhcp = ip.get("dhcp").and_then(boolean) == Some(true);
    let addresses = match ip.get("address") {
        None => 0,
        // A whole list captured from the node: there is one.
        Some(t) if is_template(t) => 1,
        Some(Value::Array(list)) => {
            for (i, a) in list.iter().enumerate() {
                address(
                    a,
                    family,
                    max_prefix,
                    &join_index(&join_key(path, "address"), i),
                    out,
                );
            }
            list.len()
        }
        Some(other) => {
            out.push(wrong_type(
                &join_key(path, "address"),
                other,
                "a list",
                "write address: [{ip: 192.0.2.10, prefix-length: 24}]",
            ));
            0
        }
    };
    if ip.get("enabled").and_then(boolean) == Some(false) {
        let dropped: Vec<&str> = [
            ("dhcp", dhcp),
            (
                "autoconf",
                ip.get("autoconf").and_then(boolean) == Some(true),
            ),
            ("address", addresses > 0),
        ]
        .into_iter()
        .filter_map(|(k, on)| on.then_some(k))
        .collect();
        if let Some(first) = dropped.first() {
            out.push(
                Diagnostic::new(
                    Code::IgnoredField,
                    join_key(path, first),
                    format!(
                        "{family} is disabled (enabled: false), so nmstate ignores its {}",
                        dropped.join(" and ")
                    ),
                )
                .with_hint(format!(
                    "write enabled: true to use them, or remove them to keep {family} off"
                )),
            );
        }
    } else if dhcp && addresses > 0 {
        out.push(
            Diagnostic::new(
                Code::DhcpWithStaticAddress,
                join_key(path, "address"),
                format!("{family} takes an address by DHCP and static ones too"),
            )
            .with_hint("choose one: dhcp: true without address, or address without dhcp"),
        );
    }
}

/// One `address` entry: `{ip: ..., prefix-length: N}`.
fn address(a: &Value, family: &str, max_prefix: i64, path: &str, out: &mut Vec<Diagnostic>) {
    let example = if family == "ipv4" {
        "{ip: 192.0.2.10, prefix-length: 24}"
    } else {
        "{ip: 2001:db8::10, prefix-length: 64}"
    };
    let bad = |p: String, msg: String| {
        Diagnostic::new(Code::AddressNotCidr, p, msg).with_hint(format!("write {example}"))
    };
    if is_template(a) {
        return;
    }
    let Value::Object(m) = a else {
        out.push(wrong_type(
            path,
            a,
            "a mapping",
            &format!("write {example}"),
        ));
        return;
    };
    unknown_keys(m, path, ADDRESS_KEYS, out);
    let ip = m.get("ip");
    if !ip.is_some_and(is_template) {
        match ip.and_then(Value::as_str).map(str::parse::<IpAddr>) {
            Some(Ok(addr)) if addr.is_ipv4() == (family == "ipv4") => {}
            Some(Ok(addr)) => out.push(bad(
                join_key(path, "ip"),
                format!("{addr} is not an {family} address"),
            )),
            Some(Err(_)) | None => out.push(bad(
                join_key(path, "ip"),
                format!("`ip` must be an {family} address"),
            )),
        }
    }
    let prefix_value = m.get("prefix-length");
    if prefix_value.is_some_and(is_template) {
        return;
    }
    let prefix = prefix_value.and_then(integer);
    if !prefix.is_some_and(|p| (0..=max_prefix).contains(&p)) {
        out.push(bad(
            join_key(path, "prefix-length"),
            format!("`prefix-length` must be 0-{max_prefix}"),
        ));
    }
}

/// A static address is written on every node the policy selects; two nodes with one address
/// break each other's traffic.
pub(super) fn check_static_scope(
    spec: &Map<String, Value>,
    ifaces: &[Iface],
    out: &mut Vec<Diagnostic>,
) {
    let one_node = spec
        .get("nodeSelector")
        .and_then(Value::as_object)
        .is_some_and(|s| s.contains_key(HOSTNAME_LABEL));
    if one_node {
        return;
    }
    for iface in ifaces.iter().filter(|i| i.is_up()) {
        for family in ["ipv4", "ipv6"] {
            let Some(ip) = iface.entry.get(family) else {
                continue;
            };
            if ip.get("enabled").and_then(boolean) == Some(false) {
                continue;
            }
            if ip
                .get("address")
                .and_then(Value::as_array)
                // A captured address is each node's own.
                .is_some_and(|l| l.iter().any(|a| !a.get("ip").is_some_and(is_template)))
            {
                out.push(
                    Diagnostic::new(Code::StaticIpOnManyNodes, join_key(&join_key(&iface.path, family), "address"), format!("a static address on `{}` in a policy without a single-node nodeSelector: every selected node gets the same address", iface.name.escape_debug()))
                        .with_hint(format!("write one policy per node with nodeSelector: {{{HOSTNAME_LABEL}: <node>}}, or take the address by DHCP (dhcp: true)")),
                );
            }
        }
    }
}
