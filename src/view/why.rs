//! Why the totals of a comparison of the two kitchens differ, in a sentence each and
//! in the scenario's words: what the synchronous cook stood by for, and what the
//! asynchronous cook's work overlapped. Computed from the two sides' statistics and
//! the steps they ran ([`Side::steps`]); nothing is run here.

use crate::model::{Mode, Scenario};
use crate::time::Ticks;
use crate::view::compare::{Compared, Comparison, Side};
use crate::view::trace::{Activity, LaneKind, Span};
use crate::view::waits::Waited;

/// The reasons the two kitchens' totals differ, one sentence each (each ends with a
/// full stop); empty for a comparison of policies, which [`Comparison::render`]'s
/// speedups already put side by side.
pub fn why(cmp: &Comparison, sc: &Scenario) -> Vec<String> {
    if cmp.compared != Compared::Modes {
        return Vec::new();
    }
    let side = |mode| cmp.sides.iter().find(|s| s.mode == mode);
    let (Some(sync), Some(asy)) = (side(Mode::Sync), side(Mode::Async)) else { return Vec::new() };
    let mut out = vec![standing_by(sync, sc), overlapped(asy, sc)];
    let (s, a) = (sync.outcome.end, asy.outcome.end);
    let amount = |t: Ticks| amount(sc, t);
    out.push(if a < s {
        format!(
            "So the asynchronous kitchen finished in {} instead of {}: {} sooner.",
            amount(a),
            amount(s),
            amount(s - a)
        )
    } else if a == s {
        format!("So both kitchens finished in {}: there was nothing to overlap that would save time.", amount(a))
    } else {
        format!(
            "So the asynchronous kitchen finished in {} instead of {}: {} later, its order of work worse for this day.",
            amount(a),
            amount(s),
            amount(a - s)
        )
    });
    out
}

/// Why a single run's orders took longer than their recipes: the orders that waited
/// longest (`longest`, longest first) and what for, a sentence each; one sentence
/// when no served order waited at all.
pub fn waited_longest(sc: &Scenario, longest: &[Waited]) -> Vec<String> {
    if longest.is_empty() {
        return vec!["No served order waited: each took the work of its steps alone.".into()];
    }
    longest
        .iter()
        .map(|w| {
            let parts: Vec<String> = w
                .waits
                .named()
                .into_iter()
                .map(|(what, t)| {
                    let what = match what {
                        "door" => "for the door (let in late)",
                        "cook" => "for a cook",
                        "equipment" => "in line for equipment",
                        _ => "for the loop (a finish noticed late, the loop held)",
                    };
                    format!("{} {what}", amount(sc, t))
                })
                .collect();
            format!(
                "Order {} waited {} ({} above its longest chain of steps): {}.",
                w.id,
                amount(sc, w.waits.total()),
                amount(sc, w.above_chain),
                and_list(&parts)
            )
        })
        .collect()
}

/// `2 min`, `8.7 min`, `0.25 s`: an amount of time in the scenario's unit, with at most
/// two decimals and no trailing zeros.
fn amount(sc: &Scenario, t: Ticks) -> String {
    let x = sc.unit.from_ticks(t);
    let mut s = format!("{x:.2}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{s} {}", sc.unit.name())
}

/// A step's name, as the sentences say it: `the pasta`.
fn step_name(sc: &Scenario, s: &Span) -> String {
    format!("the {}", sc.recipe_of(s.item).steps[s.step as usize].name)
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Names in order of first appearance, each once: `the brew`, or `the brew of 3
/// orders` when it comes up for several.
fn distinct(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut counted: Vec<(String, usize)> = Vec::new();
    for n in names {
        match counted.iter_mut().find(|(m, _)| *m == n) {
            Some((_, k)) => *k += 1,
            None => counted.push((n, 1)),
        }
    }
    counted.into_iter().map(|(n, k)| if k == 1 { n } else { format!("{n} of {k} orders") }).collect()
}

/// What the synchronous cooks stood by for, and for how long of the run.
fn standing_by(sync: &Side, sc: &Scenario) -> String {
    let cooks = sc.kitchen.cooks as u64;
    let total = sync.outcome.end;
    // Standing by, by step name, from the cooks' lanes.
    let mut by_step: Vec<(String, Ticks)> = Vec::new();
    let mut stood: Ticks = 0;
    for lane in sync.trace.lanes.iter().filter(|l| matches!(l.kind, LaneKind::Cook(_))) {
        for s in lane.spans.iter().filter(|s| s.activity == Activity::StandingBy) {
            let d = s.end.min(total).saturating_sub(s.start);
            stood += d;
            let name = step_name(sc, s);
            match by_step.iter_mut().find(|(n, _)| *n == name) {
                Some((_, t)) => *t += d,
                None => by_step.push((name, d)),
            }
        }
    }
    let who = if cooks == 1 {
        "the synchronous cook".to_string()
    } else {
        format!("the {cooks} synchronous cooks")
    };
    let of = if cooks == 1 {
        amount(sc, total)
    } else {
        format!("{} of cook time", amount(sc, total.saturating_mul(cooks)))
    };
    if stood == 0 {
        return format!("{} never stood by: every step needed the cook's hands.", capitalize(&who));
    }
    // The steps that make up most of it: the biggest, until more than half is told.
    by_step.sort_by_key(|s| std::cmp::Reverse(s.1));
    let mut told = 0;
    let mut names = Vec::new();
    for (name, t) in &by_step {
        names.push(name.clone());
        told += t;
        if told * 2 > stood || names.len() == 3 {
            break;
        }
    }
    let mostly = if names.len() == by_step.len() && names.len() == 1 { "all of it" } else { "mostly" };
    format!(
        "{} stood by {} of {of}, {mostly} watching {}: time {} could have spent on other work.",
        capitalize(&who),
        amount(sc, stood),
        and_list(&names),
        if cooks == 1 { "it" } else { "they" }
    )
}

/// What ran at the same time in the asynchronous kitchen: the hands-on step that
/// overlapped most unattended work, or the most unattended steps under way at once.
fn overlapped(asy: &Side, sc: &Scenario) -> String {
    let steps = &asy.steps;
    let overlap = |a: &Span, b: &Span| a.end.min(b.end).saturating_sub(a.start.max(b.start));
    // The hands-on step (first of the most) with the most unattended work beside it.
    let best = steps
        .iter()
        .filter(|s| s.activity == Activity::HandsOn)
        .map(|h| {
            let beside: Ticks =
                steps.iter().filter(|u| u.activity == Activity::Unattended).map(|u| overlap(h, u)).sum();
            (beside, h)
        })
        .fold(None::<(Ticks, &Span)>, |best, (t, h)| match best {
            Some((bt, _)) if bt >= t => best,
            _ => Some((t, h)),
        });
    if let Some((_, h)) = best.filter(|(t, _)| *t > 0) {
        let beside = distinct(
            steps
                .iter()
                .filter(|u| u.activity == Activity::Unattended && overlap(h, u) > 0)
                .map(|u| step_name(sc, u)),
        );
        return format!(
            "Asynchronously, {} (hands-on, {}) overlapped {}: {} worked while they cooked.",
            step_name(sc, h),
            amount(sc, h.end - h.start),
            and_list(&beside),
            if sc.kitchen.cooks == 1 { "the cook" } else { "a cook" }
        );
    }
    // No hands-on step overlapped anything: how much unattended work ran at once.
    let mut most: (usize, Option<Ticks>) = (0, None);
    for s in steps.iter().filter(|s| s.activity == Activity::Unattended && s.end > s.start) {
        let at_once = steps
            .iter()
            .filter(|u| u.activity == Activity::Unattended && u.start <= s.start && s.start < u.end)
            .count();
        if at_once > most.0 {
            most = (at_once, Some(s.start));
        }
    }
    match most {
        (n, Some(at)) if n >= 2 => {
            let names = distinct(
                steps
                    .iter()
                    .filter(|u| u.activity == Activity::Unattended && u.start <= at && at < u.end)
                    .map(|u| step_name(sc, u)),
            );
            format!(
                "Asynchronously, {n} unattended steps ran at once ({}): the loop waits for all their timers together.",
                and_list(&names)
            )
        }
        _ => "Asynchronously, nothing overlapped: each step needed the cook or waited for the one before it."
            .to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
