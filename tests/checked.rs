//! A scenario built or changed in code, and the operations' other inputs a caller
//! can build (a sweep's `Vary`, a list of policies, a batch's size, a clock's
//! speed, a plan's time limit): what the types allow but the model's invariants do
//! not is refused with an error that names the field, never a panic, a hang or a
//! wrong number.

use std::io;

use async_cafe::builtin;
use async_cafe::model::{Arrivals, Customers, Dist, Empirical, MenuOption, Mode, Policy, Scenario};
use async_cafe::ops::{self, Batch, ClockKind, CompareOptions, Error, RunSpec, Want};
use async_cafe::sweep::{Param, Vary};

fn load(name: &str) -> Scenario {
    builtin::find(name).unwrap().load().unwrap()
}

fn spec(mode: Mode) -> RunSpec {
    RunSpec { mode, clock: ClockKind::Virtual, seed: 0 }
}

/// The problems `ops::run` refuses `sc` with, in both kitchens (the same both times).
fn refused(sc: &Scenario) -> Vec<String> {
    let mut said = Vec::new();
    for mode in [Mode::Async, Mode::Sync] {
        let want = Want { stats: true, ..Want::default() };
        let e = ops::run(sc, spec(mode), want, &mut io::sink()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        match Error::from(e) {
            Error::Invalid(invalid) => said.push(invalid.problems),
            other => panic!("not a model error: {other}"),
        }
    }
    assert_eq!(said[0], said[1]);
    said.swap_remove(0)
}

/// `sc` changed by `change`, refused with one problem that contains `words`.
#[track_caller]
fn refuses(name: &str, change: impl FnOnce(&mut Scenario), words: &str) {
    let mut sc = load(name);
    change(&mut sc);
    let problems = refused(&sc);
    assert!(problems.iter().any(|p| p.contains(words)), "{words:?} not in {problems:#?}");
}

fn generator(sc: &mut Scenario) -> &mut async_cafe::model::Generator {
    match &mut sc.customers {
        Customers::Generate(g) => g,
        Customers::List(_) => panic!("a generator"),
    }
}

fn listed(sc: &mut Scenario) -> &mut Vec<async_cafe::model::CustomerSpec> {
    match &mut sc.customers {
        Customers::List(l) => l,
        Customers::Generate(_) => panic!("a list"),
    }
}

#[test]
fn every_builtin_passes_the_check() {
    for b in builtin::BUILTINS {
        let sc = b.load().unwrap();
        assert_eq!(sc.check(), Ok(()), "{}", b.name);
    }
}

/// Each of these used to panic inside the engine, hang (a truncated normal below
/// zero redraws for ever, out of reach of any cancel token), or finish "served 0".
#[test]
fn the_kitchen_menu_and_recipes_are_checked() {
    refuses("lunch", |sc| sc.kitchen.cooks = 0, "kitchen.cooks is 0: a kitchen needs at least one cook");
    refuses("cafe", |sc| sc.kitchen.equipment[0].capacity = 0, ".capacity is 0: no step could use it");
    refuses("cafe", |sc| sc.kitchen.equipment[0].cost = f64::NAN, ".cost is NaN");
    refuses("lunch", |sc| sc.menu.recipes[0].steps[0].uses = Some(99), ".uses is 99, but the kitchen has");
    refuses(
        "lunch",
        |sc| sc.menu.recipes[0].steps[0].after = vec![0],
        ".after names step 0: a step can only come after an earlier",
    );
    refuses("lunch", |sc| sc.menu.recipes[0].steps[1].after = vec![99], ".after names step 99");
    refuses("lunch", |sc| sc.menu.items[0].recipe = 99, ".recipe is 99, but there are 1 recipes");
    refuses("lunch", |sc| sc.menu.items.clear(), "menu.items is empty");
    refuses("lunch", |sc| sc.menu.recipes[0].steps.clear(), ".steps is empty: a recipe needs a step");
    refuses(
        "gather-tasks",
        |sc| sc.menu.options.push(MenuOption { name: "x".into(), values: vec![] }),
        "has no values",
    );
    refuses("bakery", |sc| sc.kitchen.policy = Policy::Planned, "`planned` without a kitchen.plan");
    refuses("lunch", |sc| sc.speed = 0.0, "speed is 0");
    // Names are printed as they are: a control character in one would command the
    // terminal (the loader refuses them in a file).
    refuses(
        "cafe",
        |sc| sc.kitchen.equipment[0].name = "coffee\u{1b}]0;owned\u{7}".into(),
        "kitchen.equipment[0] `coffee\\u{1b}]0;owned\\u{7}` has a control character",
    );
    refuses("lunch", |sc| sc.menu.recipes[0].steps[0].name = "boil\nwater".into(), "has a control character");
    refuses("cafe", |sc| listed(sc)[0].name = Some("\u{202e}evil".into()), "customers[0].name");
}

#[test]
fn every_distribution_is_checked() {
    let bad = [
        Dist::Fixed(f64::NAN),
        Dist::Fixed(-1.0),
        Dist::Fixed(f64::INFINITY),
        Dist::Normal { mean: -100.0, sd: 1.0 },
        Dist::Normal { mean: f64::NAN, sd: 1.0 },
        Dist::Exponential { mean: 0.0 },
        Dist::Exponential { mean: -2.0 },
        Dist::LogNormal { mean: 0.0, sd: 1.0 },
        Dist::Triangular { min: 0.0, mode: 10.0, max: 5.0 },
        Dist::Gamma { shape: 0.0, scale: 1.0 },
        Dist::Gamma { shape: 1.0, scale: -1.0 },
        Dist::UniformInt { min: 5, max: 1 },
        Dist::Uniform { min: 0.0, max: f64::INFINITY },
        Dist::Empirical(Empirical::new(&[], None)),
        Dist::Empirical(Empirical::new(&[1.0, 2.0], Some(&[1.0, 0.0]))),
        Dist::Empirical(Empirical::new(&[1.0], Some(&[-1.0]))),
    ];
    for d in bad {
        refuses("lunch", |sc| sc.menu.recipes[0].steps[0].duration = d.clone(), ".duration is ");
        refuses("lunch", |sc| sc.patience = Some(d), "patience is ");
    }
    // A duration past the longest time a run can count.
    refuses(
        "lunch",
        |sc| sc.menu.recipes[0].steps[0].duration = Dist::Fixed(1e30),
        "within the longest time",
    );
}

#[test]
fn customers_are_checked() {
    refuses("lunch", |sc| listed(sc)[0].item = 42, "customers[0].item is 42, but the menu has 1 items");
    refuses("lunch", |sc| listed(sc)[0].durations = vec![(77, 5)], "customers[0].durations names step 77");
    refuses("lunch", |sc| listed(sc)[0].arrival = u64::MAX, "customers[0].arrival is past the longest time");
    refuses("cafe", |sc| listed(sc)[0].arrival = 10_000_000_000_000, "is before the customer listed before");
    refuses("cafe", |sc| listed(sc)[0].options.clear(), "customers[0].options has 0 values");
    refuses("rush-hour", |sc| generator(sc).mix.clear(), "customers.generate.mix is empty");
    refuses("takeaway", |sc| generator(sc).mix = vec![(7, 1.0)], "mix names item 7");
    refuses("takeaway", |sc| generator(sc).arrivals = Arrivals::Schedule(vec![]), "schedule is empty");
    refuses(
        "takeaway",
        |sc| generator(sc).group = Some(Dist::Fixed(0.0)),
        "a group size must be a whole number",
    );
    refuses("takeaway", |sc| generator(sc).group = Some(Dist::Fixed(1e12)), "whole numbers from 1 to 1000");
    refuses(
        "takeaway",
        |sc| {
            let g = generator(sc);
            (g.count, g.until) = (None, None);
        },
        "neither a count nor an until",
    );
    // Interarrival times of 0 until a time: customers without end at one instant.
    refuses(
        "takeaway",
        |sc| {
            let g = generator(sc);
            g.count = None;
            g.arrivals = Arrivals::Interarrival(Dist::Fixed(0.0));
        },
        "customers.generate: about",
    );
    // An empty list and a balk of 0 are fine.
    let mut empty = load("lunch");
    *listed(&mut empty) = Vec::new();
    assert_eq!(empty.check(), Ok(()));
    let mut shy = load("rush-hour");
    shy.balk = Some(0);
    assert_eq!(shy.check(), Ok(()));
}

#[test]
fn every_problem_is_said_at_once_naming_its_field() {
    let mut sc = load("cafe");
    sc.kitchen.cooks = 0;
    sc.kitchen.equipment[0].capacity = 0;
    sc.menu.recipes[0].steps[0].duration = Dist::Exponential { mean: f64::NAN };
    let e = sc.check().unwrap_err();
    assert_eq!(e.problems.len(), 3, "{e}");
    let text = e.to_string();
    assert!(text.starts_with("the scenario `cafe` cannot run: 3 problems\n  kitchen.cooks is 0"), "{text}");
}

#[test]
fn every_operation_refuses_a_scenario_that_fails_its_check() {
    let mut sc = load("coffee-shop");
    sc.kitchen.cooks = 0;
    let invalid = |r: Result<(), Error>| assert!(matches!(r, Err(Error::Invalid(_))), "{r:?}");
    invalid(ops::compare(&sc, &CompareOptions::default()).map(drop));
    invalid(ops::compare_policies(&sc, &Policy::ALL, &CompareOptions::default()).map(drop));
    invalid(ops::replicate(&sc, &Batch { replications: 2, ..Batch::default() }).map(drop));
    invalid(ops::sweep(&sc, &[], &Batch { replications: 2, ..Batch::default() }).map(drop));
    #[cfg(feature = "plan")]
    {
        let mut bakery = load("bakery");
        bakery.menu.recipes[0].steps[0].uses = Some(40);
        invalid(ops::plan(&bakery, &async_cafe::plan::PlanOptions::default()).map(drop));
    }
}

/// A `Vary` built in code is checked as `--vary` checks its text.
#[test]
fn a_sweep_refuses_what_vary_would_refuse() {
    let sc = load("rush-hour");
    let batch = Batch { replications: 2, ..Batch::default() };
    let refused = |varies: Vec<Vary>| match ops::sweep(&sc, &varies, &batch) {
        Err(Error::Refused(e)) => e.to_string(),
        other => panic!("not refused: {other:?}"),
    };
    let cooks = |values: Vec<f64>| Vary { param: Param::Cooks, values };
    assert_eq!(
        refused(vec![cooks(vec![0.0, 1.0])]),
        "--vary `cooks=0,1`: a kitchen needs at least one cook; start at 1"
    );
    assert_eq!(refused(vec![cooks(vec![1.5])]), "--vary `cooks=1.5`: `1.5` is not a whole number");
    assert_eq!(refused(vec![cooks(vec![f64::NAN])]), "--vary `cooks=NaN`: `NaN` is not a whole number");
    assert_eq!(
        refused(vec![cooks(vec![70000.0])]),
        "--vary `cooks=70000`: a kitchen has at most 65535 cooks"
    );
    assert_eq!(refused(vec![cooks(vec![])]), "--vary `cooks=`: a value is missing");
    assert_eq!(
        refused(vec![cooks(vec![1.0]), cooks(vec![2.0])]),
        "--vary `cooks` is given twice: give all its values in one --vary"
    );
    let policy = Vary { param: Param::Policy, values: vec![7.0] };
    assert!(refused(vec![policy]).starts_with("--vary `policy=7`: unknown policy `7`"));
    let ghost = Vary { param: Param::Equipment { index: 3, name: "oven".into() }, values: vec![1.0] };
    assert!(
        refused(vec![ghost]).starts_with("--vary `equipment.oven=1`: the kitchen has no equipment `oven`")
    );
    // A batch too large to finish is refused, not an abort allocating every seed.
    let huge = Batch { replications: u32::MAX, ..Batch::default() };
    assert!(matches!(ops::replicate(&sc, &huge), Err(Error::Refused(_))));
    assert!(matches!(ops::sweep(&sc, &[], &huge), Err(Error::Refused(_))));
}

#[test]
fn the_other_inputs_a_caller_builds_are_errors_not_panics() {
    let cafe = load("cafe");
    // No policy to compare.
    let none = ops::compare_policies(&cafe, &[], &CompareOptions::default());
    assert!(matches!(none, Err(Error::NoPolicies)), "{none:?}");
    // A real clock's speed that is not one.
    #[cfg(feature = "real-clock")]
    for speed in [f64::NAN, 0.0, -1.0, f64::INFINITY, 1e-300] {
        let clock = ClockKind::Real { speed, behind: async_cafe::clock::Behind::Warn };
        let spec = RunSpec { mode: Mode::Async, clock, seed: 0 };
        let e = ops::run(&cafe, spec, Want::default(), &mut io::sink()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{speed}: {e}");
        assert!(e.to_string().starts_with("speed must be"), "{e}");
    }
    // No time limit is `Duration::MAX`.
    #[cfg(feature = "plan")]
    {
        let bakery = load("bakery");
        let time_limit = std::time::Duration::MAX;
        let opts = async_cafe::plan::PlanOptions { time_limit, ..Default::default() };
        assert!(ops::plan(&bakery, &opts).is_ok());
    }
    // A run's result can be printed (and so unwrapped).
    let ran = ops::run(&cafe, spec(Mode::Async), Want { stats: true, ..Want::default() }, &mut io::sink());
    assert!(format!("{ran:?}").starts_with("Ok(Ran { outcome: Outcome {"));
}

/// A comparison keeps every step of both sides: a caller can bound it, as a run.
#[test]
fn a_comparison_can_be_bounded_to_so_many_customers() {
    let shop = load("coffee-shop");
    let bounded = |most| CompareOptions { max_customers: Some(most), ..CompareOptions::default() };
    assert!(ops::compare(&shop, &bounded(10)).is_ok());
    match ops::compare(&shop, &bounded(9)) {
        Err(Error::TooManyCustomers(t)) => assert_eq!(t.most, 9),
        other => panic!("not bounded: {other:?}"),
    }
}
