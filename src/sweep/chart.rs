//! The sweep page's charts, drawn as SVG with plotters: the target's metric against
//! a varied parameter, and against the cost.
//!
//! Both keep every drawn thing true: a point beyond the top of the chart (far above
//! the target) is a hollow triangle at the edge, with no error bar, and the line to
//! it stops at the edge; every point inside has its whole 95% interval inside too.
//! The legend has its own strip beside the plot, so it covers no line. The chosen
//! configuration (the answer) is ringed.

use plotters::prelude::*;
use serde::Serialize;

use super::{Metric, Op, Sweep, Target};
use crate::replicate::Estimate;
use crate::view::html_report::plot;

const PALETTE: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
];
const GREEN: RGBColor = RGBColor(0x1e, 0x7b, 0x34);
const GREY: RGBColor = RGBColor(0x9a, 0xa0, 0xaa);

/// The whole chart's size, and the legend's strip on its right.
const SIZE: (u32, u32) = (1100, 440);
const LEGEND: u32 = 210;

/// One chart of the sweep page, for its template.
#[derive(Serialize)]
pub(super) struct Chart {
    /// The metric charted, and the arrival rate when the page has a chart per rate.
    pub title: String,
    /// The SVG; `None` if it could not be drawn.
    pub svg: Option<String>,
    /// How many lines are left out, past [`MAX_LINES`].
    pub left_out: usize,
    /// Whether some points are beyond the top edge (drawn as triangles).
    pub capped: bool,
    /// What the chart shows, when it needs saying.
    pub caption: Option<String>,
}

/// One point: the configuration's index, its x, its estimate.
type Point = (usize, f64, Estimate);
/// One line of a chart: the other parameters' values, and its points.
type ChartLine = (Vec<f64>, Vec<Point>);

/// Lines in one chart, at most (the rest are left out, with a note).
const MAX_LINES: usize = 8;

/// The y axis's label: the metric in words, with its unit.
fn y_words(sweep: &Sweep, metric: &Metric) -> String {
    let unit = if metric.is_time() {
        format!(" ({})", sweep.unit.name())
    } else if metric.is_share() {
        " (%)".into()
    } else {
        String::new()
    };
    format!("{}{unit}", metric.words())
}

/// The top of the y axis, and whether some points are beyond it. Points whose mean
/// is above 4 times the target are left beyond it (saturated kitchens can be a
/// thousand times the target); every point below has its whole interval inside.
fn y_top(points: &[(f64, f64)], target: Option<f64>) -> (f64, bool) {
    let cap = target.filter(|&t| t > 0.0).map_or(f64::INFINITY, |t| 4.0 * t);
    let mut top = target.unwrap_or(0.0).max(0.0);
    loop {
        let next = points.iter().filter(|(m, _)| *m <= top.max(cap)).map(|&(_, h)| h).fold(top, f64::max);
        if next <= top {
            break;
        }
        top = next;
    }
    let top = if top > 0.0 { top * 1.08 } else { 1.0 };
    (top, points.iter().any(|&(m, _)| m > top))
}

/// A point's mean and the top of its interval (its mean when it has no interval).
fn ends(e: &Estimate, scale: f64) -> (f64, f64) {
    let high = if e.high().is_finite() { e.high() } else { e.mean };
    (e.mean * scale, high * scale)
}

/// A point as drawn: its x, mean, interval's ends (its mean where it has none) and
/// whether it is chosen.
fn drawn(x: f64, e: &Estimate, scale: f64, chosen: bool) -> (f64, f64, f64, f64, bool) {
    let (mean, high) = ends(e, scale);
    let low = if e.low().is_finite() { e.low() * scale } else { mean };
    (x, mean, low, high, chosen)
}

type Drawn = Result<(), Box<dyn std::error::Error>>;
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Plot<'a> = ChartContext<
    'a,
    SVGBackend<'a>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The x axis's labels, when plotters' own will not do: how many, and how each reads.
type XLabels<'f> = Option<(usize, &'f dyn Fn(&f64) -> String)>;

/// A chart of the page on `root`: the plot's frame (caption, axes in words, a light
/// grid, the target's `threshold` dashed across), then `draw` on the plot and the
/// legend's strip beside it.
#[allow(clippy::too_many_arguments)]
fn framed(
    root: &Area<'_>,
    title: &str,
    (x0, x1): (f64, f64),
    ymax: f64,
    (x_desc, y_desc): (String, String),
    x_labels: XLabels<'_>,
    threshold: Option<f64>,
    draw: impl FnOnce(&mut Plot<'_>, &Area<'_>) -> Drawn,
) -> Drawn {
    let (left, right) = root.split_horizontally(SIZE.0 - LEGEND);
    let mut chart = ChartBuilder::on(&left)
        .margin(16)
        .margin_right(20)
        .caption(title, ("sans-serif", 18))
        .x_label_area_size(46)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, 0f64..ymax)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14));
    if let Some((n, format)) = x_labels {
        mesh.x_labels(n).x_label_formatter(format);
    }
    mesh.draw()?;
    if let Some(y) = threshold {
        dashed(&mut chart, y, (x0, x1))?;
    }
    draw(&mut chart, &right)
}

/// The target's threshold as a dashed line across the plot.
fn dashed(chart: &mut Plot<'_>, y: f64, (x0, x1): (f64, f64)) -> Drawn {
    let step = (x1 - x0) / 60.0;
    let mut x = x0;
    while x < x1 {
        let end = (x + step * 0.6).min(x1);
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(x, y), (end, y)], BLACK.stroke_width(1))))?;
        x += step;
    }
    Ok(())
}

/// Draws `points` (x, mean, interval's ends) joined by a line of `colour`: the
/// points inside as dots with their error bars, those beyond `top` as hollow
/// triangles at the edge, the line cut at the edge; rings the `chosen` ones.
fn draw_points(
    chart: &mut Plot<'_>,
    points: &[(f64, f64, f64, f64, bool)],
    top: f64,
    colour: RGBColor,
    joined: bool,
) -> Drawn {
    if joined {
        for w in points.windows(2) {
            let ((x0, y0), (x1, y1)) = ((w[0].0, w[0].1), (w[1].0, w[1].1));
            let at_edge = |xa: f64, ya: f64, xb: f64, yb: f64| (xa + (xb - xa) * (top - ya) / (yb - ya), top);
            let seg = match (y0 <= top, y1 <= top) {
                (true, true) => Some(((x0, y0), (x1, y1))),
                (true, false) => Some(((x0, y0), at_edge(x0, y0, x1, y1))),
                (false, true) => Some((at_edge(x1, y1, x0, y0), (x1, y1))),
                (false, false) => None,
            };
            if let Some((a, b)) = seg {
                chart.draw_series(std::iter::once(PathElement::new(vec![a, b], colour.stroke_width(2))))?;
            }
        }
    }
    for &(x, mean, low, high, chosen) in points {
        if mean > top {
            chart.draw_series(std::iter::once(TriangleMarker::new((x, top), 6, colour.stroke_width(2))))?;
        } else {
            chart.draw_series(std::iter::once(Circle::new((x, mean), 3, colour.filled())))?;
            if high > low {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, low.max(0.0)), (x, high)],
                    colour.stroke_width(1),
                )))?;
            }
        }
        if chosen {
            let y = mean.min(top);
            chart.draw_series(std::iter::once(Circle::new((x, y), 9, BLACK.stroke_width(2))))?;
        }
    }
    Ok(())
}

/// The legend, in its strip: a swatch and a label per entry.
fn legend(area: &Area<'_>, entries: &[(String, ShapeStyle, bool)]) -> Drawn {
    let font = ("sans-serif", 13).into_font().color(&BLACK);
    for (n, (label, style, dot)) in entries.iter().enumerate() {
        let y = 48 + 22 * n as i32;
        if *dot {
            area.draw(&Circle::new((14, y), 5, *style))?;
        } else {
            area.draw(&PathElement::new(vec![(4, y), (24, y)], *style))?;
        }
        area.draw(&Text::new(label.clone(), (32, y - 8), font.clone()))?;
    }
    Ok(())
}

/// One chart: `metric` against the parameter at `x`, one line per combination of
/// the other parameters (within one arrival rate, when `rate` is given), with the
/// 95% intervals as error bars, the target's threshold as a dashed line and the
/// `best` configurations ringed.
pub(super) fn chart(
    sweep: &Sweep,
    metric: &Metric,
    x: usize,
    rate: Option<(usize, f64)>,
    target: Option<&Target>,
    best: &[usize],
) -> Chart {
    let others: Vec<usize> =
        (0..sweep.varies.len()).filter(|&j| j != x && rate.is_none_or(|(p, _)| p != j)).collect();
    // Lines keyed by the other parameters' values, in grid order.
    let mut lines: Vec<ChartLine> = Vec::new();
    for (i, row) in sweep.rows.iter().enumerate() {
        if rate.is_some_and(|(p, r)| row.values[p] != r) || row.measured_nothing {
            continue;
        }
        let Some(e) = row.estimate(&sweep.metrics, metric) else { continue };
        let key: Vec<f64> = others.iter().map(|&j| row.values[j]).collect();
        match lines.iter_mut().find(|l| l.0 == key) {
            Some(l) => l.1.push((i, row.values[x], e)),
            None => lines.push((key, vec![(i, row.values[x], e)])),
        }
    }
    let left_out = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    let scale = if metric.is_share() { 100.0 } else { 1.0 };
    let xs: Vec<f64> = sweep.varies[x].values.clone();
    let (xmin, xmax) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (xmin, xmax) = if xmin < xmax { (xmin, xmax) } else { (xmin - 1.0, xmax + 1.0) };
    let pad = (xmax - xmin) * 0.05;
    let threshold = target.filter(|t| t.metric == *metric).map(|t| t.value * scale);
    let all: Vec<(f64, f64)> = lines.iter().flat_map(|l| l.1.iter().map(|p| ends(&p.2, scale))).collect();
    let (ymax, capped) = y_top(&all, threshold);
    let title = match rate {
        Some((p, r)) => format!("{} at rate {}", metric.words(), sweep.varies[p].param.show(r)),
        None => metric.words(),
    };
    let whole = sweep.varies[x].param.whole();
    let param = &sweep.varies[x].param;
    let format = |v: &f64| match whole {
        true if v.fract().abs() > 1e-9 => String::new(),
        true => param.show(v.round()),
        false => format!("{v:.2}"),
    };
    let x_labels = if whole { ((xmax - xmin) as usize + 1).min(20) } else { 10 };
    let words = (param.words(sweep.unit), y_words(sweep, metric));
    let drawn = plot(SIZE.0, SIZE.1, &title, |root| {
        let x_range = (xmin - pad, xmax + pad);
        framed(root, &title, x_range, ymax, words, Some((x_labels, &format)), threshold, |chart, right| {
            let mut entries = Vec::new();
            for (n, (key, points)) in lines.iter().enumerate() {
                let colour = PALETTE[n % PALETTE.len()];
                let label = if key.is_empty() {
                    "all".to_string()
                } else {
                    (others.iter().zip(key))
                        .map(|(&j, &v)| {
                            format!("{}={}", sweep.varies[j].param.label(), sweep.varies[j].param.show(v))
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let pts: Vec<(f64, f64, f64, f64, bool)> =
                    points.iter().map(|(i, x, e)| drawn(*x, e, scale, best.contains(i))).collect();
                draw_points(chart, &pts, ymax, colour, true)?;
                entries.push((label, colour.stroke_width(2), false));
            }
            if threshold.is_some() {
                entries.push(("target".into(), BLACK.stroke_width(1), false));
            }
            if lines.iter().any(|l| l.1.iter().any(|p| best.contains(&p.0))) {
                entries.push(("chosen".into(), BLACK.stroke_width(2), true));
            }
            legend(right, &entries)
        })
    });
    Chart { title, svg: drawn, left_out, capped, caption: None }
}

/// The configurations on the frontier of cost and service: each is better on
/// `metric` than every cheaper one (lower is better, or higher for a `>=` or `>`
/// target), in order of cost.
pub(super) fn frontier(points: &[(usize, f64, f64)], higher_better: bool) -> Vec<usize> {
    let mut by_cost: Vec<&(usize, f64, f64)> = points.iter().collect();
    // At one cost, the best first: only it can be on the frontier.
    let better = |a: f64, b: f64| if higher_better { b.total_cmp(&a) } else { a.total_cmp(&b) };
    by_cost.sort_by(|a, b| a.1.total_cmp(&b.1).then(better(a.2, b.2)).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    let mut best: Option<f64> = None;
    for &&(i, _, y) in &by_cost {
        let better = best.is_none_or(|b| if higher_better { y > b } else { y < b });
        if better {
            out.push(i);
            best = Some(y);
        }
    }
    out
}

/// Cost against service: every configuration run (within one arrival rate, when
/// `rate` is given) at its cost and its `metric`, green when it meets every
/// target, the frontier of the cheapest kitchens for their service joined, the
/// chosen one ringed.
pub(super) fn cost_chart(
    sweep: &Sweep,
    metric: &Metric,
    targets: &[&Target],
    rate: Option<(usize, f64)>,
    best: &[usize],
) -> Chart {
    let scale = if metric.is_share() { 100.0 } else { 1.0 };
    let target = targets.iter().copied().find(|t| t.metric == *metric);
    let higher_better = target.is_some_and(|t| matches!(t.op, Op::Ge | Op::Gt));
    let rows: Vec<(usize, f64, Estimate)> = (sweep.rows.iter().enumerate())
        .filter(|(_, r)| r.done() && !r.measured_nothing)
        .filter(|(_, r)| rate.is_none_or(|(p, v)| r.values[p] == v))
        .filter_map(|(i, r)| r.estimate(&sweep.metrics, metric).map(|e| (i, r.cost, e)))
        .collect();
    let on: Vec<usize> =
        frontier(&rows.iter().map(|(i, c, e)| (*i, *c, e.mean)).collect::<Vec<_>>(), higher_better);
    let threshold = target.map(|t| t.value * scale);
    let all: Vec<(f64, f64)> = rows.iter().map(|r| ends(&r.2, scale)).collect();
    let (ymax, capped) = y_top(&all, threshold);
    let (cmin, cmax) =
        rows.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| (a.min(r.1), b.max(r.1)));
    let (cmin, cmax) = if cmin < cmax {
        (cmin, cmax)
    } else if cmin.is_finite() {
        (cmin - 1.0, cmax + 1.0)
    } else {
        (0.0, 1.0)
    };
    let pad = (cmax - cmin) * 0.05;
    let title = match rate {
        Some((p, r)) => format!("Cost against {} at rate {}", metric.words(), sweep.varies[p].param.show(r)),
        None => format!("Cost against {}", metric.words()),
    };
    let currency = sweep.currency.as_deref().map_or(String::new(), |c| format!(" ({c})"));
    let words = (format!("cost of the kitchen{currency}"), y_words(sweep, metric));
    let drawn = plot(SIZE.0, SIZE.1, &title, |root| {
        framed(root, &title, (cmin - pad, cmax + pad), ymax, words, None, threshold, |chart, right| {
            let point = |&(i, c, e): &(usize, f64, Estimate)| drawn(c, &e, scale, best.contains(&i));
            // The frontier first, the configurations' points over it.
            let line: Vec<(f64, f64, f64, f64, bool)> = on
                .iter()
                .filter_map(|i| rows.iter().find(|r| r.0 == *i))
                .map(|&(_, c, e)| {
                    let (mean, _) = ends(&e, scale);
                    (c, mean, mean, mean, false)
                })
                .collect();
            draw_points(chart, &line, ymax, PALETTE[0], true)?;
            let meets = |i: usize| !targets.is_empty() && sweep.meets_all(i, targets.iter().copied());
            let (good, other): (Vec<_>, Vec<_>) = rows.iter().partition(|r| meets(r.0));
            draw_points(chart, &other.into_iter().map(point).collect::<Vec<_>>(), ymax, GREY, false)?;
            draw_points(chart, &good.into_iter().map(point).collect::<Vec<_>>(), ymax, GREEN, false)?;
            let mut entries = vec![("frontier: cheapest for".to_string(), PALETTE[0].stroke_width(2), false)];
            entries.push(("  their service".into(), WHITE.stroke_width(0), false));
            if !targets.is_empty() {
                entries.push(("meets every target".into(), GREEN.filled(), true));
                entries.push(("misses a target".into(), GREY.filled(), true));
                if threshold.is_some() {
                    entries.push(("target".into(), BLACK.stroke_width(1), false));
                }
            }
            if rows.iter().any(|r| best.contains(&r.0)) {
                entries.push(("chosen".into(), BLACK.stroke_width(2), true));
            }
            legend(right, &entries)
        })
    });
    let better = if higher_better { "higher" } else { "lower" };
    let caption = format!(
        "Each configuration at its cost; the frontier joins those that do better ({better} {}) than every cheaper one: a kitchen off the frontier costs more than one that serves as well.",
        metric.words()
    );
    Chart { title, svg: drawn, left_out: 0, capped, caption: Some(caption) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_keeps_each_kitchen_better_than_every_cheaper_one() {
        // (index, cost, p95): 1 is dearer and worse than 0; 3 improves on 2.
        let points = [(0, 10.0, 9.0), (1, 12.0, 9.5), (2, 14.0, 6.0), (3, 20.0, 2.0), (4, 16.0, 6.0)];
        assert_eq!(frontier(&points, false), [0, 2, 3]);
        // Higher is better (a throughput floor): the dearer 1 beats 0.
        assert_eq!(frontier(&points, true), [0, 1]);
        assert_eq!(frontier(&[], false), Vec::<usize>::new());
        // At one cost only the best is on it.
        assert_eq!(frontier(&[(0, 5.0, 21.0), (1, 5.0, 18.0), (2, 5.0, 19.0)], false), [1]);
        assert_eq!(frontier(&[(0, 5.0, 21.0), (1, 5.0, 18.0)], true), [0]);
    }

    #[test]
    fn the_top_keeps_whole_intervals_and_leaves_far_points_beyond() {
        // A target of 5: 40 is beyond 4 × 5; 6 ± 3 is inside, whole.
        let (top, capped) = y_top(&[(2.0, 3.0), (6.0, 9.0), (40.0, 55.0)], Some(5.0));
        assert!(capped);
        assert!((top - 9.0 * 1.08).abs() < 1e-9, "{top}");
        // A point past the cap whose interval is within the top is inside, whole.
        let (top, capped) = y_top(&[(2.0, 25.0), (21.0, 22.0)], Some(5.0));
        assert!(!capped && top >= 25.0, "{top}");
        // No target: everything is inside.
        let (top, capped) = y_top(&[(2.0, 3.0), (400.0, 500.0)], None);
        assert!(!capped && top >= 500.0);
    }
}
