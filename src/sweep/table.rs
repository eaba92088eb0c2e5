//! A sweep as text: the terminal table and the answer lines.

use std::fmt::Write as _;

use super::{Metric, Op, Quantity, Sweep, Target, answers_all};
use crate::replicate::Estimate;
use crate::time::TimeUnit;
use crate::view::stats::{CookStat, Kind};
use crate::view::table::{Align, Column, Table, wrap_words};

/// An estimate as `mean ± half-width` ([`Estimate::show`]), shares as
/// percentages, counts from no decimals and the rest from one.
pub(super) fn show_estimate(e: &Estimate, metric: &Metric) -> String {
    let (mean, half) = match metric.kind() {
        Kind::Share => e.show(100.0, 1, "%"),
        Kind::Count => e.show(1.0, 0, ""),
        _ => e.show(1.0, 1, ""),
    };
    mean + &half
}

/// `text` (lines that start with two spaces continue with four, others with two) written to `out`,
/// its words wrapped again to keep within `width` when a line is wider.
fn para(out: &mut String, text: &str, width: Option<usize>) {
    let (first, rest, words) = match text.strip_prefix("  ") {
        Some(words) => ("  ", "    ", words),
        None => ("", "  ", text),
    };
    out.push_str(&wrap_words(words, width, first, rest));
}

/// A number as short as it can be written (`18`, `2.5`).
pub(super) fn short(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// The metrics the table shows, each with its priority when the table must be
/// narrowed to a width (lower: kept longer): time in system (p95, mean), wait
/// (mean, p95), throughput, the cooks' hands-on share, the shares who left and who
/// walked away (when the scenario lets customers do either), and the targets' if
/// they are others.
pub(super) fn table_metrics(sweep: &Sweep, targets: &[&Target]) -> Vec<(Metric, u8)> {
    let mut shown = vec![
        (Metric::TimeInSystem(Quantity::P95), 3),
        (Metric::TimeInSystem(Quantity::Mean), 7),
        (Metric::Wait(Quantity::Mean), 4),
        (Metric::Wait(Quantity::P95), 8),
        (Metric::Throughput, 5),
        (Metric::HandsOn, 6),
    ];
    for m in [Metric::LeftShare, Metric::BalkedShare] {
        if sweep.metrics.contains(&m) {
            shown.push((m, 2));
        }
    }
    for t in targets {
        match shown.iter_mut().find(|(m, _)| *m == t.metric) {
            Some(s) => s.1 = 1,
            None => shown.push((t.metric.clone(), 1)),
        }
    }
    shown
}

pub(super) fn header(m: &Metric, unit: TimeUnit) -> String {
    let u = unit.name();
    match m {
        Metric::TimeInSystem(q) => format!("{} in system ({u})", q.name()),
        Metric::Wait(q) => format!("{} wait ({u})", q.name()),
        Metric::AboveChain(q) => format!("{} above chain ({u})", q.name()),
        Metric::Throughput => "per hour".into(),
        Metric::HandsOn => CookStat::HandsOn.label().into(),
        Metric::LeftShare => "left".into(),
        Metric::BalkedShare => "walked away".into(),
        Metric::WaitedShare => "waited".into(),
        Metric::InSystem => "in the café".into(),
        Metric::Waiting => "waiting".into(),
        other => other.name(),
    }
}

/// `cost`, or `cost (EUR)` when the scenario names its currency.
pub(super) fn cost_header(sweep: &Sweep) -> String {
    match &sweep.currency {
        Some(c) => format!("cost ({c})"),
        None => "cost".into(),
    }
}

/// The table: one row per configuration (its values, the main statistics as
/// `mean ± half-width`, its cost, ✓ if it meets every target), a line per
/// configuration not run. [`render_table_within`] with no width to keep to.
pub fn render_table<'t>(sweep: &Sweep, targets: impl IntoIterator<Item = &'t Target>) -> String {
    render_table_within(sweep, targets, None)
}

/// One column of the table before it is laid out.
struct Col {
    head: String,
    cells: Vec<String>,
    /// `None`: always shown; otherwise left out first when highest.
    priority: Option<u8>,
}

/// The table, kept within `width` characters when one is given: the statistics'
/// columns are left out from the least wanted (p95 wait, mean time in system, the
/// cooks' hands-on share, throughput, mean wait, p95 time in system; the shares
/// who left and walked away, then the targets' metrics, last) until the lines fit,
/// and a note names what was left out. The varied values, the cost and the
/// targets' column are always shown, and so is one statistic.
pub fn render_table_within<'t>(
    sweep: &Sweep,
    targets: impl IntoIterator<Item = &'t Target>,
    width: Option<usize>,
) -> String {
    let targets: Vec<&Target> = targets.into_iter().collect();
    let u = sweep.unit.name();
    let mut out = String::new();
    let warmup = if sweep.warmup_s > 0.0 {
        format!("warm-up {} {u}", short(sweep.warmup_s / sweep.unit.seconds()))
    } else {
        "no warm-up".into()
    };
    let kitchen = sweep.mode.title().to_lowercase();
    let n = sweep.rows.len();
    let intro = format!(
        "Sweep of {}: {n} configuration{} × {} replication{} ({kitchen} kitchen, base seed {}, {warmup})",
        sweep.scenario,
        if n == 1 { "" } else { "s" },
        sweep.replications,
        if sweep.replications == 1 { "" } else { "s" },
        sweep.seed,
    );
    para(&mut out, &intro, width);
    para(
        &mut out,
        &format!("Times in {u}; each statistic is mean ± half-width of its 95% confidence interval."),
        width,
    );
    if targets.len() > 1 {
        let k = targets.len();
        para(&mut out, &format!("targets: ✓ meets all {k}; k/{k} meets k of them."), width);
    }
    out.push('\n');
    let shown = table_metrics(sweep, &targets);
    let mut cols: Vec<Col> = sweep
        .varies
        .iter()
        .enumerate()
        .map(|(j, v)| Col {
            head: v.param.label(),
            cells: sweep.rows.iter().map(|r| v.param.show(r.values[j])).collect(),
            priority: None,
        })
        .collect();
    for (m, priority) in &shown {
        // Configurations not run or that measured nothing say so in the first
        // statistic's column shown (see `lay_out`).
        let cells = sweep
            .rows
            .iter()
            .map(|row| match row.done() && !row.measured_nothing {
                true => row.estimate(&sweep.metrics, m).map_or("-".into(), |e| show_estimate(&e, m)),
                false => String::new(),
            })
            .collect();
        cols.push(Col { head: header(m, sweep.unit), cells, priority: Some(*priority) });
    }
    cols.push(Col {
        head: cost_header(sweep),
        cells: sweep.rows.iter().map(|r| short(r.cost)).collect(),
        priority: None,
    });
    if !targets.is_empty() {
        let cells = (0..sweep.rows.len())
            .map(|i| {
                let met = targets.iter().filter(|t| sweep.meets(i, t)).count();
                if met == targets.len() {
                    "✓".into()
                } else if targets.len() > 1 && sweep.rows[i].done() {
                    format!("{met}/{}", targets.len())
                } else {
                    String::new()
                }
            })
            .collect();
        let head = if targets.len() > 1 { "targets" } else { "target" };
        cols.push(Col { head: head.into(), cells, priority: None });
    }
    cols.push(Col {
        head: String::new(),
        cells: sweep
            .rows
            .iter()
            .map(|row| {
                if row.measured_nothing {
                    "?".into()
                } else if row.load.is_some_and(|l| l >= 1.0) {
                    "!".into()
                } else {
                    String::new()
                }
            })
            .collect(),
        priority: None,
    });
    // Every column right-aligned, two spaces apart; the least wanted statistics
    // left out, one at a time, until every line fits.
    let lay_out = |cols: &[&Col]| {
        let first = cols.iter().position(|c| c.priority.is_some());
        let columns = (0..cols.len()).map(|j| Column::fit(Align::Right, if j == 0 { "" } else { "  " }));
        let mut table = Table::new("  ", columns.collect());
        table.row(cols.iter().map(|c| c.head.clone()).collect());
        for (i, row) in sweep.rows.iter().enumerate() {
            let mut cells: Vec<String> = cols.iter().map(|c| c.cells[i].clone()).collect();
            if let Some(f) = first {
                if row.measured_nothing {
                    cells[f] = "nothing measured".into();
                } else if !row.done() {
                    cells[f] = "not run".into();
                }
            }
            table.row(cells);
        }
        table.render()
    };
    let mut kept: Vec<&Col> = cols.iter().collect();
    let mut left_out: Vec<&str> = Vec::new();
    let mut text = lay_out(&kept);
    while let Some(w) = width {
        if text.lines().all(|l| l.chars().count() <= w) {
            break;
        }
        let statistics = kept.iter().filter(|c| c.priority.is_some()).count();
        let least = kept
            .iter()
            .enumerate()
            .filter(|(_, c)| c.priority.is_some())
            .max_by_key(|(j, c)| (c.priority, *j));
        let Some((j, c)) = least.filter(|_| statistics > 1) else { break };
        left_out.push(&c.head);
        kept.remove(j);
        text = lay_out(&kept);
    }
    out += &text;
    if !left_out.is_empty() {
        let w = width.unwrap_or_default();
        let note = format!(
            "  Left out to fit {w} columns: {} (a wider terminal, --width, --csv or --report show them).",
            left_out.join(", ")
        );
        out.push('\n');
        para(&mut out, &note, width);
    }
    if sweep.rows.iter().any(|r| r.load.is_some_and(|l| l >= 1.0)) {
        let why = if sweep.metrics.iter().any(|m| matches!(m, Metric::LeftShare | Metric::BalkedShare)) {
            "many customers\n    give up or walk away rather than wait."
        } else {
            "its queue\n    grows without bound, so its statistics describe the length of the run, not the kitchen."
        };
        out.push('\n');
        let note = format!(
            "  ! the customers need more than this kitchen has (an offered load of 100% or more): {why}"
        );
        para(&mut out, &note, width);
    }
    if sweep.rows.iter().any(|r| r.measured_nothing) {
        let note = format!(
            "  ? the warm-up of {} {u} leaves nothing to measure (a replication ended before it, or no\n    customer arrived after it): give a shorter --warmup, or make the run longer.",
            short(sweep.warmup_s / sweep.unit.seconds())
        );
        out.push('\n');
        para(&mut out, &note, width);
    }
    out
}

/// [`render_answer`], each line wider than `width` (when given) wrapped to it.
pub fn render_answer_within<'t>(
    sweep: &Sweep,
    targets: impl IntoIterator<Item = &'t Target>,
    width: Option<usize>,
) -> String {
    let mut out = String::new();
    for line in render_answer(sweep, targets).lines() {
        para(&mut out, line, width);
    }
    out
}

/// The answer lines: the cheapest configuration meeting every target (per arrival
/// rate when it is varied), or that none does and the closest, with the targets it
/// misses; and what was not run.
pub fn render_answer<'t>(sweep: &Sweep, targets: impl IntoIterator<Item = &'t Target>) -> String {
    let targets: Vec<Target> = targets.into_iter().cloned().collect();
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
    if targets.is_empty() {
        return out;
    }
    let unit = |t: &Target| if t.metric.is_time() { format!(" {u}") } else { String::new() };
    let side = |t: &Target| match t.op {
        Op::Le | Op::Lt => "upper",
        Op::Ge | Op::Gt => "lower",
    };
    let the = if targets.len() == 1 { "the target" } else { "every target" };
    if let [t] = targets.as_slice() {
        let _ = writeln!(
            out,
            "Target: {}{}, met with 95% confidence (the {} end of the interval).",
            t.text(),
            unit(t),
            side(t)
        );
    } else {
        let _ =
            writeln!(out, "Targets, all required, each met with 95% confidence (the interval's end named):");
        for t in &targets {
            let _ = writeln!(out, "  {}{} ({} end)", t.text(), unit(t), side(t));
        }
    }
    let what = |i: usize| {
        let row = &sweep.rows[i];
        let stats: Vec<String> = targets
            .iter()
            .map(|t| {
                let e = row.estimate(&sweep.metrics, &t.metric);
                let stat = e.map_or("-".into(), |e| show_estimate(&e, &t.metric));
                format!("{} {stat}{}", t.metric.name(), unit(t))
            })
            .collect();
        let currency = sweep.currency.as_deref().map_or(String::new(), |c| format!(" {c}"));
        format!("{} (cost {}{currency}): {}", row.describe(&sweep.varies), short(row.cost), stats.join(", "))
    };
    for a in answers_all(sweep, &targets) {
        let at = match (a.rate, sweep.rate_position()) {
            (Some(r), Some(p)) => format!("At rate {}: ", sweep.varies[p].param.show(r)),
            _ => String::new(),
        };
        // Said first: a cheaper kitchen whose numbers meet the targets only because
        // its day ended while its queue was still growing.
        if let Some(o) = a.passed_over {
            let _ = writeln!(
                out,
                "{at}passed over: {}; it meets {the} but cannot keep up (!): its queue grows for as long as customers come, so its numbers measure the length of the day, not the kitchen",
                what(o)
            );
        }
        match (a.best, a.closest) {
            (Some(b), _) => {
                let _ = writeln!(out, "{at}cheapest configuration meeting {the}: {}", what(b));
            }
            (None, Some(c)) => {
                let missed: Vec<String> =
                    targets.iter().filter(|t| !sweep.meets(c, t)).map(|t| t.text()).collect();
                let misses = if targets.len() > 1 {
                    format!("; it misses {}", missed.join(" and "))
                } else {
                    String::new()
                };
                let that = if a.passed_over.is_some() { " that keeps up" } else { "" };
                let _ = writeln!(out, "{at}no configuration{that} meets {the}; closest: {}{misses}", what(c));
            }
            (None, None) if sweep.rows.iter().any(|r| r.measured_nothing) => {
                let _ = writeln!(
                    out,
                    "{at}no configuration meets {the}: none measured anything after the warm-up"
                );
            }
            (None, None) => {
                let _ = writeln!(out, "{at}no configuration was run to the end");
            }
        }
    }
    out
}
