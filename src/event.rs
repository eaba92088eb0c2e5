//! The engine's event stream: the closed set of things that happen in a kitchen.
//!
//! Every view (narrative, JSON, statistics, timelines) is built from these events
//! alone and never feeds anything back into the engine.

use crate::model::{CookIx, EquipIx, StepIx};
use crate::orders::Order;
use crate::time::Ticks;

/// Something that happened at scenario time `t`.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    /// When it happened, in ticks of scenario time since service opened.
    pub t: Ticks,
    /// What happened.
    pub kind: EventKind<'a>,
}

/// What happened: one of a closed set, in the order the engine emits them for one
/// order (arrived, then its steps waiting, started, finished or cancelled, then served,
/// left or balked).
#[derive(Clone, Copy, Debug)]
pub enum EventKind<'a> {
    /// Service opens (the start-of-service lines).
    ServiceStarted,
    /// The kitchen takes the order: the moment its arrival lines print. This can be
    /// later than `order.arrival` when a cook was busy.
    Arrived {
        /// The customer's order.
        order: &'a Order,
    },
    /// A step wants equipment that is all in use and queues for it. `cook` is the
    /// cook standing in line with it (synchronous kitchen); `None` in the
    /// asynchronous kitchen, where the cook moves on.
    StepWaiting {
        /// The customer's order.
        order: &'a Order,
        /// The step, an index into the order's recipe's steps.
        step: StepIx,
        /// The equipment it waits for.
        equipment: EquipIx,
        /// The cook waiting with it; `None` in the asynchronous kitchen.
        cook: Option<CookIx>,
    },
    /// A step starts. `cook` is the cook it occupies: every hands-on step, and every
    /// step of the synchronous kitchen (where the cook stands by); `None` for an
    /// unattended step of the asynchronous kitchen.
    StepStarted {
        /// The customer's order.
        order: &'a Order,
        /// The step, an index into the order's recipe's steps.
        step: StepIx,
        /// The cook it occupies; `None` for an unattended step of the asynchronous
        /// kitchen.
        cook: Option<CookIx>,
        /// It is the first of the order's steps to start: the customer's wait ends.
        first: bool,
    },
    /// A step finishes (and gives back its equipment).
    StepFinished {
        /// The customer's order.
        order: &'a Order,
        /// The step, an index into the order's recipe's steps.
        step: StepIx,
        /// The cook it occupied, as in its `StepStarted`.
        cook: Option<CookIx>,
    },
    /// A step that had queued for equipment (`started` false) or started (`started`
    /// true) is cancelled because its customer left: it gives back its place in line
    /// or its equipment, and prints no line. Only unattended steps are cancelled
    /// once started: a hands-on step runs to its end.
    StepCancelled {
        /// The customer's order.
        order: &'a Order,
        /// The step, an index into the order's recipe's steps.
        step: StepIx,
        /// Whether it had started (it gives back equipment) or was still queued (it
        /// gives back its place in line).
        started: bool,
    },
    /// The order is served. `started` is when its first step started: the
    /// customer's wait in line ended then.
    Served {
        /// The customer's order.
        order: &'a Order,
        /// When its first step started, in ticks: the end of the customer's wait.
        started: Ticks,
    },
    /// The customer leaves before being served: their patience ran out.
    Left {
        /// The customer's order.
        order: &'a Order,
        /// When its first step started, if one did: the customer waited in line
        /// until then, or until leaving.
        started: Option<Ticks>,
    },
    /// The customer does not join: too many were waiting. Nothing of their order is
    /// made; the event comes right after their `Arrived`.
    Balked {
        /// The customer's order.
        order: &'a Order,
    },
    /// Synchronous kitchen: a cook finished an order and more customers are to come.
    Between {
        /// The order the cook just finished.
        order: &'a Order,
        /// The cook.
        cook: CookIx,
    },
    /// The event loop begins a pass (`BaseEventLoop._run_once`): it moves the timers
    /// that fell due to the ready queue ([`EventKind::TimerDue`]), then runs the
    /// handles queued when the pass began ([`EventKind::HandleRun`]). Asynchronous
    /// kitchen only, and only to a sink whose [`Sink::wants_loop`] is true. Under a
    /// dispatch policy other than `fifo`, a pass runs one handle, the best.
    LoopPass {
        /// The pass's number, from 1.
        pass: u64,
    },
    /// A timer fell due and its callback joins the end of the ready queue (only to a
    /// sink that [`Sink::wants_loop`]). `due` is when it was due: earlier than the
    /// event's time when a hands-on step held the loop meanwhile. A timer cancelled
    /// before it fell due joins the queue too when a live timer was ahead of it in
    /// the heap ([`LoopHandle::CancelledTimer`]).
    TimerDue {
        /// The timer's callback, which runs later in this pass (unless it is a
        /// [`LoopHandle::CancelledTimer`]). (Borrowed, like the order: the loop's
        /// events keep `EventKind` as small as the kitchen's.)
        handle: &'a LoopHandle<'a>,
        /// When the timer was due, in ticks since service opened.
        due: Ticks,
    },
    /// The loop runs a handle of its ready queue (only to a sink that
    /// [`Sink::wants_loop`]). The events it causes follow; a hands-on step it
    /// starts holds `cook` until the step's `StepFinished`.
    HandleRun {
        /// What the handle does.
        handle: &'a LoopHandle<'a>,
        /// The cook that runs it (the lowest free one).
        cook: CookIx,
    },
    /// A unit of equipment is handed to a step in line for it (only to a sink that
    /// [`Sink::wants_loop`]): `asyncio.Semaphore._wake_up_next` sets the result of the
    /// step's future, and the unit is the step's from now on, though the step stays
    /// in line until its task wakes up. Then it starts (its `StepStarted`), or, if its
    /// customer left meanwhile, gives the unit back (`StepCancelled` with `started`
    /// false, after which the unit may be handed to the next in line).
    UnitHanded {
        /// The customer's order.
        order: &'a Order,
        /// The step, an index into the order's recipe's steps.
        step: StepIx,
        /// The equipment whose unit it is handed.
        equipment: EquipIx,
    },
    /// Service ends. `elapsed` is measured by the run's clock: scenario time on the
    /// virtual clock, wall time times the speed on the real one.
    ServiceEnded {
        /// Time from service start to end, in ticks, as the run's clock measured it.
        elapsed: Ticks,
        /// How many orders were served (those that left or balked not counted).
        served: u64,
    },
}

impl EventKind<'_> {
    /// A stable name for exports: `service_started`, `arrived`, ...
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ServiceStarted => "service_started",
            EventKind::Arrived { .. } => "arrived",
            EventKind::StepWaiting { .. } => "step_waiting",
            EventKind::StepStarted { .. } => "step_started",
            EventKind::StepFinished { .. } => "step_finished",
            EventKind::StepCancelled { .. } => "step_cancelled",
            EventKind::Served { .. } => "served",
            EventKind::Left { .. } => "left",
            EventKind::Balked { .. } => "balked",
            EventKind::Between { .. } => "between",
            EventKind::ServiceEnded { .. } => "service_ended",
            EventKind::LoopPass { .. } => "loop_pass",
            EventKind::TimerDue { .. } => "timer_due",
            EventKind::HandleRun { .. } => "handle_run",
            EventKind::UnitHanded { .. } => "unit_handed",
        }
    }

    /// The order the event is about, if any.
    pub fn order(&self) -> Option<&Order> {
        match *self {
            EventKind::Arrived { order }
            | EventKind::StepWaiting { order, .. }
            | EventKind::StepStarted { order, .. }
            | EventKind::StepFinished { order, .. }
            | EventKind::StepCancelled { order, .. }
            | EventKind::Served { order, .. }
            | EventKind::Left { order, .. }
            | EventKind::Balked { order }
            | EventKind::Between { order, .. }
            | EventKind::UnitHanded { order, .. } => Some(order),
            EventKind::TimerDue { handle, .. } | EventKind::HandleRun { handle, .. } => handle.order(),
            EventKind::ServiceStarted | EventKind::ServiceEnded { .. } | EventKind::LoopPass { .. } => None,
        }
    }

    /// Whether this is one of the event loop's own events, which only a sink that
    /// [`Sink::wants_loop`] receives.
    pub fn is_loop(&self) -> bool {
        matches!(
            self,
            EventKind::LoopPass { .. }
                | EventKind::TimerDue { .. }
                | EventKind::HandleRun { .. }
                | EventKind::UnitHanded { .. }
        )
    }
}

/// A coroutine of the canonical program, run as a task.
#[derive(Clone, Copy, Debug)]
pub enum Coroutine<'a> {
    /// `main()`: the door, which lets the customers in and gathers their orders.
    Main,
    /// `run_order(o)`.
    Order(&'a Order),
    /// `run_step(o, s, deps)`: step `.1` (an index into the order's recipe's steps).
    Step(&'a Order, StepIx),
}

impl<'a> Coroutine<'a> {
    /// The order it belongs to, if any.
    pub fn order(self) -> Option<&'a Order> {
        match self {
            Coroutine::Main => None,
            Coroutine::Order(order) | Coroutine::Step(order, _) => Some(order),
        }
    }
}

/// Where a task resumes: the `await` it was suspended at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwaitPoint {
    /// It has not run yet: it starts.
    Start,
    /// `await asyncio.sleep(...)`: the door's wait for the next customer, or an
    /// unattended step.
    Sleep,
    /// `await asyncio.gather(...)`: the door's of every order, an order's of its steps.
    Gather,
    /// `await asyncio.wait_for(gather, timeout)`: an order whose customer has a
    /// patience.
    WaitFor,
    /// `await d` for an earlier step of the same order (an index into its recipe).
    Step(StepIx),
    /// `async with equipment[...]`: in line for a unit.
    Equipment(EquipIx),
}

/// A handle of the ready queue: a callback the loop runs.
#[derive(Clone, Copy, Debug)]
pub enum LoopHandle<'a> {
    /// `Task.__step` or `__wakeup`: `task` runs from the `await` it was suspended at
    /// to its next one.
    Resume {
        /// The task.
        task: Coroutine<'a>,
        /// Where it was suspended.
        at: AwaitPoint,
    },
    /// `asyncio.sleep`'s timer callback: completes the sleep of `task`, which then
    /// wakes up through the queue.
    SleepDone {
        /// The sleeping task.
        task: Coroutine<'a>,
    },
    /// A `gather` hears that one of its children is done (`_done_callback`).
    GatherDone {
        /// The task awaiting the gather: the door, or an order.
        owner: Coroutine<'a>,
    },
    /// `_release_waiter`: the order's gathered steps are done (or cancelled), which
    /// releases the order task from `wait_for` (or does nothing, once it has).
    ReleaseWaiter {
        /// The order's id ([`Order::id`]): it can run after the order has ended.
        order: u64,
    },
    /// `wait_for`'s timeout: the customer's patience ran out.
    Timeout {
        /// The customer's order.
        order: &'a Order,
    },
    /// A timer cancelled before it fell due, behind a live one: `_run_once` drops
    /// cancelled timers only from the head of its heap, so this one joins the ready
    /// queue with the others and is skipped when its turn comes. CPython's
    /// `TimerHandle.cancel()` forgets the callback, so it has no name. Only in an
    /// [`EventKind::TimerDue`], never run.
    CancelledTimer {
        /// It was `wait_for`'s timeout (a customer's patience); otherwise an
        /// `asyncio.sleep`.
        timeout: bool,
    },
}

impl<'a> LoopHandle<'a> {
    /// The order the handle is about, if any.
    pub fn order(self) -> Option<&'a Order> {
        match self {
            LoopHandle::Resume { task, .. } | LoopHandle::SleepDone { task } => task.order(),
            LoopHandle::GatherDone { owner } => owner.order(),
            LoopHandle::Timeout { order } => Some(order),
            LoopHandle::ReleaseWaiter { .. } | LoopHandle::CancelledTimer { .. } => None,
        }
    }
}

// The loop's events borrow their handle: an event stays four words, as the
// kitchen's events need (every view takes one per event).
const _: () = assert!(std::mem::size_of::<Event<'_>>() <= 32);

/// Where the engine sends its events.
pub trait Sink {
    /// Takes one event, in the order the engine emits them (nondecreasing `t`).
    fn event(&mut self, event: &Event<'_>);

    /// Whether the sink wants the event loop's own events ([`EventKind::is_loop`]):
    /// false unless a sink says so, and the engine then neither builds nor sends
    /// them. Asked once per pass and handle, so it should be cheap.
    #[inline(always)]
    fn wants_loop(&self) -> bool {
        false
    }
}

impl<F: FnMut(&Event<'_>)> Sink for F {
    fn event(&mut self, event: &Event<'_>) {
        self(event)
    }
}

/// A closure as a sink that wants the event loop's own events too.
pub struct WithLoop<F>(pub F);

impl<F: FnMut(&Event<'_>)> Sink for WithLoop<F> {
    fn event(&mut self, event: &Event<'_>) {
        (self.0)(event)
    }

    fn wants_loop(&self) -> bool {
        true
    }
}

/// Sends every event to two sinks, in order.
pub struct Tee<'a, A: Sink + ?Sized, B: Sink + ?Sized>(pub &'a mut A, pub &'a mut B);

impl<A: Sink + ?Sized, B: Sink + ?Sized> Sink for Tee<'_, A, B> {
    fn event(&mut self, event: &Event<'_>) {
        self.0.event(event);
        self.1.event(event);
    }

    fn wants_loop(&self) -> bool {
        self.0.wants_loop() || self.1.wants_loop()
    }
}

/// A sink that drops everything (benchmarks).
pub struct Discard;

impl Sink for Discard {
    fn event(&mut self, _: &Event<'_>) {}
}
