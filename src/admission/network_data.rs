//! cloud-init network-config (Netplan v2), as KubeVirt hands it to the guest in
//! `cloudInitNoCloud.networkData`: parsed into the ethernets the admission checks need, with
//! located diagnostics, plus the YAML 1.1 readings that PyYAML (cloud-init's parser) applies.
//!
//! This file stands alone so the network-config linter can reuse it: it knows nothing about
//! VMs. Paths are relative to the network-config document (`network.ethernets.eth0.dhcp4`),
//! lines and columns to its text.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{self, join_index, join_key, Document};
use serde_json::Value;

/// One entry of `ethernets`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ethernet {
    /// The key under `ethernets` (netplan's id: a name, or any label when `match` is used).
    pub id: String,
    /// Path of the entry in the document, e.g. `network.ethernets.eth0`.
    pub path: String,
    /// `match.macaddress` as written (YAML 1.2 reading), when it is a string.
    pub match_mac: Option<String>,
    /// `match.name` (may be a glob such as `en*`).
    pub match_name: Option<String>,
    /// True when the entry has a `match` mapping at all.
    pub has_match: bool,
    /// `set-name`.
    pub set_name: Option<String>,
    /// `dhcp4` as cloud-init reads it (YAML 1.1 booleans: true, yes, on).
    pub dhcp4: bool,
    pub dhcp6: bool,
    /// `addresses`, the static ones.
    pub addresses: Vec<String>,
}

impl Ethernet {
    /// True when the entry gives the NIC an address: by DHCP or statically.
    pub fn configures_address(&self) -> bool {
        self.dhcp4 || self.dhcp6 || !self.addresses.is_empty()
    }

    /// Whether this entry applies to a NIC with this guest name (`match.name` globs, or the
    /// entry id when there is no `match`). Entries matched by MAC are not decided by name.
    pub fn applies_to_name(&self, name: &str) -> bool {
        match (&self.match_name, self.has_match) {
            (Some(pattern), _) if self.match_mac.is_none() => glob_match(pattern, name),
            (None, false) => self.id == name,
            _ => false,
        }
    }
}

/// A parsed network-config.
#[derive(Debug, Clone, Default)]
pub struct NetworkData {
    /// `version` (2 for Netplan v2).
    pub version: Option<i64>,
    /// `network.` when the document wraps the config in `network:`, else empty.
    pub prefix: String,
    pub ethernets: Vec<Ethernet>,
}

/// The outcome of parsing: the config when it is v2 and readable, the document (for
/// locations) and the findings.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub config: Option<NetworkData>,
    pub document: Option<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses network-config text. Structure problems are `network-data-invalid`; unquoted MACs
/// that YAML 1.1 reads as numbers are `unquoted-mac`. Diagnostics are located in `text`.
pub fn parse(text: &str) -> Parsed {
    let mut stream = source::parse(text);
    let mut out = Parsed {
        diagnostics: std::mem::take(&mut stream.diagnostics),
        ..Parsed::default()
    };
    if !out.diagnostics.is_empty() {
        return out;
    }
    let Some(doc) = stream.documents.into_iter().next() else {
        out.diagnostics.push(
            invalid("", "the network-config is empty")
                .with_hint("write `network: {version: 2, ethernets: {...}}`"),
        );
        return out;
    };
    let mut diags = Vec::new();
    out.config = read(&doc, &mut diags);
    yaml11_macs(&doc, &mut diags);
    doc.spans.locate_all(&mut diags);
    out.diagnostics = diags;
    out.document = Some(doc);
    out
}

fn invalid(path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::NetworkDataInvalid, path, message)
}

fn read(doc: &Document, out: &mut Vec<Diagnostic>) -> Option<NetworkData> {
    let Value::Object(top) = &doc.value else {
        out.push(
            invalid("", "the network-config is not a mapping")
                .with_hint("write `network: {version: 2, ethernets: {...}}`"),
        );
        return None;
    };
    let (config, prefix) = match top.get("network") {
        Some(Value::Object(inner)) => (inner, "network"),
        Some(_) => {
            out.push(
                invalid("network", "`network` must be a mapping")
                    .with_hint("write `network: {version: 2, ethernets: {...}}`"),
            );
            return None;
        }
        None => (top, ""),
    };
    let version = config.get("version");
    let version_path = join_key(prefix, "version");
    let version = match version {
        Some(Value::Number(n)) => n.as_i64(),
        None => {
            out.push(
                invalid(&version_path, "the network-config has no `version`").with_hint(
                    "add `version: 2` (Netplan v2, the format KubeVirt's networkData carries)",
                ),
            );
            return None;
        }
        Some(_) => None,
    };
    if version != Some(2) {
        out.push(
            invalid(
                &version_path,
                "only network-config version 2 (Netplan) is checked; this is not version 2",
            )
            .with_hint("write the config in Netplan v2 form: `version: 2` with `ethernets`"),
        );
        return None;
    }
    let mut data = NetworkData {
        version,
        prefix: if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}.")
        },
        ethernets: Vec::new(),
    };
    let eth_path = join_key(prefix, "ethernets");
    match config.get("ethernets") {
        None => {}
        Some(Value::Object(ethernets)) => {
            for (id, entry) in ethernets {
                let path = join_key(&eth_path, id);
                if let Some(e) = ethernet(id, &path, entry, out) {
                    data.ethernets.push(e);
                }
            }
        }
        Some(_) => out.push(
            invalid(
                &eth_path,
                "`ethernets` must be a mapping of interface ids to their settings",
            )
            .with_hint("write `ethernets: {eth0: {dhcp4: true}}`"),
        ),
    }
    Some(data)
}

fn ethernet(id: &str, path: &str, entry: &Value, out: &mut Vec<Diagnostic>) -> Option<Ethernet> {
    let Value::Object(e) = entry else {
        out.push(
            invalid(
                path,
                format!("ethernet `{}` must be a mapping", id.escape_debug()),
            )
            .with_hint("write its settings, e.g. `dhcp4: true`"),
        );
        return None;
    };
    let mut eth = Ethernet {
        id: id.to_string(),
        path: path.to_string(),
        match_mac: None,
        match_name: None,
        has_match: false,
        set_name: string(e.get("set-name")),
        dhcp4: e.get("dhcp4").is_some_and(yaml11_true),
        dhcp6: e.get("dhcp6").is_some_and(yaml11_true),
        addresses: Vec::new(),
    };
    match e.get("match") {
        None => {}
        Some(Value::Object(m)) => {
            eth.has_match = true;
            eth.match_name = string(m.get("name"));
            match m.get("macaddress") {
                None => {}
                Some(Value::String(s)) => eth.match_mac = Some(s.clone()),
                Some(other) => out.push(
                    invalid(
                        &join_key(&join_key(path, "match"), "macaddress"),
                        format!("`match.macaddress` must be a MAC address string, not {other}"),
                    )
                    .with_hint("write the MAC quoted, e.g. \"52:54:00:12:34:56\""),
                ),
            }
        }
        Some(_) => out.push(
            invalid(&join_key(path, "match"), "`match` must be a mapping")
                .with_hint("write `match: {macaddress: \"52:54:00:12:34:56\"}`"),
        ),
    }
    match e.get("addresses") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, a) in items.iter().enumerate() {
                match a {
                    Value::String(s) => eth.addresses.push(s.clone()),
                    _ => out.push(
                        invalid(
                            &join_index(&join_key(path, "addresses"), i),
                            "an address must be a string such as 192.168.0.10/24",
                        )
                        .with_hint("write address/prefix, quoted if in doubt"),
                    ),
                }
            }
        }
        Some(_) => out.push(
            invalid(&join_key(path, "addresses"), "`addresses` must be a list")
                .with_hint("write `addresses: [192.168.0.10/24]`"),
        ),
    }
    Some(eth)
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A boolean as PyYAML (YAML 1.1) reads it; our parser reads YAML 1.2, so `yes`/`on` arrive
/// as strings.
pub fn yaml11_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(
            s.as_str(),
            "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
        ),
        _ => false,
    }
}

/// What YAML 1.1 makes of a plain scalar that YAML 1.2 reads as a string: the sexagesimal
/// (base 60) integers and floats of YAML 1.1, e.g. `52:54:00:12:34:56` -> 41135085296.
/// Returns the number PyYAML would produce, or None when it stays a string.
pub fn yaml11_sexagesimal(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let mut parts = body.split(':');
    let first_raw = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    // Underscores are digit separators, allowed only in the first part (and the fraction).
    if rest.is_empty()
        || !first_raw.starts_with(|c: char| c.is_ascii_digit())
        || !first_raw.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let first = first_raw.replace('_', "");
    // The last part of a float carries the fraction: `1:20.5`.
    let (last, fraction) = match rest.last()?.split_once('.') {
        Some((l, f)) => (l, Some(f)),
        None => (*rest.last()?, None),
    };
    // YAML 1.1 int: [1-9][0-9_]*(:[0-5]?[0-9])+ ; float: [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
    if fraction.is_none() && first.starts_with('0') {
        return None;
    }
    let base60 = |p: &str| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || p.as_bytes()[0] <= b'5')
    };
    let middle = &rest[..rest.len() - 1];
    if !middle.iter().all(|p| base60(p)) || !base60(last) {
        return None;
    }
    if let Some(f) = fraction {
        if !f.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
            return None;
        }
    }
    let mut value: f64 = first.parse().ok()?;
    for p in middle.iter().chain(std::iter::once(&last)) {
        value = value * 60.0 + p.parse::<f64>().ok()?;
    }
    if let Some(f) = fraction
        .map(|f| f.replace('_', ""))
        .filter(|f| !f.is_empty())
    {
        value += format!("0.{f}").parse::<f64>().ok()?;
    }
    Some(if neg { -value } else { value })
}

/// Six colon-separated pairs of hex digits: something meant as a MAC address.
pub fn looks_like_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Every plain (unquoted) MAC-like scalar that PyYAML reads as a number: cloud-init then
/// compares a number with the NIC's MAC, matches nothing, and the NIC gets no address.
fn yaml11_macs(doc: &Document, out: &mut Vec<Diagnostic>) {
    let mut path = String::new();
    walk(&doc.value, &mut path, &mut |path, v| {
        let Value::String(s) = v else { return };
        if !looks_like_mac(s) || !doc.spans.get(path).is_some_and(|n| n.plain_scalar) {
            return;
        }
        if let Some(n) = yaml11_sexagesimal(s) {
            out.push(
                Diagnostic::new(
                    Code::UnquotedMac,
                    path,
                    format!("the unquoted MAC {s} is the number {n:.0} to YAML 1.1, which cloud-init uses: the match never fits the NIC"),
                )
                .with_hint(format!("quote it: \"{s}\"")),
            );
        }
    });
}

/// Visits every scalar with its path, reusing one path buffer (`source` path syntax).
fn walk(v: &Value, path: &mut String, f: &mut dyn FnMut(&str, &Value)) {
    let len = path.len();
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let segment = join_key("", k);
                if !path.is_empty() && !segment.starts_with('[') {
                    path.push('.');
                }
                path.push_str(&segment);
                walk(child, path, f);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                walk(child, path, f);
                path.truncate(len);
            }
        }
        _ => f(path, v),
    }
}

/// Netplan's `match.name` globs (fnmatch: `*`, `?`, `[...]`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => {
                let Some(close) = p.iter().skip(1).position(|&c| c == ']').map(|i| i + 1) else {
                    return n.first() == Some(&'[') && go(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else { return false };
                let set = &p[1..close];
                let (negate, set) = match set.first() {
                    Some('!') | Some('^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[close + 1..], &n[1..])
            }
            Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_and_bare_v2() {
        let p = parse("network:\n  version: 2\n  ethernets:\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      set-name: eth1\n      dhcp4: true\n");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let c = p.config.unwrap();
        assert_eq!(c.prefix, "network.");
        assert_eq!(c.ethernets[0].path, "network.ethernets.eth1");
        assert_eq!(
            c.ethernets[0].match_mac.as_deref(),
            Some("02:00:00:00:00:01")
        );
        assert!(c.ethernets[0].dhcp4);
        let bare = parse("version: 2\nethernets:\n  eth0: {addresses: [10.0.0.2/24]}\n");
        let c = bare.config.unwrap();
        assert_eq!(c.ethernets[0].path, "ethernets.eth0");
        assert_eq!(c.ethernets[0].addresses, vec!["10.0.0.2/24"]);
        assert!(c.ethernets[0].configures_address());
    }

    #[test]
    fn refuses_what_is_not_v2() {
        let v1 = parse("version: 1\nconfig: []\n");
        assert_eq!(v1.diagnostics[0].code, Code::NetworkDataInvalid);
        assert_eq!(v1.diagnostics[0].path, "version");
        assert_eq!(v1.diagnostics[0].line, 1);
        let none = parse("ethernets: {}\n");
        assert_eq!(none.diagnostics[0].code, Code::NetworkDataInvalid);
        let list = parse("- a\n- b\n");
        assert_eq!(list.diagnostics[0].code, Code::NetworkDataInvalid);
        let bad_eth = parse("version: 2\nethernets:\n  eth0: 5\n");
        assert_eq!(bad_eth.diagnostics[0].path, "ethernets.eth0");
        assert_eq!(bad_eth.diagnostics[0].line, 3);
        let syntax = parse("version: 2\nethernets: [\n");
        assert_eq!(syntax.diagnostics[0].code, Code::YamlSyntax);
        assert!(syntax.config.is_none());
    }

    #[test]
    fn yaml11_booleans() {
        let p = parse("version: 2\nethernets:\n  a: {dhcp4: yes}\n  b: {dhcp4: on}\n  c: {dhcp4: false}\n  d: {dhcp4: \"no\"}\n");
        let c = p.config.unwrap();
        let got: Vec<bool> = c.ethernets.iter().map(|e| e.dhcp4).collect();
        assert_eq!(got, vec![true, true, false, false]);
    }

    #[test]
    fn sexagesimal_as_pyyaml_reads_it() {
        // Values checked with python3 -c "import yaml; print(yaml.safe_load('v: <text>'))".
        assert_eq!(yaml11_sexagesimal("52:54:00:12:34:56"), Some(41135085296.0));
        assert_eq!(yaml11_sexagesimal("1:20"), Some(80.0));
        assert_eq!(yaml11_sexagesimal("-1:20"), Some(-80.0));
        assert_eq!(yaml11_sexagesimal("1:20.5"), Some(80.5));
        assert_eq!(yaml11_sexagesimal("12:30"), Some(750.0));
        // A leading zero is no YAML 1.1 int; hex letters and parts over 59 stay strings.
        assert_eq!(yaml11_sexagesimal("02:00:00:00:00:01"), None);
        assert_eq!(yaml11_sexagesimal("52:54:00:ab:cd:ef"), None);
        assert_eq!(yaml11_sexagesimal("52:54:00:12:34:60"), None);
        assert_eq!(yaml11_sexagesimal("5254"), None);
        assert_eq!(yaml11_sexagesimal("a:1"), None);
    }

    /// The reading of YAML 1.1 that matters is PyYAML's (cloud-init's parser): ask it.
    #[test]
    fn sexagesimal_agrees_with_pyyaml() {
        let samples = [
            "52:54:00:12:34:56",
            "02:00:00:00:00:01",
            "52:54:00:ab:cd:ef",
            "52:54:00:12:34:60",
            "1:20",
            "-1:20",
            "+1:20",
            "1:20.5",
            "0:20.5",
            "01:20",
            "12:30",
            "1_0:20",
            "1:2_0",
            "9:59:59",
            "60:00",
            "1:5",
            "1:05",
            "00:00:00:00:00:00",
            "aa:bb",
            ":1",
            "1::2",
            "1:20.",
            "1:20.5.1",
        ];
        let script = "import json, sys\ntry:\n    import yaml\nexcept ImportError:\n    print('no-pyyaml')\n    sys.exit(0)\nfor s in json.load(sys.stdin):\n    v = yaml.safe_load('v: ' + s)['v']\n    print(json.dumps(None if isinstance(v, str) else float(v)))\n";
        let child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "python3 is required in CI: {e}"
                );
                eprintln!("skipped: python3 not found ({e})");
                return;
            }
        };
        use std::io::Write;
        let input = serde_json::to_string(&samples).unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "the PyYAML script failed");
        let text = String::from_utf8(out.stdout).unwrap();
        if text.trim() == "no-pyyaml" {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PyYAML is required in CI (python3-yaml)"
            );
            eprintln!("skipped: python3 cannot import yaml (apt-get install python3-yaml)");
            return;
        }
        let readings: Vec<Option<f64>> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(readings.len(), samples.len());
        for (s, want) in samples.iter().zip(readings) {
            assert_eq!(yaml11_sexagesimal(s), want, "{s}");
        }
    }

    #[test]
    fn unquoted_macs_that_turn_into_numbers() {
        let p = parse("version: 2\nethernets:\n  eth1:\n    match:\n      macaddress: 52:54:00:12:34:56\n    dhcp4: true\n");
        let d: Vec<&Diagnostic> = p
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnquotedMac)
            .collect();
        assert_eq!(d.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(d[0].path, "ethernets.eth1.match.macaddress");
        assert_eq!(d[0].line, 5);
        assert!(d[0].message.contains("41135085296"), "{}", d[0].message);
        assert!(d[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("\"52:54:00:12:34:56\"")));
        // Quoted, or a MAC YAML 1.1 keeps as a string: no finding.
        for ok in [
            "\"52:54:00:12:34:56\"",
            "'52:54:00:12:34:56'",
            "52:54:00:ab:cd:ef",
            "02:00:00:00:00:01",
        ] {
            let p = parse(&format!(
                "version: 2\nethernets:\n  eth1:\n    match: {{macaddress: {ok}}}\n"
            ));
            assert!(
                p.diagnostics.iter().all(|d| d.code != Code::UnquotedMac),
                "{ok}: {:?}",
                p.diagnostics
            );
        }
    }

    #[test]
    fn names_and_globs() {
        assert!(glob_match("en*", "enp1s0"));
        assert!(glob_match("eth[0-3]", "eth2"));
        assert!(!glob_match("eth[!0]", "eth0"));
        assert!(glob_match("eth?", "eth1"));
        assert!(!glob_match("eth?", "eth10"));
        let p = parse("version: 2\nethernets:\n  eth0: {dhcp4: true}\n  any: {match: {name: \"en*\"}, dhcp4: true}\n  bymac: {match: {macaddress: \"02:00:00:00:00:01\", name: \"en*\"}}\n");
        let c = p.config.unwrap();
        assert!(c.ethernets[0].applies_to_name("eth0"));
        assert!(!c.ethernets[0].applies_to_name("eth1"));
        assert!(c.ethernets[1].applies_to_name("enp1s0"));
        assert!(!c.ethernets[1].applies_to_name("any"));
        assert!(!c.ethernets[2].applies_to_name("enp1s0"));
    }
}
