//! Why there is no plan.

use std::fmt;

use crate::time::thousands;

/// Why [`solve`](super::solve) gave no plan. Each displays as a sentence that says
/// what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The customers are generated: which day to plan depends on a seed.
    NeedsSeed,
    /// The day has more steps than the planner takes on.
    TooBig {
        /// The steps counted so far.
        steps: usize,
        /// The most it takes.
        max: usize,
    },
    /// The day's constraint model would be too big: its pairs
    /// ([`Instance::pairs`](super::Instance::pairs)), which grow with the square of
    /// the day's size, are more than [`MAX_PAIRS`](super::MAX_PAIRS). Refused
    /// before any of the model is built.
    ModelTooBig {
        /// The model's pairs.
        pairs: u64,
        /// The most it takes.
        max: u64,
        /// The day's orders.
        orders: usize,
        /// The day's steps.
        steps: usize,
    },
    /// A time limit of zero.
    TimeLimit,
    /// No plan can exist: the message says why.
    Infeasible(String),
    /// A plan to follow is not one of this scenario's day: `why` says what differs.
    DoesNotFit {
        /// The scenario's name.
        scenario: String,
        /// What differs.
        why: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NeedsSeed => write!(
                f,
                "this scenario's customers are generated: pass --seed N to plan the day drawn from seed N"
            ),
            Error::TooBig { steps, max } => write!(
                f,
                "the day has more than {} steps ({} so far): too many to plan; plan a shorter day, or run \
                 it under a dispatch policy instead (`cafe run --policy longest-chain`)",
                thousands(*max as u64),
                thousands(*steps as u64)
            ),
            Error::ModelTooBig { pairs, max, orders, steps } => write!(
                f,
                "the day is too big to plan: for its {} ({}), the model has {} pairs (a moment the \
                 event loop must run, with a hands-on step that may be in progress then), more than the {} \
                 the planner takes on (about 2 GB of memory); plan fewer customers or shorter recipes (the \
                 pairs grow with the square of the day: half the customers, a quarter of the pairs), or \
                 run the day under a dispatch policy instead (`cafe run --policy longest-chain`)",
                count(*orders, "order"),
                count(*steps, "step"),
                thousands(*pairs),
                thousands(*max)
            ),
            Error::TimeLimit => write!(f, "the time limit must be more than 0 seconds"),
            Error::Infeasible(why) => write!(f, "no plan is possible: {why}"),
            Error::DoesNotFit { scenario, why } => {
                write!(f, "the plan does not fit `{scenario}`: {why}; plan it again with `cafe plan`")
            }
        }
    }
}

impl std::error::Error for Error {}

/// `1 order`, `1,000 orders`.
fn count(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{} {what}s", thousands(n as u64)) }
}
