//! The floor of the policy benchmarks (`make bench-policy-server`): a Kubewarden policy that
//! reads the payload as JSON, as every policy must, and accepts. The difference between
//! wukong-net's figures and this one's is what our checks cost; the rest is the host, waPC and
//! HTTP.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use guest::prelude::*;
use kubewarden_policy_sdk::wapc_guest as guest;

#[unsafe(no_mangle)]
pub extern "C" fn wapc_init() {
    register_function("validate", validate);
    register_function("validate_settings", validate_settings);
    register_function(
        "protocol_version",
        kubewarden_policy_sdk::protocol_version_guest,
    );
}

fn validate(payload: &[u8]) -> CallResult {
    let _: serde_json::Value = serde_json::from_slice(payload)?;
    kubewarden_policy_sdk::accept_request()
}

fn validate_settings(_payload: &[u8]) -> CallResult {
    Ok(br#"{"valid":true}"#.to_vec())
}
