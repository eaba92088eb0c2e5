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

    /// Converts ticks to an amount of this unit: the `f64` nearest to the exact
    /// quotient (as Python's `ticks / per` gives it), so that `1.14` minutes read
    /// from a file print back as `1.14`.
    #[inline]
    pub fn from_ticks(self, ticks: Ticks) -> f64 {
        quotient(ticks, self.ticks())
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `n / d` rounded to the nearest `f64`, ties to even: what Python's `n / d` gives
/// for two `int`s. Below 2^53 both are exact floats and one division rounds once;
/// above, `n as f64` would round first, so the quotient is worked out in integers.
#[inline]
fn quotient(n: u64, d: u64) -> f64 {
    if n < 1 << 53 { n as f64 / d as f64 } else { quotient_exact(n, d) }
}

/// [`quotient`] by integer arithmetic, for any `n` and a `d` from 1 to 2^63: the
/// quotient's first 53 bits and whether the rest is more, less or exactly half.
#[cold]
fn quotient_exact(n: u64, d: u64) -> f64 {
    debug_assert!(d > 0 && d <= 1 << 63);
    if n == 0 {
        return 0.0;
    }
    let bits = |x: u64| 64 - i32::try_from(x.leading_zeros()).expect("at most 64");
    // Scaled by 2^k, the quotient has 53 or 54 bits before the point.
    let mut k = 53 - (bits(n) - bits(d));
    let (num, den) = match u32::try_from(k) {
        Ok(up) => (u128::from(n) << up, u128::from(d)),
        Err(_) => (u128::from(n), u128::from(d) << k.unsigned_abs()),
    };
    let (mut q, mut r) = (num / den, num % den);
    // `half`: how the dropped part compares with half a unit of the last place.
    let half = if q >= 1 << 53 {
        // 54 bits: the last one goes too, and the remainder below it.
        let (last, rest) = (q & 1, r != 0);
        q >>= 1;
        k -= 1;
        r = 0;
        match (last, rest) {
            (0, _) => std::cmp::Ordering::Less,
            (_, false) => std::cmp::Ordering::Equal,
            _ => std::cmp::Ordering::Greater,
        }
    } else {
        (2 * r).cmp(&den)
    };
    debug_assert!(r < den);
    if half.is_gt() || (half.is_eq() && q & 1 == 1) {
        q += 1; // 2^53 at most: still exact.
    }
    // q · 2^-k, exact: a power of two in the normal range (|k| is below 200).
    let scale = f64::from_bits(((1023 - i64::from(k)) as u64) << 52);
    q as f64 * scale
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

/// Seconds of scenario time, as the nearest float (for JSON, statistics and the
/// tables: what parsing the exact decimal `{t / 10^9}.{t % 10^9:09}` gives).
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

    /// Ticks read as an amount of a unit are the nearest `f64` to the exact value
    /// (Python's `int / int`): an amount written in a file prints back as written.
    #[test]
    fn ticks_read_as_an_amount_are_the_nearest_float() {
        // Split into whole and fraction and added, these were 1.1400000000000001 and
        // 1.1179999999999999.
        assert_eq!(TimeUnit::Seconds.from_ticks(TimeUnit::Seconds.to_ticks(1.14)), 1.14);
        assert_eq!(TimeUnit::Seconds.from_ticks(1_118_000_000), 1.118);
        assert_eq!(TimeUnit::Milliseconds.from_ticks(1_403_377), 1.403_377);
        for u in TimeUnit::ALL {
            for milli in 0..100_000u32 {
                let x = f64::from(milli) / 1000.0;
                assert_eq!(u.from_ticks(u.to_ticks(x)), x, "{x} {u}");
            }
        }
        // Past 2^53 ticks, the values Python 3.11 gives for `t / per`.
        let python = [
            (MAX_TICKS, TimeUnit::Hours, 250_000.0),
            (9_007_199_254_740_993, TimeUnit::Seconds, 9_007_199.254_740_993),
            (123_456_789_012_345_678, TimeUnit::Minutes, 2_057_613.150_205_761_2),
            (123_456_789_012_345_678, TimeUnit::Milliseconds, 123_456_789_012.345_67),
            (u64::MAX, TimeUnit::Seconds, 18_446_744_073.709_553),
            (u64::MAX, TimeUnit::Hours, 5_124_095.576_030_431),
        ];
        for (t, u, want) in python {
            let want: f64 = want;
            assert_eq!(u.from_ticks(t).to_bits(), want.to_bits(), "{t} {u}");
        }
    }

    proptest::proptest! {
        /// The integer quotient is the one division's wherever that is exact, for
        /// every unit and for any divisor, across every scale.
        #[test]
        fn the_integer_quotient_is_the_correctly_rounded_one(
            n in 1u64..1 << 53,
            shift in 0u32..53,
            d in 1u64..1 << 50,
        ) {
            let n = (n >> shift).max(1);
            proptest::prop_assert_eq!(quotient_exact(n, d).to_bits(), (n as f64 / d as f64).to_bits());
            for u in TimeUnit::ALL {
                proptest::prop_assert_eq!(quotient_exact(n, u.ticks()), n as f64 / u.ticks() as f64);
            }
        }
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
