//! The Kubewarden policy: waPC glue around the core's admission decision
//! ([`wukong_net::admission`]). Nothing is decided here: `validate` hands the payload to the
//! core and turns its verdict into Kubewarden's response; `validate_settings` does the same
//! for settings; cluster lookups go through the host capability `kubernetes/get_resource`.

// Input must never crash the shell: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use guest::prelude::*;
use kubewarden_policy_sdk::host_capabilities::kubernetes::{get_resource, GetResourceRequest};
use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::wapc_guest as guest;
use serde_json::Value;
use std::collections::BTreeSet;
use wukong_net::admission::{self, ResourceLookup, Verdict};

pub mod host;
pub mod settings;

#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function("validate_settings", settings::validate_settings);
    register_function(
        "protocol_version",
        kubewarden_policy_sdk::protocol_version_guest,
    );
}

/// The `validate` entry point: `{"settings", "request"}` in, a ValidationResponse out.
pub fn validate(payload: &[u8]) -> CallResult {
    respond(&validate_with(payload, &mut HostLookup))
}

/// The decision with a given lookup (the host capability in the policy; fixtures in tests).
pub fn validate_with(payload: &[u8], lookup: &mut dyn ResourceLookup) -> Verdict {
    admission::validate_payload(payload, lookup)
}

/// Kubewarden's response for a verdict. With the `mutate` setting, an accepted repair carries
/// the repaired object, as the SDK's `mutate_request` answers, plus the warnings that name each
/// repair (which `mutate_request` cannot carry).
pub fn respond(verdict: &Verdict) -> CallResult {
    let response = ValidationResponse {
        accepted: verdict.accepted,
        message: verdict.message.clone(),
        code: verdict.code,
        mutated_object: verdict.mutated_object.clone(),
        audit_annotations: None,
        warnings: (!verdict.warnings.is_empty()).then(|| verdict.warnings.clone()),
    };
    Ok(serde_json::to_vec(&response)?)
}

/// The only fields of a NetworkAttachmentDefinition the rules read: the host prunes the rest
/// before it crosses into the guest.
pub const NAD_FIELD_MASKS: [&str; 1] = ["spec.config"];

/// Cluster reads through the policy server (`kubewarden/kubernetes/get_resource`), allowed by
/// `contextAwareResources` and `hostCapabilities` in metadata.yml. A single object is fetched by
/// name (listing with a field selector would open one watch per selector in policy-server).
pub struct HostLookup;

impl ResourceLookup for HostLookup {
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let request = GetResourceRequest {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            namespace: Some(namespace.to_string()),
            disable_cache: false,
            field_masks: Some(
                NAD_FIELD_MASKS
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<BTreeSet<_>>(),
            ),
        };
        let answer = get_resource::<Value>(&request).map_err(|e| e.to_string());
        lookup_outcome(answer, api_version, kind, namespace, name)
    }
}

/// The host's answer to a lookup as the core's [`ResourceLookup`] wants it: the object, `None`
/// for the host's "not found", or the host's reason, shortened ([`host::classify`]).
pub fn lookup_outcome(
    answer: Result<Value, String>,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<Value>, String> {
    match answer {
        Ok(object) => Ok(Some(object)),
        Err(e) => match host::classify(&e, api_version, kind, namespace, name) {
            host::LookupError::NotFound => Ok(None),
            host::LookupError::Failed(reason) => Err(reason),
        },
    }
}
