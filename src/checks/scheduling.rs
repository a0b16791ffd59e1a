//! Where and when the VM runs: `highAvailability` (tolerations, nodeSelector, restartPolicy) and
//! `startStrategy`.
//!
//! Severities, with "no spec valid before these fields were rendered becomes invalid" in mind:
//! - `invalid-toleration` is a **warning**: the renderer leaves such a toleration out
//!   ([`toleration_problem`] says which), which can only make scheduling stricter (the VM avoids
//!   nodes with that taint), and the VM still renders and runs. Rendering it would make the
//!   virt-launcher pod invalid (the API server validates pod tolerations), so it is never
//!   rendered.
//! - `invalid-node-selector` is an **error**: leaving a selector entry out would loosen
//!   scheduling (the VM could land on a node it was kept off), and rendering it makes the
//!   virt-launcher pod invalid. Neither is safe, so the spec must change.
//!
//! The run strategy and its conflicts are rendering decisions: `kubevirt::run_strategy` and
//! `kubevirt::notes`.

use super::{is_label_value, is_qualified_name};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Toleration, Wukong};

/// The taint effects Kubernetes knows (`core.TaintEffect*`).
pub const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    if let Some(ha) = &w.spec.high_availability {
        for (i, t) in ha.tolerations.iter().enumerate() {
            if let Some((field, why)) = toleration_problem(t) {
                out.push(
                    Diagnostic::new(
                        Code::InvalidToleration,
                        format!("spec.highAvailability.tolerations[{i}].{field}"),
                        format!("{why}; this toleration is left out of the VM"),
                    )
                    .with_hint("write `{key: <taint key>, operator: Equal, value: <value>, effect: NoSchedule}` or `{key: <taint key>, operator: Exists, effect: NoExecute, tolerationSeconds: 300}`; effect is NoSchedule, PreferNoSchedule or NoExecute"),
                );
            }
        }
        if let Some(selector) = &ha.node_selector {
            node_selector(selector, out);
        }
    }
}

/// What is wrong with a toleration, as (field, reason), following Kubernetes'
/// `ValidateTolerations` (pkg/apis/core/validation): the first problem found, or None when the
/// API server accepts it. The renderer must leave out a toleration for which this is Some.
pub fn toleration_problem(t: &Toleration) -> Option<(&'static str, String)> {
    let key = t.key.as_deref().unwrap_or("");
    let value = t.value.as_deref().unwrap_or("");
    let effect = t.effect.as_deref().unwrap_or("");
    let operator = t.operator.as_deref().unwrap_or("");
    if !key.is_empty() && !is_qualified_name(key) {
        return Some((
            "key",
            format!(
                "toleration key `{}` is not a valid taint key (`[prefix/]name`)",
                key.escape_debug()
            ),
        ));
    }
    match operator {
        // An empty operator means Equal.
        "" | "Equal" => {
            if key.is_empty() {
                return Some((
                    "operator",
                    "a toleration without a key must have `operator: Exists` (it then matches every taint)".into(),
                ));
            }
            if !is_label_value(value) {
                return Some((
                    "value",
                    format!(
                        "toleration value `{}` is not a valid taint value (at most 63 letters, digits, '-', '_' and '.')",
                        value.escape_debug()
                    ),
                ));
            }
        }
        "Exists" => {
            if !value.is_empty() {
                return Some((
                    "value",
                    "a toleration with `operator: Exists` must have no value".into(),
                ));
            }
        }
        other => {
            return Some((
                "operator",
                format!(
                    "toleration operator `{}` is neither Equal nor Exists",
                    other.escape_debug()
                ),
            ))
        }
    }
    if !effect.is_empty() && !TAINT_EFFECTS.contains(&effect) {
        return Some((
            "effect",
            format!(
                "toleration effect `{}` is not NoSchedule, PreferNoSchedule or NoExecute",
                effect.escape_debug()
            ),
        ));
    }
    if t.toleration_seconds.is_some() && effect != "NoExecute" {
        return Some((
            "tolerationSeconds",
            "tolerationSeconds is only allowed with `effect: NoExecute`".into(),
        ));
    }
    None
}

fn node_selector(selector: &std::collections::BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for (key, value) in selector {
        let path = crate::source::join_key("spec.highAvailability.nodeSelector", key);
        let bad_key = !is_qualified_name(key);
        let why = if bad_key {
            format!(
                "node selector key `{}` is not a valid label key (`[prefix/]name`)",
                key.escape_debug()
            )
        } else if !is_label_value(value) {
            format!(
                "node selector value `{}` is not a valid label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
                value.escape_debug()
            )
        } else {
            continue;
        };
        let d = Diagnostic::new(Code::InvalidNodeSelector, path, why)
            .with_hint("write node labels as `kubectl get nodes --show-labels` shows them, e.g. `kubernetes.io/os: linux` or `disktype: ssd`");
        out.push(if bad_key { d.at_key() } else { d });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;

    fn tolerations(items: &str) -> String {
        with_spec(&format!("  highAvailability:\n    tolerations:\n{items}"))
    }

    #[test]
    fn valid_tolerations_pass() {
        let y = tolerations(concat!(
            "    - {key: dedicated, operator: Equal, value: vm, effect: NoSchedule}\n",
            "    - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}\n",
            "    - {operator: Exists}\n",
            "    - {key: gpu, value: \"\"}\n",
            "    - {key: example.com/tier, effect: PreferNoSchedule, value: gold}\n",
        ));
        clean_of(&y, Code::InvalidToleration);
    }

    #[test]
    fn invalid_tolerations_warn_at_the_field() {
        let cases = [
            ("{key: dedicated, operator: In, value: vm}", "operator"),
            ("{key: dedicated, operator: exists}", "operator"),
            ("{key: dedicated, operator: Exists, value: vm}", "value"),
            (
                "{key: dedicated, operator: Equal, value: \"has space\"}",
                "value",
            ),
            ("{key: dedicated, effect: NoScheduling}", "effect"),
            ("{key: \"bad key!\"}", "key"),
            ("{value: vm}", "operator"),
            (
                "{key: dedicated, effect: NoSchedule, tolerationSeconds: 30}",
                "tolerationSeconds",
            ),
            (
                "{key: dedicated, tolerationSeconds: 30}",
                "tolerationSeconds",
            ),
        ];
        for (item, field) in cases {
            let y = tolerations(&format!("    - {item}\n"));
            expect(
                &y,
                Code::InvalidToleration,
                &format!("spec.highAvailability.tolerations[0].{field}"),
                11,
            );
            let d = diagnose(&y)
                .into_iter()
                .find(|d| d.code == Code::InvalidToleration)
                .unwrap();
            assert_eq!(d.severity, crate::Severity::Warning);
        }
    }

    #[test]
    fn node_selector() {
        let y = with_spec(
            "  highAvailability:\n    nodeSelector:\n      disktype: ssd\n      \"bad key\": x\n",
        );
        expect(
            &y,
            Code::InvalidNodeSelector,
            "spec.highAvailability.nodeSelector[\"bad key\"]",
            12,
        );
        let y = with_spec("  highAvailability:\n    nodeSelector:\n      disktype: \"s s d\"\n");
        expect(
            &y,
            Code::InvalidNodeSelector,
            "spec.highAvailability.nodeSelector.disktype",
            11,
        );
        let y = with_spec("  highAvailability:\n    nodeSelector:\n      kubernetes.io/os: linux\n      disktype: \"\"\n");
        clean_of(&y, Code::InvalidNodeSelector);
    }

    #[test]
    fn run_strategy_choice_and_conflicts() {
        let start = |s: &str| with_spec(&format!("  startStrategy: {s}\n"));
        expect(
            &start("{autoStart: false, runStrategy: Always}"),
            Code::RunStrategyConflict,
            "spec.startStrategy.autoStart",
            9,
        );
        expect(
            &start("{autoStart: true, runStrategy: Manual}"),
            Code::RunStrategyConflict,
            "spec.startStrategy.autoStart",
            9,
        );
        clean_of(
            &start("{autoStart: true, runStrategy: RerunOnFailure}"),
            Code::RunStrategyConflict,
        );
        clean_of(
            &start("{autoStart: false, runStrategy: Manual}"),
            Code::RunStrategyConflict,
        );

        let ha = |s: &str, p: &str| {
            with_spec(&format!(
                "  startStrategy: {s}\n  highAvailability:\n    restartPolicy: {p}\n"
            ))
        };
        expect(
            &ha("{runStrategy: Always}", "OnFailure"),
            Code::RunStrategyConflict,
            "spec.highAvailability.restartPolicy",
            11,
        );
        expect(
            &ha("{autoStart: false}", "Always"),
            Code::RunStrategyConflict,
            "spec.highAvailability.restartPolicy",
            11,
        );
        clean_of(
            &ha("{runStrategy: RerunOnFailure}", "OnFailure"),
            Code::RunStrategyConflict,
        );
        clean_of(&ha("{}", "Never"), Code::RunStrategyConflict);

        let w = |y: &str| match crate::check(y).wukongs.first() {
            Some(w) => crate::kubevirt::run_strategy(w),
            None => panic!("no Wukong in {y}"),
        };
        assert_eq!(w(&with_spec("")), "Always");
        assert_eq!(w(&start("{autoStart: false}")), "Halted");
        assert_eq!(w(&ha("{}", "Never")), "Once");
        assert_eq!(
            w(&ha("{autoStart: true, runStrategy: Manual}", "Always")),
            "Manual"
        );
    }
}
