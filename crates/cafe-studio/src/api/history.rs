//! `GET /api/history` (the entries, newest first, a page at a time:
//! `?limit=N&before=ID`) and `GET /api/history/{id}` (one, with its scenario text,
//! options, seed and result, to reopen it).

use axum::Json;
use axum::extract::{Path, RawQuery, State as Shared};
use serde::Serialize;

use crate::error::ApiError;
use crate::history::{Entry, Summary};
use crate::server::State;

/// Entries in a page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most entries in one page.
pub const MAX_LIMIT: u32 = 500;

/// A page of the history.
#[derive(Serialize)]
pub struct Page {
    /// At most `limit` entries, newest first.
    entries: Vec<Summary>,
    /// The `before` of the next page (older entries), or `null` when this is the last.
    next: Option<i64>,
}

/// The query of `GET /api/history`: `limit` (1 to [`MAX_LIMIT`]) and `before` (an id).
fn paging(query: Option<&str>) -> Result<(Option<i64>, u32), ApiError> {
    let (mut before, mut limit) = (None, DEFAULT_LIMIT);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "limit" => {
                limit =
                    value.parse::<u32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "`limit={value}` is not a number of entries from 1 to {MAX_LIMIT}"
                        ))
                    })?;
            }
            "before" => {
                before = Some(super::id(value).map_err(|_| {
                    ApiError::bad_request(format!(
                        "`before={value}` is not an id (a positive integer): pass the `next` of the page before"
                    ))
                })?);
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{other}`: the history takes `limit` and `before`"
                )));
            }
        }
    }
    Ok((before, limit))
}

pub async fn list(Shared(state): Shared<State>, RawQuery(query): RawQuery) -> Result<Json<Page>, ApiError> {
    let (before, limit) = paging(query.as_deref())?;
    let (entries, next) = state.db(move |h| h.page(before, limit)).await?;
    Ok(Json(Page { entries, next }))
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
