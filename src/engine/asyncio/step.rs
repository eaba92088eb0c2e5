//! A step, `run_step(o, s, deps)`: awaits the steps it comes after, takes its
//! equipment, then cooks (hands-on, blocking a cook) or sleeps (unattended); and
//! `Task.cancel()` of a step task.

use super::{AsyncEngine, BusyKeys, Handle, Outer, Task, Waiter};
use crate::engine::{Overran, later};
use crate::event::{Event, EventKind, Sink};
use crate::model::{CookIx, EquipIx, Policy, StepIx, StepKind};
use crate::time::Ticks;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StepState {
    New,
    /// Waiting for its planned start (`Policy::Planned`), in `asyncio.sleep`.
    Held,
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
pub(super) struct StepRt {
    pub(super) state: StepState,
    pub(super) cursor: u16,
    /// A wakeup of this task is in the ready queue (the future it awaits is done, or
    /// it has not run yet).
    pub(super) wake_pending: bool,
    /// `CancelledError` is thrown into the task when it next runs: `Task.cancel()` set
    /// `_must_cancel`, or cancelled the future it awaits.
    pub(super) cancel: bool,
    /// The sequence number of its `asyncio.sleep` timer, 0 when none is armed.
    pub(super) timer_seq: u64,
    /// Its timer is still in the heap (not fired yet): cancelling it leaves a stale
    /// entry there (tracked outside the basic kitchen only, which cancels nothing).
    pub(super) timer_in_heap: bool,
    /// The longest chain of work from the start of this step to the end of its order
    /// (`longest-chain` policy only).
    pub(super) chain: Ticks,
    /// Steps awaiting this one, in the order they started awaiting (the done-callbacks
    /// after the order's gather callback, which always comes first): a list through
    /// `next_waiter`, from `first_waiter` to `last_waiter`, [`NONE`] when empty.
    pub(super) first_waiter: StepIx,
    pub(super) last_waiter: StepIx,
    /// The next step awaiting the same step as this one.
    pub(super) next_waiter: StepIx,
    pub(super) cook: Option<CookIx>,
}

// The flag for cancelled timers fits in what was padding.
const _: () = assert!(std::mem::size_of::<StepRt>() <= 32);

/// No step: the end of a list of waiters.
pub(super) const NONE: StepIx = StepIx::MAX;

impl StepRt {
    /// A step task just created.
    pub(super) const NEW: StepRt = StepRt {
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

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    pub(super) fn resume_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let step = &rt.recipe[s as usize];
        let st = &mut rt.steps[s as usize];
        st.wake_pending = false;
        match st.state {
            StepState::New if !BASIC && st.cancel => return self.end_step(o, s, true),
            StepState::New if !BASIC && self.sc.kitchen.policy == Policy::Planned => {
                // The plan starts it later: sleep until then.
                let plan = self.sc.kitchen.plan.as_deref();
                let at =
                    plan.and_then(|p| p.steps.get(rt.order.id as usize - 1)?.get(s as usize)).map(|p| p.0);
                if let Some(at) = at.filter(|&at| at > self.now) {
                    st.state = StepState::Held;
                    let seq = self.arm_timer(at, Task::Step(o, s));
                    let st = &mut self.orders[o as usize].steps[s as usize];
                    (st.timer_seq, st.timer_in_heap) = (seq, true);
                    return;
                }
            }
            StepState::New => {}
            StepState::Held if st.cancel => {
                st.timer_seq = 0;
                if std::mem::take(&mut st.timer_in_heap) {
                    self.timer_cancelled();
                }
                return self.end_step(o, s, true);
            }
            StepState::Held => st.timer_seq = 0,
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
                    let rt = &self.orders[o as usize];
                    let kind = EventKind::StepCancelled { order: &rt.order, step: s, started: false };
                    sink.event(&Event { t: self.now, kind });
                    if waiter == Waiter::Handed {
                        // The unit it was handed goes to the next in line.
                        self.sems[e as usize].value += 1;
                        self.hand_unit(e, sink);
                    }
                    return self.end_step(o, s, true);
                }
                if sem.value > 0 {
                    self.hand_unit(e, sink);
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
                self.release_equipment(o, s, sink);
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
        let first = rt.first_start.is_none();
        if first {
            rt.first_start = Some(self.now);
            self.waiting -= 1;
        }
        let step = &rt.recipe[s as usize];
        let duration = rt.order.durations[s as usize];
        // The handle runs on the free cook with the lowest number.
        let cook = (step.kind == StepKind::HandsOn).then(|| self.cooks.lowest_free());
        rt.steps[s as usize].cook = cook;
        sink.event(&Event {
            t: self.now,
            kind: EventKind::StepStarted { order: &rt.order, step: s, cook, first },
        });
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
    pub(super) fn finish_step<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &mut self.orders[o as usize];
        let st = &mut rt.steps[s as usize];
        st.timer_seq = 0;
        let (cook, cancelled) = (st.cook, !BASIC && st.cancel);
        sink.event(&Event { t: self.now, kind: EventKind::StepFinished { order: &rt.order, step: s, cook } });
        self.release_equipment(o, s, sink);
        self.end_step(o, s, cancelled);
    }

    /// Leaving `async with`: the semaphore's `release()`.
    #[inline(always)]
    fn release_equipment<S: Sink + ?Sized>(&mut self, o: u32, s: StepIx, sink: &mut S) {
        let rt = &self.orders[o as usize];
        if let Some(e) = rt.recipe[s as usize].uses.filter(|_| !BASIC) {
            self.sems[e as usize].value += 1;
            self.hand_unit(e, sink);
        }
    }

    /// The semaphore's `_wake_up_next()`: a unit of equipment `e` goes to the first
    /// step in line whose future is not done (neither handed a unit nor cancelled),
    /// and its wakeup is scheduled. The loop's view hears of it.
    #[inline(always)]
    fn hand_unit<S: Sink + ?Sized>(&mut self, e: EquipIx, sink: &mut S) {
        if let Some(next) = self.sems[e as usize].wake_up_next() {
            if sink.wants_loop() {
                self.trace_handed(next, e, sink);
            }
            self.wake(next);
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
        } else if !BASIC && self.trace && self.sc.kitchen.policy == Policy::Fifo {
            // CPython still runs it, to no effect: the loop's view shows it. The slot
            // stays the order's until it has run.
            rt.live_steps += 1;
            self.ready.push_back(Handle::GatherNoop(o));
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

    /// `Task.cancel()` of a step task; false when it has already ended.
    pub(super) fn cancel_step(&mut self, o: u32, s: StepIx) -> bool {
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
            StepState::Sleeping | StepState::Held => {
                // The sleep's future is cancelled, which wakes the task.
                st.cancel = true;
                self.wake(Task::Step(o, s));
            }
            _ => unreachable!("handled above"),
        }
        true
    }
}
