//! A loaded scenario's run, bounded: both kitchens, every view and the timeline.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match async_cafe_fuzz::load(data) {
        Some(Ok(sc)) => async_cafe_fuzz::run_bounded(&sc),
        Some(Err(e)) => async_cafe_fuzz::check_error(&e),
        None => {}
    }
});
