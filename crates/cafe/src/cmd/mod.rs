//! One module per subcommand, each with one `execute`; this one dispatches to them
//! and holds what several share.

mod check;
mod compare;
mod list;
mod plan;
mod run;
mod show;
mod studio;
mod sweep;

use std::path::Path;
use std::time::Duration;

use async_cafe::builtin;
use async_cafe::model::Scenario;
use async_cafe::scenario;
use async_cafe::time;

use crate::cli::Command;
use crate::error::Error;
use crate::output::Output;

/// Runs `command`, writing on `out`.
pub fn execute(command: Command, out: &mut Output) -> Result<(), Error> {
    match command {
        Command::Run(args) => run::execute(args, out),
        Command::Compare(args) => compare::execute(args, out),
        Command::Sweep(args) => sweep::execute(args, out),
        Command::List => list::execute(out),
        Command::Show(args) => show::execute(args, out),
        Command::Check(args) => check::execute(args, out),
        Command::Studio(args) => studio::execute(args, out),
        Command::Plan(args) => plan::execute(args, out),
    }
}

/// A built-in by name, or a scenario file by path.
fn load(name: &str) -> Result<Scenario, Error> {
    let as_path = Path::new(name);
    let looks_like_path =
        name.ends_with(".toml") || name.contains('/') || name.contains(std::path::MAIN_SEPARATOR);
    if !looks_like_path {
        if let Some(b) = builtin::find(name) {
            return b.load().map_err(Error::BrokenBuiltin);
        }
        if !as_path.exists() {
            let close = builtin::suggestions(name).into_iter().map(String::from).collect();
            return Err(Error::UnknownBuiltin { name: name.to_string(), close });
        }
    }
    scenario::load_file(as_path).map_err(Error::Scenario)
}

/// A time given on the command line in the scenario's unit (`--warmup`), as a span
/// of scenario time: from 0 to the longest time a run can count.
fn warmup(sc: &Scenario, warmup: Option<f64>) -> Result<Duration, Error> {
    match warmup {
        Some(w) => {
            async_cafe::time::time_arg("--warmup", sc.unit, w).map(time::duration).map_err(Error::Usage)
        }
        None => Ok(Duration::ZERO),
    }
}
