//! The generated artifacts, read by the real programs that consume them:
//!
//! - the guest's networkData through `netplan generate` and through cloud-init's own renderers
//!   (networkd, sysconfig, eni, netplan), checking per NIC what they write: DHCP on the MAC the
//!   VM pins, the static address, default route, DNS and MTU the spec asks for;
//! - every generated NAD config through the CNI bridge plugin (ADD, CHECK, DEL) in network
//!   namespaces, as Multus would run it;
//! - the seed's whole DHCP path: guest namespace -> port made by the plugin from our NAD ->
//!   br-external -> ens192 veth -> dnsmasq, with dhclient getting a lease for the pinned MAC;
//!   and the same path with a dual-stack router (RAs, DHCPv6 and DHCPv4 from one dnsmasq):
//!   SLAAC, a DHCPv6 lease and the RA's default route, or none of them with RAs off;
//! - IPv6 and dual-stack networkData and NAD configs written by hand after the design of issue
//!   14 (tests/real_consumers/hand_written.rs), through the same checks as the fixtures.
//!
//! Expected values come from the Wukong spec and the generated KubeVirt interfaces, never from
//! the artifact under test. Tests that lack root or a tool say why and return; with CI=true they
//! fail instead (see `harness::ready`).

// Test output says which case ran; unwrap-style failures are the point of a test.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[path = "real_consumers/expect.rs"]
mod expect;
#[path = "real_consumers/formats.rs"]
mod formats;
#[path = "real_consumers/hand_written.rs"]
mod hand_written;
// The CLI runner there is for the CLI tests.
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use expect::{
    guest_nics, ip_plan, nads, node_bridge, rendered, GuestNic, Nad, NodeBridge, Plan, Rendered,
    V4, V6,
};
use formats::{get, ifaces, option_values, parse_interfaces, parse_shell_vars, udev_renames, Unit};
use harness::{
    cloud_init_net_convert, cni, ip, ip_json, netplan_generate, read, ready, run, tool, unique,
    wait_for, wait_for_or, write, Daemon, Netns, Privilege, Run, TempDir,
};
use ipnet::{IpNet, Ipv6Net};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Guest side: netplan
// ---------------------------------------------------------------------------------------------

#[test]
fn netplan_generate_renders_every_nic() {
    if !ready(
        "netplan_generate_renders_every_nic",
        Privilege::None,
        &["netplan"],
    ) {
        return;
    }
    let all = rendered();
    // Fixtures side by side: each run is a fresh Python start, the slow part.
    std::thread::scope(|s| {
        for r in &all {
            s.spawn(move || {
                let tmp = TempDir::new("netplan");
                let dir = netplan_accepts(&r.label, &r.network_data, &tmp.path);
                assert_networkd(&r.label, &dir, Renderer::Netplan, &guest_nics(r));
            });
        }
    });
}

/// `netplan generate` on a network-config placed where cloud-init puts it, which must accept
/// it; the networkd dir.
fn netplan_accepts(label: &str, yaml: &str, tmp: &Path) -> PathBuf {
    let (r, networkd) = netplan_generate(yaml, tmp);
    assert!(
        r.ok(),
        "{label}: netplan generate refused our network-config: {}\n{yaml}",
        r.stderr
    );
    networkd
}

#[derive(Clone, Copy, PartialEq)]
enum Renderer {
    /// `netplan generate`: 10-netplan-ethN.{network,link}, matching PermanentMACAddress.
    Netplan,
    /// cloud-init's networkd renderer: 10-cloud-init-ethN.network, matching MACAddress.
    CloudInitNetworkd,
}

/// What systemd-networkd would apply, file by file, against the spec.
fn assert_networkd(label: &str, dir: &Path, renderer: Renderer, nics: &[GuestNic]) {
    let (prefix, mac_key) = match renderer {
        Renderer::Netplan => ("10-netplan-", "PermanentMACAddress"),
        Renderer::CloudInitNetworkd => ("10-cloud-init-", "MACAddress"),
    };
    let mut expected = BTreeSet::new();
    for nic in nics {
        let name = format!("{prefix}{}.network", nic.eth);
        let path = dir.join(&name);
        let ctx = format!(
            "{label}: {} ({}, network {})",
            path.display(),
            nic.eth,
            nic.network
        );
        if nic.plan == Plan::Unconfigured {
            assert!(
                !path.exists(),
                "{ctx}: a network without ipConfig gets no config"
            );
            continue;
        }
        expected.insert(name);
        let unit = Unit::parse(&read(&path));
        assert_eq!(
            unit.values("Match", mac_key),
            [nic.mac.as_str()],
            "{ctx}: matches the MAC the VM interface pins"
        );
        assert_eq!(
            unit.values("Match", "Name"),
            [nic.eth.as_str()],
            "{ctx}: the NIC's name"
        );
        if renderer == Renderer::Netplan {
            // set-name: the .link file renames the NIC with that MAC.
            let link = Unit::parse(&read(&dir.join(format!("{prefix}{}.link", nic.eth))));
            assert_eq!(
                link.values("Match", "PermanentMACAddress"),
                [nic.mac.as_str()],
                "{ctx}: .link match"
            );
            assert_eq!(
                link.values("Link", "Name"),
                [nic.eth.as_str()],
                "{ctx}: .link renames to {}",
                nic.eth
            );
        }
        let Plan::Ip(p) = &nic.plan else {
            unreachable!()
        };
        let dns: Vec<String> = unit
            .values("Network", "DNS")
            .iter()
            .flat_map(|v| v.split_whitespace().map(str::to_string))
            .collect();
        let mut want_dns = nic.dns().to_vec();
        if renderer == Renderer::Netplan {
            // netplan keeps IPv4 and IPv6 servers in separate lists and writes the IPv4 ones
            // first, so with both families the spec's order holds only within each.
            want_dns.sort_by_key(|d| d.contains(':'));
        }
        assert_eq!(dns, want_dns, "{ctx}: DNS servers");

        let dhcp = unit.values("Network", "DHCP");
        let want_dhcp = match (p.dhcp4_on(), p.dhcp6_on()) {
            (true, true) => Some("yes"),
            (true, false) => Some("ipv4"),
            (false, true) => Some("ipv6"),
            (false, false) => None,
        };
        match want_dhcp {
            Some(w) => assert_eq!(dhcp, [w], "{ctx}: DHCP for the DHCP families"),
            None => assert!(
                dhcp.iter().all(|v| is_false(v)),
                "{ctx}: no DHCP on a NIC without a DHCP family, got DHCP={dhcp:?}"
            ),
        }
        // Each DHCP family uses the server's DNS unless the spec names servers (the overrides'
        // `use-dns: false`). netplan writes one [DHCP] section for both families.
        let (v4_sections, v6_sections): (&[&str], &[&str]) = match renderer {
            Renderer::Netplan => (&["DHCP", "DHCPv4"], &["DHCP", "DHCPv6"]),
            Renderer::CloudInitNetworkd => (&["DHCPv4"], &["DHCPv6"]),
        };
        for (on, sections, family) in [
            (p.dhcp4_on(), v4_sections, "DHCPv4"),
            (p.dhcp6_on(), v6_sections, "DHCPv6"),
        ] {
            if !on {
                continue;
            }
            let use_dns: Vec<String> = sections
                .iter()
                .flat_map(|s| unit.values(s, "UseDNS"))
                .collect();
            if p.dns.is_empty() {
                assert!(
                    !use_dns.iter().any(|v| is_false(v)),
                    "{ctx}: the {family} server's DNS is used"
                );
            } else {
                assert!(
                    !use_dns.is_empty() && use_dns.iter().all(|v| is_false(v)),
                    "{ctx}: the spec's DNS replaces the {family} server's (UseDNS=false), got {use_dns:?}"
                );
            }
        }

        let mut got = addresses(&unit);
        got.sort();
        let mut want: Vec<String> = p
            .static_addresses()
            .iter()
            .map(ToString::to_string)
            .collect();
        want.sort();
        assert_eq!(got, want, "{ctx}: the static addresses");
        let mut got = default_gateways(&unit, &ctx);
        got.sort();
        let mut want: Vec<String> = p.gateways().iter().map(ToString::to_string).collect();
        want.sort();
        assert_eq!(
            got, want,
            "{ctx}: the default routes, one per family with a gateway"
        );

        // Router advertisements. netplan writes IPv6AcceptRA for every accept-ra; cloud-init
        // 22.4's networkd renderer only where DHCP is ipv6 or yes (networkd.py:206-210), so a
        // SLAAC or disabled NIC beside DHCPv4 or a static address keeps networkd's default there.
        let ra = unit.values("Network", "IPv6AcceptRA");
        let want_ra = match renderer {
            Renderer::Netplan => p.accept_ra,
            Renderer::CloudInitNetworkd => p
                .accept_ra
                .filter(|_| matches!(want_dhcp, Some("ipv6" | "yes"))),
        };
        match want_ra {
            Some(on) => assert!(
                ra.len() == 1
                    && if on {
                        is_true(&ra[0])
                    } else {
                        is_false(&ra[0])
                    },
                "{ctx}: IPv6AcceptRA {on}, got {ra:?}"
            ),
            None => assert!(ra.is_empty(), "{ctx}: no IPv6AcceptRA, got {ra:?}"),
        }
        let mtu: Vec<String> = nic.mtu.iter().map(ToString::to_string).collect();
        assert_eq!(unit.values("Link", "MTUBytes"), mtu, "{ctx}: MTU");
    }
    let found: BTreeSet<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let found: BTreeSet<String> = found
        .into_iter()
        .filter(|f| f.ends_with(".network"))
        .collect();
    assert_eq!(
        found, expected,
        "{label}: one .network per configured NIC, no others"
    );
}

fn is_true(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1" | "on")
}

fn is_false(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "no" | "false" | "0" | "off"
    )
}

/// Static addresses, from [Network] Address= (netplan) or [Address] sections (cloud-init).
fn addresses(unit: &Unit) -> Vec<String> {
    let mut all = unit.values("Network", "Address");
    all.extend(unit.values("Address", "Address"));
    all
}

/// Gateways of default routes: [Network] Gateway=, or a [Route] with no or an all-zero
/// Destination. Any other routed destination is a mistake here: the generator only writes
/// default routes (cloud-init 22.4 turns `::/0` into `::/64`, for one).
fn default_gateways(unit: &Unit, ctx: &str) -> Vec<String> {
    let mut gateways = unit.values("Network", "Gateway");
    for route in unit.sections("Route") {
        let Some(gw) = get(route, "Gateway") else {
            continue;
        };
        let dst = get(route, "Destination");
        assert!(
            dst.as_deref()
                .is_none_or(|d| d == "0.0.0.0/0" || d == "::/0"),
            "{ctx}: a route to {dst:?} via {gw} where the default route belongs"
        );
        gateways.push(gw);
    }
    gateways
}

// ---------------------------------------------------------------------------------------------
// Guest side: cloud-init
// ---------------------------------------------------------------------------------------------

/// cloud-init's renderers, with a distro that uses each.
const CLOUD_INIT_RENDERERS: &[(&str, &str)] = &[
    ("debian", "networkd"),
    ("rhel", "sysconfig"),
    ("debian", "eni"),
    ("ubuntu", "netplan"),
];

#[test]
fn cloud_init_renders_every_nic_for_networkd_sysconfig_eni_and_netplan() {
    // Root: cloud-init's networkd renderer hands its files to the systemd-network user.
    let test = "cloud_init_renders_every_nic_for_networkd_sysconfig_eni_and_netplan";
    if !ready(test, Privilege::Root, &["cloud-init", "netplan"]) {
        return;
    }
    let all = rendered();
    // Fixtures side by side: each net-convert is a fresh Python start, the slow part.
    std::thread::scope(|s| {
        for r in &all {
            s.spawn(move || cloud_init_case(r));
        }
    });
}

fn cloud_init_case(r: &Rendered) {
    cloud_init_renders(&r.label, &r.network_data, &guest_nics(r));
}

/// One network-config through cloud-init's four renderers, each output checked per NIC.
fn cloud_init_renders(label: &str, network_data: &str, nics: &[GuestNic]) {
    let tmp = TempDir::new("cloud-init");
    let input = tmp.join("network-config.yaml");
    write(&input, network_data);
    for (distro, renderer) in CLOUD_INIT_RENDERERS {
        let out = tmp.join(renderer);
        let run = cloud_init_net_convert(&input, distro, renderer, &out);
        let label = format!("{label} (cloud-init -D {distro} -O {renderer})");
        assert!(
            run.ok(),
            "{label}: net-convert refused our network-config: {}\n{network_data}",
            run.stderr
        );
        match *renderer {
            "networkd" => assert_networkd(
                &label,
                &out.join("etc/systemd/network"),
                Renderer::CloudInitNetworkd,
                nics,
            ),
            "sysconfig" => assert_sysconfig(&label, &out, nics),
            "eni" => assert_eni(&label, &out, nics),
            _ => {
                // What an Ubuntu guest does: cloud-init writes netplan YAML, netplan renders it.
                let yaml = read(&out.join("etc/netplan/50-cloud-init.yaml"));
                let dir = netplan_accepts(&label, &yaml, &tmp.join("netplan-of-cloud-init"));
                assert_networkd(&label, &dir, Renderer::Netplan, nics);
            }
        }
    }
}

/// The IPv6 and dual-stack networkData of the design of issue 14, written by hand (the
/// generator's fixtures follow once it renders them): `netplan generate` and cloud-init's four
/// renderers must each give the NIC exactly what its `ipConfig` asks for.
#[test]
fn netplan_and_cloud_init_render_hand_written_ipv6_and_dual_stack_network_data() {
    let test = "netplan_and_cloud_init_render_hand_written_ipv6_and_dual_stack_network_data";
    if !ready(test, Privilege::Root, &["cloud-init", "netplan"]) {
        return;
    }
    let cases = hand_written::network_data_cases();
    assert!(cases.len() >= 10, "the hand-written cases are all here");
    std::thread::scope(|s| {
        for case in &cases {
            s.spawn(move || {
                let nics = [GuestNic {
                    network: case.label.to_string(),
                    eth: "eth1".to_string(),
                    mac: hand_written::MAC.to_string(),
                    plan: Plan::Ip(ip_plan(case.label, &case.ip_config)),
                    mtu: None,
                }];
                let yaml = case.network_data();
                let tmp = TempDir::new("netplan");
                let dir = netplan_accepts(case.label, &yaml, &tmp.path);
                assert_networkd(case.label, &dir, Renderer::Netplan, &nics);
                cloud_init_renders(case.label, &yaml, &nics);
            });
        }
    });
}

/// RHEL's ifcfg files.
fn assert_sysconfig(label: &str, out: &Path, nics: &[GuestNic]) {
    let scripts = out.join("etc/sysconfig/network-scripts");
    let rules = read(&out.join("etc/udev/rules.d/70-persistent-net.rules"));
    let resolv = std::fs::read_to_string(out.join("etc/resolv.conf")).unwrap_or_default();
    let resolvers: Vec<&str> = resolv
        .lines()
        .filter_map(|l| l.strip_prefix("nameserver "))
        .map(str::trim)
        .collect();
    for nic in nics {
        let path = scripts.join(format!("ifcfg-{}", nic.eth));
        let ctx = format!("{label}: {} (network {})", path.display(), nic.network);
        if nic.plan == Plan::Unconfigured {
            assert!(
                !path.exists(),
                "{ctx}: a network without ipConfig gets no config"
            );
            continue;
        }
        let v = parse_shell_vars(&read(&path));
        let val = |k: &str| v.get(k).map(String::as_str);
        assert_eq!(val("DEVICE"), Some(nic.eth.as_str()), "{ctx}: DEVICE");
        // The YAML 1.1 trap: an unquoted 52:54:00:12:34:56 reaches cloud-init as the integer
        // 41135085296, and HWADDR (and the udev rule) would never match the NIC.
        assert_eq!(
            val("HWADDR"),
            Some(nic.mac.as_str()),
            "{ctx}: HWADDR is the pinned MAC, as a MAC"
        );
        assert!(
            udev_renames(&rules, &nic.mac, &nic.eth),
            "{ctx}: udev renames {} to {}:\n{rules}",
            nic.mac,
            nic.eth
        );
        let Plan::Ip(p) = &nic.plan else {
            unreachable!()
        };
        if p.dhcp4_on() {
            assert_eq!(val("BOOTPROTO"), Some("dhcp"), "{ctx}: BOOTPROTO");
        } else {
            assert!(
                matches!(val("BOOTPROTO"), Some("none" | "static")),
                "{ctx}: BOOTPROTO {:?}",
                val("BOOTPROTO")
            );
        }
        match p.v4_static() {
            Some((a, gateway)) => {
                assert_eq!(
                    val("IPADDR"),
                    Some(a.addr().to_string().as_str()),
                    "{ctx}: IPADDR"
                );
                let netmask = a.netmask().to_string();
                let prefix = a.prefix_len().to_string();
                assert!(
                    val("NETMASK") == Some(netmask.as_str())
                        || val("PREFIX") == Some(prefix.as_str()),
                    "{ctx}: NETMASK {netmask} or PREFIX {prefix}, got {v:?}"
                );
                // GATEWAY, or a 0.0.0.0/0.0.0.0 entry of route-ethN: cloud-init 22.4 writes the
                // latter when it hangs the route on another subnet (static IPv4 beside DHCPv6).
                assert_eq!(
                    sysconfig_v4_default_gateways(&v, &scripts, &nic.eth, &ctx),
                    gateway.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "{ctx}: the IPv4 default route (GATEWAY or route-{})",
                    nic.eth
                );
            }
            None => {
                assert_eq!(val("IPADDR"), None, "{ctx}: no static IPv4 address");
                assert_eq!(
                    sysconfig_v4_default_gateways(&v, &scripts, &nic.eth, &ctx),
                    Vec::<String>::new(),
                    "{ctx}: no IPv4 gateway"
                );
            }
        }
        let v6_static = p.v6_static();
        let yes = |on: bool| on.then_some("yes");
        // IPv6 is initialised for DHCPv6 and static IPv6 only: cloud-init 22.4 writes no
        // IPV6INIT for SLAAC from netplan v2 input (its v2 reader makes no ipv6_slaac subnet).
        assert_eq!(
            val("IPV6INIT"),
            yes(p.dhcp6_on() || v6_static.is_some()),
            "{ctx}: IPV6INIT"
        );
        assert_eq!(val("DHCPV6C"), yes(p.dhcp6_on()), "{ctx}: DHCPV6C");
        assert_eq!(
            val("IPV6ADDR").map(str::to_string),
            v6_static.map(|(a, _)| a.to_string()),
            "{ctx}: IPV6ADDR"
        );
        assert_eq!(
            val("IPV6_DEFAULTGW").map(str::to_string),
            v6_static.and_then(|(_, g)| g).map(|g| g.to_string()),
            "{ctx}: IPV6_DEFAULTGW"
        );
        // A static IPv6 address is the only one: no autoconf, no RAs (sysconfig.py forces both
        // off for static6 on rhel). Otherwise IPV6_FORCE_ACCEPT_RA carries accept-ra; for
        // DHCPv6 it is what gives the RA default route, since /etc/sysconfig/network turns
        // IPV6_AUTOCONF off.
        let (want_autoconf, want_ra) = match v6_static {
            Some(_) => (Some("no"), Some(p.accept_ra.unwrap_or(false))),
            None => (None, p.accept_ra),
        };
        assert_eq!(val("IPV6_AUTOCONF"), want_autoconf, "{ctx}: IPV6_AUTOCONF");
        assert_eq!(
            val("IPV6_FORCE_ACCEPT_RA"),
            want_ra.map(|on| if on { "yes" } else { "no" }),
            "{ctx}: IPV6_FORCE_ACCEPT_RA"
        );
        if p.dhcp6_on() {
            assert_eq!(
                p.accept_ra,
                Some(true),
                "{ctx}: DHCPv6 takes its route from RAs"
            );
        }
        // Static NICs carry their DNS servers; DHCP-only NICs keep them in resolv.conf only
        // (cloud-init 22.4 writes no PEERDNS=no for the overrides), checked below.
        let want_dns = if p.static_addresses().is_empty() {
            Vec::new()
        } else {
            p.dns.clone()
        };
        assert_eq!(numbered(&v, "DNS"), want_dns, "{ctx}: DNS1..");
        // No other IPv6 route (cloud-init 22.4 writes `::/64 via` for `::/0`).
        let route6 = std::fs::read_to_string(scripts.join(format!("route6-{}", nic.eth)))
            .unwrap_or_default();
        let routes: Vec<&str> = route6
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(routes.is_empty(), "{ctx}: unexpected IPv6 routes: {route6}");
        // For DHCP NICs, sysconfig keeps the spec's DNS in resolv.conf only (cloud-init 22.4
        // writes no PEERDNS=no for dhcp4-overrides), so that is where it is checked.
        for server in nic.dns() {
            assert!(
                resolvers.contains(&server.as_str()),
                "{ctx}: resolv.conf names {server}: {resolv}"
            );
        }
        assert_eq!(
            val("MTU").map(str::to_string),
            nic.mtu.map(|m| m.to_string()),
            "{ctx}: MTU"
        );
    }
    // The machine-wide file: IPv6 networking on, and RA autoconf off, as soon as any NIC has
    // DHCPv6 or a static IPv6 address.
    let path = out.join("etc/sysconfig/network");
    let network = parse_shell_vars(&read(&path));
    let v6 = nics.iter().any(|n| match &n.plan {
        Plan::Ip(p) => p.dhcp6_on() || p.v6_static().is_some(),
        Plan::Unconfigured => false,
    });
    let want = v6.then_some("yes");
    assert_eq!(
        network.get("NETWORKING_IPV6").map(String::as_str),
        want,
        "{label}: {}: NETWORKING_IPV6",
        path.display()
    );
    assert_eq!(
        network.get("IPV6_AUTOCONF").map(String::as_str),
        v6.then_some("no"),
        "{label}: {}: IPV6_AUTOCONF",
        path.display()
    );
}

/// The IPv4 default gateways of a sysconfig NIC: GATEWAY, and the default entries of its
/// route-ethN file (ADDRESSn=0.0.0.0, NETMASKn=0.0.0.0); any other route there is a mistake.
fn sysconfig_v4_default_gateways(
    ifcfg: &std::collections::BTreeMap<String, String>,
    scripts: &Path,
    eth: &str,
    ctx: &str,
) -> Vec<String> {
    let mut gateways: Vec<String> = ifcfg.get("GATEWAY").cloned().into_iter().collect();
    let routes = std::fs::read_to_string(scripts.join(format!("route-{eth}")))
        .map(|t| parse_shell_vars(&t))
        .unwrap_or_default();
    for i in 0.. {
        let Some(gw) = routes.get(&format!("GATEWAY{i}")) else {
            break;
        };
        let dst = (
            routes.get(&format!("ADDRESS{i}")).map(String::as_str),
            routes.get(&format!("NETMASK{i}")).map(String::as_str),
        );
        assert_eq!(
            dst,
            (Some("0.0.0.0"), Some("0.0.0.0")),
            "{ctx}: route-{eth} entry {i} via {gw} where the default route belongs: {routes:?}"
        );
        gateways.push(gw.clone());
    }
    gateways
}

/// DNS1, DNS2, ... in order.
fn numbered(v: &std::collections::BTreeMap<String, String>, key: &str) -> Vec<String> {
    (1..)
        .map_while(|i| v.get(&format!("{key}{i}")).cloned())
        .collect()
}

/// Debian's /etc/network/interfaces.d stanzas.
fn assert_eni(label: &str, out: &Path, nics: &[GuestNic]) {
    let path = out.join("etc/network/interfaces.d/50-cloud-init");
    let text = read(&path);
    let stanzas = parse_interfaces(&text);
    let rules = read(&out.join("etc/udev/rules.d/70-persistent-net.rules"));
    let lo = ifaces(&stanzas, "lo");
    for nic in nics {
        let ctx = format!(
            "{label}: {} iface {} (network {})",
            path.display(),
            nic.eth,
            nic.network
        );
        let own = ifaces(&stanzas, &nic.eth);
        if nic.plan == Plan::Unconfigured {
            assert!(
                own.is_empty(),
                "{ctx}: a network without ipConfig gets no config"
            );
            continue;
        }
        let Plan::Ip(p) = &nic.plan else {
            unreachable!()
        };
        assert!(
            udev_renames(&rules, &nic.mac, &nic.eth),
            "{ctx}: udev renames {} to {}:\n{rules}",
            nic.mac,
            nic.eth
        );
        // One stanza per family that has a DHCP or static method. SLAAC and `disabled` have
        // none, and with no family at all cloud-init 22.4 writes `inet manual` and no `auto`:
        // an IPv6-only SLAAC NIC is never brought up (the design's eni caveat, asserted as is).
        let v4 = match p.v4 {
            V4::Dhcp => Some(["inet", "dhcp"]),
            V4::Static { .. } => Some(["inet", "static"]),
            V4::Off => None,
        };
        let v6 = match p.v6 {
            V6::Dhcp => Some(["inet6", "dhcp"]),
            V6::Static { .. } => Some(["inet6", "static"]),
            V6::GuestDefault | V6::Slaac | V6::Off => None,
        };
        let mut want: Vec<[&str; 2]> = v4.into_iter().chain(v6).collect();
        let brought_up = !want.is_empty();
        if !brought_up {
            want.push(["inet", "manual"]);
        }
        want.sort();
        let mut heads: Vec<[&str; 2]> = own
            .iter()
            .map(|s| [s.head[2].as_str(), s.head[3].as_str()])
            .collect();
        heads.sort();
        assert_eq!(heads, want, "{ctx}: the stanzas' methods:\n{text}");
        assert_eq!(
            stanzas
                .iter()
                .any(|st| st.head == ["auto", nic.eth.as_str()]),
            brought_up,
            "{ctx}: brought up at boot (auto) iff a family has a method:\n{text}"
        );
        for s in &own {
            let want: Vec<String> = match s.head[2..] {
                [ref f, ref m] if f == "inet" && m == "static" => p
                    .v4_static()
                    .map(|(a, _)| a.to_string())
                    .into_iter()
                    .collect(),
                [ref f, ref m] if f == "inet6" && m == "static" => p
                    .v6_static()
                    .map(|(a, _)| a.to_string())
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            };
            assert_eq!(
                option_values(s, "address"),
                want,
                "{ctx}: {:?} address",
                s.head
            );
        }
        let mut got: Vec<String> = own
            .iter()
            .flat_map(|s| eni_default_gateways(s, &ctx))
            .collect();
        got.sort();
        let mut want: Vec<String> = p.gateways().iter().map(ToString::to_string).collect();
        want.sort();
        assert_eq!(
            got, want,
            "{ctx}: the default routes, one per family with a gateway"
        );
        // accept_ra is an attribute, and eni.py writes attributes on the first stanza only
        // (`_iface_add_attrs`: index 0), and sets it only for a DHCP (either family) or static
        // IPv6 subnet (`_render_iface`). cloud-init orders the subnets dhcp4, dhcp6, then the
        // addresses, so it is dropped when the first is a static IPv4 address: such a NIC keeps
        // the kernel's default, which accepts RAs, whatever accept-ra says.
        let accept_ra: Vec<String> = own
            .iter()
            .flat_map(|s| option_values(s, "accept_ra"))
            .collect();
        let carried =
            p.dhcp4_on() || p.dhcp6_on() || (p.v4_static().is_none() && p.v6_static().is_some());
        let want: Vec<String> = p
            .accept_ra
            .filter(|_| carried)
            .map(|on| if on { "1" } else { "0" }.to_string())
            .into_iter()
            .collect();
        assert_eq!(
            option_values(own[0], "accept_ra"),
            want,
            "{ctx}: accept_ra on the first stanza:\n{text}"
        );
        assert_eq!(accept_ra, want, "{ctx}: accept_ra:\n{text}");
        if !nic.dns().is_empty() {
            // resolvconf reads dns-nameservers from any stanza; cloud-init puts DHCP NICs' on lo.
            let lists: Vec<Vec<String>> = own
                .iter()
                .chain(lo.iter())
                .flat_map(|st| option_values(st, "dns-nameservers"))
                .map(|l| l.split_whitespace().map(str::to_string).collect())
                .collect();
            assert!(
                lists.iter().any(|l| l == nic.dns()),
                "{ctx}: dns-nameservers {:?}, got {lists:?}",
                nic.dns()
            );
        }
        let mtu: Vec<String> = own.iter().flat_map(|s| option_values(s, "mtu")).collect();
        let want: Vec<String> = nic.mtu.iter().map(ToString::to_string).collect();
        assert_eq!(mtu, want, "{ctx}: mtu");
    }
}

/// `gateway GW`, or `post-up route add [-A inet6] default gw GW || true`; any other routed
/// destination is a mistake (see `default_gateways`).
fn eni_default_gateways(s: &formats::Stanza, ctx: &str) -> Vec<String> {
    let mut gateways = option_values(s, "gateway");
    for cmd in option_values(s, "post-up") {
        let words: Vec<&str> = cmd
            .split_whitespace()
            .filter(|w| *w != "-A" && *w != "inet6")
            .collect();
        if let ["route", "add", dst, "gw", gw, ..] = words.as_slice() {
            assert!(
                matches!(*dst, "default" | "0.0.0.0/0" | "::/0"),
                "{ctx}: a route to {dst} via {gw}: {cmd}"
            );
            gateways.push((*gw).to_string());
        }
    }
    gateways
}

// ---------------------------------------------------------------------------------------------
// Node side: the CNI bridge plugin
// ---------------------------------------------------------------------------------------------

#[test]
fn cni_bridge_plugin_adds_checks_and_deletes_every_nad() {
    if !ready(
        "cni_bridge_plugin_adds_checks_and_deletes_every_nad",
        Privilege::NetworkNamespaces,
        &["ip", "bridge", "cni/bridge", "cni/host-local"],
    ) {
        return;
    }
    let mut count = 0;
    for r in rendered() {
        for nad in nads(&r) {
            let bridge = node_bridge(&r, nad.config["bridge"].as_str().expect("bridge"));
            exercise_nad(&r.label, &bridge, &nad);
            count += 1;
        }
    }
    assert!(
        count >= 10,
        "the fixtures make at least 10 NADs, ran {count}"
    );
}

/// IPv6 and dual-stack NAD configs as the design of issue 14 has the generator write them
/// (written by hand until it does): a dual-stack pinned pair, an IPv6-only range beside DHCPv4
/// with a link-local gateway, and an L2 port for DHCPv4 + DHCPv6.
#[test]
fn cni_bridge_plugin_adds_checks_and_deletes_hand_written_ipv6_and_dual_stack_nads() {
    if !ready(
        "cni_bridge_plugin_adds_checks_and_deletes_hand_written_ipv6_and_dual_stack_nads",
        Privilege::NetworkNamespaces,
        &["ip", "bridge", "cni/bridge", "cni/host-local"],
    ) {
        return;
    }
    let bridge = NodeBridge {
        name: hand_written::BRIDGE.to_string(),
        mtu: None,
        port: "ens192".to_string(),
        vlan_filtering: false,
    };
    for case in hand_written::nad_cases() {
        let nad = Nad {
            name: case.name.to_string(),
            config: case.config,
            nic: GuestNic {
                network: case.name.to_string(),
                eth: "eth1".to_string(),
                mac: hand_written::MAC.to_string(),
                plan: Plan::Ip(ip_plan(case.name, &case.ip_config)),
                mtu: None,
            },
        };
        exercise_nad("hand-written", &bridge, &nad);
    }
}

/// The plugin's error message (it prints `{"code", "msg"}` on stdout).
fn cni_error(r: &Run) -> String {
    serde_json::from_str::<Value>(&r.stdout)
        .ok()
        .and_then(|v| v["msg"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{}{}", r.stdout, r.stderr))
}

/// The node bridge as the NNCP makes it: its name, MTU, STP off, VLAN filtering if asked.
fn make_bridge(node: &Netns, b: &NodeBridge, vlan_filtering: bool) {
    let mtu = b.mtu.map(|m| m.to_string());
    let mut args = vec!["-n", &node.name, "link", "add", "name", &b.name];
    if let Some(m) = &mtu {
        args.extend(["mtu", m]);
    }
    args.extend(["type", "bridge", "stp_state", "0"]);
    if vlan_filtering {
        args.extend(["vlan_filtering", "1"]);
    }
    ip(&args);
    ip(&["-n", &node.name, "link", "set", &b.name, "up"]);
}

/// Whether this kernel's bridges can filter VLANs (many minimal VM kernels cannot).
fn kernel_has_bridge_vlan_filtering(node: &Netns) -> bool {
    let probe = "vlanprobe0";
    let r = run(
        Command::new(tool("ip")).args([
            "-n",
            &node.name,
            "link",
            "add",
            probe,
            "type",
            "bridge",
            "vlan_filtering",
            "1",
        ]),
        None,
    );
    if r.ok() {
        ip(&["-n", &node.name, "link", "del", probe]);
        return true;
    }
    assert!(
        r.stderr.contains("not supported"),
        "probing bridge VLAN filtering failed otherwise: {}",
        r.stderr
    );
    false
}

/// The veth the plugin made: the peer of `ifname` in `vm`, and a port of `bridge` in `node`.
fn assert_bridge_port(ctx: &str, node: &Netns, vm: &Netns, bridge: &str, ifname: &str) -> Value {
    let guest = &ip_json(&["-n", &vm.name, "link", "show", "dev", ifname])[0];
    let ports = ip_json(&["-n", &node.name, "-d", "link", "show", "master", bridge]);
    let port = ports
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["ifindex"] == guest["link_index"])
        .unwrap_or_else(|| panic!("{ctx}: the peer of {ifname} is not a port of {bridge}: {ports}"))
        .clone();
    assert_eq!(
        port["link_index"], guest["ifindex"],
        "{ctx}: the port's peer is {ifname}"
    );
    assert_eq!(
        port["linkinfo"]["info_kind"], "veth",
        "{ctx}: a veth: {port}"
    );
    port
}

/// The addresses of a link whose scope is global, as CIDRs.
fn global_addresses(ns: &Netns, ifname: &str) -> Vec<String> {
    let link = &ip_json(&["-n", &ns.name, "addr", "show", "dev", ifname])[0];
    link["addr_info"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["scope"] == "global")
        .map(|a| format!("{}/{}", a["local"].as_str().unwrap_or(""), a["prefixlen"]))
        .collect()
}

fn default_routes(ns: &Netns, family: &str) -> Vec<Value> {
    ip_json(&["-n", &ns.name, family, "route", "show", "default"])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// ADD, CHECK and DEL of one NAD config on the node bridge `bridge` (as the NNCP makes it),
/// asserting that the container interface gets exactly what the NIC's plan gives the pod side:
/// one address per static family, a default route per family with a gateway, nothing on an L2
/// port.
fn exercise_nad(label: &str, bridge: &NodeBridge, nad: &Nad) {
    let ctx = format!("{label}: NAD {}", nad.name);
    let config = &nad.config;
    assert_eq!(config["type"], "bridge", "{ctx}");
    assert_eq!(
        config["name"],
        nad.name.as_str(),
        "{ctx}: the CNI network is named after the NAD"
    );
    assert_eq!(
        config["bridge"].as_str(),
        Some(bridge.name.as_str()),
        "{ctx}: the NAD plugs into the NNCP's bridge"
    );
    let vlan = config.get("vlan").and_then(Value::as_u64);
    assert_eq!(
        vlan.is_some(),
        bridge.vlan_filtering,
        "{ctx}: NAD vlan and NNCP port VLAN agree"
    );
    let l2_only = config["ipam"] == json!({});

    let tmp = TempDir::new("cni");
    let node = Netns::new("node");
    let vm = Netns::new("vm");
    let filtering = vlan.is_some() && kernel_has_bridge_vlan_filtering(&node);
    make_bridge(&node, bridge, filtering);

    let mut config = config.clone();
    if config["ipam"]["type"] == "host-local" {
        // The only change to the generated config: host-local keeps reservations in
        // /var/lib/cni/networks by default; this test keeps them in its own temp dir.
        config["ipam"]["dataDir"] = json!(tmp.join("ipam"));
    }
    let id = unique("ctr");
    let ifname = nad.nic.eth.as_str();

    let add = cni(&node, &vm, "ADD", &id, ifname, &config);
    if let Some(v) = vlan {
        if !filtering {
            println!("{ctx}: CASE no-vlan-filtering: this kernel's bridges cannot filter VLANs; asserting the plugin refuses VLAN {v}");
            let msg = cni_error(&add);
            assert!(
                !add.ok(),
                "{ctx}: ADD of a VLAN port succeeded on a bridge without VLAN filtering"
            );
            assert!(
                msg.contains("vlan") && msg.contains("not supported"),
                "{ctx}: refused for the VLAN: {msg}"
            );
            let del = cni(&node, &vm, "DEL", &id, ifname, &config);
            assert!(
                del.ok(),
                "{ctx}: DEL after the failed ADD: {}",
                cni_error(&del)
            );
            return;
        }
        println!("{ctx}: CASE vlan-filtering: asserting the port carries VLAN {v} untagged");
    }
    assert!(
        add.ok(),
        "{ctx}: ADD failed: {}\nconfig: {config}",
        cni_error(&add)
    );
    let result: Value =
        serde_json::from_str(&add.stdout).unwrap_or_else(|e| panic!("{ctx}: ADD result: {e}"));

    let port = assert_bridge_port(&ctx, &node, &vm, &bridge.name, ifname);
    let guest = &ip_json(&["-n", &vm.name, "link", "show", "dev", ifname])[0];
    if let Some(mtu) = config["mtu"].as_u64() {
        assert_eq!(
            guest["mtu"].as_u64(),
            Some(mtu),
            "{ctx}: container interface MTU"
        );
        assert_eq!(port["mtu"].as_u64(), Some(mtu), "{ctx}: bridge port MTU");
    }
    let ips = result["ips"].as_array().cloned().unwrap_or_default();
    let static_addresses = match &nad.nic.plan {
        Plan::Ip(p) => p.static_addresses(),
        Plan::Unconfigured => Vec::new(),
    };
    let gateways = match &nad.nic.plan {
        Plan::Ip(p) => p.gateways(),
        Plan::Unconfigured => Vec::new(),
    };
    let mut got = global_addresses(&vm, ifname);
    got.sort();
    let mut want: Vec<String> = static_addresses.iter().map(ToString::to_string).collect();
    want.sort();
    assert_eq!(
        got, want,
        "{ctx}: exactly the spec's static addresses, one per static family"
    );
    let v4_link: Vec<String> = ip_json(&["-n", &vm.name, "-4", "addr", "show", "dev", ifname])
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|l| l["addr_info"].as_array().cloned().unwrap_or_default())
        .map(|a| a["local"].to_string())
        .collect();
    assert!(
        static_addresses.iter().any(|a| a.addr().is_ipv4()) || v4_link.is_empty(),
        "{ctx}: no IPv4 address without a static IPv4 family: {v4_link:?}"
    );
    for (family, v4) in [("-4", true), ("-6", false)] {
        let routes = default_routes(&vm, family);
        let got: Vec<(Option<&str>, Option<&str>)> = routes
            .iter()
            .map(|r| (r["gateway"].as_str(), r["dev"].as_str()))
            .collect();
        let want: Vec<String> = gateways
            .iter()
            .filter(|g| g.is_ipv4() == v4)
            .map(ToString::to_string)
            .collect();
        let want: Vec<(Option<&str>, Option<&str>)> = want
            .iter()
            .map(|g| (Some(g.as_str()), Some(ifname)))
            .collect();
        assert_eq!(
            got, want,
            "{ctx}: the {family} default route via the spec's gateway, none without one"
        );
    }
    let reservations: Vec<PathBuf> = if static_addresses.is_empty() {
        assert!(l2_only, "{ctx}: DHCP mode is L2 only: {config}");
        assert!(
            ips.is_empty(),
            "{ctx}: no IPAM result for an L2 port: {result}"
        );
        Vec::new()
    } else {
        assert_eq!(
            ips.len(),
            static_addresses.len(),
            "{ctx}: one IPAM result per static family: {result}"
        );
        static_addresses
            .iter()
            .map(|address| {
                let file = tmp
                    .join("ipam")
                    .join(&nad.name)
                    .join(address.addr().to_string());
                assert!(
                    file.exists(),
                    "{ctx}: host-local reserved {}",
                    address.addr()
                );
                file
            })
            .collect()
    };
    if let (Some(v), true) = (vlan, filtering) {
        let port_name = port["ifname"].as_str().unwrap();
        let vlans = bridge_vlans(&node, port_name);
        let entry = vlans
            .iter()
            .find(|e| e["vlan"].as_u64() == Some(v))
            .unwrap_or_else(|| panic!("{ctx}: port {port_name} lacks VLAN {v}: {vlans:?}"));
        let flags: Vec<&str> = entry["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            flags.contains(&"PVID") && flags.contains(&"Egress Untagged"),
            "{ctx}: VLAN {v} is the port's untagged PVID: {flags:?}"
        );
    }

    // CHECK as a runtime sends it: the config plus the ADD result as prevResult.
    let mut check_config = config.clone();
    check_config["prevResult"] = result.clone();
    let check = cni(&node, &vm, "CHECK", &id, ifname, &check_config);
    if l2_only && !check.ok() {
        // The bridge plugin's CHECK always runs the IPAM plugin, even when there is none
        // (plugins 1.1.1 and upstream since): CHECK cannot pass for any L2-only config.
        assert_eq!(
            cni_error(&check),
            "no plugin name provided",
            "{ctx}: CHECK failed for another reason"
        );
        println!("{ctx}: CASE l2-check: the plugin cannot CHECK an L2-only port (it runs an IPAM plugin with no name)");
    } else {
        assert!(check.ok(), "{ctx}: CHECK failed: {}", cni_error(&check));
    }

    let del = cni(&node, &vm, "DEL", &id, ifname, &config);
    assert!(del.ok(), "{ctx}: DEL failed: {}", cni_error(&del));
    let gone = run(
        Command::new(tool("ip")).args(["-n", &vm.name, "link", "show", "dev", ifname]),
        None,
    );
    assert!(!gone.ok(), "{ctx}: DEL left {ifname} behind");
    let ports = ip_json(&["-n", &node.name, "link", "show", "master", &bridge.name]);
    assert_eq!(
        ports,
        json!([]),
        "{ctx}: DEL left a port on {}",
        bridge.name
    );
    for file in reservations {
        assert!(
            !file.exists(),
            "{ctx}: DEL released the host-local reservation {}",
            file.display()
        );
    }
}

/// `bridge -j vlan show dev PORT` in a namespace: the port's VLAN entries.
fn bridge_vlans(ns: &Netns, port: &str) -> Vec<Value> {
    let r = run(
        Command::new(tool("bridge")).args(["-n", &ns.name, "-j", "vlan", "show", "dev", port]),
        None,
    );
    assert!(r.ok(), "bridge vlan show: {}", r.stderr);
    let v: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("bridge -j: {e}: {}", r.stdout));
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["vlans"].as_array())
        .flatten()
        .cloned()
        .collect()
}

#[test]
fn cni_bridge_plugin_refuses_dhcp_ipam_without_its_daemon() {
    if !ready(
        "cni_bridge_plugin_refuses_dhcp_ipam_without_its_daemon",
        Privilege::NetworkNamespaces,
        &["ip", "cni/bridge", "cni/dhcp"],
    ) {
        return;
    }
    assert!(
        !Path::new("/run/cni/dhcp.sock").exists(),
        "a CNI dhcp daemon runs here (/run/cni/dhcp.sock); this test shows what happens without one"
    );
    let r = seed_dhcp();
    let nad = nads(&r).into_iter().next().expect("the seed's DHCP NAD");
    assert_eq!(
        nad.config["ipam"],
        json!({}),
        "the generated DHCP NAD has no IPAM"
    );
    let node = Netns::new("node");
    let vm = Netns::new("vm");
    make_bridge(
        &node,
        &node_bridge(&r, nad.config["bridge"].as_str().unwrap()),
        false,
    );

    // The alternative the generator does not write: IPAM by the CNI dhcp plugin. (Without
    // disableContainerInterface, which newer plugins refuse next to any IPAM.)
    let mut with_dhcp_ipam = nad.config.clone();
    with_dhcp_ipam["ipam"] = json!({"type": "dhcp"});
    with_dhcp_ipam
        .as_object_mut()
        .unwrap()
        .remove("disableContainerInterface");
    let add = cni(&node, &vm, "ADD", &unique("ctr"), "eth1", &with_dhcp_ipam);
    assert!(
        !add.ok(),
        "ADD with dhcp IPAM succeeded without the dhcp daemon"
    );
    let msg = cni_error(&add);
    assert!(
        msg.contains("DHCP daemon"),
        "ADD with dhcp IPAM fails for want of the daemon: {msg}"
    );

    // The generated config, in the same place, works.
    let add = cni(&node, &vm, "ADD", &unique("ctr"), "eth2", &nad.config);
    assert!(add.ok(), "the generated DHCP NAD: {}", cni_error(&add));
}

fn seed_dhcp() -> Rendered {
    rendered()
        .into_iter()
        .find(|r| r.label == "seed-dhcp.yaml")
        .expect("seed-dhcp.yaml")
}

// ---------------------------------------------------------------------------------------------
// The seed's whole DHCP path
// ---------------------------------------------------------------------------------------------

const ROUTER: &str = "192.168.77.1";
/// The router's IPv6 address, in the prefix it advertises.
const ROUTER6: &str = "2001:db8:77::1";
const PREFIX6: &str = "2001:db8:77::/64";
/// The DNS server dnsmasq hands out by DHCPv6.
const DNS6: &str = "2001:db8:77::53";
/// Seconds between dnsmasq's unsolicited router advertisements (`--ra-param`).
const RA_INTERVAL: u64 = 10;

/// The seed's DHCP path built from network namespaces: `phys` plays the physical router,
/// `node` holds the NNCP's bridge with its port (a veth whose peer is the router's gw0), and
/// `vm` is the guest, whose NIC the bridge plugin makes from the generated DHCP NAD, unchanged.
/// Dropped in field order: the namespaces, then the files (processes started on it are locals
/// of the test, dropped before it).
struct SeedPath {
    vm: Netns,
    node: Netns,
    phys: Netns,
    tmp: TempDir,
    nad: Nad,
    bridge: NodeBridge,
}

impl SeedPath {
    /// The path up to a guest NIC that forwards, with the pinned MAC. `guest_sysctls` are set
    /// in the guest namespace before the plugin makes the NIC, so they apply to it from its
    /// creation (`net.ipv6.conf.default.*`); `ipv6` gives the router its IPv6 address too.
    fn build(role: &str, guest_sysctls: &[(&str, &str)], ipv6: bool) -> SeedPath {
        let r = seed_dhcp();
        let nad = nads(&r).into_iter().next().expect("the seed's DHCP NAD");
        assert!(
            matches!(&nad.nic.plan, Plan::Ip(p) if p.dhcp4_on()),
            "the seed's external network is DHCP"
        );
        let bridge = node_bridge(&r, nad.config["bridge"].as_str().unwrap());
        let path = SeedPath {
            tmp: TempDir::new(role),
            phys: Netns::new("phys"),
            node: Netns::new("node"),
            vm: Netns::new("vm"),
            nad,
            bridge,
        };
        let (phys, node, vm, bridge) = (&path.phys, &path.node, &path.vm, &path.bridge);
        let (ifname, mac) = (path.ifname(), path.nad.nic.mac.as_str());

        // The physical network: the NNCP's port (ens192) is a veth whose peer is the router.
        ip(&[
            "-n",
            &node.name,
            "link",
            "add",
            &bridge.port,
            "type",
            "veth",
            "peer",
            "name",
            "gw0",
            "netns",
            &phys.name,
        ]);
        ip(&[
            "-n",
            &phys.name,
            "addr",
            "add",
            &format!("{ROUTER}/24"),
            "dev",
            "gw0",
        ]);
        if ipv6 {
            // The router's link-local address (the source of its RAs) usable at once.
            phys.sysctl("net.ipv6.conf.gw0.accept_dad", "0");
            ip(&[
                "-n",
                &phys.name,
                "addr",
                "add",
                &format!("{ROUTER6}/64"),
                "dev",
                "gw0",
                "nodad",
            ]);
        }
        ip(&["-n", &phys.name, "link", "set", "gw0", "up"]);
        make_bridge(node, bridge, false);
        ip(&[
            "-n",
            &node.name,
            "link",
            "set",
            &bridge.port,
            "master",
            &bridge.name,
        ]);
        ip(&["-n", &node.name, "link", "set", &bridge.port, "up"]);

        for (key, value) in guest_sysctls {
            vm.sysctl(key, value);
        }
        // The VM's port, made by the plugin from the generated NAD config, unchanged.
        let add = cni(node, vm, "ADD", &unique("ctr"), ifname, &path.nad.config);
        assert!(add.ok(), "ADD: {}", cni_error(&add));
        assert_bridge_port(role, node, vm, &bridge.name, ifname);
        // The guest NIC: KubeVirt gives it the MAC the VM pins. Set with the link down and then
        // brought up as the guest would, so the IPv6 link-local and SLAAC addresses derive from
        // the pinned MAC too (newer plugins leave it down for disableContainerInterface).
        ip(&["-n", &vm.name, "link", "set", ifname, "down"]);
        ip(&["-n", &vm.name, "link", "set", ifname, "address", mac]);
        ip(&["-n", &vm.name, "link", "set", ifname, "up"]);
        // A veth reports carrier up to a second after it is set up; until then the bridge drops
        // frames from it, the guest's first DISCOVER among them.
        wait_for(
            "both bridge ports to forward",
            Duration::from_secs(5),
            || {
                let ports = ip_json(&[
                    "-n",
                    &node.name,
                    "-d",
                    "link",
                    "show",
                    "master",
                    &bridge.name,
                ]);
                let ports = ports.as_array().cloned().unwrap_or_default();
                let forwarding = |p: &Value| {
                    p["linkinfo"]["info_slave_data"]["state"] == "forwarding"
                        && !p["flags"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|f| f == "NO-CARRIER")
                };
                (ports.len() == 2 && ports.iter().all(forwarding)).then_some(())
            },
        );
        // The guest's own /etc for dhclient-script: its resolv.conf, and /etc/dhcp with no
        // hooks, so nothing of the host's is touched.
        write(&vm.etc().join("resolv.conf"), "");
        write(
            &vm.etc().join("dhcp/dhclient.conf"),
            "timeout 20;\nrequest subnet-mask, broadcast-address, routers, domain-name-servers;\n",
        );
        for hooks in ["dhcp/dhclient-enter-hooks.d", "dhcp/dhclient-exit-hooks.d"] {
            std::fs::create_dir_all(vm.etc().join(hooks)).unwrap();
        }
        path
    }

    fn ifname(&self) -> &str {
        &self.nad.nic.eth
    }

    fn mac(&self) -> &str {
        &self.nad.nic.mac
    }

    fn dnsmasq_log(&self) -> PathBuf {
        self.tmp.join("dnsmasq.log")
    }

    /// dnsmasq on the router: DHCPv4 for 192.168.77.100-150, plus `extra` (the IPv6 options);
    /// returns once it has bound its DHCP socket (and, with `--enable-ra`, started its RAs).
    fn dnsmasq(&self, extra: &[&str]) -> Daemon {
        let log = self.dnsmasq_log();
        let mut cmd = self.phys.exec(&tool("dnsmasq"));
        cmd.args([
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--port=0", // DHCP only
            "--interface=gw0",
            "--bind-interfaces",
            "--dhcp-range=192.168.77.100,192.168.77.150,255.255.255.0,1h",
            &format!("--dhcp-option=3,{ROUTER}"),
            &format!("--dhcp-option=6,{ROUTER}"),
            // No ICMP probe of an address before offering it: nothing else lives on this
            // network, and the probe costs a 3 s retry of the first DISCOVER.
            "--no-ping",
            "--log-dhcp",
            &format!("--log-facility={}", log.display()),
            &format!(
                "--dhcp-leasefile={}",
                self.tmp.join("dnsmasq.leases").display()
            ),
            &format!("--pid-file={}", self.tmp.join("dnsmasq.pid").display()),
        ]);
        cmd.args(extra);
        let out = self.tmp.join("dnsmasq.out");
        let mut dnsmasq = Daemon::spawn(cmd, &out);
        let ra = extra.contains(&"--enable-ra");
        wait_for("dnsmasq to serve DHCP", Duration::from_secs(10), || {
            if let Some(status) = dnsmasq.exited() {
                panic!(
                    "{} exited ({status}): {}",
                    dnsmasq.what,
                    std::fs::read_to_string(&out).unwrap_or_default()
                );
            }
            std::fs::read_to_string(&log).ok().filter(|l| {
                l.contains("DHCP, sockets bound exclusively to interface gw0")
                    && (!ra || l.contains("IPv6 router advertisement enabled"))
            })
        });
        dnsmasq
    }

    /// `dhclient -d -v -1 ARGS ifname` in the guest, owned by the returned daemon; its output
    /// file.
    fn dhclient(&self, role: &str, args: &[&str]) -> (Daemon, PathBuf) {
        let out = self.tmp.join(format!("{role}.out"));
        let mut cmd = self.vm.exec(&tool("dhclient"));
        cmd.args(args)
            .args(["-d", "-v", "-1", "-lf"])
            .arg(self.tmp.join(format!("{role}.leases")))
            .arg("-pf")
            .arg(self.tmp.join(format!("{role}.pid")))
            .arg(self.ifname());
        (Daemon::spawn(cmd, &out), out)
    }

    /// DHCPv4 as on a bare-metal machine on that switch: dhclient's DORA with dnsmasq for the
    /// pinned MAC, then the lease's address, default route and DNS in the guest.
    fn assert_dora(&self) -> IpNet {
        let (vm, ifname, mac) = (&self.vm, self.ifname(), self.mac());
        let (mut dhclient, dhclient_out) = self.dhclient("dhclient", &[]);
        let lease: IpNet = wait_for(
            &format!("a DHCP address on the guest's {ifname}"),
            Duration::from_secs(25),
            || {
                if let Some(status) = dhclient.exited() {
                    panic!(
                        "dhclient exited ({status}) without a lease: {}",
                        std::fs::read_to_string(&dhclient_out).unwrap_or_default()
                    );
                }
                let link = &ip_json(&["-n", &vm.name, "addr", "show", "dev", ifname])[0];
                link["addr_info"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|a| a["family"] == "inet")
                    .and_then(|a| {
                        format!("{}/{}", a["local"].as_str()?, a["prefixlen"])
                            .parse()
                            .ok()
                    })
            },
        );
        let addr = lease.addr().to_string();
        let last: u8 = addr
            .rsplit('.')
            .next()
            .and_then(|o| o.parse().ok())
            .unwrap();
        assert!(
            addr.starts_with("192.168.77.")
                && (100..=150).contains(&last)
                && lease.prefix_len() == 24,
            "the lease {lease} is from the DHCP range 192.168.77.100-150/24"
        );

        // The whole exchange, for the pinned MAC, in order.
        let log = wait_for("dnsmasq to log the DHCPACK", Duration::from_secs(5), || {
            std::fs::read_to_string(self.dnsmasq_log())
                .ok()
                .filter(|l| l.contains(&format!("DHCPACK(gw0) {addr} {mac}")))
        });
        let mut at = 0;
        for step in [
            format!("DHCPDISCOVER(gw0) {mac}"),
            format!("DHCPOFFER(gw0) {addr} {mac}"),
            format!("DHCPREQUEST(gw0) {addr} {mac}"),
            format!("DHCPACK(gw0) {addr} {mac}"),
        ] {
            let found = log[at..]
                .find(&step)
                .unwrap_or_else(|| panic!("dnsmasq log lacks `{step}` after DHCPDISCOVER:\n{log}"));
            at += found + step.len();
        }
        assert!(
            read(&self.tmp.join("dnsmasq.leases"))
                .lines()
                .any(|l| l.contains(&format!("{mac} {addr}"))),
            "dnsmasq leased {addr} to {mac}"
        );

        // dhclient-script applied the rest of the lease in the guest.
        let out = wait_for(
            "dhclient to report the binding",
            Duration::from_secs(5),
            || {
                std::fs::read_to_string(&dhclient_out)
                    .ok()
                    .filter(|o| o.contains(&format!("bound to {addr}")))
            },
        );
        assert!(
            out.contains(&format!("DHCPACK of {addr} from {ROUTER}")),
            "dhclient: {out}"
        );
        let routes = default_routes(vm, "-4");
        assert_eq!(routes.len(), 1, "one default route: {routes:?}");
        assert_eq!(
            (routes[0]["gateway"].as_str(), routes[0]["dev"].as_str()),
            (Some(ROUTER), Some(ifname)),
            "default route via the router"
        );
        let resolv = wait_for("the guest's resolv.conf", Duration::from_secs(5), || {
            std::fs::read_to_string(vm.etc().join("resolv.conf"))
                .ok()
                .filter(|t| t.contains("nameserver"))
        });
        assert!(
            resolv
                .lines()
                .any(|l| l.trim() == format!("nameserver {ROUTER}")),
            "the DHCP server's DNS: {resolv}"
        );
        lease
    }

    /// How many router advertisements the guest's kernel has received so far.
    fn ras_received(&self) -> u64 {
        let mut cat = self.vm.exec(&tool("cat"));
        cat.arg("/proc/net/snmp6");
        let r = run(&mut cat, None);
        assert!(r.ok(), "/proc/net/snmp6 in the guest: {}", r.stderr);
        r.stdout
            .lines()
            .find_map(|l| l.strip_prefix("Icmp6InRouterAdvertisements"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no Icmp6InRouterAdvertisements in:\n{}", r.stdout))
    }
}

#[test]
fn seed_dhcp_guest_gets_a_lease_through_the_generated_nad() {
    if !ready(
        "seed_dhcp_guest_gets_a_lease_through_the_generated_nad",
        Privilege::NetworkNamespaces,
        &["ip", "cni/bridge", "dnsmasq", "dhclient", "dhclient-script"],
    ) {
        return;
    }
    let path = SeedPath::build("dora", &[], false);
    let _dnsmasq = path.dnsmasq(&[]);
    let lease = path.assert_dora();
    println!(
        "seed-dhcp: {} ({}) leased {lease} through {} -> {} -> dnsmasq",
        path.ifname(),
        path.mac(),
        path.nad.name,
        path.bridge.name
    );
}

/// dnsmasq's IPv6 side: router advertisements every RA_INTERVAL s for PREFIX6 with the A flag
/// (SLAAC) and the M flag (DHCPv6 for addresses ::100-::1ff), and DNS6 by DHCPv6. (The mode
/// goes before the prefix length in `--dhcp-range`.)
fn dnsmasq_ipv6_args() -> Vec<String> {
    vec![
        "--enable-ra".to_string(),
        format!("--ra-param=gw0,{RA_INTERVAL}"),
        "--dhcp-range=::100,::1ff,constructor:gw0,slaac,64,1h".to_string(),
        format!("--dhcp-option=option6:dns-server,[{DNS6}]"),
    ]
}

/// The SLAAC address of `mac` in `prefix`: the modified EUI-64 interface identifier (RFC 4291
/// appendix A: ff:fe in the middle, the universal/local bit flipped).
fn eui64_address(prefix: Ipv6Net, mac: &str) -> Ipv6Addr {
    let b: Vec<u8> = mac
        .split(':')
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    assert_eq!(b.len(), 6, "a MAC: {mac}");
    let mut octets = prefix.network().octets();
    octets[8..].copy_from_slice(&[b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]]);
    Ipv6Addr::from(octets)
}

/// The guest side of `ipv6` in a Wukong: the sysctls a guest's network stack ends up with once
/// cloud-init's rendering is applied, set here on the namespace before the NIC exists (the
/// kernel copies `default.*` to a new interface). accept_ra=2 accepts RAs even if forwarding
/// were on (a namespace can inherit forwarding=1 on a Kubernetes node); accept_dad=0 lets
/// dhclient -6 bind its link-local socket at once instead of after DAD.
fn guest_ipv6_sysctls(accept_ra: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("net.ipv6.conf.default.accept_ra", accept_ra),
        ("net.ipv6.conf.default.autoconf", "1"),
        ("net.ipv6.conf.default.accept_dad", "0"),
    ]
}

/// The seed's path with a dual-stack router: one dnsmasq answers DHCPv4 and sends RAs and
/// DHCPv6 on the same "physical" segment. Through the generated DHCP NAD (L2 only) and the node
/// bridge, the guest gets (a) a SLAAC address, the pinned MAC's EUI-64 in the advertised prefix;
/// (b) a DHCPv6 lease from `dhclient -6` (a /128: the on-link prefix and the route come from
/// the RA); (c) its DHCPv4 lease as today; (d) the RA's default route. The guest sysctls play
/// the role cloud-init's rendering of `ipv6: {mode: dhcp}` (`dhcp6: true`, `accept-ra: true`)
/// would have in a real guest.
#[test]
fn seed_dual_stack_guest_gets_slaac_dhcpv6_and_dhcpv4_through_the_generated_nad() {
    if !ready(
        "seed_dual_stack_guest_gets_slaac_dhcpv6_and_dhcpv4_through_the_generated_nad",
        Privilege::NetworkNamespaces,
        &[
            "ip",
            "cni/bridge",
            "dnsmasq",
            "dhclient",
            "dhclient-script",
            "tee",
            "cat",
        ],
    ) {
        return;
    }
    let path = SeedPath::build("dual-stack", &guest_ipv6_sysctls("2"), true);
    let (vm, ifname, mac) = (&path.vm, path.ifname(), path.mac());
    let prefix: Ipv6Net = PREFIX6.parse().unwrap();
    let ipv6_args = dnsmasq_ipv6_args();
    let ipv6_args: Vec<&str> = ipv6_args.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let _dnsmasq = path.dnsmasq(&ipv6_args);

    // (c) DHCPv4 on the same bridge, exactly as the IPv4 seed test.
    let lease4 = path.assert_dora();

    // (a) SLAAC from the RA.
    let slaac = vm.wait_for_ipv6_address(ifname, prefix, 64, Duration::from_secs(15));
    let slaac_after = started.elapsed();
    assert_eq!(
        slaac,
        eui64_address(prefix, mac),
        "the SLAAC address is the pinned MAC {mac}'s EUI-64 in {prefix}"
    );

    // (b) DHCPv6: a /128 from dnsmasq's range, the one dnsmasq says it gave.
    let t6 = std::time::Instant::now();
    let (mut dhclient6, out6) = path.dhclient("dhclient6", &["-6"]);
    let range = |a: &Ipv6Addr| {
        let last = a.segments()[7];
        prefix.contains(a) && a.segments()[4..7] == [0, 0, 0] && (0x100..=0x1ff).contains(&last)
    };
    let lease6 = wait_for_or(
        &format!("a DHCPv6 /128 from ::100-::1ff on the guest's {ifname}"),
        Duration::from_secs(10),
        || {
            if let Some(status) = dhclient6.exited() {
                panic!(
                    "dhclient -6 exited ({status}) without a lease: {}",
                    std::fs::read_to_string(&out6).unwrap_or_default()
                );
            }
            vm.ipv6_addresses(ifname).iter().find_map(|a| {
                let addr: Ipv6Addr = a["local"].as_str()?.parse().ok()?;
                (a["prefixlen"] == 128 && a["tentative"] != true && range(&addr)).then_some(addr)
            })
        },
        || ip(&["-n", &vm.name, "-6", "addr", "show", "dev", ifname]),
    );
    let dhcp6_after = t6.elapsed();
    let log = wait_for(
        "dnsmasq to log the DHCPREPLY",
        Duration::from_secs(5),
        || {
            std::fs::read_to_string(path.dnsmasq_log())
                .ok()
                .filter(|l| l.contains(&format!("DHCPREPLY(gw0) {lease6}")))
        },
    );
    let mut at = 0;
    for step in [
        "DHCPSOLICIT(gw0)".to_string(),
        format!("DHCPADVERTISE(gw0) {lease6}"),
        "DHCPREQUEST(gw0)".to_string(),
        format!("DHCPREPLY(gw0) {lease6}"),
    ] {
        let found = log[at..]
            .find(&step)
            .unwrap_or_else(|| panic!("dnsmasq log lacks `{step}` in order:\n{log}"));
        at += found + step.len();
    }
    let leases6 = wait_for(
        "dhclient -6 to write its lease",
        Duration::from_secs(5),
        || {
            std::fs::read_to_string(path.tmp.join("dhclient6.leases"))
                .ok()
                .filter(|l| l.contains("iaaddr"))
        },
    );
    // dhclient's DUID is DUID-LLT, which ends with the NIC's MAC: the reply went to the guest.
    let reply = log
        .lines()
        .find(|l| l.contains(&format!("DHCPREPLY(gw0) {lease6}")))
        .unwrap();
    assert!(
        reply.contains(mac),
        "dnsmasq answered the pinned MAC {mac}'s DUID: {reply}"
    );
    let said = read(&out6);
    assert!(
        said.contains(&format!("IAADDR {lease6}")) && said.contains("Bound to lease"),
        "dhclient -6 bound {lease6}:\n{said}"
    );
    assert!(
        leases6.contains(&format!("iaaddr {lease6} {{")),
        "dhclient -6's lease is {lease6}:\n{leases6}"
    );
    assert!(
        leases6.contains(&format!("option dhcp6.name-servers {DNS6};")),
        "dhclient -6 got the DHCPv6 DNS server {DNS6}:\n{leases6}"
    );

    // Both IPv6 addresses and the IPv4 lease are on the guest NIC together.
    let mut global = global_addresses(vm, ifname);
    global.sort();
    let mut want = vec![
        lease4.to_string(),
        format!("{slaac}/64"),
        format!("{lease6}/128"),
    ];
    want.sort();
    assert_eq!(
        global, want,
        "the guest's addresses: DHCPv4, SLAAC and DHCPv6"
    );

    // (d) The default route from the RA: via the router's link-local address, proto ra.
    let routes = default_routes(vm, "-6");
    let gw0 = path.phys.ipv6_addresses("gw0");
    let router_ll = gw0
        .iter()
        .find(|a| a["scope"] == "link")
        .and_then(|a| a["local"].as_str())
        .unwrap_or_else(|| panic!("the router's link-local address: {gw0:?}"))
        .to_string();
    let got: Vec<(Option<&str>, Option<&str>, Option<&str>)> = routes
        .iter()
        .map(|r| {
            (
                r["gateway"].as_str(),
                r["dev"].as_str(),
                r["protocol"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [(Some(router_ll.as_str()), Some(ifname), Some("ra"))],
        "one IPv6 default route, via the router's link-local address, from its RA: {routes:?}"
    );
    assert!(path.ras_received() > 0, "the guest counted the RAs");
    println!(
        "seed-dual-stack: {ifname} ({mac}) through {} -> {}: DHCPv4 {lease4}, SLAAC {slaac}/64 \
         ({:.1} s after dnsmasq started), DHCPv6 {lease6}/128 ({:.1} s), default via {router_ll} proto ra",
        path.nad.name,
        path.bridge.name,
        slaac_after.as_secs_f64(),
        dhcp6_after.as_secs_f64()
    );
}

/// The same path and router with RAs off in the guest (`net.ipv6.conf.default.accept_ra=0`,
/// the guest sysctl that cloud-init's rendering of `ipv6: {mode: disabled}`, `accept-ra:
/// false`, gives): over more than one RA interval the guest receives the router's RAs and still
/// gets no global IPv6 address and no IPv6 default route, while DHCPv4 works.
#[test]
fn seed_guest_with_ipv6_disabled_ignores_the_routers_advertisements() {
    if !ready(
        "seed_guest_with_ipv6_disabled_ignores_the_routers_advertisements",
        Privilege::NetworkNamespaces,
        &[
            "ip",
            "cni/bridge",
            "dnsmasq",
            "dhclient",
            "dhclient-script",
            "tee",
            "cat",
        ],
    ) {
        return;
    }
    let path = SeedPath::build("ipv6-disabled", &guest_ipv6_sysctls("0"), true);
    let (vm, ifname) = (&path.vm, path.ifname());
    let ipv6_args = dnsmasq_ipv6_args();
    let ipv6_args: Vec<&str> = ipv6_args.iter().map(String::as_str).collect();
    let before = path.ras_received();
    let _dnsmasq = path.dnsmasq(&ipv6_args);
    let lease4 = path.assert_dora();

    let window = Duration::from_secs(RA_INTERVAL + 2);
    let deadline = std::time::Instant::now() + window;
    while std::time::Instant::now() < deadline {
        let v6: Vec<String> = global_addresses(vm, ifname)
            .into_iter()
            .filter(|a| a.contains(':'))
            .collect();
        assert!(
            v6.is_empty(),
            "a global IPv6 address with accept_ra=0: {v6:?}\n{}",
            ip(&["-n", &vm.name, "-6", "addr", "show", "dev", ifname])
        );
        let routes = default_routes(vm, "-6");
        assert!(
            routes.is_empty(),
            "an IPv6 default route with accept_ra=0: {routes:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let received = path.ras_received() - before;
    assert!(
        received > 0,
        "the router's RAs reached the guest during the {window:?} (else this test shows nothing)"
    );
    assert_eq!(
        global_addresses(vm, ifname),
        [lease4.to_string()],
        "only the DHCPv4 lease is global on the guest NIC"
    );
    println!(
        "seed-ipv6-disabled: {ifname} received {received} RAs in {window:?}, kept only {lease4}"
    );
}
