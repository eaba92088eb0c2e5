//! Capacity planning: run a scenario over a grid of kitchens and find the cheapest
//! one that meets a target (`cafe sweep`).
//!
//! A sweep varies some of the scenario's numbers ([`Vary`], parsed from `--vary`
//! specs by [`parse_vary`]): the number of cooks, the capacity of a piece of
//! equipment, the Poisson arrival rate. Every combination of their values is one
//! *configuration* ([`grid`]); each configuration runs `R` independent replications
//! on the virtual clock ([`crate::ops::sweep`]), and every statistic ([`Metric`]) is
//! estimated as the mean of its `R` per-replication values ± the half-width of a 95% confidence
//! interval ([`Estimate`], as [`crate::replicate`] does).
//!
//! # Grid order
//!
//! Configurations are listed like an odometer: the first `--vary` changes slowest
//! and the last fastest. `--vary cooks=1..2 --vary equipment.machine=1..2` gives
//! (1, 1), (1, 2), (2, 1), (2, 2). Ranges `A..B` are inclusive and ascending; lists
//! keep the order they are written in.
//!
//! # Seeds: common random numbers
//!
//! Every configuration runs with the same replication seeds,
//! [`crate::replicate::seeds`]`(seed, R)`: replication `i` of two configurations
//! sees the same random stream, so their difference is due to the kitchen, not to luck (the
//! classic variance reduction for comparing systems). Any replication can be rerun
//! alone: `cafe run` on the scenario edited to the configuration's values, with
//! `--clock virtual --seed S`, `S` = [`Replicated::seeds`]`[i]`.
//!
//! The runs (configuration × replication) are spread over every core; results are
//! put back in grid order, so a sweep's numbers are bit for bit the same whatever
//! the number of threads.
//!
//! # Targets and costs
//!
//! A [`Target`] is `METRIC OP VALUE` (`p95_time_in_system <= 300`). A configuration
//! *meets* it when the whole 95% confidence interval is on the right side: for `<=`
//! and `<` the interval's upper end, for `>=` and `>` its lower end. A configuration
//! that meets the target therefore meets it with 95% confidence, and one whose
//! interval straddles the threshold does not count (more replications narrow the
//! intervals). One replication gives no interval, so a target needs at least two.
//!
//! A configuration's cost is `cooks × cook_cost + Σ capacity × cost` over the
//! equipment, from the scenario's `[kitchen]` (both default to 0). The answer
//! ([`answers`]) is the cheapest configuration that meets the target; ties go to
//! fewer cooks, then to lower values in `--vary` order. When the arrival rate is
//! varied it is demand, not a choice, so there is one answer per rate.
//!
//! # Stopping early
//!
//! [`crate::ops::sweep`] checks its [`Batch::cancel`](crate::ops::Batch::cancel) token before
//! starting each run (the command cancels it on Ctrl-C or SIGTERM); runs already
//! started finish. Configurations whose replications all finished are reported;
//! the others are "not run".
//!
//! # Nothing measured
//!
//! A warm-up that leaves nothing to measure in a replication (it ended before the
//! warm-up did, or no customer arrived after it:
//! [`Stats::measured_nothing`](crate::view::stats::Stats::measured_nothing)) makes
//! its configuration's statistics meaningless: the configuration is flagged
//! ([`Row::measured_nothing`]) and never meets a target.

use std::time::Duration;

use serde::Serialize;

use crate::model::{Arrivals, Customers, Dist, Mode, Policy, Scenario};
use crate::replicate::{Estimate, Replicated};
use crate::time::TimeUnit;

#[cfg(feature = "report")]
mod chart;
#[cfg(feature = "export")]
mod csv;
mod error;
#[cfg(feature = "report")]
mod page;
mod request;
mod table;
mod target;
mod vary;

#[cfg(feature = "export")]
pub use self::csv::csv;
pub use error::{SetError, SizeError, TargetError, TargetProblem, VaryError, VaryProblem};
#[cfg(feature = "report")]
pub use page::html;
pub use request::{Checked, Refused, Request, RequestError};
pub use table::{render_answer, render_answer_within, render_table, render_table_within};
pub use target::{Metric, Op, Quantity, Target, metrics, parse_target};
pub use vary::{Param, Vary, check_varies, parse_vary, poisson_rate, set_one};

/// Configurations in one sweep, at most.
pub const MAX_CONFIGURATIONS: usize = 10_000;
/// Runs (configurations × replications) in one sweep, at most.
pub const MAX_RUNS: u64 = 200_000;
/// Customers served over the whole sweep, at most (expected, where it can be
/// estimated): about an hour of computing on two cores.
pub const MAX_CUSTOMERS: f64 = 2e10;

/// Every configuration: one value per `--vary`, in grid order (the first `--vary`
/// changes slowest, the last fastest). No `--vary` gives one configuration, the
/// scenario as it is.
pub fn grid(varies: &[Vary]) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new()];
    for v in varies {
        out = out
            .iter()
            .flat_map(|prefix| v.values.iter().map(move |&x| [prefix.as_slice(), &[x]].concat()))
            .collect();
    }
    out
}

/// The scenario with one configuration's values.
pub fn apply(sc: &Scenario, varies: &[Vary], values: &[f64]) -> Scenario {
    let mut sc = sc.clone();
    for (v, &x) in varies.iter().zip(values) {
        match &v.param {
            Param::Cooks => sc.kitchen.cooks = x as u16,
            Param::Equipment { index, .. } => sc.kitchen.equipment[*index].capacity = x as u32,
            Param::ArrivalRate => {
                if let Customers::Generate(g) = &mut sc.customers {
                    g.arrivals = Arrivals::Interarrival(Dist::Exponential { mean: 1.0 / x });
                }
            }
            Param::Policy => sc.kitchen.policy = Policy::ALL[x as usize],
        }
    }
    sc
}

/// A kitchen's cost: `cooks × cook_cost + Σ capacity × cost`.
pub fn cost(sc: &Scenario) -> f64 {
    let k = &sc.kitchen;
    k.cooks as f64 * k.cook_cost + k.equipment.iter().map(|e| e.capacity as f64 * e.cost).sum::<f64>()
}

/// The expected number of customers a run lets in, where it can be worked out
/// (`None` for an open stream whose rate is not known in advance). The sweep's size
/// check counts with it, and so does the studio's limit on one run.
pub fn expected_customers(sc: &Scenario) -> Option<f64> {
    let g = match &sc.customers {
        Customers::List(l) => return Some(l.len() as f64),
        Customers::Generate(g) => g,
    };
    let group = g.group.as_ref().map_or(1.0, |d| d.mean().max(1.0));
    let by_time = g.until.and_then(|until| match &g.arrivals {
        Arrivals::Interarrival(d) if d.mean() > 0.0 => Some(
            crate::time::seconds(until.saturating_sub(g.first_arrival)) / sc.unit.seconds() / d.mean()
                * group,
        ),
        Arrivals::Interarrival(_) => None,
        Arrivals::Schedule(pieces) => {
            let (mut from, mut total) = (0.0, 0.0);
            let end = sc.unit.from_ticks(until);
            for p in pieces {
                let to = p.until.map_or(end, |u| sc.unit.from_ticks(u)).min(end);
                total += p.rate * (to - from).max(0.0);
                from = to;
            }
            Some(total * group)
        }
    });
    match (g.count.map(|c| c as f64), by_time) {
        (Some(c), Some(t)) => Some(c.min(t)),
        (c, t) => c.or(t),
    }
}

/// The most memory a sweep's statistics may take, about: each run keeps each cook's
/// statistics (some 64 bytes a cook), and each configuration their estimates (some
/// 264 bytes a cook), so a kitchen of thousands of cooks weighs on a sweep.
pub const MAX_KEPT_BYTES: f64 = 2e9;

/// Checks that a sweep is of a size that can finish: at most
/// [`MAX_CONFIGURATIONS`] configurations, [`MAX_RUNS`] runs, about
/// [`MAX_KEPT_BYTES`] of statistics kept and about [`MAX_CUSTOMERS`] customers in
/// all.
pub fn check_size(sc: &Scenario, varies: &[Vary], replications: u32) -> Result<(), SizeError> {
    let configurations = varies.iter().map(|v| v.values.len() as u64).product::<u64>();
    if configurations > MAX_CONFIGURATIONS as u64 {
        let parts: Vec<String> =
            varies.iter().map(|v| format!("{} {}", v.values.len(), v.param.name())).collect();
        let shape = if parts.is_empty() { "1".to_string() } else { parts.join(" × ") };
        return Err(SizeError::Configurations { configurations, shape });
    }
    if configurations * replications as u64 > MAX_RUNS {
        return Err(SizeError::Runs { configurations, replications });
    }
    let cooks = varies
        .iter()
        .find(|v| v.param == Param::Cooks)
        .map_or(f64::from(sc.kitchen.cooks), |v| v.values.iter().fold(0.0, |a, &b| f64::max(a, b)));
    let bytes = configurations as f64 * cooks * (64.0 * f64::from(replications) + 264.0);
    if bytes > MAX_KEPT_BYTES {
        return Err(SizeError::Kept { bytes, configurations, replications, cooks: cooks as u64 });
    }
    let mut customers = 0.0;
    for values in grid(varies) {
        match expected_customers(&apply(sc, varies, &values)) {
            Some(c) => customers += c * replications as f64,
            None => return Ok(()),
        }
    }
    if customers > MAX_CUSTOMERS {
        return Err(SizeError::Customers { customers, configurations, replications });
    }
    Ok(())
}

/// One configuration of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// One value per `--vary`.
    pub values: Vec<f64>,
    /// Its kitchen's cooks (varied or the scenario's).
    pub cooks: u16,
    /// [`cost`] of its kitchen.
    pub cost: f64,
    /// The highest offered load of its cooks and equipment (see [`crate::capacity`]):
    /// at 1 or more its queue cannot settle, and its statistics depend on the run's
    /// length. `None` for customers with no rate (a list).
    pub load: Option<f64>,
    /// One estimate per [`Sweep::metrics`] (`None`: not run, no such cook, or nothing
    /// measured).
    pub estimates: Vec<Option<Estimate>>,
    /// Every statistic over the replications; `None` if it was not run to the end.
    #[serde(skip)]
    pub replicated: Option<Replicated>,
    /// Whether the warm-up left nothing to measure in one of its replications: its
    /// statistics mean nothing, and it never meets a target.
    pub measured_nothing: bool,
}

impl Row {
    /// Whether every replication of it was run (a cancelled sweep leaves some not).
    pub fn done(&self) -> bool {
        self.replicated.is_some()
    }

    /// Whether its kitchen can keep up with its customers, by [`Row::load`]: one
    /// that cannot (`!` in the table) is never an answer, whatever its estimates,
    /// which describe how long its day was rather than the kitchen.
    pub fn keeps_up(&self) -> bool {
        self.load.is_none_or(|l| l < 1.0)
    }

    /// `cooks=4 coffee_machine=2`.
    pub fn describe(&self, varies: &[Vary]) -> String {
        if varies.is_empty() {
            return "the scenario as it is".into();
        }
        let parts: Vec<String> = varies
            .iter()
            .zip(&self.values)
            .map(|(v, &x)| format!("{}={}", v.param.label(), v.param.show(x)))
            .collect();
        parts.join(" ")
    }

    /// The estimate of `metric`, if it was run and has it.
    pub fn estimate(&self, metrics: &[Metric], metric: &Metric) -> Option<Estimate> {
        metrics.iter().position(|m| m == metric).and_then(|i| self.estimates[i])
    }
}

/// A sweep's results, configurations in grid order.
#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's unit: times are in it.
    #[serde(skip)]
    pub unit: TimeUnit,
    /// The currency of the costs (the scenario's `[kitchen] currency`), if it names one.
    #[serde(skip)]
    pub currency: Option<String>,
    /// The kitchen every configuration ran (`"async"` or `"sync"` in JSON).
    pub mode: Mode,
    /// The base seed of every configuration's replications.
    pub seed: u64,
    /// Replications per configuration ([`Batch::replications`](crate::ops::Batch::replications)).
    pub replications: u32,
    /// The warm-up left out of each replication ([`Batch::warmup`](crate::ops::Batch::warmup)), in seconds.
    pub warmup_s: f64,
    /// What was varied, in `--vary` order; the grid is their product, the last
    /// varying fastest.
    pub varies: Vec<Vary>,
    /// What each row estimates, in [`Row::estimates`]' order.
    pub metrics: Vec<Metric>,
    /// One per configuration, in grid order (run or not).
    pub rows: Vec<Row>,
    /// Whether cancelling ended it before every run was done.
    pub interrupted: bool,
    /// Wall time the sweep took.
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The answer for one group of configurations (all of them, or those with one
/// arrival rate when the rate is varied).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The arrival rate of the group, when the rate is varied.
    pub rate: Option<f64>,
    /// The cheapest configuration (an index into [`Sweep::rows`]) that meets every
    /// target.
    pub best: Option<usize>,
    /// When none meets them all: the one that comes closest (one that keeps up
    /// first, then the fewest targets missed, then the smallest shortfall relative
    /// to the thresholds).
    pub closest: Option<usize>,
    /// The cheapest configuration that meets every target but cannot keep up
    /// ([`Row::keeps_up`]), when it is cheaper than `best` or there is no `best`:
    /// passed over, and said so.
    pub passed_over: Option<usize>,
}

impl Sweep {
    /// Whether configuration `i` was run, measured something, and meets `target`.
    pub fn meets(&self, i: usize, target: &Target) -> bool {
        !self.rows[i].measured_nothing
            && self.rows[i].estimate(&self.metrics, &target.metric).is_some_and(|e| target.met_by(&e))
    }

    /// Whether configuration `i` meets every one of `targets` (see [`Sweep::meets`]).
    pub fn meets_all<'t>(&self, i: usize, targets: impl IntoIterator<Item = &'t Target>) -> bool {
        targets.into_iter().all(|t| self.meets(i, t))
    }

    pub(super) fn rate_position(&self) -> Option<usize> {
        self.varies.iter().position(|v| v.param == Param::ArrivalRate)
    }
}

/// The cheapest configuration meeting `target` (ties: fewer cooks, then lower
/// values in `--vary` order), per arrival rate when the rate is varied, or the
/// closest when none meets it. Configurations not run, or that measured nothing,
/// are left out. [`answers_all`] with one target.
pub fn answers(sweep: &Sweep, target: &Target) -> Vec<Answer> {
    answers_all(sweep, std::slice::from_ref(target))
}

/// The cheapest configuration meeting every one of `targets` (ties: fewer cooks,
/// then lower values in `--vary` order), per arrival rate when the rate is varied,
/// or the closest when none meets them all: one that keeps up first, then the
/// fewest targets missed, then the smallest sum of shortfalls, each relative to its
/// threshold (a p95 of 6 for a target of 5 and a share of 3% for 2% both miss by a
/// fifth and a half). A configuration that cannot keep up ([`Row::keeps_up`]) is
/// never the answer: when it would have been, it is [`Answer::passed_over`].
/// Configurations not run, or that measured nothing, are left out. No target: no
/// answer.
pub fn answers_all(sweep: &Sweep, targets: &[Target]) -> Vec<Answer> {
    if targets.is_empty() {
        return Vec::new();
    }
    let rate_at = sweep.rate_position();
    let groups: Vec<Option<f64>> = match rate_at {
        Some(p) => sweep.varies[p].values.iter().map(|&v| Some(v)).collect(),
        None => vec![None],
    };
    groups
        .into_iter()
        .map(|rate| {
            let members: Vec<usize> = (0..sweep.rows.len())
                .filter(|&i| sweep.rows[i].done() && !sweep.rows[i].measured_nothing)
                .filter(|&i| rate_at.is_none_or(|p| Some(sweep.rows[i].values[p]) == rate))
                .collect();
            let key = |&i: &usize| {
                let r = &sweep.rows[i];
                (r.cost, r.cooks, r.values.clone())
            };
            let cheaper = |a: &usize, b: &usize| {
                let (ka, kb) = (key(a), key(b));
                ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1)).then_with(|| {
                    ka.2.iter()
                        .zip(&kb.2)
                        .map(|(x, y)| x.total_cmp(y))
                        .find(|o| o.is_ne())
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
            };
            let meeting = || members.iter().copied().filter(|&i| sweep.meets_all(i, targets));
            let best = meeting().filter(|&i| sweep.rows[i].keeps_up()).min_by(cheaper);
            let passed_over = meeting()
                .filter(|&i| !sweep.rows[i].keeps_up())
                .min_by(cheaper)
                .filter(|o| best.is_none_or(|b| cheaper(o, &b).is_lt()));
            let closest = if best.is_some() {
                None
            } else {
                let gap = |i: usize| {
                    let missed = targets.iter().filter(|t| !sweep.meets(i, t)).count();
                    let total: f64 = targets
                        .iter()
                        .map(|t| {
                            sweep.rows[i]
                                .estimate(&sweep.metrics, &t.metric)
                                .map_or(f64::INFINITY, |e| t.shortfall(&e).max(0.0) / t.value.abs().max(1e-9))
                        })
                        .sum();
                    (!sweep.rows[i].keeps_up(), missed, total)
                };
                members.iter().copied().min_by(|&a, &b| {
                    let (ga, gb) = (gap(a), gap(b));
                    ga.0.cmp(&gb.0).then(ga.1.cmp(&gb.1)).then(ga.2.total_cmp(&gb.2))
                })
            };
            Answer { rate, best, closest, passed_over }
        })
        .collect()
}

/// A sweep and the answers to its targets, as `cafe sweep --format json` prints
/// them (see docs/sweep.md): the answers name configurations by their varied values.
#[derive(Clone, Debug, Serialize)]
pub struct Document<'s> {
    /// The target as it was written when there is exactly one (`None` with none or
    /// several: [`Document::targets`] has them all).
    pub target: Option<&'s str>,
    /// Every target as it was written, in the order given; all are required.
    pub targets: Vec<&'s str>,
    /// One per group (see [`answers_all`]); empty without a target.
    pub answers: Vec<NamedAnswer>,
    /// Per configuration in grid order, whether it meets each target (in
    /// [`Document::targets`]' order); `None` for one not run. Empty without a target.
    pub meets: Vec<Option<Vec<bool>>>,
    /// The unit of every time in the sweep (`"s"`, `"min"`, `"h"`: the scenario's).
    pub time_unit: &'static str,
    /// The currency of the costs, when the scenario names one.
    pub currency: Option<&'s str>,
    /// The sweep itself.
    pub sweep: &'s Sweep,
}

/// An [`Answer`] whose configurations are named by their varied values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedAnswer {
    /// [`Answer::rate`].
    pub rate: Option<f64>,
    /// [`Answer::best`], as its [`Row::values`].
    pub best: Option<Vec<f64>>,
    /// [`Answer::closest`], as its [`Row::values`].
    pub closest: Option<Vec<f64>>,
    /// [`Answer::passed_over`], as its [`Row::values`].
    pub passed_over: Option<Vec<f64>>,
}

impl Sweep {
    /// This sweep's JSON document, with the answers to its targets (each as written,
    /// and parsed), if there are any.
    pub fn document<'s, 't>(
        &'s self,
        targets: impl IntoIterator<Item = (&'s str, &'t Target)>,
    ) -> Document<'s> {
        let values = |i: Option<usize>| i.map(|i| self.rows[i].values.clone());
        let (texts, parsed): (Vec<&str>, Vec<Target>) =
            targets.into_iter().map(|(s, t)| (s, t.clone())).unzip();
        let answers = answers_all(self, &parsed);
        let meets = if parsed.is_empty() {
            Vec::new()
        } else {
            (0..self.rows.len())
                .map(|i| self.rows[i].done().then(|| parsed.iter().map(|t| self.meets(i, t)).collect()))
                .collect()
        };
        Document {
            target: if texts.len() == 1 { Some(texts[0]) } else { None },
            targets: texts,
            answers: answers
                .iter()
                .map(|a| NamedAnswer {
                    rate: a.rate,
                    best: values(a.best),
                    closest: values(a.closest),
                    passed_over: values(a.passed_over),
                })
                .collect(),
            meets,
            time_unit: self.unit.name(),
            currency: self.currency.as_deref(),
            sweep: self,
        }
    }
}
