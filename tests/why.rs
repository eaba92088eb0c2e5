//! Why the two kitchens' totals differ (`view::why`), sentence by sentence: exact for
//! lunch and cafe, and for every built-in, golden (`tests/golden/why/NAME.txt`).

mod common;

use async_cafe::builtin::BUILTINS;
use async_cafe::ops::{self, CompareOptions};
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
