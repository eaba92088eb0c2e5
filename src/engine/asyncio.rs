//! The asynchronous kitchen: CPython 3.11's asyncio event loop, reproduced exactly for
//! the program in `CANONICAL.md`.
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
//! chain first (`longest-chain`). Choosing costs a heap operation ([`Chooser`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::{Clock, Outcome, Overran, Overrun, later};
use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, Policy, Scenario, Step as RecipeStep, StepIx, StepKind};
use crate::orders::{Order, OrderSource};
use crate::time::Ticks;

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
    /// `_release_waiter(waiter)` as the order's gathered future's done-callback: the
    /// waiter of `wait_for`, or of `_cancel_and_wait` once the order timed out.
    /// `generation` tells a later order in the same slot apart.
    OuterDone { order: u32, generation: u32 },
    /// `_release_waiter(waiter)` as `wait_for`'s timeout timer callback.
    Timeout { order: u32, generation: u32 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StepState {
    New,
    /// Awaiting `after[cursor]`.
    AwaitDep,
    /// Queued on the semaphore of its equipment.
    AwaitEquipment,
    /// In `asyncio.sleep`.
    Sleeping,
    /// In a hands-on step, on a cook.
    Blocked,
    Done,
    /// The task ended cancelled (its order's customer left).
    Cancelled,
}

impl StepState {
    fn ended(self) -> bool {
        matches!(self, StepState::Done | StepState::Cancelled)
    }
}

#[derive(Clone, Copy)]
struct StepRt {
    state: StepState,
    cursor: u16,
    /// A wakeup of this task is in the ready queue (the future it awaits is done, or
    /// it has not run yet).
    wake_pending: bool,
    /// `CancelledError` is thrown into the task when it next runs: `Task.cancel()` set
    /// `_must_cancel`, or cancelled the future it awaits.
    cancel: bool,
    /// The sequence number of its `asyncio.sleep` timer, 0 when none is armed.
    timer_seq: u64,
    /// Its timer is still in the heap (not fired yet): cancelling it leaves a stale
    /// entry there (tracked outside the basic kitchen only, which cancels nothing).
    timer_in_heap: bool,
    /// The longest chain of work from the start of this step to the end of its order
    /// (`longest-chain` policy only).
    chain: Ticks,
    /// Steps awaiting this one, in the order they started awaiting (the done-callbacks
    /// after the order's gather callback, which always comes first): a list through
    /// `next_waiter`, from `first_waiter` to `last_waiter`, [`NONE`] when empty.
    first_waiter: StepIx,
    last_waiter: StepIx,
    /// The next step awaiting the same step as this one.
    next_waiter: StepIx,
    cook: Option<CookIx>,
}

// The flag for cancelled timers fits in what was padding.
const _: () = assert!(std::mem::size_of::<StepRt>() <= 32);

/// No step: the end of a list of waiters.
const NONE: StepIx = StepIx::MAX;

impl StepRt {
    /// A step task just created.
    const NEW: StepRt = StepRt {
        state: StepState::New,
        cursor: 0,
        wake_pending: true,
        cancel: false,
        timer_seq: 0,
        timer_in_heap: false,
        chain: 0,
        first_waiter: NONE,
        last_waiter: NONE,
        next_waiter: NONE,
        cook: None,
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OrderState {
    New,
    /// In `await gather(...)` (a customer without patience).
    Gathering,
    /// In `wait_for(gather(...), timeout)`, awaiting its waiter.
    WaitFor,
    /// Timed out: in `_cancel_and_wait(gather)`, awaiting its waiter.
    CancelWait,
    Done,
}

/// The state of the order's gathered future (`_GatheringFuture`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outer {
    Pending,
    /// Done with the results of every step.
    Ok,
    /// Done with `CancelledError`.
    Cancelled,
}

struct OrderRt<'s> {
    order: Order,
    /// The steps of the order's recipe.
    recipe: &'s [RecipeStep],
    state: OrderState,
    /// Bumped each time the slot takes a new order.
    generation: u32,
    gathered: u64,
    outer: Outer,
    /// `_GatheringFuture._cancel_requested`.
    cancel_requested: bool,
    /// Whether the waiter the order task awaits (of `wait_for` or `_cancel_and_wait`)
    /// is done.
    waiter_done: bool,
    /// The sequence number of the timeout timer while it is in the heap, 0 when none
    /// is armed or it has fired.
    timeout_seq: u64,
    /// When its first step started; `None` while the customer is still waiting.
    first_start: Option<Ticks>,
    /// Step tasks not ended yet: the slot is reused only when none is left.
    live_steps: u32,
    steps: Vec<StepRt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DoorState {
    New,
    Sleeping,
    Gathering,
    /// Every order is done, but a cook is still in a hands-on step whose customer
    /// left (several cooks only): service ends when the last such step does.
    Closing,
    Done,
}

struct Door {
    state: DoorState,
    /// The slot holding the next customer, drawn but not yet let in (drawn straight
    /// into the slot its order will use); meaningful while `has_next`.
    next: u32,
    has_next: bool,
    created: u64,
    finished: u64,
    /// Whether the door has reached `gather(*tasks)`.
    gathering: bool,
    gathered: u64,
}

/// The future of a task queued on a semaphore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waiter {
    Pending,
    /// `_wake_up_next` handed it a unit (its result is set).
    Handed,
    Cancelled,
}

/// `asyncio.Semaphore` as in CPython 3.11.x.
struct Semaphore {
    value: u32,
    /// Waiters' futures. A waiter stays queued until its task resumes.
    waiters: VecDeque<(Task, Waiter)>,
}

impl Semaphore {
    fn locked(&self) -> bool {
        self.value == 0 || self.waiters.iter().any(|(_, w)| *w != Waiter::Cancelled)
    }

    /// `_wake_up_next`: hand a unit to the first waiter whose future is not done, and
    /// return its task (to be woken).
    #[must_use]
    fn wake_up_next(&mut self) -> Option<Task> {
        let (task, w) = self.waiters.iter_mut().find(|(_, w)| *w == Waiter::Pending)?;
        self.value -= 1;
        *w = Waiter::Handed;
        Some(*task)
    }
}

/// The ready queue as a dispatch policy other than `fifo` sees it: the handles in
/// queue order, each numbered, with the next to run found by two heaps rather than a
/// pass over the queue (a recipe of 20,000 steps queues 20,000 handles per order).
///
/// A handle's key ([`Kitchen::dispatch_key`]) is taken when it enters, and only
/// changes one way while it waits: a hands-on step about to start that is cancelled
/// takes no cook time any more ([`Chooser::cancelled`] moves it).
#[derive(Default)]
struct Chooser {
    /// The handles from number `first` on, `None` once run.
    queue: VecDeque<Option<Handle>>,
    first: u64,
    /// The numbers of the handles that take no cook time: the earliest runs first.
    free: BinaryHeap<Reverse<u64>>,
    /// The hands-on steps about to start, by longest chain, then the earliest.
    hands_on: BinaryHeap<(Ticks, Reverse<u64>)>,
    /// The number of each hands-on step about to start (a task has at most one
    /// wakeup queued).
    steps: rustc_hash::FxHashMap<(u32, StepIx), u64>,
    /// How many handles wait.
    len: usize,
}

impl Chooser {
    fn push(&mut self, h: Handle, (hands_on, Reverse(chain)): (bool, Reverse<Ticks>)) {
        let n = self.first + self.queue.len() as u64;
        self.queue.push_back(Some(h));
        self.len += 1;
        match h {
            Handle::Resume(Task::Step(o, s)) if hands_on => {
                self.hands_on.push((chain, Reverse(n)));
                self.steps.insert((o, s), n);
            }
            _ => self.free.push(Reverse(n)),
        }
    }

    /// The queued wakeup of step `s` of order `o`, if any, was cancelled.
    fn cancelled(&mut self, o: u32, s: StepIx) {
        if let Some(&n) = self.steps.get(&(o, s)) {
            self.free.push(Reverse(n));
        }
    }

    /// Takes out the handle to run next: the first that takes no cook time, else the
    /// hands-on step of the longest chain, the earliest among equals.
    fn take(&mut self) -> Option<Handle> {
        let n = loop {
            let n = match (self.free.peek(), self.hands_on.peek()) {
                (Some(&Reverse(n)), _) => n,
                (None, Some(&(_, Reverse(n)))) => n,
                (None, None) => return None,
            };
            // Skip what ran already (a cancelled step is in both heaps).
            if n >= self.first && self.queue[(n - self.first) as usize].is_some() {
                break n;
            }
            if self.free.pop().is_none() {
                self.hands_on.pop();
            }
        };
        let h = self.queue[(n - self.first) as usize].take().expect("checked above");
        if let Handle::Resume(Task::Step(o, s)) = h {
            if self.steps.get(&(o, s)) == Some(&n) {
                self.steps.remove(&(o, s));
            }
        }
        while let Some(None) = self.queue.front() {
            self.queue.pop_front();
            self.first += 1;
        }
        self.len -= 1;
        Some(h)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    when: Ticks,
    seq: u64,
    task: Task,
}

/// Whether timer `t` is still live: not cancelled since it was armed. Each timer has
/// its own sequence number, which the step or order that armed it remembers until the
/// timer fires or is cancelled. (A slot may hold a later order by now, with other
/// steps and timers.)
#[inline(always)]
fn timer_live(orders: &[OrderRt<'_>], t: &Timer) -> bool {
    match t.task {
        Task::Door => true,
        Task::Step(o, s) => orders[o as usize].steps.get(s as usize).is_some_and(|st| st.timer_seq == t.seq),
        Task::Order(o) => orders[o as usize].timeout_seq == t.seq,
    }
}

/// The most cooks for which [`engine::run`](super::run) keeps the busy ones in
/// [`SortedKeys`] rather than [`HeapKeys`].
pub const FEW_COOKS: u16 = 64;

/// The busy cooks, each as one key, `until << 64 | seq << 16 | cook`, so that the
/// least key is the cook whose hands-on step ends first (ties by the order the steps
/// began).
///
/// Two kinds, and [`Kitchen`] is compiled for each: [`SortedKeys`] for a few cooks,
/// [`HeapKeys`] for many. The sorted list saves the heap's sifting, whose branches
/// go either way at random, on every step that ends. Engine alone, M/M/c at 90%
/// load (`cargo bench --bench mmc` and the same model with more cooks): +6% with one
/// cook, +4% with four, +9 to 13% with 8 to 32, +8% with 64; past that its
/// insertions cost more than they save (−6% with 128 cooks, −24% with 256).
pub trait BusyKeys {
    fn with_capacity(cooks: usize) -> Self;
    fn push(&mut self, key: u128);
    /// The least key.
    fn first(&self) -> Option<u128>;
    /// Takes out the least key.
    fn pop_first(&mut self) -> Option<u128>;
    fn is_empty(&self) -> bool;
}

/// Busy cooks' keys as a list sorted by descending key: the least is popped from its
/// end, and a new key is inserted by moving the few below it one place along.
pub struct SortedKeys(Vec<u128>);

impl BusyKeys for SortedKeys {
    fn with_capacity(cooks: usize) -> Self {
        SortedKeys(Vec::with_capacity(cooks))
    }

    #[inline(always)]
    fn push(&mut self, key: u128) {
        let keys = &mut self.0;
        keys.push(key);
        let mut i = keys.len() - 1;
        while i > 0 && keys[i - 1] < key {
            keys[i] = keys[i - 1];
            i -= 1;
        }
        keys[i] = key;
    }

    #[inline]
    fn first(&self) -> Option<u128> {
        self.0.last().copied()
    }

    #[inline]
    fn pop_first(&mut self) -> Option<u128> {
        self.0.pop()
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Busy cooks' keys in a binary heap.
pub struct HeapKeys(BinaryHeap<Reverse<u128>>);

impl BusyKeys for HeapKeys {
    fn with_capacity(cooks: usize) -> Self {
        HeapKeys(BinaryHeap::with_capacity(cooks))
    }

    #[inline]
    fn push(&mut self, key: u128) {
        self.0.push(Reverse(key));
    }

    #[inline]
    fn first(&self) -> Option<u128> {
        self.0.peek().map(|Reverse(k)| *k)
    }

    #[inline]
    fn pop_first(&mut self) -> Option<u128> {
        self.0.pop().map(|Reverse(k)| k)
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The cooks: who is free, and who is in which hands-on step until when.
struct Cooks<B> {
    busy: B,
    /// The step each busy cook is in, by cook.
    step: Vec<(u32, StepIx)>,
    /// A bit per cook, set when free: the lowest free cook is the first set bit.
    free: Vec<u64>,
    free_count: usize,
}

impl<B: BusyKeys> Cooks<B> {
    fn new(cooks: usize) -> Self {
        let mut free = vec![0u64; cooks.div_ceil(64)];
        for c in 0..cooks {
            free[c / 64] |= 1 << (c % 64);
        }
        Cooks { busy: B::with_capacity(cooks), step: vec![(0, 0); cooks], free, free_count: cooks }
    }

    /// The free cook with the lowest number.
    #[inline]
    fn lowest_free(&self) -> CookIx {
        let (w, bits) = self.free.iter().enumerate().find(|(_, b)| **b != 0).expect("a cook is free");
        (w * 64 + bits.trailing_zeros() as usize) as CookIx
    }

    /// `cook` starts a hands-on step, its `seq`-th, lasting until `until`.
    #[inline(always)]
    fn block(&mut self, cook: CookIx, until: Ticks, seq: u64, step: (u32, StepIx)) {
        // 2^48 sequence numbers would take months of simulation at full speed.
        assert!(seq < 1 << 48, "sequence numbers fit in 48 bits");
        self.busy.push(u128::from(until) << 64 | u128::from(seq) << 16 | u128::from(cook));
        self.step[cook as usize] = step;
        self.free[cook as usize / 64] &= !(1 << (cook % 64));
        self.free_count -= 1;
    }

    /// When the earliest hands-on step ends.
    #[inline]
    fn next_end(&self) -> Option<Ticks> {
        self.busy.first().map(|k| (k >> 64) as Ticks)
    }

    /// Ends the earliest hands-on step, freeing its cook: its end and its step.
    #[inline]
    fn unblock(&mut self) -> (Ticks, (u32, StepIx)) {
        let k = self.busy.pop_first().expect("a cook is busy");
        let cook = k as CookIx;
        self.free[cook as usize / 64] |= 1 << (cook % 64);
        self.free_count += 1;
        ((k >> 64) as Ticks, self.step[cook as usize])
    }
}

/// One run of the asynchronous kitchen.
///
/// `BASIC` is true for a kitchen without equipment, patience, balking or a dispatch
/// policy other than `fifo` (see [`is_basic`]): the same code, compiled with every
/// check for those left out. That is worth 2% of simulated customers per second
/// with statistics and 7–9% for the engine alone (`cargo bench --bench mmc`).
/// `B` keeps the busy cooks: see [`BusyKeys`].
pub struct Kitchen<'s, const BASIC: bool, B> {
    sc: &'s Scenario,
    source: OrderSource<'s>,
    now: Ticks,
    start: Ticks,
    ready: VecDeque<Handle>,
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
}

/// Whether `sc` runs in a [`Kitchen`] whose `BASIC` is true.
pub fn is_basic(sc: &Scenario) -> bool {
    sc.kitchen.equipment.is_empty()
        && !sc.has_patience()
        && sc.balk.is_none()
        && sc.kitchen.policy == Policy::Fifo
}

impl<'s, const BASIC: bool, B: BusyKeys> Kitchen<'s, BASIC, B> {
    pub fn new(sc: &'s Scenario, source: OrderSource<'s>) -> Self {
        debug_assert!(!BASIC || is_basic(sc), "a basic kitchen for a scenario that is not");
        let cooks = sc.kitchen.cooks as usize;
        Kitchen {
            sc,
            source,
            now: 0,
            start: 0,
            ready: VecDeque::new(),
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
        }
    }

    /// Runs the kitchen until the door's final line, or until the clock stops it.
    pub fn run<C: Clock + ?Sized, S: Sink + ?Sized>(mut self, clock: &mut C, sink: &mut S) -> Outcome {
        // asyncio.run(main()): the main task's first step is the only ready handle.
        self.ready.push_back(Handle::Resume(Task::Door));
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
            }
            // One iteration of `BaseEventLoop._run_once`.
            while self.cooks.next_end().is_some_and(|until| until <= self.now) {
                self.resume_earliest_cook(clock, sink);
            }
            while let Some(&Reverse(t)) = self.timers.peek() {
                if t.when > self.now {
                    break;
                }
                self.timers.pop();
                if let Some(handle) = self.timer_handle(t) {
                    if !BASIC {
                        self.timer_fired(t);
                    }
                    self.ready.push_back(handle);
                } else {
                    debug_assert!(self.cancelled_timers > 0, "every stale timer was counted");
                    self.cancelled_timers = self.cancelled_timers.saturating_sub(1);
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

    /// The handle a due timer puts in the ready queue; `None` for a timer that was
    /// cancelled (CPython skips those).
    fn timer_handle(&self, t: Timer) -> Option<Handle> {
        match t.task {
            Task::Door => Some(Handle::SleepDone { task: Task::Door, seq: t.seq }),
            Task::Step(..) => {
                timer_live(&self.orders, &t).then_some(Handle::SleepDone { task: t.task, seq: t.seq })
            }
            Task::Order(o) => timer_live(&self.orders, &t)
                .then(|| Handle::Timeout { order: o, generation: self.orders[o as usize].generation }),
        }
    }

    /// A live timer left the heap: cancelling it now cancels nothing there.
    fn timer_fired(&mut self, t: Timer) {
        match t.task {
            Task::Door => {}
            Task::Step(o, s) => self.orders[o as usize].steps[s as usize].timer_in_heap = false,
            Task::Order(o) => self.orders[o as usize].timeout_seq = 0,
        }
    }

    /// A timer still in the heap was cancelled (`TimerHandle.cancel()`): it stays
    /// there, stale, and is dropped when it reaches the head; once the stale timers are
    /// more than half of a heap of over 100, the heap is rebuilt without them, as
    /// CPython's `_run_once` does, so that it holds at most about twice the live ones.
    #[cold]
    #[inline(never)]
    fn timer_cancelled(&mut self) {
        self.cancelled_timers += 1;
        if self.timers.len() > 100 && self.cancelled_timers * 2 > self.timers.len() {
            let orders = &self.orders;
            self.timers.retain(|Reverse(t)| timer_live(orders, t));
            self.cancelled_timers = 0;
        }
    }

    /// Drops the cancelled timers at the head of the heap (`_run_once` does before it
    /// computes how long to wait), so that its head is the first live timer.
    #[inline(always)]
    fn drop_cancelled_timers(&mut self) {
        while self.cancelled_timers > 0
            && self.timers.peek().is_some_and(|Reverse(t)| !timer_live(&self.orders, t))
        {
            self.timers.pop();
            self.cancelled_timers -= 1;
        }
    }

    /// Lower runs first: every handle that takes no cook time (including unattended
    /// steps), then the hands-on steps about to start, by descending remaining chain
    /// under `longest-chain`.
    fn dispatch_key(&self, h: &Handle) -> (bool, Reverse<Ticks>) {
        let Handle::Resume(Task::Step(o, s)) = *h else { return (false, Reverse(0)) };
        let rt = &self.orders[o as usize];
        let st = &rt.steps[s as usize];
        let step = &rt.recipe[s as usize];
        let starts = matches!(st.state, StepState::New | StepState::AwaitDep | StepState::AwaitEquipment);
        if !(starts && !st.cancel && step.kind == StepKind::HandsOn) {
            return (false, Reverse(0));
        }
        (true, Reverse(st.chain))
    }

    fn advance<C: Clock + ?Sized>(&mut self, t: Ticks, clock: &mut C) {
        if t > self.now {
            self.now = t;
            if !clock.advance(t) {
                self.stopped = true;
            }
        }
    }

    /// Moves time to the earliest end of a hands-on step and runs the rest of that
    /// step's handle.
    fn resume_earliest_cook<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        let (until, (o, s)) = self.cooks.unblock();
        self.advance(until, clock);
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
                            self.ready.push_back(Handle::OuterDone { order: o, generation: rt.generation });
                        }
                    }
                }
                Task::Step(..) => unreachable!("steps gather nothing"),
            },
            Handle::ChildCancelled(o) => {
                let rt = &mut self.orders[o as usize];
                if rt.outer == Outer::Pending {
                    rt.outer = Outer::Cancelled;
                    self.ready.push_back(Handle::OuterDone { order: o, generation: rt.generation });
                }
            }
            Handle::OuterDone { order, generation } => self.release_waiter(order, generation, false),
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

    fn arm_timer(&mut self, when: Ticks, task: Task) -> u64 {
        self.seq += 1;
        self.timers.push(Reverse(Timer { when, seq: self.seq, task }));
        self.seq
    }

    // ---- the door: main() --------------------------------------------------------

    fn resume_door<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        match self.door.state {
            DoorState::New => {
                sink.event(&Event { t: self.now, kind: EventKind::ServiceStarted });
                self.start = self.now;
                self.draw_next();
            }
            DoorState::Sleeping => {
                self.let_in();
            }
            DoorState::Gathering => {
                if self.cooks.busy.is_empty() {
                    self.end_service(clock, sink);
                } else {
                    self.door.state = DoorState::Closing;
                }
                return;
            }
            DoorState::Closing | DoorState::Done => unreachable!("the door ran after its last order"),
        }
        // for o in orders: sleep until its arrival, then create_task(run_order(o))
        while self.door.has_next {
            let Some(due) = later(self.start, self.orders[self.door.next as usize].order.arrival) else {
                return self.overrun(self.door.next, Overran::Arrival);
            };
            if due > self.now {
                self.arm_timer(due, Task::Door);
                self.door.state = DoorState::Sleeping;
                return;
            }
            self.let_in();
        }
        // await gather(*tasks)
        if self.door.created == 0 {
            self.end_service(clock, sink);
            return;
        }
        self.door.gathering = true;
        // Tasks already done get their gather callback scheduled at once.
        if self.door.finished > 0 {
            self.ready.push_back(Handle::GatherDone { owner: Task::Door, count: self.door.finished });
        }
        self.door.state = DoorState::Gathering;
    }

    fn end_service<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        let elapsed = clock.elapsed(self.now - self.start);
        sink.event(&Event { t: self.now, kind: EventKind::ServiceEnded { elapsed, served: self.served } });
        self.door.state = DoorState::Done;
    }

    /// Draws the next customer into a free slot.
    fn draw_next(&mut self) {
        let slot = self.free_slot();
        self.door.next = slot;
        self.door.has_next = self.source.next_into(&mut self.orders[slot as usize].order);
        if !self.door.has_next {
            self.free_slots.push(slot);
        }
    }

    /// A slot no order uses, new if need be.
    fn free_slot(&mut self) -> u32 {
        match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.orders.push(OrderRt {
                    order: Order::default(),
                    recipe: &[],
                    state: OrderState::Done,
                    generation: 0,
                    gathered: 0,
                    outer: Outer::Pending,
                    cancel_requested: false,
                    waiter_done: false,
                    timeout_seq: 0,
                    first_start: None,
                    live_steps: 0,
                    steps: Vec::new(),
                });
                (self.orders.len() - 1) as u32
            }
        }
    }

    /// `tasks.append(asyncio.create_task(run_order(o)))`, then draw the next customer.
    fn let_in(&mut self) {
        let slot = self.door.next;
        let rt = &mut self.orders[slot as usize];
        rt.recipe = &self.sc.recipe_of(rt.order.item).steps;
        rt.state = OrderState::New;
        rt.generation = rt.generation.wrapping_add(1);
        rt.gathered = 0;
        rt.outer = Outer::Pending;
        rt.cancel_requested = false;
        rt.waiter_done = false;
        rt.timeout_seq = 0;
        rt.first_start = None;
        self.door.created += 1;
        self.ready.push_back(Handle::Resume(Task::Order(slot)));
        self.draw_next();
    }

    // ---- an order: run_order(o) --------------------------------------------------

    fn resume_order<S: Sink + ?Sized>(&mut self, o: u32, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        match rt.state {
            OrderState::New => {
                sink.event(&Event { t: self.now, kind: EventKind::Arrived { order: &rt.order } });
                if !BASIC && self.sc.balk.is_some_and(|k| self.waiting > u64::from(k)) {
                    sink.event(&Event { t: self.now, kind: EventKind::Balked { order: &rt.order } });
                    return self.order_done(o);
                }
                self.waiting += 1;
                self.create_steps(o);
                let rt = &mut self.orders[o as usize];
                match rt.order.patience.filter(|_| !BASIC) {
                    None => rt.state = OrderState::Gathering,
                    Some(patience) => {
                        // wait_for(gather, arrival + patience - elapsed)
                        let Some(deadline) = later(self.start.saturating_add(rt.order.arrival), patience)
                        else {
                            return self.overrun(o, Overran::Patience);
                        };
                        if deadline > self.now {
                            rt.state = OrderState::WaitFor;
                            let seq = self.arm_timer(deadline, Task::Order(o));
                            self.orders[o as usize].timeout_seq = seq;
                        } else {
                            // A timeout of 0 or less: cancel at once.
                            rt.state = OrderState::CancelWait;
                            self.cancel_gather(o);
                        }
                    }
                }
            }
            OrderState::Gathering => self.serve(o, sink),
            OrderState::WaitFor | OrderState::CancelWait if rt.outer != Outer::Pending => {
                // `timeout_handle.cancel()`
                if std::mem::take(&mut rt.timeout_seq) != 0 {
                    self.timer_cancelled();
                }
                let rt = &mut self.orders[o as usize];
                match rt.outer {
                    Outer::Ok => self.serve(o, sink),
                    _ => self.leave(o, sink),
                }
            }
            OrderState::WaitFor => {
                // Timed out: `_cancel_and_wait(gather)`, with a new waiter.
                rt.state = OrderState::CancelWait;
                rt.waiter_done = false;
                self.cancel_gather(o);
            }
            OrderState::CancelWait => unreachable!("the gather's cancellation ends it"),
            OrderState::Done => unreachable!("a finished order ran again"),
        }
    }

    /// One task per step, in recipe order, then gather them (none is done yet, so
    /// each gets the gather's callback first).
    #[inline(always)]
    fn create_steps(&mut self, o: u32) {
        let sc = self.sc;
        let rt = &mut self.orders[o as usize];
        let recipe = rt.recipe;
        let n = recipe.len();
        rt.steps.clear();
        rt.steps.resize(n, StepRt::NEW);
        if !BASIC && sc.kitchen.policy == Policy::LongestChain {
            // Recipe order is a topological order: walk it backwards.
            for t in (0..n).rev() {
                // Saturating: a chain past the limit only ranks first; its step stops the run.
                let chain = rt.steps[t].chain.saturating_add(rt.order.durations[t]);
                rt.steps[t].chain = chain;
                for &d in &recipe[t].after {
                    let dep = &mut rt.steps[d as usize];
                    dep.chain = dep.chain.max(chain);
                }
            }
        }
        rt.live_steps = n as u32;
        for s in 0..n {
            self.ready.push_back(Handle::Resume(Task::Step(o, s as StepIx)));
        }
    }

    /// `gather(...).cancel()`: cancel each step task in recipe order.
    fn cancel_gather(&mut self, o: u32) {
        let n = self.orders[o as usize].steps.len();
        let mut any = false;
        for s in 0..n {
            any |= self.cancel_step(o, s as StepIx);
        }
        if any {
            self.orders[o as usize].cancel_requested = true;
        }
    }

    /// `Task.cancel()` of a step task; false when it has already ended.
    fn cancel_step(&mut self, o: u32, s: StepIx) -> bool {
        let rt = &mut self.orders[o as usize];
        let step = &rt.recipe[s as usize];
        let st = &mut rt.steps[s as usize];
        if st.state.ended() {
            return false;
        }
        if st.wake_pending || matches!(st.state, StepState::New | StepState::Blocked) {
            // No future to cancel (or it is done already): `_must_cancel`.
            st.cancel = true;
            if !BASIC && self.sc.kitchen.policy != Policy::Fifo {
                self.chooser.cancelled(o, s); // Its wakeup takes no cook time now.
            }
            return true;
        }
        match st.state {
            StepState::AwaitDep => {
                // Its future is the step it awaits, cancelled again (harmlessly).
                let dep = step.after[st.cursor as usize];
                self.cancel_step(o, dep);
            }
            StepState::AwaitEquipment => {
                // The semaphore's future is cancelled, which wakes the task.
                st.cancel = true;
                let e = step.uses.expect("waiting steps use equipment") as usize;
                let w = self.sems[e].waiters.iter_mut().find(|(t, _)| *t == Task::Step(o, s));
                w.expect("a waiting step is queued").1 = Waiter::Cancelled;
                self.wake(Task::Step(o, s));
            }
            StepState::Sleeping => {
                // The sleep's future is cancelled, which wakes the task.
                st.cancel = true;
                self.wake(Task::Step(o, s));
            }
            _ => unreachable!("handled above"),
        }
        true
    }

    fn serve<S: Sink + ?Sized>(&mut self, o: u32, sink: &mut S) {
        let rt = &self.orders[o as usize];
        let started = rt.first_start.expect("a served order has started");
        let kind = EventKind::Served { order: &rt.order, started };
        sink.event(&Event { t: self.now, kind });
        self.served += 1;
        self.order_done(o);
    }

    /// `except TimeoutError`: the customer leaves.
    fn leave<S: Sink + ?Sized>(&mut self, o: u32, sink: &mut S) {
        let rt = &self.orders[o as usize];
        sink.event(&Event { t: self.now, kind: EventKind::Left { order: &rt.order } });
        if rt.first_start.is_none() {
            self.waiting -= 1;
        }
        self.order_done(o);
    }

    /// `run_order` returns: the door's gather hears of it.
    #[inline(always)]
    fn order_done(&mut self, o: u32) {
        let rt = &mut self.orders[o as usize];
        rt.state = OrderState::Done;
        debug_assert_eq!(rt.timeout_seq, 0, "a finished order's timeout is cancelled or fired");
        self.door.finished += 1;
        if self.door.gathering {
            self.ready.push_back(Handle::GatherDone { owner: Task::Door, count: 1 });
        }
        self.release_slot(o);
    }

    /// Frees the slot of a finished order once no task of it is left.
    #[inline(always)]
    fn release_slot(&mut self, o: u32) {
        let rt = &self.orders[o as usize];
        if rt.state == OrderState::Done && rt.live_steps == 0 {
            self.free_slots.push(o);
        }
    }

    // ---- a step: run_step(o, s, deps) --------------------------------------------

    fn resume_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let step = &rt.recipe[s as usize];
        let st = &mut rt.steps[s as usize];
        st.wake_pending = false;
        match st.state {
            StepState::New if !BASIC && st.cancel => return self.end_step(o, s, true),
            StepState::New => {}
            // The step awaited is done: `await d` returns, or raises CancelledError.
            StepState::AwaitDep => {
                let (dep, cancel) = (step.after[st.cursor as usize], st.cancel);
                if cancel || rt.steps[dep as usize].state == StepState::Cancelled {
                    return self.end_step(o, s, true);
                }
                rt.steps[s as usize].cursor += 1;
            }
            StepState::AwaitEquipment => {
                let cancel = st.cancel;
                let e = step.uses.expect("waiting steps use equipment");
                let sem = &mut self.sems[e as usize];
                let pos = sem.waiters.iter().position(|(t, _)| *t == Task::Step(o, s));
                let (_, waiter) =
                    sem.waiters.remove(pos.expect("a resumed waiter is queued")).expect("queued");
                if cancel {
                    if waiter == Waiter::Handed {
                        // The unit it was handed goes to the next in line.
                        sem.value += 1;
                        if let Some(next) = sem.wake_up_next() {
                            self.wake(next);
                        }
                    }
                    let rt = &self.orders[o as usize];
                    let kind = EventKind::StepCancelled { order: &rt.order, step: s, started: false };
                    sink.event(&Event { t: self.now, kind });
                    return self.end_step(o, s, true);
                }
                if sem.value > 0 {
                    if let Some(next) = sem.wake_up_next() {
                        self.wake(next);
                    }
                }
                return self.start_step(o, s, sink);
            }
            StepState::Sleeping if st.cancel => {
                // CancelledError out of `asyncio.sleep` (its timer is cancelled) and
                // out of `async with`, which gives the equipment back.
                st.timer_seq = 0;
                if std::mem::take(&mut st.timer_in_heap) {
                    self.timer_cancelled();
                }
                let rt = &self.orders[o as usize];
                let kind = EventKind::StepCancelled { order: &rt.order, step: s, started: true };
                sink.event(&Event { t: self.now, kind });
                self.release_equipment(o, s);
                return self.end_step(o, s, true);
            }
            StepState::Sleeping => return self.finish_step(o, s, sink),
            StepState::Blocked | StepState::Done | StepState::Cancelled => {
                unreachable!("step resumed in state {:?}", st.state)
            }
        }
        // for d in deps: await d
        let rt = &mut self.orders[o as usize];
        while let Some(&dep) = step.after.get(rt.steps[s as usize].cursor as usize) {
            let dep_rt = &mut rt.steps[dep as usize];
            if dep_rt.state == StepState::Done {
                rt.steps[s as usize].cursor += 1;
            } else {
                // (A cancelled step is only awaited once its order is being cancelled,
                // and then every step of it already has its cancellation coming.)
                match dep_rt.last_waiter {
                    NONE => dep_rt.first_waiter = s,
                    last => rt.steps[last as usize].next_waiter = s,
                }
                rt.steps[dep as usize].last_waiter = s;
                rt.steps[s as usize].state = StepState::AwaitDep;
                return;
            }
        }
        // async with equipment[uses]:
        if let Some(e) = step.uses.filter(|_| !BASIC) {
            let sem = &mut self.sems[e as usize];
            if sem.locked() {
                sem.waiters.push_back((Task::Step(o, s), Waiter::Pending));
                rt.steps[s as usize].state = StepState::AwaitEquipment;
                let order = &rt.order;
                sink.event(&Event {
                    t: self.now,
                    kind: EventKind::StepWaiting { order, step: s, equipment: e, cook: None },
                });
                return;
            }
            sem.value -= 1;
        }
        self.start_step(o, s, sink);
    }

    /// `await body(o, s)`: the start line, then block or sleep.
    #[inline(always)]
    fn start_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        if rt.first_start.is_none() {
            rt.first_start = Some(self.now);
            self.waiting -= 1;
        }
        let step = &rt.recipe[s as usize];
        let duration = rt.order.durations[s as usize];
        // The handle runs on the free cook with the lowest number.
        let cook = (step.kind == StepKind::HandsOn).then(|| self.cooks.lowest_free());
        rt.steps[s as usize].cook = cook;
        sink.event(&Event { t: self.now, kind: EventKind::StepStarted { order: &rt.order, step: s, cook } });
        match step.kind {
            StepKind::HandsOn => {
                // time.sleep(d): this cook runs nothing else until it ends.
                if duration == 0 {
                    return self.finish_step(o, s, sink);
                }
                rt.steps[s as usize].state = StepState::Blocked;
                self.seq += 1;
                let cook = cook.expect("a hands-on step has a cook");
                let Some(until) = later(self.now, duration) else {
                    return self.overrun(o, Overran::Step(s));
                };
                self.cooks.block(cook, until, self.seq, (o, s));
            }
            StepKind::Unattended => {
                rt.steps[s as usize].state = StepState::Sleeping;
                if duration == 0 {
                    // asyncio.sleep(0) yields once.
                    self.wake(Task::Step(o, s));
                } else {
                    let Some(when) = later(self.now, duration) else {
                        return self.overrun(o, Overran::Step(s));
                    };
                    let seq = self.arm_timer(when, Task::Step(o, s));
                    let st = &mut self.orders[o as usize].steps[s as usize];
                    st.timer_seq = seq;
                    if !BASIC {
                        st.timer_in_heap = true;
                    }
                }
            }
        }
    }

    /// The finish line and giving back the equipment; the task then ends (cancelled,
    /// if it was cancelled while a cook was in it).
    fn finish_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let st = &mut rt.steps[s as usize];
        st.timer_seq = 0;
        let (cook, cancelled) = (st.cook, !BASIC && st.cancel);
        sink.event(&Event { t: self.now, kind: EventKind::StepFinished { order: &rt.order, step: s, cook } });
        self.release_equipment(o, s);
        self.end_step(o, s, cancelled);
    }

    /// Leaving `async with`: the semaphore's `release()`.
    #[inline(always)]
    fn release_equipment(&mut self, o: u32, s: StepIx) {
        let rt = &self.orders[o as usize];
        if let Some(e) = rt.recipe[s as usize].uses.filter(|_| !BASIC) {
            let sem = &mut self.sems[e as usize];
            sem.value += 1;
            if let Some(next) = sem.wake_up_next() {
                self.wake(next);
            }
        }
    }

    /// The step task ends: its done-callbacks in the order they were added, the
    /// order's gather first, then the steps awaiting it.
    #[inline(always)]
    fn end_step(&mut self, o: u32, s: StepIx, cancelled: bool) {
        let rt = &mut self.orders[o as usize];
        rt.live_steps -= 1;
        let st = &mut rt.steps[s as usize];
        st.state = if cancelled { StepState::Cancelled } else { StepState::Done };
        // Once the gathered future is done its callback does nothing: leave it out.
        if rt.outer == Outer::Pending {
            self.ready.push_back(if cancelled {
                Handle::ChildCancelled(o)
            } else {
                Handle::GatherDone { owner: Task::Order(o), count: 1 }
            });
        }
        let rt = &mut self.orders[o as usize];
        let mut w = rt.steps[s as usize].first_waiter;
        while w != NONE {
            let waiter = &mut rt.steps[w as usize];
            waiter.wake_pending = true;
            self.ready.push_back(Handle::Resume(Task::Step(o, w)));
            w = std::mem::replace(&mut waiter.next_waiter, NONE);
        }
        let st = &mut rt.steps[s as usize];
        (st.first_waiter, st.last_waiter) = (NONE, NONE);
        self.release_slot(o);
    }
}
