//! Every rendered userData, read by cloud-init itself (the installed 22.4):
//! - `cloud-init schema --config-file` says it is valid cloud-config;
//! - cloud-init's own user normalisation (`ug_util.normalize_users_groups` with the Ubuntu
//!   distro class, as its unit tests build it; it creates no users) makes the `cloudInitUser`
//!   the default user, the one KubeVirt's noCloud SSH keys reach, with the spec's values.
//!
//! cloud-init's interpreter is `/usr/bin/python3` (the shebang of `/usr/bin/cloud-init`): the
//! `python3` on PATH may be another one without the `cloudinit` module. The test fails, never
//! skips, when cloud-init is missing: scripts/setup.sh installs it.
//!
//! Inputs: every Wukong of tests/fixtures/ and tests/crd_fixtures/ that renders.

#[allow(dead_code)]
#[path = "real_consumers/harness.rs"]
mod harness;

use harness::{run, TempDir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use wukong_net::model::Wukong;
use wukong_net::Manifests;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// cloud-init's own Python: the interpreter named on the first line of the `cloud-init` script.
fn cloud_init_python() -> PathBuf {
    let script = harness::find_tool("cloud-init").unwrap_or_else(|| {
        panic!("cloud-init is not installed (Debian: apt-get install cloud-init; scripts/setup.sh does it)")
    });
    let text =
        std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    let first = text.lines().next().unwrap_or_default();
    let interpreter = first
        .strip_prefix("#!")
        .map(|s| s.split_whitespace().next().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{} has no shebang: {first}", script.display()));
    PathBuf::from(interpreter)
}

/// Every fixture Wukong that renders, with its manifests.
fn rendered() -> Vec<(String, Wukong, Manifests)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "tests/crd_fixtures"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let report = wukong_net::render(&text);
            assert!(
                !report.has_errors(),
                "{}: {:#?}",
                path.display(),
                report.diagnostics
            );
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for (i, (w, m)) in report.wukongs.into_iter().zip(report.manifests).enumerate() {
                out.push((format!("{dir}/{name}#{i}"), w, m));
            }
        }
    }
    assert!(out.len() >= 15, "only {} Wukongs rendered", out.len());
    out
}

/// Where the VM takes its userData from: the inline text, or the Secret's copy.
fn delivered_user_data(m: &Manifests) -> (String, bool) {
    let vm = serde_json::to_value(&m.virtual_machine).unwrap();
    let volumes = vm["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap();
    let src = volumes
        .iter()
        .find_map(|v| v.get("cloudInitNoCloud"))
        .expect("no cloudInitNoCloud volume");
    match (&src["userData"], &src["secretRef"]["name"]) {
        (Value::String(inline), Value::Null) => (inline.clone(), false),
        (Value::Null, Value::String(name)) => {
            let secret = m
                .secret
                .as_ref()
                .expect("secretRef without a rendered Secret");
            assert_eq!(&secret.metadata.name, name);
            (secret.string_data["userdata"].clone(), true)
        }
        other => panic!("not exactly one userData source: {other:?}"),
    }
}

fn schema_check(file: &Path) -> harness::Run {
    run(
        Command::new(harness::tool("cloud-init"))
            .arg("schema")
            .arg("--config-file")
            .arg(file),
        None,
    )
}

#[test]
fn every_user_data_is_valid_cloud_config_to_cloud_init_schema() {
    let tmp = TempDir::new("userdata-schema");
    let mut checked = 0;
    for (at, _, m) in rendered() {
        let (text, _) = delivered_user_data(&m);
        assert_eq!(
            text, m.user_data,
            "{at}: the delivered userData is not the rendered one"
        );
        assert!(text.starts_with("#cloud-config\n"), "{at}: {text}");
        let file = tmp.join(format!("{checked}.yaml"));
        harness::write(&file, &text);
        let o = schema_check(&file);
        assert!(
            o.ok() && o.stdout.contains("Valid cloud-config"),
            "{at}: cloud-init schema refuses it\n{text}\nstdout: {}\nstderr: {}",
            o.stdout,
            o.stderr
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} userData checked");
}

/// `cloud-init schema` refuses what it should, so its acceptance means something.
#[test]
fn cloud_init_schema_refuses_a_bad_user_and_a_bare_header() {
    let tmp = TempDir::new("userdata-schema-bad");
    for (name, text) in [
        (
            "bad-user.yaml",
            "#cloud-config\nuser:\n  name: alice\n  lock_passwd: \"false\"\n  groups: 7\nusers:\n- default\n",
        ),
        ("header-only.yaml", "#cloud-config\n"),
    ] {
        let file = tmp.join(name);
        harness::write(&file, text);
        let o = schema_check(&file);
        assert!(!o.ok(), "{name}: cloud-init schema accepts it: {}", o.stdout);
    }
}

/// cloud-init's user normalisation of each text (a JSON list on stdin): the users dict and the
/// default user's name. The distro is built as cloud-init's unit tests build it, with the
/// default user and the `users: [default]` that Ubuntu's /etc/cloud/cloud.cfg sets (the image's
/// system config, which the userData's top-level keys replace; groups shortened).
const NORMALIZE: &str = r#"
import copy, json, sys, yaml
from cloudinit import distros, helpers, settings
from cloudinit.distros import ug_util

UBUNTU_DEFAULT_USER = {"name": "ubuntu", "lock_passwd": True, "gecos": "Ubuntu",
    "groups": ["adm", "sudo"], "sudo": ["ALL=(ALL) NOPASSWD:ALL"], "shell": "/bin/bash"}

def make_distro(dtype):
    cfg = copy.deepcopy(settings.CFG_BUILTIN)
    cfg["system_info"]["distro"] = dtype
    cfg["system_info"]["default_user"] = copy.deepcopy(UBUNTU_DEFAULT_USER)
    paths = helpers.Paths(cfg["system_info"]["paths"])
    return distros.fetch(dtype)(dtype, cfg["system_info"], paths)

distro = make_distro("ubuntu")
out = []
for text in json.load(sys.stdin):
    cfg = {"users": ["default"]}
    cfg.update(yaml.safe_load(text) or {})
    users, _groups = ug_util.normalize_users_groups(copy.deepcopy(cfg), distro)
    default, _ = ug_util.extract_default(copy.deepcopy(users))
    out.append({"users": users, "default": default})
json.dump(out, sys.stdout)
"#;

fn normalize(texts: &[String]) -> Vec<Value> {
    let python = cloud_init_python();
    let input = serde_json::to_vec(texts).unwrap();
    let o = run(Command::new(&python).arg("-c").arg(NORMALIZE), Some(&input));
    assert!(
        o.ok(),
        "{} could not run cloud-init's normalisation: {}",
        python.display(),
        o.stderr
    );
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout));
    v.as_array().unwrap().clone()
}

/// cloud-init returns groups as a list or a comma-separated string.
fn groups(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .map(|g| g.as_str().unwrap().trim().to_string())
            .collect(),
        Value::String(s) => s.split(',').map(|g| g.trim().to_string()).collect(),
        Value::Null => Vec::new(),
        other => panic!("groups: {other}"),
    }
}

#[test]
fn cloud_init_makes_the_cloud_init_user_the_default_user_with_the_specs_values() {
    let all = rendered();
    let texts: Vec<String> = all
        .iter()
        .map(|(_, _, m)| delivered_user_data(m).0)
        .collect();
    let normalized = normalize(&texts);
    assert_eq!(normalized.len(), all.len());
    let mut with_user = 0;
    for ((at, w, m), n) in all.iter().zip(&normalized) {
        let (_, in_secret) = delivered_user_data(m);
        let Some(u) = &w.spec.cloud_init_user else {
            // No user: the image's own default user stays (Ubuntu's here), and gets the keys.
            assert_eq!(n["default"], "ubuntu", "{at}: {n}");
            continue;
        };
        with_user += 1;
        assert_eq!(
            n["default"],
            json!(u.name),
            "{at}: not the default user: {n}"
        );
        let entry = &n["users"][&u.name];
        assert_eq!(entry["default"], true, "{at}: {n}");
        assert_eq!(
            entry["lock_passwd"],
            json!(u.lock_passwd.unwrap_or(false)),
            "{at}: lock_passwd: {n}"
        );
        assert_eq!(
            entry["passwd"],
            json!(u.password_hash),
            "{at}: passwd is only the hash: {n}"
        );
        let plain = match (&u.password, &u.password_hash) {
            (Some(p), None) => Some(p.clone()),
            _ => None,
        };
        assert_eq!(entry["plain_text_passwd"], json!(plain), "{at}: {n}");
        // A plaintext password only ever travels in the Secret.
        if plain.is_some() {
            assert!(in_secret, "{at}: a plaintext password outside the Secret");
        }
        let have = groups(&entry["groups"]);
        for g in &u.groups {
            assert!(have.contains(g), "{at}: group {g} missing: {have:?}");
        }
        if let Some(sudo) = &u.sudo {
            assert_eq!(entry["sudo"], json!(sudo), "{at}: {n}");
        }
        if let Some(shell) = &u.shell {
            assert_eq!(entry["shell"], json!(shell), "{at}: {n}");
        }
        // Only one user: the named user replaces the distro's default user.
        assert_eq!(n["users"].as_object().unwrap().len(), 1, "{at}: {n}");
    }
    assert!(
        with_user >= 3,
        "only {with_user} fixtures set cloudInitUser"
    );
}

/// The form the issue names (`users: [default, {name: X}]`) keeps the distro's default user and
/// loses the spec's `lock_passwd: false` when X has the default user's name: the reason for
/// `user:` + `users: [default]`. The harness tells the two apart.
#[test]
fn the_users_list_form_would_lose_the_specs_values() {
    let n = normalize(&[
        "#cloud-config\nusers:\n- default\n- name: alice\n  lock_passwd: false\n".to_string(),
        "#cloud-config\nusers:\n- default\n- name: ubuntu\n  lock_passwd: false\n".to_string(),
        "#cloud-config\nuser:\n  name: ubuntu\n  lock_passwd: false\nusers:\n- default\n"
            .to_string(),
    ]);
    assert_eq!(n[0]["default"], "ubuntu", "{}", n[0]);
    assert_eq!(n[1]["users"]["ubuntu"]["lock_passwd"], true, "{}", n[1]);
    assert_eq!(n[2]["users"]["ubuntu"]["lock_passwd"], false, "{}", n[2]);
}
