//! Scenario time: integer nanoseconds, so that sums are exact and ties are real ties.
//!
//! Inside the engine a time is [`Ticks`]; the operations' options take spans of
//! scenario time as a [`Duration`] (a warm-up of `Duration::from_secs(60)` is a
//! minute of the scenario, whatever its unit), converted exactly by [`ticks`] and
//! [`duration`].

use std::fmt;
use std::time::Duration;

/// A point or span of scenario time, in nanoseconds.
///
/// Integer time is what makes ties exact: `0.9 + 3.0` is the same instant however it
/// was reached, and two events at that instant are ordered by sequence alone.
pub type Ticks = u64;

/// Nanoseconds in one second of scenario time.
pub const TICKS_PER_SECOND: u64 = 1_000_000_000;

/// The latest time a run can reach: 250,000 hours (about 28.5 years), a whole number
/// of every unit (900,000,000 s). Every time a scenario gives is at most this, so the
/// sum of two never passes `u64::MAX`; the engine stops a run with an error before
/// its clock would pass it, rather than saturate or wrap.
pub const MAX_TICKS: Ticks = 250_000 * 3600 * TICKS_PER_SECOND;

/// The unit a scenario writes its durations and prints its elapsed time in.
/// Serialized as its [`TimeUnit::name`] (`"ms"`, `"s"`, `"min"`, `"h"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum TimeUnit {
    /// `ms`
    #[serde(rename = "ms")]
    Milliseconds,
    /// `s`
    #[serde(rename = "s")]
    Seconds,
    /// `min`
    #[serde(rename = "min")]
    Minutes,
    /// `h`
    #[serde(rename = "h")]
    Hours,
}

impl TimeUnit {
    /// Every unit, smallest first.
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

    /// The unit spelled `name` in scenario files (see [`TimeUnit::name`]); `None` for
    /// any other spelling.
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

    /// [`MAX_TICKS`] in this unit (a whole number).
    pub fn max_amount(self) -> f64 {
        (MAX_TICKS / self.ticks()) as f64
    }

    /// [`MAX_TICKS`] in this unit, for messages: `900,000,000 s`.
    pub fn max_text(self) -> String {
        format!("{} {}", thousands(MAX_TICKS / self.ticks()), self.name())
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

/// `x` as written by hand: `2.5`, `1e-200` or `1e155` (never hundreds of digits).
pub fn short(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) { format!("{x:e}") } else { x.to_string() }
}

/// A time given on the command line as option `name` (like `--warmup`), in ticks: a
/// finite amount of `unit` from 0 to [`MAX_TICKS`]; else the error to print.
pub fn time_arg(name: &str, unit: TimeUnit, amount: f64) -> Result<Ticks, String> {
    if amount.is_finite() && amount >= 0.0 && amount <= unit.max_amount() {
        Ok(unit.to_ticks(amount))
    } else {
        Err(format!(
            "{name} must be a time from 0 to {} (the longest time a run can count), not {}",
            unit.max_text(),
            short(amount)
        ))
    }
}

/// `1 order`, `2 orders`: a count and its noun, plural unless it is one.
pub fn plural(n: u64, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// `n` with its thousands separated by commas: `900,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A span of scenario time as ticks: its nanoseconds, exactly (saturating at
/// `u64::MAX`, some 584 years, far past [`MAX_TICKS`]: a time no run reaches).
pub fn ticks(span: Duration) -> Ticks {
    u64::try_from(span.as_nanos()).unwrap_or(u64::MAX)
}

/// Ticks as a span of scenario time, exactly.
pub fn duration(t: Ticks) -> Duration {
    Duration::from_nanos(t)
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
    fn the_longest_time_is_whole_in_every_unit_and_two_of_it_fit() {
        for u in TimeUnit::ALL {
            assert_eq!(MAX_TICKS % u.ticks(), 0);
            assert_eq!(u.to_ticks(u.max_amount()), MAX_TICKS);
        }
        assert!(MAX_TICKS.checked_mul(2).is_some());
        assert_eq!(TimeUnit::Seconds.max_text(), "900,000,000 s");
        assert_eq!(TimeUnit::Hours.max_text(), "250,000 h");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }

    #[test]
    fn durations_are_ticks_exactly() {
        assert_eq!(ticks(Duration::from_millis(900)), 900_000_000);
        assert_eq!(duration(MAX_TICKS), Duration::from_secs(900_000_000));
        assert_eq!(ticks(duration(MAX_TICKS)), MAX_TICKS);
        assert_eq!(ticks(Duration::MAX), u64::MAX);
    }

    #[test]
    fn unit_names_round_trip() {
        for u in TimeUnit::ALL {
            assert_eq!(TimeUnit::from_name(u.name()), Some(u));
        }
        assert_eq!(TimeUnit::from_name("sec"), None);
    }
}
