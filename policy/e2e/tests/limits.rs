//! Every limit of `src/limits.rs` in the built policy.wasm, called as the policy server calls it
//! (wapc + wasmtime), just inside and just outside, with the same inputs as the CLI's and the JS
//! package's tests (tests/limits/cases.rs). A Wukong arrives as JSON inside the request: inside
//! every limit it is accepted; outside one it is rejected with that limit's code and no other.
//! The document count applies to text streams, which the policy parses inside objects: a VM's
//! networkData with as many documents as allowed, and one more.

#![allow(clippy::unwrap_used)]

#[path = "../../../tests/limits/cases.rs"]
mod cases;

use serde_json::{json, Value};
use wukong_net::limits::MAX_DOCUMENTS;
use wukong_net_policy_e2e::{fixture, fixture_host, Policy};

/// The codes of a rejection: each finding in the message ends in ` [code]`.
fn codes(message: &str) -> Vec<String> {
    message
        .split(" [")
        .skip(1)
        .filter_map(|p| p.split(']').next())
        .map(str::to_string)
        .collect()
}

fn answer(instance: &wukong_net_policy_e2e::Instance, request: &Value) -> (bool, Vec<String>) {
    let v = instance
        .validate(&json!({}), request)
        .unwrap_or_else(|e| panic!("{e}"));
    (
        v["accepted"] == true,
        codes(v["message"].as_str().unwrap_or("")),
    )
}

#[test]
fn every_limit_just_inside_and_just_outside() {
    let policy = Policy::load().unwrap_or_else(|e| panic!("{e}"));
    let instance = policy.instance(fixture_host().unwrap()).unwrap();
    let cases = cases::cases();
    cases::self_check(&cases);
    let mut ran = 0;
    for c in &cases {
        let Some(object) = &c.object else { continue };
        let request = json!({
            "uid": "limits", "operation": "CREATE", "name": "vm1", "namespace": "lab",
            "kind": {"group": "vm.novasphere.dev", "version": "v1alpha1", "kind": "Wukong"},
            "object": object,
        });
        let (accepted, codes) = answer(&instance, &request);
        match c.refused_with {
            None => assert!(
                accepted && codes.is_empty(),
                "{}: rejected: {codes:?}",
                c.name
            ),
            Some(code) => {
                assert!(!accepted, "{}: accepted", c.name);
                assert_eq!(
                    codes,
                    [code],
                    "{}: rejected by its limit, and only by it",
                    c.name
                );
            }
        }
        ran += 1;
    }
    assert_eq!(
        ran, 8,
        "size, depth, nodes and networks, inside and outside"
    );
}

#[test]
fn network_data_documents_just_inside_and_just_outside() {
    let policy = Policy::load().unwrap_or_else(|e| panic!("{e}"));
    let instance = policy.instance(fixture_host().unwrap()).unwrap();
    let good = fixture("vm-good.json").unwrap();
    let path = "/object/spec/template/spec/volumes/1/cloudInitNoCloud/networkData";
    let network_data = good
        .pointer(path)
        .and_then(Value::as_str)
        .expect("vm-good.json networkData")
        .to_string();
    for (count, refused) in [(MAX_DOCUMENTS, false), (MAX_DOCUMENTS + 1, true)] {
        // The network-config, then further documents, which cloud-init does not read.
        let stream = std::iter::once(network_data.clone())
            .chain(std::iter::repeat_n("{}\n".to_string(), count - 1))
            .collect::<Vec<_>>()
            .join("---\n");
        let mut request = good.clone();
        *request.pointer_mut(path).unwrap() = json!(stream);
        let (accepted, codes) = answer(&instance, &request);
        if refused {
            assert!(
                !accepted && codes == ["too-many-documents"],
                "{count} documents: {accepted} {codes:?}"
            );
        } else {
            assert!(
                accepted && codes.is_empty(),
                "{count} documents: rejected: {codes:?}"
            );
        }
    }
}
