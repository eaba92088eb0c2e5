//! The layers' rules (ARCHITECTURE.md, "Invariants"), checked on the source: views
//! never run the engine, `ops` is the only place that wires the engine to views,
//! and the library never touches the process.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A file's code outside its tests and comments, line by line with line numbers.
fn code(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// Where `needles` occur in the code of the library's files under `under` that
/// `skip` does not exclude, as `path:line: text`.
fn uses(under: &str, skip: &dyn Fn(&Path) -> bool, needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for path in sources(&root.join(under)) {
        let rel = path.strip_prefix(root).unwrap();
        if skip(rel) {
            continue;
        }
        for (n, line) in code(&path) {
            if needles.iter().any(|needle| line.contains(needle)) {
                found.push(format!("{}:{n}: {}", rel.display(), line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_planner_never_runs_the_engine() {
    let found = uses("src/plan", &|_| false, &["engine::run", "crate::ops", "engine::{", "AsyncEngine"]);
    assert!(found.is_empty(), "the planner runs something:\n{}", found.join("\n"));
}

#[test]
fn views_never_run_the_engine() {
    let found = uses("src/view", &|_| false, &["engine::run", "crate::ops", "crate::run", "engine::{self"]);
    assert!(found.is_empty(), "a view runs something:\n{}", found.join("\n"));
}

#[test]
fn only_ops_runs_the_engine() {
    let skip = |p: &Path| p.starts_with("src/ops") || p.starts_with("src/engine");
    let found = uses("src", &skip, &["engine::run(", "engine::{self"]);
    assert!(found.is_empty(), "the engine run outside ops:\n{}", found.join("\n"));
}

#[test]
fn the_library_never_touches_the_process() {
    let needles = ["print!(", "println!(", "eprint!(", "eprintln!(", "std::process", "signal_hook"];
    let found = uses("src", &|_| false, &needles);
    assert!(found.is_empty(), "the library touches the process:\n{}", found.join("\n"));
}
