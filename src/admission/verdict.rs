//! The answer: findings, after the settings' demotions, turned into accept or reject with the
//! message and warnings the API server shows.

use super::settings::Settings;
use crate::diagnostic::{Code, Diagnostic, Severity};
use serde::Serialize;
use serde_json::Value;

/// The HTTP code of a rejection (the object is invalid, not the server).
pub const REJECT_CODE: u16 = 400;

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub accepted: bool,
    /// Why it was rejected: every error with its path, code and hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// [`REJECT_CODE`] when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// The warnings, one line each, as the API server shows them to the client.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub warnings: Vec<String>,
    /// Every finding (errors and warnings), with paths into the object (or, from
    /// [`validate_document`], located in the text).
    pub diagnostics: Vec<Diagnostic>,
    /// With the `mutate` setting: the repaired object the policy admits in place of the
    /// request's (Kubewarden's `mutated_object`); `diagnostics` are then the repaired object's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "unknown"))]
    pub mutated_object: Option<Value>,
}

pub(super) fn malformed(path: &str, message: String) -> Diagnostic {
    Diagnostic::new(Code::MalformedRequest, path, message)
        .with_hint("send a Kubernetes AdmissionRequest (admission.k8s.io/v1) for CREATE or UPDATE of the object")
}

/// One finding as a line: `path: message [code]`.
pub fn describe_finding(d: &Diagnostic) -> String {
    if d.path.is_empty() {
        format!("{} [{}]", d.message, d.code)
    } else {
        format!("{}: {} [{}]", d.path, d.message, d.code)
    }
}

/// Applies the settings' demotions and turns findings into the answer.
pub(super) fn verdict(
    mut diagnostics: Vec<Diagnostic>,
    settings: &Settings,
    what: &str,
) -> Verdict {
    for d in &mut diagnostics {
        if d.severity == Severity::Error && settings.demoted(d.code) {
            d.severity = Severity::Warning;
        }
    }
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(describe_finding)
        .collect();
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| match &d.hint {
            Some(h) => format!("{} (hint: {h})", describe_finding(d)),
            None => describe_finding(d),
        })
        .collect();
    if errors.is_empty() {
        return Verdict {
            accepted: true,
            message: None,
            code: None,
            warnings,
            diagnostics,
            mutated_object: None,
        };
    }
    let count = if errors.len() == 1 {
        "1 error".to_string()
    } else {
        format!("{} errors", errors.len())
    };
    Verdict {
        accepted: false,
        message: Some(format!(
            "{what} rejected by wukong-net, {count}: {}",
            errors.join("; ")
        )),
        code: Some(REJECT_CODE),
        warnings,
        diagnostics,
        mutated_object: None,
    }
}

/// A rejection for input that is not a request at all.
pub(super) fn rejected(d: Diagnostic) -> Verdict {
    verdict(vec![d], &Settings::default(), "the request")
}
