//! The event loop itself (`cafe run --loop`): each pass of the asynchronous
//! kitchen's loop as CPython's `BaseEventLoop._run_once` runs it, from the loop's
//! own events ([`EventKind::LoopPass`], [`EventKind::TimerDue`],
//! [`EventKind::HandleRun`]) and the kitchen's.
//!
//! A pass shows the timers that fell due and joined the ready queue (with how late,
//! and which hands-on steps held the loop meanwhile), then each handle it runs in
//! order, named in the scenario's words ("order 2 · step brew · resumes after await
//! boil"), with the narrative's lines it prints, the hands-on steps that hold a cook
//! (with one cook, the whole loop), and each machine's line whenever it changes.
//! With several cooks, each handle says which cook ran it, and the rest of a
//! handle whose hands-on step ends after other handles have run on other cooks
//! comes under a line of its own.
//!
//! [`LoopView`] turns the events into [`LoopEntry`]s as they come: the text view
//! prints each at once (live on the real clock), the JSON view keeps them by pass
//! ([`LoopRecord`]). docs/loop.md says what each line means.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use crate::event::{AwaitPoint, Coroutine, Event, EventKind, LoopHandle};
use crate::model::{CookIx, Mode, Scenario, StepIx, StepKind};
use crate::orders::Order;
use crate::time::{Ticks, seconds};
use crate::view::json::TimeUnitRecord;
use crate::view::narrative::Narrator;
use crate::view::waits::WhyView;

/// One line of the loop view, in the order it happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoopEntry {
    /// A timer fell due and its callback joined the end of the ready queue.
    Timer {
        /// Its callback, in words.
        handle: String,
        /// When it was due, in seconds.
        due_s: f64,
        /// How long after that the loop moved it, in seconds (0 when on time).
        late_s: f64,
        /// The hands-on steps that held the loop (every cook) meanwhile, in the order
        /// they started: the last [`HELD_BY_LISTED`] at most.
        held_by: Vec<String>,
        /// How many hands-on steps held the loop meanwhile, the ones `held_by`
        /// leaves out (which started earlier) included.
        held_by_count: u64,
        /// It was cancelled before it fell due: it came along with a live timer
        /// ahead of it, and the loop skips it when its turn comes.
        cancelled: bool,
    },
    /// The loop runs a handle.
    Run {
        /// The cook that runs it (1-based); `None` with one cook, where the loop is
        /// the cook.
        cook: Option<u32>,
        /// What it does, in words: which task resumes, and at which `await`.
        handle: String,
    },
    /// A line of the scenario's narrative, printed by the handle running.
    Line {
        /// When it printed, in seconds.
        t_s: f64,
        /// The line.
        text: String,
    },
    /// A hands-on step starts: it holds its cook (with one cook, the whole loop)
    /// until it ends; nothing else runs on that cook meanwhile.
    Holds {
        /// The cook (1-based); `None` with one cook.
        cook: Option<u32>,
        /// The step, in words.
        step: String,
        /// When it ends, in seconds.
        until_s: f64,
    },
    /// With several cooks: a cook's hands-on step ended after other handles ran,
    /// and the rest of the handle that started it runs now (its finish line, the
    /// equipment given back); the entries that follow are that rest's.
    Rest {
        /// The cook (1-based).
        cook: u32,
        /// The step, in words.
        step: String,
        /// The pass whose handle started the step.
        pass: u64,
    },
    /// A hands-on step ended: its cook is free again.
    Free {
        /// The cook (1-based); `None` with one cook.
        cook: Option<u32>,
        /// The step, in words.
        step: String,
        /// When, in seconds.
        t_s: f64,
    },
    /// A machine's units in use or its line of waiting steps changed
    /// (`asyncio.Semaphore`: first come, first served).
    Queue {
        /// The equipment's name.
        equipment: String,
        /// Units in use: held by a step under way, or handed to a step in line
        /// (`capacity` minus the semaphore's `_value`).
        in_use: u32,
        /// Units it has.
        capacity: u32,
        /// The steps in line that have been handed a unit (`_wake_up_next` set
        /// their future's result) and have not woken up yet to start, first first.
        /// While any is in line, a newcomer waits even for a free unit.
        handed: Vec<String>,
        /// The steps waiting for a unit, first first.
        waiting: Vec<String>,
    },
}

/// One pass of the loop, with what happened in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassRecord {
    /// Its number, from 1.
    pub pass: u64,
    /// When it began, in seconds.
    pub t_s: f64,
    /// What happened, in order.
    pub entries: Vec<LoopEntry>,
}

/// The loop view of a whole run (`cafe run --loop --format json`).
#[derive(Serialize)]
pub struct LoopRecord {
    /// The scenario's name.
    pub scenario: String,
    /// Which kitchen ran: always `async` (the synchronous kitchen has no loop).
    pub mode: Mode,
    /// The seed of the random draws.
    pub seed: u64,
    /// The unit the scenario writes its times in (the text view's), and seconds per
    /// unit; every `_s` field is in seconds.
    pub time_unit: TimeUnitRecord,
    /// Every pass, in order.
    pub passes: Vec<PassRecord>,
    /// Why the orders took longer than their recipes: the orders that took
    /// longest above their longest chain of steps and what they waited for, a
    /// sentence each (`view::why::took_longest`).
    pub why: Vec<String>,
}

/// A hands-on step that held a cook, to explain the timers it made late.
struct Hold {
    step: String,
    from: Ticks,
    until: Ticks,
}

/// A step in line for a unit of equipment: its order, its index, and it in words.
type InLine = (u64, StepIx, String);

/// The line that introduces the view's closing sentences: why the orders took
/// longer than their recipes.
pub const WHY_HEADING: &str = "why the orders took longer than their recipes:";

/// How many hands-on steps a late timer names at most (the last to start): the
/// view keeps only that many to name, and counts the rest.
pub const HELD_BY_LISTED: usize = 16;

/// Events → [`LoopEntry`]s, printed as they come, kept, or both.
pub struct LoopView<'s> {
    sc: &'s Scenario,
    narrator: Narrator<'s>,
    /// Several cooks: each handle, hold and freed cook says which.
    cooks: bool,
    /// The pass under way, and when it began.
    pass: u64,
    pass_t: Ticks,
    /// Each machine's units in use, the steps in line it has handed a unit to, and
    /// its line of waiting steps.
    in_use: Vec<u32>,
    handed: Vec<Vec<InLine>>,
    waiting: Vec<Vec<InLine>>,
    /// A machine whose line is owed: it gave a unit back with steps in line, and the
    /// unit is handed on by the next event, or a step was handed a unit as the
    /// step before it in line starts; one line then says both.
    owed: Option<usize>,
    /// The last [`HELD_BY_LISTED`] hands-on steps to start.
    holds: VecDeque<Hold>,
    /// To count every hands-on step that held a late timer: how many started, the
    /// ends of those that may still have (any end after the last timer's due time
    /// and the previous pass's start), how many ended before both, and how many
    /// started at the latest start time.
    holds_started: u64,
    hold_ends: BinaryHeap<Reverse<Ticks>>,
    holds_over: u64,
    last_start: (Ticks, u64),
    /// Handles (and passes and rests) shown so far, and for each cook the count
    /// and the pass when its hands-on step started: with several cooks, a step
    /// that ends after other handles were shown has its rest shown apart.
    shown: u64,
    cook_started: Vec<(u64, u64)>,
    /// The passes so far, when kept.
    passes: Option<Vec<PassRecord>>,
    seed: u64,
    /// Lines of text made by `event`, handed to its callback.
    text: String,
    why: WhyView<'s>,
}

impl<'s> LoopView<'s> {
    /// A view of a run of `sc` (asynchronous kitchen) with `seed`; `keep` keeps the
    /// passes for [`LoopView::finish`].
    pub fn new(sc: &'s Scenario, seed: u64, keep: bool) -> Self {
        let n = sc.kitchen.equipment.len();
        LoopView {
            sc,
            narrator: Narrator::new(sc, Mode::Async),
            cooks: sc.kitchen.cooks > 1,
            pass: 0,
            pass_t: 0,
            in_use: vec![0; n],
            handed: vec![Vec::new(); n],
            waiting: vec![Vec::new(); n],
            owed: None,
            holds: VecDeque::new(),
            holds_started: 0,
            hold_ends: BinaryHeap::new(),
            holds_over: 0,
            last_start: (0, 0),
            shown: 0,
            cook_started: vec![(0, 0); usize::from(sc.kitchen.cooks)],
            passes: keep.then(Vec::new),
            seed,
            text: String::new(),
            why: WhyView::new(sc),
        }
    }

    /// Takes one event; `line` gets each line of text it makes, without its line
    /// break (nothing when the event changes nothing the view shows).
    pub fn event(&mut self, event: &Event<'_>, mut line: impl FnMut(&str)) {
        let mut entries: Vec<LoopEntry> = Vec::new();
        let t = event.t;
        self.why.event(event);
        // A machine's owed line comes first, unless this event changes that line
        // again at once: then one line says both.
        if let Some(e) = self.owed {
            let again = match event.kind {
                EventKind::UnitHanded { equipment, .. } => usize::from(equipment) == e,
                EventKind::StepStarted { order, step, .. } => self.uses(order, step) == Some(e),
                _ => false,
            };
            if !again {
                self.owed = None;
                entries.push(self.queue(e));
            }
        }
        match event.kind {
            EventKind::LoopPass { pass } => {
                self.emit(entries, &mut line);
                // Every timer moved from now on was due after the previous pass
                // began: a hands-on step that ended by then held none of them.
                self.holds_ended_by(self.pass_t);
                self.pass = pass;
                self.pass_t = t;
                self.shown += 1;
                if let Some(passes) = &mut self.passes {
                    passes.push(PassRecord { pass, t_s: seconds(t), entries: Vec::new() });
                }
                let header = format!("pass {pass} · {}", self.time(t));
                line(&header);
                return;
            }
            EventKind::TimerDue { handle, due } => {
                // Timers move in the order they fall due, so a hands-on step that
                // ended by this one's due time held no timer moved from now on.
                self.holds_ended_by(due);
                let held_by: Vec<String> = self
                    .holds
                    .iter()
                    .filter(|h| h.until > due && h.from < t)
                    .map(|h| h.step.clone())
                    .collect();
                // Those that ended after it fell due, less those that started now.
                let now = if self.last_start.0 == t { self.last_start.1 } else { 0 };
                let held_by_count = self.holds_started - self.holds_over - now;
                debug_assert!(held_by_count >= held_by.len() as u64, "every step named is counted");
                entries.push(LoopEntry::Timer {
                    handle: self.timer(*handle),
                    due_s: seconds(due),
                    late_s: seconds(t - due.min(t)),
                    held_by_count,
                    held_by,
                    cancelled: matches!(handle, LoopHandle::CancelledTimer { .. }),
                });
            }
            EventKind::HandleRun { handle, cook } => {
                self.shown += 1;
                entries.push(LoopEntry::Run { cook: self.cook(cook), handle: self.handle(*handle) });
            }
            EventKind::StepWaiting { order, step, equipment, .. } => {
                let name = self.step_name(order, step);
                self.waiting[usize::from(equipment)].push((order.id, step, name));
                entries.push(self.queue(usize::from(equipment)));
            }
            EventKind::UnitHanded { order, step, equipment } => {
                let e = usize::from(equipment);
                let waiting = &mut self.waiting[e];
                if let Some(at) = waiting.iter().position(|w| (w.0, w.1) == (order.id, step)) {
                    let w = waiting.remove(at);
                    self.handed[e].push(w);
                }
                self.in_use[e] += 1;
                if self.owed.take() == Some(e) {
                    // Handed on as it was given back.
                    entries.push(self.queue(e));
                } else {
                    // The step before it in line starts next.
                    self.owed = Some(e);
                }
            }
            EventKind::StepFinished { order, step, cook: Some(c) } if self.cooks => {
                let (shown, pass) = self.cook_started[usize::from(c)];
                let hands_on = self.sc.recipe_of(order.item).steps[step as usize].kind == StepKind::HandsOn;
                if hands_on && shown != self.shown {
                    self.shown += 1;
                    let step = self.step_name(order, step);
                    entries.push(LoopEntry::Rest { cook: u32::from(c) + 1, step, pass });
                }
            }
            _ => {}
        }
        let narrator = &mut self.narrator;
        narrator
            .event(event, |lt, text| entries.push(LoopEntry::Line { t_s: seconds(lt), text: text.into() }));
        match event.kind {
            EventKind::StepStarted { order, step, cook, .. } => {
                let st = &self.sc.recipe_of(order.item).steps[step as usize];
                if let Some(e) = st.uses {
                    let e = usize::from(e);
                    let handed = &mut self.handed[e];
                    match handed.iter().position(|w| (w.0, w.1) == (order.id, step)) {
                        // It leaves the line with the unit it was handed.
                        Some(at) => drop(handed.remove(at)),
                        // It took a free unit at once.
                        None => self.in_use[e] += 1,
                    }
                    self.owed = None;
                    entries.push(self.queue(e));
                }
                if st.kind == StepKind::HandsOn {
                    let until = t.saturating_add(order.durations[step as usize]);
                    let name = self.step_name(order, step);
                    self.hold(Hold { step: name.clone(), from: t, until });
                    if let Some(c) = cook {
                        self.cook_started[usize::from(c)] = (self.shown, self.pass);
                    }
                    let cook = cook.and_then(|c| self.cook(c));
                    entries.push(LoopEntry::Holds { cook, step: name, until_s: seconds(until) });
                }
            }
            EventKind::StepFinished { order, step, cook } => {
                let st = &self.sc.recipe_of(order.item).steps[step as usize];
                if st.kind == StepKind::HandsOn {
                    let cook = cook.and_then(|c| self.cook(c));
                    entries.push(LoopEntry::Free {
                        cook,
                        step: self.step_name(order, step),
                        t_s: seconds(t),
                    });
                }
                if let Some(e) = st.uses {
                    let e = usize::from(e);
                    self.in_use[e] = self.in_use[e].saturating_sub(1);
                    self.owe(e, &mut entries);
                }
            }
            EventKind::StepCancelled { order, step, started } => {
                if let Some(e) = self.uses(order, step) {
                    let is = |w: &InLine| (w.0, w.1) == (order.id, step);
                    let handed = self.handed[e].iter().position(is);
                    if let Some(at) = handed {
                        // It gives back the unit it was handed, to the next in line.
                        self.handed[e].remove(at);
                    } else if !started {
                        self.waiting[e].retain(|w| !is(w));
                    }
                    if started || handed.is_some() {
                        self.in_use[e] = self.in_use[e].saturating_sub(1);
                        self.owe(e, &mut entries);
                    } else {
                        entries.push(self.queue(e));
                    }
                }
            }
            _ => {}
        }
        self.emit(entries, &mut line);
        if let EventKind::ServiceEnded { .. } = event.kind {
            line(WHY_HEADING);
            for sentence in self.why.finish() {
                line(&format!("  {sentence}"));
            }
        }
    }

    /// Writes `entries` out as text and keeps them with the pass under way.
    fn emit(&mut self, entries: Vec<LoopEntry>, line: &mut impl FnMut(&str)) {
        for entry in entries {
            self.text.clear();
            self.render(&entry);
            for l in self.text.lines() {
                line(l);
            }
            if let Some(pass) = self.passes.as_mut().and_then(|p| p.last_mut()) {
                pass.entries.push(entry);
            }
        }
    }

    /// Machine `e` gave a unit back: with steps in line, the unit goes on to the
    /// first at once (the next event says so), and one line says both.
    fn owe(&mut self, e: usize, entries: &mut Vec<LoopEntry>) {
        if self.waiting[e].is_empty() {
            entries.push(self.queue(e));
        } else {
            self.owed = Some(e);
        }
    }

    /// The equipment a step uses, if any.
    fn uses(&self, order: &Order, step: StepIx) -> Option<usize> {
        self.sc.recipe_of(order.item).steps[step as usize].uses.map(usize::from)
    }

    /// A hands-on step starts: kept to name (the last [`HELD_BY_LISTED`]) and
    /// counted for the timers it may make late. One that takes no time holds
    /// nothing.
    fn hold(&mut self, hold: Hold) {
        if hold.until == hold.from {
            return;
        }
        self.holds_started += 1;
        self.last_start = match self.last_start {
            (at, n) if at == hold.from => (at, n + 1),
            _ => (hold.from, 1),
        };
        self.hold_ends.push(Reverse(hold.until));
        self.holds.push_back(hold);
        if self.holds.len() > HELD_BY_LISTED {
            self.holds.pop_front();
        }
    }

    /// No timer moved from now on was due before `t`: the hands-on steps that
    /// ended by then made none of them late.
    fn holds_ended_by(&mut self, t: Ticks) {
        while self.hold_ends.peek().is_some_and(|&Reverse(until)| until <= t) {
            self.hold_ends.pop();
            self.holds_over += 1;
        }
    }

    /// A scenario time in the scenario's unit.
    fn time(&self, t: Ticks) -> String {
        format!("{:.3} {}", self.sc.unit.from_ticks(t), self.sc.unit.name())
    }

    fn seconds_as_time(&self, s: f64) -> String {
        format!("{:.3} {}", s / self.sc.unit.seconds(), self.sc.unit.name())
    }

    fn cook(&self, cook: CookIx) -> Option<u32> {
        self.cooks.then_some(u32::from(cook) + 1)
    }

    fn step_name(&self, order: &Order, step: StepIx) -> String {
        format!("order {} · step {}", order.id, self.sc.recipe_of(order.item).steps[step as usize].name)
    }

    fn task_name(&self, task: Coroutine<'_>) -> String {
        match task {
            Coroutine::Main => "main() · the door".into(),
            Coroutine::Order(order) => format!("order {}", order.id),
            Coroutine::Step(order, step) => self.step_name(order, step),
        }
    }

    /// A handle in words.
    fn handle(&self, handle: LoopHandle<'_>) -> String {
        let sc = self.sc;
        match handle {
            LoopHandle::Resume { task, at } => {
                let at = match at {
                    AwaitPoint::Start => "starts".to_string(),
                    AwaitPoint::Sleep => "resumes after await asyncio.sleep".into(),
                    AwaitPoint::Gather => "resumes after await gather".into(),
                    AwaitPoint::WaitFor => "resumes after await wait_for".into(),
                    AwaitPoint::Step(d) => match task.order() {
                        Some(order) => {
                            format!("resumes after await {}", sc.recipe_of(order.item).steps[d as usize].name)
                        }
                        None => "resumes".into(),
                    },
                    AwaitPoint::Equipment(e) => {
                        format!(
                            "resumes in line for the {} (async with)",
                            sc.kitchen.equipment[e as usize].name
                        )
                    }
                };
                format!("{} · {at}", self.task_name(task))
            }
            LoopHandle::SleepDone { task } => {
                format!("asyncio.sleep of {} ends: its task wakes up next", self.task_name(task))
            }
            LoopHandle::GatherDone { owner: Coroutine::Main } => {
                "gather of main() hears an order is done".into()
            }
            LoopHandle::GatherDone { owner } => {
                format!("gather of {} hears a step is done", self.task_name(owner))
            }
            LoopHandle::ReleaseWaiter { order } => {
                format!("wait_for of order {order}: its gather is done, the order task wakes up next")
            }
            LoopHandle::Timeout { order } => {
                format!("wait_for of order {} times out: the customer's patience ran out", order.id)
            }
            LoopHandle::CancelledTimer { timeout } => {
                let what = if timeout { "a wait_for timeout" } else { "an asyncio.sleep" };
                format!("a cancelled timer ({what}), skipped when its turn comes")
            }
        }
    }

    /// A timer, by what it was armed for.
    fn timer(&self, handle: LoopHandle<'_>) -> String {
        match handle {
            LoopHandle::SleepDone { task: Coroutine::Main } => {
                "asyncio.sleep of main() · the door (the next customer is due)".into()
            }
            LoopHandle::SleepDone { task } => format!("asyncio.sleep of {}", self.task_name(task)),
            LoopHandle::Timeout { order } => {
                format!("wait_for's timeout of order {} (its patience)", order.id)
            }
            other => self.handle(other),
        }
    }

    /// A machine's line now.
    fn queue(&self, e: usize) -> LoopEntry {
        let eq = &self.sc.kitchen.equipment[e];
        let names = |line: &[InLine]| line.iter().map(|w| w.2.clone()).collect();
        LoopEntry::Queue {
            equipment: eq.name.clone(),
            in_use: self.in_use[e],
            capacity: eq.capacity,
            handed: names(&self.handed[e]),
            waiting: names(&self.waiting[e]),
        }
    }

    /// One entry as text into `self.text`.
    fn render(&mut self, entry: &LoopEntry) {
        let mut out = std::mem::take(&mut self.text);
        let cook = |c: &Option<u32>| c.map_or(String::new(), |c| format!("[cook {c}] "));
        let _ = match entry {
            LoopEntry::Timer { handle, due_s, late_s, held_by, held_by_count, cancelled } => {
                let _ = write!(out, "  timer due {} → ready: {handle}", self.seconds_as_time(*due_s));
                // (Nothing waits for a cancelled timer: how late it moved is no matter.)
                if *late_s > 0.0 && !cancelled {
                    let _ = write!(out, "\n        {} late", self.seconds_as_time(*late_s));
                    if !held_by.is_empty() {
                        let _ = write!(out, ": the loop was held by {}", held_by.join(", "));
                    }
                    match held_by_count.saturating_sub(held_by.len() as u64) {
                        0 => {}
                        1 => out.push_str(" and 1 earlier step"),
                        n => {
                            let _ = write!(out, " and {n} earlier steps");
                        }
                    }
                }
                Ok(())
            }
            LoopEntry::Run { cook: c, handle } => write!(out, "  run   {}{handle}", cook(c)),
            LoopEntry::Rest { cook, step, pass } => {
                write!(
                    out,
                    "  rest  [cook {cook}] {step} · the rest of its handle (pass {pass}), after its hands-on work"
                )
            }
            LoopEntry::Line { t_s, text } => {
                if (*t_s - seconds(self.pass_t)).abs() > 0.0 {
                    write!(out, "        │ ({}) {text}", self.seconds_as_time(*t_s))
                } else {
                    write!(out, "        │ {text}")
                }
            }
            LoopEntry::Holds { cook: c, step, until_s } => {
                let who = match c {
                    Some(c) => format!("cook {c}"),
                    None => "the loop".into(),
                };
                write!(
                    out,
                    "        ⏸ {step} is hands-on: holds {who} until {}",
                    self.seconds_as_time(*until_s)
                )
            }
            LoopEntry::Free { cook: c, step, t_s } => {
                let who = match c {
                    Some(c) => format!("cook {c} is"),
                    None => "the loop is".into(),
                };
                write!(out, "        ▶ {step} done at {}: {who} free", self.seconds_as_time(*t_s))
            }
            LoopEntry::Queue { equipment, in_use, capacity, handed, waiting } => {
                let _ = write!(out, "        ≡ {equipment}: {in_use} of {capacity} in use");
                if !handed.is_empty() {
                    let _ = write!(out, " · handed a unit, not yet woken: {}", handed.join(", "));
                }
                if waiting.is_empty() { Ok(()) } else { write!(out, " · waiting: {}", waiting.join(", ")) }
            }
        };
        self.text = out;
    }

    /// The passes kept (with `keep`), as the JSON view.
    pub fn finish(mut self) -> Option<LoopRecord> {
        if let Some(e) = self.owed.take() {
            // A run stopped before the event that would have written it.
            let entry = self.queue(e);
            if let Some(pass) = self.passes.as_mut().and_then(|p| p.last_mut()) {
                pass.entries.push(entry);
            }
        }
        let sc = self.sc;
        self.passes.map(|passes| LoopRecord {
            scenario: sc.name.clone(),
            mode: Mode::Async,
            seed: self.seed,
            time_unit: TimeUnitRecord { name: sc.unit, seconds: sc.unit.seconds() },
            passes,
            why: self.why.finish(),
        })
    }
}
