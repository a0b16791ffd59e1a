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
        let Some(ipam_type) = nad_ipam(&nad) else {
            continue;
        };
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

/// The IPAM type of a NAD's first plugin that has one.
fn nad_ipam(nad: &Value) -> Option<String> {
    let text = nad.get("spec")?.get("config")?.as_str()?;
    let config = cni::parse_config(text).ok()?;
    let mut ignored = Vec::new();
    let plugins = cni::plugins(&config, "", &mut ignored);
    plugins
        .iter()
        .find(|(_, p)| cni::has_ipam(p))
        .and_then(|(_, p)| p.get("ipam")?.get("type")?.as_str().map(str::to_string))
}
