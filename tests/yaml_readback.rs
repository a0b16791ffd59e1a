//! Every YAML we write must read back identically in a YAML 1.1 parser (PyYAML, which
//! cloud-init uses) and in a YAML 1.2 parser (ours, as Kubernetes reads YAML): the value each
//! parser reads must equal the value we serialized. This is where an unquoted MAC would turn
//! into an integer, or a network named `on` into `true`.

#![allow(clippy::print_stderr)] // says why a test skipped

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use wukong_net::render::manifests_yaml;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// (label, YAML text, the values it must read back as).
fn outputs() -> Vec<(String, String, Vec<Value>)> {
    let mut out = Vec::new();
    for f in fixtures() {
        let text = std::fs::read_to_string(&f).unwrap();
        let report = wukong_net::render(&text);
        assert!(
            !report.has_errors(),
            "{}: {:#?}",
            f.display(),
            report.diagnostics
        );
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for (w, m) in report.wukongs.iter().zip(&report.manifests) {
            // What we serialized into networkData.
            let want =
                serde_json::to_value(wukong_net::netplan::network_data(&wukong_net::nic::nics(w)))
                    .unwrap();
            out.push((
                format!("{name}: networkData"),
                m.network_data.clone(),
                vec![want],
            ));
            // What we serialized into userData (cloud-init reads it with PyYAML too).
            let want = serde_json::to_value(wukong_net::cloud_init::cloud_config(w)).unwrap();
            out.push((format!("{name}: userData"), m.user_data.clone(), vec![want]));
        }
        let mut docs = Vec::new();
        for m in &report.manifests {
            docs.extend(m.secret.iter().map(|s| serde_json::to_value(s).unwrap()));
            docs.extend(
                m.network_attachment_definitions
                    .iter()
                    .map(|n| serde_json::to_value(n).unwrap()),
            );
            docs.push(serde_json::to_value(&m.virtual_machine).unwrap());
            docs.extend(
                m.node_network_configuration_policies
                    .iter()
                    .map(|n| serde_json::to_value(n).unwrap()),
            );
        }
        out.push((
            format!("{name}: manifests"),
            manifests_yaml(&report.manifests, None),
            docs,
        ));
    }
    out
}

fn ours(text: &str) -> Vec<Value> {
    let s = wukong_net::source::parse(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    s.documents.into_iter().map(|d| d.value).collect()
}

/// PyYAML's reading of each text (safe_load_all, as cloud-init's util.load_yaml does).
fn pyyaml(texts: &[String]) -> Option<Vec<Vec<Value>>> {
    let script = "import sys, json, yaml\n\
        texts = json.load(sys.stdin)\n\
        print(json.dumps([[d for d in yaml.safe_load_all(t) if d is not None] for t in texts], default=repr))\n";
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return missing(&format!("python3: {e}")),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(texts).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named 'yaml'") {
            return missing("PyYAML (python3-yaml)");
        }
        panic!("python3 failed: {err}");
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// A missing tool skips outside CI and fails inside it.
fn missing(what: &str) -> Option<Vec<Vec<Value>>> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is required in CI (installed by scripts/setup.sh)");
    }
    eprintln!("SKIP: {what} not available");
    None
}

#[test]
fn every_output_reads_back_identically_in_yaml_1_2() {
    for (label, text, want) in outputs() {
        assert_eq!(ours(&text), want, "{label}");
    }
}

#[test]
fn every_output_reads_back_identically_in_pyyaml() {
    let outs = outputs();
    let texts: Vec<String> = outs.iter().map(|(_, t, _)| t.clone()).collect();
    let Some(read) = pyyaml(&texts) else { return };
    for ((label, _, want), got) in outs.iter().zip(read) {
        assert_eq!(&got, want, "{label}: PyYAML reads it differently");
    }
}

/// The traps fixture really contains the traps: PyYAML reads these scalars as non-strings
/// when unquoted, so passing the test above means our writer quoted them.
#[test]
fn the_trap_scalars_are_traps_for_pyyaml() {
    let traps = [
        "12:34:56:12:34:56",
        "52:54:00:12:34:56",
        "on",
        "off",
        "yes",
        "no",
        "y",
        "null",
        "012",
        "1e3",
        "0x1f",
        "true",
        "0o17",
    ];
    let texts: Vec<String> = traps.iter().map(|t| format!("k: {t}\n")).collect();
    let Some(read) = pyyaml(&texts) else { return };
    let strings: Vec<&str> = traps
        .iter()
        .zip(&read)
        .filter(|(_, docs)| docs[0]["k"].is_string())
        .map(|(t, _)| *t)
        .collect();
    // PyYAML reads these three as strings (YAML 1.1 has no `y`, `0o` or exponent-only floats
    // in its resolvers); every other one as a number, boolean or null.
    assert_eq!(strings, ["y", "1e3", "0o17"], "{read:?}");
}
