//! `cafe list`: the built-in scenarios, one a line, with their summaries.

use std::io::Write;

use async_cafe::builtin;

use crate::error::Error;
use crate::output::Output;

/// Lists the built-in scenarios on `out`.
pub fn execute(out: &mut Output) -> Result<(), Error> {
    let mut text = String::new();
    let width = builtin::BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
    for b in builtin::BUILTINS {
        let sc = b.load().map_err(Error::BrokenBuiltin)?;
        text.push_str(&format!("{:width$}  {}\n", b.name, sc.summary));
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}
