//! Parsed documents to typed Wukongs: type errors and unknown fields become located
//! diagnostics, and documents of other kinds are told apart.

use crate::diagnostic::{Code, Diagnostic};
use crate::json_type::type_name;
use crate::model::{Wukong, API_GROUP, API_VERSION, KIND};
use crate::source::{join_index, join_key, Document};
use serde_json::Value;

mod error_path;
mod known_fields;
use known_fields::KNOWN;

// Re-exported: the CLI and the admission settings name it here.
pub use crate::suggest::closest;

/// What a document is.
pub enum Loaded {
    Wukong(Box<Wukong>),
    /// A document of another kind (skipped with a warning).
    Other,
    /// A Wukong that does not deserialize; the diagnostics say why.
    Broken,
}

/// Reads one document as a Wukong. Diagnostics are returned unlocated (path only).
pub fn load(doc: &Document, diagnostics: &mut Vec<Diagnostic>) -> Loaded {
    let Value::Object(obj) = &doc.value else {
        diagnostics.push(
            Diagnostic::new(
                Code::NotAnObject,
                "",
                format!("expected a Kubernetes object (a mapping), found {}", type_name(&doc.value)),
            )
            .with_hint("start the document with `apiVersion: vm.novasphere.dev/v1alpha1` and `kind: Wukong`"),
        );
        return Loaded::Broken;
    };
    let api_version = obj.get("apiVersion").and_then(Value::as_str);
    let kind = obj.get("kind").and_then(Value::as_str);
    let is_wukong = match (api_version, kind) {
        (Some(API_VERSION), Some(KIND)) => true,
        (Some(v), Some(KIND)) if v.starts_with(API_GROUP) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::WrongType,
                    "apiVersion",
                    format!("unsupported Wukong version `{v}`"),
                )
                .with_hint(format!("write `apiVersion: {API_VERSION}`")),
            );
            return Loaded::Broken;
        }
        // A bare spec (no apiVersion and kind) is read as a Wukong: handy for snippets.
        (None, None) => obj.contains_key("spec"),
        _ => false,
    };
    if !is_wukong {
        let what = match (api_version, kind) {
            (Some(v), Some(k)) => format!("{k} ({v})"),
            _ => "a document without apiVersion and kind".to_string(),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::NotAWukong,
                "",
                format!("{what} is not a Wukong; skipped"),
            )
            .with_hint(format!(
                "wukong-net reads `apiVersion: {API_VERSION}`, `kind: {KIND}`"
            )),
        );
        return Loaded::Other;
    }

    for path in unknown_fields(&doc.value) {
        diagnostics.push(unknown_field(&path));
    }
    let result = <Wukong as serde::Deserialize>::deserialize(&doc.value);
    match result {
        Ok(w) => Loaded::Wukong(Box::new(w)),
        Err(e) => {
            let (path, e) = error_path::locate(&doc.value, e);
            diagnostics.push(type_error(&path, &e.to_string()));
            Loaded::Broken
        }
    }
}

/// Keys of a Wukong document that the model does not read (serde would ignore them), as paths
/// in document order. A walk of the value against [`KNOWN`] rather than serde_ignored's wrapper,
/// which compiled every Deserialize impl of the model a second time (4 KB of the npm wasm).
pub fn unknown_fields(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_unknown(value, "", "", &mut out);
    out
}

fn walk_unknown(value: &Value, path: &str, shape: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // No entry: an object that takes any key (metadata), or not a struct at all.
            let Some(known) = known_fields(shape) else {
                return;
            };
            for (key, sub) in map {
                let sub_path = join_key(path, key);
                if known.contains(&key.as_str()) {
                    let sub_shape = if shape.is_empty() {
                        key.clone()
                    } else {
                        format!("{shape}.{key}")
                    };
                    walk_unknown(sub, &sub_path, &sub_shape, out);
                } else {
                    out.push(sub_path);
                }
            }
        }
        Value::Array(items) => {
            let item_shape = format!("{shape}[]");
            // Not a list of structs: nothing below has fields to check.
            if known_fields(&item_shape).is_none() {
                return;
            }
            for (i, item) in items.iter().enumerate() {
                walk_unknown(item, &join_index(path, i), &item_shape, out);
            }
        }
        _ => {}
    }
}

fn known_fields(shape: &str) -> Option<&'static [&'static str]> {
    KNOWN
        .iter()
        .find(|(s, _)| *s == shape)
        .map(|(_, keys)| *keys)
}

fn unknown_field(path: &str) -> Diagnostic {
    let (parent, key) = match path.rfind('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    };
    let shape: String = strip_indices(parent);
    let suggestion = known_fields(&shape).and_then(|keys| closest(key, keys));
    let d = Diagnostic::new(
        Code::UnknownField,
        path,
        format!("unknown field `{key}`; it is ignored"),
    )
    .at_key();
    match suggestion {
        Some(s) => d
            .with_hint(format!("did you mean `{s}`?"))
            .with_fix(crate::fix::rename_key(path, s)),
        None => d.with_hint("remove it, or check the spelling against the Wukong API"),
    }
}

fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// Where and why `value` does not deserialize as a Wukong (None when it does): the path of the
/// failing value (of the struct, for a missing field) and serde's message. Without
/// serde_path_to_error, whose wrapper compiled the model's Deserialize impls a second time.
pub fn wukong_error(value: &Value) -> Option<(String, String)> {
    let e = <Wukong as serde::Deserialize>::deserialize(value).err()?;
    let (path, e) = error_path::locate(value, e);
    Some((path, e.to_string()))
}

/// The diagnostic of a deserialization error `msg` at `path` (see `error_path::locate`).
fn type_error(path: &str, msg: &str) -> Diagnostic {
    let path = path.to_string();
    // serde_json appends " at line L column C" for text input; our input is a Value, so no.
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let full = join_key(&path, field);
        let (code, hint) = if field == "mode" && path.ends_with(".ipv6") {
            (
                Code::InvalidIpMode,
                "write `mode: slaac` (router advertisements), `mode: dhcp` (DHCPv6), `mode: static` or `mode: disabled`"
                    .to_string(),
            )
        } else if field == "mode" {
            (
                Code::InvalidIpMode,
                "write `mode: dhcp` (address from the network's DHCP server), `mode: static` or `mode: disabled`"
                    .to_string(),
            )
        } else {
            (Code::MissingField, format!("add `{field}:` here"))
        };
        return Diagnostic::new(code, full, format!("missing required field `{field}`"))
            .with_hint(hint);
    }
    let field = path.rsplit(['.', '[']).next().unwrap_or("");
    let (code, hint) = match field {
        "mode" if path.ends_with(".ipv6.mode") => (
            Code::InvalidIpMode,
            "write `mode: slaac`, `mode: dhcp`, `mode: static` or `mode: disabled`".to_string(),
        ),
        "mode" => (
            Code::InvalidIpMode,
            "write `mode: dhcp`, `mode: static` or `mode: disabled`".to_string(),
        ),
        "type" if path.starts_with("spec.networks") => (
            Code::WrongType,
            "write one of bridge, macvlan, sriov, ovs".to_string(),
        ),
        _ => (
            Code::WrongType,
            "check this value against the Wukong API (see config/crd/)".to_string(),
        ),
    };
    Diagnostic::new(
        code,
        path.clone(),
        format!("`{path}`: {}", tidy_serde_message(msg)),
    )
    .with_hint(hint)
}

/// serde speaks Rust ("expected i64", "struct Network"); users write YAML.
fn tidy_serde_message(msg: &str) -> String {
    let msg = match msg.find("expected struct ") {
        Some(i) => format!("{}expected a mapping", &msg[..i]),
        None => msg.to_string(),
    };
    msg.replace("expected i64", "expected an integer")
        .replace("expected a boolean", "expected true or false")
        .replace("a sequence", "a list")
        .replace("invalid type: map", "invalid type: mapping")
}
