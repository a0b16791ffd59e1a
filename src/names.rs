//! Names of the generated objects, as the original operator chose them.

/// The NetworkAttachmentDefinition of a network: `<wukong>-<network>-nad`.
pub fn nad(wukong: &str, network: &str) -> String {
    format!("{wukong}-{network}-nad")
}

/// The KubeVirt VirtualMachine: `<wukong>-vm`.
pub fn vm(wukong: &str) -> String {
    format!("{wukong}-vm")
}

/// The NMState NodeNetworkConfigurationPolicy of a network's bridge: `<wukong>-<network>-bridge`.
pub fn nncp(wukong: &str, network: &str) -> String {
    format!("{wukong}-{network}-bridge")
}

/// The guest NIC name of the n-th interface: eth0, eth1, ...
pub fn guest_nic(index: usize) -> String {
    format!("eth{index}")
}

/// The DataVolume (a `dataVolumeTemplates` entry) of a disk: `<wukong>-<disk>`.
pub fn data_volume(wukong: &str, disk: &str) -> String {
    format!("{wukong}-{disk}")
}

/// The Secret that carries the userData when it cannot be inline: `<wukong>-userdata`.
pub fn user_data_secret(wukong: &str) -> String {
    format!("{wukong}-userdata")
}
