//! Wukongs: exactly the core's checks (the ones `wukong-net check` runs), plus the limits the
//! policy's settings put on bridges, NICs and static addresses.

use super::rule_helpers::{not_allowed_bridge, static_not_allowed};
use super::settings::Settings;
use crate::checks::check_wukong;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{load, Loaded};
use crate::model::{IpMode, Ipv6Mode, Wukong};
use crate::source::{Document, SpanMap};
use serde_json::Value;

/// Checks a Wukong object (its JSON as the API server sends it).
pub fn check(object: &Value, settings: &Settings, out: &mut Vec<Diagnostic>) {
    // The object is already a tree: load it as a document without text (no locations; shells
    // that have the text locate the paths themselves).
    let doc = Document {
        value: object.clone(),
        spans: SpanMap::default(),
    };
    let mut found = Vec::new();
    if let Loaded::Wukong(w) = load(&doc, &mut found) {
        found.extend(check_wukong(&w));
        policy_limits(&w, settings, &mut found);
    }
    out.extend(found);
}

fn policy_limits(w: &Wukong, settings: &Settings, out: &mut Vec<Diagnostic>) {
    for (i, net) in w.spec.networks.iter().enumerate() {
        let base = format!("spec.networks[{i}]");
        if net.makes_nad() {
            let bridge = net.bridge();
            if !settings.bridge_allowed(&bridge) {
                let path = if net.bridge_name.is_some() {
                    format!("{base}.bridgeName")
                } else {
                    format!("{base}.name")
                };
                out.push(not_allowed_bridge(&path, &bridge, settings));
            }
            if let Some(nic) = net.physical_interface.as_deref().filter(|n| !n.is_empty()) {
                if !settings.physical_interface_allowed(nic) {
                    out.push(
                        Diagnostic::new(
                            Code::PhysicalInterfaceNotAllowed,
                            format!("{base}.physicalInterface"),
                            format!("physical interface `{}` is not in the policy's allowedPhysicalInterfaces", nic.escape_debug()),
                        )
                        .with_hint(format!("use one of: {}", settings.allowed_physical_interfaces.join(", "))),
                    );
                }
            }
        }
        if let Some(ip) = net.ip_config.as_ref().filter(|_| !settings.allow_static_ip) {
            if ip.mode == IpMode::Static {
                out.push(static_not_allowed(
                    format!("{base}.ipConfig.mode"),
                    &format!("network `{}` is static", net.name),
                ));
            }
            if ip
                .ipv6
                .as_ref()
                .is_some_and(|v6| v6.mode == Ipv6Mode::Static)
            {
                out.push(static_not_allowed(
                    format!("{base}.ipConfig.ipv6.mode"),
                    &format!("network `{}` has a static IPv6 address", net.name),
                ));
            }
        }
    }
}
