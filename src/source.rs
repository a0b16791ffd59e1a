//! Source text to documents: YAML 1.2 (and so JSON) parsed into `serde_json::Value` trees, with a
//! map from every JSON path to where it stands in the text, so any check can locate its finding.
//! Limits on size, depth, node count (alias expansion) and document count are enforced here.
//!
//! Why one file of this size: its parts (the event builder with its limits, spans and
//! positions, YAML 1.2 scalar resolution) are all tied to the YAML reader underneath. Issue 11
//! replaces that reader with a libyaml-compatible one (what kubectl reads, it reads); the file
//! is split around the new reader then, so the split is not done twice.

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::json_path::{self, Segment};
use crate::limits;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YSpan};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Where one node stands: its value, and for mapping values also its key.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpan {
    pub value: Span,
    pub key: Option<Span>,
    /// A plain (unquoted) scalar: YAML 1.1 readers may resolve it differently.
    pub plain_scalar: bool,
}

/// Path -> location for one document.
#[derive(Debug, Clone, Default)]
pub struct SpanMap {
    nodes: HashMap<String, NodeSpan>,
    /// The document as a whole (its first node).
    pub root: Span,
}

impl SpanMap {
    pub fn get(&self, path: &str) -> Option<&NodeSpan> {
        self.nodes.get(path)
    }

    /// The location for a path, falling back to the nearest ancestor that exists (a missing
    /// field is reported where its parent stands).
    pub fn locate(&self, path: &str, at_key: bool) -> Span {
        let mut p = path;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return if at_key {
                    n.key.unwrap_or(n.value)
                } else {
                    n.value
                };
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return self.root,
            }
        }
    }

    /// Fill in line, column and offsets of each diagnostic from its path.
    pub fn locate_all(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            if d.line == 0 {
                let span = self.locate(&d.path, d.at_key);
                d.set_span(span);
            }
        }
    }
}

/// The parent of a JSON path: `a.b[2]` -> `a.b`, `a.b` -> `a`, `a` -> ``, `a["x.y"]` -> `a`.
pub fn parent_path(path: &str) -> Option<&str> {
    json_path::parent_text(path)
}

/// Appends a mapping key to a path, quoting keys that are not plain identifiers.
pub fn join_key(parent: &str, key: &str) -> String {
    json_path::append(parent, &Segment::Key(key.to_string()))
}

pub fn join_index(parent: &str, index: usize) -> String {
    json_path::append(parent, &Segment::Index(index))
}

/// One parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub spans: SpanMap,
}

/// A parsed stream: the documents that parsed, and the diagnostics of those that did not.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Converts saphyr's character-based markers to byte offsets and 1-based columns.
struct Positions<'a> {
    text: &'a str,
    /// Byte offset of each char, only when the text is not ASCII.
    char_bytes: Option<Vec<usize>>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let char_bytes = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(b, _)| b).collect())
        };
        Positions { text, char_bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn span(&self, s: &YSpan) -> Span {
        let (line, column) = self.line_column(&s.start);
        let (end_line, end_column) = if s.end.index() > s.start.index() {
            self.line_column(&s.end)
        } else {
            (line, column)
        };
        Span {
            start: self.byte(s.start.index()),
            end: self.byte(s.end.index().max(s.start.index())),
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// 1-based line and column of a marker. saphyr puts the end of a text that lacks a final
    /// line break at column 0 of the line after it, a line that does not exist (found by
    /// fuzzing); that position is the end of the last line.
    fn line_column(&self, m: &Marker) -> (u32, u32) {
        let at_end = self.byte(m.index()) >= self.text.len();
        if at_end && m.col() == 0 && !self.text.is_empty() && !self.text.ends_with(['\n', '\r']) {
            let last = self.text.rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let breaks = self.text.matches('\n').count() + self.text.matches('\r').count()
                - self.text.matches("\r\n").count();
            return (
                breaks as u32 + 1,
                self.text[last..].chars().count() as u32 + 1,
            );
        }
        (m.line() as u32, m.col() as u32 + 1)
    }

    /// Location of a byte offset (used for UTF-8 errors, before any parsing).
    pub fn of_byte(bytes: &[u8], offset: usize) -> Span {
        let before = &bytes[..offset.min(bytes.len())];
        // Line breaks as YAML (and the parser's other locations) count them: LF, CRLF, lone CR.
        let crlf = before.windows(2).filter(|w| w == b"\r\n").count();
        let line = (before.iter().filter(|&&b| b == b'\n' || b == b'\r').count() - crlf) as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u32
            + 1;
        Span {
            start: offset,
            end: offset + 1,
            line,
            column,
            end_line: line,
            end_column: column + 1,
        }
    }
}

/// Decodes bytes as UTF-8, or says where they stop being text.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if bytes.len() > limits::MAX_INPUT_BYTES {
        return Err(too_large(bytes.len()));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Diagnostic::new(
            Code::NotUtf8,
            "",
            format!(
                "the input is not UTF-8 text: invalid byte 0x{:02x} at offset {at}",
                bytes[at]
            ),
        )
        .with_hint("save the file as UTF-8 YAML or JSON")
        .with_span(Positions::of_byte(bytes, at))
    })
}

fn too_large(len: usize) -> Diagnostic {
    Diagnostic::new(
        Code::InputTooLarge,
        "",
        format!(
            "the input is {len} bytes; the limit is {} bytes",
            limits::MAX_INPUT_BYTES
        ),
    )
    .with_hint("split the stream into several files, one Wukong each")
    .with_span(Span::START)
}

enum Frame {
    Seq {
        items: Vec<Value>,
        path: String,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        path: String,
        anchor: usize,
        key: Option<(String, Span)>,
    },
}

struct Anchored {
    value: Value,
    nodes: usize,
}

/// Parses a YAML 1.2 stream (JSON is a subset) into documents.
pub fn parse(text: &str) -> Stream {
    let mut stream = Stream::default();
    if text.len() > limits::MAX_INPUT_BYTES {
        stream.diagnostics.push(too_large(text.len()));
        return stream;
    }
    let pos = Positions::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::new(&pos);
    loop {
        let (event, yspan) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                let at = YSpan::empty(*m);
                let span = pos.span(&at);
                stream.diagnostics.push(
                    Diagnostic::new(
                        Code::YamlSyntax,
                        "",
                        format!("YAML syntax error: {}", e.info()),
                    )
                    .with_hint("fix the YAML at this position (indentation, quotes, a missing ':')")
                    .with_span(span),
                );
                // Documents completed before the error are kept; the broken one is dropped.
                break;
            }
        };
        match builder.event(event, &yspan) {
            Ok(Some(doc)) => {
                if stream.documents.len() >= limits::MAX_DOCUMENTS {
                    stream.diagnostics.push(
                        Diagnostic::new(
                            Code::TooManyDocuments,
                            "",
                            format!(
                                "more than {} documents in one stream",
                                limits::MAX_DOCUMENTS
                            ),
                        )
                        .with_hint("split the stream into several files")
                        .with_span(pos.span(&yspan)),
                    );
                    break;
                }
                stream.documents.push(doc);
            }
            Ok(None) => {}
            Err(d) => {
                stream.diagnostics.push(d);
                break;
            }
        }
    }
    stream
}

struct Builder<'p, 'a> {
    pos: &'p Positions<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    spans: SpanMap,
    root: Option<Value>,
    /// Nodes seen so far in the stream, counting each alias expansion in full.
    nodes: usize,
    /// Of those, the nodes copied by alias expansions.
    alias_nodes: usize,
    /// Node counts of the frames under construction, to record anchored subtree sizes.
    frame_nodes: Vec<usize>,
}

impl<'p, 'a> Builder<'p, 'a> {
    fn new(pos: &'p Positions<'a>) -> Self {
        Builder {
            pos,
            stack: Vec::new(),
            anchors: HashMap::new(),
            spans: SpanMap::default(),
            root: None,
            nodes: 0,
            alias_nodes: 0,
            frame_nodes: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'_>, yspan: &YSpan) -> Result<Option<Document>, Diagnostic> {
        let span = self.pos.span(yspan);
        match event {
            Event::DocumentStart(_) => {
                self.spans = SpanMap {
                    root: span,
                    ..SpanMap::default()
                };
                self.root = None;
                self.anchors.clear();
                Ok(None)
            }
            Event::DocumentEnd => {
                let value = self.root.take();
                let spans = std::mem::take(&mut self.spans);
                // An empty document (only comments) is no document.
                Ok(value
                    .filter(|v| !v.is_null())
                    .map(|value| Document { value, spans }))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_deref().map(|t| t.suffix.as_str()));
                let plain = style == ScalarStyle::Plain;
                self.node(value, 1, anchor, span, plain)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(Diagnostic::new(
                        Code::YamlSyntax,
                        "",
                        "alias to an unknown anchor",
                    )
                    .with_span(span));
                };
                // Checked before the copy is made, so a refused expansion costs nothing.
                let nodes = a.nodes;
                self.alias_nodes = self.alias_nodes.saturating_add(nodes);
                if self.alias_nodes > limits::MAX_ALIAS_NODES {
                    return Err(Diagnostic::new(
                        Code::TooManyNodes,
                        "",
                        format!(
                            "more than {} nodes come from expanding aliases (an alias bomb?)",
                            limits::MAX_ALIAS_NODES
                        ),
                    )
                    .with_hint("write the values out instead of nesting aliases of aliases")
                    .with_span(span));
                }
                let value = a.value.clone();
                self.count(nodes, span)?;
                self.place(value, nodes, 0, span, false)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                self.count(1, span)?;
                if self.stack.len() >= limits::MAX_DEPTH {
                    return Err(Diagnostic::new(
                        Code::TooDeep,
                        "",
                        format!("nesting deeper than {} levels", limits::MAX_DEPTH),
                    )
                    .with_hint("flatten the document; no Kubernetes object nests this deep")
                    .with_span(span));
                }
                let path = self.child_path(span)?;
                self.record(&path, span, false);
                self.stack.push(if is_map {
                    Frame::Map {
                        map: Map::new(),
                        path,
                        anchor,
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        items: Vec::new(),
                        path,
                        anchor,
                    }
                });
                self.frame_nodes.push(1);
                Ok(None)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(None);
                };
                let nodes = self.frame_nodes.pop().unwrap_or(1);
                let (value, anchor) = match frame {
                    Frame::Seq { items, anchor, .. } => (Value::Array(items), anchor),
                    Frame::Map { map, anchor, .. } => (Value::Object(map), anchor),
                };
                if anchor > 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: value.clone(),
                            nodes,
                        },
                    );
                }
                self.attach(value, nodes, span)
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(None),
        }
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), Diagnostic> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > limits::MAX_NODES {
            return Err(Diagnostic::new(
                Code::TooManyNodes,
                "",
                format!(
                    "more than {} nodes once aliases are expanded (an alias bomb?)",
                    limits::MAX_NODES
                ),
            )
            .with_hint("write the values out instead of nesting aliases of aliases")
            .with_span(span));
        }
        Ok(())
    }

    /// The path the next node gets, from the frame it goes into.
    fn child_path(&mut self, span: Span) -> Result<String, Diagnostic> {
        Ok(match self.stack.last() {
            None => String::new(),
            Some(Frame::Seq { items, path, .. }) => join_index(path, items.len()),
            Some(Frame::Map {
                key: Some((k, _)),
                path,
                ..
            }) => join_key(path, k),
            Some(Frame::Map {
                key: None, path, ..
            }) => {
                return Err(Diagnostic::new(
                    Code::ComplexKey,
                    path.clone(),
                    "a mapping key must be a plain scalar, not a mapping or a sequence",
                )
                .with_span(span))
            }
        })
    }

    fn record(&mut self, path: &str, value: Span, plain_scalar: bool) {
        let key = match self.stack.last() {
            Some(Frame::Map {
                key: Some((_, k)), ..
            }) => Some(*k),
            _ => None,
        };
        self.spans.nodes.insert(
            path.to_string(),
            NodeSpan {
                value,
                key,
                plain_scalar,
            },
        );
    }

    /// A scalar or an expanded alias.
    fn node(
        &mut self,
        value: Value,
        nodes: usize,
        anchor: usize,
        span: Span,
        plain: bool,
    ) -> Result<Option<Document>, Diagnostic> {
        self.count(nodes, span)?;
        self.place(value, nodes, anchor, span, plain)
    }

    fn place(
        &mut self,
        value: Value,
        nodes: usize,
        anchor: usize,
        span: Span,
        plain: bool,
    ) -> Result<Option<Document>, Diagnostic> {
        // A scalar in key position becomes the pending key.
        if let Some(Frame::Map { map, path, key, .. }) = self.stack.last_mut() {
            if key.is_none() {
                let k = match &value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    Value::Bool(_) | Value::Number(_) => value.to_string(),
                    _ => {
                        return Err(Diagnostic::new(
                            Code::ComplexKey,
                            path.clone(),
                            "a mapping key must be a plain scalar, not a mapping or a sequence",
                        )
                        .with_span(span))
                    }
                };
                if map.contains_key(&k) {
                    let kpath = join_key(path, &k);
                    return Err(Diagnostic::new(
                        Code::DuplicateKey,
                        kpath,
                        format!("the key `{k}` appears twice in this mapping"),
                    )
                    .with_hint("keep one of the two entries")
                    .with_span(span));
                }
                *key = Some((k, span));
                return Ok(None);
            }
        }
        let path = self.child_path(span)?;
        self.record(&path, span, plain);
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    nodes,
                },
            );
        }
        self.attach(value, nodes, span)
    }

    /// Puts a finished value into its parent (or makes it the document root).
    fn attach(
        &mut self,
        value: Value,
        nodes: usize,
        _span: Span,
    ) -> Result<Option<Document>, Diagnostic> {
        if let Some(n) = self.frame_nodes.last_mut() {
            *n = n.saturating_add(nodes);
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => {
                if let Some((k, _)) = key.take() {
                    map.insert(k, value);
                }
            }
        }
        Ok(None)
    }
}

/// Resolves a scalar with the YAML 1.2 core schema (what Kubernetes and Go's yaml read).
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(text.to_string()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = core_int(text) {
        return Value::Number(n);
    }
    if is_core_float(text) {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

fn core_int(text: &str) -> Option<Number> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if let Some(oct) = text.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok().map(Number::from);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if neg {
        text.parse::<i64>().ok().map(Number::from)
    } else {
        digits.parse::<u64>().ok().map(Number::from)
    }
}

fn is_core_float(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(t, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return false; // not representable in JSON; kept as a string
    }
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok && (frac.is_some() || exp.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Document {
        let s = parse(text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.documents.len(), 1);
        s.documents.into_iter().next().unwrap()
    }

    #[test]
    fn resolves_core_schema_scalars() {
        let d =
            one("a: 52:54:00:12:34:56\nb: on\nc: 0x1f\nd: 1.5\ne: ~\nf: '12'\ng: True\nh: 010\n");
        assert_eq!(d.value["a"], "52:54:00:12:34:56");
        assert_eq!(d.value["b"], "on");
        assert_eq!(d.value["c"], 31);
        assert_eq!(d.value["d"], 1.5);
        assert!(d.value["e"].is_null());
        assert_eq!(d.value["f"], "12");
        assert_eq!(d.value["g"], true);
        assert_eq!(d.value["h"], 10);
    }

    #[test]
    fn records_locations_of_nested_paths() {
        let d = one("spec:\n  networks:\n  - name: x\n    ipConfig:\n      mode: dhcp\n");
        let n = d.spans.get("spec.networks[0].ipConfig.mode").unwrap();
        assert_eq!((n.value.line, n.value.column), (5, 13));
        assert_eq!((n.key.unwrap().line, n.key.unwrap().column), (5, 7));
        // A missing child falls back to its parent.
        let s = d.spans.locate("spec.networks[0].ipConfig.address", false);
        assert_eq!(s.line, 5);
    }

    #[test]
    fn parses_json() {
        let d = one(r#"{"spec": {"networks": [{"name": "a"}]}}"#);
        assert_eq!(d.value["spec"]["networks"][0]["name"], "a");
    }

    #[test]
    fn reports_duplicate_keys() {
        let s = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(s.diagnostics[0].code, Code::DuplicateKey);
        assert_eq!(s.diagnostics[0].line, 3);
    }

    #[test]
    fn refuses_complex_keys() {
        for text in ["? [a, b]\n: c\n", "{? {x: 1} : 2}\n"] {
            let s = parse(text);
            assert_eq!(s.diagnostics[0].code, Code::ComplexKey, "{text}");
            assert_eq!(s.diagnostics[0].line, 1);
        }
    }

    #[test]
    fn stops_alias_bombs() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let s = parse(&bomb);
        assert_eq!(s.diagnostics[0].code, Code::TooManyNodes);
    }

    #[test]
    fn alias_expansion_has_its_own_limit() {
        // `a` is 101 nodes; n aliases of it copy 101 * n.
        let a = format!(
            "a: &a [{}]
",
            vec!["x"; 100].join(", ")
        );
        let with = |n: usize| {
            format!(
                "{a}b: [{}]
",
                vec!["*a"; n].join(", ")
            )
        };
        let inside = limits::MAX_ALIAS_NODES / 101;
        assert!(parse(&with(inside)).diagnostics.is_empty());
        let s = parse(&with(inside + 1));
        assert_eq!(
            s.diagnostics[0].code,
            Code::TooManyNodes,
            "{:?}",
            s.diagnostics
        );
        assert!(s.diagnostics[0].message.contains("aliases"));
        // Without aliases, the whole node limit is still available.
        let plain = format!("[{}]", vec!["0"; limits::MAX_NODES - 1].join(","));
        assert!(parse(&plain).diagnostics.is_empty());
    }

    #[test]
    fn stops_deep_nesting() {
        let deep = "[".repeat(10_000);
        let s = parse(&deep);
        assert!(matches!(
            s.diagnostics[0].code,
            Code::TooDeep | Code::YamlSyntax
        ));
        let deep_ok = format!(
            "{}{}",
            "[".repeat(limits::MAX_DEPTH),
            "]".repeat(limits::MAX_DEPTH)
        );
        assert!(parse(&deep_ok).diagnostics.is_empty());
        let deep_bad = format!(
            "{}{}",
            "[".repeat(limits::MAX_DEPTH + 1),
            "]".repeat(limits::MAX_DEPTH + 1)
        );
        assert_eq!(parse(&deep_bad).diagnostics[0].code, Code::TooDeep);
    }

    #[test]
    fn locates_syntax_errors() {
        let s = parse("a: 1\nb: [1, 2\nc: 3\n");
        assert_eq!(s.diagnostics[0].code, Code::YamlSyntax);
        assert!(s.diagnostics[0].line >= 2);
    }

    #[test]
    fn multi_document_streams() {
        let s = parse("a: 1\n---\n# only a comment\n---\nb: 2\n");
        assert_eq!(s.documents.len(), 2);
        assert_eq!(s.documents[1].spans.get("b").unwrap().value.line, 5);
    }

    #[test]
    fn document_limit_just_inside_and_outside() {
        let ok = "a: 1\n---\n".repeat(limits::MAX_DOCUMENTS);
        assert!(parse(&ok).diagnostics.is_empty());
        let bad = "a: 1\n---\n".repeat(limits::MAX_DOCUMENTS + 1);
        assert_eq!(parse(&bad).diagnostics[0].code, Code::TooManyDocuments);
    }

    #[test]
    fn errors_at_the_end_of_a_text_without_a_final_newline_stay_on_its_last_line() {
        for (text, line, column) in [
            ("a: [1, 2", 1, 9),
            ("x: 1\r\né: [1, 2", 2, 9),
            ("a: [1, 2\n", 2, 1),
        ] {
            let d = &parse(text).diagnostics[0];
            assert_eq!(
                (d.code, d.line, d.column, d.span.start),
                (Code::YamlSyntax, line, column, text.len()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn not_utf8_is_located_counting_lone_cr_as_a_line_break() {
        let d = decode(b"a: 1\rb: 2\r\nc: \xff").unwrap_err();
        assert_eq!(
            (d.code, d.line, d.column, d.span.start),
            (Code::NotUtf8, 3, 4, 14)
        );
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let d = one("name: \"é\"\nb: x\n");
        let n = d.spans.get("b").unwrap();
        assert_eq!(n.value.start, "name: \"é\"\nb: ".len());
        assert_eq!(n.value.column, 4);
    }
}
