//! The planner on a busy service: how good its plan is, and how far it can be from
//! the optimum (the gap to its lower bound), as the time limit grows.
//!
//!     cargo bench --bench plan
//!
//! The kitchen: 3 cooks, 2 ovens and 1 grill; three recipes of 4 steps each (pizza,
//! steak, pie: hands-on and unattended, most using equipment), durations drawn as
//! whole minutes; the items in turn. 30 orders, one every 2 minutes, then one
//! every minute (a rush), under limits of 1, 3 and 10 s; then 100 orders, one every
//! 2 minutes, under 30 s. For each: asyncio's FIFO
//! (the engine on the same day), the plan, its lower bound, the gap and the time
//! the planner took.

use std::fmt::Write as _;
use std::time::Duration;

use async_cafe::ops;
use async_cafe::plan::PlanOptions;
use async_cafe::scenario;

fn service(orders: usize, every: usize) -> String {
    let mut toml = String::from(
        r#"
name = "service"
unit = "min"
[kitchen]
cooks = 3
equipment = { oven = 2, grill = 1 }
[recipes.pizza]
steps = [
    { name = "knead", kind = "hands-on", duration = { dist = "uniform_int", min = 2, max = 4 } },
    { name = "proof", kind = "unattended", duration = { dist = "uniform_int", min = 4, max = 8 } },
    { name = "bake", kind = "unattended", duration = { dist = "uniform_int", min = 6, max = 10 }, uses = "oven" },
    { name = "slice", kind = "hands-on", duration = 1 },
]
[recipes.steak]
steps = [
    { name = "season", kind = "hands-on", duration = { dist = "uniform_int", min = 1, max = 3 } },
    { name = "sear", kind = "hands-on", duration = { dist = "uniform_int", min = 2, max = 4 }, uses = "grill" },
    { name = "rest", kind = "unattended", duration = { dist = "uniform_int", min = 3, max = 5 } },
    { name = "plate", kind = "hands-on", duration = 1 },
]
[recipes.pie]
steps = [
    { name = "mix", kind = "hands-on", duration = { dist = "uniform_int", min = 3, max = 5 } },
    { name = "bake", kind = "unattended", duration = { dist = "uniform_int", min = 8, max = 12 }, uses = "oven" },
    { name = "cool", kind = "unattended", duration = { dist = "uniform_int", min = 3, max = 6 } },
    { name = "serve", kind = "hands-on", duration = 1, after = ["cool"] },
]
[menu]
pizza = "pizza"
steak = "steak"
pie = "pie"
[customers]
list = [
"#,
    );
    let items = ["pizza", "steak", "pie"];
    for k in 0..orders {
        writeln!(toml, "    {{ item = \"{}\", arrival = {} }},", items[k % 3], every * k).unwrap();
    }
    toml.push_str("]\n");
    toml
}

fn main() {
    println!(
        "orders  every  limit   fifo      best policy  plan      bound     gap      status         took"
    );
    for (orders, every, limits) in [(30, 2, vec![1, 3, 10]), (30, 1, vec![1, 3, 10]), (100, 2, vec![30])] {
        let sc = scenario::load_str("service", &service(orders, every)).expect("bench scenario");
        for limit in limits {
            let opts = PlanOptions { time_limit: Duration::from_secs(limit), ..PlanOptions::default() };
            // As `cafe plan` does it: the engine's runs first, the plan from the best.
            let started = std::time::Instant::now();
            let planned = ops::plan(&sc, &opts).expect("a plan");
            let took = started.elapsed().as_secs_f64();
            let p = &planned.plan;
            let min = |t: u64| sc.unit.from_ticks(t);
            println!(
                "{orders:>6}  {every} min  {limit:>3} s  {:>5.0} min {:>5.0} min    {:>5.0} min {:>5.0} min {:>6.1}%  {:<13}  {:.1} s",
                min(planned.side_value(0)),
                min((0..planned.policies.sides.len()).map(|i| planned.side_value(i)).min().unwrap_or(0)),
                min(p.value),
                min(p.bound),
                p.gap() * 100.0,
                format!("{:?}", p.status),
                took
            );
        }
    }
}
