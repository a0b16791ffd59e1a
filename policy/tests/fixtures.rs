//! Native tests over test_data/: every case of cases.json through the policy's own `validate`
//! and `validate_settings` entry points, with the SDK's test helper. Context-aware cases replay
//! the kwctl session they name (test_data/sessions/): the host's recorded answers go through the
//! policy's own reading of them ([`wukong_net_policy::lookup_outcome`]).

use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::settings::SettingsValidationResponse;
use kubewarden_policy_sdk::test::Testcase;
// The case table and its code reader, shared with the end-to-end tests.
#[path = "../e2e/src/cases.rs"]
mod cases;
#[path = "../e2e/src/session.rs"]
mod session;

use cases::{codes, Cases, ValidateCase};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::collections::VecDeque;
use wukong_net::admission::ResourceLookup;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data");

fn cases() -> Cases {
    cases::cases().expect("policy/test_data/cases.json")
}

thread_local! {
    /// The session the current case replays (the SDK's helper takes a plain `fn`).
    static SESSION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A recorded session as the policy's lookup.
struct Replay(VecDeque<session::Exchange>);

impl ResourceLookup for Replay {
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let next = self
            .0
            .pop_front()
            .expect("the session has an answer for every lookup");
        assert_eq!(
            (
                next.api_version.as_str(),
                next.kind.as_str(),
                next.namespace.as_deref(),
                next.name.as_str()
            ),
            (api_version, kind, Some(namespace), name),
            "the policy asked for what the session recorded"
        );
        let answer = match next.response {
            Ok(payload) => Ok(serde_json::from_str(&payload).expect("a recorded object is JSON")),
            // Wrapped as the SDK and the host wrap it (see policy/src/host.rs).
            Err(message) => Err(format!("error invoking host capability kubernetes.get_resource: Host error: Callback evaluation failure: {message}")),
        };
        wukong_net_policy::lookup_outcome(answer, api_version, kind, namespace, name)
    }
}

/// `validate` with the lookups answered by the case's session.
fn validate_replaying(payload: &[u8]) -> kubewarden_policy_sdk::wapc_guest::CallResult {
    let name = SESSION
        .with(|s| s.borrow().clone())
        .expect("a session for a context-aware case");
    let exchanges = session::load(&name).unwrap_or_else(|e| panic!("{e}"));
    wukong_net_policy::respond(&wukong_net_policy::validate_with(
        payload,
        &mut Replay(exchanges.into()),
    ))
}

fn check(case: &ValidateCase, response: &ValidationResponse) {
    let message: Vec<String> = response.message.clone().into_iter().collect();
    let warnings = response.warnings.clone().unwrap_or_default();
    assert_eq!(
        codes(message.iter().map(String::as_str)),
        case.errors,
        "{}: errors in {message:?}",
        case.name
    );
    assert_eq!(
        codes(warnings.iter().map(String::as_str)),
        case.warnings,
        "{}: warnings {warnings:?}",
        case.name
    );
    if case.accepted {
        assert!(
            response.message.is_none() && response.code.is_none(),
            "{}",
            case.name
        );
    } else {
        assert_eq!(response.code, Some(400), "{}", case.name);
    }
    // Without `mutate: true` the policy never returns an object; with it, only a repair does.
    assert_eq!(
        response.mutated_object.is_some(),
        case.mutated,
        "{}: mutated_object {:?}",
        case.name,
        response.mutated_object
    );
    if case.mutated {
        assert_eq!(
            case.settings.get("mutate"),
            Some(&json!(true)),
            "{}",
            case.name
        );
    }
}

#[test]
fn every_fixture_case() {
    let all = cases();
    assert!(all.validate.len() >= 50, "the case table is complete");
    for case in &all.validate {
        let context_aware = case.settings.get("contextAware") == Some(&json!(true));
        let test = Testcase {
            name: case.name.clone(),
            fixture_file: format!("{DATA}/{}", case.request),
            expected_validation_result: case.accepted,
            settings: case.settings.clone(),
        };
        // The SDK helper builds {"settings", "request"} from the fixture and asserts `accepted`.
        SESSION.with(|s| *s.borrow_mut() = case.session.clone());
        let entry = if context_aware && case.session.is_some() {
            validate_replaying
        } else {
            wukong_net_policy::validate
        };
        let response = test
            .eval(entry)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        check(case, &response);
    }
}

#[test]
fn every_fixture_file_has_a_case() {
    let all = cases();
    let used: BTreeSet<&str> = all.validate.iter().map(|c| c.request.as_str()).collect();
    for entry in std::fs::read_dir(DATA).expect("test_data") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("utf-8 name");
        if name.ends_with(".json") && name != "cases.json" && name != "cluster.json" {
            assert!(used.contains(name.as_str()), "{name} is in no case");
        }
    }
}

#[test]
fn settings_cases() {
    for case in cases().validate_settings {
        let payload = serde_json::to_vec(&case.settings).expect("settings serialize");
        let raw = wukong_net_policy::settings::validate_settings(&payload).expect("never a trap");
        let response: SettingsValidationResponse =
            serde_json::from_slice(&raw).expect("a settings response");
        assert_eq!(
            response.valid, case.valid,
            "{}: {:?}",
            case.name, response.message
        );
        if let Some(want) = &case.message {
            let got = response.message.unwrap_or_default();
            assert!(got.contains(want), "{}: {got:?} lacks {want:?}", case.name);
        } else {
            assert!(response.message.is_none(), "{}", case.name);
        }
    }
}

#[test]
fn garbage_is_an_answer_not_a_trap() {
    let raw =
        wukong_net_policy::settings::validate_settings(b"{not json").expect("settings answer");
    let response: SettingsValidationResponse =
        serde_json::from_slice(&raw).expect("settings response");
    assert!(!response.valid && response.message.unwrap_or_default().contains("not JSON"));
    for payload in [
        &b""[..],
        b"null",
        b"[]",
        b"{\"request\": 5}",
        b"{\"settings\": 1, \"request\": {}}",
        &[0xff, 0x00, 0x7b],
    ] {
        let raw = wukong_net_policy::validate(payload).expect("validate answers");
        let response: ValidationResponse =
            serde_json::from_slice(&raw).expect("a validation response");
        assert!(!response.accepted, "{payload:?}");
        assert!(codes(response.message.as_deref()).contains("malformed-request"));
    }
}

#[test]
fn protocol_version_is_v1() {
    let raw = kubewarden_policy_sdk::protocol_version_guest(b"").expect("protocol version");
    assert_eq!(
        serde_json::from_slice::<Value>(&raw).expect("json"),
        json!("v1")
    );
}
