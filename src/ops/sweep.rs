//! A sweep's runs: every configuration of a grid, replicated on the virtual clock
//! over every core (see [`crate::sweep`] for the grid, the seeds and the answers).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::engine::{self, VirtualClock};
use crate::model::Scenario;
use crate::replicate::{self, Estimate, Replicated};
use crate::sweep::{Row, Sweep, Vary, apply, cost, grid, metrics};
use crate::view::stats::{Stats, StatsView};

use super::{Batch, Error, RunOverran};

/// Runs every configuration of `varies` (in [`grid`] order) `batch.replications`
/// times, every configuration with the same seeds (common random numbers, see
/// [`crate::sweep`]), on `batch.threads` workers, telling `batch.progress` after
/// each run (from the worker threads). Once `batch.cancel` is cancelled, no
/// further run starts; the configurations already complete are kept, the others
/// are not run ([`Sweep::interrupted`]).
///
/// ```
/// use async_cafe::{builtin, ops, sweep};
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// let shop = builtin::find("coffee-shop").unwrap().load().unwrap();
/// let varies = [sweep::parse_vary("cooks=1..2", &shop).unwrap()];
/// let done = AtomicUsize::new(0);
/// let progress = |p: ops::Progress| {
///     done.fetch_max(p.done, Ordering::Relaxed);
/// };
/// let batch = ops::Batch { replications: 2, progress: Some(&progress), ..Default::default() };
/// let result = ops::sweep(&shop, &varies, &batch).unwrap();
/// assert_eq!(result.rows.len(), 2);
/// assert!(result.rows.iter().all(|r| r.done()) && !result.interrupted);
/// assert_eq!(done.into_inner(), 4);
/// // A second cook never makes the customers wait longer.
/// let mean_wait = |row: &sweep::Row| row.replicated.as_ref().unwrap().wait.mean_s.mean;
/// assert!(mean_wait(&result.rows[1]) <= mean_wait(&result.rows[0]));
/// ```
///
/// # Errors
///
/// [`Error::NoReplications`] for 0 replications; [`Error::Overran`] for the first
/// run (in grid order) whose clock would pass the longest time a run can count
/// (its message names the configuration): its configuration's statistics would
/// describe only part of a run.
pub fn sweep(sc: &Scenario, varies: &[Vary], batch: &Batch<'_>) -> Result<Sweep, Error> {
    if batch.replications == 0 {
        return Err(Error::NoReplications);
    }
    let base = batch.seed_for(sc);
    let warmup = crate::time::ticks(batch.warmup);
    let start = Instant::now();
    let configs: Vec<Vec<f64>> = grid(varies);
    let scenarios: Vec<Scenario> = configs.iter().map(|v| apply(sc, varies, v)).collect();
    let r = batch.replications as usize;
    let seeds = replicate::seeds(base, batch.replications);
    let total = configs.len() * r;
    let jobs: Vec<u64> = (0..total as u64).collect();
    let done = AtomicUsize::new(0);
    let overruns = std::sync::Mutex::new(Vec::new());
    let runs: Vec<Option<Stats>> = replicate::map(&jobs, batch.threads, |k| {
        if batch.cancel.is_cancelled() {
            return None;
        }
        let (c, i) = (k as usize / r, k as usize % r);
        let sc = &scenarios[c];
        let mut view = StatsView::with_warmup(sc, warmup);
        let outcome = engine::run(sc, batch.mode, seeds[i], &mut VirtualClock, &mut view);
        if let Some(overrun) = outcome.overrun {
            let with: Vec<String> = varies
                .iter()
                .zip(&configs[c])
                .map(|(v, &x)| format!("{} = {}", v.param.name(), v.param.show(x)))
                .collect();
            let message = format!("with {}, {}", with.join(", "), overrun.message(sc));
            overruns.lock().unwrap_or_else(|e| e.into_inner()).push((k, RunOverran { overrun, message }));
        }
        let stats = view.finish();
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        batch.report(n, total, start.elapsed());
        Some(stats)
    });
    // The first run in grid order whose clock would pass the longest time a run can count.
    let overrun = overruns.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().min_by_key(|o| o.0);
    if let Some((_, overran)) = overrun {
        return Err(Error::Overran(overran));
    }
    let metrics = metrics(sc, varies);
    let mut runs = runs.into_iter();
    let rows: Vec<Row> = configs
        .into_iter()
        .zip(&scenarios)
        .map(|(values, csc)| {
            let mine: Vec<Option<Stats>> = runs.by_ref().take(r).collect();
            let complete: Option<Vec<Stats>> = mine.into_iter().collect();
            let replicated = complete
                .map(|runs| Replicated::from_runs(csc, batch.mode, base, batch.warmup, seeds.clone(), runs));
            let estimates = metrics
                .iter()
                .map(|m| {
                    let rep = replicated.as_ref()?;
                    let values: Option<Vec<f64>> = rep.runs.iter().map(|s| m.value(s, sc.unit)).collect();
                    Some(Estimate::from_samples(&values?))
                })
                .collect();
            let load = crate::capacity::offered_load(csc, batch.mode)
                .map(|loads| loads.iter().map(|l| l.rho).fold(0.0, f64::max));
            let measured_nothing =
                warmup > 0 && replicated.as_ref().is_some_and(|r| r.runs.iter().any(Stats::measured_nothing));
            Row {
                values,
                cooks: csc.kitchen.cooks,
                cost: cost(csc),
                load,
                estimates,
                replicated,
                measured_nothing,
            }
        })
        .collect();
    let interrupted = rows.iter().any(|r| !r.done());
    Ok(Sweep {
        scenario: sc.name.clone(),
        unit: sc.unit,
        mode: batch.mode,
        seed: base,
        replications: batch.replications,
        warmup_s: crate::time::seconds(warmup),
        varies: varies.to_vec(),
        metrics,
        rows,
        interrupted,
        elapsed: start.elapsed(),
    })
}
