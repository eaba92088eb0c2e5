//! A run (or a comparison of two) as one self-contained HTML page: the timeline,
//! the statistics and a few charts.
//!
//! The page works offline: its CSS is inline, it has no script, no font, no image and
//! no link to anything outside itself. Every string a scenario provides (its name,
//! summary, item, step and equipment names) is escaped, by the template engine in the
//! HTML and by `esc` (or by plotters, for chart text) in the SVG.
//!
//! The layout is a [minijinja] template (`report/report.html.jinja`: not `.html`,
//! which `.gitignore` leaves out). The charts are drawn by plotters' SVG backend.
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
//! Order lanes that know their order's arrival and service ([`Lane::life`]) show it
//! as a band behind the steps, and the histogram is of the time in system; for lanes
//! that do not, it falls back to the first step's start to the last step's end, and
//! says so.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use minijinja::value::Serde;
use minijinja::{Environment, context};
use plotters::prelude::*;
use serde::Serialize;

use crate::model::{Customers, Mode, Policy, Scenario};
use crate::time::{Ticks, TimeUnit};
use crate::view::stats::Stats;
use crate::view::trace::{Activity, Lane, LaneKind, Span, Trace};

/// Order lanes drawn at most; the rest are left out, with a note.
pub const MAX_ORDER_LANES: usize = 200;
/// A lane with more spans than this is drawn in stretches two pixels wide.
pub const LANE_DETAIL: usize = 400;
/// How wide a stretch of a busy lane is.
const DENSITY_PX: f64 = 2.0;

/// The template, compiled into the library.
const TEMPLATE: &str = include_str!("report/report.html.jinja");

/// Width of every SVG's coordinate system (the page scales it to fit).
const WIDTH: u32 = 1100;
/// The timeline's label column, and its right margin.
const LABEL_W: f64 = 190.0;
const RIGHT_W: f64 = 28.0;
/// Bars in one timeline above which bars carry no text labels.
const MAX_LABELLED_BARS: usize = 600;
/// Order lanes up to which the orders' timeline starts unfolded.
const OPEN_ORDER_LANES: usize = 40;
/// Intervals of the cook activity chart, about.
const COOK_BINS: usize = 200;
/// Changes of a queue length above which the queue chart shows maxima per interval.
const QUEUE_DETAIL: usize = 2000;
const QUEUE_BINS: usize = 800;

/// One run to report: its mode, its trace (with order lanes for the order timeline
/// and the order charts) and its statistics ([`crate::ops::report_run`] gathers
/// them).
#[derive(Clone, Debug)]
pub struct ReportRun {
    pub mode: Mode,
    /// Named in the run's title when the report compares policies.
    pub policy: Option<Policy>,
    pub trace: Trace,
    pub stats: Stats,
}

/// The report as one HTML page. One run, or two for a comparison (pass the
/// synchronous run first): each gets its own section, in the order given, and all
/// share one time scale so they can be compared at a glance.
pub fn html(sc: &Scenario, runs: &[ReportRun]) -> String {
    let unit = sc.unit;
    // One time scale for every run: the longest run fills the width.
    let domain = runs.iter().map(|r| r.trace.end).max().unwrap_or(0).max(1);
    let geo = Geometry { start: 0, end: domain, unit };
    let order_times: Vec<OrderTimes> = runs.iter().map(|r| order_times(&r.trace)).collect();
    let queues: Vec<Vec<QueueSeries>> = runs.iter().map(|r| queue_series(sc, &r.trace)).collect();
    let hist = HistogramScale::new(&order_times.iter().map(|o| o.values.clone()).collect::<Vec<_>>(), unit);
    let queue_max = queues.iter().flatten().map(|q| q.max).max().unwrap_or(0);

    let sections: Vec<RunSection> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| section(sc, run, &geo, &order_times[i], &hist, &queues[i], queue_max))
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
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

fn section(
    sc: &Scenario,
    run: &ReportRun,
    geo: &Geometry,
    order_times: &OrderTimes,
    hist: &HistogramScale,
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

    let charts = vec![
        histogram_chart(order_times, hist, unit),
        queue_chart(sc, trace, queues, queue_max, geo),
        cook_chart(sc, trace, geo),
    ];
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

/// Distinct colours for series such as pieces of equipment.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0x79, 0x70, 0x6e),
];

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

// ---------------------------------------------------------------------------------
// The timeline, written directly as SVG.

/// A time scale: the one every drawing of a report shares (from zero), or the
/// stretch of time a cut-down order timeline covers.
struct Geometry {
    /// Scenario time at the left and right edges (`start < end`).
    start: Ticks,
    end: Ticks,
    unit: TimeUnit,
}

impl Geometry {
    fn plot_w(&self) -> f64 {
        WIDTH as f64 - LABEL_W - RIGHT_W
    }

    fn x(&self, t: Ticks) -> f64 {
        LABEL_W + t.saturating_sub(self.start) as f64 / (self.end - self.start) as f64 * self.plot_w()
    }

    fn ticks_per_px(&self) -> f64 {
        (self.end - self.start) as f64 / self.plot_w()
    }

    /// Axis ticks: (position, label), and the step in units.
    fn axis(&self) -> (Vec<(f64, String)>, f64) {
        let (lo, hi) = (self.unit.from_ticks(self.start), self.unit.from_ticks(self.end));
        let step = nice_step(hi - lo, 10.0);
        let mut ticks = Vec::new();
        let mut k = (lo / step - 1e-9).ceil();
        loop {
            let v = k * step;
            if v > hi + (hi - lo) * 1e-9 {
                break;
            }
            let x = LABEL_W + (v - lo) / (hi - lo) * self.plot_w();
            ticks.push((x, tick_label(v, step)));
            k += 1.0;
        }
        (ticks, step)
    }
}

/// One drawn bar: a span, or several neighbouring spans of one activity.
struct Bar<'t> {
    start: Ticks,
    end: Ticks,
    activity: Activity,
    what: Drawn<'t>,
}

enum Drawn<'t> {
    /// Exactly one span.
    One(&'t Span),
    /// A stretch of a busy lane: how many steps begin in it, the time each activity
    /// (in [`ACTIVITIES`] order) fills of it, and how opaque it is drawn.
    Many { steps: usize, time: [f64; 4], opacity: f64 },
}

/// Spans in sub-rows such that spans of one row do not overlap (an order's steps can
/// run at once), each row sorted by start.
fn rows(spans: &[Span]) -> Vec<Vec<&Span>> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut rows: Vec<Vec<&Span>> = Vec::new();
    for span in sorted {
        match rows.iter_mut().find(|r| r.last().is_none_or(|l| l.end <= span.start)) {
            Some(row) => row.push(span),
            None => rows.push(vec![span]),
        }
    }
    rows
}

/// A share rounded up to a quarter, at least a quarter: the opacity of a stretch.
fn quarters(share: f64) -> f64 {
    ((share * 4.0).ceil() / 4.0).clamp(0.25, 1.0)
}

/// One bar per span.
fn bars<'t>(row: &[&'t Span]) -> Vec<Bar<'t>> {
    row.iter()
        .map(|&span| Bar {
            start: span.start,
            end: span.end,
            activity: span.activity,
            what: Drawn::One(span),
        })
        .collect()
}

/// The bars of a busy row: time cut into stretches [`DENSITY_PX`] pixels wide, each
/// coloured by the activity that fills most of its busy time and as opaque as the
/// stretch is busy (in quarters), neighbouring stretches that look the same drawn as
/// one bar. At most one bar per stretch, however many spans.
fn density_bars<'t>(row: &[&'t Span], geo: &Geometry) -> Vec<Bar<'t>> {
    let bw = geo.ticks_per_px() * DENSITY_PX;
    let n = ((geo.end - geo.start) as f64 / bw).ceil().max(1.0) as usize;
    let origin = geo.start as f64;
    let mut time = vec![[0.0f64; 4]; n];
    let mut steps = vec![0usize; n];
    let ix = |a: Activity| ACTIVITIES.iter().position(|&x| x == a).expect("every activity is listed");
    for span in row {
        let (s, e) = (span.start as f64 - origin, span.end as f64 - origin);
        let a = ix(span.activity);
        let first = ((s.max(0.0) / bw) as usize).min(n - 1);
        steps[first] += 1;
        let mut b = first;
        while b < n && (b as f64) * bw < e {
            time[b][a] += (e.min((b + 1) as f64 * bw) - s.max(b as f64 * bw)).max(0.0);
            b += 1;
        }
    }
    let mut out: Vec<Bar<'t>> = Vec::new();
    let mut open = false;
    for b in 0..n {
        let busiest = (0..4).max_by(|&x, &y| time[b][x].total_cmp(&time[b][y])).expect("four activities");
        let busy: f64 = time[b].iter().sum();
        if busy <= 0.0 {
            open = false;
            continue;
        }
        let activity = ACTIVITIES[busiest];
        let at = |b: usize| geo.start + (b as f64 * bw) as Ticks;
        let (start, end) = (at(b), at(b + 1).min(geo.end));
        let opacity = quarters(busy / (end - start).max(1) as f64);
        if open
            && let Some(last) = out.last_mut()
            && last.activity == activity
            && let Drawn::Many { steps: n, time: t, opacity: o } = &mut last.what
            && *o == opacity
        {
            last.end = end;
            *n += steps[b];
            for (acc, x) in t.iter_mut().zip(time[b]) {
                *acc += x;
            }
            continue;
        }
        out.push(Bar { start, end, activity, what: Drawn::Many { steps: steps[b], time: time[b], opacity } });
        open = true;
    }
    out
}

/// An SVG of lanes of bars over time, and how many drawn bars stand for more than
/// one span.
fn timeline_svg(
    sc: &Scenario,
    lanes: &[&Lane],
    geo: &Geometry,
    run_end: Ticks,
    what: &str,
) -> (String, usize) {
    const AXIS_H: f64 = 30.0;
    const GROUP_H: f64 = 24.0;
    const PAD: f64 = 3.0;
    let unit = geo.unit;
    let u = unit.name();

    // Lay the lanes out first: groups, rows and bars.
    struct Laid<'t> {
        label: &'t str,
        life: Option<(Ticks, Ticks)>,
        bar_h: f64,
        rows: Vec<Vec<Bar<'t>>>,
    }
    let mut groups: Vec<(&str, Vec<Laid>)> = Vec::new();
    let mut merged = 0;
    for lane in lanes {
        let group = match lane.kind {
            LaneKind::Cook(_) => "Cooks",
            LaneKind::Equipment(..) => "Equipment",
            LaneKind::Order(_) => "Orders",
        };
        if groups.last().is_none_or(|(g, _)| *g != group) {
            groups.push((group, Vec::new()));
        }
        let busy = lane.spans.len() > LANE_DETAIL;
        let lane_rows: Vec<Vec<Bar>> =
            rows(&lane.spans).iter().map(|r| if busy { density_bars(r, geo) } else { bars(r) }).collect();
        merged += usize::from(busy);
        let bar_h = if matches!(lane.kind, LaneKind::Order(_)) { 12.0 } else { 22.0 };
        groups.last_mut().expect("pushed").1.push(Laid {
            label: &lane.label,
            life: lane.life,
            bar_h,
            rows: lane_rows,
        });
    }
    let total_bars: usize = groups.iter().flat_map(|(_, l)| l).flat_map(|l| &l.rows).map(Vec::len).sum();
    let labelled = total_bars <= MAX_LABELLED_BARS;
    let lane_h = |l: &Laid| 2.0 * PAD + l.bar_h * l.rows.len().max(1) as f64;
    let body: f64 = groups.iter().map(|(_, ls)| GROUP_H + ls.iter().map(lane_h).sum::<f64>()).sum();
    // A tall timeline repeats its axis below.
    let bottom_axis = body > 360.0;
    let height = (AXIS_H + body + if bottom_axis { AXIS_H } else { 4.0 }).ceil();

    let mut s = String::new();
    let w = WIDTH;
    let _ = write!(
        s,
        r#"<svg class="timeline" viewBox="0 0 {w} {height}" width="{w}" height="{height}" role="img" aria-label="Timeline of {what}">"#
    );
    // Grid and axes.
    let (ticks, _) = geo.axis();
    let (top, bottom) = (AXIS_H, AXIS_H + body);
    s.push_str(r#"<g class="grid">"#);
    for (x, _) in &ticks {
        let _ = write!(s, r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}"/>"#);
    }
    s.push_str("</g>");
    let axes: &[(f64, f64)] =
        if bottom_axis { &[(top, top - 10.0), (bottom, bottom + 20.0)] } else { &[(top, top - 10.0)] };
    for &(y, baseline) in axes {
        let _ =
            write!(s, r#"<line class="axis" x1="{LABEL_W}" y1="{y}" x2="{:.1}" y2="{y}"/>"#, geo.x(geo.end));
        let _ = write!(
            s,
            r#"<text class="axis-title" x="{:.1}" y="{baseline}">time ({u})</text>"#,
            LABEL_W - 12.0
        );
        for (x, label) in &ticks {
            let _ = write!(s, r#"<text class="tick" x="{x:.1}" y="{baseline}">{label}</text>"#);
        }
    }
    // Lanes.
    let mut y = top;
    let mut stripe = false;
    for (group, laid) in &groups {
        let _ = write!(
            s,
            r#"<text class="group" x="12" y="{:.1}">{group}</text><line class="group-rule" x1="12" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            y + 16.0,
            y + GROUP_H - 0.5,
            WIDTH as f64 - RIGHT_W,
            y + GROUP_H - 0.5
        );
        y += GROUP_H;
        for lane in laid {
            let h = lane_h(lane);
            if stripe {
                let _ = write!(
                    s,
                    r#"<rect class="stripe" x="0" y="{y:.1}" width="{:.1}" height="{h:.1}"/>"#,
                    WIDTH as f64 - RIGHT_W
                );
            }
            stripe = !stripe;
            // An order's time in the kitchen, behind its steps: the stretch before
            // its first step is its wait.
            if let Some((arrival, served)) = lane.life {
                let x0 = geo.x(arrival);
                let (a, sv) = (unit.from_ticks(arrival), unit.from_ticks(served));
                let _ = write!(
                    s,
                    r#"<rect class="life" x="{x0:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{LIFE_COLOUR}"><title>{}</title></rect>"#,
                    y + 1.0,
                    (geo.x(served) - x0).max(1.0),
                    h - 2.0,
                    esc(&format!(
                        "{}\narrived at {} {u}, served at {} {u}: {} {u} in the kitchen",
                        lane.label,
                        fmt_short(a),
                        fmt_short(sv),
                        fmt_short(sv - a)
                    ))
                );
            }
            let full = esc(lane.label);
            let short: String = if lane.label.chars().count() > 26 {
                lane.label.chars().take(25).chain(['…']).collect()
            } else {
                lane.label.to_string()
            };
            let _ = write!(
                s,
                r#"<text class="lane-label" x="{:.1}" y="{:.1}"><title>{full}</title>{}</text>"#,
                LABEL_W - 12.0,
                y + h / 2.0,
                esc(&short)
            );
            for (r, row) in lane.rows.iter().enumerate() {
                let by = y + PAD + r as f64 * lane.bar_h + 1.0;
                let bh = lane.bar_h - 2.0;
                for bar in row {
                    let x0 = geo.x(bar.start);
                    let bw = (geo.x(bar.end) - x0).max(1.0);
                    let title = bar_title(sc, bar, unit);
                    let _ = write!(
                        s,
                        r#"<rect class="bar" data-activity="{}" x="{x0:.2}" y="{by:.1}" width="{bw:.2}" height="{bh:.1}" fill="{}""#,
                        slug(bar.activity),
                        colour(bar.activity)
                    );
                    if let Drawn::Many { steps, opacity, .. } = bar.what {
                        let _ = write!(s, r#" data-steps="{steps}""#);
                        if opacity < 1.0 {
                            let _ = write!(s, r#" fill-opacity="{opacity}""#);
                        }
                    }
                    let _ = write!(s, "><title>{}</title></rect>", esc(&title));
                    if labelled
                        && bh >= 14.0
                        && let Drawn::One(span) = bar.what
                    {
                        let text = format!("{} #{}", step_name(sc, span), span.order);
                        if bw >= 7.0 * text.chars().count() as f64 + 10.0 {
                            let _ = write!(
                                s,
                                r#"<text class="bar-label" x="{:.1}" y="{:.1}">{}</text>"#,
                                x0 + 5.0,
                                by + bh / 2.0,
                                esc(&text)
                            );
                        }
                    }
                }
            }
            y += h;
        }
    }
    // Where this run ends, when another run of the report goes on longer.
    if run_end < geo.end && run_end > geo.start {
        let x = geo.x(run_end);
        let _ = write!(
            s,
            r#"<line class="end" x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{bottom}"/><text class="end-label" x="{:.1}" y="{}">done at {} {u}</text>"#,
            top - 4.0,
            x + 4.0,
            top + 14.0,
            fmt_short(unit.from_ticks(run_end))
        );
    }
    s.push_str("</svg>");
    (s, merged)
}

fn bar_title(sc: &Scenario, bar: &Bar, unit: TimeUnit) -> String {
    let u = unit.name();
    let (start, end) = (unit.from_ticks(bar.start), unit.from_ticks(bar.end));
    let span = match bar.what {
        Drawn::One(span) => span,
        Drawn::Many { steps, time, .. } => {
            let total = (bar.end - bar.start).max(1) as f64;
            let shares: Vec<String> = ACTIVITIES
                .iter()
                .zip(time)
                .filter(|(_, t)| *t > 0.0)
                .map(|(a, t)| format!("{} {:.0}%", a.name(), t / total * 100.0))
                .chain([format!("idle {:.0}%", (1.0 - time.iter().sum::<f64>() / total).max(0.0) * 100.0)])
                .collect();
            return format!(
                "{} – {} {u}: {} beginning\n{}",
                fmt_short(start),
                fmt_short(end),
                plural(steps, "step"),
                shares.join(", ")
            );
        }
    };
    format!(
        "{} (order #{}, {})\n{}: {} – {} {u} ({} {u})",
        step_name(sc, span),
        span.order,
        item_name(sc, span),
        bar.activity.name(),
        fmt_short(start),
        fmt_short(end),
        fmt_short(end - start)
    )
}

// ---------------------------------------------------------------------------------
// What the charts draw, computed from the trace.

/// Each order's time in the kitchen.
struct OrderTimes {
    values: Vec<Ticks>,
    /// Order lanes there are (none: nothing to show).
    lanes: usize,
    /// How many values are from the first step's start to the last step's end,
    /// for lanes that do not say when the order arrived and was served.
    from_steps: usize,
}

/// From arrival to served (the time in system), or for a lane that does not know,
/// from its first step starting to its last ending.
fn order_times(trace: &Trace) -> OrderTimes {
    let mut times = OrderTimes { values: Vec::new(), lanes: 0, from_steps: 0 };
    for lane in trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))) {
        times.lanes += 1;
        if let Some((arrival, served)) = lane.life {
            times.values.push(served.saturating_sub(arrival));
        } else if let Some((start, end)) = extent(lane) {
            times.values.push(end - start);
            times.from_steps += 1;
        }
    }
    times
}

/// From a lane's start (an order's arrival, or its first step) to its end.
fn extent(lane: &Lane) -> Option<(Ticks, Ticks)> {
    let first = lane.spans.iter().map(|s| s.start).min();
    let last = lane.spans.iter().map(|s| s.end).max();
    match (lane.life, first, last) {
        (Some((arrival, served)), first, last) => {
            Some((first.map_or(arrival, |f| f.min(arrival)), last.map_or(served, |l| l.max(served))))
        }
        (None, Some(first), Some(last)) => Some((first, last)),
        _ => None,
    }
}

/// One histogram scale for every run of a report.
struct HistogramScale {
    /// Bin width, in the scenario's unit.
    bin: f64,
    bins: usize,
    /// The tallest bin of any run.
    max_count: u32,
}

impl HistogramScale {
    fn new(values: &[Vec<Ticks>], unit: TimeUnit) -> HistogramScale {
        let max = values.iter().flatten().map(|&t| unit.from_ticks(t)).fold(0.0, f64::max);
        let bin = nice_step(max, 20.0);
        let bins = (max / bin).floor() as usize + 1;
        let mut scale = HistogramScale { bin, bins, max_count: 0 };
        scale.max_count =
            values.iter().map(|v| scale.counts(v, unit).into_iter().max().unwrap_or(0)).max().unwrap_or(0);
        scale
    }

    fn counts(&self, values: &[Ticks], unit: TimeUnit) -> Vec<u32> {
        let mut counts = vec![0; self.bins];
        for &t in values {
            let b = ((unit.from_ticks(t) / self.bin).floor() as usize).min(self.bins - 1);
            counts[b] += 1;
        }
        counts
    }
}

/// A queue's length over time: (time, length after it) at every change.
struct QueueSeries {
    name: String,
    colour: RGBColor,
    changes: Vec<(Ticks, u64)>,
    max: u64,
}

/// Per piece of equipment, its queue over time from the order lanes' waiting spans
/// (a step's equipment is what its recipe step uses). Pieces nothing ever waited for
/// are left out.
fn queue_series(sc: &Scenario, trace: &Trace) -> Vec<QueueSeries> {
    let mut deltas: Vec<BTreeMap<Ticks, i64>> = vec![BTreeMap::new(); sc.kitchen.equipment.len()];
    for lane in trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))) {
        for span in lane.spans.iter().filter(|s| s.activity == Activity::Waiting) {
            let uses = sc
                .menu
                .items
                .get(span.item as usize)
                .and_then(|_| sc.recipe_of(span.item).steps.get(span.step as usize))
                .and_then(|st| st.uses);
            if let Some(d) = uses.and_then(|e| deltas.get_mut(e as usize)) {
                *d.entry(span.start).or_default() += 1;
                *d.entry(span.end).or_default() -= 1;
            }
        }
    }
    deltas
        .into_iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(e, d)| {
            let mut len = 0i64;
            let changes: Vec<(Ticks, u64)> = d
                .into_iter()
                .map(|(t, delta)| {
                    len += delta;
                    (t, len.max(0) as u64)
                })
                .collect();
            let max = changes.iter().map(|c| c.1).max().unwrap_or(0);
            QueueSeries {
                name: sc.kitchen.equipment[e].name.clone(),
                colour: PALETTE[e % PALETTE.len()],
                changes,
                max,
            }
        })
        .filter(|q| q.max > 0)
        .collect()
}

/// Average cooks hands-on and standing by in each interval of `bw` ticks up to `end`.
fn cook_bins(trace: &Trace, end: Ticks, bw: f64) -> (Vec<f64>, Vec<f64>) {
    let bins = ((end as f64 / bw).ceil() as usize).max(1);
    let mut hands = vec![0.0; bins];
    let mut standing = vec![0.0; bins];
    for lane in trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Cook(_))) {
        for span in &lane.spans {
            let into = match span.activity {
                Activity::HandsOn => &mut hands,
                Activity::StandingBy => &mut standing,
                _ => continue,
            };
            let (s, e) = (span.start as f64, span.end as f64);
            let mut b = (s / bw).floor() as usize;
            while b < bins && (b as f64) * bw < e {
                let lo = s.max(b as f64 * bw);
                let hi = e.min((b + 1) as f64 * bw);
                // The last interval may reach past the end.
                let width = bw.min(end as f64 - b as f64 * bw).max(1.0);
                into[b] += (hi - lo).max(0.0) / width;
                b += 1;
            }
        }
    }
    (hands, standing)
}

// ---------------------------------------------------------------------------------
// The charts, drawn by plotters.

pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws a chart into an SVG string fit for inlining in the page.
pub(crate) fn plot(
    width: u32,
    height: u32,
    label: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> DrawResult,
) -> Option<String> {
    let mut buf = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(Into::into)
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(Into::into))
    };
    drawn.ok()?;
    // Inline SVG in HTML needs no namespace, and the page must name no outside
    // address, not even the namespace's.
    Some(buf.replacen(
        r#"xmlns="http://www.w3.org/2000/svg""#,
        &format!(r#"class="chart" role="img" aria-label="{}""#, esc(label)),
        1,
    ))
}

const FONT: &str = "sans-serif";

fn histogram_chart(times: &OrderTimes, scale: &HistogramScale, unit: TimeUnit) -> Chart {
    let u = unit.name();
    let values = &times.values;
    let exact = times.from_steps == 0;
    let title = if exact {
        "Orders by time in system".to_string()
    } else {
        "Orders by time from their first step to their last".to_string()
    };
    if times.lanes == 0 {
        return Chart::empty(title, "No order lanes in this trace, so no per-order times to show.");
    }
    if values.is_empty() {
        return Chart::empty(title, "No order got as far as its first step.");
    }
    let counts = scale.counts(values, unit);
    let xmax = scale.bin * scale.bins as f64;
    let ymax = scale.max_count.max(1);
    let x_step = nice_step(xmax, 12.0);
    let svg = plot(WIDTH, 300, &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(28)
            .x_label_area_size(46)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0u32..ymax + ymax.div_ceil(10))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
            .axis_style(RGBColor(0x88, 0x88, 0x90))
            .x_labels(((xmax / x_step).round() as usize + 1).max(2))
            .x_label_formatter(&|v| tick_label(*v, x_step))
            .y_labels(6)
            .x_desc(if exact {
                format!("time in system: arrival → served ({u})")
            } else {
                format!("first step start → last step end ({u})")
            })
            .y_desc("orders")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(b, &c)| {
            let x0 = b as f64 * scale.bin;
            let mut r = Rectangle::new([(x0, 0), (x0 + scale.bin, c)], rgb(Activity::Unattended).filled());
            r.set_margin(0, 0, 1, 1);
            r
        }))?;
        Ok(())
    });
    Chart {
        title,
        svg,
        legend: Vec::new(),
        caption: if exact {
            format!(
                "{}, in bins of {} {u}: each order's time from its customer's arrival to being served.",
                plural(values.len(), "order"),
                fmt_short(scale.bin)
            )
        } else {
            format!(
                "{}, in bins of {} {u}. {} of them the trace does not say when they arrived and were served, so \
                 for those this is the span from the first step starting to the last step ending, which leaves \
                 out the wait before the first step (the statistics above give the time in system).",
                plural(values.len(), "order"),
                fmt_short(scale.bin),
                if times.from_steps == values.len() {
                    "For all".to_string()
                } else {
                    format!("For {}", times.from_steps)
                }
            )
        },
    }
}

fn queue_chart(
    sc: &Scenario,
    trace: &Trace,
    queues: &[QueueSeries],
    queue_max: u64,
    geo: &Geometry,
) -> Chart {
    let u = geo.unit.name();
    let title = "Queue for equipment over time".to_string();
    let has_orders = trace.lanes.iter().any(|l| matches!(l.kind, LaneKind::Order(_)));
    let caption = |extra: &str| {
        let quiet: Vec<&str> = sc
            .kitchen
            .equipment
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| !queues.iter().any(|q| q.name == *n))
            .collect();
        let mut c =
            String::from("Steps waiting for each piece of equipment, from the order lanes' waiting spans.");
        c.push_str(extra);
        if !quiet.is_empty() && !queues.is_empty() {
            let _ = write!(c, " Nothing ever waited for: {}.", quiet.join(", "));
        }
        c
    };
    if sc.kitchen.equipment.is_empty() {
        return Chart::empty(title, "The kitchen has no equipment, so nothing queues.");
    }
    if !has_orders {
        return Chart::empty(title, "No order lanes in this trace: the queues are computed from them.");
    }
    if queues.is_empty() {
        return Chart::empty(title, "No step ever waited for equipment in this run.");
    }
    let sampled = queues.iter().any(|q| q.changes.len() > QUEUE_DETAIL);
    let xmax = geo.unit.from_ticks(geo.end);
    let x_step = nice_step(xmax, 12.0);
    let ymax = queue_max.max(1);
    let svg = plot(WIDTH, 300, &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(28)
            .x_label_area_size(46)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..xmax, 0u64..ymax + ymax.div_ceil(8))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
            .axis_style(RGBColor(0x88, 0x88, 0x90))
            .x_labels(((xmax / x_step).round() as usize + 1).max(2))
            .x_label_formatter(&|v| tick_label(*v, x_step))
            .y_labels(6)
            .x_desc(format!("time ({u})"))
            .y_desc("steps waiting")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        for q in queues {
            let points = if sampled { sampled_steps(q, geo) } else { exact_steps(q, geo) };
            chart.draw_series(LineSeries::new(points, q.colour.stroke_width(2)))?;
        }
        Ok(())
    });
    let extra = if sampled {
        format!(
            " The queues change too often to draw every change: the lines show the longest queue in each interval of {} {u}.",
            fmt_short(xmax / QUEUE_BINS as f64)
        )
    } else {
        String::new()
    };
    let legend = queues.iter().map(|q| Series { name: q.name.clone(), colour: hex(q.colour) }).collect();
    Chart { title, svg, caption: caption(&extra), legend }
}

/// A step line through every change of a queue.
fn exact_steps(q: &QueueSeries, geo: &Geometry) -> Vec<(f64, u64)> {
    let unit = geo.unit;
    let mut points = vec![(0.0, 0)];
    let mut len = 0;
    for &(t, new) in &q.changes {
        let x = unit.from_ticks(t);
        points.push((x, len));
        points.push((x, new));
        len = new;
    }
    points.push((unit.from_ticks(geo.end), len));
    points
}

/// A step line through the longest queue of each of [`QUEUE_BINS`] intervals.
fn sampled_steps(q: &QueueSeries, geo: &Geometry) -> Vec<(f64, u64)> {
    let bw = geo.end as f64 / QUEUE_BINS as f64;
    let mut max = vec![0u64; QUEUE_BINS];
    let mut len = 0;
    let mut changes = q.changes.iter().peekable();
    for (b, m) in max.iter_mut().enumerate() {
        let hi = (b + 1) as f64 * bw;
        *m = len;
        while let Some(&&(t, new)) = changes.peek() {
            if t as f64 >= hi {
                break;
            }
            len = new;
            *m = (*m).max(new);
            changes.next();
        }
    }
    let x = |b: usize| geo.unit.from_ticks((b as f64 * bw) as Ticks);
    let mut points = Vec::with_capacity(2 * QUEUE_BINS + 1);
    for (b, &m) in max.iter().enumerate() {
        points.push((x(b), m));
        points.push((x(b + 1), m));
    }
    points
}

fn cook_chart(sc: &Scenario, trace: &Trace, geo: &Geometry) -> Chart {
    let unit = geo.unit;
    let u = unit.name();
    let cooks = sc.kitchen.cooks.max(1) as f64;
    let title = "Cooks at work over time".to_string();
    let xmax = unit.from_ticks(geo.end);
    // About COOK_BINS intervals of a round width, so that steps starting on round
    // times start on an interval's edge.
    let bw = nice_step(xmax, COOK_BINS as f64);
    let (hands, standing) = cook_bins(trace, geo.end, bw * unit.ticks() as f64);
    let bins = hands.len();
    let x_step = nice_step(xmax, 12.0);
    let y_step = nice_step(cooks, 5.0).max(if cooks >= 1.0 { 1.0 } else { 0.1 });
    let idle = hands.iter().chain(&standing).all(|&v| v < 1e-9);
    let at = |b: usize| (b as f64 * bw).min(xmax);
    let svg = (!idle)
        .then(|| {
            plot(WIDTH, 300, &title, |root| {
                let mut chart = ChartBuilder::on(root)
                    .margin(16)
                    .margin_right(28)
                    .x_label_area_size(46)
                    .y_label_area_size(56)
                    .build_cartesian_2d(0f64..xmax, 0f64..cooks * 1.08)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .light_line_style(TRANSPARENT)
                    .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
                    .axis_style(RGBColor(0x88, 0x88, 0x90))
                    .x_labels(((xmax / x_step).round() as usize + 1).max(2))
                    .x_label_formatter(&|v| tick_label(*v, x_step))
                    .y_labels((cooks / y_step).round() as usize + 1)
                    .y_label_formatter(&|v| tick_label(*v, y_step))
                    .x_desc(format!("time ({u})"))
                    .y_desc("cooks")
                    .label_style((FONT, 14))
                    .axis_desc_style((FONT, 15))
                    .draw()?;
                // Stacked: hands-on from zero, standing by on top of it. Each band is one
                // polygon along the bins' steps (separate rectangles would show seams).
                let both: Vec<f64> = hands.iter().zip(&standing).map(|(h, s)| h + s).collect();
                for (activity, lo, hi) in
                    [(Activity::HandsOn, &vec![0.0; bins], &hands), (Activity::StandingBy, &hands, &both)]
                {
                    if hi.iter().zip(lo).all(|(h, l)| h - l < 1e-9) {
                        continue;
                    }
                    let mut outline: Vec<(f64, f64)> = Vec::with_capacity(4 * bins);
                    for (b, &v) in hi.iter().enumerate() {
                        outline.push((at(b), v));
                        outline.push((at(b + 1), v));
                    }
                    for (b, &v) in lo.iter().enumerate().rev() {
                        outline.push((at(b + 1), v));
                        outline.push((at(b), v));
                    }
                    chart.draw_series(std::iter::once(Polygon::new(outline, rgb(activity).filled())))?;
                }
                Ok(())
            })
        })
        .flatten();
    let caption = if idle {
        format!(
            "In this run no cook ever worked hands-on or stood by: the kitchen's {} stayed idle throughout.",
            plural(sc.kitchen.cooks as usize, "cook")
        )
    } else {
        format!(
            "How many of the kitchen's {} were hands-on and standing by, averaged over intervals of {} {u}; \
             the rest of their time is idle.",
            plural(sc.kitchen.cooks as usize, "cook"),
            fmt_short(bw)
        )
    };
    let legend = [Activity::HandsOn, Activity::StandingBy]
        .map(|a| Series { name: a.name().into(), colour: colour(a).into() })
        .into();
    Chart { title, svg, caption, legend }
}

#[cfg(test)]
mod tests {
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
