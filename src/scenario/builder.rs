//! Scenarios written in code, beside TOML: [`Scenario::builder`].
//!
//! A builder is a typed writer of the scenario format: each method sets what a
//! field of docs/scenario-format.md sets, with the same defaults, and
//! [`ScenarioBuilder::build`] loads what it wrote through the same loader as a
//! file. So a built scenario is checked exactly as a file is (every problem at once,
//! in the format's words, located in the TOML the builder wrote, which
//! [`ScenarioBuilder::to_toml`] shows), and a builder and a file that say the same
//! give the same [`Scenario`]. Times are amounts of the scenario's unit, as in a
//! file; a duration is a [`Dist`] (`5.0` is `Dist::Fixed(5.0)`). A name given twice
//! (an item, a recipe, a piece of equipment, an option, a hook's lines) keeps its
//! first place and its last value, as a later entry of a map would.
//!
//! ```
//! use async_cafe::model::{Dist, Mode, Scenario};
//! use async_cafe::scenario::{CustomerBuilder, RecipeBuilder, StepBuilder};
//! use async_cafe::template::Hook;
//!
//! let cafe = Scenario::builder("corner")
//!     .cooks(2)
//!     .equipment("espresso_machine", 1)
//!     .recipe(
//!         RecipeBuilder::new("latte")
//!             .step(StepBuilder::hands_on("grind", 1.0))
//!             .step(StepBuilder::unattended("pull", Dist::Uniform { min: 2.0, max: 3.0 }).uses("espresso_machine")),
//!     )
//!     .item("Latte", "latte")
//!     .customer(CustomerBuilder::ordering("Latte").named("Ada"))
//!     .customer(CustomerBuilder::ordering("Latte").arriving(0.5))
//!     .narrative(Hook::Served, ["{customer} has a {item}"])
//!     .build()
//!     .unwrap();
//! let lines = async_cafe::ops::narrative_lines(&cafe, Mode::Async, 0);
//! assert_eq!(lines[0].1, "Ada has a Latte");
//!
//! // Mistakes are reported as a file's are, in the TOML the builder wrote.
//! let err = Scenario::builder("broken")
//!     .cooks(0)
//!     .recipe(RecipeBuilder::new("tea").step(StepBuilder::unattended("steep", 3.0)))
//!     .item("Latte", "latte")
//!     .build()
//!     .unwrap_err();
//! let text = err.render();
//! assert!(text.contains("a kitchen needs at least one cook"), "{text}");
//! assert!(text.contains("unknown recipe `latte`"), "{text}");
//! assert!(text.contains("<builder broken>:"), "{text}");
//! ```

use toml::{Table, Value};

use super::{ScenarioError, Source};
use crate::model::{Dist, Policy, Scenario, StepKind};
use crate::template::Hook;
use crate::time::TimeUnit;

impl Scenario {
    /// A builder of a scenario named `name`: with no other call, one cook, no
    /// equipment, and nothing to make or serve (which [`ScenarioBuilder::build`]
    /// reports).
    pub fn builder(name: impl Into<String>) -> ScenarioBuilder {
        ScenarioBuilder { name: name.into(), ..ScenarioBuilder::default() }
    }
}

/// A scenario being written in code (see [the module](self)). Each setter takes and
/// returns the builder; [`ScenarioBuilder::build`] checks and returns the scenario.
#[derive(Clone, Debug, Default)]
pub struct ScenarioBuilder {
    name: String,
    summary: Option<String>,
    unit: Option<TimeUnit>,
    speed: Option<f64>,
    seed: Option<u64>,
    cooks: Option<u16>,
    cook_cost: Option<f64>,
    policy: Option<Policy>,
    /// (name, capacity, cost).
    equipment: Vec<(String, u32, Option<f64>)>,
    options: Vec<(String, Vec<String>)>,
    recipes: Vec<RecipeBuilder>,
    /// (item, recipe), in menu order.
    menu: Vec<(String, String)>,
    list: Option<Vec<CustomerBuilder>>,
    generate: Option<GeneratorBuilder>,
    /// (file name, its CSV text).
    replay: Option<(String, String)>,
    patience: Option<Dist>,
    balk: Option<u32>,
    narrative: Vec<(Hook, Vec<String>)>,
}

impl ScenarioBuilder {
    /// One line saying what the scenario shows (`summary`).
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    /// The unit every time is in (`unit`; default: seconds).
    pub fn unit(mut self, unit: TimeUnit) -> Self {
        self.unit = Some(unit);
        self
    }

    /// Real-clock playback speed, in seconds of scenario time per second (`speed`;
    /// default 1).
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = Some(speed);
        self
    }

    /// The seed of every random draw (`seed`; default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// How many cooks work (`[kitchen] cooks`; default 1).
    pub fn cooks(mut self, cooks: u16) -> Self {
        self.cooks = Some(cooks);
        self
    }

    /// What one cook costs (`[kitchen] cook_cost`; default 0), for sweeps.
    pub fn cook_cost(mut self, cost: f64) -> Self {
        self.cook_cost = Some(cost);
        self
    }

    /// Which ready work the asynchronous kitchen runs first (`[kitchen] policy`;
    /// default first in, first out).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// `capacity` units of the equipment `name` (`[kitchen] equipment`), in the
    /// order given.
    pub fn equipment(mut self, name: impl Into<String>, capacity: u32) -> Self {
        self.equipment.push((name.into(), capacity, None));
        self
    }

    /// [`ScenarioBuilder::equipment`], with what one unit costs, for sweeps.
    pub fn equipment_costing(mut self, name: impl Into<String>, capacity: u32, cost: f64) -> Self {
        self.equipment.push((name.into(), capacity, Some(cost)));
        self
    }

    /// An option every order chooses one of `values` of (`[options]`), such as a
    /// flavour.
    pub fn option<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.options.push((name.into(), values.into_iter().map(Into::into).collect()));
        self
    }

    /// A recipe (`[recipes.NAME]`).
    pub fn recipe(mut self, recipe: RecipeBuilder) -> Self {
        self.recipes.push(recipe);
        self
    }

    /// A menu item `item`, made by the recipe `recipe` (`[menu]`), after the items
    /// given before it.
    pub fn item(mut self, item: impl Into<String>, recipe: impl Into<String>) -> Self {
        self.menu.push((item.into(), recipe.into()));
        self
    }

    /// A listed customer (`[customers] list`), after those given before.
    pub fn customer(mut self, customer: CustomerBuilder) -> Self {
        self.list.get_or_insert_with(Vec::new).push(customer);
        self
    }

    /// Listed customers (`[customers] list`), after those given before; none makes an
    /// empty list (the service opens and closes at once).
    pub fn customers(mut self, customers: impl IntoIterator<Item = CustomerBuilder>) -> Self {
        self.list.get_or_insert_with(Vec::new).extend(customers);
        self
    }

    /// Random customers (`[customers.generate]`).
    pub fn generate(mut self, generator: GeneratorBuilder) -> Self {
        self.generate = Some(generator);
        self
    }

    /// A recorded day (`[customers] replay = "file"`): `csv` is the file's text, in
    /// the format's CSV (a header naming the columns, then one row per customer).
    pub fn replay(mut self, file: impl Into<String>, csv: impl Into<String>) -> Self {
        self.replay = Some((file.into(), csv.into()));
        self
    }

    /// How long each customer waits to be served before leaving, drawn per customer
    /// (`[customers] patience`).
    pub fn patience(mut self, patience: impl Into<Dist>) -> Self {
        self.patience = Some(patience.into());
        self
    }

    /// A customer does not join when more than `waiting` customers wait
    /// (`[customers] balk`).
    pub fn balk(mut self, waiting: u32) -> Self {
        self.balk = Some(waiting);
        self
    }

    /// The lines printed at the moment `hook` (`[narrative]`); each string is split at
    /// its newlines, and an empty one is a blank line.
    pub fn narrative<S: Into<String>>(mut self, hook: Hook, lines: impl IntoIterator<Item = S>) -> Self {
        self.narrative.push((hook, lines.into_iter().map(Into::into).collect()));
        self
    }

    /// The scenario as a TOML file says it: what [`ScenarioBuilder::build`] loads,
    /// and what its errors point into.
    pub fn to_toml(&self) -> String {
        let mut doc = Table::new();
        doc.insert("name".into(), self.name.clone().into());
        put(&mut doc, "summary", self.summary.clone().map(Value::from));
        put(&mut doc, "unit", self.unit.map(|u| u.name().into()));
        put(&mut doc, "speed", self.speed.map(number));
        // A seed past TOML's integers is written by hand below (the loader reads it).
        let (seed, big_seed) = match self.seed.map(i64::try_from) {
            Some(Ok(n)) => (Some(Value::Integer(n)), None),
            Some(Err(_)) => (None, self.seed),
            None => (None, None),
        };
        put(&mut doc, "seed", seed);
        let mut kitchen = Table::new();
        put(&mut kitchen, "cooks", self.cooks.map(|c| i64::from(c).into()));
        put(&mut kitchen, "cook_cost", self.cook_cost.map(number));
        put(&mut kitchen, "policy", self.policy.map(|p| p.name().into()));
        if !self.equipment.is_empty() {
            let equipment = self.equipment.iter().map(|(name, capacity, cost)| {
                let capacity = Value::from(i64::from(*capacity));
                let value = match cost {
                    None => capacity,
                    Some(cost) => table([("capacity", Some(capacity)), ("cost", Some(number(*cost)))]),
                };
                (name.clone(), value)
            });
            kitchen.insert("equipment".into(), Value::Table(equipment.collect()));
        }
        put_table(&mut doc, "kitchen", kitchen);
        let options = self.options.iter().map(|(name, values)| (name.clone(), strings(values)));
        put_table(&mut doc, "options", options.collect());
        let recipes = self.recipes.iter().map(|r| (r.name.clone(), r.to_toml()));
        put_table(&mut doc, "recipes", recipes.collect());
        let menu = self.menu.iter().map(|(item, recipe)| (item.clone(), recipe.clone().into()));
        put_table(&mut doc, "menu", menu.collect());
        let mut customers = Table::new();
        put(&mut customers, "patience", self.patience.as_ref().map(dist));
        put(&mut customers, "balk", self.balk.map(|b| i64::from(b).into()));
        put(
            &mut customers,
            "list",
            self.list.as_ref().map(|l| Value::Array(l.iter().map(CustomerBuilder::to_toml).collect())),
        );
        put(&mut customers, "replay", self.replay.as_ref().map(|(file, _)| file.clone().into()));
        put(&mut customers, "generate", self.generate.as_ref().map(GeneratorBuilder::to_toml));
        put_table(&mut doc, "customers", customers);
        let narrative = self.narrative.iter().map(|(hook, lines)| (hook.name().to_string(), strings(lines)));
        put_table(&mut doc, "narrative", narrative.collect());
        let mut text = doc.to_string();
        if let Some(seed) = big_seed {
            // With the other top-level values, before the first table.
            let at = text.find("\n\n[").or_else(|| text.find("\n[")).map_or(text.len(), |i| i + 1);
            text.insert_str(at, &format!("seed = {seed}\n"));
        }
        text
    }

    /// Checks the scenario, as loading its [TOML](ScenarioBuilder::to_toml) would,
    /// and returns it; or every problem at once, each located in that TOML (shown as
    /// `<builder NAME>`).
    pub fn build(&self) -> Result<Scenario, ScenarioError> {
        let toml = self.to_toml();
        let mut source = Source::new(&self.name, &toml).display(format!("<builder {}>", self.name));
        if let Some((file, csv)) = &self.replay {
            source = source.file(file, csv);
        }
        source.load()
    }
}

/// A recipe being written: its steps, in recipe order, and its own lines.
#[derive(Clone, Debug)]
pub struct RecipeBuilder {
    name: String,
    steps: Vec<StepBuilder>,
    on_arrival: Option<Vec<String>>,
    on_served: Option<Vec<String>>,
}

impl RecipeBuilder {
    /// A recipe called `name`, with no step yet (it needs at least one).
    pub fn new(name: impl Into<String>) -> Self {
        RecipeBuilder { name: name.into(), steps: Vec::new(), on_arrival: None, on_served: None }
    }

    /// Its next step.
    pub fn step(mut self, step: StepBuilder) -> Self {
        self.steps.push(step);
        self
    }

    /// Printed instead of the narrative's `arrival` lines for its orders.
    pub fn on_arrival<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.on_arrival = Some(lines.into_iter().map(Into::into).collect());
        self
    }

    /// Printed instead of the narrative's `served` lines for its orders.
    pub fn on_served<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.on_served = Some(lines.into_iter().map(Into::into).collect());
        self
    }

    fn to_toml(&self) -> Value {
        table([
            ("on_arrival", self.on_arrival.as_deref().map(strings)),
            ("on_served", self.on_served.as_deref().map(strings)),
            ("steps", Some(Value::Array(self.steps.iter().map(StepBuilder::to_toml).collect()))),
        ])
    }
}

/// A step being written.
#[derive(Clone, Debug)]
pub struct StepBuilder {
    name: String,
    kind: StepKind,
    duration: Dist,
    after: Option<Vec<String>>,
    uses: Option<String>,
    result: Option<String>,
    on_start: Option<Vec<String>>,
    on_finish: Option<Vec<String>>,
}

impl StepBuilder {
    /// A step of `kind` called `name` that takes `duration`, after the step before it.
    pub fn new(name: impl Into<String>, kind: StepKind, duration: impl Into<Dist>) -> Self {
        StepBuilder {
            name: name.into(),
            kind,
            duration: duration.into(),
            after: None,
            uses: None,
            result: None,
            on_start: None,
            on_finish: None,
        }
    }

    /// A step that occupies a cook for its whole `duration`, like blocking code.
    pub fn hands_on(name: impl Into<String>, duration: impl Into<Dist>) -> Self {
        StepBuilder::new(name, StepKind::HandsOn, duration)
    }

    /// A step during which a machine or a timer works and the cook is free, like
    /// `await`.
    pub fn unattended(name: impl Into<String>, duration: impl Into<Dist>) -> Self {
        StepBuilder::new(name, StepKind::Unattended, duration)
    }

    /// The earlier steps it waits for, in the order it awaits them (`after`); none
    /// starts it at once. Without this call it waits for the step before it.
    pub fn after<S: Into<String>>(mut self, steps: impl IntoIterator<Item = S>) -> Self {
        self.after = Some(steps.into_iter().map(Into::into).collect());
        self
    }

    /// The equipment it holds from its start to its finish (`uses`).
    pub fn uses(mut self, equipment: impl Into<String>) -> Self {
        self.uses = Some(equipment.into());
        self
    }

    /// The value it returns (`result`: what `{result}`, `{inputs}` and `{results}` show).
    pub fn result(mut self, result: impl Into<String>) -> Self {
        self.result = Some(result.into());
        self
    }

    /// Printed instead of the narrative's `step_start` lines when it starts.
    pub fn on_start<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.on_start = Some(lines.into_iter().map(Into::into).collect());
        self
    }

    /// Printed instead of the narrative's `step_finish` lines when it finishes.
    pub fn on_finish<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> Self {
        self.on_finish = Some(lines.into_iter().map(Into::into).collect());
        self
    }

    fn to_toml(&self) -> Value {
        table([
            ("name", Some(self.name.clone().into())),
            ("kind", Some(self.kind.name().into())),
            ("duration", Some(dist(&self.duration))),
            ("after", self.after.as_deref().map(strings)),
            ("uses", self.uses.clone().map(Value::from)),
            ("result", self.result.clone().map(Value::from)),
            ("on_start", self.on_start.as_deref().map(strings)),
            ("on_finish", self.on_finish.as_deref().map(strings)),
        ])
    }
}

/// A listed customer being written.
#[derive(Clone, Debug)]
pub struct CustomerBuilder {
    item: String,
    name: Option<String>,
    arrival: Option<f64>,
    options: Vec<(String, String)>,
    durations: Vec<(String, f64)>,
    patience: Option<f64>,
}

impl CustomerBuilder {
    /// A customer who orders the menu item `item`, arriving at 0.
    pub fn ordering(item: impl Into<String>) -> Self {
        CustomerBuilder {
            item: item.into(),
            name: None,
            arrival: None,
            options: Vec::new(),
            durations: Vec::new(),
            patience: None,
        }
    }

    /// What `{customer}` prints (default: `Customer N`, N their order's number).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// When they come in, in the scenario's unit.
    pub fn arriving(mut self, at: f64) -> Self {
        self.arrival = Some(at);
        self
    }

    /// Their value of the option `option` (every option needs one).
    pub fn option(mut self, option: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.push((option.into(), value.into()));
        self
    }

    /// The step `step` of their order takes exactly `duration` (no draw is made).
    pub fn duration(mut self, step: impl Into<String>, duration: f64) -> Self {
        self.durations.push((step.into(), duration));
        self
    }

    /// Their own patience, replacing the scenario's (no draw is made).
    pub fn patience(mut self, patience: f64) -> Self {
        self.patience = Some(patience);
        self
    }

    fn to_toml(&self) -> Value {
        let options = self.options.iter().map(|(o, v)| (o.clone(), v.clone().into()));
        let durations = self.durations.iter().map(|(s, d)| (s.clone(), number(*d)));
        table([
            ("name", self.name.clone().map(Value::from)),
            ("arrival", self.arrival.map(number)),
            ("item", Some(self.item.clone().into())),
            ("options", (!self.options.is_empty()).then(|| Value::Table(options.collect()))),
            ("durations", (!self.durations.is_empty()).then(|| Value::Table(durations.collect()))),
            ("patience", self.patience.map(number)),
        ])
    }
}

/// Random customers being written (`[customers.generate]`): when they come (one of
/// [`interarrival`](GeneratorBuilder::interarrival), [`rate`](GeneratorBuilder::rate)
/// or a [schedule](GeneratorBuilder::schedule_piece)) and when the door closes (a
/// [`count`](GeneratorBuilder::count), an [`until`](GeneratorBuilder::until), or both).
#[derive(Clone, Debug, Default)]
pub struct GeneratorBuilder {
    count: Option<u64>,
    until: Option<f64>,
    first_arrival: Option<f64>,
    interarrival: Option<Dist>,
    rate: Option<f64>,
    schedule: Option<Vec<(Option<f64>, f64)>>,
    group: Option<Dist>,
    mix: Vec<(String, f64)>,
}

impl GeneratorBuilder {
    /// A generator with nothing set yet.
    pub fn new() -> Self {
        GeneratorBuilder::default()
    }

    /// Let in this many customers, then stop.
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Let in no customer who would arrive after this time.
    pub fn until(mut self, until: f64) -> Self {
        self.until = Some(until);
        self
    }

    /// When the first customer arrives (default 0).
    pub fn first_arrival(mut self, at: f64) -> Self {
        self.first_arrival = Some(at);
        self
    }

    /// The time between one arrival and the next.
    pub fn interarrival(mut self, gap: impl Into<Dist>) -> Self {
        self.interarrival = Some(gap.into());
        self
    }

    /// A Poisson process of `rate` customers per unit of time.
    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = Some(rate);
        self
    }

    /// Adds a piece to a Poisson process whose rate changes through the day: `rate`
    /// customers per unit of time until `until` (after the previous piece's), or for
    /// ever from then on when `until` is `None` (the last piece only).
    pub fn schedule_piece(mut self, until: Option<f64>, rate: f64) -> Self {
        self.schedule.get_or_insert_with(Vec::new).push((until, rate));
        self
    }

    /// How many customers arrive together (whole numbers ≥ 1; default one at a time).
    pub fn group(mut self, size: impl Into<Dist>) -> Self {
        self.group = Some(size.into());
        self
    }

    /// Customers order `item` in proportion to `weight` (default: every item, weight 1).
    pub fn mix(mut self, item: impl Into<String>, weight: f64) -> Self {
        self.mix.push((item.into(), weight));
        self
    }

    fn to_toml(&self) -> Value {
        let schedule = self.schedule.as_ref().map(|pieces| {
            let piece = |&(until, rate): &(Option<f64>, f64)| {
                table([("until", until.map(number)), ("rate", Some(number(rate)))])
            };
            Value::Array(pieces.iter().map(piece).collect())
        });
        let mix = self.mix.iter().map(|(item, weight)| (item.clone(), number(*weight)));
        table([
            ("count", self.count.map(whole)),
            ("until", self.until.map(number)),
            ("first_arrival", self.first_arrival.map(number)),
            ("interarrival", self.interarrival.as_ref().map(dist)),
            ("rate", self.rate.map(number)),
            ("schedule", schedule),
            ("group", self.group.as_ref().map(dist)),
            ("mix", (!self.mix.is_empty()).then(|| Value::Table(mix.collect()))),
        ])
    }
}

/// A fixed duration.
impl From<f64> for Dist {
    fn from(amount: f64) -> Dist {
        Dist::Fixed(amount)
    }
}

/// `x` as TOML writes a number: whole numbers as integers (`5`, not `5.0`), others
/// (and those beyond what an `f64` counts exactly, NaN and the infinities) as floats.
fn number(x: f64) -> Value {
    const EXACT: f64 = (1u64 << 53) as f64;
    if x.fract() == 0.0 && x.abs() <= EXACT { Value::Integer(x as i64) } else { Value::Float(x) }
}

/// A whole number: an integer where TOML's (`i64`) holds it, else a float the loader
/// reports as too large (a customer count).
fn whole(n: u64) -> Value {
    i64::try_from(n).map_or(Value::Float(n as f64), Value::Integer)
}

/// A list of strings.
fn strings(values: &[String]) -> Value {
    Value::Array(values.iter().map(|v| v.clone().into()).collect())
}

/// A table of the entries that are set, in order.
fn table<'k>(entries: impl IntoIterator<Item = (&'k str, Option<Value>)>) -> Value {
    Value::Table(entries.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))).collect())
}

/// Sets `key` of `t` to `value` if there is one.
fn put(t: &mut Table, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        t.insert(key.into(), v);
    }
}

/// Sets `key` of `t` to `sub` unless it is empty.
fn put_table(t: &mut Table, key: &str, sub: Table) {
    if !sub.is_empty() {
        t.insert(key.into(), Value::Table(sub));
    }
}

/// A distribution as the format writes it.
fn dist(d: &Dist) -> Value {
    let params = |name: &str, ps: &[(&str, f64)]| {
        let mut t = Table::new();
        t.insert("dist".into(), name.into());
        for &(k, x) in ps {
            t.insert(k.into(), number(x));
        }
        Value::Table(t)
    };
    match d {
        Dist::Fixed(x) => number(*x),
        Dist::UniformInt { min, max } => {
            let mut t = Table::new();
            t.insert("dist".into(), "uniform_int".into());
            t.insert("min".into(), Value::Integer(*min));
            t.insert("max".into(), Value::Integer(*max));
            Value::Table(t)
        }
        Dist::Uniform { min, max } => params("uniform", &[("min", *min), ("max", *max)]),
        Dist::Exponential { mean } => params("exponential", &[("mean", *mean)]),
        Dist::Normal { mean, sd } => params("normal", &[("mean", *mean), ("sd", *sd)]),
        Dist::LogNormal { mean, sd } => params("lognormal", &[("mean", *mean), ("sd", *sd)]),
        Dist::Triangular { min, mode, max } => {
            params("triangular", &[("min", *min), ("mode", *mode), ("max", *max)])
        }
        Dist::Gamma { shape, scale } => params("gamma", &[("shape", *shape), ("scale", *scale)]),
        Dist::Empirical(e) => {
            // Back from cumulative weights to each value's own.
            let mut previous = 0.0;
            let (values, weights): (Vec<Value>, Vec<Value>) = e
                .cumulative
                .iter()
                .map(|&(x, c)| {
                    let w = c - previous;
                    previous = c;
                    (number(x), number(w))
                })
                .unzip();
            let mut t = Table::new();
            t.insert("dist".into(), "empirical".into());
            t.insert("values".into(), Value::Array(values));
            t.insert("weights".into(), Value::Array(weights));
            Value::Table(t)
        }
    }
}
