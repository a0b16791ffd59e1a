//! The checks a Wukong must pass before anything is rendered, one file per concern. Each check
//! reads the model and pushes unlocated diagnostics (path only); the caller locates them.

mod bridge;
pub mod cloud_init_user;
pub mod compute;
mod ip_config;
mod link;
mod names;
pub mod scheduling;
pub mod storage;

use crate::diagnostic::Diagnostic;
use crate::model::Wukong;

/// Every check, in the order their findings read best.
pub fn check_wukong(w: &Wukong) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    names::check(w, &mut out);
    ip_config::check(w, &mut out);
    bridge::check(w, &mut out);
    link::check(w, &mut out);
    compute::check(w, &mut out);
    storage::check(w, &mut out);
    cloud_init_user::check(w, &mut out);
    scheduling::check(w, &mut out);
    // What rendering will do with the rest of the spec (no boot disk, a plaintext password,
    // fields not rendered): reported by check too, so every shell says it before rendering.
    crate::render::notes(w, &mut out);
    out
}

pub(crate) fn net_path(i: usize) -> String {
    format!("spec.networks[{i}]")
}

/// A DNS-1123 label: what Kubernetes requires of network and many object names.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A DNS-1123 subdomain: what Kubernetes requires of most object names.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// The name part of a Kubernetes qualified name: 1-63 letters, digits, '-', '_' and '.',
/// starting and ending with a letter or digit (apimachinery's `qualifiedNameFmt`).
fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A Kubernetes qualified name, `[prefix/]name` with a DNS-1123 subdomain prefix: what label
/// keys, taint keys and extended resource names are (apimachinery's `IsQualifiedName`).
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_qualified_name_part(name),
        None => is_qualified_name_part(s),
    }
}

/// A label value: empty, or a qualified name's name part (apimachinery's `IsValidLabelValue`).
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_qualified_name_part(s)
}

/// A valid Linux interface name (the kernel's dev_valid_name, and no control characters).
pub fn is_interface_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 15
        && s != "."
        && s != ".."
        && !s
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace() || c.is_control())
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::diagnostic::{Code, Diagnostic};

    /// Runs the whole pipeline on a document and returns its located diagnostics.
    pub fn diagnose(yaml: &str) -> Vec<Diagnostic> {
        crate::check(yaml).diagnostics
    }

    /// Wraps network items (YAML list entries, indented by four) into a minimal Wukong.
    pub fn with_networks(items: &str) -> String {
        format!(
            "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm1\n  namespace: lab\n  uid: 0d8c4a5e-1111-2222-3333-444455556666\nspec:\n  cpu: 2\n  memory: 4Gi\n  networks:\n{items}"
        )
    }

    /// A minimal Wukong (no networks) whose spec also has `spec_lines` (indented by two).
    pub fn with_spec(spec_lines: &str) -> String {
        format!(
            "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm1\n  namespace: lab\n  uid: 0d8c4a5e-1111-2222-3333-444455556666\nspec:\n  cpu: 2\n{spec_lines}"
        )
    }

    /// The first Wukong `yaml` loads (checked or not); panics with the diagnostics if none does.
    pub fn first_wukong(yaml: &str) -> crate::model::Wukong {
        let report = crate::check(yaml);
        report
            .wukongs
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no Wukong: {:#?}", report.diagnostics))
    }

    /// Asserts exactly one diagnostic with `code`, at `path` and `line`.
    #[track_caller]
    pub fn expect(yaml: &str, code: Code, path: &str, line: u32) {
        let ds = diagnose(yaml);
        let hits: Vec<&Diagnostic> = ds.iter().filter(|d| d.code == code).collect();
        assert_eq!(hits.len(), 1, "want one {code} in {ds:#?}");
        assert_eq!(hits[0].path, path, "{ds:#?}");
        assert_eq!(hits[0].line, line, "{ds:#?}");
        assert!(hits[0].hint.is_some(), "{code} needs a hint");
    }

    /// Asserts that a document has no diagnostic with `code`.
    #[track_caller]
    pub fn clean_of(yaml: &str, code: Code) {
        let ds = diagnose(yaml);
        assert!(
            ds.iter().all(|d| d.code != code),
            "unexpected {code}: {ds:#?}"
        );
    }
}
