//! The kitchen, the menu and the customers: what a scenario describes.
//!
//! The model knows nothing of TOML, tokio or terminals. [`crate::scenario`] builds it
//! from a file and has checked every invariant documented here, so the engine can
//! rely on them without checking again.

use crate::template::Lines;
use crate::time::{Ticks, TimeUnit};

/// Index of a piece of equipment in [`Kitchen::equipment`].
pub type EquipIx = u16;
/// Index of an item in [`Menu::items`].
pub type ItemIx = u16;
/// Index of a recipe in [`Menu::recipes`].
pub type RecipeIx = u16;
/// Index of a step in its recipe.
pub type StepIx = u16;
/// Index of a cook, `0..cooks`.
pub type CookIx = u16;

/// A whole scenario: kitchen, menu, customers and narrative.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short name (a built-in's name, or the file stem).
    pub name: String,
    /// One line saying what the scenario shows.
    pub summary: String,
    /// The unit durations and arrival times are written in, and `{elapsed}` prints in.
    pub unit: TimeUnit,
    /// Real-clock playback speed: seconds of scenario time per second of wall time.
    pub speed: f64,
    /// Seed for every random draw, unless the command line gives one.
    pub seed: u64,
    pub kitchen: Kitchen,
    pub menu: Menu,
    pub customers: Customers,
    pub narrative: Narrative,
}

/// Cooks and equipment.
#[derive(Clone, Debug)]
pub struct Kitchen {
    /// At least 1.
    pub cooks: u16,
    pub equipment: Vec<Equipment>,
}

/// A kind of equipment and how many units of it the kitchen has.
#[derive(Clone, Debug)]
pub struct Equipment {
    pub name: String,
    /// At least 1.
    pub capacity: u32,
}

/// What can be ordered.
#[derive(Clone, Debug)]
pub struct Menu {
    /// In menu order (what `{menu}` lists). Never empty.
    pub items: Vec<Item>,
    pub recipes: Vec<Recipe>,
    /// Options every order carries one value of, such as a flavour.
    pub options: Vec<MenuOption>,
}

/// An item on the menu.
#[derive(Clone, Debug)]
pub struct Item {
    pub name: String,
    pub recipe: RecipeIx,
}

/// A choice every order makes, such as a flavour.
#[derive(Clone, Debug)]
pub struct MenuOption {
    pub name: String,
    /// Never empty.
    pub values: Vec<String>,
}

/// How an item is made: its steps and the lines it says.
#[derive(Clone, Debug)]
pub struct Recipe {
    pub name: String,
    /// Recipe order: the order in which the steps' tasks are created. Never empty;
    /// `after` only names earlier steps, so recipe order is a topological order.
    pub steps: Vec<Step>,
    /// Replaces [`Narrative::arrival`] for orders of this recipe.
    pub on_arrival: Option<Lines>,
    /// Replaces [`Narrative::served`] for orders of this recipe.
    pub on_served: Option<Lines>,
}

/// Whether a step needs the cook for its whole duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Occupies a cook for its whole duration, like blocking code (`time.sleep`).
    HandsOn,
    /// A machine or a timer works and the cook is free, like `await asyncio.sleep`.
    Unattended,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::HandsOn => "hands-on",
            StepKind::Unattended => "unattended",
        }
    }
}

/// One step of a recipe.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: String,
    pub kind: StepKind,
    pub duration: Dist,
    /// Equipment held while the step runs.
    pub uses: Option<EquipIx>,
    /// Earlier steps of the same recipe this one waits for, in the order it awaits them.
    pub after: Vec<StepIx>,
    /// The value the step returns (what `{result}`, `{inputs}` and `{results}` show).
    pub result: Option<String>,
    /// Replaces [`Narrative::step_start`] for this step.
    pub on_start: Option<Lines>,
    /// Replaces [`Narrative::step_finish`] for this step.
    pub on_finish: Option<Lines>,
}

/// A duration or an inter-arrival time: fixed, or drawn from a distribution.
/// Amounts are in the scenario's unit; all are finite and non-negative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    Fixed(f64),
    /// A whole number drawn uniformly from `min..=max`.
    UniformInt {
        min: i64,
        max: i64,
    },
    /// A real number drawn uniformly from `[min, max)` (`min` when they are equal).
    Uniform {
        min: f64,
        max: f64,
    },
}

impl Dist {
    /// The smallest value the distribution can take.
    pub fn min(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::UniformInt { min, .. } => min as f64,
            Dist::Uniform { min, .. } => min,
        }
    }
}

/// Who comes in, when, and what they order.
#[derive(Clone, Debug)]
pub enum Customers {
    /// A fixed list (written in the scenario or replayed from a CSV file), sorted by
    /// arrival time; customers arriving together keep their listed order.
    List(Vec<CustomerSpec>),
    /// Customers drawn at random.
    Generate(Generator),
}

/// One listed customer.
#[derive(Clone, Debug)]
pub struct CustomerSpec {
    pub name: Option<String>,
    pub arrival: Ticks,
    pub item: ItemIx,
    /// One value index per [`Menu::options`] entry.
    pub options: Vec<u16>,
    /// Durations fixed for this customer (a replayed day), overriding the recipe's.
    pub durations: Vec<(StepIx, Ticks)>,
}

/// Random customers.
#[derive(Clone, Debug)]
pub struct Generator {
    pub count: u64,
    /// When the first customer arrives.
    pub first_arrival: Ticks,
    /// Time between one customer and the next.
    pub interarrival: Dist,
    /// Items and their weights; a single item needs no draw.
    pub mix: Vec<(ItemIx, f64)>,
}

/// The lines printed at each moment of a run. An empty list prints nothing; an empty
/// string prints a blank line.
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub service_start: Lines,
    pub arrival: Lines,
    pub step_start: Lines,
    pub step_finish: Lines,
    pub served: Lines,
    /// Synchronous kitchen only: after an order, when more customers are to come.
    pub between: Lines,
    pub service_end: Lines,
}

impl Scenario {
    pub fn recipe_of(&self, item: ItemIx) -> &Recipe {
        &self.menu.recipes[self.menu.items[item as usize].recipe as usize]
    }

    /// How many customers a run serves.
    pub fn customer_count(&self) -> u64 {
        match &self.customers {
            Customers::List(list) => list.len() as u64,
            Customers::Generate(g) => g.count,
        }
    }
}
