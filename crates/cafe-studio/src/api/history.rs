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

/// A query string's part decoded as a form does it (`application/x-www-form-urlencoded`):
/// `+` is a space, `%XX` a byte; bytes that are not UTF-8 become U+FFFD.
fn decoded(part: &str) -> String {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query of `GET /api/history`: `limit` (1 to [`MAX_LIMIT`]) and `before` (an id),
/// each at most once, percent-decoded.
fn paging(query: Option<&str>) -> Result<(Option<i64>, u32), ApiError> {
    let (mut before, mut limit) = (None, None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decoded(key), decoded(value));
        let twice = || ApiError::bad_request(format!("`{key}` is given twice: give it once"));
        match key.as_str() {
            "limit" => {
                let n =
                    value.parse::<u32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "`limit={value}` is not a number of entries from 1 to {MAX_LIMIT}"
                        ))
                    })?;
                if limit.replace(n).is_some() {
                    return Err(twice());
                }
            }
            "before" => {
                let id = super::id(&value).map_err(|_| {
                    ApiError::bad_request(format!(
                        "`before={value}` is not an id (a positive integer): pass the `next` of the page before"
                    ))
                })?;
                if before.replace(id).is_some() {
                    return Err(twice());
                }
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown parameter `{other}`: the history takes `limit` and `before`"
                )));
            }
        }
    }
    Ok((before, limit.unwrap_or(DEFAULT_LIMIT)))
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
