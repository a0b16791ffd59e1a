//! How the YAML 1.1 readers downstream of us resolve a plain (unquoted) scalar: PyYAML, which
//! cloud-init reads networkData with, and go-yaml v2, which sigs.k8s.io/yaml (kubectl, the API
//! machinery) reads manifests with. In YAML 1.1 `on`, `no`, `52:54:00:12:34:56` (sexagesimal)
//! and `017` (octal) are not strings.
//!
//! The patterns are PyYAML's implicit resolvers (resolver.py) and go-yaml v2's resolve table and
//! number syntax (resolve.go), written out here so the fuzz targets can ask, for every plain
//! scalar we emit, what each reader makes of it.

use regex::Regex;
use std::sync::LazyLock;

/// A YAML 1.1 reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    PyYaml,
    GoYamlV2,
}

pub const READERS: [Reader; 2] = [Reader::PyYaml, Reader::GoYamlV2];

/// A plain scalar, as a reader resolves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    /// A float; `None` when its value is not a finite number (.inf, .nan) or does not fit.
    Float(Option<f64>),
    /// A date or timestamp (PyYAML builds a `datetime`).
    Timestamp,
    /// `=`: PyYAML's `tag:yaml.org,2002:value`, which its safe loader refuses outright.
    Value,
    /// `<<`: a merge key.
    Merge,
    Str,
}

fn re(pattern: &str) -> Regex {
    // The patterns are constants; a typo shows up in the unit tests below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

// PyYAML 6, resolver.py, verbatim.
static PY_BOOL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
});
static PY_FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?",
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
        r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
        r"|[-+]?\.(?:inf|Inf|INF)",
        r"|\.(?:nan|NaN|NAN))$"
    ))
});
static PY_INT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    )
});
static PY_NULL: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:~|null|Null|NULL|)$"));
static PY_TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
        r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?",
        r"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?",
        r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"
    ))
});

// go-yaml v2, resolve.go: strconv.ParseInt/ParseUint with base 0 (prefixes 0b, 0o, 0x, a
// leading 0 for octal; underscores between digits), then its yamlStyleFloat.
static GO_INT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[-+]?(?:0[bB]_?[01]+(?:_[01]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0_?[0-7]+(?:_[0-7]+)*|[0-9]+(?:_[0-9]+)*)$",
    )
});
static GO_FLOAT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"));

/// Resolves the text of a plain scalar (its content, after line folding) as `reader` does.
pub fn resolve(reader: Reader, text: &str) -> Resolved {
    match reader {
        Reader::PyYaml => resolve_pyyaml(text),
        Reader::GoYamlV2 => resolve_go_yaml_v2(text),
    }
}

fn resolve_pyyaml(text: &str) -> Resolved {
    // resolver.py tries these in registration order: bool, float, int, merge, null, timestamp, value.
    if PY_BOOL.is_match(text) {
        return Resolved::Bool(
            matches!(text.as_bytes()[0], b'y' | b'Y' | b't' | b'T')
                || text.eq_ignore_ascii_case("on"),
        );
    }
    if PY_FLOAT.is_match(text) {
        return Resolved::Float(float_value(text));
    }
    if PY_INT.is_match(text) {
        return int_value(text).map_or(Resolved::Float(None), Resolved::Int);
    }
    if text == "<<" {
        return Resolved::Merge;
    }
    if PY_NULL.is_match(text) {
        return Resolved::Null;
    }
    if PY_TIMESTAMP.is_match(text) {
        return Resolved::Timestamp;
    }
    if text == "=" {
        return Resolved::Value;
    }
    Resolved::Str
}

fn resolve_go_yaml_v2(text: &str) -> Resolved {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(None),
        "<<" => return Resolved::Merge,
        _ => {}
    }
    // Go's base-0 parsing: a leading 0 means octal, so `09` is no integer (and no float either
    // but for yamlStyleFloat, which takes it as 9.0).
    if GO_INT.is_match(text) {
        if let Some(v) = go_int_value(text) {
            return Resolved::Int(v);
        }
    }
    if GO_FLOAT.is_match(text) {
        return Resolved::Float(text.parse::<f64>().ok().filter(|v| v.is_finite()));
    }
    // Timestamps decode into interface{} as their text in go-yaml v2: strings, for our purpose.
    Resolved::Str
}

fn split_sign(text: &str) -> (i128, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    }
}

/// As PyYAML's construct_yaml_int: underscores dropped, then 0b, 0x, leading-0 octal,
/// sexagesimal (`:`-separated base 60) or decimal. None if it overflows i128.
fn int_value(text: &str) -> Option<i128> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (sign, digits) = split_sign(&cleaned);
    let magnitude = if digits == "0" {
        0
    } else if let Some(b) = digits.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()?
    } else if let Some(h) = digits.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix('0') {
        i128::from_str_radix(o, 8).ok()?
    } else if digits.contains(':') {
        digits.split(':').try_fold(0i128, |acc, part| {
            acc.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)
        })?
    } else {
        digits.parse::<i128>().ok()?
    };
    Some(sign * magnitude)
}

/// As Go's strconv.ParseInt/ParseUint with base 0; None when it does not fit 64 bits (go-yaml
/// then tries the float syntax).
fn go_int_value(text: &str) -> Option<i128> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (sign, digits) = split_sign(&cleaned);
    let lower = digits.to_ascii_lowercase();
    let magnitude = if let Some(b) = lower.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()?
    } else if let Some(h) = lower.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i128::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse::<i128>().ok()?
    };
    let v = sign * magnitude;
    (v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX)).then_some(v)
}

/// As PyYAML's construct_yaml_float; None for infinities, NaN and texts no float parser takes.
fn float_value(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (sign, digits) = split_sign(&cleaned);
    let magnitude = if digits.contains(':') {
        digits.split(':').try_fold(0f64, |acc, part| {
            Some(acc * 60.0 + part.parse::<f64>().ok()?)
        })?
    } else {
        digits.parse::<f64>().ok()?
    };
    let v = sign as f64 * magnitude;
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Reader::{GoYamlV2 as Go, PyYaml as Py};

    #[test]
    fn the_traps_cloud_init_falls_into() {
        assert_eq!(
            resolve(Py, "52:54:00:12:34:56"),
            Resolved::Int(41_135_085_296)
        );
        assert_eq!(resolve(Py, "on"), Resolved::Bool(true));
        assert_eq!(resolve(Py, "No"), Resolved::Bool(false));
        assert_eq!(resolve(Py, "017"), Resolved::Int(15));
        assert_eq!(resolve(Py, "0x1f"), Resolved::Int(31));
        assert_eq!(resolve(Py, "1_000"), Resolved::Int(1000));
        assert_eq!(resolve(Py, "190:20:30"), Resolved::Int(685_230));
        assert_eq!(resolve(Py, "1.5"), Resolved::Float(Some(1.5)));
        assert_eq!(resolve(Py, "1:30.5"), Resolved::Float(Some(90.5)));
        assert_eq!(resolve(Py, ".inf"), Resolved::Float(None));
        assert_eq!(resolve(Py, "~"), Resolved::Null);
        assert_eq!(resolve(Py, ""), Resolved::Null);
        assert_eq!(resolve(Py, "2024-01-02"), Resolved::Timestamp);
        assert_eq!(resolve(Py, "="), Resolved::Value);
        for s in [
            "y",
            "n",
            "0o17",
            "1e3",
            "12:34:56:ab:cd:ef",
            "12:60",
            "br-external",
            "10.0.0.1",
            "eth0",
            "::1",
        ] {
            assert_eq!(resolve(Py, s), Resolved::Str, "{s}");
        }
    }

    #[test]
    fn the_traps_kubectl_falls_into() {
        assert_eq!(resolve(Go, "y"), Resolved::Bool(true));
        assert_eq!(resolve(Go, "OFF"), Resolved::Bool(false));
        assert_eq!(resolve(Go, "0o17"), Resolved::Int(15));
        assert_eq!(resolve(Go, "017"), Resolved::Int(15));
        assert_eq!(resolve(Go, "1_000"), Resolved::Int(1000));
        assert_eq!(resolve(Go, "1e3"), Resolved::Float(Some(1000.0)));
        assert_eq!(resolve(Go, "09"), Resolved::Float(Some(9.0)));
        assert_eq!(
            resolve(Go, "18446744073709551615"),
            Resolved::Int(18_446_744_073_709_551_615)
        );
        assert_eq!(
            resolve(Go, "18446744073709551616"),
            Resolved::Float(Some(18_446_744_073_709_551_616.0))
        );
        for s in [
            "52:54:00:12:34:56",
            "2024-01-02",
            "=",
            "1_",
            "10.0.0.1",
            "0x",
            "br-external",
        ] {
            assert_eq!(resolve(Go, s), Resolved::Str, "{s}");
        }
    }
}
