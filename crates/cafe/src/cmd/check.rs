//! `cafe check`: loads a scenario, reporting every problem (exit code 2) or a
//! one-line summary, after the capacity warnings of both kitchens.

use std::io::Write;

use async_cafe::capacity;
use async_cafe::engine::Mode;

use crate::cli::CheckArgs;
use crate::error::Error;
use crate::output::{Output, say};

/// Checks the scenario `args` names and says so on `out`; a scenario with problems is
/// an error that renders every one of them.
pub fn execute(args: CheckArgs, out: &mut Output) -> Result<(), Error> {
    let sc = super::load(&args.file)?;
    for mode in [Mode::Async, Mode::Sync] {
        for warning in capacity::warnings(&sc, mode) {
            say(&format!("{warning}\n"));
        }
    }
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let customers = match sc.customer_count() {
        Some(n) => format!("{n} customer{}", plural(n)),
        None => "customers until the door closes".to_string(),
    };
    writeln!(
        out,
        "{}: ok ({} cook{}, {} item{} on the menu, {customers})",
        args.file,
        sc.kitchen.cooks,
        plural(sc.kitchen.cooks.into()),
        sc.menu.items.len(),
        plural(sc.menu.items.len() as u64),
    )?;
    Ok(())
}
