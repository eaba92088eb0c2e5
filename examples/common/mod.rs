//! Tiny helper shared by the examples (`mod common;` in each one). Cargo only
//! treats `examples/*.rs` and `examples/*/main.rs` as examples, so this file
//! is not one itself.
//!
//! * [`Out`] is Python's `print`, plus a record of *when* each line was printed,
//!   so the tests can check both the text and the (virtual) time.
//! * [`block`] is Python's blocking `time.sleep`.
//! * [`py_list`] formats a list of strings the way Python prints one.

// Each example uses only part of this module.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

// `tokio::time::Instant` is `std::time::Instant` in a normal run; on a test
// runtime whose clock is paused it reads the *virtual* clock instead.
use tokio::time::Instant;

/// Prints like Python's `print(text)` and records `(elapsed, line)` pairs.
/// Cloning is cheap and clones share the record (spawned tasks need their own
/// `'static` handle).
#[derive(Clone)]
pub struct Out {
    start: Instant,
    lines: Arc<Mutex<Vec<(Duration, String)>>>,
}

impl Out {
    /// Starts the clock: every recorded time is relative to this moment.
    pub fn new() -> Self {
        Out { start: Instant::now(), lines: Arc::default() }
    }

    /// `print(text)`: `text` may contain `\n` (the seeds print things like
    /// `"\nMaking your ..."`), and each resulting line is recorded on its own.
    pub fn print(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
        println!("{text}");
        let t = self.start.elapsed();
        let mut lines = self.lines.lock().unwrap();
        lines.extend(text.split('\n').map(|line| (t, line.to_owned())));
    }

    /// Everything printed so far, with the time since [`Out::new`].
    pub fn lines(&self) -> Vec<(Duration, String)> {
        self.lines.lock().unwrap().clone()
    }
}

/// Python's `repr` of a list of strings: `['A1', 'B2']`.
pub fn py_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{}'", s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// Python's `time.sleep(d)`: a *blocking* wait. It holds the thread, so on a
/// current-thread runtime no other task, timer or I/O runs until it returns.
///
/// In a normal run this is exactly `std::thread::sleep(d)`.
///
/// In the tests the runtime's clock is paused, and `std::thread::sleep` does
/// not move tokio's virtual clock: a test would see a blocked second take 0 s.
/// So under `cfg(test)` we make the virtual clock jump by `d` *without
/// yielding*: the task keeps the thread, nothing else gets polled, and when it
/// finally yields, timers that came due during the "block" fire late, just as
/// after a real `std::thread::sleep`. (Alternatives we rejected: adding `d`
/// to a private offset kept by `Out` — wrong, tokio's timers would not see
/// it, e.g. lunch_async's meatloaf would finish at 5 instead of 3; and
/// `time::resume(); std::thread::sleep(d); time::pause();` — honest but makes
/// the tests slow and their times inexact.)
pub fn block(d: Duration) {
    #[cfg(not(test))]
    std::thread::sleep(d);
    #[cfg(test)]
    jump_paused_clock(d);
}

/// Moves the paused clock forward by `d` synchronously. `tokio::time::advance`
/// is an `async fn` that moves the clock on its first poll and then yields
/// once; polling it exactly once (and dropping it) gives us the jump without
/// the yield. If a future tokio did the jump later, every blocking step in the
/// tests would show up at the wrong time and the tests would fail.
#[cfg(test)]
fn jump_paused_clock(d: Duration) {
    use std::future::Future;
    use std::task::{Context, Waker};
    let advance = std::pin::pin!(tokio::time::advance(d));
    let _pending = advance.poll(&mut Context::from_waker(Waker::noop()));
}

/// Asserts the printed lines and the virtual time of each (in seconds, as in
/// `reference/expected/<program>.json` in the shared directory, `../shared` beside
/// the project or `$CAFE_SHARED_DIR`; compared to the ms).
#[cfg(test)]
#[track_caller]
pub fn assert_printed(out: &Out, expected: &[(f64, &str)]) {
    let show = |t: f64, line: &str| format!("{t:7.3} | {line}");
    let got: Vec<String> = (out.lines().iter()).map(|(t, line)| show(t.as_secs_f64(), line)).collect();
    let want: Vec<String> = (expected.iter()).map(|&(t, line)| show(t, line)).collect();
    assert_eq!(got, want);
}
