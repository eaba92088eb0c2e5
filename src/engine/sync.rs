//! The engine of the synchronous kitchen, [`SyncEngine`]: the `CANONICAL.md` program
//! without asyncio.
//!
//! Each cook takes the next customer in arrival order (waiting for them to arrive if
//! need be), runs every step of the recipe to its end in recipe order, standing by
//! through unattended ones, serves the order, and takes the next. With one cook this
//! is the canonical loop exactly, and equipment is never contended. With several,
//! a cook that needs equipment all in use queues for it, first come first served.
//! Everything happens in (time, sequence) order: cooks that act at the same instant
//! act in the order their actions were scheduled, and cook 1 before cook 2 at the start.
//!
//! **Patience and balking.** Blocking code cannot be interrupted, so a cook notices
//! a customer has gone only between steps: when taking the order and after each step,
//! a customer whose patience has run out (arrival + patience < now) has left, and the
//! rest of the order is not made. A customer balks when, at their arrival, more than
//! `balk` customers were waiting (arrived, not yet taken by a cook, not gone); the
//! cook finds the customer gone when taking the order. Both lines print when the cook
//! notices. Nothing is ever cancelled: every wake in the heap is a cook's next action,
//! so the run ends at its last event.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::{Clock, Outcome, Overran, Overrun, later};
use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, Scenario};
use crate::orders::{Order, OrderSource};
use crate::time::Ticks;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CookState {
    /// Free: takes the next customer.
    Idle,
    /// Has taken a customer who has not arrived yet.
    WaitArrival,
    /// Queued for the equipment of step `step`.
    WaitEquipment,
    /// Doing step `step`.
    InStep,
    /// No customers left.
    Gone,
}

struct Cook {
    state: CookState,
    order: Order,
    step: usize,
    /// When the order's first step started.
    first_start: Ticks,
    /// The customer balked: nobody is there when the cook takes the order.
    balked: bool,
}

struct Equipment {
    free: u32,
    queue: VecDeque<CookIx>,
}

/// One run of the synchronous kitchen: the engine that runs a scenario in
/// [`Mode::Sync`](crate::model::Mode::Sync), each cook a blocking loop over the
/// customers. (The kitchen it runs is the scenario's [`Kitchen`](crate::model::Kitchen).)
pub(crate) struct SyncEngine<'s> {
    sc: &'s Scenario,
    source: OrderSource<'s>,
    now: Ticks,
    /// (time, sequence, cook): when each cook next acts.
    wakes: BinaryHeap<Reverse<(Ticks, u64, CookIx)>>,
    seq: u64,
    cooks: Vec<Cook>,
    equipment: Vec<Equipment>,
    next: Order,
    has_next: bool,
    /// With `balk`: when each customer taken so far stopped waiting (was taken, or
    /// left), for those who may still be waiting at the next arrival: to count the
    /// line.
    line_exits: BinaryHeap<Reverse<Ticks>>,
    served: u64,
    overrun: Option<Overrun>,
}

impl<'s> SyncEngine<'s> {
    /// An engine for `sc`, before service starts, with every cook idle; its customers
    /// come from `source`, in arrival order.
    pub(crate) fn new(sc: &'s Scenario, source: OrderSource<'s>) -> Self {
        SyncEngine {
            sc,
            source,
            now: 0,
            wakes: BinaryHeap::new(),
            seq: 0,
            cooks: (0..sc.kitchen.cooks)
                .map(|_| Cook {
                    state: CookState::Idle,
                    order: Order::default(),
                    step: 0,
                    first_start: 0,
                    balked: false,
                })
                .collect(),
            equipment: sc
                .kitchen
                .equipment
                .iter()
                .map(|e| Equipment { free: e.capacity, queue: VecDeque::new() })
                .collect(),
            next: Order::default(),
            has_next: false,
            line_exits: BinaryHeap::new(),
            served: 0,
            overrun: None,
        }
    }

    /// Runs service to its end, or until `clock` stops it or a time would pass
    /// [`MAX_TICKS`](super::MAX_TICKS), sending each event to `sink` as it happens
    /// (the last, `ServiceEnded`, only on a finished run).
    pub(crate) fn run<C: Clock + ?Sized, S: Sink + ?Sized>(mut self, clock: &mut C, sink: &mut S) -> Outcome {
        sink.event(&Event { t: 0, kind: EventKind::ServiceStarted });
        self.has_next = self.source.next_into(&mut self.next);
        for c in 0..self.sc.kitchen.cooks {
            self.wake(c, 0);
        }
        while let Some(Reverse((t, _, c))) = self.wakes.pop() {
            if t > self.now {
                // A clock that stops the run leaves time at the last thing that happened.
                if !clock.advance(t) {
                    return Outcome { end: self.now, served: self.served, finished: false, overrun: None };
                }
                self.now = t;
            }
            self.act(c, sink);
            if self.overrun.is_some() {
                return Outcome {
                    end: self.now,
                    served: self.served,
                    finished: false,
                    overrun: self.overrun,
                };
            }
        }
        let elapsed = clock.elapsed(self.now);
        sink.event(&Event { t: self.now, kind: EventKind::ServiceEnded { elapsed, served: self.served } });
        Outcome { end: self.now, served: self.served, finished: true, overrun: None }
    }

    fn wake(&mut self, cook: CookIx, at: Ticks) {
        self.seq += 1;
        self.wakes.push(Reverse((at, self.seq, cook)));
    }

    fn act<S: Sink + ?Sized>(&mut self, c: CookIx, sink: &mut S) {
        let ci = c as usize;
        match self.cooks[ci].state {
            CookState::Idle => {
                if self.take_next(c, sink) {
                    self.try_step(c, sink);
                }
            }
            CookState::WaitArrival => {
                let order = &self.cooks[ci].order;
                sink.event(&Event { t: self.now, kind: EventKind::Arrived { order } });
                self.cooks[ci].step = 0;
                self.try_step(c, sink);
            }
            CookState::WaitEquipment => self.start_step(c, sink),
            CookState::InStep => {
                let cook = &self.cooks[ci];
                let step = cook.step;
                let kind = EventKind::StepFinished { order: &cook.order, step: step as u16, cook: Some(c) };
                sink.event(&Event { t: self.now, kind });
                let uses = self.sc.recipe_of(cook.order.item).steps[step].uses;
                if let Some(e) = uses {
                    let eq = &mut self.equipment[e as usize];
                    match eq.queue.pop_front() {
                        // The unit goes straight to the first cook in the queue.
                        Some(waiting) => self.wake(waiting, self.now),
                        None => eq.free += 1,
                    }
                }
                self.cooks[ci].step += 1;
                self.try_step(c, sink);
            }
            CookState::Gone => unreachable!("a cook with no customers acted"),
        }
    }

    /// The cook takes the next customer: true when their order is to be started
    /// now (the caller then tries its first step), false when the cook waits for
    /// them to arrive or has no customer left.
    #[must_use]
    fn take_next<S: Sink + ?Sized>(&mut self, c: CookIx, sink: &mut S) -> bool {
        let ci = c as usize;
        if !self.has_next {
            self.cooks[ci].state = CookState::Gone;
            return false;
        }
        std::mem::swap(&mut self.cooks[ci].order, &mut self.next);
        self.has_next = self.source.next_into(&mut self.next);
        let arrival = self.cooks[ci].order.arrival;
        self.cooks[ci].balked = false;
        if let Some(k) = self.sc.balk {
            // The line as the customer found it when they arrived.
            while self.line_exits.peek().is_some_and(|Reverse(t)| *t <= arrival) {
                self.line_exits.pop();
            }
            let balked = self.line_exits.len() > k as usize;
            self.cooks[ci].balked = balked;
            if !balked {
                let taken = arrival.max(self.now);
                let order = &self.cooks[ci].order;
                let gone = order.patience.map_or(taken, |p| taken.min(arrival.saturating_add(p)));
                self.line_exits.push(Reverse(gone));
            }
        }
        if arrival > self.now {
            if later(arrival, 0).is_none() {
                self.overrun(c, Overran::Arrival);
                return false;
            }
            // Idle until the customer comes in.
            self.cooks[ci].state = CookState::WaitArrival;
            self.wake(c, arrival);
            return false;
        }
        sink.event(&Event { t: self.now, kind: EventKind::Arrived { order: &self.cooks[ci].order } });
        self.cooks[ci].step = 0;
        true
    }

    /// Starts the cook's current step, or serves the order when none is left (or
    /// finds the customer gone) and goes on with the next customer who is there: a
    /// loop, not a recursion, so that a long line of customers found gone takes no
    /// stack.
    fn try_step<S: Sink + ?Sized>(&mut self, c: CookIx, sink: &mut S) {
        while self.try_step_once(c, sink) {}
    }

    /// [`Self::try_step`] for the cook's current order: true when the cook has taken
    /// the next customer's order, to try now.
    fn try_step_once<S: Sink + ?Sized>(&mut self, c: CookIx, sink: &mut S) -> bool {
        let ci = c as usize;
        let cook = &mut self.cooks[ci];
        let steps = &self.sc.recipe_of(cook.order.item).steps;
        let order = &cook.order;
        let gone = if cook.balked {
            Some(EventKind::Balked { order })
        } else if order.patience.is_some_and(|p| self.now > order.arrival.saturating_add(p)) {
            // The steps before the current one have started.
            Some(EventKind::Left { order, started: (cook.step > 0).then_some(cook.first_start) })
        } else {
            None
        };
        if gone.is_some() || cook.step == steps.len() {
            let kind = gone.unwrap_or(EventKind::Served { order, started: cook.first_start });
            sink.event(&Event { t: self.now, kind });
            if gone.is_none() {
                self.served += 1;
            }
            if self.has_next {
                sink.event(&Event { t: self.now, kind: EventKind::Between { order: &cook.order, cook: c } });
            }
            cook.state = CookState::Idle;
            return self.take_next(c, sink);
        }
        if let Some(e) = steps[cook.step].uses {
            let eq = &mut self.equipment[e as usize];
            if eq.free == 0 {
                eq.queue.push_back(c);
                cook.state = CookState::WaitEquipment;
                let kind = EventKind::StepWaiting {
                    order: &cook.order,
                    step: cook.step as u16,
                    equipment: e,
                    cook: Some(c),
                };
                sink.event(&Event { t: self.now, kind });
                return false;
            }
            eq.free -= 1;
        }
        self.start_step(c, sink);
        false
    }

    fn start_step<S: Sink + ?Sized>(&mut self, c: CookIx, sink: &mut S) {
        let cook = &mut self.cooks[c as usize];
        let step = cook.step;
        cook.state = CookState::InStep;
        if step == 0 {
            cook.first_start = self.now;
        }
        let kind =
            EventKind::StepStarted { order: &cook.order, step: step as u16, cook: Some(c), first: step == 0 };
        sink.event(&Event { t: self.now, kind });
        let Some(until) = later(self.now, cook.order.durations[step]) else {
            return self.overrun(c, Overran::Step(step as u16));
        };
        self.wake(c, until);
    }

    /// Stops the run: something of cook `c`'s order would happen after `MAX_TICKS`.
    #[cold]
    #[inline(never)]
    fn overrun(&mut self, c: CookIx, what: Overran) {
        let order = &self.cooks[c as usize].order;
        self.overrun = Some(Overrun { at: self.now, order: order.id, item: order.item, what });
    }
}
