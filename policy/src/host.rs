//! What Kubewarden's host answers to `kubernetes/get_resource`, read the way the host words it.
//!
//! The host never sends a status code to the guest: every failure arrives as text, wrapped by
//! the host and by the SDK. The wording below is quoted from Kubewarden's own source
//! (kubewarden-controller 3460bb71, `crates/policy-evaluator/src/`):
//!
//! - the object is missing (`callback_handler/kubernetes/client.rs:309`):
//!   `Cannot find {api_version}/{kind} named '{name}' inside of namespace '{namespace:?}'`,
//!   where `namespace` is an `Option<&str>`, so it reads `'Some("tenant-a")'`;
//! - the kind is unknown to the API server, e.g. the Multus CRD is not installed
//!   (`client.rs:71`): `Cannot find resource {api_version}/{kind}`: a different fault, not a
//!   missing object;
//! - everything else (403 from RBAC, the capability not granted by policy-server, no API server,
//!   a timeout) has other words.
//!
//! The host wraps its error as `Callback evaluation failure: {e:?}` (`runtimes/callback.rs:411`);
//! anyhow's `Debug` adds `Caused by:` chains and, when the host runs with `RUST_BACKTRACE=1`, a
//! whole backtrace. The SDK prefixes `error invoking host capability {operation}: Host error: `.
//! So only the words that name *this* object count as "not found", and only the host's first
//! line, bounded, ever reaches a user.

/// The longest host message quoted back to a user (in an admission warning or rejection).
pub const MAX_HOST_MESSAGE: usize = 240;

/// The two things a failed lookup can mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// The host looked and the object is not there.
    NotFound,
    /// The host could not answer; the text is short and fit for a user.
    Failed(String),
}

/// Reads the host's error for a lookup of `api_version`/`kind` `namespace/name`.
pub fn classify(
    error: &str,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> LookupError {
    let missing = format!(
        "Cannot find {api_version}/{kind} named '{name}' inside of namespace '{:?}'",
        Some(namespace)
    );
    if error.contains(&missing) {
        LookupError::NotFound
    } else {
        LookupError::Failed(summary(error))
    }
}

/// The host's own message: the wrappers taken off, first line only, at most
/// [`MAX_HOST_MESSAGE`] characters.
pub fn summary(error: &str) -> String {
    const WRAPPERS: [&str; 3] = [
        "Callback evaluation failure: ",
        "Host error: ",
        "error invoking host capability kubernetes.get_resource: ",
    ];
    let mut text = error.lines().next().unwrap_or("").trim();
    for wrapper in WRAPPERS {
        if let Some(i) = text.rfind(wrapper) {
            text = &text[i + wrapper.len()..];
            break;
        }
    }
    let text = text.trim();
    if text.chars().count() <= MAX_HOST_MESSAGE {
        return if text.is_empty() {
            "the host gave no reason".to_string()
        } else {
            text.to_string()
        };
    }
    let mut short: String = text.chars().take(MAX_HOST_MESSAGE - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "k8s.cni.cncf.io/v1";
    const KIND: &str = "NetworkAttachmentDefinition";
    const SDK: &str = "error invoking host capability kubernetes.get_resource: Host error: Callback evaluation failure: ";

    fn of(host: &str) -> LookupError {
        classify(&format!("{SDK}{host}"), API, KIND, "tenant-a", "ext-nad")
    }

    #[test]
    fn the_hosts_not_found_is_not_found() {
        // client.rs:309, as kwctl and policy-server send it.
        assert_eq!(
            of(
                r#"Cannot find k8s.cni.cncf.io/v1/NetworkAttachmentDefinition named 'ext-nad' inside of namespace 'Some("tenant-a")'"#
            ),
            LookupError::NotFound
        );
    }

    #[test]
    fn not_found_of_another_object_or_namespace_is_a_failure() {
        for host in [
            r#"Cannot find k8s.cni.cncf.io/v1/NetworkAttachmentDefinition named 'other' inside of namespace 'Some("tenant-a")'"#,
            r#"Cannot find k8s.cni.cncf.io/v1/NetworkAttachmentDefinition named 'ext-nad' inside of namespace 'Some("tenant-b")'"#,
        ] {
            assert!(matches!(of(host), LookupError::Failed(_)), "{host}");
        }
    }

    #[test]
    fn a_missing_crd_is_a_failure_not_a_missing_object() {
        // client.rs:71: the Multus CRD is not installed.
        assert_eq!(
            of("Cannot find resource k8s.cni.cncf.io/v1/NetworkAttachmentDefinition"),
            LookupError::Failed(
                "Cannot find resource k8s.cni.cncf.io/v1/NetworkAttachmentDefinition".into()
            )
        );
    }

    #[test]
    fn words_that_an_imitation_might_use_are_failures() {
        // What the old harness invented; the host never says it, and a 403's text holds "code".
        for host in [
            "NotFound",
            "not found",
            "code: 404",
            "ApiError: forbidden: Forbidden (Status { code: 403 })",
        ] {
            assert!(matches!(of(host), LookupError::Failed(_)), "{host}");
        }
    }

    #[test]
    fn the_summary_is_the_first_line_without_wrappers_and_bounded() {
        let backtrace = format!(
            "{SDK}Cannot find resource {API}/{KIND}\n\nStack backtrace:\n   0: anyhow::error::<impl anyhow::Error>::msg\n   1: policy_evaluator::callback_handler"
        );
        assert_eq!(
            summary(&backtrace),
            format!("Cannot find resource {API}/{KIND}")
        );
        let long = format!("{SDK}{}", "é".repeat(1000));
        let s = summary(&long);
        assert_eq!(s.chars().count(), MAX_HOST_MESSAGE);
        assert!(s.ends_with('…'));
        assert_eq!(summary(""), "the host gave no reason");
    }
}
