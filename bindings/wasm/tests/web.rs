//! The binding inside headless Chromium (wasm-bindgen-test): the exported functions as a page
//! calls them, their results read back through JS property access, offsets checked against JS
//! string indexing.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//!  cargo test -p wukong-net-wasm --target wasm32-unknown-unknown`

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, JsString, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use wukong_net_wasm::{admit, check, fix, render, version};

wasm_bindgen_test_configure!(run_in_browser);

const DHCP: &str = include_str!("../../../tests/fixtures/seed-dhcp.yaml");
const STATIC: &str = include_str!("../../../tests/fixtures/seed-static.yaml");
const NAD_MISSING_IPAM: &str = include_str!("../../../tests/data/fixes/nad-missing-ipam.yaml");

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn string(value: &JsValue, path: &[&str]) -> String {
    get(value, path).as_string().unwrap_or_default()
}

fn items(value: &JsValue, path: &[&str]) -> Vec<JsValue> {
    get(value, path)
        .dyn_into::<Array>()
        .map(|a| a.to_vec())
        .unwrap_or_default()
}

fn with_dhcp_address(text: &str) -> String {
    text.replace(
        "        mode: dhcp",
        "        mode: dhcp\n        address: 10.0.0.5/24",
    )
}

#[wasm_bindgen_test]
fn renders_the_seed_dhcp_example_as_plain_objects() {
    let result: JsValue = render(DHCP, None).map(Into::into).unwrap_or(JsValue::NULL);
    assert_eq!(get(&result, &["hasErrors"]), JsValue::FALSE);
    let network_data = string(&result, &["networkData"]);
    assert!(network_data.contains("dhcp4: true"), "{network_data}");
    // Maps are plain objects (not JS Maps): the labels serialize as JSON would.
    let labels = JSON::stringify(&get(&result, &["virtualMachine", "metadata", "labels"]))
        .map(String::from)
        .unwrap_or_default();
    assert_eq!(labels, r#"{"app.kubernetes.io/managed-by":"wukong-net"}"#);
    let nads = items(&result, &["networkAttachmentDefinitions"]);
    assert_eq!(nads.len(), 1);
    assert_eq!(
        string(&nads[0], &["metadata", "name"]),
        "ubuntu-dhcp-external-nad"
    );
    let paths = items(&items(&result, &["topology"])[0], &["networks"]);
    assert_eq!(string(&paths[1], &["physicalInterface"]), "ens192");
    assert_eq!(string(&paths[1], &["mode"]), "dhcp");
    // Absent values are null, as in the CLI's JSON.
    assert!(get(&result, &["yaml"]).is_null());
}

#[wasm_bindgen_test]
fn renders_the_seed_static_example() {
    let result: JsValue = render(STATIC, None)
        .map(Into::into)
        .unwrap_or(JsValue::NULL);
    assert!(string(&result, &["networkData"]).contains("192.168.0.200/24"));
    let config = string(
        &items(&result, &["networkAttachmentDefinitions"])[0],
        &["spec", "config"],
    );
    assert!(config.contains(r#""type":"host-local""#), "{config}");
}

#[wasm_bindgen_test]
fn diagnostics_carry_utf16_offsets_that_index_js_strings() {
    let text = format!("# réseau 😀\n{}", with_dhcp_address(DHCP));
    let result: JsValue = check(&text).into();
    let diagnostics = items(&result, &["diagnostics"]);
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(string(d, &["code"]), "dhcp-with-address");
    let from = get(d, &["from"]).as_f64().unwrap_or(-1.0) as u32;
    let to = get(d, &["to"]).as_f64().unwrap_or(-1.0) as u32;
    assert_eq!(
        String::from(JsString::from(text.as_str()).slice(from, to)),
        "10.0.0.5/24"
    );
}

#[wasm_bindgen_test]
fn fixes_carry_utf16_edits_that_fix_applies() {
    let text = format!("# réseau 😀\n{NAD_MISSING_IPAM}");
    let js_text = JsString::from(text.as_str());
    let diagnostics = items(&check(&text).into(), &["diagnostics"]);
    assert_eq!(diagnostics.len(), 2);
    // Each fix's edits, applied to the JS string by their UTF-16 offsets, last first.
    let mut by_hand = js_text.clone();
    for d in diagnostics.iter().rev() {
        let fixes = items(d, &["fixes"]);
        assert_eq!(fixes.len(), 1);
        assert_eq!(get(&fixes[0], &["safe"]), JsValue::TRUE);
        let edits = items(&fixes[0], &["edits"]);
        assert_eq!(edits.len(), 1);
        let at = |key| get(&edits[0], &[key]).as_f64().unwrap_or(-1.0) as u32;
        assert_eq!(at("from"), at("to"));
        // The insertion goes right after the bridge's name, inside the embedded JSON.
        let before = String::from(js_text.slice(0, at("from")));
        assert!(before.ends_with("\"bridge\": \"br1\"") || before.ends_with("\"bridge\": \"br2\""));
        by_hand = by_hand
            .slice(0, at("from"))
            .concat(&get(&edits[0], &["replacement"]))
            .concat(&by_hand.slice(at("to"), by_hand.length()));
    }
    let fixed: JsValue = fix(&text, None).map(Into::into).unwrap_or(JsValue::NULL);
    assert_eq!(get(&fixed, &["text"]), JsValue::from(by_hand));
    assert_eq!(items(&fixed, &["applied"]).len(), 2);
    assert_eq!(items(&fixed, &["remaining"]).len(), 0);
}

#[wasm_bindgen_test]
fn fix_options_are_checked() {
    let options = |json: &str| JSON::parse(json).map(JsCast::unchecked_into).ok();
    assert!(fix(DHCP, options(r#"{"unsafe": true}"#)).is_ok());
    assert!(fix(DHCP, options("null")).is_ok());
    assert!(fix(DHCP, options(r#"{"unsafeFixes": true}"#)).is_err());
    assert!(fix(DHCP, options("[true]")).is_err());
}

#[wasm_bindgen_test]
fn bad_input_is_diagnostics_and_the_module_keeps_working() {
    for text in ["", "{", "\u{0}", "- - -", "kind: Wukong\nspec: 3"] {
        let result: JsValue = render(text, None).map(Into::into).unwrap_or(JsValue::NULL);
        assert!(!result.is_null(), "render threw for {text:?}");
    }
    let result: JsValue = render(DHCP, None).map(Into::into).unwrap_or(JsValue::NULL);
    assert_eq!(get(&result, &["hasErrors"]), JsValue::FALSE);
}

#[wasm_bindgen_test]
fn admit_answers_as_the_policy() {
    let accepted: JsValue = admit(DHCP, "").into();
    assert_eq!(get(&accepted, &["verdict", "accepted"]), JsValue::TRUE);
    let rejected: JsValue = admit(STATIC, "allowStaticIp: false").into();
    assert_eq!(get(&rejected, &["verdict", "accepted"]), JsValue::FALSE);
    assert_eq!(
        string(&items(&rejected, &["diagnostics"])[0], &["code"]),
        "static-ip-not-allowed"
    );
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
