//! Independent replications of a run on the virtual clock, in parallel: the
//! running half of [`crate::replicate`] (which derives the seeds, spreads work over
//! threads and summarises; see there why the intervals are valid).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::clock::Cancellable;
use crate::engine::{self, VirtualClock};
use crate::model::Scenario;
use crate::replicate::{Replicated, map, seeds};
use crate::view::stats::{Stats, StatsView};

use super::{Batch, Error, RunOverran};

/// Runs `sc` `batch.replications` times in `batch.mode` on the virtual clock,
/// replication `i` with seed [`seeds`]`(base, replications)[i]` (`base`:
/// [`Batch::seed_for`]), on `batch.threads` workers, each with statistics that
/// leave out `batch.warmup` ([`StatsView::with_warmup`]), and summarises them.
///
/// Once `batch.cancel` is cancelled, a replication under way stops at its next
/// step and none starts: the replications that finished are summarised
/// ([`Replicated::replications`] of them, with their seeds). `batch.progress` hears
/// of each replication that finishes.
///
/// ```
/// use async_cafe::{builtin, ops};
///
/// let shop = builtin::find("coffee-shop").unwrap().load().unwrap();
/// let rep = ops::replicate(&shop, &ops::Batch { replications: 4, ..Default::default() }).unwrap();
/// assert_eq!((rep.replications, rep.seeds.len()), (4, 4));
/// assert_eq!(rep.served.mean, 10.0); // every replication serves its 10 customers
/// assert!(rep.wait.mean_s.contains(rep.wait.mean_s.mean));
/// ```
///
/// # Errors
///
/// [`Error::NoReplications`] for 0 replications; [`Error::Cancelled`] when none
/// finished; [`Error::Overran`] for the first replication (in seed order) whose
/// clock would pass the longest time a run can count ([`engine::Overrun`]): its
/// statistics would describe only part of a run.
pub fn replicate(sc: &Scenario, batch: &Batch<'_>) -> Result<Replicated, Error> {
    if batch.replications == 0 {
        return Err(Error::NoReplications);
    }
    let start = Instant::now();
    let base = batch.seed_for(sc);
    let seeds = seeds(base, batch.replications);
    let warmup = crate::time::ticks(batch.warmup);
    let (done, total) = (AtomicUsize::new(0), seeds.len());
    let runs = map(&seeds, batch.threads, |s| {
        if batch.cancel.is_cancelled() {
            return Ok(None);
        }
        let mut view = StatsView::with_warmup(sc, warmup);
        let mut clock = Cancellable { inner: VirtualClock, cancel: &batch.cancel };
        let outcome = engine::run(sc, batch.mode, s, &mut clock, &mut view);
        if let Some(overrun) = outcome.overrun {
            return Err(RunOverran { message: overrun.message(sc), overrun });
        }
        if !outcome.finished {
            return Ok(None);
        }
        batch.report(done.fetch_add(1, Ordering::Relaxed) + 1, total, start.elapsed());
        Ok(Some(view.finish()))
    });
    let runs = runs.into_iter().collect::<Result<Vec<_>, _>>().map_err(Error::Overran)?;
    let (seeds, runs): (Vec<u64>, Vec<Stats>) =
        seeds.into_iter().zip(runs).filter_map(|(seed, run)| Some((seed, run?))).unzip();
    if runs.is_empty() {
        return Err(Error::Cancelled);
    }
    Ok(Replicated::from_runs(sc, batch.mode, base, batch.warmup, seeds, runs))
}
