//! The command line: clap's definitions, validated as far as clap can (`--width`'s
//! range, every enum), and each enum converted to the library's type once, by
//! `From`.
//!
//! What clap cannot check without the scenario (`--warmup` is in the scenario's
//! unit) or without changing a message the tests pin (`--speed 0`) is checked by the
//! subcommand, before it runs anything; combinations of flags that would leave one
//! without effect are refused by [`crate::flags`], before anything else.

use std::path::PathBuf;

use async_cafe::clock::Behind;
use async_cafe::engine::Mode;
use async_cafe::model::Policy;
use async_cafe::ops::ClockKind;
use async_cafe::plan::Objective;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The whole command line. `--help` shows the `about` below, not this comment: keep
/// it one paragraph, or clap would show the rest as the long help.
#[derive(Parser)]
#[command(
    name = "cafe",
    version,
    about = "A café and kitchen simulator that follows asyncio's event loop exactly"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands; each variant's doc comment is its line in `cafe --help`.
#[derive(Subcommand)]
pub enum Command {
    /// Run a scenario and show what happened.
    Run(RunArgs),
    /// Run both kitchens on the virtual clock and compare their totals.
    Compare(CompareArgs),
    /// Run a scenario over a grid of kitchens (cooks, equipment, arrival rate) and
    /// find the cheapest one that meets a target (see docs/sweep.md).
    Sweep(SweepArgs),
    /// List the built-in scenarios.
    List,
    /// Print a built-in scenario's TOML, to copy and edit (--to DIR: write it with
    /// the files it refers to; --python: the asyncio program it behaves like).
    Show(ShowArgs),
    /// Check a scenario file and report every problem.
    Check(CheckArgs),
    /// Start Café Studio: the kitchen in the browser (edit, run, watch, sweep,
    /// history), on 127.0.0.1 until Ctrl-C (see docs/studio.md).
    Studio(StudioArgs),
    /// Plan the day: the best order of work for known customers, with a lower
    /// bound or a proof, beside asyncio's FIFO and the other policies (see
    /// docs/plan.md).
    Plan(PlanArgs),
}

/// `cafe run`.
#[derive(Args)]
pub struct RunArgs {
    /// A built-in scenario's name (see `cafe list`) or a path to a .toml file.
    pub scenario: String,
    /// How the kitchen works.
    #[arg(long, value_enum, default_value_t = ModeArg::Async)]
    pub mode: ModeArg,
    /// Real time (watch it happen) or virtual time (instant, deterministic)
    /// [default: real; virtual with --replications].
    #[arg(long, value_enum)]
    pub clock: Option<ClockArg>,
    /// Real-clock speed: seconds of scenario time per second [default: the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "X")]
    pub speed: Option<f64>,
    /// Seed for random draws [default: the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>)]
    pub seed: Option<u64>,
    /// Narrative text, or one JSON object.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Stamp each narrative line with its scenario time.
    #[arg(long)]
    pub timestamps: bool,
    /// Show the event loop itself instead of the narrative: each pass, the timers
    /// it moves to the ready queue, the handles it runs in order (with the
    /// narrative's lines), hands-on steps holding the loop, machines' lines
    /// (asynchronous kitchen; with --format json, one JSON object of the passes).
    #[arg(long = "loop")]
    pub event_loop: bool,
    /// After the narrative, print statistics: waits, time in system, cooks'
    /// and equipment's use (the JSON report always has them).
    #[arg(long)]
    pub stats: bool,
    /// After the narrative, say why the orders took longer than their recipes:
    /// the three that took longest above their longest chain of steps, and what
    /// they waited for (a cook, equipment, the loop, the door).
    #[arg(long)]
    pub why: bool,
    /// Real clock: what to do when the engine cannot keep up with the speed
    /// [default: warn].
    #[arg(long, value_enum)]
    pub behind: Option<BehindArg>,
    /// Real clock, text: a live panel of cooks, machines and waiting orders under
    /// the narrative (auto: when stdout is a terminal).
    #[arg(long, value_enum, default_value_t = PanelArg::Auto)]
    pub panel: PanelArg,
    /// Width of the panel and the timeline, 20 to 1000 [default: the terminal's,
    /// or 80]; --why's sentences and the warnings are wrapped to it [default:
    /// $COLUMNS, else the terminal's; none when piped].
    #[arg(long, allow_negative_numbers = true, value_name = "COLUMNS", value_parser = width())]
    pub width: Option<u16>,
    /// Also write every engine event, one JSON object per line, to FILE.
    #[arg(long, value_name = "FILE.jsonl")]
    pub events: Option<PathBuf>,
    /// Also write orders.csv, steps.csv and events.csv into DIR.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// After the narrative, draw the timeline: a lane per cook and per unit of
    /// equipment (colour on a terminal unless NO_COLOR is set).
    #[arg(long)]
    pub timeline: bool,
    /// With --timeline: a lane per order too (the report of --report always has
    /// them).
    #[arg(long)]
    pub order_lanes: bool,
    /// Also write a self-contained HTML report (timeline, statistics, charts).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Leave the start of service out of the statistics (of --stats, --format
    /// json, --report or --replications): T in the scenario's unit.
    #[arg(long, allow_negative_numbers = true, value_name = "T")]
    pub warmup: Option<f64>,
    /// Run R independent replications (on the virtual clock, seeds derived from
    /// --seed) and print every statistic with its 95% confidence interval.
    #[arg(long, allow_negative_numbers = true, value_name = "R")]
    pub replications: Option<u32>,
    /// Asynchronous kitchen: which ready work the cooks run first [default: the
    /// scenario's, or fifo].
    #[arg(long, value_enum)]
    pub policy: Option<PolicyArg>,
    /// Asynchronous kitchen: follow a plan written by `cafe plan --format json`
    /// (its seed, its order of work, its start times).
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
}

impl RunArgs {
    /// The clock asked for, or the default: the real clock for one run, the virtual
    /// clock for replications (the only one they run on).
    pub fn clock(&self) -> ClockArg {
        match (self.clock, self.replications) {
            (Some(clock), _) => clock,
            (None, Some(_)) => ClockArg::Virtual,
            (None, None) => ClockArg::Real,
        }
    }
}

/// `cafe compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// A built-in scenario's name or a path to a .toml file.
    pub scenario: String,
    /// Seed for random draws [default: the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>)]
    pub seed: Option<u64>,
    /// Width of the timelines, 20 to 1000 [default: the terminal's, or 80]; the
    /// summary, the reasons and the warnings are wrapped to it [default: $COLUMNS,
    /// else the terminal's; none when piped].
    #[arg(long, allow_negative_numbers = true, value_name = "COLUMNS", value_parser = width())]
    pub width: Option<u16>,
    /// Leave the timelines out: just the table.
    #[arg(long)]
    pub no_timeline: bool,
    /// A lane per order in the timelines.
    #[arg(long)]
    pub order_lanes: bool,
    /// Also write a self-contained HTML report of both kitchens.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Dispatch policies of the asynchronous kitchen. One: compare the two
    /// kitchens under it. Several (comma-separated): compare the asynchronous
    /// kitchen under each, side by side.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "POLICY,...")]
    pub policy: Vec<PolicyArg>,
}

/// `cafe plan`.
#[derive(Args)]
pub struct PlanArgs {
    /// A built-in scenario's name or a path to a .toml file.
    pub scenario: String,
    /// What to minimise.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Makespan)]
    pub objective: ObjectiveArg,
    /// How long the solver may search, in seconds (more than 0).
    #[arg(long, allow_negative_numbers = true, value_name = "SECS", default_value_t = 5.0)]
    pub time_limit: f64,
    /// Seed of the day's draws: required when customers are generated [default:
    /// the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>)]
    pub seed: Option<u64>,
    /// The plan as text (timelines, advice, table), or as one JSON object (the
    /// plan itself, which `cafe run --plan` replays).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Width of the timelines, 20 to 1000 [default: the terminal's, or 80].
    #[arg(long, allow_negative_numbers = true, value_name = "COLUMNS", value_parser = width())]
    pub width: Option<u16>,
    /// Leave the timelines out: the advice and the table.
    #[arg(long)]
    pub no_timeline: bool,
    /// Also write a self-contained HTML report: asyncio under each policy, and the
    /// engine following the plan.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
}

/// What a plan minimises: [`Objective`].
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum ObjectiveArg {
    /// When the last order is served.
    Makespan,
    /// The sum of every customer's time in the café.
    TotalTime,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Makespan => Objective::Makespan,
            ObjectiveArg::TotalTime => Objective::TotalTime,
        }
    }
}

/// `cafe sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// A built-in scenario's name or a path to a .toml file.
    pub scenario: String,
    /// What to vary, repeatable: `cooks=1..6`, `equipment.NAME=1..3` (a range,
    /// both ends included), `arrivals.rate=0.5,1,2` (a list),
    /// `policy=fifo,longest-chain` (dispatch policies).
    #[arg(long = "vary", value_name = "NAME=VALUES")]
    pub vary: Vec<String>,
    /// Independent replications of every configuration.
    #[arg(long, allow_negative_numbers = true, value_name = "R", default_value_t = 10)]
    pub replications: u32,
    /// Leave the start of service out of the statistics: T in the scenario's unit.
    #[arg(long, allow_negative_numbers = true, value_name = "T")]
    pub warmup: Option<f64>,
    /// Base seed of the replications [default: the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "N", value_parser = whole::<u64>)]
    pub seed: Option<u64>,
    /// What a configuration must achieve with 95% confidence, like
    /// 'p95_time_in_system <= 300' (times in the scenario's unit); repeatable, and
    /// every target is required.
    #[arg(long, value_name = "EXPR")]
    pub target: Vec<String>,
    /// Also write every configuration × statistic (mean, half-width) to FILE.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Also write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// How the kitchen works.
    #[arg(long, value_enum, default_value_t = ModeArg::Async)]
    pub mode: ModeArg,
    /// Worker threads, 0 for one per core; the results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 0, value_parser = whole::<usize>)]
    pub threads: usize,
    /// The table as text, or every configuration and the answer as one JSON object.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Keep the text table within this many columns, leaving out the least wanted
    /// statistics [default: $COLUMNS, else the terminal's width; none when piped].
    #[arg(long, allow_negative_numbers = true, value_name = "COLUMNS", value_parser = width())]
    pub width: Option<u16>,
}

/// `cafe show`.
#[derive(Args)]
pub struct ShowArgs {
    /// The built-in's name (with --python, a .toml file too).
    pub name: String,
    /// Write the scenario to DIR/NAME.toml, with the files it refers to (a day it
    /// replays) beside it, instead of printing it; DIR is created if needed.
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    /// With --to: replace files that are already there.
    #[arg(long, requires = "to")]
    pub force: bool,
    /// Print instead the asyncio program the scenario behaves like (NAME may then
    /// be a .toml file too): `python3 PROGRAM.py` prints its narrative in real time,
    /// `--virtual` at once.
    #[arg(long, conflicts_with = "to")]
    pub python: bool,
    /// With --python: the program of this kitchen.
    #[arg(long, value_enum, default_value_t = ModeArg::Async, requires = "python")]
    pub mode: ModeArg,
    /// With --python: the seed its customers are drawn with [default: the scenario's].
    #[arg(long, allow_negative_numbers = true, value_name = "N", requires = "python", value_parser = whole::<u64>)]
    pub seed: Option<u64>,
}

/// `cafe check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Path to a .toml file (or a built-in's name).
    pub file: String,
}

/// `cafe studio`.
#[derive(Args)]
pub struct StudioArgs {
    /// The port to listen on (0: any free port).
    #[arg(long, allow_negative_numbers = true, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on; anything but a loopback address lets other
    /// machines run scenarios here (a warning says so).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub host: std::net::IpAddr,
    /// Open the page in the browser once the studio listens.
    #[arg(long)]
    pub open: bool,
    /// The history's SQLite file, held by one studio at a time [default:
    /// $XDG_DATA_HOME/async-cafe/studio.sqlite3].
    #[arg(long, value_name = "PATH")]
    pub db: Option<std::path::PathBuf>,
}

/// The dispatch policies (see docs/scenario-format.md, `policy`).
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum PolicyArg {
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

/// How the kitchen works: [`Mode`].
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum ModeArg {
    Async,
    Sync,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Async => Mode::Async,
            ModeArg::Sync => Mode::Sync,
        }
    }
}

/// Which clock paces a run: [`ClockKind`], once the real clock's speed is known.
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum ClockArg {
    Real,
    Virtual,
}

impl ClockArg {
    /// The library's clock; a real one plays at `speed` and does `behind` when it
    /// falls behind.
    pub fn kind(self, speed: f64, behind: impl Into<Behind>) -> ClockKind {
        match self {
            ClockArg::Virtual => ClockKind::Virtual,
            ClockArg::Real => ClockKind::Real { speed, behind: behind.into() },
        }
    }
}

/// What a real run does when it falls behind: [`Behind`].
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum BehindArg {
    /// Say so on stderr and go on.
    Warn,
    /// Stop the run (exit code 1).
    Stop,
}

impl From<BehindArg> for Behind {
    fn from(b: BehindArg) -> Behind {
        match b {
            BehindArg::Warn => Behind::Warn,
            BehindArg::Stop => Behind::Stop,
        }
    }
}

/// When to draw the live panel.
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum PanelArg {
    Auto,
    Always,
    Never,
}

impl PanelArg {
    /// Whether to draw it, `terminal` telling whether stdout is a terminal.
    pub fn shown(self, terminal: bool) -> bool {
        match self {
            PanelArg::Auto => terminal,
            PanelArg::Always => true,
            PanelArg::Never => false,
        }
    }
}

/// What a command prints on stdout.
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

/// `--width`: absurd widths are usage errors.
fn width() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(20..=1000)
}

/// A whole number of type `T` (a seed, threads): one out of its range, a negative
/// one too, is said with the range, as clap says it of the others (`-1 is not in
/// 0..=18446744073709551615`).
fn whole<T: Unsigned>(s: &str) -> Result<T, String> {
    let range = || format!("{s} is not in 0..={}", T::MAX);
    match s.trim().parse::<i128>() {
        Ok(n) => u128::try_from(n).ok().and_then(|n| T::try_from(n).ok()).ok_or_else(range),
        Err(_) => Err(format!("{s} is not a whole number")),
    }
}

/// An unsigned type, with its largest value.
trait Unsigned: TryFrom<u128> {
    const MAX: u128;
}

impl Unsigned for u64 {
    const MAX: u128 = u64::MAX as u128;
}

impl Unsigned for usize {
    const MAX: u128 = usize::MAX as u128;
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_enum_converts_to_the_library_type() {
        assert_eq!(Mode::from(ModeArg::Sync), Mode::Sync);
        assert_eq!(Behind::from(BehindArg::Stop), Behind::Stop);
        assert_eq!(ClockArg::Virtual.kind(2.0, BehindArg::Stop), ClockKind::Virtual);
        assert_eq!(
            ClockArg::Real.kind(2.0, BehindArg::Stop),
            ClockKind::Real { speed: 2.0, behind: Behind::Stop }
        );
        assert_eq!(Policy::from(PolicyArg::LongestChain), Policy::LongestChain);
        assert_eq!(Objective::from(ObjectiveArg::TotalTime), Objective::TotalTime);
        assert!(PanelArg::Auto.shown(true) && !PanelArg::Auto.shown(false));
        assert!(PanelArg::Always.shown(false) && !PanelArg::Never.shown(true));
    }

    #[test]
    fn widths_out_of_range_are_rejected_by_clap() {
        for w in ["19", "1001", "wide"] {
            let e = Cli::try_parse_from(["cafe", "run", "cafe", "--width", w]).err().expect(w);
            assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation, "{w}");
        }
        assert!(Cli::try_parse_from(["cafe", "compare", "cafe", "--width", "1000"]).is_ok());
    }
}
