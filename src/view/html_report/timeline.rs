//! The timeline, written directly as SVG (see the [module doc](super) for why).

use std::fmt::Write as _;

use super::{ACTIVITIES, DENSITY_PX, LANE_DETAIL, LIFE_COLOUR, WIDTH};
use super::{colour, esc, fmt_short, item_name, nice_step, plural, slug, step_name, tick_label};
use crate::model::Scenario;
use crate::time::{Ticks, TimeUnit};
use crate::view::trace::{Activity, Lane, LaneKind, OrderEnd, Span};

/// The timeline's label column, and its right margin.
const LABEL_W: f64 = 190.0;
const RIGHT_W: f64 = 28.0;
/// Bars in one timeline above which bars carry no text labels.
const MAX_LABELLED_BARS: usize = 600;
/// A time scale: the one every drawing of a report shares (from zero), or the
/// stretch of time a cut-down order timeline covers.
pub(super) struct Geometry {
    /// Scenario time at the left and right edges (`start < end`).
    pub(super) start: Ticks,
    pub(super) end: Ticks,
    pub(super) unit: TimeUnit,
}

impl Geometry {
    pub(super) fn plot_w(&self) -> f64 {
        WIDTH as f64 - LABEL_W - RIGHT_W
    }

    pub(super) fn x(&self, t: Ticks) -> f64 {
        LABEL_W + t.saturating_sub(self.start) as f64 / (self.end - self.start) as f64 * self.plot_w()
    }

    pub(super) fn ticks_per_px(&self) -> f64 {
        (self.end - self.start) as f64 / self.plot_w()
    }

    /// Axis ticks: (position, label), and the step in units.
    pub(super) fn axis(&self) -> (Vec<(f64, String)>, f64) {
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
pub(super) struct Bar<'t> {
    pub(super) start: Ticks,
    pub(super) end: Ticks,
    pub(super) activity: Activity,
    pub(super) what: Drawn<'t>,
}

pub(super) enum Drawn<'t> {
    /// Exactly one span.
    One(&'t Span),
    /// A stretch of a busy lane: how many steps begin in it, the time each activity
    /// (in [`ACTIVITIES`] order) fills of it, and how opaque it is drawn.
    Many { steps: usize, time: [f64; 4], opacity: f64 },
}

/// Spans in sub-rows such that spans of one row do not overlap (an order's steps can
/// run at once), each row sorted by start.
pub(super) fn rows(spans: &[Span]) -> Vec<Vec<&Span>> {
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
pub(super) fn quarters(share: f64) -> f64 {
    ((share * 4.0).ceil() / 4.0).clamp(0.25, 1.0)
}

/// One bar per span.
pub(super) fn bars<'t>(row: &[&'t Span]) -> Vec<Bar<'t>> {
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
pub(super) fn density_bars<'t>(row: &[&'t Span], geo: &Geometry) -> Vec<Bar<'t>> {
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
pub(super) fn timeline_svg(
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
        ended: Option<OrderEnd>,
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
            ended: lane.ended,
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
            if let Some((arrival, until)) = lane.life {
                let x0 = geo.x(arrival);
                let (a, sv) = (unit.from_ticks(arrival), unit.from_ticks(until));
                let how = match lane.ended {
                    Some(OrderEnd::Served) => "served",
                    Some(OrderEnd::Left) => "left unserved",
                    Some(OrderEnd::Balked) => "walked away",
                    None => "still in the kitchen when the run stopped",
                };
                let _ = write!(
                    s,
                    r#"<rect class="life" x="{x0:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{LIFE_COLOUR}"><title>{}</title></rect>"#,
                    y + 1.0,
                    (geo.x(until) - x0).max(1.0),
                    h - 2.0,
                    esc(&format!(
                        "{}\narrived at {} {u}, {how} at {} {u}: {} {u} in the café",
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

pub(super) fn bar_title(sc: &Scenario, bar: &Bar, unit: TimeUnit) -> String {
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
