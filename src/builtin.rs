//! The built-in scenarios, compiled into the library from `scenarios/`.

use crate::model::Scenario;
use crate::scenario::{FoundFile, ScenarioError, Source};

/// A built-in scenario: its name, its TOML, and the files it refers to.
pub struct Builtin {
    /// The name the command takes (`cafe run NAME`): the file's stem in `scenarios/`.
    pub name: &'static str,
    /// The scenario's TOML text, as in its file.
    pub toml: &'static str,
    files: &'static [(&'static str, &'static str)],
}

macro_rules! builtin {
    ($name:literal $(, $file:literal)*) => {
        Builtin {
            name: $name,
            toml: include_str!(concat!("../scenarios/", $name, ".toml")),
            files: &[$(($file, include_str!(concat!("../scenarios/", $file)))),*],
        }
    };
}

/// Every built-in, in the order `cafe list` shows them.
pub const BUILTINS: &[Builtin] = &[
    builtin!("cafe"),
    builtin!("hello-async"),
    builtin!("gather-tasks"),
    builtin!("create-tasks"),
    builtin!("make-coffee-wrong"),
    builtin!("make-coffee-toast-blocked"),
    builtin!("make-coffee-toast-concurrent"),
    builtin!("hi"),
    builtin!("hi-blocking"),
    builtin!("lunch"),
    builtin!("lunch-helper"),
    builtin!("breakfast"),
    builtin!("breakfast-helper"),
    builtin!("coffee-shop"),
    builtin!("coffee-shop-replay", "coffee_shop_408.csv"),
    builtin!("bakery"),
    builtin!("rush-hour"),
    builtin!("takeaway"),
];

/// The built-in called `name`.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// Built-in names close to `name`, best first.
pub fn suggestions(name: &str) -> Vec<&'static str> {
    crate::suggest::all_close(name, BUILTINS.iter().map(|b| b.name))
}

impl Builtin {
    /// The files the scenario refers to (a day it replays), each as the name its TOML
    /// gives (a plain file name, beside the TOML) with its text: what a copy of the
    /// scenario needs beside it to load (`cafe show NAME --to DIR` writes them).
    pub fn files(&self) -> &'static [(&'static str, &'static str)] {
        self.files
    }

    /// Loads the scenario. Built-ins are checked by the test suite, so this only fails
    /// if the library was built from a broken tree.
    pub fn load(&self) -> Result<Scenario, ScenarioError> {
        let files = self.files;
        let resolve = move |name: &str| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(n, text)| FoundFile { display: format!("<built-in {n}>"), text: text.to_string() })
                .ok_or_else(|| format!("built-in file {name} does not exist"))
        };
        Source::new(self.name, self.toml)
            .display(format!("<built-in {}>", self.name))
            .resolver(&resolve)
            .load()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_and_is_named_after_its_file() {
        for b in BUILTINS {
            if cfg!(not(feature = "replay")) && !b.files.is_empty() {
                // A replayed day needs the `replay` feature, and says so where it is named.
                let err = b.load().unwrap_err().render();
                assert!(err.contains("this build of async-cafe reads no replayed day"), "{err}");
                continue;
            }
            let sc = b.load().unwrap_or_else(|e| panic!("{}:\n{e}", b.name));
            assert_eq!(sc.name, b.name);
            assert!(!sc.summary.is_empty(), "{} has a summary", b.name);
            for (name, _) in b.files() {
                let plain = std::path::Path::new(name).file_name() == Some(std::ffi::OsStr::new(name));
                assert!(plain, "{}: {name} is a plain file name, written beside the TOML", b.name);
            }
        }
    }

    #[test]
    fn unknown_names_get_suggestions() {
        assert_eq!(suggestions("lunch-helpr").first(), Some(&"lunch-helper"));
        assert!(suggestions("coffee").contains(&"coffee-shop"));
    }
}
