//! The statistics a sweep estimates ([`Metric`]) and `--target`, a condition on one
//! of them.

use serde::Serialize;

use super::error::{TargetError, TargetProblem};
use super::{Param, Vary};
use crate::model::Scenario;
use crate::replicate::Estimate;
use crate::suggest;
use crate::time::TimeUnit;
pub use crate::view::stats::Quantity;
use crate::view::stats::{CookStat, EquipmentStat, Kind, OrderTime, RunStat, Stat, Stats};

/// A statistic a sweep estimates for every configuration, and a target can name.
/// In JSON, its [name](Metric::name).
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    /// Time in system (arrival to served), in the scenario's unit (one of
    /// [`Quantity::TIMES`]).
    TimeInSystem(Quantity),
    /// Wait (arrival to first step), in the scenario's unit (one of
    /// [`Quantity::TIMES`]).
    Wait(Quantity),
    /// Time in system above the order's longest chain of steps: every delay, the
    /// queues for equipment at later steps included, in the scenario's unit (one of
    /// [`Quantity::TIMES`]).
    AboveChain(Quantity),
    /// Orders served per hour.
    Throughput,
    /// Orders served.
    Served,
    /// The share of the customers who came that left unserved (0 to 1).
    LeftShare,
    /// The share of the customers who came that did not join (0 to 1).
    BalkedShare,
    /// The share of the customers who came that waited (0 to 1): P(wait).
    WaitedShare,
    /// Customers in the café, time-averaged (L).
    InSystem,
    /// Customers waiting, time-averaged (L_q).
    Waiting,
    /// The cooks' hands-on share, averaged over the cooks (0 to 1).
    HandsOn,
    /// Cook `n`'s (from 1) hands-on share (0 to 1); none for a kitchen with fewer cooks.
    CookHandsOn(u16),
    /// The utilisation of the piece of equipment at this index (0 to 1).
    Utilisation(usize, String),
    /// The steps queued for the piece of equipment at this index, time-averaged.
    EquipmentQueue(usize, String),
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl Metric {
    /// Its name, in targets and CSV headers: `p95_time_in_system`, `mean_wait`,
    /// `throughput_per_hour`, `served`, `hands_on_share`, `cook_2_hands_on_share`,
    /// `utilisation.coffee_machine`: the registry's names of its statistic.
    pub fn name(&self) -> String {
        match self {
            Metric::TimeInSystem(q) => format!("{}_{}", q.name(), OrderTime::TimeInSystem.name()),
            Metric::Wait(q) => format!("{}_{}", q.name(), OrderTime::Wait.name()),
            Metric::AboveChain(q) => format!("{}_{}", q.name(), OrderTime::AboveChain.name()),
            Metric::Throughput => RunStat::Throughput.name().into(),
            Metric::Served => RunStat::Served.name().into(),
            Metric::LeftShare => RunStat::LeftShare.name().into(),
            Metric::BalkedShare => RunStat::BalkedShare.name().into(),
            Metric::WaitedShare => RunStat::WaitedShare.name().into(),
            Metric::InSystem => RunStat::InSystem.name().into(),
            Metric::Waiting => RunStat::Waiting.name().into(),
            Metric::HandsOn => CookStat::HandsOn.name().into(),
            Metric::CookHandsOn(n) => format!("cook_{n}_{}", CookStat::HandsOn.name()),
            Metric::Utilisation(_, name) => format!("{}.{name}", EquipmentStat::Utilisation.name()),
            Metric::EquipmentQueue(_, name) => format!("{}.{name}", EquipmentStat::MeanQueue.name()),
        }
    }

    /// What it is in words, from the registry's labels, for a chart's axis:
    /// `p95 time in system`, `customers who left (share of those who came)`,
    /// `cooks' hands-on share`, `coffee_machine: utilisation`.
    pub fn words(&self) -> String {
        let share = |count: RunStat, share: RunStat| format!("{} ({})", count.label(), share.label());
        match self {
            Metric::TimeInSystem(q) => format!("{} {}", q.name(), OrderTime::TimeInSystem.label()),
            Metric::Wait(q) => format!("{} {}", q.name(), OrderTime::Wait.label()),
            Metric::AboveChain(q) => format!("{} time {}", q.name(), OrderTime::AboveChain.label()),
            Metric::LeftShare => share(RunStat::Left, RunStat::LeftShare),
            Metric::BalkedShare => share(RunStat::Balked, RunStat::BalkedShare),
            Metric::WaitedShare => share(RunStat::Waited, RunStat::WaitedShare),
            Metric::HandsOn => format!("cooks' {} share", CookStat::HandsOn.label()),
            Metric::CookHandsOn(n) => format!("cook {n}: {} share", CookStat::HandsOn.label()),
            Metric::Utilisation(_, name) => format!("{name}: {}", EquipmentStat::Utilisation.label()),
            Metric::EquipmentQueue(_, name) => format!("{name}: {}", EquipmentStat::MeanQueue.label()),
            other => match other.stat() {
                Some(Stat::Run(r)) => r.label().into(),
                _ => other.name(),
            },
        }
    }

    /// The statistic of [`Stats`] it estimates; `None` for the cooks' mean
    /// hands-on share, an average of several.
    pub fn stat(&self) -> Option<Stat> {
        Some(match self {
            Metric::TimeInSystem(q) => Stat::Order(OrderTime::TimeInSystem, *q),
            Metric::Wait(q) => Stat::Order(OrderTime::Wait, *q),
            Metric::AboveChain(q) => Stat::Order(OrderTime::AboveChain, *q),
            Metric::Throughput => Stat::Run(RunStat::Throughput),
            Metric::Served => Stat::Run(RunStat::Served),
            Metric::LeftShare => Stat::Run(RunStat::LeftShare),
            Metric::BalkedShare => Stat::Run(RunStat::BalkedShare),
            Metric::WaitedShare => Stat::Run(RunStat::WaitedShare),
            Metric::InSystem => Stat::Run(RunStat::InSystem),
            Metric::Waiting => Stat::Run(RunStat::Waiting),
            Metric::HandsOn => return None,
            Metric::CookHandsOn(n) => Stat::Cook(*n as usize - 1, CookStat::HandsOn),
            Metric::Utilisation(i, _) => Stat::Equipment(*i, EquipmentStat::Utilisation),
            Metric::EquipmentQueue(i, _) => Stat::Equipment(*i, EquipmentStat::MeanQueue),
        })
    }

    /// The metric a sweep of `sc` offers for a statistic of the registry, if it
    /// offers one: the per-order times' summaries of waits, times in system and
    /// times above the chain, throughput, served, the shares who left and did not
    /// join (when customers can), the share who waited, the customers in the café
    /// and waiting, each cook's hands-on share, and each piece of equipment's
    /// utilisation and mean queue.
    /// [`metrics`] lists them, with the cooks' mean hands-on share, in the order of
    /// the CSV columns.
    pub fn of(stat: Stat, sc: &Scenario) -> Option<Metric> {
        match stat {
            Stat::Order(_, q) if !Quantity::TIMES.contains(&q) => None,
            Stat::Order(OrderTime::TimeInSystem, q) => Some(Metric::TimeInSystem(q)),
            Stat::Order(OrderTime::Wait, q) => Some(Metric::Wait(q)),
            Stat::Order(OrderTime::AboveChain, q) => Some(Metric::AboveChain(q)),
            Stat::Run(RunStat::Throughput) => Some(Metric::Throughput),
            Stat::Run(RunStat::Served) => Some(Metric::Served),
            Stat::Run(RunStat::LeftShare) if sc.has_patience() => Some(Metric::LeftShare),
            Stat::Run(RunStat::BalkedShare) if sc.balk.is_some() => Some(Metric::BalkedShare),
            Stat::Run(RunStat::WaitedShare) => Some(Metric::WaitedShare),
            Stat::Run(RunStat::InSystem) => Some(Metric::InSystem),
            Stat::Run(RunStat::Waiting) => Some(Metric::Waiting),
            Stat::Cook(i, CookStat::HandsOn) => Some(Metric::CookHandsOn(i as u16 + 1)),
            Stat::Equipment(i, EquipmentStat::Utilisation) => {
                Some(Metric::Utilisation(i, sc.kitchen.equipment.get(i)?.name.clone()))
            }
            Stat::Equipment(i, EquipmentStat::MeanQueue) => {
                Some(Metric::EquipmentQueue(i, sc.kitchen.equipment.get(i)?.name.clone()))
            }
            _ => None,
        }
    }

    /// What its number is: a time, a share, ...
    pub fn kind(&self) -> Kind {
        self.stat().map_or(CookStat::HandsOn.kind(), Stat::kind)
    }

    /// Whether it is a time (in the scenario's unit).
    pub fn is_time(&self) -> bool {
        self.kind() == Kind::Time
    }

    /// Whether it is a share (0 to 1, shown as a percentage).
    pub fn is_share(&self) -> bool {
        self.kind() == Kind::Share
    }

    /// Its value in one run's statistics, times in `unit`; `None` when the run's
    /// kitchen has no such cook, or it is a statistic of nothing (a time when no one
    /// was served, a share when no one came).
    pub fn value(&self, s: &Stats, unit: TimeUnit) -> Option<f64> {
        // Statistics of nothing are not 0: no one served has no time in system, no
        // one who came has no shares.
        let came = s.served + s.left + s.balked;
        match self {
            Metric::TimeInSystem(_) if s.time_in_system.count == 0 => return None,
            Metric::Wait(_) if s.wait.count == 0 => return None,
            Metric::AboveChain(_) if s.above_chain.count == 0 => return None,
            Metric::LeftShare | Metric::BalkedShare | Metric::WaitedShare if came == 0 => return None,
            _ => {}
        }
        let Some(stat) = self.stat() else {
            // The cooks' mean hands-on share.
            return Some(s.cooks.iter().map(|c| c.hands_on_share).sum::<f64>() / s.cooks.len().max(1) as f64);
        };
        let x = s.value(stat)?;
        Some(if self.is_time() { x / unit.seconds() } else { x })
    }
}

/// The metrics of a sweep of `sc` over `varies`: times in system, waits and times
/// above the chain (mean, p50, p95, max), throughput, served, the shares of
/// customers who left and who did not join (when the scenario has patience or
/// balking), the share who waited, the customers in the café and waiting
/// (time-averaged), the cooks' mean hands-on share, each cook's (up to the most
/// cooks in the grid), each piece of equipment's utilisation, then each one's mean
/// queue.
pub fn metrics(sc: &Scenario, varies: &[Vary]) -> Vec<Metric> {
    let mut out: Vec<Metric> = Quantity::TIMES.iter().map(|&q| Metric::TimeInSystem(q)).collect();
    out.extend(Quantity::TIMES.iter().map(|&q| Metric::Wait(q)));
    out.extend(Quantity::TIMES.iter().map(|&q| Metric::AboveChain(q)));
    out.extend([Metric::Throughput, Metric::Served]);
    if sc.has_patience() {
        out.push(Metric::LeftShare);
    }
    if sc.balk.is_some() {
        out.push(Metric::BalkedShare);
    }
    out.extend([Metric::WaitedShare, Metric::InSystem, Metric::Waiting]);
    out.push(Metric::HandsOn);
    let cooks = varies
        .iter()
        .find(|v| v.param == Param::Cooks)
        .map_or(sc.kitchen.cooks, |v| v.values.iter().fold(0.0f64, |a, &b| a.max(b)) as u16);
    out.extend((1..=cooks).map(Metric::CookHandsOn));
    out.extend(sc.kitchen.equipment.iter().enumerate().map(|(i, e)| Metric::Utilisation(i, e.name.clone())));
    out.extend(
        sc.kitchen.equipment.iter().enumerate().map(|(i, e)| Metric::EquipmentQueue(i, e.name.clone())),
    );
    out
}

/// A comparison in a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Op {
    /// How it is written in a target: `<=`, `<`, `>=`, `>`.
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
    /// What is measured.
    pub metric: Metric,
    /// How it compares with `value`.
    pub op: Op,
    /// In the scenario's unit for times, 0 to 1 for shares.
    pub value: f64,
}

/// Parses a target, `p95_time_in_system <= 300`, naming one of `metrics`.
pub fn parse_target(text: &str, metrics: &[Metric]) -> Result<Target, TargetError> {
    let fail = |problem: TargetProblem| Err(TargetError { text: text.to_string(), problem });
    let Some(at) = text.find(['<', '>', '=', '!']) else {
        return fail(TargetProblem::NotMetricOpValue);
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
        return fail(TargetProblem::UnknownComparison);
    };
    let Some(metric) = metrics.iter().find(|m| m.name() == name) else {
        let names: Vec<String> = metrics.iter().map(|m| m.name()).collect();
        let suggestion = suggest::closest(name, names.iter().map(|s| s.as_str())).map(str::to_string);
        return fail(TargetProblem::UnknownMetric { name: name.to_string(), suggestion, metrics: names });
    };
    let value = value.trim();
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Target { metric: metric.clone(), op, value: v }),
        // Digits that read as infinity: a number too large, not `inf` written out.
        Ok(v) if v.is_infinite() && value.contains(|c: char| c.is_ascii_digit()) => {
            fail(TargetProblem::OutOfRange(value.to_string()))
        }
        _ => fail(TargetProblem::NotNumber(value.to_string())),
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

/// The CSV's columns are part of what it checks: with the `export` feature.
#[cfg(all(test, feature = "export"))]
mod tests {
    use super::*;
    use crate::ops::Batch;
    use crate::sweep::{csv, parse_vary};

    /// The value at `path` (`wait.mean_s`, `cooks[1].idle_share`) in `json`.
    fn at<'a>(json: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
        path.split('.').fold(json, |v, part| match part.split_once('[') {
            Some((name, i)) => &v[name][i.trim_end_matches(']').parse::<usize>().unwrap()],
            None => &v[part],
        })
    }

    /// The paths of every estimate in `json` (an object with a `half_width_95`).
    fn estimates_in(json: &serde_json::Value, path: String, out: &mut Vec<String>) {
        match json {
            serde_json::Value::Object(o) if o.contains_key("half_width_95") => out.push(path),
            serde_json::Value::Object(o) => {
                for (k, v) in o {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    estimates_in(v, p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    estimates_in(v, format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    /// Adding a statistic to the registry is enough for it to reach the replications'
    /// JSON and text, and, when the sweep offers it, the sweep's targets and CSV; a
    /// statistic of `Stats` that the registry does not list fails this test.
    #[test]
    fn every_statistic_of_the_registry_reaches_the_replications_the_targets_and_the_csv() {
        let sc = crate::builtin::find("rush-hour").unwrap().load().unwrap();
        assert!(sc.has_patience() && sc.balk.is_some() && !sc.kitchen.equipment.is_empty());
        let varies = vec![parse_vary("cooks=1..2", &sc).unwrap()];
        let batch = Batch { seed: Some(1), replications: 2, threads: 1, ..Batch::default() };
        let sweep = crate::ops::sweep(&sc, &varies, &batch).unwrap();
        let table = csv(&sweep, None).unwrap();
        let header: Vec<&str> = table.lines().next().unwrap().split(',').collect();
        let metrics = metrics(&sc, &varies);
        let rep = sweep.rows[1].replicated.as_ref().unwrap();
        assert_eq!(rep.stats.cooks.len(), 2, "the most cooks of the grid");
        assert!(rep.runs.iter().any(|s| s.left + s.balked > 0), "every row of the table is shown");
        let json = serde_json::to_value(rep).unwrap();
        let one_run = serde_json::to_value(&rep.runs[0]).unwrap();
        let text = rep.render(TimeUnit::Seconds);
        let mut offered = Vec::new();
        for stat in Stat::all(rep.stats.cooks.len(), rep.stats.equipment.len()) {
            let path = stat.json_path();
            assert!(at(&json, &path)["mean"].is_number(), "{path} in the replications' JSON: {json}");
            assert!(at(&json, &path)["half_width_95"].is_number(), "{path}");
            let derived =
                matches!(stat, Stat::Run(RunStat::LeftShare | RunStat::BalkedShare | RunStat::WaitedShare));
            assert_eq!(at(&one_run, &path).is_number(), !derived, "{path} in one run's JSON");
            if !derived {
                assert_eq!(at(&one_run, &path).as_f64(), rep.runs[0].value(stat), "{path}");
            }
            if stat.in_tables() {
                let label = rep.stats.label(stat);
                assert!(text.lines().any(|l| l.trim_start().starts_with(&label)), "{label} in\n{text}");
            }
            if let Some(m) = Metric::of(stat, &sc) {
                assert_eq!(m.stat(), Some(stat));
                assert!(metrics.contains(&m), "{} among the sweep's metrics", m.name());
                // Times name their unit: the scenario's, minutes for rush-hour.
                let column = if m.is_time() { format!("{}_min", m.name()) } else { m.name() };
                assert!(header.contains(&format!("{column}_mean").as_str()), "{column} in {header:?}");
                assert!(header.contains(&format!("{column}_half_width").as_str()));
                let target = parse_target(&format!("{} <= 1", m.name()), &metrics).unwrap();
                assert_eq!(target.metric, m);
                assert_eq!(m.kind(), stat.kind());
                offered.push(m);
            }
        }
        // And the registry has every statistic the replications' JSON carries.
        let mut leaves = Vec::new();
        estimates_in(&json, String::new(), &mut leaves);
        let mut registry: Vec<String> =
            Stat::all(rep.stats.cooks.len(), rep.stats.equipment.len()).map(Stat::json_path).collect();
        leaves.sort();
        registry.sort();
        assert_eq!(leaves, registry);
        // And the sweep offers nothing else but the cooks' mean hands-on share.
        let others: Vec<&Metric> = metrics.iter().filter(|m| !offered.contains(m)).collect();
        assert_eq!(others, [&Metric::HandsOn]);
        assert_eq!(offered.len() + 1, metrics.len());
    }
}
