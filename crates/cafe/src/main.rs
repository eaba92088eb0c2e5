//! The `cafe` command: parses arguments and calls the `async_cafe` library.
//!
//! The command, not the library, deals with the process: it prints ([`output`]),
//! handles signals ([`signals`]) and chooses the exit code ([`error`]: 0 success,
//! 2 bad input or usage, 130 and 143 a run stopped by SIGINT or SIGTERM, 1 anything
//! else). [`cli`] defines the arguments, [`flags`] refuses combinations of them that
//! would leave one without effect; [`cmd`] has one module per subcommand.

mod cli;
mod cmd;
mod error;
mod flags;
mod output;
mod signals;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::error::Error;
use crate::output::Output;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                // clap prints its errors itself, in colour on a terminal.
                Error::Args(e) => {
                    let _ = e.print();
                }
                e => output::say(&e.render()),
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn run() -> Result<(), Error> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version, on stdout, which may be full.
        Err(e) if !e.use_stderr() => return e.print().map_err(Error::stdout),
        Err(e) => return Err(Error::Args(e)),
    };
    let mut out = Output::new();
    let done = cmd::execute(cli.command, &mut out);
    // Everything the command wrote goes out before its error, if any, is said (an
    // interrupted run's statistics so far, for one); an error of the command itself
    // comes before one of flushing.
    let flushed = out.flush();
    done?;
    Ok(flushed?)
}
