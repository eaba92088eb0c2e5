//! # hi_sequence — seed 002 ("Python Friday #215: Async & Await")
//!
//! Three `hi()` awaited one after the other: each waits for the previous
//! one, 3 s in all — `await` alone does not make anything concurrent.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(sequence())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `await hi()` three times | `hi(..).await` three times |
//! | `await asyncio.sleep(1)` | `tokio::time::sleep(Duration::from_secs(1)).await` |

mod common;

use common::Out;
use std::time::Duration;
use tokio::time::sleep;

async fn hi(out: &Out) {
    out.print("Hello");
    sleep(Duration::from_secs(1)).await;
    out.print("World");
}

async fn sequence(out: &Out) {
    hi(out).await;
    hi(out).await;
    hi(out).await;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    sequence(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn each_hi_waits_for_the_previous_one() {
        let out = Out::new();
        sequence(&out).await;
        assert_printed(
            &out,
            &[(0.0, "Hello"), (1.0, "World"), (1.0, "Hello"), (2.0, "World"), (2.0, "Hello"), (3.0, "World")],
        );
    }
}
