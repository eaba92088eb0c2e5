//! `POST /api/compare`: both kitchens side by side on the virtual clock, as
//! `cafe compare` runs them: the speedup, the table and the reasons ("why"), each
//! side's statistics and timeline lanes, and each side's JSON report (the events the
//! page's animated kitchen plays).

use std::io;

use async_cafe::model::{Mode, Scenario};
use async_cafe::ops::{self, ClockKind, CompareOptions, Comparison, RunSpec, Want};
use async_cafe::time;
use async_cafe::view::why::why;
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

/// A comparison's request: the scenario, a seed and a policy.
#[derive(Deserialize)]
pub struct CompareRequest {
    #[serde(flatten)]
    text: ScenarioText,
    #[serde(flatten)]
    options: RunOptions,
}

pub async fn compare(
    Shared(state): Shared<State>,
    Body(req): Body<CompareRequest>,
) -> Result<Json<Value>, ApiError> {
    if req.options.mode.is_some() {
        return Err(ApiError::bad_request("a comparison runs both kitchens: drop `mode`"));
    }
    let mut sc = req.text.scenario()?;
    req.options.apply_policy(&mut sc)?;
    within_limits(&sc, &state.0.limits)?;
    let seed = req.options.seed(&sc);
    let asked = Asked {
        kind: Kind::Compare,
        text: &req.text,
        options: json!({ "seed": seed, "policy": sc.kitchen.policy.name() }),
        seed,
    };
    let max_customers = Some(most_customers(&state.0.limits));
    let most_steps = most_steps(&state.0.limits);
    let result = recorded(&state, asked, move |cancel| {
        // The JSON reports first, each bounded by the customers it may let in and
        // the steps it may make (both kitchens see the same customers): the
        // comparison then runs what fits.
        let mut reports = Vec::new();
        for mode in [Mode::Sync, Mode::Async] {
            let spec = RunSpec { mode, clock: ClockKind::Virtual, seed };
            let want = Want { report: true, cancel: cancel.clone(), max_customers, ..Want::default() };
            let mut steps = StepCount::new(most_steps, cancel.clone());
            let ran = ops::run_watched(&sc, spec, want, &mut io::sink(), &mut steps);
            if let Some(e) = steps.error(&sc) {
                return Err(e);
            }
            let ran = ran.map_err(|e| run_error(&sc, e))?;
            if ran.stopped.is_some() {
                return Err(ApiError::unprocessable("the comparison was stopped"));
            }
            reports.push((mode, ran.report));
        }
        let opts = CompareOptions {
            seed: Some(seed),
            order_lanes: true,
            cancel: cancel.clone(),
            ..CompareOptions::default()
        };
        let cmp = ops::compare(&sc, &opts).map_err(|e| match e {
            ops::Error::Io(e) => ApiError::internal(e),
            e => ApiError::unprocessable(e.to_string()),
        })?;
        let mut sides = Vec::new();
        for side in &cmp.sides {
            let report = reports.iter().find(|(mode, _)| *mode == side.mode).map(|(_, r)| r);
            sides.push(json!({
                "mode": side.mode,
                "label": side.label(cmp.compared),
                "makespan_s": time::seconds(side.outcome.end),
                "stats": side.stats,
                "lanes": super::lanes::lanes(&sc, &side.trace),
                "report": report,
            }));
        }
        let headline = headline(&sc, &cmp);
        let warnings = cmp.warnings(&sc);
        let result = json!({
            "scenario": sc.name,
            "summary": sc.summary,
            "seed": seed,
            "speedup": cmp.speedup(),
            "text": cmp.render(&sc),
            "why": why(&cmp, &sc),
            "warnings": warnings,
            "sides": sides,
        });
        Ok(Finished { result, headline, files: Vec::new() })
    })
    .await?;
    Ok(Json(result))
}

/// `speedup 1.50x (sync 15.00 min, async 10.00 min)`.
fn headline(sc: &Scenario, cmp: &Comparison) -> String {
    let total = |mode: Mode| {
        cmp.sides.iter().find(|s| s.mode == mode).map_or(0.0, |s| sc.unit.from_ticks(s.outcome.end))
    };
    format!(
        "speedup {:.2}x (sync {:.2} {u}, async {:.2} {u})",
        cmp.speedup(),
        total(Mode::Sync),
        total(Mode::Async),
        u = sc.unit.name()
    )
}
