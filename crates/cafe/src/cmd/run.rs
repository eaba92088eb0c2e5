//! `cafe run`: one run on either clock (the narrative as it happens, or one JSON
//! object), or `--replications` on the virtual clock (every statistic with its
//! confidence interval).

use std::io::{self, Write};
use std::time::Duration;

use async_cafe::capacity;
use async_cafe::clock::{self, Cancel, Lag, Stopped};
use async_cafe::model::Scenario;
use async_cafe::ops::{self, Batch, RunSpec, Want};
use async_cafe::time;
use async_cafe::view::export::{self, AtomicFile};
use async_cafe::view::html_report::{self, ReportRun};
use async_cafe::view::stats::{NothingMeasured, Stats};
use async_cafe::view::table::wrap_words;
use async_cafe::view::timeline::{self, TimelineOptions};

use crate::cli::{BehindArg, FormatArg, RunArgs};
use crate::error::Error;
use crate::output::{self, Output};
use crate::signals::Interrupts;

/// Runs the scenario `args` names as it asks (text, JSON, or replications), writing
/// on `out`; an interrupted run is [`Error::Interrupted`].
pub fn execute(args: RunArgs, out: &mut Output) -> Result<(), Error> {
    let refused = crate::flags::run(&args);
    if !refused.is_empty() {
        return Err(Error::Refused(refused));
    }
    if let Some(s) = args.speed {
        clock::check_speed("--speed", s).map_err(Error::Usage)?;
    }
    let (mut sc, mut inputs) = super::load_and_inputs(&args.scenario)?;
    if let Some(plan) = &args.plan {
        inputs.push(("the plan it follows", plan.clone()));
    }
    let files = [("--events", args.events.as_deref()), ("--report", args.report.as_deref())];
    super::refuse_over_inputs(&inputs, &files, args.csv.as_deref())?;
    if let Some(p) = args.policy {
        sc.kitchen.policy = p.into();
    }
    let mut seed = args.seed.unwrap_or(sc.seed);
    if let Some(path) = &args.plan {
        let plan = read_plan(path)?;
        seed = plan.seed;
        sc = async_cafe::plan::follow(&sc, &plan).map_err(|e| Error::Usage(e.to_string()))?;
    }
    let behind = args.behind.unwrap_or(BehindArg::Warn);
    let clock = args.clock().kind(args.speed.unwrap_or(sc.speed), behind);
    let spec = RunSpec { mode: args.mode.into(), clock, seed };
    for warning in capacity::warnings(&sc, spec.mode) {
        output::warn(&warning, output::stderr_width(args.width));
    }
    let warmup = super::warmup(&sc, args.warmup)?;
    match args.replications {
        Some(r) => replications(&args, &sc, spec, warmup, r, out),
        None => once(&args, &sc, spec, warmup, out),
    }
}

/// The plan in the JSON file `path` (as `cafe plan --format json` writes it); a
/// file that is not one is refused with where it goes wrong.
fn read_plan(path: &std::path::Path) -> Result<async_cafe::plan::Plan, Error> {
    // As much as a scenario may be (`/dev/zero` is not a plan), and UTF-8.
    let limit = async_cafe::scenario::MAX_FILE;
    let unreadable = |e: std::io::Error| Error::Usage(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        let mib = limit >> 20;
        return Err(Error::Usage(format!("{}: larger than {mib} MiB, more than any plan", path.display())));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("{}: not UTF-8 text, so not a plan", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        // Where, once, before the message; serde_json says column 0 at the start of
        // a line (an empty file): columns count from 1, as everywhere else.
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at line {} column {}", e.line(), e.column()));
        Error::Usage(format!(
            "{}:{}:{}: not a plan written by `cafe plan --format json`: {}",
            path.display(),
            e.line(),
            e.column().max(1),
            message.map_or_else(|| e.to_string(), str::to_string)
        ))
    })
}

/// `--replications R`.
fn replications(
    args: &RunArgs,
    sc: &Scenario,
    spec: RunSpec,
    warmup: Duration,
    r: u32,
    out: &mut Output,
) -> Result<(), Error> {
    if r == 0 {
        return Err(Error::Usage("--replications must be at least 1".into()));
    }
    let interrupts = Interrupts::install(|_| {})?;
    let batch = Batch {
        mode: spec.mode,
        seed: Some(spec.seed),
        replications: r,
        warmup,
        cancel: interrupts.cancel().clone(),
        ..Batch::default()
    };
    let rep = match ops::replicate(sc, &batch) {
        Ok(rep) => Some(rep),
        Err(ops::Error::Cancelled) => None,
        Err(e @ ops::Error::Refused(_)) => return Err(Error::Usage(e.to_string())),
        Err(e) => return Err(Error::Overran(e.to_string())),
    };
    // Stopped if a signal came before every replication was done.
    let stopped = interrupts.received().is_some() && rep.as_ref().is_none_or(|rep| rep.replications < r);
    if let (Some(rep), false) = (&rep, stopped) {
        measured(sc, warmup, &rep.runs)?;
    }
    let text = match (&rep, args.format) {
        (None, _) => String::new(),
        (Some(rep), FormatArg::Text) => {
            let title = match stopped {
                true => format!("(interrupted: {} of {r} replications finished)\n", rep.replications),
                false => String::new(),
            };
            title + &rep.render(sc.unit)
        }
        (Some(rep), FormatArg::Json) => serde_json::to_string_pretty(rep).map_err(io::Error::other)? + "\n",
    };
    out.write_all(text.as_bytes())?;
    match stopped {
        true => Err(interrupts.interrupted()),
        false => Ok(()),
    }
}

/// One run, as text or JSON. Its files are created before it starts (a path that
/// cannot be written is an error before anything runs) and put in place when it
/// ends; a run that fails (a warm-up that leaves nothing to measure, an overrun)
/// puts none of them in place, and removes the directories `--csv` made.
fn once(
    args: &RunArgs,
    sc: &Scenario,
    spec: RunSpec,
    warmup: Duration,
    out: &mut Output,
) -> Result<(), Error> {
    // The signals first: a Ctrl-C from here on leaves no temporary file behind.
    let interrupts = Interrupts::install(|_| {})?;
    let csv_files = args.csv.as_deref().map(|d| export::CSV_FILES.map(|f| d.join(f)));
    let outputs = [args.report.as_deref(), args.events.as_deref()].into_iter().flatten();
    let _readers =
        interrupts.wait_for_readers(outputs.chain(csv_files.iter().flatten().map(|p| p.as_path())))?;
    // The report's file first: `--events` and `--csv` are created by the run, before
    // it starts; what is wrong with their paths is said now too, every problem at
    // once.
    let report = args.report.as_deref().map(AtomicFile::create).transpose();
    let events = args.events.as_deref().map(export::check_writable).transpose();
    // The directories --csv will make: removed again if the run fails, having put
    // nothing in them.
    let made = args.csv.as_deref().map(export::missing_dirs).transpose();
    let (report, made) = match (report, events, made) {
        (Ok(report), Ok(_), Ok(made)) => {
            let made = made.unwrap_or_default();
            // And if the command quits at once (a second Ctrl-C).
            export::remove_if_left_empty(&made);
            (report, made)
        }
        (report, events, made) => {
            let failed = [report.err(), events.err(), made.err()].into_iter().flatten().map(Error::from);
            return Err(Error::all(failed.collect()));
        }
    };
    // What keeps the run in memory, and how many customers it can keep.
    let with_report = args.report.is_some();
    let keeps = |what, most| Some(super::Kept { what, most, flag: true });
    let kept = match (args.format, args.event_loop) {
        (FormatArg::Json, true) => keeps("--loop --format json", ops::MAX_LOOP_RECORD_CUSTOMERS),
        _ if with_report => keeps("--report", ops::max_traced_customers(sc)),
        _ if args.timeline => keeps("--timeline", ops::max_traced_customers(sc)),
        _ => None,
    };
    if let Some(k) = &kept {
        k.check(sc)?;
    }
    let failed = |e: io::Error| {
        for dir in &made {
            // Deepest first; one that is not empty stays, and so do its parents.
            let _ = std::fs::remove_dir(dir);
        }
        match (e.get_ref().and_then(|inner| inner.downcast_ref::<ops::TooManyCustomers>()), &kept) {
            (Some(t), Some(k)) => k.too_many(t, sc),
            _ => Error::from(e),
        }
    };
    let require_measured = !warmup.is_zero();
    let ran = match args.format {
        FormatArg::Text => {
            let terminal = out.is_terminal();
            let width = args.width.map_or_else(output::terminal_width, usize::from);
            let want = Want {
                narrative: true,
                timestamps: args.timestamps,
                event_loop: args.event_loop,
                why: args.why || with_report,
                stats: true,
                live: args.panel.shown(terminal),
                width,
                events: args.events.clone(),
                csv: args.csv.clone(),
                trace: args.timeline || with_report,
                order_lanes: args.order_lanes || with_report,
                warmup,
                cancel: interrupts.cancel().clone(),
                on_first_lag: Some(warn_behind),
                require_measured,
                max_customers: kept.as_ref().map(|k| k.most),
                ..Want::default()
            };
            let mut stopping = Stopping { out, cancel: interrupts.cancel().clone(), failed: None };
            let ran = ops::run(sc, spec, want, &mut stopping).map_err(failed)?;
            if let Some(file) = report {
                write_report(file, sc, spec, &ran)?;
            }
            if let Some(e) = stopping.failed {
                // The run stopped there; its files hold it up to then.
                return Err(Error::from(e));
            }
            if let (Some(trace), true) = (&ran.trace, args.timeline) {
                // The report's lanes per order are drawn with --order-lanes only.
                let opts = TimelineOptions {
                    order_lanes: args.order_lanes,
                    ..TimelineOptions::new(width, output::color(terminal))
                };
                write!(out, "\n{}", timeline::render(trace, sc, &opts))?;
            }
            // The loop view ends with the same sentences: said once.
            if let (Some(why), true) = (&ran.why, args.why && !args.event_loop) {
                let width = output::prose_width(args.width);
                write!(out, "\nWhy the orders took longer than their recipes:\n")?;
                for sentence in why {
                    out.write_all(wrap_words(sentence, width, "  ", "    ").as_bytes())?;
                }
            }
            // Statistics when asked for, and always for an interrupted run.
            if let (Some(s), true) = (&ran.stats, args.stats || ran.stopped.is_some()) {
                let title = if ran.stopped.is_some() { "\n(interrupted: statistics so far)\n" } else { "\n" };
                write!(out, "{title}{}", s.render(sc.unit))?;
            }
            ran
        }
        FormatArg::Json => {
            // Streamed by the library, in flat memory, when the run ends.
            let want = Want {
                // The loop's passes replace the JSON report.
                json: !args.event_loop,
                loop_record: args.event_loop,
                events: args.events.clone(),
                csv: args.csv.clone(),
                stats: true,
                trace: with_report,
                order_lanes: with_report,
                warmup,
                cancel: interrupts.cancel().clone(),
                on_first_lag: Some(warn_behind),
                require_measured,
                max_customers: kept.as_ref().map(|k| k.most),
                ..Want::default()
            };
            let mut ran = ops::run(sc, spec, want, &mut io::sink()).map_err(failed)?;
            // The file before standard output, which may be closed early.
            if let Some(file) = report {
                write_report(file, sc, spec, &ran)?;
            }
            match ran.event_loop.take() {
                Some(passes) => {
                    let text = serde_json::to_string_pretty(&passes).map_err(io::Error::other)?;
                    writeln!(out, "{text}")?;
                }
                None => ran.json.take().expect("asked for").write_to(out)?,
            }
            ran
        }
    };
    if let Some((lag, at)) = ran.worst_lag {
        // After what the run printed, on a terminal where both streams show.
        out.flush()?;
        let note = format!(
            "note: the run fell up to {:.3} s behind real time (worst at {:.2} {} of scenario time)",
            lag.as_secs_f64(),
            sc.unit.from_ticks(at),
            sc.unit.name()
        );
        output::warn(&note, output::stderr_width(args.width));
    }
    match ran.stopped {
        None => Ok(()),
        Some(Stopped::Interrupted) => Err(interrupts.interrupted()),
        Some(Stopped::FellBehind { at, lag }) => {
            Err(Error::FellBehind { lag, at: sc.unit.from_ticks(at), unit: sc.unit.name() })
        }
    }
}

/// Writes `--report` of the run `ran` (which kept its trace, statistics and reasons).
fn write_report(file: AtomicFile, sc: &Scenario, spec: RunSpec, ran: &ops::Ran) -> Result<(), Error> {
    let run = ReportRun {
        mode: spec.mode,
        policy: None,
        trace: ran.trace.clone().expect("asked for"),
        stats: ran.stats.clone().expect("asked for"),
        why: ran.why.clone().unwrap_or_default(),
        event_loop: ops::event_loop_panel(sc, spec.mode, spec.seed, stopped_at(ran))?,
    };
    Ok(file.write(html_report::html(sc, &[run]).as_bytes())?)
}

/// Where a run stopped early ended (`None` for one that ran to its end): what its
/// report's event loop goes up to.
fn stopped_at(ran: &ops::Ran) -> Option<async_cafe::time::Ticks> {
    (!ran.outcome.finished).then_some(ran.outcome.end)
}

/// Standard output as a run writes it: the first write that fails (a closed pipe,
/// a full disk) stops the run, as Ctrl-C does, and what follows goes nowhere, so
/// that the run still returns what it did and its files (`--report` too) hold it.
struct Stopping<'a> {
    out: &'a mut Output,
    cancel: Cancel,
    failed: Option<io::Error>,
}

impl Stopping<'_> {
    fn fail(&mut self, e: io::Error) {
        self.failed = Some(e);
        self.cancel.cancel();
    }
}

impl Write for Stopping<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed.is_none() {
            match self.out.write(buf) {
                Ok(n) => return Ok(n),
                Err(e) => self.fail(e),
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.is_none() {
            if let Err(e) = self.out.flush() {
                self.fail(e);
            }
        }
        Ok(())
    }
}

/// The warning when a real run first falls behind (`--behind warn`).
fn warn_behind(lag: Lag) {
    let warning = format!(
        "warning: the kitchen is falling behind real time ({:.3} s late at {:.3} s of scenario time, speed {}): the engine cannot keep up; lower --speed, or pass --behind stop to stop instead",
        lag.lag.as_secs_f64(),
        time::seconds(lag.at),
        lag.speed
    );
    output::warn(&warning, output::stderr_width(None));
}

/// A warm-up that leaves nothing to measure in a run (or in one of its replications)
/// makes every statistic 0: an error rather than numbers that mean nothing.
fn measured(sc: &Scenario, warmup: Duration, runs: &[Stats]) -> Result<(), Error> {
    match NothingMeasured::of(sc, warmup, runs) {
        Some(n) => Err(Error::NothingMeasured(n)),
        None => Ok(()),
    }
}
