//! What the cross-reference rules of a checked set (`crate::manifest`) read from one VM: its
//! NICs with their pinned MACs, bindings and NADs, and the static addresses its networkData
//! gives. Paths are relative to the VM object.

use super::cloud_init::entry_path;
use super::{NetSource, VmSpec};
use crate::json_path::JsonPath;
use crate::mac::MacAddress;
use crate::network_config::NetworkConfig;
use crate::source::join_index;

/// The bindings KubeVirt knows (`domain.devices.interfaces[].<binding>`).
const BINDINGS: &[&str] = &["bridge", "masquerade", "sriov", "slirp", "passt", "binding"];

/// One VM's networking, as the set's rules need it.
#[derive(Debug, Clone, Default)]
pub struct VmFacts {
    pub nics: Vec<NicFacts>,
    /// Each static address of networkData (without its prefix length), with its path.
    pub static_addresses: Vec<(String, String)>,
}

/// One entry of `domain.devices.interfaces`.
#[derive(Debug, Clone)]
pub struct NicFacts {
    pub name: String,
    /// `...interfaces[i]`.
    pub path: String,
    /// The pinned `macAddress`.
    pub mac: Option<MacAddress>,
    /// The binding key (`bridge`, `masquerade`, ...), when one is written.
    pub binding: Option<&'static str>,
    /// The NAD of its Multus network: namespace, name, and the path of `networkName`.
    pub nad: Option<(String, String, String)>,
    /// On the pod network.
    pub pod: bool,
    /// The guest's name for it with `net.ifnames=0` (eth0, eth1, ...).
    pub guest_name: String,
    /// How networkData configures it: `dhcp`, `static`, or none.
    pub mode: Option<&'static str>,
    /// The static addresses networkData gives it.
    pub addresses: Vec<String>,
    /// Whether a matching networkData entry runs DHCPv4, DHCPv6.
    pub dhcp4: bool,
    pub dhcp6: bool,
    /// The paths of the networkData entries that match it.
    pub entries: Vec<String>,
}

impl VmFacts {
    /// The same facts with paths continued from `base` (a template inside its object).
    pub fn under(mut self, base: &JsonPath) -> VmFacts {
        let moved = |p: &mut String| *p = base.clone().join(&JsonPath::parse(p)).to_string();
        for nic in &mut self.nics {
            moved(&mut nic.path);
            if let Some((_, _, path)) = &mut nic.nad {
                moved(path);
            }
            nic.entries.iter_mut().for_each(moved);
        }
        for (_, path) in &mut self.static_addresses {
            moved(path);
        }
        self
    }
}

pub(super) fn of(
    spec: &VmSpec<'_>,
    namespace: &str,
    configs: &[(String, NetworkConfig)],
) -> VmFacts {
    let iface_path = format!("{}.domain.devices.interfaces", spec.base);
    let nics = spec
        .ifaces
        .iter()
        .map(|i| {
            let nad = match spec.nets.get(i.name) {
                Some(NetSource::Multus {
                    network_name,
                    index,
                }) => {
                    // Multus' rule: `ns/name`, or a bare name in the pod's (the VM's) namespace.
                    let (ns, name) = network_name
                        .split_once('/')
                        .unwrap_or((namespace, network_name));
                    let path = format!("{}.networks[{index}].multus.networkName", spec.base);
                    Some((ns.to_string(), name.to_string(), path))
                }
                _ => None,
            };
            let entries: Vec<_> = configs
                .iter()
                .flat_map(|(nd_path, c)| c.ethernets.iter().map(move |e| (nd_path, e)))
                .filter(|(_, e)| i.matched_by(e))
                .collect();
            let entry_paths = entries
                .iter()
                .map(|(nd_path, e)| entry_path(nd_path, e).to_string())
                .collect();
            let entries: Vec<_> = entries.into_iter().map(|(_, e)| e).collect();
            let addresses: Vec<String> = entries.iter().flat_map(|e| e.addresses.clone()).collect();
            let mode = if entries.iter().any(|e| e.dhcp4 || e.dhcp6) {
                Some("dhcp")
            } else if !addresses.is_empty() {
                Some("static")
            } else {
                None
            };
            NicFacts {
                name: i.name.to_string(),
                path: join_index(&iface_path, i.index),
                mac: i.mac,
                binding: BINDINGS.iter().copied().find(|b| i.raw.get(b).is_some()),
                nad,
                pod: matches!(spec.nets.get(i.name), Some(NetSource::Pod)),
                guest_name: i.guest_names()[0].clone(),
                mode,
                addresses,
                dhcp4: entries.iter().any(|e| e.dhcp4),
                dhcp6: entries.iter().any(|e| e.dhcp6),
                entries: entry_paths,
            }
        })
        .collect();
    let mut static_addresses = Vec::new();
    for (nd_path, config) in configs {
        for e in &config.ethernets {
            let base = entry_path(nd_path, e).key("addresses").to_string();
            for (k, cidr) in e.addresses.iter().enumerate() {
                let address = cidr.split('/').next().unwrap_or(cidr).to_string();
                static_addresses.push((address, join_index(&base, k)));
            }
        }
    }
    VmFacts {
        nics,
        static_addresses,
    }
}
