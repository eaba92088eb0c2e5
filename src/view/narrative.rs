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
    /// The kinds of event (bits by [`kind_bit`]) that can print a line or that the
    /// narrator must see: every other event is passed over at once, without looking
    /// up its recipe or step.
    fires: u16,
    /// Step results of served orders, by order id, when `{results}` ends the service.
    all_results: Option<Vec<OrderResults<'s>>>,
    buf: String,
}

/// A bit for each kind of event, for [`Narrator`]'s `fires`.
fn kind_bit(kind: &EventKind<'_>) -> u16 {
    1 << match kind {
        EventKind::ServiceStarted => 0,
        EventKind::Arrived { .. } => 1,
        EventKind::StepWaiting { .. } => 2,
        EventKind::StepStarted { .. } => 3,
        EventKind::StepFinished { .. } => 4,
        EventKind::StepCancelled { .. } => 5,
        EventKind::Served { .. } => 6,
        EventKind::Left { .. } => 7,
        EventKind::Balked { .. } => 8,
        EventKind::Between { .. } => 9,
        EventKind::ServiceEnded { .. } => 10,
        // The loop's own events print no line.
        EventKind::LoopPass { .. }
        | EventKind::TimerDue { .. }
        | EventKind::HandleRun { .. }
        | EventKind::UnitHanded { .. } => 11,
    }
}

/// Which kinds of event of a run of `sc` in the `mode` kitchen can print a line, as
/// bits by [`kind_bit`], a recipe's and a step's own lines included; `Served` also
/// when the end of service prints every order's `{results}`.
fn firing(sc: &Scenario, mode: Mode) -> u16 {
    let n = &sc.narrative;
    let own = |own: &Option<Lines>, default: &Lines| !own.as_ref().unwrap_or(default).is_empty();
    let recipes = &sc.menu.recipes;
    let steps = || recipes.iter().flat_map(|r| &r.steps);
    let kinds = [
        (!n.service_start.is_empty(), 0),
        (recipes.iter().any(|r| own(&r.on_arrival, &n.arrival)), 1),
        (steps().any(|st| own(&st.on_start, &n.step_start)), 3),
        (steps().any(|st| own(&st.on_finish, &n.step_finish)), 4),
        (recipes.iter().any(|r| own(&r.on_served, &n.served)) || n.service_end.uses(Var::Results), 6),
        (!n.left.is_empty(), 7),
        (!n.balked.is_empty(), 8),
        (mode == Mode::Sync && !n.between.is_empty(), 9),
        (!n.service_end.is_empty(), 10),
    ];
    kinds.iter().filter(|(fires, _)| *fires).fold(0, |bits, (_, bit)| bits | 1 << bit)
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
        Narrator { sc, mode, fires: firing(sc, mode), all_results, buf: String::new() }
    }

    /// Whether no event of the run can print a line: the scenario's narrative (its
    /// recipes' and steps' own lines included) is empty for this kitchen. A caller
    /// then need not feed it at all.
    pub fn is_silent(&self) -> bool {
        self.fires == 0
    }

    /// Calls `line(t, text)` for each line `event` prints.
    #[inline]
    pub fn event(&mut self, event: &Event<'_>, line: impl FnMut(Ticks, &str)) {
        if self.fires & kind_bit(&event.kind) != 0 {
            self.lines(event, line);
        }
    }

    /// [`Narrator::event`] for an event that may print.
    fn lines(&mut self, event: &Event<'_>, mut line: impl FnMut(Ticks, &str)) {
        let sc = self.sc;
        let n = &sc.narrative;
        let mut at = At { t: event.t, order: None, step: None, cook: None, elapsed: 0, served: None };
        let lines: &Lines = match event.kind {
            EventKind::ServiceStarted => &n.service_start,
            EventKind::Arrived { order } => {
                at.order = Some(order);
                sc.recipe_of(order.item).on_arrival.as_ref().unwrap_or(&n.arrival)
            }
            EventKind::StepStarted { order, step, cook, .. }
            | EventKind::StepFinished { order, step, cook } => {
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
            EventKind::LoopPass { .. }
            | EventKind::TimerDue { .. }
            | EventKind::HandleRun { .. }
            | EventKind::UnitHanded { .. } => return,
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
        if known_var(out, sc, self.mode, var, fmt, at.order, at.step) {
            return;
        }
        match var {
            // The planned count, or at the end of an open-ended run, the served one.
            Var::Customers => match sc.customer_count().or(at.served) {
                Some(n) => format_number(out, n as f64, NumFormat::Shortest),
                None => out.push('?'),
            },
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
            Var::Cook => {
                if let Some(c) = at.cook {
                    format_number(out, (c + 1) as f64, NumFormat::Shortest);
                }
            }
            _ => unreachable!("{var:?} is known from the scenario, the order and the step"),
        }
    }
}

/// Writes a placeholder that the scenario, the order and the step decide alone (not
/// the time, the run's counts or the cook): true if `var` is one, false (writing
/// nothing) for `{time}`, `{elapsed}`, `{customers}`, `{results}` and `{cook}`. The
/// narrator and the Python program (`crate::python_program`) print these the same way.
pub(crate) fn known_var(
    out: &mut String,
    sc: &Scenario,
    mode: Mode,
    var: Var,
    fmt: NumFormat,
    order: Option<&Order>,
    step: Option<StepIx>,
) -> bool {
    let unit = sc.unit;
    let order = || order.expect("order placeholders are only allowed at order moments");
    let step = || {
        let o = order();
        let s = step.expect("step placeholders are only allowed at step moments");
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
        Var::Mode => out.push_str(mode.title()),
        Var::Menu => join(out, &mut sc.menu.items.iter().map(|i| i.name.as_str())),
        Var::MenuOption(o) => join(out, &mut sc.menu.options[o as usize].values.iter().map(String::as_str)),
        Var::Scenario => out.push_str(&sc.name),
        Var::Unit => out.push_str(unit.name()),
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
        Var::Customers | Var::Time | Var::Elapsed | Var::Results | Var::Cook => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, VirtualClock};

    fn load(toml: &str) -> Scenario {
        crate::scenario::load_str("t", toml).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Every line of a run, and how many events the narrator looked into.
    fn lines(sc: &Scenario, mode: Mode) -> (Vec<String>, usize) {
        let mut narrator = Narrator::new(sc, mode);
        let (mut lines, mut looked) = (Vec::new(), 0);
        let mut sink = |event: &Event<'_>| {
            looked += usize::from(narrator.fires & kind_bit(&event.kind) != 0);
            narrator.event(event, |_, line| lines.push(line.to_string()));
        };
        engine::run(sc, mode, 1, &mut VirtualClock, &mut sink);
        (lines, looked)
    }

    const QUIET: &str = r#"
[recipes.coffee]
steps = [{ name = "brew", kind = "hands-on", duration = 1 }]
[menu]
coffee = "coffee"
[customers.generate]
count = 5
interarrival = 1
"#;

    #[test]
    fn a_scenario_without_lines_is_silent_and_looked_into_never() {
        let sc = load(QUIET);
        for mode in [Mode::Async, Mode::Sync] {
            assert!(Narrator::new(&sc, mode).is_silent());
            assert_eq!(lines(&sc, mode), (vec![], 0));
        }
    }

    #[test]
    fn a_recipe_or_a_step_of_its_own_makes_its_moments_print() {
        let own = [
            ("[recipes.coffee]", "[recipes.coffee]\non_arrival = \"{customer} came\"", "Customer 1 came"),
            ("[recipes.coffee]", "[recipes.coffee]\non_served = \"{customer} served\"", "Customer 1 served"),
            ("duration = 1 }", "duration = 1, on_start = \"{step} starts\" }", "brew starts"),
            ("duration = 1 }", "duration = 1, on_finish = \"{step} done\" }", "brew done"),
        ];
        for (from, to, first) in own {
            let sc = load(&QUIET.replace(from, to));
            for mode in [Mode::Async, Mode::Sync] {
                assert!(!Narrator::new(&sc, mode).is_silent(), "{to}");
                let (printed, looked) = lines(&sc, mode);
                assert_eq!((printed.len(), printed[0].as_str()), (5, first), "{to}");
                // Only the moment that prints is looked into: one event per customer.
                assert_eq!(looked, 5, "{to}");
            }
        }
    }

    #[test]
    fn between_lines_print_in_the_synchronous_kitchen_only() {
        let sc = load(&format!("{QUIET}[narrative]\nbetween = \"next!\"\n"));
        assert!(Narrator::new(&sc, Mode::Async).is_silent());
        assert_eq!(lines(&sc, Mode::Sync).0, vec!["next!"; 4]);
    }

    #[test]
    fn results_at_the_end_of_service_see_every_served_order() {
        let toml = QUIET.replace("duration = 1 }", "duration = 1, result = \"cup\" }");
        let sc = load(&format!("{toml}[narrative]\nservice_end = \"{{results}}\"\n"));
        for mode in [Mode::Async, Mode::Sync] {
            assert_eq!(lines(&sc, mode).0, vec!["['cup', 'cup', 'cup', 'cup', 'cup']"], "{mode:?}");
        }
    }

    #[test]
    fn every_builtin_prints_the_same_lines_whether_or_not_it_is_silent() {
        for b in crate::builtin::BUILTINS {
            // Without the `replay` feature the replayed day does not load.
            let sc = match b.load() {
                Ok(sc) => sc,
                Err(e) if e.render().contains("reads no replayed day") => continue,
                Err(e) => panic!("{}", e.render()),
            };
            for mode in [Mode::Async, Mode::Sync] {
                let (printed, _) = lines(&sc, mode);
                assert_eq!(Narrator::new(&sc, mode).is_silent(), printed.is_empty(), "{} {mode:?}", b.name);
            }
        }
    }
}
