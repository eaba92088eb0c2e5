//! The planner: built-ins proven optimal; on small random kitchens, the solver's
//! optimum against brute force, and every plan checked here, independently of the
//! planner's code, against the rules of the asynchronous kitchen and the lower
//! bounds; the text of `cafe plan lunch` and `cafe plan bakery` (golden files).

mod common;

use std::fmt::Write as _;
use std::time::Duration;

use async_cafe::model::{Policy, Scenario, StepKind};
use async_cafe::ops;
use async_cafe::orders::{Order, OrderSource};
use async_cafe::plan::{self, Instance, Objective, Plan, PlanOptions, Status};
use async_cafe::time::{Ticks, thousands};
use async_cafe::view::timeline::TimelineOptions;
use async_cafe::view::trace::Activity;
use proptest::prelude::*;

fn opts(objective: Objective) -> PlanOptions {
    PlanOptions { objective, time_limit: Duration::from_secs(10), ..PlanOptions::default() }
}

#[test]
fn the_seeds_and_the_bakery_are_proven_optimal() {
    for (name, value) in [
        ("lunch", 10.0),
        ("bakery", 18.0),
        ("make-coffee-toast-concurrent", 4.0),
        ("make-coffee-toast-blocked", 4.9),
        ("make-coffee-wrong", 3.0),
        ("cafe", 5.0),
    ] {
        let sc = common::load_builtin(name);
        let p = plan::solve(&sc, &opts(Objective::Makespan)).unwrap();
        assert_eq!(p.status, Status::Optimal, "{name}");
        assert_eq!(p.value, sc.unit.to_ticks(value), "{name}");
        assert_eq!(p.bound, p.value, "{name}");
        check(&sc, &p, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn the_plan_is_never_worse_than_any_policy() {
    for name in ["lunch", "bakery", "cafe", "coffee-shop-replay", "make-coffee-toast-concurrent"] {
        for objective in [Objective::Makespan, Objective::TotalTime] {
            let sc = common::load_builtin(name);
            let planned = ops::plan(&sc, &opts(objective)).unwrap();
            for i in 0..planned.policies.sides.len() {
                assert!(planned.plan.value <= planned.side_value(i), "{name} {objective:?} side {i}");
            }
            check(&sc, &planned.plan, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

/// A day whose durations are drawn from continuous distributions is planned at a
/// coarser resolution, every duration rounded up: the plan's value and bound are of
/// that rounded day. asyncio's runs are of the day as drawn, so the table measures
/// them against the plan followed on that day, and says when one does better.
#[test]
fn a_rounded_days_plan_is_measured_on_the_day_as_drawn() {
    let sc = common::load_as(
        "continuous",
        r#"
[kitchen]
cooks = 3
equipment = { oven = 2, grill = 1 }
[recipes.pizza]
steps = [
  { name = "dough", kind = "hands-on", duration = { dist = "uniform", min = 2, max = 6 } },
  { name = "bake", kind = "unattended", duration = { dist = "uniform", min = 8, max = 14 }, uses = "oven" },
  { name = "cut", kind = "hands-on", duration = 1 },
]
[recipes.steak]
steps = [
  { name = "season", kind = "hands-on", duration = 2 },
  { name = "grill", kind = "hands-on", duration = { dist = "uniform_int", min = 5, max = 9 }, uses = "grill" },
  { name = "rest", kind = "unattended", duration = 3 },
  { name = "plate", kind = "hands-on", duration = 1 },
]
[menu]
Pizza = "pizza"
Steak = "steak"
[customers]
generate = { count = 12, interarrival = 1 }
"#,
    );
    let rounded =
        PlanOptions { seed: Some(1), time_limit: Duration::from_secs(2), ..opts(Objective::Makespan) };
    let planned = ops::plan(&sc, &rounded).unwrap();
    assert!(!planned.plan.exact);
    let followed = planned.followed.expect("a plan of a rounded day is followed on the day as drawn");
    // Following it with the real durations (no longer than the rounded ones) ends no later.
    assert!(followed <= planned.plan.value, "{followed} > {}", planned.plan.value);
    let text = async_cafe::view::plan::render(
        &planned.plan,
        &planned.policies,
        planned.followed,
        &sc,
        &TimelineOptions::default(),
        false,
    );
    let time = |t: Ticks| format!("{:.2} {}", sc.unit.from_ticks(t), sc.unit.name());
    let row = |label: &str| text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{text}"));
    assert!(
        row("the plan, followed ").contains(&format!("{}  on the day as drawn", time(followed))),
        "{text}"
    );
    assert!(row("the plan, rounded day ").contains(&time(planned.plan.value)), "{text}");
    assert!(row("lower bound, rounded day ").contains(&time(planned.plan.bound)), "{text}");
    for i in 0..planned.policies.sides.len() {
        let (v, policy) = (planned.side_value(i), planned.policies.sides[i].policy.name());
        let row = text.lines().find(|l| l.contains(&format!("policy {policy} "))).unwrap();
        let verdict = match v.cmp(&followed) {
            std::cmp::Ordering::Less => "better than the plan",
            std::cmp::Ordering::Equal => "as good as the plan",
            std::cmp::Ordering::Greater => "over the plan",
        };
        assert!(row.contains(verdict), "{policy}: {row}");
    }
    // An exact day has one plan row, measured against as it is.
    let lunch = common::load_builtin("lunch");
    let planned = ops::plan(&lunch, &opts(Objective::Makespan)).unwrap();
    assert_eq!(planned.followed, None);
}

#[test]
fn the_bakery_plan_starts_the_bread_first() {
    let sc = common::load_builtin("bakery");
    let p = plan::solve(&sc, &opts(Objective::Makespan)).unwrap();
    let first_hands_on = p.steps.iter().find(|s| s.kind == "hands-on").unwrap();
    assert_eq!((first_hands_on.item.as_str(), first_hands_on.step.as_str()), ("bread", "knead"));
    let advice = plan::advice(&p, &sc);
    assert_eq!(
        advice[0],
        "0 min: start pull a shot first (Ben's latte, on the espresso_machine, unattended), then knead (Cy's bread)."
    );
}

#[test]
fn generated_customers_need_a_seed_and_a_time_limit_must_be_positive() {
    let sc = common::load_builtin("coffee-shop");
    assert_eq!(plan::solve(&sc, &PlanOptions::default()).unwrap_err(), plan::Error::NeedsSeed);
    let p = plan::solve(&sc, &PlanOptions { seed: Some(3), ..opts(Objective::Makespan) }).unwrap();
    assert_eq!(p.seed, 3);
    check(&sc, &p, None).unwrap();
    let zero = PlanOptions { time_limit: Duration::ZERO, ..PlanOptions::default() };
    assert_eq!(plan::solve(&common::load_builtin("lunch"), &zero).unwrap_err(), plan::Error::TimeLimit);
}

/// `n` orders of bread, one every hour, each a knead (hands-on) then a proof
/// (unattended), for one cook. The model pairs each proof and each order served
/// with every other order's knead: `2·n·(n − 1)` pairs.
fn bread_day(n: u64) -> Scenario {
    common::load(&format!(
        "[kitchen]\ncooks = 1\n[recipes.bread]\nsteps = [{{ name = \"knead\", kind = \"hands-on\", duration = 10 }}, \
         {{ name = \"proof\", kind = \"unattended\", duration = 20 }}]\n[menu]\nbread = \"bread\"\n\
         [customers]\ngenerate = {{ count = {n}, interarrival = 60 }}\n"
    ))
}

/// The most orders of [`bread_day`] the planner takes on.
fn most_bread() -> u64 {
    (1..).take_while(|&n| 2 * n * (n - 1) <= plan::MAX_PAIRS).last().unwrap()
}

#[test]
fn a_day_whose_model_is_too_big_is_refused_before_it_is_built() {
    let n = most_bread() + 1;
    let sc = bread_day(n);
    let opts = PlanOptions { seed: Some(1), ..opts(Objective::Makespan) };
    let too_big = plan::Error::ModelTooBig {
        pairs: 2 * n * (n - 1),
        max: plan::MAX_PAIRS,
        orders: n as usize,
        steps: 2 * n as usize,
    };
    assert_eq!(Instance::new(&sc, Some(1)).unwrap_err(), too_big);
    assert_eq!(plan::solve(&sc, &opts).unwrap_err(), too_big);
    // `ops::plan` refuses it before it runs the engine.
    match ops::plan(&sc, &opts) {
        Err(ops::Error::Plan(e)) => assert_eq!(e, too_big),
        other => panic!("{other:?}"),
    }
    // A day drawn by hand is refused too.
    let mut source = OrderSource::new(&sc, 1);
    let mut orders = Vec::new();
    let mut order = Order::default();
    while source.next_into(&mut order) {
        orders.push(order.clone());
    }
    let day = Instance::from_orders(&sc, &orders);
    assert_eq!(day.pairs(), 2 * n * (n - 1));
    assert_eq!(plan::solve_instance(&sc, &day, 1, &opts, &[]).unwrap_err(), too_big);
    let message = too_big.to_string();
    for says in [
        format!("for its {n} orders ({} steps)", 2 * n),
        format!("{} pairs", thousands(2 * n * (n - 1))),
        format!("more than the {} the planner takes on", thousands(plan::MAX_PAIRS)),
        "fewer customers".to_string(),
        "cafe run --policy".to_string(),
    ] {
        assert!(message.contains(&says), "{says:?} in {message}");
    }
}

#[test]
fn a_day_just_under_the_bound_is_planned() {
    let n = most_bread();
    let sc = bread_day(n);
    let inst = Instance::new(&sc, Some(1)).unwrap();
    assert_eq!(inst.pairs(), 2 * n * (n - 1));
    let p = plan::solve(&sc, &PlanOptions { seed: Some(1), ..opts(Objective::Makespan) }).unwrap();
    // Each order is done before the next comes in: the plan meets the bound.
    assert_eq!(p.status, Status::Optimal);
    assert_eq!(p.orders.len() as u64, n);
    check(&sc, &p, None).unwrap();
}

#[test]
fn a_day_of_too_many_steps_is_refused_as_it_is_drawn() {
    let n = plan::MAX_STEPS as u64 / 2 + 1;
    let err = Instance::new(&bread_day(n), Some(1)).unwrap_err();
    assert_eq!(err, plan::Error::TooBig { steps: 2 * n as usize, max: plan::MAX_STEPS });
}

#[test]
fn a_plan_survives_json() {
    let sc = common::load_builtin("bakery");
    let p = plan::solve(&sc, &opts(Objective::TotalTime)).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains("\"objective\":\"total-time\""), "{json}");
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn golden_text_of_lunch_and_bakery() {
    let results = ["lunch", "bakery"].map(|name| {
        let sc = common::load_builtin(name);
        let planned = ops::plan(&sc, &opts(Objective::Makespan)).unwrap();
        let text = async_cafe::view::plan::render(
            &planned.plan,
            &planned.policies,
            planned.followed,
            &sc,
            &TimelineOptions::default(),
            true,
        );
        common::golden(&common::root().join(format!("tests/golden/plan/{name}.txt")), &text)
    });
    common::assert_goldens(results);
}

/// Checks `p` against the rules of the asynchronous kitchen for `sc`'s day, from
/// the plan's own numbers (and the drawn durations); `optimum`, if known, is the
/// value no plan can beat.
fn check(sc: &Scenario, p: &Plan, optimum: Option<Ticks>) -> Result<(), String> {
    let inst = Instance::new(sc, Some(p.seed)).map_err(|e| e.to_string())?;
    let res = inst.resolution;
    let cooks = sc.kitchen.cooks as usize;
    let mut e = String::new();
    let find = |order: u64, step: &str| p.steps.iter().find(|s| s.order == order && s.step == step);
    // Every step of every order, once, with its duration; arrivals and `after`.
    assert_eq!(p.steps.len(), inst.tasks.len(), "every step is planned");
    for t in &inst.tasks {
        let o = &inst.orders[t.order];
        let recipe = sc.recipe_of(o.item);
        let step = &recipe.steps[t.step as usize];
        let Some(s) = find(o.id, &step.name) else {
            return Err(format!("order {} step {} missing", o.id, step.name));
        };
        let d = t.duration as Ticks * res;
        if s.start < o.arrival_ticks {
            writeln!(e, "#{} {} starts before its customer arrives", o.id, s.step).unwrap();
        }
        match step.kind {
            StepKind::HandsOn if s.end != s.start + d => {
                writeln!(e, "#{} {}: wrong length", o.id, s.step).unwrap()
            }
            StepKind::Unattended if s.end < s.start + d => {
                writeln!(e, "#{} {}: too short", o.id, s.step).unwrap()
            }
            _ => {}
        }
        for &a in &step.after {
            let pred = find(o.id, &recipe.steps[a as usize].name).unwrap();
            if s.start < pred.end {
                writeln!(e, "#{} {} starts before {} ends", o.id, s.step, pred.step).unwrap();
            }
        }
        if step.kind == StepKind::HandsOn && d > 0 && s.cook.is_none_or(|c| c as usize >= cooks) {
            writeln!(e, "#{} {}: no cook", o.id, s.step).unwrap();
        }
        if let Some(eq) = step.uses {
            let (name, unit) = s.equipment.clone().unwrap_or_default();
            if name != sc.kitchen.equipment[eq as usize].name
                || unit >= sc.kitchen.equipment[eq as usize].capacity
            {
                writeln!(e, "#{} {}: wrong equipment {name} {unit}", o.id, s.step).unwrap();
            }
        }
    }
    // A step of no duration on equipment finds a unit free at its start.
    for (zi, t) in inst.tasks.iter().enumerate().filter(|(_, t)| t.duration == 0) {
        let Some(eq) = t.uses else { continue };
        let o = &inst.orders[t.order];
        let z = find(o.id, &sc.recipe_of(o.item).steps[t.step as usize].name).unwrap();
        // (One that starts at the same instant holds it first if it takes no cook
        // time and comes before in order.)
        let held = inst
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, u)| u.uses == Some(eq) && u.duration > 0)
            .map(|(j, u)| {
                let uo = &inst.orders[u.order];
                let s = find(uo.id, &sc.recipe_of(uo.item).steps[u.step as usize].name).unwrap();
                (s.start, s.start + u.duration as Ticks * res, !u.hands_on && j < zi)
            })
            .filter(|&(a, b, first)| (a < z.start || (a == z.start && first)) && z.start < b)
            .count();
        if held >= sc.kitchen.equipment[eq as usize].capacity as usize {
            writeln!(e, "#{} {} finds no unit free", o.id, z.step).unwrap();
        }
    }
    // No cook or unit of equipment does two things at once.
    let busy = |s: &&plan::PlannedStep| s.kind == "hands-on" && s.end > s.start;
    for (i, a) in p.steps.iter().enumerate() {
        for b in &p.steps[i + 1..] {
            let overlap = a.start < b.end && b.start < a.end;
            if overlap && busy(&a) && busy(&b) && a.cook == b.cook {
                writeln!(e, "cook {:?} does {} and {} at once", a.cook, a.step, b.step).unwrap();
            }
            if overlap && a.equipment.is_some() && a.equipment == b.equipment {
                writeln!(e, "{:?} holds {} and {} at once", a.equipment, a.step, b.step).unwrap();
            }
        }
    }
    // The event loop's rule: a cook is free whenever the loop must run.
    let covering = |t: Ticks| p.steps.iter().filter(busy).filter(|h| h.start < t && t < h.end).count();
    let mut moments: Vec<Ticks> =
        p.steps.iter().filter(|s| s.kind == "unattended").map(|s| s.start).collect();
    moments.extend(p.orders.iter().map(|o| o.served));
    for t in moments {
        if covering(t) >= cooks {
            writeln!(e, "no cook is free at {t} to run the loop").unwrap();
        }
    }
    // An unattended step ends when a cook is first free after its time is up.
    for t in &inst.tasks {
        let o = &inst.orders[t.order];
        let s = find(o.id, &sc.recipe_of(o.item).steps[t.step as usize].name).unwrap();
        if s.kind == "unattended" {
            let due = s.start + t.duration as Ticks * res;
            let mut ends: Vec<Ticks> =
                p.steps.iter().filter(busy).map(|h| h.end).filter(|&x| x > due).collect();
            ends.sort_unstable();
            let first_free = std::iter::once(due).chain(ends).find(|&x| covering(x) < cooks).unwrap();
            if s.end != first_free {
                writeln!(e, "#{} {} ends at {}, not {first_free}", o.id, s.step, s.end).unwrap();
            }
        }
    }
    // Served when the last step ends; the value; the bounds.
    for o in &p.orders {
        let last = p.steps.iter().filter(|s| s.order == o.id).map(|s| s.end).max().unwrap();
        if o.served != last {
            writeln!(e, "#{} served at {} but its last step ends at {last}", o.id, o.served).unwrap();
        }
    }
    let value = match p.objective {
        Objective::Makespan => p.orders.iter().map(|o| o.served).max().unwrap(),
        Objective::TotalTime => p.orders.iter().map(|o| o.served - o.arrival).sum(),
    };
    if value != p.value {
        writeln!(e, "value {} but the plan's numbers give {value}", p.value).unwrap();
    }
    let b = &p.simple_bounds;
    if (value as i64) < b.chain.max(b.cooks).max(b.equipment) || value < p.bound {
        writeln!(e, "value {value} beats a lower bound {b:?} / {}", p.bound).unwrap();
    }
    if let Some(opt) = optimum {
        if value != opt {
            writeln!(e, "value {value}, but brute force finds {opt}").unwrap();
        }
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// The best value of `objective` on `inst` (in units) by trying every start of
/// every task from its earliest to the horizon, in recipe order, pruned only by
/// rules that can only get worse as tasks are added (and by the best so far).
fn brute_force(inst: &Instance, objective: Objective) -> i64 {
    let n = inst.tasks.len();
    let horizon = inst.horizon();
    let cooks = inst.cooks as usize;
    let busy = |i: usize| inst.tasks[i].hands_on && inst.tasks[i].duration > 0;
    let moment = |i: usize| !busy(i);
    struct S<'a> {
        inst: &'a Instance,
        starts: Vec<i64>,
        best: i64,
    }
    fn end(s: &S<'_>, i: usize) -> i64 {
        s.starts[i] + s.inst.tasks[i].duration
    }
    let mut st = S { inst, starts: vec![0; n], best: i64::MAX };
    // Whether task i, just placed, keeps every rule with tasks 0..i.
    let ok = |st: &S<'_>, i: usize| -> bool {
        let (si, ei) = (st.starts[i], end(st, i));
        let covering = |t: i64| (0..=i).filter(|&h| busy(h) && st.starts[h] < t && t < end(st, h)).count();
        let load = |f: &dyn Fn(usize) -> bool, x: i64| {
            (0..=i).filter(|&j| f(j) && st.starts[j] <= x && x < end(st, j)).count()
        };
        for x in (0..=i).map(|j| st.starts[j]).filter(|&x| si <= x && x < ei) {
            if busy(i) && load(&busy, x) > cooks {
                return false;
            }
            if let Some(e) = inst.tasks[i].uses {
                let users = |j: usize| inst.tasks[j].uses == Some(e) && inst.tasks[j].duration > 0;
                if load(&users, x) > inst.capacity[e as usize] as usize {
                    return false;
                }
            }
        }
        // A step of no duration on equipment needs a unit free at its start
        // (those of the steps that last, held from start to start + duration).
        // (A step that starts at the same instant holds its unit first if it takes
        // no cook time and comes before in order.)
        let holding = |e: u16, z: usize| {
            let x = st.starts[z];
            (0..=i)
                .filter(|&j| inst.tasks[j].uses == Some(e) && inst.tasks[j].duration > 0)
                .filter(|&j| st.starts[j] < x || (st.starts[j] == x && !inst.tasks[j].hands_on && j < z))
                .filter(|&j| x < end(st, j))
                .count()
        };
        let free_units = (0..=i)
            .filter(|&z| inst.tasks[z].duration == 0)
            .all(|z| inst.tasks[z].uses.is_none_or(|e| holding(e, z) < inst.capacity[e as usize] as usize));
        free_units && (0..=i).filter(|&j| moment(j)).all(|j| covering(st.starts[j]) < cooks)
    };
    fn value(st: &S<'_>, objective: Objective, cooks: usize, busy: &dyn Fn(usize) -> bool) -> i64 {
        let n = st.inst.tasks.len();
        let covering = |t: i64| (0..n).filter(|&h| busy(h) && st.starts[h] < t && t < end(st, h)).count();
        let served = |o: &plan::OrderInfo| {
            let last = (o.first_task..o.first_task + o.tasks).map(|i| end(st, i)).max().unwrap();
            let mut candidates: Vec<i64> =
                (0..n).filter(|&h| busy(h)).map(|h| end(st, h)).filter(|&x| x > last).collect();
            candidates.sort_unstable();
            std::iter::once(last).chain(candidates).find(|&x| covering(x) < cooks).unwrap()
        };
        match objective {
            Objective::Makespan => st.inst.orders.iter().map(served).max().unwrap(),
            Objective::TotalTime => st.inst.orders.iter().map(|o| served(o) - o.arrival).sum(),
        }
    }
    fn go(
        st: &mut S<'_>,
        i: usize,
        objective: Objective,
        cooks: usize,
        busy: &dyn Fn(usize) -> bool,
        ok: &dyn Fn(&S<'_>, usize) -> bool,
        horizon: i64,
    ) {
        if i == st.inst.tasks.len() {
            let v = value(st, objective, cooks, busy);
            st.best = st.best.min(v);
            return;
        }
        let t = &st.inst.tasks[i];
        let earliest = t.after.iter().map(|&a| end(st, a)).fold(st.inst.orders[t.order].arrival, i64::max);
        for s in earliest..=horizon - t.duration {
            st.starts[i] = s;
            if objective == Objective::Makespan && s + t.duration >= st.best {
                break;
            }
            if ok(st, i) {
                go(st, i + 1, objective, cooks, busy, ok, horizon);
            }
        }
    }
    go(&mut st, 0, objective, cooks, &busy, &ok, horizon);
    st.best
}

/// A small random kitchen: 1 or 2 cooks, up to 2 kinds of equipment, up to 3
/// customers arriving within 2 s, each with a recipe of its own; at most 6 steps of
/// 0 to 3 s.
fn small_kitchen() -> impl Strategy<Value = String> {
    let step = (any::<bool>(), 0u32..=3, 0usize..=2, proptest::collection::vec(any::<bool>(), 2));
    let order = (0u32..=2, proptest::collection::vec(step, 1..=3));
    (1u16..=2, 1u32..=2, 1u32..=2, proptest::collection::vec(order, 1..=3)).prop_filter_map(
        "at most 6 steps",
        |(cooks, cap_a, cap_b, orders)| {
            if orders.iter().map(|(_, s)| s.len()).sum::<usize>() > 6 {
                return None;
            }
            let mut toml = format!(
                "unit = \"s\"\n[kitchen]\ncooks = {cooks}\nequipment = {{ a = {cap_a}, b = {cap_b} }}\n[recipes]\n"
            );
            for (r, (_, steps)) in orders.iter().enumerate() {
                let steps: Vec<String> = steps
                    .iter()
                    .enumerate()
                    .map(|(k, (hands_on, d, uses, after))| {
                        let kind = if *hands_on { "hands-on" } else { "unattended" };
                        let uses = ["", ", uses = \"a\"", ", uses = \"b\""][*uses];
                        let after: Vec<String> =
                            (0..k).filter(|&j| after[j % 2]).map(|j| format!("\"s{j}\"")).collect();
                        let after = after.join(", ");
                        format!("{{ name = \"s{k}\", kind = \"{kind}\", duration = {d}, after = [{after}]{uses} }}")
                    })
                    .collect();
                writeln!(toml, "r{r}.steps = [{}]", steps.join(", ")).unwrap();
            }
            toml.push_str("[menu]\n");
            for r in 0..orders.len() {
                writeln!(toml, "i{r} = \"r{r}\"").unwrap();
            }
            let list: Vec<String> =
                orders.iter().enumerate().map(|(r, (a, _))| format!("{{ item = \"i{r}\", arrival = {a} }}")).collect();
            writeln!(toml, "[customers]\nlist = [{}]", list.join(", ")).unwrap();
            Some(toml)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_solver_finds_the_brute_force_optimum(toml in small_kitchen(), total in any::<bool>()) {
        let objective = if total { Objective::TotalTime } else { Objective::Makespan };
        let sc = common::load(&toml);
        let inst = Instance::new(&sc, None).unwrap();
        let p = plan::solve(&sc, &opts(objective)).unwrap();
        prop_assert_eq!(p.status, Status::Optimal, "{}", toml);
        let best = brute_force(&inst, objective) as Ticks * inst.resolution;
        if let Err(e) = check(&sc, &p, Some(best)) {
            prop_assert!(false, "{}\n{}", e, toml);
        }
        if let Err(e) = replays_exactly(&sc, &p) {
            prop_assert!(false, "{}\n{}", e, toml);
        }
        // What asyncio does, under every policy, is a plan the model admits (so
        // the model is no stricter than the engine), and no better than the optimum.
        // (Except where a step of no duration takes equipment: which of the steps
        // starting at that instant takes its unit first is the plan's order in the
        // model, and the order they became ready in the engine's run.)
        let instant_on_equipment = inst.tasks.iter().any(|t| t.duration == 0 && t.uses.is_some());
        let runs = ops::compare_policies(&sc, &Policy::ALL, &ops::CompareOptions::default()).unwrap();
        for side in &runs.sides {
            let starts = inst.starts_of(side.steps.iter().map(|s| (s.order, s.step, s.start))).unwrap();
            prop_assert!(instant_on_equipment || inst.admits(&starts), "{:?} run not admitted\n{}", side.policy, toml);
            prop_assert!(side.outcome.end >= p.value || objective == Objective::TotalTime, "{}", toml);
        }
    }
}

/// Each step's (order, step, start, end) when the engine follows `p` on `sc`, on
/// the virtual clock.
fn replayed(sc: &Scenario, p: &Plan) -> Vec<(u64, String, Ticks, Ticks)> {
    let follows = plan::follow(sc, p).unwrap();
    let spec = ops::RunSpec { mode: async_cafe::Mode::Async, clock: ops::ClockKind::Virtual, seed: p.seed };
    let want = ops::Want { trace: true, order_lanes: true, ..ops::Want::default() };
    let ran = ops::run(&follows, spec, want, &mut std::io::sink()).unwrap();
    let trace = ran.trace.unwrap();
    let mut steps: Vec<(u64, String, Ticks, Ticks)> = trace
        .lanes
        .iter()
        .flat_map(|l| &l.spans)
        .filter(|s| matches!(s.activity, Activity::HandsOn | Activity::Unattended))
        .filter(|_| true)
        .map(|s| (s.order, sc.recipe_of(s.item).steps[s.step as usize].name.clone(), s.start, s.end))
        .collect();
    steps.sort();
    steps.dedup();
    steps
}

/// Asserts that the engine, following `p`, starts and ends every step when `p` says.
#[track_caller]
fn replays_exactly(sc: &Scenario, p: &Plan) -> Result<(), String> {
    let mut planned: Vec<(u64, String, Ticks, Ticks)> =
        p.steps.iter().map(|s| (s.order, s.step.clone(), s.start, s.end)).collect();
    planned.sort();
    let got = replayed(sc, p);
    if got == planned { Ok(()) } else { Err(format!("planned {planned:?}\nreplayed {got:?}")) }
}

#[test]
fn the_engine_follows_the_plans_of_the_builtins_exactly() {
    for name in
        ["lunch", "bakery", "cafe", "coffee-shop-replay", "make-coffee-toast-concurrent", "lunch-helper"]
    {
        for objective in [Objective::Makespan, Objective::TotalTime] {
            let sc = common::load_builtin(name);
            let p = plan::solve(&sc, &opts(objective)).unwrap();
            replays_exactly(&sc, &p).unwrap_or_else(|e| panic!("{name} {objective:?}: {e}"));
        }
    }
}

#[test]
fn a_cancelled_search_still_answers_with_a_plan() {
    let sc = common::load_builtin("bakery");
    let opts = PlanOptions { time_limit: Duration::from_secs(60), ..PlanOptions::default() };
    opts.cancel.cancel();
    let started = std::time::Instant::now();
    let p = plan::solve(&sc, &opts).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    check(&sc, &p, None).unwrap();
}

#[test]
fn the_live_panel_tells_the_cook_what_to_start_next() {
    use async_cafe::engine::{self, VirtualClock};
    use async_cafe::event::{Event, Sink};
    use async_cafe::view::live::LiveState;

    let sc = common::load_builtin("bakery");
    let p = plan::solve(&sc, &opts(Objective::Makespan)).unwrap();
    let follows = plan::follow(&sc, &p).unwrap();
    let mut live = LiveState::new(&follows, async_cafe::Mode::Async);
    let first = &p.steps[0];
    let want = format!("next, as planned: start #{} {}: {} at 0.00 min", first.order, first.item, first.step);
    assert!(live.render(200, 10).iter().any(|l| l.contains(&want)), "{:?}", live.render(200, 10));
    // Part of the way: the next line names the plan's first step not started yet.
    struct Until<'a, 's>(&'a mut LiveState<'s>, u64);
    impl Sink for Until<'_, '_> {
        fn event(&mut self, e: &Event<'_>) {
            if e.t < self.1 {
                self.0.event(e);
            }
        }
    }
    let four = sc.unit.to_ticks(4.0);
    engine::run(&follows, async_cafe::Mode::Async, p.seed, &mut VirtualClock, &mut Until(&mut live, four));
    let next = p.steps.iter().find(|s| s.start >= four).unwrap();
    let want = format!("start #{} {}: {} at", next.order, next.item, next.step);
    assert!(live.render(200, 10).iter().any(|l| l.contains(&want)), "{want}: {:?}", live.render(200, 10));
    // At the end, nothing is left to start.
    let mut done = LiveState::new(&follows, async_cafe::Mode::Async);
    engine::run(&follows, async_cafe::Mode::Async, p.seed, &mut VirtualClock, &mut done);
    assert!(!done.render(200, 10).iter().any(|l| l.contains("next, as planned")));
}
