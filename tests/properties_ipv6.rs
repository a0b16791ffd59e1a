//! Property tests for IPv6 and dual stack (issue 14): generated Wukong specs whose networks
//! combine IPv4 `dhcp | static | disabled` with an `ipv6` block `slaac | dhcp | static |
//! disabled` (or none), with global and link-local IPv6 gateways, DNS servers of both families
//! and `privacy`, must render with exactly the findings their combination calls for, and:
//!
//! - `generated_ipv6_specs_render_the_combination_table`: the networkData entry and the NAD's
//!   IPAM of each NIC are the row of docs/dhcp-path.md's table (as data, many cases);
//! - `netplan_accepts_every_generated_ipv6_network_data`: `netplan generate` accepts the
//!   networkData, and the networkd unit it writes per NIC has the DHCP mode, `IPv6AcceptRA`,
//!   the addresses and the default gateways the spec asks for;
//! - `cloud_init_networkd_renders_every_generated_ipv6_network_data`: cloud-init's networkd
//!   renderer gives each NIC the spec's addresses, DHCP mode and default gateways (the IPv6 one
//!   as a `[Route]` without Destination: `gateway6`, the form cloud-init 22.4 renders right).
//!
//! Expectations come from the spec, never from the artifact. Kept apart from tests/properties.rs
//! (whose expectations live in tests/real_consumers/expect.rs, taught IPv6 on another branch);
//! the strategies here can move there once both are merged.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "real_consumers/formats.rs"]
mod formats;
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use formats::Unit;
use harness::{cloud_init_net_convert, netplan_generate, read, ready, Privilege, TempDir};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, Copy, PartialEq)]
enum V4 {
    Dhcp,
    Static {
        address: Ipv4Net,
        gateway: Option<Ipv4Addr>,
    },
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum V6 {
    Slaac,
    Dhcp,
    Static {
        address: Ipv6Net,
        gateway: Option<Ipv6Addr>,
    },
    Disabled,
}

#[derive(Debug, Clone)]
struct Net {
    v4: V4,
    /// None: no `ipv6` block.
    v6: Option<V6>,
    privacy: bool,
    dns: Vec<IpAddr>,
}

impl Net {
    fn dhcp4(&self) -> bool {
        self.v4 == V4::Dhcp
    }
    fn dhcp6(&self) -> bool {
        self.v6 == Some(V6::Dhcp)
    }
    fn accept_ra(&self) -> Option<bool> {
        self.v6.map(|v6| matches!(v6, V6::Slaac | V6::Dhcp))
    }
    fn privacy_written(&self) -> bool {
        self.privacy && matches!(self.v6, Some(V6::Slaac | V6::Dhcp))
    }
    fn addresses(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let V4::Static { address, .. } = self.v4 {
            out.push(address.to_string());
        }
        if let Some(V6::Static { address, .. }) = self.v6 {
            out.push(address.to_string());
        }
        out
    }
    fn gateway4(&self) -> Option<Ipv4Addr> {
        match self.v4 {
            V4::Static { gateway, .. } => gateway,
            _ => None,
        }
    }
    fn gateway6(&self) -> Option<Ipv6Addr> {
        match self.v6 {
            Some(V6::Static { gateway, .. }) => gateway,
            _ => None,
        }
    }
    /// The warnings this combination must raise, and nothing else above info.
    fn warnings(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.v4 == V4::Disabled && self.v6 == Some(V6::Slaac) {
            out.push("ipv6-only-slaac-cloud-init");
        }
        if self.privacy_written() {
            out.push("cloud-init-ignores");
        }
        out
    }
    fn ip_config(&self) -> Value {
        let mut ip = match self.v4 {
            V4::Dhcp => json!({"mode": "dhcp"}),
            V4::Disabled => json!({"mode": "disabled"}),
            V4::Static { address, gateway } => {
                let mut ip = json!({"mode": "static", "address": address.to_string()});
                if let Some(g) = gateway {
                    ip["gateway"] = json!(g.to_string());
                }
                ip
            }
        };
        if !self.dns.is_empty() {
            let dns: Vec<String> = self.dns.iter().map(ToString::to_string).collect();
            ip["dnsServers"] = json!(dns);
        }
        if let Some(v6) = self.v6 {
            let mut block = match v6 {
                V6::Slaac => json!({"mode": "slaac"}),
                V6::Dhcp => json!({"mode": "dhcp"}),
                V6::Disabled => json!({"mode": "disabled"}),
                V6::Static { address, gateway } => {
                    let mut b = json!({"mode": "static", "address": address.to_string()});
                    if let Some(g) = gateway {
                        b["gateway"] = json!(g.to_string());
                    }
                    b
                }
            };
            // privacy is only generated where it is not a mistake (slaac, dhcp).
            if self.privacy {
                block["privacy"] = json!(true);
            }
            ip["ipv6"] = block;
        }
        ip
    }
}

fn v4(index: u8) -> impl Strategy<Value = V4> {
    let fixed = (16u8..=29, any::<u16>(), any::<bool>()).prop_map(move |(prefix, bits, gw)| {
        let net = u32::from(Ipv4Addr::new(10, index, 0, 0));
        let host_mask = u32::MAX >> prefix;
        // A host that is neither the network nor the broadcast address, and a gateway beside it.
        let host = (u32::from(bits) & host_mask).clamp(1, host_mask - 1);
        let gateway = if host == 1 { 2 } else { 1 };
        V4::Static {
            address: Ipv4Net::new(Ipv4Addr::from(net | host), prefix).unwrap(),
            gateway: gw.then(|| Ipv4Addr::from(net | gateway)),
        }
    });
    prop_oneof![Just(V4::Dhcp), fixed, Just(V4::Disabled)]
}

fn v6(index: u8) -> impl Strategy<Value = Option<V6>> {
    let fixed = (64u8..=120, any::<u32>(), 0u8..3).prop_map(move |(prefix, bits, gw)| {
        let net = (0x2001_0db8u128 << 96) | (u128::from(index) << 64);
        let host_mask = u128::MAX >> prefix;
        let host = (u128::from(bits) & host_mask).max(2);
        let gateway = match gw {
            0 => None,
            1 => Some(Ipv6Addr::from(net | 1)),
            _ => Some("fe80::1".parse().unwrap()),
        };
        V6::Static {
            address: Ipv6Net::new(Ipv6Addr::from(net | host), prefix).unwrap(),
            gateway,
        }
    });
    prop::option::of(prop_oneof![
        Just(V6::Slaac),
        Just(V6::Dhcp),
        fixed,
        Just(V6::Disabled)
    ])
}

fn network(index: u8) -> impl Strategy<Value = Net> {
    (v4(index), v6(index), any::<bool>(), any::<(bool, bool)>())
        .prop_filter("a NIC needs an address family", |(v4, v6, _, _)| {
            *v4 != V4::Disabled || matches!(v6, Some(V6::Slaac | V6::Dhcp | V6::Static { .. }))
        })
        .prop_map(move |(v4, v6, privacy, (dns4, dns6))| {
            let v4_on = v4 != V4::Disabled;
            let v6_on = v6 != Some(V6::Disabled);
            let mut dns = Vec::new();
            // Only servers of a family the NIC has (otherwise: dns-family-disabled).
            if dns4 && v4_on {
                dns.push(IpAddr::V4(Ipv4Addr::new(10, index, 255, 53)));
            }
            if dns6 && v6_on {
                dns.push(IpAddr::V6(Ipv6Addr::new(
                    0x2001, 0xdb8, 0, 0x53, 0, 0, 0, 0x53,
                )));
            }
            Net {
                v4,
                v6,
                privacy: privacy && matches!(v6, Some(V6::Slaac | V6::Dhcp)),
                dns,
            }
        })
}

fn spec() -> impl Strategy<Value = Vec<Net>> {
    (1u8..=3).prop_flat_map(|n| (1..=n).map(network).collect::<Vec<_>>())
}

fn yaml(nets: &[Net]) -> String {
    let mut networks = vec![json!({"name": "default"})];
    for (i, n) in nets.iter().enumerate() {
        networks.push(json!({
            "name": format!("net{i}"),
            "type": "bridge",
            "bridgeName": format!("br-net{i}"),
            "physicalInterface": format!("ens{}", 192 + i),
            "ipConfig": n.ip_config(),
        }));
    }
    let doc = json!({
        "apiVersion": "vm.novasphere.dev/v1alpha1",
        "kind": "Wukong",
        "metadata": {"name": "v6prop", "namespace": "lab", "uid": "0d8c4a5e-1111-2222-3333-444455556666"},
        "spec": {"cpu": 2, "memory": "4Gi", "osImage": "ubuntu:22.04", "networks": networks},
    });
    wukong_net::emit::to_yaml(&doc)
}

/// The rendered networkData and NAD configs; the findings are exactly the expected warnings.
struct Rendered {
    yaml: String,
    network_data: String,
    nads: Vec<Value>,
}

fn render(nets: &[Net]) -> Rendered {
    let yaml = yaml(nets);
    let report = wukong_net::render(&yaml);
    let mut got: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity > wukong_net::Severity::Info)
        .map(|d| d.code.to_string())
        .collect();
    let mut want: Vec<String> = nets
        .iter()
        .flat_map(Net::warnings)
        .map(str::to_string)
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{:#?}\n{yaml}", report.diagnostics);
    assert_eq!(report.manifests.len(), 1, "{yaml}");
    let m = &report.manifests[0];
    Rendered {
        network_data: m.network_data.clone(),
        nads: m
            .network_attachment_definitions
            .iter()
            .map(|n| serde_json::from_str(&n.spec.config).unwrap())
            .collect(),
        yaml,
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

fn for_generated_specs(count: u32, test: impl Fn(&[Net])) {
    let config = Config {
        cases: count,
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        source_file: Some(file!()),
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&spec(), |s| {
        test(&s);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The guest name of the i-th generated network: eth0 is the pod network.
fn eth(i: usize) -> String {
    format!("eth{}", i + 1)
}

#[test]
fn generated_ipv6_specs_render_the_combination_table() {
    for_generated_specs(cases(256), |nets| {
        let r = render(nets);
        let data = &wukong_net::source::parse(&r.network_data).documents[0].value;
        for (i, n) in nets.iter().enumerate() {
            let e = &data["network"]["ethernets"][eth(i)];
            let ctx = format!("{}: {n:?}", r.yaml);
            assert_eq!(e["dhcp4"], n.dhcp4(), "{ctx}");
            assert_eq!(e["dhcp6"], n.dhcp6(), "{ctx}");
            assert_eq!(
                e.get("accept-ra").and_then(Value::as_bool),
                n.accept_ra(),
                "{ctx}"
            );
            let addresses: Vec<String> = e["addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            assert_eq!(addresses, n.addresses(), "{ctx}");
            let route = n
                .gateway4()
                .map(|g| json!([{"to": "0.0.0.0/0", "via": g.to_string()}]));
            assert_eq!(e.get("routes").cloned(), route, "{ctx}: IPv4 default route");
            assert_eq!(
                e.get("gateway6").and_then(Value::as_str),
                n.gateway6().map(|g| g.to_string()).as_deref(),
                "{ctx}: gateway6, never a ::/0 route"
            );
            let off = json!({"use-dns": false});
            let has_dns = !n.dns.is_empty();
            assert_eq!(
                e.get("dhcp4-overrides"),
                (has_dns && n.dhcp4()).then_some(&off),
                "{ctx}"
            );
            assert_eq!(
                e.get("dhcp6-overrides"),
                (has_dns && n.dhcp6()).then_some(&off),
                "{ctx}"
            );
            assert_eq!(
                e.get("ipv6-privacy").is_some(),
                n.privacy_written(),
                "{ctx}"
            );
            // The NAD: one pinned host-local range set per static family, IPv4 first.
            let ipam = &r.nads[i]["ipam"];
            let pinned: Vec<String> = ipam["ranges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|set| {
                    let range = &set[0];
                    assert_eq!(set.as_array().unwrap().len(), 1, "{ctx}");
                    assert_eq!(range["rangeStart"], range["rangeEnd"], "{ctx}");
                    let subnet: IpNet = range["subnet"].as_str().unwrap().parse().unwrap();
                    format!(
                        "{}/{}",
                        range["rangeStart"].as_str().unwrap(),
                        subnet.prefix_len()
                    )
                })
                .collect();
            assert_eq!(
                pinned,
                n.addresses(),
                "{ctx}: host-local pins each static address"
            );
            if pinned.is_empty() {
                assert_eq!(ipam, &json!({}), "{ctx}: L2 only");
                assert_eq!(r.nads[i]["disableContainerInterface"], true, "{ctx}");
            }
            let routes: Vec<(String, String)> = ipam["routes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        r["dst"].as_str().unwrap().into(),
                        r["gw"].as_str().unwrap().into(),
                    )
                })
                .collect();
            for (dst, gw) in [
                ("0.0.0.0/0", n.gateway4().map(IpAddr::V4)),
                ("::/0", n.gateway6().map(IpAddr::V6)),
            ] {
                if let Some(gw) = gw {
                    assert!(
                        routes.contains(&(dst.to_string(), gw.to_string())),
                        "{ctx}: {dst} via {gw} in {routes:?}"
                    );
                }
            }
        }
    });
}

/// The networkd unit of one NIC, by file name prefix (netplan `10-netplan-`, cloud-init
/// `10-cloud-init-`).
fn unit(dir: &std::path::Path, prefix: &str, eth: &str) -> Unit {
    Unit::parse(&read(&dir.join(format!("{prefix}{eth}.network"))))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn dhcp_value(n: &Net) -> Vec<String> {
    match (n.dhcp4(), n.dhcp6()) {
        (true, true) => vec!["yes".into()],
        (true, false) => vec!["ipv4".into()],
        (false, true) => vec!["ipv6".into()],
        (false, false) => vec![],
    }
}

#[test]
fn netplan_accepts_every_generated_ipv6_network_data() {
    if !ready(
        "netplan_accepts_every_generated_ipv6_network_data",
        Privilege::None,
        &["netplan"],
    ) {
        return;
    }
    for_generated_specs(cases(20), |nets| {
        let r = render(nets);
        let tmp = TempDir::new("prop6-netplan");
        let (out, dir) = netplan_generate(&r.network_data, &tmp.path);
        assert!(
            out.ok(),
            "netplan generate refused: {}\n{}",
            out.stderr,
            r.network_data
        );
        for (i, n) in nets.iter().enumerate() {
            let u = unit(&dir, "10-netplan-", &eth(i));
            let ctx = format!("{}: {n:?}", r.network_data);
            assert_eq!(u.values("Network", "DHCP"), dhcp_value(n), "{ctx}");
            let ra: Vec<String> = n
                .accept_ra()
                .map(|b| if b { "yes" } else { "no" }.to_string())
                .into_iter()
                .collect();
            assert_eq!(u.values("Network", "IPv6AcceptRA"), ra, "{ctx}");
            assert_eq!(
                sorted(u.values("Network", "Address")),
                sorted(n.addresses()),
                "{ctx}"
            );
            // gateway6 becomes [Network] Gateway=; the IPv4 route a [Route] to 0.0.0.0/0.
            let gw6: Vec<String> = n.gateway6().iter().map(ToString::to_string).collect();
            assert_eq!(u.values("Network", "Gateway"), gw6, "{ctx}");
            let v4_routes: Vec<String> = u
                .sections("Route")
                .filter(|s| formats::get(s, "Destination").as_deref() == Some("0.0.0.0/0"))
                .filter_map(|s| formats::get(s, "Gateway"))
                .collect();
            let gw4: Vec<String> = n.gateway4().iter().map(ToString::to_string).collect();
            assert_eq!(v4_routes, gw4, "{ctx}");
            let privacy: Vec<String> = n
                .privacy_written()
                .then(|| "yes".to_string())
                .into_iter()
                .collect();
            assert_eq!(
                u.values("Network", "IPv6PrivacyExtensions"),
                privacy,
                "{ctx}"
            );
        }
    });
}

#[test]
fn cloud_init_networkd_renders_every_generated_ipv6_network_data() {
    if !ready(
        "cloud_init_networkd_renders_every_generated_ipv6_network_data",
        Privilege::None,
        &["cloud-init"],
    ) {
        return;
    }
    for_generated_specs(cases(12), |nets| {
        let r = render(nets);
        let tmp = TempDir::new("prop6-ci");
        let input = tmp.join("network-config.yaml");
        harness::write(&input, &r.network_data);
        let out = cloud_init_net_convert(&input, "debian", "networkd", &tmp.join("out"));
        assert!(out.ok(), "net-convert: {}\n{}", out.stderr, r.network_data);
        let dir = tmp.join("out/etc/systemd/network");
        for (i, n) in nets.iter().enumerate() {
            let u = unit(&dir, "10-cloud-init-", &eth(i));
            let ctx = format!("{}: {n:?}", r.network_data);
            // Without DHCP, cloud-init writes `DHCP=no` or nothing (both: no DHCP client).
            let dhcp = u.values("Network", "DHCP");
            if dhcp_value(n).is_empty() {
                assert!(
                    dhcp.iter().all(|v| matches!(v.as_str(), "no" | "false")),
                    "{ctx}: {dhcp:?}"
                );
            } else {
                assert_eq!(dhcp, dhcp_value(n), "{ctx}");
            }
            // cloud-init writes addresses in [Address] sections.
            let mut addresses = u.values("Network", "Address");
            addresses.extend(u.values("Address", "Address"));
            assert_eq!(sorted(addresses), sorted(n.addresses()), "{ctx}");
            // Default routes: IPv4 to 0.0.0.0/0, IPv6 (gateway6) without a Destination. Never
            // a ::/64 route, which a `to: ::/0` route would have become.
            let mut want: Vec<(String, String)> = Vec::new();
            if let Some(g) = n.gateway4() {
                want.push(("0.0.0.0/0".into(), g.to_string()));
            }
            if let Some(g) = n.gateway6() {
                want.push((String::new(), g.to_string()));
            }
            let got: Vec<(String, String)> = u
                .sections("Route")
                .filter_map(|s| {
                    Some((
                        formats::get(s, "Destination").unwrap_or_default(),
                        formats::get(s, "Gateway")?,
                    ))
                })
                .collect();
            let (mut got, mut want) = (got, want);
            got.sort();
            want.sort();
            assert_eq!(got, want, "{ctx}: default routes");
            // The networkd renderer writes IPv6AcceptRA only with DHCPv6 (networkd.py:206-210).
            let ra: Vec<String> = u.values("Network", "IPv6AcceptRA");
            if n.dhcp6() {
                assert_eq!(ra, ["True"], "{ctx}");
            } else {
                assert!(ra.is_empty(), "{ctx}: {ra:?}");
            }
        }
    });
}
