//! The planner: the best order of work for a day whose customers are known, with a
//! lower bound that says how good it is (or a proof that nothing is better).
//!
//! The engine answers "what does asyncio's loop do?"; the planner answers "what
//! should the cooks start first?". It is a consumer of the model, beside the engine:
//! it reads a [`Scenario`], draws the day's orders with the engine's own
//! [`OrderSource`](crate::orders::OrderSource) (so the same seed gives the same
//! durations), and never runs or changes the engine.
//!
//! # The model
//!
//! For every step of every order: its start (an integer at the instance's
//! resolution), its cook and its unit of equipment. The constraints are the
//! asynchronous kitchen's (`CANONICAL.md`):
//!
//! * no step of an order starts before its customer arrives;
//! * a step starts after the steps it comes `after` are done;
//! * a hands-on step occupies one cook from its start to its end, without
//!   interruption (`time.sleep`); an unattended step occupies no cook;
//! * a step that `uses` equipment holds one unit of it from its start to its end:
//!   at no instant do more steps hold a kind of equipment than its capacity;
//! * **the event loop's rule**: a cook runs the loop, and a cook in a hands-on step
//!   runs nothing else. So every moment at which the loop must run something needs
//!   a cook who is not in the middle of a hands-on step: the start of every
//!   unattended step (and of a hands-on step of no duration), and the moment an
//!   order is served. A hands-on step starts on a free cook by the cumulative
//!   constraint already. A hands-on step that *ends* at the instant, or *starts* at
//!   it, leaves its cook free for it (the loop runs what is ready before it blocks
//!   again). Formally, at each such moment `t`, fewer than `cooks` hands-on steps `h`
//!   have `start(h) < t < end(h)`.
//!
//! The end of an unattended step is a timer: when it falls due while every cook is
//! in a hands-on step, the loop only notices it when a cook is free. The model gives
//! the step its own duration, and the plan its real end: the first instant from
//! then on when a cook is free ([`PlannedStep::end`]). That costs nothing: a step
//! that waits for it, or takes its unit of equipment, starts at a moment when a
//! cook is free, so no sooner than that real end.
//!
//! What the plan assumes: the durations are the ones drawn for the day (from the
//! seed); customers wait to be served (patience and balking are not planned for);
//! a cook may leave ready work waiting (the plan may keep a cook idle on purpose).
//! A step of no duration that uses equipment takes a unit and gives it back at
//! once: at its start, a unit must be free (held from start to start + duration by
//! the steps that last; one starting at the same instant holds it first if it takes
//! no cook time and comes before in the plan's order).
//!
//! # Time
//!
//! The solver counts in integers: the resolution is the greatest common divisor of
//! every duration and arrival (in nanoseconds), so the plan's times are exact, as
//! long as the horizon stays within a million units; otherwise the resolution is a
//! power of ten of nanoseconds and every duration and arrival is rounded up to it
//! ([`Plan::exact`] says which).
//!
//! # The solver and the proof
//!
//! pumpkin (a lazy-clause-generation constraint solver, with cumulative
//! constraints) starts from the best of a plan placed by hand and the caller's
//! hints ([`solve_instance`]: `ops::plan` gives the engine's own runs of the day),
//! then looks for better and better plans (upper-bounding search, steps set at
//! their earliest start first, until 60% of the time limit once a plan is found),
//! then, with the time left, for a proof that no plan is better, raising a lower
//! bound one unit at a time (lower-bounding search). The answer's [`Plan::bound`]
//! is the best of that bound and the simple ones ([`Bounds`]: the longest chain of
//! an order from its arrival; the hands-on work shared among the cooks and each
//! equipment's work among its units, with the heads and tails of the steps). When
//! the plan meets its bound, it is optimal.
//!
//! ```
//! use std::time::Duration;
//! use async_cafe::{builtin, plan};
//!
//! let bakery = builtin::find("bakery").unwrap().load().unwrap();
//! let opts = plan::PlanOptions { time_limit: Duration::from_secs(5), ..Default::default() };
//! let p = plan::solve(&bakery, &opts).unwrap();
//! assert_eq!(p.status, plan::Status::Optimal);
//! assert_eq!(p.value, bakery.unit.to_ticks(18.0)); // FIFO takes 21 min
//! ```

mod advice;
mod bounds;
mod compact;
mod cp;
mod error;
mod follow;
mod instance;
mod schedule;
mod trace;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::Cancel;
use crate::model::Scenario;

pub use advice::advice;
pub use bounds::Bounds;
pub use error::Error;
pub use follow::{follow, patient};
pub use instance::{Instance, MAX_PAIRS, MAX_STEPS, OrderInfo, Task};
pub use schedule::{Plan, PlannedOrder, PlannedStep, Status};
pub use trace::trace;

/// The value of `objective` for `starts`, in units.
fn objective_of(inst: &Instance, starts: &[i64], objective: Objective) -> i64 {
    let served = schedule::served(inst, starts);
    match objective {
        Objective::Makespan => served.iter().copied().max().unwrap_or(0),
        Objective::TotalTime => served.iter().zip(&inst.orders).map(|(s, o)| s - o.arrival).sum(),
    }
}

/// What a plan minimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// The time the last order is served (everything served as soon as possible).
    #[default]
    Makespan,
    /// The sum of every customer's time in the café, from arrival to served.
    TotalTime,
}

impl Objective {
    /// Every objective, the default first.
    pub const ALL: [Objective; 2] = [Objective::Makespan, Objective::TotalTime];

    /// The objective spelled `name` (see [`Objective::name`]); `None` for any other.
    pub fn from_name(name: &str) -> Option<Objective> {
        Objective::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Its spelling on the command line and in JSON: `makespan`, `total-time`.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Makespan => "makespan",
            Objective::TotalTime => "total-time",
        }
    }
}

/// How to plan.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// What to minimise.
    pub objective: Objective,
    /// How long the solver may build its model and search (more than zero); the
    /// default is 5 s. A model not built in time leaves the first plan, placed by
    /// hand (or the best of the hints, see [`solve_instance`]).
    pub time_limit: Duration,
    /// The seed the day is drawn from: required for generated customers; `None`
    /// for listed ones uses the scenario's.
    pub seed: Option<u64>,
    /// Once cancelled, the search stops (or the building of its model, or the
    /// placing of the first plan by hand, within milliseconds) and [`solve`]
    /// returns the best plan so far: at worst the first, placed by hand, the steps
    /// it had not placed yet put one after the other at the end. [`crate::ops::plan`] first runs the
    /// policies to compare the plan with: cancelled during those runs, it returns
    /// [`Error::Cancelled`](crate::ops::Error::Cancelled) instead.
    pub cancel: Cancel,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            objective: Objective::Makespan,
            time_limit: Duration::from_secs(5),
            seed: None,
            cancel: Cancel::new(),
        }
    }
}

/// The best plan for `sc`'s day (see the module doc) within the time limit, with
/// its lower bound. `Duration::MAX` is no limit. A day too big to plan is refused
/// before anything of its model is built: more than [`MAX_STEPS`] steps
/// ([`Error::TooBig`]) or [`MAX_PAIRS`] pairs ([`Error::ModelTooBig`], see
/// [`Instance::pairs`]).
///
/// # Panics
///
/// May panic on a scenario that fails [`Scenario::check`] (one built or changed
/// in code); [`crate::ops::plan`] checks it first.
pub fn solve(sc: &Scenario, opts: &PlanOptions) -> Result<Plan, Error> {
    let inst = Instance::new(sc, opts.seed)?;
    let seed = opts.seed.unwrap_or(sc.seed);
    solve_instance(sc, &inst, seed, opts, &[])
}

/// [`solve`] for a day already drawn (`inst`, a day of `sc` drawn from `seed`),
/// starting from the best of `hints` that keeps every constraint (each a start per
/// task of `inst`, in units: say, the engine's run of the same day, see
/// [`Instance::starts_of`]) and the plan placed by hand. The answer is never worse
/// than any of them, unless cancelled before they are checked. Refuses a day too
/// big to plan, as [`solve`] does.
pub fn solve_instance(
    sc: &Scenario,
    inst: &Instance,
    seed: u64,
    opts: &PlanOptions,
    hints: &[Vec<i64>],
) -> Result<Plan, Error> {
    if opts.time_limit.is_zero() {
        return Err(Error::TimeLimit);
    }
    inst.check_size()?;
    for t in &inst.tasks {
        if let Some(e) = t.uses {
            if inst.capacity[e as usize] == 0 {
                let name = &sc.kitchen.equipment[e as usize].name;
                return Err(Error::Infeasible(format!(
                    "a step uses `{name}`, of which the kitchen has no unit"
                )));
            }
        }
    }
    let simple = Bounds::of(inst, opts.objective);
    // Placing a plan by hand, checking one, and the search all stop once cancelled.
    let cancelled = || opts.cancel.is_cancelled();
    let greedy = compact::greedy(inst, &cancelled);
    let feasible = hints.iter().filter(|h| compact::feasible(inst, h, &cancelled));
    let (warm_value, warm) = std::iter::once(&greedy)
        .chain(feasible)
        .map(|s| (objective_of(inst, s, opts.objective), s.clone()))
        .min_by_key(|(v, _)| *v)
        .expect("the plan placed by hand");
    let found =
        cp::solve(inst, opts.objective, simple.best(), (&warm, warm_value), opts.time_limit, &opts.cancel);
    let mut starts = found.starts;
    compact::compact(inst, &mut starts, &cancelled);
    let mut plan = schedule::build(sc, inst, &starts, opts.objective, seed);
    let res = inst.resolution;
    let bound = found.bound.max(simple.best()) as u64 * res;
    plan.bound = bound.min(plan.value);
    plan.status = if plan.value <= bound { schedule::Status::Optimal } else { schedule::Status::BestFound };
    plan.simple_bounds = Bounds {
        chain: simple.chain * res as i64,
        cooks: simple.cooks * res as i64,
        equipment: simple.equipment * res as i64,
    };
    Ok(plan)
}
