//! Generated docs stay in step with the code, and every diagnostic code is exercised by a test.

use std::path::{Path, PathBuf};
use wukong_net::Code;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn diagnostics_catalogue_is_current() {
    let want = wukong_net::diagnostic::catalog_markdown();
    let path = root().join("docs/diagnostics.md");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "docs/diagnostics.md is stale: run `cargo run -q -- explain --all > docs/diagnostics.md`"
    );
}

#[test]
fn every_code_has_a_summary_and_a_unique_name() {
    let mut names = std::collections::HashSet::new();
    for c in Code::ALL {
        assert!(!c.summary().is_empty(), "{c} has no doc comment");
        assert!(names.insert(c.as_str()), "{c} named twice");
        assert_eq!(Code::from_name(c.as_str()), Some(*c));
    }
}

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// Test code: everything after a `#[cfg(test)]` in src/, and all of tests/ and policy/ tests.
#[test]
fn every_code_is_exercised_by_a_test() {
    let mut texts = Vec::new();
    let mut src = Vec::new();
    rust_files(&root().join("src"), &mut src);
    texts.extend(
        src.iter()
            .filter_map(|t| t.find("#[cfg(test)]").map(|i| t[i..].to_string())),
    );
    for dir in ["tests", "policy/tests", "policy/src", "policy/e2e/tests"] {
        let d = root().join(dir);
        if d.is_dir() {
            rust_files(&d, &mut texts);
        }
    }
    let this_file = include_str!("docs.rs");
    let all: String = texts
        .iter()
        .filter(|t| t.as_str() != this_file)
        .cloned()
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| {
            !all.contains(&format!("Code::{c:?}")) && !all.contains(&format!("\"{}\"", c.as_str()))
        })
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes no test mentions: {missing:?}");
}
