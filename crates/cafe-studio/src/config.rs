//! What the studio is started with, and the limits it keeps.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// How to start the studio.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to listen on: 127.0.0.1 unless told otherwise.
    pub host: IpAddr,
    /// The port; 0 lets the system choose a free one (the URL passed to `run`'s
    /// callback says which).
    pub port: u16,
    /// The history's SQLite file (see [`default_db_path`]), held by one studio at a
    /// time.
    pub db: PathBuf,
    /// What one request may ask.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            db: default_db_path(),
            limits: Limits::default(),
        }
    }
}

/// What one request may ask of the studio: a request over a limit is refused with
/// the reason (status 413 or 422), before anything runs; a run that goes past
/// its customers, its steps or its wall time is stopped, with the reason, and so is
/// a sweep one of whose runs goes past its customers.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub body_bytes: usize,
    /// The most customers one run, comparison or live run may let in: refused
    /// before it runs when the scenario is expected to let in more (its count, or the
    /// arrivals expected before `until`), and stopped as it runs once it has let in
    /// more (a random door can let in more than expected). A run's JSON holds every
    /// event of every customer.
    pub customers: f64,
    /// The most steps one run, comparison or live run may make: the steps of every
    /// customer's order, which is what its JSON holds (each step's events). Refused
    /// before it runs when the scenario is expected to make more (its customers ×
    /// the steps of what they order), and stopped as it runs once it has made more
    /// (each step counted as it starts, or as it leaves the queue for equipment
    /// unstarted when its customer leaves).
    pub steps: f64,
    /// The most customers one run of a sweep may let in: refused before the sweep
    /// starts when a configuration is expected to let in more, and counted as each
    /// run goes: the first run that lets in more stops the sweep, which fails with the
    /// reason. A sweep keeps only each run's statistics, not its events.
    pub sweep_run_customers: f64,
    /// The most configurations in one sweep.
    pub sweep_configurations: usize,
    /// The most runs in one sweep (configurations × replications).
    pub sweep_runs: u64,
    /// The longest wall time a run or comparison may take before it is stopped.
    pub run_time: Duration,
    /// Runs at once (comparisons and sweeps each count as one); the others wait
    /// their turn. 0: one per core.
    pub concurrent_runs: usize,
    /// Live runs (on the real clock) at once: each waits for wall time on a thread
    /// of its own; one more is refused until one ends or is stopped.
    pub live_runs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1 << 20,
            customers: 20_000.0,
            // 20,000 customers of the longest recipe of the built-ins (5 steps).
            steps: 100_000.0,
            sweep_run_customers: 200_000.0,
            sweep_configurations: 400,
            sweep_runs: 20_000,
            run_time: Duration::from_secs(30),
            concurrent_runs: 0,
            live_runs: 4,
        }
    }
}

/// Where the history is kept unless `--db` says otherwise:
/// `$XDG_DATA_HOME/async-cafe/studio.sqlite3`, or under `~/.local/share` when
/// `XDG_DATA_HOME` is not set (the XDG base directories), or the current directory
/// when neither can be found.
pub fn default_db_path() -> PathBuf {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = env("XDG_DATA_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|home| home.join(".local").join("share")));
    match base {
        Some(base) => base.join("async-cafe").join("studio.sqlite3"),
        None => PathBuf::from("studio.sqlite3"),
    }
}
