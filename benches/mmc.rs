//! The business benchmark: an M/M/c café on the virtual clock against SimPy, peak
//! memory at 10,000,000 customers, and 1,000,000 customers at once on the real clock.
//!
//!     cargo bench --bench mmc
//!
//! SimPy runs `shared/reference/perf/mmc_simpy.py` (the same model: Poisson arrivals,
//! exponential service, c baristas, FCFS) in the same run, when `$PYTHON` (default
//! `python3`) can import `simpy` (`pip install simpy==4.1.2`); otherwise that line
//! says so. Customers per
//! second are the best of three runs on both sides. Ours three ways: with the
//! statistics the SimPy script computes (the like-for-like comparison, checked
//! against Erlang C), with the full statistics a user gets (`StatsView`), and with
//! the events discarded (the engine alone).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

#[path = "common/machine.rs"]
mod machine;

use async_cafe::capacity;
use async_cafe::clock::{Behind, RealClock};
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Discard, Event, EventKind, Sink};
use async_cafe::model::Scenario;
use async_cafe::scenario;
use async_cafe::time::Ticks;
use async_cafe::view::stats::StatsView;

fn mmc(lam: f64, mu: f64, c: u16, customers: u64) -> Scenario {
    let toml = format!(
        r#"
[kitchen]
cooks = {c}
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = {service} }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {customers}
rate = {lam}
"#,
        service = 1.0 / mu,
    );
    scenario::load_str("mmc", &toml).expect("bench scenario")
}

fn best_of_3(mut f: impl FnMut() -> u64) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let served = f();
            let secs = start.elapsed().as_secs_f64();
            served as f64 / secs
        })
        .fold(0.0, f64::max)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// SimPy's customers per second for the same model, the best of three runs like
/// ours, if it can be run here.
fn simpy(lam: f64, mu: f64, c: u16, n: u64) -> Result<f64, String> {
    (0..3).map(|_| simpy_once(lam, mu, c, n)).try_fold(0.0, |best, rate| Ok(rate?.max(best)))
}

fn simpy_once(lam: f64, mu: f64, c: u16, n: u64) -> Result<f64, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/perf/mmc_simpy.py");
    if !script.exists() {
        return Err(format!("{} not found", script.display()));
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .arg(&script)
        .args([
            "--lam",
            &lam.to_string(),
            "--mu",
            &mu.to_string(),
            "--c",
            &c.to_string(),
            "--n",
            &n.to_string(),
        ])
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed").to_string());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    Ok(n as f64 / v["wall_s"].as_f64().ok_or("no wall_s")?)
}

/// What `mmc_simpy.py` computes of each customer, as its `WaitStats` does: the mean
/// wait in queue with a 95% confidence interval from 20 batch means (customer `i`
/// of `n`, in arrival order, goes to batch `20 i / n`), the share who waited and
/// the longest wait. The like-for-like comparison with SimPy. Like the script, it
/// records a customer's wait when service starts: when their order's only step
/// starts.
struct SimpyStats {
    n: u64,
    sum: [u128; 20],
    count: [u64; 20],
    waited: u64,
    max_wait: Ticks,
}

impl SimpyStats {
    fn new(n: u64) -> Self {
        SimpyStats { n, sum: [0; 20], count: [0; 20], waited: 0, max_wait: 0 }
    }

    /// Mean wait and the half-width of its 95% interval, in seconds, and P(wait > 0).
    fn result(&self) -> (f64, f64, f64) {
        let total: u64 = self.count.iter().sum();
        let secs = |ticks: f64| ticks / 1e9;
        let mean = secs(self.sum.iter().sum::<u128>() as f64 / total as f64);
        let batch = self.sum.iter().zip(&self.count).map(|(&s, &c)| secs(s as f64 / c as f64));
        let var = batch.map(|b| (b - mean).powi(2)).sum::<f64>() / 19.0;
        (mean, 2.093 * (var / 20.0).sqrt(), self.waited as f64 / total as f64)
    }
}

impl Sink for SimpyStats {
    #[inline(always)]
    fn event(&mut self, e: &Event<'_>) {
        if let EventKind::StepStarted { order, step: 0, .. } = e.kind {
            let wait = e.t - order.arrival;
            // ⌊20 i / n⌋ exactly (for n < 2^40, the rounded quotient cannot reach
            // the next integer), without a 64-bit division per customer.
            let k = ((order.id - 1) as f64 * 20.0 / self.n as f64) as usize;
            self.sum[k] += u128::from(wait);
            self.count[k] += 1;
            self.waited += u64::from(wait > 0);
            self.max_wait = self.max_wait.max(wait);
        }
    }
}

fn main() {
    let n: u64 = 1_000_000;
    println!("M/M/c café, {n} customers, virtual clock, customers per second (best of 3 on both sides)");
    println!("on {}", machine::processor());
    for (lam, mu, c) in [(0.9, 1.0, 1u16), (3.6, 1.0, 4)] {
        let sc = mmc(lam, mu, c, n);
        let mut like_simpy = SimpyStats::new(n);
        let simpys_statistics = best_of_3(|| {
            like_simpy = SimpyStats::new(n);
            engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut like_simpy).served
        });
        let full_statistics = best_of_3(|| {
            let mut stats = StatsView::new(&sc);
            engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut stats).served
        });
        let engine_only =
            best_of_3(|| engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut Discard).served);
        let simpy = simpy(lam, mu, c, n);
        match &simpy {
            Ok(rate) => println!("  M/M/{c} (λ {lam}, μ {mu}): SimPy {rate:.0}"),
            Err(why) => println!("  M/M/{c} (λ {lam}, μ {mu}): SimPy not measured ({why})"),
        }
        let ratio = |ours: f64| simpy.as_ref().map_or(String::new(), |rate| format!("{:>5.0}x", ours / rate));
        let (wq, half, p_wait) = like_simpy.result();
        let theory = capacity::erlang_c(lam, mu, c.into()).expect("a stable queue");
        println!(
            "    with SimPy's statistics {:>11.0} {}   mean wait {wq:.3} ± {half:.3} s (Erlang C {:.3}), P(wait) {p_wait:.3} ({:.3}), longest {:.1} s",
            simpys_statistics,
            ratio(simpys_statistics),
            theory.wq,
            theory.p_wait,
            like_simpy.max_wait as f64 / 1e9,
        );
        println!("    with full statistics    {full_statistics:>11.0} {}", ratio(full_statistics));
        println!("    engine alone            {engine_only:>11.0} {}", ratio(engine_only));
    }

    let big: u64 = 10_000_000;
    let sc = mmc(0.9, 1.0, 1, big);
    let start = Instant::now();
    let mut stats = StatsView::new(&sc);
    let served = engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut stats).served;
    let s = stats.finish();
    println!(
        "\n{served} customers with statistics: {:.2} s, mean wait {:.2} s (Erlang C: 9.00), peak memory of this process so far {:.1} MiB",
        start.elapsed().as_secs_f64(),
        s.wait.mean_s,
        peak_rss_mib()
    );

    // 1,000,000 customers at once, each a 1 s unattended brew, on the real clock.
    let fan = 1_000_000;
    let toml = format!(
        r#"
[recipes.coffee]
steps = [{{ name = "brew", kind = "unattended", duration = 1 }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {fan}
interarrival = 0
"#
    );
    let sc = scenario::load_str("fanout", &toml).unwrap();
    let mut clock = RealClock::new(1.0, Behind::Warn).unwrap();
    let start = Instant::now();
    let out = engine::run(&sc, Mode::Async, 1, &mut clock, &mut Discard);
    println!(
        "\nreal clock: {} customers arriving at once, each a 1 s brew: all served after {:.3} s of wall time (asyncio: 27 s); peak memory {:.1} MiB",
        out.served,
        start.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
}
