//! Why a served order took longer than the work of its recipe: the waits along the
//! steps that decided when it was served, each put down to what it waited for.
//!
//! Walking back from the order's last step to finish, each step's start waited for
//! the step it comes after (`after`) that finished last (or, for the first, for the
//! kitchen to take the order): the path is one of the recipe's chains. Along that path, every moment of the order's time in system is
//! either work (a step's drawn duration) or one of four waits ([`Waits`]):
//!
//! * **door**: the customer was let in late (asynchronous kitchen: the door's
//!   coroutine runs on the loop, so a customer who arrives while a hands-on step
//!   holds it is noticed when it ends);
//! * **cook**: a step ready to start waited for a cook (a hands-on step of the
//!   asynchronous kitchen; every step, and the customer's wait to be taken, in the
//!   synchronous kitchen, where each cook serves one order at a time);
//! * **equipment**: a step waited in line for a machine (`asyncio.Semaphore`);
//! * **loop**: the loop was held (a hands-on step on every cook) when the order had
//!   something to do that takes no cook: an unattended step ready to start (a late
//!   start, [`Waits::loop_start`]), or a finish noticed late (an unattended step's,
//!   or the order's gather returning).
//!
//! Work plus waits is the order's time in system, exactly. When those steps are the
//! order's longest chain, the waits add up to `above_chain_s`; when a shorter chain
//! decided the end, they add up to more (the longest chain waited less).

use std::collections::VecDeque;

use crate::event::{Event, EventKind};
use crate::model::{ItemIx, Scenario, StepIx, StepKind};
use crate::time::Ticks;
use crate::view::stats::longest_chain;

/// A served order's waits, in ticks (see the module).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    /// Let in late by the door.
    pub door: Ticks,
    /// Waiting for a cook.
    pub cook: Ticks,
    /// In line for equipment.
    pub equipment: Ticks,
    /// Waiting for the loop: [`Waits::loop_start`] and finishes noticed late.
    pub event_loop: Ticks,
    /// Of `event_loop`, the part an unattended step ready to start waited for the
    /// loop; the rest is finishes noticed late (an unattended step's, or the
    /// gather's). Not a fifth wait: [`Waits::total`] counts it once, in
    /// `event_loop`.
    pub loop_start: Ticks,
}

impl Waits {
    /// All four together.
    pub fn total(&self) -> Ticks {
        self.door + self.cook + self.equipment + self.event_loop
    }

    /// The waits with their names (`door`, `cook`, `equipment`, `loop`), longest
    /// first (ties in that order), leaving out those of zero.
    pub fn named(&self) -> Vec<(&'static str, Ticks)> {
        let mut all = vec![
            ("door", self.door),
            ("cook", self.cook),
            ("equipment", self.equipment),
            ("loop", self.event_loop),
        ];
        all.retain(|(_, t)| *t > 0);
        all.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
        all
    }
}

/// A served order that took longer than its recipe: by how much it went above its
/// longest chain, and its waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waited {
    /// The order's id.
    pub id: u64,
    /// Its longest chain of steps: the least time its recipe could take.
    pub chain: Ticks,
    /// Its time in system minus its longest chain.
    pub above_chain: Ticks,
    /// What it waited for.
    pub waits: Waits,
}

/// The served orders that took longest above their longest chain of steps (at a
/// tie, the lower order number first, whatever order they were served in), at most
/// `keep` of them: memory that does not grow with the run.
///
/// They are ranked by time above the chain, not by their waits' total: that is how
/// much longer than its recipe an order took, which is what "why" is asked. The
/// waits along a shorter chain that decided the end can add up to more (the
/// synchronous lunch waits 13 min for its cook and takes 5 min above its chain).
pub struct Longest {
    keep: usize,
    /// Longest first.
    orders: Vec<Waited>,
}

impl Longest {
    /// Keeps the `keep` longest.
    pub fn new(keep: usize) -> Self {
        Longest { keep, orders: Vec::with_capacity(keep + 1) }
    }

    /// Offers one served order; one that took no longer than its longest chain is
    /// left out, whatever it waited for along a shorter chain.
    pub fn offer(&mut self, w: Waited) {
        if w.above_chain == 0 {
            return;
        }
        let rank = |o: &Waited| (std::cmp::Reverse(o.above_chain), o.id);
        let at = self.orders.partition_point(|o| rank(o) < rank(&w));
        if at < self.keep {
            self.orders.insert(at, w);
            self.orders.truncate(self.keep);
        }
    }

    /// The orders kept, longest above their chain first.
    pub fn orders(&self) -> &[Waited] {
        &self.orders
    }
}

/// Why a run's orders took longer than their recipes: follows the orders
/// ([`WaitTracker`]) and keeps the [`WHY_ORDERS`] that took longest above their
/// longest chain of steps ([`Longest`]), for
/// [`why::took_longest`](crate::view::why::took_longest) to put in words. Memory
/// that does not grow with the run.
pub struct WhyView<'s> {
    sc: &'s Scenario,
    waits: WaitTracker<'s>,
    longest: Longest,
}

/// How many of the orders that took longest above their chain a run's "why" names.
pub const WHY_ORDERS: usize = 3;

impl<'s> WhyView<'s> {
    /// A view of a run of `sc`, in either kitchen.
    pub fn new(sc: &'s Scenario) -> Self {
        WhyView { sc, waits: WaitTracker::new(sc), longest: Longest::new(WHY_ORDERS) }
    }

    /// Takes one event.
    pub fn event(&mut self, event: &Event<'_>) {
        if let Some((id, waits)) = self.waits.event(event)
            && let EventKind::Served { order, .. } = event.kind
        {
            let chain = longest_chain(self.sc, order.item, &order.durations);
            let above_chain = (event.t - order.arrival).saturating_sub(chain);
            self.longest.offer(Waited { id, chain, above_chain, waits });
        }
    }

    /// The orders that took longest above their chain, longest first.
    pub fn orders(&self) -> &[Waited] {
        self.longest.orders()
    }

    /// The sentences: the orders that took longest above their chain and what
    /// they waited for.
    pub fn finish(&self) -> Vec<String> {
        crate::view::why::took_longest(self.sc, self.orders())
    }
}

/// When one step of an order queued, started and finished.
#[derive(Clone, Copy, Default)]
struct StepTimes {
    queued: Option<Ticks>,
    started: Option<Ticks>,
    finished: Option<Ticks>,
}

/// An order in the kitchen, or gone (`done`) but behind an earlier one still in it.
struct Taken {
    arrival: Ticks,
    taken: Ticks,
    steps: Vec<StepTimes>,
    done: bool,
}

/// Follows the orders in the kitchen and works out each served order's [`Waits`].
///
/// It tells the kitchens apart by their events, as the exports that use it know
/// only the scenario: the synchronous cook stands by every step, so an unattended
/// step that starts with a cook, a step in line with its cook, or a cook between
/// orders means the synchronous kitchen. Until then (every step hands-on, no
/// equipment, one customer) both kitchens' waits are put down alike.
pub struct WaitTracker<'s> {
    sc: &'s Scenario,
    sync: bool,
    /// The orders from the oldest still in the kitchen, by id (the kitchens take
    /// orders in id order).
    orders: VecDeque<Taken>,
    /// The id of `orders[0]`.
    first: u64,
    /// Step lists of orders gone, to reuse.
    spare: Vec<Vec<StepTimes>>,
}

impl<'s> WaitTracker<'s> {
    /// A tracker of a run of `sc`, in either kitchen.
    pub fn new(sc: &'s Scenario) -> Self {
        WaitTracker { sc, sync: false, orders: VecDeque::new(), first: 1, spare: Vec::new() }
    }

    /// Takes one event; when it serves an order, that order's id and waits.
    pub fn event(&mut self, event: &Event<'_>) -> Option<(u64, Waits)> {
        let t = event.t;
        match event.kind {
            EventKind::Arrived { order } => {
                if self.orders.is_empty() {
                    self.first = order.id;
                }
                let mut steps = self.spare.pop().unwrap_or_default();
                steps.clear();
                steps.resize(order.durations.len(), StepTimes::default());
                self.orders.push_back(Taken { arrival: order.arrival, taken: t, steps, done: false });
            }
            EventKind::StepWaiting { order, step, cook, .. } => {
                self.sync |= cook.is_some();
                if let Some(st) = self.step(order.id, step) {
                    st.queued = Some(t);
                }
            }
            EventKind::StepStarted { order, step, cook, .. } => {
                let kind = self.sc.recipe_of(order.item).steps[step as usize].kind;
                self.sync |= cook.is_some() && kind == StepKind::Unattended;
                if let Some(st) = self.step(order.id, step) {
                    st.started = Some(t);
                }
            }
            EventKind::StepFinished { order, step, .. } => {
                if let Some(st) = self.step(order.id, step) {
                    st.finished = Some(t);
                }
            }
            EventKind::Served { order, .. } => {
                let taken = self.order(order.id)?;
                taken.done = true;
                let waits = self.waits(order.item, &order.durations, self.order_ref(order.id)?, t);
                self.drop_done();
                return Some((order.id, waits));
            }
            EventKind::Left { order, .. } | EventKind::Balked { order } => {
                if let Some(taken) = self.order(order.id) {
                    taken.done = true;
                }
                self.drop_done();
            }
            EventKind::Between { .. } => self.sync = true,
            _ => {}
        }
        None
    }

    fn order(&mut self, id: u64) -> Option<&mut Taken> {
        self.orders.get_mut(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }

    fn order_ref(&self, id: u64) -> Option<&Taken> {
        self.orders.get(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }

    fn step(&mut self, id: u64, step: StepIx) -> Option<&mut StepTimes> {
        self.order(id).and_then(|o| o.steps.get_mut(step as usize))
    }

    /// Forgets the orders gone at the front, keeping their step lists.
    fn drop_done(&mut self) {
        while self.orders.front().is_some_and(|o| o.done) {
            let gone = self.orders.pop_front().expect("there is a first");
            self.spare.push(gone.steps);
            self.first += 1;
        }
    }

    /// The waits of an order of `item` served at `served`.
    fn waits(&self, item: ItemIx, durations: &[Ticks], o: &Taken, served: Ticks) -> Waits {
        let steps = &self.sc.recipe_of(item).steps;
        let sync = self.sync;
        let mut w = Waits::default();
        let taken_late = o.taken.saturating_sub(o.arrival);
        if sync {
            w.cook += taken_late;
        } else {
            w.door += taken_late;
        }
        // The step that finished last (the latest in recipe order at a tie).
        let finished = |s: usize| o.steps[s].finished.unwrap_or(o.taken);
        let Some(mut s) = (0..steps.len()).max_by_key(|&s| (finished(s), s)) else {
            w.event_loop += served.saturating_sub(o.taken);
            return w;
        };
        w.event_loop += served.saturating_sub(finished(s));
        loop {
            let st = &o.steps[s];
            let started = st.started.unwrap_or(o.taken);
            // A finish later than the work: noticed late, the loop was held.
            w.event_loop += finished(s).saturating_sub(started.saturating_add(durations[s]));
            // The step it came after that finished last. (The synchronous cook works
            // in recipe order: a step ready before its turn waited for the cook.)
            let before = steps[s].after.iter().map(|&d| d as usize).max_by_key(|&d| (finished(d), d));
            let ready = before.map_or(o.taken, |d| finished(d).max(o.taken));
            let queued = st.queued.map(|q| q.max(ready));
            let (lead, in_line) = match queued {
                Some(q) => (q.saturating_sub(ready), started.saturating_sub(q)),
                None => (started.saturating_sub(ready), 0),
            };
            w.equipment += in_line;
            if sync || steps[s].kind == StepKind::HandsOn {
                w.cook += lead;
            } else {
                w.event_loop += lead;
                w.loop_start += lead;
            }
            match before {
                Some(d) if finished(d) > o.taken => s = d,
                _ => break,
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waited(id: u64, above_chain: Ticks, cook: Ticks) -> Waited {
        Waited { id, chain: 1, above_chain, waits: Waits { cook, ..Waits::default() } }
    }

    /// The orders kept are those furthest above their chain, whatever their waits'
    /// total, and at a tie the lower order number comes first, whatever order they
    /// were served in.
    #[test]
    fn longest_ranks_by_time_above_the_chain_then_by_order_number() {
        let mut longest = Longest::new(3);
        // Served in this order: 5, 4, 9, 2, 7.
        for w in [waited(5, 2, 2), waited(4, 2, 2), waited(9, 1, 30), waited(2, 2, 2), waited(7, 3, 3)] {
            longest.offer(w);
        }
        let ids: Vec<u64> = longest.orders().iter().map(|w| w.id).collect();
        assert_eq!(ids, [7, 2, 4]);
    }
}
