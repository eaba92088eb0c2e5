//! `cafe compare`: both kitchens (or the asynchronous kitchen under several
//! policies) on the virtual clock, their timelines stacked, then a table of totals.
//!
//! SIGINT and SIGTERM stop the runs at once: nothing is printed or written (a
//! comparison of parts of runs would mean nothing), and the command exits with 130 or
//! 143. A second signal, while the report is being written, removes its temporary
//! file and quits.

use std::io::{self, Write};

use async_cafe::clock::Cancel;
use async_cafe::engine::Mode;
use async_cafe::model::{Policy, Scenario};
use async_cafe::run::{self, ClockKind, Compared, Comparison, RunSpec, Side, Want};
use async_cafe::view::export::write_atomically;
use async_cafe::view::report::{self, ReportRun};
use async_cafe::view::timeline::{self, TimelineOptions};

use crate::cli::CompareArgs;
use crate::error::Error;
use crate::output::{self, Output};
use crate::signals::Interrupts;

pub fn execute(args: CompareArgs, out: &mut Output) -> Result<(), Error> {
    let mut sc = super::load(&args.scenario)?;
    let seed = args.seed.unwrap_or(sc.seed);
    let lanes = args.order_lanes || args.report.is_some();
    let policies: Vec<Policy> = args.policy.into_iter().map(Policy::from).collect();
    if let [one] = policies.as_slice() {
        sc.kitchen.policy = *one;
    }
    // What `run::compare` and `run::compare_policies` run, each side stopped by a
    // signal.
    let (compared, kitchens) = match policies.as_slice() {
        [] | [_] => (Compared::Modes, vec![(Mode::Sync, sc.clone()), (Mode::Async, sc.clone())]),
        several => {
            let with_policy = |p: Policy| {
                let mut sc = sc.clone();
                sc.kitchen.policy = p;
                (Mode::Async, sc)
            };
            (Compared::Policies, several.iter().map(|&p| with_policy(p)).collect())
        }
    };
    let interrupts = Interrupts::install(|| {})?;
    let mut sides = Vec::new();
    for (mode, sc) in &kitchens {
        match side(sc, *mode, seed, lanes, interrupts.cancel())? {
            Some(side) => sides.push(side),
            None => return Err(interrupts.interrupted()),
        }
    }
    let cmp = Comparison { compared, sides };
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
    match interrupts.received() {
        Some(_) => Err(interrupts.interrupted()),
        None => Ok(()),
    }
}

/// One kitchen of the comparison on the virtual clock, as `run::compare` runs it;
/// `None` when `cancel` stopped it.
fn side(
    sc: &Scenario,
    mode: Mode,
    seed: u64,
    order_lanes: bool,
    cancel: &Cancel,
) -> io::Result<Option<Side>> {
    let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
    let want = Want { stats: true, trace: true, order_lanes, cancel: cancel.clone(), ..Want::default() };
    let ran = run::run(sc, spec, want, &mut io::sink())?;
    if ran.stopped.is_some() {
        return Ok(None);
    }
    Ok(Some(Side {
        mode,
        policy: sc.kitchen.policy,
        outcome: ran.outcome,
        stats: ran.stats.expect("asked for"),
        trace: ran.trace.expect("asked for"),
    }))
}
