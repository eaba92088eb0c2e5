//! The JSON report (`cafe run --format json`): one object with the narrative, the
//! orders and the event stream. The schema is documented in `docs/json-output.md`.
//! (The HTML report, `--report FILE`, is [`super::html_report`].)

use serde::Serialize;

use crate::clock::Pacing;
use crate::engine::{Mode, Outcome};
use crate::event::{Event, EventKind, Sink};
use crate::model::{Customers, Scenario};
use crate::orders::Order;
use crate::time::{Ticks, TimeUnit, seconds};

use super::narrative::Narrator;

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

/// One line of the narrative.
#[derive(Serialize)]
pub struct LineRecord {
    /// The scenario time it was printed at.
    pub t_s: f64,
    /// The line, without its line break (`""` for a blank line).
    pub line: String,
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
    /// The longest chain, in ticks.
    #[serde(skip)]
    pub chain: Ticks,
    /// When the customer came in, in ticks (not in the JSON: `arrived_s` is).
    #[serde(skip)]
    pub arrival: Ticks,
}

/// One event of the run. Each optional field is left out (`None`) for the kinds of
/// event it does not apply to.
#[derive(Serialize)]
pub struct EventRecord {
    /// The scenario time of the event.
    pub t_s: f64,
    /// Its kind: [`EventKind::name`].
    pub kind: &'static str,
    /// The order's id, for events about an order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<u64>,
    /// The step's name in the order's recipe, for step events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cook: Option<u32>,
    /// The equipment a `step_waiting` step queues for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment: Option<String>,
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
    narrator: Narrator<'s>,
    /// The orders, by id: ids count from 1, in the order they are taken.
    report: JsonReport,
}

impl<'s> JsonView<'s> {
    /// A view of a run of `sc` in the `mode` kitchen paced by `clock` with `seed`, to
    /// put in the report's header.
    pub fn new(sc: &'s Scenario, mode: Mode, clock: Pacing, seed: u64) -> Self {
        JsonView {
            sc,
            narrator: Narrator::new(sc, mode),
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
        self.narrator.event(event, |t, line| lines.push(LineRecord { t_s: secs(t), line: line.to_string() }));
        match event.kind {
            EventKind::Arrived { order } => {
                // Both kitchens take orders in id order.
                debug_assert_eq!(order.id, self.report.orders.len() as u64 + 1);
                self.report.orders.push(OrderRecord::taken(sc, order, event.t));
            }
            EventKind::Served { order, .. } => {
                self.order_record(order.id).served(event.t);
            }
            EventKind::Left { order, .. } => self.order_record(order.id).left_s = Some(secs(event.t)),
            EventKind::Balked { order } => self.order_record(order.id).balked = true,
            _ => {}
        }
        self.report.events.push(EventRecord::of(sc, event));
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
            chain,
            arrival: order.arrival,
        }
    }

    /// Records that the order was served at `t`.
    pub fn served(&mut self, t: Ticks) {
        self.served_s = Some(secs(t));
        self.above_chain_s = Some(secs((t - self.arrival).saturating_sub(self.chain)));
    }
}

impl EventRecord {
    /// The record of one event of a run of `sc`: what the report's `events` holds.
    pub fn of(sc: &Scenario, event: &Event<'_>) -> EventRecord {
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
                rec.step = Some(sc.recipe_of(order.item).steps[step as usize].name.clone());
                rec.equipment = Some(sc.kitchen.equipment[equipment as usize].name.clone());
                rec.cook = cook.map(|c| c as u32 + 1);
            }
            EventKind::StepStarted { order, step, cook } | EventKind::StepFinished { order, step, cook } => {
                rec.step = Some(sc.recipe_of(order.item).steps[step as usize].name.clone());
                rec.cook = cook.map(|c| c as u32 + 1);
            }
            EventKind::StepCancelled { order, step, .. } => {
                rec.step = Some(sc.recipe_of(order.item).steps[step as usize].name.clone());
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
            | EventKind::Balked { .. } => {}
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
