//! # breakfast_helper — moving blocking work to a helper, where it wins
//!
//! Not a seed: the example where `spawn_blocking` (asyncio's `run_in_executor`)
//! changes the total, which `lunch_async` cannot show (its avocado is peeled while
//! the pasta cooks anyway). Breakfast: the kettle boils in 2 s and the toaster pops
//! in 3 s by themselves; the tea is poured (1 s) once the water boils, the toast
//! buttered (1 s) once it pops; the oranges take 4 s to squeeze by hand.
//!
//! * `cargo run --example breakfast_helper`: the squeezing is `std::thread::sleep`
//!   inside an `async fn`. It holds the one runtime thread for 4 s: the kettle's
//!   and the toaster's timers fall due meanwhile and are answered only at 4 s, so
//!   the tea and the toast wait, and breakfast takes 6 s.
//! * `cargo run --example breakfast_helper -- --spawn-blocking`: the squeezing runs
//!   on tokio's blocking-thread pool (a helper with hands of its own) and is
//!   awaited; the runtime thread answers the kettle at 2 s and the toaster at 3 s,
//!   and breakfast takes 4 s.
//!
//! The last line says which, and why, from what happened: when the water was
//! noticed boiling against when it boiled. The built-ins `breakfast` and
//! `breakfast-helper` are the same two kitchens (`cafe run breakfast --loop` shows
//! the late timers).
//!
//! | Python | tokio |
//! |---|---|
//! | `asyncio.run(breakfast())` | `#[tokio::main(flavor = "current_thread")]`: one thread, one event loop |
//! | `await asyncio.gather(tea(), toast(), juice())` | `tokio::join!(biased; tea(..), toast(..), juice(..))`: polled in order, as asyncio's ready queue runs |
//! | a step awaiting another step's task: resumed one turn of the loop later | `tokio::task::yield_now().await` |
//! | `await asyncio.sleep(2)` (the kettle boils by itself) | `tokio::time::sleep(Duration::from_secs(2)).await` |
//! | `time.sleep(4)` inside `async def` (squeezing by hand) | `std::thread::sleep` (via `common::block`) inside `async fn` |
//! | `await loop.run_in_executor(None, squeeze)` | `tokio::task::spawn_blocking(squeeze).await` |
//!
//! In the tests the clock is paused; the helper's 4 s are a sleep there (a thread
//! that works 4 s is, to the runtime, a future done 4 s later), the hands-on steps
//! jump the paused clock, as in the other examples.

mod common;

use common::{Out, block};
use std::time::Duration;
use tokio::time::{Instant, sleep};

/// The water, poured as tea once it boils; returns how late the boiling was
/// noticed (the kettle boils at 2 s whatever the cook does).
async fn tea(out: &Out, start: Instant) -> Duration {
    out.print("Kettle on.");
    sleep(Duration::from_secs(2)).await;
    let late = start.elapsed().saturating_sub(Duration::from_secs(2));
    out.print("Water boiled.");
    // Pouring is a step of its own, awaiting the boil: asyncio resumes it one turn
    // of the loop later, after the other callbacks already due (the toaster's).
    tokio::task::yield_now().await;
    out.print("Pouring the tea.");
    block(Duration::from_secs(1));
    out.print("Tea poured.");
    late
}

async fn toast(out: &Out) {
    out.print("Bread in the toaster.");
    sleep(Duration::from_secs(3)).await;
    out.print("Toast popped.");
    tokio::task::yield_now().await;
    out.print("Buttering the toast.");
    block(Duration::from_secs(1));
    out.print("Toast buttered.");
}

async fn juice(out: &Out, spawn_blocking: bool) {
    let squeeze = || block(Duration::from_secs(4));
    if spawn_blocking {
        out.print("Handed the oranges to the helper.");
        helper(squeeze).await;
    } else {
        out.print("Squeezing the oranges by hand.");
        squeeze(); // holds the runtime thread: no `.await`
    }
    out.print("Juice squeezed.");
}

/// `spawn_blocking(f).await`: `f` runs on a thread of its own.
#[cfg(not(test))]
async fn helper(f: impl FnOnce() + Send + 'static) {
    tokio::task::spawn_blocking(f).await.expect("the helper panicked");
}

/// In the tests, on the paused clock: the helper's 4 s as a sleep.
#[cfg(test)]
async fn helper(_f: impl FnOnce() + Send + 'static) {
    sleep(Duration::from_secs(4)).await;
}

async fn breakfast(out: &Out, spawn_blocking: bool) {
    out.print("Making breakfast.");
    let start = Instant::now();
    // `biased`: the branches are polled in the order written, every time, as asyncio
    // runs the ready callbacks first in, first out (plain `join!` starts one branch
    // further along at each poll).
    let (late, (), ()) = tokio::join!(biased; tea(out, start), toast(out), juice(out, spawn_blocking));
    let total = start.elapsed().as_secs_f64().round_ties_even();
    out.print(format!("Breakfast after {total} s."));
    // In whole seconds, as the total: a real run notices a timer a few ms late.
    let late = late.as_secs_f64().round_ties_even();
    out.print(if late == 0.0 {
        "Why: the helper squeezed on a thread of its own, so the loop answered the kettle at 2 s \
         and the toaster at 3 s, and the tea and the toast were done while the juice was."
            .to_string()
    } else {
        format!(
            "Why: squeezing by hand held the only thread, so the water that boiled at 2 s was \
             noticed {late} s late, and the tea and the toast waited for the juice (try --spawn-blocking)."
        )
    });
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spawn_blocking = std::env::args().any(|arg| arg == "--spawn-blocking");
    breakfast(&Out::new(), spawn_blocking).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::assert_printed;

    /// The lines and their times are the built-in's, which asyncio's are (all but
    /// the last, the example's own "Why").
    #[track_caller]
    fn assert_as_builtin(out: &Out, name: &str) {
        let sc = async_cafe::builtin::find(name).unwrap().load().unwrap();
        let mode = async_cafe::model::Mode::Async;
        let want: Vec<(f64, String)> = async_cafe::ops::narrative_lines(&sc, mode, sc.seed)
            .into_iter()
            .map(|(t, line)| (async_cafe::time::seconds(t), line))
            .collect();
        let lines = out.lines();
        let got: Vec<(f64, String)> =
            lines[..lines.len() - 1].iter().map(|(t, line)| (t.as_secs_f64(), line.clone())).collect();
        assert_eq!(got, want);
    }

    #[tokio::test(start_paused = true)]
    async fn by_hand_the_squeezing_makes_the_kettle_and_toaster_wait() {
        let out = Out::new();
        breakfast(&out, false).await;
        assert_as_builtin(&out, "breakfast");
        assert_printed(
            &out,
            &[
                (0.0, "Making breakfast."),
                (0.0, "Kettle on."),
                (0.0, "Bread in the toaster."),
                (0.0, "Squeezing the oranges by hand."),
                (4.0, "Juice squeezed."),
                // Both timers are due: the kettle's first, then the toaster's, and
                // only then the steps that awaited them (`cafe run breakfast`).
                (4.0, "Water boiled."),
                (4.0, "Toast popped."),
                (4.0, "Pouring the tea."),
                (5.0, "Tea poured."),
                (5.0, "Buttering the toast."),
                (6.0, "Toast buttered."),
                (6.0, "Breakfast after 6 s."),
                (
                    6.0,
                    "Why: squeezing by hand held the only thread, so the water that boiled at 2 s was \
                     noticed 2 s late, and the tea and the toast waited for the juice (try --spawn-blocking).",
                ),
            ],
        );
    }

    #[tokio::test(start_paused = true)]
    async fn with_a_helper_breakfast_takes_4_s_instead_of_6() {
        let out = Out::new();
        breakfast(&out, true).await;
        assert_as_builtin(&out, "breakfast-helper");
        assert_printed(
            &out,
            &[
                (0.0, "Making breakfast."),
                (0.0, "Kettle on."),
                (0.0, "Bread in the toaster."),
                (0.0, "Handed the oranges to the helper."),
                (2.0, "Water boiled."),
                (2.0, "Pouring the tea."),
                (3.0, "Tea poured."),
                (3.0, "Toast popped."),
                (3.0, "Buttering the toast."),
                (4.0, "Toast buttered."),
                (4.0, "Juice squeezed."),
                (4.0, "Breakfast after 4 s."),
                (
                    4.0,
                    "Why: the helper squeezed on a thread of its own, so the loop answered the kettle at 2 s \
                     and the toaster at 3 s, and the tea and the toast were done while the juice was.",
                ),
            ],
        );
    }
}
