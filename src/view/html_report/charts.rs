//! The charts: what they draw, computed from the trace, and the drawing, by plotters.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::prelude::*;

use super::timeline::Geometry;
use super::{Chart, Series, WIDTH, colour, esc, fmt_short, hex, nice_step, plural, rgb, tick_label};
use crate::model::{Mode, Scenario};
use crate::time::{Ticks, TimeUnit};
use crate::view::trace::{Activity, Lane, LaneKind, OrderEnd, Trace};

/// Intervals of the cook activity chart, about.
const COOK_BINS: usize = 200;
/// Changes of a queue length above which the queue chart shows maxima per interval.
const QUEUE_DETAIL: usize = 2000;
const QUEUE_BINS: usize = 800;

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

/// Each order's time in the kitchen, apart by how it ended.
pub(super) struct OrderTimes {
    /// Served orders: from arrival to served (the time in system), or for lanes that
    /// do not know their order's life, from the first step's start to the last step's
    /// end.
    pub(super) values: Vec<Ticks>,
    /// Customers who left before being served: from arrival to leaving.
    pub(super) left: Vec<Ticks>,
    /// Customers who walked away without ordering.
    pub(super) balked: usize,
    /// Orders still in the kitchen when the run stopped.
    pub(super) unfinished: usize,
    /// Order lanes there are (none: nothing to show).
    pub(super) lanes: usize,
    /// How many values are from the first step's start to the last step's end,
    /// for lanes that do not say when the order arrived and was served.
    pub(super) from_steps: usize,
}

/// From arrival to served (the time in system) for the served, to leaving for those
/// who left; for a lane that does not know, from its first step starting to its last
/// ending.
pub(super) fn order_times(trace: &Trace) -> OrderTimes {
    let mut times = OrderTimes {
        values: Vec::new(),
        left: Vec::new(),
        balked: 0,
        unfinished: 0,
        lanes: 0,
        from_steps: 0,
    };
    for lane in trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Order(_))) {
        times.lanes += 1;
        match (lane.life, lane.ended) {
            (Some((arrival, served)), Some(OrderEnd::Served)) => {
                times.values.push(served.saturating_sub(arrival))
            }
            (Some((arrival, left)), Some(OrderEnd::Left)) => times.left.push(left.saturating_sub(arrival)),
            (Some(_), Some(OrderEnd::Balked)) => times.balked += 1,
            (Some(_), None) => times.unfinished += 1,
            (None, _) => {
                if let Some((start, end)) = extent(lane) {
                    times.values.push(end - start);
                    times.from_steps += 1;
                }
            }
        }
    }
    times
}

/// From a lane's start (an order's arrival, or its first step) to its end.
pub(super) fn extent(lane: &Lane) -> Option<(Ticks, Ticks)> {
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
pub(super) struct HistogramScale {
    /// Bin width, in the scenario's unit.
    pub(super) bin: f64,
    pub(super) bins: usize,
    /// The tallest bin of any run.
    pub(super) max_count: u32,
}

impl HistogramScale {
    pub(super) fn new(values: &[Vec<Ticks>], unit: TimeUnit) -> HistogramScale {
        let max = values.iter().flatten().map(|&t| unit.from_ticks(t)).fold(0.0, f64::max);
        let bin = nice_step(max, 20.0);
        let bins = (max / bin).floor() as usize + 1;
        let mut scale = HistogramScale { bin, bins, max_count: 0 };
        scale.max_count =
            values.iter().map(|v| scale.counts(v, unit).into_iter().max().unwrap_or(0)).max().unwrap_or(0);
        scale
    }

    pub(super) fn counts(&self, values: &[Ticks], unit: TimeUnit) -> Vec<u32> {
        let mut counts = vec![0; self.bins];
        for &t in values {
            let b = ((unit.from_ticks(t) / self.bin).floor() as usize).min(self.bins - 1);
            counts[b] += 1;
        }
        counts
    }
}

/// A queue's length over time: (time, length after it) at every change.
pub(super) struct QueueSeries {
    pub(super) name: String,
    pub(super) colour: RGBColor,
    pub(super) changes: Vec<(Ticks, u64)>,
    pub(super) max: u64,
}

/// Per piece of equipment, its queue over time from the order lanes' waiting spans
/// (a step's equipment is what its recipe step uses). Pieces nothing ever waited for
/// are left out.
pub(super) fn queue_series(sc: &Scenario, trace: &Trace) -> Vec<QueueSeries> {
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
pub(super) fn cook_bins(trace: &Trace, end: Ticks, bw: f64) -> (Vec<f64>, Vec<f64>) {
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

pub(super) const FONT: &str = "sans-serif";

/// The histogram of the served orders' times in system (or, for lanes that do not
/// know their order's life, of their steps' span); its caption counts the customers
/// it leaves out.
pub(super) fn histogram_chart(times: &OrderTimes, scale: &HistogramScale, unit: TimeUnit) -> Chart {
    let u = unit.name();
    let values = &times.values;
    let exact = times.from_steps == 0;
    let title = if exact {
        "Served orders by time in system".to_string()
    } else {
        "Orders by time from their first step to their last".to_string()
    };
    if times.lanes == 0 {
        return Chart::empty(title, "No order lanes in this trace, so no per-order times to show.");
    }
    let not_counted = not_counted(times);
    if values.is_empty() {
        let why = if times.left.len() + times.balked + times.unfinished > 0 {
            format!("No order was served.{not_counted}")
        } else {
            "No order got as far as its first step.".to_string()
        };
        return Chart::empty(title, why);
    }
    let x_desc = if exact {
        format!("time in system: arrival → served ({u})")
    } else {
        format!("first step start → last step end ({u})")
    };
    let svg = histogram_svg(&title, &x_desc, "orders", values, scale, unit, rgb(Activity::Unattended));
    let caption = if exact {
        format!(
            "{}, in bins of {} {u}: each order's time from its customer's arrival to being served (the time in system of the statistics).{not_counted}",
            plural(values.len(), "served order"),
            fmt_short(scale.bin)
        )
    } else {
        format!(
            "{}, in bins of {} {u}. {} of them the trace does not say when they arrived and were served, so \
             for those this is the span from the first step starting to the last step ending, which leaves \
             out the wait before the first step (the statistics above give the time in system).{not_counted}",
            plural(values.len(), "order"),
            fmt_short(scale.bin),
            if times.from_steps == values.len() {
                "For all".to_string()
            } else {
                format!("For {}", times.from_steps)
            }
        )
    };
    Chart { title, svg, legend: Vec::new(), caption }
}

/// Who the histogram of served orders leaves out, as a sentence (empty if no one).
fn not_counted(times: &OrderTimes) -> String {
    let mut who = Vec::new();
    if !times.left.is_empty() {
        let n = times.left.len();
        who.push(format!(
            "{} who left before being served (in the next chart)",
            if n == 1 { "1 customer".to_string() } else { format!("{n} customers") }
        ));
    }
    if times.balked > 0 {
        who.push(format!("{} who walked away without ordering", times.balked));
    }
    if times.unfinished > 0 {
        who.push(format!("{} still in the kitchen when the run stopped", plural(times.unfinished, "order")));
    }
    match who.as_slice() {
        [] => String::new(),
        [one] => format!(" Not counted: {one}."),
        [rest @ .., last] => format!(" Not counted: {} and {last}.", rest.join(", ")),
    }
}

/// The histogram of the customers who left before being served: how long each
/// stayed. `None` when no run of the report lost a customer (the chart would be
/// noise); an empty chart, for a run that lost none, when another did.
pub(super) fn left_chart(
    times: &OrderTimes,
    scale: &HistogramScale,
    unit: TimeUnit,
    mode: Mode,
    any: bool,
) -> Option<Chart> {
    if !any {
        return None;
    }
    let u = unit.name();
    let title = "Customers who left, by time before leaving".to_string();
    if times.left.is_empty() {
        return Some(Chart::empty(title, "No customer left before being served in this run."));
    }
    let svg = histogram_svg(
        &title,
        &format!("arrival → left unserved ({u})"),
        "customers",
        &times.left,
        scale,
        unit,
        rgb(Activity::StandingBy),
    );
    let when = match mode {
        Mode::Async => "each one's time from arrival to leaving, when their patience ran out",
        Mode::Sync => {
            "each one's time from arrival to when the cook, between steps, found their patience had run out \
             (so a customer whose order was finished after it ran out counts here)"
        }
    };
    let caption = format!(
        "{} who left before being served, in bins of {} {u}: {when}. The statistics' times count only \
         served orders.",
        if times.left.len() == 1 {
            "1 customer".to_string()
        } else {
            format!("{} customers", times.left.len())
        },
        fmt_short(scale.bin)
    );
    Some(Chart { title, svg, legend: Vec::new(), caption })
}

/// A histogram of `values` on `scale`, its bars in `colour`.
fn histogram_svg(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    values: &[Ticks],
    scale: &HistogramScale,
    unit: TimeUnit,
    colour: RGBColor,
) -> Option<String> {
    let counts = scale.counts(values, unit);
    let xmax = scale.bin * scale.bins as f64;
    let ymax = scale.max_count.max(1);
    let x_step = nice_step(xmax, 12.0);
    plot(WIDTH, 300, title, |root| {
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
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(b, &c)| {
            let x0 = b as f64 * scale.bin;
            let mut r = Rectangle::new([(x0, 0), (x0 + scale.bin, c)], colour.filled());
            r.set_margin(0, 0, 1, 1);
            r
        }))?;
        Ok(())
    })
}

pub(super) fn queue_chart(
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
pub(super) fn exact_steps(q: &QueueSeries, geo: &Geometry) -> Vec<(f64, u64)> {
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
pub(super) fn sampled_steps(q: &QueueSeries, geo: &Geometry) -> Vec<(f64, u64)> {
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

pub(super) fn cook_chart(sc: &Scenario, trace: &Trace, geo: &Geometry) -> Chart {
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

    /// The rush hour loses customers: the histogram of time in system has the served
    /// orders only (its scale ends where the statistics' maximum does), and those who
    /// left, who stayed longer, are apart.
    #[test]
    fn the_histogram_of_time_in_system_counts_the_served_only() {
        let sc = crate::builtin::find("rush-hour").unwrap().load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let run = crate::ops::report_run(&sc, mode, sc.seed).unwrap();
            let times = order_times(&run.trace);
            assert_eq!(times.values.len() as u64, run.stats.served, "{mode:?}");
            assert_eq!(times.left.len() as u64, run.stats.left, "{mode:?}");
            assert_eq!(times.balked as u64, run.stats.balked, "{mode:?}");
            assert_eq!((times.unfinished, times.from_steps), (0, 0));
            let unit = sc.unit;
            let longest_served = times.values.iter().map(|&t| unit.from_ticks(t)).fold(0.0, f64::max);
            let max_s = run.stats.time_in_system.max_s / unit.seconds();
            assert!((longest_served - max_s).abs() < 1e-9, "{mode:?}: {longest_served} against {max_s}");
            let longest_left = times.left.iter().map(|&t| unit.from_ticks(t)).fold(0.0, f64::max);
            if mode == Mode::Async {
                // What the report used to draw as "time in system" (issue 17).
                assert!(longest_left > longest_served + 5.0, "the day this test needs: {longest_left}");
            }
            // The served histogram's axis ends within a bin of the longest served order.
            let scale = HistogramScale::new(std::slice::from_ref(&times.values), unit);
            assert!(scale.bin * scale.bins as f64 <= longest_served + scale.bin, "{mode:?}");
            assert_eq!(scale.counts(&times.values, unit).iter().sum::<u32>() as u64, run.stats.served);
            let chart = histogram_chart(&times, &scale, unit);
            assert_eq!(chart.title, "Served orders by time in system");
            assert!(
                chart.caption.contains(&format!(
                    "Not counted: {} customers who left before being served (in the next chart)",
                    run.stats.left
                )),
                "{}",
                chart.caption
            );
            let left_scale = HistogramScale::new(std::slice::from_ref(&times.left), unit);
            let left = left_chart(&times, &left_scale, unit, mode, true).expect("some left");
            assert!(left.svg.is_some());
            assert!(
                left.caption
                    .starts_with(&format!("{} customers who left before being served", run.stats.left))
            );
            // No chart of who left for a report where nobody did.
            assert!(left_chart(&times, &left_scale, unit, mode, false).is_none());
        }
    }

    /// An order still in the kitchen when a run stops, and a customer who walked
    /// away, are in neither histogram, and the caption says so.
    #[test]
    fn the_unfinished_and_those_who_walked_away_are_said_apart() {
        use crate::view::trace::{Lane, OrderEnd};
        let lane = |id, life, ended| Lane {
            kind: LaneKind::Order(id),
            label: format!("#{id}"),
            spans: vec![],
            life,
            ended,
        };
        let trace = Trace {
            mode: Mode::Async,
            lanes: vec![
                lane(1, Some((0, 4)), Some(OrderEnd::Served)),
                lane(2, Some((1, 1)), Some(OrderEnd::Balked)),
                lane(3, Some((1, 9)), None),
                lane(4, Some((2, 7)), Some(OrderEnd::Left)),
            ],
            end: 9,
        };
        let times = order_times(&trace);
        assert_eq!(
            (times.values.clone(), times.left.clone(), times.balked, times.unfinished),
            (vec![4], vec![5], 1, 1)
        );
        assert_eq!(
            not_counted(&times),
            " Not counted: 1 customer who left before being served (in the next chart), 1 who walked away without ordering and 1 order still in the kitchen when the run stopped."
        );
    }
}
