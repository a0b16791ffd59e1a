//! From the fixes a rule attached (patch only, paths maybe inside an embedded document) to the
//! fixes reported: embedded edits made on the embedded text and the whole string field
//! replaced in the patch; text edits derived and proven on the source.

use super::{
    apply_edits, apply_patch, pointer, pointer_tokens, yaml_edits, Fix, PatchOp, TextEdit,
};
use crate::diagnostic::Span;
use crate::json_path::JsonPath;
use crate::manifest::embedded::ScalarMap;
use crate::source::{self, Document};
use serde_json::Value;

/// The source a fix is resolved against: the whole text, its documents and which one the
/// object is in.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub docs: &'a [Document],
    pub doc: usize,
}

/// Resolves `fixes`, whose patch paths are from the root of `value` (the document, or the
/// object at admission). `embedded` lists the string fields holding documents, from the same
/// root. Without a source the fixes get their patch only. A fix whose patch cannot be made is
/// dropped; one whose text edits cannot be proven keeps its patch, without edits.
pub(crate) fn resolve(
    fixes: Vec<Fix>,
    value: &Value,
    embedded: &[JsonPath],
    source: Option<&Source<'_>>,
    budget: &mut usize,
) -> Vec<Fix> {
    fixes
        .into_iter()
        .filter_map(|f| {
            // What resolving reads: each embedded text twice, the document once.
            let inner: usize = embedded
                .iter()
                .filter_map(|f| crate::manifest::value_at(value, f)?.as_str())
                .map(str::len)
                .sum();
            let cost = 2 * inner
                + source.map_or(0, |s| {
                    let (from, to) = document_range(s);
                    to - from
                });
            *budget = budget.checked_sub(cost)?;
            resolve_one(f, value, embedded, source)
        })
        .collect()
}

/// How many bytes resolving the fixes of one input may read (re-reading embedded texts and
/// documents to prove edits): 1 MiB plus twice the input, so that a check costs at most about
/// three readings of its input. Past it, findings are reported without fixes (`fix_text`'s
/// next round resolves them).
pub(crate) fn proof_budget(input_len: usize) -> usize {
    (1 << 20) + 2 * input_len
}

/// One embedded field's part of a fix.
struct Inner {
    field: JsonPath,
    new_text: String,
    edits: Vec<TextEdit>,
}

fn resolve_one(
    fix: Fix,
    value: &Value,
    embedded: &[JsonPath],
    source: Option<&Source<'_>>,
) -> Option<Fix> {
    let mut outer_ops = Vec::new();
    let mut inner: Vec<(JsonPath, Vec<PatchOp>)> = Vec::new();
    for op in fix.patch {
        let tokens = pointer_tokens(op.path())?;
        let field = embedded.iter().find(|f| {
            let fp = pointer_tokens(&pointer(f)).unwrap_or_default();
            tokens.len() > fp.len() && tokens.starts_with(&fp)
        });
        match field {
            Some(f) => {
                let prefix = pointer(f);
                let op = strip(op, &prefix)?;
                match inner.iter_mut().find(|(g, _)| g == f) {
                    Some((_, ops)) => ops.push(op),
                    None => inner.push((f.clone(), vec![op])),
                }
            }
            None => outer_ops.push(op),
        }
    }
    let mut inners = Vec::new();
    for (field, ops) in inner {
        let text = crate::manifest::value_at(value, &field)?.as_str()?;
        let doc = source::parse(text).documents.into_iter().next()?;
        let edits = yaml_edits::edits(text, &doc, &ops)?;
        let new_text = apply_edits(text, &edits)?;
        let mut expected = doc.value.clone();
        apply_patch(&mut expected, &ops).ok()?;
        let reread = source::parse(&new_text).documents.into_iter().next()?;
        if reread.value != expected {
            return None;
        }
        inners.push(Inner {
            field,
            new_text,
            edits,
        });
    }
    let mut patch = outer_ops.clone();
    patch.extend(
        inners
            .iter()
            .map(|i| PatchOp::replace(&i.field, Value::String(i.new_text.clone()))),
    );
    let mut patched = value.clone();
    apply_patch(&mut patched, &patch).ok()?;
    let edits = source
        .and_then(|s| {
            text_edits(s, &outer_ops, &inners, &patched, true)
                .or_else(|| text_edits(s, &outer_ops, &inners, &patched, false))
        })
        .unwrap_or_default();
    Some(Fix {
        edits,
        patch,
        document: source.map_or(fix.document, |s| s.doc),
        ..fix
    })
}

/// The operation with its paths below `prefix` made relative to it.
fn strip(op: PatchOp, prefix: &str) -> Option<PatchOp> {
    let s = |p: String| p.strip_prefix(prefix).map(str::to_string);
    Some(match op {
        PatchOp::Add { path, value } => PatchOp::Add {
            path: s(path)?,
            value,
        },
        PatchOp::Remove { path } => PatchOp::Remove { path: s(path)? },
        PatchOp::Replace { path, value } => PatchOp::Replace {
            path: s(path)?,
            value,
        },
        PatchOp::Move { from, path } => PatchOp::Move {
            from: s(from)?,
            path: s(path)?,
        },
    })
}

/// The text edits of a fix, proven: applied, the text re-read, every document the same but
/// the object's, and that one equal to the patched object. `in_place`: embedded edits edit
/// the string where it stands; otherwise the whole string is rewritten (double-quoted).
fn text_edits(
    s: &Source<'_>,
    outer_ops: &[PatchOp],
    inners: &[Inner],
    patched: &Value,
    in_place: bool,
) -> Option<Vec<TextEdit>> {
    let doc = s.docs.get(s.doc)?;
    let mut edits = yaml_edits::edits(s.text, doc, outer_ops)?;
    for i in inners {
        let node = doc.spans.get(&i.field.to_string())?.value;
        let old = crate::manifest::value_at(&doc.value, &i.field)?.as_str()?;
        if in_place {
            edits.extend(map_edits(s.text, node, old, &i.edits)?);
        } else {
            let src = s.text.get(node.start..node.end)?;
            edits.push(TextEdit {
                start: node.start,
                end: node.start + src.trim_end().len(),
                replacement: yaml_edits::flow(&Value::String(i.new_text.clone())),
            });
        }
    }
    edits.sort_by_key(|e| (e.start, e.end));
    if edits.windows(2).any(|p| p[1].start < p[0].end) {
        return None;
    }
    // The proof reads the object's document alone (so its cost is that document's size, not
    // the stream's): the edits must stay inside it, and it must read back as one document,
    // the patched object.
    let (from, to) = document_range(s);
    if edits.iter().any(|e| e.start < from || e.end > to) {
        return None;
    }
    let local: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit {
            start: e.start - from,
            end: e.end - from,
            replacement: e.replacement.clone(),
        })
        .collect();
    let new_doc = apply_edits(s.text.get(from..to)?, &local)?;
    let reread = source::parse(&new_doc);
    match reread.documents.as_slice() {
        [only] if reread.diagnostics.is_empty() && &only.value == patched => Some(edits),
        _ => None,
    }
}

/// The bytes of the stream that hold the object's document: from the start of the line of
/// its first node to the `---` line before the next document's first node (or the end).
fn document_range(s: &Source<'_>) -> (usize, usize) {
    let line_start = |at: usize| {
        s.text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1)
    };
    let from = if s.doc == 0 {
        0
    } else {
        s.docs
            .get(s.doc)
            .map_or(0, |d| line_start(d.spans.root.start))
    };
    let to = match s.docs.get(s.doc + 1) {
        None => s.text.len(),
        Some(next) => {
            let mut at = line_start(next.spans.root.start);
            // Back over the marker line (and anything after the previous content).
            let mut probe = at;
            while probe > from {
                let ls = line_start(probe - 1);
                let line = s.text.get(ls..probe).unwrap_or("");
                if line.starts_with("---") {
                    at = ls;
                    break;
                }
                if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                    break;
                }
                probe = ls;
            }
            at
        }
    };
    (from.min(to), to)
}

/// Edits of an embedded string's value as edits of its source, in the source's style: a
/// literal block scalar keeps its indentation, quoted scalars their escaping.
pub(crate) fn map_edits(
    outer: &str,
    node: Span,
    inner: &str,
    edits: &[TextEdit],
) -> Option<Vec<TextEdit>> {
    let map = ScalarMap::new(outer, node, inner);
    let header = outer.get(node.start..)?;
    let line_start = |at: usize| at == 0 || inner.as_bytes().get(at - 1) == Some(&b'\n');
    if header.starts_with('|') {
        // The block's indentation: before the first character of its first non-empty line.
        let first = (0..inner.len()).find(|&i| line_start(i) && inner.as_bytes()[i] != b'\n')?;
        let pos = map.position(first)?;
        let ols = outer.get(..pos)?.rfind('\n').map_or(0, |i| i + 1);
        let indent = outer.get(ols..pos)?;
        if !indent.chars().all(|c| c == ' ') {
            return None;
        }
        // An offset at a line start stands at the start of the source line (before the
        // indentation); others where their character stands.
        let at = |i: usize| -> Option<usize> {
            if i > 0 && line_start(i) {
                Some(map.position(i - 1)? + 1)
            } else if i == 0 {
                Some(ols)
            } else if i == inner.len() {
                let last = map.position(i - 1)?;
                Some(last + inner[..i].chars().next_back()?.len_utf8())
            } else {
                map.position(i)
            }
        };
        return edits
            .iter()
            .map(|e| {
                let body = e.replacement.strip_suffix('\n');
                let mut r = String::new();
                if line_start(e.start) && !e.replacement.is_empty() {
                    r.push_str(indent);
                }
                let core = body.unwrap_or(&e.replacement);
                r.push_str(&core.replace('\n', &format!("\n{indent}")));
                if body.is_some() {
                    r.push('\n');
                }
                Some(TextEdit {
                    start: at(e.start)?,
                    end: at(e.end)?,
                    replacement: r,
                })
            })
            .collect();
    }
    let quote = header.chars().next()?;
    if quote == '>' {
        return None;
    }
    // Quoted or plain: an edit starts right after the character before it and ends where the
    // character after it stands (so folded line breaks and escapes stay whole).
    let after = |i: usize| -> Option<usize> {
        let c = inner.get(..i)?.chars().next_back()?;
        Some(map.position(i - c.len_utf8())? + c.len_utf8())
    };
    let at_char = |i: usize| -> Option<usize> {
        let p = map.position(i)?;
        Some(if quote == '"' && outer.get(..p)?.ends_with('\\') {
            p - 1
        } else {
            p
        })
    };
    let start = |i: usize| if i == 0 { at_char(0) } else { after(i) };
    let end = |i: usize| {
        if i == inner.len() {
            after(i)
        } else {
            at_char(i)
        }
    };
    edits
        .iter()
        .map(|e| {
            if e.replacement.contains('\n') {
                return None;
            }
            let replacement = match quote {
                '\'' => e.replacement.replace('\'', "''"),
                '"' => {
                    let j = yaml_edits::flow(&Value::String(e.replacement.clone()));
                    j.get(1..j.len() - 1)?.to_string()
                }
                _ => e.replacement.clone(),
            };
            let from = start(e.start)?;
            let to = if e.end == e.start { from } else { end(e.end)? };
            Some(TextEdit {
                start: from,
                end: to,
                replacement,
            })
        })
        .collect()
}
