//! Settings as the policy server hands them over: JSON bytes in, `{"valid", "message"}` out.
//! The rules are the core's ([`wukong_net::admission::validate_settings`]); unreadable JSON
//! and unknown keys are invalid settings with a message, never a trap.

use guest::prelude::*;
use kubewarden_policy_sdk::settings::SettingsValidationResponse;
use kubewarden_policy_sdk::wapc_guest as guest;
use serde_json::Value;
use wukong_net::admission;

/// The `validate_settings` entry point.
pub fn validate_settings(payload: &[u8]) -> CallResult {
    Ok(serde_json::to_vec(&check(payload))?)
}

/// The answer for a settings payload.
pub fn check(payload: &[u8]) -> SettingsValidationResponse {
    let result = match serde_json::from_slice::<Value>(payload) {
        Ok(value) => admission::validate_settings(&value).map(|_| ()),
        Err(e) => Err(format!("the settings are not JSON: {e}")),
    };
    match result {
        Ok(()) => SettingsValidationResponse {
            valid: true,
            message: None,
        },
        Err(message) => SettingsValidationResponse {
            valid: false,
            message: Some(message),
        },
    }
}
