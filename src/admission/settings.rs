//! The policy's settings, as written in a ClusterAdmissionPolicy's `settings:`. Unknown keys
//! are errors (a typo must not silently turn a rule off).

use crate::checks::is_interface_name;
use crate::diagnostic::Code;
use crate::load::closest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Settings {
    /// Node bridges networks may use (Wukong networks, NAD bridge plugins); empty allows any.
    pub allowed_bridges: Vec<String>,
    /// Node NICs a Wukong network may enslave (`physicalInterface`); empty allows any.
    pub allowed_physical_interfaces: Vec<String>,
    /// Allow static IP addresses (Wukong `mode: static`, NAD `static` IPAM and single-address
    /// host-local ranges, networkData `addresses`).
    pub allow_static_ip: bool,
    /// Reject the CNI `dhcp` IPAM on bridge NADs.
    pub forbid_dhcp_ipam: bool,
    /// Reject networkData MAC matches that no VM interface pins; when false they are warnings.
    pub require_pinned_macs: bool,
    /// Look up the NADs a VM's Multus networks name (host capability `kubernetes/get_resource`).
    pub context_aware: bool,
    /// What a lookup that fails (not granted, API server unreachable, RBAC, a missing CRD)
    /// does: admit with a warning (fail open, the default) or reject (fail closed).
    pub lookup_failure: LookupFailure,
    /// Repair what has a safe fix and admit the repaired object (Kubewarden's
    /// `mutated_object`, with a warning per repair); what cannot be repaired still rejects. A
    /// policy with this on must be deployed `mutating: true`, or policy-server rejects every
    /// request it repairs.
    pub mutate: bool,
    /// Diagnostic codes reported as warnings instead of errors. Read by name once, when the
    /// settings are read ([`validate_settings`], which also takes the former names of merged
    /// codes); serde never reads this field itself.
    #[serde(skip_deserializing)]
    pub treat_as_warnings: Vec<Code>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allowed_bridges: Vec::new(),
            allowed_physical_interfaces: Vec::new(),
            allow_static_ip: true,
            forbid_dhcp_ipam: true,
            require_pinned_macs: true,
            context_aware: false,
            lookup_failure: LookupFailure::Warn,
            mutate: false,
            treat_as_warnings: Vec::new(),
        }
    }
}

/// `lookupFailure`: fail open or fail closed when the cluster cannot be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LookupFailure {
    /// Admit, with a `nad-lookup-failed` warning: an outage of the lookup never blocks VMs.
    #[default]
    Warn,
    /// Reject with a `nad-lookup-failed` error: nothing is admitted unchecked.
    Reject,
}

/// The setting keys, for "did you mean" on typos.
const KEYS: &[&str] = &[
    "allowedBridges",
    "allowedPhysicalInterfaces",
    "allowStaticIp",
    "forbidDhcpIpam",
    "requirePinnedMacs",
    "contextAware",
    "lookupFailure",
    "mutate",
    "treatAsWarnings",
];

impl Settings {
    /// True when findings with this code are only warnings.
    pub fn demoted(&self, code: Code) -> bool {
        self.treat_as_warnings.contains(&code)
    }

    pub fn bridge_allowed(&self, bridge: &str) -> bool {
        self.allowed_bridges.is_empty() || self.allowed_bridges.iter().any(|b| b == bridge)
    }

    pub fn physical_interface_allowed(&self, nic: &str) -> bool {
        self.allowed_physical_interfaces.is_empty()
            || self.allowed_physical_interfaces.iter().any(|b| b == nic)
    }
}

/// Why settings text could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsTextError {
    /// The text is not YAML or JSON: the located syntax errors.
    Syntax(Vec<crate::diagnostic::Diagnostic>),
    /// It reads, but the settings are wrong: every problem, one per line.
    Invalid(String),
}

/// Settings written as YAML or JSON text (a file for `wukong-net admit --settings`, the
/// previewer's settings box), read with the core's parser and checked. The first document
/// counts; none means all defaults.
pub fn settings_from_text(text: &str) -> Result<Settings, SettingsTextError> {
    let stream = crate::source::parse(text);
    if crate::diagnostic::has_errors(&stream.diagnostics) {
        return Err(SettingsTextError::Syntax(stream.diagnostics));
    }
    let value = stream
        .documents
        .into_iter()
        .next()
        .map(|d| d.value)
        .unwrap_or(Value::Null);
    validate_settings(&value).map_err(SettingsTextError::Invalid)
}

/// Reads and checks settings JSON (`null` means all defaults). The error lists every problem,
/// one per line.
pub fn validate_settings(value: &Value) -> Result<Settings, String> {
    let mut problems = Vec::new();
    let object = match value {
        Value::Null => return Ok(Settings::default()),
        Value::Object(o) => o,
        other => return Err(format!("settings must be a mapping, not {other}")),
    };
    for key in object.keys() {
        if key == "mutating" {
            // The ClusterAdmissionPolicy's own field, easily put among the settings.
            problems.push("unknown setting `mutating`: that is the ClusterAdmissionPolicy's `spec.mutating`; did you mean `mutate`? (a policy with `mutate: true` needs both)".to_string());
        } else if !KEYS.contains(&key.as_str()) {
            let hint = match closest(key, KEYS) {
                Some(k) => format!("; did you mean `{k}`?"),
                None => format!("; known settings: {}", KEYS.join(", ")),
            };
            problems.push(format!("unknown setting `{}`{hint}", key.escape_debug()));
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    // treatAsWarnings is read here, into codes, with its own messages.
    let mut rest = object.clone();
    let demote = rest
        .remove("treatAsWarnings")
        .unwrap_or(Value::Array(Vec::new()));
    let mut settings: Settings = match serde_json::from_value(Value::Object(rest)) {
        Ok(s) => s,
        Err(e) => return Err(format!("invalid settings: {e}")),
    };
    let names: Vec<String> = match serde_json::from_value(demote) {
        Ok(names) => names,
        Err(e) => return Err(format!("invalid settings: {e}")),
    };
    settings.treat_as_warnings = demotions(&names, &mut problems);
    for (key, names) in [
        ("allowedBridges", &settings.allowed_bridges),
        (
            "allowedPhysicalInterfaces",
            &settings.allowed_physical_interfaces,
        ),
    ] {
        for (i, name) in names.iter().enumerate() {
            if !is_interface_name(name) {
                problems.push(format!(
                    "{key}[{i}]: `{}` is not a valid Linux interface name (1-15 bytes, no '/', ':' or whitespace)",
                    name.escape_debug()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems.join("\n"))
    }
}

/// The codes `treatAsWarnings` names; unknown names and codes that cannot be demoted are
/// problems.
fn demotions(names: &[String], problems: &mut Vec<String>) -> Vec<Code> {
    let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut codes = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match Code::from_name(name) {
            None => {
                let hint = closest(name, &known).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                problems.push(format!("treatAsWarnings[{i}]: unknown diagnostic code `{}`{hint}", name.escape_debug()));
            }
            Some(code) if !code.demotable() => problems.push(format!(
                "treatAsWarnings[{i}]: `{name}` cannot be a warning: it means the object could not be read, so nothing in it was checked"
            )),
            Some(code) => codes.push(code),
        }
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults() {
        let s = validate_settings(&json!({})).unwrap();
        assert_eq!(s, Settings::default());
        assert!(
            s.allow_static_ip && s.forbid_dhcp_ipam && s.require_pinned_macs && !s.context_aware
        );
        assert!(!s.mutate, "the policy never mutates unless asked to");
        assert_eq!(
            validate_settings(&Value::Null).unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn every_setting_reads() {
        let s = validate_settings(&json!({
            "allowedBridges": ["br-ext"], "allowedPhysicalInterfaces": ["ens192"],
            "allowStaticIp": false, "forbidDhcpIpam": false, "requirePinnedMacs": false,
            "contextAware": true, "mutate": true, "treatAsWarnings": ["vlan-out-of-range"]
        }))
        .unwrap();
        assert_eq!(s.allowed_bridges, vec!["br-ext"]);
        assert!(
            !s.allow_static_ip && !s.forbid_dhcp_ipam && !s.require_pinned_macs && s.context_aware
        );
        assert!(s.mutate);
        assert!(s.demoted(Code::VlanOutOfRange));
        assert!(!s.demoted(Code::InvalidMac));
        assert!(s.bridge_allowed("br-ext") && !s.bridge_allowed("br-other"));
        assert!(Settings::default().bridge_allowed("anything"));
    }

    /// Deployed settings keep working when codes merge: a former name reads as its code.
    #[test]
    fn former_code_names_still_read() {
        let s = validate_settings(&json!({"treatAsWarnings": ["mac-used-twice"]})).unwrap();
        assert_eq!(s.treat_as_warnings, vec![Code::DuplicateMac]);
        assert!(s.demoted(Code::DuplicateMac));
        let e = validate_settings(&json!({"treatAsWarnings": null})).unwrap_err();
        assert!(e.contains("invalid type: null"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_with_suggestions() {
        let e = validate_settings(&json!({"allowedBridge": ["br0"]})).unwrap_err();
        assert!(
            e.contains("unknown setting `allowedBridge`")
                && e.contains("did you mean `allowedBridges`?"),
            "{e}"
        );
        let e = validate_settings(&json!({"zzz": 1})).unwrap_err();
        assert!(e.contains("known settings: allowedBridges"), "{e}");
    }

    #[test]
    fn wrong_types_and_bad_values() {
        let e = validate_settings(&json!({"allowStaticIp": "no"})).unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let e = validate_settings(&json!({"mutate": "yes"})).unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let e = validate_settings(&json!({"mutating": true})).unwrap_err();
        assert!(
            e.contains("`spec.mutating`") && e.contains("did you mean `mutate`?"),
            "{e}"
        );
        let e = validate_settings(&json!({"allowedBridges": ["br/0", "ok"], "allowedPhysicalInterfaces": ["a very long nic name"]})).unwrap_err();
        assert!(
            e.contains("allowedBridges[0]") && e.contains("allowedPhysicalInterfaces[0]"),
            "{e}"
        );
        assert!(!e.contains("allowedBridges[1]"), "{e}");
        let e = validate_settings(&json!({"treatAsWarnings": ["vlan-out-of-rang", "wrong-type"]}))
            .unwrap_err();
        assert!(e.contains("did you mean `vlan-out-of-range`?"), "{e}");
        assert!(e.contains("`wrong-type` cannot be a warning"), "{e}");
        assert!(validate_settings(&json!([1]))
            .unwrap_err()
            .contains("must be a mapping"));
    }
}
