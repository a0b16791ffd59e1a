//! `check` over the manifests a KubeVirt user writes: every document of every file given to
//! one run, each by its kind, with the rules the policy applies at admission (the same
//! functions, default [`Settings`]), then the references between them (`cross_refs.rs`), and
//! every finding located in its file, also inside embedded documents (`embedded.rs`).
//!
//! Kinds (`kinds.rs`): Wukong, VirtualMachine, VirtualMachineInstance, the VM template of a
//! VirtualMachinePool and the VMI template of a VirtualMachineInstanceReplicaSet,
//! NetworkAttachmentDefinition, NodeNetworkConfigurationPolicy, a bare cloud-init
//! network-config; `kind: List` (and typed lists) and AdmissionReview/AdmissionRequest
//! wrappers are opened. Any other kind is skipped with an info-level `not-a-wukong`.

mod cross_refs;
pub(crate) mod embedded;
mod kinds;
mod topology;

pub use kinds::Kind;

use crate::admission::vm::{self, NadScope, VmFacts, VmObject, NAD_KIND};
use crate::admission::{cni, nncp, Resources, Settings};
use crate::checks::check_wukong;
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::json_path::JsonPath;
use crate::kubevirt_schema;
use crate::limits::Limits;
use crate::load::{load, Loaded};
use crate::network_config;
use crate::render::Report;
use crate::source::{self, Document, SpanMap, Stream};
use embedded::ScalarMap;
use serde_json::Value;
use std::collections::HashMap;

/// How deep wrappers (a List in a List, a review of a List) are opened.
const MAX_WRAPPING: usize = 4;

/// One object of the checked set.
pub(crate) struct Object<'a> {
    /// Index of its file in the input.
    pub file: usize,
    /// Index of its document in the file.
    pub doc: usize,
    /// Where it stands in its document (the root, `items[2]`, `request.object`).
    pub base: JsonPath,
    pub value: &'a Value,
    pub kind: Kind,
    /// `metadata.namespace`, or `default` (where kubectl puts it without a context namespace).
    pub namespace: String,
    pub name: String,
    /// For the KubeVirt kinds: what the cross-reference rules read.
    pub facts: Option<VmFacts>,
}

impl Object<'_> {
    /// `VirtualMachine lab/vm1`, for messages.
    pub fn describe(&self) -> String {
        let kind = self
            .value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or(match &self.kind {
                Kind::NetworkAttachmentDefinition => NAD_KIND,
                _ => "object",
            });
        if self.name.is_empty() {
            format!("the {kind} at {}", describe_path(&self.base))
        } else {
            format!("{kind} {}/{}", self.namespace, self.name)
        }
    }
}

fn describe_path(p: &JsonPath) -> String {
    if p.is_root() {
        "the document's root".to_string()
    } else {
        format!("`{p}`")
    }
}

/// Checks one text: [`check_set`] with a single file.
pub fn check(text: &str) -> Report {
    check_set(&[("", text)]).pop().unwrap_or_default()
}

/// Like [`check_set`], for raw bytes that may not be UTF-8 (a file that is not is reported,
/// not-utf8, and left out of the set), each read under `limits` (the CLI's are
/// [`Limits::STREAM`]).
pub fn check_set_bytes(inputs: &[(&str, &[u8])], limits: &Limits) -> Vec<Report> {
    let decoded: Vec<Result<&str, Diagnostic>> = inputs
        .iter()
        .map(|(_, b)| source::decode_with(b, limits))
        .collect();
    let texts: Vec<(&str, &str)> = inputs
        .iter()
        .zip(&decoded)
        .filter_map(|((name, _), d)| Some((*name, *d.as_ref().ok()?)))
        .collect();
    let mut checked = check_set_with(&texts, limits).into_iter();
    decoded
        .into_iter()
        .map(|d| match d {
            Ok(_) => checked.next().unwrap_or_default(),
            Err(d) => Report {
                diagnostics: vec![d],
                ..Report::default()
            },
        })
        .collect()
}

/// Checks every document of every file as one set: `(name, text)` in, one [`Report`] per
/// file out, in the same order, each with its findings located in its own text. Names only
/// appear in messages about another file's object.
pub fn check_set(inputs: &[(&str, &str)]) -> Vec<Report> {
    check_set_with(inputs, &Limits::OBJECT)
}

/// [`check_set`] with each text read under `limits`.
pub fn check_set_with(inputs: &[(&str, &str)], limits: &Limits) -> Vec<Report> {
    let streams: Vec<Stream> = inputs
        .iter()
        .map(|(_, text)| source::parse_with(text, limits))
        .collect();
    let mut reports: Vec<Report> = streams
        .iter()
        .map(|s| Report {
            diagnostics: s.diagnostics.clone(),
            ..Report::default()
        })
        .collect();

    let mut objects = Vec::new();
    for (file, stream) in streams.iter().enumerate() {
        for (doc, d) in stream.documents.iter().enumerate() {
            let mut found = Vec::new();
            open_wrappers(&d.value, JsonPath::root(), 0, &mut found);
            for (base, value) in found {
                objects.push(object(file, doc, base, value));
            }
        }
    }

    // The NADs of the set answer the VMs' lookups; one not among them is only information.
    let nads: Vec<Value> = objects
        .iter()
        .filter(|o| o.kind == Kind::NetworkAttachmentDefinition)
        .map(|o| {
            let mut nad = o.value.clone();
            // A fragment guessed to be a NAD is looked up like one.
            if let Value::Object(m) = &mut nad {
                m.entry("apiVersion").or_insert(vm::NAD_API_VERSION.into());
                m.entry("kind").or_insert(NAD_KIND.into());
            }
            nad
        })
        .collect();
    let mut lookup = Resources::new(nads);
    let settings = Settings::default();

    // Per object: (object index, finding with a path relative to the object, or located).
    let mut findings: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, o) in objects.iter_mut().enumerate() {
        let mut out = Vec::new();
        let stream = &streams[o.file];
        let doc = &stream.documents[o.doc];
        match &o.kind {
            Kind::Wukong => {
                // A document is loaded as it is; an object inside a wrapper, as a copy.
                let wrapped;
                let as_doc = if o.base.is_root() {
                    doc
                } else {
                    wrapped = Document {
                        value: o.value.clone(),
                        spans: SpanMap::default(),
                    };
                    &wrapped
                };
                if let Loaded::Wukong(w) = load(as_doc, &mut out) {
                    out.extend(check_wukong(&w));
                    reports[o.file].wukongs.push(*w);
                }
            }
            Kind::NetworkConfig => {
                out.extend(network_config::lint_document(doc, inputs[o.file].1).1);
            }
            Kind::NetworkAttachmentDefinition => cni::check_nad(o.value, &settings, &mut out),
            Kind::NodeNetworkConfigurationPolicy => nncp::check_nncp(o.value, &mut out),
            Kind::VirtualMachine
            | Kind::VirtualMachineInstance
            | Kind::VirtualMachinePool
            | Kind::VirtualMachineInstanceReplicaSet => {
                // The strict KubeVirt schema (unknown fields, wrong types) is for check only:
                // at admission the API server has validated fields already.
                if let Some(kind) = o.kind.kubevirt_name() {
                    kubevirt_schema::check(kind, o.value, &mut out);
                }
                let (template, is_instance) = vm_template(&o.kind);
                let template_path = JsonPath::parse(template);
                if let Some(object) = value_at(o.value, &template_path) {
                    let vm = VmObject {
                        object,
                        is_instance,
                        namespace: &o.namespace,
                    };
                    let mut found = Vec::new();
                    let scope = Some(NadScope::CheckedFiles);
                    let facts = vm::check_scoped(vm, &settings, scope, &mut lookup, &mut found);
                    out.extend(found.into_iter().map(|d| under(d, &template_path)));
                    o.facts = Some(facts.under(&template_path));
                }
            }
            Kind::Other(what) if o.value.is_object() => out.push(skipped(what)),
            Kind::Other(_) => {
                // Not a mapping: the loader says so (not-an-object).
                let as_doc = Document {
                    value: o.value.clone(),
                    spans: SpanMap::default(),
                };
                load(&as_doc, &mut out);
            }
        }
        findings.extend(out.into_iter().map(|d| (i, d)));
    }

    let names: Vec<&str> = inputs.iter().map(|(name, _)| *name).collect();
    cross_refs::check(&objects, &names, &mut findings);
    for (file, picture) in topology::of_set(&objects) {
        reports[file].vm_topologies.push(picture);
    }

    let mut embedded = EmbeddedCache::default();
    let mut budgets: HashMap<usize, usize> = HashMap::new();
    for (i, mut d) in findings {
        let o = &objects[i];
        let doc = &streams[o.file].documents[o.doc];
        locate(o, i, &mut d, doc, inputs[o.file].1, &mut embedded);
        if !d.fixes.is_empty() {
            let budget = budgets
                .entry(o.file)
                .or_insert_with(|| crate::fix::resolve::proof_budget(inputs[o.file].1.len()));
            resolve_fixes(o, &mut d, &streams[o.file], inputs[o.file].1, budget);
        }
        reports[o.file].diagnostics.push(d);
    }
    for r in &mut reports {
        r.diagnostics
            .sort_by_key(|d| (d.span.start, d.line, d.column));
    }
    reports
}

/// The objects a document holds: itself, or what its wrappers carry.
fn open_wrappers<'a>(
    value: &'a Value,
    base: JsonPath,
    depth: usize,
    out: &mut Vec<(JsonPath, &'a Value)>,
) {
    if depth < MAX_WRAPPING {
        let kind = value.get("kind").and_then(Value::as_str);
        // `kind: List` and typed lists (`VirtualMachineList`), as kubectl opens them.
        if let (Some(k), Some(Value::Array(items))) = (kind, value.get("items")) {
            if k.ends_with("List") {
                for (i, item) in items.iter().enumerate() {
                    open_wrappers(item, base.clone().key("items").index(i), depth + 1, out);
                }
                return;
            }
        }
        // An AdmissionReview (or a Kubewarden payload): its request's object.
        let request = value.get("request").filter(|r| r.is_object());
        if kind == Some("AdmissionReview") || (kind.is_none() && request.is_some()) {
            if let Some(object) = request.and_then(|r| r.get("object")) {
                let path = base.key("request").key("object");
                return open_wrappers(object, path, depth + 1, out);
            }
        }
        // A bare AdmissionRequest: its `kind` is a {group, version, kind} mapping.
        if value.get("kind").is_some_and(Value::is_object) || value.get("operation").is_some() {
            if let Some(object) = value.get("object") {
                return open_wrappers(object, base.key("object"), depth + 1, out);
            }
        }
        // A stream's top-level list of objects (as `Resources::from_text` reads it); a list
        // of anything else is one document that is not an object (one finding, not one per
        // item).
        if let Some(items) = value.as_array().filter(|a| a.iter().all(Value::is_object)) {
            for (i, item) in items.iter().enumerate() {
                open_wrappers(item, base.clone().index(i), depth + 1, out);
            }
            return;
        }
    }
    out.push((base, value));
}

fn object(file: usize, doc: usize, base: JsonPath, value: &Value) -> Object<'_> {
    let meta = |k: &str| {
        value
            .get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let kind = if value.is_object() {
        match Kind::of(value) {
            // A network-config is a whole document, linted with its own locations.
            Kind::NetworkConfig if !base.is_root() => {
                Kind::Other("a network-config inside another document".to_string())
            }
            k => k,
        }
    } else {
        Kind::Other(String::new())
    };
    let namespace = match meta("namespace") {
        ns if ns.is_empty() => "default".to_string(),
        ns => ns,
    };
    Object {
        file,
        doc,
        base,
        value,
        kind,
        namespace,
        name: meta("name"),
        facts: None,
    }
}

/// Where the VM rules read a KubeVirt object: the object itself, or its template; and
/// whether that is a VMI (its spec is `spec`) rather than a VM (`spec.template.spec`).
fn vm_template(kind: &Kind) -> (&'static str, bool) {
    match kind {
        Kind::VirtualMachinePool => ("spec.virtualMachineTemplate", false),
        Kind::VirtualMachineInstanceReplicaSet => ("spec.template", true),
        Kind::VirtualMachineInstance => ("", true),
        _ => ("", false),
    }
}

pub(crate) fn value_at<'a>(value: &'a Value, path: &JsonPath) -> Option<&'a Value> {
    path.segments().iter().try_fold(value, |v, s| match s {
        crate::json_path::Segment::Key(k) => v.get(k),
        crate::json_path::Segment::Index(i) => v.get(i),
    })
}

/// A finding on a template, moved to the object holding it.
fn under(mut d: Diagnostic, template: &JsonPath) -> Diagnostic {
    d.rebase(template);
    d
}

fn skipped(what: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::NotAWukong,
        "",
        format!("{what} is not a kind wukong-net checks; skipped"),
    )
    .with_hint("wukong-net checks Wukongs, KubeVirt VirtualMachines (and their instances, pools and replica sets), NetworkAttachmentDefinitions, NodeNetworkConfigurationPolicies and cloud-init network-configs");
    d.severity = Severity::Info;
    d
}

/// One embedded document: its own spans, and where its characters stand in the outer text.
type Embedded = (Option<SpanMap>, ScalarMap);

/// The embedded documents of an object, parsed and aligned once each.
#[derive(Default)]
struct EmbeddedCache {
    /// By (object, field path): the embedded document's spans (none when it does not
    /// parse) and its alignment with the outer text; none when the field is no string.
    fields: HashMap<(usize, String), Option<Embedded>>,
}

/// The string fields of an object that hold a document: a VM's cloud-init userData and
/// networkData, a NAD's `spec.config`. Paths are relative to the object.
fn embedded_fields(object: &Value, kind: &Kind) -> Vec<JsonPath> {
    let mut fields = Vec::new();
    match kind {
        Kind::NetworkAttachmentDefinition => {
            fields.push(JsonPath::root().key("spec").key("config"))
        }
        k if k.kubevirt_name().is_some() => {
            let (template, is_instance) = vm_template(k);
            let mut spec = JsonPath::parse(template).key("spec");
            if !is_instance {
                spec = spec.key("template").key("spec");
            }
            let volumes = value_at(object, &spec.clone().key("volumes")).and_then(Value::as_array);
            for (i, volume) in volumes.into_iter().flatten().enumerate() {
                for source_key in ["cloudInitNoCloud", "cloudInitConfigDrive"] {
                    for key in ["userData", "networkData"] {
                        let path = spec
                            .clone()
                            .key("volumes")
                            .index(i)
                            .key(source_key)
                            .key(key);
                        if volume
                            .get(source_key)
                            .and_then(|s| s.get(key))
                            .is_some_and(Value::is_string)
                        {
                            fields.push(path);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    fields
}

/// Locates a finding in its file: inside an embedded document by the document's own
/// position (kept by its linter) or path, mapped to the outer text; elsewhere by its path.
fn locate(
    o: &Object<'_>,
    index: usize,
    d: &mut Diagnostic,
    doc: &Document,
    text: &str,
    cache: &mut EmbeddedCache,
) {
    if d.line != 0 {
        return; // Located already (a bare network-config's linter).
    }
    let inside = embedded_span(o.value, &o.kind, &o.base, index, d, doc, text, cache);
    let full = o.base.clone().join(&JsonPath::parse(&d.path));
    d.path = full.to_string();
    let span = inside.unwrap_or_else(|| doc.spans.locate(&d.path, d.at_key));
    d.set_span(span);
}

/// A finding's fixes (patch paths relative to its object) resolved against its file: paths
/// from the document's root, embedded edits turned into whole-field replacements, and proven
/// text edits.
fn resolve_fixes(
    o: &Object<'_>,
    d: &mut Diagnostic,
    stream: &Stream,
    text: &str,
    budget: &mut usize,
) {
    d.rebase_fixes(&o.base);
    let Some(doc) = stream.documents.get(o.doc) else {
        d.fixes.clear();
        return;
    };
    let embedded: Vec<JsonPath> = embedded_fields(o.value, &o.kind)
        .into_iter()
        .map(|f| o.base.clone().join(&f))
        .collect();
    let source = crate::fix::resolve::Source {
        text,
        docs: &stream.documents,
        doc: o.doc,
    };
    d.fixes = crate::fix::resolve::resolve(
        std::mem::take(&mut d.fixes),
        &doc.value,
        &embedded,
        Some(&source),
        budget,
    );
}

/// For the admission shells (the policy): the fixes of findings about `object` (a VM, a NAD),
/// their paths relative to it, resolved into patches on the object (embedded edits become a
/// `replace` of the whole string field). No text edits: there is no text.
pub fn resolve_object_fixes(object: &Value, diagnostics: &mut [Diagnostic]) {
    let kind = Kind::of(object);
    let embedded = embedded_fields(object, &kind);
    let embedded_len: usize = embedded
        .iter()
        .filter_map(|f| value_at(object, f)?.as_str())
        .map(str::len)
        .sum();
    let mut budget = crate::fix::resolve::proof_budget(2 * embedded_len);
    for d in diagnostics.iter_mut().filter(|d| !d.fixes.is_empty()) {
        d.fixes = crate::fix::resolve::resolve(
            std::mem::take(&mut d.fixes),
            object,
            &embedded,
            None,
            &mut budget,
        );
    }
}

/// Where a finding of an object at `base` in `doc` stands in `text`, when it is inside one of
/// the object's embedded documents (its path, relative to the object, continues the field's).
/// `None`: elsewhere, or about the field as a whole (located by its path).
#[allow(clippy::too_many_arguments)]
fn embedded_span(
    object: &Value,
    kind: &Kind,
    base: &JsonPath,
    index: usize,
    d: &Diagnostic,
    doc: &Document,
    text: &str,
    cache: &mut EmbeddedCache,
) -> Option<Span> {
    let relative = JsonPath::parse(&d.path);
    let (field, rest) = embedded_fields(object, kind)
        .into_iter()
        .find_map(|f| relative.strip_prefix(&f).map(|rest| (f, rest)))?;
    // The embedded linter's own position (see admission/vm/cloud_init.rs: rebase).
    let inner_span = d.span;
    let field_path = base.clone().join(&field).to_string();
    let entry = cache
        .fields
        .entry((index, field_path.clone()))
        .or_insert_with(|| {
            let inner = value_at(object, &field)?.as_str()?;
            let node = doc.spans.get(&field_path)?.value;
            let spans = source::parse(inner)
                .documents
                .into_iter()
                .next()
                .map(|d| d.spans);
            Some((spans, ScalarMap::new(text, node, inner)))
        });
    let (spans, map) = entry.as_ref()?;
    let inner = if inner_span != Span::default() {
        inner_span
    } else if rest.is_root() {
        // A finding about the embedded document as a whole stands at its first node (the
        // JSON's `{`, networkData's first key), not at the block indicator or quote before it;
        // an empty or unreadable document at the field itself.
        // Underlined to the end of its line, as a finding about the whole document reads.
        let root = Some(spans.as_ref()?.root).filter(|r| *r != Span::default())?;
        let inner_text = value_at(object, &field)?.as_str()?;
        let line_end = inner_text
            .get(root.start..)
            .and_then(|t| t.find(['\n', '\r']))
            .map_or(inner_text.len(), |i| root.start + i);
        Span {
            end: line_end.max(root.end),
            ..root
        }
    } else {
        spans.as_ref()?.locate(&rest.to_string(), d.at_key)
    };
    Some(map.map(text, inner))
}

/// For the admission shells that have the text (`admit`, the previewer's policy panel): where
/// a finding about the object at `base` of `doc` stands, when it is inside an embedded
/// document (networkData, userData, a NAD's `spec.config`). The finding's path is relative to
/// the object, as the policy reports it.
pub fn locate_embedded(
    text: &str,
    doc: &Document,
    base: &JsonPath,
    d: &Diagnostic,
) -> Option<Span> {
    let object = value_at(&doc.value, base)?;
    let kind = Kind::of(object);
    embedded_span(
        object,
        &kind,
        base,
        0,
        d,
        doc,
        text,
        &mut EmbeddedCache::default(),
    )
}

#[cfg(test)]
mod tests;
