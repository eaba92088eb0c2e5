//! Planning a day: the planner's best order of work beside what asyncio's loop
//! does under each dispatch policy, on the same day (same seed).

use crate::model::{Policy, Scenario};
use crate::plan::{self, Plan, PlanOptions};
use crate::time::Ticks;
use crate::view::compare::Comparison;

use super::{CompareOptions, Error, compare_policies};

/// A plan, and the engine's runs of the same day under every policy.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The planner's answer.
    pub plan: Plan,
    /// The asynchronous kitchen under each of [`Policy::ALL`], `fifo` first (with
    /// order lanes), on the plan's seed.
    pub policies: Comparison,
}

impl Planned {
    /// The value of the plan's objective for side `i` of [`Planned::policies`], in
    /// ticks: when its last order was served, or its customers' total time.
    pub fn side_value(&self, i: usize) -> Ticks {
        crate::view::plan::side_value(&self.policies.sides[i], self.plan.objective)
    }
}

/// Plans `sc`'s day ([`plan::solve`]) and runs the same day under every dispatch
/// policy on the virtual clock.
///
/// ```
/// use async_cafe::{builtin, ops, plan::PlanOptions};
///
/// let bakery = builtin::find("bakery").unwrap().load().unwrap();
/// let planned = ops::plan(&bakery, &PlanOptions::default()).unwrap();
/// let min = |t| t as f64 / 60e9;
/// assert_eq!(min(planned.side_value(0)), 21.0); // asyncio's FIFO
/// assert_eq!(min(planned.plan.value), 18.0);
/// ```
pub fn plan(sc: &Scenario, opts: &PlanOptions) -> Result<Planned, Error> {
    let plan = plan::solve(sc, opts).map_err(Error::Plan)?;
    let compare = CompareOptions { seed: Some(plan.seed), order_lanes: true, cancel: opts.cancel.clone() };
    let mut sc = sc.clone();
    // The plan assumes customers wait: so do the runs it is compared with.
    sc.patience = None;
    sc.balk = None;
    if let crate::model::Customers::List(list) = &mut sc.customers {
        list.iter_mut().for_each(|c| c.patience = None);
    }
    let policies = compare_policies(&sc, &Policy::ALL, &compare)?;
    Ok(Planned { plan, policies })
}
