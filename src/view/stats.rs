//! Statistics of a run, computed from its events as they stream past.
//!
//! Per order: the wait (arrival to its first step starting), the time in system
//! (arrival to served) and how far that is above the order's longest dependency
//! chain (the least time its recipe could take). Per cook: the shares of time spent
//! hands-on, standing by (a synchronous cook watching an unattended step or in line
//! for equipment) and idle. Per piece of equipment: utilisation, and the number of
//! steps queued for it, averaged over time and at its longest.
//!
//! Only orders in the kitchen are held; each served order leaves three numbers for
//! the percentiles. Percentiles are by nearest rank: p95 of n values is the
//! ⌈0.95 n⌉-th smallest.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::event::{Event, EventKind, Sink};
use crate::model::{EquipIx, ItemIx, Scenario, StepIx, StepKind};
use crate::time::{Ticks, TimeUnit};

/// Mean, median, 95th percentile and maximum, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub count: u64,
    pub mean_s: f64,
    pub p50_s: f64,
    pub p95_s: f64,
    pub max_s: f64,
}

impl Summary {
    fn of(mut values: Vec<Ticks>) -> Summary {
        values.sort_unstable();
        let n = values.len();
        let s = |t: Ticks| TimeUnit::Seconds.from_ticks(t);
        let rank = |p: f64| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
        if n == 0 {
            return Summary { count: 0, mean_s: 0.0, p50_s: 0.0, p95_s: 0.0, max_s: 0.0 };
        }
        let sum: u128 = values.iter().map(|&v| v as u128).sum();
        Summary {
            count: n as u64,
            mean_s: s((sum / n as u128) as Ticks) + (sum % n as u128) as f64 / n as f64 / 1e9,
            p50_s: s(rank(0.5)),
            p95_s: s(rank(0.95)),
            max_s: s(values[n - 1]),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CookStats {
    /// 1-based.
    pub cook: u32,
    pub hands_on_s: f64,
    pub standing_by_s: f64,
    pub idle_s: f64,
    pub hands_on_share: f64,
    pub standing_by_share: f64,
    pub idle_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EquipmentStats {
    pub name: String,
    pub capacity: u32,
    /// Unit-seconds in use.
    pub busy_s: f64,
    /// Busy time over capacity × total time.
    pub utilisation: f64,
    /// Steps queued for it, averaged over the run's time.
    pub mean_queue: f64,
    pub longest_queue: u64,
}

/// Everything `--stats` shows and the JSON report carries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub total_s: f64,
    pub served: u64,
    /// Orders served per hour of scenario time.
    pub throughput_per_hour: f64,
    pub wait: Summary,
    pub time_in_system: Summary,
    /// Each order's longest dependency chain: the least time its recipe could take.
    pub longest_chain: Summary,
    /// Time in system minus longest chain, per order.
    pub above_chain: Summary,
    pub cooks: Vec<CookStats>,
    pub equipment: Vec<EquipmentStats>,
}

/// A cook's hands-on and standing-by ticks, and since when it has been doing what
/// (true: hands-on).
#[derive(Clone, Copy)]
struct CookTime(Ticks, Ticks, Option<(Ticks, bool)>);

struct OrderState {
    arrival: Ticks,
    first_start: Option<Ticks>,
    chain: Ticks,
}

struct EquipState {
    busy: Ticks,
    queue: u64,
    longest: u64,
    /// ∫ queue dt, in queue-ticks.
    area: u128,
    since: Ticks,
}

/// Computes [`Stats`] from events.
pub struct StatsView<'s> {
    sc: &'s Scenario,
    orders: HashMap<u64, OrderState>,
    waits: Vec<Ticks>,
    in_system: Vec<Ticks>,
    chains: Vec<Ticks>,
    above: Vec<Ticks>,
    cooks: Vec<CookTime>,
    equipment: Vec<EquipState>,
    /// Steps holding equipment: (order, step) → (equipment, since).
    holding: HashMap<(u64, StepIx), (EquipIx, Ticks)>,
    /// Steps in a queue for equipment.
    queued: HashSet<(u64, StepIx)>,
    start: Ticks,
    end: Ticks,
    served: u64,
}

impl<'s> StatsView<'s> {
    pub fn new(sc: &'s Scenario) -> Self {
        StatsView {
            sc,
            orders: HashMap::new(),
            waits: Vec::new(),
            in_system: Vec::new(),
            chains: Vec::new(),
            above: Vec::new(),
            cooks: vec![CookTime(0, 0, None); sc.kitchen.cooks as usize],
            equipment: sc
                .kitchen
                .equipment
                .iter()
                .map(|_| EquipState { busy: 0, queue: 0, longest: 0, area: 0, since: 0 })
                .collect(),
            holding: HashMap::new(),
            queued: HashSet::new(),
            start: 0,
            end: 0,
            served: 0,
        }
    }

    fn cook_begin(&mut self, cook: u16, t: Ticks, hands_on: bool) {
        self.cook_end(cook, t);
        self.cooks[cook as usize].2 = Some((t, hands_on));
    }

    fn cook_end(&mut self, cook: u16, t: Ticks) {
        let c = &mut self.cooks[cook as usize];
        if let Some((since, hands_on)) = c.2.take() {
            if hands_on {
                c.0 += t - since;
            } else {
                c.1 += t - since;
            }
        }
    }

    fn queue_change(&mut self, e: usize, t: Ticks, up: bool) {
        let q = &mut self.equipment[e];
        q.area += q.queue as u128 * (t - q.since) as u128;
        q.since = t;
        if up {
            q.queue += 1;
            q.longest = q.longest.max(q.queue);
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
            let q = &mut self.equipment[e];
            q.area += q.queue as u128 * (end - q.since) as u128;
            q.since = end;
        }
        // Equipment still held when an interrupted run stopped is busy until then.
        for &(eq, since) in self.holding.values() {
            self.equipment[eq as usize].busy += end - since;
        }
        let total = end - self.start;
        let secs = |t: Ticks| TimeUnit::Seconds.from_ticks(t);
        let share = |t: Ticks| if total == 0 { 0.0 } else { t as f64 / total as f64 };
        let sc = self.sc;
        Stats {
            total_s: secs(total),
            served: self.served,
            throughput_per_hour: if total == 0 { 0.0 } else { self.served as f64 * 3600.0 / secs(total) },
            wait: Summary::of(self.waits),
            time_in_system: Summary::of(self.in_system),
            longest_chain: Summary::of(self.chains),
            above_chain: Summary::of(self.above),
            cooks: self
                .cooks
                .iter()
                .enumerate()
                .map(|(i, &CookTime(hands_on, standing, _))| {
                    let idle = total.saturating_sub(hands_on + standing);
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
                    utilisation: if total == 0 {
                        0.0
                    } else {
                        q.busy as f64 / (total as f64 * eq.capacity as f64)
                    },
                    mean_queue: if total == 0 { 0.0 } else { q.area as f64 / total as f64 },
                    longest_queue: q.longest,
                })
                .collect(),
        }
    }
}

/// The least time an order's recipe could take: its longest path through `after`.
pub fn longest_chain(sc: &Scenario, item: ItemIx, durations: &[Ticks]) -> Ticks {
    let steps = &sc.recipe_of(item).steps;
    let mut finish = vec![0; steps.len()];
    for (s, step) in steps.iter().enumerate() {
        let ready = step.after.iter().map(|&d| finish[d as usize]).max().unwrap_or(0);
        finish[s] = ready + durations[s];
    }
    finish.into_iter().max().unwrap_or(0)
}

impl Sink for StatsView<'_> {
    fn event(&mut self, e: &Event<'_>) {
        self.end = self.end.max(e.t);
        let sc = self.sc;
        match e.kind {
            EventKind::ServiceStarted => self.start = e.t,
            EventKind::Arrived { order } => {
                let chain = longest_chain(sc, order.item, &order.durations);
                self.orders.insert(order.id, OrderState { arrival: order.arrival, first_start: None, chain });
            }
            EventKind::StepWaiting { equipment, cook, order, step } => {
                self.queue_change(equipment as usize, e.t, true);
                self.queued.insert((order.id, step));
                if let Some(c) = cook {
                    self.cook_begin(c, e.t, false);
                }
            }
            EventKind::StepStarted { order, step, cook } => {
                let st = &sc.recipe_of(order.item).steps[step as usize];
                if let Some(o) = self.orders.get_mut(&order.id) {
                    o.first_start.get_or_insert(e.t);
                }
                if let Some(eq) = st.uses {
                    // A step that queued leaves the queue as it starts.
                    if self.queued.remove(&(order.id, step)) {
                        self.queue_change(eq as usize, e.t, false);
                    }
                    self.holding.insert((order.id, step), (eq, e.t));
                }
                if let Some(c) = cook {
                    self.cook_begin(c, e.t, st.kind == StepKind::HandsOn);
                }
            }
            EventKind::StepFinished { order, step, cook } => {
                if let Some((eq, since)) = self.holding.remove(&(order.id, step)) {
                    self.equipment[eq as usize].busy += e.t - since;
                }
                if let Some(c) = cook {
                    self.cook_end(c, e.t);
                }
            }
            EventKind::Served { order } => {
                self.served += 1;
                if let Some(o) = self.orders.remove(&order.id) {
                    let in_system = e.t - o.arrival;
                    self.waits.push(o.first_start.unwrap_or(e.t) - o.arrival);
                    self.in_system.push(in_system);
                    self.chains.push(o.chain);
                    self.above.push(in_system.saturating_sub(o.chain));
                }
            }
            EventKind::Between { .. } | EventKind::ServiceEnded { .. } => {}
        }
    }
}

impl Stats {
    /// The statistics as a text table, times in the scenario's unit.
    pub fn render(&self, unit: TimeUnit) -> String {
        use std::fmt::Write as _;
        let u = unit.name();
        let t = |s: f64| s / unit.seconds();
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let mut out = String::new();
        let _ = writeln!(out, "Statistics (times in {u})");
        let _ = writeln!(out, "  total time      {:>10.2}", t(self.total_s));
        let _ = writeln!(
            out,
            "  orders served   {:>10}    throughput {:.1} per hour",
            self.served, self.throughput_per_hour
        );
        let _ = writeln!(out, "\n  per order                  mean       p50       p95       max");
        for (name, s) in [
            ("wait", &self.wait),
            ("time in system", &self.time_in_system),
            ("longest chain", &self.longest_chain),
            ("above the chain", &self.above_chain),
        ] {
            let _ = writeln!(
                out,
                "  {name:<20} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                t(s.mean_s),
                t(s.p50_s),
                t(s.p95_s),
                t(s.max_s)
            );
        }
        let _ = writeln!(out, "\n  cooks        hands-on   standing by    idle");
        for c in &self.cooks {
            let _ = writeln!(
                out,
                "  cook {:<6} {:>9} {:>13} {:>7}",
                c.cook,
                pct(c.hands_on_share),
                pct(c.standing_by_share),
                pct(c.idle_share)
            );
        }
        if !self.equipment.is_empty() {
            let width = self.equipment.iter().map(|e| e.name.len() + 4).max().unwrap_or(0).max(9);
            let _ = writeln!(out, "\n  {:<width$} utilisation   mean queue   longest queue", "equipment");
            for e in &self.equipment {
                let label = format!("{} ({})", e.name, e.capacity);
                let _ = writeln!(
                    out,
                    "  {label:<width$} {:>11} {:>12.2} {:>15}",
                    pct(e.utilisation),
                    e.mean_queue,
                    e.longest_queue
                );
            }
        }
        out
    }
}
