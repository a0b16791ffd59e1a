//! The files that ship with the policy agree with each other and with the code: metadata.yml,
//! artifacthub-pkg.yml, questions-ui.yml, the example ClusterAdmissionPolicies and the README.

use serde_json::{json, Value};
use wukong_net::admission::{validate_settings, Settings};
use wukong_net::Code;

fn yaml(name: &str) -> Value {
    let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    yaml_text(&text, &path)
}

fn yaml_text(text: &str, what: &str) -> Value {
    let stream = wukong_net::source::parse(text);
    assert!(
        stream.diagnostics.is_empty(),
        "{what}: {:?}",
        stream.diagnostics
    );
    stream
        .documents
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{what} is empty"))
        .value
}

fn metadata() -> Value {
    yaml("metadata.yml")
}

#[test]
fn metadata_describes_a_mutating_wapc_policy_for_our_kinds() {
    let m = metadata();
    // It may mutate (the `mutate` setting); whether it does is up to the settings.
    assert_eq!(m["mutating"], json!(true));
    assert_eq!(m["executionMode"], json!("kubewarden-wapc"));
    assert_eq!(
        m["contextAwareResources"],
        json!([{"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition"}])
    );
    let mut resources = Vec::new();
    for rule in m["rules"].as_array().expect("rules") {
        assert_eq!(rule["operations"], json!(["CREATE", "UPDATE"]));
        for r in rule["resources"].as_array().expect("resources") {
            resources.push(format!(
                "{}/{}/{}",
                rule["apiGroups"][0].as_str().unwrap_or(""),
                rule["apiVersions"][0].as_str().unwrap_or(""),
                r.as_str().unwrap_or("")
            ));
        }
    }
    assert_eq!(
        resources,
        [
            "vm.novasphere.dev/v1alpha1/wukongs",
            "k8s.cni.cncf.io/v1/network-attachment-definitions",
            "kubevirt.io/v1/virtualmachines",
            "kubevirt.io/v1/virtualmachineinstances"
        ]
    );
    let a = &m["annotations"];
    assert_eq!(
        a["io.kubewarden.policy.version"],
        json!(env!("CARGO_PKG_VERSION"))
    );
    for key in [
        "title",
        "description",
        "author",
        "url",
        "source",
        "license",
        "category",
        "severity",
    ] {
        assert!(
            a[format!("io.kubewarden.policy.{key}")].is_string(),
            "io.kubewarden.policy.{key}"
        );
    }
    for key in ["displayName", "resources", "keywords"] {
        assert!(
            a[format!("io.artifacthub.{key}")].is_string(),
            "io.artifacthub.{key}"
        );
    }
}

#[test]
fn artifacthub_repeats_metadata_and_questions() {
    let pkg = yaml("artifacthub-pkg.yml");
    let m = metadata();
    assert_eq!(pkg["version"], json!(env!("CARGO_PKG_VERSION")));
    let ann = &pkg["annotations"];
    let embedded = |key: &str| yaml_text(ann[key].as_str().unwrap_or_else(|| panic!("{key}")), key);
    assert_eq!(embedded("kubewarden/rules"), m["rules"]);
    assert_eq!(
        embedded("kubewarden/contextAwareResources"),
        m["contextAwareResources"]
    );
    assert_eq!(
        embedded("kubewarden/questions-ui"),
        yaml("questions-ui.yml")
    );
    assert_eq!(ann["kubewarden/mutation"], json!("true"));
    assert_eq!(
        ann["kubewarden/resources"],
        m["annotations"]["io.artifacthub.resources"]
    );
}

#[test]
fn questions_cover_every_setting_with_its_default() {
    let defaults = serde_json::to_value(Settings::default()).expect("settings serialize");
    let questions = yaml("questions-ui.yml");
    let questions = questions["questions"].as_array().expect("questions");
    let asked: Vec<&str> = questions
        .iter()
        .map(|q| q["variable"].as_str().unwrap_or(""))
        .collect();
    let keys: Vec<&str> = defaults
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(asked, keys);
    for q in questions {
        let var = q["variable"].as_str().unwrap_or("");
        assert_eq!(q["default"], defaults[var], "default of {var}");
    }
}

#[test]
fn example_policies_are_consistent() {
    let m = metadata();
    let mut mutating_examples = 0;
    for (file, scheme) in [
        ("examples/cluster-admission-policy-https.yaml", "https://"),
        (
            "examples/cluster-admission-policy-registry.yaml",
            "registry://",
        ),
        (
            "examples/cluster-admission-policy-mutating.yaml",
            "https://",
        ),
    ] {
        let p = yaml(file);
        assert_eq!(
            p["apiVersion"],
            json!("policies.kubewarden.io/v1"),
            "{file}"
        );
        assert_eq!(p["kind"], json!("ClusterAdmissionPolicy"), "{file}");
        assert!(
            p["spec"]["module"]
                .as_str()
                .is_some_and(|s| s.starts_with(scheme)),
            "{file}"
        );
        assert_eq!(p["spec"]["rules"], m["rules"], "{file}");
        assert_eq!(
            p["spec"]["contextAwareResources"], m["contextAwareResources"],
            "{file}"
        );
        let settings =
            validate_settings(&p["spec"]["settings"]).unwrap_or_else(|e| panic!("{file}: {e}"));
        // A policy that repairs must be deployed mutating, or policy-server rejects every
        // request it repairs; one that does not is deployed validating.
        assert_eq!(
            p["spec"]["mutating"],
            json!(settings.mutate),
            "{file}: `mutating` must equal the `mutate` setting"
        );
        mutating_examples += usize::from(settings.mutate);
    }
    assert_eq!(mutating_examples, 1, "one example shows the mutating mode");
}

/// The policy's own codes: the README documents each.
const POLICY_CODES: &[Code] = &[
    Code::MalformedRequest,
    Code::BridgeNotAllowed,
    Code::PhysicalInterfaceNotAllowed,
    Code::StaticIpNotAllowed,
    Code::NadConfigAbsent,
    Code::CniConfigInvalid,
    Code::IpamWithDisabledContainerInterface,
    Code::DhcpIpam,
    Code::MissingIpam,
    Code::IpamInvalidSubnet,
    Code::IpamInvalidAddress,
    Code::IpamOutsideSubnet,
    Code::IpamRangeReversed,
    Code::IpamInvalidRoute,
    Code::NetworkInUserData,
    Code::NetworkDataInvalid,
    Code::MacNotPinned,
    Code::UnquotedMac,
    Code::MasqueradeOnMultus,
    Code::PodInterfaceUnconfigured,
    Code::NadNotFound,
    Code::DhcpOnIpamNad,
    Code::NadLookupFailed,
];

#[test]
fn readme_documents_every_rule_and_setting() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for code in POLICY_CODES {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README lacks `{code}`"
        );
    }
    let defaults = serde_json::to_value(Settings::default()).expect("settings serialize");
    for key in defaults.as_object().expect("object").keys() {
        assert!(
            readme.contains(&format!("`{key}`")),
            "README lacks setting `{key}`"
        );
    }
}
