//! What the command's integration tests share: running `cafe` as a user runs it and
//! reading what it printed.

use std::process::{Command, Output};

/// Runs `cafe` with `args` to the end.
pub fn cafe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cafe")).args(args).output().expect("cafe runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
