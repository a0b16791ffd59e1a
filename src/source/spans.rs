//! Where each node of a parsed document stands: a map from JSON path to its span.

use crate::diagnostic::{Diagnostic, Span};
use crate::json_path::{self, Segment};
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
    pub(super) nodes: HashMap<String, NodeSpan>,
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
