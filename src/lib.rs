//! Async Café: a café and kitchen simulator whose engine follows asyncio's event-loop
//! semantics exactly.
//!
//! A scenario describes a kitchen (cooks, equipment), a menu (recipes made of
//! *hands-on* steps, which occupy a cook like blocking code, and *unattended* ones,
//! which let a machine work while the cook is free, like `await`) and customers. The
//! engine runs it as a synchronous or an asynchronous kitchen, on a virtual clock
//! (instant, deterministic) or a real one, and emits events that views turn into a
//! narrative, a JSON report, and more. The operations in [`ops`] (run, compare,
//! replicate, sweep, plan) wire the engine to the views and return typed results:
//! start there.
//!
//! ```
//! use std::time::Duration;
//! use async_cafe::model::{Mode, Scenario};
//! use async_cafe::ops::{self, Batch, CompareOptions};
//! use async_cafe::scenario::{GeneratorBuilder, RecipeBuilder, StepBuilder};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A scenario in code, checked exactly as its TOML would be.
//! let shop = Scenario::builder("corner")
//!     .cooks(2)
//!     .equipment("espresso_machine", 1)
//!     .recipe(
//!         RecipeBuilder::new("flat_white")
//!             .step(StepBuilder::unattended("pull shot", 0.5).uses("espresso_machine"))
//!             .step(StepBuilder::hands_on("steam milk", 0.75).after(Vec::<String>::new()))
//!             .step(StepBuilder::hands_on("pour", 0.25).after(["pull shot", "steam milk"])),
//!     )
//!     .item("Flat White", "flat_white")
//!     .generate(GeneratorBuilder::new().count(200).rate(1.5))
//!     .build()?;
//!
//! // Both kitchens, the same customers: the asynchronous one is faster.
//! let both = ops::compare(&shop, &CompareOptions::default())?;
//! assert!(both.speedup() > 1.0);
//! assert!(both.render(&shop).contains("speedup: the asynchronous kitchen is"));
//!
//! // 20 replications, the first 30 s of each left out: a 95% interval for the mean wait.
//! let batch = Batch { replications: 20, warmup: Duration::from_secs(30), ..Batch::default() };
//! let rep = ops::replicate(&shop, &batch)?;
//! assert!(rep.wait.mean_s.contains(rep.wait.mean_s.mean) && rep.wait.mean_s.half_width_95 > 0.0);
//!
//! // One to four cooks, the same replications each: more cooks, shorter waits.
//! let varies = [async_cafe::sweep::parse_vary("cooks=1..4", &shop)?];
//! let sweep = ops::sweep(&shop, &varies, &Batch { mode: Mode::Async, ..batch })?;
//! let wait = |i: usize| sweep.rows[i].replicated.as_ref().unwrap().wait.mean_s.mean;
//! assert!(wait(0) > wait(1) && wait(1) >= wait(3));
//! # Ok(())
//! # }
//! ```
//!
//! A scenario comes from TOML ([`scenario::load_str`], [`scenario::load_file`]) or
//! from code ([`model::Scenario::builder`]); loading reports every problem at once,
//! with its location:
//!
//! ```
//! use async_cafe::scenario;
//!
//! let err = scenario::load_str("mine", "[kitchen]\ncooks = 0\n").unwrap_err();
//! let text = err.render();
//! assert!(text.contains("a kitchen needs at least one cook"));
//! assert!(text.contains("mine.toml:2:9"));
//! ```
//!
//! A scenario changed in code (every field of the model is public) is checked by
//! [`model::Scenario::check`], which names each field that breaks the model's rules;
//! every operation of [`ops`] checks its scenario and refuses one that fails with
//! [`ops::Error::Invalid`], where the engine alone would trust it:
//!
//! ```
//! use async_cafe::{builtin, ops};
//!
//! let mut lunch = builtin::find("lunch").unwrap().load().unwrap();
//! lunch.kitchen.equipment.clear(); // its steps still use the stove
//! let err = ops::compare(&lunch, &ops::CompareOptions::default()).unwrap_err();
//! assert!(matches!(err, ops::Error::Invalid(_)));
//! assert!(err.to_string().contains(".uses is 0, but the kitchen has 0 pieces of equipment"));
//! ```
//!
//! # Features
//!
//! Everything a simulation needs (the model, loading scenarios, the engine on the
//! virtual clock, every view but the ones below, the statistics, replications,
//! comparisons and sweeps) builds without any feature. Each default feature adds
//! one capability and the crates it needs:
//!
//! | feature | adds | crates |
//! |---|---|---|
//! | `real-clock` | `clock::RealClock` and `ops::ClockKind::Real`: runs paced by wall time | tokio |
//! | `report` | `view::html_report` (the HTML report), `sweep::html`, `ops::report_run` | minijinja, plotters |
//! | `export` | `view::export` (JSON lines and CSV exports, atomic writes), `sweep::csv`, the `events` and `csv` of [`ops::Want`] | csv |
//! | `replay` | `[customers] replay`: a recorded day read from a CSV file | csv |
//! | `plan` | `plan` (the best order of work for a known day, with a lower bound or a proof of optimality) and `ops::plan` | pumpkin-core, pumpkin-constraints, pumpkin-conflict-resolvers |
//! | `edit` | `scenario::edit`: changes (`cooks=3`, `equipment.oven=2`) written into a scenario's TOML text, its comments and layout kept | toml_edit |
//! | `diagnostics` | [`scenario::ScenarioError::render`] draws each problem's source line (a window of a long one), underlined (codespan-reporting); without it, one `file:line:column: message` line and its help | codespan-reporting |
//!
//! `async-cafe = { version = "0.1", default-features = false }` simulates without
//! tokio, plotters, minijinja, csv, codespan-reporting, pumpkin or toml_edit.

//! # What the crate root holds
//!
//! The operations are the functions of [`ops`]: [`ops::run`], [`ops::compare`],
//! [`ops::replicate`] and [`ops::sweep`] (they stay in their module: at the root,
//! `replicate` and `sweep` would name both a module and a function). What they take
//! and give back is re-exported here, so a program needs one `use`:
//!
//! * the scenario: [`Scenario`], loaded by [`load_file`] or [`load_str`] (or taken
//!   from [`builtin`]), whose every problem is a [`ScenarioError`]; [`Mode`], the
//!   synchronous or asynchronous kitchen;
//! * how to run: [`RunSpec`] (mode, [`ClockKind`], seed), [`Want`] (which views) and
//!   [`Cancel`], the token that stops a run from outside;
//! * what comes back: [`Ran`] with its [`Stats`], a [`Comparison`], the
//!   [`Replicated`] estimates, a [`Sweep`]; [`RunOverran`], the error of a run that
//!   would pass the longest time a run can count;
//! * scenario time: [`Ticks`] (integer nanoseconds), [`TICKS_PER_SECOND`] and
//!   [`TimeUnit`].
//!
//! Every module stays public for what the root leaves out: the engine and its
//! [`engine::Clock`], the views, the sweep's options and parsers.
//!
//! ```
//! use async_cafe::{ClockKind, Mode, RunSpec, Scenario, TICKS_PER_SECOND, Want, builtin, ops};
//!
//! let cafe: Scenario = builtin::find("cafe").unwrap().load().unwrap();
//! let spec = RunSpec { mode: Mode::Async, clock: ClockKind::Virtual, seed: cafe.seed };
//! let ran = ops::run(&cafe, spec, Want::default(), &mut std::io::sink()).unwrap();
//! assert_eq!(ran.outcome.end, 5 * TICKS_PER_SECOND);
//! ```

pub mod builtin;
pub mod capacity;
pub mod clock;
pub mod engine;
pub mod event;
pub mod model;
pub mod ops;
pub mod orders;
#[cfg(feature = "plan")]
pub mod plan;
pub mod python_program;
pub mod replicate;
pub mod scenario;
pub mod suggest;
pub mod sweep;
pub mod template;
pub mod time;
pub mod view;

pub use clock::Cancel;
pub use model::{Mode, Scenario};
pub use ops::{ClockKind, Comparison, Ran, RunOverran, RunSpec, Want};
pub use replicate::Replicated;
pub use scenario::{ScenarioError, load_file, load_str};
pub use sweep::Sweep;
pub use time::{TICKS_PER_SECOND, Ticks, TimeUnit};
pub use view::stats::Stats;
