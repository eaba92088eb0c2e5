//! `--vary`: what a sweep changes, parsed against the scenario it varies.

use serde::Serialize;

use super::MAX_CONFIGURATIONS;
use super::error::{SetError, VaryError, VaryProblem};
use crate::model::{Arrivals, Customers, Dist, Policy, Scenario};
use crate::scenario::generate::{MAX_AT_ONCE, MAX_UNCOUNTED, at_once, expected_customers};
use crate::suggest;

/// What a `--vary` changes. In JSON, its [name](Param::name).
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `cooks`: how many cooks work.
    Cooks,
    /// `equipment.NAME`: the capacity of the piece at `index` in the kitchen.
    Equipment {
        /// Its index in the kitchen's equipment.
        index: usize,
        /// Its name.
        name: String,
    },
    /// `arrivals.rate`: customers per unit of time of a Poisson generator.
    ArrivalRate,
    /// `policy`: the asynchronous kitchen's dispatch policy; a value is an index
    /// into [`Policy::ALL`] (in JSON too).
    Policy,
}

impl Serialize for Param {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
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

    /// What it is in words, for a chart's axis: `cooks`, `units of coffee_machine`,
    /// `arrival rate (per min)`, `dispatch policy`.
    pub fn words(&self, unit: crate::time::TimeUnit) -> String {
        match self {
            Param::Cooks => "cooks".into(),
            Param::Equipment { name, .. } => format!("units of {name}"),
            Param::ArrivalRate => format!("arrival rate (per {})", unit.name()),
            Param::Policy => "dispatch policy".into(),
        }
    }

    pub(super) fn whole(&self) -> bool {
        !matches!(self, Param::ArrivalRate)
    }

    /// A value of this parameter as text (`4`, `0.5`, `longest-chain`).
    pub fn show(&self, v: f64) -> String {
        match self {
            Param::Policy => Policy::ALL[v as usize].name().to_string(),
            _ if self.whole() => format!("{}", v as u64),
            // A rate far from 1 in scientific notation, not hundreds of digits.
            _ if v != 0.0 && !(1e-4..1e16).contains(&v.abs()) => format!("{v:e}"),
            _ => format!("{v}"),
        }
    }
}

/// One `--vary`: a parameter and the values it takes, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vary {
    /// What it changes.
    pub param: Param,
    /// Never empty, no value twice.
    pub values: Vec<f64>,
}

impl Vary {
    /// Checks a `Vary` built in code as `--vary` checks its text, against the
    /// scenario it varies: values, none twice, that `--vary` accepts for the
    /// parameter (whole numbers of cooks from 1 to 65,535, capacities from 1, rates
    /// above 0 whose customers fit a run, a policy's index in [`Policy::ALL`]), of
    /// equipment the kitchen has, at this index. [`crate::ops::sweep`] checks each.
    ///
    /// ```
    /// use async_cafe::sweep::{Param, Vary};
    ///
    /// let shop = async_cafe::builtin::find("rush-hour").unwrap().load().unwrap();
    /// assert!(Vary { param: Param::Cooks, values: vec![1.0, 2.0] }.check(&shop).is_ok());
    /// let half = Vary { param: Param::Cooks, values: vec![1.5] }.check(&shop).unwrap_err();
    /// assert_eq!(half.to_string(), "--vary `cooks=1.5`: `1.5` is not a whole number");
    /// ```
    ///
    /// # Errors
    ///
    /// The first problem, as `--vary` words it.
    pub fn check(&self, sc: &Scenario) -> Result<(), VaryError> {
        let name = self.param.name();
        let whole = self.param.whole() || self.param == Param::Policy;
        let written: Vec<String> = self
            .values
            .iter()
            .map(|&v| match &self.param {
                Param::Policy if v.fract() == 0.0 && (0.0..Policy::ALL.len() as f64).contains(&v) => {
                    self.param.show(v)
                }
                _ if whole && v.is_finite() && v.fract() == 0.0 => format!("{v:.0}"),
                _ => format!("{v}"),
            })
            .collect();
        let spec = format!("{name}={}", written.join(","));
        let fail = |problem| Err(VaryError { spec: spec.clone(), problem });
        if let Param::Equipment { index, name } = &self.param {
            if sc.kitchen.equipment.get(*index).is_none_or(|e| e.name != *name) {
                let names = sc.kitchen.equipment.iter().map(|e| e.name.clone());
                return fail(VaryProblem::UnknownEquipment {
                    name: name.clone(),
                    suggestion: None,
                    equipment: names.collect(),
                });
            }
        }
        if self.values.is_empty() {
            return fail(VaryProblem::MissingValue);
        }
        // The values as `--vary` would write them, read back as it reads them.
        let parsed = parse_vary(&spec, sc)?;
        if parsed.values != self.values {
            let odd = self.values.iter().zip(&written).find(|(v, _)| !parsed.values.contains(v));
            return fail(VaryProblem::NotWhole(odd.map_or(spec.clone(), |(_, w)| w.clone())));
        }
        Ok(())
    }
}

/// `sc` with one setting made (`cooks=3`, `equipment.oven=2`, `arrivals.rate=1.5`,
/// `policy=fifo`), checked as `--vary` checks it, and the setting as it is written
/// into the scenario's text ([`crate::scenario::edit::apply_edits`]).
///
/// ```
/// let shop = async_cafe::builtin::find("rush-hour").unwrap().load().unwrap();
/// let (four, written) = async_cafe::sweep::set_one(&shop, "cooks=4").unwrap();
/// assert_eq!((four.kitchen.cooks, written.as_str()), (4, "cooks=4"));
/// let range = async_cafe::sweep::set_one(&shop, "cooks=1..3").unwrap_err();
/// assert_eq!(range.to_string(), "`cooks=1..3`: give one value");
/// ```
pub fn set_one(sc: &Scenario, spec: &str) -> Result<(Scenario, String), SetError> {
    let vary = parse_vary(spec, sc).map_err(SetError::Vary)?;
    let [v] = vary.values[..] else {
        return Err(SetError::NotOne(spec.to_string()));
    };
    let written = format!("{}={}", vary.param.name(), vary.param.show(v));
    Ok((super::apply(sc, std::slice::from_ref(&vary), &[v]), written))
}

/// The rate at which `sc`'s customers arrive, per unit of the scenario's time, when
/// they arrive at a Poisson rate (exponential interarrival times): what
/// `arrivals.rate` varies. `None` for any other arrivals.
pub fn poisson_rate(sc: &Scenario) -> Option<f64> {
    match &sc.customers {
        Customers::Generate(g) => match g.arrivals {
            Arrivals::Interarrival(Dist::Exponential { mean }) => Some(1.0 / mean),
            _ => None,
        },
        Customers::List(_) => None,
    }
}

/// Parses a `--vary` spec against the scenario it varies: `cooks=1..6` (a range,
/// both ends included), `equipment.NAME=1..3`, `arrivals.rate=0.5,1,2` (a list);
/// ranges and lists both work for every parameter. Errors name the spec.
pub fn parse_vary(spec: &str, sc: &Scenario) -> Result<Vary, VaryError> {
    let fail = |problem: VaryProblem| Err(VaryError { spec: spec.to_string(), problem });
    let Some((name, values)) = spec.split_once('=') else {
        return fail(VaryProblem::NotNameEqualsValues);
    };
    let (name, values) = (name.trim(), values.trim());
    let param = if name == "cooks" {
        Param::Cooks
    } else if name == "policy" {
        let mut out = Vec::new();
        for p in values.split(',').map(str::trim) {
            let Some(policy) = Policy::from_name(p) else {
                let policies = Policy::ALL.iter().map(|p| p.name()).collect();
                return fail(VaryProblem::UnknownPolicy { name: p.to_string(), policies });
            };
            let ix = Policy::ALL.iter().position(|&q| q == policy).expect("listed") as f64;
            if out.contains(&ix) {
                return fail(VaryProblem::Repeated(p.to_string()));
            }
            out.push(ix);
        }
        return Ok(Vary { param: Param::Policy, values: out });
    } else if name == "arrivals.rate" {
        if poisson_rate(sc).is_none() {
            return fail(VaryProblem::NotPoisson);
        }
        Param::ArrivalRate
    } else if let Some(eq) = name.strip_prefix("equipment.") {
        let names: Vec<&str> = sc.kitchen.equipment.iter().map(|e| e.name.as_str()).collect();
        match names.iter().position(|n| *n == eq) {
            Some(index) => Param::Equipment { index, name: eq.to_string() },
            None => {
                return fail(VaryProblem::UnknownEquipment {
                    name: eq.to_string(),
                    suggestion: suggest::closest(eq, names.iter().copied()).map(str::to_string),
                    equipment: names.iter().map(|n| n.to_string()).collect(),
                });
            }
        }
    } else {
        let mut known = vec!["cooks".to_string(), "arrivals.rate".to_string(), "policy".to_string()];
        known.extend(sc.kitchen.equipment.iter().map(|e| format!("equipment.{}", e.name)));
        let suggestion = suggest::closest(name, known.iter().map(|s| s.as_str())).map(str::to_string);
        return fail(VaryProblem::UnknownParameter { name: name.to_string(), suggestion });
    };
    let whole = param.whole();
    let number = |s: &str| -> Result<f64, VaryProblem> {
        let s = s.trim();
        let x = if whole { whole_number(s) } else { s.parse::<f64>().ok().filter(|x| x.is_finite()) };
        x.ok_or_else(|| {
            if s.is_empty() {
                VaryProblem::MissingValue
            } else if !whole
                && s.parse::<f64>().is_ok_and(f64::is_infinite)
                && s.contains(|c: char| c.is_ascii_digit())
            {
                VaryProblem::OutOfRange(s.to_string())
            } else if whole {
                VaryProblem::NotWhole(s.to_string())
            } else {
                VaryProblem::NotNumber(s.to_string())
            }
        })
    };
    let parsed: Result<Vec<f64>, VaryProblem> = if let Some((a, b)) = values.split_once("..") {
        let b = b.strip_prefix('=').unwrap_or(b);
        let whole_end = |s: &str| -> Result<f64, VaryProblem> {
            let s = s.trim();
            match whole_number(s) {
                Some(n) => Ok(n),
                None if s.is_empty() => Err(VaryProblem::RangeEndMissing),
                None => Err(VaryProblem::RangeEndNotWhole(s.to_string())),
            }
        };
        match (whole_end(a), whole_end(b)) {
            (Ok(lo), Ok(hi)) if lo > hi => Err(VaryProblem::EmptyRange { name: name.to_string(), lo, hi }),
            (Ok(lo), Ok(hi)) if hi - lo >= MAX_CONFIGURATIONS as f64 => {
                Err(VaryProblem::RangeTooLong { lo, hi })
            }
            (Ok(lo), Ok(hi)) => Ok((lo as i64..=hi as i64).map(|n| n as f64).collect()),
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
            return fail(VaryProblem::Repeated(param.show(*v)));
        }
    }
    for &v in &values {
        match &param {
            Param::Cooks if v < 1.0 => return fail(VaryProblem::NoCook),
            Param::Cooks if v > u16::MAX as f64 => return fail(VaryProblem::TooManyCooks),
            Param::Equipment { name, .. } if v < 1.0 => {
                return fail(VaryProblem::ZeroCapacity { name: name.clone() });
            }
            Param::Equipment { .. } if v > u32::MAX as f64 => return fail(VaryProblem::CapacityTooLarge),
            Param::ArrivalRate if v <= 0.0 => {
                return fail(VaryProblem::RateNotPositive { unit: sc.unit.name(), value: param.show(v) });
            }
            Param::ArrivalRate => {
                if let Some(problem) = too_many_customers(sc, v) {
                    return fail(problem);
                }
            }
            _ => {}
        }
    }
    Ok(Vary { param, values })
}

/// A whole number as written (digits, with a sign or not), however large or
/// negative: the range checks of its parameter then say what is allowed, where
/// `u64` parsing would call `-1` not a whole number.
fn whole_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Whether Poisson arrivals at `rate` would let in more customers than the loader
/// allows for the scenario's generator: the checks of the `rate` field of a file.
fn too_many_customers(sc: &Scenario, rate: f64) -> Option<VaryProblem> {
    let Customers::Generate(g) = &sc.customers else { return None };
    let arrivals = Arrivals::Interarrival(Dist::Exponential { mean: 1.0 / rate });
    if let (None, Some(until)) = (g.count, g.until) {
        let expected = expected_customers(&arrivals, g.group.as_ref(), g.first_arrival, until, sc.unit);
        if expected.is_nan() || expected > MAX_UNCOUNTED {
            return Some(VaryProblem::TooManyCustomers { expected });
        }
    }
    let (_, at_once) = at_once(g.count, &arrivals, g.group.as_ref(), sc.unit);
    (at_once > MAX_AT_ONCE as f64).then_some(VaryProblem::TooManyAtOnce { at_once })
}

/// Checks that no parameter is varied twice.
pub fn check_varies(varies: &[Vary]) -> Result<(), VaryError> {
    varied_twice(varies).into_iter().next().map_or(Ok(()), Err)
}

/// Each parameter varied more than once, said once, at its second `--vary`.
pub(super) fn varied_twice(varies: &[Vary]) -> Vec<VaryError> {
    let mut twice = Vec::new();
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().filter(|w| w.param == v.param).count() == 1 {
            twice.push(VaryError { spec: v.param.name(), problem: VaryProblem::VariedTwice });
        }
    }
    twice
}
