//! The network-config linter: a cloud-init network-config in Netplan v2 form (`network:
//! {version: 2, ...}` or the bare `version: 2` form), checked against what its two real readers
//! do with it: netplan (`netplan generate`, 0.106 and later) and cloud-init's own renderers
//! (22.4: sysconfig, networkd, eni), which read the YAML with PyYAML (YAML 1.1).
//!
//! This is the project's one network-config parser: `wukong-net check` uses it for bare
//! network-configs, the admission policy for every VM `networkData`, the previewer through the
//! core's `check`. Paths are relative to the document (`network.ethernets.eth0.dhcp4`).
//!
//! Rule groups, one file each: `fields` (keys, types and values against `schema`),
//! `yaml11_traps` (what PyYAML makes of them, by `yaml11`), `structure` (version, sections, references between devices, required keys),
//! `values` (addresses, routes, MACs, MTU, IDs), `glob` (`match.name` globs), `backend` (what netplan refuses for the
//! networkd backend), `portability` (what only one of the consumers accepts).

mod backend;
mod fields;
mod glob;
mod portability;
mod scalars;
pub mod schema;
mod structure;
mod values;
pub mod yaml11;
mod yaml11_traps;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::{self, join_key, Document};
use serde_json::{Map, Value};

pub use glob::glob_match;
pub use yaml11::{looks_like_mac, sexagesimal as yaml11_sexagesimal};

/// One device definition (an entry of `ethernets`, `bonds`, ...), as netplan reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    /// The section it is defined in (`ethernets`, `bonds`, ...).
    pub section: &'static str,
    /// The key under the section: netplan's ID (the interface name, or any label with `match`).
    pub id: String,
    /// Path of the entry in the document, e.g. `network.ethernets.eth0`.
    pub path: String,
    /// `match.macaddress` as written, when it is text.
    pub match_mac: Option<String>,
    /// `match.name` (may be a glob such as `en*`).
    pub match_name: Option<String>,
    /// True when the entry has a `match` mapping at all.
    pub has_match: bool,
    /// `set-name`.
    pub set_name: Option<String>,
    /// `dhcp4` as netplan reads it (true, yes, on, y in any case).
    pub dhcp4: bool,
    pub dhcp6: bool,
    /// The static `addresses` (the CIDR text of each entry).
    pub addresses: Vec<String>,
}

impl Device {
    /// True when the entry gives the NIC an address: by DHCP or statically.
    pub fn configures_address(&self) -> bool {
        self.dhcp4 || self.dhcp6 || !self.addresses.is_empty()
    }

    /// Whether this entry applies to a NIC with this guest name (`match.name` globs, or the
    /// entry id when there is no `match`). Entries matched by MAC are not decided by name.
    pub fn applies_to_name(&self, name: &str) -> bool {
        match (&self.match_name, self.has_match) {
            (Some(pattern), _) if self.match_mac.is_none() => {
                glob::within_limit(pattern) && glob_match(pattern, name)
            }
            (None, false) => self.id == name,
            _ => false,
        }
    }
}

/// A network-config that is version 2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkConfig {
    /// `version` (2).
    pub version: Option<i64>,
    /// `network.` when the document wraps the config in `network:`, else empty.
    pub prefix: String,
    /// The entries of `ethernets`: the NICs a guest has, which admission matches its VM's
    /// interfaces against.
    pub ethernets: Vec<Device>,
    /// Every device of every section (ethernets included), in document order.
    pub devices: Vec<Device>,
}

/// The outcome of linting network-config text: the config when it is v2 and readable, the
/// document (for locations) and every finding, located in the text.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub config: Option<NetworkConfig>,
    pub document: Option<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and lints network-config text (its first document).
pub fn parse(text: &str) -> Parsed {
    let mut stream = source::parse(text);
    let mut out = Parsed {
        diagnostics: std::mem::take(&mut stream.diagnostics),
        ..Parsed::default()
    };
    if !out.diagnostics.is_empty() {
        return out;
    }
    let Some(doc) = stream.documents.into_iter().next() else {
        out.diagnostics.push(
            Diagnostic::new(Code::NetworkDataInvalid, "", "the network-config is empty")
                .with_hint("write `network: {version: 2, ethernets: {...}}`")
                // Nothing to point at but the start (found by fuzzing: it was unlocated).
                .with_span(Span::START),
        );
        return out;
    };
    let (config, diagnostics) = lint_document(&doc, text);
    out.config = config;
    out.diagnostics = diagnostics;
    out.document = Some(doc);
    out
}

/// Whether a document is a cloud-init network-config rather than a Kubernetes object: a
/// `network:` mapping, or a top-level `version` (the bare form cloud-init and KubeVirt accept),
/// without `apiVersion`/`kind`.
pub fn is_network_config(value: &Value) -> bool {
    let Value::Object(top) = value else {
        return false;
    };
    if top.contains_key("apiVersion") || top.contains_key("kind") || top.contains_key("spec") {
        return false;
    }
    matches!(top.get("network"), Some(Value::Object(_))) || top.contains_key("version")
}

/// Lints one parsed document; `text` is the source its spans point into. Returns the config
/// (when it is version 2) and the located findings, in source order.
pub fn lint_document(doc: &Document, text: &str) -> (Option<NetworkConfig>, Vec<Diagnostic>) {
    let mut lint = Lint {
        text,
        doc,
        out: Vec::new(),
    };
    let config = lint.run();
    let mut out = lint.out;
    doc.spans.locate_all(&mut out);
    out.sort_by_key(|d| (d.span.start, d.line, d.column));
    (config, out)
}

/// One run over one document.
pub(crate) struct Lint<'a> {
    pub text: &'a str,
    pub doc: &'a Document,
    pub out: Vec<Diagnostic>,
}

/// The config mapping and where it sits.
pub(crate) struct Root<'a> {
    pub config: &'a Map<String, Value>,
    /// `network` or empty.
    pub prefix: &'static str,
}

impl Root<'_> {
    pub fn path(&self, key: &str) -> String {
        join_key(self.prefix, key)
    }
}

impl<'a> Lint<'a> {
    fn run(&mut self) -> Option<NetworkConfig> {
        let root = structure::root(self)?;
        let version_ok = structure::version(self, &root);
        // Another version is another format: nothing below applies to it.
        if !version_ok && root.config.contains_key("version") {
            return None;
        }
        fields::top(self, &root);
        let devices = structure::devices(&root);
        structure::references(self, &root, &devices);
        glob::check(self, &devices);
        values::check(self, &root, &devices);
        backend::check(self, &root, &devices);
        portability::check(self, &root, &devices);
        version_ok.then(|| {
            let devices: Vec<Device> = devices.into_iter().map(|d| d.device).collect();
            NetworkConfig {
                version: Some(2),
                prefix: if root.prefix.is_empty() {
                    String::new()
                } else {
                    format!("{}.", root.prefix)
                },
                ethernets: devices
                    .iter()
                    .filter(|d| d.section == "ethernets")
                    .cloned()
                    .collect(),
                devices,
            }
        })
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// A scalar's text as written, and whether it was plain (unquoted). Numbers, booleans and
    /// nulls come back as their source text, so `0x10` stays `0x10`, as netplan reads it.
    pub fn scalar(&self, path: &str, v: &Value) -> Option<Scalar> {
        let from_value = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            Value::Array(_) | Value::Object(_) => return None,
        };
        let node = self.doc.spans.get(path);
        let raw = node
            .filter(|n| n.plain_scalar)
            .and_then(|n| self.text.get(n.value.start..n.value.end))
            .filter(|r| !r.starts_with(['*', '&', '!']));
        Some(match (raw, v) {
            // A plain string whose text differs from its value carries a tag (`!!str 010`):
            // PyYAML honours the tag, so it is a string to everyone.
            (Some(r), Value::String(s)) if r != s => Scalar {
                text: s.clone(),
                plain: false,
            },
            (Some(r), _) => Scalar {
                text: r.to_string(),
                plain: true,
            },
            // `key:` with nothing after it is a plain null.
            (None, Value::Null) => Scalar {
                text: String::new(),
                plain: node.is_none_or(|n| n.value.start == n.value.end),
            },
            (None, _) => Scalar {
                text: from_value,
                plain: false,
            },
        })
    }

    /// Whether the key of the node at `path` was written without quotes.
    pub fn key_is_plain(&self, path: &str) -> bool {
        self.doc
            .spans
            .get(path)
            .and_then(|n| n.key)
            .and_then(|k| self.text.get(k.start..k.end))
            .is_some_and(|k| !k.starts_with(['"', '\'']))
    }
}

/// A scalar as written.
#[derive(Debug, Clone)]
pub(crate) struct Scalar {
    pub text: String,
    pub plain: bool,
}

/// A device with the raw value the checks read.
pub(crate) struct DeviceRef<'a> {
    pub device: Device,
    pub section: &'static schema::Section,
    pub value: &'a Map<String, Value>,
}

/// A boolean as netplan reads it (`g_ascii_strcasecmp` against true/on/yes/y, false/off/no/n).
pub fn netplan_bool(text: &str) -> Option<bool> {
    let t = text.to_ascii_lowercase();
    match t.as_str() {
        "true" | "on" | "yes" | "y" => Some(true),
        "false" | "off" | "no" | "n" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
