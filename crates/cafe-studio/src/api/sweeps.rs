//! `POST /api/sweeps` starts a sweep in the background (the grid of `cafe sweep`,
//! with its table, answers, CSV and HTML page); `GET /api/sweeps/{id}` is its
//! progress, `GET /api/sweeps/{id}/events` streams it (server-sent events: a
//! `progress` event whenever it has changed since the last one sent, coalesced,
//! then `end`), and `DELETE /api/sweeps/{id}` cancels it (the configurations
//! finished are kept). Each run of a sweep is bounded by the customers it may let
//! in ([`crate::Limits::sweep_run_customers`]), counted as it runs.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_cafe::model::{Mode, Scenario};
use async_cafe::ops::{self, Batch, Progress};
use async_cafe::sweep::{self, Target, Vary};
use axum::Json;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::record::{Asked, Finished, begin, end};
use crate::body::Body;
use crate::error::ApiError;
use crate::history::{Entry, Kind, Status};
use crate::jobs::{Job, SweepProgress};
use crate::scenario::{ScenarioText, mode};
use crate::server::State;
use crate::work::Stop;

/// A sweep's request: what `cafe sweep` takes, as JSON.
#[derive(Deserialize)]
pub struct SweepRequest {
    #[serde(flatten)]
    text: ScenarioText,
    /// What to vary: `cooks=1..4`, `equipment.oven=1,2` (as `--vary`); none: the
    /// scenario as it is.
    #[serde(default)]
    vary: Vec<String>,
    /// Replications of each configuration (10 unless given).
    #[serde(default = "ten")]
    replications: u32,
    /// Targets, every one to be met (as `--target`): `wait.p95 <= 2`; none: the
    /// table and no answer.
    #[serde(default)]
    target: Vec<String>,
    /// `async` or `sync`.
    #[serde(default)]
    mode: Option<String>,
    /// The base seed.
    #[serde(default)]
    seed: Option<u64>,
}

fn ten() -> u32 {
    10
}

/// A sweep checked and ready to run.
struct Plan {
    sc: Scenario,
    varies: Vec<Vary>,
    targets: Vec<(String, Target)>,
    runs: usize,
}

fn plan(state: &State, req: &SweepRequest) -> Result<Plan, ApiError> {
    let sc = req.text.scenario()?;
    let bad = |e: String| ApiError::unprocessable(e);
    let request = sweep::Request { vary: &req.vary, targets: &req.target, replications: req.replications };
    let sweep::Checked { varies, targets } =
        request.check(&sc).map_err(|refused| bad(refused.to_string()))?;
    let limits = &state.0.limits;
    let configurations: usize = varies.iter().map(|v| v.values.len()).product();
    if configurations > limits.sweep_configurations {
        return Err(bad(format!(
            "{configurations} configurations: the studio sweeps at most {}; run it with `cafe sweep` instead",
            limits.sweep_configurations
        )));
    }
    let runs = configurations * req.replications as usize;
    if runs as u64 > limits.sweep_runs {
        return Err(bad(format!(
            "{runs} runs ({configurations} configurations × {} replications): the studio runs at most {} in one sweep; run it with `cafe sweep` instead",
            req.replications, limits.sweep_runs
        )));
    }
    let one_run = sweep::grid(&varies)
        .iter()
        .filter_map(|values| sweep::expected_customers(&sweep::apply(&sc, &varies, values)))
        .fold(0.0, f64::max);
    if one_run > limits.sweep_run_customers {
        return Err(bad(format!(
            "a run of this sweep lets in about {one_run:.0} customers: the studio's sweeps run at most {:.0}; run it with `cafe sweep` instead",
            limits.sweep_run_customers
        )));
    }
    Ok(Plan { sc, varies, targets, runs })
}

pub async fn start(
    Shared(state): Shared<State>,
    Body(req): Body<SweepRequest>,
) -> Result<(StatusCode, Json<SweepProgress>), ApiError> {
    let plan = plan(&state, &req)?;
    let mode = mode(req.mode.as_deref())?;
    let seed = req.seed.unwrap_or(plan.sc.seed);
    let options = json!({
        "vary": req.vary, "replications": req.replications, "target": req.target,
        "mode": mode.name(), "seed": seed,
    });
    let asked = Asked { kind: Kind::Sweep, text: &req.text, options, seed };
    let id = begin(&state, asked).await?;
    // The progress is recorded from the start, for a studio stopped before the sweep
    // ends; as every later record of it, a failed write loses only that record (the
    // sweep's end is written, or fails, on its own).
    let runs = runs(&SweepProgress::start(id, plan.runs)).to_string();
    let _ = state.db(move |h| h.progress(id, &runs)).await;
    let job = state.0.jobs.add(id, Job::new(id, plan.runs));
    let first = job.progress.borrow().clone();
    let batch = (mode, seed, req.replications);
    tokio::spawn(run(state, id, job, plan, batch));
    Ok((StatusCode::ACCEPTED, Json(first)))
}

/// How often a running sweep records its progress in the history (what an
/// interrupted sweep reads back).
const RECORD_EVERY: Duration = Duration::from_secs(1);

/// A sweep's runs as the history keeps them: `{ "done", "total", "elapsed_s" }`.
fn runs(p: &SweepProgress) -> Value {
    json!({ "done": p.done, "total": p.total, "elapsed_s": p.elapsed_s })
}

/// Runs the sweep on a blocking thread and records how it ended there, then tells
/// its watchers.
async fn run(state: State, id: i64, job: Arc<Job>, plan: Plan, (mode, seed, replications): (Mode, u64, u32)) {
    let sender = job.progress.clone();
    let shared = state.clone();
    let most = state.0.limits.sweep_run_customers.max(0.0) as u64;
    let work = move |stop: Stop| {
        let recorded = Mutex::new(Instant::now());
        let progress = |p: Progress| {
            // Watchers hear only of progress: `done` rises with every event.
            sender.send_if_modified(|s| s.at(p));
            // At most every RECORD_EVERY, by one worker at a time; a failed write
            // loses only this record of the progress.
            if let Ok(mut last) = recorded.try_lock() {
                if last.elapsed() >= RECORD_EVERY {
                    *last = Instant::now();
                    let _ = shared.0.history.progress(id, &runs(&sender.borrow()).to_string());
                }
            }
        };
        let batch = Batch {
            mode,
            seed: Some(seed),
            replications,
            cancel: stop.cancel,
            progress: Some(&progress),
            max_customers: Some(most),
            ..Batch::default()
        };
        let outcome = ops::sweep(&plan.sc, &plan.varies, &batch)
            .map_err(|e| sweep_error(&plan.sc, e))
            .and_then(|result| {
                let last = sender.borrow().clone();
                finished(&plan, &result, &last).map(|f| (f, result.interrupted))
            });
        let (outcome, status) = match outcome {
            Ok((f, true)) => (Ok(f), Status::Cancelled),
            Ok((f, false)) => (Ok(f), Status::Done),
            Err(e) => (Err(e), Status::Failed),
        };
        let ended = runs(&sender.borrow()).to_string();
        match end(&shared, id, &outcome, status, Some(&ended)) {
            Ok(()) => (status, outcome.err().map(|e| e.error)),
            Err(e) => (Status::Failed, Some(e.error)),
        }
    };
    let (status, error) = match state.0.work.run(job.cancel.clone(), None, work).await {
        Ok(ended) => ended,
        Err(e) => (Status::Failed, Some(e.error)),
    };
    job.progress.send_modify(|p| {
        p.status = status;
        p.error = error;
    });
    state.0.jobs.remove(id);
}

/// Why a sweep returned no result, as the API sends it: a run stopped by its bound
/// on customers in the words of the other limits.
fn sweep_error(sc: &Scenario, e: ops::Error) -> ApiError {
    match e {
        ops::Error::TooManyCustomers(t) => ApiError::unprocessable(format!(
            "the sweep was stopped: one of its runs let in more than {} customers (at {:.2} {} of its day), the most the studio lets into one run of a sweep (a random door can let in more than expected): run it with `cafe sweep` instead",
            t.most,
            sc.unit.from_ticks(t.at),
            sc.unit.name()
        )),
        e => ApiError::unprocessable(e.to_string()),
    }
}

/// A sweep's result in a few words, for the history's list: its answer (the
/// cheapest configuration that meets the targets, or the closest; each arrival
/// rate's), without the lines that restate the targets; whether it was
/// interrupted; or how many configurations it ran, when it has no target.
fn headline(answer: &str, configurations: usize) -> String {
    /// The answers shown; more (one per arrival rate) are counted.
    const SHOWN: usize = 3;
    let mut interrupted = None;
    let mut answers = Vec::new();
    for line in answer.lines() {
        if line.starts_with("Interrupted:") {
            // "Interrupted: 1 of 8 configurations finished." without the list not run.
            interrupted = Some(line.split_inclusive(". ").next().unwrap_or(line).trim_end().to_string());
        } else if !(line.starts_with("Target")
            || line.starts_with(char::is_whitespace)
            || line.is_empty()
            || line.contains("passed over: "))
        {
            answers.push(line);
        }
    }
    let mut words = match answers.len() {
        0 if interrupted.is_some() => String::new(),
        0 => format!("{configurations} configuration{}", if configurations == 1 { "" } else { "s" }),
        n if n > SHOWN => format!("{}; and {} more", answers[..SHOWN].join("; "), n - SHOWN),
        _ => answers.join("; "),
    };
    if let Some(first) = words.get(..1) {
        words = first.to_uppercase() + &words[1..];
    }
    match interrupted {
        Some(i) if words.is_empty() => i,
        Some(i) => format!("{i} {words}"),
        None => words,
    }
}

/// A finished (or cancelled) sweep's result and files.
fn finished(plan: &Plan, result: &sweep::Sweep, progress: &SweepProgress) -> Result<Finished, ApiError> {
    let parsed: Vec<Target> = plan.targets.iter().map(|(_, t)| t.clone()).collect();
    let doc = result.document(plan.targets.iter().map(|(s, t)| (s.as_str(), t)));
    let doc = serde_json::to_value(&doc).map_err(ApiError::internal)?;
    let table = sweep::render_table(result, &parsed);
    let answer = sweep::render_answer(result, &parsed);
    let csv = sweep::csv(result, &parsed).map_err(ApiError::internal)?;
    let html = sweep::html(result, &parsed);
    let headline = headline(&answer, result.rows.len());
    let value = json!({ "table": table, "answer": answer, "document": doc, "runs": runs(progress) });
    Ok(Finished { result: value, headline, files: vec![("report.html", html), ("report.csv", csv)] })
}

/// Entry `id` of the history, if it is a sweep.
async fn sweep_entry(state: &State, id: i64) -> Result<Option<Entry>, ApiError> {
    Ok(state.db(move |h| h.get(id)).await?.filter(|e| e.summary.kind == Kind::Sweep))
}

/// An ended sweep's progress, as it was when it ended: for one the studio stopped
/// before it ended (interrupted), as last recorded while it ran.
fn ended(entry: &Entry) -> Result<Map<String, Value>, ApiError> {
    let mut p = Map::new();
    p.insert("id".into(), entry.summary.id.into());
    p.insert("status".into(), json!(entry.summary.status));
    p.insert("error".into(), json!(entry.summary.error));
    // The progress kept as it ended; a history written before it was kept has the
    // result's `runs`.
    let runs = match &entry.progress {
        Some(progress) => Some(progress.clone()),
        None => entry.result_value().map_err(ApiError::internal)?.map(|r| r["runs"].clone()),
    };
    for field in ["done", "total", "elapsed_s"] {
        let value = runs.as_ref().map_or(Value::Null, |r| r[field].clone());
        p.insert(field.into(), value);
    }
    Ok(p)
}

/// An ended sweep as `GET /api/sweeps/{id}` sends it: its progress as it ended, and
/// its result as the history keeps it.
#[derive(Serialize)]
pub struct Ended {
    #[serde(flatten)]
    progress: Map<String, Value>,
    result: Option<Box<RawValue>>,
}

/// A sweep's progress: while it runs, or as it ended.
#[derive(Serialize)]
#[serde(untagged)]
pub enum SweepState {
    Running(SweepProgress),
    Ended(Ended),
}

pub async fn progress(
    Shared(state): Shared<State>,
    Path(id): Path<String>,
) -> Result<Json<SweepState>, ApiError> {
    let id = super::id(&id)?;
    if let Some(job) = state.0.jobs.get(id) {
        let p = job.progress.borrow().clone();
        return Ok(Json(SweepState::Running(p)));
    }
    let entry =
        sweep_entry(&state, id).await?.ok_or_else(|| ApiError::not_found(format!("no sweep {id}")))?;
    let progress = ended(&entry)?;
    Ok(Json(SweepState::Ended(Ended { progress, result: entry.result })))
}

pub async fn cancel(
    Shared(state): Shared<State>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = super::id(&id)?;
    match state.0.jobs.get(id) {
        Some(job) => {
            job.cancel.cancel();
            Ok((StatusCode::ACCEPTED, Json(json!({ "id": id, "status": "cancelling" }))))
        }
        None => match sweep_entry(&state, id).await? {
            Some(e) => Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("sweep {id} is not running: it is {}", e.summary.status.name()),
            )),
            None => Err(ApiError::not_found(format!("no sweep {id}"))),
        },
    }
}

pub async fn events(
    Shared(state): Shared<State>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = super::id(&id)?;
    let job = state.0.jobs.get(id);
    let ended = match &job {
        Some(_) => None,
        None => {
            let entry = sweep_entry(&state, id).await?;
            let entry = entry.ok_or_else(|| ApiError::not_found(format!("no sweep {id}")))?;
            Some(Value::Object(ended(&entry)?))
        }
    };
    let rx = job.map(|j| j.progress.subscribe());
    // Each change of the progress, as a `progress` event, then `end` when the sweep
    // has ended (at once for one that ended before).
    let stream = futures_util::stream::unfold((rx, ended, false), |(mut rx, ended, over)| async move {
        if over {
            return None;
        }
        if let Some(end) = ended {
            return Some((Ok(Event::default().event("end").data(end.to_string())), (rx, None, true)));
        }
        let r = rx.as_mut()?;
        let changed = r.changed().await;
        let p = r.borrow_and_update().clone();
        let data = json!(p).to_string();
        if changed.is_err() || p.status != Status::Running {
            return Some((Ok(Event::default().event("end").data(data)), (rx, None, true)));
        }
        Some((Ok(Event::default().event("progress").data(data)), (rx, None, false)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::headline;

    #[test]
    fn a_sweeps_headline_is_its_answer_not_its_targets() {
        let one = "Target: mean_wait <= 2 min, met with 95% confidence (the upper end of the interval).\ncheapest configuration meeting the target: cooks = 2 (cost 2): mean_wait 1.2 ± 0.1 min\n";
        assert_eq!(
            headline(one, 4),
            "Cheapest configuration meeting the target: cooks = 2 (cost 2): mean_wait 1.2 ± 0.1 min"
        );
        let several = "Targets, all required, each met with 95% confidence (the interval's end named):\n  mean_wait <= 2 min (upper end)\n  served >= 3 (lower end)\nno configuration meets every target; closest: cooks = 4 (cost 4): mean_wait 3 min, served 2; it misses mean_wait <= 2\n";
        assert_eq!(
            headline(several, 4),
            "No configuration meets every target; closest: cooks = 4 (cost 4): mean_wait 3 min, served 2; it misses mean_wait <= 2"
        );
        let rates = "Target: mean_wait <= 2 min, met with 95% confidence (the upper end of the interval).\nAt rate 1: a\nAt rate 2: b\nAt rate 3: c\nAt rate 4: d\nAt rate 5: e\n";
        assert_eq!(headline(rates, 10), "At rate 1: a; At rate 2: b; At rate 3: c; and 2 more");
        let cut = "Interrupted: 1 of 8 configurations finished. Not run: cooks = 2; cooks = 3.\n";
        assert_eq!(headline(cut, 8), "Interrupted: 1 of 8 configurations finished.");
        let cut_answer = format!("{cut}{one}");
        assert_eq!(
            headline(&cut_answer, 8),
            format!("Interrupted: 1 of 8 configurations finished. {}", headline(one, 4))
        );
        assert_eq!(headline("", 1), "1 configuration");
        assert_eq!(headline("", 3), "3 configurations");
    }
}
