//! # impatient_customers — not a seed: `asyncio.wait_for` and a shared machine
//!
//! One espresso machine, three customers who will not wait for ever. Each order
//! is a task that takes the machine for a 3 s brew; its customer gives it up to
//! `patience` seconds from arriving, then leaves, and the brew is cancelled: if it
//! was waiting for the machine it leaves the line, if it was brewing it stops and
//! the machine goes to the next in line. The Python it mirrors:
//!
//! ```python
//! machine = asyncio.Semaphore(1)
//!
//! async def brew(name):
//!     async with machine:
//!         print(f"{name}: brewing")
//!         await asyncio.sleep(3)
//!         print(f"{name}: coffee ready")
//!
//! async def customer(name, arrival, patience):
//!     await asyncio.sleep(arrival)
//!     print(f"{name} arrives")
//!     try:
//!         await asyncio.wait_for(brew(name), patience)
//!         print(f"{name} leaves with a coffee")
//!     except asyncio.TimeoutError:
//!         print(f"{name} gives up and leaves")
//!
//! await asyncio.gather(customer("Ada", 0, 5), customer("Ben", 1, 4), customer("Cy", 2, 10))
//! ```
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.Semaphore(1)`, `async with machine:` | `Arc<tokio::sync::Semaphore>`, `let _unit = machine.acquire().await?` (released when `_unit` is dropped). Both are first come, first served. |
//! | `await asyncio.wait_for(coro, t)` | `let task = tokio::spawn(fut); tokio::time::timeout(t, &mut task).await`: in CPython 3.11, the reference, `wait_for` wraps the coroutine in a task, and so do we (3.12 and later run it inline in the caller's task instead) |
//! | the cancellation `wait_for` does on a timeout: `task.cancel()`, then *wait* for it | `task.abort(); let _ = task.await;`: the task is dropped at its `.await`, and dropping its permit (or its place in the semaphore's queue) hands the machine on, like `async with` does on `CancelledError` |
//! | `except asyncio.TimeoutError:` | `match ... { Err(_elapsed) => ... }` |
//! | `await asyncio.gather(a, b, c)` | `tokio::join!(a, b, c)` |
//!
//! The order of lines at one instant is asyncio's too: at 3, Ada's brew task gives
//! the machine to Ben's, which runs ("Ben: brewing") before Ada's `wait_for` hears
//! that her task is done; at 5, Ben's brew is cancelled and Cy's starts before Ben's
//! `wait_for` returns. Polling the brew inside `timeout` without a task would print
//! those lines the other way round.
//!
//! Ada brews from 0 to 3. Ben (at 1, patience 4) gets the machine at 3 but
//! gives up at 5, mid-brew: his brew stops and Cy (at 2, patience 10), who was
//! next in line, brews from 5 to 8. `cafe run` gives the same story for a
//! scenario with `patience` (see `docs/scenario-format.md`, "Patience and balking").

mod common;

use common::Out;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout};

async fn brew(out: Out, machine: Arc<Semaphore>, name: &'static str) {
    let _unit = machine.acquire().await.expect("the semaphore is never closed");
    out.print(format!("{name}: brewing"));
    sleep(Duration::from_secs(3)).await;
    out.print(format!("{name}: coffee ready"));
}

async fn customer(out: &Out, machine: &Arc<Semaphore>, name: &'static str, arrival: u64, patience: u64) {
    sleep(Duration::from_secs(arrival)).await;
    out.print(format!("{name} arrives"));
    // asyncio.wait_for(brew(name), patience)
    let mut task = tokio::spawn(brew(out.clone(), machine.clone(), name));
    match timeout(Duration::from_secs(patience), &mut task).await {
        Ok(done) => {
            done.expect("the brew does not panic");
            out.print(format!("{name} leaves with a coffee"));
        }
        Err(_elapsed) => {
            task.abort();
            let _ = task.await; // Err(cancelled): the brew has stopped
            out.print(format!("{name} gives up and leaves"));
        }
    }
}

async fn cafe(out: &Out) {
    let machine = Arc::new(Semaphore::new(1));
    tokio::join!(
        customer(out, &machine, "Ada", 0, 5),
        customer(out, &machine, "Ben", 1, 4),
        customer(out, &machine, "Cy", 2, 10),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    cafe(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn a_customer_who_gives_up_mid_brew_hands_the_machine_on() {
        let out = Out::new();
        cafe(&out).await;
        assert_printed(
            &out,
            &[
                (0.0, "Ada arrives"),
                (0.0, "Ada: brewing"),
                (1.0, "Ben arrives"),
                (2.0, "Cy arrives"),
                (3.0, "Ada: coffee ready"),
                (3.0, "Ben: brewing"),
                (3.0, "Ada leaves with a coffee"),
                (5.0, "Cy: brewing"),
                (5.0, "Ben gives up and leaves"),
                (8.0, "Cy: coffee ready"),
                (8.0, "Cy leaves with a coffee"),
            ],
        );
    }
}
