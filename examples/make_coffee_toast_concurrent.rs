//! # make_coffee_toast_concurrent — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! Respect the dependencies — boil and grind first — then let an automatic
//! coffee machine brew (1 s) while the bread toasts (0.9 s): 4.0 s instead of
//! make_coffee_toast_blocked's 4.9 s.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(make_coffee_toast())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | two `await asyncio.gather(..)` in a row | two `tokio::join!(..)` in a row: the second starts when the first is done |
//! | `async def brew_coffee(ingredients)` | `async fn brew_coffee(.., ingredients: &[&str])` |
//! | `await asyncio.sleep(0.9)` | `tokio::time::sleep(Duration::from_millis(900)).await` |
//! | `result1 + result2` | the two `join!` tuples, put in one list |

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

async fn brew_coffee(out: &Out, ingredients: &[&str]) -> &'static str {
    let ingredients = py_list(ingredients);
    out.print(format!("Brew coffee automatically with {ingredients} starts"));
    sleep(Duration::from_secs(1)).await; // the machine works, we are free
    out.print(format!("Brew coffee automatically with {ingredients} ends"));
    "Coffee ready!"
}

async fn toast_bread(out: &Out) -> &'static str {
    out.print("Toast bread starts");
    sleep(Duration::from_millis(900)).await;
    out.print("Toast bread ends");
    "Toast bread ready!"
}

async fn make_coffee_toast(out: &Out) {
    let start = Instant::now();
    let (water, beans) = tokio::join!(boil_water(out), grind_coffee_bean(out));
    let ingredients = [water, beans];
    let (coffee, toast) = tokio::join!(brew_coffee(out, &ingredients), toast_bread(out));
    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Executed in {secs:0.2} seconds"));
    out.print(py_list(&[water, beans, coffee, toast]));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    make_coffee_toast(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn toast_while_the_machine_brews() {
        let out = Out::new();
        make_coffee_toast(&out).await;
        assert_printed(
            &out,
            &[
                (0.0, "Boil water starts"),
                (0.0, "Grind coffee bean starts"),
                (2.0, "Grind coffee bean ends"),
                (3.0, "Boil water ends"),
                (3.0, "Brew coffee automatically with ['Boiled water', 'Ground coffee'] starts"),
                (3.0, "Toast bread starts"),
                (3.9, "Toast bread ends"),
                (4.0, "Brew coffee automatically with ['Boiled water', 'Ground coffee'] ends"),
                (4.0, "Executed in 4.00 seconds"),
                (4.0, "['Boiled water', 'Ground coffee', 'Coffee ready!', 'Toast bread ready!']"),
            ],
        );
    }
}
