//! `cafe show`: a built-in scenario's TOML, to copy and edit.

use std::io::Write;

use async_cafe::builtin;

use crate::cli::ShowArgs;
use crate::error::Error;
use crate::output::Output;

/// Writes the TOML of the built-in scenario `args` names on `out`.
pub fn execute(args: ShowArgs, out: &mut Output) -> Result<(), Error> {
    match builtin::find(&args.name) {
        Some(b) => Ok(out.write_all(b.toml.as_bytes())?),
        // Not a built-in: say what is wrong with the name (an unknown name, a file
        // that has problems), or that a good file is still not a built-in.
        None => Err(super::load(&args.name).err().unwrap_or(Error::NotBuiltin(args.name))),
    }
}
