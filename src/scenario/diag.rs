//! Problems found in a scenario, rendered like a compiler's errors: file, line and
//! column, the offending text underlined, what is wrong and how to fix it
//! (docs/scenario-format.md, "Loading and checking").

use std::fmt;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
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
