//! Every way the command can fail, built where it happens and rendered in one place
//! ([`Error::render`]), each with its exit code ([`Error::exit_code`]):
//!
//! | code    | meaning                                                           |
//! |---------|-------------------------------------------------------------------|
//! | 0       | success, or stdout closed early (`cafe run ... \| head`)          |
//! | 1       | a write that failed, a run that fell behind real time, a bug      |
//! | 2       | bad arguments or a bad scenario: nothing ran                      |
//! | 129–143 | stopped by a signal: 128 + its number (130 SIGINT, 143 SIGTERM, |
//! |         | 129 SIGHUP, 131 SIGQUIT)                                          |

use std::fmt;
use std::io;
use std::time::Duration;

use async_cafe::scenario::ScenarioError;
use async_cafe::view::stats::NothingMeasured;

use crate::flags::Refusal;

/// Why `cafe` failed.
#[derive(Debug)]
pub enum Error {
    /// Arguments clap rejected: it renders them in its own style.
    Args(clap::Error),
    /// An argument whose value makes no sense (`--speed 0`, `--replications 0`, a
    /// `--vary` the scenario cannot take, ...): the message says why.
    Usage(String),
    /// Flags that cannot be used together, or without another (`--timeline` with
    /// `--replications`): every combination refused, each with what to do instead.
    Refused(Vec<Refusal>),
    /// A scenario file that cannot be read or that has problems.
    Scenario(ScenarioError),
    /// A name that is neither a built-in scenario nor a file; `close` are the
    /// built-ins with a close name.
    UnknownBuiltin {
        /// The name as given.
        name: String,
        /// The built-ins whose names are close to it; may be empty.
        close: Vec<String>,
    },
    /// `cafe show` of a file rather than a built-in.
    NotBuiltin(String),
    /// A built-in scenario that does not load: a bug of the command.
    BrokenBuiltin(ScenarioError),
    /// A warm-up that leaves nothing to measure.
    NothingMeasured(NothingMeasured),
    /// A write (or another operation on the system) that failed.
    Io {
        /// What the operation was about.
        target: Target,
        /// Why it failed.
        source: io::Error,
    },
    /// A run whose clock would pass the longest time a run can count: the message
    /// names the order and step (and, in a sweep, the configuration).
    Overran(String),
    /// SIGINT, SIGTERM or SIGHUP stopped the command: it has printed what it had.
    Interrupted {
        /// The signal's number (2 for SIGINT, 15 for SIGTERM, 1 for SIGHUP): the exit
        /// code is 128 plus it.
        signal: i32,
    },
    /// Several problems found at once (`cafe sweep`'s bad options, a scenario that
    /// does not load and options that are wrong whatever it says): each said in turn.
    Several(Vec<Error>),
    /// With `--behind stop`: the run fell `lag` behind real time at `at` (in the
    /// scenario's `unit`).
    FellBehind {
        /// How far behind wall time the run was.
        lag: Duration,
        /// Scenario time then, in `unit`s.
        at: f64,
        /// The scenario's time unit: `s`, `min`, ...
        unit: &'static str,
    },
}

/// What a failed input/output operation was about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The command's standard output.
    Stdout,
    /// A file (an export, a report), or another resource of the system (a signal
    /// handler, the real clock's timer), which the error itself names.
    Named,
}

/// The exit code of a run stopped by SIGINT, when the signal is not known.
pub const SIGINT: i32 = 2;

impl Error {
    /// The problems of `errors` as one error: the one itself if there is one, else
    /// [`Error::Several`].
    pub fn all(mut errors: Vec<Error>) -> Error {
        match errors.len() {
            1 => errors.remove(0),
            _ => Error::Several(errors),
        }
    }

    /// An error of a write to standard output (see [`crate::output::Output`]),
    /// with the error's kind kept: a closed pipe is recognised by it.
    pub fn stdout(source: io::Error) -> Error {
        Error::Io { target: Target::Stdout, source }
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Args(e) => e.exit_code().clamp(0, 255) as u8,
            Error::Usage(_)
            | Error::Refused(_)
            | Error::Scenario(_)
            | Error::UnknownBuiltin { .. }
            | Error::NotBuiltin(_)
            | Error::NothingMeasured(_) => 2,
            // Output closed early (`cafe run ... | head`): not an error.
            Error::Io { target: Target::Stdout, source } if source.kind() == io::ErrorKind::BrokenPipe => 0,
            Error::Io { .. } | Error::BrokenBuiltin(_) | Error::Overran(_) | Error::FellBehind { .. } => 1,
            Error::Interrupted { signal } => (128 + signal).clamp(0, 255) as u8,
            Error::Several(errors) => errors.iter().map(Error::exit_code).max().unwrap_or(1),
        }
    }

    /// What to print on stderr: empty when there is nothing to say (a closed pipe,
    /// a signal: the exit code says it).
    pub fn render(&self) -> String {
        match self {
            Error::Args(e) => e.render().to_string(),
            Error::Scenario(e) | Error::BrokenBuiltin(e) => e.render(),
            Error::Interrupted { .. } => String::new(),
            Error::Several(errors) => errors.iter().map(Error::render).collect(),
            Error::Io { .. } if self.exit_code() == 0 => String::new(),
            _ => format!("{self}\n"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Args(e) => write!(f, "{e}"),
            Error::Usage(message) => write!(f, "error: {message}"),
            Error::Refused(refusals) => {
                let lines: Vec<String> = refusals.iter().map(ToString::to_string).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::Scenario(e) | Error::BrokenBuiltin(e) => write!(f, "{}", e.render().trim_end()),
            // `-` is standard input to many commands, but `cafe` reads a scenario's
            // files beside it: say how to read one from standard input all the same.
            Error::UnknownBuiltin { name, .. } if name == "-" => write!(
                f,
                "error: `-` is not a scenario: cafe reads a scenario from a file, or a built-in one by its name\n  help: to read a scenario from standard input, give `/dev/stdin` (`cafe check /dev/stdin < mine.toml`); run `cafe list` for the built-in scenarios"
            ),
            Error::UnknownBuiltin { name, close } => {
                write!(f, "error: no built-in scenario is called `{name}`\n  help: ")?;
                if close.is_empty() {
                    write!(f, "run `cafe list` to see them, or give a path to a .toml file")
                } else {
                    let close: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
                    write!(f, "did you mean {}? Run `cafe list` to see them all", close.join(", "))
                }
            }
            Error::NotBuiltin(name) => write!(f, "error: `{name}` is not a built-in scenario"),
            Error::NothingMeasured(n) => write!(f, "{}", SayNothingMeasured(n)),
            Error::Io { target: Target::Stdout, source } => {
                write!(f, "error: cannot write to standard output: {source}")
            }
            Error::Io { target: Target::Named, source } => write!(f, "error: {source}"),
            Error::Overran(message) => write!(f, "error: {message}"),
            Error::Interrupted { signal } => write!(f, "interrupted by signal {signal}"),
            Error::Several(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::FellBehind { lag, at, unit } => write!(
                f,
                "error: stopped: the kitchen fell {:.3} s behind real time at {at:.2} {unit} of scenario time; lower --speed, or use --behind warn",
                lag.as_secs_f64()
            ),
        }
    }
}

/// The library's [`NothingMeasured`] as the command says it.
struct SayNothingMeasured<'a>(&'a NothingMeasured);

impl fmt::Display for SayNothingMeasured<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        write!(
            f,
            "error: the warm-up of {} {} leaves nothing to measure: {}\n  help: give a shorter --warmup, or make the run longer",
            n.warmup,
            n.unit,
            n.why()
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Errors of the library's operations that write files (exports, reports) or set
/// up the real clock: they name what they are about. Writes to stdout go through
/// [`crate::output::Output`], whose errors are recognised here, and so is a run
/// whose warm-up left nothing to measure (`ops::Want::require_measured`).
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        match crate::output::stdout_error(e) {
            Ok(source) => Error::stdout(source),
            Err(source) => match source.get_ref().and_then(|inner| inner.downcast_ref::<NothingMeasured>()) {
                Some(nothing) => Error::NothingMeasured(nothing.clone()),
                None => Error::Io { target: Target::Named, source },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        let pipe = Error::stdout(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!((pipe.exit_code(), pipe.render()), (0, String::new()));
        // A closed pipe elsewhere than stdout (an export to a FIFO) is an error.
        let fifo = Error::Io { target: Target::Named, source: io::Error::from(io::ErrorKind::BrokenPipe) };
        assert_eq!(fifo.exit_code(), 1);
        assert_eq!(Error::Usage("no".into()).exit_code(), 2);
        assert_eq!(Error::Interrupted { signal: SIGINT }.exit_code(), 130);
        assert_eq!(Error::Interrupted { signal: 15 }.exit_code(), 143);
        assert_eq!(Error::Interrupted { signal: 15 }.render(), "");
        let behind = Error::FellBehind { lag: Duration::from_millis(1500), at: 2.0, unit: "s" };
        assert_eq!(behind.exit_code(), 1);
    }

    #[test]
    fn messages() {
        let unknown = |close: &[&str]| Error::UnknownBuiltin {
            name: "lunch-helpr".into(),
            close: close.iter().map(|c| c.to_string()).collect(),
        };
        assert_eq!(
            unknown(&["lunch-helper", "lunch"]).render(),
            "error: no built-in scenario is called `lunch-helpr`\n  help: did you mean `lunch-helper`, `lunch`? Run `cafe list` to see them all\n"
        );
        assert_eq!(
            unknown(&[]).render(),
            "error: no built-in scenario is called `lunch-helpr`\n  help: run `cafe list` to see them, or give a path to a .toml file\n"
        );
        let dash = Error::UnknownBuiltin { name: "-".into(), close: Vec::new() }.render();
        assert!(
            dash.starts_with("error: `-` is not a scenario: cafe reads a scenario from a file"),
            "{dash}"
        );
        assert!(dash.contains("give `/dev/stdin`") && !dash.contains("did you mean"), "{dash}");
        let full = Error::stdout(io::Error::from_raw_os_error(28));
        assert_eq!(full.exit_code(), 1);
        assert_eq!(
            full.render(),
            "error: cannot write to standard output: No space left on device (os error 28)\n"
        );
        let nothing = |ended, runs, empty| {
            Error::NothingMeasured(NothingMeasured { warmup: 100.0, unit: "min", ended, runs, empty })
                .render()
        };
        assert_eq!(
            nothing(10.0, 1, 1),
            "error: the warm-up of 100 min leaves nothing to measure: the run ended at 10.00 min\n  help: give a shorter --warmup, or make the run longer\n"
        );
        assert!(
            nothing(120.0, 1, 1).contains(": no customer arrived after it (the run ended at 120.00 min)\n")
        );
        assert!(nothing(10.0, 3, 2).contains(": in 2 of 3 replications, the shortest ended at 10.00 min\n"));
        assert!(nothing(120.0, 3, 3).contains(
            ": in 3 of 3 replications, no customer arrived after it (the shortest ended at 120.00 min)\n"
        ));
    }
}
