//! The admission decision the Kubewarden policy (`policy/`) makes, as a pure function: an
//! AdmissionRequest and settings in, a verdict out. The CLI (`wukong-net admit`), the JS
//! binding and the previewer call the same functions, so they show exactly what the policy
//! answers.
//!
//! What is checked, by the request's kind (CREATE and UPDATE; everything else is accepted):
//! - `vm.novasphere.dev` Wukongs: the core's checks ([`crate::check`]), plus the settings' limits;
//! - `k8s.cni.cncf.io` NetworkAttachmentDefinitions: `spec.config` ([`cni`]);
//! - `kubevirt.io/v1` VirtualMachines and VirtualMachineInstances: cloud-init userData and
//!   networkData against the VM's interfaces ([`vm`]), with NAD lookups when context-aware.
//!
//! Errors reject (HTTP 400, the message lists them with their paths); warnings come back as
//! admission warnings. Cluster lookups go through [`ResourceLookup`], which the policy answers
//! with the Kubewarden host capability and tests answer from fixtures ([`Resources`]).

pub mod cni;
pub mod network_data;
pub mod settings;
pub mod vm;
mod wukong;

pub use settings::{validate_settings, Settings};

use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::source;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The HTTP code of a rejection (the object is invalid, not the server).
pub const REJECT_CODE: u16 = 400;

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub accepted: bool,
    /// Why it was rejected: every error with its path, code and hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// [`REJECT_CODE`] when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// The warnings, one line each, as the API server shows them to the client.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub warnings: Vec<String>,
    /// Every finding (errors and warnings), with paths into the object (or, from
    /// [`validate_document`], located in the text).
    pub diagnostics: Vec<Diagnostic>,
}

/// `{group, version, kind}` of the request's object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupVersionKind {
    pub group: String,
    pub version: String,
    pub kind: String,
}

/// The parts of a Kubernetes AdmissionRequest the decision reads; other fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdmissionRequest {
    pub uid: String,
    pub kind: GroupVersionKind,
    pub name: String,
    pub namespace: String,
    /// CREATE, UPDATE, DELETE or CONNECT.
    pub operation: String,
    pub object: Value,
    pub old_object: Value,
}

impl AdmissionRequest {
    /// A CREATE request for a bare object (what `wukong-net admit obj.yaml` checks).
    pub fn create(object: Value) -> AdmissionRequest {
        let (group, version) = match object.get("apiVersion").and_then(Value::as_str) {
            Some(av) => match av.split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (String::new(), av.to_string()),
            },
            None => (String::new(), String::new()),
        };
        let meta = |k: &str| {
            object
                .get("metadata")
                .and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        AdmissionRequest {
            kind: GroupVersionKind {
                group,
                version,
                kind: object
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            },
            name: meta("name"),
            namespace: meta("namespace"),
            operation: "CREATE".to_string(),
            object,
            ..AdmissionRequest::default()
        }
    }
}

/// Read access to cluster objects, for context-aware checks.
pub trait ResourceLookup {
    /// `Ok(Some(object))` when it exists, `Ok(None)` when it does not, `Err` when the lookup
    /// itself failed (no permission, API server unreachable).
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String>;
}

/// No cluster access: every lookup fails (only called when `contextAware` is on).
pub struct NoLookup;

impl ResourceLookup for NoLookup {
    fn get(&mut self, _: &str, _: &str, _: &str, _: &str) -> Result<Option<Value>, String> {
        Err("no cluster access in this environment".to_string())
    }
}

/// Objects held in memory (fixtures, a YAML stream given to the CLI), looked up by
/// apiVersion, kind, namespace and name.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    objects: Vec<Value>,
}

impl Resources {
    pub fn new(objects: Vec<Value>) -> Resources {
        Resources { objects }
    }

    /// Every object of a YAML/JSON stream: documents, lists of objects, and `kind: List`
    /// items. The parse diagnostics come back alongside.
    pub fn from_text(text: &str) -> (Resources, Vec<Diagnostic>) {
        let stream = source::parse(text);
        let mut objects = Vec::new();
        for doc in stream.documents {
            match doc.value {
                Value::Array(items) => objects.extend(items),
                Value::Object(mut o) if o.get("kind").and_then(Value::as_str) == Some("List") => {
                    if let Some(Value::Array(items)) = o.remove("items") {
                        objects.extend(items);
                    }
                }
                other => objects.push(other),
            }
        }
        (Resources::new(objects), stream.diagnostics)
    }
}

impl ResourceLookup for Resources {
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let field = |o: &Value, path: &[&str]| -> Option<String> {
            path.iter()
                .try_fold(o, |v, k| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Ok(self
            .objects
            .iter()
            .find(|o| {
                field(o, &["apiVersion"]).as_deref() == Some(api_version)
                    && field(o, &["kind"]).as_deref() == Some(kind)
                    && field(o, &["metadata", "name"]).as_deref() == Some(name)
                    && field(o, &["metadata", "namespace"])
                        .as_deref()
                        .unwrap_or("default")
                        == namespace
            })
            .cloned())
    }
}

/// What a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Wukong,
    NetworkAttachmentDefinition,
    VirtualMachine,
    VirtualMachineInstance,
}

impl Target {
    pub fn of(kind: &GroupVersionKind) -> Option<Target> {
        match (
            kind.group.as_str(),
            kind.version.as_str(),
            kind.kind.as_str(),
        ) {
            // Other Wukong versions reach the core, which names the one it reads.
            (crate::model::API_GROUP, _, crate::model::KIND) => Some(Target::Wukong),
            ("k8s.cni.cncf.io", _, vm::NAD_KIND) => Some(Target::NetworkAttachmentDefinition),
            ("kubevirt.io", "v1", "VirtualMachine") => Some(Target::VirtualMachine),
            ("kubevirt.io", "v1", "VirtualMachineInstance") => Some(Target::VirtualMachineInstance),
            _ => None,
        }
    }
}

/// The decision for one request.
pub fn validate(
    request: &AdmissionRequest,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
) -> Verdict {
    let diagnostics = findings(request, settings, lookup);
    verdict(diagnostics, settings, &describe(request))
}

fn findings(
    request: &AdmissionRequest,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
) -> Vec<Diagnostic> {
    let mut kind = request.kind.clone();
    if kind.kind.is_empty() {
        // Some callers send only the object; its own apiVersion/kind say what it is.
        kind = AdmissionRequest::create(request.object.clone()).kind;
    }
    match request.operation.as_str() {
        "CREATE" | "UPDATE" => {}
        "DELETE" | "CONNECT" => return Vec::new(),
        other => {
            let what = if other.is_empty() {
                "no operation".to_string()
            } else {
                format!("operation `{}`", other.escape_debug())
            };
            return vec![malformed(
                "operation",
                format!("the request has {what}; expected CREATE, UPDATE, DELETE or CONNECT"),
            )];
        }
    }
    let Some(target) = Target::of(&kind) else {
        if kind.kind.is_empty() {
            return vec![malformed(
                "kind",
                "the request names no kind, and its object has no apiVersion and kind".to_string(),
            )];
        }
        return Vec::new(); // Not ours: accepted untouched.
    };
    if !request.object.is_object() {
        return vec![malformed(
            "object",
            format!(
                "the request's object must be a mapping, not {}",
                cni::kind_of(&request.object)
            ),
        )];
    }
    if let Some(d) = object_limits(&request.object) {
        return vec![d];
    }
    // Metadata-only updates (finalizers, labels) and objects being deleted pass, so a
    // controller can always finish with an object that predates the policy.
    if request.operation == "UPDATE"
        && (request.object.get("spec") == request.old_object.get("spec")
            || request
                .object
                .get("metadata")
                .and_then(|m| m.get("deletionTimestamp"))
                .is_some_and(|t| !t.is_null()))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    match target {
        Target::Wukong => wukong::check(&request.object, settings, &mut out),
        Target::NetworkAttachmentDefinition => cni::check_nad(&request.object, settings, &mut out),
        Target::VirtualMachine | Target::VirtualMachineInstance => {
            let namespace = namespace_of(request);
            let is_instance = target == Target::VirtualMachineInstance;
            vm::check(
                &request.object,
                is_instance,
                &namespace,
                settings,
                lookup,
                &mut out,
            );
        }
    }
    out
}

/// The input limits of `crate::limits` for an object that arrives as JSON inside a request
/// rather than as text: its compact JSON (what the API server sends) may not exceed
/// MAX_INPUT_BYTES, nest deeper than MAX_DEPTH or hold more than MAX_NODES nodes (keys count,
/// as `source::parse` counts them). So the policy refuses exactly what the CLI and the JS
/// package refuse for that JSON as text, with the same codes.
fn object_limits(object: &Value) -> Option<Diagnostic> {
    use crate::limits::{MAX_DEPTH, MAX_INPUT_BYTES, MAX_NODES};
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut size = Counter(0);
    // Counting bytes cannot fail, and a Value always serializes.
    let _ = serde_json::to_writer(&mut size, object);
    if size.0 > MAX_INPUT_BYTES {
        return Some(
            Diagnostic::new(
                Code::InputTooLarge,
                "",
                format!(
                    "the object is {} bytes of JSON; the limit is {MAX_INPUT_BYTES} bytes",
                    size.0
                ),
            )
            .with_hint("no Wukong, NAD or VM needs this much; look for a runaway field"),
        );
    }
    // Iteratively: a Rust caller may hand over a Value deeper than any parser would build.
    let mut nodes = 0usize;
    let mut stack = vec![(object, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        nodes += 1;
        let container = match value {
            Value::Array(items) => {
                stack.extend(items.iter().map(|c| (c, depth + 1)));
                true
            }
            Value::Object(map) => {
                nodes += map.len(); // the keys
                stack.extend(map.values().map(|c| (c, depth + 1)));
                true
            }
            _ => false,
        };
        if nodes > MAX_NODES {
            let message = format!("more than {MAX_NODES} nodes in the object");
            return Some(Diagnostic::new(Code::TooManyNodes, "", message).with_hint(
                "no Wukong, NAD or VM needs this many values; look for a runaway list",
            ));
        }
        if container && depth > MAX_DEPTH {
            let message = format!("nesting deeper than {MAX_DEPTH} levels");
            return Some(
                Diagnostic::new(Code::TooDeep, "", message)
                    .with_hint("flatten the object; no Kubernetes object nests this deep"),
            );
        }
    }
    None
}

fn namespace_of(request: &AdmissionRequest) -> String {
    let from_object = request
        .object
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    match (request.namespace.as_str(), from_object) {
        ("", Some(ns)) if !ns.is_empty() => ns.to_string(),
        ("", _) => "default".to_string(),
        (ns, _) => ns.to_string(),
    }
}

fn describe(request: &AdmissionRequest) -> String {
    let meta = |k: &str| {
        request
            .object
            .get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let name = if request.name.is_empty() {
        meta("name")
    } else {
        request.name.as_str()
    };
    let ns = if request.namespace.is_empty() {
        meta("namespace")
    } else {
        request.namespace.as_str()
    };
    let kind = if request.kind.kind.is_empty() {
        request
            .object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("object")
    } else {
        request.kind.kind.as_str()
    };
    match (ns, name) {
        ("", "") => kind.to_string(),
        ("", n) => format!("{kind} {n}"),
        (ns, n) => format!("{kind} {ns}/{n}"),
    }
}

fn malformed(path: &str, message: String) -> Diagnostic {
    Diagnostic::new(Code::MalformedRequest, path, message)
        .with_hint("send a Kubernetes AdmissionRequest (admission.k8s.io/v1) for CREATE or UPDATE of the object")
}

/// One finding as a line: `path: message [code]`.
pub fn describe_finding(d: &Diagnostic) -> String {
    if d.path.is_empty() {
        format!("{} [{}]", d.message, d.code)
    } else {
        format!("{}: {} [{}]", d.path, d.message, d.code)
    }
}

/// Applies the settings' demotions and turns findings into the answer.
fn verdict(mut diagnostics: Vec<Diagnostic>, settings: &Settings, what: &str) -> Verdict {
    for d in &mut diagnostics {
        if d.severity == Severity::Error && settings.demoted(d.code) {
            d.severity = Severity::Warning;
        }
    }
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(describe_finding)
        .collect();
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| match &d.hint {
            Some(h) => format!("{} (hint: {h})", describe_finding(d)),
            None => describe_finding(d),
        })
        .collect();
    if errors.is_empty() {
        return Verdict {
            accepted: true,
            message: None,
            code: None,
            warnings,
            diagnostics,
        };
    }
    let count = if errors.len() == 1 {
        "1 error".to_string()
    } else {
        format!("{} errors", errors.len())
    };
    Verdict {
        accepted: false,
        message: Some(format!(
            "{what} rejected by wukong-net, {count}: {}",
            errors.join("; ")
        )),
        code: Some(REJECT_CODE),
        warnings,
        diagnostics,
    }
}

/// A rejection for input that is not a request at all.
fn rejected(d: Diagnostic) -> Verdict {
    verdict(vec![d], &Settings::default(), "the request")
}

/// The Kubewarden `validate` payload, `{"settings": {...}, "request": {...}}`, as the policy
/// receives it from the policy server. Never panics: bad input is a rejection.
pub fn validate_payload(payload: &[u8], lookup: &mut dyn ResourceLookup) -> Verdict {
    /// Read in one pass: the request's object is built once, never copied.
    #[derive(Deserialize)]
    struct Payload {
        #[serde(default)]
        settings: Value,
        request: Option<AdmissionRequest>,
    }
    let payload: Payload = match serde_json::from_slice(payload) {
        Ok(p) => p,
        Err(e) => {
            let (path, what) = if e.is_data() {
                (
                    "request",
                    "not {\"settings\", \"request\"} with an AdmissionRequest",
                )
            } else {
                ("", "not JSON")
            };
            let message = format!("the validation payload is {what}: {e}");
            return rejected(malformed(path, message));
        }
    };
    let Some(request) = payload.request else {
        return rejected(malformed(
            "request",
            "the validation payload has no `request`".to_string(),
        ));
    };
    match validate_settings(&payload.settings) {
        Ok(settings) => validate(&request, &settings, lookup),
        Err(e) => rejected(malformed(
            "settings",
            format!("invalid policy settings: {e}"),
        )),
    }
}

/// A request as text (YAML or JSON), for the CLI and the previewer: an AdmissionReview, an
/// AdmissionRequest, a Kubewarden payload, or a bare object (checked as a CREATE). `settings`
/// overrides the payload's own. Diagnostics are located in the text.
pub fn validate_document(
    text: &str,
    settings: Option<&Settings>,
    lookup: &mut dyn ResourceLookup,
) -> Verdict {
    let stream = source::parse(text);
    if !stream.diagnostics.is_empty() {
        return verdict(stream.diagnostics, &Settings::default(), "the request");
    }
    let Some(doc) = stream.documents.into_iter().next() else {
        // Nothing to point at but the start of the input.
        return rejected(
            malformed("", "the input holds no document".to_string()).with_span(Span::START),
        );
    };
    let (request_path, object_path) = if doc.value.get("request").is_some() {
        ("request", "request.object")
    } else if doc.value.get("operation").is_some() || doc.value.get("object").is_some() {
        ("", "object")
    } else {
        ("", "")
    };
    let own_settings;
    let settings = match settings {
        Some(s) => s,
        None => match validate_settings(doc.value.get("settings").unwrap_or(&Value::Null)) {
            Ok(s) => {
                own_settings = s;
                &own_settings
            }
            Err(e) => {
                let d = malformed("settings", format!("invalid policy settings: {e}"));
                return rejected(d.with_span(doc.spans.locate("settings", false)));
            }
        },
    };
    let request = if object_path.is_empty() {
        Ok(AdmissionRequest::create(doc.value.clone()))
    } else {
        let raw = if request_path.is_empty() {
            &doc.value
        } else {
            &doc.value[request_path]
        };
        serde_json::from_value::<AdmissionRequest>(raw.clone())
    };
    let mut verdict = match request {
        Ok(r) => validate(&r, settings, lookup),
        Err(e) => rejected(malformed(
            request_path,
            format!("the request is not an AdmissionRequest: {e}"),
        )),
    };
    for d in &mut verdict.diagnostics {
        let full = match (object_path, d.path.as_str()) {
            _ if d.code == Code::MalformedRequest => d.path.clone(),
            ("", p) => p.to_string(),
            (o, "") => o.to_string(),
            (o, p) if p.starts_with('[') => format!("{o}{p}"),
            (o, p) => format!("{o}.{p}"),
        };
        let span = doc.spans.locate(&full, d.at_key);
        d.set_span(span);
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wukong(networks: Value) -> Value {
        json!({
            "apiVersion": "vm.novasphere.dev/v1alpha1", "kind": "Wukong",
            "metadata": {"name": "vm1", "namespace": "lab", "uid": "0d8c4a5e-1111-2222-3333-444455556666"},
            "spec": {"cpu": 2, "memory": "4Gi", "networks": networks}
        })
    }

    fn good_networks() -> Value {
        json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp"}}])
    }

    fn request(op: &str, object: Value) -> AdmissionRequest {
        AdmissionRequest {
            operation: op.to_string(),
            ..AdmissionRequest::create(object)
        }
    }

    fn check(r: &AdmissionRequest, s: &Settings) -> Verdict {
        validate(r, s, &mut NoLookup)
    }

    #[test]
    fn accepts_a_good_wukong_and_rejects_a_bad_one() {
        let v = check(
            &request("CREATE", wukong(good_networks())),
            &Settings::default(),
        );
        assert!(v.accepted, "{v:#?}");
        assert_eq!((v.message.as_deref(), v.code), (None, None));
        let bad = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "static", "address": "10.0.0.5"}}]);
        let v = check(&request("CREATE", wukong(bad)), &Settings::default());
        assert!(!v.accepted);
        assert_eq!(v.code, Some(400));
        let m = v.message.unwrap();
        assert!(m.starts_with("Wukong lab/vm1 rejected by wukong-net, 1 error: spec.networks[0].ipConfig.address:"), "{m}");
        assert!(
            m.contains("[address-not-cidr]") && m.contains("hint: add the prefix length"),
            "{m}"
        );
    }

    #[test]
    fn warnings_come_back_as_admission_warnings() {
        let nets = json!([{"name": "external", "type": "ovs", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "dhcp"}}]);
        let v = check(&request("UPDATE", wukong(nets)), &Settings::default());
        assert!(v.accepted);
        assert_eq!(v.warnings.len(), 1, "{v:#?}");
        assert!(
            v.warnings[0].starts_with("spec.networks[0].type: ")
                && v.warnings[0].ends_with("[ovs-as-linux-bridge]"),
            "{}",
            v.warnings[0]
        );
    }

    #[test]
    fn treat_as_warnings_demotes_errors() {
        let nets = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "vlanId": 5000, "ipConfig": {"mode": "dhcp"}}]);
        let r = request("CREATE", wukong(nets));
        assert!(!check(&r, &Settings::default()).accepted);
        let lenient = Settings {
            treat_as_warnings: vec!["vlan-out-of-range".into()],
            ..Settings::default()
        };
        let v = check(&r, &lenient);
        assert!(v.accepted, "{v:#?}");
        assert_eq!(v.diagnostics[0].severity, Severity::Warning);
        assert!(v.warnings[0].contains("[vlan-out-of-range]"));
    }

    #[test]
    fn wukong_settings() {
        let r = request("CREATE", wukong(good_networks()));
        let v = check(
            &r,
            &Settings {
                allowed_bridges: vec!["br-lab".into()],
                ..Settings::default()
            },
        );
        assert_eq!(v.diagnostics[0].code, Code::BridgeNotAllowed);
        assert_eq!(v.diagnostics[0].path, "spec.networks[0].bridgeName");
        assert!(
            check(
                &r,
                &Settings {
                    allowed_bridges: vec!["br-ext".into()],
                    ..Settings::default()
                }
            )
            .accepted
        );
        let v = check(
            &r,
            &Settings {
                allowed_physical_interfaces: vec!["ens224".into()],
                ..Settings::default()
            },
        );
        assert_eq!(v.diagnostics[0].code, Code::PhysicalInterfaceNotAllowed);
        assert!(
            check(
                &r,
                &Settings {
                    allowed_physical_interfaces: vec!["ens192".into()],
                    ..Settings::default()
                }
            )
            .accepted
        );
        let stat = json!([{"name": "external", "bridgeName": "br-ext", "physicalInterface": "ens192", "ipConfig": {"mode": "static", "address": "10.0.0.5/24"}}]);
        let r = request("CREATE", wukong(stat));
        assert!(check(&r, &Settings::default()).accepted);
        let v = check(
            &r,
            &Settings {
                allow_static_ip: false,
                ..Settings::default()
            },
        );
        assert_eq!(
            (v.diagnostics[0].code, v.diagnostics[0].path.as_str()),
            (Code::StaticIpNotAllowed, "spec.networks[0].ipConfig.mode")
        );
    }

    #[test]
    fn other_kinds_delete_and_metadata_updates_pass() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": "not even valid"}});
        assert!(check(&request("CREATE", pod), &Settings::default())
            .diagnostics
            .is_empty());
        let bad = wukong(json!([{"name": "BAD NAME"}]));
        assert!(!check(&request("CREATE", bad.clone()), &Settings::default()).accepted);
        assert!(check(&request("DELETE", bad.clone()), &Settings::default()).accepted);
        let mut update = request("UPDATE", bad.clone());
        update.old_object = bad.clone();
        assert!(
            check(&update, &Settings::default()).accepted,
            "metadata-only update"
        );
        update.old_object = wukong(good_networks());
        assert!(
            !check(&update, &Settings::default()).accepted,
            "spec changed"
        );
        let mut deleting = bad.clone();
        deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        update.object = deleting;
        assert!(
            check(&update, &Settings::default()).accepted,
            "being deleted"
        );
    }

    #[test]
    fn malformed_requests_are_rejected_clearly() {
        let v = check(
            &request("PATCH", wukong(good_networks())),
            &Settings::default(),
        );
        assert_eq!(v.diagnostics[0].code, Code::MalformedRequest);
        assert!(v.message.unwrap().contains("operation `PATCH`"));
        let mut r = request("CREATE", wukong(good_networks()));
        r.object = json!("text");
        let v = check(&r, &Settings::default());
        assert!(
            !v.accepted
                && v.message
                    .unwrap()
                    .contains("must be a mapping, not a string")
        );
        let v = check(
            &AdmissionRequest {
                operation: "CREATE".into(),
                ..AdmissionRequest::default()
            },
            &Settings::default(),
        );
        assert!(!v.accepted && v.diagnostics[0].path == "kind");
        // A Wukong whose fields have the wrong type is an object the core cannot read.
        let v = check(
            &request("CREATE", wukong(json!("eth0"))),
            &Settings::default(),
        );
        assert_eq!(v.diagnostics[0].code, Code::WrongType);
        assert!(!v.accepted);
    }

    #[test]
    fn payloads() {
        let payload = json!({"settings": {}, "request": {"uid": "1", "kind": {"group": "vm.novasphere.dev", "version": "v1alpha1", "kind": "Wukong"}, "operation": "CREATE", "namespace": "lab", "object": wukong(good_networks())}});
        assert!(validate_payload(payload.to_string().as_bytes(), &mut NoLookup).accepted);
        for (bad, says) in [
            (b"{not json".to_vec(), "not JSON"),
            (b"{}".to_vec(), "no `request`"),
            (
                json!({"settings": {"allowStatic": true}, "request": {}})
                    .to_string()
                    .into_bytes(),
                "invalid policy settings: unknown setting `allowStatic`",
            ),
            (
                json!({"request": {"kind": "Wukong"}})
                    .to_string()
                    .into_bytes(),
                "with an AdmissionRequest: invalid type",
            ),
            (
                json!({"settings": {}, "request": null})
                    .to_string()
                    .into_bytes(),
                "no `request`",
            ),
            (vec![0xff, 0xfe], "not JSON"),
        ] {
            let v = validate_payload(&bad, &mut NoLookup);
            assert!(!v.accepted);
            assert!(
                v.message.as_deref().unwrap_or("").contains(says),
                "{says}: {v:#?}"
            );
        }
    }

    #[test]
    fn documents_are_located() {
        let review = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  uid: x\n  kind: {group: vm.novasphere.dev, version: v1alpha1, kind: Wukong}\n  operation: CREATE\n  object:\n    apiVersion: vm.novasphere.dev/v1alpha1\n    kind: Wukong\n    metadata: {name: vm1, namespace: lab}\n    spec:\n      networks:\n      - name: ext\n        bridgeName: br-ext\n        physicalInterface: ens192\n        ipConfig: {mode: dhcp}\n        vlanId: 9999\n";
        let v = validate_document(review, None, &mut NoLookup);
        assert!(!v.accepted);
        let d = v
            .diagnostics
            .iter()
            .find(|d| d.code == Code::VlanOutOfRange)
            .unwrap();
        assert_eq!((d.line, d.path.as_str()), (17, "spec.networks[0].vlanId"));
        // A bare object is a CREATE; the settings argument wins.
        let bare = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: vm1}\nspec:\n  networks:\n  - name: ext\n    bridgeName: br-ext\n    physicalInterface: ens192\n    ipConfig: {mode: dhcp}\n";
        assert!(validate_document(bare, None, &mut NoLookup).accepted);
        let s = Settings {
            allowed_bridges: vec!["br0".into()],
            ..Settings::default()
        };
        let v = validate_document(bare, Some(&s), &mut NoLookup);
        let d = v
            .diagnostics
            .iter()
            .find(|d| d.code == Code::BridgeNotAllowed)
            .unwrap();
        assert_eq!((d.line, d.column), (7, 17));
        assert!(!v.accepted);
        let v = validate_document("a: [", None, &mut NoLookup);
        assert_eq!(v.diagnostics[0].code, Code::YamlSyntax);
        assert!(!v.accepted);
    }

    /// Found by fuzzing: the early rejections of a text were not located (line 0).
    #[test]
    fn early_rejections_of_a_text_are_located() {
        let v = validate_document("", None, &mut NoLookup);
        assert_eq!(
            (
                v.diagnostics[0].code,
                v.diagnostics[0].line,
                v.diagnostics[0].column
            ),
            (Code::MalformedRequest, 1, 1)
        );
        let text = "request: {}\nsettings:\n  allowStatic: true\n";
        let v = validate_document(text, None, &mut NoLookup);
        let d = &v.diagnostics[0];
        assert_eq!(
            (d.code, d.path.as_str(), d.line),
            (Code::MalformedRequest, "settings", 3),
            "{d:?}"
        );
    }

    /// What wukong-net renders must pass its own policy: every fixture's NADs and VM, with
    /// the NADs answering the context-aware lookups.
    #[test]
    fn rendered_manifests_pass_the_policy() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut rendered = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let report = crate::render(&std::fs::read_to_string(&path).unwrap());
            let aware = Settings {
                context_aware: true,
                ..Settings::default()
            };
            for m in &report.manifests {
                let nads: Vec<Value> = m
                    .network_attachment_definitions
                    .iter()
                    .map(|n| serde_json::to_value(n).unwrap())
                    .collect();
                let vm = serde_json::to_value(&m.virtual_machine).unwrap();
                for object in nads.iter().chain([&vm]) {
                    let v = validate(
                        &AdmissionRequest::create(object.clone()),
                        &Settings::default(),
                        &mut NoLookup,
                    );
                    assert!(
                        v.accepted && v.warnings.is_empty(),
                        "{}: {v:#?}",
                        path.display()
                    );
                }
                // Networks naming an existing NAD (nadName) have none rendered; give them one.
                let mut cluster = nads.clone();
                for net in vm["spec"]["template"]["spec"]["networks"]
                    .as_array()
                    .unwrap()
                {
                    if let Some(name) = net["multus"]["networkName"].as_str() {
                        cluster.push(json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": name, "namespace": vm["metadata"]["namespace"]}, "spec": {"config": "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\",\"bridge\":\"br0\",\"ipam\":{}}"}}));
                    }
                }
                let mut lookup = Resources::new(cluster);
                let v = validate(&AdmissionRequest::create(vm.clone()), &aware, &mut lookup);
                let static_on_ipam = v.diagnostics.iter().all(|d| d.code != Code::DhcpOnIpamNad);
                assert!(v.accepted && static_on_ipam, "{}: {v:#?}", path.display());
                rendered += 1;
            }
        }
        assert!(rendered >= 2, "the seed fixtures render");
    }

    #[test]
    fn resources_look_up_by_identity() {
        let (mut r, diags) = Resources::from_text("apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: a, namespace: lab}\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: a}\n");
        assert!(diags.is_empty());
        assert!(r
            .get(
                "k8s.cni.cncf.io/v1",
                "NetworkAttachmentDefinition",
                "lab",
                "a"
            )
            .unwrap()
            .is_some());
        assert!(r
            .get(
                "k8s.cni.cncf.io/v1",
                "NetworkAttachmentDefinition",
                "default",
                "a"
            )
            .unwrap()
            .is_some());
        assert!(r
            .get(
                "k8s.cni.cncf.io/v1",
                "NetworkAttachmentDefinition",
                "other",
                "a"
            )
            .unwrap()
            .is_none());
        assert!(r
            .get("v1", "NetworkAttachmentDefinition", "lab", "a")
            .unwrap()
            .is_none());
        let (mut list, _) = Resources::from_text("[{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]\n---\n{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}]}\n");
        assert!(list
            .get("v1", "ConfigMap", "default", "a")
            .unwrap()
            .is_some());
        assert!(list
            .get("v1", "ConfigMap", "default", "b")
            .unwrap()
            .is_some());
    }
}
