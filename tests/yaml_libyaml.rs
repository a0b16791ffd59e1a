//! Our YAML reader against libyaml, the reader Kubernetes' go-yaml is a port of, as PyYAML's
//! CSafeLoader runs it (its events, composed into nodes in Python; no PyYAML types). Generated
//! YAML (the NAD style of multi-line single-quoted JSON, `...` as an ellipsis, tabs, anchors and
//! aliases, flow collections, block scalars, multi-document streams, comments) and mutations of
//! the repository's own YAML go through both, in one `python3` run per test: both must accept or
//! both refuse; when both accept, the same documents, structure and scalar text; when both
//! refuse, a `yaml-syntax` error at libyaml's line and column with libyaml's problem in it.
//!
//! The differences we keep on purpose, each asserted where it arises: a key twice in a mapping
//! (`duplicate-key`; kubectl refuses it too), a key that is a mapping or a sequence
//! (`complex-key`), an alias inside the node its anchor names (go-yaml refuses it; PyYAML builds a
//! recursive node), and empty documents, which we drop. An anchor defined twice is composed as
//! go-yaml and YAML 1.2 read it (the later one counts; PyYAML's own composer refuses it).
//!
//! Needs python3 with PyYAML built with libyaml (python3-yaml); without it the test fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wukong_net::diagnostic::Code;
use wukong_net::source;

/// Composes each text with CSafeLoader; answers one JSON object per text.
/// Composes each text from CSafeLoader's events (`yaml.parse`: libyaml's scanner and parser),
/// as PyYAML's composer does but with go-yaml's anchors: a later anchor replaces an earlier one
/// (PyYAML refuses it, YAML 1.2 allows it), an anchor names its node once the node is complete.
/// Answers one JSON object per text.
const PYTHON: &str = r#"
import json, sys, yaml
from yaml.events import *
if not getattr(yaml, '__with_libyaml__', False):
    sys.exit('PyYAML without libyaml: CSafeLoader is missing')
class Undefined(Exception):
    def __init__(self, mark): self.mark = mark
class Recursive(Exception): pass
class TooBig(Exception): pass
def compose(text):
    docs, stack, anchors, open_anchors, size = [], [], {}, set(), [0]
    def add(node, anchor):
        size[0] += weight(node)
        if size[0] > 200000: raise TooBig()
        if anchor is not None: anchors[anchor] = node
        if not stack:
            docs.append(node)
            return
        top = stack[-1]
        if 'seq' in top[0]: top[0]['seq'].append(node)
        elif top[2] is None: stack[-1] = (top[0], top[1], node)
        else:
            top[0]['map'].append([top[2], node])
            stack[-1] = (top[0], top[1], None)
    for ev in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(ev, DocumentStartEvent):
            anchors = {}
        elif isinstance(ev, ScalarEvent):
            plain = ev.style in (None, '')
            add({'s': ev.value, 'plain': plain,
                 'str_tag': ev.tag in ('!!str', 'tag:yaml.org,2002:str')}, ev.anchor)
        elif isinstance(ev, AliasEvent):
            if ev.anchor in open_anchors: raise Recursive()
            if ev.anchor not in anchors: raise Undefined(ev.start_mark)
            add(anchors[ev.anchor], None)
        elif isinstance(ev, (SequenceStartEvent, MappingStartEvent)):
            node = {'seq': []} if isinstance(ev, SequenceStartEvent) else {'map': []}
            stack.append((node, ev.anchor, None))
            if ev.anchor is not None: open_anchors.add(ev.anchor)
        elif isinstance(ev, (SequenceEndEvent, MappingEndEvent)):
            node, anchor, _ = stack.pop()
            open_anchors.discard(anchor)
            add(node, anchor)
    return docs
def weight(node):
    if 's' in node: return 1
    items = node['seq'] if 'seq' in node else [x for kv in node['map'] for x in kv]
    return 1 + sum(weight(n) for n in items)
out = []
for text in json.load(sys.stdin):
    try:
        out.append({'ok': True, 'docs': compose(text)})
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark
        out.append({'ok': False, 'problem': e.problem or '', 'context': e.context or '',
                    'line': m.line + 1 if m else 0, 'column': m.column + 1 if m else 0,
                    'index': m.index if m else -1})
    except yaml.reader.ReaderError as e:
        out.append({'ok': False, 'problem': e.reason, 'context': '', 'line': 0, 'column': 0,
                    'index': e.position})
    except Undefined as e:
        out.append({'ok': False, 'problem': 'found undefined alias', 'context': '',
                    'line': e.mark.line + 1, 'column': e.mark.column + 1, 'index': e.mark.index})
    except Recursive:
        out.append({'ok': True, 'recursive': True})
    except TooBig:
        out.append({'ok': True, 'too_big': True})
json.dump(out, sys.stdout)
"#;

/// libyaml's verdicts on many texts, from one python3 process.
fn libyaml(texts: &[String]) -> Vec<Value> {
    let mut child = Command::new("python3")
        .args(["-c", PYTHON])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with PyYAML (python3-yaml) is needed by this test");
    let input = serde_json::to_vec(texts).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "python3 failed: {:?}", out.status);
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), texts.len());
    answers
}

#[derive(Default, Debug)]
struct Tally {
    both_read: usize,
    both_refused: usize,
    /// The deliberate differences met, by kind.
    deliberate: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn deliberate(&mut self, kind: &'static str) {
        *self.deliberate.entry(kind).or_default() += 1;
    }
}

/// Compares our reading of every text with libyaml's; panics on the first disagreement.
fn agree(texts: &[String]) -> Tally {
    let answers = libyaml(texts);
    let mut tally = Tally::default();
    for (text, theirs) in texts.iter().zip(&answers) {
        let ours = source::parse(text);
        let first = ours.diagnostics.first();
        let ctx = || {
            format!(
                "text {text:?}\nours: {:?}\nlibyaml: {theirs}",
                ours.diagnostics
            )
        };
        if theirs["ok"] == false {
            let problem = theirs["problem"].as_str().unwrap();
            let d = first.unwrap_or_else(|| panic!("libyaml refuses, we read: {}", ctx()));
            let index = theirs["index"].as_i64().unwrap();
            // PyYAML's index counts characters after a byte order mark; ours, bytes.
            let bom = usize::from(text.starts_with('\u{feff}'));
            let byte = usize::try_from(index).ok().map(|i| {
                text.char_indices()
                    .nth(i + bom)
                    .map_or(text.len(), |(b, _)| b)
            });
            if matches!(d.code, Code::DuplicateKey | Code::ComplexKey) {
                // Refused for our own reason, before the place libyaml stops at.
                assert!(
                    byte.is_none_or(|b| d.span.start <= b),
                    "refused after libyaml's error: {}",
                    ctx()
                );
                tally.deliberate(if d.code == Code::DuplicateKey {
                    "duplicate key before a syntax error"
                } else {
                    "complex key before a syntax error"
                });
                continue;
            }
            assert_eq!(d.code, Code::YamlSyntax, "{}", ctx());
            assert!(d.message.contains(problem), "problem not said: {}", ctx());
            let marked = theirs["line"] != 0;
            let unbroken_end = marked
                && byte.is_some_and(|b| b >= text.len())
                && !text.ends_with(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
            if marked && !unbroken_end {
                assert_eq!(
                    (u64::from(d.line), u64::from(d.column)),
                    (
                        theirs["line"].as_u64().unwrap(),
                        theirs["column"].as_u64().unwrap()
                    ),
                    "position: {}",
                    ctx()
                );
                assert_eq!(Some(d.span.start), byte, "offset: {}", ctx());
            } else if unbroken_end {
                // libyaml's line after the text is the end of its last line here.
                assert_eq!(d.span.start, text.len(), "offset: {}", ctx());
            } else {
                // A character the reader refuses: located at its offset (the reader's offsets
                // count bytes, its marks characters).
                assert_eq!(
                    Some(d.span.start),
                    usize::try_from(index).ok(),
                    "offset: {}",
                    ctx()
                );
            }
            tally.both_refused += 1;
            continue;
        }
        if theirs["recursive"] == true {
            // An alias inside its own anchor's node: go-yaml refuses it, so do we.
            let d = first.unwrap_or_else(|| panic!("a recursive alias read: {}", ctx()));
            assert_eq!(d.code, Code::YamlSyntax, "{}", ctx());
            tally.deliberate("alias inside its own anchor");
            continue;
        }
        if theirs["too_big"] == true {
            assert!(
                first.is_some_and(|d| d.code == Code::TooManyNodes),
                "{}",
                ctx()
            );
            tally.deliberate("alias expansion over the node limit");
            continue;
        }
        let docs: Vec<&Value> = theirs["docs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !is_null_scalar(d))
            .collect();
        if let Some(d) = first {
            match d.code {
                Code::DuplicateKey => assert!(
                    docs.iter().any(|t| has_duplicate_key(t)),
                    "duplicate-key where libyaml sees none: {}",
                    ctx()
                ),
                Code::ComplexKey => assert!(
                    docs.iter().any(|t| has_complex_key(t)),
                    "complex-key where libyaml sees none: {}",
                    ctx()
                ),
                _ => panic!("libyaml reads, we refuse: {}", ctx()),
            }
            tally.deliberate(if d.code == Code::DuplicateKey {
                "duplicate key"
            } else {
                "complex key"
            });
            continue;
        }
        assert_eq!(ours.documents.len(), docs.len(), "documents: {}", ctx());
        for (doc, tree) in ours.documents.iter().zip(&docs) {
            same_node(&doc.value, tree, "", &ctx);
        }
        tally.both_read += 1;
    }
    tally
}

fn is_null_scalar(t: &Value) -> bool {
    t.get("plain") == Some(&json!(true))
        && t["str_tag"] != true
        && matches!(t["s"].as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
}

fn has_duplicate_key(t: &Value) -> bool {
    if let Some(items) = t["seq"].as_array() {
        return items.iter().any(has_duplicate_key);
    }
    let Some(pairs) = t["map"].as_array() else {
        return false;
    };
    let keys: Vec<Option<String>> = pairs.iter().map(|p| key_text(&p[0])).collect();
    keys.iter()
        .enumerate()
        .any(|(i, k)| k.is_some() && keys[..i].contains(k))
        || pairs.iter().any(|p| has_duplicate_key(&p[1]))
}

fn has_complex_key(t: &Value) -> bool {
    if let Some(items) = t["seq"].as_array() {
        return items.iter().any(has_complex_key);
    }
    t["map"].as_array().is_some_and(|pairs| {
        pairs
            .iter()
            .any(|p| p[0].get("s").is_none() || has_complex_key(&p[1]))
    })
}

/// What a scalar key of libyaml's is as one of our keys (its YAML 1.2 reading as text).
fn key_text(t: &Value) -> Option<String> {
    let s = t["s"].as_str()?;
    if t["plain"] != true {
        return Some(s.to_string());
    }
    Some(match plain_meaning(s) {
        Some(Value::Null) => String::new(),
        Some(v) => v.to_string(),
        None => s.to_string(),
    })
}

/// What a plain scalar means in YAML 1.2's core schema, when it is not a string; written from
/// the schema's regular expressions, independently of src/source/scalars.rs.
fn plain_meaning(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(json!(true)),
        "false" | "False" | "FALSE" => return Some(json!(false)),
        _ => {}
    }
    let int = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if int(body) {
        return s.parse::<i64>().ok().map(Value::from).or_else(|| {
            body.parse::<u64>()
                .ok()
                .filter(|_| !s.starts_with('-'))
                .map(Value::from)
        });
    }
    if let Some(h) = s.strip_prefix("0x") {
        return u64::from_str_radix(h, 16).ok().map(Value::from);
    }
    if let Some(o) = s.strip_prefix("0o") {
        return u64::from_str_radix(o, 8).ok().map(Value::from);
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (a.is_empty() && int(b)) || (int(a) && (b.is_empty() || int(b))),
        None => exp.is_some() && int(mantissa),
    };
    let exp_ok = exp.is_none_or(|e| int(e.strip_prefix(['-', '+']).unwrap_or(e)));
    if mantissa_ok && exp_ok {
        return s.parse::<f64>().ok().map(Value::from);
    }
    None
}

fn same_node(ours: &Value, theirs: &Value, path: &str, ctx: &dyn Fn() -> String) {
    if let Some(s) = theirs["s"].as_str() {
        let plain = theirs["plain"] == true;
        let expected = if plain {
            plain_meaning(s).unwrap_or_else(|| Value::String(s.to_string()))
        } else {
            Value::String(s.to_string())
        };
        // `!!str` on an empty plain scalar: both read a string (the only tag test cases hold).
        let expected = if theirs["str_tag"] == true {
            Value::String(s.to_string())
        } else {
            expected
        };
        let equal = match (&expected, ours) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => &expected == ours,
        };
        assert!(
            equal,
            "at `{path}`: ours {ours}, libyaml's text {s:?} (plain: {plain}): {}",
            ctx()
        );
    } else if let Some(items) = theirs["seq"].as_array() {
        let ours = ours
            .as_array()
            .unwrap_or_else(|| panic!("at `{path}`: ours {ours}, libyaml a sequence: {}", ctx()));
        assert_eq!(ours.len(), items.len(), "at `{path}`: {}", ctx());
        for (i, (o, t)) in ours.iter().zip(items).enumerate() {
            same_node(o, t, &format!("{path}[{i}]"), ctx);
        }
    } else {
        let pairs = theirs["map"].as_array().unwrap();
        let ours = ours
            .as_object()
            .unwrap_or_else(|| panic!("at `{path}`: ours {ours}, libyaml a mapping: {}", ctx()));
        assert_eq!(ours.len(), pairs.len(), "at `{path}`: {}", ctx());
        for ((k, v), pair) in ours.iter().zip(pairs) {
            let key = key_text(&pair[0]).unwrap();
            assert_eq!(k, &key, "key at `{path}`: {}", ctx());
            same_node(v, &pair[1], &format!("{path}.{k}"), ctx);
        }
    }
}

// ---- generated YAML ----

/// A mapping key: mostly distinct words (so duplicate keys stay a minority), sometimes one of
/// the scalars that resolve to something else than a string.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![5 => "[a-z]{2,8}", 1 => word()]
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}",
        Just("cniVersion".to_string()),
        Just("0.3.1".to_string()),
        Just("10".to_string()),
        Just("0x1f".to_string()),
        Just("1.5e3".to_string()),
        Just("true".to_string()),
        Just("~".to_string()),
        Just("null".to_string()),
        Just("on".to_string()),
        Just("52:54:00:12:34:56".to_string()),
        Just("a b".to_string()),
        Just("10.0.0.1/24".to_string()),
        Just("é".to_string()),
    ]
}

/// A scalar in some style, written at `indent` (continuation lines of quoted and block
/// scalars go deeper, at the same column, or shallower: the NAD style).
fn scalar(indent: usize) -> BoxedStrategy<String> {
    let pad = move |extra: isize| " ".repeat((indent as isize + extra).max(0) as usize);
    prop_oneof![
        4 => word(),
        1 => word().prop_map(|w| format!("'{w}'")),
        1 => word().prop_map(|w| format!("\"{w}\\t\"")),
        2 => (prop::collection::vec(word(), 1..4), -4isize..4).prop_map(move |(ws, close)| {
            // '{ "a": "b",\n   "c": "d"\n}' with its closing line anywhere.
            let body: Vec<String> = ws.iter().map(|w| format!("{}\"{w}\": 1", pad(2))).collect();
            format!("'{{\n{}\n{}}}'", body.join(",\n"), pad(close))
        }),
        1 => (word(), word(), -2isize..3).prop_map(move |(a, b, d)| {
            format!("\"{a}\n{}{b}\"", pad(d))
        }),
        2 => (prop::sample::select(vec!["|", ">", "|-", ">+", "|2"]), prop::collection::vec(word(), 1..3), 0usize..3)
            .prop_map(move |(ind, ws, deeper)| {
                let lines: Vec<String> = ws.iter().map(|w| format!("{}{w}", pad(2 + deeper as isize))).collect();
                format!("{ind}\n{}", lines.join("\n"))
            }),
        1 => Just("...".to_string()),
        1 => Just("a\tb".to_string()),
    ]
    .boxed()
}

/// A block node written at `indent`, or a flow collection.
fn node(indent: usize, depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        4 => scalar(indent),
        1 => prop::collection::vec(word(), 0..4).prop_map(|ws| format!("[{}]", ws.join(", "))),
        1 => prop::collection::vec((word(), word()), 0..3).prop_map(|kv| {
            let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", items.join(", "))
        }),
        1 => Just("*a".to_string()),
        1 => word().prop_map(|w| format!("&a {w}")),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = indent + 2;
    let pad = " ".repeat(inner);
    let pad2 = pad.clone();
    prop_oneof![
        2 => leaf,
        2 => prop::collection::vec((key(), node(inner, depth - 1), prop::bool::ANY), 1..4)
            .prop_map(move |entries| {
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(k, v, comment)| {
                        let c = if *comment { " # note" } else { "" };
                        format!("{pad}{k}:{c}\n{pad}  {v}")
                    })
                    .collect();
                format!("\n{}", lines.join("\n"))
            }),
        1 => prop::collection::vec(node(inner, depth - 1), 1..3).prop_map(move |items| {
            let lines: Vec<String> = items.iter().map(|v| format!("{pad2}- {v}")).collect();
            format!("\n{}", lines.join("\n"))
        }),
    ]
    .boxed()
}

/// A stream of one to three documents with separators, comments, tabs and ellipses.
fn stream() -> impl Strategy<Value = String> {
    let doc = prop::collection::vec((key(), node(0, 2)), 1..4).prop_map(|entries| {
        entries
            .iter()
            .map(|(k, v)| format!("{k}: {v}\n"))
            .collect::<String>()
    });
    let sep = prop::sample::select(vec![
        "---\n",
        "...\n---\n",
        "...\n",
        "# comment\n",
        "--- # c\n",
        "\t\n",
        "\n",
        "... # more\n",
        "",
    ]);
    (
        prop::sample::select(vec!["", "---\n", "%YAML 1.1\n---\n", "# head\n"]),
        prop::collection::vec((doc, sep), 1..4),
    )
        .prop_map(|(head, docs)| {
            let mut s = head.to_string();
            for (d, sep) in docs {
                s.push_str(&d);
                s.push_str(sep);
            }
            s
        })
}

fn sample<S: Strategy>(strategy: S, n: usize, seed: u8) -> Vec<S::Value> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn generated_yaml_reads_as_libyaml_reads_it() {
    let texts = sample(stream(), 3000, 7);
    let tally = agree(&texts);
    eprintln!("generated: {tally:?}");
    // Both verdicts occur often, so neither side of the comparison is idle.
    assert!(
        tally.both_read > 300 && tally.both_refused > 300,
        "{tally:?}"
    );
}

/// Token soup: YAML's indicators, breaks, blanks, escapes and words in any order, the texts
/// where a port of libyaml is likeliest to differ from libyaml or to panic.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        ":",
        ": ",
        "-",
        "- ",
        "'",
        "\"",
        "\\",
        "#",
        " #",
        "...",
        "---",
        "[",
        "]",
        "{",
        "}",
        ",",
        "?",
        "? ",
        "&a",
        "&a ",
        "*a",
        "*a ",
        "!",
        "!!str",
        "!t",
        "!<x>",
        "%",
        "%YAML 1.1",
        "%TAG ! tag:x,2000:",
        "|",
        ">",
        "|-",
        ">+",
        "|2",
        "@",
        "`",
        "\\x4",
        "\\u00e9",
        "\\U0001",
        "%2",
        "é",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
        "\u{1}",
        "a",
        "b: c",
        "0x1f",
        "~",
    ]);
    prop::collection::vec(piece, 1..40).prop_map(|ps| ps.concat())
}

#[test]
fn token_soup_reads_as_libyaml_reads_it() {
    let texts = sample(soup(), 20_000, 3);
    let tally = agree(&texts);
    eprintln!("soup: {tally:?}");
    assert!(
        tally.both_read > 300 && tally.both_refused > 1000,
        "{tally:?}"
    );
}

// ---- mutated files of the repository ----

fn yaml_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for dir in [
        "fixtures",
        "crd_fixtures",
        "data/netplan-examples",
        "data/libyaml-cases",
        "network_config",
    ] {
        collect(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

/// Edits that matter to a YAML reader: a line's indentation, a quote, a colon, a tab, a
/// document marker, a flow bracket, an anchor, a comment.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, &'static str),
    Delete(usize),
    Indent(usize, isize),
    DuplicateLine(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let piece = prop::sample::select(vec![
        " ", "  ", "\t", ":", ": ", "-", "- ", "'", "\"", "#", "...", "---", "\n", "[", "]", "{",
        "}", ",", "&a ", "*a", "|", ">", "?", "!", "%", "\\", "\r\n", "é", "\u{1}", "\u{85}",
        "\u{feff}", "\r",
    ]);
    prop::collection::vec(
        prop_oneof![
            3 => (any::<usize>(), piece).prop_map(|(at, s)| Edit::Insert(at, s)),
            2 => any::<usize>().prop_map(Edit::Delete),
            2 => (any::<usize>(), -3isize..4).prop_map(|(l, d)| Edit::Indent(l, d)),
            1 => any::<usize>().prop_map(Edit::DuplicateLine),
        ],
        1..4,
    )
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut t = text.to_string();
    for e in edits {
        let boundary = |t: &str, at: usize| {
            let mut i = at % (t.len() + 1);
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match e {
            Edit::Insert(at, s) => {
                let i = boundary(&t, *at);
                t.insert_str(i, s);
            }
            Edit::Delete(at) if !t.is_empty() => {
                let i = boundary(&t, *at % t.len());
                t.remove(i);
            }
            Edit::Delete(_) => {}
            Edit::Indent(line, d) => {
                let mut lines: Vec<String> = t.split('\n').map(str::to_string).collect();
                let l = line % lines.len();
                if *d >= 0 {
                    lines[l].insert_str(0, &" ".repeat(d.unsigned_abs()));
                } else {
                    let strip = lines[l].len() - lines[l].trim_start_matches(' ').len();
                    lines[l].drain(..strip.min(d.unsigned_abs()));
                }
                t = lines.join("\n");
            }
            Edit::DuplicateLine(line) => {
                let mut lines: Vec<String> = t.split('\n').map(str::to_string).collect();
                let l = line % lines.len();
                let copy = lines[l].clone();
                lines.insert(l, copy);
                t = lines.join("\n");
            }
        }
    }
    t
}

#[test]
fn the_repository_yaml_and_its_mutations_read_as_libyaml_reads_them() {
    let files = yaml_files();
    assert!(files.len() > 100, "{} files", files.len());
    let originals: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let plans = sample((0..originals.len(), edits()), 4000, 11);
    let mut texts = originals.clone();
    texts.extend(plans.iter().map(|(i, e)| apply(&originals[*i], e)));
    let tally = agree(&texts);
    eprintln!("mutated: {tally:?}");
    assert!(
        tally.both_read > 500 && tally.both_refused > 300,
        "{tally:?}"
    );
}

// ---- the texts the issue measured ----

#[test]
fn known_cases_read_as_libyaml_reads_them() {
    let nad = |close: &str| {
        format!(
            "apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n  name: br\nspec:\n  config: '{{\n    \"cniVersion\": \"0.3.1\",\n    \"type\": \"bridge\",\n    \"bridge\": \"br1\"\n{close}}}'\n"
        )
    };
    let mut texts: Vec<String> = vec![
        nad(""),
        nad("  "),
        nad("    "),
        nad("\t"),
        "a: 1\n...\n".into(),
        "a:\n  - x\n  ...\n  - y\n".into(),
        "spec:\n  domain:\n    ...\n  networks: []\n".into(),
        "a: 1\n... # end\n---\nb: 2\n".into(),
        "a:\tb\n".into(),
        "a:\n\t- b\n".into(),
        "- &x {a: 1}\n- *x\n- *y\n".into(),
        "a: &r [1, *r]\n".into(),
        "a: &x 1\nb: &x 2\nc: *x\n".into(),
        "a: |\n  line\n\tmore\n".into(),
        "a: >-\n  folded\n  text\n\n  kept\n".into(),
        "{a: [1, 2], b: {c: d}}\n".into(),
        "a: 'it''s'\nb: \"\\u00e9\\n\"\n".into(),
        "--- !!str\n---\nx: y\n".into(),
        "a: b: c\n".into(),
        "a: 1\n a: 2\n".into(),
        "# only a comment\n".into(),
        "a: 1\nb: x\u{1}y\n".into(),
        "a: 1\u{85}b: 2\n".into(),
        "\u{feff}a: 1\n".into(),
        "a: 1\rb: [2\r".into(),
        // Where libyaml-safer 0.3.0 panicked (vendor/libyaml-safer/PATCHES.md).
        "a: \"x\\".into(),
        "\"\\".into(),
        "[!!str, a]\n".into(),
        "{a: !t , b: !!str, c: 1}\n".into(),
        "- !t,\n".into(),
        "".into(),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/libyaml-cases");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 4);
    texts.extend(names.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    let tally = agree(&texts);
    eprintln!("known: {tally:?}");
    // The NADs and the corpus NAD read; the three corpus ellipses are refused.
    for t in &texts[..4] {
        assert!(source::parse(t).diagnostics.is_empty(), "{t}");
    }
    let refused = names
        .iter()
        .zip(&texts[texts.len() - names.len()..])
        .filter(|(_, t)| {
            source::parse(t)
                .diagnostics
                .first()
                .is_some_and(|d| d.code == Code::YamlSyntax)
        })
        .count();
    assert_eq!(refused, 3, "{names:?}");
}
