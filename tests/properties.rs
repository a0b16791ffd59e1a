//! Property tests: generated valid Wukong specs (names, pinned and derived MACs, IPv4 and IPv6
//! CIDRs, gateways, DNS servers, VLANs, MTUs, mixes of DHCP and static, with or without the pod
//! network) must render without a finding, and what they render must be accepted by the real
//! consumers and set up each NIC, by its MAC, as the spec asks:
//!
//! - `generated_specs_render_what_they_ask_for`: the networkData and NAD configs as data, many
//!   cases, no tools needed;
//! - `netplan_accepts_every_generated_network_data`: `netplan generate`, one run per spec;
//! - `cloud_init_accepts_every_generated_network_data`: cloud-init's sysconfig and networkd
//!   renderers, one run each per spec;
//! - `cni_bridge_plugin_accepts_every_generated_nad`: the CNI bridge plugin ADD and DEL of every
//!   NAD, in network namespaces.
//!
//! Expectations come from the generator (what the spec asks for), never from the artifact under
//! test. Consumer runs cost a process start each, so those tests run few cases (PROPTEST_CASES,
//! default 20); a failing case is shrunk to a minimal spec and saved by proptest under
//! tests/properties.proptest-regressions, which later runs replay first. Tests that lack root or
//! a tool say why and return; with CI=true they fail instead.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "real_consumers/expect.rs"]
mod expect;
#[allow(dead_code)]
#[path = "real_consumers/formats.rs"]
mod formats;
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use expect::{guest_nics, nads, node_bridge, GuestNic, IpPlan, Plan, Rendered};
use formats::{get, parse_shell_vars, Unit};
use harness::{
    cloud_init_net_convert, cni, ip, ip_json, netplan_generate, read, ready, run, tool, unique,
    write, Netns, Privilege, TempDir,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// How a generated network gets its address.
#[derive(Debug, Clone)]
enum Ip {
    Dhcp {
        dns: Vec<IpAddr>,
    },
    Static {
        address: IpNet,
        gateway: Option<IpAddr>,
        dns: Vec<IpAddr>,
    },
}

/// A Multus network on its own operator-made bridge.
#[derive(Debug, Clone)]
struct Net {
    name: String,
    bridge: String,
    nic: String,
    vlan: Option<u16>,
    mtu: Option<u16>,
    /// Pinned MAC, and whether the spec writes it in upper case.
    mac: Option<([u8; 6], bool)>,
    ip: Ip,
}

/// The pod network, when the spec lists it: bare, or with `ipConfig: {mode: dhcp}`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pod {
    Absent,
    Bare,
    Dhcp,
}

#[derive(Debug, Clone)]
struct Spec {
    name: String,
    namespace: String,
    pod: Pod,
    nets: Vec<Net>,
}

impl Spec {
    /// The Wukong as a user writes it, serialized to YAML by the project's emitter.
    fn yaml(&self) -> String {
        let mut networks = Vec::new();
        match self.pod {
            Pod::Absent => {}
            Pod::Bare => networks.push(json!({"name": "default"})),
            Pod::Dhcp => networks.push(json!({"name": "default", "ipConfig": {"mode": "dhcp"}})),
        }
        for n in &self.nets {
            let mut net = json!({"name": n.name, "type": "bridge", "bridgeName": n.bridge, "physicalInterface": n.nic});
            if let Some(v) = n.vlan {
                net["vlanId"] = json!(v);
            }
            if let Some(m) = n.mtu {
                net["mtu"] = json!(m);
            }
            if let Some((mac, upper)) = n.mac {
                let text = mac_text(mac);
                net["macAddress"] = json!(if upper { text.to_uppercase() } else { text });
            }
            let strings = |v: &[IpAddr]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
            net["ipConfig"] = match &n.ip {
                Ip::Dhcp { dns } if dns.is_empty() => json!({"mode": "dhcp"}),
                Ip::Dhcp { dns } => json!({"mode": "dhcp", "dnsServers": strings(dns)}),
                Ip::Static {
                    address,
                    gateway,
                    dns,
                } => {
                    let mut ip = json!({"mode": "static", "address": address.to_string()});
                    if let Some(g) = gateway {
                        ip["gateway"] = json!(g.to_string());
                    }
                    if !dns.is_empty() {
                        ip["dnsServers"] = json!(strings(dns));
                    }
                    ip
                }
            };
            networks.push(net);
        }
        let doc = json!({
            "apiVersion": "vm.novasphere.dev/v1alpha1",
            "kind": "Wukong",
            "metadata": {"name": self.name, "namespace": self.namespace, "uid": "0d8c4a5e-1111-2222-3333-444455556666"},
            "spec": {"cpu": 2, "memory": "4Gi", "osImage": "ubuntu:22.04", "networks": networks},
        });
        wukong_net::emit::to_yaml(&doc)
    }

    /// What the guest must get for each network, by network name.
    fn plan(&self, network: &str) -> Plan {
        if network == "default" {
            return Plan::Ip(IpPlan::dhcp4(Vec::new()));
        }
        let n = self.nets.iter().find(|n| n.name == network).unwrap();
        let strings = |v: &[IpAddr]| v.iter().map(ToString::to_string).collect();
        match &n.ip {
            Ip::Dhcp { dns } => Plan::Ip(IpPlan::dhcp4(strings(dns))),
            Ip::Static {
                address,
                gateway,
                dns,
            } => Plan::Ip(IpPlan::single_static(*address, *gateway, strings(dns))),
        }
    }
}

/// The single-family plans this generator makes (IPv6 only as the top-level static address),
/// in the shape its checks match on.
enum One {
    Dhcp,
    Static {
        address: IpNet,
        gateway: Option<IpAddr>,
    },
    Unconfigured,
}

fn one(plan: &Plan) -> One {
    let Plan::Ip(p) = plan else {
        return One::Unconfigured;
    };
    match (p.static_addresses().as_slice(), p.gateways().first()) {
        ([], _) if p.dhcp4_on() => One::Dhcp,
        ([address], gateway) if !p.dhcp4_on() && !p.dhcp6_on() => One::Static {
            address: *address,
            gateway: gateway.copied(),
        },
        _ => panic!("not a plan this generator makes: {p:?}"),
    }
}

fn mac_text(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A host address in `base/16`: the subnet of length `prefix` that `net_bits` pick, and in it
/// the host `host_bits` pick, neither the network nor the broadcast address.
fn host_v4(base: [u8; 2], prefix: u8, net_bits: u16, host_bits: u16) -> Ipv4Addr {
    let host_mask = (1u32 << (32 - prefix)) - 1;
    let mut host = u32::from(host_bits) & host_mask;
    if host == 0 || host == host_mask {
        host = 1;
    }
    let net = u32::from(Ipv4Addr::new(base[0], base[1], 0, 0)) | (u32::from(net_bits) & !host_mask);
    Ipv4Addr::from(net | host)
}

fn dns_servers() -> impl Strategy<Value = Vec<IpAddr>> {
    prop::collection::vec(
        prop_oneof![
            (1u8..=223, any::<u8>(), any::<u8>(), 1u8..=254)
                .prop_map(|(a, b, c, d)| IpAddr::V4(Ipv4Addr::new(a, b, c, d))),
            any::<u16>().prop_map(|h| IpAddr::V6(Ipv6Addr::new(
                0x2001,
                0xdb8,
                0,
                0,
                0,
                0,
                0,
                h.max(1)
            ))),
        ],
        0..=2,
    )
}

/// The address setup of the `index`-th network: each network gets its own /16 (IPv4) or /64
/// (IPv6), so static addresses never collide.
fn ip_config(index: usize) -> impl Strategy<Value = Ip> {
    let i = u8::try_from(index + 1).unwrap();
    let v4 = (
        16u8..=30,
        any::<u16>(),
        any::<u16>(),
        any::<bool>(),
        dns_servers(),
    )
        .prop_map(move |(prefix, a, g, with_gw, dns)| {
            let base = [10, i];
            let address = host_v4(base, prefix, a, a);
            // Another host of the same subnet (a /30 has two).
            let gateway = [g, a ^ 1, a ^ 2, a ^ 3]
                .into_iter()
                .map(|bits| host_v4(base, prefix, a, bits))
                .find(|&gw| gw != address);
            let gateway = gateway.filter(|_| with_gw).map(IpAddr::V4);
            Ip::Static {
                address: IpNet::V4(Ipv4Net::new(address, prefix).unwrap()),
                gateway,
                dns,
            }
        });
    let v6 = (
        64u8..=120,
        any::<u64>(),
        any::<u64>(),
        any::<bool>(),
        dns_servers(),
    )
        .prop_map(move |(prefix, a, g, with_gw, dns)| {
            let host_mask = u64::MAX >> (prefix - 64);
            let net = (0xfd00u128 << 112) | (u128::from(i) << 64) | u128::from(a & !host_mask);
            let host = |bits: u64| {
                let h = bits & host_mask;
                if h == 0 || h == host_mask {
                    1
                } else {
                    h
                }
            };
            let address = Ipv6Addr::from(net | u128::from(host(a)));
            let gw = Ipv6Addr::from(net | u128::from(host(g)));
            let gateway = (with_gw && gw != address).then_some(IpAddr::V6(gw));
            Ip::Static {
                address: IpNet::V6(Ipv6Net::new(address, prefix).unwrap()),
                gateway,
                dns,
            }
        });
    prop_oneof![
        3 => dns_servers().prop_map(|dns| Ip::Dhcp { dns }),
        2 => v4,
        1 => v6,
    ]
}

fn network(index: usize) -> impl Strategy<Value = Net> {
    (
        "[a-z][a-z0-9]{0,5}",
        "[a-z0-9]{1,8}",
        "[a-z]{2,4}[0-9]{0,3}",
        prop::option::of(1u16..=4094),
        prop::option::of(1280u16..=9000),
        prop::option::of((any::<[u8; 5]>(), any::<bool>())),
        ip_config(index),
    )
        .prop_map(move |(name, bridge, nic, vlan, mtu, mac, ip)| Net {
            // The index keeps names, bridges and NICs unique within the spec.
            name: format!("{name}{index}"),
            bridge: format!("br-{bridge}{index}"),
            nic: format!("{nic}x{index}"),
            vlan,
            mtu,
            // Unicast, locally administered; the index byte keeps pinned MACs unique.
            mac: mac.map(|(b, upper)| {
                (
                    [
                        (b[0] & 0xfc) | 0x02,
                        b[1],
                        b[2],
                        b[3],
                        u8::try_from(index).unwrap(),
                        b[4],
                    ],
                    upper,
                )
            }),
            ip,
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    let nets = (1usize..=4).prop_flat_map(|n| (0..n).map(network).collect::<Vec<_>>());
    (
        "[a-z][a-z0-9]{0,7}",
        "[a-z][a-z0-9-]{0,6}[a-z0-9]",
        prop_oneof![Just(Pod::Absent), Just(Pod::Bare), Just(Pod::Dhcp)],
        nets,
    )
        .prop_map(|(name, namespace, pod, nets)| Spec {
            name,
            namespace,
            pod,
            nets,
        })
}

/// Renders a generated spec; it must render without any finding above info.
fn render(spec: &Spec) -> Rendered {
    let yaml = spec.yaml();
    let report = wukong_net::render(&yaml);
    let findings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity > wukong_net::Severity::Info)
        .collect();
    assert!(
        findings.is_empty(),
        "a valid generated spec has findings: {findings:#?}\n{yaml}"
    );
    assert_eq!(report.manifests.len(), 1, "{yaml}");
    Rendered::new(
        format!("{}/{}", spec.namespace, spec.name),
        report.wukongs.into_iter().next().unwrap(),
        &report.manifests[0],
    )
}

/// The guest NICs, checked against the generator: the plan the spec asks for and the pinned MACs.
fn nics(spec: &Spec, r: &Rendered) -> Vec<GuestNic> {
    let nics = guest_nics(r);
    let expected = spec.nets.len() + usize::from(spec.pod != Pod::Absent);
    assert_eq!(
        nics.len(),
        expected,
        "{}: one guest NIC per network",
        r.label
    );
    for nic in &nics {
        assert_eq!(
            nic.plan,
            spec.plan(&nic.network),
            "{}: the model reads {}'s ipConfig as written",
            r.label,
            nic.network
        );
        if let Some(n) = spec.nets.iter().find(|n| n.name == nic.network) {
            if let Some((mac, _)) = n.mac {
                assert_eq!(
                    nic.mac,
                    mac_text(mac),
                    "{}: the VM pins the spec's MAC for {}",
                    r.label,
                    nic.network
                );
            }
            assert_eq!(
                nic.mtu,
                n.mtu.map(u32::from),
                "{}: {} MTU",
                r.label,
                nic.network
            );
        }
    }
    if spec.pod != Pod::Absent {
        assert_eq!(
            nics[0].network, "default",
            "{}: the pod network is eth0",
            r.label
        );
    }
    nics
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

/// Runs `test` on `count` generated specs; a failure is shrunk to a minimal spec.
fn for_generated_specs(count: u32, test: impl Fn(&Spec)) {
    let config = Config {
        cases: count,
        // Each shrink step of a consumer test reruns the consumer: bound it.
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        source_file: Some(file!()),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&spec(), |s| {
        test(&s);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// As data: no tools needed
// ---------------------------------------------------------------------------------------------

#[test]
fn generated_specs_render_what_they_ask_for() {
    for_generated_specs(cases(256), |spec| {
        let r = render(spec);
        let nics = nics(spec, &r);
        let stream = wukong_net::source::parse(&r.network_data);
        assert!(stream.diagnostics.is_empty(), "{:?}", stream.diagnostics);
        let data = &stream.documents[0].value;
        let ethernets = data["network"]["ethernets"].as_object().unwrap();
        assert_eq!(
            ethernets.len(),
            nics.len(),
            "{}: one ethernet per NIC:\n{}",
            r.label,
            r.network_data
        );
        for nic in &nics {
            let eth = &ethernets[&nic.eth];
            let ctx = format!("{}: {} ({})", r.label, nic.eth, nic.network);
            assert_eq!(
                eth["match"]["macaddress"],
                nic.mac.as_str(),
                "{ctx}: matched by MAC"
            );
            assert_eq!(eth["set-name"], nic.eth.as_str(), "{ctx}");
            let dns: Vec<&str> = eth["nameservers"]["addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(dns, nic.dns(), "{ctx}: DNS");
            match one(&nic.plan) {
                One::Dhcp => {
                    assert_eq!(eth["dhcp4"], true, "{ctx}");
                    assert!(eth.get("addresses").is_none(), "{ctx}");
                }
                One::Static {
                    address, gateway, ..
                } => {
                    assert_eq!(eth["dhcp4"], false, "{ctx}");
                    assert_eq!(eth["addresses"], json!([address.to_string()]), "{ctx}");
                    let gw = gateway.map(|g| g.to_string());
                    let (route, gateway6) = match address {
                        IpNet::V4(_) => (
                            gw.as_ref().map(|g| json!([{"to": "0.0.0.0/0", "via": g}])),
                            None,
                        ),
                        IpNet::V6(_) => (None, gw.clone()),
                    };
                    assert_eq!(eth.get("routes").cloned(), route, "{ctx}: default route");
                    assert_eq!(
                        eth.get("gateway6").and_then(Value::as_str),
                        gateway6.as_deref(),
                        "{ctx}: IPv6 gateway"
                    );
                }
                One::Unconfigured => panic!("{ctx}: every generated network has ipConfig"),
            }
        }
        let nads = nads(&r);
        assert_eq!(
            nads.len(),
            spec.nets.len(),
            "{}: one NAD per Multus network",
            r.label
        );
        for nad in &nads {
            let n = spec
                .nets
                .iter()
                .find(|n| n.name == nad.nic.network)
                .unwrap();
            let ctx = format!("{}: NAD {}", r.label, nad.name);
            assert_eq!(nad.config["type"], "bridge", "{ctx}");
            assert_eq!(nad.config["bridge"], n.bridge.as_str(), "{ctx}");
            assert_eq!(
                nad.config.get("vlan").and_then(Value::as_u64),
                n.vlan.map(u64::from),
                "{ctx}"
            );
            assert_eq!(
                nad.config.get("mtu").and_then(Value::as_u64),
                n.mtu.map(u64::from),
                "{ctx}"
            );
            match &n.ip {
                Ip::Dhcp { .. } => {
                    assert_eq!(nad.config["ipam"], json!({}), "{ctx}: L2 only for DHCP")
                }
                Ip::Static { address, .. } => {
                    assert_eq!(nad.config["ipam"]["type"], "host-local", "{ctx}");
                    let range = &nad.config["ipam"]["ranges"][0][0];
                    assert_eq!(range["rangeStart"], address.addr().to_string(), "{ctx}");
                    assert_eq!(range["subnet"], address.trunc().to_string(), "{ctx}");
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Guest side: netplan and cloud-init
// ---------------------------------------------------------------------------------------------

/// What systemd-networkd gets for each NIC: matched by MAC, DHCP or the static address, the
/// default route, DNS, MTU.
fn assert_networkd(label: &str, dir: &Path, prefix: &str, mac_key: &str, nics: &[GuestNic]) {
    for nic in nics {
        let path = dir.join(format!("{prefix}{}.network", nic.eth));
        let ctx = format!("{label}: {} ({})", path.display(), nic.network);
        let unit = Unit::parse(&read(&path));
        assert_eq!(
            unit.values("Match", mac_key),
            [nic.mac.as_str()],
            "{ctx}: matched by the pinned MAC"
        );
        let dhcp = unit.values("Network", "DHCP");
        let mut addresses = unit.values("Network", "Address");
        addresses.extend(unit.values("Address", "Address"));
        let dns: Vec<String> = unit
            .values("Network", "DNS")
            .iter()
            .flat_map(|v| v.split_whitespace().map(str::to_string))
            .collect();
        let mut want_dns = nic.dns().to_vec();
        if prefix == "10-netplan-" {
            // netplan keeps IPv4 and IPv6 servers in separate lists and writes the IPv4 ones
            // first, so with both families the spec's order holds only within each.
            want_dns.sort_by_key(|d| d.contains(':'));
        }
        assert_eq!(dns, want_dns, "{ctx}: DNS");
        match one(&nic.plan) {
            One::Dhcp => {
                assert_eq!(dhcp, ["ipv4"], "{ctx}: DHCPv4");
                assert!(addresses.is_empty(), "{ctx}: no static address");
            }
            One::Static {
                address, gateway, ..
            } => {
                assert!(
                    dhcp.iter().all(|v| matches!(v.as_str(), "no" | "false")),
                    "{ctx}: no DHCP, got {dhcp:?}"
                );
                assert_eq!(
                    addresses,
                    [address.to_string()],
                    "{ctx}: the static address"
                );
                let mut gateways = unit.values("Network", "Gateway");
                gateways.extend(unit.sections("Route").filter_map(|r| get(r, "Gateway")));
                let want: Vec<String> = gateway.iter().map(ToString::to_string).collect();
                assert_eq!(gateways, want, "{ctx}: the default route");
            }
            One::Unconfigured => unreachable!(),
        }
        let mtu: Vec<String> = nic.mtu.iter().map(ToString::to_string).collect();
        assert_eq!(unit.values("Link", "MTUBytes"), mtu, "{ctx}: MTU");
    }
}

#[test]
fn netplan_accepts_every_generated_network_data() {
    if !ready(
        "netplan_accepts_every_generated_network_data",
        Privilege::None,
        &["netplan"],
    ) {
        return;
    }
    for_generated_specs(cases(20), |spec| {
        let r = render(spec);
        let nics = nics(spec, &r);
        let tmp = TempDir::new("prop-netplan");
        let (out, networkd) = netplan_generate(&r.network_data, &tmp.path);
        assert!(
            out.ok(),
            "{}: netplan generate refused: {}\n{}",
            r.label,
            out.stderr,
            r.network_data
        );
        assert_networkd(
            &r.label,
            &networkd,
            "10-netplan-",
            "PermanentMACAddress",
            &nics,
        );
    });
}

/// RHEL's ifcfg files, per NIC.
fn assert_sysconfig(label: &str, out: &Path, nics: &[GuestNic]) {
    for nic in nics {
        let path = out.join(format!("etc/sysconfig/network-scripts/ifcfg-{}", nic.eth));
        let ctx = format!("{label}: {} ({})", path.display(), nic.network);
        let v = parse_shell_vars(&read(&path));
        let val = |k: &str| v.get(k).map(String::as_str);
        // An unquoted MAC would reach cloud-init as an integer, and HWADDR would be digits.
        assert_eq!(val("HWADDR"), Some(nic.mac.as_str()), "{ctx}: HWADDR");
        match one(&nic.plan) {
            One::Dhcp => assert_eq!(val("BOOTPROTO"), Some("dhcp"), "{ctx}"),
            One::Static {
                address: IpNet::V4(a),
                gateway,
                ..
            } => {
                assert!(
                    matches!(val("BOOTPROTO"), Some("none" | "static")),
                    "{ctx}: {v:?}"
                );
                assert_eq!(
                    val("IPADDR"),
                    Some(a.addr().to_string().as_str()),
                    "{ctx}: IPADDR"
                );
                let (mask, prefix) = (a.netmask().to_string(), a.prefix_len().to_string());
                assert!(
                    val("NETMASK") == Some(&mask) || val("PREFIX") == Some(&prefix),
                    "{ctx}: /{prefix}: {v:?}"
                );
                assert_eq!(
                    val("GATEWAY").map(str::to_string),
                    gateway.map(|g| g.to_string()),
                    "{ctx}: GATEWAY"
                );
            }
            One::Static {
                address: IpNet::V6(a),
                gateway,
                ..
            } => {
                assert_eq!(
                    val("IPV6ADDR"),
                    Some(a.to_string().as_str()),
                    "{ctx}: IPV6ADDR"
                );
                assert_eq!(
                    val("IPV6_DEFAULTGW").map(str::to_string),
                    gateway.map(|g| g.to_string()),
                    "{ctx}: gateway"
                );
            }
            One::Unconfigured => unreachable!(),
        }
        assert_eq!(
            val("MTU").map(str::to_string),
            nic.mtu.map(|m| m.to_string()),
            "{ctx}: MTU"
        );
    }
}

#[test]
fn cloud_init_accepts_every_generated_network_data() {
    // Root: cloud-init's networkd renderer hands its files to the systemd-network user.
    let test = "cloud_init_accepts_every_generated_network_data";
    if !ready(test, Privilege::Root, &["cloud-init"]) {
        return;
    }
    for_generated_specs(cases(20), |spec| {
        let r = render(spec);
        let nics = nics(spec, &r);
        let tmp = TempDir::new("prop-cloud-init");
        let input = tmp.join("network-config.yaml");
        write(&input, &r.network_data);
        // The two renderers side by side: each is a fresh Python start, the slow part.
        std::thread::scope(|s| {
            for (distro, renderer) in [("rhel", "sysconfig"), ("debian", "networkd")] {
                let (tmp, input, nics, r) = (&tmp, &input, &nics, &r);
                s.spawn(move || {
                    let out = tmp.join(renderer);
                    let run = cloud_init_net_convert(input, distro, renderer, &out);
                    let label = format!("{} (cloud-init {renderer})", r.label);
                    assert!(
                        run.ok(),
                        "{label}: net-convert refused: {}\n{}",
                        run.stderr,
                        r.network_data
                    );
                    if renderer == "sysconfig" {
                        assert_sysconfig(&label, &out, nics);
                    } else {
                        assert_networkd(
                            &label,
                            &out.join("etc/systemd/network"),
                            "10-cloud-init-",
                            "MACAddress",
                            nics,
                        );
                    }
                });
            }
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Node side: the CNI bridge plugin
// ---------------------------------------------------------------------------------------------

/// Whether this kernel's bridges can filter VLANs (probed once per namespace).
fn vlan_filtering(node: &Netns) -> bool {
    let probe = run(
        Command::new(tool("ip")).args([
            "-n",
            &node.name,
            "link",
            "add",
            "vlanprobe0",
            "type",
            "bridge",
            "vlan_filtering",
            "1",
        ]),
        None,
    );
    if probe.ok() {
        ip(&["-n", &node.name, "link", "del", "vlanprobe0"]);
    } else {
        assert!(
            probe.stderr.contains("not supported"),
            "probing VLAN filtering failed otherwise: {}",
            probe.stderr
        );
    }
    probe.ok()
}

#[test]
fn cni_bridge_plugin_accepts_every_generated_nad() {
    let test = "cni_bridge_plugin_accepts_every_generated_nad";
    if !ready(
        test,
        Privilege::NetworkNamespaces,
        &["ip", "cni/bridge", "cni/host-local"],
    ) {
        return;
    }
    let counts = std::cell::RefCell::new((0usize, 0usize));
    for_generated_specs(cases(20), |spec| {
        let r = render(spec);
        nics(spec, &r);
        let tmp = TempDir::new("prop-cni");
        let node = Netns::new("node");
        let vm = Netns::new("vm");
        let filtering = vlan_filtering(&node);
        for nad in nads(&r) {
            let ctx = format!("{}: NAD {}", r.label, nad.name);
            let mut config = nad.config.clone();
            let bridge = node_bridge(&r, config["bridge"].as_str().unwrap());
            let vlan = config.get("vlan").and_then(Value::as_u64);
            // The node bridge as the NNCP makes it.
            let mtu = bridge.mtu.map(|m| m.to_string());
            let mut args = vec!["-n", &node.name, "link", "add", "name", &bridge.name];
            if let Some(m) = &mtu {
                args.extend(["mtu", m]);
            }
            args.extend(["type", "bridge", "stp_state", "0"]);
            if vlan.is_some() && filtering {
                args.extend(["vlan_filtering", "1"]);
            }
            ip(&args);
            ip(&["-n", &node.name, "link", "set", &bridge.name, "up"]);
            if config["ipam"]["type"] == "host-local" {
                // host-local keeps reservations in /var/lib/cni by default; here, in a temp dir.
                config["ipam"]["dataDir"] = json!(tmp.join("ipam"));
            }
            let id = unique("ctr");
            let ifname = nad.nic.eth.as_str();
            let add = cni(&node, &vm, "ADD", &id, ifname, &config);
            if let (Some(v), false) = (vlan, filtering) {
                // This kernel's bridges cannot filter VLANs: the plugin must refuse for that reason.
                assert!(
                    !add.ok(),
                    "{ctx}: ADD of VLAN {v} succeeded without bridge VLAN filtering"
                );
                assert!(
                    add.stdout.contains("vlan") && add.stdout.contains("not supported"),
                    "{ctx}: {}",
                    add.stdout
                );
                counts.borrow_mut().0 += 1;
            } else {
                assert!(
                    add.ok(),
                    "{ctx}: ADD failed: {}{}\nconfig: {config}",
                    add.stdout,
                    add.stderr
                );
                if vlan.is_some() {
                    counts.borrow_mut().1 += 1;
                }
                let link = &ip_json(&["-n", &vm.name, "addr", "show", "dev", ifname])[0];
                let global: Vec<String> = link["addr_info"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| a["scope"] == "global")
                    .map(|a| format!("{}/{}", a["local"].as_str().unwrap_or(""), a["prefixlen"]))
                    .collect();
                match one(&nad.nic.plan) {
                    One::Static { address, .. } => {
                        assert_eq!(global, [address.to_string()], "{ctx}: the spec's address")
                    }
                    _ => assert!(
                        global.is_empty(),
                        "{ctx}: an L2 port gets no address before the guest's DHCP: {global:?}"
                    ),
                }
                if let Some(mtu) = config["mtu"].as_u64() {
                    assert_eq!(link["mtu"].as_u64(), Some(mtu), "{ctx}: the port's MTU");
                }
            }
            let del = cni(&node, &vm, "DEL", &id, ifname, &config);
            assert!(del.ok(), "{ctx}: DEL failed: {}{}", del.stdout, del.stderr);
            let gone = run(
                Command::new(tool("ip")).args(["-n", &vm.name, "link", "show", "dev", ifname]),
                None,
            );
            assert!(!gone.ok(), "{ctx}: DEL left {ifname} behind");
        }
    });
    let (refused, added) = counts.into_inner();
    println!("{test}: VLAN NADs: {added} added on a VLAN-filtering bridge, {refused} refused (CASE no-vlan-filtering: this kernel's bridges cannot filter VLANs)");
}
