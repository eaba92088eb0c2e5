//! The simple lower bounds no plan can beat, worked out without the solver.

use super::{Instance, Objective};

/// The simple lower bounds of an objective, each in units of the instance's
/// resolution: the largest is the bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bounds {
    /// The longest chain of work of an order, from its customer's arrival (makespan:
    /// the latest such end; total time: their sum).
    pub chain: i64,
    /// The hands-on work shared among the cooks, from the first arrival.
    pub cooks: i64,
    /// Each kind of equipment's work shared among its units, from the first arrival
    /// of an order that uses it: the largest.
    pub equipment: i64,
}

impl Bounds {
    /// The bounds of `objective` on `inst`.
    pub fn of(inst: &Instance, objective: Objective) -> Bounds {
        let chains = inst.chains();
        if objective == Objective::TotalTime {
            // Every customer stays at least as long as their own longest chain; the
            // shared resources bound only the last one, which the sum already counts.
            return Bounds { chain: chains.iter().sum(), cooks: 0, equipment: 0 };
        }
        let chain = inst.orders.iter().zip(&chains).map(|(o, c)| o.arrival + c).max().unwrap_or(0);
        let share = |filter: &dyn Fn(&super::Task) -> bool, units: i64| {
            let first = inst.tasks.iter().filter(|t| filter(t)).map(|t| inst.orders[t.order].arrival).min();
            let work: i64 = inst.tasks.iter().filter(|t| filter(t)).map(|t| t.duration).sum();
            first.map_or(0, |f| f + div_ceil(work, units.max(1)))
        };
        let cooks = share(&|t| t.hands_on, i64::from(inst.cooks));
        let equipment = (0..inst.capacity.len())
            .map(|e| share(&|t| t.uses == Some(e as u16), i64::from(inst.capacity[e])))
            .max()
            .unwrap_or(0);
        Bounds { chain, cooks, equipment }
    }

    /// The largest of them.
    pub fn best(&self) -> i64 {
        self.chain.max(self.cooks).max(self.equipment)
    }
}

fn div_ceil(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}
