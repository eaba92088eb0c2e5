//! # hi_blocking — seed 002 ("Python Friday #215: Async & Await")
//!
//! hi_parallel again, but `hi()` forgot the `await` and calls the *blocking*
//! `time.sleep(1)`. The three `hi()` no longer overlap: 3 s, like hi_sequence.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(parallel())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `asyncio.gather(hi(), hi(), hi())` | `tokio::join!(hi(..), hi(..), hi(..))` |
//! | blocking `time.sleep(1)` inside `async def` | `std::thread::sleep` (via `common::block`) inside `async fn` |
//!
//! A blocking call never returns control to the runtime: with a single
//! runtime thread nothing else can run while it sleeps, so each `hi()` runs
//! start to finish before the next one starts. (On a multi-thread runtime the
//! damage would be less visible but the same: a worker thread is lost while
//! blocked.) The fix is to `.await` tokio's sleep, or to move real blocking
//! work to `tokio::task::spawn_blocking` (see lunch_async).

mod common;

use common::{Out, block};
use std::time::Duration;

async fn hi(out: &Out) {
    out.print("Hello");
    block(Duration::from_secs(1)); // blocking! no `.await`, so no other task runs
    out.print("World");
}

async fn parallel(out: &Out) {
    tokio::join!(hi(out), hi(out), hi(out));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    parallel(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn each_blocking_hi_stalls_the_others() {
        let out = Out::new();
        parallel(&out).await;
        // Hello/World alternate: the second Hello waits for the first World.
        assert_printed(
            &out,
            &[(0.0, "Hello"), (1.0, "World"), (1.0, "Hello"), (2.0, "World"), (2.0, "Hello"), (3.0, "World")],
        );
    }
}
