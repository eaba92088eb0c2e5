//! Work the engine does while Python waits: run on a thread of its own, with
//! Python's signal handlers run meanwhile, and what to raise when one of them
//! stopped it; an echoed narrative's buffer.

use std::time::Duration;

use async_cafe::clock::Cancel;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;

use crate::Interrupted;

/// What to raise for work that a signal's handler stopped, `result` being what had
/// run by then. A handler that raised `KeyboardInterrupt` (Python's own, for
/// Ctrl-C), or a stop with no exception to show, gives an `Interrupted` carrying
/// `result`. Any other exception (a SIGALRM handler's `TimeoutError`, one's own
/// from a SIGINT handler) is raised as the handler raised it, its type, message
/// and traceback kept, with `result` as its `.result` when it has no attribute of
/// that name and takes one.
pub(crate) fn stopped(py: Python<'_>, signal: Option<PyErr>, what: &str, result: Option<Py<PyAny>>) -> PyErr {
    match signal {
        Some(raised) if !raised.is_instance_of::<PyKeyboardInterrupt>(py) => {
            let value = raised.value(py);
            if !value.hasattr("result").unwrap_or(true) {
                let _ = value.setattr("result", result);
            }
            raised
        }
        _ => {
            let e = Interrupted::new_err(format!(
                "{what} interrupted; what had run by then is in this exception's .result"
            ));
            let _ = e.value(py).setattr("result", result);
            e
        }
    }
}

/// Runs `f` on a thread of its own while this one, holding the GIL only briefly,
/// runs Python's signal handlers (and calls `tick`) every 50 ms: a handler that
/// raises (Ctrl-C's, or any other) cancels `cancel`, and `f` (which must watch it)
/// returns what it had. Returns `f`'s result and the handler's exception, if one
/// came ([`stopped`] makes it what to raise).
pub(crate) fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &Cancel,
    mut tick: impl FnMut(Python<'_>),
    f: impl FnOnce() -> T + Send,
) -> (T, Option<PyErr>) {
    std::thread::scope(|s| {
        let me = std::thread::current();
        let worker = s.spawn(move || {
            let r = f();
            me.unpark();
            r
        });
        let mut signal = None;
        while !worker.is_finished() {
            py.detach(|| std::thread::park_timeout(Duration::from_millis(50)));
            if signal.is_none() {
                if let Err(e) = py.check_signals() {
                    cancel.cancel();
                    signal = Some(e);
                }
            }
            tick(py);
        }
        let r = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (r, signal)
    })
}

/// Where an echoed narrative waits for the thread that holds the GIL to print it.
pub(crate) struct Echo(pub(crate) std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Echo {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
