//! The sweep page's charts, drawn as SVG with plotters.

use plotters::prelude::*;
use serde::Serialize;

use super::{Metric, Sweep, Target};
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

/// One chart of the sweep page, for its template.
#[derive(Serialize)]
pub(super) struct Chart {
    /// The metric charted, and the arrival rate when the page has a chart per rate.
    pub title: String,
    /// The SVG; `None` if it could not be drawn.
    pub svg: Option<String>,
    /// How many lines are left out, past [`MAX_LINES`].
    pub left_out: usize,
    /// Whether points far above the target are drawn at the top edge.
    pub capped: bool,
}

/// One line of a chart: the other parameters' values, and its points.
type ChartLine = (Vec<f64>, Vec<(f64, Estimate)>);

/// Lines in one chart, at most (the rest are left out, with a note).
const MAX_LINES: usize = 8;

/// One chart: `metric` against the parameter at `x`, one line per combination of
/// the other parameters (within one arrival rate, when `rate` is given), with the
/// 95% intervals as error bars and the target's threshold as a dashed line.
pub(super) fn chart(
    sweep: &Sweep,
    metric: &Metric,
    x: usize,
    rate: Option<(usize, f64)>,
    target: Option<&Target>,
) -> Chart {
    let others: Vec<usize> =
        (0..sweep.varies.len()).filter(|&j| j != x && rate.is_none_or(|(p, _)| p != j)).collect();
    // Lines keyed by the other parameters' values, in grid order.
    let mut lines: Vec<ChartLine> = Vec::new();
    for row in &sweep.rows {
        if rate.is_some_and(|(p, r)| row.values[p] != r) {
            continue;
        }
        let Some(e) = row.estimate(&sweep.metrics, metric) else { continue };
        let key: Vec<f64> = others.iter().map(|&j| row.values[j]).collect();
        match lines.iter_mut().find(|l| l.0 == key) {
            Some(l) => l.1.push((row.values[x], e)),
            None => lines.push((key, vec![(row.values[x], e)])),
        }
    }
    let left_out = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    let scale = if metric.is_share() { 100.0 } else { 1.0 };
    let xs: Vec<f64> = sweep.varies[x].values.clone();
    let (xmin, xmax) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (xmin, xmax) = if xmin < xmax { (xmin, xmax) } else { (xmin - 1.0, xmax + 1.0) };
    let pad = (xmax - xmin) * 0.05;
    let mut ymax = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|(_, e)| if e.high().is_finite() { e.high() } else { e.mean }))
        .fold(0.0f64, f64::max)
        * scale;
    // Saturated kitchens can be a thousand times the target: above 4 times it,
    // points are drawn at the top edge, so the ones near the target stay readable.
    let mut capped = false;
    if let Some(t) = target.filter(|t| t.metric == *metric && t.value > 0.0) {
        let cap = 4.0 * t.value * scale;
        capped = ymax > cap;
        ymax = ymax.clamp(t.value * scale, cap);
    }
    let ymax = if ymax > 0.0 { ymax * 1.08 } else { 1.0 };
    let top = |y: f64| y.min(ymax);
    let title = match rate {
        Some((p, r)) => format!("{} at rate {}", metric.name(), sweep.varies[p].param.show(r)),
        None => metric.name(),
    };
    let unit = if metric.is_time() {
        format!(" ({})", sweep.unit.name())
    } else if metric.is_share() {
        " (%)".into()
    } else {
        String::new()
    };
    let drawn = plot(900, 420, &title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(28)
            .caption(&title, ("sans-serif", 18))
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d((xmin - pad)..(xmax + pad), 0f64..ymax)?;
        let whole = sweep.varies[x].param.whole();
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xe4, 0xe4, 0xe8))
            .x_labels(if whole { ((xmax - xmin) as usize + 1).min(20) } else { 10 })
            .x_label_formatter(&|v| if whole { format!("{}", v.round()) } else { format!("{v:.2}") })
            .x_desc(sweep.varies[x].param.name())
            .y_desc(format!("{}{unit}", metric.name()))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()?;
        if let Some(t) = target.filter(|t| t.metric == *metric) {
            let y = t.value * scale;
            let mut x0 = xmin - pad;
            let step = (xmax - xmin + 2.0 * pad) / 60.0;
            while x0 < xmax + pad {
                let x1 = (x0 + step * 0.6).min(xmax + pad);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0, y), (x1, y)],
                    BLACK.stroke_width(1),
                )))?;
                x0 += step;
            }
        }
        for (n, (key, points)) in lines.iter().enumerate() {
            let colour = PALETTE[n % PALETTE.len()];
            let label = if key.is_empty() {
                "all".to_string()
            } else {
                others
                    .iter()
                    .zip(key)
                    .map(|(&j, &v)| {
                        format!("{}={}", sweep.varies[j].param.label(), sweep.varies[j].param.show(v))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let pts: Vec<(f64, f64)> = points.iter().map(|(x, e)| (*x, top(e.mean * scale))).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
            chart.draw_series(points.iter().filter(|(_, e)| e.half_width_95.is_finite()).map(|(x, e)| {
                PathElement::new(
                    vec![(*x, top(e.low() * scale)), (*x, top(e.high() * scale))],
                    colour.stroke_width(1),
                )
            }))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(("sans-serif", 13))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        Ok(())
    });
    Chart { title, svg: drawn, left_out, capped }
}
