//! CDI's side of the disks: the `dataVolumeTemplates` entries of the VirtualMachine. Only the
//! fields KubeVirt's embedded `v1beta1.DataVolumeSpec` and CDI's own DataVolume schema both
//! know are written: the `storage` API (CDI's StorageProfile fills in access and volume modes)
//! and a `registry`, `http` or `blank` source.

use serde::Serialize;
use std::collections::BTreeMap;

/// One `spec.dataVolumeTemplates[]` entry. KubeVirt creates the DataVolume from it and owns it,
/// so it carries no ownerReference of its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DataVolumeTemplate {
    pub metadata: TemplateMetadata,
    pub spec: DataVolumeSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct TemplateMetadata {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DataVolumeSpec {
    pub storage: StorageSpec,
    pub source: DataVolumeSource,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StorageSpec {
    /// Absent for the cluster's default StorageClass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    pub resources: StorageResources,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
pub struct StorageResources {
    /// `storage: <size>`.
    pub requests: BTreeMap<String, String>,
}

/// Exactly one of the three is set.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct DataVolumeSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<UrlSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<UrlSource>,
    /// An empty disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, never>"))]
    pub blank: Option<BTreeMap<String, String>>,
}

/// A `registry` (`docker://...`, `oci-archive://...`: the scheme is part of the URL) or an
/// `http` source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct UrlSource {
    pub url: String,
}

impl DataVolumeSource {
    pub fn registry(url: String) -> Self {
        DataVolumeSource {
            registry: Some(UrlSource { url }),
            ..Self::default()
        }
    }
    pub fn http(url: String) -> Self {
        DataVolumeSource {
            http: Some(UrlSource { url }),
            ..Self::default()
        }
    }
    pub fn blank() -> Self {
        DataVolumeSource {
            blank: Some(BTreeMap::new()),
            ..Self::default()
        }
    }
}

/// A template for a disk of `size`, in `storage_class` (empty: the default class).
pub fn data_volume_template(
    name: String,
    size: &str,
    storage_class: &str,
    source: DataVolumeSource,
) -> DataVolumeTemplate {
    DataVolumeTemplate {
        metadata: TemplateMetadata { name },
        spec: DataVolumeSpec {
            storage: StorageSpec {
                storage_class_name: (!storage_class.is_empty()).then(|| storage_class.to_string()),
                resources: StorageResources {
                    requests: BTreeMap::from([("storage".to_string(), size.to_string())]),
                },
            },
            source,
        },
    }
}
