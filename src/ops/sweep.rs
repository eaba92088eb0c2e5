//! A sweep's runs: every configuration of a grid, replicated on the virtual clock
//! over every core (see [`crate::sweep`] for the grid, the seeds and the answers).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::clock::Cancel;
use crate::engine::{self, VirtualClock};
use crate::model::Scenario;
use crate::replicate::{self, Estimate, Replicated};
use crate::sweep::{Options, Progress, Row, Sweep, Vary, apply, cost, grid, metrics};
use crate::view::stats::{Stats, StatsView};

/// Runs every configuration of `varies` (in [`grid`] order) `opts.replications`
/// times, on `opts.threads` workers, calling `progress` after each run (from the
/// worker threads). Once `cancel` is cancelled, no further run starts; the
/// configurations already complete are kept.
///
/// ```
/// use async_cafe::clock::Cancel;
/// use async_cafe::sweep::{self, Options};
/// use async_cafe::{builtin, model::Mode, ops};
///
/// let shop = builtin::find("coffee-shop").unwrap().load().unwrap();
/// let varies = [sweep::parse_vary("cooks=1..2", &shop).unwrap()];
/// let opts = Options { mode: Mode::Async, seed: 1, replications: 2, warmup: 0, threads: 0 };
/// let done = std::sync::atomic::AtomicUsize::new(0);
/// let result = ops::sweep(&shop, &varies, &opts, &Cancel::new(), &|p| {
///     done.fetch_max(p.done, std::sync::atomic::Ordering::Relaxed);
/// });
/// assert_eq!(result.rows.len(), 2);
/// assert!(result.rows.iter().all(|r| r.done()) && !result.interrupted);
/// assert_eq!(done.into_inner(), 4);
/// ```
///
/// # Panics
///
/// If `opts.replications` is 0.
pub fn sweep(
    sc: &Scenario,
    varies: &[Vary],
    opts: &Options,
    cancel: &Cancel,
    progress: &(dyn Fn(Progress) + Sync),
) -> Sweep {
    assert!(opts.replications > 0, "a sweep needs at least one replication");
    let start = Instant::now();
    let configs: Vec<Vec<f64>> = grid(varies);
    let scenarios: Vec<Scenario> = configs.iter().map(|v| apply(sc, varies, v)).collect();
    let r = opts.replications as usize;
    let seeds = replicate::seeds(opts.seed, opts.replications);
    let total = configs.len() * r;
    let jobs: Vec<u64> = (0..total as u64).collect();
    let done = AtomicUsize::new(0);
    let runs: Vec<Option<SweepRun>> = replicate::map(&jobs, opts.threads, |k| {
        if cancel.is_cancelled() {
            return None;
        }
        let (c, i) = (k as usize / r, k as usize % r);
        let run = run_one(&scenarios[c], varies, &configs[c], opts, seeds[i]);
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(Progress { done: n, total, elapsed: start.elapsed() });
        Some(run)
    });
    sweep_from_runs(sc, varies, opts, runs, start.elapsed())
}

/// One run of a sweep: a replication of one configuration, as [`sweep_job`] returns
/// it.
#[derive(Clone, Debug)]
pub struct SweepRun {
    /// The replication's statistics (with the sweep's warm-up left out).
    pub stats: Stats,
    /// If the run's clock would have passed the longest time a run can count: what
    /// stopped it, naming the configuration, the order and the step.
    pub overrun: Option<String>,
}

/// The number of runs of a sweep: configurations × replications. Job `k` is
/// replication `k % R` of configuration `k / R`, in [`grid`] order.
pub fn sweep_jobs(varies: &[Vary], opts: &Options) -> usize {
    varies.iter().map(|v| v.values.len()).product::<usize>() * opts.replications as usize
}

/// Runs job `k` of the sweep of `sc` over `varies` (see [`sweep_jobs`]) on the
/// calling thread: exactly the run [`sweep`] makes for it, with the same seed. A
/// caller that spreads a sweep's runs elsewhere (other processes or machines) runs
/// each with this and gathers them with [`sweep_from_runs`]; the result is the same
/// as [`sweep`]'s, bit for bit.
///
/// # Panics
///
/// If `k` is not below [`sweep_jobs`], or `opts.replications` is 0.
pub fn sweep_job(sc: &Scenario, varies: &[Vary], opts: &Options, k: usize) -> SweepRun {
    assert!(opts.replications > 0, "a sweep needs at least one replication");
    let r = opts.replications as usize;
    let (c, i) = (k / r, k % r);
    let values = grid(varies).swap_remove(c);
    let seed = replicate::seeds(opts.seed, opts.replications)[i];
    run_one(&apply(sc, varies, &values), varies, &values, opts, seed)
}

/// One replication of the configuration `values` (whose scenario is `csc`).
fn run_one(csc: &Scenario, varies: &[Vary], values: &[f64], opts: &Options, seed: u64) -> SweepRun {
    let mut view = StatsView::with_warmup(csc, opts.warmup);
    let outcome = engine::run(csc, opts.mode, seed, &mut VirtualClock, &mut view);
    let overrun = outcome.overrun.map(|overrun| {
        let with: Vec<String> = varies
            .iter()
            .zip(values)
            .map(|(v, &x)| format!("{} = {}", v.param.name(), v.param.show(x)))
            .collect();
        format!("with {}, {}", with.join(", "), overrun.message(csc))
    });
    SweepRun { stats: view.finish(), overrun }
}

/// Gathers a sweep's runs, one per job in job order (see [`sweep_jobs`]; `None`: not
/// run), into its result, as [`sweep`] does; `elapsed` is the wall time it took.
/// Configurations with a run missing are "not run".
///
/// # Panics
///
/// If `runs` does not have one entry per job, or `opts.replications` is 0.
pub fn sweep_from_runs(
    sc: &Scenario,
    varies: &[Vary],
    opts: &Options,
    runs: Vec<Option<SweepRun>>,
    elapsed: std::time::Duration,
) -> Sweep {
    assert!(opts.replications > 0, "a sweep needs at least one replication");
    assert_eq!(runs.len(), sweep_jobs(varies, opts), "one entry per job");
    let r = opts.replications as usize;
    let seeds = replicate::seeds(opts.seed, opts.replications);
    let overrun = runs.iter().flatten().find_map(|run| run.overrun.clone());
    let metrics = metrics(sc, varies);
    let mut runs = runs.into_iter().map(|run| run.map(|run| run.stats));
    let rows: Vec<Row> = grid(varies)
        .into_iter()
        .map(|values| {
            let csc = apply(sc, varies, &values);
            let mine: Vec<Option<Stats>> = runs.by_ref().take(r).collect();
            let complete: Option<Vec<Stats>> = mine.into_iter().collect();
            let replicated = complete.map(|runs| {
                Replicated::from_runs(&csc, opts.mode, opts.seed, opts.warmup, seeds.clone(), runs)
            });
            let estimates = metrics
                .iter()
                .map(|m| {
                    let rep = replicated.as_ref()?;
                    let values: Option<Vec<f64>> = rep.runs.iter().map(|s| m.value(s, sc.unit)).collect();
                    Some(Estimate::from_samples(&values?))
                })
                .collect();
            let load = crate::capacity::offered_load(&csc, opts.mode)
                .map(|loads| loads.iter().map(|l| l.rho).fold(0.0, f64::max));
            let measured_nothing = opts.warmup > 0
                && replicated.as_ref().is_some_and(|r| r.runs.iter().any(Stats::measured_nothing));
            Row {
                values,
                cooks: csc.kitchen.cooks,
                cost: cost(&csc),
                load,
                estimates,
                replicated,
                measured_nothing,
            }
        })
        .collect();
    let interrupted = rows.iter().any(|r| !r.done());
    Sweep {
        scenario: sc.name.clone(),
        unit: sc.unit,
        mode: opts.mode.name(),
        seed: opts.seed,
        replications: opts.replications,
        warmup_s: crate::time::seconds(opts.warmup),
        varies: varies.to_vec(),
        metrics,
        rows,
        interrupted,
        elapsed,
        overrun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mode;
    use crate::sweep::parse_vary;

    /// Runs made one at a time by [`sweep_job`], in any order, and gathered by
    /// [`sweep_from_runs`] give the sweep [`sweep`] gives; a missing run leaves its
    /// configuration not run.
    #[test]
    fn jobs_run_one_by_one_and_gathered_equal_the_sweep() {
        let shop = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let varies = [
            parse_vary("cooks=1..2", &shop).unwrap(),
            parse_vary("policy=fifo,longest-chain", &shop).unwrap(),
        ];
        let opts = Options { mode: Mode::Async, seed: 7, replications: 3, warmup: 0, threads: 2 };
        let whole = sweep(&shop, &varies, &opts, &Cancel::new(), &|_| {});
        let n = sweep_jobs(&varies, &opts);
        assert_eq!(n, 12);
        let mut runs: Vec<Option<SweepRun>> = vec![None; n];
        for k in (0..n).rev() {
            runs[k] = Some(sweep_job(&shop, &varies, &opts, k));
        }
        let json = |s: &Sweep| serde_json::to_string(&s.document(None)).unwrap();
        let gathered = sweep_from_runs(&shop, &varies, &opts, runs.clone(), whole.elapsed);
        assert_eq!(json(&gathered), json(&whole));
        assert!(!gathered.interrupted);
        runs[4] = None;
        let partial = sweep_from_runs(&shop, &varies, &opts, runs, whole.elapsed);
        assert!(partial.interrupted && !partial.rows[1].done() && partial.rows[0].done());
    }
}
