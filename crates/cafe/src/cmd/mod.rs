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

use std::path::{Path, PathBuf};
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
    load_and_inputs(name).map(|(sc, _)| sc)
}

/// The files a command read, each with what it is (`the scenario`).
type Inputs = Vec<(&'static str, PathBuf)>;

/// [`load`], and the files it read (none for a built-in): the scenario's file and
/// the day it replays, each with what it is, for [`crate::flags::over_inputs`].
fn load_and_inputs(name: &str) -> Result<(Scenario, Inputs), Error> {
    let as_path = Path::new(name);
    let looks_like_path =
        name.ends_with(".toml") || name.contains('/') || name.contains(std::path::MAIN_SEPARATOR);
    if !looks_like_path {
        if let Some(b) = builtin::find(name) {
            return b.load().map(|sc| (sc, Vec::new())).map_err(Error::BrokenBuiltin);
        }
        if !as_path.exists() {
            let close = builtin::suggestions(name).into_iter().map(String::from).collect();
            return Err(Error::UnknownBuiltin { name: name.to_string(), close });
        }
    }
    let (sc, read) = scenario::load_file_and_inputs(as_path).map_err(Error::Scenario)?;
    let what = |i: usize| if i == 0 { "the scenario" } else { "a day the scenario replays" };
    Ok((sc, read.into_iter().enumerate().map(|(i, p)| (what(i), p)).collect()))
}

/// Refuses outputs that would write over one of `inputs` (see
/// [`crate::flags::over_inputs`]), every one of them at once.
fn refuse_over_inputs(
    inputs: &[(&'static str, PathBuf)],
    files: &[(&'static str, Option<&Path>)],
    csv: Option<&Path>,
) -> Result<(), Error> {
    let inputs: Vec<crate::flags::Input<'_>> = inputs.iter().map(|(what, p)| (*what, p.as_path())).collect();
    let refused = crate::flags::over_inputs(&inputs, files, csv);
    if refused.is_empty() { Ok(()) } else { Err(Error::Refused(refused)) }
}

/// What keeps a run in memory (a trace, the loop's passes), as the messages name
/// it, and whether it is a flag that can be left out.
pub(crate) struct Kept {
    /// `--report`, `a comparison`.
    pub what: &'static str,
    /// At most this many customers.
    pub most: u64,
    /// A flag (`--report`): "leave it out" is a way out.
    pub flag: bool,
}

impl Kept {
    /// What to do about a run too large to keep.
    fn help(&self) -> String {
        let shorter = "make the day shorter (`count` or `until` in `[customers.generate]`)";
        match self.flag {
            true => format!("leave out {}, or {shorter}", self.what),
            false => "compare a shorter day (`count` or `until` in `[customers.generate]`)".into(),
        }
    }

    /// Refuses, before it runs, a scenario expected to let in more customers than
    /// can be kept; [`Kept::too_many`] says the same of a run stopped at the bound.
    fn check(&self, sc: &Scenario) -> Result<(), Error> {
        match async_cafe::sweep::expected_customers(sc) {
            Some(n) if n > self.most as f64 => Err(Error::Usage(format!(
                "{} keeps the run in memory, for at most {} customers{}, and {} lets in about {}: {}",
                self.what,
                time::thousands(self.most),
                self.of_recipes(sc),
                sc.name,
                time::thousands(n as u64),
                self.help()
            ))),
            _ => Ok(()),
        }
    }

    /// ` of recipes of up to 100 steps` when the bound is less than
    /// [`async_cafe::ops::MAX_TRACED_CUSTOMERS`] for the scenario's long recipes
    /// ([`async_cafe::ops::max_traced_customers`]).
    fn of_recipes(&self, sc: &Scenario) -> String {
        let longest = sc.menu.recipes.iter().map(|r| r.steps.len() as u64).max().unwrap_or(1);
        match longest > async_cafe::ops::TRACED_STEPS
            && self.most == async_cafe::ops::max_traced_customers(sc)
        {
            true => format!(" of recipes of up to {} steps", time::thousands(longest)),
            false => String::new(),
        }
    }

    /// A run stopped because it let in more customers than can be kept (a random
    /// door can let in more than expected).
    fn too_many(&self, t: &async_cafe::ops::TooManyCustomers, sc: &Scenario) -> Error {
        Error::Overran(format!(
            "the run was stopped at {:.2} {}: it let in more than {} customers{}, the most {} keeps in memory; {}",
            sc.unit.from_ticks(t.at),
            sc.unit.name(),
            time::thousands(t.most),
            self.of_recipes(sc),
            self.what,
            self.help()
        ))
    }
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
