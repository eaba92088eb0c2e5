//! A plan as text: its timeline above asyncio's (same scale), what to start and
//! when, and a table of the plan beside the engine under every dispatch policy.

use crate::model::Scenario;
use crate::plan::{Objective, Plan, advice, trace};
use crate::time::Ticks;
use crate::view::compare::{Comparison, Side};
use crate::view::table::{Align, Column, Table};
use crate::view::timeline::{self, TimelineOptions};
use crate::view::trace::LaneKind;

/// The value of `objective` for a run of the engine (whose trace has order lanes),
/// in ticks: when its last order was served, or its customers' total time.
pub fn side_value(side: &Side, objective: Objective) -> Ticks {
    match objective {
        Objective::Makespan => side.outcome.end,
        Objective::TotalTime => side
            .trace
            .lanes
            .iter()
            .filter(|l| matches!(l.kind, LaneKind::Order(_)))
            .filter_map(|l| l.life)
            .map(|(arrived, ended)| ended - arrived)
            .sum(),
    }
}

/// The whole text of `cafe plan`: with `timelines`, asyncio's FIFO and the plan
/// drawn one above the other; then the advice; then the table. `followed`: when
/// the plan is not exact, its value when the engine follows it on the day as drawn
/// ([`Planned::followed`](crate::ops::Planned::followed)), which asyncio's runs
/// are measured against.
pub fn render(
    plan: &Plan,
    policies: &Comparison,
    followed: Option<Ticks>,
    sc: &Scenario,
    opts: &TimelineOptions,
    timelines: bool,
) -> String {
    let unit = sc.unit;
    let time = |t: Ticks| format!("{:.2} {}", unit.from_ticks(t), unit.name());
    let mut out = if sc.summary.is_empty() {
        format!("{}\n\n", sc.name)
    } else {
        format!("{}: {}\n\n", sc.name, sc.summary)
    };
    let what = match plan.objective {
        Objective::Makespan => "the last order served",
        Objective::TotalTime => "the customers' total time in the café",
    };
    out.push_str(&format!(
        "Plan of the day (seed {}), minimising {what}: {}\n",
        plan.seed,
        plan.status_text()
    ));
    if sc.has_patience() || sc.balk.is_some() {
        out.push_str("(customers are taken to wait until served: the scenario's patience and balking are left out, here and in asyncio's runs)\n");
    }
    if !plan.exact {
        out.push_str(&format!(
            "(durations and arrivals rounded up to multiples of {} s: the plan's times are approximate)\n",
            crate::time::short(crate::time::seconds(plan.resolution))
        ));
    }
    out.push('\n');
    if timelines {
        let planned = trace(plan, sc, false);
        // asyncio's run without its order lanes, like the plan's.
        let fifo = policies.sides.first().map(|s| {
            let mut t = s.trace.clone();
            t.lanes.retain(|l| !matches!(l.kind, LaneKind::Order(_)));
            t
        });
        let mut charts = Vec::new();
        if let Some(fifo) = &fifo {
            charts.push((fifo, Some("asyncio (fifo)")));
        }
        charts.push((&planned, Some("The plan")));
        out.push_str(&timeline::render_stacked(&charts, sc, opts));
        out.push('\n');
    }
    out.push_str("What to start, and when:\n");
    for line in advice(plan, sc) {
        out.push_str(&format!("  {line}\n"));
    }
    out.push('\n');
    let head = match plan.objective {
        Objective::Makespan => "last served",
        Objective::TotalTime => "total time",
    };
    let mut table = Table::new(
        "",
        vec![Column::fit(Align::Left, ""), Column::fit(Align::Right, "  "), Column::fit(Align::Left, "  ")],
    );
    table.row(vec![String::new(), head.to_string(), String::new()]);
    // asyncio's runs are of the day as drawn: measured against the plan on that day.
    let reference = followed.unwrap_or(plan.value);
    for side in &policies.sides {
        let v = side_value(side, plan.objective);
        let name = format!("asyncio, policy {}", side.policy.name());
        table.row(vec![name, time(v), above(v, reference, &time)]);
    }
    match followed {
        Some(real) => {
            table.row(vec!["the plan, followed".to_string(), time(real), "on the day as drawn".to_string()]);
            table.row(vec![
                "the plan, rounded day".to_string(),
                time(plan.value),
                format!("{}, of the rounded day", plan.status_text()),
            ]);
        }
        None => {
            table.row(vec!["the plan".to_string(), time(plan.value), plan.status_text()]);
        }
    }
    let b = &plan.simple_bounds;
    let why = match plan.objective {
        Objective::Makespan => format!(
            "longest chain {}, cooks' work {}, equipment's {}",
            time(b.chain as Ticks),
            time(b.cooks as Ticks),
            time(b.equipment as Ticks)
        ),
        Objective::TotalTime => format!("sum of the orders' longest chains {}", time(b.chain as Ticks)),
    };
    let bound = if plan.exact { "lower bound" } else { "lower bound, rounded day" };
    table.row(vec![bound.to_string(), time(plan.bound), format!("the best of the solver's and: {why}")]);
    out.push_str(&table.render());
    out
}

/// `+3.00 min (+16.7%) over the plan`, `as good as the plan`, or (only where
/// the plan is of a rounded day) `-0.33 min (-0.2%), better than the plan`; a
/// difference that prints as 0.00 is `under 0.01 min better than the plan` (or
/// over it), never a `-0.00` that reads as none.
fn above(v: Ticks, plan: Ticks, time: &dyn Fn(Ticks) -> String) -> String {
    let pct = |d: Ticks| d as f64 / plan.max(1) as f64 * 100.0;
    let under = |d: Ticks| time(d).strip_prefix("0.00 ").map(|unit| format!("under 0.01 {unit}"));
    match v.cmp(&plan) {
        std::cmp::Ordering::Equal => "as good as the plan".to_string(),
        std::cmp::Ordering::Greater => match under(v - plan) {
            Some(under) => format!("{under} over the plan"),
            None => format!("+{} (+{:.1}%) over the plan", time(v - plan), pct(v - plan)),
        },
        std::cmp::Ordering::Less => match under(plan - v) {
            Some(under) => format!("{under} better than the plan"),
            None => format!("-{} (-{:.1}%), better than the plan", time(plan - v), pct(plan - v)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A difference of a few nanoseconds is said as one, not as `-0.00 min (-0.0%)`.
    #[test]
    fn a_difference_below_a_hundredth_says_so() {
        let min = |t: Ticks| format!("{:.2} min", t as f64 / 60e9);
        let plan = 600 * 1_000_000_000;
        assert_eq!(above(plan - 7, plan, &min), "under 0.01 min better than the plan");
        assert_eq!(above(plan + 7, plan, &min), "under 0.01 min over the plan");
        assert_eq!(above(plan, plan, &min), "as good as the plan");
        assert_eq!(above(plan + 180 * 1_000_000_000, plan, &min), "+3.00 min (+30.0%) over the plan");
        assert_eq!(above(plan - 18 * 1_000_000_000, plan, &min), "-0.30 min (-3.0%), better than the plan");
    }
}
