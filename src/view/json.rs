//! The JSON report: one object with the narrative, the orders and the event stream.
//! The schema is documented in `docs/json-output.md`.

use serde::Serialize;

use crate::engine::{Mode, Outcome};
use crate::event::{Event, EventKind, Sink};
use crate::model::{Customers, Scenario};
use crate::orders::Order;
use crate::time::{Ticks, seconds};

use super::narrative::Narrator;

#[derive(Serialize)]
pub struct Report {
    pub scenario: String,
    pub mode: &'static str,
    pub clock: &'static str,
    pub seed: u64,
    /// The unit the scenario writes its times in, and seconds per unit.
    pub time_unit: TimeUnitRecord,
    pub makespan_s: f64,
    pub finished: bool,
    /// Always present in a finished report.
    pub stats: Option<crate::view::stats::Stats>,
    pub narrative: Vec<LineRecord>,
    pub orders: Vec<OrderRecord>,
    pub events: Vec<EventRecord>,
}

#[derive(Serialize)]
pub struct TimeUnitRecord {
    pub name: &'static str,
    pub seconds: f64,
}

#[derive(Serialize)]
pub struct LineRecord {
    pub t_s: f64,
    pub line: String,
}

#[derive(Serialize)]
pub struct OrderRecord {
    pub id: u64,
    pub customer: String,
    pub item: String,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub options: serde_json::Map<String, serde_json::Value>,
    /// When the customer came in.
    pub arrived_s: f64,
    /// When the kitchen took the order (its arrival lines printed).
    pub taken_s: f64,
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
    #[serde(skip)]
    pub arrival: Ticks,
}

#[derive(Serialize)]
pub struct EventRecord {
    pub t_s: f64,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cook: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served: Option<u64>,
}

/// Collects a run into a [`Report`].
pub struct JsonView<'s> {
    sc: &'s Scenario,
    narrator: Narrator<'s>,
    /// The orders, by id: ids count from 1, in the order they are taken.
    report: Report,
}

impl<'s> JsonView<'s> {
    pub fn new(sc: &'s Scenario, mode: Mode, clock: &'static str, seed: u64) -> Self {
        JsonView {
            sc,
            narrator: Narrator::new(sc, mode),
            report: Report {
                scenario: sc.name.clone(),
                mode: mode.name(),
                clock,
                seed,
                time_unit: TimeUnitRecord { name: sc.unit.name(), seconds: sc.unit.seconds() },
                makespan_s: 0.0,
                finished: false,
                stats: None,
                narrative: Vec::new(),
                orders: Vec::new(),
                events: Vec::new(),
            },
        }
    }

    pub fn finish(mut self, outcome: Outcome) -> Report {
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
            EventKind::Left { order } => self.order_record(order.id).left_s = Some(secs(event.t)),
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
