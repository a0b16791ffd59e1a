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
    // A former name of a merged code still reads as the code it became, and names no other.
    for c in Code::ALL {
        for alias in c.aliases() {
            assert!(names.insert(alias), "{alias} names two codes");
            assert_eq!(Code::from_name(alias), Some(*c));
        }
    }
    assert_eq!(Code::from_name("mac-used-twice"), Some(Code::DuplicateMac));
}

fn rust_paths(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_paths(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    let mut paths = Vec::new();
    rust_paths(dir, &mut paths);
    out.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
}

/// Test code: everything after a `#[cfg(test)]` in src/, test modules in their own file
/// (`src/**/tests.rs`, included under a `#[cfg(test)]`), and all of tests/ and policy/ tests.
#[test]
fn every_code_is_exercised_by_a_test() {
    let mut texts = Vec::new();
    let mut src = Vec::new();
    rust_paths(&root().join("src"), &mut src);
    for path in &src {
        let text = std::fs::read_to_string(path).unwrap();
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            texts.push(text);
        } else if let Some(i) = text.find("#[cfg(test)]") {
            texts.push(text[i..].to_string());
        }
    }
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

/// Where each code is emitted, read from the source: `file: function` (the path under src/ and
/// the innermost `fn` around it) for every `Code::X` outside tests, comparisons and the registry.
fn emitting_sites() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_paths(&src, &mut files);
    let mut sites: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if rel.starts_with("bin/")
            || rel == "diagnostic.rs"
            || stem == "tests"
            || stem.ends_with("_tests")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The functions open around the current line: (indentation, name).
        let mut open: Vec<(usize, String)> = Vec::new();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            // An inline test module ends the code; `mod tests;` (a file of its own) does not.
            let next = lines.get(n + 1).copied().unwrap_or("");
            if line.starts_with("#[cfg(test)]") && next.trim_end().ends_with('{') {
                break;
            }
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let mut decl = trimmed;
            for prefix in ["pub(crate) ", "pub(super) ", "pub ", "const "] {
                decl = decl.strip_prefix(prefix).unwrap_or(decl);
            }
            if trimmed.starts_with('}') || decl.starts_with("fn ") {
                while open.last().is_some_and(|(i, _)| *i >= indent) {
                    open.pop();
                }
            }
            if let Some(rest) = decl.strip_prefix("fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                open.push((indent, name));
            }
            let mut from = 0;
            while let Some(at) = line[from..].find("Code::") {
                let start = from + at;
                from = start + "Code::".len();
                let before = line[..start].trim_end();
                if before.ends_with("==") || before.ends_with("!=") {
                    continue; // a comparison, not an emission
                }
                let variant: String = line[from..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let function = open.last().map_or("(top level)", |(_, n)| n.as_str());
                sites
                    .entry(variant)
                    .or_default()
                    .insert(format!("{rel}: {function}"));
            }
        }
    }
    sites
}

/// From a code, a reader reaches the functions that emit it: the registry's `by` list
/// (shown in docs/diagnostics.md) is exactly what the source says.
#[test]
fn every_code_names_the_functions_that_emit_it() {
    let sites = emitting_sites();
    let mut wrong = Vec::new();
    for c in Code::ALL {
        let want: Vec<&str> = sites
            .get(&format!("{c:?}"))
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default();
        if c.emitted_by() != want.as_slice() {
            let list: Vec<String> = want.iter().map(|s| format!("{s:?}")).collect();
            wrong.push(format!("{c:?}:\n        by {};", list.join(", ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "the `by` lists in src/diagnostic.rs's codes! differ from the source; write:\n{}",
        wrong.join("\n")
    );
}
