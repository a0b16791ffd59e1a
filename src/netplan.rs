//! The guest side: cloud-init network-config (Netplan v2), as KubeVirt hands it to cloud-init
//! through `cloudInitNoCloud.networkData`. Never user-data: cloud-init ignores network config
//! there (defect 1 of the original operator).

use crate::model::IpMode;
use crate::nic::Nic;
use indexmap::IndexMap;
use ipnet::IpNet;
use serde::Serialize;

/// The whole network-config document: `network: {version: 2, ethernets: ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NetworkData {
    pub network: NetworkConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct NetworkConfig {
    pub version: u8,
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, Ethernet>"))]
    pub ethernets: IndexMap<String, Ethernet>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Ethernet {
    #[serde(rename = "match")]
    pub matches: Match,
    #[serde(rename = "set-name")]
    pub set_name: String,
    pub dhcp4: bool,
    pub dhcp6: bool,
    /// DHCP with user DNS servers: keep the lease, ignore the DNS it offers.
    #[serde(rename = "dhcp4-overrides", skip_serializing_if = "Option::is_none")]
    pub dhcp4_overrides: Option<DhcpOverrides>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub addresses: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub routes: Vec<Route>,
    /// The IPv6 default gateway, as `gateway6` rather than a `::/0` route: cloud-init 22.4
    /// (Debian 12) renders `to: ::/0` as a route to `::/64` for networkd, sysconfig and eni
    /// (fixed in 23.1, canonical/cloud-init#1973). `gateway6` renders right in all of them and
    /// in netplan, which only warns that it is deprecated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway6: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nameservers: Option<Nameservers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Match {
    pub macaddress: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DhcpOverrides {
    #[serde(rename = "use-dns")]
    pub use_dns: bool,
}

/// A route. The IPv4 default route is written `0.0.0.0/0`, never `default`, which cloud-init
/// 22.4's own renderers reject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Route {
    pub to: String,
    pub via: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Nameservers {
    pub addresses: Vec<String>,
}

/// Builds the network-config for a checked Wukong's NICs.
pub fn network_data(nics: &[Nic<'_>]) -> NetworkData {
    let mut ethernets = IndexMap::new();
    for nic in nics {
        let net = nic.network;
        // The pod network is DHCP whatever it says: once networkData exists, cloud-init no
        // longer brings eth0 up by itself.
        let (mode, ip) = match &net.ip_config {
            Some(ip) => (ip.mode, Some(ip)),
            None if net.is_pod_network() => (IpMode::Dhcp, None),
            None => continue,
        };
        let dns: Vec<String> = ip.map(|ip| ip.dns_servers.clone()).unwrap_or_default();
        let mut eth = Ethernet {
            matches: Match {
                macaddress: nic.mac.to_string(),
            },
            set_name: nic.guest_name.clone(),
            dhcp4: mode == IpMode::Dhcp,
            dhcp6: false,
            dhcp4_overrides: None,
            addresses: Vec::new(),
            routes: Vec::new(),
            gateway6: None,
            nameservers: (!dns.is_empty()).then(|| Nameservers {
                addresses: dns.clone(),
            }),
            mtu: net.mtu.and_then(|m| u32::try_from(m).ok()),
        };
        match mode {
            IpMode::Dhcp => {
                if !dns.is_empty() {
                    eth.dhcp4_overrides = Some(DhcpOverrides { use_dns: false });
                }
            }
            IpMode::Static => {
                let address = ip
                    .and_then(|ip| ip.address.as_deref())
                    .and_then(|a| a.parse::<IpNet>().ok());
                if let Some(a) = address {
                    eth.addresses.push(a.to_string());
                    if let Some(gw) = ip.and_then(|ip| ip.gateway.clone()) {
                        match a {
                            IpNet::V4(_) => eth.routes.push(Route {
                                to: "0.0.0.0/0".to_string(),
                                via: gw,
                            }),
                            IpNet::V6(_) => eth.gateway6 = Some(gw),
                        }
                    }
                }
            }
        }
        ethernets.insert(nic.guest_name.clone(), eth);
    }
    NetworkData {
        network: NetworkConfig {
            version: 2,
            ethernets,
        },
    }
}
