//! What the fuzz targets share: how an input becomes a scenario, and a bounded run.
//!
//! An input is a scenario's TOML, optionally followed by a NUL byte and the text
//! served for any file the scenario refers to (a replayed day's CSV), so one input
//! exercises both parsers. The seed corpus is made from the built-ins by
//! `fuzz/seed-corpus.sh`.

pub mod generate;

use std::cell::Cell;

use async_cafe::capacity;
use async_cafe::clock::Pacing;
use async_cafe::engine::{self, Clock, Mode};
use async_cafe::event::{Event, Sink};
use async_cafe::model::Scenario;
use async_cafe::scenario::{self, ScenarioError};
use async_cafe::time::Ticks;
use async_cafe::view::event_loop::LoopView;
use async_cafe::view::json::JsonView;
use async_cafe::view::narrative::Narrator;
use async_cafe::view::stats::StatsView;
use async_cafe::view::timeline::{self, TimelineOptions};
use async_cafe::view::trace::TraceView;

/// Loads the scenario an input describes, or `None` when the input is not text.
pub fn load(data: &[u8]) -> Option<Result<Scenario, ScenarioError>> {
    let (toml, file) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let toml = std::str::from_utf8(toml).ok()?;
    let file = file.map(|f| String::from_utf8_lossy(f).into_owned());
    // Whatever file the scenario names has `file`'s contents.
    let resolve = move |name: &str| match &file {
        Some(text) => Ok(scenario::FoundFile { display: name.to_string(), text: text.clone() }),
        None => Err(format!("cannot read {name}: no such file")),
    };
    Some(scenario::Source::new("fuzz", toml).resolver(&resolve).load())
}

/// A loaded scenario's problems must render, each with something to say.
pub fn check_error(err: &ScenarioError) {
    let text = err.render();
    assert!(!text.trim().is_empty(), "an error that says nothing");
}

/// The most events a fuzzed run may produce before its clock stops it: a run's work
/// is bounded by what it was asked, and this keeps each input quick.
const MAX_EVENTS: u64 = 5_000;

/// The virtual clock, stopping the run once `MAX_EVENTS` events have been seen.
struct Bounded<'a> {
    events: &'a Cell<u64>,
}

impl Clock for Bounded<'_> {
    fn advance(&mut self, _t: Ticks) -> bool {
        self.events.get() < MAX_EVENTS
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

/// Every view at once, counting events.
struct Views<'s> {
    events: &'s Cell<u64>,
    narrator: Narrator<'s>,
    lines: u64,
    stats: StatsView<'s>,
    trace: TraceView<'s>,
    json: JsonView<'s>,
    /// The loop view (asynchronous kitchen): the engine then sends the loop's own
    /// events too.
    event_loop: Option<LoopView<'s>>,
}

impl Sink for Views<'_> {
    fn event(&mut self, event: &Event<'_>) {
        self.events.set(self.events.get() + 1);
        let mut lines = 0;
        self.narrator.event(event, |_, line| lines += line.len() as u64 + 1);
        self.lines += lines;
        self.stats.event(event);
        self.trace.event(event);
        self.json.event(event);
        if let Some(view) = &mut self.event_loop {
            let mut lines = 0;
            view.event(event, |line| lines += line.len() as u64 + 1);
            self.lines += lines;
        }
    }

    fn wants_loop(&self) -> bool {
        self.event_loop.is_some()
    }
}

/// Runs a loaded scenario in both kitchens, bounded, through every view (the loop
/// view in the asynchronous kitchen), and draws its timeline: nothing of it may
/// panic, abort or run away.
pub fn run_bounded(sc: &Scenario) {
    let _ = capacity::warnings(sc, Mode::Async);
    let _ = capacity::warnings(sc, Mode::Sync);
    for mode in [Mode::Async, Mode::Sync] {
        let events = Cell::new(0);
        let mut views = Views {
            events: &events,
            narrator: Narrator::new(sc, mode),
            lines: 0,
            stats: StatsView::new(sc),
            trace: TraceView::new(sc, mode, true),
            json: JsonView::new(sc, mode, Pacing::Virtual, sc.seed),
            event_loop: (mode == Mode::Async).then(|| LoopView::new(sc, sc.seed, true)),
        };
        let mut clock = Bounded { events: &events };
        let outcome = engine::run(sc, mode, sc.seed, &mut clock, &mut views);
        let Views { stats, trace, json, event_loop, .. } = views;
        let _ = event_loop.map(LoopView::finish);
        let _ = stats.finish();
        let _ = json.finish(outcome);
        let trace = trace.finish();
        let _ = timeline::render(&trace, sc, &TimelineOptions::new(80, false));
    }
}
