//! The `mutate` setting: repair what has a safe fix and admit the repaired object.
//!
//! The request is decided as usual first. When its findings include one with a safe fix, the
//! object is repaired by [`crate::fix::fix_object`] (safe fixes only, each re-checked) and the
//! repaired object decided again; if it is then accepted, the verdict is that acceptance with
//! the repaired object as `mutated_object` and a warning naming each repair. Otherwise the
//! usual verdict stands: what cannot be repaired rejects with the usual message, and a
//! rejection never carries an object.

use super::lookup::ResourceLookup;
use super::request::AdmissionRequest;
use super::verdict::{describe_finding, Verdict};
use crate::diagnostic::Diagnostic;
use crate::fix::{fix_object, AppliedFix};
use serde_json::Value;

/// A lookup that answers each object it has been asked for once from memory: the repaired
/// object is decided with the answers the request got (a recorded host session has one answer
/// per lookup, and the cluster must not be asked twice for one request).
pub(super) struct Remembered<'a> {
    inner: &'a mut dyn ResourceLookup,
    answers: Vec<([String; 4], Result<Option<Value>, String>)>,
}

impl<'a> Remembered<'a> {
    pub(super) fn new(inner: &'a mut dyn ResourceLookup) -> Remembered<'a> {
        Remembered {
            inner,
            answers: Vec::new(),
        }
    }
}

impl ResourceLookup for Remembered<'_> {
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let key = [api_version, kind, namespace, name].map(str::to_string);
        if let Some((_, answer)) = self.answers.iter().find(|(k, _)| *k == key) {
            return answer.clone();
        }
        let answer = self.inner.get(api_version, kind, namespace, name);
        self.answers.push((key, answer.clone()));
        answer
    }
}

/// Whether a finding offers a repair the mutating mode may apply.
fn has_safe_fix(d: &Diagnostic) -> bool {
    d.fixes.iter().any(|f| f.safe && !f.patch.is_empty())
}

/// The warning that names one repair: where, what, and the code of the finding it repaired.
pub fn repair_warning(fix: &AppliedFix) -> String {
    let d = Diagnostic::new(fix.code, fix.path.clone(), format!("repaired: {}", fix.title));
    describe_finding(&d)
}

/// `usual` (the verdict on `request`) or, when the safe fixes repair the object into one that
/// is accepted, that acceptance with the repaired object. `decide` decides a request.
pub(super) fn repaired(
    request: &AdmissionRequest,
    usual: Verdict,
    decide: &mut dyn FnMut(&AdmissionRequest) -> Verdict,
) -> Verdict {
    if !usual.diagnostics.iter().any(has_safe_fix) {
        return usual;
    }
    let fix = fix_object(&request.object, false);
    let Some(fixed) = fix.fixed else {
        return usual;
    };
    let repaired_request = AdmissionRequest {
        object: fixed.clone(),
        ..request.clone()
    };
    let after = decide(&repaired_request);
    if !after.accepted {
        return usual;
    }
    let mut warnings: Vec<String> = fix.applied.iter().map(repair_warning).collect();
    warnings.extend(after.warnings);
    Verdict {
        warnings,
        mutated_object: Some(fixed),
        ..after
    }
}
