//! The case table of policy/test_data/cases.json, typed once for every reader: the native tests
//! (policy/tests/fixtures.rs, which include this file by `#[path]`), the end-to-end tests
//! (policy/e2e/tests/e2e.rs) and the long run (policy/e2e/src/bin/long-run.rs). It needs only
//! serde and serde_json, which both crates have.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// The whole table.
#[derive(Debug, Deserialize)]
pub struct Cases {
    pub validate: Vec<ValidateCase>,
    pub validate_settings: Vec<SettingsCase>,
}

/// A `validate` call: a fixture request under some settings, and the expected answer.
#[derive(Debug, Clone, Deserialize)]
pub struct ValidateCase {
    pub name: String,
    /// The fixture file in test_data with the AdmissionRequest.
    pub request: String,
    pub settings: Value,
    pub accepted: bool,
    /// The codes in the rejection message, as a set.
    pub errors: BTreeSet<String>,
    /// The codes in the warnings, as a set.
    pub warnings: BTreeSet<String>,
    /// For context-aware cases: the kwctl session in test_data/sessions/ whose recorded host
    /// answers the lookups (every runner replays it: kwctl, the wapc harness, the native tests).
    #[serde(default)]
    pub session: Option<String>,
    /// Whether the answer carries a repaired object (`mutated_object`; a JSONPatch from kwctl
    /// and policy-server). Only with the `mutate` setting; never otherwise.
    #[serde(default)]
    pub mutated: bool,
}

/// A `validate_settings` call and the expected answer.
#[derive(Debug, Deserialize)]
pub struct SettingsCase {
    pub name: String,
    pub settings: Value,
    pub valid: bool,
    /// A part of the message of invalid settings; none when there must be no message.
    #[serde(default)]
    pub message: Option<String>,
}

/// The table, as built into the test (the path is relative to this file, whichever crate
/// includes it, and cargo rebuilds when the table changes).
pub fn cases() -> Result<Cases, String> {
    serde_json::from_str(include_str!("../../test_data/cases.json"))
        .map_err(|e| format!("policy/test_data/cases.json: {e}"))
}

/// The codes of a rejection message or of warnings: each finding ends in ` [code]`.
pub fn codes<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in texts {
        for part in t.split(" [").skip(1) {
            if let Some((code, _)) = part.split_once(']') {
                if code.starts_with(|c: char| c.is_ascii_lowercase())
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    out.insert(code.to_string());
                }
            }
        }
    }
    out
}
