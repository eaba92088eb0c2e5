//! `cafe compare`: both kitchens (or the asynchronous kitchen under several
//! policies) on the virtual clock, their timelines stacked, then a table of totals.

use std::io::Write;

use async_cafe::model::Policy;
use async_cafe::run::{self, Compared};
use async_cafe::view::export::write_atomically;
use async_cafe::view::report::{self, ReportRun};
use async_cafe::view::timeline::{self, TimelineOptions};

use crate::cli::CompareArgs;
use crate::error::Error;
use crate::output::{self, Output};

/// Runs and compares the kitchens `args` asks for, writing the timelines and the table
/// on `out`.
pub fn execute(args: CompareArgs, out: &mut Output) -> Result<(), Error> {
    let mut sc = super::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(sc.seed);
    let lanes = args.order_lanes || args.report.is_some();
    let policies: Vec<Policy> = args.policy.into_iter().map(Policy::from).collect();
    let cmp = match policies.as_slice() {
        [] => run::compare(&sc, seed, lanes)?,
        [one] => {
            sc.kitchen.policy = *one;
            run::compare(&sc, seed, lanes)?
        }
        several => run::compare_policies(&sc, seed, several, lanes)?,
    };
    let by_policy = cmp.compared == Compared::Policies;
    let mut text = format!("{}: {}\n\n", sc.name, sc.summary);
    if !args.no_timeline {
        let terminal = out.is_terminal();
        let width = args.width.map_or_else(output::terminal_width, usize::from);
        let opts = TimelineOptions::new(width, output::color(terminal));
        let titles: Vec<String> = cmp
            .sides
            .iter()
            .map(|s| match by_policy {
                true => format!("Asynchronous kitchen, policy {}", s.policy.name()),
                false => format!("{} kitchen", s.mode.title()),
            })
            .collect();
        let charts: Vec<_> =
            cmp.sides.iter().zip(&titles).map(|(s, title)| (&s.trace, Some(title.as_str()))).collect();
        text.push_str(&timeline::render_stacked(&charts, &sc, &opts));
        text.push('\n');
    }
    text.push_str(&cmp.table(&sc));
    out.write_all(text.as_bytes())?;
    if let Some(path) = &args.report {
        let runs: Vec<ReportRun> = cmp
            .sides
            .iter()
            .map(|s| ReportRun {
                mode: s.mode,
                policy: by_policy.then_some(s.policy),
                trace: s.trace.clone(),
                stats: s.stats.clone(),
            })
            .collect();
        write_atomically(path, report::html(&sc, &runs).as_bytes())?;
    }
    Ok(())
}
