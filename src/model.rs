//! The `Wukong` API (`vm.novasphere.dev/v1alpha1`), field for field as the original operator
//! publishes it, plus two optional additions on networks: `macAddress` and `mtu`.
//!
//! Integer fields that checks bound (vlanId, mtu) are `i64` so that an out-of-range value reaches
//! the check and gets a located diagnostic instead of a type error. Doc comments become the CRD's
//! descriptions (`config/crd/`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

pub const API_GROUP: &str = "vm.novasphere.dev";
pub const API_VERSION: &str = "vm.novasphere.dev/v1alpha1";
pub const KIND: &str = "Wukong";
/// The network name that means the pod network.
pub const POD_NETWORK: &str = "default";

/// Wukong is the Schema for the wukongs API
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Wukong {
    /// APIVersion defines the versioned schema of this representation of an object.
    /// Servers should convert recognized schemas to the latest internal value, and
    /// may reject unrecognized values.
    /// More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind is a string value representing the REST resource this object represents.
    /// Servers may infer this from the endpoint the client submits requests to.
    /// Cannot be updated.
    /// In CamelCase.
    /// More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// spec defines the desired state of Wukong
    pub spec: WukongSpec,
    /// status defines the observed state of Wukong
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WukongStatus>,
}

/// The API server prunes null-valued fields before validating (no field of the CRD is
/// nullable), so `networks: null` is accepted there as if absent; read it the same way.
fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A Go `int` in the original API: controller-gen writes no `format` for it (schemars would say
/// int64), so the CRD matches the original's.
#[cfg(feature = "schema")]
fn go_int(schema: &mut schemars::Schema) {
    schema.remove("format");
}

/// The parts of Kubernetes ObjectMeta the generator reads; the rest is accepted and kept.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Everything else in metadata (labels, annotations, ...): Kubernetes' business, not ours.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

#[cfg(feature = "schema")]
impl JsonSchema for ObjectMeta {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ObjectMeta".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // As in every CRD: the API server owns metadata's schema.
        schemars::json_schema!({ "type": "object" })
    }
}

/// spec defines the desired state of Wukong
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
// The API server requires cpu and memory, as the original CRD does. The model keeps them optional
// so that a networks-only snippet still renders; schemars cannot mark an optional field required.
#[cfg_attr(feature = "schema", schemars(extend("required" = ["cpu", "memory"])))]
#[serde(rename_all = "camelCase")]
pub struct WukongSpec {
    /// CPU is the number of CPU cores for the virtual machine
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 64), transform = go_int))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<i64>,
    /// Memory is the memory size for the virtual machine (e.g., "8Gi", "4G")
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|K|M|G|T|P|E)?$"))
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// OSImage is the operating system image for Cloud-Init configuration
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_image: Option<String>,
    /// SSHKeySecret is the name of the Secret containing SSH public keys
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key_secret: Option<String>,
    /// CloudInitUser defines the default user to be created by Cloud-Init
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_init_user: Option<CloudInitUser>,
    /// Networks defines the network interfaces for the virtual machine
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub networks: Vec<Network>,
    /// Disks defines the storage disks for the virtual machine
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub disks: Vec<DiskConfig>,
    /// HighAvailability defines high availability configuration
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_availability: Option<HighAvailability>,
    /// StartStrategy defines the start strategy for the virtual machine
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_strategy: Option<StartStrategy>,
    /// GPUs defines the GPU devices to be passed through to the virtual machine
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub gpus: Vec<GpuDevice>,
    /// RestoreFromSnapshot specifies the name of a WukongSnapshot to restore from
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_from_snapshot: Option<String>,
}

/// CloudInitUser defines the default user to be created by Cloud-Init
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CloudInitUser {
    /// Name is the username to be created
    pub name: String,
    /// Password is the password for the user (plain text, will be hashed by Cloud-Init)
    /// Note: For security, consider using PasswordHash instead
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// PasswordHash is the hashed password (if provided, Password will be ignored)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// Sudo specifies sudo access for the user
    /// Default: "ALL=(ALL) NOPASSWD:ALL"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sudo: Option<String>,
    /// Shell is the default shell for the user
    /// Default: "/bin/bash"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
    /// Groups are additional groups the user should belong to
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<String>,
    /// LockPasswd indicates whether to lock the password
    /// Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_passwd: Option<bool>,
}

/// NetworkConfig defines a network interface configuration
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// Name is the unique name of the network interface
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
    )]
    pub name: String,
    /// Type is the network type: bridge, macvlan, sriov, or ovs
    /// For "default" network, this field is optional (uses Pod network)
    /// For other networks, this field is required
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub network_type: Option<NetworkType>,
    /// NADName is the name of an existing NetworkAttachmentDefinition
    /// If empty, the operator will create a new NAD
    #[serde(default, rename = "nadName", skip_serializing_if = "Option::is_none")]
    pub nad_name: Option<String>,
    /// VLANID is the VLAN ID (1-4094)
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 4094), transform = go_int))]
    #[serde(default, rename = "vlanId", skip_serializing_if = "Option::is_none")]
    pub vlan_id: Option<i64>,
    /// BridgeName is the bridge name (for bridge and ovs types)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge_name: Option<String>,
    /// PhysicalInterface is the physical network interface name (e.g., "ens160", "ens192")
    /// Used by NMState to create bridge with this interface as a port
    /// Required for bridge and ovs network types
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_interface: Option<String>,
    /// IPConfig defines the IP configuration for this network
    #[serde(default, rename = "ipConfig", skip_serializing_if = "Option::is_none")]
    pub ip_config: Option<IpConfig>,
    /// Primary indicates if this network is the primary/default network
    /// If true and this is a Multus network (Type is set and NADName is specified),
    /// it will be used as the primary network provider instead of the default Pod network.
    /// Only one network can be marked as primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// MACAddress pins the guest NIC's MAC (e.g. "02:00:00:00:00:01"). When absent, wukong-net
    /// derives a stable, locally administered MAC from the namespace, the Wukong and the network
    /// name, so the guest's network config matches the NIC on every boot.
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"))
    )]
    #[serde(
        default,
        rename = "macAddress",
        skip_serializing_if = "Option::is_none"
    )]
    pub mac_address: Option<String>,
    /// MTU of the guest NIC, the bridge port and the node bridge (68-65535).
    #[cfg_attr(feature = "schema", schemars(range(min = 68, max = 65535), transform = go_int))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
}

/// The kinds of network the original API names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum NetworkType {
    Bridge,
    Macvlan,
    Sriov,
    Ovs,
}

impl NetworkType {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkType::Bridge => "bridge",
            NetworkType::Macvlan => "macvlan",
            NetworkType::Sriov => "sriov",
            NetworkType::Ovs => "ovs",
        }
    }
}

/// IPConfig defines the IP configuration for this network
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct IpConfig {
    /// Mode is the IPv4 acquisition mode: static, dhcp, or disabled (no IPv4 on this NIC;
    /// then `ipv6` must enable IPv6)
    pub mode: IpMode,
    /// Address is the IP address and subnet mask (required for static mode)
    /// Format: "192.168.1.10/24"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Gateway is the gateway address (for static mode)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// DNSServers is a list of DNS server addresses
    #[serde(
        default,
        rename = "dnsServers",
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub dns_servers: Vec<String>,
    /// IPv6 is the NIC's IPv6 configuration, beside IPv4 (dual stack) or alone (with
    /// `mode: disabled`). When absent the generated config says nothing about IPv6 and the
    /// guest's defaults apply (most take SLAAC from any router advertisement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<Ipv6Config>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum IpMode {
    Static,
    Dhcp,
    Disabled,
}

/// IPv6Config defines the IPv6 configuration of a network interface
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ipv6Config {
    /// Mode is the IPv6 acquisition mode: slaac (router advertisements), dhcp (DHCPv6 with
    /// router advertisements for the route), static, or disabled (no DHCPv6, RAs ignored)
    pub mode: Ipv6Mode,
    /// Address is the IPv6 address and prefix length (required for static mode)
    /// Format: "2001:db8::200/64"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Gateway is the IPv6 default gateway (static mode only): inside the address's prefix or
    /// link-local (fe80::/10)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Privacy turns on temporary privacy addresses (RFC 8981) for slaac and dhcp modes.
    /// Honoured by netplan only; cloud-init's other renderers ignore it. Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Ipv6Mode {
    Slaac,
    Dhcp,
    Static,
    Disabled,
}

/// DiskConfig defines a storage disk configuration
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DiskConfig {
    /// Name is the unique name of the disk
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
    )]
    pub name: String,
    /// Size is the disk size (e.g., "80Gi", "500G")
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|K|M|G|T|P|E)?$"))
    )]
    pub size: String,
    /// StorageClassName is the name of the StorageClass to use
    pub storage_class_name: String,
    /// Boot indicates whether this is the boot disk
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<bool>,
    /// Image is the container image URL to create the disk from (uses DataVolume)
    /// If specified, a DataVolume will be created to import the image
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// HighAvailability defines high availability configuration
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HighAvailability {
    /// AntiAffinity enables pod anti-affinity to prevent multiple VMs on the same node
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_affinity: Option<bool>,
    /// NodeSelector is a node selector for scheduling
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// RestartPolicy is the restart policy: Always, OnFailure, or Never
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// Tolerations are tolerations for node taints
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tolerations: Vec<Toleration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

/// The pod this Toleration is attached to tolerates any taint that matches
/// the triple <key,value,effect> using the matching operator <operator>.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// Effect indicates the taint effect to match. Empty means match all taint effects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// Key is the taint key that the toleration applies to. Empty means match all taint keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Operator represents a key's relationship to the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// TolerationSeconds represents the period of time the toleration tolerates the taint.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "int64")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
    /// Value is the taint value the toleration matches to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// StartStrategy defines the start strategy for the virtual machine
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartStrategy {
    /// AutoStart indicates whether to automatically start the VM
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start: Option<bool>,
    /// RunStrategy is the run strategy: Always, RerunOnFailure, or Manual
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_strategy: Option<RunStrategy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum RunStrategy {
    Always,
    RerunOnFailure,
    Manual,
}

impl RunStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStrategy::Always => "Always",
            RunStrategy::RerunOnFailure => "RerunOnFailure",
            RunStrategy::Manual => "Manual",
        }
    }
}

/// GPUDevice defines a GPU device for passthrough
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GpuDevice {
    /// DeviceName is the resource name of the GPU (e.g., "nvidia.com/gpu")
    pub device_name: String,
    /// Name is the logical name of the GPU device in the VM
    pub name: String,
}

/// status defines the observed state of Wukong
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WukongStatus {
    /// Conditions represent the current state of the Wukong resource
    #[cfg_attr(feature = "schema", schemars(extend("x-kubernetes-list-map-keys" = ["type"], "x-kubernetes-list-type" = "map")))]
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conditions: Vec<Condition>,
    /// Networks represents the status of network interfaces
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub networks: Vec<NetworkStatus>,
    /// NodeName is the name of the node where the VM is running
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// Phase represents the current phase of the virtual machine
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// VMName is the name of the corresponding KubeVirt VirtualMachine
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_name: Option<String>,
    /// Volumes represents the status of storage volumes
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub volumes: Vec<VolumeStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum Phase {
    Pending,
    Creating,
    Running,
    Stopped,
    Error,
}

/// Condition contains details for one aspect of the current state of this API Resource.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// lastTransitionTime is the last time the condition transitioned from one status to another.
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub last_transition_time: String,
    /// message is a human readable message indicating details about the transition.
    #[cfg_attr(feature = "schema", schemars(length(max = 32768)))]
    pub message: String,
    /// observedGeneration represents the .metadata.generation that the condition was set based upon.
    #[cfg_attr(feature = "schema", schemars(range(min = 0), extend("format" = "int64")))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// reason contains a programmatic identifier indicating the reason for the condition's last transition.
    #[cfg_attr(
        feature = "schema",
        schemars(
            length(min = 1, max = 1024),
            regex(pattern = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
        )
    )]
    pub reason: String,
    /// status of the condition, one of True, False, Unknown.
    pub status: ConditionStatus,
    /// type of condition in CamelCase or in foo.example.com/CamelCase.
    #[cfg_attr(
        feature = "schema",
        schemars(
            length(max = 316),
            regex(
                pattern = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
            )
        )
    )]
    #[serde(rename = "type")]
    pub condition_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum ConditionStatus {
    True,
    False,
    Unknown,
}

/// NetworkStatus represents the status of a network interface
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworkStatus {
    /// Interface is the network interface name in the VM (e.g., "eth0", "net1")
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    /// IPAddress is the IP address assigned to this interface
    #[serde(default, rename = "ipAddress", skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// MACAddress is the MAC address of this interface
    #[serde(
        default,
        rename = "macAddress",
        skip_serializing_if = "Option::is_none"
    )]
    pub mac_address: Option<String>,
    /// NADName is the name of the NetworkAttachmentDefinition used
    #[serde(default, rename = "nadName", skip_serializing_if = "Option::is_none")]
    pub nad_name: Option<String>,
    /// Name is the name of the network interface
    pub name: String,
    /// Primary indicates if this network is the primary/default network
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// VolumeStatus represents the status of a storage volume
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct VolumeStatus {
    /// Bound indicates whether the PVC is bound
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound: Option<bool>,
    /// Name is the name of the volume
    pub name: String,
    /// PVCName is the name of the PersistentVolumeClaim
    #[serde(default, rename = "pvcName", skip_serializing_if = "Option::is_none")]
    pub pvc_name: Option<String>,
    /// Size is the actual size of the volume
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
}

impl Network {
    /// The pod network (`name: default`), served by KubeVirt's masquerade binding.
    pub fn is_pod_network(&self) -> bool {
        self.name == POD_NETWORK
    }

    /// The type the original operator uses: bridge unless told otherwise.
    pub fn effective_type(&self) -> NetworkType {
        self.network_type.unwrap_or(NetworkType::Bridge)
    }

    /// True when wukong-net creates the NAD (and the node bridge) for this network.
    pub fn makes_nad(&self) -> bool {
        !self.is_pod_network()
            && self.nad_name.as_deref().is_none_or(str::is_empty)
            && matches!(
                self.effective_type(),
                NetworkType::Bridge | NetworkType::Ovs
            )
    }

    /// The node bridge: `bridgeName`, or `br-<network name>` as the original defaults it.
    pub fn bridge(&self) -> String {
        match self.bridge_name.as_deref() {
            Some(b) if !b.is_empty() => b.to_string(),
            _ => format!("br-{}", self.name),
        }
    }

    pub fn is_primary(&self) -> bool {
        self.primary == Some(true)
    }
}
