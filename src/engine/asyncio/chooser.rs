//! The ready queue as a dispatch policy other than `fifo` sees it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::{AsyncEngine, BusyKeys, Handle, StepState, Task};
use crate::model::{Policy, StepIx, StepKind};
use crate::time::Ticks;

/// The ready queue as a dispatch policy other than `fifo` sees it: the handles in
/// queue order, each numbered, with the next to run found by two heaps rather than a
/// pass over the queue (a recipe of 20,000 steps queues 20,000 handles per order).
///
/// A handle's key ([`AsyncEngine::dispatch_key`]) is taken when it enters, and only
/// changes one way while it waits: a hands-on step about to start that is cancelled
/// takes no cook time any more ([`Chooser::cancelled`] moves it).
#[derive(Default)]
pub(super) struct Chooser {
    /// The handles from number `first` on, `None` once run.
    pub(super) queue: VecDeque<Option<Handle>>,
    pub(super) first: u64,
    /// The numbers of the handles that take no cook time: the earliest runs first.
    pub(super) free: BinaryHeap<Reverse<u64>>,
    /// The hands-on steps about to start, by longest chain, then the earliest.
    pub(super) hands_on: BinaryHeap<(Ticks, Reverse<u64>)>,
    /// The number of each hands-on step about to start (a task has at most one
    /// wakeup queued).
    pub(super) steps: rustc_hash::FxHashMap<(u32, StepIx), u64>,
    /// How many handles wait.
    pub(super) len: usize,
}

impl Chooser {
    pub(super) fn push(&mut self, h: Handle, (hands_on, Reverse(chain)): (bool, Reverse<Ticks>)) {
        let n = self.first + self.queue.len() as u64;
        self.queue.push_back(Some(h));
        self.len += 1;
        match h {
            Handle::Resume(Task::Step(o, s)) if hands_on => {
                self.hands_on.push((chain, Reverse(n)));
                self.steps.insert((o, s), n);
            }
            _ => self.free.push(Reverse(n)),
        }
    }

    /// The queued wakeup of step `s` of order `o`, if any, was cancelled.
    pub(super) fn cancelled(&mut self, o: u32, s: StepIx) {
        if let Some(&n) = self.steps.get(&(o, s)) {
            self.free.push(Reverse(n));
        }
    }

    /// Takes out the handle to run next: the first that takes no cook time, else the
    /// hands-on step of the longest chain, the earliest among equals.
    pub(super) fn take(&mut self) -> Option<Handle> {
        let n = loop {
            let n = match (self.free.peek(), self.hands_on.peek()) {
                (Some(&Reverse(n)), _) => n,
                (None, Some(&(_, Reverse(n)))) => n,
                (None, None) => return None,
            };
            // Skip what ran already (a cancelled step is in both heaps).
            if n >= self.first && self.queue[(n - self.first) as usize].is_some() {
                break n;
            }
            if self.free.pop().is_none() {
                self.hands_on.pop();
            }
        };
        let h = self.queue[(n - self.first) as usize].take().expect("checked above");
        if let Handle::Resume(Task::Step(o, s)) = h {
            if self.steps.get(&(o, s)) == Some(&n) {
                self.steps.remove(&(o, s));
            }
        }
        while let Some(None) = self.queue.front() {
            self.queue.pop_front();
            self.first += 1;
        }
        self.len -= 1;
        Some(h)
    }
}

impl<'s, const BASIC: bool, B: BusyKeys> AsyncEngine<'s, BASIC, B> {
    /// Lower runs first: every handle that takes no cook time (including unattended
    /// steps), then the hands-on steps about to start, by descending remaining chain
    /// under `longest-chain`. Under `planned`, every step about to start comes after
    /// the handles that take no cook time, in the plan's order.
    pub(super) fn dispatch_key(&self, h: &Handle) -> (bool, Reverse<Ticks>) {
        let Handle::Resume(Task::Step(o, s)) = *h else { return (false, Reverse(0)) };
        let rt = &self.orders[o as usize];
        let st = &rt.steps[s as usize];
        let step = &rt.recipe[s as usize];
        let starts = matches!(
            st.state,
            StepState::New | StepState::Held | StepState::AwaitDep | StepState::AwaitEquipment
        );
        // Following a plan, every step about to start waits for its turn in the
        // plan's order (unattended ones too); otherwise only the hands-on steps.
        let planned = self.sc.kitchen.policy == Policy::Planned;
        if !(starts && !st.cancel && (planned || step.kind == StepKind::HandsOn)) {
            return (false, Reverse(0));
        }
        (true, Reverse(st.chain))
    }
}
