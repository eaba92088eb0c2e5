//! Running a scenario and presenting it: what the `cafe` command calls.

use std::io::{self, Write};

use crate::clock::RealClock;
use crate::engine::{self, Clock, Mode, Outcome, VirtualClock};
use crate::event::{Event, Sink};
use crate::model::Scenario;
use crate::time::Ticks;
use crate::view::json::{JsonView, Report};
use crate::view::narrative::Narrator;
use crate::view::stats::{Stats, StatsView};
use crate::view::trace::{Trace, TraceView};

/// Which clock paces a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockKind {
    /// Instant and deterministic.
    Virtual,
    /// Wall time, at `speed` seconds of scenario time per second.
    Real { speed: f64 },
}

impl ClockKind {
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Virtual => "virtual",
            ClockKind::Real { .. } => "real",
        }
    }
}

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSpec {
    pub mode: Mode,
    pub clock: ClockKind,
    pub seed: u64,
}

fn with_clock<R>(kind: ClockKind, f: impl FnOnce(&mut dyn Clock) -> R) -> io::Result<R> {
    match kind {
        ClockKind::Virtual => Ok(f(&mut VirtualClock)),
        ClockKind::Real { speed } => Ok(f(&mut RealClock::new(speed)?)),
    }
}

/// What a run should produce besides its outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Want {
    /// Write the narrative to the output as it happens (stamped with scenario time
    /// when `timestamps`).
    pub narrative: bool,
    pub timestamps: bool,
    /// Build the JSON report (which always carries the statistics).
    pub report: bool,
    pub stats: bool,
    /// Build the lanes a timeline draws; `order_lanes` adds one lane per order.
    pub trace: bool,
    pub order_lanes: bool,
}

/// What a run produced.
pub struct Ran {
    pub outcome: Outcome,
    pub report: Option<Report>,
    pub stats: Option<Stats>,
    pub trace: Option<Trace>,
}

/// The views a run feeds, each optional.
struct Views<'s, 'w> {
    sc: &'s Scenario,
    narrator: Option<Narrator<'s>>,
    timestamps: bool,
    out: &'w mut dyn Write,
    failed: Option<io::Error>,
    report: Option<JsonView<'s>>,
    stats: Option<StatsView<'s>>,
    trace: Option<TraceView<'s>>,
}

impl Sink for Views<'_, '_> {
    fn event(&mut self, event: &Event<'_>) {
        if let Some(narrator) = &mut self.narrator {
            let (out, failed, sc, timestamps) = (&mut *self.out, &mut self.failed, self.sc, self.timestamps);
            narrator.event(event, |t, line| {
                if failed.is_some() {
                    return;
                }
                let result = if timestamps {
                    writeln!(out, "[{}] {line}", stamp(sc, t))
                } else {
                    writeln!(out, "{line}")
                };
                if let Err(e) = result.and_then(|_| out.flush()) {
                    *failed = Some(e);
                }
            });
        }
        if let Some(v) = &mut self.report {
            v.event(event);
        }
        if let Some(v) = &mut self.stats {
            v.event(event);
        }
        if let Some(v) = &mut self.trace {
            v.event(event);
        }
    }
}

/// Runs `sc`, writing its narrative to `out` as it happens if asked, and returns what
/// `want` asks for.
pub fn run(sc: &Scenario, spec: RunSpec, want: Want, out: &mut dyn Write) -> io::Result<Ran> {
    let mut views = Views {
        sc,
        narrator: want.narrative.then(|| Narrator::new(sc, spec.mode)),
        timestamps: want.timestamps,
        out,
        failed: None,
        report: want.report.then(|| JsonView::new(sc, spec.mode, spec.clock.name(), spec.seed)),
        stats: (want.stats || want.report).then(|| StatsView::new(sc)),
        trace: want.trace.then(|| TraceView::new(sc, spec.mode, want.order_lanes)),
    };
    let outcome = with_clock(spec.clock, |clock| engine::run(sc, spec.mode, spec.seed, clock, &mut views))?;
    if let Some(e) = views.failed {
        return Err(e);
    }
    let stats = views.stats.map(StatsView::finish);
    let report = views.report.map(|v| {
        let mut r = v.finish(outcome);
        r.stats = stats.clone();
        r
    });
    Ok(Ran {
        outcome,
        report,
        stats: stats.filter(|_| want.stats),
        trace: views.trace.map(TraceView::finish),
    })
}

/// `12.500` in the scenario's unit, padded for alignment.
fn stamp(sc: &Scenario, t: Ticks) -> String {
    format!("{:>9.3} {}", sc.unit.from_ticks(t), sc.unit.name())
}

/// Runs `sc` and returns the whole JSON report.
pub fn report(sc: &Scenario, spec: RunSpec) -> io::Result<Report> {
    let want = Want { report: true, ..Want::default() };
    Ok(run(sc, spec, want, &mut io::sink())?.report.expect("asked for"))
}

/// Both kitchens on the virtual clock.
#[derive(Clone, Copy, Debug)]
pub struct Comparison {
    pub sync: Outcome,
    pub async_: Outcome,
}

impl Comparison {
    /// How many times faster the asynchronous kitchen is.
    pub fn speedup(&self) -> f64 {
        self.sync.end as f64 / self.async_.end.max(1) as f64
    }

    /// A small table, times in the scenario's unit.
    pub fn render(&self, sc: &Scenario) -> String {
        let u = sc.unit;
        let served = |o: &Outcome| format!("{} served", o.served);
        format!(
            "{name}: {summary}\n\n  synchronous   {s:>10.2} {unit}  {ss}\n  asynchronous  {a:>10.2} {unit}  {sa}\n  speedup       {x:>10.2}x\n",
            name = sc.name,
            summary = sc.summary,
            s = u.from_ticks(self.sync.end),
            a = u.from_ticks(self.async_.end),
            unit = u.name(),
            ss = served(&self.sync),
            sa = served(&self.async_),
            x = self.speedup(),
        )
    }
}

/// Runs both modes on the virtual clock.
pub fn compare(sc: &Scenario, seed: u64) -> Comparison {
    let mut none = crate::event::Discard;
    let sync = engine::run(sc, Mode::Sync, seed, &mut VirtualClock, &mut none);
    let async_ = engine::run(sc, Mode::Async, seed, &mut VirtualClock, &mut none);
    Comparison { sync, async_ }
}

/// Collects a run's narrative as `(time, line)` pairs on the virtual clock.
pub fn narrative_lines(sc: &Scenario, mode: Mode, seed: u64) -> Vec<(Ticks, String)> {
    let mut narrator = Narrator::new(sc, mode);
    let mut lines = Vec::new();
    let mut sink = |event: &Event<'_>| narrator.event(event, |t, line| lines.push((t, line.to_string())));
    engine::run(sc, mode, seed, &mut VirtualClock, &mut sink);
    lines
}
