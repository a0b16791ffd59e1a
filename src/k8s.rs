//! Kubernetes object metadata shared by the generated manifests.

use crate::model::{Wukong, API_VERSION, KIND};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub owner_references: Vec<OwnerReference>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    pub controller: bool,
    pub block_owner_deletion: bool,
}

pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "wukong-net");

impl Metadata {
    /// Metadata of an object the Wukong owns: same namespace, an ownerReference when the
    /// Wukong's uid is known, so deleting the Wukong garbage-collects it.
    pub fn owned_by(w: &Wukong, name: String) -> Metadata {
        let owner_references = match (&w.metadata.name, &w.metadata.uid) {
            (Some(n), Some(uid)) if !uid.is_empty() => vec![OwnerReference {
                api_version: API_VERSION.to_string(),
                kind: KIND.to_string(),
                name: n.clone(),
                uid: uid.clone(),
                controller: true,
                block_owner_deletion: true,
            }],
            _ => Vec::new(),
        };
        Metadata {
            name,
            namespace: w.metadata.namespace.clone(),
            labels: labels(),
            owner_references,
        }
    }

    /// Metadata of a cluster-scoped object (no namespace, and so no namespaced owner).
    pub fn cluster_scoped(name: String) -> Metadata {
        Metadata {
            name,
            namespace: None,
            labels: labels(),
            owner_references: Vec::new(),
        }
    }
}

fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([(MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string())])
}
