//! Our NodeNetworkConfigurationPolicy verdicts against nmstate's own (the `nmstate` crate, the
//! library behind kubernetes-nmstate's handler): for every NNCP of the corpus
//! (tests/data/kubevirt-manifests/nncp-*.yaml) and every hand-made case (tests/fixtures/nncp/),
//! where nmstate refuses the desiredState we give an error, and where it accepts we give none
//! (warnings allowed). nmstate is asked offline: its deserialisation (strict: unknown keys and
//! wrong types are errors), then `gen_conf`, the NetworkManager keyfiles it would write, which
//! runs its validation against an empty current state (what `NetworkState::validate(None)` does;
//! that entry point needs its `query_apply` feature).
//!
//! A few mistakes pass nmstate's offline check and fail later, when the kernel or
//! NetworkManager applies the state; they are listed in [`BEYOND_NMSTATE`] with the reason, and
//! the test asserts nmstate does accept them (so the list cannot go stale silently).
//!
//! Beyond the files, every single mutation of a value our rules read, and every misspelt or
//! extra key in a mapping nmstate closes and we check (in every policy both sides accept), must
//! get the same verdict: about 6,300 states, of which nmstate refuses about 5,200.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use wukong_net::admission::nncp::check_nncp;
use wukong_net::json_path::{JsonPath, Segment};
use wukong_net::{has_errors, Code, Diagnostic};

/// Fixtures nmstate accepts offline that fail on a node, and why; we report them as errors.
const BEYOND_NMSTATE: &[(&str, &str)] = &[
    (
        "trunk-id-4095.yaml",
        "the kernel's bridge refuses VLAN 4095 (`bridge vlan add`)",
    ),
    ("access-tag-0.yaml", "the kernel's bridge refuses VLAN 0"),
    (
        "trunk-range-reversed.yaml",
        "NetworkManager refuses a VLAN range whose start is above its end",
    ),
    (
        "mtu-too-large.yaml",
        "the kernel refuses an MTU above 65535",
    ),
    (
        "name-too-long.yaml",
        "the kernel refuses interface names over 15 bytes",
    ),
    (
        "type-typo-alone.yaml",
        "nmstate keeps an unknown type as `Other`; nothing on the node can create it",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The `.yaml` files of `dir` whose names start with `prefix`, sorted; the folder must exist.
fn yaml_files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the test data must be in the repository)",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "yaml")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    files.sort();
    files
}

/// The one NNCP object of a file, read with our YAML reader.
fn read_policy(path: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut stream = wukong_net::source::parse(&text);
    assert!(
        stream.diagnostics.is_empty(),
        "{}: {:#?}",
        path.display(),
        stream.diagnostics
    );
    assert_eq!(
        stream.documents.len(),
        1,
        "{}: one policy per file",
        path.display()
    );
    let object = stream.documents.remove(0).value;
    assert_eq!(
        object["kind"],
        "NodeNetworkConfigurationPolicy",
        "{}",
        path.display()
    );
    (text, object)
}

/// nmstate's verdict on a policy's desiredState (`null` when it has none).
fn nmstate_verdict(object: &Value) -> Result<(), String> {
    let state = object
        .get("spec")
        .and_then(|s| s.get("desiredState"))
        .cloned()
        .unwrap_or(Value::Null);
    let json = serde_json::to_string(&state).map_err(|e| e.to_string())?;
    let state = nmstate::NetworkState::new_from_json(&json).map_err(|e| e.to_string())?;
    state.gen_conf().map(|_| ()).map_err(|e| e.to_string())
}

fn ours(object: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_nncp(object, &mut out);
    out
}

fn summary(ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| format!("{} {} at {}: {}", d.severity, d.code, d.path, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares both verdicts on one file; returns whether nmstate accepted it.
#[track_caller]
fn agree(name: &str, object: &Value, beyond: Option<&str>) -> bool {
    let theirs = nmstate_verdict(object);
    let ds = ours(object);
    match (&theirs, beyond) {
        (Ok(()), Some(why)) => assert!(
            has_errors(&ds),
            "{name}: accepted by nmstate offline but refused on a node ({why}); we must give an error:\n{}",
            summary(&ds)
        ),
        (Err(e), Some(_)) => panic!(
            "{name}: nmstate now refuses it ({e}); move it out of BEYOND_NMSTATE"
        ),
        (Ok(()), None) => assert!(
            !has_errors(&ds),
            "{name}: nmstate accepts it, we give an error:\n{}",
            summary(&ds)
        ),
        (Err(e), None) => assert!(
            has_errors(&ds),
            "{name}: nmstate refuses it ({e}), we give no error:\n{}",
            summary(&ds)
        ),
    }
    theirs.is_ok()
}

#[test]
fn corpus_policies_get_nmstates_verdict() {
    let files = yaml_files(&root().join("tests/data/kubevirt-manifests"), "nncp-");
    // The corpus copy holds 6 NNCPs (its README's table; 3 more were dropped for their licence);
    // fewer means the copy is incomplete.
    assert!(
        files.len() >= 6,
        "only {} nncp-*.yaml in tests/data/kubevirt-manifests",
        files.len()
    );
    let mut accepted = 0;
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let (_, object) = read_policy(path);
        if agree(name, &object, None) {
            accepted += 1;
        }
    }
    // Every published policy of the corpus is one nmstate takes, so all pass without an error.
    assert_eq!(accepted, files.len());
}

/// The corpus's one static-address policy selects a single node: nothing to say. (The shared-NIC
/// OVS policy whose host VLAN rides on a bridge port was dropped from the copy for its licence;
/// `tests/fixtures/nncp/vlan-over-bridge-port.yaml` has its shape.)
#[test]
fn corpus_single_node_static_policy_is_clean() {
    let dir = root().join("tests/data/kubevirt-manifests");
    let (_, node01) = read_policy(&dir.join("nncp-nmstate-tutorial2020-br1-eth1-node01.yaml"));
    assert!(ours(&node01).is_empty(), "{}", summary(&ours(&node01)));
}

#[test]
fn hand_made_cases_get_nmstates_verdict_and_their_finding() {
    let files = yaml_files(&root().join("tests/fixtures/nncp"), "");
    assert!(
        files.len() >= 40,
        "only {} fixtures in tests/fixtures/nncp",
        files.len()
    );
    let (mut refused, mut accepted) = (0, 0);
    let mut beyond_seen = BTreeSet::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let (text, object) = read_policy(path);
        let beyond = BEYOND_NMSTATE
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, why)| *why);
        if beyond.is_some() {
            beyond_seen.insert(name.to_string());
        }
        if agree(name, &object, beyond) {
            accepted += 1;
        } else {
            refused += 1;
        }
        // Each fixture names the finding it is about in its first line.
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{name}: no `# expect:` line"));
        let ds = ours(&object);
        if expect == "none" {
            assert!(ds.is_empty(), "{name}: {}", summary(&ds));
        } else {
            assert!(
                ds.iter().any(|d| d.code.as_str() == expect),
                "{name}: want {expect}, got:\n{}",
                summary(&ds)
            );
            assert!(
                ds.iter().all(|d| d.hint.is_some()),
                "{name}: a finding without a hint"
            );
        }
    }
    let listed: BTreeSet<String> = BEYOND_NMSTATE.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        beyond_seen, listed,
        "BEYOND_NMSTATE names a missing fixture"
    );
    // Both verdicts are exercised, and mostly by cases nmstate itself judges.
    assert!(
        refused >= 20 && accepted >= 10,
        "refused {refused}, accepted {accepted}"
    );
}

/// What wukong-net generates passes nmstate and our checks, with no finding at all.
#[test]
fn generated_policies_pass_both() {
    let mut seen = 0;
    for path in yaml_files(&root().join("tests/fixtures"), "") {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let report = wukong_net::render(&text);
        for m in &report.manifests {
            for p in &m.node_network_configuration_policies {
                let object = serde_json::to_value(p).unwrap_or_default();
                let name = format!("{}: {}", path.display(), p.metadata.name);
                assert!(
                    nmstate_verdict(&object).is_ok(),
                    "{name}: {:?}",
                    nmstate_verdict(&object)
                );
                assert!(
                    ours(&object).is_empty(),
                    "{name}:\n{}",
                    summary(&ours(&object))
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 5, "only {seen} generated policies");
}

/// Values a mutation puts in place of a leaf: each type, VLAN and MTU edges, nmstate's words.
const MUTANTS: &str = r#"[true, false, 0, -1, 1, 5, 4094, 4095, 70000, "x", "yes", "up", "trunk", "access", "192.0.2.1", "10", null, [], {}]"#;

/// The leaves our rules read, where a mutation is a fair test of them: interface names,
/// types, states and MTUs, IP switches and addresses, STP and bridge-port VLAN settings.
fn modelled(pointer: &str) -> bool {
    let leaf = pointer.rsplit('/').next().unwrap_or("");
    pointer.starts_with("/spec/desiredState/interfaces/")
        && !pointer.contains("/lldp/")
        && ([
            "name",
            "type",
            "state",
            "mtu",
            "enabled",
            "dhcp",
            "autoconf",
            "ip",
            "prefix-length",
            "mode",
            "tag",
            "enable-native",
            "id",
            "min",
            "max",
        ]
        .contains(&leaf)
            || leaf.parse::<usize>().is_ok())
}

/// Whether the mapping at `pointer` is one whose keys nmstate closes and our rules check: an
/// interface of a known type (or none), its `ipv4`/`ipv6` and their address entries, and a
/// Linux bridge's section, options, STP, ports, port VLANs and VLAN ranges.
fn closed(object: &Value, pointer: &str) -> bool {
    let Some(rest) = pointer.strip_prefix("/spec/desiredState/interfaces/") else {
        return false;
    };
    let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let kind = object
        .pointer(&format!("/spec/desiredState/interfaces/{index}/type"))
        .and_then(Value::as_str);
    let steps: Vec<&str> = tail.split('/').filter(|s| !s.is_empty()).collect();
    let numbered = |s: &str| s.parse::<usize>().is_ok();
    match steps.as_slice() {
        [] => kind != Some("linux-brigde"),
        ["ipv4" | "ipv6"] => true,
        ["ipv4" | "ipv6", "address", n] => numbered(n),
        _ if kind != Some("linux-bridge") => false,
        ["bridge"] | ["bridge", "options"] | ["bridge", "options", "stp"] => true,
        ["bridge", "port" | "ports", n] => numbered(n),
        ["bridge", "port" | "ports", n, "vlan"] => numbered(n),
        ["bridge", "port" | "ports", n, "vlan", "trunk-tags", m, "id-range"] => {
            numbered(n) && numbered(m)
        }
        _ => false,
    }
}

fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, c)| pointers(c, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// The value at a diagnostic's path.
fn value_at<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    JsonPath::parse(path)
        .segments()
        .iter()
        .try_fold(object, |v, s| match s {
            Segment::Key(k) => v.get(k),
            Segment::Index(i) => v.get(i),
        })
}

/// A number as nmstate reads one (a number or a string of digits).
fn number(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whether every error we give on a state nmstate accepts offline is one of the
/// [`BEYOND_NMSTATE`] kinds: a VLAN id of 0 or 4095, an MTU outside 68-65535 (nmstate takes
/// any unsigned number), a type it keeps as `Other`, a reversed VLAN range, a name over 15 bytes.
fn beyond_nmstate(object: &Value, ds: &[Diagnostic]) -> bool {
    ds.iter().filter(|d| d.is_error()).all(|d| {
        let n = number(value_at(object, &d.path));
        match d.code {
            Code::VlanOutOfRange => n == Some(0) || n == Some(4095),
            Code::MtuOutOfRange => n.is_some_and(|n| (0..68).contains(&n) || n > 65535),
            Code::InvalidInterfaceName => value_at(object, &d.path)
                .and_then(Value::as_str)
                .is_some_and(|s| s.len() > 15),
            Code::InvalidValue => d.path.ends_with(".type"),
            Code::BridgeVlanInvalid => d.message.contains("reversed"),
            _ => false,
        }
    })
}

/// Every single mutation of a value our rules read (one from [`MUTANTS`], or the value
/// removed) and every misspelt or extra key in a [`closed`] mapping, in every policy both
/// sides accept, gets nmstate's verdict from us too.
#[test]
fn single_mutations_get_nmstates_verdict() {
    let pool: Vec<Value> = serde_json::from_str(MUTANTS).unwrap_or_default();
    let mut files = yaml_files(&root().join("tests/data/kubevirt-manifests"), "nncp-");
    files.extend(yaml_files(&root().join("tests/fixtures/nncp"), ""));
    let (mut tried, mut exempt, mut refused) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let (_, object) = read_policy(path);
        if nmstate_verdict(&object).is_err() || has_errors(&ours(&object)) {
            continue;
        }
        let mut leaves = Vec::new();
        pointers(&object, String::new(), &mut leaves);
        for at in leaves.iter().filter(|p| modelled(p) || closed(&object, p)) {
            // serde reads a list as a struct's fields in order, so nmstate takes `[]` for any
            // mapping of optional fields; nobody writes that, and we call it a wrong type.
            let is_mapping = object.pointer(at).is_some_and(Value::is_object);
            let mut mutants: Vec<(String, Value)> = pool
                .iter()
                .filter(|v| !(is_mapping && v.as_array().is_some_and(Vec::is_empty)))
                .map(|v| {
                    let mut m = object.clone();
                    if let Some(slot) = m.pointer_mut(at) {
                        *slot = v.clone();
                    }
                    (format!("{at} = {v}"), m)
                })
                .collect();
            let (parent, key) = at.rsplit_once('/').unwrap_or_default();
            let mut removed = object.clone();
            match removed.pointer_mut(parent) {
                Some(Value::Object(m)) => drop(m.remove(key)),
                Some(Value::Array(a)) => drop(
                    key.parse()
                        .ok()
                        .filter(|i| *i < a.len())
                        .map(|i| a.remove(i)),
                ),
                _ => {}
            }
            mutants.push((format!("{at} removed"), removed));
            // In a mapping nmstate closes and we model, a misspelt key and an extra one.
            if let Some(Value::Object(map)) = object.pointer(at).filter(|_| closed(&object, at)) {
                for key in map.keys().map(String::as_str).chain(["bogus"]) {
                    let mut m = object.clone();
                    if let Some(Value::Object(slot)) = m.pointer_mut(at) {
                        let value = slot.remove(key).unwrap_or(Value::Bool(true));
                        slot.insert(format!("{key}x"), value);
                    }
                    mutants.push((format!("{at}: `{key}` renamed `{key}x`"), m));
                }
            }
            for (what, m) in mutants {
                tried += 1;
                let theirs = nmstate_verdict(&m);
                let ds = ours(&m);
                match (&theirs, has_errors(&ds)) {
                    (Err(_), true) => refused += 1,
                    (Ok(()), false) => {}
                    (Ok(()), true) if beyond_nmstate(&m, &ds) => exempt += 1,
                    // nmstate offline refuses an OVN mapping to a bridge the state does not
                    // define; on a node it may exist already (OVN-Kubernetes' br-ex).
                    (Err(e), false) if e.contains("OVN bridge") => exempt += 1,
                    (Err(e), false) => disagreements
                        .push(format!("{name}: {what}: nmstate refuses ({e}), we accept")),
                    (Ok(()), true) => disagreements.push(format!(
                        "{name}: {what}: nmstate accepts, we refuse:\n{}",
                        summary(&ds)
                    )),
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {tried}:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        tried > 3000 && refused > 1000,
        "tried {tried}, refused {refused}, exempt {exempt}"
    );
}
