//! `load::wukong_error` (the failing place found by deserializing parts again with the model's
//! types) against serde_path_to_error, the reference it replaced: the same path and message on
//! every fixture (broken ones included) and on fixtures with a value's type changed at a random
//! place, a required key removed, or an enum value misspelled.

#[path = "shared/fixture_wukongs.rs"]
mod shared;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};
use shared::fixture_wukongs;
use wukong_net::load::wukong_error;
use wukong_net::model::Wukong;
use wukong_net::source::{join_index, join_key};

/// serde_path_to_error's path, in the diagnostics' notation, and the message.
fn reference(value: &Value) -> Option<(String, String)> {
    use serde_path_to_error::Segment;
    let e = serde_path_to_error::deserialize::<_, Wukong>(value).err()?;
    let mut path = String::new();
    for seg in e.path().iter() {
        match seg {
            Segment::Seq { index } => path = join_index(&path, *index),
            Segment::Map { key } => path = join_key(&path, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    Some((path, e.inner().to_string()))
}

#[test]
fn fixtures_agree_with_serde_path_to_error() {
    let docs = fixture_wukongs();
    assert!(docs.len() >= 15, "only {} fixture Wukongs", docs.len());
    for (name, value) in &docs {
        assert_eq!(wukong_error(value), reference(value), "{name}");
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every value below the root, by the steps that reach it.
fn places(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let mut visit = |step: Step, v: &Value, at: &mut Vec<Step>| {
        at.push(step);
        out.push(at.clone());
        places(v, at, out);
        at.pop();
    };
    match value {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, v)| visit(Step::Key(k.clone()), v, at)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| visit(Step::Index(i), v, at)),
        _ => {}
    }
}

fn value_at<'a>(value: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    let mut v = value;
    for s in steps {
        v = match s {
            Step::Key(k) => &mut v[k.as_str()],
            Step::Index(i) => &mut v[*i],
        };
    }
    v
}

fn other_type() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(7)),
        Just(json!(-1.5)),
        Just(json!("text")),
        Just(json!(true)),
        Just(json!({})),
        Just(json!({"name": 1})),
        Just(json!([])),
        Just(json!(["x"])),
    ]
}

fn docs_and_places(doc: Index, at: Index) -> (Value, Vec<Step>) {
    let docs = fixture_wukongs();
    let v = docs[doc.index(docs.len())].1.clone();
    let mut all = Vec::new();
    places(&v, &mut Vec::new(), &mut all);
    let steps = all[at.index(all.len())].clone();
    (v, steps)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_changed_type_is_found_where_serde_path_to_error_finds_it(
        doc in any::<Index>(), at in any::<Index>(), new in other_type()
    ) {
        let (mut v, steps) = docs_and_places(doc, at);
        *value_at(&mut v, &steps) = new;
        prop_assert_eq!(wukong_error(&v), reference(&v), "{}", v);
    }

    #[test]
    fn a_removed_key_is_found_where_serde_path_to_error_finds_it(
        doc in any::<Index>(), at in any::<Index>()
    ) {
        let (mut v, steps) = docs_and_places(doc, at);
        let (parent, last) = steps.split_at(steps.len() - 1);
        if let (Step::Key(k), Some(map)) = (&last[0], value_at(&mut v, parent).as_object_mut()) {
            map.shift_remove(k);
        }
        prop_assert_eq!(wukong_error(&v), reference(&v), "{}", v);
    }

    #[test]
    fn a_misspelled_string_is_found_where_serde_path_to_error_finds_it(
        doc in any::<Index>(), at in any::<Index>()
    ) {
        let (mut v, steps) = docs_and_places(doc, at);
        let place = value_at(&mut v, &steps);
        if let Value::String(s) = place {
            s.push('x');
        }
        prop_assert_eq!(wukong_error(&v), reference(&v), "{}", v);
    }
}
