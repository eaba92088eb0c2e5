//! A scenario as a request carries it (its TOML and a name), the options of a run,
//! and the limits a scenario must keep to run in the studio.

use async_cafe::clock::Cancel;
use async_cafe::event::{Event, EventKind, Sink};
use async_cafe::model::{Customers, Mode, Policy, Scenario};
use async_cafe::scenario::{ScenarioError, Source};
use async_cafe::sweep;
use async_cafe::time::Ticks;
use async_cafe::{builtin, ops};
use serde::{Deserialize, Serialize};

use crate::config::Limits;
use crate::error::ApiError;

/// The name a scenario's messages give it when the request names none
/// (`scenario.toml`).
const DEFAULT_NAME: &str = "scenario";

/// A scenario's TOML, as typed, and the name its messages give it (`NAME.toml`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ScenarioText {
    /// The TOML text.
    pub toml: String,
    /// The name of the scenario, for messages; the built-in's name when the text
    /// started from one (its files, a replayed day, are then found).
    #[serde(default)]
    pub name: Option<String>,
}

impl ScenarioText {
    /// The name messages give the scenario.
    pub fn name(&self) -> &str {
        self.name.as_deref().filter(|n| !n.is_empty()).unwrap_or(DEFAULT_NAME)
    }

    /// Loads the scenario: with the files of the built-in of the same name, if there
    /// is one, so that an edited copy of `coffee-shop-replay` still finds its day.
    /// The studio reads no other file: a file it cannot find is a problem whose help
    /// says so.
    pub fn load(&self) -> Result<Scenario, ScenarioError> {
        let name = self.name();
        let mut source = Source::new(name, &self.toml);
        if let Some(b) = builtin::find(name) {
            for (file, text) in b.files() {
                source = source.file(file, text);
            }
        }
        source.load().map_err(|mut e| {
            for p in e.problems.iter_mut().filter(|p| p.label == "cannot read") {
                p.help = Some(no_files_help());
            }
            e
        })
    }

    /// Loads the scenario, its problems as a 422.
    pub fn scenario(&self) -> Result<Scenario, ApiError> {
        self.load().map_err(|e| ApiError::scenario(&e))
    }
}

/// How to run a scenario: the kitchen, the seed and the dispatch policy, each
/// optional (the asynchronous kitchen, the scenario's seed and policy).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RunOptions {
    /// `async` or `sync` (runs only; a comparison runs both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The seed of every random draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `fifo`, `unattended-first` or `longest-chain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

impl RunOptions {
    /// The kitchen asked for.
    pub fn mode(&self) -> Result<Mode, ApiError> {
        mode(self.mode.as_deref())
    }

    /// Applies the policy asked for to `sc`.
    pub fn apply_policy(&self, sc: &mut Scenario) -> Result<(), ApiError> {
        if let Some(name) = &self.policy {
            sc.kitchen.policy = Policy::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
                let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
                ApiError::bad_request(format!("unknown policy `{name}`: one of {}", names.join(", ")))
            })?;
        }
        Ok(())
    }

    /// The seed asked for, or the scenario's.
    pub fn seed(&self, sc: &Scenario) -> u64 {
        self.seed.unwrap_or(sc.seed)
    }
}

/// `async`, `sync`, or the asynchronous kitchen when not given.
pub fn mode(name: Option<&str>) -> Result<Mode, ApiError> {
    match name {
        None | Some("async") => Ok(Mode::Async),
        Some("sync") => Ok(Mode::Sync),
        Some(other) => Err(ApiError::bad_request(format!("unknown mode `{other}`: async or sync"))),
    }
}

/// The help of a file the studio cannot find: it reads no file, and finds only the
/// built-ins' own, for a scenario named as that built-in.
fn no_files_help() -> String {
    let own: Vec<String> = builtin::BUILTINS
        .iter()
        .flat_map(|b| b.files().iter().map(move |(file, _)| format!("{file} for `{}`", b.name)))
        .collect();
    format!(
        "the studio reads no file: it can use only the built-ins' own ({}), for a scenario of that name; run this one with `cafe run`, which reads the path relative to the scenario file",
        own.join(", ")
    )
}

/// Refuses a scenario that lets in more customers, or makes more steps, than one
/// run in the studio may (expected, for customers generated at random).
pub fn within_limits(sc: &Scenario, limits: &Limits) -> Result<(), ApiError> {
    if let Some(n) = sweep::expected_customers(sc).filter(|&n| n > limits.customers) {
        return Err(ApiError::unprocessable(format!(
            "{} lets in about {n:.0} customers; the studio runs at most {:.0} in one run (its report holds every event): run it with `cafe run` instead",
            sc.name, limits.customers
        )));
    }
    if let Some(n) = expected_steps(sc).filter(|&n| n > limits.steps) {
        return Err(ApiError::unprocessable(format!(
            "{} makes about {n:.0} steps (its customers × the steps of what they order); the studio runs at most {:.0} in one run (its report holds every event of every step): run it with `cafe run` instead",
            sc.name, limits.steps
        )));
    }
    Ok(())
}

/// The steps a run is expected to make: every customer's order's steps (customers
/// generated at random: the customers expected × the steps of an order, averaged
/// over the mix); `None` when the customers expected cannot be worked out.
pub fn expected_steps(sc: &Scenario) -> Option<f64> {
    let steps = |item| sc.recipe_of(item).steps.len() as f64;
    match &sc.customers {
        Customers::List(list) => Some(list.iter().map(|c| steps(c.item)).sum()),
        Customers::Generate(g) => {
            let weight: f64 = g.mix.iter().map(|(_, w)| w).sum();
            let per_order = g.mix.iter().map(|&(item, w)| steps(item) * w).sum::<f64>() / weight;
            Some(sweep::expected_customers(sc)? * per_order)
        }
    }
}

/// Counts a run's steps as it goes, and stops it once it has made more than `most`:
/// each step counted as it starts, or as it leaves the queue for equipment
/// unstarted (its customer left). A step's events are at most three (waiting,
/// started, finished or cancelled), so this bounds the events of the run's report.
pub struct StepCount {
    most: u64,
    steps: u64,
    cancel: Cancel,
    /// When the run made one step more than `most`.
    pub over: Option<Ticks>,
}

impl StepCount {
    /// At most `most` steps; past them, `cancel` is cancelled (the run stops at its
    /// next step).
    pub fn new(most: u64, cancel: Cancel) -> StepCount {
        StepCount { most, steps: 0, cancel, over: None }
    }

    /// Counts `event`.
    pub fn count(&mut self, event: &Event<'_>) {
        if let EventKind::StepStarted { .. } | EventKind::StepCancelled { started: false, .. } = event.kind {
            self.steps += 1;
            if self.steps > self.most && self.over.is_none() {
                self.over = Some(event.t);
                self.cancel.cancel();
            }
        }
    }

    /// An error saying why the run was stopped, if it was stopped past its steps.
    pub fn error(&self, sc: &Scenario) -> Option<ApiError> {
        self.over.map(|at| {
            ApiError::unprocessable(format!(
                "{} was stopped at {:.2} {} of its day: it made more than {} steps, the most the studio runs in one run (its report holds every event of every step): run it with `cafe run` instead",
                sc.name,
                sc.unit.from_ticks(at),
                sc.unit.name(),
                self.most
            ))
        })
    }
}

impl Sink for StepCount {
    fn event(&mut self, event: &Event<'_>) {
        self.count(event);
    }
}

/// The most steps one run may make, counted as it goes ([`StepCount`]).
pub fn most_steps(limits: &Limits) -> u64 {
    limits.steps.max(0.0) as u64
}

/// The most customers one run may let in, counted as it goes
/// ([`async_cafe::ops::Want::max_customers`]): the estimate [`within_limits`]
/// checks is an expectation, and a heavy-tailed interarrival time or group size can
/// let in far more than its mean suggests.
pub fn most_customers(limits: &Limits) -> u64 {
    limits.customers.max(0.0) as u64
}

/// A run's error as the API sends it: one stopped by its bound on customers or
/// past the latest time a run can count is the scenario's (422), in words that say
/// why; anything else is the studio's (500).
pub fn run_error(sc: &Scenario, e: std::io::Error) -> ApiError {
    if let Some(too_many) = e.get_ref().and_then(|e| e.downcast_ref::<ops::TooManyCustomers>()) {
        return ApiError::unprocessable(too_many_customers(sc, too_many));
    }
    match e.kind() {
        std::io::ErrorKind::InvalidData => ApiError::unprocessable(e.to_string()),
        _ => ApiError::internal(e),
    }
}

/// Why a run was stopped by its bound on customers, in the words of the other limits.
pub fn too_many_customers(sc: &Scenario, e: &ops::TooManyCustomers) -> String {
    format!(
        "{} was stopped at {:.2} {} of its day: it let in more than {} customers, the most the studio runs in one run (its report holds every event): run it with `cafe run` instead",
        sc.name,
        sc.unit.from_ticks(e.at),
        sc.unit.name(),
        e.most
    )
}
