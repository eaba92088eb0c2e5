//! The business benchmark: an M/M/c café on the virtual clock against SimPy, peak
//! memory at 10,000,000 customers, and 1,000,000 customers at once on the real clock.
//!
//!     cargo bench --bench mmc
//!
//! SimPy runs `shared/reference/perf/mmc_simpy.py` (the same model: Poisson arrivals,
//! exponential service, c baristas, FCFS) in the same run, when `python3` can import
//! `simpy` (`pip install simpy==4.1.2`); otherwise that line says so. Customers per
//! second are the best of three runs on both sides; ours with the statistics computed
//! as a user would get them (`StatsView`), and with the events discarded (the engine
//! alone).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use async_cafe::clock::{Behind, RealClock};
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::Discard;
use async_cafe::model::Scenario;
use async_cafe::scenario;
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
    scenario::load_str("mmc", "mmc.toml", &toml, &|_| Err("no files".into())).expect("bench scenario")
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
    let out = Command::new("python3")
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
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed").to_string());
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    Ok(n as f64 / v["wall_s"].as_f64().ok_or("no wall_s")?)
}

fn main() {
    let n: u64 = 1_000_000;
    println!("M/M/c café, {n} customers, virtual clock (best of 3)");
    for (lam, mu, c) in [(0.9, 1.0, 1u16), (3.6, 1.0, 4)] {
        let sc = mmc(lam, mu, c, n);
        let with_stats = best_of_3(|| {
            let mut stats = StatsView::new(&sc);
            engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut stats).served
        });
        let engine_only =
            best_of_3(|| engine::run(&sc, Mode::Async, 1, &mut VirtualClock, &mut Discard).served);
        let simpy_line = match simpy(lam, mu, c, n) {
            Ok(rate) => format!(
                "SimPy {rate:>7.0}/s; ratio {:.0}x with statistics, {:.0}x engine alone",
                with_stats / rate,
                engine_only / rate
            ),
            Err(why) => format!("SimPy not measured ({why})"),
        };
        println!(
            "  λ={lam} μ={mu} c={c}: {with_stats:>11.0} customers/s with statistics, {engine_only:>11.0} engine alone; {simpy_line}"
        );
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
    let sc = scenario::load_str("fanout", "fanout.toml", &toml, &|_| Err("no files".into())).unwrap();
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
