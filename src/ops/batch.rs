//! How a batch of runs goes: the options replications ([`super::replicate`]) and a
//! sweep ([`super::sweep`]) share, and the progress they report.

use std::cell::Cell;
use std::time::Duration;

use crate::clock::Cancel;
use crate::engine::{self, VirtualClock};
use crate::model::{Mode, Scenario};
use crate::time::Ticks;
use crate::view::stats::{Stats, StatsView};

use super::run::{Extra, Watched};
use super::{Error, TooManyCustomers};

/// How to run a batch of independent replications on the virtual clock: those of
/// [`replicate`](super::replicate), or those of every configuration of a
/// [`sweep`](super::sweep).
///
/// ```
/// use std::time::Duration;
/// use async_cafe::ops::Batch;
///
/// let batch = Batch { replications: 20, warmup: Duration::from_secs(60), ..Batch::default() };
/// assert_eq!((batch.seed, batch.threads, batch.progress.is_none()), (None, 0, true));
/// ```
///
/// A batch's runs let in as many customers as their scenario says, unless
/// [`Batch::max_customers`] bounds them.
#[derive(Clone)]
pub struct Batch<'p> {
    /// The kitchen every replication runs (default: asynchronous).
    pub mode: Mode,
    /// The base seed the replications' seeds are derived from
    /// ([`crate::replicate::seeds`]); `None` (the default): the scenario's own.
    pub seed: Option<u64>,
    /// Replications (of each configuration, in a sweep): at least 1; 10 by default.
    pub replications: u32,
    /// Scenario time at the start of each replication left out of its statistics
    /// (arrivals during it, and the time before it): a steady-state estimate needs
    /// the empty kitchen of the opening left out. `Duration::ZERO` (the default)
    /// keeps everything.
    pub warmup: Duration,
    /// Worker threads; 0 (the default): one per core. The results are the same
    /// whatever the number.
    pub threads: usize,
    /// Once cancelled, no further replication starts and one under way stops at its
    /// next step; what finished is kept.
    pub cancel: Cancel,
    /// Called after each replication finishes, from the worker threads.
    pub progress: Option<&'p (dyn Fn(Progress) + Sync)>,
    /// The most customers each run may let in, counted as it runs as
    /// [`Want::max_customers`](super::Want::max_customers) counts them, whatever the scenario's expected count
    /// says (a heavy-tailed interarrival time can let in far more than its mean
    /// suggests); `None` (the default): as many as the scenario lets in. For a caller
    /// that cannot afford a run of any size (a server). Once a run lets in one more,
    /// it stops, no further run starts, and the batch returns
    /// [`Error::TooManyCustomers`](super::Error::TooManyCustomers) for the first such
    /// run (in job order). A batch whose every run keeps within the bound is the
    /// unbounded one's, bit for bit.
    ///
    /// ```
    /// use async_cafe::{builtin, ops};
    ///
    /// let shop = builtin::find("coffee-shop").unwrap().load().unwrap();
    /// let batch = ops::Batch { replications: 4, ..Default::default() };
    /// // Every replication serves its 10 customers: within a bound of 10.
    /// let bounded = ops::Batch { max_customers: Some(10), ..batch.clone() };
    /// assert_eq!(ops::replicate(&shop, &bounded).unwrap(), ops::replicate(&shop, &batch).unwrap());
    /// let too_many = ops::replicate(&shop, &ops::Batch { max_customers: Some(9), ..batch }).unwrap_err();
    /// assert!(matches!(too_many, ops::Error::TooManyCustomers(t) if t.most == 9));
    /// ```
    pub max_customers: Option<u64>,
}

impl Default for Batch<'_> {
    fn default() -> Self {
        Batch {
            mode: Mode::Async,
            seed: None,
            replications: 10,
            warmup: Duration::ZERO,
            threads: 0,
            cancel: Cancel::new(),
            progress: None,
            max_customers: None,
        }
    }
}

impl std::fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("mode", &self.mode)
            .field("seed", &self.seed)
            .field("replications", &self.replications)
            .field("warmup", &self.warmup)
            .field("threads", &self.threads)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.map(|_| "Fn(Progress)"))
            .field("max_customers", &self.max_customers)
            .finish()
    }
}

impl Batch<'_> {
    /// The base seed for `sc`: [`Batch::seed`], or the scenario's own.
    pub fn seed_for(&self, sc: &Scenario) -> u64 {
        self.seed.unwrap_or(sc.seed)
    }

    /// One run of the batch, of `sc` with `seed`, on the virtual clock, with its
    /// statistics (leaving out [`Batch::warmup`]), bounded by
    /// [`Batch::max_customers`]; `cancel` stops it at its next step. Every run of a
    /// batch is this one (replications, a sweep's runs, a sweep's jobs run
    /// elsewhere).
    ///
    /// `sc` has passed [`Scenario::check`] (the batch checks it before any run).
    ///
    /// # Errors
    ///
    /// [`Error::TooManyCustomers`] for a run that lets in more than
    /// [`Batch::max_customers`].
    pub(super) fn run_once(&self, sc: &Scenario, seed: u64, cancel: &Cancel) -> Result<Once, Error> {
        let mut view = StatsView::with_warmup(sc, crate::time::ticks(self.warmup));
        let (failed, over) = (Cell::new(false), Cell::new(None));
        let mut clock =
            Watched { inner: &mut VirtualClock, cancel, failed: &failed, over: &over, until: Ticks::MAX };
        let outcome = match self.max_customers {
            None => engine::run(sc, self.mode, seed, &mut clock, &mut view),
            Some(most) => {
                let mut counted =
                    Extra { views: view, watch: None, most: Some(most), admitted: 0, over: &over };
                let outcome = engine::run(sc, self.mode, seed, &mut clock, &mut counted);
                view = counted.views;
                outcome
            }
        };
        if let (Some(at), Some(most)) = (over.get(), self.max_customers) {
            return Err(Error::TooManyCustomers(TooManyCustomers { most, at }));
        }
        Ok(match outcome.overrun {
            Some(overrun) => Once::Overran(overrun),
            None if outcome.finished => Once::Ran(view.finish()),
            None => Once::Stopped,
        })
    }

    /// Reports that `done` of `total` runs have finished, `elapsed` after the start.
    pub(super) fn report(&self, done: usize, total: usize, elapsed: Duration) {
        if let Some(progress) = self.progress {
            progress(Progress { done, total, elapsed });
        }
    }
}

/// What one run of a batch ([`Batch::run_once`]) came to.
// Made and taken apart once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Once {
    /// It ran to its end: its statistics.
    Ran(Stats),
    /// Its clock would have passed the longest time a run can count.
    Overran(engine::Overrun),
    /// It was cancelled before its end.
    Stopped,
}

/// How far a batch has got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Runs finished.
    pub done: usize,
    /// Runs in all.
    pub total: usize,
    /// Wall time since the batch started.
    pub elapsed: Duration,
}

impl Progress {
    /// The time left, extrapolated from the pace so far (`None` before the first run).
    pub fn left(&self) -> Option<Duration> {
        (self.done > 0).then(|| self.elapsed.mul_f64((self.total - self.done) as f64 / self.done as f64))
    }
}
