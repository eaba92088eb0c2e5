//! Why a sweep's `--vary`, `--target` or size is refused: typed, so that a caller
//! can tell the cases apart; each displays as the message the command prints.

use std::fmt;

use super::{MAX_CONFIGURATIONS, MAX_CUSTOMERS, MAX_RUNS};
use crate::scenario::generate::{MAX_AT_ONCE, MAX_UNCOUNTED};
use crate::time::{plural, thousands};

/// A `--vary` that cannot be used: the spec as given, and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct VaryError {
    /// The spec as given, `cooks=0..3`; for [`VaryProblem::VariedTwice`], the
    /// parameter's name.
    pub spec: String,
    /// What is wrong with it.
    pub problem: VaryProblem,
}

/// What is wrong with a `--vary`.
#[derive(Clone, Debug, PartialEq)]
pub enum VaryProblem {
    /// Not `NAME=VALUES`.
    NotNameEqualsValues,
    /// No parameter of that name (a close one, if any).
    UnknownParameter {
        /// The name as given.
        name: String,
        /// The parameter closest in spelling; `None` when none is close.
        suggestion: Option<String>,
    },
    /// A policy that does not exist (the policies there are).
    UnknownPolicy {
        /// The name as given.
        name: String,
        /// Every policy's name.
        policies: Vec<&'static str>,
    },
    /// No piece of equipment of that name (a close one, if any, and those there are).
    UnknownEquipment {
        /// The name as given.
        name: String,
        /// The equipment closest in spelling; `None` when none is close.
        suggestion: Option<String>,
        /// The kitchen's equipment, by name (empty when it has none).
        equipment: Vec<String>,
    },
    /// The arrival rate of customers who do not arrive at a Poisson rate.
    NotPoisson,
    /// An empty value in a list.
    MissingValue,
    /// A value that should be whole.
    NotWhole(String),
    /// A value that should be a number.
    NotNumber(String),
    /// A value written as a number too large for one (`1e999`), as written.
    OutOfRange(String),
    /// A range without both ends.
    RangeEndMissing,
    /// A range end that is not whole.
    RangeEndNotWhole(String),
    /// A range from a higher number to a lower one (for the parameter `name`).
    EmptyRange {
        /// The parameter.
        name: String,
        /// The range's first end, as given.
        lo: f64,
        /// Its second end, smaller than `lo`.
        hi: f64,
    },
    /// A range of more than [`MAX_CONFIGURATIONS`] values.
    RangeTooLong {
        /// The range's first end.
        lo: f64,
        /// Its last end.
        hi: f64,
    },
    /// A value given twice, as written.
    Repeated(String),
    /// Fewer than one cook.
    NoCook,
    /// More cooks than a kitchen can have.
    TooManyCooks,
    /// A capacity of 0 for the equipment `name`.
    ZeroCapacity {
        /// The equipment's name.
        name: String,
    },
    /// A capacity over `u32::MAX`.
    CapacityTooLarge,
    /// A rate that is not positive: the scenario's unit and the value.
    RateNotPositive {
        /// The scenario's time unit (`s`, `min`, ...): the rate is per one of it.
        unit: &'static str,
        /// The value as given.
        value: String,
    },
    /// A rate that would let in more customers before `until` than a scenario
    /// without a `count` may.
    TooManyCustomers {
        /// How many it would let in.
        expected: f64,
    },
    /// A rate so high that more customers would come in at one instant (their
    /// interarrival times rounding to 0 ns) than a run can hold at once.
    TooManyAtOnce {
        /// How many would.
        at_once: f64,
    },
    /// The same parameter in two `--vary`s ([`check_varies`](super::check_varies)).
    VariedTwice,
}

const VARY_EXAMPLES: &str = "like `cooks=1..6`, `equipment.coffee_machine=1..3`, `arrivals.rate=0.5,1,2` or `policy=fifo,longest-chain`";

impl fmt::Display for VaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VaryProblem as P;
        if self.problem == P::VariedTwice {
            return write!(f, "--vary `{}` is given twice: give all its values in one --vary", self.spec);
        }
        write!(f, "--vary `{}`: ", self.spec)?;
        match &self.problem {
            P::NotNameEqualsValues => write!(f, "expected NAME=VALUES, {VARY_EXAMPLES}"),
            P::UnknownParameter { name, suggestion } => {
                write!(f, "unknown parameter `{name}`; ")?;
                if let Some(s) = suggestion {
                    write!(f, "did you mean `{s}`? ")?;
                }
                write!(f, "What can vary: cooks, equipment.NAME (a capacity), arrivals.rate, policy")
            }
            P::UnknownPolicy { name, policies } => {
                write!(f, "unknown policy `{name}`; the policies: {}", policies.join(", "))
            }
            P::UnknownEquipment { name, equipment, .. } if equipment.is_empty() => {
                write!(f, "the kitchen has no equipment `{name}`: it has no equipment at all")
            }
            P::UnknownEquipment { name, suggestion: Some(s), equipment } => write!(
                f,
                "the kitchen has no equipment `{name}`; did you mean `{s}`? It has: {}",
                equipment.join(", ")
            ),
            P::UnknownEquipment { name, suggestion: None, equipment } => {
                write!(f, "the kitchen has no equipment `{name}`; it has: {}", equipment.join(", "))
            }
            P::NotPoisson => f.write_str(
                "`arrivals.rate` can only be varied when customers arrive at a Poisson rate: \
                 `[customers.generate]` with `rate = ...` (or an exponential `interarrival`); \
                 this scenario's customers do not",
            ),
            P::MissingValue => f.write_str("a value is missing"),
            P::NotWhole(s) => write!(f, "`{s}` is not a whole number"),
            P::NotNumber(s) => write!(f, "`{s}` is not a number"),
            P::OutOfRange(s) => f.write_str(&out_of_range(s)),
            P::RangeEndMissing => f.write_str("a range needs both ends, like `1..6`"),
            P::RangeEndNotWhole(s) => write!(
                f,
                "`{s}` is not a whole number (a range goes from one whole number to another; for other values, list them: `0.5,1,2`)"
            ),
            P::EmptyRange { name, lo, hi } => write!(
                f,
                "the range {lo}..{hi} is empty; write the smaller number first, like `{name}={hi}..{lo}`"
            ),
            P::RangeTooLong { lo, hi } => {
                write!(f, "the range {lo}..{hi} has more than {MAX_CONFIGURATIONS} values")
            }
            P::Repeated(v) => write!(f, "the value {v} is given twice"),
            P::NoCook => f.write_str("a kitchen needs at least one cook; start at 1"),
            P::TooManyCooks => write!(f, "a kitchen has at most {} cooks", u16::MAX),
            P::ZeroCapacity { name } => {
                write!(f, "a capacity below 1 means no step could use `{name}`; start at 1")
            }
            P::CapacityTooLarge => write!(f, "a capacity is at most {}", u32::MAX),
            P::RateNotPositive { unit, value } => {
                write!(f, "a rate is a positive number of customers per {unit}, not {value}")
            }
            P::TooManyCustomers { expected } => write!(
                f,
                "this rate would let in about {expected:.2e} customers before `until`, more than the {} a scenario without a `count` can let in: choose a lower rate, or add `count = 1000` (the most customers to let in) to [customers.generate]",
                thousands(MAX_UNCOUNTED as u64)
            ),
            P::TooManyAtOnce { at_once } => write!(
                f,
                "at this rate the interarrival times round to 0 (the clock counts whole nanoseconds), so about {at_once:.2e} customers would come in at one instant, more than the {} a run can hold at once: choose a lower rate",
                thousands(MAX_AT_ONCE)
            ),
            P::VariedTwice => unreachable!("displayed above"),
        }
    }
}

impl std::error::Error for VaryError {}

/// Why one setting (`cooks=3`: [`super::set_one`]) cannot be made.
#[derive(Clone, Debug, PartialEq)]
pub enum SetError {
    /// What `--vary` would say of it.
    Vary(VaryError),
    /// It gives a range or a list where one value is wanted (the setting as given).
    NotOne(String),
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::Vary(e) => e.fmt(f),
            SetError::NotOne(spec) => write!(f, "`{spec}`: give one value"),
        }
    }
}

impl std::error::Error for SetError {}

/// A `--target` that cannot be used: the text as given, and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetError {
    /// The `--target` as given, `p95_time_in_system <= 300`.
    pub text: String,
    /// What is wrong with it.
    pub problem: TargetProblem,
}

/// What is wrong with a `--target`.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetProblem {
    /// Not `METRIC OP VALUE`.
    NotMetricOpValue,
    /// A comparison other than `<=`, `<`, `>=`, `>`.
    UnknownComparison,
    /// No metric of that name (a close one, if any, and the metrics there are).
    UnknownMetric {
        /// The name as given.
        name: String,
        /// The metric closest in spelling; `None` when none is close.
        suggestion: Option<String>,
        /// Every metric's name.
        metrics: Vec<String>,
    },
    /// A threshold that is not a (finite) number.
    NotNumber(String),
    /// A threshold written as a number too large for one (`1e999`; `-1e999`), as
    /// written.
    OutOfRange(String),
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--target `{}`: ", self.text)?;
        match &self.problem {
            TargetProblem::NotMetricOpValue => {
                f.write_str("expected METRIC OP VALUE, like `p95_time_in_system <= 300` (OP: <=, <, >=, >)")
            }
            TargetProblem::UnknownComparison => f.write_str("the comparison must be one of <=, <, >=, >"),
            TargetProblem::UnknownMetric { name, suggestion, metrics } => {
                write!(f, "unknown metric `{name}`; ")?;
                if let Some(s) = suggestion {
                    write!(f, "did you mean `{s}`? ")?;
                }
                write!(f, "The metrics: {}", metrics.join(", "))
            }
            TargetProblem::NotNumber(v) => write!(f, "`{v}` is not a number"),
            TargetProblem::OutOfRange(v) => f.write_str(&out_of_range(v)),
        }
    }
}

/// What is said of `value`, digits that read as a number too large for one (`1e999`).
fn out_of_range(value: &str) -> String {
    if value.starts_with('-') {
        format!("`{value}` is out of range: too far below zero to be a number (the lowest is about -1.8e308)")
    } else {
        format!("`{value}` is out of range: too large to be a number (the largest is about 1.8e308)")
    }
}

impl std::error::Error for TargetError {}

/// A sweep too large to finish ([`check_size`](super::check_size)).
#[derive(Clone, Debug, PartialEq)]
pub enum SizeError {
    /// More than [`MAX_CONFIGURATIONS`] configurations; `shape` is how many
    /// values each parameter takes, `3 cooks × 2 equipment.oven`.
    Configurations {
        /// How many configurations the grid has.
        configurations: u64,
        /// How many values each parameter takes.
        shape: String,
    },
    /// More than [`MAX_RUNS`] runs.
    Runs {
        /// How many configurations the grid has.
        configurations: u64,
        /// Runs per configuration.
        replications: u32,
    },
    /// About more than [`MAX_KEPT_BYTES`](super::MAX_KEPT_BYTES) of statistics kept,
    /// each cook's of each run.
    Kept {
        /// About how many bytes.
        bytes: f64,
        /// How many configurations the grid has.
        configurations: u64,
        /// Runs per configuration.
        replications: u32,
        /// The most cooks of a configuration.
        cooks: u64,
    },
    /// About more than [`MAX_CUSTOMERS`] customers.
    Customers {
        /// About how many customers the runs would serve in all (an estimate: a float).
        customers: f64,
        /// How many configurations the grid has.
        configurations: u64,
        /// Runs per configuration.
        replications: u32,
    },
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::Configurations { configurations, shape } => write!(
                f,
                "the grid has {configurations} configurations ({shape}), more than {MAX_CONFIGURATIONS}: vary fewer values"
            ),
            SizeError::Runs { configurations: 1, replications } => write!(
                f,
                "{} are more than the {MAX_RUNS} runs a batch may have: use fewer --replications",
                plural(u64::from(*replications), "replication"),
            ),
            SizeError::Runs { configurations, replications } => {
                let runs = configurations * *replications as u64;
                write!(
                    f,
                    "{} × {} = {runs} runs, more than {MAX_RUNS}: vary fewer values or use fewer --replications",
                    plural(*configurations, "configuration"),
                    plural(u64::from(*replications), "replication"),
                )
            }
            SizeError::Kept { bytes, configurations, replications, cooks } => write!(
                f,
                "the sweep would keep about {:.1} GB of statistics ({} × {} × up to {} cooks, each cook's kept for every run), more than {:.0} GB: vary fewer values, use fewer --replications, or fewer cooks",
                bytes / 1e9,
                plural(*configurations, "configuration"),
                plural(u64::from(*replications), "replication"),
                crate::time::thousands(*cooks),
                super::MAX_KEPT_BYTES / 1e9,
            ),
            SizeError::Customers { customers, configurations: 1, replications } => write!(
                f,
                "{} would serve about {customers:.1e} customers, more than {MAX_CUSTOMERS:.0e} (hours of computing): use fewer --replications, or fewer customers per run (`count` or `until`)",
                plural(u64::from(*replications), "replication"),
            ),
            SizeError::Customers { customers, configurations, replications } => write!(
                f,
                "the sweep would serve about {customers:.1e} customers ({} × {}), more than {MAX_CUSTOMERS:.0e} (hours of computing): vary fewer values, use fewer --replications, or fewer customers per run (`count` or `until`)",
                plural(*configurations, "configuration"),
                plural(u64::from(*replications), "replication"),
            ),
        }
    }
}

impl std::error::Error for SizeError {}
