//! Context-aware rules: the NetworkAttachmentDefinitions a VM's Multus networks name, looked
//! up in the cluster.

use super::super::cni;
use super::super::settings::LookupFailure;
use super::super::ResourceLookup;
use super::cloud_init::entry_path;
use super::{NadScope, NetSource, VmSpec, NAD_API_VERSION, NAD_KIND};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::network_config::NetworkConfig;
use serde_json::Value;
use std::collections::HashMap;

/// Each Multus network's NAD must exist; a NIC that networkData puts on DHCP must not sit on
/// a NAD that assigns addresses itself.
pub(super) fn check(
    spec: &VmSpec<'_>,
    namespace: &str,
    configs: &[(String, NetworkConfig)],
    lookup: &mut dyn ResourceLookup,
    on_failure: LookupFailure,
    scope: NadScope,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(String, String), Result<Option<Value>, String>> = HashMap::new();
    let mut multus: Vec<(&str, &str, usize)> = spec
        .nets
        .iter()
        .filter_map(|(name, s)| match s {
            NetSource::Multus {
                network_name,
                index,
            } => Some((*name, *network_name, *index)),
            _ => None,
        })
        .collect();
    multus.sort_by_key(|m| m.2);
    for (net_name, network_name, index) in multus {
        let path = format!("{}.networks[{index}].multus.networkName", spec.base);
        let (ns, name) = match network_name.split_once('/') {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => (namespace.to_string(), network_name.to_string()),
        };
        let found = seen
            .entry((ns.clone(), name.clone()))
            .or_insert_with(|| lookup.get(NAD_API_VERSION, NAD_KIND, &ns, &name))
            .clone();
        let nad = match found {
            Ok(Some(nad)) => nad,
            Ok(None) if scope == NadScope::CheckedFiles => {
                let mut d = Diagnostic::new(Code::NadNotFound, path, format!("network `{net_name}` names the NetworkAttachmentDefinition {ns}/{name}, which is not among the checked files: the cluster must have it, or the VM cannot start"))
                    .with_hint(format!("check the NAD {ns}/{name} together with the VM (pass its file too), or fix multus.networkName"));
                d.severity = Severity::Info;
                out.push(d);
                continue;
            }
            Ok(None) => {
                out.push(
                    Diagnostic::new(Code::NadNotFound, path, format!("network `{net_name}` names the NetworkAttachmentDefinition {ns}/{name}, which does not exist: the VM cannot start"))
                        .with_hint(format!("create the NAD {name} in namespace {ns} first, or fix multus.networkName")),
                );
                continue;
            }
            Err(e) => {
                let mut d = Diagnostic::new(Code::NadLookupFailed, path, format!("could not fetch the NetworkAttachmentDefinition {ns}/{name}: {e}"))
                    .with_hint("grant the policy k8s.cni.cncf.io/v1 NetworkAttachmentDefinitions (contextAwareResources), the host capability kubernetes/get_resource, and its service account `get` on them");
                // Fail closed only when the settings ask for it (`lookupFailure: reject`).
                if on_failure == LookupFailure::Reject {
                    d.severity = Severity::Error;
                }
                out.push(d);
                continue;
            }
        };
        // Per family: a DHCPv4 client is wrong only where the NAD assigns IPv4 (a v6-only
        // host-local range pins IPv6 beside guest DHCPv4, as the generator does for
        // `mode: dhcp` with `ipv6.mode: static`).
        let Some((ipam_type, v4)) = nad_ipam(&nad) else {
            continue;
        };
        if !v4 {
            continue;
        }
        let Some(iface) = spec.ifaces.iter().find(|i| i.name == net_name) else {
            continue;
        };
        for (nd_path, config) in configs {
            for e in config
                .ethernets
                .iter()
                .filter(|e| e.dhcp4 && iface.matched_by(e))
            {
                out.push(
                    Diagnostic::new(
                        Code::DhcpOnIpamNad,
                        entry_path(nd_path, e).key("dhcp4").to_string(),
                        format!("networkData entry `{}` runs DHCP on interface `{}`, but its NAD {ns}/{name} assigns addresses with `{ipam_type}` IPAM: the guest does not get its address from the network's DHCP server", e.id, iface.name),
                    )
                    .with_hint("give DHCP networks an L2-only NAD (\"ipam\": {}), or configure the address statically"),
                );
            }
        }
    }
}

/// The IPAM type of a NAD's first plugin that has one, and whether it may assign IPv4: false
/// only for host-local and static IPAM whose subnets and addresses are all IPv6 (other types
/// are taken to assign IPv4, as before).
fn nad_ipam(nad: &Value) -> Option<(String, bool)> {
    let text = nad.get("spec")?.get("config")?.as_str()?;
    let config = cni::parse_config(text).ok()?;
    let mut ignored = Vec::new();
    let plugins = cni::plugins(&config, "", &mut ignored);
    let (_, plugin) = plugins.iter().find(|(_, p)| cni::has_ipam(p))?;
    let ipam = plugin.get("ipam")?;
    let kind = ipam.get("type")?.as_str()?.to_string();
    let v4 = match ipam_networks(ipam) {
        Some(nets) if !nets.is_empty() => nets.iter().any(|n| matches!(n, ipnet::IpNet::V4(_))),
        _ => true,
    };
    Some((kind, v4))
}

/// The subnets (host-local) or addresses (static) an IPAM config names; None when it names
/// none this reader understands.
fn ipam_networks(ipam: &Value) -> Option<Vec<ipnet::IpNet>> {
    let parse = |v: &Value, k: &str| v.get(k)?.as_str()?.parse::<ipnet::IpNet>().ok();
    match ipam.get("type")?.as_str()? {
        "host-local" => match ipam.get("ranges").and_then(Value::as_array) {
            Some(sets) => Some(
                sets.iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .filter_map(|r| parse(r, "subnet"))
                    .collect(),
            ),
            None => Some(parse(ipam, "subnet").into_iter().collect()),
        },
        "static" => Some(
            ipam.get("addresses")?
                .as_array()?
                .iter()
                .filter_map(|a| parse(a, "address"))
                .collect(),
        ),
        _ => None,
    }
}
