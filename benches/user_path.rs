//! The path a user takes, timed as whole processes beside SimPy: `cafe run` on the
//! 1,000,000-customer M/M/4 café of `benches/mmc.rs` (λ 3.6, μ 1, 4 cooks), the
//! process from start to exit, against `python3 mmc_simpy.py` on the same model, the
//! process from start to exit too; and beside both, the library's engine with the
//! full statistics in this process (what `cargo bench --bench mmc` calls "with full
//! statistics").
//!
//!     cargo build --release -p cafe && cargo bench --bench user_path [-- ROUNDS]
//!
//! Each round runs every command once, one after the other, so that a machine shared
//! with other work slows them alike; the figures are the medians over the rounds
//! (5 by default), in customers per second of wall time, and beside them customers
//! per second of CPU time (user and system, the processes' own: on a machine busy
//! with other work, the wall time counts the waits for a core, the CPU time much
//! less). The commands:
//!
//! * `cafe run mm4.toml --clock virtual --stats` (the scenario prints no narrative);
//! * the same with two narrative lines per customer, written to a file;
//! * `cafe run mm4.toml --clock virtual --format json`, written to a file (about
//!   720 MB: it needs that much free space in the temporary directory, twice over
//!   while it is written);
//! * SimPy 4.1.2: `$PYTHON shared/reference/perf/mmc_simpy.py --lam 3.6 --mu 1 --c 4
//!   --n 1000000` (`PYTHON` defaults to `python3`; `pip install simpy==4.1.2`).
//!
//! The `cafe` binary is the release build beside this benchmark's
//! (`target/release/cafe`), or `$CAFE`.

#[path = "common/machine.rs"]
mod machine;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::scenario;
use async_cafe::view::stats::StatsView;

const CUSTOMERS: u64 = 1_000_000;

/// The M/M/4 café of `benches/mmc.rs`, with `narrative` appended.
fn mm4(narrative: &str) -> String {
    format!(
        r#"
[kitchen]
cooks = 4
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1.0 }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {CUSTOMERS}
rate = 3.6
{narrative}"#
    )
}

/// The `cafe` binary: `$CAFE`, or the release build beside this benchmark.
fn cafe() -> PathBuf {
    if let Some(path) = std::env::var_os("CAFE") {
        return PathBuf::from(path);
    }
    // target/release/deps/user_path-HASH → target/release/cafe
    let exe = std::env::current_exe().expect("the benchmark's path");
    let release = exe.parent().and_then(Path::parent).expect("target/release");
    release.join("cafe")
}

/// Seconds of CPU time (user and system) of this process's children that have
/// ended: `cutime` and `cstime` of `/proc/self/stat`, in ticks of 1/100 s (Linux's
/// `USER_HZ`).
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's name, in parentheses: fields 3 onwards; cutime is the 16th.
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    fields.get(13).zip(fields.get(14)).map_or(f64::NAN, |(u, s)| (u + s) / 100.0)
}

/// Seconds of CPU time this thread has run (`/proc/thread-self/schedstat`, in ns).
fn own_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).map_or(f64::NAN, |ns| ns / 1e9)
}

/// Wall and CPU seconds of one run.
#[derive(Default)]
struct Times {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Times {
    /// Customers per second of wall time (median) and of CPU time (over all rounds).
    fn rates(&self) -> (f64, f64) {
        let n = CUSTOMERS as f64;
        (n / median(self.wall.clone()), n * self.cpu.len() as f64 / self.cpu.iter().sum::<f64>())
    }
}

/// Runs the command to its exit, its standard output going to `out` (a file) or
/// nowhere, and adds its times to `times`; panics if it fails.
fn time(times: &mut Times, cmd: &mut Command, out: Option<&Path>) {
    let stdout = match out {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("the output file")),
        None => Stdio::null(),
    };
    let cpu = children_cpu();
    let start = Instant::now();
    let status = cmd.stdout(stdout).stderr(Stdio::inherit()).status().expect("the command starts");
    times.wall.push(start.elapsed().as_secs_f64());
    times.cpu.push(children_cpu() - cpu);
    assert!(status.success(), "{cmd:?} failed: {status}");
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

fn main() {
    let rounds: usize =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let quiet = dir.path().join("mm4.toml");
    let told = dir.path().join("mm4-narrative.toml");
    std::fs::write(&quiet, mm4("")).unwrap();
    let lines = "[narrative]\narrival = \"{customer} orders a {item}.\"\nserved = \"{customer} is served at {time:.2f} s.\"\n";
    std::fs::write(&told, mm4(lines)).unwrap();
    let cafe = cafe();
    assert!(
        cafe.exists(),
        "{} not found: run `cargo build --release -p cafe` first, or set CAFE",
        cafe.display()
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/perf/mmc_simpy.py");
    let simpy_ok = script.exists()
        && Command::new(&python)
            .args(["-c", "import simpy"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    let sc = scenario::load_str("mm4", &mm4("")).expect("the scenario");

    let out = dir.path().join("out");
    let run = |file: &Path, extra: &[&str]| {
        let mut cmd = Command::new(&cafe);
        cmd.arg("run").arg(file).args(["--clock", "virtual"]).args(extra);
        cmd
    };
    let (mut library, mut stats, mut narrative, mut json, mut simpy) =
        (Times::default(), Times::default(), Times::default(), Times::default(), Times::default());
    for round in 1..=rounds {
        let (start, cpu) = (Instant::now(), own_cpu());
        let mut view = StatsView::new(&sc);
        let served = engine::run(&sc, Mode::Async, sc.seed, &mut VirtualClock, &mut view).served;
        std::hint::black_box(view.finish());
        library.wall.push(start.elapsed().as_secs_f64());
        library.cpu.push(own_cpu() - cpu);
        assert_eq!(served, CUSTOMERS);
        time(&mut stats, &mut run(&quiet, &["--stats"]), None);
        time(&mut narrative, &mut run(&told, &["--stats"]), Some(&out));
        time(&mut json, &mut run(&quiet, &["--format", "json"]), Some(&out));
        if simpy_ok {
            let mut cmd = Command::new(&python);
            cmd.arg(&script).args(["--lam", "3.6", "--mu", "1", "--c", "4", "--n", &CUSTOMERS.to_string()]);
            time(&mut simpy, &mut cmd, None);
        }
        eprintln!("round {round}/{rounds} done");
    }
    let _ = std::fs::remove_file(&out);
    let simpy = (!simpy.wall.is_empty()).then(|| simpy.rates());
    println!(
        "M/M/4 café (λ 3.6, μ 1), {CUSTOMERS} customers, virtual clock, {rounds} rounds: customers per second of wall time (median) and of CPU time"
    );
    println!("on {}", machine::processor());
    println!("  {:<48} {:>11} {:>11} {:>11} {:>11}", "", "wall", "× SimPy", "CPU", "× SimPy");
    let show = |what: &str, t: &Times| {
        let (wall, cpu) = t.rates();
        let x = |ours: f64, theirs: Option<f64>| theirs.map_or(String::new(), |s| format!("{:.0}", ours / s));
        println!(
            "  {what:<48} {wall:>11.0} {:>11} {cpu:>11.0} {:>11}",
            x(wall, simpy.map(|s| s.0)),
            x(cpu, simpy.map(|s| s.1))
        );
        (wall, cpu)
    };
    let lib = show("library: engine + full statistics, in process", &library);
    let user = show("cafe run --stats (whole process)", &stats);
    show("cafe run --stats, 2 narrative lines a customer", &narrative);
    show("cafe run --format json > file", &json);
    match simpy {
        Some((wall, cpu)) => {
            println!("  {:<48} {wall:>11.0} {:>11} {cpu:>11.0}", "SimPy 4.1.2 (whole process)", "")
        }
        None => {
            println!("  SimPy not measured: {python} cannot import simpy, or {} is missing", script.display())
        }
    }
    println!(
        "  cafe run --stats against the library: {:+.1}% (wall), {:+.1}% (CPU)",
        (user.0 / lib.0 - 1.0) * 100.0,
        (user.1 / lib.1 - 1.0) * 100.0
    );
}
