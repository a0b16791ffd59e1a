//! The cluster side: the KubeVirt VirtualMachine's networking. Each interface pins its MAC (the
//! same one the netplan match names), the pod network binds with masquerade and every Multus
//! network with bridge (sriov with sriov), and the network-config rides in
//! `cloudInitNoCloud.networkData`.

use crate::k8s::Metadata;
use crate::model::{Network, NetworkType, Wukong};
use crate::names;
use crate::nic::Nic;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachine {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    pub spec: VmSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VmSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_strategy: Option<String>,
    pub template: VmTemplate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct VmTemplate {
    pub spec: VmiSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct VmiSpec {
    pub domain: Domain,
    pub networks: Vec<VmNetwork>,
    pub volumes: Vec<Volume>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Domain {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
    pub devices: Devices,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Cpu {
    pub cores: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Memory {
    pub guest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Devices {
    pub disks: Vec<Disk>,
    pub interfaces: Vec<Interface>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Disk {
    pub name: String,
    pub disk: DiskTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DiskTarget {
    pub bus: String,
}

/// An interface: its name, its binding (one key, `masquerade`, `bridge` or `sriov`, with an
/// empty object) and its pinned MAC.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Interface {
    pub name: String,
    #[serde(flatten)]
    #[cfg_attr(
        feature = "tsify",
        tsify(
            type = "Partial<Record<\"masquerade\" | \"bridge\" | \"sriov\", Record<string, never>>>"
        )
    )]
    pub binding: Map<String, Value>,
    pub mac_address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct VmNetwork {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, never>"))]
    pub pod: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multus: Option<Multus>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Multus {
    pub network_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    pub cloud_init_no_cloud: CloudInitNoCloud,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CloudInitNoCloud {
    pub network_data: String,
}

pub const CLOUD_INIT_DISK: &str = "cloudinitdisk";

/// How KubeVirt attaches a network's interface: `masquerade` for the pod network, `sriov` for
/// SR-IOV, `bridge` for every other Multus network.
pub fn binding(net: &Network) -> &'static str {
    if net.is_pod_network() {
        "masquerade"
    } else if net.effective_type() == NetworkType::Sriov {
        "sriov"
    } else {
        "bridge"
    }
}

/// The NetworkAttachmentDefinition a network's interface uses (`multus.networkName`): its
/// `nadName` when set, else the one wukong-net names; none for the pod network.
pub fn attached_nad(owner: &str, net: &Network) -> Option<String> {
    if net.is_pod_network() {
        return None;
    }
    Some(match net.nad_name.as_deref() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => names::nad(owner, &net.name),
    })
}

/// The VirtualMachine for a checked Wukong, given its NICs and rendered network-config.
pub fn virtual_machine(w: &Wukong, nics: &[Nic<'_>], network_data: String) -> VirtualMachine {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    let mut interfaces = Vec::new();
    let mut networks = Vec::new();
    for nic in nics {
        let net = nic.network;
        interfaces.push(Interface {
            name: net.name.clone(),
            binding: Map::from_iter([(binding(net).to_string(), Value::Object(Map::new()))]),
            mac_address: nic.mac.to_string(),
        });
        networks.push(match attached_nad(owner, net) {
            None => VmNetwork {
                name: net.name.clone(),
                pod: Some(Map::new()),
                multus: None,
            },
            Some(nad) => VmNetwork {
                name: net.name.clone(),
                pod: None,
                multus: Some(Multus {
                    network_name: nad,
                    default: net.is_primary().then_some(true),
                }),
            },
        });
    }
    let start = w.spec.start_strategy.as_ref();
    let run_strategy = start
        .and_then(|s| s.run_strategy)
        .map(|r| r.as_str().to_string())
        .or_else(|| {
            start
                .and_then(|s| s.auto_start)
                .map(|a| if a { "Always" } else { "Halted" }.to_string())
        });
    VirtualMachine {
        api_version: "kubevirt.io/v1".to_string(),
        kind: "VirtualMachine".to_string(),
        metadata: Metadata::owned_by(w, names::vm(owner)),
        spec: VmSpec {
            run_strategy,
            template: VmTemplate {
                spec: VmiSpec {
                    domain: Domain {
                        cpu: w.spec.cpu.map(|cores| Cpu { cores }),
                        memory: w.spec.memory.clone().map(|guest| Memory { guest }),
                        devices: Devices {
                            disks: vec![Disk {
                                name: CLOUD_INIT_DISK.to_string(),
                                disk: DiskTarget {
                                    bus: "virtio".to_string(),
                                },
                            }],
                            interfaces,
                        },
                    },
                    networks,
                    volumes: vec![Volume {
                        name: CLOUD_INIT_DISK.to_string(),
                        cloud_init_no_cloud: CloudInitNoCloud { network_data },
                    }],
                },
            },
        },
    }
}
