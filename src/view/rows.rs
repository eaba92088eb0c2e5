//! The rows of a run's three tables (orders, steps, events: `docs/exports.md`),
//! worked out once from the event stream for both the CSV export
//! (`view::export::CsvExport`) and the columnar view ([`super::columns`]): which row
//! comes when, and what is in each cell. Only the orders and steps still in the
//! kitchen are held; every other row is handed on as soon as it is complete.

use std::collections::VecDeque;
use std::io;

use rustc_hash::FxHashMap;

use crate::event::{Event, EventKind};
use crate::model::{CookIx, Customers, ItemIx, Scenario, StepIx};
use crate::orders::Order;
use crate::time::Ticks;

use super::json::EventRecord;
use super::waits::{WaitTracker, Waits};

/// The columns of `orders.csv` after the option columns.
const ORDER_TIMES: [&str; 15] = [
    "arrived_s",
    "taken_s",
    "first_step_s",
    "served_s",
    "wait_s",
    "time_in_system_s",
    "longest_chain_s",
    "above_chain_s",
    "outcome",
    "gone_s",
    "door_s",
    "cook_s",
    "equipment_s",
    "loop_s",
    "loop_start_s",
];

/// The columns of `steps.csv`.
pub(crate) const STEP_HEADER: [&str; 11] = [
    "order",
    "item",
    "step",
    "kind",
    "equipment",
    "cook",
    "queued_s",
    "started_s",
    "finished_s",
    "duration_s",
    "drawn_s",
];

/// The columns of `events.csv`.
pub(crate) const EVENT_HEADER: [&str; 8] =
    ["t_s", "kind", "order", "step", "cook", "equipment", "elapsed_s", "served"];

/// The columns of `orders.csv`: `id, customer, item`, one column per option, then
/// the times. An option named like one of the other columns gets `option_` in front
/// (as often as needed).
pub(crate) fn order_header(sc: &Scenario) -> Vec<String> {
    let mut header: Vec<String> = ["id", "customer", "item"].iter().map(|s| s.to_string()).collect();
    for o in &sc.menu.options {
        let mut name = o.name.clone();
        while header.contains(&name) || ORDER_TIMES.contains(&name.as_str()) {
            name.insert_str(0, "option_");
        }
        header.push(name);
    }
    header.extend(ORDER_TIMES.iter().map(|s| s.to_string()));
    header
}

/// One row of the orders table, every cell worked out (times in ticks; `None` is an
/// empty cell).
pub(crate) struct OrderRow<'a, 's> {
    pub id: u64,
    /// A listed customer's name; `None`: `Customer N` (N = `id`).
    pub customer: Option<&'s str>,
    pub item: ItemIx,
    /// One value index per option, in the scenario's option order.
    pub options: &'a [u16],
    pub arrived: Ticks,
    pub taken: Ticks,
    pub first_step: Option<Ticks>,
    pub served: Option<Ticks>,
    pub wait: Option<Ticks>,
    pub time_in_system: Option<Ticks>,
    pub longest_chain: Ticks,
    pub above_chain: Option<Ticks>,
    /// `served`, `left` or `balked`.
    pub outcome: Option<&'static str>,
    pub gone: Option<Ticks>,
    /// Once served, what it waited for ([`super::waits`]).
    pub waits: Option<Waits>,
}

/// One row of the steps table.
pub(crate) struct StepRow {
    pub order: u64,
    pub item: ItemIx,
    pub step: StepIx,
    /// 1-based.
    pub cook: Option<u32>,
    pub queued: Option<Ticks>,
    pub started: Option<Ticks>,
    pub finished: Option<Ticks>,
    pub duration: Option<Ticks>,
    pub drawn: Ticks,
}

/// One row of the events table: the event's record, names borrowed from the
/// scenario, and its times in ticks.
pub(crate) struct EventRow<'s> {
    pub t: Ticks,
    pub rec: EventRecord<&'s str>,
    pub elapsed: Option<Ticks>,
}

/// Where the rows go, each as soon as it is complete.
pub(crate) trait Rows<'s> {
    /// Whether it takes the steps' and the events' rows (the orders' it always
    /// does): those not taken are not worked out.
    fn takes(&self) -> (bool, bool) {
        (true, true)
    }
    fn order(&mut self, row: &OrderRow<'_, 's>) -> io::Result<()>;
    fn step(&mut self, row: &StepRow) -> io::Result<()>;
    fn event(&mut self, row: &EventRow<'s>) -> io::Result<()>;
}

/// An order in the kitchen, or served but waiting for an earlier one to be handed on.
struct Pending<'s> {
    id: u64,
    customer: Option<&'s str>,
    item: ItemIx,
    options: Vec<u16>,
    arrived: Ticks,
    taken: Ticks,
    chain: Ticks,
    first_step: Option<Ticks>,
    served: Option<Ticks>,
    /// How the order ended (`served`, `left` or `balked`), and when.
    outcome: Option<(&'static str, Ticks)>,
    waits: Option<Waits>,
}

impl<'s> Pending<'s> {
    fn row(&self) -> OrderRow<'_, 's> {
        let since_arrival = |t: Option<Ticks>| t.map(|t| t - self.arrived);
        OrderRow {
            id: self.id,
            customer: self.customer,
            item: self.item,
            options: &self.options,
            arrived: self.arrived,
            taken: self.taken,
            first_step: self.first_step,
            served: self.served,
            wait: since_arrival(self.first_step),
            time_in_system: since_arrival(self.served),
            longest_chain: self.chain,
            above_chain: self.served.map(|t| (t - self.arrived).saturating_sub(self.chain)),
            outcome: self.outcome.map(|(o, _)| o),
            gone: self.outcome.filter(|(o, _)| *o != "served").map(|(_, t)| t),
            waits: self.waits,
        }
    }
}

/// The pending orders in order of id: nearly always arriving in that order, so
/// added at the back, looked up by binary search and handed on from the front.
#[derive(Default)]
struct ById<'s>(VecDeque<Pending<'s>>);

impl<'s> ById<'s> {
    /// Adds `row`, in place of a pending order of its id if there is one.
    fn insert(&mut self, row: Pending<'s>) {
        if self.0.back().is_none_or(|last| last.id < row.id) {
            self.0.push_back(row);
            return;
        }
        match self.0.binary_search_by_key(&row.id, |o| o.id) {
            Ok(i) => self.0[i] = row,
            Err(i) => self.0.insert(i, row),
        }
    }

    fn get_mut(&mut self, id: u64) -> Option<&mut Pending<'s>> {
        // The ids are usually consecutive: order `id` is `id - first` places in.
        let first = self.0.front()?.id;
        let guess = usize::try_from(id.wrapping_sub(first)).unwrap_or(usize::MAX);
        let i = match self.0.get(guess) {
            Some(o) if o.id == id => guess,
            _ => self.0.binary_search_by_key(&id, |o| o.id).ok()?,
        };
        Some(&mut self.0[i])
    }
}

/// A step that has queued or started and not finished.
struct Running {
    /// Which came first, for the rows handed on by `finish`.
    seq: u64,
    item: ItemIx,
    /// The duration drawn for this step of this order.
    drawn: Ticks,
    queued: Option<Ticks>,
    started: Option<Ticks>,
    cook: Option<CookIx>,
}

impl Running {
    fn row(&self, order: u64, step: StepIx, finished: Option<Ticks>) -> StepRow {
        StepRow {
            order,
            item: self.item,
            step,
            cook: self.cook.map(|c| c as u32 + 1),
            queued: self.queued,
            started: self.started,
            finished,
            duration: self.started.zip(finished).map(|(a, b)| b - a),
            drawn: self.drawn,
        }
    }
}

/// Turns the event stream into the rows of the three tables (see the module).
pub(crate) struct Tabulator<'s> {
    sc: &'s Scenario,
    /// Orders not handed on yet, by id: rows go in order of id, each once it and
    /// every earlier order are served or gone.
    pending: ById<'s>,
    /// Steps that queued or started and have not finished, by (order, step).
    running: FxHashMap<(u64, StepIx), Running>,
    seq: u64,
    waits: WaitTracker<'s>,
}

impl<'s> Tabulator<'s> {
    /// Rows of a run of `sc`.
    pub fn new(sc: &'s Scenario) -> Self {
        Tabulator {
            sc,
            pending: ById::default(),
            running: FxHashMap::default(),
            seq: 0,
            waits: WaitTracker::new(sc),
        }
    }

    /// Hands on the rows of everything still in the kitchen: orders not served yet
    /// (empty served times), then steps not finished (empty finish times), in the
    /// order they first queued or started.
    pub fn finish(&mut self, out: &mut impl Rows<'s>) -> io::Result<()> {
        for o in &std::mem::take(&mut self.pending).0 {
            out.order(&o.row())?;
        }
        let mut running: Vec<_> = std::mem::take(&mut self.running).into_iter().collect();
        running.sort_by_key(|(_, row)| row.seq);
        for ((order, step), row) in running {
            out.step(&row.row(order, step, None))?;
        }
        Ok(())
    }

    fn running(&mut self, order: &Order, step: StepIx) -> &mut Running {
        let seq = &mut self.seq;
        self.running.entry((order.id, step)).or_insert_with(|| {
            *seq += 1;
            let (item, drawn) = (order.item, order.durations[step as usize]);
            Running { seq: *seq, item, drawn, queued: None, started: None, cook: None }
        })
    }

    /// Hands on the orders at the front of `pending` that are served or gone.
    fn finished_orders(&mut self, out: &mut impl Rows<'s>) -> io::Result<()> {
        while self.pending.0.front().is_some_and(|o| o.outcome.is_some()) {
            let o = self.pending.0.pop_front().expect("a front");
            out.order(&o.row())?;
        }
        Ok(())
    }

    /// Takes one event: hands on its row of the events table, and the rows it
    /// completes.
    pub fn event(&mut self, event: &Event<'_>, out: &mut impl Rows<'s>) -> io::Result<()> {
        let sc = self.sc;
        let elapsed = match event.kind {
            EventKind::ServiceEnded { elapsed, .. } => Some(elapsed),
            _ => None,
        };
        let (steps, events) = out.takes();
        let waits = self.waits.event(event).map(|(_, w)| w);
        if events {
            out.event(&EventRow { t: event.t, rec: EventRecord::named(sc, event, |s| s), elapsed })?;
        }
        match event.kind {
            EventKind::Arrived { order } => {
                let customer = match (order.listed, &sc.customers) {
                    (Some(i), Customers::List(l)) => l[i as usize].name.as_deref(),
                    _ => None,
                };
                let row = Pending {
                    id: order.id,
                    customer,
                    item: order.item,
                    options: order.options.clone(),
                    arrived: order.arrival,
                    taken: event.t,
                    chain: super::stats::longest_chain(sc, order.item, &order.durations),
                    first_step: None,
                    served: None,
                    outcome: None,
                    waits: None,
                };
                self.pending.insert(row);
            }
            EventKind::StepWaiting { .. }
            | EventKind::StepFinished { .. }
            | EventKind::StepCancelled { .. }
                if !steps => {}
            EventKind::StepStarted { order, .. } if !steps => {
                if let Some(o) = self.pending.get_mut(order.id) {
                    o.first_step.get_or_insert(event.t);
                }
            }
            EventKind::StepWaiting { order, step, cook, .. } => {
                let row = self.running(order, step);
                row.queued = Some(event.t);
                row.cook = cook;
            }
            EventKind::StepStarted { order, step, cook, .. } => {
                let row = self.running(order, step);
                row.started = Some(event.t);
                row.cook = cook;
                if let Some(o) = self.pending.get_mut(order.id) {
                    o.first_step.get_or_insert(event.t);
                }
            }
            EventKind::StepFinished { order, step, cook } => {
                let mut row = self.running.remove(&(order.id, step)).unwrap_or(Running {
                    seq: 0,
                    item: order.item,
                    drawn: order.durations[step as usize],
                    queued: None,
                    started: None,
                    cook: None,
                });
                row.cook = cook.or(row.cook);
                out.step(&row.row(order.id, step, Some(event.t)))?;
            }
            EventKind::StepCancelled { order, step, .. } => {
                if let Some(row) = self.running.remove(&(order.id, step)) {
                    out.step(&row.row(order.id, step, None))?;
                }
            }
            EventKind::Served { order, .. } | EventKind::Left { order, .. } | EventKind::Balked { order } => {
                if let Some(o) = self.pending.get_mut(order.id) {
                    if let EventKind::Served { .. } = event.kind {
                        o.served = Some(event.t);
                        o.waits = waits;
                    }
                    o.outcome = Some((event.kind.name(), event.t));
                }
                self.finished_orders(out)?;
            }
            EventKind::ServiceStarted | EventKind::Between { .. } | EventKind::ServiceEnded { .. } => {}
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => {}
        }
        Ok(())
    }
}
