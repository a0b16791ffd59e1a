//! KubeVirt's API schema as the API server's strict field validation applies it: unknown fields
//! and wrong types in VirtualMachines, VirtualMachineInstances, VirtualMachinePools and
//! VirtualMachineInstanceReplicaSets, with a hint saying where a misplaced key belongs.
//!
//! The schema is `generated.rs`, reduced from KubeVirt's OpenAPI document by
//! `tests/kubevirt_schema_generated.rs` (which also says how the API server reads its types).
//! Each definition is one string of `name type` pairs; a leading `~` keeps unknown keys
//! (x-kubernetes-preserve-unknown-fields). A type is `s` string, `i` integer, `n` number, `b`
//! boolean, `q` integer or string (Quantity, IntOrString), `*` anything, a number (the index of a
//! definition: an object), `[T` a list of T, `{T` a map of T.
//!
//! A null is accepted wherever it stands (the API server prunes null fields before validating;
//! an unknown key is still unknown with a null value). Each node of the object is visited once
//! and each lookup scans one definition (at most a few dozen fields), so the cost is linear in
//! the object.

mod generated;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::json_path::JsonPath;
use crate::json_type::type_name;
use crate::suggest::closest;
use serde_json::{Map, Number, Value};

/// Checks `object`, a `kind` as named by its `kind:` field, against KubeVirt's schema. Paths are
/// relative to the object; kinds other than the four are not checked.
pub fn check(kind: &str, object: &Value, out: &mut Vec<Diagnostic>) {
    let Some(root) = generated::KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, i)| *i)
    else {
        return;
    };
    let mut walker = Walker {
        kind,
        path: Vec::new(),
        objects: Vec::new(),
        guided: 0,
        out,
    };
    walker.value(object, Ty::Def(root));
}

/// The kinds [`check`] knows.
pub fn kinds() -> impl Iterator<Item = &'static str> {
    generated::KINDS.iter().map(|(k, _)| *k)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Str,
    Int,
    Num,
    Bool,
    IntOrStr,
    Any,
    Def(usize),
    /// The element type's code.
    List(&'static str),
    Map(&'static str),
}

impl Ty {
    fn parse(code: &'static str) -> Ty {
        match code.as_bytes().first() {
            Some(b's') => Ty::Str,
            Some(b'i') => Ty::Int,
            Some(b'n') => Ty::Num,
            Some(b'b') => Ty::Bool,
            Some(b'q') => Ty::IntOrStr,
            Some(b'[') => Ty::List(&code[1..]),
            Some(b'{') => Ty::Map(&code[1..]),
            _ => code.parse().map(Ty::Def).unwrap_or(Ty::Any),
        }
    }

    /// How messages name it.
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Int => "an integer",
            Ty::Num => "a number",
            Ty::Bool => "a boolean",
            Ty::IntOrStr => "an integer or a string",
            Ty::Any => "anything",
            Ty::Def(_) | Ty::Map(_) => "a mapping",
            Ty::List(_) => "a list",
        }
    }

    /// The definition this type holds, through lists and maps.
    fn def(self) -> Option<usize> {
        match self {
            Ty::Def(d) => Some(d),
            Ty::List(t) | Ty::Map(t) => Ty::parse(t).def(),
            _ => None,
        }
    }
}

/// One definition of the generated schema.
#[derive(Clone, Copy)]
struct Def(&'static str);

impl Def {
    fn get(index: usize) -> Def {
        Def(generated::DEFS.get(index).copied().unwrap_or("~"))
    }

    /// Whether keys it does not list are kept (x-kubernetes-preserve-unknown-fields).
    fn open(self) -> bool {
        self.0.starts_with('~')
    }

    fn fields(self) -> impl Iterator<Item = (&'static str, Ty)> {
        let mut tokens = self.0.split(' ').filter(|t| !t.is_empty() && *t != "~");
        std::iter::from_fn(move || Some((tokens.next()?, Ty::parse(tokens.next()?))))
    }

    fn field(self, key: &str) -> Option<Ty> {
        self.fields().find(|(k, _)| *k == key).map(|(_, t)| t)
    }
}

/// One step of the path being walked (kept as borrowed steps; text is made only for findings).
#[derive(Clone, Copy)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

struct Walker<'v, 'o> {
    kind: &'v str,
    path: Vec<Step<'v>>,
    /// The objects being walked, outermost first: their definition and path length.
    objects: Vec<(usize, usize)>,
    /// Unknown fields given a searched hint so far (see [`MAX_GUIDED`]).
    guided: usize,
    out: &'o mut Vec<Diagnostic>,
}

/// Unknown fields per object that get a searched hint (where the key belongs, what it is a typo
/// of); later ones get the plain hint. The searches cost a few thousand steps each, so a hostile
/// object with 100,000 unknown keys stays linear.
const MAX_GUIDED: usize = 64;

impl<'v> Walker<'v, '_> {
    fn value(&mut self, v: &'v Value, ty: Ty) {
        match (ty, v) {
            (Ty::List(item), Value::Array(items)) => {
                let item = Ty::parse(item);
                for (i, x) in items.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    self.value(x, item);
                    self.path.pop();
                }
            }
            (Ty::Map(item), Value::Object(m)) => {
                let item = Ty::parse(item);
                for (k, x) in m {
                    self.path.push(Step::Key(k));
                    self.value(x, item);
                    self.path.pop();
                }
            }
            (Ty::Def(d), Value::Object(m)) => self.object(d, m),
            _ if accepts(ty, v) => {}
            _ => self.wrong_type(v, ty),
        }
    }

    fn object(&mut self, d: usize, m: &'v Map<String, Value>) {
        let def = Def::get(d);
        self.objects.push((d, self.path.len()));
        for (k, x) in m {
            match def.field(k) {
                Some(t) => {
                    self.path.push(Step::Key(k));
                    self.value(x, t);
                    self.path.pop();
                }
                None if def.open() => {}
                None => self.unknown(d, k, m),
            }
        }
        self.objects.pop();
    }

    fn path_text(&self, steps: &[Step<'_>]) -> JsonPath {
        steps.iter().fold(JsonPath::root(), |p, s| match s {
            Step::Key(k) => p.key(k),
            Step::Index(i) => p.index(*i),
        })
    }

    fn unknown(&mut self, d: usize, key: &str, siblings: &Map<String, Value>) {
        let here = self.path_text(&self.path);
        let path = here.clone().key(key).to_string();
        let mut fix = None;
        let searched = if self.guided < MAX_GUIDED {
            self.guided += 1;
            removed(Def::get(d), key)
                .map(str::to_string)
                .or_else(|| self.belongs_below(d, key, siblings, &here))
                .or_else(|| self.belongs_above(key))
                .or_else(|| {
                    let value = siblings.get(key).unwrap_or(&Value::Null);
                    let s = spelling(Def::get(d), key, value)?;
                    fix = Some(crate::fix::rename_key(&path, s));
                    Some(format!("did you mean `{s}`?"))
                })
        } else {
            None
        };
        let hint = searched.unwrap_or_else(|| {
            format!(
                "remove it, or see `kubectl explain {}` for the fields KubeVirt knows here",
                self.explain_path()
            )
        });
        let mut diagnostic = Diagnostic::new(
            Code::UnknownField,
            path,
            format!(
                "unknown field `{key}` in a {}: the API server refuses it (strict field validation)",
                self.kind
            ),
        )
        .at_key()
        .with_hint(hint);
        diagnostic.fixes.extend(fix);
        // A Wukong's unknown fields are dropped; KubeVirt's strict validation rejects the object.
        diagnostic.severity = Severity::Error;
        self.out.push(diagnostic);
    }

    /// `key` is a field of a definition one or two levels below `d`: `volumes` under
    /// `spec.template` belongs in `spec.template.spec`, `bus` beside `disk` inside `disk`.
    /// Fields present in the object are tried first.
    fn belongs_below(
        &self,
        d: usize,
        key: &str,
        siblings: &Map<String, Value>,
        here: &JsonPath,
    ) -> Option<String> {
        let def = Def::get(d);
        let children = || def.fields().filter_map(|(k, t)| Some((k, t.def()?)));
        let present = children().filter(|(k, _)| siblings.contains_key(*k));
        let direct = present
            .chain(children())
            .find(|(_, c)| Def::get(*c).field(key).is_some())
            .map(|(k, _)| vec![k]);
        let grand = || {
            children().find_map(|(k, c)| {
                Def::get(c)
                    .fields()
                    .filter_map(|(k2, t)| Some((k2, t.def()?)))
                    .find(|(_, g)| Def::get(*g).field(key).is_some())
                    .map(|(k2, _)| vec![k, k2])
            })
        };
        let via = direct.or_else(grand)?;
        let target = via
            .iter()
            .fold(here.clone(), |p, k| p.key(k))
            .key(key)
            .to_string();
        Some(format!(
            "`{key}` belongs inside `{}`: write it as `{target}`",
            via.join(".")
        ))
    }

    /// `key` is a field of an enclosing object (the nearest one first).
    fn belongs_above(&self, key: &str) -> Option<String> {
        let (_, outer) = self.objects.split_last()?;
        let (_, len) = outer
            .iter()
            .rev()
            .find(|(d, _)| Def::get(*d).field(key).is_some())?;
        let at = self.path_text(&self.path[..*len]);
        let target = at.clone().key(key).to_string();
        Some(format!(
            "`{key}` belongs {}: write it as `{target}`",
            if at.is_root() {
                "at the top level".to_string()
            } else {
                format!("in `{at}`")
            }
        ))
    }

    /// The `kubectl explain` argument for the object being walked: `virtualmachine.spec.template`.
    fn explain_path(&self) -> String {
        let mut out = self.kind.to_ascii_lowercase();
        for step in &self.path {
            if let Step::Key(k) = step {
                out.push('.');
                out.push_str(k);
            }
        }
        out
    }

    fn wrong_type(&mut self, v: &Value, ty: Ty) {
        let path = self.path_text(&self.path).to_string();
        let shown = if path.is_empty() {
            "the object".to_string()
        } else {
            format!("`{path}`")
        };
        let message = format!("{shown} must be {}, not {}", ty.name(), type_name(v));
        let hint = match (ty, v) {
            (Ty::Bool, Value::String(s)) if matches!(s.as_str(), "true" | "false") => {
                format!("write {s} without quotes")
            }
            (Ty::Int | Ty::Num, Value::String(s)) if looks_numeric(s.trim()) => {
                format!("write {} without quotes", s.trim())
            }
            (Ty::Str, Value::Number(_) | Value::Bool(_)) => {
                format!("quote it: \"{v}\"")
            }
            (Ty::List(_), Value::Object(_)) => {
                "write it as a list: start each entry with `- `".to_string()
            }
            (Ty::Def(_) | Ty::Map(_), Value::Array(_)) => {
                "write it as a mapping (`key: value` lines), not a list".to_string()
            }
            (Ty::Def(_) | Ty::Map(_), _) => {
                "write it as a mapping, even when empty: `{}`".to_string()
            }
            _ => format!(
                "see `kubectl explain {}` for what KubeVirt expects here",
                self.explain_path()
            ),
        };
        self.out
            .push(Diagnostic::new(Code::WrongType, path, message).with_hint(hint));
    }
}

/// The known field a misspelt `key` stands for. Fields that can hold `value` are preferred; among
/// them, the one field `key` abbreviates (`mac` for `macAddress`, not `macvtap`, a mapping), then
/// the closest by edit distance.
fn spelling(def: Def, key: &str, value: &Value) -> Option<&'static str> {
    // No field name is this long; the edit distance of a long key would cost its length squared.
    if key.len() > 64 {
        return None;
    }
    let fits: Vec<&'static str> = def
        .fields()
        .filter(|(_, t)| accepts(*t, value))
        .map(|(k, _)| k)
        .collect();
    let lower = key.to_ascii_lowercase();
    let mut prefixed = fits
        .iter()
        .filter(|n| lower.len() >= 3 && n.to_ascii_lowercase().starts_with(&lower));
    if let (Some(n), None) = (prefixed.next(), prefixed.next()) {
        return Some(n);
    }
    let all: Vec<&'static str> = def.fields().map(|(k, _)| k).collect();
    closest(key, &fits).or_else(|| closest(key, &all))
}

/// Whether a field of type `ty` can hold `value` (its JSON type, not its contents).
fn accepts(ty: Ty, value: &Value) -> bool {
    match (ty, value) {
        (Ty::Any, _) | (_, Value::Null) => true,
        (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => true,
        (Ty::Num, Value::Number(_)) => true,
        (Ty::Int, Value::Number(n)) => is_integer(n),
        (Ty::IntOrStr, Value::String(_)) => true,
        (Ty::IntOrStr, Value::Number(n)) => is_integer(n),
        (Ty::List(_), Value::Array(_)) => true,
        (Ty::Def(_) | Ty::Map(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// Fields KubeVirt removed that old examples still carry: (the field, a field of the same
/// definition that tells where it stands, what to write now).
const REMOVED: [(&str, &str, &str); 2] = [
    (
        "volumeName",
        "disk",
        "`volumeName` was removed from disks (kubevirt.io/v1alpha2): a disk uses the volume with the same `name`",
    ),
    (
        "registryDisk",
        "containerDisk",
        "`registryDisk` was renamed `containerDisk` (kubevirt.io/v1alpha3)",
    ),
];

fn removed(def: Def, key: &str) -> Option<&'static str> {
    REMOVED
        .iter()
        .find(|(k, beside, _)| *k == key && def.field(beside).is_some())
        .map(|(_, _, hint)| *hint)
}

/// `12`, `-3`, `2.5`: a number written in quotes. (Not `str::parse::<f64>`, whose tables would
/// add about 10 KB to the wasm for a hint.)
fn looks_numeric(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && parts.next().is_none_or(all_digits)
}

/// Whether a JSON number is an integer: as the API server reads it, `2.0` is one.
fn is_integer(n: &Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

#[cfg(test)]
mod tests;
