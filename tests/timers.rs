//! Cancelled timers never move the clock: a run ends at its last event, as CPython's
//! `asyncio.run` returns as soon as `main()` does.
//!
//! A patient customer's `wait_for` arms a timeout that is cancelled when the order is
//! served, and a customer who leaves cancels the sleeps of their unattended steps;
//! CPython drops such timers from the head of its heap without waiting for them.
//! The engine must too, on the virtual clock (the run's end and `makespan_s`) and on
//! the real one (which is only ever asked to wait for a time something happens at).

use async_cafe::engine::{self, Clock, Mode, Outcome};
use async_cafe::event::{Event, EventKind};
use async_cafe::model::{Policy, Scenario};
use async_cafe::ops::{self, ClockKind, RunSpec};
use async_cafe::scenario;
use async_cafe::time::{TICKS_PER_SECOND, Ticks};

/// A clock that records every time the engine asks it to advance to.
#[derive(Default)]
struct Recording(Vec<Ticks>);

impl Clock for Recording {
    fn advance(&mut self, t: Ticks) -> bool {
        self.0.push(t);
        true
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

fn load(toml: &str) -> Scenario {
    scenario::load_str("t", toml).unwrap()
}

const S: Ticks = TICKS_PER_SECOND;

/// The outcome, the clock's advances, the narrative's lines and the time of
/// `ServiceEnded`.
fn run_recorded(sc: &Scenario, mode: Mode) -> (Outcome, Vec<Ticks>, Option<Ticks>) {
    let mut clock = Recording::default();
    let mut ended = None;
    let mut sink = |e: &Event<'_>| {
        if let EventKind::ServiceEnded { .. } = e.kind {
            ended = Some(e.t);
        }
    };
    let outcome = engine::run(sc, mode, sc.seed, &mut clock, &mut sink);
    (outcome, clock.0, ended)
}

/// One customer, patience 1000 s, one 5 s step of `kind`.
fn patient(kind: &str) -> Scenario {
    load(&format!(
        r#"
[recipes.tea]
steps = [{{ name = "brew", kind = "{kind}", duration = 5 }}]
[menu]
tea = "tea"
[customers]
patience = 1000
list = [{{ item = "tea" }}]
[narrative]
service_end = "done {{elapsed:.2f}}"
"#
    ))
}

#[test]
fn a_served_customers_timeout_does_not_move_the_clock() {
    for kind in ["hands-on", "unattended"] {
        for mode in [Mode::Async, Mode::Sync] {
            for policy in Policy::ALL {
                let mut sc = patient(kind);
                sc.kitchen.policy = policy;
                let what = format!("{kind}, {}, {}", mode.name(), policy.name());
                let (outcome, advances, ended) = run_recorded(&sc, mode);
                assert_eq!(outcome.end, 5 * S, "{what}: the run ends when the order is served");
                assert_eq!(ended, Some(5 * S), "{what}: service ends at 5");
                assert!(outcome.finished && outcome.served == 1, "{what}");
                assert_eq!(advances.last(), Some(&(5 * S)), "{what}: the clock is never asked past 5");
                // The narrative's last line and the JSON report's makespan.
                let lines = ops::narrative_lines(&sc, mode, sc.seed);
                assert_eq!(lines.last(), Some(&(5 * S, "done 5.00".to_string())), "{what}");
                let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
                let report = ops::json_report(&sc, spec).unwrap();
                assert_eq!(report.makespan_s, 5.0, "{what}");
            }
        }
    }
}

#[test]
fn a_cancelled_sleep_does_not_move_the_clock() {
    // The customer (patience 2) leaves at 2, during a 10 s unattended step: its
    // sleep is cancelled, and the run ends at 2. (The synchronous cook stands by
    // through the step and notices at 10 that the customer has gone.)
    let sc = load(
        r#"
[recipes.tea]
steps = [{ name = "steep", kind = "unattended", duration = 10 }]
[menu]
tea = "tea"
[customers]
patience = 2
list = [{ item = "tea" }]
"#,
    );
    for policy in Policy::ALL {
        let mut sc = sc.clone();
        sc.kitchen.policy = policy;
        let (outcome, advances, ended) = run_recorded(&sc, Mode::Async);
        assert_eq!((outcome.end, ended), (2 * S, Some(2 * S)), "{}", policy.name());
        assert_eq!(advances, [2 * S], "{}", policy.name());
    }
    let (outcome, advances, ended) = run_recorded(&sc, Mode::Sync);
    assert_eq!((outcome.end, ended, advances), (10 * S, Some(10 * S), vec![10 * S]));
}

#[test]
fn cancelled_timers_in_the_middle_of_a_run_are_never_waited_for() {
    // Customers every 10 s, each served after 1 s, each with a patience of 5 s: every
    // timeout is cancelled before it falls due. The clock is asked only for the
    // arrivals and the ends of the steps, never for a cancelled timeout.
    let sc = load(
        r#"
[kitchen]
cooks = 2
[recipes.tea]
steps = [{ name = "brew", kind = "hands-on", duration = 1 }]
[menu]
tea = "tea"
[customers]
patience = 5
list = [{ item = "tea", arrival = 0 }, { item = "tea", arrival = 10 }, { item = "tea", arrival = 20 }]
"#,
    );
    for policy in Policy::ALL {
        let mut sc = sc.clone();
        sc.kitchen.policy = policy;
        let (outcome, advances, _) = run_recorded(&sc, Mode::Async);
        assert_eq!(advances, [S, 10 * S, 11 * S, 20 * S, 21 * S], "{}", policy.name());
        assert_eq!(outcome.end, 21 * S);
    }
}

#[test]
fn many_cancelled_timeouts_are_swept_from_the_heap() {
    // 5,000 customers a second apart, each served in half a second, each with a
    // patience of a day: every timeout is cancelled, and the run ends at the last
    // service, not a day later. (The heap is rebuilt when more than half of it is
    // cancelled timers; this checks the rebuilds keep the live timers, the arrivals.)
    let sc = load(
        r#"
[recipes.tea]
steps = [{ name = "brew", kind = "hands-on", duration = 0.5 }]
[menu]
tea = "tea"
[customers]
patience = 86400
generate = { count = 5000, interarrival = 1 }
"#,
    );
    for policy in Policy::ALL {
        let mut sc = sc.clone();
        sc.kitchen.policy = policy;
        let (outcome, advances, ended) = run_recorded(&sc, Mode::Async);
        let end = 4999 * S + S / 2;
        assert_eq!((outcome.end, ended, outcome.served), (end, Some(end), 5000), "{}", policy.name());
        assert_eq!(advances.len(), 10_000 - 1, "{}: each arrival and each end of a step", policy.name());
        assert!(advances.iter().all(|&t| t <= end));
    }
}
