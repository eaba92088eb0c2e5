//! The simple lower bounds no plan can beat, worked out without the solver.

use super::{Instance, Objective};

/// The simple lower bounds of an objective, each in units of the instance's
/// resolution: the largest is the bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bounds {
    /// The longest chain of work of an order, from its customer's arrival (makespan:
    /// the latest such end; total time: their sum).
    pub chain: i64,
    /// The hands-on work shared among the cooks: for the steps that cannot start
    /// before some instant, that instant, plus their work divided by the cooks,
    /// plus the shortest work left after one of them (the largest over every
    /// instant).
    pub cooks: i64,
    /// The same for each kind of equipment, its work shared among its units: the
    /// largest.
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
        let (head, tail) = inst.heads_and_tails();
        let share = |users: &dyn Fn(&super::Task) -> bool, units: u32| {
            let tasks = inst.tasks.iter().enumerate().filter(|(_, t)| users(t) && t.duration > 0);
            let tasks: Vec<(i64, i64, i64)> = tasks.map(|(i, t)| (head[i], t.duration, tail[i])).collect();
            resource(tasks, i64::from(units))
        };
        let cooks = share(&|t| t.hands_on, inst.cooks);
        let equipment = (0..inst.capacity.len())
            .map(|e| share(&|t| t.uses == Some(e as u16), inst.capacity[e]))
            .max()
            .unwrap_or(0);
        Bounds { chain, cooks, equipment }
    }

    /// The largest of them.
    pub fn best(&self) -> i64 {
        self.chain.max(self.cooks).max(self.equipment)
    }
}

/// The bound of a resource of `units` units shared by `tasks` (head, duration,
/// tail): the tasks that cannot start before a head `r` hold the resource for their
/// total work `W` from `r` on, so the last of them ends no sooner than `r + W /
/// units`, and its order after its tail, at least the smallest of theirs. The
/// largest over every `r`.
fn resource(mut tasks: Vec<(i64, i64, i64)>, units: i64) -> i64 {
    tasks.sort_unstable_by_key(|&(head, _, _)| std::cmp::Reverse(head));
    let (mut work, mut tail, mut best) = (0i64, i64::MAX, 0i64);
    for (k, &(head, d, t)) in tasks.iter().enumerate() {
        work += d;
        tail = tail.min(t);
        // Once every task of this head is in.
        if tasks.get(k + 1).is_none_or(|next| next.0 < head) {
            best = best.max(head + div_ceil(work, units.max(1)) + tail);
        }
    }
    best
}

fn div_ceil(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}
