//! `cafe compare`: both kitchens (or the asynchronous kitchen under several
//! policies) on the virtual clock, their timelines stacked, then a table of totals.
//!
//! SIGINT and SIGTERM stop the runs at once: nothing is printed or written (a
//! comparison of parts of runs would mean nothing), and the command exits with 130 or
//! 143. A second signal, while the report is being written, removes its temporary
//! file and quits.

use std::io::Write;

use async_cafe::model::Policy;
use async_cafe::ops::{self, CompareOptions, Compared};
use async_cafe::view::export::write_atomically;
use async_cafe::view::timeline::{self, TimelineOptions};

use crate::cli::CompareArgs;
use crate::error::Error;
use crate::output::{self, Output, say};
use crate::signals::Interrupts;

/// Runs and compares the kitchens `args` asks for, writing the timelines and the table
/// on `out`.
pub fn execute(args: CompareArgs, out: &mut Output) -> Result<(), Error> {
    let refused = crate::flags::compare(&args);
    if !refused.is_empty() {
        return Err(Error::Refused(refused));
    }
    let mut sc = super::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(sc.seed);
    let lanes = args.order_lanes || args.report.is_some();
    let policies: Vec<Policy> = args.policy.into_iter().map(Policy::from).collect();
    let interrupts = Interrupts::install(|| {})?;
    let opts = CompareOptions { seed: Some(seed), order_lanes: lanes, cancel: interrupts.cancel().clone() };
    let cmp = match policies.as_slice() {
        [] => ops::compare(&sc, &opts),
        [one] => {
            sc.kitchen.policy = *one;
            ops::compare(&sc, &opts)
        }
        several => ops::compare_policies(&sc, several, &opts),
    };
    let cmp = match cmp {
        Ok(cmp) => cmp,
        Err(ops::Error::Cancelled) => return Err(interrupts.interrupted()),
        Err(ops::Error::Io(e)) => return Err(e.into()),
        Err(e) => return Err(Error::Overran(e.to_string())),
    };
    // A kitchen that cannot keep up is said so, as `cafe run` says it.
    for warning in cmp.warnings(&sc) {
        say(&format!("{warning}\n"));
    }
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
    text.push_str(&cmp.render(&sc));
    out.write_all(text.as_bytes())?;
    if let Some(path) = &args.report {
        write_atomically(path, cmp.report_html(&sc).as_bytes())?;
    }
    match interrupts.received() {
        Some(_) => Err(interrupts.interrupted()),
        None => Ok(()),
    }
}
