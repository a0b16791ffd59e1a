//! Every committed input through its target's invariants, on the stable toolchain, as part of
//! `make test`: the seed corpora (fuzz/seeds/TARGET/, plus the fixture folders fuzz/seed-folders
//! names for TARGET, which are not copied there) and each input that once broke an invariant
//! (fuzz/regressions/TARGET/, named after what it broke).

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
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

/// The fixture files fuzz/seed-folders gives `target`: every *.yaml and *.json file of each
/// folder named for it (scripts/fuzz.sh reads the same file the same way).
fn fixture_seeds(root: &Path, target: &str) -> Vec<PathBuf> {
    let list = std::fs::read_to_string(root.join("seed-folders")).unwrap();
    let mut files = Vec::new();
    for line in list.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, folder) = line.split_once(char::is_whitespace).unwrap();
        if name != target {
            continue;
        }
        let dir = root.join("..").join(folder.trim());
        let found: Vec<PathBuf> = inputs(&dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        assert!(
            !found.is_empty(),
            "fuzz/seed-folders: {} has no seeds",
            dir.display()
        );
        files.extend(found);
    }
    files
}

#[test]
fn seeds_and_regressions_hold_every_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, run) in wukong_net_fuzz::TARGETS {
        let mut seeds = inputs(&root.join("seeds").join(target));
        seeds.extend(fixture_seeds(root, target));
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

/// A fixture copied into fuzz/seeds/ would be replayed twice and drift from its original.
#[test]
fn no_seed_is_a_copy_of_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (target, _) in wukong_net_fuzz::TARGETS {
        let fixtures: Vec<Vec<u8>> = fixture_seeds(root, target)
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        for seed in inputs(&root.join("seeds").join(target)) {
            let data = std::fs::read(&seed).unwrap();
            assert!(
                !fixtures.contains(&data),
                "{} is a copy of a fixture that fuzz/seed-folders already seeds {target} with",
                seed.display()
            );
        }
    }
}
