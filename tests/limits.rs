//! Every limit of `src/limits.rs` through the CLI, just inside and just outside: the same inputs
//! the policy and the JS package are tested with (tests/limits/cases.rs). Inside, `check` and
//! `render` find no error and render; outside, exactly the limit's code refuses the input (exit
//! 1, nothing rendered), and no other error comes with it. Alias expansion has its own case:
//! the node limit counts each alias in full. The same objects also go through the admission
//! decision natively (`admission::validate`, what policy.wasm runs; its wasm build is tested in
//! policy/e2e/tests/limits.rs).

#![allow(clippy::unwrap_used)]

#[path = "limits/cases.rs"]
mod cases;

// The CLI runner (and the real programs' runners, unused here).
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::wukong_net;
use serde_json::Value;
use wukong_net::admission::{self, AdmissionRequest, NoLookup, Settings};
use wukong_net::limits::{MAX_ALIAS_NODES, MAX_NODES};

/// The codes of the error diagnostics, from `check --format json` and `render --format json`,
/// with the exit statuses and whether anything was rendered.
fn cli(text: &str) -> (Vec<String>, Option<i32>, Option<i32>, bool) {
    let errors = |v: &Value| -> Vec<String> {
        let first = if v.is_array() { &v[0] } else { v };
        first["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let check = wukong_net(["check", "-", "--format", "json"], text.as_bytes());
    let checked: Value =
        serde_json::from_str(&check.stdout).unwrap_or_else(|e| panic!("{e}: {}", check.stderr));
    let render = wukong_net(["render", "-", "--format", "json"], text.as_bytes());
    let rendered: Value = serde_json::from_str(&render.stdout).unwrap();
    let first = if rendered.is_array() {
        &rendered[0]
    } else {
        &rendered
    };
    assert_eq!(
        errors(&checked),
        errors(&rendered),
        "check and render disagree"
    );
    (
        errors(&checked),
        check.status.code(),
        render.status.code(),
        !first["virtualMachine"].is_null(),
    )
}

#[test]
fn every_limit_just_inside_and_just_outside() {
    let cases = cases::cases();
    cases::self_check(&cases);
    for c in &cases {
        let (errors, check_status, render_status, rendered) = cli(&c.text);
        match c.refused_with {
            None => {
                assert!(errors.is_empty(), "{}: refused: {errors:?}", c.name);
                assert_eq!(
                    (check_status, render_status, rendered),
                    (Some(0), Some(0), true),
                    "{}",
                    c.name
                );
            }
            Some(code) => {
                assert_eq!(
                    errors,
                    [code],
                    "{}: refused by its limit, and only by it",
                    c.name
                );
                assert_eq!(
                    (check_status, render_status, rendered),
                    (Some(1), Some(1), false),
                    "{}",
                    c.name
                );
            }
        }
    }
}

#[test]
fn alias_expansion_just_inside_and_just_outside_the_node_limit() {
    // `a` anchors a list of K zeros; `b` holds M aliases to it, each counted in full (K + 1
    // nodes); `c` is a list of R zeros that brings the total to exactly the limit, or one more.
    // Nodes: the mapping and its 3 keys, a (1 + K), b (1 + M (K + 1)), c (1 + R). The aliases
    // copy exactly MAX_ALIAS_NODES, their own limit (a case of tests/limits/cases.rs).
    const K: usize = 999;
    const M: usize = MAX_ALIAS_NODES / (K + 1);
    let text = |total: usize| {
        let r = total - (7 + K + M * (K + 1));
        format!(
            "a: &a [{}]\nb: [{}]\nc: [{}]\n",
            vec!["0"; K].join(", "),
            vec!["*a"; M].join(", "),
            vec!["0"; r].join(", ")
        )
    };
    let (errors, status, ..) = cli(&text(MAX_NODES));
    assert!(
        errors.is_empty(),
        "{MAX_NODES} nodes with aliases refused: {errors:?}"
    );
    assert_eq!(status, Some(0));
    let (errors, status, ..) = cli(&text(MAX_NODES + 1));
    assert_eq!(
        errors,
        ["too-many-nodes"],
        "{} nodes with aliases",
        MAX_NODES + 1
    );
    assert_eq!(status, Some(1));
}

#[test]
fn the_admission_decision_holds_every_limit_for_objects() {
    let cases = cases::cases();
    let mut ran = 0;
    for c in &cases {
        let Some(object) = &c.object else { continue };
        let verdict = admission::validate(
            &AdmissionRequest::create(object.clone()),
            &Settings::default(),
            &mut NoLookup,
        );
        let errors: Vec<&str> = verdict
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.as_str())
            .collect();
        match c.refused_with {
            None => assert!(
                verdict.accepted && errors.is_empty(),
                "{}: {errors:?}",
                c.name
            ),
            Some(code) => assert!(
                !verdict.accepted && errors == [code],
                "{}: {errors:?}",
                c.name
            ),
        }
        ran += 1;
    }
    assert_eq!(ran, 8);
}
