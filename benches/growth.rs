//! What grows with the size of a run: each shape at three sizes, ten times larger
//! at each step, so that a pass that is quadratic (or worse) shows as a step that
//! costs about 100 times more instead of about 10.
//!
//!     cargo bench --bench growth
//!
//! The shapes, each as the command does it (timelines and tables included):
//!
//! * `cafe compare` of a saturated M/M/4 café (λ 8, μ 1: the queue grows all day);
//! * `cafe compare` with every customer arriving at once and a machine of 10⁹ units
//!   (the trace's lanes for the units in use: a pass over them per step made this
//!   quadratic);
//! * `cafe run --replications 3` of 40 customers and ever more cooks (a Student-t
//!   quantile per statistic made this 9 s at 65,535 cooks);
//! * `cafe run --format json`, streamed;
//! * loading a menu of ever more items, each its own recipe, with a customer list
//!   that orders every item and chooses among as many values of an option (each
//!   item, recipe and value was searched for by name: quadratic);
//! * `cafe run --stats` of a mix over ever more items, ten customers an item (each
//!   customer's item was a pass over the mix);
//! * `cafe run --stats` of a schedule of ever more pieces, ten customers a piece
//!   (each arrival was a pass over the pieces).
//!
//! Each time is the best of three. A step marked `!` cost more than 30 times the one
//! before it.

use std::time::Instant;

use async_cafe::engine::Mode;
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::scenario;
use async_cafe::view::timeline::{self, TimelineOptions};

fn load(toml: &str) -> Scenario {
    scenario::load_str("growth", toml).expect("bench scenario")
}

/// A café of 4 cooks serving each customer in an exponential time of mean 1 (the
/// recipe `coffee`), its menu and customers as `menu` and `generate` (the bodies of
/// `[menu]` and `[customers.generate]`) say.
fn four_cooks_with(menu: &str, generate: &str) -> Scenario {
    load(&format!(
        r#"
[kitchen]
cooks = 4
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1.0 }} }}]
[menu]
{menu}
[customers.generate]
{generate}
"#
    ))
}

/// [`four_cooks_with`] a menu of one coffee.
fn four_cooks(generate: &str) -> Scenario {
    four_cooks_with("coffee = \"coffee\"", generate)
}

fn mm4(customers: u64) -> Scenario {
    four_cooks(&format!("count = {customers}\nrate = 8"))
}

fn huge_machine(customers: u64) -> Scenario {
    load(&format!(
        r#"
[kitchen]
cooks = 4
equipment = {{ machine = 1000000000 }}
[recipes.coffee]
steps = [{{ name = "brew", kind = "unattended", duration = {{ dist = "exponential", mean = 1.0 }}, uses = "machine" }}]
[menu]
coffee = "coffee"
[customers.generate]
count = {customers}
interarrival = 0
"#
    ))
}

fn many_cooks(cooks: u64) -> Scenario {
    load(&format!(
        r#"
[kitchen]
cooks = {cooks}
[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = 1.0 }} }}]
[menu]
coffee = "coffee"
[customers.generate]
count = 40
rate = 3.6
"#
    ))
}

/// A menu of `n` items, each its own recipe, an option of `n` values, and a list of
/// `n` customers, the `i`th ordering item `i` with value `i` (as TOML: the shape is
/// the loading).
fn long_menu_toml(n: u64) -> String {
    let mut t = String::from("[options]\nsize = [");
    t += &(0..n).map(|v| format!("\"v{v}\"")).collect::<Vec<_>>().join(", ");
    t += "]\n";
    for i in 0..n {
        t += &format!("[recipes.r{i}]\nsteps = [{{ name = \"s\", kind = \"hands-on\", duration = 1 }}]\n");
    }
    t += "[menu]\n";
    for i in 0..n {
        t += &format!("i{i} = \"r{i}\"\n");
    }
    t += "[customers]\nlist = [\n";
    for i in 0..n {
        t += &format!("{{ item = \"i{i}\", arrival = {i}, options = {{ size = \"v{i}\" }} }},\n");
    }
    t + "]\n"
}

fn long_menu(n: u64) -> Scenario {
    load(&long_menu_toml(n))
}

/// Loading [`long_menu`]'s text again.
fn load_long_menu(sc: &Scenario) -> usize {
    let again = load(&long_menu_toml(sc.menu.items.len() as u64));
    assert_eq!(again.menu.items.len(), sc.menu.items.len());
    again.menu.items.len()
}

/// A mix over `customers / 10` items (every item of the menu, weight 1).
fn long_mix(customers: u64) -> Scenario {
    let items: String = (0..customers / 10).map(|i| format!("i{i} = \"coffee\"\n")).collect();
    four_cooks_with(&items, &format!("count = {customers}\nrate = 3.6"))
}

/// Arrivals whose rate changes `customers / 10` times, about ten customers a piece.
fn long_schedule(customers: u64) -> Scenario {
    let pieces: Vec<String> =
        (1..=customers / 10).map(|p| format!("{{ until = {}, rate = {} }}", p * 3, 3 + p % 2)).collect();
    four_cooks(&format!("count = {customers}\nschedule = [{}]", pieces.join(", ")))
}

/// `cafe run --stats` on the virtual clock.
fn stats(sc: &Scenario) -> usize {
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
    let want = Want { stats: true, ..Want::default() };
    ops::run(sc, spec, want, &mut std::io::sink()).expect("the run").outcome.served as usize
}

/// `cafe compare`: both kitchens, their timelines and their table.
fn compare(sc: &Scenario) -> usize {
    let cmp = ops::compare(sc, &ops::CompareOptions::default()).expect("the comparison");
    let charts: Vec<_> = cmp.sides.iter().map(|s| (&s.trace, None)).collect();
    timeline::render_stacked(&charts, sc, &TimelineOptions::default()).len() + cmp.render(sc).len()
}

/// `cafe run --replications 3`: the runs and their table.
fn replications(sc: &Scenario) -> usize {
    let batch = ops::Batch { mode: Mode::Async, replications: 3, threads: 1, ..Default::default() };
    ops::replicate(sc, &batch).expect("the replications").render(sc.unit).len()
}

/// `cafe run --format json`, the document written nowhere.
fn json(sc: &Scenario) -> usize {
    let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: sc.seed };
    let want = Want { json: true, stats: true, ..Want::default() };
    let ran = ops::run(sc, spec, want, &mut std::io::sink()).expect("the run");
    let mut out = std::io::sink();
    ran.json.expect("asked for").write_to(&mut out).expect("written");
    ran.outcome.served as usize
}

fn best_of_3(f: &dyn Fn() -> usize) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    type Shape = (&'static str, &'static str, fn(u64) -> Scenario, fn(&Scenario) -> usize, [u64; 3]);
    let shapes: [Shape; 7] = [
        ("compare, saturated M/M/4", "customers", mm4, compare, [2_000, 20_000, 200_000]),
        ("compare, all at once on 10^9 units", "customers", huge_machine, compare, [2_000, 20_000, 200_000]),
        ("run --replications 3, 40 customers", "cooks", many_cooks, replications, [655, 6_553, 65_535]),
        ("run --format json", "customers", mm4, json, [2_000, 20_000, 200_000]),
        ("load a menu, a list and an option", "items", long_menu, load_long_menu, [500, 5_000, 50_000]),
        ("run --stats, a mix of customers/10 items", "customers", long_mix, stats, [2_000, 20_000, 200_000]),
        ("run --stats, customers/10 rates", "customers", long_schedule, stats, [2_000, 20_000, 200_000]),
    ];
    println!("Each size ten times the one before: a linear pass costs about 10x more, a quadratic one 100x");
    for (name, what, scenario, work, sizes) in shapes {
        let mut line = format!("  {name:<36}");
        let mut before: Option<f64> = None;
        for n in sizes {
            let sc = scenario(n);
            let secs = best_of_3(&|| work(&sc));
            line += &format!("  {n:>7} {what}: {secs:>8.4} s");
            if let Some(b) = before {
                let x = secs / b.max(1e-9);
                line += &format!(" ({x:>5.1}x{})", if x > 30.0 { " !" } else { "" });
            }
            before = Some(secs);
        }
        println!("{line}");
    }
}
