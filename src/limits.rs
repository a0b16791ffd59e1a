//! Input limits. Every shell (CLI, policy, JS binding) goes through the same parser, so these
//! hold identically everywhere. Each is checked before the work it bounds is done.

/// Largest input text accepted, in bytes (1 MiB). A Wukong with 64 networks is about 20 KiB.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Most YAML documents in one stream.
pub const MAX_DOCUMENTS: usize = 100;
/// Deepest nesting of mappings and sequences.
pub const MAX_DEPTH: usize = 64;
/// Most nodes in one stream after aliases are expanded: stops "billion laughs" alias bombs.
pub const MAX_NODES: usize = 200_000;
/// Most networks in one Wukong (KubeVirt VMs rarely have more than a handful of NICs).
pub const MAX_NETWORKS: usize = 64;
/// Longest `match.name` glob in a network-config, in characters. Interface names have at most
/// 15 characters, so a glob needs at most 15 one-character tokens plus stars; 256 leaves room
/// for classes (`[a-z0-9]`) and bounds the matcher's work (pattern x name) whatever a VM's
/// networkData holds (issue 10: a glob bomb of 80 stars took 43 s before the matcher was made
/// linear).
pub const MAX_MATCH_NAME_CHARS: usize = 256;
