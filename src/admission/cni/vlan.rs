//! The bridge plugin's `vlan` and `vlanTrunk`.

use crate::diagnostic::{Code, Diagnostic};
use crate::json_type::type_name;
use crate::limits::{CNI_BRIDGE_VLAN_IDS, CNI_TRUNK_VLAN_IDS};
use crate::source::{join_index, join_key};
use serde_json::{Map, Value};

pub(super) fn check_vlans(p: &Map<String, Value>, base: &str, out: &mut Vec<Diagnostic>) {
    let vlan_path = join_key(base, "vlan");
    match p.get("vlan") {
        None => {}
        Some(Value::Number(n)) if n.as_i64().is_some_and(|v| CNI_BRIDGE_VLAN_IDS.contains(&v)) => {}
        Some(Value::Number(n)) => out.push(
            Diagnostic::new(
                Code::VlanOutOfRange,
                &vlan_path,
                format!(
                    "VLAN id {n} is outside {}-{}",
                    CNI_BRIDGE_VLAN_IDS.start(),
                    CNI_BRIDGE_VLAN_IDS.end()
                ),
            )
            .with_hint(
                "use the 802.1Q tag of the network (1-4094), or omit `vlan` for untagged traffic",
            ),
        ),
        Some(other) => out.push(
            Diagnostic::new(
                Code::CniConfigInvalid,
                &vlan_path,
                format!("`vlan` must be an integer, not {}", type_name(other)),
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
            if !v.as_i64().is_some_and(|v| CNI_TRUNK_VLAN_IDS.contains(&v)) {
                out.push(
                    Diagnostic::new(
                        Code::VlanOutOfRange,
                        join_key(&join_index(&trunk_path, i), key),
                        format!(
                            "trunk VLAN id {v} is outside {}-{}",
                            CNI_TRUNK_VLAN_IDS.start(),
                            CNI_TRUNK_VLAN_IDS.end()
                        ),
                    )
                    .with_hint("use 802.1Q tags between 1 and 4094"),
                );
            }
        }
    }
}
