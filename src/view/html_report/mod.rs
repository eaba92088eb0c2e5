//! The HTML report (`--report FILE`): a run (or a comparison of two) as one
//! self-contained HTML page, with the timeline, the statistics and a few charts.
//! (Not to be confused with the JSON report, `cafe run --format json`, which is
//! [`JsonReport`](super::json::JsonReport) in [`super::json`].)
//!
//! The page works offline: its CSS is inline, it has no script, no font, no image and
//! no link to anything outside itself. Every string a scenario provides (its name,
//! summary, item, step and equipment names) is escaped, by the template engine in the
//! HTML and by `esc` (or by plotters, for chart text) in the SVG.
//!
//! A view: it turns data ([`ReportRun`]s, which [`crate::ops::report_run`] gathers)
//! into HTML and runs nothing. This module lays out the page's sections; `timeline`
//! draws the SVG timelines and `charts` computes and draws the charts.
//!
//! The layout is a [minijinja] template (`report.html.jinja`: not `.html`, which
//! `.gitignore` leaves out). The charts are drawn by plotters' SVG backend.
//! The timeline is written directly as SVG instead: every bar needs a `<title>`
//! child (the hover text), a `class` and a `data-activity` attribute, and lanes need
//! labels and sub-rows for overlapping steps, none of which plotters' element model
//! can express; the timeline is only rectangles and text on a linear scale, simpler
//! to write than to coax out of a plotting library.
//!
//! Large runs stay a reasonable size: at most [`MAX_ORDER_LANES`] order lanes are
//! drawn, and a lane with more than [`LANE_DETAIL`] spans is drawn as stretches two
//! pixels wide, each coloured by the activity that fills most of its busy time and
//! paler the more of it is idle (its hover text says how many steps begin in it and
//! how its time was spent). The charts bin or sample what they draw. Each cut is
//! noted on the page.
//!
//! Order lanes that know their order's arrival and end ([`Lane::life`],
//! [`Lane::ended`]) show it as a band behind the steps, and the histogram is of the
//! served orders' time in system; the customers who left before being served have a
//! histogram of their own (those who walked away, and orders a stopped run left in the
//! kitchen, are counted in its caption). For lanes that do not know, it falls back to
//! the first step's start to the last step's end, and says so.
//!
//! A comparison of dispatch policies opens with a summary (`summary`): a row per
//! policy, the best of each column marked, and which policy wins, as `cafe compare`'s
//! text says it.

use minijinja::value::Serde;
use minijinja::{Environment, context};
use plotters::prelude::*;
use serde::Serialize;

use crate::model::{Customers, Mode, Policy, Scenario};

use crate::view::stats::Stats;
use crate::view::trace::{Activity, Lane, LaneKind, Span, Trace};

mod charts;
mod summary;
mod timeline;

use charts::{
    HistogramScale, OrderTimes, QueueSeries, cook_chart, extent, histogram_chart, left_chart, order_times,
};
use charts::{queue_chart, queue_series};
use timeline::{Geometry, timeline_svg};

pub(crate) use charts::plot;

/// Order lanes drawn at most; the rest are left out, with a note.
pub const MAX_ORDER_LANES: usize = 200;
/// A lane with more spans than this is drawn in stretches two pixels wide.
pub const LANE_DETAIL: usize = 400;
/// How wide a stretch of a busy lane is.
const DENSITY_PX: f64 = 2.0;

/// The template, compiled into the library.
const TEMPLATE: &str = include_str!("report.html.jinja");

/// Width of every SVG's coordinate system (the page scales it to fit).
const WIDTH: u32 = 1100;
/// Order lanes up to which the orders' timeline starts unfolded.
const OPEN_ORDER_LANES: usize = 40;

/// One run to report: its mode, its trace (with order lanes for the order timeline
/// and the order charts) and its statistics ([`crate::ops::report_run`] gathers
/// them).
#[derive(Clone, Debug)]
pub struct ReportRun {
    /// Its kitchen: synchronous or asynchronous.
    pub mode: Mode,
    /// Named in the run's title when the report compares policies.
    pub policy: Option<Policy>,
    /// Its lanes, with one per order for the order timeline and charts.
    pub trace: Trace,
    /// Its statistics, over the whole run.
    pub stats: Stats,
    /// Why its orders took longer than their recipes: the orders that took
    /// longest above their longest chain of steps and what they waited for, a
    /// sentence each ([`crate::view::why::took_longest`]); empty to leave the
    /// section out.
    pub why: Vec<String>,
    /// Its event loop, pass by pass, as `cafe run --loop` prints it (without the
    /// closing sentences, which are `why`): for a small asynchronous run
    /// ([`crate::ops::event_loop_panel`]); `None` leaves the panel out.
    pub event_loop: Option<String>,
}

/// The HTML report as one page. One run, or two for a comparison (pass the
/// synchronous run first): each gets its own section, in the order given, and all
/// share one time scale so they can be compared at a glance.
pub fn html(sc: &Scenario, runs: &[ReportRun]) -> String {
    html_with_reasons(sc, runs, &[])
}

/// [`html`], with the reasons the runs' totals differ (a comparison's
/// [`why`](crate::view::why::why), a sentence each) under the totals at the top.
pub fn html_with_reasons(sc: &Scenario, runs: &[ReportRun], reasons: &[String]) -> String {
    let unit = sc.unit;
    // One time scale for every run: the longest run fills the width.
    let domain = runs.iter().map(|r| r.trace.end).max().unwrap_or(0).max(1);
    let geo = Geometry { start: 0, end: domain, unit };
    let order_times: Vec<OrderTimes> = runs.iter().map(|r| order_times(&r.trace)).collect();
    let queues: Vec<Vec<QueueSeries>> = runs.iter().map(|r| queue_series(sc, &r.trace)).collect();
    // One scale for the served orders of every run, one for those who left.
    let hist = HistogramScale::new(&order_times.iter().map(|o| o.values.clone()).collect::<Vec<_>>(), unit);
    let left_hist =
        HistogramScale::new(&order_times.iter().map(|o| o.left.clone()).collect::<Vec<_>>(), unit);
    let hists = Histograms {
        served: hist,
        left: left_hist,
        any_left: order_times.iter().any(|o| !o.left.is_empty()),
    };
    let queue_max = queues.iter().flatten().map(|q| q.max).max().unwrap_or(0);

    let sections: Vec<RunSection> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| section(sc, run, &geo, &order_times[i], &hists, &queues[i], queue_max))
        .collect();

    let mut comparison = None;
    if let [a, b] = runs
        && a.mode != b.mode
    {
        let (sync, async_) = if a.mode == Mode::Sync { (a, b) } else { (b, a) };
        comparison = Some(Comparison {
            sync: fmt_fixed(unit.from_ticks(sync.trace.end)),
            async_: fmt_fixed(unit.from_ticks(async_.trace.end)),
            speedup: format!("{:.2}", sync.trace.end as f64 / async_.trace.end.max(1) as f64),
        });
    }
    // "Synchronous and Asynchronous"; a policy comparison names its policies apart.
    let mut modes: Vec<&str> = runs.iter().map(|r| r.mode.title()).collect();
    modes.dedup();
    let policies: Vec<&str> = runs.iter().filter_map(|r| r.policy.map(Policy::name)).collect();
    let policies = match policies.as_slice() {
        [] => String::new(),
        [one] => format!("policy {one}"),
        [rest @ .., last] => format!("policies {} and {last}", rest.join(", ")),
    };
    let legend: Vec<LegendEntry> = ACTIVITIES
        .iter()
        .map(|&a| LegendEntry { name: a.name(), colour: colour(a), meaning: meaning(a) })
        .collect();

    let mut env = Environment::new();
    env.add_filter("t", move |seconds: f64| fmt_fixed(seconds / unit.seconds()));
    env.add_filter("pct", |share: f64| format!("{:.1}%", share * 100.0));
    env.add_filter("num", |x: f64| format!("{x:.2}"));
    env.add_template("report.html", TEMPLATE).expect("the report template parses");
    let template = env.get_template("report.html").expect("just added");
    template
        .render(context! {
            name => sc.name.as_str(),
            summary => sc.summary.as_str(),
            unit => unit.name(),
            modes => modes.join(" and "),
            policies => policies,
            customers => customers(sc, runs),
            comparison => comparison.map(Serde),
            reasons => Serde(reasons),
            policy_summary => summary::policy_summary(runs, unit).map(Serde),
            legend => Serde(legend),
            life_colour => runs
                .iter()
                .any(|r| r.trace.lanes.iter().any(|l| l.life.is_some()))
                .then_some(LIFE_COLOUR),
            runs => Serde(sections),
            version => env!("CARGO_PKG_VERSION"),
        })
        .expect("the report template renders")
}

/// The histograms' scales, shared by every run of a report so that they compare.
struct Histograms {
    /// Of the served orders' times in system.
    served: HistogramScale,
    /// Of the times of the customers who left before being served.
    left: HistogramScale,
    /// Whether any run lost a customer (then every run has the chart of who left).
    any_left: bool,
}

#[derive(Serialize)]
struct Comparison {
    sync: String,
    #[serde(rename = "async")]
    async_: String,
    speedup: String,
}

#[derive(Serialize)]
struct LegendEntry {
    name: &'static str,
    colour: &'static str,
    meaning: &'static str,
}

/// What the template shows of one run.
#[derive(Serialize)]
struct RunSection {
    /// The section's id: the mode, and the policy when the report compares them.
    id: String,
    title: String,
    total: String,
    stats: Stats,
    timeline: String,
    /// The order lanes, drawn on their own (folded when there are many).
    orders: Option<String>,
    orders_open: bool,
    orders_label: String,
    notes: Vec<String>,
    charts: Vec<Chart>,
    why: Vec<String>,
    event_loop: Option<String>,
}

#[derive(Serialize)]
struct Chart {
    title: String,
    /// SVG, or none with the caption saying why.
    svg: Option<String>,
    caption: String,
    /// The series, drawn as an HTML legend above the chart (where it can never hide
    /// part of the plot).
    legend: Vec<Series>,
}

#[derive(Serialize)]
struct Series {
    name: String,
    colour: String,
}

impl Chart {
    fn empty(title: String, caption: impl Into<String>) -> Chart {
        Chart { title, svg: None, caption: caption.into(), legend: Vec::new() }
    }
}

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// `1 order`, `2 orders`.
fn plural(n: usize, what: &str) -> String {
    crate::time::plural(n as u64, what)
}

fn section(
    sc: &Scenario,
    run: &ReportRun,
    geo: &Geometry,
    order_times: &OrderTimes,
    hists: &Histograms,
    queues: &[QueueSeries],
    queue_max: u64,
) -> RunSection {
    let unit = sc.unit;
    let trace = &run.trace;
    let mut notes = Vec::new();
    let kitchen: Vec<&Lane> = trace.lanes.iter().filter(|l| !matches!(l.kind, LaneKind::Order(_))).collect();
    let orders: Vec<&Lane> = trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))).collect();
    let shown = orders.len().min(MAX_ORDER_LANES);
    let mut merged = 0;
    let (timeline, m) = timeline_svg(sc, &kitchen, geo, trace.end, "the kitchen");
    merged += m;
    // A cut-down order timeline covers only the time of the orders it shows.
    let drawn = &orders[..shown];
    let zoom = (orders.len() > shown)
        .then(|| {
            let extents = || drawn.iter().filter_map(|l| extent(l));
            let start = extents().map(|e| e.0).min()?;
            let end = extents().map(|e| e.1).max()?;
            (end > start).then_some(Geometry { start, end, unit })
        })
        .flatten();
    let orders_svg = (!orders.is_empty()).then(|| {
        let (svg, m) = timeline_svg(sc, drawn, zoom.as_ref().unwrap_or(geo), trace.end, "the orders");
        merged += m;
        svg
    });
    if orders.len() > shown {
        notes.push(format!(
            "The order timeline shows the first {shown} of {} orders{}; the charts and statistics count all of them.",
            orders.len(),
            zoom.as_ref().map_or(String::new(), |z| format!(
                ", from {} to {} {}",
                fmt_short(unit.from_ticks(z.start)),
                fmt_short(unit.from_ticks(z.end)),
                unit.name()
            ))
        ));
    }
    if orders.is_empty() {
        notes
            .push("This trace has no order lanes: the order timeline and the order charts need them.".into());
    }
    if merged > 0 {
        notes.push(format!(
            "{} of more than {LANE_DETAIL} steps {} drawn in stretches of {DENSITY_PX} pixels, each coloured by the activity that \
             filled most of its busy time and paler the more of it was idle; hover over a bar to see how many steps it stands for.",
            if merged == 1 { "One lane".to_string() } else { format!("{merged} lanes") },
            if merged == 1 { "is" } else { "are" }
        ));
    }
    let orders_label = if orders.len() > shown {
        format!("Orders: the first {shown} of {}", orders.len())
    } else {
        format!("Orders ({})", orders.len())
    };

    let mut charts = vec![histogram_chart(order_times, &hists.served, unit)];
    charts.extend(left_chart(order_times, &hists.left, unit, run.mode, hists.any_left));
    charts.extend([queue_chart(sc, trace, queues, queue_max, geo), cook_chart(sc, trace, geo)]);
    RunSection {
        id: match run.policy {
            Some(p) => format!("{}-{}", run.mode.name(), p.name()),
            None => run.mode.name().to_string(),
        },
        title: match run.policy {
            Some(p) => format!("{} kitchen, policy {}", run.mode.title(), p.name()),
            None => format!("{} kitchen", run.mode.title()),
        },
        total: fmt_fixed(unit.from_ticks(trace.end)),
        stats: run.stats.clone(),
        timeline,
        orders: orders_svg,
        orders_open: shown <= OPEN_ORDER_LANES,
        orders_label,
        notes,
        charts,
        why: run.why.clone(),
        event_loop: run.event_loop.clone(),
    }
}

// ---------------------------------------------------------------------------------
// Colours, names and formatting.

const ACTIVITIES: [Activity; 4] =
    [Activity::HandsOn, Activity::StandingBy, Activity::Unattended, Activity::Waiting];

fn colour(a: Activity) -> &'static str {
    match a {
        Activity::HandsOn => "#f28e2b",
        Activity::StandingBy => "#e15759",
        Activity::Unattended => "#4e79a7",
        Activity::Waiting => "#b8b0ac",
    }
}

fn rgb(a: Activity) -> RGBColor {
    match a {
        Activity::HandsOn => RGBColor(0xf2, 0x8e, 0x2b),
        Activity::StandingBy => RGBColor(0xe1, 0x57, 0x59),
        Activity::Unattended => RGBColor(0x4e, 0x79, 0xa7),
        Activity::Waiting => RGBColor(0xb8, 0xb0, 0xac),
    }
}

fn meaning(a: Activity) -> &'static str {
    match a {
        Activity::HandsOn => "a cook works on the step",
        Activity::StandingBy => "a synchronous cook watches a machine or waits in line",
        Activity::Unattended => "a machine or a timer works on its own",
        Activity::Waiting => "the step waits for equipment",
    }
}

/// The band behind an order lane: from arrival to served.
const LIFE_COLOUR: &str = "#dde3ec";

/// `data-activity` values: the activity's name without spaces.
fn slug(a: Activity) -> &'static str {
    match a {
        Activity::HandsOn => "hands-on",
        Activity::StandingBy => "standing-by",
        Activity::Unattended => "unattended",
        Activity::Waiting => "waiting",
    }
}

/// Escapes text for HTML and SVG, in content and in quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Two decimals, as the statistics print.
/// Who came, for the header: "3 customers"; for a day generated until a time,
/// how many came in the runs (when they agree) and until when.
fn customers(sc: &Scenario, runs: &[ReportRun]) -> String {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    if let Some(n) = sc.customer_count() {
        return format!("{n} customer{}", plural(n));
    }
    let until = match &sc.customers {
        Customers::Generate(g) => {
            g.until.map(|t| format!("until {} {}", fmt_short(sc.unit.from_ticks(t)), sc.unit.name()))
        }
        _ => None,
    };
    let until = until.unwrap_or_default();
    let came: Vec<u64> = runs.iter().map(|r| r.stats.served + r.stats.left + r.stats.balked).collect();
    match came.as_slice() {
        [n, rest @ ..] if rest.iter().all(|m| m == n) => {
            format!("{n} customer{} arriving {until}", plural(*n))
        }
        _ => format!("customers arriving {until}"),
    }
}

fn fmt_fixed(x: f64) -> String {
    format!("{x:.2}")
}

/// Up to three decimals, without trailing zeros: `5`, `0.9`, `2.125`.
fn fmt_short(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A round step (1, 2 or 5 times a power of ten) that cuts `range` into about
/// `target` pieces.
fn nice_step(range: f64, target: f64) -> f64 {
    if range.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !range.is_finite() {
        return 1.0;
    }
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Tick label for a value on an axis whose ticks are `step` apart.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    // No "-0" for a tick at zero reached from below.
    let v = if v.abs() < step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
}

fn step_name(sc: &Scenario, span: &Span) -> String {
    sc.menu
        .items
        .get(span.item as usize)
        .and_then(|_| sc.recipe_of(span.item).steps.get(span.step as usize))
        .map_or_else(|| format!("step {}", span.step + 1), |s| s.name.clone())
}

fn item_name<'s>(sc: &'s Scenario, span: &Span) -> &'s str {
    sc.menu.items.get(span.item as usize).map_or("?", |i| i.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::timeline::rows;
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(10.0, 10.0), 1.0);
        assert_eq!(nice_step(15.0, 10.0), 2.0);
        assert_eq!(nice_step(600.0, 10.0), 100.0);
        assert_eq!(nice_step(0.0, 10.0), 1.0);
        assert_eq!(tick_label(2.0, 1.0), "2");
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(fmt_short(5.0), "5");
        assert_eq!(fmt_short(0.9), "0.9");
        assert_eq!(fmt_short(2.125), "2.125");
    }

    #[test]
    fn overlapping_spans_get_their_own_rows() {
        let span =
            |start, end| Span { start, end, activity: Activity::Unattended, order: 1, item: 0, step: 0 };
        let spans = vec![span(0, 10), span(0, 3), span(3, 5), span(10, 12)];
        let r = rows(&spans);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [(0, 3), (3, 5), (10, 12)]);
        assert_eq!(r[1].iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [(0, 10)]);
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
