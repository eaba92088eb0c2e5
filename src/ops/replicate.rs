//! Independent replications of a run on the virtual clock, in parallel: the
//! running half of [`crate::replicate`] (which derives the seeds, spreads work over
//! threads and summarises; see there why the intervals are valid).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crate::model::Scenario;
use crate::replicate::{Replicated, map, seeds};
use crate::sweep::{RequestError, check_size};
use crate::view::stats::Stats;

use super::batch::Once;
use super::{Batch, Error, RunOverran};

/// Runs `sc` `batch.replications` times in `batch.mode` on the virtual clock,
/// replication `i` with seed [`seeds`]`(base, replications)[i]` (`base`:
/// [`Batch::seed_for`]), on `batch.threads` workers, each with statistics that
/// leave out `batch.warmup` ([`StatsView::with_warmup`](crate::view::stats::StatsView::with_warmup)), and summarises them.
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
/// [`Error::NoReplications`] for 0 replications; [`Error::Invalid`] for a scenario
/// that fails [`Scenario::check`]; [`Error::Refused`] for more runs (or customers in
/// all) than a sweep may have ([`check_size`]); [`Error::Cancelled`] when none
/// finished; [`Error::Overran`] for the first replication (in seed order) whose
/// clock would pass the longest time a run can count ([`engine::Overrun`](crate::engine::Overrun)): its
/// statistics would describe only part of a run; [`Error::TooManyCustomers`] for
/// the first replication (in seed order) that let in more than
/// [`Batch::max_customers`].
///
/// A replication in which the warm-up leaves nothing to measure (it ended before
/// the warm-up did, or no customer came after it) has statistics of zeros, and so
/// would their estimates: [`NothingMeasured::of`](crate::view::stats::NothingMeasured::of)
/// with [`Replicated::runs`] says which (the command and the Python package refuse
/// such replications with it).
pub fn replicate(sc: &Scenario, batch: &Batch<'_>) -> Result<Replicated, Error> {
    if batch.replications == 0 {
        return Err(Error::NoReplications);
    }
    sc.check().map_err(Error::Invalid)?;
    check_size(sc, &[], batch.replications).map_err(|e| Error::Refused(RequestError::Size(e)))?;
    let start = Instant::now();
    let base = batch.seed_for(sc);
    let seeds = seeds(base, batch.replications);
    let (done, total) = (AtomicUsize::new(0), seeds.len());
    // A replication failed (let in too many customers): no further one starts.
    let failed = AtomicBool::new(false);
    let runs = map(&seeds, batch.threads, |s| {
        if batch.cancel.is_cancelled() || failed.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let stats = match batch.run_once(sc, s, &batch.cancel) {
            Ok(Once::Ran(stats)) => stats,
            Ok(Once::Stopped) => return Ok(None),
            Ok(Once::Overran(overrun)) => {
                return Err(Error::Overran(RunOverran { message: overrun.message(sc), overrun }));
            }
            Err(e) => {
                failed.store(true, Ordering::Relaxed);
                return Err(e);
            }
        };
        batch.report(done.fetch_add(1, Ordering::Relaxed) + 1, total, start.elapsed());
        Ok(Some(stats))
    });
    let runs = runs.into_iter().collect::<Result<Vec<_>, Error>>()?;
    let (seeds, runs): (Vec<u64>, Vec<Stats>) =
        seeds.into_iter().zip(runs).filter_map(|(seed, run)| Some((seed, run?))).unzip();
    if runs.is_empty() {
        return Err(Error::Cancelled);
    }
    Ok(Replicated::from_runs(sc, batch.mode, base, batch.warmup, seeds, runs))
}
