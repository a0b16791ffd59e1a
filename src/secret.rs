//! The Secret that carries a userData wukong-net must not put into the VM spec (a plaintext
//! password, or more than KubeVirt accepts inline). KubeVirt reads it through
//! `cloudInitNoCloud.secretRef`, under the key `userdata`.

use crate::k8s::Metadata;
use crate::model::Wukong;
use crate::names;
use serde::Serialize;
use std::collections::BTreeMap;

/// The key KubeVirt reads the userData from.
pub const USER_DATA_KEY: &str = "userdata";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    #[serde(rename = "type")]
    pub secret_type: String,
    /// Plain text; the API server stores it base64-encoded under `data`.
    pub string_data: BTreeMap<String, String>,
}

/// The userData Secret of a Wukong: `<wukong>-userdata`, owned by the Wukong.
pub fn user_data_secret(w: &Wukong, user_data: String) -> Secret {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    Secret {
        api_version: "v1".to_string(),
        kind: "Secret".to_string(),
        metadata: Metadata::owned_by(w, names::user_data_secret(owner)),
        secret_type: "Opaque".to_string(),
        string_data: BTreeMap::from([(USER_DATA_KEY.to_string(), user_data)]),
    }
}
