//! Kubewarden's own tools around the built policy: `kwctl` (annotate, run, scaffold) and
//! `policy-server` (a real server on 127.0.0.1, fed AdmissionReviews over HTTP). These are the
//! programs cluster admins run; the tests in tests/kubewarden.rs and the load benchmark
//! (src/bin/policy-server-bench.rs) drive them through this module.
//!
//! The tools are found on PATH (`scripts/setup.sh` installs them). Without them a test says why
//! and returns; with CI=true it fails instead ([`require`]).

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// policy/ (metadata.yml, README.md, policy.wasm).
pub fn policy_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A program on PATH.
pub fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The tool, or `None` after saying why the caller skips; under CI=true a missing tool fails.
// A skipped test says why, on the test's own output.
#[allow(clippy::print_stderr)]
pub fn require(name: &str) -> Option<PathBuf> {
    match find(name) {
        Some(p) => Some(p),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{name} is not installed, and CI must run the Kubewarden tests: run scripts/setup.sh"
        ),
        None => {
            eprintln!("skipped: {name} is not on PATH (scripts/setup.sh installs it)");
            None
        }
    }
}

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> Result<TempDir, String> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wukong-net-{what}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a finished process said.
#[derive(Debug)]
pub struct Output {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command to completion, its output captured.
pub fn run(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    Ok(Output {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// `kwctl annotate`: `wasm` with `metadata` embedded, written to `out`. Returns kwctl's output
/// (its warnings are on stderr).
pub fn annotate(kwctl: &Path, wasm: &Path, metadata: &Path, out: &Path) -> Result<Output, String> {
    let result = run(Command::new(kwctl)
        .arg("annotate")
        .arg("--metadata-path")
        .arg(metadata)
        .arg("--usage-path")
        .arg(policy_dir().join("README.md"))
        .arg("--output-path")
        .arg(out)
        .arg(wasm))?;
    if result.status != Some(0) {
        return Err(format!("kwctl annotate failed: {result:?}"));
    }
    Ok(result)
}

/// `kwctl annotate` of the built policy.wasm with metadata.yml, into `dir`.
pub fn annotated_policy(kwctl: &Path, dir: &Path) -> Result<(PathBuf, Output), String> {
    let wasm = crate::wasm_path();
    if !wasm.is_file() {
        return Err(format!(
            "{} is missing: build it with `make policy` (policy/build.sh)",
            wasm.display()
        ));
    }
    let out = dir.join("annotated.wasm");
    let output = annotate(kwctl, &wasm, &policy_dir().join("metadata.yml"), &out)?;
    Ok((out, output))
}

/// `kwctl run` of a module on one AdmissionRequest file: the AdmissionResponse. With a session,
/// lookups are allowed (`--allow-context-aware`) and answered from the session file.
pub fn kwctl_run(
    kwctl: &Path,
    module: &Path,
    request: &Path,
    settings: &Value,
    session: Option<&Path>,
) -> Result<Value, String> {
    let mut cmd = Command::new(kwctl);
    cmd.arg("run")
        .arg("--request-path")
        .arg(request)
        .arg("--settings-json")
        .arg(settings.to_string());
    if let Some(session) = session {
        cmd.arg("--allow-context-aware")
            .arg("--replay-host-capabilities-interactions")
            .arg(session);
    }
    cmd.arg(format!("file://{}", module.display()));
    let out = run(&mut cmd)?;
    if out.status != Some(0) {
        return Err(format!("kwctl run failed: {out:?}"));
    }
    // kwctl prints the AdmissionResponse as one JSON line on stdout (kwctl/src/command/run.rs).
    let line = out
        .stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or_else(|| format!("kwctl run printed no response: {out:?}"))?;
    serde_json::from_str(line).map_err(|e| format!("kwctl run: {e}: {line}"))
}

/// The codes of an AdmissionResponse's rejection message and warnings.
pub fn response_codes(
    response: &Value,
) -> (
    std::collections::BTreeSet<String>,
    std::collections::BTreeSet<String>,
) {
    let message = response["status"]["message"].as_str();
    let warnings: Vec<&str> = response["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    (crate::cases::codes(message), crate::cases::codes(warnings))
}

/// One policy a policy-server serves.
pub struct ServedPolicy {
    pub id: String,
    pub module: PathBuf,
    pub settings: Value,
    /// Grant `kubernetes/get_resource` and NADs as `contextAwareResources`.
    pub context_aware: bool,
    /// `allowedToMutate` in policies.yml: what a ClusterAdmissionPolicy's `mutating: true`
    /// becomes. Without it policy-server rejects every answer that carries a mutation.
    pub mutating: bool,
}

/// Kubewarden's policy-server on 127.0.0.1, plain HTTP, no cluster
/// (`--ignore-kubernetes-connection-failure`), killed when dropped.
pub struct PolicyServer {
    child: Child,
    pub port: u16,
    _dir: TempDir,
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("port: {e}"))
}

impl PolicyServer {
    /// Starts the server with `workers` evaluation workers and waits until it is ready.
    pub fn start(
        binary: &Path,
        policies: &[ServedPolicy],
        workers: usize,
    ) -> Result<PolicyServer, String> {
        let dir = TempDir::new("policy-server")?;
        let mut table = serde_json::Map::new();
        for p in policies {
            let mut entry = json!({
                "module": format!("file://{}", p.module.display()),
                "settings": p.settings,
            });
            if p.mutating {
                entry["allowedToMutate"] = json!(true);
            }
            if p.context_aware {
                // policy-server grants nothing by default: both lists are needed for a lookup.
                entry["contextAwareResources"] = json!([
                    {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition"}
                ]);
                entry["hostCapabilities"] = json!(["kubernetes/get_resource"]);
            }
            table.insert(p.id.clone(), entry);
        }
        // JSON is YAML: policies.yml written by a serializer.
        let policies_yml = dir.path().join("policies.yml");
        let text = serde_json::to_string_pretty(&Value::Object(table))
            .map_err(|e| format!("policies.yml: {e}"))?;
        std::fs::write(&policies_yml, text).map_err(|e| format!("policies.yml: {e}"))?;
        let port = free_port()?;
        let readiness = free_port()?;
        let log = std::fs::File::create(dir.path().join("policy-server.log"))
            .map_err(|e| format!("log: {e}"))?;
        let log2 = log.try_clone().map_err(|e| format!("log: {e}"))?;
        let child = Command::new(binary)
            .arg("--addr")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--readiness-probe-port")
            .arg(readiness.to_string())
            .arg("--policies")
            .arg(&policies_yml)
            .arg("--policies-download-dir")
            .arg(dir.path())
            .arg("--workers")
            .arg(workers.to_string())
            .arg("--ignore-kubernetes-connection-failure")
            .arg("--log-level")
            .arg("warn")
            .arg("--log-no-color")
            .env_remove("RUST_BACKTRACE")
            .env("KUBECONFIG", dir.path().join("no-kubeconfig"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut server = PolicyServer {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "policy-server exited ({status}) before it was ready:\n{}",
                    server.log()
                ));
            }
            if matches!(http(readiness, "GET", "/readiness", ""), Ok((200, _))) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "policy-server not ready after 120 s:\n{}",
                    server.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("policy-server.log")).unwrap_or_default()
    }

    /// The server's process id (for its RSS).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// POSTs one AdmissionReview to `/validate/ID`: the AdmissionResponse it answers.
    pub fn validate(&self, id: &str, request: &Value) -> Result<Value, String> {
        let (status, body) = http(
            self.port,
            "POST",
            &format!("/validate/{id}"),
            &review(request),
        )?;
        if status != 200 {
            return Err(format!("HTTP {status}: {body}"));
        }
        let review: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
        Ok(review["response"].clone())
    }
}

impl Drop for PolicyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An AdmissionReview v1 around a request, as the API server sends it.
pub fn review(request: &Value) -> String {
    json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request})
        .to_string()
}

/// One HTTP/1.1 exchange on 127.0.0.1 (`Connection: close`): status and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body.as_bytes()))
        .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("receive: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("not HTTP: {text}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status: {head}"))?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
