//! `check --format sarif` and `--format github`, read back as their consumers read them: the
//! SARIF log validated against the published SARIF 2.1.0 schema (tests/data/sarif/) and held to
//! what GitHub code scanning needs; the workflow commands decoded as the Actions runner decodes
//! them. Both must say what `--format json` says.

#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{try_run, write, Run, TempDir, CLI_LIMIT};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wukong-net"));
    cmd.current_dir(dir).args(args);
    try_run(&mut cmd, Some(stdin), CLI_LIMIT).unwrap_or_else(|e| panic!("{e}"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn parse(o: &Run) -> Value {
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout))
}

fn sarif_validator() -> jsonschema::Validator {
    let path = root().join("tests/data/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    // The published schema is draft-04; formats (uri, uri-reference, date-time) are checked too.
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the SARIF schema does not compile: {e}"))
}

fn schema_errors(v: &jsonschema::Validator, log: &Value) -> Vec<String> {
    v.iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Decodes a percent-encoded URI reference (the inverse of the CLI's encoding).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A 1-based column in characters of a 1-based line (lines end at LF, CRLF or a lone CR) as a
/// 1-based column in UTF-16 code units; past the end of the line, one unit per character.
fn utf16_column(text: &str, line: u64, column: u64) -> u64 {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let chars: Vec<char> = normalized
        .split('\n')
        .nth(line as usize - 1)
        .unwrap_or("")
        .chars()
        .collect();
    let before = column as usize - 1;
    let units: usize = chars.iter().take(before).map(|c| c.len_utf16()).sum();
    (units + before.saturating_sub(chars.len()) + 1) as u64
}

/// Every test file of the repository (our fixtures with their errors, warnings and notes,
/// netplan's examples, the CRD fixtures, the schemas themselves) as SARIF: valid against the
/// schema, every result where code scanning can show it, and the same findings as JSON.
#[test]
fn sarif_of_every_test_file_validates_against_the_schema() {
    let validator = sarif_validator();
    let o = run_in(root(), &["check", "tests", "--format", "sarif"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", o.stderr);
    let log = parse(&o);
    let errors = schema_errors(&validator, &log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "wukong-net");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), wukong_net::Code::ALL.len());
    for (rule, code) in rules.iter().zip(wukong_net::Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert!(rule["help"]["text"]
            .as_str()
            .unwrap()
            .contains(&code.details()));
    }

    let json = parse(&run_in(
        root(),
        &["check", "tests", "--format", "json"],
        b"",
    ));
    let expected: Vec<(String, Value)> = json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let file = f["file"].as_str().unwrap().to_string();
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| (file.clone(), d.clone()))
        })
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    let artifacts = run["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), json.as_array().unwrap().len());

    let mut levels = std::collections::BTreeSet::new();
    for (r, (file, d)) in results.iter().zip(&expected) {
        let code = d["code"].as_str().unwrap();
        assert_eq!(r["ruleId"], code);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], code);
        let level = r["level"].as_str().unwrap();
        let severity = d["severity"].as_str().unwrap();
        assert_eq!(level, if severity == "info" { "note" } else { severity });
        levels.insert(level.to_string());
        let text = r["message"]["text"].as_str().unwrap();
        assert!(text.starts_with(d["message"].as_str().unwrap()), "{text}");
        if let Some(hint) = d["hint"].as_str() {
            assert!(text.ends_with(&format!("\nhint: {hint}")), "{text}");
        }
        // What GitHub needs to place it: one location, a relative URI of a file that exists
        // in the checkout, a start line.
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains(':') && !uri.starts_with('/'), "{uri}");
        assert_eq!(&percent_decode(uri), file);
        assert!(root().join(file).is_file(), "{file}");
        let index = physical["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(artifacts[index]["location"]["uri"], uri);
        let region = &physical["region"];
        assert_eq!(region["startLine"], d["line"].as_u64().unwrap().max(1));
        if d["line"] != 0 {
            assert_eq!(region["endLine"], d["endLine"]);
            // JSON counts characters, SARIF UTF-16 units of the same line.
            let text =
                String::from_utf8_lossy(&std::fs::read(root().join(file)).unwrap()).into_owned();
            let at = |line: &Value, column: &Value| {
                utf16_column(&text, line.as_u64().unwrap(), column.as_u64().unwrap())
            };
            assert_eq!(region["startColumn"], at(&d["line"], &d["column"]));
            assert_eq!(region["endColumn"], at(&d["endLine"], &d["endColumn"]));
        }
        if d["path"] != "" {
            assert_eq!(
                locations[0]["logicalLocations"][0]["fullyQualifiedName"],
                d["path"]
            );
        }
    }
    // Errors, warnings and notes are all among them.
    assert_eq!(
        levels.into_iter().collect::<Vec<_>>(),
        ["error", "note", "warning"]
    );
}

/// The schema check is live: it refuses what code scanning refuses.
#[test]
fn the_schema_refuses_broken_sarif() {
    let validator = sarif_validator();
    let t = TempDir::new("sarif-broken");
    write(&t.join("broken.yaml"), "spec: [unclosed\n");
    let log = parse(&run_in(
        &t.path,
        &["check", "broken.yaml", "--format", "sarif"],
        b"",
    ));
    assert!(schema_errors(&validator, &log).is_empty());
    let region = "/runs/0/results/0/locations/0/physicalLocation/region";
    for (pointer, value) in [
        (format!("{region}/startColumn"), json!(0)),
        ("/runs/0/results/0/level".to_string(), json!("fatal")),
        ("/version".to_string(), json!("2.0.0")),
        (
            "/runs/0/tool/driver/informationUri".to_string(),
            json!("not a uri"),
        ),
    ] {
        let mut bad = log.clone();
        *bad.pointer_mut(&pointer).unwrap() = value;
        assert!(
            !schema_errors(&validator, &bad).is_empty(),
            "{pointer} accepted"
        );
    }
}

/// Columns count UTF-16 code units, SARIF's default: 😀 is one character but two units.
#[test]
fn sarif_columns_count_utf16_units() {
    let t = TempDir::new("sarif-utf16");
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: u, namespace: lab, uid: 00000000-0000-4000-8000-000000000000}\nspec:\n  cpu: 2\n  memory: 4Gi\n  networks:\n  - name: default\n  - {name: ext, bridgeName: br1, physicalInterface: ens1, ipConfig: {\"é😀\": 1, mode: dhcp, address: 10.0.0.5/24}}\n";
    write(&t.join("a b#é.yaml"), spec);
    let json = parse(&run_in(
        &t.path,
        &["check", "a b#é.yaml", "--format", "json"],
        b"",
    ));
    let sarif = parse(&run_in(
        &t.path,
        &["check", "a b#é.yaml", "--format", "sarif"],
        b"",
    ));
    assert!(schema_errors(&sarif_validator(), &sarif).is_empty());
    let d = json[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "dhcp-with-address")
        .unwrap()
        .clone();
    let r = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "dhcp-with-address")
        .unwrap();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    let line = spec.lines().nth(8).unwrap();
    let byte = line.find("10.0.0.5").unwrap();
    assert_eq!(d["column"], line[..byte].chars().count() + 1);
    assert_eq!(
        region["startColumn"],
        line[..byte].encode_utf16().count() + 1
    );
    assert_eq!(
        region["startColumn"].as_u64().unwrap(),
        d["column"].as_u64().unwrap() + 1
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a%20b%23%C3%A9.yaml"
    );
    // stdin and absolute paths are URI references too.
    let stdin = parse(&run_in(
        &t.path,
        &["check", "-", "--format", "sarif"],
        spec.as_bytes(),
    ));
    assert!(schema_errors(&sarif_validator(), &stdin).is_empty());
    assert_eq!(
        stdin["runs"][0]["artifacts"][0]["location"]["uri"],
        "%3Cstdin%3E"
    );
    let absolute = t.join("a b#é.yaml").display().to_string();
    let abs = parse(&run_in(
        &t.path,
        &["check", &absolute, "--format", "sarif"],
        b"",
    ));
    assert!(schema_errors(&sarif_validator(), &abs).is_empty());
    let uri = abs["runs"][0]["artifacts"][0]["location"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        percent_decode(uri.strip_prefix("file://").unwrap()),
        absolute
    );
    // The working directory (the checkout path) is declared, and the absolute URI is under it,
    // so code scanning can place it (sarif-sdk's rule GH1006).
    let cwd = abs["runs"][0]["invocations"][0]["workingDirectory"]["uri"]
        .as_str()
        .unwrap();
    assert!(cwd.starts_with("file:///") && cwd.ends_with('/'), "{cwd}");
    assert!(uri.starts_with(cwd), "{uri} is not under {cwd}");
}

/// One workflow command as the Actions runner reads it: `::name k=v,k=v::data`, each part
/// percent-decoded.
fn decode_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").unwrap();
    let (head, data) = rest.split_once("::").unwrap();
    let (name, props) = head.split_once(' ').unwrap();
    // The runner's decoding: these five sequences, in one pass; any other `%` stays.
    let unescape = |s: &str| {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let decoded = match rest.get(i..i + 3) {
                Some("%25") => Some('%'),
                Some("%0D") => Some('\r'),
                Some("%0A") => Some('\n'),
                Some("%3A") => Some(':'),
                Some("%2C") => Some(','),
                _ => None,
            };
            match decoded {
                Some(c) => {
                    out.push(c);
                    rest = &rest[i + 3..];
                }
                None => {
                    out.push('%');
                    rest = &rest[i + 1..];
                }
            }
        }
        out.push_str(rest);
        out
    };
    let props = props
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (name.to_string(), props, unescape(data))
}

#[test]
fn github_annotations_escape_as_the_runner_decodes() {
    let t = TempDir::new("github-format");
    // A file name with every character that ends a property, and a finding whose message
    // holds `%`, `,` and `:` (the unknown key is quoted in it).
    let name = "odd, name:50%.yaml";
    let spec = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: g, namespace: lab}\nspec:\n  cpu: 2\n  memory: 4Gi\n  \"x%0A,:y\": 1\n  networks:\n  - name: default\n  - {name: ext, bridgeName: br1, physicalInterface: ens1, ipConfig: {mode: dhcp, address: 10.0.0.5/24}}\n  osImage: ubuntu:22.04\n";
    write(&t.join(name), spec);
    let o = run_in(&t.path, &["check", name, "--format", "github"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", o.stderr);
    let json = parse(&run_in(&t.path, &["check", name, "--format", "json"], b""));
    let diags = json[0]["diagnostics"].as_array().unwrap();
    let lines: Vec<&str> = o.stdout.lines().collect();
    // One command per diagnostic, then the summary as a plain log line.
    assert_eq!(lines.len(), diags.len() + 1, "{}", o.stdout);
    assert_eq!(lines[diags.len()], "1 file checked: 1 error, 1 warning");
    let mut codes = Vec::new();
    for (line, d) in lines.iter().zip(diags) {
        let (command, props, message) = decode_command(line);
        let severity = d["severity"].as_str().unwrap();
        let expected = match severity {
            "info" => "notice",
            other => other,
        };
        assert_eq!(command, expected);
        let get = |k: &str| {
            props
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {k} in {line}"))
        };
        assert_eq!(get("file"), name);
        assert_eq!(get("line"), d["line"].to_string());
        assert_eq!(get("col"), d["column"].to_string());
        assert_eq!(get("endLine"), d["endLine"].to_string());
        assert_eq!(get("endColumn"), d["endColumn"].to_string());
        assert_eq!(get("title"), d["code"].as_str().unwrap());
        let mut text = d["message"].as_str().unwrap().to_string();
        if let Some(hint) = d["hint"].as_str() {
            text.push_str(&format!("\nhint: {hint}"));
        }
        assert_eq!(message, text);
        codes.push(get("title"));
    }
    assert!(codes.contains(&"unknown-field".to_string()), "{codes:?}");
    let unknown = diags.iter().find(|d| d["code"] == "unknown-field").unwrap();
    assert!(unknown["message"].as_str().unwrap().contains("x%0A,:y"));
}
