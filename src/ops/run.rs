//! One run of a scenario on either clock, feeding the views it is asked for: the
//! narrative (with the live panel on a terminal), the JSON report, the statistics,
//! the trace and the exports.

use std::io::{self, Write};

use std::cell::{Cell, RefCell};
#[cfg(feature = "export")]
use std::path::PathBuf;
use std::rc::Rc;

#[cfg(feature = "real-clock")]
use crate::clock::{Behind, Lag, RealClock};
use crate::clock::{Cancel, Pacing, Stopped};
use crate::engine::{self, Clock, Outcome, VirtualClock};
use crate::event::{Event, Sink};
use crate::model::{Mode, Scenario};
use crate::time::Ticks;
#[cfg(feature = "export")]
use crate::view::export::Exports;
use crate::view::json::{JsonReport, JsonView};
use crate::view::live::LiveState;
use crate::view::narrative::Narrator;
use crate::view::stats::{Stats, StatsView};
use crate::view::trace::{Trace, TraceView};

/// Which clock paces a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockKind {
    /// Instant and deterministic.
    Virtual,
    /// Wall time, sped up by `speed` (the `real-clock` feature).
    #[cfg(feature = "real-clock")]
    Real {
        /// Seconds of scenario time per second of wall time (finite and above 0: see
        /// [`crate::clock::check_speed`]).
        speed: f64,
        /// What to do when the engine cannot keep up.
        behind: Behind,
    },
}

impl ClockKind {
    /// Which clock, without its settings: what the JSON report's `clock` field says.
    pub fn pacing(self) -> Pacing {
        match self {
            ClockKind::Virtual => Pacing::Virtual,
            #[cfg(feature = "real-clock")]
            ClockKind::Real { .. } => Pacing::Real,
        }
    }
}

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSpec {
    /// The synchronous or the asynchronous kitchen.
    pub mode: Mode,
    /// The clock that paces it.
    pub clock: ClockKind,
    /// Seeds every random draw: the same seed, scenario and mode give the same run.
    pub seed: u64,
}

/// What a run should produce besides its outcome.
#[derive(Clone, Debug, Default)]
pub struct Want {
    /// Write the narrative to the output as it happens.
    pub narrative: bool,
    /// Stamp each line of the narrative with its scenario time.
    pub timestamps: bool,
    /// Build the JSON report (which always carries the statistics).
    pub report: bool,
    /// Gather the statistics ([`Ran::stats`]).
    pub stats: bool,
    /// Build the lanes a timeline draws ([`Ran::trace`]).
    pub trace: bool,
    /// With `trace`: add one lane per order.
    pub order_lanes: bool,
    /// On the real clock, keep a panel of the kitchen's state under the narrative,
    /// redrawn in place (for a terminal).
    pub live: bool,
    /// The live panel's width, in columns.
    pub width: usize,
    /// Export every event as JSON lines to this file (see docs/exports.md; the
    /// `export` feature).
    #[cfg(feature = "export")]
    pub events: Option<PathBuf>,
    /// Export orders, steps and events as CSV files into this directory (the
    /// `export` feature).
    #[cfg(feature = "export")]
    pub csv: Option<PathBuf>,
    /// Leave the start of service, this much scenario time, out of the statistics
    /// (arrivals during it and the time before it).
    pub warmup: std::time::Duration,
    /// Stops the run once cancelled, on either clock (the command cancels it on
    /// SIGINT and SIGTERM); the run then ends as if the clock had stopped it.
    pub cancel: Cancel,
    /// On the real clock with [`Behind::Warn`]: called the first time the run falls
    /// behind (the command prints a warning on stderr).
    #[cfg(feature = "real-clock")]
    pub on_first_lag: Option<fn(Lag)>,
}

/// The error [`run`] returns when the run stopped because a time it would reach is
/// past the latest a run can count ([`engine::Overrun`]). Its text says which order
/// and step, in the scenario's words.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOverran {
    /// Where and when the run stopped.
    pub overrun: engine::Overrun,
    /// [`engine::Overrun::message`], which the error displays.
    pub message: String,
}

impl std::fmt::Display for RunOverran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunOverran {}

/// What a run produced.
pub struct Ran {
    /// How the run ended.
    pub outcome: Outcome,
    /// The JSON report, if [`Want::report`] asked for it.
    pub report: Option<JsonReport>,
    /// The statistics, if [`Want::stats`] asked for them.
    pub stats: Option<Stats>,
    /// The trace, if [`Want::trace`] asked for it.
    pub trace: Option<Trace>,
    /// Why the run stopped early, if it did: cancelled (either clock), or fell behind
    /// (the real clock). A run stopped by a failed write of its narrative or exports
    /// returns that error instead.
    pub stopped: Option<Stopped>,
    /// The worst lag behind real time beyond the tolerance, and when (scenario time).
    pub worst_lag: Option<(std::time::Duration, Ticks)>,
}

/// Where the narrative goes: line by line, with the live panel (if any) kept under
/// it, erased and redrawn in place.
struct Terminal<'s, 'w> {
    out: &'w mut dyn Write,
    failed: Option<io::Error>,
    live: Option<LiveState<'s>>,
    /// The live panel's width.
    #[cfg(feature = "real-clock")]
    width: usize,
    /// Lines of panel currently on screen.
    panel: usize,
}

impl Terminal<'_, '_> {
    fn write(&mut self, text: &str) {
        if self.failed.is_none() {
            if let Err(e) = self.out.write_all(text.as_bytes()).and_then(|_| self.out.flush()) {
                self.failed = Some(e);
            }
        }
    }

    fn erase_panel(&mut self) {
        if self.panel > 0 {
            // To the start of the panel's first line, then clear to the end of screen.
            let up = format!("\x1b[{}F\x1b[J", self.panel);
            self.panel = 0;
            self.write(&up);
        }
    }

    fn line(&mut self, line: &str) {
        self.erase_panel();
        self.write(line);
        self.write("\n");
    }

    #[cfg(feature = "real-clock")]
    fn draw_panel(&mut self, t: Ticks) {
        let Some(live) = &mut self.live else { return };
        live.at(t);
        let lines = live.render(self.width, 12);
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        self.erase_panel();
        self.write(&text);
        self.panel = lines.len();
    }
}

/// A clock that redraws the live panel before it waits: the panel then shows the
/// kitchen as it is until the next instant. At most about 30 redraws a second.
#[cfg(feature = "real-clock")]
struct PanelClock<'a, 's, 'w> {
    inner: &'a mut RealClock,
    term: Rc<RefCell<Terminal<'s, 'w>>>,
    speed: f64,
    last_t: Ticks,
    last_draw: Option<std::time::Instant>,
}

#[cfg(feature = "real-clock")]
impl Clock for PanelClock<'_, '_, '_> {
    fn advance(&mut self, t: Ticks) -> bool {
        const FRAME: f64 = 1.0 / 30.0;
        let wall_gap = (t - self.last_t) as f64 / crate::time::TICKS_PER_SECOND as f64 / self.speed;
        let stale = self.last_draw.is_none_or(|d| d.elapsed().as_secs_f64() >= FRAME);
        if wall_gap >= FRAME || stale {
            self.term.borrow_mut().draw_panel(self.last_t);
            self.last_draw = Some(std::time::Instant::now());
        }
        self.last_t = t;
        self.inner.advance(t)
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        self.inner.elapsed(t)
    }
}

/// The views a run feeds, each optional.
struct Views<'s, 'w> {
    sc: &'s Scenario,
    narrator: Option<Narrator<'s>>,
    timestamps: bool,
    term: Rc<RefCell<Terminal<'s, 'w>>>,
    report: Option<JsonView<'s>>,
    stats: Option<StatsView<'s>>,
    trace: Option<TraceView<'s>>,
    #[cfg(feature = "export")]
    exports: Exports<'s>,
    /// Set at the first failed write (narrative or exports): the run then stops.
    failed: Rc<Cell<bool>>,
}

impl Sink for Views<'_, '_> {
    fn event(&mut self, event: &Event<'_>) {
        let mut term = self.term.borrow_mut();
        if let Some(live) = &mut term.live {
            live.event(event);
        }
        if let Some(narrator) = &mut self.narrator {
            let (sc, timestamps) = (self.sc, self.timestamps);
            narrator.event(event, |t, line| {
                if timestamps {
                    term.line(&format!("[{}] {line}", stamp(sc, t)));
                } else {
                    term.line(line);
                }
            });
        }
        let term_failed = term.failed.is_some();
        drop(term);
        if let Some(v) = &mut self.report {
            v.event(event);
        }
        if let Some(v) = &mut self.stats {
            v.event(event);
        }
        if let Some(v) = &mut self.trace {
            v.event(event);
        }
        #[cfg(feature = "export")]
        if !self.exports.is_empty() {
            self.exports.event(event);
        }
        #[cfg(feature = "export")]
        let term_failed = term_failed || self.exports.error().is_some();
        if term_failed {
            self.failed.set(true);
        }
    }
}

/// Stops a run at its next step once it is cancelled or a write has failed: there is
/// no point going on when the output is gone (`cafe run ... | head -1`).
struct Watched<'a, C: Clock + ?Sized> {
    inner: &'a mut C,
    cancel: &'a Cancel,
    failed: &'a Cell<bool>,
}

impl<C: Clock + ?Sized> Clock for Watched<'_, C> {
    #[inline]
    fn advance(&mut self, t: Ticks) -> bool {
        !self.cancel.is_cancelled() && !self.failed.get() && self.inner.advance(t)
    }

    #[inline]
    fn elapsed(&self, t: Ticks) -> Ticks {
        self.inner.elapsed(t)
    }
}

/// Runs `sc`, writing its narrative to `out` as it happens if asked, and returns what
/// `want` asks for. A run stopped early (cancelled through `want.cancel`, or falling
/// behind with `Behind::Stop`) still returns everything up to that moment, and its
/// exports hold everything up to that moment. A failed write (the narrative's or an
/// export's) stops the run at its next step and is returned. Export files are
/// written completely or not at all.
///
/// ```
/// use async_cafe::{builtin, model::Mode, ops};
///
/// let lunch = builtin::find("lunch").unwrap().load().unwrap();
/// let spec = ops::RunSpec { mode: Mode::Sync, clock: ops::ClockKind::Virtual, seed: 0 };
/// let want = ops::Want { narrative: true, timestamps: true, stats: true, ..Default::default() };
/// let mut out = Vec::new();
/// let ran = ops::run(&lunch, spec, want, &mut out).unwrap();
/// // One cook, one step at a time: 10 + 3 + 2 minutes.
/// assert!(ran.outcome.finished && ran.stopped.is_none());
/// assert_eq!(ran.stats.unwrap().total_s, 15.0 * 60.0);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.ends_with("[   15.000 min] Eating after 15 min of prep time.\n"), "{text}");
/// ```
pub fn run(sc: &Scenario, spec: RunSpec, want: Want, out: &mut dyn Write) -> io::Result<Ran> {
    #[cfg(feature = "export")]
    let exports = Exports::create(sc, want.events.as_deref(), want.csv.as_deref())?;
    #[cfg(feature = "real-clock")]
    let live = want.live && matches!(spec.clock, ClockKind::Real { .. });
    #[cfg(not(feature = "real-clock"))]
    let live = false;
    let term = Rc::new(RefCell::new(Terminal {
        out,
        failed: None,
        live: live.then(|| LiveState::new(sc, spec.mode)),
        #[cfg(feature = "real-clock")]
        width: want.width.max(20),
        panel: 0,
    }));
    let mut views = Views {
        sc,
        narrator: want.narrative.then(|| Narrator::new(sc, spec.mode)),
        timestamps: want.timestamps,
        term: Rc::clone(&term),
        report: want.report.then(|| JsonView::new(sc, spec.mode, spec.clock.pacing(), spec.seed)),
        stats: (want.stats || want.report)
            .then(|| StatsView::with_warmup(sc, crate::time::ticks(want.warmup))),
        trace: want.trace.then(|| TraceView::new(sc, spec.mode, want.order_lanes)),
        #[cfg(feature = "export")]
        exports,
        failed: Rc::new(Cell::new(false)),
    };
    let failed = Rc::clone(&views.failed);
    let (cancel, failed) = (&want.cancel, &*failed);
    let (outcome, stopped, worst_lag) = match spec.clock {
        ClockKind::Virtual => {
            let mut clock = Watched { inner: &mut VirtualClock, cancel, failed };
            (engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views), None, None)
        }
        #[cfg(feature = "real-clock")]
        ClockKind::Real { speed, behind } => {
            let mut real =
                RealClock::new(speed, behind)?.cancel_on(cancel.clone()).on_first_lag(want.on_first_lag);
            let outcome = if live {
                let mut panel = PanelClock {
                    inner: &mut real,
                    term: Rc::clone(&term),
                    speed,
                    last_t: 0,
                    last_draw: None,
                };
                let mut clock = Watched { inner: &mut panel, cancel, failed };
                engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views)
            } else {
                let mut clock = Watched { inner: &mut real, cancel, failed };
                engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views)
            };
            (outcome, real.stopped(), real.worst_lag())
        }
    };
    let stopped = stopped.or((!outcome.finished && cancel.is_cancelled()).then_some(Stopped::Interrupted));
    #[cfg(feature = "export")]
    let Views { report, stats, trace, exports, .. } = views;
    #[cfg(not(feature = "export"))]
    let Views { report, stats, trace, .. } = views;
    if let Some(overrun) = outcome.overrun {
        // Nothing of a run that could not go on is kept: no export file is written.
        #[cfg(feature = "export")]
        drop(exports);
        term.borrow_mut().erase_panel();
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            RunOverran { message: overrun.message(sc), overrun },
        ));
    }
    #[cfg(feature = "export")]
    exports.finish()?;
    let mut term = term.borrow_mut();
    term.erase_panel();
    if let Some(e) = term.failed.take() {
        return Err(e);
    }
    let stats = stats.map(StatsView::finish);
    let report = report.map(|v| {
        let mut r = v.finish(outcome);
        r.stats = stats.clone();
        r
    });
    Ok(Ran {
        outcome,
        report,
        stats: stats.filter(|_| want.stats),
        trace: trace.map(TraceView::finish),
        stopped,
        worst_lag,
    })
}

/// `12.500` in the scenario's unit, padded for alignment.
fn stamp(sc: &Scenario, t: Ticks) -> String {
    format!("{:>9.3} {}", sc.unit.from_ticks(t), sc.unit.name())
}

/// Runs `sc` and returns its whole JSON report (`cafe run --format json`).
pub fn json_report(sc: &Scenario, spec: RunSpec) -> io::Result<JsonReport> {
    let want = Want { report: true, ..Want::default() };
    Ok(run(sc, spec, want, &mut io::sink())?.report.expect("asked for"))
}

/// Collects a run's narrative as `(time, line)` pairs on the virtual clock.
pub fn narrative_lines(sc: &Scenario, mode: Mode, seed: u64) -> Vec<(Ticks, String)> {
    let mut narrator = Narrator::new(sc, mode);
    let mut lines = Vec::new();
    let mut sink = |event: &Event<'_>| narrator.event(event, |t, line| lines.push((t, line.to_string())));
    engine::run(sc, mode, seed, &mut VirtualClock, &mut sink);
    lines
}
