//! `cafe plan`: the library's plan of the day beside asyncio under every policy,
//! as text or JSON. SIGINT and SIGTERM stop the search: the best plan so far is
//! printed, then the command exits with 130 or 143.

use std::io::Write;
use std::time::Duration;

use async_cafe::ops;
use async_cafe::plan::PlanOptions;
use async_cafe::view::export::AtomicFile;
use async_cafe::view::html_report;
use async_cafe::view::timeline::TimelineOptions;

use crate::cli::{FormatArg, PlanArgs};
use crate::error::Error;
use crate::output::{self, Output};
use crate::signals::Interrupts;

/// Plans the scenario `args` names and writes the plan on `out`.
pub fn execute(args: PlanArgs, out: &mut Output) -> Result<(), Error> {
    let refused = crate::flags::plan(&args);
    if !refused.is_empty() {
        return Err(Error::Refused(refused));
    }
    if !(args.time_limit > 0.0 && args.time_limit.is_finite() && args.time_limit <= 86_400.0) {
        return Err(Error::Usage(format!(
            "--time-limit {}: give the solver more than 0 and at most 86400 seconds",
            args.time_limit
        )));
    }
    let (sc, inputs) = super::load_and_inputs(&args.scenario)?;
    super::refuse_over_inputs(&inputs, &[("--report", args.report.as_deref())], None)?;
    // Before the search: a path that cannot be written is said at once.
    let interrupts = Interrupts::install(|_| {})?;
    let _readers = interrupts.wait_for_readers(args.report.as_deref())?;
    let report = args.report.as_deref().map(AtomicFile::create).transpose()?;
    let opts = PlanOptions {
        objective: args.objective.into(),
        time_limit: Duration::from_secs_f64(args.time_limit),
        seed: args.seed,
        cancel: interrupts.cancel().clone(),
    };
    let planned = match ops::plan(&sc, &opts) {
        Ok(p) => p,
        Err(ops::Error::Cancelled) => return Err(interrupts.interrupted()),
        Err(ops::Error::Plan(e)) => return Err(Error::Usage(e.to_string())),
        Err(ops::Error::Io(e)) => return Err(e.into()),
        Err(e) => return Err(Error::Overran(e.to_string())),
    };
    let text = match args.format {
        FormatArg::Json => {
            let mut json = serde_json::to_string_pretty(&planned.plan).expect("a plan serialises");
            json.push('\n');
            json
        }
        FormatArg::Text => {
            let width = args.width.map_or_else(output::terminal_width, usize::from);
            let opts = TimelineOptions::new(width, output::color(out.is_terminal()));
            async_cafe::view::plan::render(
                &planned.plan,
                &planned.policies,
                planned.followed,
                &sc,
                &opts,
                !args.no_timeline,
            )
        }
    };
    out.write_all(text.as_bytes())?;
    if interrupts.received().is_some() && args.format == FormatArg::Text {
        // Its status alone would read as a search that ran to its time limit.
        out.write_all(b"\n(interrupted: the best plan found before the search was stopped)\n")?;
    }
    if let Some(file) = report {
        let runs = match planned.report_runs(&sc) {
            Ok(runs) => runs,
            Err(ops::Error::Io(e)) => return Err(e.into()),
            Err(e) => return Err(Error::Overran(e.to_string())),
        };
        file.write(html_report::html(&sc, &runs).as_bytes())?;
    }
    match interrupts.received() {
        Some(_) => Err(interrupts.interrupted()),
        None => Ok(()),
    }
}
