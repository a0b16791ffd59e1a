//! Input limits. Every shell (CLI, policy, JS binding) goes through the same parser, so these
//! hold identically everywhere. Each is checked before the work it bounds is done.

/// Largest input text accepted, in bytes (1 MiB). A Wukong with 64 networks is about 20 KiB.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Most YAML documents in one stream.
pub const MAX_DOCUMENTS: usize = 100;
/// What one input is read under. The policy, the JS binding and `render` read one object or a
/// few with [`Limits::OBJECT`]; `wukong-net check` reads files and stdin with
/// [`Limits::STREAM`], since `kustomize build` and `helm template` write a whole application
/// into one stream. The parse is linear in the input (about 65 ms per MiB natively), so either
/// bound keeps the cost of one input bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input text, in bytes.
    pub input_bytes: usize,
    /// Most YAML documents in one stream.
    pub documents: usize,
    /// Most nodes in one stream after aliases are expanded.
    pub nodes: usize,
}

impl Limits {
    /// One object or a few: what reaches admission, the previewer and `render`.
    pub const OBJECT: Limits = Limits {
        input_bytes: MAX_INPUT_BYTES,
        documents: MAX_DOCUMENTS,
        nodes: MAX_NODES,
    };
    /// A rendered application (`kustomize build | wukong-net check -`): 16 times the size and
    /// 5 times the nodes (a thousand objects of 200 nodes each), in up to 10,000 documents. At
    /// the most nodes, about 1.5 s and 450 MB natively: every node's path is kept to locate
    /// findings (`make bench` prints it: benches/check.rs).
    pub const STREAM: Limits = Limits {
        input_bytes: 16 * MAX_INPUT_BYTES,
        documents: 10_000,
        nodes: 5 * MAX_NODES,
    };
}

/// Deepest nesting of mappings and sequences.
pub const MAX_DEPTH: usize = 64;
/// Most nodes in one stream after aliases are expanded: stops "billion laughs" alias bombs.
pub const MAX_NODES: usize = 200_000;
/// Most nodes in one stream that come from expanding aliases. Manifests and network-configs
/// rarely use aliases at all; an expansion costs as much as the nodes it copies, so this keeps a
/// 16 KB alias fan-out (up to 200,000 nodes under [`MAX_NODES`] alone, about 18 ms natively)
/// to about 2 ms, while a text without aliases may still hold [`MAX_NODES`].
pub const MAX_ALIAS_NODES: usize = 20_000;
/// Most networks in one Wukong (KubeVirt VMs rarely have more than a handful of NICs).
pub const MAX_NETWORKS: usize = 64;
/// Longest `match.name` glob in a network-config, in characters. Interface names have at most
/// 15 characters, so a glob needs at most 15 one-character tokens plus stars; 256 leaves room
/// for classes (`[a-z0-9]`) and bounds the matcher's work (pattern x name) whatever a VM's
/// networkData holds (issue 10: a glob bomb of 80 stars took 43 s before the matcher was made
/// linear).
pub const MAX_MATCH_NAME_CHARS: usize = 256;

// Value ranges. They differ by reader on purpose; each is named with who reads it and why, so
// a check states which one it applies. One code reports each concept whatever the range
// (`vlan-out-of-range`, `mtu-out-of-range`).

use std::ops::RangeInclusive;

/// A Wukong `vlanId`: an 802.1Q tag (0 carries no VLAN, 4095 is reserved); untagged traffic
/// is written by leaving `vlanId` out. The CRD schema states the same bounds (src/model.rs).
pub const WUKONG_VLAN_IDS: RangeInclusive<i64> = 1..=4094;
/// The CNI bridge plugin's `vlan`: 0 is its default and means untagged.
pub const CNI_BRIDGE_VLAN_IDS: RangeInclusive<i64> = 0..=4094;
/// The CNI bridge plugin's `vlanTrunk` ids (`id`, `minID`, `maxID`): tags, so no 0.
pub const CNI_TRUNK_VLAN_IDS: RangeInclusive<i64> = 1..=4094;
/// A netplan VLAN's `id`: netplan accepts 0 (its own check is `id > 4094`).
pub const NETPLAN_VLAN_IDS: RangeInclusive<i64> = 0..=4094;
/// A VXLAN network identifier (24 bits, 0 unused), as netplan checks it.
pub const VXLAN_VNIS: RangeInclusive<i64> = 1..=16_777_215;
/// An MTU the kernel takes on an IPv4-capable link (RFC 791's minimum 68).
pub const MTUS: RangeInclusive<i64> = 68..=65535;
/// netplan's `ipv6-mtu`: IPv6 needs at least 1280 (RFC 8200).
pub const IPV6_MTUS: RangeInclusive<i64> = 1280..=65535;
/// A Linux bridge's VLAN filtering ids (an NMState policy's `bridge.port[].vlan` `tag` and
/// `trunk-tags`): the kernel refuses 0 and 4095 (`bridge vlan add`), and so NetworkManager
/// fails to activate the bridge, although nmstate's offline check takes any 16-bit number.
pub const BRIDGE_VLAN_IDS: RangeInclusive<i64> = 1..=4094;
/// A kernel VLAN device's id (an NMState policy's `vlan` interface, `vlan.id`): the kernel
/// refuses 4095 and above (`vlan_newlink`); nmstate's offline check takes any 16-bit number.
pub const VLAN_DEVICE_IDS: RangeInclusive<i64> = 0..=4094;
