//! Every built-in scenario against the seed it reproduces, and against its golden file.
//!
//! Regenerate the golden files with `UPDATE_GOLDEN=1 cargo test --test builtins`.

mod common;

use async_cafe::builtin::BUILTINS;
use async_cafe::engine::Mode;
use async_cafe::ops;
use common::{assert_goldens, golden, load_builtin, root};

/// (built-in, mode, reference program): the table of the engine issue.
const REFERENCES: &[(&str, Mode, &str)] = &[
    ("cafe", Mode::Async, "async_cafe"),
    ("cafe", Mode::Sync, "sync_cafe"),
    ("hello-async", Mode::Async, "hello_async"),
    ("gather-tasks", Mode::Async, "gather_tasks"),
    ("create-tasks", Mode::Async, "create_tasks"),
    ("make-coffee-wrong", Mode::Async, "make_coffee_wrong"),
    ("make-coffee-toast-blocked", Mode::Async, "make_coffee_toast_blocked"),
    ("make-coffee-toast-concurrent", Mode::Async, "make_coffee_toast_concurrent"),
    ("hi", Mode::Async, "hi_parallel"),
    ("hi", Mode::Sync, "hi_sequence"),
    ("hi-blocking", Mode::Async, "hi_blocking"),
    ("lunch", Mode::Async, "lunch_async"),
    ("lunch", Mode::Sync, "lunch_sync"),
    ("coffee-shop-replay", Mode::Async, "coffee_shop"),
];

/// The reference lines: (time in the program's seconds, line).
fn reference(program: &str) -> Vec<(f64, String)> {
    let path = root().join("tests/reference").join(format!("{program}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).expect("reference JSON");
    records.iter().map(|r| (r["t"].as_f64().unwrap(), r["line"].as_str().unwrap().to_string())).collect()
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[test]
fn each_builtin_prints_its_seeds_lines_at_its_seeds_times() {
    for &(name, mode, program) in REFERENCES {
        let sc = load_builtin(name);
        let got: Vec<(f64, String)> = ops::narrative_lines(&sc, mode, sc.seed)
            .into_iter()
            .map(|(t, line)| (round6(sc.unit.from_ticks(t)), line))
            .collect();
        let want = reference(program);
        if got != want {
            let mut diff = String::new();
            for i in 0..got.len().max(want.len()) {
                let g = got.get(i).map_or("<none>".to_string(), |(t, l)| format!("{t:>8.3} | {l}"));
                let w = want.get(i).map_or("<none>".to_string(), |(t, l)| format!("{t:>8.3} | {l}"));
                let mark = if g == w { " " } else { "!" };
                diff.push_str(&format!("{mark} want {w}\n{mark} got  {g}\n"));
            }
            panic!("{name} --mode {} differs from {program}:\n{diff}", mode.name());
        }
    }
}

fn golden_text(name: &str, mode: Mode) -> String {
    let sc = load_builtin(name);
    let mut out = String::new();
    for (t, line) in ops::narrative_lines(&sc, mode, sc.seed) {
        out.push_str(&format!("[{:>9.3} {}] {line}\n", sc.unit.from_ticks(t), sc.unit.name()));
    }
    out
}

#[test]
fn each_builtin_in_each_mode_matches_its_golden_file() {
    assert_goldens(BUILTINS.iter().flat_map(|b| {
        [Mode::Async, Mode::Sync].map(|mode| {
            let path = root().join("tests/golden").join(format!("{}.{}.txt", b.name, mode.name()));
            golden(&path, &golden_text(b.name, mode))
        })
    }));
}

#[test]
fn the_same_seed_gives_byte_identical_output_and_another_seed_does_not() {
    let sc = load_builtin("coffee-shop");
    let a = ops::narrative_lines(&sc, Mode::Async, 7);
    let b = ops::narrative_lines(&sc, Mode::Async, 7);
    let c = ops::narrative_lines(&sc, Mode::Async, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_coffee_shop_draws_what_it_says() {
    // Customers every 1-3 s from t = 0, brews of 1-5 s, 10 customers.
    for seed in 0..50 {
        let sc = load_builtin("coffee-shop");
        let report =
            ops::json_report(&sc, ops::RunSpec { mode: Mode::Async, clock: ops::ClockKind::Virtual, seed })
                .unwrap();
        assert_eq!(report.orders.len(), 10);
        assert_eq!(report.orders[0].arrived_s, 0.0);
        for w in report.orders.windows(2) {
            let gap = w[1].arrived_s - w[0].arrived_s;
            assert!([1.0, 2.0, 3.0].contains(&gap), "seed {seed}: gap {gap}");
        }
        for e in report.events.iter().filter(|e| e.kind == "step_started") {
            let order = &report.orders[e.order.unwrap() as usize - 1];
            let finish = report
                .events
                .iter()
                .find(|f| f.kind == "step_finished" && f.order == e.order)
                .expect("every brew finishes");
            let brew = finish.t_s - e.t_s;
            assert!(
                [1.0, 2.0, 3.0, 4.0, 5.0].contains(&brew),
                "seed {seed}, order {}: brew {brew}",
                order.id
            );
        }
    }
}

#[test]
fn the_readme_example_scenario_loads_and_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```toml\n").expect("the README shows a scenario") + "```toml\n".len();
    let toml = &readme[start..start + readme[start..].find("```").unwrap()];
    let sc = async_cafe::scenario::Source::new("my-cafe", toml)
        .display("README.md")
        .load()
        .unwrap_or_else(|e| panic!("{e}"));
    let lines = ops::narrative_lines(&sc, Mode::Async, 1);
    assert_eq!(lines.len(), 20 * 2 + 1);
    assert!(lines[0].1.starts_with("Customer 1 orders a Flat White."), "{:?}", lines[0]);
    assert!(lines.last().unwrap().1.starts_with("Served 20 customers in "));
}

/// The document `ops::run` streams for `want` (with `json` set), and the report it
/// builds in memory for the same run, pretty-printed as `cafe run --format json`
/// printed it before it streamed.
fn streamed_and_built(sc: &async_cafe::model::Scenario, mode: Mode, want: ops::Want) -> (String, String) {
    let spec = ops::RunSpec { mode, clock: ops::ClockKind::Virtual, seed: sc.seed };
    let streamed =
        ops::run(sc, spec, ops::Want { json: true, ..want.clone() }, &mut std::io::sink()).unwrap();
    let mut doc = Vec::new();
    streamed.json.expect("asked for").write_to(&mut doc).unwrap();
    let built = ops::run(sc, spec, ops::Want { report: true, ..want }, &mut std::io::sink()).unwrap();
    let pretty = serde_json::to_string_pretty(&built.report.expect("asked for")).unwrap() + "\n";
    (String::from_utf8(doc).unwrap(), pretty)
}

#[test]
fn the_streamed_json_report_is_the_built_one_byte_for_byte() {
    for b in BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let (streamed, built) = streamed_and_built(&sc, mode, ops::Want::default());
            assert_eq!(streamed, built, "{} {mode:?}", b.name);
            // With a warm-up, the statistics differ, and the rest does not.
            let warmup = ops::Want { warmup: std::time::Duration::from_secs(1), ..Default::default() };
            let (streamed, built) = streamed_and_built(&sc, mode, warmup);
            assert_eq!(streamed, built, "{} {mode:?} with a warm-up", b.name);
        }
    }
    // A run stopped before it began: `finished` false, empty arrays.
    let sc = load_builtin("rush-hour");
    let cancel = async_cafe::clock::Cancel::new();
    cancel.cancel();
    let (streamed, built) = streamed_and_built(&sc, Mode::Async, ops::Want { cancel, ..Default::default() });
    assert_eq!(streamed, built);
    assert!(streamed.contains("\"finished\": false") && streamed.contains("\"orders\": []"), "{streamed}");
}

/// Issue 16: moving blocking work to a helper visibly wins. In `breakfast` the
/// squeezing (hands-on) holds the loop while the kettle and the toaster fall due;
/// in `breakfast-helper` a helper squeezes (`run_in_executor`) and the loop answers
/// them on time: 6 s against 4 s asynchronously, 11 s both synchronously.
#[test]
fn a_helper_for_the_blocking_work_makes_breakfast_sooner_and_the_loop_says_why() {
    let end = |name: &str, mode: Mode| {
        let sc = load_builtin(name);
        let spec = ops::RunSpec { mode, clock: ops::ClockKind::Virtual, seed: sc.seed };
        let ran = ops::run(&sc, spec, ops::Want::default(), &mut std::io::sink()).unwrap();
        sc.unit.from_ticks(ran.outcome.end)
    };
    assert_eq!(end("breakfast", Mode::Async), 6.0);
    assert_eq!(end("breakfast-helper", Mode::Async), 4.0);
    assert_eq!(end("breakfast", Mode::Sync), 11.0);
    assert_eq!(end("breakfast-helper", Mode::Sync), 11.0);
    let loop_text = |name: &str| {
        let sc = load_builtin(name);
        let spec = ops::RunSpec { mode: Mode::Async, clock: ops::ClockKind::Virtual, seed: sc.seed };
        let mut out = Vec::new();
        ops::run(&sc, spec, ops::Want { event_loop: true, ..Default::default() }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let blocked = loop_text("breakfast");
    assert!(blocked.contains("2.000 s late: the loop was held by order 1 · step squeeze"), "{blocked}");
    assert!(blocked.contains("1 s for the loop"), "{blocked}");
    let helped = loop_text("breakfast-helper");
    assert!(!helped.contains(" late"), "{helped}");
    assert!(helped.contains("No served order took longer"), "{helped}");
}
