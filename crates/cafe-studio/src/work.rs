//! The engine's work, off the server's threads: every run, comparison and sweep
//! runs on tokio's blocking threads, at most [`Work::permits`] at once; the others
//! wait their turn, so the server keeps answering (the page, the history, the
//! progress of a sweep) however many runs are asked for.

use std::sync::Arc;
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
        F: FnOnce(Cancel) -> T + Send + 'static,
    {
        let _permit = self.permits.clone().acquire_owned().await.map_err(ApiError::internal)?;
        let deadline = limit.map(|limit| {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                tokio::time::sleep(limit).await;
                cancel.cancel();
            })
        });
        let value = tokio::task::spawn_blocking(move || f(cancel)).await;
        if let Some(d) = deadline {
            d.abort();
        }
        value.map_err(|e| ApiError::internal(format!("a run failed: {e}")))
    }
}
