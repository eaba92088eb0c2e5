//! # make_coffee_toast_blocked — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! Boil and grind concurrently (3 s), then brew *by hand* — a plain blocking
//! function (1 s) — then toast (0.9 s): 4.9 s. Compare
//! make_coffee_toast_concurrent, where brewing and toasting overlap (4.0 s).
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(make_coffee_toast())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `await asyncio.gather(boil_water(), grind_coffee_bean())` | `tokio::join!(boil_water(..), grind_coffee_bean(..))` |
//! | plain `def brew_coffee` with blocking `time.sleep(1)` | plain `fn brew_coffee` with `std::thread::sleep` (via `common::block`) |
//! | `await asyncio.sleep(0.9)` | `tokio::time::sleep(Duration::from_millis(900)).await` |
//! | `loop.run_in_executor(None, brew_coffee, ..)` | `tokio::task::spawn_blocking(move \|\| brew_coffee(..)).await` |
//!
//! While `brew_coffee` sleeps it holds the only runtime thread: no timer,
//! task or I/O is serviced for that second.
//!
//! `tokio::task::spawn_blocking` moves such work to tokio's blocking-thread
//! pool and gives back a future, so the runtime thread stays free. Run
//! `cargo run --example make_coffee_toast_blocked -- --spawn-blocking` to
//! use it: the output is the same (4.90 s), because this program still waits
//! for the coffee before it starts the toast. To win the 0.9 s you must also
//! toast *while* it brews — `tokio::join!(spawn_blocking(..), toast_bread(..))`
//! — which is what make_coffee_toast_concurrent does with an async brew.

mod common;

use common::{Out, block, py_list};
use std::time::Duration;
use tokio::time::{Instant, sleep};

async fn boil_water(out: &Out) -> &'static str {
    out.print("Boil water starts");
    sleep(Duration::from_secs(3)).await;
    out.print("Boil water ends");
    "Boiled water"
}

async fn grind_coffee_bean(out: &Out) -> &'static str {
    out.print("Grind coffee bean starts");
    sleep(Duration::from_secs(2)).await;
    out.print("Grind coffee bean ends");
    "Ground coffee"
}

/// Not `async`: manual pour-over, the hands are busy the whole time.
fn brew_coffee(out: &Out, ingredients: &[&str]) -> &'static str {
    let ingredients = py_list(ingredients);
    out.print(format!("Brew coffee manually with {ingredients} starts"));
    block(Duration::from_secs(1)); // blocking!
    out.print(format!("Brew coffee manually with {ingredients} ends"));
    "Coffee ready!"
}

async fn toast_bread(out: &Out) -> &'static str {
    out.print("Toast bread starts");
    sleep(Duration::from_millis(900)).await;
    out.print("Toast bread ends");
    "Toast bread ready!"
}

async fn make_coffee_toast(out: &Out, spawn_blocking: bool) {
    let start = Instant::now();
    let (water, beans) = tokio::join!(boil_water(out), grind_coffee_bean(out));
    let mut result = vec![water, beans];
    let coffee = if spawn_blocking {
        // The blocking pool needs owned (`'static`) data: clone it in.
        let (out, ingredients) = (out.clone(), result.clone());
        tokio::task::spawn_blocking(move || brew_coffee(&out, &ingredients)).await.expect("brewing panicked")
    } else {
        brew_coffee(out, &result) // the seed: blocks the runtime thread
    };
    result.push(coffee);
    result.push(toast_bread(out).await);
    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Executed in {secs:0.2} seconds"));
    out.print(py_list(&result));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spawn_blocking = std::env::args().any(|arg| arg == "--spawn-blocking");
    make_coffee_toast(&Out::new(), spawn_blocking).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    const EXPECTED: &[(f64, &str)] = &[
        (0.0, "Boil water starts"),
        (0.0, "Grind coffee bean starts"),
        (2.0, "Grind coffee bean ends"),
        (3.0, "Boil water ends"),
        (3.0, "Brew coffee manually with ['Boiled water', 'Ground coffee'] starts"),
        (4.0, "Brew coffee manually with ['Boiled water', 'Ground coffee'] ends"),
        (4.0, "Toast bread starts"),
        (4.9, "Toast bread ends"),
        (4.9, "Executed in 4.90 seconds"),
        (4.9, "['Boiled water', 'Ground coffee', 'Coffee ready!', 'Toast bread ready!']"),
    ];

    #[tokio::test(start_paused = true)]
    async fn blocking_brew_delays_the_toast() {
        let out = Out::new();
        make_coffee_toast(&out, false).await;
        assert_printed(&out, EXPECTED);
    }

    #[tokio::test(start_paused = true)]
    async fn spawn_blocking_alone_does_not_save_time_here() {
        let out = Out::new();
        make_coffee_toast(&out, true).await;
        assert_printed(&out, EXPECTED);
    }
}
