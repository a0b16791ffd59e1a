//! What YAML 1.1 makes of a plain (unquoted) scalar, for the two YAML 1.1 readers downstream of
//! us: PyYAML, which cloud-init reads network-config with, and go-yaml v2, which
//! sigs.k8s.io/yaml (kubectl, the API machinery) reads manifests with. netplan (libyaml) and our
//! parser keep the text, so the same unquoted word can be a string to one and a number,
//! boolean or date to the other.
//!
//! The one resolver of the project: the linter asks it about PyYAML, the fuzz targets about
//! both readers. Hand-written from PyYAML 6's implicit resolvers and constructors (resolver.py,
//! constructor.py) and go-yaml v2's resolve table (resolve.go), without a regex engine so the
//! core stays small for wasm; tests/yaml11_pyyaml.rs compares it with the real PyYAML.
//!
//! Over 600 lines: both readers' grammars written out by hand, and their tests; they share the
//! one `Resolved` type and are read side by side.

/// A YAML 1.1 reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// PyYAML's `SafeLoader` (cloud-init).
    PyYaml,
    /// go-yaml v2 decoding into `interface{}` (kubectl, sigs.k8s.io/yaml).
    GoYamlV2,
}

pub const READERS: [Reader; 2] = [Reader::PyYaml, Reader::GoYamlV2];

/// A plain scalar, as a reader resolves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    /// An integer beyond i128 (PyYAML's ints have no limit).
    BigInt,
    /// A float, `.inf` and `.nan` included.
    Float(f64),
    /// A date or timestamp (PyYAML builds a `datetime.date` or `datetime.datetime`).
    Timestamp,
    /// `=`: PyYAML's `tag:yaml.org,2002:value`, which its safe loader refuses outright.
    Value,
    /// `<<`: a merge key.
    Merge,
    /// Text the resolver tags as a number or date but the constructor cannot build (`0b_`,
    /// `2024-13-01`): PyYAML raises and nothing is loaded.
    Unreadable,
    Str,
}

/// Resolves the text of a plain scalar (its content, after line folding) as `reader` does.
pub fn resolve(reader: Reader, text: &str) -> Resolved {
    match reader {
        Reader::PyYaml => pyyaml(text),
        Reader::GoYamlV2 => go_yaml_v2(text),
    }
}

/// How cloud-init hands a non-string value on: `str()` of the Python object when its own
/// renderers write it into a config file, or its YAML dump when it passes the config through to
/// netplan. None for strings (and for values it cannot load, or ints too large to show here).
pub fn shown(reading: Resolved, own_renderer: bool) -> Option<String> {
    Some(match reading {
        Resolved::Str | Resolved::Value | Resolved::Merge | Resolved::Unreadable => return None,
        Resolved::BigInt | Resolved::Timestamp => return None,
        Resolved::Bool(b) if own_renderer => if b { "True" } else { "False" }.to_string(),
        Resolved::Bool(b) => if b { "true" } else { "false" }.to_string(),
        Resolved::Null if own_renderer => "None".to_string(),
        Resolved::Null => "null".to_string(),
        Resolved::Int(n) => n.to_string(),
        Resolved::Float(f) if f.is_nan() => if own_renderer { "nan" } else { ".nan" }.to_string(),
        Resolved::Float(f) if f.is_infinite() => {
            let sign = if f < 0.0 { "-" } else { "" };
            format!("{sign}{}", if own_renderer { "inf" } else { ".inf" })
        }
        Resolved::Float(f) => format!("{f:?}"),
    })
}

/// True when a plain scalar meant as text does not reach the guest as that text: PyYAML reads
/// it as a boolean, null or number that cloud-init writes back differently (`on` becomes
/// `True`, `010` becomes `8`), as a date, or cannot load it at all (`=`). Plain decimals such
/// as `8080` round-trip and are not counted.
pub fn changes_meaning(text: &str, own_renderer: bool) -> bool {
    match resolve(Reader::PyYaml, text) {
        Resolved::Timestamp | Resolved::Value | Resolved::Merge | Resolved::Unreadable => true,
        reading => shown(reading, own_renderer).is_some_and(|s| s != text),
    }
}

// PyYAML ----------------------------------------------------------------------------------

fn pyyaml(text: &str) -> Resolved {
    // resolver.py tries these in registration order: bool, float, int, merge, null, timestamp,
    // value.
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        _ => {}
    }
    if let Some(f) = py_float(text) {
        return f;
    }
    if let Some(i) = py_int(text) {
        return i;
    }
    match text {
        "<<" => return Resolved::Merge,
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        _ => {}
    }
    if let Some(t) = py_timestamp(text) {
        return t;
    }
    if text == "=" {
        return Resolved::Value;
    }
    Resolved::Str
}

fn split_sign(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// Non-empty and made of `digit` characters and underscores.
fn digits_or_underscores(s: &str, digit: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(|c| c == b'_' || digit(c))
}

/// Base 60 parts after the first: `(:[0-5]?[0-9])+`, as `[":12", ":3"]` without the colons.
fn base60_parts(parts: &[&str]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| {
            let b = p.as_bytes();
            match b.len() {
                1 => b[0].is_ascii_digit(),
                2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
                _ => false,
            }
        })
}

/// resolver.py's int: `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) |
/// [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`, then construct_yaml_int.
fn py_int(text: &str) -> Option<Resolved> {
    let (neg, body) = split_sign(text);
    let matched = if let Some(b) = body.strip_prefix("0b") {
        digits_or_underscores(b, |c| c == b'0' || c == b'1')
    } else if let Some(h) = body.strip_prefix("0x") {
        digits_or_underscores(h, |c| c.is_ascii_hexdigit())
    } else if let Some(o) = body.strip_prefix('0') {
        o.is_empty() || digits_or_underscores(o, |c| (b'0'..=b'7').contains(&c))
    } else if body.starts_with(|c: char| ('1'..='9').contains(&c)) {
        let mut parts = body.split(':');
        let first = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        digits_or_underscores(first, |c| c.is_ascii_digit())
            && (rest.is_empty() || base60_parts(&rest))
    } else {
        false
    };
    if !matched {
        return None;
    }
    // construct_yaml_int: underscores dropped, then 0, 0b, 0x, leading-0 octal, base 60,
    // decimal. `0b_` leaves no digits: int('', 2) raises.
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let parsed = if cleaned == "0" {
        Ok(0)
    } else if let Some(b) = cleaned.strip_prefix("0b") {
        i128::from_str_radix(b, 2)
    } else if let Some(h) = cleaned.strip_prefix("0x") {
        i128::from_str_radix(h, 16)
    } else if let Some(o) = cleaned.strip_prefix('0') {
        i128::from_str_radix(o, 8)
    } else if cleaned.contains(':') {
        let value = cleaned.split(':').try_fold(0i128, |acc, part| {
            acc.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)
        });
        return Some(value.map_or(Resolved::BigInt, |v| {
            Resolved::Int(if neg { -v } else { v })
        }));
    } else {
        cleaned.parse::<i128>()
    };
    Some(match parsed {
        Ok(v) => Resolved::Int(if neg { -v } else { v }),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::Empty) => Resolved::Unreadable,
        Err(_) => Resolved::BigInt,
    })
}

/// resolver.py's float: `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? |
/// \.[0-9][0-9_]*(?:[eE][-+][0-9]+)? | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* |
/// [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`, then construct_yaml_float.
fn py_float(text: &str) -> Option<Resolved> {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Resolved::Float(f64::NAN));
    }
    let (neg, body) = split_sign(text);
    let signed = |v: f64| Resolved::Float(if neg { -v } else { v });
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(signed(f64::INFINITY));
    }
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let first_digit = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
    if body.contains(':') {
        // Base 60: the last part carries the fraction, which is required.
        let (whole, fraction) = body.rsplit_once('.')?;
        let mut parts = whole.split(':');
        let first = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        if !(first_digit(first) && digits(first) && base60_parts(&rest) && digits(fraction)) {
            return None;
        }
        let mut value: f64 = first.replace('_', "").parse().ok()?;
        for p in &rest {
            value = value * 60.0 + p.parse::<f64>().ok()?;
        }
        let fraction = fraction.replace('_', "");
        if !fraction.is_empty() {
            value += format!("0.{fraction}").parse::<f64>().ok()?;
        }
        return Some(signed(value));
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
    let int_ok = if int_part.is_empty() {
        first_digit(frac)
    } else {
        first_digit(int_part) && digits(int_part)
    };
    let exp_ok = exponent.is_none_or(|e| {
        matches!(e.as_bytes().first(), Some(b'-') | Some(b'+'))
            && e.len() > 1
            && e[1..].bytes().all(|c| c.is_ascii_digit())
    });
    if !(int_ok && digits(frac) && exp_ok) {
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
    Some(signed(v))
}

/// resolver.py's timestamp: `YYYY-MM-DD`, or `YYYY-M-D` then `T`/`t`/blanks, `H:MM:SS`, an
/// optional fraction and an optional zone (`Z`, `+H`, `-HH:MM`). construct_yaml_timestamp
/// raises on a date or time that does not exist.
fn py_timestamp(text: &str) -> Option<Resolved> {
    let b = text.as_bytes();
    let num = |s: &[u8]| -> Option<u32> {
        (!s.is_empty() && s.iter().all(u8::is_ascii_digit))
            .then(|| s.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
    };
    // Digits from `at`, at least `min` and at most `max` of them: (value, next position).
    let take = |at: usize, min: usize, max: usize| -> Option<(u32, usize)> {
        let n = b[at.min(b.len())..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count();
        (n >= min).then(|| (num(&b[at..at + n]).unwrap_or(0), at + n))
    };
    let expect = |at: usize, c: u8| (b.get(at) == Some(&c)).then_some(at + 1);
    let (year, at) = take(0, 4, 4)?;
    let at = expect(at, b'-')?;
    let (month, at_month) = take(at, 1, 2)?;
    let at = expect(at_month, b'-')?;
    let (day, at) = take(at, 1, 2)?;
    let date_ok = year >= 1 && (1..=12).contains(&month) && {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        (1..=days[month as usize - 1]).contains(&day)
    };
    let valid = |ok: bool| {
        Some(if ok {
            Resolved::Timestamp
        } else {
            Resolved::Unreadable
        })
    };
    if at == b.len() {
        // The date-only form needs two-digit month and day.
        return if at == 10 { valid(date_ok) } else { None };
    }
    let mut at = match b.get(at) {
        Some(b'T' | b't') => at + 1,
        Some(b' ' | b'\t') => {
            at + b[at..]
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count()
        }
        _ => return None,
    };
    let (hour, next) = take(at, 1, 2)?;
    at = expect(next, b':')?;
    let (minute, next) = take(at, 2, 2)?;
    at = expect(next, b':')?;
    let (second, next) = take(at, 2, 2)?;
    at = next;
    if b.get(at) == Some(&b'.') {
        at += 1 + b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    }
    at += b[at..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    let mut zone_ok = true;
    match b.get(at) {
        None => {}
        Some(b'Z') => at += 1,
        Some(b'+' | b'-') => {
            let (zone_hour, next) = take(at + 1, 1, 2)?;
            at = next;
            let mut zone_minute = 0;
            if b.get(at) == Some(&b':') {
                (zone_minute, at) = take(at + 1, 2, 2)?;
            }
            // datetime.timezone takes offsets under a day.
            zone_ok = zone_hour * 60 + zone_minute < 24 * 60;
        }
        _ => return None,
    }
    if at != b.len() {
        return None;
    }
    valid(date_ok && hour < 24 && minute < 60 && second < 60 && zone_ok)
}

// go-yaml v2 ------------------------------------------------------------------------------

fn go_yaml_v2(text: &str) -> Resolved {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        "<<" => return Resolved::Merge,
        _ => {}
    }
    // Go's base-0 parsing: a leading 0 means octal, so `09` is no integer (and no float either
    // but for yamlStyleFloat, which takes it as 9.0).
    if go_int_syntax(text) {
        if let Some(v) = go_int_value(text) {
            return Resolved::Int(v);
        }
    }
    if go_float_syntax(text) {
        if let Ok(v) = text.parse::<f64>() {
            return Resolved::Float(v);
        }
    }
    // Timestamps decode into interface{} as their text in go-yaml v2: strings, for our purpose.
    Resolved::Str
}

/// Digits with single underscores between them: `[d]+(?:_[d]+)*`.
fn underscored(s: &str, digit: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.split('_').all(|g| !g.is_empty() && g.bytes().all(&digit))
}

/// strconv's base-0 integer syntax: `[-+]?(?:0[bB]_?[01]+(?:_[01]+)* | 0[oO]_?[0-7]+(?:_[0-7]+)*
/// | 0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)* | 0_?[0-7]+(?:_[0-7]+)* | [0-9]+(?:_[0-9]+)*)`.
fn go_int_syntax(text: &str) -> bool {
    let (_, body) = split_sign(text);
    let after_prefix = |rest: &str, digit: fn(u8) -> bool| {
        underscored(rest.strip_prefix('_').unwrap_or(rest), digit)
    };
    let prefixed = |p: [&str; 2], digit: fn(u8) -> bool| {
        p.iter()
            .any(|p| body.strip_prefix(p).is_some_and(|r| after_prefix(r, digit)))
    };
    prefixed(["0b", "0B"], |c| c == b'0' || c == b'1')
        || prefixed(["0o", "0O"], |c| (b'0'..=b'7').contains(&c))
        || prefixed(["0x", "0X"], |c| c.is_ascii_hexdigit())
        || body
            .strip_prefix('0')
            .is_some_and(|r| after_prefix(r, |c| (b'0'..=b'7').contains(&c)))
        || underscored(body, |c| c.is_ascii_digit())
}

/// As Go's strconv.ParseInt/ParseUint with base 0; None when it does not fit 64 bits (go-yaml
/// then tries the float syntax).
fn go_int_value(text: &str) -> Option<i128> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = split_sign(&cleaned);
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
    let v = if neg { -magnitude } else { magnitude };
    (v >= i128::from(i64::MIN) && v <= i128::from(u64::MAX)).then_some(v)
}

/// go-yaml v2's yamlStyleFloat: `[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?`.
fn go_float_syntax(text: &str) -> bool {
    let (_, body) = split_sign(text);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

// Helpers on top ----------------------------------------------------------------------------

/// What YAML 1.1 makes of a plain scalar that YAML 1.2 reads as a string: the sexagesimal
/// (base 60) integers and floats of YAML 1.1, e.g. `52:54:00:12:34:56` -> 41135085296.
/// Returns the number PyYAML would produce, or None when it stays a string.
pub fn sexagesimal(text: &str) -> Option<f64> {
    if !text.contains(':') {
        return None;
    }
    match pyyaml(text) {
        Resolved::Int(n) => Some(n as f64),
        Resolved::Float(f) => Some(f),
        _ => None,
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
    use Reader::{GoYamlV2 as Go, PyYaml as Py};

    // Checked with python3 -c "import yaml; print(repr(yaml.safe_load('v: <text>')['v']))"
    // (PyYAML 6); tests/yaml11_pyyaml.rs does it for thousands of scalars.
    #[test]
    fn the_traps_cloud_init_falls_into() {
        let cases: &[(&str, Resolved)] = &[
            ("52:54:00:12:34:56", Resolved::Int(41_135_085_296)),
            ("on", Resolved::Bool(true)),
            ("No", Resolved::Bool(false)),
            ("Off", Resolved::Bool(false)),
            ("017", Resolved::Int(15)),
            ("010", Resolved::Int(8)),
            ("0x1f", Resolved::Int(31)),
            ("0b101", Resolved::Int(5)),
            ("1_000", Resolved::Int(1000)),
            ("-42", Resolved::Int(-42)),
            ("1:20", Resolved::Int(80)),
            ("190:20:30", Resolved::Int(685_230)),
            ("1.5", Resolved::Float(1.5)),
            ("1.0e+3", Resolved::Float(1000.0)),
            (".5", Resolved::Float(0.5)),
            ("1:30.5", Resolved::Float(90.5)),
            ("-.inf", Resolved::Float(f64::NEG_INFINITY)),
            ("~", Resolved::Null),
            ("", Resolved::Null),
            ("2024-01-02", Resolved::Timestamp),
            ("2024-1-2 10:20:30", Resolved::Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Resolved::Timestamp),
            ("2024-13-02", Resolved::Unreadable),
            ("0b_", Resolved::Unreadable),
            ("=", Resolved::Value),
            ("<<", Resolved::Merge),
        ];
        for (text, want) in cases {
            assert_eq!(resolve(Py, text), *want, "{text}");
        }
        assert!(matches!(resolve(Py, ".NaN"), Resolved::Float(f) if f.is_nan()));
        for s in [
            "y",
            "n",
            "tRue",
            "09",
            "0o17",
            "1e3",
            "12:34:56:ab:cd:ef",
            "02:00:00:00:00:01",
            "12:60",
            "br-external",
            "10.0.0.1",
            "10.0.0.1/24",
            "eth0",
            "::1",
            "2001:db8::1",
            "2024-1-2",
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
        assert_eq!(resolve(Go, "1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve(Go, "09"), Resolved::Float(9.0));
        assert_eq!(
            resolve(Go, "18446744073709551615"),
            Resolved::Int(18_446_744_073_709_551_615)
        );
        assert_eq!(
            resolve(Go, "18446744073709551616"),
            Resolved::Float(18_446_744_073_709_551_616.0)
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

    #[test]
    fn what_changes_meaning() {
        for t in [
            "on",
            "yes",
            "~",
            "010",
            "0x1f",
            "1_500",
            "1:20",
            "1.50",
            "true",
            "=",
            "2024-01-02",
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
