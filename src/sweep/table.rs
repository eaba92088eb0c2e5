//! A sweep as text: the terminal table and the answer lines.

use std::fmt::Write as _;

use super::{Metric, Op, Quantity, Sweep, Target, answers};
use crate::replicate::Estimate;
use crate::time::TimeUnit;
use crate::view::stats::{CookStat, Kind};
use crate::view::table::{Align, Column, Table};

/// An estimate as `mean ± half-width` ([`Estimate::show`]), shares as
/// percentages, counts from no decimals and the rest from one.
fn show_estimate(e: &Estimate, metric: &Metric) -> String {
    let (mean, half) = match metric.kind() {
        Kind::Share => e.show(100.0, 1, "%"),
        Kind::Count => e.show(1.0, 0, ""),
        _ => e.show(1.0, 1, ""),
    };
    mean + &half
}

/// A number as short as it can be written (`18`, `2.5`).
fn short(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// The metrics the table shows: time in system (p95, mean), wait (mean, p95),
/// throughput and the cooks' hands-on share, and the target's if it is another.
fn table_metrics(target: Option<&Target>) -> Vec<Metric> {
    let mut shown = vec![
        Metric::TimeInSystem(Quantity::P95),
        Metric::TimeInSystem(Quantity::Mean),
        Metric::Wait(Quantity::Mean),
        Metric::Wait(Quantity::P95),
        Metric::Throughput,
        Metric::HandsOn,
    ];
    if let Some(t) = target {
        if !shown.contains(&t.metric) {
            shown.push(t.metric.clone());
        }
    }
    shown
}

fn header(m: &Metric, unit: TimeUnit) -> String {
    let u = unit.name();
    match m {
        Metric::TimeInSystem(q) => format!("{} in system ({u})", q.name()),
        Metric::Wait(q) => format!("{} wait ({u})", q.name()),
        Metric::Throughput => "per hour".into(),
        Metric::HandsOn => CookStat::HandsOn.label().into(),
        Metric::WaitedShare => "waited".into(),
        Metric::InSystem => "in the café".into(),
        Metric::Waiting => "waiting".into(),
        other => other.name(),
    }
}

/// The table: one row per configuration (its values, the main statistics as
/// `mean ± half-width`, its cost, ✓ if it meets the target), a line per
/// configuration not run.
pub fn render_table(sweep: &Sweep, target: Option<&Target>) -> String {
    let u = sweep.unit.name();
    let mut out = String::new();
    let warmup = if sweep.warmup_s > 0.0 {
        format!("warm-up {} {u}", short(sweep.warmup_s / sweep.unit.seconds()))
    } else {
        "no warm-up".into()
    };
    let kitchen = sweep.mode.title().to_lowercase();
    let n = sweep.rows.len();
    let _ = writeln!(
        out,
        "Sweep of {}: {n} configuration{} × {} replication{} ({kitchen} kitchen, base seed {}, {warmup})",
        sweep.scenario,
        if n == 1 { "" } else { "s" },
        sweep.replications,
        if sweep.replications == 1 { "" } else { "s" },
        sweep.seed,
    );
    let _ =
        writeln!(out, "Times in {u}; each statistic is mean ± half-width of its 95% confidence interval.\n");
    let shown = table_metrics(target);
    let mut head: Vec<String> = sweep.varies.iter().map(|v| v.param.label()).collect();
    head.extend(shown.iter().map(|m| header(m, sweep.unit)));
    head.push("cost".into());
    if target.is_some() {
        head.push("target".into());
    }
    let mut cells: Vec<Vec<String>> = Vec::new();
    for (i, row) in sweep.rows.iter().enumerate() {
        let mut c: Vec<String> =
            sweep.varies.iter().zip(&row.values).map(|(v, &x)| v.param.show(x)).collect();
        if row.measured_nothing {
            c.push("nothing measured".into());
            c.extend(std::iter::repeat_n(String::new(), shown.len() - 1));
        } else if row.done() {
            c.extend(
                shown
                    .iter()
                    .map(|m| row.estimate(&sweep.metrics, m).map_or("-".into(), |e| show_estimate(&e, m))),
            );
        } else {
            c.push("not run".into());
            c.extend(std::iter::repeat_n(String::new(), shown.len() - 1));
        }
        c.push(short(row.cost));
        if let Some(t) = target {
            c.push(if sweep.meets(i, t) { "✓".into() } else { String::new() });
        }
        c.push(if row.measured_nothing {
            "?".into()
        } else if row.load.is_some_and(|l| l >= 1.0) {
            "!".into()
        } else {
            String::new()
        });
        cells.push(c);
    }
    head.push(String::new());
    // Every column right-aligned, two spaces apart.
    let columns = (0..head.len()).map(|j| Column::fit(Align::Right, if j == 0 { "" } else { "  " }));
    let mut table = Table::new("  ", columns.collect());
    table.row(head);
    for c in cells {
        table.row(c);
    }
    out += &table.render();
    if sweep.rows.iter().any(|r| r.load.is_some_and(|l| l >= 1.0)) {
        let why = if sweep.metrics.iter().any(|m| matches!(m, Metric::LeftShare | Metric::BalkedShare)) {
            "many customers\n    give up or walk away rather than wait."
        } else {
            "its queue\n    grows without bound, so its statistics describe the length of the run, not the kitchen."
        };
        let _ = writeln!(
            out,
            "\n  ! the customers need more than this kitchen has (an offered load of 100% or more): {why}"
        );
    }
    if sweep.rows.iter().any(|r| r.measured_nothing) {
        let _ = writeln!(
            out,
            "\n  ? the warm-up of {} {u} leaves nothing to measure (a replication ended before it, or no\n    customer arrived after it): give a shorter --warmup, or make the run longer.",
            short(sweep.warmup_s / sweep.unit.seconds())
        );
    }
    out
}

/// The answer lines: the cheapest configuration meeting the target (per arrival
/// rate when it is varied), or that none does and the closest; and what was not run.
pub fn render_answer(sweep: &Sweep, target: Option<&Target>) -> String {
    let mut out = String::new();
    let u = sweep.unit.name();
    let done = sweep.rows.iter().filter(|r| r.done()).count();
    if sweep.interrupted {
        let not_run: Vec<String> =
            sweep.rows.iter().filter(|r| !r.done()).map(|r| r.describe(&sweep.varies)).collect();
        let shown = not_run.len().min(10);
        let more = if not_run.len() > shown {
            format!(", and {} more", not_run.len() - shown)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Interrupted: {done} of {} configurations finished. Not run: {}{more}.",
            sweep.rows.len(),
            not_run[..shown].join("; ")
        );
    }
    let Some(t) = target else {
        return out;
    };
    let unit = if t.metric.is_time() { format!(" {u}") } else { String::new() };
    let side = match t.op {
        Op::Le | Op::Lt => "upper",
        Op::Ge | Op::Gt => "lower",
    };
    let _ = writeln!(
        out,
        "Target: {}{unit}, met with 95% confidence (the {side} end of the interval).",
        t.text()
    );
    let what = |i: usize| {
        let row = &sweep.rows[i];
        let e = row.estimate(&sweep.metrics, &t.metric);
        let stat = e.map_or("-".into(), |e| show_estimate(&e, &t.metric));
        let unit = if t.metric.is_time() { format!(" {u}") } else { String::new() };
        format!(
            "{} (cost {}): {} {stat}{unit}",
            row.describe(&sweep.varies),
            short(row.cost),
            t.metric.name()
        )
    };
    for a in answers(sweep, t) {
        let at = match (a.rate, sweep.rate_position()) {
            (Some(r), Some(p)) => format!("At rate {}: ", sweep.varies[p].param.show(r)),
            _ => String::new(),
        };
        match (a.best, a.closest) {
            (Some(b), _) => {
                let _ = writeln!(out, "{at}cheapest configuration meeting the target: {}", what(b));
            }
            (None, Some(c)) => {
                let _ = writeln!(out, "{at}no configuration meets the target; closest: {}", what(c));
            }
            (None, None) if sweep.rows.iter().any(|r| r.measured_nothing) => {
                let _ = writeln!(
                    out,
                    "{at}no configuration meets the target: none measured anything after the warm-up"
                );
            }
            (None, None) => {
                let _ = writeln!(out, "{at}no configuration was run to the end");
            }
        }
    }
    out
}
