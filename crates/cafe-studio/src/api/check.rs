//! `POST /api/check`: a scenario's problems, each at its line and column, in the
//! words of `cafe check`; or, when it has none, the line `cafe check` prints and the
//! capacity warnings of both kitchens.

use async_cafe::capacity;
use async_cafe::model::{Mode, Scenario};
use async_cafe::{scenario, sweep};
use axum::Json;
use serde::Serialize;

use crate::body::Body;
use crate::error::{ApiError, ProblemRecord, problems};
use crate::scenario::ScenarioText;

/// What a check found.
#[derive(Serialize)]
pub struct Checked {
    /// No problem.
    ok: bool,
    /// `NAME.toml: ok (1 cook, 2 items on the menu, 10 customers)`, when ok.
    summary: Option<String>,
    /// Every problem, located: the first 1,000 in file order when there are more.
    problems: Vec<ProblemRecord>,
    /// How many problems there are, listed or not.
    count: usize,
    /// The problems drawn as `cafe check` draws them (source lines underlined).
    rendered: Option<String>,
    /// When ok: the capacity warnings of both kitchens.
    warnings: Vec<String>,
    /// When ok: what the page's sliders change (`POST /api/edit`).
    kitchen: Option<Kitchen>,
}

/// A kitchen's settings a slider can change, by their `cafe sweep --vary` names.
#[derive(Serialize)]
pub struct Kitchen {
    /// `cooks`.
    cooks: u16,
    /// `equipment.NAME`: each piece's units, in the scenario's order.
    equipment: Vec<Units>,
    /// `arrivals.rate`, customers per `unit`: only for customers generated at a
    /// Poisson rate.
    rate: Option<f64>,
    /// The scenario's time unit: `s`, `min`, ...
    unit: &'static str,
}

/// A piece of equipment and how many units of it there are.
#[derive(Serialize)]
pub struct Units {
    name: String,
    capacity: u32,
}

fn kitchen(sc: &Scenario) -> Kitchen {
    Kitchen {
        cooks: sc.kitchen.cooks,
        equipment: sc
            .kitchen
            .equipment
            .iter()
            .map(|e| Units { name: e.name.clone(), capacity: e.capacity })
            .collect(),
        rate: sweep::poisson_rate(sc).filter(|r| r.is_finite()),
        unit: sc.unit.name(),
    }
}

pub async fn check(Body(text): Body<ScenarioText>) -> Result<Json<Checked>, ApiError> {
    let checked = tokio::task::spawn_blocking(move || match text.load() {
        Err(e) => Checked {
            ok: false,
            summary: None,
            problems: problems(&e),
            count: e.count(),
            rendered: Some(e.render()),
            warnings: Vec::new(),
            kitchen: None,
        },
        Ok(sc) => {
            let summary = scenario::ok_line(&sc, &format!("{}.toml", text.name()));
            let warnings =
                [Mode::Async, Mode::Sync].into_iter().flat_map(|m| capacity::warnings(&sc, m)).collect();
            Checked {
                ok: true,
                summary: Some(summary),
                problems: Vec::new(),
                count: 0,
                rendered: None,
                warnings,
                kitchen: Some(kitchen(&sc)),
            }
        }
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(Json(checked))
}
