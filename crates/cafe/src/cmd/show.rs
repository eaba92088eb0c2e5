//! `cafe show`: a built-in scenario's TOML, to copy and edit; with `--to DIR`, the
//! scenario and the files it refers to, written into DIR; with `--python`, the
//! asyncio program a scenario (built-in or file) behaves like.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_cafe::builtin::{self, Builtin};
use async_cafe::python_program;
use async_cafe::view::export::{self, write_atomically};

use crate::cli::ShowArgs;
use crate::error::Error;
use crate::output::{Output, say};

/// Writes the TOML of the built-in scenario `args` names on `out` (saying on stderr
/// which files it refers to), or into `--to DIR` with those files.
pub fn execute(args: ShowArgs, out: &mut Output) -> Result<(), Error> {
    if args.python {
        let sc = super::load(&args.name)?;
        let seed = args.seed.unwrap_or(sc.seed);
        let text = python_program::program(&sc, args.mode.into(), seed)
            .map_err(|e| Error::Usage(format!("no Python program for this scenario: {e}")))?;
        out.write_all(text.as_bytes())?;
        return Ok(());
    }
    let Some(b) = builtin::find(&args.name) else {
        // Not a built-in: say what is wrong with the name (an unknown name, a file
        // that has problems), or that a good file is still not a built-in.
        return Err(super::load(&args.name).err().unwrap_or(Error::NotBuiltin(args.name)));
    };
    match &args.to {
        Some(dir) => write_into(b, dir, args.force, out),
        None => {
            out.write_all(b.toml.as_bytes())?;
            if !b.files().is_empty() {
                let names: Vec<&str> = b.files().iter().map(|(name, _)| *name).collect();
                let (which, are) = if names.len() == 1 { ("it", "is") } else { ("them", "are") };
                say(&format!(
                    "note: {} refers to {}, which {are} not printed: `cafe show {} --to DIR` writes the scenario with {which} into DIR\n",
                    b.name,
                    and_list(&names),
                    b.name
                ));
            }
            Ok(())
        }
    }
}

/// Writes `b` as `dir/NAME.toml` with its files beside it, each completely or not at
/// all, the TOML last (so that a scenario written always has its files); refuses,
/// before writing anything, to replace a file unless `force`. Says what it wrote on
/// `out`.
fn write_into(b: &Builtin, dir: &Path, force: bool, out: &mut Output) -> Result<(), Error> {
    // The TOML first, as the messages name them.
    let mut files: Vec<(PathBuf, &str)> = vec![(dir.join(format!("{}.toml", b.name)), b.toml)];
    files.extend(b.files().iter().map(|(name, text)| (dir.join(name), *text)));
    if !force {
        let there: Vec<String> = files
            .iter()
            .filter(|(path, _)| path.symlink_metadata().is_ok())
            .map(|(path, _)| path.display().to_string())
            .collect();
        if !there.is_empty() {
            let (exist, it) = if there.len() == 1 { ("exists", "it") } else { ("exist", "them") };
            return Err(Error::Usage(format!(
                "{} already {exist}: nothing was written\n  help: pass --force to replace {it}, or choose another directory",
                and_list(&there)
            )));
        }
    }
    export::create_dir_all(dir)?;
    for (path, text) in files.iter().rev() {
        write_atomically(path, text.as_bytes())?;
    }
    let wrote: Vec<String> = files.iter().map(|(path, _)| path.display().to_string()).collect();
    writeln!(out, "wrote {}", and_list(&wrote))?;
    Ok(())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
