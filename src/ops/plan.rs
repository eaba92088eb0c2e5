//! Planning a day: the planner's best order of work beside what asyncio's loop
//! does under each dispatch policy, on the same day (same seed).

use crate::model::{Mode, Policy, Scenario};
use crate::plan::{self, Plan, PlanOptions};
use crate::time::Ticks;
use crate::view::compare::Comparison;

use super::compare::side;
use super::{CompareOptions, Error, compare_policies};

/// A plan, and the engine's runs of the same day under every policy.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The planner's answer.
    pub plan: Plan,
    /// The asynchronous kitchen under each of [`Policy::ALL`], `fifo` first (with
    /// order lanes), on the plan's seed.
    pub policies: Comparison,
    /// When the plan is not exact (its times are of the day rounded up to its
    /// resolution), the value of its objective when the engine follows it on the
    /// day as drawn, in ticks: what asyncio's runs, which run that day, compare
    /// with. `None` when the plan is exact, or the comparison was cancelled.
    pub followed: Option<Ticks>,
}

impl Planned {
    /// The value of the plan's objective for side `i` of [`Planned::policies`], in
    /// ticks: when its last order was served, or its customers' total time.
    pub fn side_value(&self, i: usize) -> Ticks {
        crate::view::plan::side_value(&self.policies.sides[i], self.plan.objective)
    }
}

#[cfg(feature = "report")]
impl Planned {
    /// The runs of the HTML report: asyncio under each policy, then the engine
    /// following the plan (policy `planned`), with their traces and statistics.
    pub fn report_runs(&self, sc: &Scenario) -> Result<Vec<crate::view::html_report::ReportRun>, Error> {
        let mut runs = self.policies.report_runs();
        let follows = plan::follow(sc, &self.plan).map_err(Error::Plan)?;
        let mut run = super::report_run(&follows, crate::model::Mode::Async, self.plan.seed)?;
        run.policy = Some(Policy::Planned);
        runs.push(run);
        Ok(runs)
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
    // The day first, so that a scenario that cannot be planned is refused at once;
    // then the engine's runs (cancelled: no result); then the search, which a
    // cancellation only cuts short (the best plan so far is the answer).
    sc.check().map_err(Error::Invalid)?;
    let day = plan::Instance::new(sc, opts.seed).map_err(Error::Plan)?;
    let seed = opts.seed.unwrap_or(sc.seed);
    let compare = CompareOptions {
        seed: Some(seed),
        order_lanes: true,
        cancel: opts.cancel.clone(),
        ..CompareOptions::default()
    };
    // The plan assumes customers wait: so do the runs it is compared with.
    let policies = compare_policies(&plan::patient(sc), &Policy::ALL, &compare)?;
    // The engine's runs are plans too: the solver starts from the best of them.
    let hints: Vec<Vec<i64>> = policies
        .sides
        .iter()
        .filter_map(|side| day.starts_of(side.steps.iter().map(|s| (s.order, s.step, s.start))))
        .collect();
    let plan = plan::solve_instance(sc, &day, seed, opts, &hints).map_err(Error::Plan)?;
    let followed = if plan.exact {
        None
    } else {
        let follows = plan::follow(sc, &plan).map_err(Error::Plan)?;
        let side = side(&follows, Mode::Async, seed, true, &opts.cancel, None)?;
        side.map(|s| crate::view::plan::side_value(&s, plan.objective))
    };
    Ok(Planned { plan, policies, followed })
}
