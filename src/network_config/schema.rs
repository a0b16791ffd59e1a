//! The keys of Netplan v2, per place, with what each consumer makes of them.
//!
//! `netplan` says which netplan releases parse a key: the keys of netplan 0.106 (Debian 12,
//! Ubuntu 22.04; the oldest release in wide use) were probed one by one with its
//! `netplan generate`; later ones carry the release that added them, from netplan's reference
//! (doc/netplan-yaml.md, "since"). `cloud_init` says whether the key is in cloud-init's
//! documented v2 subset (doc/rtd/topics/network-config-format-v2.rst, plus the keys its
//! network_state.py handles: accept-ra and the DHCP overrides); cloud-init's own renderers
//! (sysconfig, networkd, eni) ignore every other key, and only a guest where netplan renders
//! (Ubuntu) applies it.

/// Which netplan releases understand a key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Netplan {
    /// netplan 0.106 and later.
    All,
    /// Added in this release; 0.106 refuses it.
    Since(&'static str),
}

/// The shape and meaning of a value.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A boolean as netplan reads it: true/false/yes/no/on/off/y/n, any case.
    Bool,
    /// An unsigned decimal integer.
    UInt,
    /// Free text.
    Str,
    /// An interface name (set-name, match.name): text that must stay text.
    Name,
    /// The netplan ID of another device in this file.
    Ref,
    /// A list of netplan IDs.
    RefList,
    /// One of a fixed set of words; the `Netplan` says which releases accept each.
    Enum(&'static [(&'static str, Netplan)]),
    /// A list of words from a fixed set.
    EnumList(&'static [(&'static str, Netplan)]),
    /// A MAC address to match (6 bytes, or 20 for InfiniBand).
    Mac,
    /// A MAC address to set on the device.
    SetMac,
    /// An IP address without prefix.
    Ip,
    /// A list of IP addresses without prefix.
    IpList,
    /// An IP address with or without a prefix (route and rule ends).
    Net,
    /// A list of `Net`.
    NetList,
    /// A list of scalars.
    StrList,
    /// Text, or a list of texts (match.driver since 0.104).
    StrOrList,
    /// `addresses`: CIDR strings, or single-key mappings `CIDR: {lifetime, label}`.
    Addresses,
    /// A mapping with known keys.
    Map(&'static [Field]),
    /// A list of mappings with known keys.
    MapList(&'static [Field]),
    /// A mapping whose keys are free and whose values have one kind (access points by SSID,
    /// per-port bridge costs, passthrough settings).
    Dict(&'static Kind),
    /// Any YAML at all (passed through to another program).
    Any,
    /// A tunnel key: text, or a mapping of input/output/private.
    TunnelKey,
    /// Open vSwitch patch ports: a list of name pairs.
    PortPairs,
}

/// One key.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    pub kind: Kind,
    pub netplan: Netplan,
    /// In cloud-init's v2 subset: its own renderers apply it.
    pub cloud_init: bool,
}

const fn f(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        netplan: Netplan::All,
        cloud_init: false,
    }
}

/// A key cloud-init's own renderers apply.
const fn ci(key: &'static str, kind: Kind) -> Field {
    Field {
        key,
        kind,
        netplan: Netplan::All,
        cloud_init: true,
    }
}

const fn since(key: &'static str, kind: Kind, release: &'static str) -> Field {
    Field {
        key,
        kind,
        netplan: Netplan::Since(release),
        cloud_init: false,
    }
}

const A: Netplan = Netplan::All;
/// Refused by 0.106 (probed), accepted by current netplan; the release that added it is not
/// in netplan's reference.
const NEWER: Netplan = Netplan::Since("");

pub const MATCH: &[Field] = &[
    ci("name", Kind::Name),
    ci("macaddress", Kind::Mac),
    ci("driver", Kind::StrOrList),
];

pub const NAMESERVERS: &[Field] = &[ci("addresses", Kind::IpList), ci("search", Kind::StrList)];

pub const ROUTE_TYPES: &[(&str, Netplan)] = &[
    ("unicast", A),
    ("anycast", A),
    ("blackhole", A),
    ("broadcast", A),
    ("local", A),
    ("multicast", A),
    ("nat", A),
    ("prohibit", A),
    ("throw", A),
    ("unreachable", A),
    ("xresolve", A),
];

pub const ROUTE: &[Field] = &[
    f("from", Kind::Ip),
    ci("to", Kind::Net),
    ci("via", Kind::Ip),
    f("on-link", Kind::Bool),
    ci("metric", Kind::UInt),
    f("type", Kind::Enum(ROUTE_TYPES)),
    f(
        "scope",
        Kind::Enum(&[("global", A), ("link", A), ("host", A)]),
    ),
    f("table", Kind::UInt),
    f("mtu", Kind::UInt),
    f("congestion-window", Kind::UInt),
    f("advertised-receive-window", Kind::UInt),
    since("advertised-mss", Kind::UInt, "1.1"),
];

pub const ROUTING_POLICY: &[Field] = &[
    f("from", Kind::Net),
    f("to", Kind::Net),
    f("table", Kind::UInt),
    f("priority", Kind::UInt),
    f("mark", Kind::UInt),
    f("type-of-service", Kind::UInt),
];

pub const DHCP_OVERRIDES: &[Field] = &[
    ci("use-dns", Kind::Bool),
    ci("use-ntp", Kind::Bool),
    ci("send-hostname", Kind::Bool),
    ci("use-hostname", Kind::Bool),
    ci("use-mtu", Kind::Bool),
    ci("hostname", Kind::Str),
    ci("use-routes", Kind::Bool),
    ci("route-metric", Kind::UInt),
    ci("use-domains", Kind::Str),
];

pub const RA_OVERRIDES: &[Field] = &[
    f("use-dns", Kind::Bool),
    f("use-domains", Kind::Str),
    f("table", Kind::UInt),
];

pub const NETWORKMANAGER: &[Field] = &[
    f("name", Kind::Str),
    f("uuid", Kind::Str),
    f("stable-id", Kind::Str),
    f("device", Kind::Str),
    f("passthrough", Kind::Dict(&Kind::Str)),
];

const OPENFLOW: &[(&str, Netplan)] = &[
    ("OpenFlow10", A),
    ("OpenFlow11", A),
    ("OpenFlow12", A),
    ("OpenFlow13", A),
    ("OpenFlow14", A),
    ("OpenFlow15", A),
];

pub const OVS_CONTROLLER: &[Field] = &[
    f("addresses", Kind::StrList),
    f(
        "connection-mode",
        Kind::Enum(&[("in-band", A), ("out-of-band", A)]),
    ),
];

pub const OPENVSWITCH: &[Field] = &[
    f("external-ids", Kind::Dict(&Kind::Str)),
    f("other-config", Kind::Dict(&Kind::Str)),
    f(
        "lacp",
        Kind::Enum(&[("active", A), ("passive", A), ("off", A)]),
    ),
    f("fail-mode", Kind::Enum(&[("secure", A), ("standalone", A)])),
    f("mcast-snooping", Kind::Bool),
    f("protocols", Kind::EnumList(OPENFLOW)),
    f("rstp", Kind::Bool),
    f("controller", Kind::Map(OVS_CONTROLLER)),
];

pub const OVS_SSL: &[Field] = &[
    f("ca-cert", Kind::Str),
    f("certificate", Kind::Str),
    f("private-key", Kind::Str),
];

pub const OPENVSWITCH_GLOBAL: &[Field] = &[
    f("external-ids", Kind::Dict(&Kind::Str)),
    f("other-config", Kind::Dict(&Kind::Str)),
    f("protocols", Kind::EnumList(OPENFLOW)),
    f("ports", Kind::PortPairs),
    f("ssl", Kind::Map(OVS_SSL)),
];

pub const AUTH: &[Field] = &[
    f(
        "key-management",
        Kind::Enum(&[
            ("none", A),
            ("psk", A),
            ("eap", A),
            ("802.1x", A),
            ("psk-sha256", NEWER),
            ("eap-sha256", NEWER),
            ("eap-suite-b-192", NEWER),
            ("sae", NEWER),
        ]),
    ),
    f("password", Kind::Str),
    f(
        "method",
        Kind::Enum(&[
            ("tls", A),
            ("peap", A),
            ("ttls", A),
            ("leap", NEWER),
            ("pwd", NEWER),
        ]),
    ),
    f("identity", Kind::Str),
    f("anonymous-identity", Kind::Str),
    f("ca-certificate", Kind::Str),
    f("client-certificate", Kind::Str),
    f("client-key", Kind::Str),
    f("client-key-password", Kind::Str),
    f("phase2-auth", Kind::Str),
];

pub const ACCESS_POINT: &[Field] = &[
    f("password", Kind::Str),
    f(
        "mode",
        Kind::Enum(&[("infrastructure", A), ("ap", A), ("adhoc", A)]),
    ),
    f("bssid", Kind::Mac),
    f("band", Kind::Enum(&[("5GHz", A), ("2.4GHz", A)])),
    f("channel", Kind::UInt),
    f("hidden", Kind::Bool),
    f("auth", Kind::Map(AUTH)),
    f("networkmanager", Kind::Map(NETWORKMANAGER)),
];

pub const BOND_MODES: &[(&str, Netplan)] = &[
    ("balance-rr", A),
    ("active-backup", A),
    ("balance-xor", A),
    ("broadcast", A),
    ("802.3ad", A),
    ("balance-tlb", A),
    ("balance-alb", A),
    ("balance-tcp", A),
    ("balance-slb", A),
];

/// Bond parameters. cloud-init maps each to a v1 name (NET_CONFIG_TO_V2 in network_state.py);
/// see `portability` for the ones it has no name for.
pub const BOND_PARAMETERS: &[Field] = &[
    ci("mode", Kind::Enum(BOND_MODES)),
    ci("lacp-rate", Kind::Str),
    ci("mii-monitor-interval", Kind::Str),
    ci("min-links", Kind::UInt),
    ci("transmit-hash-policy", Kind::Str),
    ci("ad-select", Kind::Str),
    ci("all-members-active", Kind::Bool),
    ci("all-slaves-active", Kind::Bool),
    ci("arp-interval", Kind::Str),
    ci("arp-ip-targets", Kind::IpList),
    ci("arp-validate", Kind::Str),
    ci("arp-all-targets", Kind::Str),
    ci("up-delay", Kind::Str),
    ci("down-delay", Kind::Str),
    ci("fail-over-mac-policy", Kind::Str),
    ci("gratuitous-arp", Kind::UInt),
    ci("gratuitious-arp", Kind::UInt),
    ci("packets-per-member", Kind::UInt),
    ci("packets-per-slave", Kind::UInt),
    ci("primary-reselect-policy", Kind::Str),
    ci("resend-igmp", Kind::UInt),
    ci("learn-packet-interval", Kind::Str),
    ci("primary", Kind::Ref),
];

pub const BRIDGE_PARAMETERS: &[Field] = &[
    ci("ageing-time", Kind::Str),
    ci("aging-time", Kind::Str),
    ci("priority", Kind::UInt),
    ci("port-priority", Kind::Dict(&Kind::UInt)),
    ci("forward-delay", Kind::Str),
    ci("hello-time", Kind::Str),
    ci("max-age", Kind::Str),
    ci("path-cost", Kind::Dict(&Kind::UInt)),
    ci("stp", Kind::Bool),
];

pub const TUNNEL_KEY: &[Field] = &[
    f("input", Kind::Str),
    f("output", Kind::Str),
    f("private", Kind::Str),
    since(
        "private-key-flags",
        Kind::EnumList(&[("agent-owned", A), ("not-saved", A), ("not-required", A)]),
        "0.107",
    ),
];

pub const PEER_KEYS: &[Field] = &[f("public", Kind::Str), f("shared", Kind::Str)];

pub const PEER: &[Field] = &[
    f("endpoint", Kind::Str),
    f("allowed-ips", Kind::NetList),
    f("keepalive", Kind::UInt),
    f("keys", Kind::Map(PEER_KEYS)),
];

pub const ADDRESS_OPTIONS: &[Field] = &[f("lifetime", Kind::Str), f("label", Kind::Str)];

/// Keys every device type takes (netplan's COMMON_LINK_HANDLERS and backend settings).
const COMMON: &[Field] = &[
    ci("accept-ra", Kind::Bool),
    f("activation-mode", Kind::Enum(&[("manual", A), ("off", A)])),
    ci("addresses", Kind::Addresses),
    f("critical", Kind::Bool),
    f("ignore-carrier", Kind::Bool),
    ci("dhcp4", Kind::Bool),
    ci("dhcp6", Kind::Bool),
    f("dhcp-identifier", Kind::Enum(&[("mac", A), ("duid", A)])),
    ci("dhcp4-overrides", Kind::Map(DHCP_OVERRIDES)),
    ci("dhcp6-overrides", Kind::Map(DHCP_OVERRIDES)),
    ci("gateway4", Kind::Ip),
    ci("gateway6", Kind::Ip),
    f(
        "ipv6-address-generation",
        Kind::Enum(&[("eui64", A), ("stable-privacy", A)]),
    ),
    f("ipv6-address-token", Kind::Str),
    f("ipv6-mtu", Kind::UInt),
    f("ipv6-privacy", Kind::Bool),
    f("link-local", Kind::EnumList(&[("ipv4", A), ("ipv6", A)])),
    f("macaddress", Kind::SetMac),
    ci("mtu", Kind::UInt),
    ci("nameservers", Kind::Map(NAMESERVERS)),
    f("optional", Kind::Bool),
    f(
        "optional-addresses",
        Kind::EnumList(&[
            ("ipv4-ll", A),
            ("ipv6-ra", A),
            ("dhcp4", A),
            ("dhcp6", A),
            ("static", A),
        ]),
    ),
    ci(
        "renderer",
        Kind::Enum(&[("networkd", A), ("NetworkManager", A)]),
    ),
    ci("routes", Kind::MapList(ROUTE)),
    f("routing-policy", Kind::MapList(ROUTING_POLICY)),
    f("neigh-suppress", Kind::Bool),
    since("hairpin", Kind::Bool, "1.0"),
    since("port-mac-learning", Kind::Bool, "1.0"),
    since("ra-overrides", Kind::Map(RA_OVERRIDES), "1.1"),
    f("networkmanager", Kind::Map(NETWORKMANAGER)),
    f("openvswitch", Kind::Map(OPENVSWITCH)),
];

/// Keys of physical devices (matched, not created).
const PHYSICAL: &[Field] = &[
    ci("match", Kind::Map(MATCH)),
    ci("set-name", Kind::Name),
    ci("wakeonlan", Kind::Bool),
    f(
        "wakeonwlan",
        Kind::EnumList(&[
            ("any", A),
            ("disconnect", A),
            ("magic_pkt", A),
            ("gtk_rekey_failure", A),
            ("eap_identity_req", A),
            ("four_way_handshake", A),
            ("rfkill_release", A),
            ("tcp", A),
            ("default", A),
        ]),
    ),
    f("emit-lldp", Kind::Bool),
    f("receive-checksum-offload", Kind::Bool),
    f("transmit-checksum-offload", Kind::Bool),
    f("tcp-segmentation-offload", Kind::Bool),
    f("tcp6-segmentation-offload", Kind::Bool),
    f("generic-segmentation-offload", Kind::Bool),
    f("generic-receive-offload", Kind::Bool),
    f("large-receive-offload", Kind::Bool),
];

const ETHERNET_ONLY: &[Field] = &[
    f("auth", Kind::Map(AUTH)),
    f("link", Kind::Ref),
    f("virtual-function-count", Kind::UInt),
    f(
        "embedded-switch-mode",
        Kind::Enum(&[("switchdev", A), ("legacy", A)]),
    ),
    f("delay-virtual-functions-rebind", Kind::Bool),
    f(
        "infiniband-mode",
        Kind::Enum(&[("datagram", A), ("connected", A)]),
    ),
];

const WIFI_ONLY: &[Field] = &[
    f("auth", Kind::Map(AUTH)),
    f("access-points", Kind::Dict(&Kind::Map(ACCESS_POINT))),
    f("regulatory-domain", Kind::Str),
];

const MODEM_ONLY: &[Field] = &[
    f("apn", Kind::Str),
    f("auto-config", Kind::Bool),
    f("device-id", Kind::Str),
    f("network-id", Kind::Str),
    f("number", Kind::Str),
    f("password", Kind::Str),
    f("pin", Kind::Str),
    f("sim-id", Kind::Str),
    f("sim-operator-id", Kind::Str),
    f("username", Kind::Str),
];

const BOND_ONLY: &[Field] = &[
    ci("interfaces", Kind::RefList),
    ci("parameters", Kind::Map(BOND_PARAMETERS)),
];

const BRIDGE_ONLY: &[Field] = &[
    ci("interfaces", Kind::RefList),
    ci("parameters", Kind::Map(BRIDGE_PARAMETERS)),
];

/// VLANs also take the `sriov` renderer (a hardware VLAN filter on a virtual function).
const VLAN_ONLY: &[Field] = &[
    ci("id", Kind::UInt),
    ci("link", Kind::Ref),
    ci(
        "renderer",
        Kind::Enum(&[("networkd", A), ("NetworkManager", A), ("sriov", A)]),
    ),
];

pub const TUNNEL_MODES: &[(&str, Netplan)] = &[
    ("sit", A),
    ("gre", A),
    ("ip6gre", A),
    ("ipip", A),
    ("ipip6", A),
    ("ip6ip6", A),
    ("vti", A),
    ("vti6", A),
    ("wireguard", A),
    ("vxlan", A),
    ("gretap", A),
    ("ip6gretap", A),
    ("isatap", A),
];

const TUNNEL_ONLY: &[Field] = &[
    f("mode", Kind::Enum(TUNNEL_MODES)),
    f("local", Kind::Ip),
    f("remote", Kind::Ip),
    f("ttl", Kind::UInt),
    f("key", Kind::TunnelKey),
    f("keys", Kind::TunnelKey),
    f("mark", Kind::UInt),
    f("port", Kind::Str),
    f("peers", Kind::MapList(PEER)),
    f("link", Kind::Ref),
    f("id", Kind::UInt),
    f("type-of-service", Kind::UInt),
    f("mac-learning", Kind::Bool),
    f("ageing", Kind::UInt),
    f("aging", Kind::UInt),
    f("limit", Kind::UInt),
    f("arp-proxy", Kind::Bool),
    f(
        "notifications",
        Kind::EnumList(&[("l2-miss", A), ("l3-miss", A)]),
    ),
    f("short-circuit", Kind::Bool),
    f(
        "checksums",
        Kind::EnumList(&[
            ("udp", A),
            ("zero-udp6-tx", A),
            ("zero-udp6-rx", A),
            ("remote-tx", A),
            ("remote-rx", A),
        ]),
    ),
    f(
        "extensions",
        Kind::EnumList(&[("group-policy", A), ("generic-protocol", A)]),
    ),
    f("port-range", Kind::StrList),
    f("flow-label", Kind::UInt),
    f("do-not-fragment", Kind::Bool),
];

/// VRFs take only these (probed: the common link keys are refused).
pub const VRF: &[Field] = &[
    f(
        "renderer",
        Kind::Enum(&[("networkd", A), ("NetworkManager", A)]),
    ),
    f("routes", Kind::MapList(ROUTE)),
    f("routing-policy", Kind::MapList(ROUTING_POLICY)),
    f("networkmanager", Kind::Map(NETWORKMANAGER)),
    f("openvswitch", Kind::Map(OPENVSWITCH)),
    f("interfaces", Kind::RefList),
    f("table", Kind::UInt),
];

const VETH_ONLY: &[Field] = &[f("peer", Kind::Ref)];

/// A device section: its key, the keys of its devices, and whether cloud-init's own renderers
/// have a handler for it.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub key: &'static str,
    /// The key lists a device of this type takes, in lookup order.
    pub fields: &'static [&'static [Field]],
    pub netplan: Netplan,
    /// cloud-init 22.4's v2 parser has a handler for it (ethernets, bonds, bridges, vlans; wifis
    /// only logs that it cannot render them).
    pub cloud_init: bool,
    /// Devices are matched (physical) rather than created.
    pub physical: bool,
}

pub const SECTIONS: &[Section] = &[
    Section {
        key: "ethernets",
        fields: &[COMMON, PHYSICAL, ETHERNET_ONLY],
        netplan: A,
        cloud_init: true,
        physical: true,
    },
    Section {
        key: "bonds",
        fields: &[COMMON, BOND_ONLY],
        netplan: A,
        cloud_init: true,
        physical: false,
    },
    Section {
        key: "bridges",
        fields: &[COMMON, BRIDGE_ONLY],
        netplan: A,
        cloud_init: true,
        physical: false,
    },
    Section {
        key: "vlans",
        fields: &[VLAN_ONLY, COMMON],
        netplan: A,
        cloud_init: true,
        physical: false,
    },
    Section {
        key: "wifis",
        fields: &[COMMON, PHYSICAL, WIFI_ONLY],
        netplan: A,
        cloud_init: false,
        physical: true,
    },
    Section {
        key: "tunnels",
        fields: &[COMMON, TUNNEL_ONLY],
        netplan: A,
        cloud_init: false,
        physical: false,
    },
    Section {
        key: "vrfs",
        fields: &[VRF],
        netplan: A,
        cloud_init: false,
        physical: false,
    },
    Section {
        key: "modems",
        fields: &[COMMON, PHYSICAL, MODEM_ONLY],
        netplan: A,
        cloud_init: false,
        physical: true,
    },
    Section {
        key: "nm-devices",
        fields: &[COMMON, PHYSICAL, ETHERNET_ONLY],
        netplan: A,
        cloud_init: false,
        physical: true,
    },
    Section {
        key: "dummy-devices",
        fields: &[COMMON],
        netplan: Netplan::Since("0.107"),
        cloud_init: false,
        physical: false,
    },
    Section {
        key: "virtual-ethernets",
        fields: &[COMMON, VETH_ONLY],
        netplan: Netplan::Since("0.107"),
        cloud_init: false,
        physical: false,
    },
];

/// Keys directly under `network:` that are not device sections.
pub const TOP: &[Field] = &[
    ci("version", Kind::UInt),
    ci(
        "renderer",
        Kind::Enum(&[("networkd", A), ("NetworkManager", A)]),
    ),
    f("openvswitch", Kind::Map(OPENVSWITCH_GLOBAL)),
];

pub fn section(key: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.key == key)
}

/// The field for a key of a device in a section.
pub fn device_field(section: &Section, key: &str) -> Option<&'static Field> {
    section
        .fields
        .iter()
        .flat_map(|fs| fs.iter())
        .find(|f| f.key == key)
}

/// Every key a device of this section takes (for "did you mean").
pub fn device_keys(section: &Section) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for f in section.fields.iter().flat_map(|fs| fs.iter()) {
        if !keys.contains(&f.key) {
            keys.push(f.key);
        }
    }
    keys
}

/// Every key allowed at the top of the config (for "did you mean").
pub fn top_keys() -> Vec<&'static str> {
    TOP.iter()
        .map(|f| f.key)
        .chain(SECTIONS.iter().map(|s| s.key))
        .collect()
}
