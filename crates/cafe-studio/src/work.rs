//! The engine's work, off the server's threads: every run, comparison and sweep
//! runs on tokio's blocking threads, at most [`Work::permits`] at once; the others
//! wait their turn, so the server keeps answering (the page, the history, the
//! progress of a sweep) however many runs are asked for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_cafe::clock::Cancel;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The pool of permits to run.
#[derive(Clone, Debug)]
pub struct Work {
    permits: Arc<Semaphore>,
    size: usize,
}

impl Work {
    /// `size` runs at once; 0: one per core.
    pub fn new(size: usize) -> Work {
        let size = match size {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        Work { permits: Arc::new(Semaphore::new(size)), size }
    }

    /// How many runs may go at once.
    pub fn permits(&self) -> usize {
        self.size
    }

    /// Runs `f` on a blocking thread once a permit is free, with a token that
    /// `cancel` (and, past `limit`, the time limit) cancels.
    pub async fn run<T, F>(&self, cancel: Cancel, limit: Option<Duration>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(Stop) -> T + Send + 'static,
    {
        let _permit = self.permits.clone().acquire_owned().await.map_err(ApiError::internal)?;
        let stop = Stop { cancel, timed_out: Arc::default() };
        let deadline = limit.map(|limit| {
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::time::sleep(limit).await;
                stop.timed_out.store(true, Ordering::SeqCst);
                stop.cancel.cancel();
            })
        });
        let value = tokio::task::spawn_blocking(move || f(stop)).await;
        if let Some(d) = deadline {
            d.abort();
        }
        value.map_err(|e| ApiError::internal(format!("a run failed: {e}")))
    }
}

/// What stops a piece of work: its token, cancelled on request, by the time limit,
/// or by the work itself (a run past its bound on steps); and whether the time
/// limit cancelled it.
#[derive(Clone, Debug)]
pub struct Stop {
    /// Cancelled once the work must stop.
    pub cancel: Cancel,
    timed_out: Arc<AtomicBool>,
}

impl Stop {
    /// Whether the time limit cancelled [`Stop::cancel`].
    pub fn timed_out(&self) -> bool {
        self.timed_out.load(Ordering::SeqCst)
    }
}
