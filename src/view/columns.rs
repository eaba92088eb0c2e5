//! The columnar view: a run's three tables (orders, steps, events) built in memory
//! as column vectors, for a dataframe library rather than a file. The columns, their
//! order and their meaning are exactly those of the CSV export (`docs/exports.md`):
//! the rows are worked out by the same code (`view::rows`), only stored instead of
//! written. Whole numbers are `u64`; times are seconds as `f64` (the nearest float
//! to the CSV's exact decimal: what parsing the CSV gives); strings are
//! dictionary-encoded ([`Dict`]); a cell the CSV leaves empty is a missing value
//! ([`Nullable`]'s validity, a [`Dict`]'s missing code).
//!
//! ```
//! use async_cafe::{builtin, model::Mode, ops, view::columns::{Column, TableSet}};
//!
//! let cafe = builtin::find("cafe").unwrap().load().unwrap();
//! let spec = ops::RunSpec { mode: Mode::Sync, clock: ops::ClockKind::Virtual, seed: 0 };
//! let want = ops::Want { tables: Some(TableSet::ALL), ..Default::default() };
//! let tables = ops::run(&cafe, spec, want, &mut std::io::sink()).unwrap().tables.unwrap();
//! let orders = tables.orders.as_ref().unwrap();
//! assert_eq!(orders.len(), 2);
//! let served = orders.columns().into_iter().find(|(name, _)| name == "served_s").unwrap().1;
//! let Column::MaybeSeconds(served) = served else { panic!() };
//! assert_eq!((served.get(0), served.get(1)), (Some(5.0), Some(10.0)));
//! ```

use rustc_hash::FxHashMap;
use std::io;

use crate::event::{Event, Sink};
use crate::model::Scenario;
use crate::time::{Ticks, seconds};

use super::rows::{EVENT_HEADER, EventRow, OrderRow, Rows, STEP_HEADER, StepRow, Tabulator, order_header};

/// Which rows of a column have a value: one bit per row, least significant bit
/// first in each word (Arrow's validity bitmap, read as little-endian bytes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    words: Vec<u64>,
    len: usize,
    nulls: usize,
}

impl Validity {
    fn reserve(&mut self, rows: usize) {
        self.words.reserve(rows.div_ceil(64));
    }

    #[inline]
    fn push(&mut self, valid: bool) {
        let (word, bit) = (self.len / 64, self.len % 64);
        if bit == 0 {
            self.words.push(0);
        }
        self.words[word] |= u64::from(valid) << bit;
        self.nulls += usize::from(!valid);
        self.len += 1;
    }

    /// Whether row `i` has a value.
    pub fn get(&self, i: usize) -> bool {
        assert!(i < self.len, "row {i} of {}", self.len);
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many rows have no value.
    pub fn null_count(&self) -> usize {
        self.nulls
    }

    /// The bits, 64 rows a word (the bits past the last row are 0).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The bits, to be handed on without a copy.
    pub fn into_words(self) -> Vec<u64> {
        self.words
    }
}

/// A column of values, some of them missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Nullable<T> {
    /// One value per row (a default where missing).
    pub values: Vec<T>,
    /// Whether each row has a value.
    pub valid: Validity,
}

impl<T: Copy + Default> Nullable<T> {
    fn reserve(&mut self, rows: usize) {
        self.values.reserve(rows);
        self.valid.reserve(rows);
    }

    #[inline]
    fn push(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.valid.push(v.is_some());
    }

    /// Row `i`'s value, `None` where missing.
    pub fn get(&self, i: usize) -> Option<T> {
        self.valid.get(i).then(|| self.values[i])
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A column of strings, dictionary-encoded: each row a code into the distinct
/// strings, or [`Dict::MISSING`]. The strings lie one after another in `bytes`,
/// string `c` at `offsets[c]..offsets[c + 1]` (Arrow's layout of a string array).
/// A column whose every row is a string of its own (`customer`) has code `i` in
/// row `i` ([`Dict::is_plain`]): its strings are the column as it stands.
#[derive(Clone, Debug)]
pub struct Dict {
    /// The distinct strings' UTF-8, one after another.
    pub bytes: String,
    /// Where each string starts in `bytes`, then where the last one ends.
    pub offsets: Vec<usize>,
    /// One code per row.
    pub codes: Vec<u32>,
    /// Whether row `i` has code `i` for every row.
    plain: bool,
    index: FxHashMap<String, u32>,
}

impl Default for Dict {
    fn default() -> Self {
        Dict {
            bytes: String::new(),
            offsets: vec![0],
            codes: Vec::new(),
            plain: true,
            index: FxHashMap::default(),
        }
    }
}

impl Dict {
    /// The code of a missing value.
    pub const MISSING: u32 = u32::MAX;

    /// A column whose strings are `values`, code `c` for `values[c]`.
    fn with_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Dict {
        let mut d = Dict::default();
        for v in values {
            let c = d.add(v);
            d.index.entry(v.to_string()).or_insert(c);
        }
        d
    }

    /// Adds a distinct string; returns its code.
    fn add(&mut self, s: &str) -> u32 {
        let c = self.strings() as u32;
        self.bytes.push_str(s);
        self.offsets.push(self.bytes.len());
        c
    }

    /// How many distinct strings.
    pub fn strings(&self) -> usize {
        self.offsets.len() - 1
    }

    /// String `c`.
    pub fn string(&self, c: u32) -> &str {
        let c = c as usize;
        &self.bytes[self.offsets[c]..self.offsets[c + 1]]
    }

    /// Row `i`'s string, `None` where missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            Dict::MISSING => None,
            c => Some(self.string(c)),
        }
    }

    /// Whether row `i` has code `i` for every row: the strings, in order, are the
    /// column.
    pub fn is_plain(&self) -> bool {
        self.plain && self.strings() == self.codes.len()
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    fn reserve(&mut self, rows: usize, bytes: usize) {
        self.codes.reserve(rows);
        self.bytes.reserve(bytes);
    }

    /// Appends a row of code `code` (or [`Dict::MISSING`]).
    #[inline]
    fn push_code(&mut self, code: u32) {
        self.plain &= code as usize == self.codes.len();
        self.codes.push(code);
    }

    /// Appends `s`, reusing its code if it has one.
    fn push(&mut self, s: Option<&str>) {
        let code = match s {
            None => Dict::MISSING,
            Some(s) => match self.index.get(s) {
                Some(&c) => c,
                None => {
                    let c = self.add(s);
                    self.index.insert(s.to_string(), c);
                    c
                }
            },
        };
        self.push_code(code);
    }

    /// Appends a string no other row has, written by `write`.
    fn push_unique(&mut self, write: impl FnOnce(&mut String)) {
        let c = self.strings() as u32;
        write(&mut self.bytes);
        self.offsets.push(self.bytes.len());
        self.push_code(c);
    }
}

/// One column, borrowed, as a table lists it.
#[derive(Clone, Copy, Debug)]
pub enum Column<'a> {
    /// Whole numbers, never missing.
    Whole(&'a [u64]),
    /// Whole numbers, some missing.
    MaybeWhole(&'a Nullable<u64>),
    /// Seconds, never missing.
    Seconds(&'a [f64]),
    /// Seconds, some missing.
    MaybeSeconds(&'a Nullable<f64>),
    /// Strings (dictionary-encoded), perhaps missing.
    Text(&'a Dict),
}

/// One column, owned: a table taken apart ([`OrderColumns::into_columns`]), so that
/// its vectors can be handed on (to Arrow, say) without a copy.
#[derive(Clone, Debug)]
pub enum OwnedColumn {
    /// Whole numbers, never missing.
    Whole(Vec<u64>),
    /// Whole numbers, some missing.
    MaybeWhole(Nullable<u64>),
    /// Seconds, never missing.
    Seconds(Vec<f64>),
    /// Seconds, some missing.
    MaybeSeconds(Nullable<f64>),
    /// Strings (dictionary-encoded), perhaps missing.
    Text(Dict),
}

/// A table's columns in the CSV's order, borrowed (`$r` = `&`) or taken (`$r`
/// empty): one list for both `columns` and `into_columns`.
macro_rules! order_columns {
    ($s:ident, $C:ident $(, $r:tt)?) => {{
        use $C::*;
        let mut cols = vec![Whole($($r)? $s.id), Text($($r)? $s.customer), Text($($r)? $s.item)];
        cols.extend(($($r)? $s.options).into_iter().map(Text));
        cols.extend([
            Seconds($($r)? $s.arrived_s),
            Seconds($($r)? $s.taken_s),
            MaybeSeconds($($r)? $s.first_step_s),
            MaybeSeconds($($r)? $s.served_s),
            MaybeSeconds($($r)? $s.wait_s),
            MaybeSeconds($($r)? $s.time_in_system_s),
            Seconds($($r)? $s.longest_chain_s),
            MaybeSeconds($($r)? $s.above_chain_s),
            Text($($r)? $s.outcome),
            MaybeSeconds($($r)? $s.gone_s),
            MaybeSeconds($($r)? $s.door_s),
            MaybeSeconds($($r)? $s.cook_s),
            MaybeSeconds($($r)? $s.equipment_s),
            MaybeSeconds($($r)? $s.loop_s),
            MaybeSeconds($($r)? $s.loop_start_s),
        ]);
        ($($r)? $s.names).into_iter().map(|n| n.to_string()).zip(cols).collect()
    }};
}

macro_rules! step_columns {
    ($s:ident, $C:ident $(, $r:tt)?) => {{
        use $C::*;
        let cols = [
            Whole($($r)? $s.order),
            Text($($r)? $s.item),
            Text($($r)? $s.step),
            Text($($r)? $s.kind),
            Text($($r)? $s.equipment),
            MaybeWhole($($r)? $s.cook),
            MaybeSeconds($($r)? $s.queued_s),
            MaybeSeconds($($r)? $s.started_s),
            MaybeSeconds($($r)? $s.finished_s),
            MaybeSeconds($($r)? $s.duration_s),
            Seconds($($r)? $s.drawn_s),
        ];
        STEP_HEADER.iter().map(|s| s.to_string()).zip(cols).collect()
    }};
}

macro_rules! event_columns {
    ($s:ident, $C:ident $(, $r:tt)?) => {{
        use $C::*;
        let cols = [
            Seconds($($r)? $s.t_s),
            Text($($r)? $s.kind),
            MaybeWhole($($r)? $s.order),
            Text($($r)? $s.step),
            MaybeWhole($($r)? $s.cook),
            Text($($r)? $s.equipment),
            MaybeSeconds($($r)? $s.elapsed_s),
            MaybeWhole($($r)? $s.served),
        ];
        EVENT_HEADER.iter().map(|s| s.to_string()).zip(cols).collect()
    }};
}

/// Which tables to build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableSet {
    /// The orders table.
    pub orders: bool,
    /// The steps table.
    pub steps: bool,
    /// The events table.
    pub events: bool,
}

impl TableSet {
    /// All three.
    pub const ALL: TableSet = TableSet { orders: true, steps: true, events: true };
}

/// `orders.csv` as columns: one row per order, in order of `id`.
#[derive(Clone, Debug, Default)]
pub struct OrderColumns {
    /// Every column's name, in order (as the CSV header).
    pub names: Vec<String>,
    /// `id`.
    pub id: Vec<u64>,
    /// `customer`.
    pub customer: Dict,
    /// `item`.
    pub item: Dict,
    /// One column per option, in the scenario's option order.
    pub options: Vec<Dict>,
    /// `arrived_s`.
    pub arrived_s: Vec<f64>,
    /// `taken_s`.
    pub taken_s: Vec<f64>,
    /// `first_step_s`.
    pub first_step_s: Nullable<f64>,
    /// `served_s`.
    pub served_s: Nullable<f64>,
    /// `wait_s`.
    pub wait_s: Nullable<f64>,
    /// `time_in_system_s`.
    pub time_in_system_s: Nullable<f64>,
    /// `longest_chain_s`.
    pub longest_chain_s: Vec<f64>,
    /// `above_chain_s`.
    pub above_chain_s: Nullable<f64>,
    /// `outcome`.
    pub outcome: Dict,
    /// `gone_s`.
    pub gone_s: Nullable<f64>,
    /// `door_s`.
    pub door_s: Nullable<f64>,
    /// `cook_s`.
    pub cook_s: Nullable<f64>,
    /// `equipment_s`.
    pub equipment_s: Nullable<f64>,
    /// `loop_s`.
    pub loop_s: Nullable<f64>,
    /// `loop_start_s`.
    pub loop_start_s: Nullable<f64>,
}

impl OrderColumns {
    /// Makes room for `rows` rows, so that the columns do not grow (and move) as
    /// the rows come.
    fn reserve(&mut self, rows: usize) {
        self.id.reserve(rows);
        for v in [&mut self.arrived_s, &mut self.taken_s, &mut self.longest_chain_s] {
            v.reserve(rows);
        }
        let maybe = [
            &mut self.first_step_s,
            &mut self.served_s,
            &mut self.wait_s,
            &mut self.time_in_system_s,
            &mut self.above_chain_s,
            &mut self.gone_s,
            &mut self.door_s,
            &mut self.cook_s,
            &mut self.equipment_s,
            &mut self.loop_s,
            &mut self.loop_start_s,
        ];
        for v in maybe {
            v.reserve(rows);
        }
        // "Customer 1234567": 16 bytes.
        self.customer.reserve(rows, rows * 16);
        self.customer.offsets.reserve(rows);
        for d in [&mut self.item, &mut self.outcome].into_iter().chain(&mut self.options) {
            d.reserve(rows, 0);
        }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Every column, named, in the CSV's order.
    pub fn columns(&self) -> Vec<(String, Column<'_>)> {
        order_columns!(self, Column, &)
    }

    /// Every column, named, in the CSV's order, taken out of the table.
    pub fn into_columns(self) -> Vec<(String, OwnedColumn)> {
        order_columns!(self, OwnedColumn)
    }
}

/// `steps.csv` as columns.
#[derive(Clone, Debug, Default)]
pub struct StepColumns {
    /// `order`.
    pub order: Vec<u64>,
    /// `item`.
    pub item: Dict,
    /// `step`.
    pub step: Dict,
    /// `kind`.
    pub kind: Dict,
    /// `equipment`.
    pub equipment: Dict,
    /// `cook`.
    pub cook: Nullable<u64>,
    /// `queued_s`.
    pub queued_s: Nullable<f64>,
    /// `started_s`.
    pub started_s: Nullable<f64>,
    /// `finished_s`.
    pub finished_s: Nullable<f64>,
    /// `duration_s`.
    pub duration_s: Nullable<f64>,
    /// `drawn_s`.
    pub drawn_s: Vec<f64>,
}

impl StepColumns {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every column, named, in the CSV's order.
    pub fn columns(&self) -> Vec<(String, Column<'_>)> {
        step_columns!(self, Column, &)
    }

    /// Every column, named, in the CSV's order, taken out of the table.
    pub fn into_columns(self) -> Vec<(String, OwnedColumn)> {
        step_columns!(self, OwnedColumn)
    }
}

/// `events.csv` as columns.
#[derive(Clone, Debug, Default)]
pub struct EventColumns {
    /// `t_s`.
    pub t_s: Vec<f64>,
    /// `kind`.
    pub kind: Dict,
    /// `order`.
    pub order: Nullable<u64>,
    /// `step`.
    pub step: Dict,
    /// `cook`.
    pub cook: Nullable<u64>,
    /// `equipment`.
    pub equipment: Dict,
    /// `elapsed_s`.
    pub elapsed_s: Nullable<f64>,
    /// `served`.
    pub served: Nullable<u64>,
}

impl EventColumns {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.t_s.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.t_s.is_empty()
    }

    /// Every column, named, in the CSV's order.
    pub fn columns(&self) -> Vec<(String, Column<'_>)> {
        event_columns!(self, Column, &)
    }

    /// Every column, named, in the CSV's order, taken out of the table.
    pub fn into_columns(self) -> Vec<(String, OwnedColumn)> {
        event_columns!(self, OwnedColumn)
    }
}

/// The tables a run built: those its [`TableSet`] asked for.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    /// One row per order (`orders.csv`).
    pub orders: Option<OrderColumns>,
    /// One row per step (`steps.csv`).
    pub steps: Option<StepColumns>,
    /// One row per event (`events.csv`).
    pub events: Option<EventColumns>,
}

/// Where the rows go: the tables asked for.
struct Builder<'s> {
    sc: &'s Scenario,
    tables: Tables,
}

/// How many orders a run of `sc` should have, as far as the scenario says (at most
/// 4 Mi: room is made for that many rows, not filled).
fn expected_orders(sc: &Scenario) -> usize {
    crate::sweep::expected_customers(sc).map_or(0, |n| n.min((1 << 22) as f64) as usize)
}

/// The outcomes, in the order of their codes in the `outcome` column.
const OUTCOMES: [&str; 3] = ["served", "left", "balked"];

fn outcome_code(outcome: Option<&str>) -> u32 {
    match outcome {
        None => Dict::MISSING,
        Some(o) => OUTCOMES.iter().position(|&x| x == o).expect("an outcome") as u32,
    }
}

fn opt_seconds(t: Option<Ticks>) -> Option<f64> {
    t.map(seconds)
}

impl<'s> Rows<'s> for Builder<'s> {
    fn takes(&self) -> (bool, bool) {
        (self.tables.steps.is_some(), self.tables.events.is_some())
    }

    fn order(&mut self, row: &OrderRow<'_, 's>) -> io::Result<()> {
        let Some(o) = &mut self.tables.orders else { return Ok(()) };
        o.id.push(row.id);
        // Every row its own string: written straight into the column.
        o.customer.push_unique(|text| match row.customer {
            Some(name) => text.push_str(name),
            None => {
                text.push_str("Customer ");
                text.push_str(itoa::Buffer::new().format(row.id));
            }
        });
        // Item and option values are coded by their index in the scenario.
        o.item.push_code(u32::from(row.item));
        for (col, &v) in o.options.iter_mut().zip(row.options) {
            col.push_code(u32::from(v));
        }
        o.arrived_s.push(seconds(row.arrived));
        o.taken_s.push(seconds(row.taken));
        o.first_step_s.push(opt_seconds(row.first_step));
        o.served_s.push(opt_seconds(row.served));
        o.wait_s.push(opt_seconds(row.wait));
        o.time_in_system_s.push(opt_seconds(row.time_in_system));
        o.longest_chain_s.push(seconds(row.longest_chain));
        o.above_chain_s.push(opt_seconds(row.above_chain));
        o.outcome.push_code(outcome_code(row.outcome));
        o.gone_s.push(opt_seconds(row.gone));
        o.door_s.push(opt_seconds(row.waits.map(|w| w.door)));
        o.cook_s.push(opt_seconds(row.waits.map(|w| w.cook)));
        o.equipment_s.push(opt_seconds(row.waits.map(|w| w.equipment)));
        o.loop_s.push(opt_seconds(row.waits.map(|w| w.event_loop)));
        o.loop_start_s.push(opt_seconds(row.waits.map(|w| w.loop_start)));
        Ok(())
    }

    fn step(&mut self, row: &StepRow) -> io::Result<()> {
        let Some(s) = &mut self.tables.steps else { return Ok(()) };
        let sc = self.sc;
        let step = &sc.recipe_of(row.item).steps[row.step as usize];
        s.order.push(row.order);
        s.item.push_code(u32::from(row.item));
        s.step.push(Some(&step.name));
        s.kind.push(Some(step.kind.name()));
        s.equipment.push(step.uses.map(|e| sc.kitchen.equipment[e as usize].name.as_str()));
        s.cook.push(row.cook.map(u64::from));
        s.queued_s.push(opt_seconds(row.queued));
        s.started_s.push(opt_seconds(row.started));
        s.finished_s.push(opt_seconds(row.finished));
        s.duration_s.push(opt_seconds(row.duration));
        s.drawn_s.push(seconds(row.drawn));
        Ok(())
    }

    fn event(&mut self, row: &EventRow<'s>) -> io::Result<()> {
        let Some(e) = &mut self.tables.events else { return Ok(()) };
        let rec = &row.rec;
        e.t_s.push(seconds(row.t));
        e.kind.push(Some(rec.kind));
        e.order.push(rec.order);
        e.step.push(rec.step);
        e.cook.push(rec.cook.map(u64::from));
        e.equipment.push(rec.equipment);
        e.elapsed_s.push(opt_seconds(row.elapsed));
        e.served.push(rec.served);
        Ok(())
    }
}

/// The columnar view: a [`Sink`] that builds the tables of a [`TableSet`] as the run
/// goes. [`ColumnsView::finish`] adds the rows of what is still in the kitchen (a
/// run stopped early), as the CSV export does.
pub struct ColumnsView<'s> {
    rows: Tabulator<'s>,
    out: Builder<'s>,
}

impl<'s> ColumnsView<'s> {
    /// Builds the tables `which` of a run of `sc`.
    pub fn new(sc: &'s Scenario, which: TableSet) -> Self {
        let items = || Dict::with_values(sc.menu.items.iter().map(|i| i.name.as_str()));
        let orders = which.orders.then(|| {
            let mut o = OrderColumns {
                names: order_header(sc),
                item: items(),
                options: sc
                    .menu
                    .options
                    .iter()
                    .map(|o| Dict::with_values(o.values.iter().map(String::as_str)))
                    .collect(),
                outcome: Dict::with_values(OUTCOMES),
                ..OrderColumns::default()
            };
            o.reserve(expected_orders(sc));
            o
        });
        let tables = Tables {
            orders,
            steps: which.steps.then(|| StepColumns { item: items(), ..StepColumns::default() }),
            events: which.events.then(EventColumns::default),
        };
        ColumnsView { rows: Tabulator::new(sc), out: Builder { sc, tables } }
    }

    /// The tables, with a row for every order and step still in the kitchen.
    pub fn finish(mut self) -> Tables {
        // Building columns cannot fail.
        let _ = self.rows.finish(&mut self.out);
        self.out.tables
    }
}

impl Sink for ColumnsView<'_> {
    fn event(&mut self, event: &Event<'_>) {
        let _ = self.rows.event(event, &mut self.out);
    }
}
