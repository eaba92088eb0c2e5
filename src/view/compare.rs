//! A comparison of kitchens, the same scenario and seed run side by side
//! ([`crate::ops::compare`] runs them), and its text table.

use crate::engine::Outcome;
use crate::model::{Mode, Policy, Scenario};
use crate::view::stats::{Stats, Summary};
use crate::view::table::{Align, Column, Table};
use crate::view::trace::{Span, Trace};

/// One kitchen of a comparison.
#[derive(Clone, Debug)]
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
    /// Every step run (hands-on or unattended; waits for equipment left out), in
    /// order of start, whether or not the trace has order lanes: what
    /// [`crate::view::why`] explains the totals with.
    pub steps: Vec<Span>,
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
#[derive(Clone, Debug)]
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
        let (first, last) = (self.sides[0].outcome.end, self.sides[self.sides.len() - 1].outcome.end);
        // Two kitchens that took the same time (no time at all, with no customers)
        // are as fast as each other.
        if first == last { 1.0 } else { first as f64 / last.max(1) as f64 }
    }

    /// [`capacity::warnings`](crate::capacity::warnings) of each kitchen compared, in
    /// the order of the sides: both kitchens, or the asynchronous one once whatever
    /// policies it ran under (the warnings do not depend on the policy).
    pub fn warnings(&self, sc: &Scenario) -> Vec<String> {
        let mut modes: Vec<Mode> = self.sides.iter().map(|s| s.mode).collect();
        modes.dedup();
        modes.into_iter().flat_map(|m| crate::capacity::warnings(sc, m)).collect()
    }

    /// The totals and statistics side by side, times in the scenario's unit (what
    /// `cafe compare` prints under its timelines), then the speedup: for modes, of
    /// the asynchronous kitchen, and why ([`crate::view::why`]); for policies, of each
    /// against the first.
    pub fn render(&self, sc: &Scenario) -> String {
        use std::fmt::Write as _;
        let u = sc.unit;
        let t = |s: f64| format!("{:.2}", s / u.seconds());
        // A statistic of no order has no value: a dash, not 0.00.
        let of = |summary: &Summary, x: f64| if summary.count == 0 { "–".to_string() } else { t(x) };
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
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
        let labels: Vec<String> = self.sides.iter().map(|s| s.label(self.compared)).collect();
        let col = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0).max(12);
        let mut columns = vec![Column::fit(Align::Left, "")];
        columns.extend(labels.iter().map(|_| Column::fixed(Align::Right, col, "  ")));
        let mut table = Table::new("  ", columns);
        table.row(std::iter::once(String::new()).chain(labels).collect());
        for (name, values) in rows {
            table.row(std::iter::once(name).chain(values).collect());
        }
        let mut out = table.render();
        out.push('\n');
        match self.compared {
            Compared::Modes => {
                let _ =
                    writeln!(out, "  speedup: the asynchronous kitchen is {:.2}x as fast", self.speedup());
                let why = crate::view::why::why(self, sc);
                if !why.is_empty() {
                    out.push_str("\n  Why:\n");
                    for sentence in why {
                        let _ = writeln!(out, "  - {sentence}");
                    }
                }
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
