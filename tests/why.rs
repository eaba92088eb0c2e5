//! Why the two kitchens' totals differ (`view::why`), sentence by sentence: exact for
//! lunch and cafe, and for every built-in, golden (`tests/golden/why/NAME.txt`). And
//! why a single run's orders took longer than their recipes (`cafe run --why`,
//! `view::why::took_longest`): what each order waited for, in words.

mod common;

use async_cafe::builtin::BUILTINS;
use async_cafe::model::{Mode, Scenario};
use async_cafe::ops::{self, ClockKind, CompareOptions, RunSpec, Want};
use async_cafe::view::why::why;

fn reasons(name: &str) -> Vec<String> {
    let sc = common::load_builtin(name);
    let cmp = ops::compare(&sc, &CompareOptions::default()).unwrap();
    why(&cmp, &sc)
}

#[test]
fn lunch_says_the_cook_watched_the_pasta_and_peeled_the_avocado_meanwhile() {
    assert_eq!(
        reasons("lunch"),
        [
            "The synchronous cook stood by 13 min of 15 min, mostly watching the pasta: time it could have spent on other work.",
            "Asynchronously, the avocado (hands-on, 2 min) overlapped the pasta and the meatloaf: the cook worked while they cooked.",
            "So the asynchronous kitchen finished in 10 min instead of 15 min: 5 min sooner.",
        ]
    );
}

#[test]
fn cafe_says_the_brews_ran_together() {
    assert_eq!(
        reasons("cafe"),
        [
            "The synchronous cook stood by 10 s of 10 s, all of it watching the brew: time it could have spent on other work.",
            "Asynchronously, 2 unattended steps ran at once (the brew of 2 orders): the loop waits for all their timers together.",
            "So the asynchronous kitchen finished in 5 s instead of 10 s: 5 s sooner.",
        ]
    );
}

#[test]
fn a_comparison_of_policies_has_no_reasons_of_modes() {
    let sc = common::load_builtin("rush-hour");
    let policies = [async_cafe::model::Policy::Fifo, async_cafe::model::Policy::LongestChain];
    let cmp = ops::compare_policies(&sc, &policies, &CompareOptions::default()).unwrap();
    assert!(why(&cmp, &sc).is_empty());
    assert!(!cmp.render(&sc).contains("Why:"));
}

#[test]
fn every_builtin_has_its_reasons_golden() {
    let dir = common::root().join("tests/golden/why");
    common::assert_goldens(BUILTINS.iter().map(|b| {
        let text: String = reasons(b.name).iter().map(|s| format!("{s}\n")).collect();
        assert_eq!(text.lines().count(), 3, "{}: {text}", b.name);
        common::golden(&dir.join(format!("{}.txt", b.name)), &text)
    }));
}

/// Two kitchens that took the same time are as fast as each other, a day with no
/// customer (both took no time) included.
#[test]
fn a_day_with_no_customer_has_a_speedup_of_one() {
    let sc = common::load_as(
        "empty",
        "[recipes.t]\nsteps = [{ name = \"s\", kind = \"unattended\", duration = 1 }]\n[menu]\nt = \"t\"\n[customers]\nlist = []\n",
    );
    let cmp = ops::compare(&sc, &CompareOptions::default()).unwrap();
    assert_eq!(cmp.sides[0].outcome.end, 0);
    assert_eq!(cmp.speedup(), 1.0);
    assert!(cmp.render(&sc).contains("the asynchronous kitchen is 1.00x as fast"));
    assert_eq!(
        ops::compare(&common::load_builtin("lunch"), &CompareOptions::default()).unwrap().speedup(),
        1.5
    );
}

/// What `cafe run --why` says of a run of `sc` in `mode` (virtual clock).
/// The JSON report of the asynchronous kitchen's run of `sc`, with its own seed.
fn async_report(sc: &Scenario) -> async_cafe::view::json::JsonReport {
    ops::json_report(sc, RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed }).unwrap()
}

fn waited(sc: &Scenario, mode: Mode) -> Vec<String> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
    let ran = ops::run(sc, spec, Want { why: true, ..Want::default() }, &mut std::io::sink()).unwrap();
    ran.why.expect("asked for")
}

/// One order: the chop (hands-on, 3 s) holds the loop, so the simmer (unattended,
/// 3 s), ready at once, starts 3 s late. Nothing's finish is noticed late.
const LATE_START: &str = r#"
name = "late-start"
[recipes.soup]
steps = [
    { name = "chop", kind = "hands-on", duration = 3, after = [] },
    { name = "simmer", kind = "unattended", duration = 3, after = [] },
]
[menu]
soup = "soup"
[customers]
list = [{ item = "soup" }]
"#;

#[test]
fn a_start_held_up_by_the_loop_is_called_a_late_start_not_a_late_finish() {
    let sc = common::load(LATE_START);
    let report = async_report(&sc);
    let o = &report.orders[0];
    assert_eq!((o.served_s, o.loop_s, o.loop_start_s), (Some(6.0), Some(3.0), Some(3.0)));
    assert_eq!(
        waited(&sc, Mode::Async),
        ["Order 1 took 6 s, 3 s more than its longest chain of steps (3 s): it waited 3 s for the loop (an \
             unattended step started late while hands-on work held it)."]
    );
}

/// Bakery: Ben's shot, ready at once, starts 3 min late (the baker chops Ada's salad,
/// then steams Ben's milk), and its finish is noticed 2 min late (the baker kneads
/// Cy's bread): both, with the split.
#[test]
fn a_wait_for_the_loop_that_was_both_says_how_much_of_each() {
    let sc = common::load_builtin("bakery");
    let why = waited(&sc, Mode::Async);
    assert_eq!(
        why[0],
        "Order 2 took 6 min, 5 min more than its longest chain of steps (1 min): it waited 5 min for the loop \
         (an unattended step started 3 min late and a finish was noticed 2 min late, while hands-on work held \
         it)."
    );
}

/// The order numbers of what `--why` says, in its order.
fn orders_named(why: &[String]) -> Vec<u64> {
    why.iter()
        .map(|s| s.strip_prefix("Order ").unwrap().split(' ').next().unwrap().parse().unwrap())
        .collect()
}

/// In the synchronous kitchen the meal's plate waits 10 s for the cook while the
/// simmer cooks, yet the meal takes only 2 s above its longest chain (the simmer's
/// 10 s); the tea, in at 9 s, waits 3 s for the cook and takes 3 s above its chain.
/// The tea took longer than its recipe by more: it comes first.
const RANK: &str = r#"
name = "rank"
[recipes.meal]
steps = [
    { name = "simmer", kind = "unattended", duration = 10, after = [] },
    { name = "plate", kind = "hands-on", duration = 2, after = [] },
]
[recipes.tea]
steps = [{ name = "pour", kind = "hands-on", duration = 1 }]
[menu]
meal = "meal"
tea = "tea"
[customers]
list = [{ item = "meal" }, { item = "tea", arrival = 9 }]
"#;

#[test]
fn orders_are_ranked_by_how_much_longer_than_their_recipe_they_took() {
    let sc = common::load(RANK);
    let report =
        ops::json_report(&sc, RunSpec { mode: Mode::Sync, clock: ClockKind::Virtual, seed: sc.seed })
            .unwrap();
    let above: Vec<Option<f64>> = report.orders.iter().map(|o| o.above_chain_s).collect();
    let cook: Vec<Option<f64>> = report.orders.iter().map(|o| o.cook_s).collect();
    assert_eq!((above, cook), (vec![Some(2.0), Some(3.0)], vec![Some(10.0), Some(3.0)]));
    assert_eq!(orders_named(&waited(&sc, Mode::Sync)), [2, 1]);
}

/// Both orders start their unattended step 1 s late (the chop holds the loop) and
/// take 1 s above their chain; the tea is served first (at 2 s, the stew at 6 s).
/// At a tie the lower order number comes first.
const TIE: &str = r#"
name = "tie"
[recipes.stew]
steps = [
    { name = "chop", kind = "hands-on", duration = 1, after = [] },
    { name = "simmer", kind = "unattended", duration = 5, after = [] },
]
[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = 1 }]
[menu]
stew = "stew"
tea = "tea"
[customers]
list = [{ item = "stew" }, { item = "tea" }]
"#;

#[test]
fn orders_that_took_as_long_above_their_recipes_come_in_order_number() {
    let sc = common::load(TIE);
    let report = async_report(&sc);
    let served: Vec<(u64, Option<f64>, Option<f64>)> =
        report.orders.iter().map(|o| (o.id, o.served_s, o.above_chain_s)).collect();
    assert_eq!(served, [(1, Some(6.0), Some(1.0)), (2, Some(2.0), Some(1.0))]);
    assert_eq!(orders_named(&waited(&sc, Mode::Async)), [1, 2]);
}

/// The chop `a` (hands-on, 3 s) and the empty `b` (hands-on, 0 s) both come first;
/// `b` waits 3 s for the cook, and `c` (unattended, 2 s) comes after both. Served at
/// 5 s, the time of its longest chain (`a`, `c`): 0 s above it, though the path
/// through `b` waited for the cook. (The soup is [`LATE_START`]'s.)
const NO_LONGER: &str = r#"
name = "no-longer"
[recipes.r]
steps = [
    { name = "a", kind = "hands-on", duration = 3 },
    { name = "b", kind = "hands-on", duration = 0, after = [] },
    { name = "c", kind = "unattended", duration = 2, after = ["a", "b"] },
]
[recipes.soup]
steps = [
    { name = "chop", kind = "hands-on", duration = 3, after = [] },
    { name = "simmer", kind = "unattended", duration = 3, after = [] },
]
[menu]
r = "r"
soup = "soup"
[customers]
list = [{ item = "r" }]
"#;

#[test]
fn an_order_that_took_no_longer_than_its_recipe_is_not_said_to() {
    let sc = common::load(NO_LONGER);
    let report = async_report(&sc);
    let o = &report.orders[0];
    assert_eq!((o.served_s, o.above_chain_s, o.cook_s), (Some(5.0), Some(0.0), Some(3.0)));
    assert_eq!(
        waited(&sc, Mode::Async),
        [
            "No served order took longer than its recipe: each was served in the time of its longest chain of steps."
        ]
    );
    // Beside an order that did (the soup, in at 10 s, 3 s above), it is left out.
    let sc = common::load(
        &NO_LONGER.replace("[{ item = \"r\" }]", "[{ item = \"r\" }, { item = \"soup\", arrival = 10 }]"),
    );
    assert_eq!(orders_named(&waited(&sc, Mode::Async)), [2]);
}

/// The `--why` text a document shows after `$ cafe run bakery --clock virtual
/// --why`: the sentences under the heading, each as one line, indented by `indent`.
fn shown_for_bakery(doc: &str, indent: &str) -> Vec<String> {
    let example =
        doc.split("$ cafe run bakery --clock virtual --why\n").nth(1).expect("the example is there");
    let heading = format!("{indent}Why the orders took longer than their recipes:\n");
    let after = example.split(heading.as_str()).nth(1).expect("its heading");
    let prefix = format!("{indent}  ");
    after.lines().map_while(|l| l.strip_prefix(prefix.as_str())).map(str::to_string).collect()
}

#[test]
fn the_readme_and_docs_show_what_why_says() {
    let bakery = waited(&common::load_builtin("bakery"), Mode::Async);
    let read = |p: &str| std::fs::read_to_string(common::root().join(p)).unwrap();
    assert_eq!(shown_for_bakery(&read("README.md"), "    "), bakery);
    assert_eq!(shown_for_bakery(&read("docs/loop.md"), ""), bakery);
}
