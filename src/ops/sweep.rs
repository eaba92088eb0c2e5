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
    let overruns = std::sync::Mutex::new(Vec::new());
    let runs: Vec<Option<Stats>> = replicate::map(&jobs, opts.threads, |k| {
        if cancel.is_cancelled() {
            return None;
        }
        let (c, i) = (k as usize / r, k as usize % r);
        let sc = &scenarios[c];
        let mut view = StatsView::with_warmup(sc, opts.warmup);
        let outcome = engine::run(sc, opts.mode, seeds[i], &mut VirtualClock, &mut view);
        if let Some(overrun) = outcome.overrun {
            let with: Vec<String> = varies
                .iter()
                .zip(&configs[c])
                .map(|(v, &x)| format!("{} = {}", v.param.name(), v.param.show(x)))
                .collect();
            let message = format!("with {}, {}", with.join(", "), overrun.message(sc));
            overruns.lock().unwrap_or_else(|e| e.into_inner()).push((k, message));
        }
        let stats = view.finish();
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(Progress { done: n, total, elapsed: start.elapsed() });
        Some(stats)
    });
    let metrics = metrics(sc, varies);
    let mut runs = runs.into_iter();
    let rows: Vec<Row> = configs
        .into_iter()
        .zip(&scenarios)
        .map(|(values, csc)| {
            let mine: Vec<Option<Stats>> = runs.by_ref().take(r).collect();
            let complete: Option<Vec<Stats>> = mine.into_iter().collect();
            let replicated = complete.map(|runs| {
                Replicated::from_runs(csc, opts.mode, opts.seed, opts.warmup, seeds.clone(), runs)
            });
            let estimates = metrics
                .iter()
                .map(|m| {
                    let rep = replicated.as_ref()?;
                    let values: Option<Vec<f64>> = rep.runs.iter().map(|s| m.value(s, sc.unit)).collect();
                    Some(Estimate::from_samples(&values?))
                })
                .collect();
            let load = crate::capacity::offered_load(csc, opts.mode)
                .map(|loads| loads.iter().map(|l| l.rho).fold(0.0, f64::max));
            let measured_nothing = opts.warmup > 0
                && replicated.as_ref().is_some_and(|r| r.runs.iter().any(Stats::measured_nothing));
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
        elapsed: start.elapsed(),
        overrun: overruns.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().min().map(|(_, m)| m),
    }
}
