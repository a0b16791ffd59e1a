//! What YAML 1.1 makes of a plain scalar. cloud-init reads network-config with PyYAML, whose
//! implicit resolvers follow YAML 1.1; netplan (libyaml) and our parser keep the text, so the
//! same unquoted word can be a string to one and a number or boolean to the other.

/// PyYAML's reading of a plain (unquoted) scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Str,
    Bool(bool),
    Null,
    Int(i128),
    Float(f64),
}

/// Resolves a plain scalar the way PyYAML's `SafeLoader` does (bool, null, int, float; other
/// tags such as timestamps keep their text and are read as strings here).
pub fn resolve(text: &str) -> Reading {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Reading::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Reading::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Reading::Null,
        _ => {}
    }
    if let Some(n) = int(text) {
        return Reading::Int(n);
    }
    if let Some(f) = float(text) {
        return Reading::Float(f);
    }
    Reading::Str
}

/// How cloud-init hands a non-string value on: `str()` of the Python object when its own
/// renderers write it into a config file, or its YAML dump when it passes the config through to
/// netplan. None for strings.
pub fn shown(reading: Reading, own_renderer: bool) -> Option<String> {
    Some(match reading {
        Reading::Str => return None,
        Reading::Bool(b) if own_renderer => if b { "True" } else { "False" }.to_string(),
        Reading::Bool(b) => if b { "true" } else { "false" }.to_string(),
        Reading::Null if own_renderer => "None".to_string(),
        Reading::Null => "null".to_string(),
        Reading::Int(n) => n.to_string(),
        Reading::Float(f) => format!("{f:?}"),
    })
}

/// True when a plain scalar meant as text reaches the guest as other text: PyYAML reads it as
/// a boolean, null or number, and cloud-init writes that back differently (`on` becomes
/// `True`, `010` becomes `8`). Plain decimals such as `8080` round-trip and are not counted.
pub fn changes_meaning(text: &str, own_renderer: bool) -> bool {
    shown(resolve(text), own_renderer).is_some_and(|s| s != text)
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// YAML 1.1 int: `[-+]?0b[01_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+
/// | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`.
fn int(text: &str) -> Option<i128> {
    let (neg, body) = split_sign(text);
    let digits = |s: &str, radix: u32| -> Option<i128> {
        let cleaned: String = s.chars().filter(|&c| c != '_').collect();
        if cleaned.is_empty() {
            return Some(0);
        }
        i128::from_str_radix(&cleaned, radix).ok()
    };
    let value = if let Some(b) = body.strip_prefix("0b") {
        (!b.is_empty() && b.bytes().all(|c| c == b'0' || c == b'1' || c == b'_'))
            .then(|| digits(b, 2))??
    } else if let Some(h) = body.strip_prefix("0x") {
        (!h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_'))
            .then(|| digits(h, 16))??
    } else if body == "0" {
        0
    } else if let Some(o) = body.strip_prefix('0') {
        (!o.is_empty() && o.bytes().all(|c| (b'0'..=b'7').contains(&c) || c == b'_'))
            .then(|| digits(o, 8))??
    } else if body.contains(':') {
        let v = sexagesimal_parts(body, false)?;
        if v.fract() != 0.0 || v > i128::MAX as f64 {
            return None;
        }
        v as i128
    } else {
        let ok = body.starts_with(|c: char| ('1'..='9').contains(&c))
            && body.bytes().all(|c| c.is_ascii_digit() || c == b'_');
        ok.then(|| digits(body, 10))??
    };
    Some(if neg { -value } else { value })
}

/// YAML 1.1 float: `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9][0-9_]*([eE][-+][0-9]+)?
/// | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`.
fn float(text: &str) -> Option<f64> {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (neg, body) = split_sign(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if body.contains(':') {
        return sexagesimal_parts(body, true).map(|v| if neg { -v } else { v });
    }
    // A leading bare `.` takes no sign in PyYAML's pattern.
    if body.starts_with('.') && body.len() != text.len() {
        return None;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac) = mantissa.split_once('.')?;
    let digits_ = |s: &str| s.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let int_ok = if int_part.is_empty() {
        frac.starts_with(|c: char| c.is_ascii_digit())
    } else {
        int_part.starts_with(|c: char| c.is_ascii_digit()) && digits_(int_part)
    };
    let exp_ok = exponent.is_none_or(|e| {
        matches!(e.as_bytes().first(), Some(b'-') | Some(b'+'))
            && e.len() > 1
            && e[1..].bytes().all(|c| c.is_ascii_digit())
    });
    if !(int_ok && digits_(frac) && exp_ok) {
        return None;
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let v: f64 = if cleaned.starts_with('.') {
        format!("0{cleaned}")
    } else {
        cleaned
    }
    .parse()
    .ok()?;
    Some(if neg { -v } else { v })
}

/// Base 60: `first(:[0-5]?[0-9])+` with an optional `.fraction` on the last part (floats only).
/// Integers need a first part without a leading zero.
fn sexagesimal_parts(body: &str, is_float: bool) -> Option<f64> {
    let mut parts: Vec<&str> = body.split(':').collect();
    let first = parts.remove(0);
    let last = parts.pop()?;
    let (last, fraction) = match last.split_once('.') {
        Some((l, f)) if is_float => (l, Some(f)),
        Some(_) => return None,
        None if is_float => return None,
        None => (last, None),
    };
    let first_ok = first.starts_with(|c: char| c.is_ascii_digit())
        && first.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        && (is_float || !first.starts_with('0'));
    let base60 = |p: &str| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || p.as_bytes()[0] <= b'5')
    };
    if !first_ok || !parts.iter().all(|p| base60(p)) || !base60(last) {
        return None;
    }
    if let Some(f) = fraction {
        if !f.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
    }
    let mut value: f64 = first.replace('_', "").parse().ok()?;
    for p in parts.iter().chain(std::iter::once(&last)) {
        value = value * 60.0 + p.parse::<f64>().ok()?;
    }
    if let Some(f) = fraction
        .map(|f| f.replace('_', ""))
        .filter(|f| !f.is_empty())
    {
        value += format!("0.{f}").parse::<f64>().ok()?;
    }
    Some(value)
}

/// What YAML 1.1 makes of a plain scalar that YAML 1.2 reads as a string: the sexagesimal
/// (base 60) integers and floats of YAML 1.1, e.g. `52:54:00:12:34:56` -> 41135085296.
/// Returns the number PyYAML would produce, or None when it stays a string.
pub fn sexagesimal(text: &str) -> Option<f64> {
    let (neg, body) = split_sign(text);
    if !body.contains(':') {
        return None;
    }
    let v = sexagesimal_parts(body, false).or_else(|| sexagesimal_parts(body, true))?;
    Some(if neg { -v } else { v })
}

/// A boolean as PyYAML (YAML 1.1) reads it, for a value our YAML 1.2 parser read: `yes`/`on`
/// arrive as strings.
pub fn is_true(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::String(s) => matches!(
            s.as_str(),
            "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
        ),
        _ => false,
    }
}

/// Six colon-separated pairs of hex digits: something meant as a MAC address.
pub fn looks_like_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expectation below was checked with
    // python3 -c "import yaml; print(repr(yaml.safe_load('v: <text>')['v']))" (PyYAML 6).
    #[test]
    fn reads_like_pyyaml() {
        let cases: &[(&str, Reading)] = &[
            ("on", Reading::Bool(true)),
            ("Off", Reading::Bool(false)),
            ("y", Reading::Str),
            ("n", Reading::Str),
            ("tRue", Reading::Str),
            ("~", Reading::Null),
            ("010", Reading::Int(8)),
            ("09", Reading::Str),
            ("0x1f", Reading::Int(31)),
            ("0b101", Reading::Int(5)),
            ("1_000", Reading::Int(1000)),
            ("-42", Reading::Int(-42)),
            ("1:20", Reading::Int(80)),
            ("52:54:00:12:34:56", Reading::Int(41135085296)),
            ("02:00:00:00:00:01", Reading::Str),
            ("52:54:00:ab:cd:ef", Reading::Str),
            ("1.5", Reading::Float(1.5)),
            ("1e3", Reading::Str),
            ("1.0e+3", Reading::Float(1000.0)),
            (".5", Reading::Float(0.5)),
            ("10.0.0.1", Reading::Str),
            ("10.0.0.1/24", Reading::Str),
            ("eth0", Reading::Str),
            ("2001:db8::1", Reading::Str),
        ];
        for (text, want) in cases {
            assert_eq!(resolve(text), *want, "{text}");
        }
    }

    #[test]
    fn what_changes_meaning() {
        for t in [
            "on", "yes", "~", "010", "0x1f", "1_500", "1:20", "1.50", "true",
        ] {
            assert!(changes_meaning(t, true), "{t}");
        }
        for t in [
            "eth0", "8080", "0", "en*", "10.0.0.1", "y", "09", "True", "1.5",
        ] {
            assert!(!changes_meaning(t, true), "{t}");
        }
        // Passed through to netplan, booleans are dumped as true/false.
        assert!(!changes_meaning("false", false));
        assert!(changes_meaning("off", false));
        assert!(changes_meaning("False", false));
    }

    #[test]
    fn sexagesimal_as_pyyaml_reads_it() {
        assert_eq!(sexagesimal("52:54:00:12:34:56"), Some(41135085296.0));
        assert_eq!(sexagesimal("1:20"), Some(80.0));
        assert_eq!(sexagesimal("-1:20"), Some(-80.0));
        assert_eq!(sexagesimal("1:20.5"), Some(80.5));
        assert_eq!(sexagesimal("12:30"), Some(750.0));
        // A leading zero is no YAML 1.1 int; hex letters and parts over 59 stay strings.
        assert_eq!(sexagesimal("02:00:00:00:00:01"), None);
        assert_eq!(sexagesimal("52:54:00:ab:cd:ef"), None);
        assert_eq!(sexagesimal("52:54:00:12:34:60"), None);
        assert_eq!(sexagesimal("5254"), None);
        assert_eq!(sexagesimal("a:1"), None);
    }
}
