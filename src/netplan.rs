//! The guest side: cloud-init network-config (Netplan v2), as KubeVirt hands it to cloud-init
//! through `cloudInitNoCloud.networkData`. Never user-data: cloud-init ignores network config
//! there (defect 1 of the original operator).

use crate::model::{IpMode, Ipv6Config, Ipv6Mode};
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
    /// Router advertisements: written only for a network with an `ipv6` block, so a spec
    /// without one renders as before (the guest's default then applies).
    #[serde(rename = "accept-ra", skip_serializing_if = "Option::is_none")]
    pub accept_ra: Option<bool>,
    /// DHCP with user DNS servers: keep the lease, ignore the DNS it offers.
    #[serde(rename = "dhcp4-overrides", skip_serializing_if = "Option::is_none")]
    pub dhcp4_overrides: Option<DhcpOverrides>,
    /// The same for DHCPv6. With both DHCPs on, netplan's networkd backend requires the two
    /// overrides to be equal (`netplan generate` fails otherwise), so they are always written
    /// together.
    #[serde(rename = "dhcp6-overrides", skip_serializing_if = "Option::is_none")]
    pub dhcp6_overrides: Option<DhcpOverrides>,
    /// Temporary privacy addresses; netplan only (cloud-init 22.4's networkd, sysconfig and
    /// eni renderers ignore it).
    #[serde(rename = "ipv6-privacy", skip_serializing_if = "Option::is_none")]
    pub ipv6_privacy: Option<bool>,
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
            accept_ra: None,
            dhcp4_overrides: None,
            dhcp6_overrides: None,
            ipv6_privacy: None,
            addresses: Vec::new(),
            routes: Vec::new(),
            gateway6: None,
            nameservers: (!dns.is_empty()).then(|| Nameservers {
                addresses: dns.clone(),
            }),
            mtu: net.mtu.and_then(|m| u32::try_from(m).ok()),
        };
        match mode {
            IpMode::Dhcp | IpMode::Disabled => {}
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
                            // The legacy form: an IPv6 address in the top-level field.
                            IpNet::V6(_) => eth.gateway6 = Some(gw),
                        }
                    }
                }
            }
        }
        if let Some(v6) = ip.and_then(|ip| ip.ipv6.as_ref()) {
            apply_ipv6(&mut eth, v6);
        }
        if !dns.is_empty() {
            // Keep the leases, ignore the DNS servers they offer.
            let off = || Some(DhcpOverrides { use_dns: false });
            if eth.dhcp4 {
                eth.dhcp4_overrides = off();
            }
            if eth.dhcp6 {
                eth.dhcp6_overrides = off();
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

/// The `ipv6` block's keys (docs/dhcp-path.md, "IPv6"). `accept-ra` is always written, so the
/// guest's default never decides: DHCPv6 needs the RA for its route (the lease is a /128), a
/// static address wants no extra SLAAC address or RA route, and `disabled` means no RAs.
fn apply_ipv6(eth: &mut Ethernet, v6: &Ipv6Config) {
    match v6.mode {
        Ipv6Mode::Slaac => eth.accept_ra = Some(true),
        Ipv6Mode::Dhcp => {
            eth.dhcp6 = true;
            eth.accept_ra = Some(true);
        }
        Ipv6Mode::Static => {
            eth.accept_ra = Some(false);
            if let Some(a) = v6.address.as_deref().and_then(|a| a.parse::<IpNet>().ok()) {
                eth.addresses.push(a.to_string());
                // gateway6, never a `::/0` route: see `Ethernet::gateway6`.
                eth.gateway6 = v6.gateway.clone();
            }
        }
        Ipv6Mode::Disabled => eth.accept_ra = Some(false),
    }
    if matches!(v6.mode, Ipv6Mode::Slaac | Ipv6Mode::Dhcp) && v6.privacy == Some(true) {
        eth.ipv6_privacy = Some(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Wukong;
    use serde_json::{json, Value};

    /// The eth1 entry generated for one bridge network with `ip` as its ipConfig, as JSON.
    fn eth1(ip: Value) -> Value {
        let w: Wukong = serde_json::from_value(json!({
            "metadata": {"name": "t", "namespace": "lab"},
            "spec": {"networks": [
                {"name": "default"},
                {"name": "ext", "physicalInterface": "ens192", "ipConfig": ip},
            ]},
        }))
        .unwrap();
        let nd = network_data(&crate::nic::nics(&w));
        let mut v = serde_json::to_value(&nd.network.ethernets["eth1"]).unwrap();
        let m = v.as_object_mut().unwrap();
        for k in ["match", "set-name"] {
            assert!(m.remove(k).is_some());
        }
        v
    }

    const DNS: [&str; 2] = ["192.168.0.53", "2001:db8::53"];

    fn off() -> Value {
        json!({"use-dns": false})
    }

    // One test per row of docs/dhcp-path.md's table (design-14 §4): ipConfig.mode × ipv6.mode.

    #[test]
    fn dhcp_without_ipv6_block_is_unchanged() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "dnsServers": DNS})),
            json!({"dhcp4": true, "dhcp6": false, "dhcp4-overrides": off(),
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn static_without_ipv6_block_is_unchanged_v4_and_legacy_v6() {
        assert_eq!(
            eth1(
                json!({"mode": "static", "address": "192.168.0.200/24", "gateway": "192.168.0.1"})
            ),
            json!({"dhcp4": false, "dhcp6": false, "addresses": ["192.168.0.200/24"],
                   "routes": [{"to": "0.0.0.0/0", "via": "192.168.0.1"}]})
        );
        assert_eq!(
            eth1(
                json!({"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"})
            ),
            json!({"dhcp4": false, "dhcp6": false, "addresses": ["2001:db8::200/64"],
                   "gateway6": "2001:db8::1"})
        );
    }

    #[test]
    fn dhcp_slaac() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "dnsServers": DNS, "ipv6": {"mode": "slaac"}})),
            json!({"dhcp4": true, "dhcp6": false, "accept-ra": true, "dhcp4-overrides": off(),
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn dhcp_dhcp_writes_both_overrides_equal() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "dnsServers": DNS, "ipv6": {"mode": "dhcp"}})),
            json!({"dhcp4": true, "dhcp6": true, "accept-ra": true, "dhcp4-overrides": off(),
                   "dhcp6-overrides": off(), "nameservers": {"addresses": DNS}})
        );
        // Without dnsServers, no overrides at all.
        assert_eq!(
            eth1(json!({"mode": "dhcp", "ipv6": {"mode": "dhcp"}})),
            json!({"dhcp4": true, "dhcp6": true, "accept-ra": true})
        );
    }

    #[test]
    fn dhcp_static() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "dnsServers": DNS,
                        "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"}})),
            json!({"dhcp4": true, "dhcp6": false, "accept-ra": false, "dhcp4-overrides": off(),
                   "addresses": ["2001:db8::200/64"], "gateway6": "2001:db8::1",
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn dhcp_disabled() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "ipv6": {"mode": "disabled"}})),
            json!({"dhcp4": true, "dhcp6": false, "accept-ra": false})
        );
    }

    fn v4_static(v6: Value) -> Value {
        json!({"mode": "static", "address": "192.168.0.200/24", "gateway": "192.168.0.1",
               "dnsServers": DNS, "ipv6": v6})
    }

    fn v4_route() -> Value {
        json!([{"to": "0.0.0.0/0", "via": "192.168.0.1"}])
    }

    #[test]
    fn static_slaac() {
        assert_eq!(
            eth1(v4_static(json!({"mode": "slaac"}))),
            json!({"dhcp4": false, "dhcp6": false, "accept-ra": true,
                   "addresses": ["192.168.0.200/24"], "routes": v4_route(),
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn static_dhcp_writes_only_the_dhcp6_override() {
        assert_eq!(
            eth1(v4_static(json!({"mode": "dhcp"}))),
            json!({"dhcp4": false, "dhcp6": true, "accept-ra": true, "dhcp6-overrides": off(),
                   "addresses": ["192.168.0.200/24"], "routes": v4_route(),
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn static_static_uses_gateway6_never_a_default_route() {
        assert_eq!(
            eth1(v4_static(
                json!({"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"})
            )),
            json!({"dhcp4": false, "dhcp6": false, "accept-ra": false,
                   "addresses": ["192.168.0.200/24", "2001:db8::200/64"], "routes": v4_route(),
                   "gateway6": "2001:db8::1", "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn static_disabled() {
        assert_eq!(
            eth1(v4_static(json!({"mode": "disabled"}))),
            json!({"dhcp4": false, "dhcp6": false, "accept-ra": false,
                   "addresses": ["192.168.0.200/24"], "routes": v4_route(),
                   "nameservers": {"addresses": DNS}})
        );
    }

    #[test]
    fn disabled_slaac() {
        assert_eq!(
            eth1(json!({"mode": "disabled", "ipv6": {"mode": "slaac"}})),
            json!({"dhcp4": false, "dhcp6": false, "accept-ra": true})
        );
    }

    #[test]
    fn disabled_dhcp() {
        assert_eq!(
            eth1(
                json!({"mode": "disabled", "dnsServers": ["2001:db8::53"], "ipv6": {"mode": "dhcp"}})
            ),
            json!({"dhcp4": false, "dhcp6": true, "accept-ra": true, "dhcp6-overrides": off(),
                   "nameservers": {"addresses": ["2001:db8::53"]}})
        );
    }

    #[test]
    fn disabled_static_with_a_link_local_gateway() {
        assert_eq!(
            eth1(
                json!({"mode": "disabled", "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "fe80::1"}})
            ),
            json!({"dhcp4": false, "dhcp6": false, "accept-ra": false,
                   "addresses": ["2001:db8::200/64"], "gateway6": "fe80::1"})
        );
    }

    #[test]
    fn privacy_is_written_for_slaac_and_dhcp_only() {
        assert_eq!(
            eth1(json!({"mode": "dhcp", "ipv6": {"mode": "slaac", "privacy": true}}))
                ["ipv6-privacy"],
            json!(true)
        );
        assert_eq!(
            eth1(json!({"mode": "dhcp", "ipv6": {"mode": "dhcp", "privacy": true}}))
                ["ipv6-privacy"],
            json!(true)
        );
        let v = eth1(json!({"mode": "dhcp", "ipv6": {"mode": "disabled", "privacy": true}}));
        assert!(v.get("ipv6-privacy").is_none(), "{v}");
        let v = eth1(json!({"mode": "dhcp", "ipv6": {"mode": "slaac", "privacy": false}}));
        assert!(v.get("ipv6-privacy").is_none(), "{v}");
    }
}
