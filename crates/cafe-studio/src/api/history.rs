//! `GET /api/history` (every entry, newest first) and `GET /api/history/{id}` (one,
//! with its scenario text, options, seed and result, to reopen it).

use axum::Json;
use axum::extract::{Path, State as Shared};

use crate::error::ApiError;
use crate::history::{Entry, Summary};
use crate::server::State;

pub async fn list(Shared(state): Shared<State>) -> Result<Json<Vec<Summary>>, ApiError> {
    Ok(Json(state.db(|h| h.list()).await?))
}

/// Entry `id` (as the path has it), or 404.
pub(super) async fn entry(state: &State, id: &str) -> Result<Entry, ApiError> {
    let id = super::id(id)?;
    state
        .db(move |h| h.get(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no entry {id} in the history")))
}

pub async fn get(Shared(state): Shared<State>, Path(id): Path<String>) -> Result<Json<Entry>, ApiError> {
    Ok(Json(entry(&state, &id).await?))
}
