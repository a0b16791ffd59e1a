//! Diagnostics are data: a stable code, a severity, a message, where it is (JSON path, line,
//! column) and a hint saying what to write instead. Every shell shows the same ones.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Only `Error` blocks rendering and admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sev:ident; )*) => {
        /// Stable diagnostic codes. The kebab-case name is the public identifier: it appears in
        /// JSON output, in policy settings and in `docs/diagnostics.md`; never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $(#[$doc])* $variant, )* }

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
        }
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

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
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
