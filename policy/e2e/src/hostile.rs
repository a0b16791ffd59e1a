//! Hostile admission requests of up to 16 KB, each within the documented limits and each built
//! to cost the most per byte: the glob bomb that once pinned a policy-server worker (a
//! networkData `match: {name: "****...x"}`), alias-heavy and deeply nested networkData, many
//! interfaces, and garbage. Used by the policy-server tests and the load benchmark.

use serde_json::{json, Value};

/// The largest hostile request, in bytes of JSON.
pub const MAX_BYTES: usize = 16 * 1024;

/// vm-good.json with its networkData replaced.
pub fn vm_with_network_data(network_data: &str) -> Value {
    let mut request = crate::fixture("vm-good.json").unwrap_or(Value::Null);
    if let Some(volumes) = request
        .pointer_mut("/object/spec/template/spec/volumes")
        .and_then(Value::as_array_mut)
    {
        for v in volumes {
            if let Some(ci) = v.get_mut("cloudInitNoCloud") {
                ci["networkData"] = json!(network_data);
            }
        }
    }
    request
}

fn fill(prefix: &str, unit: &str, suffix: &str) -> String {
    // Leave room for the rest of the 3 KB request around the networkData.
    let budget = MAX_BYTES - 4 * 1024;
    let n = (budget - prefix.len() - suffix.len()) / unit.len();
    format!("{prefix}{}{suffix}", unit.repeat(n))
}

/// The hostile mix: `(name, AdmissionRequest)`.
pub fn requests() -> Vec<(&'static str, Value)> {
    let glob = |stars: usize| {
        format!(
            "network:\n  version: 2\n  ethernets:\n    eth1:\n      match:\n        name: \"{}x\"\n      dhcp4: true\n",
            "*".repeat(stars)
        )
    };
    let star_a = fill(
        "network:\n  version: 2\n  ethernets:\n    eth1:\n      match:\n        name: \"",
        "*a",
        "b\"\n      dhcp4: true\n",
    );
    let aliases = {
        let mut t = String::from("network:\n  version: 2\n  x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8]\n");
        for i in 1..12 {
            let prev = i - 1;
            t.push_str(&format!(
                "  x{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        t
    };
    let deep = format!(
        "network:\n  version: 2\n  ethernets: {}{}\n",
        "[".repeat(60),
        "]".repeat(60)
    );
    let many = {
        let mut t = String::from("network:\n  version: 2\n  ethernets:\n");
        let mut i = 0;
        while t.len() < MAX_BYTES - 4 * 1024 - 64 {
            t.push_str(&format!(
                "    e{i:04}:\n      match: {{name: \"e*[0-9]*?*\"}}\n      dhcp4: true\n"
            ));
            i += 1;
        }
        t
    };
    let mut out = vec![
        ("glob bomb, 80 stars", vm_with_network_data(&glob(80))),
        (
            "glob bomb, as long as fits",
            vm_with_network_data(&glob(MAX_BYTES - 4 * 1024)),
        ),
        ("glob *a*a*a...b", vm_with_network_data(&star_a)),
        ("alias fan-out", vm_with_network_data(&aliases)),
        ("deep nesting", vm_with_network_data(&deep)),
        ("many globbed interfaces", vm_with_network_data(&many)),
        (
            "garbage networkData",
            vm_with_network_data(&"\u{1}\t:- [{&*!|>%@`".repeat(700)),
        ),
    ];
    // Garbage where the object should be, in an otherwise well-formed request (policy-server
    // itself refuses a request missing its required fields, before any policy runs).
    let mut garbage = crate::fixture("vm-good.json").unwrap_or(Value::Null);
    garbage["object"] = json!("]]]".repeat(4000));
    out.push(("garbage object", garbage));
    out
}
