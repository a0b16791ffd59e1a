//! libyaml's events to `serde_json::Value` documents with their span maps, enforcing the node,
//! alias and depth limits as the events arrive (before the work they bound is done).

use super::position::Marks;
use super::scalars;
use super::spans::{join_index, join_key, NodeSpan, SpanMap};
use super::Document;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::limits;
use libyaml_safer::{Event, EventData, ScalarStyle};
use serde_json::{Map, Value};
use std::collections::HashMap;

enum Frame {
    Seq {
        items: Vec<Value>,
        path: String,
        anchor: Option<String>,
    },
    Map {
        map: Map<String, Value>,
        path: String,
        anchor: Option<String>,
        key: Option<(String, Span)>,
    },
}

struct Anchored {
    value: Value,
    nodes: usize,
}

pub(super) struct Builder<'m> {
    marks: &'m Marks,
    stack: Vec<Frame>,
    /// Anchors of the current document (libyaml's anchors do not cross documents).
    anchors: HashMap<String, Anchored>,
    spans: SpanMap,
    root: Option<Value>,
    /// Nodes seen so far in the stream, counting each alias expansion in full.
    nodes: usize,
    /// The limit on `nodes` (the input's [`limits::Limits`]).
    max_nodes: usize,
    /// Of those, the nodes copied by alias expansions.
    alias_nodes: usize,
    /// Node counts of the frames under construction, to record anchored subtree sizes.
    frame_nodes: Vec<usize>,
}

impl<'m> Builder<'m> {
    pub(super) fn new(marks: &'m Marks, max_nodes: usize) -> Self {
        Builder {
            marks,
            stack: Vec::new(),
            anchors: HashMap::new(),
            spans: SpanMap::default(),
            root: None,
            nodes: 0,
            max_nodes,
            alias_nodes: 0,
            frame_nodes: Vec::new(),
        }
    }

    /// Takes one event; returns a document when one is complete.
    pub(super) fn event(&mut self, event: Event) -> Result<Option<Document>, Diagnostic> {
        let span = self.marks.span(event.start_mark, event.end_mark);
        match event.data {
            EventData::DocumentStart { .. } => {
                self.spans = SpanMap {
                    root: span,
                    ..SpanMap::default()
                };
                self.root = None;
                self.anchors.clear();
                Ok(None)
            }
            EventData::DocumentEnd { .. } => {
                let value = self.root.take();
                let spans = std::mem::take(&mut self.spans);
                // An empty document (only comments) is no document.
                Ok(value
                    .filter(|v| !v.is_null())
                    .map(|value| Document { value, spans }))
            }
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                let plain = style == ScalarStyle::Plain;
                let value = scalars::resolve(&value, plain, tag.as_deref());
                self.count(1, span)?;
                self.place(value, 1, anchor, span, plain)
            }
            EventData::Alias { anchor } => self.alias(&anchor, span),
            EventData::SequenceStart { anchor, .. } => self.open(false, anchor, span),
            EventData::MappingStart { anchor, .. } => self.open(true, anchor, span),
            EventData::SequenceEnd | EventData::MappingEnd => self.close(span),
            EventData::StreamStart { .. } | EventData::StreamEnd => Ok(None),
        }
    }

    fn alias(&mut self, anchor: &str, span: Span) -> Result<Option<Document>, Diagnostic> {
        let Some(a) = self.anchors.get(anchor) else {
            // libyaml's composer says "found undefined alias"; go-yaml "unknown anchor".
            return Err(Diagnostic::new(
                Code::YamlSyntax,
                "",
                format!(
                    "YAML syntax error: found undefined alias `*{anchor}` (no anchor \
                     `&{anchor}` completed before it in this document)"
                ),
            )
            .with_hint("define the anchor before its alias, or write the value out")
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
        self.place(value, nodes, None, span, false)
    }

    fn open(
        &mut self,
        is_map: bool,
        anchor: Option<String>,
        span: Span,
    ) -> Result<Option<Document>, Diagnostic> {
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

    fn close(&mut self, span: Span) -> Result<Option<Document>, Diagnostic> {
        let Some(frame) = self.stack.pop() else {
            return Ok(None);
        };
        let nodes = self.frame_nodes.pop().unwrap_or(1);
        let (value, anchor) = match frame {
            Frame::Seq { items, anchor, .. } => (Value::Array(items), anchor),
            Frame::Map { map, anchor, .. } => (Value::Object(map), anchor),
        };
        self.anchor(anchor, &value, nodes);
        self.attach(value, nodes, span)
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), Diagnostic> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.max_nodes {
            // Without aliases the stream is simply big; with them, it may be an alias bomb.
            let (message, hint) = if self.alias_nodes == 0 {
                (
                    format!("more than {} nodes in one stream", self.max_nodes),
                    "split the stream into several files",
                )
            } else {
                (
                    format!(
                        "more than {} nodes once aliases are expanded (an alias bomb?)",
                        self.max_nodes
                    ),
                    "write the values out instead of nesting aliases of aliases",
                )
            };
            return Err(Diagnostic::new(Code::TooManyNodes, "", message)
                .with_hint(hint)
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
    fn place(
        &mut self,
        value: Value,
        nodes: usize,
        anchor: Option<String>,
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
                if let Some(anchor) = anchor {
                    self.anchors.insert(anchor, Anchored { value, nodes });
                }
                *key = Some((k, span));
                return Ok(None);
            }
        }
        let path = self.child_path(span)?;
        self.record(&path, span, plain);
        self.anchor(anchor, &value, nodes);
        self.attach(value, nodes, span)
    }

    /// Remembers an anchored node for the aliases that follow.
    fn anchor(&mut self, anchor: Option<String>, value: &Value, nodes: usize) {
        if let Some(anchor) = anchor {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    nodes,
                },
            );
        }
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
