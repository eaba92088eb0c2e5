//! Problems found in a scenario, rendered like a compiler's errors: file, line and
//! column, the offending text underlined, what is wrong and how to fix it
//! (docs/scenario-format.md, "Loading and checking").
//!
//! Every problem keeps its span, so [`ScenarioError::location`] gives its file, line
//! and column whatever the build. Drawing the source line with the span underlined
//! is codespan-reporting's, with the `diagnostics` feature; without it,
//! [`ScenarioError::render`] writes each problem's message, `file:line:column` and
//! help on lines of their own.
//!
//! However large or broken the input, what is said stays small: [`Problems`] keeps
//! the first [`MAX_KEPT`] problems in file order and only counts the rest, by kind;
//! a problem's words are cut to [`MAX_TEXT`] characters, with any character a
//! terminal would obey written as an escape (`\u{1b}`); the rendering shows the first
//! [`MAX_SHOWN`] problems, then `… and N more problems`, and draws a long source line
//! as a window of at most [`MAX_LINE`] characters around the problem (`…` marks what
//! is left out), with the column still counted in the whole line.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::ops::Range;

#[cfg(feature = "diagnostics")]
use codespan_reporting::diagnostic::{Diagnostic, Label};
#[cfg(feature = "diagnostics")]
use codespan_reporting::term::{self, Config};

use crate::time::thousands;

#[cfg(feature = "diagnostics")]
mod excerpt;
#[cfg(feature = "diagnostics")]
use excerpt::Excerpt;

/// The most problems a [`ScenarioError`] keeps: the first in file order. Past it,
/// problems are only counted, by kind ([`ScenarioError::omitted`]).
pub const MAX_KEPT: usize = 1_000;

/// The most problems [`ScenarioError::render`] shows; a line `… and N more problems`
/// counts the rest.
pub const MAX_SHOWN: usize = 100;

/// The most characters of a problem's message or help (a name 20 MB long, or a
/// list of 10,000 items, is cut in the middle, at a `…`).
pub const MAX_TEXT: usize = 400;

/// The most characters of a source line drawn under a problem: a longer line is
/// shown as a window around the problem, `…` marking what is left out.
pub const MAX_LINE: usize = 120;

/// The most characters of a label (the text under the underline).
const MAX_LABEL: usize = 60;

/// How many kinds of problem the `… and N more` line names, and keeps count of.
const MAX_KINDS: usize = 6;
const MAX_COUNTED_KINDS: usize = 64;

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
    /// Short text under the underlined span; also the problem's kind, by which
    /// problems past [`MAX_KEPT`] are counted (`unknown field`, `out of range`).
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
    /// The problems in file order (those about a file as a whole first): all of
    /// them, or the first [`MAX_KEPT`] when there are more.
    pub problems: Vec<Problem>,
    /// How many problems were found past the first [`MAX_KEPT`], by kind (their
    /// label), most first; empty when `problems` has them all.
    pub omitted: Vec<(String, usize)>,
}

impl ScenarioError {
    /// A problem that is about a file as a whole (missing, unreadable).
    pub fn whole_file(name: &str, message: String, help: Option<String>) -> ScenarioError {
        let mut problems = Problems::default();
        problems.push(Problem { file: 0, span: None, message, label: String::new(), help });
        problems.into_error(vec![(name.to_string(), String::new())])
    }

    /// How many problems were found: those in [`ScenarioError::problems`] and those
    /// [`ScenarioError::omitted`].
    pub fn count(&self) -> usize {
        self.problems.len() + self.omitted.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// Where `problem` (one of [`ScenarioError::problems`]) is: its file's display
    /// name, and the line and column its span starts at; `None` for a problem about
    /// a file as a whole.
    pub fn location(&self, problem: &Problem) -> Option<Location<'_>> {
        let span = problem.span.as_ref()?;
        let (file, text) = &self.files[problem.file];
        let (line, column, _) = Cursor::new(text).seek(span.start);
        Some(Location { file, line, column })
    }

    /// The location of each of `problems` (in file order, as kept), found in one pass
    /// over each file.
    fn locations<'e>(&'e self, problems: &[Problem]) -> Vec<Option<Location<'e>>> {
        let mut cursor: Option<(usize, Cursor<'e>)> = None;
        problems
            .iter()
            .map(|p| {
                let span = p.span.as_ref()?;
                let (file, text) = &self.files[p.file];
                if cursor.as_ref().map(|(f, _)| *f) != Some(p.file) {
                    cursor = Some((p.file, Cursor::new(text)));
                }
                let (_, c) = cursor.as_mut().expect("set");
                let (line, column, _) = c.seek(span.start);
                Some(Location { file, line, column })
            })
            .collect()
    }

    /// Every problem kept, located ([`ScenarioError::location`]), in file order.
    pub fn located(&self) -> Vec<LocatedProblem> {
        let at = self.locations(&self.problems);
        self.problems
            .iter()
            .zip(at)
            .map(|(p, at)| LocatedProblem {
                file: self.files[p.file].0.clone(),
                line: at.map(|a| a.line),
                column: at.map(|a| a.column),
                message: p.message.clone(),
                label: p.label.clone(),
                help: p.help.clone(),
            })
            .collect()
    }

    /// Renders the first [`MAX_SHOWN`] problems, a line counting the others by kind
    /// if there are more, then the count, as plain text: with the `diagnostics`
    /// feature, each with (a window of) its source line and the span underlined.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let shown = &self.problems[..self.problems.len().min(MAX_SHOWN)];
        self.render_problems(shown, &mut out);
        let n = self.count();
        if n > shown.len() {
            out.push_str(&self.more(n - shown.len()));
            out.push_str("\n\n");
        }
        out.push_str(&format!("error: {}\n", self.headline()));
        out
    }

    /// `mine.toml has 1,500 problems`: the scenario's name and how many problems were
    /// found (the last line of [`ScenarioError::render`]).
    pub fn headline(&self) -> String {
        let n = self.count();
        format!(
            "{} has {} problem{}",
            printable(&self.files[0].0),
            thousands(n as u64),
            if n == 1 { "" } else { "s" }
        )
    }

    /// `… and 9,900 more problems (not on the menu: 9,900)`: the problems not shown,
    /// by kind, most first.
    fn more(&self, n: usize) -> String {
        let mut kinds: HashMap<&str, usize> = HashMap::new();
        for p in self.problems.iter().skip(MAX_SHOWN) {
            *kinds.entry(kind(&p.label)).or_default() += 1;
        }
        for (label, k) in &self.omitted {
            *kinds.entry(kind(label)).or_default() += k;
        }
        let mut kinds: Vec<(&str, usize)> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let (mut parts, mut other) = (Vec::new(), 0);
        for (label, k) in kinds {
            if label != "other" && parts.len() < MAX_KINDS {
                parts.push(format!("{label}: {}", thousands(k as u64)));
            } else {
                other += k;
            }
        }
        if other > 0 {
            parts.push(format!("other: {}", thousands(other as u64)));
        }
        format!(
            "… and {} more problem{} ({})",
            thousands(n as u64),
            if n == 1 { "" } else { "s" },
            parts.join("; ")
        )
    }

    /// `problems`, as codespan-reporting draws them, each against an excerpt of its
    /// file: the lines it spans, each a window of at most [`MAX_LINE`] characters.
    #[cfg(feature = "diagnostics")]
    fn render_problems(&self, problems: &[Problem], out: &mut String) {
        let config = Config::default();
        let mut cursor: Option<(usize, Cursor<'_>)> = None;
        for p in problems {
            let (name, text) = &self.files[p.file];
            if cursor.as_ref().map(|(f, _)| *f) != Some(p.file) {
                cursor = Some((p.file, Cursor::new(text)));
            }
            let (_, c) = cursor.as_mut().expect("set");
            let (excerpt, label) = match &p.span {
                Some(span) => {
                    let (excerpt, label) = Excerpt::new(name, text, span.clone(), c);
                    (excerpt, Some(label))
                }
                None => (Excerpt::empty(name), None),
            };
            let d = self.diagnostic(p, label);
            term::emit_to_string(out, &config, &excerpt, &d).expect("labels lie inside their excerpts");
        }
    }

    /// A problem as codespan-reporting's diagnostic, its label at `label` in its excerpt.
    #[cfg(feature = "diagnostics")]
    fn diagnostic(&self, p: &Problem, label: Option<Range<usize>>) -> Diagnostic<()> {
        let mut d = Diagnostic::error().with_message(&p.message);
        match label {
            Some(range) => {
                d = d.with_labels(vec![Label::primary((), range).with_message(&p.label)]);
            }
            // Say which file, unless the message does.
            None if !p.message.contains(&self.files[p.file].0) => {
                d = d.with_notes(vec![format!("in {}", printable(&self.files[p.file].0))]);
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
    fn render_problems(&self, problems: &[Problem], out: &mut String) {
        for (p, at) in problems.iter().zip(self.locations(problems)) {
            self.render_plain(p, at, out);
        }
    }

    /// One problem on lines of its own.
    #[cfg(not(feature = "diagnostics"))]
    fn render_plain(&self, p: &Problem, at: Option<Location<'_>>, out: &mut String) {
        use std::fmt::Write as _;
        let _ = writeln!(out, "error: {}", p.message);
        match at {
            Some(Location { file, line, column }) => {
                let _ = writeln!(out, "  --> {}:{line}:{column}: {}", printable(file), p.label);
            }
            None if !p.message.contains(&self.files[p.file].0) => {
                let _ = writeln!(out, "  = in {}", printable(&self.files[p.file].0));
            }
            None => {}
        }
        if let Some(help) = &p.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out.push('\n');
    }
}

/// A label as a kind of problem, for the `… and N more` line: `other` for one that
/// says nothing without its underline (`here`), or none.
fn kind(label: &str) -> &str {
    if label.is_empty() || label == "here" { "other" } else { label }
}

/// Problems as they are found: the first [`MAX_KEPT`] in file order are kept (each
/// one's words made safe to print and cut to [`MAX_TEXT`] characters), the others
/// counted by kind. Memory stays bounded however many there are.
#[derive(Debug, Default)]
pub struct Problems {
    /// The kept problems, the last in file order on top (to be dropped first).
    kept: BinaryHeap<Ranked>,
    /// How many were pushed, kept or not.
    found: usize,
    /// Of those not kept, how many of each kind (label).
    omitted: HashMap<String, usize>,
}

/// A problem and its place in file order: file, start (none first), then the order
/// found.
#[derive(Debug)]
struct Ranked {
    key: (usize, Option<usize>, usize),
    problem: Problem,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.key == other.key
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl Problems {
    /// Adds a problem: kept if it is among the first [`MAX_KEPT`] in file order so far.
    pub fn push(&mut self, p: Problem) {
        let key = (p.file, p.span.as_ref().map(|s| s.start), self.found);
        self.found += 1;
        if self.kept.len() >= MAX_KEPT {
            let last = self.kept.peek().expect("full").key;
            if key > last {
                self.count_omitted(&p.label);
                return;
            }
            let dropped = self.kept.pop().expect("full");
            self.count_omitted(&dropped.problem.label);
        }
        let problem = Problem {
            file: p.file,
            span: p.span,
            message: tidy(&p.message, MAX_TEXT, false),
            label: tidy(&p.label, MAX_LABEL, false),
            help: p.help.map(|h| tidy(&h, MAX_TEXT, true)),
        };
        self.kept.push(Ranked { key, problem });
    }

    fn count_omitted(&mut self, label: &str) {
        let label = tidy(label, MAX_LABEL, false);
        let known = self.omitted.contains_key(&label);
        let key = if known || self.omitted.len() < MAX_COUNTED_KINDS { label } else { "other".to_string() };
        *self.omitted.entry(key).or_default() += 1;
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.found == 0
    }

    /// How many problems were found, kept or not.
    pub fn len(&self) -> usize {
        self.found
    }

    /// The error: the problems kept, in file order, in `files`, and the others' count.
    pub fn into_error(self, files: Vec<(String, String)>) -> ScenarioError {
        let problems = self.kept.into_sorted_vec().into_iter().map(|r| r.problem).collect();
        let mut omitted: Vec<(String, usize)> = self.omitted.into_iter().collect();
        omitted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ScenarioError { files, problems, omitted }
    }
}

impl Extend<Problem> for Problems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        for p in iter {
            self.push(p);
        }
    }
}

/// Whether a name or a line the scenario gives must not contain `c`: a control
/// character (Unicode's category Cc: U+0000 to U+001F, U+007F to U+009F, which
/// include the tab, line breaks and the escape that starts a terminal's commands)
/// or a bidirectional control (U+202A to U+202E, U+2066 to U+2069), which reorders
/// the text around it.
pub fn forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with each [`forbidden`] character written as an escape (`\u{1b}`, `\n`), so
/// that printing it cannot command a terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(forbidden) {
        return s.into();
    }
    escape(s, false).into()
}

fn escape(s: &str, keep_line_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if forbidden(c) && !(keep_line_breaks && c == '\n') {
            out.extend(c.escape_debug());
            // `escape_debug` leaves some of them as they are (none today).
            if out.ends_with(c) {
                out.pop();
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A problem's words as kept: [`printable`] (line breaks kept in a help, which may
/// show an example on several lines), and at most `max` characters: a longer text
/// keeps its beginning and its end around a `…`.
fn tidy(s: &str, max: usize, lines: bool) -> String {
    let s = if s.chars().any(|c| forbidden(c) && !(lines && c == '\n')) {
        escape(s, lines)
    } else {
        s.to_string()
    };
    let n = s.chars().count();
    if n <= max {
        return s;
    }
    let tail = max / 4;
    let head = max - tail - 1;
    let head_end = s.char_indices().nth(head).map_or(s.len(), |(i, _)| i);
    let tail_start = s.char_indices().nth(n - tail).map_or(s.len(), |(i, _)| i);
    format!("{}…{}", &s[..head_end], &s[tail_start..])
}

/// The line and column of byte offsets of one text, each found from the one before
/// (from the start again when an offset comes before the last): locating problems
/// in file order reads each file once.
#[derive(Debug)]
struct Cursor<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    line_start: usize,
    column: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, at: 0, line: 1, line_start: 0, column: 1 }
    }

    /// The line and column (from 1, the column in characters) of byte `to` (clamped
    /// into the text, and to a character's start), and where its line starts.
    fn seek(&mut self, to: usize) -> (usize, usize, usize) {
        let to = floor_char(self.text, to);
        if to < self.at {
            *self = Cursor::new(self.text);
        }
        let between = &self.text[self.at..to];
        match between.rfind('\n') {
            Some(last) => {
                self.line += between.bytes().filter(|&b| b == b'\n').count();
                self.line_start = self.at + last + 1;
                self.column = self.text[self.line_start..to].chars().count() + 1;
            }
            None => self.column += between.chars().count(),
        }
        self.at = to;
        (self.line, self.column, self.line_start)
    }
}

/// `at`, clamped into `text` and moved back to the start of its character.
fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `bytes` as text; or, where they are not UTF-8, the text with U+FFFD in place of
/// each invalid sequence (`Err`), and a problem in file `file` at the first on each
/// line, added to `problems`. `what` names the file in the help: "the scenario",
/// "the CSV file".
pub fn utf8(bytes: Vec<u8>, file: usize, what: &str, problems: &mut Problems) -> Result<String, String> {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 2);
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
    Err(text)
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

    /// An error over `text` (file `mine.toml`) with one problem per span, labelled
    /// `label`.
    fn error_over(text: &str, spans: &[(Range<usize>, &str)]) -> ScenarioError {
        let mut problems = Problems::default();
        for (span, label) in spans {
            problems.push(Problem {
                file: 0,
                span: Some(span.clone()),
                message: format!("problem at {}", span.start),
                label: label.to_string(),
                help: Some("fix it".into()),
            });
        }
        problems.into_error(vec![("mine.toml".into(), text.into())])
    }

    #[test]
    fn locating_in_one_pass_agrees_with_locating_each_problem() {
        let text = "ab\né€x\n\n\r\nlast line ü\n";
        let naive = |at: usize| {
            let before = &text[..at];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (before.matches('\n').count() + 1, before[start..].chars().count() + 1)
        };
        let offsets: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut cursor = Cursor::new(text);
        // In file order, then backwards (each a fresh start), then out of the text.
        for &at in offsets.iter().chain(offsets.iter().rev()) {
            let (line, column, _) = cursor.seek(at);
            assert_eq!((line, column), naive(at), "at {at}");
        }
        let (line, column) = naive(text.len());
        assert_eq!(cursor.seek(text.len() + 10), (line, column, text.len()));
        let err = error_over(text, &offsets.iter().rev().map(|&at| (at..at, "here")).collect::<Vec<_>>());
        for (p, located) in err.problems.iter().zip(err.located()) {
            let at = err.location(p).unwrap();
            assert_eq!((located.line, located.column), (Some(at.line), Some(at.column)));
            assert_eq!((at.line, at.column), naive(p.span.as_ref().unwrap().start));
        }
    }

    /// Past [`MAX_KEPT`], problems are counted by kind, not kept: the kept ones are
    /// the first in file order whatever the order they are found in, and the
    /// rendering shows [`MAX_SHOWN`] of them and counts the rest.
    #[test]
    fn problems_past_the_cap_are_counted_by_kind() {
        let n = MAX_KEPT + 500;
        let text = "x".repeat(n);
        // Found last first: the kept are still the first in the file.
        let spans: Vec<(Range<usize>, &str)> = (0..n)
            .rev()
            .map(|i| (i..i + 1, if i % 3 == 0 { "unknown field" } else { "out of range" }))
            .collect();
        let err = error_over(&text, &spans);
        assert_eq!(err.problems.len(), MAX_KEPT);
        assert!(err.problems.iter().enumerate().all(|(i, p)| p.span == Some(i..i + 1)));
        let thirds = (MAX_KEPT..n).filter(|i| i % 3 == 0).count();
        assert_eq!(
            err.omitted,
            vec![("out of range".to_string(), 500 - thirds), ("unknown field".to_string(), thirds)]
        );
        assert_eq!((err.count(), err.located().len()), (n, MAX_KEPT));
        let rendered = err.render();
        assert_eq!(rendered.matches("error: problem at ").count(), MAX_SHOWN);
        let rest = n - MAX_SHOWN;
        let fields = (MAX_SHOWN..n).filter(|i| i % 3 == 0).count();
        let more = format!(
            "\n… and {} more problems (out of range: {}; unknown field: {})\n\nerror: mine.toml has 1,500 problems\n",
            thousands(rest as u64),
            thousands((rest - fields) as u64),
            thousands(fields as u64)
        );
        assert!(rendered.ends_with(&more), "{rendered}");
        // 100 problems of a few lines each, whatever the number found.
        assert!(rendered.len() < 100 * 400, "{}", rendered.len());
    }

    /// The `… and N more` line names the six most frequent kinds; the others, and
    /// labels that say nothing alone (`here`), are `other`.
    #[test]
    fn the_more_line_names_the_commonest_kinds() {
        let labels = ["a", "b", "c", "d", "e", "f", "g", "here"];
        let spans: Vec<(Range<usize>, &str)> = (0..MAX_SHOWN + 36)
            .map(|i| (i..i, if i < MAX_SHOWN { "shown" } else { labels[(i - MAX_SHOWN) % 8] }))
            .collect();
        let rendered = error_over(&"x".repeat(200), &spans).render();
        assert!(
            rendered.ends_with(
                "\n… and 36 more problems (a: 5; b: 5; c: 5; d: 5; e: 4; f: 4; other: 8)\n\nerror: mine.toml has 136 problems\n"
            ),
            "{rendered}"
        );
    }

    #[test]
    fn words_are_made_printable_and_cut_to_length() {
        assert_eq!(tidy("a\u{1b}[31mb\u{7}\u{202e}c\td", 100, false), "a\\u{1b}[31mb\\u{7}\\u{202e}c\\td");
        assert_eq!(tidy("one\ntwo", 100, false), "one\\ntwo");
        assert_eq!(tidy("one\ntwo", 100, true), "one\ntwo");
        assert_eq!(printable("plain é"), "plain é");
        let long = format!("unknown field `{}` in a scenario", "é".repeat(10_000));
        let cut = tidy(&long, MAX_TEXT, false);
        assert_eq!(cut.chars().count(), MAX_TEXT);
        assert!(
            cut.starts_with("unknown field `éé") && cut.ends_with("éé` in a scenario") && cut.contains('…')
        );
    }

    /// A 10,000-character line is drawn as a window around the problem, with its
    /// column counted in the whole line; so is every line of a label over many.
    #[test]
    fn a_long_line_is_drawn_as_a_window_around_the_problem() {
        let text = format!("{}HERE{}\n", "é".repeat(5_000), "z".repeat(5_000));
        let at = text.find("HERE").unwrap();
        let err = error_over(&text, &[(at..at + 4, "here")]);
        let rendered = err.render();
        assert!(rendered.contains("mine.toml:1:5001"), "{rendered}");
        assert!(rendered.lines().all(|l| l.chars().count() <= MAX_LINE + 10), "{rendered}");
        #[cfg(feature = "diagnostics")]
        {
            let lines: Vec<&str> = rendered.lines().collect();
            let source = lines.iter().find(|l| l.contains("HERE")).expect("the window holds the problem");
            let carets = lines.iter().find(|l| l.contains("^^^^ here")).unwrap();
            // The underline is under `HERE`, between a `…` at each end.
            assert_eq!(source.chars().position(|c| c == 'H'), carets.chars().position(|c| c == '^'));
            assert!(source.contains("│ …éé") && source.ends_with("zz…"), "{rendered}");
        }
    }

    #[cfg(feature = "diagnostics")]
    #[test]
    fn a_label_over_many_long_lines_keeps_its_first_and_last_lines_each_a_window() {
        let mut text = String::from("x = [\n");
        for i in 0..20 {
            text.push_str(&format!("  {i:02}{}\n", "-".repeat(300)));
        }
        text.push_str("]\n");
        let start = text.find('[').unwrap();
        let end = text.rfind(']').unwrap() + 1;
        let rendered = error_over(&text, &[(start..end, "this array")]).render();
        let dashes = "-".repeat(MAX_LINE - 4);
        let expected = format!(
            r#"error: problem at 4
   ┌─ mine.toml:1:5
   │  
 1 │   x = [
   │ ╭─────^
 2 │ │   00{dashes}…
 3 │ │   01{dashes}…
 4 │ │   02{dashes}…
   · │
21 │ │   19{dashes}…
22 │ │ ]
   │ ╰─^ this array
   │  
   = help: fix it

error: mine.toml has 1 problem
"#
        );
        assert_eq!(rendered, expected);
        // The label's start in a long line, and its end in another.
        let text = format!("{}[\n{}\n{}]\n", "a".repeat(500), "b".repeat(500), "c".repeat(500));
        let (start, end) = (text.find('[').unwrap(), text.find(']').unwrap() + 1);
        let rendered = error_over(&text, &[(start..end, "this")]).render();
        assert!(rendered.contains("mine.toml:1:501"), "{rendered}");
        assert!(rendered.lines().all(|l| l.chars().count() <= MAX_LINE + 20), "{rendered}");
        assert!(rendered.contains("aaa[\n") && rendered.contains("ccc]\n"), "{rendered}");
    }

    /// A source line is drawn with its control characters as symbols, one for one,
    /// so that it cannot command the terminal and the underline stays in place.
    #[cfg(feature = "diagnostics")]
    #[test]
    fn control_characters_in_a_source_line_are_drawn_as_symbols() {
        let text = "a\u{1b}[2J\u{7}\u{202e}b = 1\r\n";
        let at = text.find('b').unwrap();
        let rendered = error_over(text, &[(at..at + 1, "here")]).render();
        assert!(rendered.contains("1 │ a␛[2J␇\u{FFFD}b = 1\n  │        ^ here\n"), "{rendered}");
        assert!(!rendered.chars().any(|c| forbidden(c) && c != '\n'), "{rendered:?}");
    }
}
