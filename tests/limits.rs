//! Every limit of `src/limits.rs` through the CLI, just inside and just outside: the same inputs
//! the policy and the JS package are tested with (tests/limits/cases.rs). Inside, `check` and
//! `render` find no error and render; outside, exactly the limit's code refuses the input (exit
//! 1, nothing rendered), and no other error comes with it. `check` reads whole streams under
//! `Limits::STREAM`, so the size, document and node limits refuse there only past those (their
//! own cases below). Alias expansion has its own case:
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
use wukong_net::limits::{Limits, MAX_ALIAS_NODES, MAX_NODES};

/// The codes of the error diagnostics, from `check --format json` and `render --format json`,
/// with the exit statuses and whether anything was rendered.
struct Cli {
    check: Vec<String>,
    check_status: Option<i32>,
    render: Vec<String>,
    render_status: Option<i32>,
    rendered: bool,
}

fn errors(v: &Value) -> Vec<String> {
    let first = if v.is_array() { &v[0] } else { v };
    first["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn check(text: &str) -> (Vec<String>, Option<i32>) {
    let check = wukong_net(["check", "-", "--format", "json"], text.as_bytes());
    let checked: Value =
        serde_json::from_str(&check.stdout).unwrap_or_else(|e| panic!("{e}: {}", check.stderr));
    (errors(&checked), check.status.code())
}

fn cli(text: &str) -> Cli {
    let (check, check_status) = check(text);
    let render = wukong_net(["render", "-", "--format", "json"], text.as_bytes());
    let rendered: Value = serde_json::from_str(&render.stdout).unwrap();
    let first = if rendered.is_array() {
        &rendered[0]
    } else {
        &rendered
    };
    Cli {
        check,
        check_status,
        render: errors(&rendered),
        render_status: render.status.code(),
        rendered: !first["virtualMachine"].is_null(),
    }
}

/// The limits `check` raises for whole streams (`Limits::STREAM`).
const STREAM_SCALED: [&str; 3] = ["input-too-large", "too-many-documents", "too-many-nodes"];

#[test]
fn every_limit_just_inside_and_just_outside() {
    let cases = cases::cases();
    cases::self_check(&cases);
    for c in &cases {
        let o = cli(&c.text);
        // Aliases keep their own limit in every shell; the total node count is scaled.
        let scaled = c.refused_with.is_some_and(|code| {
            STREAM_SCALED.contains(&code) && !c.name.contains("alias-expanded")
        });
        match c.refused_with {
            None => {
                assert!(
                    o.check.is_empty() && o.render.is_empty(),
                    "{}: refused: {:?} {:?}",
                    c.name,
                    o.check,
                    o.render
                );
                assert_eq!(
                    (o.check_status, o.render_status, o.rendered),
                    (Some(0), Some(0), true),
                    "{}",
                    c.name
                );
            }
            Some(code) => {
                assert_eq!(
                    o.render,
                    [code],
                    "{}: refused by its limit, and only by it",
                    c.name
                );
                assert_eq!(
                    (o.render_status, o.rendered),
                    (Some(1), false),
                    "{}",
                    c.name
                );
                if scaled {
                    assert!(
                        o.check.is_empty(),
                        "{}: check refused: {:?}",
                        c.name,
                        o.check
                    );
                    assert_eq!(o.check_status, Some(0), "{}", c.name);
                } else {
                    assert_eq!(o.check, [code], "{}", c.name);
                    assert_eq!(o.check_status, Some(1), "{}", c.name);
                }
            }
        }
    }
}

/// A ConfigMap (a kind `check` skips) of exactly `total` nodes, as compact JSON.
fn pad_nodes(total: usize) -> String {
    let with = |pad: Vec<Value>| serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"pad": pad}});
    let base = cases::nodes(&with(Vec::new()));
    serde_json::to_string(&with(vec![Value::from(0); total - base])).unwrap()
}

#[test]
fn check_reads_whole_streams_up_to_the_stream_limits() {
    let limits = Limits::STREAM;
    // Size: one ConfigMap (a kind check skips) padded to exactly the limit, or one byte more.
    let padded = |len: usize| {
        let head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {pad: ";
        let tail = "}\n";
        format!("{head}{}{tail}", "a".repeat(len - head.len() - tail.len()))
    };
    for (text, refused) in [
        (padded(limits.input_bytes), None),
        (padded(limits.input_bytes + 1), Some("input-too-large")),
        // Documents.
        ("a: 1\n---\n".repeat(limits.documents), None),
        (
            "a: 1\n---\n".repeat(limits.documents + 1),
            Some("too-many-documents"),
        ),
        // Nodes: a ConfigMap whose `pad` is a list of zeros filling up to the limit.
        (pad_nodes(limits.nodes), None),
        (pad_nodes(limits.nodes + 1), Some("too-many-nodes")),
    ] {
        let (errors, status) = check(&text);
        match refused {
            None => assert!(errors.is_empty(), "{} bytes: {errors:?}", text.len()),
            Some(code) => {
                assert_eq!(errors, [code], "{} bytes", text.len());
                assert_eq!(status, Some(1));
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
    let o = cli(&text(MAX_NODES));
    assert!(
        o.render.is_empty() && o.check.is_empty(),
        "{MAX_NODES} nodes with aliases refused: {:?} {:?}",
        o.render,
        o.check
    );
    assert_eq!((o.render_status, o.check_status), (Some(0), Some(0)));
    // One more: `render` (one object's limits) refuses it; `check`, reading under the stream
    // limits, does not.
    let o = cli(&text(MAX_NODES + 1));
    assert_eq!(
        o.render,
        ["too-many-nodes"],
        "{} nodes with aliases",
        MAX_NODES + 1
    );
    assert_eq!(o.render_status, Some(1));
    assert!(o.check.is_empty(), "{:?}", o.check);
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
