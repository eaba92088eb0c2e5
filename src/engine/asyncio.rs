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
//!
//! With several cooks, the cooks share one ready queue and one timer queue: each
//! handle of an iteration goes to the free cook with the lowest number; a cook in a
//! hands-on step is busy until it ends, and the handle's remainder (the finish line,
//! giving back equipment, waking waiters) runs then. When every cook is busy, time
//! moves to the earliest end of a hands-on step (ties by the order the steps began).
//! A cook that finishes at the same instant as a timer finishes first. With one cook
//! this is exactly the single asyncio loop above.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::{Clock, Outcome};
use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, Scenario, StepIx, StepKind};
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
    /// The timer callback of `asyncio.sleep`: completes the sleep's future, which
    /// schedules the sleeping task's wakeup.
    SleepDone(Task),
    /// `count` consecutive `gather` done-callbacks for the gather `owner` awaits.
    /// (Consecutive callbacks of one gather run back to back with no effect but the
    /// count, so they are one entry.)
    GatherDone { owner: Task, count: u64 },
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
}

struct StepRt {
    state: StepState,
    cursor: u16,
    /// Steps awaiting this one, in the order they started awaiting: the done-callbacks
    /// after the order's gather callback, which always comes first.
    waiters: Vec<StepIx>,
    cook: Option<CookIx>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OrderState {
    New,
    Gathering,
    Done,
}

struct OrderRt {
    order: Order,
    state: OrderState,
    gathered: u64,
    steps: Vec<StepRt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DoorState {
    New,
    Sleeping,
    Gathering,
    Done,
}

struct Door {
    state: DoorState,
    /// The next customer, drawn but not yet let in.
    next: Order,
    has_next: bool,
    created: u64,
    finished: u64,
    /// Whether the door has reached `gather(*tasks)`.
    gathering: bool,
    gathered: u64,
}

/// `asyncio.Semaphore` as in CPython 3.11.x.
struct Semaphore {
    value: u32,
    /// Waiters' futures: (task, done). A waiter stays queued until it resumes.
    waiters: VecDeque<(Task, bool)>,
}

impl Semaphore {
    fn locked(&self) -> bool {
        self.value == 0 || !self.waiters.is_empty()
    }

    /// `_wake_up_next`: hand a unit to the first waiter whose future is not done.
    fn wake_up_next(&mut self, ready: &mut VecDeque<Handle>) {
        for (task, done) in self.waiters.iter_mut() {
            if !*done {
                self.value -= 1;
                *done = true;
                ready.push_back(Handle::Resume(*task));
                return;
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    when: Ticks,
    seq: u64,
    task: Task,
}

/// A cook in a hands-on step.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Busy {
    until: Ticks,
    seq: u64,
    cook: CookIx,
    step: Task,
}

/// One run of the asynchronous kitchen.
pub struct Kitchen<'s> {
    sc: &'s Scenario,
    source: OrderSource<'s>,
    now: Ticks,
    start: Ticks,
    ready: VecDeque<Handle>,
    timers: BinaryHeap<Reverse<Timer>>,
    seq: u64,
    orders: Vec<OrderRt>,
    free_slots: Vec<u32>,
    sems: Vec<Semaphore>,
    door: Door,
    /// Cooks in hands-on steps.
    busy: BinaryHeap<Reverse<Busy>>,
    cook_busy: Vec<bool>,
    free_cooks: usize,
    /// The cook running the current handle.
    cook: CookIx,
    served: u64,
    stopped: bool,
}

impl<'s> Kitchen<'s> {
    pub fn new(sc: &'s Scenario, source: OrderSource<'s>) -> Self {
        let cooks = sc.kitchen.cooks as usize;
        Kitchen {
            sc,
            source,
            now: 0,
            start: 0,
            ready: VecDeque::new(),
            timers: BinaryHeap::new(),
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
                next: Order::default(),
                has_next: false,
                created: 0,
                finished: 0,
                gathering: false,
                gathered: 0,
            },
            busy: BinaryHeap::new(),
            cook_busy: vec![false; cooks],
            free_cooks: cooks,
            cook: 0,
            served: 0,
            stopped: false,
        }
    }

    /// Runs the kitchen until the door's final line, or until the clock stops it.
    pub fn run<C: Clock + ?Sized, S: Sink + ?Sized>(mut self, clock: &mut C, sink: &mut S) -> Outcome {
        // asyncio.run(main()): the main task's first step is the only ready handle.
        self.ready.push_back(Handle::Resume(Task::Door));
        while !self.stopped {
            if self.free_cooks == 0 {
                self.resume_earliest_cook(clock, sink);
                continue;
            }
            if self.ready.is_empty() {
                let timer = self.timers.peek().map(|Reverse(t)| t.when);
                let cook = self.busy.peek().map(|Reverse(b)| b.until);
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
            while self.busy.peek().is_some_and(|Reverse(b)| b.until <= self.now) {
                self.resume_earliest_cook(clock, sink);
            }
            while let Some(Reverse(t)) = self.timers.peek() {
                if t.when > self.now {
                    break;
                }
                let task = t.task;
                self.timers.pop();
                self.ready.push_back(Handle::SleepDone(task));
            }
            let ntodo = self.ready.len();
            for _ in 0..ntodo {
                while self.free_cooks == 0 && !self.stopped {
                    self.resume_earliest_cook(clock, sink);
                }
                if self.stopped {
                    break;
                }
                let handle = self.ready.pop_front().expect("ntodo handles are queued");
                self.cook = self.cook_busy.iter().position(|b| !b).expect("a cook is free") as CookIx;
                self.run_handle(handle, clock, sink);
            }
        }
        Outcome { end: self.now, served: self.served, finished: !self.stopped }
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
        let Reverse(b) = self.busy.pop().expect("a cook is busy");
        self.advance(b.until, clock);
        self.cook_busy[b.cook as usize] = false;
        self.free_cooks += 1;
        self.cook = b.cook;
        if let Task::Step(o, s) = b.step {
            self.finish_step(o, s, sink);
        }
    }

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
            Handle::SleepDone(task) => self.ready.push_back(Handle::Resume(task)),
            Handle::GatherDone { owner, count } => match owner {
                Task::Door => {
                    self.door.gathered += count;
                    if self.door.gathered == self.door.created {
                        self.ready.push_back(Handle::Resume(Task::Door));
                    }
                }
                Task::Order(o) => {
                    let rt = &mut self.orders[o as usize];
                    rt.gathered += count;
                    if rt.gathered == rt.steps.len() as u64 {
                        self.ready.push_back(Handle::Resume(Task::Order(o)));
                    }
                }
                Task::Step(..) => unreachable!("steps gather nothing"),
            },
        }
    }

    fn arm_timer(&mut self, when: Ticks, task: Task) {
        self.seq += 1;
        self.timers.push(Reverse(Timer { when, seq: self.seq, task }));
    }

    // ---- the door: main() --------------------------------------------------------

    fn resume_door<C: Clock + ?Sized, S: Sink + ?Sized>(&mut self, clock: &mut C, sink: &mut S) {
        match self.door.state {
            DoorState::New => {
                sink.event(&Event { t: self.now, kind: EventKind::ServiceStarted });
                self.start = self.now;
                self.door.has_next = self.source.next_into(&mut self.door.next);
            }
            DoorState::Sleeping => {
                self.let_in();
            }
            DoorState::Gathering => {
                self.end_service(clock, sink);
                return;
            }
            DoorState::Done => unreachable!("the door ran after service ended"),
        }
        // for o in orders: sleep until its arrival, then create_task(run_order(o))
        while self.door.has_next {
            let due = self.start.saturating_add(self.door.next.arrival);
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

    /// `tasks.append(asyncio.create_task(run_order(o)))`, then draw the next customer.
    fn let_in(&mut self) {
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.orders.push(OrderRt {
                    order: Order::default(),
                    state: OrderState::Done,
                    gathered: 0,
                    steps: Vec::new(),
                });
                (self.orders.len() - 1) as u32
            }
        };
        let rt = &mut self.orders[slot as usize];
        std::mem::swap(&mut rt.order, &mut self.door.next);
        rt.state = OrderState::New;
        rt.gathered = 0;
        self.door.created += 1;
        self.ready.push_back(Handle::Resume(Task::Order(slot)));
        self.door.has_next = self.source.next_into(&mut self.door.next);
    }

    // ---- an order: run_order(o) --------------------------------------------------

    fn resume_order<S: Sink + ?Sized>(&mut self, o: u32, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        match rt.state {
            OrderState::New => {
                sink.event(&Event { t: self.now, kind: EventKind::Arrived { order: &rt.order } });
                // One task per step, in recipe order, then gather them (none is done yet,
                // so each gets the gather's callback first).
                let n = self.sc.recipe_of(rt.order.item).steps.len();
                rt.steps.truncate(n);
                for s in rt.steps.iter_mut() {
                    s.state = StepState::New;
                    s.cursor = 0;
                    s.waiters.clear();
                    s.cook = None;
                }
                while rt.steps.len() < n {
                    rt.steps.push(StepRt {
                        state: StepState::New,
                        cursor: 0,
                        waiters: Vec::new(),
                        cook: None,
                    });
                }
                for s in 0..n {
                    self.ready.push_back(Handle::Resume(Task::Step(o, s as StepIx)));
                }
                rt.state = OrderState::Gathering;
            }
            OrderState::Gathering => {
                sink.event(&Event { t: self.now, kind: EventKind::Served { order: &rt.order } });
                rt.state = OrderState::Done;
                self.served += 1;
                self.door.finished += 1;
                if self.door.gathering {
                    self.ready.push_back(Handle::GatherDone { owner: Task::Door, count: 1 });
                }
                // Nothing refers to the slot any more: every step is done and has run
                // its callbacks.
                self.free_slots.push(o);
            }
            OrderState::Done => unreachable!("a served order ran again"),
        }
    }

    // ---- a step: run_step(o, s, deps) --------------------------------------------

    fn resume_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let sc = self.sc;
        let rt = &mut self.orders[o as usize];
        let step = &sc.recipe_of(rt.order.item).steps[s as usize];
        match rt.steps[s as usize].state {
            StepState::New => {}
            // The step awaited is done: `await d` returns.
            StepState::AwaitDep => rt.steps[s as usize].cursor += 1,
            StepState::AwaitEquipment => {
                let e = step.uses.expect("waiting steps use equipment") as usize;
                let sem = &mut self.sems[e];
                let pos = sem.waiters.iter().position(|(t, _)| *t == Task::Step(o, s));
                sem.waiters.remove(pos.expect("a resumed waiter is queued"));
                if sem.value > 0 {
                    sem.wake_up_next(&mut self.ready);
                }
                return self.start_step(o, s, sink);
            }
            StepState::Sleeping => return self.finish_step(o, s, sink),
            StepState::Blocked | StepState::Done => {
                unreachable!("step resumed in state {:?}", rt.steps[s as usize].state)
            }
        }
        // for d in deps: await d
        while let Some(&dep) = step.after.get(rt.steps[s as usize].cursor as usize) {
            let dep_rt = &mut rt.steps[dep as usize];
            if dep_rt.state == StepState::Done {
                rt.steps[s as usize].cursor += 1;
            } else {
                dep_rt.waiters.push(s);
                rt.steps[s as usize].state = StepState::AwaitDep;
                return;
            }
        }
        // async with equipment[uses]:
        if let Some(e) = step.uses {
            let sem = &mut self.sems[e as usize];
            if sem.locked() {
                sem.waiters.push_back((Task::Step(o, s), false));
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
    fn start_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let step = &self.sc.recipe_of(rt.order.item).steps[s as usize];
        let duration = rt.order.durations[s as usize];
        let cook = (step.kind == StepKind::HandsOn).then_some(self.cook);
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
                self.busy.push(Reverse(Busy {
                    until: self.now.saturating_add(duration),
                    seq: self.seq,
                    cook: self.cook,
                    step: Task::Step(o, s),
                }));
                self.cook_busy[self.cook as usize] = true;
                self.free_cooks -= 1;
            }
            StepKind::Unattended => {
                rt.steps[s as usize].state = StepState::Sleeping;
                if duration == 0 {
                    // asyncio.sleep(0) yields once.
                    self.ready.push_back(Handle::Resume(Task::Step(o, s)));
                } else {
                    let when = self.now.saturating_add(duration);
                    self.arm_timer(when, Task::Step(o, s));
                }
            }
        }
    }

    /// The finish line, giving back the equipment, and the task's completion.
    fn finish_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let step = &self.sc.recipe_of(rt.order.item).steps[s as usize];
        let cook = rt.steps[s as usize].cook;
        sink.event(&Event { t: self.now, kind: EventKind::StepFinished { order: &rt.order, step: s, cook } });
        if let Some(e) = step.uses {
            let sem = &mut self.sems[e as usize];
            sem.value += 1;
            sem.wake_up_next(&mut self.ready);
        }
        let st = &mut rt.steps[s as usize];
        st.state = StepState::Done;
        // Done-callbacks in the order they were added: the order's gather, then waiters.
        self.ready.push_back(Handle::GatherDone { owner: Task::Order(o), count: 1 });
        for &w in &st.waiters {
            self.ready.push_back(Handle::Resume(Task::Step(o, w)));
        }
        st.waiters.clear();
    }
}
