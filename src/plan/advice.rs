//! A plan told as advice, in the scenario's own words: what to start, and when.

use crate::model::Scenario;

use super::{Plan, PlannedStep};

/// What to start and when, one line per instant at which something starts:
/// `0 min: start pull a shot (Ben's latte), then knead (Cy's bread).` A plan of
/// one order names only the steps.
pub fn advice(plan: &Plan, sc: &Scenario) -> Vec<String> {
    let unit = sc.unit;
    let one_order = plan.orders.len() == 1;
    let whose = |s: &PlannedStep| {
        let o = plan.orders.iter().find(|o| o.id == s.order);
        match o.and_then(|o| o.customer.as_deref()) {
            Some(name) => format!("{name}'s {}", s.item),
            None => format!("#{} {}", s.order, s.item),
        }
    };
    let mut lines = Vec::new();
    let mut i = 0;
    while i < plan.steps.len() {
        let t = plan.steps[i].start;
        let group: Vec<&PlannedStep> = plan.steps[i..].iter().take_while(|s| s.start == t).collect();
        i += group.len();
        let what: Vec<String> = group
            .iter()
            .map(|s| {
                let mut notes: Vec<String> = Vec::new();
                if !one_order {
                    notes.push(whose(s));
                }
                if let Some((e, _)) = &s.equipment {
                    notes.push(format!("on the {e}"));
                }
                match (s.kind.as_str(), s.cook) {
                    ("hands-on", Some(c)) if plan.cooks > 1 => notes.push(format!("cook {}", c + 1)),
                    ("hands-on", _) => {}
                    _ => notes.push("unattended".to_string()),
                }
                let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) };
                (s.step.clone(), notes)
            })
            .enumerate()
            .map(|(k, (step, notes))| {
                let first = if lines.is_empty() && k == 0 && group.len() > 1 { " first" } else { "" };
                format!("{step}{first}{notes}")
            })
            .collect();
        lines.push(format!("{} {}: start {}.", round(unit.from_ticks(t)), unit.name(), what.join(", then ")));
    }
    lines
}

/// `x` to two decimals at most, without trailing zeros: `3`, `2.5`, `179.47`.
fn round(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
