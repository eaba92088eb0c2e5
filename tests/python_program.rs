//! `cafe show NAME --python`, checked: the program [`async_cafe::python_program`]
//! writes for a scenario, run by CPython on its own virtual clock (`--virtual`),
//! prints exactly the scenario's narrative as the engine prints it, line for line, for
//! every built-in it covers in both kitchens; the rest are refused, saying why.
//!
//! Environment (as `tests/differential.rs`): `CAFE_PYTHON` names the interpreter
//! (default `python3`); `CAFE_SKIP_DIFFERENTIAL=1` skips running Python (the programs
//! are still written and the refusals checked).

use std::path::Path;
use std::process::Command;

use async_cafe::Scenario;
use async_cafe::builtin::BUILTINS;
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::Event;
use async_cafe::python_program::{covered, program};
use async_cafe::view::narrative::Narrator;

fn python() -> Option<String> {
    if std::env::var("CAFE_SKIP_DIFFERENTIAL").is_ok_and(|v| v == "1") {
        eprintln!("CAFE_SKIP_DIFFERENTIAL=1: the programs are not run");
        return None;
    }
    let py = std::env::var("CAFE_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into());
    let ok = Command::new(&py).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(ok, "cannot run `{py} --version`: set CAFE_PYTHON, or CAFE_SKIP_DIFFERENTIAL=1 to skip");
    Some(py)
}

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
