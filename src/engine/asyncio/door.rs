//! The door, `main()`: lets each customer in at their arrival as an order task, then
//! gathers them all; service ends when the last one is done.

use super::{AsyncEngine, BusyKeys, Handle, OrderRt, OrderState, Outer, Task};
use crate::engine::{Clock, Overran, Overrun, later};
use crate::event::{Event, EventKind, Sink};
use crate::orders::Order;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DoorState {
    New,
    Sleeping,
    Gathering,
    /// Every order is done, but a cook is still in a hands-on step whose customer
    /// left (several cooks only): service ends when the last such step does.
    Closing,
    Done,
}

pub(super) struct Door {
    pub(super) state: DoorState,
    /// The slot holding the next customer, drawn but not yet let in (drawn straight
    /// into the slot its order will use); meaningful while `has_next`.
    pub(super) next: u32,
    pub(super) has_next: bool,
    pub(super) created: u64,
    pub(super) finished: u64,
    /// Whether the door has reached `gather(*tasks)`.
    pub(super) gathering: bool,
    pub(super) gathered: u64,
}

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    pub(super) fn resume_door<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
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

    pub(super) fn end_service<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        let elapsed = clock.elapsed(self.now - self.start);
        sink.event(&Event { t: self.now, kind: EventKind::ServiceEnded { elapsed, served: self.served } });
        self.door.state = DoorState::Done;
    }

    /// Draws the next customer into a free slot; stops the run when there is none
    /// and the café holds [`MAX_IN_CAFE`](crate::engine::MAX_IN_CAFE) customers
    /// already.
    fn draw_next(&mut self) {
        if self.free_slots.is_empty() && self.orders.len() >= self.max_in_cafe {
            return self.crowded();
        }
        let slot = self.free_slot();
        self.door.next = slot;
        self.door.has_next = self.source.next_into(&mut self.orders[slot as usize].order);
        if !self.door.has_next {
            self.free_slots.push(slot);
        }
    }

    /// Stops the run: the next customer would be one too many in the café.
    #[cold]
    #[inline(never)]
    fn crowded(&mut self) {
        let mut next = Order::default();
        if self.source.next_into(&mut next) {
            self.overrun =
                Some(Overrun { at: self.now, order: next.id, item: next.item, what: Overran::Crowded });
            self.stopped = true;
        }
        self.door.has_next = false;
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
}
