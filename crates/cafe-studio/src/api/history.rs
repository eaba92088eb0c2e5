//! `GET /api/history` (every entry, newest first), `GET /api/history/{id}` (one,
//! with its scenario text, options, seed and result, to reopen it) and its exports:
//! `report.json` (the result), `report.html` (the HTML report, or the sweep's page)
//! and `report.csv` (a run's orders, a sweep's table).

use axum::Json;
use axum::extract::{Path, State as Shared};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::history::{Entry, Summary};
use crate::server::State;

pub async fn list(Shared(state): Shared<State>) -> Result<Json<Vec<Summary>>, ApiError> {
    Ok(Json(state.db(|h| h.list()).await?))
}

async fn entry(state: &State, id: &str) -> Result<Entry, ApiError> {
    let id = super::id(id)?;
    state
        .db(move |h| h.get(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no entry {id} in the history")))
}

pub async fn get(Shared(state): Shared<State>, Path(id): Path<String>) -> Result<Json<Entry>, ApiError> {
    Ok(Json(entry(&state, &id).await?))
}

pub async fn export(
    Shared(state): Shared<State>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let entry = entry(&state, &id).await?;
    let id = entry.summary.id;
    let (content_type, extension) = match file.as_str() {
        "report.json" => ("application/json", "json"),
        "report.html" => ("text/html; charset=utf-8", "html"),
        "report.csv" => ("text/csv; charset=utf-8", "csv"),
        other => {
            return Err(ApiError::not_found(format!(
                "no export `{other}`: report.json, report.html or report.csv"
            )));
        }
    };
    let body = match extension {
        "json" => entry.result.map(|r| serde_json::to_string_pretty(&r).unwrap_or_default() + "\n"),
        _ => {
            let name = file.clone();
            state.db(move |h| h.file(id, &name)).await?
        }
    };
    let body = body.ok_or_else(|| {
        ApiError::not_found(format!(
            "entry {id} ({} {}) has no {file}: {}",
            entry.summary.kind.name(),
            entry.summary.status.name(),
            match (extension, entry.summary.kind) {
                ("csv", crate::history::Kind::Compare) =>
                    "a comparison keeps its HTML report and JSON; run one kitchen for its orders' CSV",
                _ => "only finished work has exports",
            }
        ))
    })?;
    let name = format!("{}-{id}.{extension}", entry.summary.name);
    let disposition = format!("inline; filename=\"{}\"", name.replace(['"', '\\', '\r', '\n'], "_"));
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}
