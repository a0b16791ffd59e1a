//! The NAD rules on sample configs.

use super::*;
use serde_json::json;

fn nad(config: &str) -> Value {
    json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": "n"}, "spec": {"config": config}})
}

fn run(config: &str, settings: &Settings) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_nad(&nad(config), settings, &mut out);
    out
}

fn codes(config: &str) -> Vec<(Code, String)> {
    run(config, &Settings::default())
        .into_iter()
        .map(|d| (d.code, d.path))
        .collect()
}

#[track_caller]
fn one(config: &str, code: Code, path: &str) {
    let ds = run(config, &Settings::default());
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!((ds[0].code, ds[0].path.as_str()), (code, path), "{ds:#?}");
    assert!(ds[0].hint.is_some());
}

const L2: &str = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{}}"#;

#[test]
fn what_wukong_net_generates_passes() {
    assert!(codes(L2).is_empty());
    let dhcp = r#"{"cniVersion":"0.3.1","name":"vm1-ext-nad","type":"bridge","bridge":"br-ext","ipam":{},"disableContainerInterface":true}"#;
    assert!(codes(dhcp).is_empty(), "{:?}", codes(dhcp));
    let stat = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","ranges":[[{"subnet":"192.168.0.0/24","rangeStart":"192.168.0.200","rangeEnd":"192.168.0.200","gateway":"192.168.0.1"}]],"routes":[{"dst":"0.0.0.0/0","gw":"192.168.0.1"}]}}"#;
    assert!(codes(stat).is_empty(), "{:?}", codes(stat));
}

#[test]
fn config_must_be_cni_json() {
    one("{not json", Code::CniConfigInvalid, "spec.config");
    one("[1]", Code::CniConfigInvalid, "spec.config");
    one(
        r#"{"cniVersion":"0.3.1"}"#,
        Code::CniConfigInvalid,
        "spec.config",
    );
    one(
        r#"{"plugins":[]}"#,
        Code::CniConfigInvalid,
        "spec.config.plugins",
    );
    one(
        r#"{"plugins":[{"bridge":"x"}]}"#,
        Code::CniConfigInvalid,
        "spec.config.plugins[0]",
    );
    one(
        r#"{"plugins":{}}"#,
        Code::CniConfigInvalid,
        "spec.config.plugins",
    );
    let mut out = Vec::new();
    check_nad(
        &json!({"spec": {"config": 5}}),
        &Settings::default(),
        &mut out,
    );
    assert_eq!(out[0].code, Code::CniConfigInvalid);
    let mut out = Vec::new();
    check_nad(&json!({"spec": {}}), &Settings::default(), &mut out);
    assert_eq!(
        (out[0].code, out[0].severity),
        (Code::NadConfigAbsent, crate::Severity::Warning)
    );
    // A conflist is checked plugin by plugin.
    let list = r#"{"cniVersion":"0.4.0","plugins":[{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}},{"type":"tuning"}]}"#;
    assert_eq!(
        codes(list),
        vec![(
            Code::DhcpIpam,
            "spec.config.plugins[0].ipam.type".to_string()
        )]
    );
}

#[test]
fn dhcp_ipam() {
    one(
        r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
        Code::DhcpIpam,
        "spec.config.ipam.type",
    );
    let ds = run(
        r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
        &Settings::default(),
    );
    assert!(
        ds[0].message.contains("network's DHCP server"),
        "{}",
        ds[0].message
    );
    let off = Settings {
        forbid_dhcp_ipam: false,
        ..Settings::default()
    };
    assert!(run(
        r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"dhcp"}}"#,
        &off
    )
    .is_empty());
    // Only bridge: macvlan with the dhcp daemon is a normal setup.
    assert!(codes(r#"{"type":"macvlan","master":"ens192","ipam":{"type":"dhcp"}}"#).is_empty());
}

#[test]
fn ipam_with_disabled_container_interface() {
    let c = r#"{"type":"bridge","bridge":"br-ext","disableContainerInterface":true,"ipam":{"type":"host-local","subnet":"10.0.0.0/24"}}"#;
    one(
        c,
        Code::IpamWithDisabledContainerInterface,
        "spec.config.disableContainerInterface",
    );
    assert!(codes(
        r#"{"type":"bridge","bridge":"br-ext","disableContainerInterface":true,"ipam":{}}"#
    )
    .is_empty());
}

#[test]
fn dual_stack_host_local() {
    let c = |ranges: &str, routes: &str| {
        format!(
            r#"{{"type":"bridge","bridge":"br-ext","ipam":{{"type":"host-local","ranges":{ranges},"routes":{routes}}}}}"#
        )
    };
    let v4 = r#"{"subnet":"192.168.0.0/24","rangeStart":"192.168.0.200","rangeEnd":"192.168.0.200","gateway":"192.168.0.1"}"#;
    let v6 = r#"{"subnet":"2001:db8::/64","rangeStart":"2001:db8::200","rangeEnd":"2001:db8::200","gateway":"2001:db8::1"}"#;
    let routes = r#"[{"dst":"0.0.0.0/0","gw":"192.168.0.1"},{"dst":"::/0","gw":"2001:db8::1"}]"#;
    // The generator's dual-stack form (run through the bridge plugin 1.1.1 in design-14 §3).
    assert!(codes(&c(&format!("[[{v4}],[{v6}]]"), routes)).is_empty());
    // A link-local gateway is on the link, outside the subnet or not.
    let ll = r#"{"subnet":"2001:db8::/64","rangeStart":"2001:db8::200","rangeEnd":"2001:db8::200","gateway":"fe80::1"}"#;
    assert!(codes(&c(
        &format!("[[{ll}]]"),
        r#"[{"dst":"::/0","gw":"fe80::1"}]"#
    ))
    .is_empty());
    one(
        &c(&format!("[[{v4},{v6}]]"), "[]"),
        Code::IpamMixedFamilies,
        "spec.config.ipam.ranges[0]",
    );
    one(
        &c(&format!("[[{v6}],[{v4}],[{v6}]]"), "[]"),
        Code::IpamFamilyTwice,
        "spec.config.ipam.ranges[2]",
    );
    one(
        &c(
            &format!("[[{v4}],[{v6}]]"),
            r#"[{"dst":"::/0","gw":"192.168.0.1"}]"#,
        ),
        Code::IpamMixedFamilies,
        "spec.config.ipam.routes[0].gw",
    );
}

#[test]
fn missing_ipam_warns() {
    one(
        r#"{"type":"bridge","bridge":"br-ext"}"#,
        Code::MissingIpam,
        "spec.config",
    );
    assert_eq!(Code::MissingIpam.severity(), crate::Severity::Warning);
}

#[test]
fn host_local_ranges() {
    let r = |range: &str| {
        format!(
            r#"{{"type":"bridge","bridge":"br-ext","ipam":{{"type":"host-local","ranges":[[{range}]]}}}}"#
        )
    };
    let base = "spec.config.ipam.ranges[0][0]";
    one(
        &r(r#"{"subnet":"10.0.0.0/33"}"#),
        Code::IpamInvalidSubnet,
        &format!("{base}.subnet"),
    );
    one(
        &r(r#"{"rangeStart":"10.0.0.1"}"#),
        Code::IpamInvalidSubnet,
        &format!("{base}.subnet"),
    );
    one(
        &r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.20","rangeEnd":"10.0.0.10"}"#),
        Code::IpamRangeReversed,
        &format!("{base}.rangeEnd"),
    );
    one(
        &r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.1.20"}"#),
        Code::IpamOutsideSubnet,
        &format!("{base}.rangeStart"),
    );
    one(
        &r(r#"{"subnet":"10.0.0.0/24","rangeEnd":"10.0.1.20"}"#),
        Code::IpamOutsideSubnet,
        &format!("{base}.rangeEnd"),
    );
    one(
        &r(r#"{"subnet":"10.0.0.0/24","gateway":"10.9.0.1"}"#),
        Code::IpamOutsideSubnet,
        &format!("{base}.gateway"),
    );
    one(
        &r(r#"{"subnet":"10.0.0.0/24","gateway":"10.0.0.1/24"}"#),
        Code::IpamInvalidAddress,
        &format!("{base}.gateway"),
    );
    assert!(codes(&r(r#"{"subnet":"10.0.0.0/24","rangeStart":"10.0.0.10","rangeEnd":"10.0.0.20","gateway":"10.0.0.1"}"#)).is_empty());
    // The legacy single range at the top of ipam.
    one(
        r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.30","rangeEnd":"10.0.0.3"}}"#,
        Code::IpamRangeReversed,
        "spec.config.ipam.rangeEnd",
    );
    one(
        r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local"}}"#,
        Code::IpamInvalidSubnet,
        "spec.config.ipam",
    );
}

#[test]
fn routes() {
    let r = |routes: &str| {
        format!(
            r#"{{"type":"bridge","bridge":"br-ext","ipam":{{"type":"host-local","subnet":"10.0.0.0/24","routes":{routes}}}}}"#
        )
    };
    one(
        &r(r#"[{"dst":"0.0.0.0"}]"#),
        Code::IpamInvalidRoute,
        "spec.config.ipam.routes[0].dst",
    );
    one(
        &r(r#"[{"dst":"0.0.0.0/0","gw":"gateway"}]"#),
        Code::IpamInvalidRoute,
        "spec.config.ipam.routes[0].gw",
    );
    one(
        &r(r#"{"dst":"0.0.0.0/0"}"#),
        Code::IpamInvalidRoute,
        "spec.config.ipam.routes",
    );
    assert!(codes(&r(
        r#"[{"dst":"0.0.0.0/0","gw":"10.0.0.1"},{"dst":"::/0"}]"#
    ))
    .is_empty());
}

#[test]
fn bridge_names_and_vlans() {
    one(
        r#"{"type":"bridge","bridge":"br-external-too-long","ipam":{}}"#,
        Code::InvalidInterfaceName,
        "spec.config.bridge",
    );
    one(
        r#"{"type":"bridge","bridge":7,"ipam":{}}"#,
        Code::CniConfigInvalid,
        "spec.config.bridge",
    );
    one(
        r#"{"type":"bridge","bridge":"br-ext","vlan":4095,"ipam":{}}"#,
        Code::VlanOutOfRange,
        "spec.config.vlan",
    );
    one(
        r#"{"type":"bridge","bridge":"br-ext","vlan":"100","ipam":{}}"#,
        Code::CniConfigInvalid,
        "spec.config.vlan",
    );
    one(
        r#"{"type":"bridge","bridge":"br-ext","vlanTrunk":[{"id":5},{"minID":0,"maxID":10}],"ipam":{}}"#,
        Code::VlanOutOfRange,
        "spec.config.vlanTrunk[1].minID",
    );
    assert!(codes(r#"{"type":"bridge","bridge":"br-ext","vlan":0,"ipam":{}}"#).is_empty());
    assert!(codes(r#"{"type":"bridge","bridge":"br-ext","vlan":4094,"ipam":{}}"#).is_empty());
}

#[test]
fn settings_allowed_bridges_and_static() {
    let only = Settings {
        allowed_bridges: vec!["br-ext".into()],
        ..Settings::default()
    };
    assert!(run(L2, &only).is_empty());
    let ds = run(r#"{"type":"bridge","bridge":"br-other","ipam":{}}"#, &only);
    assert_eq!(
        (ds[0].code, ds[0].path.as_str()),
        (Code::BridgeNotAllowed, "spec.config.bridge")
    );
    // No `bridge` key means the plugin's default, cni0.
    let ds = run(r#"{"type":"bridge","ipam":{}}"#, &only);
    assert!(ds[0].message.contains("cni0"), "{}", ds[0].message);

    let no_static = Settings {
        allow_static_ip: false,
        ..Settings::default()
    };
    let single = r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.5","rangeEnd":"10.0.0.5"}}"#;
    assert_eq!(run(single, &no_static)[0].code, Code::StaticIpNotAllowed);
    assert!(run(single, &Settings::default()).is_empty());
    let pool = r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24","rangeStart":"10.0.0.5","rangeEnd":"10.0.0.50"}}"#;
    assert!(run(pool, &no_static).is_empty());
    assert_eq!(run(r#"{"type":"bridge","bridge":"br-ext","ipam":{"type":"static","addresses":[{"address":"10.0.0.5/24"}]}}"#, &no_static)[0].code, Code::StaticIpNotAllowed);
}
