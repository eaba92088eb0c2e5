//! Operations: run, compare, replicate and sweep a scenario, plan its day (the
//! `plan` feature), and gather what the HTML report draws.
//!
//! This is the only module that wires the engine to views. The engine emits events;
//! views ([`crate::view`]) consume them and turn data into text, HTML or JSON, and
//! never run anything themselves; an operation chooses the views a run feeds and
//! returns typed results. Every front door (the `cafe` command, and those to come)
//! is a thin room over this layer.
//!
//! The rules an operation keeps:
//!
//! * typed inputs ([`RunSpec`] and [`Want`] for a run, [`CompareOptions`], and
//!   [`Batch`] for replications and sweeps alike), each with a
//!   [`Cancel`](crate::clock::Cancel) token to stop it from outside, and a progress
//!   callback for the long ones ([`Batch::progress`]);
//! * typed results ([`Ran`], [`Comparison`], [`crate::replicate::Replicated`],
//!   [`crate::sweep::Sweep`], and with the `report` feature
//!   `view::html_report::ReportRun`) and typed errors ([`Error`]; a run that overruns is
//!   an [`std::io::Error`] of kind `InvalidData` carrying a [`RunOverran`], and so
//!   is a run stopped by its bound on customers, carrying a [`TooManyCustomers`]);
//! * a hook to watch a run as it goes ([`run_watched`]: every event, as it
//!   happens, to a [`Sink`](crate::event::Sink) of the caller's);
//! * no process work: nothing printed on stdout or stderr, no signal handler, no
//!   exit. The narrative goes to the writer the caller passes, and everything else
//!   comes back as a value.
//!
//! One run, on the virtual clock, with its statistics:
//!
//! ```
//! use async_cafe::{builtin, model::Mode, ops};
//!
//! let cafe = builtin::find("cafe").unwrap().load().unwrap();
//! let spec = ops::RunSpec { mode: Mode::Async, clock: ops::ClockKind::Virtual, seed: cafe.seed };
//! let want = ops::Want { narrative: true, stats: true, ..Default::default() };
//! let mut narrative = Vec::new();
//! let ran = ops::run(&cafe, spec, want, &mut narrative).unwrap();
//! assert_eq!(ran.stats.unwrap().served, 2);
//! let text = String::from_utf8(narrative).unwrap();
//! assert!(text.starts_with("Welcome to the Asynchronous Café!\n"));
//! assert!(text.ends_with("Serving 2 customers took 5.00 seconds\n"));
//! ```
//!
//! [`compare`], [`replicate`] and [`sweep`] each show theirs, and so does `plan`.

mod batch;
mod compare;
mod error;
#[cfg(feature = "plan")]
mod plan;
mod replicate;
#[cfg(feature = "report")]
mod report;
mod run;
mod sweep;

pub use crate::view::compare::{Compared, Comparison, Side};
pub use batch::{Batch, Progress};
pub use compare::{CompareOptions, compare, compare_policies};
pub use error::{
    Error, MAX_LOOP_RECORD_CUSTOMERS, MAX_TRACED_CUSTOMERS, RunOverran, TRACED_STEPS, TooManyCustomers,
    max_traced_customers,
};
#[cfg(feature = "plan")]
pub use plan::{Planned, plan};
pub use replicate::replicate;
#[cfg(feature = "report")]
pub use report::{LOOP_PANEL_CUSTOMERS, event_loop_panel, report_run};
pub use run::{ClockKind, Ran, RunSpec, Want, json_report, narrative_lines, run, run_watched};
pub use sweep::{SweepRun, sweep, sweep_from_runs, sweep_job, sweep_jobs};
