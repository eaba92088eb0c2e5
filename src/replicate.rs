//! Independent replications of a run, with 95% confidence intervals.
//!
//! One run of a random scenario is one sample: its mean wait is a random number, and
//! a second seed gives another. [`crate::ops::replicate`] runs the scenario `R`
//! times on the virtual clock, each time from its own seed ([`seeds`]), in parallel
//! ([`map`]), and [`Replicated::from_runs`] summarises every scalar statistic of [`Stats`] over the replications as an
//! [`Estimate`]: the mean of the `R` values, their standard deviation, and the
//! half-width of a 95% confidence interval for the mean.
//!
//! # Why a t-interval across replications is valid
//!
//! Within one run, successive orders are correlated (a customer who queues behind a
//! long order makes the next one queue too), so a t-interval over the orders of a
//! run would be far too narrow. Across replications it is not: each replication is
//! the same model run from an independent random stream, so the `R` per-replication
//! values of a statistic are independent and identically distributed, and each is
//! an average (or a time average) over many orders, hence close to normal. The
//! interval `mean ± t(0.975, R − 1) · sd / √R` (Student's t with `R − 1` degrees of
//! freedom) then covers the statistic's expected value in about 95% of experiments.
//!
//! What it covers is the expectation of the *per-run* statistic, start-up included.
//! A kitchen opens empty, so its first orders wait less than in its steady state; to
//! estimate steady-state values, pass a `warmup`: each replication's statistics then
//! leave out the orders that arrive during it and the time before it
//! ([`StatsView::with_warmup`](crate::view::stats::StatsView::with_warmup)).
//!
//! # Seeds
//!
//! Replication `i` (from 0) runs with seed `splitmix64(seed + (i + 1) · γ)` where
//! `γ = 0x9E37_79B9_7F4A_7C15` and `splitmix64` is the finaliser of Steele, Lea and
//! Flood's SplitMix64 (arithmetic wrapping at 2⁶⁴): the `i + 1`-th output of a
//! SplitMix64 generator seeded with `seed`. So
//!
//! * the seeds are distinct (the finaliser is a bijection and the `R` inputs differ),
//!   and well mixed even for neighbouring base seeds (1, 2, 3...);
//! * two base seeds share replications only if they differ by `k · γ` (mod 2⁶⁴) for
//!   some `|k| < R`: `seed + γ` gives the same seeds as `seed`, shifted by one;
//!   base seeds that differ by less than 10¹² never do (up to a million
//!   replications; less than 6 · 10¹⁷ up to 20);
//! * replication `i`'s seed does not depend on `R`: 20 replications are the first 10
//!   and 10 more;
//! * any replication can be rerun alone: a run with seed
//!   [`Replicated::seeds`]`[i]` (`cafe run SCENARIO --seed S --clock virtual`), with
//!   the same warm-up, is exactly that replication (replication 0's seed is not
//!   `seed` itself).
//!
//! # Threads
//!
//! Replications run on `threads` workers (`std::thread::scope`), each taking the
//! next replication not yet started. Every replication depends only on its seed, and
//! results are put back in replication order before anything is summed, so the
//! result is bit for bit the same whatever the number of threads.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::model::{Mode, Scenario};
use crate::time::TimeUnit;
use crate::view::stats::{Stats, fixed};

pub use crate::view::stats::{CookEstimate, EquipmentEstimate, Estimate, SummaryEstimate, t_quantile, t975};

/// SplitMix64's increment, the golden ratio in 64-bit fixed point.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a bijection of `u64`).
fn splitmix64(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seeds of `replications` independent replications derived from `seed`: the
/// first outputs of SplitMix64 seeded with `seed` (see [Seeds](self#seeds)).
pub fn seeds(seed: u64, replications: u32) -> Vec<u64> {
    (1..=replications as u64).map(|i| splitmix64(seed.wrapping_add(i.wrapping_mul(GAMMA)))).collect()
}

/// Calls `f` with each of `seeds` on `threads` worker threads and returns the results
/// in the order of `seeds`, whatever the number of threads. `threads = 0` means one
/// per available core; no more threads are started than there are seeds, and with
/// one, everything runs on the calling thread. A panic in `f` is passed on.
pub fn map<T: Send>(seeds: &[u64], threads: usize, f: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let threads =
        if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
    let threads = threads.min(seeds.len());
    if threads <= 1 {
        return seeds.iter().map(|&s| f(s)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&seed) = seeds.get(i) else { break };
                        done.push((i, f(seed)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    results.sort_unstable_by_key(|&(i, _)| i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Every statistic of [`Stats`] estimated over independent replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replicated {
    /// The scenario's name.
    pub scenario: String,
    /// The kitchen the replications ran (`"async"` or `"sync"` in JSON).
    pub mode: Mode,
    /// The base seed the replications' seeds are derived from.
    pub seed: u64,
    /// How many replications were run (the length of `seeds` and `runs`).
    pub replications: u32,
    /// The warm-up left out of each replication, in seconds.
    pub warmup_s: f64,
    /// Each replication's seed, in replication order ([`seeds`]).
    pub seeds: Vec<u64>,
    /// The estimates, with the shares of customers who left and did not join (in
    /// JSON, its fields follow `seeds`).
    #[serde(flatten)]
    pub stats: Stats<Estimate>,
    /// Each replication's statistics, in replication order: in JSON, `runs`, each as
    /// one run's `stats` (so the spread of any statistic can be plotted).
    pub runs: Vec<Stats>,
}

/// A `Replicated` reads as its estimates: `replicated.wait.mean_s`.
impl std::ops::Deref for Replicated {
    type Target = Stats<Estimate>;

    fn deref(&self) -> &Stats<Estimate> {
        &self.stats
    }
}

impl Replicated {
    /// Summarises `runs`, the statistics of the replications run with `seeds` (in
    /// the same order), for a scenario run in `mode` from base seed `seed` with a
    /// warm-up of `warmup` (scenario time). [`crate::ops::replicate`] calls this; it is public
    /// for callers that run the replications themselves (with [`map`] and more sinks
    /// than [`StatsView`](crate::view::stats::StatsView)).
    ///
    /// # Panics
    ///
    /// If `runs` is empty or its length differs from `seeds`'.
    pub fn from_runs(
        sc: &Scenario,
        mode: Mode,
        seed: u64,
        warmup: Duration,
        seeds: Vec<u64>,
        runs: Vec<Stats>,
    ) -> Replicated {
        assert!(!runs.is_empty(), "no replications to summarise");
        assert_eq!(runs.len(), seeds.len(), "one seed per replication");
        Replicated {
            scenario: sc.name.clone(),
            mode,
            seed,
            replications: runs.len() as u32,
            warmup_s: crate::time::seconds(crate::time::ticks(warmup)),
            seeds,
            stats: Stats::over(&runs),
            runs,
        }
    }

    /// The estimates as a text table, one row per statistic the tables show (see
    /// [`Stats::render_estimates`]), `mean ± half-width` of the 95% confidence
    /// interval, times in `unit`, under a heading that says how many replications
    /// of which kitchen. The customers who left or did not join are listed when some
    /// did in a replication.
    pub fn render(&self, unit: TimeUnit) -> String {
        let u = unit.name();
        let mut out = String::new();
        let _ = if self.replications == 1 {
            writeln!(out, "Statistics of 1 replication (times in {u}; no confidence interval from one run)")
        } else {
            writeln!(
                out,
                "Statistics over {} replications (times in {u}; mean ± half-width of the 95% confidence interval)",
                self.replications
            )
        };
        let warmup = if self.warmup_s > 0.0 {
            format!("warm-up {} {u}", fixed(self.warmup_s / unit.seconds(), 2))
        } else {
            "no warm-up".into()
        };
        let kitchen = self.mode.title().to_lowercase();
        let _ = writeln!(out, "  {kitchen} kitchen, base seed {}, {warmup}\n", self.seed);
        out += &self.stats.render_estimates(unit, self.runs.iter().any(|s| s.left + s.balked > 0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Cancel;
    use crate::engine::{self, VirtualClock};
    use crate::ops::{self, Batch};
    use crate::scenario;
    use crate::view::stats::StatsView;

    /// `replications` of `sc` in `mode` from base seed `seed`, with `warmup` and `threads`.
    fn replicate(
        sc: &Scenario,
        mode: Mode,
        seed: u64,
        replications: u32,
        warmup: Duration,
        threads: usize,
    ) -> Replicated {
        let batch = Batch { mode, seed: Some(seed), replications, warmup, threads, ..Batch::default() };
        ops::replicate(sc, &batch).unwrap()
    }

    #[test]
    fn cancelled_replications_keep_only_those_that_finished() {
        let sc = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let cancel = Cancel::new();
        cancel.cancel();
        let batch = Batch { seed: Some(3), replications: 4, threads: 2, cancel, ..Batch::default() };
        assert!(matches!(ops::replicate(&sc, &batch), Err(ops::Error::Cancelled)));
        let whole = ops::replicate(&sc, &Batch { cancel: Cancel::new(), ..batch.clone() }).unwrap();
        assert_eq!(whole, replicate(&sc, Mode::Async, 3, 4, Duration::ZERO, 1));
        assert_eq!(whole.replications, 4);
        assert!(matches!(
            ops::replicate(&sc, &Batch { replications: 0, ..Batch::default() }),
            Err(ops::Error::NoReplications)
        ));
    }

    #[test]
    fn progress_hears_of_every_replication_and_a_cancel_from_it_keeps_what_finished() {
        let sc = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let heard = std::sync::Mutex::new(Vec::new());
        let progress = |p: ops::Progress| heard.lock().unwrap().push((p.done, p.total));
        let batch = Batch { replications: 5, threads: 1, progress: Some(&progress), ..Batch::default() };
        assert_eq!(ops::replicate(&sc, &batch).unwrap().replications, 5);
        assert_eq!(*heard.lock().unwrap(), [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]);
        // Cancelled by the progress callback after the second: two are summarised,
        // with their seeds.
        let cancel = Cancel::new();
        let stop = |p: ops::Progress| {
            if p.done == 2 {
                cancel.cancel();
            }
        };
        let batch =
            Batch { replications: 5, threads: 1, progress: Some(&stop), cancel: cancel.clone(), ..batch };
        let two = ops::replicate(&sc, &batch).unwrap();
        assert_eq!((two.replications, two.seeds.as_slice()), (2, &seeds(sc.seed, 5)[..2]));
    }

    fn load(text: &str) -> Scenario {
        scenario::load_str("test", text).unwrap()
    }

    /// An M/M/2 café with an espresso machine for two.
    fn random_cafe() -> Scenario {
        load(
            r#"
[kitchen]
cooks = 2
equipment = { machine = 1 }
[recipes.latte]
steps = [
    { name = "grind", kind = "hands-on", duration = { dist = "exponential", mean = 0.5 } },
    { name = "pull", kind = "unattended", duration = { dist = "uniform", min = 0.2, max = 0.6 }, uses = "machine" },
]
[menu]
latte = "latte"
[customers.generate]
count = 300
rate = 1.5
"#,
        )
    }

    #[test]
    fn seeds_are_distinct_reproducible_and_prefix_stable() {
        let s = seeds(42, 1000);
        let mut sorted = s.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 1000);
        assert_eq!(seeds(42, 1000), s);
        assert_eq!(seeds(42, 10), s[..10]);
        assert_ne!(seeds(43, 10), s[..10]);
        assert!(seeds(7, 0).is_empty());
        // The SplitMix64 reference: seeded with 0, its first outputs are these
        // (Vigna's splitmix64.c).
        assert_eq!(seeds(0, 3), [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F]);
    }

    #[test]
    fn map_keeps_seed_order_whatever_the_threads() {
        let s = seeds(1, 37);
        let one = map(&s, 1, |x| x.wrapping_mul(3));
        for threads in [0, 2, 3, 8, 100] {
            assert_eq!(map(&s, threads, |x| x.wrapping_mul(3)), one);
        }
        assert!(map(&[], 4, |x| x).is_empty());
    }

    #[test]
    fn replications_are_deterministic_whatever_the_threads() {
        let sc = random_cafe();
        let warmup = Duration::from_secs(20);
        let one = replicate(&sc, Mode::Async, 9, 6, warmup, 1);
        for threads in [2, 3, 0] {
            assert_eq!(replicate(&sc, Mode::Async, 9, 6, warmup, threads), one);
        }
        assert_eq!(one.seeds, seeds(9, 6));
        assert_eq!(one.runs.len(), 6);
        // Replication i is exactly a run with seed i.
        for (run, &seed) in one.runs.iter().zip(&one.seeds) {
            let mut view = StatsView::with_warmup(&sc, crate::time::ticks(warmup));
            engine::run(&sc, Mode::Async, seed, &mut VirtualClock, &mut view);
            assert_eq!(&view.finish(), run);
        }
        // The replications differ, so the intervals are not empty...
        assert!(one.wait.mean_s.sd > 0.0 && one.time_in_system.mean_s.half_width_95 > 0.0);
        // ...and contain their means.
        assert!(one.wait.mean_s.contains(one.wait.mean_s.mean));
        // Another base seed, other replications.
        assert_ne!(replicate(&sc, Mode::Async, 10, 6, warmup, 2).wait, one.wait);
    }

    #[test]
    fn a_quantity_constant_across_replications_has_no_interval() {
        // Random durations but fixed arrivals and a single cook who is never needed
        // by two orders at once: every order is served without waiting.
        let sc = load(
            r#"
[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = { dist = "uniform", min = 1, max = 3 } }]
[menu]
tea = "tea"
[customers.generate]
count = 20
interarrival = 5
"#,
        );
        let r = replicate(&sc, Mode::Async, 3, 8, Duration::ZERO, 2);
        for e in [r.served, r.wait.mean_s, r.wait.max_s, r.cooks[0].hands_on_share, r.wait.count] {
            assert_eq!((e.sd, e.half_width_95, e.n), (0.0, 0.0, 8), "{e:?}");
        }
        assert_eq!(r.served.mean, 20.0);
        assert_eq!(r.wait.mean_s.mean, 0.0);
        // The steeping time is random, so the time in system is not constant.
        assert!(r.time_in_system.mean_s.half_width_95 > 0.0);
        // The longest chain is the steeping time itself: the same draws as time in
        // system (no waiting), so the same estimate.
        assert_eq!(r.longest_chain.mean_s, r.time_in_system.mean_s);
    }

    #[test]
    fn renders_a_row_per_statistic_and_serializes() {
        let sc = random_cafe();
        let r = replicate(&sc, Mode::Async, 9, 5, Duration::ZERO, 2);
        let text = r.render(TimeUnit::Seconds);
        assert!(text.starts_with("Statistics over 5 replications (times in s;"), "{text}");
        for label in ["wait: mean", "time in system: p95", "cook 2: idle", "machine (1): utilisation"] {
            let row = text.lines().find(|l| l.trim_start().starts_with(label)).expect(label);
            assert!(row.contains(" ± "), "{row}");
        }
        let ms = r.render(TimeUnit::Milliseconds);
        assert!(ms.contains("(times in ms;"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["replications"], 5);
        assert_eq!(json["mode"], "async");
        assert_eq!(json["seeds"].as_array().unwrap().len(), 5);
        assert!(json["wait"]["mean_s"]["half_width_95"].as_f64().unwrap() > 0.0);
        assert_eq!(json["equipment"][0]["name"], "machine");
        // Each replication's own statistics follow, as one run's JSON has them, and
        // the estimates are of exactly those values.
        let runs = json["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 5);
        let waits: Vec<f64> = runs.iter().map(|run| run["wait"]["mean_s"].as_f64().unwrap()).collect();
        assert_eq!(json["wait"]["mean_s"]["mean"], Estimate::from_samples(&waits).mean);
        assert_eq!(runs[0], serde_json::to_value(&r.runs[0]).unwrap());
        // One replication: no interval, in the table or the JSON.
        let single = replicate(&sc, Mode::Sync, 9, 1, Duration::ZERO, 4);
        let text = single.render(TimeUnit::Minutes);
        assert!(
            text.starts_with("Statistics of 1 replication (times in min; no confidence interval"),
            "{text}"
        );
        assert!(!text.contains('±'), "{text}");
        println!("{}\n{}", r.render(TimeUnit::Seconds), single.render(TimeUnit::Minutes));
        assert!(serde_json::to_value(&single).unwrap()["wait"]["mean_s"]["sd"].is_null());
    }
}
