//! Every call into the library, in one place: the rest of the crate only converts
//! between Python and the plain values this module takes and returns. Nothing here
//! decides what a run, a comparison, a replication or a sweep means: each is the
//! library's operation (`async_cafe::ops`), called with checked arguments, and
//! every message is the library's or the command's own words.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_cafe::builtin;
use async_cafe::clock::{self, Behind, Cancel, Stopped};
use async_cafe::model::{Mode, Policy, Scenario};
use async_cafe::ops::{self, ClockKind, Comparison, RunSpec, SweepRun, Want};
use async_cafe::plan::{Objective, PlanOptions};
use async_cafe::replicate::Replicated;
use async_cafe::scenario::{self, ScenarioError};
use async_cafe::sweep::{self, Sweep, Target, Vary};
use async_cafe::time::{self, Ticks};
use async_cafe::view::columns::{OwnedColumn, TableSet, Tables};
use async_cafe::view::html_report::{self as report, ReportRun};
use async_cafe::view::json::JsonReport as Report;
use async_cafe::view::stats::{NothingMeasured, Stats};
use async_cafe::view::timeline::{self, TimelineOptions};
use async_cafe::view::trace::Trace;

/// Why an operation failed, in the words the command uses.
#[derive(Debug)]
pub enum Fail {
    /// A scenario with problems: the rendered report, and each problem located.
    Scenario {
        /// Exactly what `cafe check` prints.
        text: String,
        /// Each problem with its place: the first 1,000 in file order when there
        /// are more.
        problems: Vec<ProblemAt>,
        /// How many problems there are, listed or not.
        count: usize,
    },
    /// A bad argument (`ValueError`).
    Value(String),
    /// A run whose clock would pass the longest time a run can count.
    Overran(String),
    /// A failed read or write (an export's temporary files).
    Io(String),
}

/// One problem of a scenario, located by line and column (1-based, in characters).
pub type ProblemAt = async_cafe::scenario::LocatedProblem;

impl From<ScenarioError> for Fail {
    fn from(e: ScenarioError) -> Fail {
        let problems = e.located();
        Fail::Scenario { text: e.render(), problems, count: e.count() }
    }
}

/// `None`: cancelled before there was anything to return.
fn from_ops<T>(r: Result<T, ops::Error>) -> Result<Option<T>, Fail> {
    match r {
        Ok(x) => Ok(Some(x)),
        Err(ops::Error::Cancelled) => Ok(None),
        Err(ops::Error::Overran(o)) => Err(Fail::Overran(o.message)),
        Err(e @ (ops::Error::Refused(_) | ops::Error::Invalid(_) | ops::Error::TooManyCustomers(_))) => {
            Err(Fail::Value(e.to_string()))
        }
        Err(e) => Err(Fail::Io(e.to_string())),
    }
}

impl From<std::io::Error> for Fail {
    fn from(e: std::io::Error) -> Fail {
        match e.get_ref().and_then(|inner| inner.downcast_ref::<ops::RunOverran>()) {
            Some(overran) => Fail::Overran(overran.message.clone()),
            None => Fail::Io(e.to_string()),
        }
    }
}

/// `name: summary` of every built-in, in `cafe list`'s order.
pub fn builtins() -> Vec<(String, String)> {
    builtin::BUILTINS
        .iter()
        .map(|b| {
            let summary = b.load().map(|s| s.summary).unwrap_or_default();
            (b.name.to_string(), summary)
        })
        .collect()
}

/// (name as the scenario gives it, display name, contents) of each file a scenario read.
pub type Files = Vec<(String, String, String)>;

/// Where a scenario's text came from: what a worker process needs to load it again.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A built-in, by name.
    Builtin(String),
    /// TOML text, and the files it refers to (a replayed day) as they were read.
    Text {
        /// The scenario's default name (a file's stem).
        name: String,
        /// How messages refer to it (a path, or `<string>`).
        display: String,
        /// The TOML as given.
        text: String,
        /// (name as the scenario gives it, display name, contents) of each file read.
        files: Files,
    },
}

/// A loaded scenario, with where it came from and the changes made to it since
/// (`--vary`-style `NAME=VALUE`, applied in order with the sweep's own `apply`).
#[derive(Clone, Debug)]
pub struct Sc {
    origin: Origin,
    edits: Vec<String>,
    model: Arc<Scenario>,
}

fn load_text(
    name: &str,
    display: &str,
    text: &str,
    files: &[(String, String, String)],
) -> Result<Scenario, Fail> {
    let resolve = |wanted: &str| {
        files
            .iter()
            .find(|(n, _, _)| n == wanted)
            .map(|(_, d, t)| scenario::FoundFile { display: d.clone(), text: t.clone() })
            .ok_or_else(|| format!("cannot read {wanted}: not shipped with the scenario"))
    };
    Ok(scenario::Source::new(name, text).display(display).resolver(&resolve).load()?)
}

/// Loads `text`, reading the files it refers to from `dir`, and records them.
fn load_recording(name: &str, display: &str, text: &str, dir: &Path) -> Result<(Scenario, Files), Fail> {
    let read = std::cell::RefCell::new(Vec::new());
    let resolve = |wanted: &str| {
        let p = dir.join(wanted);
        let bytes = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let contents = String::from_utf8_lossy(&bytes).into_owned();
        let display = p.display().to_string();
        read.borrow_mut().push((wanted.to_string(), display.clone(), contents.clone()));
        Ok(scenario::FoundFile { display, text: contents })
    };
    let sc = scenario::Source::new(name, text).display(display).resolver(&resolve).load()?;
    Ok((sc, read.into_inner()))
}

impl Sc {
    /// A built-in by name; an unknown name is an error with the command's help.
    pub fn builtin(name: &str) -> Result<Sc, Fail> {
        let b = builtin::find(name).ok_or_else(|| {
            let close: Vec<String> = builtin::suggestions(name).iter().map(|c| format!("`{c}`")).collect();
            let help = if close.is_empty() {
                "see async_cafe.builtins(), or load a .toml file with Scenario.load(path)".to_string()
            } else {
                format!("did you mean {}? See async_cafe.builtins() for them all", close.join(", "))
            };
            Fail::Value(format!("no built-in scenario is called `{name}`\n  help: {help}"))
        })?;
        let model = b.load()?;
        Ok(Sc { origin: Origin::Builtin(name.to_string()), edits: Vec::new(), model: Arc::new(model) })
    }

    /// A scenario file, with the command's messages for a file that cannot be read.
    pub fn load(path: &Path) -> Result<Sc, Fail> {
        let model = scenario::load_file(path)?;
        // It loaded, so it is UTF-8: keep its text and the files it read, so that
        // the scenario can be sent to another process.
        let text = std::fs::read_to_string(path).map_err(|e| Fail::Io(format!("{}: {e}", path.display())))?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let display = path.display().to_string();
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let (_, files) = load_recording(&name, &display, &text, &dir)?;
        Ok(Sc {
            origin: Origin::Text { name, display, text, files },
            edits: Vec::new(),
            model: Arc::new(model),
        })
    }

    /// A scenario from TOML text; files it refers to are read from `dir`.
    pub fn from_toml(text: &str, name: &str, display: &str, dir: &Path) -> Result<Sc, Fail> {
        let (model, files) = load_recording(name, display, text, dir)?;
        let origin = Origin::Text {
            name: name.to_string(),
            display: display.to_string(),
            text: text.to_string(),
            files,
        };
        Ok(Sc { origin, edits: Vec::new(), model: Arc::new(model) })
    }

    /// Where it came from and its changes: enough to load it again elsewhere.
    pub fn state(&self) -> (Origin, Vec<String>) {
        (self.origin.clone(), self.edits.clone())
    }

    /// The scenario [`Sc::state`] described.
    pub fn from_state(origin: Origin, edits: Vec<String>) -> Result<Sc, Fail> {
        let mut sc = match &origin {
            Origin::Builtin(name) => Sc::builtin(name)?,
            Origin::Text { name, display, text, files } => {
                let model = load_text(name, display, text, files)?;
                Sc { origin: origin.clone(), edits: Vec::new(), model: Arc::new(model) }
            }
        };
        for e in &edits {
            sc = sc.edit(e)?;
        }
        Ok(sc)
    }

    /// The scenario with `spec` (`cooks=3`, `equipment.oven=2`, `arrivals.rate=1.5`,
    /// `policy=longest-chain`) applied as a sweep applies it; errors in `--vary`'s words.
    pub fn edit(&self, spec: &str) -> Result<Sc, Fail> {
        let (model, written) = sweep::set_one(&self.model, spec).map_err(|e| Fail::Value(e.to_string()))?;
        let mut edits = self.edits.clone();
        edits.push(written);
        Ok(Sc { origin: self.origin.clone(), edits, model: Arc::new(model) })
    }

    /// The scenario as TOML: its text, with the changes made since written in.
    pub fn to_toml(&self) -> Result<String, Fail> {
        let text = match &self.origin {
            Origin::Builtin(name) => builtin::find(name).map(|b| b.toml).unwrap_or_default(),
            Origin::Text { text, .. } => text.as_str(),
        };
        scenario::edit::apply_edits(text, &self.edits).map_err(|e| Fail::Value(e.to_string()))
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.model.name
    }
    /// Its one-line summary.
    pub fn summary(&self) -> &str {
        &self.model.summary
    }
    /// Its time unit: `s`, `min`, ...
    pub fn unit(&self) -> &'static str {
        self.model.unit.name()
    }
    /// Seconds in one unit.
    pub fn unit_seconds(&self) -> f64 {
        self.model.unit.seconds()
    }
    /// Its real-clock speed.
    pub fn speed(&self) -> f64 {
        self.model.speed
    }
    /// Its seed.
    pub fn seed(&self) -> u64 {
        self.model.seed
    }
    /// Its cooks.
    pub fn cooks(&self) -> u16 {
        self.model.kitchen.cooks
    }
    /// What one cook costs.
    pub fn cook_cost(&self) -> f64 {
        self.model.kitchen.cook_cost
    }
    /// (name, capacity, cost) of each piece of equipment.
    pub fn equipment(&self) -> Vec<(String, u32, f64)> {
        self.model.kitchen.equipment.iter().map(|e| (e.name.clone(), e.capacity, e.cost)).collect()
    }
    /// The dispatch policy's name.
    pub fn policy(&self) -> &'static str {
        self.model.kitchen.policy.name()
    }
    /// How many customers come, when known.
    pub fn customers(&self) -> Option<u64> {
        self.model.customer_count()
    }
    /// The scenario's changes so far, as `NAME=VALUE`.
    pub fn edits(&self) -> &[String] {
        &self.edits
    }
}

/// `async` or `sync`.
pub fn parse_mode(mode: &str) -> Result<Mode, Fail> {
    match mode {
        "async" => Ok(Mode::Async),
        "sync" => Ok(Mode::Sync),
        other => Err(Fail::Value(format!("mode must be 'async' or 'sync', not {other:?}"))),
    }
}

fn parse_policy(name: &str) -> Result<Policy, Fail> {
    Policy::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
        Fail::Value(format!("unknown policy `{name}`: the policies are {}", names.join(", ")))
    })
}

/// `Scenario.plan`: the planner's plan of the day, as the JSON `cafe plan --format
/// json` prints (the library's `plan::Plan`).
pub fn plan_day(
    sc: &Sc,
    objective: &str,
    time_limit: f64,
    seed: Option<u64>,
    cancel: &Cancel,
) -> Result<String, Fail> {
    let objective = Objective::from_name(objective).ok_or_else(|| {
        let names: Vec<&str> = Objective::ALL.iter().map(|o| o.name()).collect();
        Fail::Value(format!("unknown objective `{objective}`: the objectives are {}", names.join(", ")))
    })?;
    if !(time_limit > 0.0 && time_limit <= 86_400.0) {
        return Err(Fail::Value(format!(
            "time_limit {time_limit}: give the solver more than 0 and at most 86400 seconds"
        )));
    }
    let time_limit = Duration::from_secs_f64(time_limit);
    let opts = PlanOptions { objective, time_limit, seed, cancel: cancel.clone() };
    let plan = async_cafe::plan::solve(&sc.model, &opts).map_err(|e| Fail::Value(e.to_string()))?;
    Ok(serde_json::to_string(&plan).expect("a plan serialises"))
}

fn warmup_ticks(sc: &Scenario, warmup: Option<f64>) -> Result<Ticks, Fail> {
    match warmup {
        Some(w) => time::time_arg("warmup", sc.unit, w).map_err(Fail::Value),
        None => Ok(0),
    }
}

/// A warm-up that leaves nothing to measure in `runs` is an error, as in the command.
fn check_measured(sc: &Scenario, warmup: Ticks, runs: &[Stats]) -> Result<(), Fail> {
    match NothingMeasured::of(sc, time::duration(warmup), runs) {
        Some(n) => Err(Fail::Value(format!(
            "the warm-up of {} {} leaves nothing to measure: {}\n  help: give a shorter warmup, or make the run longer",
            n.warmup,
            n.unit,
            n.why()
        ))),
        None => Ok(()),
    }
}

/// What `Scenario.run` was asked, checked.
pub struct RunArgs<'a> {
    /// `async` or `sync`.
    pub mode: &'a str,
    /// The seed; the scenario's when `None`.
    pub seed: Option<u64>,
    /// `virtual` or `real`.
    pub clock: &'a str,
    /// Real-clock speed; the scenario's when `None`.
    pub speed: Option<f64>,
    /// A dispatch policy instead of the scenario's.
    pub policy: Option<&'a str>,
    /// Warm-up, in the scenario's unit.
    pub warmup: Option<f64>,
    /// Real clock: stop (rather than warn) when the run falls behind.
    pub behind_stop: bool,
}

/// A run ready to start: everything checked.
pub struct Prepared {
    sc: Arc<Scenario>,
    spec: RunSpec,
    warmup: Ticks,
}

/// Checks `args` against `sc`.
pub fn prepare_run(sc: &Sc, args: &RunArgs<'_>) -> Result<Prepared, Fail> {
    let mode = parse_mode(args.mode)?;
    let mut model = (*sc.model).clone();
    if let Some(p) = args.policy {
        model.kitchen.policy = parse_policy(p)?;
    }
    if let Some(s) = args.speed {
        clock::check_speed("speed", s).map_err(Fail::Value)?;
    }
    let clock = match args.clock {
        "virtual" => ClockKind::Virtual,
        "real" => ClockKind::Real {
            speed: args.speed.unwrap_or(model.speed),
            behind: if args.behind_stop { Behind::Stop } else { Behind::Warn },
        },
        other => return Err(Fail::Value(format!("clock must be 'virtual' or 'real', not {other:?}"))),
    };
    let warmup = warmup_ticks(&model, args.warmup)?;
    let spec = RunSpec { mode, clock, seed: args.seed.unwrap_or(model.seed) };
    Ok(Prepared { sc: Arc::new(model), spec, warmup })
}

/// Capacity warnings for a run (what the command prints on stderr first).
pub fn warnings(p: &Prepared) -> Vec<String> {
    async_cafe::capacity::warnings(&p.sc, p.spec.mode)
}

/// A finished (or stopped) run and what it recorded.
pub struct RunOut {
    sc: Arc<Scenario>,
    spec: RunSpec,
    warmup: Ticks,
    /// The time of the last event, in seconds.
    makespan_s: f64,
    served: u64,
    finished: bool,
    /// The time of the last event (ticks).
    end: Ticks,
    stopped: Option<Stopped>,
    worst_lag: Option<(Duration, Ticks)>,
    stats: Stats,
    /// Real clock: the JSON report (the narrative with its times), the trace and
    /// why the orders took longer than their recipes, kept as the run went; the
    /// tables (as columns) when asked for.
    report: Option<Report>,
    trace: Option<Trace>,
    why: Option<Vec<String>>,
    tables: std::sync::Mutex<Option<Tables>>,
}

/// Table `i` of `t` as columns, if it is there (it is then no longer).
fn take_table(t: &mut Tables, i: usize) -> Option<Vec<(String, OwnedColumn)>> {
    match i {
        0 => t.orders.take().map(|t| t.into_columns()),
        1 => t.steps.take().map(|t| t.into_columns()),
        _ => t.events.take().map(|t| t.into_columns()),
    }
}

/// Runs `p` (on the calling thread, which may be any), stopped by `cancel`. On the
/// real clock the narrative and the trace are kept as the run goes; on the virtual
/// clock only the statistics are, and the rest is made again when asked for, by the
/// same run (same scenario, mode and seed). The tables `record` (by default all
/// three on the real clock, none on the virtual) are kept as the run goes.
/// With `echo`, the narrative is written to `out` line by line as it happens.
pub fn run(
    p: &Prepared,
    cancel: &Cancel,
    record: Option<TableSet>,
    echo: Option<&mut dyn std::io::Write>,
) -> Result<RunOut, Fail> {
    let real = matches!(p.spec.clock, ClockKind::Real { .. });
    let want = Want {
        narrative: echo.is_some(),
        stats: true,
        report: real,
        trace: real,
        order_lanes: real,
        why: real,
        tables: record.or(real.then_some(TableSet::ALL)).filter(|t| *t != TableSet::default()),
        warmup: time::duration(p.warmup),
        cancel: cancel.clone(),
        ..Want::default()
    };
    let mut sink = std::io::sink();
    let ran = ops::run(&p.sc, p.spec, want, echo.unwrap_or(&mut sink))?;
    let stats = ran.stats.expect("asked for");
    if ran.stopped.is_none() {
        check_measured(&p.sc, p.warmup, std::slice::from_ref(&stats))?;
    }
    // A run stopped early (Ctrl-C, or fell behind) ends where its last event
    // happened: the engine's end is then the time it was moving to, of an event that
    // never happened (the real clock stops while it waits for it). The statistics
    // run from the start of service (time 0) to the last event.
    let makespan_s = if ran.outcome.finished { time::seconds(ran.outcome.end) } else { stats.total_s };
    Ok(RunOut {
        sc: Arc::clone(&p.sc),
        spec: p.spec,
        warmup: p.warmup,
        makespan_s,
        served: ran.outcome.served,
        finished: ran.outcome.finished,
        end: ran.outcome.end,
        stopped: ran.stopped,
        worst_lag: ran.worst_lag,
        stats,
        report: ran.report,
        trace: ran.trace,
        why: ran.why,
        tables: std::sync::Mutex::new(ran.tables),
    })
}

impl RunOut {
    fn is_real(&self) -> bool {
        matches!(self.spec.clock, ClockKind::Real { .. })
    }

    /// Why this run, stopped early on the virtual clock, has no `what` (its
    /// narrative, timeline or report) and what would have kept it: `record=` keeps
    /// tables only, and the real clock keeps everything as it goes.
    fn not_made(&self, what: &str) -> Fail {
        let echo = if what == "narrative" { "; echo=True prints each line as it happens" } else { "" };
        Fail::Value(format!(
            "this run on the virtual clock was stopped before its end, so its {what} cannot be made: \
             a virtual run makes it by running again to its end, and record= keeps only the tables. \
             To have it, run on the real clock (clock=\"real\", at any speed= up to 1,000,000), \
             which keeps the narrative, timeline and report as it goes, or let the run end (a scenario \
             with a smaller until or fewer customers){echo}"
        ))
    }

    /// The statistics, as the JSON report has them.
    pub fn stats_json(&self) -> String {
        serde_json::to_string(&self.stats).unwrap_or_default()
    }
    /// The statistics as `cafe run --stats` prints them.
    pub fn stats_text(&self) -> String {
        self.stats.render(self.sc.unit)
    }
    /// `async` or `sync`.
    pub fn mode(&self) -> &'static str {
        self.spec.mode.name()
    }
    /// `virtual` or `real`.
    pub fn clock(&self) -> &'static str {
        self.spec.clock.pacing().name()
    }
    /// The seed it ran with.
    pub fn seed(&self) -> u64 {
        self.spec.seed
    }
    /// The scenario's name.
    pub fn scenario(&self) -> &str {
        &self.sc.name
    }
    /// Its unit's name and seconds.
    pub fn unit(&self) -> (&'static str, f64) {
        (self.sc.unit.name(), self.sc.unit.seconds())
    }
    /// The time of its last event, in seconds.
    pub fn makespan_s(&self) -> f64 {
        self.makespan_s
    }
    /// Orders served.
    pub fn served(&self) -> u64 {
        self.served
    }
    /// Whether it ran to its end.
    pub fn finished(&self) -> bool {
        self.finished
    }
    /// Why it stopped early: `interrupted` or `fell behind`.
    pub fn stopped(&self) -> Option<&'static str> {
        self.stopped.map(|s| match s {
            Stopped::Interrupted => "interrupted",
            Stopped::FellBehind { .. } => "fell behind",
        })
    }
    /// The note the command prints when a real run fell behind.
    pub fn lag_note(&self) -> Option<String> {
        self.worst_lag.map(|(lag, at)| {
            format!(
                "the run fell up to {:.3} s behind real time (worst at {:.2} {} of scenario time)",
                lag.as_secs_f64(),
                self.sc.unit.from_ticks(at),
                self.sc.unit.name()
            )
        })
    }

    /// The narrative: (seconds, line) pairs.
    pub fn narrative(&self) -> Result<Vec<(f64, String)>, Fail> {
        if let Some(r) = &self.report {
            return Ok(r.narrative.iter().map(|l| (l.t_s, l.line.clone())).collect());
        }
        if !self.finished {
            return Err(self.not_made("narrative"));
        }
        let lines = ops::narrative_lines(&self.sc, self.spec.mode, self.spec.seed);
        Ok(lines.into_iter().map(|(t, l)| (time::seconds(t), l)).collect())
    }

    /// The trace (with order lanes) and statistics a timeline and a report (`what`)
    /// draw, and (if `why`) why the orders took longer than their recipes: kept as
    /// the run went, or made again by one run on the virtual clock.
    fn drawn(&self, what: &str, why: bool) -> Result<(Trace, Stats, Vec<String>), Fail> {
        if let Some(t) = &self.trace {
            return Ok((t.clone(), self.stats.clone(), self.why.clone().unwrap_or_default()));
        }
        if !self.finished {
            return Err(self.not_made(what));
        }
        let spec = RunSpec { clock: ClockKind::Virtual, ..self.spec };
        let want = Want {
            trace: true,
            order_lanes: true,
            stats: true,
            why,
            warmup: time::duration(self.warmup),
            ..Want::default()
        };
        let ran = ops::run(&self.sc, spec, want, &mut std::io::sink())?;
        Ok((ran.trace.expect("asked for"), ran.stats.expect("asked for"), ran.why.unwrap_or_default()))
    }

    /// The text timeline, `width` columns, with a lane per order if asked.
    pub fn timeline(&self, width: usize, color: bool, order_lanes: bool) -> Result<String, Fail> {
        let (trace, ..) = self.drawn("timeline", false)?;
        let opts = TimelineOptions { order_lanes, ..TimelineOptions::new(width.clamp(20, 1000), color) };
        Ok(timeline::render(&trace, &self.sc, &opts))
    }

    /// The self-contained HTML report (`cafe run --report`): of the run as it went
    /// (a stopped real-clock run's report is of what it did).
    pub fn report_html(&self) -> Result<String, Fail> {
        let (trace, stats, why) = self.drawn("report", true)?;
        let until = (!self.finished).then_some(self.end);
        let event_loop = ops::event_loop_panel(&self.sc, self.spec.mode, self.spec.seed, until)?;
        let run = ReportRun { mode: self.spec.mode, policy: None, trace, stats, why, event_loop };
        Ok(report::html(&self.sc, &[run]))
    }

    /// Table `i` (0 orders, 1 steps, 2 events) as columns, taken out of those
    /// kept as the run went (each is handed out once: the caller keeps what it
    /// makes of it), or else made again by the same run on the virtual clock.
    pub fn take_columns(&self, i: usize) -> Result<Vec<(String, OwnedColumn)>, Fail> {
        let kept = {
            let mut kept = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            kept.as_mut().and_then(|t| take_table(t, i))
        };
        if let Some(columns) = kept {
            return Ok(columns);
        }
        if self.is_real() {
            return Err(Fail::Value(
                "this run was on the real clock and its record= left this table out: it was not kept".into(),
            ));
        }
        if !self.finished {
            let name = ["orders", "steps", "events"][i.min(2)];
            return Err(Fail::Value(format!(
                "this run on the virtual clock was stopped before its end, so its {name} table cannot be made: \
                 a virtual run makes it by running again to its end. To keep it as the run goes, run with \
                 record=True (every table) or record=[\"{name}\"]"
            )));
        }
        let spec = RunSpec { clock: ClockKind::Virtual, ..self.spec };
        let which = TableSet { orders: i == 0, steps: i == 1, events: i == 2 };
        let want = Want { tables: Some(which), ..Want::default() };
        let ran = ops::run(&self.sc, spec, want, &mut std::io::sink())?;
        Ok(take_table(&mut ran.tables.expect("asked for"), i).expect("asked for"))
    }
}

/// A comparison of kitchens and its scenario.
pub struct CmpOut {
    sc: Arc<Scenario>,
    cmp: Comparison,
}

/// One side of a comparison, as plain values.
pub struct SideOut {
    /// Its column heading.
    pub label: String,
    /// `async` or `sync`.
    pub mode: &'static str,
    /// Its policy's name.
    pub policy: &'static str,
    /// Its last event's time, in seconds.
    pub makespan_s: f64,
    /// Its statistics as JSON.
    pub stats_json: String,
}

/// Both kitchens (or the asynchronous one under each of `policies`) on the virtual
/// clock with the same seed; `None` if cancelled.
pub fn compare(
    sc: &Sc,
    seed: Option<u64>,
    policies: Option<&[String]>,
    order_lanes: bool,
    cancel: &Cancel,
) -> Result<Option<CmpOut>, Fail> {
    let model = Arc::clone(&sc.model);
    let seed = seed.unwrap_or(model.seed);
    // Both sides' every step is kept: as the command, at most so many customers.
    let most = ops::max_traced_customers(&model);
    let opts = ops::CompareOptions {
        seed: Some(seed),
        order_lanes,
        cancel: cancel.clone(),
        max_customers: Some(most),
    };
    if sweep::expected_customers(&model).is_some_and(|n| n > most as f64) {
        return Err(Fail::Value(format!(
            "compare keeps both runs in memory, for at most {most} customers, and this day lets in more: compare a shorter day (`count` or `until`)"
        )));
    }
    let cmp = match policies {
        None => from_ops(ops::compare(&model, &opts))?,
        Some(names) => {
            if names.is_empty() {
                return Err(Fail::Value("policies must name at least one policy".into()));
            }
            let ps = names.iter().map(|n| parse_policy(n)).collect::<Result<Vec<_>, _>>()?;
            from_ops(ops::compare_policies(&model, &ps, &opts))?
        }
    };
    Ok(cmp.map(|cmp| CmpOut { sc: model, cmp }))
}

impl CmpOut {
    /// Capacity warnings of the kitchens compared (what `cafe compare` prints on
    /// stderr).
    pub fn warnings(&self) -> Vec<String> {
        self.cmp.warnings(&self.sc)
    }
    /// How many times faster the last side is than the first.
    pub fn speedup(&self) -> f64 {
        self.cmp.speedup()
    }
    /// Each side.
    pub fn sides(&self) -> Vec<SideOut> {
        self.cmp
            .sides
            .iter()
            .map(|s| SideOut {
                label: s.label(self.cmp.compared),
                mode: s.mode.name(),
                policy: s.policy.name(),
                makespan_s: time::seconds(s.outcome.end),
                stats_json: serde_json::to_string(&s.stats).unwrap_or_default(),
            })
            .collect()
    }
    /// The totals and statistics side by side (`cafe compare`'s table).
    pub fn table(&self) -> String {
        self.cmp.render(&self.sc)
    }
    /// The timelines stacked on one scale.
    pub fn timeline(&self, width: usize, color: bool) -> String {
        let titles: Vec<String> = self
            .cmp
            .sides
            .iter()
            .map(|s| match self.cmp.compared {
                ops::Compared::Modes => format!("{} kitchen", s.mode.title()),
                ops::Compared::Policies => format!("policy {}", s.policy.name()),
            })
            .collect();
        let charts: Vec<(&Trace, Option<&str>)> =
            self.cmp.sides.iter().zip(&titles).map(|(s, t)| (&s.trace, Some(t.as_str()))).collect();
        let opts = TimelineOptions::new(width.clamp(20, 1000), color);
        timeline::render_stacked(&charts, &self.sc, &opts)
    }
    /// The HTML report of every side.
    pub fn report_html(&self) -> String {
        self.cmp.report_html(&self.sc)
    }
}

/// Replications of a scenario and what they estimate.
pub struct RepOut {
    sc: Arc<Scenario>,
    rep: Replicated,
    /// How many were asked for (more than ran, if cancelled).
    pub asked: u32,
}

/// Checks the arguments of a replication.
pub fn prepare_replicate(
    sc: &Sc,
    mode: &str,
    seed: Option<u64>,
    replications: u32,
    warmup: Option<f64>,
    policy: Option<&str>,
) -> Result<(Arc<Scenario>, Mode, u64, Ticks), Fail> {
    if replications == 0 {
        return Err(Fail::Value("--replications must be at least 1".into()));
    }
    let mode = parse_mode(mode)?;
    let mut model = (*sc.model).clone();
    if let Some(p) = policy {
        model.kitchen.policy = parse_policy(p)?;
    }
    let warmup = warmup_ticks(&model, warmup)?;
    let seed = seed.unwrap_or(model.seed);
    Ok((Arc::new(model), mode, seed, warmup))
}

/// `replications` independent replications (`ops::replicate_until`) on `threads`
/// workers, `progress(done, total)` after each; `None` when cancelled before one
/// finished.
pub fn replicate(
    prepared: &(Arc<Scenario>, Mode, u64, Ticks),
    replications: u32,
    threads: usize,
    cancel: &Cancel,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<RepOut>, Fail> {
    let (sc, mode, seed, warmup) = prepared;
    let tell = |p: ops::Progress| progress(p.done, p.total);
    let batch = ops::Batch {
        mode: *mode,
        seed: Some(*seed),
        replications,
        warmup: time::duration(*warmup),
        threads,
        cancel: cancel.clone(),
        progress: Some(&tell),
        max_customers: None,
    };
    let Some(rep) = from_ops(ops::replicate(sc, &batch))? else { return Ok(None) };
    if rep.replications == replications {
        check_measured(sc, *warmup, &rep.runs)?;
    }
    Ok(Some(RepOut { sc: Arc::clone(sc), rep, asked: replications }))
}

impl RepOut {
    /// The estimates (and seeds), as `cafe run --replications --format json` prints them.
    pub fn json(&self) -> String {
        serde_json::to_string(&self.rep).unwrap_or_default()
    }
    /// Each replication's statistics, as JSON, in replication order.
    pub fn runs_json(&self) -> Vec<String> {
        self.rep.runs.iter().map(|s| serde_json::to_string(s).unwrap_or_default()).collect()
    }
    /// The table `cafe run --replications` prints.
    pub fn render(&self) -> String {
        self.rep.render(self.sc.unit)
    }
    /// How many finished.
    pub fn replications(&self) -> u32 {
        self.rep.replications
    }
}

/// A sweep, checked and ready to run here or elsewhere.
pub struct Plan {
    sc: Arc<Scenario>,
    varies: Vec<Vary>,
    opts: BatchSpec,
    targets: Vec<(String, Target)>,
    /// What its runs depend on, hashed: each job's result carries it, so that
    /// `gather` knows a result of another plan.
    fingerprint: u64,
}

/// FNV-1a, 64 bits: a hash that is the same in every process and on every machine
/// (a plan's fingerprint travels with its jobs' results).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    /// `field`, its length first (so that fields cannot run into each other).
    fn field(&mut self, field: impl AsRef<[u8]>) {
        let field = field.as_ref();
        self.bytes(&(field.len() as u64).to_le_bytes());
        self.bytes(field);
    }
}

/// The fingerprint of a sweep of `sc` over `varies` with `opts`: everything its
/// runs depend on (the scenario as loaded and its changes, the grid, mode, seed,
/// replications and warm-up), not how it runs (threads) nor what it looks for
/// (targets), nor how messages name the scenario's file.
fn fingerprint(sc: &Sc, varies: &[Vary], opts: &BatchSpec) -> u64 {
    let mut h = Fnv::new();
    match &sc.origin {
        Origin::Builtin(name) => {
            h.field("builtin");
            h.field(name);
        }
        Origin::Text { name, display: _, text, files } => {
            h.field("text");
            h.field(name);
            h.field(text);
            for (wanted, _, contents) in files {
                h.field(wanted);
                h.field(contents);
            }
        }
    }
    h.field(sc.edits.len().to_le_bytes());
    for e in &sc.edits {
        h.field(e);
    }
    h.field(serde_json::to_string(varies).expect("a grid serialises"));
    let BatchSpec { mode, seed, replications, warmup, threads: _ } = *opts;
    h.field(mode.name());
    h.field(seed.to_le_bytes());
    h.field(replications.to_le_bytes());
    h.field(warmup.to_le_bytes());
    h.0
}

/// A sweep's [`ops::Batch`] but its cancel token and progress callback.
#[derive(Clone, Copy, Debug)]
struct BatchSpec {
    mode: Mode,
    seed: u64,
    replications: u32,
    warmup: Ticks,
    threads: usize,
}

impl BatchSpec {
    fn batch<'p>(
        &self,
        cancel: &Cancel,
        progress: Option<&'p (dyn Fn(ops::Progress) + Sync)>,
    ) -> ops::Batch<'p> {
        ops::Batch {
            mode: self.mode,
            seed: Some(self.seed),
            replications: self.replications,
            warmup: time::duration(self.warmup),
            threads: self.threads,
            cancel: cancel.clone(),
            progress,
            max_customers: None,
        }
    }
}

/// What `sweep` was asked.
#[derive(Clone, Debug)]
pub struct SweepArgs {
    /// `--vary` specs.
    pub vary: Vec<String>,
    /// Per configuration.
    pub replications: u32,
    /// `METRIC OP VALUE` each, all required.
    pub targets: Vec<String>,
    /// `async` or `sync`.
    pub mode: String,
    /// Base seed; the scenario's when `None`.
    pub seed: Option<u64>,
    /// In the scenario's unit.
    pub warmup: Option<f64>,
    /// Worker threads (0: one per core).
    pub threads: usize,
}

/// Checks a sweep as `cafe sweep` does, in the same order and words.
pub fn plan(sc: &Sc, a: &SweepArgs) -> Result<Plan, Fail> {
    let model = Arc::clone(&sc.model);
    let request = sweep::Request { vary: &a.vary, targets: &a.targets, replications: a.replications };
    let sweep::Checked { varies, targets } =
        request.check(&model).map_err(|refused| Fail::Value(refused.to_string()))?;
    let mode = parse_mode(&a.mode)?;
    let warmup = warmup_ticks(&model, a.warmup)?;
    let opts = BatchSpec {
        mode,
        seed: a.seed.unwrap_or(model.seed),
        replications: a.replications,
        warmup,
        threads: a.threads,
    };
    let fingerprint = fingerprint(sc, &varies, &opts);
    Ok(Plan { sc: model, varies, opts, targets, fingerprint })
}

/// A sweep's result and its target.
pub struct SweepOut {
    sc: Arc<Scenario>,
    sweep: Sweep,
    targets: Vec<(String, Target)>,
}

impl Plan {
    /// Runs (configurations × replications).
    pub fn jobs(&self) -> usize {
        ops::sweep_jobs(&self.varies, &self.opts.batch(&Cancel::new(), None))
    }

    /// Runs every job here, on the plan's threads; `progress(done, total)` after each.
    pub fn run(&self, cancel: &Cancel, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<SweepOut, Fail> {
        let tell = |p: ops::Progress| progress(p.done, p.total);
        self.out(ops::sweep(&self.sc, &self.varies, &self.opts.batch(cancel, Some(&tell))))
    }

    /// Runs job `k` here, encoded for the trip back to the caller (with the plan's
    /// fingerprint and `k`).
    pub fn job(&self, k: usize) -> Result<Vec<u8>, Fail> {
        if k >= self.jobs() {
            return Err(Fail::Value(format!("job {k} is not one of this sweep's {} runs", self.jobs())));
        }
        let batch = self.opts.batch(&Cancel::new(), None);
        let Some(run) = from_ops(ops::sweep_job(&self.sc, &self.varies, &batch, k))? else {
            unreachable!("a job is never cancelled");
        };
        Ok(crate::wire::encode(self.fingerprint, k as u64, &run))
    }

    /// The sweep made of `runs` (job order; `None`: not run). A result of another
    /// plan, or of another job than its place says, is an error saying which.
    pub fn gather(&self, runs: Vec<Option<Vec<u8>>>, elapsed: Duration) -> Result<SweepOut, Fail> {
        if runs.len() != self.jobs() {
            return Err(Fail::Value(format!("expected {} results, got {}", self.jobs(), runs.len())));
        }
        let decode = |k: usize, bytes: &[u8]| -> Result<SweepRun, Fail> {
            let (fingerprint, job, run) = crate::wire::decode(bytes).map_err(Fail::Value)?;
            if fingerprint != self.fingerprint {
                return Err(Fail::Value(format!(
                    "result {k} is not a result of this sweep plan: it comes from a sweep of another scenario, \
                     grid, mode, seed, number of replications or warm-up"
                )));
            }
            if job != k as u64 {
                return Err(Fail::Value(format!(
                    "result {k} is job {job}'s, not job {k}'s: give the results in job order"
                )));
            }
            Ok(run)
        };
        let runs: Vec<Option<SweepRun>> = runs
            .into_iter()
            .enumerate()
            .map(|(k, r)| r.map(|bytes| decode(k, &bytes)).transpose())
            .collect::<Result<_, _>>()?;
        let batch = self.opts.batch(&Cancel::new(), None);
        self.out(ops::sweep_from_runs(&self.sc, &self.varies, &batch, runs, elapsed))
    }

    fn out(&self, sweep: Result<Sweep, ops::Error>) -> Result<SweepOut, Fail> {
        let sweep = match sweep {
            Ok(sweep) => sweep,
            Err(ops::Error::Overran(o)) => return Err(Fail::Overran(o.message)),
            Err(e @ (ops::Error::Refused(_) | ops::Error::Invalid(_))) => {
                return Err(Fail::Value(e.to_string()));
            }
            Err(e) => return Err(Fail::Io(e.to_string())),
        };
        Ok(SweepOut { sc: Arc::clone(&self.sc), sweep, targets: self.targets.clone() })
    }
}

/// When a sweep through an executor started (for its elapsed time).
pub fn now() -> Instant {
    Instant::now()
}

/// One answer to a sweep's target, by the configurations' values.
pub struct AnswerOut {
    /// The arrival rate of the group, when the rate varies.
    pub rate: Option<f64>,
    /// The cheapest configuration meeting the target: (label, value) pairs and its cost.
    pub best: Option<(Vec<(String, String)>, f64)>,
    /// The closest one when none meets it.
    pub closest: Option<(Vec<(String, String)>, f64)>,
    /// A cheaper one that meets it but cannot keep up: passed over.
    pub passed_over: Option<(Vec<(String, String)>, f64)>,
}

impl SweepOut {
    /// The CSV table (`cafe sweep --csv`).
    pub fn csv(&self) -> Result<String, Fail> {
        Ok(sweep::csv(&self.sweep, self.targets.iter().map(|t| &t.1))?)
    }
    /// The text table and answer, as `cafe sweep` prints them.
    pub fn text(&self) -> String {
        let targets = || self.targets.iter().map(|t| &t.1);
        let mut text = sweep::render_table(&self.sweep, targets());
        let answer = sweep::render_answer(&self.sweep, targets());
        if !answer.is_empty() {
            text.push('\n');
            text.push_str(&answer);
        }
        text
    }
    /// The HTML page (`cafe sweep --report`).
    pub fn html(&self) -> String {
        sweep::html(&self.sweep, self.targets.iter().map(|t| &t.1))
    }
    /// The JSON document (`cafe sweep --format json`).
    pub fn json(&self) -> String {
        let doc = self.sweep.document(self.targets.iter().map(|(text, t)| (text.as_str(), t)));
        serde_json::to_value(&doc).and_then(|v| serde_json::to_string(&v)).unwrap_or_default()
    }
    /// The answers to the targets, all required (empty without one).
    pub fn answers(&self) -> Vec<AnswerOut> {
        if self.targets.is_empty() {
            return Vec::new();
        }
        let targets: Vec<Target> = self.targets.iter().map(|t| t.1.clone()).collect();
        let named = |i: Option<usize>| {
            i.map(|i| {
                let row = &self.sweep.rows[i];
                let values = self
                    .sweep
                    .varies
                    .iter()
                    .zip(&row.values)
                    .map(|(v, &x)| (v.param.name(), v.param.show(x)))
                    .collect();
                (values, row.cost)
            })
        };
        sweep::answers_all(&self.sweep, &targets)
            .into_iter()
            .map(|a| AnswerOut {
                rate: a.rate,
                best: named(a.best),
                closest: named(a.closest),
                passed_over: named(a.passed_over),
            })
            .collect()
    }
    /// Whether it was stopped before every run was done.
    pub fn interrupted(&self) -> bool {
        self.sweep.interrupted
    }
    /// Configurations, and how many were run to the end.
    pub fn configurations(&self) -> (usize, usize) {
        (self.sweep.rows.len(), self.sweep.rows.iter().filter(|r| r.done()).count())
    }
    /// Replications per configuration.
    pub fn replications(&self) -> u32 {
        self.sweep.replications
    }
    /// Wall time, in seconds.
    pub fn elapsed_s(&self) -> f64 {
        self.sweep.elapsed.as_secs_f64()
    }
    /// The scenario's name.
    pub fn scenario(&self) -> &str {
        &self.sc.name
    }
    /// How each varied column of the CSV is typed: whole numbers, or not (a rate),
    /// or a name (a policy).
    pub fn vary_columns(&self) -> Vec<(String, VaryKind)> {
        self.sweep
            .varies
            .iter()
            .map(|v| {
                let kind = match v.param {
                    sweep::Param::Policy => VaryKind::Name,
                    sweep::Param::ArrivalRate => VaryKind::Real,
                    _ => VaryKind::Whole,
                };
                (v.param.name(), kind)
            })
            .collect()
    }
}

/// How a varied parameter's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaryKind {
    /// Cooks, capacities.
    Whole,
    /// An arrival rate.
    Real,
    /// A policy's name.
    Name,
}
