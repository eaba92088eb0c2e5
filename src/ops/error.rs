//! Why a run, a comparison, replications, a sweep or a plan returned no result, and
//! the bounds on what a run keeps in memory.

use std::fmt;
use std::io;

use crate::engine;
use crate::model::{ModelError, Scenario};
use crate::sweep::RequestError;
use crate::time::Ticks;

/// Why [`compare`](super::compare), [`replicate`](super::replicate) or
/// [`sweep`](super::sweep) returned no result.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The scenario breaks the model's invariants ([`Scenario::check`](crate::model::Scenario::check)):
    /// one built or changed in code. Nothing was run.
    Invalid(ModelError),
    /// A sweep's parameters (a [`Vary`](crate::sweep::Vary) built in code whose values
    /// `--vary` would refuse, a parameter varied twice) or a batch's size
    /// ([`check_size`](crate::sweep::check_size): at most
    /// [`MAX_RUNS`](crate::sweep::MAX_RUNS) runs) refused before any run, in the
    /// command's words.
    Refused(RequestError),
    /// A comparison of policies with no policy to compare.
    NoPolicies,
    /// A run's clock would have passed the longest time a run can count
    /// ([`crate::engine::Overrun`]): its statistics would describe only part of a
    /// run. In a batch, the first such run in seed (and grid) order.
    Overran(RunOverran),
    /// A run let in more customers than its [`Want::max_customers`](super::Want::max_customers).
    TooManyCustomers(TooManyCustomers),
    /// The caller's [`Cancel`](crate::clock::Cancel) token stopped it before it had
    /// anything to return: a comparison of parts of runs would mean nothing, and no
    /// replication had finished.
    Cancelled,
    /// A batch of zero replications ([`Batch::replications`](super::Batch::replications)).
    NoReplications,
    /// An input or output error of a run (none on the virtual clock without exports).
    Io(io::Error),
    /// No plan: why (see [`crate::plan::Error`]).
    #[cfg(feature = "plan")]
    Plan(crate::plan::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(e) => write!(f, "{e}"),
            Error::Refused(e) => write!(f, "{e}"),
            Error::NoPolicies => f.write_str("a comparison of policies needs at least one policy"),
            Error::Overran(e) => write!(f, "{e}"),
            Error::TooManyCustomers(e) => write!(f, "{e}"),
            Error::Cancelled => f.write_str("cancelled before any run finished"),
            Error::NoReplications => f.write_str("a batch needs at least one replication"),
            Error::Io(e) => write!(f, "{e}"),
            #[cfg(feature = "plan")]
            Error::Plan(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Invalid(e) => Some(e),
            Error::Refused(e) => Some(e),
            Error::Overran(e) => Some(e),
            Error::TooManyCustomers(e) => Some(e),
            Error::Io(e) => Some(e),
            #[cfg(feature = "plan")]
            Error::Plan(e) => Some(e),
            Error::Cancelled | Error::NoReplications | Error::NoPolicies => None,
        }
    }
}

/// An error of [`run`](super::run): an overrun is [`Error::Overran`], too many
/// customers [`Error::TooManyCustomers`], a scenario that fails its check
/// [`Error::Invalid`], anything else [`Error::Io`].
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        let e = match e.downcast::<RunOverran>() {
            Ok(overran) => return Error::Overran(overran),
            Err(e) => e,
        };
        let e = match e.downcast::<TooManyCustomers>() {
            Ok(too_many) => return Error::TooManyCustomers(too_many),
            Err(e) => e,
        };
        match e.downcast::<ModelError>() {
            Ok(invalid) => Error::Invalid(invalid),
            Err(e) => Error::Io(e),
        }
    }
}

/// The error [`run`](super::run) returns when the run stopped because a time it would reach is
/// past the latest a run can count ([`engine::Overrun`]). Its text says which order
/// and step, in the scenario's words.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOverran {
    /// Where and when the run stopped.
    pub overrun: engine::Overrun,
    /// [`engine::Overrun::message`], which the error displays.
    pub message: String,
}

impl std::fmt::Display for RunOverran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunOverran {}

/// The most customers a run whose every step is kept in memory should let in: a
/// trace (a timeline, an HTML report, a comparison's timelines and reasons), about
/// 800 bytes a customer, so some 1.6 GB at this bound. The command bounds such runs
/// to it ([`Want::max_customers`](super::Want::max_customers), [`CompareOptions::max_customers`](super::CompareOptions::max_customers)),
/// and refuses before it runs a scenario expected to let in more; statistics,
/// narratives, JSON and exports stream, and need no bound.
pub const MAX_TRACED_CUSTOMERS: u64 = 2_000_000;

/// The recipe length [`MAX_TRACED_CUSTOMERS`] is measured with: a customer of up to
/// this many steps costs about 800 bytes kept.
pub const TRACED_STEPS: u64 = 4;

/// The most customers a traced run of `sc` should let in: [`MAX_TRACED_CUSTOMERS`],
/// less in proportion for recipes longer than [`TRACED_STEPS`] (by its longest
/// recipe), as each step keeps about 40 bytes more in a timeline and 175 in a
/// comparison (1,000 customers of 10,000 steps: 378 MB and 1.7 GB): the same
/// memory, some 1.6 GB, whatever the recipes. At least one customer.
pub fn max_traced_customers(sc: &Scenario) -> u64 {
    let steps = sc.menu.recipes.iter().map(|r| r.steps.len() as u64).max().unwrap_or(1);
    if steps <= TRACED_STEPS {
        MAX_TRACED_CUSTOMERS
    } else {
        (MAX_TRACED_CUSTOMERS * TRACED_STEPS / steps).max(1)
    }
}

/// The most customers a run whose event loop is kept pass by pass
/// ([`Want::loop_record`](super::Want::loop_record), `cafe run --loop --format json`) should let in: about
/// 10 KB a customer, so some 1 GB at this bound. (Printed as text, `--loop`
/// streams, and needs no bound.)
pub const MAX_LOOP_RECORD_CUSTOMERS: u64 = 100_000;

/// The error [`run`](super::run) returns when a run let in more customers than
/// [`Want::max_customers`](super::Want::max_customers) allows. Its text says how many and what the bound was.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TooManyCustomers {
    /// The bound, [`Want::max_customers`](super::Want::max_customers).
    pub most: u64,
    /// The scenario time, in ticks, when one customer more than `most` came in.
    pub at: Ticks,
}

impl std::fmt::Display for TooManyCustomers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stopped at {:.2} s of scenario time: the run let in more than {} customers, the most it may",
            crate::time::seconds(self.at),
            self.most
        )
    }
}

impl std::error::Error for TooManyCustomers {}
