//! The live panel: what each cook is doing, what each machine holds, and who is
//! waiting for what, right now: the café's `asyncio.all_tasks()`.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use crate::engine::Mode;
use crate::event::{Event, EventKind, Sink};
use crate::model::{ItemIx, Scenario, StepIx};
use crate::time::Ticks;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StepState {
    /// Created, awaiting the steps it comes after.
    Pending,
    /// In line for equipment.
    Queued,
    Running,
    Done,
}

struct OrderLive {
    item: ItemIx,
    steps: Vec<StepState>,
}

/// The kitchen's state, kept up to date from events.
pub struct LiveState<'s> {
    sc: &'s Scenario,
    mode: Mode,
    now: Ticks,
    /// What each cook is on: (order, step, since).
    cooks: Vec<Option<(u64, StepIx, Ticks)>>,
    /// Per equipment: who holds it, and who is in line, first first.
    holders: Vec<Vec<(u64, StepIx)>>,
    queues: Vec<VecDeque<(u64, StepIx)>>,
    orders: BTreeMap<u64, OrderLive>,
    served: u64,
    /// Customers who left unserved or did not join.
    lost: u64,
    /// The highest order id let in so far (orders come in by id).
    last_in: u64,
}

impl<'s> LiveState<'s> {
    /// The state before service opens: every cook idle, all equipment free, no orders.
    pub fn new(sc: &'s Scenario, mode: Mode) -> Self {
        let n = sc.kitchen.equipment.len();
        LiveState {
            sc,
            mode,
            now: 0,
            cooks: vec![None; sc.kitchen.cooks as usize],
            holders: vec![Vec::new(); n],
            queues: vec![VecDeque::new(); n],
            orders: BTreeMap::new(),
            served: 0,
            lost: 0,
            last_in: 0,
        }
    }

    /// Following a plan: the next step it starts, not started yet, with when (the
    /// cook's assistant: "next: #3 bake at 13.00").
    fn next_planned(&self) -> Option<(Ticks, u64, StepIx)> {
        let plan = self.sc.kitchen.plan.as_deref()?;
        let mut next: Option<(Ticks, u64, u64, StepIx)> = None;
        for (k, steps) in plan.steps.iter().enumerate() {
            let id = k as u64 + 1;
            let live = self.orders.get(&id);
            if live.is_none() && id <= self.last_in {
                continue; // Served, or gone.
            }
            for (s, &(at, rank)) in steps.iter().enumerate() {
                let started = live.is_some_and(|o| o.steps[s] != StepState::Pending);
                if !started && next.is_none_or(|n| (at, rank) < (n.0, n.1)) {
                    next = Some((at, rank, id, s as StepIx));
                }
            }
        }
        next.map(|(at, _, id, s)| (at, id, s))
    }

    fn step_label(&self, order: u64, step: StepIx) -> String {
        match self.orders.get(&order) {
            Some(o) => {
                let recipe = self.sc.recipe_of(o.item);
                format!("#{order} {}", recipe.steps[step as usize].name)
            }
            None => format!("#{order}"),
        }
    }

    /// The panel as lines of at most `width` characters, showing at most
    /// `max_orders` orders.
    pub fn render(&self, width: usize, max_orders: usize) -> Vec<String> {
        let sc = self.sc;
        let u = sc.unit;
        let mut lines = Vec::new();
        let mut head = format!(
            "── {} kitchen at {:.2} {} ── {} in the kitchen, {} served ",
            self.mode.title(),
            u.from_ticks(self.now),
            u.name(),
            self.orders.len(),
            self.served
        );
        if self.lost > 0 {
            head += &format!("── {} gone unserved ", self.lost);
        }
        lines.push(head);
        for (c, doing) in self.cooks.iter().enumerate() {
            let what = match doing {
                Some((order, step, since)) => {
                    let st = self.orders.get(order).map(|o| &sc.recipe_of(o.item).steps[*step as usize]);
                    let how = match st.map(|s| s.kind) {
                        Some(crate::model::StepKind::HandsOn) => "hands-on",
                        _ => "standing by",
                    };
                    format!(
                        "{how:<12} {} (since {:.2})",
                        self.step_label(*order, *step),
                        u.from_ticks(*since)
                    )
                }
                None => "idle".to_string(),
            };
            lines.push(format!("  cook {:<10} {what}", c + 1));
        }
        for (e, eq) in sc.kitchen.equipment.iter().enumerate() {
            let holding: Vec<String> = self.holders[e].iter().map(|(o, s)| self.step_label(*o, *s)).collect();
            let mut line = format!(
                "  {:<15} {}/{} in use{}{}",
                eq.name,
                holding.len(),
                eq.capacity,
                if holding.is_empty() { "" } else { ": " },
                holding.join(", ")
            );
            if !self.queues[e].is_empty() {
                let queue: Vec<String> =
                    self.queues[e].iter().map(|(o, s)| self.step_label(*o, *s)).collect();
                let _ = write!(line, "  ← waiting: {}", queue.join(", "));
            }
            lines.push(line);
        }
        for (id, o) in self.orders.iter().take(max_orders) {
            let recipe = sc.recipe_of(o.item);
            let steps: Vec<String> = recipe
                .steps
                .iter()
                .zip(&o.steps)
                .map(|(st, state)| {
                    let mark = match state {
                        StepState::Pending => "…",
                        StepState::Queued => "⧗",
                        StepState::Running => "▶",
                        StepState::Done => "✓",
                    };
                    format!("{mark}{}", st.name)
                })
                .collect();
            lines.push(format!("  #{id:<4} {:<12} {}", sc.menu.items[o.item as usize].name, steps.join(" ")));
        }
        if self.orders.len() > max_orders {
            lines.push(format!("  … and {} more orders", self.orders.len() - max_orders));
        }
        if let Some((at, id, s)) = self.next_planned() {
            let plan = sc.kitchen.plan.as_deref().expect("a next step comes from a plan");
            let item = plan.items.get(id as usize - 1).copied().unwrap_or(0);
            if let Some(step) = sc.recipe_of(item).steps.get(s as usize) {
                let item = &sc.menu.items[item as usize].name;
                let (at, unit) = (u.from_ticks(at), u.name());
                lines
                    .push(format!("  next, as planned: start #{id} {item}: {} at {at:.2} {unit}", step.name));
            }
        }
        lines.into_iter().map(|l| fit(&l, width)).collect()
    }

    /// Moves the panel's clock to `t` (the next instant, before its events).
    pub fn at(&mut self, t: Ticks) {
        self.now = self.now.max(t);
    }
}

/// Cuts `line` to `width` characters, or pads a heading rule to it.
fn fit(line: &str, width: usize) -> String {
    let n = line.chars().count();
    if n > width {
        let mut s: String = line.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    } else if line.starts_with('─') {
        let mut s = line.to_string();
        s.extend(std::iter::repeat_n('─', width - n));
        s
    } else {
        line.to_string()
    }
}

impl Sink for LiveState<'_> {
    fn event(&mut self, e: &Event<'_>) {
        self.now = self.now.max(e.t);
        let sc = self.sc;
        let set = |orders: &mut BTreeMap<u64, OrderLive>, order: u64, step: StepIx, s: StepState| {
            if let Some(o) = orders.get_mut(&order) {
                o.steps[step as usize] = s;
            }
        };
        match e.kind {
            EventKind::Arrived { order } => {
                self.last_in = self.last_in.max(order.id);
                let n = sc.recipe_of(order.item).steps.len();
                self.orders
                    .insert(order.id, OrderLive { item: order.item, steps: vec![StepState::Pending; n] });
            }
            EventKind::StepWaiting { order, step, equipment, cook } => {
                set(&mut self.orders, order.id, step, StepState::Queued);
                self.queues[equipment as usize].push_back((order.id, step));
                if let Some(c) = cook {
                    self.cooks[c as usize] = Some((order.id, step, e.t));
                }
            }
            EventKind::StepStarted { order, step, cook, .. } => {
                set(&mut self.orders, order.id, step, StepState::Running);
                if let Some(eq) = sc.recipe_of(order.item).steps[step as usize].uses {
                    let q = &mut self.queues[eq as usize];
                    if let Some(pos) = q.iter().position(|w| *w == (order.id, step)) {
                        q.remove(pos);
                    }
                    self.holders[eq as usize].push((order.id, step));
                }
                if let Some(c) = cook {
                    self.cooks[c as usize] = Some((order.id, step, e.t));
                }
            }
            EventKind::StepFinished { order, step, cook } => {
                set(&mut self.orders, order.id, step, StepState::Done);
                if let Some(eq) = sc.recipe_of(order.item).steps[step as usize].uses {
                    self.holders[eq as usize].retain(|h| *h != (order.id, step));
                }
                if let Some(c) = cook {
                    let slot: &mut Option<(u64, StepIx, Ticks)> = &mut self.cooks[c as usize];
                    if slot.is_some_and(|(o, s, _)| (o, s) == (order.id, step)) {
                        *slot = None;
                    }
                }
            }
            EventKind::StepCancelled { order, step, .. } => {
                set(&mut self.orders, order.id, step, StepState::Done);
                if let Some(eq) = sc.recipe_of(order.item).steps[step as usize].uses {
                    self.holders[eq as usize].retain(|h| *h != (order.id, step));
                    self.queues[eq as usize].retain(|h| *h != (order.id, step));
                }
            }
            EventKind::Served { order, .. } => {
                self.orders.remove(&order.id);
                self.served += 1;
            }
            EventKind::Left { order, .. } | EventKind::Balked { order } => {
                self.orders.remove(&order.id);
                self.lost += 1;
            }
            EventKind::ServiceStarted | EventKind::Between { .. } | EventKind::ServiceEnded { .. } => {}
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, VirtualClock};

    /// Runs `name` on the virtual clock up to (not including) events after `until`.
    fn panel_at(name: &str, mode: Mode, until: Ticks) -> Vec<String> {
        let sc = crate::builtin::find(name).unwrap().load().unwrap();
        let mut live = LiveState::new(&sc, mode);
        let mut sink = |e: &Event<'_>| {
            if e.t <= until {
                live.event(e)
            }
        };
        engine::run(&sc, mode, sc.seed, &mut VirtualClock, &mut sink);
        live.render(72, 5)
    }

    #[test]
    fn the_panel_shows_cooks_machines_and_tasks() {
        let s = crate::time::TICKS_PER_SECOND;
        let cafe = panel_at("cafe", Mode::Async, 2 * s);
        // The heading is a rule padded to the full width.
        assert_eq!(cafe[0].chars().count(), 72);
        assert!(cafe[0].starts_with("── Asynchronous kitchen at 0.00 s ── 2 in the kitchen, 0 served ──"));
        assert_eq!(
            cafe[1..],
            [
                "  cook 1          idle",
                "  coffee_machine  2/2 in use: #1 brew, #2 brew",
                "  #1    Latte        ▶brew",
                "  #2    Mocha        ▶brew",
            ]
        );
        let lunch = panel_at("lunch", Mode::Async, 60 * s);
        assert_eq!(lunch[1], "  cook 1          hands-on     #1 avocado (since 0.00)");
        assert_eq!(lunch[2], "  stove           1/4 in use: #1 pasta");
        assert_eq!(lunch[4], "  #1    lunch        ▶pasta ▶meatloaf ▶avocado");
        let sync = panel_at("cafe", Mode::Sync, 6 * s);
        assert_eq!(sync[1], "  cook 1          standing by  #2 brew (since 5.00)");
        assert_eq!(sync[3], "  #2    Mocha        ▶brew");
    }

    #[test]
    fn queues_and_long_lines_are_shown_within_the_width() {
        let sc = crate::builtin::find("cafe").unwrap().load().unwrap();
        let mut sc = sc;
        sc.kitchen.equipment[0].capacity = 1;
        let mut live = LiveState::new(&sc, Mode::Async);
        let mut sink = |e: &Event<'_>| {
            if e.t == 0 {
                live.event(e)
            }
        };
        engine::run(&sc, Mode::Async, 0, &mut VirtualClock, &mut sink);
        let panel = live.render(40, 1);
        assert_eq!(panel[2], "  coffee_machine  1/1 in use: #1 brew  …");
        assert_eq!(panel[3], "  #1    Latte        ▶brew");
        assert_eq!(panel[4], "  … and 1 more orders");
        assert!(panel.iter().all(|l| l.chars().count() <= 40));
    }
}
