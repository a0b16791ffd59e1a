//! How messages name a value's type ("must be a list, not a mapping"): one wording for every
//! reader of YAML and JSON (the Wukong loader, the network-config linter, admission), in the
//! YAML terms users write.

use serde_json::Value;

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
