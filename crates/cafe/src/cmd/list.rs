//! `cafe list`: the built-in scenarios, one a line, with their summaries (wrapped to
//! `$COLUMNS` or the terminal's width).

use std::io::Write;

use async_cafe::builtin;
use async_cafe::view::table::wrap_words;

use crate::error::Error;
use crate::output::{self, Output};

/// Lists the built-in scenarios on `out`.
pub fn execute(out: &mut Output) -> Result<(), Error> {
    let mut text = String::new();
    let width = builtin::BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
    // Each summary wrapped as the sweep's notes are, continued under its first word.
    let within = output::prose_width(None);
    let under = " ".repeat(width + 2);
    for b in builtin::BUILTINS {
        let sc = b.load().map_err(Error::BrokenBuiltin)?;
        text.push_str(&wrap_words(&sc.summary, within, &format!("{:width$}  ", b.name), &under));
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}
