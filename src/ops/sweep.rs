//! A sweep's runs: every configuration of a grid, replicated on the virtual clock
//! over every core (see [`crate::sweep`] for the grid, the seeds and the answers).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::clock::Cancel;
use crate::engine;
use crate::model::Scenario;
use crate::replicate::{self, Estimate, Replicated};
use crate::sweep::{RequestError, Row, Sweep, Vary, apply, cost, grid, metrics};
use crate::view::stats::{Stats, StatsView};

use super::batch::Once;
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
/// [`Error::NoReplications`] for 0 replications; [`Error::Invalid`] for a scenario
/// that fails [`Scenario::check`]; [`Error::Refused`] for a `Vary` that `--vary`
/// would refuse ([`Vary::check`]), a parameter varied twice, or a sweep too large to
/// finish ([`check_size`](crate::sweep::check_size)); [`Error::Overran`] for the first
/// run (in grid order) whose clock would pass the longest time a run can count
/// (its message names the configuration): its configuration's statistics would
/// describe only part of a run; [`Error::TooManyCustomers`] for the first run (in
/// job order) that let in more than [`Batch::max_customers`].
pub fn sweep(sc: &Scenario, varies: &[Vary], batch: &Batch<'_>) -> Result<Sweep, Error> {
    if batch.replications == 0 {
        return Err(Error::NoReplications);
    }
    sc.check().map_err(Error::Invalid)?;
    let refused = |e| Error::Refused(RequestError::Vary(e));
    for v in varies {
        v.check(sc).map_err(refused)?;
    }
    crate::sweep::check_varies(varies).map_err(refused)?;
    crate::sweep::check_size(sc, varies, batch.replications)
        .map_err(|e| Error::Refused(RequestError::Size(e)))?;
    let base = batch.seed_for(sc);
    let start = Instant::now();
    let configs: Vec<Vec<f64>> = grid(varies);
    let scenarios: Vec<Scenario> = configs.iter().map(|v| apply(sc, varies, v)).collect();
    let r = batch.replications as usize;
    let seeds = replicate::seeds(base, batch.replications);
    let total = configs.len() * r;
    let jobs: Vec<u64> = (0..total as u64).collect();
    let done = AtomicUsize::new(0);
    // A run failed (let in too many customers): no further run starts.
    let failed = AtomicBool::new(false);
    let runs: Vec<Option<Result<SweepRun, Error>>> = replicate::map(&jobs, batch.threads, |k| {
        if batch.cancel.is_cancelled() || failed.load(Ordering::Relaxed) {
            return None;
        }
        let (c, i) = (k as usize / r, k as usize % r);
        // A run under way when the sweep is cancelled finishes (its configuration
        // may be complete).
        let run = match run_one(&scenarios[c], varies, &configs[c], batch, seeds[i]) {
            Ok(run) => run,
            Err(e) => {
                failed.store(true, Ordering::Relaxed);
                return Some(Err(e));
            }
        };
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        batch.report(n, total, start.elapsed());
        Some(Ok(run))
    });
    let runs = runs.into_iter().map(Option::transpose).collect::<Result<Vec<_>, Error>>()?;
    gather(sc, varies, batch, configs, scenarios, runs, start.elapsed())
}

/// One run of a sweep: a replication of one configuration, as [`sweep_job`] returns
/// it.
#[derive(Clone, Debug)]
pub struct SweepRun {
    /// The replication's statistics (with the sweep's warm-up left out).
    pub stats: Stats,
    /// If the run's clock would have passed the longest time a run can count: what
    /// stopped it, its message naming the configuration, the order and the step.
    pub overrun: Option<RunOverran>,
}

/// The number of runs of a sweep: configurations × replications. Job `k` is
/// replication `k % R` of configuration `k / R`, in [`grid`] order.
pub fn sweep_jobs(varies: &[Vary], batch: &Batch<'_>) -> usize {
    varies.iter().map(|v| v.values.len()).product::<usize>() * batch.replications as usize
}

/// Runs job `k` of the sweep of `sc` over `varies` (see [`sweep_jobs`]) on the
/// calling thread: exactly the run [`sweep`] makes for it, with the same seed. A
/// caller that spreads a sweep's runs elsewhere (other processes or machines) runs
/// each with this and gathers them with [`sweep_from_runs`]; the result is the same
/// as [`sweep`]'s, bit for bit. `batch.threads`, `cancel` and `progress` are not
/// used.
///
/// # Errors
///
/// [`Error::Invalid`] for a scenario that fails [`Scenario::check`]
/// (configuration `k`'s); [`Error::TooManyCustomers`] for a run that let in more
/// than [`Batch::max_customers`]. (A run that overran is a [`SweepRun`] with its
/// overrun, which [`sweep_from_runs`] returns as the sweep's error.)
///
/// # Panics
///
/// If `k` is not below [`sweep_jobs`], or `batch.replications` is 0.
pub fn sweep_job(sc: &Scenario, varies: &[Vary], batch: &Batch<'_>, k: usize) -> Result<SweepRun, Error> {
    assert!(batch.replications > 0, "a sweep needs at least one replication");
    let r = batch.replications as usize;
    let (c, i) = (k / r, k % r);
    let values = grid(varies).swap_remove(c);
    let seed = replicate::seeds(batch.seed_for(sc), batch.replications)[i];
    let csc = apply(sc, varies, &values);
    csc.check().map_err(Error::Invalid)?;
    run_one(&csc, varies, &values, batch, seed)
}

/// One replication of the configuration `values` (whose scenario is `csc`), never
/// cancelled.
fn run_one(
    csc: &Scenario,
    varies: &[Vary],
    values: &[f64],
    batch: &Batch<'_>,
    seed: u64,
) -> Result<SweepRun, Error> {
    match batch.run_once(csc, seed, &Cancel::new())? {
        Once::Ran(stats) => Ok(SweepRun { stats, overrun: None }),
        Once::Overran(overrun) => Ok(SweepRun {
            // Never read: a sweep with a run that overran is an error.
            stats: StatsView::with_warmup(csc, crate::time::ticks(batch.warmup)).finish(),
            overrun: Some(configured(varies, values, csc, overrun)),
        }),
        Once::Stopped => unreachable!("a run whose token no one holds is never cancelled"),
    }
}

/// An overrun of the configuration `values` (whose scenario is `csc`), its message
/// naming the configuration.
fn configured(varies: &[Vary], values: &[f64], csc: &Scenario, overrun: engine::Overrun) -> RunOverran {
    let with: Vec<String> = varies
        .iter()
        .zip(values)
        .map(|(v, &x)| format!("{} = {}", v.param.name(), v.param.show(x)))
        .collect();
    RunOverran { overrun, message: format!("with {}, {}", with.join(", "), overrun.message(csc)) }
}

/// Gathers a sweep's runs, one per job in job order (see [`sweep_jobs`]; `None`: not
/// run), into its result, as [`sweep`] does; `elapsed` is the wall time it took.
/// Configurations with a run missing are "not run" ([`Sweep::interrupted`]).
///
/// # Errors
///
/// As [`sweep`]: [`Error::NoReplications`], or [`Error::Overran`] for the first run
/// in job order that overran.
///
/// # Panics
///
/// If `runs` does not have one entry per job.
pub fn sweep_from_runs(
    sc: &Scenario,
    varies: &[Vary],
    batch: &Batch<'_>,
    runs: Vec<Option<SweepRun>>,
    elapsed: Duration,
) -> Result<Sweep, Error> {
    if batch.replications == 0 {
        return Err(Error::NoReplications);
    }
    assert_eq!(runs.len(), sweep_jobs(varies, batch), "one entry per job");
    let configs: Vec<Vec<f64>> = grid(varies);
    let scenarios: Vec<Scenario> = configs.iter().map(|v| apply(sc, varies, v)).collect();
    gather(sc, varies, batch, configs, scenarios, runs, elapsed)
}

/// The sweep's result from its runs, in job order.
fn gather(
    sc: &Scenario,
    varies: &[Vary],
    batch: &Batch<'_>,
    configs: Vec<Vec<f64>>,
    scenarios: Vec<Scenario>,
    runs: Vec<Option<SweepRun>>,
    elapsed: Duration,
) -> Result<Sweep, Error> {
    // The first run in grid order whose clock would pass the longest time a run can count.
    if let Some(overran) = runs.iter().flatten().find_map(|run| run.overrun.clone()) {
        return Err(Error::Overran(overran));
    }
    let base = batch.seed_for(sc);
    let warmup = crate::time::ticks(batch.warmup);
    let r = batch.replications as usize;
    let seeds = replicate::seeds(base, batch.replications);
    let runs: Vec<Option<Stats>> = runs.into_iter().map(|run| run.map(|run| run.stats)).collect();
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
            let measured_nothing =
                warmup > 0 && replicated.as_ref().is_some_and(|r| r.runs.iter().any(Stats::measured_nothing));
            // A configuration whose warm-up left nothing to measure has no estimates:
            // an average over its replications would mix in their empty windows.
            let estimates = metrics
                .iter()
                .map(|m| {
                    let rep = replicated.as_ref().filter(|_| !measured_nothing)?;
                    let values: Option<Vec<f64>> = rep.runs.iter().map(|s| m.value(s, sc.unit)).collect();
                    Some(Estimate::from_samples(&values?))
                })
                .collect();
            let load = crate::capacity::offered_load(csc, batch.mode)
                .map(|loads| loads.iter().map(|l| l.rho).fold(0.0, f64::max));
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
        currency: sc.kitchen.currency.clone(),
        mode: batch.mode,
        seed: base,
        replications: batch.replications,
        warmup_s: crate::time::seconds(warmup),
        varies: varies.to_vec(),
        metrics,
        rows,
        interrupted,
        elapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let batch = Batch { seed: Some(7), replications: 3, threads: 2, ..Default::default() };
        let whole = sweep(&shop, &varies, &batch).unwrap();
        let n = sweep_jobs(&varies, &batch);
        assert_eq!(n, 12);
        let mut runs: Vec<Option<SweepRun>> = vec![None; n];
        for k in (0..n).rev() {
            runs[k] = Some(sweep_job(&shop, &varies, &batch, k).unwrap());
        }
        let json = |s: &Sweep| serde_json::to_string(&s.document(None)).unwrap();
        let gathered = sweep_from_runs(&shop, &varies, &batch, runs.clone(), whole.elapsed).unwrap();
        assert_eq!(json(&gathered), json(&whole));
        assert!(!gathered.interrupted);
        runs[4] = None;
        let partial = sweep_from_runs(&shop, &varies, &batch, runs, whole.elapsed).unwrap();
        assert!(partial.interrupted && !partial.rows[1].done() && partial.rows[0].done());
    }

    /// A bounded sweep counts each run's customers as it runs: within the bound it
    /// is the sweep, bit for bit; one customer over, it stops at the first run (in
    /// job order, on one thread) that lets in more, and starts no further run.
    #[test]
    fn a_bounded_sweep_stops_at_the_first_run_past_its_customers() {
        // A Poisson door open 100 s at one customer per 2 s: about 50 customers a run.
        let text = crate::builtin::find("coffee-shop").unwrap().toml.replace("count = 10", "until = 100");
        let text = text.replace("interarrival = { dist = \"uniform_int\", min = 1, max = 3 }", "rate = 0.5");
        let sc = crate::scenario::load_str("poisson", &text).unwrap();
        let varies = [parse_vary("cooks=1..2", &sc).unwrap()];
        let batch = Batch { seed: Some(5), replications: 6, threads: 1, ..Default::default() };
        let whole = sweep(&sc, &varies, &batch).unwrap();
        let served: Vec<u64> = whole
            .rows
            .iter()
            .flat_map(|row| row.replicated.as_ref().unwrap().runs.iter().map(|s| s.served))
            .collect();
        let most = *served.iter().max().unwrap();
        assert!(served.iter().any(|&n| n < most), "{served:?}");
        let json = |s: &Sweep| serde_json::to_string(&s.document(None)).unwrap();
        let bounded = Batch { max_customers: Some(most), ..batch.clone() };
        assert_eq!(json(&sweep(&sc, &varies, &bounded).unwrap()), json(&whole));

        let reported = AtomicUsize::new(0);
        let progress = |_| {
            reported.fetch_add(1, Ordering::Relaxed);
        };
        let counted = Batch { progress: Some(&progress), max_customers: Some(most - 1), ..batch.clone() };
        match sweep(&sc, &varies, &counted) {
            Err(Error::TooManyCustomers(t)) => assert_eq!(t.most, most - 1),
            other => panic!("{:?}", other.map(|s| json(&s))),
        }
        let first_over = served.iter().position(|&n| n == most).unwrap();
        assert_eq!(reported.into_inner(), first_over);
    }
}
