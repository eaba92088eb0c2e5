//! Validation against queueing theory: where a scenario is a textbook queue, the
//! engine's long-run averages must agree with the textbook's formulas. Covered: M/M/c
//! against Erlang C, M/D/1 against Pollaczek–Khinchine, Little's law on random
//! kitchens, and reneging and balking against a birth–death chain solved here;
//! with a few small runs worked out by hand, event by event.
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
//! about three dozen such checks, so with other random numbers one of them would
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
//! 10% off, a patience 10% short, balking off by one) must fall *outside* the same
//! interval.
//!
//! Run `cargo test --test validation -- --nocapture` to see every interval.

mod common;

use async_cafe::capacity::{self, ErlangC};
use async_cafe::engine::{self, Mode, VirtualClock};
use async_cafe::event::{Event, EventKind, Sink, Tee};
use async_cafe::model::Scenario;
use async_cafe::replicate::{self, Estimate, Replicated};
use async_cafe::time::{Ticks, TimeUnit};
use async_cafe::view::stats::{Stats, StatsView};
use common::load_as as load;

/// The base seed of every experiment in this file.
const SEED: u64 = 20_240_601;
/// Replications per experiment.
const R: u32 = 20;

fn ticks(seconds: f64) -> Ticks {
    TimeUnit::Seconds.to_ticks(seconds)
}

fn secs(t: impl Into<u128>) -> f64 {
    t.into() as f64 / 1e9
}

/// Runs `R` replications of `sc` (on the virtual clock, replication `i` with seed
/// `replicate::seeds(seed, R)[i]`), each feeding both a `StatsView` with the given
/// warm-up and a sink of this file's own; returns the replications' statistics
/// summarised exactly as `ops::replicate` does, and each replication's sink.
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
    (Replicated::from_runs(sc, mode, seed, async_cafe::time::duration(warmup), seeds, stats), sinks)
}

fn show(e: &Estimate) -> String {
    format!("{:.4} ± {:.4} = [{:.4}, {:.4}]", e.mean, e.half_width_95, e.low(), e.high())
}

// ---------------------------------------------------------------------------------
// M/M/c against Erlang C
// ---------------------------------------------------------------------------------

/// Erlang C for a stable queue.
fn erlang_c(lam: f64, mu: f64, c: u32) -> ErlangC {
    capacity::erlang_c(lam, mu, c)
        .unwrap_or_else(|| panic!("unstable or empty queue: λ {lam}, μ {mu}, c {c}"))
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
    // A queue that never settles, or has no arrivals, has no stationary answer.
    for (lam, mu, c) in [(1.0, 1.0, 1), (4.5, 1.0, 4), (0.0, 1.0, 2), (1.0, 1.0, 0)] {
        assert_eq!(capacity::erlang_c(lam, mu, c), None, "λ {lam}, μ {mu}, c {c}");
    }
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
/// probability of waiting, the mean time in system, and the time-averaged number
/// waiting (L_q) and in the café (L), each with its 95% interval.
struct Queue {
    wq: Estimate,
    p_wait: Estimate,
    w: Estimate,
    lq: Estimate,
    l: Estimate,
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
        // And counts who waited as this file does.
        assert_eq!((run.waited, run.waited_share), (w.waited, w.p_wait()));
    }
    let q = Queue {
        wq: rep.wait.mean_s,
        p_wait: rep.waited_share,
        w: rep.time_in_system.mean_s,
        lq: rep.mean_waiting,
        l: rep.mean_in_system,
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
    let (lq, lq_wrong) = (lam * theory.wq, lam * wrong.wq);
    println!("{name}: Lq   λ Wq {lq:.4}  (μ×1.1: {lq_wrong:.4})  CI {}", show(&q.lq));
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
    // The time-averaged number waiting, from its own integral over time, is Erlang
    // C's L_q = λ Wq (Little's law on the line).
    assert!(q.lq.contains(lq), "{name}: Erlang C's Lq {lq} is outside {}", show(&q.lq));
    assert!(!q.lq.contains(lq_wrong), "{name}: a wrong Lq {lq_wrong} is inside {}", show(&q.lq));
    if mode == Mode::Sync {
        let (l, l_wrong) = (lam * w, lam * w_wrong);
        println!("{name}: L    λ W {l:.4}  (μ×1.1: {l_wrong:.4})  CI {}", show(&q.l));
        assert!(q.l.contains(l), "{name}: Erlang C's L {l} is outside {}", show(&q.l));
        assert!(!q.l.contains(l_wrong), "{name}: a wrong L {l_wrong} is inside {}", show(&q.l));
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
    let batch = async_cafe::ops::Batch {
        seed: Some(SEED),
        replications: R,
        warmup: async_cafe::time::duration(ticks(warmup_s)),
        threads: 2,
        ..Default::default()
    };
    assert_eq!(rep, async_cafe::ops::replicate(&sc, &batch).unwrap());
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

/// The `takeaway` built-in's asynchronous barista is an M/D/1 queue: customers at a
/// Poisson rate of one a minute, each half a minute of the barista's hands (the
/// grind); the minute's brew that follows is unattended and holds nothing. So the
/// wait is Pollaczek–Khinchine's for the grind alone, a quarter of a minute, and a
/// customer waits with probability ρ = 0.5. The synchronous barista, who stands by
/// the brew too, is an M/G/1 queue of 1.5 min per customer: overloaded, and warned
/// of.
#[test]
fn the_takeaway_builtins_asynchronous_barista_is_an_m_d_1_queue() {
    let text = async_cafe::builtin::find("takeaway").expect("the built-in").toml;
    assert!(text.contains("until = 60\n") && text.contains("rate = 1 "), "the morning the test lengthens");
    // A morning of 20,000 minutes: as many customers a replication as the cases above.
    let sc = load("takeaway", &text.replace("until = 60\n", "until = 20000\n"));
    let (lam, d) = (1.0 / 60.0, 30.0); // per second, seconds
    let (q, _) = queue(&sc, Mode::Async, SEED, 300.0);
    let theory = pk_md1(lam, d);
    assert!((theory - 15.0).abs() < 1e-9, "a quarter of a minute");
    println!("takeaway: Wq P-K {theory:.3} s  CI {}", show(&q.wq));
    assert!(q.wq.contains(theory), "P-K's Wq {theory} is outside {}", show(&q.wq));
    assert!(q.p_wait.contains(0.5), "P(wait) = ρ = 0.5 is outside {}", show(&q.p_wait));
    // A grind 10% longer would wait 20.2 s.
    assert!(!q.wq.contains(pk_md1(lam, 1.1 * d)), "a wrong Wq is inside {}", show(&q.wq));
    assert_eq!(capacity::warnings(&sc, Mode::Async), Vec::<String>::new());
    let sync = capacity::warnings(&sc, Mode::Sync);
    assert_eq!(sync.len(), 1);
    assert!(sync[0].contains("need 1.50 cooks busy all the time"), "{sync:?}");
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
        if let EventKind::Served { order, .. } = e.kind {
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
// Reneging and balking against a birth–death chain
// ---------------------------------------------------------------------------------

/// The long-run fates of the customers of a birth–death queue with impatient
/// customers and balking (see [`birth_death`]).
#[derive(Clone, Copy, Debug)]
struct Fates {
    /// The share of arrivals who balk (do not join).
    balk: f64,
    /// The share of arrivals (those who balk included) who leave unserved.
    renege: f64,
    /// The time-average number of customers in the kitchen.
    l: f64,
}

/// A queue with `c` servers, Poisson arrivals at rate `lam`, exponential services of
/// rate `mu`, exponential patience of rate `theta`, and balking, solved as the
/// birth–death chain on n, the number of customers in the system (in line or being
/// served):
///
/// * birth rate λ in state n when max(n − c, 0) ≤ K (at most K in line: the
///   arrival joins), 0 otherwise (the arrival balks); `balk` = `None` is K = ∞;
/// * death rate min(n, c)·μ + n·θ: services end, and every customer in the system
///   runs out of patience at rate θ, being served or not (`in_service` = false
///   gives the textbook M/M/c+M, "Erlang A", where only those in line abandon:
///   min(n, c)·μ + max(n − c, 0)·θ).
///
/// The stationary distribution is π_n ∝ ∏_{k=1..n} λ_{k−1} / d_k. With balking the
/// chain stops at n = c + K + 1; without, the product is summed until what is left
/// is below 10⁻¹⁵ of the total: once r = λ / d_{n+1} < 1 every later ratio is at
/// most r (d_n increases with n), so the rest is at most π_n · r / (1 − r).
///
/// Poisson arrivals see time averages (PASTA), so an arrival balks with probability
/// P(balk) = Σ_{n − c > K} π_n = π_{c+K+1}; customers renege at the long-run rate
/// Σ_n n·θ·π_n, and dividing by the arrival rate λ gives the share of arrivals who
/// renege. L = Σ_n n·π_n.
fn birth_death(lam: f64, mu: f64, c: u32, theta: f64, balk: Option<u32>, in_service: bool) -> Fates {
    assert!(lam > 0.0 && mu > 0.0 && c > 0 && theta >= 0.0);
    assert!(theta > 0.0 || balk.is_some() || lam < c as f64 * mu, "the chain has no stationary distribution");
    let joins = |n: u32| balk.is_none_or(|k| n.saturating_sub(c) <= k);
    let impatient = |n: u32| if in_service { n } else { n.saturating_sub(c) };
    let death = |n: u32| n.min(c) as f64 * mu + impatient(n) as f64 * theta;
    // Unnormalised π_n, π_0 = 1.
    let mut p = vec![1.0];
    let mut sum = 1.0;
    for n in 0.. {
        if !joins(n) {
            break; // n = c + K + 1: no arrival joins, so no higher state
        }
        let next = p[n as usize] * lam / death(n + 1);
        p.push(next);
        sum += next;
        let r = lam / death(n + 2);
        if balk.is_none() && r < 1.0 && next * r / (1.0 - r) < 1e-15 * sum {
            break;
        }
    }
    let (mut balked, mut renege, mut l) = (0.0, 0.0, 0.0);
    for (n, &p) in (0u32..).zip(&p) {
        let pi = p / sum;
        if !joins(n) {
            balked += pi;
        }
        renege += impatient(n) as f64 * theta * pi;
        l += n as f64 * pi;
    }
    Fates { balk: balked, renege: renege / lam, l }
}

/// The chain's solver reduces to the closed forms of the queues it contains.
#[test]
fn the_birth_death_chain_agrees_with_closed_forms() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    // No patience, one server, room for N = K + 2 (one served, K + 1 in line): the
    // M/M/1/N queue, which turns away a share ρ^N (1 − ρ) / (1 − ρ^(N+1)).
    let (rho, k) = (0.8_f64, 3);
    let f = birth_death(rho, 1.0, 1, 0.0, Some(k), true);
    let n = (k + 2) as i32;
    assert!(close(f.balk, rho.powi(n) * (1.0 - rho) / (1.0 - rho.powi(n + 1))), "{f:?}");
    assert!(close(f.renege, 0.0));
    // More servers than customers ever present: M/M/∞ where each customer leaves at
    // rate μ + θ, so n is Poisson with mean λ / (μ + θ), and a customer's patience
    // runs out before their service ends with probability θ / (μ + θ).
    let (lam, mu, theta) = (3.0, 1.0, 0.5);
    let f = birth_death(lam, mu, 1000, theta, None, true);
    assert!(close(f.renege, theta / (mu + theta)) && close(f.l, lam / (mu + theta)), "{f:?}");
    assert_eq!(f.balk, 0.0);
    // Balking at a huge K changes nothing (the tail beyond it is below 10⁻¹⁵).
    let g = birth_death(lam, mu, 2, theta, None, true);
    let h = birth_death(lam, mu, 2, theta, Some(200), true);
    assert!(close(g.renege, h.renege) && close(g.l, h.l) && h.balk < 1e-15, "{g:?} {h:?}");
    // Erlang A with θ = μ: time in line and in service are alike, so n is Poisson
    // with mean λ / μ whatever c, and customers renege at the rate θ E[(n − c)⁺],
    // where for c = 2, E[(n − 2)⁺] = E[n] − 2 + 2 P(0) + P(1) = λ − 2 + (2 + λ) e^(−λ).
    let f = birth_death(lam, mu, 2, mu, None, false);
    let excess = lam - 2.0 + (2.0 + lam) * (-lam).exp();
    assert!(close(f.renege, mu * excess / lam) && close(f.l, lam / mu), "{f:?}");
}

/// A case of [`reneging`].
#[derive(Clone, Copy, Debug)]
struct RenegeCase {
    /// Arrival rate λ.
    lam: f64,
    /// Service rate μ (of one machine).
    mu: f64,
    /// Machines c.
    c: u32,
    /// Patience rate θ (mean patience 1/θ).
    theta: f64,
    /// `balk = K`, if any.
    balk: Option<u32>,
    /// The warm-up in seconds: 20 mean patiences. A customer's patience bounds their
    /// stay, so whoever is in the kitchen at some instant has left 20/θ later but
    /// for a chance of e⁻²⁰ each, and the empty start fades on the scale of 1/θ. It
    /// drops at most 3% of the customers.
    warmup_s: f64,
    /// Customers per replication, on average: arrivals run until `customers / lam`.
    customers: f64,
}

impl RenegeCase {
    /// When arrivals stop, in seconds.
    fn until(&self) -> f64 {
        (self.customers / self.lam).round()
    }

    fn name(&self) -> String {
        let balk = self.balk.map_or("no balking".to_string(), |k| format!("balk={k}"));
        let (lam, mu, c, theta) = (self.lam, self.mu, self.c, self.theta);
        format!("M/M/{c}+M λ={lam} μ={mu} θ={theta} {balk} ({R} × ~{} customers)", self.customers)
    }

    fn theory(&self) -> Fates {
        birth_death(self.lam, self.mu, self.c, self.theta, self.balk, true)
    }
}

/// λ = 2 on two machines of rate 1 (an offered load of 100%), patience of mean 2,
/// balking when more than 3 wait: 1.1% balk and 39% leave.
const RENEGE_BALK: RenegeCase =
    RenegeCase { lam: 2.0, mu: 1.0, c: 2, theta: 0.5, balk: Some(3), warmup_s: 40.0, customers: 20_000.0 };
/// M/M/4+M without balking, offered load 75%, patience of mean 4: 22% leave.
const RENEGE_ONLY: RenegeCase =
    RenegeCase { lam: 3.0, mu: 1.0, c: 4, theta: 0.25, balk: None, warmup_s: 80.0, customers: 20_000.0 };
/// Heavily loaded: λ = 6 on three machines (an offered load of 200%), patience of
/// mean 5, balking when more than 5 wait: 27% balk and 23% leave.
const RENEGE_HEAVY: RenegeCase =
    RenegeCase { lam: 6.0, mu: 1.0, c: 3, theta: 0.2, balk: Some(5), warmup_s: 100.0, customers: 20_000.0 };

/// Poisson arrivals at rate λ until [`RenegeCase::until`], each ordering one
/// *unattended* step of exponential duration (mean 1/μ) on equipment `machine` of
/// capacity c; exponential patience (mean 1/θ); `balk = K` when given.
///
/// Why the asynchronous kitchen is then the chain of [`birth_death`], with n the
/// customers let in and neither served nor gone:
/// * arrivals: exponential gaps, so Poisson; and the door lets each customer in
///   exactly at their arrival, because nothing ever blocks the cook (an unattended
///   step is `asyncio.sleep`; every other handle takes no scenario time);
/// * servers: the machine is a FIFO `asyncio.Semaphore(c)`, held for the step's
///   exponential duration; a released unit goes straight to the first in line, who
///   starts at that same instant, so no machine idles while someone waits;
/// * patience: a customer is `wait_for(gather(steps), arrival + patience − now)`:
///   at the deadline a step still in line leaves the line, and a brewing step is
///   cancelled and gives its machine back at once. So each of the n customers
///   leaves at rate θ whether in line or being served (exponential patience is
///   memoryless, and drawn on its own stream, independent of everything else);
///   the step's end serves the customer at the same instant, before any later
///   deadline;
/// * balking: "waiting" (let in, no step started) is exactly "in line for a
///   machine", max(n − c, 0), at every arrival (simultaneous events have
///   probability ~0 on a nanosecond grid).
fn reneging(case: &RenegeCase) -> Scenario {
    let balk = case.balk.map_or(String::new(), |k| format!("balk = {k}"));
    let toml = format!(
        r#"
[kitchen]
equipment = {{ machine = {c} }}

[recipes.brew]
steps = [{{ name = "brew", kind = "unattended", uses = "machine", duration = {{ dist = "exponential", mean = {service} }} }}]

[menu]
coffee = "brew"

[customers]
patience = {{ dist = "exponential", mean = {patience} }}
{balk}

[customers.generate]
until = {until}
rate = {lam}
"#,
        c = case.c,
        service = 1.0 / case.mu,
        patience = 1.0 / case.theta,
        until = case.until(),
        lam = case.lam,
    );
    load("m-m-c-plus-m", &toml)
}

/// The fates of the customers who arrive at or after `from`, and the number of
/// customers in the kitchen (let in, neither served nor gone) integrated over the
/// window [`from`, `to`].
struct Counts {
    from: Ticks,
    to: Ticks,
    served: u64,
    left: u64,
    balked: u64,
    /// ∫ N(t) dt over the window, in ticks.
    area: u128,
}

impl Counts {
    fn new(from: Ticks, to: Ticks) -> Counts {
        Counts { from, to, served: 0, left: 0, balked: 0, area: 0 }
    }

    /// The time-average number in the kitchen over the window.
    fn l(&self) -> f64 {
        self.area as f64 / (self.to - self.from) as f64
    }
}

impl Sink for Counts {
    fn event(&mut self, e: &Event<'_>) {
        let (order, count) = match e.kind {
            EventKind::Served { order, .. } => (order, &mut self.served),
            EventKind::Left { order, .. } => (order, &mut self.left),
            // At their arrival: no time in the kitchen.
            EventKind::Balked { order } => (order, &mut self.balked),
            _ => return,
        };
        if order.arrival >= self.from {
            *count += 1;
        }
        // Every customer ends served, gone or balked, so summing then misses no one.
        let (a, d) = (order.arrival, e.t);
        self.area += d.min(self.to).saturating_sub(a.max(self.from)) as u128;
    }
}

/// What the replications of a [`RenegeCase`] give, each with its 95% interval.
struct Abandoned {
    /// left / (served + left + balked) per replication.
    renege: Estimate,
    /// balked / (served + left + balked).
    balk: Estimate,
    /// The time-average number in the kitchen.
    l: Estimate,
    /// Customers balked in all replications together.
    balked: u64,
}

/// Runs `R` replications of `case` from base seed `seed`; the shares are the
/// statistics' own (`Stats::left`, `balked`, `served`).
fn abandoned(case: &RenegeCase, seed: u64) -> Abandoned {
    let sc = reneging(case);
    let (warmup, until) = (ticks(case.warmup_s), ticks(case.until()));
    let (rep, counts) = replications(&sc, Mode::Async, seed, warmup, || Counts::new(warmup, until));
    // The statistics count exactly what the sink counts.
    for (stats, mine) in rep.runs.iter().zip(&counts) {
        assert_eq!((stats.served, stats.left, stats.balked), (mine.served, mine.left, mine.balked));
    }
    let share = |f: fn(&Stats) -> u64| {
        let shares: Vec<f64> =
            rep.runs.iter().map(|s| f(s) as f64 / (s.served + s.left + s.balked) as f64).collect();
        Estimate::from_samples(&shares)
    };
    Abandoned {
        renege: share(|s| s.left),
        balk: share(|s| s.balked),
        l: Estimate::from_samples(&counts.iter().map(Counts::l).collect::<Vec<_>>()),
        balked: rep.runs.iter().map(|s| s.balked).sum(),
    }
}

/// Checks the shares of arrivals who renege and who balk, and the mean number in the
/// kitchen, against the birth–death chain; and that wrong models fall outside the
/// same intervals: patience 10% shorter (θ × 1.1) for all three, the textbook
/// Erlang A (patience that stops counting once the step starts) for reneging, and
/// balking off by one (when K or more wait, not more than K).
fn check_reneging(case: RenegeCase) {
    let a = abandoned(&case, SEED);
    let theory = case.theory();
    let shorter = birth_death(case.lam, case.mu, case.c, 1.1 * case.theta, case.balk, true);
    let erlang_a = birth_death(case.lam, case.mu, case.c, case.theta, case.balk, false);
    let name = case.name();
    println!(
        "{name}: renege  chain {:.4}  (θ×1.1: {:.4}, Erlang A: {:.4})  CI {}",
        theory.renege,
        shorter.renege,
        erlang_a.renege,
        show(&a.renege)
    );
    println!("{name}: L       chain {:.4}  (θ×1.1: {:.4})  CI {}", theory.l, shorter.l, show(&a.l));
    assert!(
        a.renege.contains(theory.renege),
        "{name}: the chain's renege share {} is outside {}",
        theory.renege,
        show(&a.renege)
    );
    assert!(a.l.contains(theory.l), "{name}: the chain's L {} is outside {}", theory.l, show(&a.l));
    // The test can fail.
    for (what, wrong) in [("θ×1.1", shorter.renege), ("Erlang A", erlang_a.renege)] {
        assert!(
            !a.renege.contains(wrong),
            "{name}: a wrong ({what}) renege share {wrong} is inside {}",
            show(&a.renege)
        );
    }
    assert!(!a.l.contains(shorter.l), "{name}: a wrong (θ×1.1) L {} is inside {}", shorter.l, show(&a.l));
    match case.balk {
        Some(k) => {
            let off_by_one = birth_death(case.lam, case.mu, case.c, case.theta, Some(k - 1), true);
            println!(
                "{name}: balk    chain {:.4}  (θ×1.1: {:.4}, balk={}: {:.4})  CI {}",
                theory.balk,
                shorter.balk,
                k - 1,
                off_by_one.balk,
                show(&a.balk)
            );
            assert!(
                a.balk.contains(theory.balk),
                "{name}: the chain's balk share {} is outside {}",
                theory.balk,
                show(&a.balk)
            );
            for (what, wrong) in [("θ×1.1", shorter.balk), ("off by one", off_by_one.balk)] {
                assert!(
                    !a.balk.contains(wrong),
                    "{name}: a wrong ({what}) balk share {wrong} is inside {}",
                    show(&a.balk)
                );
            }
        }
        None => assert_eq!(a.balked, 0, "{name}: customers balked without `balk`"),
    }
}

#[test]
fn reneging_and_balking_match_the_birth_death_chain() {
    check_reneging(RENEGE_BALK);
}

#[test]
fn reneging_without_balking_matches_the_birth_death_chain() {
    check_reneging(RENEGE_ONLY);
}

#[test]
fn reneging_and_balking_under_heavy_load_match_the_birth_death_chain() {
    check_reneging(RENEGE_HEAVY);
}

/// A run's events, for scenarios whose recipes have one step: (time in seconds,
/// order, what happened), the service's end as order 0 `"done"`; and the
/// statistics without a warm-up.
fn story(sc: &Scenario) -> (Vec<(f64, u64, &'static str)>, Stats) {
    let mut events = Vec::new();
    let mut stats = StatsView::new(sc);
    let mut sink = |e: &Event<'_>| {
        let what = match e.kind {
            EventKind::ServiceStarted => return,
            EventKind::ServiceEnded { .. } => "done",
            EventKind::Arrived { .. } => "arrived",
            EventKind::StepWaiting { .. } => "in line",
            EventKind::StepStarted { .. } => "starts",
            EventKind::StepFinished { .. } => "finishes",
            EventKind::StepCancelled { started: false, .. } => "leaves the line",
            EventKind::StepCancelled { started: true, .. } => "cancelled",
            EventKind::Served { .. } => "served",
            EventKind::Left { .. } => "left",
            EventKind::Balked { .. } => "balked",
            EventKind::Between { .. } => "between",
            // The loop's own events come only to a sink that wants them.
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => return,
        };
        events.push((secs(e.t), e.kind.order().map_or(0, |o| o.id), what));
    };
    engine::run(sc, Mode::Async, 0, &mut VirtualClock, &mut Tee(&mut stats, &mut sink));
    (events, stats.finish())
}

/// Reneging worked out by hand. One machine; a brew of 3 s that holds it, unattended;
/// a patience of 4 s unless the customer's row says otherwise:
///
/// | order | arrives | patience | deadline |
/// |---|---|---|---|
/// | 1 | 0 | 4 | 4 |
/// | 2 | 1 | 4 | 5 |
/// | 3 | 2 | 4 | 6 |
/// | 4 | 2.5 | 1 | 3.5 |
/// | 5 | 5.5 | 10 | 15.5 |
///
/// * 0: 1 takes the machine and brews until 3. 2, 3 and 4 arrive and queue, in
///   that order (the semaphore is FIFO).
/// * 3: 1's brew finishes before its deadline of 4: the machine goes straight to 2
///   (whose brew would end at 6), and 1 is served.
/// * 3.5: 4's deadline, still in line: its step leaves the line and 4 leaves.
/// * 5: 2's deadline, brewing: the brew is cancelled (the timer that would end it
///   at 6 is dropped) and `async with` gives the machine back, straight to 3 (whose
///   brew would end at 8); then 2 leaves.
/// * 5.5: 5 arrives and queues behind 3.
/// * 6: 3's deadline, brewing: cancelled, the machine goes to 5 (brew to 9), 3
///   leaves.
/// * 9: 5's brew finishes, well before 15.5: served. The service ends.
///
/// Served 2 (1, 5), left 3 (2, 3, 4), balked 0.
///
/// The order within an instant is asyncio's: at 3, the brew's task gives the
/// machine back as it ends, which schedules 2's wakeup before the gather callback
/// that leads to 1's `served` (two steps further on). At 5 and 6, the timeout wakes
/// the order's task, which cancels the step's task; that task then gives the
/// machine back (waking the next in line) and ends cancelled, and the gather's
/// cancellation reaches the order's task, which leaves, only after the next step
/// has started.
#[test]
fn customers_leave_when_their_patience_runs_out() {
    let sc = load(
        "patience-by-hand",
        r#"
[kitchen]
equipment = { machine = 1 }
[recipes.brew]
steps = [{ name = "brew", kind = "unattended", uses = "machine", duration = 3 }]
[menu]
coffee = "brew"
[customers]
patience = 4
list = [
    { item = "coffee", arrival = 0 },
    { item = "coffee", arrival = 1 },
    { item = "coffee", arrival = 2 },
    { item = "coffee", arrival = 2.5, patience = 1 },
    { item = "coffee", arrival = 5.5, patience = 10 },
]
"#,
    );
    let (events, stats) = story(&sc);
    let expected = [
        (0.0, 1, "arrived"),
        (0.0, 1, "starts"),
        (1.0, 2, "arrived"),
        (1.0, 2, "in line"),
        (2.0, 3, "arrived"),
        (2.0, 3, "in line"),
        (2.5, 4, "arrived"),
        (2.5, 4, "in line"),
        (3.0, 1, "finishes"),
        (3.0, 2, "starts"),
        (3.0, 1, "served"),
        (3.5, 4, "leaves the line"),
        (3.5, 4, "left"),
        (5.0, 2, "cancelled"),
        (5.0, 3, "starts"),
        (5.0, 2, "left"),
        (5.5, 5, "arrived"),
        (5.5, 5, "in line"),
        (6.0, 3, "cancelled"),
        (6.0, 5, "starts"),
        (6.0, 3, "left"),
        (9.0, 5, "finishes"),
        (9.0, 5, "served"),
        (9.0, 0, "done"),
    ];
    assert_eq!(events, expected);
    assert_eq!((stats.served, stats.left, stats.balked), (2, 3, 0));
}

/// Balking worked out by hand. One machine, a brew of 3 s that holds it, unattended,
/// `balk = 1`: a customer does not join when, as they are let in, more than one
/// customer is waiting (let in, brew not started). Only order 3 has a patience
/// (2.5 s, so a deadline of 4.5). "Waiting" below is the count a newcomer sees.
///
/// | t | what happens | waiting after |
/// |---|---|---|
/// | 0 | 1 arrives (0 waiting: joins) and brews until 3 | 0 |
/// | 1 | 2 arrives (0 waiting: joins), in line | 1 |
/// | 2 | 3 arrives (1 waiting, not more than 1: joins), in line | 2 |
/// | 2.5 | 4 arrives: 2 waiting, balks | 2 |
/// | 3 | 1 finishes, 2 starts (brews until 6), 1 served | 1 |
/// | 4 | 5 arrives (1 waiting: joins), in line behind 3 | 2 |
/// | 4.5 | 3's deadline: 3 leaves the line, and leaves | 1 |
/// | 5 | 6 arrives (1 waiting: joins), in line | 2 |
/// | 5.5 | 7 arrives: 2 waiting, balks | 2 |
/// | 6 | 2 finishes, 5 starts (until 9), 2 served | 1 |
/// | 9 | 5 finishes, 6 starts (until 12), 5 served | 0 |
/// | 12 | 6 finishes and is served; the service ends | 0 |
///
/// Served 4 (1, 2, 5, 6), left 1 (3), balked 2 (4 at 2.5, 7 at 5.5). Without 3's
/// patience, 3 stays in line, so 6 finds two waiting and balks too, 3 is served at 9
/// and 5 at 12: served 4 (1, 2, 3, 5), balked 3 (4, 6, 7).
#[test]
fn customers_balk_when_too_many_are_waiting() {
    let scenario = |patience: &str| {
        load(
            "balking-by-hand",
            &format!(
                r#"
[kitchen]
equipment = {{ machine = 1 }}
[recipes.brew]
steps = [{{ name = "brew", kind = "unattended", uses = "machine", duration = 3 }}]
[menu]
coffee = "brew"
[customers]
balk = 1
list = [
    {{ item = "coffee", arrival = 0 }},
    {{ item = "coffee", arrival = 1 }},
    {{ item = "coffee", arrival = 2{patience} }},
    {{ item = "coffee", arrival = 2.5 }},
    {{ item = "coffee", arrival = 4 }},
    {{ item = "coffee", arrival = 5 }},
    {{ item = "coffee", arrival = 5.5 }},
]
"#
            ),
        )
    };
    let (events, stats) = story(&scenario(", patience = 2.5"));
    let expected = [
        (0.0, 1, "arrived"),
        (0.0, 1, "starts"),
        (1.0, 2, "arrived"),
        (1.0, 2, "in line"),
        (2.0, 3, "arrived"),
        (2.0, 3, "in line"),
        (2.5, 4, "arrived"),
        (2.5, 4, "balked"),
        (3.0, 1, "finishes"),
        (3.0, 2, "starts"),
        (3.0, 1, "served"),
        (4.0, 5, "arrived"),
        (4.0, 5, "in line"),
        (4.5, 3, "leaves the line"),
        (4.5, 3, "left"),
        (5.0, 6, "arrived"),
        (5.0, 6, "in line"),
        (5.5, 7, "arrived"),
        (5.5, 7, "balked"),
        (6.0, 2, "finishes"),
        (6.0, 5, "starts"),
        (6.0, 2, "served"),
        (9.0, 5, "finishes"),
        (9.0, 6, "starts"),
        (9.0, 5, "served"),
        (12.0, 6, "finishes"),
        (12.0, 6, "served"),
        (12.0, 0, "done"),
    ];
    assert_eq!(events, expected);
    assert_eq!((stats.served, stats.left, stats.balked), (4, 1, 2));

    let (events, stats) = story(&scenario(""));
    let fates: Vec<_> = events.into_iter().filter(|e| ["served", "left", "balked"].contains(&e.2)).collect();
    let expected = [
        (2.5, 4, "balked"),
        (3.0, 1, "served"),
        (5.0, 6, "balked"),
        (5.5, 7, "balked"),
        (6.0, 2, "served"),
        (9.0, 3, "served"),
        (12.0, 5, "served"),
    ];
    assert_eq!(fates, expected);
    assert_eq!((stats.served, stats.left, stats.balked), (4, 0, 3));
}

/// A hands-on step is `time.sleep`: it blocks the loop, so no timer fires while it
/// runs, and impatience cannot interrupt it. One cook, a hands-on step of 3 s.
/// Order 1 arrives at 0 with a patience of 2; order 2 at 1 with a patience of 1.
///
/// * 0: the door arms its sleep until 1, then 1 arrives, arms its timeout for 2, and
///   its step blocks the cook until 3.
/// * 3: the step finishes; its task's end queues the gather's callback. The next
///   loop iteration moves the due timers behind it: the door's (due at 1), then 1's
///   timeout (due at 2). The gather's callback completes the gathered future first,
///   so when `wait_for` wakes, `fut.done()` and 1 is *served*, at 3, after its
///   deadline. The door, awake, lets 2 in at 3 (late; 2 arrived at 1): its
///   deadline of 2 has passed, so `wait_for` with a timeout ≤ 0 cancels the gather
///   at once. The step task is cancelled before it ever ran: it neither queued nor
///   started, so there is no step event, and 2 leaves.
///
/// Served 1, left 1, all at 3.
#[test]
fn a_hands_on_step_is_not_interrupted_by_impatience() {
    let sc = load(
        "hands-on-by-hand",
        r#"
[recipes.pour]
steps = [{ name = "pour", kind = "hands-on", duration = 3 }]
[menu]
coffee = "pour"
[customers]
list = [{ item = "coffee", arrival = 0, patience = 2 }, { item = "coffee", arrival = 1, patience = 1 }]
"#,
    );
    let (events, stats) = story(&sc);
    let expected = [
        (0.0, 1, "arrived"),
        (0.0, 1, "starts"),
        (3.0, 1, "finishes"),
        (3.0, 1, "served"),
        (3.0, 2, "arrived"),
        (3.0, 2, "left"),
        (3.0, 0, "done"),
    ];
    assert_eq!(events, expected);
    assert_eq!((stats.served, stats.left, stats.balked), (1, 1, 0));
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
/// fail: three dozen checks at 95% each mean a new set of random numbers fails one of
/// them more often than not, and only the coverage tells a fluke from a bias.
///
/// A few minutes in release: `cargo test --release --test validation -- --ignored --nocapture`.
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
    for case in [RENEGE_BALK, RENEGE_ONLY, RENEGE_HEAVY] {
        let theory = case.theory();
        let (mut renege, mut balk, mut l) = (0, 0, 0);
        for &seed in &base_seeds {
            let a = abandoned(&case, seed);
            renege += u64::from(a.renege.contains(theory.renege));
            balk += u64::from(a.balk.contains(theory.balk));
            l += u64::from(a.l.contains(theory.l));
        }
        let name = case.name();
        report(format!("{name}: renege"), renege);
        report(format!("{name}: L"), l);
        if case.balk.is_some() {
            report(format!("{name}: balk"), balk);
        }
    }
    assert!(failures.is_empty(), "intervals that cover too rarely: {failures:?}");
}
