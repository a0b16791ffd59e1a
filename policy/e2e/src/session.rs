//! kwctl's host-capabilities sessions (policy/test_data/sessions/*.yml): the host's recorded
//! answers to the policy's lookups, in the file format of `kwctl run
//! --replay-host-capabilities-interactions` (kubewarden-controller, crates/kwctl/src/
//! callback_handler/proxy.rs). kwctl replays them itself; the wapc harness and the native
//! tests (which include this file by `#[path]`) replay the same files, so every runner sees the
//! host's own words. Needs only serde_json and the core's YAML reader.

use serde_json::Value;

/// One recorded lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub field_masks: Vec<String>,
    /// The object's JSON on success, the host's message on failure.
    pub response: Result<String, String>,
}

/// Reads a session file's text.
pub fn parse(text: &str, what: &str) -> Result<Vec<Exchange>, String> {
    let list = yaml(text, what)?;
    let list = list
        .as_array()
        .ok_or_else(|| format!("{what}: a session is a list of exchanges"))?;
    list.iter()
        .enumerate()
        .map(|(i, e)| exchange(e).map_err(|m| format!("{what}: exchange {i}: {m}")))
        .collect()
}

/// Reads policy/test_data/sessions/NAME.
pub fn load(name: &str) -> Result<Vec<Exchange>, String> {
    let path = path(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    parse(&text, &path)
}

/// The path of policy/test_data/sessions/NAME, for kwctl. This file is compiled into the
/// policy crate (policy/) and the e2e crate (policy/e2e/).
pub fn path(name: &str) -> String {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let policy = if std::path::Path::new(manifest).join("test_data").is_dir() {
        manifest.to_string()
    } else {
        format!("{manifest}/..")
    };
    format!("{policy}/test_data/sessions/{name}")
}

fn yaml(text: &str, what: &str) -> Result<Value, String> {
    let mut stream = wukong_net::source::parse(text);
    if let Some(d) = stream.diagnostics.first() {
        return Err(format!("{what}: {}", d.message));
    }
    if stream.documents.is_empty() {
        return Err(format!("{what}: empty"));
    }
    Ok(stream.documents.remove(0).value)
}

fn exchange(e: &Value) -> Result<Exchange, String> {
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("no `{key}`"))
    };
    // The request is YAML of the host's CallbackRequestType, tagged with its variant.
    let request = text(e, "request")?;
    let (tag, body) = request.split_once('\n').unwrap_or((&request, ""));
    if tag.trim() != "!KubernetesGetResource" {
        return Err(format!("only KubernetesGetResource is replayed, not {tag}"));
    }
    let request = yaml(body, "request")?;
    let response = e.get("response").ok_or("no `response`")?;
    let response = match text(response, "type")?.as_str() {
        "Success" => Ok(text(response, "payload")?),
        "Error" => Err(text(response, "message")?),
        other => return Err(format!("unknown response type {other}")),
    };
    Ok(Exchange {
        api_version: text(&request, "api_version")?,
        kind: text(&request, "kind")?,
        name: text(&request, "name")?,
        namespace: request
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string),
        field_masks: request
            .get("field_masks")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        response,
    })
}
