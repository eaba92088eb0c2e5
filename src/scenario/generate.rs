//! `generate`: random customers (docs/scenario-format.md, "`generate`: random
//! customers"): when they come (interarrival, rate or schedule), in groups of what
//! size, ordering what, and the checks that a generator stops and fits in memory.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::Loader;
use super::menu::MenuCheck;
use super::reader::{Value, get};
use crate::model::*;
use crate::time::{TimeUnit, short, thousands};

const GENERATE_KEYS: &[&str] =
    &["count", "until", "first_arrival", "interarrival", "rate", "schedule", "group", "mix"];
/// The most customers in one group: a group comes in at one instant.
pub(crate) const MAX_GROUP: u64 = 1_000;
/// The most customers a generator without a `count` may be expected to let in before
/// its `until` (more is all but certainly a mistake, and would fill memory if the
/// kitchen cannot keep up).
pub(crate) const MAX_UNCOUNTED: f64 = 1e9;
/// The most customers a generator may let in at one instant (interarrival times of 0):
/// they are all in the kitchen, and in memory, at once.
pub(crate) const MAX_AT_ONCE: u64 = 1_000_000;

impl Loader<'_, '_, '_> {
    /// `[customers.generate]`: random customers.
    pub(super) fn generate(&mut self, gv: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<Customers> {
        let g = self.cx.table(gv, "`generate`", "[customers.generate]")?;
        self.cx.check_keys(g, GENERATE_KEYS, "[customers.generate]");
        let count = match get(g, "count") {
            Some(c) => self.cx.int(c, "`count`", 0, i64::MAX, "count = 100").map(|n| Some(n as u64)),
            None => Some(None),
        };
        let until = match get(g, "until") {
            Some(u) => self.cx.time(u, "`until`", unit, "until = 3600").map(|x| Some(unit.to_ticks(x))),
            None => Some(None),
        };
        // A schedule whose last piece has an `until` closes the door then: no one
        // arrives after it.
        let schedule_ends = get(g, "schedule").is_some_and(|sv| match sv.get_ref() {
            DeValue::Array(a) => a
                .last()
                .is_some_and(|p| matches!(p.get_ref(), DeValue::Table(t) if get(t, "until").is_some())),
            _ => false,
        });
        let stops = get(g, "count").is_some() || get(g, "until").is_some() || schedule_ends;
        if !stops {
            let (hour, words) = match unit {
                TimeUnit::Milliseconds => ("3600000", "milliseconds"),
                TimeUnit::Seconds => ("3600", "seconds"),
                TimeUnit::Minutes => ("60", "minutes"),
                TimeUnit::Hours => ("1", "hours"),
            };
            let schedule = match get(g, "schedule") {
                Some(_) => ", or give the schedule's last piece an `until`",
                None => "",
            };
            self.cx.error(
                gv.span(),
                "[customers.generate] never stops letting customers in",
                "no stop rule",
                Some(format!(
                    "add `count = 1000` (how many customers) or `until = {hour}` (when the door closes, in {words}), or both{schedule}"
                )),
            );
        }
        let first_arrival = match get(g, "first_arrival") {
            Some(f) => {
                self.cx.time(f, "`first_arrival`", unit, "first_arrival = 0").map(|x| unit.to_ticks(x))
            }
            None => Some(0),
        };
        let (key, arrivals) = self.arrivals(gv, g, unit);
        let group = match get(g, "group") {
            None => Some(None),
            Some(gr) => self.group(gr, unit).map(Some),
        };
        let mix = match get(g, "mix") {
            None => menu.items.map(|items| (0..items.len()).map(|i| (i as ItemIx, 1.0)).collect()),
            Some(m) => self.mix(m, menu),
        };
        if !stops {
            return None;
        }
        // Without `count` or `until`, the door closes when the schedule ends.
        let until = match (until, &arrivals) {
            (Some(None), Some(Arrivals::Schedule(pieces))) if get(g, "count").is_none() => {
                Some(pieces.last().and_then(|p| p.until))
            }
            (until, _) => until,
        };
        if let (Some(None), Some(Some(until)), Some(arrivals), Some(group), Some(first), Some(key)) =
            (&count, &until, &arrivals, &group, &first_arrival, key)
        {
            let span = get(g, key).expect("given").span();
            if !self.door_closes(span, arrivals, group.as_ref(), *first, *until, unit) {
                return None;
            }
        }
        if let (Some(count), Some(arrivals), Some(group), Some(key)) = (&count, &arrivals, &group, key) {
            if !self.fits_at_once(g, key, *count, arrivals, group.as_ref(), unit) {
                return None;
            }
        }
        Some(Customers::Generate(Generator {
            count: count?,
            until: until?,
            first_arrival: first_arrival?,
            arrivals: arrivals?,
            group: group?,
            mix: mix?,
        }))
    }

    /// When customers come: exactly one of `interarrival`, `rate` and `schedule`. Also
    /// which one was given, when exactly one was.
    fn arrivals(
        &mut self,
        gv: &Value,
        g: &DeTable,
        unit: TimeUnit,
    ) -> (Option<&'static str>, Option<Arrivals>) {
        let given: Vec<&'static str> =
            ["interarrival", "rate", "schedule"].into_iter().filter(|k| get(g, k).is_some()).collect();
        let arrivals = match given.as_slice() {
            ["interarrival"] => self
                .dist(get(g, "interarrival").expect("given"), "interarrival", unit)
                .map(Arrivals::Interarrival),
            ["rate"] => {
                let r = get(g, "rate").expect("given");
                self.rate(r, unit).map(|rate| Arrivals::Interarrival(Dist::Exponential { mean: 1.0 / rate }))
            }
            ["schedule"] => {
                if let Some(f) = get(g, "first_arrival") {
                    self.cx.error(
                        f.span(),
                        "`first_arrival` does not go with `schedule`",
                        "not with a schedule",
                        Some("a schedule's arrivals start at 0: give the first piece a rate of 0 until they should start".into()),
                    );
                }
                self.schedule(get(g, "schedule").expect("given"), unit).map(Arrivals::Schedule)
            }
            _ => {
                let message = if given.is_empty() {
                    "[customers.generate] does not say when customers come".to_string()
                } else {
                    format!("[customers.generate] has both `{}` and `{}`", given[0], given[1])
                };
                self.cx.error(
                    gv.span(),
                    message,
                    "choose one",
                    Some("give exactly one of `interarrival = { dist = \"uniform_int\", min = 1, max = 3 }`, `rate = 2` (Poisson, per unit of time) or `schedule = [...]` (a rate that changes)".into()),
                );
                None
            }
        };
        let key = match given.as_slice() {
            [key] => Some(*key),
            _ => None,
        };
        (key, arrivals)
    }

    /// Without a count, the door stays open until `until`: whether it closes, that is,
    /// whether the customers expected before then are not too many (reported at `span`,
    /// the field that says when they come).
    fn door_closes(
        &mut self,
        span: Range<usize>,
        arrivals: &Arrivals,
        group: Option<&Dist>,
        first: u64,
        until: u64,
        unit: TimeUnit,
    ) -> bool {
        let expected = expected_customers(arrivals, group, first, until, unit);
        if expected.is_nan() || expected > MAX_UNCOUNTED {
            let message = match arrivals {
                Arrivals::Interarrival(d) if d.mean() == 0.0 => "every interarrival time is 0, so the door never closes: customers would keep coming at one instant until `until`".to_string(),
                _ => format!(
                    "[customers.generate] would let in about {expected:.2e} customers before `until`, more than the {} it can let in without a `count`",
                    thousands(MAX_UNCOUNTED as u64)
                ),
            };
            self.cx.error(
                span,
                message,
                "too many customers",
                Some("add `count = 1000` (the most customers to let in), or bring them less often".into()),
            );
            return false;
        }
        true
    }

    /// Interarrival times of 0 bring customers in at one instant, all in the kitchen at
    /// once: as many as come before a gap that is not 0. Whether they are not too many.
    fn fits_at_once(
        &mut self,
        g: &DeTable,
        key: &str,
        count: Option<u64>,
        arrivals: &Arrivals,
        group: Option<&Dist>,
        unit: TimeUnit,
    ) -> bool {
        let (zeros, at_once) = at_once(count, arrivals, group, unit);
        let (exact, weighted) = match arrivals {
            Arrivals::Interarrival(d) => (d.mean() == 0.0, matches!(d, Dist::Empirical(_))),
            Arrivals::Schedule(_) => (false, false),
        };
        if at_once > MAX_AT_ONCE as f64 {
            let what = match (zeros == 1.0, exact) {
                (true, true) => "every interarrival time is 0".to_string(),
                (true, false) => {
                    "every interarrival time rounds to 0 (the clock counts whole nanoseconds)".to_string()
                }
                _ => format!("{:.7}% of the interarrival times are 0", zeros * 100.0),
            };
            let (span, so) = match count {
                Some(n) if zeros == 1.0 => (
                    get(g, "count").expect("given").span(),
                    format!("all {} customers would come in at one instant", thousands(n)),
                ),
                _ => (
                    get(g, key).expect("given").span(),
                    format!("about {at_once:.2e} customers would come in at one instant"),
                ),
            };
            let fix = match (weighted && !exact, count) {
                (true, _) => "give the 0s a smaller weight",
                (false, Some(_)) => "lower `count`",
                (false, None) => "add a `count`",
            };
            self.cx.error(
                span,
                format!("{what}, so {so}, more than the {} a run can hold at once", thousands(MAX_AT_ONCE)),
                "too many at once",
                Some(format!("space them out (like `rate = 2`), or {fix}")),
            );
            return false;
        }
        true
    }

    /// A Poisson rate: customers per unit of time, positive and finite.
    fn rate(&mut self, v: &Value, unit: TimeUnit) -> Option<f64> {
        let x = self.cx.number(v, "`rate`", "rate = 2")?;
        if x.is_finite() && x > 0.0 {
            return Some(x);
        }
        self.cx.error(
            v.span(),
            format!(
                "`rate` must be a positive number of customers per {}, found {}",
                unit.name(),
                self.cx.src[v.span()].trim()
            ),
            "not a rate",
            Some("write it like `rate = 2`; for no customers at all, use a list: `list = []`".into()),
        );
        None
    }

    /// A piecewise rate: `[{ until = 60, rate = 0.5 }, { rate = 2 }]`.
    fn schedule(&mut self, v: &Value, unit: TimeUnit) -> Option<Vec<RatePiece>> {
        let example = "schedule = [{ until = 60, rate = 0.5 }, { until = 120, rate = 3 }, { rate = 1 }]";
        let arr = self.cx.array(v, "`schedule`", example)?;
        if arr.is_empty() {
            self.cx.error(
                v.span(),
                "`schedule` is empty",
                "empty",
                Some(format!("write it like `{example}`")),
            );
            return None;
        }
        let mut pieces = Vec::new();
        let mut ok = true;
        let mut last_until: Option<(f64, std::ops::Range<usize>)> = None;
        for (i, pv) in arr.iter().enumerate() {
            let Some(pt) = self.cx.table(pv, "a piece of the schedule", "{ until = 60, rate = 0.5 }") else {
                ok = false;
                continue;
            };
            self.cx.check_keys(pt, &["until", "rate"], "a piece of the schedule");
            let rate = match get(pt, "rate") {
                Some(r) => {
                    match self.cx.number(r, "`rate`", "rate = 2") {
                        Some(x) if x.is_finite() && x >= 0.0 => Some(x),
                        Some(_) => {
                            self.cx.error(r.span(), "a rate must be a finite number that is at least 0", "not a rate", Some("write it like `rate = 2` (customers per unit of time); 0 for a closed spell".into()));
                            None
                        }
                        None => None,
                    }
                }
                None if crate::scenario::Cx::misspelled(pt, &["until", "rate"], "rate") => None,
                None => {
                    self.cx.error(
                        pv.span(),
                        "a piece of the schedule has no `rate`",
                        "missing `rate`",
                        Some("add `rate = 2` (customers per unit of time)".into()),
                    );
                    None
                }
            };
            let until = match get(pt, "until") {
                Some(u) => match self.cx.time(u, "`until`", unit, "until = 60") {
                    Some(x) => {
                        if let Some((prev, _)) = &last_until {
                            if x <= *prev {
                                self.cx.error(u.span(), format!("the schedule goes back in time: {x} is not after {prev}"), "not increasing", Some("list the pieces in time order, each `until` later than the one before".into()));
                                ok = false;
                            }
                        }
                        last_until = Some((x, u.span()));
                        Some(Some(unit.to_ticks(x)))
                    }
                    None => None,
                },
                None if i + 1 == arr.len() => Some(None),
                None => {
                    self.cx.error(
                        pv.span(),
                        "only the last piece of the schedule can go on for ever",
                        "missing `until`",
                        Some("give this piece an `until`".into()),
                    );
                    None
                }
            };
            match (until, rate) {
                (Some(until), Some(rate)) => pieces.push(RatePiece { until, rate }),
                _ => ok = false,
            }
        }
        if ok && pieces.iter().all(|p| p.rate == 0.0) {
            self.cx.error(
                v.span(),
                "every rate of the schedule is 0: no customer would ever come",
                "no arrivals",
                Some("give some piece a positive rate".into()),
            );
            return None;
        }
        ok.then_some(pieces)
    }

    /// Group sizes: whole numbers of at least 1.
    fn group(&mut self, v: &Value, unit: TimeUnit) -> Option<Dist> {
        // Sizes are counts, not times: read them as amounts of the scenario's unit and
        // check they are whole.
        let d = self.dist(v, "group", unit)?;
        let fine = whole_sizes(&d);
        let largest = match &d {
            Dist::Fixed(k) => *k,
            Dist::UniformInt { max, .. } => *max as f64,
            Dist::Empirical(e) => e.cumulative.iter().map(|c| c.0).fold(0.0, f64::max),
            _ => 0.0,
        };
        if fine && largest > MAX_GROUP as f64 {
            self.cx.error(
                v.span(),
                format!(
                    "a group can be at most {} customers, found {}",
                    thousands(MAX_GROUP),
                    if largest < 1e15 { thousands(largest as u64) } else { short(largest) }
                ),
                "too large",
                Some(
                    "customers who come together are a group; for a crowd, use a higher `rate` or a `count`"
                        .into(),
                ),
            );
            return None;
        }
        if !fine {
            self.cx.error(
                v.span(),
                "a group size must be a whole number of at least 1",
                "not a group size",
                Some("write a fixed size like `group = 2`, or draw it: `group = { dist = \"uniform_int\", min = 1, max = 4 }` or `{ dist = \"empirical\", values = [1, 2, 4], weights = [6, 3, 1] }`".into()),
            );
            return None;
        }
        Some(d)
    }

    fn mix(&mut self, v: &Value, menu: &MenuCheck) -> Option<Vec<(ItemIx, f64)>> {
        let t = self.cx.table(v, "`mix`", "mix = { Latte = 3, Mocha = 1 }")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, w) in t.iter() {
            let item = self.item(k.get_ref(), k.span(), menu);
            match self.cx.number(w, "a weight", &format!("{} = 3", k.get_ref())) {
                Some(x) if x.is_finite() && x > 0.0 => {
                    if let Some(item) = item {
                        out.push((item, x));
                    }
                }
                Some(_) => {
                    self.cx.error(
                        w.span(),
                        "a weight must be a positive, finite number",
                        "not a weight",
                        Some(
                            "write it like `Latte = 3`: items are drawn in proportion to their weights"
                                .into(),
                        ),
                    );
                    ok = false;
                }
                None => ok = false,
            }
            ok &= item.is_some();
        }
        if ok && !out.iter().map(|(_, w)| w).sum::<f64>().is_finite() {
            self.cx.error(
                v.span(),
                "the mix's weights add up to more than the largest number (about 1.8e308)",
                "too large",
                Some(
                    "only their ratios matter: scale them down, like `mix = { Latte = 3, Mocha = 1 }`".into(),
                ),
            );
            ok = false;
        }
        if ok && out.is_empty() {
            self.cx.error(
                v.span(),
                "the mix is empty",
                "empty",
                Some("give at least one item a weight".into()),
            );
            ok = false;
        }
        ok.then_some(out)
    }
}

/// The share of the draws of `dist` that are 0 in ticks (below half a nanosecond),
/// where there can be many: fixed values, whole numbers from 0, empirical values,
/// uniform ranges, exponentials of a mean far below a nanosecond.
fn zero_share(dist: &Dist, unit: TimeUnit) -> f64 {
    let zero = |x: f64| unit.to_ticks(x) == 0;
    match dist {
        Dist::Fixed(x) => f64::from(u8::from(zero(*x))),
        Dist::UniformInt { min: 0, max } => 1.0 / (*max as f64 + 1.0),
        Dist::Uniform { min, max } if max > min => {
            ((0.5 / unit.ticks() as f64 - min) / (max - min)).clamp(0.0, 1.0)
        }
        Dist::Uniform { min, .. } => f64::from(u8::from(zero(*min))),
        // P(X < half a tick), exactly as `1 - exp(-x / mean)`.
        Dist::Exponential { mean } => -(-0.5 / unit.ticks() as f64 / mean).exp_m1(),
        Dist::Empirical(e) => {
            let mut prev = 0.0;
            let mut zeros = 0.0;
            for &(v, c) in e.cumulative.iter() {
                if zero(v) {
                    zeros += c - prev;
                }
                prev = c;
            }
            zeros / prev
        }
        _ => 0.0,
    }
}

/// Whether a group-size distribution draws only whole numbers of at least 1: a
/// fixed size, `uniform_int` from 1, or `empirical` over such sizes.
pub(crate) fn whole_sizes(d: &Dist) -> bool {
    let whole = |x: f64| x.fract() == 0.0 && x >= 1.0;
    match d {
        Dist::Fixed(k) => whole(*k),
        Dist::UniformInt { min, .. } => *min >= 1,
        Dist::Empirical(e) => e.cumulative.iter().all(|(x, _)| whole(*x)),
        _ => false,
    }
}

/// How many customers a generator without a `count` is expected to let in from
/// `first` to `until` (ticks), in groups of `group`; infinite or not a number when
/// its interarrival time is always 0. (At most [`MAX_UNCOUNTED`] are allowed.)
pub(crate) fn expected_customers(
    arrivals: &Arrivals,
    group: Option<&Dist>,
    first: u64,
    until: u64,
    unit: TimeUnit,
) -> f64 {
    expected_arrivals(arrivals, first, until, unit) * group.map_or(1.0, Dist::mean)
}

/// The share of interarrival times that are 0 ticks, and how many customers are
/// then expected to come in at one instant (the `count` at most). (At most
/// [`MAX_AT_ONCE`] are allowed.)
pub(crate) fn at_once(
    count: Option<u64>,
    arrivals: &Arrivals,
    group: Option<&Dist>,
    unit: TimeUnit,
) -> (f64, f64) {
    let zeros = match arrivals {
        Arrivals::Interarrival(d) => zero_share(d, unit),
        Arrivals::Schedule(pieces) => {
            let busiest = pieces.iter().map(|p| p.rate).fold(0.0, f64::max);
            -(-busiest * 0.5 / unit.ticks() as f64).exp_m1()
        }
    };
    let run = group.map_or(1.0, Dist::mean) / (1.0 - zeros);
    (zeros, count.map_or(run, |n| run.min(n as f64)))
}

/// How many customers (or groups) a generator is expected to let in from `first` to
/// `until` (ticks); infinite or not a number when its interarrival time is always 0.
fn expected_arrivals(arrivals: &Arrivals, first: u64, until: u64, unit: TimeUnit) -> f64 {
    let (first, until) = (unit.from_ticks(first), unit.from_ticks(until));
    match arrivals {
        Arrivals::Interarrival(_) if first > until => 0.0,
        Arrivals::Interarrival(d) => 1.0 + (until - first) / d.mean(),
        Arrivals::Schedule(pieces) => {
            let mut from = 0.0;
            let mut sum = 0.0;
            for p in pieces {
                let to = p.until.map_or(until, |u| unit.from_ticks(u)).min(until);
                if to > from {
                    sum += p.rate * (to - from);
                    from = to;
                }
            }
            sum
        }
    }
}
