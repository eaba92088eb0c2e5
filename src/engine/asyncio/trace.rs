//! The loop's own events, for a sink that wants them (`Sink::wants_loop`): each
//! pass, each timer that falls due (a cancelled one too, when CPython moves it),
//! each handle run, named as CPython would run them, and each unit of equipment
//! handed to a step in line. Nothing here changes what the engine does.

use super::{AsyncEngine, BusyKeys, DoorState, Handle, OrderState, StepState, Task, Timer};
use crate::event::{AwaitPoint, Coroutine, Event, EventKind, LoopHandle, Sink};
use crate::model::EquipIx;
use crate::time::Ticks;

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    /// A pass of the loop begins.
    #[cold]
    #[inline(never)]
    pub(super) fn trace_pass<S: Sink + ?Sized>(&mut self, sink: &mut S) {
        self.passes += 1;
        sink.event(&Event { t: self.now, kind: EventKind::LoopPass { pass: self.passes } });
    }

    /// A timer due at `due` moves its callback, `handle`, to the ready queue.
    #[cold]
    #[inline(never)]
    pub(super) fn trace_timer<S: Sink + ?Sized>(&self, handle: Handle, due: Ticks, sink: &mut S) {
        if let Some(handle) = self.loop_handle(handle) {
            sink.event(&Event { t: self.now, kind: EventKind::TimerDue { handle: &handle, due } });
        }
    }

    /// A unit of equipment `e` is handed to `task`, a step in line for it.
    #[cold]
    #[inline(never)]
    pub(super) fn trace_handed<S: Sink + ?Sized>(&self, task: Task, e: EquipIx, sink: &mut S) {
        let Task::Step(o, step) = task else { unreachable!("only steps wait for equipment") };
        let order = &self.orders[o as usize].order;
        sink.event(&Event { t: self.now, kind: EventKind::UnitHanded { order, step, equipment: e } });
    }

    /// A cancelled timer that fell due behind a live one joins the ready queue, to be
    /// skipped (`_run_once` drops cancelled timers only from the head of its heap).
    #[cold]
    #[inline(never)]
    pub(super) fn trace_cancelled_timer<S: Sink + ?Sized>(&self, t: Timer, sink: &mut S) {
        let handle = LoopHandle::CancelledTimer { timeout: matches!(t.task, Task::Order(_)) };
        sink.event(&Event { t: self.now, kind: EventKind::TimerDue { handle: &handle, due: t.when } });
    }

    /// The loop runs `handle` (a `GatherDone` of `count` callbacks is that many
    /// handles), unless CPython would skip it: a timer's callback whose timer was
    /// cancelled since it fell due.
    #[cold]
    #[inline(never)]
    pub(super) fn trace_handle<S: Sink + ?Sized>(&self, handle: Handle, sink: &mut S) {
        let Some(named) = self.loop_handle(handle) else { return };
        let cook = self.cooks.lowest_free();
        let count = match handle {
            Handle::GatherDone { count, .. } => count,
            _ => 1,
        };
        for _ in 0..count {
            sink.event(&Event { t: self.now, kind: EventKind::HandleRun { handle: &named, cook } });
        }
    }

    fn coroutine(&self, task: Task) -> Coroutine<'_> {
        match task {
            Task::Door => Coroutine::Main,
            Task::Order(o) => Coroutine::Order(&self.orders[o as usize].order),
            Task::Step(o, s) => Coroutine::Step(&self.orders[o as usize].order, s),
        }
    }

    /// Where `task` was suspended, as it is about to resume.
    fn await_point(&self, task: Task) -> AwaitPoint {
        match task {
            Task::Door => match self.door.state {
                DoorState::New => AwaitPoint::Start,
                DoorState::Sleeping => AwaitPoint::Sleep,
                _ => AwaitPoint::Gather,
            },
            Task::Order(o) => match self.orders[o as usize].state {
                OrderState::New => AwaitPoint::Start,
                OrderState::WaitFor | OrderState::CancelWait => AwaitPoint::WaitFor,
                _ => AwaitPoint::Gather,
            },
            Task::Step(o, s) => {
                let rt = &self.orders[o as usize];
                let (step, st) = (&rt.recipe[s as usize], &rt.steps[s as usize]);
                match st.state {
                    StepState::AwaitDep => {
                        step.after.get(st.cursor as usize).map_or(AwaitPoint::Start, |&d| AwaitPoint::Step(d))
                    }
                    StepState::AwaitEquipment => step.uses.map_or(AwaitPoint::Start, AwaitPoint::Equipment),
                    StepState::Sleeping => AwaitPoint::Sleep,
                    _ => AwaitPoint::Start,
                }
            }
        }
    }

    /// `handle` as the canonical program's callback; `None` for a timer callback
    /// CPython skips because its timer was cancelled after it fell due (the sleep of
    /// a step cancelled meanwhile, the timeout of a `wait_for` that has returned).
    fn loop_handle(&self, handle: Handle) -> Option<LoopHandle<'_>> {
        Some(match handle {
            Handle::Resume(task) => {
                LoopHandle::Resume { task: self.coroutine(task), at: self.await_point(task) }
            }
            Handle::SleepDone { task, seq } => {
                if let Task::Step(o, s) = task {
                    let st = self.orders[o as usize].steps.get(s as usize);
                    if st.is_none_or(|st| st.timer_seq != seq) {
                        return None;
                    }
                }
                LoopHandle::SleepDone { task: self.coroutine(task) }
            }
            Handle::GatherDone { owner, .. } => LoopHandle::GatherDone { owner: self.coroutine(owner) },
            Handle::ChildCancelled(o) | Handle::GatherNoop(o) => {
                LoopHandle::GatherDone { owner: self.coroutine(Task::Order(o)) }
            }
            Handle::OuterDone { id, .. } => LoopHandle::ReleaseWaiter { order: id },
            Handle::Timeout { order, generation } => {
                let rt = &self.orders[order as usize];
                let waiting = matches!(rt.state, OrderState::WaitFor | OrderState::CancelWait);
                if rt.generation != generation || !waiting {
                    return None;
                }
                LoopHandle::Timeout { order: &rt.order }
            }
        })
    }
}
