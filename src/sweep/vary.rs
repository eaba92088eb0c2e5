//! `--vary`: what a sweep changes, parsed against the scenario it varies.

use serde::Serialize;

use super::MAX_CONFIGURATIONS;
use crate::model::{Arrivals, Customers, Dist, Policy, Scenario};
use crate::suggest;

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

    pub(super) fn whole(&self) -> bool {
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
