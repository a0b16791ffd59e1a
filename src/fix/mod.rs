//! Fixes as data: a finding's repair, made by the rule that found the problem, in two forms of
//! the same change: RFC 6902 JSON Patch operations on the object as Kubernetes sees it (for
//! admission: the policy's mutating mode) and byte-range text edits on the source (for files
//! and editors), which leave everything outside their ranges byte-identical.
//!
//! Rules attach a fix with its patch only, its paths relative to the object they check and
//! free to continue into an embedded document (a VM's networkData, a NAD's `spec.config`), as
//! their diagnostics' paths do. `manifest::check` then resolves it against the text
//! ([`resolve`]): embedded edits become one `replace` of the whole string field, and the text
//! edits are derived and proven (applied, re-read, compared with the patched object) before a
//! fix is reported with them. [`apply`] applies fixes to texts and objects.

mod apply;
pub(crate) mod resolve;
#[cfg(test)]
mod tests;
mod yaml_edits;

pub use apply::{
    fix_object, fix_object_with, fix_set, fix_text, AppliedFix, FixOutcome, ObjectFix,
    MAX_FIX_ROUNDS,
};

use crate::json_path::{JsonPath, Segment};
use serde::Serialize;
use serde_json::Value;

/// One repair of one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Fix {
    /// What it does, for people: "pin macAddress "02:…" on interface `external`".
    pub title: String,
    /// Whether it may be applied without review (`check --fix`, the policy's mutating mode).
    /// Rules with several reasonable repairs offer several, none of them safe.
    pub safe: bool,
    /// The change as edits of the source text, byte offsets in the whole input, sorted and
    /// non-overlapping. Empty when there is no text (admission) or when no edit that keeps the
    /// rest of the text untouched could be proven.
    pub edits: Vec<TextEdit>,
    /// The change as JSON Patch operations on the object (the document as JSON).
    pub patch: Vec<PatchOp>,
    /// Which document of the input (0-based, in a multi-document YAML stream) the patch
    /// applies to.
    pub document: usize,
}

/// Replace the bytes `start..end` of the source with `replacement` (an insertion when they are
/// equal). The JS binding converts the offsets to UTF-16.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// An RFC 6902 operation; `path` and `from` are JSON Pointers (RFC 6901, `~0` for `~`, `~1`
/// for `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum PatchOp {
    Add {
        path: String,
        #[cfg_attr(feature = "tsify", tsify(type = "unknown"))]
        value: Value,
    },
    Remove {
        path: String,
    },
    Replace {
        path: String,
        #[cfg_attr(feature = "tsify", tsify(type = "unknown"))]
        value: Value,
    },
    /// Used for renaming a key: `from` and `path` differ in their last token only.
    Move {
        from: String,
        path: String,
    },
}

impl PatchOp {
    pub fn add(path: &JsonPath, value: Value) -> PatchOp {
        PatchOp::Add {
            path: pointer(path),
            value,
        }
    }

    pub fn remove(path: &JsonPath) -> PatchOp {
        PatchOp::Remove {
            path: pointer(path),
        }
    }

    pub fn replace(path: &JsonPath, value: Value) -> PatchOp {
        PatchOp::Replace {
            path: pointer(path),
            value,
        }
    }

    /// Renames the key at `path` to `new_key`.
    pub fn rename(path: &JsonPath, new_key: &str) -> PatchOp {
        let to = path.parent().unwrap_or_else(JsonPath::root).key(new_key);
        PatchOp::Move {
            from: pointer(path),
            path: pointer(&to),
        }
    }

    /// The pointer the operation writes to.
    pub fn path(&self) -> &str {
        match self {
            PatchOp::Add { path, .. }
            | PatchOp::Remove { path }
            | PatchOp::Replace { path, .. }
            | PatchOp::Move { path, .. } => path,
        }
    }

    /// The same operation with `prefix` (a pointer) before its paths.
    pub(crate) fn under(self, prefix: &str) -> PatchOp {
        let p = |s: String| format!("{prefix}{s}");
        match self {
            PatchOp::Add { path, value } => PatchOp::Add {
                path: p(path),
                value,
            },
            PatchOp::Remove { path } => PatchOp::Remove { path: p(path) },
            PatchOp::Replace { path, value } => PatchOp::Replace {
                path: p(path),
                value,
            },
            PatchOp::Move { from, path } => PatchOp::Move {
                from: p(from),
                path: p(path),
            },
        }
    }
}

impl Fix {
    /// A fix that may be applied without review.
    pub fn safe(title: impl Into<String>, patch: Vec<PatchOp>) -> Fix {
        Fix {
            title: title.into(),
            safe: true,
            edits: Vec::new(),
            patch,
            document: 0,
        }
    }

    /// One of several reasonable repairs, or one that changes behaviour: applied only on
    /// request (`--unsafe-fixes`).
    pub fn unsafe_(title: impl Into<String>, patch: Vec<PatchOp>) -> Fix {
        Fix {
            safe: false,
            ..Fix::safe(title, patch)
        }
    }
}

/// Whether the fixes a code's findings carry may be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    Safe,
    Unsafe,
    /// Safe when one repair fits, otherwise several alternatives, none safe.
    Depends,
}

/// The codes whose findings carry fixes (some findings of them may have none: when the
/// repair is not certain, or the text cannot be edited in place), what the fix does and how
/// safe it is. `docs/diagnostics.md` and `explain` show it; tests/fixes.rs checks every fix
/// offered on the test data against it.
pub const FIXABLE: &[(crate::diagnostic::Code, Safety, &str)] = {
    use crate::diagnostic::Code as C;
    use Safety::*;
    &[
        (C::MacNotPinned, Depends, "pin the MAC as `macAddress` on the VM interface the entry is for (safe when exactly one unpinned interface fits; otherwise one fix per candidate interface, none safe)"),
        (C::MissingIpam, Safe, "add `\"ipam\": {}` to the bridge plugin, inside `spec.config`"),
        (C::DhcpIpam, Safe, "replace the dhcp IPAM with `\"ipam\": {}`"),
        (C::RouteToDefault, Safe, "`to: 0.0.0.0/0` for an IPv4 gateway; for an IPv6 one, the route (with only `to` and `via`) replaced by `gateway6`"),
        (C::GatewayDeprecated, Safe, "replace `gateway4` with a `{to: 0.0.0.0/0, via: ...}` route (unless the device has a default route already)"),
        (C::UnquotedMac, Safe, "quote the MAC"),
        (C::Yaml11Ambiguous, Safe, "quote the value (not offered for keys)"),
        (C::NetworkInUserData, Unsafe, "move the `network:` block from userData into the volume's networkData, when it has none (the guest starts applying it)"),
        (C::DhcpWithAddress, Unsafe, "two alternatives: remove `address`, or set `mode: static`"),
        (C::DhcpWithGateway, Unsafe, "remove `gateway`, or (when there is an address) set `mode: static`"),
        (C::Ipv6DefaultRoute, Safe, "the route (with only `to` and `via`) replaced by `gateway6`"),
        (C::UnknownField, Unsafe, "rename the key to the known field it is closest to (when there is one)"),
        (C::UnknownKey, Unsafe, "rename the key to the known key it is closest to (when there is one)"),
    ]
};

/// What [`FIXABLE`] says about `code`.
pub fn fixable(code: crate::diagnostic::Code) -> Option<(Safety, &'static str)> {
    FIXABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, what)| (*s, *what))
}

/// How a code's fix reads in the catalogue: `safe: ...`, `unsafe: ...`, or empty.
pub fn fix_summary(code: crate::diagnostic::Code) -> String {
    match fixable(code) {
        Some((Safety::Safe, what)) => format!("safe: {what}"),
        Some((Safety::Unsafe, what)) => format!("unsafe: {what}"),
        Some((Safety::Depends, what)) => format!("safe or unsafe: {what}"),
        None => String::new(),
    }
}

/// The "did you mean" repair of a misspelt key at `path` (a JSON path): rename it. Not safe:
/// the spelling is a guess, and the renamed field starts to take effect.
pub fn rename_key(path: &str, suggestion: &str) -> Fix {
    let path = JsonPath::parse(path);
    let old = match path.segments().last() {
        Some(Segment::Key(k)) => k.clone(),
        _ => String::new(),
    };
    Fix::unsafe_(
        format!("rename `{old}` to `{suggestion}`"),
        vec![PatchOp::rename(&path, suggestion)],
    )
}

/// A JSON path as a JSON Pointer.
pub fn pointer(path: &JsonPath) -> String {
    path.segments()
        .iter()
        .map(|s| match s {
            Segment::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// The unescaped reference tokens of a pointer; `None` when it is not one.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// A pointer read against `value` as a JSON path (a token is an index where the value there is
/// an array); the last token may name something not there yet (`-` stays a key).
pub(crate) fn pointer_to_path(value: &Value, pointer: &str) -> Option<JsonPath> {
    let mut path = JsonPath::root();
    let mut at = Some(value);
    for t in pointer_tokens(pointer)? {
        match at {
            Some(Value::Array(items)) => match t.parse::<usize>() {
                Ok(i) => {
                    at = items.get(i);
                    path = path.index(i);
                }
                Err(_) => {
                    at = None;
                    path = path.key(&t);
                }
            },
            Some(v) => {
                at = v.get(&t);
                path = path.key(&t);
            }
            None => path = path.key(&t),
        }
    }
    Some(path)
}

/// Why a patch does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError(pub String);

/// Applies RFC 6902 operations to `doc`, in order; on an error `doc` may be partly changed
/// (apply to a copy to keep it).
pub fn apply_patch(doc: &mut Value, patch: &[PatchOp]) -> Result<(), PatchError> {
    for op in patch {
        match op {
            PatchOp::Add { path, value } => add(doc, path, value.clone())?,
            PatchOp::Remove { path } => {
                remove(doc, path)?;
            }
            PatchOp::Replace { path, value } => {
                let slot = doc
                    .pointer_mut(path)
                    .ok_or_else(|| PatchError(format!("nothing at {path} to replace")))?;
                *slot = value.clone();
            }
            PatchOp::Move { from, path } => {
                let v = remove(doc, from)?;
                add(doc, path, v)?;
            }
        }
    }
    Ok(())
}

fn split(path: &str) -> Result<(String, String), PatchError> {
    let tokens = pointer_tokens(path).ok_or_else(|| PatchError(format!("bad pointer {path}")))?;
    let (last, parent) = tokens
        .split_last()
        .ok_or_else(|| PatchError("the root cannot be added or removed".to_string()))?;
    let parent: String = parent
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect();
    Ok((parent, last.clone()))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let (parent, last) = split(path)?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => {
            m.insert(last, value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let at = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| PatchError(format!("bad index in {path}")))?
            };
            items.insert(at, value);
            Ok(())
        }
        _ => Err(PatchError(format!("no container at {parent}"))),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, PatchError> {
    let (parent, last) = split(path)?;
    let missing = || PatchError(format!("nothing at {path} to remove"));
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => m.remove(&last).ok_or_else(missing),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => Ok(items.remove(i)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// Applies sorted, non-overlapping edits to `text`; `None` when they are not (or not on
/// character boundaries).
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end < e.start {
            return None;
        }
        out.push_str(text.get(at..e.start)?);
        out.push_str(&e.replacement);
        text.get(e.start..e.end)?;
        at = e.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}
