//! # gather_tasks — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! Three tasks sleeping 2, 4 and 1 s run concurrently: 4 s in all, not 7.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(gather_tasks())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `await asyncio.gather(task_a(), task_b(), task_c())` | `tokio::join!(task_a(..), task_b(..), task_c(..))` |
//! | `await asyncio.sleep(2)` | `tokio::time::sleep(Duration::from_secs(2)).await` |
//! | `time.perf_counter()` | `tokio::time::Instant::now()` / `.elapsed()` |
//! | the result list `['A1', 'B2', 'C3']` | the tuple returned by `join!`, in argument order |
//!
//! `join!` polls its futures in order (A, B, C) inside the *current* task,
//! so they start in the same order as under `gather`; no task is spawned.

mod common;

use common::{Out, py_list};
use std::time::Duration;
use tokio::time::{Instant, sleep};

async fn task_a(out: &Out) -> &'static str {
    out.print("Task A starts");
    sleep(Duration::from_secs(2)).await; // 2 sec non-blocking task
    out.print("Task A ends");
    "A1"
}

async fn task_b(out: &Out) -> &'static str {
    out.print("Task B starts");
    sleep(Duration::from_secs(4)).await; // 4 secs non-blocking task
    out.print("Task B ends");
    "B2"
}

async fn task_c(out: &Out) -> &'static str {
    out.print("Task C starts");
    sleep(Duration::from_secs(1)).await; // 1 sec non-blocking task
    out.print("Task C ends");
    "C3"
}

async fn gather_tasks(out: &Out) {
    let start = Instant::now();
    let (a, b, c) = tokio::join!(task_a(out), task_b(out), task_c(out));
    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Executed in {secs:0.2} seconds")); // 4 secs
    out.print(py_list(&[a, b, c]));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    gather_tasks(&Out::new()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn tasks_overlap_and_end_in_sleep_order() {
        let out = Out::new();
        gather_tasks(&out).await;
        assert_printed(
            &out,
            &[
                (0.0, "Task A starts"),
                (0.0, "Task B starts"),
                (0.0, "Task C starts"),
                (1.0, "Task C ends"),
                (2.0, "Task A ends"),
                (4.0, "Task B ends"),
                (4.0, "Executed in 4.00 seconds"),
                (4.0, "['A1', 'B2', 'C3']"),
            ],
        );
    }
}
