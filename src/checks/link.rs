//! Link layer: VLAN ids, MTUs and MACs.

use super::net_path;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MTUS, WUKONG_VLAN_IDS};
use crate::mac::{MacAddress, MacError};
use crate::model::Wukong;
use std::collections::HashMap;

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let mut macs: HashMap<MacAddress, usize> = HashMap::new();
    for (i, net) in w.spec.networks.iter().enumerate() {
        let base = net_path(i);
        if let Some(v) = net.vlan_id {
            let ids = WUKONG_VLAN_IDS;
            if !ids.contains(&v) {
                let (min, max) = (ids.start(), ids.end());
                out.push(
                    Diagnostic::new(Code::VlanOutOfRange, format!("{base}.vlanId"), format!("VLAN id {v} is outside {min}-{max}"))
                        .with_hint(format!("use the 802.1Q tag of the network, between {min} and {max}; omit vlanId for untagged traffic")),
                );
            }
        }
        if let Some(m) = net.mtu {
            if !MTUS.contains(&m) {
                out.push(
                    Diagnostic::new(
                        Code::MtuOutOfRange,
                        format!("{base}.mtu"),
                        format!("MTU {m} is outside {}-{}", MTUS.start(), MTUS.end()),
                    )
                    .with_hint(
                        "use the physical network's MTU, usually 1500 (or 9000 for jumbo frames)",
                    ),
                );
            }
        }
        let Some(text) = net.mac_address.as_deref() else {
            continue;
        };
        let path = format!("{base}.macAddress");
        match MacAddress::parse(text) {
            Ok(mac) => {
                if let Some(&first) = macs.get(&mac) {
                    out.push(
                        Diagnostic::new(
                            Code::DuplicateMac,
                            path,
                            format!("MAC {mac} is already pinned by spec.networks[{first}]"),
                        )
                        .with_hint(
                            "every NIC needs its own MAC; remove macAddress to get a derived one",
                        ),
                    );
                } else {
                    macs.insert(mac, i);
                }
            }
            Err(MacError::Malformed) => out.push(
                Diagnostic::new(
                    Code::InvalidMac,
                    path,
                    format!("`{}` is not a MAC address", text.escape_debug()),
                )
                .with_hint(
                    "write six hex pairs separated by colons, e.g. \"02:00:00:00:00:01\" (quoted)",
                ),
            ),
            Err(e) => {
                let what = if e == MacError::Multicast {
                    "a multicast"
                } else {
                    "the all-zero"
                };
                out.push(
                    Diagnostic::new(Code::UnusableMac, path, format!("{text} is {what} MAC; no NIC can use it"))
                        .with_hint("use a unicast MAC: the lowest bit of the first byte must be 0, e.g. 02:..."),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    fn net(extra: &str) -> String {
        with_networks(&format!(
            "  - name: ext\n    physicalInterface: ens192\n    ipConfig: {{mode: dhcp}}\n{extra}"
        ))
    }

    #[test]
    fn vlan_range() {
        expect(
            &net("    vlanId: 4095\n"),
            Code::VlanOutOfRange,
            "spec.networks[0].vlanId",
            14,
        );
        expect(
            &net("    vlanId: 0\n"),
            Code::VlanOutOfRange,
            "spec.networks[0].vlanId",
            14,
        );
        clean_of(&net("    vlanId: 4094\n"), Code::VlanOutOfRange);
        clean_of(&net("    vlanId: 1\n"), Code::VlanOutOfRange);
    }

    #[test]
    fn mtu_range() {
        expect(
            &net("    mtu: 67\n"),
            Code::MtuOutOfRange,
            "spec.networks[0].mtu",
            14,
        );
        expect(
            &net("    mtu: 65536\n"),
            Code::MtuOutOfRange,
            "spec.networks[0].mtu",
            14,
        );
        clean_of(&net("    mtu: 68\n"), Code::MtuOutOfRange);
        clean_of(&net("    mtu: 9000\n"), Code::MtuOutOfRange);
    }

    #[test]
    fn mac_checks() {
        expect(
            &net("    macAddress: 02-00-00-00-00-01\n"),
            Code::InvalidMac,
            "spec.networks[0].macAddress",
            14,
        );
        expect(
            &net("    macAddress: \"01:00:5e:00:00:01\"\n"),
            Code::UnusableMac,
            "spec.networks[0].macAddress",
            14,
        );
        expect(
            &net("    macAddress: \"00:00:00:00:00:00\"\n"),
            Code::UnusableMac,
            "spec.networks[0].macAddress",
            14,
        );
        let two = with_networks("  - name: a\n    nadName: x\n    ipConfig: {mode: dhcp}\n    macAddress: \"02:00:00:00:00:01\"\n  - name: b\n    nadName: y\n    ipConfig: {mode: dhcp}\n    macAddress: \"02:00:00:00:00:01\"\n");
        expect(&two, Code::DuplicateMac, "spec.networks[1].macAddress", 18);
    }

    #[test]
    fn wrong_types_are_located() {
        expect(
            &net("    vlanId: \"100\"\n"),
            Code::WrongType,
            "spec.networks[0].vlanId",
            14,
        );
    }
}
