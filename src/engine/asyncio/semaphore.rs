//! Equipment: `asyncio.Semaphore`.

use std::collections::VecDeque;

use super::Task;

/// The future of a task queued on a semaphore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Waiter {
    Pending,
    /// `_wake_up_next` handed it a unit (its result is set).
    Handed,
    Cancelled,
}

/// `asyncio.Semaphore` as in CPython 3.11.x.
pub(super) struct Semaphore {
    pub(super) value: u32,
    /// Waiters' futures. A waiter stays queued until its task resumes.
    pub(super) waiters: VecDeque<(Task, Waiter)>,
}

impl Semaphore {
    pub(super) fn locked(&self) -> bool {
        self.value == 0 || self.waiters.iter().any(|(_, w)| *w != Waiter::Cancelled)
    }

    /// `_wake_up_next`: hand a unit to the first waiter whose future is not done, and
    /// return its task (to be woken).
    #[must_use]
    pub(super) fn wake_up_next(&mut self) -> Option<Task> {
        let (task, w) = self.waiters.iter_mut().find(|(_, w)| *w == Waiter::Pending)?;
        self.value -= 1;
        *w = Waiter::Handed;
        Some(*task)
    }
}
