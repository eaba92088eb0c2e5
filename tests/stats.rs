//! Statistics against values worked out by hand.

use async_cafe::builtin;
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::model::Scenario;
use async_cafe::scenario;
use async_cafe::view::stats::{Stats, StatsView, Summary};

fn stats(sc: &Scenario, mode: Mode) -> Stats {
    let mut view = StatsView::new(sc);
    engine::run(sc, mode, sc.seed, &mut VirtualClock, &mut view);
    view.finish()
}

fn summary(count: u64, mean_s: f64, p50_s: f64, p95_s: f64, max_s: f64) -> Summary {
    Summary { count, mean_s, p50_s, p95_s, max_s }
}

#[test]
fn the_synchronous_cafe_stands_by_for_ten_seconds() {
    let cafe = builtin::find("cafe").unwrap().load().unwrap();
    let s = stats(&cafe, Mode::Sync);
    assert_eq!(s.total_s, 10.0);
    assert_eq!(s.served, 2);
    assert_eq!(s.throughput_per_hour, 720.0);
    // The second customer waits while the first coffee brews.
    assert_eq!(s.wait, summary(2, 2.5, 0.0, 5.0, 5.0));
    assert_eq!(s.time_in_system, summary(2, 7.5, 5.0, 10.0, 10.0));
    assert_eq!(s.longest_chain, summary(2, 5.0, 5.0, 5.0, 5.0));
    assert_eq!(s.above_chain, summary(2, 2.5, 0.0, 5.0, 5.0));
    // The cook watches the machine the whole time.
    let cook = &s.cooks[0];
    assert_eq!((cook.hands_on_s, cook.standing_by_s, cook.idle_s), (0.0, 10.0, 0.0));
    assert_eq!((cook.hands_on_share, cook.standing_by_share, cook.idle_share), (0.0, 1.0, 0.0));
    // Two group heads, one in use at a time: half used.
    let machine = &s.equipment[0];
    assert_eq!(
        (machine.busy_s, machine.utilisation, machine.mean_queue, machine.longest_queue),
        (10.0, 0.5, 0.0, 0)
    );
}

#[test]
fn the_asynchronous_cafe_brews_both_at_once() {
    let cafe = builtin::find("cafe").unwrap().load().unwrap();
    let s = stats(&cafe, Mode::Async);
    assert_eq!(s.total_s, 5.0);
    assert_eq!(s.wait, summary(2, 0.0, 0.0, 0.0, 0.0));
    assert_eq!(s.time_in_system, summary(2, 5.0, 5.0, 5.0, 5.0));
    assert_eq!(s.above_chain, summary(2, 0.0, 0.0, 0.0, 0.0));
    assert_eq!(s.cooks[0].idle_share, 1.0);
    assert_eq!((s.equipment[0].busy_s, s.equipment[0].utilisation), (10.0, 1.0));
}

#[test]
fn lunch_keeps_the_cook_busy_a_fifth_of_the_time() {
    let lunch = builtin::find("lunch").unwrap().load().unwrap();
    let s = stats(&lunch, Mode::Async);
    assert_eq!(s.total_s, 600.0);
    assert_eq!((s.cooks[0].hands_on_s, s.cooks[0].hands_on_share, s.cooks[0].idle_share), (120.0, 0.2, 0.8));
    let by_name = |n: &str| s.equipment.iter().find(|e| e.name == n).unwrap().clone();
    // Four burners, one pot for ten minutes: a quarter.
    assert_eq!(by_name("stove").utilisation, 0.25);
    assert_eq!(by_name("microwave").utilisation, 0.3);
    // Synchronously the cook stands by through pasta and meatloaf: 13 of 15 minutes.
    let s = stats(&lunch, Mode::Sync);
    assert_eq!((s.cooks[0].hands_on_s, s.cooks[0].standing_by_s, s.cooks[0].idle_s), (120.0, 780.0, 0.0));
}

#[test]
fn queue_lengths_are_weighted_by_time() {
    // One espresso machine, three customers at once, 2 s each: the queue holds two
    // for 2 s, then one for 2 s, over 6 s: a mean of (2·2 + 1·2) / 6 = 1.
    let toml = r#"
[kitchen]
equipment = { espresso = 1 }
[recipes.shot]
steps = [{ name = "pull", kind = "unattended", duration = 2, uses = "espresso" }]
[menu]
shot = "shot"
[customers]
list = [{ item = "shot" }, { item = "shot" }, { item = "shot", arrival = 0 }]
"#;
    let sc = scenario::load_str("q", "q.toml", toml, &|_| Err("none".into())).unwrap();
    let s = stats(&sc, Mode::Async);
    assert_eq!(s.total_s, 6.0);
    let e = &s.equipment[0];
    assert_eq!((e.mean_queue, e.longest_queue, e.utilisation), (1.0, 2, 1.0));
    assert_eq!(s.wait, summary(3, 2.0, 2.0, 4.0, 4.0));
    assert_eq!(s.time_in_system, summary(3, 4.0, 4.0, 6.0, 6.0));
    assert_eq!(s.above_chain, summary(3, 2.0, 2.0, 4.0, 4.0));
}

#[test]
fn a_chain_of_steps_is_the_least_an_order_can_take() {
    // boil (3) and grind (2) at once, then brew (1): the chain is 4 s however many cooks.
    let sc = builtin::find("make-coffee-toast-concurrent").unwrap().load().unwrap();
    let s = stats(&sc, Mode::Async);
    assert_eq!(s.longest_chain.max_s, 4.0);
    assert_eq!(s.above_chain.max_s, 0.0);
    // Synchronously everything runs in sequence: 3 + 2 + 1 + 0.9 = 6.9 s, 2.9 above the chain.
    let s = stats(&sc, Mode::Sync);
    assert_eq!(s.time_in_system.max_s, 6.9);
    assert!((s.above_chain.max_s - 2.9).abs() < 1e-9, "{}", s.above_chain.max_s);
}

/// The `--stats` text of every built-in in both modes, pinned by golden files.
/// Regenerate with `UPDATE_GOLDEN=1 cargo test --test stats`.
#[test]
fn each_builtin_in_each_mode_matches_its_golden_statistics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/stats");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for b in builtin::BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let got = stats(&sc, mode).render(sc.unit);
            let path = dir.join(format!("{}.{}.txt", b.name, mode.name()));
            if update {
                std::fs::write(&path, &got).unwrap();
            } else {
                match std::fs::read_to_string(&path) {
                    Ok(want) if want == got => {}
                    Ok(want) => failures.push(format!("{}:\n--- want\n{want}--- got\n{got}", path.display())),
                    Err(e) => failures.push(format!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display())),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
