//! What the library's integration tests share: loading scenarios (built-in, or
//! written in the test) and comparing output with golden files. Each test file has
//! `mod common;` and uses what it needs.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

pub mod loop_trace;

use std::path::{Path, PathBuf};

use async_cafe::builtin;
use async_cafe::model::Scenario;
use async_cafe::scenario;

/// The repository's root, where `tests/golden/` and `tests/reference/` are.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in scenario `name`, loaded.
pub fn load_builtin(name: &str) -> Scenario {
    let b = builtin::find(name).unwrap_or_else(|| panic!("no built-in scenario {name:?}"));
    b.load().unwrap_or_else(|e| panic!("{}", e.render()))
}

/// Loads `toml` as the scenario `name` from the file `NAME.toml` (naming no other
/// file); its problems rendered as `cafe check` prints them.
pub fn try_load(name: &str, toml: &str) -> Result<Scenario, String> {
    scenario::load_str(name, toml).map_err(|e| e.render())
}

/// [`try_load`], for a scenario that must load: its problems are the panic's message.
#[track_caller]
pub fn load_as(name: &str, toml: &str) -> Scenario {
    try_load(name, toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

/// [`load_as`] the scenario `t` (file `t.toml`).
#[track_caller]
pub fn load(toml: &str) -> Scenario {
    load_as("t", toml)
}

/// The problems of a scenario that must not load, rendered.
#[track_caller]
pub fn load_err(name: &str, toml: &str) -> String {
    match try_load(name, toml) {
        Ok(_) => panic!("the scenario loaded, but problems were expected:\n{toml}"),
        Err(e) => e,
    }
}

/// Whether `UPDATE_GOLDEN` is set (to anything but nothing): then golden files are
/// rewritten instead of compared.
pub fn updating_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty())
}

/// Compares `got` with the golden file at `path`, byte for byte; with
/// `UPDATE_GOLDEN=1`, writes it instead (creating its directory). The error says
/// which file, from which line, with a few lines of each around it.
pub fn golden(path: &Path, got: &str) -> Result<(), String> {
    if updating_golden() {
        std::fs::create_dir_all(path.parent().expect("a golden file is in a directory")).unwrap();
        std::fs::write(path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return Ok(());
    }
    let want = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()))?;
    if got == want {
        return Ok(());
    }
    let line = got.lines().zip(want.lines()).position(|(g, w)| g != w);
    let line = line.unwrap_or(got.lines().count().min(want.lines().count()));
    let show = |s: &str| s.lines().skip(line.saturating_sub(3)).take(12).collect::<Vec<_>>().join("\n");
    Err(format!(
        "{} differs from line {} (UPDATE_GOLDEN=1 rewrites it):\n--- want\n{}\n--- got\n{}",
        path.display(),
        line + 1,
        show(&want),
        show(got)
    ))
}

/// [`golden`] for several files: every difference, then one panic.
#[track_caller]
pub fn assert_goldens(results: impl IntoIterator<Item = Result<(), String>>) {
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The Python interpreter the tests that run CPython use (`CAFE_PYTHON`, default
/// `python3`), checked to run; `None` with `CAFE_SKIP_DIFFERENTIAL=1`, when they
/// are skipped.
pub fn python() -> Option<String> {
    if std::env::var("CAFE_SKIP_DIFFERENTIAL").is_ok_and(|v| v == "1") {
        eprintln!("CAFE_SKIP_DIFFERENTIAL=1: the programs are not run");
        return None;
    }
    let py = std::env::var("CAFE_PYTHON").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "python3".into());
    let ok = std::process::Command::new(&py).arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(ok, "cannot run `{py} --version`: set CAFE_PYTHON, or CAFE_SKIP_DIFFERENTIAL=1 to skip");
    Some(py)
}
