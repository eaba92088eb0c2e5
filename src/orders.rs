//! The stream of orders a run serves: the scenario's customers, with every random
//! draw made.
//!
//! Orders come out in arrival order and are drawn one at a time, so a run of ten
//! million customers never holds more than the orders in the kitchen. Draws come from
//! three PCG64 streams (`rand_pcg::Pcg64`, the same numbers on every platform) seeded
//! from the run's seed: one for arrivals and what is ordered, one for durations, one
//! for patience. For each customer in turn: the inter-arrival time (generated
//! customers), the item (when the mix has several), each option's value (generated
//! customers), then each step's duration in recipe order (random durations only),
//! then the customer's patience (when the scenario gives one).
//!
//! Each distribution is prepared once per source (a [`Sampler`]): what `rand_distr`
//! derives from a distribution's parameters (an exponential's rate, a lognormal's
//! logarithms, a gamma's constants) is not worked out again for every draw.

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Normal, Triangular};
use rand_pcg::Pcg64;

use crate::model::{Arrivals, CustomerSpec, Customers, Dist, Generator, ItemIx, RatePiece, Scenario};
use crate::time::{Ticks, TimeUnit};

/// One customer's order, as the engine serves it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Order {
    /// 1-based, in arrival order.
    pub id: u64,
    /// Index into the scenario's customer list, for a listed customer.
    pub listed: Option<u32>,
    /// What the customer ordered: an index into the menu's items.
    pub item: ItemIx,
    /// One value index per menu option.
    pub options: Vec<u16>,
    /// When the customer comes in.
    pub arrival: Ticks,
    /// Each step's duration, in recipe order.
    pub durations: Vec<Ticks>,
    /// How long the customer waits to be served, from `arrival`, before leaving.
    pub patience: Option<Ticks>,
}

/// Draws the orders of one run.
pub struct OrderSource<'s> {
    scenario: &'s Scenario,
    next_id: u64,
    /// Arrival of the previous generated customer (group).
    clock: Ticks,
    /// Customers of the current group still to come in at `clock`.
    group_left: u64,
    /// A generator's inter-arrival time and group size, prepared.
    interarrival: Option<Sampler<'s>>,
    group: Option<Sampler<'s>>,
    /// Each item's steps' durations, prepared, indexed by item then step.
    steps: Vec<Vec<Sampler<'s>>>,
    /// The scenario's patience, prepared.
    patience_sampler: Option<Sampler<'s>>,
    arrivals: Pcg64,
    durations: Pcg64,
    patience: Pcg64,
    /// A listed customer's given durations, by step (looked up, not searched for).
    given: Vec<Option<Ticks>>,
    /// A generator's mix, prepared: its total and, for a long menu, where each
    /// item's share ends.
    mix: Mix,
    /// A schedule's pieces that ended by `schedule_seen`: the next arrival is looked
    /// for from `schedule_first` on, not from the first piece.
    schedule_first: usize,
    schedule_seen: f64,
}

/// Stream number of the duration draws, so they do not depend on the arrival draws.
const DURATION_STREAM: u64 = 0x5EED_D0A7_10B5_0001;
/// Stream number of the patience draws, so that giving customers a patience changes
/// neither who comes nor how long anything takes.
const PATIENCE_STREAM: u64 = 0x5EED_9A71_E2CE_0002;

impl<'s> OrderSource<'s> {
    /// The orders of `scenario`'s customers (listed, generated or replayed), drawn
    /// from `seed`: the same seed gives the same orders, bit for bit.
    pub fn new(scenario: &'s Scenario, seed: u64) -> Self {
        let unit = scenario.unit;
        let (interarrival, group) = match &scenario.customers {
            Customers::Generate(g) => (
                match &g.arrivals {
                    Arrivals::Interarrival(d) => Some(Sampler::new(d, unit)),
                    Arrivals::Schedule(_) => None,
                },
                g.group.as_ref().map(|d| Sampler::new(d, unit)),
            ),
            Customers::List(_) => (None, None),
        };
        let steps = (0..scenario.menu.items.len())
            .map(|item| {
                let recipe = scenario.recipe_of(item as ItemIx);
                recipe.steps.iter().map(|step| Sampler::new(&step.duration, unit)).collect()
            })
            .collect();
        OrderSource {
            scenario,
            next_id: 1,
            clock: 0,
            group_left: 0,
            interarrival,
            group,
            steps,
            patience_sampler: scenario.patience.as_ref().map(|d| Sampler::new(d, unit)),
            arrivals: Pcg64::seed_from_u64(seed),
            durations: Pcg64::seed_from_u64(seed ^ DURATION_STREAM),
            patience: Pcg64::seed_from_u64(seed ^ PATIENCE_STREAM),
            given: Vec::new(),
            mix: match &scenario.customers {
                Customers::Generate(g) => Mix::new(&g.mix),
                Customers::List(_) => Mix::new(&[]),
            },
            schedule_first: 0,
            schedule_seen: f64::NEG_INFINITY,
        }
    }

    /// Fills `order` with the next order (reusing its buffers); false when none is left.
    pub fn next_into(&mut self, order: &mut Order) -> bool {
        let sc = self.scenario;
        order.id = self.next_id;
        order.options.clear();
        order.durations.clear();
        // A listed customer's own patience, which overrides the scenario's.
        let listed_patience = match &sc.customers {
            Customers::List(list) => match self.next_listed(list, order) {
                Some(patience) => patience,
                None => return false,
            },
            Customers::Generate(g) => {
                if !self.next_generated(g, order) {
                    return false;
                }
                None
            }
        };
        order.patience =
            listed_patience.or_else(|| self.patience_sampler.as_ref().map(|d| d.sample(&mut self.patience)));
        self.next_id += 1;
        true
    }

    /// The next listed customer's order, but its patience, which it returns (the
    /// customer's own, if given); `None` when none is left. (Out of line: the
    /// generated customers' path, which runs once per customer of the largest runs,
    /// stays small.)
    #[inline(never)]
    fn next_listed(&mut self, list: &[CustomerSpec], order: &mut Order) -> Option<Option<Ticks>> {
        let index = self.next_id - 1;
        let c = list.get(index as usize)?;
        order.listed = Some(index as u32);
        order.item = c.item;
        order.arrival = c.arrival;
        order.options.extend_from_slice(&c.options);
        let steps = &self.steps[c.item as usize];
        self.given.clear();
        self.given.resize(steps.len(), None);
        for &(s, d) in c.durations.iter().rev() {
            if let Some(g) = self.given.get_mut(s as usize) {
                *g = Some(d); // The first given wins.
            }
        }
        for (ix, step) in steps.iter().enumerate() {
            let d = match self.given[ix] {
                Some(d) => d,
                None => step.sample(&mut self.durations),
            };
            order.durations.push(d);
        }
        Some(c.patience)
    }

    /// The next generated customer's order, but its patience; false when none is left.
    #[inline(always)]
    fn next_generated(&mut self, g: &Generator, order: &mut Order) -> bool {
        let sc = self.scenario;
        let unit = sc.unit;
        let index = self.next_id - 1;
        if g.count.is_some_and(|n| index >= n) {
            return false;
        }
        order.listed = None;
        if self.group_left == 0 {
            let next = match &g.arrivals {
                Arrivals::Interarrival(_) if index == 0 => Some(g.first_arrival),
                Arrivals::Interarrival(_) => {
                    let gap = self.interarrival.as_ref().expect("prepared by `new`");
                    Some(self.clock.saturating_add(gap.sample(&mut self.arrivals)))
                }
                Arrivals::Schedule(pieces) => self.next_in_schedule(pieces, unit),
            };
            match next {
                Some(t) if g.until.is_none_or(|u| t <= u) => self.clock = t,
                _ => return false,
            }
            self.group_left = match &self.group {
                Some(size) => (size.sample(&mut self.arrivals) / unit.ticks()).max(1),
                None => 1,
            };
        }
        self.group_left -= 1;
        order.arrival = self.clock;
        order.item = self.mix.pick(&g.mix, &mut self.arrivals);
        for opt in &sc.menu.options {
            let v = self.arrivals.random_range(0..opt.values.len());
            order.options.push(v as u16);
        }
        for step in &self.steps[order.item as usize] {
            order.durations.push(step.sample(&mut self.durations));
        }
        true
    }
}

impl Iterator for OrderSource<'_> {
    type Item = Order;

    fn next(&mut self) -> Option<Order> {
        let mut order = Order::default();
        self.next_into(&mut order).then_some(order)
    }
}

/// Draws one value of `dist`, in ticks. Fixed values draw nothing; the others use
/// `rand_distr`'s algorithm for their distribution (so a seed reproduces with the
/// locked versions of `rand` and `rand_distr`). To draw many values of one
/// distribution, prepare it once with [`Sampler::new`].
pub fn draw(dist: &Dist, unit: TimeUnit, rng: &mut Pcg64) -> Ticks {
    Sampler::new(dist, unit).sample(rng)
}

/// A distribution prepared for drawing in a unit: the `rand_distr` distribution its
/// parameters give, built once. Its draws are the values [`draw`] gives, bit for bit.
#[derive(Clone, Debug)]
pub struct Sampler<'d> {
    /// Ticks per unit, as [`TimeUnit::to_ticks`] multiplies by them.
    scale: f64,
    prepared: Prepared<'d>,
}

#[derive(Clone, Debug)]
enum Prepared<'d> {
    /// Draws nothing: a fixed value, or a range with nothing in it.
    Fixed(Ticks),
    /// `rand_distr`'s `Exp` drawn inline: an `Exp1` draw times this, the inverse of
    /// the rate as `Exp::new` computes it (so the same value, bit for bit).
    Exponential(f64),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular(Triangular<f64>),
    Gamma(Gamma<f64>),
    /// Drawn from the distribution's own parameters each time: uniform ranges (`rand`
    /// draws one value from a range by another algorithm than from a prepared
    /// `Uniform`, so preparing would change the values) and empirical ones.
    AsWritten(&'d Dist),
}

impl<'d> Sampler<'d> {
    /// Prepares `dist`, whose values are in `unit`, for draws in ticks.
    pub fn new(dist: &'d Dist, unit: TimeUnit) -> Self {
        let fixed = |v: f64| Prepared::Fixed(unit.to_ticks(v.max(0.0)));
        let prepared = match dist {
            Dist::Fixed(v) => fixed(*v),
            Dist::Uniform { min, max } if max > min => Prepared::AsWritten(dist),
            Dist::Uniform { min, .. } => fixed(*min),
            Dist::Exponential { mean } => {
                // What `Exp::new(1.0 / mean)` keeps (the loader checked mean > 0).
                let rate = 1.0 / mean;
                Prepared::Exponential(1.0 / rate)
            }
            Dist::Normal { mean, sd } => Prepared::Normal(Normal::new(*mean, *sd).expect("checked: sd ≥ 0")),
            Dist::LogNormal { mean, sd } => {
                // The log's parameters that give this mean and standard deviation.
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                Prepared::LogNormal(LogNormal::new(mu, sigma2.sqrt()).expect("checked: mean > 0"))
            }
            Dist::Triangular { min, mode, max } if max > min => {
                Prepared::Triangular(Triangular::new(*min, *max, *mode).expect("checked: min ≤ mode ≤ max"))
            }
            Dist::Triangular { min, .. } => fixed(*min),
            Dist::Gamma { shape, scale } => {
                Prepared::Gamma(Gamma::new(*shape, *scale).expect("checked: positive"))
            }
            Dist::UniformInt { .. } | Dist::Empirical(_) => Prepared::AsWritten(dist),
        };
        Sampler { scale: unit.ticks() as f64, prepared }
    }

    /// Draws one value, in ticks. Fixed values and exponentials (Poisson arrivals,
    /// the commonest random durations) are drawn inline, the rest out of line. (Left
    /// to itself the compiler calls this out of line: inlining it is worth ~2% of
    /// simulated customers per second, `cargo bench --bench mmc`.)
    #[inline(always)]
    pub fn sample(&self, rng: &mut Pcg64) -> Ticks {
        match &self.prepared {
            Prepared::Fixed(ticks) => *ticks,
            // (`Exp::sample` calls `Exp1`'s sampler out of line; this inlines it, +3%
            // simulated customers per second.)
            Prepared::Exponential(rate_inverse) => {
                self.ticks(Distribution::<f64>::sample(&Exp1, rng) * rate_inverse)
            }
            _ => self.sample_other(rng),
        }
    }

    #[inline(never)]
    fn sample_other(&self, rng: &mut Pcg64) -> Ticks {
        let value = match &self.prepared {
            Prepared::Fixed(_) | Prepared::Exponential(_) => unreachable!("drawn by `sample`"),
            // Truncated at zero: draw again below it (at least half the draws are
            // kept, as mean ≥ 0).
            Prepared::Normal(normal) => loop {
                let x: f64 = normal.sample(rng);
                if x >= 0.0 {
                    break x;
                }
            },
            Prepared::LogNormal(d) => d.sample(rng),
            Prepared::Triangular(d) => d.sample(rng),
            Prepared::Gamma(d) => d.sample(rng),
            Prepared::AsWritten(Dist::UniformInt { min, max }) => rng.random_range(*min..=*max) as f64,
            Prepared::AsWritten(Dist::Uniform { min, max }) => rng.random_range(*min..*max),
            Prepared::AsWritten(Dist::Empirical(e)) => {
                let total = e.cumulative.last().expect("checked: not empty").1;
                let x = rng.random_range(0.0..total);
                let i = e.cumulative.partition_point(|&(_, c)| c <= x).min(e.cumulative.len() - 1);
                e.cumulative[i].0
            }
            Prepared::AsWritten(_) => unreachable!("only uniform and empirical distributions are as written"),
        };
        self.ticks(value)
    }

    /// A drawn value in ticks: never negative, rounded to the nearest.
    #[inline]
    fn ticks(&self, value: f64) -> Ticks {
        // `TimeUnit::to_ticks`, with the unit's ticks converted once.
        let x = value.max(0.0) * self.scale + 0.5;
        // `x as u64`, the same integer for every `x` here (at least 0.5, never NaN:
        // `max` drops a NaN): below 2^63 the signed conversion gives it in half the
        // instructions.
        if x < 9_223_372_036_854_775_808.0 { x as i64 as u64 } else { x as u64 }
    }
}

impl OrderSource<'_> {
    /// The next event after `self.clock` of a Poisson process with a
    /// piecewise-constant rate: an exponential amount of "rate × time" (mean 1) is
    /// spent across the pieces. `None` when the schedule ends first.
    ///
    /// The pieces that ended by then are passed over without a look: arrivals come
    /// in order, so a piece passed once is passed for good, and a day of many
    /// pieces costs a step per piece rather than a pass over them per arrival. (Should
    /// an arrival come before the time they were passed at, by a tick of rounding,
    /// they are looked at again from the first.)
    fn next_in_schedule(&mut self, pieces: &[RatePiece], unit: TimeUnit) -> Option<Ticks> {
        let mut left: f64 = Exp1.sample(&mut self.arrivals);
        let mut now = unit.from_ticks(self.clock);
        if now < self.schedule_seen {
            self.schedule_first = 0;
        }
        let ended = |piece: &RatePiece| piece.until.is_some_and(|u| unit.from_ticks(u) <= now);
        while pieces.get(self.schedule_first).is_some_and(ended) {
            self.schedule_first += 1;
        }
        self.schedule_seen = now;
        for piece in &pieces[self.schedule_first..] {
            let end = piece.until.map_or(f64::INFINITY, |u| unit.from_ticks(u));
            if end <= now {
                continue;
            }
            if piece.rate > 0.0 {
                let room = piece.rate * (end - now);
                if room >= left {
                    return Some(unit.to_ticks(now + left / piece.rate));
                }
                left -= room;
            }
            now = end;
        }
        None
    }
}

/// A mix of items prepared for drawing: its total weight, worked out once, and for
/// a long menu the running sums of the weights, so that an item is found by a
/// binary search rather than a pass over the menu for every customer.
///
/// The item drawn is exactly the one [`Mix::walk`] finds, which takes away one
/// weight after another from a uniform draw in `[0, total)`: each subtraction rounds,
/// so near the end of an item's share the walk and the running sums can disagree.
/// Within `margin` of such an end (the walk's rounding and the sums', bounded with
/// room to spare), the draw is walked; elsewhere the search gives the same item.
struct Mix {
    total: f64,
    /// `sums[k]`: the weights of items `0..=k`, added in order (empty for a short
    /// mix, which is walked).
    sums: Vec<f64>,
    margin: f64,
}

impl Mix {
    /// Below this many items the walk is as fast as the search.
    const SHORT: usize = 16;

    fn new(mix: &[(ItemIx, f64)]) -> Mix {
        let total: f64 = mix.iter().map(|(_, w)| w).sum();
        let sums = match mix.len() > Self::SHORT {
            true => (mix.iter())
                .scan(0.0, |sum: &mut f64, (_, w)| {
                    *sum += w;
                    Some(*sum)
                })
                .collect(),
            false => Vec::new(),
        };
        // Each of the walk's n subtractions, and each of the sums' n additions, is
        // off by at most half a unit in the last place of a number no larger than
        // the total (or half the smallest subnormal): 8 of each per item is
        // ample.
        let n = mix.len() as f64;
        let margin = 8.0 * n * (f64::EPSILON * total + f64::from_bits(1));
        Mix { total, sums, margin }
    }

    /// An item of `mix` (the one this was prepared from), drawn in proportion to
    /// its weight.
    #[inline]
    fn pick(&self, mix: &[(ItemIx, f64)], rng: &mut Pcg64) -> ItemIx {
        if let [(only, _)] = mix {
            return *only;
        }
        self.find(mix, rng.random_range(0.0..self.total))
    }

    /// The item of `mix` whose share holds `x`, a draw in `[0, total)`: the one
    /// [`Mix::walk`] finds.
    #[inline]
    fn find(&self, mix: &[(ItemIx, f64)], x: f64) -> ItemIx {
        if !self.sums.is_empty() {
            let k = self.sums.partition_point(|&s| s <= x);
            let clear_below = k == 0 || x - self.sums[k - 1] >= self.margin;
            if k < self.sums.len() && clear_below && self.sums[k] - x >= self.margin {
                return mix[k].0;
            }
        }
        Self::walk(mix, x)
    }

    /// The item whose share of `[0, total)` holds `x`, weights taken away from it
    /// one after another.
    fn walk(mix: &[(ItemIx, f64)], mut x: f64) -> ItemIx {
        for (item, w) in mix {
            if x < *w {
                return *item;
            }
            x -= w;
        }
        mix.last().expect("the mix is never empty").0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The draws to try on a mix: spread over `[0, total)`, and each float next to
    /// every running sum and to every end of the walk's shares (where the two can
    /// disagree).
    fn hard_draws(mix: &[(ItemIx, f64)], total: f64, spread: &[f64]) -> Vec<f64> {
        let mut xs: Vec<f64> = spread.iter().map(|u| u * total).collect();
        let mut ends = Vec::new();
        let mut sum = 0.0;
        for (_, w) in mix {
            sum += w;
            ends.push(sum);
        }
        // The walk's ends: the smallest x that passes item k, found on the floats.
        for k in 0..mix.len() {
            let passes = |x: f64| Mix::walk(mix, x) > mix[k].0;
            let (mut lo, mut hi) = (0u64, total.to_bits());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if passes(f64::from_bits(mid)) { hi = mid } else { lo = mid + 1 }
            }
            ends.push(f64::from_bits(lo));
        }
        for e in ends {
            let b = e.to_bits();
            xs.extend((b.saturating_sub(3)..=b + 3).map(f64::from_bits));
        }
        xs.retain(|x| (0.0..total).contains(x));
        xs
    }

    proptest! {
        /// The search finds the walk's item for every draw, on mixes long enough to
        /// be searched, with weights of very different sizes (whose sums round).
        #[test]
        fn a_searched_mix_draws_what_the_walk_draws(
            weights in prop::collection::vec((1u32..1000, -40i32..40), Mix::SHORT + 1..200),
            spread in prop::collection::vec(0.0f64..1.0, 200),
        ) {
            let mix: Vec<(ItemIx, f64)> = (weights.iter().enumerate())
                .map(|(i, &(m, e))| (i as ItemIx, f64::from(m) * 2f64.powi(e) / 7.0))
                .collect();
            let prepared = Mix::new(&mix);
            prop_assert!(!prepared.sums.is_empty());
            for x in hard_draws(&mix, prepared.total, &spread) {
                prop_assert_eq!(prepared.find(&mix, x), Mix::walk(&mix, x), "x = {:e}", x);
            }
        }
    }

    /// A menu of 10,000 items of weight 1, the default mix: every share, its first
    /// float and the last one below it.
    #[test]
    fn every_share_of_a_long_even_mix() {
        let mix: Vec<(ItemIx, f64)> = (0..10_000).map(|i| (i as ItemIx, 1.0)).collect();
        let prepared = Mix::new(&mix);
        for k in 0..10_000u32 {
            let start = f64::from(k);
            assert_eq!(prepared.find(&mix, start), k as ItemIx);
            if k > 0 {
                let last_below = f64::from_bits(start.to_bits() - 1);
                assert_eq!(prepared.find(&mix, last_below), (k - 1) as ItemIx);
            }
            assert_eq!(prepared.find(&mix, start + 0.5), k as ItemIx);
        }
    }
}
