//! Writing YAML and JSON: always through a serializer. serde-saphyr quotes every string that a
//! YAML 1.1 reader (PyYAML, which cloud-init uses) would take for something else: MACs like
//! 52:54:00:12:34:56 (sexagesimal integers there), on/off/yes/no, numeric-looking names.

use serde::Serialize;

/// One YAML document (no leading `---`).
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    // Our output types are plain structs, maps, strings, numbers and booleans: they always
    // serialize. An error here would be a bug; fall back to JSON (valid YAML) rather than panic.
    serde_saphyr::to_string(value).unwrap_or_else(|_| to_json(value))
}

/// A YAML stream: each item a whole document produced by the serializer, separated by the
/// document marker.
pub fn to_yaml_stream<T: Serialize>(items: &[T]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str("---\n");
        out.push_str(&to_yaml(item));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}
