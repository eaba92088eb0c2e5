//! Comparing kitchens: the same scenario and seed run side by side on the virtual
//! clock, in both modes or under several dispatch policies.
//!
//! [`Comparison::table`] lays a result out as text: a pure function of it, kept
//! beside it (a view may not depend on `ops`).

use std::io;

use crate::clock::Cancel;
use crate::engine::Outcome;
use crate::model::{Mode, Policy, Scenario};
use crate::view::stats::{Stats, Summary};
use crate::view::trace::Trace;

use super::run::{ClockKind, RunSpec, Want, run};

/// One kitchen of a comparison.
pub struct Side {
    /// Its kitchen: synchronous or asynchronous.
    pub mode: Mode,
    /// Its dispatch policy (the scenario's own when comparing modes).
    pub policy: Policy,
    /// How its run ended: always finished (a run that overran is an error, a
    /// cancelled one leaves no comparison).
    pub outcome: Outcome,
    /// Its statistics, over the whole run (no warm-up left out).
    pub stats: Stats,
    /// Its trace, with one lane per order when the comparison asked for them.
    pub trace: Trace,
}

/// What a comparison puts side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compared {
    /// The synchronous kitchen, then the asynchronous one.
    Modes,
    /// The asynchronous kitchen under each dispatch policy, in the order asked.
    Policies,
}

/// Kitchens run on the virtual clock with the same seed, side by side.
pub struct Comparison {
    /// Whether the sides differ in mode or in policy.
    pub compared: Compared,
    /// One per kitchen, in the order [`Compared`] says.
    pub sides: Vec<Side>,
}

impl Side {
    /// The side's column heading: its mode, or its policy.
    pub fn label(&self, compared: Compared) -> String {
        match compared {
            Compared::Modes => self.mode.title().to_lowercase(),
            Compared::Policies => self.policy.name().to_string(),
        }
    }
}

impl Comparison {
    /// How many times faster the last side is than the first (for modes: the
    /// asynchronous kitchen against the synchronous one).
    pub fn speedup(&self) -> f64 {
        let (first, last) = (&self.sides[0], &self.sides[self.sides.len() - 1]);
        first.outcome.end as f64 / last.outcome.end.max(1) as f64
    }

    /// The totals and statistics side by side, times in the scenario's unit.
    pub fn table(&self, sc: &Scenario) -> String {
        use std::fmt::Write as _;
        let u = sc.unit;
        let t = |s: f64| format!("{:.2}", s / u.seconds());
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        // A statistic of no order has no value: a dash, not 0.00.
        let of = |summary: &Summary, x: f64| if summary.count == 0 { "–".to_string() } else { t(x) };
        let stats: Vec<&Stats> = self.sides.iter().map(|s| &s.stats).collect();
        let row = |name: String, f: &dyn Fn(&Stats) -> String| (name, stats.iter().map(|s| f(s)).collect());
        let mut rows: Vec<(String, Vec<String>)> = vec![
            row(format!("total time ({})", u.name()), &|s| t(s.total_s)),
            row("orders served".into(), &|s| s.served.to_string()),
        ];
        if stats.iter().any(|s| s.left + s.balked > 0) {
            rows.push(row("customers who left".into(), &|s| s.left.to_string()));
            rows.push(row("customers who did not join".into(), &|s| s.balked.to_string()));
        }
        rows.extend([
            row("throughput per hour".into(), &|s| format!("{:.1}", s.throughput_per_hour)),
            row("wait: mean".into(), &|s| of(&s.wait, s.wait.mean_s)),
            row("wait: p95".into(), &|s| of(&s.wait, s.wait.p95_s)),
            row("time in system: mean".into(), &|s| of(&s.time_in_system, s.time_in_system.mean_s)),
            row("time in system: p95".into(), &|s| of(&s.time_in_system, s.time_in_system.p95_s)),
            row("time in system: max".into(), &|s| of(&s.time_in_system, s.time_in_system.max_s)),
            row("above the chain: mean".into(), &|s| of(&s.above_chain, s.above_chain.mean_s)),
        ]);
        for c in 0..sc.kitchen.cooks as usize {
            let n = c + 1;
            rows.push(row(format!("cook {n}: hands-on"), &|s| pct(s.cooks[c].hands_on_share)));
            rows.push(row(format!("cook {n}: standing by"), &|s| pct(s.cooks[c].standing_by_share)));
            rows.push(row(format!("cook {n}: idle"), &|s| pct(s.cooks[c].idle_share)));
        }
        for (e, eq) in sc.kitchen.equipment.iter().enumerate() {
            rows.push(row(format!("{}: utilisation", eq.name), &|s| pct(s.equipment[e].utilisation)));
            rows.push(row(format!("{}: mean queue", eq.name), &|s| {
                format!("{:.2}", s.equipment[e].mean_queue)
            }));
        }
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let labels: Vec<String> = self.sides.iter().map(|s| s.label(self.compared)).collect();
        let col = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0).max(12);
        let mut out = String::new();
        let _ = write!(out, "  {:width$}", "");
        for l in &labels {
            let _ = write!(out, "  {l:>col$}");
        }
        out.push('\n');
        for (name, values) in rows {
            let _ = write!(out, "  {name:width$}");
            for v in values {
                let _ = write!(out, "  {v:>col$}");
            }
            out.push('\n');
        }
        out.push('\n');
        match self.compared {
            Compared::Modes => {
                let _ =
                    writeln!(out, "  speedup: the asynchronous kitchen is {:.2}x as fast", self.speedup());
            }
            Compared::Policies => {
                let first = &self.sides[0];
                for side in &self.sides[1..] {
                    let x = first.outcome.end as f64 / side.outcome.end.max(1) as f64;
                    let _ = writeln!(
                        out,
                        "  {}: {x:.2}x as fast as {}",
                        side.label(self.compared),
                        first.label(self.compared)
                    );
                }
            }
        }
        out
    }
}

/// One kitchen of a comparison, on the virtual clock; `None` when `cancel` stopped it.
fn side(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    order_lanes: bool,
    cancel: &Cancel,
) -> io::Result<Option<Side>> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    let want = Want { stats: true, trace: true, order_lanes, cancel: cancel.clone(), ..Want::default() };
    let ran = run(sc, spec, want, &mut io::sink())?;
    if ran.stopped.is_some() {
        return Ok(None);
    }
    Ok(Some(Side {
        mode,
        policy: sc.kitchen.policy,
        outcome: ran.outcome,
        stats: ran.stats.expect("asked for"),
        trace: ran.trace.expect("asked for"),
    }))
}

/// Runs both modes on the virtual clock, with statistics and traces (with a lane per
/// order when `order_lanes`).
///
/// ```
/// use async_cafe::{builtin, ops};
///
/// let cafe = builtin::find("cafe").unwrap().load().unwrap();
/// let both = ops::compare(&cafe, cafe.seed, false).unwrap();
/// assert_eq!(both.sides[0].label(both.compared), "synchronous");
/// assert_eq!(both.speedup(), 2.0);
/// ```
pub fn compare(sc: &Scenario, seed: u64, order_lanes: bool) -> io::Result<Comparison> {
    Ok(compare_until(sc, seed, order_lanes, &Cancel::new())?.expect("a token nobody cancels"))
}

/// [`compare`], stopped once `cancel` is cancelled: `None` then (a comparison of
/// parts of runs would mean nothing).
pub fn compare_until(
    sc: &Scenario,
    seed: u64,
    order_lanes: bool,
    cancel: &Cancel,
) -> io::Result<Option<Comparison>> {
    sides(Compared::Modes, [(Mode::Sync, sc.clone()), (Mode::Async, sc.clone())], seed, order_lanes, cancel)
}

/// Runs the asynchronous kitchen under each of `policies` on the virtual clock, with
/// the same seed (so the same customers and durations), statistics and traces.
pub fn compare_policies(
    sc: &Scenario,
    seed: u64,
    policies: &[Policy],
    order_lanes: bool,
) -> io::Result<Comparison> {
    Ok(compare_policies_until(sc, seed, policies, order_lanes, &Cancel::new())?
        .expect("a token nobody cancels"))
}

/// [`compare_policies`], stopped once `cancel` is cancelled: `None` then.
pub fn compare_policies_until(
    sc: &Scenario,
    seed: u64,
    policies: &[Policy],
    order_lanes: bool,
    cancel: &Cancel,
) -> io::Result<Option<Comparison>> {
    let kitchens = policies.iter().map(|&policy| {
        let mut sc = sc.clone();
        sc.kitchen.policy = policy;
        (Mode::Async, sc)
    });
    sides(Compared::Policies, kitchens, seed, order_lanes, cancel)
}

/// Runs each of `kitchens` in turn, or stops at the first one `cancel` stopped.
fn sides(
    compared: Compared,
    kitchens: impl IntoIterator<Item = (Mode, Scenario)>,
    seed: u64,
    order_lanes: bool,
    cancel: &Cancel,
) -> io::Result<Option<Comparison>> {
    let mut sides = Vec::new();
    for (mode, sc) in kitchens {
        match side(&sc, mode, seed, order_lanes, cancel)? {
            Some(side) => sides.push(side),
            None => return Ok(None),
        }
    }
    Ok(Some(Comparison { compared, sides }))
}
