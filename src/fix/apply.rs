//! Applying fixes: to texts (the CLI, the previewer, npm `fix()`) by their text edits, to
//! objects (the policy's mutating mode) by their patches. A text is fixed in rounds: each
//! round takes one fix per finding whose edits neither overlap nor touch another's, applies
//! them together and re-checks; the batch is kept when every fix's finding went and no error
//! was added, otherwise only its first fix is tried alone (kept on the same condition, set
//! aside if not). So overlapping fixes are applied one after the other on fresh positions.
//! Objects are fixed one fix per round.

use super::{apply_edits, apply_patch, Fix};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::limits::Limits;
use crate::manifest::check_set_with;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The most rounds of one run: each costs one re-check of the input (two when a batch is
/// refused), so a run costs at most `2 * MAX_FIX_ROUNDS + 1` checks, whatever the input.
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
        let batch = batch(&found, unsafe_fixes, &set_aside);
        let Some((file, d, fix)) = batch.first().cloned() else {
            break;
        };
        // The whole batch at once, when it does what each of its fixes must.
        if batch.len() > 1 {
            if let Some((trial, after)) = try_batch(&texts, &batch, &found, &check) {
                texts = trial;
                found = after;
                for (file, d, fix) in batch {
                    applied[file].push(applied_fix(&d, fix));
                }
                continue;
            }
        }
        // Otherwise its first fix alone.
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
                applied[file].push(applied_fix(&d, fix));
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

type Candidate = (usize, Diagnostic, Fix);

/// The fixes to try this round: per finding the first eligible fix (safe, or any with
/// `unsafe_fixes`; with text edits; not set aside), keeping only those whose edits neither
/// overlap nor touch the edits already taken in their file.
fn batch(
    found: &[Vec<Diagnostic>],
    unsafe_fixes: bool,
    set_aside: &HashSet<(usize, Code, String, String)>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (file, ds) in found.iter().enumerate() {
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for d in ds {
            let Some(fix) = d.fixes.iter().find(|f| {
                (f.safe || unsafe_fixes)
                    && !f.edits.is_empty()
                    && !set_aside.contains(&key(file, d, f))
            }) else {
                continue;
            };
            let clash = fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|&(s, t)| e.start <= t && s <= e.end));
            if !clash {
                taken.extend(fix.edits.iter().map(|e| (e.start, e.end)));
                out.push((file, d.clone(), fix.clone()));
            }
        }
    }
    out
}

/// The texts with every fix of `batch` applied and their findings, when that removed at least
/// one finding of each code per fix of it and added no error.
fn try_batch(
    texts: &[String],
    batch: &[Candidate],
    found: &[Vec<Diagnostic>],
    check: &dyn Fn(&[String]) -> Vec<Vec<Diagnostic>>,
) -> Option<(Vec<String>, Vec<Vec<Diagnostic>>)> {
    let mut trial = texts.to_vec();
    for (file, text) in trial.iter_mut().enumerate() {
        let mut edits: Vec<super::TextEdit> = batch
            .iter()
            .filter(|(f, _, _)| *f == file)
            .flat_map(|(_, _, fix)| fix.edits.iter().cloned())
            .collect();
        if edits.is_empty() {
            continue;
        }
        edits.sort_by_key(|e| (e.start, e.end));
        *text = apply_edits(text, &edits)?;
    }
    let after = check(&trial);
    let mut wanted: HashMap<(usize, Code), usize> = HashMap::new();
    for (file, d, _) in batch {
        *wanted.entry((*file, d.code)).or_default() += 1;
    }
    let of = |ds: &[Diagnostic], code: Code| ds.iter().filter(|d| d.code == code).count();
    let removed_enough = wanted
        .iter()
        .all(|(&(file, code), &n)| of(&found[file], code) >= of(&after[file], code) + n);
    (removed_enough && no_new_error(found, &after)).then_some((trial, after))
}

fn applied_fix(d: &Diagnostic, fix: Fix) -> AppliedFix {
    AppliedFix {
        code: d.code,
        title: fix.title,
        path: d.path.clone(),
        document: fix.document,
        patch: fix.patch,
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
    before.len() == after.len() && fewer && no_new_error(before, after)
}

/// No file has more errors of any code than before.
fn no_new_error(before: &[Vec<Diagnostic>], after: &[Vec<Diagnostic>]) -> bool {
    before.len() == after.len()
        && before.iter().zip(after).all(|(b, a)| {
            let errors = |ds: &[Diagnostic]| {
                let mut m: HashMap<Code, usize> = HashMap::new();
                for d in ds.iter().filter(|d| d.severity == Severity::Error) {
                    *m.entry(d.code).or_default() += 1;
                }
                m
            };
            let (b, a) = (errors(b), errors(a));
            a.iter().all(|(c, n)| b.get(c).is_some_and(|m| n <= m))
        })
}
