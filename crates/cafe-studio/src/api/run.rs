//! `POST /api/run`: one run of one kitchen on the virtual clock; its result is the
//! JSON report of `cafe run --format json`, kept in the history.

use std::io;

use async_cafe::capacity;
use async_cafe::ops::{self, ClockKind, RunSpec, Want};
use axum::Json;
use axum::extract::State as Shared;
use serde::Deserialize;
use serde_json::{Value, json};

use super::record::{Asked, Finished, recorded};
use crate::body::Body;
use crate::error::ApiError;
use crate::history::Kind;
use crate::scenario::{
    RunOptions, ScenarioText, StepCount, most_customers, most_steps, run_error, within_limits,
};
use crate::server::State;

/// A run's request: the scenario and how to run it.
#[derive(Deserialize)]
pub struct RunRequest {
    #[serde(flatten)]
    text: ScenarioText,
    #[serde(flatten)]
    options: RunOptions,
}

pub async fn run(Shared(state): Shared<State>, Body(req): Body<RunRequest>) -> Result<Json<Value>, ApiError> {
    let mut sc = req.text.scenario()?;
    req.options.apply_policy(&mut sc)?;
    within_limits(&sc, &state.0.limits)?;
    let spec = RunSpec { mode: req.options.mode()?, clock: ClockKind::Virtual, seed: req.options.seed(&sc) };
    let asked = Asked {
        kind: Kind::Run,
        text: &req.text,
        options: json!({ "mode": spec.mode.name(), "seed": spec.seed, "policy": sc.kitchen.policy.name() }),
        seed: spec.seed,
    };
    let max_customers = Some(most_customers(&state.0.limits));
    let most_steps = most_steps(&state.0.limits);
    let result = recorded(&state, asked, move |cancel| {
        let mut steps = StepCount::new(most_steps, cancel.clone());
        let want = Want {
            report: true,
            stats: true,
            trace: true,
            order_lanes: true,
            cancel,
            max_customers,
            ..Want::default()
        };
        let ran = ops::run_watched(&sc, spec, want, &mut io::sink(), &mut steps);
        if let Some(e) = steps.error(&sc) {
            return Err(e);
        }
        let ran = ran.map_err(|e| run_error(&sc, e))?;
        if ran.stopped.is_some() {
            return Err(ApiError::unprocessable("the run was stopped"));
        }
        let (Some(report), Some(trace)) = (ran.report, ran.trace) else {
            return Err(ApiError::internal("a run did not return what was asked for"));
        };
        let headline = format!(
            "{} kitchen: {:.2} {}",
            spec.mode.title(),
            report.makespan_s / sc.unit.seconds(),
            sc.unit.name()
        );
        let result = json!({
            "scenario": sc.name,
            "summary": sc.summary,
            "warnings": capacity::warnings(&sc, spec.mode),
            "lanes": super::lanes::lanes(&sc, &trace),
            "report": report,
        });
        Ok(Finished { result, headline, files: Vec::new() })
    })
    .await?;
    Ok(Json(result))
}
