//! Names: the Wukong's, the names derived from it, and the networks'.

use super::{is_dns1123_label, is_dns1123_subdomain, net_path};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_NETWORKS;
use crate::model::Wukong;
use crate::names;
use std::collections::HashMap;

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    match w.metadata.name.as_deref() {
        None | Some("") => out.push(
            Diagnostic::new(Code::InvalidResourceName, "metadata.name", "the Wukong has no metadata.name")
                .with_hint("add `metadata: {name: my-vm}`: every generated object is named after it"),
        ),
        Some(n) if !is_dns1123_subdomain(n) => out.push(
            Diagnostic::new(
                Code::InvalidResourceName,
                "metadata.name",
                format!("`{}` is not a valid Kubernetes name", n.escape_debug()),
            )
            .with_hint("use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"),
        ),
        Some(n) => {
            for (i, net) in w.spec.networks.iter().enumerate() {
                if net.makes_nad() && is_dns1123_label(&net.name) {
                    let nad = names::nad(n, &net.name);
                    if nad.len() > 253 {
                        out.push(
                            Diagnostic::new(
                                Code::DerivedNameTooLong,
                                format!("{}.name", net_path(i)),
                                format!("the NAD name `{nad}` is longer than 253 characters"),
                            )
                            .with_hint("shorten the Wukong or the network name"),
                        );
                    }
                }
            }
        }
    }
    if let Some(ns) = w.metadata.namespace.as_deref() {
        if !is_dns1123_label(ns) {
            out.push(
                Diagnostic::new(
                    Code::InvalidResourceName,
                    "metadata.namespace",
                    format!("`{}` is not a valid namespace name", ns.escape_debug()),
                )
                .with_hint("a namespace is a DNS-1123 label: lowercase letters, digits and '-', at most 63"),
            );
        }
    }
    if w.metadata.uid.as_deref().is_none_or(str::is_empty) {
        out.push(
            Diagnostic::new(
                Code::NoOwnerUid,
                "metadata",
                "no metadata.uid: the NADs and the VM are rendered without an ownerReference",
            )
            .with_hint("render from the live object (`kubectl get wukong NAME -o yaml`) to get ownerReferences, so deleting the Wukong deletes its NADs"),
        );
    }

    ssh_key_secret(w, out);

    let networks = &w.spec.networks;
    if networks.len() > MAX_NETWORKS {
        out.push(
            Diagnostic::new(
                Code::TooManyNetworks,
                net_path(MAX_NETWORKS),
                format!("{} networks; the limit is {MAX_NETWORKS}", networks.len()),
            )
            .with_hint("a VM this wide is better split; the limit keeps every entry point fast"),
        );
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, net) in networks.iter().enumerate() {
        let path = format!("{}.name", net_path(i));
        if !is_dns1123_label(&net.name) {
            out.push(
                Diagnostic::new(
                    Code::InvalidNetworkName,
                    path.clone(),
                    format!("network name `{}` is not a DNS-1123 label", net.name.escape_debug()),
                )
                .with_hint("use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. `external`"),
            );
        }
        if let Some(first) = seen.insert(&net.name, i) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateNetworkName,
                    path,
                    format!(
                        "network `{}` is already defined at spec.networks[{first}]",
                        net.name.escape_debug()
                    ),
                )
                .with_hint(
                    "give each network its own name; it names the KubeVirt interface and the NAD",
                ),
            );
        }
    }

    let primaries: Vec<usize> = (0..networks.len())
        .filter(|&i| networks[i].is_primary())
        .collect();
    if let Some((&p, others)) = primaries.split_first() {
        for &i in others {
            out.push(
                Diagnostic::new(
                    Code::MultiplePrimary,
                    format!("{}.primary", net_path(i)),
                    format!(
                        "network `{}` is marked primary, but spec.networks[{p}] already is",
                        networks[i].name
                    ),
                )
                .with_hint("mark only one network `primary: true`"),
            );
        }
        if networks.iter().any(|n| n.is_pod_network()) {
            out.push(
                Diagnostic::new(
                    Code::PrimaryWithPodNetwork,
                    format!("{}.primary", net_path(p)),
                    format!("network `{}` is primary, but the pod network `default` is also listed", networks[p].name),
                )
                .with_hint("a primary Multus network replaces the pod network: remove the `default` network or `primary: true`"),
            );
        }
    }
}

/// `sshKeySecret` names the Secret the VM's accessCredentials read: a Secret name is a DNS-1123
/// subdomain. Empty means none, as in the original operator.
fn ssh_key_secret(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let Some(name) = w.spec.ssh_key_secret.as_deref().filter(|s| !s.is_empty()) else {
        return;
    };
    if !is_dns1123_subdomain(name) {
        out.push(
            Diagnostic::new(
                Code::InvalidSecretName,
                "spec.sshKeySecret",
                format!("`{}` is not a valid Secret name", name.escape_debug()),
            )
            .with_hint("name the Secret as `kubectl get secrets` shows it: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. `my-ssh-keys`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    const DHCP: &str = "    ipConfig: {mode: dhcp}\n    physicalInterface: ens192\n";

    #[test]
    fn network_name_must_be_a_label() {
        let y = with_networks(&format!("  - name: External_Net\n{DHCP}"));
        expect(&y, Code::InvalidNetworkName, "spec.networks[0].name", 11);
        clean_of(
            &with_networks(&format!("  - name: external\n{DHCP}")),
            Code::InvalidNetworkName,
        );
    }

    #[test]
    fn names_carrying_newlines_or_yaml_are_refused() {
        let y = with_networks(&format!("  - name: \"ext\\nbridge: evil\"\n{DHCP}"));
        expect(&y, Code::InvalidNetworkName, "spec.networks[0].name", 11);
    }

    #[test]
    fn duplicate_network_names() {
        let y = with_networks(&format!("  - name: ext\n{DHCP}  - name: ext\n{DHCP}"));
        expect(&y, Code::DuplicateNetworkName, "spec.networks[1].name", 14);
    }

    #[test]
    fn one_primary_only() {
        let y = with_networks(&format!(
            "  - name: a\n    primary: true\n{DHCP}  - name: b\n    primary: true\n{DHCP}"
        ));
        expect(&y, Code::MultiplePrimary, "spec.networks[1].primary", 16);
    }

    #[test]
    fn primary_excludes_pod_network() {
        let y = with_networks(&format!(
            "  - name: default\n  - name: a\n    primary: true\n{DHCP}"
        ));
        expect(
            &y,
            Code::PrimaryWithPodNetwork,
            "spec.networks[1].primary",
            13,
        );
        clean_of(
            &with_networks(&format!("  - name: a\n    primary: true\n{DHCP}")),
            Code::PrimaryWithPodNetwork,
        );
    }

    #[test]
    fn metadata_name_required_and_valid() {
        let y = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: Bad_Name\nspec:\n  networks: []\n";
        expect(y, Code::InvalidResourceName, "metadata.name", 4);
        let y = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nspec:\n  networks: []\n";
        expect(y, Code::InvalidResourceName, "metadata.name", 1);
    }

    #[test]
    fn namespace_must_be_a_label() {
        let y = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm\n  namespace: a.b\nspec: {}\n";
        expect(y, Code::InvalidResourceName, "metadata.namespace", 5);
    }

    #[test]
    fn derived_nad_name_length() {
        let long = vec!["a".repeat(60); 4].join(".");
        let y = format!("apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: {long}\nspec:\n  networks:\n  - name: {}\n{DHCP}", "n".repeat(30));
        expect(&y, Code::DerivedNameTooLong, "spec.networks[0].name", 7);
    }

    #[test]
    fn missing_uid_is_info() {
        let y = "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm\nspec: {}\n";
        expect(y, Code::NoOwnerUid, "metadata", 4);
        clean_of(
            &with_networks(&format!("  - name: a\n{DHCP}")),
            Code::NoOwnerUid,
        );
    }

    #[test]
    fn ssh_key_secret_must_be_a_secret_name() {
        for bad in ["My_Keys", "keys!", "-keys", "a..b"] {
            let y = with_spec(&format!("  sshKeySecret: \"{bad}\"\n"));
            expect(&y, Code::InvalidSecretName, "spec.sshKeySecret", 9);
        }
        for good in ["demo-ssh-keys", "keys.v1", "\"\""] {
            clean_of(
                &with_spec(&format!("  sshKeySecret: {good}\n")),
                Code::InvalidSecretName,
            );
        }
        let long = "a".repeat(254);
        expect(
            &with_spec(&format!("  sshKeySecret: {long}\n")),
            Code::InvalidSecretName,
            "spec.sshKeySecret",
            9,
        );
    }

    #[test]
    fn network_count_limit_just_inside_and_outside() {
        let item = |i: usize| {
            format!("  - name: n{i}\n    nadName: shared\n    ipConfig: {{mode: dhcp}}\n")
        };
        let inside: String = (0..crate::limits::MAX_NETWORKS).map(item).collect();
        clean_of(&with_networks(&inside), Code::TooManyNetworks);
        let outside: String = (0..=crate::limits::MAX_NETWORKS).map(item).collect();
        let ds = diagnose(&with_networks(&outside));
        assert!(ds
            .iter()
            .any(|d| d.code == Code::TooManyNetworks && d.path == "spec.networks[64]"));
    }
}
