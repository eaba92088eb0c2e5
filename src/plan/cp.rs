//! The constraint model of the asynchronous kitchen, solved by pumpkin.
//!
//! One integer per step (its start) and per order (when it is served); the
//! constraints are those of the module doc of [`super`]: arrivals, `after`, a
//! cumulative of the cooks over the hands-on steps, one per kind of equipment over
//! the steps that use it, and the event loop's rule, that the moments when the loop
//! must run (an unattended step starts, an order is served) fall when a cook is
//! free, as half-reified disjunctions over the hands-on steps.

use std::cell::Cell;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::time::{Duration, Instant};

use pumpkin_conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_constraints as cons;
use pumpkin_core::branching::branchers::dynamic_brancher::DynamicBrancher;
use pumpkin_core::branching::branchers::independent_variable_value_brancher::IndependentVariableValueBrancher;
use pumpkin_core::branching::branchers::warm_start::WarmStart;
use pumpkin_core::branching::value_selection::InDomainMin;
use pumpkin_core::branching::variable_selection::Smallest;
use pumpkin_core::optimisation::OptimisationDirection;
use pumpkin_core::optimisation::linear_sat_unsat::LinearSatUnsat;
use pumpkin_core::optimisation::linear_unsat_sat::LinearUnsatSat;
use pumpkin_core::proof::ConstraintTag;
use pumpkin_core::results::{OptimisationResult, ProblemSolution, Solution, SolutionReference};
use pumpkin_core::termination::TerminationCondition;
use pumpkin_core::variables::{AffineView, DomainId, TransformableVariable};
use pumpkin_core::{DefaultBrancher, Solver};

use crate::clock::Cancel;

use super::instance::Precedence;
use super::{Instance, Objective};

/// What the solver found: a start per task, and what it proved.
pub(super) struct Found {
    /// Each task's start, in units.
    pub(super) starts: Vec<i64>,
    /// A lower bound of the optimum the solver proved (at most `value`).
    pub(super) bound: i64,
}

/// Stops the search at the hard deadline, or at the soft one once a plan is found,
/// or once the caller's token is cancelled.
struct Limit<'c> {
    soft: Instant,
    hard: Instant,
    found: Rc<Cell<bool>>,
    cancel: &'c Cancel,
}

impl TerminationCondition for Limit<'_> {
    fn should_stop(&mut self) -> bool {
        let now = Instant::now();
        self.cancel.is_cancelled() || now >= self.hard || (self.found.get() && now >= self.soft)
    }
}

/// The model's variables.
struct Model {
    solver: Solver,
    starts: Vec<DomainId>,
    objective: DomainId,
    /// The pairs it relates one by one ([`Instance::pairs`] counts them before).
    pairs: u64,
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

/// How many pairs (see [`Instance::pairs`]) the model is built by between looks at
/// whether to stop: some milliseconds' work.
const PAIRS_BETWEEN_LOOKS: u64 = 1_024;

/// The model of `inst`, its objective between `lower` and `upper`; `None` as soon
/// as `stop` says so (it is asked every [`PAIRS_BETWEEN_LOOKS`] pairs: a model
/// takes seconds to build when the day is large).
fn build(
    inst: &Instance,
    objective: Objective,
    lower: i64,
    upper: Option<i64>,
    stop: &dyn Fn() -> bool,
) -> Option<Model> {
    let mut built = 0u64;
    let look = |built: &mut u64| {
        *built += 1;
        *built % PAIRS_BETWEEN_LOOKS == 0 && stop()
    };
    if stop() {
        return None;
    }
    let mut solver = Solver::default();
    let tag = solver.new_constraint_tag();
    let horizon = inst.horizon();
    // Each step from its head (its earliest start) to the horizon less its work and
    // the work after it in its order (its tail): bounds the constraints imply, given
    // at once so that the solver does not work them out one step of a chain at a
    // time (on a chain of `n` steps, some `n²` changes of bounds).
    let (head, tail) = inst.heads_and_tails();
    let starts: Vec<DomainId> = inst
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            solver.new_bounded_integer(head[i] as i32, (horizon - t.duration - tail[i]).max(head[i]) as i32)
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
    // When each order is served: after each of its steps and the work after it (its
    // tail, which the `after` constraints imply: said here, a tighter objective
    // reaches every step of a chain at once, not one step at a time).
    let served: Vec<DomainId> = inst
        .orders
        .iter()
        .map(|o| {
            let c = solver.new_bounded_integer(o.arrival as i32, horizon as i32);
            for i in o.first_task..o.first_task + o.tasks {
                solver
                    .add_constraint(le(vec![p(starts[i]), n(c)], -(inst.tasks[i].duration + tail[i]), tag))
                    .post();
            }
            c
        })
        .collect();
    // The event loop's rule: the moments the loop must run need a free cook. A
    // hands-on step of the same order that comes before or after the moment's step
    // (or, for an order served, any of its own) never covers it.
    let before = Precedence::of(inst);
    let mut moments: Vec<(DomainId, Moment)> = Vec::new();
    for (u, t) in inst.tasks.iter().enumerate() {
        if !t.hands_on || t.duration == 0 {
            moments.push((starts[u], Moment::Start(u)));
        }
    }
    moments.extend(served.iter().enumerate().map(|(o, &c)| (c, Moment::Served(o))));
    let related = |m: Moment, h: usize| match m {
        Moment::Start(u) => {
            inst.tasks[h].order == inst.tasks[u].order && (before.is_before(h, u) || before.is_before(u, h))
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
                if look(&mut built) {
                    return None;
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
    // A step of no duration that uses equipment takes a unit and gives it back at
    // once: at its start, fewer than the capacity are held by the steps that last
    // (each from its start to its start + duration).
    for (z, tz) in inst.tasks.iter().enumerate().filter(|(_, t)| t.duration == 0) {
        let Some(e) = tz.uses else { continue };
        let cap = inst.capacity[e as usize] as usize;
        let users: Vec<usize> = (0..inst.tasks.len())
            .filter(|&j| inst.tasks[j].uses == Some(e) && inst.tasks[j].duration > 0)
            .collect();
        if users.len() < cap {
            continue;
        }
        let mut holding = Vec::new();
        for j in users {
            if look(&mut built) {
                return None;
            }
            let (sj, d) = (starts[j], inst.tasks[j].duration);
            // At the same instant, the steps that take no cook time start in order
            // (and before the hands-on ones): `j` holds its unit first only if it
            // takes no cook time and comes before `z`.
            let first = !inst.tasks[j].hands_on && j < z;
            let before = solver.new_literal();
            let after = solver.new_literal();
            solver.add_constraint(le(vec![p(starts[z]), n(sj)], -i64::from(first), tag)).implied_by(before);
            solver.add_constraint(le(vec![p(sj), n(starts[z])], -d, tag)).implied_by(after);
            let holds = solver.new_literal();
            solver.add_clause(
                [before.get_true_predicate(), after.get_true_predicate(), holds.get_true_predicate()],
                tag,
            );
            holding.push(holds.get_integer_variable());
        }
        solver.add_constraint(le(holding, cap as i64 - 1, tag)).post();
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
    Some(Model { solver, starts, objective: obj, pairs: built })
}

/// Solves `inst` for `objective` within `limit`, starting from the plan `warm`
/// (whose objective is `warm_value`): first better and better plans
/// (upper-bounding search, until 60% of the time once one is found), then, with the
/// time left, a proof that none is better (lower-bounding search, raising the
/// bound from `lower` one unit at a time, each step an unsatisfiability proven).
pub(super) fn solve(
    inst: &Instance,
    objective: Objective,
    lower: i64,
    (warm, warm_value): (&[i64], i64),
    limit: Duration,
    cancel: &Cancel,
) -> Found {
    // The warm start meets the lower bound: it is optimal, nothing to search.
    if warm_value <= lower {
        return Found { starts: warm.to_vec(), bound: lower };
    }
    let started = Instant::now();
    // A limit past what an instant can hold (`Duration::MAX`: no limit) is a century.
    let after =
        |d: Duration| started.checked_add(d).unwrap_or(started + Duration::from_secs(100 * 365 * 86_400));
    let hard = after(limit);
    let found = Rc::new(Cell::new(false));
    let mut first = Limit { soft: after(limit.mul_f64(0.6)), hard, found: found.clone(), cancel };
    let stop = || cancel.is_cancelled() || Instant::now() >= hard;
    // Stopped while the model is built: the warm start is the plan, and the simple
    // bounds its bound.
    let Some(model) = build(inst, objective, lower, Some(warm_value), &stop) else {
        return Found { starts: warm.to_vec(), bound: lower };
    };
    debug_assert_eq!(model.pairs, inst.pairs(), "Instance::pairs counts the model's pairs");
    let mut solver = model.solver;
    let values: Vec<i32> = warm.iter().map(|&s| s as i32).collect();
    // The warm start, then the steps by earliest possible start, each as early as
    // it goes (what a scheduler would do by hand), then the rest.
    let mut brancher = DynamicBrancher::new(vec![
        Box::new(WarmStart::new(&model.starts, &values)),
        Box::new(IndependentVariableValueBrancher::new(Smallest::new(&model.starts), InDomainMin)),
        Box::new(solver.default_brancher()),
    ]);
    let mut resolver = ResolutionResolver::default();
    let flag = found.clone();
    let on_solution =
        move |_: &Solver, _: SolutionReference<'_>, _: &DynamicBrancher, _: &ResolutionResolver| {
            flag.set(true);
            ControlFlow::<()>::Continue(())
        };
    let procedure = LinearSatUnsat::new(OptimisationDirection::Minimise, model.objective, on_solution);
    let read = |s: &Solution, starts: &[DomainId], obj: DomainId| {
        let v: Vec<i64> = starts.iter().map(|&d| i64::from(s.get_integer_value(d))).collect();
        (v, i64::from(s.get_integer_value(obj)))
    };
    let (starts, value) = match solver.optimise(&mut brancher, &mut first, &mut resolver, procedure) {
        OptimisationResult::Optimal(s) => {
            let (starts, value) = read(&s, &model.starts, model.objective);
            return Found { starts, bound: value };
        }
        OptimisationResult::Satisfiable(s) | OptimisationResult::Stopped(s, _) => {
            read(&s, &model.starts, model.objective)
        }
        // Not even the warm start in time (or a model that refuses it): the warm
        // start is the plan, and the simple bounds its bound.
        OptimisationResult::Unknown | OptimisationResult::Unsatisfiable => (warm.to_vec(), warm_value),
    };
    if value <= lower || stop() {
        return Found { starts, bound: lower };
    }
    // The first model's memory back before the second is built.
    drop((solver, brancher, resolver, model.starts));
    let Some(model2) = build(inst, objective, lower, Some(value - 1), &stop) else {
        return Found { starts, bound: lower };
    };
    let mut solver2 = model2.solver;
    let mut brancher = solver2.default_brancher();
    let mut resolver = ResolutionResolver::default();
    let mut rest = Limit { soft: hard, hard, found, cancel };
    let no_callback = |_: &Solver, _: SolutionReference<'_>, _: &DefaultBrancher, _: &ResolutionResolver| {
        ControlFlow::<()>::Continue(())
    };
    let procedure = LinearUnsatSat::new(OptimisationDirection::Minimise, model2.objective, no_callback);
    match solver2.optimise(&mut brancher, &mut rest, &mut resolver, procedure) {
        OptimisationResult::Optimal(s) => {
            let (starts, value) = read(&s, &model2.starts, model2.objective);
            Found { starts, bound: value }
        }
        // No plan better than `value`: it is optimal.
        OptimisationResult::Unsatisfiable => Found { starts, bound: value },
        OptimisationResult::Satisfiable(s) | OptimisationResult::Stopped(s, _) => {
            // A better plan, not proven optimal: the bound is what the search proved.
            let (starts, value) = read(&s, &model2.starts, model2.objective);
            let bound = i64::from(solver2.lower_bound(&model2.objective)).min(value);
            Found { starts, bound: bound.max(lower) }
        }
        OptimisationResult::Unknown => {
            let bound = i64::from(solver2.lower_bound(&model2.objective)).min(value);
            Found { starts, bound: bound.max(lower) }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::builtin;
    use crate::model::Scenario;

    fn load(toml: &str) -> Scenario {
        crate::scenario::load_str("t", toml).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    /// `n` orders of bread for `cooks` cooks, one every minute: steps of no duration
    /// (hands-on, and on equipment), and parallel branches.
    fn bread(cooks: u32, n: u32) -> Instance {
        let toml = format!(
            "[kitchen]\ncooks = {cooks}\nequipment = {{ oven = 2, scale = 1 }}\n[recipes.bread]\nsteps = [\
             {{ name = \"weigh\", kind = \"unattended\", duration = 0, uses = \"scale\" }}, \
             {{ name = \"knead\", kind = \"hands-on\", duration = 2 }}, \
             {{ name = \"shape\", kind = \"hands-on\", duration = 0 }}, \
             {{ name = \"proof\", kind = \"unattended\", duration = 3, uses = \"scale\" }}, \
             {{ name = \"glaze\", kind = \"hands-on\", duration = 1, after = [] }}, \
             {{ name = \"bake\", kind = \"unattended\", duration = 4, uses = \"oven\", after = [\"proof\", \"glaze\"] }}]\n\
             [menu]\nbread = \"bread\"\n[customers]\ngenerate = {{ count = {n}, interarrival = 1 }}\n"
        );
        Instance::new(&load(&toml), Some(1)).unwrap()
    }

    /// Days of every kind of pair: one cook and several, a kitchen with more cooks
    /// than hands-on steps, and the built-in scenarios.
    fn days() -> Vec<(String, Instance)> {
        let mut days: Vec<(String, Instance)> = [(1, 12), (2, 12), (3, 7), (40, 5)]
            .map(|(c, n)| (format!("bread, {c} cooks"), bread(c, n)))
            .into();
        for b in builtin::BUILTINS {
            if let Ok(inst) = Instance::new(&b.load().unwrap(), Some(1)) {
                days.push((b.name.to_string(), inst));
            }
        }
        days
    }

    #[test]
    fn the_model_has_the_pairs_counted_before_it_is_built() {
        for (name, inst) in days() {
            for objective in Objective::ALL {
                let model = build(&inst, objective, 0, None, &|| false).unwrap();
                assert_eq!(model.pairs, inst.pairs(), "{name}");
            }
        }
    }

    #[test]
    fn the_build_stops_when_told() {
        let inst = bread(2, 40);
        assert!(inst.pairs() > 3 * PAIRS_BETWEEN_LOOKS, "{}", inst.pairs());
        // Told at once: nothing is built.
        assert!(build(&inst, Objective::Makespan, 0, None, &|| true).is_none());
        // Asked every so many pairs, and stopped the first time it is told.
        let asked = Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() == 3
        };
        assert!(build(&inst, Objective::Makespan, 0, None, &stop).is_none());
        assert_eq!(asked.get(), 3);
    }
}
