//! A sweep as one self-contained HTML page (`--report`): the answer, the charts and
//! the table. The layout is a minijinja template, `page.html.jinja` (not `.html`,
//! which `.gitignore` leaves out), in the run report's style.
//!
//! The table is a real `<table>`: every configuration with its varied values, the
//! statistics the terminal table shows (never narrowed to a width), the cost and
//! the targets' verdict; the chosen configuration (the answer, per arrival rate) is
//! highlighted. A few lines of inline script sort it by a column when its header is
//! clicked (numbers by value, from each cell's `data-v`); nothing is fetched.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, context};
use serde::Serialize;

use super::chart::{chart, cost_chart};
use super::table::{cost_header, header, short, show_estimate, table_metrics};
use super::{Metric, Param, Quantity, Sweep, Target, answers_all, render_answer};
use crate::view::html_report::esc;

const TEMPLATE: &str = include_str!("page.html.jinja");

/// A header of the page's table.
#[derive(Serialize)]
struct Head {
    /// What it says.
    label: String,
    /// Whether its cells sort as numbers.
    numeric: bool,
}

/// A cell of the page's table.
#[derive(Serialize)]
struct Cell {
    /// What it shows.
    text: String,
    /// The number it sorts by (a statistic's mean); empty for text.
    sort: String,
    /// Its class: `verdict` for the targets', `note-cell` for the note's.
    class: &'static str,
}

/// A row of the page's table.
#[derive(Serialize)]
struct Line {
    cells: Vec<Cell>,
    /// The chosen configuration (of its arrival rate).
    best: bool,
    /// Meets every target.
    meets: bool,
}

/// The page's table: its headers and rows.
fn table(sweep: &Sweep, targets: &[&Target], best: &[usize]) -> (Vec<Head>, Vec<Line>) {
    let shown = table_metrics(sweep, targets);
    let mut heads: Vec<Head> = sweep
        .varies
        .iter()
        .map(|v| Head { label: v.param.label(), numeric: v.param != Param::Policy })
        .collect();
    heads.extend(shown.iter().map(|(m, _)| Head { label: header(m, sweep.unit), numeric: true }));
    heads.push(Head { label: cost_header(sweep), numeric: true });
    if !targets.is_empty() {
        let label = if targets.len() > 1 { "targets met" } else { "target" };
        heads.push(Head { label: label.into(), numeric: true });
    }
    heads.push(Head { label: "note".into(), numeric: false });
    let number = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
    let rows = (sweep.rows.iter().enumerate())
        .map(|(i, row)| {
            let mut cells: Vec<Cell> = (sweep.varies.iter().zip(&row.values))
                .map(|(v, &x)| Cell { text: v.param.show(x), sort: number(x), class: "" })
                .collect();
            for (m, _) in &shown {
                let e = row.estimate(&sweep.metrics, m).filter(|_| row.done() && !row.measured_nothing);
                cells.push(match e {
                    Some(e) => Cell {
                        text: show_estimate(&e, m),
                        sort: number(if m.is_share() { e.mean * 100.0 } else { e.mean }),
                        class: "",
                    },
                    None => Cell { text: "–".into(), sort: String::new(), class: "" },
                });
            }
            cells.push(Cell { text: short(row.cost), sort: number(row.cost), class: "" });
            let met = targets.iter().filter(|t| sweep.meets(i, t)).count();
            let meets = !targets.is_empty() && met == targets.len();
            if !targets.is_empty() {
                let text = match (meets, targets.len()) {
                    (true, _) => "✓".to_string(),
                    (false, 1) => String::new(),
                    (false, n) if row.done() => format!("{met}/{n}"),
                    _ => String::new(),
                };
                cells.push(Cell { text, sort: number(met as f64), class: "verdict" });
            }
            let note = if row.measured_nothing {
                "nothing measured"
            } else if !row.done() {
                "not run"
            } else if best.contains(&i) {
                "chosen"
            } else if row.load.is_some_and(|l| l >= 1.0) {
                "overloaded"
            } else {
                ""
            };
            cells.push(Cell { text: note.into(), sort: String::new(), class: "note-cell" });
            Line { cells, best: best.contains(&i), meets }
        })
        .collect();
    (heads, rows)
}

/// A self-contained HTML page of a sweep: the answer; a chart of the first target's
/// metric (p95 time in system without a target) against the cooks (or the first
/// varied parameter), one line per combination of the others and one chart per
/// arrival rate; a chart of that metric against the cost, the cheapest kitchens
/// marked (when the configurations' costs differ); and the table, sortable, the chosen configuration highlighted. A few
/// lines of inline script sort the table; nothing is fetched.
pub fn html<'t>(sweep: &Sweep, targets: impl IntoIterator<Item = &'t Target>) -> String {
    let targets: Vec<&Target> = targets.into_iter().collect();
    let owned: Vec<Target> = targets.iter().map(|&t| t.clone()).collect();
    let best: Vec<usize> = answers_all(sweep, &owned).iter().filter_map(|a| a.best).collect();
    let metric = targets.first().map_or(Metric::TimeInSystem(Quantity::P95), |t| t.metric.clone());
    let target = targets.iter().copied().find(|t| t.metric == metric);
    let mut charts = Vec::new();
    let costs_differ = sweep.rows.iter().any(|r| r.cost != sweep.rows[0].cost);
    if !sweep.varies.is_empty() {
        let x = sweep.varies.iter().position(|v| v.param == Param::Cooks).unwrap_or(0);
        match sweep.rate_position().filter(|&p| p != x) {
            Some(p) => {
                for &r in &sweep.varies[p].values {
                    charts.push(chart(sweep, &metric, x, Some((p, r)), target, &best));
                }
                for &r in sweep.varies[p].values.iter().filter(|_| costs_differ) {
                    charts.push(cost_chart(sweep, &metric, &targets, Some((p, r)), &best));
                }
            }
            None => {
                charts.push(chart(sweep, &metric, x, None, target, &best));
                if costs_differ {
                    charts.push(cost_chart(sweep, &metric, &targets, None, &best));
                }
            }
        }
    }
    let mut env = Environment::new();
    // Every string is escaped by `esc`, as the report's charts are, and only where
    // the template says so: the SVG of the charts is written as it is.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default syntax, keeping the last newline"),
    );
    env.add_filter("esc", |s: &str| esc(s));
    env.add_template("page.html", TEMPLATE).expect("the sweep page template parses");
    let answer = render_answer(sweep, targets.iter().copied());
    let (heads, rows) = table(sweep, &targets, &best);
    let currency = sweep.currency.as_deref().map_or(String::new(), |c| format!(" ({c})"));
    env.get_template("page.html")
        .expect("just added")
        .render(context! {
            name => sweep.scenario.as_str(),
            version => env!("CARGO_PKG_VERSION"),
            answer => answer.trim_end(),
            target => target.is_some(),
            charts => Serde(charts),
            heads => Serde(heads),
            rows => Serde(rows),
            unit => sweep.unit.name(),
            currency => currency,
            costs_differ => costs_differ,
            replications => sweep.replications,
        })
        .expect("the sweep page template renders")
}
