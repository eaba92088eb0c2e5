//! The engine of the asynchronous kitchen, [`AsyncEngine`]: CPython 3.11's asyncio
//! event loop, reproduced exactly for the program in `CANONICAL.md`.
//!
//! Three kinds of coroutine run as tasks: the door (`main`), one per order
//! (`run_order`) and one per step (`run_step`). Rather than interpret Python, each is a
//! small state machine whose states are its `await` points, and the loop reproduces
//! what CPython does between them:
//!
//! * The ready queue is first in, first out. `create_task` appends the new task's first
//!   step; a task runs until an `await` that suspends.
//! * A finished task (or future) schedules each of its done-callbacks with
//!   `call_soon`, in the order they were added; a waiting task's callback resumes it.
//!   So an awaiting task resumes one queue step after the task it waits for finishes,
//!   and a `gather` caller two: the gather's own callback, then the caller's.
//! * `asyncio.sleep(d)` arms a timer whose callback completes a future, which in turn
//!   resumes the task: also two queue steps. `sleep(0)` yields once.
//! * Each loop iteration first moves every due timer, in (deadline, arming order), to
//!   the end of the ready queue, then runs exactly the handles that were queued when it
//!   began. A hands-on step blocks: time passes inside the handle, and timers that fall
//!   due meanwhile wait for the next iteration, behind the work already queued.
//! * Equipment is an `asyncio.Semaphore` (3.11.x): FIFO, a released unit goes
//!   straight to the first waiter, and a newcomer waits while anyone is queued.
//! * A cancelled timer (a served customer's patience timeout, the sleep of a step
//!   cancelled when its customer left) stays in the heap and is dropped unseen when it
//!   reaches the head; when cancelled timers are more than half of a heap of over 100,
//!   the heap is rebuilt without them. Time only ever moves to the first live timer,
//!   and the run ends when `main()` does (`asyncio.run` returns then): a cancelled
//!   timer never moves the clock, nor makes the real clock wait.
//!
//! With several cooks, the cooks share one ready queue and one timer queue: each
//! handle of an iteration goes to the free cook with the lowest number; a cook in a
//! hands-on step is busy until it ends, and the handle's remainder (the finish line,
//! giving back equipment, waking waiters) runs then. When every cook is busy, time
//! moves to the earliest end of a hands-on step (ties by the order the steps began).
//! A cook that finishes at the same instant as a timer finishes first. With one cook
//! this is exactly the single asyncio loop above.
//!
//! **Patience.** A customer with a patience awaits their order's gather through
//! `asyncio.wait_for(gather, deadline - now)`, the deadline being their arrival plus
//! their patience, and leaves on `TimeoutError`. That is CPython 3.11's `wait_for`
//! step for step: its timeout timer and `_release_waiter` callbacks, `gather`'s
//! `cancel()` (each unfinished step task in recipe order), `Task.cancel()` (cancel the
//! future the task awaits, or mark it to be cancelled when it next runs), the
//! cancelled `asyncio.sleep` (its timer is dropped, the finish line never prints, the
//! equipment is given back by `async with`), and a semaphore waiter that is cancelled
//! (its place in line is skipped, or a unit already handed to it is passed on). A
//! hands-on step already under way on another cook cannot be interrupted: it runs to
//! its end, like `time.sleep` in a thread, and its task ends cancelled; service ends
//! after it.
//!
//! **Balking.** A customer let in while more than `balk` customers are waiting (let
//! in, no step of theirs started) says so and leaves without ordering.
//!
//! **Dispatch policies** other than `fifo` replace the batches: whenever a cook is
//! free (after moving the timers and cooks that are due), it runs the best handle of
//! the whole ready queue, by [`Policy`]: first everything that takes no cook time
//! (bookkeeping, unattended steps, finishing lines) in queue order, then the hands-on
//! steps about to start, in queue order (`unattended-first`) or longest remaining
//! chain first (`longest-chain`). Choosing costs a heap operation (`Chooser`).
//!
//! The engine is one [`AsyncEngine`], the event loop, here, with an `impl AsyncEngine`
//! block in each file for what it holds: `door.rs` (`main()`: letting customers in),
//! `order.rs` (`run_order`: the gather, `wait_for`, serving and leaving), `step.rs`
//! (`run_step`: awaiting steps, equipment, cooking, `Task.cancel()`), `timers.rs`
//! (the timer heap and its cancelled timers), `chooser.rs` (the dispatch policies'
//! `Chooser`).
//! `semaphore.rs` is the equipment's `asyncio.Semaphore`, `cooks.rs` the free and busy
//! cooks ([`BusyKeys`]).

mod chooser;
mod cooks;
mod door;
mod order;
mod ready;
mod semaphore;
mod step;
mod timers;
mod trace;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::{Clock, Outcome, Overran, Overrun};
use crate::event::Sink;
use crate::model::{Policy, Scenario, StepIx};
use crate::orders::OrderSource;
use crate::time::Ticks;

use chooser::Chooser;
use cooks::Cooks;
pub(crate) use cooks::{BusyKeys, FEW_COOKS, HeapKeys, SortedKeys};
use door::{Door, DoorState};
use order::{OrderRt, OrderState, Outer};
use ready::Ready;
use semaphore::{Semaphore, Waiter};
use step::{StepRt, StepState};
use timers::Timer;

/// A task: the door, an order, or one step of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    Door,
    Order(u32),
    Step(u32, StepIx),
}

/// An entry of the ready queue: what `call_soon` scheduled.
#[derive(Clone, Copy, Debug)]
enum Handle {
    /// `Task.__step` / `Task.__wakeup`: run the task to its next suspension.
    Resume(Task),
    /// The timer callback of `asyncio.sleep`, armed as timer `seq`: completes the
    /// sleep's future, which schedules the sleeping task's wakeup.
    SleepDone { task: Task, seq: u64 },
    /// `count` consecutive `gather` done-callbacks for the gather `owner` awaits, of
    /// children that finished normally. (Consecutive callbacks of one gather run back
    /// to back with no effect but the count, so they are one entry.)
    GatherDone { owner: Task, count: u64 },
    /// The gather done-callback of a step of order `.0` that ended cancelled.
    ChildCancelled(u32),
    /// The gather done-callback of a step of order `.0` that ended after the
    /// gathered future was done: CPython runs it to no effect. Queued only when
    /// the loop is watched, for its view; it holds the order's slot until it runs.
    GatherNoop(u32),
    /// `_release_waiter(waiter)` as the order's gathered future's done-callback: the
    /// waiter of `wait_for`, or of `_cancel_and_wait` once the order timed out.
    /// `generation` tells a later order in the same slot apart.
    /// `id` is the order's, for the loop's view: the handle can run after the
    /// order has ended and its slot holds another.
    OuterDone { order: u32, generation: u32, id: u64 },
    /// `_release_waiter(waiter)` as `wait_for`'s timeout timer callback.
    Timeout { order: u32, generation: u32 },
}

// A handle is three words: the order id `OuterDone` carries fits in them.
const _: () = assert!(std::mem::size_of::<Handle>() <= 24);

/// One run of the asynchronous kitchen: the engine that runs a scenario in
/// [`Mode::Async`](crate::model::Mode::Async), CPython's event loop with the door, order
/// and step coroutines as its tasks. (The kitchen it runs is the scenario's
/// [`Kitchen`](crate::model::Kitchen).)
///
/// `BASIC` is true for a kitchen without equipment, patience, balking or a dispatch
/// policy other than `fifo` (see [`is_basic`]): the same code, compiled with every
/// check for those left out. That is worth 2% of simulated customers per second
/// with statistics and 7–9% for the engine alone (`cargo bench --bench mmc`).
/// `B` keeps the busy cooks: see [`BusyKeys`].
pub(crate) struct AsyncEngine<'s, const BASIC: bool, B> {
    sc: &'s Scenario,
    source: OrderSource<'s>,
    now: Ticks,
    start: Ticks,
    ready: Ready,
    /// Under a dispatch policy other than `fifo`, the ready handles are moved here.
    chooser: Chooser,
    timers: BinaryHeap<Reverse<Timer>>,
    /// Timers in the heap that were cancelled (CPython's `_timer_cancelled_count`):
    /// they are dropped from its head unseen, and the heap is rebuilt without them
    /// when they are more than half of it.
    cancelled_timers: usize,
    seq: u64,
    orders: Vec<OrderRt<'s>>,
    free_slots: Vec<u32>,
    sems: Vec<Semaphore>,
    door: Door,
    cooks: Cooks<B>,
    /// Customers let in, none of whose steps has started (for balking).
    waiting: u64,
    served: u64,
    stopped: bool,
    overrun: Option<Overrun>,
    /// The sink wants the loop's own events (`Sink::wants_loop`): the engine then
    /// also queues the done-callbacks CPython runs to no effect (see `end_step`), and
    /// drops cancelled timers from the head of its heap at every pass, as CPython
    /// does (the loop's view shows the ones moved behind a live timer). Neither
    /// changes any other event.
    trace: bool,
    /// Passes of the loop so far (counted only when `trace`).
    passes: u64,
    /// The most customers in the café at once: [`MAX_IN_CAFE`](super::MAX_IN_CAFE)
    /// (less in tests).
    max_in_cafe: usize,
    /// The room every order slot keeps for its steps, in steps (it only grows).
    step_room: usize,
    /// The most of it: [`MAX_STEPS_IN_CAFE`](super::MAX_STEPS_IN_CAFE) (less in tests).
    max_steps_in_cafe: usize,
}

/// Whether `sc` runs in an [`AsyncEngine`] whose `BASIC` is true.
pub(crate) fn is_basic(sc: &Scenario) -> bool {
    sc.kitchen.equipment.is_empty()
        && !sc.has_patience()
        && sc.balk.is_none()
        && sc.kitchen.policy == Policy::Fifo
}

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    /// An engine for `sc`, its customers drawn from `source`, before service starts.
    pub(crate) fn new(sc: &'s Scenario, source: OrderSource<'s>) -> Self {
        debug_assert!(!BASIC || is_basic(sc), "a basic engine for a scenario that is not");
        let cooks = sc.kitchen.cooks as usize;
        AsyncEngine {
            sc,
            source,
            now: 0,
            start: 0,
            ready: Ready::new(),
            chooser: Chooser::default(),
            timers: BinaryHeap::new(),
            cancelled_timers: 0,
            seq: 0,
            orders: Vec::new(),
            free_slots: Vec::new(),
            sems: sc
                .kitchen
                .equipment
                .iter()
                .map(|e| Semaphore { value: e.capacity, waiters: VecDeque::new() })
                .collect(),
            door: Door {
                state: DoorState::New,
                next: 0,
                has_next: false,
                created: 0,
                finished: 0,
                gathering: false,
                gathered: 0,
            },
            cooks: Cooks::new(cooks),
            waiting: 0,
            served: 0,
            stopped: false,
            overrun: None,
            trace: false,
            passes: 0,
            max_in_cafe: super::MAX_IN_CAFE,
            step_room: 0,
            max_steps_in_cafe: super::MAX_STEPS_IN_CAFE,
        }
    }

    /// The engine holding at most `n` customers at once, for tests of the limit.
    #[cfg(test)]
    pub(crate) fn with_max_in_cafe(mut self, n: usize) -> Self {
        self.max_in_cafe = n;
        self
    }

    /// The engine holding at most `n` step tasks at once, for tests of the limit.
    #[cfg(test)]
    pub(crate) fn with_max_steps_in_cafe(mut self, n: usize) -> Self {
        self.max_steps_in_cafe = n;
        self
    }

    /// Runs the kitchen until the door's final line, or until the clock stops it.
    pub(crate) fn run<C: Clock + ?Sized, S: Sink + ?Sized>(mut self, clock: &mut C, sink: &mut S) -> Outcome {
        // asyncio.run(main()): the main task's first step is the only ready handle.
        self.ready.push_back(Handle::Resume(Task::Door));
        self.trace = sink.wants_loop();
        while !self.stopped {
            if self.cooks.free_count == 0 {
                self.resume_earliest_cook(clock, sink);
                continue;
            }
            if self.ready.is_empty() && (BASIC || self.chooser.len == 0) {
                if !BASIC {
                    // Time moves to the first live timer: cancelled ones (patience
                    // timeouts of served orders, sleeps of cancelled steps) never
                    // move the clock, nor keep the run going once service has ended.
                    self.drop_cancelled_timers();
                }
                let timer = self.timers.peek().map(|Reverse(t)| t.when);
                let cook = self.cooks.next_end();
                match (timer, cook) {
                    (None, None) => break,
                    (t, Some(c)) if t.is_none_or(|t| c <= t) => {
                        self.resume_earliest_cook(clock, sink);
                        continue;
                    }
                    (Some(t), _) => self.advance(t, clock),
                    (None, Some(_)) => unreachable!("handled above"),
                }
                if self.stopped {
                    // The clock stopped the run before the pass that would run
                    // then: it never begins.
                    break;
                }
            }
            // One iteration of `BaseEventLoop._run_once`.
            if sink.wants_loop() {
                if !BASIC {
                    // `_run_once` drops the cancelled timers at the head of its heap
                    // at every pass, not only before time moves: then the cancelled
                    // timers the loop moves behind live ones are CPython's.
                    self.drop_cancelled_timers();
                }
                self.trace_pass(sink);
            }
            while self.cooks.next_end().is_some_and(|until| until <= self.now) {
                self.resume_earliest_cook(clock, sink);
            }
            while let Some(&Reverse(t)) = self.timers.peek() {
                if t.when > self.now {
                    break;
                }
                self.timers.pop();
                if let Some(handle) = self.timer_handle(t) {
                    if sink.wants_loop() {
                        self.trace_timer(handle, t.when, sink);
                    }
                    if !BASIC {
                        self.timer_fired(t);
                    }
                    self.ready.push_back(handle);
                } else {
                    debug_assert!(self.cancelled_timers > 0, "every stale timer was counted");
                    self.cancelled_timers = self.cancelled_timers.saturating_sub(1);
                    if sink.wants_loop() {
                        // Behind a live timer (the head's were dropped): CPython
                        // moves it to the ready queue, to skip it there.
                        self.trace_cancelled_timer(t, sink);
                    }
                }
            }
            if !BASIC && self.sc.kitchen.policy != Policy::Fifo {
                // A cook with a policy looks at everything ready now and takes the
                // best: one handle per pass, so the next choice sees what it woke.
                while let Some(h) = self.ready.pop_front() {
                    let key = self.dispatch_key(&h);
                    self.chooser.push(h, key);
                }
                let Some(handle) = self.chooser.take() else {
                    continue; // Only cancelled timers fell due.
                };
                self.run_handle(handle, clock, sink);
                continue;
            }
            let ntodo = self.ready.len();
            for _ in 0..ntodo {
                while self.cooks.free_count == 0 && !self.stopped {
                    self.resume_earliest_cook(clock, sink);
                }
                if self.stopped {
                    break;
                }
                let handle = self.ready.pop_front().expect("ntodo handles are queued");
                self.run_handle(handle, clock, sink);
            }
        }
        Outcome { end: self.now, served: self.served, finished: !self.stopped, overrun: self.overrun }
    }

    /// Moves time to `t`, unless the clock stops the run first: then time stays at
    /// the last thing that happened, and nothing more does.
    fn advance<C: Clock + ?Sized>(&mut self, t: Ticks, clock: &mut C) {
        if t > self.now {
            if clock.advance(t) {
                self.now = t;
            } else {
                self.stopped = true;
            }
        }
    }

    /// Moves time to the earliest end of a hands-on step and runs the rest of that
    /// step's handle.
    fn resume_earliest_cook<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        let (until, (o, s)) = self.cooks.unblock();
        self.advance(until, clock);
        if self.stopped {
            return;
        }
        self.finish_step(o, s, sink);
        if self.door.state == DoorState::Closing && self.cooks.busy.is_empty() {
            self.end_service(clock, sink);
        }
    }

    #[inline(always)]
    fn run_handle<C: Clock + ?Sized, S: Sink + ?Sized>(
        &mut self,
        handle: Handle,
        clock: &mut C,
        sink: &mut S,
    ) {
        if sink.wants_loop() {
            self.trace_handle(handle, sink);
        }
        match handle {
            Handle::Resume(Task::Door) => self.resume_door(clock, sink),
            Handle::Resume(Task::Order(o)) => self.resume_order(o, sink),
            Handle::Resume(Task::Step(o, s)) => self.resume_step(o, s, sink),
            Handle::SleepDone { task, seq } => match task {
                Task::Step(o, s) => {
                    // Skipped when the timer was cancelled since (the task resumed), and
                    // `_set_result_unless_cancelled` leaves a cancelled future alone.
                    let st = self.orders[o as usize].steps.get(s as usize);
                    if st.is_some_and(|st| st.timer_seq == seq && !st.cancel) {
                        self.wake(task);
                    }
                }
                _ => self.wake(task),
            },
            Handle::GatherDone { owner, count } => match owner {
                Task::Door => {
                    self.door.gathered += count;
                    if self.door.gathered == self.door.created {
                        self.ready.push_back(Handle::Resume(Task::Door));
                    }
                }
                Task::Order(o) => {
                    let rt = &mut self.orders[o as usize];
                    if rt.outer != Outer::Pending {
                        return;
                    }
                    rt.gathered += count;
                    if rt.gathered == rt.steps.len() as u64 {
                        if BASIC || rt.order.patience.is_none() {
                            // The gather's result wakes the order task at once.
                            rt.outer = Outer::Ok;
                            self.ready.push_back(Handle::Resume(Task::Order(o)));
                        } else {
                            rt.outer = if rt.cancel_requested { Outer::Cancelled } else { Outer::Ok };
                            self.ready.push_back(Handle::OuterDone {
                                order: o,
                                generation: rt.generation,
                                id: rt.order.id,
                            });
                        }
                    }
                }
                Task::Step(..) => unreachable!("steps gather nothing"),
            },
            Handle::GatherNoop(o) => {
                self.orders[o as usize].live_steps -= 1;
                self.release_slot(o);
            }
            Handle::ChildCancelled(o) => {
                let rt = &mut self.orders[o as usize];
                if rt.outer == Outer::Pending {
                    rt.outer = Outer::Cancelled;
                    self.ready.push_back(Handle::OuterDone {
                        order: o,
                        generation: rt.generation,
                        id: rt.order.id,
                    });
                }
            }
            Handle::OuterDone { order, generation, .. } => self.release_waiter(order, generation, false),
            Handle::Timeout { order, generation } => self.release_waiter(order, generation, true),
        }
    }

    /// `_release_waiter(waiter)`: completes the waiter the order task awaits, unless
    /// it is done (or belongs to an earlier order of the slot, or `wait_for` has
    /// already returned). The timeout only ever releases `wait_for`'s own waiter.
    fn release_waiter(&mut self, o: u32, generation: u32, timeout: bool) {
        let rt = &mut self.orders[o as usize];
        let waiting = match rt.state {
            OrderState::WaitFor => true,
            OrderState::CancelWait => !timeout,
            _ => false,
        };
        if rt.generation == generation && waiting && !rt.waiter_done {
            rt.waiter_done = true;
            self.ready.push_back(Handle::Resume(Task::Order(o)));
        }
    }

    /// Schedules a task's wakeup.
    #[inline(always)]
    fn wake(&mut self, task: Task) {
        if let Task::Step(o, s) = task {
            self.orders[o as usize].steps[s as usize].wake_pending = true;
        }
        self.ready.push_back(Handle::Resume(task));
    }

    /// Stops the run: something of order slot `o` would happen after `MAX_TICKS`.
    #[cold]
    #[inline(never)]
    fn overrun(&mut self, o: u32, what: Overran) {
        let order = &self.orders[o as usize].order;
        self.overrun = Some(Overrun { at: self.now, order: order.id, item: order.item, what });
        self.stopped = true;
    }
}
