//! Scenario files: TOML in, a checked [`Scenario`] out, or every problem at once.
//!
//! The format is documented in `docs/scenario-format.md`. Loading parses the file into
//! a spanned TOML tree (so every problem can point at its line and column), reads each
//! part while collecting problems, and only returns a scenario when there are none.

pub mod diag;
mod reader;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::model::*;
use crate::template::{self, Hook, Lines, Names};
use crate::time::{TimeUnit, short, thousands};
pub use diag::{Problem, ScenarioError};
use reader::{Cx, Value, get};

/// Reads a file that a scenario refers to (a replayed day), by the name the scenario
/// gives: (display name, contents) or a message saying why it cannot.
pub type Resolver<'a> = dyn Fn(&str) -> Result<(String, String), String> + 'a;

/// Like [`Resolver`], with the contents as read, to be checked for UTF-8.
type BytesResolver<'a> = dyn Fn(&str) -> Result<(String, Vec<u8>), String> + 'a;

/// Loads the scenario file at `path`. Files it refers to are found beside it.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let display = path.display().to_string();
    let bytes = read_limited(path).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => {
                Some("check the path, or run `cafe list` for the built-in scenarios".to_string())
            }
            std::io::ErrorKind::FileTooLarge => Some("check that the path is a scenario's".to_string()),
            _ => None,
        };
        ScenarioError::whole_file(&display, format!("cannot read {display}: {e}"), help)
    })?;
    let text = diag::utf8(bytes, 0, "the scenario")
        .map_err(|(text, problems)| ScenarioError { files: vec![(display.clone(), text)], problems })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let resolve = move |name: &str| {
        let p = dir.join(name);
        read_limited(&p)
            .map(|bytes| (p.display().to_string(), bytes))
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    load(&stem, &display, &text, &resolve)
}

/// The largest scenario file, or file it refers to, that is read (`/dev/zero` is not).
pub const MAX_FILE: u64 = 64 << 20;

/// Reads a file of at most [`MAX_FILE`] bytes.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE {
        let message =
            format!("larger than {} MiB, the limit for a scenario and a day it replays", MAX_FILE >> 20);
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, message));
    }
    Ok(bytes)
}

/// Loads a scenario from `text`. `name` is its default name, `display` how messages
/// refer to it.
pub fn load_str(
    name: &str,
    display: &str,
    text: &str,
    resolve: &Resolver,
) -> Result<Scenario, ScenarioError> {
    load(name, display, text, &|file| resolve(file).map(|(display, text)| (display, text.into_bytes())))
}

fn load(name: &str, display: &str, text: &str, resolve: &BytesResolver) -> Result<Scenario, ScenarioError> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    let mut cx = Cx::new(text);
    reader::syntax_errors(&mut cx, &syntax);
    let mut extra_files = Vec::new();
    let scenario = if syntax.is_empty() {
        Loader { cx: &mut cx, resolve, extra_files: &mut extra_files }.scenario(name, root.get_ref())
    } else {
        None
    };
    let mut files = vec![(display.to_string(), text.to_string())];
    files.extend(extra_files);
    match scenario {
        Some(s) if cx.problems.is_empty() => Ok(s),
        _ => {
            let mut problems = cx.problems;
            problems.sort_by_key(|p| (p.file, p.span.as_ref().map(|s| s.start)));
            Err(ScenarioError { files, problems })
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "name",
    "summary",
    "unit",
    "speed",
    "seed",
    "kitchen",
    "options",
    "recipes",
    "menu",
    "customers",
    "narrative",
];
const KITCHEN_KEYS: &[&str] = &["cooks", "equipment", "cook_cost", "policy"];
const RECIPE_KEYS: &[&str] = &["steps", "on_arrival", "on_served"];
/// The most steps a recipe can have: steps are numbered from 0 by a `StepIx`, and the
/// engine keeps its largest value to mean "no step".
const MAX_STEPS: usize = StepIx::MAX as usize;
/// The most customers in one group: a group comes in at one instant.
const MAX_GROUP: u64 = 1_000;
/// The most customers a generator without a `count` may be expected to let in before
/// its `until` (more is all but certainly a mistake, and would fill memory if the
/// kitchen cannot keep up).
const MAX_UNCOUNTED: f64 = 1e9;
/// The most customers a generator may let in at one instant (interarrival times of 0):
/// they are all in the kitchen, and in memory, at once.
const MAX_AT_ONCE: u64 = 1_000_000;
/// The largest sd / mean of a lognormal: beyond it, (sd / mean)² is not finite.
const MAX_LOGNORMAL_CV: f64 = 1e150;
const STEP_KEYS: &[&str] = &["name", "kind", "duration", "uses", "after", "result", "on_start", "on_finish"];
const CUSTOMERS_KEYS: &[&str] = &["list", "replay", "generate", "patience", "balk"];
/// The keys of `[customers]` that say who comes: exactly one of them.
const WHO_KEYS: &[&str] = &["list", "replay", "generate"];
const CUSTOMER_KEYS: &[&str] = &["name", "arrival", "item", "options", "durations", "patience"];
const GENERATE_KEYS: &[&str] =
    &["count", "until", "first_arrival", "interarrival", "rate", "schedule", "group", "mix"];
const NARRATIVE_KEYS: &[&str] = &[
    "service_start",
    "arrival",
    "step_start",
    "step_finish",
    "served",
    "left",
    "balked",
    "between",
    "service_end",
];

/// Keys written in the wrong table, and where they belong (for the help line).
const TOP_MOVED: &[(&str, &str)] = &[
    ("cooks", "[kitchen]"),
    ("equipment", "[kitchen]"),
    ("cook_cost", "[kitchen]"),
    ("policy", "[kitchen]"),
    ("patience", "[customers]"),
    ("balk", "[customers]"),
    ("steps", "a recipe, like `[[recipes.coffee.steps]]`"),
    ("on_arrival", "a recipe, like `[recipes.coffee]`"),
    ("on_served", "a recipe, like `[recipes.coffee]`"),
    ("list", "[customers]"),
    ("replay", "[customers]"),
    ("generate", "[customers], as `[customers.generate]`"),
    ("service_start", "[narrative]"),
    ("step_start", "[narrative]"),
    ("step_finish", "[narrative]"),
    ("served", "[narrative]"),
    ("between", "[narrative]"),
    ("service_end", "[narrative]"),
];
const RECIPE_MOVED: &[(&str, &str)] = &[
    ("name", "a step, under `[[recipes.NAME.steps]]`"),
    ("kind", "a step, under `[[recipes.NAME.steps]]`"),
    ("duration", "a step, under `[[recipes.NAME.steps]]`"),
    ("uses", "a step, under `[[recipes.NAME.steps]]`"),
    ("after", "a step, under `[[recipes.NAME.steps]]`"),
    ("result", "a step, under `[[recipes.NAME.steps]]`"),
    ("on_start", "a step, under `[[recipes.NAME.steps]]`"),
    ("on_finish", "a step, under `[[recipes.NAME.steps]]`"),
];
const STEP_MOVED: &[(&str, &str)] = &[
    ("on_arrival", "the recipe, under `[recipes.NAME]`"),
    ("on_served", "the recipe, under `[recipes.NAME]`"),
];

/// Every distribution: its name, its parameters (`?`: optional), and an example.
const DISTRIBUTIONS: &[(&str, &[&str], &str)] = &[
    ("uniform_int", &["min", "max"], "{ dist = \"uniform_int\", min = 1, max = 5 }"),
    ("uniform", &["min", "max"], "{ dist = \"uniform\", min = 0.5, max = 1.5 }"),
    ("exponential", &["mean"], "{ dist = \"exponential\", mean = 2 }"),
    ("normal", &["mean", "sd"], "{ dist = \"normal\", mean = 3, sd = 0.5 }"),
    ("lognormal", &["mean", "sd"], "{ dist = \"lognormal\", mean = 3, sd = 1 }"),
    ("triangular", &["min", "mode", "max"], "{ dist = \"triangular\", min = 1, mode = 2, max = 4 }"),
    ("gamma", &["shape", "scale"], "{ dist = \"gamma\", shape = 2, scale = 1.5 }"),
    (
        "empirical",
        &["values", "weights?"],
        "{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }",
    ),
];

struct Loader<'a, 'c, 's> {
    cx: &'c mut Cx<'s>,
    resolve: &'a BytesResolver<'a>,
    extra_files: &'a mut Vec<(String, String)>,
}

/// A recipe's steps as read, before `after` names are resolved.
struct RawStep<'v, 'i> {
    name: String,
    name_span: Range<usize>,
    after: Option<&'v Value<'i>>,
}

/// The kitchen as far as it could be read.
struct KitchenParts {
    cooks: Option<u16>,
    /// What a cook costs; `None` after a problem.
    cook_cost: Option<f64>,
    policy: Option<Policy>,
    /// The equipment that could be read.
    equipment: Vec<Equipment>,
    /// Whether every piece of equipment could be read: if not, a step using a piece
    /// that is not in `equipment` is not reported (the kitchen's own problem is).
    complete: bool,
}

/// The options as far as they could be read.
struct OptionParts {
    options: Vec<MenuOption>,
    /// Options whose values could not be read: not reported again where used.
    broken: Vec<String>,
}

/// The menu as far as it could be read, to check the customers against: what could
/// not be read is not checked (its own problem is already reported), so that one
/// mistake gives one message.
struct MenuCheck<'m> {
    /// None when the menu could not be read at all.
    items: Option<&'m [Item]>,
    /// Items whose recipe could not be found.
    broken_items: &'m [String],
    options: &'m [MenuOption],
    broken_options: &'m [String],
    /// Every recipe by name (what [`Item::recipe`] indexes), when it could be read.
    recipes: &'m [(String, Option<Recipe>)],
    /// The index of each step of each recipe, by name.
    step_ix: Vec<HashMap<&'m str, usize>>,
}

impl MenuCheck<'_> {
    /// The recipe of item `ix`, when it could be read.
    fn recipe(&self, ix: ItemIx) -> Option<&Recipe> {
        let item = self.items?.get(ix as usize)?;
        self.recipes.get(item.recipe as usize)?.1.as_ref()
    }

    /// The index of step `name` in the recipe of item `ix`.
    fn step_of(&self, ix: ItemIx, name: &str) -> Option<usize> {
        let item = self.items?.get(ix as usize)?;
        self.step_ix.get(item.recipe as usize)?.get(name).copied()
    }

    /// Whether every recipe could be read (so every step name is known).
    fn all_recipes(&self) -> bool {
        self.items.is_some() && self.recipes.iter().all(|(_, r)| r.is_some())
    }
}

impl Loader<'_, '_, '_> {
    fn scenario(&mut self, default_name: &str, root: &DeTable) -> Option<Scenario> {
        self.cx.check_keys_moved(root, TOP_KEYS, "a scenario", TOP_MOVED);
        let name = match get(root, "name") {
            Some(v) => self.cx.str(v, "`name`", "name = \"my-cafe\"").map(str::to_string),
            None => Some(default_name.to_string()),
        };
        let summary = match get(root, "summary") {
            Some(v) => {
                self.cx.str(v, "`summary`", "summary = \"Two baristas at rush hour\"").map(str::to_string)
            }
            None => Some(String::new()),
        };
        let unit = match get(root, "unit") {
            None => TimeUnit::Seconds,
            Some(v) => match self.cx.str(v, "`unit`", "unit = \"s\"") {
                Some(s) => TimeUnit::from_name(s).unwrap_or_else(|| {
                    let names: Vec<&str> = TimeUnit::ALL.iter().map(|u| u.name()).collect();
                    let help = match unit_alias(s) {
                        Some(u) => format!("did you mean `{}`? Units: {}", u.name(), names.join(", ")),
                        None => format!("use one of {}", names.join(", ")),
                    };
                    self.cx.error(v.span(), format!("unknown time unit `{s}`"), "unknown unit", Some(help));
                    TimeUnit::Seconds
                }),
                None => TimeUnit::Seconds,
            },
        };
        let speed = match get(root, "speed") {
            None => Some(1.0),
            Some(v) => self.cx.number(v, "`speed`", "speed = 2").and_then(|x| {
                if x.is_finite() && x > 0.0 && x < crate::clock::MIN_SPEED {
                    self.cx.error(
                        v.span(),
                        format!("`speed` must be at least {}, found {}", crate::clock::MIN_SPEED, short(x)),
                        "too slow",
                        Some("at that speed a second of scenario time would take over 11 days: write a larger one, like `speed = 1`".into()),
                    );
                    None
                } else if x.is_finite() && x > 0.0 {
                    Some(x)
                } else {
                    self.cx.error(
                        v.span(),
                        "`speed` must be a positive, finite number",
                        "not a speed",
                        Some(
                            "write it like `speed = 60` to play a minute of scenario time in a second".into(),
                        ),
                    );
                    None
                }
            }),
        };
        let seed = match get(root, "seed") {
            None => Some(0),
            Some(v) => self.cx.int(v, "`seed`", 0, i64::MAX, "seed = 42").map(|n| n as u64),
        };
        let kitchen = self.kitchen(get(root, "kitchen"));
        let options = self.options(get(root, "options"));
        // Broken options are known names too, so that using them is not a second problem.
        let option_names: Vec<String> =
            options.options.iter().map(|o| o.name.clone()).chain(options.broken.iter().cloned()).collect();
        let names = Names { options: &option_names };
        let recipes = self.recipes(get(root, "recipes"), unit, &kitchen, &names);
        let (items, broken_items) = self.menu(get(root, "menu"), recipes.as_deref());
        let narrative = self.narrative(get(root, "narrative"), &names);
        let check = MenuCheck {
            items: items.as_deref(),
            broken_items: &broken_items,
            options: &options.options,
            broken_options: &options.broken,
            recipes: recipes.as_deref().unwrap_or_default(),
            step_ix: (recipes.as_deref().unwrap_or_default().iter())
                .map(|(_, r)| {
                    r.iter().flat_map(|r| &r.steps).enumerate().map(|(i, s)| (s.name.as_str(), i)).collect()
                })
                .collect(),
        };
        let customers = self.customers(get(root, "customers"), unit, &check);
        let patience = self.patience(get(root, "customers"), unit);
        // Everything has been checked: now a scenario only if every part is whole.
        let recipes: Option<Vec<Recipe>> = recipes?.into_iter().map(|(_, r)| r).collect();
        let items = items.filter(|_| broken_items.is_empty());
        let options = Some(options.options).filter(|_| options.broken.is_empty());
        let kitchen = match kitchen {
            KitchenParts {
                cooks: Some(cooks),
                cook_cost: Some(cook_cost),
                policy: Some(policy),
                equipment,
                complete: true,
            } => Some(Kitchen { cooks, equipment, cook_cost, policy }),
            _ => None,
        };
        Some(Scenario {
            name: name?,
            summary: summary?,
            unit,
            speed: speed?,
            seed: seed?,
            kitchen: kitchen?,
            menu: Menu { items: items?, recipes: recipes?, options: options? },
            customers: customers?,
            patience: patience.as_ref()?.0.clone(),
            balk: patience?.1,
            narrative: narrative?,
        })
    }

    fn kitchen(&mut self, v: Option<&Value>) -> KitchenParts {
        let mut parts = KitchenParts {
            cooks: Some(1),
            cook_cost: Some(0.0),
            policy: Some(Policy::Fifo),
            equipment: Vec::new(),
            complete: true,
        };
        let Some(v) = v else { return parts };
        let Some(t) = self.cx.table(v, "`kitchen`", "[kitchen]") else {
            return KitchenParts {
                cooks: None,
                cook_cost: None,
                policy: None,
                equipment: Vec::new(),
                complete: false,
            };
        };
        self.cx.check_keys(t, KITCHEN_KEYS, "[kitchen]");
        if let Some(c) = get(t, "cooks") {
            parts.cooks = match c.get_ref() {
                DeValue::Integer(i) if i.as_str().trim_start_matches(['+', '-', '0', '_']).is_empty() => {
                    self.cx.error(
                        c.span(),
                        "a kitchen needs at least one cook",
                        "no cooks",
                        Some("write `cooks = 1` or more".into()),
                    );
                    None
                }
                _ => self.cx.int(c, "`cooks`", 1, u16::MAX as i64, "cooks = 2").map(|n| n as u16),
            };
        }
        if let Some(c) = get(t, "cook_cost") {
            parts.cook_cost = self.cost(c, "`cook_cost`", "cook_cost = 18");
        }
        if let Some(p) = get(t, "policy") {
            parts.policy = self.cx.str(p, "`policy`", "policy = \"unattended-first\"").and_then(|name| {
                let policy = Policy::from_name(name);
                if policy.is_none() {
                    let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                    self.cx.error(
                        p.span(),
                        format!("unknown dispatch policy `{name}`"),
                        "unknown policy",
                        Some(format!("use one of {}", names.join(", "))),
                    );
                }
                policy
            });
        }
        let Some(ev) = get(t, "equipment") else { return parts };
        let Some(et) = self.cx.table(ev, "`equipment`", "equipment = { coffee_machine = 2 }") else {
            parts.complete = false;
            return parts;
        };
        for (k, cap) in et.iter() {
            let mut cost = Some(0.0);
            let capacity = match cap.get_ref() {
                DeValue::Table(ct) => {
                    self.cx.check_keys(ct, &["capacity", "cost"], "a piece of equipment");
                    if let Some(c) = get(ct, "cost") {
                        let what = format!("the cost of `{}`", k.get_ref());
                        cost = self.cost(c, &what, "{ capacity = 2, cost = 5 }");
                    }
                    match get(ct, "capacity") {
                        Some(c) => self.cx.int(c, "`capacity`", 0, u32::MAX as i64, "capacity = 2"),
                        None => {
                            self.cx.error(
                                cap.span(),
                                format!("equipment `{}` has no capacity", k.get_ref()),
                                "missing `capacity`",
                                Some("write it like `{ capacity = 2 }`".into()),
                            );
                            None
                        }
                    }
                }
                _ => self.cx.int(
                    cap,
                    &format!("the capacity of `{}`", k.get_ref()),
                    0,
                    u32::MAX as i64,
                    &format!("{} = 2", k.get_ref()),
                ),
            };
            match (capacity, cost) {
                (Some(capacity), Some(cost)) => parts.equipment.push(Equipment {
                    name: k.get_ref().to_string(),
                    capacity: capacity as u32,
                    cost,
                }),
                _ => parts.complete = false,
            }
        }
        parts
    }

    /// A cost: a finite number that is at least 0.
    fn cost(&mut self, v: &Value, what: &str, example: &str) -> Option<f64> {
        let x = self.cx.number(v, what, example)?;
        if x.is_finite() && x >= 0.0 {
            return Some(x);
        }
        self.cx.error(
            v.span(),
            format!("{what} must be a finite number of at least 0, found {}", self.cx.src[v.span()].trim()),
            "not a cost",
            Some(format!("write it like `{example}`")),
        );
        None
    }

    fn options(&mut self, v: Option<&Value>) -> OptionParts {
        let mut out = OptionParts { options: Vec::new(), broken: Vec::new() };
        let Some(v) = v else { return out };
        let Some(t) = self.cx.table(v, "`options`", "[options]\nflavour = [\"Vanilla\", \"Caramel\"]") else {
            return out;
        };
        for (k, vals) in t.iter() {
            let what = format!("option `{}`", k.get_ref());
            if is_placeholder(k.get_ref()) {
                // `{OPTION}` prints the option's value: it must not mean something else.
                self.cx.error(
                    k.span(),
                    format!("{what} has the name of a placeholder"),
                    "reserved name",
                    Some(format!(
                        "`{{{}}}` already prints something else in narrative lines: rename the option",
                        k.get_ref()
                    )),
                );
                out.broken.push(k.get_ref().to_string());
                continue;
            }
            let Some(arr) = self.cx.array(vals, &what, "flavour = [\"Vanilla\", \"Caramel\"]") else {
                out.broken.push(k.get_ref().to_string());
                continue;
            };
            if arr.is_empty() {
                self.cx.error(
                    vals.span(),
                    format!("{what} has no values"),
                    "empty",
                    Some("list at least one value, like `flavour = [\"Vanilla\"]`".into()),
                );
                out.broken.push(k.get_ref().to_string());
                continue;
            }
            let values: Vec<String> = arr
                .iter()
                .filter_map(|x| {
                    self.cx.str(x, &format!("each value of {what}"), "\"Vanilla\"").map(str::to_string)
                })
                .collect();
            if values.len() == arr.len() {
                out.options.push(MenuOption { name: k.get_ref().to_string(), values });
            } else {
                out.broken.push(k.get_ref().to_string());
            }
        }
        out
    }

    fn lines(&mut self, v: &Value, what: &str, hook: Hook, names: &Names) -> Option<Lines> {
        let raw = self.cx.lines(v, what)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (text, map, whole) in raw {
            match template::parse(&text, hook, names) {
                Ok(t) => out.push(t),
                Err(errors) => {
                    ok = false;
                    for e in errors {
                        let span = match &map {
                            Some(map) => map[e.offset]..map[e.offset + e.len],
                            None => whole.clone(),
                        };
                        self.cx.error(span, e.message, "here", Some(e.help));
                    }
                }
            }
        }
        ok.then_some(Lines(out))
    }

    fn optional_lines(
        &mut self,
        t: &DeTable,
        key: &str,
        what: &str,
        hook: Hook,
        names: &Names,
    ) -> Option<Option<Lines>> {
        match get(t, key) {
            None => Some(None),
            Some(v) => self.lines(v, what, hook, names).map(Some),
        }
    }

    fn narrative(&mut self, v: Option<&Value>, names: &Names) -> Option<Narrative> {
        let mut n = Narrative::default();
        let Some(v) = v else { return Some(n) };
        let t = self.cx.table(v, "`narrative`", "[narrative]")?;
        self.cx.check_keys(t, NARRATIVE_KEYS, "[narrative]");
        let mut ok = true;
        let hooks = [
            (Hook::ServiceStart, &mut n.service_start),
            (Hook::Arrival, &mut n.arrival),
            (Hook::StepStart, &mut n.step_start),
            (Hook::StepFinish, &mut n.step_finish),
            (Hook::Served, &mut n.served),
            (Hook::Left, &mut n.left),
            (Hook::Balked, &mut n.balked),
            (Hook::Between, &mut n.between),
            (Hook::ServiceEnd, &mut n.service_end),
        ];
        for (hook, slot) in hooks {
            if let Some(lv) = get(t, hook.name()) {
                match self.lines(lv, &format!("`narrative.{}`", hook.name()), hook, names) {
                    Some(lines) => *slot = lines,
                    None => ok = false,
                }
            }
        }
        ok.then_some(n)
    }

    /// Every recipe by name, each read as far as it could be (None for one with
    /// problems); None when there is no `recipes` table at all.
    fn recipes(
        &mut self,
        v: Option<&Value>,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> Option<Vec<(String, Option<Recipe>)>> {
        let Some(v) = v else {
            self.cx.error_in_file(
                "the scenario has no recipes",
                Some(
                    "add a `[recipes.NAME]` table with `[[recipes.NAME.steps]]`; see docs/scenario-format.md"
                        .into(),
                ),
            );
            return None;
        };
        let t = self.cx.table(v, "`recipes`", "[recipes.coffee]")?;
        if t.is_empty() {
            self.cx.error(
                v.span(),
                "`recipes` is empty",
                "no recipes",
                Some("add a recipe, like `[recipes.coffee]` with `[[recipes.coffee.steps]]`".into()),
            );
            return None;
        }
        let mut out = Vec::new();
        for (k, rv) in t.iter() {
            let recipe = self.recipe(k.get_ref(), rv, unit, kitchen, names);
            out.push((k.get_ref().to_string(), recipe));
        }
        Some(out)
    }

    fn recipe(
        &mut self,
        name: &str,
        v: &Value,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> Option<Recipe> {
        let place = format!("recipe `{name}`");
        let t = self.cx.table(v, &format!("`recipes.{name}`"), &format!("[recipes.{name}]"))?;
        self.cx.check_keys_moved(t, RECIPE_KEYS, &place, RECIPE_MOVED);
        let on_arrival = self.optional_lines(t, "on_arrival", "`on_arrival`", Hook::Arrival, names);
        let on_served = self.optional_lines(t, "on_served", "`on_served`", Hook::Served, names);
        let Some(sv) = get(t, "steps") else {
            self.cx.error(
                v.span(),
                format!("{place} has no steps"),
                "no `steps`",
                Some(format!("add steps like `[[recipes.{name}.steps]]` with `name`, `kind` and `duration`")),
            );
            return None;
        };
        let arr = self.cx.array(sv, &format!("`steps` of {place}"), "[[recipes.coffee.steps]]")?;
        if arr.is_empty() {
            self.cx.error(
                sv.span(),
                format!("{place} has no steps"),
                "empty",
                Some("a recipe needs at least one step".into()),
            );
            return None;
        }
        if arr.len() > MAX_STEPS {
            self.cx.error(
                sv.span(),
                format!("{place} has {} steps, more than the {MAX_STEPS} a recipe can have", arr.len()),
                "too many steps",
                Some("split the work into fewer, longer steps, or into several recipes".into()),
            );
            return None;
        }
        let mut steps = Vec::new();
        let mut raw: Vec<Option<RawStep>> = Vec::new();
        let mut unique = true;
        let mut seen = std::collections::HashSet::new();
        for (i, st) in arr.iter().enumerate() {
            let (step, r) = self.step(name, i, st, unit, kitchen, names);
            if let Some(r) = &r {
                if !seen.insert(r.name.clone()) {
                    self.cx.error(
                        r.name_span.clone(),
                        format!("{place} has two steps named `{}`", r.name),
                        "duplicate name",
                        Some("give every step of a recipe its own name".into()),
                    );
                    unique = false;
                }
            }
            steps.push(step);
            raw.push(r);
        }
        // `after` is checked as soon as every step's name is known, even when a step
        // has other problems.
        let raw: Option<Vec<RawStep>> = raw.into_iter().collect();
        let afters = match raw {
            Some(raw) if unique => self.resolve_after(&place, &raw),
            _ => None,
        };
        let mut steps: Vec<Step> = steps.into_iter().collect::<Option<_>>()?;
        for (step, after) in steps.iter_mut().zip(afters?) {
            step.after = after;
        }
        Some(Recipe { name: name.to_string(), steps, on_arrival: on_arrival?, on_served: on_served? })
    }

    /// One step, and its name and `after` when they could be read (even if the step
    /// has other problems).
    fn step<'v, 'i>(
        &mut self,
        recipe: &str,
        index: usize,
        v: &'v Value<'i>,
        unit: TimeUnit,
        kitchen: &KitchenParts,
        names: &Names,
    ) -> (Option<Step>, Option<RawStep<'v, 'i>>) {
        let Some(t) = self.cx.table(v, "a step", "{ name = \"boil\", kind = \"unattended\", duration = 3 }")
        else {
            return (None, None);
        };
        let place = format!("step {} of recipe `{recipe}`", index + 1);
        self.cx.check_keys_moved(t, STEP_KEYS, &place, STEP_MOVED);
        let missing = |cx: &mut Cx, field: &str, example: &str| {
            cx.error(
                v.span(),
                format!("{place} has no `{field}`"),
                format!("missing `{field}`"),
                Some(format!("add `{example}`")),
            );
        };
        let name = match get(t, "name") {
            Some(n) => self.cx.str(n, "`name`", "name = \"boil\"").map(|s| (s.to_string(), n.span())),
            None => {
                missing(self.cx, "name", "name = \"boil\"");
                None
            }
        };
        let kind = match get(t, "kind") {
            Some(k) => match self.cx.str(k, "`kind`", "kind = \"hands-on\"") {
                Some("hands-on") => Some(StepKind::HandsOn),
                Some("unattended") => Some(StepKind::Unattended),
                Some(other) => {
                    let help = match crate::suggest::closest(other, ["hands-on", "unattended"]) {
                        Some(s) => format!("did you mean `{s}`? A step is `hands-on` (it occupies a cook) or `unattended` (a machine or timer works)"),
                        None => "a step is `hands-on` (it occupies a cook) or `unattended` (a machine or timer works)".into(),
                    };
                    self.cx.error(
                        k.span(),
                        format!("unknown step kind `{other}`"),
                        "unknown kind",
                        Some(help),
                    );
                    None
                }
                None => None,
            },
            None => {
                missing(self.cx, "kind", "kind = \"hands-on\"");
                None
            }
        };
        let duration = match get(t, "duration") {
            Some(d) => self.dist(d, "duration", unit),
            None => {
                missing(self.cx, "duration", "duration = 3");
                None
            }
        };
        let uses = match get(t, "uses") {
            None => Some(None),
            Some(u) => match self.cx.str(u, "`uses`", "uses = \"stove\"") {
                Some(e) => self.uses(e, u.span(), kitchen),
                None => None,
            },
        };
        let result = match get(t, "result") {
            None => Some(None),
            Some(r) => self.cx.str(r, "`result`", "result = \"Boiled water\"").map(|s| Some(s.to_string())),
        };
        let on_start = self.optional_lines(t, "on_start", "`on_start`", Hook::StepStart, names);
        let on_finish = self.optional_lines(t, "on_finish", "`on_finish`", Hook::StepFinish, names);
        let raw = name.map(|(name, name_span)| RawStep { name, name_span, after: get(t, "after") });
        let step = (|| {
            Some(Step {
                name: raw.as_ref()?.name.clone(),
                kind: kind?,
                duration: duration?,
                uses: uses?,
                after: Vec::new(),
                result: result?,
                on_start: on_start?,
                on_finish: on_finish?,
            })
        })();
        (step, raw)
    }

    /// The equipment a step `uses`: `Some(Some(ix))`, or None after a problem.
    fn uses(&mut self, e: &str, span: Range<usize>, kitchen: &KitchenParts) -> Option<Option<EquipIx>> {
        let equipment = &kitchen.equipment;
        if let Some(ix) = equipment.iter().position(|q| q.name == e) {
            if equipment[ix].capacity == 0 {
                self.cx.error(
                    span,
                    format!("`{e}` has capacity 0, so this step could never start"),
                    "no capacity",
                    Some(format!("give `{e}` a capacity of at least 1 in [kitchen.equipment]")),
                );
                return None;
            }
            return Some(Some(ix as EquipIx));
        }
        if !kitchen.complete {
            // The kitchen's own problem is reported: `e` may be the piece it is about.
            return None;
        }
        let names: Vec<&str> = equipment.iter().map(|q| q.name.as_str()).collect();
        let help = match crate::suggest::closest(e, names.iter().copied()) {
            _ if names.is_empty() => format!("declare it in [kitchen], like `equipment = {{ {e} = 1 }}`"),
            Some(s) => format!(
                "did you mean `{s}`? The kitchen has: {}; or declare `{e}` in [kitchen.equipment]",
                names.join(", ")
            ),
            None => format!("the kitchen has: {}; or declare `{e}` in [kitchen.equipment]", names.join(", ")),
        };
        self.cx.error(span, format!("unknown equipment `{e}`"), "not in the kitchen", Some(help));
        None
    }

    /// Resolves `after` names into each step's dependencies; a step without `after`
    /// follows the previous one.
    fn resolve_after(&mut self, place: &str, raw: &[RawStep]) -> Option<Vec<Vec<StepIx>>> {
        let index: HashMap<&str, usize> = raw.iter().enumerate().map(|(i, r)| (r.name.as_str(), i)).collect();
        let mut ok = true;
        // (after-name span) per edge, for messages.
        let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![Vec::new(); raw.len()];
        // `waits[j] == i + 1` when step `i` already waits for step `j`.
        let mut waits = vec![0; raw.len()];
        for (i, r) in raw.iter().enumerate() {
            let Some(av) = r.after else {
                if i > 0 {
                    edges[i].push((i - 1, r.name_span.clone()));
                }
                continue;
            };
            let Some(arr) = self.cx.array(av, "`after`", "after = [\"boil\", \"grind\"]") else {
                ok = false;
                continue;
            };
            for a in arr.iter() {
                let Some(name) = self.cx.str(a, "each name in `after`", "\"boil\"") else {
                    ok = false;
                    continue;
                };
                match index.get(name) {
                    Some(&j) => {
                        if std::mem::replace(&mut waits[j], i + 1) == i + 1 {
                            self.cx.error(
                                a.span(),
                                format!("`{}` waits for `{name}` twice", r.name),
                                "repeated",
                                Some("name each step once in `after`".into()),
                            );
                            ok = false;
                        } else {
                            edges[i].push((j, a.span()));
                        }
                    }
                    None => {
                        let steps = raw.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
                        let help = match crate::suggest::closest(name, raw.iter().map(|r| r.name.as_str())) {
                            Some(s) => format!("did you mean `{s}`? The steps of {place} are: {steps}"),
                            None => format!("the steps of {place} are: {steps}"),
                        };
                        self.cx.error(
                            a.span(),
                            format!("`{}` waits for unknown step `{name}`", r.name),
                            "no such step",
                            Some(help),
                        );
                        ok = false;
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        if let Some(cycle) = find_cycle(&edges) {
            self.report_cycle(place, raw, &edges, &cycle);
            return None;
        }
        for (i, r) in raw.iter().enumerate() {
            for (j, span) in &edges[i] {
                if *j > i {
                    self.cx.error(
                        span.clone(),
                        format!("`{}` waits for `{}`, which comes later in the recipe", r.name, raw[*j].name),
                        "later step",
                        Some(format!(
                            "list `{}` before `{}` in the recipe: a step can only wait for steps listed before it",
                            raw[*j].name, r.name
                        )),
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| edges.iter().map(|e| e.iter().map(|(j, _)| *j as StepIx).collect()).collect())
    }

    /// Reports a cycle of steps (`cycle[k]` waits for `cycle[k + 1]`, the last for the
    /// first), pointing at the `after` name that looks forward in the recipe: every
    /// cycle has one, since steps without `after` wait for the step before them.
    fn report_cycle(
        &mut self,
        place: &str,
        raw: &[RawStep],
        edges: &[Vec<(usize, Range<usize>)>],
        cycle: &[usize],
    ) {
        let edge = |k: usize| (cycle[k], cycle[(k + 1) % cycle.len()]);
        let (from, to) = (0..cycle.len()).map(edge).find(|(i, j)| j >= i).expect("a cycle looks forward");
        let span = edges[from].iter().find(|(j, _)| *j == to).map(|(_, s)| s.clone()).expect("an edge");
        if from == to {
            let name = &raw[from].name;
            self.cx.error(
                span,
                format!("step `{name}` of {place} waits for itself"),
                "itself",
                Some(format!("remove `{name}` from its own `after`")),
            );
            return;
        }
        let mut chain: Vec<String> = cycle.iter().map(|&i| format!("`{}`", raw[i].name)).collect();
        chain.push(chain[0].clone());
        let implicit: Vec<String> = cycle
            .iter()
            .filter(|&&i| raw[i].after.is_none())
            .map(|&i| format!("`{}`", raw[i].name))
            .collect();
        let note = match implicit.len() {
            0 => String::new(),
            1 => format!("; {} has no `after`, so it waits for the step before it", implicit[0]),
            _ => format!("; {} have no `after`, so each waits for the step before it", and_list(&implicit)),
        };
        let (a, b) = (&raw[from].name, &raw[to].name);
        self.cx.error(
            span,
            format!("the steps of {place} wait for each other in a cycle: {}", chain.join(" → ")),
            format!("`{b}` comes later in the recipe"),
            Some(format!(
                "→ means \"waits for\"{note}. Remove `{b}` from the `after` of `{a}`, or list `{b}` before `{a}`: a step can only wait for earlier steps"
            )),
        );
    }

    /// A duration or interarrival time (field `key`): a number, or a distribution table.
    fn dist(&mut self, v: &Value, key: &str, unit: TimeUnit) -> Option<Dist> {
        let what = &format!("`{key}`");
        let example = "{ dist = \"uniform_int\", min = 1, max = 5 }";
        let counts = key == "group";
        if let DeValue::Table(t) = v.get_ref() {
            let Some(kind_v) = get(t, "dist") else {
                self.cx.error(
                    v.span(),
                    format!("{what} has no `dist`"),
                    "missing `dist`",
                    Some(format!("write a fixed number, or a distribution like `{example}`")),
                );
                return None;
            };
            let kind = self.cx.str(kind_v, "`dist`", "dist = \"uniform\"")?;
            let Some(&(_, params, example)) = DISTRIBUTIONS.iter().find(|d| d.0 == kind) else {
                let names: Vec<&str> = DISTRIBUTIONS.iter().map(|d| d.0).collect();
                let help = match crate::suggest::closest(kind, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? Distributions: {}", names.join(", ")),
                    None => format!("distributions: {}", names.join(", ")),
                };
                self.cx.error(kind_v.span(), format!("unknown distribution `{kind}`"), "unknown", Some(help));
                return None;
            };
            let mut keys = vec!["dist"];
            keys.extend(params.iter().map(|p| p.trim_end_matches('?')));
            self.cx.check_keys(t, &keys, &format!("a `{kind}` distribution"));
            let mut ok = true;
            let mut num = |cx: &mut Cx, key: &str| -> Option<f64> {
                let optional = params.iter().any(|p| *p == format!("{key}?"));
                match get(t, key) {
                    // `shape` has no unit; everything else is a time.
                    Some(b) if key == "shape" => match cx.number(b, "`shape`", "shape = 2") {
                        Some(x) if x.is_finite() && x > 0.0 => Some(x),
                        Some(_) => {
                            cx.error(
                                b.span(),
                                "`shape` must be a positive number",
                                "not positive",
                                Some(format!("write it like `{example}`")),
                            );
                            ok = false;
                            None
                        }
                        None => {
                            ok = false;
                            None
                        }
                    },
                    // Group sizes are counts (`group` checks their bounds).
                    Some(b) if counts => {
                        let x = cx.amount(b, &format!("`{key}`"), unit, &format!("{key} = 1"));
                        ok &= x.is_some();
                        x
                    }
                    Some(b) => {
                        let x = cx.time(b, &format!("`{key}`"), unit, &format!("{key} = 1"));
                        ok &= x.is_some();
                        x
                    }
                    None if optional => None,
                    None => {
                        cx.error(
                            v.span(),
                            format!("a `{kind}` distribution needs `{key}`"),
                            format!("missing `{key}`"),
                            Some(format!("write it like `{example}`")),
                        );
                        ok = false;
                        None
                    }
                }
            };
            let bad = |cx: &mut Cx, message: String, help: &str| {
                cx.error(
                    v.span(),
                    format!("{what}: {message}"),
                    "impossible distribution",
                    Some(help.to_string()),
                );
                None
            };
            match kind {
                "uniform_int" | "uniform" => {
                    let (min, max) = (num(self.cx, "min"), num(self.cx, "max"));
                    let (min, max) = (min?, max?);
                    if min > max {
                        return bad(
                            self.cx,
                            format!("`min` ({min}) is greater than `max` ({max})"),
                            "swap them",
                        );
                    }
                    if kind == "uniform" {
                        return Some(Dist::Uniform { min, max });
                    }
                    if min.fract() != 0.0 || max.fract() != 0.0 {
                        self.cx.error(
                            v.span(),
                            format!("{what}: a `uniform_int` distribution needs whole-number bounds"),
                            "not whole numbers",
                            Some("use `dist = \"uniform\"` for real numbers".into()),
                        );
                        return None;
                    }
                    Some(Dist::UniformInt { min: min as i64, max: max as i64 })
                }
                "exponential" => {
                    let mean = num(self.cx, "mean")?;
                    if mean == 0.0 {
                        return bad(
                            self.cx,
                            "an exponential distribution needs a mean above 0".into(),
                            "for always 0, write `0`",
                        );
                    }
                    Some(Dist::Exponential { mean })
                }
                "normal" | "lognormal" => {
                    let (mean, sd) = (num(self.cx, "mean"), num(self.cx, "sd"));
                    let (mean, sd) = (mean?, sd?);
                    if kind == "normal" {
                        return Some(Dist::Normal { mean, sd });
                    }
                    if mean == 0.0 {
                        return bad(
                            self.cx,
                            "a lognormal distribution needs a mean above 0".into(),
                            "for always 0, write `0`",
                        );
                    }
                    // The logarithm's spread is ln(1 + (sd/mean)²): finite only when
                    // the square is.
                    if sd / mean > MAX_LOGNORMAL_CV {
                        return bad(
                            self.cx,
                            format!(
                                "a lognormal distribution's sd ({}) is too large beside its mean ({})",
                                short(sd),
                                short(mean)
                            ),
                            "its sd can be at most 1e150 times its mean (beyond that its spread is not a number)",
                        );
                    }
                    Some(Dist::LogNormal { mean, sd })
                }
                "triangular" => {
                    let (min, mode, max) = (num(self.cx, "min"), num(self.cx, "mode"), num(self.cx, "max"));
                    let (min, mode, max) = (min?, mode?, max?);
                    if !(min <= mode && mode <= max) {
                        return bad(
                            self.cx,
                            format!(
                                "a triangular distribution needs min ≤ mode ≤ max, found {min}, {mode}, {max}"
                            ),
                            "put the mode (the most likely value) between min and max",
                        );
                    }
                    Some(Dist::Triangular { min, mode, max })
                }
                "gamma" => {
                    let (shape, scale) = (num(self.cx, "shape"), num(self.cx, "scale"));
                    let (shape, scale) = (shape?, scale?);
                    if scale == 0.0 {
                        return bad(
                            self.cx,
                            "a gamma distribution needs a scale above 0".into(),
                            "its mean is shape × scale",
                        );
                    }
                    if shape * scale > unit.max_amount() && !counts {
                        return bad(
                            self.cx,
                            format!(
                                "a gamma distribution's mean (shape × scale = {}) is more than {}, the longest time a run can count",
                                short(shape * scale),
                                unit.max_text()
                            ),
                            "its mean is shape × scale: make one of them smaller",
                        );
                    }
                    Some(Dist::Gamma { shape, scale })
                }
                _ => {
                    // "empirical": values, optional weights.
                    let values = self.amounts(t, "values", v, key, unit, true)?;
                    let weights = match get(t, "weights") {
                        None => None,
                        Some(w) => {
                            let arr = self.cx.array(w, "`weights`", "weights = [3, 1]")?;
                            let mut ws = Vec::new();
                            for x in arr.iter() {
                                match self.cx.number(x, "a weight", "weights = [3, 1]") {
                                    Some(n) if n.is_finite() && n > 0.0 => ws.push(n),
                                    Some(_) => {
                                        self.cx.error(
                                            x.span(),
                                            "a weight must be a positive number",
                                            "not a weight",
                                            Some("write it like `weights = [3, 1]`".into()),
                                        );
                                        return None;
                                    }
                                    None => return None,
                                }
                            }
                            if !ws.iter().sum::<f64>().is_finite() {
                                self.cx.error(
                                    w.span(),
                                    "the weights add up to more than the largest number (about 1.8e308)",
                                    "too large",
                                    Some(
                                        "only their ratios matter: scale them down, like `weights = [3, 1]`"
                                            .into(),
                                    ),
                                );
                                return None;
                            }
                            if ws.len() != values.len() {
                                self.cx.error(
                                    w.span(),
                                    format!("{} weights for {} values", ws.len(), values.len()),
                                    "one weight per value",
                                    Some(
                                        "give one weight per value, or leave `weights` out for equal weights"
                                            .into(),
                                    ),
                                );
                                return None;
                            }
                            Some(ws)
                        }
                    };
                    Some(Dist::Empirical(Empirical::new(&values, weights.as_deref())))
                }
            }
        } else if matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
            if counts {
                self.cx.amount(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            } else {
                self.cx.time(v, what, unit, &format!("{key} = 3")).map(Dist::Fixed)
            }
        } else {
            self.cx.error(
                v.span(),
                format!(
                    "{what} must be a number of {} or a distribution, found {}",
                    reader::unit_words(unit),
                    reader::describe(v.get_ref())
                ),
                "expected a number or a distribution",
                Some(format!("write it like `{key} = 3`, or draw it at random: `{key} = {example}`")),
            );
            None
        }
    }

    /// A non-empty array of times (`values` of an empirical distribution).
    fn amounts(
        &mut self,
        t: &DeTable,
        key: &str,
        owner: &Value,
        owner_key: &str,
        unit: TimeUnit,
        required: bool,
    ) -> Option<Vec<f64>> {
        let Some(a) = get(t, key) else {
            if required {
                self.cx.error(
                    owner.span(),
                    format!("an `empirical` distribution needs `{key}`"),
                    format!("missing `{key}`"),
                    Some(
                        "write it like `{ dist = \"empirical\", values = [1, 2, 5], weights = [5, 3, 1] }`"
                            .into(),
                    ),
                );
            }
            return None;
        };
        let arr = self.cx.array(a, &format!("`{key}`"), "values = [1, 2, 5]")?;
        if arr.is_empty() {
            self.cx.error(
                a.span(),
                format!("`{key}` is empty"),
                "empty",
                Some("list at least one value".into()),
            );
            return None;
        }
        let mut out = Vec::new();
        for x in arr.iter() {
            let value = match owner_key == "group" {
                true => self.cx.amount(x, "each value", unit, "values = [1, 2, 5]"),
                false => self.cx.time(x, "each value", unit, "values = [1, 2, 5]"),
            };
            out.push(value?);
        }
        Some(out)
    }

    /// The menu's items (None when the menu cannot be read at all), and the names of
    /// items whose recipe is unknown.
    fn menu(
        &mut self,
        v: Option<&Value>,
        recipes: Option<&[(String, Option<Recipe>)]>,
    ) -> (Option<Vec<Item>>, Vec<String>) {
        let help = "add `[menu]` with one `ITEM = \"RECIPE\"` line per item, like `Latte = \"coffee\"`";
        let Some(v) = v else {
            self.cx.error_in_file("the scenario has no menu", Some(help.into()));
            return (None, Vec::new());
        };
        let Some(t) = self.cx.table(v, "`menu`", "[menu]") else { return (None, Vec::new()) };
        if t.is_empty() {
            self.cx.error(v.span(), "the menu is empty", "empty menu", Some(help.into()));
            return (None, Vec::new());
        }
        let recipe_names: Vec<&str> = recipes.unwrap_or_default().iter().map(|(n, _)| n.as_str()).collect();
        let mut items = Vec::new();
        let mut broken = Vec::new();
        for (k, rv) in t.iter() {
            let name = k.get_ref().to_string();
            let Some(r) = self.cx.str(rv, &format!("the recipe of `{name}`"), "Latte = \"coffee\"") else {
                broken.push(name);
                continue;
            };
            match recipe_names.iter().position(|n| *n == r) {
                Some(ix) => items.push(Item { name, recipe: ix as RecipeIx }),
                None => {
                    if recipes.is_some() {
                        let help = match crate::suggest::closest(r, recipe_names.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`? Recipes: {}", recipe_names.join(", ")),
                            None => format!("recipes: {}", recipe_names.join(", ")),
                        };
                        self.cx.error(
                            rv.span(),
                            format!("unknown recipe `{r}`"),
                            "no such recipe",
                            Some(help),
                        );
                    }
                    broken.push(name);
                }
            }
        }
        (Some(items), broken)
    }

    fn customers(&mut self, v: Option<&Value>, unit: TimeUnit, menu: &MenuCheck) -> Option<Customers> {
        let help = "add `[customers]` with `list = [...]`, `replay = \"day.csv\"` or `[customers.generate]`";
        let Some(v) = v else {
            self.cx.error_in_file("the scenario has no customers", Some(help.into()));
            return None;
        };
        let t = self.cx.table(v, "`customers`", "[customers]")?;
        self.cx.check_keys(t, CUSTOMERS_KEYS, "[customers]");
        let given: Vec<&str> = WHO_KEYS.iter().copied().filter(|k| get(t, k).is_some()).collect();
        if given.len() != 1 {
            let msg = if given.is_empty() {
                "[customers] says nothing about who comes".to_string()
            } else {
                format!("[customers] has both `{}` and `{}`", given[0], given[1])
            };
            self.cx.error(
                v.span(),
                msg,
                "choose one",
                Some("give exactly one of `list`, `replay` or `generate`".into()),
            );
            return None;
        }
        match given[0] {
            "list" => {
                let lv = get(t, "list").expect("given");
                let arr = self.cx.array(lv, "`list`", "list = [{ item = \"Latte\", arrival = 0 }]")?;
                let mut list = Vec::new();
                let mut ok = true;
                for c in arr.iter() {
                    match self.customer(c, unit, menu) {
                        Some(c) => list.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                list.sort_by_key(|c| c.arrival);
                Some(Customers::List(list))
            }
            "replay" => {
                let rv = get(t, "replay").expect("given");
                let path = self.cx.str(rv, "`replay`", "replay = \"monday.csv\"")?;
                match (self.resolve)(path) {
                    Ok((display, bytes)) => {
                        let file = self.extra_files.len() + 1;
                        let text = match diag::utf8(bytes, file, "the CSV file") {
                            Ok(text) => text,
                            Err((text, problems)) => {
                                self.cx.problems.extend(problems);
                                self.extra_files.push((display, text));
                                return None;
                            }
                        };
                        let list = replay::parse(&text, file, unit, menu, &mut self.cx.problems);
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
            _ => {
                let gv = get(t, "generate").expect("given");
                let g = self.cx.table(gv, "`generate`", "[customers.generate]")?;
                self.cx.check_keys(g, GENERATE_KEYS, "[customers.generate]");
                let count = match get(g, "count") {
                    Some(c) => self.cx.int(c, "`count`", 0, i64::MAX, "count = 100").map(|n| Some(n as u64)),
                    None => Some(None),
                };
                let until = match get(g, "until") {
                    Some(u) => {
                        self.cx.time(u, "`until`", unit, "until = 3600").map(|x| Some(unit.to_ticks(x)))
                    }
                    None => Some(None),
                };
                if get(g, "count").is_none() && get(g, "until").is_none() {
                    self.cx.error(
                        gv.span(),
                        "[customers.generate] never stops letting customers in",
                        "no stop rule",
                        Some("add `count = 1000` (how many customers) or `until = 3600` (when the door closes), or both".into()),
                    );
                }
                let first_arrival = match get(g, "first_arrival") {
                    Some(f) => self
                        .cx
                        .time(f, "`first_arrival`", unit, "first_arrival = 0")
                        .map(|x| unit.to_ticks(x)),
                    None => Some(0),
                };
                let given: Vec<&str> = ["interarrival", "rate", "schedule"]
                    .into_iter()
                    .filter(|k| get(g, k).is_some())
                    .collect();
                let arrivals = match given.as_slice() {
                    ["interarrival"] => self
                        .dist(get(g, "interarrival").expect("given"), "interarrival", unit)
                        .map(Arrivals::Interarrival),
                    ["rate"] => {
                        let r = get(g, "rate").expect("given");
                        self.rate(r, unit)
                            .map(|rate| Arrivals::Interarrival(Dist::Exponential { mean: 1.0 / rate }))
                    }
                    ["schedule"] => {
                        if let Some(f) = get(g, "first_arrival") {
                            self.cx.error(
                                f.span(),
                                "`first_arrival` does not go with `schedule`",
                                "not with a schedule",
                                Some("a schedule's arrivals start at 0: give the first piece a rate of 0 until they should start".into()),
                            );
                        }
                        self.schedule(get(g, "schedule").expect("given"), unit).map(Arrivals::Schedule)
                    }
                    _ => {
                        let message = if given.is_empty() {
                            "[customers.generate] does not say when customers come".to_string()
                        } else {
                            format!("[customers.generate] has both `{}` and `{}`", given[0], given[1])
                        };
                        self.cx.error(
                            gv.span(),
                            message,
                            "choose one",
                            Some("give exactly one of `interarrival = { dist = \"uniform_int\", min = 1, max = 3 }`, `rate = 2` (Poisson, per unit of time) or `schedule = [...]` (a rate that changes)".into()),
                        );
                        None
                    }
                };
                let group = match get(g, "group") {
                    None => Some(None),
                    Some(gr) => self.group(gr, unit).map(Some),
                };
                let mix = match get(g, "mix") {
                    None => menu.items.map(|items| (0..items.len()).map(|i| (i as ItemIx, 1.0)).collect()),
                    Some(m) => self.mix(m, menu),
                };
                if get(g, "count").is_none() && get(g, "until").is_none() {
                    return None;
                }
                // Without a count, the door stays open until `until`: it must close.
                if let (Some(None), Some(Some(until)), Some(arrivals), Some(group), Some(first), [key]) =
                    (&count, &until, &arrivals, &group, &first_arrival, given.as_slice())
                {
                    let per_group = group.as_ref().map_or(1.0, Dist::mean);
                    let expected = expected_arrivals(arrivals, *first, *until, unit) * per_group;
                    if expected.is_nan() || expected > MAX_UNCOUNTED {
                        let message = match arrivals {
                            Arrivals::Interarrival(d) if d.mean() == 0.0 => "every interarrival time is 0, so the door never closes: customers would keep coming at one instant until `until`".to_string(),
                            _ => format!(
                                "[customers.generate] would let in about {expected:.2e} customers before `until`, more than the {} it can let in without a `count`",
                                thousands(MAX_UNCOUNTED as u64)
                            ),
                        };
                        self.cx.error(
                            get(g, key).expect("given").span(),
                            message,
                            "too many customers",
                            Some(
                                "add `count = 1000` (the most customers to let in), or bring them less often"
                                    .into(),
                            ),
                        );
                        return None;
                    }
                }
                // Interarrival times of 0 bring customers in at one instant, all in
                // the kitchen at once: as many as come before a gap that is not 0.
                if let (Some(count), Some(arrivals), Some(group), [key]) =
                    (&count, &arrivals, &group, given.as_slice())
                {
                    let (zeros, exact, weighted) = match arrivals {
                        Arrivals::Interarrival(d) => {
                            (zero_share(d, unit), d.mean() == 0.0, matches!(d, Dist::Empirical(_)))
                        }
                        Arrivals::Schedule(pieces) => {
                            let busiest = pieces.iter().map(|p| p.rate).fold(0.0, f64::max);
                            (-(-busiest * 0.5 / unit.ticks() as f64).exp_m1(), false, false)
                        }
                    };
                    let per_group = group.as_ref().map_or(1.0, Dist::mean);
                    let run = per_group / (1.0 - zeros);
                    let at_once = count.map_or(run, |n| run.min(n as f64));
                    if at_once > MAX_AT_ONCE as f64 {
                        let what = match (zeros == 1.0, exact) {
                            (true, true) => "every interarrival time is 0".to_string(),
                            (true, false) => {
                                "every interarrival time rounds to 0 (the clock counts whole nanoseconds)"
                                    .to_string()
                            }
                            _ => format!("{:.7}% of the interarrival times are 0", zeros * 100.0),
                        };
                        let (span, so) = match count {
                            Some(n) if zeros == 1.0 => (
                                get(g, "count").expect("given").span(),
                                format!("all {} customers would come in at one instant", thousands(*n)),
                            ),
                            _ => (
                                get(g, key).expect("given").span(),
                                format!("about {at_once:.2e} customers would come in at one instant"),
                            ),
                        };
                        let fix = match (weighted && !exact, count) {
                            (true, _) => "give the 0s a smaller weight",
                            (false, Some(_)) => "lower `count`",
                            (false, None) => "add a `count`",
                        };
                        self.cx.error(
                            span,
                            format!(
                                "{what}, so {so}, more than the {} a run can hold at once",
                                thousands(MAX_AT_ONCE)
                            ),
                            "too many at once",
                            Some(format!("space them out (like `rate = 2`), or {fix}")),
                        );
                        return None;
                    }
                }
                Some(Customers::Generate(Generator {
                    count: count?,
                    until: until?,
                    first_arrival: first_arrival?,
                    arrivals: arrivals?,
                    group: group?,
                    mix: mix?,
                }))
            }
        }
    }

    /// `[customers]`'s `patience` and `balk` (the table itself is `customers`' to check).
    fn patience(&mut self, v: Option<&Value>, unit: TimeUnit) -> Option<(Option<Dist>, Option<u32>)> {
        let Some(DeValue::Table(t)) = v.map(|v| v.get_ref()) else { return Some((None, None)) };
        let patience = match get(t, "patience") {
            Some(p) => self.dist(p, "patience", unit).map(Some),
            None => Some(None),
        };
        let balk = match get(t, "balk") {
            Some(b) => self.cx.int(b, "`balk`", 0, u32::MAX as i64, "balk = 5").map(|k| Some(k as u32)),
            None => Some(None),
        };
        Some((patience?, balk?))
    }

    /// A Poisson rate: customers per unit of time, positive and finite.
    fn rate(&mut self, v: &Value, unit: TimeUnit) -> Option<f64> {
        let x = self.cx.number(v, "`rate`", "rate = 2")?;
        if x.is_finite() && x > 0.0 {
            return Some(x);
        }
        self.cx.error(
            v.span(),
            format!(
                "`rate` must be a positive number of customers per {}, found {}",
                unit.name(),
                self.cx.src[v.span()].trim()
            ),
            "not a rate",
            Some("write it like `rate = 2`; for no customers at all, use a list: `list = []`".into()),
        );
        None
    }

    /// A piecewise rate: `[{ until = 60, rate = 0.5 }, { rate = 2 }]`.
    fn schedule(&mut self, v: &Value, unit: TimeUnit) -> Option<Vec<RatePiece>> {
        let example = "schedule = [{ until = 60, rate = 0.5 }, { until = 120, rate = 3 }, { rate = 1 }]";
        let arr = self.cx.array(v, "`schedule`", example)?;
        if arr.is_empty() {
            self.cx.error(
                v.span(),
                "`schedule` is empty",
                "empty",
                Some(format!("write it like `{example}`")),
            );
            return None;
        }
        let mut pieces = Vec::new();
        let mut ok = true;
        let mut last_until: Option<(f64, std::ops::Range<usize>)> = None;
        for (i, pv) in arr.iter().enumerate() {
            let Some(pt) = self.cx.table(pv, "a piece of the schedule", "{ until = 60, rate = 0.5 }") else {
                ok = false;
                continue;
            };
            self.cx.check_keys(pt, &["until", "rate"], "a piece of the schedule");
            let rate = match get(pt, "rate") {
                Some(r) => {
                    match self.cx.number(r, "`rate`", "rate = 2") {
                        Some(x) if x.is_finite() && x >= 0.0 => Some(x),
                        Some(_) => {
                            self.cx.error(r.span(), "a rate must be a finite number that is at least 0", "not a rate", Some("write it like `rate = 2` (customers per unit of time); 0 for a closed spell".into()));
                            None
                        }
                        None => None,
                    }
                }
                None => {
                    self.cx.error(
                        pv.span(),
                        "a piece of the schedule has no `rate`",
                        "missing `rate`",
                        Some("add `rate = 2` (customers per unit of time)".into()),
                    );
                    None
                }
            };
            let until = match get(pt, "until") {
                Some(u) => match self.cx.time(u, "`until`", unit, "until = 60") {
                    Some(x) => {
                        if let Some((prev, _)) = &last_until {
                            if x <= *prev {
                                self.cx.error(u.span(), format!("the schedule goes back in time: {x} is not after {prev}"), "not increasing", Some("list the pieces in time order, each `until` later than the one before".into()));
                                ok = false;
                            }
                        }
                        last_until = Some((x, u.span()));
                        Some(Some(unit.to_ticks(x)))
                    }
                    None => None,
                },
                None if i + 1 == arr.len() => Some(None),
                None => {
                    self.cx.error(
                        pv.span(),
                        "only the last piece of the schedule can go on for ever",
                        "missing `until`",
                        Some("give this piece an `until`".into()),
                    );
                    None
                }
            };
            match (until, rate) {
                (Some(until), Some(rate)) => pieces.push(RatePiece { until, rate }),
                _ => ok = false,
            }
        }
        if ok && pieces.iter().all(|p| p.rate == 0.0) {
            self.cx.error(
                v.span(),
                "every rate of the schedule is 0: no customer would ever come",
                "no arrivals",
                Some("give some piece a positive rate".into()),
            );
            return None;
        }
        ok.then_some(pieces)
    }

    /// Group sizes: whole numbers of at least 1.
    fn group(&mut self, v: &Value, unit: TimeUnit) -> Option<Dist> {
        // Sizes are counts, not times: read them as amounts of the scenario's unit and
        // check they are whole.
        let d = self.dist(v, "group", unit)?;
        let whole = |x: f64| x.fract() == 0.0 && x >= 1.0;
        let fine = match &d {
            Dist::Fixed(k) => whole(*k),
            Dist::UniformInt { min, .. } => *min >= 1,
            Dist::Empirical(e) => e.cumulative.iter().all(|(x, _)| whole(*x)),
            _ => false,
        };
        let largest = match &d {
            Dist::Fixed(k) => *k,
            Dist::UniformInt { max, .. } => *max as f64,
            Dist::Empirical(e) => e.cumulative.iter().map(|c| c.0).fold(0.0, f64::max),
            _ => 0.0,
        };
        if fine && largest > MAX_GROUP as f64 {
            self.cx.error(
                v.span(),
                format!(
                    "a group can be at most {} customers, found {}",
                    thousands(MAX_GROUP),
                    if largest < 1e15 { thousands(largest as u64) } else { short(largest) }
                ),
                "too large",
                Some(
                    "customers who come together are a group; for a crowd, use a higher `rate` or a `count`"
                        .into(),
                ),
            );
            return None;
        }
        if !fine {
            self.cx.error(
                v.span(),
                "a group size must be a whole number of at least 1",
                "not a group size",
                Some("write a fixed size like `group = 2`, or draw it: `group = { dist = \"uniform_int\", min = 1, max = 4 }` or `{ dist = \"empirical\", values = [1, 2, 4], weights = [6, 3, 1] }`".into()),
            );
            return None;
        }
        Some(d)
    }

    fn mix(&mut self, v: &Value, menu: &MenuCheck) -> Option<Vec<(ItemIx, f64)>> {
        let t = self.cx.table(v, "`mix`", "mix = { Latte = 3, Mocha = 1 }")?;
        let mut out = Vec::new();
        let mut ok = true;
        for (k, w) in t.iter() {
            let item = self.item(k.get_ref(), k.span(), menu);
            match self.cx.number(w, "a weight", &format!("{} = 3", k.get_ref())) {
                Some(x) if x.is_finite() && x > 0.0 => {
                    if let Some(item) = item {
                        out.push((item, x));
                    }
                }
                Some(_) => {
                    self.cx.error(
                        w.span(),
                        "a weight must be a positive, finite number",
                        "not a weight",
                        Some(
                            "write it like `Latte = 3`: items are drawn in proportion to their weights"
                                .into(),
                        ),
                    );
                    ok = false;
                }
                None => ok = false,
            }
            ok &= item.is_some();
        }
        if ok && !out.iter().map(|(_, w)| w).sum::<f64>().is_finite() {
            self.cx.error(
                v.span(),
                "the mix's weights add up to more than the largest number (about 1.8e308)",
                "too large",
                Some(
                    "only their ratios matter: scale them down, like `mix = { Latte = 3, Mocha = 1 }`".into(),
                ),
            );
            ok = false;
        }
        if ok && out.is_empty() {
            self.cx.error(
                v.span(),
                "the mix is empty",
                "empty",
                Some("give at least one item a weight".into()),
            );
            ok = false;
        }
        ok.then_some(out)
    }

    /// The menu item called `name`. Not reported when the menu could not be read or
    /// the item's recipe is unknown: that problem is already reported.
    fn item(&mut self, name: &str, span: Range<usize>, menu: &MenuCheck) -> Option<ItemIx> {
        let items = menu.items?;
        if let Some(ix) = items.iter().position(|i| i.name == name) {
            return Some(ix as ItemIx);
        }
        if menu.broken_items.iter().any(|b| b == name) {
            return None;
        }
        let mut names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        names.extend(menu.broken_items.iter().map(String::as_str));
        let help = match crate::suggest::closest(name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? The menu has: {}", names.join(", ")),
            None => format!(
                "the menu has: {}; to sell it, add `{} = \"RECIPE\"` to [menu]",
                names.join(", "),
                toml_key(name)
            ),
        };
        self.cx.error(span, format!("`{name}` is not on the menu"), "not on the menu", Some(help));
        None
    }

    fn customer(&mut self, v: &Value, unit: TimeUnit, menu: &MenuCheck) -> Option<CustomerSpec> {
        let t = self.cx.table(v, "a customer", "{ item = \"Latte\", arrival = 0 }")?;
        self.cx.check_keys(t, CUSTOMER_KEYS, "a customer");
        let name = match get(t, "name") {
            None => Some(None),
            Some(n) => self.cx.str(n, "`name`", "name = \"Ada\"").map(|s| Some(s.to_string())),
        };
        let arrival = match get(t, "arrival") {
            None => Some(0),
            Some(a) => self.cx.time(a, "`arrival`", unit, "arrival = 0").map(|x| unit.to_ticks(x)),
        };
        let patience = match get(t, "patience") {
            None => Some(None),
            Some(p) => self.cx.time(p, "`patience`", unit, "patience = 5").map(|x| Some(unit.to_ticks(x))),
        };
        let item = match get(t, "item") {
            Some(i) => {
                self.cx.str(i, "`item`", "item = \"Latte\"").and_then(|s| self.item(s, i.span(), menu))
            }
            None => {
                self.cx.error(
                    v.span(),
                    "a customer has no `item`",
                    "missing `item`",
                    Some("say what they order, like `item = \"Latte\"`".into()),
                );
                None
            }
        };
        let mut options = vec![None; menu.options.len()];
        let mut ok = true;
        if let Some(ov) = get(t, "options") {
            if let Some(ot) = self.cx.table(ov, "`options`", "options = { flavour = \"Vanilla\" }") {
                for (k, val) in ot.iter() {
                    let Some(oi) = menu.options.iter().position(|o| o.name == *k.get_ref()) else {
                        ok = false;
                        if menu.broken_options.iter().any(|b| b == k.get_ref()) {
                            continue;
                        }
                        let names: Vec<&str> = menu.options.iter().map(|o| o.name.as_str()).collect();
                        let help = match crate::suggest::closest(k.get_ref(), names.iter().copied()) {
                            _ if names.is_empty() => "the scenario declares no [options]".to_string(),
                            Some(s) => format!("did you mean `{s}`? Options: {}", names.join(", ")),
                            None => format!("options: {}", names.join(", ")),
                        };
                        self.cx.error(
                            k.span(),
                            format!("unknown option `{}`", k.get_ref()),
                            "unknown option",
                            Some(help),
                        );
                        continue;
                    };
                    let Some(s) = self.cx.str(val, "an option value", "flavour = \"Vanilla\"") else {
                        ok = false;
                        continue;
                    };
                    match option_value(&menu.options[oi], s) {
                        Ok(vi) => options[oi] = Some(vi),
                        Err(help) => {
                            self.cx.error(
                                val.span(),
                                format!("`{s}` is not a value of option `{}`", k.get_ref()),
                                "unknown value",
                                Some(help),
                            );
                            ok = false;
                        }
                    }
                }
            } else {
                ok = false;
            }
        }
        for (oi, o) in options.iter().enumerate() {
            if o.is_none() && ok {
                let opt = &menu.options[oi];
                self.cx.error(
                    v.span(),
                    format!("a customer does not choose option `{}`", opt.name),
                    "missing option",
                    Some(format!("add it, like `options = {{ {} = \"{}\" }}`", opt.name, opt.values[0])),
                );
                ok = false;
            }
        }
        let mut durations = Vec::new();
        if let (Some(dv), Some((ix, recipe))) =
            (get(t, "durations"), item.and_then(|i| Some((i, menu.recipe(i)?))))
        {
            if let Some(dt) = self.cx.table(dv, "`durations`", "durations = { brew = 4 }") {
                for (k, d) in dt.iter() {
                    match menu.step_of(ix, k.get_ref()) {
                        Some(si) => match self.cx.time(
                            d,
                            &format!("the duration of `{}`", k.get_ref()),
                            unit,
                            &format!("{} = 4", k.get_ref()),
                        ) {
                            Some(x) => durations.push((si as StepIx, unit.to_ticks(x))),
                            None => ok = false,
                        },
                        None => {
                            let steps: Vec<&str> = recipe.steps.iter().map(|s| s.name.as_str()).collect();
                            self.cx.error(
                                k.span(),
                                format!("recipe `{}` has no step `{}`", recipe.name, k.get_ref()),
                                "no such step",
                                Some(format!("its steps: {}", steps.join(", "))),
                            );
                            ok = false;
                        }
                    }
                }
            } else {
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(CustomerSpec {
            name: name?,
            arrival: arrival?,
            item: item?,
            options: options.into_iter().map(|o| o.expect("checked")).collect(),
            durations,
            patience: patience?,
        })
    }
}

impl Cx<'_> {
    /// A time: a finite amount of `unit` from 0 to the longest time a run can count
    /// ([`MAX_TICKS`](crate::time::MAX_TICKS)).
    fn time(&mut self, v: &Value, what: &str, unit: TimeUnit, example: &str) -> Option<f64> {
        let x = self.amount(v, what, unit, example)?;
        if x <= unit.max_amount() {
            return Some(x);
        }
        self.error(
            v.span(),
            format!(
                "{what} must be at most {}, the longest time a run can count, found {}",
                unit.max_text(),
                self.src[v.span()].trim()
            ),
            "too long",
            Some(format!(
                "a run counts time in nanoseconds up to {} (about 28 years): write a shorter time",
                TimeUnit::Hours.max_text()
            )),
        );
        None
    }
}

/// The share of the draws of `dist` that are 0 in ticks (below half a nanosecond),
/// where there can be many: fixed values, whole numbers from 0, empirical values,
/// uniform ranges, exponentials of a mean far below a nanosecond.
fn zero_share(dist: &Dist, unit: TimeUnit) -> f64 {
    let zero = |x: f64| unit.to_ticks(x) == 0;
    match dist {
        Dist::Fixed(x) => f64::from(u8::from(zero(*x))),
        Dist::UniformInt { min: 0, max } => 1.0 / (*max as f64 + 1.0),
        Dist::Uniform { min, max } if max > min => {
            ((0.5 / unit.ticks() as f64 - min) / (max - min)).clamp(0.0, 1.0)
        }
        Dist::Uniform { min, .. } => f64::from(u8::from(zero(*min))),
        // P(X < half a tick), exactly as `1 - exp(-x / mean)`.
        Dist::Exponential { mean } => -(-0.5 / unit.ticks() as f64 / mean).exp_m1(),
        Dist::Empirical(e) => {
            let mut prev = 0.0;
            let mut zeros = 0.0;
            for &(v, c) in e.cumulative.iter() {
                if zero(v) {
                    zeros += c - prev;
                }
                prev = c;
            }
            zeros / prev
        }
        _ => 0.0,
    }
}

/// How many customers (or groups) a generator is expected to let in from `first` to
/// `until` (ticks); infinite or not a number when its interarrival time is always 0.
fn expected_arrivals(arrivals: &Arrivals, first: u64, until: u64, unit: TimeUnit) -> f64 {
    let (first, until) = (unit.from_ticks(first), unit.from_ticks(until));
    match arrivals {
        Arrivals::Interarrival(_) if first > until => 0.0,
        Arrivals::Interarrival(d) => 1.0 + (until - first) / d.mean(),
        Arrivals::Schedule(pieces) => {
            let mut from = 0.0;
            let mut sum = 0.0;
            for p in pieces {
                let to = p.until.map_or(until, |u| unit.from_ticks(u)).min(until);
                if to > from {
                    sum += p.rate * (to - from);
                    from = to;
                }
            }
            sum
        }
    }
}

/// Whether `name` is a built-in placeholder at some moment (so it cannot name an option).
fn is_placeholder(name: &str) -> bool {
    let none = Names { options: &[] };
    [
        Hook::ServiceStart,
        Hook::Arrival,
        Hook::StepStart,
        Hook::StepFinish,
        Hook::Served,
        Hook::Left,
        Hook::Balked,
        Hook::Between,
        Hook::ServiceEnd,
    ]
    .into_iter()
    .any(|hook| template::available(hook, &none).iter().any(|n| n == name))
}

/// The unit a spelling other than the one scenarios use probably means.
fn unit_alias(s: &str) -> Option<TimeUnit> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "millisecond" | "milliseconds" | "msec" | "msecs" => Some(TimeUnit::Milliseconds),
        "sec" | "secs" | "second" | "seconds" => Some(TimeUnit::Seconds),
        "m" | "mins" | "minute" | "minutes" => Some(TimeUnit::Minutes),
        "hr" | "hrs" | "hour" | "hours" => Some(TimeUnit::Hours),
        _ => TimeUnit::from_name(&s),
    }
}

/// `name` as a TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { name.to_string() } else { format!("{name:?}") }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn option_value(opt: &MenuOption, s: &str) -> Result<u16, String> {
    match opt.values.iter().position(|v| v == s) {
        Some(i) => Ok(i as u16),
        None => Err(match crate::suggest::closest(s, opt.values.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`? Values: {}", opt.values.join(", ")),
            None => format!("values: {}", opt.values.join(", ")),
        }),
    }
}

/// A cycle in the `after` graph (`edges[i]` = steps `i` waits for), as step indices.
/// Depth-first with a stack of its own, not recursion: a recipe of 65,535 steps
/// waiting for each other would overflow the thread's stack.
fn find_cycle(edges: &[Vec<(usize, Range<usize>)>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Closed,
    }
    let mut marks = vec![Mark::New; edges.len()];
    // The open steps, each with how many of its edges have been followed.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..edges.len() {
        if marks[root] != Mark::New {
            continue;
        }
        marks[root] = Mark::Open;
        stack.push((root, 0));
        while let Some((i, next)) = stack.last_mut() {
            let i = *i;
            let Some((j, _)) = edges[i].get(*next) else {
                marks[i] = Mark::Closed;
                stack.pop();
                continue;
            };
            *next += 1;
            match marks[*j] {
                Mark::Open => {
                    let from = stack.iter().position(|(s, _)| s == j).expect("open nodes are on the stack");
                    return Some(stack[from..].iter().map(|(s, _)| *s).collect());
                }
                Mark::New => {
                    marks[*j] = Mark::Open;
                    stack.push((*j, 0));
                }
                Mark::Closed => {}
            }
        }
    }
    None
}

mod replay {
    //! A recorded day as CSV: `arrival,item` and optionally `customer`, one column per
    //! option, and one per step whose duration was recorded.

    use super::*;

    pub fn parse(
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
                    Col::Item => match menu.items.and_then(|items| items.iter().position(|i| i.name == cell))
                    {
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
}
