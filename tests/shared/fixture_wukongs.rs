//! Every document of the fixture folders that reads as a Wukong (by apiVersion/kind, or a bare
//! spec), named `file#index`: the inputs of the tests that hold the model's reader to serde's
//! own view (tests/unknown_fields.rs, tests/error_path.rs).

use serde_json::{json, Value};
use std::path::PathBuf;

pub fn fixture_wukongs() -> Vec<(String, Value)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for dir in ["fixtures", "crd_fixtures", "fixtures/manifests"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, doc) in wukong_net::source::parse(&text)
                .documents
                .into_iter()
                .enumerate()
            {
                let is_wukong = doc.value.get("kind") == Some(&json!("Wukong"))
                    || (doc.value.get("kind").is_none() && doc.value.get("spec").is_some());
                if is_wukong {
                    out.push((format!("{}#{i}", file.display()), doc.value));
                }
            }
        }
    }
    out
}
