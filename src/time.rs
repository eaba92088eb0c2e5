//! Scenario time: integer nanoseconds, so that sums are exact and ties are real ties.

use std::fmt;

/// A point or span of scenario time, in nanoseconds.
///
/// Integer time is what makes ties exact: `0.9 + 3.0` is the same instant however it
/// was reached, and two events at that instant are ordered by sequence alone.
pub type Ticks = u64;

/// Nanoseconds in one second of scenario time.
pub const TICKS_PER_SECOND: u64 = 1_000_000_000;

/// The unit a scenario writes its durations and prints its elapsed time in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 4] =
        [TimeUnit::Milliseconds, TimeUnit::Seconds, TimeUnit::Minutes, TimeUnit::Hours];

    /// The spelling used in scenario files: `ms`, `s`, `min`, `h`.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Milliseconds => "ms",
            TimeUnit::Seconds => "s",
            TimeUnit::Minutes => "min",
            TimeUnit::Hours => "h",
        }
    }

    pub fn from_name(name: &str) -> Option<TimeUnit> {
        TimeUnit::ALL.into_iter().find(|u| u.name() == name)
    }

    /// Seconds in one unit.
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Milliseconds => 0.001,
            TimeUnit::Seconds => 1.0,
            TimeUnit::Minutes => 60.0,
            TimeUnit::Hours => 3600.0,
        }
    }

    /// Ticks in one unit.
    pub fn ticks(self) -> u64 {
        match self {
            TimeUnit::Milliseconds => TICKS_PER_SECOND / 1000,
            TimeUnit::Seconds => TICKS_PER_SECOND,
            TimeUnit::Minutes => 60 * TICKS_PER_SECOND,
            TimeUnit::Hours => 3600 * TICKS_PER_SECOND,
        }
    }

    /// Converts a non-negative, finite amount of this unit to ticks, rounding to the
    /// nearest nanosecond.
    pub fn to_ticks(self, amount: f64) -> Ticks {
        debug_assert!(amount.is_finite() && amount >= 0.0);
        // Round half up: for a non-negative value the same as `f64::round`, without a
        // call into libm (this runs for every random draw). `as` saturates at u64::MAX.
        (amount * self.ticks() as f64 + 0.5) as u64
    }

    /// Converts ticks to an amount of this unit.
    pub fn from_ticks(self, ticks: Ticks) -> f64 {
        // Split to keep full precision for large tick counts.
        let per = self.ticks();
        (ticks / per) as f64 + (ticks % per) as f64 / per as f64
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Seconds of scenario time, as a float (for JSON and statistics).
pub fn seconds(ticks: Ticks) -> f64 {
    TimeUnit::Seconds.from_ticks(ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_are_exact_for_dyadic_and_decimal_amounts() {
        assert_eq!(TimeUnit::Seconds.to_ticks(0.9), 900_000_000);
        assert_eq!(TimeUnit::Minutes.to_ticks(10.0), 600 * TICKS_PER_SECOND);
        assert_eq!(TimeUnit::Seconds.to_ticks(3.0) + TimeUnit::Seconds.to_ticks(0.9), 3_900_000_000);
        assert_eq!(TimeUnit::Minutes.from_ticks(600 * TICKS_PER_SECOND), 10.0);
        assert_eq!(seconds(4_900_000_000), 4.9);
    }

    #[test]
    fn unit_names_round_trip() {
        for u in TimeUnit::ALL {
            assert_eq!(TimeUnit::from_name(u.name()), Some(u));
        }
        assert_eq!(TimeUnit::from_name("sec"), None);
    }
}
