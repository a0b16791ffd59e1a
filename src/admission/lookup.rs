//! Cluster lookups for context-aware checks: the trait the policy answers with the Kubewarden
//! host capability, and an in-memory answer for fixtures and the CLI.

use crate::diagnostic::Diagnostic;
use crate::source;
use serde_json::Value;

/// Read access to cluster objects, for context-aware checks.
pub trait ResourceLookup {
    /// `Ok(Some(object))` when it exists, `Ok(None)` when it does not, `Err` when the lookup
    /// itself failed (no permission, API server unreachable).
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String>;
}

/// No cluster access: every lookup fails (only called when `contextAware` is on).
pub struct NoLookup;

impl ResourceLookup for NoLookup {
    fn get(&mut self, _: &str, _: &str, _: &str, _: &str) -> Result<Option<Value>, String> {
        Err("no cluster access in this environment".to_string())
    }
}

/// Objects held in memory (fixtures, a YAML stream given to the CLI), looked up by
/// apiVersion, kind, namespace and name.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    objects: Vec<Value>,
}

impl Resources {
    pub fn new(objects: Vec<Value>) -> Resources {
        Resources { objects }
    }

    /// Every object of a YAML/JSON stream: documents, lists of objects, and `kind: List`
    /// items. The parse diagnostics come back alongside.
    pub fn from_text(text: &str) -> (Resources, Vec<Diagnostic>) {
        let stream = source::parse(text);
        let mut objects = Vec::new();
        for doc in stream.documents {
            match doc.value {
                Value::Array(items) => objects.extend(items),
                Value::Object(mut o) if o.get("kind").and_then(Value::as_str) == Some("List") => {
                    if let Some(Value::Array(items)) = o.remove("items") {
                        objects.extend(items);
                    }
                }
                other => objects.push(other),
            }
        }
        (Resources::new(objects), stream.diagnostics)
    }
}

impl ResourceLookup for Resources {
    fn get(
        &mut self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let field = |o: &Value, path: &[&str]| -> Option<String> {
            path.iter()
                .try_fold(o, |v, k| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Ok(self
            .objects
            .iter()
            .find(|o| {
                field(o, &["apiVersion"]).as_deref() == Some(api_version)
                    && field(o, &["kind"]).as_deref() == Some(kind)
                    && field(o, &["metadata", "name"]).as_deref() == Some(name)
                    && field(o, &["metadata", "namespace"])
                        .as_deref()
                        .unwrap_or("default")
                        == namespace
            })
            .cloned())
    }
}
