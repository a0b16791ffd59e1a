//! Source text to documents: YAML (and so JSON) read as Kubernetes reads it, into
//! `serde_json::Value` trees, with a map from every JSON path to where it stands in the text, so
//! any check can locate its finding. Limits on size, depth, node count (alias expansion) and
//! document count are enforced here.
//!
//! The reader underneath is libyaml (its safe Rust port, `libyaml-safer`): Kubernetes reads
//! manifests with go-yaml, itself a port of libyaml, so what kubectl reads we read and what it
//! refuses we refuse (tests/yaml_libyaml.rs compares us with PyYAML's libyaml loader). Scalars are
//! resolved with the YAML 1.2 core schema (scalars.rs).

mod builder;
mod position;
mod scalars;
mod spans;
#[cfg(test)]
mod tests;

pub use spans::{join_index, join_key, parent_path, NodeSpan, SpanMap};

/// The 1-based line and column (in characters) of a byte offset of `text`, counted as libyaml
/// counts them (every YAML line break, a leading byte order mark taking no column): for places
/// found without parsing, such as a position inside an embedded document.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let at = position::of_byte(text.as_bytes(), offset);
    (at.line, at.column)
}

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::limits::Limits;
use builder::Builder;
use libyaml_safer::{Event, EventData, Parser};
use position::Marks;
use serde_json::Value;

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

/// Decodes bytes as UTF-8, or says where they stop being text.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    decode_with(bytes, &Limits::OBJECT)
}

/// [`decode`] under other limits.
pub fn decode_with<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a str, Diagnostic> {
    if bytes.len() > limits.input_bytes {
        return Err(too_large(bytes.len(), limits));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let byte = bytes.get(at).copied().unwrap_or_default();
        Diagnostic::new(
            Code::NotUtf8,
            "",
            format!("the input is not UTF-8 text: invalid byte 0x{byte:02x} at offset {at}"),
        )
        .with_hint("save the file as UTF-8 YAML or JSON")
        .with_span(position::of_byte(bytes, at))
    })
}

fn too_large(len: usize, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        Code::InputTooLarge,
        "",
        format!(
            "the input is {len} bytes; the limit is {} bytes",
            limits.input_bytes
        ),
    )
    .with_hint("split the stream into several files, one Wukong each")
    .with_span(Span::START)
}

/// Parses a YAML stream (JSON is a subset) into documents. Documents completed before an error
/// are kept; the broken one and those after it are dropped.
pub fn parse(text: &str) -> Stream {
    parse_with(text, &Limits::OBJECT)
}

/// [`parse`] under other limits (the CLI's `check` reads whole streams).
pub fn parse_with(text: &str, limits: &Limits) -> Stream {
    let mut stream = Stream::default();
    if text.len() > limits.input_bytes {
        stream.diagnostics.push(too_large(text.len(), limits));
        return stream;
    }
    let mut parser = Parser::new();
    parser.set_input(text.as_bytes());
    let marks = Marks::new(text);
    let mut builder = Builder::new(&marks, limits.nodes);
    loop {
        let event: Event = match parser.parse() {
            Ok(event) => event,
            Err(e) => {
                stream.diagnostics.push(syntax_error(text, &marks, &e));
                break;
            }
        };
        if matches!(event.data, EventData::StreamEnd) {
            break;
        }
        let at = marks.span(event.start_mark, event.end_mark);
        match builder.event(event) {
            Ok(Some(doc)) => {
                if stream.documents.len() >= limits.documents {
                    stream.diagnostics.push(
                        Diagnostic::new(
                            Code::TooManyDocuments,
                            "",
                            format!("more than {} documents in one stream", limits.documents),
                        )
                        .with_hint("split the stream into several files")
                        .with_span(at),
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

/// libyaml's error in clear words, at its problem mark: "did not find expected ',' or ']'
/// (while parsing a flow sequence that started at line 2, column 4)".
fn syntax_error(text: &str, marks: &Marks, e: &libyaml_safer::Error) -> Diagnostic {
    let span = match e.problem_mark() {
        Some(mark) => marks.point(mark),
        // The reader's errors (a control character) carry a byte offset instead of a mark.
        None => position::of_byte(text.as_bytes(), marks.byte(reader_offset(e))),
    };
    let mut message = format!("YAML syntax error: {}", e.problem());
    if let (Some(context), Some(mark)) = (e.context(), e.context_mark()) {
        message.push_str(&format!(
            " ({context} that started at line {}, column {})",
            mark.line + 1,
            mark.column + 1
        ));
    }
    let hint = if e.problem() != "did not find expected <document start>" {
        "fix the YAML at this position (indentation, quotes, a missing ':')"
    } else if ended_by_dots(text, span.start) {
        // The usual cause: `...` written as an ellipsis in an example.
        "a `...` line ends the document; start the next one with `---`, or write an ellipsis \
         as a comment (`# ...`)"
    } else {
        "the document's root node ended before this line: indent it under a key, or start a \
         new document with `---`"
    };
    Diagnostic::new(Code::YamlSyntax, "", message)
        .with_hint(hint)
        .with_span(span)
}

/// A `...` line (document end) stands before `offset`.
fn ended_by_dots(text: &str, offset: usize) -> bool {
    text.get(..offset)
        .is_some_and(|before| before.lines().any(|l| l.trim_end().starts_with("...")))
}

/// The byte offset of a reader error, which libyaml-safer only gives in its display text
/// ("... (offset 12, value 1)"); 0 when it is not there.
fn reader_offset(e: &libyaml_safer::Error) -> usize {
    let shown = e.to_string();
    shown
        .rsplit_once("(offset ")
        .and_then(|(_, rest)| rest.split(',').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}
