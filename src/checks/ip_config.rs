//! IP configuration: DHCP leaves addressing to the physical network's DHCP server; static mode
//! must describe a usable host address, a reachable gateway and real DNS servers.

use super::net_path;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{IpMode, Wukong};
use ipnet::IpNet;
use std::collections::HashMap;
use std::net::IpAddr;

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let mut addresses: HashMap<IpAddr, usize> = HashMap::new();
    for (i, net) in w.spec.networks.iter().enumerate() {
        let base = format!("{}.ipConfig", net_path(i));
        let Some(ip) = &net.ip_config else {
            // The pod network needs no ipConfig: it is always DHCP from KubeVirt's masquerade.
            if !net.is_pod_network() {
                out.push(
                    Diagnostic::new(
                        Code::MissingIpConfig,
                        net_path(i),
                        format!("network `{}` has no ipConfig: the guest gets no configuration for this NIC", net.name),
                    )
                    .with_hint("add `ipConfig: {mode: dhcp}` to take an address from the network's DHCP server"),
                );
            }
            continue;
        };
        match ip.mode {
            IpMode::Dhcp => {
                if ip.address.is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::DhcpWithAddress,
                            format!("{base}.address"),
                            "DHCP mode with an address: the network's DHCP server assigns the address",
                        )
                        .with_hint("remove `address`, or set `mode: static` to use it"),
                    );
                }
                if ip.gateway.is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::DhcpWithGateway,
                            format!("{base}.gateway"),
                            "DHCP mode with a gateway: the network's DHCP server supplies the gateway",
                        )
                        .with_hint("remove `gateway`, or set `mode: static` to use it"),
                    );
                }
            }
            IpMode::Static if net.is_pod_network() => out.push(
                Diagnostic::new(
                    Code::PodNetworkStatic,
                    format!("{base}.mode"),
                    "the pod network `default` cannot be static: KubeVirt's masquerade binding hands out its address by DHCP",
                )
                .with_hint("write `mode: dhcp`, or put the static address on a bridge network"),
            ),
            IpMode::Static => {
                let subnet = match ip.address.as_deref() {
                    None | Some("") => {
                        out.push(
                            Diagnostic::new(
                                Code::StaticWithoutAddress,
                                format!("{base}.mode"),
                                format!("network `{}` is static but has no address", net.name),
                            )
                            .with_hint("add `address: 192.168.0.200/24` (address and prefix length)"),
                        );
                        None
                    }
                    Some(a) => check_address(a, &format!("{base}.address"), out),
                };
                if let Some(s) = subnet {
                    if let Some(&first) = addresses.get(&s.addr()) {
                        out.push(
                            Diagnostic::new(
                                Code::DuplicateAddress,
                                format!("{base}.address"),
                                format!("{} is already used by spec.networks[{first}]", s.addr()),
                            )
                            .with_hint("give every NIC its own address"),
                        );
                    } else {
                        addresses.insert(s.addr(), i);
                    }
                }
                if let Some(g) = ip.gateway.as_deref() {
                    check_gateway(g, subnet, &format!("{base}.gateway"), out);
                }
            }
        }
        for (k, dns) in ip.dns_servers.iter().enumerate() {
            if dns.trim().parse::<IpAddr>().is_err() || dns.trim() != dns {
                out.push(
                    Diagnostic::new(
                        Code::DnsServerNotIp,
                        format!("{base}.dnsServers[{k}]"),
                        format!("DNS server `{}` is not an IP address", dns.escape_debug()),
                    )
                    .with_hint("write an IPv4 or IPv6 address such as 192.168.0.1; host names cannot be resolved before DNS works"),
                );
            }
        }
    }
}

/// Checks a static address; returns it when it is a usable CIDR.
fn check_address(a: &str, path: &str, out: &mut Vec<Diagnostic>) -> Option<IpNet> {
    let Ok(net) = a.parse::<IpNet>() else {
        let hint = if a.parse::<IpAddr>().is_ok() {
            format!("add the prefix length: `{a}/24`")
        } else {
            "write address/prefix, e.g. 192.168.0.200/24".to_string()
        };
        out.push(
            Diagnostic::new(
                Code::AddressNotCidr,
                path,
                format!("`{}` is not an address in CIDR form", a.escape_debug()),
            )
            .with_hint(hint),
        );
        return None;
    };
    let host = net.addr();
    // /31, /32 (and /127, /128) have no network or broadcast address (RFC 3021).
    let small = net.max_prefix_len() - net.prefix_len() <= 1;
    if !small && host == net.network() {
        out.push(
            Diagnostic::new(
                Code::AddressNotHost,
                path,
                format!("{host} is the network address of {}", net.trunc()),
            )
            .with_hint("pick a host address inside the subnet, e.g. the .10 of it"),
        );
        return None;
    }
    if !small && matches!(net, IpNet::V4(_)) && host == net.broadcast() {
        out.push(
            Diagnostic::new(
                Code::AddressNotHost,
                path,
                format!("{host} is the broadcast address of {}", net.trunc()),
            )
            .with_hint("pick a host address inside the subnet, below the broadcast address"),
        );
        return None;
    }
    Some(net)
}

fn check_gateway(g: &str, subnet: Option<IpNet>, path: &str, out: &mut Vec<Diagnostic>) {
    let Ok(gw) = g.parse::<IpAddr>() else {
        out.push(
            Diagnostic::new(
                Code::GatewayNotIp,
                path,
                format!("gateway `{}` is not an IP address", g.escape_debug()),
            )
            .with_hint("write the router's address, e.g. 192.168.0.1 (no prefix length)"),
        );
        return;
    };
    let Some(net) = subnet else { return };
    if gw == net.addr() {
        out.push(
            Diagnostic::new(
                Code::GatewayIsAddress,
                path,
                format!("the gateway {gw} is the NIC's own address"),
            )
            .with_hint("the gateway is the router on this subnet, usually its .1"),
        );
    } else if !net.contains(&gw) {
        out.push(
            Diagnostic::new(
                Code::GatewayOutsideSubnet,
                path,
                format!(
                    "the gateway {gw} is outside the subnet {}: the guest cannot reach it",
                    net.trunc()
                ),
            )
            .with_hint(format!(
                "use a gateway inside {}, or widen the address's prefix",
                net.trunc()
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    fn net(ip: &str) -> String {
        with_networks(&format!(
            "  - name: ext\n    physicalInterface: ens192\n    ipConfig:\n{ip}"
        ))
    }

    #[test]
    fn missing_ip_config_warns_except_pod_network() {
        expect(
            &with_networks("  - name: ext\n    physicalInterface: ens192\n"),
            Code::MissingIpConfig,
            "spec.networks[0]",
            11,
        );
        clean_of(&with_networks("  - name: default\n"), Code::MissingIpConfig);
    }

    #[test]
    fn dhcp_rejects_address_and_gateway() {
        let y = net("      mode: dhcp\n      address: 10.0.0.5/24\n      gateway: 10.0.0.1\n");
        expect(
            &y,
            Code::DhcpWithAddress,
            "spec.networks[0].ipConfig.address",
            15,
        );
        expect(
            &y,
            Code::DhcpWithGateway,
            "spec.networks[0].ipConfig.gateway",
            16,
        );
        clean_of(
            &net("      mode: dhcp\n      dnsServers: [1.1.1.1]\n"),
            Code::DhcpWithAddress,
        );
    }

    #[test]
    fn mode_missing_or_invalid() {
        expect(
            &net("      address: 10.0.0.5/24\n"),
            Code::InvalidIpMode,
            "spec.networks[0].ipConfig.mode",
            14,
        );
        expect(
            &net("      mode: dhpc\n"),
            Code::InvalidIpMode,
            "spec.networks[0].ipConfig.mode",
            14,
        );
    }

    #[test]
    fn static_needs_an_address() {
        expect(
            &net("      mode: static\n"),
            Code::StaticWithoutAddress,
            "spec.networks[0].ipConfig.mode",
            14,
        );
    }

    #[test]
    fn static_address_must_be_cidr() {
        expect(
            &net("      mode: static\n      address: 10.0.0.5\n"),
            Code::AddressNotCidr,
            "spec.networks[0].ipConfig.address",
            15,
        );
        expect(
            &net("      mode: static\n      address: 10.0.0.300/24\n"),
            Code::AddressNotCidr,
            "spec.networks[0].ipConfig.address",
            15,
        );
    }

    #[test]
    fn static_address_must_be_a_host() {
        expect(
            &net("      mode: static\n      address: 10.0.0.0/24\n"),
            Code::AddressNotHost,
            "spec.networks[0].ipConfig.address",
            15,
        );
        expect(
            &net("      mode: static\n      address: 10.0.0.255/24\n"),
            Code::AddressNotHost,
            "spec.networks[0].ipConfig.address",
            15,
        );
        clean_of(
            &net("      mode: static\n      address: 10.0.0.0/31\n"),
            Code::AddressNotHost,
        );
        clean_of(
            &net("      mode: static\n      address: 2001:db8::5/64\n"),
            Code::AddressNotHost,
        );
    }

    #[test]
    fn gateway_checks() {
        expect(
            &net("      mode: static\n      address: 10.0.0.5/24\n      gateway: router\n"),
            Code::GatewayNotIp,
            "spec.networks[0].ipConfig.gateway",
            16,
        );
        expect(
            &net("      mode: static\n      address: 10.0.0.5/24\n      gateway: 10.0.1.1\n"),
            Code::GatewayOutsideSubnet,
            "spec.networks[0].ipConfig.gateway",
            16,
        );
        expect(
            &net("      mode: static\n      address: 10.0.0.5/24\n      gateway: 10.0.0.5\n"),
            Code::GatewayIsAddress,
            "spec.networks[0].ipConfig.gateway",
            16,
        );
        clean_of(
            &net("      mode: static\n      address: 10.0.0.5/24\n      gateway: 10.0.0.1\n"),
            Code::GatewayOutsideSubnet,
        );
    }

    #[test]
    fn dns_servers_must_be_ips() {
        expect(
            &net("      mode: dhcp\n      dnsServers: [1.1.1.1, dns.example.com]\n"),
            Code::DnsServerNotIp,
            "spec.networks[0].ipConfig.dnsServers[1]",
            15,
        );
    }

    #[test]
    fn duplicate_static_addresses() {
        let y = with_networks("  - name: a\n    physicalInterface: ens192\n    ipConfig: {mode: static, address: 10.0.0.5/24}\n  - name: b\n    physicalInterface: ens193\n    ipConfig: {mode: static, address: 10.0.0.5/16}\n");
        expect(
            &y,
            Code::DuplicateAddress,
            "spec.networks[1].ipConfig.address",
            16,
        );
    }

    #[test]
    fn pod_network_cannot_be_static() {
        let y = with_networks(
            "  - name: default\n    ipConfig: {mode: static, address: 10.0.2.2/24}\n",
        );
        expect(
            &y,
            Code::PodNetworkStatic,
            "spec.networks[0].ipConfig.mode",
            12,
        );
    }
}
