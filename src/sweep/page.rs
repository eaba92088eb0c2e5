//! A sweep as one self-contained HTML page (`--report`): the answer, the charts and
//! the table. The layout is a minijinja template, `page.html.jinja` (not `.html`,
//! which `.gitignore` leaves out), like the run report's.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, context};

use super::chart::chart;
use super::{Metric, Param, Quantity, Sweep, Target, render_answer, render_table};
use crate::view::html_report::esc;

const TEMPLATE: &str = include_str!("page.html.jinja");

/// A self-contained HTML page of a sweep: the answer, a chart of the target's
/// metric (p95 time in system without a target) against the cooks (or the first
/// varied parameter), one line per combination of the others and one chart per
/// arrival rate, and the table. No script, no outside address.
pub fn html<'t>(sweep: &Sweep, targets: impl IntoIterator<Item = &'t Target>) -> String {
    let targets: Vec<&Target> = targets.into_iter().collect();
    let target = targets.first().copied();
    let metric = target.map_or(Metric::TimeInSystem(Quantity::P95), |t| t.metric.clone());
    let mut charts = Vec::new();
    if !sweep.varies.is_empty() {
        let x = sweep.varies.iter().position(|v| v.param == Param::Cooks).unwrap_or(0);
        match sweep.rate_position().filter(|&p| p != x) {
            Some(p) => {
                for &r in &sweep.varies[p].values {
                    charts.push(chart(sweep, &metric, x, Some((p, r)), target));
                }
            }
            None => charts.push(chart(sweep, &metric, x, None, target)),
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
    env.get_template("page.html")
        .expect("just added")
        .render(context! {
            name => sweep.scenario.as_str(),
            answer => answer.trim_end(),
            target => target.is_some(),
            charts => Serde(charts),
            table => render_table(sweep, targets.iter().copied()),
        })
        .expect("the sweep page template renders")
}
