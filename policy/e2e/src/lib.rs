//! Runs the built `policy/policy.wasm` the way Kubewarden's policy server does: the waPC host
//! (`wapc`) on wasmtime (`wasmtime-provider`, WASI preview 1), with a host callback that
//! answers the guest's log calls and its `kubernetes/get_resource` lookups from fixture objects,
//! refusing kinds the policy's metadata does not declare, as the policy server does.
//!
//! Used by the end-to-end tests (tests/e2e.rs) and the benchmark (src/bin/policy-bench.rs).

pub mod cases;
pub mod hostile;
pub mod kubewarden;
pub mod session;

use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wapc::WapcHost;
use wasmtime_provider::{WasmtimeEngineProviderBuilder, WasmtimeEngineProviderPre};

/// Where the built policy is: `$WUKONG_NET_POLICY_WASM`, else policy/policy.wasm.
pub fn wasm_path() -> PathBuf {
    match std::env::var_os("WUKONG_NET_POLICY_WASM") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../policy.wasm")),
    }
}

/// policy/test_data.
pub fn test_data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../test_data"))
}

/// A compiled policy, ready to instantiate (what the policy server keeps per policy).
pub struct Policy {
    pre: WasmtimeEngineProviderPre,
    /// Size of the module in bytes.
    pub size: usize,
    /// Time to compile the module with a fresh engine (no cache).
    pub compile_time: Duration,
}

impl Policy {
    /// Loads and compiles policy.wasm; a missing file says how to build it.
    pub fn load() -> Result<Policy, String> {
        let path = wasm_path();
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "cannot read {}: {e}. Build the policy first: `make policy` (or `policy/build.sh`)",
                path.display()
            )
        })?;
        Policy::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Policy, String> {
        Policy::compile(bytes, None)
    }

    /// Compiles with the caller's wasmtime engine (its own `Config`), as the policy server
    /// does; the long run (src/bin/long-run.rs) uses one that reports the guest's memory.
    pub fn from_bytes_with_engine(
        bytes: &[u8],
        engine: wasmtime_provider::wasmtime::Engine,
    ) -> Result<Policy, String> {
        Policy::compile(bytes, Some(engine))
    }

    fn compile(
        bytes: &[u8],
        engine: Option<wasmtime_provider::wasmtime::Engine>,
    ) -> Result<Policy, String> {
        let start = Instant::now();
        let mut builder = WasmtimeEngineProviderBuilder::new().module_bytes(bytes);
        if let Some(engine) = engine {
            builder = builder.engine(engine);
        }
        let pre = builder
            .build_pre()
            .map_err(|e| format!("wasmtime cannot compile the policy: {e}"))?;
        Ok(Policy {
            pre,
            size: bytes.len(),
            compile_time: start.elapsed(),
        })
    }

    /// A fresh instance with its own host.
    pub fn instance(&self, host: Host) -> Result<Instance, String> {
        let engine = self
            .pre
            .rehydrate(None)
            .map_err(|e| format!("cannot instantiate the policy: {e}"))?;
        let calls = host.calls.clone();
        let callback =
            move |_id: u64, binding: &str, namespace: &str, operation: &str, payload: &[u8]| {
                host.answer(binding, namespace, operation, payload)
            };
        let wapc = WapcHost::new(Box::new(engine), Some(Box::new(callback)))
            .map_err(|e| format!("waPC host: {e}"))?;
        Ok(Instance { wapc, calls })
    }
}

/// What the host answers: the cluster's objects and the kinds the policy may read.
#[derive(Clone, Default)]
pub struct Host {
    objects: Arc<Vec<Value>>,
    /// When set, lookups are answered from a kwctl session instead of `objects`.
    replay: Option<Arc<Mutex<std::collections::VecDeque<session::Exchange>>>>,
    allowed: Arc<Vec<(String, String)>>,
    calls: Arc<Mutex<Vec<HostCall>>>,
}

/// One call the guest made to the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCall {
    pub binding: String,
    pub namespace: String,
    pub operation: String,
    pub payload: String,
}

/// The get_resource request the SDK sends.
#[derive(Deserialize)]
struct GetResourceRequest {
    api_version: String,
    kind: String,
    name: String,
    namespace: Option<String>,
    #[serde(default)]
    field_masks: Option<Vec<String>>,
}

type HostResult = Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>;

impl Host {
    /// A host serving `objects`, letting the policy read the `(apiVersion, kind)` pairs in
    /// `allowed` (a ClusterAdmissionPolicy's `contextAwareResources`).
    pub fn new(objects: Vec<Value>, allowed: Vec<(String, String)>) -> Host {
        Host {
            objects: Arc::new(objects),
            replay: None,
            allowed: Arc::new(allowed),
            calls: Arc::default(),
        }
    }

    /// A host answering lookups with a recorded kwctl session, in order, as `kwctl run
    /// --replay-host-capabilities-interactions` does.
    pub fn replaying(exchanges: Vec<session::Exchange>, allowed: Vec<(String, String)>) -> Host {
        Host {
            replay: Some(Arc::new(Mutex::new(exchanges.into()))),
            ..Host::new(Vec::new(), allowed)
        }
    }

    fn answer(
        &self,
        binding: &str,
        namespace: &str,
        operation: &str,
        payload: &[u8],
    ) -> HostResult {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(HostCall {
                binding: binding.to_string(),
                namespace: namespace.to_string(),
                operation: operation.to_string(),
                payload: String::from_utf8_lossy(payload).into_owned(),
            });
        }
        match (binding, namespace, operation) {
            // The SDK's logger aborts the guest when a log call fails: always accept them.
            ("kubewarden", "tracing", "log") => Ok(Vec::new()),
            ("kubewarden", "kubernetes", "get_resource") => self.get_resource(payload),
            _ => Err(format!("unknown operation: {binding}/{namespace}/{operation}").into()),
        }
    }

    fn get_resource(&self, payload: &[u8]) -> HostResult {
        let req: GetResourceRequest = serde_json::from_slice(payload)?;
        if !self
            .allowed
            .iter()
            .any(|(v, k)| *v == req.api_version && *k == req.kind)
        {
            // The policy server's wording for a kind the policy was not granted.
            return Err(format!(
                "Policy has not been granted access to Kubernetes {}/{} resources. The violation has been reported.",
                req.api_version, req.kind
            )
            .into());
        }
        if let Some(replay) = &self.replay {
            return Self::replayed(replay, req);
        }
        let namespace = req.namespace.unwrap_or_default();
        let field = |o: &Value, path: &[&str]| {
            path.iter()
                .try_fold(o, |v, k| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let found = self.objects.iter().find(|o| {
            field(o, &["apiVersion"]).as_deref() == Some(req.api_version.as_str())
                && field(o, &["kind"]).as_deref() == Some(req.kind.as_str())
                && field(o, &["metadata", "name"]).as_deref() == Some(req.name.as_str())
                && field(o, &["metadata", "namespace"]).unwrap_or_default() == namespace
        });
        match found {
            Some(o) => Ok(serde_json::to_vec(o)?),
            // The real host's words for a missing object, wrapped as the host wraps them:
            // kubewarden-controller 3460bb71, crates/policy-evaluator/src/
            // callback_handler/kubernetes/client.rs:309 and runtimes/callback.rs:411.
            None => Err(format!(
                "Callback evaluation failure: Cannot find {}/{} named '{}' inside of namespace '{:?}'",
                req.api_version,
                req.kind,
                req.name,
                Some(namespace.as_str())
            )
            .into()),
        }
    }
}

impl Host {
    /// The next recorded answer, if the request is the recorded one (kwctl's own rule,
    /// crates/kwctl/src/callback_handler/proxy.rs:203-228); errors wrapped as the host wraps
    /// them (crates/policy-evaluator/src/runtimes/callback.rs:411).
    fn replayed(
        replay: &Mutex<std::collections::VecDeque<session::Exchange>>,
        req: GetResourceRequest,
    ) -> HostResult {
        let next = replay
            .lock()
            .map_err(|_| "replay lock poisoned")?
            .pop_front();
        let Some(next) = next else {
            return Err(
                "Callback evaluation failure: the list of recorded responses is empty".into(),
            );
        };
        let same = next.api_version == req.api_version
            && next.kind == req.kind
            && next.name == req.name
            && next.namespace == req.namespace
            && next.field_masks == req.field_masks.unwrap_or_default();
        if !same {
            return Err(format!(
                "Callback evaluation failure: Replay error: unexpected request. Was expecting {next:?}"
            )
            .into());
        }
        match next.response {
            Ok(payload) => Ok(payload.into_bytes()),
            Err(message) => Err(format!("Callback evaluation failure: {message}").into()),
        }
    }
}

/// A running policy instance.
pub struct Instance {
    wapc: WapcHost,
    calls: Arc<Mutex<Vec<HostCall>>>,
}

impl Instance {
    /// Calls a waPC operation with raw bytes.
    pub fn call(&self, operation: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        self.wapc
            .call(operation, payload)
            .map_err(|e| format!("{operation}: {e}"))
    }

    fn call_json(&self, operation: &str, payload: &[u8]) -> Result<Value, String> {
        let raw = self.call(operation, payload)?;
        serde_json::from_slice(&raw).map_err(|e| {
            format!(
                "{operation} answered non-JSON ({e}): {}",
                String::from_utf8_lossy(&raw)
            )
        })
    }

    /// `validate` with `{"settings", "request"}`, as the policy server sends it.
    pub fn validate(&self, settings: &Value, request: &Value) -> Result<Value, String> {
        let payload = serde_json::json!({ "settings": settings, "request": request });
        self.call_json("validate", payload.to_string().as_bytes())
    }

    pub fn validate_raw(&self, payload: &[u8]) -> Result<Value, String> {
        self.call_json("validate", payload)
    }

    pub fn validate_settings(&self, settings: &[u8]) -> Result<Value, String> {
        self.call_json("validate_settings", settings)
    }

    pub fn protocol_version(&self) -> Result<Value, String> {
        self.call_json("protocol_version", b"")
    }

    /// The host calls made so far (and forgets them).
    pub fn take_calls(&self) -> Vec<HostCall> {
        self.calls
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default()
    }
}

/// Reads a JSON file of test_data.
pub fn fixture(name: &str) -> Result<Value, String> {
    let path = test_data().join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The kinds policy/metadata.yml lets the policy read (`contextAwareResources`).
pub fn declared_resources() -> Result<Vec<(String, String)>, String> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../metadata.yml"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let stream = wukong_net::source::parse(&text);
    let doc = stream
        .documents
        .first()
        .ok_or_else(|| format!("{} is empty", path.display()))?;
    let list = doc
        .value
        .get("contextAwareResources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(list
        .iter()
        .filter_map(|r| {
            Some((
                r.get("apiVersion")?.as_str()?.to_string(),
                r.get("kind")?.as_str()?.to_string(),
            ))
        })
        .collect())
}

/// The host the fixtures expect: cluster.json's objects, readable as metadata.yml declares.
pub fn fixture_host() -> Result<Host, String> {
    let objects = match fixture("cluster.json")? {
        Value::Array(items) => items,
        _ => return Err("cluster.json must be a list of objects".to_string()),
    };
    Ok(Host::new(objects, declared_resources()?))
}
