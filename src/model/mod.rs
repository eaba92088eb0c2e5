//! The kitchen, the menu and the customers: what a scenario describes.
//!
//! The model knows nothing of TOML, tokio or terminals. [`crate::scenario`] builds it
//! from a file and has checked every invariant documented here, so the engine can
//! rely on them without checking again. A scenario built or changed in code is
//! checked by [`Scenario::check`] (the operations of [`crate::ops`] call it).

mod check;

pub use check::ModelError;

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

/// How the kitchen works: what the engine runs, and what the views name. It
/// serializes as its [`Mode::name`] (`"async"`, `"sync"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// An event loop per cook: the cook moves on while machines work (the default).
    #[default]
    Async,
    /// One customer at a time per cook, standing by through every step.
    Sync,
}

impl Mode {
    /// `async` or `sync`: its name in the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Async => "async",
            Mode::Sync => "sync",
        }
    }

    /// What `{mode}` prints: `Asynchronous` or `Synchronous`.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Async => "Asynchronous",
            Mode::Sync => "Synchronous",
        }
    }
}

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
    /// Who and what does the work.
    pub kitchen: Kitchen,
    /// What can be ordered, and how each item is made.
    pub menu: Menu,
    /// Who comes in, when, and what they order.
    pub customers: Customers,
    /// How long each customer waits to be served before leaving (reneging), drawn per
    /// customer; `None`: customers wait for ever.
    pub patience: Option<Dist>,
    /// A customer does not join (balks) when more than this many customers are
    /// waiting (let in, none of their steps started yet); `None`: everyone joins.
    pub balk: Option<u32>,
    /// The lines printed at each moment of a run.
    pub narrative: Narrative,
}

/// Cooks and equipment.
#[derive(Clone, Debug)]
pub struct Kitchen {
    /// At least 1.
    pub cooks: u16,
    /// Each kind of equipment, in the scenario's order ([`EquipIx`] indexes it);
    /// may be empty.
    pub equipment: Vec<Equipment>,
    /// What one cook costs (per unit of time, or per day: any currency and period,
    /// as long as equipment costs use the same); finite, at least 0 (the default).
    /// Only `cafe sweep` uses it, to find the cheapest kitchen that meets a target.
    pub cook_cost: f64,
    /// The order in which the asynchronous kitchen runs the work that is ready.
    pub policy: Policy,
    /// The currency the costs are in (`"EUR"`, `"$"`), if the scenario names one:
    /// 1 to 12 characters, no spaces. Only shown, in `cafe sweep`'s outputs.
    pub currency: Option<String>,
    /// The plan the cooks follow under [`Policy::Planned`] (never read from a
    /// scenario file: `cafe run --plan` sets it from a plan that fits the day).
    pub plan: Option<std::sync::Arc<Schedule>>,
}

/// A plan of the day for the asynchronous kitchen to follow ([`Policy::Planned`]):
/// when each step of each order is started, and in which order. Made by the
/// planner (`plan::Plan::schedule`); the engine only reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// For each order, by id (index `id - 1`), for each step in recipe order: when
    /// it is started, and its place in the plan's order of starts (0 first).
    pub steps: Vec<Vec<(Ticks, u64)>>,
    /// Each order's menu item, by id (index `id - 1`).
    pub items: Vec<ItemIx>,
}

/// Which ready work the asynchronous kitchen's cooks run first. Every policy only
/// reorders the handles of one pass over the ready queue (one event-loop iteration);
/// steps that are not ready yet are never started early.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// asyncio's own: first in, first out.
    #[default]
    Fifo,
    /// Start every step that frees the cook (unattended steps, and everything that
    /// takes no cook time) before the hands-on steps of the same pass, which keep
    /// their first-in, first-out order.
    UnattendedFirst,
    /// As `UnattendedFirst`, and among the hands-on steps, the one with the longest
    /// remaining chain of work in its order (itself and the steps that wait for it,
    /// by their drawn durations) first; ties in first-in, first-out order.
    LongestChain,
    /// Follow the kitchen's [`Kitchen::plan`]: a step waits (like `await
    /// asyncio.sleep`) until its planned start, then as `UnattendedFirst`, the
    /// hands-on steps in the plan's order. Not in [`Policy::ALL`]: it needs a plan.
    Planned,
}

impl Policy {
    /// Every policy a scenario can name, the default first.
    pub const ALL: [Policy; 3] = [Policy::Fifo, Policy::UnattendedFirst, Policy::LongestChain];

    /// Its spelling in scenario files and on the command line: `fifo`,
    /// `unattended-first`, `longest-chain`.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Fifo => "fifo",
            Policy::UnattendedFirst => "unattended-first",
            Policy::LongestChain => "longest-chain",
            Policy::Planned => "planned",
        }
    }

    /// The policy spelled `name` (see [`Policy::name`]); `None` for any other spelling.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A kind of equipment and how many units of it the kitchen has.
#[derive(Clone, Debug)]
pub struct Equipment {
    /// Unique among the kitchen's equipment; what steps' `uses` name.
    pub name: String,
    /// At least 1.
    pub capacity: u32,
    /// What one unit of it costs, in the same terms as [`Kitchen::cook_cost`];
    /// finite, at least 0 (the default).
    pub cost: f64,
}

/// What can be ordered.
#[derive(Clone, Debug)]
pub struct Menu {
    /// In menu order (what `{menu}` lists). Never empty.
    pub items: Vec<Item>,
    /// Every recipe, [`RecipeIx`] indexes it; several items may share one.
    pub recipes: Vec<Recipe>,
    /// Options every order carries one value of, such as a flavour.
    pub options: Vec<MenuOption>,
}

/// An item on the menu.
#[derive(Clone, Debug)]
pub struct Item {
    /// What the customer orders and the lines call it (`{item}`); unique on the menu.
    pub name: String,
    /// How it is made.
    pub recipe: RecipeIx,
}

/// A choice every order makes, such as a flavour.
#[derive(Clone, Debug)]
pub struct MenuOption {
    /// The option's name, also its placeholder in lines (`{flavour}`).
    pub name: String,
    /// Never empty.
    pub values: Vec<String>,
}

/// How an item is made: its steps and the lines it says.
#[derive(Clone, Debug)]
pub struct Recipe {
    /// Unique among the recipes.
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
    /// Its spelling in scenario files and reports: `hands-on`, `unattended`.
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
    /// Unique within its recipe; what `after` and the lines (`{step}`) name.
    pub name: String,
    /// Whether it needs the cook for its whole duration.
    pub kind: StepKind,
    /// How long it takes, in the scenario's unit, drawn per order.
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
/// Parameters are in the scenario's unit (except `shape`); every draw is finite and
/// at least zero. The loader has checked every parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// A whole number drawn uniformly from `min..=max`.
    UniformInt {
        /// The smallest value, at least 0.
        min: i64,
        /// The largest value, at least `min`.
        max: i64,
    },
    /// A real number drawn uniformly from `[min, max)` (`min` when they are equal).
    Uniform {
        /// The lower bound, at least 0.
        min: f64,
        /// The upper bound (excluded), at least `min`.
        max: f64,
    },
    /// Exponential with this mean (`mean` > 0): memoryless, the time between Poisson
    /// arrivals.
    Exponential {
        /// The mean, > 0.
        mean: f64,
    },
    /// Normal, truncated at zero: a draw below zero is drawn again, so the draws'
    /// mean is above `mean` when `sd` is not small beside it. `mean` ≥ 0.
    Normal {
        /// The untruncated distribution's mean, ≥ 0.
        mean: f64,
        /// The untruncated distribution's standard deviation, ≥ 0.
        sd: f64,
    },
    /// Lognormal with this mean and standard deviation (of the value itself, not of
    /// its logarithm); never negative. `mean` > 0.
    LogNormal {
        /// The mean of the value, > 0.
        mean: f64,
        /// The standard deviation of the value, ≥ 0.
        sd: f64,
    },
    /// Triangular over `[min, max]`, peaking at `mode`.
    Triangular {
        /// The lower bound, at least 0.
        min: f64,
        /// The most likely value, within `[min, max]`.
        mode: f64,
        /// The upper bound.
        max: f64,
    },
    /// Gamma with `shape` (> 0, no unit) and `scale` (> 0): mean `shape × scale`.
    Gamma {
        /// The shape k, > 0 and without unit.
        shape: f64,
        /// The scale θ, > 0, in the scenario's unit.
        scale: f64,
    },
    /// One of `values`, with probabilities proportional to their weights.
    Empirical(Empirical),
}

/// The values of an empirical distribution with their cumulative weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Empirical {
    /// (value, cumulative weight up to and including it); weights are positive.
    pub cumulative: std::sync::Arc<[(f64, f64)]>,
}

impl Empirical {
    /// `values` with `weights` (all 1 when `None`).
    ///
    /// # Panics
    ///
    /// When `weights` has fewer entries than `values`.
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Empirical {
        let mut total = 0.0;
        let cumulative = values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                total += weights.map_or(1.0, |w| w[i]);
                (v, total)
            })
            .collect();
        Empirical { cumulative }
    }
}

impl Dist {
    /// The mean of the distribution (for truncated normals, of the untruncated one).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::UniformInt { min, max } => (*min + *max) as f64 / 2.0,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Exponential { mean } | Dist::Normal { mean, .. } | Dist::LogNormal { mean, .. } => *mean,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Gamma { shape, scale } => shape * scale,
            Dist::Empirical(e) => {
                let mut prev = 0.0;
                let total = e.cumulative.last().map_or(1.0, |c| c.1);
                e.cumulative
                    .iter()
                    .map(|&(v, c)| {
                        let w = c - prev;
                        prev = c;
                        v * w
                    })
                    .sum::<f64>()
                    / total
            }
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
    /// What the lines call the customer (`{customer}`); `None`: numbered by arrival.
    pub name: Option<String>,
    /// When they come in, in ticks from service start.
    pub arrival: Ticks,
    /// What they order.
    pub item: ItemIx,
    /// One value index per [`Menu::options`] entry.
    pub options: Vec<u16>,
    /// Durations fixed for this customer (a replayed day), overriding the recipe's.
    pub durations: Vec<(StepIx, Ticks)>,
    /// This customer's patience, overriding the scenario's [`Scenario::patience`].
    pub patience: Option<Ticks>,
}

/// Random customers.
#[derive(Clone, Debug)]
pub struct Generator {
    /// Let in this many customers, then stop. At least one of `count` and `until`.
    pub count: Option<u64>,
    /// Let in no customer who would arrive after this time.
    pub until: Option<Ticks>,
    /// When arrivals start: the first customer then ([`Arrivals::Interarrival`]).
    pub first_arrival: Ticks,
    /// When customers (or groups) come in after the first.
    pub arrivals: Arrivals,
    /// How many customers arrive together (whole numbers ≥ 1); `None`: one at a time.
    pub group: Option<Dist>,
    /// Items and their weights; a single item needs no draw.
    pub mix: Vec<(ItemIx, f64)>,
}

/// When customers (or groups) come in.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// The first at `first_arrival`, then each this long after the one before. A
    /// Poisson process at rate λ is `Exponential { mean: 1/λ }`.
    Interarrival(Dist),
    /// A Poisson process whose rate changes through the day: each piece's rate (per
    /// unit of time) holds until its `until`, and the last one's `until` may be open.
    /// No arrivals after the last `until`.
    Schedule(Vec<RatePiece>),
}

/// One piece of an arrival [`Arrivals::Schedule`]: a Poisson rate and until when it holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatePiece {
    /// Strictly increasing from piece to piece; `None` only on the last.
    pub until: Option<Ticks>,
    /// Customers per unit of time, ≥ 0.
    pub rate: f64,
}

/// The lines printed at each moment of a run. An empty list prints nothing; an empty
/// string prints a blank line.
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    /// Once, when service opens (time 0).
    pub service_start: Lines,
    /// When the kitchen takes an order (see [`EventKind::Arrived`](crate::event::EventKind::Arrived)).
    pub arrival: Lines,
    /// When a step starts, after the steps it waits for and its equipment.
    pub step_start: Lines,
    /// When a step finishes.
    pub step_finish: Lines,
    /// When every step of an order is done.
    pub served: Lines,
    /// A customer leaves before being served: their patience ran out.
    pub left: Lines,
    /// A customer does not join: too many were waiting.
    pub balked: Lines,
    /// Synchronous kitchen only: after an order, when more customers are to come.
    pub between: Lines,
    /// Once, when every order is served (or has left or balked).
    pub service_end: Lines,
}

impl Scenario {
    /// The recipe of menu item `item`. Panics when `item` is not an index into
    /// [`Menu::items`].
    pub fn recipe_of(&self, item: ItemIx) -> &Recipe {
        &self.menu.recipes[self.menu.items[item as usize].recipe as usize]
    }

    /// Whether some customers have a patience (and may leave unserved).
    pub fn has_patience(&self) -> bool {
        self.patience.is_some()
            || matches!(&self.customers, Customers::List(l) if l.iter().any(|c| c.patience.is_some()))
    }

    /// How many customers a run lets in, when that is known in advance (a list, or a
    /// generator with a `count` and no `until`).
    pub fn customer_count(&self) -> Option<u64> {
        match &self.customers {
            Customers::List(list) => Some(list.len() as u64),
            Customers::Generate(g) if g.until.is_none() => g.count,
            Customers::Generate(_) => None,
        }
    }
}
