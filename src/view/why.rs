//! Why the totals of a comparison of the two kitchens differ, in a sentence each and
//! in the scenario's words: what the synchronous cook stood by for, and what the
//! asynchronous cook's work overlapped. Computed from the two sides' statistics and
//! the steps they ran ([`Side::steps`]); nothing is run here.

use crate::model::{Mode, Scenario};
use crate::time::Ticks;
use crate::view::compare::{Compared, Comparison, Side};
use crate::view::trace::{Activity, LaneKind, Span};
use crate::view::waits::{Waited, Waits};

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
    // The difference of the two ends as printed.
    let (sh, ah) = (hundredths(sc, s), hundredths(sc, a));
    let apart = |x: u64, y: u64| in_hundredths(sc, x.saturating_sub(y));
    out.push(if a < s {
        format!(
            "So the asynchronous kitchen finished in {} instead of {}: {} sooner.",
            amount(a),
            amount(s),
            apart(sh, ah)
        )
    } else if a == s {
        format!("So both kitchens finished in {}: there was nothing to overlap that would save time.", amount(a))
    } else {
        format!(
            "So the asynchronous kitchen finished in {} instead of {}: {} later, its order of work worse for this day.",
            amount(a),
            amount(s),
            apart(ah, sh)
        )
    });
    out
}

/// What [`took_longest`] says when no served order took longer than its recipe.
const NONE_LONGER: &str =
    "No served order took longer than its recipe: each was served in the time of its longest chain of steps.";

/// Why a single run's orders took longer than their recipes: the orders that took
/// longest above their longest chain of steps (`longest`, longest first, as
/// [`Longest`](crate::view::waits::Longest) ranks them) and what they waited for, a
/// sentence each; one sentence when no served order took longer than its longest
/// chain.
///
/// A sentence says how long the order took, how much more than its longest chain
/// that was, and what it waited for. Those waits add up to exactly the time above
/// the chain when the longest chain decided when the order was served; when a
/// shorter chain did, they add up to more, and the sentence says whose they are:
///
/// ```text
/// Order 1 took 15 min, 5 min more than its longest chain of steps (10 min); along the steps that decided when it was served, it waited 13 min for a cook.
/// ```
pub fn took_longest(sc: &Scenario, longest: &[Waited]) -> Vec<String> {
    if longest.is_empty() {
        return vec![NONE_LONGER.into()];
    }
    longest
        .iter()
        .map(|w| {
            // Printed as `took`, `above` more than `chain`: `above` is the difference
            // of the two as printed, and when the waits are the time above the
            // chain, they add up to it as printed too.
            let took = hundredths(sc, w.chain + w.above_chain);
            let chain = hundredths(sc, w.chain);
            let above = took.saturating_sub(chain);
            let named = w.waits.named();
            let ticks: Vec<Ticks> = named.iter().map(|(_, t)| *t).collect();
            let total =
                if w.waits.total() == w.above_chain { above } else { hundredths(sc, w.waits.total()) };
            let parts: Vec<String> = named
                .iter()
                .zip(apportion(sc, &ticks, total))
                .map(|(&(what, _), h)| {
                    let what = match what {
                        "door" => "for the door (let in late)".to_string(),
                        "cook" => "for a cook".to_string(),
                        "equipment" => "in line for equipment".to_string(),
                        _ => format!("for the loop ({})", held_loop(sc, &w.waits, h)),
                    };
                    format!("{} {what}", in_hundredths(sc, h))
                })
                .collect();
            let took = format!(
                "Order {} took {}, {} more than its longest chain of steps ({})",
                w.id,
                in_hundredths(sc, took),
                in_hundredths(sc, above),
                in_hundredths(sc, chain)
            );
            if w.waits.total() == w.above_chain {
                format!("{took}: it waited {}.", and_list(&parts))
            } else {
                format!(
                    "{took}; along the steps that decided when it was served, it waited {}.",
                    and_list(&parts)
                )
            }
        })
        .collect()
}

/// What an order's wait for the loop was: an unattended step that started late, a
/// finish noticed late, or both, with how much of each (adding up to `printed`, the
/// wait for the loop as the sentence prints it, in hundredths).
fn held_loop(sc: &Scenario, w: &Waits, printed: u64) -> String {
    let start = w.loop_start;
    let finish = w.event_loop - start;
    match (start, finish) {
        (_, 0) => "an unattended step started late while hands-on work held it".to_string(),
        (0, _) => "a finish was noticed late while hands-on work held it".to_string(),
        _ => {
            let [start, finish] = apportion(sc, &[start, finish], printed)[..] else {
                unreachable!("two parts")
            };
            format!(
                "an unattended step started {} late and a finish was noticed {} late, while hands-on work held it",
                in_hundredths(sc, start),
                in_hundredths(sc, finish)
            )
        }
    }
}

/// `2 min`, `8.7 min`, `0.25 s`: an amount of time in the scenario's unit, rounded to
/// the nearest hundredth (half up), with no trailing zeros.
fn amount(sc: &Scenario, t: Ticks) -> String {
    in_hundredths(sc, hundredths(sc, t))
}

/// The ticks of a hundredth of the scenario's unit (every unit is a whole number
/// of them).
fn hundredth(sc: &Scenario) -> Ticks {
    sc.unit.ticks() / 100
}

/// `t` in hundredths of the scenario's unit, rounded to the nearest, half up: what
/// [`amount`] prints.
fn hundredths(sc: &Scenario, t: Ticks) -> u64 {
    let q = hundredth(sc);
    t / q + u64::from(t % q >= q - q / 2)
}

/// An amount given in hundredths of the scenario's unit.
fn in_hundredths(sc: &Scenario, h: u64) -> String {
    let (whole, frac) = (h / 100, h % 100);
    let n = match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    };
    format!("{n} {}", sc.unit.name())
}

/// `parts` in hundredths of the scenario's unit, each rounded up or down so that
/// they add up to `total` hundredths (largest remainders first, at a tie the
/// earlier part): the amounts a sentence says are the parts of an amount it also
/// says add up to it as printed. Each stays within a hundredth of its own value
/// when `total` is within a hundredth of the parts' sum.
fn apportion(sc: &Scenario, parts: &[Ticks], total: u64) -> Vec<u64> {
    let q = hundredth(sc);
    let mut out: Vec<u64> = parts.iter().map(|t| t / q).collect();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    // Largest remainder first; a stable sort keeps the earlier part first at a tie.
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(parts[i] % q));
    let floors: u64 = out.iter().sum();
    if total >= floors {
        for &i in by_remainder.iter().cycle().take((total - floors) as usize) {
            out[i] += 1;
        }
    } else {
        // Fewer than the floors (a rounded difference): take from the smallest
        // remainders, of parts that have something to give.
        let mut short = floors - total;
        for &i in by_remainder.iter().rev().cycle().take(parts.len() * short as usize) {
            if short == 0 {
                break;
            }
            if out[i] > 0 {
                out[i] -= 1;
                short -= 1;
            }
        }
    }
    out
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
/// (In O(n log n) of the steps: a comparison of a day of a million customers says
/// it too.)
fn overlapped(asy: &Side, sc: &Scenario) -> String {
    let steps = &asy.steps;
    let overlap = |a: &Span, b: &Span| a.end.min(b.end).saturating_sub(a.start.max(b.start));
    let unattended = Running::new(steps.iter().filter(|u| u.activity == Activity::Unattended));
    // The hands-on step (first of the most) with the most unattended work beside it.
    let best = steps
        .iter()
        .filter(|s| s.activity == Activity::HandsOn)
        .map(|h| (unattended.work_between(h.start, h.end), h))
        .fold(None::<(u128, &Span)>, |best, (t, h)| match best {
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
        let at_once = unattended.under_way_at(s.start);
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

/// Spans under way over time: how many at an instant, and how much of their time
/// falls between two instants, each in O(log n).
struct Running {
    starts: Vec<Ticks>,
    ends: Vec<Ticks>,
    /// The instants where the number under way changes, in order, each with that
    /// number from it on and the span-time under way before it.
    steps: Vec<(Ticks, usize, u128)>,
}

impl Running {
    fn new<'a>(spans: impl Iterator<Item = &'a Span>) -> Self {
        let (mut starts, mut ends): (Vec<Ticks>, Vec<Ticks>) =
            spans.map(|s| (s.start, s.end.max(s.start))).unzip();
        starts.sort_unstable();
        ends.sort_unstable();
        let mut steps: Vec<(Ticks, usize, u128)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        let (mut n, mut area, mut last) = (0usize, 0u128, 0);
        while i < starts.len() || j < ends.len() {
            let t = match (starts.get(i), ends.get(j)) {
                (Some(&s), Some(&e)) => s.min(e),
                (Some(&s), None) => s,
                (None, Some(&e)) => e,
                (None, None) => unreachable!("the loop's condition"),
            };
            area += n as u128 * (t - last) as u128;
            last = t;
            // Starts first: a span of no length begins and ends here.
            while starts.get(i) == Some(&t) {
                n += 1;
                i += 1;
            }
            while ends.get(j) == Some(&t) {
                n -= 1;
                j += 1;
            }
            steps.push((t, n, area));
        }
        Running { starts, ends, steps }
    }

    /// The spans under way at `t`: begun at or before it, ending after it.
    fn under_way_at(&self, t: Ticks) -> usize {
        self.starts.partition_point(|&s| s <= t) - self.ends.partition_point(|&e| e <= t)
    }

    /// The span-time under way before `t`: the sum over the spans of their time
    /// before it.
    fn work_before(&self, t: Ticks) -> u128 {
        match self.steps.partition_point(|&(at, ..)| at <= t) {
            0 => 0,
            k => {
                let (at, n, area) = self.steps[k - 1];
                area + n as u128 * (t - at) as u128
            }
        }
    }

    /// The sum over the spans of their overlap with `[from, to)`.
    fn work_between(&self, from: Ticks, to: Ticks) -> u128 {
        if to <= from { 0 } else { self.work_before(to) - self.work_before(from) }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The lunch built-in (minutes): its unit's hundredth is 0.6e9 ticks.
    fn minutes() -> Scenario {
        crate::builtin::find("lunch").expect("built-in").load().expect("loads")
    }

    /// Minutes as ticks: `m` thousandths of a minute.
    fn milli_min(m: u64) -> Ticks {
        m * 60_000_000
    }

    /// The amounts a sentence prints after the order's number, in hundredths
    /// (`15.01 min` is 1501).
    fn printed(sentence: &str) -> Vec<u64> {
        let (_, amounts) = sentence.split_once(" took ").expect("a sentence of an order");
        amounts
            .split(' ')
            .map(|w| w.trim_start_matches('('))
            .filter_map(|w| w.parse::<f64>().ok())
            .map(|x| (x * 100.0).round() as u64)
            .collect()
    }

    /// Rounded on their own, 10.004 + 5.004 min printed as 10 + 5 = 15.01, and
    /// waits of 2.504 and 2.5 min as 2.5 + 2.5 = 5.01: the printed parts add up
    /// to the printed whole.
    #[test]
    fn a_sentence_s_amounts_add_up_as_printed() {
        let sc = minutes();
        let w = Waited {
            id: 7,
            chain: milli_min(10_004),
            above_chain: milli_min(5_004),
            waits: Waits { cook: milli_min(2_504), door: milli_min(2_500), ..Waits::default() },
        };
        let sentence = &took_longest(&sc, &[w])[0];
        assert_eq!(
            sentence,
            "Order 7 took 15.01 min, 5.01 min more than its longest chain of steps (10 min): it waited 2.51 min for a cook and 2.5 min for the door (let in late).",
        );
    }

    proptest! {
        /// Whatever the amounts: the time above the chain is the difference of the
        /// two printed, the waits (when they are that time) add up to it, and the
        /// loop's two parts to the loop's wait; each printed amount is within a
        /// hundredth of its value.
        #[test]
        fn printed_amounts_add_up(
            chain in 0u64..20_000_000_000,
            waits in prop::collection::vec(0u64..3_000_000_000, 4),
            start_share in 0u64..=100,
        ) {
            let sc = minutes();
            let loop_start = waits[3] * start_share / 100;
            let waits = Waits { door: waits[0], cook: waits[1], equipment: waits[2], event_loop: waits[3], loop_start };
            let w = Waited { id: 1, chain, above_chain: waits.total(), waits };
            let n = printed(&took_longest(&sc, &[w])[0]);
            let nonzero = waits.named().len();
            prop_assert_eq!(n[0], n[1] + n[2], "took = above + chain: {:?}", n);
            let parts = &n[3..];
            let both_loop_parts = waits.event_loop > 0 && loop_start > 0 && loop_start < waits.event_loop;
            prop_assert_eq!(parts.len(), nonzero + if both_loop_parts { 2 } else { 0 });
            // The loop's parts follow its wait in the sentence when it is named.
            let mut sum = 0;
            let mut i = 0;
            for (what, t) in waits.named() {
                let h = parts[i];
                prop_assert!(h.abs_diff(hundredths(&sc, t)) <= 1, "{} printed {} for {}", what, h, t);
                sum += h;
                i += 1;
                if what == "loop" && both_loop_parts {
                    prop_assert_eq!(parts[i] + parts[i + 1], h);
                    i += 2;
                }
            }
            prop_assert_eq!(sum, n[1], "the waits add up to the time above the chain");
        }
    }

    fn span(start: Ticks, len: Ticks) -> Span {
        Span { start, end: start + len, activity: Activity::Unattended, order: 1, item: 0, step: 0 }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource(
                "proptest-regressions",
            ))),
            ..ProptestConfig::with_cases(200)
        })]

        /// `Running` counts what the pairwise sums over the spans count.
        #[test]
        fn running_spans_agree_with_pairwise_sums(
            spans in prop::collection::vec((0u64..50, 0u64..20), 0..40),
            windows in prop::collection::vec((0u64..80, 0u64..30), 1..10),
        ) {
            let spans: Vec<Span> = spans.into_iter().map(|(s, l)| span(s, l)).collect();
            let running = Running::new(spans.iter());
            for (from, len) in windows {
                let to = from + len;
                let pairwise: u128 =
                    spans.iter().map(|u| u128::from(u.end.min(to).saturating_sub(u.start.max(from)))).sum();
                prop_assert_eq!(running.work_between(from, to), pairwise);
                let at_once = spans.iter().filter(|u| u.start <= from && from < u.end).count();
                prop_assert_eq!(running.under_way_at(from), at_once);
            }
        }
    }
}
