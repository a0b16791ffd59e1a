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
