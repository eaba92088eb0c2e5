//! Well-formed scenarios with numbers from the edges: loaded, then run bounded
//! through every view. A scenario the loader accepts must run without a panic, an
//! abort or a hang; one it refuses must say why.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|sc: async_cafe_fuzz::generate::Scenario| {
    let text = sc.toml();
    match async_cafe_fuzz::load(text.as_bytes()) {
        Some(Ok(sc)) => async_cafe_fuzz::run_bounded(&sc),
        Some(Err(e)) => async_cafe_fuzz::check_error(&e),
        None => unreachable!("a generated scenario is text"),
    }
});
