//! The node side, per network: a Multus NetworkAttachmentDefinition whose `spec.config` is a
//! CNI `bridge` plugin config. DHCP mode is L2 only (`"ipam": {}`): the guest's own DHCP client
//! talks to the physical network's DHCP server through the bridge. Static mode pins the address
//! with host-local IPAM, without `disableContainerInterface` (the plugin refuses the two together).

use crate::k8s::Metadata;
use crate::model::{IpMode, Ipv6Mode, Network, Wukong};
use crate::names;
use ipnet::IpNet;
use serde::Serialize;

/// The CNI version written into configs: 0.4.0, the first that allows CHECK (a runtime refuses
/// to CHECK a 0.3.1 config, and so does the plugin), understood by every bridge plugin and
/// Multus release since 2019.
pub const CNI_VERSION: &str = "0.4.0";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NadConfig {
    pub cni_version: String,
    pub name: String,
    #[serde(rename = "type")]
    pub plugin: String,
    pub bridge: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    pub ipam: Ipam,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_container_interface: Option<bool>,
}

/// IPAM: empty (L2 only) or host-local.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum Ipam {
    L2Only {},
    HostLocal(HostLocal),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct HostLocal {
    #[serde(rename = "type")]
    pub plugin: String,
    pub ranges: Vec<Vec<IpRange>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub routes: Vec<CniRoute>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct IpRange {
    pub subnet: String,
    pub range_start: String,
    pub range_end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct CniRoute {
    pub dst: String,
    pub gw: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NetworkAttachmentDefinition {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    pub spec: NadSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NadSpec {
    /// The CNI config as a JSON string, as Multus wants it.
    pub config: String,
}

/// The static addresses of a network, IPv4 first, each with its gateway: the top-level
/// `address` (IPv4, or the legacy IPv6 form) and `ipv6.address` when IPv6 is static.
/// DHCP, SLAAC and disabled families have none: the guest's own clients use the L2 path.
pub fn static_addresses(net: &Network) -> Vec<(IpNet, Option<String>)> {
    let Some(ip) = net.ip_config.as_ref() else {
        return Vec::new();
    };
    let top = (ip.mode == IpMode::Static)
        .then(|| parse(ip.address.as_deref()).map(|a| (a, ip.gateway.clone())))
        .flatten();
    let v6 = ip
        .ipv6
        .as_ref()
        .filter(|v6| v6.mode == Ipv6Mode::Static)
        .and_then(|v6| parse(v6.address.as_deref()).map(|a| (a, v6.gateway.clone())));
    let mut out: Vec<(IpNet, Option<String>)> = top.into_iter().chain(v6).collect();
    // IPv4 first, as the design's dual-stack form; a stable sort keeps one family's order.
    out.sort_by_key(|(a, _)| matches!(a, IpNet::V6(_)));
    out
}

fn parse(address: Option<&str>) -> Option<IpNet> {
    address?.parse::<IpNet>().ok()
}

/// The CNI config of a network wukong-net makes a NAD for: one host-local range set per static
/// family (the bridge plugin 1.1.1 was run with both, and gave the pod exactly the pinned
/// addresses and both default routes), else L2 only.
pub fn nad_config(nad_name: &str, net: &Network) -> NadConfig {
    let fixed = static_addresses(net);
    let ipam = if fixed.is_empty() {
        Ipam::L2Only {}
    } else {
        let mut ranges = Vec::new();
        let mut routes = Vec::new();
        for (addr, gateway) in fixed {
            let gateway = gateway.or_else(|| host_local_default_gateway_clash(addr));
            let default = match addr {
                IpNet::V4(_) => "0.0.0.0/0",
                IpNet::V6(_) => "::/0",
            };
            ranges.push(vec![IpRange {
                subnet: addr.trunc().to_string(),
                range_start: addr.addr().to_string(),
                range_end: addr.addr().to_string(),
                gateway: gateway.clone(),
            }]);
            routes.extend(gateway.map(|gw| CniRoute {
                dst: default.to_string(),
                gw,
            }));
        }
        Ipam::HostLocal(HostLocal {
            plugin: "host-local".to_string(),
            ranges,
            routes,
        })
    };
    let l2 = matches!(ipam, Ipam::L2Only {});
    NadConfig {
        cni_version: CNI_VERSION.to_string(),
        name: nad_name.to_string(),
        plugin: "bridge".to_string(),
        bridge: net.bridge(),
        vlan: net.vlan_id.and_then(|v| u16::try_from(v).ok()),
        mtu: net.mtu.and_then(|m| u32::try_from(m).ok()),
        ipam,
        // No IP in the pod's namespace for L2-only: nothing there to configure.
        disable_container_interface: l2.then_some(true),
    }
}

/// host-local takes the subnet's first host as the gateway when none is given, and never hands
/// its gateway out: a static address that is that first host would get "no IP addresses
/// available" (found by the property tests). Naming the network address as the gateway, which
/// is never a usable host in the range either, leaves the address allocatable. `None` when
/// there is no clash.
fn host_local_default_gateway_clash(addr: IpNet) -> Option<String> {
    let first_host = match addr.network() {
        std::net::IpAddr::V4(n) => {
            std::net::IpAddr::from(u32::from(n).checked_add(1)?.to_be_bytes())
        }
        std::net::IpAddr::V6(n) => {
            std::net::IpAddr::from(u128::from(n).checked_add(1)?.to_be_bytes())
        }
    };
    (first_host == addr.addr()).then(|| addr.network().to_string())
}

/// The NADs of a checked Wukong: one per network without `nadName` that wukong-net can build.
pub fn nads(w: &Wukong) -> Vec<NetworkAttachmentDefinition> {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    w.spec
        .networks
        .iter()
        .filter(|n| n.makes_nad())
        .map(|net| {
            let name = names::nad(owner, &net.name);
            let config = nad_config(&name, net);
            NetworkAttachmentDefinition {
                api_version: "k8s.cni.cncf.io/v1".to_string(),
                kind: "NetworkAttachmentDefinition".to_string(),
                metadata: Metadata::owned_by(w, name),
                // Serializing plain structs of strings and numbers cannot fail.
                spec: NadSpec {
                    config: serde_json::to_string(&config).unwrap_or_default(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::host_local_default_gateway_clash as clash;

    #[test]
    fn names_a_gateway_only_when_the_address_is_host_locals_default_gateway() {
        assert_eq!(
            clash("10.1.31.17/30".parse().unwrap()),
            Some("10.1.31.16".to_string())
        );
        assert_eq!(
            clash("192.168.0.1/24".parse().unwrap()),
            Some("192.168.0.0".to_string())
        );
        assert_eq!(
            clash("2001:db8::1/64".parse().unwrap()),
            Some("2001:db8::".to_string())
        );
        assert_eq!(clash("192.168.0.200/24".parse().unwrap()), None);
        assert_eq!(clash("10.0.0.5/32".parse().unwrap()), None);
        assert_eq!(clash("10.0.0.4/31".parse().unwrap()), None);
    }
}
