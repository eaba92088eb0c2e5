//! The work under way: the sweeps (each one's cancel token and its progress, which
//! `GET /api/sweeps/{id}` reads and `GET /api/sweeps/{id}/events` streams) and the
//! live runs (each one's cancel token and the messages it has streamed so far).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_cafe::clock::Cancel;
use async_cafe::ops::Progress;
use serde::Serialize;
use tokio::sync::watch;

use crate::history::Status;

/// A sweep's progress, as the API sends it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepProgress {
    /// The sweep's id in the history.
    pub id: i64,
    /// `running` until it ends.
    pub status: Status,
    /// Runs finished.
    pub done: usize,
    /// Runs in all.
    pub total: usize,
    /// Wall time since it started, in seconds.
    pub elapsed_s: f64,
    /// The time left, extrapolated from the pace so far.
    pub left_s: Option<f64>,
    /// Why it failed.
    pub error: Option<String>,
}

impl SweepProgress {
    /// Just started.
    pub fn start(id: i64, total: usize) -> SweepProgress {
        SweepProgress {
            id,
            status: Status::Running,
            done: 0,
            total,
            elapsed_s: 0.0,
            left_s: None,
            error: None,
        }
    }

    /// After `p`; whether it moved on. The worker threads may report out of order:
    /// `done` only grows.
    pub fn at(&mut self, p: Progress) -> bool {
        if p.done <= self.done {
            return false;
        }
        self.done = p.done;
        self.total = p.total;
        self.elapsed_s = p.elapsed.as_secs_f64();
        self.left_s = p.left().map(|d| d.as_secs_f64());
        true
    }
}

/// One sweep under way.
pub struct Job {
    /// Stops it: no further run starts, the configurations finished are kept.
    pub cancel: Cancel,
    /// Its progress, to every watcher.
    pub progress: watch::Sender<SweepProgress>,
}

impl Job {
    /// Sweep `id` of `total` runs, just started.
    pub fn new(id: i64, total: usize) -> Job {
        Job { cancel: Cancel::new(), progress: watch::channel(SweepProgress::start(id, total)).0 }
    }
}

/// A live run: its cancel token and what it has sent so far, message by message.
pub struct Live {
    /// Stops it; what ran is kept.
    pub cancel: Cancel,
    /// Every message so far: its kind (the server-sent event's name) and its JSON.
    messages: Mutex<Vec<(&'static str, String)>>,
    /// How many messages there are, and the run's status once it has ended.
    pub written: watch::Sender<(usize, Option<Status>)>,
}

impl Live {
    /// A live run with no message yet.
    pub fn new() -> Live {
        Live { cancel: Cancel::new(), messages: Mutex::default(), written: watch::channel((0, None)).0 }
    }

    /// Adds a message of `kind` with `data`.
    pub fn push(&self, kind: &'static str, data: String) {
        let mut messages = self.messages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        messages.push((kind, data));
        let n = messages.len();
        self.written.send_modify(|w| w.0 = n);
    }

    /// The messages from `from` on.
    pub fn messages_from(&self, from: usize) -> Vec<(&'static str, String)> {
        let messages = self.messages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        messages.get(from..).map(<[_]>::to_vec).unwrap_or_default()
    }

    /// Marks the run as ended.
    pub fn end(&self, status: Status) {
        self.written.send_modify(|w| w.1 = Some(status));
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

/// Work under way (sweeps, live runs), by its id in the history, and the few that
/// ended last ([`ENDED_KEPT`]), so that a page that asks for a live run's events
/// just after it ended (a run that fails at once) still gets them, and its end
/// ([`Registry::recent`]).
pub struct Registry<T>(Arc<Mutex<Works<T>>>);

/// How many ended pieces of work a [`Registry`] keeps, the latest.
pub const ENDED_KEPT: usize = 4;

struct Works<T> {
    under_way: HashMap<i64, Arc<T>>,
    /// The latest to end, oldest first.
    ended: std::collections::VecDeque<(i64, Arc<T>)>,
}

/// The sweeps under way.
pub type Jobs = Registry<Job>;

/// The live runs under way.
pub type LiveRuns = Registry<Live>;

impl<T> Clone for Registry<T> {
    fn clone(&self) -> Self {
        Registry(self.0.clone())
    }
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry(Arc::new(Mutex::new(Works {
            under_way: HashMap::new(),
            ended: std::collections::VecDeque::default(),
        })))
    }
}

impl<T> Registry<T> {
    fn works(&self) -> std::sync::MutexGuard<'_, Works<T>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many are under way.
    pub fn len(&self) -> usize {
        self.works().under_way.len()
    }

    /// Registers `work` as `id`.
    pub fn add(&self, id: i64, work: T) -> Arc<T> {
        let work = Arc::new(work);
        self.works().under_way.insert(id, work.clone());
        work
    }

    /// Work `id`, while it is under way.
    pub fn get(&self, id: i64) -> Option<Arc<T>> {
        self.works().under_way.get(&id).cloned()
    }

    /// Work `id`, while it is under way or among the last [`ENDED_KEPT`] to end.
    pub fn recent(&self, id: i64) -> Option<Arc<T>> {
        let works = self.works();
        let ended = || works.ended.iter().find(|(e, _)| *e == id).map(|(_, w)| w.clone());
        works.under_way.get(&id).cloned().or_else(ended)
    }

    /// Work `id` ended (the history has it): no longer under way, kept among the
    /// last [`ENDED_KEPT`] to end.
    pub fn remove(&self, id: i64) {
        let mut works = self.works();
        if let Some(work) = works.under_way.remove(&id) {
            if works.ended.len() == ENDED_KEPT {
                works.ended.pop_front();
            }
            works.ended.push_back((id, work));
        }
    }

    /// Every piece of work under way.
    pub fn all(&self) -> Vec<Arc<T>> {
        self.works().under_way.values().cloned().collect()
    }
}
