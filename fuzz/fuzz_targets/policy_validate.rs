//! The policy's `validate` on arbitrary payloads (requests and settings), natively through the
//! function the wasm export calls; invariants in `wukong_net_fuzz::policy_validate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wukong_net_fuzz::policy_validate(data));
