//! Statistics against values worked out by hand.

mod common;

use async_cafe::builtin;
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind, Sink};
use async_cafe::model::Scenario;
use async_cafe::time::TimeUnit;
use async_cafe::view::histogram::{Samples, nearest_rank};
use async_cafe::view::stats::{Stats, StatsView, Summary};
use common::{assert_goldens, golden, load, load_builtin, root};

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
    let cafe = load_builtin("cafe");
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
    let cafe = load_builtin("cafe");
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
    let lunch = load_builtin("lunch");
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
    let sc = common::load_as("q", toml);
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
    let sc = load_builtin("make-coffee-toast-concurrent");
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
    let dir = root().join("tests/golden/stats");
    assert_goldens(builtin::BUILTINS.iter().flat_map(|b| {
        let sc = b.load().unwrap();
        [Mode::Async, Mode::Sync].map(|mode| {
            golden(&dir.join(format!("{}.{}.txt", b.name, mode.name())), &stats(&sc, mode).render(sc.unit))
        })
    }));
}

fn stats_after(sc: &Scenario, mode: Mode, warmup_s: f64) -> Stats {
    let mut view = StatsView::with_warmup(sc, TimeUnit::Seconds.to_ticks(warmup_s));
    engine::run(sc, mode, sc.seed, &mut VirtualClock, &mut view);
    view.finish()
}

/// One espresso machine, 2 s a shot; A, B and C come in at 0 and D at 3. The machine
/// pulls A over [0, 2], B over [2, 4], C over [4, 6] and D over [6, 8]. The queue
/// holds 2 over [0, 2), 1 over [2, 3), 2 over [3, 4) (C and D), 1 over [4, 6), then 0.
const FOUR_SHOTS: &str = r#"
[kitchen]
equipment = { espresso = 1 }
[recipes.shot]
steps = [{ name = "pull", kind = "unattended", duration = 2, uses = "espresso" }]
[menu]
shot = "shot"
[customers]
list = [{ item = "shot" }, { item = "shot" }, { item = "shot" }, { item = "shot", arrival = 3 }]
"#;

#[test]
fn without_a_warm_up_every_order_and_every_second_counts() {
    let s = stats(&load(FOUR_SHOTS), Mode::Async);
    assert_eq!((s.total_s, s.measured_s, s.served), (8.0, 8.0, 4));
    // Queue area 2·2 + 1·1 + 2·1 + 1·2 = 9 queue-seconds over 8 s.
    let e = &s.equipment[0];
    assert_eq!((e.mean_queue, e.longest_queue, e.utilisation), (1.125, 2, 1.0));
    // Waits 0, 2, 4 and D's 6 − 3 = 3.
    assert_eq!(s.wait, summary(4, 2.25, 2.0, 4.0, 4.0));
    // B, C and D waited; A's shot started as A came.
    assert_eq!((s.waited, s.waited_share), (3, 0.75));
    // In the café: A over [0, 2], B [0, 4], C [0, 6], D [3, 8], 17 customer-seconds
    // over 8 s; waiting: B [0, 2], C [0, 4], D [3, 6], 9 over 8 s (the machine's
    // queue, as every step is a shot).
    assert_eq!((s.mean_in_system, s.mean_waiting), (17.0 / 8.0, 9.0 / 8.0));
}

/// A customer who leaves was in the café, and waiting, from arriving until leaving.
#[test]
fn a_customer_who_left_waited_until_leaving() {
    // A holds the only machine for 5 s; B, in line behind, gives up after 2 s.
    let sc = load(
        r#"
[kitchen]
equipment = { espresso = 1 }
[recipes.shot]
steps = [{ name = "pull", kind = "unattended", duration = 5, uses = "espresso" }]
[menu]
shot = "shot"
[customers]
list = [{ item = "shot" }, { item = "shot", patience = 2 }]
"#,
    );
    // Asynchronously B leaves at 2: in the café, and waiting, over [0, 2].
    let s = stats(&sc, Mode::Async);
    assert_eq!((s.total_s, s.served, s.left, s.waited, s.waited_share), (5.0, 1, 1, 1, 0.5));
    assert_eq!((s.mean_in_system, s.mean_waiting), (7.0 / 5.0, 2.0 / 5.0));
    // Synchronously the one cook stands by A's shot until 5, then finds B gone.
    let s = stats(&sc, Mode::Sync);
    assert_eq!((s.total_s, s.served, s.left, s.waited), (5.0, 1, 1, 1));
    assert_eq!((s.mean_in_system, s.mean_waiting), (2.0, 1.0));
}

/// Without a warm-up, the time-averaged customers in the café and waiting are
/// Little's law exactly: everyone who came was served inside the window, so the
/// area under the count is the sum of their times.
#[test]
fn customers_in_the_cafe_and_waiting_add_up_to_their_times() {
    for b in builtin::BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let s = stats(&sc, mode);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
            let (came, name) = (s.served + s.left + s.balked, format!("{} {}", b.name, mode.name()));
            assert!(s.waited <= came && s.waited >= s.left, "{name}");
            if s.left + s.balked == 0 {
                let served = s.served as f64;
                assert!(close(s.mean_in_system * s.total_s, served * s.time_in_system.mean_s), "{name}");
                assert!(close(s.mean_waiting * s.total_s, served * s.wait.mean_s), "{name}");
            } else {
                // Those who left add their time too.
                assert!(s.mean_in_system * s.total_s > s.served as f64 * s.time_in_system.mean_s, "{name}");
            }
            assert!(s.mean_waiting <= s.mean_in_system, "{name}");
        }
    }
}

#[test]
fn a_warm_up_leaves_out_orders_that_arrived_during_it_and_the_time_before_its_end() {
    let sc = load(FOUR_SHOTS);
    // Warm-up 1 s: only D (arrived at 3) counts; the window is [1, 8], 7 s.
    let s = stats_after(&sc, Mode::Async, 1.0);
    assert_eq!((s.total_s, s.measured_s, s.served), (8.0, 7.0, 1));
    assert_eq!(s.throughput_per_hour, 3600.0 / 7.0);
    // D waits from 3 to 6 and is served at 8.
    assert_eq!(s.wait, summary(1, 3.0, 3.0, 3.0, 3.0));
    assert_eq!(s.time_in_system, summary(1, 5.0, 5.0, 5.0, 5.0));
    assert_eq!(s.longest_chain, summary(1, 2.0, 2.0, 2.0, 2.0));
    assert_eq!(s.above_chain, summary(1, 3.0, 3.0, 3.0, 3.0));
    // The queue of 2 standing at 1 s counts from there: 2·1 + 1·1 + 2·1 + 1·2 = 7
    // queue-seconds over 7 s. The machine is busy the whole window.
    let e = &s.equipment[0];
    assert_eq!((e.busy_s, e.utilisation, e.mean_queue, e.longest_queue), (7.0, 1.0, 1.0, 2));
    // The cook only takes orders: idle throughout the window.
    let cook = &s.cooks[0];
    assert_eq!((cook.hands_on_s, cook.standing_by_s, cook.idle_s, cook.idle_share), (0.0, 0.0, 7.0, 1.0));
    // Everyone in the café inside the window counts, whenever they came: A over
    // [1, 2], B [1, 4], C [1, 6], D [3, 8], 14 customer-seconds over 7 s; waiting
    // B [1, 2], C [1, 4], D [3, 6]. Of the orders, only D's counts, and it waited.
    assert_eq!((s.mean_in_system, s.mean_waiting), (2.0, 1.0));
    assert_eq!((s.waited, s.waited_share), (1, 1.0));

    // Warm-up 5 s: nobody arrives after it, so no order counts; over [5, 8] the queue
    // holds D alone until 6: a mean of 1/3 and a longest queue of 1, carried over
    // the warm-up's end.
    let s = stats_after(&sc, Mode::Async, 5.0);
    assert_eq!((s.total_s, s.measured_s, s.served, s.throughput_per_hour), (8.0, 3.0, 0, 0.0));
    assert_eq!(s.wait, summary(0, 0.0, 0.0, 0.0, 0.0));
    assert_eq!(s.time_in_system.count, 0);
    let e = &s.equipment[0];
    assert_eq!((e.busy_s, e.utilisation, e.mean_queue, e.longest_queue), (3.0, 1.0, 1.0 / 3.0, 1));

    // Warm-up 3 s: D arrives exactly as it ends and counts; the queue is 2 over
    // [3, 4), 1 over [4, 6): 4 queue-seconds over 5 s.
    let s = stats_after(&sc, Mode::Async, 3.0);
    assert_eq!((s.measured_s, s.served), (5.0, 1));
    assert_eq!((s.equipment[0].mean_queue, s.equipment[0].longest_queue), (0.8, 2));

    // A warm-up longer than the run leaves an empty window.
    let s = stats_after(&sc, Mode::Async, 60.0);
    assert_eq!((s.total_s, s.measured_s, s.served, s.throughput_per_hour), (8.0, 0.0, 0, 0.0));
    let e = &s.equipment[0];
    assert_eq!((e.busy_s, e.utilisation, e.mean_queue, e.longest_queue), (0.0, 0.0, 0.0, 0));
    assert_eq!(s.cooks[0].idle_share, 0.0);
}

#[test]
fn a_warm_up_cuts_cook_time_at_its_end() {
    // One cook, 2 s hands-on sandwiches; customers at 0, 1 and 5. The first blocks
    // the door until 2, so the second is taken at 2 and made over [2, 4]; the third
    // over [5, 7].
    let sc = load(
        r#"
[recipes.sandwich]
steps = [{ name = "make", kind = "hands-on", duration = 2 }]
[menu]
sandwich = "sandwich"
[customers]
list = [{ item = "sandwich" }, { item = "sandwich", arrival = 1 }, { item = "sandwich", arrival = 5 }]
"#,
    );
    let s = stats(&sc, Mode::Async);
    assert_eq!((s.total_s, s.served, s.cooks[0].hands_on_s, s.cooks[0].idle_s), (7.0, 3, 6.0, 1.0));
    // Warm-up 3 s: the window [3, 7] has 1 s of the second sandwich and 2 s of the
    // third. The second customer arrived at 1, during the warm-up, so is left out
    // although served at 4; only the third (no wait, 2 s in the kitchen) counts.
    let s = stats_after(&sc, Mode::Async, 3.0);
    assert_eq!((s.total_s, s.measured_s, s.served, s.throughput_per_hour), (7.0, 4.0, 1, 900.0));
    let cook = &s.cooks[0];
    assert_eq!((cook.hands_on_s, cook.standing_by_s, cook.idle_s), (3.0, 0.0, 1.0));
    assert_eq!((cook.hands_on_share, cook.idle_share), (0.75, 0.25));
    assert_eq!(s.wait, summary(1, 0.0, 0.0, 0.0, 0.0));
    assert_eq!(s.time_in_system, summary(1, 2.0, 2.0, 2.0, 2.0));
    // The text says what was measured.
    assert!(
        s.render(sc.unit).contains("  measured time         4.00    after the warm-up\n"),
        "{}",
        s.render(sc.unit)
    );
}

#[test]
fn the_synchronous_cafe_after_a_warm_up_of_four_seconds() {
    // Both customers arrive at 0, so no order counts; the cook stands by through the
    // window [4, 10], and one of the two group heads brews throughout it.
    let cafe = load_builtin("cafe");
    let s = stats_after(&cafe, Mode::Sync, 4.0);
    assert_eq!((s.total_s, s.measured_s, s.served, s.throughput_per_hour), (10.0, 6.0, 0, 0.0));
    assert_eq!(s.wait.count + s.time_in_system.count + s.longest_chain.count + s.above_chain.count, 0);
    let cook = &s.cooks[0];
    assert_eq!(
        (cook.hands_on_s, cook.standing_by_s, cook.idle_s, cook.standing_by_share),
        (0.0, 6.0, 0.0, 1.0)
    );
    let machine = &s.equipment[0];
    assert_eq!((machine.busy_s, machine.utilisation), (6.0, 0.5));
}

#[test]
fn a_warm_up_of_zero_is_no_warm_up() {
    for b in builtin::BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let s = stats_after(&sc, mode, 0.0);
            assert_eq!(s, stats(&sc, mode), "{} {}", b.name, mode.name());
            assert_eq!(s.measured_s, s.total_s);
            assert!(!s.render(sc.unit).contains("measured"));
        }
    }
}

/// Feeds a [`StatsView`], noting the most its sample store ever held, and collects
/// every served order's time in system exactly, to check the bounded statistics
/// against.
struct Watched<'s> {
    view: StatsView<'s>,
    most_bytes: usize,
    in_system: Vec<u64>,
}

impl Sink for Watched<'_> {
    fn event(&mut self, e: &Event<'_>) {
        self.view.event(e);
        self.most_bytes = self.most_bytes.max(self.view.sample_store_bytes());
        if let EventKind::Served { order, .. } = e.kind {
            self.in_system.push(e.t - order.arrival);
        }
    }
}

#[test]
fn statistics_of_many_customers_take_bounded_memory() {
    const COUNT: u64 = 2_000_000;
    let sc = load(&format!(
        r#"
[recipes.coffee]
steps = [{{ name = "brew", kind = "hands-on", duration = {{ dist = "uniform", min = 0, max = 1.8 }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {COUNT}
interarrival = {{ dist = "uniform", min = 0, max = 2 }}
"#
    ));
    let mut w = Watched { view: StatsView::new(&sc), most_bytes: 0, in_system: Vec::new() };
    engine::run(&sc, Mode::Async, sc.seed, &mut VirtualClock, &mut w);
    // Four quantities, each at most 114 KiB: exact values up to 4,096 orders, then a
    // histogram.
    assert!(w.most_bytes <= 4 * Samples::MAX_HEAP_BYTES, "{} bytes", w.most_bytes);
    const { assert!(4 * Samples::MAX_HEAP_BYTES < 500_000) };
    let s = w.view.finish();
    assert_eq!((s.served, s.time_in_system.count, s.wait.count), (COUNT, COUNT, COUNT));
    // Count, mean and max are exact; percentiles within 2^-9 of the exact ones.
    let mut v = w.in_system;
    v.sort_unstable();
    let n = v.len() as u64;
    let secs = |t: u64| TimeUnit::Seconds.from_ticks(t);
    let sum: u128 = v.iter().map(|&x| x as u128).sum();
    let mean = secs((sum / n as u128) as u64) + (sum % n as u128) as f64 / n as f64 / 1e9;
    assert_eq!((s.time_in_system.mean_s, s.time_in_system.max_s), (mean, secs(v[n as usize - 1])));
    for (p, got) in [(0.5, s.time_in_system.p50_s), (0.95, s.time_in_system.p95_s)] {
        let want = secs(v[nearest_rank(p, n) as usize - 1]);
        assert!((got - want).abs() <= want / 512.0 + 1e-12, "p{p}: {got} vs {want}");
    }
}

/// `Stats<Estimate>` is one map over the runs: every statistic of the registry is
/// estimated from that statistic of each run.
#[test]
fn estimates_over_runs_follow_the_registry() {
    use async_cafe::view::stats::{Estimate, Field, RunStat, Stat};
    let sc = load_builtin("rush-hour");
    let runs: Vec<Stats> = [1, 2, 3]
        .iter()
        .map(|&seed| {
            let mut view = StatsView::new(&sc);
            engine::run(&sc, Mode::Async, seed, &mut VirtualClock, &mut view);
            view.finish()
        })
        .collect();
    let over = Stats::<Estimate>::over(&runs);
    let same = Stats::<Estimate>::over(&vec![runs[0].clone(); 4]);
    let stats: Vec<Stat> = Stat::all(runs[0].cooks.len(), runs[0].equipment.len()).collect();
    assert_eq!(stats.len(), 12 + 4 * 5 + runs[0].cooks.len() * 6 + runs[0].equipment.len() * 4);
    for stat in stats {
        let values: Vec<f64> = runs.iter().map(|s| s.value(stat).unwrap()).collect();
        assert_eq!(*over.get(stat).unwrap().value(), Estimate::from_samples(&values), "{stat:?}");
        let constant = same.get(stat).unwrap().value();
        assert_eq!((constant.mean, constant.sd, constant.n), (values[0], 0.0, 4), "{stat:?}");
        assert!(matches!(runs[0].get(stat), Some(Field::Count(_)) | Some(Field::Real(_))));
    }
    // A run's shares of customers follow from its counts: its JSON leaves them out.
    let run = runs.iter().find(|s| s.left > 0).expect("impatient customers left");
    let json = serde_json::to_value(run).unwrap();
    assert!(json.get("left_share").is_none() && json.get("balked_share").is_none());
    let total = (run.served + run.left + run.balked) as f64;
    assert_eq!(run.value(Stat::Run(RunStat::LeftShare)), Some(run.left as f64 / total));
    assert_eq!(run.value(Stat::Run(RunStat::BalkedShare)), Some(run.balked as f64 / total));
    assert_eq!(runs[0].get(Stat::Cook(99, async_cafe::view::stats::CookStat::Idle)), None);
}

/// A day where no order was served has no time in system to show: a dash, not 0.00.
#[test]
fn statistics_of_no_order_print_a_dash() {
    let sc = load(
        r#"
[kitchen]
equipment = { oven = 1 }
[recipes.bake]
steps = [{ name = "bake", kind = "unattended", duration = 5, uses = "oven" }]
[menu]
bread = "bake"
[customers]
list = [{ item = "bread", patience = 3 }, { item = "bread", patience = 2 }]
"#,
    );
    let s = stats(&sc, Mode::Async);
    assert_eq!((s.served, s.left), (0, 2));
    let text = s.render(sc.unit);
    for label in ["wait", "time in system", "longest chain", "above the chain"] {
        let line = text.lines().find(|l| l.trim_start().starts_with(label)).unwrap();
        assert_eq!(line.split_whitespace().filter(|c| *c == "–").count(), 4, "{line}");
    }
    // With one order served, the numbers are back.
    let served = stats(&load(FOUR_SHOTS), Mode::Async).render(TimeUnit::Seconds);
    assert!(!served.contains('–'), "{served}");
}

/// A clock stopped at `until` (as Ctrl-C stops the real one).
struct StopsAt(u64);

impl engine::Clock for StopsAt {
    fn advance(&mut self, t: u64) -> bool {
        t <= self.0
    }

    fn elapsed(&self, t: u64) -> u64 {
        t
    }
}

/// Stopped at 3.5 min, lunch's one customer is in the café, with all three dishes
/// started at 0: in it, not waiting. A customer let in with nothing started counts
/// as waiting until the stop.
#[test]
fn an_interrupted_run_counts_only_those_with_nothing_started_as_waiting() {
    let lunch = load_builtin("lunch");
    let mut view = StatsView::new(&lunch);
    let outcome =
        engine::run(&lunch, Mode::Async, lunch.seed, &mut StopsAt(lunch.unit.to_ticks(3.5)), &mut view);
    assert!(!outcome.finished);
    let s = view.finish();
    assert_eq!((s.served, s.waited), (0, 0));
    assert_eq!(s.mean_in_system, 1.0);
    assert_eq!(s.mean_waiting, 0.0);
    // Two customers at 0 and one cook who grinds 10 s for each, stopped while the
    // second is ground (10 to 20 s): the statistics go to the last event, at 10 s.
    let shop = load(
        "[recipes.c]\nsteps = [{ name = \"grind\", kind = \"hands-on\", duration = 10 }]\n[menu]\nc = \"c\"\n[customers]\nlist = [{ item = \"c\" }, { item = \"c\" }]\n",
    );
    let mut view = StatsView::new(&shop);
    engine::run(&shop, Mode::Async, 0, &mut StopsAt(15_000_000_000), &mut view);
    let s = view.finish();
    // (The first's gather callback waits behind the second's grind: not served yet.)
    assert_eq!((s.served, s.total_s), (0, 10.0));
    // The second waited from 0 to 10 s, the first not at all.
    assert_eq!(s.mean_waiting, 1.0);
    assert_eq!(s.mean_in_system, 2.0);
}
