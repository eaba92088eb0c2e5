//! # sync_cafe — seed 000 ("Brewing Performance With async/await")
//!
//! The Synchronous Café: one barista stares at the coffee machine for 5 s per
//! order, so two customers take 10 s.
//!
//! | Python | Rust |
//! |---|---|
//! | plain `def` functions, no `asyncio.run` | plain `fn`s and a plain `fn main`: no runtime needed |
//! | `time.sleep(5)` | `std::thread::sleep` (via `common::block`) |
//! | `while customer_orders: customer_orders.pop(0)` | `while let Some(..) = orders.pop_front()` on a `VecDeque` |
//! | `print(f"...\n")` | `out.print("...\n")` (a line, then an empty one) |
//! | `time.time()` | `tokio::time::Instant::now()` (std's `Instant` in a normal run) |
//!
//! A synchronous program needs no event loop, so its counterpart has no tokio
//! runtime. Only the test runs it inside a runtime, whose paused clock lets
//! `block` count the 10 s without waiting for them (see `common::block`).
//! async_cafe is the asynchronous version.

mod common;

use common::{Out, block};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

const FLAVOUR_MENU: [&str; 4] = ["Vanilla", "Chocolate", "Pistachio", "Caramel"];
const COFFEE_MENU: [&str; 4] = ["Latte", "Cappuccino", "Flat White", "Mocha"];

fn explain_menu(out: &Out) {
    out.print("Welcome to the Synchronous Café!\n");
    out.print(format!("On our coffee menu we have {}.\n", COFFEE_MENU.join(", ")));
    out.print(format!("On our flavours menu we have {}.\n", FLAVOUR_MENU.join(", ")));
}

fn take_order(out: &Out, flavour: &str, coffee: &str) {
    // simulate asking a customer what they'd like and receiving their response
    out.print(format!("What would you like? - A {flavour} {coffee}."));
    out.print(format!("One {flavour} {coffee} coming right up!"));
}

fn make_coffee(out: &Out, flavour: &str, coffee: &str) {
    out.print(format!("\nMaking your {flavour} {coffee}..."));
    // simulate making the order
    block(Duration::from_secs(5));
}

fn serve_order(out: &Out, flavour: &str, coffee: &str) {
    out.print(format!("\nYour {flavour} flavoured {coffee} is ready, enjoy!\n"));
}

fn run_cafe(out: &Out) {
    let mut customer_orders = VecDeque::from([("Vanilla", "Latte"), ("Caramel", "Mocha")]);

    explain_menu(out);

    let start = Instant::now();

    while let Some((flavour, coffee)) = customer_orders.pop_front() {
        take_order(out, flavour, coffee);
        make_coffee(out, flavour, coffee);
        serve_order(out, flavour, coffee);

        if !customer_orders.is_empty() {
            out.print("Next customer please!\n");
        }
    }

    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Serving 2 customers took {secs:.2} seconds"));
}

fn main() {
    run_cafe(&Out::new());
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn one_customer_after_the_other() {
        let out = Out::new();
        run_cafe(&out);
        assert_printed(
            &out,
            &[
                (0.0, "Welcome to the Synchronous Café!"),
                (0.0, ""),
                (0.0, "On our coffee menu we have Latte, Cappuccino, Flat White, Mocha."),
                (0.0, ""),
                (0.0, "On our flavours menu we have Vanilla, Chocolate, Pistachio, Caramel."),
                (0.0, ""),
                (0.0, "What would you like? - A Vanilla Latte."),
                (0.0, "One Vanilla Latte coming right up!"),
                (0.0, ""),
                (0.0, "Making your Vanilla Latte..."),
                (5.0, ""),
                (5.0, "Your Vanilla flavoured Latte is ready, enjoy!"),
                (5.0, ""),
                (5.0, "Next customer please!"),
                (5.0, ""),
                (5.0, "What would you like? - A Caramel Mocha."),
                (5.0, "One Caramel Mocha coming right up!"),
                (5.0, ""),
                (5.0, "Making your Caramel Mocha..."),
                (10.0, ""),
                (10.0, "Your Caramel flavoured Mocha is ready, enjoy!"),
                (10.0, ""),
                (10.0, "Serving 2 customers took 10.00 seconds"),
            ],
        );
    }
}
