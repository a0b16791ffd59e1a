//! Each key and its value against the schema, as netplan checks them: unknown keys, wrong
//! types, words outside a set, keys of newer releases, MACs, addresses and numbers. What
//! cloud-init's PyYAML makes of the same scalars is in `yaml11_traps`.

use super::scalars::{parse_net, valid_mac};
use super::schema::{self, Field, Kind, Netplan, Section};
use super::structure::singular;
use super::yaml11;
use super::yaml11_traps;
use super::{Lint, Root, Scalar};
use crate::diagnostic::{Code, Diagnostic};
use crate::json_type::type_name;
use crate::source::{join_index, join_key};
use crate::suggest::closest;
use serde_json::{Map, Value};
use std::net::IpAddr;

/// What netplan 0.106 is, in messages.
pub const OLD_NETPLAN: &str = "netplan 0.106 (Debian 12, Ubuntu 22.04)";

/// Walks every key under the config root.
pub fn top(lint: &mut Lint<'_>, root: &Root<'_>) {
    for (key, value) in root.config {
        let path = root.path(key);
        if let Some(section) = schema::section(key) {
            newer_netplan(lint, &path, key, section.netplan, true);
            self::section(lint, section, &path, value);
        } else if let Some(field) = schema::TOP.iter().find(|f| f.key == key) {
            if key != "version" {
                self::field(lint, field, &path, value, true);
            }
        } else {
            let known = schema::top_keys();
            let d = Diagnostic::new(
                Code::UnknownKey,
                &path,
                format!(
                    "unknown key `{}` in the network-config: netplan refuses the file, and so do cloud-init's own renderers (\"No handler found for command\")",
                    key.escape_debug()
                ),
            )
            .at_key();
            lint.push(match closest(key, &known) {
                Some(s) => d
                    .with_hint(format!("did you mean `{s}`?"))
                    .with_fix(crate::fix::rename_key(&path, s)),
                None => d.with_hint(format!("the sections are {}", known.join(", "))),
            });
        }
    }
}

fn section(lint: &mut Lint<'_>, section: &'static Section, path: &str, value: &Value) {
    let Value::Object(entries) = value else {
        lint.push(
            Diagnostic::new(
                Code::NetworkDataInvalid,
                path,
                format!("`{}` must be a mapping of device IDs to their settings, not {}: netplan and cloud-init both refuse it", section.key, type_name(value)),
            )
            .with_hint(format!("write `{}: {{{}: {{...}}}}`", section.key, example_id(section.key))),
        );
        return;
    };
    for (id, entry) in entries {
        let dpath = join_key(path, id);
        // A renderer for the whole section (netplan); cloud-init takes it for a device.
        if id == "renderer" && !entry.is_object() {
            if let Some(f) = schema::device_field(section, "renderer") {
                self::field(lint, f, &dpath, entry, false);
            }
            continue;
        }
        yaml11_traps::name_key(
            lint,
            &dpath,
            id,
            &format!("the device ID `{id}`"),
            section.cloud_init,
        );
        match entry {
            Value::Object(map) => device(lint, section, &dpath, map),
            other => lint.push(
                Diagnostic::new(
                    Code::NetworkDataInvalid,
                    &dpath,
                    format!("{} `{}` must be a mapping of settings, not {}: netplan and cloud-init both refuse it", singular(section.key), id.escape_debug(), type_name(other)),
                )
                .with_hint("write its settings, e.g. `{dhcp4: true}`, or `{}` for none"),
            ),
        }
    }
}

fn example_id(section: &str) -> &'static str {
    match section {
        "bonds" => "bond0",
        "bridges" => "br0",
        "vlans" => "vlan10",
        "wifis" => "wlan0",
        _ => "eth0",
    }
}

fn device(lint: &mut Lint<'_>, section: &'static Section, path: &str, map: &Map<String, Value>) {
    for (key, value) in map {
        let kpath = join_key(path, key);
        match schema::device_field(section, key) {
            Some(f) => field(lint, f, &kpath, value, section.cloud_init),
            None => {
                let known = schema::device_keys(section);
                let elsewhere: Vec<&str> = schema::SECTIONS
                    .iter()
                    .filter(|s| schema::device_field(s, key).is_some())
                    .map(|s| s.key)
                    .collect();
                let suggestion = closest(key, &known);
                let hint = match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if !elsewhere.is_empty() => format!(
                        "`{key}` is a key of {}, not of {}",
                        elsewhere.join(", "),
                        section.key
                    ),
                    None => format!("remove it; {} take: {}", section.key, known.join(", ")),
                };
                let fix = suggestion.map(|s| crate::fix::rename_key(&kpath, s));
                unknown(lint, &kpath, key, section.cloud_init, hint);
                if let (Some(fix), Some(d)) = (fix, lint.out.last_mut()) {
                    d.fixes.push(fix);
                }
            }
        }
    }
}

fn unknown(lint: &mut Lint<'_>, path: &str, key: &str, cloud_init_reads: bool, hint: String) {
    let tail = if cloud_init_reads {
        " (cloud-init silently ignores it)"
    } else {
        ""
    };
    lint.push(
        Diagnostic::new(
            Code::UnknownKey,
            path,
            format!(
                "unknown key `{}`: netplan refuses the file{tail}",
                key.escape_debug()
            ),
        )
        .with_hint(hint)
        .at_key(),
    );
}

/// One known key: its release, whether cloud-init applies it, then its value.
fn field(lint: &mut Lint<'_>, f: &Field, path: &str, value: &Value, cloud_init: bool) {
    newer_netplan(lint, path, f.key, f.netplan, true);
    if cloud_init && !f.cloud_init {
        lint.push(
            Diagnostic::new(
                Code::CloudInitIgnores,
                path,
                format!("`{}` is outside cloud-init's documented v2 subset: its own renderers (sysconfig, networkd, eni) ignore it; only guests where netplan renders (Ubuntu) apply it", f.key),
            )
            .with_hint("keep it only if every guest renders with netplan; otherwise configure it in the image")
            .at_key(),
        );
    }
    kind(lint, f.kind, path, f.key, value, cloud_init && f.cloud_init);
}

fn newer_netplan(lint: &mut Lint<'_>, path: &str, what: &str, netplan: Netplan, at_key: bool) {
    let Netplan::Since(release) = netplan else {
        return;
    };
    let added = if release.is_empty() {
        "only netplan releases after 0.106 know it".to_string()
    } else {
        format!("it was added in netplan {release}")
    };
    let d = Diagnostic::new(
        Code::NeedsNewerNetplan,
        path,
        format!("{OLD_NETPLAN} refuses `{}`: {added}", what.escape_debug()),
    )
    .with_hint("use it only for guests with a newer netplan, or leave it out");
    lint.push(if at_key { d.at_key() } else { d });
}

fn wrong_type(lint: &mut Lint<'_>, path: &str, key: &str, want: &str, got: &Value) {
    lint.push(
        Diagnostic::new(
            Code::WrongType,
            path,
            format!(
                "`{key}` must be {want}, not {}: netplan refuses it",
                type_name(got)
            ),
        )
        .with_hint(format!("write `{key}` as {want}")),
    );
}

pub(super) fn invalid(lint: &mut Lint<'_>, path: &str, message: String, hint: String) {
    lint.push(Diagnostic::new(Code::InvalidValue, path, message).with_hint(hint));
}

/// A value against its kind.
fn kind(lint: &mut Lint<'_>, kind: Kind, path: &str, key: &str, value: &Value, cloud_init: bool) {
    match kind {
        Kind::Bool => yaml11_traps::boolean(lint, path, key, value, cloud_init),
        Kind::UInt => uint(lint, path, key, value),
        Kind::Str | Kind::Name | Kind::Ref => {
            let Some(s) = scalar_or_complain(lint, path, key, value, "text") else {
                return;
            };
            yaml11_traps::text_trap(lint, path, key, &s, cloud_init);
        }
        Kind::Enum(words) => {
            let Some(s) = scalar_or_complain(lint, path, key, value, "one word") else {
                return;
            };
            word(lint, path, key, &s.text, words);
        }
        Kind::EnumList(words) => {
            for (p, item) in list(lint, path, key, value) {
                if let Some(s) = scalar_or_complain(lint, &p, key, item, "one word") {
                    word(lint, &p, key, &s.text, words);
                }
            }
        }
        Kind::Mac | Kind::SetMac => mac(lint, path, key, value, matches!(kind, Kind::SetMac)),
        Kind::Ip => ip(lint, path, key, value),
        Kind::IpList => {
            for (p, item) in list(lint, path, key, value) {
                ip(lint, &p, key, item);
            }
        }
        Kind::Net => net(lint, path, key, value),
        Kind::NetList => {
            for (p, item) in list(lint, path, key, value) {
                net(lint, &p, key, item);
            }
        }
        Kind::StrList | Kind::RefList => {
            for (p, item) in list(lint, path, key, value) {
                if let Some(s) = scalar_or_complain(lint, &p, key, item, "text") {
                    yaml11_traps::text_trap(lint, &p, key, &s, cloud_init);
                }
            }
        }
        Kind::StrOrList => {
            if value.is_array() {
                for (p, item) in list(lint, path, key, value) {
                    if let Some(s) = scalar_or_complain(lint, &p, key, item, "text") {
                        yaml11_traps::text_trap(lint, &p, key, &s, cloud_init);
                    }
                }
            } else if let Some(s) =
                scalar_or_complain(lint, path, key, value, "text or a list of texts")
            {
                yaml11_traps::text_trap(lint, path, key, &s, cloud_init);
            }
        }
        Kind::Addresses => addresses(lint, path, value),
        Kind::Map(fields) => map(lint, path, key, value, fields, cloud_init),
        Kind::MapList(fields) => {
            for (p, item) in list(lint, path, key, value) {
                map(lint, &p, key, item, fields, cloud_init);
            }
        }
        Kind::Dict(inner) => {
            let Value::Object(m) = value else {
                wrong_type(lint, path, key, "a mapping", value);
                return;
            };
            for (k, v) in m {
                let p = join_key(path, k);
                yaml11_traps::name_key(lint, &p, k, &format!("the key `{k}`"), cloud_init);
                self::kind(lint, *inner, &p, k, v, false);
            }
        }
        Kind::Any => {}
        Kind::TunnelKey => match value {
            Value::Object(_) => map(lint, path, key, value, schema::TUNNEL_KEY, false),
            _ => {
                if let Some(s) = scalar_or_complain(lint, path, key, value, "text or a mapping") {
                    yaml11_traps::text_trap(lint, path, key, &s, cloud_init);
                }
            }
        },
        Kind::PortPairs => {
            for (p, item) in list(lint, path, key, value) {
                match item {
                    Value::Array(pair) if pair.len() == 2 => {
                        for (i, end) in pair.iter().enumerate() {
                            let ep = join_index(&p, i);
                            if let Some(s) = scalar_or_complain(lint, &ep, key, end, "a port name")
                            {
                                yaml11_traps::text_trap(lint, &ep, key, &s, cloud_init);
                            }
                        }
                    }
                    other => wrong_type(
                        lint,
                        &p,
                        key,
                        "a pair of port names, e.g. [patch0-1, patch1-0]",
                        other,
                    ),
                }
            }
        }
    }
}

fn list<'v>(
    lint: &mut Lint<'_>,
    path: &str,
    key: &str,
    value: &'v Value,
) -> Vec<(String, &'v Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (join_index(path, i), v))
            .collect(),
        other => {
            wrong_type(lint, path, key, "a list", other);
            Vec::new()
        }
    }
}

fn map(
    lint: &mut Lint<'_>,
    path: &str,
    key: &str,
    value: &Value,
    fields: &'static [Field],
    cloud_init: bool,
) {
    let Value::Object(m) = value else {
        wrong_type(lint, path, key, "a mapping", value);
        return;
    };
    for (k, v) in m {
        let p = join_key(path, k);
        match fields.iter().find(|f| f.key == k) {
            Some(f) => field(lint, f, &p, v, cloud_init),
            None => {
                let known: Vec<&str> = fields.iter().map(|f| f.key).collect();
                let hint = match closest(k, &known) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("`{key}` takes: {}", known.join(", ")),
                };
                unknown(lint, &p, k, cloud_init, hint);
            }
        }
    }
}

pub(super) fn scalar_or_complain(
    lint: &mut Lint<'_>,
    path: &str,
    key: &str,
    value: &Value,
    want: &str,
) -> Option<Scalar> {
    let s = lint.scalar(path, value);
    if s.is_none() {
        wrong_type(lint, path, key, want, value);
    }
    s
}

fn uint(lint: &mut Lint<'_>, path: &str, key: &str, value: &Value) {
    let Some(s) = scalar_or_complain(lint, path, key, value, "a whole number") else {
        return;
    };
    let t = s.text.as_str();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) || t.parse::<u32>().is_err() {
        invalid(
            lint,
            path,
            format!(
                "`{key}: {}` is not an unsigned decimal number: netplan refuses it",
                t.escape_debug()
            ),
            format!("write `{key}` as a plain number, e.g. `{key}: 100`"),
        );
        return;
    }
    if s.plain && t.len() > 1 && t.starts_with('0') {
        yaml11_traps::leading_zero(lint, path, key, t);
    }
}

fn word(lint: &mut Lint<'_>, path: &str, key: &str, text: &str, words: &[(&str, Netplan)]) {
    match words.iter().find(|(w, _)| *w == text) {
        Some((_, release)) => newer_netplan(lint, path, &format!("{key}: {text}"), *release, false),
        None => {
            let names: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
            let hint = match closest(text, &names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("`{key}` takes one of: {}", names.join(", ")),
            };
            invalid(
                lint,
                path,
                format!(
                    "`{key}: {}` is not a value netplan knows: it refuses the file",
                    text.escape_debug()
                ),
                hint,
            );
        }
    }
}

fn mac(lint: &mut Lint<'_>, path: &str, key: &str, value: &Value, settable: bool) {
    let Some(s) = scalar_or_complain(lint, path, key, value, "a MAC address") else {
        return;
    };
    if s.plain && yaml11::looks_like_mac(&s.text) && yaml11::sexagesimal(&s.text).is_some() {
        yaml11_traps::unquoted_mac(lint, path, &s.text);
        return;
    }
    if valid_mac(&s.text) {
        return;
    }
    if settable
        && matches!(
            s.text.as_str(),
            "permanent" | "random" | "stable" | "preserve" | "stable-ssid"
        )
    {
        newer_netplan(
            lint,
            path,
            &format!("{key}: {}", s.text),
            Netplan::Since(""),
            false,
        );
        return;
    }
    lint.push(
        Diagnostic::new(
            Code::InvalidMac,
            path,
            format!(
                "`{}` is not a MAC address: netplan refuses it (XX:XX:XX:XX:XX:XX)",
                s.text.escape_debug()
            ),
        )
        .with_hint("write six hex pairs separated by colons, quoted: \"52:54:00:12:34:56\""),
    );
}

fn ip(lint: &mut Lint<'_>, path: &str, key: &str, value: &Value) {
    let Some(s) = scalar_or_complain(lint, path, key, value, "an IP address") else {
        return;
    };
    let parsed = s.text.parse::<IpAddr>();
    let family_ok = match (key, &parsed) {
        ("gateway4", Ok(a)) => a.is_ipv4(),
        ("gateway6", Ok(a)) => a.is_ipv6(),
        _ => true,
    };
    if parsed.is_ok() && family_ok {
        return;
    }
    let (code, what) = match key {
        "gateway4" => (Code::GatewayNotIp, "an IPv4 address"),
        "gateway6" => (Code::GatewayNotIp, "an IPv6 address"),
        "via" => (Code::GatewayNotIp, "an IP address"),
        "addresses" if path.contains(".nameservers.") => (Code::DnsServerNotIp, "an IP address"),
        _ => (Code::InvalidValue, "an IP address"),
    };
    lint.push(
        Diagnostic::new(
            code,
            path,
            format!(
                "`{key}`: `{}` is not {what}: netplan refuses it",
                s.text.escape_debug()
            ),
        )
        .with_hint(format!(
            "write {what} without a prefix, e.g. {}",
            if what.contains("IPv6") {
                "2001:db8::1"
            } else {
                "192.168.1.1"
            }
        )),
    );
}

fn net(lint: &mut Lint<'_>, path: &str, key: &str, value: &Value) {
    let Some(s) = scalar_or_complain(lint, path, key, value, "an IP address or network") else {
        return;
    };
    if (key == "to" && s.text == "default") || parse_net(&s.text).is_some() {
        return;
    }
    invalid(
        lint,
        path,
        format!(
            "`{key}: {}` is not an IP address or network: netplan refuses it",
            s.text.escape_debug()
        ),
        format!("write `{key}` as an address or CIDR, e.g. 10.0.0.0/8"),
    );
}

fn addresses(lint: &mut Lint<'_>, path: &str, value: &Value) {
    for (p, item) in list(lint, path, "addresses", value) {
        match item {
            Value::Object(m) if m.len() == 1 => {
                for (cidr, options) in m {
                    let kp = join_key(&p, cidr);
                    check_cidr(lint, &kp, cidr, true);
                    if !options.is_null() {
                        map(lint, &kp, cidr, options, schema::ADDRESS_OPTIONS, false);
                    }
                }
            }
            Value::String(s) => check_cidr(lint, &p, s, false),
            other => {
                let text = lint.scalar(&p, other).map(|s| s.text).unwrap_or_default();
                if other.is_array() || other.is_object() {
                    wrong_type(
                        lint,
                        &p,
                        "addresses",
                        "a CIDR address such as 192.168.1.10/24",
                        other,
                    );
                } else {
                    check_cidr(lint, &p, &text, false);
                }
            }
        }
    }
}

fn check_cidr(lint: &mut Lint<'_>, path: &str, text: &str, at_key: bool) {
    let why = match parse_net(text) {
        Some((_, Some(_))) => return,
        Some((_, None)) => {
            "has no /prefix length: netplan refuses it (cloud-init guesses /24 or /64)"
        }
        None => "is not an address in CIDR form: netplan and cloud-init both refuse it",
    };
    let d = Diagnostic::new(
        Code::AddressNotCidr,
        path,
        format!("`{}` {why}", text.escape_debug()),
    )
    .with_hint("write address/prefix, e.g. 192.168.1.10/24 or \"2001:db8::10/64\"");
    lint.push(if at_key { d.at_key() } else { d });
}
