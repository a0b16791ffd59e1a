//! The policy over a long run, in the policy server's engine (wapc + wasmtime): 100,000
//! `validate` calls on one instance, cycling through the good and bad requests of
//! test_data/cases.json (Wukongs, NADs, VMs, context-aware lookups) and payloads that are no
//! request at all. Asserts that every answer stays byte-for-byte the first answer to the same
//! payload, and that the guest's linear memory and this process's RSS stop growing: both are
//! printed before the first call, after a warm-up, half-way and at the end, and the second half
//! of the run may not grow linear memory at all, nor RSS by more than RSS_SLACK.
//!
//! `cargo run --profile e2e -p wukong-net-policy-e2e --bin long-run [-- CALLS]` (after
//! `make policy`). Exit 0 when it holds, 1 when it does not, 2 when it cannot run.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use serde_json::{json, Value};
use std::alloc::Layout;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use wasmtime_provider::wasmtime::{Config, Engine, LinearMemory, MemoryCreator, MemoryType};
use wukong_net_policy_e2e::{cases, fixture, fixture_host, wasm_path, Policy};

/// RSS may move this much in the second half (allocator bookkeeping), but not grow with calls.
const RSS_SLACK: u64 = 1 << 20;
const WASM_PAGE: usize = 64 * 1024;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("long-run: {e}");
            ExitCode::from(2)
        }
    }
}

/// Linear memories on the host heap, so their size can be read at any time: the sum of the
/// live memories' current sizes is kept in `live`.
struct Gauge {
    live: Arc<AtomicUsize>,
}

struct HeapMemory {
    base: *mut u8,
    layout: Layout,
    size: usize,
    maximum: Option<usize>,
    live: Arc<AtomicUsize>,
}

// SAFETY: the memory is owned by one wasmtime store at a time; wasmtime synchronizes access.
unsafe impl Send for HeapMemory {}
unsafe impl Sync for HeapMemory {}

fn page_layout(bytes: usize) -> Result<Layout, String> {
    let rounded = bytes.max(WASM_PAGE).div_ceil(WASM_PAGE) * WASM_PAGE;
    Layout::from_size_align(rounded, WASM_PAGE).map_err(|e| e.to_string())
}

// SAFETY: `as_ptr` stays valid and zero-filled up to `byte_capacity` until the next `grow_to`
// or drop. The engine is configured with no reservation, no guard region and
// `memory_may_move(true)`, so wasmtime bounds-checks every access and reloads the base after a
// growth, which may move the memory.
unsafe impl LinearMemory for HeapMemory {
    fn byte_size(&self) -> usize {
        self.size
    }

    fn byte_capacity(&self) -> usize {
        self.layout.size()
    }

    fn grow_to(&mut self, new_size: usize) -> wasmtime_provider::wasmtime::Result<()> {
        if self.maximum.is_some_and(|m| new_size > m) {
            wasmtime_provider::wasmtime::bail!("memory maximum exceeded");
        }
        if new_size > self.layout.size() {
            let layout = page_layout(new_size).map_err(wasmtime_provider::wasmtime::Error::msg)?;
            // SAFETY: layout has a non-zero size; the old block is valid for `self.size` bytes.
            let base = unsafe { std::alloc::alloc_zeroed(layout) };
            if base.is_null() {
                wasmtime_provider::wasmtime::bail!("out of memory growing to {new_size} bytes");
            }
            unsafe {
                std::ptr::copy_nonoverlapping(self.base, base, self.size);
                std::alloc::dealloc(self.base, self.layout);
            }
            self.base = base;
            self.layout = layout;
        }
        self.live.fetch_add(new_size - self.size, Ordering::SeqCst);
        self.size = new_size;
        Ok(())
    }

    fn as_ptr(&self) -> *mut u8 {
        self.base
    }
}

impl Drop for HeapMemory {
    fn drop(&mut self) {
        self.live.fetch_sub(self.size, Ordering::SeqCst);
        // SAFETY: allocated with this layout in new_memory or grow_to.
        unsafe { std::alloc::dealloc(self.base, self.layout) };
    }
}

// SAFETY: see LinearMemory above.
unsafe impl MemoryCreator for Gauge {
    fn new_memory(
        &self,
        _ty: MemoryType,
        minimum: usize,
        maximum: Option<usize>,
        reserved: Option<usize>,
        guard: usize,
    ) -> Result<Box<dyn LinearMemory>, String> {
        if reserved.is_some_and(|r| r > 0) || guard > 0 {
            return Err(format!("the engine asked for a reservation ({reserved:?}) or guard ({guard}); configure none"));
        }
        let layout = page_layout(minimum)?;
        // SAFETY: layout has a non-zero size.
        let base = unsafe { std::alloc::alloc_zeroed(layout) };
        if base.is_null() {
            return Err(format!("out of memory allocating {minimum} bytes"));
        }
        self.live.fetch_add(minimum, Ordering::SeqCst);
        Ok(Box::new(HeapMemory {
            base,
            layout,
            size: minimum,
            maximum,
            live: self.live.clone(),
        }))
    }
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The payloads of the run: every validate case of cases.json, and payloads that are no request.
fn payloads() -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for c in cases::cases()?.validate {
        let request = fixture(&c.request)?;
        out.push((
            c.name,
            json!({"settings": c.settings, "request": request})
                .to_string()
                .into_bytes(),
        ));
    }
    let bad: [(&str, &[u8]); 5] = [
        ("not JSON", b"{\"settings\": {}, \"request\": "),
        ("no request", b"{\"settings\": {}}"),
        (
            "request of the wrong type",
            b"{\"settings\": {}, \"request\": [1, 2]}",
        ),
        (
            "invalid settings",
            b"{\"settings\": {\"allowedBridges\": 7}, \"request\": {}}",
        ),
        ("binary", b"\xff\xfe\x00garbage"),
    ];
    out.extend(bad.iter().map(|(n, p)| (n.to_string(), p.to_vec())));
    // The largest Wukong accepted, and one network more.
    for count in [
        wukong_net::limits::MAX_NETWORKS,
        wukong_net::limits::MAX_NETWORKS + 1,
    ] {
        let networks: Vec<Value> = (0..count)
            .map(|i| json!({"name": format!("net{i}"), "bridgeName": format!("br{i}"), "physicalInterface": format!("ens{i}"),
                            "ipConfig": {"mode": "static", "address": format!("10.{i}.0.5/24"), "gateway": format!("10.{i}.0.1")}}))
            .collect();
        let object = json!({"apiVersion": "vm.novasphere.dev/v1alpha1", "kind": "Wukong",
                            "metadata": {"name": "big", "namespace": "lab"}, "spec": {"networks": networks}});
        let request = json!({"uid": "1", "operation": "CREATE", "object": object,
                             "kind": {"group": "vm.novasphere.dev", "version": "v1alpha1", "kind": "Wukong"}});
        out.push((
            format!("{count} networks"),
            json!({"settings": {}, "request": request})
                .to_string()
                .into_bytes(),
        ));
    }
    Ok(out)
}

fn run() -> Result<bool, String> {
    let calls: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .map_err(|_| format!("CALLS must be a number, not {n}"))?,
        None => 100_000,
    };
    let bytes = std::fs::read(wasm_path()).map_err(|e| {
        format!(
            "{}: {e}; build it with `make policy`",
            wasm_path().display()
        )
    })?;
    let live = Arc::new(AtomicUsize::new(0));
    let mut config = Config::default();
    config
        .with_host_memory(Arc::new(Gauge { live: live.clone() }))
        .memory_reservation(0)
        .memory_guard_size(0)
        .memory_reservation_for_growth(0)
        .memory_may_move(true)
        // Copy-on-write initialization needs wasmtime's own mmap memories.
        .memory_init_cow(false);
    let engine = Engine::new(&config).map_err(|e| format!("wasmtime engine: {e}"))?;
    let policy = Policy::from_bytes_with_engine(&bytes, engine)?;
    let instance = policy.instance(fixture_host()?)?;
    let inputs = payloads()?;

    let linear = || live.load(Ordering::SeqCst) as u64;
    let before = (linear(), rss_bytes());
    let mut first: Vec<Option<Vec<u8>>> = vec![None; inputs.len()];
    let (mut accepted, mut rejected) = (0usize, 0usize);
    let warm_up = inputs.len() * 10;
    let half = calls / 2;
    let (mut after_warm_up, mut at_half) = (before, before);
    let start = Instant::now();
    println!(
        "long-run: {calls} validate calls over {} payloads in wapc + wasmtime ({})",
        inputs.len(),
        wasm_path().display()
    );
    println!("{:>9}  {:>12}  {:>12}", "calls", "linear mem", "RSS");
    println!(
        "{:>9}  {:>12}  {:>12}  (before the first call)",
        0,
        mib(before.0),
        mib(before.1)
    );
    for i in 0..calls {
        let k = i % inputs.len();
        let (name, payload) = &inputs[k];
        let answer = instance
            .call("validate", payload)
            .map_err(|e| format!("call {i} ({name}): {e}"))?;
        // The harness logs the guest's host calls for the tests; a policy server keeps none.
        drop(instance.take_calls());
        match &first[k] {
            None => {
                let v: Value = serde_json::from_slice(&answer)
                    .map_err(|e| format!("{name}: answer is not JSON: {e}"))?;
                if v["accepted"] == true {
                    accepted += 1;
                } else {
                    rejected += 1;
                }
                first[k] = Some(answer);
            }
            Some(want) if *want != answer => {
                println!(
                    "FAIL: call {i} ({name}) answered differently from its first call:\n  first: {}\n  now:   {}",
                    String::from_utf8_lossy(want),
                    String::from_utf8_lossy(&answer)
                );
                return Ok(false);
            }
            Some(_) => {}
        }
        let done = i + 1;
        if done == warm_up {
            after_warm_up = (linear(), rss_bytes());
            println!(
                "{done:>9}  {:>12}  {:>12}  (after warm-up)",
                mib(after_warm_up.0),
                mib(after_warm_up.1)
            );
        }
        if done == half {
            at_half = (linear(), rss_bytes());
        }
        if done % 10_000 == 0 || done == calls {
            println!("{done:>9}  {:>12}  {:>12}", mib(linear()), mib(rss_bytes()));
        }
    }
    let end = (linear(), rss_bytes());
    let elapsed = start.elapsed();
    println!(
        "{} distinct payloads ({accepted} accepted, {rejected} rejected), every later answer identical to the first; {:.1} µs per call",
        inputs.len(),
        elapsed.as_secs_f64() * 1e6 / calls as f64
    );
    println!(
        "linear memory: before {} -> after warm-up {} -> half-way {} -> end {}",
        mib(before.0),
        mib(after_warm_up.0),
        mib(at_half.0),
        mib(end.0)
    );
    println!(
        "RSS:           before {} -> after warm-up {} -> half-way {} -> end {}",
        mib(before.1),
        mib(after_warm_up.1),
        mib(at_half.1),
        mib(end.1)
    );
    let mut ok = true;
    if accepted == 0 || rejected == 0 {
        println!("FAIL: the payloads must mix accepted and rejected requests ({accepted} accepted, {rejected} rejected)");
        ok = false;
    }
    if end.0 != at_half.0 {
        println!(
            "FAIL: linear memory grew in the second half: {} -> {}",
            mib(at_half.0),
            mib(end.0)
        );
        ok = false;
    }
    if end.1 > at_half.1 + RSS_SLACK {
        println!(
            "FAIL: RSS grew in the second half by more than {}: {} -> {}",
            mib(RSS_SLACK),
            mib(at_half.1),
            mib(end.1)
        );
        ok = false;
    }
    println!(
        "long-run: {}",
        if ok {
            "linear memory and RSS stopped growing"
        } else {
            "FAILED"
        }
    );
    Ok(ok)
}
