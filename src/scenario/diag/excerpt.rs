//! A problem's source lines as they are drawn (the `diagnostics` feature): an
//! [`Excerpt`] of its file, the lines its span covers, each a window of at most
//! [`MAX_LINE`] characters around it, for codespan-reporting to draw.

use std::ops::Range;

use codespan_reporting::files::{self, Files};

use super::{Cursor, MAX_LINE, floor_char, forbidden, printable};

/// The end of the line `at` is in, before its line break (`\n` or `\r\n`).
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end }
}

/// The position `n` characters before `from`, or `limit` if that comes first, and
/// how many characters back it is.
fn back(text: &str, limit: usize, from: usize, n: usize) -> (usize, usize) {
    let mut moved = 0;
    let mut at = from;
    for (i, _) in text[limit..from].char_indices().rev().take(n) {
        at = limit + i;
        moved += 1;
    }
    (at, moved)
}

/// The position `n` characters after `from`, or `limit` if that comes first, and
/// how many characters on it is.
fn forward(text: &str, from: usize, limit: usize, n: usize) -> (usize, usize) {
    let rest = &text[from..limit];
    match rest.char_indices().nth(n) {
        Some((i, _)) => (from + i, n),
        None => (limit, rest.chars().count()),
    }
}

/// The window of the line `start..end` to show around `focus`: from the line's
/// start if `focus` is among its first two thirds of [`MAX_LINE`] characters, else
/// from `before` characters before it; [`MAX_LINE`] characters in all.
fn window(text: &str, start: usize, end: usize, focus: usize, before: usize) -> Range<usize> {
    let (from, _) = back(text, start, focus, MAX_LINE * 2 / 3);
    let (from, _) = if from == start { (from, 0) } else { back(text, start, focus, before) };
    let (to, used) = forward(text, from, end, MAX_LINE);
    let from = if used < MAX_LINE { back(text, start, from, MAX_LINE - used).0 } else { from };
    from..to
}

/// A character of a source line as it is drawn: a control character as its symbol
/// (U+2400 to U+2421: `␛` for an escape), a bidirectional control as U+FFFD, so
/// that drawing the line cannot command a terminal; one character for one, so the
/// underline stays under its text.
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\x7f' => '\u{2421}',
        c if forbidden(c) => '\u{FFFD}',
        c => c,
    }
}

/// A line of an [`Excerpt`].
#[derive(Debug)]
struct Shown {
    /// The line's text in the excerpt (a `…` included).
    range: Range<usize>,
    /// The line's number in its file.
    number: usize,
    /// The column, in the file, of the line's first character after a leading `…`.
    column: usize,
    /// The bytes of a leading `…`.
    skip: usize,
}

/// What codespan-reporting draws a problem against: the lines of its file the
/// problem spans, each a window of at most [`MAX_LINE`] characters around it, and
/// each with its number and columns in the file. A label over many lines keeps its
/// first four and last two (the lines between are not drawn): what is left out of a
/// long line is marked with `…`.
#[derive(Debug)]
pub(super) struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Shown>,
}

impl Excerpt {
    /// No line: for a problem about its file as a whole.
    pub(super) fn empty(name: &str) -> Excerpt {
        Excerpt { name: printable(name).into_owned(), text: String::new(), lines: Vec::new() }
    }

    /// The excerpt of `text` (the file `name`) for a label over `span`, and where the
    /// label is in it; `cursor` locates `span`'s start.
    pub(super) fn new(
        name: &str,
        text: &str,
        span: Range<usize>,
        cursor: &mut Cursor<'_>,
    ) -> (Excerpt, Range<usize>) {
        let mut ex = Excerpt::empty(name);
        let a = floor_char(text, span.start);
        let mut b = floor_char(text, span.end).max(a);
        // A span ending with a line break underlines up to it, on its last line.
        while b > a && text.as_bytes()[b - 1] == b'\n' {
            b -= 1;
            if b > a && text.as_bytes()[b - 1] == b'\r' {
                b -= 1;
            }
        }
        let (number, column, line_start) = cursor.seek(a);
        let first_end = line_end(text, a);
        // Its first line, with the label's start.
        let w = window(text, line_start, first_end, a, MAX_LINE / 3);
        let column = column - text[w.start..a].chars().count();
        let single = !text[a..b].contains('\n');
        let b = if single { b.min(first_end) } else { b };
        let marks = ex.push(text, line_start..first_end, w.clone(), number, column, &[a, b.min(w.end)]);
        if single {
            let end = if b > w.end { ex.lines[0].range.end } else { marks[1] };
            return (ex, marks[0]..end);
        }
        let label_start = marks[0];
        // The lines after it, up to the one with the label's end.
        let last_start = text[..b].rfind('\n').map_or(0, |i| i + 1);
        let last_number = number + text[a..b].bytes().filter(|&c| c == b'\n').count();
        let mut next = first_end;
        let mut n = number;
        while n + 1 < last_number && n < number + 4 {
            let start = text[next..].find('\n').map_or(text.len(), |i| next + i + 1);
            let end = line_end(text, start);
            n += 1;
            if n == number + 4 && last_number - n > 2 {
                // Two lines stand for those left out: never drawn, they tell
                // codespan-reporting to draw a break there.
                ex.placeholder(n);
                ex.placeholder(last_number - 2);
                break;
            }
            let w = window(text, start, end, start, 0);
            ex.push(text, start..end, w, n, 1, &[]);
            next = end;
        }
        if last_number - 1 > n {
            let start = text[..last_start - 1].rfind('\n').map_or(0, |i| i + 1);
            let end = line_end(text, start);
            let w = window(text, start, end, start, 0);
            ex.push(text, start..end, w, last_number - 1, 1, &[]);
        }
        let last_end = line_end(text, last_start);
        let w = window(text, last_start, last_end, b, MAX_LINE - MAX_LINE / 6);
        let marks = ex.push(text, last_start..last_end, w, last_number, 1, &[b]);
        (ex, label_start..marks[0])
    }

    /// Adds the window `w` of the line `line` of `text`, numbered `number`, its first
    /// character in column `column`; returns where each of `marks` (positions in
    /// the window) is in the excerpt.
    fn push(
        &mut self,
        text: &str,
        line: Range<usize>,
        w: Range<usize>,
        number: usize,
        column: usize,
        marks: &[usize],
    ) -> Vec<usize> {
        if !self.lines.is_empty() {
            self.text.push('\n');
        }
        let begin = self.text.len();
        if w.start > line.start {
            self.text.push('…');
        }
        let skip = self.text.len() - begin;
        let mut at = vec![self.text.len(); marks.len()];
        for (i, c) in text[w.clone()].char_indices() {
            for (k, m) in marks.iter().enumerate() {
                if *m == w.start + i {
                    at[k] = self.text.len();
                }
            }
            self.text.push(visible(c));
        }
        for (k, m) in marks.iter().enumerate() {
            if *m >= w.end {
                at[k] = self.text.len();
            }
        }
        if w.end < line.end {
            self.text.push('…');
        }
        self.lines.push(Shown { range: begin..self.text.len(), number, column, skip });
        at
    }

    /// A line that is not drawn, numbered `number`.
    fn placeholder(&mut self, number: usize) {
        self.text.push('\n');
        let at = self.text.len();
        self.lines.push(Shown { range: at..at, number, column: 1, skip: 0 });
    }

    fn line(&self, index: usize) -> Result<&Shown, files::Error> {
        self.lines
            .get(index)
            .ok_or(files::Error::LineTooLarge { given: index, max: self.lines.len().saturating_sub(1) })
    }
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self.lines.iter().rposition(|l| l.range.start <= byte_index).unwrap_or(0))
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.line(line_index)?.number)
    }

    fn column_number(&'a self, (): (), line_index: usize, byte_index: usize) -> Result<usize, files::Error> {
        let line = self.line(line_index)?;
        let from = line.range.start + line.skip;
        let to = byte_index.clamp(from, line.range.end);
        Ok(line.column + self.text[from..to].chars().count())
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        Ok(self.line(line_index)?.range.clone())
    }
}
