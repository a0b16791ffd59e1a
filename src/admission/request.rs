//! The request: the parts of a Kubernetes AdmissionRequest the decision reads, what it is
//! about ([`Target`]), and how it is named in messages.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `{group, version, kind}` of the request's object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupVersionKind {
    pub group: String,
    pub version: String,
    pub kind: String,
}

/// The parts of a Kubernetes AdmissionRequest the decision reads; other fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdmissionRequest {
    pub uid: String,
    pub kind: GroupVersionKind,
    pub name: String,
    pub namespace: String,
    /// CREATE, UPDATE, DELETE or CONNECT.
    pub operation: String,
    pub object: Value,
    pub old_object: Value,
}

const KUBEVIRT_GROUP: &str = "kubevirt.io";

impl AdmissionRequest {
    /// A CREATE request for a bare object (what `wukong-net admit obj.yaml` checks), as the
    /// API server sends it to the policy: a KubeVirt object of another served version
    /// (`kubevirt.io/v1alpha3`, still in published examples) comes as `v1`, the version the
    /// policy's rules name (webhooks match equivalent versions; KubeVirt's are the same schema).
    pub fn create(object: Value) -> AdmissionRequest {
        let (group, mut version) = match object.get("apiVersion").and_then(Value::as_str) {
            Some(av) => match av.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), av.to_string()),
            },
            None => (String::new(), String::new()),
        };
        if group == KUBEVIRT_GROUP {
            version = "v1".to_string();
        }
        let meta = |k: &str| {
            object
                .get("metadata")
                .and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        AdmissionRequest {
            kind: GroupVersionKind {
                group,
                version,
                kind: object
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            },
            name: meta("name"),
            namespace: meta("namespace"),
            operation: "CREATE".to_string(),
            object,
            ..AdmissionRequest::default()
        }
    }
}

/// What a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Wukong,
    NetworkAttachmentDefinition,
    VirtualMachine,
    VirtualMachineInstance,
}

impl Target {
    pub fn of(kind: &GroupVersionKind) -> Option<Target> {
        match (
            kind.group.as_str(),
            kind.version.as_str(),
            kind.kind.as_str(),
        ) {
            // Other Wukong versions reach the core, which names the one it reads.
            (crate::model::API_GROUP, _, crate::model::KIND) => Some(Target::Wukong),
            ("k8s.cni.cncf.io", _, super::vm::NAD_KIND) => {
                Some(Target::NetworkAttachmentDefinition)
            }
            ("kubevirt.io", "v1", "VirtualMachine") => Some(Target::VirtualMachine),
            ("kubevirt.io", "v1", "VirtualMachineInstance") => Some(Target::VirtualMachineInstance),
            _ => None,
        }
    }
}

pub(super) fn namespace_of(request: &AdmissionRequest) -> String {
    let from_object = request
        .object
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    match (request.namespace.as_str(), from_object) {
        ("", Some(ns)) if !ns.is_empty() => ns.to_string(),
        ("", _) => "default".to_string(),
        (ns, _) => ns.to_string(),
    }
}

pub(super) fn describe(request: &AdmissionRequest) -> String {
    let meta = |k: &str| {
        request
            .object
            .get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let name = if request.name.is_empty() {
        meta("name")
    } else {
        request.name.as_str()
    };
    let ns = if request.namespace.is_empty() {
        meta("namespace")
    } else {
        request.namespace.as_str()
    };
    let kind = if request.kind.kind.is_empty() {
        request
            .object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("object")
    } else {
        request.kind.kind.as_str()
    };
    match (ns, name) {
        ("", "") => kind.to_string(),
        ("", n) => format!("{kind} {n}"),
        (ns, n) => format!("{kind} {ns}/{n}"),
    }
}
