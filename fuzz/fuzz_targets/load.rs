//! The scenario loader: any bytes give a scenario or a located report of every
//! problem, never a panic, an abort or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(Err(e)) = async_cafe_fuzz::load(data) {
        async_cafe_fuzz::check_error(&e);
    }
});
