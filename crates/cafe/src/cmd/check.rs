//! `cafe check`: loads a scenario, reporting every problem (exit code 2) or a
//! one-line summary, after the capacity warnings of both kitchens.

use std::io::Write;

use async_cafe::capacity;
use async_cafe::engine::Mode;
use async_cafe::scenario;

use crate::cli::CheckArgs;
use crate::error::Error;
use crate::output::{self, Output};

/// Checks the scenario `args` names and says so on `out`; a scenario with problems is
/// an error that renders every one of them.
pub fn execute(args: CheckArgs, out: &mut Output) -> Result<(), Error> {
    let sc = super::load(&args.file)?;
    for mode in [Mode::Async, Mode::Sync] {
        for warning in capacity::warnings(&sc, mode) {
            output::warn(&warning, output::stderr_width(None));
        }
    }
    writeln!(out, "{}", scenario::ok_line(&sc, &args.file))?;
    Ok(())
}
