//! The policy's speed and size through the policy server's engine (wapc + wasmtime): module
//! size, cold compile time, instantiation time, and the time per `validate` call (median and
//! p99 over many calls) for a Wukong, a NAD and a VM request. Prints a table; run with
//! `cargo run --release -p wukong-net-policy-e2e --bin policy-bench [-- CALLS]`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use wukong_net_policy_e2e::{fixture, fixture_host, wasm_path, Policy};

/// Per-call targets of the policy issue, checked here and printed (not asserted by tests).
const TARGET_MEDIAN: Duration = Duration::from_micros(50);
const TARGET_SIZE: usize = 1_000_000;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("policy-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn run() -> Result<bool, String> {
    let calls: usize = match std::env::args().nth(1) {
        Some(n) => n
            .parse()
            .map_err(|_| format!("CALLS must be a number, not {n}"))?,
        None => 5000,
    };
    if calls < 100 {
        return Err("CALLS must be at least 100 for a p99".to_string());
    }
    let bytes = std::fs::read(wasm_path()).map_err(|e| {
        format!(
            "{}: {e}; build it with `make policy`",
            wasm_path().display()
        )
    })?;

    // Cold compiles: each with a fresh engine, as a policy server starting up.
    let mut compiles = Vec::new();
    let mut policy = None;
    for _ in 0..5 {
        let p = Policy::from_bytes(&bytes)?;
        compiles.push(p.compile_time);
        policy = Some(p);
    }
    let policy = policy.ok_or("no compile")?;
    compiles.sort();

    let start = Instant::now();
    let instance = policy.instance(fixture_host()?)?;
    let instantiate = start.elapsed();

    println!("wukong-net policy through wapc 2.2 + wasmtime-provider 2.25.0 (the policy server's engine)");
    println!(
        "module                 {} ({} bytes)",
        wasm_path().display(),
        policy.size
    );
    println!(
        "cold compile           first {}  median of 5 {}",
        ms(compiles[0]),
        ms(compiles[2])
    );
    println!("instantiate            {}", us(instantiate));
    // The engine's own cost per call: a waPC round trip that does almost nothing in the guest.
    let mut floor = Vec::with_capacity(calls);
    for _ in 0..calls {
        let t = Instant::now();
        instance.call("protocol_version", b"")?;
        floor.push(t.elapsed());
    }
    floor.sort();
    println!(
        "waPC round trip        median {} (protocol_version, {calls} calls)",
        us(percentile(&floor, 0.5))
    );
    println!("validate, {calls} calls each after 200 warm-up calls:");
    println!(
        "  {:<34} {:>10} {:>10} {:>10}",
        "request", "median", "p99", "max"
    );

    let cases = [
        ("Wukong, DHCP (accepted)", "wukong-dhcp.json", json!({})),
        (
            "NAD, host-local (accepted)",
            "nad-static-host-local.json",
            json!({}),
        ),
        ("VM, networkData (accepted)", "vm-good.json", json!({})),
        (
            "VM, context-aware lookup",
            "vm-good.json",
            json!({"contextAware": true}),
        ),
        (
            "VM, 2 errors (rejected)",
            "vm-mac-not-pinned.json",
            json!({}),
        ),
    ];
    let mut ok = policy.size < TARGET_SIZE;
    for (i, (label, file, settings)) in cases.into_iter().enumerate() {
        let request = fixture(file)?;
        let payload = json!({"settings": settings, "request": request})
            .to_string()
            .into_bytes();
        let expect: Value = serde_json::from_slice(&instance.call("validate", &payload)?)
            .map_err(|e| e.to_string())?;
        for _ in 0..200 {
            instance.call("validate", &payload)?;
        }
        let mut times = Vec::with_capacity(calls);
        for _ in 0..calls {
            let t = Instant::now();
            let out = instance.call("validate", &payload)?;
            times.push(t.elapsed());
            // Cheap guard that every timed call did the real work.
            if out.len() < 16 {
                return Err(format!(
                    "{label}: short answer {}",
                    String::from_utf8_lossy(&out)
                ));
            }
        }
        instance.take_calls();
        times.sort();
        let median = percentile(&times, 0.5);
        // The targets are for the three plain requests; the others are shown for context.
        if i < 3 {
            ok &= median < TARGET_MEDIAN;
        }
        println!(
            "  {:<34} {:>10} {:>10} {:>10}   accepted={}",
            label,
            us(median),
            us(percentile(&times, 0.99)),
            us(times[times.len() - 1]),
            expect["accepted"]
        );
    }
    println!(
        "targets: median < {} per call (Wukong, NAD, VM), module < {} bytes: {}",
        us(TARGET_MEDIAN),
        TARGET_SIZE,
        if ok { "met" } else { "NOT met" }
    );
    Ok(ok)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}
