//! # lunch_async — seed 004 ("Async code in Python", a cooking analogy, mathspp)
//!
//! Put the pasta on (10 min) and the meatloaf in the microwave (3 min), and
//! peel the avocado (2 min, hands-on) while they cook: 10 min instead of 15.
//! As in the seed's code, a second stands for a minute.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(lunch())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop (one cook) |
//! | `await asyncio.gather(cook_pasta(), heat_meatloaf(), peel_avocado())` | `tokio::join!(cook_pasta(..), heat_meatloaf(..), peel_avocado(..))` |
//! | `await asyncio.sleep(10)` (unattended) | `tokio::time::sleep(Duration::from_secs(10)).await` |
//! | `time.sleep(2)` inside `async def` (hands-on) | `std::thread::sleep` (via `common::block`) inside `async fn` |
//! | `loop.run_in_executor(None, ..)` | `tokio::task::spawn_blocking(..).await` |
//!
//! `peel_avocado` is `async` but never awaits: for its 2 s it holds the one
//! runtime thread and nothing else can run. It costs nothing here only
//! because pasta and meatloaf were already on before the peeling began; the
//! meatloaf is still done at 3 min, because its timer kept counting while the
//! thread was blocked.
//!
//! With `tokio::task::spawn_blocking` the peeling runs on tokio's
//! blocking-thread pool and `peel_avocado` *awaits* it, so the runtime thread
//! stays free to run other tasks meanwhile (in the analogy: a second pair of
//! hands). Run `cargo run --example lunch_async -- --spawn-blocking` to try
//! it; the output is the same.

mod common;

use common::{Out, block};
use std::time::Duration;
use tokio::time::{Instant, sleep};

async fn cook_pasta(out: &Out) {
    out.print("Filled pot with water. Pasta will now cook.");
    sleep(Duration::from_secs(10)).await; // Pasta takes 10 min to cook.
    out.print("Pasta ready.");
}

async fn heat_meatloaf(out: &Out) {
    out.print("Took meatloaf out of the fridge. Into the microwave it goes.");
    sleep(Duration::from_secs(3)).await; // Meatloaf takes 3 min to heat.
    out.print("Meatloaf heated.");
}

async fn peel_avocado(out: &Out, spawn_blocking: bool) {
    out.print("Grabbed avocado. Now peeling and slicing.");
    let peel = || block(Duration::from_secs(2)); // Avocado takes 2 min to peel <- I'm slow.
    if spawn_blocking {
        tokio::task::spawn_blocking(peel).await.expect("peeling panicked");
    } else {
        peel(); // the seed: blocks the runtime thread, no `.await`
    }
    out.print("Avocado sliced.");
}

async fn lunch(out: &Out, spawn_blocking: bool) {
    out.print("Preparing lunch.");
    let start = Instant::now();
    tokio::join!(cook_pasta(out), heat_meatloaf(out), peel_avocado(out, spawn_blocking),);
    // Python's round() rounds halves to even.
    let minutes = start.elapsed().as_secs_f64().round_ties_even();
    out.print(format!("Eating after {minutes} min of prep time."));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spawn_blocking = std::env::args().any(|arg| arg == "--spawn-blocking");
    lunch(&Out::new(), spawn_blocking).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    const EXPECTED: &[(f64, &str)] = &[
        (0.0, "Preparing lunch."),
        (0.0, "Filled pot with water. Pasta will now cook."),
        (0.0, "Took meatloaf out of the fridge. Into the microwave it goes."),
        (0.0, "Grabbed avocado. Now peeling and slicing."),
        (2.0, "Avocado sliced."),
        (3.0, "Meatloaf heated."),
        (10.0, "Pasta ready."),
        (10.0, "Eating after 10 min of prep time."),
    ];

    #[tokio::test(start_paused = true)]
    async fn peel_while_pasta_and_meatloaf_cook() {
        let out = Out::new();
        lunch(&out, false).await;
        assert_printed(&out, EXPECTED);
    }

    #[tokio::test(start_paused = true)]
    async fn spawn_blocking_peels_off_the_runtime_thread() {
        let out = Out::new();
        lunch(&out, true).await;
        assert_printed(&out, EXPECTED);
    }
}
