//! The statistics a sweep estimates ([`Metric`]) and `--target`, a condition on one
//! of them.

use serde::Serialize;

use super::{Param, Vary};
use crate::model::Scenario;
use crate::replicate::Estimate;
use crate::suggest;
use crate::time::TimeUnit;
use crate::view::stats::Stats;

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
    pub(super) fn name(self) -> &'static str {
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
    pub(super) fn shortfall(&self, e: &Estimate) -> f64 {
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
