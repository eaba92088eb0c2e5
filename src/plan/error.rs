//! Why there is no plan.

use std::fmt;

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
            Error::TooBig { steps, max } => {
                write!(
                    f,
                    "the day has more than {max} steps ({steps} so far): too many to plan; plan a shorter day"
                )
            }
            Error::TimeLimit => write!(f, "the time limit must be more than 0 seconds"),
            Error::Infeasible(why) => write!(f, "no plan is possible: {why}"),
            Error::DoesNotFit { scenario, why } => {
                write!(f, "the plan does not fit `{scenario}`: {why}; plan it again with `cafe plan`")
            }
        }
    }
}

impl std::error::Error for Error {}
