//! Settings netplan refuses for the backend that renders them: without `renderer:
//! NetworkManager` (on the device, its section or the config) netplan writes systemd-networkd
//! files, and it refuses what networkd cannot do.

use super::{DeviceRef, Lint, Root};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::join_key;
use serde_json::Value;

fn renderer<'a>(root: &'a Root<'_>, d: &'a DeviceRef<'_>) -> &'a str {
    let own = d.value.get("renderer").and_then(Value::as_str);
    let section = root
        .config
        .get(d.section.key)
        .and_then(|s| s.get("renderer"))
        .and_then(Value::as_str);
    let global = root.config.get("renderer").and_then(Value::as_str);
    own.or(section).or(global).unwrap_or("networkd")
}

pub fn check(lint: &mut Lint<'_>, root: &Root<'_>, devices: &[DeviceRef<'_>]) {
    for d in devices {
        let backend = renderer(root, d);
        if backend != "NetworkManager" {
            networkd(lint, d, backend);
        }
        passphrases(lint, d);
    }
}

fn networkd(lint: &mut Lint<'_>, d: &DeviceRef<'_>, backend: &str) {
    let base = &d.device.path;
    let refuse = |path: String, what: String, hint: &str| {
        Diagnostic::new(
            Code::InvalidValue,
            path,
            format!("{what}: netplan refuses it for the {backend} backend (the default; `renderer: NetworkManager` supports it)"),
        )
        .with_hint(hint.to_string())
    };
    if d.value
        .get("ipv6-address-generation")
        .and_then(Value::as_str)
        == Some("stable-privacy")
    {
        lint.push(refuse(
            join_key(base, "ipv6-address-generation"),
            "`ipv6-address-generation: stable-privacy` is not supported by systemd-networkd"
                .to_string(),
            "use `eui64`, or `ipv6-address-token`, or render this device with NetworkManager",
        ));
    }
    if let Some(Value::Object(aps)) = d.value.get("access-points") {
        for (ssid, ap) in aps {
            if ap.get("mode").and_then(Value::as_str) == Some("ap") {
                lint.push(refuse(
                    join_key(&join_key(&join_key(base, "access-points"), ssid), "mode"),
                    format!(
                        "access point `{ssid}` in `mode: ap` is not supported by systemd-networkd"
                    ),
                    "set `renderer: NetworkManager` to run an access point",
                ));
            }
        }
    }
    // networkd has one [DHCP] section for both families: the overrides must agree.
    let on = |k: &str| {
        d.value
            .get(k)
            .and_then(super::scalars::bool_text)
            .and_then(|t| super::netplan_bool(&t))
            == Some(true)
    };
    if on("dhcp4") && on("dhcp6") {
        let empty = serde_json::Map::new();
        let v4 = d
            .value
            .get("dhcp4-overrides")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let v6 = d
            .value
            .get("dhcp6-overrides")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut keys: Vec<&String> = v4.keys().chain(v6.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if effective(v4, k) != effective(v6, k) {
                let side = if v4.contains_key(k) {
                    "dhcp4-overrides"
                } else {
                    "dhcp6-overrides"
                };
                lint.push(refuse(
                    join_key(&join_key(base, side), k),
                    format!("`{k}` is not the same in dhcp4-overrides and dhcp6-overrides while both dhcp4 and dhcp6 are on"),
                    "give both overrides the same value (an override left out counts as its default)",
                ));
            }
        }
    }
}

/// An override's value as networkd sees it: booleans default to true, the rest to unset.
fn effective(overrides: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    let text = overrides.get(key).and_then(super::scalars::bool_text);
    let is_flag = matches!(
        key,
        "use-dns" | "use-ntp" | "send-hostname" | "use-hostname" | "use-mtu" | "use-routes"
    );
    match (is_flag, text) {
        (true, None) => Some("true".to_string()),
        (true, Some(t)) => Some(super::netplan_bool(&t).map_or(t, |b| b.to_string())),
        (false, t) => t,
    }
}

/// WPA passphrases: 8-63 characters, or 64 hex digits (a raw key).
fn passphrases(lint: &mut Lint<'_>, d: &DeviceRef<'_>) {
    let Some(Value::Object(aps)) = d.value.get("access-points") else {
        return;
    };
    for (ssid, ap) in aps {
        let Some(pw) = ap.get("password").and_then(Value::as_str) else {
            continue;
        };
        let n = pw.chars().count();
        let raw_key = n == 64 && pw.bytes().all(|b| b.is_ascii_hexdigit());
        if !(8..=63).contains(&n) && !raw_key {
            lint.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    join_key(&join_key(&join_key(&d.device.path, "access-points"), ssid), "password"),
                    format!("the passphrase of `{ssid}` has {n} characters: WPA needs 8 to 63 (or 64 hex digits), and netplan refuses it"),
                )
                .with_hint("use a passphrase of 8 to 63 characters"),
            );
        }
    }
}
