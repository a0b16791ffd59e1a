//! References between the objects of one checked set: a bridge binding on a macvlan NAD, a
//! NAD bridge that no NMState policy of the set creates, the same MAC or static address pinned
//! by two VMs, a single-address NAD shared by two VMs. (A VM's NAD missing from the set, and a
//! DHCP NIC on an IPAM NAD, are the policy's own lookup rules, run over the set: see
//! `admission/vm/nads.rs`.)
//!
//! Findings are on the object that makes the conflict: the second VM to pin a MAC, the NAD
//! whose bridge no policy creates.

use super::{Kind, Object};
use crate::admission::cni;
use crate::diagnostic::{Code, Diagnostic};
use crate::mac::MacAddress;
use crate::source::join_key;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Interface types of an NMState policy that create a bridge a NAD can name.
const NNCP_BRIDGE_TYPES: &[&str] = &["linux-bridge", "ovs-bridge"];

pub(super) fn check(objects: &[Object<'_>], files: &[&str], out: &mut Vec<(usize, Diagnostic)>) {
    let nads: HashMap<(&str, &str), usize> = objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind == Kind::NetworkAttachmentDefinition)
        .map(|(i, o)| ((o.namespace.as_str(), o.name.as_str()), i))
        .collect();
    nic_rules(objects, files, &nads, out);
    pinned_twice(objects, files, out);
    bridges_without_policy(objects, out);
}

/// Who the other object is, for messages: its kind and name, and its file when not the same.
fn other(objects: &[Object<'_>], files: &[&str], here: usize, there: usize) -> String {
    let o = &objects[there];
    let file = files.get(o.file).copied().unwrap_or("");
    if o.file == objects[here].file || file.is_empty() {
        o.describe()
    } else {
        format!("{} (in {file})", o.describe())
    }
}

/// A VM and the VMI it runs are one machine: the same name in the same namespace.
fn machine<'a>(o: &'a Object<'_>, index: usize) -> (&'a str, &'a str, usize) {
    if o.name.is_empty() {
        ("", "", index)
    } else {
        (o.namespace.as_str(), o.name.as_str(), usize::MAX)
    }
}

/// Per NIC on a NAD of the set: the binding the NAD's plugin allows, and one user per
/// single-address NAD.
fn nic_rules(
    objects: &[Object<'_>],
    files: &[&str],
    nads: &HashMap<(&str, &str), usize>,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    let mut single_users: HashMap<usize, (usize, (&str, &str, usize))> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        let Some(facts) = &o.facts else { continue };
        for nic in &facts.nics {
            let Some((ns, name, path)) = &nic.nad else {
                continue;
            };
            let Some(&n) = nads.get(&(ns.as_str(), name.as_str())) else {
                continue;
            };
            let types = plugin_types(objects[n].value);
            if nic.binding == Some("bridge") && types.iter().any(|t| t == "macvlan") {
                out.push((i, Diagnostic::new(
                    Code::BridgeBindingOnMacvlan,
                    join_key(&nic.path, "bridge"),
                    format!("interface `{}` binds the macvlan NAD {ns}/{name} with `bridge`: KubeVirt does not support bridge binding on macvlan (the macvlan device drops frames for the guest's MAC), so the guest has no connectivity", nic.name),
                ).with_hint("use a NAD of the CNI bridge plugin for bridge binding, or an SR-IOV network for direct attachment")));
            }
            // Pools and replica sets run many VMs from one template: each would take the one
            // address, a conflict of their own that this rule does not count.
            if !matches!(o.kind, Kind::VirtualMachine | Kind::VirtualMachineInstance) {
                continue;
            }
            let Some(address) = single_address(objects[n].value) else {
                continue;
            };
            let me = machine(o, i);
            match single_users.get(&n) {
                None => {
                    single_users.insert(n, (i, me));
                }
                Some((first, who)) if *who != me => {
                    out.push((i, Diagnostic::new(
                        Code::SingleAddressNadShared,
                        path.clone(),
                        format!("the NAD {ns}/{name} assigns only {address} (one address per family), and {} uses it too: only one of the two gets it (host-local runs out, static gives both the same address)", other(objects, files, i, *first)),
                    ).with_hint("give each VM its own NAD (or a NAD whose range has an address per VM)")));
                }
                Some(_) => {}
            }
        }
    }
}

/// The same MAC, or the same static address, pinned by two VMs.
fn pinned_twice(objects: &[Object<'_>], files: &[&str], out: &mut Vec<(usize, Diagnostic)>) {
    let mut macs: HashMap<MacAddress, (usize, (&str, &str, usize))> = HashMap::new();
    let mut addresses: HashMap<&str, (usize, (&str, &str, usize))> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        // A pool's or replica set's template is not one VM (see nic_rules).
        if !matches!(o.kind, Kind::VirtualMachine | Kind::VirtualMachineInstance) {
            continue;
        }
        let Some(facts) = &o.facts else { continue };
        let me = machine(o, i);
        for nic in &facts.nics {
            let Some(mac) = nic.mac else { continue };
            match macs.get(&mac) {
                None => {
                    macs.insert(mac, (i, me));
                }
                Some((first, who)) if *who != me => out.push((i, Diagnostic::new(
                    Code::DuplicateMac,
                    join_key(&nic.path, "macAddress"),
                    format!("interface `{}` pins MAC {mac}, which {} pins too: two NICs with one MAC on a network break both", nic.name, other(objects, files, i, *first)),
                ).with_hint("give each VM's interface its own MAC (or leave macAddress out and let KubeVirt pick one)"))),
                Some(_) => {}
            }
        }
        for (address, path) in &facts.static_addresses {
            match addresses.get(address.as_str()) {
                None => {
                    addresses.insert(address, (i, me));
                }
                Some((first, who)) if *who != me => out.push((i, Diagnostic::new(
                    Code::DuplicateAddress,
                    path.clone(),
                    format!("networkData gives the static address {address}, which {} also gives its guest: the two conflict on the network", other(objects, files, i, *first)),
                ).with_hint("give each VM its own address"))),
                Some(_) => {}
            }
        }
    }
}

/// With NMState policies in the set, each NAD's bridge must be one they create.
fn bridges_without_policy(objects: &[Object<'_>], out: &mut Vec<(usize, Diagnostic)>) {
    let mut created: HashSet<&str> = HashSet::new();
    let mut any_policy = false;
    for o in objects {
        if o.kind != Kind::NodeNetworkConfigurationPolicy {
            continue;
        }
        any_policy = true;
        let interfaces = o
            .value
            .get("spec")
            .and_then(|s| s.get("desiredState"))
            .and_then(|d| d.get("interfaces"))
            .and_then(Value::as_array);
        for iface in interfaces.into_iter().flatten() {
            let field = |k: &str| iface.get(k).and_then(Value::as_str);
            if field("type").is_some_and(|t| NNCP_BRIDGE_TYPES.contains(&t))
                && field("state") != Some("absent")
            {
                created.extend(field("name"));
            }
        }
    }
    if !any_policy {
        return; // The nodes' bridges are made elsewhere: nothing to compare with.
    }
    for (i, o) in objects.iter().enumerate() {
        if o.kind != Kind::NetworkAttachmentDefinition {
            continue;
        }
        for (path, plugin) in plugins(o.value) {
            let (bridge, at) = match (
                plugin.get("type").and_then(Value::as_str),
                plugin.get("bridge"),
            ) {
                (Some("bridge"), None) => (cni::DEFAULT_BRIDGE, path.clone()),
                (Some("bridge" | "ovs"), Some(Value::String(b))) => {
                    (b.as_str(), join_key(&path, "bridge"))
                }
                _ => continue,
            };
            if !created.contains(bridge) {
                out.push((i, Diagnostic::new(
                    Code::BridgeWithoutPolicy,
                    at,
                    format!("the NAD's bridge `{}` is created by none of the NodeNetworkConfigurationPolicies checked with it: unless the nodes have it already, pods on this network do not start", bridge.escape_debug()),
                ).with_hint("add the bridge to a NodeNetworkConfigurationPolicy (desiredState.interfaces, type linux-bridge), or name the bridge a policy creates")));
            }
        }
    }
}

/// A NAD's plugins with their paths (`spec.config`, `spec.config.plugins[1]`); none when the
/// config does not parse (the NAD rules report that).
pub(super) fn plugins(nad: &Value) -> Vec<(String, serde_json::Map<String, Value>)> {
    let Some(text) = nad
        .get("spec")
        .and_then(|s| s.get("config"))
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let Ok(config) = cni::parse_config(text) else {
        return Vec::new();
    };
    let mut ignored = Vec::new();
    cni::plugins(&config, "spec.config", &mut ignored)
        .into_iter()
        .map(|(p, m)| (p, m.clone()))
        .collect()
}

fn plugin_types(nad: &Value) -> Vec<String> {
    plugins(nad)
        .iter()
        .filter_map(|(_, p)| p.get("type").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The one address a NAD assigns, when it assigns exactly one: `static` IPAM with one
/// address, or a host-local range that starts and ends on the same address.
fn single_address(nad: &Value) -> Option<String> {
    plugins(nad).iter().find_map(|(_, p)| {
        let ipam = p.get("ipam")?;
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        match ipam.get("type")?.as_str()? {
            "static" => match ipam.get("addresses")?.as_array()?.as_slice() {
                [one] => text(one, "address"),
                _ => None,
            },
            "host-local" => {
                // One single-address range per set: one pinned address per family (a
                // dual-stack NAD pins two, and is as unshareable as a single-stack one).
                let ranges: Vec<&Value> = match ipam.get("ranges").and_then(Value::as_array) {
                    Some(sets) if !sets.is_empty() => sets
                        .iter()
                        .map(|set| match set.as_array()?.as_slice() {
                            [range] => Some(range),
                            _ => None,
                        })
                        .collect::<Option<_>>()?,
                    Some(_) => return None,
                    None => vec![ipam],
                };
                let pinned: Vec<String> = ranges
                    .iter()
                    .map(|range| {
                        let start = text(range, "rangeStart")?;
                        (text(range, "rangeEnd")? == start).then_some(start)
                    })
                    .collect::<Option<_>>()?;
                Some(pinned.join(", "))
            }
            _ => None,
        }
    })
}
