//! The narrative: the scenario's lines, printed at the moments they belong to.

use crate::engine::Mode;
use crate::event::{Event, EventKind};
use crate::model::{Scenario, StepIx};
use crate::orders::Order;
use crate::template::{Lines, NumFormat, Piece, Var, format_number, insert_article, python_list};
use crate::time::Ticks;

/// An order's id and its steps' results, in recipe order.
type OrderResults<'s> = (u64, Vec<Option<&'s str>>);

/// Turns events into narrative lines.
pub struct Narrator<'s> {
    sc: &'s Scenario,
    mode: Mode,
    /// Step results of served orders, by order id, when `{results}` ends the service.
    all_results: Option<Vec<OrderResults<'s>>>,
    buf: String,
}

/// What a line is being rendered about.
#[derive(Clone, Copy)]
struct At<'a> {
    t: Ticks,
    order: Option<&'a Order>,
    step: Option<StepIx>,
    cook: Option<u16>,
    elapsed: Ticks,
    served: Option<u64>,
}

impl<'s> Narrator<'s> {
    /// A narrator of `sc`'s lines for a run of the `mode` kitchen.
    pub fn new(sc: &'s Scenario, mode: Mode) -> Self {
        let all_results = sc.narrative.service_end.uses(Var::Results).then(Vec::new);
        Narrator { sc, mode, all_results, buf: String::new() }
    }

    /// Calls `line(t, text)` for each line `event` prints.
    pub fn event(&mut self, event: &Event<'_>, mut line: impl FnMut(Ticks, &str)) {
        let sc = self.sc;
        let n = &sc.narrative;
        let mut at = At { t: event.t, order: None, step: None, cook: None, elapsed: 0, served: None };
        let lines: &Lines = match event.kind {
            EventKind::ServiceStarted => &n.service_start,
            EventKind::Arrived { order } => {
                at.order = Some(order);
                sc.recipe_of(order.item).on_arrival.as_ref().unwrap_or(&n.arrival)
            }
            EventKind::StepStarted { order, step, cook } | EventKind::StepFinished { order, step, cook } => {
                at.order = Some(order);
                at.step = Some(step);
                at.cook = cook;
                let st = &sc.recipe_of(order.item).steps[step as usize];
                if matches!(event.kind, EventKind::StepStarted { .. }) {
                    st.on_start.as_ref().unwrap_or(&n.step_start)
                } else {
                    st.on_finish.as_ref().unwrap_or(&n.step_finish)
                }
            }
            EventKind::Served { order, .. } => {
                at.order = Some(order);
                if let Some(all) = &mut self.all_results {
                    let steps = &sc.recipe_of(order.item).steps;
                    all.push((order.id, steps.iter().map(|s| s.result.as_deref()).collect()));
                }
                sc.recipe_of(order.item).on_served.as_ref().unwrap_or(&n.served)
            }
            EventKind::Between { order, .. } => {
                if self.mode != Mode::Sync {
                    return;
                }
                at.order = Some(order);
                &n.between
            }
            EventKind::ServiceEnded { elapsed, served } => {
                at.elapsed = elapsed;
                at.served = Some(served);
                if let Some(all) = &mut self.all_results {
                    all.sort_by_key(|(id, _)| *id);
                }
                &n.service_end
            }
            EventKind::Left { order, .. } => {
                at.order = Some(order);
                &n.left
            }
            EventKind::Balked { order } => {
                at.order = Some(order);
                &n.balked
            }
            EventKind::StepWaiting { .. } | EventKind::StepCancelled { .. } => return,
        };
        for template in &lines.0 {
            self.buf.clear();
            for piece in &template.pieces {
                match piece {
                    Piece::Text(s) => self.buf.push_str(s),
                    Piece::Var(var, fmt) => self.var(*var, *fmt, at),
                    Piece::Article(var) => {
                        let start = self.buf.len();
                        self.var(*var, NumFormat::Shortest, at);
                        insert_article(&mut self.buf, start);
                    }
                }
            }
            line(event.t, &self.buf);
        }
    }

    fn var(&mut self, var: Var, fmt: NumFormat, at: At<'_>) {
        let sc = self.sc;
        let unit = sc.unit;
        let out = &mut self.buf;
        let order = || at.order.expect("order placeholders are only allowed at order moments");
        let step = || {
            let o = order();
            let s = at.step.expect("step placeholders are only allowed at step moments");
            (o, s, &sc.recipe_of(o.item).steps[s as usize])
        };
        let join = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
            for (i, s) in items.enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(s);
            }
        };
        match var {
            Var::Mode => out.push_str(self.mode.title()),
            Var::Menu => join(out, &mut sc.menu.items.iter().map(|i| i.name.as_str())),
            Var::MenuOption(o) => {
                join(out, &mut sc.menu.options[o as usize].values.iter().map(String::as_str))
            }
            // The planned count, or at the end of an open-ended run, the served one.
            Var::Customers => match sc.customer_count().or(at.served) {
                Some(n) => format_number(out, n as f64, NumFormat::Shortest),
                None => out.push('?'),
            },
            Var::Scenario => out.push_str(&sc.name),
            Var::Unit => out.push_str(unit.name()),
            Var::Time => format_number(out, unit.from_ticks(at.t), fmt),
            Var::Elapsed => format_number(out, unit.from_ticks(at.elapsed), fmt),
            Var::Results => match at.order {
                Some(o) => {
                    let steps = &sc.recipe_of(o.item).steps;
                    python_list(out, steps.iter().map(|s| s.result.as_deref()));
                }
                None => {
                    let all = self.all_results.as_ref().expect("collected when service_end uses {results}");
                    python_list(out, all.iter().flat_map(|(_, r)| r.iter().copied()));
                }
            },
            Var::Order => format_number(out, order().id as f64, NumFormat::Shortest),
            Var::Customer => {
                let o = order();
                match o.listed.and_then(|i| match &sc.customers {
                    crate::model::Customers::List(l) => l[i as usize].name.as_deref(),
                    _ => None,
                }) {
                    Some(name) => out.push_str(name),
                    None => {
                        out.push_str("Customer ");
                        format_number(out, o.id as f64, NumFormat::Shortest);
                    }
                }
            }
            Var::Item => out.push_str(&sc.menu.items[order().item as usize].name),
            Var::OptionValue(i) => {
                let v = order().options[i as usize];
                out.push_str(&sc.menu.options[i as usize].values[v as usize]);
            }
            Var::Arrival => format_number(out, unit.from_ticks(order().arrival), fmt),
            Var::Step => out.push_str(&step().2.name),
            Var::Duration => {
                let (o, s, _) = step();
                format_number(out, unit.from_ticks(o.durations[s as usize]), fmt);
            }
            Var::Inputs => {
                let (o, _, st) = step();
                let steps = &sc.recipe_of(o.item).steps;
                python_list(out, st.after.iter().map(|&d| steps[d as usize].result.as_deref()));
            }
            Var::Result => {
                if let Some(r) = &step().2.result {
                    out.push_str(r);
                }
            }
            Var::Cook => {
                if let Some(c) = at.cook {
                    format_number(out, (c + 1) as f64, NumFormat::Shortest);
                }
            }
        }
    }
}
