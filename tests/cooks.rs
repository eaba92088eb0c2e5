//! Several cooks: the rules that have no single-loop Python equivalent, pinned by
//! hand-worked examples (see the module docs of `engine::asyncio` and `engine::sync`).

use async_cafe::engine::Mode;
use async_cafe::ops;
use async_cafe::scenario;

/// Runs a scenario on the virtual clock and returns `time line` rows.
fn narrate(toml: &str, mode: Mode) -> Vec<String> {
    let sc = scenario::load_str("t", toml).unwrap_or_else(|e| panic!("{e}"));
    ops::narrative_lines(&sc, mode, 0)
        .into_iter()
        .map(|(t, line)| format!("{:.2} {line}", sc.unit.from_ticks(t)))
        .collect()
}

const NARRATIVE: &str = r#"
[narrative]
arrival = "{customer} arrives"
step_start = "{customer} {step} starts (cook {cook})"
step_finish = "{customer} {step} ends"
served = "{customer} served"
service_end = "done {elapsed:.2f}"
"#;

#[test]
fn two_cooks_share_the_blocking_work_and_the_lowest_free_cook_takes_the_next_handle() {
    let toml = format!(
        r#"
[kitchen]
cooks = 2
[recipes.peel]
steps = [{{ name = "peel", kind = "hands-on", duration = 2 }}]
[menu]
avocado = "peel"
[customers]
list = [{{ item = "avocado", name = "A" }}, {{ item = "avocado", name = "B" }}, {{ item = "avocado", name = "C" }}]
{NARRATIVE}"#
    );
    assert_eq!(
        narrate(&toml, Mode::Async),
        [
            "0.00 A arrives",
            "0.00 B arrives",
            "0.00 C arrives",
            // Cook 1 blocks on A; the next handle goes to cook 2; both are busy, so
            // C's step waits for the first cook to finish.
            "0.00 A peel starts (cook 1)",
            "0.00 B peel starts (cook 2)",
            "2.00 A peel ends",
            // Cook 1 finished first (it began first), so it takes C.
            "2.00 C peel starts (cook 1)",
            "2.00 B peel ends",
            "2.00 A served",
            "2.00 B served",
            "4.00 C peel ends",
            "4.00 C served",
            "4.00 done 4.00",
        ]
    );
}

#[test]
fn a_cook_that_finishes_at_a_timers_instant_goes_before_the_timer() {
    // Cook 1 blocks 0..1 on A's chop; B's 1 s unattended boil falls due at 1 too.
    let toml = format!(
        r#"
[kitchen]
cooks = 2
[recipes.chop]
steps = [{{ name = "chop", kind = "hands-on", duration = 1 }}]
[recipes.boil]
steps = [{{ name = "boil", kind = "unattended", duration = 1 }}]
[menu]
chop = "chop"
boil = "boil"
[customers]
list = [{{ item = "chop", name = "A" }}, {{ item = "boil", name = "B" }}]
{NARRATIVE}"#
    );
    assert_eq!(
        narrate(&toml, Mode::Async),
        [
            "0.00 A arrives",
            "0.00 B arrives",
            "0.00 A chop starts (cook 1)",
            "0.00 B boil starts (cook )",
            // Cook 1's step ends first and queues its order's gather callback; only
            // then does the loop look at timers, and B's sleep needs two queue steps
            // (the timer's callback, then B's wakeup), as A's gather does.
            "1.00 A chop ends",
            "1.00 A served",
            "1.00 B boil ends",
            "1.00 B served",
            "1.00 done 1.00",
        ]
    );
}

#[test]
fn synchronous_cooks_each_take_the_next_customer_and_queue_for_equipment() {
    let toml = format!(
        r#"
[kitchen]
cooks = 2
equipment = {{ espresso = 1 }}
[recipes.coffee]
steps = [
    {{ name = "grind", kind = "hands-on", duration = 1 }},
    {{ name = "pull", kind = "unattended", duration = 2, uses = "espresso" }},
]
[menu]
coffee = "coffee"
[customers]
list = [
    {{ item = "coffee", name = "A" }},
    {{ item = "coffee", name = "B" }},
    {{ item = "coffee", name = "C", arrival = 1 }},
]
{NARRATIVE}"#
    );
    assert_eq!(
        narrate(&toml, Mode::Sync),
        [
            "0.00 A arrives",
            "0.00 A grind starts (cook 1)",
            "0.00 B arrives",
            "0.00 B grind starts (cook 2)",
            "1.00 A grind ends",
            "1.00 A pull starts (cook 1)",
            // Cook 2 finds the machine in use and stands in line for it.
            "1.00 B grind ends",
            // Cook 1 hands the machine to cook 2, who acts next, after cook 1 has
            // finished what it is doing: serving A and taking C, who has been
            // waiting since 1.
            "3.00 A pull ends",
            "3.00 A served",
            "3.00 C arrives",
            "3.00 C grind starts (cook 1)",
            "3.00 B pull starts (cook 2)",
            // Cook 1 queues for the machine at 4 and gets it when cook 2 is done.
            "4.00 C grind ends",
            "5.00 B pull ends",
            "5.00 B served",
            "5.00 C pull starts (cook 1)",
            "7.00 C pull ends",
            "7.00 C served",
            "7.00 done 7.00",
        ]
    );
}

#[test]
fn with_one_cook_the_synchronous_kitchen_says_between_orders_only_while_customers_remain() {
    let toml = r#"
[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = 3 }]
[menu]
tea = "tea"
[customers]
list = [{ item = "tea", name = "A" }, { item = "tea", name = "B", arrival = 5 }]
[narrative]
arrival = "{customer} arrives at {arrival}"
served = "{customer} served"
between = "Next customer please!"
service_end = "done {elapsed:.2f}"
"#;
    let want = [
        "0.00 A arrives at 0",
        "3.00 A served",
        "3.00 Next customer please!",
        // The cook is idle from 3 until B comes in at 5.
        "5.00 B arrives at 5",
        "8.00 B served",
        "8.00 done 8.00",
    ];
    assert_eq!(narrate(toml, Mode::Sync), want);
    // The asynchronous kitchen never says it.
    assert!(!narrate(toml, Mode::Async).iter().any(|l| l.contains("Next customer")));
}
