//! Diagnostics are data: a stable code, a severity, a message, where it is (JSON path, line,
//! column) and a hint saying what to write instead. Every shell shows the same ones.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Only `Error` blocks rendering and admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $sev:ident; )*) => {
        /// Stable diagnostic codes. The kebab-case name is the public identifier: it appears in
        /// JSON output, in policy settings and in `docs/diagnostics.md`; never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $(#[doc = $doc])* $variant, )* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The severity this code is reported with.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }

            /// What the code means: its doc comment, for `wukong-net explain` and the docs.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc),*).trim(), )* }
            }
        }

        // The TypeScript union of every code, generated from this list for the JS binding's
        // declarations (so the .d.ts cannot drift from the enum).
        #[cfg(feature = "tsify")]
        #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
        const CODE_TS: &'static str = concat!(
            "/** A stable diagnostic code: the kebab-case names of docs/diagnostics.md. */\nexport type Code =",
            $( "\n    | \"", $name, "\"", )*
            ";\n"
        );
    };
}

codes! {
    // Reading the input.
    /// The input is larger than the size limit.
    InputTooLarge = "input-too-large", Error;
    /// The input is not UTF-8 text.
    NotUtf8 = "not-utf8", Error;
    /// The YAML (or JSON) does not parse.
    YamlSyntax = "yaml-syntax", Error;
    /// The same key appears twice in one mapping.
    DuplicateKey = "duplicate-key", Error;
    /// A mapping key that is not a plain scalar.
    ComplexKey = "complex-key", Error;
    /// Nesting deeper than the limit.
    TooDeep = "too-deep", Error;
    /// More nodes than the limit, usually from aliases expanding (a "billion laughs").
    TooManyNodes = "too-many-nodes", Error;
    /// More documents in the stream than the limit.
    TooManyDocuments = "too-many-documents", Error;
    /// A document that is not a mapping.
    NotAnObject = "not-an-object", Error;
    /// A document of another kind; it is skipped.
    NotAWukong = "not-a-wukong", Warning;
    /// A field has the wrong type.
    WrongType = "wrong-type", Error;
    /// A required field is missing.
    MissingField = "missing-field", Error;
    /// A field the API does not know (Kubernetes would drop it).
    UnknownField = "unknown-field", Warning;

    // Names.
    /// metadata.name is missing or not a valid Kubernetes name.
    InvalidResourceName = "invalid-resource-name", Error;
    /// A name derived from the Wukong and network names is too long for Kubernetes.
    DerivedNameTooLong = "derived-name-too-long", Error;
    /// A network name is not a DNS-1123 label.
    InvalidNetworkName = "invalid-network-name", Error;
    /// Two networks share a name.
    DuplicateNetworkName = "duplicate-network-name", Error;
    /// More than one network is marked primary.
    MultiplePrimary = "multiple-primary", Error;
    /// A primary Multus network together with the pod network.
    PrimaryWithPodNetwork = "primary-with-pod-network", Error;
    /// More networks than the limit.
    TooManyNetworks = "too-many-networks", Error;

    // IP configuration.
    /// A network without ipConfig: the guest gets no configuration for that NIC.
    MissingIpConfig = "missing-ip-config", Warning;
    /// ipConfig.mode is missing or not dhcp/static.
    InvalidIpMode = "invalid-ip-mode", Error;
    /// DHCP mode with an address: the DHCP server supplies it.
    DhcpWithAddress = "dhcp-with-address", Error;
    /// DHCP mode with a gateway: the DHCP server supplies it.
    DhcpWithGateway = "dhcp-with-gateway", Error;
    /// Static mode without an address.
    StaticWithoutAddress = "static-without-address", Error;
    /// The address is not in CIDR form.
    AddressNotCidr = "address-not-cidr", Error;
    /// The address is the subnet's network or broadcast address.
    AddressNotHost = "address-not-host", Error;
    /// The gateway is not an IP address.
    GatewayNotIp = "gateway-not-ip", Error;
    /// The gateway is outside the address's subnet.
    GatewayOutsideSubnet = "gateway-outside-subnet", Error;
    /// The gateway equals the address.
    GatewayIsAddress = "gateway-is-address", Error;
    /// A DNS server is not an IP address.
    DnsServerNotIp = "dns-server-not-ip", Error;
    /// Two networks use the same static address.
    DuplicateAddress = "duplicate-address", Error;
    /// The pod network cannot be static: KubeVirt's masquerade binding serves it by DHCP.
    PodNetworkStatic = "pod-network-static", Error;

    // Bridges and links.
    /// bridgeName or physicalInterface is not a valid Linux interface name.
    InvalidInterfaceName = "invalid-interface-name", Error;
    /// An operator-made bridge without physicalInterface.
    MissingPhysicalInterface = "missing-physical-interface", Error;
    /// One physical NIC enslaved to two different bridges.
    NicInTwoBridges = "nic-in-two-bridges", Error;
    /// vlanId outside 1-4094.
    VlanOutOfRange = "vlan-out-of-range", Error;
    /// mtu outside 68-65535.
    MtuOutOfRange = "mtu-out-of-range", Error;
    /// A MAC address that does not parse.
    InvalidMac = "invalid-mac", Error;
    /// A multicast or all-zero MAC, which no NIC can use.
    UnusableMac = "unusable-mac", Error;
    /// Two networks pin the same MAC.
    DuplicateMac = "duplicate-mac", Error;
    /// A network type the generator cannot create a NAD for.
    UnsupportedNetworkType = "unsupported-network-type", Error;
    /// type: ovs is rendered as a Linux bridge, as the original operator does.
    OvsAsLinuxBridge = "ovs-as-linux-bridge", Warning;
    /// A field that has no effect where it is.
    IgnoredField = "ignored-field", Warning;
    /// No metadata.uid, so the generated objects carry no ownerReference.
    NoOwnerUid = "no-owner-uid", Info;

    // Admission (src/admission/, the Kubewarden policy). Owned by the policy; append below.
    /// The admission request (or the policy payload) cannot be read.
    MalformedRequest = "malformed-request", Error;
    /// A bridge outside the policy's `allowedBridges`.
    BridgeNotAllowed = "bridge-not-allowed", Error;
    /// A physical NIC outside the policy's `allowedPhysicalInterfaces`.
    PhysicalInterfaceNotAllowed = "physical-interface-not-allowed", Error;
    /// A static address while the policy's `allowStaticIp` is false.
    StaticIpNotAllowed = "static-ip-not-allowed", Error;
    /// A NAD without spec.config: Multus reads a file on the node that the policy cannot see.
    NadConfigAbsent = "nad-config-absent", Warning;
    /// NAD spec.config is not a CNI config (JSON object with `type` or `plugins`).
    CniConfigInvalid = "cni-config-invalid", Error;
    /// The bridge plugin with IPAM and `disableContainerInterface: true`, which it refuses.
    IpamWithDisabledContainerInterface = "ipam-with-disabled-container-interface", Error;
    /// `ipam.type: dhcp` on a bridge NAD: VM guests get DHCP from the network, not the CNI daemon.
    DhcpIpam = "dhcp-ipam", Error;
    /// A bridge plugin without `ipam` (`{}` is the L2-only form).
    MissingIpam = "missing-ipam", Warning;
    /// host-local: a missing or non-CIDR subnet.
    IpamInvalidSubnet = "ipam-invalid-subnet", Error;
    /// host-local: rangeStart, rangeEnd or gateway is not an IP address.
    IpamInvalidAddress = "ipam-invalid-address", Error;
    /// host-local: rangeStart, rangeEnd or gateway outside the subnet.
    IpamOutsideSubnet = "ipam-outside-subnet", Error;
    /// host-local: rangeStart after rangeEnd.
    IpamRangeReversed = "ipam-range-reversed", Error;
    /// IPAM routes: dst not CIDR or gw not an IP.
    IpamInvalidRoute = "ipam-invalid-route", Error;
    /// A `network:` key in cloud-init userData, which cloud-init ignores.
    NetworkInUserData = "network-in-user-data", Error;
    /// networkData is not Netplan/cloud-init v2 that parses.
    NetworkDataInvalid = "network-data-invalid", Error;
    /// A networkData MAC match that no VM interface pins.
    MacNotPinned = "mac-not-pinned", Error;
    /// An unquoted MAC that YAML 1.1 (cloud-init's PyYAML) reads as a number.
    UnquotedMac = "unquoted-mac", Error;
    /// A Multus network bound with masquerade (only the pod network can be).
    MasqueradeOnMultus = "masquerade-on-multus", Error;
    /// networkData leaves the pod network's interface without an address.
    PodInterfaceUnconfigured = "pod-interface-unconfigured", Warning;
    /// A Multus network names a NAD that does not exist (context-aware).
    NadNotFound = "nad-not-found", Error;
    /// A NIC on DHCP in networkData whose NAD assigns addresses with IPAM (context-aware).
    DhcpOnIpamNad = "dhcp-on-ipam-nad", Error;
    /// A NAD lookup failed (no permission, API unreachable); nothing was checked against it.
    NadLookupFailed = "nad-lookup-failed", Warning;

    // Network-config linter (src/network_config/): bare cloud-init network-configs and VM
    // networkData. It also reports network-data-invalid, unquoted-mac, invalid-mac,
    // address-not-cidr, dns-server-not-ip, gateway-not-ip, mtu-out-of-range, wrong-type and
    // missing-field, which mean the same there. Owned by the linter; append below.
    /// An unquoted value YAML 1.1 (cloud-init's PyYAML) reads as another type or number than netplan: `on`, `0755`, `1:30`.
    Yaml11Ambiguous = "yaml11-ambiguous", Error;
    /// A boolean netplan and cloud-init read differently: a quoted `"no"`, or `y`/`n`.
    Yaml11Boolean = "yaml11-boolean", Error;
    /// A key netplan does not know: it refuses the file (cloud-init ignores the key).
    UnknownKey = "unknown-key", Error;
    /// A value netplan refuses: not a boolean, a number or one of the words it allows.
    InvalidValue = "invalid-value", Error;
    /// A bond, bridge, VLAN, VRF or tunnel names an interface no device in the file defines.
    UndefinedDevice = "undefined-device", Error;
    /// One device ID defined twice (in two sections).
    DuplicateDeviceId = "duplicate-device-id", Error;
    /// One interface in two bonds or bridges.
    InterfaceInTwoParents = "interface-in-two-parents", Error;
    /// A route `via` (or gateway4/6) that no address of the NIC reaches, without `on-link: true`.
    RouteViaUnreachable = "route-via-unreachable", Error;
    /// DHCP together with static addresses of the same family on one NIC.
    DhcpWithStaticAddress = "dhcp-with-static-address", Warning;
    /// Two devices match, or set, the same MAC address.
    MacUsedTwice = "mac-used-twice", Error;
    /// `set-name` without `match`: netplan refuses it.
    SetNameWithoutMatch = "set-name-without-match", Error;
    /// `set-name` matched without `macaddress`: cloud-init renames only by MAC.
    SetNameWithoutMac = "set-name-without-mac", Warning;
    /// `routes: [{to: default}]`: cloud-init 22.4's own renderers refuse it; write 0.0.0.0/0, or gateway6 for IPv6.
    RouteToDefault = "route-to-default", Warning;
    /// `gateway4`: deprecated by netplan in favour of a `to: 0.0.0.0/0` route.
    GatewayDeprecated = "gateway-deprecated", Warning;
    /// `gateway6`: deprecated by netplan, yet the one IPv6 default route cloud-init 22.4 renders right.
    Gateway6Deprecated = "gateway6-deprecated", Info;
    /// A `to: ::/0` route: cloud-init 22.4's own renderers write it as a route to ::/64.
    Ipv6DefaultRoute = "ipv6-default-route", Warning;
    /// Something cloud-init 22.4's own renderers (sysconfig, networkd, eni) refuse; guests where netplan renders accept it.
    CloudInitRefuses = "cloud-init-refuses", Warning;
    /// A key outside cloud-init's documented v2 subset: its own renderers ignore it.
    CloudInitIgnores = "cloud-init-ignores", Warning;
    /// A key or value netplan 0.106 (Debian 12, Ubuntu 22.04) refuses; newer netplan accepts it.
    NeedsNewerNetplan = "needs-newer-netplan", Warning;
    /// Open vSwitch settings: netplan refuses them where Open vSwitch is not installed.
    NeedsOpenvswitch = "needs-openvswitch", Warning;
    /// A `match.name` glob longer than the limit (256 characters); it matches no interface.
    MatchNameTooLong = "match-name-too-long", Error;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place in the source text. Lines and columns are 1-based, columns count characters;
/// `start`/`end` are byte offsets (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    /// The very start of the input: where findings about the input as a whole point.
    pub const START: Span = Span {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
    };
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    #[cfg_attr(feature = "tsify", tsify(type = "Code"))]
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// JSON path inside the document, e.g. `spec.networks[1].ipConfig.address`; empty for the
    /// document itself.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Byte offsets in the source, for shells that convert them (the JS binding).
    #[serde(skip)]
    pub span: Span,
    /// Point at the key rather than the value (unknown or duplicate fields).
    #[serde(skip)]
    pub at_key: bool,
}

impl Diagnostic {
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            path: path.into(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            hint: None,
            span: Span::default(),
            at_key: false,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.set_span(span);
        self
    }

    pub fn set_span(&mut self, span: Span) {
        self.span = span;
        self.line = span.line;
        self.column = span.column;
        self.end_line = span.end_line;
        self.end_column = span.end_column;
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The catalogue of every code as Markdown: docs/diagnostics.md is this text (a test keeps
/// them equal), and `wukong-net explain` prints one entry.
pub fn catalog_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nGenerated by `wukong-net explain --all` from `src/diagnostic.rs`; do not edit by hand.\n\
         Codes are stable: scripts, the policy's `treatAsWarnings` setting and the previewer refer to\n\
         them by name.\n\n| code | severity | meaning |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.as_str(),
            c.severity(),
            c.summary().replace('|', "\\|")
        ));
    }
    out
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Renders diagnostics the way rustc does: header, location, the offending line with a caret
/// underline, then the hint. Deterministic and colourless; the CLI adds nothing but colour.
pub fn render_human(diagnostics: &[Diagnostic], file_name: &str, source: &str) -> String {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!("{}[{}]: {}\n", d.severity, d.code, d.message));
        let width = d.line.max(1).to_string().len();
        let pad = " ".repeat(width);
        if d.line == 0 {
            out.push_str(&format!("{pad}--> {file_name}\n"));
        } else {
            out.push_str(&format!("{pad}--> {file_name}:{}:{}\n", d.line, d.column));
            if let Some(text) = lines.get(d.line as usize - 1) {
                let text = text.trim_end_matches('\r');
                // Long or binary lines are cut so one diagnostic stays one screen.
                let shown: String = text.chars().take(200).map(printable).collect();
                let col = d.column.max(1) as usize;
                let underline = if d.end_line == d.line && d.end_column > d.column {
                    (d.end_column - d.column) as usize
                } else {
                    1
                };
                let underline = underline.min(shown.chars().count().saturating_sub(col - 1).max(1));
                out.push_str(&format!("{pad} |\n"));
                out.push_str(&format!("{} | {}\n", d.line, shown));
                out.push_str(&format!(
                    "{pad} | {}{}\n",
                    " ".repeat(col.saturating_sub(1).min(200)),
                    "^".repeat(underline)
                ));
            }
        }
        if !d.path.is_empty() {
            out.push_str(&format!("{pad} = path: {}\n", d.path));
        }
        if let Some(hint) = &d.hint {
            out.push_str(&format!("{pad} = hint: {hint}\n"));
        }
        out.push('\n');
    }
    out
}

fn printable(c: char) -> char {
    if c.is_control() && c != '\t' {
        '\u{FFFD}'
    } else {
        c
    }
}
