//! Views: consumers of the engine's events. None of them feeds anything back.

pub mod columns;
pub mod compare;
pub mod event_loop;
#[cfg(feature = "export")]
pub mod export;
pub mod histogram;
#[cfg(feature = "report")]
pub mod html_report;
pub mod json;
pub mod live;
pub mod narrative;
#[cfg(feature = "plan")]
pub mod plan;
pub(crate) mod rows;
pub mod stats;
pub mod table;
pub mod timeline;
pub mod trace;
pub mod waits;
pub mod why;
