//! `cafe sweep`'s library: parsing `--vary` and `--target`, the grid's order, costs,
//! determinism whatever the threads, the cheapest configuration on M/M/c cafés whose
//! answer is known from Erlang C, the CSV, the HTML page, and stopping early.

mod common;

use async_cafe::clock::Cancel;
use async_cafe::engine::Mode;
use async_cafe::model::Scenario;
use async_cafe::ops::{self, Batch, Progress};
use async_cafe::sweep::{self, Metric, Op, Param, Quantity, Sweep, Target, Vary};
use common::load_builtin;

fn load(toml: &str) -> Scenario {
    common::load_as("mmc", toml)
}

/// An M/M/c café: Poisson arrivals at rate `lam`, one hands-on step of exponential
/// duration (mean 1), so the cooks are the servers. Cooks cost 10, the (unused)
/// machine 3 a unit.
fn mmc(lam: f64, count: u64) -> Scenario {
    load(&format!(
        r#"
[kitchen]
cooks = 4
cook_cost = 10
equipment = {{ machine = {{ capacity = 2, cost = 3 }}, grinder = 1 }}
[recipes.job]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1 }} }}]
[menu]
job = "job"
[customers.generate]
count = {count}
rate = {lam}
"#
    ))
}

fn vary(sc: &Scenario, spec: &str) -> Vary {
    sweep::parse_vary(spec, sc).unwrap_or_else(|e| panic!("{e}"))
}

fn err(sc: &Scenario, spec: &str) -> String {
    sweep::parse_vary(spec, sc).unwrap_err().to_string()
}

fn opts(replications: u32, threads: usize) -> Batch<'static> {
    Batch { mode: Mode::Async, seed: Some(7), replications, threads, ..Batch::default() }
}

fn run(sc: &Scenario, varies: &[Vary], batch: &Batch<'_>) -> Sweep {
    ops::sweep(sc, varies, batch).unwrap()
}

#[test]
fn vary_specs_parse_ranges_and_lists() {
    let sc = mmc(3.0, 100);
    assert_eq!(vary(&sc, "cooks=1..6"), Vary { param: Param::Cooks, values: vec![1., 2., 3., 4., 5., 6.] });
    assert_eq!(vary(&sc, "cooks=2..=3").values, [2., 3.]);
    assert_eq!(vary(&sc, "cooks=4").values, [4.]);
    assert_eq!(vary(&sc, "cooks=5,2,3").values, [5., 2., 3.]);
    assert_eq!(
        vary(&sc, "equipment.machine=1..3"),
        Vary { param: Param::Equipment { index: 0, name: "machine".into() }, values: vec![1., 2., 3.] }
    );
    assert_eq!(vary(&sc, "equipment.grinder=2").param, Param::Equipment { index: 1, name: "grinder".into() });
    assert_eq!(
        vary(&sc, "arrivals.rate=0.5,1,2"),
        Vary { param: Param::ArrivalRate, values: vec![0.5, 1., 2.] }
    );
    assert_eq!(vary(&sc, "arrivals.rate=1..3").values, [1., 2., 3.]);
    assert_eq!(Param::ArrivalRate.name(), "arrivals.rate");
    assert_eq!(Param::Equipment { index: 0, name: "machine".into() }.name(), "equipment.machine");
}

#[test]
fn bad_vary_specs_say_what_is_wrong() {
    let sc = mmc(3.0, 100);
    let cases = [
        (
            "cooks",
            "--vary `cooks`: expected NAME=VALUES, like `cooks=1..6`, `equipment.coffee_machine=1..3`, `arrivals.rate=0.5,1,2` or `policy=fifo,longest-chain`",
        ),
        (
            "cook=1..3",
            "--vary `cook=1..3`: unknown parameter `cook`; did you mean `cooks`? What can vary: cooks, equipment.NAME (a capacity), arrivals.rate, policy",
        ),
        (
            "staff=1..3",
            "--vary `staff=1..3`: unknown parameter `staff`; What can vary: cooks, equipment.NAME (a capacity), arrivals.rate, policy",
        ),
        (
            "equipment.machin=1..3",
            "--vary `equipment.machin=1..3`: the kitchen has no equipment `machin`; did you mean `machine`? It has: machine, grinder",
        ),
        (
            "equipment.oven=1",
            "--vary `equipment.oven=1`: the kitchen has no equipment `oven`; it has: machine, grinder",
        ),
        (
            "cooks=5..2",
            "--vary `cooks=5..2`: the range 5..2 is empty; write the smaller number first, like `cooks=2..5`",
        ),
        ("cooks=0..3", "--vary `cooks=0..3`: a kitchen needs at least one cook; start at 1"),
        ("cooks=1,two", "--vary `cooks=1,two`: `two` is not a whole number"),
        ("cooks=1.5", "--vary `cooks=1.5`: `1.5` is not a whole number"),
        // A negative or huge whole number is out of range, not "not whole".
        ("cooks=-1", "--vary `cooks=-1`: a kitchen needs at least one cook; start at 1"),
        ("cooks=-2..3", "--vary `cooks=-2..3`: a kitchen needs at least one cook; start at 1"),
        (
            "cooks=99999999999999999999",
            "--vary `cooks=99999999999999999999`: a kitchen has at most 65535 cooks",
        ),
        (
            "equipment.machine=-3",
            "--vary `equipment.machine=-3`: a capacity below 1 means no step could use `machine`; start at 1",
        ),
        ("cooks=1e3", "--vary `cooks=1e3`: `1e3` is not a whole number"),
        ("cooks=", "--vary `cooks=`: a value is missing"),
        ("cooks=1..", "--vary `cooks=1..`: a range needs both ends, like `1..6`"),
        (
            "arrivals.rate=0.5..2",
            "--vary `arrivals.rate=0.5..2`: `0.5` is not a whole number (a range goes from one whole number to another; for other values, list them: `0.5,1,2`)",
        ),
        ("cooks=2,3,2", "--vary `cooks=2,3,2`: the value 2 is given twice"),
        (
            "equipment.machine=0..2",
            "--vary `equipment.machine=0..2`: a capacity below 1 means no step could use `machine`; start at 1",
        ),
        (
            "arrivals.rate=0,1",
            "--vary `arrivals.rate=0,1`: a rate is a positive number of customers per s, not 0",
        ),
        ("arrivals.rate=x", "--vary `arrivals.rate=x`: `x` is not a number"),
        (
            "arrivals.rate=1,1e999",
            "--vary `arrivals.rate=1,1e999`: `1e999` is out of range: too large to be a number (the largest is about 1.8e308)",
        ),
    ];
    for (spec, message) in cases {
        assert_eq!(err(&sc, spec), message, "{spec}");
    }
    // A rate only for Poisson arrivals.
    let fixed = load(
        "[recipes.t]\nsteps = [{ name = \"s\", kind = \"hands-on\", duration = 1 }]\n[menu]\nt = \"t\"\n[customers.generate]\ncount = 5\ninterarrival = 2\n",
    );
    assert_eq!(
        err(&fixed, "arrivals.rate=1,2"),
        "--vary `arrivals.rate=1,2`: `arrivals.rate` can only be varied when customers arrive at a Poisson rate: `[customers.generate]` with `rate = ...` (or an exponential `interarrival`); this scenario's customers do not"
    );
    assert_eq!(
        err(&fixed, "equipment.oven=1"),
        "--vary `equipment.oven=1`: the kitchen has no equipment `oven`: it has no equipment at all"
    );
    // A rate the file's `rate` could not have: the loader's limits on how many
    // customers come, and how many at one instant, hold for a varied rate too.
    let takeaway = load_builtin("takeaway");
    assert_eq!(
        err(&takeaway, "arrivals.rate=1,1e8"),
        "--vary `arrivals.rate=1,1e8`: this rate would let in about 6.00e9 customers before `until`, more than the 1,000,000,000 a scenario without a `count` can let in: choose a lower rate, or add `count = 1000` (the most customers to let in) to [customers.generate]"
    );
    assert_eq!(vary(&takeaway, "arrivals.rate=1e7").values, [1e7]);
    assert_eq!(
        err(&mmc(3.0, 5_000_000), "arrivals.rate=1e15"),
        "--vary `arrivals.rate=1e15`: at this rate the interarrival times round to 0 (the clock counts whole nanoseconds), so about 5.00e6 customers would come in at one instant, more than the 1,000,000 a run can hold at once: choose a lower rate"
    );
    assert_eq!(vary(&mmc(3.0, 500_000), "arrivals.rate=1e15").values, [1e15]);
    // The same parameter twice.
    let twice = [vary(&sc, "cooks=1..2"), vary(&sc, "cooks=3")];
    assert_eq!(
        sweep::check_varies(&twice).unwrap_err().to_string(),
        "--vary `cooks` is given twice: give all its values in one --vary"
    );
}

#[test]
fn the_grid_is_an_odometer_with_the_last_vary_fastest() {
    let sc = mmc(3.0, 100);
    let varies =
        [vary(&sc, "cooks=1..2"), vary(&sc, "equipment.machine=1..3"), vary(&sc, "arrivals.rate=2,1")];
    let g = sweep::grid(&varies);
    assert_eq!(g.len(), 12);
    assert_eq!(g[0], [1., 1., 2.]);
    assert_eq!(g[1], [1., 1., 1.]);
    assert_eq!(g[2], [1., 2., 2.]);
    assert_eq!(g[5], [1., 3., 1.]);
    assert_eq!(g[6], [2., 1., 2.]);
    assert_eq!(g[11], [2., 3., 1.]);
    assert_eq!(sweep::grid(&[]), vec![Vec::<f64>::new()]);
    // Applying a configuration, and its cost: cooks × 10 + machines × 3.
    let applied = sweep::apply(&sc, &varies, &g[5]);
    assert_eq!((applied.kitchen.cooks, applied.kitchen.equipment[0].capacity), (1, 3));
    assert_eq!(sweep::cost(&applied), 1.0 * 10.0 + 3.0 * 3.0);
    let async_cafe::model::Customers::Generate(gen_) = &applied.customers else { panic!() };
    assert_eq!(
        gen_.arrivals,
        async_cafe::model::Arrivals::Interarrival(async_cafe::model::Dist::Exponential { mean: 1.0 })
    );
}

#[test]
fn sweeps_too_big_to_finish_are_refused() {
    let sc = mmc(3.0, 1_000_000);
    let big = [vary(&sc, "cooks=1..200"), vary(&sc, "equipment.machine=1..60")];
    assert_eq!(
        sweep::check_size(&sc, &big, 10).unwrap_err().to_string(),
        "the grid has 12000 configurations (200 cooks × 60 equipment.machine), more than 10000: vary fewer values"
    );
    let many = [vary(&sc, "cooks=1..100"), vary(&sc, "equipment.machine=1..30")];
    assert_eq!(
        sweep::check_size(&sc, &many, 100).unwrap_err().to_string(),
        "3000 configurations × 100 replications = 300000 runs, more than 200000: vary fewer values or use fewer --replications"
    );
    let long = [vary(&sc, "cooks=1..100")];
    assert_eq!(
        sweep::check_size(&sc, &long, 300).unwrap_err().to_string(),
        "the sweep would serve about 3.0e10 customers (100 configurations × 300 replications), more than 2e10 (hours of computing): vary fewer values, use fewer --replications, or fewer customers per run (`count` or `until`)"
    );
    assert!(sweep::check_size(&sc, &long, 20).is_ok());
    // Each cook's statistics are kept for every run: thousands of cooks weigh.
    let small = mmc(3.0, 10);
    let crowded = [vary(&small, "cooks=65436..65535")];
    assert_eq!(
        sweep::check_size(&small, &crowded, 2).unwrap_err().to_string(),
        "the sweep would keep about 2.6 GB of statistics (100 configurations × 2 replications × up to 65,535 cooks, each cook's kept for every run), more than 2 GB: vary fewer values, use fewer --replications, or fewer cooks"
    );
    assert!(sweep::check_size(&small, &[vary(&small, "cooks=65526..65535")], 2).is_ok());
}

#[test]
fn targets_parse_and_name_their_metric() {
    let sc = mmc(3.0, 100);
    let varies = [vary(&sc, "cooks=1..3")];
    let metrics = sweep::metrics(&sc, &varies);
    let names: Vec<String> = metrics.iter().map(Metric::name).collect();
    assert_eq!(
        names,
        [
            "mean_time_in_system",
            "p50_time_in_system",
            "p95_time_in_system",
            "max_time_in_system",
            "mean_wait",
            "p50_wait",
            "p95_wait",
            "max_wait",
            "mean_above_chain",
            "p50_above_chain",
            "p95_above_chain",
            "max_above_chain",
            "throughput_per_hour",
            "served",
            "waited_share",
            "mean_in_system",
            "mean_waiting",
            "hands_on_share",
            "cook_1_hands_on_share",
            "cook_2_hands_on_share",
            "cook_3_hands_on_share",
            "utilisation.machine",
            "utilisation.grinder",
            "mean_queue.machine",
            "mean_queue.grinder",
        ]
    );
    let t = sweep::parse_target("p95_time_in_system <= 300", &metrics).unwrap();
    assert_eq!(t, Target { metric: Metric::TimeInSystem(Quantity::P95), op: Op::Le, value: 300.0 });
    assert_eq!(sweep::parse_target("mean_wait<60", &metrics).unwrap().op, Op::Lt);
    assert_eq!(sweep::parse_target("throughput_per_hour >= 1e4", &metrics).unwrap().value, 1e4);
    assert_eq!(sweep::parse_target("hands_on_share > 0.5", &metrics).unwrap().op, Op::Gt);
    let bad = |t: &str| sweep::parse_target(t, &metrics).unwrap_err().to_string();
    assert_eq!(
        bad("p95_time_in_sytem <= 3"),
        format!(
            "--target `p95_time_in_sytem <= 3`: unknown metric `p95_time_in_sytem`; did you mean `p95_time_in_system`? The metrics: {}",
            names.join(", ")
        )
    );
    assert_eq!(bad("mean_wait = 3"), "--target `mean_wait = 3`: the comparison must be one of <=, <, >=, >");
    assert_eq!(bad("mean_wait <= soon"), "--target `mean_wait <= soon`: `soon` is not a number");
    // Digits too many for a number are out of range, not "not a number".
    assert_eq!(
        bad("p95_wait <= 1e999"),
        "--target `p95_wait <= 1e999`: `1e999` is out of range: too large to be a number (the largest is about 1.8e308)"
    );
    assert_eq!(
        bad("mean_wait >= -1e999"),
        "--target `mean_wait >= -1e999`: `-1e999` is out of range: too far below zero to be a number (the lowest is about -1.8e308)"
    );
    assert_eq!(
        bad("mean_wait"),
        "--target `mean_wait`: expected METRIC OP VALUE, like `p95_time_in_system <= 300` (OP: <=, <, >=, >)"
    );
    // Met with 95% confidence: the upper end for <=, the lower end for >=.
    let e = async_cafe::replicate::Estimate::from_samples(&[9.0, 10.0, 11.0]);
    let at = |op, value| Target { metric: Metric::Wait(Quantity::Mean), op, value }.met_by(&e);
    assert!(!at(Op::Le, 10.5) && at(Op::Le, e.high()) && !at(Op::Lt, e.high()));
    assert!(!at(Op::Ge, 9.5) && at(Op::Ge, e.low()) && !at(Op::Gt, e.low()));
    let one = async_cafe::replicate::Estimate::from_samples(&[1.0]);
    assert!(!Target { metric: Metric::Wait(Quantity::Mean), op: Op::Le, value: 100.0 }.met_by(&one));
}

/// λ = 3, μ = 1. Erlang C: 3 cooks are saturated (ρ = 1: the mean wait grows with the
/// run, about 8 s over 2,000 customers), 4 cooks wait 0.51 s on average, 5 cooks
/// 0.12 s, 6 cooks 0.03 s. With a target of a 1.5 s mean wait, far from both sides,
/// the cheapest kitchen that meets it is 4 cooks.
#[test]
fn the_target_picks_the_cheapest_kitchen_erlang_c_predicts() {
    let sc = mmc(3.0, 2000);
    let varies = [vary(&sc, "cooks=3..6")];
    let s = run(&sc, &varies, &opts(10, 0));
    let t = sweep::parse_target("mean_wait <= 1.5", &s.metrics).unwrap();
    let meets: Vec<bool> = (0..4).map(|i| s.meets(i, &t)).collect();
    assert_eq!(meets, [false, true, true, true]);
    let answers = sweep::answers(&s, &t);
    assert_eq!(answers, [sweep::Answer { rate: None, best: Some(1), closest: None, passed_over: None }]);
    // The estimates agree with Erlang C.
    let wait = |i: usize| s.rows[i].estimate(&s.metrics, &Metric::Wait(Quantity::Mean)).unwrap();
    for (i, wq) in [(1, 0.509), (2, 0.118), (3, 0.033)] {
        assert!((wait(i).mean - wq).abs() < 3.0 * wait(i).half_width_95 + 0.02, "{i}: {:?} vs {wq}", wait(i));
    }
    assert_eq!(s.rows.iter().map(|r| r.cost).collect::<Vec<_>>(), [36.0, 46.0, 56.0, 66.0]);
    let text = sweep::render_answer(&s, Some(&t));
    assert_eq!(
        text.lines().next().unwrap(),
        "Target: mean_wait <= 1.5 s, met with 95% confidence (the upper end of the interval)."
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("cheapest configuration meeting the target: cooks=4 (cost 46): mean_wait 0."),
        "{text}"
    );
    // A target nobody meets: the closest is the one with the most cooks.
    let t = sweep::parse_target("mean_wait <= 0.001", &s.metrics).unwrap();
    assert_eq!(
        sweep::answers(&s, &t),
        [sweep::Answer { rate: None, best: None, closest: Some(3), passed_over: None }]
    );
    assert!(
        sweep::render_answer(&s, Some(&t))
            .contains("\nno configuration meets the target; closest: cooks=6 (cost 66): mean_wait 0.0")
    );
    // The table: a ✓ on the rows that meet it.
    let t = sweep::parse_target("mean_wait <= 1.5", &s.metrics).unwrap();
    let table = sweep::render_table(&s, Some(&t));
    let rows: Vec<&str> = table.lines().skip(4).take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 4, "{table}");
    // Three cooks at λ = 3, μ = 1 are exactly saturated (100%): marked `!`, and
    // explained under the table.
    assert!(rows[0].ends_with('!') && !rows[0].contains('✓'), "{table}");
    assert!(rows[1..].iter().all(|r| r.ends_with('✓')), "{table}");
    assert!(table.contains("\n  ! the customers need more than this kitchen has"), "{table}");
    assert!(table.lines().nth(3).unwrap().trim_start().starts_with("cooks  p95 in system (s)"), "{table}");
    // A target the saturated kitchen meets too, on the numbers of its one day: it is
    // cheaper, but never the answer, and the answer says it was passed over.
    let loose = sweep::parse_target("mean_wait <= 1000", &s.metrics).unwrap();
    assert!(s.meets(0, &loose) && !s.rows[0].keeps_up() && s.rows[1].keeps_up());
    assert_eq!(
        sweep::answers(&s, &loose),
        [sweep::Answer { rate: None, best: Some(1), closest: None, passed_over: Some(0) }]
    );
    let text = sweep::render_answer(&s, Some(&loose));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("passed over: cooks=3 (cost 36): mean_wait "), "{text}");
    assert!(lines[1].ends_with("; it meets the target but cannot keep up (!): its queue grows for as long as customers come, so its numbers measure the length of the day, not the kitchen"), "{text}");
    assert!(lines[2].starts_with("cheapest configuration meeting the target: cooks=4 (cost 46)"), "{text}");
    let doc = serde_json::to_value(s.document([("mean_wait <= 1000", &loose)])).unwrap();
    assert_eq!(doc["answers"][0]["passed_over"], serde_json::json!([3.0]));
    assert_eq!(doc["answers"][0]["best"], serde_json::json!([4.0]));
    // With only the saturated kitchen, there is no answer: the closest is it, passed over.
    let alone = run(&sc, &[vary(&sc, "cooks=3")], &opts(10, 0));
    let a = &sweep::answers(&alone, &loose)[0];
    assert_eq!((a.best, a.closest, a.passed_over), (None, Some(0), Some(0)));
}

/// The cooks are not the bottleneck here: a short hands-on step, then a machine
/// (exponential, mean 1) at λ = 3. Machines cost 3, cooks 10: the cheapest kitchen
/// has one cook and four machines (three are saturated). With the arrival rate
/// varied too, there is one answer per rate.
#[test]
fn costs_weigh_cooks_against_machines_and_each_rate_gets_its_answer() {
    let sc = load(
        r#"
[kitchen]
cook_cost = 10
equipment = { machine = { capacity = 1, cost = 3 } }
[recipes.latte]
steps = [
    { name = "tamp", kind = "hands-on", duration = 0.05 },
    { name = "pull", kind = "unattended", duration = { dist = "exponential", mean = 1 }, uses = "machine", after = ["tamp"] },
]
[menu]
latte = "latte"
[customers.generate]
count = 1500
rate = 3
"#,
    );
    let varies =
        [vary(&sc, "cooks=1..2"), vary(&sc, "equipment.machine=3..5"), vary(&sc, "arrivals.rate=1,3")];
    let s = run(&sc, &varies, &opts(8, 0));
    let t = sweep::parse_target("mean_time_in_system <= 3", &s.metrics).unwrap();
    let a = sweep::answers(&s, &t);
    assert_eq!(a.len(), 2);
    // Rate 1: three machines and one cook (cost 19), the first row.
    assert_eq!((a[0].rate, a[0].best), (Some(1.0), Some(0)));
    // Rate 3: one cook, four machines (grid row 2: cooks 1, machines 4, rate 3).
    assert_eq!((a[1].rate, a[1].best), (Some(3.0), Some(3)));
    assert_eq!(s.rows[3].values, [1.0, 4.0, 3.0]);
    assert_eq!(s.rows[3].cost, 22.0);
    let text = sweep::render_answer(&s, Some(&t));
    assert!(
        text.contains(
            "\nAt rate 1: cheapest configuration meeting the target: cooks=1 machine=3 rate=1 (cost 19): "
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\nAt rate 3: cheapest configuration meeting the target: cooks=1 machine=4 rate=3 (cost 22): "
        ),
        "{text}"
    );
}

#[test]
fn ties_go_to_fewer_cooks_then_lower_values() {
    // No costs at all: every kitchen costs 0, so fewer cooks win, then fewer machines.
    let sc = load(
        r#"
[kitchen]
equipment = { machine = 1 }
[recipes.t]
steps = [{ name = "s", kind = "unattended", duration = 1, uses = "machine" }]
[menu]
t = "t"
[customers.generate]
count = 50
interarrival = { dist = "exponential", mean = 4 }
"#,
    );
    let varies = [vary(&sc, "equipment.machine=3,2,1"), vary(&sc, "cooks=2,1")];
    let s = run(&sc, &varies, &opts(3, 2));
    let t = sweep::parse_target("served >= 1", &s.metrics).unwrap();
    assert!((0..6).all(|i| s.meets(i, &t)));
    // Cooks 1, machines 1: grid row 5 (machine=1 is last in its list).
    assert_eq!(sweep::answers(&s, &t)[0].best, Some(5));
    assert_eq!(s.rows[5].values, [1.0, 1.0]);
}

#[test]
fn a_sweep_is_the_same_whatever_the_threads() {
    let sc = mmc(2.5, 300);
    let varies =
        [vary(&sc, "cooks=3..4"), vary(&sc, "equipment.machine=1..2"), vary(&sc, "arrivals.rate=2,2.5")];
    let t = sweep::parse_target("p95_time_in_system <= 4", &sweep::metrics(&sc, &varies)).unwrap();
    let one = run(&sc, &varies, &opts(4, 1));
    let (table, csv) = (sweep::render_table(&one, Some(&t)), sweep::csv(&one, Some(&t)).unwrap());
    for threads in [2, 3, 0] {
        let other = run(&sc, &varies, &opts(4, threads));
        assert_eq!(sweep::render_table(&other, Some(&t)), table);
        assert_eq!(sweep::csv(&other, Some(&t)).unwrap(), csv);
        assert_eq!(
            other.rows.iter().map(|r| r.estimates.clone()).collect::<Vec<_>>(),
            one.rows.iter().map(|r| r.estimates.clone()).collect::<Vec<_>>()
        );
    }
    // Common random numbers: every configuration has the same replication seeds,
    // and replication i is exactly `replicate` of the applied scenario.
    let rep = ops::replicate(&sweep::apply(&sc, &varies, &one.rows[5].values), &opts(4, 1)).unwrap();
    assert_eq!(one.rows[5].replicated.as_ref().unwrap(), &rep);
    // Another seed, other numbers.
    let other = run(&sc, &varies, &Batch { seed: Some(8), ..opts(4, 2) });
    assert_ne!(sweep::csv(&other, Some(&t)).unwrap(), csv);
}

#[test]
fn the_csv_has_every_configuration_and_statistic_and_parses_back() {
    let sc = mmc(3.0, 400);
    let varies = [vary(&sc, "cooks=3..5"), vary(&sc, "equipment.machine=1..2")];
    let s = run(&sc, &varies, &opts(5, 0));
    let t = sweep::parse_target("mean_wait <= 1", &s.metrics).unwrap();
    let text = sweep::csv(&s, Some(&t)).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        head[..8],
        [
            "cooks",
            "equipment.machine",
            "cost",
            "status",
            "meets_target",
            "replications",
            "mean_time_in_system_s_mean",
            "mean_time_in_system_s_half_width"
        ]
    );
    assert_eq!(head.len(), 6 + 2 * s.metrics.len());
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 6);
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    for (rec, row) in records.iter().zip(&s.rows) {
        assert_eq!(rec[0].parse::<f64>().unwrap(), row.values[0]);
        assert_eq!(rec[1].parse::<f64>().unwrap(), row.values[1]);
        assert_eq!(rec[col("cost")].parse::<f64>().unwrap(), row.cost);
        assert_eq!(&rec[col("status")], "done");
        assert_eq!(&rec[col("replications")], "5");
        let e = row.estimate(&s.metrics, &Metric::Wait(Quantity::Mean)).unwrap();
        assert_eq!(rec[col("mean_wait_s_mean")].parse::<f64>().unwrap(), e.mean);
        assert_eq!(rec[col("mean_wait_s_half_width")].parse::<f64>().unwrap(), e.half_width_95);
        assert_eq!(rec[col("meets_target")].parse::<bool>().unwrap(), t.met_by(&e));
    }
    // Three cooks have no fifth: those cells are empty.
    assert_eq!(&records[0][col("cook_5_hands_on_share_mean")], "");
    assert!(records[5][col("cook_5_hands_on_share_mean")].parse::<f64>().unwrap() > 0.0);
}

/// Several targets are all required: the answer is the cheapest configuration that
/// meets every one, the CSV and the JSON document say which each row meets, and the
/// closest when none meets them all misses the fewest.
#[test]
fn several_targets_are_all_required_and_each_row_says_which_it_meets() {
    let sc = mmc(3.0, 400);
    let varies = [vary(&sc, "cooks=3..6")];
    let s = run(&sc, &varies, &opts(5, 0));
    let parse = |t: &str| sweep::parse_target(t, &s.metrics).unwrap();
    // A loose wait alone is met by 4 cooks; with a utilisation floor of the cooks'
    // hands-on share near 3/4 (4 cooks: 0.75, 5: 0.6), only 4 meets both. A tight
    // wait alone wants 6.
    let (wait, busy, tight) =
        (parse("mean_wait <= 1.5"), parse("hands_on_share >= 0.65"), parse("mean_wait <= 0.1"));
    assert_eq!(sweep::answers(&s, &wait)[0].best, Some(1));
    let both = [wait.clone(), busy.clone()];
    assert_eq!(sweep::answers_all(&s, &both)[0].best, Some(1));
    assert!(s.meets_all(1, &both) && !s.meets_all(2, &both) && !s.meets_all(0, &both));
    // Nobody meets a tight wait and a busy kitchen: the closest misses only one.
    let none = [tight.clone(), busy.clone()];
    let a = &sweep::answers_all(&s, &none)[0];
    assert_eq!(a.best, None);
    let closest = a.closest.unwrap();
    assert_eq!(none.iter().filter(|t| !s.meets(closest, t)).count(), 1);
    let answer = sweep::render_answer(&s, &none);
    assert!(answer.starts_with("Targets, all required"), "{answer}");
    assert!(answer.contains("no configuration meets every target; closest: "), "{answer}");
    assert!(answer.contains("; it misses "), "{answer}");
    let answer = sweep::render_answer(&s, &both);
    assert!(
        answer.contains("cheapest configuration meeting every target: cooks=4 (cost 46): mean_wait "),
        "{answer}"
    );
    assert!(answer.contains(", hands_on_share "), "{answer}");
    // The table: k/n for the rows that meet some.
    let table = sweep::render_table(&s, &both);
    assert!(table.contains("targets: ✓ meets all 2; k/2 meets k of them."), "{table}");
    let marks: Vec<&str> =
        (table.lines().skip(5).take(4)).map(|l| l.split_whitespace().rfind(|&w| w != "!").unwrap()).collect();
    assert_eq!(marks, ["1/2", "✓", "1/2", "1/2"], "{table}");
    // The CSV: every target's column, and meets_target for all of them.
    let text = sweep::csv(&s, &both).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head[4..7], ["replications", "meets: mean_wait <= 1.5", "meets: hands_on_share >= 0.65"]);
    for (i, rec) in r.records().map(Result::unwrap).enumerate() {
        assert_eq!(rec[3].parse::<bool>().unwrap(), s.meets_all(i, &both));
        assert_eq!(rec[5].parse::<bool>().unwrap(), s.meets(i, &wait));
        assert_eq!(rec[6].parse::<bool>().unwrap(), s.meets(i, &busy));
    }
    // The JSON document: the targets, the answer and which each row meets.
    let texts = ["mean_wait <= 1.5", "hands_on_share >= 0.65"];
    let doc = serde_json::to_value(s.document(texts.into_iter().zip(&both))).unwrap();
    assert_eq!(doc["targets"], serde_json::json!(texts));
    assert!(doc["target"].is_null());
    assert_eq!(doc["answers"][0]["best"], serde_json::json!([4.0]));
    assert_eq!(doc["meets"][1], serde_json::json!([true, true]));
    assert_eq!(doc["meets"][3][0], serde_json::json!(true));
    assert_eq!(doc["time_unit"], "s");
    // One target: `target` is still its text, as it always was.
    let one = serde_json::to_value(s.document([("mean_wait <= 1.5", &wait)])).unwrap();
    assert_eq!(one["target"], "mean_wait <= 1.5");
    assert_eq!(one["meets"][0], serde_json::json!([false]));
}

/// A scenario with patience and balking: the table always shows who left and who
/// walked away, whatever the target, and keeps to a width by leaving out the least
/// wanted statistics, saying which.
#[test]
fn the_table_shows_who_left_and_keeps_to_a_width() {
    let sc = load_builtin("rush-hour");
    let varies = [vary(&sc, "cooks=1..2")];
    let s = run(&sc, &varies, &opts(2, 0));
    let t = sweep::parse_target("p95_time_in_system <= 5", &s.metrics).unwrap();
    let wide = sweep::render_table(&s, [&t]);
    let head = wide.lines().nth(3).unwrap();
    assert!(head.contains("  left  ") && head.contains("walked away"), "{wide}");
    assert!(!wide.contains("Left out"), "{wide}");
    let widest = wide.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest > 120, "{wide}");
    let narrow = sweep::render_table_within(&s, [&t], Some(80));
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
    let head = narrow.lines().find(|l| l.contains("cooks")).unwrap();
    assert!(
        head.contains("left") && head.contains("walked away") && head.contains("p95 in system"),
        "{narrow}"
    );
    assert!(!head.contains("p95 wait"), "{narrow}");
    assert!(
        narrow.contains("\n  Left out to fit 80 columns: p95 wait (min), mean in system (min),"),
        "{narrow}"
    );
    // As wide as it is: nothing left out.
    assert_eq!(sweep::render_table_within(&s, [&t], Some(widest)), wide);
    // Too narrow for anything but one statistic: the rest go, the answer's column stays.
    let tiny = sweep::render_table_within(&s, [&t], Some(20));
    let head = tiny.lines().find(|l| l.contains("cooks")).unwrap();
    assert_eq!(head.split("  ").filter(|c| !c.trim().is_empty()).count(), 4, "{tiny}");
    assert!(head.contains("p95 in system") && head.ends_with("target"), "{tiny}");
}

#[test]
fn a_stopped_sweep_keeps_the_configurations_that_finished() {
    let sc = mmc(3.0, 300);
    let varies = [vary(&sc, "cooks=3..6")];
    let stop = Cancel::new();
    let seen = std::sync::Mutex::new(Vec::new());
    // One thread: stop once the second configuration's 4 replications are done.
    let progress = |p: Progress| {
        seen.lock().unwrap().push((p.done, p.total));
        if p.done == 8 {
            stop.cancel();
        }
    };
    let s = run(&sc, &varies, &Batch { cancel: stop.clone(), progress: Some(&progress), ..opts(4, 1) });
    assert!(s.interrupted);
    assert_eq!(s.rows.iter().map(|r| r.done()).collect::<Vec<_>>(), [true, true, false, false]);
    assert_eq!(*seen.lock().unwrap(), (1..=8).map(|d| (d, 16)).collect::<Vec<_>>());
    // The finished ones are exactly what a whole sweep gives.
    let whole = run(&sc, &varies, &opts(4, 2));
    assert!(!whole.interrupted);
    assert_eq!(s.rows[1].estimates, whole.rows[1].estimates);
    let t = sweep::parse_target("mean_wait <= 1.5", &s.metrics).unwrap();
    let answer = sweep::render_answer(&s, Some(&t));
    assert!(
        answer.starts_with("Interrupted: 2 of 4 configurations finished. Not run: cooks=5; cooks=6.\n"),
        "{answer}"
    );
    assert!(answer.contains("cheapest configuration meeting the target: cooks=4"), "{answer}");
    let table = sweep::render_table(&s, Some(&t));
    assert!(table.lines().any(|l| l.trim_start().starts_with("5 ") && l.contains(" not run ")), "{table}");
    let csv = sweep::csv(&s, Some(&t)).unwrap();
    assert!(csv.lines().nth(3).unwrap().starts_with("5,56,not run,,,,"), "{csv}");
    // Stopped before anything started (two threads): nothing finished.
    let stopped = Cancel::new();
    stopped.cancel();
    let none = run(&sc, &varies, &Batch { cancel: stopped, ..opts(4, 2) });
    assert!(none.interrupted && none.rows.iter().all(|r| !r.done()));
    assert!(sweep::render_answer(&none, Some(&t)).ends_with("no configuration was run to the end\n"));
}

#[test]
fn the_progress_reaches_the_total() {
    let sc = mmc(3.0, 100);
    let varies = [vary(&sc, "cooks=3..4")];
    let last = std::sync::Mutex::new(None);
    let progress = |p: Progress| {
        let mut l = last.lock().unwrap();
        if l.is_none_or(|q: Progress| q.done < p.done) {
            *l = Some(p);
        }
    };
    let s = run(&sc, &varies, &Batch { progress: Some(&progress), ..opts(3, 2) });
    let p = last.lock().unwrap().unwrap();
    assert_eq!((p.done, p.total), (6, 6));
    assert_eq!(p.left(), Some(std::time::Duration::ZERO));
    assert!(!s.interrupted);
}

#[test]
fn the_html_report_is_self_contained_with_a_chart_per_rate() {
    let sc = load(
        r#"
summary = "<b>&</b>"
[kitchen]
cook_cost = 10
equipment = { "<m&>" = { capacity = 1, cost = 3 } }
[recipes.job]
steps = [{ name = "serve", kind = "hands-on", duration = { dist = "exponential", mean = 1 }, uses = "<m&>" }]
[menu]
job = "job"
[customers.generate]
count = 200
rate = 2
"#,
    );
    let varies = [vary(&sc, "cooks=2..4"), vary(&sc, "equipment.<m&>=2..3"), vary(&sc, "arrivals.rate=1,2")];
    let s = run(&sc, &varies, &opts(3, 0));
    let t = sweep::parse_target("p95_time_in_system <= 5", &s.metrics).unwrap();
    let html = sweep::html(&s, Some(&t));
    assert!(html.starts_with("<!doctype html>"));
    for needle in ["http://", "https://", "src=", "href=", "<img", "<link", "url("] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
    // One script, inline: the table's sorting.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>\nfor (const table of document.querySelectorAll(\"table.sweep\"))"));
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "per rate, a chart against the cooks and one against the cost"
    );
    assert!(html.contains("p95 time in system at rate 1"), "the title in words");
    assert!(html.contains("Cost against p95 time in system at rate 2"));
    assert!(html.contains("&lt;m&amp;&gt;=2"), "the legend names the machine count, escaped");
    assert!(!html.contains("<m&>"));
    assert!(
        html.contains("cheapest configuration meeting the target") || html.contains("no configuration meets")
    );
    // The table: a header per column, a row per configuration, each number sortable.
    assert!(html.contains("<table class=\"sweep\">"));
    assert!(!html.contains("<pre>"));
    let rows = html.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
    assert_eq!(rows.matches("<tr").count(), s.rows.len());
    assert!(html.contains("<th data-numeric>cooks</th>") && html.contains("<th data-numeric>cost</th>"));
    // The chosen configuration of each rate is highlighted, and only those.
    let best: Vec<usize> = sweep::answers(&s, &t).iter().filter_map(|a| a.best).collect();
    assert!(!best.is_empty());
    assert_eq!(rows.matches("class=\"best").count(), best.len());
    assert_eq!(rows.matches(">chosen</td>").count(), best.len());
    // Without a target: the p95 time in system, no dashed line, nothing chosen.
    let plain = sweep::html(&s, None);
    assert!(plain.contains("p95 time in system at rate 2") && !plain.contains("dashed line"));
    assert!(!plain.contains("class=\"best"));
    assert!(plain.contains("No target was given, so no configuration is chosen"));
}

/// The charts keep what they draw true: a point far above the target is a triangle
/// at the edge, with no error bar; the axes are in words with their units; the
/// legend has its own strip; the chosen configuration is ringed; the cost chart
/// has the currency on its axis.
#[test]
fn the_charts_mark_points_beyond_the_edge_and_the_chosen_kitchen() {
    let mut sc = mmc(3.0, 400);
    sc.kitchen.currency = Some("EUR".into());
    let varies = [vary(&sc, "cooks=3..6")];
    let s = run(&sc, &varies, &opts(5, 0));
    // Three cooks are saturated (a mean wait in the tens of seconds), far above 4 × 1.
    let t = sweep::parse_target("mean_wait <= 1", &s.metrics).unwrap();
    let three = s.rows[0].estimate(&s.metrics, &t.metric).unwrap();
    assert!(three.mean > 4.0, "{three:?}");
    let html = sweep::html(&s, [&t]);
    assert!(html.contains("Values above 4 times the target are beyond the top edge (triangles)"));
    assert!(html.contains("mean wait (s)"), "the y axis in words, with its unit");
    assert!(html.contains(">cooks<"), "the x axis");
    assert!(html.contains("cost of the kitchen (EUR)"));
    assert!(html.contains("Cost against mean wait"));
    assert!(html.contains(">chosen<"), "the legend names the ring");
    assert!(html.contains("the frontier joins those that do better (lower mean wait)"));
    assert!(html.contains("<th data-numeric>cost (EUR)</th>"));
    // A ring of radius 9 around the chosen point, in each chart.
    assert_eq!(html.matches(r#"r="9""#).count(), 2, "{html}");
    // Configurations that all cost the same have no cost chart, and the page says why.
    let same = run(&sc, &[vary(&sc, "policy=fifo,longest-chain")], &opts(2, 0));
    let page = sweep::html(&same, [&t]);
    assert_eq!(page.matches("<svg").count(), 1);
    assert!(
        page.contains("Every configuration costs the same, so there is no chart of cost against service")
    );
}

#[test]
fn costs_are_read_and_checked() {
    let sc = mmc(3.0, 10);
    assert_eq!(sc.kitchen.cook_cost, 10.0);
    assert_eq!((sc.kitchen.equipment[0].cost, sc.kitchen.equipment[1].cost), (3.0, 0.0));
    assert_eq!(sweep::cost(&sc), 4.0 * 10.0 + 2.0 * 3.0);
    let bad = |kitchen: &str| {
        let toml = format!(
            "[kitchen]\n{kitchen}\n[recipes.t]\nsteps = [{{ name = \"s\", kind = \"hands-on\", duration = 1 }}]\n[menu]\nt = \"t\"\n[customers]\nlist = []\n"
        );
        common::load_err("c", &toml)
    };
    let e = bad("cook_cost = -1");
    assert!(e.contains("error: `cook_cost` must be a finite number of at least 0, found -1"), "{e}");
    assert!(e.contains("c.toml:2:13") && e.contains("write it like `cook_cost = 18`"), "{e}");
    let e = bad("cook_cost = nan");
    assert!(e.contains("`cook_cost` must be a finite number of at least 0, found nan"), "{e}");
    let e = bad("equipment = { oven = { capacity = 1, cost = -2.5 } }");
    assert!(e.contains("error: the cost of `oven` must be a finite number of at least 0, found -2.5"), "{e}");
    let e = bad("equipment = { oven = { capacity = 1, cots = 2 } }");
    assert!(e.contains("`cots`") && e.contains("`cost`"), "{e}");
    let e = bad("cook_cots = 2");
    assert!(e.contains("`cook_cots`") && e.contains("`cook_cost`"), "{e}");
    let e = bad("cook_cost = \"cheap\"");
    assert!(e.contains("`cook_cost`"), "{e}");
    // A currency is a short name, or an error located at it.
    assert_eq!(sc.kitchen.currency, None);
    let named = |c: &str| {
        let toml = format!(
            "[kitchen]\ncurrency = {c}\n[recipes.t]\nsteps = [{{ name = \"s\", kind = \"hands-on\", duration = 1 }}]\n[menu]\nt = \"t\"\n[customers]\nlist = []\n"
        );
        common::load_as("c", &toml).kitchen.currency
    };
    assert_eq!(named("\"EUR\"").as_deref(), Some("EUR"));
    assert_eq!(named("\"€\"").as_deref(), Some("€"));
    for wrong in ["\"\"", "\"euros a day\"", "\"ABCDEFGHIJKLM\""] {
        let e = bad(&format!("currency = {wrong}"));
        assert!(e.contains("is not a short name") && e.contains("c.toml:2:12"), "{wrong}: {e}");
        assert!(e.contains("give 1 to 12 characters with no spaces"), "{e}");
    }
    let e = bad("currency = 3");
    assert!(e.contains("`currency`") && e.contains("string"), "{e}");
    let e = bad("curency = \"EUR\"");
    assert!(e.contains("`currency`"), "a misspelling is suggested: {e}");
}

#[test]
fn the_dispatch_policy_can_vary_and_the_smarter_baker_wins() {
    let bakery = load_builtin("bakery");
    let v = vary(&bakery, "policy=longest-chain, fifo");
    assert_eq!(v.param, Param::Policy);
    // Indexes into Policy::ALL, in the order given.
    assert_eq!(v.values, [2.0, 0.0]);
    assert_eq!(v.param.show(2.0), "longest-chain");
    assert_eq!(
        err(&bakery, "policy=fifo,fastest"),
        "--vary `policy=fifo,fastest`: unknown policy `fastest`; the policies: fifo, unattended-first, longest-chain"
    );
    assert_eq!(err(&bakery, "policy=fifo,fifo"), "--vary `policy=fifo,fifo`: the value fifo is given twice");
    let s = run(&bakery, &[v], &opts(1, 1));
    let total = Metric::TimeInSystem(Quantity::Max);
    let at =
        |row: usize| s.rows[row].estimates[s.metrics.iter().position(|m| *m == total).unwrap()].unwrap().mean;
    // The bread is done at 18 min kneaded first, at 21 in asyncio's order.
    assert_eq!((at(0), at(1)), (18.0, 21.0));
    assert_eq!(s.rows[0].describe(&s.varies), "policy=longest-chain");
    let csv = sweep::csv(&s, None).unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with("longest-chain,"), "{csv}");
}

#[test]
fn refusals_are_typed() {
    use async_cafe::sweep::{SizeError, TargetProblem, VaryError, VaryProblem};
    let sc = load_builtin("rush-hour");
    let problem = |spec: &str| sweep::parse_vary(spec, &sc).unwrap_err().problem;
    assert_eq!(problem("cooks"), VaryProblem::NotNameEqualsValues);
    assert_eq!(problem("cooks=0..2"), VaryProblem::NoCook);
    assert_eq!(problem("cooks=3..1"), VaryProblem::EmptyRange { name: "cooks".into(), lo: 3.0, hi: 1.0 });
    assert_eq!(problem("cooks=1,x"), VaryProblem::NotWhole("x".into()));
    assert_eq!(
        problem("equipment.espreso_machine=1..2"),
        VaryProblem::UnknownEquipment {
            name: "espreso_machine".into(),
            suggestion: Some("espresso_machine".into()),
            equipment: vec!["espresso_machine".into()],
        }
    );
    assert_eq!(problem("arrivals.rate=1,2"), VaryProblem::NotPoisson);
    let e = sweep::parse_vary("cooks=1,1", &sc).unwrap_err();
    assert_eq!(e, VaryError { spec: "cooks=1,1".into(), problem: VaryProblem::Repeated("1".into()) });
    let twice = [vary(&sc, "cooks=1..2"), vary(&sc, "cooks=3")];
    assert_eq!(sweep::check_varies(&twice).unwrap_err().problem, VaryProblem::VariedTwice);

    let varies = [vary(&sc, "cooks=1..3")];
    let metrics = sweep::metrics(&sc, &varies);
    let target = |t: &str| sweep::parse_target(t, &metrics).unwrap_err().problem;
    assert_eq!(target("mean_wait"), TargetProblem::NotMetricOpValue);
    assert_eq!(target("mean_wait = 3"), TargetProblem::UnknownComparison);
    assert_eq!(target("mean_wait <= soon"), TargetProblem::NotNumber("soon".into()));
    assert_eq!(target("mean_wait <= inf"), TargetProblem::NotNumber("inf".into()));
    assert_eq!(target("mean_wait <= 1e999"), TargetProblem::OutOfRange("1e999".into()));
    match target("mean_wiat <= 3") {
        TargetProblem::UnknownMetric { name, suggestion, metrics: names } => {
            assert_eq!((name.as_str(), suggestion.as_deref()), ("mean_wiat", Some("mean_wait")));
            assert_eq!(names.len(), metrics.len());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        sweep::check_size(&sc, &varies, 100_000).unwrap_err(),
        SizeError::Runs { configurations: 3, replications: 100_000 }
    );
}

/// A warm-up longer than a configuration's runs leaves it nothing to measure: it
/// has no estimates (an average over empty windows would look like a result), so
/// its CSV cells and JSON estimates are empty, and it meets no target.
#[test]
fn a_configuration_that_measured_nothing_has_no_estimates() {
    let sc = mmc(3.0, 40);
    let varies = [vary(&sc, "cooks=3..4")];
    let batch = Batch { warmup: std::time::Duration::from_secs(100_000), ..opts(3, 1) };
    let s = run(&sc, &varies, &batch);
    let t = sweep::parse_target("mean_wait <= 1", &s.metrics).unwrap();
    for (i, row) in s.rows.iter().enumerate() {
        assert!(row.measured_nothing && row.done());
        assert!(row.estimates.iter().all(Option::is_none), "{:?}", row.estimates);
        assert!(!s.meets(i, &t));
    }
    let text = sweep::csv(&s, Some(&t)).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    for rec in r.records().map(Result::unwrap) {
        assert_eq!(&rec[2], "nothing measured");
        assert_eq!(&rec[4], "3");
        assert!(rec.iter().skip(5).all(str::is_empty), "{rec:?}");
    }
}

/// A day no one comes to has no times and no shares to estimate: a target on them
/// is not met by a kitchen that served no one.
#[test]
fn a_kitchen_that_served_no_one_meets_no_target_on_times() {
    let sc = load(
        "[recipes.t]\nsteps = [{ name = \"s\", kind = \"hands-on\", duration = 1 }]\n[menu]\nt = \"t\"\n[customers]\nlist = []\n",
    );
    let s = run(&sc, &[vary(&sc, "cooks=1..2")], &opts(2, 1));
    for target in ["p95_time_in_system <= 8", "mean_wait <= 1", "waited_share <= 0.5"] {
        let t = sweep::parse_target(target, &s.metrics).unwrap();
        for i in 0..s.rows.len() {
            assert_eq!(s.rows[i].estimate(&s.metrics, &t.metric), None, "{target}");
            assert!(!s.meets(i, &t), "{target}");
        }
    }
    let served = s.metrics.iter().position(|m| *m == Metric::Served).unwrap();
    assert_eq!(s.rows[0].estimates[served].map(|e| e.mean), Some(0.0));
}

/// When the line is at a later step (a short hands-on step, then an oven at 90%),
/// the wait (to the first step) sees nothing of it; the time above the chain and
/// the oven's mean queue do, and a target can be set on either.
#[test]
fn a_queue_at_a_later_step_is_in_the_time_above_the_chain_and_the_queue() {
    let sc = load(
        r#"
[kitchen]
cooks = 4
equipment = { oven = 3 }
[recipes.pie]
steps = [
  { name = "take", kind = "hands-on", duration = 0.1 },
  { name = "bake", kind = "unattended", duration = { dist = "exponential", mean = 1 }, uses = "oven", after = ["take"] },
]
[menu]
pie = "pie"
[customers.generate]
count = 3000
rate = 2.7
"#,
    );
    let s = run(&sc, &[], &opts(6, 0));
    let est = |m: &Metric| s.rows[0].estimate(&s.metrics, m).unwrap().mean;
    let wait = est(&Metric::Wait(Quantity::Mean));
    let above = est(&Metric::AboveChain(Quantity::Mean));
    let queue = est(&Metric::EquipmentQueue(0, "oven".into()));
    // M/M/3 at 90%: a mean wait for the oven of 2.7, about 7.4 pies in line (a
    // day of 3,000 that starts empty sees less).
    assert!(wait < 0.05, "{wait}");
    assert!(above > 1.0 && queue > 2.0, "{above} {queue}");
    let target = sweep::parse_target("p95_above_chain <= 1", &s.metrics).unwrap();
    assert!(!s.meets(0, &target));
    let target = sweep::parse_target("mean_queue.oven <= 100", &s.metrics).unwrap();
    assert!(s.meets(0, &target));
}
