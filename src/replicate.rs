//! Independent replications of a run, with 95% confidence intervals.
//!
//! One run of a random scenario is one sample: its mean wait is a random number, and
//! a second seed gives another. [`replicate`] runs the scenario `R` times on the
//! virtual clock, each time from its own seed ([`seeds`]), in parallel, and
//! summarises every scalar statistic of [`Stats`] over the replications as an
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
//! ([`StatsView::with_warmup`]).
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

use serde::Serialize;

use crate::clock::{Cancel, Cancellable};
use crate::engine::{self, Mode, VirtualClock};
use crate::model::Scenario;
use crate::time::{Ticks, TimeUnit};
use crate::view::stats::{CookStats, EquipmentStats, Field, Kind, Stat, Stats, StatsView, Summary, Value};
use crate::view::table::{Align, Column, Table};

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

/// Runs `sc` `replications` times in `mode` on the virtual clock, replication `i`
/// with seed [`seeds`]`(seed, replications)[i]`, on `threads` workers (0: one per
/// core), each with statistics that leave out the first `warmup` ticks of service
/// ([`StatsView::with_warmup`]), and summarises them.
///
/// # Panics
///
/// If `replications` is 0.
pub fn replicate(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    replications: u32,
    warmup: Ticks,
    threads: usize,
) -> Replicated {
    replicate_until(sc, mode, seed, replications, warmup, threads, &Cancel::new())
        .expect("a token nobody cancels")
}

/// [`replicate`], stopped once `cancel` is cancelled: a replication in progress
/// stops at its next step and none starts. Summarises the replications that
/// finished ([`Replicated::replications`] of them, with their seeds), or `None` when
/// none did.
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
) -> Option<Replicated> {
    assert!(replications > 0, "replicate needs at least one replication");
    let seeds = seeds(seed, replications);
    let runs = map(&seeds, threads, |s| {
        if cancel.is_cancelled() {
            return None;
        }
        let mut view = StatsView::with_warmup(sc, warmup);
        let mut clock = Cancellable { inner: VirtualClock, cancel };
        engine::run(sc, mode, s, &mut clock, &mut view).finished.then(|| view.finish())
    });
    let (seeds, runs): (Vec<u64>, Vec<Stats>) =
        seeds.into_iter().zip(runs).filter_map(|(seed, run)| Some((seed, run?))).unzip();
    (!runs.is_empty()).then(|| Replicated::from_runs(sc, mode, seed, warmup, seeds, runs))
}

/// The two-sided 95% quantile of Student's t: `t_quantile(0.975, df)`.
pub fn t975(df: f64) -> f64 {
    t_quantile(0.975, df)
}

/// The `p`-quantile of Student's t distribution with `df` degrees of freedom, for
/// `0 < p < 1` and `df > 0` (not necessarily whole; `f64::INFINITY` for the
/// standard normal). NaN outside that domain.
///
/// Finite `df`: the t distribution function is computed from the regularised
/// incomplete beta function (`P(T ≤ t) = 1 − I_x(df/2, 1/2) / 2` for t ≥ 0, with
/// x = df / (df + t²), by its continued fraction) and inverted by bisection to full
/// double precision. Infinite `df`: the normal quantile, by the same bisection on
/// the normal distribution function (from `erfc`).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    if p == 0.5 {
        return 0.0;
    }
    let cdf = |t: f64| if df.is_infinite() { normal_cdf(t) } else { t_cdf(t, df) };
    let mut hi = 1.0;
    while cdf(hi) < p {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * reg_inc_beta(x, 0.5 * df, 0.5);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// P(Z ≤ z) for the standard normal.
fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The complementary error function, by the regularised upper incomplete gamma
/// function: erfc(x) = Q(1/2, x²) for x ≥ 0.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    reg_upper_gamma(0.5, x * x)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = C[1..].iter().enumerate().fold(C[0], |s, (i, &c)| s + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularised incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1 and a, b > 0
/// (continued fraction by the modified Lentz method, on whichever side converges).
fn reg_inc_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_cf(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_cf(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function.
fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularised upper incomplete gamma function Q(a, x), for a > 0, x ≥ 0 (series
/// below a + 1, continued fraction above).
fn reg_upper_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut ap, mut sum) = (a, 1.0 / a);
        let mut del = sum;
        for _ in 0..100_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        1.0 - sum * ln_front.exp()
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..100_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < TINY { TINY } else { d };
            c = b + an / c;
            c = if c.abs() < TINY { TINY } else { c };
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        ln_front.exp() * h
    }
}

/// A statistic estimated over `n` replications: the mean of its per-replication
/// values, their standard deviation (with `n − 1` in the denominator) and the
/// half-width of the 95% confidence interval for its expectation,
/// `t(0.975, n − 1) · sd / √n`. With one replication `sd` and `half_width_95` are
/// NaN (`null` in JSON): one value says nothing about the spread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub sd: f64,
    pub half_width_95: f64,
    pub n: u32,
}

impl Estimate {
    /// The estimate from per-replication values (NaN everywhere for none).
    ///
    /// Deviations are taken from the first value, so a quantity that is the same in
    /// every replication has exactly that mean and a standard deviation of exactly 0.
    pub fn from_samples(values: &[f64]) -> Estimate {
        let n = values.len();
        let Some(&first) = values.first() else {
            return Estimate { mean: f64::NAN, sd: f64::NAN, half_width_95: f64::NAN, n: 0 };
        };
        let nf = n as f64;
        let shift = values.iter().map(|&v| v - first).sum::<f64>() / nf;
        let mean = first + shift;
        if n < 2 {
            return Estimate { mean, sd: f64::NAN, half_width_95: f64::NAN, n: 1 };
        }
        let ss: f64 = values.iter().map(|&v| (v - first - shift) * (v - first - shift)).sum();
        let sd = (ss / (nf - 1.0)).sqrt();
        Estimate { mean, sd, half_width_95: t975(nf - 1.0) * sd / nf.sqrt(), n: n as u32 }
    }

    /// The lower end of the 95% confidence interval.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width_95
    }

    /// The upper end of the 95% confidence interval.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width_95
    }

    /// The estimate scaled by `scale` as `(mean, " ± half-width")`, each followed by
    /// `suffix`, both with enough decimals to show the half-width to two significant
    /// digits (at least `min_decimals`, at most 6). The half-width is left out when
    /// it is not a number (one replication).
    pub fn show(&self, scale: f64, min_decimals: usize, suffix: &str) -> (String, String) {
        cell(self, scale, min_decimals, suffix)
    }

    /// Whether `x` lies in the 95% confidence interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.low() <= x && x <= self.high()
    }

    fn of<T>(runs: &[T], f: impl Fn(&T) -> f64) -> Estimate {
        Estimate::from_samples(&runs.iter().map(f).collect::<Vec<_>>())
    }
}

/// Over replications, every statistic is an [`Estimate`].
impl Value for Estimate {
    type Count = Estimate;
    type Real = Estimate;
    const SHARES_IN_JSON: bool = true;
}

/// A [`Summary`] over replications: each field's [`Estimate`] (the mean of the
/// replications' means, of their medians, ...), in seconds.
pub type SummaryEstimate = Summary<Estimate>;
/// A cook's [`CookStats`] over replications.
pub type CookEstimate = CookStats<Estimate>;
/// A piece of equipment's [`EquipmentStats`] over replications.
pub type EquipmentEstimate = EquipmentStats<Estimate>;

impl Stats<Estimate> {
    /// Every statistic of `runs` estimated over them (see [`Estimate::from_samples`]).
    ///
    /// # Panics
    ///
    /// If `runs` is empty.
    pub fn over(runs: &[Stats]) -> Stats<Estimate> {
        Stats::map_runs(runs, |value| Estimate::of(runs, value))
    }
}

/// Every statistic of [`Stats`] estimated over independent replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replicated {
    pub scenario: String,
    /// `async` or `sync`.
    pub mode: &'static str,
    /// The base seed the replications' seeds are derived from.
    pub seed: u64,
    pub replications: u32,
    /// The warm-up left out of each replication, in seconds.
    pub warmup_s: f64,
    /// Each replication's seed, in replication order ([`seeds`]).
    pub seeds: Vec<u64>,
    /// The estimates, with the shares of customers who left and did not join (in
    /// JSON, its fields follow `seeds`).
    #[serde(flatten)]
    pub stats: Stats<Estimate>,
    /// Each replication's statistics, in replication order (not in JSON: rerun a
    /// replication with its seed to see it).
    #[serde(skip)]
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
    /// warm-up of `warmup` ticks. [`replicate`] calls this; it is public for callers
    /// that run the replications themselves (with [`map`] and more sinks than
    /// [`StatsView`]).
    ///
    /// # Panics
    ///
    /// If `runs` is empty or its length differs from `seeds`'.
    pub fn from_runs(
        sc: &Scenario,
        mode: Mode,
        seed: u64,
        warmup: Ticks,
        seeds: Vec<u64>,
        runs: Vec<Stats>,
    ) -> Replicated {
        assert!(!runs.is_empty(), "no replications to summarise");
        assert_eq!(runs.len(), seeds.len(), "one seed per replication");
        Replicated {
            scenario: sc.name.clone(),
            mode: mode.name(),
            seed,
            replications: runs.len() as u32,
            warmup_s: crate::time::seconds(warmup),
            seeds,
            stats: Stats::over(&runs),
            runs,
        }
    }

    /// The estimates as a text table, one row per statistic the tables show (see
    /// [`Stat::in_tables`]), `mean ± half-width` of the 95% confidence interval,
    /// times in `unit`. The customers who left or did not join are listed when some
    /// did in a replication.
    pub fn render(&self, unit: TimeUnit) -> String {
        let u = unit.name();
        let s = &self.stats;
        let gave_up = self.runs.iter().any(|s| s.left + s.balked > 0);
        let mut table = Table::new(
            "  ",
            vec![Column::fit(Align::Left, ""), Column::fit(Align::Right, "  "), Column::fit(Align::Left, "")],
        );
        let stats = Stat::all(s.cooks.len(), s.equipment.len())
            .filter(|&stat| stat.in_tables())
            .filter(|stat| gave_up || !matches!(stat, Stat::Run(r) if r.about_giving_up()));
        for stat in stats {
            let Some(e) = s.get(stat).map(Field::value) else { continue };
            let (mean, half) = match stat.kind() {
                Kind::Time => cell(e, 1.0 / unit.seconds(), 2, ""),
                Kind::Share => cell(e, 100.0, 1, "%"),
                Kind::Count => cell(e, 1.0, 0, ""),
                Kind::Rate => cell(e, 1.0, 1, ""),
                Kind::Queue => cell(e, 1.0, 2, ""),
            };
            // A share is a part of the count above it.
            let label = match stat {
                Stat::Run(r) if r.kind() == Kind::Share => format!("  {}", s.label(stat)),
                _ => s.label(stat),
            };
            table.row(vec![label, mean, half]);
        }
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
        let kitchen = if self.mode == Mode::Sync.name() { "synchronous" } else { "asynchronous" };
        let _ = writeln!(out, "  {kitchen} kitchen, base seed {}, {warmup}\n", self.seed);
        out += &table.render();
        out
    }
}

/// `x` with `decimals` decimals, without a negative zero.
fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => abs.to_string(),
        _ => s,
    }
}

/// [`Estimate::show`].
fn cell(e: &Estimate, scale: f64, min_decimals: usize, suffix: &str) -> (String, String) {
    let (mean, half) = (e.mean * scale, e.half_width_95 * scale);
    let decimals = if half.is_finite() && half > 0.0 {
        (1.0 - half.log10().floor()).clamp(min_decimals as f64, 6.0) as usize
    } else {
        min_decimals
    };
    let m = format!("{}{suffix}", fixed(mean, decimals));
    let h = if half.is_nan() { String::new() } else { format!(" ± {}{suffix}", fixed(half, decimals)) };
    (m, h)
}

#[cfg(test)]
mod tests {

    #[test]
    fn cancelled_replications_keep_only_those_that_finished() {
        let sc = crate::builtin::find("coffee-shop").unwrap().load().unwrap();
        let cancel = Cancel::new();
        cancel.cancel();
        assert_eq!(replicate_until(&sc, Mode::Async, 3, 4, 0, 2, &cancel), None);
        let whole = replicate_until(&sc, Mode::Async, 3, 4, 0, 2, &Cancel::new()).unwrap();
        assert_eq!(whole, replicate(&sc, Mode::Async, 3, 4, 0, 1));
        assert_eq!(whole.replications, 4);
    }

    use super::*;
    use crate::scenario;

    fn load(text: &str) -> Scenario {
        scenario::load_str("test", "test.toml", text, &|_| Err("no files".into())).unwrap()
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
    fn t_quantiles_match_the_tables() {
        // Exact closed forms for 1 and 2 degrees of freedom.
        let exact1 = (std::f64::consts::PI * 0.475).tan();
        assert!((t975(1.0) - exact1).abs() < 1e-9, "{}", t975(1.0));
        let exact2 = 0.95 * (2.0f64 / (1.0 - 0.95 * 0.95)).sqrt();
        assert!((t975(2.0) - exact2).abs() < 1e-9, "{}", t975(2.0));
        // Published tables, to their 3 decimals.
        for (df, t) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (3.0, 3.182),
            (4.0, 2.776),
            (9.0, 2.262),
            (19.0, 2.093),
            (29.0, 2.045),
            (30.0, 2.042),
            (60.0, 2.000),
            (120.0, 1.980),
            (f64::INFINITY, 1.960),
        ] {
            assert!((t975(df) - t).abs() < 5e-4, "t(0.975, {df}) = {} not {t}", t975(df));
        }
        // More digits: R's qt(0.975, 19) and qnorm(0.975).
        assert!((t975(19.0) - 2.093_024_054_408_263).abs() < 1e-9);
        assert!((t975(f64::INFINITY) - 1.959_963_984_540_054).abs() < 1e-9);
        // Other quantiles, symmetry, and the approach to the normal.
        assert!((t_quantile(0.95, 10.0) - 1.812).abs() < 5e-4);
        assert!((t_quantile(0.995, 5.0) - 4.032).abs() < 5e-4);
        assert_eq!(t_quantile(0.025, 7.0), -t975(7.0));
        assert_eq!(t_quantile(0.5, 3.0), 0.0);
        assert!((t975(1e7) - t975(f64::INFINITY)).abs() < 1e-6);
        assert!(t975(0.0).is_nan() && t_quantile(1.0, 3.0).is_nan());
    }

    #[test]
    fn estimates_are_t_intervals() {
        let e = Estimate::from_samples(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((e.mean, e.n), (3.0, 5));
        assert!((e.sd - 2.5f64.sqrt()).abs() < 1e-15);
        assert!((e.half_width_95 - 2.776_445_105 * 2.5f64.sqrt() / 5f64.sqrt()).abs() < 1e-8);
        assert!(e.contains(3.0) && e.contains(e.low()) && !e.contains(5.0));
        // A constant has no spread at all, however it rounds.
        let c = Estimate::from_samples(&[0.1 + 0.2; 7]);
        assert_eq!((c.mean, c.sd, c.half_width_95), (0.1 + 0.2, 0.0, 0.0));
        let one = Estimate::from_samples(&[4.0]);
        assert_eq!((one.mean, one.n), (4.0, 1));
        assert!(one.sd.is_nan() && one.half_width_95.is_nan());
        assert_eq!(Estimate::from_samples(&[]).n, 0);
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
        let warmup = 20 * crate::time::TICKS_PER_SECOND;
        let one = replicate(&sc, Mode::Async, 9, 6, warmup, 1);
        for threads in [2, 3, 0] {
            assert_eq!(replicate(&sc, Mode::Async, 9, 6, warmup, threads), one);
        }
        assert_eq!(one.seeds, seeds(9, 6));
        assert_eq!(one.runs.len(), 6);
        // Replication i is exactly a run with seed i.
        for (run, &seed) in one.runs.iter().zip(&one.seeds) {
            let mut view = StatsView::with_warmup(&sc, warmup);
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
        let r = replicate(&sc, Mode::Async, 3, 8, 0, 2);
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
        let r = replicate(&sc, Mode::Async, 9, 5, 0, 2);
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
        assert!(json.get("runs").is_none());
        // One replication: no interval, in the table or the JSON.
        let single = replicate(&sc, Mode::Sync, 9, 1, 0, 4);
        let text = single.render(TimeUnit::Minutes);
        assert!(
            text.starts_with("Statistics of 1 replication (times in min; no confidence interval"),
            "{text}"
        );
        assert!(!text.contains('±'), "{text}");
        println!("{}\n{}", r.render(TimeUnit::Seconds), single.render(TimeUnit::Minutes));
        assert!(serde_json::to_value(&single).unwrap()["wait"]["mean_s"]["sd"].is_null());
    }

    #[test]
    fn cells_show_the_half_width_to_two_significant_digits() {
        let e = |mean, half_width_95| Estimate { mean, sd: 0.0, half_width_95, n: 2 };
        let s = |(m, h): (String, String)| m + &h;
        assert_eq!(s(cell(&e(1.23456, 0.0042), 1.0, 2, "")), "1.2346 ± 0.0042");
        assert_eq!(s(cell(&e(12.3, 1.7), 1.0, 2, "")), "12.30 ± 1.70");
        assert_eq!(s(cell(&e(9.2, 3.45), 1.0, 0, "")), "9.2 ± 3.5");
        assert_eq!(s(cell(&e(5461.7, 486.0), 1.0, 1, "")), "5461.7 ± 486.0");
        assert_eq!(s(cell(&e(300.0, 0.0), 1.0, 0, "")), "300 ± 0");
        assert_eq!(s(cell(&e(0.5, 0.0), 100.0, 1, "%")), "50.0% ± 0.0%");
        assert_eq!(s(cell(&e(-0.0001, 0.0), 1.0, 2, "")), "0.00 ± 0.00");
        assert_eq!(s(cell(&e(2.5, f64::NAN), 1.0, 2, "")), "2.50");
    }
}
