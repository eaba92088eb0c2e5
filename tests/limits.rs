//! Runs at the edges of what the engine can count: times that add up past the
//! longest a run can count stop the run with an error naming the order and step
//! (never a saturated or wrapped clock), huge equipment costs only the units in use,
//! and extreme but valid distributions run.

mod common;

use async_cafe::engine::{self, Mode, Outcome, Overran, Overrun, VirtualClock};
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunOverran, RunSpec, Want};
use async_cafe::time::{MAX_TICKS, TICKS_PER_SECOND};
use async_cafe::view::trace::{LaneKind, TraceView};
use common::load;

fn outcome(sc: &Scenario, mode: Mode) -> Outcome {
    engine::run(sc, mode, 0, &mut VirtualClock, &mut async_cafe::event::Discard)
}

const S: u64 = TICKS_PER_SECOND;

/// Three loaves, each 500,000,000 s in the one cook's hands: the second would end at
/// 1,000,000,000 s, past the 900,000,000 s a run can count.
const LONG_STEPS: &str = r#"
[recipes.bread]
steps = [{ name = "knead", kind = "hands-on", duration = 500000000 }]
[menu]
Loaf = "bread"
[customers.generate]
count = 3
interarrival = 1
"#;

#[test]
fn a_step_that_would_end_past_the_limit_stops_the_run_naming_the_order_and_step() {
    let sc = load(LONG_STEPS);
    for mode in [Mode::Async, Mode::Sync] {
        let out = outcome(&sc, mode);
        assert!(!out.finished, "{mode:?}");
        let overrun = Overrun { at: 500_000_000 * S, order: 2, item: 0, what: Overran::Step(0) };
        assert_eq!(out.overrun, Some(overrun), "{mode:?}");
        assert!(out.end <= MAX_TICKS, "{mode:?}: the clock never passes the limit");
        assert_eq!(
            overrun.message(&sc),
            "the run stopped at 500000000.00 s: order #2 (Loaf): step `knead` would end after 900,000,000 s, the longest time a run can count"
        );
    }
    // Unattended steps are timers: the same.
    let sc = load(
        &LONG_STEPS.replace("hands-on", "unattended").replace("interarrival = 1", "interarrival = 450000000"),
    );
    let out = outcome(&sc, Mode::Async);
    assert_eq!(out.overrun.map(|o| (o.order, o.what)), Some((2, Overran::Step(0))));
}

#[test]
fn arrivals_and_patience_past_the_limit_stop_the_run() {
    // Arrivals at 0, 500,000,000 and 1,000,000,000 s.
    let sc = load(
        &LONG_STEPS
            .replace("duration = 500000000", "duration = 1")
            .replace("interarrival = 1", "interarrival = 500000000"),
    );
    for mode in [Mode::Async, Mode::Sync] {
        let out = outcome(&sc, mode);
        assert_eq!(out.overrun.map(|o| (o.order, o.what)), Some((3, Overran::Arrival)), "{mode:?}");
        // The asynchronous door lets in customer 2 and goes to sleep until the next
        // arrival before customer 2's order runs; the synchronous cook serves 2 first.
        assert_eq!(out.served, if mode == Mode::Async { 1 } else { 2 }, "{mode:?}");
    }
    // A patience that would run out past the limit (the asynchronous kitchen arms a
    // timer for it).
    let sc = load(
        r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 5 }]
[menu]
Latte = "coffee"
[customers]
list = [{ item = "Latte", arrival = 500000000, patience = 500000000 }]
"#,
    );
    let out = outcome(&sc, Mode::Async);
    assert_eq!(out.overrun.map(|o| (o.order, o.what)), Some((1, Overran::Patience)));
    assert!(
        out.overrun
            .unwrap()
            .message(&sc)
            .contains("order #1 (Latte): the customer's patience would run out after 900,000,000 s")
    );
}

#[test]
fn a_run_that_overruns_is_an_error_and_writes_no_export() {
    let sc = load(LONG_STEPS);
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let events = dir.join("events.jsonl");
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: 0 };
    let want = Want { stats: true, trace: true, events: Some(events.clone()), ..Want::default() };
    let err = ops::run(&sc, spec, want, &mut std::io::sink()).expect_err("the run overruns");
    let overran = err.get_ref().and_then(|e| e.downcast_ref::<RunOverran>()).expect("a typed error");
    assert_eq!(overran.overrun.order, 2);
    assert!(err.to_string().starts_with("the run stopped at 500000000.00 s: order #2 (Loaf)"), "{err}");
    assert!(!events.exists(), "no half-written export");
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().collect();
    assert!(left.is_empty(), "no staged file left behind: {left:?}");
    let zero = ops::CompareOptions { seed: Some(0), ..ops::CompareOptions::default() };
    assert!(matches!(ops::compare(&sc, &zero), Err(ops::Error::Overran(o)) if o.overrun.order == 2));
}

#[test]
fn huge_equipment_gets_lanes_for_the_units_in_use_only() {
    let sc = load(
        r#"
[kitchen]
equipment = { oven = 4294967295, grill = 3 }
[recipes.bread]
steps = [
    { name = "bake", kind = "unattended", duration = 10, uses = "oven" },
    { name = "toast", kind = "unattended", duration = 1, uses = "grill" },
]
[menu]
Loaf = "bread"
[customers.generate]
count = 5
interarrival = 1
"#,
    );
    for mode in [Mode::Async, Mode::Sync] {
        let mut view = TraceView::new(&sc, mode, false);
        let out = engine::run(&sc, mode, 0, &mut VirtualClock, &mut view);
        assert!(out.finished);
        let trace = view.finish();
        let ovens: Vec<&str> = trace
            .lanes
            .iter()
            .filter(|l| matches!(l.kind, LaneKind::Equipment(0, _)))
            .map(|l| l.label.as_str())
            .collect();
        // Five loaves overlap in the asynchronous kitchen; one at a time in the other.
        let expected: &[&str] = match mode {
            Mode::Async => &["oven 1", "oven 2", "oven 3", "oven 4", "oven 5"],
            Mode::Sync => &["oven 1"],
        };
        assert_eq!(ovens, expected, "{mode:?}");
        // Small equipment shows every unit, idle or not.
        let grills = trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Equipment(1, _))).count();
        assert_eq!(grills, 3, "{mode:?}");
    }
    let cmp = ops::compare(&sc, &ops::CompareOptions { seed: Some(0), ..Default::default() }).unwrap();
    assert_eq!(cmp.sides.len(), 2);
}

#[test]
fn extreme_but_valid_distributions_run() {
    let sc = load(
        r#"
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = { dist = "empirical", values = [1, 2], weights = [1e308, 7e307] } },
    { name = "brew", kind = "unattended", duration = { dist = "lognormal", mean = 1e-100, sd = 1e-10 } },
    { name = "pour", kind = "hands-on", duration = { dist = "lognormal", mean = 1e-140, sd = 1e5 } },
]
[menu]
Latte = "coffee"
Mocha = "coffee"
[customers.generate]
count = 200
rate = 1
mix = { Latte = 1e308, Mocha = 7e307 }
"#,
    );
    for mode in [Mode::Async, Mode::Sync] {
        let out = outcome(&sc, mode);
        // Every draw is within the limit, or the run says which one was not.
        assert!(out.finished || out.overrun.is_some(), "{mode:?}");
        assert!(out.end <= MAX_TICKS);
    }
}

/// Under `longest-chain`, an order's remaining chain of work adds up its steps'
/// durations: each within the limit, together past what a `u64` holds. The run stops
/// at the step that would pass the limit, with nothing overflowing on the way.
#[test]
fn a_chain_of_long_steps_under_longest_chain_stops_at_the_limit() {
    let steps: Vec<String> = (0..25)
        .map(|i| {
            let after = if i == 0 { String::new() } else { format!(", after = [\"s{}\"]", i - 1) };
            format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 900000000{after} }}")
        })
        .collect();
    let sc = load(&format!(
        "[kitchen]\npolicy = \"longest-chain\"\n[recipes.r]\nsteps = [{}]\n[menu]\nA = \"r\"\n[customers]\nlist = [{{ item = \"A\" }}]\n",
        steps.join(", ")
    ));
    let out = outcome(&sc, Mode::Async);
    assert_eq!(out.overrun.map(|o| (o.order, o.what)), Some((1, Overran::Step(1))));
    assert_eq!(out.end, MAX_TICKS);
}
