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
            | EventKind::Between { order, .. } => Some(order),
            EventKind::ServiceStarted | EventKind::ServiceEnded { .. } => None,
        }
    }
}

/// Where the engine sends its events.
pub trait Sink {
    /// Takes one event, in the order the engine emits them (nondecreasing `t`).
    fn event(&mut self, event: &Event<'_>);
}

impl<F: FnMut(&Event<'_>)> Sink for F {
    fn event(&mut self, event: &Event<'_>) {
        self(event)
    }
}

/// Sends every event to two sinks, in order.
pub struct Tee<'a, A: Sink + ?Sized, B: Sink + ?Sized>(pub &'a mut A, pub &'a mut B);

impl<A: Sink + ?Sized, B: Sink + ?Sized> Sink for Tee<'_, A, B> {
    fn event(&mut self, event: &Event<'_>) {
        self.0.event(event);
        self.1.event(event);
    }
}

/// A sink that drops everything (benchmarks).
pub struct Discard;

impl Sink for Discard {
    fn event(&mut self, _: &Event<'_>) {}
}
