//! `async_cafe._native`: the Python bindings of the Async Café library, built by
//! maturin into the `async-cafe` package (see docs/python.md).
//!
//! The bindings have no semantics of their own: `bridge` (with `wire`) holds every
//! call into the library, and this module only converts arguments and results
//! between Python and Rust, releases the GIL while the engine runs, and turns
//! Ctrl-C into the library's cancellation token.

mod args;
mod bridge;
mod interrupt;
mod table;
mod wire;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_cafe::clock::Cancel;
use async_cafe::view::columns::TableSet;
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};

use args::{
    count_arg, holding, job_arg, policies_arg, replications_arg, seed_arg, threads_arg, type_name, width_arg,
};
use bridge::{Fail, Sc};
use interrupt::{Echo, interruptible, stopped};
use table::{Col, Table};

create_exception!(
    async_cafe,
    ScenarioError,
    PyValueError,
    "A scenario with problems. `str(e)` is the located report `cafe check` prints; `e.problems` lists each problem (file, line, column, message, label, help), the first 1,000 in file order when there are more; `e.count` is how many there are."
);
create_exception!(
    async_cafe,
    Interrupted,
    PyKeyboardInterrupt,
    "Ctrl-C (KeyboardInterrupt) stopped a run, a comparison, replications or a sweep. `e.result` is what had run by then (a Run, a Replication or a Sweep), or None."
);
create_exception!(
    async_cafe,
    OverrunError,
    PyRuntimeError,
    "A run whose clock would pass the longest time a run can count (250,000 hours); the message names the order and the step."
);

/// One problem of a scenario, located.
#[pyclass(module = "async_cafe._native", frozen, get_all)]
struct Problem {
    /// The file's name as the report shows it.
    file: String,
    /// 1-based line, or None for a problem about the whole file.
    line: Option<usize>,
    /// 1-based column (in characters), or None.
    column: Option<usize>,
    /// What is wrong.
    message: String,
    /// The short text under the offending span.
    label: String,
    /// How to fix it, if known.
    help: Option<String>,
}

#[pymethods]
impl Problem {
    #[new]
    #[pyo3(signature = (file, line, column, message, label, help = None))]
    fn new(
        file: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
        label: String,
        help: Option<String>,
    ) -> Problem {
        Problem { file, line, column, message, label, help }
    }
    /// Pickles (a `ScenarioError` travels from a worker process with its problems).
    #[allow(clippy::type_complexity)]
    fn __getnewargs__(&self) -> (String, Option<usize>, Option<usize>, String, String, Option<String>) {
        (
            self.file.clone(),
            self.line,
            self.column,
            self.message.clone(),
            self.label.clone(),
            self.help.clone(),
        )
    }
    fn __repr__(&self) -> String {
        let place = match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            _ => self.file.clone(),
        };
        format!("<Problem {place}: {}>", self.message)
    }
}

/// Turns a library failure into the Python exception it is.
fn err(py: Python<'_>, fail: Fail) -> PyErr {
    match fail {
        Fail::Scenario { text, problems, count } => {
            let e = ScenarioError::new_err(text.trim_end().to_string());
            let list: Vec<Problem> = problems
                .into_iter()
                .map(|p| Problem {
                    file: p.file,
                    line: p.line,
                    column: p.column,
                    message: p.message,
                    label: p.label,
                    help: p.help,
                })
                .collect();
            let set = PyList::empty(py);
            for p in list {
                if let Ok(obj) = Bound::new(py, p) {
                    let _ = set.append(obj);
                }
            }
            let _ = e.value(py).setattr("problems", set);
            let _ = e.value(py).setattr("count", count);
            e
        }
        Fail::Value(m) => PyValueError::new_err(m),
        Fail::Overran(m) => OverrunError::new_err(m),
        Fail::Io(m) => pyo3::exceptions::PyOSError::new_err(m),
    }
}

/// The Python helpers module (`async_cafe._convert`).
fn helpers(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("async_cafe._convert")
}

/// Each of `messages` (the command's `warning: ...` lines) as a `RuntimeWarning`.
fn warn_all(py: Python<'_>, messages: impl IntoIterator<Item = String>) -> PyResult<()> {
    let warn = helpers(py)?;
    for m in messages {
        warn.call_method1("warn", (m,))?;
    }
    Ok(())
}

/// A JSON text as a `Record` (a dict whose keys read as attributes too).
fn record<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    helpers(py)?.call_method1("record", (json,))
}

/// A scenario: a kitchen, a menu and customers, loaded and checked.
///
/// Make one with `Scenario.builtin(name)`, `Scenario.load(path)` or
/// `Scenario.from_toml(text)`; change it with `with_cooks`, `with_equipment`,
/// `with_rate`, `with_policy` or `replace` (each returns a new scenario); run it
/// with `run`, `replicate`, `compare` or `async_cafe.sweep`.
#[pyclass(module = "async_cafe._native", name = "Scenario", frozen)]
struct PyScenario {
    sc: Sc,
}

impl PyScenario {
    fn edited(&self, py: Python<'_>, spec: String) -> PyResult<PyScenario> {
        self.sc.edit(&spec).map(|sc| PyScenario { sc }).map_err(|e| err(py, e))
    }
}

#[pymethods]
impl PyScenario {
    /// The built-in scenario called `name` (see `async_cafe.builtins()`).
    #[staticmethod]
    fn builtin(py: Python<'_>, name: &str) -> PyResult<PyScenario> {
        Sc::builtin(name).map(|sc| PyScenario { sc }).map_err(|e| err(py, e))
    }

    /// Loads the scenario file at `path` (files it refers to are read beside it).
    /// Raises `ScenarioError` with every problem, located.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyScenario> {
        py.detach(|| Sc::load(&path)).map(|sc| PyScenario { sc }).map_err(|e| err(py, e))
    }

    /// A scenario from TOML `text`. `name` is its name unless the text gives one;
    /// `path` is how messages refer to it (default `<string>`), and files it refers
    /// to are read beside `path` (default: the current directory).
    #[staticmethod]
    #[pyo3(signature = (text, name = "scenario", path = None))]
    fn from_toml(py: Python<'_>, text: &str, name: &str, path: Option<PathBuf>) -> PyResult<PyScenario> {
        let display = path.as_ref().map_or_else(|| "<string>".to_string(), |p| p.display().to_string());
        let dir = path.as_ref().and_then(|p| p.parent().map(PathBuf::from)).unwrap_or_default();
        Sc::from_toml(text, name, &display, &dir).map(|sc| PyScenario { sc }).map_err(|e| err(py, e))
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.sc.name()
    }
    /// One line saying what it shows.
    #[getter]
    fn summary(&self) -> &str {
        self.sc.summary()
    }
    /// The unit its times are written in: `ms`, `s`, `min` or `h`.
    #[getter]
    fn unit(&self) -> &'static str {
        self.sc.unit()
    }
    /// Seconds in one unit.
    #[getter]
    fn unit_seconds(&self) -> f64 {
        self.sc.unit_seconds()
    }
    /// Real-clock playback speed: seconds of scenario time per second.
    #[getter]
    fn speed(&self) -> f64 {
        self.sc.speed()
    }
    /// The seed of its random draws (a run's default).
    #[getter]
    fn seed(&self) -> u64 {
        self.sc.seed()
    }
    /// How many cooks the kitchen has.
    #[getter]
    fn cooks(&self) -> u16 {
        self.sc.cooks()
    }
    /// What one cook costs (for a sweep's cheapest kitchen).
    #[getter]
    fn cook_cost(&self) -> f64 {
        self.sc.cook_cost()
    }
    /// Equipment name → capacity, in the kitchen's order.
    #[getter]
    fn equipment<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, capacity, _) in self.sc.equipment() {
            d.set_item(name, capacity)?;
        }
        Ok(d)
    }
    /// Equipment name → cost of one unit.
    #[getter]
    fn equipment_cost<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, _, cost) in self.sc.equipment() {
            d.set_item(name, cost)?;
        }
        Ok(d)
    }
    /// The asynchronous kitchen's dispatch policy.
    #[getter]
    fn policy(&self) -> &'static str {
        self.sc.policy()
    }
    /// How many customers come, when that is known beforehand (else None).
    #[getter]
    fn customers(&self) -> Option<u64> {
        self.sc.customers()
    }
    /// The changes made to the scenario as loaded, as `NAME=VALUE`.
    #[getter]
    fn changes(&self) -> Vec<String> {
        self.sc.edits().to_vec()
    }

    /// The scenario as TOML: the text it was loaded from, with its changes written in.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.sc.to_toml().map_err(|e| err(py, e))
    }

    /// A copy with `cooks` cooks (a whole number: an int, or a float such as 2.0).
    fn with_cooks(&self, py: Python<'_>, cooks: &Bound<'_, PyAny>) -> PyResult<PyScenario> {
        self.edited(py, format!("cooks={}", count_arg(cooks, "cooks")?))
    }
    /// A copy with `capacity` units of the equipment called `name`.
    fn with_equipment(
        &self,
        py: Python<'_>,
        name: &str,
        capacity: &Bound<'_, PyAny>,
    ) -> PyResult<PyScenario> {
        self.edited(py, format!("equipment.{name}={}", count_arg(capacity, "capacity")?))
    }
    /// A copy whose Poisson arrivals come at `rate` customers per unit of time.
    fn with_rate(&self, py: Python<'_>, rate: f64) -> PyResult<PyScenario> {
        self.edited(py, format!("arrivals.rate={rate}"))
    }
    /// A copy whose asynchronous kitchen uses the dispatch `policy`.
    fn with_policy(&self, py: Python<'_>, policy: &str) -> PyResult<PyScenario> {
        self.edited(py, format!("policy={policy}"))
    }
    /// A copy with any of: `cooks`, `equipment` (a dict name → capacity), `rate`,
    /// `policy`.
    #[pyo3(signature = (*, cooks = None, equipment = None, rate = None, policy = None))]
    fn replace(
        &self,
        py: Python<'_>,
        cooks: Option<Bound<'_, PyAny>>,
        equipment: Option<Bound<'_, PyDict>>,
        rate: Option<f64>,
        policy: Option<String>,
    ) -> PyResult<PyScenario> {
        let mut specs = Vec::new();
        if let Some(c) = cooks {
            specs.push(format!("cooks={}", count_arg(&c, "cooks")?));
        }
        if let Some(eq) = equipment {
            for (name, c) in eq.iter() {
                let name: String = name.extract()?;
                let c = count_arg(&c, &format!("equipment[{name:?}]"))?;
                specs.push(format!("equipment.{name}={c}"));
            }
        }
        if let Some(r) = rate {
            specs.push(format!("arrivals.rate={r}"));
        }
        if let Some(p) = policy {
            specs.push(format!("policy={p}"));
        }
        let mut sc = self.sc.clone();
        for s in specs {
            sc = sc.edit(&s).map_err(|e| err(py, e))?;
        }
        Ok(PyScenario { sc })
    }

    /// Runs the scenario once and returns the `Run`.
    ///
    /// `mode`: "async" (the cook takes the next order while a machine works) or
    /// "sync". `seed`: the random draws' (default: the scenario's). `clock`:
    /// "virtual" (instant) or "real" (at `speed` seconds of scenario time per second,
    /// default the scenario's). `policy`: a dispatch policy instead of the
    /// scenario's. `warmup`: leave the first `warmup` (in the scenario's unit) out of
    /// the statistics. `record`: keep the tables as the run goes: True (all three),
    /// False, or the names of some ("orders", "steps", "events"); by default all
    /// three on the real clock and none on the virtual clock, whose tables are made
    /// again (the same run, into that table alone) when first asked for. `behind`:
    /// on the real clock, "warn" or "stop" when the engine cannot keep up. `echo`: also write each line of the narrative to
    /// `sys.stdout` as it happens (as `cafe run` prints it).
    ///
    /// The engine runs with the GIL released. Ctrl-C stops it cleanly and raises
    /// `Interrupted`, whose `.result` is the run so far: on the virtual clock, its
    /// statistics and the tables `record` kept (the rest cannot be made again).
    #[pyo3(signature = (mode = "async", seed = None, clock = "virtual", speed = None, policy = None, warmup = None, record = None, behind = "warn", echo = false))]
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        mode: &str,
        #[pyo3(from_py_with = seed_arg)] seed: Option<u64>,
        clock: &str,
        speed: Option<f64>,
        policy: Option<&str>,
        warmup: Option<f64>,
        record: Option<Bound<'_, PyAny>>,
        behind: &str,
        echo: bool,
    ) -> PyResult<Run> {
        let record = match record {
            None => None,
            Some(r) => Some(recorded_tables(&r)?),
        };
        let behind_stop = match behind {
            "warn" => false,
            "stop" => true,
            other => {
                return Err(PyValueError::new_err(format!("behind must be 'warn' or 'stop', not {other:?}")));
            }
        };
        let args = bridge::RunArgs { mode, seed, clock, speed, policy, warmup, behind_stop };
        let prepared = bridge::prepare_run(&self.sc, &args).map_err(|e| err(py, e))?;
        warn_all(py, bridge::warnings(&prepared))?;
        let cancel = Cancel::new();
        let pending = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut echo_to = Echo(std::sync::Arc::clone(&pending));
        let flush = |py: Python<'_>| {
            let text = {
                let mut bytes = pending.lock().unwrap_or_else(|e| e.into_inner());
                String::from_utf8_lossy(&std::mem::take(&mut *bytes)).into_owned()
            };
            if !text.is_empty() {
                if let Ok(out) = py.import("sys").and_then(|sys| sys.getattr("stdout")) {
                    let _ = out.call_method1("write", (text,));
                    let _ = out.call_method0("flush");
                }
            }
        };
        let (out, signal) = interruptible(py, &cancel, flush, || {
            let to: &mut dyn std::io::Write = &mut echo_to;
            bridge::run(&prepared, &cancel, record, echo.then_some(to))
        });
        flush(py);
        let out = out.map_err(|e| err(py, e))?;
        warn_all(py, out.lag_note())?;
        let run = Run { out, tables: Default::default(), made: std::sync::Mutex::default() };
        match signal {
            Some(_) => Err(stopped(py, signal, "the run was", Some(Py::new(py, run)?.into_any()))),
            None => Ok(run),
        }
    }

    /// The planner's best order of work for this scenario's day (docs/plan.md), as
    /// a dict: what `cafe plan --format json` prints. `objective`: "makespan" or
    /// "total-time"; `time_limit` in seconds; `seed` is required when customers are
    /// generated. Ctrl-C stops the search and raises `Interrupted`, whose `.result`
    /// is the best plan found by then.
    #[pyo3(signature = (objective = "makespan", time_limit = 5.0, seed = None))]
    fn plan(
        &self,
        py: Python<'_>,
        objective: &str,
        time_limit: f64,
        #[pyo3(from_py_with = seed_arg)] seed: Option<u64>,
    ) -> PyResult<Py<PyAny>> {
        let cancel = Cancel::new();
        let (out, signal) = interruptible(
            py,
            &cancel,
            |_| {},
            || bridge::plan_day(&self.sc, objective, time_limit, seed, &cancel),
        );
        let json = out.map_err(|e| err(py, e))?;
        let plan = py.import("json")?.call_method1("loads", (json,))?.unbind();
        match signal {
            None => Ok(plan),
            Some(_) => Err(stopped(py, signal, "the planning was", Some(plan))),
        }
    }

    /// Runs the synchronous and the asynchronous kitchen (or, with `policies`, the
    /// asynchronous kitchen under each dispatch policy) on the virtual clock with the
    /// same seed, and returns the `Comparison`. `policies`: a policy's name, a
    /// comma-separated list of them ("fifo,longest-chain") or a list of names. A
    /// kitchen compared that cannot keep up (an offered load of 100% or more) is a
    /// `RuntimeWarning`, in the words of `cafe compare`.
    #[pyo3(signature = (seed = None, policies = None, order_lanes = false))]
    fn compare(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = seed_arg)] seed: Option<u64>,
        #[pyo3(from_py_with = policies_arg)] policies: Option<Vec<String>>,
        order_lanes: bool,
    ) -> PyResult<Comparison> {
        let cancel = Cancel::new();
        let (out, signal) = interruptible(
            py,
            &cancel,
            |_| {},
            || bridge::compare(&self.sc, seed, policies.as_deref(), order_lanes, &cancel),
        );
        let out = out.map_err(|e| err(py, e))?;
        match (out, signal) {
            (Some(cmp), None) => {
                warn_all(py, cmp.warnings())?;
                Ok(Comparison { cmp })
            }
            (_, signal) => Err(stopped(py, signal, "the comparison was", None)),
        }
    }

    /// Runs `replications` independent replications on the virtual clock (seeds
    /// derived from `seed`, in parallel on `threads` threads, 0 = one per core; the
    /// numbers do not depend on it) and returns the `Replication`: every statistic
    /// as an estimate with `mean`, `half_width_95`, `low` and `high`. `progress`:
    /// True or False, show a tqdm bar or not (None: when tqdm is installed and on a
    /// terminal or in a notebook), as `sweep` does. Ctrl-C stops them at once (the
    /// runs in progress are dropped) and raises `Interrupted`, whose `.result` is
    /// the `Replication` of those finished (None if none had).
    #[pyo3(signature = (replications = 20, mode = "async", seed = None, warmup = None, policy = None, threads = 0, progress = None))]
    #[allow(clippy::too_many_arguments)]
    fn replicate(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = replications_arg)] replications: u32,
        mode: &str,
        #[pyo3(from_py_with = seed_arg)] seed: Option<u64>,
        warmup: Option<f64>,
        policy: Option<&str>,
        #[pyo3(from_py_with = threads_arg)] threads: usize,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Replication> {
        let r = replications;
        let prepared =
            bridge::prepare_replicate(&self.sc, mode, seed, r, warmup, policy).map_err(|e| err(py, e))?;
        let cancel = Cancel::new();
        let bar =
            py.import("async_cafe._sweep")?.call_method1("_progress_bar", (progress, r, "replicate"))?;
        let bar = (!bar.is_none()).then_some(bar);
        let done = AtomicUsize::new(0);
        let mut shown = 0;
        let mut failed: Option<PyErr> = None;
        let mut tick = |_: Python<'_>| {
            let d = done.load(Ordering::Relaxed);
            if let (Some(bar), true, None) = (&bar, d > shown, &failed) {
                if let Err(e) = bar.call_method1("update", (d - shown,)) {
                    failed = Some(e);
                }
                shown = d;
            }
        };
        let (out, signal) = interruptible(py, &cancel, &mut tick, || {
            bridge::replicate(&prepared, r, threads, &cancel, &|d, _| {
                done.fetch_max(d, Ordering::Relaxed);
            })
        });
        tick(py);
        if let Some(bar) = &bar {
            bar.call_method0("close")?;
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let out = out.map_err(|e| err(py, e))?;
        let rep = out.map(|rep| Replication { rep });
        match (rep, signal) {
            (Some(rep), None) => Ok(rep),
            (rep, signal) => {
                let result = rep.map(|r| Py::new(py, r)).transpose()?.map(Py::into_any);
                Err(stopped(py, signal, "the replications were", result))
            }
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let (origin, edits) = slf.get().sc.state();
        let state: Bound<'py, PyAny> = match origin {
            bridge::Origin::Builtin(name) => ("builtin", name, edits).into_pyobject(py)?.into_any(),
            bridge::Origin::Text { name, display, text, files } => {
                ("text", name, display, text, files, edits).into_pyobject(py)?.into_any()
            }
        };
        let module = py.import("async_cafe._native")?;
        let rebuild = module.getattr("_scenario_from_state")?;
        PyTuple::new(py, [rebuild, PyTuple::new(py, [state])?.into_any()])
    }

    fn __repr__(&self) -> String {
        let eq: Vec<String> = self.sc.equipment().iter().map(|(n, c, _)| format!("{n}={c}")).collect();
        let changes = if self.sc.edits().is_empty() {
            String::new()
        } else {
            format!(", changed: {}", self.sc.edits().join(" "))
        };
        format!(
            "<Scenario {:?}: {} cook{}{}{}>",
            self.sc.name(),
            self.sc.cooks(),
            if self.sc.cooks() == 1 { "" } else { "s" },
            if eq.is_empty() { String::new() } else { format!(", {}", eq.join(", ")) },
            changes
        )
    }
}

/// Rebuilds a scenario from its pickled state.
#[pyfunction]
fn _scenario_from_state(py: Python<'_>, state: &Bound<'_, PyTuple>) -> PyResult<PyScenario> {
    let kind: String = state.get_item(0)?.extract()?;
    let (origin, edits) = match kind.as_str() {
        "builtin" => {
            let (_, name, edits): (String, String, Vec<String>) = state.extract()?;
            (bridge::Origin::Builtin(name), edits)
        }
        "text" => {
            #[allow(clippy::type_complexity)]
            let (_, name, display, text, files, edits): (
                String,
                String,
                String,
                String,
                Vec<(String, String, String)>,
                Vec<String>,
            ) = state.extract()?;
            (bridge::Origin::Text { name, display, text, files }, edits)
        }
        other => return Err(PyValueError::new_err(format!("not a scenario's state: {other}"))),
    };
    Sc::from_state(origin, edits).map(|sc| PyScenario { sc }).map_err(|e| err(py, e))
}

/// `(name, summary)` of every built-in scenario.
#[pyfunction]
fn builtins() -> Vec<(String, String)> {
    bridge::builtins()
}

/// `record=`: True (every table), False (none) or a list of table names.
fn recorded_tables(r: &Bound<'_, PyAny>) -> PyResult<TableSet> {
    if let Ok(all) = r.cast::<pyo3::types::PyBool>() {
        let all = all.is_true();
        return Ok(TableSet { orders: all, steps: all, events: all });
    }
    let wrong = |what: String| {
        PyTypeError::new_err(format!("record must be True, False or a list of table names, not {what}"))
    };
    if r.is_instance_of::<pyo3::types::PyString>() {
        return Err(wrong("a string".into()));
    }
    let mut set = TableSet::default();
    for name in r.try_iter().map_err(|_| wrong(type_name(r)))? {
        let name = name?;
        let name: String = name.extract().map_err(|_| wrong(holding(&name)))?;
        match name.as_str() {
            "orders" => set.orders = true,
            "steps" => set.steps = true,
            "events" => set.events = true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "record names the tables to keep (\"orders\", \"steps\", \"events\"), not {other:?}"
                )));
            }
        }
    }
    Ok(set)
}

/// One run of a scenario: its narrative, statistics, tables, timeline and report.
#[pyclass(module = "async_cafe._native", frozen)]
struct Run {
    out: bridge::RunOut,
    tables: [OnceLock<Py<Table>>; 3],
    /// The tables' record batches, made while this is held.
    made: std::sync::Mutex<[Option<arrow_array::RecordBatch>; 3]>,
}

impl Run {
    /// Table `i` (orders, steps, events), made from the library's columns the first
    /// time it is asked for.
    fn table(&self, py: Python<'_>, i: usize) -> PyResult<Py<Table>> {
        if let Some(t) = self.tables[i].get() {
            return Ok(t.clone_ref(py));
        }
        let (out, made) = (&self.out, &self.made);
        let batch = py.detach(|| -> Result<_, Fail> {
            // One maker at a time: a table kept as the run went is handed out once.
            let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(batch) = &made[i] {
                return Ok(batch.clone());
            }
            let batch = table::from_columns(out.take_columns(i)?).map_err(Fail::Io)?;
            made[i] = Some(batch.clone());
            Ok(batch)
        });
        let batch = batch.map_err(|e| err(py, e))?;
        let name = ["orders", "steps", "events"][i];
        let made = Py::new(py, Table::new(name, batch))?;
        let _ = self.tables[i].set(made);
        Ok(self.tables[i].get().expect("set").clone_ref(py))
    }
}

#[pymethods]
impl Run {
    /// The narrative: a list of `(time, line)`, the time in seconds of scenario time.
    #[getter]
    fn narrative(&self, py: Python<'_>) -> PyResult<Vec<(f64, String)>> {
        py.detach(|| self.out.narrative()).map_err(|e| err(py, e))
    }
    /// The narrative's text, one line each, as `cafe run` prints it.
    #[getter]
    fn text(&self, py: Python<'_>) -> PyResult<String> {
        let lines = self.narrative(py)?;
        Ok(lines.into_iter().map(|(_, l)| l + "\n").collect())
    }
    /// The scenario time of the run's last event, in seconds (of a run stopped
    /// early, the last event that happened: `stats.total_s`).
    #[getter]
    fn makespan(&self) -> f64 {
        self.out.makespan_s()
    }
    /// Orders served in the whole run, warm-up included (`stats.served` counts
    /// those of the measured window).
    #[getter]
    fn served(&self) -> u64 {
        self.out.served()
    }
    /// Whether the run went to its end.
    #[getter]
    fn finished(&self) -> bool {
        self.out.finished()
    }
    /// Why it stopped early ("interrupted", "fell behind"), or None.
    #[getter]
    fn stopped(&self) -> Option<&'static str> {
        self.out.stopped()
    }
    /// "async" or "sync".
    #[getter]
    fn mode(&self) -> &'static str {
        self.out.mode()
    }
    /// "virtual" or "real".
    #[getter]
    fn clock(&self) -> &'static str {
        self.out.clock()
    }
    /// The seed it ran with.
    #[getter]
    fn seed(&self) -> u64 {
        self.out.seed()
    }
    /// The scenario's name.
    #[getter]
    fn scenario(&self) -> &str {
        self.out.scenario()
    }
    /// The statistics, as the JSON report's `stats` (times in seconds): a dict whose
    /// keys also read as attributes (`run.stats.wait.p95_s`).
    #[getter]
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, &self.out.stats_json())
    }
    /// The statistics as text, exactly as `cafe run --stats` prints them (times in
    /// the scenario's unit).
    fn stats_text(&self) -> String {
        self.out.stats_text()
    }
    /// One row per order (docs/exports.md, orders.csv), as an Arrow table.
    #[getter]
    fn orders(&self, py: Python<'_>) -> PyResult<Py<Table>> {
        self.table(py, 0)
    }
    /// One row per step (docs/exports.md, steps.csv), as an Arrow table.
    #[getter]
    fn steps(&self, py: Python<'_>) -> PyResult<Py<Table>> {
        self.table(py, 1)
    }
    /// One row per engine event (docs/exports.md, events.csv), as an Arrow table.
    #[getter]
    fn events(&self, py: Python<'_>) -> PyResult<Py<Table>> {
        self.table(py, 2)
    }
    /// The text timeline (`cafe run --timeline`), `width` columns; `color` adds
    /// ANSI colours; `order_lanes` adds a lane per order.
    #[pyo3(signature = (width = 100, color = false, order_lanes = false))]
    fn timeline(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = width_arg)] width: usize,
        color: bool,
        order_lanes: bool,
    ) -> PyResult<String> {
        py.detach(|| self.out.timeline(width, color, order_lanes)).map_err(|e| err(py, e))
    }
    /// The self-contained HTML report of the run (`cafe run --report`).
    fn report_html(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.out.report_html()).map_err(|e| err(py, e))
    }
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        helpers(py)?.call_method1("run_html", (slf,))?.extract()
    }
    fn __repr__(&self) -> String {
        let (unit, secs) = self.out.unit();
        format!(
            "<Run {:?} {} on the {} clock, seed {}: {} served in {:.2} {unit}{}>",
            self.out.scenario(),
            self.out.mode(),
            self.out.clock(),
            self.out.seed(),
            self.out.served(),
            self.out.makespan_s() / secs,
            match self.out.stopped() {
                Some(why) => format!(" ({why})"),
                None => String::new(),
            }
        )
    }
}

/// Kitchens side by side: both modes, or several dispatch policies.
#[pyclass(module = "async_cafe._native", frozen)]
struct Comparison {
    cmp: bridge::CmpOut,
}

#[pymethods]
impl Comparison {
    /// How many times faster the last kitchen is than the first (the asynchronous
    /// against the synchronous one).
    #[getter]
    fn speedup(&self) -> f64 {
        self.cmp.speedup()
    }
    /// Each kitchen: a record with `label`, `mode`, `policy`, `makespan` (s) and
    /// `stats`.
    #[getter]
    fn sides<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let h = helpers(py)?;
        self.cmp
            .sides()
            .into_iter()
            .map(|s| h.call_method1("side", (s.label, s.mode, s.policy, s.makespan_s, s.stats_json)))
            .collect()
    }
    /// The totals and statistics side by side, as `cafe compare` prints them.
    fn table(&self) -> String {
        self.cmp.table()
    }
    /// The timelines, one above the other on one scale.
    #[pyo3(signature = (width = 100, color = false))]
    fn timeline(&self, #[pyo3(from_py_with = width_arg)] width: usize, color: bool) -> String {
        self.cmp.timeline(width, color)
    }
    /// The HTML report of every kitchen.
    fn report_html(&self, py: Python<'_>) -> String {
        py.detach(|| self.cmp.report_html())
    }
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        helpers(slf.py())?.call_method1("comparison_html", (slf,))?.extract()
    }
    fn __str__(&self) -> String {
        self.cmp.table()
    }
    fn __repr__(&self) -> String {
        format!("<Comparison: speedup {:.2}>", self.cmp.speedup())
    }
}

/// Independent replications and what they estimate: every statistic of a run as an
/// estimate (`mean`, `sd`, `half_width_95`, `low`, `high`, `n`), read as attributes
/// (`rep.wait.mean_s.mean`) or with `rep.estimates`.
#[pyclass(module = "async_cafe._native", frozen)]
struct Replication {
    rep: bridge::RepOut,
}

#[pymethods]
impl Replication {
    /// Everything `cafe run --replications R --format json` prints, as a record.
    #[getter]
    fn estimates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, &self.rep.json())
    }
    /// How many replications finished.
    #[getter]
    fn replications(&self) -> u32 {
        self.rep.replications()
    }
    /// Each replication's statistics, in replication order.
    #[getter]
    fn runs<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.rep.runs_json().iter().map(|j| record(py, j)).collect()
    }
    /// The table `cafe run --replications` prints.
    fn render(&self) -> String {
        self.rep.render()
    }
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let all = self.estimates(py)?;
        all.get_item(name)
            .map_err(|_| pyo3::exceptions::PyAttributeError::new_err(format!("Replication has no {name:?}")))
    }
    fn __str__(&self) -> String {
        self.rep.render()
    }
    fn __repr__(&self) -> String {
        format!("<Replication: {} of {} replications>", self.rep.replications(), self.rep.asked)
    }
    fn _repr_html_(&self) -> String {
        format!("<pre>{}</pre>", html_escape(&self.rep.render()))
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A sweep's result: every configuration's estimates, and the cheapest
/// configuration meeting the target.
#[pyclass(module = "async_cafe._native", frozen)]
struct Sweep {
    out: bridge::SweepOut,
    table: OnceLock<Py<Table>>,
}

#[pymethods]
impl Sweep {
    /// One row per configuration (the columns of `cafe sweep --csv`, docs/sweep.md),
    /// as an Arrow table.
    #[getter]
    fn table(&self, py: Python<'_>) -> PyResult<Py<Table>> {
        if let Some(t) = self.table.get() {
            return Ok(t.clone_ref(py));
        }
        let csv = self.out.csv().map_err(|e| err(py, e))?;
        let varied = self.out.vary_columns();
        let batch = table::read_csv(csv.as_bytes(), &|i, name, _| {
            if let Some((_, kind)) = varied.get(i) {
                return match kind {
                    bridge::VaryKind::Whole => Col::Whole,
                    bridge::VaryKind::Real => Col::Real,
                    bridge::VaryKind::Name => Col::Text,
                };
            }
            match name {
                "status" => Col::Text,
                // With several targets, one `meets: TARGET` column each.
                "meets_target" => Col::Flag,
                _ if name.starts_with("meets: ") => Col::Flag,
                "replications" => Col::Whole,
                _ => Col::Real,
            }
        })
        .map_err(PyRuntimeError::new_err)?;
        let _ = self.table.set(Py::new(py, Table::new("sweep", batch))?);
        Ok(self.table.get().expect("set").clone_ref(py))
    }
    /// The table and the answer, as `cafe sweep` prints them.
    #[getter]
    fn text(&self) -> String {
        self.out.text()
    }
    /// The document `cafe sweep --format json` prints, as a record.
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, &self.out.json())
    }
    /// The answers to the target, one per arrival rate when the rate varies (else
    /// one): records with `rate`, `best`, `closest` and `passed_over` (each a record
    /// of the varied values and `cost`, or None): `passed_over` is a cheaper
    /// configuration that meets the target but cannot keep up (`!`), never an answer.
    #[getter]
    fn answers<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let h = helpers(py)?;
        self.out
            .answers()
            .into_iter()
            .map(|a| h.call_method1("answer", (a.rate, a.best, a.closest, a.passed_over)))
            .collect()
    }
    /// The cheapest configuration meeting the target (of the first answer): a record
    /// of the varied values and `cost`, or None.
    #[getter]
    fn best<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.answers(py)?.into_iter().next() {
            Some(a) => {
                let best = a.getattr("best")?;
                Ok((!best.is_none()).then_some(best))
            }
            None => Ok(None),
        }
    }
    /// Whether Ctrl-C stopped it before every run was done.
    #[getter]
    fn interrupted(&self) -> bool {
        self.out.interrupted()
    }
    /// How many configurations, and how many were run to the end.
    #[getter]
    fn configurations(&self) -> (usize, usize) {
        self.out.configurations()
    }
    /// Replications per configuration.
    #[getter]
    fn replications(&self) -> u32 {
        self.out.replications()
    }
    /// Wall time it took, in seconds.
    #[getter]
    fn elapsed(&self) -> f64 {
        self.out.elapsed_s()
    }
    /// The self-contained HTML page (`cafe sweep --report`).
    fn report_html(&self) -> String {
        self.out.html()
    }
    /// The table as a `pandas.DataFrame`.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        helpers(py)?.call_method1("to_pandas", (self.table(py)?,))
    }
    /// The table as a `polars.DataFrame`.
    fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        helpers(py)?.call_method1("to_polars", (self.table(py)?,))
    }
    fn __str__(&self) -> String {
        self.out.text()
    }
    fn __repr__(&self) -> String {
        let (n, done) = self.out.configurations();
        format!(
            "<Sweep {:?}: {n} configurations × {} replications{}>",
            self.out.scenario(),
            self.out.replications(),
            if done < n { format!(", {done} run") } else { String::new() }
        )
    }
    fn _repr_html_(&self) -> String {
        format!("<pre>{}</pre>", html_escape(&self.out.text()))
    }
}

/// A sweep checked and ready: run it here (`run`), or job by job anywhere
/// (`job(k)`, then `gather`). `async_cafe.sweep` uses it.
#[pyclass(module = "async_cafe._native", frozen)]
struct SweepPlan {
    plan: bridge::Plan,
    started: std::time::Instant,
}

#[pymethods]
impl SweepPlan {
    /// Checks a sweep of `scenario` as `cafe sweep` does (same words).
    #[new]
    #[pyo3(signature = (scenario, vary, replications, target = None, mode = "async", seed = None, warmup = None, threads = 0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        scenario: &PyScenario,
        vary: Vec<String>,
        #[pyo3(from_py_with = replications_arg)] replications: u32,
        target: Option<&Bound<'_, PyAny>>,
        mode: &str,
        #[pyo3(from_py_with = seed_arg)] seed: Option<u64>,
        warmup: Option<f64>,
        #[pyo3(from_py_with = threads_arg)] threads: usize,
    ) -> PyResult<SweepPlan> {
        // One target as a string, or several (all required) as a list of strings.
        let targets: Vec<String> = match target.filter(|t| !t.is_none()) {
            None => Vec::new(),
            Some(t) => match t.extract::<String>() {
                Ok(one) => vec![one],
                Err(_) => t.extract::<Vec<String>>().map_err(|_| {
                    let what = match t.try_iter() {
                        Ok(items) => items
                            .filter_map(Result::ok)
                            .find(|i| !i.is_instance_of::<pyo3::types::PyString>())
                            .map_or_else(|| type_name(t), |i| holding(&i)),
                        Err(_) => type_name(t),
                    };
                    PyTypeError::new_err(format!(
                        "target must be a string or a list of strings (all required), not {what}"
                    ))
                })?,
            },
        };
        let mode = mode.to_string();
        let args = bridge::SweepArgs { vary, replications, targets, mode, seed, warmup, threads };
        let plan = bridge::plan(&scenario.sc, &args).map_err(|e| err(py, e))?;
        Ok(SweepPlan { plan, started: bridge::now() })
    }

    /// How many runs: configurations × replications.
    #[getter]
    fn jobs(&self) -> usize {
        self.plan.jobs()
    }

    /// Runs every job here on the plan's threads; `progress(done, total)` is called
    /// (holding the GIL) as runs finish. Ctrl-C lets the runs in progress finish,
    /// keeps the configurations done and raises `Interrupted` with the partial
    /// `Sweep` as `.result`.
    #[pyo3(signature = (progress = None))]
    fn run(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<Sweep> {
        let cancel = Cancel::new();
        let done = AtomicUsize::new(0);
        let total = self.plan.jobs();
        let mut shown = usize::MAX;
        let mut failed: Option<PyErr> = None;
        let mut tick = |py: Python<'_>| {
            let d = done.load(Ordering::Relaxed);
            if let (Some(p), true, None) = (&progress, d != shown, &failed) {
                shown = d;
                if let Err(e) = p.call1(py, (d, total)) {
                    failed = Some(e);
                }
            }
        };
        let (out, signal) = interruptible(py, &cancel, &mut tick, || {
            self.plan.run(&cancel, &|d, _| {
                done.fetch_max(d, Ordering::Relaxed);
            })
        });
        tick(py);
        if let Some(e) = failed {
            return Err(e);
        }
        let sweep = Sweep { out: out.map_err(|e| err(py, e))?, table: OnceLock::new() };
        match signal {
            Some(_) => Err(stopped(py, signal, "the sweep was", Some(Py::new(py, sweep)?.into_any()))),
            None => Ok(sweep),
        }
    }

    /// Runs job `k` here and returns its result as bytes (for `gather`), marked
    /// with the plan's fingerprint and `k`.
    fn job<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = job_arg)] k: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py.detach(|| self.plan.job(k)).map_err(|e| err(py, e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The sweep made of `results` (one per job, in job order; None: not run). A
    /// result of another plan (another scenario, grid, mode, seed, number of
    /// replications or warm-up), or of another job than its place in `results`,
    /// is a `ValueError` saying which.
    fn gather(&self, py: Python<'_>, results: Vec<Option<Vec<u8>>>) -> PyResult<Sweep> {
        let elapsed = self.started.elapsed();
        let out = py.detach(|| self.plan.gather(results, elapsed)).map_err(|e| err(py, e))?;
        Ok(Sweep { out, table: OnceLock::new() })
    }
}

/// The native half of `async_cafe`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyScenario>()?;
    m.add_class::<Run>()?;
    m.add_class::<Comparison>()?;
    m.add_class::<Replication>()?;
    m.add_class::<Sweep>()?;
    m.add_class::<SweepPlan>()?;
    m.add_class::<Table>()?;
    m.add_class::<Problem>()?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(_scenario_from_state, m)?)?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("Interrupted", py.get_type::<Interrupted>())?;
    m.add("OverrunError", py.get_type::<OverrunError>())?;
    Ok(())
}
