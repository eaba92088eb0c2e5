//! The timeline in the terminal: a [`Trace`] drawn as one row per lane over a time
//! axis, so that "who did what, when" shows at a glance. The synchronous café:
//!
//! ```text
//! cook 1           ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
//! coffee_machine 1 ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒
//! coffee_machine 2 ──────────────────────────────────────────────────
//! #1 Latte         ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒
//! #2 Mocha                                  ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒
//!                  ┬────┬────┬────┬────┬────┬────┬────┬────┬────┬────┬
//!                  0    1    2    3    4    5    6    7    8    9    10 s
//! █ hands-on  ░ standing by  ▒ unattended  · waiting for equipment  ─ idle
//! ```
//!
//! # Layout
//!
//! A left column holds the lane labels ([`Lane::label`], cut with `…` when too long,
//! at most a third of the width); after one space comes the bar, then room for the
//! last tick's label. The bar's [`Scale`] makes every cell a round duration: ticks
//! are every 1, 2 or 5 × 10^k of the scenario's unit (the smallest such step that
//! leaves at least `max(5, widest label + 3)` columns between ticks), with a whole
//! number of columns per step (as many as fit), and as many cells as cover the run,
//! so the bar may end a few columns short of the width but every tick falls exactly
//! on a column: cell `c` covers `[c·step/per_step, (c+1)·step/per_step)`. The axis
//! row puts a `┬` on the cell that starts at each tick (the column just past the bar
//! for a tick at its end); the labels row writes each tick's value from its `┬` on,
//! and the unit after the last one: `0    1    2 ... 10 s`. Labels that would
//! overlap or overflow are left out.
//!
//! # Glyphs and colours
//!
//! | what | glyph | colour |
//! |---|---|---|
//! | hands-on (a cook working) | `█` | yellow |
//! | standing by (a synchronous cook watching a machine, or in line for it) | `░` | red |
//! | unattended (a machine or timer working) | `▒` | green |
//! | waiting for equipment (order lanes) | `·` | magenta |
//! | idle (a cook or a unit of equipment with nothing to do; an order between steps) | `─` | grey |
//! | outside the lane's life: past the run's end, an order before its first step or after its last | space | |
//!
//! The glyphs alone tell everything apart: without colour, no escape code is written.
//!
//! # Which glyph a cell shows
//!
//! A lane lives from 0 to its run's end (a cook, a unit of equipment) or from its
//! first step's start to its last step's end (an order: the trace has no arrival
//! times), see [`lane_window`]. Within a cell, a lane is *busy* for the union of its
//! spans, *idle* for the rest of its life, and *outside* otherwise. A cell more than
//! half outside is blank; otherwise it is busy if busy covers at least as much of it
//! as idle, else idle. A busy cell shows the activity whose spans cover most of it
//! (overlapping spans of one activity count once), ties going by the fixed priority
//! hands-on, standing by, waiting, unattended ([`PRIORITY`]). Times are compared
//! exactly, in integers.
//!
//! So a span shorter than half a cell may not show, and a zero-length span never
//! does; two spans of the same activity that follow each other with no gap draw as
//! one bar (the order lanes tell them apart).

use crate::model::Scenario;
use crate::time::{Ticks, TimeUnit};
use crate::view::trace::{Activity, Lane, LaneKind, Trace};

/// How to draw a timeline. The caller decides the width and whether to colour (for
/// instance from the terminal and `NO_COLOR`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Total columns of every line (characters, escape codes excluded).
    pub width: usize,
    /// Colour the glyphs with ANSI escape codes.
    pub color: bool,
    /// End with the one-line legend.
    pub legend: bool,
    /// Draw the orders' lanes a trace has ([`LaneKind::Order`]); without them, a
    /// trace kept with a lane per order for another use (an HTML report) draws as a
    /// trace without (its cooks and equipment), in as many lines.
    pub order_lanes: bool,
}

impl TimelineOptions {
    /// `width` columns, coloured or not, with a legend and every lane of the trace.
    pub fn new(width: usize, color: bool) -> Self {
        TimelineOptions { width, color, legend: true, order_lanes: true }
    }
}

impl Default for TimelineOptions {
    /// 80 columns, no colour, a legend.
    fn default() -> Self {
        TimelineOptions::new(80, false)
    }
}

/// Activities in the order that breaks ties when a cell is shared.
pub const PRIORITY: [Activity; 4] =
    [Activity::HandsOn, Activity::StandingBy, Activity::Waiting, Activity::Unattended];

/// The glyph of an activity.
pub fn glyph(activity: Activity) -> char {
    match activity {
        Activity::HandsOn => '█',
        Activity::StandingBy => '░',
        Activity::Unattended => '▒',
        Activity::Waiting => '·',
    }
}

/// The glyph of an idle cell (during the run).
pub const IDLE: char = '─';

/// What one cell of a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Doing something during the cell.
    Busy(Activity),
    /// Alive but doing nothing.
    Idle,
    /// Outside the lane's life: past the run's end, or before an order's first step
    /// and after its last.
    Outside,
}

impl Cell {
    /// The character the cell is drawn with (a space outside the lane's life).
    pub fn glyph(self) -> char {
        match self {
            Cell::Busy(a) => glyph(a),
            Cell::Idle => IDLE,
            Cell::Outside => ' ',
        }
    }
}

/// How time maps to columns: `cells` cells of `step / per_step` ticks each, so that
/// the ticks, every `step`, fall exactly every `per_step` columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Columns of the bar. The bar covers `0..cells·step/per_step`, at least the end.
    pub cells: usize,
    /// Time between two ticks, in ticks of the clock (nanoseconds).
    pub step: Ticks,
    /// Columns between two ticks.
    pub per_step: usize,
    /// The ticks within the bar (its right edge included).
    pub ticks: Vec<Tick>,
}

/// One tick of the axis: its time, its column and its label (without the unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    /// Its time, in ticks of scenario time.
    pub t: Ticks,
    /// From the bar's first column; `cells` is just past the bar.
    pub col: usize,
    /// Its value in the scale's unit, without the unit: `0`, `2.5`, `10`.
    pub label: String,
}

impl Scale {
    /// The scale of at most `columns` columns for `0..end`: the smallest step of 1, 2
    /// or 5 × 10^k `unit`s whose ticks can be at least `max(5, widest label + 3)`
    /// columns apart, then as many whole columns per step as fit, and as many cells
    /// as cover `end`. With no room for two ticks, one step covers the whole run.
    /// `end` 0 (or no columns) gives no cells and the single tick 0.
    pub fn new(end: Ticks, unit: TimeUnit, columns: usize) -> Scale {
        let zero = Scale { cells: 0, step: unit.ticks(), per_step: 1, ticks: vec![Tick::zero()] };
        if end == 0 || columns == 0 {
            return zero;
        }
        let (end, w, per_unit) = (end as u128, columns as u128, unit.ticks() as u128);
        for k in -9i32..=30 {
            for m in [1u128, 2, 5] {
                let Some(step) = step_ticks(m, k, per_unit) else { continue };
                let per_step = w * step / end;
                if per_step == 0 || (per_step < 5 && step < end) {
                    continue;
                }
                let cells = (end * per_step).div_ceil(step);
                let decimals = (-k).max(0) as usize;
                let ticks: Vec<Tick> = (0..=cells / per_step)
                    .map(|i| Tick {
                        t: (i * step) as Ticks,
                        col: (i * per_step) as usize,
                        label: decimal(i * m, k, decimals),
                    })
                    .collect();
                let widest = ticks.iter().map(|t| t.label.chars().count()).max().unwrap_or(1) as u128;
                if per_step >= (widest + 3).max(5) || step >= end {
                    return Scale {
                        cells: cells as usize,
                        step: step as Ticks,
                        per_step: per_step as usize,
                        ticks,
                    };
                }
            }
        }
        zero
    }
}

impl Tick {
    fn zero() -> Tick {
        Tick { t: 0, col: 0, label: "0".into() }
    }
}

/// `m × 10^k` units in ticks, if whole and not absurdly large.
fn step_ticks(m: u128, k: i32, per_unit: u128) -> Option<u128> {
    let pow = 10u128.checked_pow(k.unsigned_abs())?;
    let step = if k >= 0 {
        m.checked_mul(pow)?.checked_mul(per_unit)?
    } else {
        let scaled = m * per_unit;
        if scaled % pow != 0 {
            return None;
        }
        scaled / pow
    };
    (step > 0 && step <= u64::MAX as u128).then_some(step)
}

/// `n × 10^k` written with `decimals` decimals (when k < 0), trailing zeros dropped.
fn decimal(n: u128, k: i32, decimals: usize) -> String {
    if k >= 0 {
        return (n * 10u128.pow(k as u32)).to_string();
    }
    let pow = 10u128.pow(decimals as u32);
    let frac = format!("{:0decimals$}", n % pow);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { (n / pow).to_string() } else { format!("{}.{frac}", n / pow) }
}

/// When a lane exists: its `life` if it has one (an order: from its customer's arrival
/// to served), else a cook or a unit of equipment for the whole run, and an order
/// without one from its first step's start to its last step's end.
pub fn lane_window(lane: &Lane, run_end: Ticks) -> (Ticks, Ticks) {
    if let Some(life) = lane.life {
        return life;
    }
    match lane.kind {
        LaneKind::Order(_) => (
            lane.spans.iter().map(|s| s.start).min().unwrap_or(0),
            lane.spans.iter().map(|s| s.end).max().unwrap_or(0),
        ),
        _ => (0, run_end),
    }
}

/// The cells of `lane` on `scale`, for a lane that exists during `window` (see
/// [`lane_window`]; outside it cells are blank), by the rule of the module
/// documentation.
pub fn lane_cells(lane: &Lane, window: (Ticks, Ticks), scale: &Scale) -> Vec<Cell> {
    if scale.step == 0 || scale.per_step == 0 {
        return vec![Cell::Outside; scale.cells];
    }
    // Time × per_step, so that cell c is [c·step, (c+1)·step).
    let (per, step) = (scale.per_step as u128, scale.step as u128);
    let (from, to) = (window.0 as u128 * per, window.1 as u128 * per);
    // Per cell: the coverage of each activity of PRIORITY, then of all spans.
    let mut cover = vec![[0u128; 5]; scale.cells];
    let mut add = |slot: usize, spans: &mut dyn Iterator<Item = (Ticks, Ticks)>| {
        for (a, b) in union(spans, window) {
            let (a, b) = (a as u128 * per, b as u128 * per);
            let first = (a / step) as usize;
            let last = ((b - 1) / step) as usize;
            for (c, cell) in cover.iter_mut().enumerate().take(last + 1).skip(first) {
                let c = c as u128;
                cell[slot] += b.min((c + 1) * step) - a.max(c * step);
            }
        }
    };
    for (slot, activity) in PRIORITY.iter().enumerate() {
        add(slot, &mut lane.spans.iter().filter(|s| s.activity == *activity).map(|s| (s.start, s.end)));
    }
    add(4, &mut lane.spans.iter().map(|s| (s.start, s.end)));
    cover
        .iter()
        .enumerate()
        .map(|(c, cov)| {
            let (lo, hi) = (c as u128 * step, (c as u128 + 1) * step);
            let inside = hi.min(to).saturating_sub(lo.max(from));
            let busy = cov[4];
            let idle = inside - busy;
            let outside = step - inside;
            if outside > inside {
                Cell::Outside
            } else if busy > 0 && busy >= idle {
                let mut best = 0;
                for slot in 1..4 {
                    if cov[slot] > cov[best] {
                        best = slot;
                    }
                }
                Cell::Busy(PRIORITY[best])
            } else {
                Cell::Idle
            }
        })
        .collect()
}

/// The union of `spans` clipped to `window`, as sorted disjoint non-empty intervals.
fn union(spans: &mut dyn Iterator<Item = (Ticks, Ticks)>, window: (Ticks, Ticks)) -> Vec<(Ticks, Ticks)> {
    let mut v: Vec<(Ticks, Ticks)> =
        spans.map(|(a, b)| (a.max(window.0), b.min(window.1))).filter(|(a, b)| a < b).collect();
    v.sort_unstable();
    let mut out: Vec<(Ticks, Ticks)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Draws `trace` as a timeline: lanes, axis and (if asked) legend.
pub fn render(trace: &Trace, sc: &Scenario, opts: &TimelineOptions) -> String {
    render_stacked(&[(trace, None)], sc, opts)
}

/// Draws two runs of `sc` one above the other on the same scale (the longer run's
/// end), each under a title line: `title — 10.00 s` (the title, then the run's
/// length in the scenario's unit). One legend closes the whole.
pub fn render_compare(
    sync: (&Trace, &str),
    async_: (&Trace, &str),
    sc: &Scenario,
    opts: &TimelineOptions,
) -> String {
    render_stacked(&[(sync.0, Some(sync.1)), (async_.0, Some(async_.1))], sc, opts)
}

/// Draws any number of runs one above the other on the same scale (the longest
/// run's end), with the same label column so that their bars line up, each under
/// its title line if it has one (see [`render_compare`]), separated by blank lines.
pub fn render_stacked(charts: &[(&Trace, Option<&str>)], sc: &Scenario, opts: &TimelineOptions) -> String {
    let width = opts.width;
    let unit = sc.unit;
    let scale_end = charts.iter().map(|(t, _)| t.end).max().unwrap_or(0);
    let drawn = |lane: &&Lane| opts.order_lanes || !matches!(lane.kind, LaneKind::Order(_));
    let label_w = charts
        .iter()
        .flat_map(|(t, _)| t.lanes.iter().filter(drawn))
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(0);
    let (label_w, scale) = layout(label_w, scale_end, unit, width);
    let bar_start = label_w + 1;

    let mut lines: Vec<Line> = Vec::new();
    for (i, (trace, title)) in charts.iter().enumerate() {
        if i > 0 {
            lines.push(Line::new());
        }
        if let Some(title) = title {
            let mut line = Line::new();
            line.text(&format!("{title} — {:.2} {}", unit.from_ticks(trace.end), unit.name()), Style::Plain);
            lines.push(line);
        }
        for lane in trace.lanes.iter().filter(drawn) {
            let mut line = Line::new();
            line.text(&fit_label(&lane.label, label_w), Style::Plain);
            line.pad_to(bar_start);
            for cell in lane_cells(lane, lane_window(lane, trace.end), &scale) {
                let style = match cell {
                    Cell::Busy(a) => Style::Busy(a),
                    Cell::Idle => Style::Idle,
                    Cell::Outside => Style::Plain,
                };
                line.push(cell.glyph(), style);
            }
            lines.push(line);
        }
        lines.extend(axis_lines(&scale, bar_start, unit, width));
    }
    if opts.legend {
        lines.push(legend(width));
    }
    let mut out = String::new();
    for line in lines {
        line.write(width, opts.color, &mut out);
        out.push('\n');
    }
    out
}

/// The most columns a bar takes, however wide the terminal says it is.
const MAX_BAR: usize = 10_000;

/// The label column's width and the scale for `width` columns in all.
fn layout(label_w: usize, scale_end: Ticks, unit: TimeUnit, width: usize) -> (usize, Scale) {
    // Room past the bar for the last tick's label and the unit.
    let margin = |label: usize| label + 1 + unit.name().len();
    let whole_units = (scale_end / unit.ticks()).to_string().len();
    let fit = |margin: usize| {
        // Keep at least this many columns for the bar, shortening labels if need be.
        const MIN_BAR: usize = 8;
        let label_w =
            label_w.min(width / 3).min(width.saturating_sub(1 + margin + MIN_BAR)).max(label_w.min(3));
        let columns = width.saturating_sub(label_w + 1 + margin).clamp(1, MAX_BAR);
        (label_w, Scale::new(scale_end, unit, columns))
    };
    let (label_w, scale) = fit(margin(whole_units));
    let last = scale.ticks.last().map_or(1, |t| t.label.chars().count());
    if last > whole_units { fit(margin(last)) } else { (label_w, scale) }
}

/// `label` in exactly `w` columns: padded, or cut with `…`.
fn fit_label(label: &str, w: usize) -> String {
    let n = label.chars().count();
    if n <= w {
        format!("{label:w$}")
    } else if w == 0 {
        String::new()
    } else {
        label.chars().take(w - 1).chain(['…']).collect()
    }
}

/// The axis row (ticks) and the labels row.
fn axis_lines(scale: &Scale, bar_start: usize, unit: TimeUnit, width: usize) -> [Line; 2] {
    let mut rule = Line::new();
    rule.pad_to(bar_start);
    let mut cols: Vec<usize> = scale.ticks.iter().map(|t| t.col).collect();
    cols.sort_unstable();
    for pos in 0..=scale.cells {
        rule.push(if cols.binary_search(&pos).is_ok() { '┬' } else { '─' }, Style::Plain);
    }
    // Labels from their tick's column on, never overlapping, within the width; the
    // unit after the last one.
    let unit_len = 1 + unit.name().len();
    let mut placed: Vec<(usize, &str)> = Vec::new();
    let mut free = bar_start;
    for tick in &scale.ticks {
        let col = bar_start + tick.col;
        let len = tick.label.chars().count();
        if col >= free && col + len <= width {
            placed.push((col, &tick.label));
            free = col + len + 1;
        }
    }
    while let Some(&(col, label)) = placed.last() {
        if col + label.chars().count() + unit_len <= width {
            break;
        }
        placed.pop();
    }
    let mut labels = Line::new();
    for (col, label) in &placed {
        labels.pad_to(*col);
        labels.text(label, Style::Plain);
    }
    if placed.is_empty() {
        labels.pad_to(bar_start);
        labels.text(unit.name(), Style::Plain);
    } else {
        labels.text(&format!(" {}", unit.name()), Style::Plain);
    }
    [rule, labels]
}

/// The legend, as many entries as fit: long names, else short ones.
fn legend(width: usize) -> Line {
    let entries = |long: bool| -> Vec<(char, Style, &'static str)> {
        let mut v: Vec<(char, Style, &'static str)> =
            [Activity::HandsOn, Activity::StandingBy, Activity::Unattended, Activity::Waiting]
                .into_iter()
                .map(|a| {
                    let name =
                        if long && a == Activity::Waiting { "waiting for equipment" } else { a.name() };
                    (glyph(a), Style::Busy(a), name)
                })
                .collect();
        v.push((IDLE, Style::Idle, "idle"));
        v
    };
    let len = |v: &[(char, Style, &str)]| {
        v.iter().map(|(_, _, n)| n.chars().count() + 2).sum::<usize>() + 2 * (v.len().saturating_sub(1))
    };
    let mut chosen = entries(true);
    if len(&chosen) > width {
        chosen = entries(false);
        while !chosen.is_empty() && len(&chosen) > width {
            chosen.pop();
        }
    }
    let mut line = Line::new();
    for (i, (g, style, name)) in chosen.into_iter().enumerate() {
        if i > 0 {
            line.text("  ", Style::Plain);
        }
        line.push(g, style);
        line.text(&format!(" {name}"), Style::Plain);
    }
    line
}

/// How a character is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Busy(Activity),
    Idle,
}

impl Style {
    /// The ANSI escape that starts this style (none for plain text).
    fn escape(self) -> Option<&'static str> {
        match self {
            Style::Plain => None,
            Style::Busy(Activity::HandsOn) => Some("\x1b[33m"),
            Style::Busy(Activity::StandingBy) => Some("\x1b[31m"),
            Style::Busy(Activity::Unattended) => Some("\x1b[32m"),
            Style::Busy(Activity::Waiting) => Some("\x1b[35m"),
            Style::Idle => Some("\x1b[90m"),
        }
    }
}

const RESET: &str = "\x1b[0m";

/// A line as styled characters, one per column.
struct Line(Vec<(char, Style)>);

impl Line {
    fn new() -> Self {
        Line(Vec::new())
    }

    fn push(&mut self, c: char, style: Style) {
        self.0.push((c, style));
    }

    fn text(&mut self, s: &str, style: Style) {
        self.0.extend(s.chars().map(|c| (c, style)));
    }

    fn pad_to(&mut self, col: usize) {
        while self.0.len() < col {
            self.0.push((' ', Style::Plain));
        }
    }

    /// Appends the line cut to `width` columns, without trailing blanks, coloured if
    /// asked (one escape per run of a style, reset after it).
    fn write(mut self, width: usize, color: bool, out: &mut String) {
        self.0.truncate(width);
        while self.0.last().is_some_and(|&(c, s)| c == ' ' && s == Style::Plain) {
            self.0.pop();
        }
        let mut current = Style::Plain;
        for (c, style) in self.0 {
            if color && style != current {
                if current.escape().is_some() {
                    out.push_str(RESET);
                }
                if let Some(e) = style.escape() {
                    out.push_str(e);
                }
                current = style;
            }
            out.push(c);
        }
        if color && current.escape().is_some() {
            out.push_str(RESET);
        }
    }
}
