//! The cluster side: the KubeVirt VirtualMachine. Each interface pins its MAC (the same one the
//! netplan match names), the pod network binds with masquerade and every Multus network with
//! bridge (sriov with sriov), and the network-config rides in `cloudInitNoCloud.networkData`
//! beside the userData. The disks come from [`crate::disks`]; CPU, memory, GPUs, SSH keys,
//! scheduling and the run strategy from the rest of the spec.

use crate::cdi::DataVolumeTemplate;
use crate::diagnostic::{Code, Diagnostic};
use crate::disks::{self, VolumeSource};
use crate::k8s::Metadata;
use crate::model::{self, Network, NetworkType, RestartPolicy, RunStrategy, Wukong};
use crate::names;
use crate::nic::Nic;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
    /// Always set (never the deprecated `running`).
    pub run_strategy: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub data_volume_templates: Vec<DataVolumeTemplate>,
    pub template: VmTemplate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct VmTemplate {
    /// The virt-launcher pod's labels (the anti-affinity label).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub metadata: Option<TemplateMetadata>,
    pub spec: VmiSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
pub struct TemplateMetadata {
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct VmiSpec {
    pub domain: Domain,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub access_credentials: Vec<AccessCredential>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub eviction_strategy: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub tolerations: Vec<Toleration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub affinity: Option<Affinity>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub resources: Option<Resources>,
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

/// The virt-launcher pod's requests: the guest memory, so the scheduler counts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
pub struct Resources {
    pub requests: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Devices {
    pub disks: Vec<Disk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub gpus: Vec<Gpu>,
    pub interfaces: Vec<Interface>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    pub name: String,
    /// 1 on the disk that boots; KubeVirt tries no disk without one when any has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub boot_order: Option<i64>,
    pub disk: DiskTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DiskTarget {
    pub bus: String,
}

/// A host device passed through by its device plugin's resource name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Gpu {
    pub name: String,
    pub device_name: String,
}

/// An SSH public key from a Secret, put into cloud-init's NoCloud meta-data (`noCloud`), which
/// cloud-init gives to its default user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AccessCredential {
    pub ssh_public_key: SshPublicKey,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SshPublicKey {
    pub source: SshKeySource,
    pub propagation_method: PropagationMethod,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct SshKeySource {
    pub secret: SecretSource,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SecretSource {
    pub secret_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PropagationMethod {
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, never>"))]
    pub no_cloud: Map<String, Value>,
}

/// A Kubernetes toleration, field for field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub effect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub toleration_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    pub pod_anti_affinity: PodAntiAffinity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PodAntiAffinity {
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct WeightedPodAffinityTerm {
    pub weight: i64,
    pub pod_affinity_term: PodAffinityTerm,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PodAffinityTerm {
    pub label_selector: LabelSelector,
    pub topology_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
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

/// A volume: exactly one of its sources is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub container_disk: Option<ContainerDiskSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub data_volume: Option<DataVolumeRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub cloud_init_no_cloud: Option<CloudInitNoCloud>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ContainerDiskSource {
    pub image: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DataVolumeRef {
    pub name: String,
}

/// The cloud-init NoCloud source: the network-config inline, the userData inline or, when it
/// must not be in the VM spec, from a Secret (KubeVirt takes one userData source).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CloudInitNoCloud {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub user_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub secret_ref: Option<LocalObjectReference>,
    pub network_data: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct LocalObjectReference {
    pub name: String,
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

/// The label the anti-affinity term selects: every VM rendered with `antiAffinity: true`
/// prefers a node that runs no other such VM.
pub const ANTI_AFFINITY_LABEL: (&str, &str) = ("vm.novasphere.dev/anti-affinity", "true");

/// `restartPolicy` in KubeVirt's terms (KubeVirt has no restart policy, only run strategies).
fn restart_policy_strategy(p: RestartPolicy) -> &'static str {
    match p {
        RestartPolicy::Always => "Always",
        RestartPolicy::OnFailure => "RerunOnFailure",
        RestartPolicy::Never => "Once",
    }
}

/// `spec.runStrategy`: `startStrategy.runStrategy`, else `autoStart` (`Always`/`Halted`), else
/// `highAvailability.restartPolicy`, else `Always` (the operator's autoStart defaulted to true).
pub fn run_strategy(w: &Wukong) -> &'static str {
    let start = w.spec.start_strategy.as_ref();
    if let Some(r) = start.and_then(|s| s.run_strategy) {
        return r.as_str();
    }
    if let Some(a) = start.and_then(|s| s.auto_start) {
        return if a { "Always" } else { "Halted" };
    }
    match w
        .spec
        .high_availability
        .as_ref()
        .and_then(|h| h.restart_policy)
    {
        Some(p) => restart_policy_strategy(p),
        None => "Always",
    }
}

/// The run-strategy and eviction decisions as diagnostics: fields that disagree with the one
/// that wins, and high availability's live migration, which GPUs rule out.
pub fn notes(w: &Wukong, out: &mut Vec<Diagnostic>) {
    if w.spec.high_availability.is_some() && !w.spec.gpus.is_empty() {
        out.push(
            Diagnostic::new(
                Code::NotRendered,
                "spec.highAvailability",
                "highAvailability's live migration is not rendered: a VM with GPUs (host devices) cannot live-migrate, so evictionStrategy is None and a node drain stops the VM, which its runStrategy then restarts elsewhere",
            )
            .with_hint("nothing to do if that is acceptable; for live migration, drop the GPUs"),
        );
    }
    let chosen = run_strategy(w);
    let start = w.spec.start_strategy.as_ref();
    let run = start.and_then(|s| s.run_strategy);
    let auto = start.and_then(|s| s.auto_start);
    if let (Some(r), Some(a)) = (run, auto) {
        let agrees = if a {
            r != RunStrategy::Manual
        } else {
            r == RunStrategy::Manual
        };
        if !agrees {
            out.push(
                Diagnostic::new(
                    Code::RunStrategyConflict,
                    "spec.startStrategy.autoStart",
                    format!(
                        "autoStart: {a} disagrees with runStrategy: {}; runStrategy wins",
                        r.as_str()
                    ),
                )
                .with_hint("remove `autoStart`: runStrategy says everything it does"),
            );
        }
    }
    if let Some(p) = w
        .spec
        .high_availability
        .as_ref()
        .and_then(|h| h.restart_policy)
    {
        let wants = restart_policy_strategy(p);
        if (run.is_some() || auto.is_some()) && wants != chosen {
            out.push(
                Diagnostic::new(
                    Code::RunStrategyConflict,
                    "spec.highAvailability.restartPolicy",
                    format!(
                        "restartPolicy: {p:?} (runStrategy {wants}) disagrees with startStrategy, which renders runStrategy {chosen}; startStrategy wins"
                    ),
                )
                .with_hint(format!("remove `restartPolicy`, or set `startStrategy.runStrategy: {wants}`")),
            );
        }
    }
}

/// A toleration the API server accepts; the others are left out of the VM, and `check` reports
/// them (`invalid-toleration`, from the same function).
pub fn toleration_renders(t: &model::Toleration) -> bool {
    crate::checks::scheduling::toleration_problem(t).is_none()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.is_empty())
}

fn toleration(t: &model::Toleration) -> Toleration {
    Toleration {
        key: non_empty(&t.key),
        operator: non_empty(&t.operator),
        value: non_empty(&t.value),
        effect: non_empty(&t.effect),
        toleration_seconds: t.toleration_seconds,
    }
}

fn disk(name: &str, boot_order: Option<i64>) -> Disk {
    Disk {
        name: name.to_string(),
        boot_order,
        disk: DiskTarget {
            bus: "virtio".to_string(),
        },
    }
}

/// The VirtualMachine for a checked Wukong, given its NICs, its rendered network-config and
/// its userData (inline, or the name of the Secret that carries it).
pub fn virtual_machine(
    w: &Wukong,
    nics: &[Nic<'_>],
    network_data: String,
    user_data: UserDataSource,
) -> VirtualMachine {
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

    let plan = disks::plan(w);
    let mut vm_disks = Vec::new();
    let mut volumes = Vec::new();
    for d in &plan.disks {
        vm_disks.push(disk(&d.name, d.boot_order));
        let (container_disk, data_volume) = match &d.source {
            VolumeSource::ContainerDisk(image) => (
                Some(ContainerDiskSource {
                    image: image.clone(),
                }),
                None,
            ),
            VolumeSource::DataVolume(name) => (None, Some(DataVolumeRef { name: name.clone() })),
        };
        volumes.push(Volume {
            name: d.name.clone(),
            container_disk,
            data_volume,
            cloud_init_no_cloud: None,
        });
    }
    vm_disks.push(disk(CLOUD_INIT_DISK, None));
    let (inline, secret_ref) = match user_data {
        UserDataSource::Inline(text) => (Some(text), None),
        UserDataSource::Secret(name) => (None, Some(LocalObjectReference { name })),
    };
    volumes.push(Volume {
        name: CLOUD_INIT_DISK.to_string(),
        container_disk: None,
        data_volume: None,
        cloud_init_no_cloud: Some(CloudInitNoCloud {
            user_data: inline,
            secret_ref,
            network_data,
        }),
    });

    let ha = w.spec.high_availability.as_ref();
    let anti_affinity = ha.and_then(|h| h.anti_affinity) == Some(true);
    let anti_labels = || {
        BTreeMap::from([(
            ANTI_AFFINITY_LABEL.0.to_string(),
            ANTI_AFFINITY_LABEL.1.to_string(),
        )])
    };
    // Host devices cannot live-migrate: on a drain the VM is stopped and restarted per its
    // runStrategy. Otherwise high availability migrates when it can, without blocking drains
    // of VMs whose disks cannot move.
    let eviction_strategy = if !w.spec.gpus.is_empty() {
        Some("None".to_string())
    } else {
        ha.map(|_| "LiveMigrateIfPossible".to_string())
    };
    let memory = w.spec.memory.clone().filter(|m| !m.is_empty());

    VirtualMachine {
        api_version: "kubevirt.io/v1".to_string(),
        kind: "VirtualMachine".to_string(),
        metadata: Metadata::owned_by(w, names::vm(owner)),
        spec: VmSpec {
            run_strategy: run_strategy(w).to_string(),
            data_volume_templates: plan.templates,
            template: VmTemplate {
                metadata: anti_affinity.then(|| TemplateMetadata {
                    labels: anti_labels(),
                }),
                spec: VmiSpec {
                    domain: Domain {
                        cpu: w.spec.cpu.map(|cores| Cpu { cores }),
                        memory: memory.clone().map(|guest| Memory { guest }),
                        resources: memory.map(|m| Resources {
                            requests: BTreeMap::from([("memory".to_string(), m)]),
                        }),
                        devices: Devices {
                            disks: vm_disks,
                            gpus: w
                                .spec
                                .gpus
                                .iter()
                                .map(|g| Gpu {
                                    name: g.name.clone(),
                                    device_name: g.device_name.clone(),
                                })
                                .collect(),
                            interfaces,
                        },
                    },
                    access_credentials: non_empty(&w.spec.ssh_key_secret)
                        .map(|secret_name| AccessCredential {
                            ssh_public_key: SshPublicKey {
                                source: SshKeySource {
                                    secret: SecretSource { secret_name },
                                },
                                propagation_method: PropagationMethod {
                                    no_cloud: Map::new(),
                                },
                            },
                        })
                        .into_iter()
                        .collect(),
                    eviction_strategy,
                    node_selector: ha.and_then(|h| h.node_selector.clone()).unwrap_or_default(),
                    tolerations: ha
                        .map(|h| {
                            h.tolerations
                                .iter()
                                .filter(|t| toleration_renders(t))
                                .map(toleration)
                                .collect()
                        })
                        .unwrap_or_default(),
                    affinity: anti_affinity.then(|| Affinity {
                        pod_anti_affinity: PodAntiAffinity {
                            preferred_during_scheduling_ignored_during_execution: vec![
                                WeightedPodAffinityTerm {
                                    weight: 100,
                                    pod_affinity_term: PodAffinityTerm {
                                        label_selector: LabelSelector {
                                            match_labels: anti_labels(),
                                        },
                                        topology_key: "kubernetes.io/hostname".to_string(),
                                    },
                                },
                            ],
                        },
                    }),
                    networks,
                    volumes,
                },
            },
        },
    }
}

/// Where the VM's userData comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserDataSource {
    /// `cloudInitNoCloud.userData`.
    Inline(String),
    /// `cloudInitNoCloud.secretRef` to the Secret of this name.
    Secret(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{clean_of, diagnose, expect};

    fn spec(extra: &str) -> String {
        format!(
            "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {{name: vm1, namespace: lab, uid: u1}}\nspec:\n  cpu: 1\n  memory: 1Gi\n  osImage: ubuntu:22.04\n{extra}"
        )
    }

    fn strategy(extra: &str) -> &'static str {
        let report = crate::check(&spec(extra));
        run_strategy(&report.wukongs[0])
    }

    #[test]
    fn run_strategy_defaults_to_always_and_follows_the_spec() {
        assert_eq!(strategy(""), "Always");
        assert_eq!(strategy("  startStrategy: {autoStart: false}\n"), "Halted");
        assert_eq!(
            strategy("  startStrategy: {runStrategy: Manual, autoStart: true}\n"),
            "Manual"
        );
        assert_eq!(
            strategy("  highAvailability: {restartPolicy: Never}\n"),
            "Once"
        );
        assert_eq!(
            strategy("  highAvailability: {restartPolicy: OnFailure}\n"),
            "RerunOnFailure"
        );
    }

    #[test]
    fn disagreeing_start_fields_are_a_warning() {
        expect(
            &spec("  startStrategy:\n    autoStart: true\n    runStrategy: Manual\n"),
            Code::RunStrategyConflict,
            "spec.startStrategy.autoStart",
            9,
        );
        expect(
            &spec("  startStrategy: {autoStart: false}\n  highAvailability:\n    restartPolicy: Always\n"),
            Code::RunStrategyConflict,
            "spec.highAvailability.restartPolicy",
            10,
        );
        clean_of(
            &spec("  startStrategy: {autoStart: true, runStrategy: RerunOnFailure}\n  highAvailability: {restartPolicy: OnFailure}\n"),
            Code::RunStrategyConflict,
        );
    }

    #[test]
    fn restore_from_snapshot_is_named_as_not_rendered() {
        expect(
            &spec("  restoreFromSnapshot: nightly\n"),
            Code::NotRendered,
            "spec.restoreFromSnapshot",
            8,
        );
        assert!(diagnose(&spec("")).is_empty(), "{:?}", diagnose(&spec("")));
    }

    #[test]
    fn gpus_rule_out_high_availabilitys_live_migration() {
        expect(
            &spec("  gpus: [{name: g, deviceName: nvidia.com/gpu}]\n  highAvailability: {antiAffinity: true}\n"),
            Code::NotRendered,
            "spec.highAvailability",
            9,
        );
        clean_of(
            &spec("  highAvailability: {antiAffinity: true}\n"),
            Code::NotRendered,
        );
    }

    #[test]
    fn tolerations_the_api_server_refuses_are_left_out() {
        let t = |op: Option<&str>, value: Option<&str>, effect: Option<&str>| model::Toleration {
            effect: effect.map(str::to_string),
            key: Some("k".into()),
            operator: op.map(str::to_string),
            toleration_seconds: None,
            value: value.map(str::to_string),
        };
        assert!(toleration_renders(&t(
            Some("Equal"),
            Some("v"),
            Some("NoSchedule")
        )));
        assert!(toleration_renders(&t(Some("Exists"), None, None)));
        assert!(!toleration_renders(&t(Some("Exists"), Some("v"), None)));
        assert!(!toleration_renders(&t(Some("In"), None, None)));
        assert!(!toleration_renders(&t(None, None, Some("NoRun"))));
    }
}
