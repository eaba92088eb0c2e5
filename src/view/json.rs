//! The JSON report (`cafe run --format json`): one object with the narrative, the
//! orders and the event stream. The schema is documented in `docs/json-output.md`.
//! (The HTML report, `--report FILE`, is [`super::html_report`].)
//!
//! Two views make it. [`JsonView`] builds the whole [`JsonReport`] in memory, for a
//! caller that wants the values. [`JsonStream`] writes the same document, byte for
//! byte as `serde_json::to_string_pretty` of the `JsonReport` followed by a line break,
//! in memory that does not grow with the run: each line, order and event is
//! serialized as it becomes final, into an unnamed temporary file per array (the
//! statistics, which come first in the document, are only known at the end), and
//! the document is put together from them when the run ends.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

use serde::Serialize;

use crate::clock::Pacing;
use crate::engine::{Mode, Outcome};
use crate::event::{Event, EventKind, Sink};
use crate::model::{Customers, Scenario};
use crate::orders::Order;
use crate::time::{Ticks, TimeUnit, seconds};

use super::narrative::Narrator;
use super::waits::{WaitTracker, Waits};

/// The JSON report of one run (`cafe run --format json`), field for field as
/// `docs/json-output.md` documents it. Every `_s` field is in seconds of scenario time.
#[derive(Serialize)]
pub struct JsonReport {
    /// The scenario's name.
    pub scenario: String,
    /// Which kitchen ran: `async` or `sync`.
    pub mode: Mode,
    /// Which clock paced the run: `virtual` or `real`.
    pub clock: Pacing,
    /// The seed of the random draws.
    pub seed: u64,
    /// The unit the scenario writes its times in, and seconds per unit.
    pub time_unit: TimeUnitRecord,
    /// The scenario time of the run's last event.
    pub makespan_s: f64,
    /// False when the run stopped before its end (cancelled, or fell behind with
    /// `--behind stop`): then the rest describes the run so far.
    pub finished: bool,
    /// Always present in a finished report.
    pub stats: Option<crate::view::stats::Stats>,
    /// Every line the text format prints, in order.
    pub narrative: Vec<LineRecord>,
    /// Every order the kitchen took, by id (index `id - 1`).
    pub orders: Vec<OrderRecord>,
    /// Every event of the run, in the order the engine emitted them.
    pub events: Vec<EventRecord>,
}

/// The scenario's time unit in the report.
#[derive(Serialize)]
pub struct TimeUnitRecord {
    /// Its spelling in scenario files: `ms`, `s`, `min` or `h`.
    pub name: TimeUnit,
    /// Seconds in one unit.
    pub seconds: f64,
}

/// One line of the narrative (`S`: the line's text, owned or borrowed).
#[derive(Serialize)]
pub struct LineRecord<S = String> {
    /// The scenario time it was printed at.
    pub t_s: f64,
    /// The line, without its line break (`""` for a blank line).
    pub line: S,
}

/// One order the kitchen took, whether served, left or balked.
#[derive(Serialize)]
pub struct OrderRecord {
    /// From 1, in arrival order (what `{order}` prints).
    pub id: u64,
    /// The customer's name, or `Customer N` (N = `id`) for an unnamed one.
    pub customer: String,
    /// The menu item ordered.
    pub item: String,
    /// Option name to the value this order chose; left out when the scenario has none.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub options: serde_json::Map<String, serde_json::Value>,
    /// When the customer came in.
    pub arrived_s: f64,
    /// When the kitchen took the order (its arrival lines printed).
    pub taken_s: f64,
    /// When it was served; `None` (`null`) if the customer left or balked, or the run
    /// stopped first.
    pub served_s: Option<f64>,
    /// When the customer left unserved, tired of waiting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_s: Option<f64>,
    /// The customer did not join: too many were waiting.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub balked: bool,
    /// The order's longest chain of steps through `after`: the least time its recipe
    /// could take.
    pub longest_chain_s: f64,
    /// Time in system minus the longest chain, once served.
    pub above_chain_s: Option<f64>,
    /// Once served, what it waited for along the steps that decided when
    /// (`view::waits`), as the last five columns of `orders.csv`: let in late by the
    /// door. Left out unless served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub door_s: Option<f64>,
    /// Waiting for a cook; left out unless served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cook_s: Option<f64>,
    /// In line for equipment; left out unless served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_s: Option<f64>,
    /// Waiting for the loop; left out unless served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_s: Option<f64>,
    /// Of `loop_s`, an unattended step's start held up (the rest is finishes
    /// noticed late); left out unless served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_start_s: Option<f64>,
    /// The longest chain, in ticks.
    #[serde(skip)]
    pub chain: Ticks,
    /// When the customer came in, in ticks (not in the JSON: `arrived_s` is).
    #[serde(skip)]
    pub arrival: Ticks,
}

/// One event of the run. Each optional field is left out (`None`) for the kinds of
/// event it does not apply to. `S` is a name's type: owned, or borrowed from the
/// scenario ([`EventRecord::named`]).
#[derive(Serialize)]
pub struct EventRecord<S = String> {
    /// The scenario time of the event.
    pub t_s: f64,
    /// Its kind: [`EventKind::name`].
    pub kind: &'static str,
    /// The order's id, for events about an order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<u64>,
    /// The step's name in the order's recipe, for step events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<S>,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cook: Option<u32>,
    /// The equipment a `step_waiting` step queues for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment: Option<S>,
    /// `service_ended`: the time since service started, by the run's clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_s: Option<f64>,
    /// `service_ended`: how many orders were served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served: Option<u64>,
}

/// Collects a run into a [`JsonReport`].
pub struct JsonView<'s> {
    sc: &'s Scenario,
    /// `None` when no event of the run prints a line.
    narrator: Option<Narrator<'s>>,
    /// The orders, by id: ids count from 1, in the order they are taken.
    report: JsonReport,
    waits: WaitTracker<'s>,
}

impl<'s> JsonView<'s> {
    /// A view of a run of `sc` in the `mode` kitchen paced by `clock` with `seed`, to
    /// put in the report's header.
    pub fn new(sc: &'s Scenario, mode: Mode, clock: Pacing, seed: u64) -> Self {
        JsonView {
            sc,
            narrator: Some(Narrator::new(sc, mode)).filter(|n| !n.is_silent()),
            waits: WaitTracker::new(sc),
            report: JsonReport {
                scenario: sc.name.clone(),
                mode,
                clock,
                seed,
                time_unit: TimeUnitRecord { name: sc.unit, seconds: sc.unit.seconds() },
                makespan_s: 0.0,
                finished: false,
                stats: None,
                narrative: Vec::new(),
                orders: Vec::new(),
                events: Vec::new(),
            },
        }
    }

    /// The report, once the run has ended with `outcome`. Its `stats` is `None`: the
    /// caller fills it in from the statistics view.
    pub fn finish(mut self, outcome: Outcome) -> JsonReport {
        self.report.makespan_s = seconds(outcome.end);
        self.report.finished = outcome.finished;
        self.report
    }

    fn order_record(&mut self, id: u64) -> &mut OrderRecord {
        let ix = (id - 1) as usize; // ids count from 1
        &mut self.report.orders[ix]
    }
}

fn secs(t: Ticks) -> f64 {
    seconds(t)
}

impl Sink for JsonView<'_> {
    fn event(&mut self, event: &Event<'_>) {
        let sc = self.sc;
        let lines = &mut self.report.narrative;
        if let Some(narrator) = &mut self.narrator {
            narrator.event(event, |t, line| lines.push(LineRecord { t_s: secs(t), line: line.to_string() }));
        }
        if !matches!(event.kind, EventKind::Served { .. }) {
            self.waits.event(event);
        }
        match event.kind {
            EventKind::Arrived { order } => {
                // Both kitchens take orders in id order.
                debug_assert_eq!(order.id, self.report.orders.len() as u64 + 1);
                self.report.orders.push(OrderRecord::taken(sc, order, event.t));
            }
            EventKind::Served { order, .. } => {
                let waits = self.waits.event(event).map(|(_, w)| w);
                self.order_record(order.id).served(event.t, waits);
            }
            EventKind::Left { order, .. } => self.order_record(order.id).left_s = Some(secs(event.t)),
            EventKind::Balked { order } => self.order_record(order.id).balked = true,
            _ => {}
        }
        self.report.events.push(EventRecord::of(sc, event));
    }
}

/// Writes the JSON report of a run as it goes, in memory that does not grow with the
/// run (see the module's documentation): feed it the run's events, then
/// [`JsonStream::finish`] makes the [`JsonDocument`] to write. What it writes is byte for byte
/// `serde_json::to_string_pretty` of the [`JsonReport`] that [`JsonView`] would build from
/// the same events, followed by a line break.
pub struct JsonStream<'s> {
    sc: &'s Scenario,
    mode: Mode,
    clock: Pacing,
    seed: u64,
    /// `None` when no event of the run prints a line.
    narrator: Option<Narrator<'s>>,
    narrative: Section,
    orders: Section,
    events: Section,
    /// The orders taken whose record can still change, from the oldest not yet
    /// written: an order is written once it and every order before it are served,
    /// gone or balked (the array is by id).
    pending: VecDeque<OrderRecord>,
    /// One element at a time, serialized at the left margin before it is indented.
    scratch: Vec<u8>,
    /// The first failed write to a temporary file: [`JsonStream::finish`] returns it.
    error: Option<io::Error>,
    waits: WaitTracker<'s>,
}

/// One array of the document, element by element in an unnamed temporary file (gone
/// when closed, whatever happens).
struct Section {
    file: BufWriter<File>,
    count: u64,
}

/// Where an element of a top-level array starts: the document's indent is two
/// spaces, and the arrays are fields of the top-level object.
const ELEMENT_INDENT: &[u8] = b"    ";

impl Section {
    fn new() -> io::Result<Section> {
        Ok(Section { file: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?), count: 0 })
    }

    /// Appends `value`, serialized into `scratch` at the left margin, then indented
    /// as an element of the array (a raw line break in pretty JSON is always between
    /// tokens: one in a string is escaped).
    fn push(&mut self, scratch: &mut Vec<u8>, value: &impl Serialize) -> io::Result<()> {
        scratch.clear();
        serde_json::to_writer_pretty(&mut *scratch, value)?;
        if self.count > 0 {
            self.file.write_all(b",\n")?;
        }
        self.file.write_all(ELEMENT_INDENT)?;
        for (i, line) in scratch.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.file.write_all(b"\n")?;
                self.file.write_all(ELEMENT_INDENT)?;
            }
            self.file.write_all(line)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Writes the field: `,`, a line break, `  "name": ` and the array, as
    /// `to_string_pretty` does (`[]` when empty).
    fn write_field(self, name: &str, out: &mut dyn Write) -> io::Result<()> {
        write!(out, ",\n  \"{name}\": ")?;
        if self.count == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"[\n")?;
        let mut file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        io::copy(&mut file, out)?;
        out.write_all(b"\n  ]")
    }
}

/// The fields of a [`JsonReport`] before its arrays, as the report names and orders them.
#[derive(Serialize)]
struct Head<'a> {
    scenario: &'a str,
    mode: Mode,
    clock: Pacing,
    seed: u64,
    time_unit: TimeUnitRecord,
    makespan_s: f64,
    finished: bool,
    stats: Option<&'a crate::view::stats::Stats>,
}

impl<'s> JsonStream<'s> {
    /// A stream of the report of a run of `sc` in the `mode` kitchen paced by `clock`
    /// with `seed`. Makes its temporary files.
    pub fn new(sc: &'s Scenario, mode: Mode, clock: Pacing, seed: u64) -> io::Result<Self> {
        Ok(JsonStream {
            sc,
            mode,
            clock,
            seed,
            narrator: Some(Narrator::new(sc, mode)).filter(|n| !n.is_silent()),
            narrative: Section::new()?,
            orders: Section::new()?,
            events: Section::new()?,
            pending: VecDeque::new(),
            scratch: Vec::new(),
            waits: WaitTracker::new(sc),
            error: None,
        })
    }

    /// The whole document, once the run has ended with `outcome` (with `stats`, the
    /// run's statistics, as the report's `stats`), ready to be written; or the first
    /// error of writing the temporary files.
    pub fn finish(
        mut self,
        outcome: Outcome,
        stats: Option<&crate::view::stats::Stats>,
    ) -> io::Result<JsonDocument> {
        while let Some(order) = self.pending.pop_front() {
            self.orders.push(&mut self.scratch, &order)?;
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        let head = Head {
            scenario: &self.sc.name,
            mode: self.mode,
            clock: self.clock,
            seed: self.seed,
            time_unit: TimeUnitRecord { name: self.sc.unit, seconds: self.sc.unit.seconds() },
            makespan_s: seconds(outcome.end),
            finished: outcome.finished,
            stats,
        };
        let mut head = serde_json::to_vec_pretty(&head)?;
        // `{ ... }`: the arrays go before the closing brace.
        debug_assert!(head.ends_with(b"\n}"));
        head.truncate(head.len() - 2);
        Ok(JsonDocument { head, narrative: self.narrative, orders: self.orders, events: self.events })
    }

    fn record(&mut self, event: &Event<'_>) -> io::Result<()> {
        let sc = self.sc;
        if let Some(narrator) = &mut self.narrator {
            let (lines, scratch) = (&mut self.narrative, &mut self.scratch);
            let mut written = Ok(());
            narrator.event(event, |t, line| {
                if written.is_ok() {
                    written = lines.push(scratch, &LineRecord { t_s: secs(t), line });
                }
            });
            written?;
        }
        if !matches!(event.kind, EventKind::Served { .. }) {
            self.waits.event(event);
        }
        let resolved = match event.kind {
            EventKind::Arrived { order } => {
                let next = self.pending.front().map_or(order.id, |o| o.id + self.pending.len() as u64);
                debug_assert_eq!(order.id, next, "both kitchens take orders in id order");
                self.pending.push_back(OrderRecord::taken(sc, order, event.t));
                false
            }
            EventKind::Served { order, .. } => {
                let waits = self.waits.event(event).map(|(_, w)| w);
                self.pending_order(order.id).map(|o| o.served(event.t, waits)).is_some()
            }
            EventKind::Left { order, .. } => {
                self.pending_order(order.id).map(|o| o.left_s = Some(secs(event.t))).is_some()
            }
            EventKind::Balked { order } => self.pending_order(order.id).map(|o| o.balked = true).is_some(),
            _ => false,
        };
        if resolved {
            while self.pending.front().is_some_and(OrderRecord::is_final) {
                let order = self.pending.pop_front().expect("there is a first");
                self.orders.push(&mut self.scratch, &order)?;
            }
        }
        self.events.push(&mut self.scratch, &EventRecord::named(sc, event, |s| s))
    }

    /// The record of order `id`, not written yet.
    fn pending_order(&mut self, id: u64) -> Option<&mut OrderRecord> {
        let first = self.pending.front()?.id;
        self.pending.get_mut(id.checked_sub(first)? as usize)
    }
}

/// A streamed JSON report, complete: its fields before the arrays in memory (the
/// statistics are the most of it), and each array in its temporary file, until
/// [`JsonDocument::write_to`] writes it. Dropped unwritten, it leaves nothing behind.
pub struct JsonDocument {
    head: Vec<u8>,
    narrative: Section,
    orders: Section,
    events: Section,
}

impl JsonDocument {
    /// Writes the document on `out`, followed by a line break: byte for byte
    /// `serde_json::to_string_pretty` of the run's [`JsonReport`] and `"\n"`.
    pub fn write_to(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.head)?;
        self.narrative.write_field("narrative", out)?;
        self.orders.write_field("orders", out)?;
        self.events.write_field("events", out)?;
        out.write_all(b"\n}\n")
    }
}

impl Sink for JsonStream<'_> {
    fn event(&mut self, event: &Event<'_>) {
        if self.error.is_none() {
            if let Err(e) = self.record(event) {
                self.error = Some(e);
            }
        }
    }
}

impl OrderRecord {
    /// The record of `order`, which the kitchen took at `taken` (its `arrived`
    /// event): not served yet.
    pub fn taken(sc: &Scenario, order: &Order, taken: Ticks) -> OrderRecord {
        let chain = crate::view::stats::longest_chain(sc, order.item, &order.durations);
        let mut options = serde_json::Map::new();
        for (i, v) in order.options.iter().enumerate() {
            let opt = &sc.menu.options[i];
            options.insert(opt.name.clone(), opt.values[*v as usize].clone().into());
        }
        let customer = match (order.listed, &sc.customers) {
            (Some(i), Customers::List(l)) => l[i as usize].name.clone(),
            _ => None,
        }
        .unwrap_or_else(|| format!("Customer {}", order.id));
        OrderRecord {
            id: order.id,
            customer,
            item: sc.menu.items[order.item as usize].name.clone(),
            options,
            arrived_s: secs(order.arrival),
            taken_s: secs(taken),
            served_s: None,
            left_s: None,
            balked: false,
            longest_chain_s: secs(chain),
            above_chain_s: None,
            door_s: None,
            cook_s: None,
            equipment_s: None,
            loop_s: None,
            loop_start_s: None,
            chain,
            arrival: order.arrival,
        }
    }

    /// Whether nothing more can happen to the order: served, gone or balked.
    fn is_final(&self) -> bool {
        self.served_s.is_some() || self.left_s.is_some() || self.balked
    }

    /// Records that the order was served at `t`, having waited `waits`.
    pub fn served(&mut self, t: Ticks, waits: Option<Waits>) {
        self.served_s = Some(secs(t));
        if let Some(w) = waits {
            self.door_s = Some(secs(w.door));
            self.cook_s = Some(secs(w.cook));
            self.equipment_s = Some(secs(w.equipment));
            self.loop_s = Some(secs(w.event_loop));
            self.loop_start_s = Some(secs(w.loop_start));
        }
        self.above_chain_s = Some(secs((t - self.arrival).saturating_sub(self.chain)));
    }
}

impl EventRecord {
    /// The record of one event of a run of `sc`: what the report's `events` holds.
    pub fn of(sc: &Scenario, event: &Event<'_>) -> EventRecord {
        EventRecord::named(sc, event, str::to_string)
    }
}

impl<S> EventRecord<S> {
    /// [`EventRecord::of`], with each name of a step or equipment made by `name`
    /// from the scenario's (`|s| s` borrows it: nothing is allocated).
    pub fn named<'s>(sc: &'s Scenario, event: &Event<'_>, name: impl Fn(&'s str) -> S) -> EventRecord<S> {
        let mut rec = EventRecord {
            t_s: secs(event.t),
            kind: event.kind.name(),
            order: event.kind.order().map(|o| o.id),
            step: None,
            cook: None,
            equipment: None,
            elapsed_s: None,
            served: None,
        };
        match event.kind {
            EventKind::StepWaiting { order, step, equipment, cook } => {
                rec.step = Some(name(&sc.recipe_of(order.item).steps[step as usize].name));
                rec.equipment = Some(name(&sc.kitchen.equipment[equipment as usize].name));
                rec.cook = cook.map(|c| c as u32 + 1);
            }
            EventKind::StepStarted { order, step, cook, .. }
            | EventKind::StepFinished { order, step, cook } => {
                rec.step = Some(name(&sc.recipe_of(order.item).steps[step as usize].name));
                rec.cook = cook.map(|c| c as u32 + 1);
            }
            EventKind::StepCancelled { order, step, .. } => {
                rec.step = Some(name(&sc.recipe_of(order.item).steps[step as usize].name));
            }
            EventKind::Between { cook, .. } => rec.cook = Some(cook as u32 + 1),
            EventKind::ServiceEnded { elapsed, served } => {
                rec.elapsed_s = Some(secs(elapsed));
                rec.served = Some(served);
            }
            EventKind::ServiceStarted
            | EventKind::Arrived { .. }
            | EventKind::Served { .. }
            | EventKind::Left { .. }
            | EventKind::Balked { .. }
            | EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => {}
        }
        rec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: impl Serialize) -> String {
        serde_json::to_string(&v).unwrap()
    }

    /// The report writes the typed mode, clock and unit as the names the command
    /// line and the docs use: `docs/json-output.md` depends on these strings.
    #[test]
    fn modes_clocks_and_units_serialize_as_their_names() {
        for mode in [Mode::Async, Mode::Sync] {
            assert_eq!(json(mode), format!("\"{}\"", mode.name()));
        }
        for clock in [Pacing::Virtual, Pacing::Real] {
            assert_eq!(json(clock), format!("\"{}\"", clock.name()));
        }
        for unit in TimeUnit::ALL {
            assert_eq!(json(unit), format!("\"{}\"", unit.name()));
        }
        let names = [Mode::Async.name(), Mode::Sync.name(), Pacing::Virtual.name(), Pacing::Real.name()];
        assert_eq!(names, ["async", "sync", "virtual", "real"]);
    }
}
