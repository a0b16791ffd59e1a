//! Where a Wukong fails to deserialize, found without serde_path_to_error's wrapper (which
//! compiled every Deserialize impl of the model a second time in the npm wasm): the value is
//! deserialized again, part by part, with the model's own types, only when it failed.
//!
//! serde reads a struct's entries in document order and stops at the first that fails, then
//! checks for missing fields. So at a struct: the first entry that fails is the error's place; a
//! struct-valued entry (or a list of structs) is tested alone with its type and, if it fails,
//! searched in turn; a scalar entry is tested by reading the struct from the entries up to it
//! (an error other than `missing field` then comes from the entries, and the first such prefix,
//! found by bisection, ends at the culprit). When no entry fails, a field is missing here.

use super::known_fields::KNOWN;
use crate::model::{
    CloudInitUser, Condition, DiskConfig, GpuDevice, HighAvailability, IpConfig, Ipv6Config,
    Network, NetworkStatus, StartStrategy, Toleration, VolumeStatus, Wukong, WukongSpec,
    WukongStatus,
};
use crate::source::{join_index, join_key};
use serde::Deserialize;
use serde_json::Value;

/// The path of the error serde met reading `value` as a Wukong, and that error.
pub(super) fn locate(value: &Value, error: serde_json::Error) -> (String, serde_json::Error) {
    locate_at(value, String::new(), "", error)
}

/// Reads `value` as the model's struct at `shape`; None when no struct of the model is there
/// (metadata: its flattened ObjectMeta reports errors at `metadata` itself).
pub(super) fn read_as(shape: &str, value: &Value) -> Option<Result<(), serde_json::Error>> {
    fn read<'a, T: Deserialize<'a>>(value: &'a Value) -> Result<(), serde_json::Error> {
        T::deserialize(value).map(drop)
    }
    Some(match shape {
        "" => read::<Wukong>(value),
        "spec" => read::<WukongSpec>(value),
        "spec.cloudInitUser" => read::<CloudInitUser>(value),
        "spec.networks[]" => read::<Network>(value),
        "spec.networks[].ipConfig" => read::<IpConfig>(value),
        "spec.networks[].ipConfig.ipv6" => read::<Ipv6Config>(value),
        "spec.disks[]" => read::<DiskConfig>(value),
        "spec.highAvailability" => read::<HighAvailability>(value),
        "spec.highAvailability.tolerations[]" => read::<Toleration>(value),
        "spec.startStrategy" => read::<StartStrategy>(value),
        "spec.gpus[]" => read::<GpuDevice>(value),
        "status" => read::<WukongStatus>(value),
        "status.conditions[]" => read::<Condition>(value),
        "status.networks[]" => read::<NetworkStatus>(value),
        "status.volumes[]" => read::<VolumeStatus>(value),
        _ => return None,
    })
}

fn child_shape(shape: &str, key: &str) -> String {
    if shape.is_empty() {
        key.to_string()
    } else {
        format!("{shape}.{key}")
    }
}

/// The error of reading a struct from some of its entries that says only that entries are
/// missing: a field of a mapping, or elements of a struct written as a list (serde reads a
/// struct from a list too, its fields in declaration order).
fn is_truncation(e: &serde_json::Error, list: bool) -> bool {
    let msg = e.to_string();
    if list {
        msg.starts_with("invalid length ")
    } else {
        msg.starts_with("missing field `")
    }
}

/// `value` (at `path`, of the struct at `shape`) fails with `error`; finds where.
fn locate_at(
    value: &Value,
    path: String,
    shape: &str,
    error: serde_json::Error,
) -> (String, serde_json::Error) {
    let known = KNOWN
        .iter()
        .find(|(s, _)| *s == shape)
        .map_or(&[][..], |(_, keys)| *keys);
    // (path, field read, value) of each entry, in the order serde reads them.
    let entries: Vec<(String, Option<&str>, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let field = known.iter().copied().find(|f| f == k);
                (join_key(&path, k), field, v)
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (join_index(&path, i), known.get(i).copied(), v))
            .collect(),
        _ => return (path, error),
    };
    let list = value.is_array();
    // The first struct-valued entry that fails alone, and where inside it.
    let mut failing: Option<(usize, String, String, &Value, serde_json::Error)> = None;
    'entries: for (i, (sub_path, field, sub)) in entries.iter().enumerate() {
        let Some(field) = field else { continue };
        let sub_shape = child_shape(shape, field);
        if sub.is_object() || sub.is_array() {
            if let Some(result) = read_as(&sub_shape, sub) {
                if let Err(e) = result {
                    failing = Some((i, sub_path.clone(), sub_shape, sub, e));
                    break;
                }
                continue;
            }
        }
        if let Value::Array(items) = sub {
            let item_shape = format!("{sub_shape}[]");
            for (j, item) in items.iter().enumerate() {
                if let Some(Err(e)) = read_as(&item_shape, item) {
                    failing = Some((i, join_index(sub_path, j), item_shape, item, e));
                    break 'entries;
                }
            }
        }
    }
    // Scalar entries before it: the shortest prefix that fails other than by a truncation.
    let end = failing.as_ref().map_or(entries.len(), |f| f.0);
    let read_prefix = |n: usize, last: Option<Value>| -> Option<serde_json::Error> {
        let mut prefix: Vec<Value> = entries[..n].iter().map(|(_, _, v)| (*v).clone()).collect();
        if let (Some(last), Some(slot)) = (last, prefix.last_mut()) {
            *slot = last;
        }
        let prefix = match value {
            Value::Object(map) => Value::Object(map.keys().cloned().zip(prefix).collect()),
            _ => Value::Array(prefix),
        };
        match read_as(shape, &prefix) {
            Some(Err(e)) if !is_truncation(&e, list) => Some(e),
            _ => None,
        }
    };
    if let Some(e) = read_prefix(end, None) {
        let n = first_failing(1, end, e, |n| read_prefix(n, None));
        let (culprit_path, _, culprit) = &entries[n.0 - 1];
        // A list or map of scalars (dnsServers, nodeSelector): serde names the element.
        let part = |m: usize| -> Option<Value> {
            match culprit {
                Value::Array(items) => Some(Value::Array(items[..m].to_vec())),
                Value::Object(map) => Some(Value::Object(
                    map.iter()
                        .take(m)
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )),
                _ => None,
            }
        };
        let len = match culprit {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 0,
        };
        if len > 0 && read_prefix(n.0, part(0)).is_none() {
            let (m, e) = first_failing(1, len, n.1, |m| read_prefix(n.0, part(m)));
            let element_path = match culprit {
                Value::Object(map) => map
                    .keys()
                    .nth(m - 1)
                    .map_or_else(|| culprit_path.clone(), |k| join_key(culprit_path, k)),
                _ => join_index(culprit_path, m - 1),
            };
            return (element_path, e);
        }
        return (culprit_path.clone(), n.1);
    }
    match failing {
        Some((_, sub_path, sub_shape, sub, e)) => locate_at(sub, sub_path, &sub_shape, e),
        None => (path, error),
    }
}

/// The least n in lo..=hi for which `fails` gives an error, and that error, by bisection;
/// `fails(hi)` is known to give `error`, and failing is monotonic in n.
fn first_failing(
    mut lo: usize,
    mut hi: usize,
    error: serde_json::Error,
    fails: impl Fn(usize) -> Option<serde_json::Error>,
) -> (usize, serde_json::Error) {
    let mut found = error;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match fails(mid) {
            Some(e) => {
                hi = mid;
                found = e;
            }
            None => lo = mid + 1,
        }
    }
    (hi, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct added to the model gets a shape in the generated table: it needs a type here.
    #[test]
    fn every_struct_shape_has_its_type() {
        for (shape, _) in KNOWN {
            assert!(
                read_as(shape, &Value::Null).is_some(),
                "no type for `{shape}` in read_as"
            );
        }
        assert!(read_as("metadata", &Value::Null).is_none());
    }
}
