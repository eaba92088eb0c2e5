//! Views: consumers of the engine's events. None of them feeds anything back.

#[warn(missing_docs)]
pub mod export;
#[warn(missing_docs)]
pub mod histogram;
#[warn(missing_docs)]
pub mod json;
#[warn(missing_docs)]
pub mod live;
#[warn(missing_docs)]
pub mod narrative;
pub mod report;
#[warn(missing_docs)]
pub mod stats;
#[warn(missing_docs)]
pub mod table;
#[warn(missing_docs)]
pub mod timeline;
#[warn(missing_docs)]
pub mod trace;
