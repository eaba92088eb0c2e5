//! # hi_parallel — seed 002 ("Python Friday #215: Async & Await")
//!
//! Three `hi()` gathered: all three say Hello, all sleep *together*, all say
//! World one second later. 1 s in all.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(parallel())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `await asyncio.gather(hi(), hi(), hi())` | `tokio::join!(hi(..), hi(..), hi(..))` |
//! | `await asyncio.sleep(1)` | `tokio::time::sleep(Duration::from_secs(1)).await` |
//!
//! "Parallel" is the post's word; on one thread this is *concurrency*: the
//! waits overlap, the code never runs at the same instant.

mod common;

use common::Out;
use std::time::Duration;
use tokio::time::sleep;

async fn hi(out: &Out) {
    out.print("Hello");
    sleep(Duration::from_secs(1)).await;
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
    async fn the_three_sleeps_overlap() {
        let out = Out::new();
        parallel(&out).await;
        assert_printed(
            &out,
            &[(0.0, "Hello"), (0.0, "Hello"), (0.0, "Hello"), (1.0, "World"), (1.0, "World"), (1.0, "World")],
        );
    }
}
