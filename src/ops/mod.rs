//! Operations: run, compare, replicate and sweep a scenario, and gather what the
//! HTML report draws.
//!
//! This is the only module that wires the engine to views. The engine emits events;
//! views ([`crate::view`]) consume them and turn data into text, HTML or JSON, and
//! never run anything themselves; an operation chooses the views a run feeds and
//! returns typed results. Every front door (the `cafe` command, and those to come)
//! is a thin room over this layer.
//!
//! The rules an operation keeps:
//!
//! * typed inputs ([`RunSpec`], [`Want`], [`crate::sweep::Options`]), a
//!   [`Cancel`](crate::clock::Cancel) token to stop it from outside, and a progress
//!   callback for the long ones ([`sweep`]);
//! * typed results ([`Ran`], [`Comparison`], [`crate::replicate::Replicated`],
//!   [`crate::sweep::Sweep`], [`crate::view::html_report::ReportRun`]) and typed errors
//!   (a run that overruns is an [`std::io::Error`] of kind `InvalidData` carrying a
//!   [`RunOverran`]; replications return it as it is);
//! * no process work: nothing printed on stdout or stderr, no signal handler, no
//!   exit. The narrative goes to the writer the caller passes, and everything else
//!   comes back as a value.
//!
//! ```
//! use async_cafe::{builtin, model::Mode, ops};
//!
//! let cafe = builtin::find("cafe").unwrap().load().unwrap();
//! let spec = ops::RunSpec { mode: Mode::Async, clock: ops::ClockKind::Virtual, seed: cafe.seed };
//! let want = ops::Want { stats: true, ..Default::default() };
//! let mut narrative = Vec::new();
//! let ran = ops::run(&cafe, spec, want, &mut narrative).unwrap();
//! assert_eq!(ran.stats.unwrap().served, 2);
//! assert!(narrative.is_empty()); // not asked for
//! ```

mod compare;
mod replicate;
mod report;
mod run;
mod sweep;

pub use compare::{
    Compared, Comparison, Side, compare, compare_policies, compare_policies_until, compare_until,
};
pub use replicate::{replicate, replicate_until};
pub use report::report_run;
pub use run::{ClockKind, Ran, RunOverran, RunSpec, Want, json_report, narrative_lines, run};
pub use sweep::{SweepRun, sweep, sweep_from_runs, sweep_job, sweep_jobs};
