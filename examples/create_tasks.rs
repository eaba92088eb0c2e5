//! # create_tasks — seed 001 ("How I Learned Python Asyncio While Making Coffee")
//!
//! Two tasks are *created* first, the caller does "other work", and only then
//! awaits them: the tasks start when the caller first yields.
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(create_tasks())` | `#[tokio::main(flavor = "current_thread")]` — one thread, like one event loop |
//! | `t_a = asyncio.create_task(task_a())` | `let t_a = tokio::spawn(task_a(..))` (a `JoinHandle`) |
//! | `result_a = await t_a` | `let result_a = t_a.await?` (`Err` if the task panicked) |
//! | `await asyncio.sleep(2)` | `tokio::time::sleep(Duration::from_secs(2)).await` |
//!
//! Like `create_task`, `tokio::spawn` only *schedules* the task: on a
//! current-thread runtime it does not run until the caller yields (here, at
//! `t_a.await`), which is why "Do other work here..." comes before
//! "Task A starts". On a multi-thread runtime another worker could start it
//! at once, and the order would no longer be the seed's.
//! A spawned task must own what it uses (`'static`), so it gets a clone of
//! the `Out` handle rather than a reference.

mod common;

use common::{Out, py_list};
use std::time::Duration;
use tokio::time::{Instant, sleep};

async fn task_a(out: Out) -> &'static str {
    out.print("Task A starts");
    sleep(Duration::from_secs(2)).await; // 2 secs non-blocking task
    out.print("Task A ends");
    "A1"
}

async fn task_b(out: Out) -> &'static str {
    out.print("Task B starts");
    sleep(Duration::from_secs(4)).await; // 4 secs non-blocking task
    out.print("Task B ends");
    "B2"
}

async fn create_tasks(out: &Out) -> Result<(), tokio::task::JoinError> {
    let start = Instant::now();
    let t_a = tokio::spawn(task_a(out.clone()));
    out.print("Task A created...");
    let t_b = tokio::spawn(task_b(out.clone()));
    out.print("Task B created...");
    out.print("Do other work here...");
    let result_a = t_a.await?; // first yield: now A and B start
    let result_b = t_b.await?;
    let secs = start.elapsed().as_secs_f64();
    out.print(format!("Executed in {secs:0.2} seconds")); // 4 secs
    out.print(py_list(&[result_a, result_b]));
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), tokio::task::JoinError> {
    create_tasks(&Out::new()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    #[tokio::test(start_paused = true)]
    async fn spawned_tasks_start_when_the_caller_yields() {
        let out = Out::new();
        create_tasks(&out).await.unwrap();
        assert_printed(
            &out,
            &[
                (0.0, "Task A created..."),
                (0.0, "Task B created..."),
                (0.0, "Do other work here..."),
                (0.0, "Task A starts"),
                (0.0, "Task B starts"),
                (2.0, "Task A ends"),
                (4.0, "Task B ends"),
                (4.0, "Executed in 4.00 seconds"),
                (4.0, "['A1', 'B2']"),
            ],
        );
    }
}
