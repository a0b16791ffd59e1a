//! A fix's patch operations as edits of the YAML (or JSON) text of one document, made beside
//! the nodes they touch so that nothing else moves: a scalar replaced where it stands, a key
//! renamed in place, a mapping entry removed with its lines (block style) or its comma (flow
//! style), an entry added after the mapping's last one at its indentation. Values written are
//! JSON, which reads the same as YAML flow style in either. Whatever is produced here is
//! checked by the caller (re-read and compared); `None` means no edit is offered.

use super::{pointer_to_path, PatchOp, TextEdit};
use crate::json_path::{JsonPath, Segment};
use crate::source::Document;
use serde_json::Value;

/// The edits for `patch` on `doc`, read from `text`, sorted; `None` when an operation has no
/// in-place edit or two overlap.
pub(crate) fn edits(text: &str, doc: &Document, patch: &[PatchOp]) -> Option<Vec<TextEdit>> {
    let json = text
        .get(doc.spans.root.start..)
        .is_some_and(|t| t.starts_with('{') || t.starts_with('['));
    let ctx = Ctx { text, doc, json };
    let mut out = Vec::new();
    for op in patch {
        out.push(ctx.edit(op)?);
    }
    out.sort_by_key(|e| (e.start, e.end));
    for pair in out.windows(2) {
        if pair[1].start < pair[0].end || pair[1].start == pair[0].start {
            return None;
        }
    }
    Some(out)
}

struct Ctx<'a> {
    text: &'a str,
    doc: &'a Document,
    /// The document is JSON (flow style throughout): keys are quoted.
    json: bool,
}

impl Ctx<'_> {
    fn edit(&self, op: &PatchOp) -> Option<TextEdit> {
        match op {
            PatchOp::Replace { path, value } => {
                let path = pointer_to_path(&self.doc.value, path)?;
                let node = self.doc.spans.get(&path.to_string())?.value;
                Some(TextEdit {
                    start: node.start,
                    end: self.value_end(&path, node)?,
                    replacement: flow(value),
                })
            }
            PatchOp::Move { from, path } => {
                let from = pointer_to_path(&self.doc.value, from)?;
                let to = pointer_to_path(&self.doc.value, path)?;
                let (Some(Segment::Key(_)), Some(Segment::Key(new))) =
                    (from.segments().last(), to.segments().last())
                else {
                    return None;
                };
                if from.parent() != to.parent() || self.get(&to).is_some() {
                    return None;
                }
                let key = self.doc.spans.get(&from.to_string())?.key?;
                let quoted = self.text.get(key.start..)?.starts_with(['"', '\'']);
                Some(TextEdit {
                    start: key.start,
                    end: key.end,
                    replacement: self.key_text(new, quoted),
                })
            }
            PatchOp::Remove { path } => {
                let path = pointer_to_path(&self.doc.value, path)?;
                self.remove(&path)
            }
            PatchOp::Add { path, value } => {
                let path = pointer_to_path(&self.doc.value, path)?;
                let parent = path.parent()?;
                match (self.get(&parent)?, path.segments().last()?) {
                    (Value::Object(m), Segment::Key(k)) if !m.contains_key(k) => {
                        self.add_entry(&parent, m, k, value)
                    }
                    (Value::Array(items), Segment::Key(k)) if k == "-" => {
                        self.append(&parent, items, value)
                    }
                    _ => None,
                }
            }
        }
    }

    fn get(&self, path: &JsonPath) -> Option<&Value> {
        path.segments()
            .iter()
            .try_fold(&self.doc.value, |v, s| match s {
                Segment::Key(k) => v.get(k),
                Segment::Index(i) => v.get(i),
            })
    }

    fn node(&self, path: &JsonPath) -> Option<crate::diagnostic::Span> {
        if path.is_root() {
            return Some(self.doc.spans.root);
        }
        Some(self.doc.spans.get(&path.to_string())?.value)
    }

    /// Where the value at `path` ends: a scalar's span, a flow collection's closing bracket.
    /// Block collections have no end to replace up to (`None`).
    fn value_end(&self, path: &JsonPath, node: crate::diagnostic::Span) -> Option<usize> {
        match self.get(path)? {
            Value::Object(_) | Value::Array(_) => {
                if self.text.get(node.start..)?.starts_with(['{', '[']) {
                    flow_end(self.text, node.start)
                } else {
                    None
                }
            }
            _ => Some(node.end),
        }
    }

    fn key_text(&self, key: &str, quoted: bool) -> String {
        let plain = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && key.starts_with(|c: char| c.is_ascii_alphabetic());
        if self.json || quoted || !plain {
            flow(&Value::String(key.to_string()))
        } else {
            key.to_string()
        }
    }

    /// Removes a mapping entry or a sequence item.
    fn remove(&self, path: &JsonPath) -> Option<TextEdit> {
        let span = self.doc.spans.get(&path.to_string())?;
        let start = span.key.map_or(span.value.start, |k| k.start);
        let t = self.text;
        let flow_value_end = self.value_end(path, span.value);
        let before = t.get(..start)?.trim_end_matches([' ', '\t', '\r', '\n']);
        if before.ends_with(',') {
            // Flow: from the comma before to the end of the value.
            return Some(TextEdit {
                start: before.len() - 1,
                end: flow_value_end?,
                replacement: String::new(),
            });
        }
        if before.ends_with('{') || before.ends_with('[') {
            // Flow, first entry: to the next one, or the whole content when it is the only one.
            let value_end = flow_value_end?;
            let after = t.get(value_end..)?;
            let rest = after.trim_start_matches([' ', '\t', '\r', '\n']);
            let end = if let Some(r) = rest.strip_prefix(',') {
                let next = r.trim_start_matches([' ', '\t', '\r', '\n']);
                t.len() - next.len()
            } else if rest.starts_with(['}', ']']) {
                value_end
            } else {
                return None;
            };
            return Some(TextEdit {
                start,
                end,
                replacement: String::new(),
            });
        }
        // Block style.
        let line_start = t.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
        let lead = t.get(line_start..start)?;
        let column = start - line_start;
        let end = block_end(t, start, column, true);
        if lead.chars().all(|c| c == ' ') {
            if matches!(path.segments().last(), Some(Segment::Index(_))) {
                return None; // a block item's value does not start its line
            }
            return Some(TextEdit {
                start: line_start,
                end,
                replacement: String::new(),
            });
        }
        let dash = lead.trim_end_matches(' ');
        if dash.ends_with('-') && dash[..dash.len() - 1].chars().all(|c| c == ' ') {
            if let Some(Segment::Index(_)) = path.segments().last() {
                return Some(TextEdit {
                    start: line_start,
                    end: block_end(t, start, dash.len() - 1, false),
                    replacement: String::new(),
                });
            }
            // The first key of a sequence item: the next key of the item takes its place.
            let next = t.get(end..)?;
            let indent = next.len() - next.trim_start_matches(' ').len();
            if end < t.len() && indent == column {
                return Some(TextEdit {
                    start,
                    end: end + indent,
                    replacement: String::new(),
                });
            }
        }
        None
    }

    fn add_entry(
        &self,
        parent: &JsonPath,
        map: &serde_json::Map<String, Value>,
        key: &str,
        value: &Value,
    ) -> Option<TextEdit> {
        let node = self.node(parent)?;
        let t = self.text;
        let key_text = self.key_text(key, false);
        if t.get(node.start..)?.starts_with('{') {
            let close = flow_end(t, node.start)? - 1;
            let inside = t.get(node.start + 1..close)?;
            let entry = format!("{key_text}: {}", flow(value));
            let (at, replacement) = if inside.trim().is_empty() {
                (node.start + 1, entry)
            } else {
                let content_end = node.start + 1 + inside.trim_end().len();
                (content_end, format!(", {entry}"))
            };
            return Some(TextEdit {
                start: at,
                end: at,
                replacement,
            });
        }
        // Block: after the last entry, at the first entry's indentation.
        let first = map.keys().next()?;
        let last = map.keys().next_back()?;
        let first_key = self
            .doc
            .spans
            .get(&parent.clone().key(first).to_string())?
            .key?;
        let last_key = self
            .doc
            .spans
            .get(&parent.clone().key(last).to_string())?
            .key?;
        // Serde's map may be sorted: the entry written last is the one that starts last.
        let last_start = map
            .keys()
            .filter_map(|k| self.doc.spans.get(&parent.clone().key(k).to_string())?.key)
            .map(|k| k.start)
            .max()
            .unwrap_or(last_key.start);
        let first_start = map
            .keys()
            .filter_map(|k| self.doc.spans.get(&parent.clone().key(k).to_string())?.key)
            .map(|k| k.start)
            .min()
            .unwrap_or(first_key.start);
        let line_start = t.get(..first_start)?.rfind('\n').map_or(0, |i| i + 1);
        let column = first_start - line_start;
        let at = block_end(t, last_start, column, true);
        let value_text = block_string(value, column + 2).unwrap_or_else(|| flow(value));
        let line = format!("{}{key_text}: {value_text}\n", " ".repeat(column));
        Some(insert_line(t, at, line))
    }

    fn append(&self, parent: &JsonPath, items: &[Value], value: &Value) -> Option<TextEdit> {
        let node = self.node(parent)?;
        let t = self.text;
        if t.get(node.start..)?.starts_with('[') {
            let close = flow_end(t, node.start)? - 1;
            let inside = t.get(node.start + 1..close)?;
            let (at, replacement) = if inside.trim().is_empty() {
                (node.start + 1, flow(value))
            } else {
                (
                    node.start + 1 + inside.trim_end().len(),
                    format!(", {}", flow(value)),
                )
            };
            return Some(TextEdit {
                start: at,
                end: at,
                replacement,
            });
        }
        let first = self
            .doc
            .spans
            .get(&parent.clone().index(0).to_string())?
            .value;
        let last = self
            .doc
            .spans
            .get(
                &parent
                    .clone()
                    .index(items.len().checked_sub(1)?)
                    .to_string(),
            )?
            .value;
        let line_start = t.get(..first.start)?.rfind('\n').map_or(0, |i| i + 1);
        let lead = t.get(line_start..first.start)?;
        let dash = lead.trim_end_matches(' ');
        if !dash.ends_with('-') || !dash[..dash.len() - 1].chars().all(|c| c == ' ') {
            return None;
        }
        let column = dash.len() - 1;
        let at = block_end(t, last.start, column, false);
        let line = format!("{}- {}\n", " ".repeat(column), flow(value));
        Some(insert_line(t, at, line))
    }
}

/// Where the block node starting at `start` ends: the start of the first later line that is
/// indented `column` or less (not blank, not a deeper comment), or the end of the text; blank
/// lines before it stay outside. For a mapping entry (`entry`), lines of a sequence at the
/// key's own indentation (`key:\n- item`) are the entry's.
fn block_end(text: &str, start: usize, column: usize, entry: bool) -> usize {
    let mut at = match text.get(start..).and_then(|t| t.find('\n')) {
        Some(i) => start + i + 1,
        None => return text.len(),
    };
    let mut end = at;
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = &text[at..line_end];
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.trim().is_empty() {
            at = line_end;
            continue;
        }
        let own_item =
            entry && indent == column && (content.starts_with("- ") || content.trim_end() == "-");
        if indent <= column && !own_item {
            break;
        }
        at = line_end;
        end = line_end;
    }
    end
}

/// A multi-line string as a literal block scalar at `indent` (`|` and its lines, without the
/// final line break), when it is one that reads back the same: ends with exactly one line
/// break, does not start with a space, and has no tab or carriage return.
fn block_string(value: &Value, indent: usize) -> Option<String> {
    let s = value.as_str()?;
    let body = s.strip_suffix('\n')?;
    if body.is_empty()
        || body.ends_with('\n')
        || !body.contains('\n')
        || body.starts_with([' ', '\n'])
        || s.contains(['\t', '\r'])
    {
        return None;
    }
    let pad = " ".repeat(indent);
    let lines: Vec<String> = body
        .split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    Some(format!("|\n{}", lines.join("\n")))
}

/// A value as JSON, which YAML reads the same in block and flow context.
pub(crate) fn flow(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The end (after the closing bracket) of the flow collection opening at `start`, skipping
/// quoted strings (JSON and YAML double quotes with backslash escapes, YAML single quotes).
fn flow_end(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.get(start..)?.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + i + 1);
                }
            }
            '"' => loop {
                match chars.next()?.1 {
                    '\\' => {
                        chars.next()?;
                    }
                    '"' => break,
                    _ => {}
                }
            },
            '\'' => while chars.next()?.1 != '\'' {},
            _ => {}
        }
    }
    None
}

/// Inserts a whole `line` at `at`, starting a new line first when the text there does not end
/// one (a last line without its break).
fn insert_line(text: &str, at: usize, line: String) -> TextEdit {
    let replacement = if at > 0 && !text[..at].ends_with('\n') {
        format!("\n{line}")
    } else {
        line
    };
    TextEdit {
        start: at,
        end: at,
        replacement,
    }
}
