//! Narrative lines with placeholders: `"One {flavour} {item} coming right up!"`.
//!
//! A template is parsed once, when the scenario loads, into literal text and
//! placeholders; every placeholder is checked against the moment (the [`Hook`]) that
//! prints it, so a run can never meet an unknown or unavailable placeholder.

use std::fmt::Write as _;

/// The moment a line is printed at.
///
/// Each is one field of [`Narrative`](crate::model::Narrative), with the recipe's or
/// step's override where there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    /// [`Narrative::service_start`](crate::model::Narrative::service_start).
    ServiceStart,
    /// [`Narrative::arrival`](crate::model::Narrative::arrival), or a recipe's `on_arrival`.
    Arrival,
    /// [`Narrative::step_start`](crate::model::Narrative::step_start), or a step's `on_start`.
    StepStart,
    /// [`Narrative::step_finish`](crate::model::Narrative::step_finish), or a step's `on_finish`.
    StepFinish,
    /// [`Narrative::served`](crate::model::Narrative::served), or a recipe's `on_served`.
    Served,
    /// [`Narrative::left`](crate::model::Narrative::left).
    Left,
    /// [`Narrative::balked`](crate::model::Narrative::balked).
    Balked,
    /// [`Narrative::between`](crate::model::Narrative::between).
    Between,
    /// [`Narrative::service_end`](crate::model::Narrative::service_end).
    ServiceEnd,
}

impl Hook {
    /// Every hook, in the order of `[narrative]`'s fields.
    pub const ALL: [Hook; 9] = [
        Hook::ServiceStart,
        Hook::Arrival,
        Hook::StepStart,
        Hook::StepFinish,
        Hook::Served,
        Hook::Left,
        Hook::Balked,
        Hook::Between,
        Hook::ServiceEnd,
    ];

    /// Its key in a scenario's `[narrative]` table: `service_start`, `arrival`, ...
    pub fn name(self) -> &'static str {
        match self {
            Hook::ServiceStart => "service_start",
            Hook::Arrival => "arrival",
            Hook::StepStart => "step_start",
            Hook::StepFinish => "step_finish",
            Hook::Served => "served",
            Hook::Left => "left",
            Hook::Balked => "balked",
            Hook::Between => "between",
            Hook::ServiceEnd => "service_end",
        }
    }

    fn has_order(self) -> bool {
        matches!(
            self,
            Hook::Arrival
                | Hook::StepStart
                | Hook::StepFinish
                | Hook::Served
                | Hook::Left
                | Hook::Balked
                | Hook::Between
        )
    }

    fn has_step(self) -> bool {
        matches!(self, Hook::StepStart | Hook::StepFinish)
    }
}

/// What a placeholder stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// `{mode}`: `Asynchronous` or `Synchronous`.
    Mode,
    /// `{menu}`: the items, joined with `, `.
    Menu,
    /// `{menu.OPTION}`: an option's values, joined with `, `.
    MenuOption(u16),
    /// `{customers}`: how many customers the run serves.
    Customers,
    /// `{scenario}`: the scenario's name.
    Scenario,
    /// `{unit}`: the scenario's time unit (`s`, `min`, ...).
    Unit,
    /// `{time}`: the time the line is printed at, in the scenario's unit.
    Time,
    /// `{elapsed}`: time since service started, by the run's clock (end of service).
    Elapsed,
    /// `{results}`: every step result so far as a Python list (served, end of service).
    Results,
    /// `{order}`: the order's number, from 1 in arrival order.
    Order,
    /// `{customer}`: the customer's name (`Customer N` when unnamed).
    Customer,
    /// `{item}`: the item ordered.
    Item,
    /// `{OPTION}`: the value the order chose for that option.
    OptionValue(u16),
    /// `{arrival}`: when the customer arrived, in the scenario's unit.
    Arrival,
    /// `{step}`: the step's name.
    Step,
    /// `{duration}`: the step's duration for this order, in the scenario's unit.
    Duration,
    /// `{inputs}`: the results of the steps it waited for, as a Python list.
    Inputs,
    /// `{result}`: the step's result.
    Result,
    /// `{cook}`: the cook doing the step (1-based); empty for an unattended step.
    Cook,
}

impl Var {
    /// Whether the placeholder prints a number (and so takes a format like `:.2f`).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Var::Customers | Var::Time | Var::Elapsed | Var::Order | Var::Arrival | Var::Duration | Var::Cook
        )
    }
}

/// How a number is printed: `{elapsed}` (shortest form, `4` not `4.0`) or
/// `{elapsed:.2f}` (fixed decimals, rounding half to even like Python).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NumFormat {
    /// The shortest form that reads back as the same number: `{elapsed}`.
    #[default]
    Shortest,
    /// This many decimals: `{elapsed:.2f}` is `Fixed(2)`.
    Fixed(u8),
}

/// A part of a [`Template`]: literal text or a placeholder.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Printed as it is (`{{` and `}}` already turned into braces).
    Text(String),
    /// A placeholder and how its number is printed (only numbers take a format).
    Var(Var, NumFormat),
    /// `{item:a}`: a text placeholder after its indefinite article, `a latte`,
    /// `an espresso` (see [`insert_article`]).
    Article(Var),
}

/// One line of narrative.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Template {
    /// The line's parts, in order; empty for an empty (blank) line.
    pub pieces: Vec<Piece>,
}

/// The lines printed at one moment, in order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lines(pub Vec<Template>);

impl Lines {
    /// Whether there are no lines (the moment prints nothing; a blank line is a line).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any line uses `var`.
    pub fn uses(&self, var: Var) -> bool {
        self.0
            .iter()
            .any(|t| t.pieces.iter().any(|p| matches!(p, Piece::Var(v, _) | Piece::Article(v) if *v == var)))
    }
}

/// A problem in a template, located by byte offset in the template text.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    /// Where the problem starts, in bytes from the start of the template text.
    pub offset: usize,
    /// How many bytes it spans, at least 1.
    pub len: usize,
    /// What is wrong, as a sentence without the location.
    pub message: String,
    /// What to do about it: how to write it, or the names available there.
    pub help: String,
}

/// Names a template may refer to, from the scenario.
pub struct Names<'a> {
    /// The menu options' names, in [`Menu::options`](crate::model::Menu::options)
    /// order: what `{OPTION}` and `{menu.OPTION}` may name.
    pub options: &'a [String],
}

const GLOBAL_VARS: &[(&str, Var)] = &[
    ("mode", Var::Mode),
    ("menu", Var::Menu),
    ("customers", Var::Customers),
    ("scenario", Var::Scenario),
    ("unit", Var::Unit),
    ("time", Var::Time),
];
const END_VARS: &[(&str, Var)] = &[("elapsed", Var::Elapsed), ("results", Var::Results)];
const ORDER_VARS: &[(&str, Var)] =
    &[("order", Var::Order), ("customer", Var::Customer), ("item", Var::Item), ("arrival", Var::Arrival)];
const SERVED_VARS: &[(&str, Var)] = &[("results", Var::Results)];
const STEP_VARS: &[(&str, Var)] = &[
    ("step", Var::Step),
    ("duration", Var::Duration),
    ("inputs", Var::Inputs),
    ("result", Var::Result),
    ("cook", Var::Cook),
];

/// The placeholder names available at `hook`, for messages.
pub fn available(hook: Hook, names: &Names) -> Vec<String> {
    let mut out: Vec<String> = GLOBAL_VARS.iter().map(|(n, _)| n.to_string()).collect();
    out.extend(names.options.iter().map(|o| format!("menu.{o}")));
    if hook == Hook::ServiceEnd {
        out.extend(END_VARS.iter().map(|(n, _)| n.to_string()));
    }
    if hook.has_order() {
        out.extend(ORDER_VARS.iter().map(|(n, _)| n.to_string()));
        out.extend(names.options.iter().cloned());
    }
    if hook == Hook::Served {
        out.extend(SERVED_VARS.iter().map(|(n, _)| n.to_string()));
    }
    if hook.has_step() {
        out.extend(STEP_VARS.iter().map(|(n, _)| n.to_string()));
    }
    out
}

fn lookup(name: &str, hook: Hook, names: &Names) -> Option<Var> {
    let find = |table: &[(&str, Var)]| table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    if let Some(v) = find(GLOBAL_VARS) {
        return Some(v);
    }
    if let Some(opt) = name.strip_prefix("menu.") {
        return names.options.iter().position(|o| o == opt).map(|i| Var::MenuOption(i as u16));
    }
    if hook == Hook::ServiceEnd {
        if let Some(v) = find(END_VARS) {
            return Some(v);
        }
    }
    if hook.has_order() {
        if let Some(v) = find(ORDER_VARS) {
            return Some(v);
        }
        if let Some(i) = names.options.iter().position(|o| o == name) {
            return Some(Var::OptionValue(i as u16));
        }
    }
    if hook == Hook::Served {
        if let Some(v) = find(SERVED_VARS) {
            return Some(v);
        }
    }
    if hook.has_step() {
        if let Some(v) = find(STEP_VARS) {
            return Some(v);
        }
    }
    None
}

/// Whether `name` is a placeholder at some other moment (for a better message).
fn known_elsewhere(name: &str, names: &Names) -> Vec<Hook> {
    Hook::ALL.into_iter().filter(|h| lookup(name, *h, names).is_some()).collect()
}

/// Parses one line. `{{` and `}}` stand for literal braces. Reports every problem.
pub fn parse(text: &str, hook: Hook, names: &Names) -> Result<Template, Vec<TemplateError>> {
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut lit = String::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = bytes[i];
        if c == b'{' && bytes.get(i + 1) == Some(&b'{') {
            lit.push('{');
            i += 2;
        } else if c == b'}' && bytes.get(i + 1) == Some(&b'}') {
            lit.push('}');
            i += 2;
        } else if c == b'{' {
            let Some(close) = text[i + 1..].find('}').map(|j| i + 1 + j) else {
                errors.push(TemplateError {
                    offset: i,
                    len: text.len() - i,
                    message: "unclosed `{` in narrative line".into(),
                    help: "close the placeholder with `}`, or write `{{` for a literal brace".into(),
                });
                break;
            };
            let inner = &text[i + 1..close];
            let (name, spec) = match inner.split_once(':') {
                Some((n, s)) => (n.trim(), Some(s)),
                None => (inner.trim(), None),
            };
            let article = spec.is_some_and(|s| s.trim() == "a");
            let format = match spec {
                None => Some(NumFormat::Shortest),
                Some(_) if article => Some(NumFormat::Shortest),
                Some(s) => parse_spec(s),
            };
            match (lookup(name, hook, names), format) {
                (Some(var), _) if article && var.is_number() => errors.push(TemplateError {
                    offset: i,
                    len: close + 1 - i,
                    message: format!("`{{{name}}}` is a number, so it takes no article"),
                    help: format!(
                        "write `{{{name}}}`; `:a` puts `a` or `an` before a text, such as `{{item:a}}`"
                    ),
                }),
                (Some(var), _) if article => {
                    if !lit.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Article(var));
                }
                (Some(var), Some(NumFormat::Fixed(_))) if !var.is_number() => errors.push(TemplateError {
                    offset: i,
                    len: close + 1 - i,
                    message: format!("`{{{name}}}` is not a number, so it takes no format"),
                    help: format!("write `{{{name}}}`; fixed decimals like `:.2f` are for numbers such as `{{elapsed:.2f}}`"),
                }),
                (Some(var), Some(format)) => {
                    if !lit.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Var(var, format));
                }
                (Some(_), None) => errors.push(TemplateError {
                    offset: i,
                    len: close + 1 - i,
                    message: format!("unsupported format `{}` in `{{{inner}}}`", spec.unwrap_or("")),
                    help: "the formats are fixed decimals for a number, such as `{elapsed:.2f}`, and `:a` for a text with its article, such as `{item:a}` (a latte, an espresso)".into(),
                }),
                (None, _) => {
                    let avail = available(hook, names);
                    let suggestion = crate::suggest::closest(name, avail.iter().map(String::as_str));
                    let mut help = match suggestion {
                        Some(s) => format!("did you mean `{{{s}}}`? P"),
                        None => String::new(),
                    };
                    let elsewhere = known_elsewhere(name, names);
                    let message = match elsewhere.as_slice() {
                        [] => format!("unknown placeholder `{{{name}}}`"),
                        hooks => {
                            let names: Vec<String> = hooks.iter().map(|h| format!("`{}`", h.name())).collect();
                            let list = match names.split_last() {
                                Some((last, [])) => last.clone(),
                                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                                None => unreachable!("not empty"),
                            };
                            format!("placeholder `{{{name}}}` is not available in `{}` lines (it is in {list} lines)", hook.name())
                        }
                    };
                    let _ = write!(
                        help,
                        "{}laceholders here: {}; write `{{{{` for a literal brace",
                        if help.is_empty() { "P" } else { "" },
                        avail.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ")
                    );
                    errors.push(TemplateError { offset: i, len: close + 1 - i, message, help });
                }
            }
            i = close + 1;
        } else if c == b'}' {
            errors.push(TemplateError {
                offset: i,
                len: 1,
                message: "unmatched `}` in narrative line".into(),
                help: "write `}}` for a literal brace".into(),
            });
            i += 1;
        } else {
            let ch = text[i..].chars().next().expect("in bounds");
            lit.push(ch);
            i += ch.len_utf8();
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Text(lit));
    }
    if errors.is_empty() { Ok(Template { pieces }) } else { Err(errors) }
}

fn parse_spec(spec: &str) -> Option<NumFormat> {
    let digits = spec.strip_prefix('.')?.strip_suffix('f')?;
    let n: u8 = digits.parse().ok()?;
    (n <= 12).then_some(NumFormat::Fixed(n))
}

/// Puts `a` or `an` before the text written in `out` from byte `start`: `an` before
/// a vowel letter (`a`, `e`, `i`, `o`, `u`, in either case), `a` before anything
/// else. The rule goes by spelling, not sound (`a hour`, `an unicorn`): write the
/// article yourself for such words. An empty text gets no article.
pub fn insert_article(out: &mut String, start: usize) {
    let Some(first) = out[start..].chars().next() else { return };
    let article =
        if matches!(first.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u') { "an " } else { "a " };
    out.insert_str(start, article);
}

/// Formats a number as the narrative prints it.
pub fn format_number(out: &mut String, value: f64, format: NumFormat) {
    match format {
        // Rust, like Python, rounds the exact binary value half to even.
        NumFormat::Fixed(n) => {
            let _ = write!(out, "{value:.*}", n as usize);
        }
        NumFormat::Shortest => {
            if value.fract() == 0.0 && value.abs() < 1e15 {
                let _ = write!(out, "{}", value as i64);
            } else {
                let _ = write!(out, "{value}");
            }
        }
    }
}

/// Writes `s` as Python's `repr()` writes a string.
pub fn python_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    out.push(quote);
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Writes a list of strings as Python prints a list: `['A1', None, 'B2']`.
pub fn python_list<'a>(out: &mut String, items: impl IntoIterator<Item = Option<&'a str>>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match s {
            Some(s) => python_repr(out, s),
            None => out.push_str("None"),
        }
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["flavour".to_string()]
    }

    #[test]
    fn parses_text_placeholders_formats_and_braces() {
        let opts = names();
        let n = Names { options: &opts };
        let t = parse("Took {elapsed:.2f} s {{ok}} for {customers}", Hook::ServiceEnd, &n).unwrap();
        assert_eq!(
            t.pieces,
            vec![
                Piece::Text("Took ".into()),
                Piece::Var(Var::Elapsed, NumFormat::Fixed(2)),
                Piece::Text(" s {ok} for ".into()),
                Piece::Var(Var::Customers, NumFormat::Shortest),
            ]
        );
        let t = parse("A {flavour} {item}", Hook::Arrival, &n).unwrap();
        assert_eq!(t.pieces[1], Piece::Var(Var::OptionValue(0), NumFormat::Shortest));
        let t = parse("{menu.flavour}", Hook::ServiceStart, &n).unwrap();
        assert_eq!(t.pieces[0], Piece::Var(Var::MenuOption(0), NumFormat::Shortest));
    }

    #[test]
    fn a_text_placeholder_can_take_its_article() {
        let opts = names();
        let n = Names { options: &opts };
        let t = parse("orders {flavour:a} {item}", Hook::Arrival, &n).unwrap();
        assert_eq!(t.pieces[1], Piece::Article(Var::OptionValue(0)));
        let errs = parse("{order:a} at {time:a}", Hook::Arrival, &n).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].message, "`{order}` is a number, so it takes no article");
        assert_eq!((errs[1].offset, errs[1].len), (13, 8));
        for (text, want) in [
            ("espresso", "an espresso"),
            ("Oat", "an Oat"),
            ("latte", "a latte"),
            ("Ünterlinden", "a Ünterlinden"),
            ("", ""),
        ] {
            let mut out = String::from("orders ");
            out.push_str(text);
            insert_article(&mut out, 7);
            assert_eq!(out, format!("orders {want}"));
        }
    }

    #[test]
    fn reports_every_bad_placeholder_with_its_offset() {
        let opts = names();
        let n = Names { options: &opts };
        let errs = parse("{step} and {flavor} and {elapsed:x}", Hook::Arrival, &n).unwrap_err();
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0].offset, 0);
        assert_eq!(
            errs[0].message,
            "placeholder `{step}` is not available in `arrival` lines (it is in `step_start` and `step_finish` lines)"
        );
        assert_eq!(errs[1].offset, 11);
        assert_eq!(errs[1].message, "unknown placeholder `{flavor}`");
        assert!(errs[1].help.starts_with("did you mean `{flavour}`?"), "{}", errs[1].help);
        assert_eq!(
            errs[2].message,
            "placeholder `{elapsed}` is not available in `arrival` lines (it is in `service_end` lines)"
        );
        // Every kind of line that has it: an order's placeholder, in each of an order's.
        let errs = parse("{customer}", Hook::ServiceStart, &n).unwrap_err();
        assert_eq!(
            errs[0].message,
            "placeholder `{customer}` is not available in `service_start` lines (it is in `arrival`, `step_start`, `step_finish`, `served`, `left`, `balked` and `between` lines)"
        );
    }

    #[test]
    fn only_numbers_take_a_format() {
        let opts = names();
        let n = Names { options: &opts };
        assert!(parse("{duration:.1f} {order:.0f}", Hook::StepStart, &n).is_ok());
        let errs = parse("{item:.2f}", Hook::Arrival, &n).unwrap_err();
        assert_eq!(errs[0].message, "`{item}` is not a number, so it takes no format");
    }

    #[test]
    fn numbers_print_like_python() {
        let mut s = String::new();
        format_number(&mut s, 4.0, NumFormat::Shortest);
        s.push(' ');
        format_number(&mut s, 0.9, NumFormat::Shortest);
        s.push(' ');
        format_number(&mut s, 4.9, NumFormat::Fixed(2));
        s.push(' ');
        format_number(&mut s, 2.5, NumFormat::Fixed(0));
        s.push(' ');
        format_number(&mut s, 0.125, NumFormat::Fixed(2));
        assert_eq!(s, "4 0.9 4.90 2 0.12");
    }

    #[test]
    fn lists_print_like_python() {
        let mut s = String::new();
        python_list(&mut s, [Some("Boiled water"), None, Some("it's"), Some("say \"hi\" it's")]);
        assert_eq!(s, r#"['Boiled water', None, "it's", 'say "hi" it\'s']"#);
    }
}
