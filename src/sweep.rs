//! Capacity planning: run a scenario over a grid of kitchens and find the cheapest
//! one that meets a target (`cafe sweep`).
//!
//! A sweep varies some of the scenario's numbers ([`Vary`], parsed from `--vary`
//! specs by [`parse_vary`]): the number of cooks, the capacity of a piece of
//! equipment, the Poisson arrival rate. Every combination of their values is one
//! *configuration* ([`grid`]); each configuration runs `R` independent replications
//! on the virtual clock ([`run`]), and every statistic ([`Metric`]) is estimated as
//! the mean of its `R` per-replication values ± the half-width of a 95% confidence
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
//! [`replicate::seeds`]`(seed, R)`: replication `i` of two configurations sees the
//! same random stream, so their difference is due to the kitchen, not to luck (the
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
//! [`run`] checks a [`Cancel`] token before starting each run (the command cancels
//! it on Ctrl-C or SIGTERM); runs already started finish. Configurations whose
//! replications all finished are reported; the others are "not run".
//!
//! # Nothing measured
//!
//! A warm-up that leaves nothing to measure in a replication (it ended before the
//! warm-up did, or no customer arrived after it: [`Stats::measured_nothing`]) makes
//! its configuration's statistics meaningless: the configuration is flagged
//! ([`Row::measured_nothing`]) and never meets a target.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plotters::prelude::*;
use serde::Serialize;

use crate::clock::Cancel;
use crate::engine::{self, Mode, VirtualClock};
use crate::model::{Arrivals, Customers, Dist, Policy, Scenario};
use crate::replicate::{self, Estimate, Replicated};
use crate::suggest;
use crate::time::{Ticks, TimeUnit};
use crate::view::report::{esc, plot};
use crate::view::stats::{Stats, StatsView};

/// Configurations in one sweep, at most.
pub const MAX_CONFIGURATIONS: usize = 10_000;
/// Runs (configurations × replications) in one sweep, at most.
pub const MAX_RUNS: u64 = 200_000;
/// Customers served over the whole sweep, at most (expected, where it can be
/// estimated): about an hour of computing on two cores.
pub const MAX_CUSTOMERS: f64 = 2e10;

/// What a `--vary` changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Param {
    /// `cooks`: how many cooks work.
    Cooks,
    /// `equipment.NAME`: the capacity of the piece at `index` in the kitchen.
    Equipment { index: usize, name: String },
    /// `arrivals.rate`: customers per unit of time of a Poisson generator.
    ArrivalRate,
    /// `policy`: the asynchronous kitchen's dispatch policy; a value is an index
    /// into [`Policy::ALL`] (in JSON too).
    Policy,
}

impl Param {
    /// As written in `--vary`: `cooks`, `equipment.NAME`, `arrivals.rate`.
    pub fn name(&self) -> String {
        match self {
            Param::Cooks => "cooks".into(),
            Param::Equipment { name, .. } => format!("equipment.{name}"),
            Param::ArrivalRate => "arrivals.rate".into(),
            Param::Policy => "policy".into(),
        }
    }

    /// Its column's header in the table: `cooks`, the equipment's name, `rate`.
    pub fn label(&self) -> String {
        match self {
            Param::Cooks => "cooks".into(),
            Param::Equipment { name, .. } => name.clone(),
            Param::ArrivalRate => "rate".into(),
            Param::Policy => "policy".into(),
        }
    }

    fn whole(&self) -> bool {
        !matches!(self, Param::ArrivalRate)
    }

    /// A value of this parameter as text (`4`, `0.5`, `longest-chain`).
    pub fn show(&self, v: f64) -> String {
        match self {
            Param::Policy => Policy::ALL[v as usize].name().to_string(),
            _ if self.whole() => format!("{}", v as u64),
            _ => format!("{v}"),
        }
    }
}

/// One `--vary`: a parameter and the values it takes, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vary {
    pub param: Param,
    /// Never empty, no value twice.
    pub values: Vec<f64>,
}

const VARY_EXAMPLES: &str = "like `cooks=1..6`, `equipment.coffee_machine=1..3`, `arrivals.rate=0.5,1,2` or `policy=fifo,longest-chain`";

/// Parses a `--vary` spec against the scenario it varies: `cooks=1..6` (a range,
/// both ends included), `equipment.NAME=1..3`, `arrivals.rate=0.5,1,2` (a list);
/// ranges and lists both work for every parameter. Errors name the spec.
pub fn parse_vary(spec: &str, sc: &Scenario) -> Result<Vary, String> {
    let fail = |msg: String| Err(format!("--vary `{spec}`: {msg}"));
    let Some((name, values)) = spec.split_once('=') else {
        return fail(format!("expected NAME=VALUES, {VARY_EXAMPLES}"));
    };
    let (name, values) = (name.trim(), values.trim());
    let param = if name == "cooks" {
        Param::Cooks
    } else if name == "policy" {
        let mut out = Vec::new();
        for p in values.split(',').map(str::trim) {
            let Some(policy) = Policy::from_name(p) else {
                let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                return fail(format!("unknown policy `{p}`; the policies: {}", names.join(", ")));
            };
            let ix = Policy::ALL.iter().position(|&q| q == policy).expect("listed") as f64;
            if out.contains(&ix) {
                return fail(format!("the value {p} is given twice"));
            }
            out.push(ix);
        }
        return Ok(Vary { param: Param::Policy, values: out });
    } else if name == "arrivals.rate" {
        let poisson = matches!(
            &sc.customers,
            Customers::Generate(g) if matches!(g.arrivals, Arrivals::Interarrival(Dist::Exponential { .. }))
        );
        if !poisson {
            return fail(
                "`arrivals.rate` can only be varied when customers arrive at a Poisson rate: \
                 `[customers.generate]` with `rate = ...` (or an exponential `interarrival`); \
                 this scenario's customers do not"
                    .into(),
            );
        }
        Param::ArrivalRate
    } else if let Some(eq) = name.strip_prefix("equipment.") {
        let names: Vec<&str> = sc.kitchen.equipment.iter().map(|e| e.name.as_str()).collect();
        match names.iter().position(|n| *n == eq) {
            Some(index) => Param::Equipment { index, name: eq.to_string() },
            None if names.is_empty() => {
                return fail(format!("the kitchen has no equipment `{eq}`: it has no equipment at all"));
            }
            None => {
                let have = names.join(", ");
                return fail(match suggest::closest(eq, names.iter().copied()) {
                    Some(s) => {
                        format!("the kitchen has no equipment `{eq}`; did you mean `{s}`? It has: {have}")
                    }
                    None => format!("the kitchen has no equipment `{eq}`; it has: {have}"),
                });
            }
        }
    } else {
        let mut known = vec!["cooks".to_string(), "arrivals.rate".to_string(), "policy".to_string()];
        known.extend(sc.kitchen.equipment.iter().map(|e| format!("equipment.{}", e.name)));
        let hint = match suggest::closest(name, known.iter().map(|s| s.as_str())) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        return fail(format!(
            "unknown parameter `{name}`; {hint}What can vary: cooks, equipment.NAME (a capacity), arrivals.rate, policy"
        ));
    };
    let whole = param.whole();
    let number = |s: &str| -> Result<f64, String> {
        let s = s.trim();
        let x = if whole {
            s.parse::<u64>().ok().map(|n| n as f64)
        } else {
            s.parse::<f64>().ok().filter(|x| x.is_finite())
        };
        x.ok_or_else(|| {
            if s.is_empty() {
                "a value is missing".to_string()
            } else if whole {
                format!("`{s}` is not a whole number")
            } else {
                format!("`{s}` is not a number")
            }
        })
    };
    let parsed: Result<Vec<f64>, String> = if let Some((a, b)) = values.split_once("..") {
        let b = b.strip_prefix('=').unwrap_or(b);
        let whole_end = |s: &str| -> Result<f64, String> {
            let s = s.trim();
            match s.parse::<u64>() {
                Ok(n) => Ok(n as f64),
                Err(_) if s.is_empty() => Err("a range needs both ends, like `1..6`".into()),
                Err(_) => Err(format!(
                    "`{s}` is not a whole number (a range goes from one whole number to another; for other values, list them: `0.5,1,2`)"
                )),
            }
        };
        match (whole_end(a), whole_end(b)) {
            (Ok(lo), Ok(hi)) if lo > hi => Err(format!(
                "the range {lo}..{hi} is empty; write the smaller number first, like `{name}={hi}..{lo}`"
            )),
            (Ok(lo), Ok(hi)) if hi - lo >= MAX_CONFIGURATIONS as f64 => {
                Err(format!("the range {lo}..{hi} has more than {MAX_CONFIGURATIONS} values"))
            }
            (Ok(lo), Ok(hi)) => Ok((lo as u64..=hi as u64).map(|n| n as f64).collect()),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    } else {
        values.split(',').map(number).collect()
    };
    let values = match parsed {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return fail(format!("the value {} is given twice", param.show(*v)));
        }
    }
    let unit = sc.unit.name();
    for &v in &values {
        match &param {
            Param::Cooks if v < 1.0 => return fail("a kitchen needs at least one cook; start at 1".into()),
            Param::Cooks if v > u16::MAX as f64 => {
                return fail(format!("at most {} cooks", u16::MAX));
            }
            Param::Equipment { name, .. } if v < 1.0 => {
                return fail(format!("a capacity of 0 means no step could use `{name}`; start at 1"));
            }
            Param::Equipment { .. } if v > u32::MAX as f64 => {
                return fail(format!("a capacity is at most {}", u32::MAX));
            }
            Param::ArrivalRate if v <= 0.0 => {
                return fail(format!(
                    "a rate is a positive number of customers per {unit}, not {}",
                    param.show(v)
                ));
            }
            _ => {}
        }
    }
    Ok(Vary { param, values })
}

/// Checks that no parameter is varied twice.
pub fn check_varies(varies: &[Vary]) -> Result<(), String> {
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.param == v.param) {
            return Err(format!(
                "--vary `{}` is given twice: give all its values in one --vary",
                v.param.name()
            ));
        }
    }
    Ok(())
}

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

/// The expected number of customers a run lets in, where it can be worked out.
fn expected_customers(sc: &Scenario) -> Option<f64> {
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

/// Checks that a sweep is of a size that can finish: at most
/// [`MAX_CONFIGURATIONS`] configurations, [`MAX_RUNS`] runs and about
/// [`MAX_CUSTOMERS`] customers in all.
pub fn check_size(sc: &Scenario, varies: &[Vary], replications: u32) -> Result<(), String> {
    let configurations = varies.iter().map(|v| v.values.len() as u64).product::<u64>();
    let shape = || {
        let parts: Vec<String> =
            varies.iter().map(|v| format!("{} {}", v.values.len(), v.param.name())).collect();
        if parts.is_empty() { "1".to_string() } else { parts.join(" × ") }
    };
    if configurations > MAX_CONFIGURATIONS as u64 {
        return Err(format!(
            "the grid has {configurations} configurations ({}), more than {MAX_CONFIGURATIONS}: vary fewer values",
            shape()
        ));
    }
    let runs = configurations * replications as u64;
    if runs > MAX_RUNS {
        return Err(format!(
            "{configurations} configurations × {replications} replications = {runs} runs, more than {MAX_RUNS}: vary fewer values or use fewer --replications"
        ));
    }
    let mut customers = 0.0;
    for values in grid(varies) {
        match expected_customers(&apply(sc, varies, &values)) {
            Some(c) => customers += c * replications as f64,
            None => return Ok(()),
        }
    }
    if customers > MAX_CUSTOMERS {
        return Err(format!(
            "the sweep would serve about {customers:.1e} customers ({configurations} configurations × {replications} replications), more than {MAX_CUSTOMERS:.0e} (hours of computing): vary fewer values, use fewer --replications, or fewer customers per run (`count` or `until`)"
        ));
    }
    Ok(())
}

/// A statistic a sweep estimates for every configuration, and a target can name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Metric {
    /// Time in system (arrival to served), in the scenario's unit.
    TimeInSystem(Quantity),
    /// Wait (arrival to first step), in the scenario's unit.
    Wait(Quantity),
    /// Orders served per hour.
    Throughput,
    /// Orders served.
    Served,
    /// The share of the customers who came that left unserved (0 to 1).
    LeftShare,
    /// The share of the customers who came that did not join (0 to 1).
    BalkedShare,
    /// The cooks' hands-on share, averaged over the cooks (0 to 1).
    HandsOn,
    /// Cook `n`'s (from 1) hands-on share (0 to 1); none for a kitchen with fewer cooks.
    CookHandsOn(u16),
    /// The utilisation of the piece of equipment at this index (0 to 1).
    Utilisation(usize, String),
}

/// Which summary of a per-order time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Quantity {
    Mean,
    P50,
    P95,
    Max,
}

impl Quantity {
    const ALL: [Quantity; 4] = [Quantity::Mean, Quantity::P50, Quantity::P95, Quantity::Max];
    fn name(self) -> &'static str {
        match self {
            Quantity::Mean => "mean",
            Quantity::P50 => "p50",
            Quantity::P95 => "p95",
            Quantity::Max => "max",
        }
    }
    fn of(self, s: &crate::view::stats::Summary) -> f64 {
        match self {
            Quantity::Mean => s.mean_s,
            Quantity::P50 => s.p50_s,
            Quantity::P95 => s.p95_s,
            Quantity::Max => s.max_s,
        }
    }
}

impl Metric {
    /// Its name, in targets and CSV headers: `p95_time_in_system`, `mean_wait`,
    /// `throughput_per_hour`, `served`, `hands_on_share`, `cook_2_hands_on_share`,
    /// `utilisation.coffee_machine`.
    pub fn name(&self) -> String {
        match self {
            Metric::TimeInSystem(q) => format!("{}_time_in_system", q.name()),
            Metric::Wait(q) => format!("{}_wait", q.name()),
            Metric::Throughput => "throughput_per_hour".into(),
            Metric::Served => "served".into(),
            Metric::LeftShare => "left_share".into(),
            Metric::BalkedShare => "balked_share".into(),
            Metric::HandsOn => "hands_on_share".into(),
            Metric::CookHandsOn(n) => format!("cook_{n}_hands_on_share"),
            Metric::Utilisation(_, name) => format!("utilisation.{name}"),
        }
    }

    /// Whether it is a time (in the scenario's unit).
    pub fn is_time(&self) -> bool {
        matches!(self, Metric::TimeInSystem(_) | Metric::Wait(_))
    }

    /// Whether it is a share (0 to 1, shown as a percentage).
    pub fn is_share(&self) -> bool {
        matches!(
            self,
            Metric::LeftShare
                | Metric::BalkedShare
                | Metric::HandsOn
                | Metric::CookHandsOn(_)
                | Metric::Utilisation(..)
        )
    }

    /// Its value in one run's statistics, times in `unit`; `None` when the run's
    /// kitchen has no such cook.
    pub fn value(&self, s: &Stats, unit: TimeUnit) -> Option<f64> {
        Some(match self {
            Metric::TimeInSystem(q) => q.of(&s.time_in_system) / unit.seconds(),
            Metric::Wait(q) => q.of(&s.wait) / unit.seconds(),
            Metric::Throughput => s.throughput_per_hour,
            Metric::Served => s.served as f64,
            Metric::LeftShare => s.left_share(),
            Metric::BalkedShare => s.balked_share(),
            Metric::HandsOn => {
                s.cooks.iter().map(|c| c.hands_on_share).sum::<f64>() / s.cooks.len().max(1) as f64
            }
            Metric::CookHandsOn(n) => s.cooks.get(*n as usize - 1)?.hands_on_share,
            Metric::Utilisation(i, _) => s.equipment.get(*i)?.utilisation,
        })
    }
}

/// The metrics of a sweep of `sc` over `varies`: times in system and waits (mean,
/// p50, p95, max), throughput, served, the shares of customers who left and who did
/// not join (when the scenario has patience or balking), the cooks' mean hands-on
/// share, each cook's (up to the most cooks in the grid), each piece of equipment's
/// utilisation.
pub fn metrics(sc: &Scenario, varies: &[Vary]) -> Vec<Metric> {
    let mut out: Vec<Metric> = Quantity::ALL.iter().map(|&q| Metric::TimeInSystem(q)).collect();
    out.extend(Quantity::ALL.iter().map(|&q| Metric::Wait(q)));
    out.extend([Metric::Throughput, Metric::Served]);
    if sc.has_patience() {
        out.push(Metric::LeftShare);
    }
    if sc.balk.is_some() {
        out.push(Metric::BalkedShare);
    }
    out.push(Metric::HandsOn);
    let cooks = varies
        .iter()
        .find(|v| v.param == Param::Cooks)
        .map_or(sc.kitchen.cooks, |v| v.values.iter().fold(0.0f64, |a, &b| a.max(b)) as u16);
    out.extend((1..=cooks).map(Metric::CookHandsOn));
    out.extend(sc.kitchen.equipment.iter().enumerate().map(|(i, e)| Metric::Utilisation(i, e.name.clone())));
    out
}

/// A comparison in a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }
}

/// `METRIC OP VALUE`: what a configuration must achieve, with 95% confidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub metric: Metric,
    pub op: Op,
    /// In the scenario's unit for times, 0 to 1 for shares.
    pub value: f64,
}

/// Parses a target, `p95_time_in_system <= 300`, naming one of `metrics`.
pub fn parse_target(text: &str, metrics: &[Metric]) -> Result<Target, String> {
    let fail = |msg: String| Err(format!("--target `{text}`: {msg}"));
    let Some(at) = text.find(['<', '>', '=', '!']) else {
        return fail("expected METRIC OP VALUE, like `p95_time_in_system <= 300` (OP: <=, <, >=, >)".into());
    };
    let (name, rest) = (text[..at].trim(), &text[at..]);
    let (op, value) = if let Some(v) = rest.strip_prefix("<=") {
        (Op::Le, v)
    } else if let Some(v) = rest.strip_prefix(">=") {
        (Op::Ge, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Op::Lt, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Op::Gt, v)
    } else {
        return fail("the comparison must be one of <=, <, >=, >".into());
    };
    let Some(metric) = metrics.iter().find(|m| m.name() == name) else {
        let names: Vec<String> = metrics.iter().map(|m| m.name()).collect();
        let hint = match suggest::closest(name, names.iter().map(|s| s.as_str())) {
            Some(s) => format!("did you mean `{s}`? "),
            None => String::new(),
        };
        return fail(format!("unknown metric `{name}`; {hint}The metrics: {}", names.join(", ")));
    };
    let value = value.trim();
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Target { metric: metric.clone(), op, value: v }),
        _ => fail(format!("`{value}` is not a number")),
    }
}

impl Target {
    /// Whether an estimate meets the target with 95% confidence: its interval's
    /// upper end for `<=` and `<`, its lower end for `>=` and `>` (never with one
    /// replication, which has no interval).
    pub fn met_by(&self, e: &Estimate) -> bool {
        match self.op {
            Op::Le => e.high() <= self.value,
            Op::Lt => e.high() < self.value,
            Op::Ge => e.low() >= self.value,
            Op::Gt => e.low() > self.value,
        }
    }

    /// How far an estimate's deciding end is from meeting the target (0 or less:
    /// met), to rank configurations that miss it.
    fn shortfall(&self, e: &Estimate) -> f64 {
        let d = match self.op {
            Op::Le | Op::Lt => e.high() - self.value,
            Op::Ge | Op::Gt => self.value - e.low(),
        };
        if d.is_nan() { f64::INFINITY } else { d }
    }

    /// `p95_time_in_system <= 300`.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.metric.name(), self.op.symbol(), self.value)
    }
}

/// How a sweep runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub mode: Mode,
    /// Base seed of every configuration's replications.
    pub seed: u64,
    /// At least 1.
    pub replications: u32,
    /// Left out of each replication's statistics.
    pub warmup: Ticks,
    /// Worker threads; 0: one per core.
    pub threads: usize,
}

/// How far a sweep has got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Runs finished.
    pub done: usize,
    /// Runs in all.
    pub total: usize,
    pub elapsed: Duration,
}

impl Progress {
    /// The time left, extrapolated from the pace so far (`None` before the first run).
    pub fn left(&self) -> Option<Duration> {
        (self.done > 0).then(|| self.elapsed.mul_f64((self.total - self.done) as f64 / self.done as f64))
    }
}

/// One configuration of a sweep.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// One value per `--vary`.
    pub values: Vec<f64>,
    pub cooks: u16,
    /// [`cost`] of its kitchen.
    pub cost: f64,
    /// The highest offered load of its cooks and equipment (see [`crate::capacity`]):
    /// at 1 or more its queue cannot settle, and its statistics depend on the run's
    /// length. `None` for customers with no rate (a list).
    pub load: Option<f64>,
    /// One estimate per [`Sweep::metrics`] (`None`: not run, or no such cook).
    pub estimates: Vec<Option<Estimate>>,
    /// Every statistic over the replications; `None` if it was not run to the end.
    #[serde(skip)]
    pub replicated: Option<Replicated>,
    /// Whether the warm-up left nothing to measure in one of its replications: its
    /// statistics mean nothing, and it never meets a target.
    pub measured_nothing: bool,
}

impl Row {
    pub fn done(&self) -> bool {
        self.replicated.is_some()
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
    pub scenario: String,
    /// The scenario's unit: times are in it.
    #[serde(skip)]
    pub unit: TimeUnit,
    /// `async` or `sync`.
    pub mode: &'static str,
    pub seed: u64,
    pub replications: u32,
    pub warmup_s: f64,
    pub varies: Vec<Vary>,
    pub metrics: Vec<Metric>,
    pub rows: Vec<Row>,
    /// Whether cancelling ended it before every run was done.
    pub interrupted: bool,
    #[serde(skip)]
    pub elapsed: Duration,
    /// What stopped the first run (in grid order) whose clock would pass the longest
    /// time a run can count ([`engine::Overrun`]): its configuration's statistics
    /// would describe only part of a run, and the sweep is an error.
    #[serde(skip)]
    pub overrun: Option<String>,
}

/// Runs every configuration of `varies` (in [`grid`] order) `opts.replications`
/// times, on `opts.threads` workers, calling `progress` after each run (from the
/// worker threads). Once `cancel` is cancelled, no further run starts; the
/// configurations already complete are kept.
///
/// # Panics
///
/// If `opts.replications` is 0.
pub fn run(
    sc: &Scenario,
    varies: &[Vary],
    opts: &Options,
    cancel: &Cancel,
    progress: &(dyn Fn(Progress) + Sync),
) -> Sweep {
    assert!(opts.replications > 0, "a sweep needs at least one replication");
    let start = Instant::now();
    let configs: Vec<Vec<f64>> = grid(varies);
    let scenarios: Vec<Scenario> = configs.iter().map(|v| apply(sc, varies, v)).collect();
    let r = opts.replications as usize;
    let seeds = replicate::seeds(opts.seed, opts.replications);
    let total = configs.len() * r;
    let jobs: Vec<u64> = (0..total as u64).collect();
    let done = AtomicUsize::new(0);
    let overruns = std::sync::Mutex::new(Vec::new());
    let runs: Vec<Option<Stats>> = replicate::map(&jobs, opts.threads, |k| {
        if cancel.is_cancelled() {
            return None;
        }
        let (c, i) = (k as usize / r, k as usize % r);
        let sc = &scenarios[c];
        let mut view = StatsView::with_warmup(sc, opts.warmup);
        let outcome = engine::run(sc, opts.mode, seeds[i], &mut VirtualClock, &mut view);
        if let Some(overrun) = outcome.overrun {
            let with: Vec<String> = varies
                .iter()
                .zip(&configs[c])
                .map(|(v, &x)| format!("{} = {}", v.param.name(), v.param.show(x)))
                .collect();
            let message = format!("with {}, {}", with.join(", "), overrun.message(sc));
            overruns.lock().unwrap_or_else(|e| e.into_inner()).push((k, message));
        }
        let stats = view.finish();
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(Progress { done: n, total, elapsed: start.elapsed() });
        Some(stats)
    });
    let metrics = metrics(sc, varies);
    let mut runs = runs.into_iter();
    let rows: Vec<Row> = configs
        .into_iter()
        .zip(&scenarios)
        .map(|(values, csc)| {
            let mine: Vec<Option<Stats>> = runs.by_ref().take(r).collect();
            let complete: Option<Vec<Stats>> = mine.into_iter().collect();
            let replicated = complete.map(|runs| {
                Replicated::from_runs(csc, opts.mode, opts.seed, opts.warmup, seeds.clone(), runs)
            });
            let estimates = metrics
                .iter()
                .map(|m| {
                    let rep = replicated.as_ref()?;
                    let values: Option<Vec<f64>> = rep.runs.iter().map(|s| m.value(s, sc.unit)).collect();
                    Some(Estimate::from_samples(&values?))
                })
                .collect();
            let load = crate::capacity::offered_load(csc, opts.mode)
                .map(|loads| loads.iter().map(|l| l.rho).fold(0.0, f64::max));
            let measured_nothing = opts.warmup > 0
                && replicated.as_ref().is_some_and(|r| r.runs.iter().any(Stats::measured_nothing));
            Row {
                values,
                cooks: csc.kitchen.cooks,
                cost: cost(csc),
                load,
                estimates,
                replicated,
                measured_nothing,
            }
        })
        .collect();
    let interrupted = rows.iter().any(|r| !r.done());
    Sweep {
        scenario: sc.name.clone(),
        unit: sc.unit,
        mode: opts.mode.name(),
        seed: opts.seed,
        replications: opts.replications,
        warmup_s: crate::time::seconds(opts.warmup),
        varies: varies.to_vec(),
        metrics,
        rows,
        interrupted,
        elapsed: start.elapsed(),
        overrun: overruns.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().min().map(|(_, m)| m),
    }
}

/// The answer for one group of configurations (all of them, or those with one
/// arrival rate when the rate is varied).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The arrival rate of the group, when the rate is varied.
    pub rate: Option<f64>,
    /// The cheapest configuration (an index into [`Sweep::rows`]) that meets the
    /// target.
    pub best: Option<usize>,
    /// When none meets it: the one that comes closest (its interval's deciding end
    /// nearest the threshold).
    pub closest: Option<usize>,
}

impl Sweep {
    /// Whether configuration `i` was run, measured something, and meets `target`.
    pub fn meets(&self, i: usize, target: &Target) -> bool {
        !self.rows[i].measured_nothing
            && self.rows[i].estimate(&self.metrics, &target.metric).is_some_and(|e| target.met_by(&e))
    }

    fn rate_position(&self) -> Option<usize> {
        self.varies.iter().position(|v| v.param == Param::ArrivalRate)
    }
}

/// The cheapest configuration meeting `target` (ties: fewer cooks, then lower
/// values in `--vary` order), per arrival rate when the rate is varied, or the
/// closest when none meets it. Configurations not run, or that measured nothing,
/// are left out.
pub fn answers(sweep: &Sweep, target: &Target) -> Vec<Answer> {
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
            let best = members.iter().copied().filter(|&i| sweep.meets(i, target)).min_by(|a, b| {
                let (ka, kb) = (key(a), key(b));
                ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1)).then_with(|| {
                    ka.2.iter()
                        .zip(&kb.2)
                        .map(|(x, y)| x.total_cmp(y))
                        .find(|o| o.is_ne())
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
            });
            let closest = if best.is_some() {
                None
            } else {
                let gap = |i: usize| {
                    sweep.rows[i]
                        .estimate(&sweep.metrics, &target.metric)
                        .map_or(f64::INFINITY, |e| target.shortfall(&e))
                };
                members.iter().copied().min_by(|&a, &b| gap(a).total_cmp(&gap(b)))
            };
            Answer { rate, best, closest }
        })
        .collect()
}

/// A sweep and the answers to its target, as `cafe sweep --format json` prints them
/// (see docs/sweep.md): the answers name configurations by their varied values.
#[derive(Clone, Debug, Serialize)]
pub struct Document<'s> {
    /// The target as it was written, if there is one.
    pub target: Option<&'s str>,
    pub answers: Vec<NamedAnswer>,
    pub sweep: &'s Sweep,
}

/// An [`Answer`] whose configurations are named by their varied values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedAnswer {
    pub rate: Option<f64>,
    pub best: Option<Vec<f64>>,
    pub closest: Option<Vec<f64>>,
}

impl Sweep {
    /// This sweep's JSON document, with the answers to `target` (its text as
    /// written, and parsed) if there is one.
    pub fn document<'s>(&'s self, target: Option<(&'s str, &Target)>) -> Document<'s> {
        let values = |i: Option<usize>| i.map(|i| self.rows[i].values.clone());
        let answers = target.map(|(_, t)| answers(self, t)).unwrap_or_default();
        Document {
            target: target.map(|(text, _)| text),
            answers: answers
                .iter()
                .map(|a| NamedAnswer { rate: a.rate, best: values(a.best), closest: values(a.closest) })
                .collect(),
            sweep: self,
        }
    }
}

/// `x` with `decimals` decimals, without a negative zero.
fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(abs) if abs.chars().all(|c| c == '0' || c == '.') => abs.to_string(),
        _ => s,
    }
}

/// An estimate as `mean ± half-width`, with enough decimals to show the half-width
/// to two significant digits (at least `min`, at most 6); the mean alone when there
/// is no half-width (one replication).
fn show_estimate(e: &Estimate, metric: &Metric) -> String {
    let (scale, min, suffix) = if metric.is_share() {
        (100.0, 1, "%")
    } else if metric.is_time() {
        (1.0, 1, "")
    } else if *metric == Metric::Served {
        (1.0, 0, "")
    } else {
        (1.0, 1, "")
    };
    let (mean, half) = (e.mean * scale, e.half_width_95 * scale);
    let decimals = if half.is_finite() && half > 0.0 {
        (1.0 - half.log10().floor()).clamp(min as f64, 6.0) as usize
    } else {
        min
    };
    if half.is_nan() {
        format!("{}{suffix}", fixed(mean, decimals))
    } else {
        format!("{}{suffix} ± {}{suffix}", fixed(mean, decimals), fixed(half, decimals))
    }
}

/// A number as short as it can be written (`18`, `2.5`).
fn short(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// The metrics the table shows: time in system (p95, mean), wait (mean, p95),
/// throughput and the cooks' hands-on share, and the target's if it is another.
fn table_metrics(target: Option<&Target>) -> Vec<Metric> {
    let mut shown = vec![
        Metric::TimeInSystem(Quantity::P95),
        Metric::TimeInSystem(Quantity::Mean),
        Metric::Wait(Quantity::Mean),
        Metric::Wait(Quantity::P95),
        Metric::Throughput,
        Metric::HandsOn,
    ];
    if let Some(t) = target {
        if !shown.contains(&t.metric) {
            shown.push(t.metric.clone());
        }
    }
    shown
}

fn header(m: &Metric, unit: TimeUnit) -> String {
    let u = unit.name();
    match m {
        Metric::TimeInSystem(q) => format!("{} in system ({u})", q.name()),
        Metric::Wait(q) => format!("{} wait ({u})", q.name()),
        Metric::Throughput => "per hour".into(),
        Metric::HandsOn => "hands-on".into(),
        other => other.name(),
    }
}

/// The table: one row per configuration (its values, the main statistics as
/// `mean ± half-width`, its cost, ✓ if it meets the target), a line per
/// configuration not run.
pub fn render_table(sweep: &Sweep, target: Option<&Target>) -> String {
    let u = sweep.unit.name();
    let mut out = String::new();
    let warmup = if sweep.warmup_s > 0.0 {
        format!("warm-up {} {u}", short(sweep.warmup_s / sweep.unit.seconds()))
    } else {
        "no warm-up".into()
    };
    let kitchen = if sweep.mode == "sync" { "synchronous" } else { "asynchronous" };
    let n = sweep.rows.len();
    let _ = writeln!(
        out,
        "Sweep of {}: {n} configuration{} × {} replication{} ({kitchen} kitchen, base seed {}, {warmup})",
        sweep.scenario,
        if n == 1 { "" } else { "s" },
        sweep.replications,
        if sweep.replications == 1 { "" } else { "s" },
        sweep.seed,
    );
    let _ =
        writeln!(out, "Times in {u}; each statistic is mean ± half-width of its 95% confidence interval.\n");
    let shown = table_metrics(target);
    let mut head: Vec<String> = sweep.varies.iter().map(|v| v.param.label()).collect();
    head.extend(shown.iter().map(|m| header(m, sweep.unit)));
    head.push("cost".into());
    if target.is_some() {
        head.push("target".into());
    }
    let mut cells: Vec<Vec<String>> = Vec::new();
    for (i, row) in sweep.rows.iter().enumerate() {
        let mut c: Vec<String> =
            sweep.varies.iter().zip(&row.values).map(|(v, &x)| v.param.show(x)).collect();
        if row.measured_nothing {
            c.push("nothing measured".into());
            c.extend(std::iter::repeat_n(String::new(), shown.len() - 1));
        } else if row.done() {
            c.extend(
                shown
                    .iter()
                    .map(|m| row.estimate(&sweep.metrics, m).map_or("-".into(), |e| show_estimate(&e, m))),
            );
        } else {
            c.push("not run".into());
            c.extend(std::iter::repeat_n(String::new(), shown.len() - 1));
        }
        c.push(short(row.cost));
        if let Some(t) = target {
            c.push(if sweep.meets(i, t) { "✓".into() } else { String::new() });
        }
        c.push(if row.measured_nothing {
            "?".into()
        } else if row.load.is_some_and(|l| l >= 1.0) {
            "!".into()
        } else {
            String::new()
        });
        cells.push(c);
    }
    head.push(String::new());
    let widths: Vec<usize> = (0..head.len())
        .map(|j| {
            cells.iter().map(|c| c[j].chars().count()).chain([head[j].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let line = |c: &[String], out: &mut String| {
        let parts: Vec<String> = c
            .iter()
            .enumerate()
            .map(|(j, s)| {
                // Every column right-aligned.
                format!("{}{s}", " ".repeat(widths[j] - s.chars().count()))
            })
            .collect();
        let _ = writeln!(out, "  {}", parts.join("  ").trim_end());
    };
    line(&head, &mut out);
    for c in &cells {
        line(c, &mut out);
    }
    if sweep.rows.iter().any(|r| r.load.is_some_and(|l| l >= 1.0)) {
        let why = if sweep.metrics.iter().any(|m| matches!(m, Metric::LeftShare | Metric::BalkedShare)) {
            "many customers\n    give up or walk away rather than wait."
        } else {
            "its queue\n    grows without bound, so its statistics describe the length of the run, not the kitchen."
        };
        let _ = writeln!(
            out,
            "\n  ! the customers need more than this kitchen has (an offered load of 100% or more): {why}"
        );
    }
    if sweep.rows.iter().any(|r| r.measured_nothing) {
        let _ = writeln!(
            out,
            "\n  ? the warm-up of {} {u} leaves nothing to measure (a replication ended before it, or no\n    customer arrived after it): give a shorter --warmup, or make the run longer.",
            short(sweep.warmup_s / sweep.unit.seconds())
        );
    }
    out
}

/// The answer lines: the cheapest configuration meeting the target (per arrival
/// rate when it is varied), or that none does and the closest; and what was not run.
pub fn render_answer(sweep: &Sweep, target: Option<&Target>) -> String {
    let mut out = String::new();
    let u = sweep.unit.name();
    let done = sweep.rows.iter().filter(|r| r.done()).count();
    if sweep.interrupted {
        let not_run: Vec<String> =
            sweep.rows.iter().filter(|r| !r.done()).map(|r| r.describe(&sweep.varies)).collect();
        let shown = not_run.len().min(10);
        let more = if not_run.len() > shown {
            format!(", and {} more", not_run.len() - shown)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Interrupted: {done} of {} configurations finished. Not run: {}{more}.",
            sweep.rows.len(),
            not_run[..shown].join("; ")
        );
    }
    let Some(t) = target else {
        return out;
    };
    let unit = if t.metric.is_time() { format!(" {u}") } else { String::new() };
    let side = match t.op {
        Op::Le | Op::Lt => "upper",
        Op::Ge | Op::Gt => "lower",
    };
    let _ = writeln!(
        out,
        "Target: {}{unit}, met with 95% confidence (the {side} end of the interval).",
        t.text()
    );
    let what = |i: usize| {
        let row = &sweep.rows[i];
        let e = row.estimate(&sweep.metrics, &t.metric);
        let stat = e.map_or("-".into(), |e| show_estimate(&e, &t.metric));
        let unit = if t.metric.is_time() { format!(" {u}") } else { String::new() };
        format!(
            "{} (cost {}): {} {stat}{unit}",
            row.describe(&sweep.varies),
            short(row.cost),
            t.metric.name()
        )
    };
    for a in answers(sweep, t) {
        let at = match (a.rate, sweep.rate_position()) {
            (Some(r), Some(p)) => format!("At rate {}: ", sweep.varies[p].param.show(r)),
            _ => String::new(),
        };
        match (a.best, a.closest) {
            (Some(b), _) => {
                let _ = writeln!(out, "{at}cheapest configuration meeting the target: {}", what(b));
            }
            (None, Some(c)) => {
                let _ = writeln!(out, "{at}no configuration meets the target; closest: {}", what(c));
            }
            (None, None) if sweep.rows.iter().any(|r| r.measured_nothing) => {
                let _ = writeln!(
                    out,
                    "{at}no configuration meets the target: none measured anything after the warm-up"
                );
            }
            (None, None) => {
                let _ = writeln!(out, "{at}no configuration was run to the end");
            }
        }
    }
    out
}

/// Every configuration × statistic as CSV: the varied values (one column per
/// `--vary`, named as in `--vary`), `cost`, `status` (`done`, `nothing measured` or
/// `not run`),
/// `meets_target` (`true`, `false`, or empty without a target or when not run),
/// `replications`, then `METRIC_mean` and `METRIC_half_width` for every metric
/// (empty when not run, or for a cook the configuration does not have).
pub fn csv(sweep: &Sweep, target: Option<&Target>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = sweep.varies.iter().map(|v| v.param.name()).collect();
    head.extend(["cost", "status", "meets_target", "replications"].map(String::from));
    for m in &sweep.metrics {
        head.push(format!("{}_mean", m.name()));
        head.push(format!("{}_half_width", m.name()));
    }
    let _ = w.write_record(&head);
    for (i, row) in sweep.rows.iter().enumerate() {
        let mut rec: Vec<String> =
            sweep.varies.iter().zip(&row.values).map(|(v, &x)| v.param.show(x)).collect();
        rec.push(format!("{}", row.cost));
        rec.push(
            match (row.done(), row.measured_nothing) {
                (true, false) => "done",
                (true, true) => "nothing measured",
                (false, _) => "not run",
            }
            .into(),
        );
        rec.push(match (target, row.done()) {
            (Some(t), true) => sweep.meets(i, t).to_string(),
            _ => String::new(),
        });
        rec.push(if row.done() { sweep.replications.to_string() } else { String::new() });
        for e in &row.estimates {
            let num = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
            match e {
                Some(e) => {
                    rec.push(num(e.mean));
                    rec.push(num(e.half_width_95));
                }
                None => rec.extend([String::new(), String::new()]),
            }
        }
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

const PALETTE: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
];

/// One line of a chart: the other parameters' values, and its points.
type ChartLine = (Vec<f64>, Vec<(f64, Estimate)>);

/// Lines in one chart, at most (the rest are left out, with a note).
const MAX_LINES: usize = 8;

/// One chart: `metric` against the parameter at `x`, one line per combination of
/// the other parameters (within one arrival rate, when `rate` is given), with the
/// 95% intervals as error bars and the target's threshold as a dashed line.
fn chart(
    sweep: &Sweep,
    metric: &Metric,
    x: usize,
    rate: Option<(usize, f64)>,
    target: Option<&Target>,
) -> String {
    let others: Vec<usize> =
        (0..sweep.varies.len()).filter(|&j| j != x && rate.is_none_or(|(p, _)| p != j)).collect();
    // Lines keyed by the other parameters' values, in grid order.
    let mut lines: Vec<ChartLine> = Vec::new();
    for row in &sweep.rows {
        if rate.is_some_and(|(p, r)| row.values[p] != r) {
            continue;
        }
        let Some(e) = row.estimate(&sweep.metrics, metric) else { continue };
        let key: Vec<f64> = others.iter().map(|&j| row.values[j]).collect();
        match lines.iter_mut().find(|l| l.0 == key) {
            Some(l) => l.1.push((row.values[x], e)),
            None => lines.push((key, vec![(row.values[x], e)])),
        }
    }
    let left_out = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    let scale = if metric.is_share() { 100.0 } else { 1.0 };
    let xs: Vec<f64> = sweep.varies[x].values.clone();
    let (xmin, xmax) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (xmin, xmax) = if xmin < xmax { (xmin, xmax) } else { (xmin - 1.0, xmax + 1.0) };
    let pad = (xmax - xmin) * 0.05;
    let mut ymax = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|(_, e)| if e.high().is_finite() { e.high() } else { e.mean }))
        .fold(0.0f64, f64::max)
        * scale;
    // Saturated kitchens can be a thousand times the target: above 4 times it,
    // points are drawn at the top edge, so the ones near the target stay readable.
    let mut capped = false;
    if let Some(t) = target.filter(|t| t.metric == *metric && t.value > 0.0) {
        let cap = 4.0 * t.value * scale;
        capped = ymax > cap;
        ymax = ymax.clamp(t.value * scale, cap);
    }
    let ymax = if ymax > 0.0 { ymax * 1.08 } else { 1.0 };
    let top = |y: f64| y.min(ymax);
    let title = match rate {
        Some((p, r)) => format!("{} at rate {}", metric.name(), sweep.varies[p].param.show(r)),
        None => metric.name(),
    };
    let unit = if metric.is_time() {
        format!(" ({})", sweep.unit.name())
    } else if metric.is_share() {
        " (%)".into()
    } else {
        String::new()
    };
    let drawn = plot(900, 420, &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(28)
            .caption(&title, ("sans-serif", 18))
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d((xmin - pad)..(xmax + pad), 0f64..ymax)?;
        let whole = sweep.varies[x].param.whole();
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
            .x_labels(if whole { ((xmax - xmin) as usize + 1).min(20) } else { 10 })
            .x_label_formatter(&|v| if whole { format!("{}", v.round()) } else { format!("{v:.2}") })
            .x_desc(sweep.varies[x].param.name())
            .y_desc(format!("{}{unit}", metric.name()))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()?;
        if let Some(t) = target.filter(|t| t.metric == *metric) {
            let y = t.value * scale;
            let mut x0 = xmin - pad;
            let step = (xmax - xmin + 2.0 * pad) / 60.0;
            while x0 < xmax + pad {
                let x1 = (x0 + step * 0.6).min(xmax + pad);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0, y), (x1, y)],
                    BLACK.stroke_width(1),
                )))?;
                x0 += step;
            }
        }
        for (n, (key, points)) in lines.iter().enumerate() {
            let colour = PALETTE[n % PALETTE.len()];
            let label = if key.is_empty() {
                "all".to_string()
            } else {
                others
                    .iter()
                    .zip(key)
                    .map(|(&j, &v)| {
                        format!("{}={}", sweep.varies[j].param.label(), sweep.varies[j].param.show(v))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let pts: Vec<(f64, f64)> = points.iter().map(|(x, e)| (*x, top(e.mean * scale))).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
            chart.draw_series(points.iter().filter(|(_, e)| e.half_width_95.is_finite()).map(|(x, e)| {
                PathElement::new(
                    vec![(*x, top(e.low() * scale)), (*x, top(e.high() * scale))],
                    colour.stroke_width(1),
                )
            }))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(("sans-serif", 13))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    });
    let Some(svg) = drawn else {
        return format!("<p class=\"note\">The chart of {} could not be drawn.</p>", esc(&title));
    };
    let mut note = String::new();
    if left_out > 0 {
        note += &format!(
            "<p class=\"note\">{left_out} more lines are left out of this chart; the table has them all.</p>"
        );
    }
    if capped {
        note += "<p class=\"note\">Values above 4 times the target are drawn at the top edge; the table has them.</p>";
    }
    format!("<figure>{svg}{note}</figure>\n")
}

/// A self-contained HTML page of a sweep: the answer, a chart of the target's
/// metric (p95 time in system without a target) against the cooks (or the first
/// varied parameter), one line per combination of the others and one chart per
/// arrival rate, and the table. No script, no outside address.
pub fn html(sweep: &Sweep, target: Option<&Target>) -> String {
    let metric = target.map_or(Metric::TimeInSystem(Quantity::P95), |t| t.metric.clone());
    let mut charts = String::new();
    if !sweep.varies.is_empty() {
        let x = sweep.varies.iter().position(|v| v.param == Param::Cooks).unwrap_or(0);
        match sweep.rate_position().filter(|&p| p != x) {
            Some(p) => {
                for &r in &sweep.varies[p].values {
                    charts.push_str(&chart(sweep, &metric, x, Some((p, r)), target));
                }
            }
            None => charts.push_str(&chart(sweep, &metric, x, None, target)),
        }
    }
    let table = render_table(sweep, target);
    let answer = render_answer(sweep, target);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sweep of {name}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }}
pre {{ background: #f6f6f8; padding: 1em; overflow-x: auto; font-size: 13px; }}
svg.chart {{ width: 100%; height: auto; }}
figure {{ margin: 1em 0; }}
.note {{ color: #666; font-size: 0.9em; }}
.answer {{ font-weight: bold; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>Sweep of {name}</h1>
<p class="answer">{answer}</p>
<h2>Charts</h2>
<p class="note">Each point is the mean over the replications; the bars are 95% confidence intervals{dashed}.</p>
{charts}<h2>Every configuration</h2>
<pre>{table}</pre>
</body>
</html>
"#,
        name = esc(&sweep.scenario),
        answer = esc(answer.trim_end()),
        dashed = if target.is_some() { "; the dashed line is the target" } else { "" },
        table = esc(&table),
    )
}
