//! The `cafe` command: parses arguments and calls the `async_cafe` library.
//!
//! Exit codes: 0 success, 2 bad input or usage, 130 and 143 a run stopped by
//! SIGINT (Ctrl-C) or SIGTERM, 1 anything else.
//!
//! The command, not the library, deals with the process: it prints, handles signals
//! ([`Interrupts`]) and chooses the exit code.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use async_cafe::builtin;
use async_cafe::capacity;
use async_cafe::clock::{Behind, Cancel, Lag, Stopped};
use async_cafe::engine::Mode;
use async_cafe::model::{Policy, Scenario};
use async_cafe::replicate;
use async_cafe::run::{self, ClockKind, RunSpec, Want};
use async_cafe::scenario;
use async_cafe::view::export::{self, write_atomically};
use async_cafe::view::report::{self, ReportRun};
use async_cafe::view::timeline::{self, TimelineOptions};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "cafe",
    version,
    about = "A café and kitchen simulator that follows asyncio's event loop exactly"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and show what happened.
    Run {
        /// A built-in scenario's name (see `cafe list`) or a path to a .toml file.
        scenario: String,
        /// How the kitchen works.
        #[arg(long, value_enum, default_value_t = ModeArg::Async)]
        mode: ModeArg,
        /// Real time (watch it happen) or virtual time (instant, deterministic).
        #[arg(long, value_enum, default_value_t = ClockArg::Real)]
        clock: ClockArg,
        /// Real-clock speed: seconds of scenario time per second [default: the scenario's].
        #[arg(long, value_name = "X")]
        speed: Option<f64>,
        /// Seed for random draws [default: the scenario's].
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Narrative text, or one JSON object.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// Stamp each narrative line with its scenario time.
        #[arg(long)]
        timestamps: bool,
        /// After the narrative, print statistics: waits, time in system, cooks'
        /// and equipment's use (the JSON report always has them).
        #[arg(long)]
        stats: bool,
        /// Real clock: what to do when the engine cannot keep up with the speed.
        #[arg(long, value_enum, default_value_t = BehindArg::Warn)]
        behind: BehindArg,
        /// Real clock, text: a live panel of cooks, machines and waiting orders under
        /// the narrative (auto: when stdout is a terminal).
        #[arg(long, value_enum, default_value_t = PanelArg::Auto)]
        panel: PanelArg,
        /// Width of the panel and the timeline, 20 to 1000 [default: the terminal's,
        /// or 80].
        #[arg(long, value_name = "COLUMNS", value_parser = width())]
        width: Option<u16>,
        /// Also write every engine event, one JSON object per line, to FILE.
        #[arg(long, value_name = "FILE.jsonl")]
        events: Option<PathBuf>,
        /// Also write orders.csv, steps.csv and events.csv into DIR.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// After the narrative, draw the timeline: a lane per cook and per unit of
        /// equipment (colour on a terminal unless NO_COLOR is set).
        #[arg(long)]
        timeline: bool,
        /// With --timeline: a lane per order too.
        #[arg(long)]
        order_lanes: bool,
        /// Also write a self-contained HTML report (timeline, statistics, charts).
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        /// Leave the start of service out of the statistics: T in the scenario's unit.
        #[arg(long, value_name = "T")]
        warmup: Option<f64>,
        /// Run R independent replications (virtual clock, seeds derived from --seed)
        /// and print every statistic with its 95% confidence interval.
        #[arg(long, value_name = "R")]
        replications: Option<u32>,
        /// Asynchronous kitchen: which ready work the cooks run first [default: the
        /// scenario's, or fifo].
        #[arg(long, value_enum)]
        policy: Option<PolicyArg>,
    },
    /// Run both kitchens on the virtual clock and compare their totals.
    Compare {
        /// A built-in scenario's name or a path to a .toml file.
        scenario: String,
        /// Seed for random draws [default: the scenario's].
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Width of the timelines, 20 to 1000 [default: the terminal's, or 80].
        #[arg(long, value_name = "COLUMNS", value_parser = width())]
        width: Option<u16>,
        /// Leave the timelines out: just the table.
        #[arg(long)]
        no_timeline: bool,
        /// A lane per order in the timelines.
        #[arg(long)]
        order_lanes: bool,
        /// Also write a self-contained HTML report of both kitchens.
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        /// Dispatch policies of the asynchronous kitchen. One: compare the two
        /// kitchens under it. Several (comma-separated): compare the asynchronous
        /// kitchen under each, side by side.
        #[arg(long, value_enum, value_delimiter = ',', value_name = "POLICY,...")]
        policy: Vec<PolicyArg>,
    },
    /// Run a scenario over a grid of kitchens (cooks, equipment, arrival rate) and
    /// find the cheapest one that meets a target (see docs/sweep.md).
    Sweep(SweepArgs),
    /// List the built-in scenarios.
    List,
    /// Print a built-in scenario's TOML, to copy and edit.
    Show {
        /// The built-in's name.
        name: String,
    },
    /// Check a scenario file and report every problem.
    Check {
        /// Path to a .toml file (or a built-in's name).
        file: String,
    },
}

/// The dispatch policies (see docs/scenario-format.md, `policy`).
#[derive(Clone, Copy, ValueEnum)]
enum PolicyArg {
    /// asyncio's: first in, first out.
    Fifo,
    /// Unattended steps (and all instant work) before hands-on steps.
    UnattendedFirst,
    /// As unattended-first, then the hands-on step with the longest chain of work
    /// left in its order first.
    LongestChain,
}

impl From<PolicyArg> for Policy {
    fn from(p: PolicyArg) -> Policy {
        match p {
            PolicyArg::Fifo => Policy::Fifo,
            PolicyArg::UnattendedFirst => Policy::UnattendedFirst,
            PolicyArg::LongestChain => Policy::LongestChain,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Async,
    Sync,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum ClockArg {
    Real,
    Virtual,
}

#[derive(Clone, Copy, ValueEnum)]
enum BehindArg {
    /// Say so on stderr and go on.
    Warn,
    /// Stop the run (exit code 1).
    Stop,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum PanelArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

/// `--width`: absurd widths are usage errors.
fn width() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(20..=1000)
}

/// A failure and its exit code.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: 2 }
    }

    /// A run stopped by a signal: exit code 128 + its number, nothing more to say.
    fn signal(code: u8) -> Failure {
        Failure { message: String::new(), code }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        let on_stdout = e.get_ref().is_some_and(|inner| inner.is::<StdoutError>());
        match (on_stdout, e.kind()) {
            // Output closed early (`cafe run ... | head`): not an error.
            (true, io::ErrorKind::BrokenPipe) => Failure { message: String::new(), code: 0 },
            _ => Failure { message: format!("error: {e}\n"), code: 1 },
        }
    }
}

/// A write to standard output that failed: says so, keeping the error's kind.
#[derive(Debug)]
struct StdoutError(io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

/// Standard output, whose errors name it.
struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    fn lock() -> Stdout {
        Stdout(io::stdout().lock())
    }

    fn fail(e: io::Error) -> io::Error {
        io::Error::new(e.kind(), StdoutError(e))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(Stdout::fail)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(Stdout::fail)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(Stdout::fail)
    }
}

/// Writes to stderr; if stderr itself cannot be written (`2>/dev/full`) there is no
/// one left to tell, and the exit code still says what happened.
fn say(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// SIGINT (Ctrl-C) and SIGTERM, for the commands that stop cleanly (`run` and
/// `sweep`): the first cancels [`Interrupts::cancel`] (the run stops, prints what it
/// has and exits with 128 + the signal's number: 130 or 143); a second one removes
/// the temporary export files and exits at once.
struct Interrupts {
    cancel: Cancel,
    signal: std::sync::Arc<std::sync::atomic::AtomicI32>,
}

impl Interrupts {
    /// Installs the handlers; `on_first` runs (on the handlers' thread) after the
    /// first signal.
    fn install(on_first: impl Fn() + Send + 'static) -> Result<Interrupts, Failure> {
        let interrupts = Interrupts { cancel: Cancel::new(), signal: Default::default() };
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            use std::sync::atomic::Ordering;
            let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
            let (cancel, signal) = (interrupts.cancel.clone(), interrupts.signal.clone());
            std::thread::Builder::new().name("signals".into()).spawn(move || {
                for sig in signals.forever() {
                    if signal.swap(sig, Ordering::SeqCst) == 0 {
                        cancel.cancel();
                        on_first();
                    } else {
                        export::remove_temporary_files();
                        std::process::exit(128 + sig);
                    }
                }
            })?;
        }
        #[cfg(not(unix))]
        let _ = on_first;
        Ok(interrupts)
    }

    /// 128 + the number of the signal received, if one was.
    fn code(&self) -> Option<u8> {
        match self.signal.load(std::sync::atomic::Ordering::SeqCst) {
            0 => None,
            sig => Some((128 + sig).clamp(0, 255) as u8),
        }
    }
}

/// The warning when a real run first falls behind (`--behind warn`).
fn warn_behind(lag: Lag) {
    say(&format!(
        "warning: the kitchen is falling behind real time ({:.3} s late at {:.3} s of scenario time, speed {}): the engine cannot keep up; lower --speed, or pass --behind stop to stop instead\n",
        lag.lag.as_secs_f64(),
        async_cafe::time::seconds(lag.at),
        lag.speed
    ));
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors (exit code 2) on stderr; --help and --version on stdout, which
        // may be full.
        Err(e) => {
            return match e.print() {
                Err(out) if !e.use_stderr() => {
                    say(&format!("error: {}\n", Stdout::fail(out)));
                    ExitCode::FAILURE
                }
                _ => ExitCode::from(e.exit_code().clamp(0, 255) as u8),
            };
        }
    };
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            say(&f.message);
            ExitCode::from(f.code)
        }
    }
}

/// A built-in by name, or a scenario file by path.
fn load(name: &str) -> Result<Scenario, Failure> {
    let as_path = Path::new(name);
    let looks_like_path =
        name.ends_with(".toml") || name.contains('/') || name.contains(std::path::MAIN_SEPARATOR);
    if !looks_like_path {
        if let Some(b) = builtin::find(name) {
            return b.load().map_err(|e| Failure { message: e.render(), code: 1 });
        }
        if !as_path.exists() {
            let close = builtin::suggestions(name);
            let hint = if close.is_empty() {
                "run `cafe list` to see them, or give a path to a .toml file".to_string()
            } else {
                format!(
                    "did you mean {}? Run `cafe list` to see them all",
                    close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                )
            };
            return Err(Failure::input(format!(
                "error: no built-in scenario is called `{name}`\n  help: {hint}\n"
            )));
        }
    }
    scenario::load_file(as_path).map_err(|e| Failure::input(e.render()))
}

/// Colour on a terminal, unless NO_COLOR is set (https://no-color.org).
fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The terminal's width, or 80.
fn terminal_width() -> usize {
    terminal_size::terminal_size().map_or(80, |(w, _)| w.0 as usize)
}

fn execute(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run {
            scenario,
            mode,
            clock,
            speed,
            seed,
            format,
            timestamps,
            stats,
            behind,
            panel,
            width,
            events,
            csv,
            timeline,
            order_lanes,
            report,
            warmup,
            replications,
            policy,
        } => {
            if let Some(s) = speed {
                if !(s.is_finite() && s > 0.0) {
                    return Err(Failure::input(format!(
                        "error: --speed must be a positive number, not {s}\n"
                    )));
                }
            }
            let mut sc = load(&scenario)?;
            if let Some(p) = policy {
                sc.kitchen.policy = p.into();
            }
            let spec = RunSpec {
                mode: match mode {
                    ModeArg::Async => Mode::Async,
                    ModeArg::Sync => Mode::Sync,
                },
                clock: match clock {
                    ClockArg::Virtual => ClockKind::Virtual,
                    ClockArg::Real => ClockKind::Real {
                        speed: speed.unwrap_or(sc.speed),
                        behind: match behind {
                            BehindArg::Warn => Behind::Warn,
                            BehindArg::Stop => Behind::Stop,
                        },
                    },
                },
                seed: seed.unwrap_or(sc.seed),
            };
            for warning in capacity::warnings(&sc, spec.mode) {
                say(&format!("{warning}\n"));
            }
            let warmup = match warmup {
                Some(w) if w.is_finite() && w >= 0.0 => sc.unit.to_ticks(w),
                Some(w) => {
                    return Err(Failure::input(format!(
                        "error: --warmup must be a time of at least 0 {}, not {w}\n",
                        sc.unit.name()
                    )));
                }
                None => 0,
            };
            if let Some(r) = replications {
                if r == 0 {
                    return Err(Failure::input("error: --replications must be at least 1\n"));
                }
                if clock == ClockArg::Real && r > 1 {
                    return Err(Failure::input(
                        "error: replications run on the virtual clock: add --clock virtual\n",
                    ));
                }
                let interrupts = Interrupts::install(|| {})?;
                let rep =
                    replicate::replicate_until(&sc, spec.mode, spec.seed, r, warmup, 0, &interrupts.cancel);
                let stopped =
                    interrupts.code().filter(|_| rep.as_ref().is_none_or(|rep| rep.replications < r));
                if let (Some(rep), None) = (&rep, stopped) {
                    nothing_measured(&sc, warmup, &rep.runs)?;
                }
                let text = match (&rep, format) {
                    (None, _) => String::new(),
                    (Some(rep), FormatArg::Text) => {
                        let title = match stopped {
                            Some(_) => {
                                format!("(interrupted: {} of {r} replications finished)\n", rep.replications)
                            }
                            None => String::new(),
                        };
                        title + &rep.render(sc.unit)
                    }
                    (Some(rep), FormatArg::Json) => {
                        serde_json::to_string_pretty(rep).map_err(io::Error::other)? + "\n"
                    }
                };
                Stdout::lock().write_all(text.as_bytes())?;
                return match stopped {
                    Some(code) => Err(Failure::signal(code)),
                    None => Ok(()),
                };
            }
            let interrupts = Interrupts::install(|| {})?;
            let terminal = io::stdout().is_terminal();
            let ran = match format {
                FormatArg::Text => {
                    let live = panel == PanelArg::Always || (panel == PanelArg::Auto && terminal);
                    let width = width.map_or_else(terminal_width, usize::from);
                    let want = Want {
                        narrative: true,
                        timestamps,
                        stats: true,
                        live,
                        width,
                        events,
                        csv,
                        trace: timeline || report.is_some(),
                        order_lanes: order_lanes || report.is_some(),
                        warmup,
                        cancel: interrupts.cancel.clone(),
                        on_first_lag: Some(warn_behind),
                        ..Want::default()
                    };
                    let mut out = Stdout::lock();
                    let ran = run::run(&sc, spec, want, &mut out)?;
                    if let (Some(s), None) = (&ran.stats, ran.stopped) {
                        nothing_measured(&sc, warmup, std::slice::from_ref(s))?;
                    }
                    if let (Some(trace), true) = (&ran.trace, timeline) {
                        let opts = TimelineOptions::new(width, color(terminal));
                        write!(out, "\n{}", timeline::render(trace, &sc, &opts))?;
                    }
                    // Statistics when asked for, and always for an interrupted run.
                    if let (Some(s), true) = (&ran.stats, stats || ran.stopped.is_some()) {
                        let title =
                            if ran.stopped.is_some() { "\n(interrupted: statistics so far)\n" } else { "\n" };
                        write!(out, "{title}{}", s.render(sc.unit))?;
                    }
                    ran
                }
                FormatArg::Json => {
                    let want = Want {
                        report: true,
                        events,
                        csv,
                        stats: report.is_some(),
                        trace: report.is_some(),
                        order_lanes: report.is_some(),
                        warmup,
                        cancel: interrupts.cancel.clone(),
                        on_first_lag: Some(warn_behind),
                        ..Want::default()
                    };
                    let ran = run::run(&sc, spec, want, &mut io::sink())?;
                    if let (Some(s), None) = (ran.report.as_ref().and_then(|r| r.stats.as_ref()), ran.stopped)
                    {
                        nothing_measured(&sc, warmup, std::slice::from_ref(s))?;
                    }
                    let mut text = serde_json::to_string_pretty(ran.report.as_ref().expect("asked for"))
                        .map_err(io::Error::other)?;
                    text.push('\n');
                    Stdout::lock().write_all(text.as_bytes())?;
                    ran
                }
            };
            if let Some(path) = &report {
                let (trace, stats) = (ran.trace.clone(), ran.stats.clone());
                let run = ReportRun {
                    mode: spec.mode,
                    policy: None,
                    trace: trace.expect("asked for"),
                    stats: stats.expect("asked for"),
                };
                write_atomically(path, report::html(&sc, &[run]).as_bytes())?;
            }
            if let Some((lag, at)) = ran.worst_lag {
                say(&format!(
                    "note: the run fell up to {:.3} s behind real time (worst at {:.2} {} of scenario time)\n",
                    lag.as_secs_f64(),
                    sc.unit.from_ticks(at),
                    sc.unit.name()
                ));
            }
            match ran.stopped {
                None => {}
                Some(Stopped::Interrupted) => return Err(Failure::signal(interrupts.code().unwrap_or(130))),
                Some(Stopped::FellBehind { at, lag }) => {
                    return Err(Failure {
                        message: format!(
                            "error: stopped: the kitchen fell {:.3} s behind real time at {:.2} {} of scenario time; lower --speed, or use --behind warn\n",
                            lag.as_secs_f64(),
                            sc.unit.from_ticks(at),
                            sc.unit.name()
                        ),
                        code: 1,
                    });
                }
            }
        }
        Command::Compare { scenario, seed, width, no_timeline, order_lanes, report, policy } => {
            let mut sc = load(&scenario)?;
            let seed = seed.unwrap_or(sc.seed);
            let lanes = order_lanes || report.is_some();
            let policies: Vec<Policy> = policy.into_iter().map(Policy::from).collect();
            let cmp = match policies.as_slice() {
                [] => run::compare(&sc, seed, lanes)?,
                [one] => {
                    sc.kitchen.policy = *one;
                    run::compare(&sc, seed, lanes)?
                }
                several => run::compare_policies(&sc, seed, several, lanes)?,
            };
            let by_policy = cmp.compared == run::Compared::Policies;
            let mut out = format!("{}: {}\n\n", sc.name, sc.summary);
            if !no_timeline {
                let terminal = io::stdout().is_terminal();
                let opts =
                    TimelineOptions::new(width.map_or_else(terminal_width, usize::from), color(terminal));
                let titles: Vec<String> = cmp
                    .sides
                    .iter()
                    .map(|s| match by_policy {
                        true => format!("Asynchronous kitchen, policy {}", s.policy.name()),
                        false => format!("{} kitchen", s.mode.title()),
                    })
                    .collect();
                let charts: Vec<_> = cmp
                    .sides
                    .iter()
                    .zip(&titles)
                    .map(|(s, title)| (&s.trace, Some(title.as_str())))
                    .collect();
                out.push_str(&timeline::render_stacked(&charts, &sc, &opts));
                out.push('\n');
            }
            out.push_str(&cmp.table(&sc));
            Stdout::lock().write_all(out.as_bytes())?;
            if let Some(path) = &report {
                let runs: Vec<ReportRun> = cmp
                    .sides
                    .iter()
                    .map(|s| ReportRun {
                        mode: s.mode,
                        policy: by_policy.then_some(s.policy),
                        trace: s.trace.clone(),
                        stats: s.stats.clone(),
                    })
                    .collect();
                write_atomically(path, report::html(&sc, &runs).as_bytes())?;
            }
        }
        Command::Sweep(args) => sweep(args)?,
        Command::List => {
            let mut out = String::new();
            let width = builtin::BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
            for b in builtin::BUILTINS {
                let sc = b.load().map_err(|e| Failure { message: e.render(), code: 1 })?;
                out.push_str(&format!("{:width$}  {}\n", b.name, sc.summary));
            }
            Stdout::lock().write_all(out.as_bytes())?;
        }
        Command::Show { name } => match builtin::find(&name) {
            Some(b) => Stdout::lock().write_all(b.toml.as_bytes())?,
            None => {
                return Err(load(&name).err().unwrap_or_else(|| {
                    Failure::input(format!("error: `{name}` is not a built-in scenario\n"))
                }));
            }
        },
        Command::Check { file } => {
            let sc = load(&file)?;
            for mode in [Mode::Async, Mode::Sync] {
                for warning in capacity::warnings(&sc, mode) {
                    say(&format!("{warning}\n"));
                }
            }
            let customers = match sc.customer_count() {
                Some(n) => format!("{n} customer{}", if n == 1 { "" } else { "s" }),
                None => "customers until the door closes".to_string(),
            };
            writeln!(
                Stdout::lock(),
                "{}: ok ({} cook{}, {} item{} on the menu, {customers})",
                file,
                sc.kitchen.cooks,
                if sc.kitchen.cooks == 1 { "" } else { "s" },
                sc.menu.items.len(),
                if sc.menu.items.len() == 1 { "" } else { "s" },
            )?;
        }
    }
    Ok(())
}

/// `cafe sweep`'s arguments.
#[derive(Args)]
struct SweepArgs {
    /// A built-in scenario's name or a path to a .toml file.
    scenario: String,
    /// What to vary, repeatable: `cooks=1..6`, `equipment.NAME=1..3` (a range,
    /// both ends included), `arrivals.rate=0.5,1,2` (a list),
    /// `policy=fifo,longest-chain` (dispatch policies).
    #[arg(long = "vary", value_name = "NAME=VALUES")]
    vary: Vec<String>,
    /// Independent replications of every configuration.
    #[arg(long, value_name = "R", default_value_t = 10)]
    replications: u32,
    /// Leave the start of service out of the statistics: T in the scenario's unit.
    #[arg(long, value_name = "T")]
    warmup: Option<f64>,
    /// Base seed of the replications [default: the scenario's].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// What a configuration must achieve with 95% confidence, like
    /// 'p95_time_in_system <= 300' (times in the scenario's unit).
    #[arg(long, value_name = "EXPR")]
    target: Option<String>,
    /// Also write every configuration × statistic (mean, half-width) to FILE.
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,
    /// Also write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// How the kitchen works.
    #[arg(long, value_enum, default_value_t = ModeArg::Async)]
    mode: ModeArg,
    /// Worker threads [default: one per core]; the results do not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// The table as text, or every configuration and the answer as one JSON object.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

/// `cafe sweep`: parse everything first (exit code 2 on a bad argument), then run
/// with a progress bar on a terminal; Ctrl-C keeps what finished (exit code 130).
fn sweep(a: SweepArgs) -> Result<(), Failure> {
    use async_cafe::sweep;

    let sc = load(&a.scenario)?;
    let bad = |m: String| Failure::input(format!("error: {m}\n"));
    if a.replications == 0 {
        return Err(bad("--replications must be at least 1".into()));
    }
    let varies = a
        .vary
        .iter()
        .map(|v| sweep::parse_vary(v, &sc))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    sweep::check_varies(&varies).map_err(|e| bad(e.to_string()))?;
    let metrics = sweep::metrics(&sc, &varies);
    let target = a
        .target
        .as_deref()
        .map(|t| sweep::parse_target(t, &metrics))
        .transpose()
        .map_err(|e| bad(e.to_string()))?;
    if target.is_some() && a.replications < 2 {
        return Err(bad(
            "--target needs at least 2 replications: one run gives no confidence interval".into()
        ));
    }
    let warmup = match a.warmup {
        Some(w) if w.is_finite() && w >= 0.0 => sc.unit.to_ticks(w),
        Some(w) => {
            return Err(bad(format!("--warmup must be a time of at least 0 {}, not {w}", sc.unit.name())));
        }
        None => 0,
    };
    sweep::check_size(&sc, &varies, a.replications).map_err(|e| bad(e.to_string()))?;
    let opts = sweep::Options {
        mode: match a.mode {
            ModeArg::Async => Mode::Async,
            ModeArg::Sync => Mode::Sync,
        },
        seed: a.seed.unwrap_or(sc.seed),
        replications: a.replications,
        warmup,
        threads: a.threads.unwrap_or(0),
    };
    let terminal = io::stderr().is_terminal();
    let interrupts = Interrupts::install(move || {
        let lead = if terminal { "\r\x1b[2K" } else { "" };
        say(&format!("{lead}interrupted: finishing the runs in progress (Ctrl-C again to quit at once)\n"));
    })?;
    let last_draw = std::sync::Mutex::new(None::<std::time::Instant>);
    let progress = |p: sweep::Progress| {
        if !terminal {
            return;
        }
        let Ok(mut last) = last_draw.lock() else { return };
        if p.done < p.total && last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        *last = Some(std::time::Instant::now());
        const BAR: usize = 30;
        let filled = BAR * p.done / p.total.max(1);
        let left = match p.left() {
            Some(l) => format!(", about {} left", duration(l)),
            None => String::new(),
        };
        say(&format!(
            "\r\x1b[2K[{}{}] {}/{} runs, {} elapsed{left}",
            "#".repeat(filled),
            ".".repeat(BAR - filled),
            p.done,
            p.total,
            duration(p.elapsed)
        ));
    };
    let result = sweep::run(&sc, &varies, &opts, &interrupts.cancel, &progress);
    if terminal {
        say("\r\x1b[2K");
    }
    let text = match a.format {
        FormatArg::Text => {
            let mut text = sweep::render_table(&result, target.as_ref());
            let answer = sweep::render_answer(&result, target.as_ref());
            if !answer.is_empty() {
                text.push('\n');
                text.push_str(&answer);
            }
            text
        }
        FormatArg::Json => {
            // The answers name configurations by their varied values.
            let values = |i: Option<usize>| i.map(|i| result.rows[i].values.clone());
            let answers: Vec<serde_json::Value> = target
                .as_ref()
                .map(|t| sweep::answers(&result, t))
                .unwrap_or_default()
                .iter()
                .map(|a| serde_json::json!({ "rate": a.rate, "best": values(a.best), "closest": values(a.closest) }))
                .collect();
            let doc = serde_json::json!({ "target": a.target, "answers": answers, "sweep": &result });
            serde_json::to_string_pretty(&doc).map_err(io::Error::other)? + "\n"
        }
    };
    Stdout::lock().write_all(text.as_bytes())?;
    if let Some(path) = &a.csv {
        write_atomically(path, sweep::csv(&result, target.as_ref()).as_bytes())?;
    }
    if let Some(path) = &a.report {
        write_atomically(path, sweep::html(&result, target.as_ref()).as_bytes())?;
    }
    if result.interrupted {
        return Err(Failure::signal(interrupts.code().unwrap_or(130)));
    }
    Ok(())
}

/// A duration for the progress bar: `42 s`, `3 min 05 s`, `1 h 02 min`.
fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// A warm-up that leaves nothing to measure in a run (or in one of its replications)
/// makes every statistic 0: an error rather than numbers that mean nothing.
fn nothing_measured(
    sc: &Scenario,
    warmup: async_cafe::time::Ticks,
    runs: &[async_cafe::view::stats::Stats],
) -> Result<(), Failure> {
    let empty: Vec<_> = runs.iter().filter(|s| s.measured_nothing()).collect();
    if warmup == 0 || empty.is_empty() {
        return Ok(());
    }
    let (u, name) = (sc.unit, sc.unit.name());
    let w = u.from_ticks(warmup);
    let ended = empty.iter().map(|s| s.total_s).fold(f64::INFINITY, f64::min) / u.seconds();
    let why = if ended <= w {
        format!("the run ended at {ended:.2} {name}")
    } else {
        format!("no customer arrived after it (the run ended at {ended:.2} {name})")
    };
    let why = match (runs.len(), empty.len()) {
        (1, _) => why,
        (n, k) => {
            format!("in {k} of {n} replications, {}", why.replace("the run ended", "the shortest ended"))
        }
    };
    Err(Failure::input(format!(
        "error: the warm-up of {w} {name} leaves nothing to measure: {why}\n  help: give a shorter --warmup, or make the run longer\n"
    )))
}
