//! The header's summary of a comparison of dispatch policies: a row per policy, the
//! best value of each column marked, and which policy is fastest, as the text of
//! `cafe compare --policy` says it ("longest-chain: 1.17x as fast as fifo").

use serde::Serialize;

use super::{ReportRun, fmt_fixed};
use crate::model::Policy;
use crate::time::TimeUnit;
use crate::view::stats::Summary;

/// The summary of a comparison of policies.
#[derive(Serialize)]
pub(super) struct PolicySummary {
    /// The columns' headings, after the policy's.
    headers: Vec<String>,
    rows: Vec<PolicyRow>,
    /// Which policy serves the most customers (when some were lost), and which is
    /// fastest.
    verdict: String,
}

/// One policy's row.
#[derive(Serialize)]
struct PolicyRow {
    name: &'static str,
    cells: Vec<Cell>,
}

/// A value, and whether it is the best of its column (when the column's values
/// differ as shown).
#[derive(Serialize)]
struct Cell {
    text: String,
    best: bool,
}

/// Which way a column is better.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

/// A column's cells from its values (`None`: no value, a dash), the best marked.
fn column(values: &[Option<f64>], text: impl Fn(f64) -> String, better: Better) -> Vec<Cell> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let best = match better {
        Better::Lower => known.iter().copied().fold(f64::INFINITY, f64::min),
        Better::Higher => known.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    // As shown: values that print alike are alike (1.00× and 1.00×).
    let best = text(best);
    let texts: Vec<Option<String>> = values.iter().map(|v| v.map(&text)).collect();
    let differ = texts.iter().flatten().any(|t| *t != best);
    texts
        .into_iter()
        .map(|t| match t {
            Some(t) => Cell { best: differ && t == best, text: t },
            None => Cell { text: "–".into(), best: false },
        })
        .collect()
}

/// The summary of `runs` if they compare policies (each names one, and there are
/// several).
pub(super) fn policy_summary(runs: &[ReportRun], unit: TimeUnit) -> Option<PolicySummary> {
    let policies: Vec<Policy> = runs.iter().map(|r| r.policy).collect::<Option<_>>()?;
    if policies.len() < 2 {
        return None;
    }
    let u = unit.name();
    let first = policies[0].name();
    let ends: Vec<u64> = runs.iter().map(|r| r.trace.end).collect();
    let any_left = runs.iter().any(|r| r.stats.left + r.stats.balked > 0);
    let time = |s: f64| fmt_fixed(s);
    let count = |n: f64| format!("{n}");
    let of = |f: &dyn Fn(&ReportRun) -> f64| runs.iter().map(|r| Some(f(r))).collect::<Vec<_>>();
    // Times in system of served orders: none when nobody was served.
    let in_system = |f: fn(&Summary) -> f64| {
        let s = |r: &ReportRun| (r.stats.time_in_system.count > 0).then(|| f(&r.stats.time_in_system));
        runs.iter().map(|r| s(r).map(|x| x / unit.seconds())).collect::<Vec<_>>()
    };
    let mut columns: Vec<(String, Vec<Cell>)> = vec![
        (format!("total time ({u})"), column(&of(&|r| unit.from_ticks(r.trace.end)), time, Better::Lower)),
        ("orders served".into(), column(&of(&|r| r.stats.served as f64), count, Better::Higher)),
    ];
    if any_left {
        columns.push(("left".into(), column(&of(&|r| r.stats.left as f64), count, Better::Lower)));
        columns.push(("did not join".into(), column(&of(&|r| r.stats.balked as f64), count, Better::Lower)));
    }
    columns
        .push((format!("mean time in system ({u})"), column(&in_system(|s| s.mean_s), time, Better::Lower)));
    columns.push((format!("p95 time in system ({u})"), column(&in_system(|s| s.p95_s), time, Better::Lower)));
    let speeds: Vec<Option<f64>> = ends.iter().map(|&e| Some(ends[0] as f64 / e.max(1) as f64)).collect();
    columns.push((format!("speed against {first}"), column(&speeds, |x| format!("{x:.2}×"), Better::Higher)));

    let (headers, mut cells): (Vec<String>, Vec<std::vec::IntoIter<Cell>>) =
        columns.into_iter().map(|(h, c)| (h, c.into_iter())).unzip();
    let rows: Vec<PolicyRow> = policies
        .iter()
        .map(|p| PolicyRow { name: p.name(), cells: cells.iter_mut().filter_map(Iterator::next).collect() })
        .collect();

    let (shortest, longest) =
        (*ends.iter().min().expect("several runs"), *ends.iter().max().expect("several"));
    let named = |keep: &dyn Fn(usize) -> bool| -> Vec<&'static str> {
        policies.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, p)| p.name()).collect()
    };
    let fastest = named(&|i| ends[i] == shortest);
    let took = |end| format!("{} {u}", fmt_fixed(unit.from_ticks(end)));
    let speed = if fastest.len() == policies.len() {
        format!("Every policy takes {}.", took(shortest))
    } else if (longest as f64 / shortest.max(1) as f64) < 1.005 {
        // "1.00× as fast" would say nothing.
        format!(
            "Every policy takes about as long: {} to {}.",
            fmt_fixed(unit.from_ticks(shortest)),
            took(longest)
        )
    } else if fastest.len() > 1 {
        format!("Fastest, tied: {} ({}).", and_list(&fastest), took(shortest))
    } else if fastest[0] == first {
        format!("Fastest: {first} ({}).", took(shortest))
    } else {
        let x = ends[0] as f64 / shortest.max(1) as f64;
        format!("Fastest: {} ({}), {x:.2}× as fast as {first}.", fastest[0], took(shortest))
    };
    // When customers are lost, who serves the most matters first.
    let most = runs.iter().map(|r| r.stats.served).max().unwrap_or(0);
    let most_served = named(&|i| runs[i].stats.served == most);
    let served = (any_left && most_served.len() < policies.len()).then(|| {
        let came: Vec<u64> = runs.iter().map(|r| r.stats.served + r.stats.left + r.stats.balked).collect();
        let of = if came.iter().all(|&c| c == came[0]) { format!(" of {}", came[0]) } else { String::new() };
        format!("Most customers served: {} ({most}{of}).", and_list(&most_served))
    });
    let verdict = match served {
        Some(served) => format!("{served} {speed}"),
        None => speed,
    };
    Some(PolicySummary { headers, rows, verdict })
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
