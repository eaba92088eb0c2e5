//! Problems found in a scenario, rendered like a compiler's errors: file, line and
//! column, the offending text underlined, what is wrong and how to fix it
//! (docs/scenario-format.md, "Loading and checking").
//!
//! Every problem keeps its span, so [`ScenarioError::location`] gives its file, line
//! and column whatever the build. Drawing the source line with the span underlined
//! is codespan-reporting's, with the `diagnostics` feature; without it,
//! [`ScenarioError::render`] writes each problem's message, `file:line:column` and
//! help on lines of their own.

use std::fmt;
use std::ops::Range;

#[cfg(feature = "diagnostics")]
use codespan_reporting::diagnostic::{Diagnostic, Label};
#[cfg(feature = "diagnostics")]
use codespan_reporting::files::SimpleFiles;
#[cfg(feature = "diagnostics")]
use codespan_reporting::term::{self, Config};

/// One problem, located in one of the error's files (0 is the scenario itself).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Index into [`ScenarioError::files`].
    pub file: usize,
    /// The offending text, as a byte range of that file's contents; `None` when the
    /// problem is about the file as a whole (then the rendering names the file).
    pub span: Option<Range<usize>>,
    /// What is wrong, in one line.
    pub message: String,
    /// Short text under the underlined span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Where a problem is: a file's display name, and a line and a column, both from 1
/// (the column counts characters, as an editor does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'e> {
    /// The file's display name: a path, `<built-in cafe>`, `mine.toml`.
    pub file: &'e str,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// A problem as a front door hands it on (a Python exception's `problems`, the
/// studio's JSON): its file's display name, where it is, and its words.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LocatedProblem {
    /// The file it is in: the scenario's name, or a file it refers to.
    pub file: String,
    /// The line, from 1; `None` for a problem about a file as a whole.
    pub line: Option<usize>,
    /// The column, from 1, in characters; `None` with `line`.
    pub column: Option<usize>,
    /// What is wrong, in one line.
    pub message: String,
    /// The short text under the offending text.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Everything wrong with a scenario, found in one pass.
#[derive(Clone, Debug)]
pub struct ScenarioError {
    /// (display name, contents) of each file the problems point into.
    pub files: Vec<(String, String)>,
    /// In the order found.
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

    /// Where `problem` (one of [`ScenarioError::problems`]) is: its file's display
    /// name, and the line and column its span starts at; `None` for a problem about
    /// a file as a whole.
    pub fn location(&self, problem: &Problem) -> Option<Location<'_>> {
        let span = problem.span.as_ref()?;
        let (file, text) = &self.files[problem.file];
        let before = &text[..span.start.min(text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some(Location {
            file,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        })
    }

    /// Every problem, located ([`ScenarioError::location`]), in the order found.
    pub fn located(&self) -> Vec<LocatedProblem> {
        self.problems
            .iter()
            .map(|p| {
                let at = self.location(p);
                LocatedProblem {
                    file: self.files[p.file].0.clone(),
                    line: at.map(|a| a.line),
                    column: at.map(|a| a.column),
                    message: p.message.clone(),
                    label: p.label.clone(),
                    help: p.help.clone(),
                }
            })
            .collect()
    }

    /// Renders every problem, then a count, as plain text: with the `diagnostics`
    /// feature, each with its source line and the span underlined.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_problems(&mut out);
        let n = self.problems.len();
        out.push_str(&format!(
            "error: {} has {n} problem{}\n",
            self.files[0].0,
            if n == 1 { "" } else { "s" }
        ));
        out
    }

    /// Every problem, as codespan-reporting draws it.
    #[cfg(feature = "diagnostics")]
    fn render_problems(&self, out: &mut String) {
        let mut files = SimpleFiles::new();
        for (name, text) in &self.files {
            files.add(name.as_str(), text.as_str());
        }
        let config = Config::default();
        for p in &self.problems {
            let d = self.diagnostic(p);
            term::emit_to_string(out, &config, &files, &d).expect("spans lie inside their files");
        }
    }

    /// A problem as codespan-reporting's diagnostic.
    #[cfg(feature = "diagnostics")]
    fn diagnostic(&self, p: &Problem) -> Diagnostic<usize> {
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
        d
    }

    /// Every problem on lines of its own: the message, where, and the help.
    #[cfg(not(feature = "diagnostics"))]
    fn render_problems(&self, out: &mut String) {
        for p in &self.problems {
            self.render_plain(p, out);
        }
    }

    /// One problem on lines of its own.
    #[cfg(not(feature = "diagnostics"))]
    fn render_plain(&self, p: &Problem, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(out, "error: {}", p.message);
        match self.location(p) {
            Some(Location { file, line, column }) => {
                let _ = writeln!(out, "  --> {file}:{line}:{column}: {}", p.label);
            }
            None if !p.message.contains(&self.files[p.file].0) => {
                let _ = writeln!(out, "  = in {}", self.files[p.file].0);
            }
            None => {}
        }
        if let Some(help) = &p.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out.push('\n');
    }
}

/// `bytes` as text; or, where they are not UTF-8, the text with U+FFFD in place of
/// each invalid sequence, and a problem in file `file` at the first on each line.
/// `what` names the file in the help: "the scenario", "the CSV file".
pub fn utf8(bytes: Vec<u8>, file: usize, what: &str) -> Result<String, (String, Vec<Problem>)> {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 2);
    let mut problems = Vec::new();
    let (mut line, mut reported) = (0, None);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        line += chunk.valid().matches('\n').count();
        let bad = chunk.invalid();
        if bad.is_empty() {
            continue;
        }
        let at = text.len();
        text.push('\u{FFFD}');
        if reported == Some(line) {
            continue;
        }
        reported = Some(line);
        let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
        let message = match hex.len() {
            1 => format!("not UTF-8 text: byte {} is not part of a character", hex[0]),
            _ => format!("not UTF-8 text: bytes {} are not a character", hex.join(" ")),
        };
        problems.push(Problem {
            file,
            span: Some(at..text.len()),
            message,
            label: "not UTF-8".into(),
            help: Some(format!("save {what} as UTF-8 text")),
        });
    }
    Err((text, problems))
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_located_by_line_and_column_in_characters() {
        let text = "[kitchen]\nequipment = { \"é\" = -1 }\n";
        let err = crate::scenario::load_str("mine", text).unwrap_err();
        let at = text.find("-1").unwrap();
        let p = err.problems.iter().find(|p| p.span.as_ref().is_some_and(|s| s.start == at)).unwrap();
        // `é` is two bytes and one character.
        assert_eq!(err.location(p), Some(Location { file: "mine.toml", line: 2, column: 21 }));
        let whole = err.problems.iter().find(|p| p.span.is_none()).expect("no recipes: about the whole file");
        assert_eq!(err.location(whole), None);
        // Either rendering (with or without the `diagnostics` feature) says where.
        let rendered = err.render();
        assert!(rendered.contains("mine.toml:2:21"), "{rendered}");
        assert!(
            rendered.contains(&p.message) && rendered.ends_with("error: mine.toml has 4 problems\n"),
            "{rendered}"
        );
    }
}
