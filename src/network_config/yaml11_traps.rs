//! The YAML 1.1 traps: what cloud-init's PyYAML makes of a scalar netplan reads as text (or as
//! a netplan boolean), judged by what the value is meant to be. The resolver is `yaml11`.

use super::fields;
use super::yaml11::{self, Reader, Resolved};
use super::{netplan_bool, Lint, Scalar};
use crate::diagnostic::{Code, Diagnostic};
use serde_json::Value;

/// A mapping key that is a name (device ID, SSID, port): YAML 1.1 must keep it text.
pub(super) fn name_key(lint: &mut Lint<'_>, path: &str, key: &str, what: &str, own_renderer: bool) {
    if !lint.key_is_plain(path) {
        return;
    }
    let raw = lint
        .doc
        .spans
        .get(path)
        .and_then(|n| n.key)
        .and_then(|k| lint.text.get(k.start..k.end))
        .unwrap_or(key)
        .to_string();
    if yaml11::changes_meaning(&raw, own_renderer) {
        let (_, how) = pyyaml_account(&raw, own_renderer);
        lint.push(
            Diagnostic::new(
                Code::Yaml11Ambiguous,
                path,
                format!("{what} is not the text `{raw}` to YAML 1.1 (cloud-init's PyYAML): {how}"),
            )
            .with_hint(format!("quote it: \"{raw}\""))
            .at_key(),
        );
    }
}

/// Text that PyYAML would turn into something else.
pub(super) fn text_trap(
    lint: &mut Lint<'_>,
    path: &str,
    key: &str,
    s: &Scalar,
    own_renderer: bool,
) {
    if !s.plain || !yaml11::changes_meaning(&s.text, own_renderer) {
        return;
    }
    if yaml11::looks_like_mac(&s.text) {
        unquoted_mac(lint, path, &s.text);
        return;
    }
    let (what, how) = pyyaml_account(&s.text, own_renderer);
    lint.push(
        Diagnostic::new(
            Code::Yaml11Ambiguous,
            path,
            format!("`{key}: {}` is {what} to YAML 1.1 (cloud-init's PyYAML): {how}, while netplan reads the text `{}`", s.text, s.text),
        )
        .with_hint(format!("quote it: \"{}\"", s.text))
        .with_fix(quote(path, &s.text)),
    );
}

/// The repair of a YAML 1.1 trap in a value: the same text, quoted (a string to every reader).
fn quote(path: &str, text: &str) -> crate::fix::Fix {
    crate::fix::Fix::safe(
        format!("quote `{text}`"),
        vec![crate::fix::PatchOp::replace(
            &crate::json_path::JsonPath::parse(path),
            Value::String(text.to_string()),
        )],
    )
}

/// What PyYAML makes of a plain scalar that changes meaning, for the messages: what it is, and
/// what cloud-init then does with it.
fn pyyaml_account(text: &str, own_renderer: bool) -> (&'static str, String) {
    let reading = yaml11::resolve(Reader::PyYaml, text);
    let unloadable = |what| {
        (
            what,
            "its safe loader raises, and cloud-init reads none of the network-config".to_string(),
        )
    };
    let what = match reading {
        Resolved::Bool(_) => "a boolean",
        Resolved::Null => "null",
        Resolved::Value => return unloadable("the value tag"),
        Resolved::Merge => return unloadable("the merge key"),
        Resolved::Unreadable => return unloadable("a number or date that cannot exist"),
        // A date's str() is its text, which the sysconfig renderer writes; the networkd
        // renderer adds it to a str and fails (checked with cloud-init 22.4).
        Resolved::Timestamp => {
            let date = if text.len() == 10 {
                format!("the date `{text}`")
            } else {
                "a date and time".to_string()
            };
            let how = format!(
                "cloud-init hands it on as {date}, which its networkd renderer fails on (TypeError)"
            );
            return ("a date", how);
        }
        Resolved::Int(_) | Resolved::BigInt | Resolved::Float(_) => "a number",
        Resolved::Str => "text",
    };
    let how = match yaml11::shown(reading, own_renderer) {
        Some(shown) => format!("cloud-init hands it on as `{shown}`"),
        None => format!("cloud-init hands it on as {what}, not as text"),
    };
    (what, how)
}

pub(super) fn unquoted_mac(lint: &mut Lint<'_>, path: &str, text: &str) {
    let n = yaml11::sexagesimal(text).unwrap_or_default();
    lint.push(
        Diagnostic::new(
            Code::UnquotedMac,
            path,
            format!("the unquoted MAC {text} is the number {n:.0} to YAML 1.1, which cloud-init uses: the match never fits the NIC"),
        )
        .with_hint(format!("quote it: \"{text}\""))
        .with_fix(quote(path, text)),
    );
}

pub(super) fn boolean(lint: &mut Lint<'_>, path: &str, key: &str, value: &Value, cloud_init: bool) {
    let Some(s) = fields::scalar_or_complain(lint, path, key, value, "true or false") else {
        return;
    };
    let Some(netplan) = netplan_bool(&s.text) else {
        fields::invalid(
            lint,
            path,
            format!(
                "`{key}: {}` is not a boolean: netplan refuses it",
                s.text.escape_debug()
            ),
            format!("write `{key}: true` or `{key}: false`"),
        );
        return;
    };
    if !cloud_init {
        return;
    }
    let reading = if s.plain {
        yaml11::resolve(Reader::PyYaml, &s.text)
    } else {
        Resolved::Str
    };
    let cloud_init_reads: Option<bool> = match (key, reading) {
        (_, Resolved::Bool(b)) => Some(b),
        // network_state.py tests `if cfg.get("dhcp4")`: any non-empty text is true.
        ("dhcp4" | "dhcp6", Resolved::Str) => Some(!s.text.is_empty()),
        ("dhcp4" | "dhcp6", Resolved::Null) => Some(false),
        // The bridge's stp goes through an explicit on/off table; anything else is an error.
        ("stp", Resolved::Str) => match s.text.as_str() {
            "on" | "1" => Some(true),
            "off" | "0" => Some(false),
            _ => None,
        },
        // accept-ra and wakeonlan go through util.is_true.
        (_, Resolved::Str) => Some(matches!(
            s.text.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "on" | "yes"
        )),
        (_, _) => Some(netplan),
    };
    let word = if netplan { "true" } else { "false" };
    match cloud_init_reads {
        Some(c) if c == netplan => {}
        Some(c) => lint.push(
            Diagnostic::new(
                Code::Yaml11Boolean,
                path,
                format!(
                    "`{key}: {}` is {word} to netplan but {} to cloud-init, which reads it with YAML 1.1 as {}: the guest gets the opposite wherever cloud-init renders",
                    shown_scalar(&s),
                    c,
                    if s.plain { "the text `".to_string() + &s.text + "`" } else { "a quoted string".to_string() }
                ),
            )
            .with_hint(format!("write `{key}: {word}` without quotes")),
        ),
        None => lint.push(
            Diagnostic::new(
                Code::CloudInitRefuses,
                path,
                format!("cloud-init 22.4's own renderers refuse `{key}: {}` (\"Cannot convert bridge_stp value\"); netplan reads it as {word}", shown_scalar(&s)),
            )
            .with_hint(format!("write `{key}: {word}` without quotes")),
        ),
    }
}

fn shown_scalar(s: &Scalar) -> String {
    if s.plain {
        s.text.clone()
    } else {
        format!("\"{}\"", s.text.escape_debug())
    }
}

/// A decimal netplan reads with a leading zero, which PyYAML reads as octal (`01500` is 832).
pub(super) fn leading_zero(lint: &mut Lint<'_>, path: &str, key: &str, t: &str) {
    let decimal = t.trim_start_matches('0').parse::<u64>().unwrap_or(0);
    let (pyyaml, shown) = match yaml11::resolve(Reader::PyYaml, t) {
        Resolved::Int(n) => (format!("the octal number {n}"), n.to_string()),
        _ => (format!("the text `{t}`"), t.to_string()),
    };
    lint.push(
        Diagnostic::new(
            Code::Yaml11Ambiguous,
            path,
            format!("`{key}: {t}` is {decimal} to netplan but {pyyaml} to YAML 1.1 (cloud-init's PyYAML): cloud-init hands it on as `{shown}`"),
        )
        .with_hint(format!("drop the leading zero: `{key}: {decimal}`")),
    );
}
