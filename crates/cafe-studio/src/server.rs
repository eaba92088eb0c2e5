//! The server: its shared state, the router (the page and the API), and starting
//! and stopping it.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_cafe::clock::Cancel;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;

use crate::config::{Config, Limits};
use crate::error::ApiError;
use crate::history::{History, OpenError};
use crate::jobs::{Jobs, LiveRuns};
use crate::work::Work;

/// What every request shares: the history, the permits to run, the sweeps under
/// way and the limits.
#[derive(Clone)]
pub struct State(pub(crate) Arc<Inner>);

pub(crate) struct Inner {
    pub history: History,
    /// Answer only requests whose `Host` is this machine ([`crate::guard`]).
    pub local_only: bool,
    pub work: Work,
    pub jobs: Jobs,
    pub live: LiveRuns,
    pub limits: Limits,
}

impl State {
    /// The state of a studio with `history` and `limits`, which answers pages of
    /// this machine only.
    pub fn new(history: History, limits: Limits) -> State {
        State::build(history, limits, true)
    }

    fn build(history: History, limits: Limits, local_only: bool) -> State {
        let work = Work::new(limits.concurrent_runs);
        let (jobs, live) = (Jobs::default(), LiveRuns::default());
        State(Arc::new(Inner { history, local_only, work, jobs, live, limits }))
    }

    /// Opens the history at `config.db`, held by this studio alone until the state
    /// is dropped (marking what an earlier studio left unfinished as interrupted),
    /// and returns the state and how many were marked. A history another studio
    /// holds is an error of kind `ResourceBusy` that says what to do.
    pub fn open(config: &Config) -> io::Result<(State, usize)> {
        let (history, marked) = History::open(&config.db).map_err(|e| {
            let kind = match e {
                OpenError::InUse { .. } => io::ErrorKind::ResourceBusy,
                OpenError::Sqlite { .. } => io::ErrorKind::Other,
            };
            io::Error::new(kind, e.to_string())
        })?;
        Ok((State::build(history, config.limits.clone(), config.host.is_loopback()), marked))
    }

    /// Calls `f` with the history on a blocking thread: SQLite waits for the disk,
    /// and the server's threads must not.
    pub(crate) async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&History) -> rusqlite::Result<T> + Send + 'static,
    {
        let state = self.clone();
        let done = tokio::task::spawn_blocking(move || f(&state.0.history)).await;
        Ok(done.map_err(ApiError::internal)??)
    }

    /// Runs at once.
    pub fn concurrent_runs(&self) -> usize {
        self.0.work.permits()
    }
}

/// The router: the page at `/`, the API under `/api/`.
pub fn router(state: State) -> Router {
    let limit = state.0.limits.body_bytes;
    let local_only = state.0.local_only;
    crate::page::routes()
        .nest("/api", crate::api::routes())
        // What neither answers (`/api/` itself is not the nested router's): the API's
        // JSON error.
        .fallback(crate::api::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(local_only, crate::guard::local_host))
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` completes; then cancels the
/// sweeps and live runs under way, and lets the requests in flight finish and the
/// work cancelled record how it ended (`cancelled`, with what it had) for up to 5
/// seconds.
pub async fn serve(
    listener: TcpListener,
    state: State,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (jobs, live) = (state.0.jobs.clone(), state.0.live.clone());
    let under_way = (jobs.clone(), live.clone());
    // When the stop was asked for; the grace runs from then.
    let asked = Arc::new(OnceLock::new());
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let stop = {
        let asked = asked.clone();
        async move {
            shutdown.await;
            jobs.all().iter().for_each(|j| j.cancel.cancel());
            live.all().iter().for_each(|l| l.cancel.cancel());
            let _ = asked.set(tokio::time::Instant::now() + Duration::from_secs(5));
            let _ = stopping_tx.send(());
        }
    };
    let app = router(state);
    let server = axum::serve(listener, app).with_graceful_shutdown(stop);
    let server = server.into_future();
    tokio::pin!(server);
    // Asked to stop, the server can end at once (nothing in flight), as the stop is
    // seen: either way, the grace below follows.
    let ended = tokio::select! {
        done = &mut server => Some(done),
        _ = stopping_rx => None,
    };
    let Some(&deadline) = asked.get() else {
        // The server ended by itself, on an error.
        return ended.unwrap_or(Ok(()));
    };
    // Event streams and slow runs: give them a moment, not forever.
    let done = match ended {
        Some(done) => done,
        None => tokio::time::timeout_at(deadline, server).await.unwrap_or(Ok(())),
    };
    // A live run ends on a thread of its own, which the process does not wait for:
    // wait until each sweep and live run cancelled has written how it ended to the
    // history (and left the registry), or the moment is up.
    let (jobs, live) = under_way;
    while (jobs.len() > 0 || live.len() > 0) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done
}

/// What [`run`] tells its caller once the studio listens.
#[derive(Clone, Debug, PartialEq)]
pub struct Started {
    /// The page's URL.
    pub url: String,
    /// Entries an earlier studio left unfinished, now marked interrupted.
    pub interrupted: usize,
}

/// Starts the studio as `config` says, calls `ready` once it listens, and serves
/// until `cancel` is cancelled (the `cafe` command cancels it on Ctrl-C). Blocks
/// the calling thread; builds its own tokio runtime. It listens before it opens
/// the history: a port it cannot have leaves no history file behind.
pub fn run(config: Config, cancel: &Cancel, ready: impl FnOnce(&Started)) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(SocketAddr::new(config.host, config.port)).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {}:{}: {e}", config.host, config.port))
        })?;
        let (state, interrupted) = State::open(&config)?;
        let addr = listener.local_addr()?;
        ready(&Started { url: url(addr), interrupted });
        let cancel = cancel.clone();
        let shutdown = async move {
            while !cancel.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        serve(listener, state, shutdown).await
    })
}

/// The page's URL for the address the studio listens on.
fn url(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("http://{}:{}/", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    }
}
