//! The timeline in the terminal: golden files of every built-in in both modes, and
//! focused tests of the scale, the glyph rule, colour and width.
//!
//! Regenerate the golden files with `UPDATE_GOLDEN=1 cargo test --test timeline`.

mod common;

use async_cafe::builtin::BUILTINS;
use async_cafe::engine::Mode;
use async_cafe::model::Scenario;
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use async_cafe::time::{TICKS_PER_SECOND, Ticks, TimeUnit};
use async_cafe::view::timeline::{self, Cell, Scale, TimelineOptions};
use async_cafe::view::trace::{Activity, Lane, LaneKind, Span, Trace};
use common::{assert_goldens, golden, load_builtin, root};

const S: Ticks = TICKS_PER_SECOND;

fn trace(sc: &Scenario, mode: Mode, order_lanes: bool) -> Trace {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed: sc.seed };
    let want = Want { trace: true, order_lanes, ..Default::default() };
    ops::run(sc, spec, want, &mut std::io::sink()).unwrap().trace.expect("asked for")
}

fn plain(width: usize) -> TimelineOptions {
    TimelineOptions::new(width, false)
}

/// `text` without ANSI escape sequences (`ESC [ ... m`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            assert_eq!(chars.next(), Some('['), "an escape is a CSI sequence");
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn assert_fits(text: &str, width: usize, what: &str) {
    for line in strip_escapes(text).lines() {
        assert!(
            line.chars().count() <= width,
            "{what}: {} > {width} columns:\n{line}\n{text}",
            line.chars().count()
        );
    }
}

/// The bar cells of the row labelled `label` (the row's text after the label column).
fn row<'t>(text: &'t str, label: &str) -> &'t str {
    let line =
        text.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no row {label}:\n{text}"));
    let bar_start = text.lines().find(|l| l.contains('┬')).unwrap().find('┬').unwrap();
    &line[bar_start..]
}

// ---- golden files --------------------------------------------------------------------

/// Compares `got` with `tests/golden/timeline/NAME`.
fn check_golden(name: &str, got: &str) -> Result<(), String> {
    golden(&root().join("tests/golden/timeline").join(name), got)
}

#[test]
fn each_builtin_in_each_mode_matches_its_golden_timeline() {
    assert_goldens(BUILTINS.iter().flat_map(|b| {
        let sc = b.load().unwrap();
        [Mode::Async, Mode::Sync].map(|mode| {
            let got = timeline::render(&trace(&sc, mode, true), &sc, &plain(80));
            check_golden(&format!("{}.{}.txt", b.name, mode.name()), &got)
        })
    }));
}

fn compare_text(sc: &Scenario, opts: &TimelineOptions) -> String {
    let (sync, async_) = (trace(sc, Mode::Sync, true), trace(sc, Mode::Async, true));
    timeline::render_compare((&sync, "Synchronous kitchen"), (&async_, "Asynchronous kitchen"), sc, opts)
}

#[test]
fn the_cafe_and_lunch_comparisons_match_their_golden_timelines() {
    assert_goldens(["cafe", "lunch"].map(|name| {
        check_golden(&format!("{name}.compare.txt"), &compare_text(&load_builtin(name), &plain(80)))
    }));
}

// ---- what the seeds' timelines must show ---------------------------------------------

#[test]
fn the_synchronous_cafe_stands_by_ten_seconds_one_coffee_after_the_other() {
    let sc = load_builtin("cafe");
    let text = timeline::render(&trace(&sc, Mode::Sync, true), &sc, &plain(80));
    // 10 s over 50 cells: 5 per second.
    assert_eq!(row(&text, "cook 1"), "░".repeat(50));
    assert_eq!(row(&text, "coffee_machine 1"), "▒".repeat(50));
    assert_eq!(row(&text, "coffee_machine 2"), "─".repeat(50));
    assert_eq!(row(&text, "#1 Latte"), "▒".repeat(25));
    // The Mocha's customer is in from the start, waiting while the Latte brews.
    assert_eq!(row(&text, "#2 Mocha"), format!("{}{}", "─".repeat(25), "▒".repeat(25)));
    assert!(
        text.contains("\n                 0    1    2    3    4    5    6    7    8    9    10 s\n"),
        "{text}"
    );
}

#[test]
fn the_asynchronous_cafe_brews_both_coffees_at_once_while_the_cook_is_idle() {
    let sc = load_builtin("cafe");
    let text = timeline::render(&trace(&sc, Mode::Async, false), &sc, &plain(80));
    let cook = row(&text, "cook 1");
    assert!(!cook.is_empty() && cook.chars().all(|c| c == '─'), "{text}");
    assert_eq!(row(&text, "coffee_machine 1"), row(&text, "coffee_machine 2"));
    assert!(row(&text, "coffee_machine 1").chars().all(|c| c == '▒'), "{text}");
    assert_eq!(row(&text, "coffee_machine 1").chars().count(), cook.chars().count());
}

#[test]
fn lunch_shows_the_cook_peeling_while_the_microwave_and_the_stove_work() {
    let sc = load_builtin("lunch");
    let text = timeline::render(&trace(&sc, Mode::Async, true), &sc, &plain(80));
    // 10 min over 60 cells: 6 per minute.
    assert_eq!(row(&text, "cook 1"), format!("{}{}", "█".repeat(12), "─".repeat(48)));
    assert_eq!(row(&text, "microwave"), format!("{}{}", "▒".repeat(18), "─".repeat(42)));
    assert_eq!(row(&text, "stove 1"), "▒".repeat(60));
    assert_eq!(row(&text, "stove 2"), "─".repeat(60));
    // The order's three steps overlap: hands-on wins its first 2 minutes.
    assert_eq!(row(&text, "#1 lunch"), format!("{}{}", "█".repeat(12), "▒".repeat(48)));
    assert!(text.contains("0     1     2     3     4     5     6     7     8     9     10 min\n"), "{text}");
}

#[test]
fn a_comparison_draws_both_runs_on_the_longer_runs_scale() {
    let sc = load_builtin("cafe");
    let text = compare_text(&sc, &plain(80));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Synchronous kitchen — 10.00 s");
    let second = lines.iter().position(|l| l.starts_with("Asynchronous kitchen — 5.00 s")).expect(&text);
    // Same scale: the same axis under both, and the asynchronous bars half as long.
    let axes: Vec<&&str> = lines.iter().filter(|l| l.contains('┬')).collect();
    assert_eq!(axes.len(), 2);
    assert_eq!(axes[0], axes[1]);
    let async_part = lines[second..].join("\n");
    assert_eq!(row(&async_part, "coffee_machine 1"), "▒".repeat(25));
    assert_eq!(row(&async_part, "cook 1"), "─".repeat(25));
    assert_eq!(text.matches("█ hands-on").count(), 1, "one legend");
}

// ---- the scale --------------------------------------------------------------------

#[test]
fn ten_seconds_over_sixty_columns_ticks_every_second_six_columns_apart() {
    let scale = Scale::new(10 * S, TimeUnit::Seconds, 60);
    assert_eq!((scale.cells, scale.step, scale.per_step), (60, S, 6));
    let labels: Vec<&str> = scale.ticks.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    assert!(scale.ticks.iter().enumerate().all(|(i, t)| t.col == 6 * i && t.t == i as u64 * S));
}

#[test]
fn the_step_is_the_smallest_round_one_that_leaves_room_for_labels() {
    let steps = |end: Ticks, unit: TimeUnit, columns: usize| {
        let s = Scale::new(end, unit, columns);
        (s.ticks.iter().map(|t| t.label.clone()).collect::<Vec<_>>(), s.cells, s.per_step)
    };
    // 10 s over 59 columns: 1 s would be 5 columns, enough for "10" (2 + 3).
    assert_eq!(steps(10 * S, TimeUnit::Seconds, 59).1, 50);
    // 5 s over 60 columns: half seconds, 6 columns apart ("4.5" needs 3 + 3)...
    let (labels, cells, per) = steps(5 * S, TimeUnit::Seconds, 60);
    assert_eq!(
        (&labels[..4], labels.len(), cells, per),
        (&["0", "0.5", "1", "1.5"].map(String::from)[..], 11, 60, 6)
    );
    // ...over 59, half seconds would be 5 columns apart: whole seconds, 11 apart.
    let (labels, cells, per) = steps(5 * S, TimeUnit::Seconds, 59);
    assert_eq!((labels.len(), cells, per), (6, 55, 11));
    // 15 minutes over 64 columns: every 2 minutes, 8 columns apart, 60 cells.
    let (labels, cells, per) = steps(900 * S, TimeUnit::Minutes, 64);
    assert_eq!((labels.last().unwrap().as_str(), cells, per), ("14", 60, 8));
    // 4.9 s: the bar stops with the cell that holds 4.9 s (12 cells a second: 58.8
    // cells, so 59), the last tick is 4.5.
    let scale = Scale::new(4_900_000_000, TimeUnit::Seconds, 60);
    assert_eq!((scale.cells, scale.per_step, scale.ticks.last().unwrap().label.as_str()), (59, 6, "4.5"));
    // Milliseconds, and large spans: 2 500 ms, 3 h.
    let labels = steps(2_500_000_000, TimeUnit::Milliseconds, 60).0;
    assert_eq!(labels[..3], ["0", "500", "1000"]);
    let labels = steps(3 * 3600 * S, TimeUnit::Hours, 60).0;
    assert_eq!(labels[..3], ["0", "0.5", "1"]);
    // Nothing to scale, or no room: a single tick.
    assert_eq!(steps(0, TimeUnit::Seconds, 60), (vec!["0".to_string()], 0, 1));
    assert_eq!(steps(10 * S, TimeUnit::Seconds, 0), (vec!["0".to_string()], 0, 1));
    // Too narrow for two labelled ticks: one step covers the run.
    let (labels, cells, _) = steps(10 * S, TimeUnit::Seconds, 3);
    assert_eq!((labels, cells), (vec!["0".to_string(), "10".to_string()], 3));
}

// ---- the glyph of a shared cell --------------------------------------------------------

fn span(start: f64, end: f64, activity: Activity) -> Span {
    let t = |x: f64| TimeUnit::Seconds.to_ticks(x);
    Span { start: t(start), end: t(end), activity, order: 1, item: 0, step: 0 }
}

fn lane(kind: LaneKind, spans: Vec<Span>) -> Lane {
    Lane { kind, label: "lane".into(), spans, life: None, ended: None }
}

/// Cells of one second each over `0..end` seconds.
fn cells(lane: &Lane, end: u64) -> Vec<Cell> {
    let scale = Scale { cells: end as usize, step: S, per_step: 1, ticks: Vec::new() };
    timeline::lane_cells(lane, timeline::lane_window(lane, end * S), &scale)
}

#[test]
fn a_shared_cell_shows_what_covers_most_of_it_ties_by_priority() {
    use Activity::*;
    use Cell::{Busy, Idle, Outside};
    let cook = |spans| lane(LaneKind::Cook(0), spans);
    // Half and half: hands-on beats standing by, standing by beats unattended...
    assert_eq!(cells(&cook(vec![span(0.0, 0.5, Unattended), span(0.5, 1.0, HandsOn)]), 1), [Busy(HandsOn)]);
    assert_eq!(cells(&cook(vec![span(0.0, 0.5, StandingBy), span(0.5, 1.0, HandsOn)]), 1), [Busy(HandsOn)]);
    assert_eq!(
        cells(&cook(vec![span(0.0, 0.5, Unattended), span(0.5, 1.0, StandingBy)]), 1),
        [Busy(StandingBy)]
    );
    assert_eq!(cells(&cook(vec![span(0.0, 0.5, Unattended), span(0.5, 1.0, Waiting)]), 1), [Busy(Waiting)]);
    // ...but more beats priority.
    assert_eq!(
        cells(&cook(vec![span(0.0, 0.3, HandsOn), span(0.3, 1.0, Unattended)]), 1),
        [Busy(Unattended)]
    );
    // Overlapping spans of one activity count once: 0.6 of unattended beats 0.4.
    let overlap = vec![span(0.0, 0.6, Unattended), span(0.0, 0.6, Unattended), span(0.6, 1.0, HandsOn)];
    assert_eq!(cells(&cook(overlap), 1), [Busy(Unattended)]);
    // Busy against idle: at least half is busy.
    assert_eq!(cells(&cook(vec![span(0.0, 0.5, HandsOn)]), 1), [Busy(HandsOn)]);
    assert_eq!(cells(&cook(vec![span(0.0, 0.4, HandsOn), span(0.5, 0.9, HandsOn)]), 1), [Busy(HandsOn)]);
    assert_eq!(cells(&cook(vec![span(0.0, 0.49, HandsOn)]), 1), [Idle]);
    // Zero-length spans are invisible.
    assert_eq!(cells(&cook(vec![span(0.5, 0.5, HandsOn)]), 1), [Idle]);
    // A run shorter than the scale: blank past its end (more than half outside).
    let run = cook(vec![span(0.0, 1.0, HandsOn)]);
    let scale = Scale { cells: 4, step: S, per_step: 1, ticks: Vec::new() };
    let window = timeline::lane_window(&run, 2_500_000_000);
    assert_eq!(timeline::lane_cells(&run, window, &scale), [Busy(HandsOn), Idle, Idle, Outside]);
    // An order lives from its first step to its last.
    let order = lane(LaneKind::Order(1), vec![span(1.0, 2.0, Waiting), span(3.0, 4.0, HandsOn)]);
    assert_eq!(cells(&order, 5), [Outside, Busy(Waiting), Idle, Busy(HandsOn), Outside]);
    assert_eq!(cells(&lane(LaneKind::Order(2), vec![]), 2), [Outside, Outside]);
}

#[test]
fn the_glyphs_alone_tell_every_cell_apart() {
    let mut glyphs: Vec<char> = timeline::PRIORITY.iter().map(|&a| timeline::glyph(a)).collect();
    glyphs.extend([Cell::Idle.glyph(), Cell::Outside.glyph()]);
    let mut unique = glyphs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), glyphs.len(), "{glyphs:?}");
}

// ---- colour, width, degenerate input -------------------------------------------------

#[test]
fn colour_off_writes_no_escape_and_colour_on_only_adds_escapes() {
    for b in BUILTINS {
        let sc = b.load().unwrap();
        for mode in [Mode::Async, Mode::Sync] {
            let t = trace(&sc, mode, true);
            let off = timeline::render(&t, &sc, &plain(80));
            assert!(!off.contains('\x1b'), "{}: {off}", b.name);
            let on = timeline::render(&t, &sc, &TimelineOptions::new(80, true));
            assert!(on.contains("\x1b["), "{}: {on}", b.name);
            assert_eq!(strip_escapes(&on), off, "{}", b.name);
        }
    }
    let sc = load_builtin("lunch");
    let on = compare_text(&sc, &TimelineOptions::new(80, true));
    // Hands-on yellow, standing by red, unattended green, idle grey, all reset.
    for escape in ["\x1b[33m█", "\x1b[31m░", "\x1b[32m▒", "\x1b[90m─", "\x1b[35m·", "\x1b[0m"] {
        assert!(on.contains(escape), "{escape:?} in {on}");
    }
    assert_eq!(strip_escapes(&on), compare_text(&sc, &plain(80)));
}

#[test]
fn every_line_fits_the_width_from_20_to_200_columns() {
    for b in BUILTINS {
        let sc = b.load().unwrap();
        let (sync, async_) = (trace(&sc, Mode::Sync, true), trace(&sc, Mode::Async, true));
        for width in 20..=200 {
            for color in [false, true] {
                let opts = TimelineOptions::new(width, color);
                let what = format!("{} at {width}", b.name);
                assert_fits(&timeline::render(&sync, &sc, &opts), width, &what);
                assert_fits(&timeline::render(&async_, &sc, &opts), width, &what);
                let both =
                    timeline::render_compare((&sync, "Synchronous"), (&async_, "Asynchronous"), &sc, &opts);
                assert_fits(&both, width, &what);
            }
        }
    }
}

#[test]
fn tiny_widths_degrade_without_panicking() {
    let sc = load_builtin("lunch");
    let t = trace(&sc, Mode::Sync, true);
    for width in 0..20 {
        let text = timeline::render(&t, &sc, &plain(width));
        assert_fits(&text, width, &format!("width {width}"));
        assert_eq!(text.lines().count(), t.lanes.len() + 3, "width {width}:\n{text}");
    }
    // An absurd width is no reason to allocate an absurd line.
    let text = timeline::render(&t, &sc, &plain(usize::MAX));
    assert!(text.lines().all(|l| l.chars().count() < 10_100), "{}", text.len());
    // At 20 columns the labels are cut, the bars and the axis still there.
    let text = timeline::render(&t, &sc, &plain(20));
    assert!(text.contains("micr…"), "{text}");
    assert!(text.contains('░') && text.contains('█') && text.contains('┬') && text.contains("min"), "{text}");
}

#[test]
fn an_empty_trace_draws_an_axis_at_zero() {
    let sc = load_builtin("cafe");
    let empty = Trace { mode: Mode::Async, lanes: Vec::new(), end: 0 };
    for width in [0, 1, 5, 20, 80] {
        let text = timeline::render(&empty, &sc, &plain(width));
        assert_fits(&text, width, "empty");
    }
    let text = timeline::render(&empty, &sc, &plain(80));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], [" ┬", " 0 s"]);
    assert!(lines[2].starts_with("█ hands-on"));
    let both = timeline::render_compare((&empty, "A"), (&empty, "B"), &sc, &plain(80));
    assert!(both.starts_with("A — 0.00 s\n ┬\n 0 s\n\nB — 0.00 s\n"), "{both}");
    // Lanes, but nothing happened.
    let idle = Trace {
        mode: Mode::Sync,
        lanes: vec![lane(LaneKind::Cook(0), vec![]), lane(LaneKind::Order(1), vec![])],
        end: 0,
    };
    assert_eq!(
        timeline::render(&idle, &sc, &TimelineOptions { legend: false, ..plain(80) }),
        "lane\nlane\n     ┬\n     0 s\n"
    );
}

#[test]
fn the_legend_can_be_left_out() {
    let sc = load_builtin("cafe");
    let t = trace(&sc, Mode::Async, false);
    let with = timeline::render(&t, &sc, &plain(80));
    let without = timeline::render(&t, &sc, &TimelineOptions { legend: false, ..plain(80) });
    assert_eq!(with.lines().count(), without.lines().count() + 1);
    assert!(with.starts_with(&without));
    assert_eq!(TimelineOptions::default(), plain(80));
}

#[test]
fn an_order_in_line_for_a_machine_shows_as_waiting() {
    let toml = r#"
summary = "Two coffees, one machine"
[kitchen]
equipment = { machine = 1 }
[recipes.coffee]
steps = [{ name = "brew", kind = "unattended", duration = 2, uses = "machine" }]
[menu]
Coffee = "coffee"
[customers]
list = [{ item = "Coffee" }, { item = "Coffee" }]
"#;
    let sc = common::load_as("queue", toml);
    let text = timeline::render(&trace(&sc, Mode::Async, true), &sc, &plain(40));
    // 4 s: the second coffee waits 2 s, then brews.
    let n = row(&text, "machine").chars().count();
    assert!(n >= 20 && n % 2 == 0, "{text}");
    assert_eq!(row(&text, "machine"), "▒".repeat(n), "{text}");
    assert_eq!(row(&text, "#1 Coffee"), "▒".repeat(n / 2), "{text}");
    assert_eq!(row(&text, "#2 Coffee"), format!("{}{}", "·".repeat(n / 2), "▒".repeat(n / 2)), "{text}");
}

/// Every unit lane of `trace` for equipment `e`, as (unit, spans).
fn unit_lanes(trace: &Trace, e: u16) -> Vec<(u32, Vec<Span>)> {
    let mut lanes: Vec<(u32, Vec<Span>)> = trace
        .lanes
        .iter()
        .filter_map(|l| match l.kind {
            LaneKind::Equipment(eq, u) if eq == e => Some((u, l.spans.clone())),
            _ => None,
        })
        .collect();
    lanes.sort_by_key(|(u, _)| *u);
    lanes
}

#[test]
fn each_step_goes_on_the_lowest_free_unit_of_any_size_of_equipment() {
    use async_cafe::event::{Event, EventKind};
    // A small machine (a lane per unit from the start) and a large one (lanes for
    // the units in use), customers in bursts, some impatient (cancelled steps give
    // their unit back), durations at random.
    let toml = r#"
[kitchen]
cooks = 2
equipment = { small = 3, large = 500 }
[recipes.coffee]
steps = [
    { name = "grind", kind = "hands-on", duration = { dist = "exponential", mean = 0.2 } },
    { name = "brew", kind = "unattended", duration = { dist = "exponential", mean = 5 }, uses = "large", after = [] },
    { name = "steam", kind = "unattended", duration = { dist = "uniform", min = 0, max = 2 }, uses = "small", after = ["grind"] },
]
[menu]
coffee = "coffee"
[customers]
patience = { dist = "exponential", mean = 20 }
[customers.generate]
count = 3000
interarrival = { dist = "exponential", mean = 0.05 }
group = { dist = "uniform_int", min = 1, max = 30 }
"#;
    let sc = common::load_as("units", toml);
    for mode in [Mode::Async, Mode::Sync] {
        // The rule, the slow way: the first unit whose last step has ended.
        let mut busy: Vec<Vec<Option<(u64, u16)>>> = vec![vec![None; 3], Vec::new()];
        let mut placed: Vec<Vec<(u64, u16, usize)>> = vec![Vec::new(), Vec::new()];
        let mut rule = |ev: &Event<'_>| match ev.kind {
            EventKind::StepStarted { order, step, .. } => {
                if let Some(e) = sc.recipe_of(order.item).steps[step as usize].uses {
                    let units = &mut busy[e as usize];
                    let u = units.iter().position(Option::is_none).unwrap_or_else(|| {
                        units.push(None);
                        units.len() - 1
                    });
                    units[u] = Some((order.id, step));
                    placed[e as usize].push((order.id, step, u));
                }
            }
            EventKind::StepFinished { order, step, .. } | EventKind::StepCancelled { order, step, .. } => {
                for units in &mut busy {
                    if let Some(u) = units.iter_mut().find(|u| **u == Some((order.id, step))) {
                        *u = None;
                    }
                }
            }
            _ => {}
        };
        async_cafe::engine::run(&sc, mode, 3, &mut async_cafe::engine::VirtualClock, &mut rule);
        let t = trace(&Scenario { seed: 3, ..sc.clone() }, mode, false);
        for e in [0u16, 1] {
            let lanes = unit_lanes(&t, e);
            let mut got: Vec<(u64, u16, usize)> = lanes
                .iter()
                .flat_map(|(u, spans)| spans.iter().map(move |s| (s.order, s.step, *u as usize)))
                .collect();
            let mut want = placed[e as usize].clone();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{mode:?}, equipment {e}");
            // The large machine has a lane for each unit ever in use at once.
            if e == 1 {
                assert_eq!(lanes.len(), busy[1].len(), "{mode:?}");
                assert!(mode == Mode::Sync || lanes.len() > 30, "{mode:?}: {} lanes", lanes.len());
            }
        }
    }
}
