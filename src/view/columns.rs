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
use crate::time::{TICKS_PER_SECOND, Ticks};

use super::rows::{EVENT_HEADER, EventRow, OrderRow, Rows, STEP_HEADER, StepRow, Tabulator, order_header};

/// Seconds as the nearest `f64`: what parsing the CSV's exact decimal gives.
pub fn seconds(t: Ticks) -> f64 {
    // Below 2^53 both are exact floats, and one division rounds once.
    if t < 1 << 53 {
        t as f64 / TICKS_PER_SECOND as f64
    } else {
        let text = format!("{}.{:09}", t / TICKS_PER_SECOND, t % TICKS_PER_SECOND);
        text.parse().unwrap_or(f64::NAN)
    }
}

/// A column of values, some of them missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Nullable<T> {
    /// One value per row (a default where missing).
    pub values: Vec<T>,
    /// Whether each row has a value.
    pub valid: Vec<bool>,
}

impl<T: Copy + Default> Nullable<T> {
    fn push(&mut self, v: Option<T>) {
        self.values.push(v.unwrap_or_default());
        self.valid.push(v.is_some());
    }

    /// Row `i`'s value, `None` where missing.
    pub fn get(&self, i: usize) -> Option<T> {
        self.valid[i].then(|| self.values[i])
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

/// A column of strings, dictionary-encoded: each row a code into `values`, or
/// [`Dict::MISSING`].
#[derive(Clone, Debug, Default)]
pub struct Dict {
    /// The distinct strings (a string may appear twice; codes are what count).
    pub values: Vec<String>,
    /// One code per row.
    pub codes: Vec<u32>,
    index: FxHashMap<String, u32>,
}

impl Dict {
    /// The code of a missing value.
    pub const MISSING: u32 = u32::MAX;

    /// Row `i`'s string, `None` where missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            Dict::MISSING => None,
            c => Some(&self.values[c as usize]),
        }
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Appends `s`, reusing its code if it has one.
    fn push(&mut self, s: Option<&str>) {
        let code = match s {
            None => Dict::MISSING,
            Some(s) => match self.index.get(s) {
                Some(&c) => c,
                None => {
                    let c = self.values.len() as u32;
                    self.values.push(s.to_string());
                    self.index.insert(s.to_string(), c);
                    c
                }
            },
        };
        self.codes.push(code);
    }

    /// Appends `s` under a code of its own (a string no other row has).
    fn push_unique(&mut self, s: String) {
        self.codes.push(self.values.len() as u32);
        self.values.push(s);
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
}

impl OrderColumns {
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
        use Column::*;
        let mut cols = vec![Whole(&self.id), Text(&self.customer), Text(&self.item)];
        cols.extend(self.options.iter().map(Text));
        cols.extend([
            Seconds(&self.arrived_s),
            Seconds(&self.taken_s),
            MaybeSeconds(&self.first_step_s),
            MaybeSeconds(&self.served_s),
            MaybeSeconds(&self.wait_s),
            MaybeSeconds(&self.time_in_system_s),
            Seconds(&self.longest_chain_s),
            MaybeSeconds(&self.above_chain_s),
            Text(&self.outcome),
            MaybeSeconds(&self.gone_s),
            MaybeSeconds(&self.door_s),
            MaybeSeconds(&self.cook_s),
            MaybeSeconds(&self.equipment_s),
            MaybeSeconds(&self.loop_s),
        ]);
        self.names.iter().cloned().zip(cols).collect()
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
        use Column::*;
        let cols = [
            Whole(&self.order),
            Text(&self.item),
            Text(&self.step),
            Text(&self.kind),
            Text(&self.equipment),
            MaybeWhole(&self.cook),
            MaybeSeconds(&self.queued_s),
            MaybeSeconds(&self.started_s),
            MaybeSeconds(&self.finished_s),
            MaybeSeconds(&self.duration_s),
            Seconds(&self.drawn_s),
        ];
        STEP_HEADER.iter().map(|s| s.to_string()).zip(cols).collect()
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
        use Column::*;
        let cols = [
            Seconds(&self.t_s),
            Text(&self.kind),
            MaybeWhole(&self.order),
            Text(&self.step),
            MaybeWhole(&self.cook),
            Text(&self.equipment),
            MaybeSeconds(&self.elapsed_s),
            MaybeWhole(&self.served),
        ];
        EVENT_HEADER.iter().map(|s| s.to_string()).zip(cols).collect()
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

fn opt_seconds(t: Option<Ticks>) -> Option<f64> {
    t.map(seconds)
}

impl<'s> Rows<'s> for Builder<'s> {
    fn takes(&self) -> (bool, bool) {
        (self.tables.steps.is_some(), self.tables.events.is_some())
    }

    fn order(&mut self, row: &OrderRow<'_, 's>) -> io::Result<()> {
        let Some(o) = &mut self.tables.orders else { return Ok(()) };
        let sc = self.sc;
        o.id.push(row.id);
        match row.customer {
            // A listed customer's name, coded once.
            Some(name) => o.customer.push(Some(name)),
            None => o.customer.push_unique(format!("Customer {}", row.id)),
        }
        o.item.push(Some(&sc.menu.items[row.item as usize].name));
        for ((col, opt), &v) in o.options.iter_mut().zip(&sc.menu.options).zip(row.options) {
            col.push(Some(&opt.values[v as usize]));
        }
        o.arrived_s.push(seconds(row.arrived));
        o.taken_s.push(seconds(row.taken));
        o.first_step_s.push(opt_seconds(row.first_step));
        o.served_s.push(opt_seconds(row.served));
        o.wait_s.push(opt_seconds(row.wait));
        o.time_in_system_s.push(opt_seconds(row.time_in_system));
        o.longest_chain_s.push(seconds(row.longest_chain));
        o.above_chain_s.push(opt_seconds(row.above_chain));
        o.outcome.push(row.outcome);
        o.gone_s.push(opt_seconds(row.gone));
        o.door_s.push(opt_seconds(row.waits.map(|w| w.door)));
        o.cook_s.push(opt_seconds(row.waits.map(|w| w.cook)));
        o.equipment_s.push(opt_seconds(row.waits.map(|w| w.equipment)));
        o.loop_s.push(opt_seconds(row.waits.map(|w| w.event_loop)));
        Ok(())
    }

    fn step(&mut self, row: &StepRow) -> io::Result<()> {
        let Some(s) = &mut self.tables.steps else { return Ok(()) };
        let sc = self.sc;
        let step = &sc.recipe_of(row.item).steps[row.step as usize];
        s.order.push(row.order);
        s.item.push(Some(&sc.menu.items[row.item as usize].name));
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
        let orders = which.orders.then(|| OrderColumns {
            names: order_header(sc),
            options: vec![Dict::default(); sc.menu.options.len()],
            ..OrderColumns::default()
        });
        let tables = Tables {
            orders,
            steps: which.steps.then(StepColumns::default),
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
