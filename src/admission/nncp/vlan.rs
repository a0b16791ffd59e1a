//! A `vlan` interface's own section: the NIC it sits on and its tag.

use super::fields::{integer, is_template, missing, wrong_type};
use super::Iface;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::VLAN_DEVICE_IDS;
use crate::source::join_key;
use serde_json::Value;

pub(super) fn check_vlan_interface(iface: &Iface, out: &mut Vec<Diagnostic>) {
    let path = join_key(&iface.path, "vlan");
    let hint = "write vlan: {base-iface: eth1, id: 100}";
    let section = match iface.entry.get("vlan") {
        // An existing VLAN changed in its other settings.
        None => return,
        Some(Value::Object(m)) => m,
        Some(other) => {
            out.push(wrong_type(&path, other, "a mapping", hint));
            return;
        }
    };
    match section.get("base-iface") {
        None => out.push(missing(
            &path,
            "a VLAN without base-iface: nmstate refuses it",
            hint,
        )),
        Some(Value::String(_)) => {}
        Some(other) => out.push(wrong_type(
            &join_key(&path, "base-iface"),
            other,
            "a string",
            hint,
        )),
    }
    let id_path = join_key(&path, "id");
    let Some(id) = section.get("id") else {
        out.push(missing(
            &path,
            "a VLAN without id: nmstate refuses it",
            hint,
        ));
        return;
    };
    if is_template(id) {
        return;
    }
    match integer(id) {
        Some(n) if VLAN_DEVICE_IDS.contains(&n) => {}
        Some(n) => out.push(
            Diagnostic::new(
                Code::VlanOutOfRange,
                &id_path,
                format!(
                    "VLAN id {n} is outside {}-{}: the kernel refuses it",
                    VLAN_DEVICE_IDS.start(),
                    VLAN_DEVICE_IDS.end()
                ),
            )
            .with_hint("use the 802.1Q tag of the network (1-4094)"),
        ),
        None => out.push(wrong_type(&id_path, id, "an integer", "write id: 100")),
    }
}
