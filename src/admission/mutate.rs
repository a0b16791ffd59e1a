//! The `mutate` setting: repair what has a safe fix and admit the repaired object.
//!
//! The request is decided as usual first. When its findings include one with a safe fix, the
//! object is repaired by [`crate::fix::fix_object_with`] (safe fixes only, each followed by the
//! decision again, under the same settings) and the repaired object decided again; if it is then accepted, the verdict is that acceptance with
//! the repaired object as `mutated_object` and a warning naming each repair. Otherwise the
//! usual verdict stands: what cannot be repaired rejects with the usual message, and a
//! rejection never carries an object.

use super::lookup::ResourceLookup;
use super::request::AdmissionRequest;
use super::verdict::{describe_finding, Verdict};
use crate::diagnostic::Diagnostic;
use crate::fix::{fix_object_with, AppliedFix};
use serde_json::Value;

/// A lookup that answers each object it has been asked for once from memory: the repaired
/// object is decided with the answers the request got (a recorded host session has one answer
/// per lookup, and the cluster must not be asked twice for one request).
pub(super) struct Remembered<'a> {
    inner: &'a mut dyn ResourceLookup,
    answers: Vec<([String; 4], Answer)>,
}

/// What a lookup answered.
type Answer = Result<Option<Value>, String>;

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
    let d = Diagnostic::new(
        fix.code,
        fix.path.clone(),
        format!("repaired: {}", fix.title),
    );
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
    // Repaired by the policy's own rules and settings: each fix is kept only when the decision
    // shows its finding gone and no new error.
    let fix = fix_object_with(&request.object, false, &mut |object| {
        let trial = AdmissionRequest {
            object: object.clone(),
            ..request.clone()
        };
        let mut found = decide(&trial).diagnostics;
        crate::manifest::resolve_object_fixes(object, &mut found);
        found
    });
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

#[cfg(test)]
mod tests {
    use super::super::{validate, NoLookup, Resources, Settings};
    use super::*;
    use serde_json::json;

    fn nad(config: &str) -> AdmissionRequest {
        AdmissionRequest::create(json!({
            "apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
            "metadata": {"name": "ext", "namespace": "lab"},
            "spec": {"config": config}
        }))
    }

    const NO_IPAM: &str = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext"}"#;

    fn mutating() -> Settings {
        Settings {
            mutate: true,
            ..Settings::default()
        }
    }

    #[test]
    fn without_the_setting_nothing_is_mutated() {
        let v = validate(&nad(NO_IPAM), &Settings::default(), &mut NoLookup);
        assert!(v.accepted && v.mutated_object.is_none(), "{v:#?}");
        assert!(v.warnings[0].ends_with("[missing-ipam]"), "{v:#?}");
    }

    #[test]
    fn a_safe_fix_repairs_and_names_the_repair() {
        let v = validate(&nad(NO_IPAM), &mutating(), &mut NoLookup);
        assert!(v.accepted, "{v:#?}");
        let fixed = v.mutated_object.clone().expect("a repaired object");
        let config: Value =
            serde_json::from_str(fixed["spec"]["config"].as_str().expect("config")).unwrap();
        assert_eq!(config["ipam"], json!({}));
        assert_eq!(config["bridge"], json!("br-ext"));
        assert_eq!(
            v.warnings,
            vec!["spec.config: repaired: add \"ipam\": {} [missing-ipam]".to_string()]
        );
        // The repaired object is a fixed point: admitted as it is.
        let again = validate(&AdmissionRequest::create(fixed), &mutating(), &mut NoLookup);
        assert!(
            again.accepted && again.mutated_object.is_none(),
            "{again:#?}"
        );
        assert!(again.warnings.is_empty(), "{again:#?}");
    }

    #[test]
    fn what_stays_rejected_after_repair_is_rejected_as_usual() {
        let dhcp =
            r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#;
        let settings = Settings {
            allowed_bridges: vec!["br-lab".into()],
            ..mutating()
        };
        let usual = validate(
            &nad(dhcp),
            &Settings {
                mutate: false,
                ..settings.clone()
            },
            &mut NoLookup,
        );
        let v = validate(&nad(dhcp), &settings, &mut NoLookup);
        assert!(!v.accepted && v.mutated_object.is_none(), "{v:#?}");
        assert_eq!(v, usual);
        let m = v.message.unwrap_or_default();
        assert!(
            m.contains("[bridge-not-allowed]") && m.contains("[dhcp-ipam]"),
            "{m}"
        );
    }

    /// Counts the lookups that reach the cluster.
    struct Counting(Resources, usize);

    impl ResourceLookup for Counting {
        fn get(&mut self, v: &str, k: &str, ns: &str, n: &str) -> Result<Option<Value>, String> {
            self.1 += 1;
            self.0.get(v, k, ns, n)
        }
    }

    #[test]
    fn the_repaired_object_is_decided_without_asking_the_cluster_again() {
        let network_data = "network:\n  version: 2\n  ethernets:\n    eth1:\n      match:\n        macaddress: \"02:5a:00:00:00:02\"\n      set-name: eth1\n      dhcp4: true\n";
        let vm = json!({
            "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
            "metadata": {"name": "vm1", "namespace": "lab"},
            "spec": {"template": {"spec": {
                "domain": {"devices": {
                    "disks": [{"name": "cloudinitdisk", "disk": {"bus": "virtio"}}],
                    "interfaces": [{"name": "external", "bridge": {}}]}},
                "networks": [{"name": "external", "multus": {"networkName": "ext"}}],
                "volumes": [{"name": "cloudinitdisk", "cloudInitNoCloud": {"networkData": network_data}}]
            }}}
        });
        let l2 = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{}}"#;
        let mut lookup = Counting(Resources::new(vec![nad(l2).object]), 0);
        let settings = Settings {
            context_aware: true,
            ..mutating()
        };
        let v = validate(&AdmissionRequest::create(vm), &settings, &mut lookup);
        assert!(v.accepted, "{v:#?}");
        let fixed = v.mutated_object.expect("a repaired object");
        assert_eq!(
            fixed.pointer("/spec/template/spec/domain/devices/interfaces/0/macAddress"),
            Some(&json!("02:5a:00:00:00:02"))
        );
        assert!(
            v.warnings[0].ends_with("[mac-not-pinned]"),
            "{:?}",
            v.warnings
        );
        assert_eq!(
            lookup.1, 1,
            "one lookup however often the repairs are decided"
        );
    }
}
