//! Multus NetworkAttachmentDefinitions: `spec.config` must be a CNI config (one plugin, or a
//! `plugins` list), and bridge plugins must be usable for VMs on a DHCP-served network: no CNI
//! `dhcp` IPAM, no IPAM with `disableContainerInterface`, consistent host-local ranges, valid
//! bridge names and VLAN ids.
//!
//! Paths continue into the embedded JSON: `spec.config.ipam.ranges[0][0].rangeEnd` is located at
//! `spec.config` by shells that only know the object.

mod ipam;
mod vlan;

use super::rule_helpers::{not_allowed_bridge, static_not_allowed};
use super::settings::Settings;
use crate::checks::is_interface_name;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::json_path::JsonPath;
use crate::json_type::type_name;
use crate::source::{join_index, join_key};
use ipam::check_host_local;
use serde_json::{Map, Value};
use vlan::check_vlans;

/// The bridge plugin's default bridge when `bridge` is absent.
pub const DEFAULT_BRIDGE: &str = "cni0";

/// Checks a NAD object.
pub fn check_nad(object: &Value, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let config = object.get("spec").and_then(|s| s.get("config"));
    let text = match config {
        None => {
            out.push(
                Diagnostic::new(Code::NadConfigAbsent, "spec", "the NAD has no spec.config: Multus reads the config from a file on each node, which this policy cannot check")
                    .with_hint("put the CNI config in spec.config (a JSON string)"),
            );
            return;
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            out.push(
                Diagnostic::new(Code::CniConfigInvalid, "spec.config", format!("spec.config must be a string holding CNI JSON, not {}", type_name(other)))
                    .with_hint("write the config as a JSON string: config: '{\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", ...}'"),
            );
            return;
        }
    };
    match parse_config(text) {
        Ok(config) => check_config(&config, "spec.config", settings, out),
        Err(message) => {
            let mut d = Diagnostic::new(Code::CniConfigInvalid, "spec.config", message)
                .with_hint("write one plugin ({\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", ...}) or a list ({\"cniVersion\": ..., \"plugins\": [...]})");
            // Where the JSON breaks, in the config's own text (line 0: not located in the
            // object); shells with the outer text map it there (`crate::manifest`).
            d.span = json_error_span(text).unwrap_or_default();
            out.push(d);
        }
    }
}

/// The position of a JSON syntax error in `text`, as serde_json reports it (1-based line, and
/// column in bytes).
fn json_error_span(text: &str) -> Option<Span> {
    let e = serde_json::from_str::<Value>(text).err()?;
    if e.line() == 0 {
        return None;
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line() - 1)
        .map(str::len)
        .sum();
    let mut start = (line_start + e.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    Some(Span {
        start,
        end,
        line: e.line() as u32,
        column: e.column() as u32,
        end_line: e.line() as u32,
        end_column: e.column() as u32 + 1,
    })
}

/// Parses `spec.config` text into its JSON object, or says why it is not one.
pub fn parse_config(text: &str) -> Result<Map<String, Value>, String> {
    // The same size limit as every other input of the core.
    if text.len() > crate::limits::MAX_INPUT_BYTES {
        return Err(format!(
            "spec.config is {} bytes; the limit is {}",
            text.len(),
            crate::limits::MAX_INPUT_BYTES
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "spec.config must be a JSON object, not {}",
            type_name(&other)
        )),
        Err(e) => Err(format!("spec.config is not valid JSON: {e}")),
    }
}

/// The plugins of a config with their paths: the config itself, or each of `plugins`.
/// A structural problem is reported and yields no plugins.
pub fn plugins<'a>(
    config: &'a Map<String, Value>,
    base: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, &'a Map<String, Value>)> {
    let bad = |path: String, msg: String, hint: &str| {
        Diagnostic::new(Code::CniConfigInvalid, path, msg).with_hint(hint.to_string())
    };
    match config.get("plugins") {
        Some(Value::Array(list)) => {
            if list.is_empty() {
                out.push(bad(
                    join_key(base, "plugins"),
                    "`plugins` is empty".into(),
                    "list at least one plugin",
                ));
                return Vec::new();
            }
            let mut found = Vec::new();
            for (i, p) in list.iter().enumerate() {
                let path = join_index(&join_key(base, "plugins"), i);
                match p {
                    Value::Object(m) if m.get("type").is_some_and(Value::is_string) => {
                        found.push((path, m))
                    }
                    Value::Object(_) => out.push(bad(
                        path,
                        "a plugin without a string `type`".into(),
                        "add \"type\": \"bridge\" (the CNI plugin binary to run)",
                    )),
                    other => out.push(bad(
                        path,
                        format!("a plugin must be an object, not {}", type_name(other)),
                        "write {\"type\": \"bridge\", ...}",
                    )),
                }
            }
            found
        }
        Some(other) => {
            out.push(bad(
                join_key(base, "plugins"),
                format!("`plugins` must be a list, not {}", type_name(other)),
                "write \"plugins\": [{\"type\": \"bridge\", ...}]",
            ));
            Vec::new()
        }
        None => match config.get("type") {
            Some(Value::String(_)) => vec![(base.to_string(), config)],
            Some(other) => {
                out.push(bad(
                    join_key(base, "type"),
                    format!("`type` must be a string, not {}", type_name(other)),
                    "write \"type\": \"bridge\"",
                ));
                Vec::new()
            }
            None => {
                out.push(bad(
                    base.to_string(),
                    "the CNI config has neither `type` nor `plugins`".into(),
                    "add \"type\": \"bridge\" (the CNI plugin binary to run)",
                ));
                Vec::new()
            }
        },
    }
}

/// True when a plugin assigns addresses itself (any `ipam` with a `type`).
pub fn has_ipam(plugin: &Map<String, Value>) -> bool {
    plugin
        .get("ipam")
        .and_then(|i| i.get("type"))
        .is_some_and(|t| t.as_str().is_some_and(|s| !s.is_empty()))
}

/// The checks on a parsed config.
pub fn check_config(
    config: &Map<String, Value>,
    base: &str,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    for (path, plugin) in plugins(config, base, out) {
        if plugin.get("type").and_then(Value::as_str) == Some("bridge") {
            check_bridge(plugin, &path, settings, out);
        }
    }
}

fn check_bridge(
    p: &Map<String, Value>,
    base: &str,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let bridge_path = join_key(base, "bridge");
    let bridge = match p.get("bridge") {
        None => Some(DEFAULT_BRIDGE),
        Some(Value::String(b)) if is_interface_name(b) => Some(b.as_str()),
        Some(Value::String(b)) => {
            out.push(
                Diagnostic::new(Code::InvalidInterfaceName, &bridge_path, format!("bridge name `{}` is not a valid Linux interface name", b.escape_debug()))
                    .with_hint("use 1-15 bytes without '/', ':', whitespace or control characters, e.g. br-external"),
            );
            None
        }
        Some(other) => {
            out.push(
                Diagnostic::new(
                    Code::CniConfigInvalid,
                    &bridge_path,
                    format!("`bridge` must be a string, not {}", type_name(other)),
                )
                .with_hint("write \"bridge\": \"br-external\""),
            );
            None
        }
    };
    if let Some(b) = bridge {
        if !settings.bridge_allowed(b) {
            out.push(not_allowed_bridge(&bridge_path, b, settings));
        }
    }
    check_vlans(p, base, out);

    let ipam_path = join_key(base, "ipam");
    let ipam = match p.get("ipam") {
        None => {
            out.push(
                Diagnostic::new(Code::MissingIpam, base, "the bridge plugin has no `ipam`: the CNI docs ask for \"ipam\": {} on L2-only networks")
                    .with_hint("add \"ipam\": {} (the guest's own DHCP client gets its address from the network's DHCP server)")
                    .with_fix(crate::fix::Fix::safe(
                        "add \"ipam\": {}",
                        vec![crate::fix::PatchOp::add(&JsonPath::parse(base).key("ipam"), Value::Object(Map::new()))],
                    )),
            );
            return;
        }
        Some(Value::Object(m)) => m,
        Some(other) => {
            out.push(
                Diagnostic::new(
                    Code::CniConfigInvalid,
                    &ipam_path,
                    format!("`ipam` must be an object, not {}", type_name(other)),
                )
                .with_hint("write \"ipam\": {} for L2 only"),
            );
            return;
        }
    };
    let ipam_type = match ipam.get("type") {
        None => return, // `{}`: L2 only, the form DHCP networks for VMs want.
        Some(Value::String(t)) => t.as_str(),
        Some(other) => {
            out.push(
                Diagnostic::new(
                    Code::CniConfigInvalid,
                    join_key(&ipam_path, "type"),
                    format!("`ipam.type` must be a string, not {}", type_name(other)),
                )
                .with_hint("write \"ipam\": {} for L2 only, or \"type\": \"host-local\""),
            );
            return;
        }
    };
    if p.get("disableContainerInterface") == Some(&Value::Bool(true)) {
        out.push(
            Diagnostic::new(
                Code::IpamWithDisabledContainerInterface,
                join_key(base, "disableContainerInterface"),
                format!("`disableContainerInterface: true` together with `{ipam_type}` IPAM: the bridge plugin refuses the two (\"when enabled, IPAM cannot be used\") and the pod never starts"),
            )
            .with_hint("drop disableContainerInterface, or use \"ipam\": {} for an L2-only network"),
        );
    }
    match ipam_type {
        "dhcp" if settings.forbid_dhcp_ipam => out.push(
            Diagnostic::new(
                Code::DhcpIpam,
                join_key(&ipam_path, "type"),
                "`ipam.type: dhcp` on a bridge network for VMs: the VM's guest gets its address from the network's DHCP server through the bridge; the CNI dhcp daemon would lease a second address for the pod side",
            )
            .with_hint("write \"ipam\": {} and let the guest run DHCP (networkData `dhcp4: true`)")
            .with_fix(crate::fix::Fix::safe(
                "replace the dhcp IPAM with \"ipam\": {}",
                vec![crate::fix::PatchOp::replace(&JsonPath::parse(&ipam_path), Value::Object(Map::new()))],
            )),
        ),
        "host-local" => check_host_local(ipam, &ipam_path, settings, out),
        "static" if !settings.allow_static_ip => out.push(static_not_allowed(join_key(&ipam_path, "type"), "`static` IPAM pins addresses")),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
