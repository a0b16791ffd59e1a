//! Unit tests of the linter: each rule on a small document, with its path, line and hint. The
//! corpus in tests/network_config/ and the differential test against netplan and cloud-init
//! (tests/network_config.rs) cover the same rules on whole files.

use super::*;
use crate::diagnostic::Severity;

fn lint(text: &str) -> Vec<Diagnostic> {
    parse(text).diagnostics
}

fn codes(text: &str) -> Vec<Code> {
    lint(text).into_iter().map(|d| d.code).collect()
}

/// The one diagnostic with this code.
fn one(text: &str, code: Code) -> Diagnostic {
    let ds: Vec<Diagnostic> = lint(text).into_iter().filter(|d| d.code == code).collect();
    assert_eq!(ds.len(), 1, "{code}: {ds:#?}");
    ds.into_iter().next().unwrap()
}

fn hint(d: &Diagnostic) -> &str {
    d.hint.as_deref().unwrap_or("")
}

const WRAPPED: &str = "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n";

#[test]
fn tells_network_configs_from_kubernetes_objects() {
    let doc = |t: &str| crate::source::parse(t).documents.remove(0).value;
    assert!(is_network_config(&doc(WRAPPED)));
    assert!(is_network_config(&doc("version: 2\nethernets: {}\n")));
    assert!(
        is_network_config(&doc("network: {ethernets: {}}\n")),
        "a missing version is reported, not skipped"
    );
    assert!(!is_network_config(&doc(
        "apiVersion: v1\nkind: ConfigMap\ndata: {version: '2'}\n"
    )));
    assert!(!is_network_config(&doc("spec:\n  networks: []\n")));
    assert!(!is_network_config(&doc("network: 5\n")));
    assert!(!is_network_config(&doc("- version: 2\n")));
}

#[test]
fn check_lints_a_bare_network_config_instead_of_skipping_it() {
    let report = crate::check("version: 2\nethernets:\n  eth0:\n    dhcp4: true\n    nameserver: {addresses: [10.0.0.1]}\n");
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code != Code::NotAWukong),
        "{:#?}",
        report.diagnostics
    );
    let d = &report.diagnostics[0];
    assert_eq!(
        (d.code, d.path.as_str(), d.line),
        (Code::UnknownKey, "ethernets.eth0.nameserver", 5)
    );
    assert_eq!(hint(d), "did you mean `nameservers`?");
    assert!(report.has_errors());
    // In a stream, the network-config is linted and the Wukong beside it still checked.
    let stream = format!("{WRAPPED}---\napiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {{name: a, namespace: b}}\nspec: {{networks: []}}\n");
    let report = crate::check(&stream);
    assert_eq!(report.wukongs.len(), 1);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.code != Code::NotAWukong),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn reads_devices_of_every_section() {
    let p = parse("network:\n  version: 2\n  ethernets:\n    eth0: {match: {macaddress: \"02:00:00:00:00:01\"}, set-name: lan0, dhcp4: yes}\n    eth1: {}\n  bonds:\n    bond0: {interfaces: [eth0, eth1], addresses: [10.0.0.2/24]}\n");
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let c = p.config.unwrap();
    assert_eq!(c.prefix, "network.");
    assert_eq!(c.ethernets.len(), 2);
    assert_eq!(c.devices.len(), 3);
    let bond = &c.devices[2];
    assert_eq!(
        (bond.section, bond.path.as_str()),
        ("bonds", "network.bonds.bond0")
    );
    assert_eq!(bond.addresses, vec!["10.0.0.2/24"]);
    assert!(c.ethernets[0].dhcp4 && c.ethernets[0].has_match);
    assert_eq!(c.ethernets[0].set_name.as_deref(), Some("lan0"));
}

#[test]
fn version_must_be_2() {
    // Another version is another format: one finding, nothing else read.
    let ds = lint("network:\n  version: 1\n  config: []\n");
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        (ds[0].code, ds[0].path.as_str(), ds[0].line),
        (Code::NetworkDataInvalid, "network.version", 2)
    );
    // No version: cloud-init refuses the file, but the rest is still checked.
    let p = parse("network:\n  ethernets:\n    eth0: {dhcp4: true, mtu: 10}\n");
    assert!(p.config.is_none());
    let got: Vec<Code> = p.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        got.contains(&Code::NetworkDataInvalid) && got.contains(&Code::MtuOutOfRange),
        "{got:?}"
    );
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message.contains("cloud-init refuses")));
}

#[test]
fn sections_and_devices_must_be_mappings() {
    let d = one("version: 2\nethernets: [eth0]\n", Code::NetworkDataInvalid);
    assert_eq!((d.path.as_str(), d.line), ("ethernets", 2));
    let d = one(
        "version: 2\nethernets:\n  eth0:\n",
        Code::NetworkDataInvalid,
    );
    assert_eq!((d.path.as_str(), d.line), ("ethernets.eth0", 3));
    assert!(hint(&d).contains("{}"));
}

#[test]
fn yaml11_names_and_numbers() {
    // `on` as an interface ID is True to PyYAML: the key is reported, on its line.
    let d = one(
        "version: 2\nethernets:\n  on: {dhcp4: true}\n",
        Code::Yaml11Ambiguous,
    );
    assert_eq!((d.path.as_str(), d.line, d.column), ("ethernets.on", 3, 3));
    assert!(d.message.contains("`True`"), "{}", d.message);
    assert_eq!(hint(&d), "quote it: \"on\"");
    // Quoted, it is text for everyone.
    assert!(codes("version: 2\nethernets:\n  \"on\": {dhcp4: true}\n").is_empty());
    // A leading zero: 1500 to netplan, octal 832 to PyYAML.
    let d = one(
        "version: 2\nethernets:\n  eth0: {mtu: 01500}\n",
        Code::Yaml11Ambiguous,
    );
    assert!(
        d.message.contains("832") && hint(&d).contains("mtu: 1500"),
        "{d:#?}"
    );
    // Texts that round-trip are fine; an explicit tag keeps text text.
    assert!(codes("version: 2\nethernets:\n  eth0: {set-name: lan0, match: {name: \"en*\", macaddress: \"02:00:00:00:00:01\"}}\n").is_empty());
    assert!(codes("version: 2\nethernets:\n  eth0: {set-name: !!str 010, match: {macaddress: \"02:00:00:00:00:01\"}}\n").is_empty());
    let d = one("version: 2\nethernets:\n  eth0: {set-name: 010, match: {macaddress: \"02:00:00:00:00:01\"}}\n", Code::Yaml11Ambiguous);
    assert!(d.message.contains("`8`"), "{}", d.message);
}

#[test]
fn unquoted_macs() {
    let d = one(
        "version: 2\nethernets:\n  eth1:\n    match:\n      macaddress: 52:54:00:12:34:56\n",
        Code::UnquotedMac,
    );
    assert_eq!(
        (d.path.as_str(), d.line),
        ("ethernets.eth1.match.macaddress", 5)
    );
    assert!(d.message.contains("41135085296"));
    for ok in [
        "\"52:54:00:12:34:56\"",
        "52:54:00:ab:cd:ef",
        "02:00:00:00:00:01",
    ] {
        let ds = codes(&format!(
            "version: 2\nethernets:\n  eth1:\n    match: {{macaddress: {ok}}}\n"
        ));
        assert!(ds.is_empty(), "{ok}: {ds:?}");
    }
}

#[test]
fn booleans_cloud_init_reads_otherwise() {
    for (text, flips) in [
        ("\"no\"", true),
        ("n", true),
        ("\"false\"", true),
        ("no", false),
        ("false", false),
        ("\"yes\"", false),
    ] {
        let ds = codes(&format!(
            "version: 2\nethernets:\n  eth0: {{dhcp4: {text}, addresses: [10.0.0.5/24]}}\n"
        ));
        assert_eq!(
            ds.contains(&Code::Yaml11Boolean),
            flips,
            "dhcp4: {text}: {ds:?}"
        );
    }
    // accept-ra goes through util.is_true: `y` is false there, true to netplan.
    let d = one(
        "version: 2\nethernets:\n  eth0: {accept-ra: y}\n",
        Code::Yaml11Boolean,
    );
    assert!(
        d.message
            .contains("true to netplan but false to cloud-init"),
        "{}",
        d.message
    );
    assert_eq!(hint(&d), "write `accept-ra: true` without quotes");
    // Not a boolean at all.
    let d = one(
        "version: 2\nethernets:\n  eth0: {dhcp4: maybe}\n",
        Code::InvalidValue,
    );
    assert_eq!(d.path, "ethernets.eth0.dhcp4");
}

#[test]
fn unknown_keys_and_values_with_suggestions() {
    let d = one("version: 2\nethernet:\n  eth0: {}\n", Code::UnknownKey);
    assert_eq!(
        (d.path.as_str(), hint(&d)),
        ("ethernet", "did you mean `ethernets`?")
    );
    let d = one(
        "version: 2\nethernets:\n  eth0: {interfaces: [eth1]}\n",
        Code::UnknownKey,
    );
    assert!(
        hint(&d).contains("bonds") && hint(&d).contains("bridges"),
        "{}",
        hint(&d)
    );
    let d = one("version: 2\nethernets:\n  e: {}\nbonds:\n  b: {interfaces: [e], parameters: {mode: active-backups}}\n", Code::InvalidValue);
    assert_eq!(
        (d.path.as_str(), hint(&d)),
        ("bonds.b.parameters.mode", "did you mean `active-backup`?")
    );
    let d = one(
        "version: 2\nethernets:\n  eth0: {addresses: 10.0.0.1/24}\n",
        Code::WrongType,
    );
    assert_eq!(d.path, "ethernets.eth0.addresses");
}

#[test]
fn addresses_nameservers_gateways() {
    let ds = lint("version: 2\nethernets:\n  eth0:\n    addresses: [10.0.0.5, 10.0.0.500/24, 10.0.0.6/33, \"2001:db8::1/64\"]\n");
    let paths: Vec<&str> = ds
        .iter()
        .filter(|d| d.code == Code::AddressNotCidr)
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "ethernets.eth0.addresses[0]",
            "ethernets.eth0.addresses[1]",
            "ethernets.eth0.addresses[2]"
        ]
    );
    assert!(ds[0].message.contains("no /prefix"), "{}", ds[0].message);
    let d = one(
        "version: 2\nethernets:\n  eth0: {nameservers: {addresses: [dns.example]}}\n",
        Code::DnsServerNotIp,
    );
    assert_eq!(d.path, "ethernets.eth0.nameservers.addresses[0]");
    let d = one(
        "version: 2\nethernets:\n  eth0: {addresses: [10.0.0.5/24], gateway4: \"2001:db8::1\"}\n",
        Code::GatewayNotIp,
    );
    assert!(d.message.contains("IPv4"));
}

#[test]
fn gateways_must_be_reachable() {
    let base = "version: 2\nethernets:\n  eth0:\n    addresses: [192.168.1.10/24]\n    routes:\n";
    let d = one(
        &format!("{base}      - {{to: 0.0.0.0/0, via: 192.168.2.1}}\n"),
        Code::RouteViaUnreachable,
    );
    assert_eq!(
        (d.path.as_str(), d.line),
        ("ethernets.eth0.routes[0].via", 6)
    );
    assert!(d.message.contains("192.168.1.10/24"), "{}", d.message);
    // Inside the subnet, on-link, or on a DHCP NIC (subnet unknown): fine.
    for ok in [
        "      - {to: 0.0.0.0/0, via: 192.168.1.1}\n",
        "      - {to: 0.0.0.0/0, via: 192.168.2.1, on-link: true}\n",
        "      - {to: 10.0.0.0/8, type: blackhole}\n",
    ] {
        assert!(
            !codes(&format!("{base}{ok}")).contains(&Code::RouteViaUnreachable),
            "{ok}"
        );
    }
    assert!(!codes("version: 2\nethernets:\n  eth0: {dhcp4: true, routes: [{to: 10.0.0.0/8, via: 172.16.0.1}]}\n").contains(&Code::RouteViaUnreachable));
    // IPv6 link-local next hops are always on the link; a global one needs an IPv6 address.
    assert!(!codes(
        "version: 2\nethernets:\n  eth0: {addresses: [10.0.0.5/24], gateway6: \"fe80::1\"}\n"
    )
    .contains(&Code::RouteViaUnreachable));
    let d = one(
        "version: 2\nethernets:\n  eth0: {addresses: [10.0.0.5/24], gateway6: \"2001:db8::1\"}\n",
        Code::RouteViaUnreachable,
    );
    assert!(d.message.contains("no IPv6 address"), "{}", d.message);
}

#[test]
fn mtu_mac_and_dhcp_with_static() {
    for (mtu, bad) in [(67, true), (68, false), (65535, false), (65536, true)] {
        let ds = codes(&format!(
            "version: 2\nethernets:\n  eth0: {{dhcp4: true, mtu: {mtu}}}\n"
        ));
        assert_eq!(ds.contains(&Code::MtuOutOfRange), bad, "{mtu}");
    }
    let d = one("version: 2\nethernets:\n  a: {match: {macaddress: \"02:00:00:00:00:0a\"}}\n  b: {match: {macaddress: \"02:00:00:00:00:0A\"}}\n", Code::DuplicateMac);
    assert_eq!(
        (d.path.as_str(), d.line),
        ("ethernets.b.match.macaddress", 4)
    );
    assert!(d.message.contains("`a`"));
    let d = one(
        "version: 2\nethernets:\n  eth0: {match: {macaddress: \"52-54-00-12-34-56\"}}\n",
        Code::InvalidMac,
    );
    assert_eq!(d.path, "ethernets.eth0.match.macaddress");
    // 20-byte InfiniBand hardware addresses are MACs too.
    assert!(codes("version: 2\nethernets:\n  ib0: {match: {macaddress: \"11:22:33:44:55:66:77:88:99:00:11:22:33:44:55:66:77:88:99:00\"}}\n").is_empty());
    let d = one("version: 2\nethernets:\n  eth0: {dhcp4: true, addresses: [10.0.0.5/24, \"2001:db8::5/64\"]}\n", Code::DhcpWithStaticAddress);
    assert_eq!(
        (d.severity, d.path.as_str()),
        (Severity::Warning, "ethernets.eth0.dhcp4")
    );
    assert!(
        d.message.contains("10.0.0.5/24") && !d.message.contains("2001"),
        "{}",
        d.message
    );
}

#[test]
fn references_between_devices() {
    let d = one(
        "version: 2\nethernets:\n  eth0: {}\nvlans:\n  v10: {id: 10, link: eth1}\n",
        Code::UndefinedDevice,
    );
    assert_eq!((d.path.as_str(), d.line), ("vlans.v10.link", 5));
    assert_eq!(
        hint(&d),
        "did you mean `eth0`? Otherwise define `eth1` (e.g. under `ethernets`)"
    );
    let ds = codes("version: 2\nethernets:\n  eth0: {}\nbonds:\n  b0: {interfaces: [eth0]}\n  b1: {interfaces: [eth0]}\n");
    assert_eq!(ds, [Code::InterfaceInTwoParents]);
    let ds = codes("version: 2\nethernets:\n  x: {}\nbridges:\n  x: {interfaces: []}\n");
    assert_eq!(ds, [Code::DuplicateDeviceId]);
    let d = one(
        "version: 2\nethernets:\n  eth0: {}\nvlans:\n  v: {link: eth0}\n",
        Code::MissingField,
    );
    assert!(d.message.contains("`id`"));
}

#[test]
fn set_name_needs_a_mac_match() {
    let d = one(
        "version: 2\nethernets:\n  eth0: {set-name: lan0}\n",
        Code::SetNameWithoutMatch,
    );
    assert_eq!(d.severity, Severity::Error);
    let d = one(
        "version: 2\nethernets:\n  eth0: {match: {name: \"en*\"}, set-name: lan0}\n",
        Code::SetNameWithoutMac,
    );
    assert_eq!(
        (d.severity, d.path.as_str()),
        (Severity::Warning, "ethernets.eth0.set-name")
    );
}

#[test]
fn default_routes_across_readers() {
    let d = one("version: 2\nethernets:\n  eth0: {addresses: [10.0.0.5/24], routes: [{to: default, via: 10.0.0.1}]}\n", Code::RouteToDefault);
    assert_eq!(d.path, "ethernets.eth0.routes[0].to");
    assert!(
        d.message.contains("cloud-init 22.4's own renderers") && hint(&d).contains("0.0.0.0/0")
    );
    // For IPv6, ::/0 is no way out under cloud-init 22.4: the hint says gateway6.
    let d = one("version: 2\nethernets:\n  eth0: {addresses: [\"2001:db8::5/64\"], routes: [{to: default, via: \"2001:db8::1\"}]}\n", Code::RouteToDefault);
    assert!(hint(&d).contains("gateway6"), "{}", hint(&d));
    let d = one("version: 2\nethernets:\n  eth0: {addresses: [\"2001:db8::5/64\"], routes: [{to: \"::/0\", via: \"2001:db8::1\"}]}\n", Code::Ipv6DefaultRoute);
    assert!(d.message.contains("::/64"));
    let d = one(
        "version: 2\nethernets:\n  eth0: {addresses: [10.0.0.5/24], gateway4: 10.0.0.1}\n",
        Code::GatewayDeprecated,
    );
    assert!(
        hint(&d).contains("to: 0.0.0.0/0, via: 10.0.0.1"),
        "{}",
        hint(&d)
    );
    let d = one("version: 2\nethernets:\n  eth0: {addresses: [\"2001:db8::5/64\"], gateway6: \"2001:db8::1\"}\n", Code::Gateway6Deprecated);
    assert_eq!(d.severity, Severity::Info);
}

#[test]
fn what_cloud_init_refuses_or_ignores() {
    let d = one("version: 2\nethernets:\n  e1: {}\n  e2: {}\nbonds:\n  b: {interfaces: [e1, e2], parameters: {mode: balance-rr, packets-per-member: 2}}\n", Code::CloudInitRefuses);
    assert_eq!(d.path, "bonds.b.parameters.packets-per-member");
    assert!(d.message.contains("KeyError"));
    let d = one(
        "version: 2\ntunnels:\n  t: {mode: sit, local: 1.1.1.1, remote: 2.2.2.2}\n",
        Code::CloudInitRefuses,
    );
    assert_eq!((d.path.as_str(), d.line, d.column), ("tunnels", 2, 1));
    // wifis are ignored, unless they carry nameservers (then refused).
    let wifi = "version: 2\nwifis:\n  w: {access-points: {lab: {password: \"12345678\"}}";
    assert_eq!(codes(&format!("{wifi}}}\n")), [Code::CloudInitIgnores]);
    assert_eq!(
        codes(&format!(
            "{wifi}, nameservers: {{addresses: [10.0.0.1]}}}}\n"
        )),
        [Code::CloudInitRefuses]
    );
    // Keys outside the documented subset, once each.
    let d = one(
        "version: 2\nethernets:\n  eth0: {dhcp4: true, optional: true}\n",
        Code::CloudInitIgnores,
    );
    assert_eq!(d.path, "ethernets.eth0.optional");
    let d = one("version: 2\nethernets:\n  e: {}\nbridges:\n  br: {interfaces: [e], parameters: {stp: \"yes\"}}\n", Code::CloudInitRefuses);
    assert!(d.message.contains("bridge_stp"), "{}", d.message);
}

#[test]
fn what_netplan_0106_refuses() {
    let d = one(
        "version: 2\nethernets:\n  eth0: {dhcp4: true, hairpin: true}\n",
        Code::NeedsNewerNetplan,
    );
    assert!(
        d.message.contains("netplan 0.106") && d.message.contains("1.0"),
        "{}",
        d.message
    );
    let d = one("version: 2\nwifis:\n  w: {access-points: {x: {auth: {key-management: sae, password: \"12345678\"}}}}\n", Code::NeedsNewerNetplan);
    assert_eq!(d.path, "wifis.w.access-points.x.auth.key-management");
    let d = one("version: 2\nethernets:\n  e: {}\nbonds:\n  b: {interfaces: [e], parameters: {mode: balance-tcp}}\n", Code::NeedsOpenvswitch);
    assert!(d.message.contains("ovs-vsctl"));
}

#[test]
fn every_finding_is_located_with_a_hint() {
    let text = "network:\n  version: 2\n  ethernets:\n    on:\n      dhcp4: \"no\"\n      addresses: [10.0.0.5, 10.0.0.6/24]\n      gateway4: 10.1.0.1\n      nameservers: {addresses: [x]}\n      mtu: 70000\n      routes: [{to: default, via: 10.0.0.1}]\n  bonds:\n    b: {interfaces: [nope], parameters: {resend-igmp: 1}}\n";
    let ds = lint(text);
    assert!(ds.len() >= 9, "{ds:#?}");
    for d in &ds {
        assert!(
            d.line > 0 && !d.path.is_empty() && d.hint.is_some(),
            "{d:#?}"
        );
        // The span is the text at that place.
        assert!(
            d.span.end <= text.len() && d.span.start <= d.span.end,
            "{d:#?}"
        );
    }
    let lines: Vec<u32> = ds.iter().map(|d| d.line).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "findings come in source order");
}

#[test]
fn globs() {
    assert!(glob_match("en*", "enp1s0"));
    assert!(glob_match("eth[0-3]", "eth2"));
    assert!(!glob_match("eth[!0]", "eth0"));
    assert!(!glob_match("eth?", "eth10"));
}

/// Found by fuzzing: the finding for an empty network-config had no location.
#[test]
fn an_empty_network_config_is_located_at_its_start() {
    for text in ["", "# only a comment\n"] {
        let d = one(text, Code::NetworkDataInvalid);
        assert_eq!((d.line, d.column, d.span.start), (1, 1, 0), "{text:?}");
    }
}

/// Found by fuzzing: with two equally close devices the hint named either, by HashMap order.
#[test]
fn undefined_device_hints_do_not_depend_on_hash_order() {
    let text = "network:\n  version: 2\n  ethernets:\n    eth0: {dhcp4: true}\n    eth2: {dhcp4: true}\n  bonds:\n    bond0:\n      interfaces: [eth1]\n";
    for _ in 0..20 {
        let d = one(text, Code::UndefinedDevice);
        assert_eq!(
            hint(&d),
            "did you mean `eth0`? Otherwise define `eth1` (e.g. under `ethernets`)"
        );
    }
}

/// `accept-ra` as cloud-init 22.4 renders it (`cloud-init devel net-convert`, design of issue
/// 14 §1.2). networkd.py:206-210 writes IPv6AcceptRA only when DHCP is ipv6 or yes; eni writes
/// `iface eth1 inet manual` without `auto eth1` for a NIC whose only setting is accept-ra.
#[test]
fn accept_ra_as_cloud_init_renders_it() {
    let eth = |keys: &str| format!("version: 2\nethernets:\n  eth0: {{{keys}}}\n");
    // DHCPv6 with RA: every renderer gets it right.
    assert!(!codes(&eth("dhcp6: true, accept-ra: true"))
        .iter()
        .any(|c| matches!(c, Code::AcceptRaDroppedByNetworkd | Code::Ipv6OnlySlaac)));
    // DHCPv4 + SLAAC: the networkd renderer drops accept-ra (info only).
    let d = one(
        &eth("dhcp4: true, accept-ra: true"),
        Code::AcceptRaDroppedByNetworkd,
    );
    assert_eq!(d.severity, Severity::Info);
    assert_eq!((d.path.as_str(), d.line), ("ethernets.eth0.accept-ra", 3));
    assert!(d.message.contains("networkd.py:206-210"), "{}", d.message);
    // accept-ra: false (what `ipv6.mode: disabled` writes) is dropped the same way.
    one(
        &eth("dhcp4: true, accept-ra: false"),
        Code::AcceptRaDroppedByNetworkd,
    );
    // SLAAC alone: eni leaves the NIC down, sysconfig writes no IPV6INIT.
    let d = one(&eth("dhcp4: false, accept-ra: true"), Code::Ipv6OnlySlaac);
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("without `auto`") && hint(&d).contains("dhcp6: true"),
        "{d:#?}"
    );
    assert!(!codes(&eth("dhcp4: false, accept-ra: false")).contains(&Code::Ipv6OnlySlaac));
}

#[test]
fn slaac_beside_a_non_64_prefix_warns() {
    let d = one(
        "version: 2\nethernets:\n  eth0:\n    accept-ra: true\n    addresses: [\"2001:db8::5/56\", \"2001:db8:1::5/64\", 10.0.0.5/24]\n",
        Code::SlaacPrefixNot64,
    );
    assert_eq!(d.path, "ethernets.eth0.addresses[0]");
    assert!(codes("version: 2\nethernets:\n  eth0:\n    accept-ra: false\n    addresses: [\"2001:db8::5/56\"]\n")
        .iter()
        .all(|c| *c != Code::SlaacPrefixNot64));
}
