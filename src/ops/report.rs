//! Gathering what the HTML report ([`crate::view::html_report`]) draws: a run's trace,
//! with order lanes, and its statistics.

use std::io;

use crate::model::{Mode, Scenario};
use crate::view::html_report::ReportRun;

use super::run::{ClockKind, RunSpec, Want, run};
use crate::view::compare::{Compared, Comparison};

/// Runs `sc` in `mode` on the virtual clock and keeps what a report needs.
pub fn report_run(sc: &Scenario, mode: Mode, seed: u64) -> io::Result<ReportRun> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    let want = Want { trace: true, order_lanes: true, stats: true, ..Want::default() };
    let ran = run(sc, spec, want, &mut io::sink())?;
    Ok(ReportRun {
        mode,
        policy: None,
        trace: ran.trace.expect("a trace was asked for"),
        stats: ran.stats.expect("statistics were asked for"),
    })
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
            })
            .collect()
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
