//! [`Estimate`]: a statistic over independent replications, with its 95%
//! confidence interval, and `Stats<Estimate>`, every statistic so estimated.

use serde::Serialize;

use super::schema::{CookStats, EquipmentStats, Stats, Summary, Value};
use super::student_t::t975;

/// A statistic estimated over `n` replications: the mean of its per-replication
/// values, their standard deviation (with `n − 1` in the denominator) and the
/// half-width of the 95% confidence interval for its expectation,
/// `t(0.975, n − 1) · sd / √n`. With one replication `sd` and `half_width_95` are
/// NaN (`null` in JSON): one value says nothing about the spread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean of the per-replication values, in their unit; NaN with none.
    pub mean: f64,
    /// Their sample standard deviation; NaN with fewer than two.
    pub sd: f64,
    /// Half the width of the 95% confidence interval for the expectation (the
    /// interval is `mean ± half_width_95`); NaN with fewer than two.
    pub half_width_95: f64,
    /// How many replications the values came from.
    pub n: u32,
}

impl Estimate {
    /// The estimate from per-replication values (NaN everywhere for none).
    ///
    /// Deviations are taken from the first value, so a quantity that is the same in
    /// every replication has exactly that mean and a standard deviation of exactly 0.
    pub fn from_samples(values: &[f64]) -> Estimate {
        let n = values.len();
        let Some(&first) = values.first() else {
            return Estimate { mean: f64::NAN, sd: f64::NAN, half_width_95: f64::NAN, n: 0 };
        };
        let nf = n as f64;
        let shift = values.iter().map(|&v| v - first).sum::<f64>() / nf;
        let mean = first + shift;
        if n < 2 {
            return Estimate { mean, sd: f64::NAN, half_width_95: f64::NAN, n: 1 };
        }
        let ss: f64 = values.iter().map(|&v| (v - first - shift) * (v - first - shift)).sum();
        let sd = (ss / (nf - 1.0)).sqrt();
        Estimate { mean, sd, half_width_95: t975(nf - 1.0) * sd / nf.sqrt(), n: n as u32 }
    }

    /// The lower end of the 95% confidence interval.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width_95
    }

    /// The upper end of the 95% confidence interval.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width_95
    }

    /// The estimate scaled by `scale` as `(mean, " ± half-width")`, each followed by
    /// `suffix`, both with enough decimals to show the half-width to two significant
    /// digits (at least `min_decimals`, at most 6). The half-width is left out when
    /// it is not a number (one replication).
    pub fn show(&self, scale: f64, min_decimals: usize, suffix: &str) -> (String, String) {
        cell(self, scale, min_decimals, suffix)
    }

    /// Whether `x` lies in the 95% confidence interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.low() <= x && x <= self.high()
    }

    /// The estimate of `f` over `runs`.
    pub fn of<T>(runs: &[T], f: impl Fn(&T) -> f64) -> Estimate {
        Estimate::from_samples(&runs.iter().map(f).collect::<Vec<_>>())
    }
}

/// Over replications, every statistic is an [`Estimate`].
impl Value for Estimate {
    type Count = Estimate;
    type Real = Estimate;
    const SHARES_IN_JSON: bool = true;
}

/// A [`Summary`] over replications: each field's [`Estimate`] (the mean of the
/// replications' means, of their medians, ...), in seconds.
pub type SummaryEstimate = Summary<Estimate>;
/// A cook's [`CookStats`] over replications.
pub type CookEstimate = CookStats<Estimate>;
/// A piece of equipment's [`EquipmentStats`] over replications.
pub type EquipmentEstimate = EquipmentStats<Estimate>;

impl Stats<Estimate> {
    /// Every statistic of `runs` estimated over them (see [`Estimate::from_samples`]).
    ///
    /// # Panics
    ///
    /// If `runs` is empty.
    pub fn over(runs: &[Stats]) -> Stats<Estimate> {
        Stats::map_runs(runs, |value| Estimate::of(runs, value))
    }
}

/// `x` with `decimals` decimals, without a negative zero.
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => abs.to_string(),
        _ => s,
    }
}

/// [`Estimate::show`].
pub(super) fn cell(e: &Estimate, scale: f64, min_decimals: usize, suffix: &str) -> (String, String) {
    let (mean, half) = (e.mean * scale, e.half_width_95 * scale);
    let decimals = if half.is_finite() && half > 0.0 {
        (1.0 - half.log10().floor()).clamp(min_decimals as f64, 6.0) as usize
    } else {
        min_decimals
    };
    let m = format!("{}{suffix}", fixed(mean, decimals));
    let h = if half.is_nan() { String::new() } else { format!(" ± {}{suffix}", fixed(half, decimals)) };
    (m, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_are_t_intervals() {
        let e = Estimate::from_samples(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!((e.mean, e.n), (3.0, 5));
        assert!((e.sd - 2.5f64.sqrt()).abs() < 1e-15);
        assert!((e.half_width_95 - 2.776_445_105 * 2.5f64.sqrt() / 5f64.sqrt()).abs() < 1e-8);
        assert!(e.contains(3.0) && e.contains(e.low()) && !e.contains(5.0));
        // A constant has no spread at all, however it rounds.
        let c = Estimate::from_samples(&[0.1 + 0.2; 7]);
        assert_eq!((c.mean, c.sd, c.half_width_95), (0.1 + 0.2, 0.0, 0.0));
        let one = Estimate::from_samples(&[4.0]);
        assert_eq!((one.mean, one.n), (4.0, 1));
        assert!(one.sd.is_nan() && one.half_width_95.is_nan());
        assert_eq!(Estimate::from_samples(&[]).n, 0);
    }

    #[test]
    fn cells_show_the_half_width_to_two_significant_digits() {
        let e = |mean, half_width_95| Estimate { mean, sd: 0.0, half_width_95, n: 2 };
        let s = |(m, h): (String, String)| m + &h;
        assert_eq!(s(cell(&e(1.23456, 0.0042), 1.0, 2, "")), "1.2346 ± 0.0042");
        assert_eq!(s(cell(&e(12.3, 1.7), 1.0, 2, "")), "12.30 ± 1.70");
        assert_eq!(s(cell(&e(9.2, 3.45), 1.0, 0, "")), "9.2 ± 3.5");
        assert_eq!(s(cell(&e(5461.7, 486.0), 1.0, 1, "")), "5461.7 ± 486.0");
        assert_eq!(s(cell(&e(300.0, 0.0), 1.0, 0, "")), "300 ± 0");
        assert_eq!(s(cell(&e(0.5, 0.0), 100.0, 1, "%")), "50.0% ± 0.0%");
        assert_eq!(s(cell(&e(-0.0001, 0.0), 1.0, 2, "")), "0.00 ± 0.00");
        assert_eq!(s(cell(&e(2.5, f64::NAN), 1.0, 2, "")), "2.50");
    }
}
