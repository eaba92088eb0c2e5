//! Distributions of durations in bounded memory, for the statistics' percentiles.
//!
//! [`Samples`] keeps the values it is given exactly while there are at most
//! [`Samples::EXACT`] of them (so a small run's percentiles are exact), then pours
//! them into a [`Histogram`] and keeps counting there. Either way it keeps the
//! running [`Moments`]: count, the exact sum (for an exact mean), minimum and
//! maximum.
//!
//! # The histogram and its error bound
//!
//! [`Histogram`] is log-linear, like HdrHistogram: values below 512 ticks each have
//! their own bucket, and each range [2^k, 2^(k+1)) for k ≥ 9 is split into 256
//! buckets of width 2^(k−8). A quantile is found by nearest rank over the buckets
//! and reported as the middle of its bucket (`low + width / 2`), clamped to the exact
//! minimum and maximum. Since the value of that rank lies in the bucket and
//! `width / 2 ≤ low / 512`, the reported value `q` and the exact value `x` of the same
//! rank satisfy
//!
//! ```text
//! |q − x| ≤ x / 512        (a relative error of at most 2^-9 ≈ 0.2%)
//! ```
//!
//! Zero, every value below 512 ticks, the minimum (rank 1) and the maximum (rank n)
//! are exact. There are at most [`Histogram::BUCKETS`] = 14,592 counters (114 KiB),
//! allocated a range at a time as larger values come, whatever the number of values.
//!
//! Why not the `hdrhistogram` crate: it would do, but it reports a bucket's highest
//! equivalent value (an error up to a full bucket, one-sided), has no exact sum for
//! the mean, and the part needed here (bucket index, nearest-rank walk) is a few
//! dozen lines that this module tests directly against exact quantiles.

use crate::time::Ticks;

/// Count, exact sum and extremes of the values seen, so the mean is exact. This runs
/// four times for every order served, so it keeps only what the statistics show: no
/// sum of squares (a variance would cost a float conversion and addition per value).
#[derive(Clone, Debug)]
pub struct Moments {
    count: u64,
    sum: u128,
    /// `Ticks::MAX` while there is no value, so that recording needs no branch.
    min: Ticks,
    max: Ticks,
}

impl Default for Moments {
    fn default() -> Self {
        Moments { count: 0, sum: 0, min: Ticks::MAX, max: 0 }
    }
}

impl Moments {
    /// Counts `v` (in ticks) in the count, sum, minimum and maximum.
    #[inline]
    pub fn record(&mut self, v: Ticks) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.count += 1;
        self.sum += v as u128;
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact sum of the values.
    pub fn sum(&self) -> u128 {
        self.sum
    }

    /// The smallest value (0 when there is none).
    pub fn min(&self) -> Ticks {
        if self.count == 0 { 0 } else { self.min }
    }

    /// The largest value (0 when there is none).
    pub fn max(&self) -> Ticks {
        self.max
    }

    /// The mean, from the exact sum (0 when there is no value).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let n = self.count as u128;
        (self.sum / n) as f64 + (self.sum % n) as f64 / n as f64
    }
}

/// The nearest rank of quantile `p` among `n` values: the ⌈p·n⌉-th smallest, at
/// least the first and at most the last. `n` must be positive.
pub fn nearest_rank(p: f64, n: u64) -> u64 {
    ((p * n as f64).ceil() as u64).clamp(1, n)
}

/// Bits of linear resolution within a power-of-two range: 2^8 = 256 buckets each.
const SUB_BITS: u32 = 8;
const SUB: u64 = 1 << SUB_BITS;

/// A log-linear histogram of tick values; see the [module docs](self) for its error
/// bound.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Counts per bucket, as far as the largest value's range needs (a multiple of
    /// 256 long; capacity equal to length).
    counts: Vec<u64>,
    moments: Moments,
}

impl Histogram {
    /// The most buckets there can be: 512 exact ones, then 256 per range [2^k,
    /// 2^(k+1)) for k from 9 to 63.
    pub const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * SUB as usize;

    /// The bound on the relative error of a quantile: 2^-9.
    pub const RELATIVE_ERROR: f64 = 1.0 / 512.0;

    /// An empty histogram (no buckets allocated yet).
    pub fn new() -> Self {
        Histogram::default()
    }

    /// The bucket holding `v`.
    #[inline]
    fn bucket(v: Ticks) -> usize {
        // v is in [2^k, 2^(k+1)), k ≥ 8, where buckets are 2^(k−8) wide, or below
        // 2^8, where they are 1 wide (`shift` 0: setting bit 8 makes k 8 there and
        // changes no k above). No branch: which case a value falls in is as random
        // as the value.
        let shift = 63 - (v | SUB).leading_zeros() - SUB_BITS;
        (shift as u64 * SUB + (v >> shift)) as usize
    }

    /// The lowest value of bucket `i` and its width.
    fn bounds(i: usize) -> (Ticks, Ticks) {
        let i = i as u64;
        if i < SUB {
            (i, 1)
        } else {
            let shift = i / SUB - 1;
            ((SUB + i % SUB) << shift, 1 << shift)
        }
    }

    /// Records `v` (in ticks): counts it in its bucket and in the moments.
    #[inline]
    pub fn record(&mut self, v: Ticks) {
        self.count_in_bucket(v);
        self.moments.record(v);
    }

    /// Counts `v` in its bucket, leaving the moments alone.
    #[inline]
    fn count_in_bucket(&mut self, v: Ticks) {
        let b = Self::bucket(v);
        match self.counts.get_mut(b) {
            Some(count) => *count += 1,
            None => self.grow_and_count(b),
        }
    }

    /// Grows the counts to the end of bucket `b`'s range, exactly, and counts one in
    /// `b`: at most 57 growths over a histogram's life, so kept off the recording
    /// path.
    #[cold]
    #[inline(never)]
    fn grow_and_count(&mut self, b: usize) {
        let len = (b / SUB as usize + 1) * SUB as usize;
        self.counts.reserve_exact(len - self.counts.len());
        self.counts.resize(len, 0);
        self.counts[b] += 1;
    }

    /// The exact count, sum, minimum and maximum of the values recorded.
    pub fn moments(&self) -> &Moments {
        &self.moments
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.moments.count
    }

    /// The value of rank `rank` (1-based: 1 is the smallest), within the error bound
    /// of the module docs; exact for the first and last ranks. `None` when empty.
    pub fn value_at_rank(&self, rank: u64) -> Option<Ticks> {
        let m = &self.moments;
        if m.count == 0 {
            return None;
        }
        let rank = rank.clamp(1, m.count);
        if rank == 1 {
            return Some(m.min);
        }
        if rank == m.count {
            return Some(m.max);
        }
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (low, width) = Self::bounds(i);
                return Some((low + width / 2).clamp(m.min, m.max));
            }
        }
        unreachable!("the counts add up to the count")
    }

    /// Quantile `p` (0 to 1) by nearest rank; see [`Histogram::value_at_rank`].
    pub fn quantile(&self, p: f64) -> Option<Ticks> {
        self.value_at_rank(nearest_rank(p, self.count().max(1)))
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * size_of::<u64>()
    }
}

/// Values kept exactly up to [`Samples::EXACT`] of them, then in a [`Histogram`].
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// The values, while there are at most `EXACT`; empty (and freed) after.
    exact: Vec<Ticks>,
    /// Its moments cover every value from the first (they are the samples' moments,
    /// kept once); its buckets are filled only once there have been more than
    /// `EXACT` values (`bucketed`).
    histogram: Histogram,
    bucketed: bool,
}

impl Samples {
    /// How many values are kept exactly before switching to the histogram.
    pub const EXACT: usize = 4096;

    /// The most bytes a `Samples` holds on the heap, however many values it is given.
    pub const MAX_HEAP_BYTES: usize = {
        let exact = Self::EXACT * size_of::<Ticks>();
        let histogram = Histogram::BUCKETS * size_of::<u64>();
        if exact > histogram { exact } else { histogram }
    };

    /// No values yet.
    pub fn new() -> Self {
        Samples::default()
    }

    /// Records `v`. This runs four times for every order served: once past the first
    /// `EXACT` values, all it does is update the moments and count `v` in its bucket,
    /// which is inlined; keeping the first values is not.
    #[inline]
    pub fn record(&mut self, v: Ticks) {
        self.histogram.moments.record(v);
        if self.bucketed {
            self.histogram.count_in_bucket(v);
        } else {
            self.keep(v);
        }
    }

    /// Keeps `v` among the exact values, or, when there are `EXACT` of them already,
    /// pours them and `v` into the histogram's buckets and frees them.
    #[inline(never)]
    fn keep(&mut self, v: Ticks) {
        if self.exact.len() < Self::EXACT {
            self.exact.push(v);
            return;
        }
        for &x in &self.exact {
            self.histogram.count_in_bucket(x);
        }
        self.histogram.count_in_bucket(v);
        self.exact = Vec::new();
        self.bucketed = true;
    }

    /// The exact count, sum, minimum and maximum of the values recorded.
    pub fn moments(&self) -> &Moments {
        &self.histogram.moments
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.histogram.moments.count
    }

    /// Whether the values are still all kept, so quantiles are exact.
    pub fn is_exact(&self) -> bool {
        !self.bucketed
    }

    /// The value of rank `rank` (1-based), exact while [`Samples::is_exact`], else
    /// within the histogram's error bound. `None` when empty.
    pub fn value_at_rank(&self, rank: u64) -> Option<Ticks> {
        if self.bucketed {
            return self.histogram.value_at_rank(rank);
        }
        if self.exact.is_empty() {
            return None;
        }
        let i = rank.clamp(1, self.exact.len() as u64) as usize - 1;
        let mut values = self.exact.clone();
        Some(*values.select_nth_unstable(i).1)
    }

    /// Quantile `p` (0 to 1) by nearest rank: the ⌈p·n⌉-th smallest value.
    pub fn quantile(&self, p: f64) -> Option<Ticks> {
        self.value_at_rank(nearest_rank(p, self.count().max(1)))
    }

    /// Bytes held on the heap: at most [`Samples::MAX_HEAP_BYTES`].
    pub fn heap_bytes(&self) -> usize {
        self.exact.capacity() * size_of::<Ticks>() + self.histogram.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact_rank(sorted: &[Ticks], rank: u64) -> Ticks {
        sorted[rank as usize - 1]
    }

    /// |q − x| ≤ x / 512, in integers.
    fn within_bound(q: Ticks, x: Ticks) -> bool {
        (q.abs_diff(x) as u128) * 512 <= x as u128
    }

    #[test]
    fn buckets_tile_the_values_in_order() {
        assert_eq!(Histogram::BUCKETS, 14_592);
        assert_eq!(Histogram::bucket(u64::MAX), Histogram::BUCKETS - 1);
        for v in (0..5000).chain([1 << 20, (1 << 20) - 1, u64::MAX / 3, u64::MAX - 1, u64::MAX]) {
            let b = Histogram::bucket(v);
            let (low, width) = Histogram::bounds(b);
            assert!(low <= v && v - low < width, "{v} in bucket {b} = [{low}, +{width})");
            assert!(width == 1 || (width / 2) * 512 <= low, "bucket {b} too wide");
        }
        // Consecutive buckets are adjacent.
        for b in 0..Histogram::BUCKETS - 1 {
            let (low, width) = Histogram::bounds(b);
            assert_eq!(Histogram::bounds(b + 1).0, low + width, "after bucket {b}");
            assert_eq!(Histogram::bucket(low), b);
            assert_eq!(Histogram::bucket(low + (width - 1)), b);
        }
        // Below 512 every value has its own bucket.
        assert!((0..512).all(|v| Histogram::bounds(Histogram::bucket(v)) == (v, 1)));
    }

    #[test]
    fn zero_small_values_and_extremes_are_exact() {
        let mut h = Histogram::new();
        for v in [0, 0, 0, 7, 300, 1_000_000_007, 5_000_000_001] {
            h.record(v);
        }
        assert_eq!(h.value_at_rank(1), Some(0));
        assert_eq!(h.value_at_rank(3), Some(0));
        assert_eq!(h.value_at_rank(4), Some(7));
        assert_eq!(h.value_at_rank(5), Some(300));
        assert_eq!(h.value_at_rank(7), Some(5_000_000_001));
        assert_eq!(h.quantile(1.0), Some(5_000_000_001));
        assert_eq!(h.quantile(0.0), Some(0));
        let q = h.value_at_rank(6).unwrap();
        assert!(within_bound(q, 1_000_000_007), "{q}");
        assert_eq!(Histogram::new().quantile(0.5), None);
        assert_eq!(h.moments().sum(), 6_000_000_315);
    }

    #[test]
    fn the_largest_values_do_not_overflow() {
        let mut h = Histogram::new();
        for v in [u64::MAX, u64::MAX - 1, 1 << 63, u64::MAX] {
            h.record(v);
        }
        assert_eq!(h.heap_bytes(), Histogram::BUCKETS * 8);
        assert_eq!(h.value_at_rank(4), Some(u64::MAX));
        assert!(within_bound(h.value_at_rank(2).unwrap(), u64::MAX - 1));
        assert_eq!(h.moments().sum(), 3 * u64::MAX as u128 - 1 + (1u128 << 63));
    }

    #[test]
    fn samples_are_exact_up_to_the_cap_then_bounded() {
        let mut s = Samples::new();
        // A deterministic scramble of 0..20_000 seconds' worth of ticks.
        let values: Vec<Ticks> = (0..20_000u64).map(|i| (i * 7919 % 20_000) * 1_000_003).collect();
        for (i, &v) in values.iter().enumerate() {
            s.record(v);
            assert!(s.heap_bytes() <= Samples::MAX_HEAP_BYTES);
            assert_eq!(s.is_exact(), i < Samples::EXACT);
            if i + 1 == Samples::EXACT {
                let mut sorted = values[..=i].to_vec();
                sorted.sort_unstable();
                for p in [0.0, 0.01, 0.5, 0.95, 0.999, 1.0] {
                    let r = nearest_rank(p, sorted.len() as u64);
                    assert_eq!(s.quantile(p), Some(exact_rank(&sorted, r)), "p{p}");
                }
            }
        }
        let mut sorted = values.clone();
        sorted.sort_unstable();
        for p in [0.0, 0.01, 0.5, 0.95, 0.999, 1.0] {
            let want = exact_rank(&sorted, nearest_rank(p, sorted.len() as u64));
            let got = s.quantile(p).unwrap();
            assert!(within_bound(got, want), "p{p}: {got} vs {want}");
        }
        assert_eq!(s.moments().max(), 19_999 * 1_000_003);
        assert_eq!(s.moments().min(), 0);
        assert_eq!(s.moments().sum(), 19_999 * 20_000 / 2 * 1_000_003);
        assert_eq!(s.heap_bytes(), s.histogram.heap_bytes());
    }

    #[test]
    fn moments_match_a_two_pass_computation() {
        let values: Vec<Ticks> = (1..=1000u64).map(|i| i * i * 12_345).collect();
        let mut m = Moments::default();
        values.iter().for_each(|&v| m.record(v));
        let n = values.len() as f64;
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
        assert!((m.mean() - mean).abs() <= mean * 1e-12);
        assert_eq!((m.count(), m.min(), m.max()), (1000, 12_345, 1000 * 1000 * 12_345));
        assert_eq!(m.sum(), values.iter().map(|&v| v as u128).sum::<u128>());
        let none = Moments::default();
        assert_eq!((none.mean(), none.min(), none.max()), (0.0, 0, 0));
        // The mean's integer part is exact, even past f64's 2^53.
        let mut big = Moments::default();
        big.record(u64::MAX);
        big.record(u64::MAX - 2);
        assert_eq!(big.mean(), (u64::MAX - 1) as f64);
    }

    /// Values from a few magnitudes: small exact ones, around a second, and spread
    /// over many powers of two.
    fn values() -> impl Strategy<Value = Vec<Ticks>> {
        let one = prop_oneof![
            0u64..600,
            0u64..5_000_000_000,
            (0u32..62, any::<u64>()).prop_map(|(k, x)| (1u64 << k) | (x & ((1u64 << k) - 1))),
            Just(0u64),
            Just(1_500_000_000u64),
        ];
        prop::collection::vec(one, 1..3000)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn ranks_are_within_the_bound(values in values()) {
            let mut h = Histogram::new();
            values.iter().for_each(|&v| h.record(v));
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let n = sorted.len() as u64;
            // About 40 ranks spread over all of them (each is a walk over the buckets),
            // always including both ends.
            for r in (1..=n).step_by((n as usize / 39).max(1)).chain([n]) {
                let (got, want) = (h.value_at_rank(r).unwrap(), exact_rank(&sorted, r));
                prop_assert!(within_bound(got, want), "rank {r} of {n}: {got} vs {want}");
            }
            prop_assert_eq!(h.value_at_rank(1), Some(sorted[0]));
            prop_assert_eq!(h.value_at_rank(n), Some(sorted[n as usize - 1]));
            prop_assert_eq!(h.moments().sum(), sorted.iter().map(|&v| v as u128).sum::<u128>());
            prop_assert!(h.heap_bytes() <= Histogram::BUCKETS * 8);
        }

        #[test]
        fn quantiles_are_exact_below_the_cap_and_bounded_above(
            values in prop::collection::vec(0u64..10_000_000_000, 1..12_000),
            ps in prop::collection::vec(0.0f64..=1.0, 1..8),
        ) {
            let mut s = Samples::new();
            values.iter().for_each(|&v| s.record(v));
            let mut sorted = values.clone();
            sorted.sort_unstable();
            prop_assert_eq!(s.is_exact(), values.len() <= Samples::EXACT);
            prop_assert!(s.heap_bytes() <= Samples::MAX_HEAP_BYTES);
            for p in ps.into_iter().chain([0.5, 0.95]) {
                let want = exact_rank(&sorted, nearest_rank(p, sorted.len() as u64));
                let got = s.quantile(p).unwrap();
                if s.is_exact() {
                    prop_assert_eq!(got, want, "p{}", p);
                } else {
                    prop_assert!(within_bound(got, want), "p{}: {} vs {}", p, got, want);
                }
            }
            prop_assert_eq!(s.moments().max(), *sorted.last().unwrap());
        }
    }
}
