//! `POST /api/check`: a scenario's problems, each at its line and column, in the
//! words of `cafe check`; or, when it has none, the line `cafe check` prints and the
//! capacity warnings of both kitchens.

use async_cafe::capacity;
use async_cafe::model::Mode;
use async_cafe::scenario;
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
    /// Every problem, located.
    problems: Vec<ProblemRecord>,
    /// The problems drawn as `cafe check` draws them (source lines underlined).
    rendered: Option<String>,
    /// When ok: the capacity warnings of both kitchens.
    warnings: Vec<String>,
}

pub async fn check(Body(text): Body<ScenarioText>) -> Result<Json<Checked>, ApiError> {
    let checked = tokio::task::spawn_blocking(move || match text.load() {
        Err(e) => Checked {
            ok: false,
            summary: None,
            problems: problems(&e),
            rendered: Some(e.render()),
            warnings: Vec::new(),
        },
        Ok(sc) => {
            let summary = scenario::ok_line(&sc, &format!("{}.toml", text.name()));
            let warnings =
                [Mode::Async, Mode::Sync].into_iter().flat_map(|m| capacity::warnings(&sc, m)).collect();
            Checked { ok: true, summary: Some(summary), problems: Vec::new(), rendered: None, warnings }
        }
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(Json(checked))
}
