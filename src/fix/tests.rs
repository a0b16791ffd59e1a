use super::*;
use crate::diagnostic::Code;

const NAD: &str = r#"apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: br1
spec:
  config: |
    {
      "cniVersion": "0.3.1",
      "type": "bridge",
      "bridge": "br1"
    }
"#;

fn fixes_of(text: &str, code: Code) -> Vec<Fix> {
    crate::manifest::check(text)
        .diagnostics
        .into_iter()
        .filter(|d| d.code == code)
        .flat_map(|d| d.fixes)
        .collect()
}

#[test]
fn missing_ipam_in_a_block_scalar_is_added_in_place() {
    let fixes = fixes_of(NAD, Code::MissingIpam);
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    let f = &fixes[0];
    assert!(f.safe);
    let fixed = apply_edits(NAD, &f.edits).unwrap();
    assert_eq!(
        fixed,
        NAD.replace("\"br1\"\n    }", "\"br1\", \"ipam\": {}\n    }")
    );
}
