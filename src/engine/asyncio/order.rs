//! An order, `run_order(o)`: creates a task per step and gathers them, under
//! `wait_for` when the customer has a patience; the customer is served, or leaves.

use super::{AsyncEngine, BusyKeys, Handle, StepRt, Task};
use crate::engine::{Overran, later};
use crate::event::{Event, EventKind, Sink};
use crate::model::{Policy, Step as RecipeStep, StepIx};
use crate::orders::Order;
use crate::time::Ticks;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OrderState {
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
pub(super) enum Outer {
    Pending,
    /// Done with the results of every step.
    Ok,
    /// Done with `CancelledError`.
    Cancelled,
}

pub(super) struct OrderRt<'s> {
    pub(super) order: Order,
    /// The steps of the order's recipe.
    pub(super) recipe: &'s [RecipeStep],
    pub(super) state: OrderState,
    /// Bumped each time the slot takes a new order.
    pub(super) generation: u32,
    pub(super) gathered: u64,
    pub(super) outer: Outer,
    /// `_GatheringFuture._cancel_requested`.
    pub(super) cancel_requested: bool,
    /// Whether the waiter the order task awaits (of `wait_for` or `_cancel_and_wait`)
    /// is done.
    pub(super) waiter_done: bool,
    /// The sequence number of the timeout timer while it is in the heap, 0 when none
    /// is armed or it has fired.
    pub(super) timeout_seq: u64,
    /// When its first step started; `None` while the customer is still waiting.
    pub(super) first_start: Option<Ticks>,
    /// Step tasks not ended yet, and (when the loop is watched) their no-op
    /// gather callbacks not run yet ([`Handle::GatherNoop`]): the slot is reused
    /// only when none is left, so that no handle in the ready queue ever names or
    /// touches a later order of the slot.
    pub(super) live_steps: u32,
    pub(super) steps: Vec<StepRt>,
}

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    pub(super) fn resume_order<S: Sink + ?Sized>(&mut self, o: u32, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        match rt.state {
            OrderState::New => {
                sink.event(&Event { t: self.now, kind: EventKind::Arrived { order: &rt.order } });
                if !BASIC && self.sc.balk.is_some_and(|k| self.waiting > u64::from(k)) {
                    sink.event(&Event { t: self.now, kind: EventKind::Balked { order: &rt.order } });
                    return self.order_done(o);
                }
                self.waiting += 1;
                if !self.create_steps(o) {
                    return;
                }
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
    /// each gets the gather's callback first). False when the café would hold more
    /// step tasks than a run can ([`MAX_STEPS_IN_CAFE`](crate::engine::MAX_STEPS_IN_CAFE)):
    /// the run stops.
    #[inline(always)]
    fn create_steps(&mut self, o: u32) -> bool {
        let sc = self.sc;
        let rt = &mut self.orders[o as usize];
        let recipe = rt.recipe;
        let n = recipe.len();
        rt.steps.clear();
        // The room the slots keep for their orders' steps, which only grows.
        let room = rt.steps.capacity();
        if n > room {
            if self.step_room + (n - room) > self.max_steps_in_cafe {
                self.overrun(o, Overran::CrowdedSteps);
                return false;
            }
            let rt = &mut self.orders[o as usize];
            rt.steps.reserve_exact(n);
            self.step_room += rt.steps.capacity() - room;
        }
        let rt = &mut self.orders[o as usize];
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
        if !BASIC && sc.kitchen.policy == Policy::Planned {
            // The plan's order: its earlier steps rank first, as longer chains do.
            let plan = sc.kitchen.plan.as_deref().and_then(|p| p.steps.get(rt.order.id as usize - 1));
            for (t, step) in rt.steps.iter_mut().enumerate() {
                step.chain = Ticks::MAX - plan.and_then(|p| p.get(t)).map_or(Ticks::MAX, |p| p.1);
            }
        }
        rt.live_steps = n as u32;
        for s in 0..n {
            self.ready.push_back(Handle::Resume(Task::Step(o, s as StepIx)));
        }
        true
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
        sink.event(&Event {
            t: self.now,
            kind: EventKind::Left { order: &rt.order, started: rt.first_start },
        });
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
    pub(super) fn release_slot(&mut self, o: u32) {
        let rt = &self.orders[o as usize];
        if rt.state == OrderState::Done && rt.live_steps == 0 {
            self.free_slots.push(o);
        }
    }
}
