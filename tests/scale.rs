//! Big recipes load and run in time linear in their steps and customers: a recipe of
//! 20,000 steps with 50 customers takes a second or two in a debug build, where a
//! pass over the steps per step (or over the ready queue per choice) would take
//! minutes and make this suite visibly slow.

mod common;

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::Event;
use async_cafe::model::{Customers, Policy, Scenario};
use async_cafe::scenario;

const STEPS: usize = 20_000;

/// A recipe of `STEPS` hands-on steps of 1 s, each written by `step(i)`, and
/// `customers` customers a second apart.
fn recipe(customers: u32, step: impl Fn(usize) -> String) -> String {
    let steps: Vec<String> = (0..STEPS).map(step).collect();
    format!(
        "[recipes.long]\nsteps = [\n{}\n]\n[menu]\nlong = \"long\"\n[customers.generate]\ncount = {customers}\ninterarrival = 1\n",
        steps.join(",\n")
    )
}

fn load(text: &str) -> Result<Scenario, String> {
    common::try_load("long", text)
}

/// (end in seconds, customers served) of a run.
fn run(sc: &Scenario, mode: Mode) -> (f64, u64) {
    let outcome = engine::run(sc, mode, 0, &mut VirtualClock, &mut |_: &Event<'_>| {});
    (sc.unit.from_ticks(outcome.end), outcome.served)
}

/// A chain: each step waits for the one before it. One cook is never idle, so the
/// last of 50 customers is served after 50 × 20,000 s of work, in both kitchens and
/// under every policy.
#[test]
fn a_chain_of_20000_steps() {
    let text = recipe(50, |i| {
        let after = if i == 0 { String::new() } else { format!(", after = [\"s{}\"]", i - 1) };
        format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 1{after} }}")
    });
    let mut sc = load(&text).unwrap();
    assert_eq!(sc.menu.recipes[0].steps.len(), STEPS);
    let work = STEPS as f64;
    assert_eq!(run(&sc, Mode::Async), (50.0 * work, 50));
    assert_eq!(run(&sc, Mode::Sync), (50.0 * work, 50));
    // A policy chooses among every ready handle: 2 customers queue 40,000.
    sc.customers = load(&text.replace("count = 50", "count = 2")).unwrap().customers;
    for policy in [Policy::LongestChain, Policy::UnattendedFirst] {
        sc.kitchen.policy = policy;
        assert_eq!(run(&sc, Mode::Async), (2.0 * work, 2), "{policy:?}");
    }
}

/// A fan: the last step waits for all 19,999 others, named in its `after`.
#[test]
fn a_step_waiting_for_19999_others() {
    let all: Vec<String> = (0..STEPS - 1).map(|i| format!("\"s{i}\"")).collect();
    let text = recipe(5, |i| match i {
        _ if i == STEPS - 1 => {
            format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 1, after = [{}] }}", all.join(", "))
        }
        _ => format!("{{ name = \"s{i}\", kind = \"unattended\", duration = 1, after = [] }}"),
    });
    let mut sc = load(&text).unwrap();
    // Every unattended step of a customer runs at once, as soon as they come.
    assert_eq!(run(&sc, Mode::Async), (8.0, 5));
    sc.kitchen.policy = Policy::LongestChain;
    assert_eq!(run(&sc, Mode::Async), (6.0, 5));
}

/// A cycle through 20,000 steps is found without running out of stack: each step
/// waits for the next, and the last (with no `after`) for the one before it.
#[test]
fn a_cycle_through_20000_steps() {
    let text = recipe(1, |i| {
        let after = if i + 1 == STEPS { String::new() } else { format!(", after = [\"s{}\"]", i + 1) };
        format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 1{after} }}")
    });
    let got = load(&text).unwrap_err();
    assert!(got.starts_with("error: the steps of recipe `long` wait for each other in a cycle: `s19998` → `s19999` → `s19998`\n"), "{}", &got[..got.len().min(600)]);
    assert!(got.ends_with("error: long.toml has 1 problem\n"), "{}", &got[got.len().saturating_sub(600)..]);
}

/// Customers who give the duration of every step, listed or replayed, are read in
/// time linear in the steps they name (each name is looked up, not searched for).
#[test]
fn durations_for_each_of_20000_steps() {
    let chain = |i: usize| {
        let after = if i == 0 { String::new() } else { format!(", after = [\"s{}\"]", i - 1) };
        format!("{{ name = \"s{i}\", kind = \"hands-on\", duration = 1{after} }}")
    };
    let durations: Vec<String> = (0..STEPS).map(|i| format!("s{i} = 2")).collect();
    let customer = format!("{{ item = \"long\", durations = {{ {} }} }}", durations.join(", "));
    let text = recipe(2, chain).replace(
        "[customers.generate]\ncount = 2\ninterarrival = 1\n",
        &format!("[customers]\nlist = [{customer}, {customer}]\n"),
    );
    let sc = load(&text).unwrap();
    assert_eq!(run(&sc, Mode::Async), (2.0 * 2.0 * STEPS as f64, 2));

    // A replayed day: every step's name is a possible column.
    let text = recipe(3, chain).replace(
        "[customers.generate]\ncount = 3\ninterarrival = 1\n",
        "[customers]\nreplay = \"day.csv\"\n",
    );
    let day = "arrival,item,s19999\n0,long,5\n";
    let sc =
        scenario::Source::new("long", &text).file("day.csv", day).load().map_err(|e| e.render()).unwrap();
    assert_eq!(run(&sc, Mode::Async), (STEPS as f64 + 4.0, 1));
}

/// A synchronous cook who finds customer after customer gone goes on in a loop,
/// not a recursion: a line of 20,000 customers who gave up while the cook was busy
/// runs on a small stack (it overflowed the stack before).
#[test]
fn a_long_line_of_customers_found_gone_takes_no_stack() {
    let toml = r#"
[kitchen]
cooks = 1
[recipes.slow]
steps = [{ name = "cook", kind = "hands-on", duration = 10 }]
[menu]
slow = "slow"
[customers]
patience = 1
[customers.generate]
count = 20000
interarrival = 0.0001
"#;
    let sc = std::sync::Arc::new(common::load_as("gone", toml));
    let on_a_small_stack = |mode: Mode| {
        let sc = std::sync::Arc::clone(&sc);
        std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                let mut view = async_cafe::view::stats::StatsView::new(&sc);
                async_cafe::engine::run(&sc, mode, 1, &mut async_cafe::engine::VirtualClock, &mut view);
                let stats = view.finish();
                (stats.served, stats.left)
            })
            .unwrap()
            .join()
            .expect("the run ends without overflowing its stack")
    };
    // The first is served too late: in the synchronous kitchen, that counts as left.
    assert_eq!(on_a_small_stack(Mode::Sync), (0, 20_000));
    // The asynchronous cook is blocked by the first order's hands-on step while the
    // others' patience runs out; they leave when the loop runs again.
    let (served, left) = on_a_small_stack(Mode::Async);
    assert_eq!(served + left, 20_000);
    assert!(left >= 19_990, "{served} served, {left} left");
    assert!(served < 10, "{served} served, {left} left");
}

/// A menu of 20,000 items, each its own recipe, and an option of 20,000 values:
/// listed and replayed customers get the item and value they name (each name is
/// looked up, not searched for), the first of a value listed twice.
#[test]
fn a_menu_of_20000_items_and_values() {
    let n = 20_000;
    let mut values: Vec<String> = (0..n).map(|v| format!("\"v{v}\"")).collect();
    values.push("\"v7\"".into());
    let mut text = format!("[options]\nsize = [{}]\n", values.join(", "));
    for i in 0..n {
        text +=
            &format!("[recipes.r{i}]\nsteps = [{{ name = \"s{i}\", kind = \"hands-on\", duration = 1 }}]\n");
    }
    text += "[menu]\n";
    // Items in the reverse order of their recipes.
    for i in (0..n).rev() {
        text += &format!("i{i} = \"r{i}\"\n");
    }
    let customers: Vec<String> = (0..n)
        .map(|i| format!("{{ item = \"i{i}\", options = {{ size = \"v{}\" }} }}", (i * 7) % n))
        .collect();
    let listed = format!("{text}[customers]\nlist = [\n{}\n]\n", customers.join(",\n"));
    let sc = load(&listed).unwrap();
    let Customers::List(list) = &sc.customers else { panic!("a list") };
    for (i, c) in list.iter().enumerate() {
        let item = &sc.menu.items[c.item as usize];
        assert_eq!(item.name, format!("i{i}"));
        assert_eq!(sc.menu.recipes[item.recipe as usize].steps[0].name, format!("s{i}"));
        assert_eq!(c.options, [((i * 7) % n) as u16]);
    }
    // The same day replayed.
    let replayed = format!("{text}[customers]\nreplay = \"day.csv\"\n");
    let day: String = std::iter::once("arrival,item,size\n".to_string())
        .chain((0..n).map(|i| format!("{i},i{i},v{}\n", (i * 7) % n)))
        .collect();
    let sc = scenario::Source::new("long", &replayed)
        .file("day.csv", &day)
        .load()
        .map_err(|e| e.render())
        .unwrap();
    let Customers::List(list) = &sc.customers else { panic!("a list") };
    assert!(
        list.iter()
            .enumerate()
            .all(|(i, c)| c.item as usize == n - 1 - i && c.options == [((i * 7) % n) as u16])
    );
    // A value listed twice is the first.
    let twice = listed.replace("size = \"v0\"", "size = \"v7\"");
    let Customers::List(list) = load(&twice).unwrap().customers else { panic!("a list") };
    assert_eq!(list[0].options, [7]);
}

/// A day whose rate changes 20,000 times, closed every other second: every arrival
/// comes while the door is open, up to the last piece (the pieces passed are
/// passed once, not looked through again at every arrival).
#[test]
fn a_schedule_of_20000_pieces() {
    let pieces: Vec<String> = (0..20_000)
        .map(|p| format!("{{ until = {}, rate = {} }}", p + 1, if p % 2 == 1 { 5 } else { 0 }))
        .collect();
    let text = format!(
        "[recipes.r]\nsteps = [{{ name = \"s\", kind = \"unattended\", duration = 1 }}]\n[menu]\nx = \"r\"\n[customers.generate]\ncount = 1000000\nschedule = [{}]\n",
        pieces.join(", ")
    );
    let sc = load(&text).unwrap();
    let mut last = 0.0;
    let mut count = 0;
    for order in async_cafe::orders::OrderSource::new(&sc, 3) {
        let t = sc.unit.from_ticks(order.arrival);
        assert!(t >= last, "arrivals in order");
        // Open from 2k + 1 to 2k + 2.
        assert!(t.ceil() as u64 % 2 == 0 && t > 0.0, "an arrival at {t}, while the door is closed");
        last = t;
        count += 1;
    }
    assert!(last > 19_999.0 && last <= 20_000.0, "the last arrival at {last}");
    // 10,000 open seconds at 5 a second.
    assert!((48_000..52_000).contains(&count), "{count} arrivals");
}
