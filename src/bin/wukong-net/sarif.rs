//! `check --format sarif`: a SARIF 2.1.0 log (one run) that GitHub code scanning and other
//! SARIF viewers read. Rules are the codes registry; every result is located in its file.

use crate::check::Checked;
use serde_json::{json, Value};
use wukong_net::{Code, Diagnostic, Severity};

/// The schema the log declares (the OASIS standard's, errata 01); tests/sarif.rs validates
/// against a copy of it.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn log(checked: &[Checked]) -> Value {
    let artifacts: Vec<Value> = checked
        .iter()
        .map(|c| json!({"location": {"uri": uri(&c.name)}, "length": c.bytes.len()}))
        .collect();
    let mut results = Vec::new();
    for (index, c) in checked.iter().enumerate() {
        let text = c.text();
        let lines = Lines::new(&text);
        results.extend(c.diagnostics.iter().map(|d| result(d, c, index, &lines)));
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": Code::ALL.iter().map(|&c| rule(c)).collect::<Vec<_>>(),
            }},
            // Stated although it is the default: the core counts columns in characters, and
            // they are converted here.
            "columnKind": "utf16CodeUnits",
            "artifacts": artifacts,
            "results": results,
            "invocations": [invocation()],
        }],
    })
}

/// The run's invocation. Its working directory lets code scanning place results given as
/// absolute `file:` URIs under it (the checkout path); relative ones need nothing more.
fn invocation() -> Value {
    let mut invocation = json!({"executionSuccessful": true});
    if let Some(dir) = std::env::current_dir()
        .ok()
        .and_then(|d| d.to_str().map(uri))
    {
        let dir = if dir.ends_with('/') { dir } else { dir + "/" };
        invocation["workingDirectory"] = json!({"uri": dir});
    }
    invocation
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A code as a SARIF rule; its help is what `wukong-net explain CODE` prints.
fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "shortDescription": {"text": code.summary()},
        "fullDescription": {"text": code.details()},
        "help": {"text": format!("{} ({}): {}", code.as_str(), code.severity(), code.details())},
        "defaultConfiguration": {"level": level(code.severity())},
    })
}

fn result(d: &Diagnostic, c: &Checked, artifact: usize, lines: &Lines) -> Value {
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    let mut physical = json!({
        "artifactLocation": {"uri": uri(&c.name), "index": artifact},
        // A finding about the input as a whole (no line) stands at its first line: GitHub
        // shows only results with a line.
        "region": {"startLine": d.line.max(1)},
    });
    if d.line > 0 {
        let (end_line, end_column) = crate::check::end(d);
        physical["region"] = json!({
            "startLine": d.line,
            "startColumn": lines.utf16_column(d.line, d.column),
            "endLine": end_line,
            "endColumn": lines.utf16_column(end_line, end_column),
        });
    }
    let mut location = json!({"physicalLocation": physical});
    if !d.path.is_empty() {
        location["logicalLocations"] = json!([{"fullyQualifiedName": d.path, "kind": "object"}]);
    }
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|&c| c == d.code),
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [location],
    });
    let fixes = fixes(d, c, artifact);
    if !fixes.is_empty() {
        result["fixes"] = Value::Array(fixes);
    }
    result
}

/// The fixes with text edits, as SARIF `fix` objects: offsets and lengths in UTF-16 code
/// units (SARIF's default character unit).
fn fixes(d: &Diagnostic, c: &Checked, artifact: usize) -> Vec<Value> {
    let text = c.text();
    let units = |byte: usize| text.get(..byte).map_or(0, |t| t.encode_utf16().count());
    d.fixes
        .iter()
        .filter(|f| !f.edits.is_empty())
        .map(|f| {
            let replacements: Vec<Value> = f
                .edits
                .iter()
                .map(|e| {
                    let start = units(e.start);
                    json!({
                        "deletedRegion": {"charOffset": start, "charLength": units(e.end) - start},
                        "insertedContent": {"text": e.replacement},
                    })
                })
                .collect();
            let safety = if f.safe {
                "safe"
            } else {
                "unsafe: review before applying"
            };
            json!({
                "description": {"text": format!("{} ({safety})", f.title)},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri(&c.name), "index": artifact},
                    "replacements": replacements,
                }],
            })
        })
        .collect()
}

/// The file's lines, split where the core counts line breaks (LF, CRLF and a lone CR).
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find(['\n', '\r']) {
            lines.push(&rest[..i]);
            let width = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
            rest = &rest[i + width..];
        }
        lines.push(rest);
        Lines { lines }
    }

    /// A 1-based column in characters as a 1-based column in UTF-16 code units (SARIF's
    /// default unit). Columns past the end of the line (an end just after it) count one unit
    /// per character.
    fn utf16_column(&self, line: u32, column: u32) -> u32 {
        let chars_before = column.max(1) as usize - 1;
        let text = (line as usize)
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or("");
        let mut units = 0;
        let mut counted = 0;
        for ch in text.chars().take(chars_before) {
            units += ch.len_utf16();
            counted += 1;
        }
        (units + (chars_before - counted) + 1) as u32
    }
}

/// A file name as a URI reference: a relative path stays relative (code scanning resolves it
/// against the repository root), an absolute one becomes a `file:` URI; every byte outside
/// the unreserved set and `/` is percent-encoded.
fn uri(name: &str) -> String {
    let mut out = String::new();
    let path = name.strip_prefix("./").unwrap_or(name);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_references() {
        assert_eq!(uri("specs/a b.yaml"), "specs/a%20b.yaml");
        assert_eq!(uri("./vm.yaml"), "vm.yaml");
        assert_eq!(uri("/abs/x#1.yaml"), "file:///abs/x%231.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("é.yaml"), "%C3%A9.yaml");
    }

    #[test]
    fn columns_count_utf16_units() {
        // "é" is one unit, "😀" two; line 2 follows a CRLF, line 3 a lone CR.
        let lines = Lines::new("a: é😀x\r\nb: 😀\rc");
        assert_eq!(lines.utf16_column(1, 1), 1);
        assert_eq!(lines.utf16_column(1, 5), 5);
        assert_eq!(lines.utf16_column(1, 6), 7);
        assert_eq!(lines.utf16_column(2, 5), 6);
        // Just past the end of the line.
        assert_eq!(lines.utf16_column(2, 6), 7);
        assert_eq!(lines.utf16_column(3, 1), 1);
    }
}
