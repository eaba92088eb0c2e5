//! Validation against queueing theory: where a scenario is a textbook queue, the
//! engine's long-run averages must agree with the textbook's formulas.
//!
//! # How the confidence intervals are built
//!
//! Each check runs a scenario `R` = 20 times, replication `i` with the seed
//! `replicate::seeds(SEED, R)[i]`, and takes one number per replication (the mean
//! wait of its customers, the share of them who waited, a time average). The
//! replications use independent random streams, so these `R` numbers are
//! independent and identically distributed; each is an average over thousands of
//! customers, so close to normal. Their mean ± `t(0.975, R − 1) · sd / √R` is then a
//! 95% confidence interval for the expected value of the per-replication number
//! (`Estimate`). Customers *within* a run are strongly correlated (a long service
//! makes everyone behind it wait), which is why the interval is taken across
//! replications and never across the customers of one run.
//!
//! The formulas describe the *steady state*, but a run starts with an empty
//! kitchen, where the first customers wait less. Each replication therefore
//! discards a warm-up: the customers who arrive before it and the time before it
//! (`StatsView::with_warmup`, and the same rule in this file's own sinks). The
//! warm-ups are several relaxation times of each queue (about
//! 1 / (cμ(1 − √ρ)²) for M/M/c), so what is left of the empty start is far below
//! the intervals' width.
//!
//! A 95% interval misses the true value in 5% of experiments, and this file makes
//! about two dozen such checks, so with other random numbers one of them would
//! fail more often than not, by chance alone. The base seed is therefore fixed (it
//! was chosen before any result was seen) and every check is deterministic: a
//! change that makes one fail has changed the numbers the engine produces. Whether
//! that is a fluke or a bias is for
//! `the_intervals_cover_the_theory_95_percent_of_the_time` (ignored, slow) to tell:
//! it reruns the checks from 100 base seeds and counts how often each interval
//! covers the theory.
//!
//! Each check is also shown to be able to fail: a value from a deliberately wrong
//! model (a service rate 10% off, the wrong service distribution, an arrival rate
//! 10% off) must fall *outside* the same interval.
//!
//! Run `cargo test --test validation -- --nocapture` to see every interval.

use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind, Sink, Tee};
use async_cafe::model::Scenario;
use async_cafe::replicate::{self, Estimate, Replicated};
use async_cafe::scenario;
use async_cafe::time::{Ticks, TimeUnit};
use async_cafe::view::stats::{Stats, StatsView};

/// The base seed of every experiment in this file.
const SEED: u64 = 20_240_601;
/// Replications per experiment.
const R: u32 = 20;

fn load(name: &str, toml: &str) -> Scenario {
    scenario::load_str(name, &format!("{name}.toml"), toml, &|_| Err("no files".into()))
        .unwrap_or_else(|e| panic!("{}\n{toml}", e.render()))
}

fn ticks(seconds: f64) -> Ticks {
    TimeUnit::Seconds.to_ticks(seconds)
}

fn secs(t: impl Into<u128>) -> f64 {
    t.into() as f64 / 1e9
}

/// Runs `R` replications of `sc` (on the virtual clock, replication `i` with seed
/// `replicate::seeds(seed, R)[i]`), each feeding both a `StatsView` with the given
/// warm-up and a sink of this file's own; returns the replications' statistics
/// summarised exactly as `replicate::replicate` does, and each replication's sink.
fn replications<K: Sink + Send>(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    warmup: Ticks,
    sink: impl Fn() -> K + Sync,
) -> (Replicated, Vec<K>) {
    let seeds = replicate::seeds(seed, R);
    let runs: Vec<(Stats, K)> = replicate::map(&seeds, 0, |seed| {
        let mut stats = StatsView::with_warmup(sc, warmup);
        let mut mine = sink();
        engine::run(sc, mode, seed, &mut VirtualClock, &mut Tee(&mut stats, &mut mine));
        (stats.finish(), mine)
    });
    let (stats, sinks) = runs.into_iter().unzip();
    (Replicated::from_runs(sc, mode, seed, warmup, seeds, stats), sinks)
}

fn show(e: &Estimate) -> String {
    format!("{:.4} ± {:.4} = [{:.4}, {:.4}]", e.mean, e.half_width_95, e.low(), e.high())
}

// ---------------------------------------------------------------------------------
// M/M/c against Erlang C
// ---------------------------------------------------------------------------------

/// Erlang C: the stationary M/M/c queue with arrival rate `lam`, service rate `mu`
/// and `c` servers, FCFS. A port of `shared/reference/perf/erlang_c.py`.
struct ErlangC {
    /// The probability that an arrival has to queue.
    p_wait: f64,
    /// The mean wait in queue.
    wq: f64,
}

fn erlang_c(lam: f64, mu: f64, c: u32) -> ErlangC {
    let a = lam / mu; // offered load (Erlangs)
    let rho = a / c as f64; // utilisation per server
    assert!(0.0 < rho && rho < 1.0, "unstable or empty queue: rho = {rho}");
    // Erlang B by the stable recurrence B(k) = a B(k-1) / (k + a B(k-1)).
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let p_wait = b / (1.0 - rho * (1.0 - b));
    ErlangC { p_wait, wq: p_wait / (c as f64 * mu - lam) }
}

#[test]
fn the_erlang_c_port_agrees_with_the_python_reference() {
    // `python3 shared/reference/perf/erlang_c.py 3.6 1 4` prints
    //   "p_wait": 0.7877532642953626, "Wq": 1.969383160738407
    // (and for 0.9 1 1: 0.8999999999999999, 9.000000000000002; for 1.5 1 2:
    // 0.6428571428571428, 1.2857142857142856; for 5 2 3: 0.702247191011236 twice).
    let e = erlang_c(3.6, 1.0, 4);
    assert!((e.p_wait - 0.787_753_264_295_362_6).abs() < 1e-15, "{}", e.p_wait);
    assert!((e.wq - 1.969_383_160_738_407).abs() < 1e-14, "{}", e.wq);
    // M/M/1: P(wait) = ρ and Wq = ρ / (μ − λ).
    let e = erlang_c(0.9, 1.0, 1);
    assert!((e.p_wait - 0.9).abs() < 1e-12 && (e.wq - 9.0).abs() < 1e-12);
}

/// Orders that arrive at or after `warmup`: how many, how many waited (their
/// first step started strictly after their arrival), and the sum of their waits.
/// For one-step recipes, whose first step is step 0.
struct Waits {
    warmup: Ticks,
    n: u64,
    waited: u64,
    sum: u128,
}

impl Waits {
    fn new(warmup: Ticks) -> Waits {
        Waits { warmup, n: 0, waited: 0, sum: 0 }
    }

    fn p_wait(&self) -> f64 {
        self.waited as f64 / self.n as f64
    }
}

impl Sink for Waits {
    fn event(&mut self, e: &Event<'_>) {
        if let EventKind::StepStarted { order, step: 0, .. } = e.kind
            && order.arrival >= self.warmup
        {
            self.n += 1;
            self.waited += u64::from(e.t > order.arrival);
            self.sum += (e.t - order.arrival) as u128;
        }
    }
}

/// `count` customers arriving as a Poisson process of rate `lam`, each served by one
/// hands-on step of exponential duration (mean `1/mu`) by one of `c` cooks.
///
/// Why the asynchronous kitchen is then an FCFS M/M/c queue (docs/scenario-format.md,
/// "Semantics" and "Several cooks"):
/// * arrivals: `rate = λ` draws exponential gaps, so arrivals are Poisson; the door
///   lets a customer in late when every cook is busy, but the wait is measured from
///   the arrival time in the data, not from when the door noticed;
/// * service: a hands-on step occupies its cook for its whole (exponential)
///   duration, and nothing else takes a cook any time (the door, the order's task,
///   `gather` and `served` handles run in zero scenario time);
/// * FCFS: the door creates the order tasks in arrival order, each order's task
///   creates its step task when it first runs, and the ready queue is FIFO, so the
///   step tasks enter the queue in arrival order; with several cooks, every handle
///   goes to the free cook with the lowest number, in queue order;
/// * no idling: a cook that comes free takes the next handle at once, and the
///   handles that lead from a customer's arrival to their step starting (the door's
///   wake-up, the order's first run, the step's first run) all run at that same
///   instant, so a waiting customer starts the moment a cook is free.
///
/// The synchronous kitchen is an FCFS M/M/c queue too, more plainly: each cook takes
/// the next customer in arrival order and serves them to the end.
fn mmc(lam: f64, mu: f64, c: u32, count: u64) -> Scenario {
    let toml = format!(
        r#"
[kitchen]
cooks = {c}

[recipes.coffee]
steps = [{{ name = "serve", kind = "hands-on", duration = {{ dist = "exponential", mean = {mean} }} }}]

[menu]
coffee = "coffee"

[customers.generate]
count = {count}
rate = {lam}
"#,
        mean = 1.0 / mu,
    );
    load(&format!("m-m-{c}"), &toml)
}

/// What the replications of a one-step queue give: the mean wait in queue, the
/// probability of waiting and the mean time in system, each with its 95% interval.
struct Queue {
    wq: Estimate,
    p_wait: Estimate,
    w: Estimate,
    /// Customers after the warm-up in the first replication.
    customers: u64,
}

/// Runs `R` replications of the one-step queue `sc` from base seed `seed`.
fn queue(sc: &Scenario, mode: Mode, seed: u64, warmup_s: f64) -> (Queue, Replicated) {
    let warmup = ticks(warmup_s);
    let (rep, waits) = replications(sc, mode, seed, warmup, || Waits::new(warmup));
    // The sink measures the wait exactly as the statistics do.
    for (run, w) in rep.runs.iter().zip(&waits) {
        assert_eq!(run.wait.count, w.n);
        assert!((run.wait.mean_s - secs(w.sum) / w.n as f64).abs() < 1e-9);
    }
    let q = Queue {
        wq: rep.wait.mean_s,
        p_wait: Estimate::from_samples(&waits.iter().map(Waits::p_wait).collect::<Vec<_>>()),
        w: rep.time_in_system.mean_s,
        customers: waits[0].n,
    };
    (q, rep)
}

/// An M/M/c case: λ, μ, c, the warm-up in seconds, and customers per replication.
/// Warm-ups are about five relaxation times 1 / (cμ(1 − √ρ)²): 380 s for M/M/1 at
/// ρ = 0.9, 95 s for M/M/4 at 0.9, 28 s for M/M/2 at 0.75, 22 s for M/M/3 at 0.83.
type MmcCase = (f64, f64, u32, f64, u64);
const MM1: MmcCase = (0.9, 1.0, 1, 2000.0, 25_000);
const MM4: MmcCase = (3.6, 1.0, 4, 500.0, 25_000);
const MM2: MmcCase = (1.5, 1.0, 2, 150.0, 20_000);
const MM3: MmcCase = (5.0, 2.0, 3, 120.0, 20_000);

/// Checks the mean wait in queue and the probability of waiting of an M/M/c queue
/// against Erlang C, and that Erlang C with a service rate 10% too high falls
/// outside both intervals. In the synchronous kitchen, also the mean time in system
/// W = Wq + 1/μ (see [`served_waits_for_the_loop_in_the_asynchronous_kitchen`] for
/// why not in the asynchronous one).
fn check_mmc(mode: Mode, (lam, mu, c, warmup_s, customers): MmcCase) {
    let (q, _) = queue(&mmc(lam, mu, c, customers), mode, SEED, warmup_s);
    let theory = erlang_c(lam, mu, c);
    let wrong = erlang_c(lam, 1.1 * mu, c);
    let (w, w_wrong) = (theory.wq + 1.0 / mu, wrong.wq + 1.0 / (1.1 * mu));
    let name = format!("M/M/{c} λ={lam} μ={mu} ({}, {R} × ~{} customers)", mode.name(), q.customers);
    println!("{name}: Wq   Erlang C {:.4}  (μ×1.1: {:.4})  CI {}", theory.wq, wrong.wq, show(&q.wq));
    println!(
        "{name}: Pw   Erlang C {:.4}  (μ×1.1: {:.4})  CI {}",
        theory.p_wait,
        wrong.p_wait,
        show(&q.p_wait)
    );
    println!("{name}: W    Wq + 1/μ {w:.4}  (μ×1.1: {w_wrong:.4})  CI {}", show(&q.w));
    assert!(q.wq.contains(theory.wq), "{name}: Erlang C's Wq {} is outside {}", theory.wq, show(&q.wq));
    assert!(
        q.p_wait.contains(theory.p_wait),
        "{name}: Erlang C's P(wait) {} is outside {}",
        theory.p_wait,
        show(&q.p_wait)
    );
    // The test can fail: a 10% error in the service rate is detected.
    assert!(!q.wq.contains(wrong.wq), "{name}: a wrong Wq {} is inside {}", wrong.wq, show(&q.wq));
    assert!(
        !q.p_wait.contains(wrong.p_wait),
        "{name}: a wrong P(wait) {} is inside {}",
        wrong.p_wait,
        show(&q.p_wait)
    );
    if mode == Mode::Sync {
        assert!(q.w.contains(w), "{name}: Erlang C's W {w} is outside {}", show(&q.w));
        assert!(!q.w.contains(w_wrong), "{name}: a wrong W {w_wrong} is inside {}", show(&q.w));
    }
}

#[test]
fn mm1_at_90_percent_matches_erlang_c() {
    check_mmc(Mode::Async, MM1);
}

#[test]
fn mm4_at_90_percent_matches_erlang_c() {
    check_mmc(Mode::Async, MM4);
}

#[test]
fn mm2_at_75_percent_matches_erlang_c() {
    check_mmc(Mode::Async, MM2);
}

#[test]
fn mm3_with_fast_service_matches_erlang_c() {
    check_mmc(Mode::Async, MM3);
}

#[test]
fn the_synchronous_kitchen_matches_erlang_c_time_in_system_included() {
    check_mmc(Mode::Sync, MM1);
    check_mmc(Mode::Sync, MM3);
}

/// Both kitchens are the same FCFS M/M/c queue, not only on average: given the
/// same arrivals and service times (the same seed), an FCFS queue with c servers
/// that never idles while someone waits gives every customer the same wait
/// (Kiefer–Wolfowitz), whichever server serves whom. So the two kitchens' waits
/// must agree exactly, replication by replication: a sample-path check of the
/// argument at [`mmc`], with no statistics involved.
#[test]
fn both_kitchens_give_every_customer_the_same_wait() {
    for (lam, mu, c, _, _) in [MM1, MM4, MM2, MM3] {
        let sc = mmc(lam, mu, c, 5000);
        let seeds = replicate::seeds(SEED, 4);
        let waits = |mode| {
            replicate::map(&seeds, 0, |seed| {
                let mut order_waits = Vec::new();
                let mut sink = |e: &Event<'_>| {
                    if let EventKind::StepStarted { order, .. } = e.kind {
                        order_waits.push((order.id, e.t - order.arrival));
                    }
                };
                engine::run(&sc, mode, seed, &mut VirtualClock, &mut sink);
                order_waits.sort_unstable();
                order_waits
            })
        };
        let (asynchronous, synchronous) = (waits(Mode::Async), waits(Mode::Sync));
        assert!(asynchronous.iter().all(|w| w.len() == 5000));
        assert!(
            asynchronous.iter().flatten().filter(|w| w.1 > 0).count() > 1000,
            "M/M/{c}: hardly anyone waited"
        );
        assert!(asynchronous == synchronous, "M/M/{c} λ={lam} μ={mu}: the kitchens' waits differ");
    }
}

/// A finding, not a bug: in the asynchronous kitchen an order is *served* later
/// than its last step finishes whenever the cook has other hands-on work queued,
/// so the time in system of an M/M/c queue is more than Wq + 1/μ (about 14 s
/// instead of 10 s for M/M/1 at ρ = 0.9; the waits themselves match Erlang C).
///
/// That is asyncio: a hands-on step is `time.sleep`, which blocks the loop. When the
/// cook comes free, the door lets in every customer who arrived meanwhile at once;
/// their step tasks then all sit in the ready queue when the next loop iteration
/// begins, and that iteration runs them back to back. Each finished step's
/// done-callback (which leads to `served`) is queued behind them, for the next
/// iteration. Here: orders 2 to 4 arrive while order 1's one-second step blocks the
/// cook, and are all served at 4 s, although order 2's step ends at 2 s. The
/// synchronous kitchen serves each order as its step ends.
#[test]
fn served_waits_for_the_loop_in_the_asynchronous_kitchen() {
    let sc = load(
        "backlog",
        r#"
[recipes.coffee]
steps = [{ name = "serve", kind = "hands-on", duration = 1 }]
[menu]
coffee = "coffee"
[customers]
list = [{ item = "coffee" }, { item = "coffee", arrival = 0.1 }, { item = "coffee", arrival = 0.2 }, { item = "coffee", arrival = 0.3 }]
"#,
    );
    let times = |mode| {
        let (mut started, mut served) = (Vec::new(), Vec::new());
        let mut sink = |e: &Event<'_>| match e.kind {
            EventKind::StepStarted { .. } => started.push(secs(e.t)),
            EventKind::Served { .. } => served.push(secs(e.t)),
            _ => {}
        };
        engine::run(&sc, mode, 0, &mut VirtualClock, &mut sink);
        (started, served)
    };
    assert_eq!(times(Mode::Async), (vec![0.0, 1.0, 2.0, 3.0], vec![1.0, 4.0, 4.0, 4.0]));
    assert_eq!(times(Mode::Sync), (vec![0.0, 1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0, 4.0]));
}

// ---------------------------------------------------------------------------------
// M/D/1 against Pollaczek–Khinchine
// ---------------------------------------------------------------------------------

/// Poisson arrivals at rate `lam`, one cook, one hands-on step of fixed duration `d`:
/// an M/D/1 queue, for the reasons given at [`mmc`].
fn md1(lam: f64, d: f64, count: u64) -> Scenario {
    let toml = format!(
        r#"
[recipes.espresso]
steps = [{{ name = "pull", kind = "hands-on", duration = {d} }}]

[menu]
espresso = "espresso"

[customers.generate]
count = {count}
rate = {lam}
"#
    );
    load("m-d-1", &toml)
}

/// Pollaczek–Khinchine for M/D/1: Wq = λD² / (2(1 − ρ)), ρ = λD.
fn pk_md1(lam: f64, d: f64) -> f64 {
    lam * d * d / (2.0 * (1.0 - lam * d))
}

/// An M/D/1 case: λ, D, the warm-up in seconds, and customers per replication.
type Md1Case = (f64, f64, f64, u64);
const MD1_BUSY: Md1Case = (0.8, 1.0, 500.0, 25_000);
const MD1_HALF: Md1Case = (2.5, 0.2, 50.0, 20_000);

fn check_md1((lam, d, warmup_s, customers): Md1Case) {
    let sc = md1(lam, d, customers);
    let (q, rep) = queue(&sc, Mode::Async, SEED, warmup_s);
    // The helper summarises exactly as the library's `replicate` does.
    assert_eq!(rep, replicate::replicate(&sc, Mode::Async, SEED, R, ticks(warmup_s), 2));
    let rho = lam * d;
    let theory = pk_md1(lam, d);
    // Wrong models: exponential service of the same mean (M/M/1, twice the wait),
    // and a service time 10% too long.
    let exponential = rho / (1.0 / d - lam);
    let longer = pk_md1(lam, 1.1 * d);
    let name = format!("M/D/1 λ={lam} D={d} ({R} × ~{} customers)", q.customers);
    println!(
        "{name}: Wq   P-K {theory:.4}  (M/M/1: {exponential:.4}, D×1.1: {longer:.4})  CI {}",
        show(&q.wq)
    );
    println!("{name}: Pw   ρ {rho:.4}  (D×1.1: {:.4})  CI {}", 1.1 * rho, show(&q.p_wait));
    assert!(q.wq.contains(theory), "{name}: P-K's Wq {theory} is outside {}", show(&q.wq));
    // In any M/G/1 queue an arrival finds the server busy with probability ρ
    // (Poisson arrivals see time averages).
    assert!(q.p_wait.contains(rho), "{name}: P(wait) = ρ = {rho} is outside {}", show(&q.p_wait));
    assert!(!q.wq.contains(exponential), "{name}: the M/M/1 wait {exponential} is inside {}", show(&q.wq));
    assert!(!q.wq.contains(longer), "{name}: a wrong Wq {longer} is inside {}", show(&q.wq));
    assert!(!q.p_wait.contains(1.1 * rho), "{name}: a wrong P(wait) is inside {}", show(&q.p_wait));
}

#[test]
fn md1_at_80_percent_matches_pollaczek_khinchine() {
    check_md1(MD1_BUSY);
}

#[test]
fn md1_at_half_load_matches_pollaczek_khinchine() {
    check_md1(MD1_HALF);
}

// ---------------------------------------------------------------------------------
// Little's law on random kitchens
// ---------------------------------------------------------------------------------

/// The number of customers in the kitchen (from their arrival to served),
/// integrated over the window [`from`, `to`], and the time in system of the
/// customers who arrive in that window.
struct InSystem {
    from: Ticks,
    to: Ticks,
    /// ∫ N(t) dt over the window, in ticks.
    area: u128,
    n: u64,
    sum: u128,
}

impl InSystem {
    fn new(from: Ticks, to: Ticks) -> InSystem {
        InSystem { from, to, area: 0, n: 0, sum: 0 }
    }

    /// The time-average number in system over the window.
    fn l(&self) -> f64 {
        self.area as f64 / (self.to - self.from) as f64
    }

    /// The mean time in system of the window's arrivals, in seconds.
    fn w(&self) -> f64 {
        secs(self.sum) / self.n as f64
    }
}

impl Sink for InSystem {
    fn event(&mut self, e: &Event<'_>) {
        // Each customer adds 1 to N(t) from arrival to served: the window's part
        // of that interval is their contribution to ∫ N dt. Every customer is
        // served before the run ends, so summing at `served` misses no one.
        if let EventKind::Served { order } = e.kind {
            let (a, s) = (order.arrival, e.t);
            self.area += s.min(self.to).saturating_sub(a.max(self.from)) as u128;
            if (self.from..=self.to).contains(&a) {
                self.n += 1;
                self.sum += (s - a) as u128;
            }
        }
    }
}

/// SplitMix64, to draw random kitchens reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    fn below(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }

    /// Uniform in [lo, hi), to two decimals.
    fn real(&mut self, lo: f64, hi: f64) -> f64 {
        let x = lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (x * 100.0).round() / 100.0
    }
}

/// A random kitchen with Poisson arrivals at the rate `lam` it returns, until
/// `until` seconds: 1 to 3 cooks, up to 2 kinds of equipment, 1 to 3 recipes of 1
/// to 4 steps with random `after` (a DAG), random duration distributions, a random
/// mix. `lam` puts the busiest resource (the cooks' hands-on work, or standing by
/// as well in the synchronous kitchen, or a kind of equipment) at a utilisation
/// between 40% and 65%, so that the kitchen settles into a steady state.
fn random_kitchen(seed: u64, mode: Mode, customers: f64) -> (Scenario, f64, f64) {
    let mut rng = Rng(seed);
    let cooks = rng.below(1, 4);
    let kinds = rng.below(0, 3) as usize;
    let caps: Vec<u64> = (0..kinds).map(|_| rng.below(1, 3)).collect();
    let recipes = rng.below(1, 4) as usize;
    let weights: Vec<u64> = (0..recipes).map(|_| rng.below(1, 4)).collect();
    let total_weight: u64 = weights.iter().sum();
    // Work per customer at rate 1: [cooks, equipment...].
    let mut work = vec![0.0; 1 + kinds];
    let mut text = format!("[kitchen]\ncooks = {cooks}\n");
    if kinds > 0 {
        let eq: Vec<String> = caps.iter().enumerate().map(|(e, c)| format!("e{e} = {c}")).collect();
        text += &format!("equipment = {{ {} }}\n", eq.join(", "));
    }
    for (r, &weight) in weights.iter().enumerate() {
        let p = weight as f64 / total_weight as f64;
        text += &format!("\n[recipes.r{r}]\nsteps = [\n");
        for s in 0..rng.below(1, 5) {
            let (duration, mean) = match rng.below(0, 5) {
                0 => {
                    let d = rng.real(0.1, 2.0);
                    (format!("{d}"), d)
                }
                1 => {
                    let (lo, hi) = (rng.real(0.1, 1.0), rng.real(1.0, 3.0));
                    (format!("{{ dist = \"uniform\", min = {lo}, max = {hi} }}"), (lo + hi) / 2.0)
                }
                2 => {
                    let m = rng.real(0.2, 2.0);
                    (format!("{{ dist = \"exponential\", mean = {m} }}"), m)
                }
                3 => {
                    let (k, theta) = (rng.real(0.5, 4.0), rng.real(0.1, 0.8));
                    (format!("{{ dist = \"gamma\", shape = {k}, scale = {theta} }}"), k * theta)
                }
                _ => {
                    let (m, sd) = (rng.real(0.3, 2.0), rng.real(0.1, 1.0));
                    (format!("{{ dist = \"lognormal\", mean = {m}, sd = {sd} }}"), m)
                }
            };
            let hands_on = rng.below(0, 2) == 0;
            let kind = if hands_on { "hands-on" } else { "unattended" };
            let mut step = format!("    {{ name = \"s{s}\", kind = \"{kind}\", duration = {duration}");
            if hands_on || mode == Mode::Sync {
                work[0] += p * mean / cooks as f64;
            }
            if kinds > 0 && rng.below(0, 2) == 0 {
                let e = rng.below(0, kinds as u64) as usize;
                step += &format!(", uses = \"e{e}\"");
                work[1 + e] += p * mean / caps[e] as f64;
            }
            if s > 0 {
                match rng.below(0, 3) {
                    0 => {} // waits for the step before it
                    1 => step += ", after = []",
                    _ => {
                        let after: Vec<String> =
                            (0..s).filter(|_| rng.below(0, 2) == 0).map(|a| format!("\"s{a}\"")).collect();
                        step += &format!(", after = [{}]", after.join(", "));
                    }
                }
            }
            text += &step;
            text += " },\n";
        }
        text += "]\n";
    }
    text += "\n[menu]\n";
    for r in 0..recipes {
        text += &format!("\"Item {r}\" = \"r{r}\"\n");
    }
    let busiest = work.iter().cloned().fold(0.0, f64::max);
    let lam = ((rng.real(0.40, 0.65) / busiest) * 1e4).round() / 1e4;
    let until = (customers / lam).round();
    let mix: Vec<String> = weights.iter().enumerate().map(|(r, w)| format!("\"Item {r}\" = {w}")).collect();
    text +=
        &format!("\n[customers.generate]\nuntil = {until}\nrate = {lam}\nmix = {{ {} }}\n", mix.join(", "));
    (load(&format!("random-{seed}"), &text), lam, until)
}

/// Little's law, L = λW, on a random kitchen: the time-average number of customers
/// in the kitchen equals the scenario's arrival rate times their mean time in
/// system.
///
/// Each replication measures, over the window [warm-up, last arrival time], the
/// time-average number in system L_r and the mean time in system W_r of the
/// customers who arrive in it, and gives D_r = L_r − λ W_r with the *scenario's* λ
/// (the observed rate, arrivals / window, would make L = λW an identity up to the
/// window's edges). By stationarity after the warm-up E[L_r] = L, and
/// E[W_r] = W up to an O(1/n) ratio bias, so E[D_r] ≈ L − λW = 0; the D_r are
/// i.i.d. across replications and the 95% t-interval of their mean must contain
/// 0. Pairing L_r with W_r of the same run cancels most of the run-to-run
/// variation, so the interval is narrow: what is left is mostly the Poisson
/// variation of the number of arrivals, and an arrival rate 10% off (in the
/// engine, or here) is far outside it.
///
///
/// Every kitchen uses the same base seed, so the kitchens share their arrival
/// draws (those with a single recipe draw exactly the same gaps, scaled by 1/λ;
/// several recipes interleave item draws), and as D_r is mostly the Poisson noise
/// of the number of arrivals, their checks are correlated: they are less
/// independent evidence than their number suggests.
fn little(kitchen: u64, mode: Mode, seed: u64) -> Little {
    let (sc, lam, until) = random_kitchen(kitchen, mode, 4000.0);
    let warmup = ticks(until / 10.0);
    let (rep, runs) = replications(&sc, mode, seed, warmup, || InSystem::new(warmup, ticks(until)));
    // The sink's time in system is the statistics': arrivals stop at `until`, so
    // the window's arrivals are exactly the orders after the warm-up.
    for (stats, mine) in rep.runs.iter().zip(&runs) {
        assert_eq!(stats.time_in_system.count, mine.n);
        assert!((stats.time_in_system.mean_s - mine.w()).abs() < 1e-9 * mine.w().max(1.0));
    }
    let estimate =
        |f: &dyn Fn(&InSystem) -> f64| Estimate::from_samples(&runs.iter().map(f).collect::<Vec<_>>());
    let busiest = rep
        .cooks
        .iter()
        .map(|c| c.hands_on_share.mean + c.standing_by_share.mean)
        .chain(rep.equipment.iter().map(|e| e.utilisation.mean))
        .fold(0.0, f64::max);
    Little {
        name: format!(
            "Little {} kitchen {kitchen} ({} cooks, {} kinds of equipment, {} recipes, λ={lam}, busiest {:.0}%)",
            mode.name(),
            sc.kitchen.cooks,
            sc.kitchen.equipment.len(),
            sc.menu.recipes.len(),
            busiest * 100.0
        ),
        l: estimate(&InSystem::l),
        lam_w: lam * rep.time_in_system.mean_s.mean,
        d: estimate(&|r| r.l() - lam * r.w()),
        d_wrong: estimate(&|r| r.l() - 1.1 * lam * r.w()),
    }
}

/// What [`little`] measures.
struct Little {
    name: String,
    /// The time-average number in system.
    l: Estimate,
    /// λ times the mean of the replications' mean times in system.
    lam_w: f64,
    /// L_r − λ W_r.
    d: Estimate,
    /// L_r − 1.1 λ W_r: a wrong arrival rate.
    d_wrong: Estimate,
}

fn check_little(kitchen: u64, mode: Mode) {
    let Little { name, l, lam_w, d, d_wrong } = little(kitchen, mode, SEED);
    println!("{name}: L {}  λW {lam_w:.4}  L−λW {}  L−1.1λW {}", show(&l), show(&d), show(&d_wrong));
    assert!(d.contains(0.0), "{name}: L − λW = {} does not contain 0", show(&d));
    assert!(!d_wrong.contains(0.0), "{name}: L − 1.1 λW = {} contains 0", show(&d_wrong));
}

/// The random kitchens (`random_kitchen`'s seeds) Little's law is checked on.
const ASYNC_KITCHENS: std::ops::RangeInclusive<u64> = 1..=6;
const SYNC_KITCHENS: std::ops::RangeInclusive<u64> = 101..=103;

#[test]
fn littles_law_holds_in_random_asynchronous_kitchens() {
    for kitchen in ASYNC_KITCHENS {
        check_little(kitchen, Mode::Async);
    }
}

#[test]
fn littles_law_holds_in_random_synchronous_kitchens() {
    for kitchen in SYNC_KITCHENS {
        check_little(kitchen, Mode::Sync);
    }
}

// ---------------------------------------------------------------------------------
// The intervals themselves
// ---------------------------------------------------------------------------------

/// Do the 95% intervals cover the theory 95% of the time? Each check above uses one
/// base seed; this runs every one of them from 100 base seeds and counts how often
/// the analytic value is inside. If the engine agreed with theory only by luck of
/// the seed, or the intervals were too narrow (say, from correlated replications),
/// the counts would be well below 95. With 100 experiments a correct 95% interval
/// covers at least 88 times with probability 99.85%.
///
/// This is also what to run when a change to the random draws makes one check above
/// fail: two dozen checks at 95% each mean a new set of random numbers fails one of
/// them more often than not, and only the coverage tells a fluke from a bias.
///
/// About a minute in release: `cargo test --release --test validation -- --ignored --nocapture`.
#[test]
#[ignore = "slow: run in release with --ignored"]
fn the_intervals_cover_the_theory_95_percent_of_the_time() {
    const BASES: u64 = 100;
    let mut failures = Vec::new();
    let mut report = |name: String, covered: u64| {
        println!("{name}: covered {covered}/{BASES}");
        if covered < 88 {
            failures.push(format!("{name}: {covered}/{BASES}"));
        }
    };
    let base_seeds: Vec<u64> = (0..BASES).map(|b| 1_000_003 * b + 17).collect();
    for (lam, mu, c, warmup_s, customers) in [MM1, MM4, MM2, MM3] {
        let theory = erlang_c(lam, mu, c);
        let sc = mmc(lam, mu, c, customers);
        let (mut wq, mut p_wait) = (0, 0);
        for &seed in &base_seeds {
            let (q, _) = queue(&sc, Mode::Async, seed, warmup_s);
            wq += u64::from(q.wq.contains(theory.wq));
            p_wait += u64::from(q.p_wait.contains(theory.p_wait));
        }
        report(format!("M/M/{c} λ={lam} μ={mu}: Wq"), wq);
        report(format!("M/M/{c} λ={lam} μ={mu}: P(wait)"), p_wait);
    }
    for (lam, d, warmup_s, customers) in [MD1_BUSY, MD1_HALF] {
        let sc = md1(lam, d, customers);
        let (mut wq, mut p_wait) = (0, 0);
        for &seed in &base_seeds {
            let (q, _) = queue(&sc, Mode::Async, seed, warmup_s);
            wq += u64::from(q.wq.contains(pk_md1(lam, d)));
            p_wait += u64::from(q.p_wait.contains(lam * d));
        }
        report(format!("M/D/1 λ={lam} D={d}: Wq"), wq);
        report(format!("M/D/1 λ={lam} D={d}: P(wait)"), p_wait);
    }
    let kitchens = ASYNC_KITCHENS.map(|k| (k, Mode::Async)).chain(SYNC_KITCHENS.map(|k| (k, Mode::Sync)));
    for (kitchen, mode) in kitchens {
        let covered = base_seeds.iter().filter(|&&seed| little(kitchen, mode, seed).d.contains(0.0)).count();
        report(format!("Little {} kitchen {kitchen}", mode.name()), covered as u64);
    }
    assert!(failures.is_empty(), "intervals that cover too rarely: {failures:?}");
}
