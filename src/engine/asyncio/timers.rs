//! The timer heap: `asyncio.sleep`'s and `wait_for`'s timers, and the cancelled
//! timers that stay in it (CPython's `_timer_cancelled_count`).

use std::cmp::Reverse;

use super::{AsyncEngine, BusyKeys, Handle, OrderRt, Task};
use crate::time::Ticks;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Timer {
    pub(super) when: Ticks,
    pub(super) seq: u64,
    pub(super) task: Task,
}

/// Whether timer `t` is still live: not cancelled since it was armed. Each timer has
/// its own sequence number, which the step or order that armed it remembers until the
/// timer fires or is cancelled. (A slot may hold a later order by now, with other
/// steps and timers.)
#[inline(always)]
pub(super) fn timer_live(orders: &[OrderRt<'_>], t: &Timer) -> bool {
    match t.task {
        Task::Door => true,
        Task::Step(o, s) => orders[o as usize].steps.get(s as usize).is_some_and(|st| st.timer_seq == t.seq),
        Task::Order(o) => orders[o as usize].timeout_seq == t.seq,
    }
}

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    /// The handle a due timer puts in the ready queue; `None` for a timer that was
    /// cancelled (CPython skips those).
    pub(super) fn timer_handle(&self, t: Timer) -> Option<Handle> {
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
    pub(super) fn timer_fired(&mut self, t: Timer) {
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
    pub(super) fn timer_cancelled(&mut self) {
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
    pub(super) fn drop_cancelled_timers(&mut self) {
        while self.cancelled_timers > 0
            && self.timers.peek().is_some_and(|Reverse(t)| !timer_live(&self.orders, t))
        {
            self.timers.pop();
            self.cancelled_timers -= 1;
        }
    }

    pub(super) fn arm_timer(&mut self, when: Ticks, task: Task) -> u64 {
        self.seq += 1;
        self.timers.push(Reverse(Timer { when, seq: self.seq, task }));
        self.seq
    }
}
