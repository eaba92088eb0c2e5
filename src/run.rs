//! Running a scenario and presenting it: what the `cafe` command calls.

use std::io::{self, Write};

use crate::clock::RealClock;
use crate::engine::{self, Clock, Mode, Outcome, VirtualClock};
use crate::event::Event;
use crate::model::Scenario;
use crate::time::Ticks;
use crate::view::json::{JsonView, Report};
use crate::view::narrative::Narrator;

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

/// Runs `sc` and writes its narrative to `out` as it happens, one flushed line at a
/// time, each stamped with its scenario time when `timestamps` is set.
pub fn narrate(sc: &Scenario, spec: RunSpec, timestamps: bool, out: &mut dyn Write) -> io::Result<Outcome> {
    let mut narrator = Narrator::new(sc, spec.mode);
    let mut failed: Option<io::Error> = None;
    let mut sink = |event: &Event<'_>| {
        narrator.event(event, |t, line| {
            if failed.is_some() {
                return;
            }
            let result =
                if timestamps { writeln!(out, "[{}] {line}", stamp(sc, t)) } else { writeln!(out, "{line}") };
            if let Err(e) = result.and_then(|_| out.flush()) {
                failed = Some(e);
            }
        })
    };
    let outcome = with_clock(spec.clock, |clock| engine::run(sc, spec.mode, spec.seed, clock, &mut sink))?;
    match failed {
        Some(e) => Err(e),
        None => Ok(outcome),
    }
}

/// `12.500` in the scenario's unit, padded for alignment.
fn stamp(sc: &Scenario, t: Ticks) -> String {
    format!("{:>9.3} {}", sc.unit.from_ticks(t), sc.unit.name())
}

/// Runs `sc` and returns the whole JSON report.
pub fn report(sc: &Scenario, spec: RunSpec) -> io::Result<Report> {
    let mut view = JsonView::new(sc, spec.mode, spec.clock.name(), spec.seed);
    let outcome = with_clock(spec.clock, |clock| engine::run(sc, spec.mode, spec.seed, clock, &mut view))?;
    Ok(view.finish(outcome))
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
