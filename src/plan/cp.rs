//! The constraint model of the asynchronous kitchen, solved by pumpkin.
//!
//! One integer per step (its start) and per order (when it is served); the
//! constraints are those of the module doc of [`super`]: arrivals, `after`, a
//! cumulative of the cooks over the hands-on steps, one per kind of equipment over
//! the steps that use it, and the event loop's rule, that the moments when the loop
//! must run (an unattended step starts, an order is served) fall when a cook is
//! free, as half-reified disjunctions over the hands-on steps.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use pumpkin_conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_constraints as cons;
use pumpkin_core::optimisation::OptimisationDirection;
use pumpkin_core::optimisation::linear_sat_unsat::LinearSatUnsat;
use pumpkin_core::optimisation::linear_unsat_sat::LinearUnsatSat;
use pumpkin_core::proof::ConstraintTag;
use pumpkin_core::results::{OptimisationResult, ProblemSolution, Solution, SolutionReference};
use pumpkin_core::termination::TerminationCondition;
use pumpkin_core::variables::{AffineView, DomainId, TransformableVariable};
use pumpkin_core::{DefaultBrancher, Solver};

use crate::clock::Cancel;

use super::{Error, Instance, Objective};

/// What the solver found: a start per task, and what it proved.
pub(super) struct Found {
    /// Each task's start, in units.
    pub(super) starts: Vec<i64>,
    /// A lower bound of the optimum the solver proved (at most `value`).
    pub(super) bound: i64,
}

/// Stops the search at a deadline, or once the caller's token is cancelled.
struct Limit<'c> {
    deadline: Instant,
    cancel: &'c Cancel,
}

impl TerminationCondition for Limit<'_> {
    fn should_stop(&mut self) -> bool {
        self.cancel.is_cancelled() || Instant::now() >= self.deadline
    }
}

/// The model's variables.
struct Model {
    solver: Solver,
    starts: Vec<DomainId>,
    objective: DomainId,
}

type Var = AffineView<DomainId>;

/// A moment when the loop must run: a step starts (unattended, or hands-on of no
/// duration), or an order is served.
#[derive(Clone, Copy)]
enum Moment {
    Start(usize),
    Served(usize),
}

/// `Σ terms ≤ rhs`.
fn le(terms: Vec<Var>, rhs: i64, tag: ConstraintTag) -> impl pumpkin_core::constraints::Constraint {
    cons::less_than_or_equals(terms, rhs as i32, tag)
}

fn build(inst: &Instance, objective: Objective, lower: i64, upper: Option<i64>) -> Model {
    let mut solver = Solver::default();
    let tag = solver.new_constraint_tag();
    let horizon = inst.horizon();
    let starts: Vec<DomainId> = inst
        .tasks
        .iter()
        .map(|t| {
            let a = inst.orders[t.order].arrival;
            solver.new_bounded_integer(a as i32, (horizon - t.duration).max(a) as i32)
        })
        .collect();
    let p = |d: DomainId| d.scaled(1);
    let n = |d: DomainId| d.scaled(-1);
    // `after`: s_j ≥ s_i + d_i.
    for (j, t) in inst.tasks.iter().enumerate() {
        for &i in &t.after {
            let d = inst.tasks[i].duration;
            solver.add_constraint(le(vec![p(starts[i]), n(starts[j])], -d, tag)).post();
        }
    }
    // The cooks, and each kind of equipment.
    let hands_on: Vec<usize> =
        (0..inst.tasks.len()).filter(|&i| inst.tasks[i].hands_on && inst.tasks[i].duration > 0).collect();
    let cumulative = |solver: &mut Solver, tasks: &[usize], capacity: u32| {
        if tasks.is_empty() {
            return;
        }
        let cap = capacity.min(tasks.len() as u32) as i32;
        let c = cons::cumulative(
            tasks.iter().map(|&i| starts[i]).collect::<Vec<_>>(),
            tasks.iter().map(|&i| inst.tasks[i].duration as i32).collect::<Vec<_>>(),
            tasks.iter().map(|_| 1).collect::<Vec<_>>(),
            cap,
            tag,
        );
        solver.add_constraint(c).post();
    };
    cumulative(&mut solver, &hands_on, inst.cooks);
    for (e, &cap) in inst.capacity.iter().enumerate() {
        let users: Vec<usize> = (0..inst.tasks.len())
            .filter(|&i| inst.tasks[i].uses == Some(e as u16) && inst.tasks[i].duration > 0)
            .collect();
        cumulative(&mut solver, &users, cap);
    }
    // When each order is served: after each of its steps.
    let served: Vec<DomainId> = inst
        .orders
        .iter()
        .map(|o| {
            let c = solver.new_bounded_integer(o.arrival as i32, horizon as i32);
            let range = o.first_task..o.first_task + o.tasks;
            for (t, &s) in inst.tasks[range.clone()].iter().zip(&starts[range]) {
                solver.add_constraint(le(vec![p(s), n(c)], -t.duration, tag)).post();
            }
            c
        })
        .collect();
    // The event loop's rule: the moments the loop must run need a free cook. A
    // hands-on step of the same order that comes before or after the moment's step
    // (or, for an order served, any of its own) never covers it.
    let ancestors = inst.ancestors();
    let mut moments: Vec<(DomainId, Moment)> = Vec::new();
    for (u, t) in inst.tasks.iter().enumerate() {
        if !t.hands_on || t.duration == 0 {
            moments.push((starts[u], Moment::Start(u)));
        }
    }
    moments.extend(served.iter().enumerate().map(|(o, &c)| (c, Moment::Served(o))));
    let related = |m: Moment, h: usize| match m {
        Moment::Start(u) => {
            inst.tasks[h].order == inst.tasks[u].order
                && (ancestors[u].binary_search(&h).is_ok() || ancestors[h].binary_search(&u).is_ok())
        }
        Moment::Served(o) => inst.tasks[h].order == o,
    };
    if hands_on.len() >= inst.cooks as usize {
        for &(t, m) in &moments {
            let mut covering = Vec::new();
            for &h in &hands_on {
                if related(m, h) {
                    continue;
                }
                let (sh, d) = (starts[h], inst.tasks[h].duration);
                // before: t ≤ s_h; after: t ≥ s_h + d_h; else h covers t.
                let before = solver.new_literal();
                let after = solver.new_literal();
                solver.add_constraint(le(vec![p(t), n(sh)], 0, tag)).implied_by(before);
                solver.add_constraint(le(vec![p(sh), n(t)], -d, tag)).implied_by(after);
                if inst.cooks == 1 {
                    solver.add_clause([before.get_true_predicate(), after.get_true_predicate()], tag);
                } else {
                    let covers = solver.new_literal();
                    solver.add_clause(
                        [
                            before.get_true_predicate(),
                            after.get_true_predicate(),
                            covers.get_true_predicate(),
                        ],
                        tag,
                    );
                    covering.push(covers.get_integer_variable());
                }
            }
            if covering.len() >= inst.cooks as usize {
                solver.add_constraint(le(covering, i64::from(inst.cooks) - 1, tag)).post();
            }
        }
    }
    // The objective.
    let top = match objective {
        Objective::Makespan => horizon,
        Objective::TotalTime => horizon * inst.orders.len() as i64,
    };
    let top = upper.unwrap_or(top).max(lower);
    let obj = solver.new_bounded_integer(lower as i32, top as i32);
    match objective {
        Objective::Makespan => {
            for &c in &served {
                solver.add_constraint(le(vec![p(c), n(obj)], 0, tag)).post();
            }
        }
        Objective::TotalTime => {
            let arrivals: i64 = inst.orders.iter().map(|o| o.arrival).sum();
            let mut terms: Vec<Var> = served.iter().map(|&c| p(c)).collect();
            terms.push(n(obj));
            solver.add_constraint(cons::equals(terms, arrivals as i32, tag)).post();
        }
    }
    Model { solver, starts, objective: obj }
}

fn read(model: &Model, s: &Solution) -> (Vec<i64>, i64) {
    let starts = model.starts.iter().map(|&d| i64::from(s.get_integer_value(d))).collect();
    (starts, i64::from(s.get_integer_value(model.objective)))
}

/// Solves `inst` for `objective` within `limit`: first the best plan it can find
/// (upper-bounding search), then, with the time left, a search for a better lower
/// bound (lower-bounding search, from `lower`). `None` when no plan was found in time.
pub(super) fn solve(
    inst: &Instance,
    objective: Objective,
    lower: i64,
    limit: Duration,
    cancel: &Cancel,
) -> Result<Option<Found>, Error> {
    let started = Instant::now();
    let deadline = started + limit;
    // Most of the time for the plan, the rest for its proof.
    let first = Limit { deadline: started + limit.mul_f64(0.6), cancel };
    let mut model = build(inst, objective, lower, None);
    let mut brancher = model.solver.default_brancher();
    let mut resolver = ResolutionResolver::default();
    let no_callback = |_: &Solver, _: SolutionReference<'_>, _: &DefaultBrancher, _: &ResolutionResolver| {
        ControlFlow::<()>::Continue(())
    };
    let procedure = LinearSatUnsat::new(OptimisationDirection::Minimise, model.objective, no_callback);
    let mut first = first;
    let best = match model.solver.optimise(&mut brancher, &mut first, &mut resolver, procedure) {
        OptimisationResult::Optimal(s) => {
            let (starts, value) = read(&model, &s);
            return Ok(Some(Found { starts, bound: value }));
        }
        OptimisationResult::Satisfiable(s) | OptimisationResult::Stopped(s, _) => read(&model, &s),
        OptimisationResult::Unsatisfiable => {
            return Err(Error::Infeasible("the solver found no plan at all".into()));
        }
        OptimisationResult::Unknown => {
            // No plan yet: the rest of the time to find one.
            let mut rest = Limit { deadline, cancel };
            let procedure =
                LinearSatUnsat::new(OptimisationDirection::Minimise, model.objective, no_callback);
            match model.solver.optimise(&mut brancher, &mut rest, &mut resolver, procedure) {
                OptimisationResult::Optimal(s) => {
                    let (starts, value) = read(&model, &s);
                    return Ok(Some(Found { starts, bound: value }));
                }
                OptimisationResult::Satisfiable(s) | OptimisationResult::Stopped(s, _) => {
                    let (starts, _) = read(&model, &s);
                    return Ok(Some(Found { starts, bound: lower }));
                }
                OptimisationResult::Unsatisfiable => {
                    return Err(Error::Infeasible("the solver found no plan at all".into()));
                }
                OptimisationResult::Unknown => return Ok(None),
            }
        }
    };
    let (starts, value) = best;
    if value <= lower {
        return Ok(Some(Found { starts, bound: value }));
    }
    // The proof: is there a plan better than `value`? Lower-bounding search raises
    // the bound one unit at a time, each step an unsatisfiability proven.
    let mut model2 = build(inst, objective, lower, Some(value - 1));
    let mut brancher = model2.solver.default_brancher();
    let mut resolver = ResolutionResolver::default();
    let mut rest = Limit { deadline, cancel };
    let procedure = LinearUnsatSat::new(OptimisationDirection::Minimise, model2.objective, no_callback);
    let result = model2.solver.optimise(&mut brancher, &mut rest, &mut resolver, procedure);
    Ok(Some(match result {
        OptimisationResult::Optimal(s) => {
            let (starts, value) = read(&model2, &s);
            Found { starts, bound: value }
        }
        // No plan better than `value`: it is optimal.
        OptimisationResult::Unsatisfiable => Found { starts, bound: value },
        OptimisationResult::Satisfiable(s) | OptimisationResult::Stopped(s, _) => {
            // A better plan, its optimality not proven: the bound is what the
            // search established.
            let (starts, value) = read(&model2, &s);
            let bound = i64::from(model2.solver.lower_bound(&model2.objective)).min(value);
            Found { starts, bound }
        }
        OptimisationResult::Unknown => {
            let bound = i64::from(model2.solver.lower_bound(&model2.objective)).min(value);
            Found { starts, bound: bound.max(lower) }
        }
    }))
}
