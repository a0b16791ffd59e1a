//! Every committed input through its target's invariants, on the stable toolchain, as part of
//! `make test`: the seed corpora (fuzz/seeds/TARGET/) and each input that once broke an
//! invariant (fuzz/regressions/TARGET/, named after what it broke).

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn seeds_and_regressions_hold_every_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, run) in wukong_net_fuzz::TARGETS {
        let seeds = inputs(&root.join("seeds").join(target));
        assert!(!seeds.is_empty(), "fuzz/seeds/{target} is empty");
        for file in seeds
            .iter()
            .chain(&inputs(&root.join("regressions").join(target)))
        {
            let data = std::fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} breaks an invariant (message above)",
                file.display()
            );
        }
    }
}
