//! IP configuration: DHCP leaves addressing to the physical network's DHCP server; static mode
//! must describe a usable host address, a reachable gateway and real DNS servers.

use super::net_path;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{IpConfig, IpMode, Ipv6Config, Ipv6Mode, Wukong};
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
            IpMode::Dhcp => dhcp_with_static_fields(
                &base,
                ip.address.is_some(),
                ip.gateway.is_some(),
                ["DHCP mode with an address: the network's DHCP server assigns the address", "DHCP mode with a gateway: the network's DHCP server supplies the gateway"],
                out,
            ),
            IpMode::Disabled => {
                for (key, value) in [("address", &ip.address), ("gateway", &ip.gateway)] {
                    if value.is_some() {
                        out.push(
                            Diagnostic::new(
                                Code::DisabledWithAddress,
                                format!("{base}.{key}"),
                                format!("IPv4 is disabled on this NIC, yet it has an IPv4 {key}"),
                            )
                            .with_hint(format!("remove `{key}`, or set `mode: static` to use it")),
                        );
                    }
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
                    if matches!(s, IpNet::V6(_)) && ip.ipv6.is_some() {
                        out.push(
                            Diagnostic::new(
                                Code::Ipv6GivenTwice,
                                format!("{base}.address"),
                                format!("{s} is IPv6, and this NIC also has an `ipv6` block: IPv6 is given twice"),
                            )
                            .with_hint(format!("move it into `ipv6: {{mode: static, address: {s}}}`, and give `address` an IPv4 address or set `mode: disabled`")),
                        );
                    }
                    note_address(&mut addresses, s, i, &format!("{base}.address"), out);
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
        match &ip.ipv6 {
            Some(v6) => check_ipv6(ip, v6, &base, i, &mut addresses, out),
            None if ip.mode == IpMode::Disabled => out.push(no_address_family(&base, "mode")),
            None => {}
        }
        dns_families(ip, &base, out);
    }
}

/// A static address must be unique across the Wukong's networks.
fn note_address(
    addresses: &mut HashMap<IpAddr, usize>,
    s: IpNet,
    i: usize,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(&first) = addresses.get(&s.addr()) {
        out.push(
            Diagnostic::new(
                Code::DuplicateAddress,
                path,
                format!("{} is already used by spec.networks[{first}]", s.addr()),
            )
            .with_hint("give every NIC its own address"),
        );
    } else {
        addresses.insert(s.addr(), i);
    }
}

fn no_address_family(base: &str, key: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NoAddressFamily,
        format!("{base}.{key}"),
        "IPv4 and IPv6 are both disabled: the NIC would have no IP configuration",
    )
    .with_hint("enable a family (`mode: dhcp`, or `ipv6: {mode: slaac}`), or remove the network's ipConfig")
}

/// The `ipv6` block (docs/dhcp-path.md, "IPv6"): only static takes an address and gateway;
/// the gateway may be link-local, which every renderer writes as an on-link `gateway6`.
fn check_ipv6(
    ip: &IpConfig,
    v6: &Ipv6Config,
    base: &str,
    i: usize,
    addresses: &mut HashMap<IpAddr, usize>,
    out: &mut Vec<Diagnostic>,
) {
    let at = format!("{base}.ipv6");
    let fixed = [("address", &v6.address), ("gateway", &v6.gateway)];
    match v6.mode {
        Ipv6Mode::Dhcp => dhcp_with_static_fields(
            &at,
            v6.address.is_some(),
            v6.gateway.is_some(),
            [
                "DHCPv6 mode with an address: the network's DHCPv6 server assigns the address",
                "DHCPv6 mode with a gateway: IPv6 routers announce themselves in router advertisements, which this mode accepts",
            ],
            out,
        ),
        Ipv6Mode::Slaac => {
            for (key, value) in fixed {
                if value.is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::SlaacWithAddress,
                            format!("{at}.{key}"),
                            format!("SLAAC mode with a static {key}: the router's advertisements pick the address and the default route"),
                        )
                        .with_hint(format!("remove `{key}`, or set `mode: static` to use it")),
                    );
                }
            }
        }
        Ipv6Mode::Disabled => {
            for (key, value) in fixed {
                if value.is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::DisabledWithAddress,
                            format!("{at}.{key}"),
                            format!("IPv6 is disabled on this NIC, yet it has an IPv6 {key}"),
                        )
                        .with_hint(format!("remove `{key}`, or set `mode: static` to use it")),
                    );
                }
            }
            if ip.mode == IpMode::Disabled {
                out.push(no_address_family(base, "ipv6.mode"));
            }
        }
        Ipv6Mode::Static => {
            let path = format!("{at}.address");
            let subnet = match v6.address.as_deref() {
                None | Some("") => {
                    out.push(
                        Diagnostic::new(
                            Code::StaticWithoutAddress,
                            format!("{at}.mode"),
                            "IPv6 is static but has no address",
                        )
                        .with_hint("add `address: 2001:db8::200/64` (address and prefix length)"),
                    );
                    None
                }
                Some(a) => check_address(a, &path, out),
            };
            let subnet = match subnet {
                Some(IpNet::V4(n)) => {
                    out.push(wrong_family(&path, &n.to_string()));
                    None
                }
                other => other,
            };
            if let Some(s) = subnet {
                note_address(addresses, s, i, &path, out);
            }
            if let Some(g) = v6.gateway.as_deref() {
                let path = format!("{at}.gateway");
                match g.parse::<IpAddr>() {
                    Ok(IpAddr::V4(_)) => out.push(wrong_family(&path, g)),
                    _ => check_gateway(g, subnet, &path, out),
                }
            }
        }
    }
    if ip.mode == IpMode::Disabled && v6.mode == Ipv6Mode::Slaac {
        out.push(
            Diagnostic::new(
                Code::Ipv6OnlySlaac,
                format!("{at}.mode"),
                "an IPv6-only SLAAC NIC: cloud-init 22.4's eni renderer leaves it down (no `auto` stanza) and its sysconfig renderer writes no IPV6INIT; only netplan and networkd guests bring it up",
            )
            .with_hint("use `mode: dhcp` (DHCPv6 with router advertisements), which every renderer brings up, or keep IPv4 on this NIC"),
        );
    }
    if v6.privacy == Some(true) {
        if matches!(v6.mode, Ipv6Mode::Slaac | Ipv6Mode::Dhcp) {
            out.push(
                Diagnostic::new(
                    Code::CloudInitIgnores,
                    format!("{at}.privacy"),
                    "`privacy` is written as netplan's `ipv6-privacy`: cloud-init 22.4's own renderers (networkd, sysconfig, eni) ignore it; only guests where netplan renders (Ubuntu) get privacy addresses",
                )
                .with_hint("keep it only if every guest renders with netplan; otherwise enable privacy addresses in the image"),
            );
        } else {
            out.push(
                Diagnostic::new(
                    Code::PrivacyStatic,
                    format!("{at}.privacy"),
                    "`privacy` needs autoconfigured addresses (slaac or dhcp mode); it is not written for this mode",
                )
                .with_hint("remove `privacy`, or set `mode: slaac`"),
            );
        }
    }
}

fn wrong_family(path: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        Code::WrongAddressFamily,
        path,
        format!("`{}` is IPv4, in the `ipv6` block", value.escape_debug()),
    )
    .with_hint("write an IPv6 address here, and IPv4 in ipConfig's own `address` and `gateway`")
}

/// A DNS server of a family the NIC has turned off is reachable only through another NIC.
fn dns_families(ip: &IpConfig, base: &str, out: &mut Vec<Diagnostic>) {
    let v4_off = ip.mode == IpMode::Disabled;
    let v6_off = ip
        .ipv6
        .as_ref()
        .is_some_and(|v6| v6.mode == Ipv6Mode::Disabled);
    for (k, dns) in ip.dns_servers.iter().enumerate() {
        let family = match dns.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) if v4_off => "IPv4",
            Ok(IpAddr::V6(_)) if v6_off => "IPv6",
            _ => continue,
        };
        out.push(
            Diagnostic::new(
                Code::DnsFamilyDisabled,
                format!("{base}.dnsServers[{k}]"),
                format!("DNS server {dns} is {family}, which this NIC has disabled: the guest reaches it only through another NIC"),
            )
            .with_hint(format!("use a DNS server of a family the NIC has, or enable {family} on it")),
        );
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
    } else if !net.contains(&gw) && !is_link_local_v6(gw) {
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

/// fe80::/10: always on the link, whatever the NIC's prefix (networkd and the CNI bridge
/// plugin both route through it without an on-link flag).
fn is_link_local_v6(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

/// `address` or `gateway` under a DHCP mode (`block` is the ipConfig or its `ipv6`): each is an
/// error, with the two repairs (drop it, or switch to static) as fixes; `messages` say why for
/// the address and the gateway.
fn dhcp_with_static_fields(
    block: &str,
    address: bool,
    gateway: bool,
    messages: [&str; 2],
    out: &mut Vec<Diagnostic>,
) {
    if address {
        out.push(
            Diagnostic::new(
                Code::DhcpWithAddress,
                format!("{block}.address"),
                messages[0],
            )
            .with_hint("remove `address`, or set `mode: static` to use it")
            .with_fix_list(dhcp_fixes(block, "address", true)),
        );
    }
    if gateway {
        out.push(
            Diagnostic::new(
                Code::DhcpWithGateway,
                format!("{block}.gateway"),
                messages[1],
            )
            .with_hint("remove `gateway`, or set `mode: static` to use it")
            .with_fix_list(dhcp_fixes(block, "gateway", address)),
        );
    }
}

/// The repairs of an address or gateway under DHCP, none safe (which was meant is the
/// author's call): remove it, or (when there is an address for it) switch to static.
fn dhcp_fixes(block: &str, field: &str, static_ok: bool) -> Vec<crate::fix::Fix> {
    use crate::fix::{Fix, PatchOp};
    let block = crate::json_path::JsonPath::parse(block);
    let mut fixes = vec![Fix::unsafe_(
        format!("remove `{field}`"),
        vec![PatchOp::remove(&block.clone().key(field))],
    )];
    if static_ok {
        fixes.push(Fix::unsafe_(
            "set `mode: static`",
            vec![PatchOp::replace(
                &block.key("mode"),
                serde_json::Value::String("static".to_string()),
            )],
        ));
    }
    fixes
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

    // IPv6 (docs/dhcp-path.md, "IPv6"). Line 14 is the first line under ipConfig.

    #[test]
    fn clean_ipv6_combinations_have_no_errors() {
        for ip in [
            "      mode: dhcp\n      ipv6: {mode: slaac}\n",
            "      mode: dhcp\n      ipv6: {mode: dhcp}\n",
            "      mode: dhcp\n      ipv6: {mode: disabled}\n",
            "      mode: disabled\n      ipv6: {mode: dhcp}\n",
            "      mode: static\n      address: 10.0.0.5/24\n      ipv6: {mode: static, address: 2001:db8::5/64, gateway: 2001:db8::1}\n",
            "      mode: disabled\n      ipv6: {mode: static, address: 2001:db8::5/64, gateway: fe80::1}\n",
        ] {
            let ds = diagnose(&net(ip));
            assert!(ds.iter().all(|d| !d.is_error()), "{ip}: {ds:#?}");
        }
    }

    #[test]
    fn ipv6_given_twice() {
        expect(
            &net("      mode: static\n      address: 2001:db8::5/64\n      ipv6: {mode: slaac}\n"),
            Code::Ipv6GivenTwice,
            "spec.networks[0].ipConfig.address",
            15,
        );
        // The legacy form alone stays valid.
        clean_of(
            &net("      mode: static\n      address: 2001:db8::5/64\n"),
            Code::Ipv6GivenTwice,
        );
    }

    #[test]
    fn ipv6_block_takes_ipv6_only() {
        let y = net(
            "      mode: dhcp\n      ipv6:\n        mode: static\n        address: 10.0.0.5/24\n",
        );
        expect(
            &y,
            Code::WrongAddressFamily,
            "spec.networks[0].ipConfig.ipv6.address",
            17,
        );
        let y = net("      mode: dhcp\n      ipv6:\n        mode: static\n        address: 2001:db8::5/64\n        gateway: 10.0.0.1\n");
        expect(
            &y,
            Code::WrongAddressFamily,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
    }

    #[test]
    fn ipv6_static_address_and_gateway_rules() {
        expect(
            &net("      mode: dhcp\n      ipv6:\n        mode: static\n"),
            Code::StaticWithoutAddress,
            "spec.networks[0].ipConfig.ipv6.mode",
            16,
        );
        expect(
            &net("      mode: dhcp\n      ipv6:\n        mode: static\n        address: 2001:db8::5\n"),
            Code::AddressNotCidr,
            "spec.networks[0].ipConfig.ipv6.address",
            17,
        );
        expect(
            &net("      mode: dhcp\n      ipv6:\n        mode: static\n        address: 2001:db8::/64\n"),
            Code::AddressNotHost,
            "spec.networks[0].ipConfig.ipv6.address",
            17,
        );
        let gw = |g: &str| {
            net(&format!("      mode: dhcp\n      ipv6:\n        mode: static\n        address: 2001:db8::5/64\n        gateway: {g}\n"))
        };
        expect(
            &gw("2001:db9::1"),
            Code::GatewayOutsideSubnet,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
        expect(
            &gw("2001:db8::5"),
            Code::GatewayIsAddress,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
        expect(
            &gw("router"),
            Code::GatewayNotIp,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
        // Link-local gateways are on the link whatever the prefix.
        clean_of(&gw("fe80::1"), Code::GatewayOutsideSubnet);
        clean_of(&gw("febf::1"), Code::GatewayOutsideSubnet);
        expect(
            &gw("fec0::1"),
            Code::GatewayOutsideSubnet,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
    }

    #[test]
    fn ipv6_modes_that_take_no_address() {
        let y = net(
            "      mode: dhcp\n      ipv6:\n        mode: slaac\n        address: 2001:db8::5/64\n",
        );
        expect(
            &y,
            Code::SlaacWithAddress,
            "spec.networks[0].ipConfig.ipv6.address",
            17,
        );
        let y = net("      mode: dhcp\n      ipv6:\n        mode: dhcp\n        address: 2001:db8::5/64\n        gateway: 2001:db8::1\n");
        expect(
            &y,
            Code::DhcpWithAddress,
            "spec.networks[0].ipConfig.ipv6.address",
            17,
        );
        expect(
            &y,
            Code::DhcpWithGateway,
            "spec.networks[0].ipConfig.ipv6.gateway",
            18,
        );
        let y = net(
            "      mode: dhcp\n      ipv6:\n        mode: disabled\n        gateway: 2001:db8::1\n",
        );
        expect(
            &y,
            Code::DisabledWithAddress,
            "spec.networks[0].ipConfig.ipv6.gateway",
            17,
        );
        let y = net("      mode: disabled\n      address: 10.0.0.5/24\n      ipv6: {mode: dhcp}\n");
        expect(
            &y,
            Code::DisabledWithAddress,
            "spec.networks[0].ipConfig.address",
            15,
        );
    }

    #[test]
    fn a_nic_needs_one_address_family() {
        expect(
            &net("      mode: disabled\n"),
            Code::NoAddressFamily,
            "spec.networks[0].ipConfig.mode",
            14,
        );
        expect(
            &net("      mode: disabled\n      ipv6:\n        mode: disabled\n"),
            Code::NoAddressFamily,
            "spec.networks[0].ipConfig.ipv6.mode",
            16,
        );
        clean_of(
            &net("      mode: dhcp\n      ipv6: {mode: disabled}\n"),
            Code::NoAddressFamily,
        );
    }

    #[test]
    fn ipv6_only_slaac_warns_about_eni_and_sysconfig() {
        expect(
            &net("      mode: disabled\n      ipv6:\n        mode: slaac\n"),
            Code::Ipv6OnlySlaac,
            "spec.networks[0].ipConfig.ipv6.mode",
            16,
        );
        clean_of(
            &net("      mode: dhcp\n      ipv6: {mode: slaac}\n"),
            Code::Ipv6OnlySlaac,
        );
    }

    #[test]
    fn privacy_rules() {
        expect(
            &net("      mode: dhcp\n      ipv6:\n        mode: static\n        address: 2001:db8::5/64\n        privacy: true\n"),
            Code::PrivacyStatic,
            "spec.networks[0].ipConfig.ipv6.privacy",
            18,
        );
        expect(
            &net("      mode: dhcp\n      ipv6:\n        mode: slaac\n        privacy: true\n"),
            Code::CloudInitIgnores,
            "spec.networks[0].ipConfig.ipv6.privacy",
            17,
        );
    }

    #[test]
    fn dns_servers_of_a_disabled_family_warn() {
        let y = net("      mode: disabled\n      dnsServers: [2001:db8::53, 10.0.0.53]\n      ipv6: {mode: dhcp}\n");
        expect(
            &y,
            Code::DnsFamilyDisabled,
            "spec.networks[0].ipConfig.dnsServers[1]",
            15,
        );
        let y = net("      mode: dhcp\n      dnsServers: [10.0.0.53, 2001:db8::53]\n      ipv6: {mode: disabled}\n");
        expect(
            &y,
            Code::DnsFamilyDisabled,
            "spec.networks[0].ipConfig.dnsServers[1]",
            15,
        );
        // Without an ipv6 block IPv6 is the guest's default, not disabled.
        clean_of(
            &net("      mode: dhcp\n      dnsServers: [2001:db8::53]\n"),
            Code::DnsFamilyDisabled,
        );
    }

    #[test]
    fn duplicate_ipv6_addresses_across_networks() {
        let y = with_networks("  - name: a\n    physicalInterface: ens192\n    ipConfig: {mode: dhcp, ipv6: {mode: static, address: 2001:db8::5/64}}\n  - name: b\n    physicalInterface: ens193\n    ipConfig: {mode: static, address: 2001:db8::5/64}\n");
        expect(
            &y,
            Code::DuplicateAddress,
            "spec.networks[1].ipConfig.address",
            16,
        );
    }

    #[test]
    fn unknown_ipv6_mode_names_the_ipv6_modes() {
        let ds = diagnose(&net("      mode: dhcp\n      ipv6:\n        mode: auto\n"));
        let d = ds
            .iter()
            .find(|d| d.code == Code::InvalidIpMode)
            .expect("invalid-ip-mode");
        assert_eq!(d.path, "spec.networks[0].ipConfig.ipv6.mode");
        assert!(d.hint.as_deref().unwrap().contains("slaac"), "{d:#?}");
    }

    #[test]
    fn typos_in_and_of_the_ipv6_block_get_a_suggestion() {
        let ds = diagnose(&net(
            "      mode: dhcp\n      ipv6:\n        mode: static\n        adress: 2001:db8::5/64\n",
        ));
        let d = ds
            .iter()
            .find(|d| d.code == Code::UnknownField)
            .expect("unknown-field");
        assert_eq!(d.path, "spec.networks[0].ipConfig.ipv6.adress");
        assert_eq!(d.hint.as_deref(), Some("did you mean `address`?"));
        let ds = diagnose(&net("      mode: dhcp\n      ipV6: {mode: slaac}\n"));
        let d = ds
            .iter()
            .find(|d| d.code == Code::UnknownField)
            .expect("unknown-field");
        assert_eq!(d.hint.as_deref(), Some("did you mean `ipv6`?"));
    }
}
