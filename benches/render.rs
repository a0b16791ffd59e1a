//! `cargo bench`: parse + check + render per spec (the seed's 2-network example, and specs
//! with 1, 8 and 64 networks, to show linear growth), the cost of refusing hostile input, and
//! the admission decision on the worst shapes within the limits (cost against size).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::{json, Value};
use std::hint::black_box;
use wukong_net::admission::{self, AdmissionRequest, NoLookup, Settings};
use wukong_net::limits::{MAX_DEPTH, MAX_INPUT_BYTES, MAX_MATCH_NAME_CHARS, MAX_NETWORKS};

/// A Wukong with `n` networks: the pod network, then alternating DHCP and static bridges.
fn spec(n: usize) -> String {
    let mut s = String::from(
        "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: bench\n  namespace: lab\n  uid: 00000000-0000-4000-8000-000000000000\nspec:\n  cpu: 2\n  memory: 4Gi\n  networks:\n  - name: default\n",
    );
    for i in 1..n {
        s.push_str(&format!("  - name: net{i}\n    type: bridge\n    bridgeName: br{i}\n    physicalInterface: ens{i}\n"));
        if i % 2 == 1 {
            s.push_str("    ipConfig:\n      mode: dhcp\n");
        } else {
            s.push_str(&format!(
                "    vlanId: {}\n    ipConfig:\n      mode: static\n      address: 10.{}.{}.10/24\n      gateway: 10.{}.{}.1\n      dnsServers: [10.0.0.53]\n",
                100 + i,
                i / 256,
                i % 256,
                i / 256,
                i % 256
            ));
        }
    }
    s
}

fn pipeline(c: &mut Criterion) {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed-dhcp.yaml"
    ))
    .unwrap_or_default();
    assert!(!wukong_net::render(&seed).has_errors());
    c.bench_function("seed dhcp example (2 networks)", |b| {
        b.iter(|| wukong_net::render(black_box(&seed)))
    });
    // Where the time goes, phase by phase.
    let mut g = c.benchmark_group("seed phases");
    g.bench_function("parse", |b| {
        b.iter(|| wukong_net::source::parse(black_box(&seed)))
    });
    g.bench_function("parse + load + check", |b| {
        b.iter(|| wukong_net::check(black_box(&seed)))
    });
    let w = wukong_net::check(&seed).wukongs.remove(0);
    g.bench_function("render (generators only)", |b| {
        b.iter(|| wukong_net::render::render_wukong(black_box(&w)))
    });
    g.finish();

    let mut g = c.benchmark_group("networks per spec");
    for n in [1usize, 8, 64] {
        let text = spec(n);
        let r = wukong_net::render(&text);
        assert!(!r.has_errors(), "{:#?}", r.diagnostics);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| wukong_net::render(black_box(t)))
        });
    }
    g.finish();
}

fn hostile(c: &mut Criterion) {
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    let big = "# padding\n".repeat(1_000_000);
    g.bench_function("10 MB input", |b| {
        b.iter(|| wukong_net::check(black_box(&big)))
    });
    // About 80,000 list items: the largest input accepted, fully parsed.
    let near_limit = "- abcdefghij\n".repeat(wukong_net::limits::MAX_INPUT_BYTES / 13 - 1);
    assert!(wukong_net::source::parse(&near_limit)
        .diagnostics
        .is_empty());
    g.bench_function("1 MiB of YAML", |b| {
        b.iter(|| wukong_net::check(black_box(&near_limit)))
    });
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names: Vec<char> = ('a'..='i').collect();
    for w in names.windows(2) {
        let (p, q) = (w[0], w[1]);
        bomb.push_str(&format!(
            "{q}: &{q} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    g.bench_function("alias bomb", |b| {
        b.iter(|| wukong_net::check(black_box(&bomb)))
    });
    let deep = "[".repeat(100_000);
    g.bench_function("100k nesting", |b| {
        b.iter(|| wukong_net::check(black_box(&deep)))
    });
    g.finish();
}

/// A VM with `nics` bridge interfaces (no pinned MACs, so every networkData entry is matched
/// by name) and this networkData.
fn vm(nics: usize, network_data: &str) -> Value {
    let interfaces: Vec<Value> = (0..nics)
        .map(|i| json!({"name": format!("n{i}"), "bridge": {}}))
        .collect();
    let networks: Vec<Value> = (0..nics)
        .map(|i| json!({"name": format!("n{i}"), "multus": {"networkName": format!("nad{i}")}}))
        .collect();
    json!({
        "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
        "metadata": {"name": "bench", "namespace": "lab"},
        "spec": {"template": {"spec": {
            "domain": {"devices": {"interfaces": interfaces}},
            "networks": networks,
            "volumes": [{"name": "cloudinitdisk", "cloudInitNoCloud": {"networkData": network_data}}],
        }}},
    })
}

/// One ethernets entry matched by `glob`.
fn entry(i: usize, glob: &str) -> String {
    format!("    e{i}:\n      match: {{name: \"{glob}\"}}\n      dhcp4: true\n")
}

/// networkData with `entries` ethernets, each matched by `glob`.
fn globbed(entries: usize, glob: &str) -> String {
    let mut s = String::from("network:\n  version: 2\n  ethernets:\n");
    for i in 0..entries {
        s.push_str(&entry(i, glob));
    }
    s
}

/// networkData with as many entries matched by `glob` as fit in `bytes`.
fn globbed_up_to(bytes: usize, glob: &str) -> String {
    let mut s = globbed(0, glob);
    for i in 0.. {
        let next = entry(i, glob);
        if s.len() + next.len() > bytes {
            break;
        }
        s.push_str(&next);
    }
    s
}

/// The worst glob of `len` characters for a guest name: `*a*a...*b`, which matches nothing
/// and makes every star retry.
fn worst_glob(len: usize) -> String {
    let mut g = "*a".repeat(len / 2);
    g.truncate(len.saturating_sub(1));
    g.push('b');
    g
}

fn worst_shapes(c: &mut Criterion) {
    let admit = |object: &Value| {
        admission::validate(
            &AdmissionRequest::create(object.clone()),
            &Settings::default(),
            &mut NoLookup,
        )
    };
    let mut g = c.benchmark_group("worst shapes");
    g.sample_size(10);
    // Longest globs: one NIC, one entry, the glob growing to the limit.
    for len in [16, 64, MAX_MATCH_NAME_CHARS] {
        let object = vm(1, &globbed(1, &worst_glob(len)));
        assert!(admit(&object).accepted);
        g.throughput(Throughput::Elements(len as u64));
        g.bench_with_input(BenchmarkId::new("glob length", len), &object, |b, o| {
            b.iter(|| admit(black_box(o)))
        });
    }
    // Most interfaces and networks: every NIC against every entry's longest glob.
    for nics in [1, 8, MAX_NETWORKS] {
        let object = vm(nics, &globbed(nics, &worst_glob(MAX_MATCH_NAME_CHARS)));
        g.throughput(Throughput::Elements(nics as u64));
        g.bench_with_input(
            BenchmarkId::new("interfaces x entries", nics),
            &object,
            |b, o| b.iter(|| admit(black_box(o))),
        );
    }
    // Largest networkData: as many entries with the longest glob as fit in the input limit.
    // The object's JSON is what the limit measures (newlines and quotes escaped): shrink the
    // largest until it fits.
    for mut bytes in [MAX_INPUT_BYTES / 64, MAX_INPUT_BYTES / 8, MAX_INPUT_BYTES] {
        let (text, object) = loop {
            let text = globbed_up_to(bytes, &worst_glob(MAX_MATCH_NAME_CHARS));
            let object = vm(4, &text);
            if object.to_string().len() <= MAX_INPUT_BYTES {
                break (text, object);
            }
            bytes -= 4096;
        };
        let refused = admit(&object).diagnostics.iter().any(|d| {
            matches!(
                d.code,
                wukong_net::Code::InputTooLarge | wukong_net::Code::MatchNameTooLong
            )
        });
        assert!(!refused, "{} bytes: refused by a limit", text.len());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("networkData bytes", text.len()),
            &object,
            |b, o| b.iter(|| admit(black_box(o))),
        );
    }
    // Deepest nesting: networkData whose one entry holds lists nested to the depth limit.
    for depth in [8, MAX_DEPTH / 2, MAX_DEPTH - 8] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!("network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n      x: {nested}\n");
        let object = vm(1, &text);
        g.throughput(Throughput::Elements(depth as u64));
        g.bench_with_input(BenchmarkId::new("nesting depth", depth), &object, |b, o| {
            b.iter(|| admit(black_box(o)))
        });
    }
    g.finish();
}

criterion_group!(benches, pipeline, hostile, worst_shapes);
criterion_main!(benches);
