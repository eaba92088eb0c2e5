//! `POST /api/sweeps` starts a sweep in the background (the grid of `cafe sweep`,
//! with its table, answers, CSV and HTML page); `GET /api/sweeps/{id}` is its
//! progress, `GET /api/sweeps/{id}/events` streams it (server-sent events: a
//! `progress` event after each run, then `end`), and `DELETE /api/sweeps/{id}`
//! cancels it (the configurations finished are kept).

use std::convert::Infallible;
use std::sync::Arc;

use async_cafe::clock::Cancel;
use async_cafe::model::{Mode, Scenario};
use async_cafe::ops::{self, Batch, Progress};
use async_cafe::sweep::{self, Target, Vary};
use axum::Json;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{Value, json};

use super::record::{Asked, Finished, begin, end};
use crate::body::Body;
use crate::error::ApiError;
use crate::history::{Entry, Kind, Status};
use crate::jobs::{Job, SweepProgress};
use crate::scenario::{ScenarioText, mode};
use crate::server::State;

/// A sweep's request: what `cafe sweep` takes, as JSON.
#[derive(Deserialize)]
pub struct SweepRequest {
    #[serde(flatten)]
    text: ScenarioText,
    /// What to vary: `cooks=1..4`, `equipment.oven=1,2` (as `--vary`).
    #[serde(default)]
    vary: Vec<String>,
    /// Replications of each configuration (10 unless given).
    #[serde(default = "ten")]
    replications: u32,
    /// Targets, all required (as `--target`): `wait.p95 <= 2`.
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
    let sweep::Checked { varies, targets } = request.check(&sc).map_err(|e| bad(e.to_string()))?;
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
    if one_run > limits.customers * 10.0 {
        return Err(bad(format!(
            "a run of this sweep lets in about {one_run:.0} customers: the studio's sweeps run at most {:.0}; run it with `cafe sweep` instead",
            limits.customers * 10.0
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
    let job = state.0.jobs.add(id, Job::new(id, plan.runs));
    let first = job.progress.borrow().clone();
    let batch = (mode, seed, req.replications);
    tokio::spawn(run(state, id, job, plan, batch));
    Ok((StatusCode::ACCEPTED, Json(first)))
}

/// Runs the sweep on a blocking thread and records how it ended there, then tells
/// its watchers.
async fn run(state: State, id: i64, job: Arc<Job>, plan: Plan, (mode, seed, replications): (Mode, u64, u32)) {
    let sender = job.progress.clone();
    let shared = state.clone();
    let work = move |cancel: Cancel| {
        let progress = |p: Progress| sender.send_modify(|s| s.at(p));
        let batch = Batch {
            mode,
            seed: Some(seed),
            replications,
            cancel,
            progress: Some(&progress),
            ..Batch::default()
        };
        let outcome = ops::sweep(&plan.sc, &plan.varies, &batch)
            .map_err(|e| ApiError::unprocessable(e.to_string()))
            .and_then(|result| {
                let last = sender.borrow().clone();
                finished(&plan, &result, &last).map(|f| (f, result.interrupted))
            });
        let (outcome, status) = match outcome {
            Ok((f, true)) => (Ok(f), Status::Cancelled),
            Ok((f, false)) => (Ok(f), Status::Done),
            Err(e) => (Err(e), Status::Failed),
        };
        match end(&shared, id, &outcome, status) {
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

/// A finished (or cancelled) sweep's result and files.
fn finished(plan: &Plan, result: &sweep::Sweep, progress: &SweepProgress) -> Result<Finished, ApiError> {
    let parsed: Vec<Target> = plan.targets.iter().map(|(_, t)| t.clone()).collect();
    let doc = result.document(plan.targets.iter().map(|(s, t)| (s.as_str(), t)));
    let doc = serde_json::to_value(&doc).map_err(ApiError::internal)?;
    let table = sweep::render_table(result, &parsed);
    let answer = sweep::render_answer(result, &parsed);
    let csv = sweep::csv(result, &parsed).map_err(ApiError::internal)?;
    let html = sweep::html(result, &parsed);
    let headline =
        answer.lines().next().map_or_else(|| format!("{} configurations", result.rows.len()), str::to_string);
    let runs = json!({ "done": progress.done, "total": progress.total, "elapsed_s": progress.elapsed_s });
    let value = json!({ "table": table, "answer": answer, "document": doc, "runs": runs });
    Ok(Finished { result: value, headline, files: vec![("report.html", html), ("report.csv", csv)] })
}

/// Entry `id` of the history, if it is a sweep.
async fn sweep_entry(state: &State, id: i64) -> Result<Option<Entry>, ApiError> {
    Ok(state.db(move |h| h.get(id)).await?.filter(|e| e.summary.kind == Kind::Sweep))
}

/// An ended sweep's progress, as it was when it ended (`done` and `total` are
/// missing for a sweep that failed or was interrupted).
fn ended(entry: &Entry) -> Value {
    let mut p =
        json!({ "id": entry.summary.id, "status": entry.summary.status, "error": entry.summary.error });
    if let Some(runs) = entry.result.as_ref().and_then(|r| r["runs"].as_object()) {
        for (k, v) in runs {
            p[k] = v.clone();
        }
    }
    p
}

pub async fn progress(Shared(state): Shared<State>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id = super::id(&id)?;
    if let Some(job) = state.0.jobs.get(id) {
        let p = job.progress.borrow().clone();
        return Ok(Json(json!(p)));
    }
    let entry =
        sweep_entry(&state, id).await?.ok_or_else(|| ApiError::not_found(format!("no sweep {id}")))?;
    let mut ended = ended(&entry);
    ended["result"] = entry.result.unwrap_or_default();
    Ok(Json(ended))
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
            Some(ended(&entry))
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
