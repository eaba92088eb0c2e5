//! Engine throughput: customers simulated per second on the virtual clock.
//!
//!     cargo bench --bench engine [-- CUSTOMERS]
//!
//! A café with Poisson-like arrivals (uniform inter-arrival times, mean 1 s) and one
//! hands-on step per customer (uniform, 90 % load), one and three cooks, both kitchens.
//! Events go to a sink that drops them, so this measures the engine and the order
//! source alone. Peak memory is the process's (VmHWM), which stays flat as customers
//! stream through.

use std::time::Instant;

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::Discard;
use async_cafe::scenario;

fn scenario(customers: u64, cooks: u16) -> async_cafe::model::Scenario {
    let toml = format!(
        r#"
[kitchen]
cooks = {cooks}
[recipes.coffee]
steps = [{{ name = "brew", kind = "hands-on", duration = {{ dist = "uniform", min = 0, max = {service} }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {customers}
interarrival = {{ dist = "uniform", min = 0, max = 2 }}
"#,
        // Mean service 0.9 s per cook: every kitchen runs at 90 % load.
        service = 1.8 * cooks as f64,
    );
    scenario::load_str("bench", &toml).expect("bench scenario")
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let customers: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    println!("{customers} customers, virtual clock, events discarded");
    for (mode, cooks) in [(Mode::Async, 1), (Mode::Async, 3), (Mode::Sync, 1), (Mode::Sync, 3)] {
        let sc = scenario(customers, cooks);
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let start = Instant::now();
            let out = engine::run(&sc, mode, 1, &mut VirtualClock, &mut Discard);
            let secs = start.elapsed().as_secs_f64();
            assert_eq!(out.served, customers);
            best = best.min(secs);
        }
        println!(
            "{:>5} {} cook{}: {:>7.3} s  {:>12.0} customers/s",
            mode.name(),
            cooks,
            if cooks == 1 { " " } else { "s" },
            best,
            customers as f64 / best
        );
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak memory: {mib:.1} MiB");
    }
}
