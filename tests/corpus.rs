//! The published-manifest corpus (`tests/data/kubevirt-manifests/`, 77 VMs, VMIs, NADs, NMState
//! policies and network-configs as KubeVirt users write them) through `wukong-net check`:
//! - every file is answered: exit 0 or 1, no panic, JSON that parses;
//! - a `yaml-syntax` error exactly where libyaml (PyYAML's CSafeLoader, which go-yaml and so
//!   kubectl follow) refuses the text: against the README's `libyaml` column always, and, when
//!   PyYAML with libyaml is installed, at the line and column of libyaml's own mark, with the
//!   README column held to a live `python3` run over every file;
//! - what `expected.json` says each file (or set of files published together) must and must not
//!   get, and no error for the files the README lists no mistake for.
//!
//! Each test collects every mismatch before failing, so one run lists all of them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

// The CLI runner (the real programs' runners are unused here).
#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/kubevirt-manifests")
}

/// One row of the README's `## Files` table.
struct Row {
    libyaml_ok: bool,
    /// The suspected-mistakes column; `-` when there is none.
    mistakes: String,
}

/// The README's file table, by file name.
fn readme() -> &'static BTreeMap<String, Row> {
    static ROWS: OnceLock<BTreeMap<String, Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let text = std::fs::read_to_string(corpus_dir().join("README.md")).unwrap();
        let table = text
            .split_once("\n## Files\n")
            .expect("README.md has a `## Files` section")
            .1;
        let mut rows = BTreeMap::new();
        for line in table.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(
                cells.len(),
                8,
                "README row with {} cells: {line}",
                cells.len()
            );
            let file = cells[0].trim_matches('`').to_string();
            let libyaml_ok = match cells[1] {
                "ok" => true,
                "error" => false,
                other => panic!("{file}: libyaml column is `{other}`, not ok/error"),
            };
            let mistakes = cells[7].to_string();
            assert!(
                rows.insert(
                    file.clone(),
                    Row {
                        libyaml_ok,
                        mistakes
                    }
                )
                .is_none(),
                "{file} is in the README twice"
            );
        }
        rows
    })
}

fn expected() -> &'static Value {
    static EXPECTED: OnceLock<Value> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let text = std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

/// A diagnostic as the JSON output gives it (only what the expectations look at).
#[derive(Debug)]
struct Finding {
    code: String,
    severity: String,
    path: String,
    line: Option<u64>,
    column: Option<u64>,
    message: String,
}

/// What one `check` run said about each file it was given.
struct Answer {
    exit: Option<i32>,
    stderr: String,
    /// By file name; None when stdout was not the JSON array `--format json` promises.
    files: Option<BTreeMap<String, Vec<Finding>>>,
    stdout: String,
}

/// `wukong-net check FILE... --format json` from inside the corpus folder.
fn check(files: &[&str]) -> Answer {
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(
        files
            .iter()
            .map(|f| corpus_dir().join(f).display().to_string()),
    );
    args.extend(["--format".into(), "json".into()]);
    let run = harness::wukong_net(&args, b"");
    let files = serde_json::from_str::<Value>(&run.stdout)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    let path = e["file"].as_str().unwrap_or_default();
                    let name = path.rsplit('/').next().unwrap_or(path).to_string();
                    let findings = e["diagnostics"]
                        .as_array()
                        .map(|ds| {
                            ds.iter()
                                .map(|d| Finding {
                                    code: d["code"].as_str().unwrap_or_default().to_string(),
                                    severity: d["severity"]
                                        .as_str()
                                        .unwrap_or_default()
                                        .to_string(),
                                    path: d["path"].as_str().unwrap_or_default().to_string(),
                                    line: d["line"].as_u64(),
                                    column: d["column"].as_u64(),
                                    message: d["message"].as_str().unwrap_or_default().to_string(),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    (name, findings)
                })
                .collect()
        });
    Answer {
        exit: run.status.code(),
        stderr: run.stderr,
        files,
        stdout: run.stdout,
    }
}

/// Every corpus file checked alone: one run each, so that cross-references never reach into an
/// unrelated file (sets published together are checked together in `sets`).
fn answers() -> &'static BTreeMap<String, Answer> {
    static ANSWERS: OnceLock<BTreeMap<String, Answer>> = OnceLock::new();
    ANSWERS.get_or_init(|| readme().keys().map(|f| (f.clone(), check(&[f]))).collect())
}

fn codes(findings: &[Finding]) -> String {
    let mut v: Vec<String> = findings
        .iter()
        .map(|f| format!("{}[{}]", f.code, f.severity))
        .collect();
    v.sort();
    v.dedup();
    v.join(", ")
}

fn fail_with(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} mismatch(es):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn the_folder_the_readme_and_the_expectations_name_the_same_files() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md" && n != "expected.json")
        .collect();
    let listed: BTreeSet<String> = readme().keys().cloned().collect();
    assert_eq!(on_disk, listed, "files on disk vs rows of README.md");
    assert_eq!(listed.len(), 77);
    let mut named: Vec<String> = expected()["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for set in expected()["sets"].as_array().unwrap() {
        named.extend(
            set["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_string()),
        );
        named.extend(set["expect"].as_object().unwrap().keys().cloned());
    }
    let unknown: Vec<&String> = named.iter().filter(|f| !listed.contains(*f)).collect();
    assert!(
        unknown.is_empty(),
        "expected.json names files not in the corpus: {unknown:?}"
    );
}

/// What libyaml makes of a file: it reads it, or it refuses it at this (1-based) line and column.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Libyaml {
    Reads,
    RefusesAt(u64, u64),
}

/// libyaml's verdict on every corpus file from one `python3` run (PyYAML's CSafeLoader; the
/// mark is the problem's, as libyaml reports it), or None when python3 with PyYAML built
/// against libyaml is not installed.
fn libyaml() -> Option<&'static BTreeMap<String, Libyaml>> {
    static LIVE: OnceLock<Option<BTreeMap<String, Libyaml>>> = OnceLock::new();
    LIVE.get_or_init(|| {
        let script = r#"
import json, sys, yaml
if not getattr(yaml, "__with_libyaml__", False):
    sys.exit(3)
out = {}
for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1]
    try:
        with open(path, "rb") as f:
            list(yaml.load_all(f, Loader=yaml.CSafeLoader))
        out[name] = None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        out[name] = [mark.line + 1, mark.column + 1] if mark else [0, 0]
    except yaml.YAMLError:
        out[name] = [0, 0]
print(json.dumps(out))
"#;
        let mut cmd = Command::new("python3");
        cmd.arg("-c").arg(script);
        cmd.args(readme().keys().map(|f| corpus_dir().join(f)));
        let run = harness::try_run(&mut cmd, None, harness::COMMAND_LIMIT).ok()?;
        if !run.ok() {
            eprintln!("python3: {}", run.stderr);
            return None;
        }
        let raw: BTreeMap<String, Option<(u64, u64)>> = serde_json::from_str(&run.stdout).ok()?;
        Some(
            raw.into_iter()
                .map(|(f, mark)| {
                    (
                        f,
                        mark.map_or(Libyaml::Reads, |(l, c)| Libyaml::RefusesAt(l, c)),
                    )
                })
                .collect(),
        )
    })
    .as_ref()
}

#[test]
fn the_readme_libyaml_column_is_what_libyaml_says() {
    let Some(live) = libyaml() else {
        let why = "the_readme_libyaml_column_is_what_libyaml_says: needs python3 with PyYAML built against libyaml (apt-get install python3-yaml)";
        assert!(
            !harness::in_ci(),
            "{why}; CI=true, so this fails instead of skipping"
        );
        eprintln!("SKIPPED {why}");
        return;
    };
    let mut failures = Vec::new();
    for (file, row) in readme() {
        match live.get(file) {
            Some(v) if (*v == Libyaml::Reads) == row.libyaml_ok => {}
            Some(v) => failures.push(format!(
                "{file}: README says {}, CSafeLoader says {v:?}",
                if row.libyaml_ok { "ok" } else { "error" }
            )),
            None => failures.push(format!("{file}: python3 gave no verdict")),
        }
    }
    fail_with("README libyaml column vs CSafeLoader", &failures);
    // The corpus holds both kinds, or the next test proves little.
    assert!(live.values().filter(|v| **v != Libyaml::Reads).count() >= 5);
}

#[test]
fn every_file_is_answered_with_yaml_syntax_exactly_where_libyaml_refuses() {
    let mut failures = Vec::new();
    for (file, row) in readme() {
        let answer = &answers()[file];
        if !matches!(answer.exit, Some(0 | 1)) || answer.stderr.contains("panicked") {
            failures.push(format!(
                "{file}: exit {:?}, stderr: {}",
                answer.exit,
                answer.stderr.trim()
            ));
            continue;
        }
        let Some(files) = &answer.files else {
            failures.push(format!(
                "{file}: stdout is not the JSON array of --format json: {}",
                answer.stdout
            ));
            continue;
        };
        let Some(findings) = files.get(file) else {
            failures.push(format!("{file}: the output has no entry for it"));
            continue;
        };
        let syntax: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.code == "yaml-syntax")
            .collect();
        match (row.libyaml_ok, syntax.first()) {
            (true, Some(f)) => failures.push(format!(
                "{file}: libyaml reads it, we say yaml-syntax at line {:?}: {}",
                f.line, f.message
            )),
            (false, None) => failures.push(format!(
                "{file}: libyaml refuses it, we say no yaml-syntax ({})",
                codes(findings)
            )),
            (false, Some(f)) if f.severity != "error" => {
                failures.push(format!(
                    "{file}: yaml-syntax is a {}, not an error",
                    f.severity
                ));
            }
            (false, Some(f)) => {
                // Located where libyaml puts the problem, when python3 can tell us.
                if let Some(Libyaml::RefusesAt(line, column)) =
                    libyaml().and_then(|live| live.get(file))
                {
                    if (f.line, f.column) != (Some(*line), Some(*column)) {
                        failures.push(format!(
                            "{file}: yaml-syntax at {:?}:{:?}, libyaml says {line}:{column}",
                            f.line, f.column
                        ));
                    }
                }
            }
            _ => {}
        }
        if answer.exit == Some(1) && !findings.iter().any(|f| f.severity == "error") {
            failures.push(format!(
                "{file}: exit 1 without an error ({})",
                codes(findings)
            ));
        }
    }
    fail_with("check over the corpus", &failures);
}

/// Checks one file's findings against its `flag` / `absent` / `noError` entry.
fn hold_to(
    file: &str,
    findings: &[Finding],
    expect: &Map<String, Value>,
    failures: &mut Vec<String>,
) {
    let present: BTreeSet<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    // A code's entry is the reason, or `{"why": ..., "path": ...}` when the code must be at
    // that JSON path (a code found elsewhere in the file is not the mistake meant).
    for (code, entry) in expect
        .get("flag")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let why = entry
            .get("why")
            .unwrap_or(entry)
            .as_str()
            .unwrap_or_default();
        let path = entry.get("path").and_then(Value::as_str);
        let found = findings
            .iter()
            .any(|f| f.code == *code && path.is_none_or(|p| f.path == p));
        if !found {
            let at = path.map(|p| format!(" at `{p}`")).unwrap_or_default();
            failures.push(format!(
                "{file}: missing `{code}`{at} ({why}); got: {}",
                codes(findings)
            ));
        }
    }
    for (code, why) in expect
        .get("absent")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if present.contains(code.as_str()) {
            failures.push(format!(
                "{file}: unwanted `{code}` ({})",
                why.as_str().unwrap_or_default()
            ));
        }
    }
    if let Some(why) = expect.get("noError") {
        no_error(file, findings, why.as_str().unwrap_or_default(), failures);
    }
}

fn no_error(file: &str, findings: &[Finding], why: &str, failures: &mut Vec<String>) {
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == "error")
        .map(|f| format!("{} (line {:?}: {})", f.code, f.line, f.message))
        .collect();
    if !errors.is_empty() {
        failures.push(format!(
            "{file}: errors on a valid file ({why}): {}",
            errors.join("; ")
        ));
    }
}

fn findings_of<'a>(answer: &'a Answer, file: &str) -> Option<&'a [Finding]> {
    answer.files.as_ref()?.get(file).map(Vec::as_slice)
}

#[test]
fn every_covered_mistake_is_flagged_and_the_valid_examples_get_no_error() {
    let mut failures = Vec::new();
    for (file, expect) in expected()["files"].as_object().unwrap() {
        match findings_of(&answers()[file], file) {
            Some(findings) => hold_to(file, findings, expect.as_object().unwrap(), &mut failures),
            None => failures.push(format!("{file}: no JSON answer")),
        }
    }
    // The README's valid examples, whether or not expected.json names them.
    let valid: Vec<&String> = readme()
        .iter()
        .filter(|(_, r)| r.mistakes == "-")
        .map(|(f, _)| f)
        .collect();
    assert!(valid.len() >= 8, "only {} valid examples", valid.len());
    for file in valid {
        match findings_of(&answers()[file], file) {
            Some(findings) => no_error(
                file,
                findings,
                "README: no suspected mistake",
                &mut failures,
            ),
            None => failures.push(format!("{file}: no JSON answer")),
        }
    }
    // Nothing checked offline can see the cluster: a NAD outside the files is at most info.
    for (file, answer) in answers() {
        for f in findings_of(answer, file).unwrap_or_default() {
            if f.code == "nad-not-found" && f.severity != "info" {
                failures.push(format!(
                    "{file}: nad-not-found is a {}, not info: {}",
                    f.severity, f.message
                ));
            }
        }
    }
    fail_with("expectations for files checked alone", &failures);
}

#[test]
fn files_published_together_are_checked_together() {
    let mut failures = Vec::new();
    for set in expected()["sets"].as_array().unwrap() {
        let files: Vec<&str> = set["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let answer = check(&files);
        if !matches!(answer.exit, Some(0 | 1)) || answer.stderr.contains("panicked") {
            failures.push(format!(
                "{files:?}: exit {:?}, stderr: {}",
                answer.exit,
                answer.stderr.trim()
            ));
            continue;
        }
        for (file, expect) in set["expect"].as_object().unwrap() {
            match findings_of(&answer, file) {
                Some(findings) => hold_to(
                    &format!("{file} (with {})", files.join(", ")),
                    findings,
                    expect.as_object().unwrap(),
                    &mut failures,
                ),
                None => failures.push(format!("{file}: no JSON answer in the run over {files:?}")),
            }
        }
    }
    fail_with("expectations for sets", &failures);
}
