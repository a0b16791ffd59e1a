//! Fixes as data (issue 12): each candidate repair, and the invariants every offered fix keeps
//! on every fixture, network-config example and real manifest of the repository: it applies
//! without a YAML error, adds no error, removes the finding it is for, leaves the text
//! byte-identical outside its edit ranges, and its text edits and its JSON Patch make the same
//! object. Fixing twice changes nothing the second time.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use wukong_net::fix::{
    apply_edits, apply_patch, fix_object, fix_text, fixable, Fix, PatchOp, Safety,
};
use wukong_net::manifest::check;
use wukong_net::{Code, Diagnostic, Severity};

fn data(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn diags(text: &str) -> Vec<Diagnostic> {
    check(text).diagnostics
}

/// The fixes offered for the findings of `code`.
fn fixes(text: &str, code: Code) -> Vec<Fix> {
    diags(text)
        .into_iter()
        .filter(|d| d.code == code)
        .flat_map(|d| d.fixes)
        .collect()
}

fn errors_by_code(ds: &[Diagnostic]) -> HashMap<Code, usize> {
    let mut m = HashMap::new();
    for d in ds.iter().filter(|d| d.severity == Severity::Error) {
        *m.entry(d.code).or_insert(0) += 1;
    }
    m
}

/// Applies one fix of a `code` finding and asserts the invariants; the fixed text.
#[track_caller]
fn apply_checked(text: &str, code: Code, fix: &Fix) -> String {
    assert!(
        !fix.edits.is_empty(),
        "{code}: `{}` has no text edits",
        fix.title
    );
    let fixed = apply_edits(text, &fix.edits).expect("edits apply");
    // Byte-identical outside the edit ranges.
    let mut at_old = 0;
    let mut at_new = 0;
    for e in &fix.edits {
        let same = &text[at_old..e.start];
        assert_eq!(&fixed[at_new..at_new + same.len()], same);
        at_new += same.len() + e.replacement.len();
        at_old = e.end;
    }
    assert_eq!(&fixed[at_new..], &text[at_old..]);
    let before = diags(text);
    let after = diags(&fixed);
    assert!(
        !after.iter().any(|d| d.code == Code::YamlSyntax),
        "{code}: `{}` made a YAML error:\n{fixed}",
        fix.title
    );
    let (eb, ea) = (errors_by_code(&before), errors_by_code(&after));
    for (c, n) in &ea {
        assert!(
            eb.get(c).is_some_and(|m| n <= m),
            "{code}: `{}` added a {c} error:\n{fixed}",
            fix.title
        );
    }
    let count = |ds: &[Diagnostic]| ds.iter().filter(|d| d.code == code).count();
    assert!(
        count(&after) < count(&before),
        "{code}: `{}` left the finding:\n{fixed}",
        fix.title
    );
    // The text edits and the patch make the same object.
    let docs = |t: &str| wukong_net::source::parse(t).documents;
    let (old_docs, new_docs) = (docs(text), docs(&fixed));
    assert_eq!(old_docs.len(), new_docs.len());
    let mut expected = old_docs[fix.document].value.clone();
    apply_patch(&mut expected, &fix.patch).expect("the patch applies");
    assert_eq!(
        new_docs[fix.document].value, expected,
        "{code}: `{}`",
        fix.title
    );
    fixed
}

#[test]
fn mac_not_pinned_pins_the_mac_on_the_interface() {
    let text = data("tests/data/fixes/vm-mac-not-pinned.yaml");
    let f = fixes(&text, Code::MacNotPinned);
    assert_eq!(f.len(), 1);
    assert!(f[0].safe);
    assert_eq!(
        f[0].title,
        "pin macAddress \"02:5a:00:00:00:02\" on interface `external`"
    );
    assert_eq!(
        f[0].patch,
        vec![PatchOp::Add {
            path: "/spec/template/spec/domain/devices/interfaces/1/macAddress".into(),
            value: json!("02:5a:00:00:00:02"),
        }]
    );
    let fixed = apply_checked(&text, Code::MacNotPinned, &f[0]);
    assert!(fixed.contains(
        "          - name: external\n            bridge: {}\n            macAddress: \"02:5a:00:00:00:02\"\n"
    ));
}

#[test]
fn mac_not_pinned_with_two_candidates_offers_each_unsafe() {
    let text = data("tests/data/fixes/vm-mac-not-pinned.yaml").replace(
        "          - name: external\n            bridge: {}\n",
        "          - name: external\n            bridge: {}\n          - name: storage\n            bridge: {}\n",
    ).replace(
        "      - name: external\n        multus:\n          networkName: br-ext\n",
        "      - name: external\n        multus:\n          networkName: br-ext\n      - name: storage\n        multus:\n          networkName: br-storage\n",
    );
    let f = fixes(&text, Code::MacNotPinned);
    let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "pin macAddress \"02:5a:00:00:00:02\" on interface `external`",
            "pin macAddress \"02:5a:00:00:00:02\" on interface `storage`"
        ]
    );
    assert!(f.iter().all(|f| !f.safe));
    for fix in &f {
        apply_checked(&text, Code::MacNotPinned, fix);
    }
}

#[test]
fn missing_ipam_is_added_inside_the_config_keeping_its_style() {
    let text = data("tests/data/fixes/nad-missing-ipam.yaml");
    let f = fixes(&text, Code::MissingIpam);
    assert_eq!(f.len(), 2);
    // Block scalar: the JSON gains the key on its last line, the block stays a block.
    let fixed = apply_checked(&text, Code::MissingIpam, &f[0]);
    assert!(fixed.contains("      \"bridge\": \"br1\", \"ipam\": {}\n    }\n---"));
    assert_eq!(f[0].patch.len(), 1);
    let PatchOp::Replace { path, value } = &f[0].patch[0] else {
        panic!("{:?}", f[0].patch)
    };
    assert_eq!(path, "/spec/config");
    let config: Value = serde_json::from_str(value.as_str().unwrap()).unwrap();
    assert_eq!(config["ipam"], json!({}));
    // Folded single-quoted scalar: edited in place, still single-quoted.
    assert_eq!(f[1].document, 1);
    let fixed = apply_checked(&text, Code::MissingIpam, &f[1]);
    assert!(fixed.contains("        \"bridge\": \"br2\", \"ipam\": {}\n      },"));
}

#[test]
fn dhcp_ipam_becomes_empty_ipam_in_a_double_quoted_config() {
    let text = data("tests/data/fixes/nad-dhcp-ipam.yaml");
    let f = fixes(&text, Code::DhcpIpam);
    assert_eq!(f.len(), 1);
    assert!(f[0].safe);
    let fixed = apply_checked(&text, Code::DhcpIpam, &f[0]);
    assert!(
        fixed.contains(r#"\"bridge\": \"br1\", \"ipam\": {}}""#),
        "{fixed}"
    );
}

#[test]
fn default_routes_and_gateway4_become_what_cloud_init_renders() {
    let text = data("tests/data/fixes/netcfg-routes.yaml");
    let f = fixes(&text, Code::RouteToDefault);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].title, "write `to: 0.0.0.0/0`");
    let fixed = apply_checked(&text, Code::RouteToDefault, &f[0]);
    assert!(fixed.contains("      - to: \"0.0.0.0/0\"\n        via: 10.0.0.1\n"));
    // IPv6: gateway6, as the core recommends while cloud-init 22.4 renders ::/0 as ::/64.
    assert_eq!(
        f[1].title,
        "replace the route with `gateway6: \"2001:db8::1\"`"
    );
    let fixed = apply_checked(&text, Code::RouteToDefault, &f[1]);
    assert!(!fixed.contains("      - to: default\n        via: \"2001:db8::1\"\n"));
    assert!(
        fixed.contains("      gateway6: \"2001:db8::1\"\n    eth1:"),
        "{fixed}"
    );
    let f = fixes(&text, Code::GatewayDeprecated);
    assert_eq!(f.len(), 1);
    let fixed = apply_checked(&text, Code::GatewayDeprecated, &f[0]);
    assert!(
        fixed.contains("      addresses: [10.1.0.5/24]\n      nameserver:\n        addresses: [10.1.0.1]\n      routes: [{\"to\":\"0.0.0.0/0\",\"via\":\"10.1.0.1\"}]\n"),
        "{fixed}"
    );
}

#[test]
fn unquoted_mac_is_quoted() {
    let text = data("tests/data/fixes/netcfg-routes.yaml");
    let f = fixes(&text, Code::UnquotedMac);
    assert_eq!(f.len(), 1);
    assert!(f[0].safe);
    let fixed = apply_checked(&text, Code::UnquotedMac, &f[0]);
    assert!(fixed.contains("macaddress: \"52:54:00:12:34:56\"\n"));
}

#[test]
fn did_you_mean_renames_the_key_unsafe() {
    let text = data("tests/data/fixes/netcfg-routes.yaml");
    let f = fixes(&text, Code::UnknownKey);
    assert_eq!(f.len(), 1);
    assert!(!f[0].safe);
    assert_eq!(f[0].title, "rename `nameserver` to `nameservers`");
    let fixed = apply_checked(&text, Code::UnknownKey, &f[0]);
    assert!(fixed.contains("      nameservers:\n        addresses: [10.1.0.1]\n"));
    // A Wukong's unknown field.
    let wukong = data("tests/data/fixes/wukong-dhcp-with-address.yaml")
        .replace("    bridgeName: br-external", "    bridgName: br-external");
    let f = fixes(&wukong, Code::UnknownField);
    assert_eq!(f.len(), 1, "{:?}", diags(&wukong));
    assert_eq!(f[0].title, "rename `bridgName` to `bridgeName`");
    apply_checked(&wukong, Code::UnknownField, &f[0]);
}

#[test]
fn dhcp_with_address_offers_two_repairs_none_safe() {
    let text = data("tests/data/fixes/wukong-dhcp-with-address.yaml");
    let f = fixes(&text, Code::DhcpWithAddress);
    let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["remove `address`", "set `mode: static`"]);
    assert!(f.iter().all(|f| !f.safe));
    let removed = apply_checked(&text, Code::DhcpWithAddress, &f[0]);
    assert!(removed.ends_with("      mode: dhcp\n"));
    let static_ = apply_checked(&text, Code::DhcpWithAddress, &f[1]);
    assert!(static_.contains("      mode: \"static\"\n      address: 10.0.0.5/24\n"));
    // Safe fixes only: nothing applies.
    let out = fix_text(&text, false);
    assert_eq!(out.text, text);
    assert!(out.applied.is_empty());
    let out = fix_text(&text, true);
    assert_eq!(out.applied.len(), 1);
    assert_eq!(out.applied[0].title, "remove `address`");
}

#[test]
fn network_block_moves_from_user_data_to_network_data() {
    let text = data("tests/data/fixes/vm-network-in-user-data.yaml");
    let f = fixes(&text, Code::NetworkInUserData);
    assert_eq!(f.len(), 1);
    assert!(!f[0].safe);
    let fixed = apply_checked(&text, Code::NetworkInUserData, &f[0]);
    assert!(fixed.ends_with(
        "          userData: |\n            #cloud-config\n            # the network block below is ignored here\n            packages: [qemu-guest-agent]\n          networkData: |\n            version: 2\n            ethernets:\n              eth0:\n                dhcp4: true\n"
    ), "{fixed}");
    // With a networkData already there, nothing is offered (merging is the author's call).
    let with_nd = text.replace(
        "          userData: |\n",
        "          networkData: |\n            version: 2\n            ethernets: {eth0: {dhcp4: true}}\n          userData: |\n",
    );
    assert!(fixes(&with_nd, Code::NetworkInUserData).is_empty());
}

#[test]
fn dhcp_with_gateway_offers_static_only_with_an_address() {
    let text = data("tests/data/fixes/wukong-dhcp-with-address.yaml")
        .replace("      address: 10.0.0.5/24\n", "      gateway: 10.0.0.1\n");
    let f = fixes(&text, Code::DhcpWithGateway);
    let titles: Vec<&str> = f.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["remove `gateway`"]);
    assert!(apply_checked(&text, Code::DhcpWithGateway, &f[0]).ends_with("      mode: dhcp\n"));
    let both = data("tests/data/fixes/wukong-dhcp-with-address.yaml") + "      gateway: 10.0.0.1\n";
    let f = fixes(&both, Code::DhcpWithGateway);
    assert_eq!(f.len(), 2);
    assert_eq!(f[1].title, "set `mode: static`");
    apply_checked(&both, Code::DhcpWithGateway, &f[1]);
}

#[test]
fn an_ipv6_default_route_becomes_gateway6() {
    let text = "network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [\"2001:db8::5/64\"]\n      routes:\n      - to: \"::/0\"\n        via: \"2001:db8::1\"\n";
    let f = fixes(text, Code::Ipv6DefaultRoute);
    assert_eq!(f.len(), 1);
    assert!(f[0].safe);
    let fixed = apply_checked(text, Code::Ipv6DefaultRoute, &f[0]);
    assert_eq!(
        fixed,
        "network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [\"2001:db8::5/64\"]\n      gateway6: \"2001:db8::1\"\n"
    );
}

#[test]
fn byte_offsets_hold_on_utf8_text() {
    // Multi-byte characters before and inside the embedded document the fix edits.
    let text = data("tests/data/fixes/vm-mac-not-pinned.yaml")
        .replace("metadata:\n", "# café ☕ — les réseaux\nmetadata:\n")
        .replace(
            "            ethernets:\n",
            "            # NIC für das Ökonetz 🌐\n            ethernets:\n",
        )
        .replace("to: 0.0.0.0/0", "to: default");
    for code in [Code::MacNotPinned, Code::RouteToDefault] {
        let f = fixes(&text, code);
        assert_eq!(f.len(), 1, "{code}");
        let fixed = apply_checked(&text, code, &f[0]);
        assert!(fixed.contains("# NIC für das Ökonetz 🌐\n"));
    }
    let out = fix_text(&text, false);
    assert_eq!(out.applied.len(), 2);
    assert!(out.text.contains("# café ☕ — les réseaux\n"));
    assert!(out.text.contains("                - to: \"0.0.0.0/0\"\n"));
}

/// Every file of the repository's test data a fix is offered on.
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures",
        "tests/network_config",
        "tests/data/kubevirt-manifests",
        "tests/data/netplan-examples",
        "tests/data/fixes",
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

#[test]
fn every_offered_fix_keeps_the_invariants() {
    let mut offered = 0;
    let mut by_code: HashMap<Code, usize> = HashMap::new();
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for d in diags(&text) {
            for f in &d.fixes {
                if f.edits.is_empty() {
                    continue;
                }
                offered += 1;
                *by_code.entry(d.code).or_default() += 1;
                // The catalogue says the code has fixes, and of this safety.
                let (safety, _) = fixable(d.code)
                    .unwrap_or_else(|| panic!("{} has a fix but is not in fix::FIXABLE", d.code));
                match safety {
                    Safety::Safe => assert!(f.safe, "{}: {}", d.code, f.title),
                    Safety::Unsafe => assert!(!f.safe, "{}: {}", d.code, f.title),
                    Safety::Depends => {}
                }
                apply_checked(&text, d.code, f);
            }
        }
    }
    // The data exercises fixes of several rules (the corpus alone: missing-ipam).
    assert!(offered >= 15, "{offered}: {by_code:?}");
    assert!(by_code.len() >= 8, "{by_code:?}");
}

#[test]
fn fixing_leaves_nothing_fixable_and_a_second_run_changes_nothing() {
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for unsafe_fixes in [false, true] {
            let once = fix_text(&text, unsafe_fixes);
            let left: Vec<_> = once
                .remaining
                .iter()
                .filter(|d| d.fixes.iter().any(|f| f.safe && !f.edits.is_empty()))
                .map(|d| (d.code, d.path.clone()))
                .collect();
            assert!(left.is_empty(), "{}: {left:?}", path.display());
            let twice = fix_text(&once.text, unsafe_fixes);
            if !unsafe_fixes {
                assert_eq!(twice.text, once.text, "{}", path.display());
                assert!(twice.applied.is_empty());
            }
            assert_eq!(diags(&once.text), once.remaining);
        }
    }
}

#[test]
fn objects_are_fixed_by_their_patches() {
    let vm: Value = wukong_net::source::parse(&data("tests/data/fixes/vm-mac-not-pinned.yaml"))
        .documents[0]
        .value
        .clone();
    let out = fix_object(&vm, false);
    let fixed = out.fixed.expect("repaired");
    assert_eq!(
        fixed["spec"]["template"]["spec"]["domain"]["devices"]["interfaces"][1]["macAddress"],
        json!("02:5a:00:00:00:02")
    );
    assert_eq!(out.applied.len(), 1);
    assert!(!out.remaining.iter().any(|d| d.code == Code::MacNotPinned));
    // A fixed point: fixing the fixed object changes nothing.
    assert_eq!(fix_object(&fixed, false).fixed, None);

    let nad: Value = wukong_net::source::parse(&data("tests/data/fixes/nad-dhcp-ipam.yaml"))
        .documents[0]
        .value
        .clone();
    let out = fix_object(&nad, false);
    let fixed = out.fixed.expect("repaired");
    let config: Value = serde_json::from_str(fixed["spec"]["config"].as_str().unwrap()).unwrap();
    assert_eq!(config["ipam"], json!({}));
    assert_eq!(config["bridge"], json!("br1"));
    // Nothing to repair: no object.
    let clean = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}});
    assert_eq!(fix_object(&clean, true).fixed, None);
}

#[test]
fn fixes_serialize_only_when_present() {
    let text = data("tests/data/fixes/nad-dhcp-ipam.yaml");
    let v = serde_json::to_value(diags(&text)).unwrap();
    let fix = &v[0]["fixes"][0];
    assert_eq!(
        fix["title"],
        json!("replace the dhcp IPAM with \"ipam\": {}")
    );
    assert_eq!(fix["safe"], json!(true));
    assert_eq!(fix["patch"][0]["op"], json!("replace"));
    assert_eq!(fix["patch"][0]["path"], json!("/spec/config"));
    assert!(fix["edits"][0]["start"].is_u64());
    let clean = serde_json::to_value(diags("apiVersion: v1\nkind: ConfigMap\n")).unwrap();
    assert!(clean[0].get("fixes").is_none());
}

mod generated {
    //! Fuzzing the fixes: generated network-configs full of fixable findings (unquoted MACs,
    //! `to: default` of both families, gateway4, a misspelt key), in block and flow style, bare
    //! or embedded in a VM's networkData as a literal block or a double-quoted string. Every
    //! fix offered must keep the invariants, and fixing must reach a fixed point.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Dev {
        mac: Option<bool>,
        v4: bool,
        v6: bool,
        flow_addresses: bool,
        gateway4: bool,
        /// (`to: default` rather than the prefix form, IPv6)
        routes: Vec<(bool, bool)>,
        flow_routes: bool,
        misspelt: bool,
    }

    fn dev() -> impl Strategy<Value = Dev> {
        (
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec((any::<bool>(), any::<bool>()), 0..3),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(mac, v4, v6, flow_addresses, gateway4, routes, flow_routes, misspelt)| Dev {
                    mac,
                    v4,
                    v6,
                    flow_addresses,
                    gateway4,
                    routes,
                    flow_routes,
                    misspelt,
                },
            )
    }

    /// The devices as `ethernets:` entries indented by `b` spaces.
    fn devices(devs: &[Dev], b: usize) -> String {
        let p = " ".repeat(b);
        let mut out = String::new();
        for (i, d) in devs.iter().enumerate() {
            out.push_str(&format!("{p}eth{i}:\n"));
            if let Some(quoted) = d.mac {
                let mac = format!("52:54:00:00:00:1{i}");
                let mac = if quoted { format!("\"{mac}\"") } else { mac };
                out.push_str(&format!("{p}  match:\n{p}    macaddress: {mac}\n"));
            }
            let mut addrs = Vec::new();
            if d.v4 {
                addrs.push(format!("10.{i}.0.5/24"));
            }
            if d.v6 {
                addrs.push(format!("\"2001:db8:{i}::5/64\""));
            }
            if addrs.is_empty() {
                out.push_str(&format!("{p}  dhcp4: true\n"));
            } else if d.flow_addresses {
                out.push_str(&format!("{p}  addresses: [{}]\n", addrs.join(", ")));
            } else {
                out.push_str(&format!("{p}  addresses:\n"));
                for a in &addrs {
                    out.push_str(&format!("{p}  - {a}\n"));
                }
            }
            if d.gateway4 {
                out.push_str(&format!("{p}  gateway4: 10.{i}.0.1\n"));
            }
            if !d.routes.is_empty() {
                let route = |(default, v6): &(bool, bool)| {
                    let to = match (default, v6) {
                        (true, _) => "default",
                        (false, false) => "0.0.0.0/0",
                        (false, true) => "\"::/0\"",
                    };
                    let via = if *v6 {
                        format!("\"2001:db8:{i}::1\"")
                    } else {
                        format!("10.{i}.0.1")
                    };
                    (to, via)
                };
                if d.flow_routes {
                    let items: Vec<String> = d
                        .routes
                        .iter()
                        .map(|r| {
                            let (to, via) = route(r);
                            format!("{{to: {to}, via: {via}}}")
                        })
                        .collect();
                    out.push_str(&format!("{p}  routes: [{}]\n", items.join(", ")));
                } else {
                    out.push_str(&format!("{p}  routes:\n"));
                    for r in &d.routes {
                        let (to, via) = route(r);
                        out.push_str(&format!("{p}  - to: {to}\n{p}    via: {via}\n"));
                    }
                }
            }
            if d.misspelt {
                out.push_str(&format!(
                    "{p}  nameserver:\n{p}    addresses: [10.{i}.0.1]\n"
                ));
            }
        }
        out
    }

    fn document(devs: &[Dev], wrapping: u8) -> String {
        let bare = format!("version: 2\nethernets:\n{}", devices(devs, 2));
        let vm = |network_data: String| {
            format!(
                "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: vm1\n  namespace: lab\nspec:\n  runStrategy: Always\n  template:\n    spec:\n      domain:\n        devices:\n          interfaces:\n          - name: default\n            masquerade: {{}}\n        resources:\n          requests:\n            memory: 1Gi\n      networks:\n      - name: default\n        pod: {{}}\n      volumes:\n      - name: cloudinitdisk\n        cloudInitNoCloud:\n          networkData: {network_data}\n"
            )
        };
        match wrapping % 4 {
            0 => format!("network:\n  version: 2\n  ethernets:\n{}", devices(devs, 4)),
            1 => bare,
            2 => {
                let indented: String = bare.lines().map(|l| format!("            {l}\n")).collect();
                vm(format!("|\n{}", indented.trim_end_matches('\n')))
            }
            _ => vm(serde_json::to_string(&bare).unwrap()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn every_fix_of_generated_configs_keeps_the_invariants(
            devs in proptest::collection::vec(dev(), 1..4),
            wrapping in 0u8..4,
        ) {
            let text = document(&devs, wrapping);
            let mut offered: Vec<Code> = Vec::new();
            for d in diags(&text) {
                for f in d.fixes.iter().filter(|f| !f.edits.is_empty()) {
                    apply_checked(&text, d.code, f);
                    offered.push(d.code);
                }
            }
            // What the generator planted is offered a fix with edits, in every wrapping.
            if devs.iter().any(|d| d.mac == Some(false)) {
                prop_assert!(offered.contains(&Code::UnquotedMac), "{}", text);
            }
            if devs.iter().any(|d| d.routes.contains(&(true, false))) {
                prop_assert!(offered.contains(&Code::RouteToDefault), "{}", text);
            }
            if devs.iter().any(|d| d.misspelt) {
                prop_assert!(offered.contains(&Code::UnknownKey), "{}", text);
            }
            let once = fix_text(&text, true);
            let left: Vec<_> = once
                .remaining
                .iter()
                .filter(|d| d.fixes.iter().any(|f| f.safe && !f.edits.is_empty()))
                .map(|d| d.code)
                .collect();
            prop_assert!(left.is_empty(), "{:?}\n{}", left, once.text);
            prop_assert_eq!(fix_text(&once.text, false).text, once.text.clone());
        }
    }
}

#[test]
fn admission_findings_resolve_into_patches_on_the_object() {
    // What the policy has: the object and the rules' findings, no text.
    let nad: Value = wukong_net::source::parse(&data("tests/data/fixes/nad-dhcp-ipam.yaml"))
        .documents[0]
        .value
        .clone();
    let mut out = Vec::new();
    let settings = wukong_net::admission::Settings::default();
    wukong_net::admission::cni::check_nad(&nad, &settings, &mut out);
    wukong_net::manifest::resolve_object_fixes(&nad, &mut out);
    let d = out.iter().find(|d| d.code == Code::DhcpIpam).unwrap();
    assert_eq!(d.fixes.len(), 1);
    assert!(d.fixes[0].edits.is_empty(), "no text, no edits");
    let mut fixed = nad.clone();
    apply_patch(&mut fixed, &d.fixes[0].patch).unwrap();
    let config: Value = serde_json::from_str(fixed["spec"]["config"].as_str().unwrap()).unwrap();
    assert_eq!(config["ipam"], json!({}));
    let mut again = Vec::new();
    wukong_net::admission::cni::check_nad(&fixed, &settings, &mut again);
    assert!(!again.iter().any(|d| d.code == Code::DhcpIpam));
}
