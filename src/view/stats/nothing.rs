//! A warm-up that leaves nothing to measure: when it happens, and how to say so. The
//! command and the Python package both refuse such statistics, in these words.

use std::time::Duration;

use super::schema::Stats;
use crate::model::Scenario;

/// A warm-up of `warmup` (in the scenario's `unit`) that leaves nothing to measure
/// ([`Stats::measured_nothing`]) in `empty` of `runs` runs, the shortest of which
/// ended at `ended`: every statistic would be 0 and mean nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct NothingMeasured {
    /// The warm-up asked for, in `unit`s.
    pub warmup: f64,
    /// The scenario's time unit: `s`, `min`, ...
    pub unit: &'static str,
    /// When the shortest run that measured nothing ended, in `unit`s.
    pub ended: f64,
    /// How many runs there were (1 without replications).
    pub runs: usize,
    /// How many of them measured nothing.
    pub empty: usize,
}

impl NothingMeasured {
    /// What a warm-up of `warmup` left in `runs` of `sc`: `None` when every run
    /// measured something (or there was no warm-up).
    pub fn of(sc: &Scenario, warmup: Duration, runs: &[Stats]) -> Option<NothingMeasured> {
        let empty: Vec<&Stats> = runs.iter().filter(|s| s.measured_nothing()).collect();
        if warmup.is_zero() || empty.is_empty() {
            return None;
        }
        Some(NothingMeasured {
            warmup: sc.unit.from_ticks(crate::time::ticks(warmup)),
            unit: sc.unit.name(),
            ended: empty.iter().map(|s| s.total_s).fold(f64::INFINITY, f64::min) / sc.unit.seconds(),
            runs: runs.len(),
            empty: empty.len(),
        })
    }

    /// Why, after "the warm-up of W leaves nothing to measure: ": the run ended
    /// before it, or no customer arrived after it (in how many replications).
    pub fn why(&self) -> String {
        let NothingMeasured { warmup, unit, ended, runs, empty } = *self;
        match (ended <= warmup, runs) {
            (true, 1) => format!("the run ended at {ended:.2} {unit}"),
            (false, 1) => format!("no customer arrived after it (the run ended at {ended:.2} {unit})"),
            (true, _) => {
                format!("in {empty} of {runs} replications, the shortest ended at {ended:.2} {unit}")
            }
            (false, _) => format!(
                "in {empty} of {runs} replications, no customer arrived after it (the shortest ended at {ended:.2} {unit})"
            ),
        }
    }
}

/// The error [`ops::run`](crate::ops::run) returns when
/// [`Want::require_measured`](crate::ops::Want::require_measured) asked for
/// something to be measured after the warm-up and nothing was: its text says why.
impl std::fmt::Display for NothingMeasured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the warm-up of {} {} leaves nothing to measure: {}", self.warmup, self.unit, self.why())
    }
}

impl std::error::Error for NothingMeasured {}
