//! What `wukong-net check` reads: files, directories (recursive, sorted, hidden entries
//! skipped, symlink loops ended, each file once), `-` for stdin as `kustomize build | wukong-net
//! check -` feeds it, and the exit statuses in every format.

#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{status, try_run, write, Run, TempDir, CLI_LIMIT};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SEED: &str = include_str!("fixtures/seed-dhcp.yaml");
/// A Wukong with one error (an address under DHCP).
const BROKEN: &str = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: broken, namespace: lab, uid: 00000000-0000-4000-8000-000000000000}\nspec:\n  cpu: 2\n  memory: 4Gi\n  networks:\n  - name: default\n  - name: ext\n    bridgeName: br1\n    physicalInterface: ens1\n    ipConfig: {mode: dhcp, address: 10.0.0.5/24}\n";
/// A Wukong with one warning and no error (a bridge network without ipConfig).
const WARNED: &str = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: warned, namespace: lab, uid: 00000000-0000-4000-8000-000000000000}\nspec:\n  cpu: 2\n  memory: 4Gi\n  networks:\n  - name: default\n  - name: ext\n    bridgeName: br1\n    physicalInterface: ens1\n";

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the CLI in `dir`, so names are reported relative to it.
fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wukong-net"));
    cmd.current_dir(dir).args(args);
    try_run(&mut cmd, Some(stdin), CLI_LIMIT).unwrap_or_else(|e| panic!("{e}"))
}

/// The files a JSON report covers, in its order, with their diagnostic codes.
fn files_and_codes(o: &Run) -> Vec<(String, Vec<String>)> {
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let codes = f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect();
            (f["file"].as_str().unwrap().to_string(), codes)
        })
        .collect()
}

fn names(o: &Run) -> Vec<String> {
    files_and_codes(o).into_iter().map(|(f, _)| f).collect()
}

#[test]
fn a_directory_is_read_recursively_in_sorted_order() {
    let t = TempDir::new("check-dir");
    let root = t.join("specs");
    write(&root.join("b.yaml"), SEED);
    write(&root.join("a.yml"), SEED);
    write(
        &root.join("c.json"),
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"x\"}}",
    );
    write(&root.join("sub/z.yaml"), SEED);
    write(&root.join("sub/deeper/m.yaml"), SEED);
    write(&root.join("B.yaml"), SEED);
    // Not manifests by name: never read (the text would be a yaml-syntax error).
    write(&root.join("notes.txt"), "key: [unclosed");
    write(&root.join("Chart.lock"), "key: [unclosed");
    write(&root.join("upper.YAML"), "key: [unclosed");
    // Hidden entries: skipped, however manifest-like.
    write(&root.join(".git/config.yaml"), "key: [unclosed");
    write(&root.join(".hidden.yaml"), "key: [unclosed");

    let o = run_in(&t.path, &["check", "specs", "--format", "json"], b"");
    status(&o, 0);
    // Sorted by name byte-wise at each level, a directory's files where its name sorts.
    assert_eq!(
        names(&o),
        [
            "specs/B.yaml",
            "specs/a.yml",
            "specs/b.yaml",
            "specs/c.json",
            "specs/sub/deeper/m.yaml",
            "specs/sub/z.yaml",
        ]
    );
    // The same order every run, and with a trailing slash the same files.
    let again = run_in(&t.path, &["check", "specs/", "--format", "json"], b"");
    assert_eq!(names(&again), names(&o));
    // A file named explicitly is read whatever its extension.
    let o = run_in(&t.path, &["check", "specs/notes.txt"], b"");
    status(&o, 1);
    assert!(o.stdout.contains("yaml-syntax"), "{}", o.stdout);
}

#[test]
fn symlink_loops_end_and_each_file_is_checked_once() {
    let t = TempDir::new("check-links");
    let root = t.join("specs");
    write(&root.join("a.yaml"), SEED);
    write(&root.join("sub/b.yaml"), SEED);
    // A loop back to the top, a link to a sibling directory, a second name for a file.
    std::os::unix::fs::symlink("..", root.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("sub", root.join("also-sub")).unwrap();
    std::os::unix::fs::symlink("a.yaml", root.join("same-as-a.yaml")).unwrap();

    let o = run_in(&t.path, &["check", "specs", "--format", "json"], b"");
    status(&o, 0);
    // `also-sub` sorts before `sub`: its files are reported under that name, once.
    assert_eq!(names(&o), ["specs/a.yaml", "specs/also-sub/b.yaml"]);

    // Naming a file again, or a directory and a file in it, checks it once.
    let o = run_in(
        &t.path,
        &[
            "check",
            "specs/a.yaml",
            "specs",
            "./specs/a.yaml",
            "--format",
            "json",
        ],
        b"",
    );
    status(&o, 0);
    assert_eq!(names(&o), ["specs/a.yaml", "specs/also-sub/b.yaml"]);
}

#[test]
fn unreadable_paths_are_named_and_exit_2() {
    let t = TempDir::new("check-unreadable");
    let root = t.join("specs");
    write(&root.join("a.yaml"), BROKEN);
    std::os::unix::fs::symlink("nowhere.yaml", root.join("dangling.yaml")).unwrap();
    // A dangling link that is not named like a manifest is not one: ignored.
    std::os::unix::fs::symlink("nowhere", root.join("dangling.txt")).unwrap();
    std::fs::create_dir_all(t.join("empty/.hidden")).unwrap();
    write(&t.join("empty/.hidden/x.yaml"), SEED);

    for format in ["human", "json", "sarif", "github"] {
        let o = run_in(
            &t.path,
            &["check", "specs", "missing.yaml", "--format", format],
            b"",
        );
        status(&o, 2);
        // Every unreadable path, each by the name it was reached under; nothing checked.
        assert!(
            o.stderr.contains("cannot read specs/dangling.yaml: "),
            "{}",
            o.stderr
        );
        assert!(
            o.stderr.contains("cannot read missing.yaml: "),
            "{}",
            o.stderr
        );
        assert!(!o.stderr.contains("dangling.txt"), "{}", o.stderr);
        assert_eq!(o.stdout, "", "{format}");
    }
    // A directory with nothing to check is a mistake in the job, not a pass.
    let o = run_in(&t.path, &["check", "empty"], b"");
    status(&o, 2);
    assert!(
        o.stderr
            .contains("no *.yaml, *.yml or *.json file in directory empty"),
        "{}",
        o.stderr
    );
    // stdin can be read once.
    let o = run_in(&t.path, &["check", "-", "-"], SEED.as_bytes());
    status(&o, 2);
    assert!(o.stderr.contains("more than once"), "{}", o.stderr);
}

#[test]
fn stdin_takes_a_stream_as_kustomize_and_helm_print_it() {
    let t = TempDir::new("check-stdin");
    // `kustomize build` output: documents separated by `---`, other kinds among them.
    let stream = format!(
        "{SEED}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm}}\n---\n{BROKEN}"
    );
    let o = run_in(
        &t.path,
        &["check", "-", "--format", "json"],
        stream.as_bytes(),
    );
    status(&o, 1);
    let files = files_and_codes(&o);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0, "<stdin>");
    assert!(
        files[0].1.contains(&"dhcp-with-address".to_string()),
        "{files:?}"
    );
    // The errors are located in the stream: line 12 of BROKEN is the address.
    let human = run_in(&t.path, &["check", "-"], stream.as_bytes());
    status(&human, 1);
    let line = SEED.lines().count() + 5 + 12;
    assert!(
        human.stdout.contains(&format!("--> <stdin>:{line}:")),
        "{}",
        human.stdout
    );
    // stdin among files, in the order given.
    write(&t.join("w.yaml"), WARNED);
    let o = run_in(
        &t.path,
        &["check", "w.yaml", "-", "--format", "json"],
        SEED.as_bytes(),
    );
    status(&o, 0);
    assert_eq!(names(&o), ["w.yaml", "<stdin>"]);
}

#[test]
fn exit_status_is_the_same_in_every_format() {
    let t = TempDir::new("check-exit");
    write(&t.join("ok.yaml"), SEED);
    write(&t.join("warned.yaml"), WARNED);
    write(&t.join("broken.yaml"), BROKEN);
    write(&t.join("bad-syntax.yaml"), "spec: [unclosed\n");
    for format in ["human", "json", "sarif", "github"] {
        for (files, code) in [
            (&["ok.yaml"][..], 0),
            (&["ok.yaml", "warned.yaml"][..], 0),
            (&["ok.yaml", "broken.yaml"][..], 1),
            (&["bad-syntax.yaml"][..], 1),
        ] {
            let mut args = vec!["check", "--format", format];
            args.extend(files);
            let o = run_in(&t.path, &args, b"");
            status(&o, code);
        }
    }
}

#[test]
fn a_whole_rendered_application_on_stdin_is_read_under_the_stream_limits() {
    // `kustomize build` of a real application: more documents (over 400) and bytes (over 1 MiB)
    // than the limits one object is read under (100 documents, 1 MiB); `check` reads files and
    // stdin under `Limits::STREAM`. Each VM is distinct, so no cross-reference fires.
    let t = TempDir::new("check-stream");
    let vm =
        std::fs::read_to_string(root().join("tests/fixtures/manifests/vm-and-nads.yaml")).unwrap();
    let mut stream = String::new();
    for i in 0..400 {
        let cm = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}, namespace: app}}\ndata: {{key: \"{}\"}}\n", "x".repeat(2600));
        stream.push_str(&cm);
        stream.push_str("---\n");
    }
    stream.push_str(&vm);
    assert!(
        stream.len() > wukong_net::limits::MAX_INPUT_BYTES,
        "{}",
        stream.len()
    );
    let o = run_in(
        &t.path,
        &["check", "-", "--format", "json"],
        stream.as_bytes(),
    );
    let files = files_and_codes(&o);
    assert!(
        !files[0]
            .1
            .iter()
            .any(|c| c == "input-too-large" || c == "too-many-documents"),
        "{files:?}"
    );
    // The VM at the end was read and checked like the file on its own.
    let alone = run_in(
        &root(),
        &[
            "check",
            "tests/fixtures/manifests/vm-and-nads.yaml",
            "--format",
            "json",
        ],
        b"",
    );
    let mut codes = files[0].1.clone();
    codes.retain(|c| c != "not-a-wukong");
    let mut expected = files_and_codes(&alone)[0].1.clone();
    expected.retain(|c| c != "not-a-wukong");
    assert_eq!(codes, expected);
    assert_eq!(o.status.code(), alone.status.code());
    // Past the stream limit: a located error, not a hang or a crash.
    let huge = "a: 1\n---\n".repeat(wukong_net::limits::Limits::STREAM.documents + 1);
    let o = run_in(
        &t.path,
        &["check", "-", "--format", "json"],
        huge.as_bytes(),
    );
    status(&o, 1);
    assert!(
        files_and_codes(&o)[0]
            .1
            .contains(&"too-many-documents".to_string()),
        "{:?}",
        files_and_codes(&o)
    );
}
