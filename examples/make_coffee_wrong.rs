//! # make_coffee_wrong — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! Deliberately wrong: brewing is gathered together with boiling the water
//! and grinding the beans, so it finishes first — before it has either.
//! Concurrency cannot ignore dependencies (see make_coffee_toast_concurrent).
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(make_coffee())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `await asyncio.gather(boil_water(), grind_coffee_bean(), brew_coffee())` | `tokio::join!(boil_water(..), grind_coffee_bean(..), brew_coffee(..))` |
//! | `await asyncio.sleep(3)` | `tokio::time::sleep(Duration::from_secs(3)).await` |

mod common;

use common::{Out, py_list};
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

async fn brew_coffee(out: &Out) -> &'static str {
    out.print("Brew coffee manually starts");
    sleep(Duration::from_secs(1)).await;
    out.print("Brew coffee manually ends");
    "Coffee not ready!"
}

async fn make_coffee(out: &Out) {
    let start = Instant::now();
    let (water, beans, coffee) = tokio::join!(boil_water(out), grind_coffee_bean(out), brew_coffee(out));
    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Executed in {secs:0.2} seconds"));
    out.print(py_list(&[water, beans, coffee]));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    make_coffee(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn brewing_ends_before_the_water_boils() {
        let out = Out::new();
        make_coffee(&out).await;
        assert_printed(
            &out,
            &[
                (0.0, "Boil water starts"),
                (0.0, "Grind coffee bean starts"),
                (0.0, "Brew coffee manually starts"),
                (1.0, "Brew coffee manually ends"),
                (2.0, "Grind coffee bean ends"),
                (3.0, "Boil water ends"),
                (3.0, "Executed in 3.00 seconds"),
                (3.0, "['Boiled water', 'Ground coffee', 'Coffee not ready!']"),
            ],
        );
    }
}
