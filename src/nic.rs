//! The guest NICs of a Wukong, in the order KubeVirt attaches them: the pod (or primary)
//! network first, then every other network in spec order. That order gives the guest names
//! eth0, eth1, ... and each NIC a MAC that the KubeVirt interface and the netplan match share.

use crate::mac::MacAddress;
use crate::model::{Network, Wukong};
use crate::names;
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct Nic<'a> {
    pub network: &'a Network,
    /// Index in spec.networks.
    pub spec_index: usize,
    /// eth0, eth1, ...
    pub guest_name: String,
    pub mac: MacAddress,
}

/// The NICs of a (checked) Wukong. Never fails: an unparsable pinned MAC (which the checks
/// report) is replaced by a derived one.
pub fn nics(w: &Wukong) -> Vec<Nic<'_>> {
    let nets = &w.spec.networks;
    let first = nets
        .iter()
        .position(|n| n.is_pod_network() || n.is_primary());
    let order = first
        .into_iter()
        .chain((0..nets.len()).filter(|&i| Some(i) != first));
    let namespace = w.metadata.namespace.as_deref().unwrap_or("default");
    let name = w.metadata.name.as_deref().unwrap_or("");

    let pinned: Vec<Option<MacAddress>> = nets
        .iter()
        .map(|n| {
            n.mac_address
                .as_deref()
                .and_then(|m| MacAddress::parse(m).ok())
        })
        .collect();
    let mut taken: HashSet<MacAddress> = pinned.iter().flatten().copied().collect();

    order
        .enumerate()
        .map(|(slot, i)| {
            let network = &nets[i];
            let mac = pinned[i].unwrap_or_else(|| {
                let mut salt = 0;
                loop {
                    let m = MacAddress::derive(namespace, name, &network.name, salt);
                    if taken.insert(m) {
                        break m;
                    }
                    salt += 1;
                }
            });
            Nic {
                network,
                spec_index: i,
                guest_name: names::guest_nic(slot),
                mac,
            }
        })
        .collect()
}
