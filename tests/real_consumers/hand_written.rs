//! IPv6 and dual-stack cases written by hand, for the real consumers before the generator
//! renders them: each is the `ipConfig` a Wukong would carry (as the CRD spells it, with the
//! `ipv6` block of issue 14) and the networkData or NAD config the design of issue 14 says the
//! generator writes for it. The expected plan is read from the `ipConfig` by the same
//! `expect::ip_plan` that reads the fixtures, so the generated fixtures go through the same
//! checks once the generator writes them.

use serde_json::{json, Value};

/// The pinned MAC of every hand-written guest NIC (quoted in YAML, as the generator writes it).
pub const MAC: &str = "52:54:00:12:34:56";

/// A guest NIC: its spec and its networkData.
pub struct NetworkDataCase {
    pub label: &'static str,
    pub ip_config: Value,
    /// The device's keys besides `match` and `set-name`, indented for `ethernets.eth1`.
    pub keys: &'static str,
}

impl NetworkDataCase {
    /// The whole network-config file, one NIC `eth1` matched by [`MAC`].
    pub fn network_data(&self) -> String {
        format!(
            "network:\n  version: 2\n  ethernets:\n    eth1:\n      match:\n        macaddress: \"{MAC}\"\n      set-name: eth1\n{}",
            self.keys
        )
    }
}

pub fn network_data_cases() -> Vec<NetworkDataCase> {
    vec![
        NetworkDataCase {
            label: "ipv6-only static, global gateway6",
            ip_config: json!({"mode": "disabled", "dnsServers": ["2001:db8::53"],
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"}}),
            keys: r#"      dhcp4: false
      dhcp6: false
      accept-ra: false
      addresses: ["2001:db8::200/64"]
      gateway6: "2001:db8::1"
      nameservers:
        addresses: ["2001:db8::53"]
"#,
        },
        NetworkDataCase {
            label: "ipv6-only static, link-local gateway6",
            ip_config: json!({"mode": "disabled",
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "fe80::1"}}),
            keys: r#"      dhcp4: false
      dhcp6: false
      accept-ra: false
      addresses: ["2001:db8::200/64"]
      gateway6: "fe80::1"
"#,
        },
        NetworkDataCase {
            label: "ipv6-only dhcp6 + accept-ra, own DNS",
            ip_config: json!({"mode": "disabled", "dnsServers": ["2001:db8::53"],
                "ipv6": {"mode": "dhcp"}}),
            keys: r#"      dhcp4: false
      dhcp6: true
      accept-ra: true
      dhcp6-overrides:
        use-dns: false
      nameservers:
        addresses: ["2001:db8::53"]
"#,
        },
        NetworkDataCase {
            label: "dual stack dhcp4 + dhcp6, own DNS (both overrides)",
            ip_config: json!({"mode": "dhcp", "dnsServers": ["192.168.0.1", "2001:db8::53"],
                "ipv6": {"mode": "dhcp"}}),
            keys: r#"      dhcp4: true
      dhcp6: true
      accept-ra: true
      dhcp4-overrides:
        use-dns: false
      dhcp6-overrides:
        use-dns: false
      nameservers:
        addresses: ["192.168.0.1", "2001:db8::53"]
"#,
        },
        NetworkDataCase {
            label: "dual stack dhcp4 + slaac",
            ip_config: json!({"mode": "dhcp", "ipv6": {"mode": "slaac"}}),
            keys: r#"      dhcp4: true
      dhcp6: false
      accept-ra: true
"#,
        },
        NetworkDataCase {
            label: "dual stack static + static",
            ip_config: json!({"mode": "static", "address": "192.168.0.200/24",
                "gateway": "192.168.0.1", "dnsServers": ["192.168.0.1", "2001:db8::53"],
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"}}),
            keys: r#"      dhcp4: false
      dhcp6: false
      accept-ra: false
      addresses: ["192.168.0.200/24", "2001:db8::200/64"]
      routes:
      - to: "0.0.0.0/0"
        via: "192.168.0.1"
      gateway6: "2001:db8::1"
      nameservers:
        addresses: ["192.168.0.1", "2001:db8::53"]
"#,
        },
        NetworkDataCase {
            label: "static IPv4 + dhcp6",
            ip_config: json!({"mode": "static", "address": "192.168.0.200/24",
                "gateway": "192.168.0.1", "dnsServers": ["192.168.0.1"], "ipv6": {"mode": "dhcp"}}),
            keys: r#"      dhcp4: false
      dhcp6: true
      accept-ra: true
      addresses: ["192.168.0.200/24"]
      routes:
      - to: "0.0.0.0/0"
        via: "192.168.0.1"
      dhcp6-overrides:
        use-dns: false
      nameservers:
        addresses: ["192.168.0.1"]
"#,
        },
        NetworkDataCase {
            label: "dhcp4 + static IPv6, link-local gateway6",
            ip_config: json!({"mode": "dhcp",
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "fe80::1"}}),
            keys: r#"      dhcp4: true
      dhcp6: false
      accept-ra: false
      addresses: ["2001:db8::200/64"]
      gateway6: "fe80::1"
"#,
        },
        NetworkDataCase {
            label: "dhcp4, ipv6 disabled",
            ip_config: json!({"mode": "dhcp", "ipv6": {"mode": "disabled"}}),
            keys: r#"      dhcp4: true
      dhcp6: false
      accept-ra: false
"#,
        },
        NetworkDataCase {
            label: "ipv6-only slaac (eni leaves it down)",
            ip_config: json!({"mode": "disabled", "ipv6": {"mode": "slaac"}}),
            keys: r#"      dhcp4: false
      dhcp6: false
      accept-ra: true
"#,
        },
    ]
}

/// A NAD config for a guest NIC with this spec, on bridge [`BRIDGE`].
pub struct NadCase {
    pub name: &'static str,
    pub ip_config: Value,
    pub config: Value,
}

pub const BRIDGE: &str = "br-hand";

pub fn nad_cases() -> Vec<NadCase> {
    let nad = |name: &str, ipam: Value| json!({"cniVersion": "0.4.0", "name": name, "type": "bridge", "bridge": BRIDGE, "ipam": ipam});
    vec![
        NadCase {
            name: "dual-stack-static",
            ip_config: json!({"mode": "static", "address": "192.168.0.200/24", "gateway": "192.168.0.1",
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "2001:db8::1"}}),
            // One pinned range per static family, IPv4 first (design of issue 14, section 3).
            config: nad(
                "dual-stack-static",
                json!({"type": "host-local",
                    "ranges": [
                        [{"subnet": "192.168.0.0/24", "rangeStart": "192.168.0.200", "rangeEnd": "192.168.0.200", "gateway": "192.168.0.1"}],
                        [{"subnet": "2001:db8::/64", "rangeStart": "2001:db8::200", "rangeEnd": "2001:db8::200", "gateway": "2001:db8::1"}]],
                    "routes": [{"dst": "0.0.0.0/0", "gw": "192.168.0.1"}, {"dst": "::/0", "gw": "2001:db8::1"}]}),
            ),
        },
        NadCase {
            name: "dhcp4-static6-link-local-gw",
            ip_config: json!({"mode": "dhcp",
                "ipv6": {"mode": "static", "address": "2001:db8::200/64", "gateway": "fe80::1"}}),
            // DHCPv4 is the guest's: the pod side gets the IPv6 range only.
            config: nad(
                "dhcp4-static6-link-local-gw",
                json!({"type": "host-local",
                    "ranges": [[{"subnet": "2001:db8::/64", "rangeStart": "2001:db8::200", "rangeEnd": "2001:db8::200", "gateway": "fe80::1"}]],
                    "routes": [{"dst": "::/0", "gw": "fe80::1"}]}),
            ),
        },
        NadCase {
            name: "dual-stack-dhcp",
            ip_config: json!({"mode": "dhcp", "ipv6": {"mode": "dhcp"}}),
            config: {
                let mut c = nad("dual-stack-dhcp", json!({}));
                c["disableContainerInterface"] = json!(true);
                c
            },
        },
    ]
}
