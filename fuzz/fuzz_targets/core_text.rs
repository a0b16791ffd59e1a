//! The core's text entry (`check_bytes` + `render_bytes`) on arbitrary bytes; the invariants
//! are in `wukong_net_fuzz::core_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wukong_net_fuzz::core_text(data));
