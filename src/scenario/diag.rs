//! Problems found in a scenario, rendered like a compiler's errors: file, line and
//! column, the offending text underlined, what is wrong and how to fix it.

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

/// One problem, located in one of the error's files (0 is the scenario itself).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub file: usize,
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Short text under the underlined span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Everything wrong with a scenario, found in one pass.
#[derive(Clone, Debug)]
pub struct ScenarioError {
    /// (display name, contents) of each file the problems point into.
    pub files: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

impl ScenarioError {
    /// A problem that is about a file as a whole (missing, unreadable).
    pub fn whole_file(name: &str, message: String, help: Option<String>) -> ScenarioError {
        ScenarioError {
            files: vec![(name.to_string(), String::new())],
            problems: vec![Problem { file: 0, span: None, message, label: String::new(), help }],
        }
    }

    /// Renders every problem, then a count, as plain text.
    pub fn render(&self) -> String {
        let mut files = SimpleFiles::new();
        for (name, text) in &self.files {
            files.add(name.clone(), text.clone());
        }
        let config = Config::default();
        let mut out = String::new();
        for p in &self.problems {
            let mut d = Diagnostic::error().with_message(&p.message);
            match &p.span {
                Some(span) => {
                    d = d.with_labels(vec![Label::primary(p.file, span.clone()).with_message(&p.label)]);
                }
                // Say which file, unless the message does.
                None if !p.message.contains(&self.files[p.file].0) => {
                    d = d.with_notes(vec![format!("in {}", self.files[p.file].0)]);
                }
                None => {}
            }
            if let Some(help) = &p.help {
                d = d.with_notes(vec![format!("help: {help}")]);
            }
            term::emit_to_string(&mut out, &config, &files, &d).expect("spans lie inside their files");
        }
        let n = self.problems.len();
        out.push_str(&format!(
            "error: {} has {n} problem{}\n",
            self.files[0].0,
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for ScenarioError {}
