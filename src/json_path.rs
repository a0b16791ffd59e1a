//! JSON paths as diagnostics write them: `spec.networks[1].ipConfig.address`. Keys that are not
//! plain identifiers are quoted as JSON strings in brackets (`ethernets["eth 0"]`), so a key
//! holding `.` or `[` stays one key. Code that combines paths (a path inside embedded text
//! continued from its field, a finding inside a request's object) goes through [`JsonPath`]
//! rather than gluing and cutting strings; [`Diagnostic::path`](crate::Diagnostic) keeps the
//! text form, which is what JSON output and `SpanMap` use.

use serde_json::Value;
use std::fmt;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from a document's root; the root itself is the empty path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

impl JsonPath {
    pub fn root() -> JsonPath {
        JsonPath::default()
    }

    /// Reads the text form. Every text reads as some path: a malformed bracket makes the rest
    /// of the text one key, so no finding loses its path.
    pub fn parse(text: &str) -> JsonPath {
        JsonPath {
            segments: scan(text).into_iter().map(|(_, s)| s).collect(),
        }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    pub fn key(mut self, key: &str) -> JsonPath {
        self.segments.push(Segment::Key(key.to_string()));
        self
    }

    pub fn index(mut self, index: usize) -> JsonPath {
        self.segments.push(Segment::Index(index));
        self
    }

    /// `tail` continued from this path (a path inside the value at this one).
    pub fn join(mut self, tail: &JsonPath) -> JsonPath {
        self.segments.extend(tail.segments.iter().cloned());
        self
    }

    /// The rest of this path below `prefix`, when it starts with it.
    pub fn strip_prefix(&self, prefix: &JsonPath) -> Option<JsonPath> {
        let rest = self.segments.strip_prefix(prefix.segments.as_slice())?;
        Some(JsonPath {
            segments: rest.to_vec(),
        })
    }

    /// The path one step up; `None` for the root.
    pub fn parent(&self) -> Option<JsonPath> {
        let (_, up) = self.segments.split_last()?;
        Some(JsonPath {
            segments: up.to_vec(),
        })
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            write_segment(f, i == 0, s)?;
        }
        Ok(())
    }
}

impl From<JsonPath> for String {
    fn from(p: JsonPath) -> String {
        p.to_string()
    }
}

/// A key written without quotes: what `a.b` can hold unambiguously.
fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn write_segment(f: &mut impl fmt::Write, first: bool, s: &Segment) -> fmt::Result {
    match s {
        Segment::Index(i) => write!(f, "[{i}]"),
        Segment::Key(k) if is_plain(k) && first => f.write_str(k),
        Segment::Key(k) if is_plain(k) => write!(f, ".{k}"),
        Segment::Key(k) => write!(f, "[{}]", Value::String(k.clone())),
    }
}

/// The text of `parent` followed by one more segment.
pub(crate) fn append(parent: &str, s: &Segment) -> String {
    let mut out = parent.to_string();
    // Writing to a String cannot fail.
    let _ = write_segment(&mut out, parent.is_empty(), s);
    out
}

/// The text of a path's parent, cut from the text itself: `a["x.y"]` -> `a`, `a.b[2]` -> `a.b`,
/// `a` -> ``; `None` for the root.
pub(crate) fn parent_text(path: &str) -> Option<&str> {
    let (start, _) = scan(path).pop()?;
    Some(&path[..start])
}

/// Each segment of a text path with the byte offset where its text starts.
fn scan(text: &str) -> Vec<(usize, Segment)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(inner) = rest.strip_prefix('[') {
            if let Some((segment, len)) = bracket(inner) {
                out.push((at, segment));
                at += 1 + len;
                continue;
            }
            // Not an index nor a quoted key: the rest is one key, as written.
            out.push((at, Segment::Key(rest.to_string())));
            break;
        }
        let body_start = if rest.starts_with('.') && !out.is_empty() {
            1
        } else {
            0
        };
        let body = &rest[body_start..];
        let len = body.find(['.', '[']).unwrap_or(body.len());
        // An empty key (`a..b`) still moves on, so the scan always ends.
        let len = if len == 0 && body_start == 0 { 1 } else { len };
        out.push((at, Segment::Key(body[..len.min(body.len())].to_string())));
        at += body_start + len;
    }
    out
}

/// `12]` or `"key"]` (after the `[`): the segment and how many bytes it took, `]` included.
fn bracket(inner: &str) -> Option<(Segment, usize)> {
    if inner.starts_with('"') {
        // The closing quote is the first one not escaped by a backslash.
        let mut escaped = false;
        for (i, c) in inner.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    let quoted = &inner[..=i];
                    if !inner[i + 1..].starts_with(']') {
                        return None;
                    }
                    let key: String = serde_json::from_str(quoted).ok()?;
                    return Some((Segment::Key(key), i + 2));
                }
                _ => {}
            }
        }
        return None;
    }
    let end = inner.find(']')?;
    let index = inner[..end].parse().ok()?;
    Some((Segment::Index(index), end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_text_form() {
        for text in [
            "",
            "spec",
            "spec.networks[1].ipConfig.address",
            "spec.config.ipam.ranges[0][0].rangeEnd",
            "[0]",
            "[\"a.b\"]",
            "ethernets[\"eth 0\"].match",
            "a[\"x[1]\"][2]",
            "a[\"q\\\"uote].b\"].c",
            "network.ethernets.eth0.set-name",
        ] {
            assert_eq!(JsonPath::parse(text).to_string(), text, "{text}");
        }
    }

    #[test]
    fn builds_what_join_key_built() {
        let p = JsonPath::root()
            .key("spec")
            .key("a.b")
            .index(3)
            .key("plain_key-1");
        assert_eq!(p.to_string(), "spec[\"a.b\"][3].plain_key-1");
        assert_eq!(JsonPath::root().key("").to_string(), "[\"\"]");
    }

    #[test]
    fn joins_at_a_quoted_or_indexed_root() {
        let field = JsonPath::parse("spec.volumes[0].networkData");
        for (tail, want) in [
            ("", "spec.volumes[0].networkData"),
            (
                "ethernets.eth0",
                "spec.volumes[0].networkData.ethernets.eth0",
            ),
            ("[\"a b\"]", "spec.volumes[0].networkData[\"a b\"]"),
            ("[2].x", "spec.volumes[0].networkData[2].x"),
        ] {
            let got = field.clone().join(&JsonPath::parse(tail));
            assert_eq!(got.to_string(), want);
        }
    }

    #[test]
    fn parents_survive_quoted_keys() {
        for (path, parent) in [
            ("a.b[2]", Some("a.b")),
            ("a.b", Some("a")),
            ("a", Some("")),
            ("", None),
            ("a[\"x.y\"]", Some("a")),
            ("a[\"x[0]\"].c", Some("a[\"x[0]\"]")),
            ("[\"k.\"]", Some("")),
        ] {
            assert_eq!(parent_text(path), parent, "{path}");
            assert_eq!(
                JsonPath::parse(path).parent().map(|p| p.to_string()),
                parent.map(str::to_string),
                "{path}"
            );
        }
    }

    #[test]
    fn malformed_text_still_reads() {
        for text in ["a[", "a[x", "a[\"open", "a..b", ".a", "a.", "[\"x\"y]"] {
            let p = JsonPath::parse(text);
            assert!(!p.is_root(), "{text}");
            assert!(parent_text(text).is_some(), "{text}");
        }
    }
}
