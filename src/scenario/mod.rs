//! Scenario files: TOML in, a checked [`Scenario`] out, or every problem at once.
//!
//! The format is documented in `docs/scenario-format.md`. Loading parses the file into
//! a spanned TOML tree (so every problem can point at its line and column), reads each
//! part while collecting problems, and only returns a scenario when there are none.
//!
//! This file implements "Loading and checking" and "Top-level fields" of
//! docs/scenario-format.md. The reading follows the format's sections, one file each,
//! in the order of the documentation: the top level here, then `dist` (durations and
//! distributions), `kitchen`, `options`, `recipes`, `menu`, `customers` (with `replay`
//! and `generate`) and `narrative`. `reader` walks the spanned TOML tree; `diag`
//! renders problems.

pub mod builder;
mod customers;
pub mod diag;
mod dist;
#[cfg(feature = "edit")]
pub mod edit;
pub(crate) mod generate;
mod kitchen;
mod menu;
mod narrative;
mod options;
mod reader;
mod recipes;
#[cfg(feature = "replay")]
mod replay;

use std::path::Path;

use toml::de::DeTable;

use crate::model::*;
use crate::template::Names;
use crate::time::{TimeUnit, short};
pub use builder::{CustomerBuilder, GeneratorBuilder, RecipeBuilder, ScenarioBuilder, StepBuilder};
pub use diag::{LocatedProblem, Problem, ScenarioError};
use kitchen::KitchenParts;
use menu::MenuCheck;
use reader::{Cx, Value, get};

/// Finds a file that a scenario refers to (a replayed day, `replay = "day.csv"`) by
/// the name the scenario gives, or says why it cannot (the message is reported at
/// the name, like `cannot read day.csv: no such file`).
pub type Resolver<'a> = dyn Fn(&str) -> Result<FoundFile, String> + 'a;

/// A file that a scenario refers to, as a [`Resolver`] found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundFile {
    /// How messages refer to it: a path, `<built-in day.csv>`.
    pub display: String,
    /// Its contents.
    pub text: String,
}

/// A scenario's TOML text and what loading it needs besides: the name it has when
/// the text gives none, how messages refer to it, and the files it may refer to
/// (a replayed day). [`load_str`] is `Source::new(name, text).load()`.
///
/// ```
/// # #[cfg(feature = "replay")] {
/// use async_cafe::scenario::Source;
///
/// let toml = r#"
/// [recipes.tea]
/// steps = [{ name = "steep", kind = "unattended", duration = 3 }]
/// [menu]
/// tea = "tea"
/// [customers]
/// replay = "monday.csv"
/// "#;
/// let sc = Source::new("tea-room", toml).file("monday.csv", "arrival,item\n0,tea\n2,tea\n").load().unwrap();
/// assert_eq!((sc.name.as_str(), sc.customer_count()), ("tea-room", Some(2)));
/// // Without the file, the problem is located at the name, in `tea-room.toml`.
/// let err = Source::new("tea-room", toml).load().unwrap_err().render();
/// assert!(err.contains("cannot read monday.csv: no such file"), "{err}");
/// assert!(err.contains("tea-room.toml:7:10"), "{err}");
/// # }
/// ```
#[derive(Clone)]
pub struct Source<'a> {
    name: &'a str,
    display: Option<String>,
    text: &'a str,
    files: Vec<(&'a str, &'a str)>,
    resolver: Option<&'a Resolver<'a>>,
}

impl<'a> Source<'a> {
    /// The scenario `text`, named `name` unless it says `name = ...`, and referred to
    /// in messages as `NAME.toml`; it can refer to no file.
    pub fn new(name: &'a str, text: &'a str) -> Source<'a> {
        Source { name, display: None, text, files: Vec::new(), resolver: None }
    }

    /// Messages refer to the text as `display` (a path, `<built-in cafe>`) instead
    /// of `NAME.toml`.
    pub fn display(mut self, display: impl Into<String>) -> Source<'a> {
        self.display = Some(display.into());
        self
    }

    /// The scenario can refer to a file called `name`, whose contents are `text`
    /// (messages refer to it as `name`).
    pub fn file(mut self, name: &'a str, text: &'a str) -> Source<'a> {
        self.files.push((name, text));
        self
    }

    /// Files not given by [`Source::file`] are looked for by `resolver`.
    pub fn resolver(mut self, resolver: &'a Resolver<'a>) -> Source<'a> {
        self.resolver = Some(resolver);
        self
    }

    /// How messages refer to the text.
    pub fn shown_as(&self) -> String {
        self.display.clone().unwrap_or_else(|| format!("{}.toml", self.name))
    }

    /// Loads the scenario: every section checked, and every problem reported at once.
    pub fn load(&self) -> Result<Scenario, ScenarioError> {
        let resolve = |file: &str| match self.files.iter().find(|(name, _)| *name == file) {
            Some((name, text)) => Ok((name.to_string(), text.as_bytes().to_vec())),
            None => match self.resolver {
                Some(resolver) => resolver(file).map(|found| (found.display, found.text.into_bytes())),
                None => Err(format!("cannot read {file}: no such file")),
            },
        };
        load(self.name, &self.shown_as(), self.text, &resolve)
    }
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("display", &self.shown_as())
            .field("text", &self.text)
            .field("files", &self.files)
            .field("resolver", &self.resolver.map(|_| "Fn(&str)"))
            .finish()
    }
}

/// Like [`Resolver`], with the contents as read, to be checked for UTF-8.
type BytesResolver<'a> = dyn Fn(&str) -> Result<(String, Vec<u8>), String> + 'a;

/// Loads the scenario file at `path`. Files it refers to are found beside it.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    load_file_and_inputs(path).map(|(sc, _)| sc)
}

/// [`load_file`], and the files it read: `path`, then each file the scenario
/// refers to (a replayed day), as found beside it. A command that writes files
/// checks that none of them is one of these.
///
/// ```
/// # #[cfg(feature = "replay")] {
/// let dir = tempfile::tempdir().unwrap();
/// let (toml, csv) = (dir.path().join("day.toml"), dir.path().join("day.csv"));
/// std::fs::write(&csv, "arrival,item\n0,tea\n").unwrap();
/// let scenario = "[recipes.tea]\nsteps = [{ name = \"brew\", kind = \"unattended\", duration = 3 }]\n[menu]\ntea = \"tea\"\n[customers]\nreplay = \"day.csv\"\n";
/// std::fs::write(&toml, scenario).unwrap();
/// let (_, inputs) = async_cafe::scenario::load_file_and_inputs(&toml).unwrap();
/// assert_eq!(inputs, [toml, csv]);
/// # }
/// ```
pub fn load_file_and_inputs(path: &Path) -> Result<(Scenario, Vec<std::path::PathBuf>), ScenarioError> {
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
    let mut problems = diag::Problems::default();
    let text = match diag::utf8(bytes, 0, "the scenario", &mut problems) {
        Ok(text) => text,
        Err(text) => return Err(problems.into_error(vec![(display, text)])),
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let read = std::cell::RefCell::new(vec![path.to_path_buf()]);
    let resolve = |name: &str| {
        let p = dir.join(name);
        let bytes = read_limited(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let display = p.display().to_string();
        read.borrow_mut().push(p);
        Ok((display, bytes))
    };
    let sc = load(&stem, &display, &text, &resolve)?;
    Ok((sc, read.into_inner()))
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

/// What `cafe check` says of a scenario without problems, shown as `shown_as`:
/// `cafe.toml: ok (1 cook, 2 items on the menu, 10 customers)`.
///
/// ```
/// let sc = async_cafe::builtin::find("cafe").unwrap().load().unwrap();
/// assert_eq!(async_cafe::scenario::ok_line(&sc, "cafe"), "cafe: ok (1 cook, 4 items on the menu, 2 customers)");
/// ```
pub fn ok_line(sc: &Scenario, shown_as: &str) -> String {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let customers = match sc.customer_count() {
        Some(n) => format!("{n} customer{}", plural(n)),
        None => "customers until the door closes".to_string(),
    };
    format!(
        "{shown_as}: ok ({} cook{}, {} item{} on the menu, {customers})",
        sc.kitchen.cooks,
        plural(sc.kitchen.cooks.into()),
        sc.menu.items.len(),
        plural(sc.menu.items.len() as u64),
    )
}

/// Loads a scenario from its TOML `text`, named `name` unless it says otherwise,
/// with messages that refer to it as `NAME.toml`. It can refer to no file; for a
/// replayed day, or another name in messages, use a [`Source`].
///
/// ```
/// let err = async_cafe::scenario::load_str("mine", "[kitchen]\ncooks = 0\n").unwrap_err();
/// assert_eq!(err.problems.len(), 4); // no cook, no recipes, no menu, no customers
/// assert!(err.render().contains("a kitchen needs at least one cook"));
/// ```
pub fn load_str(name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    Source::new(name, text).load()
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
        _ => Err(cx.problems.into_error(files)),
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
/// Keys written in the wrong table, and where they belong (for the help line).
const TOP_MOVED: &[(&str, &str)] = &[
    ("cooks", "[kitchen]"),
    ("equipment", "[kitchen]"),
    ("cook_cost", "[kitchen]"),
    ("currency", "[kitchen]"),
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

struct Loader<'a, 'c, 's> {
    cx: &'c mut Cx<'s>,
    /// Finds the files a scenario refers to: only a replayed day does.
    #[cfg_attr(not(feature = "replay"), allow(dead_code))]
    resolve: &'a BytesResolver<'a>,
    /// The files read besides the scenario, for the error's rendering.
    #[cfg_attr(not(feature = "replay"), allow(dead_code))]
    extra_files: &'a mut Vec<(String, String)>,
}

impl Loader<'_, '_, '_> {
    fn scenario(&mut self, default_name: &str, root: &DeTable) -> Option<Scenario> {
        self.cx.check_keys_moved(root, TOP_KEYS, "a scenario", TOP_MOVED);
        let name = match get(root, "name") {
            Some(v) => (self.cx.str(v, "`name`", "name = \"my-cafe\""))
                .filter(|s| self.cx.clean_name(s, v.span(), "the scenario's `name`"))
                .map(str::to_string),
            None => Some(default_name.to_string()),
        };
        let summary = match get(root, "summary") {
            Some(v) => (self.cx.str(v, "`summary`", "summary = \"Two baristas at rush hour\""))
                .filter(|s| self.cx.clean_name(s, v.span(), "`summary`"))
                .map(str::to_string),
            None => Some(String::new()),
        };
        let unit = self.unit(get(root, "unit"));
        let speed = self.speed(get(root, "speed"));
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
                currency: Some(currency),
                policy: Some(policy),
                equipment,
                complete: true,
                declared: _,
            } => Some(Kitchen { cooks, equipment, cook_cost, currency, policy, plan: None }),
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

    /// `unit`: seconds when not given, or after a problem.
    fn unit(&mut self, v: Option<&Value>) -> TimeUnit {
        match v {
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
        }
    }

    /// `speed`: 1 when not given.
    fn speed(&mut self, v: Option<&Value>) -> Option<f64> {
        match v {
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
                } else if x.is_finite() && x > crate::clock::MAX_SPEED {
                    self.cx.error(
                        v.span(),
                        format!("`speed` must be at most 1,000,000, found {}", short(x)),
                        "too fast",
                        Some("a run that should take no time at all runs on the virtual clock (`cafe run --clock virtual`): write a smaller speed, like `speed = 60`".into()),
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
        }
    }
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
