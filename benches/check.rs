//! `cargo bench --bench check`: a thousand manifests as a CI job meets them, checked by the
//! core file by file and by the CLI over a directory of them (one stream on stdin is bounded by
//! the input limits, 100 documents and 1 MiB, so it cannot hold a thousand). The manifests are made from the test fixtures: the Wukongs of
//! tests/fixtures (renamed per copy), what they render (VirtualMachines, NADs, their bare
//! network-configs) and the network-configs of tests/network_config.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MANIFESTS: usize = 1000;

fn fixture_texts(dir: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// (file name, text) of `MANIFESTS` manifests, kinds interleaved.
fn manifests() -> Vec<(String, String)> {
    let wukongs: Vec<_> = fixture_texts("tests/fixtures")
        .iter()
        .flat_map(|t| wukong_net::check(t).wukongs)
        .collect();
    let configs = fixture_texts("tests/network_config");
    assert!(!wukongs.is_empty() && !configs.is_empty());
    let mut out = Vec::new();
    for copy in 0.. {
        for (i, w) in wukongs.iter().enumerate() {
            let mut w = w.clone();
            let name = format!("{}-{copy}", w.metadata.name.as_deref().unwrap_or("w"));
            w.metadata.name = Some(name.clone());
            let m = wukong_net::render::render_wukong(&w);
            out.push((
                format!("wukongs/{name}.yaml"),
                wukong_net::emit::to_yaml(&w),
            ));
            out.push((
                format!("vms/{name}.yaml"),
                wukong_net::emit::to_yaml(&m.virtual_machine),
            ));
            for nad in &m.network_attachment_definitions {
                out.push((
                    format!("nads/{}.yaml", nad.metadata.name),
                    wukong_net::emit::to_yaml(nad),
                ));
            }
            out.push((format!("network-configs/{name}.yaml"), m.network_data));
            let config = &configs[(copy * wukongs.len() + i) % configs.len()];
            out.push((
                format!("network-configs/lint-{copy}-{i}.yaml"),
                config.clone(),
            ));
            if out.len() >= MANIFESTS {
                out.truncate(MANIFESTS);
                return out;
            }
        }
    }
    out
}

/// Runs the CLI's `check` to completion; its exit status is 0 or 1 (never a usage error).
fn cli_check(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_wukong-net"))
        .arg("check")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "{status}");
}

fn thousand(c: &mut Criterion) {
    let manifests = manifests();
    let dir = std::env::temp_dir().join(format!("wukong-net-bench-check-{}", std::process::id()));
    for (name, text) in &manifests {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let dir_arg = dir.display().to_string();
    // The mix, by directory, printed with the figures.
    let mut kinds = std::collections::BTreeMap::new();
    for (name, _) in &manifests {
        *kinds
            .entry(name.split('/').next().unwrap_or(""))
            .or_insert(0) += 1;
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{} manifests: {kinds:?}", manifests.len());
    }

    let mut g = c.benchmark_group("check 1000 manifests");
    g.throughput(Throughput::Elements(MANIFESTS as u64));
    g.bench_function("core, file by file", |b| {
        b.iter(|| {
            for (_, text) in &manifests {
                black_box(wukong_net::check_bytes(black_box(text.as_bytes())));
            }
        })
    });
    g.sample_size(10);
    g.bench_function("CLI, a directory of 1000 files, human", |b| {
        b.iter(|| cli_check(&[&dir_arg]))
    });
    g.bench_function("CLI, a directory of 1000 files, sarif", |b| {
        b.iter(|| cli_check(&[&dir_arg, "--format", "sarif"]))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The worst inputs under `Limits::STREAM` (what `check` reads a file or stdin under): the most
/// bytes (16 MiB of one scalar), the most documents (10,000), the most nodes (1,000,000), each
/// through the core as the CLI calls it.
fn stream_limits(c: &mut Criterion) {
    use wukong_net::limits::Limits;
    let limits = Limits::STREAM;
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {pad: ";
    let bytes = format!(
        "{head}{}}}\n",
        "a".repeat(limits.input_bytes - head.len() - 2)
    );
    let documents =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n---\n".repeat(limits.documents);
    // A ConfigMap of 13 nodes (keys count) with its empty list: the zeros fill the rest.
    let nodes = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"cm\"}},\"data\":{{\"pad\":[{}]}}}}",
        vec!["0"; limits.nodes - 13].join(",")
    );
    let mut g = c.benchmark_group("check at the stream limits");
    g.sample_size(10);
    for (name, text) in [
        ("16 MiB", &bytes),
        ("10,000 documents", &documents),
        ("1,000,000 nodes", &nodes),
    ] {
        // Inside the limits: no error (a skipped kind is information).
        let report = &wukong_net::manifest::check_set_bytes(&[("-", text.as_bytes())], &limits)[0];
        assert!(
            !report.has_errors(),
            "{name}: {:?}",
            report.diagnostics.first()
        );
        g.bench_function(name, |b| {
            b.iter(|| {
                wukong_net::manifest::check_set_bytes(&[("-", black_box(text.as_bytes()))], &limits)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, thousand, stream_limits);
criterion_main!(benches);
