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

mod base64;
pub mod cni;
mod lookup;
mod mutate;
pub mod nncp;
mod object_limits;
mod request;
mod rule_helpers;
pub mod settings;
mod verdict;
pub mod vm;
mod wukong;

pub use lookup::{NoLookup, ResourceLookup, Resources};
pub use mutate::repair_warning;
pub use request::{AdmissionRequest, GroupVersionKind, Target};
pub use settings::{settings_from_text, validate_settings, Settings, SettingsTextError};
pub use verdict::{describe_finding, Verdict, REJECT_CODE};

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::json_path::JsonPath;
use crate::json_type::type_name;
use crate::source;
use object_limits::object_limits;
use request::{describe, namespace_of};
use serde::Deserialize;
use serde_json::Value;
use verdict::{malformed, rejected, verdict};

/// The decision for one request; with the `mutate` setting, possibly the acceptance of a
/// repaired object ([`mutate`]).
pub fn validate(
    request: &AdmissionRequest,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
) -> Verdict {
    if !settings.mutate {
        return decide(request, settings, lookup);
    }
    let mut lookup = mutate::Remembered::new(lookup);
    let usual = decide(request, settings, &mut lookup);
    mutate::repaired(request, usual, &mut |r| decide(r, settings, &mut lookup))
}

fn decide(
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
                type_name(&request.object)
            ),
        )];
    }
    if let Some(d) = object_limits(&request.object) {
        return vec![d];
    }
    // Metadata-only updates (finalizers, labels) and objects being deleted pass, so a
    // controller can always finish with an object that predates the policy. For VMs and VMIs,
    // whose specs KubeVirt and virtctl change themselves (runStrategy, hotplugged volumes), only
    // a change to the networking this policy checks is checked again.
    if request.operation == "UPDATE"
        && (request.object.get("spec") == request.old_object.get("spec")
            || request
                .object
                .get("metadata")
                .and_then(|m| m.get("deletionTimestamp"))
                .is_some_and(|t| !t.is_null())
            || (matches!(
                target,
                Target::VirtualMachine | Target::VirtualMachineInstance
            ) && vm::networking(&request.object) == vm::networking(&request.old_object)))
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    match target {
        Target::Wukong => wukong::check(&request.object, settings, &mut out),
        Target::NetworkAttachmentDefinition => cni::check_nad(&request.object, settings, &mut out),
        Target::VirtualMachine | Target::VirtualMachineInstance => {
            let namespace = namespace_of(request);
            let vm = vm::VmObject {
                object: &request.object,
                is_instance: target == Target::VirtualMachineInstance,
                namespace: &namespace,
            };
            vm::check(vm, settings, lookup, &mut out);
        }
    }
    out
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
    validate_parsed(text, &doc, settings, lookup)
}

/// What the policy answers for each document of `text` it would be asked about, in order:
/// every request, and every bare object of a kind the policy is registered for (Wukong, NAD,
/// VirtualMachine, VirtualMachineInstance; the API server sends it no other), each with the
/// object it is about (`VirtualMachine lab/vm1`). A text that does not parse gets one verdict,
/// about `the text`. For the previewer, where a VM and its NADs are pasted together.
pub fn validate_documents(
    text: &str,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
) -> Vec<(String, Verdict)> {
    let stream = source::parse(text);
    if !stream.diagnostics.is_empty() {
        let v = verdict(stream.diagnostics, settings, "the text");
        return vec![("the text".to_string(), v)];
    }
    stream
        .documents
        .iter()
        .filter_map(|doc| {
            let is_request = doc.value.get("request").is_some()
                || doc.value.get("operation").is_some()
                || doc.value.get("object").is_some();
            let bare = AdmissionRequest::create(doc.value.clone());
            if !is_request && Target::of(&bare.kind).is_none() {
                return None;
            }
            let what = if is_request {
                "the request".to_string()
            } else {
                format!("{} {}", bare.kind.kind, describe_name(&bare))
            };
            Some((what, validate_parsed(text, doc, Some(settings), lookup)))
        })
        .collect()
}

/// `namespace/name` of a bare object (`default` when it names no namespace, as kubectl does).
fn describe_name(request: &AdmissionRequest) -> String {
    let meta = |k: &str| {
        request
            .object
            .pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_str)
    };
    let name = meta("name")
        .filter(|n| !n.is_empty())
        .unwrap_or("(no name)");
    format!("{}/{name}", meta("namespace").unwrap_or("default"))
}

/// [`validate_document`] of one parsed document of `text`.
fn validate_parsed(
    text: &str,
    doc: &source::Document,
    settings: Option<&Settings>,
    lookup: &mut dyn ResourceLookup,
) -> Verdict {
    let (request_path, object_path) = if doc.value.get("request").is_some() {
        ("request", JsonPath::root().key("request").key("object"))
    } else if doc.value.get("operation").is_some() || doc.value.get("object").is_some() {
        ("", JsonPath::root().key("object"))
    } else {
        ("", JsonPath::root())
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
    let request = if object_path.is_root() {
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
        // A finding inside an embedded document (networkData, a NAD's config) stands where
        // it is in the text, not at its field.
        if d.code != Code::MalformedRequest {
            if let Some(span) = crate::manifest::locate_embedded(text, doc, &object_path, d) {
                d.set_span(span);
                continue;
            }
        }
        // The request's own problems are already paths into the text; findings are inside
        // its object.
        let full = if d.code == Code::MalformedRequest {
            d.path.clone()
        } else {
            object_path
                .clone()
                .join(&JsonPath::parse(&d.path))
                .to_string()
        };
        let span = doc.spans.locate(&full, d.at_key);
        d.set_span(span);
    }
    verdict
}

#[cfg(test)]
mod tests;
