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
