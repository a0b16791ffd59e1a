//! Issue 10: a VM whose networkData has `match: {name: "<80 stars>x"}` took 43 s in the
//! admission decision (the glob matcher backtracked exponentially). The fixture goes through
//! `admission::validate`, what policy.wasm runs: it must come back at once (the test run's own
//! timeout is the guard) with the same verdict as any entry that matches no NIC. A glob over
//! the length limit is refused with its own code.

#![allow(clippy::unwrap_used)]

use serde_json::Value;
use wukong_net::admission::{self, AdmissionRequest, NoLookup, Settings, Verdict};
use wukong_net::limits::MAX_MATCH_NAME_CHARS;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/glob_bomb/vm-glob-bomb.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn network_data(vm: &mut Value) -> &mut Value {
    &mut vm["spec"]["template"]["spec"]["volumes"][0]["cloudInitNoCloud"]["networkData"]
}

fn validate(vm: Value) -> Verdict {
    admission::validate(
        &AdmissionRequest::create(vm),
        &Settings::default(),
        &mut NoLookup,
    )
}

fn codes(v: &Verdict) -> Vec<(&str, String)> {
    v.diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.path.clone()))
        .collect()
}

#[test]
fn the_glob_bomb_is_decided_like_any_glob_that_matches_nothing() {
    let mut vm = fixture();
    let text = network_data(&mut vm).as_str().unwrap().to_string();
    assert!(
        text.contains(&format!("\"{}x\"", "*".repeat(80))),
        "the fixture holds the bomb"
    );
    let bomb = validate(vm.clone());
    // The same file with a plain glob that matches no NIC either.
    *network_data(&mut vm) = Value::String(text.replace(&format!("{}x", "*".repeat(80)), "*x"));
    let plain = validate(vm);
    // The entry matches neither of the pod NIC's guest names: accepted, with the warning.
    assert!(bomb.accepted);
    let got: Vec<&str> = bomb.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(got, ["pod-interface-unconfigured"]);
    assert_eq!(bomb.accepted, plain.accepted);
    assert_eq!(codes(&bomb), codes(&plain));
    assert!(
        !bomb
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "match-name-too-long"),
        "81 characters is within the limit: {:?}",
        codes(&bomb)
    );
}

#[test]
fn a_glob_over_the_limit_is_refused() {
    let mut vm = fixture();
    let text = network_data(&mut vm).as_str().unwrap().to_string();
    let long = format!("{}x", "*".repeat(MAX_MATCH_NAME_CHARS));
    *network_data(&mut vm) = Value::String(text.replace(&format!("{}x", "*".repeat(80)), &long));
    let verdict = validate(vm);
    assert!(!verdict.accepted);
    assert!(
        verdict
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "match-name-too-long" && d.is_error()),
        "{:?}",
        codes(&verdict)
    );
}
