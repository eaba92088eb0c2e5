//! # lunch_sync — seed 004 ("Async code in Python", a cooking analogy, mathspp)
//!
//! Pasta (10 min), then meatloaf (3 min), then avocado (2 min), staring at
//! each one: 15 min. As in the seed's code, a second stands for a minute.
//!
//! | Python | Rust |
//! |---|---|
//! | plain `def` functions, no `asyncio.run` | plain `fn`s and a plain `fn main`: no runtime needed |
//! | `time.sleep(10)` | `std::thread::sleep` (via `common::block`) |
//! | `time.time()` | `tokio::time::Instant::now()` (std's `Instant` in a normal run) |
//! | `round(end - start)` | `secs.round_ties_even()` (Python rounds halves to even) |
//!
//! A synchronous program needs no event loop, so its counterpart has no tokio
//! runtime. Only the test runs it inside a runtime, whose paused clock lets
//! `block` count the 15 "minutes" without waiting for them (see
//! `common::block`).

mod common;

use common::{Out, block};
use std::time::Duration;
use tokio::time::Instant;

fn cook_pasta(out: &Out) {
    out.print("Filled pot with water. Pasta will now cook.");
    block(Duration::from_secs(10)); // Pasta takes 10 min to cook.
    out.print("Pasta ready.");
}

fn heat_meatloaf(out: &Out) {
    out.print("Took meatloaf out of the fridge. Into the microwave it goes.");
    block(Duration::from_secs(3)); // Meatloaf takes 3 min to heat.
    out.print("Meatloaf heated.");
}

fn peel_avocado(out: &Out) {
    out.print("Grabbed avocado. Now peeling and slicing.");
    block(Duration::from_secs(2)); // Avocado takes 2 min to peel <- I'm slow.
    out.print("Avocado sliced.");
}

fn lunch(out: &Out) {
    out.print("Preparing lunch.");
    let start = Instant::now();
    cook_pasta(out);
    heat_meatloaf(out);
    peel_avocado(out);
    let minutes = start.elapsed().as_secs_f64().round_ties_even();
    out.print(format!("Eating after {minutes} min of prep time."));
}

fn main() {
    lunch(&Out::new());
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn one_thing_after_the_other() {
        let out = Out::new();
        lunch(&out);
        assert_printed(
            &out,
            &[
                (0.0, "Preparing lunch."),
                (0.0, "Filled pot with water. Pasta will now cook."),
                (10.0, "Pasta ready."),
                (10.0, "Took meatloaf out of the fridge. Into the microwave it goes."),
                (13.0, "Meatloaf heated."),
                (13.0, "Grabbed avocado. Now peeling and slicing."),
                (15.0, "Avocado sliced."),
                (15.0, "Eating after 15 min of prep time."),
            ],
        );
    }
}
