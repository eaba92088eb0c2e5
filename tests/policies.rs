//! Dispatch policies, the synchronous kitchen's patience and balking, and patience
//! in a replayed day, on small kitchens worked out by hand.

mod common;

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind};
use async_cafe::model::{Policy, Scenario};
use async_cafe::ops;
use async_cafe::scenario;
use common::{load, load_builtin};

/// (time in the scenario's unit, "who: what") for each served, left or balked line,
/// and each step start.
fn story(sc: &Scenario, mode: Mode) -> Vec<(f64, String)> {
    let unit = sc.unit;
    let mut out = Vec::new();
    let mut sink = |e: &Event<'_>| {
        let what = match e.kind {
            EventKind::StepStarted { order, step, .. } => {
                format!("{} {}", order.id, sc.recipe_of(order.item).steps[step as usize].name)
            }
            EventKind::Served { order, .. } => format!("{} served", order.id),
            EventKind::Left { order, .. } => format!("{} left", order.id),
            EventKind::Balked { order } => format!("{} balked", order.id),
            _ => return,
        };
        out.push((unit.from_ticks(e.t), what));
    };
    engine::run(sc, mode, sc.seed, &mut VirtualClock, &mut sink);
    out
}

fn bakery(policy: Policy) -> Scenario {
    let mut sc = load_builtin("bakery");
    sc.kitchen.policy = policy;
    sc
}

fn served(sc: &Scenario) -> Vec<(f64, String)> {
    story(sc, Mode::Async).into_iter().filter(|(_, w)| w.ends_with("served")).collect()
}

fn lines(items: &[(f64, &str)]) -> Vec<(f64, String)> {
    items.iter().map(|&(t, w)| (t, w.to_string())).collect()
}

#[test]
fn fifo_runs_the_steps_in_the_order_they_became_ready() {
    // One baker; salad (chop 2), latte (steam 1, and a 1-minute shot on the machine,
    // independent), bread (knead 3, then proof 10, then bake 5): all at 0. asyncio
    // runs the pass in queue order: chop 0–2, steam 2–3, the shot at 3, knead 3–6;
    // the shot's and knead's wakeups are in the next pass, at 6.
    let sc = bakery(Policy::Fifo);
    assert_eq!(
        story(&sc, Mode::Async)[..4],
        lines(&[(0.0, "1 chop"), (2.0, "2 steam milk"), (3.0, "2 pull a shot"), (3.0, "3 knead")])
    );
    assert_eq!(served(&sc), lines(&[(6.0, "1 served"), (6.0, "2 served"), (21.0, "3 served")]));
}

#[test]
fn unattended_first_starts_the_machine_before_the_hands_on_work() {
    // The shot starts at 0, before the chop; and a cook with a policy looks again
    // each time it is free, so the salad is served as soon as it is chopped.
    let sc = bakery(Policy::UnattendedFirst);
    assert_eq!(story(&sc, Mode::Async)[..2], lines(&[(0.0, "2 pull a shot"), (0.0, "1 chop")]));
    assert_eq!(served(&sc), lines(&[(2.0, "1 served"), (3.0, "2 served"), (21.0, "3 served")]));
}

#[test]
fn longest_chain_kneads_the_bread_first_and_finishes_sooner() {
    // Remaining chains at 0: knead 3 + 10 + 5 = 18, chop 2, steam 1. Kneading first
    // lets the bread proof while the others are made: done at 3 + 10 + 5 = 18.
    let sc = bakery(Policy::LongestChain);
    assert_eq!(
        story(&sc, Mode::Async)[..4],
        lines(&[(0.0, "2 pull a shot"), (0.0, "3 knead"), (3.0, "3 proof"), (3.0, "1 chop")])
    );
    assert_eq!(served(&sc), lines(&[(5.0, "1 served"), (6.0, "2 served"), (18.0, "3 served")]));
}

#[test]
fn policies_do_not_change_the_synchronous_kitchen() {
    let fifo = story(&bakery(Policy::Fifo), Mode::Sync);
    for p in Policy::ALL {
        assert_eq!(story(&bakery(p), Mode::Sync), fifo, "{}", p.name());
    }
}

#[test]
fn compare_puts_the_policies_side_by_side() {
    let sc = bakery(Policy::Fifo);
    let cmp = ops::compare_policies(&sc, &Policy::ALL, &ops::CompareOptions::default()).unwrap();
    let totals: Vec<f64> = cmp.sides.iter().map(|s| s.stats.total_s / 60.0).collect();
    assert_eq!(totals, [21.0, 21.0, 18.0]);
    let table = cmp.render(&sc);
    assert!(table.contains("fifo  unattended-first     longest-chain"), "{table}");
    assert!(table.contains("  longest-chain: 1.17x as fast as fifo"), "{table}");
}

#[test]
fn the_synchronous_cook_notices_a_customer_has_gone_only_between_steps() {
    // One cook, 3 s orders of two steps (2 s, then 1 s). Customer 1 (patience 10) is
    // served at 3. Customer 2 arrived at 0 with patience 2.5: at 3 the cook finds
    // them gone. Customer 3 (patience 4): taken at 3, first step 3–5, and at 5 the
    // patience (run out at 4) is found spent: left, the second step never made.
    // Customer 4 (patience 8): taken at 5, served at 8 (in time: 0 + 8).
    let sc = load(
        r#"
[recipes.r]
steps = [{ name = "a", kind = "hands-on", duration = 2 }, { name = "b", kind = "hands-on", duration = 1 }]
[menu]
r = "r"
[customers]
list = [
    { item = "r", patience = 10 },
    { item = "r", patience = 2.5 },
    { item = "r", patience = 4 },
    { item = "r", patience = 8 },
]
"#,
    );
    assert_eq!(
        story(&sc, Mode::Sync),
        lines(&[
            (0.0, "1 a"),
            (2.0, "1 b"),
            (3.0, "1 served"),
            (3.0, "2 left"),
            (3.0, "3 a"),
            (5.0, "3 left"),
            (5.0, "4 a"),
            (7.0, "4 b"),
            (8.0, "4 served"),
        ])
    );
}

#[test]
fn a_synchronous_customer_balks_at_the_line_they_find_on_arrival() {
    // One cook, 4 s orders, balk = 1 (no one joins when more than one is waiting).
    // At 0 customer 1 is taken; customers 2 and 3 arrive at 1 and 2 and wait (1, then
    // 2 waiting counting themselves: customer 3 found one waiting). Customer 4
    // arrives at 3 and finds two waiting: balks (noticed when the cook gets to
    // them, at 12). Customer 5 arrives at 9: customer 2 was taken at 4 and 3 at 8,
    // so no one is waiting; served at 16.
    let sc = load(
        r#"
[recipes.r]
steps = [{ name = "a", kind = "hands-on", duration = 4 }]
[menu]
r = "r"
[customers]
balk = 1
list = [
    { item = "r", arrival = 0 },
    { item = "r", arrival = 1 },
    { item = "r", arrival = 2 },
    { item = "r", arrival = 3 },
    { item = "r", arrival = 9 },
]
"#,
    );
    let got: Vec<(f64, String)> =
        story(&sc, Mode::Sync).into_iter().filter(|(_, w)| !w.ends_with(" a")).collect();
    assert_eq!(
        got,
        lines(&[
            (4.0, "1 served"),
            (8.0, "2 served"),
            (12.0, "3 served"),
            (12.0, "4 balked"),
            (16.0, "5 served")
        ])
    );
    // Statistics count them.
    let mut stats = async_cafe::view::stats::StatsView::new(&sc);
    engine::run(&sc, Mode::Sync, 0, &mut VirtualClock, &mut stats);
    let s = stats.finish();
    assert_eq!((s.served, s.left, s.balked), (4, 0, 1));
    assert_eq!(s.balked_share(), 0.2);
}

#[test]
fn a_replayed_day_can_give_each_customer_a_patience() {
    // One machine, 3 s brews. Customer 2 (at 1) waits at most 2 s: in line until 3,
    // so they leave at 3, as 1's brew ends. Customer 3's cell is empty: the
    // scenario's patience (10) applies, and they are served at 6.
    let csv = "arrival,item,patience\n0,coffee,5\n1,coffee,2\n2,coffee,\n";
    let toml = r#"
[kitchen]
equipment = { machine = 1 }
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 3, uses = "machine" }]
[menu]
coffee = "coffee"
[customers]
replay = "day.csv"
patience = 10
"#;
    let sc = scenario::Source::new("t", toml).file("day.csv", csv).load().unwrap();
    let fates: Vec<(f64, String)> =
        story(&sc, Mode::Async).into_iter().filter(|(_, w)| !w.ends_with("brew")).collect();
    assert_eq!(fates, lines(&[(3.0, "1 served"), (3.0, "2 left"), (6.0, "3 served")]));
    // A patience cell that is not a time is located in the CSV.
    let bad = "arrival,item,patience\n0,coffee,soon\n";
    let err = scenario::Source::new("t", toml).file("day.csv", bad).load().unwrap_err().render();
    assert!(err.contains("`soon` is not a time") && err.contains("day.csv:2:10"), "{err}");
}
