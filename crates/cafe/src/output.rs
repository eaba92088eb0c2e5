//! Where the command writes: standard output, whose errors are told apart from
//! those of the files the library writes (so that a closed pipe on stdout ends the
//! command quietly, and a full stdout is named), and standard error.
//!
//! Standard output goes through one buffer for the whole command: a narrative of
//! 200,000 lines is a few dozen `write` calls, not 200,000. The library flushes it
//! after every line on the real clock (a reader watches the run as it happens);
//! `main` flushes it before the command ends, and before anything is said on
//! standard error after a run.

use std::fmt;
use std::io::{self, IsTerminal, Write};

/// Standard output, locked and buffered for the whole command. Its errors keep
/// their kind and are recognised by [`stdout_error`]. What is still in the buffer
/// when it is dropped is lost: flush it ([`Write::flush`]) to see the error.
pub struct Output {
    stdout: io::BufWriter<io::StdoutLock<'static>>,
}

/// The buffer of standard output: large enough that a long narrative or JSON
/// document costs few system calls.
const BUFFER: usize = 64 * 1024;

impl Output {
    /// Locks standard output until the `Output` is dropped.
    pub fn new() -> Output {
        Output { stdout: io::BufWriter::with_capacity(BUFFER, io::stdout().lock()) }
    }

    /// Whether standard output is a terminal (colour, the live panel, its width).
    pub fn is_terminal(&self) -> bool {
        self.stdout.get_ref().is_terminal()
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stdout.write(buf).map_err(mark)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.stdout.write_all(buf).map_err(mark)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stdout.flush().map_err(mark)
    }
}

/// The marker inside an error of standard output.
#[derive(Debug)]
struct StdoutError(io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

/// Marks `e` as an error of standard output, keeping its kind (the library passes
/// it on as it is).
fn mark(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), StdoutError(e))
}

/// `Ok(the original error)` if `e` is an error of writing [`Output`], or `Err(e)`.
pub fn stdout_error(e: io::Error) -> Result<io::Error, io::Error> {
    if !e.get_ref().is_some_and(|inner| inner.is::<StdoutError>()) {
        return Err(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<StdoutError>()) {
        Some(Ok(marked)) => Ok(marked.0),
        _ => unreachable!("checked above"),
    }
}

/// Writes to stderr; if stderr itself cannot be written (`2>/dev/full`) there is no
/// one left to tell, and the exit code still says what happened.
pub fn say(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Colour on a terminal, unless NO_COLOR is set (<https://no-color.org>).
pub fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The terminal's width, or 80.
pub fn terminal_width() -> usize {
    terminal_size::terminal_size().map_or(80, |(w, _)| w.0 as usize)
}

/// `$COLUMNS`, when it is set to a number above 0.
fn columns() -> Option<usize> {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0)
}

/// The width a table printed on stdout should keep to: `$COLUMNS` when it is set
/// to a number, else the terminal's when stdout is one; `None` (no limit) when
/// stdout is a file or a pipe and `$COLUMNS` is not set.
pub fn table_width() -> Option<usize> {
    columns().or_else(|| terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| w.0 as usize))
}

/// The width prose on stdout is wrapped to (`cafe list`, the reasons of `cafe
/// compare` and `--why`), as the sweep's notes are: `--width` when given, else
/// [`table_width`]; `None` (lines as they are) in a file or a pipe.
pub fn prose_width(flag: Option<u16>) -> Option<usize> {
    flag.map(usize::from).or_else(table_width)
}

/// The width messages on stderr are wrapped to: `--width` when given, else
/// `$COLUMNS`, else the terminal's when stderr is one; `None` in a file or a pipe.
pub fn stderr_width(flag: Option<u16>) -> Option<usize> {
    flag.map(usize::from)
        .or_else(columns)
        .or_else(|| terminal_size::terminal_size_of(io::stderr()).map(|(w, _)| w.0 as usize))
}

/// `text`, one paragraph, its words wrapped to keep within `width` (continued lines
/// indented by two spaces), as the sweep wraps its notes.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    async_cafe::view::table::wrap_words(text, width, "", "  ")
}

/// Says the warning (or note) `text`, one paragraph, on stderr, wrapped to `width`.
pub fn warn(text: &str, width: Option<usize>) {
    say(&wrap(text, width));
}

/// `text` (what a view rendered) with each of its bullets (`  - sentence`) wrapped to
/// `width`, the sentence's words continued under its first word; other lines as
/// they are.
pub fn wrap_bullets(text: &str, width: Option<usize>) -> String {
    if width.is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("  - ") {
            Some(sentence) => out.push_str(&async_cafe::view::table::wrap_words(
                sentence.trim_end_matches('\n'),
                width,
                "  - ",
                "    ",
            )),
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_are_wrapped_under_their_first_word_and_other_lines_kept() {
        let text = "  Why:\n  - one two three four five six\n  a table row that is long\n";
        assert_eq!(
            wrap_bullets(text, Some(17)),
            "  Why:\n  - one two three\n    four five six\n  a table row that is long\n"
        );
        assert_eq!(wrap_bullets(text, None), text);
        assert_eq!(wrap("warning: a b c", Some(11)), "warning: a\n  b c\n");
    }

    #[test]
    fn errors_of_stdout_are_told_apart_and_keep_their_kind() {
        let marked = mark(io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(marked.kind(), io::ErrorKind::BrokenPipe);
        let original = stdout_error(marked).expect("marked");
        assert_eq!(original.kind(), io::ErrorKind::BrokenPipe);
        assert!(original.get_ref().is_none());
        let other = io::Error::other("out.csv: no space left");
        assert_eq!(stdout_error(other).unwrap_err().to_string(), "out.csv: no space left");
    }
}
