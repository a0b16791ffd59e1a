//! Findings about the shape of a policy, worded the same way for every field.

use crate::diagnostic::{Code, Diagnostic};
use crate::json_type::type_name;
use crate::source::join_key;
use serde_json::{Map, Value};

pub(super) fn missing(path: &str, message: impl Into<String>, hint: &str) -> Diagnostic {
    Diagnostic::new(Code::MissingField, path, message).with_hint(hint)
}

pub(super) fn wrong_type(path: &str, value: &Value, expected: &str, hint: &str) -> Diagnostic {
    Diagnostic::new(
        Code::WrongType,
        path,
        format!("must be {expected}, not {}", type_name(value)),
    )
    .with_hint(hint)
}

/// Keys of `m` outside `known`, where nmstate's schema is closed (it refuses the whole state).
pub(super) fn unknown_keys(
    m: &Map<String, Value>,
    path: &str,
    known: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for key in m.keys().filter(|k| !known.contains(&k.as_str())) {
        let hint = match crate::suggest::closest(key, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("nmstate knows: {}", known.join(", ")),
        };
        out.push(
            Diagnostic::new(
                Code::UnknownKey,
                join_key(path, key),
                format!(
                    "nmstate knows no key `{}` here and refuses the state",
                    key.escape_debug()
                ),
            )
            .with_hint(hint)
            .at_key(),
        );
    }
}

/// A number nmstate reads as an unsigned integer, given as a number or a string of digits.
/// `None` for anything else; negative numbers come back as they are.
pub(super) fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A kubernetes-nmstate template (`"{{ capture.gw.interfaces.0.name }}"`): the handler fills
/// it in from `spec.capture` on each node before nmstate reads the state, so its value is not
/// known here and is not checked.
pub(super) fn is_template(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains("{{"))
}

/// A boolean as nmstate reads one: `true`/`false`, 1/0, or a string (any case) among `true`,
/// `yes`, `on`, `y`, `1` and `false`, `no`, `off`, `n`, `0`. `None` for anything else.
pub(super) fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.to_lowercase().as_str() {
            "1" | "true" | "yes" | "on" | "y" => Some(true),
            "0" | "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The boolean at `key` of a mapping, as nmstate reads it.
pub(super) fn flag(v: Option<&Value>, key: &str) -> Option<bool> {
    v?.get(key).and_then(boolean)
}

/// A controller's port list: nmstate reads `port` and its alias `ports`. The key used and the
/// list, when there is one.
pub(super) fn port_list(section: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    ["port", "ports"]
        .into_iter()
        .find_map(|k| section.get(k).filter(|v| !v.is_null()).map(|v| (k, v)))
}
