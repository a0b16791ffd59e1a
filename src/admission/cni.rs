//! Multus NetworkAttachmentDefinitions: `spec.config` must be a CNI config (one plugin, or a
//! `plugins` list), and bridge plugins must be usable for VMs on a DHCP-served network: no CNI
//! `dhcp` IPAM, no IPAM with `disableContainerInterface`, consistent host-local ranges, valid
//! bridge names and VLAN ids.
//!
//! Paths continue into the embedded JSON: `spec.config.ipam.ranges[0][0].rangeEnd` is located at
//! `spec.config` by shells that only know the object.

use super::settings::Settings;
use crate::checks::is_interface_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use ipnet::IpNet;
use serde_json::{Map, Value};
use std::net::IpAddr;

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
                Diagnostic::new(Code::CniConfigInvalid, "spec.config", format!("spec.config must be a string holding CNI JSON, not {}", kind_of(other)))
                    .with_hint("write the config as a JSON string: config: '{\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", ...}'"),
            );
            return;
        }
    };
    match parse_config(text) {
        Ok(config) => check_config(&config, "spec.config", settings, out),
        Err(message) => out.push(
            Diagnostic::new(Code::CniConfigInvalid, "spec.config", message)
                .with_hint("write one plugin ({\"cniVersion\": \"0.3.1\", \"type\": \"bridge\", ...}) or a list ({\"cniVersion\": ..., \"plugins\": [...]})"),
        ),
    }
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
            kind_of(&other)
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
                        format!("a plugin must be an object, not {}", kind_of(other)),
                        "write {\"type\": \"bridge\", ...}",
                    )),
                }
            }
            found
        }
        Some(other) => {
            out.push(bad(
                join_key(base, "plugins"),
                format!("`plugins` must be a list, not {}", kind_of(other)),
                "write \"plugins\": [{\"type\": \"bridge\", ...}]",
            ));
            Vec::new()
        }
        None => match config.get("type") {
            Some(Value::String(_)) => vec![(base.to_string(), config)],
            Some(other) => {
                out.push(bad(
                    join_key(base, "type"),
                    format!("`type` must be a string, not {}", kind_of(other)),
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
                    format!("`bridge` must be a string, not {}", kind_of(other)),
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
                    .with_hint("add \"ipam\": {} (the guest's own DHCP client gets its address from the network's DHCP server)"),
            );
            return;
        }
        Some(Value::Object(m)) => m,
        Some(other) => {
            out.push(
                Diagnostic::new(
                    Code::CniConfigInvalid,
                    &ipam_path,
                    format!("`ipam` must be an object, not {}", kind_of(other)),
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
                    format!("`ipam.type` must be a string, not {}", kind_of(other)),
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
            .with_hint("write \"ipam\": {} and let the guest run DHCP (networkData `dhcp4: true`)"),
        ),
        "host-local" => check_host_local(ipam, &ipam_path, settings, out),
        "static" if !settings.allow_static_ip => out.push(static_not_allowed(join_key(&ipam_path, "type"), "`static` IPAM pins addresses")),
        _ => {}
    }
}

fn check_vlans(p: &Map<String, Value>, base: &str, out: &mut Vec<Diagnostic>) {
    let vlan_path = join_key(base, "vlan");
    match p.get("vlan") {
        None => {}
        // The bridge plugin takes 0 (no tag) to 4094.
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| (0..=4094).contains(&v)) => {}
        Some(Value::Number(n)) => out.push(
            Diagnostic::new(
                Code::VlanOutOfRange,
                &vlan_path,
                format!("VLAN id {n} is outside 0-4094"),
            )
            .with_hint(
                "use the 802.1Q tag of the network (1-4094), or omit `vlan` for untagged traffic",
            ),
        ),
        Some(other) => out.push(
            Diagnostic::new(
                Code::CniConfigInvalid,
                &vlan_path,
                format!("`vlan` must be an integer, not {}", kind_of(other)),
            )
            .with_hint("write \"vlan\": 100 (no quotes)"),
        ),
    }
    let Some(trunk) = p.get("vlanTrunk") else {
        return;
    };
    let trunk_path = join_key(base, "vlanTrunk");
    let Value::Array(items) = trunk else {
        out.push(
            Diagnostic::new(
                Code::CniConfigInvalid,
                &trunk_path,
                "`vlanTrunk` must be a list",
            )
            .with_hint("write \"vlanTrunk\": [{\"id\": 100}, {\"minID\": 200, \"maxID\": 299}]"),
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        for key in ["id", "minID", "maxID"] {
            let Some(v) = item.get(key) else { continue };
            if !v.as_i64().is_some_and(|v| (1..=4094).contains(&v)) {
                out.push(
                    Diagnostic::new(
                        Code::VlanOutOfRange,
                        join_key(&join_index(&trunk_path, i), key),
                        format!("trunk VLAN id {v} is outside 1-4094"),
                    )
                    .with_hint("use 802.1Q tags between 1 and 4094"),
                );
            }
        }
    }
}

/// host-local: `ranges` (a list of range sets) or the legacy single range at the top of `ipam`.
fn check_host_local(
    ipam: &Map<String, Value>,
    base: &str,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let mut ranges: Vec<(String, &Map<String, Value>)> = Vec::new();
    match ipam.get("ranges") {
        Some(Value::Array(sets)) => {
            for (i, set) in sets.iter().enumerate() {
                let set_path = join_index(&join_key(base, "ranges"), i);
                match set {
                    Value::Array(items) => {
                        for (j, r) in items.iter().enumerate() {
                            let path = join_index(&set_path, j);
                            match r {
                                Value::Object(m) => ranges.push((path, m)),
                                _ => out.push(Diagnostic::new(Code::CniConfigInvalid, path, "a range must be an object with `subnet`").with_hint("write {\"subnet\": \"192.168.0.0/24\"}")),
                            }
                        }
                    }
                    _ => out.push(
                        Diagnostic::new(Code::CniConfigInvalid, set_path, "each entry of `ranges` must be a list of ranges")
                            .with_hint("write \"ranges\": [[{\"subnet\": \"192.168.0.0/24\"}]]"),
                    ),
                }
            }
        }
        Some(_) => out.push(
            Diagnostic::new(Code::CniConfigInvalid, join_key(base, "ranges"), "`ranges` must be a list of lists of ranges")
                .with_hint("write \"ranges\": [[{\"subnet\": \"192.168.0.0/24\"}]]"),
        ),
        None if ipam.contains_key("subnet") => ranges.push((base.to_string(), ipam)),
        None => out.push(
            Diagnostic::new(Code::IpamInvalidSubnet, base, "host-local IPAM without `ranges` or `subnet`: it has no addresses to hand out")
                .with_hint("add \"ranges\": [[{\"subnet\": \"192.168.0.0/24\", \"rangeStart\": ..., \"rangeEnd\": ...}]]"),
        ),
    }
    for (path, r) in ranges {
        check_range(r, &path, settings, out);
    }
    if let Some(routes) = ipam.get("routes") {
        check_routes(routes, &join_key(base, "routes"), out);
    }
}

fn check_range(r: &Map<String, Value>, base: &str, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let subnet_path = join_key(base, "subnet");
    let subnet = match r.get("subnet") {
        Some(Value::String(s)) => match s.parse::<IpNet>() {
            Ok(n) => Some(n),
            Err(_) => {
                out.push(
                    Diagnostic::new(
                        Code::IpamInvalidSubnet,
                        &subnet_path,
                        format!("subnet `{}` is not in CIDR form", s.escape_debug()),
                    )
                    .with_hint("write network/prefix, e.g. 192.168.0.0/24"),
                );
                None
            }
        },
        _ => {
            out.push(
                Diagnostic::new(
                    Code::IpamInvalidSubnet,
                    &subnet_path,
                    "a host-local range needs a `subnet` string",
                )
                .with_hint("add \"subnet\": \"192.168.0.0/24\""),
            );
            None
        }
    };
    let mut address = |key: &str| -> Option<IpAddr> {
        let v = r.get(key)?;
        let path = join_key(base, key);
        let parsed = v.as_str().and_then(|s| s.parse::<IpAddr>().ok());
        let Some(ip) = parsed else {
            out.push(
                Diagnostic::new(
                    Code::IpamInvalidAddress,
                    path,
                    format!("`{key}` must be an IP address, not {v}"),
                )
                .with_hint("write a plain address such as 192.168.0.10 (no prefix length)"),
            );
            return None;
        };
        if let Some(net) = subnet {
            if !net.contains(&ip) {
                out.push(
                    Diagnostic::new(
                        Code::IpamOutsideSubnet,
                        path,
                        format!("`{key}` {ip} is outside the subnet {net}"),
                    )
                    .with_hint(format!(
                        "use an address inside {net}, or correct the subnet"
                    )),
                );
            }
        }
        Some(ip)
    };
    let start = address("rangeStart");
    let end = address("rangeEnd");
    address("gateway");
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            out.push(
                Diagnostic::new(
                    Code::IpamRangeReversed,
                    join_key(base, "rangeEnd"),
                    format!("the range ends ({e}) before it starts ({s})"),
                )
                .with_hint("swap rangeStart and rangeEnd"),
            );
        } else if s == e && !settings.allow_static_ip {
            out.push(static_not_allowed(
                join_key(base, "rangeStart"),
                "a single-address host-local range pins one static address",
            ));
        }
    }
}

fn check_routes(routes: &Value, base: &str, out: &mut Vec<Diagnostic>) {
    let Value::Array(items) = routes else {
        out.push(
            Diagnostic::new(Code::IpamInvalidRoute, base, "`routes` must be a list")
                .with_hint("write \"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": \"192.168.0.1\"}]"),
        );
        return;
    };
    for (i, route) in items.iter().enumerate() {
        let path = join_index(base, i);
        let dst = route.get("dst").and_then(Value::as_str);
        match dst.map(str::parse::<IpNet>) {
            Some(Ok(_)) => {}
            _ => out.push(
                Diagnostic::new(
                    Code::IpamInvalidRoute,
                    join_key(&path, "dst"),
                    format!(
                        "route destination {} is not in CIDR form",
                        route
                            .get("dst")
                            .map_or("(missing)".to_string(), Value::to_string)
                    ),
                )
                .with_hint("write \"dst\": \"0.0.0.0/0\" for the default route"),
            ),
        }
        if let Some(gw) = route.get("gw") {
            if gw.as_str().is_none_or(|g| g.parse::<IpAddr>().is_err()) {
                out.push(
                    Diagnostic::new(
                        Code::IpamInvalidRoute,
                        join_key(&path, "gw"),
                        format!("route gateway {gw} is not an IP address"),
                    )
                    .with_hint("write \"gw\": \"192.168.0.1\""),
                );
            }
        }
    }
}

pub(crate) fn not_allowed_bridge(path: &str, bridge: &str, settings: &Settings) -> Diagnostic {
    Diagnostic::new(
        Code::BridgeNotAllowed,
        path,
        format!(
            "bridge `{}` is not in the policy's allowedBridges",
            bridge.escape_debug()
        ),
    )
    .with_hint(format!(
        "use one of: {}",
        settings.allowed_bridges.join(", ")
    ))
}

pub(crate) fn static_not_allowed(path: String, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::StaticIpNotAllowed,
        path,
        format!("{what}, and the policy's allowStaticIp is false"),
    )
    .with_hint("take the address by DHCP from the network's DHCP server")
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nad(config: &str) -> Value {
        json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": "n"}, "spec": {"config": config}})
    }

    fn run(config: &str, settings: &Settings) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        check_nad(&nad(config), settings, &mut out);
        out
    }

    fn codes(config: &str) -> Vec<(Code, String)> {
        run(config, &Settings::default())
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    #[track_caller]
    fn one(config: &str, code: Code, path: &str) {
        let ds = run(config, &Settings::default());
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!((ds[0].code, ds[0].path.as_str()), (code, path), "{ds:#?}");
        assert!(ds[0].hint.is_some());
    }

    const L2: &str = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{}}"#;

    #[test]
    fn what_wukong_net_generates_passes() {
        assert!(codes(L2).is_empty());
        let dhcp = r#"{"cniVersion":"0.3.1","name":"vm1-ext-nad","type":"bridge","bridge":"br-ext","ipam":{},"disableContainerInterface":true}"#;
        assert!(codes(dhcp).is_empty(), "{:?}", codes(dhcp));
        let stat = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","ranges":[[{"subnet":"192.168.0.0/24","rangeStart":"192.168.0.200","rangeEnd":"192.168.0.200","gateway":"192.168.0.1"}]],"routes":[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]}}"#;
        assert!(codes(stat).is_empty(), "{:?}", codes(stat));
    }

    #[test]
    fn config_must_be_cni_json() {
        one("{not json", Code::CniConfigInvalid, "spec.config");
        one("[1]", Code::CniConfigInvalid, "spec.config");
        one(
            r#"{"cniVersion":"0.3.1"}"#,
            Code::CniConfigInvalid,
            "spec.config",
        );
        one(
            r#"{"plugins":[]}"#,
            Code::CniConfigInvalid,
            "spec.config.plugins",
        );
        one(
            r#"{"plugins":[{"bridge":"x"}]}"#,
            Code::CniConfigInvalid,
            "spec.config.plugins[0]",
        );
        one(
            r#"{"plugins":{}}"#,
            Code::CniConfigInvalid,
            "spec.config.plugins",
        );
        let mut out = Vec::new();
        check_nad(
            &json!({"spec": {"config": 5}}),
            &Settings::default(),
            &mut out,
        );
        assert_eq!(out[0].code, Code::CniConfigInvalid);
        let mut out = Vec::new();
        check_nad(&json!({"spec": {}}), &Settings::default(), &mut out);
        assert_eq!(
            (out[0].code, out[0].severity),
            (Code::NadConfigAbsent, crate::Severity::Warning)
        );
        // A conflist is checked plugin by plugin.
        let list = r#"{"cniVersion":"0.4.0","plugins":[{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}},{"type":"tuning"}]}"#;
        assert_eq!(
            codes(list),
            vec![(
                Code::DhcpIpam,
                "spec.config.plugins[0].ipam.type".to_string()
            )]
        );
    }

    #[test]
    fn dhcp_ipam() {
        one(
            r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
            Code::DhcpIpam,
            "spec.config.ipam.type",
        );
        let ds = run(
            r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
            &Settings::default(),
        );
        assert!(
            ds[0].message.contains("network's DHCP server"),
            "{}",
            ds[0].message
        );
        let off = Settings {
            forbid_dhcp_ipam: false,
            ..Settings::default()
        };
        assert!(run(
            r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
            &off
        )
        .is_empty());
        // Only bridge: macvlan with the dhcp daemon is a normal setup.
        assert!(codes(r#"{"type":"macvlan","master":"ens192","ipam":{"type":"dhcp"}}"#).is_empty());
    }

    #[test]
    fn ipam_with_disabled_container_interface() {
        let c = r#"{"type":"bridge","bridge":"br-ext","disableContainerInterface":true,"ipam":{"type":"host-local","subnet":"10.0.0.0/24"}}"#;
        one(
            c,
            Code::IpamWithDisabledContainerInterface,
            "spec.config.disableContainerInterface",
        );
        assert!(codes(
            r#"{"type":"bridge","bridge":"br-ext","disableContainerInterface":true,"ipam":{}}"#
        )
        .is_empty());
    }

    #[test]
    fn missing_ipam_warns() {
        one(
            r#"{"type":"bridge","bridge":"br-ext"}"#,
            Code::MissingIpam,
            "spec.config",
        );
        assert_eq!(Code::MissingIpam.severity(), crate::Severity::Warning);
    }

    #[test]
    fn host_local_ranges() {
        let r = |range: &str| {
            format!(
                r#"{{"type":"bridge","bridge":"br-ext","ipam":{{"type":"host-local","ranges":[[{range}]]}}}}"#
            )
        };
        let base = "spec.config.ipam.ranges[0][0]";
        one(
            &r(r#"{"subnet":"10.0.0.0/33"}"#),
            Code::IpamInvalidSubnet,
            &format!("{base}.subnet"),
        );
        one(
            &r(r#"{"rangeStart":"10.0.0.1"}"#),
            Code::IpamInvalidSubnet,
            &format!("{base}.subnet"),
        );
        one(
            &r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.20","rangeEnd":"10.0.0.10"}"#),
            Code::IpamRangeReversed,
            &format!("{base}.rangeEnd"),
        );
        one(
            &r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.1.20"}"#),
            Code::IpamOutsideSubnet,
            &format!("{base}.rangeStart"),
        );
        one(
            &r(r#"{"subnet":"10.0.0.0/24","rangeEnd":"10.0.1.20"}"#),
            Code::IpamOutsideSubnet,
            &format!("{base}.rangeEnd"),
        );
        one(
            &r(r#"{"subnet":"10.0.0.0/24","gateway":"10.9.0.1"}"#),
            Code::IpamOutsideSubnet,
            &format!("{base}.gateway"),
        );
        one(
            &r(r#"{"subnet":"10.0.0.0/24","gateway":"10.0.0.1/24"}"#),
            Code::IpamInvalidAddress,
            &format!("{base}.gateway"),
        );
        assert!(codes(&r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.10","rangeEnd":"10.0.0.20","gateway":"10.0.0.1"}"#)).is_empty());
        // The legacy single range at the top of ipam.
        one(
            r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.30","rangeEnd":"10.0.0.3"}}"#,
            Code::IpamRangeReversed,
            "spec.config.ipam.rangeEnd",
        );
        one(
            r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local"}}"#,
            Code::IpamInvalidSubnet,
            "spec.config.ipam",
        );
    }

    #[test]
    fn routes() {
        let r = |routes: &str| {
            format!(
                r#"{{"type":"bridge","bridge":"br-ext","ipam":{{"type":"host-local","subnet":"10.0.0.0/24","routes":{routes}}}}}"#
            )
        };
        one(
            &r(r#"[{"dst":"0.0.0.0"}]"#),
            Code::IpamInvalidRoute,
            "spec.config.ipam.routes[0].dst",
        );
        one(
            &r(r#"[{"dst":"0.0.0.0/0","gw":"gateway"}]"#),
            Code::IpamInvalidRoute,
            "spec.config.ipam.routes[0].gw",
        );
        one(
            &r(r#"{"dst":"0.0.0.0/0"}"#),
            Code::IpamInvalidRoute,
            "spec.config.ipam.routes",
        );
        assert!(codes(&r(
            r#"[{"dst":"0.0.0.0/0","gw":"10.0.0.1"},{"dst":"::/0"}]"#
        ))
        .is_empty());
    }

    #[test]
    fn bridge_names_and_vlans() {
        one(
            r#"{"type":"bridge","bridge":"br-external-too-long","ipam":{}}"#,
            Code::InvalidInterfaceName,
            "spec.config.bridge",
        );
        one(
            r#"{"type":"bridge","bridge":7,"ipam":{}}"#,
            Code::CniConfigInvalid,
            "spec.config.bridge",
        );
        one(
            r#"{"type":"bridge","bridge":"br-ext","vlan":4095,"ipam":{}}"#,
            Code::VlanOutOfRange,
            "spec.config.vlan",
        );
        one(
            r#"{"type":"bridge","bridge":"br-ext","vlan":"100","ipam":{}}"#,
            Code::CniConfigInvalid,
            "spec.config.vlan",
        );
        one(
            r#"{"type":"bridge","bridge":"br-ext","vlanTrunk":[{"id":5},{"minID":0,"maxID":10}],"ipam":{}}"#,
            Code::VlanOutOfRange,
            "spec.config.vlanTrunk[1].minID",
        );
        assert!(codes(r#"{"type":"bridge","bridge":"br-ext","vlan":0,"ipam":{}}"#).is_empty());
        assert!(codes(r#"{"type":"bridge","bridge":"br-ext","vlan":4094,"ipam":{}}"#).is_empty());
    }

    #[test]
    fn settings_allowed_bridges_and_static() {
        let only = Settings {
            allowed_bridges: vec!["br-ext".into()],
            ..Settings::default()
        };
        assert!(run(L2, &only).is_empty());
        let ds = run(r#"{"type":"bridge","bridge":"br-other","ipam":{}}"#, &only);
        assert_eq!(
            (ds[0].code, ds[0].path.as_str()),
            (Code::BridgeNotAllowed, "spec.config.bridge")
        );
        // No `bridge` key means the plugin's default, cni0.
        let ds = run(r#"{"type":"bridge","ipam":{}}"#, &only);
        assert!(ds[0].message.contains("cni0"), "{}", ds[0].message);

        let no_static = Settings {
            allow_static_ip: false,
            ..Settings::default()
        };
        let single = r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.5","rangeEnd":"10.0.0.5"}}"#;
        assert_eq!(run(single, &no_static)[0].code, Code::StaticIpNotAllowed);
        assert!(run(single, &Settings::default()).is_empty());
        let pool = r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.5","rangeEnd":"10.0.0.50"}}"#;
        assert!(run(pool, &no_static).is_empty());
        assert_eq!(run(r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"static","addresses":[{"address":"10.0.0.5/24"}]}}"#, &no_static)[0].code, Code::StaticIpNotAllowed);
    }
}
