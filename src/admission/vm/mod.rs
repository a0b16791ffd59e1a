//! KubeVirt VirtualMachines and VirtualMachineInstances: the guest network config must reach
//! cloud-init and fit the VM's NICs. `network:` in userData is ignored by cloud-init;
//! networkData must be Netplan v2 whose MAC matches are pinned on the VM's interfaces and whose
//! MACs survive YAML 1.1; Multus networks bind with bridge, not masquerade. With context-aware
//! lookups, each Multus network's NAD must exist and a DHCP NIC must not sit on an IPAM NAD.
//!
//! This file reads the VM's spec into a [`VmSpec`]; the rules on it live in `cloud_init.rs`
//! (userData and networkData) and `nads.rs` (the NADs its Multus networks name).

mod cloud_init;
mod facts;
mod nads;

pub use facts::{NicFacts, VmFacts};

use super::settings::Settings;
use super::ResourceLookup;
use crate::diagnostic::{Code, Diagnostic};
use crate::json_type::type_name;
use crate::mac::MacAddress;
use crate::network_config::{Device, NetworkConfig};
use crate::source::{join_index, join_key};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub const NAD_API_VERSION: &str = "k8s.cni.cncf.io/v1";
pub const NAD_KIND: &str = "NetworkAttachmentDefinition";

/// The VM or VMI a request is about.
#[derive(Debug, Clone, Copy)]
pub struct VmObject<'a> {
    pub object: &'a Value,
    /// A VirtualMachineInstance (its spec is `spec`), not a VirtualMachine (whose spec is
    /// `spec.template.spec`).
    pub is_instance: bool,
    /// Where relative NAD names are looked up.
    pub namespace: &'a str,
}

/// The parts of a VM's or VMI's spec the rules read: interfaces, networks and the cloud-init
/// volumes, whichever of `spec.template.spec` (a VM) or `spec` (a VMI) holds them. Two objects
/// with equal networking get the same answer, so an UPDATE that keeps it is not checked again.
pub fn networking(object: &Value) -> [Option<&Value>; 3] {
    let spec = object.get("spec");
    let spec = spec
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("spec"))
        .or(spec);
    [
        spec.and_then(|s| s.get("domain"))
            .and_then(|d| d.get("devices"))
            .and_then(|d| d.get("interfaces")),
        spec.and_then(|s| s.get("networks")),
        // Only the cloud-init volume (KubeVirt allows one): hotplugging a data disk is not a
        // networking change.
        cloud_init_volume(spec),
    ]
}

fn cloud_init_volume(spec: Option<&Value>) -> Option<&Value> {
    spec?
        .get("volumes")?
        .as_array()?
        .iter()
        .find(|v| v.get("cloudInitNoCloud").is_some() || v.get("cloudInitConfigDrive").is_some())
}

/// Where the NADs a VM's Multus networks name are looked up, and what a NAD that is not
/// found means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NadScope {
    /// The cluster (the policy, context-aware): a NAD not found does not exist, an error.
    Cluster,
    /// The files checked together (`wukong-net check`): a NAD not among them may still exist
    /// in the cluster, so its absence is only information.
    CheckedFiles,
}

/// Checks a VM or VMI.
pub fn check(
    vm: VmObject<'_>,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
    out: &mut Vec<Diagnostic>,
) {
    let scope = settings.context_aware.then_some(NadScope::Cluster);
    run(vm, settings, scope, lookup, out);
}

/// Checks a VM or VMI, looking its NADs up in `scope` (none: no lookups), and returns what
/// the cross-reference rules of a checked set read from it.
pub fn check_scoped(
    vm: VmObject<'_>,
    settings: &Settings,
    scope: Option<NadScope>,
    lookup: &mut dyn ResourceLookup,
    out: &mut Vec<Diagnostic>,
) -> VmFacts {
    match run(vm, settings, scope, lookup, out) {
        Some((spec, configs)) => facts::of(&spec, vm.namespace, &configs),
        None => VmFacts::default(),
    }
}

/// The rules; returns the spec read and its networkData configs (none without a spec).
fn run<'a>(
    vm: VmObject<'a>,
    settings: &Settings,
    scope: Option<NadScope>,
    lookup: &mut dyn ResourceLookup,
    out: &mut Vec<Diagnostic>,
) -> Option<(VmSpec<'a>, Vec<(String, NetworkConfig)>)> {
    let spec = VmSpec::read(vm, out)?;
    check_bindings(&spec, out);
    let configs = cloud_init::check_volumes(&spec, settings, out);
    if let Some(scope) = scope {
        let on_failure = settings.lookup_failure;
        nads::check(
            &spec,
            vm.namespace,
            &configs,
            lookup,
            on_failure,
            scope,
            out,
        );
    }
    Some((spec, configs))
}

/// One entry of `domain.devices.interfaces`.
struct Iface<'a> {
    index: usize,
    name: &'a str,
    mac: Option<MacAddress>,
    raw: &'a Value,
}

impl Iface<'_> {
    /// The names a guest may give this NIC: eth<N> (net.ifnames=0, most cloud images) or the
    /// PCI name KubeVirt's layout yields (enp<N+1>s0).
    fn guest_names(&self) -> [String; 2] {
        [
            format!("eth{}", self.index),
            format!("enp{}s0", self.index + 1),
        ]
    }

    /// Whether a networkData entry applies to this NIC: by pinned MAC, or by name.
    fn matched_by(&self, e: &Device) -> bool {
        match (e.match_mac.as_deref(), self.mac) {
            (Some(m), Some(mine)) => MacAddress::parse(m).is_ok_and(|m| m == mine),
            (Some(_), None) => false,
            (None, _) => self.guest_names().iter().any(|n| e.applies_to_name(n)),
        }
    }
}

/// Where a VM network comes from.
enum NetSource<'a> {
    Pod,
    Multus { network_name: &'a str, index: usize },
    Other,
}

/// What the rules read from a VM's spec: where it is, its NICs and its networks by name.
struct VmSpec<'a> {
    /// `spec` (a VMI) or `spec.template.spec` (a VM).
    base: &'static str,
    spec: &'a Map<String, Value>,
    ifaces: Vec<Iface<'a>>,
    nets: HashMap<&'a str, NetSource<'a>>,
}

impl<'a> VmSpec<'a> {
    /// `None` when there is no spec (nothing about networking to check) or it is no mapping
    /// (reported).
    fn read(vm: VmObject<'a>, out: &mut Vec<Diagnostic>) -> Option<VmSpec<'a>> {
        let (base, spec) = if vm.is_instance {
            ("spec", vm.object.get("spec"))
        } else {
            let spec = vm
                .object
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec"));
            ("spec.template.spec", spec)
        };
        let spec = match spec? {
            Value::Object(s) => s,
            other => {
                out.push(
                    Diagnostic::new(
                        Code::WrongType,
                        base,
                        format!("{base} must be a mapping, not {}", type_name(other)),
                    )
                    .with_hint("see the KubeVirt VirtualMachine API"),
                );
                return None;
            }
        };
        Some(VmSpec {
            base,
            spec,
            ifaces: interfaces(spec),
            nets: networks(spec),
        })
    }

    /// The NIC a network of this kind is bound to.
    fn iface_on(&self, wanted: impl Fn(&NetSource) -> bool) -> Option<&Iface<'a>> {
        self.ifaces
            .iter()
            .find(|i| self.nets.get(i.name).is_some_and(&wanted))
    }
}

/// The named entries of `domain.devices.interfaces`, with their pinned MACs.
fn interfaces(spec: &Map<String, Value>) -> Vec<Iface<'_>> {
    let list = spec
        .get("domain")
        .and_then(|d| d.get("devices"))
        .and_then(|d| d.get("interfaces"))
        .and_then(Value::as_array);
    let mut ifaces = Vec::new();
    for (index, raw) in list.into_iter().flatten().enumerate() {
        let Some(name) = raw.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mac = raw
            .get("macAddress")
            .and_then(Value::as_str)
            .and_then(|m| MacAddress::parse(m).ok());
        ifaces.push(Iface {
            index,
            name,
            mac,
            raw,
        });
    }
    ifaces
}

/// The named entries of `networks`, by name.
fn networks(spec: &Map<String, Value>) -> HashMap<&str, NetSource<'_>> {
    let list = spec.get("networks").and_then(Value::as_array);
    let mut nets = HashMap::new();
    for (index, net) in list.into_iter().flatten().enumerate() {
        let Some(name) = net.get("name").and_then(Value::as_str) else {
            continue;
        };
        let multus = net
            .get("multus")
            .and_then(|m| m.get("networkName"))
            .and_then(Value::as_str);
        let source = match multus {
            _ if net.get("pod").is_some() => NetSource::Pod,
            Some(network_name) => NetSource::Multus {
                network_name,
                index,
            },
            None => NetSource::Other,
        };
        nets.insert(name, source);
    }
    nets
}

/// KubeVirt allows masquerade only on the pod network.
fn check_bindings(spec: &VmSpec<'_>, out: &mut Vec<Diagnostic>) {
    let iface_path = format!("{}.domain.devices.interfaces", spec.base);
    for iface in &spec.ifaces {
        if iface.raw.get("masquerade").is_none() {
            continue;
        }
        if let Some(NetSource::Multus { network_name, .. }) = spec.nets.get(iface.name) {
            out.push(
                Diagnostic::new(
                    Code::MasqueradeOnMultus,
                    join_key(&join_index(&iface_path, iface.index), "masquerade"),
                    format!("interface `{}` binds the Multus network `{network_name}` with masquerade: KubeVirt allows masquerade only on the pod network", iface.name),
                )
                .with_hint("write `bridge: {}` for a Multus network (the guest then sees the physical network and its DHCP server)"),
            );
        }
    }
}

#[cfg(test)]
mod guest_config_tests;
#[cfg(test)]
mod tests;
