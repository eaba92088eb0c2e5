//! Why a comparison, replications, a sweep or a plan returned no result.

use std::fmt;
use std::io;

use super::{RunOverran, TooManyCustomers};
use crate::model::ModelError;
use crate::sweep::RequestError;

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
