//! How a batch of runs goes: the options replications ([`super::replicate`]) and a
//! sweep ([`super::sweep`]) share, and the progress they report.

use std::io;
use std::time::Duration;

use crate::clock::Cancel;
use crate::model::{Mode, Scenario};

use super::{ClockKind, Ran, RunSpec, Want};

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
/// A batch's runs let in as many customers as their scenario says. A caller that
/// cannot afford a run of any size (a server) bounds each run as [`Want::max_customers`]
/// bounds one: [`Batch::replicate_bounded`] and [`Batch::sweep_bounded`] count each
/// run's customers as it goes and stop the batch at the first run that lets in more.
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
            .finish()
    }
}

impl Batch<'_> {
    /// The base seed for `sc`: [`Batch::seed`], or the scenario's own.
    pub fn seed_for(&self, sc: &Scenario) -> u64 {
        self.seed.unwrap_or(sc.seed)
    }

    /// One run of the batch, of `sc` with `seed`, on the virtual clock, with its
    /// statistics (leaving out [`Batch::warmup`]), bounded to `max_customers` as
    /// [`Want::max_customers`] bounds a run; `cancel` stops it at its next step.
    /// Errors as [`run`](super::run)'s: a [`RunOverran`](super::RunOverran) or a
    /// [`TooManyCustomers`](super::TooManyCustomers).
    pub(super) fn bounded_run(
        &self,
        sc: &Scenario,
        seed: u64,
        cancel: &Cancel,
        max_customers: u64,
    ) -> io::Result<Ran> {
        let spec = RunSpec { mode: self.mode, clock: ClockKind::Virtual, seed };
        let want = Want {
            stats: true,
            warmup: self.warmup,
            cancel: cancel.clone(),
            max_customers: Some(max_customers),
            ..Want::default()
        };
        super::run(sc, spec, want, &mut io::sink())
    }

    /// Reports that `done` of `total` runs have finished, `elapsed` after the start.
    pub(super) fn report(&self, done: usize, total: usize, elapsed: Duration) {
        if let Some(progress) = self.progress {
            progress(Progress { done, total, elapsed });
        }
    }
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
