//! `load::unknown_fields` (a walk of the value against the generated table of known fields)
//! against serde_ignored, the reference it replaced: the same unknown paths, in the same order,
//! on every fixture and on mutations of them (a key added to any mapping, a key renamed).

#[path = "shared/fixture_wukongs.rs"]
mod shared;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use wukong_net::load::unknown_fields;
use wukong_net::model::Wukong;
use wukong_net::source::{join_index, join_key};

fn ignored_path(p: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match p {
        Path::Root => String::new(),
        Path::Seq { parent, index } => join_index(&ignored_path(parent), *index),
        Path::Map { parent, key } => join_key(&ignored_path(parent), key),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// serde_ignored's unknown paths, or None when the value is not a Wukong (serde stops at the
/// first error, so it reports only the unknown keys before it).
fn reference(value: &Value) -> Option<Vec<String>> {
    let mut paths = Vec::new();
    let mut on_ignored = |p: serde_ignored::Path<'_>| paths.push(ignored_path(&p));
    let de = serde_ignored::Deserializer::new(value, &mut on_ignored);
    let ok = <Wukong as serde::Deserialize>::deserialize(de).is_ok();
    ok.then_some(paths)
}

/// The fixture Wukongs serde reads (the documents serde_ignored can compare).
fn fixture_wukongs() -> Vec<(String, Value)> {
    shared::fixture_wukongs()
        .into_iter()
        .filter(|(_, v)| reference(v).is_some())
        .collect()
}

#[test]
fn fixtures_agree_with_serde_ignored() {
    let docs = fixture_wukongs();
    assert!(docs.len() >= 15, "only {} fixture Wukongs", docs.len());
    // The fixtures have no unknown keys: the mutations below add them.
    for (name, value) in &docs {
        assert_eq!(unknown_fields(value), reference(value).unwrap(), "{name}");
    }
}

/// Every mapping of a value, by the steps that reach it.
fn mappings(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(m) => {
            out.push(at.clone());
            for (k, v) in m {
                at.push(Step::Key(k.clone()));
                mappings(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(Step::Index(i));
                mappings(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn mapping_at<'a>(value: &'a mut Value, steps: &[Step]) -> &'a mut Map<String, Value> {
    let mut v = value;
    for s in steps {
        v = match s {
            Step::Key(k) => &mut v[k.as_str()],
            Step::Index(i) => &mut v[*i],
        };
    }
    v.as_object_mut().unwrap()
}

/// Keys to add: made up, and names the model knows elsewhere (a known name at the wrong level).
const KEYS: &[&str] = &[
    "bogus", "name", "mode", "cpu", "spec", "networks", "ipConfig", "labels", "vlanID", "nadname",
    "x.y", "",
];

fn new_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(1)),
        Just(json!("dhcp")),
        Just(json!(true)),
        Just(json!([{"a": 1}])),
        Just(json!({"mode": "dhcp", "extra": 1})),
        Just(json!({})),
    ]
}

/// Renames keep the value; a rename of a required key makes the document invalid (skipped).
fn rename(key: &str, how: u8) -> String {
    match how % 4 {
        0 => format!("{key}x"),
        1 => key.to_uppercase(),
        2 => key.chars().skip(1).collect(),
        _ => format!("_{key}"),
    }
}

fn compare(mutated: &Value) -> Result<bool, TestCaseError> {
    let Some(want) = reference(mutated) else {
        return Ok(false);
    };
    prop_assert_eq!(unknown_fields(mutated), want, "{}", mutated);
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_added_key_is_flagged_as_serde_ignored_does(
        doc in any::<Index>(), at in any::<Index>(), key in any::<Index>(), value in new_value()
    ) {
        let docs = fixture_wukongs();
        let mut v = docs[doc.index(docs.len())].1.clone();
        let mut all = Vec::new();
        mappings(&v, &mut Vec::new(), &mut all);
        let steps = &all[at.index(all.len())];
        let key = KEYS[key.index(KEYS.len())];
        mapping_at(&mut v, steps).insert(key.to_string(), value);
        let compared = compare(&v)?;
        // An invented key in a struct keeps the document valid: that case is always compared.
        if key == "bogus" && unknown_fields(&v).iter().any(|p| p.ends_with("bogus")) {
            prop_assert!(compared);
        }
    }

    #[test]
    fn a_renamed_key_is_flagged_as_serde_ignored_does(
        doc in any::<Index>(), at in any::<Index>(), which in any::<Index>(), how in any::<u8>()
    ) {
        let docs = fixture_wukongs();
        let mut v = docs[doc.index(docs.len())].1.clone();
        let mut all = Vec::new();
        mappings(&v, &mut Vec::new(), &mut all);
        let steps = &all[at.index(all.len())];
        let map = mapping_at(&mut v, steps);
        prop_assume!(!map.is_empty());
        let i = which.index(map.len());
        // Rebuild the mapping to keep the key's place in document order.
        let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
        for (j, (k, val)) in entries.into_iter().enumerate() {
            let k = if j == i { rename(&k, how) } else { k };
            map.insert(k, val);
        }
        compare(&v)?;
    }
}
