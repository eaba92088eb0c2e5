//! Why a comparison, replications, a sweep or a plan returned no result.

use std::fmt;
use std::io;

use super::{RunOverran, TooManyCustomers};

/// Why [`compare`](super::compare), [`replicate`](super::replicate) or
/// [`sweep`](super::sweep) returned no result.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
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
            Error::Overran(e) => Some(e),
            Error::TooManyCustomers(e) => Some(e),
            Error::Io(e) => Some(e),
            #[cfg(feature = "plan")]
            Error::Plan(e) => Some(e),
            Error::Cancelled | Error::NoReplications => None,
        }
    }
}

/// An error of [`run`](super::run): an overrun is [`Error::Overran`], too many
/// customers [`Error::TooManyCustomers`], anything else [`Error::Io`].
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        match e.downcast::<RunOverran>() {
            Ok(overran) => Error::Overran(overran),
            Err(e) => match e.downcast::<TooManyCustomers>() {
                Ok(too_many) => Error::TooManyCustomers(too_many),
                Err(e) => Error::Io(e),
            },
        }
    }
}
