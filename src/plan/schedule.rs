//! A plan: when each step starts and ends, on which cook and unit of equipment, and
//! how good it is. Built from the solver's starts, with everything the engine adds
//! worked out in ticks (an unattended step's end waits for a free cook).

use serde::{Deserialize, Serialize};

use crate::model::{Scenario, StepKind};
use crate::time::Ticks;

use super::{Bounds, Instance, Objective};

/// What is known of a plan's quality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No plan is better: the solver proved it, or the plan meets a lower bound.
    Optimal,
    /// The best plan found in the time given; its bound says how far from the
    /// optimum it can be.
    BestFound,
}

/// One step of one order in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    /// The order's id (1-based, in arrival order, as the engine numbers it).
    pub order: u64,
    /// The order's menu item.
    pub item: String,
    /// The step's name in its recipe.
    pub step: String,
    /// `hands-on` or `unattended`.
    pub kind: String,
    /// When it starts, in ticks (nanoseconds) of scenario time.
    pub start: Ticks,
    /// When it is done: its start plus its duration for a hands-on step; for an
    /// unattended one, the first instant from then on when a cook is free to run
    /// its end (the loop notices a timer only then), when its equipment is given
    /// back and the steps after it may start.
    pub end: Ticks,
    /// The cook (0-based) who does a hands-on step; `null` for unattended ones.
    pub cook: Option<u16>,
    /// The equipment it holds and which unit of it (0-based), if any.
    pub equipment: Option<(String, u32)>,
}

/// One order in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedOrder {
    /// The order's id (1-based, in arrival order).
    pub id: u64,
    /// The customer's name, if the scenario gives one.
    pub customer: Option<String>,
    /// The menu item.
    pub item: String,
    /// When the customer comes in, in ticks.
    pub arrival: Ticks,
    /// When every step is done, in ticks: the order is served.
    pub served: Ticks,
}

/// The best order of work found for a day, with how good it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's time unit (`s`, `min`, ...), which text output uses.
    pub unit: String,
    /// The seed the day's durations (and arrivals) were drawn from.
    pub seed: u64,
    /// What was minimised.
    pub objective: Objective,
    /// The plan's value of the objective, in ticks: the last order served
    /// (makespan) or the sum of customers' times in the café (total time).
    pub value: Ticks,
    /// No plan can do better than this, in ticks (at most `value`).
    pub bound: Ticks,
    /// Proven optimal, or the best found.
    pub status: Status,
    /// The simple bounds, in ticks, whose largest is part of `bound`.
    pub simple_bounds: Bounds,
    /// Ticks per unit of the solver's integers.
    pub resolution: Ticks,
    /// Whether every duration and arrival was a whole number of units: then the
    /// engine, following the plan, reproduces its times exactly.
    pub exact: bool,
    /// How many cooks the plan uses. (The plan holds no time of the search: a
    /// plan proven optimal is the same, byte for byte, on every run.)
    pub cooks: u16,
    /// The orders, in arrival order.
    pub orders: Vec<PlannedOrder>,
    /// Every step, by start; at the same instant those that take no cook time
    /// (unattended, or of no duration) first, then in order and recipe order: the
    /// order in which the cooks start them.
    pub steps: Vec<PlannedStep>,
}

impl Plan {
    /// How far above the optimum the plan can be, as a fraction of the bound
    /// (0 when optimal).
    pub fn gap(&self) -> f64 {
        if self.value <= self.bound || self.status == Status::Optimal {
            return 0.0;
        }
        (self.value - self.bound) as f64 / self.bound.max(1) as f64
    }

    /// `optimal (proven)` or `best found, at most 4.2% above the optimum`.
    pub fn status_text(&self) -> String {
        match self.status {
            Status::Optimal => "optimal (proven)".to_string(),
            Status::BestFound => format!("best found, at most {:.1}% above the optimum", self.gap() * 100.0),
        }
    }
}

/// The end of each task in ticks, as the engine would have it: a hands-on step at
/// start + duration, an unattended one when a cook is next free from then on.
pub(super) fn ends(inst: &Instance, starts: &[i64]) -> Vec<i64> {
    let busy: Vec<(i64, i64)> = inst
        .tasks
        .iter()
        .zip(starts)
        .filter(|(t, _)| t.hands_on && t.duration > 0)
        .map(|(t, &s)| (s, s + t.duration))
        .collect();
    let covered = |x: i64| busy.iter().filter(|&&(s, e)| s < x && x < e).count() >= inst.cooks as usize;
    inst.tasks
        .iter()
        .zip(starts)
        .map(|(t, &s)| {
            let done = s + t.duration;
            if t.hands_on || !covered(done) {
                return done;
            }
            // The first end of a hands-on step after it that leaves a cook free.
            let mut later: Vec<i64> = busy.iter().map(|&(_, e)| e).filter(|&e| e > done).collect();
            later.sort_unstable();
            later.into_iter().find(|&e| !covered(e)).expect("the last end leaves every cook free")
        })
        .collect()
}

/// When each order of `inst` is served with `starts`, in units: its last step's end.
pub(super) fn served(inst: &Instance, starts: &[i64]) -> Vec<i64> {
    let ends = ends(inst, starts);
    inst.orders
        .iter()
        .map(|o| (o.first_task..o.first_task + o.tasks).map(|i| ends[i]).max().unwrap_or(o.arrival))
        .collect()
}

/// The plan of `starts` on `inst` (a day of `sc`).
pub(super) fn build(sc: &Scenario, inst: &Instance, starts: &[i64], objective: Objective, seed: u64) -> Plan {
    let res = inst.resolution;
    let ticks = |u: i64| u as Ticks * res;
    let ends = ends(inst, starts);
    let mut order: Vec<usize> = (0..inst.tasks.len()).collect();
    // By start; at the same instant what takes no cook time first (a hands-on step
    // blocks its cook), then in order and recipe order.
    order.sort_by_key(|&i| (starts[i], inst.tasks[i].hands_on && inst.tasks[i].duration > 0, i));
    // Cooks and units: the free one with the lowest number, as the engine chooses.
    let mut cook_free: Vec<i64> = vec![0; inst.cooks as usize];
    let mut unit_free: Vec<Vec<i64>> =
        inst.capacity.iter().map(|&c| vec![0; c.min(inst.tasks.len() as u32) as usize]).collect();
    let mut steps = Vec::with_capacity(inst.tasks.len());
    for &i in &order {
        let t = &inst.tasks[i];
        let o = &inst.orders[t.order];
        let step = &sc.recipe_of(o.item).steps[t.step as usize];
        let (s, e) = (starts[i], ends[i]);
        let cook = (t.hands_on && t.duration > 0).then(|| {
            let c = cook_free.iter().position(|&f| f <= s).expect("the cumulative leaves a cook free");
            cook_free[c] = e;
            c as u16
        });
        let cook = cook.or_else(|| t.hands_on.then_some(0));
        let equipment = t.uses.map(|k| {
            let units = &mut unit_free[k as usize];
            // The model leaves a unit free for every step (the first unit, should
            // a plan not from the model come here).
            let u = units.iter().position(|&f| f <= s).unwrap_or(0);
            if t.duration > 0 {
                units[u] = e;
            }
            (sc.kitchen.equipment[k as usize].name.clone(), u as u32)
        });
        steps.push(PlannedStep {
            order: o.id,
            item: sc.menu.items[o.item as usize].name.clone(),
            step: step.name.clone(),
            kind: match step.kind {
                StepKind::HandsOn => "hands-on",
                StepKind::Unattended => "unattended",
            }
            .to_string(),
            start: ticks(s),
            end: ticks(e),
            cook,
            equipment,
        });
    }
    let orders: Vec<PlannedOrder> = inst
        .orders
        .iter()
        .map(|o| {
            let served = (o.first_task..o.first_task + o.tasks).map(|i| ends[i]).max().unwrap_or(o.arrival);
            PlannedOrder {
                id: o.id,
                customer: o.customer.clone(),
                item: sc.menu.items[o.item as usize].name.clone(),
                arrival: o.arrival_ticks,
                served: ticks(served).max(o.arrival_ticks),
            }
        })
        .collect();
    let value = match objective {
        Objective::Makespan => orders.iter().map(|o| o.served).max().unwrap_or(0),
        Objective::TotalTime => orders.iter().map(|o| o.served - o.arrival).sum(),
    };
    Plan {
        scenario: sc.name.clone(),
        unit: sc.unit.name().to_string(),
        seed,
        objective,
        value,
        bound: 0,
        status: Status::BestFound,
        simple_bounds: Bounds::default(),
        resolution: res,
        exact: inst.exact,
        cooks: sc.kitchen.cooks,
        orders,
        steps,
    }
}
