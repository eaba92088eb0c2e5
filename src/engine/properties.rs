//! Properties every run must have, on random scenarios: several cooks, contended
//! equipment, dependency graphs, random durations and arrivals, impatient and
//! balking customers, every dispatch policy, both kitchens. Inside the crate, so
//! that the asynchronous engine's four compilations (basic or not, busy cooks in a
//! sorted list or a heap) can be run side by side; proptest keeps the failing seeds
//! it finds beside this file (`properties.proptest-regressions`).

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::asyncio::{self, AsyncEngine, BusyKeys, HeapKeys, SortedKeys};
use crate::engine::{self, Clock, Mode, Outcome, Overran, VirtualClock};
use crate::event::{Event, EventKind};
use crate::model::*;
use crate::orders::OrderSource;
use crate::time::{Ticks, TimeUnit};

/// A random scenario, built from `seed` so a failure names a reproducible case.
fn scenario(seed: u64) -> Scenario {
    let mut rng = Pcg64::seed_from_u64(seed);
    let equipment: Vec<Equipment> = (0..rng.random_range(0..3))
        .map(|i| Equipment { name: format!("e{i}"), capacity: rng.random_range(1..3), cost: 0.0 })
        .collect();
    let recipes: Vec<Recipe> = (0..rng.random_range(1..4))
        .map(|r| {
            let n = rng.random_range(1..5);
            let steps = (0..n)
                .map(|s| {
                    let mut after: Vec<StepIx> =
                        (0..s).filter(|_| rng.random_bool(0.4)).map(|d| d as StepIx).collect();
                    // Awaited in a random order.
                    if after.len() > 1 && rng.random_bool(0.5) {
                        after.reverse();
                    }
                    let duration = match rng.random_range(0..4) {
                        0 => Dist::Fixed(0.0),
                        1 => Dist::UniformInt { min: 0, max: 3 },
                        2 => Dist::Uniform { min: 0.25, max: 2.0 },
                        _ => Dist::Fixed(rng.random_range(0..8) as f64 * 0.25),
                    };
                    Step {
                        name: format!("s{s}"),
                        kind: if rng.random_bool(0.5) { StepKind::HandsOn } else { StepKind::Unattended },
                        duration,
                        uses: (!equipment.is_empty() && rng.random_bool(0.6))
                            .then(|| rng.random_range(0..equipment.len()) as EquipIx),
                        after,
                        result: None,
                        on_start: None,
                        on_finish: None,
                    }
                })
                .collect();
            Recipe { name: format!("r{r}"), steps, on_arrival: None, on_served: None }
        })
        .collect();
    let items: Vec<Item> =
        (0..recipes.len()).map(|r| Item { name: format!("i{r}"), recipe: r as RecipeIx }).collect();
    let customers = if rng.random_bool(0.5) {
        let mut list: Vec<CustomerSpec> = (0..rng.random_range(0..8))
            .map(|_| CustomerSpec {
                name: None,
                arrival: TimeUnit::Seconds.to_ticks(rng.random_range(0..12) as f64 * 0.25),
                item: rng.random_range(0..items.len()) as ItemIx,
                options: vec![],
                durations: vec![],
                patience: None,
            })
            .collect();
        list.sort_by_key(|c| c.arrival);
        Customers::List(list)
    } else {
        Customers::Generate(Generator {
            count: Some(rng.random_range(1..30)),
            until: None,
            first_arrival: 0,
            arrivals: if rng.random_bool(0.5) {
                Arrivals::Interarrival(Dist::UniformInt { min: 0, max: 2 })
            } else {
                Arrivals::Interarrival(Dist::Exponential { mean: 1.0 })
            },
            group: rng.random_bool(0.3).then_some(Dist::UniformInt { min: 1, max: 3 }),
            mix: (0..items.len()).map(|i| (i as ItemIx, 1.0)).collect(),
        })
    };
    Scenario {
        name: format!("random-{seed}"),
        summary: String::new(),
        unit: TimeUnit::Seconds,
        speed: 1.0,
        seed,
        kitchen: Kitchen {
            cooks: rng.random_range(1..4),
            equipment,
            cook_cost: 0.0,
            currency: None,
            policy: Policy::ALL[rng.random_range(0..Policy::ALL.len())],
            plan: None,
        },
        menu: Menu { items, recipes, options: vec![] },
        customers,
        patience: rng.random_bool(0.4).then_some(Dist::Exponential { mean: 2.0 }),
        balk: rng.random_bool(0.3).then(|| rng.random_range(0..3)),
        narrative: Narrative::default(),
    }
}

/// A step's start, finish (or cancellation: `true`) and cook.
type StepSpan = (Ticks, Option<(Ticks, bool)>, Option<CookIx>);

/// How an order ended, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Served(Ticks),
    Left(Ticks),
    Balked,
}

/// An order: item, arrival, durations, patience, and how it ended.
type OrderTrace = (ItemIx, Ticks, Vec<Ticks>, Option<Ticks>, Option<End>);

/// What a run did, step by step.
#[derive(Debug, Default, PartialEq)]
struct Trace {
    /// (order id, step) → (start, finish, cook)
    steps: HashMap<(u64, StepIx), StepSpan>,
    /// order id → (item, arrival, durations, patience, end)
    orders: HashMap<u64, OrderTrace>,
    /// Every event as text, for comparing runs.
    log: Vec<String>,
    end: Option<Ticks>,
}

/// A clock that records every time the engine asks it to advance to.
#[derive(Default)]
struct Recording(Vec<Ticks>);

impl Clock for Recording {
    fn advance(&mut self, t: Ticks) -> bool {
        self.0.push(t);
        true
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

fn trace(sc: &Scenario, mode: Mode) -> Trace {
    let mut tr = Trace::default();
    let mut last = 0;
    let mut sink = |e: &Event<'_>| {
        assert!(e.t >= last, "time went backwards: {} after {last}", e.t);
        last = e.t;
        tr.log.push(format!("{} {:?}", e.t, e.kind));
        match e.kind {
            EventKind::Arrived { order } => {
                let o = (order.item, order.arrival, order.durations.clone(), order.patience, None);
                let prev = tr.orders.insert(order.id, o);
                assert!(prev.is_none(), "order {} arrived twice", order.id);
                assert!(e.t >= order.arrival, "order {} taken before it arrived", order.id);
            }
            EventKind::StepStarted { order, step, cook, .. } => {
                let prev = tr.steps.insert((order.id, step), (e.t, None, cook));
                assert!(prev.is_none(), "step started twice");
            }
            EventKind::StepFinished { order, step, .. } => {
                let s = tr.steps.get_mut(&(order.id, step)).expect("finished a step that never started");
                assert!(s.1.is_none(), "step finished twice");
                s.1 = Some((e.t, false));
            }
            EventKind::StepCancelled { order, step, started: true } => {
                let s = tr.steps.get_mut(&(order.id, step)).expect("cancelled a step that never started");
                assert!(s.1.is_none(), "step ended twice");
                s.1 = Some((e.t, true));
            }
            EventKind::Served { order, .. } | EventKind::Left { order, .. } | EventKind::Balked { order } => {
                if let EventKind::Served { started, .. } = e.kind {
                    // `started` is when the order's first step started.
                    let first = (0..order.durations.len() as StepIx)
                        .filter_map(|s| tr.steps.get(&(order.id, s)).map(|st| st.0))
                        .min();
                    assert_eq!(
                        Some(started),
                        first,
                        "order {}: `started` is its first step's start",
                        order.id
                    );
                }
                let o = tr.orders.get_mut(&order.id).expect("gone before it arrived");
                assert!(o.4.is_none(), "order {} ended twice", order.id);
                o.4 = Some(match e.kind {
                    EventKind::Served { .. } => End::Served(e.t),
                    EventKind::Left { .. } => End::Left(e.t),
                    _ => End::Balked,
                });
            }
            EventKind::ServiceEnded { .. } => tr.end = Some(e.t),
            _ => {}
        }
    };
    let mut clock = Recording::default();
    let outcome = engine::run(sc, mode, sc.seed, &mut clock, &mut sink);
    assert!(outcome.finished);
    // The run ends at its last event: cancelled timers (patience timeouts of served
    // orders, sleeps of cancelled steps) never move the clock, even after service.
    assert_eq!(Some(outcome.end), tr.end, "the run ends when service ends");
    assert!(
        clock.0.iter().all(|&t| t <= outcome.end),
        "the clock was asked past the last event ({}): {:?}",
        outcome.end,
        clock.0
    );
    let served = tr.orders.values().filter(|o| matches!(o.4, Some(End::Served(_)))).count();
    assert_eq!(outcome.served, served as u64);
    tr
}

fn check(sc: &Scenario, mode: Mode) {
    let tr = trace(sc, mode);
    let end = tr.end.expect("service ends");
    assert_eq!(Some(tr.orders.len() as u64), sc.customer_count(), "every customer is taken");
    let mut work: Ticks = 0;
    // Per cook and per equipment: intervals of use.
    let mut by_cook: HashMap<CookIx, Vec<(Ticks, Ticks)>> = HashMap::new();
    let mut by_equipment: HashMap<EquipIx, Vec<(Ticks, Ticks)>> = HashMap::new();
    for (&id, (item, arrival, durations, patience, ended)) in &tr.orders {
        let recipe = sc.recipe_of(*item);
        let ended = ended.expect("every order ends: served, left or balked");
        let gone = match ended {
            End::Served(t) => {
                // The synchronous cook checks the patience at the last step's end. (In
                // the asynchronous kitchen the served line can come after the deadline
                // when the work was done by then: `wait_for` returns the result.)
                if let (Some(p), Mode::Sync) = (patience, mode) {
                    assert!(t <= arrival + p, "order {id} served after the customer left");
                }
                t
            }
            End::Left(t) => {
                let p = patience.expect("only customers with a patience leave");
                assert!(t >= arrival + p, "order {id}: the customer left before their patience ran out");
                t
            }
            End::Balked => {
                assert!(sc.balk.is_some(), "only balking customers balk");
                assert!(
                    recipe.steps.iter().enumerate().all(|(s, _)| !tr.steps.contains_key(&(id, s as StepIx)))
                );
                continue;
            }
        };
        // Longest chain: arrival + the critical path through `after` (and, in the
        // synchronous kitchen, the whole recipe in sequence).
        let mut finish = vec![0; recipe.steps.len()];
        for (s, step) in recipe.steps.iter().enumerate() {
            let ready = step.after.iter().map(|&d| finish[d as usize]).max().unwrap_or(0);
            finish[s] = ready + durations[s];
            let Some(&(start, fin, cook)) = tr.steps.get(&(id, s as StepIx)) else {
                assert!(!matches!(ended, End::Served(_)), "order {id} served with a step never started");
                continue;
            };
            let (fin, cancelled) = fin.expect("every step that starts finishes or is cancelled");
            let occupies = mode == Mode::Sync || step.kind == StepKind::HandsOn;
            assert!(!(cancelled && occupies), "a step that occupies a cook runs to its end");
            if cancelled {
                assert!(matches!(ended, End::Left(t) if t >= fin), "only a leaving customer's steps stop");
            } else if occupies {
                assert_eq!(fin - start, durations[s], "a step that occupies a cook lasts its duration");
            } else {
                // Its finish line can be late: the timer fired while a cook was blocked.
                assert!(fin - start >= durations[s], "an unattended step lasts at least its duration");
            }
            for &d in &step.after {
                let dep_fin = tr.steps[&(id, d)].1.unwrap();
                assert!(!dep_fin.1, "order {id}: {} started after a cancelled step", step.name);
                assert!(
                    start >= dep_fin.0,
                    "order {id}: {} started before {} finished",
                    step.name,
                    recipe.steps[d as usize].name
                );
            }
            assert_eq!(cook.is_some(), occupies, "a cook is named exactly for the steps that occupy one");
            if occupies {
                work += durations[s];
                if durations[s] > 0 {
                    by_cook.entry(cook.unwrap()).or_default().push((start, fin));
                }
            }
            if let (Some(e), true) = (step.uses, fin > start) {
                by_equipment.entry(e).or_default().push((start, fin));
            }
            if let End::Served(t) = ended {
                assert!(t >= fin, "served before a step finished");
            }
        }
        if let End::Served(t) = ended {
            let chain = finish.iter().max().copied().unwrap_or(0);
            assert!(t >= arrival + chain, "order {id} beat its longest chain");
        }
        assert!(end >= gone);
    }
    for (cook, mut spans) in by_cook {
        spans.sort();
        for w in spans.windows(2) {
            assert!(w[1].0 >= w[0].1, "cook {cook} did two things at once: {:?} and {:?}", w[0], w[1]);
        }
    }
    for (e, spans) in by_equipment {
        let cap = sc.kitchen.equipment[e as usize].capacity as usize;
        let mut points: Vec<(Ticks, i32)> = spans.iter().flat_map(|&(s, f)| [(s, 1), (f, -1)]).collect();
        // Releases at an instant come before acquisitions at it.
        points.sort();
        let mut held = 0;
        for (_, d) in points {
            held += d;
            assert!(
                held as usize <= cap,
                "{} over its capacity {cap}",
                sc.kitchen.equipment[e as usize].name
            );
        }
    }
    let cooks = sc.kitchen.cooks as Ticks;
    assert!(end * cooks >= work, "hands-on work {work} cannot fit in {end} with {cooks} cooks");
    // Determinism: the same scenario and seed give the same events.
    assert_eq!(trace(sc, mode).log, tr.log, "a second run differs");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_asynchronous_kitchen_keeps_every_rule(seed in any::<u64>()) {
        check(&scenario(seed), Mode::Async);
    }

    #[test]
    fn the_synchronous_kitchen_keeps_every_rule(seed in any::<u64>()) {
        check(&scenario(seed), Mode::Sync);
    }

    /// Every customer has a patience, often longer than the run: the run still ends
    /// at its last event, in both kitchens, under every policy (see [`trace`]).
    #[test]
    fn patience_timers_never_move_the_clock_past_the_last_event(seed in any::<u64>(), mean in 0.25f64..50.0) {
        let mut sc = scenario(seed);
        if let Customers::List(list) = &mut sc.customers {
            list.iter_mut().for_each(|c| c.patience = None);
        }
        sc.patience = Some(Dist::Exponential { mean });
        check(&sc, Mode::Async);
        check(&sc, Mode::Sync);
    }

    /// The basic kitchen is the general one compiled without the checks for
    /// equipment, patience, balking and policies: on a scenario without them, both
    /// must send the same events and end alike.
    #[test]
    fn the_basic_kitchen_does_what_the_general_one_does(seed in any::<u64>()) {
        let mut sc = scenario(seed);
        sc.kitchen.equipment.clear();
        for step in sc.menu.recipes.iter_mut().flat_map(|r| &mut r.steps) {
            step.uses = None;
        }
        if let Customers::List(list) = &mut sc.customers {
            list.iter_mut().for_each(|c| c.patience = None);
        }
        (sc.patience, sc.balk, sc.kitchen.policy) = (None, None, Policy::Fifo);
        prop_assert!(asyncio::is_basic(&sc));
        prop_assert_eq!(kitchen::<true, SortedKeys>(&sc, seed), kitchen::<false, SortedKeys>(&sc, seed));
    }

    /// Up to [`asyncio::FEW_COOKS`] cooks, the busy ones are a sorted list instead of
    /// a heap: both must pick the same cook to finish next, ties included.
    #[test]
    fn the_sorted_list_of_busy_cooks_does_what_the_heap_does(seed in any::<u64>(), cooks in 1u16..=12) {
        let mut sc = scenario(seed);
        sc.kitchen.cooks = cooks;
        prop_assert_eq!(kitchen::<false, SortedKeys>(&sc, seed), kitchen::<false, HeapKeys>(&sc, seed));
    }

    /// Watching the loop (a sink that wants its passes and handles) changes nothing
    /// else: the same events, the same end, with any number of cooks and any policy;
    /// and every handle runs inside a pass, on a cook the kitchen has, and no timer
    /// moves to the ready queue before it is due.
    #[test]
    fn watching_the_loop_changes_nothing_else(seed in any::<u64>(), cooks in 1u16..=4) {
        let mut sc = scenario(seed);
        sc.kitchen.cooks = cooks;
        let mut log = Vec::new();
        let (mut passes, mut handles) = (0u64, 0u64);
        // The loop view takes it all without a panic, a pass a record.
        let mut view = crate::view::event_loop::LoopView::new(&sc, seed, true);
        let mut sink = crate::event::WithLoop(|e: &Event<'_>| {
            view.event(e, |_| {});
            match e.kind {
            EventKind::LoopPass { pass } => {
                passes += 1;
                assert_eq!(pass, passes, "passes are numbered from 1");
            }
            EventKind::HandleRun { cook, .. } => {
                assert!(passes > 0 && cook < cooks, "a handle outside a pass, or on cook {cook}");
                handles += 1;
            }
            EventKind::TimerDue { due, .. } => assert!(due <= e.t, "a timer moved before it was due"),
            EventKind::UnitHanded { .. } => assert!(passes > 0, "a unit handed outside a pass"),
            _ => log.push(format!("{} {:?}", e.t, e.kind)),
            }
        });
        let outcome = AsyncEngine::<false, SortedKeys>::new(&sc, OrderSource::new(&sc, seed))
            .run(&mut VirtualClock, &mut sink);
        prop_assert!(handles > 0 && passes > 0);
        prop_assert_eq!(view.finish().map(|r| r.passes.len() as u64), Some(passes));
        prop_assert_eq!((outcome, log), kitchen::<false, SortedKeys>(&sc, seed));
    }
}

/// The outcome and the events of an asynchronous kitchen compiled as asked.
fn kitchen<const BASIC: bool, B: BusyKeys>(sc: &Scenario, seed: u64) -> (Outcome, Vec<String>) {
    let mut log = Vec::new();
    let mut sink = |e: &Event<'_>| log.push(format!("{} {:?}", e.t, e.kind));
    let outcome =
        AsyncEngine::<BASIC, B>::new(sc, OrderSource::new(sc, seed)).run(&mut VirtualClock, &mut sink);
    (outcome, log)
}

#[test]
fn with_one_cook_the_synchronous_kitchen_serves_in_arrival_order_back_to_back() {
    for seed in 0..200 {
        let mut sc = scenario(seed);
        sc.kitchen.cooks = 1;
        (sc.patience, sc.balk) = (None, None);
        let tr = trace(&sc, Mode::Sync);
        let mut orders: Vec<_> = tr.orders.iter().collect();
        orders.sort_by_key(|(id, _)| **id);
        let mut free = 0;
        for (_, (_, arrival, durations, _, ended)) in orders {
            let start = free.max(*arrival);
            free = start + durations.iter().sum::<Ticks>();
            assert_eq!(ended.unwrap(), End::Served(free), "seed {seed}");
        }
    }
}

#[test]
fn more_cooks_never_make_the_hands_on_kitchen_slower_here() {
    // Not a law in general (asyncio's order can change), but on this simple scenario
    // a second cook halves the blocking work: three 1 s blocking steps, one customer each.
    let mut sc = scenario(1);
    sc.kitchen = Kitchen {
        cooks: 1,
        equipment: vec![],
        cook_cost: 0.0,
        currency: None,
        policy: Policy::Fifo,
        plan: None,
    };
    (sc.patience, sc.balk) = (None, None);
    sc.menu.recipes = vec![Recipe {
        name: "hi".into(),
        steps: vec![Step {
            name: "hi".into(),
            kind: StepKind::HandsOn,
            duration: Dist::Fixed(1.0),
            uses: None,
            after: vec![],
            result: None,
            on_start: None,
            on_finish: None,
        }],
        on_arrival: None,
        on_served: None,
    }];
    sc.menu.items = vec![Item { name: "hi".into(), recipe: 0 }];
    sc.customers = Customers::List(
        (0..4)
            .map(|_| CustomerSpec {
                name: None,
                arrival: 0,
                item: 0,
                options: vec![],
                durations: vec![],
                patience: None,
            })
            .collect(),
    );
    let s = TimeUnit::Seconds.ticks();
    assert_eq!(trace(&sc, Mode::Async).end, Some(4 * s));
    sc.kitchen.cooks = 2;
    let tr = trace(&sc, Mode::Async);
    assert_eq!(tr.end, Some(2 * s));
    // Cook 1 takes the first blocking step, cook 2 the second, at the same instant.
    let cooks: Vec<_> = (1..=4).map(|id| tr.steps[&(id, 0)]).collect();
    assert_eq!(
        cooks,
        vec![
            (0, Some((s, false)), Some(0)),
            (0, Some((s, false)), Some(1)),
            (s, Some((2 * s, false)), Some(0)),
            (s, Some((2 * s, false)), Some(1))
        ]
    );
}

/// A kitchen that cannot keep up holds every customer who came and was not served:
/// past the most a run can hold at once, the run stops with an error that says so,
/// at the instant the one too many would come in, rather than fill memory. (The
/// limit is 10,000,000; here 50.)
#[test]
fn a_cafe_too_crowded_to_hold_stops_the_run() {
    let sc = crate::scenario::load_str(
        "crowd.toml",
        "[recipes.c]\nsteps = [{ name = \"grind\", kind = \"hands-on\", duration = 30 }]\n[menu]\nc = \"c\"\n[customers.generate]\ncount = 1000\ninterarrival = 1\n",
    )
    .unwrap();
    let mut served = 0;
    let mut sink = |e: &Event<'_>| served += u64::from(matches!(e.kind, EventKind::Served { .. }));
    let outcome = AsyncEngine::<true, SortedKeys>::new(&sc, OrderSource::new(&sc, 0))
        .with_max_in_cafe(50)
        .run(&mut VirtualClock, &mut sink);
    // One served every 30 s, one arriving every 1 s (let in when the cook's grind
    // ends and the loop runs again): the café holds the 50 when #82 would come in,
    // as the 31st customer is served at 930 s.
    assert!(!outcome.finished);
    let over = outcome.overrun.expect("stopped by the crowd");
    assert_eq!((over.what, over.order, over.at), (Overran::Crowded, 82, 930_000_000_000));
    assert_eq!(over.order - 1 - served, 50);
    assert!(over.message(&sc).starts_with(
        "the run stopped at 930.00 s: order #82 (c) would be one customer more in the café than the 10,000,000 a run can hold at once: the kitchen cannot keep up"
    ));
    // Room enough, the same day runs to its end.
    let outcome = AsyncEngine::<true, SortedKeys>::new(&sc, OrderSource::new(&sc, 0))
        .run(&mut VirtualClock, &mut |_: &Event<'_>| {});
    assert!(outcome.finished && outcome.overrun.is_none());
}

/// A clock that stops the run when asked to go past `until` (as Ctrl-C does while
/// the real clock waits).
struct StopsAt {
    until: Ticks,
}

impl Clock for StopsAt {
    fn advance(&mut self, t: Ticks) -> bool {
        t <= self.until
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::with_cases(64)
    })]

    /// A run the clock stops ends no later than the clock went: nothing happens
    /// after the stop, and the outcome's end is never the time of something the
    /// clock did not reach.
    #[test]
    fn a_stopped_run_ends_at_its_last_event(seed in any::<u64>(), cut in 0.0f64..1.0) {
        let sc = scenario(seed);
        for mode in [Mode::Async, Mode::Sync] {
            let full = engine::run(&sc, mode, seed, &mut VirtualClock, &mut |_: &Event<'_>| {});
            let until = (full.end as f64 * cut) as Ticks;
            let mut last = 0;
            let outcome =
                engine::run(&sc, mode, seed, &mut StopsAt { until }, &mut |e: &Event<'_>| last = last.max(e.t));
            prop_assert!(last <= until, "{mode:?}: an event at {last} after the stop at {until}");
            prop_assert!(last <= outcome.end, "{mode:?}");
            if outcome.finished {
                prop_assert_eq!(outcome.end, full.end, "{:?}", mode);
            } else {
                prop_assert!(outcome.end <= until, "{mode:?}: ended at {} past the stop at {until}", outcome.end);
            }
        }
    }
}

/// Long recipes crowd the café with steps long before it holds too many customers:
/// past the most step tasks a run can hold at once, the run stops with an error
/// that says so, rather than fill memory. (The limit is 50,000,000; here 100: ten
/// customers of ten unattended steps at once, and the eleventh would pass it.)
#[test]
fn a_cafe_holding_too_many_steps_stops_the_run() {
    let steps: Vec<String> =
        (0..10).map(|i| format!("{{ name = \"s{i}\", kind = \"unattended\", duration = 60 }}")).collect();
    let toml = format!(
        "[recipes.c]\nsteps = [{}]\n[menu]\nc = \"c\"\n[customers.generate]\ncount = 20\ninterarrival = 1\n",
        steps.join(", ")
    );
    let sc = crate::scenario::load_str("wide.toml", &toml).unwrap();
    let outcome = AsyncEngine::<true, SortedKeys>::new(&sc, OrderSource::new(&sc, 0))
        .with_max_steps_in_cafe(100)
        .run(&mut VirtualClock, &mut |_: &Event<'_>| {});
    assert!(!outcome.finished);
    let over = outcome.overrun.expect("stopped by the steps");
    assert_eq!((over.what, over.order, over.at), (Overran::CrowdedSteps, 11, 10_000_000_000));
    assert!(over.message(&sc).starts_with(
        "the run stopped at 10.00 s: order #11 (c), of 10 steps, would make the café hold more steps at once than the 50,000,000 a run can"
    ), "{}", over.message(&sc));
    // Room enough, the same day runs to its end.
    let outcome = AsyncEngine::<true, SortedKeys>::new(&sc, OrderSource::new(&sc, 0))
        .with_max_steps_in_cafe(200)
        .run(&mut VirtualClock, &mut |_: &Event<'_>| {});
    assert!(outcome.finished && outcome.overrun.is_none());
}
