//! The definition made a test: the engine against CPython asyncio, line by line and
//! time by time.
//!
//! `CANONICAL.md` (in the shared reference directory) defines our semantics as a pair
//! of Python programs: a kitchen scenario behaves exactly like them. This test renders
//! scenarios as those programs, runs them on the reference virtual clock
//! (`vclock.py --engine simple`, plain `python3`), runs the same scenarios through
//! [`async_cafe::engine::run`] with a sink that prints the same lines, and compares
//! every line and the instant it was printed at, and the instant the run ended (an
//! `end` line on both sides: when the Python program returned, and the engine's
//! `Outcome::end`).
//!
//! * `random_scenarios_*_match_python`: many random one-cook scenarios, seeded and
//!   reproducible. A failing case prints its Python program, both outputs side by
//!   side, and a shrunk program that still disagrees.
//!   The async test also counts the situations the cases reach (late customers,
//!   equipment queues, timers expiring during a block, ties, zero lengths) and fails if
//!   any becomes rare.
//! * The other tests pin one rule each, with the expected lines written out.
//!
//! Environment:
//! * `CAFE_SHARED_DIR`: the shared reference directory (default `../shared`).
//! * `CAFE_PYTHON`: the Python interpreter (default `python3`).
//! * `CAFE_SKIP_DIFFERENTIAL=1`: skip every comparison with Python (without Python they
//!   fail); the focused tests still check the engine against their expected lines.
//! * `CAFE_DIFFERENTIAL_CASES=N`: how many random scenarios (default 1000).
//! * `CAFE_DIFFERENTIAL_SEED=N`: the base seed of the random scenarios.
//! * `CAFE_DIFFERENTIAL_ONLY=I`: run only random case `I` (to reproduce a failure).
//! * `CAFE_DIFFERENTIAL_WIDE=1`: bigger random scenarios (up to 12 customers over 12 s,
//!   8 steps a recipe, capacity 3), for hunting bugs beyond the default sizes.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind, WithLoop};
use async_cafe::model::{
    CustomerSpec, Customers, Dist, EquipIx, Equipment, Item, ItemIx, Kitchen, Menu, Narrative, Policy,
    Recipe, RecipeIx, Scenario, Step, StepIx, StepKind,
};
use async_cafe::time::{TICKS_PER_SECOND, TimeUnit};
use common::loop_trace::{LOOP_TRACE, Machines, handle_name};
use rand::{Rng, RngExt, SeedableRng};
use rand_pcg::Pcg64;

// ---- scenarios, in a form that is easy to generate, print and shrink -------------

/// Durations and arrival times are whole quarters of a second.
const QUARTER: u64 = TICKS_PER_SECOND / 4;

#[derive(Clone, Debug)]
struct Spec {
    /// Name and capacity.
    equipment: Vec<(String, u32)>,
    /// One menu item per recipe, named like it.
    recipes: Vec<RecipeSpec>,
    /// Arrival (in quarters of a second), recipe index and patience (in quarters, if
    /// the customer has one), sorted by arrival.
    customers: Vec<(u64, usize, Option<u64>)>,
    /// Customers do not join when more than this many are waiting.
    balk: Option<u32>,
    /// Both sides also print the event loop's passes and the handles each runs
    /// (`@@` lines): the Python program through [`LOOP_TRACE`], the engine through
    /// its loop events ([`async_cafe::event::Sink::wants_loop`]).
    trace_loop: bool,
}

#[derive(Clone, Debug)]
struct RecipeSpec {
    name: String,
    steps: Vec<StepSpec>,
}

#[derive(Clone, Debug)]
struct StepSpec {
    name: String,
    hands_on: bool,
    /// In quarters of a second.
    quarters: u64,
    /// Indices of earlier steps, in the order the step awaits them.
    after: Vec<usize>,
    uses: Option<usize>,
}

/// A quarter count as a Python float literal: `0.0`, `0.25`, `3.0`.
fn secs(quarters: u64) -> String {
    format!("{:?}", quarters as f64 / 4.0)
}

impl Spec {
    /// The same kitchen without equipment.
    fn make_basic(&mut self) {
        self.equipment.clear();
        for step in self.recipes.iter_mut().flat_map(|r| &mut r.steps) {
            step.uses = None;
        }
    }

    fn scenario(&self) -> Scenario {
        let equipment = self
            .equipment
            .iter()
            .map(|(name, capacity)| Equipment { name: name.clone(), capacity: *capacity, cost: 0.0 })
            .collect();
        let recipes = self
            .recipes
            .iter()
            .map(|r| Recipe {
                name: r.name.clone(),
                steps: r
                    .steps
                    .iter()
                    .map(|s| Step {
                        name: s.name.clone(),
                        kind: if s.hands_on { StepKind::HandsOn } else { StepKind::Unattended },
                        duration: Dist::Fixed(s.quarters as f64 / 4.0),
                        uses: s.uses.map(|e| e as EquipIx),
                        after: s.after.iter().map(|&a| a as StepIx).collect(),
                        result: None,
                        on_start: None,
                        on_finish: None,
                    })
                    .collect(),
                on_arrival: None,
                on_served: None,
            })
            .collect();
        let items = self
            .recipes
            .iter()
            .enumerate()
            .map(|(i, r)| Item { name: r.name.clone(), recipe: i as RecipeIx })
            .collect();
        let customers = self
            .customers
            .iter()
            .map(|&(arrival, recipe, patience)| CustomerSpec {
                name: None,
                arrival: arrival * QUARTER,
                item: recipe as ItemIx,
                options: vec![],
                durations: vec![],
                patience: patience.map(|q| q * QUARTER),
            })
            .collect();
        Scenario {
            name: "differential".into(),
            summary: "a random scenario".into(),
            unit: TimeUnit::Seconds,
            speed: 1.0,
            seed: 7,
            kitchen: Kitchen {
                cooks: 1,
                equipment,
                cook_cost: 0.0,
                currency: None,
                policy: Policy::Fifo,
                plan: None,
            },
            menu: Menu { items, recipes, options: vec![] },
            customers: Customers::List(customers),
            patience: None,
            balk: self.balk,
            narrative: Narrative::default(),
        }
    }

    /// The data at the top of both canonical programs.
    fn python_data(&self) -> String {
        let mut out = String::from("EQUIPMENT = {");
        for (i, (name, cap)) in self.equipment.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write!(out, "{name:?}: {cap}").unwrap();
        }
        let balk = self.balk.map_or("None".to_string(), |k| k.to_string());
        writeln!(out, "}}\nBALK = {balk}").unwrap();
        out.push_str("ORDERS = [\n");
        for (i, &(arrival, recipe, patience)) in self.customers.iter().enumerate() {
            let r = &self.recipes[recipe];
            writeln!(
                out,
                "    {{\"id\": \"o{}\", \"arrival\": {}, \"item\": {:?}, \"patience\": {}, \"steps\": [",
                i + 1,
                secs(arrival),
                r.name,
                patience.map_or("None".to_string(), secs),
            )
            .unwrap();
            for s in &r.steps {
                let after: Vec<String> = s.after.iter().map(|&a| format!("{:?}", r.steps[a].name)).collect();
                let uses = match s.uses {
                    Some(e) => format!("{:?}", self.equipment[e].0),
                    None => "None".into(),
                };
                writeln!(
                    out,
                    "        {{\"name\": {:?}, \"kind\": \"{}\", \"duration\": {}, \"after\": [{}], \"uses\": {}}},",
                    s.name,
                    if s.hands_on { "hands-on" } else { "unattended" },
                    secs(s.quarters),
                    after.join(", "),
                    uses
                )
                .unwrap();
            }
            out.push_str("    ]},\n");
        }
        out.push_str("]\n");
        out
    }

    /// The scenario as the canonical Python program of `mode`.
    fn python(&self, mode: Mode) -> String {
        let (head, tail) = match mode {
            Mode::Async => ("import asyncio\nimport time\n\n", ASYNC_BODY),
            Mode::Sync => ("import time\n\n", SYNC_BODY),
        };
        let trace = if self.trace_loop && mode == Mode::Async { LOOP_TRACE } else { "" };
        format!("{head}{trace}{}{tail}", self.python_data())
    }
}

/// `CANONICAL.md`, asynchronous kitchen, after the data, with the patience and
/// balking of `docs/scenario-format.md` (the lines marked `#+`; without a `patience`
/// and with `BALK = None` the program is the canonical one).
const ASYNC_BODY: &str = r#"

equipment = {}  # name -> asyncio.Semaphore(capacity), filled in main()
waiting = 0     #+ customers let in, none of whose steps has started
START = 0.0     #+ loop.time() when service opened


async def body(o, s):
    global waiting                                      #+
    if not o["started"]:                                #+ the customer stops waiting
        o["started"] = True                             #+
        waiting -= 1                                    #+
    print(f"{o['id']}/{s['name']}: start")
    if s["kind"] == "hands-on":
        time.sleep(s["duration"])           # the cook is busy: nothing else runs
    else:
        await asyncio.sleep(s["duration"])  # unattended: the cook is free meanwhile
    print(f"{o['id']}/{s['name']}: finish")


async def run_step(o, s, deps):
    for d in deps:
        await d
    if s["uses"] is not None:
        async with equipment[s["uses"]]:
            await body(o, s)
    else:
        await body(o, s)


async def run_order(o):
    global waiting                                      #+
    print(f"{o['id']}: arrived")
    if BALK is not None and waiting > BALK:             #+ too many waiting: balk
        print(f"{o['id']}: balked")                     #+
        return                                          #+
    waiting += 1                                        #+
    o["started"] = False                                #+
    step_tasks = {}
    for s in o["steps"]:  # recipe order
        deps = [step_tasks[a] for a in s["after"]]
        step_tasks[s["name"]] = asyncio.create_task(run_step(o, s, deps))
    gathered = asyncio.gather(*step_tasks.values())
    if o["patience"] is None:
        await gathered
    else:                                               #+ wait until arrival + patience
        loop = asyncio.get_running_loop()               #+
        timeout = o["arrival"] + o["patience"] - (loop.time() - START)  #+
        try:                                            #+
            await asyncio.wait_for(gathered, timeout)   #+
        except asyncio.TimeoutError:                    #+
            if not o["started"]:                        #+
                waiting -= 1                            #+
            print(f"{o['id']}: left")                   #+
            return                                      #+
    print(f"{o['id']}: served")


async def main():
    global START                                        #+
    for name, cap in EQUIPMENT.items():
        equipment[name] = asyncio.Semaphore(cap)
    loop = asyncio.get_running_loop()
    start = loop.time()
    START = start                                       #+
    tasks = []
    # the door: arrivals in time order; sorted() is stable, so ties keep list order
    for o in sorted(ORDERS, key=lambda o: o["arrival"]):
        delay = o["arrival"] - (loop.time() - start)
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(run_order(o)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    print(f"done {elapsed:.2f}")


asyncio.run(main())
"#;

/// `CANONICAL.md`, synchronous kitchen, after the data, with the patience and
/// balking of `docs/scenario-format.md` (the lines marked `#+`).
const SYNC_BODY: &str = r#"
import heapq                                            #+


def gone(o):                                            #+ has their patience run out?
    now = time.perf_counter() - start                   #+
    return o["patience"] is not None and now > o["arrival"] + o["patience"]  #+


start = time.perf_counter()
line = []  #+ when each customer taken so far stopped waiting (a heap)
# one cook serves the orders one at a time, in arrival order (stable: ties keep list order)
for o in sorted(ORDERS, key=lambda o: o["arrival"]):
    now = time.perf_counter() - start
    while line and line[0] <= o["arrival"]:             #+ the line they found
        heapq.heappop(line)                             #+
    balked = BALK is not None and len(line) > BALK      #+
    if not balked:                                      #+
        taken = max(now, o["arrival"])                  #+
        if o["patience"] is not None:                   #+
            taken = min(taken, o["arrival"] + o["patience"])  #+
        heapq.heappush(line, taken)                     #+
    if o["arrival"] > now:
        time.sleep(o["arrival"] - now)  # idle until the next customer arrives
    print(f"{o['id']}: arrived")
    if balked:                                          #+
        print(f"{o['id']}: balked")                     #+
        continue                                        #+
    left = False                                        #+
    for s in o["steps"]:  # recipe order; equipment is never contended
        if gone(o):                                     #+ noticed between steps
            left = True                                 #+
            break                                       #+
        print(f"{o['id']}/{s['name']}: start")
        time.sleep(s["duration"])
        print(f"{o['id']}/{s['name']}: finish")
    if left or gone(o):                                 #+
        print(f"{o['id']}: left")                       #+
        continue                                        #+
    print(f"{o['id']}: served")
elapsed = time.perf_counter() - start
print(f"done {elapsed:.2f}")
"#;

// ---- random scenarios ----------------------------------------------------------

const EQUIPMENT_NAMES: [&str; 3] = ["stove", "oven", "grill"];
const RECIPE_NAMES: [&str; 3] = ["lunch", "coffee", "toast"];
const STEP_NAMES: [&str; 8] = ["boil", "grind", "brew", "chop", "fry", "bake", "pour", "whisk"];

fn shuffle<T>(v: &mut [T], rng: &mut Pcg64) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// How big random scenarios get.
struct Bounds {
    capacity: u32,
    steps: usize,
    customers: usize,
    /// Arrivals are drawn from `0..arrivals` quarters.
    arrivals: u64,
}

/// What the brief asks for: small scenarios, where ties are frequent.
const SMALL: Bounds = Bounds { capacity: 2, steps: 4, customers: 6, arrivals: 16 };
/// `CAFE_DIFFERENTIAL_WIDE=1`: longer days with bigger recipes, for bug hunting.
const WIDE: Bounds = Bounds { capacity: 3, steps: 8, customers: 12, arrivals: 48 };

fn random_spec(rng: &mut Pcg64, b: &Bounds) -> Spec {
    let equipment: Vec<(String, u32)> = (0..rng.random_range(1..=3usize))
        .map(|i| (EQUIPMENT_NAMES[i].to_string(), rng.random_range(1..=b.capacity)))
        .collect();
    let recipes: Vec<RecipeSpec> = (0..rng.random_range(1..=3usize))
        .map(|r| {
            let mut names = STEP_NAMES;
            shuffle(&mut names, rng);
            let n = rng.random_range(1..=b.steps);
            let steps = (0..n)
                .map(|i| {
                    let quarters = match rng.random_range(0..100u32) {
                        0..15 => 0,
                        15..55 => 4 * rng.random_range(1..=3u64),
                        _ => rng.random_range(1..=12u64),
                    };
                    let mut after: Vec<usize> = (0..i).filter(|_| rng.random_bool(0.5)).collect();
                    shuffle(&mut after, rng);
                    let uses =
                        if rng.random_bool(0.5) { Some(rng.random_range(0..equipment.len())) } else { None };
                    StepSpec {
                        name: names[i].to_string(),
                        hands_on: rng.random_bool(0.5),
                        quarters,
                        after,
                        uses,
                    }
                })
                .collect();
            RecipeSpec { name: RECIPE_NAMES[r].to_string(), steps }
        })
        .collect();
    let mut customers: Vec<(u64, usize, Option<u64>)> = Vec::new();
    for _ in 0..rng.random_range(1..=b.customers) {
        // Ties are the point: often arrive with the previous customer.
        let arrival = match customers.last() {
            Some(&(prev, ..)) if rng.random_bool(0.4) => prev,
            _ => rng.random_range(0..b.arrivals),
        };
        customers.push((arrival, rng.random_range(0..recipes.len()), None));
    }
    customers.sort_by_key(|&(arrival, ..)| arrival); // stable
    // Half the cases have impatient customers (a patience of 0 to 6 s each, or none),
    // a third balking ones; drawn last, so that the rest is as without them.
    if rng.random_bool(0.5) {
        for c in &mut customers {
            c.2 = rng.random_bool(0.8).then(|| rng.random_range(0..=24u64));
        }
    }
    let balk = rng.random_bool(0.33).then(|| rng.random_range(0..=2u32));
    let mut spec = Spec { equipment, recipes, customers, balk, trace_loop: false };
    // Of the cases with patient customers who never balk, more than half lose their
    // equipment too: they run in the engine's basic kitchen.
    let patient = spec.customers.iter().all(|c| c.2.is_none()) && spec.balk.is_none();
    if patient && rng.random_bool(0.6) {
        spec.make_basic();
    }
    spec
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
    Some(v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")))
}

const DEFAULT_SEED: u64 = 20_240_408;
const DEFAULT_CASES: u64 = 1000;

/// The random cases: `(index, spec)`, each drawn from its own seed so any one can be
/// reproduced alone with `CAFE_DIFFERENTIAL_ONLY`.
fn random_cases() -> (u64, Vec<(u64, Spec)>) {
    let seed = env_u64("CAFE_DIFFERENTIAL_SEED").unwrap_or(DEFAULT_SEED);
    let cases = env_u64("CAFE_DIFFERENTIAL_CASES").unwrap_or(DEFAULT_CASES);
    let indices: Vec<u64> = match env_u64("CAFE_DIFFERENTIAL_ONLY") {
        Some(i) => vec![i],
        None => (0..cases).collect(),
    };
    let bounds = if std::env::var("CAFE_DIFFERENTIAL_WIDE").is_ok_and(|v| v == "1") { &WIDE } else { &SMALL };
    let specs = indices
        .into_iter()
        .map(|i| {
            let mut rng = Pcg64::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i);
            // Discard a few draws so neighbouring seeds do not start alike.
            for _ in 0..4 {
                rng.next_u64();
            }
            (i, random_spec(&mut rng, bounds))
        })
        .collect();
    (seed, specs)
}

// ---- the two sides -------------------------------------------------------------

/// A printed line and the instant it was printed at, in microseconds (what both
/// sides agree on after rounding to 6 decimals).
type Line = (u64, String);

/// What one batch of programs printed, program by program, or why it failed.
type BatchOutput = Result<Vec<Vec<Line>>, String>;

fn engine_lines(spec: &Spec, mode: Mode) -> Vec<Line> {
    let sc = spec.scenario();
    let mut lines: Vec<Line> = Vec::new();
    // A pass prints `@@ pass` before its first handle, as `LOOP_TRACE` does, and
    // the machines whose line (in the loop view) changed before that.
    let mut pass_pending = false;
    let mut machines = spec.trace_loop.then(|| Machines::new(&sc));
    let mut sink = |e: &Event<'_>| {
        if let Some(machines) = &mut machines {
            machines.event(e);
        }
        let text = match e.kind {
            EventKind::LoopPass { .. } => {
                pass_pending = true;
                return;
            }
            EventKind::HandleRun { handle, .. } => {
                let t = (e.t + 500) / 1000;
                for line in machines.as_mut().map(Machines::changed).unwrap_or_default() {
                    lines.push((t, line));
                }
                if std::mem::take(&mut pass_pending) {
                    lines.push((t, "@@ pass".into()));
                }
                format!("@@ {}", handle_name(&sc, *handle))
            }
            EventKind::Arrived { order } => format!("o{}: arrived", order.id),
            EventKind::StepStarted { order, step, .. } => {
                format!("o{}/{}: start", order.id, sc.recipe_of(order.item).steps[step as usize].name)
            }
            EventKind::StepFinished { order, step, .. } => {
                format!("o{}/{}: finish", order.id, sc.recipe_of(order.item).steps[step as usize].name)
            }
            EventKind::Served { order, .. } => format!("o{}: served", order.id),
            EventKind::Left { order, .. } => format!("o{}: left", order.id),
            EventKind::Balked { order } => format!("o{}: balked", order.id),
            EventKind::ServiceEnded { elapsed, .. } => {
                format!("done {:.2}", elapsed as f64 / TICKS_PER_SECOND as f64)
            }
            _ => return,
        };
        // Nanoseconds to microseconds, rounding half up (times here are exact).
        lines.push(((e.t + 500) / 1000, text));
    };
    let outcome = if spec.trace_loop {
        engine::run(&sc, mode, sc.seed, &mut VirtualClock, &mut WithLoop(&mut sink))
    } else {
        engine::run(&sc, mode, sc.seed, &mut VirtualClock, &mut sink)
    };
    assert!(outcome.finished, "the virtual clock never stops a run");
    // Where the run ended: Python's `asyncio.run` returns once `main()` is done, and
    // timers cancelled meanwhile (patience timeouts of served orders) never move its
    // clock.
    lines.push(((outcome.end + 500) / 1000, "end".to_string()));
    lines
}

/// The situations the random scenarios are meant to reach, so that a change to the
/// generator cannot quietly make the comparison toothless.
const SITUATIONS: [&str; 13] = [
    "customers arriving together",
    "a customer noticed late (the cook was busy)",
    "a step queued for equipment",
    "an unattended step finishing late (the cook was busy)",
    "an unattended step of zero length",
    "a hands-on step of zero length",
    "a step awaiting two or more others",
    "a customer leaving unserved",
    "a customer leaving while a step is under way",
    "a customer leaving while a step is in line for equipment",
    "a customer balking",
    "a kitchen without equipment, patience or balking (the engine's basic kitchen)",
    "a customer served whose patience would have run out after service ended",
];

/// Which of [`SITUATIONS`] the asynchronous kitchen meets in `spec`.
fn situations(spec: &Spec) -> [bool; SITUATIONS.len()] {
    let sc = spec.scenario();
    let mut seen = [false; SITUATIONS.len()];
    seen[0] = spec.customers.windows(2).any(|w| w[0].0 == w[1].0);
    let mut started = std::collections::HashMap::new();
    // When the last served customer's patience would have run out, and service ended.
    let (mut deadline, mut done) = (None, 0);
    let mut sink = |e: &Event<'_>| match e.kind {
        EventKind::Served { order, .. } => {
            deadline = deadline.max(order.patience.map(|p| order.arrival + p));
        }
        EventKind::ServiceEnded { .. } => done = e.t,
        EventKind::Arrived { order } => seen[1] |= e.t > order.arrival,
        EventKind::StepWaiting { .. } => seen[2] = true,
        EventKind::Left { .. } => seen[7] = true,
        EventKind::StepCancelled { started, .. } => {
            seen[8] |= started;
            seen[9] |= !started;
        }
        EventKind::Balked { .. } => seen[10] = true,
        EventKind::StepStarted { order, step, .. } => {
            started.insert((order.id, step), e.t);
        }
        EventKind::StepFinished { order, step, .. } => {
            let recipe = &spec.recipes[order.item as usize];
            let st = &recipe.steps[step as usize];
            let due = started[&(order.id, step)] + st.quarters * QUARTER;
            seen[3] |= !st.hands_on && e.t > due;
        }
        _ => {}
    };
    engine::run(&sc, Mode::Async, sc.seed, &mut VirtualClock, &mut sink);
    // What the engine runs as its basic kitchen (`is_basic` in `engine/asyncio/`).
    seen[11] = sc.kitchen.equipment.is_empty()
        && !sc.has_patience()
        && sc.balk.is_none()
        && sc.kitchen.policy == Policy::Fifo;
    seen[12] = deadline.is_some_and(|d| d > done);
    for &(_, r, _) in &spec.customers {
        for st in &spec.recipes[r].steps {
            seen[4] |= !st.hands_on && st.quarters == 0;
            seen[5] |= st.hands_on && st.quarters == 0;
            seen[6] |= st.after.len() >= 2;
        }
    }
    seen
}

/// Counts the situations the random cases reach, prints them, and (for a full run)
/// checks that each comes up often enough to be tested.
fn check_coverage(cases: &[(u64, Spec)]) {
    let mut counts = [0usize; SITUATIONS.len()];
    for (_, spec) in cases {
        for (count, seen) in counts.iter_mut().zip(situations(spec)) {
            *count += usize::from(seen);
        }
    }
    let mut table = String::new();
    for (name, count) in SITUATIONS.iter().zip(counts) {
        writeln!(table, "{count:>6} of {}  {name}", cases.len()).unwrap();
    }
    eprintln!("situations reached by the random scenarios:\n{table}");
    if cases.len() >= 200 {
        for (name, count) in SITUATIONS.iter().zip(counts) {
            assert!(count * 20 >= cases.len(), "under 5% of the random scenarios reach {name:?}:\n{table}");
        }
    }
}

/// Where the reference material is: `$CAFE_SHARED_DIR`, or `../shared`.
fn shared_dir() -> PathBuf {
    match std::env::var_os("CAFE_SHARED_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

fn python() -> String {
    std::env::var("CAFE_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into())
}

/// `vclock.py`, or why the tests cannot run. `None` when they are skipped; `skipped`
/// says what is skipped.
fn setup(skipped: &str) -> Option<PathBuf> {
    if std::env::var("CAFE_SKIP_DIFFERENTIAL").is_ok_and(|v| v == "1") {
        eprintln!("CAFE_SKIP_DIFFERENTIAL=1: {skipped} skipped");
        return None;
    }
    let vclock = shared_dir().join("reference/vclock.py");
    assert!(
        vclock.is_file(),
        "{} not found: the differential tests compare the engine with CPython on this \
         reference clock. Set CAFE_SHARED_DIR to the shared directory, or \
         CAFE_SKIP_DIFFERENTIAL=1 to skip them.",
        vclock.display()
    );
    let py = python();
    let ok = Command::new(&py).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "cannot run `{py} --version`: the differential tests need Python 3 (no packages). \
         Set CAFE_PYTHON to an interpreter, or CAFE_SKIP_DIFFERENTIAL=1 to skip them."
    );
    Some(vclock)
}

/// A fresh directory for one test's Python files (`tempfile`, so several `cargo test`
/// runs sharing the target directory never collide). Removed when the test passes,
/// kept when it fails.
struct WorkDir(tempfile::TempDir);

impl WorkDir {
    fn new(name: &str) -> WorkDir {
        let parent = Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential");
        std::fs::create_dir_all(&parent).expect("create the work directory");
        let dir = tempfile::Builder::new().prefix(&format!("{name}-")).tempdir_in(parent);
        WorkDir(dir.expect("create the work directory"))
    }
}

impl std::ops::Deref for WorkDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.disable_cleanup(true);
            eprintln!("the Python programs are kept in {}", self.0.path().display());
        }
    }
}

/// Runs `program` on the virtual clock; its stamped lines, or the error.
fn run_vclock(vclock: &Path, program: &Path) -> Result<Vec<Line>, String> {
    let out = Command::new(python())
        .arg(vclock)
        .args(["--engine", "simple"])
        .arg(program)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python()))?;
    if !out.status.success() {
        return Err(format!(
            "{} {} failed ({}):\n{}",
            vclock.display(),
            program.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("vclock printed something other than JSON ({e})"))?;
    let records = json.as_array().ok_or("vclock's JSON is not a list")?;
    records
        .iter()
        .map(|r| {
            let t = r["t"].as_f64().ok_or_else(|| format!("no time in {r}"))?;
            let line = r["line"].as_str().ok_or_else(|| format!("no line in {r}"))?;
            if r.get("partial").is_some() {
                return Err(format!("partial line {line:?}"));
            }
            Ok(((t * 1e6).round() as u64, line.to_string()))
        })
        .collect()
}

/// Marks the start of each program in a batch file.
const MARK: &str = "=== differential case ";

/// Marks the end of each program in a batch file: the instant `asyncio.run` (or the
/// synchronous program) returned, which the engine's [`engine::Outcome::end`] must
/// equal. Both sides show it as an `end` line.
const END: &str = "=== differential end";

/// Runs many programs in one Python process, one after another, from the driver file
/// `driver`. vclock's clock carries over from one program to the next, so each
/// program's stamps are taken relative to its start mark (printed at the instant the
/// program starts); each ends with an `end` line at the instant it returned.
fn run_batch(vclock: &Path, dir: &Path, driver_name: &str, programs: &[PathBuf]) -> BatchOutput {
    let mut driver = String::from("import runpy\n\nPROGRAMS = [\n");
    for p in programs {
        writeln!(driver, "    {:?},", p.display().to_string()).unwrap();
    }
    write!(
        driver,
        "]\n\nfor i, path in enumerate(PROGRAMS):\n    print(f\"{MARK}{{i}}\")\n    runpy.run_path(path, run_name=\"__main__\")\n    print(\"{END}\")\n"
    )
    .unwrap();
    let path = dir.join(format!("{driver_name}.py"));
    std::fs::write(&path, driver).expect("write the batch driver");
    let lines = run_vclock(vclock, &path)?;
    let mut out: Vec<Vec<Line>> = Vec::new();
    let mut origin = 0;
    for (t, line) in lines {
        if let Some(i) = line.strip_prefix(MARK) {
            assert_eq!(i.parse::<usize>().ok(), Some(out.len()), "batch marks out of order");
            out.push(Vec::new());
            origin = t;
        } else if line == END {
            let case = out.last_mut().ok_or("an end mark before the first start mark")?;
            case.push((t - origin, "end".to_string()));
        } else {
            let case = out.last_mut().ok_or_else(|| format!("line before the first mark: {line:?}"))?;
            case.push((t - origin, line));
        }
    }
    if out.len() != programs.len() {
        return Err(format!("the batch ran {} programs of {}", out.len(), programs.len()));
    }
    Ok(out)
}

// ---- comparing -----------------------------------------------------------------

fn show_time(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// Both outputs side by side, disagreeing rows marked `!`; `None` when they agree.
fn diff(python: &[Line], engine: &[Line]) -> Option<String> {
    if python == engine {
        return None;
    }
    let mut out = format!("{:<3} {:<36} {}\n", "", "python (t, line)", "engine (t, line)");
    for i in 0..python.len().max(engine.len()) {
        let cell = |l: Option<&Line>| match l {
            Some((t, line)) => format!("{:>9}  {line}", show_time(*t)),
            None => "-".to_string(),
        };
        let (p, e) = (python.get(i), engine.get(i));
        let mark = if p == e { " " } else { "!" };
        writeln!(out, "{mark}{:>2} {:<36} {}", i + 1, cell(p), cell(e)).unwrap();
    }
    Some(out)
}

/// The Python output of one spec, alone in its own process (with its `end` line).
fn python_lines(vclock: &Path, dir: &Path, name: &str, spec: &Spec, mode: Mode) -> Result<Vec<Line>, String> {
    let path = dir.join(format!("{name}.py"));
    std::fs::write(&path, spec.python(mode)).expect("write the program");
    let mut out = run_batch(vclock, dir, &format!("{name}_driver"), &[path])?;
    Ok(out.pop().expect("one program, one output"))
}

fn disagrees(vclock: &Path, dir: &Path, spec: &Spec, mode: Mode) -> bool {
    match python_lines(vclock, dir, "shrink", spec, mode) {
        Ok(py) => py != engine_lines(spec, mode),
        Err(_) => false,
    }
}

/// Smaller variants of `spec`, simplest first.
fn shrink_candidates(spec: &Spec) -> Vec<Spec> {
    let mut out = Vec::new();
    // Drop a customer.
    for c in 0..spec.customers.len() {
        if spec.customers.len() > 1 {
            let mut s = spec.clone();
            s.customers.remove(c);
            out.push(s);
        }
    }
    // Drop a recipe nobody orders; drop a piece of equipment nobody uses.
    for r in 0..spec.recipes.len() {
        if spec.recipes.len() > 1 && spec.customers.iter().all(|&(_, cr, _)| cr != r) {
            let mut s = spec.clone();
            s.recipes.remove(r);
            for c in &mut s.customers {
                if c.1 > r {
                    c.1 -= 1;
                }
            }
            out.push(s);
        }
    }
    for e in 0..spec.equipment.len() {
        let used = spec.recipes.iter().flat_map(|r| &r.steps).any(|st| st.uses == Some(e));
        if spec.equipment.len() > 1 && !used {
            let mut s = spec.clone();
            s.equipment.remove(e);
            for st in s.recipes.iter_mut().flat_map(|r| &mut r.steps) {
                st.uses = st.uses.map(|u| if u > e { u - 1 } else { u });
            }
            out.push(s);
        }
    }
    for r in 0..spec.recipes.len() {
        let steps = &spec.recipes[r].steps;
        // Drop a step, and every mention of it.
        for i in 0..steps.len() {
            if steps.len() > 1 {
                let mut s = spec.clone();
                let st = &mut s.recipes[r].steps;
                st.remove(i);
                for other in st.iter_mut() {
                    other.after.retain(|&a| a != i);
                    for a in &mut other.after {
                        if *a > i {
                            *a -= 1;
                        }
                    }
                }
                out.push(s);
            }
        }
        for (i, st) in steps.iter().enumerate() {
            for k in 0..st.after.len() {
                let mut s = spec.clone();
                s.recipes[r].steps[i].after.remove(k);
                out.push(s);
            }
            if st.uses.is_some() {
                let mut s = spec.clone();
                s.recipes[r].steps[i].uses = None;
                out.push(s);
            }
            let mut shorter = vec![0, 4, st.quarters / 2, st.quarters.saturating_sub(1)];
            shorter.sort_unstable();
            shorter.dedup();
            for q in shorter.into_iter().filter(|&q| q < st.quarters) {
                let mut s = spec.clone();
                s.recipes[r].steps[i].quarters = q;
                out.push(s);
            }
        }
    }
    for c in 0..spec.customers.len() {
        let arrival = spec.customers[c].0;
        let floor = if c == 0 { 0 } else { spec.customers[c - 1].0 };
        for a in [floor, arrival.saturating_sub(1).max(floor)] {
            if a < arrival {
                let mut s = spec.clone();
                s.customers[c].0 = a;
                out.push(s);
            }
        }
    }
    for c in 0..spec.customers.len() {
        if let Some(p) = spec.customers[c].2 {
            for shorter in [None, Some(p / 2), Some(p.saturating_sub(1))] {
                if shorter != Some(p) {
                    let mut s = spec.clone();
                    s.customers[c].2 = shorter;
                    out.push(s);
                }
            }
        }
    }
    if spec.balk.is_some() {
        out.push(Spec { balk: None, ..spec.clone() });
    }
    for e in 0..spec.equipment.len() {
        if spec.equipment[e].1 > 1 {
            let mut s = spec.clone();
            s.equipment[e].1 -= 1;
            out.push(s);
        }
    }
    out
}

/// Greedily shrinks a disagreeing spec to one where every simplification agrees.
fn shrink(vclock: &Path, dir: &Path, spec: &Spec, mode: Mode) -> Spec {
    let mut best = spec.clone();
    let mut tries = 0;
    'outer: while tries < 400 {
        for cand in shrink_candidates(&best) {
            tries += 1;
            if disagrees(vclock, dir, &cand, mode) {
                best = cand;
                continue 'outer;
            }
        }
        break;
    }
    best
}

/// Explains a case whose batch output (`batched`) disagrees with the engine: the
/// program, both outputs side by side, and a shrunk program that still disagrees.
fn report(vclock: &Path, dir: &Path, title: &str, spec: &Spec, mode: Mode, batched: &[Line]) -> String {
    let engine = engine_lines(spec, mode);
    let mut out = format!("{title}: the engine disagrees with Python ({} kitchen)\n", mode.name());
    write!(out, "--- program ---\n{}", spec.python(mode)).unwrap();
    let alone = python_lines(vclock, dir, "alone", spec, mode);
    let Some(table) = alone.as_ref().ok().and_then(|py| diff(py, &engine)) else {
        // Only the batch run disagrees: the batch driver is at fault, not the engine.
        let why = alone.err().unwrap_or_else(|| "but agrees when run alone".into());
        let table = diff(batched, &engine).unwrap_or_default();
        write!(out, "--- outputs in the batch ---\n{table}--- run alone ---\n{why}\n").unwrap();
        return out;
    };
    write!(out, "--- outputs ---\n{table}").unwrap();
    let small = shrink(vclock, dir, spec, mode);
    if let Ok(py) = python_lines(vclock, dir, "shrunk", &small, mode) {
        if let Some(table) = diff(&py, &engine_lines(&small, mode)) {
            write!(out, "--- shrunk program ---\n{}--- outputs ---\n{table}", small.python(mode)).unwrap();
        }
    }
    out
}

// ---- random scenarios against Python ------------------------------------------

const BATCH: usize = 50;

fn random_scenarios_match_python(mode: Mode, trace_loop: bool) {
    let Some(vclock) = setup("comparing random scenarios with Python") else { return };
    let dir = WorkDir::new(&format!("random_{}{}", mode.name(), if trace_loop { "_loop" } else { "" }));
    let (seed, mut cases) = random_cases();
    if mode == Mode::Async && !trace_loop {
        check_coverage(&cases);
    }
    for (_, spec) in &mut cases {
        spec.trace_loop = trace_loop;
    }
    let programs: Vec<PathBuf> = cases
        .iter()
        .map(|(i, spec)| {
            let path = dir.join(format!("case{i}.py"));
            std::fs::write(&path, spec.python(mode)).expect("write a program");
            path
        })
        .collect();
    let batches: Vec<(usize, &[PathBuf])> = programs.chunks(BATCH).enumerate().collect();
    let results: Mutex<Vec<(usize, BatchOutput)>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(index, progs)) = batches.get(b) else { break };
                    let r = run_batch(&vclock, &dir, &format!("batch{index}"), progs);
                    results.lock().unwrap().push((index, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(b, _)| *b);
    let mut failures = Vec::new();
    let mut compared = 0;
    let (mut traced_handles, mut machine_lines, mut handed) = (0, 0, 0);
    for (b, result) in results {
        let outputs = result.unwrap_or_else(|e| panic!("batch {b} of the random cases failed: {e}"));
        for (k, python) in outputs.iter().enumerate() {
            let (i, spec) = &cases[b * BATCH + k];
            compared += 1;
            if trace_loop {
                let machines = python.iter().filter(|(_, l)| l.starts_with("@@ ≡ "));
                let handles = python.iter().filter(|(_, l)| l.starts_with("@@ ") && l != "@@ pass").count();
                let handles = handles - machines.clone().count();
                assert!(handles > 0, "random case {i}: Python printed no handle of the loop");
                traced_handles += handles;
                machine_lines += machines.clone().count();
                handed += machines.filter(|(_, l)| l.contains("handed a unit")).count();
            }
            if python == &engine_lines(spec, mode) {
                continue;
            }
            failures.push(*i);
            if failures.len() <= 2 {
                let title = format!("random case {i} (seed {seed})");
                let text = report(&vclock, &dir, &title, spec, mode, python);
                eprintln!("{text}");
                eprintln!(
                    "reproduce: CAFE_DIFFERENTIAL_SEED={seed} CAFE_DIFFERENTIAL_ONLY={i} \
                     cargo test --test differential random_scenarios_{}{}\n",
                    mode.name(),
                    if trace_loop { "_loop" } else { "" }
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} random scenarios disagree with Python ({} kitchen): cases {failures:?} \
         (the first ones are shown above)",
        failures.len(),
        mode.name()
    );
    eprintln!("{compared} random scenarios agree with Python ({} kitchen)", mode.name());
    if trace_loop {
        eprintln!(
            "{traced_handles} handles of the event loop compared, pass by pass, and {machine_lines} \
             machines' lines ({handed} with a unit handed to a step still in line)"
        );
        // Enough of the machines' lines show a unit handed over, and a step still in
        // line behind it, for the comparison to mean something.
        assert!(handed >= 50, "only {handed} machines' lines with a unit handed over");
    }
}

#[test]
fn random_scenarios_async_match_python() {
    random_scenarios_match_python(Mode::Async, false);
}

#[test]
fn random_scenarios_sync_match_python() {
    random_scenarios_match_python(Mode::Sync, false);
}

/// The event loop itself: every pass, and the handles each runs in order (which
/// task resumes at which `await`, which timer or `gather` callback runs), with the
/// narrative's lines between them, against CPython's `_run_once` and `Handle._run`.
#[test]
fn random_scenarios_async_loop_matches_python() {
    random_scenarios_match_python(Mode::Async, true);
}

// ---- focused cases: one rule each, the expected lines written out ----------------

/// A step of a hand-written scenario, by name.
struct StepDef {
    name: &'static str,
    hands_on: bool,
    secs: f64,
    after: Vec<&'static str>,
    uses: Option<&'static str>,
}

fn hands_on(name: &'static str, secs: f64) -> StepDef {
    StepDef { name, hands_on: true, secs, after: vec![], uses: None }
}

fn unattended(name: &'static str, secs: f64) -> StepDef {
    StepDef { name, hands_on: false, secs, after: vec![], uses: None }
}

impl StepDef {
    fn after(mut self, names: &[&'static str]) -> Self {
        self.after = names.to_vec();
        self
    }

    fn uses(mut self, equipment: &'static str) -> Self {
        self.uses = Some(equipment);
        self
    }
}

fn quarters(secs: f64) -> u64 {
    let q = secs * 4.0;
    assert!(q >= 0.0 && q.fract() == 0.0, "{secs} s is not a whole number of quarters");
    q as u64
}

/// A one-cook scenario: equipment, recipes (one menu item each), and customers as
/// (arrival in seconds, item), in arrival order.
fn kitchen(equipment: &[(&str, u32)], recipes: Vec<(&str, Vec<StepDef>)>, customers: &[(f64, &str)]) -> Spec {
    let equipment: Vec<(String, u32)> = equipment.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    let recipes: Vec<RecipeSpec> = recipes
        .into_iter()
        .map(|(name, steps)| {
            let names: Vec<&str> = steps.iter().map(|s| s.name).collect();
            let steps = steps
                .iter()
                .map(|s| StepSpec {
                    name: s.name.to_string(),
                    hands_on: s.hands_on,
                    quarters: quarters(s.secs),
                    after: s
                        .after
                        .iter()
                        .map(|a| names.iter().position(|n| n == a).expect("after names a step"))
                        .collect(),
                    uses: s
                        .uses
                        .map(|u| equipment.iter().position(|(n, _)| n == u).expect("known equipment")),
                })
                .collect();
            RecipeSpec { name: name.to_string(), steps }
        })
        .collect();
    let customers = customers
        .iter()
        .map(|&(t, item)| {
            (quarters(t), recipes.iter().position(|r| r.name == item).expect("known item"), None)
        })
        .collect();
    Spec { equipment, recipes, customers, balk: None, trace_loop: false }
}

/// Checks that the engine prints exactly `expected` (seconds, line), and that Python
/// does too (unless the differential tests are skipped).
/// Both also end the run at the last expected line (the `done` line).
fn pin(name: &str, spec: &Spec, mode: Mode, expected: &[(f64, &str)]) {
    let mut expected: Vec<Line> =
        expected.iter().map(|&(t, line)| ((t * 1e6).round() as u64, line.to_string())).collect();
    expected.push((expected.last().map_or(0, |l| l.0), "end".to_string()));
    let engine = engine_lines(spec, mode);
    let mut problems = String::new();
    if let Some(table) = diff(&expected, &engine) {
        write!(
            problems,
            "the engine does not print the expected lines:\n{}",
            table.replacen("python", "expected", 1)
        )
        .unwrap();
    }
    if let Some(vclock) = setup("comparing with Python (the engine was checked against the expected lines)") {
        let dir = WorkDir::new(name);
        match python_lines(&vclock, &dir, name, spec, mode) {
            Ok(python) => {
                if let Some(table) = diff(&expected, &python) {
                    let table = table.replacen("python", "expected", 1).replacen("engine", "python", 1);
                    write!(problems, "Python does not print the expected lines:\n{table}").unwrap();
                }
            }
            Err(e) => writeln!(problems, "{e}").unwrap(),
        }
    }
    assert!(
        problems.is_empty(),
        "{name} ({} kitchen)\n--- program ---\n{}{problems}",
        mode.name(),
        spec.python(mode)
    );
}

#[test]
fn a_blocking_step_delays_the_finish_of_an_unattended_step_that_expired_meanwhile() {
    // boil's timer expires at 1, but the cook is chopping until 3: boil's finish line
    // (and everything after it) waits for the cook.
    let spec = kitchen(
        &[],
        vec![("lunch", vec![unattended("boil", 1.0), hands_on("chop", 3.0)])],
        &[(0.0, "lunch")],
    );
    pin(
        "blocking_delays_expired_timer",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/boil: start"),
            (0.0, "o1/chop: start"),
            (3.0, "o1/chop: finish"),
            (3.0, "o1/boil: finish"),
            (3.0, "o1: served"),
            (3.0, "done 3.00"),
        ],
    );
}

#[test]
fn a_timer_that_fell_due_during_a_block_fires_after_the_work_already_queued() {
    // chop and pour were queued together at 0. boil's timer falls due at 1 while chop
    // blocks; pour was already queued, so it runs first and boil finishes only at 3.
    let spec = kitchen(
        &[],
        vec![("lunch", vec![unattended("boil", 1.0), hands_on("chop", 2.0), hands_on("pour", 1.0)])],
        &[(0.0, "lunch")],
    );
    pin(
        "expired_timer_after_queued_work",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/boil: start"),
            (0.0, "o1/chop: start"),
            (2.0, "o1/chop: finish"),
            (2.0, "o1/pour: start"),
            (3.0, "o1/pour: finish"),
            (3.0, "o1/boil: finish"),
            (3.0, "o1: served"),
            (3.0, "done 3.00"),
        ],
    );
}

#[test]
fn equipment_is_first_come_first_served_and_a_released_unit_goes_to_the_first_waiter() {
    // At 1, boil gives the stove back while fry is queued for it. In the same loop
    // iteration, bake (woken because pour finished) asks for the stove before fry has
    // resumed: the unit already belongs to fry, so bake queues behind it (CPython 3.11's
    // Semaphore; an older, barging semaphore would let bake in first).
    let spec = kitchen(
        &[("stove", 1)],
        vec![(
            "lunch",
            vec![
                unattended("pour", 1.0),
                unattended("boil", 1.0).uses("stove"),
                unattended("fry", 1.0).uses("stove"),
                unattended("bake", 1.0).after(&["pour"]).uses("stove"),
            ],
        )],
        &[(0.0, "lunch")],
    );
    pin(
        "semaphore_fifo_handoff",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/pour: start"),
            (0.0, "o1/boil: start"),
            (1.0, "o1/pour: finish"),
            (1.0, "o1/boil: finish"),
            (1.0, "o1/fry: start"),
            (2.0, "o1/fry: finish"),
            (2.0, "o1/bake: start"),
            (3.0, "o1/bake: finish"),
            (3.0, "o1: served"),
            (3.0, "done 3.00"),
        ],
    );
}

#[test]
fn equipment_queues_customers_in_the_order_they_ask() {
    // One stove; three customers ask for it at 0, 0.5 and 1: they get it in that order.
    let spec = kitchen(
        &[("stove", 1)],
        vec![("coffee", vec![unattended("brew", 2.0).uses("stove")])],
        &[(0.0, "coffee"), (0.5, "coffee"), (1.0, "coffee")],
    );
    pin(
        "semaphore_fifo_customers",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/brew: start"),
            (0.5, "o2: arrived"),
            (1.0, "o3: arrived"),
            (2.0, "o1/brew: finish"),
            (2.0, "o2/brew: start"),
            (2.0, "o1: served"),
            (4.0, "o2/brew: finish"),
            (4.0, "o3/brew: start"),
            (4.0, "o2: served"),
            (6.0, "o3/brew: finish"),
            (6.0, "o3: served"),
            (6.0, "done 6.00"),
        ],
    );
}

#[test]
fn timers_due_at_the_same_instant_fire_in_arming_order() {
    // o2's brew (3 s) was armed at 0, o1's boil (2 s) at 1: both fall due at 3, and
    // brew fires first although boil is shorter and belongs to the earlier order.
    let spec = kitchen(
        &[],
        vec![
            ("lunch", vec![unattended("pour", 1.0), unattended("boil", 2.0).after(&["pour"])]),
            ("coffee", vec![unattended("brew", 3.0)]),
        ],
        &[(0.0, "lunch"), (0.0, "coffee")],
    );
    pin(
        "timers_in_arming_order",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o2: arrived"),
            (0.0, "o1/pour: start"),
            (0.0, "o2/brew: start"),
            (1.0, "o1/pour: finish"),
            (1.0, "o1/boil: start"),
            (3.0, "o2/brew: finish"),
            (3.0, "o1/boil: finish"),
            (3.0, "o2: served"),
            (3.0, "o1: served"),
            (3.0, "done 3.00"),
        ],
    );
}

#[test]
fn a_task_created_at_an_instant_runs_after_the_tasks_already_woken_then() {
    // At 1 the door's timer (armed first) and boil's timer fire together. The door
    // creates o2's task, but boil had already been woken at 1: its finish line comes
    // before o2's arrived line. (o1's gather then needs two more queue steps, so o2's
    // brew starts before o1 is served.)
    let spec = kitchen(
        &[],
        vec![("lunch", vec![unattended("boil", 1.0)]), ("coffee", vec![unattended("brew", 1.0)])],
        &[(0.0, "lunch"), (1.0, "coffee")],
    );
    pin(
        "new_task_after_woken_tasks",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/boil: start"),
            (1.0, "o1/boil: finish"),
            (1.0, "o2: arrived"),
            (1.0, "o2/brew: start"),
            (1.0, "o1: served"),
            (2.0, "o2/brew: finish"),
            (2.0, "o2: served"),
            (2.0, "done 2.00"),
        ],
    );
}

#[test]
fn customers_arriving_together_all_arrive_before_any_step_starts() {
    // The door creates both tasks before it awaits; then they take their first steps
    // in creation order, and each order's steps in recipe order after that.
    let spec = kitchen(
        &[],
        vec![("lunch", vec![hands_on("chop", 1.0), hands_on("fry", 1.0)])],
        &[(0.0, "lunch"), (0.0, "lunch")],
    );
    pin(
        "tied_customers_arrive_first",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o2: arrived"),
            (0.0, "o1/chop: start"),
            (1.0, "o1/chop: finish"),
            (1.0, "o1/fry: start"),
            (2.0, "o1/fry: finish"),
            (2.0, "o2/chop: start"),
            (3.0, "o2/chop: finish"),
            (3.0, "o2/fry: start"),
            (4.0, "o2/fry: finish"),
            (4.0, "o1: served"),
            (4.0, "o2: served"),
            (4.0, "done 4.00"),
        ],
    );
}

#[test]
fn a_late_customers_arrived_line_prints_when_the_cook_is_free() {
    // o2 comes in at 1, but the door is a coroutine on the loop and the cook chops
    // until 3: o2's arrived line prints at 3, after o1 is served.
    let spec = kitchen(
        &[],
        vec![("lunch", vec![hands_on("chop", 3.0)]), ("coffee", vec![unattended("brew", 1.0)])],
        &[(0.0, "lunch"), (1.0, "coffee")],
    );
    pin(
        "late_arrival_line",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/chop: start"),
            (3.0, "o1/chop: finish"),
            (3.0, "o1: served"),
            (3.0, "o2: arrived"),
            (3.0, "o2/brew: start"),
            (4.0, "o2/brew: finish"),
            (4.0, "o2: served"),
            (4.0, "done 4.00"),
        ],
    );
}

#[test]
fn gather_finishes_two_queue_steps_later_and_other_work_can_run_in_between() {
    // o1's only step finishes at 1, but its gather needs two more queue steps; in
    // between, o2's chop (woken by boil at the same instant) takes the cook until 3.
    let spec = kitchen(
        &[],
        vec![
            ("coffee", vec![unattended("pour", 1.0)]),
            ("lunch", vec![unattended("boil", 1.0), hands_on("chop", 2.0).after(&["boil"])]),
        ],
        &[(0.0, "coffee"), (0.0, "lunch")],
    );
    pin(
        "gather_two_steps",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o2: arrived"),
            (0.0, "o1/pour: start"),
            (0.0, "o2/boil: start"),
            (1.0, "o1/pour: finish"),
            (1.0, "o2/boil: finish"),
            (1.0, "o2/chop: start"),
            (3.0, "o2/chop: finish"),
            (3.0, "o1: served"),
            (3.0, "o2: served"),
            (3.0, "done 3.00"),
        ],
    );
}

#[test]
fn a_zero_length_unattended_step_yields_once() {
    // `asyncio.sleep(0)` yields to the queued work: chop (queued behind boil) blocks
    // until 1 before boil's finish line. A zero-length hands-on step does not yield.
    let spec = kitchen(
        &[],
        vec![("lunch", vec![unattended("boil", 0.0), hands_on("chop", 1.0), hands_on("pour", 0.0)])],
        &[(0.0, "lunch")],
    );
    pin(
        "zero_length_steps",
        &spec,
        Mode::Async,
        &[
            (0.0, "o1: arrived"),
            (0.0, "o1/boil: start"),
            (0.0, "o1/chop: start"),
            (1.0, "o1/chop: finish"),
            (1.0, "o1/pour: start"),
            (1.0, "o1/pour: finish"),
            (1.0, "o1/boil: finish"),
            (1.0, "o1: served"),
            (1.0, "done 1.00"),
        ],
    );
}

#[test]
fn the_synchronous_kitchen_serves_one_order_at_a_time_in_recipe_order() {
    // Standing by through every step: unattended steps cost the cook their full time,
    // `after` changes nothing, o2 (in at 1) is noticed when o1 is served, and the cook
    // idles until o3 comes in at 9.
    let spec = kitchen(
        &[("stove", 1)],
        vec![(
            "lunch",
            vec![
                unattended("boil", 2.0).uses("stove"),
                hands_on("chop", 1.0),
                hands_on("fry", 1.0).after(&["chop", "boil"]).uses("stove"),
            ],
        )],
        &[(0.0, "lunch"), (1.0, "lunch"), (9.0, "lunch")],
    );
    let mut expected = Vec::new();
    for (o, t) in [(1, 0.0), (2, 4.0), (3, 9.0)] {
        let lines = [
            (t, "arrived"),
            (t, "/boil: start"),
            (t + 2.0, "/boil: finish"),
            (t + 2.0, "/chop: start"),
            (t + 3.0, "/chop: finish"),
            (t + 3.0, "/fry: start"),
            (t + 4.0, "/fry: finish"),
            (t + 4.0, "served"),
        ];
        for (t, what) in lines {
            let sep = if what.starts_with('/') { "" } else { ": " };
            expected.push((t, format!("o{o}{sep}{what}")));
        }
    }
    expected.push((13.0, "done 13.00".to_string()));
    let expected: Vec<(f64, &str)> = expected.iter().map(|(t, l)| (*t, l.as_str())).collect();
    pin("sync_kitchen", &spec, Mode::Sync, &expected);
}

#[test]
fn a_cancelled_patience_timeout_does_not_keep_the_run_going() {
    // o1 (patience 1000 s) is served at 5: `wait_for` cancels its timeout, and
    // `asyncio.run` returns as soon as `main()` does, at 5, not at 1000.
    let mut spec = kitchen(&[], vec![("tea", vec![hands_on("brew", 5.0)])], &[(0.0, "tea")]);
    spec.customers[0].2 = Some(quarters(1000.0));
    let expected = [
        (0.0, "o1: arrived"),
        (0.0, "o1/brew: start"),
        (5.0, "o1/brew: finish"),
        (5.0, "o1: served"),
        (5.0, "done 5.00"),
    ];
    pin("patient_served", &spec, Mode::Async, &expected);
    pin("patient_served_sync", &spec, Mode::Sync, &expected);
}

#[test]
fn a_cancelled_sleep_does_not_keep_the_run_going() {
    // o1 (patience 2 s) leaves at 2 while its 10 s steep is under way: the steep's
    // timer is cancelled with it, and the run ends at 2, not at 10.
    let mut spec = kitchen(&[], vec![("tea", vec![unattended("steep", 10.0)])], &[(0.0, "tea")]);
    spec.customers[0].2 = Some(quarters(2.0));
    let expected = [(0.0, "o1: arrived"), (0.0, "o1/steep: start"), (2.0, "o1: left"), (2.0, "done 2.00")];
    pin("patience_cancels_a_sleep", &spec, Mode::Async, &expected);
}
