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
    (@demotable) => { true };
    (@demotable unreadable) => { false };
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $sev:ident $(+ $flag:ident)? $(, was $alias:literal)*;
        by $($site:literal),*;
    )*) => {
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

            /// The code a name stands for: its name, or a name it was merged from.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name $(| $alias)* => Some(Code::$variant), )* _ => None }
            }

            /// Former names of codes merged into this one; still accepted wherever users
            /// write codes (`explain`, the policy's `treatAsWarnings`).
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $( Code::$variant => &[$($alias),*], )* }
            }

            /// Whether the policy's `treatAsWarnings` may turn this code into a warning. Codes
            /// marked `unreadable` say the object could not be read: demoting them would admit
            /// objects nobody checked.
            pub fn demotable(self) -> bool {
                match self { $( Code::$variant => codes!(@demotable $($flag)?), )* }
            }

            /// The functions that emit this code, as `file under src/: function`
            /// (tests/docs.rs checks the list against the source).
            pub fn emitted_by(self) -> &'static [&'static str] {
                match self { $( Code::$variant => &[$($site),*], )* }
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
    InputTooLarge = "input-too-large", Error + unreadable;
        by "admission/object_limits.rs: object_limits", "source/mod.rs: too_large";
    /// The input is not UTF-8 text.
    NotUtf8 = "not-utf8", Error + unreadable;
        by "source/mod.rs: decode_with";
    /// The YAML (or JSON) does not parse.
    YamlSyntax = "yaml-syntax", Error + unreadable;
        by "source/builder.rs: alias", "source/mod.rs: syntax_error";
    /// The same key appears twice in one mapping.
    DuplicateKey = "duplicate-key", Error + unreadable;
        by "source/builder.rs: place";
    /// A mapping key that is not a plain scalar.
    ComplexKey = "complex-key", Error + unreadable;
        by "source/builder.rs: child_path", "source/builder.rs: place";
    /// Nesting deeper than the limit.
    TooDeep = "too-deep", Error + unreadable;
        by "admission/object_limits.rs: object_limits", "source/builder.rs: open";
    /// More nodes than the limit, usually from aliases expanding (a "billion laughs").
    TooManyNodes = "too-many-nodes", Error + unreadable;
        by "admission/object_limits.rs: object_limits", "source/builder.rs: alias", "source/builder.rs: count";
    /// More documents in the stream than the limit.
    TooManyDocuments = "too-many-documents", Error + unreadable;
        by "source/mod.rs: parse_with";
    /// A document that is not a mapping.
    NotAnObject = "not-an-object", Error + unreadable;
        by "load.rs: load";
    /// A document of a kind wukong-net does not check (not one of Wukong, the KubeVirt VM
    /// kinds, NetworkAttachmentDefinition, NodeNetworkConfigurationPolicy, network-config); it
    /// is skipped. The name is older than the other kinds: it stays for scripts that use it.
    NotAWukong = "not-a-wukong", Info;
        by "load.rs: load", "manifest/mod.rs: skipped";
    /// A field has the wrong type.
    WrongType = "wrong-type", Error + unreadable;
        by "admission/nncp/fields.rs: wrong_type", "admission/vm/cloud_init.rs: embedded", "admission/vm/mod.rs: read", "kubevirt_schema/mod.rs: wrong_type", "load.rs: load", "load.rs: type_error", "network_config/fields.rs: wrong_type";
    /// A required field is missing.
    MissingField = "missing-field", Error + unreadable;
        by "admission/nncp/fields.rs: missing", "load.rs: type_error", "network_config/structure.rs: missing";
    /// A field the API does not know. In a Wukong Kubernetes drops it (a warning); in a KubeVirt VirtualMachine, VMI, pool or replica set the API server's strict field validation refuses the object (reported as an error).
    UnknownField = "unknown-field", Warning;
        by "admission/nncp/mod.rs: check_spec_fields", "kubevirt_schema/mod.rs: unknown", "load.rs: unknown_field";

    // Names.
    /// metadata.name is missing or not a valid Kubernetes name.
    InvalidResourceName = "invalid-resource-name", Error;
        by "checks/names.rs: check";
    /// A name derived from the Wukong's name and a network or disk name (a NAD, a DataVolume) is too long for Kubernetes.
    DerivedNameTooLong = "derived-name-too-long", Error;
        by "checks/names.rs: check", "checks/storage.rs: disk_names";
    /// A network name is not a DNS-1123 label.
    InvalidNetworkName = "invalid-network-name", Error;
        by "checks/names.rs: check";
    /// Two networks share a name.
    DuplicateNetworkName = "duplicate-network-name", Error;
        by "checks/names.rs: check";
    /// More than one network is marked primary.
    MultiplePrimary = "multiple-primary", Error;
        by "checks/names.rs: check";
    /// A primary Multus network together with the pod network.
    PrimaryWithPodNetwork = "primary-with-pod-network", Error;
        by "checks/names.rs: check";
    /// More networks than the limit.
    TooManyNetworks = "too-many-networks", Error;
        by "checks/names.rs: check";

    // IP configuration.
    /// A network without ipConfig: the guest gets no configuration for that NIC.
    MissingIpConfig = "missing-ip-config", Warning;
        by "checks/ip_config.rs: check";
    /// ipConfig.mode is missing or not dhcp/static/disabled, or ipv6.mode not slaac/dhcp/static/disabled.
    InvalidIpMode = "invalid-ip-mode", Error;
        by "load.rs: type_error";
    /// DHCP mode with an address: the DHCP server supplies it.
    DhcpWithAddress = "dhcp-with-address", Error;
        by "checks/ip_config.rs: dhcp_with_static_fields";
    /// DHCP mode with a gateway: the DHCP server supplies it.
    DhcpWithGateway = "dhcp-with-gateway", Error;
        by "checks/ip_config.rs: dhcp_with_static_fields";
    /// Static mode without an address.
    StaticWithoutAddress = "static-without-address", Error;
        by "checks/ip_config.rs: check", "checks/ip_config.rs: check_ipv6";
    /// The address is not in CIDR form.
    AddressNotCidr = "address-not-cidr", Error;
        by "admission/nncp/ip.rs: address", "checks/ip_config.rs: check_address", "network_config/fields.rs: check_cidr";
    /// The address is the subnet's network or broadcast address.
    AddressNotHost = "address-not-host", Error;
        by "checks/ip_config.rs: check_address";
    /// The gateway is not an IP address.
    GatewayNotIp = "gateway-not-ip", Error;
        by "checks/ip_config.rs: check_gateway", "network_config/fields.rs: ip";
    /// The gateway is outside the address's subnet.
    GatewayOutsideSubnet = "gateway-outside-subnet", Error;
        by "checks/ip_config.rs: check_gateway";
    /// The gateway equals the address.
    GatewayIsAddress = "gateway-is-address", Error;
        by "checks/ip_config.rs: check_gateway";
    /// A DNS server is not an IP address.
    DnsServerNotIp = "dns-server-not-ip", Error;
        by "checks/ip_config.rs: check", "network_config/fields.rs: ip";
    /// Two networks use the same static address.
    DuplicateAddress = "duplicate-address", Error;
        by "checks/ip_config.rs: note_address", "manifest/cross_refs.rs: pinned_twice";
    /// The pod network cannot be static: KubeVirt's masquerade binding serves it by DHCP.
    PodNetworkStatic = "pod-network-static", Error;
        by "checks/ip_config.rs: check";
    /// A top-level IPv6 static address together with an `ipv6` block: IPv6 given twice.
    Ipv6GivenTwice = "ipv6-given-twice", Error;
        by "checks/ip_config.rs: check";
    /// An IPv4 address or gateway in the `ipv6` block.
    WrongAddressFamily = "wrong-address-family", Error;
        by "checks/ip_config.rs: wrong_family";
    /// An address or gateway with `ipv6.mode: slaac`: the router's advertisements pick them.
    SlaacWithAddress = "slaac-with-address", Error;
        by "checks/ip_config.rs: check_ipv6";
    /// An address or gateway for a family whose mode is `disabled`.
    DisabledWithAddress = "disabled-with-address", Error;
        by "checks/ip_config.rs: check", "checks/ip_config.rs: check_ipv6";
    /// IPv4 and IPv6 both disabled (or IPv4 disabled without an `ipv6` block): the NIC would have no IP configuration.
    NoAddressFamily = "no-address-family", Error;
        by "checks/ip_config.rs: no_address_family";
    /// `ipv6.privacy` with a static or disabled IPv6 mode: there is no autoconfigured address to hide.
    PrivacyStatic = "privacy-static", Warning;
        by "checks/ip_config.rs: check_ipv6";
    /// An IPv6-only NIC on SLAAC alone: cloud-init 22.4's eni renderer leaves it down and its sysconfig renderer writes no IPV6INIT.
    Ipv6OnlySlaac = "ipv6-only-slaac-cloud-init", Warning;
        by "checks/ip_config.rs: check_ipv6", "network_config/portability.rs: router_advertisements";
    /// A DNS server of an address family the NIC has disabled.
    DnsFamilyDisabled = "dns-family-disabled", Warning;
        by "checks/ip_config.rs: dns_families";

    // Bridges and links.
    /// bridgeName or physicalInterface is not a valid Linux interface name.
    InvalidInterfaceName = "invalid-interface-name", Error;
        by "admission/cni/mod.rs: check_bridge", "admission/nncp/mod.rs: interface", "checks/bridge.rs: check";
    /// An operator-made bridge without physicalInterface.
    MissingPhysicalInterface = "missing-physical-interface", Error;
        by "checks/bridge.rs: check";
    /// One physical NIC enslaved to two different bridges.
    NicInTwoBridges = "nic-in-two-bridges", Error;
        by "checks/bridge.rs: check";
    /// A VLAN id outside its reader's range (`crate::limits`): a Wukong vlanId 1-4094, a CNI bridge `vlan` 0-4094 (0: untagged) and `vlanTrunk` 1-4094, a netplan VLAN `id` 0-4094, an NMState bridge port's VLAN 1-4094 and `vlan` interface id 0-4094.
    VlanOutOfRange = "vlan-out-of-range", Error;
        by "admission/cni/vlan.rs: check_vlans", "admission/nncp/bridge.rs: vlan_id", "admission/nncp/vlan.rs: check_vlan_interface", "checks/link.rs: check", "network_config/values.rs: ids";
    /// An MTU outside 68-65535 (netplan's `ipv6-mtu`: 1280-65535).
    MtuOutOfRange = "mtu-out-of-range", Error;
        by "admission/nncp/mod.rs: check_mtu", "checks/link.rs: check", "network_config/values.rs: mtu";
    /// A MAC address that does not parse.
    InvalidMac = "invalid-mac", Error;
        by "checks/link.rs: check", "network_config/fields.rs: mac";
    /// A multicast or all-zero MAC, which no NIC can use.
    UnusableMac = "unusable-mac", Error;
        by "admission/vm/cloud_init.rs: check_network_data", "checks/link.rs: check";
    /// One MAC used twice: two Wukong networks pin it, or two network-config devices match or set it.
    DuplicateMac = "duplicate-mac", Error, was "mac-used-twice";
        by "checks/link.rs: check", "manifest/cross_refs.rs: pinned_twice", "network_config/values.rs: macs";
    /// A network type the generator cannot create a NAD for.
    UnsupportedNetworkType = "unsupported-network-type", Error;
        by "checks/bridge.rs: check";
    /// type: ovs is rendered as a Linux bridge, as the original operator does.
    OvsAsLinuxBridge = "ovs-as-linux-bridge", Warning;
        by "checks/bridge.rs: check";
    /// A field that has no effect where it is.
    IgnoredField = "ignored-field", Warning;
        by "admission/nncp/bridge.rs: check_ovs_bridge", "admission/nncp/bridge.rs: trunk_tag", "admission/nncp/ip.rs: check_family", "checks/bridge.rs: ignored";
    /// No metadata.uid, so the generated objects carry no ownerReference.
    NoOwnerUid = "no-owner-uid", Info;
        by "checks/names.rs: check";

    // The VM's other fields (issue 13): memory, disks, osImage, cloudInitUser, sshKeySecret,
    // gpus, highAvailability, startStrategy.
    /// A memory amount or disk size that is not a positive Kubernetes quantity (`8Gi`, `500G`; the units are case-sensitive, so `4K` is refused although the Wukong CRD's pattern allows it).
    InvalidQuantity = "invalid-quantity", Error;
        by "checks/compute.rs: quantity_problem";
    /// An image (disks[].image, osImage) that is not a container image reference, an `oci-archive://` path or an http(s) URL; or a registry image with both a tag and a digest where CDI imports it.
    InvalidImageReference = "invalid-image-reference", Error;
        by "checks/storage.rs: source_error", "checks/storage.rs: tag_and_digest";
    /// An image with a scheme that is not rendered: disks[].image takes `docker://`, `oci-archive://`, `http://` and `https://`; osImage, which boots as a containerDisk, only registry images.
    UnsupportedImageScheme = "unsupported-image-scheme", Error;
        by "checks/storage.rs: os_image_source", "checks/storage.rs: source_error";
    /// A disk name that is not a DNS-1123 label (it names the VM's disk and the DataVolume `<wukong>-<disk>`).
    InvalidDiskName = "invalid-disk-name", Error;
        by "checks/storage.rs: disk_names";
    /// Two disks share a name, or a disk takes the name of the VM's own `cloudinitdisk` (or `containerdisk`, when osImage boots the VM).
    DuplicateDiskName = "duplicate-disk-name", Error;
        by "checks/storage.rs: disk_names";
    /// More than one disk is marked `boot: true`; they are tried in order.
    SeveralBootDisks = "several-boot-disks", Warning;
        by "checks/storage.rs: boot_disks";
    /// A boot disk with no image and no osImage to fill it: the VM boots from a blank disk.
    EmptyBootDisk = "empty-boot-disk", Warning;
        by "checks/storage.rs: boot_disks";
    /// A GPU deviceName that is not a device plugin resource name (`vendor-domain/name`, e.g. `nvidia.com/TU104GL_Tesla_T4`).
    InvalidGpuDeviceName = "invalid-gpu-device-name", Error;
        by "checks/compute.rs: gpus";
    /// Two GPUs share a name.
    DuplicateGpuName = "duplicate-gpu-name", Error;
        by "checks/compute.rs: gpus";
    /// sshKeySecret is not a valid Secret name (a DNS-1123 subdomain).
    InvalidSecretName = "invalid-secret-name", Error;
        by "checks/names.rs: ssh_key_secret";
    /// A toleration Kubernetes refuses (operator not Equal/Exists, a value with Exists, an unknown effect, a bad key, tolerationSeconds without NoExecute); it is left out of the VM, which can only keep the VM off more nodes.
    InvalidToleration = "invalid-toleration", Warning;
        by "checks/scheduling.rs: check";
    /// A nodeSelector key that is not a label key, or a value that is not a label value: the VM's pod would be refused, and leaving the entry out would let the VM run on nodes it was kept off.
    InvalidNodeSelector = "invalid-node-selector", Error;
        by "checks/scheduling.rs: node_selector";
    /// cloudInitUser.passwordHash does not look like a crypt(3) hash (`$6$salt$hash`, `$y$...`): cloud-init writes it into /etc/shadow as it is, and no password would match.
    PasswordHashFormat = "password-hash-format", Warning;
        by "checks/cloud_init_user.rs: check";

    // Rendering decisions about the rest of the spec (src/render.rs: notes): what `render` will
    // do that the author may not expect. Warnings and infos only: a spec valid before these
    // fields were rendered stays valid.
    /// The VM has no operating system disk: no `disks[]` entry with `boot: true` and no usable `osImage`. It renders, but boots nothing.
    NoOsDisk = "no-os-disk", Warning;
        by "disks.rs: no_os_disk";
    /// A field wukong-net does not render (yet), named so that nothing is dropped silently.
    NotRendered = "not-rendered", Warning;
        by "disks.rs: notes", "kubevirt.rs: notes", "render.rs: notes";
    /// A plaintext `cloudInitUser.password`: the userData goes into a Secret, never into the VM spec.
    PlaintextPassword = "plaintext-password", Warning;
        by "cloud_init.rs: notes";
    /// Both `password` and `passwordHash`: the hash is used and the plaintext is rendered nowhere.
    PasswordAndHash = "password-and-hash", Warning;
        by "cloud_init.rs: notes";
    /// `startStrategy.autoStart` or `highAvailability.restartPolicy` disagrees with the runStrategy rendered; `runStrategy` (then `autoStart`) wins.
    RunStrategyConflict = "run-strategy-conflict", Warning;
        by "kubevirt.rs: notes";
    /// An `osImage` the KubeVirt containerdisks project does not publish: not one of its short names, or a short name without a tag where it publishes no `latest`.
    UnknownOsImage = "unknown-os-image", Warning;
        by "disks.rs: notes";
    /// `osImage` is not used, because the boot disk is imported from its own `image`.
    OsImageUnused = "os-image-unused", Info;
        by "disks.rs: notes";
    /// The userData is longer than KubeVirt accepts inline (2048 bytes), so it goes into a Secret.
    UserDataInSecret = "user-data-in-secret", Info;
        by "cloud_init.rs: notes";

    // Admission (src/admission/, the Kubewarden policy). Owned by the policy; append below.
    /// The admission request (or the policy payload) cannot be read.
    MalformedRequest = "malformed-request", Error + unreadable;
        by "admission/verdict.rs: malformed";
    /// A bridge outside the policy's `allowedBridges`.
    BridgeNotAllowed = "bridge-not-allowed", Error;
        by "admission/rule_helpers.rs: not_allowed_bridge";
    /// A physical NIC outside the policy's `allowedPhysicalInterfaces`.
    PhysicalInterfaceNotAllowed = "physical-interface-not-allowed", Error;
        by "admission/wukong.rs: policy_limits";
    /// A static address while the policy's `allowStaticIp` is false.
    StaticIpNotAllowed = "static-ip-not-allowed", Error;
        by "admission/rule_helpers.rs: static_not_allowed";
    /// A NAD without spec.config: Multus reads a file on the node that the policy cannot see.
    NadConfigAbsent = "nad-config-absent", Warning;
        by "admission/cni/mod.rs: check_nad";
    /// NAD spec.config is not a CNI config (JSON object with `type` or `plugins`).
    CniConfigInvalid = "cni-config-invalid", Error + unreadable;
        by "admission/cni/ipam.rs: check_host_local", "admission/cni/mod.rs: check_bridge", "admission/cni/mod.rs: check_nad", "admission/cni/mod.rs: plugins", "admission/cni/vlan.rs: check_vlans";
    /// The bridge plugin with IPAM and `disableContainerInterface: true`, which it refuses.
    IpamWithDisabledContainerInterface = "ipam-with-disabled-container-interface", Error;
        by "admission/cni/mod.rs: check_bridge";
    /// `ipam.type: dhcp` on a bridge NAD: VM guests get DHCP from the network, not the CNI daemon.
    DhcpIpam = "dhcp-ipam", Error;
        by "admission/cni/mod.rs: check_bridge";
    /// A bridge plugin without `ipam` (`{}` is the L2-only form).
    MissingIpam = "missing-ipam", Warning;
        by "admission/cni/mod.rs: check_bridge";
    /// host-local: a missing or non-CIDR subnet.
    IpamInvalidSubnet = "ipam-invalid-subnet", Error;
        by "admission/cni/ipam.rs: check_host_local", "admission/cni/ipam.rs: check_range";
    /// host-local: rangeStart, rangeEnd or gateway is not an IP address.
    IpamInvalidAddress = "ipam-invalid-address", Error;
        by "admission/cni/ipam.rs: check_range";
    /// host-local: rangeStart, rangeEnd or gateway outside the subnet.
    IpamOutsideSubnet = "ipam-outside-subnet", Error;
        by "admission/cni/ipam.rs: check_range";
    /// host-local: rangeStart after rangeEnd.
    IpamRangeReversed = "ipam-range-reversed", Error;
        by "admission/cni/ipam.rs: check_range";
    /// IPAM routes: dst not CIDR or gw not an IP.
    IpamInvalidRoute = "ipam-invalid-route", Error;
        by "admission/cni/ipam.rs: check_routes";
    /// host-local: a range set mixing IPv4 and IPv6 subnets, or a route whose gw is not of its dst's family.
    IpamMixedFamilies = "ipam-mixed-families", Error;
        by "admission/cni/ipam.rs: check_routes", "admission/cni/ipam.rs: range_set_families";
    /// host-local: two range sets of one family, so the pod gets two addresses of it (dual stack is one set per family).
    IpamFamilyTwice = "ipam-family-twice", Warning;
        by "admission/cni/ipam.rs: range_set_families";
    /// A `network:` key in cloud-init userData, which cloud-init ignores.
    NetworkInUserData = "network-in-user-data", Error;
        by "admission/vm/cloud_init.rs: check_user_data";
    /// networkData is not Netplan/cloud-init v2 that parses.
    NetworkDataInvalid = "network-data-invalid", Error + unreadable;
        by "admission/vm/cloud_init.rs: embedded", "network_config/fields.rs: section", "network_config/mod.rs: parse", "network_config/structure.rs: invalid";
    /// A config drive's networkData in OpenStack network_data.json form: cloud-init reads it, this tool does not check it.
    NetworkDataNotChecked = "network-data-not-checked", Info;
        by "admission/vm/cloud_init.rs: check_volumes";
    /// A networkData MAC match that no VM interface pins.
    MacNotPinned = "mac-not-pinned", Error;
        by "admission/vm/cloud_init.rs: check_network_data";
    /// An unquoted MAC that YAML 1.1 (cloud-init's PyYAML) reads as a number.
    UnquotedMac = "unquoted-mac", Error;
        by "network_config/yaml11_traps.rs: unquoted_mac";
    /// A Multus network bound with masquerade (only the pod network can be).
    MasqueradeOnMultus = "masquerade-on-multus", Error;
        by "admission/vm/mod.rs: check_bindings";
    /// networkData leaves the pod network's interface without an address.
    PodInterfaceUnconfigured = "pod-interface-unconfigured", Warning;
        by "admission/vm/cloud_init.rs: check_network_data";
    /// A Multus network names a NAD that does not exist (context-aware). In `check`, a NAD
    /// missing from the files checked together is only info: the cluster may have it.
    NadNotFound = "nad-not-found", Error;
        by "admission/vm/nads.rs: check";
    /// A NIC on DHCP in networkData whose NAD assigns addresses with IPAM (context-aware).
    DhcpOnIpamNad = "dhcp-on-ipam-nad", Error;
        by "admission/vm/nads.rs: check";
    /// A NAD lookup failed (no permission, API unreachable); nothing was checked against it.
    NadLookupFailed = "nad-lookup-failed", Warning;
        by "admission/vm/nads.rs: check";

    // References between the manifests checked together (`wukong-net check a.yaml b.yaml`).
    /// A VM interface with bridge binding on a macvlan NAD: KubeVirt does not support it.
    BridgeBindingOnMacvlan = "bridge-binding-on-macvlan", Error;
        by "manifest/cross_refs.rs: nic_rules";
    /// A NAD's bridge that none of the NodeNetworkConfigurationPolicies checked with it
    /// creates (only reported when some are).
    BridgeWithoutPolicy = "bridge-without-policy", Warning;
        by "manifest/cross_refs.rs: bridges_without_policy";
    /// A NAD that assigns a single address (static IPAM with one address, a one-address
    /// host-local range) used by two VMs.
    SingleAddressNadShared = "single-address-nad-shared", Error;
        by "manifest/cross_refs.rs: nic_rules";

    // Network-config linter (src/network_config/): bare cloud-init network-configs and VM
    // networkData. It also reports network-data-invalid, unquoted-mac, invalid-mac,
    // duplicate-mac, vlan-out-of-range, address-not-cidr, dns-server-not-ip, gateway-not-ip,
    // mtu-out-of-range, wrong-type and missing-field, which mean the same there. Owned by the linter; append below.
    /// An unquoted value YAML 1.1 (cloud-init's PyYAML) reads as another type or number than netplan: `on`, `0755`, `1:30`.
    Yaml11Ambiguous = "yaml11-ambiguous", Error;
        by "network_config/yaml11_traps.rs: leading_zero", "network_config/yaml11_traps.rs: name_key", "network_config/yaml11_traps.rs: text_trap";
    /// A boolean netplan and cloud-init read differently: a quoted `"no"`, or `y`/`n`.
    Yaml11Boolean = "yaml11-boolean", Error;
        by "network_config/yaml11_traps.rs: boolean";
    /// A key netplan (or nmstate, in an NMState policy) does not know: it refuses the file (cloud-init ignores the key).
    UnknownKey = "unknown-key", Error;
        by "admission/nncp/fields.rs: unknown_keys", "network_config/fields.rs: top", "network_config/fields.rs: unknown", "network_config/structure.rs: root";
    /// A value netplan (or nmstate) refuses: not a boolean, a number or one of the words it allows.
    InvalidValue = "invalid-value", Error;
        by "admission/nncp/bridge.rs: port_vlan", "admission/nncp/mod.rs: check_type", "admission/nncp/mod.rs: interface", "network_config/backend.rs: networkd", "network_config/backend.rs: passphrases", "network_config/fields.rs: invalid", "network_config/fields.rs: ip", "network_config/values.rs: ids", "network_config/values.rs: route_shapes";
    /// A bond, bridge, VLAN, VRF or tunnel names an interface no device in the file defines.
    UndefinedDevice = "undefined-device", Error;
        by "network_config/structure.rs: references";
    /// One device ID defined twice (in two sections).
    DuplicateDeviceId = "duplicate-device-id", Error;
        by "network_config/structure.rs: references";
    /// One interface in two bonds or bridges.
    InterfaceInTwoParents = "interface-in-two-parents", Error;
        by "admission/nncp/ports.rs: check", "network_config/structure.rs: references";
    /// A route `via` (or gateway4/6) that no address of the NIC reaches, without `on-link: true`.
    RouteViaUnreachable = "route-via-unreachable", Error;
        by "network_config/values.rs: unreachable";
    /// DHCP together with static addresses of the same family on one NIC.
    DhcpWithStaticAddress = "dhcp-with-static-address", Warning;
        by "admission/nncp/ip.rs: check_family", "network_config/values.rs: dhcp_and_static";
    /// `set-name` without `match`: netplan refuses it.
    SetNameWithoutMatch = "set-name-without-match", Error;
        by "network_config/portability.rs: set_name";
    /// `set-name` matched without `macaddress`: cloud-init renames only by MAC.
    SetNameWithoutMac = "set-name-without-mac", Warning;
        by "network_config/portability.rs: set_name";
    /// `routes: [{to: default}]`: cloud-init 22.4's own renderers refuse it; write 0.0.0.0/0, or gateway6 for IPv6.
    RouteToDefault = "route-to-default", Warning;
        by "network_config/portability.rs: routes";
    /// `gateway4`: deprecated by netplan in favour of a `to: 0.0.0.0/0` route.
    GatewayDeprecated = "gateway-deprecated", Warning;
        by "network_config/portability.rs: gateways";
    /// `gateway6`: deprecated by netplan, yet the one IPv6 default route cloud-init 22.4 renders right.
    Gateway6Deprecated = "gateway6-deprecated", Info;
        by "network_config/portability.rs: gateways";
    /// A `to: ::/0` route: cloud-init 22.4's own renderers write it as a route to ::/64.
    Ipv6DefaultRoute = "ipv6-default-route", Warning;
        by "network_config/portability.rs: routes";
    /// Something cloud-init 22.4's own renderers (sysconfig, networkd, eni) refuse; guests where netplan renders accept it.
    CloudInitRefuses = "cloud-init-refuses", Warning;
        by "network_config/portability.rs: refuses", "network_config/portability.rs: routes", "network_config/portability.rs: sections", "network_config/yaml11_traps.rs: boolean";
    /// A key outside cloud-init's documented v2 subset: its own renderers ignore it.
    CloudInitIgnores = "cloud-init-ignores", Warning;
        by "checks/ip_config.rs: check_ipv6", "network_config/fields.rs: field", "network_config/portability.rs: wifis";
    /// A key or value netplan 0.106 (Debian 12, Ubuntu 22.04) refuses; newer netplan accepts it.
    NeedsNewerNetplan = "needs-newer-netplan", Warning;
        by "network_config/fields.rs: newer_netplan";
    /// Open vSwitch settings: netplan refuses them where Open vSwitch is not installed.
    NeedsOpenvswitch = "needs-openvswitch", Warning;
        by "network_config/portability.rs: openvswitch";
    /// `accept-ra` without `dhcp6: true`: cloud-init 22.4's networkd renderer drops it.
    AcceptRaDroppedByNetworkd = "accept-ra-dropped-by-networkd", Info;
        by "network_config/portability.rs: router_advertisements";
    /// `accept-ra: true` with an IPv6 address whose prefix is not /64: SLAAC needs a /64 prefix.
    SlaacPrefixNot64 = "slaac-prefix-not-64", Warning;
        by "network_config/portability.rs: router_advertisements";
    /// A `match.name` glob longer than the limit (256 characters); it matches no interface.
    MatchNameTooLong = "match-name-too-long", Error;
        by "network_config/glob.rs: check";

    // NMState NodeNetworkConfigurationPolicies (src/admission/nncp/). They also report
    // wrong-type, missing-field, unknown-key, invalid-value, invalid-interface-name,
    // mtu-out-of-range, vlan-out-of-range, address-not-cidr, ignored-field,
    // dhcp-with-static-address and interface-in-two-parents, which mean the same there.
    /// STP on (or left at NetworkManager's default, on) on a bridge VMs use: each new port forwards nothing for about 30 s, and a guest's DHCP times out.
    StpEnabled = "stp-enabled", Warning;
        by "admission/nncp/bridge.rs: stp_warning";
    /// Linux bridge VLAN filtering nmstate or NetworkManager refuses: a trunk without trunk-tags, `tag` on a trunk without enable-native, trunk-tags or enable-native on an access port, overlapping trunk tags, a reversed id-range.
    BridgeVlanInvalid = "bridge-vlan-invalid", Error;
        by "admission/nncp/bridge.rs: overlaps", "admission/nncp/bridge.rs: port_vlan", "admission/nncp/bridge.rs: trunk_tag";
    /// One port listed twice by the same bridge or bond.
    DuplicatePort = "duplicate-port", Error;
        by "admission/nncp/ports.rs: check";
    /// IPv4 or IPv6 enabled on an interface that is a bridge or bond port: nmstate refuses it.
    PortHasIp = "port-has-ip", Error;
        by "admission/nncp/ports.rs: check";
    /// A static address in a policy that does not select a single node: every node gets it.
    StaticIpOnManyNodes = "static-ip-on-many-nodes", Warning;
        by "admission/nncp/ip.rs: check_static_scope";
    /// A VLAN interface with an address over a NIC that is also a bridge port: it receives its frames only where the NIC strips VLAN tags in hardware.
    VlanOverBridgePort = "vlan-over-bridge-port", Warning;
        by "admission/nncp/ports.rs: vlans_over_ports";
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
    /// Repairs, as data (src/fix/); serialized only when there are some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub fixes: Vec<crate::fix::Fix>,
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
            fixes: Vec::new(),
        }
    }

    /// Offers a repair (its patch paths relative to the object the rule checks, as the
    /// diagnostic's path is).
    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// Offers several repairs.
    pub fn with_fix_list(mut self, fixes: Vec<crate::fix::Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Moves the diagnostic and its fixes under `prefix` (the object's place in its
    /// document, a template's in its object).
    pub fn rebase(&mut self, prefix: &crate::json_path::JsonPath) {
        if prefix.is_root() {
            return;
        }
        self.path = prefix
            .clone()
            .join(&crate::json_path::JsonPath::parse(&self.path))
            .to_string();
        self.rebase_fixes(prefix);
    }

    /// Moves only the fixes' paths under `prefix`.
    pub fn rebase_fixes(&mut self, prefix: &crate::json_path::JsonPath) {
        let p = crate::fix::pointer(prefix);
        if p.is_empty() {
            return;
        }
        for f in &mut self.fixes {
            f.patch = std::mem::take(&mut f.patch)
                .into_iter()
                .map(|op| op.under(&p))
                .collect();
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
         them by name. A code merged into another keeps working under its former name, listed with\n\
         the code it became. \"emitted by\" names the file under `src/` and the function that\n\
         reports the code. \"fix\" says whether its findings carry a fix (`check --fix` applies\n\
         the safe ones, `--unsafe-fixes` the others too) and what it does.\n\n\
         | code | severity | meaning | fix | emitted by |\n|---|---|---|---|---|\n",
    );
    for c in Code::ALL {
        let sites: Vec<String> = c.emitted_by().iter().map(|s| format!("`{s}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.as_str(),
            c.severity(),
            c.details().replace('|', "\\|"),
            crate::fix::fix_summary(*c).replace('|', "\\|"),
            sites.join(", ")
        ));
    }
    out
}

impl Code {
    /// The summary with what else users need to know: the names it was merged from, and
    /// whether `treatAsWarnings` may demote it.
    pub fn details(self) -> String {
        let mut text = self.summary().to_string();
        if !self.aliases().is_empty() {
            let names: Vec<String> = self.aliases().iter().map(|a| format!("`{a}`")).collect();
            text.push_str(&format!(
                " Formerly also {}, still accepted by `explain` and `treatAsWarnings`.",
                names.join(", ")
            ));
        }
        if !self.demotable() {
            text.push_str(" The object could not be read: `treatAsWarnings` cannot demote it.");
        }
        text
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
