//! The path of each network of a Wukong, from the guest NIC to the physical network, as the
//! seed's diagram draws it: guest NIC (name, MAC) -> bridge port -> node bridge -> physical NIC
//! -> the DHCP server on the physical network, or the static address and gateway. The web
//! previewer draws it; the NIC names and MACs are the core's, so the picture matches the output.

use serde::Serialize;
use tsify::Tsify;
use wukong_net::model::{IpMode, NetworkType, Wukong};
use wukong_net::{names, nic};

/// The networks of one Wukong, in guest NIC order (eth0 first).
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct Topology {
    /// metadata.name of the Wukong.
    pub wukong: String,
    pub networks: Vec<NetworkPath>,
}

/// One network's path.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct NetworkPath {
    /// The network's name in spec.networks.
    pub network: String,
    /// Its index in spec.networks (diagnostic paths use it: `spec.networks[1].ipConfig`).
    pub spec_index: usize,
    /// The guest NIC (eth0, eth1, ...) and its MAC, as the netplan match and KubeVirt use them.
    pub guest_nic: String,
    pub mac: String,
    /// How KubeVirt attaches the NIC: `masquerade` (pod network), `bridge` or `sriov`.
    pub binding: String,
    /// `pod` for the pod network, else the network type (`bridge`, `macvlan`, `sriov`, `ovs`).
    pub kind: String,
    /// The NetworkAttachmentDefinition the NIC uses (generated or named by nadName).
    pub nad: Option<String>,
    /// True when wukong-net makes the NAD and the node bridge's NMState policy.
    pub generated: bool,
    /// The node bridge (bridge and ovs networks).
    pub bridge: Option<String>,
    /// The physical NIC enslaved to the bridge.
    pub physical_interface: Option<String>,
    pub vlan_id: Option<i64>,
    pub mtu: Option<i64>,
    /// `dhcp`, `static`, or null when the network has no ipConfig.
    pub mode: Option<String>,
    pub address: Option<String>,
    pub gateway: Option<String>,
    pub dns_servers: Vec<String>,
}

/// The topology of one loaded Wukong (checked or not: the NIC assignment never fails).
pub fn of(w: &Wukong) -> Topology {
    let owner = w.metadata.name.clone().unwrap_or_default();
    let networks = nic::nics(w)
        .into_iter()
        .map(|n| {
            let net = n.network;
            let pod = net.is_pod_network();
            let kind = if pod {
                "pod"
            } else {
                net.effective_type().as_str()
            };
            let binding = if pod {
                "masquerade"
            } else if net.effective_type() == NetworkType::Sriov {
                "sriov"
            } else {
                "bridge"
            };
            let nad = match net.nad_name.as_deref() {
                _ if pod => None,
                Some(name) if !name.is_empty() => Some(name.to_string()),
                _ => Some(names::nad(&owner, &net.name)),
            };
            let bridged =
                !pod && matches!(net.effective_type(), NetworkType::Bridge | NetworkType::Ovs);
            let ip = net.ip_config.as_ref();
            NetworkPath {
                network: net.name.clone(),
                spec_index: n.spec_index,
                guest_nic: n.guest_name.clone(),
                mac: n.mac.to_string(),
                binding: binding.to_string(),
                kind: kind.to_string(),
                nad,
                generated: net.makes_nad(),
                bridge: bridged.then(|| net.bridge()),
                physical_interface: net.physical_interface.clone().filter(|p| !p.is_empty()),
                vlan_id: net.vlan_id,
                mtu: net.mtu,
                mode: ip.map(|ip| mode_name(ip.mode).to_string()),
                address: ip.and_then(|ip| ip.address.clone()),
                gateway: ip.and_then(|ip| ip.gateway.clone()),
                dns_servers: ip.map(|ip| ip.dns_servers.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Topology {
        wukong: owner,
        networks,
    }
}

fn mode_name(mode: IpMode) -> &'static str {
    match mode {
        IpMode::Dhcp => "dhcp",
        IpMode::Static => "static",
    }
}
