//! `cafe show NAME --python`, checked: the program [`async_cafe::python_program`]
//! writes for a scenario, run by CPython on its own virtual clock (`--virtual`),
//! prints exactly the scenario's narrative as the engine prints it, line for line, for
//! every built-in it covers in both kitchens; the rest are refused, saying why.
//!
//! Environment (as `tests/differential.rs`): `CAFE_PYTHON` names the interpreter
//! (default `python3`); `CAFE_SKIP_DIFFERENTIAL=1` skips running Python (the programs
//! are still written and the refusals checked).

mod common;

use std::path::Path;
use std::process::Command;

use async_cafe::Scenario;
use async_cafe::builtin::BUILTINS;
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::Event;
use async_cafe::python_program::{covered, program};
use async_cafe::view::narrative::Narrator;
use common::python;

/// The narrative the engine prints for `sc` on the virtual clock, one string.
fn engine_narrative(sc: &Scenario, mode: Mode) -> String {
    let mut narrator = Narrator::new(sc, mode);
    let mut text = String::new();
    let mut sink = |e: &Event<'_>| {
        narrator.event(e, |_, line| {
            text.push_str(line);
            text.push('\n');
        })
    };
    engine::run(sc, mode, sc.seed, &mut VirtualClock, &mut sink);
    text
}

/// What `program` prints when CPython runs it with `--virtual`.
fn run(py: &str, dir: &Path, name: &str, program: &str) -> String {
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, program).unwrap();
    let out = Command::new(py).arg(&path).arg("--virtual").output().unwrap();
    assert!(out.status.success(), "{} failed:\n{}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_covered_builtin_prints_its_narrative_under_cpython() {
    let py = python();
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for b in BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let name = format!("{}-{}", b.name, mode.name());
            match program(&sc, mode, sc.seed) {
                Ok(text) => {
                    assert!(text.contains("asyncio.run(main())") == (mode == Mode::Async), "{name}");
                    let Some(py) = &py else { continue };
                    let printed = run(py, dir.path(), &name, &text);
                    let expected = engine_narrative(&sc, mode);
                    assert!(!expected.is_empty(), "{name}: a built-in with no narrative proves nothing");
                    assert_eq!(printed, expected, "{name}: CPython and the engine disagree");
                    ran += 1;
                }
                Err(e) => {
                    assert!(sc.kitchen.cooks > 1, "{name} refused: {e}");
                    assert!(e.reason.contains("cooks") && e.reason.contains("one event loop"), "{e}");
                }
            }
        }
    }
    if py.is_some() {
        // Every built-in but rush-hour (two cooks), in both kitchens.
        assert_eq!(ran, 2 * (BUILTINS.len() - 1));
    }
}

#[test]
fn a_policy_other_than_fifo_is_refused_in_the_asynchronous_kitchen_only() {
    let mut sc = async_cafe::builtin::find("lunch").unwrap().load().unwrap();
    sc.kitchen.policy = async_cafe::model::Policy::LongestChain;
    let e = covered(&sc, Mode::Async).unwrap_err();
    assert!(e.reason.contains("longest-chain") && e.reason.contains("first in, first out"), "{e}");
    // The synchronous cook serves one order at a time: no ready queue to order.
    assert!(covered(&sc, Mode::Sync).is_ok());
}

/// A program lists every order: a day of more than `MAX_PROGRAM_ORDERS` customers
/// is refused (once that many are drawn), not written out until memory runs out.
#[test]
fn a_day_too_long_to_list_has_no_program() {
    let day = |count: usize| {
        async_cafe::scenario::load_str(
            "long",
            &format!("[recipes.t]\nsteps = [{{ name = \"brew\", kind = \"unattended\", duration = 1 }}]\n[menu]\nt = \"t\"\n[customers.generate]\ncount = {count}\ninterarrival = 1\n"),
        )
        .unwrap()
    };
    let most = async_cafe::python_program::MAX_PROGRAM_ORDERS;
    assert!(async_cafe::python_program::program(&day(most), Mode::Async, 0).is_ok());
    let e = async_cafe::python_program::program(&day(most + 1), Mode::Async, 0).unwrap_err();
    assert_eq!(
        e.reason,
        "long lets in more than 100,000 customers: the Python program lists every order as data, and would be too large to read or run; show a shorter day (`count` or `until`)"
    );
}

/// Generated customers with random durations, patience and balking, minutes, lines
/// with every kind of placeholder: the drawn values are written so that CPython reads
/// back the engine's ticks, and the times it prints are the engine's.
#[test]
fn a_generated_day_with_patience_and_balking_prints_its_narrative_under_cpython() {
    let toml = r#"
name = "busy"
unit = "min"
seed = 11
[kitchen]
equipment = { oven = 1 }
[recipes.pie]
steps = [
  { name = "roll", kind = "hands-on", duration = { dist = "uniform", min = 0.5, max = 1.5 }, result = "dough" },
  { name = "bake", kind = "unattended", duration = { dist = "uniform", min = 2, max = 4 }, after = ["roll"], uses = "oven", result = "pie" },
]
[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = 1.3 }]
[menu]
pie = "pie"
tea = "tea"
[customers]
patience = { dist = "exponential", mean = 4 }
balk = 1
[customers.generate]
count = 12
interarrival = { dist = "exponential", mean = 0.5 }
[narrative]
service_start = "{mode} {scenario}: {menu}, {customers} customers"
arrival = "{time:.3f} {customer} wants {item:a} (arrived {arrival:.3f})"
step_start = "{time} {order}/{step} by cook {cook} for {duration:.2f} {unit} with {inputs}"
step_finish = "{time:.4f} {step} -> {result}"
served = "{time:.2f} {customer} served {results}"
left = "{time:.2f} {customer} left"
balked = "{time:.2f} {customer} balked"
between = "next"
service_end = "done in {elapsed:.3f} {unit} ({elapsed}), {customers}: {results}"
"#;
    let sc = async_cafe::load_str("busy", toml).unwrap_or_else(|e| panic!("{e}"));
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut all = String::new();
    for mode in [Mode::Async, Mode::Sync] {
        for seed in 1..=4 {
            let text = program(&sc, mode, seed).unwrap();
            let printed = run(&py, dir.path(), &format!("busy-{}-{seed}", mode.name()), &text);
            let mut sc = sc.clone();
            sc.seed = seed;
            let expected = engine_narrative(&sc, mode);
            assert_eq!(printed, expected, "{} seed {seed}", mode.name());
            all.push_str(&expected);
        }
    }
    for hook in [" served ", " left", " balked", "next"] {
        assert!(all.contains(hook), "no day shows {hook:?}:\n{all}");
    }
}

/// A random one-cook scenario as TOML: equipment, recipes whose steps await earlier
/// ones, customers arriving together often, some impatient, balking sometimes; times
/// in whole quarters (so ties are frequent) or, for one case in four, in thousandths.
fn random_toml(rng: &mut rand_pcg::Pcg64) -> String {
    use rand::RngExt;
    let fine = rng.random_bool(0.25);
    let time = |rng: &mut rand_pcg::Pcg64, max: u32| -> String {
        if fine {
            format!("{}", rng.random_range(0..=max * 250) as f64 / 1000.0)
        } else {
            format!("{}", rng.random_range(0..=max) as f64 / 4.0)
        }
    };
    let equipment = ["stove", "oven"];
    let caps: Vec<u32> = (0..2).map(|_| rng.random_range(1..=2)).collect();
    let mut toml =
        format!("name = \"random\"\n[kitchen]\nequipment = {{ stove = {}, oven = {} }}\n", caps[0], caps[1]);
    let names = ["boil", "grind", "brew", "chop", "fry"];
    let recipes = rng.random_range(1..=2usize);
    for r in 0..recipes {
        toml.push_str(&format!("[recipes.r{r}]\nsteps = [\n"));
        for i in 0..rng.random_range(1..=4usize) {
            let after: Vec<String> =
                (0..i).filter(|_| rng.random_bool(0.4)).map(|a| format!("\"{}\"", names[a])).collect();
            let kind = if rng.random_bool(0.5) { "hands-on" } else { "unattended" };
            let uses = if rng.random_bool(0.5) {
                format!(", uses = \"{}\"", equipment[rng.random_range(0..2usize)])
            } else {
                String::new()
            };
            toml.push_str(&format!(
                "  {{ name = \"{}\", kind = \"{kind}\", duration = {}, after = [{}]{uses} }},\n",
                names[i],
                time(rng, 12),
                after.join(", ")
            ));
        }
        toml.push_str("]\n");
    }
    toml.push_str("[menu]\n");
    for r in 0..recipes {
        toml.push_str(&format!("r{r} = \"r{r}\"\n"));
    }
    toml.push_str("[customers]\n");
    if rng.random_bool(0.4) {
        toml.push_str(&format!("balk = {}\n", rng.random_range(0..=2u32)));
    }
    toml.push_str("list = [\n");
    let mut arrival = String::from("0");
    for _ in 0..rng.random_range(1..=6usize) {
        if !rng.random_bool(0.4) {
            arrival = time(rng, 16);
        }
        let patience =
            if rng.random_bool(0.3) { format!(", patience = {}", time(rng, 24)) } else { String::new() };
        let item = rng.random_range(0..recipes);
        toml.push_str(&format!("  {{ item = \"r{item}\", arrival = {arrival}{patience} }},\n"));
    }
    toml.push_str(
        "]\n[narrative]\narrival = \"{time} o{order}: arrived\"\nstep_start = \"{time} o{order}/{step}: start\"\n\
         step_finish = \"{time} o{order}/{step}: finish\"\nserved = \"{time} o{order}: served\"\n\
         left = \"{time} o{order}: left\"\nbalked = \"{time} o{order}: balked\"\nbetween = \"{time} next\"\n\
         service_end = \"{time} done {elapsed:.2f}\"\n",
    );
    toml
}

/// Random scenarios (`CAFE_PYTHON_PROGRAM_CASES`, default 40), both kitchens: the
/// program prints the engine's lines, each with the time it printed it at.
#[test]
fn random_scenarios_print_their_narrative_under_cpython() {
    use rand::SeedableRng;
    let Some(py) = python() else { return };
    let cases: u64 =
        std::env::var("CAFE_PYTHON_PROGRAM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let dir = tempfile::tempdir().unwrap();
    let mut sorts = [0usize; 3];
    for case in 0..cases {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(0xCAFE_0000 + case);
        let toml = random_toml(&mut rng);
        let sc = async_cafe::load_str("random", &toml).unwrap_or_else(|e| panic!("case {case}: {e}\n{toml}"));
        for mode in [Mode::Async, Mode::Sync] {
            let expected = engine_narrative(&sc, mode);
            for (i, word) in [" left", " balked", " served"].iter().enumerate() {
                sorts[i] += usize::from(expected.contains(word));
            }
            let text = program(&sc, mode, sc.seed).unwrap();
            let printed = run(&py, dir.path(), &format!("case{case}-{}", mode.name()), &text);
            assert_eq!(printed, expected, "case {case}, {} kitchen, scenario:\n{toml}", mode.name());
        }
    }
    // Customers leave, balk and are served in a good share of the cases.
    if cases >= 100 {
        assert!(sorts.iter().all(|&n| n as u64 * 10 >= cases), "{sorts:?}");
    }
}
