//! Gathering what the HTML report ([`crate::view::html_report`]) draws: a run's trace,
//! with order lanes, and its statistics; for a small asynchronous run, its event
//! loop pass by pass; for a comparison, the reasons its totals differ.

use std::io;

use crate::model::{Mode, Scenario};
use crate::sweep::expected_customers;
use crate::time::Ticks;
use crate::view::event_loop::WHY_HEADING;
use crate::view::html_report::{self, ReportRun};
use crate::view::why::why;

use super::run::{ClockKind, RunSpec, Want, run};
use crate::view::compare::{Compared, Comparison};

/// Customers up to which a report shows the asynchronous kitchen's event loop, pass
/// by pass: a lesson's worth (a meal, a morning's orders), not a day of a busy café,
/// whose passes would outweigh the rest of the page (`cafe run --loop` shows any run).
pub const LOOP_PANEL_CUSTOMERS: f64 = 200.0;

/// Runs `sc` in `mode` on the virtual clock and keeps what a report needs: its
/// trace with order lanes, its statistics, why its orders waited, and its
/// [`event_loop_panel`].
pub fn report_run(sc: &Scenario, mode: Mode, seed: u64) -> io::Result<ReportRun> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    let want = Want { trace: true, order_lanes: true, stats: true, why: true, ..Want::default() };
    let ran = run(sc, spec, want, &mut io::sink())?;
    Ok(ReportRun {
        mode,
        policy: None,
        trace: ran.trace.expect("a trace was asked for"),
        stats: ran.stats.expect("statistics were asked for"),
        why: ran.why.expect("asked for"),
        event_loop: event_loop_panel(sc, mode, seed, None)?,
    })
}

/// The event loop of the run of `sc` in `mode` with `seed`, pass by pass, as the
/// report shows it: for the asynchronous kitchen with at most
/// [`LOOP_PANEL_CUSTOMERS`] customers (known or expected), `None` otherwise. Runs
/// it on the virtual clock, which gives the same passes as any clock: up to `until`
/// for a run stopped early there (its [`Outcome::end`](crate::engine::Outcome::end)),
/// so that the panel shows the passes the run made, and no later one.
pub fn event_loop_panel(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    until: Option<Ticks>,
) -> io::Result<Option<String>> {
    let small = expected_customers(sc).is_some_and(|n| n <= LOOP_PANEL_CUSTOMERS);
    if mode != Mode::Async || !small {
        return Ok(None);
    }
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    // The loop view's text is written where the narrative would be; nothing else is.
    let mut text = Vec::new();
    run(sc, spec, Want { event_loop: true, until, ..Want::default() }, &mut text)?;
    let text = String::from_utf8_lossy(&text);
    // Its closing sentences are the report's "why", drawn from every run.
    let passes = text.split_once(WHY_HEADING).map_or(&*text, |(passes, _)| passes);
    Ok(Some(passes.trim_end().to_string()))
}

impl Comparison {
    /// Its sides as the runs of one report, in order; a comparison of policies names
    /// each side's policy. Its traces have order lanes if it was run with them.
    pub fn report_runs(&self) -> Vec<ReportRun> {
        let by_policy = self.compared == Compared::Policies;
        self.sides
            .iter()
            .map(|s| ReportRun {
                mode: s.mode,
                policy: by_policy.then_some(s.policy),
                trace: s.trace.clone(),
                stats: s.stats.clone(),
                why: Vec::new(),
                event_loop: None,
            })
            .collect()
    }

    /// The HTML report of the comparison: its sides ([`Comparison::report_runs`])
    /// and, for the two kitchens, the reasons their totals differ.
    pub fn report_html(&self, sc: &Scenario) -> String {
        html_report::html_with_reasons(sc, &self.report_runs(), &why(self, sc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Policy;
    use crate::ops::{CompareOptions, compare, compare_policies};

    #[test]
    fn a_comparison_reports_its_sides_in_order_as_report_run_gathers_them() {
        let sc = crate::builtin::find("cafe").unwrap().load().unwrap();
        let lanes = CompareOptions { order_lanes: true, ..CompareOptions::default() };
        let runs = compare(&sc, &lanes).unwrap().report_runs();
        let named: Vec<_> = runs.iter().map(|r| (r.mode, r.policy)).collect();
        assert_eq!(named, [(Mode::Sync, None), (Mode::Async, None)]);
        for run in &runs {
            let alone = report_run(&sc, run.mode, sc.seed).unwrap();
            assert_eq!(run.stats, alone.stats);
            assert_eq!(format!("{:?}", run.trace), format!("{:?}", alone.trace));
        }
        let by_policy =
            compare_policies(&sc, &Policy::ALL, &CompareOptions::default()).unwrap().report_runs();
        let named: Vec<_> = by_policy.iter().map(|r| (r.mode, r.policy)).collect();
        let expected: Vec<_> = Policy::ALL.iter().map(|&p| (Mode::Async, Some(p))).collect();
        assert_eq!(named, expected);
    }
}
