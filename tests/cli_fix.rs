//! `check --fix`, `--diff` and `--unsafe-fixes` as a user runs them: files rewritten in place
//! keeping their mode, a second run changing nothing, the diff applied by GNU patch, stdin
//! fixed to stdout, and the fixes carried by the JSON and SARIF reports.

#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{status, try_run, Run, TempDir, CLI_LIMIT};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fixes")
        .join(name)
}

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wukong-net"));
    cmd.args(args).current_dir(dir);
    try_run(&mut cmd, Some(stdin), CLI_LIMIT).unwrap_or_else(|e| panic!("{e}"))
}

/// A copy of a fixes fixture in a fresh directory, with `mode`.
fn copy(t: &TempDir, name: &str, mode: u32) -> (PathBuf, String) {
    let text = std::fs::read_to_string(data(name)).unwrap();
    let path = t.join(name);
    std::fs::write(&path, &text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    (path, text)
}

#[test]
fn fix_rewrites_in_place_keeps_the_mode_and_is_idempotent() {
    let t = TempDir::new("fix-in-place");
    let (path, before) = copy(&t, "vm-mac-not-pinned.yaml", 0o640);
    let o = run_in(&t.path, &["check", "--fix", "vm-mac-not-pinned.yaml"], b"");
    // What remains is an info (the NAD is not among the files): exit 0.
    status(&o, 0);
    assert!(
        o.stdout.contains(
            "fixed[mac-not-pinned]: pin macAddress \"02:5a:00:00:00:02\" on interface `external`"
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .ends_with("1 file checked: 0 errors, 0 warnings\n1 fix applied\n"),
        "{}",
        o.stdout
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before.replace(
            "            bridge: {}\n",
            "            bridge: {}\n            macAddress: \"02:5a:00:00:00:02\"\n"
        )
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // No temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(&t.path)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A second run changes nothing.
    let o = run_in(&t.path, &["check", "--fix", "vm-mac-not-pinned.yaml"], b"");
    status(&o, 0);
    assert!(o.stdout.ends_with("0 fixes applied\n"), "{}", o.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
}

#[test]
fn diff_writes_nothing_and_patch_applies_it() {
    let t = TempDir::new("fix-diff");
    let (path, before) = copy(&t, "netcfg-routes.yaml", 0o644);
    for flags in [&["--diff"][..], &["--fix", "--dry-run"][..]] {
        let mut args = vec!["check"];
        args.extend_from_slice(flags);
        args.push("netcfg-routes.yaml");
        let o = run_in(&t.path, &args, b"");
        // The unquoted MAC (an error) is fixed, the misspelt key (an unsafe rename) remains;
        // the diff is on stdout, the report on stderr.
        status(&o, 1);
        assert!(
            o.stdout
                .starts_with("--- a/netcfg-routes.yaml\n+++ b/netcfg-routes.yaml\n@@ "),
            "{}",
            o.stdout
        );
        assert!(o.stdout.contains("\n-        macaddress: 52:54:00:12:34:56\n+        macaddress: \"52:54:00:12:34:56\"\n"));
        assert!(o.stderr.contains("would fix[unquoted-mac]"), "{}", o.stderr);
        assert!(
            o.stderr.contains("fixes to apply (nothing written)"),
            "{}",
            o.stderr
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
    // GNU patch applies the diff; the result is what --fix writes.
    let o = run_in(&t.path, &["check", "--diff", "netcfg-routes.yaml"], b"");
    let mut patch = Command::new("patch");
    patch.args(["-p1", "--quiet"]).current_dir(&t.path);
    let p = try_run(&mut patch, Some(o.stdout.as_bytes()), CLI_LIMIT).unwrap();
    assert!(p.ok(), "{}{}", p.stdout, p.stderr);
    let patched = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &before).unwrap();
    status(
        &run_in(&t.path, &["check", "--fix", "netcfg-routes.yaml"], b""),
        1,
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), patched);
    assert_ne!(patched, before);
}

#[test]
fn unsafe_fixes_only_on_request() {
    let t = TempDir::new("fix-unsafe");
    let (path, before) = copy(&t, "wukong-dhcp-with-address.yaml", 0o644);
    let o = run_in(
        &t.path,
        &["check", "--fix", "wukong-dhcp-with-address.yaml"],
        b"",
    );
    // Both repairs need review: nothing applied, the error remains.
    status(&o, 1);
    assert!(o.stdout.contains("error[dhcp-with-address]"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let o = run_in(
        &t.path,
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "wukong-dhcp-with-address.yaml",
        ],
        b"",
    );
    status(&o, 0);
    assert!(
        o.stdout
            .contains("fixed[dhcp-with-address]: remove `address`"),
        "{}",
        o.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before.replace("      address: 10.0.0.5/24\n", "")
    );
    // --unsafe-fixes alone is a usage error.
    status(
        &run_in(
            &t.path,
            &["check", "--unsafe-fixes", "wukong-dhcp-with-address.yaml"],
            b"",
        ),
        2,
    );
}

#[test]
fn stdin_is_fixed_to_stdout_with_the_report_on_stderr() {
    let before = std::fs::read_to_string(data("nad-dhcp-ipam.yaml")).unwrap();
    let o = run_in(
        Path::new("."),
        &["check", "--fix", "-", "--format", "json"],
        before.as_bytes(),
    );
    status(&o, 0);
    assert_eq!(
        o.stdout,
        before.replace(r#"\"ipam\": {\"type\": \"dhcp\"}"#, r#"\"ipam\": {}"#)
    );
    let report: Value = serde_json::from_str(&o.stderr).unwrap();
    assert_eq!(report[0]["fixed"][0]["code"], "dhcp-ipam");
    assert_eq!(report[0]["fixed"][0]["patch"][0]["path"], "/spec/config");
    assert_eq!(report[0]["diagnostics"], Value::Array(vec![]));
}

#[test]
fn reports_carry_the_fixes() {
    let dir = data("");
    // JSON: the fix as data.
    let o = run_in(
        &dir,
        &["check", "nad-missing-ipam.yaml", "--format", "json"],
        b"",
    );
    status(&o, 0);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let fix = &v[0]["diagnostics"][0]["fixes"][0];
    assert_eq!(fix["title"], "add \"ipam\": {}");
    assert_eq!(fix["safe"], true);
    assert!(v[0].get("fixed").is_none(), "no `fixed` without --fix");
    // SARIF: artifactChanges whose replacements (UTF-16 offsets) make the fixed text.
    let text = std::fs::read_to_string(data("netcfg-routes.yaml")).unwrap();
    let o = run_in(
        &dir,
        &["check", "netcfg-routes.yaml", "--format", "sarif"],
        b"",
    );
    let sarif: Value = serde_json::from_str(&o.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mac = results
        .iter()
        .find(|r| r["ruleId"] == "unquoted-mac")
        .unwrap();
    let change = &mac["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "netcfg-routes.yaml");
    let r = &change["replacements"][0];
    let units: Vec<u16> = text.encode_utf16().collect();
    let start = r["deletedRegion"]["charOffset"].as_u64().unwrap() as usize;
    let len = r["deletedRegion"]["charLength"].as_u64().unwrap() as usize;
    let mut fixed = String::from_utf16(&units[..start]).unwrap();
    fixed.push_str(r["insertedContent"]["text"].as_str().unwrap());
    fixed.push_str(&String::from_utf16(&units[start + len..]).unwrap());
    assert_eq!(
        fixed,
        text.replace(
            "macaddress: 52:54:00:12:34:56",
            "macaddress: \"52:54:00:12:34:56\""
        )
    );
}

/// Every document of each file as libyaml (PyYAML's CSafeLoader) reads it, as JSON (YAML 1.1
/// dates and other non-JSON values as their str()); null for a file it refuses.
fn libyaml_documents(files: &[PathBuf]) -> Vec<Value> {
    let script = r#"
import json, sys, yaml
assert yaml.__with_libyaml__
out = []
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            out.append(list(yaml.load_all(f, Loader=yaml.CSafeLoader)))
    except yaml.YAMLError:
        out.append(None)
print(json.dumps(out, default=str))
"#;
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(script).args(files);
    let run = try_run(&mut cmd, None, harness::COMMAND_LIMIT).unwrap();
    assert!(run.ok(), "python3 with PyYAML and libyaml: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `check --fix` over the real-manifest corpus (and the fixes fixtures): nothing fixable is
/// left, files without a fix are byte-identical, and every fixed file reads the same in
/// libyaml as before except for what the applied fixes' patches change.
#[test]
fn fixing_the_corpus_changes_only_the_fixed_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["tests/data/kubevirt-manifests", "tests/data/fixes"] {
        let t = TempDir::new("fix-corpus");
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        for n in &names {
            std::fs::copy(root.join(dir).join(n), t.join(n)).unwrap();
        }
        let originals: Vec<PathBuf> = names.iter().map(|n| root.join(dir).join(n)).collect();
        let copies: Vec<PathBuf> = names.iter().map(|n| t.join(n)).collect();
        let mut args = vec!["check", "--fix", "--format", "json"];
        args.extend(names.iter().map(String::as_str));
        let o = run_in(&t.path, &args, b"");
        let report: Value =
            serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
        let report = report.as_array().unwrap();
        // Nothing fixable left.
        let again = run_in(&t.path, &["check", "--format", "json", "."], b"");
        let again: Value = serde_json::from_str(&again.stdout).unwrap();
        for file in again.as_array().unwrap() {
            for d in file["diagnostics"].as_array().unwrap() {
                let fixable = d["fixes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|f| f["safe"] == true && !f["edits"].as_array().unwrap().is_empty());
                assert!(!fixable, "{}: {d}", file["file"]);
            }
        }
        let before = libyaml_documents(&originals);
        let after = libyaml_documents(&copies);
        let mut fixed_files = 0;
        for (k, file) in report.iter().enumerate() {
            let applied = file["fixed"].as_array().unwrap();
            let original = std::fs::read(&originals[k]).unwrap();
            let now = std::fs::read(&copies[k]).unwrap();
            if applied.is_empty() {
                assert_eq!(now, original, "{}", names[k]);
                continue;
            }
            fixed_files += 1;
            assert!(
                before[k].is_array(),
                "{}: fixed, yet libyaml refuses it",
                names[k]
            );
            let mut expected = before[k].clone();
            for a in applied {
                let doc = a["document"].as_u64().unwrap() as usize;
                let patch: Vec<wukong_net::fix::PatchOp> = a["patch"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(patch_op)
                    .collect();
                wukong_net::fix::apply_patch(&mut expected[doc], &patch).unwrap();
            }
            assert_eq!(after[k], expected, "{}", names[k]);
        }
        assert!(fixed_files >= 3, "{dir}: {fixed_files} files fixed");
    }
}

/// A JSON Patch operation read back from the JSON report.
fn patch_op(op: &Value) -> wukong_net::fix::PatchOp {
    use wukong_net::fix::PatchOp;
    let s = |k: &str| op[k].as_str().unwrap().to_string();
    match op["op"].as_str().unwrap() {
        "add" => PatchOp::Add {
            path: s("path"),
            value: op["value"].clone(),
        },
        "remove" => PatchOp::Remove { path: s("path") },
        "replace" => PatchOp::Replace {
            path: s("path"),
            value: op["value"].clone(),
        },
        "move" => PatchOp::Move {
            from: s("from"),
            path: s("path"),
        },
        other => panic!("unknown op {other}"),
    }
}
