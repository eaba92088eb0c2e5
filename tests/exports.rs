//! The exports (`src/view/export.rs`) parse back and agree with the JSON report, and
//! every file is written completely or not at all; the columnar view
//! (`src/view/columns.rs`) holds exactly the CSV export's cells.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use async_cafe::builtin::BUILTINS;
use async_cafe::clock::Pacing;
use async_cafe::engine::{self, Clock, Mode, Outcome, VirtualClock};
use async_cafe::event::{Sink, Tee};
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunSpec};
use async_cafe::time::Ticks;
use async_cafe::view::columns::{Column, ColumnsView, TableSet, Tables};
use async_cafe::view::export::{CsvExport, EventsExport, Exports};
use async_cafe::view::json::{JsonReport, JsonView};
use common::load_builtin;

/// A fresh, empty directory for one test, removed when it is dropped (even when the
/// test fails).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("cafe-exports-{name}-")).tempdir().unwrap()
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Two cooks, one espresso machine, options and random customers: steps queue.
const BUSY: &str = r#"
name = "busy"
seed = 3

[kitchen]
cooks = 2
equipment = { espresso_machine = 1 }

[options]
milk = ["whole", "oat"]
id = ["a", "b"]

[recipes.flat_white]
steps = [
    { name = "pull shot", kind = "unattended", duration = 0.5, uses = "espresso_machine" },
    { name = "steam milk", kind = "hands-on", duration = { dist = "uniform", min = 0.5, max = 1.0 }, after = [] },
    { name = "pour", kind = "hands-on", duration = 0.25, after = ["pull shot", "steam milk"] },
]

[menu]
"Flat White" = "flat_white"

[customers.generate]
count = 40
interarrival = { dist = "uniform", min = 0.1, max = 0.6 }
"#;

fn busy() -> Scenario {
    common::load_as("busy", BUSY)
}

fn scenarios() -> Vec<Scenario> {
    let mut all: Vec<Scenario> = BUILTINS.iter().map(|b| b.load().unwrap()).collect();
    all.push(busy());
    all
}

/// Runs `sc` on `clock` feeding the JSON view and `exports`; returns the report.
fn run_with<C: Clock, S: Sink>(
    sc: &Scenario,
    mode: Mode,
    clock: &mut C,
    exports: &mut S,
) -> (JsonReport, Outcome) {
    let mut json = JsonView::new(sc, mode, Pacing::Virtual, sc.seed);
    let outcome = engine::run(sc, mode, sc.seed, clock, &mut Tee(&mut json, exports));
    (json.finish(outcome), outcome)
}

/// Seconds as whole nanoseconds (CSV times are exact decimals).
fn ns(s: f64) -> Ticks {
    (s * 1e9).round() as Ticks
}

fn ns_field(s: &str) -> Option<Ticks> {
    (!s.is_empty()).then(|| {
        let (whole, frac) = s.split_once('.').expect("a decimal point");
        assert!(!frac.is_empty() && frac.len() <= 9, "{s}");
        whole.parse::<Ticks>().unwrap() * 1_000_000_000 + format!("{frac:0<9}").parse::<Ticks>().unwrap()
    })
}

fn opt_field<T: std::str::FromStr>(s: &str) -> Option<T>
where
    T::Err: std::fmt::Debug,
{
    (!s.is_empty()).then(|| s.parse().unwrap())
}

struct Csv {
    header: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn read_csv(path: &Path) -> Csv {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len());
            header.iter().cloned().zip(r.iter().map(str::to_string)).collect()
        })
        .collect();
    Csv { header, rows }
}

/// The same object, numbers compared to the nanosecond (serde_json's default float
/// parsing may be off by an ulp).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) {
    let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, x) in a {
        let y = &b[k];
        match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => assert_eq!(ns(x), ns(y), "{k}"),
            _ => assert_eq!(x, y, "{k}"),
        }
    }
}

/// events.jsonl: the report's events, one per line, byte for byte.
fn check_jsonl(path: &Path, report: &JsonReport) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.events.len());
    for (line, event) in lines.iter().zip(&report.events) {
        let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
        same_json(&parsed, &serde_json::to_value(event).unwrap());
        assert_eq!(*line, serde_json::to_string(event).unwrap());
    }
}

fn check_events_csv(path: &Path, report: &JsonReport) {
    let csv = read_csv(path);
    assert_eq!(csv.header, ["t_s", "kind", "order", "step", "cook", "equipment", "elapsed_s", "served"]);
    assert_eq!(csv.rows.len(), report.events.len());
    for (row, e) in csv.rows.iter().zip(&report.events) {
        assert_eq!(ns_field(&row["t_s"]), Some(ns(e.t_s)));
        assert_eq!(row["kind"], e.kind);
        assert_eq!(opt_field::<u64>(&row["order"]), e.order);
        assert_eq!(opt_field::<String>(&row["step"]), e.step);
        assert_eq!(opt_field::<u32>(&row["cook"]), e.cook);
        assert_eq!(opt_field::<String>(&row["equipment"]), e.equipment);
        assert_eq!(ns_field(&row["elapsed_s"]), e.elapsed_s.map(ns));
        assert_eq!(opt_field::<u64>(&row["served"]), e.served);
    }
}

fn check_orders_csv(path: &Path, sc: &Scenario, report: &JsonReport) {
    let csv = read_csv(path);
    let mut expected = vec!["id", "customer", "item"];
    let options: Vec<&str> = sc.menu.options.iter().map(|o| o.name.as_str()).collect();
    // An option named like a fixed column is prefixed.
    let option_columns: Vec<String> =
        options.iter().map(|o| if *o == "id" { format!("option_{o}") } else { o.to_string() }).collect();
    expected.extend(option_columns.iter().map(String::as_str));
    expected.extend([
        "arrived_s",
        "taken_s",
        "first_step_s",
        "served_s",
        "wait_s",
        "time_in_system_s",
        "longest_chain_s",
        "above_chain_s",
        "outcome",
        "gone_s",
        "door_s",
        "cook_s",
        "equipment_s",
        "loop_s",
        "loop_start_s",
    ]);
    assert_eq!(csv.header, expected);
    assert_eq!(csv.rows.len(), report.orders.len());
    // The first step_started of each order, from the report's events.
    let mut first_step: HashMap<u64, f64> = HashMap::new();
    for e in report.events.iter().filter(|e| e.kind == "step_started") {
        first_step.entry(e.order.unwrap()).or_insert(e.t_s);
    }
    for (row, o) in csv.rows.iter().zip(&report.orders) {
        assert_eq!(row["id"], o.id.to_string());
        assert_eq!(row["customer"], o.customer);
        assert_eq!(row["item"], o.item);
        for (name, column) in options.iter().zip(&option_columns) {
            assert_eq!(row[column.as_str()], o.options[*name].as_str().unwrap());
        }
        let arrived = ns(o.arrived_s);
        assert_eq!(ns_field(&row["arrived_s"]), Some(arrived));
        assert_eq!(ns_field(&row["taken_s"]), Some(ns(o.taken_s)));
        assert_eq!(ns_field(&row["served_s"]), o.served_s.map(ns));
        let first = first_step.get(&o.id).map(|&t| ns(t));
        assert_eq!(ns_field(&row["first_step_s"]), first);
        assert_eq!(ns_field(&row["wait_s"]), first.map(|f| f - arrived));
        assert_eq!(ns_field(&row["time_in_system_s"]), o.served_s.map(|s| ns(s) - arrived));
        assert_eq!(ns_field(&row["longest_chain_s"]), Some(ns(o.longest_chain_s)));
        assert_eq!(ns_field(&row["above_chain_s"]), o.above_chain_s.map(ns));
        let outcome = match (o.served_s, o.left_s, o.balked) {
            (Some(_), ..) => "served",
            (_, Some(_), _) => "left",
            (.., true) => "balked",
            _ => "",
        };
        assert_eq!(row["outcome"], outcome);
        // What a served order waited for: with the work of the steps that decided
        // its end, its time in system; at least what it took above its longest chain.
        let waits = ["door_s", "cook_s", "equipment_s", "loop_s"].map(|c| ns_field(&row[c]));
        match o.served_s {
            Some(served) => {
                assert_eq!(waits, [o.door_s, o.cook_s, o.equipment_s, o.loop_s].map(|x| x.map(ns)));
                // A late start is a part of the wait for the loop.
                let loop_start = ns_field(&row["loop_start_s"]);
                assert_eq!(loop_start, o.loop_start_s.map(ns));
                assert!(loop_start <= waits[3], "order {}: a late start beyond the loop's wait", o.id);
                let total: Ticks = waits.iter().flatten().sum();
                let in_system = ns(served) - arrived;
                assert!(total <= in_system, "order {}: waits {total} > time in system {in_system}", o.id);
                assert!(
                    total >= ns(o.above_chain_s.unwrap()),
                    "order {}: waits {total} < above the chain",
                    o.id
                );
            }
            None => {
                assert_eq!(waits, [None; 4], "order {} was not served", o.id);
                assert_eq!([o.door_s, o.cook_s, o.equipment_s, o.loop_s, o.loop_start_s], [None; 5]);
                assert_eq!(ns_field(&row["loop_start_s"]), None);
            }
        }
        if outcome != "balked" {
            assert_eq!(ns_field(&row["gone_s"]), o.left_s.map(ns));
        }
    }
}

/// steps.csv against the step events: one row per step that queued or started;
/// finished steps first, in the order they finished.
fn check_steps_csv(path: &Path, sc: &Scenario, report: &JsonReport) {
    let csv = read_csv(path);
    assert_eq!(
        csv.header,
        [
            "order",
            "item",
            "step",
            "kind",
            "equipment",
            "cook",
            "queued_s",
            "started_s",
            "finished_s",
            "duration_s",
            "drawn_s"
        ]
    );
    let item_of: HashMap<u64, &str> = report.orders.iter().map(|o| (o.id, o.item.as_str())).collect();
    let key = |e: &async_cafe::view::json::EventRecord| (e.order.unwrap(), e.step.clone().unwrap());
    let mut queued = HashMap::new();
    let mut started = HashMap::new();
    let mut finished = Vec::new();
    let mut unfinished = Vec::new();
    for e in &report.events {
        match e.kind {
            "step_waiting" => {
                queued.insert(key(e), (ns(e.t_s), e.cook));
                unfinished.push(key(e));
            }
            "step_started" => {
                started.insert(key(e), (ns(e.t_s), e.cook));
                if !unfinished.contains(&key(e)) {
                    unfinished.push(key(e));
                }
            }
            "step_finished" => {
                unfinished.retain(|k| *k != key(e));
                finished.push((key(e), Some(ns(e.t_s)), e.cook));
            }
            // A cancelled step's row is written as it is cancelled, with no finish.
            "step_cancelled" => {
                unfinished.retain(|k| *k != key(e));
                let cook = started.get(&key(e)).map(|s| s.1).or_else(|| queued.get(&key(e)).map(|q| q.1));
                finished.push((key(e), None, cook.flatten()));
            }
            _ => {}
        }
    }
    let expected: Vec<_> = finished
        .into_iter()
        .chain(unfinished.into_iter().map(|k| {
            // The cook it started on, or the cook standing in line with it.
            let cook = started.get(&k).map(|s| s.1).or_else(|| queued.get(&k).map(|q| q.1)).flatten();
            (k, None, cook)
        }))
        .collect();
    assert_eq!(csv.rows.len(), expected.len());
    for (row, ((order, step), fin, cook)) in csv.rows.iter().zip(expected) {
        assert_eq!(row["order"], order.to_string());
        assert_eq!(row["step"], step);
        let item = item_of[&order];
        assert_eq!(row["item"], item);
        let item_ix = sc.menu.items.iter().position(|i| i.name == item).unwrap();
        let s = sc.recipe_of(item_ix as u16).steps.iter().find(|s| s.name == step).unwrap();
        assert_eq!(row["kind"], s.kind.name());
        let equipment = s.uses.map(|e| sc.kitchen.equipment[e as usize].name.clone()).unwrap_or_default();
        assert_eq!(row["equipment"], equipment);
        assert_eq!(opt_field::<u32>(&row["cook"]), cook);
        let k = (order, step);
        assert_eq!(ns_field(&row["queued_s"]), queued.get(&k).map(|q| q.0));
        let start = started.get(&k).map(|s| s.0);
        assert_eq!(ns_field(&row["started_s"]), start);
        assert_eq!(ns_field(&row["finished_s"]), fin);
        let duration = match (start, fin) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        };
        assert_eq!(ns_field(&row["duration_s"]), duration);
        // The drawn duration is what the step itself takes: the span observed is no
        // shorter, and the same for a hands-on step, which holds its cook throughout.
        let drawn = ns_field(&row["drawn_s"]).expect("every step has a drawn duration");
        if let Some(d) = duration {
            assert!(drawn <= d, "{k:?}: drawn {drawn} ns, ran {d} ns");
            if s.kind == async_cafe::model::StepKind::HandsOn {
                assert_eq!(drawn, d, "{k:?}");
            }
        }
    }
}

fn check_all(dir: &Path, sc: &Scenario, report: &JsonReport) {
    check_jsonl(&dir.join("events.jsonl"), report);
    check_events_csv(&dir.join("csv/events.csv"), report);
    check_orders_csv(&dir.join("csv/orders.csv"), sc, report);
    check_steps_csv(&dir.join("csv/steps.csv"), sc, report);
}

#[test]
fn exports_agree_with_the_json_report() {
    let scratch = scratch("agree");
    let dir = scratch.path();
    let mut queued_somewhere = false;
    for sc in scenarios() {
        for mode in [Mode::Async, Mode::Sync] {
            let what = format!("{} {}", sc.name, mode.name());
            let mut exports =
                Exports::create(&sc, Some(&dir.join("events.jsonl")), Some(&dir.join("csv"))).unwrap();
            let (report, outcome) = run_with(&sc, mode, &mut VirtualClock, &mut exports);
            assert!(outcome.finished, "{what}");
            assert!(exports.error().is_none());
            exports.finish().unwrap();
            // The report ops::run builds is the same (the run is deterministic).
            let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
            let want = ops::Want { report: true, ..Default::default() };
            let official = ops::run(&sc, spec, want, &mut std::io::sink()).unwrap().report.unwrap();
            assert_eq!(
                serde_json::to_value(&official.events).unwrap(),
                serde_json::to_value(&report.events).unwrap(),
                "{what}"
            );
            assert_eq!(
                serde_json::to_value(&official.orders).unwrap(),
                serde_json::to_value(&report.orders).unwrap()
            );
            check_all(dir, &sc, &report);
            // Every order is served, or gone: every served order has a complete row.
            let orders = read_csv(&dir.join("csv/orders.csv"));
            assert!(orders.rows.iter().all(|r| !r["outcome"].is_empty()), "{what}");
            let served: Vec<_> = orders.rows.iter().filter(|r| r["outcome"] == "served").collect();
            assert!(served.iter().all(|r| !r["served_s"].is_empty() && !r["wait_s"].is_empty()), "{what}");
            // The waits of served orders are the statistics' waits.
            let stats = official.stats.unwrap();
            let max_wait = served.iter().map(|r| ns_field(&r["wait_s"]).unwrap()).max();
            assert_eq!(
                max_wait.map(|w| w as f64 / 1e9),
                (!orders.rows.is_empty()).then_some(stats.wait.max_s)
            );
            let steps = read_csv(&dir.join("csv/steps.csv"));
            // Only a customer who left leaves steps unfinished.
            assert!(sc.has_patience() || steps.rows.iter().all(|r| !r["finished_s"].is_empty()));
            queued_somewhere |= steps.rows.iter().any(|r| !r["queued_s"].is_empty());
            // Nothing but the files themselves is left.
            assert_eq!(listing(dir), ["csv", "events.jsonl"]);
            assert_eq!(listing(&dir.join("csv")), ["events.csv", "orders.csv", "steps.csv"]);
        }
    }
    assert!(queued_somewhere, "some scenario should queue for equipment");
}

#[test]
fn the_cafe_exports_read_as_expected() {
    let scratch = scratch("cafe");
    let dir = scratch.path();
    let cafe = load_builtin("cafe");
    let mut csv = CsvExport::create(&cafe, dir).unwrap();
    run_with(&cafe, Mode::Sync, &mut VirtualClock, &mut csv);
    csv.finish().unwrap();
    let orders = fs::read_to_string(dir.join("orders.csv")).unwrap();
    assert_eq!(
        orders,
        "id,customer,item,flavour,arrived_s,taken_s,first_step_s,served_s,wait_s,time_in_system_s,longest_chain_s,above_chain_s,outcome,gone_s,door_s,cook_s,equipment_s,loop_s,loop_start_s\n\
         1,Customer 1,Latte,Vanilla,0.0,0.0,0.0,5.0,0.0,5.0,5.0,0.0,served,,0.0,0.0,0.0,0.0,0.0\n\
         2,Customer 2,Mocha,Caramel,0.0,5.0,5.0,10.0,5.0,10.0,5.0,5.0,served,,0.0,5.0,0.0,0.0,0.0\n"
    );
    let events = fs::read_to_string(dir.join("events.csv")).unwrap();
    assert!(
        events
            .starts_with("t_s,kind,order,step,cook,equipment,elapsed_s,served\n0.0,service_started,,,,,,\n")
    );
    assert!(events.ends_with(",service_ended,,,,,10.0,2\n"), "{events}");
}

/// An unattended step's end is noticed when the loop next runs: while the only cook
/// peels for 3 s, a 0.3 s brew is recorded as running 3 s, and `drawn_s` keeps the
/// 0.3 s it took.
#[test]
fn steps_csv_keeps_the_drawn_duration_beside_the_span_observed() {
    let toml = r#"
[kitchen]
cooks = 1
[recipes.tea]
steps = [{ name = "brew", kind = "unattended", duration = 0.3 }]
[recipes.toast]
steps = [{ name = "peel", kind = "hands-on", duration = 3 }]
[menu]
tea = "tea"
toast = "toast"
[customers]
list = [{ item = "tea" }, { item = "toast" }]
"#;
    let sc = common::load_as("late", toml);
    let scratch = scratch("late");
    let dir = scratch.path();
    let mut csv = CsvExport::create(&sc, dir).unwrap();
    run_with(&sc, Mode::Async, &mut VirtualClock, &mut csv);
    csv.finish().unwrap();
    let steps = fs::read_to_string(dir.join("steps.csv")).unwrap();
    assert_eq!(
        steps,
        "order,item,step,kind,equipment,cook,queued_s,started_s,finished_s,duration_s,drawn_s\n\
         2,toast,peel,hands-on,,1,,0.0,3.0,3.0,3.0\n\
         1,tea,brew,unattended,,,,0.0,3.0,3.0,0.3\n"
    );
}

/// Stops the run after a number of clock advances (like Ctrl-C on the real clock).
struct StopAfter(usize);

impl Clock for StopAfter {
    fn advance(&mut self, _t: Ticks) -> bool {
        self.0 = self.0.saturating_sub(1);
        self.0 > 0
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

#[test]
fn finishing_a_stopped_run_writes_what_was_received() {
    let scratch = scratch("stopped");
    let dir = scratch.path();
    let sc = busy();
    for mode in [Mode::Async, Mode::Sync] {
        let mut exports =
            Exports::create(&sc, Some(&dir.join("events.jsonl")), Some(&dir.join("csv"))).unwrap();
        let (report, outcome) = run_with(&sc, mode, &mut StopAfter(12), &mut exports);
        assert!(!outcome.finished);
        exports.finish().unwrap();
        check_all(dir, &sc, &report);
        let orders = read_csv(&dir.join("csv/orders.csv"));
        assert!(orders.rows.iter().any(|r| r["served_s"].is_empty() && r["time_in_system_s"].is_empty()));
        let steps = read_csv(&dir.join("csv/steps.csv"));
        assert!(steps.rows.iter().any(|r| r["finished_s"].is_empty() && r["duration_s"].is_empty()));
        assert!(!report.events.iter().any(|e| e.kind == "service_ended"));
    }
}

#[test]
fn an_unfinished_export_leaves_nothing_behind() {
    let scratch = scratch("unfinished");
    let dir = scratch.path();
    let sc = busy();
    let mut exports = Exports::create(&sc, Some(&dir.join("events.jsonl")), Some(&dir.join("csv"))).unwrap();
    run_with(&sc, Mode::Async, &mut VirtualClock, &mut exports);
    drop(exports);
    assert_eq!(listing(dir), ["csv"]);
    assert!(listing(&dir.join("csv")).is_empty());
}

#[test]
fn an_existing_file_is_replaced_only_when_the_export_finishes() {
    let scratch = scratch("replace");
    let dir = scratch.path();
    let path = dir.join("events.jsonl");
    fs::write(&path, "old\n").unwrap();
    let sc = load_builtin("hi");

    let mut events = EventsExport::create(&sc, &path).unwrap();
    run_with(&sc, Mode::Async, &mut VirtualClock, &mut events);
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    drop(events);
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    assert_eq!(listing(dir), ["events.jsonl"]);

    let mut events = EventsExport::create(&sc, &path).unwrap();
    let (report, _) = run_with(&sc, Mode::Async, &mut VirtualClock, &mut events);
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    events.finish().unwrap();
    check_jsonl(&path, &report);
    assert_eq!(listing(dir), ["events.jsonl"]);
}

#[test]
fn a_failing_directory_is_an_error_naming_it_and_leaves_no_file() {
    let scratch = scratch("failing");
    let dir = scratch.path();
    let sc = load_builtin("cafe");
    // A regular file where a directory should be.
    let blocker = dir.join("blocker");
    fs::write(&blocker, "").unwrap();

    let missing = dir.join("missing/events.jsonl");
    let err = EventsExport::create(&sc, &missing).err().expect("no such directory");
    assert!(err.to_string().contains(&missing.display().to_string()), "{err}");
    let under_file = blocker.join("events.jsonl");
    let err = EventsExport::create(&sc, &under_file).err().expect("not a directory");
    assert!(err.to_string().contains(&under_file.display().to_string()), "{err}");

    let csv_dir = blocker.join("csv");
    let err = CsvExport::create(&sc, &csv_dir).err().expect("cannot create the directory");
    assert!(err.to_string().contains(&csv_dir.display().to_string()), "{err}");
    let err = Exports::create(&sc, None, Some(&blocker)).err().expect("a file, not a directory");
    assert!(err.to_string().contains(&blocker.display().to_string()), "{err}");

    // An events path that is a directory is refused at once.
    let err = EventsExport::create(&sc, dir).err().expect("a directory");
    assert!(err.to_string().contains(&dir.display().to_string()), "{err}");

    // A file that cannot be put in place at the end: the error names it and the
    // temporary file is gone.
    let late = dir.join("late.jsonl");
    let mut events = EventsExport::create(&sc, &late).unwrap();
    run_with(&sc, Mode::Async, &mut VirtualClock, &mut events);
    fs::create_dir(&late).unwrap();
    fs::write(late.join("keep"), "").unwrap();
    let err = events.finish().expect_err("cannot replace a directory");
    assert!(err.to_string().contains(&late.display().to_string()), "{err}");
    assert_eq!(listing(dir), ["blocker", "late.jsonl"]);
    assert_eq!(listing(&late), ["keep"]);
}

#[test]
fn the_csv_directory_is_created_when_missing() {
    let scratch = scratch("created");
    let dir = scratch.path();
    let sc = load_builtin("lunch");
    let nested = dir.join("a/b/c");
    let mut csv = CsvExport::create(&sc, &nested).unwrap();
    let (report, _) = run_with(&sc, Mode::Sync, &mut VirtualClock, &mut csv);
    csv.finish().unwrap();
    assert_eq!(listing(&nested), ["events.csv", "orders.csv", "steps.csv"]);
    check_orders_csv(&nested.join("orders.csv"), &sc, &report);
}

/// The columnar view (`view::columns`) holds exactly the CSV export's cells: each
/// column named as the CSV's, in its order, with the value the CSV's cell parses to
/// (an empty cell is a missing value).
fn check_columns_equal_csv(dir: &Path, tables: &Tables, what: &str) {
    let (orders, steps, events) = (tables.orders.as_ref(), tables.steps.as_ref(), tables.events.as_ref());
    let parts = [
        ("orders.csv", orders.unwrap().columns(), orders.unwrap().len()),
        ("steps.csv", steps.unwrap().columns(), steps.unwrap().len()),
        ("events.csv", events.unwrap().columns(), events.unwrap().len()),
    ];
    for (file, columns, len) in parts {
        let csv = read_csv(&dir.join(file));
        let names: Vec<&String> = columns.iter().map(|(n, _)| n).collect();
        assert_eq!(names, csv.header.iter().collect::<Vec<_>>(), "{what} {file}");
        assert_eq!(len, csv.rows.len(), "{what} {file}");
        for (i, row) in csv.rows.iter().enumerate() {
            for (name, col) in &columns {
                let cell = row[name].as_str();
                let seconds = |v: Option<f64>| {
                    // The nearest float to the CSV's exact decimal, bit for bit.
                    let want: Option<f64> = opt_field(cell);
                    assert_eq!(v.map(f64::to_bits), want.map(f64::to_bits), "{what} {file} row {i} {name}");
                };
                match col {
                    Column::Whole(v) => assert_eq!(v[i].to_string(), cell, "{what} {file} row {i} {name}"),
                    Column::MaybeWhole(v) => {
                        assert_eq!(v.get(i), opt_field::<u64>(cell), "{what} {file} row {i} {name}")
                    }
                    Column::Seconds(v) => seconds(Some(v[i])),
                    Column::MaybeSeconds(v) => seconds(v.get(i)),
                    Column::Text(d) => {
                        assert_eq!(
                            d.get(i),
                            (!cell.is_empty()).then_some(cell),
                            "{what} {file} row {i} {name}"
                        )
                    }
                }
            }
        }
    }
}

#[test]
fn the_columnar_view_holds_the_csv_exports_rows() {
    let scratch = scratch("columns");
    let dir = scratch.path();
    for sc in scenarios() {
        for mode in [Mode::Async, Mode::Sync] {
            let what = format!("{} {}", sc.name, mode.name());
            // Fed beside the CSV export, by `ops::run`, and alone.
            let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
            let want = ops::Want {
                csv: Some(dir.to_path_buf()),
                tables: Some(TableSet::ALL),
                ..ops::Want::default()
            };
            let ran = ops::run(&sc, spec, want, &mut std::io::sink()).unwrap();
            let tables = ran.tables.expect("asked for");
            check_columns_equal_csv(dir, &tables, &what);
            let alone = ops::Want { tables: Some(TableSet::ALL), ..ops::Want::default() };
            let ran = ops::run(&sc, spec, alone, &mut std::io::sink()).unwrap();
            check_columns_equal_csv(dir, &ran.tables.expect("asked for"), &what);
            // One table only: the others are not built.
            let orders = TableSet { orders: true, ..TableSet::default() };
            let want = ops::Want { tables: Some(orders), stats: true, ..ops::Want::default() };
            let one = ops::run(&sc, spec, want, &mut std::io::sink()).unwrap().tables.unwrap();
            assert!(one.steps.is_none() && one.events.is_none());
            let (one, all) = (one.orders.unwrap(), tables.orders.unwrap());
            assert_eq!(one.id, all.id, "{what}");
            assert_eq!(one.first_step_s, all.first_step_s, "{what}");
            assert_eq!(one.wait_s, all.wait_s, "{what}");
            assert_eq!(one.above_chain_s, all.above_chain_s, "{what}");
        }
    }
}

#[test]
fn the_columns_of_a_stopped_run_hold_what_its_csv_holds() {
    let scratch = scratch("columns-stopped");
    let dir = scratch.path();
    let sc = busy();
    for mode in [Mode::Async, Mode::Sync] {
        let mut csv = CsvExport::create(&sc, dir).unwrap();
        let mut columns = ColumnsView::new(&sc, TableSet::ALL);
        let outcome = engine::run(&sc, mode, sc.seed, &mut StopAfter(12), &mut Tee(&mut csv, &mut columns));
        assert!(!outcome.finished);
        csv.finish().unwrap();
        let tables = columns.finish();
        check_columns_equal_csv(dir, &tables, mode.name());
        let orders = tables.orders.unwrap();
        assert!(
            (0..orders.len()).any(|i| orders.served_s.get(i).is_none() && orders.outcome.get(i).is_none())
        );
    }
}

#[test]
fn seconds_are_the_nearest_float_to_the_exact_decimal() {
    use async_cafe::time::seconds;
    for t in
        [0, 1, 250_000_000, 1_460_333_134, 12_000_000_001, (1 << 53) - 1, 1 << 53, (1 << 60) + 7, u64::MAX]
    {
        let decimal = format!("{}.{:09}", t / 1_000_000_000, t % 1_000_000_000);
        assert_eq!(seconds(t).to_bits(), decimal.parse::<f64>().unwrap().to_bits(), "{t}");
    }
}
