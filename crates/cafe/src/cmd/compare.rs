//! `cafe compare`: both kitchens (or the asynchronous kitchen under several
//! policies) on the virtual clock, their timelines stacked, then a table of totals.
//!
//! SIGINT and SIGTERM stop the runs at once: nothing is printed or written (a
//! comparison of parts of runs would mean nothing), and the command exits with 130 or
//! 143. A second signal removes the report's temporary file (created before the
//! runs, so that a path that cannot be written is said at once) and quits.

use std::io::Write;

use async_cafe::model::Policy;
use async_cafe::ops::{self, CompareOptions, Compared};
use async_cafe::view::export::AtomicFile;
use async_cafe::view::timeline::{self, TimelineOptions};

use crate::cli::CompareArgs;
use crate::error::Error;
use crate::output::{self, Output};
use crate::signals::Interrupts;

/// Runs and compares the kitchens `args` asks for, writing the timelines and the table
/// on `out`.
pub fn execute(args: CompareArgs, out: &mut Output) -> Result<(), Error> {
    let refused = crate::flags::compare(&args);
    if !refused.is_empty() {
        return Err(Error::Refused(refused));
    }
    let (mut sc, inputs) = super::load_and_inputs(&args.scenario)?;
    super::refuse_over_inputs(&inputs, &[("--report", args.report.as_deref())], None)?;
    let seed = args.seed.unwrap_or(sc.seed);
    let lanes = args.order_lanes || args.report.is_some();
    let policies: Vec<Policy> = args.policy.into_iter().map(Policy::from).collect();
    // Before the runs: a path that cannot be written is said at once.
    let interrupts = Interrupts::install(|_| {})?;
    let _readers = interrupts.wait_for_readers(args.report.as_deref())?;
    let report = args.report.as_deref().map(AtomicFile::create).transpose()?;
    // Each side's every step is kept: a comparison of a bounded size.
    let kept = super::Kept { what: "a comparison", most: ops::max_traced_customers(&sc), flag: false };
    kept.check(&sc)?;
    let opts = CompareOptions {
        seed: Some(seed),
        order_lanes: lanes,
        cancel: interrupts.cancel().clone(),
        max_customers: Some(kept.most),
    };
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
        Err(ops::Error::TooManyCustomers(t)) => return Err(kept.too_many(&t, &sc)),
        Err(ops::Error::Io(e)) => return Err(e.into()),
        Err(e) => return Err(Error::Overran(e.to_string())),
    };
    // A kitchen that cannot keep up is said so, as `cafe run` says it.
    for warning in cmp.warnings(&sc) {
        output::warn(&warning, output::stderr_width(args.width));
    }
    let by_policy = cmp.compared == Compared::Policies;
    let prose = output::prose_width(args.width);
    let mut text = output::wrap(&format!("{}: {}", sc.name, sc.summary), prose) + "\n";
    if !args.no_timeline {
        let terminal = out.is_terminal();
        let width = args.width.map_or_else(output::terminal_width, usize::from);
        // The report's lanes per order are drawn with --order-lanes only.
        let opts = TimelineOptions {
            order_lanes: args.order_lanes,
            ..TimelineOptions::new(width, output::color(terminal))
        };
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
    // The reasons, one bullet each, wrapped as the sweep's notes are.
    text.push_str(&output::wrap_bullets(&cmp.render(&sc), prose));
    out.write_all(text.as_bytes())?;
    if let Some(file) = report {
        file.write(cmp.report_html(&sc).as_bytes())?;
    }
    match interrupts.received() {
        Some(_) => Err(interrupts.interrupted()),
        None => Ok(()),
    }
}
