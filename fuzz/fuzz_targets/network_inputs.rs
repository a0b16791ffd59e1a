//! cloud-init network-config (networkData) and NAD `spec.config` parsing on arbitrary bytes;
//! invariants in `wukong_net_fuzz::network_inputs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wukong_net_fuzz::network_inputs(data));
