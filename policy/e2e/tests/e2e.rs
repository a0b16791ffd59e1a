//! End to end: the built policy/policy.wasm in wapc + wasmtime, called exactly as the policy
//! server calls it, over the same fixtures and expectations as the native tests
//! (policy/test_data/cases.json). Context-aware lookups are answered by the harness's host from
//! policy/test_data/cluster.json. Without a built policy.wasm these tests fail and say how to
//! build it.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use wukong_net_policy_e2e::cases::{codes, Cases};
use wukong_net_policy_e2e::{
    declared_resources, fixture, fixture_host, session, Host, HostCall, Instance, Policy,
};

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Result<Policy, String>> = OnceLock::new();
    match POLICY.get_or_init(Policy::load) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn instance() -> Instance {
    let host = fixture_host().unwrap_or_else(|e| panic!("{e}"));
    policy().instance(host).unwrap_or_else(|e| panic!("{e}"))
}

fn cases() -> Cases {
    wukong_net_policy_e2e::cases::cases().unwrap_or_else(|e| panic!("{e}"))
}

fn lookups(calls: &[HostCall]) -> Vec<&HostCall> {
    calls
        .iter()
        .filter(|c| {
            (
                c.binding.as_str(),
                c.namespace.as_str(),
                c.operation.as_str(),
            ) == ("kubewarden", "kubernetes", "get_resource")
        })
        .collect()
}

#[test]
fn protocol_version() {
    assert_eq!(
        instance()
            .protocol_version()
            .unwrap_or_else(|e| panic!("{e}")),
        json!("v1")
    );
}

#[test]
fn every_fixture_case_through_the_engine() {
    let all = cases();
    // One instance for all cases, as the policy server reuses instances between requests.
    let policy = instance();
    for case in &all.validate {
        let request = fixture(&case.request).unwrap_or_else(|e| panic!("{e}"));
        let replaying;
        let policy = match &case.session {
            Some(name) => {
                let exchanges = session::load(name).unwrap_or_else(|e| panic!("{e}"));
                let allowed = declared_resources().unwrap_or_else(|e| panic!("{e}"));
                replaying = self::policy()
                    .instance(Host::replaying(exchanges, allowed))
                    .unwrap_or_else(|e| panic!("{e}"));
                &replaying
            }
            None => &policy,
        };
        let response = policy
            .validate(&case.settings, &request)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let calls = policy.take_calls();
        assert_eq!(
            response["accepted"],
            json!(case.accepted),
            "{}: {response:#}",
            case.name
        );
        let message = response["message"].as_str();
        assert_eq!(codes(message), case.errors, "{}: {response:#}", case.name);
        let warnings: Vec<&str> = response["warnings"]
            .as_array()
            .map(|w| w.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            codes(warnings),
            case.warnings,
            "{}: {response:#}",
            case.name
        );
        assert_eq!(
            response["code"],
            if case.accepted {
                Value::Null
            } else {
                json!(400)
            },
            "{}",
            case.name
        );
        assert_eq!(
            !response["mutated_object"].is_null(),
            case.mutated,
            "{}: {response:#}",
            case.name
        );
        // Lookups happen exactly when the settings ask for them and the request is a VM.
        let aware = case.settings.get("contextAware") == Some(&json!(true))
            && case.request.starts_with("vm");
        let got = lookups(&calls);
        assert_eq!(
            !got.is_empty(),
            aware,
            "{}: host calls {calls:?}",
            case.name
        );
        for call in got {
            let req: Value = serde_json::from_str(&call.payload).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                (req["api_version"].as_str(), req["kind"].as_str()),
                (
                    Some("k8s.cni.cncf.io/v1"),
                    Some("NetworkAttachmentDefinition")
                )
            );
        }
    }
}

#[test]
fn lookups_name_the_right_object() {
    let policy = instance();
    let request = fixture("vm-nad-in-other-namespace.json").unwrap_or_else(|e| panic!("{e}"));
    let response = policy
        .validate(&json!({"contextAware": true}), &request)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response["accepted"], json!(true), "{response:#}");
    let calls = policy.take_calls();
    let got = lookups(&calls);
    assert_eq!(got.len(), 1, "{calls:?}");
    let req: Value = serde_json::from_str(&got[0].payload).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (req["namespace"].as_str(), req["name"].as_str()),
        (Some("shared"), Some("ext-shared"))
    );
}

#[test]
fn a_lookup_the_policy_server_refuses_is_a_warning() {
    // A ClusterAdmissionPolicy without contextAwareResources: the server refuses the read.
    let host = wukong_net_policy_e2e::Host::new(Vec::new(), Vec::new());
    let policy = policy().instance(host).unwrap_or_else(|e| panic!("{e}"));
    let request = fixture("vm-good.json").unwrap_or_else(|e| panic!("{e}"));
    let response = policy
        .validate(&json!({"contextAware": true}), &request)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response["accepted"], json!(true), "{response:#}");
    let warnings = response["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        codes(warnings.iter().filter_map(Value::as_str)),
        BTreeSet::from(["nad-lookup-failed".to_string()])
    );
    assert!(
        warnings[0]
            .as_str()
            .unwrap_or("")
            .contains("has not been granted access"),
        "{warnings:?}"
    );
}

#[test]
fn settings_through_the_engine() {
    let policy = instance();
    for case in cases().validate_settings {
        let payload = serde_json::to_vec(&case.settings).unwrap_or_else(|e| panic!("{e}"));
        let response = policy
            .validate_settings(&payload)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(
            response["valid"],
            json!(case.valid),
            "{}: {response:#}",
            case.name
        );
        match &case.message {
            Some(want) => assert!(
                response["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(want.as_str()),
                "{}: {response:#}",
                case.name
            ),
            None => assert_eq!(response["message"], Value::Null, "{}", case.name),
        }
    }
    let response = policy
        .validate_settings(b"{not json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response["valid"], json!(false));
}

#[test]
fn garbage_never_traps_the_guest() {
    let policy = instance();
    for payload in [
        &b""[..],
        b"null",
        b"{}",
        b"[1,2]",
        b"{\"request\": 5}",
        b"{\"settings\": {\"x\": 1}, \"request\": {}}",
        &[0xff, 0xfe, 0x00],
        &[b'['; 10_000],
    ] {
        let response = policy
            .validate_raw(payload)
            .unwrap_or_else(|e| panic!("{payload:?}: {e}"));
        assert_eq!(response["accepted"], json!(false), "{response:#}");
        assert!(
            codes(response["message"].as_str()).contains("malformed-request"),
            "{response:#}"
        );
    }
    // And the instance still answers normally afterwards.
    let request = fixture("wukong-dhcp.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        policy
            .validate(&json!({}), &request)
            .unwrap_or_else(|e| panic!("{e}"))["accepted"],
        json!(true)
    );
}

#[test]
fn answers_are_stable_across_calls() {
    let policy = instance();
    let request = fixture("vm-mac-not-pinned.json").unwrap_or_else(|e| panic!("{e}"));
    let first = policy
        .validate(&json!({}), &request)
        .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..200 {
        assert_eq!(
            policy
                .validate(&json!({}), &request)
                .unwrap_or_else(|e| panic!("{e}")),
            first
        );
    }
}
