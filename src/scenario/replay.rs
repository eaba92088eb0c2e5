//! A recorded day as CSV: `arrival,item` and optionally `customer`, one column per
//! option, and one per step whose duration was recorded.

use super::Loader;
use super::Problem;
use super::menu::MenuCheck;
use super::options::option_value;
use super::reader;
use super::reader::Value;
use crate::model::*;
use crate::time::TimeUnit;
use std::ops::Range;

impl Loader<'_, '_, '_> {
    /// `replay`: the customers of the CSV file the scenario names.
    pub(super) fn replay(&mut self, rv: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<Customers> {
        let path = self.cx.str(rv, "`replay`", "replay = \"monday.csv\"")?;
        match (self.resolve)(path) {
            Ok((display, bytes)) => {
                let file = self.extra_files.len() + 1;
                let text = match super::diag::utf8(bytes, file, "the CSV file") {
                    Ok(text) => text,
                    Err((text, problems)) => {
                        self.cx.problems.extend(problems);
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

fn parse(
    text: &str,
    file: usize,
    unit: TimeUnit,
    menu: &MenuCheck,
    problems: &mut Vec<Problem>,
) -> Option<Vec<CustomerSpec>> {
    let mut err = |span: Range<usize>, label: &str, message: String, help: String| {
        problems.push(Problem { file, span: Some(span), message, label: label.into(), help: Some(help) });
    };
    let line_span = |start: usize| {
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        if end > start { start..end } else { start..(start + 1).min(text.len()) }
    };
    // Cell `index` of the line at `line`, when the line is simple enough to find it
    // (no quotes); else the whole line.
    let cell_span = |line: &Range<usize>, index: usize| {
        let l = &text[line.clone()];
        if !l.contains('"') {
            let mut start = line.start;
            for (i, field) in l.split(',').enumerate() {
                let lead = field.len() - field.trim_start().len();
                let value = field.trim();
                if i == index && !value.is_empty() {
                    return start + lead..start + lead + value.len();
                }
                start += field.len() + 1;
            }
        }
        line.clone()
    };
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            err(
                0..text.len().min(1),
                "here",
                format!("cannot read the CSV header: {e}"),
                "the first line names the columns: arrival,item,...".into(),
            );
            return None;
        }
    };
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
    }
    let mut steps: Vec<&str> = Vec::new();
    let mut step_names = std::collections::HashSet::new();
    for r in menu.recipes.iter().filter_map(|(_, r)| r.as_ref()) {
        for s in &r.steps {
            if step_names.insert(s.name.as_str()) {
                steps.push(&s.name);
            }
        }
    }
    let mut cols = Vec::new();
    let mut ok = true;
    let header = line_span(0);
    for (index, h) in headers.iter().enumerate() {
        if let Some(first) = headers.iter().position(|other| other == h).filter(|&i| i < index) {
            err(
                cell_span(&header, index),
                "duplicate column",
                format!("the CSV has two `{h}` columns (columns {} and {})", first + 1, index + 1),
                "each column can be given only once: remove one of them".into(),
            );
            ok = false;
            cols.push(Col::Unchecked);
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
                None if !menu.all_recipes() || menu.broken_options.iter().any(|b| b == h) => Col::Unchecked,
                None => {
                    let mut known = vec!["arrival", "item", "customer", "patience"];
                    known.extend(menu.options.iter().map(|o| o.name.as_str()));
                    known.extend(steps.iter().copied());
                    let help = match crate::suggest::closest(h, known.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? Columns: {}", known.join(", ")),
                        None => format!("columns: {} (options and step names)", known.join(", ")),
                    };
                    err(
                        cell_span(&header, index),
                        "unknown column",
                        format!("unknown CSV column `{h}`"),
                        help,
                    );
                    ok = false;
                    continue;
                }
            },
        };
        cols.push(col);
    }
    let options = menu.options.iter().map(|o| o.name.as_str());
    for need in ["arrival", "item"].into_iter().chain(options) {
        if !headers.iter().any(|h| h == need) {
            err(
                header.clone(),
                "the columns",
                format!("the CSV has no `{need}` column"),
                "the first line names the columns: arrival,item,...".into(),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let start = e.position().map_or(0, |p| p.byte() as usize);
                err(
                    line_span(start),
                    "here",
                    format!("bad CSV record: {e}"),
                    "every row needs one value per column".into(),
                );
                ok = false;
                continue;
            }
        };
        let span = line_span(rec.position().map_or(0, |p| p.byte() as usize));
        let mut c = CustomerSpec {
            name: None,
            arrival: 0,
            item: 0,
            options: vec![0; menu.options.len()],
            durations: Vec::new(),
            patience: None,
        };
        let mut have_item = false;
        let mut row_ok = true;
        let mut step_cells = Vec::new();
        for (index, (col, cell)) in cols.iter().zip(rec.iter()).enumerate() {
            match col {
                Col::Arrival | Col::Step(_) | Col::Patience => match cell.parse::<f64>() {
                    Ok(x) if x.is_finite() && x > unit.max_amount() => {
                        err(
                            cell_span(&span, index),
                            "too long",
                            format!(
                                "`{cell}` is more than {}, the longest time a run can count",
                                unit.max_text()
                            ),
                            format!(
                                "a run counts time in nanoseconds up to {} (about 28 years): write a shorter time",
                                TimeUnit::Hours.max_text()
                            ),
                        );
                        row_ok = false;
                    }
                    Ok(x) if x.is_finite() && x >= 0.0 => match col {
                        Col::Arrival => c.arrival = unit.to_ticks(x),
                        Col::Step(s) => step_cells.push((s.clone(), unit.to_ticks(x), index)),
                        Col::Patience => c.patience = Some(unit.to_ticks(x)),
                        _ => unreachable!(),
                    },
                    _ if cell.is_empty() && matches!(col, Col::Step(_) | Col::Patience) => {}
                    _ => {
                        err(
                            cell_span(&span, index),
                            "not a time",
                            format!(
                                "`{cell}` is not a time: times are finite numbers of {} that are at least 0",
                                reader::unit_words(unit)
                            ),
                            "write it like `2.5`".into(),
                        );
                        row_ok = false;
                    }
                },
                Col::Item => match menu.items.and_then(|items| items.iter().position(|i| i.name == cell)) {
                    Some(i) => {
                        c.item = i as ItemIx;
                        have_item = true;
                    }
                    None if menu.items.is_none() || menu.broken_items.iter().any(|b| b == cell) => {
                        row_ok = false;
                    }
                    None => {
                        let mut names: Vec<&str> =
                            menu.items.unwrap_or_default().iter().map(|i| i.name.as_str()).collect();
                        names.extend(menu.broken_items.iter().map(String::as_str));
                        err(
                            cell_span(&span, index),
                            "not on the menu",
                            format!("`{cell}` is not on the menu"),
                            format!("the menu has: {}", names.join(", ")),
                        );
                        row_ok = false;
                    }
                },
                Col::Customer => c.name = (!cell.is_empty()).then(|| cell.to_string()),
                Col::Unchecked => row_ok = false,
                Col::Option(oi) => match option_value(&menu.options[*oi], cell) {
                    Ok(v) => c.options[*oi] = v,
                    Err(help) => {
                        err(
                            cell_span(&span, index),
                            "unknown value",
                            format!("`{cell}` is not a value of option `{}`", menu.options[*oi].name),
                            help,
                        );
                        row_ok = false;
                    }
                },
            }
        }
        if row_ok && have_item && menu.recipe(c.item).is_some() {
            for (s, d, index) in step_cells {
                match menu.step_of(c.item, &s) {
                    Some(si) => c.durations.push((si as StepIx, d)),
                    None => {
                        err(
                            cell_span(&span, index),
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
        ok &= row_ok;
    }
    ok.then_some(out)
}
