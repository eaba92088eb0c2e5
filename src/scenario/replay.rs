//! `replay`: a recorded day from a CSV file (docs/scenario-format.md, "`replay`: a
//! recorded day from a CSV file"): `arrival,item` and optionally `customer` and
//! `patience`, one column per option, and one per step whose duration was recorded.
//! The header is read first (which column is what), then each row, cell by cell.

use std::collections::HashSet;
use std::ops::Range;

use csv::StringRecord;

use super::diag::Problems;
use super::menu::MenuCheck;
use super::reader::{self, Value};
use super::{Loader, Problem};
use crate::model::*;
use crate::time::TimeUnit;

impl Loader<'_, '_, '_> {
    /// `replay`: the customers of the CSV file the scenario names.
    pub(super) fn replay(&mut self, rv: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<Customers> {
        let path = self.cx.str(rv, "`replay`", "replay = \"monday.csv\"")?;
        match (self.resolve)(path) {
            Ok((display, bytes)) => {
                let file = self.extra_files.len() + 1;
                let text = match super::diag::utf8(bytes, file, "the CSV file", &mut self.cx.problems) {
                    Ok(text) => text,
                    Err(text) => {
                        self.extra_files.push((display, text));
                        return None;
                    }
                };
                let list = parse(&text, file, unit, menu, &mut self.cx.problems);
                self.extra_files.push((display, text));
                let mut list = list?;
                list.sort_by_key(|c| c.arrival);
                Some(Customers::List(list))
            }
            Err(msg) => {
                self.cx.error(
                    rv.span(),
                    msg,
                    "cannot read",
                    Some("the path is relative to the scenario file".into()),
                );
                None
            }
        }
    }
}

/// The customers of the CSV `text` (file number `file` in messages), or None after
/// problems, added to `problems`.
fn parse(
    text: &str,
    file: usize,
    unit: TimeUnit,
    menu: &MenuCheck,
    problems: &mut Problems,
) -> Option<Vec<CustomerSpec>> {
    let mut day = Day { text, file, unit, menu, problems };
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            day.err(
                0..text.len().min(1),
                "here",
                format!("cannot read the CSV header: {e}"),
                "the first line names the columns: arrival,item,...".into(),
            );
            return None;
        }
    };
    // The rows are read even after a problem with the header, so that theirs are
    // reported too.
    let (cols, mut ok) = day.columns(&headers);
    let mut out = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(rec) => ok &= day.row(&rec, &cols, &mut out),
            Err(e) => {
                let start = e.position().map_or(0, |p| p.byte() as usize);
                let (message, label, help) = match e.kind() {
                    csv::ErrorKind::UnequalLengths { pos, expected_len, len } => (
                        format!(
                            "row {} has {} value{}, but the header names {} column{}",
                            pos.as_ref().map_or(0, |p| p.record() + 1),
                            len,
                            if *len == 1 { "" } else { "s" },
                            expected_len,
                            if *expected_len == 1 { "" } else { "s" },
                        ),
                        "wrong number of values",
                        format!(
                            "give every row one value per column, in the header's order ({}); leave a cell empty with nothing between its commas",
                            headers.iter().collect::<Vec<_>>().join(",")
                        ),
                    ),
                    _ => (
                        format!(
                            "cannot read the CSV row at line {}: {e}",
                            e.position().map_or(0, |p| p.line())
                        ),
                        "here",
                        "every row needs one value per column".to_string(),
                    ),
                };
                day.err(day.line_span(start), label, message, help);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// What a column holds, from its header.
enum Col {
    Arrival,
    Item,
    Customer,
    /// The customer's patience (empty: the scenario's).
    Patience,
    Option(usize),
    Step(String),
    /// A column that cannot be checked, because part of the menu it may refer
    /// to could not be read (that problem is reported already).
    Unchecked,
    /// A column given twice, or unknown (reported with the header): its cells are
    /// not read, and the rest of the row is.
    Ignored,
}

/// A recorded day being read.
struct Day<'a, 'm> {
    text: &'a str,
    /// The file's number in messages.
    file: usize,
    unit: TimeUnit,
    menu: &'a MenuCheck<'m>,
    problems: &'a mut Problems,
}

/// A row as far as it has been read.
struct Row {
    customer: CustomerSpec,
    have_item: bool,
    /// (step, duration in ticks, column index) of each step duration given.
    step_cells: Vec<(String, u64, usize)>,
}

impl Day<'_, '_> {
    fn err(&mut self, span: Range<usize>, label: &str, message: String, help: String) {
        let file = self.file;
        self.problems.push(Problem {
            file,
            span: Some(span),
            message,
            label: label.into(),
            help: Some(help),
        });
    }

    /// The line that starts at byte `start`, without its line break.
    fn line_span(&self, start: usize) -> Range<usize> {
        let text = self.text;
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        if end > start { start..end } else { start..(start + 1).min(text.len()) }
    }

    /// Cell `index` of the line at `line`, when the line is simple enough to find it
    /// (no quotes); else the whole line. An empty cell is the place where its value
    /// would be (a span of no text).
    fn cell_span(&self, line: &Range<usize>, index: usize) -> Range<usize> {
        let l = &self.text[line.clone()];
        if !l.contains('"') {
            let mut start = line.start;
            for (i, field) in l.split(',').enumerate() {
                let lead = field.len() - field.trim_start().len();
                let value = field.trim();
                if i == index {
                    return start + lead..start + lead + value.len();
                }
                start += field.len() + 1;
            }
        }
        line.clone()
    }

    /// What each column holds, and whether the header is free of problems.
    fn columns(&mut self, headers: &StringRecord) -> (Vec<Col>, bool) {
        let menu = self.menu;
        let mut steps: Vec<&str> = Vec::new();
        let mut step_names = HashSet::new();
        for r in menu.recipes.iter().filter_map(|(_, r)| r.as_ref()) {
            for s in &r.steps {
                if step_names.insert(s.name.as_str()) {
                    steps.push(&s.name);
                }
            }
        }
        let mut cols = Vec::new();
        let mut ok = true;
        let header = self.line_span(0);
        for (index, h) in headers.iter().enumerate() {
            if let Some(first) = headers.iter().position(|other| other == h).filter(|&i| i < index) {
                self.err(
                    self.cell_span(&header, index),
                    "duplicate column",
                    format!("the CSV has two `{h}` columns (columns {} and {})", first + 1, index + 1),
                    "each column can be given only once: remove one of them".into(),
                );
                ok = false;
                cols.push(Col::Ignored);
                continue;
            }
            let col = match h {
                "arrival" => Col::Arrival,
                "item" => Col::Item,
                "customer" => Col::Customer,
                "patience" => Col::Patience,
                _ => match menu.options.iter().position(|o| o.name == h) {
                    Some(i) => Col::Option(i),
                    None if step_names.contains(h) => Col::Step(h.to_string()),
                    None if !menu.all_recipes() || menu.broken_options.iter().any(|b| b == h) => {
                        Col::Unchecked
                    }
                    None => {
                        let mut known = vec!["arrival", "item", "customer", "patience"];
                        known.extend(menu.options.iter().map(|o| o.name.as_str()));
                        known.extend(steps.iter().copied());
                        let help = match crate::suggest::closest(h, known.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`? Columns: {}", known.join(", ")),
                            None => format!("columns: {} (options and step names)", known.join(", ")),
                        };
                        self.err(
                            self.cell_span(&header, index),
                            "unknown column",
                            format!("unknown CSV column `{h}`"),
                            help,
                        );
                        ok = false;
                        Col::Ignored
                    }
                },
            };
            cols.push(col);
        }
        let options = menu.options.iter().map(|o| o.name.as_str());
        for need in ["arrival", "item"].into_iter().chain(options) {
            if !headers.iter().any(|h| h == need) {
                self.err(
                    header.clone(),
                    "the columns",
                    format!("the CSV has no `{need}` column"),
                    "the first line names the columns: arrival,item,...".into(),
                );
                ok = false;
            }
        }
        (cols, ok)
    }

    /// Reads row `rec` into a customer, added to `out` when its item's recipe is known;
    /// whether the row is free of problems.
    fn row(&mut self, rec: &StringRecord, cols: &[Col], out: &mut Vec<CustomerSpec>) -> bool {
        let menu = self.menu;
        let span = self.line_span(rec.position().map_or(0, |p| p.byte() as usize));
        let mut row = Row {
            customer: CustomerSpec {
                name: None,
                arrival: 0,
                item: 0,
                options: vec![0; menu.options.len()],
                durations: Vec::new(),
                patience: None,
            },
            have_item: false,
            step_cells: Vec::new(),
        };
        let mut row_ok = true;
        for (index, (col, cell)) in cols.iter().zip(rec.iter()).enumerate() {
            row_ok &= self.cell(col, cell, &span, index, &mut row);
        }
        let Row { customer: mut c, have_item, step_cells } = row;
        if row_ok && have_item && menu.recipe(c.item).is_some() {
            for (s, d, index) in step_cells {
                match menu.step_of(c.item, &s) {
                    Some(si) => c.durations.push((si as StepIx, d)),
                    None => {
                        self.err(
                            self.cell_span(&span, index),
                            "no such step",
                            format!(
                                "`{}` has no step `{s}`, but the row gives its duration",
                                menu.items.unwrap_or_default()[c.item as usize].name
                            ),
                            "leave the cell empty for items without that step".into(),
                        );
                        row_ok = false;
                    }
                }
            }
            out.push(c);
        }
        row_ok
    }

    /// Reads `cell`, in column `index` of column kind `col` of the row at `span`, into
    /// `row`; whether it is free of problems.
    fn cell(&mut self, col: &Col, cell: &str, span: &Range<usize>, index: usize, row: &mut Row) -> bool {
        let menu = self.menu;
        if cell.is_empty() {
            let required = match col {
                Col::Arrival => Some(("arrival", "write when the customer came, like `2.5`".to_string())),
                Col::Item => {
                    let names: Vec<&str> =
                        menu.items.unwrap_or_default().iter().map(|i| i.name.as_str()).collect();
                    let help = match names.is_empty() {
                        true => "write what the customer ordered, as the menu names it".to_string(),
                        false => format!("write what the customer ordered: {}", names.join(", ")),
                    };
                    Some(("item", help))
                }
                Col::Option(oi) => {
                    let o = &menu.options[*oi];
                    Some((
                        o.name.as_str(),
                        format!("write the customer's `{}`: {}", o.name, o.values.join(", ")),
                    ))
                }
                _ => None,
            };
            if let Some((name, help)) = required {
                self.err(self.cell_span(span, index), "empty", format!("the `{name}` cell is empty"), help);
                return false;
            }
        }
        let c = &mut row.customer;
        match col {
            Col::Arrival | Col::Step(_) | Col::Patience => {
                let optional = matches!(col, Col::Step(_) | Col::Patience);
                let Some(ticks) = self.time(cell, optional, span, index) else { return false };
                match (col, ticks) {
                    (_, None) => {}
                    (Col::Arrival, Some(t)) => c.arrival = t,
                    (Col::Step(s), Some(t)) => row.step_cells.push((s.clone(), t, index)),
                    (Col::Patience, Some(t)) => c.patience = Some(t),
                    _ => unreachable!(),
                }
            }
            Col::Item => match menu.item_named(cell) {
                Some(i) => {
                    c.item = i;
                    row.have_item = true;
                }
                None if menu.items.is_none() || menu.broken_items.iter().any(|b| b == cell) => return false,
                None => {
                    let mut names: Vec<&str> =
                        menu.items.unwrap_or_default().iter().map(|i| i.name.as_str()).collect();
                    names.extend(menu.broken_items.iter().map(String::as_str));
                    self.err(
                        self.cell_span(span, index),
                        "not on the menu",
                        format!("`{cell}` is not on the menu"),
                        format!("the menu has: {}", names.join(", ")),
                    );
                    return false;
                }
            },
            Col::Customer => {
                if let Some((i, ch)) = reader::forbidden_in(cell, false) {
                    let at = self.cell_span(span, index);
                    // The cell's own text, when it can be found in the line: at the character.
                    let at = if self.text[at.clone()] == *cell {
                        at.start + i..at.start + i + ch.len_utf8()
                    } else {
                        at
                    };
                    let (message, label, help) = reader::forbidden_char(ch, "a customer's name", false);
                    self.err(at, label, message, help);
                    return false;
                }
                c.name = (!cell.is_empty()).then(|| cell.to_string());
            }
            Col::Unchecked => return false,
            Col::Ignored => {}
            Col::Option(oi) => match menu.value_of(*oi, cell) {
                Ok(v) => c.options[*oi] = v,
                Err(help) => {
                    self.err(
                        self.cell_span(span, index),
                        "unknown value",
                        format!("`{cell}` is not a value of option `{}`", menu.options[*oi].name),
                        help,
                    );
                    return false;
                }
            },
        }
        true
    }

    /// A time cell in ticks: `Some(None)` when it is empty and may be, None after a
    /// problem (reported).
    fn time(&mut self, cell: &str, optional: bool, span: &Range<usize>, index: usize) -> Option<Option<u64>> {
        let unit = self.unit;
        match cell.parse::<f64>() {
            Ok(x) if x.is_finite() && x > unit.max_amount() => {
                self.err(
                    self.cell_span(span, index),
                    "too long",
                    format!("`{cell}` is more than {}, the longest time a run can count", unit.max_text()),
                    format!(
                        "a run counts time in nanoseconds up to {} (about 28 years): write a shorter time",
                        TimeUnit::Hours.max_text()
                    ),
                );
                None
            }
            Ok(x) if x.is_finite() && x >= 0.0 => Some(Some(unit.to_ticks(x))),
            _ if cell.is_empty() && optional => Some(None),
            _ => {
                self.err(
                    self.cell_span(span, index),
                    "not a time",
                    format!(
                        "`{cell}` is not a time: times are finite numbers of {} that are at least 0",
                        reader::unit_words(unit)
                    ),
                    "write it like `2.5`".into(),
                );
                None
            }
        }
    }
}
