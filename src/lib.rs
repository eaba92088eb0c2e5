//! Async Café: a café and kitchen simulator whose engine follows asyncio's event-loop
//! semantics exactly.
//!
//! A scenario describes a kitchen (cooks, equipment), a menu (recipes made of
//! *hands-on* steps, which occupy a cook like blocking code, and *unattended* ones,
//! which let a machine work while the cook is free, like `await`) and customers. The
//! engine runs it as a synchronous or an asynchronous kitchen, on a virtual clock
//! (instant, deterministic) or a real one, and emits events that views turn into a
//! narrative, a JSON report, and more. The operations in [`ops`] (run, compare,
//! replicate, sweep) wire the engine to the views and return typed results: start
//! there.
//!
//! ```
//! use async_cafe::{builtin, model::Mode, ops};
//!
//! let cafe = builtin::find("cafe").unwrap().load().unwrap();
//! let lines = ops::narrative_lines(&cafe, Mode::Async, cafe.seed);
//! let (t, last) = lines.last().unwrap();
//! assert_eq!(last, "Serving 2 customers took 5.00 seconds");
//! assert_eq!(*t, 5 * async_cafe::time::TICKS_PER_SECOND);
//!
//! // The same café both ways: one customer at a time takes twice as long.
//! let both = ops::compare(&cafe, cafe.seed, false).unwrap();
//! assert_eq!(both.speedup(), 2.0);
//! let sync = &both.sides[0];
//! assert_eq!(sync.stats.cooks[0].standing_by_share, 1.0);
//! ```
//!
//! Loading your own scenario reports every problem at once, with its location:
//!
//! ```
//! use async_cafe::scenario;
//!
//! let toml = "[kitchen]\ncooks = 0\n";
//! let err = scenario::load_str("mine", "mine.toml", toml, &|_| Err("no files".into())).unwrap_err();
//! let text = err.render();
//! assert!(text.contains("a kitchen needs at least one cook"));
//! assert!(text.contains("mine.toml:2:9"));
//! ```

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
