//! `make bench-policy-server`: Kubewarden's policy-server on 127.0.0.1 serving our policy and
//! the floor policy (policy/floor: decode and accept) side by side, loaded by `hey` (a real HTTP
//! load generator, Debian's package) at concurrency 1, 8 and 64; then the same good requests
//! with hostile ones of up to 16 KB mixed in; 1 MiB objects apart; the server's RSS over
//! 100,000 requests. Loopback only, every run bounded in count.
//!
//!   policy-server-bench [--quick]      --quick: a tenth of the requests (a smoke run)

// A benchmark prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use wukong_net_policy_e2e::kubewarden::{
    annotate, annotated_policy, find, policy_dir, review, run, PolicyServer, ServedPolicy, TempDir,
};
use wukong_net_policy_e2e::{fixture, hostile};

struct Load {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_200: usize,
}

/// `hey` against one policy with one request body.
fn hey(hey: &Path, port: u16, id: &str, body: &Path, n: usize, c: usize) -> Result<Load, String> {
    let out = run(Command::new(hey)
        .args(["-n", &n.to_string(), "-c", &c.to_string(), "-m", "POST"])
        .args(["-T", "application/json", "-t", "30", "-D"])
        .arg(body)
        .arg(format!("http://127.0.0.1:{port}/validate/{id}")))?;
    if out.status != Some(0) {
        return Err(format!("hey failed: {out:?}"));
    }
    let text = out.stdout;
    if let Some(errors) = text.split("Error distribution:").nth(1) {
        let first: Vec<&str> = errors.lines().take(4).collect();
        eprintln!("hey, {id} at concurrency {c}: {}", first.join(" "));
    }
    let number_after = |key: &str| -> Option<f64> {
        let rest = &text[text.find(key)? + key.len()..];
        rest.split_whitespace().next()?.parse().ok()
    };
    let rps = number_after("Requests/sec:").ok_or_else(|| format!("no Requests/sec: {text}"))?;
    let p50 = number_after("50% in ").ok_or_else(|| format!("no p50: {text}"))?;
    let p99 = number_after("99% in ").ok_or_else(|| format!("no p99: {text}"))?;
    // "Status code distribution:\n  [200]\t5000 responses"
    let ok: usize = text
        .split("[200]")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok(Load {
        rps,
        p50_ms: p50 * 1000.0,
        p99_ms: p99 * 1000.0,
        // hey sends n / c requests per client, so n / c * c in all.
        non_200: (n / c * c).saturating_sub(ok),
    })
}

/// `hey` on `id` with good requests while three clients repeat the hostile mix on the same
/// policy: the good requests' load, the hostile answers, the policy timeouts among them.
fn under_attack(
    server: &Arc<PolicyServer>,
    hey_bin: &Path,
    id: &'static str,
    body: &Path,
    mix: &[(&'static str, Value)],
    n: usize,
) -> (Load, usize, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let timeouts = Arc::new(AtomicUsize::new(0));
    let attackers: Vec<_> = (0..3)
        .map(|i| {
            let (server, stop, answered, timeouts, mix) = (
                server.clone(),
                stop.clone(),
                answered.clone(),
                timeouts.clone(),
                mix.to_vec(),
            );
            std::thread::spawn(move || {
                let mut k = i;
                while !stop.load(Ordering::Relaxed) {
                    let (_, request) = &mix[k % mix.len()];
                    if let Ok(r) = server.validate(id, request) {
                        if r["status"]["code"] == json!(500) {
                            timeouts.fetch_add(1, Ordering::Relaxed);
                        }
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    k += 1;
                }
            })
        })
        .collect();
    let load = hey(hey_bin, server.port, id, body, n, 8).unwrap_or_else(|e| panic!("{e}"));
    stop.store(true, Ordering::Relaxed);
    for a in attackers {
        let _ = a.join();
    }
    (
        load,
        answered.load(Ordering::Relaxed),
        timeouts.load(Ordering::Relaxed),
    )
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn write_body(dir: &Path, name: &str, request: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    if let Err(e) = std::fs::write(&path, review(request)) {
        eprintln!("{}: {e}", path.display());
        std::process::exit(2);
    }
    path
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    let (Some(kwctl), Some(server_bin), Some(hey_bin)) =
        (find("kwctl"), find("policy-server"), find("hey"))
    else {
        eprintln!(
            "policy-server-bench needs kwctl, policy-server and hey on PATH: scripts/setup.sh all"
        );
        std::process::exit(2);
    };
    let floor_wasm = policy_dir().join("floor/floor.wasm");
    if !floor_wasm.is_file() {
        eprintln!("{} is missing: make policy", floor_wasm.display());
        std::process::exit(2);
    }
    let dir = TempDir::new("bench").unwrap_or_else(|e| panic!("{e}"));
    let (ours, _) = annotated_policy(&kwctl, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let floor = dir.path().join("floor-annotated.wasm");
    annotate(
        &kwctl,
        &floor_wasm,
        &policy_dir().join("floor/metadata.yml"),
        &floor,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let workers = 2;
    let policies = [
        ServedPolicy {
            id: "wukong-net".into(),
            module: ours,
            settings: json!({}),
            context_aware: false,
            mutating: false,
        },
        ServedPolicy {
            id: "floor".into(),
            module: floor,
            settings: json!({}),
            context_aware: false,
            mutating: false,
        },
    ];
    let server = Arc::new(
        PolicyServer::start(&server_bin, &policies, workers).unwrap_or_else(|e| panic!("{e}")),
    );
    println!(
        "policy-server {} on 127.0.0.1:{}, {workers} workers; load by {}; machine: {} cores, load average {}",
        run(Command::new(&server_bin).arg("--version"))
            .map(|o| o.stdout.lines().next().unwrap_or("").trim().to_string())
            .unwrap_or_default(),
        server.port,
        run(Command::new(&hey_bin).arg("-h")).map(|_| "hey".to_string()).unwrap_or_default(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );

    let requests = [
        ("VM (networkData, 2 NICs)", "vm-good.json"),
        ("Wukong (DHCP seed)", "wukong-dhcp.json"),
        ("NAD (host-local)", "nad-static-host-local.json"),
    ];
    println!("\n| request | concurrency | policy | requests/s | p50 ms | p99 ms | not 200 |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    let mut clean_vm_p50 = std::collections::HashMap::new();
    for (what, file) in requests {
        let body = write_body(
            dir.path(),
            file,
            &fixture(file).unwrap_or_else(|e| panic!("{e}")),
        );
        for c in [1, 8, 64] {
            let n = (if c == 1 { 3000 } else { 10000 }) / scale;
            for id in ["wukong-net", "floor"] {
                let load =
                    hey(&hey_bin, server.port, id, &body, n, c).unwrap_or_else(|e| panic!("{e}"));
                // Connection-level errors (hey counts them apart from status codes) are
                // reported, not hidden: at 64 clients on 2 cores some connects can fail.
                println!(
                    "| {what} | {c} | {id} | {:.0} | {:.2} | {:.2} | {} |",
                    load.rps, load.p50_ms, load.p99_ms, load.non_200
                );
                if c == 8 && file == "vm-good.json" {
                    clean_vm_p50.insert(id, load.p50_ms);
                }
            }
        }
    }

    // The same good VM requests with three clients repeating the hostile mix, for our policy
    // and, as the floor, for the accept-all policy under the same traffic: what the mix costs
    // beyond sharing 2 cores with 3 more clients.
    let mix = hostile::requests();
    let body = write_body(
        dir.path(),
        "vm-good-mix",
        &fixture("vm-good.json").unwrap_or(Value::Null),
    );
    for id in ["wukong-net", "floor"] {
        let (mixed, answered, timeouts) =
            under_attack(&server, &hey_bin, id, &body, &mix, 10000 / scale);
        let clean = clean_vm_p50.get(id).copied().unwrap_or(f64::NAN);
        println!(
            "{}hostile mix ({} kinds, up to {} bytes, 3 clients), {id}: good VM requests at concurrency 8: {:.0} requests/s, p50 {:.2} ms (clean {:.2} ms, {:.2}x), p99 {:.2} ms; {answered} hostile requests answered, {timeouts} policy timeouts",
            if id == "floor" { "" } else { "\n" },
            mix.len(),
            mix.iter().map(|(_, r)| review(r).len()).max().unwrap_or(0),
            mixed.rps,
            mixed.p50_ms,
            clean,
            mixed.p50_ms / clean,
            mixed.p99_ms,
        );
    }

    // 1 MiB objects, apart: a VM whose networkData fills the input limit.
    let mut big = String::from("network:\n  version: 2\n  ethernets:\n");
    let mut i = 0;
    // The whole object's JSON (escapes included) stays within the 1 MiB input limit, so the
    // policy reads all of it instead of refusing it on size.
    // JSON escapes each newline and quote with one more byte.
    let escaped = |t: &str| t.len() + t.matches(['\n', '"']).count();
    let mut size = review(&hostile::vm_with_network_data(&big)).len();
    loop {
        let entry =
            format!("    e{i:06}:\n      match: {{name: \"e{i:06}*\"}}\n      dhcp4: true\n");
        if size + escaped(&entry) > 1024 * 1024 - 64 {
            break;
        }
        size += escaped(&entry);
        big.push_str(&entry);
        i += 1;
    }
    let body = write_body(dir.path(), "vm-1mib", &hostile::vm_with_network_data(&big));
    let size = std::fs::metadata(&body).map(|m| m.len()).unwrap_or(0);
    for id in ["wukong-net", "floor"] {
        let load = hey(&hey_bin, server.port, id, &body, 100 / scale.min(10), 1)
            .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "1 MiB object ({size} bytes, {i} interfaces), {id}: {:.1} requests/s, p50 {:.1} ms, p99 {:.1} ms",
            load.rps, load.p50_ms, load.p99_ms
        );
    }

    // RSS over 100,000 requests.
    let body = write_body(
        dir.path(),
        "vm-good-rss",
        &fixture("vm-good.json").unwrap_or(Value::Null),
    );
    let total = 100_000 / scale;
    let mut line = format!(
        "\nRSS of policy-server over {total} VM requests (MiB): start {:.1}",
        rss_mib(server.pid())
    );
    for step in 1..=4 {
        let load = hey(&hey_bin, server.port, "wukong-net", &body, total / 4, 8)
            .unwrap_or_else(|e| panic!("{e}"));
        if load.non_200 > 0 {
            line.push_str(&format!(" ({} not 200)", load.non_200));
        }
        line.push_str(&format!(
            ", {}k {:.1}",
            step * total / 4 / 1000,
            rss_mib(server.pid())
        ));
    }
    println!("{line}");
}
