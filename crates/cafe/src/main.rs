//! The `cafe` command: parses arguments and calls the `async_cafe` library.
//!
//! The command, not the library, deals with the process: it prints ([`output`]),
//! handles signals ([`signals`]) and chooses the exit code ([`error`]: 0 success,
//! 2 bad input or usage, 128 + the signal's number for a run stopped by a signal
//! (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), 1 anything
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
    // The files a command writes are put in place together, when it ends: a second
    // Ctrl-C leaves all of them or none. (The studio writes none, and never ends.)
    if !matches!(cli.command, cli::Command::Studio(_)) {
        async_cafe::view::export::hold_commits();
    }
    let mut out = Output::new();
    let done = cmd::execute(cli.command, &mut out);
    let committed = async_cafe::view::export::commit_held();
    // Everything the command wrote goes out before its error, if any, is said (an
    // interrupted run's statistics so far, for one); an error of the command itself
    // comes before one of its files, and that before one of flushing.
    let flushed = out.flush();
    done?;
    committed?;
    Ok(flushed?)
}
