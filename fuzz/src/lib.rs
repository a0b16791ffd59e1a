//! The invariants the fuzz targets assert, as plain functions: the targets call them on what
//! libFuzzer generates, and `tests/regressions.rs` calls them on the committed seeds and on every
//! input that once failed, on the stable toolchain.
//!
//! A broken invariant panics with a message saying which one; libFuzzer records the input.

#![allow(clippy::unwrap_used)]

use serde_json::Value;
use wukong_net::admission;
use wukong_net::diagnostic::{Code, Diagnostic, Severity};
use wukong_net::network_config::yaml11::{self, Resolved, READERS};
use wukong_net::source::{self, join_index, join_key, SpanMap};

/// A fuzz target: it panics on a broken invariant.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz_targets/NAME.rs` runs it.
pub const TARGETS: &[(&str, Target)] = &[
    ("core_text", core_text),
    ("policy_validate", policy_validate),
    ("network_inputs", network_inputs),
];

/// Target `core_text`: the core's text entry on arbitrary bytes, `check` and `render` alike.
pub fn core_text(data: &[u8]) {
    let checked = wukong_net::check_bytes(data);
    let rendered = wukong_net::render_bytes(data);
    assert_eq!(
        checked.diagnostics, rendered.diagnostics,
        "check and render disagree on the findings"
    );
    assert_eq!(
        checked.wukongs, rendered.wukongs,
        "check and render disagree on the model"
    );
    diagnostics_located(data, &rendered.diagnostics);
    if rendered.has_errors() {
        assert!(
            rendered.manifests.is_empty(),
            "manifests rendered despite errors"
        );
        return;
    }
    assert_eq!(
        rendered.manifests.len(),
        rendered.wukongs.len(),
        "one set of manifests per Wukong"
    );
    for (w, m) in rendered.wukongs.iter().zip(&rendered.manifests) {
        model_round_trips(w, m);
        manifests_read_back(w, m);
    }
}

/// Target `policy_validate`: the Kubewarden policy's `validate` payload on arbitrary bytes,
/// through the function the wasm export calls (`admission::validate_payload`), with the
/// fixture cluster of policy/test_data answering context-aware lookups; and, for text, the
/// same decision as the CLI's and JS binding's `admit` make it (`admission::validate_document`).
pub fn policy_validate(data: &[u8]) {
    let mut cluster = admission::Resources::new(cluster_objects());
    let verdict = admission::validate_payload(data, &mut cluster);
    verdict_consistent(&verdict, "validate_payload");
    for d in &verdict.diagnostics {
        assert!(
            well_formed_path(&d.path),
            "{d:?}: path `{}` is not a path",
            d.path
        );
    }
    let again =
        admission::validate_payload(data, &mut admission::Resources::new(cluster_objects()));
    assert_eq!(again, verdict, "validate_payload is not deterministic");
    if let Ok(text) = std::str::from_utf8(data) {
        let located = admission::validate_document(
            text,
            None,
            &mut admission::Resources::new(cluster_objects()),
        );
        verdict_consistent(&located, "validate_document");
        diagnostics_located(data, &located.diagnostics);
    }
}

/// policy/test_data/cluster.json: the NADs context-aware checks look up.
fn cluster_objects() -> Vec<Value> {
    static OBJECTS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    OBJECTS
        .get_or_init(|| {
            serde_json::from_str(include_str!("../../policy/test_data/cluster.json")).unwrap()
        })
        .clone()
}

/// What Kubewarden is told agrees with the findings: rejected exactly when an error remains
/// (after the settings' demotions), with HTTP 400 and a message naming every error's code;
/// each warning reported; every finding has a stable code and its code's severity or, demoted,
/// a warning's.
pub fn verdict_consistent(v: &admission::Verdict, what: &str) {
    let errors: Vec<&Diagnostic> = v.diagnostics.iter().filter(|d| d.is_error()).collect();
    let warnings = v
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    assert_eq!(
        v.accepted,
        errors.is_empty(),
        "{what}: accepted={} with errors {errors:#?}",
        v.accepted
    );
    assert_eq!(v.warnings.len(), warnings, "{what}: {v:#?}");
    if v.accepted {
        assert_eq!((v.code, &v.message), (None, &None), "{what}: {v:#?}");
    } else {
        assert_eq!(v.code, Some(admission::REJECT_CODE), "{what}: {v:#?}");
        let message = v.message.as_deref().unwrap_or("");
        for d in &errors {
            assert!(
                message.contains(&format!("[{}]", d.code)),
                "{what}: the message leaves out {}: {message}",
                d.code
            );
        }
    }
    for d in &v.diagnostics {
        assert_eq!(
            Code::from_name(d.code.as_str()),
            Some(d.code),
            "{what}: {d:?}"
        );
        assert!(!d.message.is_empty(), "{what}: {d:?}: no message");
        let demoted = d.code.severity() == Severity::Error && d.severity == Severity::Warning;
        assert!(
            d.severity == d.code.severity() || demoted,
            "{what}: {d:?}: severity other than its code's"
        );
    }
}

/// `a.b[2]["x y"].c`: what `source::join_key`/`join_index` build.
pub fn well_formed_path(path: &str) -> bool {
    let mut rest = path;
    let mut first = true;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else { return false };
            let inside = &r[..end];
            if inside.starts_with('"') {
                // A quoted key: a JSON string, which may itself contain `]`.
                let mut de = serde_json::Deserializer::from_str(r).into_iter::<String>();
                match de.next() {
                    Some(Ok(_)) => {
                        let used = de.byte_offset();
                        let Some(after) = r[used..].strip_prefix(']') else {
                            return false;
                        };
                        rest = after;
                    }
                    _ => return false,
                }
            } else {
                if inside.is_empty() || !inside.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
                rest = &r[end + 1..];
            }
        } else {
            let r = if first {
                rest
            } else if let Some(r) = rest.strip_prefix('.') {
                r
            } else {
                return false;
            };
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let key = &r[..end];
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return false;
            }
            rest = &r[end..];
        }
        first = false;
    }
    true
}

/// Target `network_inputs`: the two texts the policy parses inside objects, on arbitrary bytes:
/// cloud-init network-config (a VM's networkData; the network-config linter) and a NAD's
/// `spec.config` (CNI JSON).
pub fn network_inputs(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = wukong_net::network_config::parse(text);
    diagnostics_located(data, &parsed.diagnostics);
    let again = wukong_net::network_config::parse(text);
    assert_eq!(
        again.diagnostics, parsed.diagnostics,
        "network-config linting is not deterministic"
    );
    if parsed.diagnostics.iter().any(|d| {
        matches!(
            d.code,
            Code::YamlSyntax | Code::TooDeep | Code::TooManyNodes | Code::InputTooLarge
        )
    }) {
        assert!(
            parsed.config.is_none(),
            "a network-config that does not parse yields devices"
        );
    }

    let nad = serde_json::json!({
        "apiVersion": "k8s.cni.cncf.io/v1",
        "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": "fuzz", "namespace": "lab"},
        "spec": {"config": text},
    });
    for settings in [
        admission::Settings::default(),
        admission::Settings {
            allow_static_ip: false,
            allowed_bridges: vec!["br-*".into()],
            ..Default::default()
        },
    ] {
        let mut found = Vec::new();
        admission::cni::check_nad(&nad, &settings, &mut found);
        let parses = matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(_)));
        let invalid = found
            .iter()
            .any(|d| d.code == Code::CniConfigInvalid && d.path == "spec.config");
        if !parses {
            assert!(
                invalid,
                "spec.config that is no JSON object passed: {found:#?}"
            );
        }
        for d in &found {
            assert_eq!(Code::from_name(d.code.as_str()), Some(d.code), "{d:?}");
            assert!(!d.message.is_empty(), "{d:?}");
            assert!(
                d.path == "spec" || d.path.starts_with("spec.config"),
                "{d:?}: a NAD finding outside spec.config"
            );
            assert!(
                well_formed_path(&d.path),
                "{d:?}: path `{}` is not a path",
                d.path
            );
        }
    }
}

/// Every diagnostic has a stable code, its code's severity, a message, and a location inside
/// the input: line >= 1, byte span within the input, line and column matching the byte offset.
pub fn diagnostics_located(input: &[u8], diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let ctx = format!("{d:?}");
        assert_eq!(
            Code::from_name(d.code.as_str()),
            Some(d.code),
            "{ctx}: code without a stable name"
        );
        assert_eq!(
            d.severity,
            d.code.severity(),
            "{ctx}: severity other than its code's"
        );
        assert!(!d.message.is_empty(), "{ctx}: no message");
        assert!(d.line >= 1 && d.column >= 1, "{ctx}: not located");
        assert!(
            d.span.start <= d.span.end && d.span.end <= input.len(),
            "{ctx}: span outside the input ({} bytes)",
            input.len()
        );
        assert!(
            (d.end_line, d.end_column) >= (d.line, d.column),
            "{ctx}: ends before it starts"
        );
        // The line and column must be those of the start offset, counting lines as YAML does
        // (LF, CRLF, lone CR, NEL, LS, PS) and columns in characters, so an editor marks the
        // right place.
        if d.span.start <= input.len() {
            let (line, column) = line_column(input, d.span.start);
            assert_eq!(
                (d.line, d.column),
                (line, column),
                "{ctx}: line/column do not match byte {}",
                d.span.start
            );
        }
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(input: &[u8], offset: usize) -> (u32, u32) {
    // libyaml skips a byte order mark: its columns on the first line start after it.
    let skip = if input.starts_with("\u{feff}".as_bytes()) {
        3.min(offset)
    } else {
        0
    };
    let before = String::from_utf8_lossy(&input[skip..offset]);
    let mut line = 1u32;
    let mut column = 1u32;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            // Line breaks as libyaml counts them (the reader's lines and columns are libyaml's).
            '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    (line, column)
}

/// A rendered Wukong, written back out (YAML through the project's emitter, and JSON), reads
/// back to the same model, with no error, and renders the same manifests.
pub fn model_round_trips(w: &wukong_net::model::Wukong, m: &wukong_net::Manifests) {
    let yaml = wukong_net::emit::to_yaml(w);
    let json = wukong_net::emit::to_json(w);
    for (format, text) in [("YAML", &yaml), ("JSON", &json)] {
        let again = wukong_net::render(text);
        assert!(
            !again.has_errors(),
            "the model as {format} no longer renders: {:#?}\n{text}",
            again.diagnostics
        );
        assert_eq!(
            again.wukongs,
            std::slice::from_ref(w),
            "the model as {format} reads back differently:\n{text}"
        );
        assert_eq!(
            again.manifests,
            std::slice::from_ref(m),
            "the model as {format} renders differently:\n{text}"
        );
    }
    yaml_reads_back(&yaml, &[value(w)], "the model as YAML");
}

/// The networkData and the manifest stream read back, under YAML 1.2 and under both YAML 1.1
/// readers, as exactly the data that was serialized.
pub fn manifests_read_back(w: &wukong_net::model::Wukong, m: &wukong_net::Manifests) {
    let nics = wukong_net::nic::nics(w);
    let network_data = wukong_net::netplan::network_data(&nics);
    yaml_reads_back(&m.network_data, &[value(&network_data)], "networkData");
    // userData (`#cloud-config` then the serializer's YAML): a password `yes` or a user `null`
    // must stay strings for cloud-init's PyYAML.
    assert!(m.user_data.starts_with(wukong_net::cloud_init::HEADER));
    let cloud_config = wukong_net::cloud_init::cloud_config(w);
    yaml_reads_back(&m.user_data, &[value(&cloud_config)], "userData");
    // The stream's order: the userData Secret, the NADs, the VM, the NMState policies.
    let mut docs: Vec<Value> = m.secret.iter().map(value).collect();
    docs.extend(m.network_attachment_definitions.iter().map(value));
    docs.push(value(&m.virtual_machine));
    docs.extend(m.node_network_configuration_policies.iter().map(value));
    let stream = wukong_net::render::manifests_yaml(std::slice::from_ref(m), None);
    yaml_reads_back(&stream, &docs, "the manifest stream");
    let only = wukong_net::render::manifests_yaml(
        std::slice::from_ref(m),
        Some(wukong_net::render::Artifact::NetworkData),
    );
    yaml_reads_back(&only, &[value(&network_data)], "--only networkdata");
}

pub fn value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// `yaml` parses (YAML 1.2, the project's own parser) to exactly `expected`, and every plain
/// scalar in it, key or value, means the same to PyYAML and go-yaml v2 as it does there.
pub fn yaml_reads_back(yaml: &str, expected: &[Value], what: &str) {
    let stream = source::parse(yaml);
    assert!(
        stream.diagnostics.is_empty(),
        "{what}: emitted YAML does not parse: {:#?}\n{yaml}",
        stream.diagnostics
    );
    let values: Vec<&Value> = stream.documents.iter().map(|d| &d.value).collect();
    assert_eq!(
        values,
        expected.iter().collect::<Vec<_>>(),
        "{what}: YAML reads back differently:\n{yaml}"
    );
    for doc in &stream.documents {
        plain_scalars_agree(yaml, &doc.value, "", &doc.spans, what);
    }
}

fn plain_scalars_agree(yaml: &str, v: &Value, path: &str, spans: &SpanMap, what: &str) {
    if let Some(node) = spans.get(path) {
        if let Some(key) = node.key {
            let raw = &yaml[key.start..key.end];
            if !raw.starts_with(['\'', '"']) {
                let key_text = raw.trim_end();
                for reader in READERS {
                    assert_eq!(
                        yaml11::resolve(reader, key_text),
                        Resolved::Str,
                        "{what}: the plain key `{key_text}` of {path} is no string to {reader:?}:\n{yaml}"
                    );
                }
            }
        }
        if node.plain_scalar {
            let raw = &yaml[node.value.start..node.value.end];
            // A plain scalar has no escapes: its string value is its (folded) content.
            let content = match v {
                Value::String(s) => s.as_str(),
                _ => raw.trim_end(),
            };
            for reader in READERS {
                let got = yaml11::resolve(reader, content);
                assert!(same(v, &got), "{what}: {path} = `{content}` is {v:?} in YAML 1.2 but {got:?} to {reader:?}:\n{yaml}");
            }
        }
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                plain_scalars_agree(yaml, item, &join_index(path, i), spans, what);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                plain_scalars_agree(yaml, item, &join_key(path, k), spans, what);
            }
        }
        _ => {}
    }
}

/// Whether a YAML 1.1 reading equals the YAML 1.2 value.
fn same(v: &Value, r: &Resolved) -> bool {
    match (v, r) {
        (Value::Null, Resolved::Null) => true,
        (Value::Bool(a), Resolved::Bool(b)) => a == b,
        (Value::String(_), Resolved::Str) => true,
        (Value::Number(n), Resolved::Int(i)) => {
            n.as_u64().map(i128::from) == Some(*i) || n.as_i64().map(i128::from) == Some(*i)
        }
        (Value::Number(n), Resolved::Float(f)) if f.is_finite() => {
            n.as_f64() == Some(*f) && (n.is_f64() || f.fract() == 0.0)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unquoted_mac_is_caught() {
        // What serde_yaml's successors write, and what cloud-init reads as 41135085296.
        let yaml = "match:\n  macaddress: 52:54:00:12:34:56\n";
        let expected = json!({"match": {"macaddress": "52:54:00:12:34:56"}});
        let broken = std::panic::catch_unwind(|| {
            yaml_reads_back(yaml, std::slice::from_ref(&expected), "test")
        });
        assert!(broken.is_err(), "an unquoted MAC passed the YAML 1.1 check");
        yaml_reads_back(
            "match:\n  macaddress: \"52:54:00:12:34:56\"\n",
            &[expected],
            "test",
        );
    }

    #[test]
    fn plain_keys_and_numbers_are_checked() {
        let key =
            std::panic::catch_unwind(|| yaml_reads_back("on: 1\n", &[json!({"on": 1})], "test"));
        assert!(key.is_err(), "a plain `on` key passed");
        let octal =
            std::panic::catch_unwind(|| yaml_reads_back("a: 017\n", &[json!({"a": 17})], "test"));
        assert!(octal.is_err(), "017 (15 in YAML 1.1) passed as 17");
        yaml_reads_back(
            "a: 17\nb: 1.5\nc: true\nd: null\ne: x\n",
            &[json!({"a": 17, "b": 1.5, "c": true, "d": null, "e": "x"})],
            "test",
        );
    }

    #[test]
    fn paths() {
        for p in [
            "",
            "spec",
            "spec.networks[1].ipConfig",
            "a[\"x y\"].b",
            "a[\"]\"][0]",
            "spec.config.ipam.ranges[0][0]",
        ] {
            assert!(well_formed_path(p), "{p}");
        }
        for p in [".a", "a.", "a..b", "a[", "a[x]", "a b", "a[\"x\"", "[0]x"] {
            assert!(!well_formed_path(p), "{p}");
        }
    }

    #[test]
    fn line_and_column_of_offsets() {
        let text = "a\r\nbé\rc\nd";
        assert_eq!(line_column(text.as_bytes(), 0), (1, 1));
        assert_eq!(line_column(text.as_bytes(), 3), (2, 1));
        assert_eq!(line_column(text.as_bytes(), 6), (2, 3));
        assert_eq!(line_column(text.as_bytes(), 7), (3, 1));
        assert_eq!(line_column(text.as_bytes(), 9), (4, 1));
    }
}
