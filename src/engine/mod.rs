//! The engine: runs a scenario as an asynchronous or a synchronous kitchen.
//!
//! The engine owns its event queue, ordered by (time, sequence), does no I/O and never
//! reads the wall clock: it tells its [`Clock`] each time scenario time moves forward
//! and sends each event to a [`Sink`]. The same engine runs instantly on the virtual
//! clock and in real time on the real one.
//!
//! Its public face is [`run`], the [`Clock`] it is paced by ([`VirtualClock`] here,
//! [`RealClock`](crate::clock::RealClock) in [`crate::clock`]) and the [`Outcome`] it
//! returns. Two engines, one per [`Mode`], do the work; they are internal to the
//! crate, and their module docs state every rule they reproduce (read them in the
//! source, or with `cargo doc --document-private-items`):
//!
//! * `asyncio::AsyncEngine` (`engine/asyncio/`) runs the asynchronous kitchen:
//!   CPython asyncio's event loop, its ready queue shared by the cooks, with the
//!   door, order and step coroutines of `CANONICAL.md`.
//! * `sync::SyncEngine` (`engine/sync.rs`) runs the synchronous kitchen: each cook
//!   serves one customer at a time and stands by through every step.
//!
//! (`model::Kitchen` is the kitchen a scenario describes, its cooks and equipment;
//! the engines run it.)

mod asyncio;
#[cfg(test)]
mod properties;
mod sync;

use crate::event::Sink;
use crate::model::{ItemIx, Scenario, StepIx};
use crate::orders::OrderSource;
use crate::time::{MAX_TICKS, Ticks};

/// The engine runs a kitchen in either mode of the model.
pub use crate::model::Mode;

/// Paces a run. The engine calls [`Clock::advance`] before it emits anything at a
/// later scenario time; times never go backwards.
pub trait Clock {
    /// Scenario time is now `t`. A real clock waits here until wall time catches up.
    /// Returning false stops the run (for example on Ctrl-C).
    fn advance(&mut self, t: Ticks) -> bool;

    /// Time since service started by this clock, in scenario ticks, when the engine is
    /// at scenario time `t`. What `{elapsed}` prints.
    fn elapsed(&self, t: Ticks) -> Ticks;
}

/// As fast as possible: scenario time is the only time.
#[derive(Clone, Copy, Debug, Default)]
pub struct VirtualClock;

impl Clock for VirtualClock {
    fn advance(&mut self, _t: Ticks) -> bool {
        true
    }

    fn elapsed(&self, t: Ticks) -> Ticks {
        t
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Scenario time at the last event.
    pub end: Ticks,
    /// Orders served.
    pub served: u64,
    /// False when the clock stopped the run early, or it overran.
    pub finished: bool,
    /// Why the run stopped before its end: a time it would reach is past
    /// [`MAX_TICKS`].
    pub overrun: Option<Overrun>,
}

/// A run stopped because something would happen after [`MAX_TICKS`], the latest time
/// a run can count: every time a scenario gives is within it, but their sums may not
/// be. The engine stops rather than saturate or wrap its clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overrun {
    /// Scenario time when the run stopped.
    pub at: Ticks,
    /// The order's id (1-based, in arrival order).
    pub order: u64,
    /// The order's menu item (an index into the scenario's menu).
    pub item: ItemIx,
    /// What would have happened after [`MAX_TICKS`].
    pub what: Overran,
}

/// What would happen too late.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overran {
    /// The customer's arrival.
    Arrival,
    /// The end of this step of the order's recipe.
    Step(StepIx),
    /// The customer's patience running out.
    Patience,
    /// The customer would be one more in the café than a run can hold at once
    /// ([`MAX_IN_CAFE`]): the kitchen cannot keep up, and its queue would fill
    /// memory.
    Crowded,
    /// The customer's order would make the café hold more step tasks at once than a
    /// run can ([`MAX_STEPS_IN_CAFE`]): recipes of many steps, many customers at once.
    CrowdedSteps,
}

/// The most customers the asynchronous kitchen holds at once (each is a task with
/// its steps, about 450 bytes: 4.5 GB). A queue that long means the kitchen cannot
/// keep up; the run stops with an error rather than fill the machine's memory.
pub const MAX_IN_CAFE: usize = 10_000_000;

/// The most step tasks the asynchronous kitchen holds at once, over all the orders
/// in the café (each about 32 bytes, as room kept for the order's steps: 1.6 GB).
/// Recipes of thousands of steps reach it long before [`MAX_IN_CAFE`] customers do.
pub const MAX_STEPS_IN_CAFE: usize = 50_000_000;

impl Overrun {
    /// What went wrong, in the scenario's words: `order #3 (Latte): step `brew` would
    /// end after 900,000,000 s, ...`.
    pub fn message(&self, sc: &Scenario) -> String {
        let item = &sc.menu.items[self.item as usize].name;
        let what = match self.what {
            Overran::Arrival => "the customer would arrive".to_string(),
            Overran::Step(s) => {
                format!("step `{}` would end", sc.recipe_of(self.item).steps[s as usize].name)
            }
            Overran::Patience => "the customer's patience would run out".to_string(),
            Overran::Crowded => {
                return format!(
                    "the run stopped at {:.2} {}: order #{} ({item}) would be one customer more in the café than the {} a run can hold at once: the kitchen cannot keep up with its customers (see the warning about its load); give it more cooks or equipment, or bring fewer customers",
                    sc.unit.from_ticks(self.at),
                    sc.unit.name(),
                    self.order,
                    crate::time::thousands(MAX_IN_CAFE as u64),
                );
            }
            Overran::CrowdedSteps => {
                return format!(
                    "the run stopped at {:.2} {}: order #{} ({item}), of {} steps, would make the café hold more steps at once than the {} a run can: too many customers of long recipes are in at once; bring fewer at once, or give the kitchen more cooks",
                    sc.unit.from_ticks(self.at),
                    sc.unit.name(),
                    self.order,
                    crate::time::thousands(sc.recipe_of(self.item).steps.len() as u64),
                    crate::time::thousands(MAX_STEPS_IN_CAFE as u64),
                );
            }
        };
        format!(
            "the run stopped at {:.2} {}: order #{} ({item}): {what} after {}, the longest time a run can count",
            sc.unit.from_ticks(self.at),
            sc.unit.name(),
            self.order,
            sc.unit.max_text(),
        )
    }
}

/// `now + d`, when it is at most [`MAX_TICKS`].
#[inline(always)]
fn later(now: Ticks, d: Ticks) -> Option<Ticks> {
    let t = now.saturating_add(d);
    (t <= MAX_TICKS).then_some(t)
}

/// Runs `scenario` in `mode`, drawing its random numbers from `seed`.
///
/// The engine relies on the model's invariants without checking them: a scenario
/// from the loader has them; one built or changed in code must pass
/// [`Scenario::check`] first (the operations of [`crate::ops`] check it for you).
///
/// # Panics
///
/// On a scenario that fails [`Scenario::check`], it may panic (or loop for ever, or
/// give wrong numbers).
pub fn run<C: Clock + ?Sized, S: Sink + ?Sized>(
    scenario: &Scenario,
    mode: Mode,
    seed: u64,
    clock: &mut C,
    sink: &mut S,
) -> Outcome {
    use asyncio::{AsyncEngine, HeapKeys, SortedKeys};
    let source = OrderSource::new(scenario, seed);
    let few = scenario.kitchen.cooks <= asyncio::FEW_COOKS;
    match mode {
        Mode::Async => match (asyncio::is_basic(scenario), few) {
            (true, true) => AsyncEngine::<true, SortedKeys>::new(scenario, source).run(clock, sink),
            (true, false) => AsyncEngine::<true, HeapKeys>::new(scenario, source).run(clock, sink),
            (false, true) => AsyncEngine::<false, SortedKeys>::new(scenario, source).run(clock, sink),
            (false, false) => AsyncEngine::<false, HeapKeys>::new(scenario, source).run(clock, sink),
        },
        Mode::Sync => sync::SyncEngine::new(scenario, source).run(clock, sink),
    }
}
