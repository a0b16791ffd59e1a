//! What a document is: its kind by `apiVersion` and `kind`, or, for a fragment without them,
//! guessed from its shape where only one kind has that shape.

use crate::admission::vm::NAD_KIND;
use crate::model;
use crate::network_config;
use serde_json::Value;

/// The kinds `check` knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Wukong,
    /// A bare cloud-init network-config (what KubeVirt's networkData carries).
    NetworkConfig,
    VirtualMachine,
    VirtualMachineInstance,
    /// `pool.kubevirt.io` VirtualMachinePool: a VM template in `spec.virtualMachineTemplate`.
    VirtualMachinePool,
    /// VirtualMachineInstanceReplicaSet: a VMI template in `spec.template`.
    VirtualMachineInstanceReplicaSet,
    NetworkAttachmentDefinition,
    NodeNetworkConfigurationPolicy,
    /// Anything else, described for the "skipped" note.
    Other(String),
}

pub const NNCP_GROUP: &str = "nmstate.io";
pub const NNCP_KIND: &str = "NodeNetworkConfigurationPolicy";

impl Kind {
    /// The kind of a mapping.
    pub fn of(value: &Value) -> Kind {
        let api_version = value.get("apiVersion").and_then(Value::as_str);
        let kind = value.get("kind").and_then(Value::as_str);
        match (api_version, kind) {
            (Some(v), Some(k)) => by_name(v, k),
            (None, None) => by_shape(value),
            (Some(v), None) => Kind::Other(format!("a document with apiVersion `{v}` but no kind")),
            (None, Some(k)) => Kind::Other(format!("a {k} without apiVersion")),
        }
    }

    /// The KubeVirt kinds whose objects the VM rules (or their template's) apply to.
    pub fn kubevirt_name(&self) -> Option<&'static str> {
        match self {
            Kind::VirtualMachine => Some("VirtualMachine"),
            Kind::VirtualMachineInstance => Some("VirtualMachineInstance"),
            Kind::VirtualMachinePool => Some("VirtualMachinePool"),
            Kind::VirtualMachineInstanceReplicaSet => Some("VirtualMachineInstanceReplicaSet"),
            _ => None,
        }
    }
}

fn by_name(api_version: &str, kind: &str) -> Kind {
    // The group decides; every served version of it has the same networking fields (the
    // Wukong loader itself names the versions it reads).
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    match (group, kind) {
        (model::API_GROUP, model::KIND) => Kind::Wukong,
        ("kubevirt.io", "VirtualMachine") => Kind::VirtualMachine,
        ("kubevirt.io", "VirtualMachineInstance") => Kind::VirtualMachineInstance,
        ("kubevirt.io", "VirtualMachineInstanceReplicaSet") => {
            Kind::VirtualMachineInstanceReplicaSet
        }
        ("pool.kubevirt.io", "VirtualMachinePool") => Kind::VirtualMachinePool,
        ("k8s.cni.cncf.io", NAD_KIND) => Kind::NetworkAttachmentDefinition,
        (NNCP_GROUP, NNCP_KIND) => Kind::NodeNetworkConfigurationPolicy,
        _ => Kind::Other(format!("{kind} ({api_version})")),
    }
}

/// A fragment without apiVersion and kind: only shapes that one kind alone has.
fn by_shape(value: &Value) -> Kind {
    if network_config::is_network_config(value) {
        return Kind::NetworkConfig;
    }
    let at = |path: &[&str]| path.iter().try_fold(value, |v, k| v.get(k));
    if at(&["spec", "desiredState"]).is_some() {
        Kind::NodeNetworkConfigurationPolicy
    } else if at(&["spec", "config"]).is_some_and(Value::is_string) {
        Kind::NetworkAttachmentDefinition
    } else if at(&["spec", "virtualMachineTemplate", "spec", "template"]).is_some() {
        Kind::VirtualMachinePool
    } else if at(&["spec", "template", "spec", "domain"]).is_some() {
        Kind::VirtualMachine
    } else if at(&["spec", "domain"]).is_some() {
        Kind::VirtualMachineInstance
    } else if at(&["spec"]).is_some() {
        // A bare spec is read as a Wukong, as it always was: handy for snippets.
        Kind::Wukong
    } else {
        Kind::Other("a document without apiVersion and kind".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_by_api_version_and_kind() {
        let k = |v: &str, kind: &str| Kind::of(&json!({"apiVersion": v, "kind": kind}));
        assert_eq!(k("kubevirt.io/v1", "VirtualMachine"), Kind::VirtualMachine);
        assert_eq!(
            k("kubevirt.io/v1alpha3", "VirtualMachineInstance"),
            Kind::VirtualMachineInstance
        );
        assert_eq!(
            k("pool.kubevirt.io/v1alpha1", "VirtualMachinePool"),
            Kind::VirtualMachinePool
        );
        assert_eq!(
            k("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition"),
            Kind::NetworkAttachmentDefinition
        );
        assert_eq!(
            k("nmstate.io/v1", "NodeNetworkConfigurationPolicy"),
            Kind::NodeNetworkConfigurationPolicy
        );
        assert_eq!(k("v1", "Service"), Kind::Other("Service (v1)".into()));
        // Same kind name, another group: not KubeVirt's.
        assert!(matches!(
            k("example.com/v1", "VirtualMachine"),
            Kind::Other(_)
        ));
    }

    #[test]
    fn fragments_are_guessed_only_from_unambiguous_shapes() {
        assert_eq!(
            Kind::of(&json!({"spec": {"template": {"spec": {"domain": {}}}}})),
            Kind::VirtualMachine
        );
        assert_eq!(
            Kind::of(&json!({"spec": {"domain": {}}})),
            Kind::VirtualMachineInstance
        );
        assert_eq!(
            Kind::of(&json!({"spec": {"config": "{}"}})),
            Kind::NetworkAttachmentDefinition
        );
        assert_eq!(
            Kind::of(&json!({"spec": {"desiredState": {}}})),
            Kind::NodeNetworkConfigurationPolicy
        );
        assert_eq!(
            Kind::of(&json!({"network": {"version": 2}})),
            Kind::NetworkConfig
        );
        assert_eq!(Kind::of(&json!({"spec": {"networks": []}})), Kind::Wukong);
        // `spec.config` that is no string is no NAD's: a Wukong-like spec, as before.
        assert_eq!(Kind::of(&json!({"spec": {"config": {}}})), Kind::Wukong);
        assert!(matches!(Kind::of(&json!({"data": {}})), Kind::Other(_)));
    }
}
