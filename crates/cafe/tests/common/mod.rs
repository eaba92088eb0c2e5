//! What the command's integration tests share: running `cafe` as a user runs it and
//! reading what it printed.

use std::process::{Command, Output};

/// Runs `cafe` with `args` to the end, without the caller's `$COLUMNS` (tables
/// printed to a pipe keep to it when it is set).
pub fn cafe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cafe")).args(args).env_remove("COLUMNS").output().expect("cafe runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
