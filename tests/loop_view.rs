//! `cafe run --loop`: the event loop's view ([`async_cafe::view::event_loop`]).
//!
//! * Golden files of the text view for every seed built-in, and `breakfast` and
//!   `breakfast-helper` (`tests/golden/loop/NAME.txt`, `UPDATE_GOLDEN=1` rewrites
//!   them).
//! * The handles of every pass, in order, against CPython: the program
//!   `cafe show NAME --python` writes, run with `--virtual` and traced by
//!   [`common::loop_trace::LOOP_TRACE`], prints `@@ pass` and `@@ HANDLE` lines among
//!   its narrative; the engine's loop events, named the same way, must give the very
//!   same lines (`tests/differential.rs` does the same on random scenarios).
//! * What the view says of a hands-on step that makes a timer late, several cooks,
//!   and the JSON record against the text.
//!
//! `CAFE_PYTHON` and `CAFE_SKIP_DIFFERENTIAL=1` as in `tests/differential.rs`.

mod common;

use std::process::Command;

use async_cafe::builtin::BUILTINS;
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind, WithLoop};
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::python_program::program;
use async_cafe::view::event_loop::{LoopEntry, LoopRecord};
use async_cafe::view::narrative::Narrator;
use common::loop_trace::{LOOP_TRACE, Machines, handle_name};
use common::{assert_goldens, golden, load, python, root};

/// The text of `cafe run --loop --clock virtual` for `sc`.
fn loop_text(sc: &Scenario) -> String {
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
    let mut out = Vec::new();
    ops::run(sc, spec, Want { event_loop: true, ..Want::default() }, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The passes `cafe run --loop --format json` prints.
fn loop_record(sc: &Scenario) -> LoopRecord {
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
    let ran =
        ops::run(sc, spec, Want { loop_record: true, ..Want::default() }, &mut std::io::sink()).unwrap();
    ran.event_loop.expect("asked for")
}

/// A seed built-in: its summary names the seed it comes from.
fn is_seed(sc: &Scenario) -> bool {
    sc.summary.contains("(seed ")
}

#[test]
fn every_seed_builtin_has_its_loop_view_pinned() {
    let mut results = Vec::new();
    for b in BUILTINS {
        let sc = b.load().unwrap();
        // And the pair that shows a helper winning over a blocked loop.
        if !is_seed(&sc) && !b.name.starts_with("breakfast") {
            continue;
        }
        let path = root().join(format!("tests/golden/loop/{}.txt", b.name));
        results.push(golden(&path, &loop_text(&sc)));
    }
    assert!(results.len() >= 10, "the seed built-ins are {}", results.len());
    assert_goldens(results);
}

/// The engine's side of the comparison: the narrative's lines, and `@@ pass` before
/// the first handle of each pass and `@@ NAME` for each handle.
fn engine_trace(sc: &Scenario) -> Vec<String> {
    let mut narrator = Narrator::new(sc, Mode::Async);
    let mut machines = Machines::new(sc);
    let mut lines = Vec::new();
    let mut pass_pending = false;
    let mut sink = WithLoop(|e: &Event<'_>| {
        machines.event(e);
        match e.kind {
            EventKind::LoopPass { .. } => pass_pending = true,
            EventKind::HandleRun { handle, .. } => {
                lines.extend(machines.changed());
                if std::mem::take(&mut pass_pending) {
                    lines.push("@@ pass".to_string());
                }
                lines.push(format!("@@ {}", handle_name(sc, *handle)));
            }
            _ => narrator.event(e, |_, line| lines.push(line.to_string())),
        }
    });
    engine::run(sc, Mode::Async, sc.seed, &mut VirtualClock, &mut sink);
    lines
}

#[test]
fn the_loop_of_every_builtin_runs_the_handles_cpython_runs_pass_by_pass() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for b in BUILTINS {
        let sc = b.load().unwrap();
        // Several cooks have no single-loop Python program (`covered` says why).
        let Ok(text) = program(&sc, Mode::Async, sc.seed) else { continue };
        let traced = text.replacen("import time\n", &format!("import time\n{LOOP_TRACE}"), 1);
        assert_ne!(traced, text, "{}: no `import time` line to trace after", b.name);
        let path = dir.path().join(format!("{}.py", b.name));
        std::fs::write(&path, &traced).unwrap();
        let out = Command::new(&py).arg(&path).arg("--virtual").output().unwrap();
        assert!(out.status.success(), "{}:\n{}", b.name, String::from_utf8_lossy(&out.stderr));
        let printed: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect();
        let engine = engine_trace(&sc);
        assert!(engine.iter().filter(|l| l.as_str() == "@@ pass").count() > 3, "{}", b.name);
        if printed != engine {
            let at = printed
                .iter()
                .zip(&engine)
                .position(|(p, e)| p != e)
                .unwrap_or(printed.len().min(engine.len()));
            let show = |v: &[String]| {
                v.iter().skip(at.saturating_sub(4)).take(10).cloned().collect::<Vec<_>>().join("\n")
            };
            panic!(
                "{}: the loop differs from CPython's at line {}:\n--- python\n{}\n--- engine\n{}",
                b.name,
                at + 1,
                show(&printed),
                show(&engine)
            );
        }
        compared += 1;
    }
    // Every built-in but rush-hour (two cooks).
    assert_eq!(compared, BUILTINS.len() - 1);
}

/// A hands-on step of 5 s started while a 3 s sleep runs: the sleep's timer falls
/// due at 3 s, and the loop moves it to the ready queue at 5 s, saying why.
const PEEL: &str = r#"
name = "peel"
[recipes.lunch]
steps = [
    { name = "boil", kind = "unattended", duration = 3 },
    { name = "peel", kind = "hands-on", duration = 5, after = [] },
]
[menu]
lunch = "lunch"
[customers]
list = [{ item = "lunch" }]
"#;

#[test]
fn a_timer_made_late_by_a_hands_on_step_says_how_late_and_why() {
    let sc = load(PEEL);
    let text = loop_text(&sc);
    assert!(
        text.contains(
            "  timer due 3.000 s → ready: asyncio.sleep of order 1 · step boil\n        \
             2.000 s late: the loop was held by order 1 · step peel\n"
        ),
        "{text}"
    );
    assert!(text.contains("⏸ order 1 · step peel is hands-on: holds the loop until 5.000 s"), "{text}");
    assert!(text.contains("▶ order 1 · step peel done at 5.000 s: the loop is free"), "{text}");
    let record = loop_record(&sc);
    let timer = record.passes.iter().flat_map(|p| &p.entries).find_map(|e| match e {
        LoopEntry::Timer { due_s, late_s, held_by, .. } => Some((*due_s, *late_s, held_by.clone())),
        _ => None,
    });
    assert_eq!(timer, Some((3.0, 2.0, vec!["order 1 · step peel".to_string()])));
}

/// Twenty hands-on steps of 1 s, one after another, while a sleep of 0.5 s runs: its
/// timer is moved at 20 s, late because of all twenty.
const MANY_HOLDS: &str = r#"
name = "many-holds"
[recipes.a]
steps = [
    { name = "boil", kind = "unattended", duration = 0.5 },
    { name = "h00", kind = "hands-on", duration = 1, after = [] },
    { name = "h01", kind = "hands-on", duration = 1, after = [] },
    { name = "h02", kind = "hands-on", duration = 1, after = [] },
    { name = "h03", kind = "hands-on", duration = 1, after = [] },
    { name = "h04", kind = "hands-on", duration = 1, after = [] },
    { name = "h05", kind = "hands-on", duration = 1, after = [] },
    { name = "h06", kind = "hands-on", duration = 1, after = [] },
    { name = "h07", kind = "hands-on", duration = 1, after = [] },
    { name = "h08", kind = "hands-on", duration = 1, after = [] },
    { name = "h09", kind = "hands-on", duration = 1, after = [] },
    { name = "h10", kind = "hands-on", duration = 1, after = [] },
    { name = "h11", kind = "hands-on", duration = 1, after = [] },
    { name = "h12", kind = "hands-on", duration = 1, after = [] },
    { name = "h13", kind = "hands-on", duration = 1, after = [] },
    { name = "h14", kind = "hands-on", duration = 1, after = [] },
    { name = "h15", kind = "hands-on", duration = 1, after = [] },
    { name = "h16", kind = "hands-on", duration = 1, after = [] },
    { name = "h17", kind = "hands-on", duration = 1, after = [] },
    { name = "h18", kind = "hands-on", duration = 1, after = [] },
    { name = "h19", kind = "hands-on", duration = 1, after = [] },
]
[menu]
a = "a"
[customers]
list = [{ item = "a" }]
"#;

#[test]
fn a_late_timer_names_the_last_steps_that_held_the_loop_and_counts_them_all() {
    let sc = load(MANY_HOLDS);
    let named: Vec<String> = (4..20).map(|i| format!("order 1 · step h{i:02}")).collect();
    let text = loop_text(&sc);
    let late = format!("19.500 s late: the loop was held by {} and 4 earlier steps\n", named.join(", "));
    assert!(text.contains(&late), "{text}");
    let record = loop_record(&sc);
    let timer = record.passes.iter().flat_map(|p| &p.entries).find_map(|e| match e {
        LoopEntry::Timer { held_by, held_by_count, .. } => Some((held_by.clone(), *held_by_count)),
        _ => None,
    });
    assert_eq!(timer, Some((named, 20)));
}

/// One oven; two customers at 0, each a 2 s bake in it (the tester's `handoff`).
const HANDOFF: &str = r#"
name = "handoff"
[kitchen]
equipment = { oven = 1 }
[recipes.a]
steps = [{ name = "bake", kind = "unattended", duration = 2, uses = "oven" }]
[menu]
a = "a"
[customers]
list = [{ item = "a" }, { item = "a" }]
"#;

/// Two ovens. Order 1 bakes A at once and n after a 2 s d; order 2 bakes B; order 3's
/// W waits. At 2 s A's unit goes to W, B's stays free (W is the only one in line),
/// and n, asking while W is still in line, waits behind it for a free unit; W takes
/// its unit and hands the free one to n (the tester's `sem_subtle`).
const SEM_SUBTLE: &str = r#"
name = "sem-subtle"
[kitchen]
equipment = { oven = 2 }
[recipes.r1]
steps = [
    { name = "d", kind = "unattended", duration = 2, after = [] },
    { name = "A", kind = "unattended", duration = 2, uses = "oven", after = [] },
    { name = "n", kind = "unattended", duration = 1, uses = "oven", after = ["d"] },
]
[recipes.r2]
steps = [{ name = "B", kind = "unattended", duration = 2, uses = "oven" }]
[recipes.r3]
steps = [{ name = "W", kind = "unattended", duration = 1, uses = "oven" }]
[menu]
r1 = "r1"
r2 = "r2"
r3 = "r3"
[customers]
list = [{ item = "r1" }, { item = "r2" }, { item = "r3" }]
"#;

/// Each machine's line in the JSON record, in order: units in use, the steps handed a
/// unit (by order and step), the steps waiting.
fn machine_lines(record: &LoopRecord) -> Vec<(u32, Vec<String>, Vec<String>)> {
    let short = |names: &[String]| -> Vec<String> {
        names.iter().map(|n| n.replace("order ", "o").replace(" · step ", "/")).collect()
    };
    let entries = record.passes.iter().flat_map(|p| &p.entries);
    entries
        .filter_map(|e| match e {
            LoopEntry::Queue { in_use, handed, waiting, .. } => {
                Some((*in_use, short(handed), short(waiting)))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_unit_handed_to_a_step_in_line_is_in_use_from_then_as_in_cpython() {
    // What CPython 3.11.7's semaphore holds after each handle that changes it
    // (`capacity - _value`, and `_waiters`: done, then pending).
    let line = |in_use, handed: &[&str], waiting: &[&str]| {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        (in_use, names(handed), names(waiting))
    };
    let sc = load(HANDOFF);
    let expected = [
        line(1, &[], &[]),
        line(1, &[], &["o2/bake"]),
        line(1, &["o2/bake"], &[]),
        line(1, &[], &[]),
        line(0, &[], &[]),
    ];
    assert_eq!(machine_lines(&loop_record(&sc)), expected);
    let text = loop_text(&sc);
    assert!(
        text.contains(
            "  run   order 1 · step bake · resumes after await asyncio.sleep\n        \
             ≡ oven: 1 of 1 in use · handed a unit, not yet woken: order 2 · step bake\npass 6 "
        ),
        "{text}"
    );
    let sc = load(SEM_SUBTLE);
    let expected = [
        line(1, &[], &[]),
        line(2, &[], &[]),
        line(2, &[], &["o3/W"]),
        line(2, &["o3/W"], &[]),
        line(1, &["o3/W"], &[]),
        line(1, &["o3/W"], &["o1/n"]),
        line(2, &["o1/n"], &[]),
        line(2, &[], &[]),
        line(1, &[], &[]),
        line(0, &[], &[]),
    ];
    assert_eq!(machine_lines(&loop_record(&sc)), expected);
    assert!(loop_text(&sc).contains(
        "≡ oven: 1 of 2 in use · handed a unit, not yet woken: order 3 · step W · waiting: order 1 · step n\n"
    ));
}

/// Order 1 bakes for 10 s; order 2 (patience 9 s, or `PATIENCE`) is served at 2 s,
/// which cancels its `wait_for` timeout, due at 10 s (the tester's
/// `cancelled_timer`).
const CANCELLED_TIMER: &str = r#"
name = "cancelled-timer"
[recipes.long]
steps = [{ name = "bake", kind = "unattended", duration = 10 }]
[recipes.short]
steps = [{ name = "pour", kind = "unattended", duration = 1 }]
[menu]
long = "long"
short = "short"
[customers]
list = [{ item = "long", arrival = 0 }, { item = "short", arrival = 1, patience = PATIENCE }]
"#;

#[test]
fn a_cancelled_timer_behind_a_live_one_is_moved_with_it_and_skipped() {
    let timers = |patience: &str| -> Vec<(f64, bool, String)> {
        let record = loop_record(&load(&CANCELLED_TIMER.replace("PATIENCE", patience)));
        let entries = record.passes.iter().flat_map(|p| &p.entries);
        entries
            .filter_map(|e| match e {
                LoopEntry::Timer { due_s, cancelled, handle, .. } => {
                    Some((*due_s, *cancelled, handle.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let door = (1.0, false, "asyncio.sleep of main() · the door (the next customer is due)".to_string());
    let pour = (2.0, false, "asyncio.sleep of order 2 · step pour".to_string());
    let bake = (10.0, false, "asyncio.sleep of order 1 · step bake".to_string());
    // Due with the bake, armed after it: CPython moves it behind the bake's.
    let cancelled =
        (10.0, true, "a cancelled timer (a wait_for timeout), skipped when its turn comes".to_string());
    assert_eq!(timers("9"), [door.clone(), pour.clone(), bake.clone(), cancelled]);
    // Due before the bake, at the head of the heap: dropped before time moves.
    assert_eq!(timers("8"), [door, pour, bake]);
}

/// Order 1 (patience 6 s) is served at 0.5 s, which cancels its timeout, due at 6 s.
/// At 3 s, once the door's timer has moved, that timeout heads the heap: CPython
/// drops it at the next pass, though handles are ready. The door then sleeps until
/// 5 s, and order 2 kneads from 3 to 7 s, after both were due: only the door's moves.
const DROPPED_AT_THE_HEAD: &str = r#"
name = "dropped-at-the-head"
[recipes.quick]
steps = [{ name = "pour", kind = "unattended", duration = 0.5 }]
[recipes.slow]
steps = [{ name = "knead", kind = "hands-on", duration = 4 }]
[menu]
quick = "quick"
slow = "slow"
[customers]
list = [
    { item = "quick", arrival = 0, patience = 6 },
    { item = "slow", arrival = 3 },
    { item = "quick", arrival = 5 },
]
"#;

#[test]
fn a_cancelled_timer_that_headed_the_heap_at_a_pass_is_gone_as_in_cpython() {
    let record = loop_record(&load(DROPPED_AT_THE_HEAD));
    let entries = record.passes.iter().flat_map(|p| &p.entries);
    let timers: Vec<(f64, bool)> = entries
        .filter_map(|e| match e {
            LoopEntry::Timer { due_s, cancelled, .. } => Some((*due_s, *cancelled)),
            _ => None,
        })
        .collect();
    assert_eq!(timers, [(0.5, false), (3.0, false), (5.0, false), (7.5, false)]);
}

/// Two cooks: X (1 s), Y (3 s) and Z (2 s) hands-on, T (3 s) unattended. Cook 1 does
/// X then Z, cook 2 Y, and both end at 3 s.
const TWO_COOKS: &str = r#"
name = "two-cooks"
[kitchen]
cooks = 2
[recipes.a]
steps = [
    { name = "X", kind = "hands-on", duration = 1, after = [] },
    { name = "Y", kind = "hands-on", duration = 3, after = [] },
    { name = "Z", kind = "hands-on", duration = 2, after = [] },
    { name = "T", kind = "unattended", duration = 3, after = [] },
]
[menu]
a = "a"
[customers]
list = [{ item = "a" }]
[narrative]
step_finish = "{step} finished"
"#;

/// The cook whose `run` or `rest` line the text shows each cook's freeing under.
fn freed_under(text: &str) -> Vec<(String, Option<String>)> {
    let mut under = None;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("pass ") {
            under = None;
        } else if line.starts_with("  run   [cook ") || line.starts_with("  rest  [cook ") {
            under = line[8..].split(']').next().map(|c| c.trim_start_matches('[').to_string());
        } else if let Some((_, cook)) = line.split_once(": cook ") {
            if line.contains("▶ ") {
                out.push((format!("cook {}", cook.trim_end_matches(" is free")), under.clone()));
            }
        }
    }
    out
}

#[test]
fn with_several_cooks_a_step_s_end_comes_under_its_own_cook() {
    let sc = load(TWO_COOKS);
    let text = loop_text(&sc);
    // Cook 1's X ends while cook 2's Y holds it; cook 2's Y under cook 1's Z; and
    // cook 1's Z after the next pass began.
    assert!(
        text.contains(
            "  rest  [cook 1] order 1 · step X · the rest of its handle (pass 3), after its hands-on work\n        \
             │ (1.000 s) X finished\n        ▶ order 1 · step X done at 1.000 s: cook 1 is free\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "pass 4 · 3.000 s\n  rest  [cook 1] order 1 · step Z · the rest of its handle (pass 3), after its \
             hands-on work\n        │ Z finished\n"
        ),
        "{text}"
    );
    let record = loop_record(&sc);
    let rests: Vec<(u64, u32, &str, u64)> = record
        .passes
        .iter()
        .flat_map(|p| p.entries.iter().map(move |e| (p.pass, e)))
        .filter_map(|(at, e)| match e {
            LoopEntry::Rest { cook, step, pass } => Some((at, *cook, step.as_str(), *pass)),
            _ => None,
        })
        .collect();
    assert_eq!(
        rests,
        [(3, 1, "order 1 · step X", 3), (3, 2, "order 1 · step Y", 3), (4, 1, "order 1 · step Z", 3)]
    );
    for sc in [sc, common::load_builtin("rush-hour")] {
        let freed = freed_under(&loop_text(&sc));
        assert!(freed.len() >= 3, "{}", sc.name);
        for (cook, under) in freed {
            assert_eq!(Some(&cook), under.as_ref(), "{}: {cook} freed under another's handle", sc.name);
        }
    }
}

#[test]
fn the_json_record_holds_what_the_text_shows() {
    for name in ["lunch", "coffee-shop", "rush-hour"] {
        let sc = common::load_builtin(name);
        let text = loop_text(&sc);
        let record = loop_record(&sc);
        let headers = text.lines().filter(|l| l.starts_with("pass ")).count();
        assert_eq!(record.passes.len(), headers, "{name}");
        let runs = text.lines().filter(|l| l.starts_with("  run ")).count();
        let entries = record.passes.iter().flat_map(|p| &p.entries);
        assert_eq!(entries.filter(|e| matches!(e, LoopEntry::Run { .. })).count(), runs, "{name}");
        for (i, p) in record.passes.iter().enumerate() {
            assert_eq!(p.pass, i as u64 + 1, "{name}");
        }
        assert_eq!(serde_json::to_value(&record).unwrap()["mode"], "async");
    }
}

#[test]
fn with_several_cooks_each_handle_names_its_cook() {
    let sc = common::load_builtin("rush-hour");
    assert!(sc.kitchen.cooks > 1);
    let text = loop_text(&sc);
    assert!(text.contains("  run   [cook 1] "), "{}", &text[..2000.min(text.len())]);
    assert!(text.contains("  run   [cook 2] ") || text.contains("holds cook 2"), "cook 2 never shows");
    // Deterministic: the same text twice.
    assert_eq!(loop_text(&sc), text);
}

#[test]
fn the_synchronous_kitchen_has_no_loop_to_show() {
    let sc = common::load_builtin("lunch");
    let spec = RunSpec { mode: Mode::Sync, clock: ClockKind::Virtual, seed: sc.seed };
    let want = Want { event_loop: true, loop_record: true, ..Want::default() };
    let mut out = Vec::new();
    let ran = ops::run(&sc, spec, want, &mut out).unwrap();
    assert!(ran.event_loop.is_none());
    assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
}

/// The boil (3 s, unattended) ends while the peel (5 s, hands-on) holds the loop: its
/// finish is noticed at 5 s, so the brew that comes after it starts 2 s late. The
/// order takes 6 s, 1 s above its longest chain (the peel's 5 s); along the boil and
/// the brew it waited 2 s for the loop.
const BREW: &str = r#"
name = "brew"
[recipes.coffee]
steps = [
    { name = "boil", kind = "unattended", duration = 3 },
    { name = "peel", kind = "hands-on", duration = 5, after = [] },
    { name = "brew", kind = "hands-on", duration = 1, after = ["boil"] },
]
[menu]
coffee = "coffee"
[customers]
list = [{ item = "coffee" }]
"#;

#[test]
fn an_order_s_waits_say_what_it_waited_for_along_the_steps_that_decided_its_end() {
    let sc = load(BREW);
    for mode in [Mode::Async, Mode::Sync] {
        let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
        let report = ops::json_report(&sc, spec).unwrap();
        let o = &report.orders[0];
        let got = (o.served_s, o.above_chain_s, o.door_s, o.cook_s, o.equipment_s, o.loop_s, o.loop_start_s);
        let zero = Some(0.0);
        match mode {
            // The boil's finish was noticed late: no start waited for the loop.
            Mode::Async => assert_eq!(got, (Some(6.0), Some(1.0), zero, zero, zero, Some(2.0), zero)),
            // One step at a time in recipe order: boil 0-3, peel 3-8, brew 8-9; the
            // brew, ready at 3 s, waited 5 s for the cook.
            Mode::Sync => assert_eq!(got, (Some(9.0), Some(4.0), zero, Some(5.0), zero, zero, zero)),
        }
    }
    let text = loop_text(&sc);
    assert!(
        text.ends_with(
            "why the orders took longer than their recipes:\n  Order 1 took 6 s, 1 s more than its longest chain \
             of steps (5 s); along the steps that decided when it was served, it waited 2 s for the loop (a \
             finish was noticed late while hands-on work held it).\n"
        ),
        "{text}"
    );
}

/// The loop's own events are for the loop view alone: the events export of a run
/// with `--loop` is the export of the same run without it.
#[cfg(feature = "export")]
#[test]
fn watching_the_loop_leaves_the_exports_as_they_are() {
    let sc = common::load_builtin("bakery");
    let dir = tempfile::tempdir().unwrap();
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
    let export = |event_loop: bool, name: &str| {
        let path = dir.path().join(name);
        let want = Want { event_loop, events: Some(path.clone()), ..Want::default() };
        ops::run(&sc, spec, want, &mut std::io::sink()).unwrap();
        std::fs::read_to_string(path).unwrap()
    };
    let (with, without) = (export(true, "with.jsonl"), export(false, "without.jsonl"));
    assert!(without.contains("step_started") && !without.contains("handle_run"));
    assert_eq!(with, without);
}

/// The report of a run stopped early shows the passes that run made: the same
/// passes as the whole run's, up to the time it stopped at, and no later one.
#[test]
#[cfg(feature = "report")]
fn a_stopped_run_s_loop_panel_ends_where_the_run_did() {
    let sc = async_cafe::builtin::find("lunch").unwrap().load().unwrap();
    let whole = ops::event_loop_panel(&sc, Mode::Async, sc.seed, None).unwrap().expect("a small run");
    let minutes = |m: u64| m * 60 * async_cafe::time::TICKS_PER_SECOND;
    let stopped = ops::event_loop_panel(&sc, Mode::Async, sc.seed, Some(minutes(3))).unwrap().unwrap();
    // Lunch's passes at 0, 2 and 3 min, then the pasta's timer at 10 min.
    let at = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("pass "))
            .map(|l| l.rsplit(" · ").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(at(&stopped).last().map(String::as_str), Some("3.000 min"), "{stopped}");
    assert!(at(&whole).contains(&"10.000 min".to_string()), "{whole}");
    let first_later = whole.find("\npass 8 · 10.000 min").expect("the pasta's timer");
    assert_eq!(stopped.trim_end(), whole[..first_later].trim_end());
}
