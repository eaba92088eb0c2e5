//! Statistics of a run, computed from its events as they stream past.
//!
//! Per order: the wait (arrival to its first step starting), the time in system
//! (arrival to served) and how far that is above the order's longest dependency
//! chain (the least time its recipe could take). Per cook: the shares of time spent
//! hands-on, standing by (a synchronous cook watching an unattended step or in line
//! for equipment) and idle. Per piece of equipment: utilisation, and the number of
//! steps queued for it, averaged over time and at its longest.
//!
//! Percentiles are by nearest rank: p95 of n values is the ⌈0.95 n⌉-th smallest.
//!
//! # Memory
//!
//! No order is held: a `served` event carries the order and when its first step
//! started, which is all its four numbers need. Only the steps holding or queued
//! for equipment are held, so that state is bounded by the kitchen, not by the run.
//! Each served order's four numbers go to a
//! [`Samples`] per quantity: exact up to [`Samples::EXACT`] (4,096) orders, so
//! small runs' percentiles are exact, then a log-linear histogram whose percentiles
//! are within a relative 2^-9 (≈ 0.2%) of the exact ones (see
//! [`histogram`](crate::view::histogram)). Counts, means (from an exact sum of
//! ticks) and maxima stay exact at any size. [`StatsView::sample_store_bytes`] is
//! at most 4 × [`Samples::MAX_HEAP_BYTES`] (under 0.5 MB) however many customers
//! come.
//!
//! # Warm-up
//!
//! [`StatsView::with_warmup`] leaves the start of a run out, to measure a kitchen
//! in its steady state. With service starting at `start` (scenario time 0 in both
//! kitchens) and the last event at `end`, the warm-up ends at `w = start + warmup`
//! and the *measured window* is [w, end] (empty when the run ends before w):
//!
//! - **Orders**: an order counts (in `served`, `throughput_per_hour` and every
//!   per-order summary) only if its customer *arrived* at or after `w`
//!   (`order.arrival ≥ w`, the arrival time in the scenario's data, not when the
//!   kitchen took the order). An order that arrived during the warm-up is left out
//!   even if it is served after `w`.
//! - **Time**: cooks' hands-on and standing-by time, equipment busy time and the
//!   time-weighted queues count only the part inside the window, whichever order
//!   the work is for (a step running across `w` counts from `w`). Shares,
//!   utilisation and `mean_queue` divide by `measured_s` = end − w instead of the
//!   whole run; idle time is `measured_s` minus hands-on and standing by.
//!   `longest_queue` is the longest queue at any instant of the window, including
//!   the queue standing at `w`.
//! - `total_s` is still the whole run (end − start); `measured_s` is the window's
//!   length, and `throughput_per_hour` is orders counted per hour of `measured_s`.
//!
//! [`StatsView::new`] has no warm-up: `w = start`, `measured_s = total_s`, and every
//! order counts.
//!
//! A warm-up that leaves no customer in the window (or no window at all) measures
//! nothing ([`Stats::measured_nothing`]): the command refuses such a run's
//! statistics, and a sweep never lets such a configuration meet a target.

use rustc_hash::FxHashMap;

use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, EquipIx, ItemIx, Scenario, StepIx, StepKind};
use crate::orders::Order;
use crate::time::{Ticks, TimeUnit};
use crate::view::histogram::{Samples, nearest_rank};

mod estimate;
mod nothing;
mod schema;
mod student_t;
mod text;

pub(crate) use estimate::fixed;
pub use estimate::{CookEstimate, EquipmentEstimate, Estimate, SummaryEstimate};
pub use nothing::NothingMeasured;
pub use schema::{
    CookStat, CookStats, EquipmentStat, EquipmentStats, Field, Kind, OrderTime, Quantity, RunStat, Stat,
    Stats, Summary, Value,
};
pub use student_t::{t_quantile, t975};

/// Summarises per-order times.
fn summary(values: &Samples) -> Summary {
    let m = values.moments();
    let n = m.count();
    if n == 0 {
        return Summary { count: 0, mean_s: 0.0, p50_s: 0.0, p95_s: 0.0, max_s: 0.0 };
    }
    let s = |t: Ticks| TimeUnit::Seconds.from_ticks(t);
    let rank = |p: f64| values.value_at_rank(nearest_rank(p, n)).unwrap_or(0);
    let (sum, n128) = (m.sum(), n as u128);
    Summary {
        count: n,
        mean_s: s((sum / n128) as Ticks) + (sum % n128) as f64 / n as f64 / 1e9,
        p50_s: s(rank(0.5)),
        p95_s: s(rank(0.95)),
        max_s: s(m.max()),
    }
}

/// A cook's hands-on and standing-by ticks, and since when it has been doing what
/// (true: hands-on).
#[derive(Clone, Copy)]
struct CookTime(Ticks, Ticks, Option<(Ticks, bool)>);

struct EquipState {
    busy: Ticks,
    queue: u64,
    longest: u64,
    /// ∫ queue dt, in queue-ticks.
    area: u128,
    since: Ticks,
}

/// A step's part in the equipment statistics, from when it queues or starts until it
/// finishes.
#[derive(Clone, Copy)]
enum EquipStep {
    Queued,
    /// Holding a unit of this equipment since then.
    Holding(EquipIx, Ticks),
}

/// Steps queued for or holding equipment, by (order id, step): up to three look-ups
/// per step that uses equipment.
///
/// Hashed with FxHash (`rustc-hash`): the keys are the engine's order ids and step
/// indices, never chosen by an adversary, so SipHash's protection against flooding
/// is not needed, and its cost would be paid several times per step.
type StepMap = FxHashMap<(u64, StepIx), EquipStep>;

/// Computes [`Stats`] from events.
pub struct StatsView<'s> {
    sc: &'s Scenario,
    waits: Samples,
    in_system: Samples,
    chains: Samples,
    above: Samples,
    cooks: Vec<CookTime>,
    equipment: Vec<EquipState>,
    /// Steps queued for or holding equipment.
    equipment_steps: StepMap,
    start: Ticks,
    end: Ticks,
    warmup: Ticks,
    /// `start + warmup`: where the measured window begins.
    measured_from: Ticks,
    served: u64,
    left: u64,
    balked: u64,
    /// Customers who counted and waited: served after a wait, or left.
    waited: u64,
    /// ∫ customers in the café dt and ∫ customers waiting dt over the measured
    /// window, in customer-ticks, for those who have gone.
    in_cafe_area: u128,
    waiting_area: u128,
    /// Customers let in who have not gone yet, and the sum of when each one's
    /// measured time began (`max(arrival, measured_from)`): what they add to the
    /// areas if the run stops before they go.
    open: u64,
    open_since: u128,
    /// The same for those of them none of whose steps has started yet.
    open_waiting: u64,
    open_waiting_since: u128,
}

impl<'s> StatsView<'s> {
    /// Statistics of the whole run.
    pub fn new(sc: &'s Scenario) -> Self {
        Self::with_warmup(sc, 0)
    }

    /// Statistics that leave out the first `warmup` ticks of service: see
    /// [Warm-up](self#warm-up).
    pub fn with_warmup(sc: &'s Scenario, warmup: Ticks) -> Self {
        StatsView {
            sc,
            waits: Samples::new(),
            in_system: Samples::new(),
            chains: Samples::new(),
            above: Samples::new(),
            cooks: vec![CookTime(0, 0, None); sc.kitchen.cooks as usize],
            equipment: sc
                .kitchen
                .equipment
                .iter()
                .map(|_| EquipState { busy: 0, queue: 0, longest: 0, area: 0, since: 0 })
                .collect(),
            equipment_steps: StepMap::default(),
            start: 0,
            end: 0,
            warmup,
            measured_from: warmup,
            served: 0,
            left: 0,
            balked: 0,
            waited: 0,
            in_cafe_area: 0,
            waiting_area: 0,
            open: 0,
            open_since: 0,
            open_waiting: 0,
            open_waiting_since: 0,
        }
    }

    /// Bytes the per-order samples hold on the heap: at most 4 ×
    /// [`Samples::MAX_HEAP_BYTES`], however many orders are served.
    pub fn sample_store_bytes(&self) -> usize {
        [&self.waits, &self.in_system, &self.chains, &self.above].iter().map(|s| s.heap_bytes()).sum()
    }

    /// How much of the span from `from` to `to` lies in the measured window.
    #[inline]
    fn measured(&self, from: Ticks, to: Ticks) -> Ticks {
        to.saturating_sub(from.max(self.measured_from))
    }

    #[inline]
    fn cook_begin(&mut self, cook: u16, t: Ticks, hands_on: bool) {
        self.cook_end(cook, t);
        self.cooks[cook as usize].2 = Some((t, hands_on));
    }

    #[inline]
    fn cook_end(&mut self, cook: u16, t: Ticks) {
        if let Some((since, hands_on)) = self.cooks[cook as usize].2.take() {
            let d = self.measured(since, t);
            let c = &mut self.cooks[cook as usize];
            if hands_on {
                c.0 += d;
            } else {
                c.1 += d;
            }
        }
    }

    /// Brings equipment `e`'s queue area up to `t`; inside the measured window, the
    /// queue standing until `t` counts towards the longest.
    fn queue_to(&mut self, e: usize, t: Ticks) {
        let d = self.measured(self.equipment[e].since, t);
        let inside = t >= self.measured_from;
        let q = &mut self.equipment[e];
        q.area += q.queue as u128 * d as u128;
        q.since = t;
        if inside {
            q.longest = q.longest.max(q.queue);
        }
    }

    fn queue_change(&mut self, e: usize, t: Ticks, up: bool) {
        self.queue_to(e, t);
        let inside = t >= self.measured_from;
        let q = &mut self.equipment[e];
        if up {
            q.queue += 1;
            if inside {
                q.longest = q.longest.max(q.queue);
            }
        } else {
            q.queue -= 1;
        }
    }

    /// The statistics so far (at the last event, for an interrupted run).
    pub fn finish(mut self) -> Stats {
        let end = self.end;
        for c in 0..self.cooks.len() {
            self.cook_end(c as u16, end);
        }
        for e in 0..self.equipment.len() {
            self.queue_to(e, end);
        }
        // Equipment still held when an interrupted run stopped is busy until then.
        for step in self.equipment_steps.values() {
            if let EquipStep::Holding(eq, since) = *step {
                self.equipment[eq as usize].busy += end.saturating_sub(since.max(self.measured_from));
            }
        }
        // Customers still in the café when an interrupted run stopped count as in
        // the café until then, and as waiting if none of their steps had started.
        if end > self.measured_from {
            self.in_cafe_area += self.open as u128 * end as u128 - self.open_since;
            self.waiting_area += self.open_waiting as u128 * end as u128 - self.open_waiting_since;
        }
        let total = end - self.start;
        let measured = end.saturating_sub(self.measured_from);
        let mean = |area: u128| if measured == 0 { 0.0 } else { area as f64 / measured as f64 };
        let secs = |t: Ticks| TimeUnit::Seconds.from_ticks(t);
        let share = |t: Ticks| if measured == 0 { 0.0 } else { t as f64 / measured as f64 };
        let sc = self.sc;
        Stats {
            total_s: secs(total),
            measured_s: secs(measured),
            served: self.served,
            left: self.left,
            left_share: self::share(self.left, self.served + self.left + self.balked),
            balked: self.balked,
            balked_share: self::share(self.balked, self.served + self.left + self.balked),
            waited: self.waited,
            waited_share: self::share(self.waited, self.served + self.left + self.balked),
            throughput_per_hour: if measured == 0 {
                0.0
            } else {
                self.served as f64 * 3600.0 / secs(measured)
            },
            mean_in_system: mean(self.in_cafe_area),
            mean_waiting: mean(self.waiting_area),
            wait: summary(&self.waits),
            time_in_system: summary(&self.in_system),
            longest_chain: summary(&self.chains),
            above_chain: summary(&self.above),
            cooks: self
                .cooks
                .iter()
                .enumerate()
                .map(|(i, &CookTime(hands_on, standing, _))| {
                    let idle = measured.saturating_sub(hands_on + standing);
                    CookStats {
                        cook: i as u32 + 1,
                        hands_on_s: secs(hands_on),
                        standing_by_s: secs(standing),
                        idle_s: secs(idle),
                        hands_on_share: share(hands_on),
                        standing_by_share: share(standing),
                        idle_share: share(idle),
                    }
                })
                .collect(),
            equipment: self
                .equipment
                .iter()
                .zip(&sc.kitchen.equipment)
                .map(|(q, eq)| EquipmentStats {
                    name: eq.name.clone(),
                    capacity: eq.capacity,
                    busy_s: secs(q.busy),
                    utilisation: if measured == 0 {
                        0.0
                    } else {
                        q.busy as f64 / (measured as f64 * eq.capacity as f64)
                    },
                    mean_queue: mean(q.area),
                    longest_queue: q.longest,
                })
                .collect(),
        }
    }
}

/// The least time an order's recipe could take: its longest path through `after`.
/// `durations` are the order's, one per step in recipe order.
#[inline]
pub fn longest_chain(sc: &Scenario, item: ItemIx, durations: &[Ticks]) -> Ticks {
    // One duration: a one-step recipe, the common case, needs no look at the recipe.
    if let [only] = durations {
        return *only;
    }
    longest_path(sc, item, durations)
}

fn longest_path(sc: &Scenario, item: ItemIx, durations: &[Ticks]) -> Ticks {
    let steps = &sc.recipe_of(item).steps;
    // This runs for every order: no allocation for recipes of up to 16 steps.
    let mut small = [0; 16];
    let mut large = Vec::new();
    let finish: &mut [Ticks] = if steps.len() <= small.len() {
        &mut small[..steps.len()]
    } else {
        large.resize(steps.len(), 0);
        &mut large
    };
    for (s, step) in steps.iter().enumerate() {
        let ready = step.after.iter().map(|&d| finish[d as usize]).max().unwrap_or(0);
        finish[s] = ready + durations[s];
    }
    finish.iter().copied().max().unwrap_or(0)
}

/// One handler per kind of event, small enough to inline: the engine is generic over
/// its sink, so where it emits an event the `match` below folds away and only that
/// kind's handler remains.
impl Sink for StatsView<'_> {
    #[inline(always)]
    fn event(&mut self, e: &Event<'_>) {
        self.end = self.end.max(e.t);
        match e.kind {
            EventKind::ServiceStarted => {
                self.start = e.t;
                self.measured_from = e.t.saturating_add(self.warmup);
            }
            EventKind::StepWaiting { equipment, cook, order, step } => {
                self.step_waiting(order.id, step, equipment, cook, e.t)
            }
            EventKind::StepStarted { order, step, cook, first } => {
                self.step_started(order, step, cook, first, e.t)
            }
            EventKind::StepFinished { order, step, cook } => self.step_finished(order, step, cook, e.t),
            EventKind::StepCancelled { order, step, started } => {
                self.step_cancelled(order, step, started, e.t)
            }
            EventKind::Arrived { order } => self.let_in(order),
            EventKind::Served { order, started } => self.served(order, started, e.t),
            EventKind::Left { order, started } => self.left(order, started, e.t),
            EventKind::Balked { order } => self.balked(order),
            EventKind::Between { .. } | EventKind::ServiceEnded { .. } => {}
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => {}
        }
    }
}

impl StatsView<'_> {
    /// Only orders that arrived after the warm-up count.
    #[inline]
    fn counts(&self, order: &Order) -> bool {
        order.arrival >= self.measured_from
    }

    fn step_waiting(&mut self, order: u64, step: StepIx, equipment: EquipIx, cook: Option<CookIx>, t: Ticks) {
        self.queue_change(equipment as usize, t, true);
        self.equipment_steps.insert((order, step), EquipStep::Queued);
        if let Some(c) = cook {
            self.cook_begin(c, t, false);
        }
    }

    #[inline(always)]
    fn step_started(&mut self, order: &Order, step: StepIx, cook: Option<CookIx>, first: bool, t: Ticks) {
        if first {
            self.stop_waiting(order, t);
        }
        let st = &self.sc.recipe_of(order.item).steps[step as usize];
        if let Some(eq) = st.uses {
            self.take_equipment(order.id, step, eq, t);
        }
        if let Some(c) = cook {
            self.cook_begin(c, t, st.kind == StepKind::HandsOn);
        }
    }

    fn take_equipment(&mut self, order: u64, step: StepIx, eq: EquipIx, t: Ticks) {
        // A step that queued leaves the queue as it starts.
        if let Some(EquipStep::Queued) = self.equipment_steps.insert((order, step), EquipStep::Holding(eq, t))
        {
            self.queue_change(eq as usize, t, false);
        }
    }

    #[inline(always)]
    fn step_finished(&mut self, order: &Order, step: StepIx, cook: Option<CookIx>, t: Ticks) {
        // A kitchen without equipment holds none: no need to look at the step.
        if !self.equipment.is_empty() && self.sc.recipe_of(order.item).steps[step as usize].uses.is_some() {
            self.give_back_equipment(order.id, step, t);
        }
        if let Some(c) = cook {
            self.cook_end(c, t);
        }
    }

    fn give_back_equipment(&mut self, order: u64, step: StepIx, t: Ticks) {
        if let Some(EquipStep::Holding(eq, since)) = self.equipment_steps.remove(&(order, step)) {
            self.equipment[eq as usize].busy += self.measured(since, t);
        }
    }

    /// A cancelled step gives back its equipment, or its place in the queue for it.
    fn step_cancelled(&mut self, order: &Order, step: StepIx, started: bool, t: Ticks) {
        let Some(eq) = self.sc.recipe_of(order.item).steps[step as usize].uses else { return };
        if started {
            self.give_back_equipment(order.id, step, t);
        } else if let Some(EquipStep::Queued) = self.equipment_steps.remove(&(order.id, step)) {
            self.queue_change(eq as usize, t, false);
        }
    }

    /// When a customer's time in the café starts to count: at their arrival, or
    /// at the start of the measured window.
    #[inline(always)]
    fn measured_since(&self, order: &Order) -> Ticks {
        order.arrival.max(self.measured_from)
    }

    /// The kitchen takes the order: the customer is in the café (since their
    /// arrival, which may be earlier) until served, gone or balked, and waiting
    /// until their first step starts (or they go).
    #[inline(always)]
    fn let_in(&mut self, order: &Order) {
        let since = self.measured_since(order) as u128;
        self.open += 1;
        self.open_since += since;
        self.open_waiting += 1;
        self.open_waiting_since += since;
    }

    /// The customer, waiting since arriving, stops waiting at `t`.
    #[inline(always)]
    fn stop_waiting(&mut self, order: &Order, t: Ticks) {
        self.open_waiting -= 1;
        self.open_waiting_since -= self.measured_since(order) as u128;
        self.waiting_area += self.measured(order.arrival, t) as u128;
    }

    /// The customer, in the café since arriving, goes at `t`.
    #[inline(always)]
    fn gone(&mut self, order: &Order, t: Ticks) {
        self.open -= 1;
        self.open_since -= self.measured_since(order) as u128;
        self.in_cafe_area += self.measured(order.arrival, t) as u128;
    }

    fn left(&mut self, order: &Order, started: Option<Ticks>, t: Ticks) {
        if started.is_none() {
            self.stop_waiting(order, t);
        }
        self.gone(order, t);
        if self.counts(order) {
            self.left += 1;
            // A customer who left waited, unless served from the moment they came.
            self.waited += u64::from(started.is_none_or(|s| s > order.arrival));
        }
    }

    /// A customer who did not join was never in the café, and did not wait.
    fn balked(&mut self, order: &Order) {
        let since = self.measured_since(order) as u128;
        self.open -= 1;
        self.open_since -= since;
        self.open_waiting -= 1;
        self.open_waiting_since -= since;
        self.balked += u64::from(self.counts(order));
    }

    #[inline(always)]
    fn served(&mut self, order: &Order, started: Ticks, t: Ticks) {
        self.gone(order, t);
        if self.counts(order) {
            self.served += 1;
            self.waited += u64::from(started > order.arrival);
            let in_system = t - order.arrival;
            let chain = longest_chain(self.sc, order.item, &order.durations);
            self.waits.record(started - order.arrival);
            self.in_system.record(in_system);
            self.chains.record(chain);
            self.above.record(in_system.saturating_sub(chain));
        }
    }
}

/// `part / whole`, 0 when `whole` is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}
