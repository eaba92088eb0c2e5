//! Independent replications of a run on the virtual clock, in parallel: the
//! running half of [`crate::replicate`] (which derives the seeds, spreads work over
//! threads and summarises; see there why the intervals are valid).

use crate::clock::{Cancel, Cancellable};
use crate::engine::{self, VirtualClock};
use crate::model::{Mode, Scenario};
use crate::replicate::{Replicated, map, seeds};
use crate::time::Ticks;
use crate::view::stats::{Stats, StatsView};

use super::RunOverran;

/// Runs `sc` `replications` times in `mode` on the virtual clock, replication `i`
/// with seed [`seeds`]`(seed, replications)[i]`, on `threads` workers (0: one per
/// core), each with statistics that leave out the first `warmup` ticks of service
/// ([`StatsView::with_warmup`]), and summarises them.
///
/// ```
/// use async_cafe::{builtin, model::Mode, ops};
///
/// let shop = builtin::find("coffee-shop").unwrap().load().unwrap();
/// let rep = ops::replicate(&shop, Mode::Async, 1, 4, 0, 0);
/// assert_eq!(rep.replications, 4);
/// assert!(rep.wait.mean_s.contains(rep.wait.mean_s.mean));
/// ```
///
/// # Panics
///
/// If `replications` is 0, or a replication overruns ([`replicate_until`] returns that
/// as an error).
pub fn replicate(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    replications: u32,
    warmup: Ticks,
    threads: usize,
) -> Replicated {
    replicate_until(sc, mode, seed, replications, warmup, threads, &Cancel::new())
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("a token nobody cancels")
}

/// [`replicate`], stopped once `cancel` is cancelled: a replication in progress
/// stops at its next step and none starts. Summarises the replications that
/// finished ([`Replicated::replications`] of them, with their seeds), or `None` when
/// none did; or the error of the first replication (in seed order) whose clock would
/// pass the longest time a run can count ([`engine::Overrun`]): its statistics would
/// describe only part of a run.
///
/// # Panics
///
/// If `replications` is 0.
pub fn replicate_until(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    replications: u32,
    warmup: Ticks,
    threads: usize,
    cancel: &Cancel,
) -> Result<Option<Replicated>, RunOverran> {
    assert!(replications > 0, "replicate needs at least one replication");
    let seeds = seeds(seed, replications);
    let runs = map(&seeds, threads, |s| {
        if cancel.is_cancelled() {
            return Ok(None);
        }
        let mut view = StatsView::with_warmup(sc, warmup);
        let mut clock = Cancellable { inner: VirtualClock, cancel };
        let outcome = engine::run(sc, mode, s, &mut clock, &mut view);
        match outcome.overrun {
            Some(overrun) => Err(RunOverran { message: overrun.message(sc), overrun }),
            None => Ok(outcome.finished.then(|| view.finish())),
        }
    });
    let runs = runs.into_iter().collect::<Result<Vec<_>, _>>()?;
    let (seeds, runs): (Vec<u64>, Vec<Stats>) =
        seeds.into_iter().zip(runs).filter_map(|(seed, run)| Some((seed, run?))).unzip();
    Ok((!runs.is_empty()).then(|| Replicated::from_runs(sc, mode, seed, warmup, seeds, runs)))
}
