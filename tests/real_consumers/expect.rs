//! What the real consumers must end up with, taken from the Wukong spec and from the generated
//! KubeVirt interfaces (never from the artifact under test), so a consumer's output is checked
//! against what the user asked for and against the NIC the VM really has.

use ipnet::IpNet;
use serde_json::Value;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use wukong_net::model::{IpMode, Network, Wukong};
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
    Dhcp {
        dns: Vec<String>,
    },
    Static {
        address: IpNet,
        gateway: Option<IpAddr>,
        dns: Vec<String>,
    },
    /// A network without ipConfig: the guest gets no config for it.
    Unconfigured,
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
            Plan::Dhcp { dns } | Plan::Static { dns, .. } => dns,
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

fn plan(net: &Network) -> Plan {
    let Some(ip) = &net.ip_config else {
        // The pod network is DHCP even without ipConfig (the rule for networkData).
        return if net.is_pod_network() {
            Plan::Dhcp { dns: Vec::new() }
        } else {
            Plan::Unconfigured
        };
    };
    let dns = ip.dns_servers.clone();
    match ip.mode {
        IpMode::Dhcp => Plan::Dhcp { dns },
        IpMode::Static => Plan::Static {
            address: ip
                .address
                .as_deref()
                .and_then(|a| a.parse().ok())
                .expect("static address"),
            gateway: ip.gateway.as_deref().map(|g| g.parse().expect("gateway")),
            dns,
        },
    }
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
