//! One run of a scenario on either clock, feeding the views it is asked for: the
//! narrative (with the live panel on a terminal), the JSON report, the statistics,
//! the trace and the exports.

use std::io::{self, Write};

use std::cell::{Cell, RefCell};
#[cfg(feature = "export")]
use std::path::PathBuf;
use std::rc::Rc;

use super::{RunOverran, TooManyCustomers};
#[cfg(feature = "real-clock")]
use crate::clock::{Behind, Lag, RealClock};
use crate::clock::{Cancel, Pacing, Stopped};
use crate::engine::{self, Clock, Outcome, VirtualClock};
use crate::event::{Event, Sink};
use crate::model::{Mode, Scenario};
use crate::time::Ticks;
use crate::view::columns::{ColumnsView, TableSet, Tables};
use crate::view::event_loop::{LoopRecord, LoopView};
#[cfg(feature = "export")]
use crate::view::export::Exports;
use crate::view::json::{JsonDocument, JsonReport, JsonStream, JsonView};
use crate::view::live::LiveState;
use crate::view::narrative::Narrator;
use crate::view::stats::{NothingMeasured, Stats, StatsView};
use crate::view::trace::{Trace, TraceView};
use crate::view::waits::WhyView;

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
    /// Write the event loop's view to the output as it happens, in place of the
    /// narrative (whose lines it shows inside the handles that print them): each
    /// pass, the timers it moves, the handles it runs (see
    /// [`crate::view::event_loop`]). Asynchronous kitchen only: the synchronous
    /// kitchen has no loop, and writes nothing.
    pub event_loop: bool,
    /// Keep the event loop's view by pass ([`Ran::event_loop`]); asynchronous
    /// kitchen only.
    pub loop_record: bool,
    /// Say why the orders took longer than their recipes ([`Ran::why`]): the orders
    /// that took longest above their longest chain of steps, and what they waited
    /// for (a cook, equipment, the loop, the door).
    pub why: bool,
    /// Build the JSON report (which always carries the statistics): [`Ran::report`].
    pub report: bool,
    /// Stream the JSON report ([`Ran::json`]): the same document as
    /// `serde_json::to_string_pretty` of [`Ran::report`] and a line break, built in
    /// memory that does not grow with the run (see [`JsonStream`]).
    pub json: bool,
    /// Gather the statistics ([`Ran::stats`]).
    pub stats: bool,
    /// Build the lanes a timeline draws ([`Ran::trace`]).
    pub trace: bool,
    /// With `trace`: add one lane per order.
    pub order_lanes: bool,
    /// Build these tables in memory as columns ([`Ran::tables`]): the CSV export's
    /// tables, for a dataframe library (see [`ColumnsView`]).
    pub tables: Option<TableSet>,
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
    /// Stops the run before its time passes this: everything at this time or before
    /// happens, nothing after, and the run ends as if the clock had stopped it
    /// (`outcome.finished` false, [`Ran::stopped`] `None`): the same run again, up
    /// to where a run stopped early ended. `None`: no bound.
    pub until: Option<Ticks>,
    /// On the real clock with [`Behind::Warn`]: called the first time the run falls
    /// behind (the command prints a warning on stderr).
    #[cfg(feature = "real-clock")]
    pub on_first_lag: Option<fn(Lag)>,
    /// The most customers the run may let in (each `arrived` event is one): the
    /// run stops at its next step once one more has come in, and [`run`] returns an
    /// [`std::io::Error`] of kind `InvalidData` carrying a [`TooManyCustomers`]. For a
    /// caller that cannot afford a run of any size (a server), whatever the
    /// scenario's expected count says: a heavy-tailed interarrival time can let in far
    /// more than its mean suggests. `None` (the default): no bound.
    pub max_customers: Option<u64>,
    /// With a [`Want::warmup`]: a run that ends (not stopped early) having measured
    /// nothing after it ([`NothingMeasured`]: it ended before the warm-up did, or no
    /// customer arrived after it) is an error, and nothing of it is kept, as for an
    /// overrun: [`run`] returns an [`std::io::Error`] of kind `InvalidInput` carrying the
    /// [`NothingMeasured`], and writes no export file and no JSON report. (The
    /// narrative, written as the run went, stays written.) `false` (the default): the
    /// run returns its statistics, all 0.
    pub require_measured: bool,
}

/// What a run produced.
pub struct Ran {
    /// How the run ended.
    pub outcome: Outcome,
    /// The JSON report, if [`Want::report`] asked for it.
    pub report: Option<JsonReport>,
    /// The JSON report to write, if [`Want::json`] asked for it.
    pub json: Option<JsonDocument>,
    /// The statistics, if [`Want::stats`] asked for them.
    pub stats: Option<Stats>,
    /// The trace, if [`Want::trace`] asked for it.
    pub trace: Option<Trace>,
    /// The tables [`Want::tables`] asked for, as columns.
    pub tables: Option<Tables>,
    /// The event loop's passes, if [`Want::loop_record`] asked for them (and the
    /// kitchen was asynchronous).
    pub event_loop: Option<LoopRecord>,
    /// If [`Want::why`] asked: the orders that took longest above their longest
    /// chain of steps and what they waited for, a sentence each
    /// ([`crate::view::why::took_longest`]).
    pub why: Option<Vec<String>>,
    /// Why the run stopped early, if it did: cancelled (either clock), or fell behind
    /// (the real clock). A run stopped by a failed write of its narrative or exports
    /// returns that error instead.
    pub stopped: Option<Stopped>,
    /// The worst lag behind real time beyond the tolerance, and when (scenario time).
    pub worst_lag: Option<(std::time::Duration, Ticks)>,
}

/// The outcome, statistics and why it stopped; the larger products (reports,
/// trace, tables, the loop's passes) only by whether they are there.
impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Elided;
        impl std::fmt::Debug for Elided {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("..")
            }
        }
        f.debug_struct("Ran")
            .field("outcome", &self.outcome)
            .field("report", &self.report.as_ref().map(|_| Elided))
            .field("json", &self.json.as_ref().map(|_| Elided))
            .field("stats", &self.stats)
            .field("trace", &self.trace.as_ref().map(|_| Elided))
            .field("tables", &self.tables.as_ref().map(|_| Elided))
            .field("event_loop", &self.event_loop.as_ref().map(|_| Elided))
            .field("why", &self.why)
            .field("stopped", &self.stopped)
            .field("worst_lag", &self.worst_lag)
            .finish()
    }
}

/// Where the narrative goes: line by line, with the live panel (if any) kept under
/// it, erased and redrawn in place. The writer is flushed after each line and each
/// panel only on the real clock, where a reader watches the run as it happens; on
/// the virtual clock the caller's buffering decides (the `cafe` command writes
/// through one buffer), and the writer is flushed once, when the run ends.
struct Terminal<'s, 'w> {
    out: &'w mut dyn Write,
    failed: Option<io::Error>,
    live: Option<LiveState<'s>>,
    /// The live panel's width.
    #[cfg(feature = "real-clock")]
    width: usize,
    /// Lines of panel currently on screen.
    panel: usize,
    /// Flush after every line and panel: the real clock.
    flush_lines: bool,
    /// A line with its time stamp, made without allocating.
    stamped: String,
}

impl Terminal<'_, '_> {
    fn write(&mut self, text: &str) {
        if self.failed.is_none() {
            if let Err(e) = self.out.write_all(text.as_bytes()) {
                self.failed = Some(e);
            }
        }
    }

    fn flush(&mut self) {
        if self.failed.is_none() {
            if let Err(e) = self.out.flush() {
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
            if self.flush_lines {
                self.flush();
            }
        }
    }

    fn line(&mut self, line: &str) {
        if self.panel > 0 {
            self.erase_panel();
        }
        self.write(line);
        self.write("\n");
        if self.flush_lines {
            self.flush();
        }
    }

    /// `line` after its time stamp: `[   12.500 s] line`.
    fn stamped_line(&mut self, sc: &Scenario, t: Ticks, line: &str) {
        use std::fmt::Write as _;
        let mut text = std::mem::take(&mut self.stamped);
        text.clear();
        let _ = write!(text, "[{:>9.3} {}] {line}", sc.unit.from_ticks(t), sc.unit.name());
        self.line(&text);
        self.stamped = text;
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
        if self.flush_lines {
            self.flush();
        }
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

/// The views that write as the run goes and can fail: the narrative (with the live
/// panel) and the exports. A failed write stops the run at its next step.
struct Writers<'s, 'w> {
    sc: &'s Scenario,
    /// `None` when the narrative was not asked for, or no event prints a line, or
    /// the loop view shows it.
    narrator: Option<Narrator<'s>>,
    /// The event loop's view, if asked for; `loop_print` writes it out.
    loop_view: Option<LoopView<'s>>,
    loop_print: bool,
    /// Why the orders waited, if asked for.
    why: Option<WhyView<'s>>,
    timestamps: bool,
    term: Rc<RefCell<Terminal<'s, 'w>>>,
    #[cfg(feature = "export")]
    exports: Exports<'s>,
    /// Set at the first failed write: the run then stops.
    failed: Rc<Cell<bool>>,
}

impl Sink for Writers<'_, '_> {
    fn event(&mut self, event: &Event<'_>) {
        if let Some(why) = &mut self.why {
            why.event(event);
        }
        let mut term = self.term.borrow_mut();
        if let Some(view) = &mut self.loop_view {
            let print = self.loop_print;
            view.event(event, |line| {
                if print {
                    term.line(line);
                }
            });
            if event.kind.is_loop() {
                // The loop's own events are for the loop view alone.
                if term.failed.is_some() {
                    self.failed.set(true);
                }
                return;
            }
        }
        if let Some(live) = &mut term.live {
            live.event(event);
        }
        if let Some(narrator) = &mut self.narrator {
            let (sc, timestamps) = (self.sc, self.timestamps);
            narrator.event(event, |t, line| match timestamps {
                true => term.stamped_line(sc, t, line),
                false => term.line(line),
            });
        }
        let term_failed = term.failed.is_some();
        drop(term);
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

    fn wants_loop(&self) -> bool {
        self.loop_view.is_some()
    }
}

/// A view a run was not asked for: it takes no event, and costs nothing.
struct Off;

impl Sink for Off {
    #[inline(always)]
    fn event(&mut self, _: &Event<'_>) {}
}

/// A view a run may or may not feed, decided when the run starts.
struct Maybe<V>(Option<V>);

impl<V: Sink> Sink for Maybe<V> {
    #[inline(always)]
    fn event(&mut self, event: &Event<'_>) {
        if let Some(v) = &mut self.0 {
            v.event(event);
        }
    }

    #[inline(always)]
    fn wants_loop(&self) -> bool {
        self.0.as_ref().is_some_and(Sink::wants_loop)
    }
}

/// One slot of [`Views`]: the view `V`, [`Off`], or [`Maybe`] of it; gives the
/// view back when the run ends.
trait Slot<V>: Sink {
    fn into_view(self) -> Option<V>;
}

impl<V> Slot<V> for Off {
    fn into_view(self) -> Option<V> {
        None
    }
}

impl<V: Sink> Slot<V> for Maybe<V> {
    fn into_view(self) -> Option<V> {
        self.0
    }
}

impl<'s> Slot<StatsView<'s>> for StatsView<'s> {
    fn into_view(self) -> Option<StatsView<'s>> {
        Some(self)
    }
}

impl<'s> Slot<JsonStream<'s>> for JsonStream<'s> {
    fn into_view(self) -> Option<JsonStream<'s>> {
        Some(self)
    }
}

impl<'s> Slot<ColumnsView<'s>> for ColumnsView<'s> {
    fn into_view(self) -> Option<ColumnsView<'s>> {
        Some(self)
    }
}

impl<'s> Slot<TraceView<'s>> for TraceView<'s> {
    fn into_view(self) -> Option<TraceView<'s>> {
        Some(self)
    }
}

/// The views a run feeds, one slot each. A slot's type says whether it is there:
/// the commonest runs ([`run`] picks them) have each view or [`Off`], so that the
/// engine, generic over its sink, calls the views asked for directly and nothing
/// else; any other run has [`Maybe`] in every slot.
struct Views<W, R, J, S, T, C> {
    writers: W,
    report: R,
    json: J,
    stats: S,
    trace: T,
    columns: C,
}

impl<W: Sink, R: Sink, J: Sink, S: Sink, T: Sink, C: Sink> Sink for Views<W, R, J, S, T, C> {
    #[inline(always)]
    fn event(&mut self, event: &Event<'_>) {
        self.writers.event(event);
        self.report.event(event);
        self.json.event(event);
        self.stats.event(event);
        self.trace.event(event);
        self.columns.event(event);
    }

    /// Only the writers can hold the loop view.
    #[inline(always)]
    fn wants_loop(&self) -> bool {
        self.writers.wants_loop()
    }
}

/// The views, given back after the run.
struct Fed<'s, 'w> {
    writers: Option<Writers<'s, 'w>>,
    report: Option<JsonView<'s>>,
    json: Option<JsonStream<'s>>,
    stats: Option<StatsView<'s>>,
    trace: Option<TraceView<'s>>,
    columns: Option<ColumnsView<'s>>,
}

/// [`Views`] of any slots: gives their views back after the run.
trait IntoFed<'s, 'w> {
    fn into_fed(self) -> Fed<'s, 'w>;
}

impl<'s, 'w, W, R, J, S, T, C> IntoFed<'s, 'w> for Views<W, R, J, S, T, C>
where
    W: Slot<Writers<'s, 'w>>,
    R: Slot<JsonView<'s>>,
    J: Slot<JsonStream<'s>>,
    S: Slot<StatsView<'s>>,
    T: Slot<TraceView<'s>>,
    C: Slot<ColumnsView<'s>>,
{
    fn into_fed(self) -> Fed<'s, 'w> {
        Fed {
            writers: self.writers.into_view(),
            report: self.report.into_view(),
            json: self.json.into_view(),
            stats: self.stats.into_view(),
            trace: self.trace.into_view(),
            columns: self.columns.into_view(),
        }
    }
}

/// Any run: every slot decided at run time.
type AnyViews<'s, 'w> = Views<
    Maybe<Writers<'s, 'w>>,
    Maybe<JsonView<'s>>,
    Maybe<JsonStream<'s>>,
    Maybe<StatsView<'s>>,
    Maybe<TraceView<'s>>,
    Maybe<ColumnsView<'s>>,
>;

/// Stops a run at its next step once it is cancelled, a write has failed (there is
/// no point going on when the output is gone: `cafe run ... | head -1`), or it has
/// let in too many customers ([`Want::max_customers`]).
pub(super) struct Watched<'a, C: Clock + ?Sized> {
    pub(super) inner: &'a mut C,
    pub(super) cancel: &'a Cancel,
    pub(super) failed: &'a Cell<bool>,
    /// When one customer more than [`Want::max_customers`] came in.
    pub(super) over: &'a Cell<Option<Ticks>>,
    /// [`Want::until`] (`Ticks::MAX` for none).
    pub(super) until: Ticks,
}

impl<C: Clock + ?Sized> Clock for Watched<'_, C> {
    #[inline]
    fn advance(&mut self, t: Ticks) -> bool {
        t <= self.until
            && !self.cancel.is_cancelled()
            && !self.failed.get()
            && self.over.get().is_none()
            && self.inner.advance(t)
    }

    #[inline]
    fn elapsed(&self, t: Ticks) -> Ticks {
        self.inner.elapsed(t)
    }
}

/// What a run feeds besides its views, on the general path: the caller's watcher
/// ([`run_watched`]), and the count of customers let in against
/// [`Want::max_customers`].
pub(super) struct Extra<'a, 'e, V> {
    pub(super) views: V,
    pub(super) watch: Option<&'a mut (dyn Sink + 'e)>,
    pub(super) most: Option<u64>,
    pub(super) admitted: u64,
    pub(super) over: &'a Cell<Option<Ticks>>,
}

impl<V: Sink> Sink for Extra<'_, '_, V> {
    fn event(&mut self, event: &Event<'_>) {
        if let crate::event::EventKind::Arrived { .. } = event.kind {
            self.admitted += 1;
            if self.most.is_some_and(|most| self.admitted > most) && self.over.get().is_none() {
                self.over.set(Some(event.t));
            }
        }
        // Each gets the loop's own events only if it asked for them.
        let is_loop = event.kind.is_loop();
        if !is_loop || self.views.wants_loop() {
            self.views.event(event);
        }
        if let Some(watch) = &mut self.watch {
            if !is_loop || watch.wants_loop() {
                watch.event(event);
            }
        }
    }

    fn wants_loop(&self) -> bool {
        self.views.wants_loop() || self.watch.as_ref().is_some_and(|w| w.wants_loop())
    }
}

impl<'s, 'w, V: IntoFed<'s, 'w>> IntoFed<'s, 'w> for Extra<'_, '_, V> {
    fn into_fed(self) -> Fed<'s, 'w> {
        self.views.into_fed()
    }
}

/// Runs `sc` on the virtual clock, feeding `views`.
fn on_virtual_clock<'s, 'w, V>(
    sc: &'s Scenario,
    spec: RunSpec,
    (cancel, failed, over, until): (&Cancel, &Cell<bool>, &Cell<Option<Ticks>>, Ticks),
    mut views: V,
) -> (Outcome, Fed<'s, 'w>)
where
    V: Sink + IntoFed<'s, 'w>,
{
    let mut clock = Watched { inner: &mut VirtualClock, cancel, failed, over, until };
    let outcome = engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views);
    (outcome, views.into_fed())
}

/// Runs `sc`, writing its narrative to `out` as it happens if asked, and returns what
/// `want` asks for. A run stopped early (cancelled through `want.cancel`, or falling
/// behind with [`Behind::Stop`]) still returns everything up to that moment, and its
/// exports hold everything up to that moment. A failed write (the narrative's or an
/// export's) stops the run at its next step and is returned. Export files are
/// written completely or not at all.
///
/// `out` is flushed after every line on the real clock, and once at the end on the
/// virtual clock: pass a buffered writer (the `cafe` command passes its one buffer
/// of standard output) rather than a bare file or pipe, which would take a system
/// call per line.
///
/// A run that asks only for the statistics, for them and the streamed JSON report,
/// or for them and the trace, feeds exactly those views (the engine calls them
/// directly); any other combination goes through a check per view and event. A
/// narrative whose every line list is empty is not fed at all.
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
///
/// # Errors
///
/// Before anything runs: `InvalidInput` carrying a [`ModelError`](crate::model::ModelError)
/// for a scenario that fails [`Scenario::check`] (one built or changed in code), or
/// for a real clock, its [`check_speed`](crate::clock::check_speed) message; an
/// export file that cannot be created. As it runs: `InvalidData` carrying a
/// [`RunOverran`] or a [`TooManyCustomers`]; a failed write. ([`Error`](super::Error)
/// converts each into its own variant.)
pub fn run(sc: &Scenario, spec: RunSpec, want: Want, out: &mut dyn Write) -> io::Result<Ran> {
    run_fed(sc, spec, want, out, None)
}

/// [`run`], also feeding every event to `watch` as it happens: on the real clock,
/// as the clock reaches it. For a caller that shows a run while it goes (the
/// studio streams a live run's events to the page); what `run` returns is the
/// same. The watcher gets the event loop's own events only if it asks for them
/// ([`Sink::wants_loop`]).
///
/// ```
/// use async_cafe::{builtin, event::{Event, EventKind}, model::Mode, ops};
///
/// let cafe = builtin::find("cafe").unwrap().load().unwrap();
/// let spec = ops::RunSpec { mode: Mode::Async, clock: ops::ClockKind::Virtual, seed: cafe.seed };
/// let mut arrived = Vec::new();
/// let mut watch = |e: &Event<'_>| if let EventKind::Arrived { order } = e.kind { arrived.push(order.id) };
/// let want = ops::Want { stats: true, ..Default::default() };
/// let ran = ops::run_watched(&cafe, spec, want, &mut std::io::sink(), &mut watch).unwrap();
/// assert_eq!(arrived, [1, 2]);
/// assert_eq!(ran.stats.unwrap().served, 2);
/// ```
pub fn run_watched(
    sc: &Scenario,
    spec: RunSpec,
    want: Want,
    out: &mut dyn Write,
    watch: &mut dyn Sink,
) -> io::Result<Ran> {
    run_fed(sc, spec, want, out, Some(watch))
}

/// [`run`], feeding `watch` too if there is one.
fn run_fed(
    sc: &Scenario,
    spec: RunSpec,
    want: Want,
    out: &mut dyn Write,
    watch: Option<&mut dyn Sink>,
) -> io::Result<Ran> {
    // A scenario built or changed in code, checked before the engine relies on it.
    sc.check().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    #[cfg(feature = "export")]
    let exports = Exports::create(sc, want.events.as_deref(), want.csv.as_deref())?;
    #[cfg(feature = "export")]
    let exporting = !exports.is_empty();
    #[cfg(not(feature = "export"))]
    let exporting = false;
    let real = spec.clock.pacing() == Pacing::Real;
    let live = want.live && real;
    let json = match want.json {
        true => Some(JsonStream::new(sc, spec.mode, spec.clock.pacing(), spec.seed)?),
        false => None,
    };
    let term = Rc::new(RefCell::new(Terminal {
        out,
        failed: None,
        live: live.then(|| LiveState::new(sc, spec.mode)),
        #[cfg(feature = "real-clock")]
        width: want.width.max(20),
        panel: 0,
        flush_lines: real,
        stamped: String::new(),
    }));
    let failed = Rc::new(Cell::new(false));
    let asynchronous = spec.mode == Mode::Async;
    let loop_print = want.event_loop && asynchronous;
    let loop_view = (loop_print || (want.loop_record && asynchronous))
        .then(|| LoopView::new(sc, spec.seed, want.loop_record));
    let narrative = want.narrative && !loop_print;
    let narrator = narrative.then(|| Narrator::new(sc, spec.mode)).filter(|n| !n.is_silent());
    let why = want.why.then(|| WhyView::new(sc));
    let writers =
        (narrator.is_some() || live || exporting || loop_view.is_some() || why.is_some()).then(|| Writers {
            sc,
            narrator,
            loop_view,
            loop_print,
            why,
            timestamps: want.timestamps,
            term: Rc::clone(&term),
            #[cfg(feature = "export")]
            exports,
            failed: Rc::clone(&failed),
        });
    let report = want.report.then(|| JsonView::new(sc, spec.mode, spec.clock.pacing(), spec.seed));
    let stats = (want.stats || want.report || want.json || want.require_measured)
        .then(|| StatsView::with_warmup(sc, crate::time::ticks(want.warmup)));
    let trace = want.trace.then(|| TraceView::new(sc, spec.mode, want.order_lanes));
    let (cancel, failed_now) = (&want.cancel, &*failed);
    let over = &Cell::new(None);
    let until = want.until.unwrap_or(Ticks::MAX);
    let stops = (cancel, failed_now, over, until);
    let columns = want.tables.map(|which| ColumnsView::new(sc, which));
    // A watcher or a bound on the customers takes the general path.
    let extra = (watch.is_some() || want.max_customers.is_some()).then_some(());
    let (outcome, fed, stopped, worst_lag) =
        match (spec.clock, writers, report, json, stats, trace, columns, extra) {
            // The commonest runs on the virtual clock: `cafe run --stats` of a scenario
            // without a narrative, `--format json`, `cafe compare`.
            (ClockKind::Virtual, None, None, None, Some(stats), None, None, None) => {
                let views = Views { writers: Off, report: Off, json: Off, stats, trace: Off, columns: Off };
                let (outcome, fed) = on_virtual_clock(sc, spec, stops, views);
                (outcome, fed, None, None)
            }
            (ClockKind::Virtual, None, None, Some(json), Some(stats), None, None, None) => {
                let views = Views { writers: Off, report: Off, json, stats, trace: Off, columns: Off };
                let (outcome, fed) = on_virtual_clock(sc, spec, stops, views);
                (outcome, fed, None, None)
            }
            (ClockKind::Virtual, None, None, None, Some(stats), Some(trace), None, None) => {
                let views = Views { writers: Off, report: Off, json: Off, stats, trace, columns: Off };
                let (outcome, fed) = on_virtual_clock(sc, spec, stops, views);
                (outcome, fed, None, None)
            }
            (clock, writers, report, json, stats, trace, columns, _) => {
                let views: AnyViews<'_, '_> = Views {
                    writers: Maybe(writers),
                    report: Maybe(report),
                    json: Maybe(json),
                    stats: Maybe(stats),
                    trace: Maybe(trace),
                    columns: Maybe(columns),
                };
                #[cfg_attr(not(feature = "real-clock"), allow(unused_mut))]
                let mut views = Extra { views, watch, most: want.max_customers, admitted: 0, over };
                match clock {
                    ClockKind::Virtual => {
                        let (outcome, fed) = on_virtual_clock(sc, spec, stops, views);
                        (outcome, fed, None, None)
                    }
                    #[cfg(feature = "real-clock")]
                    ClockKind::Real { speed, behind } => {
                        let mut real = RealClock::new(speed, behind)?
                            .cancel_on(cancel.clone())
                            .on_first_lag(want.on_first_lag);
                        let outcome = if live {
                            let mut panel = PanelClock {
                                inner: &mut real,
                                term: Rc::clone(&term),
                                speed,
                                last_t: 0,
                                last_draw: None,
                            };
                            let mut clock =
                                Watched { inner: &mut panel, cancel, failed: failed_now, over, until };
                            engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views)
                        } else {
                            let mut clock =
                                Watched { inner: &mut real, cancel, failed: failed_now, over, until };
                            engine::run(sc, spec.mode, spec.seed, &mut clock, &mut views)
                        };
                        (outcome, views.into_fed(), real.stopped(), real.worst_lag())
                    }
                }
            }
        };
    let stopped = stopped.or((!outcome.finished && cancel.is_cancelled()).then_some(Stopped::Interrupted));
    let Fed { writers, report, json, stats, trace, columns } = fed;
    #[cfg(feature = "export")]
    let (exports, loop_view, why) = match writers {
        Some(w) => (Some(w.exports), w.loop_view, w.why),
        None => (None, None, None),
    };
    #[cfg(not(feature = "export"))]
    let (loop_view, why) = writers.map_or((None, None), |w| (w.loop_view, w.why));
    if let (Some(at), Some(most)) = (over.get(), want.max_customers) {
        // Like an overrun: nothing of a run cut short by its bound is kept.
        #[cfg(feature = "export")]
        drop(exports);
        drop(json);
        term.borrow_mut().erase_panel();
        return Err(io::Error::new(io::ErrorKind::InvalidData, TooManyCustomers { most, at }));
    }
    if let Some(overrun) = outcome.overrun {
        // Nothing of a run that could not go on is kept: no export file is written.
        #[cfg(feature = "export")]
        drop(exports);
        drop(json);
        term.borrow_mut().erase_panel();
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            RunOverran { message: overrun.message(sc), overrun },
        ));
    }
    let stats = stats.map(StatsView::finish);
    if let (true, None, Some(s)) = (want.require_measured, stopped, &stats) {
        if let Some(nothing) = NothingMeasured::of(sc, want.warmup, std::slice::from_ref(s)) {
            // Statistics of nothing are refused: nothing of the run is kept.
            #[cfg(feature = "export")]
            drop(exports);
            drop(json);
            let mut term = term.borrow_mut();
            term.erase_panel();
            term.flush();
            return Err(io::Error::new(io::ErrorKind::InvalidInput, nothing));
        }
    }
    #[cfg(feature = "export")]
    if let Some(exports) = exports {
        exports.finish()?;
    }
    let mut term = term.borrow_mut();
    term.erase_panel();
    term.flush();
    if let Some(e) = term.failed.take() {
        return Err(e);
    }
    let json = json.map(|j| j.finish(outcome, stats.as_ref())).transpose()?;
    let report = report.map(|v| {
        let mut r = v.finish(outcome);
        r.stats = stats.clone();
        r
    });
    Ok(Ran {
        outcome,
        report,
        json,
        stats: stats.filter(|_| want.stats),
        trace: trace.map(TraceView::finish),
        tables: columns.map(ColumnsView::finish),
        event_loop: loop_view.and_then(LoopView::finish),
        why: why.map(|w| w.finish()),
        stopped,
        worst_lag,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin;

    /// A writer that notes how many lines it holds at each flush.
    #[cfg(feature = "real-clock")]
    #[derive(Default)]
    struct Flushes {
        text: Vec<u8>,
        at: Vec<usize>,
    }

    #[cfg(feature = "real-clock")]
    impl Write for Flushes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.text.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.at.push(self.text.iter().filter(|&&b| b == b'\n').count());
            Ok(())
        }
    }

    #[cfg(feature = "real-clock")]
    fn narrate(clock: ClockKind) -> Flushes {
        let sc = builtin::find("hi").unwrap().load().unwrap();
        let spec = RunSpec { mode: Mode::Async, clock, seed: sc.seed };
        let mut out = Flushes::default();
        run(&sc, spec, Want { narrative: true, ..Want::default() }, &mut out).unwrap();
        out
    }

    #[cfg(feature = "real-clock")]
    #[test]
    fn the_narrative_is_flushed_line_by_line_on_the_real_clock_only() {
        use crate::clock::Behind;
        let real = narrate(ClockKind::Real { speed: 1000.0, behind: Behind::Warn });
        let lines = real.at.last().copied().unwrap();
        assert!(lines > 3);
        // After each line (and once more at the end).
        let mut each: Vec<usize> = (1..=lines).collect();
        each.push(lines);
        assert_eq!(real.at, each);
        // On the virtual clock, once, at the end: the same text.
        let virtual_ = narrate(ClockKind::Virtual);
        assert_eq!(virtual_.at, [lines]);
        assert_eq!(virtual_.text, real.text);
    }

    /// `--loop` on the real clock is live: every line of the loop view is flushed as
    /// it is written, and the text is the virtual clock's.
    #[cfg(feature = "real-clock")]
    #[test]
    fn the_loop_view_is_flushed_line_by_line_on_the_real_clock() {
        use crate::clock::Behind;
        let sc = builtin::find("hi").unwrap().load().unwrap();
        let watch = |clock| {
            let spec = RunSpec { mode: Mode::Async, clock, seed: sc.seed };
            let mut out = Flushes::default();
            run(&sc, spec, Want { event_loop: true, ..Want::default() }, &mut out).unwrap();
            out
        };
        let real = watch(ClockKind::Real { speed: 1000.0, behind: Behind::Warn });
        let lines = real.at.last().copied().unwrap();
        assert!(lines > 20, "{lines}");
        let mut each: Vec<usize> = (1..=lines).collect();
        each.push(lines);
        assert_eq!(real.at, each);
        let virtual_ = watch(ClockKind::Virtual);
        assert_eq!(virtual_.text, real.text);
        assert!(String::from_utf8(real.text).unwrap().starts_with("pass 1 · 0.000 s\n"));
    }

    #[test]
    fn a_watcher_sees_every_event_the_report_holds_and_changes_nothing() {
        let sc = builtin::find("lunch").unwrap().load().unwrap();
        let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
        let want = Want { report: true, ..Want::default() };
        let plain = run(&sc, spec, want.clone(), &mut io::sink()).unwrap().report.unwrap();
        let mut seen = Vec::new();
        let mut watch = |e: &Event<'_>| {
            seen.push(serde_json::to_value(crate::view::json::EventRecord::of(&sc, e)).unwrap())
        };
        let watched = run_watched(&sc, spec, want, &mut io::sink(), &mut watch).unwrap().report.unwrap();
        let events = serde_json::to_value(&plain.events).unwrap();
        assert_eq!(serde_json::Value::Array(seen), events);
        assert_eq!(serde_json::to_string(&watched).unwrap(), serde_json::to_string(&plain).unwrap());
    }

    #[test]
    fn a_bound_on_customers_stops_the_run_with_a_typed_error_and_lets_smaller_runs_be() {
        let sc = builtin::find("rush-hour").unwrap().load().unwrap();
        let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
        let all = run(&sc, spec, Want { report: true, ..Want::default() }, &mut io::sink()).unwrap();
        let all = all.report.unwrap();
        let arrived = all.orders.len() as u64;
        assert!(arrived > 10, "{arrived}");
        let bounded = |most| Want { report: true, max_customers: Some(most), ..Want::default() };
        let ran = run(&sc, spec, bounded(arrived), &mut io::sink()).unwrap().report.unwrap();
        assert_eq!(serde_json::to_string(&ran).unwrap(), serde_json::to_string(&all).unwrap());
        let e = run(&sc, spec, bounded(arrived - 1), &mut io::sink()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let too_many = *e.get_ref().unwrap().downcast_ref::<TooManyCustomers>().unwrap();
        assert_eq!(too_many.most, arrived - 1);
        assert!(e.to_string().contains(&format!("more than {} customers", arrived - 1)), "{e}");
        assert!(
            matches!(super::super::Error::from(e), super::super::Error::TooManyCustomers(t) if t == too_many)
        );
    }

    #[cfg(feature = "export")]
    #[test]
    fn a_run_that_must_measure_something_keeps_nothing_when_it_did_not() {
        let sc = builtin::find("lunch").unwrap().load().unwrap();
        let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
        let dir = tempfile::tempdir().unwrap();
        let want = |warmup_min: u64| Want {
            narrative: true,
            csv: Some(dir.path().join("csv")),
            events: Some(dir.path().join("events.jsonl")),
            warmup: std::time::Duration::from_secs(warmup_min * 60),
            require_measured: true,
            ..Want::default()
        };
        let mut out = Vec::new();
        let e = run(&sc, spec, want(100), &mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let nothing = e.get_ref().unwrap().downcast_ref::<NothingMeasured>().unwrap();
        assert_eq!(nothing.empty, 1);
        assert_eq!(
            e.to_string(),
            "the warm-up of 100 min leaves nothing to measure: the run ended at 10.00 min"
        );
        // The narrative was written as the run went; no file (the CSV's directory,
        // made when the run started, is empty).
        assert!(String::from_utf8(out).unwrap().ends_with("Eating after 10 min of prep time.\n"));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["csv"]);
        assert_eq!(std::fs::read_dir(dir.path().join("csv")).unwrap().count(), 0);
        // Without a warm-up there is always something.
        assert!(run(&sc, spec, want(0), &mut io::sink()).is_ok());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn the_commonest_runs_feed_the_views_they_ask_for_and_no_others() {
        // Statistics alone, with the JSON report, with the trace, and all at once
        // (the general path): the same statistics every way.
        let sc = builtin::find("rush-hour").unwrap().load().unwrap();
        let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
        let ran = |want: Want| run(&sc, spec, want, &mut io::sink()).unwrap();
        let alone = ran(Want { stats: true, ..Want::default() });
        let json = ran(Want { stats: true, json: true, ..Want::default() });
        let trace = ran(Want { stats: true, trace: true, ..Want::default() });
        let all = ran(Want {
            stats: true,
            json: true,
            trace: true,
            report: true,
            narrative: true,
            ..Want::default()
        });
        let stats = |r: &Ran| serde_json::to_string(r.stats.as_ref().unwrap()).unwrap();
        for r in [&json, &trace, &all] {
            assert_eq!(stats(r), stats(&alone));
            assert_eq!(r.outcome, alone.outcome);
        }
        assert!(alone.json.is_none() && alone.trace.is_none() && alone.report.is_none());
        assert!(json.json.is_some() && json.trace.is_none());
        assert!(trace.trace.is_some() && trace.json.is_none());
        assert!(all.json.is_some() && all.trace.is_some() && all.report.is_some());
        assert_eq!(all.trace.unwrap().lanes.len(), trace.trace.unwrap().lanes.len());
    }
}
