//! # hello_async — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! The official asyncio hello world: print, sleep one second without
//! blocking, print.
//!
//! | Python | tokio |
//! |---|---|
//! | `async def main()` | `async fn hello()` |
//! | `asyncio.run(main())` | `#[tokio::main(flavor = "current_thread")]` on `fn main` |
//! | `await asyncio.sleep(1)` | `tokio::time::sleep(Duration::from_secs(1)).await` |
//!
//! `asyncio.run` starts *one* event loop on the current thread; the faithful
//! counterpart is a current-thread tokio runtime (the default `#[tokio::main]`
//! would start a pool of worker threads). Like a Python coroutine, a Rust
//! future does nothing until it is awaited or handed to the runtime.

mod common;

use common::Out;
use std::time::Duration;
use tokio::time::sleep;

async fn hello(out: &Out) {
    out.print("Hello ...");
    sleep(Duration::from_secs(1)).await; // yields to the runtime for 1 s
    out.print("... World!");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    hello(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    // `start_paused`: tokio's clock is virtual and jumps straight to the next
    // timer when every task is waiting, so the test takes no real time.
    #[tokio::test(start_paused = true)]
    async fn world_comes_one_second_after_hello() {
        let out = Out::new();
        hello(&out).await;
        assert_printed(&out, &[(0.0, "Hello ..."), (1.0, "... World!")]);
    }
}
