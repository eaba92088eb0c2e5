//! # async_cafe — seed 000 ("Brewing Performance With async/await")
//!
//! The Asynchronous Café: both orders are taken at once and brew together,
//! so two customers take 5 s instead of sync_cafe's 10 s.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(run_cafe())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop (one barista) |
//! | `async def handle_customer(..)` | `async fn handle_customer(..)` |
//! | `[asyncio.create_task(handle_customer(..)) for ..]` | `tokio::spawn(handle_customer(..))` for each order, collecting the `JoinHandle`s |
//! | `await asyncio.gather(*tasks)` | await each `JoinHandle` in turn (or put them in a `JoinSet`, see coffee_shop) |
//! | `await asyncio.sleep(5)` | `tokio::time::sleep(Duration::from_secs(5)).await` |
//!
//! Like `create_task`, `tokio::spawn` does not run the task yet: both
//! customers are served once `run_cafe` yields at the first `.await`, in the
//! order they were spawned. A spawned task must own its data (`'static`),
//! hence the cloned `Out` handle.

mod common;

use common::Out;
use std::time::Duration;
use tokio::time::{Instant, sleep};

const FLAVOUR_MENU: [&str; 4] = ["Vanilla", "Chocolate", "Pistachio", "Caramel"];
const COFFEE_MENU: [&str; 4] = ["Latte", "Cappuccino", "Flat White", "Mocha"];

fn explain_menu(out: &Out) {
    out.print("Welcome to the Asynchronous Café!\n");
    out.print(format!("On our coffee menu we have {}.\n", COFFEE_MENU.join(", ")));
    out.print(format!("On our flavours menu we have {}.\n", FLAVOUR_MENU.join(", ")));
}

fn take_order(out: &Out, flavour: &str, coffee: &str) {
    // simulate asking a customer what they'd like and receiving their response
    out.print(format!("What would you like? - A {flavour} {coffee}."));
    out.print(format!("One {flavour} {coffee} coming right up!"));
}

async fn make_coffee(out: &Out, flavour: &str, coffee: &str) {
    out.print(format!("\nMaking your {flavour} {coffee}..."));
    // simulate making the order — yields control while waiting
    sleep(Duration::from_secs(5)).await;
}

fn serve_order(out: &Out, flavour: &str, coffee: &str) {
    out.print(format!("\nYour {flavour} flavoured {coffee} is ready, enjoy!\n"));
}

async fn handle_customer(out: Out, flavour: &str, coffee: &str) {
    take_order(&out, flavour, coffee);
    make_coffee(&out, flavour, coffee).await;
    serve_order(&out, flavour, coffee);
}

async fn run_cafe(out: &Out) -> Result<(), tokio::task::JoinError> {
    let customer_orders = [("Vanilla", "Latte"), ("Caramel", "Mocha")];

    explain_menu(out);

    let start = Instant::now();

    // Schedule all orders concurrently — the cafe handles them at the same time!
    let tasks: Vec<_> = (customer_orders.into_iter())
        .map(|(flavour, coffee)| tokio::spawn(handle_customer(out.clone(), flavour, coffee)))
        .collect();

    for task in tasks {
        task.await?;
    }

    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Serving 2 customers took {secs:.2} seconds"));
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), tokio::task::JoinError> {
    run_cafe(&Out::new()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn both_coffees_brew_at_once() {
        let out = Out::new();
        run_cafe(&out).await.unwrap();
        assert_printed(
            &out,
            &[
                (0.0, "Welcome to the Asynchronous Café!"),
                (0.0, ""),
                (0.0, "On our coffee menu we have Latte, Cappuccino, Flat White, Mocha."),
                (0.0, ""),
                (0.0, "On our flavours menu we have Vanilla, Chocolate, Pistachio, Caramel."),
                (0.0, ""),
                (0.0, "What would you like? - A Vanilla Latte."),
                (0.0, "One Vanilla Latte coming right up!"),
                (0.0, ""),
                (0.0, "Making your Vanilla Latte..."),
                (0.0, "What would you like? - A Caramel Mocha."),
                (0.0, "One Caramel Mocha coming right up!"),
                (0.0, ""),
                (0.0, "Making your Caramel Mocha..."),
                (5.0, ""),
                (5.0, "Your Vanilla flavoured Latte is ready, enjoy!"),
                (5.0, ""),
                (5.0, ""),
                (5.0, "Your Caramel flavoured Mocha is ready, enjoy!"),
                (5.0, ""),
                (5.0, "Serving 2 customers took 5.00 seconds"),
            ],
        );
    }
}
