//! Applying fixes: to texts (the CLI, the previewer, npm `fix()`) by their text edits, to
//! objects (the policy's mutating mode) by their patches. One fix at a time, each followed by
//! a full re-check that must show the finding gone and no new error, else the fix is set
//! aside; so overlapping fixes of one run are applied one after the other on fresh positions.

use super::{apply_edits, apply_patch, Fix};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::limits::Limits;
use crate::manifest::check_set_with;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The most fixes one run applies or sets aside: each costs one re-check of the input, so a
/// run costs at most `MAX_FIX_ROUNDS + 1` checks.
pub const MAX_FIX_ROUNDS: usize = 64;

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct AppliedFix {
    #[cfg_attr(feature = "tsify", tsify(type = "Code"))]
    pub code: Code,
    pub title: String,
    /// The JSON path of the finding it repaired.
    pub path: String,
    /// The document it changed (0-based) and how: its patch, from that document's root.
    pub document: usize,
    pub patch: Vec<super::PatchOp>,
}

/// A text after fixing: the new text, what was applied and what the check still finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct FixOutcome {
    pub text: String,
    pub applied: Vec<AppliedFix>,
    pub remaining: Vec<Diagnostic>,
}

/// An object after fixing: the repaired object when anything was applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectFix {
    pub fixed: Option<Value>,
    pub applied: Vec<AppliedFix>,
    pub remaining: Vec<Diagnostic>,
}

/// Fixes one text as `check` reads it: the safe fixes, and with `unsafe_fixes` the others too
/// (of several alternatives, the first that applies cleanly).
pub fn fix_text(text: &str, unsafe_fixes: bool) -> FixOutcome {
    fix_set(&[("", text)], unsafe_fixes, &Limits::OBJECT)
        .pop()
        .unwrap_or(FixOutcome {
            text: text.to_string(),
            applied: Vec::new(),
            remaining: Vec::new(),
        })
}

/// Fixes files checked together (`manifest::check_set_with`), one outcome per input in order.
pub fn fix_set(inputs: &[(&str, &str)], unsafe_fixes: bool, limits: &Limits) -> Vec<FixOutcome> {
    let mut texts: Vec<String> = inputs.iter().map(|(_, t)| t.to_string()).collect();
    let check = |texts: &[String]| -> Vec<Vec<Diagnostic>> {
        let named: Vec<(&str, &str)> = inputs
            .iter()
            .zip(texts)
            .map(|((n, _), t)| (*n, t.as_str()))
            .collect();
        check_set_with(&named, limits)
            .into_iter()
            .map(|r| r.diagnostics)
            .collect()
    };
    let mut found = check(&texts);
    let mut applied: Vec<Vec<AppliedFix>> = vec![Vec::new(); inputs.len()];
    let mut set_aside: HashSet<(usize, Code, String, String)> = HashSet::new();
    for _ in 0..MAX_FIX_ROUNDS {
        let candidate = found.iter().enumerate().find_map(|(file, ds)| {
            ds.iter().find_map(|d| {
                let fix = d.fixes.iter().find(|f| {
                    (f.safe || unsafe_fixes)
                        && !f.edits.is_empty()
                        && !set_aside.contains(&key(file, d, f))
                })?;
                Some((file, d.clone(), fix.clone()))
            })
        });
        let Some((file, d, fix)) = candidate else {
            break;
        };
        let mut trial = texts.clone();
        let accepted = match apply_edits(&texts[file], &fix.edits) {
            Some(new_text) => {
                trial[file] = new_text;
                let after = check(&trial);
                better(&found, &after, file, d.code).then_some(after)
            }
            None => None,
        };
        match accepted {
            Some(after) => {
                texts = trial;
                found = after;
                applied[file].push(AppliedFix {
                    code: d.code,
                    title: fix.title,
                    path: d.path,
                    document: fix.document,
                    patch: fix.patch,
                });
            }
            None => {
                set_aside.insert(key(file, &d, &fix));
            }
        }
    }
    texts
        .into_iter()
        .zip(applied)
        .zip(found)
        .map(|((text, applied), remaining)| FixOutcome {
            text,
            applied,
            remaining,
        })
        .collect()
}

/// Fixes an object as the policy sees it (a VM, a NAD, or any document `check` reads), by the
/// safe fixes' patches (and the others' with `unsafe_fixes`). Pure: no I/O.
pub fn fix_object(doc: &Value, unsafe_fixes: bool) -> ObjectFix {
    fix_object_with(doc, unsafe_fixes, &mut |v| {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        crate::manifest::check(&text).diagnostics
    })
}

/// [`fix_object`] with the caller's check of the object, whose findings' fixes must be patches
/// on it (see [`crate::manifest::resolve_object_fixes`]). The policy's mutating mode checks
/// with its own admission rules and settings, and so links neither `check`'s text machinery
/// nor the strict KubeVirt schema.
pub fn fix_object_with(
    doc: &Value,
    unsafe_fixes: bool,
    check_object: &mut dyn FnMut(&Value) -> Vec<Diagnostic>,
) -> ObjectFix {
    let mut check = |v: &Value| -> Vec<Vec<Diagnostic>> { vec![check_object(v)] };
    let mut value = doc.clone();
    let mut found = check(&value);
    let mut applied = Vec::new();
    let mut set_aside: HashSet<(usize, Code, String, String)> = HashSet::new();
    for _ in 0..MAX_FIX_ROUNDS {
        let candidate = found[0].iter().find_map(|d| {
            let fix = d.fixes.iter().find(|f| {
                (f.safe || unsafe_fixes)
                    && !f.patch.is_empty()
                    && !set_aside.contains(&key(0, d, f))
            })?;
            Some((d.clone(), fix.clone()))
        });
        let Some((d, fix)) = candidate else {
            break;
        };
        let mut trial = value.clone();
        let accepted = match apply_patch(&mut trial, &fix.patch) {
            Ok(()) => {
                let after = check(&trial);
                better(&found, &after, 0, d.code).then_some(after)
            }
            Err(_) => None,
        };
        match accepted {
            Some(after) => {
                value = trial;
                found = after;
                applied.push(AppliedFix {
                    code: d.code,
                    title: fix.title,
                    path: d.path,
                    document: fix.document,
                    patch: fix.patch,
                });
            }
            None => {
                set_aside.insert(key(0, &d, &fix));
            }
        }
    }
    ObjectFix {
        fixed: (!applied.is_empty()).then_some(value),
        applied,
        remaining: found.pop().unwrap_or_default(),
    }
}

fn key(file: usize, d: &Diagnostic, f: &Fix) -> (usize, Code, String, String) {
    (file, d.code, d.path.clone(), f.title.clone())
}

/// Whether a fix of a `code` finding in `file` did what a fix must: fewer findings of that
/// code there, and no file with more errors of any code than before.
fn better(before: &[Vec<Diagnostic>], after: &[Vec<Diagnostic>], file: usize, code: Code) -> bool {
    let of = |ds: &[Diagnostic]| ds.iter().filter(|d| d.code == code).count();
    let fewer = of(&after[file]) < of(&before[file]);
    let no_new_error = before.iter().zip(after).all(|(b, a)| {
        let errors = |ds: &[Diagnostic]| {
            let mut m: HashMap<Code, usize> = HashMap::new();
            for d in ds.iter().filter(|d| d.severity == Severity::Error) {
                *m.entry(d.code).or_default() += 1;
            }
            m
        };
        let (b, a) = (errors(b), errors(a));
        a.iter().all(|(c, n)| b.get(c).is_some_and(|m| n <= m))
    });
    before.len() == after.len() && fewer && no_new_error
}
