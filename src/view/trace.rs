//! Who did what, when: the run as lanes of spans, one lane per cook, per unit of
//! equipment and (optionally) per order. Timelines and reports draw from it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use crate::engine::Mode;
use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, EquipIx, ItemIx, Scenario, StepIx, StepKind};
use crate::time::Ticks;

/// What a span of a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activity {
    /// A cook doing a hands-on step.
    HandsOn,
    /// A synchronous cook watching an unattended step, or in line for equipment:
    /// the waste the seeds talk about.
    StandingBy,
    /// A machine or a timer working (equipment lanes, order lanes).
    Unattended,
    /// An order's step waiting for equipment (order lanes).
    Waiting,
}

impl Activity {
    /// Its name in legends and exports: `hands-on`, `standing by`, `unattended`,
    /// `waiting`.
    pub fn name(self) -> &'static str {
        match self {
            Activity::HandsOn => "hands-on",
            Activity::StandingBy => "standing by",
            Activity::Unattended => "unattended",
            Activity::Waiting => "waiting",
        }
    }
}

/// One bar of a lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// When it starts, in ticks of scenario time.
    pub start: Ticks,
    /// When it ends, in ticks (at least `start`).
    pub end: Ticks,
    /// What it shows.
    pub activity: Activity,
    /// The order it is for ([`Order::id`](crate::orders::Order::id), 1-based).
    pub order: u64,
    /// The order's item: an index into the menu's items.
    pub item: ItemIx,
    /// The step: an index into the item's recipe's steps.
    pub step: StepIx,
}

/// Whose lane it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneKind {
    /// A cook's.
    Cook(CookIx),
    /// Unit `unit` (0-based) of a piece of equipment.
    Equipment(EquipIx, u32),
    /// An order's, by its id (1-based).
    Order(u64),
}

/// How an order's customer left the café.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderEnd {
    /// Their order was served.
    Served,
    /// They left before being served: their patience ran out.
    Left,
    /// They walked away when let in, without ordering (balked): too many waiting.
    Balked,
}

/// One row of the run: a cook, a unit of equipment or an order, and its spans.
#[derive(Clone, Debug)]
pub struct Lane {
    /// Whose lane it is.
    pub kind: LaneKind,
    /// What the row is called: `cook 1`; `oven`, or `oven 1`, `oven 2`, ... when there
    /// are several; `#3 latte`.
    pub label: String,
    /// Its bars, in order of start.
    pub spans: Vec<Span>,
    /// When the lane exists, if not the whole run: an order from its customer's
    /// arrival to when it is served, or its customer leaves or walks away (see
    /// `ended`), or to the end of a run stopped before that.
    pub life: Option<(Ticks, Ticks)>,
    /// For an order's lane, how its customer left; `None` for other lanes, and for
    /// an order still in the kitchen when the run stopped.
    pub ended: Option<OrderEnd>,
}

/// A whole run as lanes.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The kitchen the run had.
    pub mode: Mode,
    /// The cooks' lanes, then the equipment's, then the orders' (when asked for).
    pub lanes: Vec<Lane>,
    /// Scenario time at the last event.
    pub end: Ticks,
}

/// Equipment with at most this many units has a lane per unit from the start, used
/// or not (an idle unit shows as such); larger equipment gets a lane for a unit only
/// once a step holds it, so a capacity of billions costs only the units in use.
const EAGER_UNITS: u32 = 64;

/// The lane of cook `c` (0-based), empty.
pub(crate) fn cook_lane(c: CookIx) -> Lane {
    Lane {
        kind: LaneKind::Cook(c),
        label: format!("cook {}", c + 1),
        spans: Vec::new(),
        life: None,
        ended: None,
    }
}

/// The lane of unit `u` of equipment `e`.
pub(crate) fn unit_lane(sc: &Scenario, e: usize, u: u32) -> Lane {
    let eq = &sc.kitchen.equipment[e];
    Lane {
        kind: LaneKind::Equipment(e as EquipIx, u),
        label: if eq.capacity == 1 { eq.name.clone() } else { format!("{} {}", eq.name, u + 1) },
        spans: Vec::new(),
        life: None,
        ended: None,
    }
}

/// Builds a [`Trace`] from events.
pub struct TraceView<'s> {
    sc: &'s Scenario,
    mode: Mode,
    cooks: Vec<Lane>,
    /// Per equipment, per unit.
    equipment: Vec<Vec<Lane>>,
    /// Per equipment, the units of `equipment` that hold nothing now, lowest first:
    /// a step goes on the lowest free unit without a pass over the units (with
    /// thousands of units in use at once, that pass made a run quadratic).
    free_units: Vec<BinaryHeap<Reverse<u32>>>,
    /// Which unit each running step holds.
    held: FxHashMap<(u64, StepIx), u32>,
    /// One lane per order, when asked for.
    orders: Option<Vec<Lane>>,
    /// Lane index of each order in the kitchen.
    open_order_lane: FxHashMap<u64, usize>,
    /// Where the open span of each step is in its order's lane (a wide recipe has
    /// many open at once: no search).
    open_in_order: FxHashMap<(u64, StepIx), usize>,
    end: Ticks,
}

impl<'s> TraceView<'s> {
    /// `order_lanes` adds one lane per order (memory grows with the orders).
    pub fn new(sc: &'s Scenario, mode: Mode, order_lanes: bool) -> Self {
        let cooks = (0..sc.kitchen.cooks).map(cook_lane).collect();
        let eager = |capacity: u32| if capacity <= EAGER_UNITS { capacity } else { 0 };
        let equipment = sc
            .kitchen
            .equipment
            .iter()
            .enumerate()
            .map(|(e, eq)| (0..eager(eq.capacity)).map(|u| unit_lane(sc, e, u)).collect())
            .collect();
        let free_units =
            sc.kitchen.equipment.iter().map(|eq| (0..eager(eq.capacity)).map(Reverse).collect()).collect();
        TraceView {
            sc,
            mode,
            cooks,
            equipment,
            free_units,
            held: FxHashMap::default(),
            orders: order_lanes.then(Vec::new),
            open_order_lane: FxHashMap::default(),
            open_in_order: FxHashMap::default(),
            end: 0,
        }
    }

    /// The cooks' lanes, then the equipment's, as they are now (for a caller that
    /// shows a run while it goes): a span still open ends at `Ticks::MAX`. A lane's
    /// spans only grow, and only its last can still end. A unit of equipment of more
    /// than 64 units gets its lane once a step first holds it.
    pub fn kitchen_lanes(&self) -> impl Iterator<Item = &Lane> {
        self.cooks.iter().chain(self.equipment.iter().flatten())
    }

    /// The trace so far. Spans still open end at the last event's time.
    pub fn finish(mut self) -> Trace {
        let end = self.end;
        let mut lanes = std::mem::take(&mut self.cooks);
        lanes.extend(self.equipment.drain(..).flatten());
        lanes.extend(self.orders.take().unwrap_or_default());
        for lane in &mut lanes {
            if let Some((_, until)) = &mut lane.life {
                if *until == Ticks::MAX {
                    *until = end;
                }
            }
            for span in &mut lane.spans {
                if span.end == Ticks::MAX {
                    span.end = end;
                }
            }
        }
        Trace { mode: self.mode, lanes, end }
    }

    /// Ends the span of `step` of `order` on a cook or a unit of equipment, if it is
    /// open: it is the lane's last, since each does one thing at a time.
    fn close(lane: &mut Lane, order: u64, step: StepIx, t: Ticks) {
        if let Some(span) =
            lane.spans.last_mut().filter(|s| s.order == order && s.step == step && s.end == Ticks::MAX)
        {
            span.end = t;
        }
    }

    /// Ends the span of `step` of `order` on the unit of equipment it holds, if it
    /// holds one, and frees the unit.
    fn give_back(&mut self, order: &crate::orders::Order, step: StepIx, t: Ticks) {
        if let Some(unit) = self.held.remove(&(order.id, step)) {
            let eq =
                self.sc.recipe_of(order.item).steps[step as usize].uses.expect("held equipment") as usize;
            TraceView::close(&mut self.equipment[eq][unit as usize], order.id, step, t);
            self.free_units[eq].push(Reverse(unit));
        }
    }

    /// Adds an open span to the lane of its order.
    fn open_in_order(&mut self, span: Span) {
        let key = (span.order, span.step);
        if let Some(lane) = self.order_lane(span.order) {
            let ix = lane.spans.len();
            lane.spans.push(span);
            self.open_in_order.insert(key, ix);
        }
    }

    /// Ends the open span of `step` in the lane of `order`, if any.
    fn close_in_order(&mut self, order: u64, step: StepIx, t: Ticks) {
        if let Some(ix) = self.open_in_order.remove(&(order, step)) {
            if let Some(lane) = self.order_lane(order) {
                lane.spans[ix].end = t;
            }
        }
    }

    fn order_lane(&mut self, order: u64) -> Option<&mut Lane> {
        let ix = *self.open_order_lane.get(&order)?;
        self.orders.as_mut().map(|o| &mut o[ix])
    }
}

impl Sink for TraceView<'_> {
    fn event(&mut self, e: &Event<'_>) {
        self.end = self.end.max(e.t);
        let sc = self.sc;
        match e.kind {
            EventKind::Arrived { order } => {
                if let Some(lanes) = &mut self.orders {
                    self.open_order_lane.insert(order.id, lanes.len());
                    let label = format!("#{} {}", order.id, sc.menu.items[order.item as usize].name);
                    let life = Some((order.arrival, Ticks::MAX));
                    let kind = LaneKind::Order(order.id);
                    lanes.push(Lane { kind, label, spans: Vec::new(), life, ended: None });
                }
            }
            EventKind::StepWaiting { order, step, cook, .. } => {
                let span = Span {
                    start: e.t,
                    end: Ticks::MAX,
                    activity: Activity::Waiting,
                    order: order.id,
                    item: order.item,
                    step,
                };
                // A synchronous cook in line for equipment stands by.
                if let Some(c) = cook {
                    self.cooks[c as usize]
                        .spans
                        .push(Span { activity: Activity::StandingBy, ..span.clone() });
                }
                self.open_in_order(span);
            }
            EventKind::StepStarted { order, step, cook, .. } => {
                let st = &sc.recipe_of(order.item).steps[step as usize];
                let activity = match st.kind {
                    StepKind::HandsOn => Activity::HandsOn,
                    StepKind::Unattended => Activity::Unattended,
                };
                let span = |activity| Span {
                    start: e.t,
                    end: Ticks::MAX,
                    activity,
                    order: order.id,
                    item: order.item,
                    step,
                };
                if let Some(c) = cook {
                    let lane = &mut self.cooks[c as usize];
                    // The cook's time in line for this step, if any, ends now.
                    TraceView::close(lane, order.id, step, e.t);
                    let a =
                        if activity == Activity::HandsOn { Activity::HandsOn } else { Activity::StandingBy };
                    lane.spans.push(span(a));
                }
                if let Some(eq) = st.uses {
                    // Units are interchangeable (a semaphore): show the step on the
                    // first free one, or on a new lane when all those made are busy
                    // (equipment of more than EAGER_UNITS units).
                    let units = &mut self.equipment[eq as usize];
                    let unit = match self.free_units[eq as usize].pop() {
                        Some(Reverse(unit)) => unit as usize,
                        None => {
                            units.push(unit_lane(sc, eq as usize, units.len() as u32));
                            units.len() - 1
                        }
                    };
                    units[unit].spans.push(span(activity));
                    self.held.insert((order.id, step), unit as u32);
                }
                self.close_in_order(order.id, step, e.t);
                self.open_in_order(span(activity));
            }
            EventKind::StepFinished { order, step, cook } => {
                if let Some(c) = cook {
                    TraceView::close(&mut self.cooks[c as usize], order.id, step, e.t);
                }
                self.give_back(order, step, e.t);
                self.close_in_order(order.id, step, e.t);
            }
            EventKind::StepCancelled { order, step, .. } => {
                self.give_back(order, step, e.t);
                self.close_in_order(order.id, step, e.t);
            }
            EventKind::Served { order, .. } | EventKind::Left { order, .. } | EventKind::Balked { order } => {
                let ended = match e.kind {
                    EventKind::Served { .. } => OrderEnd::Served,
                    EventKind::Left { .. } => OrderEnd::Left,
                    _ => OrderEnd::Balked,
                };
                if let Some(lane) = self.order_lane(order.id) {
                    if let Some(life) = &mut lane.life {
                        life.1 = e.t;
                    }
                    lane.ended = Some(ended);
                }
                self.open_order_lane.remove(&order.id);
            }
            EventKind::ServiceStarted | EventKind::Between { .. } | EventKind::ServiceEnded { .. } => {}
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => {}
        }
    }
}
