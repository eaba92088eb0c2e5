//! Reading a spanned TOML tree while collecting every problem, rather than stopping at
//! the first as serde does (docs/scenario-format.md, "Loading and checking": every
//! problem at once, each with its location).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue, Error};

use super::diag::{Problem, Problems, forbidden};
use crate::time::TimeUnit;

pub type Value<'i> = Spanned<DeValue<'i>>;

/// The problems found so far, and the source they point into.
pub struct Cx<'s> {
    pub src: &'s str,
    pub problems: Problems,
}

impl<'s> Cx<'s> {
    pub fn new(src: &'s str) -> Self {
        Cx { src, problems: Problems::default() }
    }

    pub fn error(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.problems.push(Problem {
            file: 0,
            span: Some(span),
            message: message.into(),
            label: label.into(),
            help,
        });
    }

    /// A problem with the file as a whole (something missing from it): no snippet.
    pub fn error_in_file(&mut self, message: impl Into<String>, help: Option<String>) {
        self.problems.push(Problem {
            file: 0,
            span: None,
            message: message.into(),
            label: String::new(),
            help,
        });
    }

    /// Reports every key of `table` that is not in `known`, with a suggestion.
    pub fn check_keys(&mut self, table: &DeTable, known: &[&str], place: &str) {
        self.check_keys_moved(table, known, place, &[]);
    }

    /// Like [`Cx::check_keys`], where `moved` lists keys that belong in another table
    /// (key, where it belongs): for those the help says where to put them.
    pub fn check_keys_moved(&mut self, table: &DeTable, known: &[&str], place: &str, moved: &[(&str, &str)]) {
        for (key, _) in table.iter() {
            let k: &str = key.get_ref();
            if known.contains(&k) {
                continue;
            }
            let help = match (
                moved.iter().find(|(m, _)| *m == k),
                crate::suggest::closest(k, known.iter().copied()),
            ) {
                (Some((_, there)), _) => format!("`{k}` belongs in {there}"),
                (None, Some(s)) => format!("did you mean `{s}`? {place} takes: {}", known.join(", ")),
                (None, None) => format!("{place} takes: {}", known.join(", ")),
            };
            self.error(key.span(), format!("unknown field `{k}` in {place}"), "unknown field", Some(help));
        }
    }

    /// Whether `table` has an unknown key (not in `known`) whose closest known key is
    /// `field`: `durration` for `duration`. [`Cx::check_keys`] has reported it with
    /// "did you mean"; a missing `field` is then the same problem, not said again.
    pub fn misspelled(table: &DeTable, known: &[&str], field: &str) -> bool {
        table.iter().any(|(key, _)| {
            let k: &str = key.get_ref();
            !known.contains(&k) && crate::suggest::closest(k, known.iter().copied()) == Some(field)
        })
    }

    /// Reports the first character of the name `s` that a name must not contain (a
    /// control character or a bidirectional control: [`forbidden`]), at that
    /// character when the source at `span` spells `s` as a string, else at `span`;
    /// `what` says whose name it is. Whether there is none.
    pub fn clean_name(&mut self, s: &str, span: Range<usize>, what: &str) -> bool {
        let Some((i, c)) = forbidden_in(s, false) else { return true };
        let at = source_map(self.src, span.clone(), s).map_or(span, |m| m[i]..m[i + c.len_utf8()]);
        let (message, label, help) = forbidden_char(c, what, false);
        self.error(at, message, label, Some(help));
        false
    }

    /// Like [`Cx::clean_name`], for a line of narrative (which may hold a tab): `map`
    /// is where each of its bytes is in the source (see [`Line`]), `whole` the span
    /// of its string.
    pub fn clean_line(&mut self, s: &str, map: Option<&[usize]>, whole: Range<usize>, what: &str) -> bool {
        let Some((i, c)) = forbidden_in(s, true) else { return true };
        let at = map.map_or(whole, |m| m[i]..m[i + c.len_utf8()]);
        let (message, label, help) = forbidden_char(c, what, true);
        self.error(at, message, label, Some(help));
        false
    }

    fn wrong_type(&mut self, v: &Value, what: &str, expected: &str, example: &str) {
        self.error(
            v.span(),
            format!("{what} must be {expected}, found {}", describe(v.get_ref())),
            format!("expected {expected}"),
            Some(format!("write it like `{example}`")),
        );
    }

    pub fn str<'v>(&mut self, v: &'v Value, what: &str, example: &str) -> Option<&'v str> {
        match v.get_ref().as_str() {
            Some(s) => Some(s),
            None => {
                self.wrong_type(v, what, "a string", example);
                None
            }
        }
    }

    pub fn table<'v, 'i>(&mut self, v: &'v Value<'i>, what: &str, example: &str) -> Option<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(v, what, "a table", example);
                None
            }
        }
    }

    pub fn array<'v, 'i>(&mut self, v: &'v Value<'i>, what: &str, example: &str) -> Option<&'v DeArray<'i>> {
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.wrong_type(v, what, "an array", example);
                None
            }
        }
    }

    /// A whole number in `min..=max`.
    pub fn int(&mut self, v: &Value, what: &str, min: i64, max: i64, example: &str) -> Option<i64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            _ => {
                self.wrong_type(v, what, "a whole number", example);
                return None;
            }
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                // Too small (or too negative to read) says the least it may be; too
                // large (or too large to read), the most too.
                let text = self.src[v.span()].trim();
                let too_small = n.map_or(text.starts_with('-'), |n| n < min);
                let range = if max == i64::MAX && too_small {
                    format!("at least {min}")
                } else {
                    format!("from {min} to {max}")
                };
                self.error(
                    v.span(),
                    format!("{what} must be {range}, found {}", self.src[v.span()].trim()),
                    "out of range",
                    Some(format!("write it like `{example}`")),
                );
                None
            }
        }
    }

    /// The seed: a whole number from 0 to `u64::MAX`, beyond TOML's own integers
    /// (which end at `i64::MAX`), so that every seed `--seed` takes, and every
    /// replication's, can be written in the file.
    pub fn seed(&mut self, v: &Value) -> Option<u64> {
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(v, "`seed`", "a whole number", "seed = 42");
            return None;
        };
        let digits = i.as_str().replace('_', "");
        // `-0` is 0, as it is to TOML.
        let n = u64::from_str_radix(
            digits.strip_prefix("-").filter(|d| d.bytes().all(|b| b == b'0')).unwrap_or(&digits),
            i.radix(),
        )
        .ok();
        if n.is_none() {
            let text = self.src[v.span()].trim();
            let range = if text.starts_with('-') {
                "at least 0".to_string()
            } else {
                format!("from 0 to {}", u64::MAX)
            };
            self.error(
                v.span(),
                format!("`seed` must be {range}, found {text}"),
                "out of range",
                Some("write it like `seed = 42`".into()),
            );
        }
        n
    }

    /// Any number, integer or float (NaN and infinities included: callers check).
    pub fn number(&mut self, v: &Value, what: &str, example: &str) -> Option<f64> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok().map(|n| n as f64)
            }
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(v, what, "a number", example);
                None
            }
        }
    }

    /// A finite number that is at least zero: a duration or a time.
    pub fn amount(&mut self, v: &Value, what: &str, unit: TimeUnit, example: &str) -> Option<f64> {
        let x = self.number(v, what, example)?;
        if x.is_finite() && x >= 0.0 {
            return Some(x);
        }
        let found = self.src[v.span()].trim().to_string();
        let why = if x.is_nan() {
            "not a number"
        } else if x.is_infinite() {
            "infinite"
        } else {
            "negative"
        };
        self.error(
            v.span(),
            format!(
                "{what} must be a finite number of {} that is at least 0, found {found}",
                unit_words(unit)
            ),
            why,
            Some(format!("write it like `{example}`")),
        );
        None
    }

    /// Lines of narrative: a string (split at its line breaks, `\n` or `\r\n`) or an
    /// array of strings.
    /// Returns each line with, when the source spells its string in a way this can
    /// follow, where each of its bytes is in the source (one more entry for its end),
    /// and the span of the whole string.
    pub fn lines(&mut self, v: &Value, what: &str) -> Option<Vec<Line>> {
        let example = "[\"Welcome!\", \"\"]";
        let src = self.src;
        let mut out = Vec::new();
        let mut push_string = |v: &Value, s: &str| {
            let map = source_map(src, v.span(), s);
            let mut offset = 0;
            let mut parts = s.split('\n').peekable();
            while let Some(part) = parts.next() {
                // A line break is `\n` or `\r\n` (a file saved with Windows' line ends).
                let line = match parts.peek() {
                    Some(_) => part.strip_suffix('\r').unwrap_or(part),
                    None => part,
                };
                let line_map = map.as_ref().map(|m| m[offset..=offset + line.len()].to_vec());
                out.push((line.to_string(), line_map, v.span()));
                offset += part.len() + 1;
            }
        };
        match v.get_ref() {
            DeValue::String(s) => push_string(v, s),
            DeValue::Array(items) => {
                let mut ok = true;
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => push_string(item, s),
                        _ => ok = false,
                    }
                }
                if !ok {
                    for item in items.iter().filter(|i| !i.get_ref().is_str()) {
                        self.wrong_type(
                            item,
                            &format!("each line of {what}"),
                            "a string",
                            "\"Pasta ready.\"",
                        );
                    }
                    return None;
                }
            }
            _ => {
                self.wrong_type(v, what, "a string or an array of strings", example);
                return None;
            }
        }
        Some(out)
    }
}

/// The first character of `s` (its byte offset) that a name, or a line of narrative
/// when `line` (which may hold a tab), must not contain: see [`forbidden`].
pub fn forbidden_in(s: &str, line: bool) -> Option<(usize, char)> {
    s.char_indices().find(|&(_, c)| forbidden(c) && !(line && c == '\t'))
}

/// What is said of character `c` (one that is [`forbidden`]) in `what`, a name or a
/// line of narrative (`line`): the message, the label and the help.
pub fn forbidden_char(c: char, what: &str, line: bool) -> (String, &'static str, String) {
    let name = match c {
        '\0' => "a NUL character",
        '\u{7}' => "a bell character",
        '\u{8}' => "a backspace",
        '\t' => "a tab",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\u{1b}' => "an escape character",
        '\u{7f}' => "a delete character",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "a bidirectional control character",
        _ => "a control character",
    };
    let (label, help) = match c {
        '\t' | '\n' | '\r' if !line => (
            "control character",
            "a name is printed on one line, in tables and in the timeline's lanes: write it without tabs or line breaks",
        ),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => (
            "bidirectional control",
            "it reorders the text printed after it, so what is shown is not what is written: remove it",
        ),
        _ => (
            "control character",
            "a terminal obeys control characters (they change colours, move the cursor, set the window's title): remove it",
        ),
    };
    (format!("{what} contains {name} (U+{:04X})", c as u32), label, help.to_string())
}

/// The most parts a dotted key or a table header can have (toml's recursion limit).
const MAX_KEY_PARTS: usize = 80;

/// Reports the TOML syntax errors of the file that are certain.
///
/// After an error the parser goes on by guessing what was meant, and much of what it
/// finds after a guess is invented: a missing comma makes the keys of the next
/// tables "duplicates". So, in file order, every error up to and including the first
/// error in the grammar (a missing comma, an unclosed bracket or string, a value that
/// is not one, ...), and nothing after it. The errors before it are about keys (a
/// duplicate key, a dotted key extending a value), and they are certain: everything
/// before the first grammar error was read as written.
pub fn syntax_errors(cx: &mut Cx, errors: &[Error]) {
    let src = cx.src;
    let mut found: Vec<(Range<usize>, &str)> = errors
        .iter()
        .map(|e| {
            let message = e.message().trim_end();
            let span = e.span().unwrap_or_else(|| locate(src, message));
            (widen(src, span), message)
        })
        .collect();
    found.sort_by_key(|(span, _)| span.start);
    let general = "a scenario is a TOML file (https://toml.io); docs/scenario-format.md describes it";
    for (span, message) in found {
        let about_keys = message == "duplicate key" || message.starts_with("cannot extend value");
        match src.get(span.clone()) {
            Some(key) if message == "duplicate key" && !key.trim().is_empty() => cx.error(
                span.clone(),
                format!("TOML syntax: duplicate key `{}`", key.trim()),
                "here",
                Some("a key or a table can be given only once: remove one of them, or rename it".into()),
            ),
            _ if message == "recursion limit" => cx.error(
                span,
                format!("TOML syntax: a key with more than {MAX_KEY_PARTS} dotted parts"),
                "too deep",
                Some(format!(
                    "a key or a table header can have at most {MAX_KEY_PARTS} parts; a scenario needs at most 4, as in `kitchen.equipment.oven.capacity`"
                )),
            ),
            _ => match missing_separator(src, &span, message, errors) {
                Some((at, message)) => cx.error(at..at + 1, format!("TOML syntax: {message}"), "here", Some(general.into())),
                None => cx.error(span, format!("TOML syntax: {message}"), "here", Some(general.into())),
            },
        }
        if !about_keys {
            break;
        }
    }
}

/// Where a separator is missing (the key after it), and what toml says of it, when
/// `message` at `span` is toml's reading of a bare value followed by another key:
/// in `{ a = 10 b = 2 }` (or `a = 10 b = 2` on a line) it first sees the unquoted
/// string `10 b`, then a second `=` (or a second key).
fn missing_separator(
    src: &str,
    span: &Range<usize>,
    message: &str,
    errors: &[Error],
) -> Option<(usize, &'static str)> {
    if message != "string values must be quoted, expected literal string" {
        return None;
    }
    let text = src.get(span.clone())?;
    let value = text.split(char::is_whitespace).next()?;
    let rest = text[value.len()..].trim_start();
    let is_value =
        matches!(DeValue::parse_recoverable(value), (v, e) if e.is_empty() && !v.get_ref().is_str());
    let is_key = !rest.is_empty() && rest.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !(is_value && is_key) {
        return None;
    }
    // What toml says next, just after the bare key.
    let next =
        errors.iter().find(|e| e.span().is_some_and(|s| (span.end..=span.end + 2).contains(&s.start)))?;
    let message = match next.message() {
        m if m.starts_with("extra assignment between key-value pairs") => {
            "missing comma between key-value pairs, expected `,`"
        }
        m if m.starts_with("unexpected key or value, expected newline") => {
            "unexpected key or value, expected newline, `#`"
        }
        _ => return None,
    };
    Some((span.start + text.len() - rest.len(), message))
}

/// Where an error the parser gives without a place is: the first line such that the
/// file up to its end already has it (the line that ends the offending key), found by
/// bisection.
fn locate(src: &str, message: &str) -> Range<usize> {
    let has = |end: usize| {
        DeTable::parse_recoverable(&src[..end])
            .1
            .iter()
            .any(|e| e.span().is_none() && e.message().trim_end() == message)
    };
    let ends: Vec<usize> = src.match_indices('\n').map(|(i, _)| i).chain([src.len()]).collect();
    let end = ends.get(ends.partition_point(|&e| !has(e))).copied().unwrap_or(src.len());
    let start = src[..end].rfind('\n').map_or(0, |i| i + 1);
    let line = &src[start..end];
    start + line.len() - line.trim_start().len()..start + line.trim_end().len()
}

/// An empty span would underline nothing: show at least one character, unless that
/// character ends the line (underlining a line break would spill onto the next line;
/// an empty span there shows as a caret just after the line's end).
fn widen(text: &str, span: Range<usize>) -> Range<usize> {
    if span.is_empty() {
        match text[span.start..].chars().next() {
            Some('\n' | '\r') | None => span,
            Some(c) => span.start..span.start + c.len_utf8(),
        }
    } else {
        span
    }
}

/// A line of narrative: its text, where each of its bytes is in the source (and its
/// end), and the span of the string it comes from.
pub type Line = (String, Option<Vec<usize>>, Range<usize>);

/// Where each byte of string value `s` is spelled in `src`, plus one entry for the end
/// of the string, given the span of the string's TOML literal (quotes included).
/// Follows the escapes of basic strings (`\"`, `\n`, `\u00e9`, a line-ending
/// backslash, ...); None when the source does not spell `s` in a way it understands.
fn source_map(src: &str, span: Range<usize>, s: &str) -> Option<Vec<usize>> {
    let raw = src.get(span.clone())?;
    let (q, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with('"') {
        (1, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        return None;
    };
    let start = span.start + q;
    let end = span.end.checked_sub(q)?;
    let inner = src.get(start..end)?;
    let mut map = Vec::with_capacity(s.len() + 1);
    let mut decoded = String::with_capacity(s.len());
    let mut i = 0;
    // A multi-line string drops a line break right after its opening quotes.
    if q == 3 {
        i = if inner.starts_with("\r\n") { 2 } else { usize::from(inner.starts_with('\n')) };
    }
    while i < inner.len() {
        let c = inner[i..].chars().next()?;
        let (ch, len) = if basic && c == '\\' {
            let hex = |n: usize| {
                let digits = inner.get(i + 2..i + 2 + n)?;
                Some((char::from_u32(u32::from_str_radix(digits, 16).ok()?)?, 2 + n))
            };
            match inner[i + 1..].chars().next()? {
                'b' => ('\u{8}', 2),
                't' => ('\t', 2),
                'n' => ('\n', 2),
                'f' => ('\u{c}', 2),
                'r' => ('\r', 2),
                'e' => ('\u{1b}', 2),
                '"' => ('"', 2),
                '\\' => ('\\', 2),
                'x' => hex(2)?,
                'u' => hex(4)?,
                'U' => hex(8)?,
                ' ' | '\t' | '\r' | '\n' if q == 3 => {
                    // A line-ending backslash: it and the whitespace after it vanish.
                    let rest = &inner[i + 1..];
                    i += 1 + rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
                    continue;
                }
                _ => return None,
            }
        } else {
            (c, c.len_utf8())
        };
        for k in 0..ch.len_utf8() {
            // The bytes of a character spelled as is map one to one; an escape maps whole.
            map.push(if len == ch.len_utf8() { start + i + k } else { start + i });
        }
        decoded.push(ch);
        i += len;
    }
    map.push(end);
    (decoded == s).then_some(map)
}

/// The unit spelled out, for messages: `seconds`, `minutes`, ...
pub fn unit_words(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Milliseconds => "milliseconds",
        TimeUnit::Seconds => "seconds",
        TimeUnit::Minutes => "minutes",
        TimeUnit::Hours => "hours",
    }
}

pub fn describe(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number with a fraction",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Looks `key` up in `table`.
pub fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}
