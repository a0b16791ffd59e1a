//! The node bridge: an NMState NodeNetworkConfigurationPolicy per operator-made bridge, as the
//! original operator writes it: a Linux bridge with STP off, the physical NIC as its port (VLAN
//! filtering with the network's tag as a trunk when it has one, untagged traffic still native on
//! VLAN 1), DHCP on the bridge for the node's own address, none on the port.

use crate::k8s::Metadata;
use crate::model::Wukong;
use crate::names;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NodeNetworkConfigurationPolicy {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    pub spec: NncpSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NncpSpec {
    pub desired_state: DesiredState,
}

/// What `nmstatectl apply` takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DesiredState {
    pub interfaces: Vec<NmInterface>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmInterface {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    pub ipv4: NmIpv4,
    /// Written only for networks with an `ipv6` block, so older specs render as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<NmIpv6>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bridge: Option<NmBridge>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmIpv4 {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp: Option<bool>,
}

/// nmstate's `ipv6` of an interface. The generator writes only `enabled: false`: the node
/// needs no IPv6 of its own on the bridge or its port for guests' RAs and DHCPv6 to cross the
/// bridge (run with `disable_ipv6=1` on both), and the CNI bridge plugin sets the bridge's
/// `accept_ra` to 0 at every ADD anyway, so RA autoconf on the bridge would not last.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmIpv6 {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoconf: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmBridge {
    pub options: NmBridgeOptions,
    pub port: Vec<NmBridgePort>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmBridgeOptions {
    pub stp: NmStp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmStp {
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmBridgePort {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<NmPortVlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmPortVlan {
    pub mode: String,
    /// Untagged traffic keeps flowing on VLAN 1, so the node's own address (DHCP on the bridge)
    /// survives turning VLAN filtering on.
    #[serde(rename = "enable-native", skip_serializing_if = "Option::is_none")]
    pub enable_native: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<u16>,
    #[serde(rename = "trunk-tags")]
    pub trunk_tags: Vec<NmTrunkTag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NmTrunkTag {
    pub id: u16,
}

/// One policy per network that gets an operator-made bridge.
pub fn policies(w: &Wukong) -> Vec<NodeNetworkConfigurationPolicy> {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    w.spec
        .networks
        .iter()
        .filter(|n| n.makes_nad())
        .filter_map(|net| {
            let nic = net.physical_interface.clone().filter(|p| !p.is_empty())?;
            let mtu = net.mtu.and_then(|m| u32::try_from(m).ok());
            let vlan = net.vlan_id.and_then(|v| u16::try_from(v).ok()).map(|id| {
                // VLAN 1 is the bridge's default untagged VLAN; tagging it too would clash.
                let native = id != 1;
                NmPortVlan {
                    mode: "trunk".to_string(),
                    enable_native: native.then_some(true),
                    tag: native.then_some(1),
                    trunk_tags: vec![NmTrunkTag { id }],
                }
            });
            let v6_aware = net.ip_config.as_ref().is_some_and(|ip| ip.ipv6.is_some());
            let ipv6 = || {
                v6_aware.then_some(NmIpv6 {
                    enabled: false,
                    dhcp: None,
                    autoconf: None,
                })
            };
            let bridge = NmInterface {
                name: net.bridge(),
                kind: "linux-bridge".to_string(),
                state: "up".to_string(),
                mtu,
                ipv4: NmIpv4 {
                    enabled: true,
                    dhcp: Some(true),
                },
                ipv6: ipv6(),
                bridge: Some(NmBridge {
                    options: NmBridgeOptions {
                        stp: NmStp { enabled: false },
                    },
                    port: vec![NmBridgePort {
                        name: nic.clone(),
                        vlan,
                    }],
                }),
            };
            let port = NmInterface {
                name: nic,
                kind: "ethernet".to_string(),
                state: "up".to_string(),
                mtu,
                ipv4: NmIpv4 {
                    enabled: false,
                    dhcp: None,
                },
                ipv6: ipv6(),
                bridge: None,
            };
            Some(NodeNetworkConfigurationPolicy {
                api_version: "nmstate.io/v1".to_string(),
                kind: "NodeNetworkConfigurationPolicy".to_string(),
                metadata: Metadata::cluster_scoped(names::nncp(owner, &net.name)),
                spec: NncpSpec {
                    desired_state: DesiredState {
                        interfaces: vec![bridge, port],
                    },
                },
            })
        })
        .collect()
}
