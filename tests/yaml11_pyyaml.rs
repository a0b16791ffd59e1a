//! The YAML 1.1 resolver (`network_config::yaml11`, the one the linter and the fuzz targets
//! use) against the real PyYAML that cloud-init reads network-config with: a few thousand
//! generated plain scalars (ints in every base, floats, base 60, booleans, nulls and
//! timestamps in every spelling, `=`, `<<`, MACs and near-misses of each) are written to a
//! file, loaded by one `python3` run with `yaml.safe_load`, and each type (and value) must be
//! ours. Needs python3 with PyYAML (apt-get install python3-yaml): without it the test skips
//! with a message, except under CI=true, where it fails.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;
use wukong_net::network_config::yaml11::{resolve, Reader, Resolved};

/// Every spelling of a word in the cases that matter: lower, Capitalized, UPPER, and two mixed.
fn spellings(word: &str) -> Vec<String> {
    let mut capital = word.to_string();
    capital[..1].make_ascii_uppercase();
    let alternating: String = word
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    let last_upper: String = word
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i + 1 == word.len() {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    vec![
        word.to_string(),
        capital,
        word.to_ascii_uppercase(),
        alternating,
        last_upper,
    ]
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn scalars() -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut add = |s: String| {
        out.insert(s);
    };
    for w in [
        "yes", "no", "true", "false", "on", "off", "y", "n", "null", "none", "nil", "ok",
    ] {
        spellings(w).into_iter().for_each(&mut add);
    }
    for s in [
        "", "~", "=", "==", "<<", "<", ".", "..", "-.", "+", "_", "0", "-0", "+0", "00", "0_",
        "0__", "_0", "0b", "0b_", "0x", "0x_", "0o", "0o17", "0O17", "0X1F", "0B101",
    ] {
        add(s.to_string());
    }
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let signs = ["", "", "-", "+"];
    // Integers in every base, with underscores and near-misses.
    let alphabets: &[(&str, &str)] = &[
        ("", "0123456789_"),
        ("0", "01234567_89"),
        ("0b", "01_2"),
        ("0x", "0123456789abcdefABCDEF_g"),
        ("0o", "01234567"),
        ("1", "0123456789_"),
    ];
    for _ in 0..600 {
        let (prefix, digits) = alphabets[rng.below(alphabets.len())];
        let digits: Vec<char> = digits.chars().collect();
        let len = 1 + rng.below(8);
        let body: String = (0..len).map(|_| digits[rng.below(digits.len())]).collect();
        add(format!("{}{prefix}{body}", rng.pick(&signs)));
    }
    // Large integers, at and beyond i128.
    add("170141183460469231731687303715884105727".to_string());
    add("170141183460469231731687303715884105728".to_string());
    add("0x".to_string() + &"f".repeat(40));
    add("99999999999999999999999999999999999999999999".to_string());
    // Floats.
    let mantissas = [
        "1.5", "1.", ".5", "0.5", "1_0.2_5", "10.", "1.0", "3.14159", "0.", "00.1", "1..2",
    ];
    let exponents = ["", "", "e+3", "e-3", "E+10", "e3", "e", "e+", "E-0"];
    for m in mantissas {
        for e in exponents {
            for sign in ["", "-", "+"] {
                add(format!("{sign}{m}{e}"));
            }
        }
    }
    for w in ["inf", "nan"] {
        for s in spellings(w) {
            for sign in ["", "-", "+"] {
                add(format!("{sign}.{s}"));
                add(format!("{sign}{s}"));
            }
        }
    }
    // Base 60, with fractions, parts over 59, leading zeros.
    let parts = ["0", "5", "05", "59", "60", "7", "99", "00", "123"];
    for _ in 0..500 {
        let n = 2 + rng.below(4);
        let first = rng.pick(&["1", "12", "0", "01", "190", "1_0", "9"]);
        let mut s = format!("{}{first}", rng.pick(&signs));
        for _ in 1..n {
            s.push(':');
            s.push_str(rng.pick(&parts));
        }
        match rng.below(4) {
            0 => s.push_str(".5"),
            1 => s.push('.'),
            2 => s.push_str(".2_5"),
            _ => {}
        }
        add(s);
    }
    // MACs: hex pairs, some all-decimal (base 60 to PyYAML), some with letters.
    let pairs = [
        "00", "01", "02", "12", "34", "52", "54", "56", "59", "60", "99", "ab", "cd", "EF", "5a",
    ];
    for _ in 0..500 {
        let n = if rng.below(4) == 0 { 5 } else { 6 };
        let mac: Vec<&str> = (0..n).map(|_| rng.pick(&pairs)).collect();
        add(mac.join(":"));
    }
    // Timestamps: dates, date-times with every separator, fraction and zone, impossible ones.
    let years = [
        "2024", "2023", "2000", "1900", "0000", "0001", "9999", "202", "20245",
    ];
    let months = ["01", "1", "02", "2", "12", "13", "00", "10"];
    let days = ["01", "1", "28", "29", "30", "31", "32", "00"];
    // No tab: PyYAML's scanner refuses one inside a plain scalar in block context.
    let separators = ["T", "t", " ", "  ", "_", "x"];
    let times = [
        "10:20:30", "1:20:30", "23:59:59", "24:00:00", "10:60:00", "10:20:60", "10:2:30", "10:20",
        "00:00:00",
    ];
    let fractions = ["", "", ".", ".1", ".123456", ".1234567"];
    let zones = [
        "", "", "Z", " Z", "+5", "-05:30", "+23:59", "+24", "-1:30", "+05:3", "z", "+0530",
    ];
    for _ in 0..900 {
        let date = format!(
            "{}-{}-{}",
            rng.pick(&years),
            rng.pick(&months),
            rng.pick(&days)
        );
        if rng.below(3) == 0 {
            add(date);
        } else {
            add(format!(
                "{date}{}{}{}{}",
                rng.pick(&separators),
                rng.pick(&times),
                rng.pick(&fractions),
                rng.pick(&zones)
            ));
        }
    }
    // Near-misses of everything: what network-configs hold.
    for s in [
        "eth0",
        "enp1s0",
        "br-external",
        "10.0.0.1",
        "10.0.0.5/24",
        "0.0.0.0/0",
        "fd00::1",
        "2001:db8::1",
        "1-0",
        "1e3",
        "dhcp",
        "en*",
        "1_",
        "1__0",
        "0.0.0",
        "1:2:3:4:5:6:7:8",
        "12:34:56:ab:cd:ef",
        "2024-01-02x",
        "v1.2.3",
        "+-1",
        "--1",
        "0b2",
        "0xg",
        "07_8",
    ] {
        add(s.to_string());
    }
    out.into_iter().collect()
}

/// PyYAML's reading of each scalar, as `[type, value]`: bool, int (as text), float (as repr),
/// null, timestamp, str, or error (the loader raised).
fn pyyaml(scalars: &[String]) -> Option<Vec<(String, Value)>> {
    let script = r#"
import json, sys, yaml, datetime
out = []
for s in json.load(open(sys.argv[1])):
    try:
        v = yaml.safe_load("v: " + s + "\n")["v"]
    except Exception as e:
        out.append(["error", type(e).__name__]); continue
    if isinstance(v, bool): out.append(["bool", v])
    elif isinstance(v, int): out.append(["int", str(v)])
    elif isinstance(v, float): out.append(["float", repr(v)])
    elif v is None: out.append(["null", None])
    elif isinstance(v, (datetime.date, datetime.datetime)): out.append(["timestamp", str(v)])
    elif isinstance(v, str): out.append(["str", v])
    else: out.append(["other", repr(v)])
print(json.dumps(out))
"#;
    let dir = std::env::temp_dir().join(format!("wukong-yaml11-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join("scalars.json");
    std::fs::write(&file, serde_json::to_string(scalars).ok()?).ok()?;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .ok();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out?;
    if !out.status.success() {
        eprintln!("python3: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let rows: Vec<(String, Value)> = serde_json::from_slice(&out.stdout).ok()?;
    Some(rows)
}

/// Whether our reading is PyYAML's.
fn agrees(ours: Resolved, kind: &str, value: &Value) -> bool {
    match (ours, kind) {
        (Resolved::Bool(b), "bool") => value.as_bool() == Some(b),
        (Resolved::Int(n), "int") => value.as_str() == Some(n.to_string().as_str()),
        (Resolved::BigInt, "int") => value.as_str().is_some_and(|v| v.parse::<i128>().is_err()),
        (Resolved::Float(f), "float") => match value.as_str().unwrap_or_default() {
            "nan" => f.is_nan(),
            "inf" => f == f64::INFINITY,
            "-inf" => f == f64::NEG_INFINITY,
            repr => repr.parse::<f64>().is_ok_and(|v| v == f),
        },
        (Resolved::Null, "null") | (Resolved::Timestamp, "timestamp") | (Resolved::Str, "str") => {
            true
        }
        (Resolved::Value | Resolved::Merge | Resolved::Unreadable, "error") => true,
        _ => false,
    }
}

#[test]
fn the_resolver_reads_plain_scalars_as_pyyaml_does() {
    let scalars = scalars();
    assert!(scalars.len() >= 2000, "only {} scalars", scalars.len());
    let Some(real) = pyyaml(&scalars) else {
        let why = "the_resolver_reads_plain_scalars_as_pyyaml_does: needs python3 with PyYAML (apt-get install python3-yaml)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{why}; CI=true, so this fails instead of skipping"
        );
        eprintln!("SKIPPED {why}");
        return;
    };
    assert_eq!(real.len(), scalars.len());
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    let mut failures = Vec::new();
    for (s, (kind, value)) in scalars.iter().zip(&real) {
        kinds.insert(kind);
        let ours = resolve(Reader::PyYaml, s);
        if !agrees(ours, kind, value) {
            failures.push(format!("{s:?}: ours {ours:?}, PyYAML {kind} {value}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scalars disagree:\n{}",
        failures.len(),
        scalars.len(),
        failures.join("\n")
    );
    // The generated set reaches every type PyYAML has for a plain scalar.
    for kind in ["bool", "int", "float", "null", "timestamp", "str", "error"] {
        assert!(kinds.contains(kind), "no scalar PyYAML reads as {kind}");
    }
}
