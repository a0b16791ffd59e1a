//! What the real consumers must end up with, taken from the Wukong spec and from the generated
//! KubeVirt interfaces (never from the artifact under test), so a consumer's output is checked
//! against what the user asked for and against the NIC the VM really has.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use wukong_net::model::{Network, Wukong};
use wukong_net::Manifests;

/// Fixtures that must render cleanly (ours and the seed's); any other clean fixture found in
/// tests/fixtures is run too.
pub const REQUIRED: &[&str] = &[
    "seed-dhcp.yaml",
    "seed-static.yaml",
    "vlan.yaml",
    "mixed-static-dhcp.yaml",
    "dhcp-dns.yaml",
    "mtu.yaml",
    "ipv6-static.yaml",
    "primary.yaml",
    "existing-nad.yaml",
    "dual-stack-dhcp-slaac.yaml",
    "dual-stack-dhcp-dhcp6.yaml",
    "dual-stack-static.yaml",
    "ipv6-only-static-linklocal-gw.yaml",
    "ipv6-only-dhcp6.yaml",
    "ipv6-disabled.yaml",
    "ipv6-only-slaac.yaml",
];

/// One rendered Wukong of a fixture, with its manifests as the CLI's JSON shape.
pub struct Rendered {
    pub label: String,
    pub wukong: Wukong,
    pub network_data: String,
    pub vm: Value,
    pub nads: Vec<Value>,
    pub nncps: Vec<Value>,
}

impl Rendered {
    /// One Wukong and its manifests, under `label`.
    pub fn new(label: String, wukong: Wukong, manifests: &Manifests) -> Rendered {
        let m = serde_json::to_value(manifests).expect("manifests serialize");
        Rendered {
            label,
            wukong,
            network_data: m["networkData"].as_str().expect("networkData").to_string(),
            nads: m["networkAttachmentDefinitions"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            nncps: m["nodeNetworkConfigurationPolicies"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            vm: m["virtualMachine"].clone(),
        }
    }
}

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture that renders without errors, each Wukong on its own.
pub fn rendered() -> Vec<Rendered> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        })
        .collect();
    files.sort();
    for name in REQUIRED {
        assert!(
            files.iter().any(|f| f.ends_with(name)),
            "fixture {name} is missing"
        );
    }
    let mut all = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = wukong_net::render(&text);
        if report.has_errors() {
            assert!(
                !REQUIRED.contains(&file.as_str()),
                "{file} must render cleanly: {:#?}",
                report.diagnostics
            );
            // A fixture for a diagnostic: nothing to hand to a consumer.
            continue;
        }
        assert_eq!(report.wukongs.len(), report.manifests.len(), "{file}");
        for (i, (w, m)) in report
            .wukongs
            .into_iter()
            .zip(&report.manifests)
            .enumerate()
        {
            let label = if i == 0 {
                file.clone()
            } else {
                format!("{file}#{i}")
            };
            all.push(Rendered::new(label, w, m));
        }
    }
    all
}

/// How the spec wants a guest NIC configured.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    Ip(IpPlan),
    /// A network without ipConfig: the guest gets no config for it.
    Unconfigured,
}

/// IPv4 on a guest NIC.
#[derive(Debug, Clone, PartialEq)]
pub enum V4 {
    Dhcp,
    Static {
        address: Ipv4Net,
        gateway: Option<Ipv4Addr>,
    },
    /// No IPv4 at all: `ipConfig.mode: disabled`, or the legacy IPv6 static address.
    Off,
}

/// IPv6 on a guest NIC.
#[derive(Debug, Clone, PartialEq)]
pub enum V6 {
    /// No `ipv6` block: nothing is written, so the guest's own defaults apply (today's output).
    GuestDefault,
    /// Addresses from router advertisements.
    Slaac,
    /// DHCPv6 for the address, with RAs for the route.
    Dhcp,
    Static {
        address: Ipv6Net,
        gateway: Option<Ipv6Addr>,
    },
    /// `ipv6.mode: disabled`: no DHCPv6 and no RAs.
    Off,
}

/// Both families of a configured NIC, its DNS servers, and whether it must accept router
/// advertisements (`accept-ra`; None when the spec leaves it to the guest).
#[derive(Debug, Clone, PartialEq)]
pub struct IpPlan {
    pub v4: V4,
    pub v6: V6,
    pub dns: Vec<String>,
    pub accept_ra: Option<bool>,
}

impl IpPlan {
    /// DHCPv4 and nothing else: the pod network, and `mode: dhcp` without an `ipv6` block.
    pub fn dhcp4(dns: Vec<String>) -> IpPlan {
        IpPlan {
            v4: V4::Dhcp,
            v6: V6::GuestDefault,
            dns,
            accept_ra: None,
        }
    }

    /// `mode: static` without an `ipv6` block: one address of either family, as today.
    pub fn single_static(address: IpNet, gateway: Option<IpAddr>, dns: Vec<String>) -> IpPlan {
        let (v4, v6) = match address {
            IpNet::V4(address) => (
                V4::Static {
                    address,
                    gateway: gateway.map(|g| match g {
                        IpAddr::V4(g) => g,
                        IpAddr::V6(g) => panic!("IPv6 gateway {g} for {address}"),
                    }),
                },
                V6::GuestDefault,
            ),
            IpNet::V6(address) => (
                V4::Off,
                V6::Static {
                    address,
                    gateway: gateway.map(|g| match g {
                        IpAddr::V6(g) => g,
                        IpAddr::V4(g) => panic!("IPv4 gateway {g} for {address}"),
                    }),
                },
            ),
        };
        IpPlan {
            v4,
            v6,
            dns,
            accept_ra: None,
        }
    }

    pub fn dhcp4_on(&self) -> bool {
        self.v4 == V4::Dhcp
    }

    pub fn dhcp6_on(&self) -> bool {
        self.v6 == V6::Dhcp
    }

    pub fn v4_static(&self) -> Option<(Ipv4Net, Option<Ipv4Addr>)> {
        match self.v4 {
            V4::Static { address, gateway } => Some((address, gateway)),
            _ => None,
        }
    }

    pub fn v6_static(&self) -> Option<(Ipv6Net, Option<Ipv6Addr>)> {
        match self.v6 {
            V6::Static { address, gateway } => Some((address, gateway)),
            _ => None,
        }
    }

    /// The static addresses, IPv4 first.
    pub fn static_addresses(&self) -> Vec<IpNet> {
        let v4 = self.v4_static().map(|(a, _)| IpNet::V4(a));
        let v6 = self.v6_static().map(|(a, _)| IpNet::V6(a));
        v4.into_iter().chain(v6).collect()
    }

    /// The default gateways the spec gives, IPv4 first.
    pub fn gateways(&self) -> Vec<IpAddr> {
        let v4 = self.v4_static().and_then(|(_, g)| g).map(IpAddr::V4);
        let v6 = self.v6_static().and_then(|(_, g)| g).map(IpAddr::V6);
        v4.into_iter().chain(v6).collect()
    }
}

/// A guest NIC: the KubeVirt interface (name and pinned MAC), the name the guest gives it, and
/// what the spec asks for.
#[derive(Debug, Clone)]
pub struct GuestNic {
    pub network: String,
    /// eth0, eth1, ...: KubeVirt attaches interfaces in list order.
    pub eth: String,
    pub mac: String,
    pub plan: Plan,
    pub mtu: Option<u32>,
}

impl GuestNic {
    pub fn dns(&self) -> &[String] {
        match &self.plan {
            Plan::Ip(p) => &p.dns,
            Plan::Unconfigured => &[],
        }
    }
}

pub fn guest_nics(r: &Rendered) -> Vec<GuestNic> {
    let ifaces = r.vm["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: VM has no interfaces", r.label));
    ifaces
        .iter()
        .enumerate()
        .map(|(i, iface)| {
            let name = iface["name"].as_str().expect("interface name");
            let net = network(&r.wukong, name);
            GuestNic {
                network: name.to_string(),
                eth: format!("eth{i}"),
                mac: iface["macAddress"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: {name} pins no MAC", r.label))
                    .to_string(),
                plan: plan(net),
                mtu: net.mtu.map(|m| u32::try_from(m).expect("mtu")),
            }
        })
        .collect()
}

pub fn network<'a>(w: &'a Wukong, name: &str) -> &'a Network {
    w.spec
        .networks
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no network {name} in the spec"))
}

/// The plan of one network, read from the spec as the CRD spells it (the serialized model), so
/// the modes and the `ipv6` block of issue 14 are read by name: `ipConfig.mode` dhcp | static |
/// disabled, `ipConfig.ipv6.mode` slaac | dhcp | static | disabled (docs: design of issue 14).
fn plan(net: &Network) -> Plan {
    let Some(ip) = &net.ip_config else {
        // The pod network is DHCP even without ipConfig (the rule for networkData).
        return if net.is_pod_network() {
            Plan::Ip(IpPlan::dhcp4(Vec::new()))
        } else {
            Plan::Unconfigured
        };
    };
    let spec = serde_json::to_value(ip).expect("ipConfig serializes");
    Plan::Ip(ip_plan(&net.name, &spec))
}

/// The plan of an `ipConfig` as the CRD spells it (JSON), for the network `name`.
pub fn ip_plan(name: &str, spec: &Value) -> IpPlan {
    let dns: Vec<String> = spec["dnsServers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d.as_str().expect("dnsServers are strings").to_string())
        .collect();
    let text = |v: &Value, key: &str| v[key].as_str().map(str::to_string);
    let cidr = |v: &Value| -> IpNet {
        let a = text(v, "address").unwrap_or_else(|| panic!("{name}: static without address"));
        a.parse()
            .unwrap_or_else(|e| panic!("{name}: address {a}: {e}"))
    };
    let gateway = |v: &Value| -> Option<IpAddr> {
        text(v, "gateway").map(|g| {
            g.parse()
                .unwrap_or_else(|e| panic!("{name}: gateway {g}: {e}"))
        })
    };
    let mode = text(spec, "mode").unwrap_or_default();
    let mut plan = match mode.as_str() {
        "dhcp" => IpPlan::dhcp4(dns),
        // The legacy form: one static address of either family.
        "static" => IpPlan::single_static(cidr(spec), gateway(spec), dns),
        "disabled" => IpPlan {
            v4: V4::Off,
            v6: V6::GuestDefault,
            dns,
            accept_ra: None,
        },
        other => panic!("{name}: ipConfig.mode {other:?} is new to these tests"),
    };
    let block = &spec["ipv6"];
    if block.is_null() {
        return plan;
    }
    assert_eq!(
        plan.v6,
        V6::GuestDefault,
        "{name}: IPv6 given twice (a top-level IPv6 address and an ipv6 block)"
    );
    // accept-ra as the design of issue 14 writes it: on wherever RAs are the source of the
    // address or route (SLAAC, DHCPv6 with its RA route), off where the user owns IPv6 (static)
    // or turned it off.
    let v6_mode = text(block, "mode").unwrap_or_default();
    (plan.v6, plan.accept_ra) = match v6_mode.as_str() {
        "slaac" => (V6::Slaac, Some(true)),
        "dhcp" => (V6::Dhcp, Some(true)),
        "static" => {
            let IpNet::V6(address) = cidr(block) else {
                panic!("{name}: ipv6.address is not IPv6")
            };
            let gateway = gateway(block).map(|g| match g {
                IpAddr::V6(g) => g,
                IpAddr::V4(g) => panic!("{name}: ipv6.gateway {g} is IPv4"),
            });
            (V6::Static { address, gateway }, Some(false))
        }
        "disabled" => (V6::Off, Some(false)),
        other => panic!("{name}: ipv6.mode {other:?} is new to these tests"),
    };
    plan
}

/// A generated NAD: its name, its CNI config as generated, and the guest NIC it serves.
pub struct Nad {
    pub name: String,
    pub config: Value,
    pub nic: GuestNic,
}

pub fn nads(r: &Rendered) -> Vec<Nad> {
    let nics = guest_nics(r);
    let vm_networks = r.vm["spec"]["template"]["spec"]["networks"]
        .as_array()
        .expect("VM networks");
    r.nads
        .iter()
        .map(|nad| {
            let name = nad["metadata"]["name"]
                .as_str()
                .expect("NAD name")
                .to_string();
            let config: Value =
                serde_json::from_str(nad["spec"]["config"].as_str().expect("spec.config"))
                    .unwrap_or_else(|e| {
                        panic!("{}: NAD {name}: spec.config is not JSON: {e}", r.label)
                    });
            let network = vm_networks
                .iter()
                .find(|n| n["multus"]["networkName"] == name.as_str())
                .and_then(|n| n["name"].as_str())
                .unwrap_or_else(|| panic!("{}: no VM network uses NAD {name}", r.label));
            let nic = nics
                .iter()
                .find(|n| n.network == network)
                .expect("a NIC per VM network")
                .clone();
            Nad { name, config, nic }
        })
        .collect()
}

/// The node bridge the generated NNCP asks for: name, MTU, and whether its port carries VLANs.
pub struct NodeBridge {
    pub name: String,
    pub mtu: Option<u64>,
    pub port: String,
    pub vlan_filtering: bool,
}

pub fn node_bridge(r: &Rendered, bridge: &str) -> NodeBridge {
    let iface = r
        .nncps
        .iter()
        .flat_map(|p| {
            p["spec"]["desiredState"]["interfaces"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|i| i["type"] == "linux-bridge" && i["name"] == bridge)
        .unwrap_or_else(|| panic!("{}: no NNCP makes bridge {bridge}", r.label));
    let ports = iface["bridge"]["port"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        ports.len(),
        1,
        "{}: bridge {bridge} has one physical port",
        r.label
    );
    NodeBridge {
        name: bridge.to_string(),
        mtu: iface["mtu"].as_u64(),
        port: ports[0]["name"].as_str().expect("port name").to_string(),
        vlan_filtering: ports[0].get("vlan").is_some(),
    }
}
