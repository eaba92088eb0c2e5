//! Text tables: columns of cells padded to a width, as the statistics, the
//! replications and the sweep print them; and [`wrap_words`], prose flowed to a
//! width.
//!
//! A column is aligned left or right and has a minimum width; a *fitted* column
//! is as wide as its widest cell (at least the minimum), while an unfitted one is
//! the minimum wide and a wider cell simply overflows it, as `format!("{:>9}")`
//! does. Widths count characters, not bytes. Each column has the text that goes
//! before it (the gap), and every line starts with the table's indent; trailing
//! spaces are trimmed.

use std::fmt::Write as _;

/// Which side of its column a cell keeps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right (text).
    Left,
    /// Padded on the left (numbers).
    Right,
}

/// A column's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Which side its cells keep to.
    pub align: Align,
    /// At least this many characters.
    pub min: usize,
    /// As wide as the widest cell, when wider than `min`.
    pub fit: bool,
    /// Written before the column's cell (after the indent, for the first).
    pub gap: &'static str,
}

impl Column {
    /// A column as wide as its widest cell, after `gap`.
    pub fn fit(align: Align, gap: &'static str) -> Column {
        Column { align, min: 0, fit: true, gap }
    }

    /// A column `width` characters wide (wider cells overflow it), after `gap`.
    pub fn fixed(align: Align, width: usize, gap: &'static str) -> Column {
        Column { align, min: width, fit: false, gap }
    }
}

/// Rows of cells laid out in columns.
#[derive(Clone, Debug)]
pub struct Table {
    indent: &'static str,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table whose lines start with `indent`.
    pub fn new(indent: &'static str, columns: Vec<Column>) -> Table {
        Table { indent, columns, rows: Vec::new() }
    }

    /// Adds a row: one cell per column (missing cells are empty).
    pub fn row(&mut self, cells: Vec<String>) -> &mut Table {
        self.rows.push(cells);
        self
    }

    /// Each column's width.
    fn widths(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let widest = if c.fit {
                    self.rows.iter().filter_map(|r| r.get(j)).map(|s| s.chars().count()).max().unwrap_or(0)
                } else {
                    0
                };
                widest.max(c.min)
            })
            .collect()
    }

    /// The lines, each ending in a newline.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::from(self.indent);
            for (j, c) in self.columns.iter().enumerate() {
                let cell = row.get(j).map_or("", String::as_str);
                let pad = widths[j].saturating_sub(cell.chars().count());
                line.push_str(c.gap);
                match c.align {
                    Align::Left => {
                        line.push_str(cell);
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                    Align::Right => {
                        line.extend(std::iter::repeat_n(' ', pad));
                        line.push_str(cell);
                    }
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out
    }
}

/// `text` after `first`, as one paragraph kept within `width` characters when a
/// line of it is wider: its words (split at any white space, line breaks included)
/// flowed into lines, the first after `first`, the others after `rest`, a word
/// longer than the width alone on its line. Within the width, or with none, it is
/// kept as it is. Every line ends with a line break. What the sweep's notes are
/// wrapped with, and the command's prose (`cafe list`, the reasons of
/// `cafe compare` and `--why`, warnings).
///
/// ```
/// use async_cafe::view::table::wrap_words;
///
/// let text = "the queue grows without bound; give it at least 2 cooks";
/// let wrapped = "- the queue grows without\n  bound; give it at least 2\n  cooks\n";
/// assert_eq!(wrap_words(text, Some(30), "- ", "  "), wrapped);
/// assert_eq!(wrap_words(text, None, "- ", "  "), format!("- {text}\n"));
/// ```
pub fn wrap_words(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    let fits = |w: usize| {
        let mut lines = text.lines();
        let head = lines.next().map_or(0, |l| l.chars().count());
        first.chars().count() + head <= w && lines.all(|l| l.chars().count() <= w)
    };
    let mut out = String::new();
    let Some(width) = width.filter(|&w| !fits(w)) else {
        out.push_str(first);
        out.push_str(text);
        out.push('\n');
        return out;
    };
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_columns_take_the_widest_cell_and_fixed_ones_overflow() {
        let mut t = Table::new(
            "  ",
            vec![
                Column::fit(Align::Left, ""),
                Column::fixed(Align::Right, 4, " "),
                Column::fit(Align::Right, "  "),
            ],
        );
        t.row(vec!["a".into(), "1".into(), "x".into()]);
        t.row(vec!["long name".into(), "123456".into(), "wide".into()]);
        t.row(vec!["é".into()]);
        assert_eq!(t.render(), "  a            1     x\n  long name 123456  wide\n  é\n");
    }
}
