//! The input limits of `crate::limits`, applied to an object that arrives as JSON inside a
//! request rather than as text.

use crate::diagnostic::{Code, Diagnostic};
use serde_json::Value;

/// The input limits of `crate::limits` for an object that arrives as JSON inside a request
/// rather than as text: its compact JSON (what the API server sends) may not exceed
/// MAX_INPUT_BYTES, nest deeper than MAX_DEPTH or hold more than MAX_NODES nodes (keys count,
/// as `source::parse` counts them). So the policy refuses exactly what the CLI and the JS
/// package refuse for that JSON as text, with the same codes.
pub(super) fn object_limits(object: &Value) -> Option<Diagnostic> {
    use crate::limits::{MAX_DEPTH, MAX_INPUT_BYTES, MAX_NODES};
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut size = Counter(0);
    // Counting bytes cannot fail, and a Value always serializes.
    let _ = serde_json::to_writer(&mut size, object);
    if size.0 > MAX_INPUT_BYTES {
        return Some(
            Diagnostic::new(
                Code::InputTooLarge,
                "",
                format!(
                    "the object is {} bytes of JSON; the limit is {MAX_INPUT_BYTES} bytes",
                    size.0
                ),
            )
            .with_hint("no Wukong, NAD or VM needs this much; look for a runaway field"),
        );
    }
    // Iteratively: a Rust caller may hand over a Value deeper than any parser would build.
    let mut nodes = 0usize;
    let mut stack = vec![(object, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        nodes += 1;
        let container = match value {
            Value::Array(items) => {
                stack.extend(items.iter().map(|c| (c, depth + 1)));
                true
            }
            Value::Object(map) => {
                nodes += map.len(); // the keys
                stack.extend(map.values().map(|c| (c, depth + 1)));
                true
            }
            _ => false,
        };
        if nodes > MAX_NODES {
            let message = format!("more than {MAX_NODES} nodes in the object");
            return Some(Diagnostic::new(Code::TooManyNodes, "", message).with_hint(
                "no Wukong, NAD or VM needs this many values; look for a runaway list",
            ));
        }
        if container && depth > MAX_DEPTH {
            let message = format!("nesting deeper than {MAX_DEPTH} levels");
            return Some(
                Diagnostic::new(Code::TooDeep, "", message)
                    .with_hint("flatten the object; no Kubernetes object nests this deep"),
            );
        }
    }
    None
}
